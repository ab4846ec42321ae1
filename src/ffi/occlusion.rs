//! Occlusion culling statistics through the C ABI.

use std::ffi::c_char;

use crate::core::occlusion::CullingRating;

use super::boundary::{c_str, write_opt};
use super::handle::{query_named, with_manager, LsmManager};
use super::types::{occlusion_type_from_c, LsmCullingRating, LsmOcclusionStats, LsmStatus};

/// Starts occlusion statistics for a level with an `LsmOcclusionType`
/// (seed `create_occlusion_data`). `DUPLICATE_NAME` if it already has them.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_create_occlusion_data(
    manager: *mut LsmManager,
    level_name: *const c_char,
    occlusion_type: u32,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let name = c_str(level_name, "level_name")?;
            let kind = occlusion_type_from_c(occlusion_type)?;
            m.core.create_occlusion_data(name, kind)?;
            Ok(())
        })
    }
}

/// Records this frame's visible and occluded actors of a level (seed
/// `update_occlusion`) and writes the efficiency, occluded / total, to
/// `out_efficiency` (may be NULL). Saved triangles, draw calls and frame
/// time accumulate as estimates.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_update_occlusion(
    manager: *mut LsmManager,
    level_name: *const c_char,
    visible_actors: u32,
    occluded_actors: u32,
    out_efficiency: *mut f64,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let name = c_str(level_name, "level_name")?;
            let efficiency = m
                .core
                .update_occlusion(name, visible_actors, occluded_actors)?;
            write_opt(out_efficiency, efficiency);
            Ok(())
        })
    }
}

/// Writes a level's last occlusion efficiency to `out` (seed `get_occlusion_efficiency`).
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_get_occlusion_efficiency(
    manager: *const LsmManager,
    level_name: *const c_char,
    out: *mut f64,
) -> LsmStatus {
    query_named(manager, level_name, "level_name", out, |m, name| {
        Ok(m.core.get_occlusion_efficiency(name)?)
    })
}

/// Writes a level's occlusion statistics to `out`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_get_occlusion_stats(
    manager: *const LsmManager,
    level_name: *const c_char,
    out: *mut LsmOcclusionStats,
) -> LsmStatus {
    query_named(manager, level_name, "level_name", out, |m, name| {
        Ok(LsmOcclusionStats::from(m.core.occlusion_data(name)?))
    })
}

/// The rating of an efficiency against 0.3 / 0.6 / 0.8 (POOR for NaN).
///
/// Threading: any thread.
#[no_mangle]
pub extern "C" fn lsm_culling_rating(efficiency: f64) -> LsmCullingRating {
    super::boundary::catch_panic(|| CullingRating::from_efficiency(efficiency).into())
}

impl super::boundary::PanicOrDefault for LsmCullingRating {
    fn panic_value() -> Self {
        LsmCullingRating::Poor
    }
}
