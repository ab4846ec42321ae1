//! The streaming manager: takes the streaming sources once per frame, applies
//! the wanting rule, drives each level's state machine and emits ordered
//! requests for the host. It performs no I/O and never blocks.
//!
//! The manager is split by concern: this file holds the frame, the state
//! machine and request ordering; `budgets.rs` enforces memory budgets,
//! `lod.rs` applies LOD decisions, `seed.rs` wires the profiler, occlusion
//! statistics and loading screens, and `report.rs` builds the performance
//! report.

mod budgets;
mod lod;
mod report;
mod seed;
mod status;

use std::collections::{HashMap, VecDeque};

use super::changes::{Change, ChangeLog};
use super::config::StreamingConfig;
use super::error::{check_non_negative, StreamingError, StreamingResult};
use super::events::{Event, EventHub, EventKind, ListenerId};
use super::level::{LevelDesc, LevelInfo, LevelTable};
use super::loading_screen::{LoadingScreenId, LoadingScreens};
use super::memory::BudgetTable;
use super::occlusion::{OcclusionCostModel, OcclusionStats};
use super::profiler::Profiler;
use super::request::{Request, RequestKind};
use super::types::{LevelId, Priority, RequestId, StreamingSource, StreamingState, VolumeId};
use super::volume::{resolve_distances, StreamingVolume, VolumeDesc, VolumeSet};

pub use report::PerformanceReport;
pub use status::LevelStatus;

/// A request the host has been given (or will be given) but not completed.
#[derive(Clone, Copy, Debug)]
struct Outstanding {
    level: LevelId,
    kind: RequestKind,
    /// Still in the queue, not yet handed out by `take_requests`.
    queued: bool,
    /// Game time of issue (for the asset-load-time metric).
    issued_at: f64,
}

/// An action the reconciler wants to issue, with its ordering key.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    level: LevelId,
    kind: RequestKind,
    priority: Priority,
    distance: f64,
}

/// The level streaming decision engine. See the crate documentation for the
/// frame loop: `update` → `take_requests` → host I/O → `complete_request`.
pub struct StreamingManager {
    config: StreamingConfig,
    levels: LevelTable,
    volumes: VolumeSet,
    /// Issued, not yet taken by the host.
    pending: VecDeque<Request>,
    outstanding: HashMap<RequestId, Outstanding>,
    next_request_id: u64,
    loads_in_flight: u32,
    last_unload_at: Option<f64>,
    /// Levels whose desired action may have changed, or that wait for a slot.
    dirty: Vec<LevelId>,
    scratch_flips: Vec<(LevelId, bool)>,
    scratch_candidates: Vec<Candidate>,
    sources: Vec<StreamingSource>,
    missing: usize,
    /// Something was missing since the last StreamingComplete.
    incomplete: bool,
    events: EventHub,
    now: f64,
    frame: u64,
    budgets: BudgetTable,
    /// Memory held by levels in no budget, in MB.
    unbudgeted_used_mb: f64,
    profiler: Profiler,
    occlusion: OcclusionStats,
    loading_screens: LoadingScreens,
    scratch_hidden_screens: Vec<LoadingScreenId>,
    /// Levels that have LOD settings (auto-adjust walks only these).
    lod_levels: Vec<LevelId>,
    /// Exponential moving average of recorded frame times (ms), for LOD.
    smoothed_frame_time_ms: f64,
    smoothed_frame_samples: u64,
    /// Which levels and volumes changed, for observers (see `core::changes`).
    changes: ChangeLog,
}

impl Default for StreamingManager {
    fn default() -> Self {
        StreamingManager::new(StreamingConfig::default()).expect("default config is valid")
    }
}

impl StreamingManager {
    /// Builds a manager; refuses an invalid config.
    pub fn new(config: StreamingConfig) -> StreamingResult<Self> {
        config.validate()?;
        Ok(StreamingManager {
            profiler: Profiler::new(config.profiler.clone())?,
            occlusion: OcclusionStats::new(OcclusionCostModel::default())?,
            loading_screens: LoadingScreens::default(),
            scratch_hidden_screens: Vec::new(),
            budgets: BudgetTable::default(),
            unbudgeted_used_mb: 0.0,
            lod_levels: Vec::new(),
            smoothed_frame_time_ms: 0.0,
            smoothed_frame_samples: 0,
            changes: ChangeLog::default(),
            events: EventHub::new(config.event_queue_capacity as usize),
            config,
            levels: LevelTable::default(),
            volumes: VolumeSet::default(),
            pending: VecDeque::new(),
            outstanding: HashMap::new(),
            next_request_id: 1,
            loads_in_flight: 0,
            last_unload_at: None,
            dirty: Vec::new(),
            scratch_flips: Vec::new(),
            scratch_candidates: Vec::new(),
            sources: Vec::new(),
            missing: 0,
            incomplete: false,
            now: 0.0,
            frame: 0,
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &StreamingConfig {
        &self.config
    }

    /// Seconds of game time seen through `update`.
    pub fn now(&self) -> f64 {
        self.now
    }

    /// Number of `update` calls so far.
    pub fn frame(&self) -> u64 {
        self.frame
    }

    /// The sources given to the last `update`.
    pub fn sources(&self) -> &[StreamingSource] {
        &self.sources
    }

    // ----- levels -------------------------------------------------------

    /// Registers a level. Registering a level that a volume already created
    /// implicitly sets its memory estimate and priority; registering the same
    /// name twice is [`StreamingError::DuplicateName`].
    pub fn register_level(&mut self, desc: &LevelDesc) -> StreamingResult<LevelId> {
        let id = self.levels.register(desc)?;
        self.changes.record(Change::Level(id));
        Ok(id)
    }

    /// The id of the level named `name`.
    pub fn find_level(&self, name: &str) -> StreamingResult<LevelId> {
        self.levels.id_of(name)
    }

    /// The name of level `id`.
    pub fn level_name(&self, id: LevelId) -> StreamingResult<&str> {
        Ok(&self.levels.get(id)?.name)
    }

    /// The current state of level `id`.
    pub fn level_state(&self, id: LevelId) -> StreamingResult<StreamingState> {
        Ok(self.levels.get(id)?.state)
    }

    /// The current state of the level named `name`.
    pub fn level_state_by_name(&self, name: &str) -> StreamingResult<StreamingState> {
        self.level_state(self.find_level(name)?)
    }

    /// A read-only view of level `id`.
    pub fn level_info(&self, id: LevelId) -> StreamingResult<LevelInfo> {
        let level = self.levels.get(id)?;
        Ok(level.info(id, self.ordering(id).1))
    }

    /// Views of all levels, in id order.
    pub fn levels(&self) -> impl Iterator<Item = LevelInfo> + '_ {
        self.levels
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| l.info(LevelId(i as u32), self.ordering(LevelId(i as u32)).1))
    }

    /// Number of levels.
    pub fn level_count(&self) -> usize {
        self.levels.len()
    }

    // ----- volumes ------------------------------------------------------

    /// Creates a streaming volume. Its level is created with defaults if it
    /// was never registered. The volume wants nothing until the next update.
    pub fn create_streaming_volume(&mut self, desc: &VolumeDesc) -> StreamingResult<VolumeId> {
        self.volumes.check_new_name(&desc.name)?;
        if !desc.center.is_finite() {
            return Err(StreamingError::NonFiniteValue { what: "center" });
        }
        let (load, unload) = resolve_distances(
            desc.radius,
            desc.load_distance,
            desc.unload_distance,
            self.config.unload_distance_factor,
        )?;
        // Validate the level name before creating anything.
        super::error::check_name("level", &desc.level_name)?;
        let level = self.levels.find_or_create(&desc.level_name)?;
        let id = self.volumes.insert(StreamingVolume {
            id: VolumeId(0),
            name: desc.name.clone(),
            level,
            center: desc.center,
            radius: desc.radius,
            load_distance: load,
            unload_distance: unload,
            priority: desc.priority,
            enabled: desc.enabled,
            wants: false,
            distance: f64::INFINITY,
        });
        self.levels.levels[level.0 as usize].volumes.push(id);
        self.changes.record(Change::Volume(id));
        self.changes.record(Change::Level(level));
        Ok(id)
    }

    /// The id of the volume named `name`.
    pub fn find_volume(&self, name: &str) -> StreamingResult<VolumeId> {
        self.volumes
            .find(name)
            .ok_or_else(|| StreamingError::UnknownVolumeName(name.to_string()))
    }

    /// Volume `id`.
    pub fn volume(&self, id: VolumeId) -> StreamingResult<&StreamingVolume> {
        self.volumes.get(id)
    }

    /// All live volumes, in id order.
    pub fn volumes(&self) -> impl Iterator<Item = &StreamingVolume> {
        self.volumes.iter()
    }

    /// Number of live volumes.
    pub fn volume_count(&self) -> usize {
        self.volumes.len()
    }

    /// Removes a volume; if it wanted its level, the level may now be released.
    pub fn remove_streaming_volume(&mut self, id: VolumeId) -> StreamingResult<()> {
        let volume = self.volumes.remove(id)?;
        self.changes.record(Change::Volume(id));
        let level = &mut self.levels.levels[volume.level.0 as usize];
        level.volumes.retain(|v| *v != id);
        if volume.wants {
            self.set_volume_wants(volume.level, false);
            self.reconcile();
        }
        self.finish_call();
        Ok(())
    }

    /// Enables or disables a volume. A disabled volume wants nothing; an
    /// enabled one decides again at the next update.
    pub fn set_volume_enabled(&mut self, id: VolumeId, enabled: bool) -> StreamingResult<()> {
        let volume = self.volumes.get_mut(id)?;
        volume.enabled = enabled;
        self.changes.record(Change::Volume(id));
        if !enabled && volume.wants {
            volume.wants = false;
            volume.distance = f64::INFINITY;
            let level = volume.level;
            self.set_volume_wants(level, false);
            self.reconcile();
            self.finish_call();
        }
        Ok(())
    }

    /// Moves a volume. It keeps its decision until the next update applies
    /// the wanting rule at its new place.
    pub fn move_streaming_volume(
        &mut self,
        id: VolumeId,
        center: super::types::Vec3,
    ) -> StreamingResult<()> {
        if !center.is_finite() {
            return Err(StreamingError::NonFiniteValue { what: "center" });
        }
        self.volumes.get_mut(id)?.center = center;
        self.changes.record(Change::Volume(id));
        Ok(())
    }

    /// Changes a volume's radius and distances (`unload = None` takes the
    /// configured default margin). Applied at the next update.
    pub fn set_volume_distances(
        &mut self,
        id: VolumeId,
        radius: f64,
        load_distance: f64,
        unload_distance: Option<f64>,
    ) -> StreamingResult<()> {
        let (load, unload) = resolve_distances(
            radius,
            load_distance,
            unload_distance,
            self.config.unload_distance_factor,
        )?;
        let volume = self.volumes.get_mut(id)?;
        volume.radius = radius;
        volume.load_distance = load;
        volume.unload_distance = unload;
        self.changes.record(Change::Volume(id));
        Ok(())
    }

    // ----- the frame ----------------------------------------------------

    /// One frame: applies the wanting rule for `sources`, advances time by
    /// `dt_seconds`, and issues requests. Invalid input (NaN or infinite
    /// position or velocity, negative or non-finite `dt`) changes nothing.
    pub fn update(&mut self, sources: &[StreamingSource], dt_seconds: f64) -> StreamingResult<()> {
        check_non_negative("dt_seconds", dt_seconds)?;
        for source in sources {
            if !source.position.is_finite() {
                return Err(StreamingError::NonFiniteValue {
                    what: "source position",
                });
            }
            if !source.velocity.is_finite() {
                return Err(StreamingError::NonFiniteValue {
                    what: "source velocity",
                });
            }
        }
        self.now += dt_seconds;
        self.frame += 1;
        self.sources.clear();
        self.sources.extend_from_slice(sources);

        // Reused buffer: a steady-state update does not allocate.
        let mut flips = std::mem::take(&mut self.scratch_flips);
        flips.clear();
        let changes = &mut self.changes;
        self.volumes.evaluate(sources, |volume| {
            flips.push((volume.level, volume.wants));
            changes.record(Change::Volume(volume.id));
        });
        for &(level, wants) in &flips {
            self.set_volume_wants(level, wants);
        }
        flips.clear();
        self.scratch_flips = flips;

        self.reconcile();
        self.auto_adjust_lods();
        self.finish_call();
        Ok(())
    }

    /// Hands out up to `max` issued requests, in order. Each must be
    /// completed exactly once.
    pub fn take_requests(&mut self, max: usize, out: &mut Vec<Request>) -> usize {
        let n = max.min(self.pending.len());
        for request in self.pending.drain(..n) {
            if let Some(o) = self.outstanding.get_mut(&request.id) {
                o.queued = false;
            }
            out.push(request);
        }
        n
    }

    /// Issued requests not yet handed out.
    pub fn pending_request_count(&self) -> usize {
        self.pending.len()
    }

    /// Requests handed out (or queued) and not yet completed.
    pub fn outstanding_request_count(&self) -> usize {
        self.outstanding.len()
    }

    /// Load requests issued and not yet completed.
    pub fn loads_in_flight(&self) -> u32 {
        self.loads_in_flight
    }

    /// The host reports that request `id` finished. On success the level
    /// advances; a failed load is retried with exponential backoff, then
    /// reported with [`Event::LoadFailed`]. Unknown ids and second
    /// completions are errors and change nothing.
    pub fn complete_request(&mut self, id: RequestId, success: bool) -> StreamingResult<()> {
        self.complete_request_with_memory(id, success, None)
    }

    /// Like [`complete_request`](Self::complete_request); for a successful
    /// load, `reported_memory_mb` (the level's real size, measured by the
    /// host) replaces the estimate in its budget.
    pub fn complete_request_with_memory(
        &mut self,
        id: RequestId,
        success: bool,
        reported_memory_mb: Option<f64>,
    ) -> StreamingResult<()> {
        let Some(o) = self.outstanding.get(&id).copied() else {
            return Err(if id.0 >= 1 && id.0 < self.next_request_id {
                StreamingError::RequestAlreadyCompleted(id)
            } else {
                StreamingError::UnknownRequest(id)
            });
        };
        if let Some(mb) = reported_memory_mb {
            check_non_negative("reported_memory_mb", mb)?;
        }
        let level = self.levels.get(o.level)?;
        let from = level.state;
        let to = match (o.kind, success) {
            (RequestKind::Load, true) => StreamingState::Loaded,
            (RequestKind::Load, false) => StreamingState::Unloaded,
            (RequestKind::MakeVisible, true) => StreamingState::Active,
            (RequestKind::Hide, true) => StreamingState::Hidden,
            (RequestKind::MakeVisible | RequestKind::Hide | RequestKind::SetLod, _) => from,
            (RequestKind::Unload, true) => StreamingState::Unloaded,
            // The content is still in memory; it is retried while unwanted.
            (RequestKind::Unload, false) => StreamingState::Loaded,
        };
        let legal = to == from
            || from.can_transition_to(to)
            || (o.kind == RequestKind::Unload && !success && from == StreamingState::Unloading);
        if !legal {
            return Err(StreamingError::InvalidTransition {
                level: level.name.clone(),
                from,
                to,
            });
        }

        // Validated: from here on the completion is applied in full.
        self.outstanding.remove(&id);
        if o.queued {
            self.pending.retain(|r| r.id != id);
        }
        if o.kind == RequestKind::SetLod {
            // LOD changes do not touch the state machine; a failure is reported.
            if !success {
                self.events.emit(Event::RequestFailed {
                    level: o.level,
                    kind: RequestKind::SetLod,
                    attempts: 1,
                });
            }
            self.finish_call();
            return Ok(());
        }
        if o.kind == RequestKind::Load {
            self.loads_in_flight -= 1;
            if success {
                if let Some(mb) = reported_memory_mb {
                    self.set_level_memory(o.level, mb);
                }
                self.record_load_metrics(o.level, self.now - o.issued_at);
            }
        }
        let now = self.now;
        let max_retries = self.config.max_load_retries;
        let backoff = self.backoff_after(self.levels.levels[o.level.0 as usize].failures + 1);
        let level = &mut self.levels.levels[o.level.0 as usize];
        level.outstanding = None;
        if success {
            level.failures = 0;
        } else {
            level.failures += 1;
            level.retry_at = now + backoff;
        }
        if o.kind == RequestKind::Unload {
            level.evict = false;
        }
        // Retries, give-up and (for a load) the reported memory changed.
        self.changes.record(Change::Level(o.level));
        let failures = level.failures;
        let mut failure_event = None;
        if !success {
            if o.kind == RequestKind::Load {
                let will_retry = failures <= max_retries;
                if !will_retry {
                    level.gave_up = true;
                }
                failure_event = Some(Event::LoadFailed {
                    level: o.level,
                    attempts: failures,
                    will_retry,
                });
            } else {
                failure_event = Some(Event::RequestFailed {
                    level: o.level,
                    kind: o.kind,
                    attempts: failures,
                });
            }
        }
        self.change_state(o.level, to);
        if let Some(event) = failure_event {
            self.events.emit(event);
        }
        self.mark_dirty(o.level);
        self.reconcile();
        self.finish_call();
        Ok(())
    }

    // ----- manual control -------------------------------------------------

    /// Loads a level by hand and pins it: it stays wanted until
    /// [`unload_level`](Self::unload_level), whatever the volumes decide. Goes
    /// through the same request path as volume-driven loads. Also clears a
    /// previous give-up after failed retries.
    pub fn load_level(&mut self, name: &str) -> StreamingResult<LevelId> {
        let id = self.find_level(name)?;
        self.changes.record(Change::Level(id));
        let level = &mut self.levels.levels[id.0 as usize];
        level.pinned = true;
        if level.gave_up {
            level.gave_up = false;
            level.failures = 0;
            level.retry_at = 0.0;
        }
        self.refresh_missing(id);
        self.mark_dirty(id);
        self.reconcile();
        self.finish_call();
        Ok(id)
    }

    /// Releases a manual pin. The level unloads unless a volume still wants it
    /// (volumes and manual loads are both reasons to keep a level; this
    /// removes the manual one).
    pub fn unload_level(&mut self, name: &str) -> StreamingResult<LevelId> {
        let id = self.find_level(name)?;
        self.changes.record(Change::Level(id));
        let level = &mut self.levels.levels[id.0 as usize];
        let was_wanted = level.wanted();
        level.pinned = false;
        if !level.wanted() {
            level.gave_up = false;
            level.failures = 0;
            if was_wanted {
                level.last_wanted_at = self.now;
            }
        }
        self.refresh_missing(id);
        self.mark_dirty(id);
        self.reconcile();
        self.finish_call();
        Ok(id)
    }

    /// Shows or hides a level by hand (UE: a level kept loaded but not
    /// visible, such as an interior). Hiding needs a level that is loading or
    /// in memory; showing needs the same. Otherwise the transition is
    /// refused with [`StreamingError::InvalidTransition`].
    pub fn set_level_visible(&mut self, name: &str, visible: bool) -> StreamingResult<()> {
        let id = self.find_level(name)?;
        let level = &mut self.levels.levels[id.0 as usize];
        let allowed = matches!(
            level.state,
            StreamingState::Loading
                | StreamingState::Loaded
                | StreamingState::Active
                | StreamingState::Hidden
        );
        if !allowed {
            return Err(StreamingError::InvalidTransition {
                level: level.name.clone(),
                from: level.state,
                to: if visible {
                    StreamingState::Active
                } else {
                    StreamingState::Hidden
                },
            });
        }
        level.hidden_by_host = !visible;
        self.changes.record(Change::Level(id));
        self.refresh_missing(id);
        self.mark_dirty(id);
        self.reconcile();
        self.finish_call();
        Ok(())
    }

    // ----- events -------------------------------------------------------

    /// Removes and returns the oldest queued event.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop()
    }

    /// Number of queued events.
    pub fn pending_event_count(&self) -> usize {
        self.events.len()
    }

    /// Events dropped because the queue was full.
    pub fn dropped_event_count(&self) -> u64 {
        self.events.dropped()
    }

    /// Calls `listener` synchronously for every event (of `filter`'s kind
    /// only, if given), on the thread that caused it. Events are still queued
    /// for polling as well.
    pub fn register_event_listener(
        &mut self,
        filter: Option<EventKind>,
        listener: impl FnMut(&Event) + Send + 'static,
    ) -> ListenerId {
        self.events.add_listener(filter, Box::new(listener))
    }

    /// Removes a listener; false if it was not registered.
    pub fn unregister_event_listener(&mut self, id: ListenerId) -> bool {
        self.events.remove_listener(id)
    }

    /// Sequence number the next event will get (for consumers that track
    /// what they have seen, like the C callback dispatcher).
    pub fn next_event_seq(&self) -> u64 {
        self.events.next_seq()
    }

    /// The oldest queued event with sequence number >= `seq`.
    pub fn queued_event_since(&self, seq: u64) -> Option<(u64, Event)> {
        self.events.first_since(seq)
    }

    /// True when no wanted level is missing.
    pub fn is_streaming_complete(&self) -> bool {
        self.missing == 0
    }

    /// Number of wanted levels not yet where they should be.
    pub fn missing_level_count(&self) -> usize {
        self.missing
    }

    // ----- internals ------------------------------------------------------

    fn backoff_after(&self, failures: u32) -> f64 {
        let exp = failures.saturating_sub(1).min(30) as i32;
        (self.config.retry_backoff_seconds * 2f64.powi(exp))
            .min(self.config.retry_backoff_max_seconds)
    }

    fn set_volume_wants(&mut self, level: LevelId, wants: bool) {
        self.changes.record(Change::Level(level));
        let l = &mut self.levels.levels[level.0 as usize];
        let was_wanted = l.wanted();
        if wants {
            l.want_count += 1;
        } else {
            l.want_count -= 1;
        }
        if was_wanted != l.wanted() {
            if !l.wanted() {
                // No longer wanted: a later want starts with fresh retries.
                l.gave_up = false;
                l.failures = 0;
                l.retry_at = 0.0;
                l.last_wanted_at = self.now;
            }
            self.refresh_missing(level);
            self.mark_dirty(level);
        }
    }

    fn mark_dirty(&mut self, level: LevelId) {
        let l = &mut self.levels.levels[level.0 as usize];
        if !l.queued {
            l.queued = true;
            self.dirty.push(level);
        }
    }

    fn refresh_missing(&mut self, level: LevelId) {
        let l = &mut self.levels.levels[level.0 as usize];
        let missing = l.is_missing();
        if missing != l.missing {
            l.missing = missing;
            if missing {
                self.missing += 1;
                self.incomplete = true;
            } else {
                self.missing -= 1;
            }
        }
    }

    fn change_state(&mut self, level: LevelId, to: StreamingState) {
        let l = &mut self.levels.levels[level.0 as usize];
        let from = l.state;
        if from == to {
            return;
        }
        l.state = to;
        self.changes.record(Change::Level(level));
        self.refresh_missing(level);
        self.events
            .emit(Event::LevelStateChanged { level, from, to });
        self.account_memory(level, from, to);
        if (from == StreamingState::Active) != (to == StreamingState::Active) {
            self.notify_loading_screens(level, to == StreamingState::Active);
        }
    }

    /// Emits StreamingComplete once all that was missing has arrived.
    fn finish_call(&mut self) {
        if self.incomplete && self.missing == 0 {
            self.incomplete = false;
            self.events.emit(Event::StreamingComplete);
        }
    }

    /// What level `id` needs next, if anything.
    fn desired_action(&self, id: LevelId) -> Option<RequestKind> {
        let l = &self.levels.levels[id.0 as usize];
        if l.outstanding.is_some() {
            return None;
        }
        let resident = l.should_be_resident();
        // Levels in a budget are cached when released: hidden but kept in
        // memory until the budget needs the room (see budgets.rs).
        let cached = !resident && l.budget.is_some() && !l.evict;
        match l.state {
            StreamingState::Unloaded if resident => Some(RequestKind::Load),
            StreamingState::Active if cached => Some(RequestKind::Hide),
            StreamingState::Loaded | StreamingState::Hidden if cached => None,
            StreamingState::Loaded | StreamingState::Hidden if !resident => {
                Some(RequestKind::Unload)
            }
            StreamingState::Active if !resident => Some(RequestKind::Unload),
            StreamingState::Loaded | StreamingState::Hidden if !l.hidden_by_host => {
                Some(RequestKind::MakeVisible)
            }
            StreamingState::Active if l.hidden_by_host => Some(RequestKind::Hide),
            _ => None,
        }
    }

    /// Ordering key of a request for level `id`: the most important of the
    /// level's priority and its wanting volumes' (a level that was never
    /// registered has no priority of its own: its volumes decide), and the
    /// nearest gap.
    fn ordering(&self, id: LevelId) -> (Priority, f64) {
        let l = &self.levels.levels[id.0 as usize];
        let mut volume_priority: Option<Priority> = None;
        let mut distance = f64::INFINITY;
        for vid in &l.volumes {
            if let Ok(v) = self.volumes.get(*vid) {
                if v.enabled {
                    distance = distance.min(v.distance);
                    if v.wants {
                        volume_priority =
                            Some(volume_priority.map_or(v.priority, |p| p.min(v.priority)));
                    }
                }
            }
        }
        let priority = match volume_priority {
            Some(p) if l.implicit => p,
            Some(p) => p.min(l.priority),
            None => l.priority,
        };
        (priority, distance)
    }

    /// Turns dirty levels into requests: unloads first (they free memory,
    /// least important and farthest first), then visibility changes, then
    /// loads by priority and distance under the in-flight cap. Levels that
    /// must wait (cap, cooldown, backoff) stay dirty for the next call.
    fn reconcile(&mut self) {
        if self.dirty.is_empty() {
            return;
        }
        let mut dirty = std::mem::take(&mut self.dirty);
        let mut candidates = std::mem::take(&mut self.scratch_candidates);
        candidates.clear();
        for id in dirty.drain(..) {
            self.levels.levels[id.0 as usize].queued = false;
            if let Some(kind) = self.desired_action(id) {
                let (priority, distance) = self.ordering(id);
                candidates.push(Candidate {
                    level: id,
                    kind,
                    priority,
                    distance,
                });
            }
        }
        self.dirty = dirty;
        candidates.sort_by(|a, b| {
            let class = |k: RequestKind| match k {
                RequestKind::Unload => 0,
                RequestKind::Hide => 1,
                RequestKind::MakeVisible | RequestKind::SetLod => 2,
                RequestKind::Load => 3,
            };
            class(a.kind).cmp(&class(b.kind)).then_with(|| {
                if a.kind == RequestKind::Unload {
                    b.priority
                        .cmp(&a.priority)
                        .then(b.distance.total_cmp(&a.distance))
                } else {
                    a.priority
                        .cmp(&b.priority)
                        .then(a.distance.total_cmp(&b.distance))
                }
                .then(a.level.cmp(&b.level))
            })
        });
        self.evict_over_critical_budgets();
        for c in &candidates {
            // Eviction above may already have issued something for this level.
            if self.desired_action(c.level) != Some(c.kind) {
                continue;
            }
            let level = &self.levels.levels[c.level.0 as usize];
            let waiting_backoff = level.failures > 0 && self.now < level.retry_at;
            let blocked = waiting_backoff
                || match c.kind {
                    RequestKind::Load => {
                        (self.config.max_loads_in_flight != 0
                            && self.loads_in_flight >= self.config.max_loads_in_flight)
                            || !self.make_room_for(c.level)
                    }
                    RequestKind::Unload => {
                        let cooldown = self.config.min_seconds_between_unloads;
                        cooldown > 0.0
                            && self.last_unload_at.is_some_and(|t| self.now - t < cooldown)
                    }
                    _ => false,
                };
            if blocked {
                self.mark_dirty(c.level);
            } else {
                self.issue(*c);
            }
        }
        candidates.clear();
        self.scratch_candidates = candidates;
    }

    fn issue(&mut self, c: Candidate) {
        let id = RequestId(self.next_request_id);
        self.next_request_id += 1;
        self.outstanding.insert(
            id,
            Outstanding {
                level: c.level,
                kind: c.kind,
                queued: true,
                issued_at: self.now,
            },
        );
        let level = &mut self.levels.levels[c.level.0 as usize];
        self.pending.push_back(Request {
            id,
            kind: c.kind,
            level: c.level,
            priority: c.priority,
            distance: c.distance,
            lod: level.current_lod(),
        });
        if c.kind == RequestKind::SetLod {
            // LOD requests ride alongside the state machine.
            return;
        }
        level.outstanding = Some(id);
        if c.kind == RequestKind::Load {
            level.deferred_reported = false;
        }
        match c.kind {
            RequestKind::Load => {
                self.loads_in_flight += 1;
                self.change_state(c.level, StreamingState::Loading);
            }
            RequestKind::Unload => {
                self.last_unload_at = Some(self.now);
                self.change_state(c.level, StreamingState::Unloading);
            }
            RequestKind::MakeVisible | RequestKind::Hide | RequestKind::SetLod => {}
        }
    }
}
