//! The C ABI. Every function is `lsm_`-prefixed, returns an [`LsmStatus`]
//! (or a documented typed default), writes its outputs only on success,
//! catches panics, and validates its pointers and strings. The header
//! `include/level_streaming.h` is generated from this module by `build.rs`.
//!
//! All `unsafe` code of the crate lives here.

// `extern "C"` entry points take raw pointers from C by design; marking them
// `unsafe fn` would change nothing for C callers. Each one validates its
// pointers (NULL, handle magic) before use, and every dereference sits in an
// `unsafe` block with its SAFETY reasoning.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

pub mod boundary;
pub mod dashboard;
pub mod events;
pub mod handle;
pub mod levels;
pub mod lifecycle;
pub mod loading_screens;
pub mod lod;
pub mod memory;
pub mod occlusion;
pub mod presets;
pub mod profiler;
pub mod report;
pub mod sources;
pub mod streaming;
pub mod types;
pub mod volumes;
pub mod world;

pub use dashboard::LsmDashboardConfig;
pub use handle::{LsmEventCallback, LsmManager};
pub use loading_screens::LsmLoadingScreenText;
pub use presets::*;
pub use sources::LsmStreamProgress;
pub use types::*;
