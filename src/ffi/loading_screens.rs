//! Loading screens through the C ABI.

use std::ffi::c_char;

use crate::core::loading_screen::LoadingScreenId;

use super::boundary::{c_str, check_out, in_slice, write_opt, write_out, FfiError};
use super::handle::{query, query_string, with_manager, LsmManager};
use super::types::{LsmLoadingScreenInfo, LsmStatus};

/// Creates a hidden loading screen waiting for `total_assets` assets (seed
/// `create_loading_screen`); writes its id to `out_screen_id`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_create_loading_screen(
    manager: *mut LsmManager,
    title: *const c_char,
    description: *const c_char,
    total_assets: u32,
    out_screen_id: *mut u32,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let title = c_str(title, "title")?;
            let description = c_str(description, "description")?;
            check_out(out_screen_id, "out_screen_id")?;
            let id = m
                .core
                .create_loading_screen(title, description, total_assets)?;
            write_out(out_screen_id, id.0);
            Ok(())
        })
    }
}

/// Creates a hidden loading screen bound to `count` levels (names in
/// `level_names`): its progress follows their loads and it hides itself,
/// with an `LSM_EVENT_KIND_LOADING_SCREEN_HIDDEN` event, once all are active.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_create_loading_screen_for_levels(
    manager: *mut LsmManager,
    title: *const c_char,
    description: *const c_char,
    level_names: *const *const c_char,
    count: usize,
    out_screen_id: *mut u32,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let title = c_str(title, "title")?;
            let description = c_str(description, "description")?;
            check_out(out_screen_id, "out_screen_id")?;
            let pointers = in_slice(level_names, count, "level_names")?;
            let mut names = Vec::with_capacity(pointers.len());
            for &p in pointers {
                names.push(c_str(p, "level_names[i]")?);
            }
            let id = m
                .core
                .create_loading_screen_for_levels(title, description, &names)?;
            write_out(out_screen_id, id.0);
            Ok(())
        })
    }
}

/// Shows a loading screen (seed `show_loading_screen`).
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_show_loading_screen(manager: *mut LsmManager, screen_id: u32) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            Ok(m.core
                .show_loading_screen(LoadingScreenId(screen_id))
                .map(|_| ())?)
        })
    }
}

/// Hides a loading screen (seed `hide_loading_screen`).
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_hide_loading_screen(manager: *mut LsmManager, screen_id: u32) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            Ok(m.core.hide_loading_screen(LoadingScreenId(screen_id))?)
        })
    }
}

/// Sets the assets loaded (<= total) and writes the progress fraction to
/// `out_progress` (may be NULL) (seed `update_loading_progress`). Refused
/// for screens bound to levels.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_update_loading_progress(
    manager: *mut LsmManager,
    screen_id: u32,
    assets_loaded: u32,
    out_progress: *mut f64,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let progress = m
                .core
                .update_loading_progress(LoadingScreenId(screen_id), assets_loaded)?;
            write_opt(out_progress, progress);
            Ok(())
        })
    }
}

/// Adds a tip (non-empty UTF-8) shown in turn, each for 5 seconds.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_add_loading_tip(
    manager: *mut LsmManager,
    screen_id: u32,
    tip: *const c_char,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let tip = c_str(tip, "tip")?;
            Ok(m.core.add_loading_tip(LoadingScreenId(screen_id), tip)?)
        })
    }
}

/// Removes a loading screen.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_remove_loading_screen(manager: *mut LsmManager, screen_id: u32) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            Ok(m.core.remove_loading_screen(LoadingScreenId(screen_id))?)
        })
    }
}

/// Writes a loading screen's progress, elapsed time and ETA to `out`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_get_loading_screen(
    manager: *const LsmManager,
    screen_id: u32,
    out: *mut LsmLoadingScreenInfo,
) -> LsmStatus {
    query(manager, out, |m| {
        let now = m.core.now();
        let s = m.core.loading_screen(LoadingScreenId(screen_id))?;
        let eta = s.eta_seconds(now);
        Ok(LsmLoadingScreenInfo {
            id: s.id.0,
            total_assets: s.total_assets,
            assets_loaded: s.assets_loaded,
            progress: s.progress(),
            visible: s.visible,
            bound_to_levels: s.is_bound(),
            elapsed_seconds: s.elapsed(now),
            has_eta: eta.is_some(),
            eta_seconds: eta.unwrap_or(0.0),
            tip_count: s.tips.len() as u32,
        })
    })
}

/// Which text of a loading screen `lsm_loading_screen_text` copies.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LsmLoadingScreenText {
    /// The title.
    Title = 0,
    /// The description.
    Description = 1,
    /// The tip on screen now (empty if none).
    CurrentTip = 2,
}

/// Copies a text of a loading screen (`which`: an `LsmLoadingScreenText`)
/// into `buf`, with the buffer rules of `lsm_level_name`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_loading_screen_text(
    manager: *const LsmManager,
    screen_id: u32,
    which: u32,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> LsmStatus {
    query_string(manager, buf, cap, out_len, |m| {
        let s = m.core.loading_screen(LoadingScreenId(screen_id))?;
        let text = match which {
            0 => s.title.as_str(),
            1 => s.description.as_str(),
            2 => s.current_tip(m.core.now()).unwrap_or(""),
            _ => {
                return Err(FfiError::invalid_argument(format!(
                    "which must be an LsmLoadingScreenText from 0 to 2, got {which}"
                )))
            }
        };
        Ok(text.into())
    })
}
