//! The original design's performance targets, as header constants. The
//! values are literals because cbindgen copies literals only; the test
//! below keeps them equal to `core::presets`.

/// Frame time target for 60 fps, in ms.
pub const LSM_FRAME_TIME_TARGET_60FPS: f64 = 16.67;
/// Frame time target for 30 fps, in ms.
pub const LSM_FRAME_TIME_TARGET_30FPS: f64 = 33.33;
/// Memory budget for high-end hardware, in MB.
pub const LSM_BUDGET_HIGH_END_MB: f64 = 4096.0;
/// Memory budget for mid-range hardware, in MB.
pub const LSM_BUDGET_MID_END_MB: f64 = 2048.0;
/// Memory budget for low-end hardware, in MB.
pub const LSM_BUDGET_LOW_END_MB: f64 = 1024.0;
/// LOD distance up to which ULTRA is used.
pub const LSM_ULTRA_DISTANCE: f64 = 1000.0;
/// LOD distance up to which HIGH is used.
pub const LSM_HIGH_DISTANCE: f64 = 2000.0;
/// LOD distance up to which MEDIUM is used.
pub const LSM_MEDIUM_DISTANCE: f64 = 4000.0;
/// LOD distance up to which LOW is used.
pub const LSM_LOW_DISTANCE: f64 = 8000.0;
/// LOD distance of MINIMAL.
pub const LSM_MINIMAL_DISTANCE: f64 = 16000.0;
/// Culling efficiency rated MINIMUM.
pub const LSM_MIN_CULLING_EFFICIENCY: f64 = 0.3;
/// Culling efficiency rated GOOD.
pub const LSM_GOOD_CULLING_EFFICIENCY: f64 = 0.6;
/// Culling efficiency rated EXCELLENT.
pub const LSM_EXCELLENT_CULLING_EFFICIENCY: f64 = 0.8;
/// Default memory budget warning threshold (fraction of the maximum).
pub const LSM_DEFAULT_WARNING_THRESHOLD: f64 = 0.8;
/// Default memory budget critical threshold (fraction of the maximum).
pub const LSM_DEFAULT_CRITICAL_THRESHOLD: f64 = 0.95;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{memory, presets as p};

    #[test]
    fn header_presets_equal_the_core_presets() {
        assert_eq!(LSM_FRAME_TIME_TARGET_60FPS, p::FRAME_TIME_TARGET_60FPS);
        assert_eq!(LSM_FRAME_TIME_TARGET_30FPS, p::FRAME_TIME_TARGET_30FPS);
        assert_eq!(LSM_BUDGET_HIGH_END_MB, p::BUDGET_HIGH_END);
        assert_eq!(LSM_BUDGET_MID_END_MB, p::BUDGET_MID_END);
        assert_eq!(LSM_BUDGET_LOW_END_MB, p::BUDGET_LOW_END);
        assert_eq!(
            [
                LSM_ULTRA_DISTANCE,
                LSM_HIGH_DISTANCE,
                LSM_MEDIUM_DISTANCE,
                LSM_LOW_DISTANCE,
                LSM_MINIMAL_DISTANCE
            ],
            crate::core::lod::DEFAULT_LOD_DISTANCES
        );
        assert_eq!(LSM_MIN_CULLING_EFFICIENCY, p::MIN_CULLING_EFFICIENCY);
        assert_eq!(LSM_GOOD_CULLING_EFFICIENCY, p::GOOD_CULLING_EFFICIENCY);
        assert_eq!(
            LSM_EXCELLENT_CULLING_EFFICIENCY,
            p::EXCELLENT_CULLING_EFFICIENCY
        );
        assert_eq!(
            LSM_DEFAULT_WARNING_THRESHOLD,
            memory::DEFAULT_WARNING_THRESHOLD
        );
        assert_eq!(
            LSM_DEFAULT_CRITICAL_THRESHOLD,
            memory::DEFAULT_CRITICAL_THRESHOLD
        );
        assert_eq!(
            crate::core::profiler::DEFAULT_TARGET_FRAME_TIME_MS,
            LSM_FRAME_TIME_TARGET_60FPS
        );
    }
}
