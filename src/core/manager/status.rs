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

impl StreamingManager {
    /// Every level's [`LevelStatus`], in id order. No allocation, no name
    /// copies: pair with [`level_name`](Self::level_name) once per new id.
    pub fn level_statuses(&self) -> impl Iterator<Item = LevelStatus> + '_ {
        self.levels
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| l.status(LevelId(i as u32)))
    }

    /// The [`LevelStatus`] of level `id`, if it exists (levels are never
    /// removed: ids `0..level_count()` all exist).
    pub fn level_status(&self, id: LevelId) -> Option<LevelStatus> {
        self.levels.levels.get(id.0 as usize).map(|l| l.status(id))
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

#[cfg(test)]
mod tests {
    use crate::core::level::LevelDesc;
    use crate::core::lod::LodLevel;
    use crate::core::{StreamingConfig, StreamingManager};

    use super::LevelStatus;

    /// `level_status` and `level_info` are two views of one reading.
    #[test]
    fn status_and_info_agree() {
        let mut m = StreamingManager::new(StreamingConfig::default()).expect("default config");
        m.register_level(&LevelDesc::new("plain"))
            .expect("register");
        m.create_memory_budget("world", 512.0, crate::core::types::Priority::High)
            .expect("budget");
        m.allocate_level_to_budget("world", "budgeted", 64.0)
            .expect("allocate");
        m.create_lod_settings("budgeted").expect("lod settings");
        m.adjust_lod("budgeted", LodLevel::Low).expect("adjust");
        m.load_level("plain").expect("load");
        assert_eq!(m.level_count(), 2);
        for info in m.levels() {
            let status = m.level_status(info.id).expect("a status for every level");
            let from_info = LevelStatus {
                id: info.id,
                state: info.state,
                priority: info.priority,
                memory_mb: info.memory_mb,
                wanted: info.wanted,
                pinned: info.pinned,
                hidden_by_host: info.hidden_by_host,
                wanting_volumes: info.wanting_volumes,
                failures: info.failures,
                gave_up: info.gave_up,
                budget: info.budget,
                lod: info.lod.as_ref().map(|s| (s.current_lod, s.auto_adjust)),
            };
            assert_eq!(status, from_info, "{}", info.name);
        }
        let budgeted = m.find_level("budgeted").expect("budgeted");
        let status = m.level_status(budgeted).expect("status");
        assert!(status.budget.is_some());
        assert_eq!(status.lod.map(|(lod, _)| lod), Some(LodLevel::Low));
        let plain = m.find_level("plain").expect("plain");
        assert!(m.level_status(plain).expect("status").pinned);
    }
}
