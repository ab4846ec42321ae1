//! Cheap, allocation-free views of the manager for observers that copy its
//! state every few frames (the dashboard): fixed-size `Copy` records without
//! names, so a copy of every level costs a few bytes each.

use crate::core::lod::LodLevel;
use crate::core::memory::BudgetId;
use crate::core::types::{LevelId, Priority, StreamingState};

use super::StreamingManager;

/// A level's state without its name or LOD thresholds (see
/// [`StreamingManager::level_statuses`]). `Copy`, so copying it never allocates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LevelStatus {
    /// Its id (index into the level table; levels are never removed).
    pub id: LevelId,
    /// Current state.
    pub state: StreamingState,
    /// Its priority.
    pub priority: Priority,
    /// Estimated (or reported) memory in MB.
    pub memory_mb: f64,
    /// Wanted by a volume or a manual load.
    pub wanted: bool,
    /// Pinned by a manual load.
    pub pinned: bool,
    /// Hidden at the host's request.
    pub hidden_by_host: bool,
    /// Enabled volumes that want it now.
    pub wanting_volumes: u32,
    /// Failed attempts in a row.
    pub failures: u32,
    /// True after the last retry failed.
    pub gave_up: bool,
    /// Its memory budget, if any.
    pub budget: Option<BudgetId>,
    /// Current LOD and auto-adjust flag, when the level has LOD settings.
    pub lod: Option<(LodLevel, bool)>,
}

fn status_of(i: usize, l: &crate::core::level::Level) -> LevelStatus {
    LevelStatus {
        id: LevelId(i as u32),
        state: l.state,
        priority: l.priority,
        memory_mb: l.memory_mb,
        wanted: l.wanted(),
        pinned: l.pinned,
        hidden_by_host: l.hidden_by_host,
        wanting_volumes: l.want_count,
        failures: l.failures,
        gave_up: l.gave_up,
        budget: l.budget,
        lod: l.lod.as_ref().map(|s| (s.current_lod, s.auto_adjust)),
    }
}

impl StreamingManager {
    /// Every level's [`LevelStatus`], in id order. No allocation, no name
    /// copies: pair with [`level_name`](Self::level_name) once per new id.
    pub fn level_statuses(&self) -> impl Iterator<Item = LevelStatus> + '_ {
        self.levels
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| status_of(i, l))
    }

    /// The [`LevelStatus`] of level `id`, if it exists (levels are never
    /// removed: ids `0..level_count()` all exist).
    pub fn level_status(&self, id: LevelId) -> Option<LevelStatus> {
        let i = id.0 as usize;
        self.levels.levels.get(i).map(|l| status_of(i, l))
    }

    /// One more than the largest volume id ever given: every live volume's
    /// id is below it (removed volumes leave gaps; ids are never reused).
    /// With [`volume`](Self::volume), lets an observer walk the volumes a
    /// slice at a time.
    pub fn volume_id_bound(&self) -> u32 {
        self.volumes.slot_count() as u32
    }

    /// Which levels and volumes changed, for observers that keep a copy
    /// of the state (see [`crate::core::changes`]).
    pub fn changes(&self) -> &crate::core::changes::ChangeLog {
        &self.changes
    }

    /// Requests issued since the manager was built (request ids are
    /// 1, 2, ... so this is also the last id issued).
    pub fn requests_issued(&self) -> u64 {
        self.next_request_id - 1
    }
}
