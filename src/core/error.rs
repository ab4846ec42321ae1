//! The core's error type. Every failure is one of these; the C ABI maps each
//! variant to exactly one status code in one place (`ffi::status`).

use std::fmt;

use super::types::{LevelId, RequestId, StreamingState, VolumeId};

/// Why a core operation was refused. A refused operation changes nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamingError {
    /// A coordinate, distance or other number was NaN or infinite.
    NonFiniteValue {
        /// Which argument.
        what: &'static str,
    },
    /// A radius, distance, size or time was negative.
    NegativeValue {
        /// Which argument.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// A volume's unload distance was below its load distance.
    UnloadBelowLoad {
        /// The load distance given.
        load: f64,
        /// The unload distance given.
        unload: f64,
    },
    /// An argument was out of its documented range (empty name, unknown enum value, ...).
    InvalidArgument(String),
    /// No level has this name.
    UnknownLevelName(String),
    /// No level has this id.
    UnknownLevelId(LevelId),
    /// No volume has this name.
    UnknownVolumeName(String),
    /// No volume has this id (never created, or removed).
    UnknownVolumeId(VolumeId),
    /// The name is already taken.
    DuplicateName {
        /// "level", "volume", "budget", ...
        kind: &'static str,
        /// The name.
        name: String,
    },
    /// No request with this id was ever issued.
    UnknownRequest(RequestId),
    /// The request was issued but has already been completed.
    RequestAlreadyCompleted(RequestId),
    /// The state machine does not allow this change.
    InvalidTransition {
        /// The level's name.
        level: String,
        /// Its current state.
        from: StreamingState,
        /// The state that was asked for.
        to: StreamingState,
    },
    /// A named object of another kind (budget, loading screen, ...) does not exist.
    NotFound {
        /// "budget", "loading screen", ...
        kind: &'static str,
        /// How it was named.
        name: String,
    },
}

impl fmt::Display for StreamingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamingError::NonFiniteValue { what } => {
                write!(f, "{what} must be a finite number (got NaN or infinity)")
            }
            StreamingError::NegativeValue { what, value } => {
                write!(f, "{what} must not be negative (got {value})")
            }
            StreamingError::UnloadBelowLoad { load, unload } => write!(
                f,
                "unload distance {unload} is below load distance {load}; it must be >= the load distance"
            ),
            StreamingError::InvalidArgument(msg) => write!(f, "invalid argument: {msg}"),
            StreamingError::UnknownLevelName(name) => write!(f, "no level named '{name}'"),
            StreamingError::UnknownLevelId(id) => write!(f, "no level with id {}", id.0),
            StreamingError::UnknownVolumeName(name) => write!(f, "no streaming volume named '{name}'"),
            StreamingError::UnknownVolumeId(id) => write!(f, "no streaming volume with id {}", id.0),
            StreamingError::DuplicateName { kind, name } => {
                write!(f, "a {kind} named '{name}' already exists")
            }
            StreamingError::UnknownRequest(id) => write!(f, "no request with id {} was issued", id.0),
            StreamingError::RequestAlreadyCompleted(id) => {
                write!(f, "request {} was already completed", id.0)
            }
            StreamingError::InvalidTransition { level, from, to } => write!(
                f,
                "level '{level}' cannot go from {} to {}",
                from.name(),
                to.name()
            ),
            StreamingError::NotFound { kind, name } => write!(f, "no {kind} named '{name}'"),
        }
    }
}

impl std::error::Error for StreamingError {}

/// Result alias for core operations.
pub type StreamingResult<T> = Result<T, StreamingError>;

/// Checks that `value` is finite and not negative.
pub(crate) fn check_non_negative(what: &'static str, value: f64) -> StreamingResult<f64> {
    if !value.is_finite() {
        return Err(StreamingError::NonFiniteValue { what });
    }
    if value < 0.0 {
        return Err(StreamingError::NegativeValue { what, value });
    }
    Ok(value)
}

/// Checks that a name is usable: not empty, no interior NUL (it must survive
/// the trip back to C).
pub(crate) fn check_name(kind: &'static str, name: &str) -> StreamingResult<()> {
    if name.is_empty() {
        return Err(StreamingError::InvalidArgument(format!(
            "{kind} name must not be empty"
        )));
    }
    if name.contains('\0') {
        return Err(StreamingError::InvalidArgument(format!(
            "{kind} name must not contain NUL"
        )));
    }
    Ok(())
}
