//! Level of detail: the five LOD levels with their quality table, per-level
//! LOD settings, and the rule that picks a LOD from distance, free memory
//! and frame time.
//!
//! # The rule (`calculate_optimal_lod`)
//! 1. **Distance picks the base:** the best LOD whose distance threshold is
//!    at least the distance (defaults: ULTRA up to 1000, HIGH up to 2000,
//!    MEDIUM up to 4000, LOW up to 8000, MINIMAL beyond).
//! 2. **Memory pressure lowers it:** while the available memory is below the
//!    chosen LOD's memory threshold (defaults: ULTRA needs 2048 MB free,
//!    HIGH 1024, MEDIUM 512, LOW 256, MINIMAL 0), step one LOD down.
//! 3. **Frame time lowers it:** a frame time over the target steps one LOD
//!    down; over 1.5 × the target, two.
//!
//! The result never goes below MINIMAL. With auto-adjust, the manager
//! applies hysteresis: a level moves to a *better* LOD only when the rule
//! still gives that LOD at a distance 10% farther, so a level sitting on a
//! threshold does not flap.

use serde::{Deserialize, Serialize};

use super::error::{check_non_negative, StreamingError, StreamingResult};

/// Distance margin of the auto-adjust hysteresis (10%).
pub const LOD_HYSTERESIS_FRACTION: f64 = 0.1;

/// Default distance thresholds, ULTRA to MINIMAL (seed `*_DISTANCE`).
pub const DEFAULT_LOD_DISTANCES: [f64; 5] = [1000.0, 2000.0, 4000.0, 8000.0, 16000.0];

/// Default free memory (MB) each LOD needs, ULTRA to MINIMAL.
pub const DEFAULT_LOD_MEMORY_MB: [f64; 5] = [2048.0, 1024.0, 512.0, 256.0, 0.0];

/// A level of detail. Lower is better quality.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LodLevel {
    /// Highest quality, highest cost.
    #[default]
    Ultra = 0,
    /// High quality, balanced.
    High = 1,
    /// Balanced quality and performance.
    Medium = 2,
    /// Reduced quality.
    Low = 3,
    /// Minimal quality, minimal cost.
    Minimal = 4,
}

/// Quality values of one LOD (seed `LOD_QUALITY_VALUES`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LodQuality {
    /// Texture quality, 0..1.
    pub texture_quality: f64,
    /// Mesh quality, 0..1.
    pub mesh_quality: f64,
    /// Draw distance in world units.
    pub draw_distance: f64,
    /// Shadow quality, 0..1.
    pub shadow_quality: f64,
}

impl LodLevel {
    /// All LODs, best first.
    pub const ALL: [LodLevel; 5] = [
        LodLevel::Ultra,
        LodLevel::High,
        LodLevel::Medium,
        LodLevel::Low,
        LodLevel::Minimal,
    ];

    /// The LOD with this number (0..=4).
    pub fn from_u32(value: u32) -> Option<LodLevel> {
        LodLevel::ALL.get(value as usize).copied()
    }

    /// Index 0..=4.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            LodLevel::Ultra => "ULTRA",
            LodLevel::High => "HIGH",
            LodLevel::Medium => "MEDIUM",
            LodLevel::Low => "LOW",
            LodLevel::Minimal => "MINIMAL",
        }
    }

    /// `steps` LODs lower in quality, stopping at MINIMAL.
    pub fn lower_by(self, steps: usize) -> LodLevel {
        LodLevel::ALL[(self.index() + steps).min(4)]
    }

    /// The quality table row of this LOD.
    pub fn quality(self) -> LodQuality {
        let (texture_quality, mesh_quality, draw_distance, shadow_quality) = match self {
            LodLevel::Ultra => (1.0, 1.0, 10000.0, 1.0),
            LodLevel::High => (0.8, 0.95, 8000.0, 0.8),
            LodLevel::Medium => (0.6, 0.85, 6000.0, 0.6),
            LodLevel::Low => (0.4, 0.7, 4000.0, 0.3),
            LodLevel::Minimal => (0.2, 0.5, 2000.0, 0.0),
        };
        LodQuality {
            texture_quality,
            mesh_quality,
            draw_distance,
            shadow_quality,
        }
    }
}

/// LOD settings of one level (seed `LODSettings`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LodSettings {
    /// The LOD in force (last set by hand or by auto-adjust).
    pub current_lod: LodLevel,
    /// Re-evaluate the LOD each update while the level is active.
    pub auto_adjust: bool,
    /// Largest distance for each LOD, ULTRA to MINIMAL (non-decreasing).
    pub distance_thresholds: [f64; 5],
    /// Free memory (MB) each LOD needs, ULTRA to MINIMAL.
    pub memory_thresholds: [f64; 5],
}

impl Default for LodSettings {
    fn default() -> Self {
        LodSettings {
            current_lod: LodLevel::Ultra,
            auto_adjust: true,
            distance_thresholds: DEFAULT_LOD_DISTANCES,
            memory_thresholds: DEFAULT_LOD_MEMORY_MB,
        }
    }
}

impl LodSettings {
    /// Checks the thresholds: finite, not negative, distances non-decreasing.
    pub fn validate(&self) -> StreamingResult<()> {
        for d in self.distance_thresholds {
            check_non_negative("distance_thresholds", d)?;
        }
        for m in self.memory_thresholds {
            check_non_negative("memory_thresholds", m)?;
        }
        if self.distance_thresholds.windows(2).any(|w| w[0] > w[1]) {
            return Err(StreamingError::InvalidArgument(
                "distance_thresholds must not decrease from ULTRA to MINIMAL".into(),
            ));
        }
        Ok(())
    }

    /// The rule described in the module documentation.
    pub fn calculate_optimal_lod(
        &self,
        distance: f64,
        available_memory_mb: f64,
        frame_time_ms: f64,
        target_frame_time_ms: f64,
    ) -> LodLevel {
        let mut lod = LodLevel::ALL
            .into_iter()
            .find(|l| distance <= self.distance_thresholds[l.index()])
            .unwrap_or(LodLevel::Minimal);
        while lod != LodLevel::Minimal && available_memory_mb < self.memory_thresholds[lod.index()]
        {
            lod = lod.lower_by(1);
        }
        if target_frame_time_ms > 0.0 {
            if frame_time_ms > 1.5 * target_frame_time_ms {
                lod = lod.lower_by(2);
            } else if frame_time_ms > target_frame_time_ms {
                lod = lod.lower_by(1);
            }
        }
        lod
    }

    /// The auto-adjust step with hysteresis: the LOD to switch to from
    /// `current`, if any.
    pub fn auto_adjust_from(
        &self,
        current: LodLevel,
        distance: f64,
        available_memory_mb: f64,
        frame_time_ms: f64,
        target_frame_time_ms: f64,
    ) -> Option<LodLevel> {
        let optimal = self.calculate_optimal_lod(
            distance,
            available_memory_mb,
            frame_time_ms,
            target_frame_time_ms,
        );
        if optimal > current {
            return Some(optimal);
        }
        if optimal < current {
            // Better quality only if it holds 10% farther out.
            let guarded = self.calculate_optimal_lod(
                distance * (1.0 + LOD_HYSTERESIS_FRACTION),
                available_memory_mb,
                frame_time_ms,
                target_frame_time_ms,
            );
            if guarded < current {
                return Some(guarded);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_table_matches_the_design() {
        let q: Vec<_> = LodLevel::ALL.iter().map(|l| l.quality()).collect();
        assert_eq!(
            q.iter().map(|q| q.texture_quality).collect::<Vec<_>>(),
            [1.0, 0.8, 0.6, 0.4, 0.2]
        );
        assert_eq!(
            q.iter().map(|q| q.mesh_quality).collect::<Vec<_>>(),
            [1.0, 0.95, 0.85, 0.7, 0.5]
        );
        assert_eq!(
            q.iter().map(|q| q.draw_distance).collect::<Vec<_>>(),
            [10000.0, 8000.0, 6000.0, 4000.0, 2000.0]
        );
        assert_eq!(
            q.iter().map(|q| q.shadow_quality).collect::<Vec<_>>(),
            [1.0, 0.8, 0.6, 0.3, 0.0]
        );
    }

    #[test]
    fn distance_picks_the_base() {
        let s = LodSettings::default();
        let lod = |d| s.calculate_optimal_lod(d, 1e9, 10.0, 16.67);
        assert_eq!(lod(0.0), LodLevel::Ultra);
        assert_eq!(lod(1000.0), LodLevel::Ultra);
        assert_eq!(lod(1000.1), LodLevel::High);
        assert_eq!(lod(4000.0), LodLevel::Medium);
        assert_eq!(lod(8000.0), LodLevel::Low);
        assert_eq!(lod(16000.0), LodLevel::Minimal);
        assert_eq!(lod(1e12), LodLevel::Minimal);
    }

    #[test]
    fn memory_and_frame_time_push_toward_lower_quality() {
        let s = LodSettings::default();
        // (distance, free memory MB, frame time ms) -> LOD, target 16.67 ms.
        let cases = [
            ((0.0, 1500.0, 10.0), LodLevel::High),
            ((0.0, 100.0, 10.0), LodLevel::Minimal),
            ((0.0, 1e9, 20.0), LodLevel::High),
            ((0.0, 1e9, 30.0), LodLevel::Medium),
            ((5000.0, 300.0, 40.0), LodLevel::Minimal),
        ];
        for ((distance, memory, frame), want) in cases {
            let got = s.calculate_optimal_lod(distance, memory, frame, 16.67);
            assert_eq!(
                got, want,
                "distance {distance}, memory {memory}, frame {frame}"
            );
        }
    }

    #[test]
    fn auto_adjust_does_not_flap_on_a_threshold() {
        let s = LodSettings::default();
        // Degrading is immediate.
        assert_eq!(
            s.auto_adjust_from(LodLevel::Ultra, 1000.5, 1e9, 10.0, 16.67),
            Some(LodLevel::High)
        );
        // Coming back just inside the threshold is not enough...
        assert_eq!(
            s.auto_adjust_from(LodLevel::High, 999.0, 1e9, 10.0, 16.67),
            None
        );
        // ...10% inside is.
        assert_eq!(
            s.auto_adjust_from(LodLevel::High, 900.0, 1e9, 10.0, 16.67),
            Some(LodLevel::Ultra)
        );
    }

    #[test]
    fn settings_are_validated() {
        let mut s = LodSettings::default();
        s.distance_thresholds[2] = 100.0;
        assert!(s.validate().is_err());
        let mut s = LodSettings::default();
        s.memory_thresholds[0] = f64::NAN;
        assert!(matches!(
            s.validate(),
            Err(StreamingError::NonFiniteValue { .. })
        ));
    }
}
