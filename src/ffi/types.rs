//! `#[repr(C)]` types of the C ABI and their conversions to and from the core.
//!
//! Enums that C passes *in* travel as `uint32_t` and are validated, because an
//! out-of-range value in a Rust enum would be undefined behaviour. Enums the
//! library writes *out* use the enum types.

use std::ffi::c_char;

use crate::core::lod::{LodLevel, LodQuality, LodSettings};
use crate::core::memory::{MemoryBudget, MemoryState, MemoryStatus};
use crate::core::occlusion::{CullingRating, OcclusionData, OcclusionType};
use crate::core::profiler::{MetricStats, ProfilerConfig, ProfilingMetric};
use crate::core::{
    Event, EventKind, LevelId, Priority, Request, RequestKind, SourceStreamingState,
    StreamingConfig, StreamingSource, StreamingState, Vec3,
};

use super::boundary::FfiError;

/// `From<core enum> for C enum`, variant by variant. Each C mirror names its
/// variants as the core enum does; the match is exhaustive, so a core variant
/// without a C counterpart does not compile.
macro_rules! enum_to_c {
    ($core:ident => $c:ident { $($variant:ident),+ $(,)? }) => {
        impl From<$core> for $c {
            fn from(v: $core) -> Self {
                match v {
                    $($core::$variant => $c::$variant,)+
                }
            }
        }
    };
}

/// Reads an enum passed from C as a number with the core's `from_u32`;
/// anything else is INVALID_ARGUMENT: "`what` must be an `expected`, got N".
fn enum_from_c<T>(
    value: u32,
    from_u32: fn(u32) -> Option<T>,
    what: &str,
    expected: &str,
) -> Result<T, FfiError> {
    from_u32(value).ok_or_else(|| {
        FfiError::invalid_argument(format!("{what} must be an {expected}, got {value}"))
    })
}

/// Id value meaning "no level / no volume" (for example in an event that is
/// not about one level).
pub const LSM_INVALID_ID: u32 = u32::MAX;

/// Filter value for `lsm_register_event_callback` that receives every event kind.
pub const LSM_EVENT_FILTER_ALL: u32 = u32::MAX;

/// Result of every `lsm_` function that can fail. On anything but
/// `LSM_STATUS_OK`, no output was written and `lsm_last_error_message`
/// describes the failure.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LsmStatus {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// A coordinate, distance or time was NaN or infinite.
    NonFiniteValue = 3,
    /// A radius, distance, size or time was negative.
    NegativeValue = 4,
    /// A volume's unload distance was below its load distance.
    UnloadBelowLoad = 5,
    /// No level has that name or id.
    UnknownLevel = 6,
    /// No streaming volume has that name or id.
    UnknownVolume = 7,
    /// The name is already taken.
    DuplicateName = 8,
    /// No request with that id was ever issued.
    UnknownRequest = 9,
    /// That request was already completed.
    RequestAlreadyCompleted = 10,
    /// The level state machine does not allow that change.
    InvalidTransition = 11,
    /// The output buffer is too small; the needed size was reported.
    BufferTooSmall = 12,
    /// An argument is outside its documented range (empty name, bad enum
    /// value, an input or required output pointer not aligned for its type;
    /// optional outputs may be at any address, ...).
    InvalidArgument = 13,
    /// A named object (budget, loading screen, callback, ...) does not exist.
    NotFound = 14,
    /// The handle does not point to a live object of the expected type.
    InvalidHandle = 15,
    /// The library was built without the feature this function needs (for
    /// example `lsm_dashboard_*` in a build without the `dashboard` feature).
    NotSupported = 16,
    /// An operating-system I/O operation failed (for example the dashboard
    /// port is already in use).
    IoError = 17,
    /// Text passed in is not valid JSON, or JSON that does not match the
    /// expected format (wrong type, missing or unknown member, unsupported
    /// version); the message gives the line and column.
    InvalidFormat = 18,
    /// The library hit an internal error (a caught panic); the object is still usable.
    Panic = 100,
}

/// A point or direction in world space, in double precision (UE5 large world
/// coordinates).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LsmVec3 {
    /// X.
    pub x: f64,
    /// Y.
    pub y: f64,
    /// Z.
    pub z: f64,
}

impl From<LsmVec3> for Vec3 {
    fn from(v: LsmVec3) -> Vec3 {
        Vec3::new(v.x, v.y, v.z)
    }
}

impl From<Vec3> for LsmVec3 {
    fn from(v: Vec3) -> LsmVec3 {
        LsmVec3 {
            x: v.x,
            y: v.y,
            z: v.z,
        }
    }
}

/// Importance of a level, volume or source. Lower is more important.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LsmPriority {
    /// Must always be loaded; never evicted.
    Critical = 1,
    /// Loads first.
    High = 2,
    /// The default.
    Normal = 3,
    /// Can be unloaded when memory is needed.
    Low = 4,
    /// Evicted first.
    Background = 5,
}

enum_to_c!(Priority => LsmPriority { Critical, High, Normal, Low, Background });

/// Reads a priority passed from C as a number.
pub(crate) fn priority_from_c(value: u32, what: &str) -> Result<Priority, FfiError> {
    let expected = "LsmPriority from 1 (CRITICAL) to 5 (BACKGROUND)";
    enum_from_c(value, Priority::from_u32, what, expected)
}

/// State of a level.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LsmStreamingState {
    /// Not in memory.
    Unloaded = 0,
    /// A load request is outstanding.
    Loading = 1,
    /// In memory, not visible.
    Loaded = 2,
    /// Visible.
    Active = 3,
    /// An unload request is outstanding.
    Unloading = 4,
    /// In memory, hidden after having been visible.
    Hidden = 5,
}

enum_to_c!(StreamingState => LsmStreamingState {
    Unloaded, Loading, Loaded, Active, Unloading, Hidden
});

/// What a request asks the host to do.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LsmRequestKind {
    /// Load the level (UE: `SetShouldBeLoaded(true)`).
    Load = 0,
    /// Make the loaded level visible (UE: `SetShouldBeVisible(true)`).
    MakeVisible = 1,
    /// Hide the level, keep it loaded (UE: `SetShouldBeVisible(false)`).
    Hide = 2,
    /// Unload the level, hiding it first if visible (UE: `SetShouldBeLoaded(false)`).
    Unload = 3,
    /// Apply `LsmRequest.lod` to the visible level.
    SetLod = 4,
}

enum_to_c!(RequestKind => LsmRequestKind { Load, MakeVisible, Hide, Unload, SetLod });

/// Kind of an `LsmEvent`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LsmEventKind {
    /// `level_id` moved from `old_state` to `new_state`.
    LevelStateChanged = 0,
    /// A load of `level_id` failed; `attempts` so far; `will_retry` false on
    /// the final report.
    LoadFailed = 1,
    /// A `request_kind` request (not a load) for `level_id` failed; it is
    /// retried with backoff while still needed.
    RequestFailed = 2,
    /// Every wanted level is active (nothing wanted is missing).
    StreamingComplete = 3,
    /// Budget `budget_id` went from `old_memory_state` to `new_memory_state`
    /// at `usage_fraction`.
    MemoryStateChanged = 4,
    /// The load of `level_id` waits: budget `budget_id` has `available_mb`
    /// left, it needs `needed_mb`, and nothing can be evicted. Raised once per wait.
    LoadDeferred = 5,
    /// Cached level `level_id` was unloaded to make room in `budget_id`.
    LevelEvicted = 6,
    /// `level_id` went from `old_lod` to `new_lod`.
    LodChanged = 7,
    /// Frame time stayed over `target_frame_time_ms` for `consecutive_frames`
    /// frames (last one `frame_time_ms`).
    PerformanceWarning = 8,
    /// Frame time came back within `target_frame_time_ms` for `consecutive_frames` frames.
    PerformanceRecovered = 9,
    /// Bound loading screen `loading_screen_id` hid itself: all its levels are active.
    LoadingScreenHidden = 10,
    /// Source `source_index` jumped `distance` since the last update.
    SourceTeleported = 11,
    /// Every level of `stream_handle` is active (`failed_levels` failed for good).
    StreamAroundComplete = 12,
    /// Source `source_index` went from `old_source_state` to `new_source_state`.
    SourceStreamingStateChanged = 13,
}

enum_to_c!(EventKind => LsmEventKind {
    LevelStateChanged,
    LoadFailed,
    RequestFailed,
    StreamingComplete,
    MemoryStateChanged,
    LoadDeferred,
    LevelEvicted,
    LodChanged,
    PerformanceWarning,
    PerformanceRecovered,
    LoadingScreenHidden,
    SourceTeleported,
    StreamAroundComplete,
    SourceStreamingStateChanged,
});

/// How well streaming keeps up with a source.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LsmSourceStreamingState {
    /// Keeping up.
    Good = 0,
    /// The source is past the slow fraction of a missing level's load range.
    Slow = 1,
    /// Past the critical fraction: the host may hold the source.
    Critical = 2,
}

enum_to_c!(SourceStreamingState => LsmSourceStreamingState { Good, Slow, Critical });

/// Configuration of a manager. Fill it with `lsm_config_default` first,
/// then change what you need.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LsmConfig {
    /// Most load requests outstanding at once; 0 = unlimited. Default 8.
    pub max_loads_in_flight: u32,
    /// Least seconds between two unload requests; 0 = none. Default 0.
    pub min_seconds_between_unloads: f64,
    /// Retries of a failed load before it is reported as given up. Default 3.
    pub max_load_retries: u32,
    /// Seconds before the first retry, doubled after each failure. Default 0.5.
    pub retry_backoff_seconds: f64,
    /// Upper bound of the retry delay in seconds. Default 30.
    pub retry_backoff_max_seconds: f64,
    /// Unload distance of a volume created with `unload_distance` 0 is
    /// `load_distance * unload_distance_factor`; must be >= 1. Default 1.25.
    pub unload_distance_factor: f64,
    /// Events kept for `lsm_poll_events`; the oldest is dropped when full. Default 4096.
    pub event_queue_capacity: u32,
    /// Frame-time target in ms for performance warnings and LOD. Default 16.67 (60 fps).
    pub target_frame_time_ms: f64,
    /// Samples per metric in the profiler's window (1 .. 1,000,000). Default 300.
    pub profiler_window_size: u32,
    /// Consecutive frames over target before a performance warning. Default 30.
    pub performance_warning_frames: u32,
    /// Consecutive frames within target before recovery. Default 30.
    pub performance_recovery_frames: u32,
    /// A source moving farther than this between updates has teleported
    /// (an `LSM_EVENT_KIND_SOURCE_TELEPORTED` event). Default 1000.
    pub teleport_distance: f64,
    /// A source is SLOW once this fraction into the load range of a wanted
    /// level that is not active yet. Default 0.5.
    pub slow_streaming_fraction: f64,
    /// ... and CRITICAL at this fraction. Default 0.9.
    pub critical_streaming_fraction: f64,
    /// Whether `lsm_should_block_source` reports CRITICAL sources (like
    /// World Partition's block-on-slow-streaming). Default false.
    pub block_on_critical_streaming: bool,
}

impl From<&StreamingConfig> for LsmConfig {
    fn from(c: &StreamingConfig) -> Self {
        LsmConfig {
            max_loads_in_flight: c.max_loads_in_flight,
            min_seconds_between_unloads: c.min_seconds_between_unloads,
            max_load_retries: c.max_load_retries,
            retry_backoff_seconds: c.retry_backoff_seconds,
            retry_backoff_max_seconds: c.retry_backoff_max_seconds,
            unload_distance_factor: c.unload_distance_factor,
            event_queue_capacity: c.event_queue_capacity,
            target_frame_time_ms: c.profiler.target_frame_time_ms,
            profiler_window_size: c.profiler.window_size.min(u32::MAX as usize) as u32,
            performance_warning_frames: c.profiler.warning_after_frames,
            performance_recovery_frames: c.profiler.recovery_after_frames,
            teleport_distance: c.teleport_distance,
            slow_streaming_fraction: c.slow_streaming_fraction,
            critical_streaming_fraction: c.critical_streaming_fraction,
            block_on_critical_streaming: c.block_on_critical_streaming,
        }
    }
}

impl From<&LsmConfig> for StreamingConfig {
    fn from(c: &LsmConfig) -> Self {
        StreamingConfig {
            max_loads_in_flight: c.max_loads_in_flight,
            min_seconds_between_unloads: c.min_seconds_between_unloads,
            max_load_retries: c.max_load_retries,
            retry_backoff_seconds: c.retry_backoff_seconds,
            retry_backoff_max_seconds: c.retry_backoff_max_seconds,
            unload_distance_factor: c.unload_distance_factor,
            event_queue_capacity: c.event_queue_capacity,
            teleport_distance: c.teleport_distance,
            slow_streaming_fraction: c.slow_streaming_fraction,
            critical_streaming_fraction: c.critical_streaming_fraction,
            block_on_critical_streaming: c.block_on_critical_streaming,
            profiler: ProfilerConfig {
                window_size: c.profiler_window_size as usize,
                target_frame_time_ms: c.target_frame_time_ms,
                warning_after_frames: c.performance_warning_frames,
                recovery_after_frames: c.performance_recovery_frames,
            },
        }
    }
}

/// Describes a level for `lsm_register_level`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct LsmLevelDesc {
    /// Unique NUL-terminated UTF-8 name (the UE level package name).
    pub name: *const c_char,
    /// Estimated memory once loaded, in MB (>= 0).
    pub estimated_memory_mb: f64,
    /// An `LsmPriority` value (1..5).
    pub priority: u32,
}

/// Describes a streaming volume for `lsm_create_streaming_volume`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct LsmVolumeDesc {
    /// Unique NUL-terminated UTF-8 name.
    pub name: *const c_char,
    /// Level it streams (NUL-terminated UTF-8); created with defaults if never registered.
    pub level_name: *const c_char,
    /// Centre in world space (finite).
    pub center: LsmVec3,
    /// Radius (>= 0).
    pub radius: f64,
    /// The volume wants its level when the nearest source is within this gap of its surface (>= 0).
    pub load_distance: f64,
    /// It releases the level beyond this gap (>= load_distance). 0 means the
    /// default: `load_distance * LsmConfig.unload_distance_factor`.
    pub unload_distance: f64,
    /// An `LsmPriority` value (1..5).
    pub priority: u32,
    /// Disabled volumes want nothing.
    pub enabled: bool,
}

/// A streaming source (camera, player) for `lsm_update`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct LsmStreamingSource {
    /// Position in world space (finite).
    pub position: LsmVec3,
    /// Velocity in world units per second (finite).
    pub velocity: LsmVec3,
    /// An `LsmPriority` value (1..5); 0 is taken as NORMAL.
    pub priority: u32,
    /// Velocity prediction: the source also reaches along its velocity for
    /// this many seconds, so levels ahead are requested before it arrives
    /// (finite, >= 0; 0 = none).
    pub look_ahead_seconds: f64,
}

impl LsmStreamingSource {
    pub(crate) fn to_core(self) -> Result<StreamingSource, FfiError> {
        let priority = if self.priority == 0 {
            Priority::Normal
        } else {
            priority_from_c(self.priority, "source priority")?
        };
        Ok(StreamingSource {
            position: self.position.into(),
            velocity: self.velocity.into(),
            priority,
            look_ahead_seconds: self.look_ahead_seconds,
        })
    }
}

/// A unit of work for the host. Complete it exactly once with
/// `lsm_complete_request(manager, id, success)`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct LsmRequest {
    /// Unique id.
    pub id: u64,
    /// What to do.
    pub kind: LsmRequestKind,
    /// Which level (see `lsm_level_name`).
    pub level_id: u32,
    /// Priority the request was ordered by.
    pub priority: LsmPriority,
    /// Gap from the nearest source to the nearest volume of the level
    /// (0 inside it; infinity for a manual load with no volume nearby).
    pub distance: f64,
    /// SET_LOD: the LOD to apply. MAKE_VISIBLE: the LOD to show the level
    /// with. Otherwise the level's current LOD.
    pub lod: LsmLodLevel,
}

impl From<&Request> for LsmRequest {
    fn from(r: &Request) -> Self {
        LsmRequest {
            id: r.id.0,
            kind: r.kind.into(),
            level_id: r.level.0,
            priority: r.priority.into(),
            distance: r.distance,
            lod: r.lod.into(),
        }
    }
}

/// An event. Which fields are meaningful depends on `kind` (see
/// `LsmEventKind`); the others are zero, or `LSM_INVALID_ID` for ids.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct LsmEvent {
    /// What happened.
    pub kind: LsmEventKind,
    /// The level concerned, or `LSM_INVALID_ID`.
    pub level_id: u32,
    /// Previous state (LEVEL_STATE_CHANGED).
    pub old_state: LsmStreamingState,
    /// New state (LEVEL_STATE_CHANGED).
    pub new_state: LsmStreamingState,
    /// Which request failed (REQUEST_FAILED; LOAD for LOAD_FAILED).
    pub request_kind: LsmRequestKind,
    /// Failed attempts so far (LOAD_FAILED, REQUEST_FAILED).
    pub attempts: u32,
    /// Whether another attempt is scheduled (LOAD_FAILED).
    pub will_retry: bool,
    /// The budget concerned (MEMORY_STATE_CHANGED, LOAD_DEFERRED, LEVEL_EVICTED), or `LSM_INVALID_ID`.
    pub budget_id: u32,
    /// Previous budget state (MEMORY_STATE_CHANGED).
    pub old_memory_state: LsmMemoryState,
    /// New budget state (MEMORY_STATE_CHANGED).
    pub new_memory_state: LsmMemoryState,
    /// Budget usage over maximum (MEMORY_STATE_CHANGED).
    pub usage_fraction: f64,
    /// Memory the level needs in MB (LOAD_DEFERRED).
    pub needed_mb: f64,
    /// Memory the budget has left in MB (LOAD_DEFERRED).
    pub available_mb: f64,
    /// Previous LOD (LOD_CHANGED).
    pub old_lod: LsmLodLevel,
    /// New LOD (LOD_CHANGED).
    pub new_lod: LsmLodLevel,
    /// Frame time in ms (PERFORMANCE_WARNING).
    pub frame_time_ms: f64,
    /// Target frame time in ms (PERFORMANCE_WARNING, PERFORMANCE_RECOVERED).
    pub target_frame_time_ms: f64,
    /// Consecutive frames (PERFORMANCE_WARNING, PERFORMANCE_RECOVERED).
    pub consecutive_frames: u32,
    /// The loading screen (LOADING_SCREEN_HIDDEN), or `LSM_INVALID_ID`.
    pub loading_screen_id: u32,
    /// The source (SOURCE_TELEPORTED, SOURCE_STREAMING_STATE_CHANGED), or `LSM_INVALID_ID`.
    pub source_index: u32,
    /// Distance jumped (SOURCE_TELEPORTED).
    pub distance: f64,
    /// The `lsm_stream_around` handle (STREAM_AROUND_COMPLETE), or `LSM_INVALID_ID`.
    pub stream_handle: u32,
    /// Levels that failed for good (STREAM_AROUND_COMPLETE).
    pub failed_levels: u32,
    /// Previous state (SOURCE_STREAMING_STATE_CHANGED).
    pub old_source_state: LsmSourceStreamingState,
    /// New state (SOURCE_STREAMING_STATE_CHANGED).
    pub new_source_state: LsmSourceStreamingState,
}

impl From<&Event> for LsmEvent {
    fn from(e: &Event) -> Self {
        let mut out = LsmEvent {
            kind: e.kind().into(),
            level_id: LSM_INVALID_ID,
            old_state: LsmStreamingState::Unloaded,
            new_state: LsmStreamingState::Unloaded,
            request_kind: LsmRequestKind::Load,
            attempts: 0,
            will_retry: false,
            budget_id: LSM_INVALID_ID,
            old_memory_state: LsmMemoryState::Normal,
            new_memory_state: LsmMemoryState::Normal,
            usage_fraction: 0.0,
            needed_mb: 0.0,
            available_mb: 0.0,
            old_lod: LsmLodLevel::Ultra,
            new_lod: LsmLodLevel::Ultra,
            frame_time_ms: 0.0,
            target_frame_time_ms: 0.0,
            consecutive_frames: 0,
            loading_screen_id: LSM_INVALID_ID,
            source_index: LSM_INVALID_ID,
            distance: 0.0,
            stream_handle: LSM_INVALID_ID,
            failed_levels: 0,
            old_source_state: LsmSourceStreamingState::Good,
            new_source_state: LsmSourceStreamingState::Good,
        };
        match *e {
            Event::LevelStateChanged { level, from, to } => {
                out.level_id = level.0;
                out.old_state = from.into();
                out.new_state = to.into();
            }
            Event::LoadFailed {
                level,
                attempts,
                will_retry,
            } => {
                out.level_id = level.0;
                out.attempts = attempts;
                out.will_retry = will_retry;
            }
            Event::RequestFailed {
                level,
                kind,
                attempts,
            } => {
                out.level_id = level.0;
                out.request_kind = kind.into();
                out.attempts = attempts;
            }
            Event::StreamingComplete => {}
            Event::MemoryStateChanged {
                budget,
                from,
                to,
                usage_fraction,
            } => {
                out.budget_id = budget.0;
                out.old_memory_state = from.into();
                out.new_memory_state = to.into();
                out.usage_fraction = usage_fraction;
            }
            Event::LoadDeferred {
                level,
                budget,
                needed_mb,
                available_mb,
            } => {
                out.level_id = level.0;
                out.budget_id = budget.0;
                out.needed_mb = needed_mb;
                out.available_mb = available_mb;
            }
            Event::LevelEvicted { level, budget } => {
                out.level_id = level.0;
                out.budget_id = budget.0;
            }
            Event::LodChanged { level, from, to } => {
                out.level_id = level.0;
                out.old_lod = from.into();
                out.new_lod = to.into();
            }
            Event::PerformanceWarning {
                frame_time_ms,
                target_ms,
                consecutive_frames,
            } => {
                out.frame_time_ms = frame_time_ms;
                out.target_frame_time_ms = target_ms;
                out.consecutive_frames = consecutive_frames;
            }
            Event::PerformanceRecovered {
                target_ms,
                consecutive_frames,
            } => {
                out.target_frame_time_ms = target_ms;
                out.consecutive_frames = consecutive_frames;
            }
            Event::LoadingScreenHidden { screen } => {
                out.loading_screen_id = screen.0;
            }
            Event::SourceTeleported { source, distance } => {
                out.source_index = source;
                out.distance = distance;
            }
            Event::StreamAroundComplete {
                handle,
                failed_levels,
            } => {
                out.stream_handle = handle.0;
                out.failed_levels = failed_levels;
            }
            Event::SourceStreamingStateChanged { source, from, to } => {
                out.source_index = source;
                out.old_source_state = from.into();
                out.new_source_state = to.into();
            }
        }
        out
    }
}

/// Level id as the core type.
pub(crate) fn level_id(id: u32) -> LevelId {
    LevelId(id)
}

/// A level of detail. Lower is better quality.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LsmLodLevel {
    /// Highest quality: texture 1.0, mesh 1.0, draw distance 10000, shadow 1.0.
    Ultra = 0,
    /// Texture 0.8, mesh 0.95, draw distance 8000, shadow 0.8.
    High = 1,
    /// Texture 0.6, mesh 0.85, draw distance 6000, shadow 0.6.
    Medium = 2,
    /// Texture 0.4, mesh 0.7, draw distance 4000, shadow 0.3.
    Low = 3,
    /// Texture 0.2, mesh 0.5, draw distance 2000, shadow 0.
    Minimal = 4,
}

enum_to_c!(LodLevel => LsmLodLevel { Ultra, High, Medium, Low, Minimal });

/// Reads a LOD passed from C as a number.
pub(crate) fn lod_from_c(value: u32) -> Result<LodLevel, FfiError> {
    let expected = "LsmLodLevel from 0 (ULTRA) to 4 (MINIMAL)";
    enum_from_c(value, LodLevel::from_u32, "lod", expected)
}

/// How full a memory budget is.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LsmMemoryState {
    /// Below the warning threshold.
    Normal = 0,
    /// At or above the warning threshold (default 0.8).
    Warning = 1,
    /// At or above the critical threshold (default 0.95).
    Critical = 2,
}

enum_to_c!(MemoryState => LsmMemoryState { Normal, Warning, Critical });

/// A profiler metric.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LsmProfilingMetric {
    /// Frame time in ms.
    FrameTime = 0,
    /// Memory in MB.
    MemoryUsage = 1,
    /// Streaming bandwidth in MB/s (fed from load completions).
    StreamingBandwidth = 2,
    /// Asset load time in ms (fed from load completions).
    AssetLoadTime = 3,
    /// Draw calls per frame.
    DrawCalls = 4,
    /// Triangles per frame.
    TriangleCount = 5,
}

/// Reads a metric passed from C as a number.
pub(crate) fn metric_from_c(value: u32) -> Result<ProfilingMetric, FfiError> {
    let expected = "LsmProfilingMetric from 0 to 5";
    enum_from_c(value, ProfilingMetric::from_u32, "metric", expected)
}

/// The occlusion technique a level's statistics come from.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LsmOcclusionType {
    /// GPU occlusion queries.
    HardwareQueries = 0,
    /// Hierarchical Z-buffer.
    Hierarchical = 1,
    /// CPU software occlusion.
    Software = 2,
    /// Precomputed visibility.
    Precomputed = 3,
}

enum_to_c!(OcclusionType => LsmOcclusionType {
    HardwareQueries, Hierarchical, Software, Precomputed
});

/// Reads an occlusion type passed from C as a number.
pub(crate) fn occlusion_type_from_c(value: u32) -> Result<OcclusionType, FfiError> {
    let expected = "LsmOcclusionType from 0 to 3";
    enum_from_c(value, OcclusionType::from_u32, "occlusion_type", expected)
}

/// Rating of a culling efficiency against 0.3 / 0.6 / 0.8.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LsmCullingRating {
    /// Below 0.3.
    Poor = 0,
    /// At least 0.3 (`LSM_MIN_CULLING_EFFICIENCY`).
    Minimum = 1,
    /// At least 0.6 (`LSM_GOOD_CULLING_EFFICIENCY`).
    Good = 2,
    /// At least 0.8 (`LSM_EXCELLENT_CULLING_EFFICIENCY`).
    Excellent = 3,
}

enum_to_c!(CullingRating => LsmCullingRating { Poor, Minimum, Good, Excellent });

/// The whole manager's memory (seed `get_memory_status`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct LsmMemoryStatus {
    /// Memory held by all levels, budgeted or not, in MB.
    pub used_memory_mb: f64,
    /// Sum of all budgets' maxima in MB.
    pub total_memory_mb: f64,
    /// Budgeted usage over the sum of maxima (0 without budgets).
    pub usage_fraction: f64,
    /// Memory held by levels in no budget, in MB.
    pub unbudgeted_memory_mb: f64,
    /// The most severe budget state.
    pub worst_state: LsmMemoryState,
    /// Number of budgets (indices for `lsm_get_budget_status_by_index`).
    pub budget_count: u32,
}

impl From<&MemoryStatus> for LsmMemoryStatus {
    fn from(m: &MemoryStatus) -> Self {
        LsmMemoryStatus {
            used_memory_mb: m.used_memory_mb,
            total_memory_mb: m.total_memory_mb,
            usage_fraction: m.usage_percentage,
            unbudgeted_memory_mb: m.unbudgeted_memory_mb,
            worst_state: m.worst_state.into(),
            budget_count: m.budgets.len() as u32,
        }
    }
}

/// One memory budget.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct LsmBudgetStatus {
    /// Its id (= its index).
    pub budget_id: u32,
    /// Maximum in MB.
    pub max_memory_mb: f64,
    /// Memory of its levels that hold memory now (loading, loaded, unloading), in MB.
    pub current_usage_mb: f64,
    /// Memory of all levels allocated to it, loaded or not, in MB.
    pub allocated_memory_mb: f64,
    /// `current_usage_mb / max_memory_mb`.
    pub usage_fraction: f64,
    /// Warning threshold (fraction of the maximum).
    pub warning_threshold: f64,
    /// Critical threshold (fraction of the maximum).
    pub critical_threshold: f64,
    /// Current state.
    pub state: LsmMemoryState,
    /// The budget's priority.
    pub priority: LsmPriority,
    /// Levels allocated to it.
    pub level_count: u32,
    /// True from reaching CRITICAL until back below WARNING.
    pub evicting: bool,
}

impl From<&MemoryBudget> for LsmBudgetStatus {
    fn from(b: &MemoryBudget) -> Self {
        LsmBudgetStatus {
            budget_id: b.id.0,
            max_memory_mb: b.max_memory_mb,
            current_usage_mb: b.current_usage_mb,
            allocated_memory_mb: b.allocated_memory_mb(),
            usage_fraction: b.usage_fraction(),
            warning_threshold: b.warning_threshold,
            critical_threshold: b.critical_threshold,
            state: b.state.into(),
            priority: b.priority.into(),
            level_count: b.allocated_levels.len() as u32,
            evicting: b.evicting,
        }
    }
}

/// Quality values of a LOD.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct LsmLodQuality {
    /// Texture quality 0..1.
    pub texture_quality: f64,
    /// Mesh quality 0..1.
    pub mesh_quality: f64,
    /// Draw distance in world units.
    pub draw_distance: f64,
    /// Shadow quality 0..1.
    pub shadow_quality: f64,
}

impl From<LodQuality> for LsmLodQuality {
    fn from(q: LodQuality) -> Self {
        LsmLodQuality {
            texture_quality: q.texture_quality,
            mesh_quality: q.mesh_quality,
            draw_distance: q.draw_distance,
            shadow_quality: q.shadow_quality,
        }
    }
}

/// LOD settings of a level.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct LsmLodSettings {
    /// The LOD in force (an `LsmLodLevel`; validated when passed in).
    pub current_lod: u32,
    /// Re-evaluate each update while active.
    pub auto_adjust: bool,
    /// Largest distance for each LOD, ULTRA to MINIMAL (non-decreasing).
    pub distance_thresholds: [f64; 5],
    /// Free memory (MB) each LOD needs, ULTRA to MINIMAL.
    pub memory_thresholds: [f64; 5],
}

impl From<&LodSettings> for LsmLodSettings {
    fn from(s: &LodSettings) -> Self {
        LsmLodSettings {
            current_lod: s.current_lod as u32,
            auto_adjust: s.auto_adjust,
            distance_thresholds: s.distance_thresholds,
            memory_thresholds: s.memory_thresholds,
        }
    }
}

impl LsmLodSettings {
    pub(crate) fn to_core(self) -> Result<LodSettings, FfiError> {
        Ok(LodSettings {
            current_lod: lod_from_c(self.current_lod)?,
            auto_adjust: self.auto_adjust,
            distance_thresholds: self.distance_thresholds,
            memory_thresholds: self.memory_thresholds,
        })
    }
}

/// Statistics of one metric over the profiler window, plus lifetime figures.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct LsmMetricStats {
    /// Samples in the window.
    pub count: u64,
    /// Smallest sample in the window.
    pub min: f64,
    /// Largest sample in the window.
    pub max: f64,
    /// Mean of the window.
    pub mean: f64,
    /// Median (nearest rank).
    pub p50: f64,
    /// 95th percentile (nearest rank).
    pub p95: f64,
    /// 99th percentile (nearest rank).
    pub p99: f64,
    /// Most recent sample.
    pub latest: f64,
    /// Samples ever recorded.
    pub lifetime_count: u64,
    /// Mean of all samples ever recorded.
    pub lifetime_mean: f64,
}

impl From<&MetricStats> for LsmMetricStats {
    fn from(s: &MetricStats) -> Self {
        LsmMetricStats {
            count: s.count as u64,
            min: s.min,
            max: s.max,
            mean: s.mean,
            p50: s.p50,
            p95: s.p95,
            p99: s.p99,
            latest: s.latest,
            lifetime_count: s.lifetime_count,
            lifetime_mean: s.lifetime_mean,
        }
    }
}

/// Occlusion statistics of a level. Savings are estimates from the cost model.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct LsmOcclusionStats {
    /// The technique.
    pub occlusion_type: LsmOcclusionType,
    /// Visible actors at the last update.
    pub visible_actors: u32,
    /// Occluded actors at the last update.
    pub occluded_actors: u32,
    /// Last efficiency: occluded / (visible + occluded).
    pub efficiency: f64,
    /// Mean efficiency over all updates.
    pub mean_efficiency: f64,
    /// Updates recorded.
    pub updates: u64,
    /// Estimated triangles saved, summed over updates.
    pub triangles_saved_total: f64,
    /// Estimated draw calls saved, summed over updates.
    pub draw_calls_saved_total: f64,
    /// Estimated frame time saved in ms, summed over updates.
    pub frame_time_saved_ms_total: f64,
    /// Estimated frame time saved at the last update, in ms.
    pub last_frame_time_saved_ms: f64,
    /// Rating of the last efficiency.
    pub rating: LsmCullingRating,
}

impl From<&OcclusionData> for LsmOcclusionStats {
    fn from(d: &OcclusionData) -> Self {
        LsmOcclusionStats {
            occlusion_type: d.occlusion_type.into(),
            visible_actors: d.visible_actors,
            occluded_actors: d.occluded_actors,
            efficiency: d.efficiency,
            mean_efficiency: d.mean_efficiency,
            updates: d.updates,
            triangles_saved_total: d.triangles_saved_total,
            draw_calls_saved_total: d.draw_calls_saved_total,
            frame_time_saved_ms_total: d.frame_time_saved_ms_total,
            last_frame_time_saved_ms: d.last_frame_time_saved_ms,
            rating: d.rating.into(),
        }
    }
}

/// A loading screen's figures (its texts: `lsm_loading_screen_text`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct LsmLoadingScreenInfo {
    /// Its id.
    pub id: u32,
    /// Assets to load (bound screens: number of levels).
    pub total_assets: u32,
    /// Assets loaded (bound screens: levels active).
    pub assets_loaded: u32,
    /// Progress 0..1.
    pub progress: f64,
    /// Whether it is shown.
    pub visible: bool,
    /// Whether its progress follows levels.
    pub bound_to_levels: bool,
    /// Seconds since shown (frozen when hidden).
    pub elapsed_seconds: f64,
    /// Whether `eta_seconds` is known.
    pub has_eta: bool,
    /// Estimated seconds left from the observed rate.
    pub eta_seconds: f64,
    /// Number of tips.
    pub tip_count: u32,
}

impl Default for LsmConfig {
    /// The library defaults, as `lsm_config_default` writes them.
    fn default() -> Self {
        LsmConfig::from(&StreamingConfig::default())
    }
}

impl Default for LsmRequest {
    fn default() -> Self {
        LsmRequest {
            id: 0,
            kind: LsmRequestKind::Load,
            level_id: LSM_INVALID_ID,
            priority: LsmPriority::Normal,
            distance: 0.0,
            lod: LsmLodLevel::Ultra,
        }
    }
}

impl Default for LsmEvent {
    fn default() -> Self {
        LsmEvent::from(&Event::StreamingComplete)
    }
}
