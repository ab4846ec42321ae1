//! The original design's performance targets as named presets.

/// Frame time target for 60 fps, in ms.
pub const FRAME_TIME_TARGET_60FPS: f64 = 16.67;
/// Frame time target for 30 fps, in ms.
pub const FRAME_TIME_TARGET_30FPS: f64 = 33.33;
/// Memory budget for high-end hardware, in MB.
pub const BUDGET_HIGH_END: f64 = 4096.0;
/// Memory budget for mid-range hardware, in MB.
pub const BUDGET_MID_END: f64 = 2048.0;
/// Memory budget for low-end hardware, in MB.
pub const BUDGET_LOW_END: f64 = 1024.0;
/// LOD distance up to which ULTRA is used.
pub const ULTRA_DISTANCE: f64 = 1000.0;
/// LOD distance up to which HIGH is used.
pub const HIGH_DISTANCE: f64 = 2000.0;
/// LOD distance up to which MEDIUM is used.
pub const MEDIUM_DISTANCE: f64 = 4000.0;
/// LOD distance up to which LOW is used.
pub const LOW_DISTANCE: f64 = 8000.0;
/// LOD distance of MINIMAL.
pub const MINIMAL_DISTANCE: f64 = 16000.0;

pub use super::occlusion::{
    EXCELLENT_CULLING_EFFICIENCY, GOOD_CULLING_EFFICIENCY, MIN_CULLING_EFFICIENCY,
};

/// Hardware tiers of the memory budget presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HardwareTier {
    /// 4096 MB.
    HighEnd,
    /// 2048 MB.
    MidEnd,
    /// 1024 MB.
    LowEnd,
}

impl HardwareTier {
    /// The memory budget preset of this tier, in MB.
    pub fn budget_mb(self) -> f64 {
        match self {
            HardwareTier::HighEnd => BUDGET_HIGH_END,
            HardwareTier::MidEnd => BUDGET_MID_END,
            HardwareTier::LowEnd => BUDGET_LOW_END,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::lod::DEFAULT_LOD_DISTANCES;

    #[test]
    fn lod_presets_are_the_default_thresholds() {
        assert_eq!(
            DEFAULT_LOD_DISTANCES,
            [
                ULTRA_DISTANCE,
                HIGH_DISTANCE,
                MEDIUM_DISTANCE,
                LOW_DISTANCE,
                MINIMAL_DISTANCE
            ]
        );
        assert_eq!(HardwareTier::MidEnd.budget_mb(), 2048.0);
    }
}
