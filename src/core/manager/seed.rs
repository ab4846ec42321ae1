//! The profiler, occlusion statistics and loading screens, wired to the
//! manager's clock, levels and events.

use crate::core::error::{StreamingError, StreamingResult};
use crate::core::events::Event;
use crate::core::loading_screen::{LoadingScreen, LoadingScreenId};
use crate::core::occlusion::{OcclusionData, OcclusionStats, OcclusionType};
use crate::core::profiler::{MetricStats, PerformanceSignal, Profiler, ProfilingMetric};
use crate::core::types::{LevelId, StreamingState};

use super::StreamingManager;

/// Weight of a new frame in the smoothed frame time used by LOD decisions
/// (an exponential moving average: about the last 10 frames count).
const FRAME_TIME_SMOOTHING: f64 = 0.1;

impl StreamingManager {
    // ----- profiler -----------------------------------------------------

    /// Records one sample of a metric (seed `record_metric`). O(1), no allocation.
    pub fn record_metric(&mut self, metric: ProfilingMetric, value: f64) -> StreamingResult<()> {
        self.profiler.record_metric(metric, value)?;
        if metric == ProfilingMetric::FrameTime {
            self.smooth_frame_time(value);
        }
        Ok(())
    }

    /// Records a frame (seed `profile_frame`, C `lsm_record_frame`): frame
    /// time, memory, draw calls and triangles. Raises PerformanceWarning when
    /// the frame time stayed over target for the configured number of
    /// frames, and PerformanceRecovered when it came back. O(1), no
    /// allocation; invalid values change nothing.
    pub fn profile_frame(
        &mut self,
        frame_time_ms: f64,
        memory_mb: f64,
        draw_calls: u32,
        triangles: u64,
    ) -> StreamingResult<()> {
        let signal =
            self.profiler
                .profile_frame(frame_time_ms, memory_mb, draw_calls, triangles)?;
        self.smooth_frame_time(frame_time_ms);
        match signal {
            Some(PerformanceSignal::Warning {
                frame_time_ms,
                target_ms,
                consecutive_frames,
            }) => self.events.emit(Event::PerformanceWarning {
                frame_time_ms,
                target_ms,
                consecutive_frames,
            }),
            Some(PerformanceSignal::Recovered {
                target_ms,
                consecutive_frames,
            }) => self.events.emit(Event::PerformanceRecovered {
                target_ms,
                consecutive_frames,
            }),
            None => {}
        }
        Ok(())
    }

    /// Window and lifetime statistics of a metric (seed `get_metric_stats`).
    pub fn get_metric_stats(&self, metric: ProfilingMetric) -> MetricStats {
        self.profiler.get_metric_stats(metric)
    }

    /// The frame profiler.
    pub fn profiler(&self) -> &Profiler {
        &self.profiler
    }

    /// Changes the frame-time target (ms) of performance warnings and LOD.
    pub fn set_target_frame_time(&mut self, ms: f64) -> StreamingResult<()> {
        self.profiler.set_target_frame_time(ms)
    }

    /// Frame time smoothed over the last frames (ms), as LOD decisions see it.
    pub fn smoothed_frame_time_ms(&self) -> f64 {
        self.smoothed_frame_time_ms
    }

    fn smooth_frame_time(&mut self, value: f64) {
        self.smoothed_frame_time_ms = if self.smoothed_frame_samples == 0 {
            value
        } else {
            self.smoothed_frame_time_ms
                + FRAME_TIME_SMOOTHING * (value - self.smoothed_frame_time_ms)
        };
        self.smoothed_frame_samples += 1;
    }

    /// Feeds ASSET_LOAD_TIME and STREAMING_BANDWIDTH from a completed load
    /// that took `seconds` of game time.
    pub(super) fn record_load_metrics(&mut self, level: LevelId, seconds: f64) {
        let memory_mb = self.levels.levels[level.0 as usize].memory_mb;
        // Values come from our own clock and sizes, so they are valid.
        let _ = self
            .profiler
            .record_metric(ProfilingMetric::AssetLoadTime, seconds * 1000.0);
        if seconds > 0.0 {
            let _ = self
                .profiler
                .record_metric(ProfilingMetric::StreamingBandwidth, memory_mb / seconds);
        }
    }

    // ----- occlusion ------------------------------------------------------

    /// Starts occlusion statistics for a level (seed `create_occlusion_data`).
    pub fn create_occlusion_data(
        &mut self,
        level_name: &str,
        occlusion_type: OcclusionType,
    ) -> StreamingResult<OcclusionData> {
        let id = self.find_level(level_name)?;
        Ok(self
            .occlusion
            .create_occlusion_data(id, level_name, occlusion_type)?
            .clone())
    }

    /// Records this frame's visible and occluded actor counts for a level
    /// and returns the efficiency, occluded / total (seed `update_occlusion`).
    pub fn update_occlusion(
        &mut self,
        level_name: &str,
        visible_actors: u32,
        occluded_actors: u32,
    ) -> StreamingResult<f64> {
        let id = self.find_level(level_name)?;
        self.occlusion
            .update_occlusion(id, level_name, visible_actors, occluded_actors)
    }

    /// The last efficiency of a level (seed `get_occlusion_efficiency`).
    pub fn get_occlusion_efficiency(&self, level_name: &str) -> StreamingResult<f64> {
        let id = self.find_level(level_name)?;
        self.occlusion
            .get_occlusion_efficiency(id)
            .map_err(|_| StreamingError::NotFound {
                kind: "occlusion data",
                name: level_name.to_string(),
            })
    }

    /// A level's occlusion statistics.
    pub fn occlusion_data(&self, level_name: &str) -> StreamingResult<&OcclusionData> {
        let id = self.find_level(level_name)?;
        self.occlusion
            .get(id)
            .ok_or_else(|| StreamingError::NotFound {
                kind: "occlusion data",
                name: level_name.to_string(),
            })
    }

    /// All occlusion statistics.
    pub fn occlusion(&self) -> &OcclusionStats {
        &self.occlusion
    }

    // ----- loading screens ------------------------------------------------

    /// Creates a hidden loading screen waiting for `total_assets` assets
    /// (seed `create_loading_screen`).
    pub fn create_loading_screen(
        &mut self,
        title: &str,
        description: &str,
        total_assets: u32,
    ) -> StreamingResult<LoadingScreenId> {
        self.changes
            .record(crate::core::changes::Change::LoadingScreens);
        self.loading_screens
            .create_loading_screen(title, description, total_assets, self.now)
    }

    /// Creates a hidden loading screen bound to levels: its progress follows
    /// their loads and it hides itself (with a LoadingScreenHidden event)
    /// once all of them are active — the teleport case.
    pub fn create_loading_screen_for_levels(
        &mut self,
        title: &str,
        description: &str,
        level_names: &[&str],
    ) -> StreamingResult<LoadingScreenId> {
        self.changes
            .record(crate::core::changes::Change::LoadingScreens);
        let mut levels = Vec::with_capacity(level_names.len());
        for name in level_names {
            let id = self.find_level(name)?;
            levels.push((
                id,
                self.levels.levels[id.0 as usize].state == StreamingState::Active,
            ));
        }
        self.loading_screens
            .create_bound_loading_screen(title, description, &levels, self.now)
    }

    /// Shows a loading screen (seed `show_loading_screen`). Returns false if
    /// a bound screen whose levels are all active hid itself at once.
    pub fn show_loading_screen(&mut self, id: LoadingScreenId) -> StreamingResult<bool> {
        self.changes
            .record(crate::core::changes::Change::LoadingScreens);
        let was_visible = self.loading_screen(id)?.visible;
        let visible = self.loading_screens.show_loading_screen(id, self.now)?;
        if !visible && !was_visible {
            // A bound screen whose levels are all active hid itself at once.
            self.events.emit(Event::LoadingScreenHidden { screen: id });
        }
        Ok(visible)
    }

    /// Hides a loading screen (seed `hide_loading_screen`).
    pub fn hide_loading_screen(&mut self, id: LoadingScreenId) -> StreamingResult<()> {
        self.changes
            .record(crate::core::changes::Change::LoadingScreens);
        self.loading_screens.hide_loading_screen(id, self.now)
    }

    /// Sets the number of assets loaded and returns the progress fraction
    /// (seed `update_loading_progress`).
    pub fn update_loading_progress(
        &mut self,
        id: LoadingScreenId,
        assets_loaded: u32,
    ) -> StreamingResult<f64> {
        self.changes
            .record(crate::core::changes::Change::LoadingScreens);
        self.loading_screens
            .update_loading_progress(id, assets_loaded, self.now)
    }

    /// Adds a tip shown in turn on a loading screen.
    pub fn add_loading_tip(&mut self, id: LoadingScreenId, tip: &str) -> StreamingResult<()> {
        self.changes
            .record(crate::core::changes::Change::LoadingScreens);
        self.loading_screens.add_tip(id, tip)
    }

    /// Removes a loading screen.
    pub fn remove_loading_screen(&mut self, id: LoadingScreenId) -> StreamingResult<()> {
        self.changes
            .record(crate::core::changes::Change::LoadingScreens);
        self.loading_screens.remove(id).map(|_| ())
    }

    /// A loading screen.
    pub fn loading_screen(&self, id: LoadingScreenId) -> StreamingResult<&LoadingScreen> {
        self.loading_screens
            .get(id)
            .ok_or_else(|| StreamingError::NotFound {
                kind: "loading screen",
                name: id.to_string(),
            })
    }

    /// All loading screens, by id.
    pub fn loading_screens(&self) -> impl Iterator<Item = &LoadingScreen> {
        self.loading_screens.iter()
    }

    /// Keeps bound loading screens in step with a level becoming active or
    /// leaving Active.
    pub(super) fn notify_loading_screens(&mut self, level: LevelId, active: bool) {
        if self.loading_screens.is_empty() {
            return;
        }
        self.changes
            .record(crate::core::changes::Change::LoadingScreens);
        let mut hidden = std::mem::take(&mut self.scratch_hidden_screens);
        hidden.clear();
        self.loading_screens
            .on_level_state(level, active, self.now, &mut hidden);
        for screen in hidden.drain(..) {
            self.events.emit(Event::LoadingScreenHidden { screen });
        }
        self.scratch_hidden_screens = hidden;
    }
}
