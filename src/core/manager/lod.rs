//! Applying LOD decisions: per-level settings, manual changes and the
//! auto-adjust pass of each update. The rule itself lives in `core::lod`.

use crate::core::error::{check_non_negative, StreamingResult};
use crate::core::events::Event;
use crate::core::lod::{LodLevel, LodQuality, LodSettings};
use crate::core::request::RequestKind;
use crate::core::types::{LevelId, StreamingState};

use super::StreamingManager;

impl StreamingManager {
    /// Creates LOD settings for a level (seed `create_lod_settings`):
    /// current LOD ULTRA, auto-adjust on, the default thresholds. If the
    /// level already has settings they are returned unchanged.
    pub fn create_lod_settings(&mut self, level_name: &str) -> StreamingResult<LodSettings> {
        let id = self.find_level(level_name)?;
        Ok(self.ensure_lod_settings(id, true).clone())
    }

    /// Replaces a level's LOD settings (validated). The current LOD in
    /// `settings` is applied like [`adjust_lod`](Self::adjust_lod) would.
    pub fn set_lod_settings(
        &mut self,
        level_name: &str,
        settings: LodSettings,
    ) -> StreamingResult<()> {
        settings.validate()?;
        let id = self.find_level(level_name)?;
        let lod = settings.current_lod;
        let old = self
            .ensure_lod_settings(id, settings.auto_adjust)
            .current_lod;
        let entry = self.levels.levels[id.0 as usize]
            .lod
            .as_mut()
            .expect("ensured above");
        *entry = LodSettings {
            current_lod: old,
            ..settings
        };
        self.apply_lod(id, lod);
        self.finish_call();
        Ok(())
    }

    /// A level's LOD settings, if it has any.
    pub fn lod_settings(&self, level_name: &str) -> StreamingResult<Option<&LodSettings>> {
        let id = self.find_level(level_name)?;
        Ok(self.levels.levels[id.0 as usize].lod.as_ref())
    }

    /// Sets a level's LOD by hand (seed `adjust_lod`, C `lsm_set_lod`) and
    /// turns its auto-adjust off so the choice sticks (turn it back on with
    /// [`set_lod_auto_adjust`](Self::set_lod_auto_adjust)). An active level
    /// gets a SET_LOD request; a level that is not visible shows with this
    /// LOD later.
    pub fn adjust_lod(&mut self, level_name: &str, lod: LodLevel) -> StreamingResult<()> {
        let id = self.find_level(level_name)?;
        self.ensure_lod_settings(id, false).auto_adjust = false;
        self.apply_lod(id, lod);
        self.finish_call();
        Ok(())
    }

    /// Turns a level's LOD auto-adjust on or off.
    pub fn set_lod_auto_adjust(
        &mut self,
        level_name: &str,
        auto_adjust: bool,
    ) -> StreamingResult<()> {
        let id = self.find_level(level_name)?;
        self.ensure_lod_settings(id, auto_adjust).auto_adjust = auto_adjust;
        self.changes.record(crate::core::changes::Change::Level(id));
        Ok(())
    }

    /// The level's current LOD (ULTRA for a level without LOD settings).
    pub fn level_lod(&self, level_name: &str) -> StreamingResult<LodLevel> {
        let id = self.find_level(level_name)?;
        Ok(self.levels.levels[id.0 as usize].current_lod())
    }

    /// The quality values of the level's current LOD (seed `get_lod_quality_values`).
    pub fn get_lod_quality_values(&self, level_name: &str) -> StreamingResult<LodQuality> {
        Ok(self.level_lod(level_name)?.quality())
    }

    /// Seed `calculate_optimal_lod(distance, available_memory_mb,
    /// frame_time_ms)` with the default thresholds and the profiler's
    /// target frame time (see `core::lod` for the rule).
    pub fn calculate_optimal_lod(
        &self,
        distance: f64,
        available_memory_mb: f64,
        frame_time_ms: f64,
    ) -> StreamingResult<LodLevel> {
        check_non_negative("distance", distance)?;
        check_non_negative("available_memory_mb", available_memory_mb)?;
        check_non_negative("frame_time_ms", frame_time_ms)?;
        Ok(LodSettings::default().calculate_optimal_lod(
            distance,
            available_memory_mb,
            frame_time_ms,
            self.profiler.config().target_frame_time_ms,
        ))
    }

    /// The rule applied to a level as it stands: its own thresholds, its
    /// distance to the nearest source, its budget's free memory and the
    /// smoothed frame time.
    pub fn calculate_optimal_lod_for_level(&self, level_name: &str) -> StreamingResult<LodLevel> {
        let id = self.find_level(level_name)?;
        let defaults = LodSettings::default();
        let settings = self.levels.levels[id.0 as usize]
            .lod
            .as_ref()
            .unwrap_or(&defaults);
        Ok(settings.calculate_optimal_lod(
            self.level_distance(id),
            self.available_memory_for(id),
            self.smoothed_frame_time_ms,
            self.profiler.config().target_frame_time_ms,
        ))
    }

    fn ensure_lod_settings(&mut self, id: LevelId, auto_adjust: bool) -> &mut LodSettings {
        self.changes.record(crate::core::changes::Change::Level(id));
        let level = &mut self.levels.levels[id.0 as usize];
        if level.lod.is_none() {
            level.lod = Some(LodSettings {
                auto_adjust,
                ..LodSettings::default()
            });
            self.lod_levels.push(id);
        }
        self.levels.levels[id.0 as usize]
            .lod
            .as_mut()
            .expect("just created")
    }

    /// Records a new LOD, raises LodChanged and, for a visible level, issues
    /// a SET_LOD request.
    fn apply_lod(&mut self, id: LevelId, lod: LodLevel) {
        let level = &mut self.levels.levels[id.0 as usize];
        let settings = level.lod.as_mut().expect("caller ensured settings");
        let from = settings.current_lod;
        if from == lod {
            return;
        }
        settings.current_lod = lod;
        let active = level.state == StreamingState::Active;
        self.changes.record(crate::core::changes::Change::Level(id));
        self.events.emit(Event::LodChanged {
            level: id,
            from,
            to: lod,
        });
        if active {
            self.issue(self.candidate(id, RequestKind::SetLod));
        }
    }

    /// The per-update pass: every active level with auto-adjust on gets the
    /// rule's LOD, with hysteresis toward better quality.
    pub(super) fn auto_adjust_lods(&mut self) {
        let target = self.profiler.config().target_frame_time_ms;
        for i in 0..self.lod_levels.len() {
            let id = self.lod_levels[i];
            let level = &self.levels.levels[id.0 as usize];
            let Some(settings) = level.lod.as_ref() else {
                continue;
            };
            if !settings.auto_adjust || level.state != StreamingState::Active {
                continue;
            }
            let next = settings.auto_adjust_from(
                settings.current_lod,
                self.level_distance(id),
                self.available_memory_for(id),
                self.smoothed_frame_time_ms,
                target,
            );
            if let Some(lod) = next {
                self.apply_lod(id, lod);
            }
        }
    }
}
