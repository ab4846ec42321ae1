//! Creating and destroying managers, the version, and the last error.

use std::ffi::c_char;

use crate::core::{StreamingConfig, StreamingManager};

use super::boundary::{
    catch_panic, check_out, in_ref, run_status, set_last_error, with_last_error, write_out,
    FfiError,
};
use super::handle::{destroy, LsmManager};
use super::types::{LsmConfig, LsmStatus};

/// Fills `out` with the default configuration.
///
/// Threading: any thread.
#[no_mangle]
pub extern "C" fn lsm_config_default(out: *mut LsmConfig) -> LsmStatus {
    run_status(|| {
        check_out(out, "out")?;
        // SAFETY: checked non-NULL; the caller provides writable storage.
        unsafe { write_out(out, LsmConfig::from(&StreamingConfig::default())) };
        Ok(())
    })
}

/// Creates a manager from `config` (NULL = defaults). Returns NULL on an
/// invalid configuration; `lsm_last_error_message` says why.
///
/// Threading: any thread. The manager is then used from one thread at a time.
#[no_mangle]
pub extern "C" fn lsm_manager_create(config: *const LsmConfig) -> *mut LsmManager {
    catch_panic(|| {
        let result = (|| -> Result<*mut LsmManager, FfiError> {
            let config = if config.is_null() {
                StreamingConfig::default()
            } else {
                // SAFETY: non-NULL; the caller promises a valid LsmConfig.
                StreamingConfig::from(unsafe { in_ref(config, "config") }?)
            };
            let core = StreamingManager::new(config)?;
            Ok(Box::into_raw(Box::new(LsmManager::new(core))))
        })();
        result.unwrap_or_else(|e| {
            set_last_error(e.message);
            std::ptr::null_mut()
        })
    })
}

/// Destroys a manager and everything it owns. NULL is accepted and ignored.
/// Called from inside an event callback, the destruction happens when the
/// callback dispatch ends. The handle must not be used afterwards.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_manager_destroy(manager: *mut LsmManager) {
    // SAFETY: NULL or a live handle, as documented.
    catch_panic(|| unsafe { destroy(manager) })
}

/// The library version as a static NUL-terminated string, equal to the
/// header's `LSM_VERSION`.
///
/// Threading: any thread.
#[no_mangle]
pub extern "C" fn lsm_version() -> *const c_char {
    const VERSION_C: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION_C.as_ptr().cast()
}

/// Version of the binary interface (struct layouts, enum values, function
/// signatures) this header describes. It changes whenever any of them does,
/// even between releases; compare it with `lsm_abi_version()` at start-up so
/// a stale library next to a newer header is refused instead of misread.
pub const LSM_ABI_VERSION: u32 = 3;

/// The ABI version of the loaded library (see `LSM_ABI_VERSION`).
///
/// Threading: any thread.
#[no_mangle]
pub extern "C" fn lsm_abi_version() -> u32 {
    LSM_ABI_VERSION
}

/// Copies the calling thread's last error message into `buf` (at most
/// `cap - 1` bytes plus a NUL, cut at a character boundary) and returns the
/// full message length in bytes, without the NUL. With `buf` NULL or `cap` 0
/// it only returns the length. The message describes the most recent failed
/// call on this thread; it is empty if none failed.
///
/// Threading: any thread; each thread has its own message.
#[no_mangle]
pub extern "C" fn lsm_last_error_message(buf: *mut c_char, cap: usize) -> usize {
    catch_panic(|| {
        with_last_error(|message| {
            if !buf.is_null() && cap > 0 {
                let mut n = message.len().min(cap - 1);
                while !message.is_char_boundary(n) {
                    n -= 1;
                }
                // SAFETY: `buf` is writable for `cap > n` bytes (the caller's
                // promise); the regions do not overlap.
                unsafe {
                    std::ptr::copy_nonoverlapping(message.as_ptr(), buf.cast::<u8>(), n);
                    buf.add(n).write(0);
                }
            }
            message.len()
        })
    })
}
