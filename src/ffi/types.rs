//! `#[repr(C)]` types of the C ABI and their conversions to and from the core.
//!
//! Enums that C passes *in* travel as `uint32_t` and are validated, because an
//! out-of-range value in a Rust enum would be undefined behaviour. Enums the
//! library writes *out* use the enum types.

use std::ffi::c_char;

use crate::core::{
    Event, LevelId, Priority, Request, RequestKind, StreamingConfig, StreamingSource,
    StreamingState, Vec3,
};

use super::boundary::FfiError;

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
    /// An argument is outside its documented range (empty name, bad enum value, ...).
    InvalidArgument = 13,
    /// A named object (budget, loading screen, callback, ...) does not exist.
    NotFound = 14,
    /// The handle does not point to a live object of the expected type.
    InvalidHandle = 15,
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

impl From<Priority> for LsmPriority {
    fn from(p: Priority) -> Self {
        match p {
            Priority::Critical => LsmPriority::Critical,
            Priority::High => LsmPriority::High,
            Priority::Normal => LsmPriority::Normal,
            Priority::Low => LsmPriority::Low,
            Priority::Background => LsmPriority::Background,
        }
    }
}

/// Reads a priority passed from C as a number.
pub(crate) fn priority_from_c(value: u32, what: &str) -> Result<Priority, FfiError> {
    Priority::from_u32(value).ok_or_else(|| {
        FfiError::invalid_argument(format!(
            "{what} must be an LsmPriority from 1 (CRITICAL) to 5 (BACKGROUND), got {value}"
        ))
    })
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

impl From<StreamingState> for LsmStreamingState {
    fn from(s: StreamingState) -> Self {
        match s {
            StreamingState::Unloaded => LsmStreamingState::Unloaded,
            StreamingState::Loading => LsmStreamingState::Loading,
            StreamingState::Loaded => LsmStreamingState::Loaded,
            StreamingState::Active => LsmStreamingState::Active,
            StreamingState::Unloading => LsmStreamingState::Unloading,
            StreamingState::Hidden => LsmStreamingState::Hidden,
        }
    }
}

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
}

impl From<RequestKind> for LsmRequestKind {
    fn from(k: RequestKind) -> Self {
        match k {
            RequestKind::Load => LsmRequestKind::Load,
            RequestKind::MakeVisible => LsmRequestKind::MakeVisible,
            RequestKind::Hide => LsmRequestKind::Hide,
            RequestKind::Unload => LsmRequestKind::Unload,
        }
    }
}

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
}

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
}

impl From<&Request> for LsmRequest {
    fn from(r: &Request) -> Self {
        LsmRequest {
            id: r.id.0,
            kind: r.kind.into(),
            level_id: r.level.0,
            priority: r.priority.into(),
            distance: r.distance,
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
}

impl From<&Event> for LsmEvent {
    fn from(e: &Event) -> Self {
        let mut out = LsmEvent {
            kind: LsmEventKind::StreamingComplete,
            level_id: LSM_INVALID_ID,
            old_state: LsmStreamingState::Unloaded,
            new_state: LsmStreamingState::Unloaded,
            request_kind: LsmRequestKind::Load,
            attempts: 0,
            will_retry: false,
        };
        match *e {
            Event::LevelStateChanged { level, from, to } => {
                out.kind = LsmEventKind::LevelStateChanged;
                out.level_id = level.0;
                out.old_state = from.into();
                out.new_state = to.into();
            }
            Event::LoadFailed {
                level,
                attempts,
                will_retry,
            } => {
                out.kind = LsmEventKind::LoadFailed;
                out.level_id = level.0;
                out.attempts = attempts;
                out.will_retry = will_retry;
            }
            Event::RequestFailed {
                level,
                kind,
                attempts,
            } => {
                out.kind = LsmEventKind::RequestFailed;
                out.level_id = level.0;
                out.request_kind = kind.into();
                out.attempts = attempts;
            }
            Event::StreamingComplete => {}
        }
        out
    }
}

/// Level id as the core type.
pub(crate) fn level_id(id: u32) -> LevelId {
    LevelId(id)
}
