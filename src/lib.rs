//! # Level Streaming Manager
//!
//! Decides which parts of a large game world are streamed in or out, for any
//! number of streaming sources, and tells the host engine what to load,
//! show, hide and unload. The host does the I/O and reports back.
//!
//! - [`core`]: the pure-Rust decision engine (no FFI, no I/O).
//! - [`ffi`]: the C ABI (`lsm_*` functions, header `include/level_streaming.h`).
//! - [`dashboard`] (feature `dashboard`, on by default): the embedded live
//!   dashboard, HTTP and WebSocket on one loopback port.
//! - [`world`]: the JSON world file (levels, volumes, budgets, LOD, sources).
//! - [`export`]: Prometheus text exposition and Chrome-trace/Perfetto export.
//! - [`sim`]: the simulated host behind the `lsm-sim` binary.
//!
//! The frame loop, in Rust:
//!
//! ```
//! use level_streaming::core::*;
//!
//! let mut manager = StreamingManager::default();
//! manager
//!     .create_streaming_volume(&VolumeDesc::new("forest_volume", "Forest", Vec3::ZERO, 500.0, 200.0))
//!     .unwrap();
//! let camera = StreamingSource::at(Vec3::new(600.0, 0.0, 0.0));
//! manager.update(&[camera], 1.0 / 60.0).unwrap();
//! let mut requests = Vec::new();
//! manager.take_requests(16, &mut requests);
//! assert_eq!(requests[0].kind, RequestKind::Load);
//! // ... the host loads the level, then:
//! manager.complete_request(requests[0].id, true).unwrap();
//! ```

#![warn(missing_docs)]

pub mod core;
#[cfg(feature = "dashboard")]
pub mod dashboard;
pub mod export;
pub mod ffi;
pub mod sim;
pub mod world;

/// The crate version, as in `Cargo.toml` and `LSM_VERSION` in the header.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
