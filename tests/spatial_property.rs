//! Property tests: for random worlds and random paths, the decision the
//! spatial index makes equals a brute-force evaluation of the wanting rule,
//! frame by frame — including volumes on cell borders, huge volumes, zero
//! radius, sources far outside the world, teleports, look-ahead, sources
//! coming and going, and volumes changed at run time.

use std::collections::HashMap;

use level_streaming::core::volume::{nearest_gap, next_wants};
use level_streaming::core::*;
use proptest::prelude::*;

const CELL: f64 = 1000.0; // the index's default cell size

#[derive(Clone, Debug)]
struct V {
    center: Vec3,
    radius: f64,
    load: f64,
    unload: f64,
}

fn coord() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -20_000.0..20_000.0f64,
        // exactly on cell borders
        2 => (-5i32..5).prop_map(|k| k as f64 * CELL),
        1 => (-5i32..5).prop_map(|k| k as f64 * CELL + 0.5),
    ]
}

fn volume() -> impl Strategy<Value = V> {
    (
        coord(),
        coord(),
        -100.0..100.0f64,
        prop_oneof![3 => 0.0..600.0f64, 1 => Just(0.0), 1 => 10_000.0..200_000.0f64],
        0.0..2500.0f64,
        1.0..1.6f64,
    )
        .prop_map(|(x, y, z, radius, load, f)| V {
            center: Vec3::new(x, y, z),
            radius,
            load,
            unload: load * f,
        })
}

#[derive(Clone, Debug)]
enum Step {
    /// Move every source by up to this much (a walk).
    Walk(Vec<(f64, f64)>),
    /// Source i jumps to a new place (teleport, possibly far outside).
    Teleport(usize, f64, f64),
    /// Change the number of sources.
    Sources(usize),
    /// Look-ahead on/off for all sources.
    LookAhead(f64),
    /// Volume i moves / changes distances / toggles / is removed.
    MoveVolume(usize, f64, f64),
    Resize(usize, f64, f64),
    Toggle(usize),
    Remove(usize),
    Add(V),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        10 => prop::collection::vec((-60.0..60.0f64, -60.0..60.0f64), 4).prop_map(Step::Walk),
        1 => (0usize..4, prop_oneof![coord(), Just(1e7), Just(-3e9)], coord()).prop_map(|(i, x, y)| Step::Teleport(i, x, y)),
        1 => (0usize..5).prop_map(Step::Sources),
        1 => prop_oneof![Just(0.0), 0.5..20.0f64].prop_map(Step::LookAhead),
        1 => (0usize..64, coord(), coord()).prop_map(|(i, x, y)| Step::MoveVolume(i, x, y)),
        1 => (0usize..64, 0.0..800.0f64, 0.0..2000.0f64).prop_map(|(i, r, l)| Step::Resize(i, r, l)),
        1 => (0usize..64).prop_map(Step::Toggle),
        1 => (0usize..64).prop_map(Step::Remove),
        1 => volume().prop_map(Step::Add),
    ]
}

struct Model {
    volumes: HashMap<VolumeId, (V, bool /*enabled*/, bool /*wants*/)>,
}

fn check_world(volumes: Vec<V>, steps: Vec<Step>) -> Result<(), TestCaseError> {
    let mut m = StreamingManager::new(StreamingConfig {
        max_loads_in_flight: 0,
        ..StreamingConfig::default()
    })
    .unwrap();
    let mut model = Model {
        volumes: HashMap::new(),
    };
    let mut next_name = 0;
    let mut add = |m: &mut StreamingManager, model: &mut Model, v: V| {
        let mut desc = VolumeDesc::new(
            format!("v{next_name}"),
            format!("L{next_name}"),
            v.center,
            v.radius,
            v.load,
        );
        desc.unload_distance = Some(v.unload);
        next_name += 1;
        let id = m.create_streaming_volume(&desc).unwrap();
        model.volumes.insert(id, (v, true, false));
    };
    for v in volumes {
        add(&mut m, &mut model, v);
    }
    let mut sources: Vec<StreamingSource> = (0..2)
        .map(|i| StreamingSource::at(Vec3::new(i as f64 * 3000.0, 0.0, 0.0)))
        .collect();
    for (frame, step) in steps.into_iter().enumerate() {
        let mut ids: Vec<VolumeId> = model.volumes.keys().copied().collect();
        ids.sort();
        let pick = |i: usize| ids.get(i % ids.len().max(1)).copied();
        match step {
            Step::Walk(d) => {
                for (s, (dx, dy)) in sources.iter_mut().zip(d) {
                    s.velocity = Vec3::new(dx * 60.0, dy * 60.0, 0.0);
                    s.position.x += dx;
                    s.position.y += dy;
                }
            }
            Step::Teleport(i, x, y) => {
                if let Some(s) = sources.get_mut(i) {
                    s.position = Vec3::new(x, y, 0.0);
                }
            }
            Step::Sources(n) => {
                while sources.len() < n {
                    sources.push(StreamingSource::at(Vec3::new(
                        sources.len() as f64 * 777.0,
                        -500.0,
                        10.0,
                    )));
                }
                sources.truncate(n);
            }
            Step::LookAhead(t) => sources.iter_mut().for_each(|s| s.look_ahead_seconds = t),
            Step::MoveVolume(i, x, y) => {
                if let Some(id) = pick(i) {
                    let e = model.volumes.get_mut(&id).unwrap();
                    e.0.center = Vec3::new(x, y, e.0.center.z);
                    m.move_streaming_volume(id, e.0.center).unwrap();
                }
            }
            Step::Resize(i, r, l) => {
                if let Some(id) = pick(i) {
                    let e = model.volumes.get_mut(&id).unwrap();
                    e.0.radius = r;
                    e.0.load = l;
                    e.0.unload = l * 1.25;
                    m.set_volume_distances(id, r, l, Some(l * 1.25)).unwrap();
                }
            }
            Step::Toggle(i) => {
                if let Some(id) = pick(i) {
                    let e = model.volumes.get_mut(&id).unwrap();
                    e.1 = !e.1;
                    if !e.1 {
                        e.2 = false;
                    }
                    m.set_volume_enabled(id, e.1).unwrap();
                }
            }
            Step::Remove(i) => {
                if let Some(id) = pick(i) {
                    model.volumes.remove(&id);
                    m.remove_streaming_volume(id).unwrap();
                }
            }
            Step::Add(v) => add(&mut m, &mut model, v),
        }
        m.update(&sources, 1.0 / 60.0).unwrap();
        // Brute force, frame by frame.
        for (id, (v, enabled, wants)) in model.volumes.iter_mut() {
            if *enabled {
                let d = nearest_gap(&sources, &v.center, v.radius);
                *wants = next_wants(*wants, d, v.load, v.unload);
            }
            let got = m.volume(*id).unwrap().wants;
            prop_assert_eq!(
                got,
                *wants,
                "frame {}: volume {:?} {:?} enabled={} d={}",
                frame,
                id,
                v,
                enabled,
                nearest_gap(&sources, &v.center, v.radius)
            );
        }
        // And the level view agrees with the volumes.
        for level in m.levels() {
            let by_volumes = model
                .volumes
                .iter()
                .filter(|(id, e)| e.2 && m.volume(**id).unwrap().level == level.id)
                .count() as u32;
            prop_assert_eq!(level.wanting_volumes, by_volumes);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn indexed_decisions_equal_brute_force(
        volumes in prop::collection::vec(volume(), 1..64),
        steps in prop::collection::vec(step(), 1..160),
    ) {
        check_world(volumes, steps)?;
    }
}

/// A deterministic uniform [0, 1) generator (xorshift64).
fn uniform(mut state: u64) -> impl FnMut() -> f64 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` volumes uniform in a square of side `extent` and `height` high, with
/// the benchmark's radii (50-500), load distances (200-2000) and unload
/// (1.25 x load).
fn random_volumes(
    n: usize,
    (extent, height): (f64, f64),
    next: &mut impl FnMut() -> f64,
) -> Vec<V> {
    (0..n)
        .map(|_| {
            let load = 200.0 + next() * 1800.0;
            V {
                center: Vec3::new(next() * extent, next() * extent, next() * height),
                radius: 50.0 + next() * 450.0,
                load,
                unload: load * 1.25,
            }
        })
        .collect()
}

/// What the index needs of a test volume.
fn to_geom(v: &V) -> level_streaming::core::spatial::VolumeGeom {
    level_streaming::core::spatial::VolumeGeom {
        center: v.center,
        radius: v.radius,
        load: v.load,
        unload: v.unload,
    }
}

/// A long deterministic walk through a dense world, crossing many cells.
#[test]
fn a_long_walk_through_a_dense_world_matches_brute_force() {
    let mut next = uniform(0x9e3779b97f4a7c15u64);
    let volumes = random_volumes(600, (30_000.0, 200.0), &mut next);
    let steps: Vec<Step> = (0..2500)
        .map(|i| {
            if i % 700 == 699 {
                Step::Teleport(1, next() * 30_000.0, next() * 30_000.0)
            } else {
                Step::Walk(vec![(10.0, 7.0), (-3.0, 9.0), (0.0, 0.0), (0.0, 0.0)])
            }
        })
        .collect();
    check_world(volumes, steps).unwrap();
}

/// The bulk-built index (dense cell region, slots ordered by cell) against
/// brute force, with volumes added and removed after the build, some far
/// outside the built region.
fn check_built_index(
    volumes: Vec<V>,
    added: Vec<V>,
    steps: Vec<Vec<(f64, f64)>>,
) -> Result<(), TestCaseError> {
    use level_streaming::core::spatial::{SourceShape, WantingIndex};
    let mut all: Vec<V> = volumes.clone();
    let mut index = WantingIndex::build(&volumes.iter().map(to_geom).collect::<Vec<_>>());
    let mut live: Vec<bool> = vec![true; all.len()];
    let mut wants: Vec<bool> = vec![false; all.len()];
    let mut positions = [(0.0, 0.0), (5000.0, -3000.0)];
    let mut flipped = Vec::new();
    for (frame, step) in steps.into_iter().enumerate() {
        // Every few frames: add a volume (maybe far away) or remove one.
        if frame % 7 == 3 {
            if let Some(v) = added.get(frame / 7) {
                let mut v = v.clone();
                if frame % 2 == 0 {
                    v.center.x += 1e6; // outside the built (dense) region
                }
                index.insert(all.len() as u32, &to_geom(&v));
                all.push(v);
                live.push(true);
                wants.push(false);
            }
        }
        if frame % 11 == 5 && !all.is_empty() {
            let id = frame % all.len();
            if live[id] {
                index.remove(id as u32);
                live[id] = false;
                wants[id] = false;
            }
        }
        for (p, (dx, dy)) in positions.iter_mut().zip(step) {
            p.0 += dx;
            p.1 += dy;
        }
        let shapes: Vec<SourceShape> = positions
            .iter()
            .map(|&(x, y)| SourceShape::point(Vec3::new(x, y, 0.0)))
            .collect();
        flipped.clear();
        index.update(&shapes, &mut flipped);
        let geoms: Vec<_> = all.iter().map(to_geom).collect();
        assert_brute_force(frame, &index, &shapes, (&geoms, &live), &mut wants);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    #[test]
    fn bulk_built_index_equals_brute_force(
        volumes in prop::collection::vec(volume(), 1..80),
        added in prop::collection::vec(volume(), 0..20),
        steps in prop::collection::vec(prop::collection::vec((-400.0..400.0f64, -400.0..400.0f64), 2), 1..120),
    ) {
        check_built_index(volumes, added, steps)?;
    }
}

/// Sources stepping onto, and a hair either side of, the exact load and
/// unload boundaries of volumes (along skewed directions, so the square
/// roots round): the f32 scan cannot call these, and the index must decide
/// them with the brute-force f64 formula, frame by frame. Point sources and
/// look-ahead capsules.
#[test]
fn boundary_distances_are_decided_exactly() {
    boundary_walk(Vec3::new(0.0, 0.0, 0.0));
}

/// The same far from the world origin, and high up: the f32 coordinates
/// (relative to cells, to the source's origin, heights absolute) lose
/// precision there, which the tolerances must cover.
#[test]
fn boundary_distances_far_out_are_decided_exactly() {
    boundary_walk(Vec3::new(262_144.5, -190_000.25, 45_000.0));
}

/// Distances from a boundary the boundary tests put a source at.
const BOUNDARY_OFFSETS: [f64; 7] = [-1e-3, -1e-6, -1e-9, 0.0, 1e-9, 1e-6, 1e-3];

/// Unit directions (skewed: the square roots of the distances round).
const SKEWED_DIRECTIONS: [(f64, f64, f64); 4] = [
    (1.0, 0.0, 0.0),
    (0.6, 0.8, 0.0),
    (0.48, 0.6, 0.64),
    (-0.28, 0.96, 0.0),
];

/// The world of the boundary tests, around `offset`: forty volumes 700
/// apart in x (and up to 2,100 in y), radius 0-100, load 150-1,603, unload
/// 1 to 1.15 x load.
fn boundary_volumes(offset: Vec3) -> Vec<level_streaming::core::spatial::VolumeGeom> {
    (0..40)
        .map(|i| {
            let load = 150.0 + 37.25 * i as f64;
            level_streaming::core::spatial::VolumeGeom {
                center: Vec3::new(
                    offset.x + 700.0 * i as f64,
                    offset.y + 350.0 * (i % 7) as f64,
                    offset.z + 10.0 * (i % 3) as f64,
                ),
                radius: 25.0 * (i % 5) as f64,
                load,
                unload: load * (1.0 + 0.05 * (i % 4) as f64),
            }
        })
        .collect()
}

fn boundary_walk(offset: Vec3) {
    use level_streaming::core::spatial::{SourceShape, WantingIndex};
    let geoms = boundary_volumes(offset);
    let mut index = WantingIndex::build(&geoms);
    let mut wants = vec![false; geoms.len()];
    let mut flipped = Vec::new();
    let offsets = BOUNDARY_OFFSETS;
    let dirs = SKEWED_DIRECTIONS;
    let mut frames = 0;
    let mut decided_at_boundary = 0;
    for (v, g) in geoms.iter().enumerate() {
        for (k, &(dx, dy, dz)) in dirs.iter().enumerate() {
            // Approach the load boundary from outside (the volume does not
            // want: only `gap <= load` turns it on) and the unload boundary
            // from inside (it wants: only `gap > unload` turns it off).
            let far = Vec3::new(g.center.x + 1e5, g.center.y - 1e5, 0.0);
            for (boundary, before) in [(g.radius + g.load, far), (g.radius + g.unload, g.center)] {
                for (o, offset) in offsets.iter().enumerate() {
                    let d = boundary + offset;
                    let p = Vec3::new(
                        g.center.x + dx * d,
                        g.center.y + dy * d,
                        g.center.z + dz * d,
                    );
                    // Every other frame a capsule whose far end is the point.
                    let probe = if (v + k + o) % 2 == 0 {
                        SourceShape::point(p)
                    } else {
                        SourceShape {
                            start: Vec3::new(p.x - 90.0 * dy, p.y + 90.0 * dx, p.z),
                            end: p,
                        }
                    };
                    for shape in [SourceShape::point(before), probe] {
                        flipped.clear();
                        index.update(&[shape], &mut flipped);
                        frames += 1;
                        for (id, g) in geoms.iter().enumerate() {
                            let gap = shape.gap(g);
                            if (gap - g.load).abs() < 1e-2 || (gap - g.unload).abs() < 1e-2 {
                                decided_at_boundary += 1;
                            }
                            wants[id] = next_wants(wants[id], gap, g.load, g.unload);
                            assert_eq!(
                                index.wants(id as u32),
                                wants[id],
                                "frame {frames}: volume {id} {g:?} gap {gap} shape {shape:?}"
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(
        decided_at_boundary > 1000,
        "the walk must sit on boundaries"
    );
}

/// The same boundaries, decided by the per-frame scan of an anchored near
/// set rather than by building lanes: the source is anchored near the
/// volume (on the side where the volume's decision is known), then walks
/// onto the boundary in steps that keep it within the tracking margin of
/// that anchor, so every boundary frame is scanned (lanes leave their safe
/// interval, f32 cannot call them, `settle_lane` decides them in f64).
#[test]
fn boundary_distances_are_decided_exactly_by_the_scan() {
    boundary_scan_walk(Vec3::new(0.0, 0.0, 0.0));
}

/// The scanned boundaries far from the world origin, and high up.
#[test]
fn boundary_distances_far_out_are_decided_exactly_by_the_scan() {
    boundary_scan_walk(Vec3::new(262_144.5, -190_000.25, 45_000.0));
}

fn boundary_scan_walk(offset: Vec3) {
    use level_streaming::core::spatial::{SourceShape, WantingIndex, DEFAULT_TRACK_MARGIN};
    let geoms = boundary_volumes(offset);
    let live = vec![true; geoms.len()];
    let mut index = WantingIndex::build(&geoms);
    let mut wants = vec![false; geoms.len()];
    let mut flipped = Vec::new();
    let mut frames = 0;
    // One frame: returns how many sources `update` anchored.
    let mut frame = |shape: SourceShape, wants: &mut Vec<bool>| {
        flipped.clear();
        let anchored = index.update(&[shape], &mut flipped);
        assert_brute_force(frames, &index, &[shape], (&geoms, &live), wants);
        frames += 1;
        anchored
    };
    let (mut walks, mut scanned_walks, mut scanned_at_boundary) = (0, 0, 0);
    for (v, g) in geoms.iter().enumerate() {
        for (k, &(dx, dy, dz)) in SKEWED_DIRECTIONS.iter().enumerate() {
            // Perpendicular to the direction, in the horizontal plane
            // (every direction has a horizontal part).
            let h = (dx * dx + dy * dy).sqrt();
            let (px, py) = (-dy / h, dx / h);
            for (o, &off) in BOUNDARY_OFFSETS.iter().enumerate() {
                // The source at distance `d` from the centre along the
                // direction: a point, a short capsule across the direction,
                // or one pointing away from the volume (nearest end at the
                // point). Both ends move together, so they stay as close to
                // their anchors as the point does.
                let shape = |d: f64| {
                    let p = Vec3::new(
                        g.center.x + dx * d,
                        g.center.y + dy * d,
                        g.center.z + dz * d,
                    );
                    match (v + k + o) % 3 {
                        0 => SourceShape::point(p),
                        1 => SourceShape {
                            start: Vec3::new(p.x + 90.0 * px, p.y + 90.0 * py, p.z),
                            end: p,
                        },
                        _ => SourceShape {
                            start: Vec3::new(p.x + 60.0 * dx, p.y + 60.0 * dy, p.z + 60.0 * dz),
                            end: p,
                        },
                    }
                };
                // The load boundary from outside (anchored beyond the unload
                // distance: the volume does not want), the unload boundary
                // from inside (anchored within the load distance: it wants).
                let load_edge = (g.radius + g.load, g.radius + g.unload + 1.0, 1.0);
                let unload_edge = (g.radius + g.unload, g.radius + g.load - 1.0, -1.0);
                for (boundary, anchor, side) in [load_edge, unload_edge] {
                    // Far away first, so that the anchor is a fresh one.
                    let far = Vec3::new(g.center.x + 1e5, g.center.y - 1e5, 0.0);
                    frame(SourceShape::point(far), &mut wants);
                    assert_eq!(frame(shape(anchor), &mut wants), 1, "the source anchors");
                    assert_eq!(wants[v], side < 0.0, "the walk starts on its side");
                    // Steps onto the boundary, each within the margin of the
                    // anchor (at most 1.15 x 1,603 - 1,603 + 1 = 242 away);
                    // every other walk arrives from a lane sure in f32.
                    let span = (anchor - boundary).abs();
                    let near = if o % 2 == 0 { 0.01 } else { span * 0.2 };
                    let steps = [span * 0.5, near].map(|s| boundary + side * s);
                    let target = boundary + off;
                    let mut anchored = 0;
                    for d in steps.into_iter().chain([target]) {
                        assert!((d - anchor).abs() < 0.75 * DEFAULT_TRACK_MARGIN);
                        anchored = frame(shape(d), &mut wants);
                    }
                    walks += 1;
                    if anchored == 0 {
                        // The boundary frame was scanned, not anchored:
                        // count it, and every volume it left on a boundary.
                        scanned_walks += 1;
                        let s = shape(target);
                        scanned_at_boundary += geoms
                            .iter()
                            .filter(|g| {
                                let gap = s.gap(g);
                                (gap - g.load).abs() <= 2e-3 || (gap - g.unload).abs() <= 2e-3
                            })
                            .count();
                    }
                }
            }
        }
    }
    // 40 volumes x 4 directions x 7 offsets x 2 boundaries, each ending on
    // its boundary in a frame where `update` anchored nothing (returned 0):
    // the scan decided it.
    assert_eq!(walks, 40 * 4 * 7 * 2);
    assert_eq!(
        scanned_walks, walks,
        "every boundary frame must be scanned, not anchored"
    );
    assert!(
        scanned_at_boundary >= 2240,
        "scanned boundary decisions: {scanned_at_boundary}"
    );
}

/// Steps the brute-force decision of every live volume (`geoms[id]`,
/// `live[id]`) for this frame's shapes and asserts the index agrees.
fn assert_brute_force(
    frame: usize,
    index: &level_streaming::core::spatial::WantingIndex,
    shapes: &[level_streaming::core::spatial::SourceShape],
    (geoms, live): (&[level_streaming::core::spatial::VolumeGeom], &[bool]),
    wants: &mut [bool],
) {
    for (id, g) in geoms.iter().enumerate() {
        if !live[id] {
            continue;
        }
        let d = shapes
            .iter()
            .map(|s| s.gap(g))
            .fold(f64::INFINITY, f64::min);
        wants[id] = next_wants(wants[id], d, g.load, g.unload);
        assert_eq!(
            index.wants(id as u32),
            wants[id],
            "frame {frame} volume {id} {g:?} d={d}"
        );
    }
}

/// A dense bulk-built world (many volumes per cell and reach class, so the
/// per-class bounds of the grid matter), walked by four sources with
/// look-ahead on two of them, teleports and volumes moved and removed,
/// against brute force every frame.
#[test]
fn a_dense_bulk_built_world_matches_brute_force() {
    use level_streaming::core::spatial::{SourceShape, VolumeGeom, WantingIndex};
    let mut next = uniform(0x2545_f491_4f6c_dd1du64);
    let mut geoms: Vec<VolumeGeom> = random_volumes(12_000, (12_000.0, 1000.0), &mut next)
        .iter()
        .map(to_geom)
        .collect();
    let mut index = WantingIndex::build(&geoms);
    let mut live = vec![true; geoms.len()];
    let mut wants = vec![false; geoms.len()];
    let mut flipped = Vec::new();
    let mut pos: [(f64, f64); 4] = [
        (2000.0, 2000.0),
        (6000.0, 6000.0),
        (9000.0, 3000.0),
        (3000.0, 9000.0),
    ];
    let vel: [(f64, f64); 4] = [(9.0, 4.0), (-6.0, 7.0), (3.0, -10.0), (-8.0, -5.0)];
    for frame in 0..600 {
        for (p, v) in pos.iter_mut().zip(vel) {
            p.0 = (p.0 + v.0).rem_euclid(12_000.0);
            p.1 = (p.1 + v.1).rem_euclid(12_000.0);
        }
        if frame % 150 == 149 {
            pos[1] = (next() * 12_000.0, next() * 12_000.0);
        }
        if frame % 9 == 4 {
            let id = (next() * geoms.len() as f64) as usize;
            if live[id] {
                if frame % 2 == 0 {
                    index.remove(id as u32);
                    live[id] = false;
                    wants[id] = false;
                } else {
                    geoms[id].center.x += 300.0;
                    index.update_geometry(id as u32, &geoms[id]);
                }
            }
        }
        let shapes: Vec<SourceShape> = pos
            .iter()
            .zip(vel)
            .enumerate()
            .map(|(i, (&(x, y), (vx, vy)))| {
                let start = Vec3::new(x, y, 100.0);
                if i % 2 == 0 {
                    SourceShape::point(start)
                } else {
                    SourceShape {
                        start,
                        end: Vec3::new(x + vx * 30.0, y + vy * 30.0, 100.0),
                    }
                }
            })
            .collect();
        flipped.clear();
        index.update(&shapes, &mut flipped);
        assert_brute_force(frame, &index, &shapes, (&geoms, &live), &mut wants);
    }
}

/// Volumes registered one at a time while sources walk (how a host fills
/// the index): the index lays itself out again several times on the way,
/// keeping every decision, and matches brute force every frame.
#[test]
fn volumes_added_one_by_one_compact_and_match_brute_force() {
    use level_streaming::core::spatial::{SourceShape, VolumeGeom, WantingIndex};
    let mut next = uniform(0x51_7cc1_b727_220a);
    let all: Vec<VolumeGeom> = random_volumes(14_000, (12_000.0, 1000.0), &mut next)
        .iter()
        .map(to_geom)
        .collect();
    let mut index = WantingIndex::default();
    let mut live = vec![false; all.len()];
    let mut wants = vec![false; all.len()];
    let mut flipped = Vec::new();
    let mut added = 0;
    let mut pos: [(f64, f64); 3] = [(1000.0, 1000.0), (6000.0, 6000.0), (11_000.0, 2000.0)];
    let vel: [(f64, f64); 3] = [(9.0, 6.0), (-7.0, 5.0), (-4.0, 9.0)];
    for frame in 0..350 {
        // Forty new volumes a frame, and now and then one removed.
        for _ in 0..40 {
            if added < all.len() {
                index.insert(added as u32, &all[added]);
                live[added] = true;
                added += 1;
            }
        }
        if frame % 5 == 2 {
            let id = (next() * added as f64) as usize;
            if live[id] {
                index.remove(id as u32);
                live[id] = false;
                wants[id] = false;
            }
        }
        for (p, v) in pos.iter_mut().zip(vel) {
            p.0 = (p.0 + v.0).rem_euclid(12_000.0);
            p.1 = (p.1 + v.1).rem_euclid(12_000.0);
        }
        let shapes: Vec<SourceShape> = pos
            .iter()
            .map(|&(x, y)| SourceShape::point(Vec3::new(x, y, 200.0)))
            .collect();
        flipped.clear();
        index.update(&shapes, &mut flipped);
        let known = (&all[..added], &live[..added]);
        assert_brute_force(frame, &index, &shapes, known, &mut wants[..added]);
    }
    assert_eq!(index.len(), live.iter().filter(|&&l| l).count());
    // At 4,096 volumes, then once the churn since reaches half of all.
    assert_eq!(index.compactions(), 2);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// `for_each_near` (what `stream_around` asks) finds exactly the volumes
    /// brute force finds: `gap <= max(load, radius)`, with volumes added and
    /// removed after the build.
    #[test]
    fn near_query_equals_brute_force(
        volumes in prop::collection::vec(volume(), 1..80),
        added in prop::collection::vec(volume(), 0..20),
        removed in prop::collection::vec(0usize..100, 0..10),
        probes in prop::collection::vec((coord(), coord(), prop_oneof![Just(0.0), 0.0..5000.0f64, Just(1e7)]), 1..8),
    ) {
        use level_streaming::core::spatial::WantingIndex;
        let mut all: Vec<V> = volumes.clone();
        let mut index = WantingIndex::build(&volumes.iter().map(to_geom).collect::<Vec<_>>());
        for v in added {
            index.insert(all.len() as u32, &to_geom(&v));
            all.push(v);
        }
        let mut live = vec![true; all.len()];
        for r in removed {
            let id = r % all.len();
            index.remove(id as u32);
            live[id] = false;
        }
        for (x, y, radius) in probes {
            let p = Vec3::new(x, y, 0.0);
            let mut found = Vec::new();
            index.for_each_near(p, radius, |id| found.push(id));
            found.sort_unstable();
            let expected: Vec<u32> = (0..all.len())
                .filter(|&id| live[id])
                .filter(|&id| {
                    let gap = (p.distance(&all[id].center) - all[id].radius).max(0.0);
                    gap <= all[id].load || gap <= radius
                })
                .map(|id| id as u32)
                .collect();
            prop_assert_eq!(found, expected, "probe {:?} radius {}", p, radius);
        }
    }
}

/// Volumes more than 2^48 cells out (where the grid's cell numbers near
/// saturation) are decided by brute force; next to an ordinary one, a
/// source walking out there and back matches brute force every frame.
#[test]
fn volumes_beyond_the_grid_match_brute_force() {
    use level_streaming::core::spatial::{SourceShape, VolumeGeom, WantingIndex};
    let far = [3e17, 9e18, -2e19];
    let mut geoms = Vec::new();
    for (i, &x) in far.iter().enumerate() {
        for k in 0..4 {
            geoms.push(VolumeGeom {
                center: Vec3::new(x + 700.0 * k as f64, -250.0 * i as f64, 0.0),
                radius: 50.0,
                load: 400.0 + 100.0 * k as f64,
                unload: 600.0 + 100.0 * k as f64,
            });
        }
    }
    geoms.push(VolumeGeom {
        center: Vec3::new(100.0, 0.0, 0.0),
        radius: 50.0,
        load: 500.0,
        unload: 700.0,
    });
    let live = vec![true; geoms.len()];
    let mut wants = vec![false; geoms.len()];
    let mut index = WantingIndex::build(&geoms);
    let mut flipped = Vec::new();
    let mut frame = 0;
    let mut wanted_far = 0;
    for &x in far.iter().chain(&[0.0]) {
        for step in 0..40 {
            let p = Vec3::new(x - 1000.0 + 150.0 * step as f64, 30.0, 10.0);
            let shapes = [SourceShape::point(p)];
            flipped.clear();
            index.update(&shapes, &mut flipped);
            assert_brute_force(frame, &index, &shapes, (&geoms, &live), &mut wants);
            wanted_far += wants[..far.len() * 4].iter().filter(|&&w| w).count();
            frame += 1;
        }
    }
    assert!(wanted_far > 20, "the walk must reach the far volumes");
}

/// A look-ahead so long (billions of units) that its lanes are too far
/// from their origin for the f32 scan: every lane of that source is decided
/// in f64, alternating with ordinary sources, against brute force.
#[test]
fn an_absurd_look_ahead_is_decided_exactly() {
    use level_streaming::core::spatial::{SourceShape, VolumeGeom, WantingIndex};
    let mut next = uniform(0x0dd_5eed_1234_5678);
    let geoms: Vec<VolumeGeom> = random_volumes(3000, (12_000.0, 500.0), &mut next)
        .iter()
        .map(to_geom)
        .collect();
    let live = vec![true; geoms.len()];
    let mut wants = vec![false; geoms.len()];
    let mut index = WantingIndex::build(&geoms);
    let mut flipped = Vec::new();
    let mut decided_far = 0;
    for frame in 0..240 {
        let start = Vec3::new(
            1000.0 + 37.0 * frame as f64,
            2000.0 + 23.0 * frame as f64,
            100.0,
        );
        // Every 60 frames the long capsule becomes a point for a while.
        let long = (frame / 60) % 2 == 0;
        let end = if long {
            Vec3::new(start.x + 2e9, start.y + 3e9, 100.0)
        } else {
            start
        };
        let shapes = [
            SourceShape { start, end },
            SourceShape::point(Vec3::new(9000.0 - 20.0 * frame as f64, 6000.0, 50.0)),
        ];
        flipped.clear();
        index.update(&shapes, &mut flipped);
        assert_brute_force(frame, &index, &shapes, (&geoms, &live), &mut wants);
        if long {
            // Volumes the capsule itself has within load (not the point
            // source's): the index wanted each of them (checked above).
            decided_far += geoms.iter().filter(|g| shapes[0].gap(g) <= g.load).count();
        }
    }
    assert!(decided_far > 1000, "the long capsule must want volumes");
}

/// Teleports into cells whose reach classes alternate between wholly
/// within reach of the destination (copied without a test) and not (a
/// class with one tall volume, tested): the spans must neither lose nor
/// repeat a volume (debug builds assert that a near set holds a volume
/// once), for points and capsules; then volumes are removed there (a copy
/// must not take their tombstones).
#[test]
fn teleports_into_wholly_reached_classes_match_brute_force() {
    use level_streaming::core::spatial::{SourceShape, VolumeGeom, WantingIndex};
    let mut next = uniform(0x7e1e_0001_c1a5_55e5);
    let volume = |x: f64, y: f64, z: f64, (load, unload): (f64, f64)| VolumeGeom {
        center: Vec3::new(x, y, z),
        radius: 0.0,
        load,
        unload,
    };
    // Reaches 400, 600 and 900 m: three reach classes of 1 km cells; the
    // tall volume keeps the middle class from being wholly within reach.
    let mut geoms = Vec::new();
    for cell_x in [0.0, 20_000.0] {
        for distances in [(300.0, 400.0), (450.0, 600.0), (700.0, 900.0)] {
            for _ in 0..50 {
                let (x, y) = (cell_x + next() * 999.0, next() * 999.0);
                geoms.push(volume(x, y, 0.0, distances));
            }
        }
        geoms.push(volume(cell_x + 500.0, 500.0, 3000.0, (450.0, 600.0)));
    }
    let mut index = WantingIndex::build(&geoms);
    let mut live = vec![true; geoms.len()];
    let mut wants = vec![false; geoms.len()];
    let mut flipped = Vec::new();
    for frame in 0..80 {
        let p = Vec3::new(500.0 + 20_000.0 * (frame % 2) as f64, 500.0, 0.0);
        let shape = if frame % 4 < 2 {
            SourceShape::point(p)
        } else {
            SourceShape {
                start: p,
                end: Vec3::new(p.x + 30.0, p.y, 0.0),
            }
        };
        if frame == 40 {
            // Tombstones in every class of both cells.
            for id in (0..geoms.len()).step_by(37) {
                index.remove(id as u32);
                live[id] = false;
                wants[id] = false;
            }
        }
        flipped.clear();
        index.update(&[shape], &mut flipped);
        assert_brute_force(frame, &index, &[shape], (&geoms, &live), &mut wants);
    }
    assert!(wants.iter().any(|&w| w), "the teleports must want volumes");
}
