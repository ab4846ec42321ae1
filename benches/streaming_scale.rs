//! Streaming at scale: the per-frame wanting decision for 1k / 100k / 1M
//! volumes and 1 / 8 / 64 sources, walking and teleporting, against two
//! baselines measured in the same run:
//! - `seed_port`: a direct port of the original design (array of structs,
//!   f64, one volume at a time, per source);
//! - `soa_scan`: a vectorisable structure-of-arrays scan of all volumes;
//! - `index`: our spatial index (`WantingIndex`).
//!
//! World: volumes uniform in 100 km x 100 km x 1 km, radii 50-500 m, load
//! distances 200-2000 m, unload = 1.25 x load. Sources walk 10 m per frame.
//!
//! Quick mode (`LSM_BENCH_QUICK=1`, or `-- --quick`) keeps the run under two
//! minutes for CI smoke use. The last lines are `headline <name> <value> <unit>`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use level_streaming::core::spatial::{SourceShape, VolumeGeom, WantingIndex, DEFAULT_TRACK_MARGIN};
use level_streaming::core::types::Vec3;
use level_streaming::core::volume::next_wants;

/// Counts allocations so the benchmark can prove a steady-state update
/// allocates nothing.
struct CountingAllocator;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

const WORLD: f64 = 100_000.0;
const STEP: f64 = 10.0;
const TELEPORT: f64 = 10_000.0;

/// Small deterministic PRNG (xorshift64*), so every run builds the same world.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next_f64()
    }
}

fn world(n: usize) -> Vec<VolumeGeom> {
    let mut rng = Rng(0x5eed_0000_0000_0001 ^ n as u64);
    (0..n)
        .map(|_| {
            let load = rng.range(200.0, 2000.0);
            VolumeGeom {
                center: Vec3::new(
                    rng.range(0.0, WORLD),
                    rng.range(0.0, WORLD),
                    rng.range(0.0, 1000.0),
                ),
                radius: rng.range(50.0, 500.0),
                load,
                unload: load * 1.25,
            }
        })
        .collect()
}

/// Sources walking on circles around the world centre, 10 m per frame.
struct Walkers {
    angle: Vec<f64>,
    radius: Vec<f64>,
    offset: f64,
}

impl Walkers {
    fn new(s: usize) -> Self {
        Walkers {
            angle: (0..s)
                .map(|i| i as f64 * std::f64::consts::TAU / s as f64)
                .collect(),
            radius: (0..s)
                .map(|i| 10_000.0 + (i % 8) as f64 * 4_000.0)
                .collect(),
            offset: 0.0,
        }
    }
    fn step(&mut self, out: &mut Vec<SourceShape>) {
        out.clear();
        for (a, r) in self.angle.iter_mut().zip(&self.radius) {
            *a += STEP / r;
            let p = Vec3::new(
                WORLD / 2.0 + r * a.cos() + self.offset,
                WORLD / 2.0 + r * a.sin(),
                100.0,
            );
            out.push(SourceShape::point(p));
        }
    }
    /// Jumps every source 10 km east or back (alternating).
    fn teleport(&mut self, out: &mut Vec<SourceShape>) {
        self.offset = if self.offset == 0.0 { TELEPORT } else { 0.0 };
        self.step(out);
    }
}

/// The original design, ported directly: an array of structs, one volume at
/// a time, the distance test per source.
#[allow(dead_code)]
struct SeedVolume {
    volume_id: String,
    name: String,
    position: (f64, f64, f64),
    radius: f64,
    level_name: String,
    load_distance: f64,
    unload_distance: f64,
    priority: u32,
    is_active: bool,
}

fn seed_world(geoms: &[VolumeGeom]) -> Vec<SeedVolume> {
    geoms
        .iter()
        .enumerate()
        .map(|(i, g)| SeedVolume {
            volume_id: format!("vol_{i}"),
            name: format!("volume_{i}"),
            position: (g.center.x, g.center.y, g.center.z),
            radius: g.radius,
            level_name: format!("level_{i}"),
            load_distance: g.load,
            unload_distance: g.unload,
            priority: 3,
            is_active: false,
        })
        .collect()
}

fn seed_check(volumes: &mut [SeedVolume], sources: &[SourceShape], changes: &mut usize) {
    for v in volumes.iter_mut() {
        let mut d = f64::INFINITY;
        for s in sources {
            let (x, y, z) = v.position;
            let dist =
                ((s.start.x - x).powi(2) + (s.start.y - y).powi(2) + (s.start.z - z).powi(2))
                    .sqrt();
            d = d.min((dist - v.radius).max(0.0));
        }
        let wants = next_wants(v.is_active, d, v.load_distance, v.unload_distance);
        if wants != v.is_active {
            v.is_active = wants;
            *changes += 1;
        }
    }
}

/// Structure of arrays, branch-free and vectorisable: what a good linear
/// scan looks like. `gap <= load` is `distance <= radius + load`, so the
/// scan compares squared distances with precomputed squared reaches and
/// never takes a square root. It is f32 with 32-bit flags (four lanes per
/// SSE register, no narrowing; about 3x faster here than the same scan in
/// f64, though not exact at the boundaries), and walks the volumes once
/// per frame in L1-sized chunks, testing every source against a chunk
/// while it is in cache, so memory is read once whatever the number of
/// sources (a scan that re-reads all volumes per source is memory-bound
/// and several times slower).
struct Soa {
    x: Vec<f32>,
    y: Vec<f32>,
    z: Vec<f32>,
    /// (radius + load)^2
    load2: Vec<f32>,
    /// (radius + unload)^2
    unload2: Vec<f32>,
    wants: Vec<u32>,
}

/// Volumes per chunk of the SoA scan (5 x 4 bytes x 512 = 10 KB in L1).
const SOA_CHUNK: usize = 512;

impl Soa {
    fn new(geoms: &[VolumeGeom]) -> Self {
        Soa {
            x: geoms.iter().map(|g| g.center.x as f32).collect(),
            y: geoms.iter().map(|g| g.center.y as f32).collect(),
            z: geoms.iter().map(|g| g.center.z as f32).collect(),
            load2: geoms
                .iter()
                .map(|g| (g.radius + g.load).powi(2) as f32)
                .collect(),
            unload2: geoms
                .iter()
                .map(|g| (g.radius + g.unload).powi(2) as f32)
                .collect(),
            wants: vec![0; geoms.len()],
        }
    }

    #[allow(clippy::needless_range_loop)] // indexed loops vectorise here
    fn scan(&mut self, sources: &[SourceShape]) -> usize {
        let n = self.x.len();
        let mut changes = 0;
        // 32-bit flags: the same width as the f32 compares, no narrowing.
        let mut in_load = [0u32; SOA_CHUNK];
        let mut in_unload = [0u32; SOA_CHUNK];
        let mut base = 0;
        while base < n {
            let len = SOA_CHUNK.min(n - base);
            let x = &self.x[base..base + len];
            let y = &self.y[base..base + len];
            let z = &self.z[base..base + len];
            let l2 = &self.load2[base..base + len];
            let u2 = &self.unload2[base..base + len];
            let (il, iu) = (&mut in_load[..len], &mut in_unload[..len]);
            il.fill(0);
            iu.fill(0);
            for s in sources {
                let (sx, sy, sz) = (s.start.x as f32, s.start.y as f32, s.start.z as f32);
                for i in 0..len {
                    let (dx, dy, dz) = (x[i] - sx, y[i] - sy, z[i] - sz);
                    let d2 = dx * dx + dy * dy + dz * dz;
                    il[i] |= (d2 <= l2[i]) as u32;
                    iu[i] |= (d2 <= u2[i]) as u32;
                }
            }
            let wants = &mut self.wants[base..base + len];
            for i in 0..len {
                let w = il[i] | (iu[i] & wants[i]);
                changes += (w != wants[i]) as usize;
                wants[i] = w;
            }
            base += len;
        }
        changes
    }
}

fn quick() -> bool {
    std::env::var_os("LSM_BENCH_QUICK").is_some_and(|v| v != "0")
        || std::env::args().any(|a| a == "--quick")
}

/// Mean time of one call of `f` over `frames` calls after `warm` warm-up calls.
fn time_per_call(warm: usize, frames: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..warm {
        f();
    }
    let start = Instant::now();
    for _ in 0..frames {
        f();
    }
    start.elapsed() / frames as u32
}

fn bench_groups(c: &mut Criterion, quick: bool) {
    let sizes: &[usize] = if quick {
        &[1_000, 100_000]
    } else {
        &[1_000, 100_000, 1_000_000]
    };
    let source_counts: &[usize] = &[1, 8, 64];
    for &n in sizes {
        let geoms = world(n);
        let mut group = c.benchmark_group(format!("wanting_update_N{n}"));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(if quick { 1 } else { 3 }));
        group.warm_up_time(Duration::from_millis(300));
        for &s in source_counts {
            let mut shapes = Vec::new();
            {
                let mut index = WantingIndex::build(&geoms);
                let mut walkers = Walkers::new(s);
                let mut flipped = Vec::new();
                group.bench_function(BenchmarkId::new("index_walk", s), |b| {
                    b.iter(|| {
                        walkers.step(&mut shapes);
                        flipped.clear();
                        black_box(index.update(&shapes, &mut flipped));
                    })
                });
                group.bench_function(BenchmarkId::new("index_teleport", s), |b| {
                    b.iter(|| {
                        walkers.teleport(&mut shapes);
                        flipped.clear();
                        black_box(index.update(&shapes, &mut flipped));
                    })
                });
            }
            if n <= 100_000 || s == 8 {
                let mut soa = Soa::new(&geoms);
                let mut walkers = Walkers::new(s);
                group.bench_function(BenchmarkId::new("soa_scan_walk", s), |b| {
                    b.iter(|| {
                        walkers.step(&mut shapes);
                        black_box(soa.scan(&shapes));
                    })
                });
            }
            if n <= 100_000 && s <= 8 {
                let mut seed = seed_world(&geoms);
                let mut walkers = Walkers::new(s);
                group.bench_function(BenchmarkId::new("seed_port_walk", s), |b| {
                    b.iter(|| {
                        walkers.step(&mut shapes);
                        let mut changes = 0;
                        seed_check(&mut seed, &shapes, &mut changes);
                        black_box(changes);
                    })
                });
            }
        }
        group.finish();
    }
}

/// The least-squares line `y = a + b x` through `points`: `(a, b)`.
fn least_squares(points: &[(f64, f64)]) -> (f64, f64) {
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let b = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (mean_y - b * mean_x, b)
}

/// The median of `v` (the upper one of an even count).
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Median of three.
fn median3(mut v: [Duration; 3]) -> Duration {
    v.sort();
    v[1]
}

fn headlines(quick: bool) {
    let n = 1_000_000;
    let geoms = world(n);
    // Three builds; the median is the headline.
    let mut builds = [Duration::ZERO; 3];
    let mut index = WantingIndex::build(&[]);
    for b in &mut builds {
        drop(index);
        let start = Instant::now();
        index = WantingIndex::build(&geoms);
        *b = start.elapsed();
    }
    let build = median3(builds);
    let frames = if quick { 300 } else { 3000 };
    let mut shapes = Vec::new();
    let mut flipped = Vec::with_capacity(1 << 16);

    // Walking frames: the median of three runs of `frames / 3` frames each
    // (every run spans several re-anchorings of every source).
    let mut walk = |index: &mut WantingIndex, s: usize, frames: usize| {
        let mut w = Walkers::new(s);
        let mut runs = [Duration::ZERO; 3];
        for (i, run) in runs.iter_mut().enumerate() {
            let warm = if i == 0 { frames / 3 } else { 0 };
            *run = time_per_call(warm, frames / 3, || {
                w.step(&mut shapes);
                flipped.clear();
                black_box(index.update(&shapes, &mut flipped));
            });
        }
        median3(runs)
    };
    let walk_s8 = walk(&mut index, 8, frames);
    let walk_s64 = walk(&mut index, 64, frames / 3);
    let bytes_s64 = index.memory_bytes();
    let walk_s1 = walk(&mut index, 1, frames);

    // Steady state allocates nothing: count over walking frames (S = 8).
    let mut w = Walkers::new(8);
    let mut shapes8 = Vec::with_capacity(8);
    for _ in 0..frames {
        w.step(&mut shapes8);
        flipped.clear();
        index.update(&shapes8, &mut flipped);
    }
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..frames {
        w.step(&mut shapes8);
        flipped.clear();
        index.update(&shapes8, &mut flipped);
    }
    let allocations = (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / frames as f64;

    // Teleport frames (S = 1, each alternating 10 km east and back), the
    // cost of a decision change, and walking frames (S = 1), measured in
    // interleaved rounds: the machine's speed drifts during a run (by half,
    // on these shared machines), and a ratio is only meaningful between
    // figures from the same time. Each figure and each ratio is the median
    // of its per-round values.
    //
    // The cost of a decision change is measured where there is nothing
    // else to do: a source vanishing withdraws what it contributed and
    // turns off the volumes only it wanted.
    let teleport_rounds = if quick { 9 } else { 25 };
    let teleports = 8;
    let mut t = Walkers::new(1);
    let mut v = Walkers::new(1);
    let mut w = Walkers::new(1);
    let mut shapes1 = Vec::new();
    let mut round_teleport = Vec::new();
    let mut round_change = Vec::new();
    let mut round_walk = Vec::new();
    let mut round_ratio = Vec::new();
    let mut round_excl = Vec::new();
    let mut teleport_flips = 0;
    let mut teleport_frames = 0;
    for _ in 0..teleport_rounds {
        let mut flips = 0;
        let mut teleport_frame = |flips: &mut usize| {
            t.teleport(&mut shapes1);
            flipped.clear();
            black_box(index.update(&shapes1, &mut flipped));
            *flips += flipped.len();
        };
        // Two jumps first, not counted: the first of a round leaves where
        // the walking left the source (whose hysteresis keeps more volumes
        // wanted than a jump between the two teleport places does).
        let mut ignored = 0;
        for _ in 0..2 {
            teleport_frame(&mut ignored);
        }
        let teleport = time_per_call(0, teleports, || teleport_frame(&mut flips));
        teleport_flips += flips;
        teleport_frames += teleports;
        let flips = flips as f64 / teleports as f64;
        let mut vanish = Duration::ZERO;
        let mut vanish_flips = 0;
        for _ in 0..teleports {
            for _ in 0..5 {
                v.step(&mut shapes1);
                flipped.clear();
                index.update(&shapes1, &mut flipped);
            }
            flipped.clear();
            let start = Instant::now();
            black_box(index.update(&[], &mut flipped));
            vanish += start.elapsed();
            vanish_flips += flipped.len();
        }
        let change = vanish.as_secs_f64() / vanish_flips.max(1) as f64;
        // The first frame brings the source back to its path (and anchors
        // it); the source is then re-anchored every `period` frames (once
        // strictly farther than the margin), so timing a whole number of
        // periods counts re-anchorings as often as a long walk does.
        let period = (DEFAULT_TRACK_MARGIN / STEP).floor() as usize + 1;
        let walk = time_per_call(1, 2 * period, || {
            w.step(&mut shapes1);
            flipped.clear();
            black_box(index.update(&shapes1, &mut flipped));
        });
        let (teleport, walk) = (teleport.as_secs_f64(), walk.as_secs_f64());
        round_teleport.push(teleport);
        round_change.push(change);
        round_walk.push(walk);
        round_ratio.push(teleport / walk);
        round_excl.push((teleport - flips * change) / walk);
    }
    let teleport_flips = teleport_flips as f64 / teleport_frames as f64;
    let teleport = median(&mut round_teleport);
    let change = median(&mut round_change);
    let walk_in_rounds = median(&mut round_walk);
    let teleport_over_walk = median(&mut round_ratio);
    let teleport_excl_over_walk = median(&mut round_excl);

    // A description of how a teleport's cost grows with what it changes
    // (not a target figure): 10 km jumps (north and back) along lines at
    // several distances from the world's west edge, so that the destination
    // holds from no volume within reach (a jump between empty places) to a
    // full near set. In this uniform world the volumes a rebuild finds and
    // classifies grow with the flips, so a least-squares line through
    // (flips, time) has a slope that holds the per-change cost *and* the
    // finding and classifying; its intercept is extrapolated (the lines
    // outside the world skip most of the grid), so the jump that changes
    // nothing is printed as measured. The lines are visited in rounds,
    // interleaved, and each line's time is its median over the rounds, so
    // that the machine's drift during the run does not tilt the line.
    const EDGE_OFFSETS: [f64; 8] = [
        -4000.0, -3000.0, -2000.0, -1000.0, 0.0, 1000.0, 2000.0, 4000.0,
    ];
    let rounds = if quick { 5 } else { 9 };
    let per_round = if quick { 10 } else { 50 };
    let mut times = vec![Vec::new(); EDGE_OFFSETS.len()];
    let mut flips_per_line = vec![0.0; EDGE_OFFSETS.len()];
    for _ in 0..rounds {
        for (line, &edge_offset) in EDGE_OFFSETS.iter().enumerate() {
            let ends = [
                Vec3::new(edge_offset, WORLD / 2.0 - TELEPORT, 100.0),
                Vec3::new(edge_offset, WORLD / 2.0, 100.0),
            ];
            let mut frame = 0;
            let mut flips = 0;
            let mut jump = |flips: &mut usize| {
                frame += 1;
                shapes1.clear();
                shapes1.push(SourceShape::point(ends[frame % 2]));
                flipped.clear();
                black_box(index.update(&shapes1, &mut flipped));
                *flips += flipped.len();
            };
            // Two jumps onto the line first: the next ones jump along it.
            let mut ignored = 0;
            for _ in 0..2 {
                jump(&mut ignored);
            }
            times[line].push(time_per_call(0, per_round, || jump(&mut flips)));
            flips_per_line[line] = flips as f64 / per_round as f64;
        }
    }
    let points: Vec<(f64, f64)> = times
        .iter_mut()
        .zip(&flips_per_line)
        .map(|(t, &flips)| {
            t.sort();
            (flips, t[t.len() / 2].as_secs_f64())
        })
        .collect();
    let (intercept, per_flip) = least_squares(&points);
    // The line 4 km outside the world: no volume within reach of either end.
    assert_eq!(points[0].0, 0.0, "the outermost line reaches no volume");
    let to_empty = points[0].1;

    // The baselines in the same run.
    let mut soa = Soa::new(&geoms);
    let mut ws = Walkers::new(8);
    let mut shapes_soa = Vec::new();
    let soa_s8 = time_per_call(2, if quick { 5 } else { 20 }, || {
        ws.step(&mut shapes_soa);
        black_box(soa.scan(&shapes_soa));
    });

    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let us_f = |s: f64| s * 1e6;
    println!();
    println!(
        "machine: {} logical CPUs, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::env::consts::ARCH
    );
    for (edge, &(flips, time)) in EDGE_OFFSETS.iter().zip(&points) {
        println!(
            "teleport {:+.0} m from the world's edge: {flips:.0} flips, {:.2} us (line: {:.2} us)",
            edge,
            us_f(time),
            us_f(intercept + per_flip * flips)
        );
    }
    println!("headline update_us_1M_S1 {:.2} us", us(walk_s1));
    println!("headline update_us_1M_S8 {:.2} us", us(walk_s8));
    println!("headline soa_scan_us_1M_S8 {:.1} us", us(soa_s8));
    println!(
        "headline speedup_vs_soa_scan_1M_S8 {:.0} x",
        soa_s8.as_secs_f64() / walk_s8.as_secs_f64()
    );
    println!("headline update_us_1M_S64 {:.2} us", us(walk_s64));
    println!(
        "rounds of teleports, changes and walking (S = 1): {teleport_rounds}; walking frame in them {:.2} us",
        us_f(walk_in_rounds)
    );
    println!("headline teleport_us_1M_S1 {:.1} us", us_f(teleport));
    println!("headline teleport_flips_1M_S1 {teleport_flips:.0} volumes");
    println!("headline change_us_1M {:.3} us", change * 1e6);
    println!("headline teleport_over_walk_1M_S1 {teleport_over_walk:.1} x");
    println!("headline teleport_over_walk_excluding_changes_1M_S1 {teleport_excl_over_walk:.1} x");
    println!(
        "headline teleport_to_empty_us_1M_S1 {:.2} us",
        us_f(to_empty)
    );
    println!(
        "headline teleport_fit_intercept_us_1M_S1 {:.2} us",
        us_f(intercept)
    );
    println!(
        "headline teleport_fit_us_per_flip_1M_S1 {:.4} us",
        us_f(per_flip)
    );
    println!(
        "headline bytes_per_volume {:.1} bytes",
        index.memory_bytes() as f64 / n as f64
    );
    println!(
        "headline bytes_per_volume_S64 {:.1} bytes",
        bytes_s64 as f64 / n as f64
    );
    println!(
        "headline geometry_bytes_per_volume {:.1} bytes",
        index.geometry_bytes() as f64 / n as f64
    );
    println!("headline build_ms_1M {:.1} ms", build.as_secs_f64() * 1e3);
    println!("headline allocations_per_update {allocations:.3} allocations");
}

fn main() {
    let quick = quick();
    let mut c = Criterion::default().configure_from_args();
    bench_groups(&mut c, quick);
    c.final_summary();
    headlines(quick);
}
