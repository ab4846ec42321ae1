//! The built-in demo world: an open world of about three thousand volumes.
//!
//! - 9 **hubs** on a 3 x 3 grid, 3 km apart (HIGH; the central one
//!   CRITICAL), each with LOD settings;
//! - 12 **roads** joining neighbouring hubs, one small volume every 100 m,
//!   five volumes to a road level (NORMAL);
//! - 9 **districts** around the hubs, 12 blocks each, 24 building volumes
//!   to a block level; downtown districts are NORMAL, residential LOW,
//!   industrial BACKGROUND;
//! - 9 **landmarks** seen from far away (LOW, large load distance, LOD);
//! - budgets `core` (hubs, roads, landmarks) and `districts`;
//! - two authored sources, `player` and `drone`.
//!
//! Load distances are fixed margins, not velocity-based: each is chosen so
//! that a source at the default tour speed (30 m/s) reaches a volume no
//! sooner than the simulated disk (200 MB/s, 20 ms per request) can deliver
//! everything wanted on the way, with room for a failed load's retry. The
//! layout is the same for every seed.

use crate::core::lod::{LodLevel, DEFAULT_LOD_DISTANCES, DEFAULT_LOD_MEMORY_MB};
use crate::core::Priority;
use crate::world::{
    WorldBudget, WorldFile, WorldLevel, WorldLod, WorldSource, WorldVec3, WorldVolume,
};

use super::rng::Rng;

/// Distance between neighbouring hubs, in metres.
pub const HUB_SPACING: f64 = 3000.0;
/// Hub volume radius and load distance.
pub const HUB_RADIUS: f64 = 250.0;
/// See [`HUB_RADIUS`].
pub const HUB_LOAD_DISTANCE: f64 = 900.0;
/// Road segment volume radius, spacing and load distance.
pub const ROAD_RADIUS: f64 = 70.0;
/// See [`ROAD_RADIUS`].
pub const ROAD_SEGMENT_SPACING: f64 = 100.0;
/// See [`ROAD_RADIUS`].
pub const ROAD_LOAD_DISTANCE: f64 = 450.0;
/// Building volume load distance.
pub const BUILDING_LOAD_DISTANCE: f64 = 350.0;
/// Landmark load distance.
pub const LANDMARK_LOAD_DISTANCE: f64 = 2000.0;

const BLOCKS_PER_DISTRICT: usize = 12;
const BUILDINGS_PER_BLOCK: usize = 24;
const BLOCK_RING_RADIUS: f64 = 700.0;
const SEGMENTS_PER_ROAD_LEVEL: usize = 5;

fn v(x: f64, y: f64, z: f64) -> WorldVec3 {
    WorldVec3 { x, y, z }
}

fn hub_center(i: usize, j: usize) -> (f64, f64) {
    (
        (i as f64 - 1.0) * HUB_SPACING,
        (j as f64 - 1.0) * HUB_SPACING,
    )
}

/// The demo world.
pub fn demo_world() -> WorldFile {
    // A fixed seed: the layout does not change with the simulation seed.
    let mut rng = Rng::new(0x005e_ed0f_c17e);
    let mut world = WorldFile {
        budgets: vec![
            WorldBudget {
                name: "core".into(),
                max_memory_mb: 3072.0,
                priority: Priority::High,
                warning_threshold: 0.8,
                critical_threshold: 0.95,
            },
            WorldBudget {
                name: "districts".into(),
                max_memory_mb: 2048.0,
                priority: Priority::Normal,
                warning_threshold: 0.8,
                critical_threshold: 0.95,
            },
        ],
        ..WorldFile::default()
    };
    let lod = |auto_adjust: bool| WorldLod {
        current_lod: LodLevel::Ultra,
        auto_adjust,
        distance_thresholds: DEFAULT_LOD_DISTANCES,
        memory_thresholds: DEFAULT_LOD_MEMORY_MB,
    };

    // Hubs and landmarks.
    for j in 0..3 {
        for i in 0..3 {
            let (x, y) = hub_center(i, j);
            let hub = format!("Hub_{i}{j}");
            world.levels.push(WorldLevel {
                name: hub.clone(),
                priority: if (i, j) == (1, 1) {
                    Priority::Critical
                } else {
                    Priority::High
                },
                memory_mb: 160.0 + 10.0 * (i + j) as f64,
                budget: Some("core".into()),
                lod: Some(lod(true)),
            });
            world.volumes.push(WorldVolume {
                name: format!("{hub}_Volume"),
                level: hub.clone(),
                center: v(x, y, 0.0),
                radius: HUB_RADIUS,
                load_distance: HUB_LOAD_DISTANCE,
                unload_distance: None,
                priority: Priority::High,
                enabled: true,
            });
            let landmark = format!("Landmark_{i}{j}");
            world.levels.push(WorldLevel {
                name: landmark.clone(),
                priority: Priority::Low,
                memory_mb: 60.0,
                budget: Some("core".into()),
                lod: Some(lod(true)),
            });
            world.volumes.push(WorldVolume {
                name: format!("{landmark}_Volume"),
                level: landmark,
                center: v(x + 400.0, y + 400.0, 120.0),
                radius: 150.0,
                load_distance: LANDMARK_LOAD_DISTANCE,
                unload_distance: None,
                priority: Priority::Low,
                enabled: true,
            });
        }
    }

    // Roads between grid neighbours.
    let mut roads = Vec::new();
    for j in 0..3 {
        for i in 0..3 {
            if i + 1 < 3 {
                roads.push(((i, j), (i + 1, j)));
            }
            if j + 1 < 3 {
                roads.push(((i, j), (i, j + 1)));
            }
        }
    }
    for ((ai, aj), (bi, bj)) in roads {
        let (ax, ay) = hub_center(ai, aj);
        let (bx, by) = hub_center(bi, bj);
        let road = format!("Road_{ai}{aj}_{bi}{bj}");
        let segments: Vec<f64> = (0..)
            .map(|k| HUB_RADIUS + 50.0 + ROAD_SEGMENT_SPACING * k as f64)
            .take_while(|s| *s <= HUB_SPACING - HUB_RADIUS - 50.0)
            .collect();
        for (k, s) in segments.iter().enumerate() {
            let chunk = k / SEGMENTS_PER_ROAD_LEVEL;
            let level = format!("{road}_Chunk{chunk}");
            if k % SEGMENTS_PER_ROAD_LEVEL == 0 {
                world.levels.push(WorldLevel {
                    name: level.clone(),
                    priority: Priority::Normal,
                    memory_mb: 35.0 + 10.0 * rng.next_f64(),
                    budget: Some("core".into()),
                    lod: None,
                });
            }
            let f = s / HUB_SPACING;
            world.volumes.push(WorldVolume {
                name: format!("{road}_Segment{k:02}"),
                level,
                center: v(ax + (bx - ax) * f, ay + (by - ay) * f, 0.0),
                radius: ROAD_RADIUS,
                load_distance: ROAD_LOAD_DISTANCE,
                unload_distance: None,
                priority: Priority::Normal,
                enabled: true,
            });
        }
    }

    // Districts: downtown in the middle row, industrial in the corners.
    for j in 0..3 {
        for i in 0..3 {
            let (hx, hy) = hub_center(i, j);
            let (kind, priority) = if j == 1 {
                ("Downtown", Priority::Normal)
            } else if i == 1 {
                ("Residential", Priority::Low)
            } else {
                ("Industrial", Priority::Background)
            };
            for b in 0..BLOCKS_PER_DISTRICT {
                let angle = b as f64 * std::f64::consts::TAU / BLOCKS_PER_DISTRICT as f64;
                let (cx, cy) = (
                    hx + BLOCK_RING_RADIUS * angle.cos(),
                    hy + BLOCK_RING_RADIUS * angle.sin(),
                );
                let level = format!("{kind}_{i}{j}_Block{b:02}");
                world.levels.push(WorldLevel {
                    name: level.clone(),
                    priority,
                    memory_mb: (30.0 + 50.0 * rng.next_f64()).round(),
                    budget: Some("districts".into()),
                    lod: None,
                });
                for n in 0..BUILDINGS_PER_BLOCK {
                    let r = 160.0 * rng.next_f64().sqrt();
                    let a = rng.range(0.0, std::f64::consts::TAU);
                    world.volumes.push(WorldVolume {
                        name: format!("{level}_Building{n:02}"),
                        level: level.clone(),
                        center: v((cx + r * a.cos()).round(), (cy + r * a.sin()).round(), 0.0),
                        radius: rng.range(15.0, 40.0).round(),
                        load_distance: BUILDING_LOAD_DISTANCE,
                        unload_distance: None,
                        priority,
                        enabled: true,
                    });
                }
            }
        }
    }

    let (px, py) = hub_center(0, 0);
    let (dx, dy) = hub_center(2, 2);
    world.sources = vec![
        WorldSource {
            name: "player".into(),
            position: v(px, py, 0.0),
            velocity: WorldVec3::default(),
            priority: Priority::High,
            look_ahead_seconds: 0.0,
        },
        WorldSource {
            name: "drone".into(),
            position: v(dx, dy, 0.0),
            velocity: WorldVec3::default(),
            priority: Priority::Normal,
            look_ahead_seconds: 0.0,
        },
    ];
    world
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_world_is_big_valid_and_stable() {
        let world = demo_world();
        assert!(
            world.volumes.len() >= 2500,
            "{} volumes",
            world.volumes.len()
        );
        assert_eq!(world, demo_world());
        let mut m = crate::core::StreamingManager::default();
        crate::world::load_world(&mut m, &world).unwrap();
        assert_eq!(m.volume_count(), world.volumes.len());
        let priorities: std::collections::HashSet<_> =
            world.levels.iter().map(|l| l.priority).collect();
        assert_eq!(priorities.len(), 5, "every priority is used");
    }
}
