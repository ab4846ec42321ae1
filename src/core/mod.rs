//! The pure-Rust streaming core: no FFI, no I/O. The host engine does the
//! real loading; the core decides what to ask for and tracks what happened.

pub mod changes;
pub mod config;
pub mod error;
pub mod events;
pub mod level;
pub mod loading_screen;
pub mod lod;
pub mod manager;
pub mod memory;
pub mod occlusion;
pub mod presets;
pub mod profiler;
pub mod request;
pub mod spatial;
pub mod types;
pub mod volume;

pub use config::StreamingConfig;
pub use error::{StreamingError, StreamingResult};
pub use events::{Event, EventKind, ListenerId, SourceStreamingState, StreamHandle};
pub use level::{LevelDesc, LevelInfo};
pub use manager::StreamingManager;
pub use request::{Request, RequestCounts, RequestKind};
pub use types::{
    AuthoredSource, LevelId, Priority, RequestId, StreamingSource, StreamingState, Vec3, VolumeId,
};
pub use volume::{StreamingVolume, VolumeDesc};
