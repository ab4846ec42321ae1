//! What the game thread copies for the dashboard: compact `Copy` records and
//! buffers that are reused from one snapshot to the next, so that a pump in
//! steady state copies a few bytes per level and volume and allocates
//! nothing. Names are copied once per new level or volume (they never
//! change), profiler samples only when new. Turning this into JSON is the
//! dashboard thread's job (`state.rs`).
//!
//! A snapshot is taken *incrementally*: each pump copies the next parts
//! (level rows, volume rows, budgets, occlusion, loading screens) until its
//! time budget is spent ([`Collector::step`], the clock is read every few
//! rows), so the time a frame pays is bounded whatever the size of the
//! world; when everything is copied, [`Collector::finish`] adds the
//! counters, the sources and the profiler's new samples and figures, all
//! read in the frame the snapshot is sent in (also when an earlier attempt
//! was [put back](Collector::put_back)), and the snapshot goes to the
//! dashboard thread. A large world therefore refreshes more slowly than the
//! configured rate; each row is consistent in itself, and rows are at most
//! one pass old.
//!
//! Only what changed crosses to the dashboard thread, because reading and
//! writing memory the other thread last touched is what costs most here:
//! levels and volumes are copied again only when the manager's change log
//! ([`crate::core::changes`]) names them, and a volume's distance to the
//! sources, which changes every frame, is recomputed by the dashboard thread
//! from the sources. A full copy happens at the start (in one pump: the
//! first snapshot is urgent) and, spread over frames, whenever the log has
//! moved on further than it keeps.
//!
//! A command from the dashboard copies everything at once.

use std::sync::Arc;

use crate::core::changes::Change;
use crate::core::loading_screen::LoadingScreen;
use crate::core::manager::LevelStatus;
use crate::core::memory::{BudgetId, MemoryBudget, MemoryState};
use crate::core::occlusion::{OcclusionData, OcclusionTotals};
use crate::core::profiler::ProfilingMetric;
use crate::core::request::RequestCounts;
use crate::core::{
    LevelId, Priority, StreamingManager, StreamingSource, StreamingVolume, Vec3, VolumeId,
};

/// One volume, without its name or its distance to the sources (which
/// changes every frame: the dashboard thread computes it from the sources
/// with the same formula, [`crate::core::volume::nearest_gap`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VolumeRow {
    /// Its id.
    pub id: VolumeId,
    /// The level it streams.
    pub level: LevelId,
    /// Centre.
    pub center: Vec3,
    /// Radius.
    pub radius: f64,
    /// Load distance.
    pub load_distance: f64,
    /// Unload distance.
    pub unload_distance: f64,
    /// Request priority.
    pub priority: Priority,
    /// Takes part in streaming.
    pub enabled: bool,
    /// Its current decision.
    pub wants: bool,
}

impl From<&StreamingVolume> for VolumeRow {
    fn from(v: &StreamingVolume) -> Self {
        VolumeRow {
            id: v.id,
            level: v.level,
            center: v.center,
            radius: v.radius,
            load_distance: v.load_distance,
            unload_distance: v.unload_distance,
            priority: v.priority,
            enabled: v.enabled,
            wants: v.wants,
        }
    }
}

/// One memory budget; `name` keeps its allocation between snapshots.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BudgetRow {
    /// Its id.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// Maximum in MB.
    pub max_memory_mb: f64,
    /// Its priority.
    pub priority: Priority,
    /// Warning threshold (fraction).
    pub warning_threshold: f64,
    /// Critical threshold (fraction).
    pub critical_threshold: f64,
    /// Memory held now, MB. (Its levels are the level rows whose `budget`
    /// is this one; the dashboard thread sums their memory.)
    pub current_usage_mb: f64,
    /// Its state.
    pub state: MemoryState,
    /// Evicting down to the warning threshold.
    pub evicting: bool,
}

impl BudgetRow {
    fn copy_from(&mut self, b: &MemoryBudget) {
        let BudgetId(id) = b.id;
        self.id = id;
        self.name.clone_from(&b.name);
        self.max_memory_mb = b.max_memory_mb;
        self.priority = b.priority;
        self.warning_threshold = b.warning_threshold;
        self.critical_threshold = b.critical_threshold;
        self.current_usage_mb = b.current_usage_mb;
        self.state = b.state;
        self.evicting = b.evicting;
    }
}

/// Profiler samples recorded since the previous snapshot, per metric.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewSamples {
    /// Oldest first.
    pub values: Vec<f64>,
    /// The profiler was reset since: forget earlier samples.
    pub reset: bool,
}

/// One copy of the manager's state, made on the game thread.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Updates so far.
    pub frame: u64,
    /// Game time, seconds.
    pub time_seconds: f64,
    /// Nothing wanted is missing.
    pub streaming_complete: bool,
    /// Wanted levels not yet where they should be.
    pub missing_levels: usize,
    /// Loads outstanding.
    pub loads_in_flight: u32,
    /// Requests issued, not taken.
    pub pending_requests: usize,
    /// Requests issued, not completed.
    pub outstanding_requests: usize,
    /// Requests issued since the start.
    pub requests_issued: u64,
    /// Requests issued, completed and failed since the start, by kind.
    pub request_counts: RequestCounts,
    /// Events the core's own queue dropped.
    pub core_events_dropped: u64,
    /// Names of every level, by id (shared between snapshots, replaced when
    /// a level is added).
    pub level_names: Arc<Vec<String>>,
    /// Number of levels (ids `0..level_count`).
    pub level_count: usize,
    /// Level rows that changed since the last pass (every level after a
    /// full copy), in copy order (a level may appear more than once; the
    /// last copy is the newest).
    pub level_rows: Vec<LevelStatus>,
    /// Names of volumes by id (removed ones keep their slot).
    pub volume_names: Arc<Vec<String>>,
    /// One more than the largest volume id.
    pub volume_bound: u32,
    /// True when `volume_rows` holds every live volume (a full copy);
    /// otherwise it holds the volumes that changed since the last pass.
    pub full_volumes: bool,
    /// Volume rows, in copy order (a volume may appear more than once; the
    /// last copy is the newest).
    pub volume_rows: Vec<VolumeRow>,
    /// Volumes removed since the last pass.
    pub removed_volumes: Vec<VolumeId>,
    /// Streaming sources of the last update.
    pub sources: Vec<StreamingSource>,
    /// Whether `budgets` and `unbudgeted_memory_mb` were copied in this
    /// pass (otherwise they are stale: nothing about budgets changed).
    pub budgets_changed: bool,
    /// Memory budgets.
    pub budgets: Vec<BudgetRow>,
    /// Memory held by levels in no budget, MB.
    pub unbudgeted_memory_mb: f64,
    /// New profiler samples per metric (in `ProfilingMetric` order).
    pub samples: [NewSamples; ProfilingMetric::COUNT],
    /// Lifetime sample count per metric.
    pub sample_counts: [u64; ProfilingMetric::COUNT],
    /// Lifetime sum of the samples per metric (the samples `sample_counts`
    /// counts).
    pub sample_sums: [f64; ProfilingMetric::COUNT],
    /// The profiler's window size.
    pub window_size: usize,
    /// Frame-time target, ms.
    pub target_frame_time_ms: f64,
    /// Performance warning in force.
    pub performance_warning: bool,
    /// Consecutive frames over target.
    pub frames_over_target: u32,
    /// Smoothed frame time the LOD rule sees, ms.
    pub smoothed_frame_time_ms: f64,
    /// Whether `occlusion` and `occlusion_totals` were copied in this pass
    /// (they are every few passes).
    pub occlusion_changed: bool,
    /// Occlusion statistics per level.
    pub occlusion: Vec<OcclusionData>,
    /// Occlusion totals.
    pub occlusion_totals: OcclusionTotals,
    /// Whether `loading_screens` was copied in this pass (when the change
    /// log named them; otherwise it is stale).
    pub screens_changed: bool,
    /// Loading screens (their elapsed time, ETA and tip follow from their
    /// fields and `time_seconds`).
    pub loading_screens: Vec<LoadingScreen>,
}

/// What [`Collector::finish`] consumed, committed once the snapshot is sent.
#[derive(Clone, Copy, Debug, Default)]
pub struct Mark {
    counts: [u64; ProfilingMetric::COUNT],
}

/// Where a pass is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Stage {
    /// No pass in progress.
    #[default]
    Idle,
    /// Full copy: every level row.
    Levels,
    /// Full copy: every volume row.
    Volumes,
    Budgets,
    Occlusion,
    Screens,
    /// Every part copied; `finish` adds the counters, the sources and the
    /// profiler figures and hands it out.
    Done,
}

/// Level rows copied between two looks at the clock in a full copy.
const LEVEL_CHUNK: usize = 4;
/// Volume rows copied between two looks at the clock in a full copy.
const VOLUME_CHUNK: usize = 8;
/// Change-log entries read between two looks at the clock.
const CHANGE_CHUNK: usize = 8;
/// Occlusion rows copied between two looks at the clock.
const OCCLUSION_CHUNK: usize = 8;
/// Occlusion statistics are copied every this many passes.
const OCCLUSION_EVERY: u64 = 4;

/// The game thread's memory between snapshots: the pass in progress, the
/// name tables, where it is in the change log and how many profiler samples
/// were already sent.
#[derive(Debug, Default)]
pub struct Collector {
    level_names: Arc<Vec<String>>,
    volume_names: Arc<Vec<String>>,
    sent_counts: [u64; ProfilingMetric::COUNT],
    /// The snapshot being filled, if a pass is in progress.
    current: Option<Box<Snapshot>>,
    stage: Stage,
    /// Next row (level or volume) of the current stage.
    cursor: usize,
    /// Next occlusion row to copy.
    occlusion_from: Option<LevelId>,
    /// Next change-log entry to read; `None` before the first full copy.
    changes_seq: Option<u64>,
    /// Levels that existed at the last finish (newer ones are copied then).
    known_levels: usize,
    /// The change log named the budgets since they were last copied.
    budgets_dirty: bool,
    /// The change log named the loading screens since they were last copied.
    screens_dirty: bool,
    /// Passes so far (occlusion is copied every few).
    passes: u64,
    /// The pass in progress is a full copy.
    full: bool,
    mark: Mark,
}

fn push_volume(snap: &mut Snapshot, manager: &StreamingManager, id: VolumeId) {
    match manager.volume(id) {
        Ok(v) => snap.volume_rows.push(VolumeRow::from(v)),
        Err(_) => snap.removed_volumes.push(id),
    }
}

impl Collector {
    /// Whether a pass is in progress (some parts copied, not yet sent).
    pub fn in_progress(&self) -> bool {
        self.stage != Stage::Idle
    }

    /// Copies the next parts of the snapshot, starting a pass in `buffer()`
    /// if none is in progress: first the levels and volumes the change log
    /// names since the last pump, then the other parts (or, for a full copy,
    /// every level and volume first) until everything is copied or `budget`
    /// is spent (the clock is read every few rows). `None` copies
    /// everything now. Returns true once the pass is complete: call
    /// [`finish`](Self::finish). Allocates only when the world grew.
    pub fn step(
        &mut self,
        manager: &StreamingManager,
        budget: Option<std::time::Duration>,
        buffer: impl FnOnce() -> Box<Snapshot>,
    ) -> bool {
        let started = budget.map(|b| (std::time::Instant::now(), b));
        let spent = || started.is_some_and(|(t, b)| t.elapsed() >= b);
        if self.stage == Stage::Idle {
            let mut snap = self.current.take().unwrap_or_else(buffer);
            snap.level_rows.clear();
            snap.volume_rows.clear();
            snap.removed_volumes.clear();
            snap.full_volumes = false;
            self.current = Some(snap);
            self.cursor = 0;
            self.occlusion_from = None;
            self.stage = Stage::Budgets;
            self.full = false;
            if self.changes_seq.is_none() || budget.is_none() {
                self.start_full_copy(manager);
            }
        }
        let Some(snap) = self.current.as_mut() else {
            return false;
        };
        // What changed since the last pump, a chunk at a time within the
        // budget (a burst, like every level changing LOD at once, is spread
        // over frames; the log keeps what is not read yet).
        while let Some(seq) = self.changes_seq {
            let mut budgets_changed = false;
            let mut screens_changed = false;
            let result =
                manager
                    .changes()
                    .since_at_most(seq, CHANGE_CHUNK, |change| match change {
                        Change::Level(id) => {
                            if let Some(status) = manager.level_status(id) {
                                snap.level_rows.push(status);
                            }
                        }
                        Change::Volume(id) => push_volume(snap, manager, id),
                        Change::Budgets => budgets_changed = true,
                        Change::LoadingScreens => screens_changed = true,
                    });
            self.budgets_dirty |= budgets_changed;
            self.screens_dirty |= screens_changed;
            match result {
                Ok(next) => {
                    self.changes_seq = Some(next);
                    if next == manager.changes().next_seq() || spent() {
                        break;
                    }
                }
                Err(_) => {
                    // Fell behind the log: copy everything again.
                    snap.level_rows.clear();
                    snap.volume_rows.clear();
                    snap.removed_volumes.clear();
                    self.start_full_copy(manager);
                    break;
                }
            }
        }
        let Some(snap) = self.current.as_mut() else {
            return false;
        };
        loop {
            match self.stage {
                Stage::Idle | Stage::Done => break,
                Stage::Levels => {
                    let count = manager.level_count();
                    let end = (self.cursor + LEVEL_CHUNK).min(count);
                    for i in self.cursor..end {
                        if let Some(status) = manager.level_status(LevelId(i as u32)) {
                            snap.level_rows.push(status);
                        }
                    }
                    self.cursor = end;
                    if end >= count {
                        self.cursor = 0;
                        self.stage = Stage::Volumes;
                    }
                }
                Stage::Volumes => {
                    let bound = manager.volume_id_bound() as usize;
                    let mut copied = 0;
                    while copied < VOLUME_CHUNK && self.cursor < bound {
                        if let Ok(v) = manager.volume(VolumeId(self.cursor as u32)) {
                            snap.volume_rows.push(VolumeRow::from(v));
                            copied += 1;
                        }
                        self.cursor += 1;
                    }
                    if self.cursor >= bound {
                        self.cursor = 0;
                        self.stage = Stage::Budgets;
                    }
                }
                Stage::Budgets => {
                    // Copied only when the change log says they changed.
                    snap.budgets_changed = self.budgets_dirty;
                    if self.budgets_dirty {
                        self.budgets_dirty = false;
                        let budgets = manager.memory_budgets();
                        snap.budgets.truncate(budgets.len());
                        for (i, b) in budgets.iter().enumerate() {
                            if i == snap.budgets.len() {
                                snap.budgets.push(BudgetRow::default());
                            }
                            snap.budgets[i].copy_from(b);
                        }
                        snap.unbudgeted_memory_mb = manager.unbudgeted_memory_mb();
                    }
                    // Occlusion figures are cumulative and change every
                    // frame the host reports them: refreshed every few passes.
                    self.passes += 1;
                    snap.occlusion_changed = self.passes % OCCLUSION_EVERY == 0 || self.full;
                    self.stage = if snap.occlusion_changed {
                        Stage::Occlusion
                    } else {
                        Stage::Screens
                    };
                }
                Stage::Occlusion => {
                    let stats = manager.occlusion();
                    if self.occlusion_from.is_none() {
                        snap.occlusion.clear();
                    }
                    let from = self.occlusion_from.unwrap_or(LevelId(0));
                    self.occlusion_from = None;
                    for (copied, d) in stats.iter_from(from).enumerate() {
                        if copied == OCCLUSION_CHUNK {
                            self.occlusion_from = Some(d.level);
                            break;
                        }
                        snap.occlusion.push(d.clone());
                    }
                    if self.occlusion_from.is_none() {
                        snap.occlusion_totals = stats.totals();
                        self.stage = Stage::Screens;
                    }
                }
                Stage::Screens => {
                    // Copied only when the change log named them (they are
                    // few; a clone allocates, but only on such a change).
                    snap.screens_changed = self.screens_dirty;
                    if self.screens_dirty {
                        self.screens_dirty = false;
                        snap.loading_screens.clear();
                        snap.loading_screens
                            .extend(manager.loading_screens().cloned());
                    }
                    self.stage = Stage::Done;
                }
            }
            if spent() {
                break;
            }
        }
        self.stage == Stage::Done
    }

    /// Turns the pass in progress into a full copy of every level and volume.
    fn start_full_copy(&mut self, manager: &StreamingManager) {
        self.changes_seq = Some(manager.changes().next_seq());
        self.full = true;
        self.budgets_dirty = true;
        self.screens_dirty = true;
        if let Some(snap) = self.current.as_mut() {
            snap.full_volumes = true;
        }
        self.cursor = 0;
        self.occlusion_from = None;
        self.stage = Stage::Levels;
    }

    /// Completes the pass: adds the counters, the sources, the profiler's
    /// samples not yet sent and its figures (all as they are now, in the
    /// frame the snapshot is sent in) and any new names, and hands the
    /// snapshot out with what it consumed. Call after [`step`](Self::step)
    /// returned true.
    pub fn finish(&mut self, manager: &StreamingManager) -> (Box<Snapshot>, Mark) {
        let mut snap = self.current.take().unwrap_or_default();
        self.stage = Stage::Idle;
        self.cursor = 0;
        snap.level_count = manager.level_count();
        snap.volume_bound = manager.volume_id_bound();
        // Levels registered since the last pass (their registration is in
        // the change log too; this covers a full copy that started earlier).
        for i in self.known_levels.min(snap.level_count)..snap.level_count {
            if let Some(status) = manager.level_status(LevelId(i as u32)) {
                snap.level_rows.push(status);
            }
        }
        self.known_levels = snap.level_count;
        Self::copy_counters(&mut snap, manager);
        self.copy_profiler(&mut snap, manager);

        if self.level_names.len() != manager.level_count() {
            let mut names = Vec::with_capacity(manager.level_count());
            names.extend(self.level_names.iter().cloned());
            for i in names.len()..manager.level_count() {
                let name = manager.level_name(LevelId(i as u32)).unwrap_or("?");
                names.push(name.to_string());
            }
            self.level_names = Arc::new(names);
        }
        if !Arc::ptr_eq(&snap.level_names, &self.level_names) {
            snap.level_names = Arc::clone(&self.level_names);
        }
        let bound = manager.volume_id_bound() as usize;
        if bound > self.volume_names.len() {
            let mut names: Vec<String> = self.volume_names.as_ref().clone();
            names.resize(bound, String::new());
            for v in manager.volumes() {
                if names[v.id.0 as usize].is_empty() {
                    names[v.id.0 as usize].clone_from(&v.name);
                }
            }
            self.volume_names = Arc::new(names);
        }
        if !Arc::ptr_eq(&snap.volume_names, &self.volume_names) {
            snap.volume_names = Arc::clone(&self.volume_names);
        }
        (snap, self.mark)
    }

    /// The counters and the sources, as they are now.
    fn copy_counters(snap: &mut Snapshot, manager: &StreamingManager) {
        snap.frame = manager.frame();
        snap.time_seconds = manager.now();
        snap.streaming_complete = manager.is_streaming_complete();
        snap.missing_levels = manager.missing_level_count();
        snap.loads_in_flight = manager.loads_in_flight();
        snap.pending_requests = manager.pending_request_count();
        snap.outstanding_requests = manager.outstanding_request_count();
        snap.requests_issued = manager.requests_issued();
        snap.request_counts = *manager.request_counts();
        snap.core_events_dropped = manager.dropped_event_count();
        snap.sources.clear();
        snap.sources.extend_from_slice(manager.sources());
    }

    /// The profiler's samples recorded since the last snapshot that reached
    /// the server (only metrics with new samples are copied; a few values
    /// per frame in steady state), its lifetime counts and sums, and its
    /// figures. Copied again from the same point when a put-back snapshot
    /// is finished again, so none is lost or sent twice.
    fn copy_profiler(&mut self, snap: &mut Snapshot, manager: &StreamingManager) {
        let profiler = manager.profiler();
        let window = profiler.config().window_size;
        for metric in ProfilingMetric::ALL {
            let i = metric as usize;
            let count = profiler.sample_count(metric);
            let sent = self.sent_counts[i];
            let new = &mut snap.samples[i];
            new.values.clear();
            new.reset = count < sent;
            let fresh = if new.reset { count } else { count - sent };
            if fresh > 0 {
                let n = usize::try_from(fresh).unwrap_or(usize::MAX).min(window);
                profiler.recent_samples(metric, n, |x| new.values.push(x));
            }
            snap.sample_counts[i] = count;
            snap.sample_sums[i] = profiler.sample_sum(metric);
            self.mark.counts[i] = count;
        }
        snap.window_size = window;
        snap.target_frame_time_ms = profiler.config().target_frame_time_ms;
        snap.performance_warning = profiler.is_performance_warning_active();
        snap.frames_over_target = profiler.frames_over_target();
        snap.smoothed_frame_time_ms = manager.smoothed_frame_time_ms();
    }

    /// Takes back a finished snapshot the dashboard thread had no room for:
    /// its parts are kept (later level rows are added to it), and the next
    /// [`step`](Self::step) and [`finish`](Self::finish) hand it out again
    /// with the counters, sources and profiler figures of that frame.
    pub fn put_back(&mut self, snap: Box<Snapshot>) {
        self.current = Some(snap);
        self.stage = Stage::Done;
    }

    /// Records that the snapshot finished with `mark` reached the server.
    pub fn commit(&mut self, mark: Mark) {
        self.sent_counts = mark.counts;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{LevelDesc, VolumeDesc};

    fn world() -> StreamingManager {
        let mut m = StreamingManager::default();
        m.register_level(&LevelDesc::new("Forest")).unwrap();
        m.create_streaming_volume(&VolumeDesc::new(
            "Forest_volume",
            "Forest",
            Vec3::new(0.0, 0.0, 0.0),
            200.0,
            300.0,
        ))
        .unwrap();
        m
    }

    /// The figures of a snapshot that must be those of the frame it is
    /// finished in.
    fn assert_of_this_frame(snap: &Snapshot, m: &StreamingManager) {
        assert_eq!(snap.frame, m.frame());
        assert_eq!(snap.time_seconds, m.now());
        assert_eq!(snap.streaming_complete, m.is_streaming_complete());
        assert_eq!(snap.missing_levels, m.missing_level_count());
        assert_eq!(snap.loads_in_flight, m.loads_in_flight());
        assert_eq!(snap.pending_requests, m.pending_request_count());
        assert_eq!(snap.outstanding_requests, m.outstanding_request_count());
        assert_eq!(snap.requests_issued, m.requests_issued());
        assert_eq!(snap.request_counts, *m.request_counts());
        assert_eq!(snap.sources, m.sources());
        let frame_time = ProfilingMetric::FrameTime;
        assert_eq!(
            snap.sample_counts[frame_time as usize],
            m.profiler().sample_count(frame_time)
        );
        assert_eq!(
            snap.performance_warning,
            m.profiler().is_performance_warning_active()
        );
    }

    #[test]
    fn a_snapshot_put_back_goes_out_with_the_figures_of_the_frame_it_is_sent_in() {
        let mut m = world();
        let mut collector = Collector::default();
        m.update(&[StreamingSource::at(Vec3::new(5000.0, 0.0, 0.0))], 0.1)
            .unwrap();
        m.profile_frame(10.0, 0.0, 0, 0).unwrap();
        assert!(collector.step(&m, None, Box::default));
        let (snap, _) = collector.finish(&m);
        assert_of_this_frame(&snap, &m);
        // The dashboard thread had no room for it.
        collector.put_back(snap);

        // Frames go by before the next try: the source comes near, a load
        // is issued, frame times are recorded.
        for _ in 0..3 {
            m.update(&[StreamingSource::at(Vec3::new(0.0, 0.0, 0.0))], 0.1)
                .unwrap();
            m.profile_frame(12.0, 0.0, 0, 0).unwrap();
        }
        assert!(m.requests_issued() > 0);
        let budget = Some(std::time::Duration::from_secs(1));
        assert!(collector.step(&m, budget, Box::default));
        let (snap, mark) = collector.finish(&m);
        assert_of_this_frame(&snap, &m);
        // Every frame time not yet sent is in it.
        assert_eq!(snap.samples[0].values, [10.0, 12.0, 12.0, 12.0]);
        collector.commit(mark);

        // The next pass, spread over frames, is also of the frame it ends in.
        m.update(&[StreamingSource::at(Vec3::new(50.0, 0.0, 0.0))], 0.1)
            .unwrap();
        m.profile_frame(14.0, 0.0, 0, 0).unwrap();
        let mut steps = 0;
        while !collector.step(&m, Some(std::time::Duration::ZERO), Box::default) {
            steps += 1;
            assert!(steps < 100, "the pass never ends");
            m.update(&[StreamingSource::at(Vec3::new(60.0, 0.0, 0.0))], 0.1)
                .unwrap();
            m.profile_frame(16.0, 0.0, 0, 0).unwrap();
        }
        let (snap, _) = collector.finish(&m);
        assert_of_this_frame(&snap, &m);
    }
}
