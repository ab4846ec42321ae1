//! Memory budgets through the C ABI.

use std::ffi::c_char;

use crate::core::RequestId;

use super::boundary::{c_str, write_opt, FfiError};
use super::handle::{query, query_named, query_string, with_manager, LsmManager};
use super::types::{priority_from_c, LsmBudgetStatus, LsmMemoryStatus, LsmStatus};

/// Creates a memory budget of `max_memory_mb` MB with an `LsmPriority`
/// (seed `create_memory_budget`); thresholds start at 0.8 / 0.95. Writes its
/// id to `out_budget_id` (may be NULL).
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_create_memory_budget(
    manager: *mut LsmManager,
    budget_name: *const c_char,
    max_memory_mb: f64,
    priority: u32,
    out_budget_id: *mut u32,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let name = c_str(budget_name, "budget_name")?;
            let priority = priority_from_c(priority, "priority")?;
            let id = m.core.create_memory_budget(name, max_memory_mb, priority)?;
            write_opt(out_budget_id, id.0);
            Ok(())
        })
    }
}

/// Sets a budget's warning and critical thresholds, as fractions of its
/// maximum (0 < warning <= critical <= 1).
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_set_budget_thresholds(
    manager: *mut LsmManager,
    budget_name: *const c_char,
    warning_threshold: f64,
    critical_threshold: f64,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let name = c_str(budget_name, "budget_name")?;
            Ok(m.core
                .set_budget_thresholds(name, warning_threshold, critical_threshold)?)
        })
    }
}

/// Allocates a level to a budget with its size in MB (seed
/// `allocate_level_to_budget`). The level is created with defaults if
/// unknown; a level in another budget moves. Levels in a budget are cached
/// when released (hidden, kept in memory) and evicted when the budget needs
/// room: lowest priority first, least recently wanted first, CRITICAL never.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_allocate_level_to_budget(
    manager: *mut LsmManager,
    budget_name: *const c_char,
    level_name: *const c_char,
    memory_mb: f64,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let budget = c_str(budget_name, "budget_name")?;
            let level = c_str(level_name, "level_name")?;
            Ok(m.core.allocate_level_to_budget(budget, level, memory_mb)?)
        })
    }
}

/// Writes the whole manager's memory picture to `out` (seed
/// `get_memory_status`; Unreal `GetMemoryStatus`).
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_get_memory_status(
    manager: *const LsmManager,
    out: *mut LsmMemoryStatus,
) -> LsmStatus {
    query(manager, out, |m| {
        Ok(LsmMemoryStatus::from(&m.core.get_memory_status()))
    })
}

/// Writes the status of the budget named `budget_name` to `out`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_get_budget_status(
    manager: *const LsmManager,
    budget_name: *const c_char,
    out: *mut LsmBudgetStatus,
) -> LsmStatus {
    query_named(manager, budget_name, "budget_name", out, |m, name| {
        let budget = m.core.memory_budget(name)?;
        Ok(LsmBudgetStatus::from(budget))
    })
}

/// Writes the status of budget number `index` (0 .. budget_count-1, see
/// `LsmMemoryStatus.budget_count`) to `out`.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_get_budget_status_by_index(
    manager: *const LsmManager,
    index: u32,
    out: *mut LsmBudgetStatus,
) -> LsmStatus {
    query(manager, out, |m| {
        let budget = m.core.memory_budgets().get(index as usize).ok_or_else(|| {
            FfiError::new(LsmStatus::NotFound, format!("no budget with index {index}"))
        })?;
        Ok(LsmBudgetStatus::from(budget))
    })
}

/// Copies the name of budget number `index` into `buf` (same buffer rules
/// as `lsm_level_name`).
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_budget_name(
    manager: *const LsmManager,
    index: u32,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> LsmStatus {
    query_string(manager, buf, cap, out_len, |m| {
        let budget = m.core.memory_budgets().get(index as usize).ok_or_else(|| {
            FfiError::new(LsmStatus::NotFound, format!("no budget with index {index}"))
        })?;
        Ok(budget.name.as_str().into())
    })
}

/// Like `lsm_complete_request`; for a successful LOAD, `memory_mb` (the
/// level's measured size, >= 0) replaces its estimate in its budget. A
/// negative `memory_mb` means "not measured" and keeps the estimate.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_complete_request_with_memory(
    manager: *mut LsmManager,
    request_id: u64,
    success: bool,
    memory_mb: f64,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let reported = if memory_mb < 0.0 {
                None
            } else {
                Some(memory_mb)
            };
            Ok(m.core
                .complete_request_with_memory(RequestId(request_id), success, reported)?)
        })
    }
}
