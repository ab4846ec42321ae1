//! Streaming-source services through the C ABI: pre-loading a teleport
//! destination, and slow-streaming states.

use crate::core::StreamHandle;

use super::boundary::{check_out, write_out, FfiError};
use super::handle::{query, with_manager, LsmManager};
use super::types::{LsmSourceStreamingState, LsmStatus, LsmVec3};

/// Progress of an `lsm_stream_around` request.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct LsmStreamProgress {
    /// Levels of the request that are active.
    pub active_levels: u32,
    /// Levels that failed for good.
    pub failed_levels: u32,
    /// Levels in the request.
    pub total_levels: u32,
    /// Whether `LSM_EVENT_KIND_STREAM_AROUND_COMPLETE` was raised.
    pub complete: bool,
}

/// Pre-loads a destination before a teleport: every level a source at
/// `position` would want, plus every level with a volume within `radius`
/// of it, stays wanted until `lsm_release_stream_around`. When all are
/// active (or failed for good) an `LSM_EVENT_KIND_STREAM_AROUND_COMPLETE`
/// event with this handle is raised once — no polling needed. Writes the
/// handle to `out_handle`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_stream_around(
    manager: *mut LsmManager,
    position: LsmVec3,
    radius: f64,
    out_handle: *mut u32,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            check_out(out_handle, "out_handle")?;
            let handle = m.core.stream_around(position.into(), radius)?;
            write_out(out_handle, handle.0);
            Ok(())
        })
    }
}

/// Releases an `lsm_stream_around` request (its levels stay only if
/// something else wants them). `NOT_FOUND` for an unknown handle.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_release_stream_around(manager: *mut LsmManager, handle: u32) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            Ok(m.core.release_stream_around(StreamHandle(handle))?)
        })
    }
}

/// Writes the progress of an `lsm_stream_around` request to `out`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_get_stream_around_progress(
    manager: *const LsmManager,
    handle: u32,
    out: *mut LsmStreamProgress,
) -> LsmStatus {
    query(manager, out, |m| {
        let p = m.core.stream_around_progress(StreamHandle(handle))?;
        Ok(LsmStreamProgress {
            active_levels: p.active,
            failed_levels: p.failed,
            total_levels: p.total,
            complete: p.complete,
        })
    })
}

/// Writes the slow-streaming state of source number `source_index` (its
/// index in the last `lsm_update` array) to `out`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_get_source_streaming_state(
    manager: *const LsmManager,
    source_index: u32,
    out: *mut LsmSourceStreamingState,
) -> LsmStatus {
    query(manager, out, |m| {
        let state = m.core.source_streaming_state(source_index as usize)?;
        Ok(state.into())
    })
}

/// Writes to `out` whether the host should hold source `source_index`
/// (its streaming is CRITICAL and `LsmConfig.block_on_critical_streaming`
/// is set) — poll it each frame, like World Partition's
/// block-on-slow-streaming.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_should_block_source(
    manager: *const LsmManager,
    source_index: u32,
    out: *mut bool,
) -> LsmStatus {
    query(manager, out, |m| {
        let block = m
            .core
            .should_block_source(source_index as usize)
            .map_err(FfiError::from)?;
        Ok(block)
    })
}
