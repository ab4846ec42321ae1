//! The one place where the C boundary is guarded: panic catching, the
//! thread-local last-error message, error-to-status mapping, and pointer and
//! string validation. Every `extern "C"` function that can fail or panic
//! goes through `run_status` or `catch_panic` (only the constant getters
//! `lsm_version` and `lsm_abi_version` do not).

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::core::StreamingError;

use super::types::LsmStatus;

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Records the message `lsm_last_error_message` returns on this thread.
pub(crate) fn set_last_error(message: impl Into<String>) {
    let message = message.into();
    LAST_ERROR.with(|slot| *slot.borrow_mut() = message);
}

/// Runs `f` with the current thread's last error message.
pub(crate) fn with_last_error<R>(f: impl FnOnce(&str) -> R) -> R {
    LAST_ERROR.with(|slot| f(&slot.borrow()))
}

/// A failure at the boundary: a status and a readable message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FfiError {
    pub(crate) status: LsmStatus,
    pub(crate) message: String,
}

impl FfiError {
    pub(crate) fn new(status: LsmStatus, message: impl Into<String>) -> Self {
        FfiError {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn null(what: &str) -> Self {
        FfiError::new(LsmStatus::NullArgument, format!("{what} must not be NULL"))
    }

    pub(crate) fn invalid_argument(message: impl Into<String>) -> Self {
        FfiError::new(LsmStatus::InvalidArgument, message)
    }
}

impl From<StreamingError> for FfiError {
    fn from(e: StreamingError) -> Self {
        let status = match &e {
            StreamingError::NonFiniteValue { .. } => LsmStatus::NonFiniteValue,
            StreamingError::NegativeValue { .. } => LsmStatus::NegativeValue,
            StreamingError::UnloadBelowLoad { .. } => LsmStatus::UnloadBelowLoad,
            StreamingError::InvalidArgument(_) => LsmStatus::InvalidArgument,
            StreamingError::UnknownLevelName(_) | StreamingError::UnknownLevelId(_) => {
                LsmStatus::UnknownLevel
            }
            StreamingError::UnknownVolumeName(_) | StreamingError::UnknownVolumeId(_) => {
                LsmStatus::UnknownVolume
            }
            StreamingError::DuplicateName { .. } => LsmStatus::DuplicateName,
            StreamingError::UnknownRequest(_) => LsmStatus::UnknownRequest,
            StreamingError::RequestAlreadyCompleted(_) => LsmStatus::RequestAlreadyCompleted,
            StreamingError::InvalidTransition { .. } => LsmStatus::InvalidTransition,
            StreamingError::NotFound { .. } => LsmStatus::NotFound,
        };
        FfiError::new(status, e.to_string())
    }
}

/// The value an `extern "C"` function returns when its body panicked.
pub(crate) trait PanicOrDefault {
    fn panic_value() -> Self;
}

impl PanicOrDefault for LsmStatus {
    fn panic_value() -> Self {
        LsmStatus::Panic
    }
}

impl<T> PanicOrDefault for *mut T {
    fn panic_value() -> Self {
        std::ptr::null_mut()
    }
}

impl<T> PanicOrDefault for *const T {
    fn panic_value() -> Self {
        std::ptr::null()
    }
}

impl PanicOrDefault for () {
    fn panic_value() -> Self {}
}

impl PanicOrDefault for usize {
    fn panic_value() -> Self {
        0
    }
}

impl PanicOrDefault for bool {
    fn panic_value() -> Self {
        false
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic payload".to_string());
    format!("internal error (panic caught at the C boundary): {detail}")
}

/// Runs `f`, turning a panic into the type's panic value and a last-error
/// message. A panic never crosses into C.
pub(crate) fn catch_panic<R: PanicOrDefault>(f: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => value,
        Err(payload) => {
            set_last_error(panic_message(payload.as_ref()));
            R::panic_value()
        }
    }
}

/// Runs a fallible body and maps it to a status, recording the message of a
/// failure (or a panic) as this thread's last error.
pub(crate) fn run_status(f: impl FnOnce() -> Result<(), FfiError>) -> LsmStatus {
    catch_panic(|| match f() {
        Ok(()) => LsmStatus::Ok,
        Err(e) => {
            set_last_error(e.message);
            e.status
        }
    })
}

/// Reads a NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn c_str<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    // SAFETY: non-NULL, and the caller promises NUL termination and validity.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map_err(|e| {
        FfiError::new(
            LsmStatus::InvalidUtf8,
            format!(
                "{what} is not valid UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Checks that a non-NULL pointer is aligned for its type: a misaligned one
/// cannot point to a `T` the caller built (a cast from a byte buffer, a
/// stale or corrupted pointer), and reading through it would be undefined.
pub(crate) fn check_aligned<T>(ptr: *const T, what: &str) -> Result<(), FfiError> {
    if ptr.is_aligned() {
        Ok(())
    } else {
        Err(FfiError::invalid_argument(format!(
            "{what} ({ptr:p}) is not aligned to {} bytes for its type",
            std::mem::align_of::<T>()
        )))
    }
}

/// Borrows a read-only input struct.
///
/// # Safety
/// `ptr` is NULL or points to a valid `T` for `'a`.
pub(crate) unsafe fn in_ref<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, FfiError> {
    check_aligned(ptr, what)?;
    // SAFETY: aligned (checked above); the caller promises that a non-NULL
    // `ptr` points to a valid `T`.
    unsafe { ptr.as_ref() }.ok_or_else(|| FfiError::null(what))
}

/// Checks an output pointer before any work is done, so that failure leaves
/// nothing half-applied.
pub(crate) fn check_out<T>(ptr: *mut T, what: &str) -> Result<(), FfiError> {
    if ptr.is_null() {
        Err(FfiError::null(what))
    } else {
        check_aligned(ptr, what)
    }
}

/// Writes an output value.
///
/// # Safety
/// `ptr` was checked with [`check_out`] and points to writable memory for a `T`.
pub(crate) unsafe fn write_out<T>(ptr: *mut T, value: T) {
    // SAFETY: the caller checked non-NULL; writability is the C caller's
    // promise. Unaligned: sound whatever the address.
    unsafe { ptr.write_unaligned(value) }
}

/// Writes an optional output: a NULL `ptr` (the caller does not want the
/// value) is skipped.
///
/// # Safety
/// `ptr` is NULL or points to writable memory for a `T`.
pub(crate) unsafe fn write_opt<T>(ptr: *mut T, value: T) {
    if !ptr.is_null() {
        // SAFETY: non-NULL; writability is the C caller's promise.
        // Unaligned: an optional output has no error path to refuse one.
        unsafe { ptr.write_unaligned(value) }
    }
}

/// Borrows a caller array of `len` elements; NULL is allowed when `len` is 0.
///
/// # Safety
/// A non-NULL `ptr` points to `len` valid, initialised `T`s.
pub(crate) unsafe fn in_slice<'a, T>(
    ptr: *const T,
    len: usize,
    what: &str,
) -> Result<&'a [T], FfiError> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    check_aligned(ptr, what)?;
    if len
        .checked_mul(std::mem::size_of::<T>())
        .is_none_or(|b| b > isize::MAX as usize)
    {
        return Err(FfiError::invalid_argument(format!(
            "{what}: count {len} is too large"
        )));
    }
    // SAFETY: non-NULL, size checked above, validity promised by the caller.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Copies `text` into a C buffer with the "needed length" convention used by
/// every string getter: writes nothing and fails with BUFFER_TOO_SMALL (after
/// storing the needed length, excluding the NUL, in `out_len`) when
/// `cap <= len`.
///
/// # Safety
/// `buf` is NULL or writable for `cap` bytes; `out_len` is NULL or writable.
pub(crate) unsafe fn copy_string_out(
    text: &str,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> Result<(), FfiError> {
    let needed = text.len();
    if !out_len.is_null() {
        // SAFETY: non-NULL; writability is the caller's promise (unaligned:
        // sound whatever the address).
        unsafe { out_len.write_unaligned(needed) };
    }
    if buf.is_null() || cap <= needed {
        return Err(FfiError::new(
            LsmStatus::BufferTooSmall,
            format!(
                "buffer of {cap} bytes is too small: {} needed (with the NUL)",
                needed + 1
            ),
        ));
    }
    // SAFETY: `buf` is writable for `cap > needed` bytes; regions do not overlap.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), needed);
        buf.add(needed).write(0);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_status_and_a_message() {
        let status = run_status(|| panic!("boom"));
        assert_eq!(status, LsmStatus::Panic);
        with_last_error(|m| assert!(m.contains("boom"), "{m}"));
        let ptr: *mut u8 = catch_panic(|| panic!("again"));
        assert!(ptr.is_null());
    }

    #[test]
    fn errors_map_to_distinct_statuses() {
        let status = run_status(|| Err(StreamingError::UnknownLevelName("x".into()).into()));
        assert_eq!(status, LsmStatus::UnknownLevel);
        with_last_error(|m| assert_eq!(m, "no level named 'x'"));
    }

    #[test]
    fn string_copy_reports_the_needed_length_and_writes_nothing_when_short() {
        let mut buf = [7 as c_char; 4];
        let mut len = 0usize;
        // SAFETY: buf is writable for 4 bytes, len for one usize.
        let err =
            unsafe { copy_string_out("hello", buf.as_mut_ptr(), buf.len(), &mut len) }.unwrap_err();
        assert_eq!(err.status, LsmStatus::BufferTooSmall);
        assert_eq!(len, 5);
        assert!(buf.iter().all(|b| *b == 7));
        let mut big = [0 as c_char; 6];
        // SAFETY: as above, 6 bytes.
        unsafe { copy_string_out("hello", big.as_mut_ptr(), big.len(), &mut len) }.unwrap();
        assert_eq!(big[5], 0);
    }
}
