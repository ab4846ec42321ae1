//! The dashboard thread's side of a snapshot: it keeps the profiler windows
//! and the event log, and turns each [`Snapshot`] into the JSON that the
//! API and the WebSocket serve. None of this runs on the game thread.
//!
//! The state is kept as named JSON *parts*, each with the sequence number of
//! the update that last changed it. A WebSocket client is sent only the
//! parts that changed since the last update it received (and the events it
//! has not seen), so a dropped update loses nothing and a steady world
//! costs little bandwidth. Distances to the sources change every frame, so
//! they travel in their own small part instead of churning `levels` and
//! `volumes`.

use std::cell::OnceCell;
use std::collections::VecDeque;
use std::time::Instant;

use serde_json::{json, Map, Value};

use crate::core::lod::LodLevel;
use crate::core::memory::MemoryState;
use crate::core::occlusion::CullingRating;
use crate::core::profiler::{MetricStats, ProfilingMetric};
use crate::core::{Event, StreamingState};

use super::snapshot::{BudgetRow, Snapshot, VolumeRow};
use crate::core::loading_screen::LoadingScreen;
use crate::core::manager::LevelStatus;
use crate::core::occlusion::{OcclusionData, OcclusionTotals};
use crate::core::volume::nearest_gap;
use crate::export::prometheus::Figures;

/// Events kept for clients that connect later.
pub(crate) const EVENT_HISTORY: usize = 500;

/// The parts of the state JSON (each also an `/api/<part>` endpoint).
pub(crate) const PARTS: [&str; 10] = [
    "status",
    "levels",
    "volumes",
    "sources",
    "memory",
    "metrics",
    "lod",
    "occlusion",
    "loading_screens",
    "distances",
];

/// Rounds for display: distances and coordinates to 0.01, so that
/// float noise does not make a part look changed.
fn round2(x: f64) -> Value {
    if x.is_finite() {
        json!((x * 100.0).round() / 100.0)
    } else {
        Value::Null
    }
}

/// One part: its JSON as pushed over the WebSocket, the richer JSON the
/// API serves (the same unless noted), and the update that last changed it.
struct Part {
    ws: String,
    api: String,
    version: u64,
}

/// A sample window like the profiler's, rebuilt from the samples each
/// snapshot brings.
#[derive(Default)]
struct Window {
    values: VecDeque<f64>,
}

impl Window {
    fn push_all(&mut self, values: &[f64], reset: bool, cap: usize) {
        if reset {
            self.values.clear();
        }
        for &v in values {
            if self.values.len() == cap {
                self.values.pop_front();
            }
            self.values.push_back(v);
        }
        while self.values.len() > cap {
            self.values.pop_front();
        }
    }

    /// Statistics of the window, computed as the profiler computes its own
    /// (sorting in `scratch`).
    fn stats(&self, scratch: &mut Vec<f64>) -> MetricStats {
        let latest = self.values.back().copied().unwrap_or(0.0);
        MetricStats::of_window(self.values.iter().copied(), latest, scratch)
    }
}

/// The window figures of `stats` as the page shows them (the lifetime ones
/// come from the snapshot, not from the dashboard's window).
fn window_json(stats: &MetricStats) -> Value {
    json!({
        "count": stats.count,
        "min": stats.min,
        "max": stats.max,
        "mean": stats.mean,
        "p50": stats.p50,
        "p95": stats.p95,
        "p99": stats.p99,
        "latest": stats.latest,
    })
}

/// One entry of the event log.
pub(crate) struct LoggedEvent {
    pub(crate) seq: u64,
    pub(crate) json: String,
}

/// Everything the dashboard thread knows.
pub(crate) struct State {
    started: Instant,
    windows: [Window; ProfilingMetric::COUNT],
    /// The latest state, as JSON parts (index = [`PARTS`]).
    parts: Option<Vec<Part>>,
    /// Sequence number of the latest absorbed snapshot (0: none yet).
    pub(crate) seq: u64,
    pub(crate) published_at: Option<Instant>,
    /// What `/metrics` shows of the latest snapshot, with the server's
    /// counters as they were when it was absorbed.
    metrics: Option<(Figures, ServerCounters)>,
    /// The `/metrics` text of `metrics`, rendered on the first request after
    /// each snapshot rather than for every snapshot: most sessions never
    /// scrape, and the snapshots come many times a second.
    metrics_text: OnceCell<String>,
    events: VecDeque<LoggedEvent>,
    next_event_seq: u64,
    level_names: std::sync::Arc<Vec<String>>,
    budget_names: Vec<String>,
    /// Every level as last copied (snapshots bring only the rows that
    /// changed).
    levels: Vec<LevelStatus>,
    /// Every volume by id as last copied (snapshots bring only the rows
    /// that changed); removed ones are `None`.
    volumes: Vec<Option<VolumeRow>>,
    /// A Chrome-trace/Perfetto recording of the session, built here on the
    /// dashboard thread from the events and snapshots (`GET /api/trace`).
    trace: crate::export::trace::TraceRecorder,
    /// Game time and frame of the latest snapshot (event times are
    /// estimated from their frame number).
    game_time: f64,
    game_frame: u64,
    /// The budgets as last copied (snapshots bring them when they changed).
    budgets: Vec<BudgetRow>,
    unbudgeted_memory_mb: f64,
    /// The loading screens as last copied (snapshots bring them when they
    /// changed).
    loading_screens: Vec<LoadingScreen>,
    /// The occlusion statistics as last copied (every few snapshots).
    occlusion: Vec<OcclusionData>,
    occlusion_totals: OcclusionTotals,
}

/// Most entries the live trace keeps (older ones are dropped and counted).
const LIVE_TRACE_ENTRIES: usize = 200_000;

fn level_name(names: &[String], id: u32) -> Value {
    names
        .get(id as usize)
        .map_or(Value::Null, |n| Value::String(n.clone()))
}

/// Levels per state (a [`StreamingState::tally`]) as a JSON object keyed by
/// state name.
fn state_counts(by_state: [usize; StreamingState::COUNT]) -> Value {
    let counts: Map<String, Value> = StreamingState::ALL
        .iter()
        .zip(by_state)
        .map(|(s, n)| (s.name().to_string(), json!(n)))
        .collect();
    Value::Object(counts)
}

impl State {
    pub(crate) fn new() -> Self {
        State {
            started: Instant::now(),
            windows: Default::default(),
            parts: None,
            seq: 0,
            published_at: None,
            metrics: None,
            metrics_text: OnceCell::new(),
            events: VecDeque::new(),
            next_event_seq: 1,
            level_names: Default::default(),
            budget_names: Vec::new(),
            levels: Vec::new(),
            volumes: Vec::new(),
            trace: crate::export::trace::TraceRecorder::new(LIVE_TRACE_ENTRIES),
            game_time: 0.0,
            game_frame: 0,
            budgets: Vec::new(),
            unbudgeted_memory_mb: 0.0,
            occlusion: Vec::new(),
            occlusion_totals: OcclusionTotals::default(),
            loading_screens: Vec::new(),
        }
    }

    /// The session so far as Chrome-trace JSON: one track per level (load,
    /// visible, unload spans), memory and loads-in-flight counters, and
    /// instant events for warnings. Times are game time; an event's time is
    /// estimated from its frame number and the frame rate seen so far.
    pub(crate) fn trace_json(&self) -> String {
        let names: Vec<(crate::core::LevelId, String)> = self
            .level_names
            .iter()
            .enumerate()
            .map(|(i, n)| (crate::core::LevelId(i as u32), n.clone()))
            .collect();
        self.trace
            .to_value_named(self.game_time, &names)
            .to_string()
    }

    /// The API JSON of one part, if a snapshot arrived.
    pub(crate) fn part(&self, name: &str) -> Option<&str> {
        let index = PARTS.iter().position(|p| *p == name)?;
        self.parts.as_ref().map(|p| p[index].api.as_str())
    }

    /// The `/metrics` text of the latest snapshot, if one arrived; rendered
    /// here on the first call after the snapshot.
    pub(crate) fn prometheus(&self) -> Option<&str> {
        let (figures, extra) = self.metrics.as_ref()?;
        Some(
            self.metrics_text
                .get_or_init(|| super::metrics::exposition(figures, extra)),
        )
    }

    /// The whole state (API form) as one JSON object.
    pub(crate) fn full(&self) -> Option<String> {
        let parts = self.parts.as_ref()?;
        let mut out = String::from("{");
        for (i, (name, part)) in PARTS.iter().zip(parts).enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(name);
            out.push_str("\":");
            out.push_str(&part.api);
        }
        out.push('}');
        Some(out)
    }

    /// The `update` message for a client that last received update
    /// `sent_seq` (0: none) and event `sent_event`: only the parts changed
    /// since, and the events it has not seen. Returns the message and the
    /// newest event sequence number it carries; `None` before any snapshot.
    pub(crate) fn update_for(&self, sent_seq: u64, sent_event: u64) -> Option<(String, u64)> {
        let parts = self.parts.as_ref()?;
        let mut out = format!(
            "{{\"type\":\"update\",\"protocol\":{},\"seq\":{},\"full\":{},\"state\":{{",
            super::PROTOCOL_VERSION,
            self.seq,
            sent_seq == 0
        );
        let mut first = true;
        for (name, part) in PARTS.iter().zip(parts) {
            if part.version > sent_seq {
                if !first {
                    out.push(',');
                }
                first = false;
                out.push('"');
                out.push_str(name);
                out.push_str("\":");
                out.push_str(&part.ws);
            }
        }
        out.push_str("},\"events\":[");
        let mut last = sent_event;
        let mut first = true;
        for e in self.events.iter().filter(|e| e.seq > sent_event) {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&e.json);
            last = e.seq;
        }
        out.push_str("]}");
        Some((out, last))
    }

    /// Milliseconds since the server started.
    fn wall_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// Adds a core event to the log.
    pub(crate) fn push_event(&mut self, frame: u64, event: Event) {
        let seconds_per_frame = if self.game_frame > 0 {
            self.game_time / self.game_frame as f64
        } else {
            0.0
        };
        self.trace
            .record_event(frame as f64 * seconds_per_frame, &event);
        let mut value = serde_json::to_value(event).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut value {
            let names = &self.level_names;
            if let Some(Value::Number(id)) = map.get("level") {
                let name = level_name(names, id.as_u64().unwrap_or(u64::MAX) as u32);
                map.insert("level_name".into(), name);
            }
            if let Some(Value::Number(id)) = map.get("budget") {
                let name = self
                    .budget_names
                    .get(id.as_u64().unwrap_or(u64::MAX) as usize)
                    .map_or(Value::Null, |n| Value::String(n.clone()));
                map.insert("budget_name".into(), name);
            }
            map.insert("seq".into(), json!(self.next_event_seq));
            map.insert("wall_ms".into(), json!(self.wall_ms()));
            map.insert("frame".into(), json!(frame));
        }
        if self.events.len() == EVENT_HISTORY {
            self.events.pop_front();
        }
        self.events.push_back(LoggedEvent {
            seq: self.next_event_seq,
            json: value.to_string(),
        });
        self.next_event_seq += 1;
    }

    /// The event log, oldest first, as a JSON array.
    pub(crate) fn event_history(&self) -> String {
        let mut out = String::from("[");
        for (i, e) in self.events.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&e.json);
        }
        out.push(']');
        out
    }

    /// Takes the name tables and any new budgets of a snapshot (before its
    /// events are logged, so that they are named after it).
    pub(crate) fn take_names(&mut self, snap: &Snapshot) {
        self.level_names = std::sync::Arc::clone(&snap.level_names);
        if snap.budgets_changed {
            self.budgets.clone_from(&snap.budgets);
            self.unbudgeted_memory_mb = snap.unbudgeted_memory_mb;
        }
        self.budget_names.clear();
        self.budget_names
            .extend(self.budgets.iter().map(|b| b.name.clone()));
    }

    /// Absorbs a snapshot: updates the windows and rebuilds every JSON part
    /// and the update message. `extra` carries the server's own counters.
    pub(crate) fn absorb(&mut self, snap: &Snapshot, extra: &ServerCounters) {
        self.game_time = snap.time_seconds;
        self.game_frame = snap.frame;
        self.seq += 1;
        self.published_at = Some(Instant::now());
        for (i, w) in self.windows.iter_mut().enumerate() {
            w.push_all(
                &snap.samples[i].values,
                snap.samples[i].reset,
                snap.window_size.max(1),
            );
        }
        self.levels.truncate(snap.level_count);
        for row in &snap.level_rows {
            let i = row.id.0 as usize;
            if i < snap.level_count {
                if i >= self.levels.len() {
                    // Not reached: a new level's row comes in the pass that
                    // first counts it. Placeholders keep ids dense anyway.
                    while self.levels.len() <= i {
                        let id = crate::core::LevelId(self.levels.len() as u32);
                        self.levels.push(LevelStatus { id, ..*row });
                    }
                }
                self.levels[i] = *row;
            }
        }
        if snap.screens_changed {
            self.loading_screens.clone_from(&snap.loading_screens);
        }
        if snap.occlusion_changed {
            self.occlusion.clone_from(&snap.occlusion);
            self.occlusion_totals = snap.occlusion_totals;
        }
        if snap.full_volumes {
            self.volumes.clear();
        }
        self.volumes.resize(snap.volume_bound as usize, None);
        for row in &snap.volume_rows {
            if let Some(slot) = self.volumes.get_mut(row.id.0 as usize) {
                *slot = Some(*row);
            }
        }
        for id in &snap.removed_volumes {
            if let Some(slot) = self.volumes.get_mut(id.0 as usize) {
                *slot = None;
            }
        }
        let levels = std::mem::take(&mut self.levels);
        let volumes: Vec<VolumeRow> = self.volumes.iter().flatten().copied().collect();
        let kept = Kept {
            loading_screens: std::mem::take(&mut self.loading_screens),
            budgets: std::mem::take(&mut self.budgets),
            unbudgeted_memory_mb: self.unbudgeted_memory_mb,
            occlusion: std::mem::take(&mut self.occlusion),
            occlusion_totals: self.occlusion_totals,
        };
        let budgets: Vec<(&str, f64)> = kept
            .budgets
            .iter()
            .map(|b| (b.name.as_str(), b.current_usage_mb))
            .collect();
        self.trace.record_counter_values(
            snap.time_seconds,
            &budgets,
            kept.unbudgeted_memory_mb,
            snap.loads_in_flight,
        );
        self.build(snap, &levels, &volumes, &kept, extra);
        self.levels = levels;
        self.budgets = kept.budgets;
        self.occlusion = kept.occlusion;
        self.loading_screens = kept.loading_screens;
    }

    fn build(
        &mut self,
        snap: &Snapshot,
        levels: &[LevelStatus],
        volumes: &[VolumeRow],
        kept: &Kept,
        extra: &ServerCounters,
    ) {
        let names = &snap.level_names;
        let volume_count = volumes.len();
        // The wanting rule's d for each enabled volume, from the sources.
        let volume_distance: Vec<f64> = volumes
            .iter()
            .map(|v| {
                if v.enabled {
                    nearest_gap(&snap.sources, &v.center, v.radius)
                } else {
                    f64::INFINITY
                }
            })
            .collect();
        // Per-level distance: the nearest enabled volume of the level.
        let mut distance = vec![f64::INFINITY; levels.len()];
        for (v, vd) in volumes.iter().zip(&volume_distance) {
            if v.enabled {
                if let Some(d) = distance.get_mut(v.level.0 as usize) {
                    *d = d.min(*vd);
                }
            }
        }
        let finite = |x: f64| if x.is_finite() { json!(x) } else { Value::Null };

        let budgeted: f64 = kept.budgets.iter().map(|b| b.current_usage_mb).sum();
        let total: f64 = kept.budgets.iter().map(|b| b.max_memory_mb).sum();
        let worst = kept
            .budgets
            .iter()
            .map(|b| b.state)
            .max()
            .unwrap_or(MemoryState::Normal);
        let used = budgeted + kept.unbudgeted_memory_mb;
        let gave_up = levels.iter().filter(|l| l.gave_up).count();
        let failing = levels.iter().filter(|l| l.failures > 0).count();
        // Once per snapshot: the status, the metrics part and /metrics all
        // show these.
        let mut scratch = Vec::new();
        let window_stats = self.windows.each_ref().map(|w| w.stats(&mut scratch));
        let frame_stats = window_stats[ProfilingMetric::FrameTime as usize];
        let levels_by_state = StreamingState::tally(levels.iter().map(|l| l.state));

        let health = json!({
            "streaming": if gave_up > 0 { "CRITICAL" } else if failing > 0 || !snap.streaming_complete { "WARNING" } else { "OK" },
            "memory": match worst { MemoryState::Normal => "OK", MemoryState::Warning => "WARNING", MemoryState::Critical => "CRITICAL" },
            "performance": if snap.performance_warning { "CRITICAL" } else if snap.frames_over_target > 0 { "WARNING" } else { "OK" },
            "events": if extra.events_dropped > 0 || snap.core_events_dropped > 0 { "WARNING" } else { "OK" },
        });
        let status = json!({
            "version": crate::VERSION,
            "protocol": super::PROTOCOL_VERSION,
            "frame": snap.frame,
            "time_seconds": snap.time_seconds,
            "streaming_complete": snap.streaming_complete,
            "missing_levels": snap.missing_levels,
            "loads_in_flight": snap.loads_in_flight,
            "pending_requests": snap.pending_requests,
            "outstanding_requests": snap.outstanding_requests,
            "requests_issued": snap.requests_issued,
            "level_count": levels.len(),
            "level_states": state_counts(levels_by_state),
            "volume_count": volumes.len(),
            "active_volumes": volumes.iter().filter(|v| v.enabled && v.wants).count(),
            "enabled_volumes": volumes.iter().filter(|v| v.enabled).count(),
            "source_count": snap.sources.len(),
            "memory_used_mb": used,
            "memory_total_mb": total,
            "frame_time": window_json(&frame_stats),
            "target_frame_time_ms": snap.target_frame_time_ms,
            "performance_warning": snap.performance_warning,
            "health": health,
            "dashboard": {
                "clients": extra.clients,
                "updates_dropped": extra.updates_dropped,
                "events_dropped": extra.events_dropped,
                "core_events_dropped": snap.core_events_dropped,
                "update_rate_hz": extra.update_rate_hz,
                "uptime_ms": self.wall_ms(),
            },
        });

        let levels_json: Vec<Value> = levels
                        .iter()
            .map(|l| {
                json!({
                    "id": l.id.0,
                    "name": level_name(names, l.id.0),
                    "state": l.state,
                    "priority": l.priority,
                    "memory_mb": l.memory_mb,
                    "wanted": l.wanted,
                    "pinned": l.pinned,
                    "hidden_by_host": l.hidden_by_host,
                    "wanting_volumes": l.wanting_volumes,
                    "failures": l.failures,
                    "gave_up": l.gave_up,
                    "budget": l.budget.map(|b| b.0),
                    "budget_name": l.budget.and_then(|b| kept.budgets.get(b.0 as usize)).map(|b| b.name.clone()),
                    "lod": l.lod.map(|(lod, _)| lod),
                    "lod_auto_adjust": l.lod.map(|(_, auto)| auto),
                })
            })
            .collect();
        let level_distances: Vec<Value> = levels
            .iter()
            .map(|l| {
                round2(
                    distance
                        .get(l.id.0 as usize)
                        .copied()
                        .unwrap_or(f64::INFINITY),
                )
            })
            .collect();

        let volumes: Vec<Value> = volumes
            .iter()
            .zip(&volume_distance)
            .map(|(v, vd)| {
                let level_state = levels.get(v.level.0 as usize).map(|l| l.state);
                json!({
                    "id": v.id.0,
                    "name": snap.volume_names.get(v.id.0 as usize).cloned().unwrap_or_default(),
                    "level_id": v.level.0,
                    "level": level_name(names, v.level.0),
                    "level_state": level_state,
                    "center": v.center,
                    "radius": v.radius,
                    "load_distance": v.load_distance,
                    "unload_distance": v.unload_distance,
                    "priority": v.priority,
                    "enabled": v.enabled,
                    "wants": v.wants,
                    "distance": finite(*vd),
                })
            })
            .collect();
        let volume_distances: Vec<Value> = volume_distance.iter().map(|d| round2(*d)).collect();

        let sources: Vec<Value> = snap
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let speed = s.velocity.length();
                json!({
                    "index": i,
                    "position": s.position,
                    "velocity": s.velocity,
                    "speed": speed,
                    "priority": s.priority,
                })
            })
            .collect();

        let budgets: Vec<Value> = kept
            .budgets
            .iter()
            .map(|b| {
                let fraction = if b.max_memory_mb > 0.0 {
                    b.current_usage_mb / b.max_memory_mb
                } else if b.current_usage_mb > 0.0 {
                    1.0
                } else {
                    0.0
                };
                json!({
                    "id": b.id,
                    "name": b.name,
                    "max_memory_mb": b.max_memory_mb,
                    "priority": b.priority,
                    "warning_threshold": b.warning_threshold,
                    "critical_threshold": b.critical_threshold,
                    "current_usage_mb": b.current_usage_mb,
                    "usage_fraction": fraction,
                    "allocated_memory_mb": levels.iter().filter(|l| l.budget.map(|id| id.0) == Some(b.id)).map(|l| l.memory_mb).sum::<f64>(),
                    "levels": levels.iter().filter(|l| l.budget.map(|id| id.0) == Some(b.id)).map(|l| json!({"id": l.id.0, "name": level_name(names, l.id.0), "memory_mb": l.memory_mb, "state": l.state})).collect::<Vec<_>>(),
                    "state": b.state,
                    "evicting": b.evicting,
                })
            })
            .collect();
        let memory = json!({
            "used_memory_mb": used,
            "total_memory_mb": total,
            "usage_percentage": if total > 0.0 { budgeted / total * 100.0 } else { 0.0 },
            "unbudgeted_memory_mb": kept.unbudgeted_memory_mb,
            "worst_state": worst,
            "budgets": budgets,
        });

        let mut stats = Map::new();
        for metric in ProfilingMetric::ALL {
            let mut s = window_json(&window_stats[metric as usize]);
            if let Value::Object(m) = &mut s {
                m.insert("unit".into(), json!(metric.unit()));
                m.insert(
                    "lifetime_count".into(),
                    json!(snap.sample_counts[metric as usize]),
                );
            }
            stats.insert(metric.name().to_string(), s);
        }
        let series = |m: ProfilingMetric| -> Vec<f64> {
            self.windows[m as usize].values.iter().copied().collect()
        };
        let metrics = json!({
            "window_size": snap.window_size,
            "target_frame_time_ms": snap.target_frame_time_ms,
            "performance_warning": snap.performance_warning,
            "frames_over_target": snap.frames_over_target,
            "smoothed_frame_time_ms": snap.smoothed_frame_time_ms,
            "stats": stats,
            "frame_times": series(ProfilingMetric::FrameTime),
            "draw_calls": series(ProfilingMetric::DrawCalls),
            "triangles": series(ProfilingMetric::TriangleCount),
        });

        let lod_levels: Vec<Value> = levels
                        .iter()
            .map(|l| {
                json!({
                    "id": l.id.0,
                    "name": level_name(names, l.id.0),
                    "state": l.state,
                    "has_settings": l.lod.is_some(),
                    "current_lod": l.lod.map_or(LodLevel::Ultra, |(lod, _)| lod),
                    "auto_adjust": l.lod.is_some_and(|(_, auto)| auto),
                    "distance": finite(distance.get(l.id.0 as usize).copied().unwrap_or(f64::INFINITY)),
                })
            })
            .collect();
        let quality: Vec<Value> = LodLevel::ALL
            .iter()
            .map(|lod| {
                let q = lod.quality();
                json!({"lod": lod, "texture_quality": q.texture_quality, "mesh_quality": q.mesh_quality,
                       "draw_distance": q.draw_distance, "shadow_quality": q.shadow_quality})
            })
            .collect();
        // The page reads per-level LOD from `levels`; the API adds them here.
        let lod = json!({
            "quality_table": quality,
            "distance_thresholds": crate::core::lod::DEFAULT_LOD_DISTANCES,
            "memory_thresholds_mb": crate::core::lod::DEFAULT_LOD_MEMORY_MB,
        });
        let mut lod_api = lod.clone();
        lod_api["levels"] = Value::Array(lod_levels);

        let occlusion_levels: Vec<Value> = kept
            .occlusion
            .iter()
            .map(|o| {
                let mut v = serde_json::to_value(o).unwrap_or(Value::Null);
                if let Value::Object(m) = &mut v {
                    m.insert("name".into(), level_name(names, o.level.0));
                }
                v
            })
            .collect();
        let totals = &kept.occlusion_totals;
        let occlusion = json!({
            "levels": occlusion_levels,
            "totals": totals,
            "rating": CullingRating::from_efficiency(totals.efficiency),
        });

        let now = snap.time_seconds;
        let screens: Vec<Value> = kept
            .loading_screens
            .iter()
            .map(|s| {
                json!({
                    "id": s.id,
                    "title": s.title,
                    "description": s.description,
                    "total_assets": s.total_assets,
                    "assets_loaded": s.assets_loaded,
                    "visible": s.visible,
                    "progress": s.progress(),
                    "elapsed_seconds": s.elapsed(now),
                    "eta_seconds": s.eta_seconds(now),
                    "current_tip": s.current_tip(now),
                    "tips": s.tips,
                    "bound_levels": s.bound_levels.iter().zip(&s.bound_levels_done).map(|(id, done)| json!({"id": id.0, "name": level_name(names, id.0), "done": done})).collect::<Vec<_>>(),
                    "auto_hidden": s.auto_hidden,
                })
            })
            .collect();

        let with_distance = |rows: &[Value], distances: &[Value]| -> Value {
            Value::Array(
                rows.iter()
                    .zip(distances)
                    .map(|(row, d)| {
                        let mut row = row.clone();
                        row["distance"] = d.clone();
                        row
                    })
                    .collect(),
            )
        };
        let levels_api = with_distance(&levels_json, &level_distances);
        let volumes_api = with_distance(&volumes, &volume_distances);
        let distances = json!({ "levels": level_distances, "volumes": volume_distances });
        let text = |v: &Value| serde_json::to_string(v).unwrap_or_else(|_| "null".into());
        // (WebSocket form, API form) per part, in PARTS order.
        let fresh: [(String, Option<String>); 10] = [
            (text(&status), None),
            (text(&Value::Array(levels_json)), Some(text(&levels_api))),
            (text(&Value::Array(volumes)), Some(text(&volumes_api))),
            (text(&Value::Array(sources)), None),
            (text(&memory), None),
            (text(&metrics), None),
            (text(&lod), Some(text(&lod_api))),
            (text(&occlusion), None),
            (text(&Value::Array(screens)), None),
            (text(&distances), None),
        ];
        let seq = self.seq;
        let old = self.parts.take();
        let parts = fresh
            .into_iter()
            .enumerate()
            .map(|(i, (ws, api))| {
                let unchanged = old.as_ref().is_some_and(|o| o[i].ws == ws);
                let version = if unchanged {
                    old.as_ref().map_or(seq, |o| o[i].version)
                } else {
                    seq
                };
                Part {
                    api: api.unwrap_or_else(|| ws.clone()),
                    ws,
                    version,
                }
            })
            .collect();
        let figures =
            super::metrics::figures(snap, kept, levels_by_state, volume_count, &frame_stats);
        self.metrics = Some((figures, *extra));
        self.metrics_text = OnceCell::new();
        self.parts = Some(parts);
    }
}

/// What the dashboard thread keeps of the parts that snapshots bring only
/// when they changed.
pub(crate) struct Kept {
    pub(crate) loading_screens: Vec<LoadingScreen>,
    pub(crate) budgets: Vec<BudgetRow>,
    pub(crate) unbudgeted_memory_mb: f64,
    pub(crate) occlusion: Vec<OcclusionData>,
    pub(crate) occlusion_totals: OcclusionTotals,
}

/// The server's own figures, shown on the page and in `/metrics`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ServerCounters {
    pub(crate) clients: usize,
    pub(crate) updates_dropped: u64,
    pub(crate) events_dropped: u64,
    pub(crate) update_rate_hz: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::profiler::{Profiler, ProfilerConfig};

    #[test]
    fn the_window_has_the_profilers_statistics_after_it_wraps() {
        let config = ProfilerConfig {
            window_size: 8,
            ..ProfilerConfig::default()
        };
        let mut profiler = Profiler::new(config).unwrap();
        let mut window = Window::default();
        let samples: Vec<f64> = (0..13).map(|i| f64::from((i * 7) % 11)).collect();
        for &v in &samples {
            profiler
                .record_metric(ProfilingMetric::DrawCalls, v)
                .unwrap();
        }
        window.push_all(&samples, false, 8);
        let expected = MetricStats {
            lifetime_count: 0,
            lifetime_mean: 0.0,
            ..profiler.get_metric_stats(ProfilingMetric::DrawCalls)
        };
        assert_eq!(window.stats(&mut Vec::new()), expected);
        assert_eq!(expected.count, 8);
        assert_eq!(expected.latest, samples[12]);
    }

    #[test]
    fn metrics_text_is_rendered_on_request_from_the_latest_snapshot() {
        use super::super::snapshot::Collector;
        use crate::core::{LevelDesc, StreamingManager, StreamingSource, Vec3};

        let mut m = StreamingManager::default();
        m.register_level(&LevelDesc::new("Forest")).unwrap();
        let mut collector = Collector::default();
        let mut state = State::new();
        assert_eq!(state.prometheus(), None);
        let counters = ServerCounters {
            clients: 3,
            ..ServerCounters::default()
        };
        for frame in 1..=2 {
            m.update(&[StreamingSource::at(Vec3::new(0.0, 0.0, 0.0))], 0.1)
                .unwrap();
            assert!(collector.step(&m, None, Box::default));
            let (snap, mark) = collector.finish(&m);
            collector.commit(mark);
            state.take_names(&snap);
            state.absorb(&snap, &counters);
            // Absorbing renders nothing; the first request does.
            assert!(state.metrics_text.get().is_none());
            let text = state.prometheus().unwrap().to_string();
            assert!(text.contains(&format!("\nlsm_frames_total {frame}\n")));
            assert!(text.contains("\nlsm_dashboard_clients 3\n"));
            assert_eq!(state.prometheus(), Some(text.as_str()));
        }
    }
}
