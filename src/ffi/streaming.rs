//! The per-frame calls: update with the streaming sources, take the issued
//! requests, complete them.

use crate::core::{RequestId, StreamingSource};

use super::boundary::{check_out, in_slice, write_out, FfiError};
use super::handle::{with_manager, LsmManager};
use super::types::{LsmRequest, LsmStatus, LsmStreamingSource};

/// Sources passed in one update beyond which the call is refused (a guard
/// against a garbage count, not a design limit).
const MAX_SOURCES: usize = 1 << 20;

/// One frame: applies the wanting rule for `count` sources (NULL allowed
/// when `count` is 0; no sources means every volume releases), advances
/// time by `dt_seconds`, and issues requests. NaN or infinite positions or
/// velocities, a negative or non-finite `dt_seconds` or a bad priority are
/// refused and change nothing.
///
/// When a dashboard runs (`lsm_dashboard_start`), this is also where the
/// commands its clients sent are applied and where it gets its snapshots;
/// that step never waits on the dashboard thread.
///
/// Threading: the manager's thread (the game thread). Does not block.
#[no_mangle]
pub extern "C" fn lsm_update(
    manager: *mut LsmManager,
    sources: *const LsmStreamingSource,
    count: usize,
    dt_seconds: f64,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            if count > MAX_SOURCES {
                return Err(FfiError::invalid_argument(format!(
                    "{count} sources is more than the limit of {MAX_SOURCES}"
                )));
            }
            let sources = in_slice(sources, count, "sources")?;
            // Reused buffer: a steady-state frame does not allocate.
            let mut converted: Vec<StreamingSource> = std::mem::take(&mut m.scratch_sources);
            converted.clear();
            let result = sources
                .iter()
                .try_for_each(|s| s.to_core().map(|c| converted.push(c)))
                .and_then(|()| {
                    m.core
                        .update(&converted, dt_seconds)
                        .map_err(FfiError::from)
                });
            m.scratch_sources = converted;
            // The dashboard's per-frame step runs even when the update was
            // refused, so its commands never wait on the host's input.
            m.pump_dashboard();
            result
        })
    }
}

/// Moves up to `cap` issued requests, in the order they were issued (each
/// update's batch is ordered by priority), into `out` and
/// writes how many to `out_count`. `out` may be NULL only when `cap` is 0.
/// Each request must later be completed with `lsm_complete_request`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_take_requests(
    manager: *mut LsmManager,
    out: *mut LsmRequest,
    cap: usize,
    out_count: *mut usize,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            check_out(out_count, "out_count")?;
            if cap > 0 {
                check_out(out, "out")?;
            }
            let mut taken = std::mem::take(&mut m.scratch_requests);
            taken.clear();
            let n = m.core.take_requests(cap, &mut taken);
            for (i, request) in taken.iter().enumerate() {
                // SAFETY: `out` is non-NULL and writable for `cap >= n` elements.
                write_out(out.add(i), LsmRequest::from(request));
            }
            taken.clear();
            m.scratch_requests = taken;
            write_out(out_count, n);
            Ok(())
        })
    }
}

/// Number of issued requests waiting to be taken (0 for an invalid handle).
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_pending_request_count(manager: *const LsmManager) -> usize {
    super::boundary::catch_panic(|| {
        // SAFETY: validated handle.
        unsafe { super::handle::manager_ref(manager) }.map_or(0, |m| m.core.pending_request_count())
    })
}

/// Reports that request `request_id` finished, successfully or not. The
/// level advances (LOAD → LOADED, MAKE_VISIBLE → ACTIVE, HIDE → HIDDEN,
/// UNLOAD → UNLOADED); a failed load is retried with exponential backoff and
/// finally reported as an `LSM_EVENT_KIND_LOAD_FAILED` event. An id never
/// issued is `UNKNOWN_REQUEST`; a second completion is
/// `REQUEST_ALREADY_COMPLETED`; neither changes anything.
///
/// Threading: the manager's thread (complete on the game thread, for example
/// from UE's `OnLevelLoaded`).
#[no_mangle]
pub extern "C" fn lsm_complete_request(
    manager: *mut LsmManager,
    request_id: u64,
    success: bool,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            m.core.complete_request(RequestId(request_id), success)?;
            Ok(())
        })
    }
}
