//! Memory budget enforcement.
//!
//! A level allocated to a budget is *cached* when released: hidden but kept
//! in memory, so coming back is instant. The budget pays for that cache:
//! - a load that would push its budget past the maximum first evicts cached
//!   levels of that budget — lowest priority first (BACKGROUND before LOW
//!   before NORMAL …), least recently wanted first within a priority; CRITICAL
//!   levels are never evicted. If that cannot make room the load waits (it is
//!   never dropped) and a `LoadDeferred` event says why;
//! - a budget that reaches its critical threshold evicts cached levels until
//!   it is back below its warning threshold (hysteresis, so it does not
//!   thrash at the edge).
//!
//! A level holds memory from the moment its load is issued until its unload
//! completes; the host's measured size on load replaces the estimate.

use crate::core::error::{check_non_negative, StreamingResult};
use crate::core::events::Event;
use crate::core::memory::{check_thresholds, BudgetId, MemoryBudget, MemoryState, MemoryStatus};
use crate::core::request::RequestKind;
use crate::core::types::{LevelId, Priority, StreamingState};

use super::StreamingManager;

/// Whether a level in this state holds memory.
fn holds_memory(state: StreamingState) -> bool {
    state != StreamingState::Unloaded
}

impl StreamingManager {
    /// Creates a memory budget (seed `create_memory_budget`) with the
    /// default thresholds 0.8 (warning) and 0.95 (critical).
    pub fn create_memory_budget(
        &mut self,
        name: &str,
        max_memory_mb: f64,
        priority: Priority,
    ) -> StreamingResult<BudgetId> {
        let id = self.budgets.create(name, max_memory_mb, priority)?;
        self.changes.record(crate::core::changes::Change::Budgets);
        Ok(id)
    }

    /// Sets a budget's warning and critical thresholds (fractions of its
    /// maximum, 0 < warning <= critical <= 1).
    pub fn set_budget_thresholds(
        &mut self,
        budget_name: &str,
        warning: f64,
        critical: f64,
    ) -> StreamingResult<()> {
        check_thresholds(warning, critical)?;
        let id = self.budgets.id_of(budget_name)?;
        let budget = self.budgets.get_mut(id);
        budget.warning_threshold = warning;
        budget.critical_threshold = critical;
        self.refresh_budget_state(id);
        self.finish_call();
        Ok(())
    }

    /// Allocates a level to a budget with its memory size in MB (seed
    /// `allocate_level_to_budget`). The level is created with defaults if
    /// unknown; a level already in another budget moves. If the level is in
    /// memory, the budgets' usage follows at once.
    pub fn allocate_level_to_budget(
        &mut self,
        budget_name: &str,
        level_name: &str,
        memory_mb: f64,
    ) -> StreamingResult<()> {
        check_non_negative("memory_mb", memory_mb)?;
        let budget = self.budgets.id_of(budget_name)?;
        crate::core::error::check_name("level", level_name)?;
        let level = self.levels.find_or_create(level_name)?;
        let l = &self.levels.levels[level.0 as usize];
        let (state, old_budget, old_mb) = (l.state, l.budget, l.memory_mb);
        // Take the level out of its old accounting...
        if holds_memory(state) {
            self.adjust_usage(old_budget, -old_mb);
        }
        if let Some(old) = old_budget {
            self.budgets
                .get_mut(old)
                .allocated_levels
                .retain(|(id, _)| *id != level);
        }
        // ...and into the new one.
        let l = &mut self.levels.levels[level.0 as usize];
        l.budget = Some(budget);
        l.memory_mb = memory_mb;
        self.changes
            .record(crate::core::changes::Change::Level(level));
        self.budgets
            .get_mut(budget)
            .allocated_levels
            .push((level, memory_mb));
        if holds_memory(state) {
            self.adjust_usage(Some(budget), memory_mb);
        }
        if let Some(old) = old_budget {
            self.refresh_budget_state(old);
        }
        self.refresh_budget_state(budget);
        self.mark_dirty(level);
        self.reconcile();
        self.finish_call();
        Ok(())
    }

    /// The id of the budget named `name`.
    pub fn find_budget(&self, name: &str) -> StreamingResult<BudgetId> {
        self.budgets.id_of(name)
    }

    /// The budget named `name`.
    pub fn memory_budget(&self, name: &str) -> StreamingResult<&MemoryBudget> {
        Ok(self.budgets.get(self.budgets.id_of(name)?))
    }

    /// All budgets, in creation order.
    pub fn memory_budgets(&self) -> &[MemoryBudget] {
        &self.budgets.budgets
    }

    /// Seed `get_memory_status()`: used and total memory, usage fraction and
    /// every budget with its state.
    pub fn get_memory_status(&self) -> MemoryStatus {
        let budgets = self.budgets.budgets.clone();
        let budgeted: f64 = budgets.iter().map(|b| b.current_usage_mb).sum();
        let total: f64 = budgets.iter().map(|b| b.max_memory_mb).sum();
        MemoryStatus {
            used_memory_mb: budgeted + self.unbudgeted_used_mb,
            total_memory_mb: total,
            usage_percentage: if total > 0.0 { budgeted / total } else { 0.0 },
            unbudgeted_memory_mb: self.unbudgeted_used_mb,
            worst_state: budgets.iter().map(|b| b.state).max().unwrap_or_default(),
            budgets,
        }
    }

    /// Memory held by levels in no budget, in MB (cheap; no allocation).
    pub fn unbudgeted_memory_mb(&self) -> f64 {
        self.unbudgeted_used_mb
    }

    /// Memory held by all levels, budgeted or not, in MB (cheap; no allocation).
    pub fn used_memory_mb(&self) -> f64 {
        self.budgets
            .budgets
            .iter()
            .map(|b| b.current_usage_mb)
            .sum::<f64>()
            + self.unbudgeted_used_mb
    }

    /// Memory the level's budget has left (infinite for a level in no budget).
    pub(super) fn available_memory_for(&self, level: LevelId) -> f64 {
        match self.levels.levels[level.0 as usize].budget {
            Some(b) => {
                let budget = self.budgets.get(b);
                (budget.max_memory_mb - budget.current_usage_mb).max(0.0)
            }
            None => f64::INFINITY,
        }
    }

    /// Keeps budget usage in step with a state change.
    pub(super) fn account_memory(
        &mut self,
        level: LevelId,
        from: StreamingState,
        to: StreamingState,
    ) {
        let l = &self.levels.levels[level.0 as usize];
        let delta = match (holds_memory(from), holds_memory(to)) {
            (false, true) => l.memory_mb,
            (true, false) => -l.memory_mb,
            _ => return,
        };
        let budget = l.budget;
        self.adjust_usage(budget, delta);
        if let Some(b) = budget {
            self.refresh_budget_state(b);
        }
    }

    /// Replaces a level's memory size (the host measured it).
    pub(super) fn set_level_memory(&mut self, level: LevelId, memory_mb: f64) {
        let l = &mut self.levels.levels[level.0 as usize];
        let delta = memory_mb - l.memory_mb;
        l.memory_mb = memory_mb;
        let (budget, state) = (l.budget, l.state);
        if let Some(b) = budget {
            for entry in &mut self.budgets.get_mut(b).allocated_levels {
                if entry.0 == level {
                    entry.1 = memory_mb;
                }
            }
        }
        if holds_memory(state) {
            self.adjust_usage(budget, delta);
            if let Some(b) = budget {
                self.refresh_budget_state(b);
            }
        }
    }

    fn adjust_usage(&mut self, budget: Option<BudgetId>, delta: f64) {
        self.changes.record(crate::core::changes::Change::Budgets);
        let slot = match budget {
            Some(b) => &mut self.budgets.get_mut(b).current_usage_mb,
            None => &mut self.unbudgeted_used_mb,
        };
        *slot += delta;
        // Float sums drift: snap tiny residues to exactly zero.
        if slot.abs() < 1e-9 {
            *slot = 0.0;
        }
    }

    /// Recomputes a budget's state, raising MemoryStateChanged on a change
    /// and driving the eviction hysteresis.
    fn refresh_budget_state(&mut self, id: BudgetId) {
        self.changes.record(crate::core::changes::Change::Budgets);
        let budget = self.budgets.get_mut(id);
        let fraction = budget.usage_fraction();
        let state = budget.state_for(fraction);
        if state == MemoryState::Critical {
            budget.evicting = true;
        } else if state == MemoryState::Normal {
            budget.evicting = false;
        }
        if state != budget.state {
            let from = budget.state;
            budget.state = state;
            self.events.emit(Event::MemoryStateChanged {
                budget: id,
                from,
                to: state,
                usage_fraction: fraction,
            });
        }
    }

    /// Usage once the unloads already in flight complete.
    fn projected_usage(&self, id: BudgetId) -> f64 {
        let budget = self.budgets.get(id);
        let releasing: f64 = budget
            .allocated_levels
            .iter()
            .map(|(l, _)| &self.levels.levels[l.0 as usize])
            .filter(|l| l.state == StreamingState::Unloading)
            .map(|l| l.memory_mb)
            .sum();
        budget.current_usage_mb - releasing
    }

    /// The next level to evict from a budget: a cached level (in memory, not
    /// wanted, nothing outstanding) that is not CRITICAL; lowest priority
    /// first, then least recently wanted, then lowest id.
    fn eviction_candidate(&self, id: BudgetId) -> Option<LevelId> {
        self.budgets
            .get(id)
            .allocated_levels
            .iter()
            .map(|(level, _)| *level)
            .filter(|level| {
                let l = &self.levels.levels[level.0 as usize];
                l.state.is_resident()
                    && !l.should_be_resident()
                    && l.outstanding.is_none()
                    && !l.evict
                    && l.priority != Priority::Critical
            })
            .min_by(|a, b| {
                let la = &self.levels.levels[a.0 as usize];
                let lb = &self.levels.levels[b.0 as usize];
                lb.priority
                    .cmp(&la.priority)
                    .then(la.last_wanted_at.total_cmp(&lb.last_wanted_at))
                    .then(a.cmp(b))
            })
    }

    /// Evicts one cached level of the budget (issues its unload); false if
    /// there is nothing left to evict.
    fn evict_one(&mut self, id: BudgetId) -> bool {
        let Some(level) = self.eviction_candidate(id) else {
            return false;
        };
        self.levels.levels[level.0 as usize].evict = true;
        self.events.emit(Event::LevelEvicted { level, budget: id });
        self.issue(self.candidate(level, RequestKind::Unload));
        true
    }

    /// While a budget is evicting (it reached Critical), evicts until the
    /// usage after in-flight unloads is below the warning threshold.
    pub(super) fn evict_over_critical_budgets(&mut self) {
        for index in 0..self.budgets.budgets.len() {
            let id = BudgetId(index as u32);
            while self.budgets.get(id).evicting {
                let budget = self.budgets.get(id);
                let target = budget.warning_threshold * budget.max_memory_mb;
                if self.projected_usage(id) < target || !self.evict_one(id) {
                    break;
                }
            }
        }
    }

    /// Whether `level` may start loading now as far as its budget goes,
    /// evicting cached levels to make room if needed. When nothing can be
    /// evicted the load waits and one `LoadDeferred` event says so.
    pub(super) fn make_room_for(&mut self, level: LevelId) -> bool {
        let l = &self.levels.levels[level.0 as usize];
        let Some(id) = l.budget else {
            return true;
        };
        let needed = l.memory_mb;
        loop {
            let budget = self.budgets.get(id);
            if budget.current_usage_mb + needed <= budget.max_memory_mb {
                return true;
            }
            if self.projected_usage(id) + needed <= budget.max_memory_mb {
                // Enough is already being unloaded; wait for it.
                return false;
            }
            if !self.evict_one(id) {
                break;
            }
        }
        // What the budget will have once the unloads in flight complete.
        let available = (self.budgets.get(id).max_memory_mb - self.projected_usage(id)).max(0.0);
        let l = &mut self.levels.levels[level.0 as usize];
        if !l.deferred_reported {
            l.deferred_reported = true;
            self.events.emit(Event::LoadDeferred {
                level,
                budget: id,
                needed_mb: needed,
                available_mb: available,
            });
        }
        false
    }
}
