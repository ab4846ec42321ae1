//! The performance report through the C ABI.

use std::ffi::c_char;

use super::handle::{query_string, LsmManager};
use super::types::LsmStatus;

/// Copies the performance report (seed `get_performance_report`; Unreal
/// `GetPerformanceReport`) as NUL-terminated JSON into `buf`: metrics,
/// memory and budgets, levels with state and LOD, occlusion, loading
/// screens. If `cap` is too small it returns `BUFFER_TOO_SMALL`, writes the
/// needed length (without the NUL) to `out_len` and leaves `buf` untouched;
/// call with `buf` NULL and `cap` 0 to ask for the length.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_get_performance_report(
    manager: *const LsmManager,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> LsmStatus {
    query_string(manager, buf, cap, out_len, |m| {
        Ok(m.core.get_performance_report_json().into())
    })
}
