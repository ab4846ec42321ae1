//! Levels: what a volume streams, with the per-level bookkeeping of the state
//! machine (wanting count, manual pin, outstanding request, retries).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::error::{check_name, check_non_negative, StreamingError, StreamingResult};
use super::lod::{LodLevel, LodSettings};
use super::manager::LevelStatus;
use super::memory::BudgetId;
use super::types::{LevelId, Priority, RequestId, StreamingState, VolumeId};

/// What a host gives to register a level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LevelDesc {
    /// Unique name (the UE package or level name).
    pub name: String,
    /// Estimated memory once loaded, in MB (the host's report on load replaces it).
    pub estimated_memory_mb: f64,
    /// Its priority.
    pub priority: Priority,
}

impl LevelDesc {
    /// A NORMAL-priority level with no memory estimate.
    pub fn new(name: impl Into<String>) -> Self {
        LevelDesc {
            name: name.into(),
            estimated_memory_mb: 0.0,
            priority: Priority::Normal,
        }
    }
}

/// A read-only view of one level.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LevelInfo {
    /// Its id.
    pub id: LevelId,
    /// Its name.
    pub name: String,
    /// Current state.
    pub state: StreamingState,
    /// Its priority.
    pub priority: Priority,
    /// Estimated (or reported) memory in MB.
    pub memory_mb: f64,
    /// Whether it is wanted (by a volume or a manual load).
    pub wanted: bool,
    /// Whether a manual load pinned it.
    pub pinned: bool,
    /// Whether the host asked for it to be hidden.
    pub hidden_by_host: bool,
    /// Number of enabled volumes that currently want it.
    pub wanting_volumes: u32,
    /// Failed attempts in a row.
    pub failures: u32,
    /// True after the last retry failed (until it stops being wanted).
    pub gave_up: bool,
    /// The memory budget it is allocated to, if any.
    pub budget: Option<BudgetId>,
    /// Its LOD settings, if created.
    pub lod: Option<LodSettings>,
    /// Nearest gap from a source to one of its enabled volumes at the last update.
    pub distance: f64,
}

#[derive(Clone, Debug)]
pub(crate) struct Level {
    pub(crate) name: String,
    pub(crate) memory_mb: f64,
    pub(crate) priority: Priority,
    pub(crate) state: StreamingState,
    /// Created because a volume named it, not registered by the host.
    pub(crate) implicit: bool,
    pub(crate) pinned: bool,
    /// Open `stream_around` requests that include it.
    pub(crate) stream_pins: u32,
    pub(crate) hidden_by_host: bool,
    pub(crate) want_count: u32,
    pub(crate) volumes: Vec<VolumeId>,
    pub(crate) outstanding: Option<RequestId>,
    pub(crate) failures: u32,
    pub(crate) retry_at: f64,
    pub(crate) gave_up: bool,
    /// In the manager's dirty list already.
    pub(crate) queued: bool,
    /// Position in the manager's list of missing levels, if missing.
    pub(crate) missing: Option<u32>,
    pub(crate) budget: Option<BudgetId>,
    /// Game time at which it last stopped being wanted (eviction order).
    pub(crate) last_wanted_at: f64,
    pub(crate) lod: Option<LodSettings>,
    /// A LoadDeferred event was raised for the current wait.
    pub(crate) deferred_reported: bool,
    /// Chosen for eviction: unload although cached.
    pub(crate) evict: bool,
}

impl Level {
    pub(crate) fn new(name: String, memory_mb: f64, priority: Priority, implicit: bool) -> Self {
        Level {
            name,
            memory_mb,
            priority,
            state: StreamingState::Unloaded,
            implicit,
            pinned: false,
            stream_pins: 0,
            hidden_by_host: false,
            want_count: 0,
            volumes: Vec::new(),
            outstanding: None,
            failures: 0,
            retry_at: 0.0,
            gave_up: false,
            queued: false,
            missing: None,
            budget: None,
            last_wanted_at: 0.0,
            lod: None,
            deferred_reported: false,
            evict: false,
        }
    }

    /// Wanted by a volume or a pin.
    pub(crate) fn wanted(&self) -> bool {
        self.pinned || self.want_count > 0 || self.stream_pins > 0
    }

    /// Wanted and not given up on: the level should end up resident.
    pub(crate) fn should_be_resident(&self) -> bool {
        self.wanted() && !self.gave_up
    }

    /// Wanted but not where it should be yet.
    pub(crate) fn is_missing(&self) -> bool {
        if !self.should_be_resident() {
            return false;
        }
        if self.hidden_by_host {
            !matches!(self.state, StreamingState::Loaded | StreamingState::Hidden)
        } else {
            self.state != StreamingState::Active
        }
    }

    /// The LOD in force (ULTRA for a level without LOD settings).
    pub(crate) fn current_lod(&self) -> LodLevel {
        self.lod.as_ref().map_or(LodLevel::Ultra, |l| l.current_lod)
    }

    /// The level's allocation-free [`LevelStatus`] (`level_status`).
    pub(crate) fn status(&self, id: LevelId) -> LevelStatus {
        LevelStatus {
            id,
            state: self.state,
            priority: self.priority,
            memory_mb: self.memory_mb,
            wanted: self.wanted(),
            pinned: self.pinned,
            hidden_by_host: self.hidden_by_host,
            wanting_volumes: self.want_count,
            failures: self.failures,
            gave_up: self.gave_up,
            budget: self.budget,
            lod: self.lod.as_ref().map(|s| (s.current_lod, s.auto_adjust)),
        }
    }

    /// What [`status`](Self::status) says, plus the name, the full LOD
    /// settings and the distance (a test checks the two agree).
    pub(crate) fn info(&self, id: LevelId, distance: f64) -> LevelInfo {
        LevelInfo {
            id,
            name: self.name.clone(),
            state: self.state,
            priority: self.priority,
            memory_mb: self.memory_mb,
            wanted: self.wanted(),
            pinned: self.pinned,
            hidden_by_host: self.hidden_by_host,
            wanting_volumes: self.want_count,
            failures: self.failures,
            gave_up: self.gave_up,
            budget: self.budget,
            lod: self.lod.clone(),
            distance,
        }
    }
}

/// All levels, indexed by dense id, with name lookup.
#[derive(Default)]
pub(crate) struct LevelTable {
    pub(crate) levels: Vec<Level>,
    by_name: HashMap<String, LevelId>,
}

impl LevelTable {
    pub(crate) fn find(&self, name: &str) -> Option<LevelId> {
        self.by_name.get(name).copied()
    }

    pub(crate) fn id_of(&self, name: &str) -> StreamingResult<LevelId> {
        self.find(name)
            .ok_or_else(|| StreamingError::UnknownLevelName(name.to_string()))
    }

    pub(crate) fn get(&self, id: LevelId) -> StreamingResult<&Level> {
        self.levels
            .get(id.0 as usize)
            .ok_or(StreamingError::UnknownLevelId(id))
    }

    pub(crate) fn len(&self) -> usize {
        self.levels.len()
    }

    /// Registers a level; a level that only exists because a volume named it
    /// is adopted (returned with `true`; its priority replaced, its memory
    /// estimate left to the caller), a registered one is a duplicate.
    pub(crate) fn register(&mut self, desc: &LevelDesc) -> StreamingResult<(LevelId, bool)> {
        check_name("level", &desc.name)?;
        check_non_negative("estimated_memory_mb", desc.estimated_memory_mb)?;
        if let Some(id) = self.find(&desc.name) {
            let level = &mut self.levels[id.0 as usize];
            if !level.implicit {
                return Err(StreamingError::DuplicateName {
                    kind: "level",
                    name: desc.name.clone(),
                });
            }
            // The memory estimate of an adopted level is left to the caller,
            // which owns the budget accounting of a level already in memory.
            level.implicit = false;
            level.priority = desc.priority;
            return Ok((id, true));
        }
        Ok((
            self.insert(Level::new(
                desc.name.clone(),
                desc.estimated_memory_mb,
                desc.priority,
                false,
            )),
            false,
        ))
    }

    /// The id of `name`, creating an implicit default level if needed.
    pub(crate) fn find_or_create(&mut self, name: &str) -> StreamingResult<LevelId> {
        check_name("level", name)?;
        if let Some(id) = self.find(name) {
            return Ok(id);
        }
        Ok(self.insert(Level::new(name.to_string(), 0.0, Priority::Normal, true)))
    }

    fn insert(&mut self, level: Level) -> LevelId {
        let id = LevelId(self.levels.len() as u32);
        self.by_name.insert(level.name.clone(), id);
        self.levels.push(level);
        id
    }
}
