//! World files through the C ABI: import an authored layout, export the
//! manager's layout (format: `docs/world-format.md`).

use std::ffi::c_char;

use crate::world::{self, WorldError, WorldErrorKind};

use super::boundary::{in_slice, write_opt, FfiError};
use super::handle::{query_string, with_manager, LsmManager};
use super::types::LsmStatus;

impl From<WorldError> for FfiError {
    fn from(e: WorldError) -> Self {
        let status = match &e.kind {
            WorldErrorKind::Syntax | WorldErrorKind::Format => LsmStatus::InvalidFormat,
            WorldErrorKind::Invalid(core) => FfiError::from(core.clone()).status,
        };
        FfiError::new(status, e.to_string())
    }
}

/// Imports a world file (JSON, `len` bytes of UTF-8 at `json`, no NUL
/// needed) into the manager: its budgets, levels with budgets and LOD
/// settings, volumes and authored sources are added to what the manager
/// already holds.
///
/// All or nothing: every item is checked against the file and the manager
/// before anything is applied, so on any error the manager is unchanged.
/// Errors: `INVALID_FORMAT` (not JSON, cut short, wrong type, unknown or
/// missing member, unsupported version), `INVALID_UTF8`, and for items that
/// cannot be applied the status the matching single call would give
/// (`UNKNOWN_LEVEL` for a volume naming a level neither in the file nor in
/// the manager, `DUPLICATE_NAME` for a name already in use,
/// `NON_FINITE_VALUE`, `NEGATIVE_VALUE`, `UNLOAD_BELOW_LOAD`, `NOT_FOUND`
/// for an unknown budget). The last error message names the line, column
/// and path of the offending value. `out_line` and `out_column` may be NULL;
/// otherwise, unlike other outputs, they are written on failure only: the
/// 1-based line and column of the error, or 0 when it has no position.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_load_world_json(
    manager: *mut LsmManager,
    json: *const c_char,
    len: usize,
    out_line: *mut usize,
    out_column: *mut usize,
) -> LsmStatus {
    let mut position = (0usize, 0usize);
    // SAFETY: `with_manager` validates the handle; `json` is promised to be
    // readable for `len` bytes when non-NULL.
    let status = unsafe {
        with_manager(manager, |m| {
            if json.is_null() {
                return Err(FfiError::null("json"));
            }
            let bytes = in_slice(json.cast::<u8>(), len, "json")?;
            let text = std::str::from_utf8(bytes).map_err(|e| {
                let valid = &bytes[..e.valid_up_to()];
                // The prefix is valid UTF-8 by definition of valid_up_to.
                let prefix = std::str::from_utf8(valid).unwrap_or("");
                position = world::line_column(prefix, prefix.len());
                FfiError::new(
                    LsmStatus::InvalidUtf8,
                    format!(
                        "world file line {}, column {}: not valid UTF-8 (bad byte at offset {})",
                        position.0,
                        position.1,
                        e.valid_up_to()
                    ),
                )
            })?;
            world::load_world_json(&mut m.core, text).map_err(|e| {
                position = (e.line, e.column);
                FfiError::from(e)
            })
        })
    };
    if status != LsmStatus::Ok {
        // SAFETY: NULL or writable, as the caller promises.
        unsafe {
            write_opt(out_line, position.0);
            write_opt(out_column, position.1);
        }
    }
    status
}

/// Copies the manager's layout as a world file (pretty-printed JSON,
/// NUL-terminated) into `buf`: every budget, level (with budget and LOD
/// settings), volume (with its resolved unload distance) and authored
/// source. Loading it into an empty manager and saving again gives the same
/// text. If `cap` is too small it returns `BUFFER_TOO_SMALL`, writes the
/// needed length (without the NUL) to `out_len` and leaves `buf` untouched;
/// call with `buf` NULL and `cap` 0 to ask for the length.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_save_world_json(
    manager: *const LsmManager,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> LsmStatus {
    query_string(manager, buf, cap, out_len, |m| {
        Ok(world::save_world_json(&m.core).into())
    })
}
