//! The frame profiler through the C ABI.

use super::handle::{query, with_manager, LsmManager};
use super::types::{metric_from_c, LsmMetricStats, LsmStatus};

/// Records one frame (seed `profile_frame`; Unreal `RecordFrame`): frame
/// time in ms, memory in MB, draw calls, triangles. O(1) and allocation-free;
/// call it every frame. Raises `PERFORMANCE_WARNING` after the configured
/// consecutive frames over the target and `PERFORMANCE_RECOVERED` after as
/// many back within it. NaN, infinite or negative values are refused
/// (`NON_FINITE_VALUE`, `NEGATIVE_VALUE`) and change nothing.
///
/// Threading: the manager's thread (the game thread).
#[no_mangle]
pub extern "C" fn lsm_record_frame(
    manager: *mut LsmManager,
    frame_time_ms: f64,
    memory_mb: f64,
    draw_calls: u32,
    triangles: u64,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            Ok(m.core
                .profile_frame(frame_time_ms, memory_mb, draw_calls, triangles)?)
        })
    }
}

/// Records one sample of a metric (an `LsmProfilingMetric`; seed
/// `record_metric`). O(1), allocation-free.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_record_metric(
    manager: *mut LsmManager,
    metric: u32,
    value: f64,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let metric = metric_from_c(metric)?;
            Ok(m.core.record_metric(metric, value)?)
        })
    }
}

/// Writes a metric's window statistics (count, min, max, mean, p50, p95,
/// p99, latest) and lifetime count and mean to `out` (seed `get_metric_stats`).
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_get_metric_stats(
    manager: *const LsmManager,
    metric: u32,
    out: *mut LsmMetricStats,
) -> LsmStatus {
    query(manager, out, |m| {
        let metric = metric_from_c(metric)?;
        Ok(LsmMetricStats::from(&m.core.get_metric_stats(metric)))
    })
}

/// Changes the frame-time target in ms (> 0) used by performance warnings and LOD.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_set_target_frame_time(
    manager: *mut LsmManager,
    frame_time_ms: f64,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            Ok(m.core.set_target_frame_time(frame_time_ms)?)
        })
    }
}
