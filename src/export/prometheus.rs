//! Prometheus text exposition format (version 0.0.4) of a manager: levels
//! by state, memory by budget, frame-time quantiles, requests by kind, and a
//! few gauges of the streaming machinery. [`render`] is a pure function of
//! the manager's state (`lsm-sim --metrics` writes it). Metric names and
//! labels follow the dashboard's `/metrics` (issue 5): megabytes and
//! milliseconds spelled out, states in upper case (`state="ACTIVE"`),
//! request kinds in lower case (`kind="make_visible"`).
//!
//! The frame-time summary's quantiles cover the profiler window (nearest
//! rank); `_sum` and `_count` cover the whole run, as Prometheus expects of
//! a summary.

use std::fmt::Write;

use crate::core::memory::MemoryState;
use crate::core::profiler::ProfilingMetric;
use crate::core::{RequestKind, StreamingManager, StreamingState};

/// Content type to serve [`render`]'s output with.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

const STATES: [StreamingState; 6] = [
    StreamingState::Unloaded,
    StreamingState::Loading,
    StreamingState::Loaded,
    StreamingState::Active,
    StreamingState::Unloading,
    StreamingState::Hidden,
];

/// A sample value as Prometheus writes it (`+Inf`, `-Inf`, `NaN`).
fn value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v == f64::INFINITY {
        "+Inf".into()
    } else if v == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        format!("{v}")
    }
}

/// A label value with `\`, `"` and newlines escaped.
fn escape(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

struct Writer {
    out: String,
}

impl Writer {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.out, "# HELP {name} {help}");
        let _ = writeln!(self.out, "# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], v: f64) {
        self.out.push_str(name);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (k, val)) in labels.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{k}=\"{}\"", escape(val));
            }
            self.out.push('}');
        }
        let _ = writeln!(self.out, " {}", value(v));
    }
}

/// The manager's metrics in the Prometheus text format.
pub fn render(manager: &StreamingManager) -> String {
    let mut w = Writer {
        out: String::with_capacity(4096),
    };

    w.family(
        "lsm_info",
        "gauge",
        "Level Streaming Manager library version.",
    );
    w.sample("lsm_info", &[("version", crate::VERSION)], 1.0);

    w.family("lsm_frames_total", "counter", "Frame updates processed.");
    w.sample("lsm_frames_total", &[], manager.frame() as f64);
    w.family(
        "lsm_game_time_seconds",
        "gauge",
        "Game time seen through the frame updates, in seconds.",
    );
    w.sample("lsm_game_time_seconds", &[], manager.now());

    let mut counts = [0usize; 6];
    for level in manager.levels() {
        counts[level.state as usize] += 1;
    }
    w.family("lsm_levels", "gauge", "Levels by streaming state.");
    for state in STATES {
        w.sample(
            "lsm_levels",
            &[("state", state.name())],
            counts[state as usize] as f64,
        );
    }
    w.family(
        "lsm_streaming_sources",
        "gauge",
        "Streaming sources of the last update.",
    );
    w.sample("lsm_streaming_sources", &[], manager.sources().len() as f64);
    w.family("lsm_volumes", "gauge", "Live streaming volumes.");
    w.sample("lsm_volumes", &[], manager.volume_count() as f64);
    w.family(
        "lsm_missing_levels",
        "gauge",
        "Wanted levels not yet where they should be.",
    );
    w.sample(
        "lsm_missing_levels",
        &[],
        manager.missing_level_count() as f64,
    );

    let memory = manager.get_memory_status();
    w.family(
        "lsm_memory_budget_used_megabytes",
        "gauge",
        "Memory held by the levels of each budget, in MB.",
    );
    for b in &memory.budgets {
        w.sample(
            "lsm_memory_budget_used_megabytes",
            &[("budget", &b.name)],
            b.current_usage_mb,
        );
    }
    w.family(
        "lsm_memory_budget_max_megabytes",
        "gauge",
        "Maximum of each budget, in MB.",
    );
    for b in &memory.budgets {
        w.sample(
            "lsm_memory_budget_max_megabytes",
            &[("budget", &b.name)],
            b.max_memory_mb,
        );
    }
    w.family(
        "lsm_memory_budget_state",
        "gauge",
        "State of each budget: 0 normal, 1 warning, 2 critical.",
    );
    for b in &memory.budgets {
        let state = match b.state {
            MemoryState::Normal => 0.0,
            MemoryState::Warning => 1.0,
            MemoryState::Critical => 2.0,
        };
        w.sample("lsm_memory_budget_state", &[("budget", &b.name)], state);
    }
    w.family(
        "lsm_memory_unbudgeted_megabytes",
        "gauge",
        "Memory held by levels in no budget, in MB.",
    );
    w.sample(
        "lsm_memory_unbudgeted_megabytes",
        &[],
        memory.unbudgeted_memory_mb,
    );
    w.family(
        "lsm_memory_used_megabytes",
        "gauge",
        "Memory held by all levels, in MB.",
    );
    w.sample("lsm_memory_used_megabytes", &[], memory.used_memory_mb);

    let frame = manager.get_metric_stats(ProfilingMetric::FrameTime);
    w.family(
        "lsm_frame_time_milliseconds",
        "summary",
        "Frame time in ms: quantiles over the profiler window (nearest rank), sum and count over the run.",
    );
    if frame.count > 0 {
        for (q, v) in [("0.5", frame.p50), ("0.95", frame.p95), ("0.99", frame.p99)] {
            w.sample("lsm_frame_time_milliseconds", &[("quantile", q)], v);
        }
    }
    w.sample(
        "lsm_frame_time_milliseconds_sum",
        &[],
        frame.lifetime_mean * frame.lifetime_count as f64,
    );
    w.sample(
        "lsm_frame_time_milliseconds_count",
        &[],
        frame.lifetime_count as f64,
    );
    w.family(
        "lsm_frame_time_target_milliseconds",
        "gauge",
        "Frame-time target of performance warnings, in ms.",
    );
    w.sample(
        "lsm_frame_time_target_milliseconds",
        &[],
        manager.profiler().config().target_frame_time_ms,
    );
    w.family(
        "lsm_performance_warning",
        "gauge",
        "1 while a performance warning is in force.",
    );
    let warning = manager.profiler().is_performance_warning_active();
    w.sample("lsm_performance_warning", &[], f64::from(u8::from(warning)));

    let requests = manager.request_counts();
    let kinds: Vec<(RequestKind, String)> = RequestKind::ALL
        .iter()
        .map(|k| (*k, k.name().to_ascii_lowercase()))
        .collect();
    for (name, help, series) in [
        (
            "lsm_requests_issued_total",
            "Requests issued to the host, by kind.",
            &requests.issued,
        ),
        (
            "lsm_requests_completed_total",
            "Requests the host completed, by kind.",
            &requests.completed,
        ),
        (
            "lsm_requests_failed_total",
            "Requests the host reported as failed, by kind.",
            &requests.failed,
        ),
    ] {
        w.family(name, "counter", help);
        for (kind, label) in &kinds {
            w.sample(name, &[("kind", label)], series[kind.index()] as f64);
        }
    }
    w.family("lsm_loads_in_flight", "gauge", "Load requests outstanding.");
    w.sample(
        "lsm_loads_in_flight",
        &[],
        f64::from(manager.loads_in_flight()),
    );
    w.family(
        "lsm_pending_requests",
        "gauge",
        "Requests issued and not yet taken by the host.",
    );
    w.sample(
        "lsm_pending_requests",
        &[],
        manager.pending_request_count() as f64,
    );
    w.family(
        "lsm_dropped_events_total",
        "counter",
        "Events dropped because the queue was full.",
    );
    w.sample(
        "lsm_dropped_events_total",
        &[],
        manager.dropped_event_count() as f64,
    );
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_labels_are_written_as_prometheus_expects() {
        assert_eq!(value(f64::INFINITY), "+Inf");
        assert_eq!(value(f64::NEG_INFINITY), "-Inf");
        assert_eq!(value(f64::NAN), "NaN");
        assert_eq!(value(2.5), "2.5");
        assert_eq!(value(3.0), "3");
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
