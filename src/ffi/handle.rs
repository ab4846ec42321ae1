//! The opaque `LsmManager` handle: one Box-owned object per manager, the
//! registered C callbacks, and their dispatch.

use std::borrow::Cow;
use std::ffi::{c_char, c_void};

use crate::core::StreamingManager;
use crate::core::{Event, Request, StreamingSource};

use super::boundary::{catch_panic, FfiError};
use super::types::{LsmEvent, LsmStatus};

/// Called for each event, on the thread that called the `lsm_` function that
/// raised it, just before that function returns. `event` is valid only during
/// the call.
pub type LsmEventCallback =
    Option<unsafe extern "C" fn(event: *const LsmEvent, user_data: *mut c_void)>;

const MAGIC: u64 = 0x4c53_4d5f_4d47_5231; // "LSM_MGR1"

#[derive(Clone, Copy)]
pub(crate) struct CallbackEntry {
    pub(crate) id: u64,
    /// First event sequence number this callback may receive (events
    /// raised before it was registered are not delivered to it).
    pub(crate) since_seq: u64,
    pub(crate) filter: u32,
    pub(crate) callback: unsafe extern "C" fn(*const LsmEvent, *mut c_void),
    pub(crate) user_data: *mut c_void,
}

/// A streaming manager. Opaque to C: create it with `lsm_manager_create`,
/// destroy it with `lsm_manager_destroy`.
///
/// Threading: a manager is not thread-safe. Call all functions for one
/// manager from one thread at a time (normally the game thread). Different
/// managers may be used from different threads.
pub struct LsmManager {
    magic: u64,
    pub(crate) core: StreamingManager,
    pub(crate) callbacks: Vec<CallbackEntry>,
    pub(crate) next_callback_id: u64,
    /// Sequence number of the first event not yet given to callbacks.
    dispatch_seq: u64,
    /// Sequence number of the event being delivered right now (while
    /// `dispatching`): a poll from inside a callback may only take events
    /// before it, which every callback has seen.
    pub(crate) delivering_seq: u64,
    /// Reused snapshot of the callback list for one event.
    snapshot: Vec<CallbackEntry>,
    dispatching: bool,
    destroy_requested: bool,
    pub(crate) scratch_requests: Vec<Request>,
    pub(crate) scratch_sources: Vec<StreamingSource>,
    /// The embedded dashboard, while one runs (`lsm_dashboard_start`);
    /// pumped from `lsm_update`, stopped and joined when the manager is
    /// destroyed.
    #[cfg(feature = "dashboard")]
    pub(crate) dashboard: Option<crate::dashboard::DashboardServer>,
}

impl LsmManager {
    pub(crate) fn new(core: StreamingManager) -> Self {
        let dispatch_seq = core.next_event_seq();
        LsmManager {
            magic: MAGIC,
            core,
            callbacks: Vec::new(),
            next_callback_id: 1,
            dispatch_seq,
            delivering_seq: 0,
            snapshot: Vec::new(),
            dispatching: false,
            destroy_requested: false,
            scratch_requests: Vec::new(),
            scratch_sources: Vec::new(),
            #[cfg(feature = "dashboard")]
            dashboard: None,
        }
    }

    /// The per-frame dashboard step (apply queued commands, publish a
    /// snapshot when due). Does nothing when no dashboard runs or the
    /// feature is off. Never blocks.
    pub(crate) fn pump_dashboard(&mut self) {
        #[cfg(feature = "dashboard")]
        if let Some(dashboard) = self.dashboard.as_mut() {
            dashboard.pump(&mut self.core);
        }
    }

    /// Marks every queued event as delivered (there is nobody to deliver to).
    pub(crate) fn skip_undispatched(&mut self) {
        self.dispatch_seq = self.core.next_event_seq();
    }

    /// Whether a callback dispatch is running (we are inside a callback).
    pub(crate) fn is_dispatching(&self) -> bool {
        self.dispatching
    }
}

/// Borrows the manager behind a handle.
///
/// # Safety
/// `ptr` is NULL or a handle from `lsm_manager_create` not yet destroyed,
/// with no other live reference to it.
pub(crate) unsafe fn manager_mut<'a>(ptr: *mut LsmManager) -> Result<&'a mut LsmManager, FfiError> {
    if !ptr.is_aligned() {
        return Err(FfiError::new(
            LsmStatus::InvalidHandle,
            format!("manager handle {ptr:p} is misaligned: not a handle from lsm_manager_create"),
        ));
    }
    // SAFETY: aligned (checked above); the caller promises a live,
    // unaliased handle when non-NULL.
    let manager = unsafe { ptr.as_mut() }.ok_or_else(|| FfiError::null("manager"))?;
    if manager.magic != MAGIC {
        return Err(FfiError::new(
            LsmStatus::InvalidHandle,
            "manager handle is not a live LsmManager (destroyed or corrupted?)",
        ));
    }
    Ok(manager)
}

/// Borrows the manager behind a handle, read-only.
///
/// # Safety
/// As for [`manager_mut`].
pub(crate) unsafe fn manager_ref<'a>(ptr: *const LsmManager) -> Result<&'a LsmManager, FfiError> {
    // SAFETY: forwarded to the caller's promise.
    unsafe { manager_mut(ptr.cast_mut()) }.map(|m| &*m)
}

/// Gives every not-yet-dispatched event to the matching callbacks. No Rust
/// reference to the manager is held while a callback runs, so callbacks may
/// call back into the library with the same handle; events they cause are
/// delivered by this same loop. A destroy requested from a callback happens
/// when the loop ends.
///
/// # Safety
/// `ptr` is NULL or a live handle with no other live reference to it.
pub(crate) unsafe fn dispatch_events(ptr: *mut LsmManager) {
    catch_panic(|| {
        {
            // SAFETY: caller's promise; the borrow ends at the end of this block.
            let Ok(manager) = (unsafe { manager_mut(ptr) }) else {
                return;
            };
            if manager.dispatching {
                return;
            }
            if manager.callbacks.is_empty() {
                manager.skip_undispatched();
                return;
            }
            manager.dispatching = true;
        }
        loop {
            let (seq, event, mut snapshot): (u64, Event, Vec<CallbackEntry>) = {
                // SAFETY: as above; no callback is running at this point.
                let manager = unsafe { &mut *ptr };
                match manager.core.queued_event_since(manager.dispatch_seq) {
                    Some((seq, event)) => {
                        manager.dispatch_seq = seq + 1;
                        manager.delivering_seq = seq;
                        // Deliver to the callbacks registered now, in order,
                        // even if one of them changes the list.
                        let mut snapshot = std::mem::take(&mut manager.snapshot);
                        snapshot.clear();
                        snapshot.extend_from_slice(&manager.callbacks);
                        (seq, event, snapshot)
                    }
                    None => {
                        manager.skip_undispatched();
                        break;
                    }
                }
            };
            let c_event = LsmEvent::from(&event);
            for entry in &snapshot {
                let still_registered = {
                    // SAFETY: as above; re-borrowed for each callback because
                    // a callback may unregister others.
                    let manager = unsafe { &*ptr };
                    manager.callbacks.iter().any(|c| c.id == entry.id)
                };
                let wanted = entry.filter == super::types::LSM_EVENT_FILTER_ALL
                    || entry.filter == c_event.kind as u32;
                if still_registered && wanted && seq >= entry.since_seq {
                    // SAFETY: the host registered this function pointer and
                    // user data together; `c_event` outlives the call.
                    unsafe { (entry.callback)(&c_event, entry.user_data) };
                }
            }
            snapshot.clear();
            // SAFETY: as above.
            unsafe { &mut *ptr }.snapshot = snapshot;
        }
        // SAFETY: as above.
        let manager = unsafe { &mut *ptr };
        manager.dispatching = false;
        if manager.destroy_requested {
            manager.magic = 0;
            // SAFETY: the handle came from Box::into_raw in lsm_manager_create
            // and no reference to it remains.
            drop(unsafe { Box::from_raw(ptr) });
        }
    })
}

/// Destroys a handle now, or after the running dispatch if called from a callback.
///
/// # Safety
/// `ptr` is NULL or a live handle from `lsm_manager_create`.
pub(crate) unsafe fn destroy(ptr: *mut LsmManager) {
    // SAFETY: caller's promise.
    let Ok(manager) = (unsafe { manager_mut(ptr) }) else {
        return;
    };
    if manager.dispatching {
        manager.destroy_requested = true;
        return;
    }
    manager.magic = 0;
    // SAFETY: the handle came from Box::into_raw and is not borrowed.
    drop(unsafe { Box::from_raw(ptr) });
}

/// Runs `f` on the manager behind `ptr` inside the panic boundary, then
/// dispatches the events it raised to the C callbacks.
///
/// # Safety
/// `ptr` is NULL or a live handle with no other live reference to it.
pub(crate) unsafe fn with_manager(
    ptr: *mut LsmManager,
    f: impl FnOnce(&mut LsmManager) -> Result<(), FfiError>,
) -> LsmStatus {
    let status = super::boundary::run_status(|| {
        // SAFETY: caller's promise; the borrow ends when `f` returns.
        let manager = unsafe { manager_mut(ptr) }?;
        f(manager)
    });
    // SAFETY: caller's promise; dispatch re-validates the handle.
    unsafe { dispatch_events(ptr) };
    status
}

/// The shape of every read-only getter: validates the handle and `out`,
/// computes the value, and writes it only on success.
pub(crate) fn query<T>(
    manager: *const LsmManager,
    out: *mut T,
    f: impl FnOnce(&LsmManager) -> Result<T, FfiError>,
) -> LsmStatus {
    super::boundary::run_status(|| {
        // SAFETY: a NULL or live handle, as every getter documents.
        let m = unsafe { manager_ref(manager) }?;
        super::boundary::check_out(out, "out")?;
        let value = f(m)?;
        // SAFETY: checked non-NULL; writability is the C caller's promise.
        unsafe { super::boundary::write_out(out, value) };
        Ok(())
    })
}

/// [`query`] for getters that take a level (or other) name: validates the
/// handle, then the name (NUL-terminated UTF-8), then `out`.
pub(crate) fn query_named<T>(
    manager: *const LsmManager,
    name: *const std::ffi::c_char,
    what: &str,
    out: *mut T,
    f: impl FnOnce(&LsmManager, &str) -> Result<T, FfiError>,
) -> LsmStatus {
    super::boundary::run_status(|| {
        // SAFETY: a NULL or live handle, as every getter documents.
        let m = unsafe { manager_ref(manager) }?;
        // SAFETY: NULL or a NUL-terminated string, as every getter documents.
        let name = unsafe { super::boundary::c_str(name, what) }?;
        super::boundary::check_out(out, "out")?;
        let value = f(m, name)?;
        // SAFETY: checked non-NULL; writability is the C caller's promise.
        unsafe { super::boundary::write_out(out, value) };
        Ok(())
    })
}

/// The shape of every string getter: validates the handle, computes the
/// text, and copies it into `buf` with the "needed length" convention of
/// [`copy_string_out`](super::boundary::copy_string_out) (`out_len`, when
/// not NULL, gets the length without the NUL even when `buf` is too small;
/// `BUFFER_TOO_SMALL` then, with `buf` untouched). When `f` fails, neither
/// `buf` nor `out_len` is written.
pub(crate) fn query_string(
    manager: *const LsmManager,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
    f: impl FnOnce(&LsmManager) -> Result<Cow<'_, str>, FfiError>,
) -> LsmStatus {
    super::boundary::run_status(|| {
        // SAFETY: a NULL or live handle, as every getter documents.
        let m = unsafe { manager_ref(manager) }?;
        let text = f(m)?;
        // SAFETY: `buf` is NULL or writable for `cap` bytes and `out_len` NULL
        // or writable, as every string getter documents.
        unsafe { super::boundary::copy_string_out(&text, buf, cap, out_len) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::StreamingConfig;

    #[test]
    fn query_string_follows_the_string_getter_convention() {
        let core = StreamingManager::new(StreamingConfig::default()).expect("default config");
        let manager = LsmManager::new(core);
        let mut buf = [7 as c_char; 8];
        let mut len = 99usize;

        // A NULL handle and a failing body write neither buffer nor length.
        let status = query_string(
            std::ptr::null(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut len,
            |_| Ok("never".into()),
        );
        assert_eq!(status, LsmStatus::NullArgument);
        let status = query_string(&manager, buf.as_mut_ptr(), buf.len(), &mut len, |_| {
            Err(FfiError::new(LsmStatus::NotFound, "nothing"))
        });
        assert_eq!(status, LsmStatus::NotFound);
        assert_eq!(len, 99);
        assert!(buf.iter().all(|b| *b == 7));

        // Too small: the needed length (without the NUL), buffer untouched.
        let status = query_string(&manager, buf.as_mut_ptr(), 5, &mut len, |_| {
            Ok(String::from("hello").into())
        });
        assert_eq!(status, LsmStatus::BufferTooSmall);
        assert_eq!(len, 5);
        assert!(buf.iter().all(|b| *b == 7));

        // Large enough: copied with its NUL; `out_len` may be NULL.
        let status = query_string(&manager, buf.as_mut_ptr(), 6, std::ptr::null_mut(), |_| {
            Ok("hello".into())
        });
        assert_eq!(status, LsmStatus::Ok);
        assert_eq!(buf[..6], [104, 101, 108, 108, 111, 0].map(|b| b as c_char));
    }
}
