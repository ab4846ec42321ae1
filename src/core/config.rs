//! Tunables of the streaming manager, with the defaults an open-world game
//! would start from.

use serde::{Deserialize, Serialize};

use super::error::{check_non_negative, StreamingError, StreamingResult};
use super::profiler::ProfilerConfig;

/// Configuration of a [`StreamingManager`](super::manager::StreamingManager).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamingConfig {
    /// Most load requests outstanding at once; 0 means unlimited. Default 8.
    pub max_loads_in_flight: u32,
    /// Least time between two unload requests, in seconds; 0 means none.
    /// Spreads unload hitches over frames. Default 0.
    pub min_seconds_between_unloads: f64,
    /// How many times a failed load is retried before it is reported as
    /// given up. Default 3.
    pub max_load_retries: u32,
    /// Delay before the first retry, in seconds; doubled after each further
    /// failure. Default 0.5.
    pub retry_backoff_seconds: f64,
    /// Upper bound of the retry delay, in seconds. Default 30.
    pub retry_backoff_max_seconds: f64,
    /// A volume created without an unload distance gets
    /// `load_distance * unload_distance_factor`. Must be >= 1. Default 1.25.
    pub unload_distance_factor: f64,
    /// Events kept for polling; when full the oldest is dropped (and
    /// counted). Default 4096.
    pub event_queue_capacity: u32,
    /// A source that moves farther than this between two updates has
    /// teleported (an event is raised). Default 1000.
    pub teleport_distance: f64,
    /// A source is SLOW when it has advanced this fraction into the load
    /// range of a level that is wanted but not yet active. Default 0.5.
    pub slow_streaming_fraction: f64,
    /// ... and CRITICAL at this fraction. Default 0.9.
    pub critical_streaming_fraction: f64,
    /// Whether the host should hold a source whose streaming is CRITICAL
    /// (like World Partition's block-on-slow-streaming). Default false.
    pub block_on_critical_streaming: bool,
    /// Frame profiler: window size, target frame time (default 16.67 ms),
    /// consecutive frames before a performance warning and before recovery.
    pub profiler: ProfilerConfig,
}

/// Default factor from load to unload distance (25% hysteresis margin).
pub const DEFAULT_UNLOAD_DISTANCE_FACTOR: f64 = 1.25;

impl Default for StreamingConfig {
    fn default() -> Self {
        StreamingConfig {
            max_loads_in_flight: 8,
            min_seconds_between_unloads: 0.0,
            max_load_retries: 3,
            retry_backoff_seconds: 0.5,
            retry_backoff_max_seconds: 30.0,
            unload_distance_factor: DEFAULT_UNLOAD_DISTANCE_FACTOR,
            event_queue_capacity: 4096,
            teleport_distance: 1000.0,
            slow_streaming_fraction: 0.5,
            critical_streaming_fraction: 0.9,
            block_on_critical_streaming: false,
            profiler: ProfilerConfig::default(),
        }
    }
}

impl StreamingConfig {
    /// Checks every field; a manager is only ever built from a valid config.
    pub fn validate(&self) -> StreamingResult<()> {
        check_non_negative(
            "min_seconds_between_unloads",
            self.min_seconds_between_unloads,
        )?;
        check_non_negative("retry_backoff_seconds", self.retry_backoff_seconds)?;
        check_non_negative("retry_backoff_max_seconds", self.retry_backoff_max_seconds)?;
        check_non_negative("unload_distance_factor", self.unload_distance_factor)?;
        if self.unload_distance_factor < 1.0 {
            return Err(StreamingError::InvalidArgument(format!(
                "unload_distance_factor must be >= 1 (got {})",
                self.unload_distance_factor
            )));
        }
        check_non_negative("teleport_distance", self.teleport_distance)?;
        check_non_negative("slow_streaming_fraction", self.slow_streaming_fraction)?;
        check_non_negative(
            "critical_streaming_fraction",
            self.critical_streaming_fraction,
        )?;
        if self.slow_streaming_fraction > self.critical_streaming_fraction
            || self.critical_streaming_fraction > 1.0
        {
            return Err(StreamingError::InvalidArgument(
                "streaming fractions must satisfy 0 <= slow <= critical <= 1".into(),
            ));
        }
        self.profiler.validate()?;
        if self.event_queue_capacity == 0 {
            return Err(StreamingError::InvalidArgument(
                "event_queue_capacity must be at least 1".into(),
            ));
        }
        Ok(())
    }
}
