//! LOD through the C ABI.

use std::ffi::c_char;

use super::boundary::{c_str, check_out, in_ref, run_status, write_out};
use super::handle::{query, query_named, with_manager, LsmManager};
use super::types::{lod_from_c, LsmLodLevel, LsmLodQuality, LsmLodSettings, LsmStatus};

/// Creates LOD settings for a level (current ULTRA, auto-adjust on, default
/// thresholds 1000/2000/4000/8000/16000); existing settings are kept.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_create_lod_settings(
    manager: *mut LsmManager,
    level_name: *const c_char,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            m.core
                .create_lod_settings(c_str(level_name, "level_name")?)?;
            Ok(())
        })
    }
}

/// Sets a level's LOD by hand (seed `adjust_lod`; Unreal `SetLOD`) and turns
/// its auto-adjust off so the choice sticks. `lod` is an `LsmLodLevel`. An
/// active level gets an `LSM_REQUEST_KIND_SET_LOD` request.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_set_lod(
    manager: *mut LsmManager,
    level_name: *const c_char,
    lod: u32,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let name = c_str(level_name, "level_name")?;
            let lod = lod_from_c(lod)?;
            Ok(m.core.adjust_lod(name, lod)?)
        })
    }
}

/// Writes a level's current LOD to `out` (ULTRA for a level without LOD settings).
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_get_lod(
    manager: *const LsmManager,
    level_name: *const c_char,
    out: *mut LsmLodLevel,
) -> LsmStatus {
    query_named(manager, level_name, "level_name", out, |m, name| {
        let lod = m.core.level_lod(name)?;
        Ok(lod.into())
    })
}

/// Turns a level's LOD auto-adjust on or off (creating its settings if needed).
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_set_lod_auto_adjust(
    manager: *mut LsmManager,
    level_name: *const c_char,
    auto_adjust: bool,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            Ok(m.core
                .set_lod_auto_adjust(c_str(level_name, "level_name")?, auto_adjust)?)
        })
    }
}

/// Writes a level's LOD settings to `out`; `NOT_FOUND` if it has none.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_get_lod_settings(
    manager: *const LsmManager,
    level_name: *const c_char,
    out: *mut LsmLodSettings,
) -> LsmStatus {
    query_named(manager, level_name, "level_name", out, |m, name| {
        let settings = m.core.lod_settings(name)?.ok_or_else(|| {
            super::boundary::FfiError::new(
                LsmStatus::NotFound,
                format!("level '{name}' has no LOD settings"),
            )
        })?;
        Ok(LsmLodSettings::from(settings))
    })
}

/// Replaces a level's LOD settings (validated: thresholds finite, not
/// negative, distances non-decreasing; `current_lod` a valid LOD).
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_set_lod_settings(
    manager: *mut LsmManager,
    level_name: *const c_char,
    settings: *const LsmLodSettings,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let name = c_str(level_name, "level_name")?;
            let settings = in_ref(settings, "settings")?.to_core()?;
            Ok(m.core.set_lod_settings(name, settings)?)
        })
    }
}

/// The LOD rule (seed `calculate_optimal_lod`): distance picks the base
/// (ULTRA up to 1000, HIGH 2000, MEDIUM 4000, LOW 8000, else MINIMAL), each
/// LOD needs free memory (2048/1024/512/256/0 MB) or steps down, and a frame
/// time over the target steps down one LOD (over 1.5x the target, two).
/// Inputs must be finite and not negative.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_calculate_optimal_lod(
    manager: *const LsmManager,
    distance: f64,
    available_memory_mb: f64,
    frame_time_ms: f64,
    out: *mut LsmLodLevel,
) -> LsmStatus {
    query(manager, out, |m| {
        let lod = m
            .core
            .calculate_optimal_lod(distance, available_memory_mb, frame_time_ms)?;
        Ok(lod.into())
    })
}

/// The LOD rule applied to a level as it stands (its thresholds, its
/// distance to the nearest source, its budget's free memory, the smoothed
/// frame time).
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_calculate_optimal_lod_for_level(
    manager: *const LsmManager,
    level_name: *const c_char,
    out: *mut LsmLodLevel,
) -> LsmStatus {
    query_named(manager, level_name, "level_name", out, |m, name| {
        let lod = m.core.calculate_optimal_lod_for_level(name)?;
        Ok(lod.into())
    })
}

/// Writes the quality values of a level's current LOD to `out` (seed
/// `get_lod_quality_values`).
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_get_lod_quality_values(
    manager: *const LsmManager,
    level_name: *const c_char,
    out: *mut LsmLodQuality,
) -> LsmStatus {
    query_named(manager, level_name, "level_name", out, |m, name| {
        Ok(m.core.get_lod_quality_values(name)?.into())
    })
}

/// Writes the quality table row of `lod` (an `LsmLodLevel`) to `out`.
///
/// Threading: any thread.
#[no_mangle]
pub extern "C" fn lsm_lod_quality(lod: u32, out: *mut LsmLodQuality) -> LsmStatus {
    run_status(|| {
        let lod = lod_from_c(lod)?;
        check_out(out, "out")?;
        // SAFETY: checked non-NULL; writability is the caller's promise.
        unsafe { write_out(out, lod.quality().into()) };
        Ok(())
    })
}
