//! What the game thread copies for the dashboard: compact `Copy` records and
//! buffers that are reused from one snapshot to the next, so that a pump in
//! steady state copies a few bytes per level and volume and allocates
//! nothing. Names are copied once per new level or volume (they never
//! change), profiler samples only when new. Turning this into JSON is the
//! dashboard thread's job (`state.rs`).

use std::sync::Arc;

use crate::core::loading_screen::LoadingScreen;
use crate::core::manager::LevelStatus;
use crate::core::memory::{BudgetId, MemoryBudget, MemoryState};
use crate::core::occlusion::{OcclusionData, OcclusionTotals};
use crate::core::profiler::ProfilingMetric;
use crate::core::{
    LevelId, Priority, StreamingManager, StreamingSource, StreamingVolume, Vec3, VolumeId,
};

/// One volume, without its name.
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

/// One memory budget; `name` and `levels` keep their allocations between
/// snapshots.
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
    /// Memory held now, MB.
    pub current_usage_mb: f64,
    /// Levels allocated to it with their MB.
    pub levels: Vec<(LevelId, f64)>,
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
        self.levels.clone_from(&b.allocated_levels);
        self.state = b.state;
        self.evicting = b.evicting;
    }
}

/// One loading screen; strings and vectors keep their allocations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScreenRow {
    /// Id.
    pub id: u32,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Assets (or bound levels) to load.
    pub total_assets: u32,
    /// Loaded so far.
    pub assets_loaded: u32,
    /// Shown now.
    pub visible: bool,
    /// Progress fraction 0..1.
    pub progress: f64,
    /// Seconds since shown.
    pub elapsed_seconds: f64,
    /// Estimated seconds left.
    pub eta_seconds: Option<f64>,
    /// Index of the tip on screen now.
    pub current_tip: Option<usize>,
    /// Tips.
    pub tips: Vec<String>,
    /// Bound levels.
    pub bound_levels: Vec<LevelId>,
    /// Which bound levels are active.
    pub bound_levels_done: Vec<bool>,
    /// Hid itself when its levels were active.
    pub auto_hidden: bool,
}

impl ScreenRow {
    fn copy_from(&mut self, s: &LoadingScreen, now: f64) {
        self.id = s.id.0;
        self.title.clone_from(&s.title);
        self.description.clone_from(&s.description);
        self.total_assets = s.total_assets;
        self.assets_loaded = s.assets_loaded;
        self.visible = s.visible;
        self.progress = s.progress();
        self.elapsed_seconds = s.elapsed(now);
        self.eta_seconds = s.eta_seconds(now);
        self.current_tip = s
            .current_tip(now)
            .and_then(|tip| s.tips.iter().position(|t| t == tip));
        self.tips.clone_from(&s.tips);
        self.bound_levels.clone_from(&s.bound_levels);
        self.bound_levels_done.clone_from(&s.bound_levels_done);
        self.auto_hidden = s.auto_hidden;
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
    /// Events the core's own queue dropped.
    pub core_events_dropped: u64,
    /// Names of every level, by id (shared between snapshots, replaced when
    /// a level is added).
    pub level_names: Arc<Vec<String>>,
    /// Every level.
    pub levels: Vec<LevelStatus>,
    /// Names of volumes by id (removed ones keep their slot).
    pub volume_names: Arc<Vec<String>>,
    /// Live volumes.
    pub volumes: Vec<VolumeRow>,
    /// Streaming sources of the last update.
    pub sources: Vec<StreamingSource>,
    /// Memory budgets.
    pub budgets: Vec<BudgetRow>,
    /// Memory held by levels in no budget, MB.
    pub unbudgeted_memory_mb: f64,
    /// New profiler samples per metric (in `ProfilingMetric` order).
    pub samples: [NewSamples; ProfilingMetric::COUNT],
    /// Lifetime sample count per metric.
    pub sample_counts: [u64; ProfilingMetric::COUNT],
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
    /// Occlusion statistics per level.
    pub occlusion: Vec<OcclusionData>,
    /// Occlusion totals.
    pub occlusion_totals: OcclusionTotals,
    /// Loading screens.
    pub loading_screens: Vec<ScreenRow>,
}

/// What [`Collector::fill`] consumed, committed once the snapshot is sent.
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    counts: [u64; ProfilingMetric::COUNT],
}

/// The game thread's memory between snapshots: the name tables and how many
/// profiler samples were already sent.
#[derive(Debug, Default)]
pub struct Collector {
    level_names: Arc<Vec<String>>,
    volume_names: Arc<Vec<String>>,
    sent_counts: [u64; ProfilingMetric::COUNT],
}

impl Collector {
    /// Copies `manager` into `snap`, reusing its buffers. Allocates only
    /// when the world grew (a new level, volume, budget, ...).
    pub fn fill(&mut self, snap: &mut Snapshot, manager: &StreamingManager) -> Mark {
        snap.frame = manager.frame();
        snap.time_seconds = manager.now();
        snap.streaming_complete = manager.is_streaming_complete();
        snap.missing_levels = manager.missing_level_count();
        snap.loads_in_flight = manager.loads_in_flight();
        snap.pending_requests = manager.pending_request_count();
        snap.outstanding_requests = manager.outstanding_request_count();
        snap.requests_issued = manager.requests_issued();
        snap.core_events_dropped = manager.dropped_event_count();

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
        snap.levels.clear();
        snap.levels.extend(manager.level_statuses());

        let max_volume = manager
            .volumes()
            .map(|v| v.id.0 as usize + 1)
            .max()
            .unwrap_or(0);
        if max_volume > self.volume_names.len() {
            let mut names: Vec<String> = self.volume_names.as_ref().clone();
            names.resize(max_volume, String::new());
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
        snap.volumes.clear();
        snap.volumes.extend(manager.volumes().map(VolumeRow::from));
        snap.sources.clear();
        snap.sources.extend_from_slice(manager.sources());

        let budgets = manager.memory_budgets();
        snap.budgets.truncate(budgets.len());
        for (i, b) in budgets.iter().enumerate() {
            if i == snap.budgets.len() {
                snap.budgets.push(BudgetRow::default());
            }
            snap.budgets[i].copy_from(b);
        }
        snap.unbudgeted_memory_mb = manager.unbudgeted_memory_mb();

        let profiler = manager.profiler();
        let window = profiler.config().window_size;
        let mut mark = Mark {
            counts: [0; ProfilingMetric::COUNT],
        };
        for metric in ProfilingMetric::ALL {
            let i = metric as usize;
            let count = profiler.sample_count(metric);
            let sent = self.sent_counts[i];
            let new = &mut snap.samples[i];
            new.values.clear();
            new.reset = count < sent;
            let fresh = if new.reset { count } else { count - sent };
            let n = usize::try_from(fresh).unwrap_or(usize::MAX).min(window);
            profiler.recent_samples(metric, n, |x| new.values.push(x));
            snap.sample_counts[i] = count;
            mark.counts[i] = count;
        }
        snap.window_size = window;
        snap.target_frame_time_ms = profiler.config().target_frame_time_ms;
        snap.performance_warning = profiler.is_performance_warning_active();
        snap.frames_over_target = profiler.frames_over_target();
        snap.smoothed_frame_time_ms = manager.smoothed_frame_time_ms();

        snap.occlusion.clear();
        snap.occlusion.extend(manager.occlusion().iter().cloned());
        snap.occlusion_totals = manager.occlusion().totals();

        let now = manager.now();
        let mut n = 0;
        for screen in manager.loading_screens() {
            if n == snap.loading_screens.len() {
                snap.loading_screens.push(ScreenRow::default());
            }
            snap.loading_screens[n].copy_from(screen, now);
            n += 1;
        }
        snap.loading_screens.truncate(n);
        mark
    }

    /// Records that the snapshot filled with `mark` reached the server.
    pub fn commit(&mut self, mark: Mark) {
        self.sent_counts = mark.counts;
    }
}
