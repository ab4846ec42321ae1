//! Chrome-trace / Perfetto JSON of a run ("Trace Event Format").
//!
//! A [`TraceRecorder`] is fed by the host loop with the manager's events
//! (stamped with the manager clock) and, once per frame, the manager's
//! counters; [`TraceRecorder::to_json`] writes a document that
//! `chrome://tracing` and <https://ui.perfetto.dev> open:
//!
//! - one track (thread) per level, named after it, with complete (`"X"`)
//!   spans `load` (LOADING), `visible` (ACTIVE) and `unload` (UNLOADING).
//!   A level is in one state at a time and the clock never goes back, so
//!   the spans of a track never overlap; a span still open at export time
//!   ends at the export time with `"open": true` in its args;
//! - counters (`"C"`): `memory_mb` (one series per budget, plus
//!   `unbudgeted`) and `loads_in_flight`;
//! - instant events (`"i"`): teleports and warnings (load failed, request
//!   failed, load deferred, level evicted, memory warning or critical,
//!   performance warning) on the level's track, or on the `world` track
//!   when they concern no level.
//!
//! Times are integer microseconds of game time, so span ends and starts
//! compare exactly.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::core::memory::MemoryState;
use crate::core::{Event, LevelId, StreamingManager, StreamingState, Vec3};

/// Process id used for every event.
pub const TRACE_PID: u32 = 1;
/// Thread id of the `world` track (counters and global instants).
pub const WORLD_TID: u32 = 1;
/// Default cap on recorded entries (about 100 MB of JSON).
pub const DEFAULT_MAX_ENTRIES: usize = 1_000_000;

/// The thread id of a level's track.
pub fn level_tid(level: LevelId) -> u32 {
    level.0 + 2
}

/// Kind of a level span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpanKind {
    /// LOADING.
    Load,
    /// ACTIVE.
    Visible,
    /// UNLOADING.
    Unload,
}

impl SpanKind {
    fn of(state: StreamingState) -> Option<SpanKind> {
        match state {
            StreamingState::Loading => Some(SpanKind::Load),
            StreamingState::Active => Some(SpanKind::Visible),
            StreamingState::Unloading => Some(SpanKind::Unload),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            SpanKind::Load => "load",
            SpanKind::Visible => "visible",
            SpanKind::Unload => "unload",
        }
    }
}

#[derive(Clone, Debug)]
enum Entry {
    Span {
        level: LevelId,
        kind: SpanKind,
        start_us: i64,
        end_us: i64,
        /// The state the level went to when the span ended.
        outcome: StreamingState,
    },
    Instant {
        name: &'static str,
        tid: u32,
        ts_us: i64,
        args: Value,
    },
    Counter {
        name: &'static str,
        ts_us: i64,
        args: Value,
    },
}

/// Records a run for export as Chrome-trace JSON. See the module docs.
#[derive(Clone, Debug)]
pub struct TraceRecorder {
    entries: Vec<Entry>,
    open: HashMap<LevelId, (SpanKind, i64)>,
    max_entries: usize,
    dropped: u64,
    last_memory: Vec<f64>,
    last_loads: Option<u32>,
    last_us: i64,
}

impl Default for TraceRecorder {
    fn default() -> Self {
        TraceRecorder::new(DEFAULT_MAX_ENTRIES)
    }
}

fn to_us(seconds: f64) -> i64 {
    (seconds * 1e6).round() as i64
}

impl TraceRecorder {
    /// A recorder that keeps at most `max_entries` spans, instants and
    /// counter samples; later ones are counted as dropped (the start of a
    /// run is kept).
    pub fn new(max_entries: usize) -> Self {
        TraceRecorder {
            entries: Vec::new(),
            open: HashMap::new(),
            max_entries,
            dropped: 0,
            last_memory: Vec::new(),
            last_loads: None,
            last_us: 0,
        }
    }

    /// Entries recorded (spans closed so far, instants, counter samples).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True before anything was recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.open.is_empty()
    }

    /// Entries not recorded because the cap was reached.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    fn push(&mut self, entry: Entry) {
        if self.entries.len() < self.max_entries {
            self.entries.push(entry);
        } else {
            self.dropped += 1;
        }
    }

    /// The clock never goes back, even if a caller's does.
    fn clock(&mut self, now: f64) -> i64 {
        self.last_us = self.last_us.max(to_us(now));
        self.last_us
    }

    /// Records one event of the manager at game time `now` (normally
    /// `manager.now()` right after the call that raised it).
    pub fn record_event(&mut self, now: f64, event: &Event) {
        let ts = self.clock(now);
        match *event {
            Event::LevelStateChanged { level, to, .. } => {
                if let Some((kind, start)) = self.open.remove(&level) {
                    self.push(Entry::Span {
                        level,
                        kind,
                        start_us: start,
                        end_us: ts,
                        outcome: to,
                    });
                }
                if let Some(kind) = SpanKind::of(to) {
                    self.open.insert(level, (kind, ts));
                }
            }
            Event::LoadFailed {
                level,
                attempts,
                will_retry,
            } => self.push(Entry::Instant {
                name: "load failed",
                tid: level_tid(level),
                ts_us: ts,
                args: json!({ "attempts": attempts, "will_retry": will_retry }),
            }),
            Event::RequestFailed {
                level,
                kind,
                attempts,
            } => self.push(Entry::Instant {
                name: "request failed",
                tid: level_tid(level),
                ts_us: ts,
                args: json!({ "kind": kind.name(), "attempts": attempts }),
            }),
            Event::LoadDeferred {
                level,
                needed_mb,
                available_mb,
                ..
            } => self.push(Entry::Instant {
                name: "load deferred",
                tid: level_tid(level),
                ts_us: ts,
                args: json!({ "needed_mb": needed_mb, "available_mb": available_mb }),
            }),
            Event::LevelEvicted { level, .. } => self.push(Entry::Instant {
                name: "evicted",
                tid: level_tid(level),
                ts_us: ts,
                args: json!({}),
            }),
            Event::MemoryStateChanged {
                budget,
                to,
                usage_fraction,
                ..
            } if to != MemoryState::Normal => self.push(Entry::Instant {
                name: if to == MemoryState::Critical {
                    "memory critical"
                } else {
                    "memory warning"
                },
                tid: WORLD_TID,
                ts_us: ts,
                args: json!({ "budget": budget.0, "usage_fraction": usage_fraction }),
            }),
            Event::PerformanceWarning {
                frame_time_ms,
                target_ms,
                consecutive_frames,
            } => self.push(Entry::Instant {
                name: "performance warning",
                tid: WORLD_TID,
                ts_us: ts,
                args: json!({
                    "frame_time_ms": frame_time_ms,
                    "target_ms": target_ms,
                    "consecutive_frames": consecutive_frames,
                }),
            }),
            _ => {}
        }
    }

    /// Records a teleport of source `source` at game time `now`.
    pub fn record_teleport(&mut self, now: f64, source: usize, from: Vec3, to: Vec3) {
        let ts = self.clock(now);
        self.push(Entry::Instant {
            name: "teleport",
            tid: WORLD_TID,
            ts_us: ts,
            args: json!({
                "source": source,
                "from": [from.x, from.y, from.z],
                "to": [to.x, to.y, to.z],
            }),
        });
    }

    /// Samples the memory and loads-in-flight counters at the manager's
    /// clock; a counter is written only when it changed.
    pub fn record_counters(&mut self, manager: &StreamingManager) {
        let budgets: Vec<(&str, f64)> = manager
            .memory_budgets()
            .iter()
            .map(|b| (b.name.as_str(), b.current_usage_mb))
            .collect();
        self.record_counter_values(
            manager.now(),
            &budgets,
            manager.unbudgeted_memory_mb(),
            manager.loads_in_flight(),
        );
    }

    /// Samples the counters from given values (budget name and usage in MB,
    /// memory outside budgets, loads in flight) at game time `now`; a
    /// counter is written only when it changed. For observers that see
    /// snapshots rather than the manager, like the dashboard.
    pub fn record_counter_values(
        &mut self,
        now: f64,
        budgets: &[(&str, f64)],
        unbudgeted_mb: f64,
        loads_in_flight: u32,
    ) {
        let ts = self.clock(now);
        let memory: Vec<f64> = budgets
            .iter()
            .map(|(_, mb)| *mb)
            .chain(std::iter::once(unbudgeted_mb))
            .collect();
        if memory != self.last_memory {
            let mut args = serde_json::Map::new();
            for (name, mb) in budgets {
                args.insert((*name).to_string(), json!(mb));
            }
            args.insert("unbudgeted".into(), json!(unbudgeted_mb));
            self.push(Entry::Counter {
                name: "memory_mb",
                ts_us: ts,
                args: Value::Object(args),
            });
            self.last_memory = memory;
        }
        if self.last_loads != Some(loads_in_flight) {
            self.push(Entry::Counter {
                name: "loads_in_flight",
                ts_us: ts,
                args: json!({ "loads": loads_in_flight }),
            });
            self.last_loads = Some(loads_in_flight);
        }
    }

    /// The trace as a JSON value. Level names come from `manager`; spans
    /// still open end at the manager's clock (or the last recorded time, if
    /// later).
    pub fn to_value(&self, manager: &StreamingManager) -> Value {
        let names: Vec<(LevelId, String)> = manager.levels().map(|l| (l.id, l.name)).collect();
        self.to_value_named(manager.now(), &names)
    }

    /// The trace as a JSON value with the given level names; spans still
    /// open end at `now` (game time, seconds) or the last recorded time.
    pub fn to_value_named(&self, now: f64, levels: &[(LevelId, String)]) -> Value {
        let end = to_us(now).max(self.last_us);
        let mut events = Vec::with_capacity(self.entries.len() + self.open.len() + 8);
        let meta = |name: &str, tid: u32, args: Value| json!({ "name": name, "ph": "M", "ts": 0, "pid": TRACE_PID, "tid": tid, "args": args });
        events.push(meta(
            "process_name",
            WORLD_TID,
            json!({ "name": "level streaming" }),
        ));
        events.push(meta("thread_name", WORLD_TID, json!({ "name": "world" })));
        events.push(meta(
            "thread_sort_index",
            WORLD_TID,
            json!({ "sort_index": 0 }),
        ));
        for (id, name) in levels {
            let tid = level_tid(*id);
            events.push(meta("thread_name", tid, json!({ "name": name })));
            events.push(meta(
                "thread_sort_index",
                tid,
                json!({ "sort_index": id.0 + 1 }),
            ));
        }
        for entry in &self.entries {
            events.push(match entry {
                Entry::Span {
                    level,
                    kind,
                    start_us,
                    end_us,
                    outcome,
                } => json!({
                    "name": kind.name(), "cat": "level", "ph": "X",
                    "ts": start_us, "dur": end_us - start_us,
                    "pid": TRACE_PID, "tid": level_tid(*level),
                    "args": { "then": outcome.name() },
                }),
                Entry::Instant {
                    name,
                    tid,
                    ts_us,
                    args,
                } => json!({
                    "name": name, "cat": "warning", "ph": "i",
                    "s": if *tid == WORLD_TID { "g" } else { "t" },
                    "ts": ts_us, "pid": TRACE_PID, "tid": tid, "args": args,
                }),
                Entry::Counter { name, ts_us, args } => json!({
                    "name": name, "cat": "counter", "ph": "C",
                    "ts": ts_us, "pid": TRACE_PID, "tid": WORLD_TID, "args": args,
                }),
            });
        }
        let mut open: Vec<_> = self.open.iter().collect();
        open.sort_by_key(|(level, _)| **level);
        for (level, (kind, start)) in open {
            events.push(json!({
                "name": kind.name(), "cat": "level", "ph": "X",
                "ts": start, "dur": end - start,
                "pid": TRACE_PID, "tid": level_tid(*level),
                "args": { "open": true },
            }));
        }
        json!({
            "traceEvents": events,
            "displayTimeUnit": "ms",
            "otherData": {
                "generator": format!("level_streaming {}", crate::VERSION),
                "clock": "game time",
                "dropped_entries": self.dropped,
            },
        })
    }

    /// The trace as JSON text.
    pub fn to_json(&self, manager: &StreamingManager) -> String {
        serde_json::to_string(&self.to_value(manager)).expect("a trace always serialises")
    }
}
