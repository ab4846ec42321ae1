//! Occlusion culling statistics per level.
//!
//! The host reports, per level and per frame, how many actors were drawn and
//! how many the occlusion system culled. From that the core keeps the culling
//! efficiency (`occluded / (visible + occluded)`), a quality rating, and an
//! *estimate* of what culling saved, computed with an [`OcclusionCostModel`].
//!
//! Levels are keyed by [`LevelId`]; the manager resolves names and passes the
//! name along only so that errors can name the level. Iteration is in level
//! id order, so everything here is deterministic.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::{check_non_negative, StreamingError, StreamingResult};
use super::types::LevelId;

/// Efficiency below which culling is [`CullingRating::Poor`].
pub const MIN_CULLING_EFFICIENCY: f64 = 0.3;
/// Efficiency from which culling is [`CullingRating::Good`].
pub const GOOD_CULLING_EFFICIENCY: f64 = 0.6;
/// Efficiency from which culling is [`CullingRating::Excellent`].
pub const EXCELLENT_CULLING_EFFICIENCY: f64 = 0.8;

/// The occlusion technique a level uses. The numeric values (0..=3) are the
/// ones the C ABI uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OcclusionType {
    /// GPU occlusion queries.
    HardwareQueries = 0,
    /// Hierarchical Z-buffer (HZB) occlusion.
    Hierarchical = 1,
    /// CPU software occlusion.
    Software = 2,
    /// Precomputed visibility.
    Precomputed = 3,
}

impl OcclusionType {
    /// All types, in numeric order.
    pub const ALL: [OcclusionType; 4] = [
        OcclusionType::HardwareQueries,
        OcclusionType::Hierarchical,
        OcclusionType::Software,
        OcclusionType::Precomputed,
    ];

    /// The type with the given numeric value (0..=3).
    pub fn from_u32(value: u32) -> Option<OcclusionType> {
        OcclusionType::ALL.get(value as usize).copied()
    }

    /// Upper-case name ("HARDWARE_QUERIES", "HIERARCHICAL", ...).
    pub fn name(self) -> &'static str {
        match self {
            OcclusionType::HardwareQueries => "HARDWARE_QUERIES",
            OcclusionType::Hierarchical => "HIERARCHICAL",
            OcclusionType::Software => "SOFTWARE",
            OcclusionType::Precomputed => "PRECOMPUTED",
        }
    }
}

/// How good a level's culling is, from its efficiency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CullingRating {
    /// Efficiency below [`MIN_CULLING_EFFICIENCY`] (0.3).
    Poor = 0,
    /// At least [`MIN_CULLING_EFFICIENCY`] (0.3).
    Minimum = 1,
    /// At least [`GOOD_CULLING_EFFICIENCY`] (0.6).
    Good = 2,
    /// At least [`EXCELLENT_CULLING_EFFICIENCY`] (0.8).
    Excellent = 3,
}

impl CullingRating {
    /// The rating of an efficiency: `< 0.3` Poor, `>= 0.3` Minimum,
    /// `>= 0.6` Good, `>= 0.8` Excellent. NaN is Poor.
    pub fn from_efficiency(efficiency: f64) -> CullingRating {
        if efficiency >= EXCELLENT_CULLING_EFFICIENCY {
            CullingRating::Excellent
        } else if efficiency >= GOOD_CULLING_EFFICIENCY {
            CullingRating::Good
        } else if efficiency >= MIN_CULLING_EFFICIENCY {
            CullingRating::Minimum
        } else {
            CullingRating::Poor
        }
    }

    /// Upper-case name ("POOR", "MINIMUM", "GOOD", "EXCELLENT").
    pub fn name(self) -> &'static str {
        match self {
            CullingRating::Poor => "POOR",
            CullingRating::Minimum => "MINIMUM",
            CullingRating::Good => "GOOD",
            CullingRating::Excellent => "EXCELLENT",
        }
    }
}

/// The cost model used to *estimate* what culling saved. The engine does not
/// report saved triangles, draw calls or frame time (it cannot: culled actors
/// are never drawn); these are estimates, `occluded_actors` times the average
/// cost of an actor given here, and are only as good as these numbers.
///
/// Per update: `triangles = occluded * triangles_per_actor`,
/// `draw_calls = occluded * draw_calls_per_actor`,
/// `frame_time_ms = draw_calls * ms_per_draw_call + triangles / 1e6 * ms_per_million_triangles`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct OcclusionCostModel {
    /// Average triangles of one actor. Default 5000.
    pub triangles_per_actor: f64,
    /// Average draw calls of one actor. Default 2.
    pub draw_calls_per_actor: f64,
    /// Frame time of one draw call, in ms. Default 0.01.
    pub ms_per_draw_call: f64,
    /// Frame time of one million triangles, in ms. Default 0.5.
    pub ms_per_million_triangles: f64,
}

impl Default for OcclusionCostModel {
    fn default() -> Self {
        OcclusionCostModel {
            triangles_per_actor: 5000.0,
            draw_calls_per_actor: 2.0,
            ms_per_draw_call: 0.01,
            ms_per_million_triangles: 0.5,
        }
    }
}

/// What culling `occluded_actors` actors is estimated to save, per the cost
/// model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OcclusionSavings {
    /// Estimated triangles not drawn.
    pub triangles: f64,
    /// Estimated draw calls not issued.
    pub draw_calls: f64,
    /// Estimated frame time saved, in ms.
    pub frame_time_ms: f64,
}

impl OcclusionCostModel {
    /// Checks every field: finite and not negative.
    pub fn validate(&self) -> StreamingResult<()> {
        check_non_negative("triangles_per_actor", self.triangles_per_actor)?;
        check_non_negative("draw_calls_per_actor", self.draw_calls_per_actor)?;
        check_non_negative("ms_per_draw_call", self.ms_per_draw_call)?;
        check_non_negative("ms_per_million_triangles", self.ms_per_million_triangles)?;
        Ok(())
    }

    /// The estimated savings of culling `occluded_actors` actors in one frame.
    pub fn estimate(&self, occluded_actors: u32) -> OcclusionSavings {
        let occluded = f64::from(occluded_actors);
        let triangles = occluded * self.triangles_per_actor;
        let draw_calls = occluded * self.draw_calls_per_actor;
        let frame_time_ms = draw_calls * self.ms_per_draw_call
            + triangles / 1_000_000.0 * self.ms_per_million_triangles;
        OcclusionSavings {
            triangles,
            draw_calls,
            frame_time_ms,
        }
    }
}

/// Culling statistics of one level. The `*_saved_*` figures are estimates
/// from the [`OcclusionCostModel`] in force at each update.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OcclusionData {
    /// The level.
    pub level: LevelId,
    /// Its occlusion technique.
    pub occlusion_type: OcclusionType,
    /// Actors drawn, at the last update.
    pub visible_actors: u32,
    /// Actors culled, at the last update.
    pub occluded_actors: u32,
    /// `occluded / (visible + occluded)` at the last update; 0 when both are
    /// 0 (and before the first update).
    pub efficiency: f64,
    /// Mean of `efficiency` over all updates (an update with no actors
    /// counts as 0); 0 before the first update.
    pub mean_efficiency: f64,
    /// Number of updates.
    pub updates: u64,
    /// Estimated triangles saved, summed over all updates.
    pub triangles_saved_total: f64,
    /// Estimated draw calls saved, summed over all updates.
    pub draw_calls_saved_total: f64,
    /// Estimated frame time saved in ms, summed over all updates.
    pub frame_time_saved_ms_total: f64,
    /// Estimated frame time saved in ms by the last update.
    pub last_frame_time_saved_ms: f64,
    /// Rating of `efficiency` (the last update). Poor before the first update.
    pub rating: CullingRating,
    /// Sum of all efficiencies, for an exact mean.
    #[serde(skip)]
    efficiency_sum: f64,
}

impl OcclusionData {
    fn new(level: LevelId, occlusion_type: OcclusionType) -> Self {
        OcclusionData {
            level,
            occlusion_type,
            visible_actors: 0,
            occluded_actors: 0,
            efficiency: 0.0,
            mean_efficiency: 0.0,
            updates: 0,
            triangles_saved_total: 0.0,
            draw_calls_saved_total: 0.0,
            frame_time_saved_ms_total: 0.0,
            last_frame_time_saved_ms: 0.0,
            rating: CullingRating::Poor,
            efficiency_sum: 0.0,
        }
    }
}

/// Culling figures summed over every level (see [`OcclusionStats::totals`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OcclusionTotals {
    /// Levels with occlusion data.
    pub levels: usize,
    /// Actors drawn at each level's last update, summed.
    pub visible_actors: u64,
    /// Actors culled at each level's last update, summed.
    pub occluded_actors: u64,
    /// `occluded_actors / (visible_actors + occluded_actors)` of the sums
    /// above (an actor-weighted efficiency); 0 when there are no actors.
    pub efficiency: f64,
    /// Estimated triangles saved, all levels, all updates.
    pub triangles_saved: f64,
    /// Estimated draw calls saved, all levels, all updates.
    pub draw_calls_saved: f64,
    /// Estimated frame time saved in ms, all levels, all updates.
    pub frame_time_saved_ms: f64,
    /// Estimated frame time saved in ms by each level's last update, summed.
    pub last_frame_time_saved_ms: f64,
}

/// `occluded / (visible + occluded)`, 0 when there are no actors.
fn efficiency_of(visible: u64, occluded: u64) -> f64 {
    let total = visible + occluded;
    if total == 0 {
        0.0
    } else {
        occluded as f64 / total as f64
    }
}

/// Occlusion statistics of every level that has them.
#[derive(Clone, Debug, Default)]
pub struct OcclusionStats {
    levels: BTreeMap<LevelId, OcclusionData>,
    cost_model: OcclusionCostModel,
}

impl OcclusionStats {
    /// An empty set using `cost_model`; refuses an invalid model.
    pub fn new(cost_model: OcclusionCostModel) -> StreamingResult<Self> {
        cost_model.validate()?;
        Ok(OcclusionStats {
            levels: BTreeMap::new(),
            cost_model,
        })
    }

    /// The cost model in force.
    pub fn cost_model(&self) -> &OcclusionCostModel {
        &self.cost_model
    }

    /// Replaces the cost model; applies to later updates only (totals
    /// already accumulated are kept). Refuses an invalid model.
    pub fn set_cost_model(&mut self, cost_model: OcclusionCostModel) -> StreamingResult<()> {
        cost_model.validate()?;
        self.cost_model = cost_model;
        Ok(())
    }

    /// Starts tracking `level` (named `level_name`, for messages) with
    /// `occlusion_type`. A level that already has data is
    /// [`StreamingError::DuplicateName`] (kind "occlusion data"); its data
    /// is left as it was.
    pub fn create_occlusion_data(
        &mut self,
        level: LevelId,
        level_name: &str,
        occlusion_type: OcclusionType,
    ) -> StreamingResult<&OcclusionData> {
        use std::collections::btree_map::Entry;
        match self.levels.entry(level) {
            Entry::Occupied(_) => Err(StreamingError::DuplicateName {
                kind: "occlusion data",
                name: level_name.to_string(),
            }),
            Entry::Vacant(v) => Ok(v.insert(OcclusionData::new(level, occlusion_type))),
        }
    }

    /// Records one frame's culling result for `level` (named `level_name`,
    /// for messages) and returns its efficiency,
    /// `occluded / (visible + occluded)` (0 when both are 0). Accumulates the
    /// estimated savings and updates the mean and the rating. A level
    /// without data is [`StreamingError::NotFound`] (kind "occlusion data").
    pub fn update_occlusion(
        &mut self,
        level: LevelId,
        level_name: &str,
        visible_actors: u32,
        occluded_actors: u32,
    ) -> StreamingResult<f64> {
        let data = self
            .levels
            .get_mut(&level)
            .ok_or_else(|| StreamingError::NotFound {
                kind: "occlusion data",
                name: level_name.to_string(),
            })?;
        let efficiency = efficiency_of(u64::from(visible_actors), u64::from(occluded_actors));
        let saved = self.cost_model.estimate(occluded_actors);
        data.visible_actors = visible_actors;
        data.occluded_actors = occluded_actors;
        data.efficiency = efficiency;
        data.updates += 1;
        data.efficiency_sum += efficiency;
        data.mean_efficiency = data.efficiency_sum / data.updates as f64;
        data.triangles_saved_total += saved.triangles;
        data.draw_calls_saved_total += saved.draw_calls;
        data.frame_time_saved_ms_total += saved.frame_time_ms;
        data.last_frame_time_saved_ms = saved.frame_time_ms;
        data.rating = CullingRating::from_efficiency(efficiency);
        Ok(efficiency)
    }

    /// The efficiency of `level`'s last update (0 before the first one).
    /// A level without data is [`StreamingError::NotFound`] (kind
    /// "occlusion data", named by its id as "level #N").
    pub fn get_occlusion_efficiency(&self, level: LevelId) -> StreamingResult<f64> {
        self.levels
            .get(&level)
            .map(|d| d.efficiency)
            .ok_or_else(|| StreamingError::NotFound {
                kind: "occlusion data",
                name: format!("level #{}", level.0),
            })
    }

    /// The data of `level`, if it is tracked.
    pub fn get(&self, level: LevelId) -> Option<&OcclusionData> {
        self.levels.get(&level)
    }

    /// Stops tracking `level`, returning its data if it was tracked.
    pub fn remove(&mut self, level: LevelId) -> Option<OcclusionData> {
        self.levels.remove(&level)
    }

    /// The data of every tracked level, in level id order.
    pub fn iter(&self) -> impl Iterator<Item = &OcclusionData> {
        self.levels.values()
    }

    /// The statistics of levels from `from` on, in level order (lets an
    /// observer copy them a few at a time).
    pub fn iter_from(&self, from: LevelId) -> impl Iterator<Item = &OcclusionData> {
        self.levels.range(from..).map(|(_, d)| d)
    }

    /// Number of tracked levels.
    pub fn len(&self) -> usize {
        self.levels.len()
    }

    /// True when no level is tracked.
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }

    /// Figures summed over every tracked level. O(levels), no allocation.
    pub fn totals(&self) -> OcclusionTotals {
        let mut t = OcclusionTotals {
            levels: self.levels.len(),
            ..OcclusionTotals::default()
        };
        for d in self.levels.values() {
            t.visible_actors += u64::from(d.visible_actors);
            t.occluded_actors += u64::from(d.occluded_actors);
            t.triangles_saved += d.triangles_saved_total;
            t.draw_calls_saved += d.draw_calls_saved_total;
            t.frame_time_saved_ms += d.frame_time_saved_ms_total;
            t.last_frame_time_saved_ms += d.last_frame_time_saved_ms;
        }
        t.efficiency = efficiency_of(t.visible_actors, t.occluded_actors);
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPS: f64 = 1e-12;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= EPS
    }

    fn stats_with(levels: &[(u32, &str)]) -> OcclusionStats {
        let mut s = OcclusionStats::default();
        for (id, name) in levels {
            s.create_occlusion_data(LevelId(*id), name, OcclusionType::Hierarchical)
                .unwrap();
        }
        s
    }

    #[test]
    fn occlusion_type_numbers_and_names() {
        for (i, t) in OcclusionType::ALL.iter().enumerate() {
            assert_eq!(OcclusionType::from_u32(i as u32), Some(*t));
            assert_eq!(*t as u32, i as u32);
        }
        assert_eq!(OcclusionType::from_u32(4), None);
        assert_eq!(OcclusionType::Hierarchical.name(), "HIERARCHICAL");
        assert_eq!(OcclusionType::HardwareQueries.name(), "HARDWARE_QUERIES");
        assert_eq!(OcclusionType::Software.name(), "SOFTWARE");
        assert_eq!(OcclusionType::Precomputed.name(), "PRECOMPUTED");
        assert_eq!(
            serde_json::to_string(&OcclusionType::HardwareQueries).unwrap(),
            "\"HARDWARE_QUERIES\""
        );
    }

    #[test]
    fn rating_boundaries_are_inclusive_from_below() {
        assert_eq!(CullingRating::from_efficiency(0.0), CullingRating::Poor);
        assert_eq!(CullingRating::from_efficiency(0.29999), CullingRating::Poor);
        assert_eq!(CullingRating::from_efficiency(0.3), CullingRating::Minimum);
        assert_eq!(
            CullingRating::from_efficiency(0.59999),
            CullingRating::Minimum
        );
        assert_eq!(CullingRating::from_efficiency(0.6), CullingRating::Good);
        assert_eq!(CullingRating::from_efficiency(0.79999), CullingRating::Good);
        assert_eq!(
            CullingRating::from_efficiency(0.8),
            CullingRating::Excellent
        );
        assert_eq!(
            CullingRating::from_efficiency(1.0),
            CullingRating::Excellent
        );
        assert_eq!(
            CullingRating::from_efficiency(f64::NAN),
            CullingRating::Poor
        );
        assert_eq!(MIN_CULLING_EFFICIENCY, 0.3);
        assert_eq!(GOOD_CULLING_EFFICIENCY, 0.6);
        assert_eq!(EXCELLENT_CULLING_EFFICIENCY, 0.8);
        assert_eq!(CullingRating::Excellent.name(), "EXCELLENT");
        assert!(CullingRating::Poor < CullingRating::Excellent);
    }

    #[test]
    fn rating_boundaries_reached_through_updates() {
        let mut s = stats_with(&[(0, "A")]);
        // 3 of 10 occluded: exactly 0.3.
        assert_eq!(s.update_occlusion(LevelId(0), "A", 7, 3), Ok(0.3));
        assert_eq!(s.get(LevelId(0)).unwrap().rating, CullingRating::Minimum);
        assert_eq!(s.update_occlusion(LevelId(0), "A", 4, 6), Ok(0.6));
        assert_eq!(s.get(LevelId(0)).unwrap().rating, CullingRating::Good);
        assert_eq!(s.update_occlusion(LevelId(0), "A", 2, 8), Ok(0.8));
        assert_eq!(s.get(LevelId(0)).unwrap().rating, CullingRating::Excellent);
        assert_eq!(s.update_occlusion(LevelId(0), "A", 71, 29), Ok(0.29));
        assert_eq!(s.get(LevelId(0)).unwrap().rating, CullingRating::Poor);
    }

    #[test]
    fn cost_model_defaults_validation_and_estimate() {
        let m = OcclusionCostModel::default();
        assert_eq!(m.triangles_per_actor, 5000.0);
        assert_eq!(m.draw_calls_per_actor, 2.0);
        assert_eq!(m.ms_per_draw_call, 0.01);
        assert_eq!(m.ms_per_million_triangles, 0.5);
        assert!(m.validate().is_ok());

        let e = m.estimate(10);
        assert_eq!(e.triangles, 50_000.0);
        assert_eq!(e.draw_calls, 20.0);
        // 20 * 0.01 + 0.05 * 0.5 = 0.225 ms.
        assert!(close(e.frame_time_ms, 0.225));
        assert_eq!(m.estimate(0), OcclusionSavings::default());

        let bad = OcclusionCostModel {
            ms_per_draw_call: -1.0,
            ..m
        };
        assert_eq!(
            bad.validate(),
            Err(StreamingError::NegativeValue {
                what: "ms_per_draw_call",
                value: -1.0
            })
        );
        assert!(OcclusionStats::new(bad).is_err());
        let nan = OcclusionCostModel {
            triangles_per_actor: f64::NAN,
            ..m
        };
        assert!(matches!(
            nan.validate(),
            Err(StreamingError::NonFiniteValue {
                what: "triangles_per_actor"
            })
        ));
    }

    #[test]
    fn create_starts_empty_and_refuses_duplicates() {
        let mut s = OcclusionStats::default();
        let d = s
            .create_occlusion_data(LevelId(3), "Forest", OcclusionType::Software)
            .unwrap();
        assert_eq!(d.level, LevelId(3));
        assert_eq!(d.occlusion_type, OcclusionType::Software);
        assert_eq!((d.visible_actors, d.occluded_actors, d.updates), (0, 0, 0));
        assert_eq!((d.efficiency, d.mean_efficiency), (0.0, 0.0));
        assert_eq!(d.rating, CullingRating::Poor);

        s.update_occlusion(LevelId(3), "Forest", 1, 1).unwrap();
        assert_eq!(
            s.create_occlusion_data(LevelId(3), "Forest", OcclusionType::Precomputed),
            Err(StreamingError::DuplicateName {
                kind: "occlusion data",
                name: "Forest".into()
            })
        );
        // Untouched by the refused create.
        let d = s.get(LevelId(3)).unwrap();
        assert_eq!(d.occlusion_type, OcclusionType::Software);
        assert_eq!(d.updates, 1);
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn efficiency_and_exact_accumulation() {
        let mut s = stats_with(&[(1, "Town")]);
        // 30 visible, 10 occluded: 0.25.
        assert_eq!(s.update_occlusion(LevelId(1), "Town", 30, 10), Ok(0.25));
        // 10 visible, 30 occluded: 0.75.
        assert_eq!(s.update_occlusion(LevelId(1), "Town", 10, 30), Ok(0.75));
        let d = s.get(LevelId(1)).unwrap();
        assert_eq!((d.visible_actors, d.occluded_actors), (10, 30));
        assert_eq!(d.efficiency, 0.75);
        assert_eq!(d.mean_efficiency, 0.5);
        assert_eq!(d.updates, 2);
        assert_eq!(d.rating, CullingRating::Good);
        // 40 occluded actors in total: 200 000 triangles, 80 draw calls.
        assert_eq!(d.triangles_saved_total, 200_000.0);
        assert_eq!(d.draw_calls_saved_total, 80.0);
        // 10 actors: 0.2 + 0.025 = 0.225 ms; 30 actors: 0.6 + 0.075 = 0.675 ms.
        assert!(close(d.last_frame_time_saved_ms, 0.675));
        assert!(close(d.frame_time_saved_ms_total, 0.9));
        assert_eq!(s.get_occlusion_efficiency(LevelId(1)), Ok(0.75));
    }

    #[test]
    fn zero_actors_gives_zero_efficiency_and_counts_in_the_mean() {
        let mut s = stats_with(&[(0, "Void")]);
        assert_eq!(s.update_occlusion(LevelId(0), "Void", 0, 0), Ok(0.0));
        let d = s.get(LevelId(0)).unwrap();
        assert_eq!((d.efficiency, d.updates), (0.0, 1));
        assert_eq!(d.rating, CullingRating::Poor);
        assert_eq!(d.last_frame_time_saved_ms, 0.0);
        assert_eq!(s.update_occlusion(LevelId(0), "Void", 0, 5), Ok(1.0));
        assert_eq!(s.get(LevelId(0)).unwrap().mean_efficiency, 0.5);
        // All visible.
        assert_eq!(s.update_occlusion(LevelId(0), "Void", 5, 0), Ok(0.0));
        let t = s.totals();
        assert_eq!(
            (t.visible_actors, t.occluded_actors, t.efficiency),
            (5, 0, 0.0)
        );
    }

    #[test]
    fn huge_counts_do_not_overflow() {
        let mut s = stats_with(&[(0, "Big")]);
        assert_eq!(
            s.update_occlusion(LevelId(0), "Big", u32::MAX, u32::MAX),
            Ok(0.5)
        );
    }

    #[test]
    fn unknown_level_is_not_found_and_changes_nothing() {
        let mut s = stats_with(&[(0, "A")]);
        assert_eq!(
            s.update_occlusion(LevelId(9), "Ghost", 1, 2),
            Err(StreamingError::NotFound {
                kind: "occlusion data",
                name: "Ghost".into()
            })
        );
        assert_eq!(
            s.get_occlusion_efficiency(LevelId(9)),
            Err(StreamingError::NotFound {
                kind: "occlusion data",
                name: "level #9".into()
            })
        );
        assert!(s.get(LevelId(9)).is_none());
        assert_eq!(s.len(), 1);
        assert_eq!(s.totals().occluded_actors, 0);
    }

    #[test]
    fn totals_sum_over_levels_and_updates() {
        let mut s = stats_with(&[(2, "B"), (0, "A"), (1, "C")]);
        assert_eq!(
            s.totals(),
            OcclusionTotals {
                levels: 3,
                ..OcclusionTotals::default()
            }
        );
        s.update_occlusion(LevelId(0), "A", 6, 4).unwrap(); // 0.4
        s.update_occlusion(LevelId(0), "A", 2, 8).unwrap(); // 0.8
        s.update_occlusion(LevelId(2), "B", 10, 0).unwrap(); // 0.0
                                                             // Level 1 never updated.
        let t = s.totals();
        assert_eq!(t.levels, 3);
        // Last updates: A 2 visible / 8 occluded, B 10 / 0, C 0 / 0.
        assert_eq!((t.visible_actors, t.occluded_actors), (12, 8));
        assert_eq!(t.efficiency, 0.4);
        // 12 occluded actors over all updates.
        assert_eq!(t.triangles_saved, 60_000.0);
        assert_eq!(t.draw_calls_saved, 24.0);
        // 12 actors: 24 * 0.01 + 0.06 * 0.5 = 0.27 ms.
        assert!(close(t.frame_time_saved_ms, 0.27));
        // Last updates: 8 actors (A) = 0.16 + 0.02 = 0.18 ms.
        assert!(close(t.last_frame_time_saved_ms, 0.18));

        let order: Vec<u32> = s.iter().map(|d| d.level.0).collect();
        assert_eq!(order, [0, 1, 2]);
        // Mean of 0.4 and 0.8.
        assert!(close(s.get(LevelId(0)).unwrap().mean_efficiency, 0.6));
    }

    #[test]
    fn custom_cost_model_applies_to_later_updates() {
        let model = OcclusionCostModel {
            triangles_per_actor: 1_000_000.0,
            draw_calls_per_actor: 1.0,
            ms_per_draw_call: 0.25,
            ms_per_million_triangles: 1.0,
        };
        let mut s = OcclusionStats::new(model).unwrap();
        assert_eq!(s.cost_model(), &model);
        s.create_occlusion_data(LevelId(0), "A", OcclusionType::Precomputed)
            .unwrap();
        s.update_occlusion(LevelId(0), "A", 0, 2).unwrap();
        // 2 draw calls * 0.25 + 2 M triangles * 1.0 = 2.5 ms.
        assert_eq!(s.get(LevelId(0)).unwrap().last_frame_time_saved_ms, 2.5);
        assert!(s
            .set_cost_model(OcclusionCostModel {
                ms_per_draw_call: f64::INFINITY,
                ..model
            })
            .is_err());
        s.set_cost_model(OcclusionCostModel {
            ms_per_draw_call: 0.5,
            ..model
        })
        .unwrap();
        s.update_occlusion(LevelId(0), "A", 0, 2).unwrap();
        let d = s.get(LevelId(0)).unwrap();
        assert_eq!(d.last_frame_time_saved_ms, 3.0);
        assert_eq!(d.frame_time_saved_ms_total, 5.5);
    }

    #[test]
    fn remove_and_recreate() {
        let mut s = stats_with(&[(0, "A")]);
        s.update_occlusion(LevelId(0), "A", 1, 1).unwrap();
        let removed = s.remove(LevelId(0)).unwrap();
        assert_eq!(removed.updates, 1);
        assert!(s.is_empty());
        assert!(s.remove(LevelId(0)).is_none());
        let d = s
            .create_occlusion_data(LevelId(0), "A", OcclusionType::Hierarchical)
            .unwrap();
        assert_eq!(d.updates, 0);
    }

    #[test]
    fn data_serializes_without_internal_sum() {
        let mut s = stats_with(&[(4, "A")]);
        s.update_occlusion(LevelId(4), "A", 1, 3).unwrap();
        let v = serde_json::to_value(s.get(LevelId(4)).unwrap()).unwrap();
        assert_eq!(v["level"], 4);
        assert_eq!(v["occlusion_type"], "HIERARCHICAL");
        assert_eq!(v["efficiency"], 0.75);
        assert_eq!(v["rating"], "GOOD");
        assert!(v.get("efficiency_sum").is_none());
    }
}
