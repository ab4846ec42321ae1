//! The simulator behind `lsm-sim`: plays the host engine around a
//! [`StreamingManager`] so the library can be watched, tuned and tested
//! without Unreal.
//!
//! Each [`Simulation::step`] is one game frame:
//! 1. the sources move along their path ([`path`]);
//! 2. the simulated host reports the requests that finished
//!    ([`host::SimHost`]: loads take `latency + size / bandwidth` on a disk
//!    that serves one load at a time, some fail at random);
//! 3. `update` with the sources, then every issued request is taken and
//!    started by the host;
//! 4. frame time, memory, draw calls and triangles are synthesised from
//!    what is visible and given to `profile_frame`;
//! 5. the events are drained (into the trace recorder, if any) and the frame
//!    is checked for a hitch.
//!
//! **Hitch.** A frame is a hitch when a source is within the load range
//! (`d <= load_distance`) of a wanted level that is not ACTIVE yet. Sources
//! stream with a velocity look-ahead (`SimConfig::look_ahead_seconds`), so
//! levels ahead are requested before a source reaches their load range;
//! streaming keeps up when they are active by then. Frames in which a
//! source is even *inside* a volume (`d == 0`) of a level not active — the
//! player would see missing content — are also counted on their own as
//! `inside_missing_frames`.
//!
//! **Loading screens.** At the start and after a teleport a source waits
//! (does not move) behind a loading screen until nothing within its load
//! ranges is missing (at most `max_hold_seconds`); those frames are counted
//! as `loading_screen_frames`, not hitches.
//!
//! Everything is deterministic given the seed ([`rng::Rng`]).

pub mod demo;
pub mod host;
pub mod path;
pub mod record;
pub mod rng;

use std::fmt;

use serde::Serialize;

use crate::core::lod::LodLevel;
use crate::core::profiler::ProfilingMetric;
use crate::core::volume::gap_distance;
use crate::core::{
    Event, LevelId, Request, RequestKind, StreamingConfig, StreamingManager, StreamingSource,
    StreamingState,
};
use crate::export::TraceRecorder;
use crate::world::{manager_from_world, WorldFile};

use host::{HostConfig, Job, SimHost};
use path::{PathSpec, SourceMotion, Teleport};
use record::{drive_frame, Completion, FrameMetrics, RecordedFrame, Recording};
use rng::Rng;

/// Everything a simulation is set up with.
#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    /// Seed of every random choice (paths, failures, noise).
    pub seed: u64,
    /// Frame time step in seconds (default 1/60).
    pub dt: f64,
    /// Number of sources on the tour or random walk; 0 = one per authored
    /// source of the world (at least one). Ignored for path files.
    pub sources: usize,
    /// Speed of the first source in m/s (others go a little slower).
    pub speed: f64,
    /// The path the sources follow.
    pub path: PathSpec,
    /// The simulated host.
    pub host: HostConfig,
    /// The manager's configuration.
    pub streaming: StreamingConfig,
    /// Longest wait behind a loading screen, seconds.
    pub max_hold_seconds: f64,
    /// Velocity look-ahead given to every source, seconds (see
    /// `StreamingSource::look_ahead_seconds`): levels ahead are requested
    /// this long before the source reaches them. Default 6.
    pub look_ahead_seconds: f64,
    /// Keep a Chrome trace of the run.
    pub trace: bool,
    /// Keep a recording of the run.
    pub record: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 7,
            dt: 1.0 / 60.0,
            sources: 0,
            speed: 30.0,
            path: PathSpec::Tour,
            host: HostConfig::default(),
            streaming: StreamingConfig::default(),
            max_hold_seconds: 30.0,
            look_ahead_seconds: 6.0,
            trace: false,
            record: false,
        }
    }
}

/// What one frame looked like.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FrameReport {
    /// Frame number (1-based).
    pub frame: u64,
    /// Game time, seconds.
    pub time: f64,
    /// Whether the frame was a hitch.
    pub hitch: bool,
    /// Synthesised frame time, ms.
    pub frame_time_ms: f64,
    /// Active levels.
    pub active_levels: usize,
    /// Loads in flight.
    pub loads_in_flight: u32,
    /// Memory held by levels, MB.
    pub memory_mb: f64,
    /// Sources waiting behind a loading screen.
    pub sources_waiting: usize,
}

/// Peak memory of one budget.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BudgetPeak {
    /// Budget name.
    pub name: String,
    /// Highest usage seen at the end of a frame, MB.
    pub peak_mb: f64,
    /// Its maximum, MB.
    pub max_mb: f64,
}

/// Frame-time percentiles over the whole run (nearest rank).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
}

/// The end-of-run summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Frames simulated.
    pub frames: u64,
    /// Game time, seconds.
    pub seconds: f64,
    /// Sources.
    pub sources: usize,
    /// Volumes and levels of the world.
    pub volumes: usize,
    /// Levels.
    pub levels: usize,
    /// Loads completed successfully.
    pub loads: u64,
    /// Unloads completed successfully.
    pub unloads: u64,
    /// Failed requests (injected failures), all kinds.
    pub failures: u64,
    /// Loads that were given up after the last retry.
    pub loads_given_up: u64,
    /// Frames with a source within the load range of a level that was not active.
    pub hitches: u64,
    /// Distinct levels that caused a hitch.
    pub hitch_levels: usize,
    /// Frames with a source inside a volume whose level was not active (a
    /// subset of the hitches: content visibly missing).
    pub inside_missing_frames: u64,
    /// Frames in which some source waited behind a loading screen.
    pub loading_screen_frames: u64,
    /// Teleports.
    pub teleports: u64,
    /// Peak of memory held by all levels, MB.
    pub peak_memory_mb: f64,
    /// Sum of the budgets' maxima, MB.
    pub total_budget_mb: f64,
    /// Peak per budget.
    pub budgets: Vec<BudgetPeak>,
    /// Frame-time percentiles, ms.
    pub frame_time_ms: Percentiles,
    /// Frames over the profiler's target.
    pub frames_over_target: u64,
    /// Requests issued, by kind name.
    pub requests_issued: Vec<(String, u64)>,
    /// Completions the manager refused (a simulator bug if not zero).
    pub host_errors: u64,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "simulated {} frames ({:.1} s of game time), {} source(s), {} volumes, {} levels",
            self.frames, self.seconds, self.sources, self.volumes, self.levels
        )?;
        writeln!(
            f,
            "  loads {}   unloads {}   failures {} (given up {})   teleports {}",
            self.loads, self.unloads, self.failures, self.loads_given_up, self.teleports
        )?;
        writeln!(
            f,
            "  hitches {} frame(s) on {} level(s)   [inside a missing level: {} frames; behind loading screens: {} frames]",
            self.hitches,
            self.hitch_levels,
            self.inside_missing_frames,
            self.loading_screen_frames
        )?;
        writeln!(
            f,
            "  peak memory {:.0} MB of {:.0} MB budgeted",
            self.peak_memory_mb, self.total_budget_mb
        )?;
        for b in &self.budgets {
            writeln!(
                f,
                "    {:<12} peak {:>7.0} MB of {:>7.0} MB ({:.0}%)",
                b.name,
                b.peak_mb,
                b.max_mb,
                if b.max_mb > 0.0 {
                    100.0 * b.peak_mb / b.max_mb
                } else {
                    0.0
                }
            )?;
        }
        writeln!(
            f,
            "  frame time p50 {:.2} ms   p90 {:.2} ms   p99 {:.2} ms   max {:.2} ms   ({} frames over target)",
            self.frame_time_ms.p50,
            self.frame_time_ms.p90,
            self.frame_time_ms.p99,
            self.frame_time_ms.max,
            self.frames_over_target
        )?;
        let issued: Vec<String> = self
            .requests_issued
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        write!(f, "  requests issued: {}", issued.join(", "))?;
        if self.host_errors > 0 {
            write!(f, "\n  HOST ERRORS: {}", self.host_errors)?;
        }
        Ok(())
    }
}

/// A running simulation. See the module documentation.
pub struct Simulation {
    config: SimConfig,
    manager: StreamingManager,
    host: SimHost,
    motion: SourceMotion,
    rng: Rng,
    time: f64,
    frame: u64,
    sources: Vec<StreamingSource>,
    /// Per source: waiting behind a loading screen since this game time.
    held_since: Vec<Option<f64>>,
    held: Vec<bool>,
    /// Per level: its size on disk (the world's estimate), draw calls and LOD.
    sizes: Vec<f64>,
    lods: Vec<LodLevel>,
    trace: Option<TraceRecorder>,
    recording: Option<Recording>,
    // Statistics.
    hitches: u64,
    hitch_levels: Vec<bool>,
    in_range_frames: u64,
    loading_screen_frames: u64,
    teleports: u64,
    given_up: u64,
    peak_memory: f64,
    budget_peaks: Vec<f64>,
    frame_times: Vec<f64>,
    frames_over_target: u64,
    host_errors: u64,
    // Scratch.
    jobs: Vec<Job>,
    completions: Vec<Completion>,
    requests: Vec<Request>,
    teleport_list: Vec<Teleport>,
}

impl Simulation {
    /// A simulation of `world` (loaded into a fresh manager).
    pub fn new(world: &WorldFile, config: SimConfig) -> Result<Simulation, String> {
        if !(config.dt.is_finite() && config.dt > 0.0) {
            return Err(format!(
                "dt must be a finite number > 0 (got {})",
                config.dt
            ));
        }
        config.host.validate()?;
        let mut manager =
            manager_from_world(config.streaming.clone(), world).map_err(|e| e.to_string())?;
        while manager.poll_event().is_some() {}
        let mut rng = Rng::new(config.seed);
        let count = if config.sources == 0 {
            world.sources.len().max(1)
        } else {
            config.sources
        };
        let motion = SourceMotion::new(&config.path, world, count, config.speed, &mut rng)?;
        let mut sources = Vec::new();
        motion.sources_into(&mut sources);
        sources
            .iter_mut()
            .for_each(|s| s.look_ahead_seconds = config.look_ahead_seconds);
        let levels = manager.level_count();
        let sizes = manager.levels().map(|l| l.memory_mb).collect();
        let lods = manager
            .levels()
            .map(|l| l.lod.map_or(LodLevel::Ultra, |s| s.current_lod))
            .collect();
        let n = motion.len();
        let host = SimHost::new(config.host.clone());
        Ok(Simulation {
            trace: config.trace.then(TraceRecorder::default),
            recording: config
                .record
                .then(|| Recording::new(config.seed, config.streaming.clone(), world.clone())),
            budget_peaks: vec![0.0; manager.memory_budgets().len()],
            held_since: vec![Some(0.0); n],
            held: vec![true; n],
            hitch_levels: vec![false; levels],
            config,
            manager,
            host,
            motion,
            rng,
            time: 0.0,
            frame: 0,
            sources,
            sizes,
            lods,
            hitches: 0,
            in_range_frames: 0,
            loading_screen_frames: 0,
            teleports: 0,
            given_up: 0,
            peak_memory: 0.0,
            frame_times: Vec::new(),
            frames_over_target: 0,
            host_errors: 0,
            jobs: Vec::new(),
            completions: Vec::new(),
            requests: Vec::new(),
            teleport_list: Vec::new(),
        })
    }

    /// The manager (for status, exports and the dashboard).
    pub fn manager(&self) -> &StreamingManager {
        &self.manager
    }

    /// The manager, mutably: the dashboard's pump sends its commands
    /// through the same API the C side uses. Call between steps.
    pub fn manager_mut(&mut self) -> &mut StreamingManager {
        &mut self.manager
    }

    /// The configuration.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The sources of the last frame.
    pub fn sources(&self) -> &[StreamingSource] {
        &self.sources
    }

    /// Names of the sources.
    pub fn source_names(&self) -> &[String] {
        self.motion.names()
    }

    /// The trace recorder, if the run keeps a trace.
    pub fn trace(&self) -> Option<&TraceRecorder> {
        self.trace.as_ref()
    }

    /// The trace as Chrome-trace JSON, if the run keeps a trace.
    pub fn trace_json(&self) -> Option<String> {
        self.trace.as_ref().map(|t| t.to_json(&self.manager))
    }

    /// The recording so far, if the run keeps one.
    pub fn recording(&self) -> Option<&Recording> {
        self.recording.as_ref()
    }

    /// Frames simulated so far.
    pub fn frame(&self) -> u64 {
        self.frame
    }

    /// Hitch frames so far.
    pub fn hitches(&self) -> u64 {
        self.hitches
    }

    /// Simulates one frame.
    pub fn step(&mut self) -> FrameReport {
        let dt = self.config.dt;
        self.time += dt;
        self.frame += 1;
        let now = self.time;

        // 1. Move.
        self.teleport_list.clear();
        self.motion
            .advance(dt, &self.held, &mut self.rng, &mut self.teleport_list);
        self.motion.sources_into(&mut self.sources);
        let look_ahead = self.config.look_ahead_seconds;
        self.sources
            .iter_mut()
            .for_each(|s| s.look_ahead_seconds = look_ahead);
        for &(i, _, _) in &self.teleport_list {
            self.teleports += 1;
            self.held_since[i] = Some(now);
            self.held[i] = true;
        }

        // 2. Completions of work finished before this frame.
        self.jobs.clear();
        self.host.finished_before(now, &mut self.jobs);
        self.completions.clear();
        self.completions
            .extend(self.jobs.iter().map(|j| Completion {
                request: j.id,
                success: j.success,
                memory_mb: j.memory_mb,
            }));
        let loaded_mb: f64 = self
            .jobs
            .iter()
            .filter(|j| j.kind == RequestKind::Load && j.success)
            .filter_map(|j| j.memory_mb)
            .sum();

        // 3-4. Update, take requests, frame metrics, events.
        let mut requests = std::mem::take(&mut self.requests);
        let sizes = &self.sizes;
        let lods = &self.lods;
        let rng = &mut self.rng;
        let (decisions, metrics) = drive_frame(
            &mut self.manager,
            &self.completions,
            &self.sources,
            dt,
            |m| synthesize_metrics(m, sizes, lods, loaded_mb, rng),
            &mut requests,
            &mut self.host_errors,
        );
        for r in &requests {
            let size = self.sizes.get(r.level.0 as usize).copied().unwrap_or(0.0);
            self.host.start(r, size, now, &mut self.rng);
        }
        self.requests = requests;

        // 5. Events, trace, statistics.
        if let Some(trace) = &mut self.trace {
            for &(i, from, to) in &self.teleport_list {
                trace.record_teleport(now, i, from, to);
            }
            for e in &decisions.events {
                trace.record_event(self.manager.now(), e);
            }
            trace.record_counters(&self.manager);
        }
        for e in &decisions.events {
            match *e {
                Event::LodChanged { level, to, .. } => {
                    if let Some(l) = self.lods.get_mut(level.0 as usize) {
                        *l = to;
                    }
                }
                Event::LoadFailed {
                    will_retry: false, ..
                } => self.given_up += 1,
                _ => {}
            }
        }
        let hitch = self.check_hitches(now);
        let memory = self.manager.used_memory_mb();
        self.peak_memory = self.peak_memory.max(memory);
        for (peak, b) in self
            .budget_peaks
            .iter_mut()
            .zip(self.manager.memory_budgets())
        {
            *peak = peak.max(b.current_usage_mb);
        }
        self.frame_times.push(metrics.frame_time_ms);
        if metrics.frame_time_ms > self.manager.profiler().config().target_frame_time_ms {
            self.frames_over_target += 1;
        }
        if let Some(rec) = &mut self.recording {
            rec.frames.push(RecordedFrame {
                dt,
                completions: self.completions.clone(),
                sources: self.sources.clone(),
                metrics,
                decisions,
            });
        }
        let active = (0..self.manager.level_count())
            .filter(|i| self.manager.level_state(LevelId(*i as u32)) == Ok(StreamingState::Active))
            .count();
        FrameReport {
            frame: self.frame,
            time: now,
            hitch,
            frame_time_ms: metrics.frame_time_ms,
            active_levels: active,
            loads_in_flight: self.manager.loads_in_flight(),
            memory_mb: memory,
            sources_waiting: self.held.iter().filter(|h| **h).count(),
        }
    }

    /// Applies the hitch rule of the module documentation; releases sources
    /// whose loading screen is done. True if this frame is a hitch.
    fn check_hitches(&mut self, now: f64) -> bool {
        let mut frame_hitch = false;
        let mut frame_in_range = false;
        let mut any_held = false;
        for (i, source) in self.sources.iter().enumerate() {
            let mut inside_missing = false;
            let mut in_range_missing = false;
            for v in self.manager.volumes() {
                if !v.enabled {
                    continue;
                }
                let d = gap_distance(&source.position, &v.center, v.radius);
                if d > v.load_distance {
                    continue;
                }
                if self.manager.level_state(v.level) == Ok(StreamingState::Active) {
                    continue;
                }
                in_range_missing = true;
                if !self.held[i] {
                    if let Some(h) = self.hitch_levels.get_mut(v.level.0 as usize) {
                        *h = true;
                    }
                }
                if d <= 0.0 {
                    inside_missing = true;
                }
            }
            if self.held[i] {
                let waited = now - self.held_since[i].unwrap_or(now);
                if !in_range_missing || waited >= self.config.max_hold_seconds {
                    self.held[i] = false;
                    self.held_since[i] = None;
                } else {
                    any_held = true;
                }
            } else {
                frame_hitch |= in_range_missing;
                frame_in_range |= inside_missing;
            }
        }
        if frame_hitch {
            self.hitches += 1;
        }
        if frame_in_range {
            self.in_range_frames += 1;
        }
        if any_held {
            self.loading_screen_frames += 1;
        }
        frame_hitch
    }

    /// The summary of the run so far.
    pub fn summary(&self) -> Summary {
        let counts = self.manager.request_counts();
        let ok = |k: RequestKind| counts.completed(k) - counts.failed(k);
        let mut sorted = self.frame_times.clone();
        sorted.sort_by(f64::total_cmp);
        let pct = |p: usize| -> f64 {
            if sorted.is_empty() {
                return 0.0;
            }
            let rank = (p * sorted.len()).div_ceil(100).clamp(1, sorted.len());
            sorted[rank - 1]
        };
        let budgets = self.manager.memory_budgets();
        Summary {
            frames: self.frame,
            seconds: self.time,
            sources: self.sources.len(),
            volumes: self.manager.volume_count(),
            levels: self.manager.level_count(),
            loads: ok(RequestKind::Load),
            unloads: ok(RequestKind::Unload),
            failures: counts.failed.iter().sum(),
            loads_given_up: self.given_up,
            hitches: self.hitches,
            hitch_levels: self.hitch_levels.iter().filter(|h| **h).count(),
            inside_missing_frames: self.in_range_frames,
            loading_screen_frames: self.loading_screen_frames,
            teleports: self.teleports,
            peak_memory_mb: self.peak_memory,
            total_budget_mb: budgets.iter().map(|b| b.max_memory_mb).sum(),
            budgets: budgets
                .iter()
                .zip(&self.budget_peaks)
                .map(|(b, peak)| BudgetPeak {
                    name: b.name.clone(),
                    peak_mb: *peak,
                    max_mb: b.max_memory_mb,
                })
                .collect(),
            frame_time_ms: Percentiles {
                p50: pct(50),
                p90: pct(90),
                p99: pct(99),
                max: sorted.last().copied().unwrap_or(0.0),
            },
            frames_over_target: self.frames_over_target,
            requests_issued: RequestKind::ALL
                .iter()
                .map(|k| (k.name().to_string(), counts.issued(*k)))
                .collect(),
            host_errors: self.host_errors,
        }
    }

    /// Frame-time statistics of the manager's profiler window.
    pub fn frame_time_window(&self) -> crate::core::profiler::MetricStats {
        self.manager.get_metric_stats(ProfilingMetric::FrameTime)
    }
}

/// Synthesises the host's frame measurements from what is visible: each
/// active level costs draw calls and triangles in proportion to its size,
/// scaled by its LOD's mesh quality; loads in flight and levels that just
/// finished loading (post-load work) add frame time; plus a little noise.
fn synthesize_metrics(
    manager: &StreamingManager,
    sizes: &[f64],
    lods: &[LodLevel],
    loaded_mb: f64,
    rng: &mut Rng,
) -> FrameMetrics {
    let mut draw_calls = 0.0;
    let mut triangles = 0.0;
    for (i, size) in sizes.iter().enumerate() {
        if manager.level_state(LevelId(i as u32)) != Ok(StreamingState::Active) {
            continue;
        }
        let quality = lods
            .get(i)
            .copied()
            .unwrap_or_default()
            .quality()
            .mesh_quality;
        draw_calls += (40.0 + 6.0 * size) * quality;
        triangles += 12_000.0 * size * quality;
    }
    let frame_time_ms = 4.0
        + draw_calls * 0.0008
        + triangles * 3e-8
        + f64::from(manager.loads_in_flight()) * 0.1
        + loaded_mb * 0.01
        + rng.range(0.0, 1.0);
    FrameMetrics {
        frame_time_ms,
        memory_mb: manager.used_memory_mb(),
        draw_calls: draw_calls.round() as u32,
        triangles: triangles.round() as u64,
    }
}
