//! Levels through the C ABI: register, look up, state, manual load/unload,
//! visibility.

use std::ffi::c_char;

use crate::core::LevelDesc;

use super::boundary::{c_str, check_out, in_ref, run_status, write_opt, write_out};
use super::handle::{manager_ref, query, query_named, query_string, with_manager, LsmManager};
use super::types::{priority_from_c, LsmLevelDesc, LsmStatus, LsmStreamingState};

/// Registers a level and writes its id to `out_level_id` (may be NULL). A
/// level that a volume created implicitly is adopted (its estimate and
/// priority set); a second registration of a name is `DUPLICATE_NAME`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_register_level(
    manager: *mut LsmManager,
    desc: *const LsmLevelDesc,
    out_level_id: *mut u32,
) -> LsmStatus {
    // SAFETY: the handle and pointers are the caller's, validated inside.
    unsafe {
        with_manager(manager, |m| {
            let desc = in_ref(desc, "desc")?;
            let core_desc = LevelDesc {
                name: c_str(desc.name, "desc.name")?.to_string(),
                estimated_memory_mb: desc.estimated_memory_mb,
                priority: priority_from_c(desc.priority, "desc.priority")?,
            };
            let id = m.core.register_level(&core_desc)?;
            write_opt(out_level_id, id.0);
            Ok(())
        })
    }
}

/// Looks up a level by name and writes its id to `out_level_id`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_find_level(
    manager: *const LsmManager,
    name: *const c_char,
    out_level_id: *mut u32,
) -> LsmStatus {
    run_status(|| {
        // SAFETY: validated handle and string, checked output.
        unsafe {
            let m = manager_ref(manager)?;
            let name = c_str(name, "name")?;
            check_out(out_level_id, "out_level_id")?;
            let id = m.core.find_level(name)?;
            write_out(out_level_id, id.0);
        }
        Ok(())
    })
}

/// Copies the name of level `level_id` into `buf` (NUL-terminated). The
/// name's length without the NUL is written to `out_len` (may be NULL) even
/// when the buffer is too small, in which case `BUFFER_TOO_SMALL` is
/// returned and `buf` is untouched.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_level_name(
    manager: *const LsmManager,
    level_id: u32,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> LsmStatus {
    query_string(manager, buf, cap, out_len, |m| {
        Ok(m.core.level_name(super::types::level_id(level_id))?.into())
    })
}

/// Writes the state of the level named `level_name` to `out`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_get_level_state(
    manager: *const LsmManager,
    level_name: *const c_char,
    out: *mut LsmStreamingState,
) -> LsmStatus {
    query_named(manager, level_name, "level_name", out, |m, name| {
        let state = m.core.level_state_by_name(name)?;
        Ok(state.into())
    })
}

/// Writes the state of level `level_id` to `out`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_get_level_state_by_id(
    manager: *const LsmManager,
    level_id: u32,
    out: *mut LsmStreamingState,
) -> LsmStatus {
    query(manager, out, |m| {
        let state = m.core.level_state(super::types::level_id(level_id))?;
        Ok(state.into())
    })
}

/// Number of levels (registered or created by volumes); ids are
/// `0 .. count-1`. Returns 0 for an invalid handle.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_level_count(manager: *const LsmManager) -> usize {
    super::boundary::catch_panic(|| {
        // SAFETY: validated handle.
        unsafe { manager_ref(manager) }.map_or(0, |m| m.core.level_count())
    })
}

/// Loads a level by hand and pins it until `lsm_unload_level` (seed
/// `LoadLevel`). The load is issued as a request like any other, at once
/// (take it with `lsm_take_requests` without waiting for `lsm_update`).
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_load_level(manager: *mut LsmManager, level_name: *const c_char) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let name = c_str(level_name, "level_name")?;
            m.core.load_level(name)?;
            Ok(())
        })
    }
}

/// Releases a manual pin (seed `UnloadLevel`): the level unloads unless a
/// streaming volume still wants it.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_unload_level(
    manager: *mut LsmManager,
    level_name: *const c_char,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let name = c_str(level_name, "level_name")?;
            m.core.unload_level(name)?;
            Ok(())
        })
    }
}

/// Shows (`visible` true) or hides a level by hand while keeping it loaded.
/// The level must be loading or in memory, else `INVALID_TRANSITION`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_set_level_visible(
    manager: *mut LsmManager,
    level_name: *const c_char,
    visible: bool,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let name = c_str(level_name, "level_name")?;
            m.core.set_level_visible(name, visible)?;
            Ok(())
        })
    }
}
