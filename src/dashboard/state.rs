//! The dashboard thread's side of a snapshot: it keeps the profiler windows
//! and the event log, and turns each [`Snapshot`] into the JSON that the
//! API and the WebSocket serve. None of this runs on the game thread.

use std::collections::VecDeque;
use std::time::Instant;

use serde_json::{json, Map, Value};

use crate::core::lod::LodLevel;
use crate::core::memory::MemoryState;
use crate::core::occlusion::CullingRating;
use crate::core::profiler::ProfilingMetric;
use crate::core::{Event, StreamingState};

use super::snapshot::Snapshot;

/// Events kept for clients that connect later.
pub(crate) const EVENT_HISTORY: usize = 500;

/// The parts of the state JSON, one per API endpoint.
pub(crate) const PARTS: [&str; 9] = [
    "status",
    "levels",
    "volumes",
    "sources",
    "memory",
    "metrics",
    "lod",
    "occlusion",
    "loading_screens",
];

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

    /// Same statistics as the profiler (nearest-rank percentiles).
    fn stats(&self) -> Value {
        let n = self.values.len();
        if n == 0 {
            return json!({"count": 0, "min": 0.0, "max": 0.0, "mean": 0.0,
                          "p50": 0.0, "p95": 0.0, "p99": 0.0, "latest": 0.0});
        }
        let mut sorted: Vec<f64> = self.values.iter().copied().collect();
        sorted.sort_unstable_by(f64::total_cmp);
        let rank = |p: usize| sorted[((p * n).div_ceil(100)).clamp(1, n) - 1];
        json!({
            "count": n,
            "min": sorted[0],
            "max": sorted[n - 1],
            "mean": sorted.iter().sum::<f64>() / n as f64,
            "p50": rank(50),
            "p95": rank(95),
            "p99": rank(99),
            "latest": self.values.back().copied().unwrap_or(0.0),
        })
    }
}

/// One entry of the event log.
pub(crate) struct LoggedEvent {
    pub(crate) seq: u64,
    pub(crate) json: Value,
}

/// Everything the dashboard thread knows.
pub(crate) struct State {
    started: Instant,
    windows: [Window; ProfilingMetric::COUNT],
    /// The latest state, as JSON parts (index = [`PARTS`]).
    parts: Option<Vec<String>>,
    /// The latest `update` message, ready to send.
    pub(crate) update_message: Option<String>,
    pub(crate) seq: u64,
    pub(crate) published_at: Option<Instant>,
    /// Raw snapshot figures kept for `/metrics`.
    pub(crate) prometheus: Option<String>,
    events: VecDeque<LoggedEvent>,
    next_event_seq: u64,
    /// Events that arrived since the last update message.
    fresh_events: Vec<Value>,
    level_names: std::sync::Arc<Vec<String>>,
    budget_names: Vec<String>,
}

fn level_name(names: &[String], id: u32) -> Value {
    names
        .get(id as usize)
        .map_or(Value::Null, |n| Value::String(n.clone()))
}

fn state_counts(levels: &[crate::core::manager::LevelStatus]) -> Value {
    let mut counts = Map::new();
    for s in [
        StreamingState::Unloaded,
        StreamingState::Loading,
        StreamingState::Loaded,
        StreamingState::Active,
        StreamingState::Unloading,
        StreamingState::Hidden,
    ] {
        let n = levels.iter().filter(|l| l.state == s).count();
        counts.insert(s.name().to_string(), json!(n));
    }
    Value::Object(counts)
}

impl State {
    pub(crate) fn new() -> Self {
        State {
            started: Instant::now(),
            windows: Default::default(),
            parts: None,
            update_message: None,
            seq: 0,
            published_at: None,
            prometheus: None,
            events: VecDeque::new(),
            next_event_seq: 1,
            fresh_events: Vec::new(),
            level_names: Default::default(),
            budget_names: Vec::new(),
        }
    }

    /// The JSON of one part, if a snapshot arrived.
    pub(crate) fn part(&self, name: &str) -> Option<&str> {
        let index = PARTS.iter().position(|p| *p == name)?;
        self.parts.as_ref().map(|p| p[index].as_str())
    }

    /// The whole state as one JSON object.
    pub(crate) fn full(&self) -> Option<String> {
        let parts = self.parts.as_ref()?;
        let mut out = String::from("{");
        for (i, (name, json)) in PARTS.iter().zip(parts).enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(name);
            out.push_str("\":");
            out.push_str(json);
        }
        out.push('}');
        Some(out)
    }

    /// Milliseconds since the server started.
    fn wall_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// Adds a core event to the log.
    pub(crate) fn push_event(&mut self, frame: u64, event: Event) {
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
        self.fresh_events.push(value.clone());
        if self.fresh_events.len() > EVENT_HISTORY {
            self.fresh_events.remove(0);
        }
        self.events.push_back(LoggedEvent {
            seq: self.next_event_seq,
            json: value,
        });
        self.next_event_seq += 1;
    }

    /// The event log, oldest first, as a JSON array.
    pub(crate) fn event_history(&self) -> String {
        let all: Vec<&Value> = self.events.iter().map(|e| &e.json).collect();
        serde_json::to_string(&all).unwrap_or_else(|_| "[]".into())
    }

    /// Sequence number of the newest logged event (0: none).
    #[allow(dead_code)]
    pub(crate) fn last_event_seq(&self) -> u64 {
        self.events.back().map_or(0, |e| e.seq)
    }

    /// Takes the name tables of a snapshot (before its events are logged).
    pub(crate) fn take_names(&mut self, snap: &Snapshot) {
        self.level_names = std::sync::Arc::clone(&snap.level_names);
        self.budget_names.clear();
        self.budget_names
            .extend(snap.budgets.iter().map(|b| b.name.clone()));
    }

    /// Absorbs a snapshot: updates the windows and rebuilds every JSON part
    /// and the update message. `extra` carries the server's own counters.
    pub(crate) fn absorb(&mut self, snap: &Snapshot, extra: &ServerCounters) {
        self.seq += 1;
        self.published_at = Some(Instant::now());
        self.take_names(snap);
        for (i, w) in self.windows.iter_mut().enumerate() {
            w.push_all(
                &snap.samples[i].values,
                snap.samples[i].reset,
                snap.window_size.max(1),
            );
        }
        let names = &snap.level_names;

        // Gaps are computed here, on the dashboard thread, from the
        // snapshot's sources: the game thread does not pay for them.
        let volume_distance: Vec<f64> = snap
            .volumes
            .iter()
            .map(|v| crate::core::volume::nearest_gap(&snap.sources, &v.center, v.radius))
            .collect();
        // Per-level distance: the nearest enabled volume of the level.
        let mut distance = vec![f64::INFINITY; snap.levels.len()];
        for (v, vd) in snap.volumes.iter().zip(&volume_distance) {
            if v.enabled {
                if let Some(d) = distance.get_mut(v.level.0 as usize) {
                    *d = d.min(*vd);
                }
            }
        }
        let finite = |x: f64| if x.is_finite() { json!(x) } else { Value::Null };

        let budgeted: f64 = snap.budgets.iter().map(|b| b.current_usage_mb).sum();
        let total: f64 = snap.budgets.iter().map(|b| b.max_memory_mb).sum();
        let worst = snap
            .budgets
            .iter()
            .map(|b| b.state)
            .max()
            .unwrap_or(MemoryState::Normal);
        let used = budgeted + snap.unbudgeted_memory_mb;
        let gave_up = snap.levels.iter().filter(|l| l.gave_up).count();
        let failing = snap.levels.iter().filter(|l| l.failures > 0).count();
        let frame_stats = self.windows[ProfilingMetric::FrameTime as usize].stats();

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
            "level_count": snap.levels.len(),
            "level_states": state_counts(&snap.levels),
            "volume_count": snap.volumes.len(),
            "active_volumes": snap.volumes.iter().filter(|v| v.enabled && v.wants).count(),
            "enabled_volumes": snap.volumes.iter().filter(|v| v.enabled).count(),
            "source_count": snap.sources.len(),
            "memory_used_mb": used,
            "memory_total_mb": total,
            "frame_time": frame_stats.clone(),
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

        let levels: Vec<Value> = snap
            .levels
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
                    "budget_name": l.budget.and_then(|b| snap.budgets.get(b.0 as usize)).map(|b| b.name.clone()),
                    "lod": l.lod.map(|(lod, _)| lod),
                    "lod_auto_adjust": l.lod.map(|(_, auto)| auto),
                    "distance": finite(distance.get(l.id.0 as usize).copied().unwrap_or(f64::INFINITY)),
                })
            })
            .collect();

        let volumes: Vec<Value> = snap
            .volumes
            .iter()
            .zip(&volume_distance)
            .map(|(v, vd)| {
                let level_state = snap.levels.get(v.level.0 as usize).map(|l| l.state);
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

        let budgets: Vec<Value> = snap
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
                    "allocated_memory_mb": b.levels.iter().map(|(_, mb)| mb).sum::<f64>(),
                    "levels": b.levels.iter().map(|(id, mb)| json!({"id": id.0, "name": level_name(names, id.0), "memory_mb": mb, "state": snap.levels.get(id.0 as usize).map(|l| l.state)})).collect::<Vec<_>>(),
                    "state": b.state,
                    "evicting": b.evicting,
                })
            })
            .collect();
        let memory = json!({
            "used_memory_mb": used,
            "total_memory_mb": total,
            "usage_percentage": if total > 0.0 { budgeted / total * 100.0 } else { 0.0 },
            "unbudgeted_memory_mb": snap.unbudgeted_memory_mb,
            "worst_state": worst,
            "budgets": budgets,
        });

        let mut stats = Map::new();
        for metric in ProfilingMetric::ALL {
            let mut s = self.windows[metric as usize].stats();
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

        let lod_levels: Vec<Value> = snap
            .levels
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
        let lod = json!({
            "levels": lod_levels,
            "quality_table": quality,
            "distance_thresholds": crate::core::lod::DEFAULT_LOD_DISTANCES,
            "memory_thresholds_mb": crate::core::lod::DEFAULT_LOD_MEMORY_MB,
        });

        let occlusion_levels: Vec<Value> = snap
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
        let totals = &snap.occlusion_totals;
        let occlusion = json!({
            "levels": occlusion_levels,
            "totals": totals,
            "rating": CullingRating::from_efficiency(totals.efficiency),
        });

        let screens: Vec<Value> = snap
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
                    "progress": s.progress,
                    "elapsed_seconds": s.elapsed_seconds,
                    "eta_seconds": s.eta_seconds,
                    "current_tip": s.current_tip.and_then(|i| s.tips.get(i)),
                    "tips": s.tips,
                    "bound_levels": s.bound_levels.iter().zip(&s.bound_levels_done).map(|(id, done)| json!({"id": id.0, "name": level_name(names, id.0), "done": done})).collect::<Vec<_>>(),
                    "auto_hidden": s.auto_hidden,
                })
            })
            .collect();

        let parts: Vec<String> = [
            status,
            Value::Array(levels),
            Value::Array(volumes),
            Value::Array(sources),
            memory,
            metrics,
            lod,
            occlusion,
            Value::Array(screens),
        ]
        .iter()
        .map(|v| serde_json::to_string(v).unwrap_or_else(|_| "null".into()))
        .collect();
        self.prometheus = Some(super::metrics::exposition(snap, &frame_stats, extra));
        self.parts = Some(parts);
        let events = serde_json::to_string(&self.fresh_events).unwrap_or_else(|_| "[]".into());
        self.fresh_events.clear();
        let full = self.full().unwrap_or_default();
        self.update_message = Some(format!(
            "{{\"type\":\"update\",\"protocol\":{},\"seq\":{},\"state\":{},\"events\":{}}}",
            super::PROTOCOL_VERSION,
            self.seq,
            full,
            events
        ));
    }
}

/// The server's own figures, shown on the page and in `/metrics`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ServerCounters {
    pub(crate) clients: usize,
    pub(crate) updates_dropped: u64,
    pub(crate) events_dropped: u64,
    pub(crate) update_rate_hz: f64,
}
