//! The performance report (seed `get_performance_report`): one serde
//! structure with metrics, memory and budgets, levels, occlusion and loading
//! screens, serialised to JSON for the C ABI and the dashboard.

use serde::Serialize;

use crate::core::level::LevelInfo;
use crate::core::loading_screen::LoadingScreen;
use crate::core::lod::LodLevel;
use crate::core::memory::MemoryStatus;
use crate::core::occlusion::{OcclusionData, OcclusionTotals};
use crate::core::profiler::{MetricStats, ProfilingMetric};
use crate::core::types::StreamingState;

use super::StreamingManager;

/// Statistics of one metric, with its name and unit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricReport {
    /// "FRAME_TIME", ...
    pub metric: ProfilingMetric,
    /// "ms", "MB", "MB/s" or "count".
    pub unit: &'static str,
    /// The statistics.
    #[serde(flatten)]
    pub stats: MetricStats,
}

/// One level in the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LevelReport {
    /// Everything about the level.
    #[serde(flatten)]
    pub info: LevelInfo,
    /// Its current LOD.
    pub current_lod: LodLevel,
}

/// A loading screen with its derived figures at report time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LoadingScreenReport {
    /// The screen.
    #[serde(flatten)]
    pub screen: LoadingScreen,
    /// Progress fraction, 0..1.
    pub progress: f64,
    /// Seconds since shown.
    pub elapsed_seconds: f64,
    /// Estimated seconds left, if known.
    pub eta_seconds: Option<f64>,
    /// The tip on screen now.
    pub current_tip: Option<String>,
}

/// Counts of levels per state.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StateCounts {
    /// UNLOADED.
    pub unloaded: usize,
    /// LOADING.
    pub loading: usize,
    /// LOADED.
    pub loaded: usize,
    /// ACTIVE.
    pub active: usize,
    /// UNLOADING.
    pub unloading: usize,
    /// HIDDEN.
    pub hidden: usize,
}

impl From<[usize; StreamingState::COUNT]> for StateCounts {
    /// From counts indexed by `state as usize` ([`StreamingState::tally`]).
    fn from(by_state: [usize; StreamingState::COUNT]) -> Self {
        let [unloaded, loading, loaded, active, unloading, hidden] = by_state;
        StateCounts {
            unloaded,
            loading,
            loaded,
            active,
            unloading,
            hidden,
        }
    }
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PerformanceReport {
    /// Library version.
    pub version: &'static str,
    /// Updates so far.
    pub frame: u64,
    /// Game time in seconds.
    pub time_seconds: f64,
    /// Frame-time target in ms.
    pub target_frame_time_ms: f64,
    /// Whether a performance warning is in force.
    pub performance_warning: bool,
    /// Every metric's statistics.
    pub metrics: Vec<MetricReport>,
    /// Memory and budgets.
    pub memory: MemoryStatus,
    /// Levels per state.
    pub level_states: StateCounts,
    /// Every level.
    pub levels: Vec<LevelReport>,
    /// Live streaming volumes.
    pub volume_count: usize,
    /// Load requests outstanding.
    pub loads_in_flight: u32,
    /// Requests issued, not yet taken.
    pub pending_requests: usize,
    /// Wanted levels not yet where they should be.
    pub missing_levels: usize,
    /// Occlusion statistics per level.
    pub occlusion: Vec<OcclusionData>,
    /// Occlusion totals.
    pub occlusion_totals: OcclusionTotals,
    /// Loading screens.
    pub loading_screens: Vec<LoadingScreenReport>,
    /// Events dropped because the queue was full.
    pub dropped_events: u64,
}

impl StreamingManager {
    /// Builds the performance report (seed `get_performance_report`).
    pub fn get_performance_report(&self) -> PerformanceReport {
        let levels: Vec<LevelReport> = self
            .levels()
            .map(|info| {
                let current_lod = info.lod.as_ref().map_or(LodLevel::Ultra, |l| l.current_lod);
                LevelReport { info, current_lod }
            })
            .collect();
        let counts = StateCounts::from(StreamingState::tally(levels.iter().map(|l| l.info.state)));
        PerformanceReport {
            version: crate::VERSION,
            frame: self.frame,
            time_seconds: self.now,
            target_frame_time_ms: self.profiler.config().target_frame_time_ms,
            performance_warning: self.profiler.is_performance_warning_active(),
            metrics: ProfilingMetric::ALL
                .iter()
                .map(|&metric| MetricReport {
                    metric,
                    unit: metric.unit(),
                    stats: self.profiler.get_metric_stats(metric),
                })
                .collect(),
            memory: self.get_memory_status(),
            level_states: counts,
            levels,
            volume_count: self.volumes.len(),
            loads_in_flight: self.loads_in_flight,
            pending_requests: self.pending.len(),
            missing_levels: self.missing.len(),
            occlusion: self.occlusion.iter().cloned().collect(),
            occlusion_totals: self.occlusion.totals(),
            loading_screens: self
                .loading_screens
                .iter()
                .map(|s| LoadingScreenReport {
                    progress: s.progress(),
                    elapsed_seconds: s.elapsed(self.now),
                    eta_seconds: s.eta_seconds(self.now),
                    current_tip: s.current_tip(self.now).map(str::to_string),
                    screen: s.clone(),
                })
                .collect(),
            dropped_events: self.events.dropped(),
        }
    }

    /// The performance report as JSON text.
    pub fn get_performance_report_json(&self) -> String {
        serde_json::to_string(&self.get_performance_report()).expect("the report always serialises")
    }
}
