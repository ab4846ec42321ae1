//! Events through the C ABI: polling, and callbacks run on the caller's thread.

use std::ffi::c_void;

use super::boundary::{check_out, write_opt, write_out, FfiError};
use super::handle::{with_manager, CallbackEntry, LsmEventCallback, LsmManager};
use super::types::{LsmEvent, LsmStatus, LSM_EVENT_FILTER_ALL};

/// Moves up to `cap` queued events, oldest first, into `out` and writes how
/// many to `out_count`. `out` may be NULL only when `cap` is 0. Registered
/// callbacks have already seen every event returned here: called from inside
/// a callback, it returns only events older than the one being delivered.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_poll_events(
    manager: *mut LsmManager,
    out: *mut LsmEvent,
    cap: usize,
    out_count: *mut usize,
) -> LsmStatus {
    // Callbacks first, so that polling never hides an event from them.
    // SAFETY: dispatch validates the handle.
    unsafe { super::handle::dispatch_events(manager) };
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            check_out(out_count, "out_count")?;
            if cap > 0 {
                check_out(out, "out")?;
            }
            // Inside a callback, only events every callback has already
            // seen may be taken (those before the one being delivered).
            let limit = if m.is_dispatching() {
                m.delivering_seq
            } else {
                u64::MAX
            };
            let mut n = 0;
            while n < cap {
                let Some(event) = m.core.poll_event_before(limit) else {
                    break;
                };
                // SAFETY: `out` is non-NULL and writable for `cap > n` elements.
                write_out(out.add(n), LsmEvent::from(&event));
                n += 1;
            }
            write_out(out_count, n);
            Ok(())
        })
    }
}

/// Number of events dropped because the queue was full (0 for an invalid handle).
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_dropped_event_count(manager: *const LsmManager) -> u64 {
    super::boundary::catch_panic(|| {
        // SAFETY: validated handle.
        unsafe { super::handle::manager_ref(manager) }
            .map_or(0, |m| m.core.dropped_event_count() as usize)
    }) as u64
}

/// Registers `callback` for events of kind `kind_filter` (an `LsmEventKind`,
/// or `LSM_EVENT_FILTER_ALL`) and writes its id to `out_callback_id` (may be
/// NULL). Only events raised after registration are delivered.
///
/// Threading: callbacks run on the thread that called the `lsm_` function
/// that raised the event (the manager's thread), just before that function
/// returns, and never concurrently. A callback may call any `lsm_` function,
/// with the same manager too; events raised meanwhile are delivered after it
/// returns. Destroying the manager from a callback is deferred until the
/// dispatch ends.
#[no_mangle]
pub extern "C" fn lsm_register_event_callback(
    manager: *mut LsmManager,
    kind_filter: u32,
    callback: LsmEventCallback,
    user_data: *mut c_void,
    out_callback_id: *mut u64,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let callback = callback.ok_or_else(|| FfiError::null("callback"))?;
            if kind_filter != LSM_EVENT_FILTER_ALL
                && kind_filter as usize >= crate::core::EventKind::ALL.len()
            {
                return Err(FfiError::invalid_argument(format!(
                    "kind_filter must be an LsmEventKind or LSM_EVENT_FILTER_ALL, got {kind_filter}"
                )));
            }
            let id = m.next_callback_id;
            m.next_callback_id += 1;
            if m.callbacks.is_empty() && !m.is_dispatching() {
                m.skip_undispatched();
            }
            m.callbacks.push(CallbackEntry {
                id,
                since_seq: m.core.next_event_seq(),
                filter: kind_filter,
                callback,
                user_data,
            });
            write_opt(out_callback_id, id);
            Ok(())
        })
    }
}

/// Removes a callback registered with `lsm_register_event_callback`.
/// `NOT_FOUND` if no callback has that id.
///
/// Threading: the manager's thread (also from inside a callback).
#[no_mangle]
pub extern "C" fn lsm_unregister_event_callback(
    manager: *mut LsmManager,
    callback_id: u64,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let before = m.callbacks.len();
            m.callbacks.retain(|c| c.id != callback_id);
            if m.callbacks.len() == before {
                return Err(FfiError::new(
                    LsmStatus::NotFound,
                    format!("no event callback with id {callback_id}"),
                ));
            }
            Ok(())
        })
    }
}
