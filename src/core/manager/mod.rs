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
mod sources;
mod status;

use std::collections::{HashMap, VecDeque};

use super::changes::{Change, ChangeLog};
use super::config::StreamingConfig;
use super::error::{check_non_negative, StreamingError, StreamingResult};
use super::events::{Event, EventHub, EventKind, ListenerId};
use super::level::{Level, LevelDesc, LevelInfo, LevelTable};
use super::loading_screen::{LoadingScreenId, LoadingScreens};
use super::memory::BudgetTable;
use super::occlusion::{OcclusionCostModel, OcclusionStats};
use super::profiler::Profiler;
use super::request::{Request, RequestCounts, RequestKind};
use super::types::{
    AuthoredSource, LevelId, Priority, RequestId, StreamingSource, StreamingState, Vec3, VolumeId,
};
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

/// How important a request for a level is and how near it is.
#[derive(Clone, Copy, Debug)]
struct OrderKey {
    /// The most important source the level is nearest to.
    source_priority: Priority,
    /// The level's effective priority.
    priority: Priority,
    /// Gap weighted by the angle to the source's direction of travel.
    weighted: f64,
    /// Plain nearest gap.
    distance: f64,
}

/// Extra weight of a gap straight behind a moving source (a level ahead
/// counts its gap, one behind counts it `1 + ANGLE_WEIGHT` times).
const ANGLE_WEIGHT: f64 = 1.0;

/// An action the reconciler wants to issue, with its ordering key.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    level: LevelId,
    kind: RequestKind,
    key: OrderKey,
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
    /// Wanted levels not yet where they should be (swap-remove list; each
    /// level knows its position).
    missing: Vec<LevelId>,
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
    /// Open `stream_around` requests.
    stream_requests: Vec<sources::StreamRequest>,
    next_stream_handle: u32,
    /// Slow-streaming state per source index.
    source_states: Vec<super::events::SourceStreamingState>,
    /// Exponential moving average of recorded frame times (ms), for LOD.
    smoothed_frame_time_ms: f64,
    smoothed_frame_samples: u64,
    /// Lifetime request counters per kind.
    request_counts: RequestCounts,
    /// Sources authored with the world (kept for the host, saved with it).
    authored_sources: Vec<AuthoredSource>,
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
            missing: Vec::new(),
            stream_requests: Vec::new(),
            next_stream_handle: 1,
            source_states: Vec::new(),
            incomplete: false,
            now: 0.0,
            frame: 0,
            request_counts: RequestCounts::default(),
            authored_sources: Vec::new(),
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
        let (id, adopted) = self.levels.register(desc)?;
        if adopted {
            // An implicit level may already hold memory: the new estimate
            // goes through the budget accounting like a measured size.
            self.set_level_memory(id, desc.estimated_memory_mb);
        }
        self.changes.record(Change::Level(id));
        Ok(id)
    }

    /// The id of the level named `name`.
    pub fn find_level(&self, name: &str) -> StreamingResult<LevelId> {
        self.levels.id_of(name)
    }

    /// True when level `id` was registered by the host (or a world file),
    /// false when it exists only because a volume named it. Registering a
    /// level of the second kind adopts it; registering one of the first kind
    /// again is a duplicate.
    pub fn is_level_registered(&self, id: LevelId) -> StreamingResult<bool> {
        Ok(!self.levels.get(id)?.implicit)
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
        Ok(level.info(id, self.level_distance(id)))
    }

    /// Views of all levels, in id order.
    pub fn levels(&self) -> impl Iterator<Item = LevelInfo> + '_ {
        self.levels
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| l.info(LevelId(i as u32), self.level_distance(LevelId(i as u32))))
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
        let wanted = self.volumes.set_enabled(id, enabled)?;
        self.changes.record(Change::Volume(id));
        if !enabled && wanted {
            let level = self.volumes.get(id)?.level;
            self.set_volume_wants(level, false);
            self.reconcile();
            self.finish_call();
        }
        Ok(())
    }

    /// Moves a volume. It keeps its decision until the next update applies
    /// the wanting rule at its new place.
    pub fn move_streaming_volume(&mut self, id: VolumeId, center: Vec3) -> StreamingResult<()> {
        if !center.is_finite() {
            return Err(StreamingError::NonFiniteValue { what: "center" });
        }
        let v = self.volumes.get(id)?;
        let (radius, load, unload) = (v.radius, v.load_distance, v.unload_distance);
        self.volumes
            .set_geometry(id, center, radius, load, unload)?;
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
        let center = self.volumes.get(id)?.center;
        self.volumes
            .set_geometry(id, center, radius, load, unload)?;
        self.changes.record(Change::Volume(id));
        Ok(())
    }

    /// The gap of the wanting rule between volume `id` and the nearest
    /// source of the last update (0 inside it; infinity without sources).
    pub fn volume_gap(&self, id: VolumeId) -> StreamingResult<f64> {
        let v = self.volumes.get(id)?;
        Ok(super::volume::nearest_gap(
            &self.sources,
            &v.center,
            v.radius,
        ))
    }

    /// Approximate heap memory of the spatial index, in bytes.
    pub fn index_memory_bytes(&self) -> usize {
        self.volumes.index_memory_bytes()
    }

    /// Lays the spatial index out again in grid order, keeping every
    /// decision (see [`WantingIndex::compact`](super::spatial::WantingIndex::compact)).
    /// Volumes registered one at a time sit in memory in the order they came;
    /// a host that has just registered its world calls this once so that
    /// re-anchoring a source reads memory in order. The index also does it
    /// by itself as volumes accumulate. About 100 ms per million volumes.
    pub fn compact_spatial_index(&mut self) {
        self.volumes.compact_index();
    }

    // ----- authored sources ---------------------------------------------

    /// Adds a source authored with the world (see [`AuthoredSource`]). Its
    /// name must be unique and its position and velocity finite.
    pub fn add_authored_source(&mut self, source: AuthoredSource) -> StreamingResult<()> {
        super::error::check_name("source", &source.name)?;
        if !source.source.position.is_finite() {
            return Err(StreamingError::NonFiniteValue {
                what: "source position",
            });
        }
        if !source.source.velocity.is_finite() {
            return Err(StreamingError::NonFiniteValue {
                what: "source velocity",
            });
        }
        if self.find_authored_source(&source.name).is_some() {
            return Err(StreamingError::DuplicateName {
                kind: "source",
                name: source.name,
            });
        }
        self.authored_sources.push(source);
        Ok(())
    }

    /// The authored source named `name`.
    pub fn find_authored_source(&self, name: &str) -> Option<&AuthoredSource> {
        self.authored_sources.iter().find(|s| s.name == name)
    }

    /// All authored sources, in the order they were added.
    pub fn authored_sources(&self) -> &[AuthoredSource] {
        &self.authored_sources
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
            check_non_negative("source look_ahead_seconds", source.look_ahead_seconds)?;
            if !source.predicted_position().is_finite() {
                return Err(StreamingError::NonFiniteValue {
                    what: "source predicted position",
                });
            }
        }
        self.now += dt_seconds;
        self.frame += 1;
        self.detect_teleports(sources);
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
        self.update_source_states();
        self.finish_call();
        Ok(())
    }

    /// Hands out up to `max` issued requests in the order they were issued
    /// (each update's or completion's batch is ordered by priority). Each
    /// must be completed exactly once.
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

    /// Lifetime counts of requests issued, completed and failed, per kind.
    pub fn request_counts(&self) -> &RequestCounts {
        &self.request_counts
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
        let legal = to == from || from.can_transition_to(to);
        if !legal {
            return Err(StreamingError::InvalidTransition {
                level: level.name.clone(),
                from,
                to,
            });
        }

        // Validated: from here on the completion is applied in full.
        self.outstanding.remove(&id);
        self.request_counts.completed[o.kind.index()] += 1;
        if !success {
            self.request_counts.failed[o.kind.index()] += 1;
        }
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
        self.change_wanting(id, |level| {
            level.pinned = true;
            // A manual load retries even a level already wanted and given up on.
            if level.gave_up {
                level.gave_up = false;
                level.failures = 0;
                level.retry_at = 0.0;
            }
        });
        self.reexamine(id);
        self.reconcile();
        self.finish_call();
        Ok(id)
    }

    /// Releases a manual pin. The level unloads unless a volume still wants it
    /// (volumes and manual loads are both reasons to keep a level; this
    /// removes the manual one).
    pub fn unload_level(&mut self, name: &str) -> StreamingResult<LevelId> {
        let id = self.find_level(name)?;
        self.change_wanting(id, |level| level.pinned = false);
        self.reexamine(id);
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
        self.reexamine(id);
        self.reconcile();
        self.finish_call();
        Ok(())
    }

    // ----- events -------------------------------------------------------

    /// Removes and returns the oldest queued event.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop()
    }

    /// Removes and returns the oldest queued event if its sequence number
    /// is below `limit` (see [`next_event_seq`](Self::next_event_seq)).
    pub fn poll_event_before(&mut self, limit: u64) -> Option<Event> {
        self.events.pop_before(limit)
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
        self.missing.is_empty()
    }

    /// Number of wanted levels not yet where they should be.
    pub fn missing_level_count(&self) -> usize {
        self.missing.len()
    }

    // ----- internals ------------------------------------------------------

    fn backoff_after(&self, failures: u32) -> f64 {
        let exp = failures.saturating_sub(1).min(30) as i32;
        (self.config.retry_backoff_seconds * 2f64.powi(exp))
            .min(self.config.retry_backoff_max_seconds)
    }

    fn set_volume_wants(&mut self, level: LevelId, wants: bool) {
        let flipped = self.change_wanting(level, |l| {
            if wants {
                l.want_count += 1;
            } else {
                l.want_count -= 1;
            }
        });
        // Only a flip changes what the level needs.
        if flipped {
            self.reexamine(level);
        }
    }

    /// Applies `change` to the reasons level `id` is wanted (a pin, volume
    /// wants, `stream_around` pins) and logs it for the dashboard. When the
    /// level starts or stops being wanted, retries start fresh (a later want
    /// does not inherit a give-up) and an ended want is timestamped for cache
    /// eviction. Returns whether it started or stopped being wanted; the
    /// caller re-examines the level ([`reexamine`](Self::reexamine)), always
    /// after a host's call, which may change more than the wanting (a manual
    /// load clears a give-up of a level that stays wanted).
    fn change_wanting(&mut self, id: LevelId, change: impl FnOnce(&mut Level)) -> bool {
        self.changes.record(Change::Level(id));
        let l = &mut self.levels.levels[id.0 as usize];
        let was_wanted = l.wanted();
        change(l);
        let flipped = was_wanted != l.wanted();
        if flipped {
            l.gave_up = false;
            l.failures = 0;
            l.retry_at = 0.0;
            if was_wanted {
                l.last_wanted_at = self.now;
            }
        }
        flipped
    }

    /// Level `level` may need something else now: updates whether it is
    /// missing and queues it for the next [`reconcile`](Self::reconcile).
    fn reexamine(&mut self, level: LevelId) {
        self.refresh_missing(level);
        self.mark_dirty(level);
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
        match (missing, l.missing) {
            (true, None) => {
                l.missing = Some(self.missing.len() as u32);
                self.missing.push(level);
                self.incomplete = true;
            }
            (false, Some(pos)) => {
                l.missing = None;
                self.missing.swap_remove(pos as usize);
                if let Some(moved) = self.missing.get(pos as usize) {
                    self.levels.levels[moved.0 as usize].missing = Some(pos);
                }
            }
            _ => {}
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
        self.check_stream_requests();
        if self.incomplete && self.missing.is_empty() {
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

    /// Ordering key of a request for level `id`, like World Partition but
    /// looking ahead: first the priority of the most important source that
    /// is nearest to it, then the level's priority (the most important of
    /// its own and its wanting volumes'; a level never registered takes its
    /// volumes'), then the gap weighted by the angle to that source's
    /// direction of travel, so what lies ahead loads first.
    fn order_key(&self, id: LevelId) -> OrderKey {
        let l = &self.levels.levels[id.0 as usize];
        let mut volume_priority: Option<Priority> = None;
        let mut best: Option<(Priority, f64)> = None;
        let mut distance = f64::INFINITY;
        for vid in &l.volumes {
            let Ok(v) = self.volumes.get(*vid) else {
                continue;
            };
            if !v.enabled {
                continue;
            }
            if v.wants {
                volume_priority = Some(volume_priority.map_or(v.priority, |p| p.min(v.priority)));
            }
            for source in &self.sources {
                let gap = super::volume::source_shape(source).gap(&v.geom());
                distance = distance.min(gap);
                let speed = source.velocity.length();
                let to = Vec3::new(
                    v.center.x - source.position.x,
                    v.center.y - source.position.y,
                    v.center.z - source.position.z,
                );
                let len = to.length();
                let cos = if speed > 0.0 && len > 0.0 {
                    (source.velocity.x * to.x + source.velocity.y * to.y + source.velocity.z * to.z)
                        / (speed * len)
                } else {
                    1.0
                };
                let weighted = gap * (1.0 + ANGLE_WEIGHT * (1.0 - cos.clamp(-1.0, 1.0)) / 2.0);
                let key = (source.priority, weighted);
                if best.is_none_or(|b| key.0 < b.0 || (key.0 == b.0 && key.1 < b.1)) {
                    best = Some(key);
                }
            }
        }
        let priority = match volume_priority {
            Some(p) if l.implicit => p,
            Some(p) => p.min(l.priority),
            None => l.priority,
        };
        let (source_priority, weighted) = best.unwrap_or((Priority::Background, f64::INFINITY));
        OrderKey {
            source_priority,
            priority,
            weighted,
            distance,
        }
    }

    /// The gap from the nearest source to the nearest enabled volume of
    /// level `id` (what LOD and level info need: not the whole ordering key).
    fn level_distance(&self, id: LevelId) -> f64 {
        self.levels.levels[id.0 as usize]
            .volumes
            .iter()
            .filter_map(|vid| self.volumes.get(*vid).ok())
            .filter(|v| v.enabled)
            .map(|v| super::volume::nearest_gap(&self.sources, &v.center, v.radius))
            .fold(f64::INFINITY, f64::min)
    }

    fn candidate(&self, level: LevelId, kind: RequestKind) -> Candidate {
        Candidate {
            level,
            kind,
            key: self.order_key(level),
        }
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
                candidates.push(self.candidate(id, kind));
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
            let kind_a = a.kind;
            let (level_a, level_b) = (a.level, b.level);
            class(a.kind).cmp(&class(b.kind)).then_with(|| {
                let (a, b) = (&a.key, &b.key);
                if kind_a == RequestKind::Unload {
                    b.priority
                        .cmp(&a.priority)
                        .then(b.distance.total_cmp(&a.distance))
                } else {
                    a.source_priority
                        .cmp(&b.source_priority)
                        .then(a.priority.cmp(&b.priority))
                        .then(a.weighted.total_cmp(&b.weighted))
                }
                .then(level_a.cmp(&level_b))
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
        self.request_counts.issued[c.kind.index()] += 1;
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
            priority: c.key.priority,
            distance: c.key.distance,
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
