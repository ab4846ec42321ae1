//! Memory budgets: named pools that levels are allocated to, with
//! warning/critical thresholds. The manager enforces them (see
//! `StreamingManager::reconcile`): a load that would overflow its budget
//! first evicts cached levels of that budget, and a budget that reaches its
//! critical threshold evicts until it is back under its warning threshold.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::error::{check_name, check_non_negative, StreamingError, StreamingResult};
use super::types::{LevelId, Priority};

/// Default fraction of the maximum at which a budget is in Warning.
pub const DEFAULT_WARNING_THRESHOLD: f64 = 0.8;
/// Default fraction of the maximum at which a budget is Critical.
pub const DEFAULT_CRITICAL_THRESHOLD: f64 = 0.95;

/// Dense id of a memory budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BudgetId(pub u32);

/// How full a budget is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MemoryState {
    /// Below the warning threshold.
    #[default]
    Normal = 0,
    /// At or above the warning threshold (default 0.8 of the maximum).
    Warning = 1,
    /// At or above the critical threshold (default 0.95 of the maximum).
    Critical = 2,
}

impl MemoryState {
    /// Upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            MemoryState::Normal => "NORMAL",
            MemoryState::Warning => "WARNING",
            MemoryState::Critical => "CRITICAL",
        }
    }
}

/// A memory budget (seed `MemoryBudget`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemoryBudget {
    /// Its id.
    pub id: BudgetId,
    /// Unique name.
    pub name: String,
    /// Maximum memory in MB.
    pub max_memory_mb: f64,
    /// Importance of the budget itself (reported; levels carry their own priority).
    pub priority: Priority,
    /// Fraction of the maximum at which the budget is in Warning.
    pub warning_threshold: f64,
    /// Fraction of the maximum at which the budget is Critical.
    pub critical_threshold: f64,
    /// Memory of the levels that hold memory now (loading, in memory, or
    /// unloading), in MB.
    pub current_usage_mb: f64,
    /// The levels allocated to it, with their memory in MB.
    pub allocated_levels: Vec<(LevelId, f64)>,
    /// Current state.
    pub state: MemoryState,
    /// True from reaching Critical until back below Warning.
    pub evicting: bool,
}

impl MemoryBudget {
    /// `current_usage_mb / max_memory_mb` (1 for a zero-sized budget holding anything).
    pub fn usage_fraction(&self) -> f64 {
        if self.max_memory_mb > 0.0 {
            self.current_usage_mb / self.max_memory_mb
        } else if self.current_usage_mb > 0.0 {
            1.0
        } else {
            0.0
        }
    }

    /// Sum of the memory of all levels allocated to it, loaded or not.
    pub fn allocated_memory_mb(&self) -> f64 {
        self.allocated_levels.iter().map(|(_, mb)| mb).sum()
    }

    /// State for a given usage fraction under this budget's thresholds.
    pub fn state_for(&self, fraction: f64) -> MemoryState {
        if fraction >= self.critical_threshold {
            MemoryState::Critical
        } else if fraction >= self.warning_threshold {
            MemoryState::Warning
        } else {
            MemoryState::Normal
        }
    }

    /// Seed `is_warning()`: at or above the warning threshold.
    pub fn is_warning(&self) -> bool {
        self.state >= MemoryState::Warning
    }

    /// Seed `is_critical()`.
    pub fn is_critical(&self) -> bool {
        self.state == MemoryState::Critical
    }
}

/// Whole-manager memory picture (seed `get_memory_status()`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemoryStatus {
    /// Memory held by all levels, budgeted or not, in MB.
    pub used_memory_mb: f64,
    /// Sum of all budgets' maxima, in MB.
    pub total_memory_mb: f64,
    /// Used memory of budgeted levels over the sum of maxima (0 with no budget).
    pub usage_percentage: f64,
    /// Memory held by levels that belong to no budget, in MB.
    pub unbudgeted_memory_mb: f64,
    /// The most severe budget state.
    pub worst_state: MemoryState,
    /// Every budget.
    pub budgets: Vec<MemoryBudget>,
}

/// All budgets, with name lookup.
#[derive(Default, Clone)]
pub(crate) struct BudgetTable {
    pub(crate) budgets: Vec<MemoryBudget>,
    by_name: HashMap<String, BudgetId>,
}

impl BudgetTable {
    pub(crate) fn create(
        &mut self,
        name: &str,
        max_memory_mb: f64,
        priority: Priority,
    ) -> StreamingResult<BudgetId> {
        check_name("budget", name)?;
        check_non_negative("max_memory_mb", max_memory_mb)?;
        if self.by_name.contains_key(name) {
            return Err(StreamingError::DuplicateName {
                kind: "budget",
                name: name.to_string(),
            });
        }
        let id = BudgetId(self.budgets.len() as u32);
        self.budgets.push(MemoryBudget {
            id,
            name: name.to_string(),
            max_memory_mb,
            priority,
            warning_threshold: DEFAULT_WARNING_THRESHOLD,
            critical_threshold: DEFAULT_CRITICAL_THRESHOLD,
            current_usage_mb: 0.0,
            allocated_levels: Vec::new(),
            state: MemoryState::Normal,
            evicting: false,
        });
        self.by_name.insert(name.to_string(), id);
        Ok(id)
    }

    pub(crate) fn id_of(&self, name: &str) -> StreamingResult<BudgetId> {
        self.by_name
            .get(name)
            .copied()
            .ok_or_else(|| StreamingError::NotFound {
                kind: "budget",
                name: name.to_string(),
            })
    }

    pub(crate) fn get(&self, id: BudgetId) -> &MemoryBudget {
        &self.budgets[id.0 as usize]
    }

    pub(crate) fn get_mut(&mut self, id: BudgetId) -> &mut MemoryBudget {
        &mut self.budgets[id.0 as usize]
    }
}

/// Checks a warning/critical pair: both in (0, 1], warning <= critical.
pub(crate) fn check_thresholds(warning: f64, critical: f64) -> StreamingResult<()> {
    for (what, v) in [
        ("warning_threshold", warning),
        ("critical_threshold", critical),
    ] {
        if !v.is_finite() {
            return Err(StreamingError::NonFiniteValue { what });
        }
        if v <= 0.0 || v > 1.0 {
            return Err(StreamingError::InvalidArgument(format!(
                "{what} must be in (0, 1], got {v}"
            )));
        }
    }
    if warning > critical {
        return Err(StreamingError::InvalidArgument(format!(
            "warning_threshold {warning} must not exceed critical_threshold {critical}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_follows_the_thresholds_exactly() {
        let mut t = BudgetTable::default();
        let id = t.create("world", 1000.0, Priority::High).unwrap();
        let b = t.get(id);
        assert_eq!(b.state_for(0.799), MemoryState::Normal);
        assert_eq!(b.state_for(0.8), MemoryState::Warning);
        assert_eq!(b.state_for(0.949), MemoryState::Warning);
        assert_eq!(b.state_for(0.95), MemoryState::Critical);
        assert!(matches!(
            t.create("world", 1.0, Priority::Low),
            Err(StreamingError::DuplicateName { .. })
        ));
        assert!(matches!(
            t.create("x", -1.0, Priority::Low),
            Err(StreamingError::NegativeValue { .. })
        ));
        assert!(matches!(
            t.id_of("nope"),
            Err(StreamingError::NotFound { .. })
        ));
    }

    #[test]
    fn thresholds_are_validated() {
        assert!(check_thresholds(0.7, 0.9).is_ok());
        assert!(check_thresholds(0.9, 0.7).is_err());
        assert!(check_thresholds(0.0, 0.7).is_err());
        assert!(check_thresholds(0.5, 1.5).is_err());
        assert!(matches!(
            check_thresholds(f64::NAN, 0.9),
            Err(StreamingError::NonFiniteValue { .. })
        ));
    }
}
