//! Streaming volumes through the C ABI: create, find, move, resize, enable,
//! remove.

use std::ffi::c_char;

use crate::core::{VolumeDesc, VolumeId};

use super::boundary::{c_str, check_out, in_ref, run_status, write_opt, write_out};
use super::handle::{manager_ref, with_manager, LsmManager};
use super::types::{priority_from_c, LsmStatus, LsmVec3, LsmVolumeDesc};

fn unload_from_c(unload_distance: f64) -> Option<f64> {
    // 0 asks for the configured default margin; anything else is validated by the core.
    (unload_distance != 0.0).then_some(unload_distance)
}

/// Creates a streaming volume and writes its id to `out_volume_id` (may be
/// NULL). Its level is created with defaults if never registered. Refused,
/// with nothing created: NULL or non-UTF-8 names, non-finite centre,
/// negative radius or distances, unload < load distance, a duplicate name.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_create_streaming_volume(
    manager: *mut LsmManager,
    desc: *const LsmVolumeDesc,
    out_volume_id: *mut u32,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let desc = in_ref(desc, "desc")?;
            let core_desc = VolumeDesc {
                name: c_str(desc.name, "desc.name")?.to_string(),
                level_name: c_str(desc.level_name, "desc.level_name")?.to_string(),
                center: desc.center.into(),
                radius: desc.radius,
                load_distance: desc.load_distance,
                unload_distance: unload_from_c(desc.unload_distance),
                priority: priority_from_c(desc.priority, "desc.priority")?,
                enabled: desc.enabled,
            };
            let id = m.core.create_streaming_volume(&core_desc)?;
            write_opt(out_volume_id, id.0);
            Ok(())
        })
    }
}

/// Looks up a volume by name and writes its id to `out_volume_id`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_find_volume(
    manager: *const LsmManager,
    name: *const c_char,
    out_volume_id: *mut u32,
) -> LsmStatus {
    run_status(|| {
        // SAFETY: validated handle and string, checked output.
        unsafe {
            let m = manager_ref(manager)?;
            let name = c_str(name, "name")?;
            check_out(out_volume_id, "out_volume_id")?;
            let id = m.core.find_volume(name)?;
            write_out(out_volume_id, id.0);
        }
        Ok(())
    })
}

/// Removes a volume; its level is released if nothing else wants it.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_remove_streaming_volume(
    manager: *mut LsmManager,
    volume_id: u32,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            Ok(m.core.remove_streaming_volume(VolumeId(volume_id))?)
        })
    }
}

/// Lays the spatial index out again in grid order, keeping every decision.
/// Volumes registered one at a time sit in memory in the order they came;
/// call this once after registering a world (a level's volumes at load) so
/// that the per-frame queries read memory in order. The index also does it
/// by itself as volumes accumulate. Takes about 100 ms per million volumes:
/// call it at load time, not every frame.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_compact_spatial_index(manager: *mut LsmManager) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            m.core.compact_spatial_index();
            Ok(())
        })
    }
}

/// Enables or disables a volume. A disabled volume releases its level at once.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_set_volume_enabled(
    manager: *mut LsmManager,
    volume_id: u32,
    enabled: bool,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            Ok(m.core.set_volume_enabled(VolumeId(volume_id), enabled)?)
        })
    }
}

/// Moves a volume's centre; applied at the next `lsm_update`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_move_streaming_volume(
    manager: *mut LsmManager,
    volume_id: u32,
    center: LsmVec3,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            Ok(m.core
                .move_streaming_volume(VolumeId(volume_id), center.into())?)
        })
    }
}

/// Changes a volume's radius, load and unload distance (`unload_distance`
/// 0 = the configured default margin); applied at the next `lsm_update`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_set_volume_distances(
    manager: *mut LsmManager,
    volume_id: u32,
    radius: f64,
    load_distance: f64,
    unload_distance: f64,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            Ok(m.core.set_volume_distances(
                VolumeId(volume_id),
                radius,
                load_distance,
                unload_from_c(unload_distance),
            )?)
        })
    }
}

/// Number of live streaming volumes. Returns 0 for an invalid handle.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_volume_count(manager: *const LsmManager) -> usize {
    super::boundary::catch_panic(|| {
        // SAFETY: validated handle.
        unsafe { manager_ref(manager) }.map_or(0, |m| m.core.volume_count())
    })
}
