//! Prometheus text exposition format (version 0.0.4) of a manager: levels
//! by state, memory by budget, frame-time quantiles, requests by kind, and a
//! few gauges of the streaming machinery.
//!
//! This module is the only Prometheus writer of the crate. [`render`] is a
//! pure function of the manager's state (`lsm-sim --metrics` writes it);
//! the dashboard's `/metrics` fills the same [`Figures`] from its snapshot
//! and goes through the same writer (adding its own `lsm_dashboard_*`
//! families after these), so the two cannot disagree. Metric names and
//! labels: megabytes and milliseconds spelled out, states in upper case
//! (`state="ACTIVE"`), request kinds in lower case (`kind="make_visible"`).
//! Sample values are written as Prometheus expects, including `+Inf`,
//! `-Inf` and `NaN`.
//!
//! The frame-time summary's quantiles cover the profiler window (nearest
//! rank); `_sum` and `_count` both cover every frame time recorded since the
//! profiler was created or last reset (not just the window): they are
//! counters, as the format requires of a summary, and `_sum / _count` is the
//! mean over that same population.

use std::fmt::Write;

use crate::core::memory::MemoryState;
use crate::core::profiler::ProfilingMetric;
use crate::core::request::RequestCounts;
use crate::core::{RequestKind, StreamingManager, StreamingState};

/// Content type to serve [`render`]'s output with.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

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

/// One memory budget as the exposition shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BudgetFigures {
    /// Its name (the `budget` label).
    pub name: String,
    /// Memory held by its levels, MB.
    pub used_mb: f64,
    /// Its maximum, MB.
    pub max_mb: f64,
    /// Its state.
    pub state: MemoryState,
}

/// A Prometheus summary: quantiles over the profiler window, `sum` and
/// `count` over every sample since the profiler was created or last reset
/// (see the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SummaryFigures {
    /// The 0.5, 0.95 and 0.99 quantiles (nearest rank) of the window; `None`
    /// while the window is empty (no quantile samples are written then).
    pub quantiles: Option<[f64; 3]>,
    /// Sum of every sample since the profiler was created or last reset.
    pub sum: f64,
    /// Number of those samples.
    pub count: u64,
}

/// Everything the exposition shows, as plain data. [`Figures::of`] reads
/// it from a manager; the dashboard fills it from a snapshot.
/// [`render_figures`] writes it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    /// Frame updates processed (`lsm_frames_total`).
    pub frames: u64,
    /// Game time seen through the frame updates, seconds.
    pub game_time_seconds: f64,
    /// Levels per streaming state, indexed by `StreamingState as usize`.
    pub levels_by_state: [usize; StreamingState::COUNT],
    /// Streaming sources of the last update.
    pub streaming_sources: usize,
    /// Live streaming volumes.
    pub volumes: usize,
    /// Wanted levels not yet where they should be.
    pub missing_levels: usize,
    /// The memory budgets, in id order.
    pub budgets: Vec<BudgetFigures>,
    /// Memory held by levels in no budget, MB.
    pub unbudgeted_memory_mb: f64,
    /// Frame times, ms.
    pub frame_time: SummaryFigures,
    /// Frame-time target of performance warnings, ms.
    pub target_frame_time_ms: f64,
    /// A performance warning is in force.
    pub performance_warning: bool,
    /// Requests issued, completed and failed, by kind.
    pub requests: RequestCounts,
    /// Load requests outstanding.
    pub loads_in_flight: u32,
    /// Requests issued and not yet taken by the host.
    pub pending_requests: usize,
    /// Events the manager's queue dropped.
    pub dropped_events: u64,
}

impl Figures {
    /// The figures of `manager` now.
    pub fn of(manager: &StreamingManager) -> Figures {
        // Statuses, not infos: no name copies and no distances, only states.
        let levels_by_state = StreamingState::tally(manager.level_statuses().map(|l| l.state));
        let profiler = manager.profiler();
        let frame = profiler.get_metric_stats(ProfilingMetric::FrameTime);
        Figures {
            frames: manager.frame(),
            game_time_seconds: manager.now(),
            levels_by_state,
            streaming_sources: manager.sources().len(),
            volumes: manager.volume_count(),
            missing_levels: manager.missing_level_count(),
            budgets: manager
                .memory_budgets()
                .iter()
                .map(|b| BudgetFigures {
                    name: b.name.clone(),
                    used_mb: b.current_usage_mb,
                    max_mb: b.max_memory_mb,
                    state: b.state,
                })
                .collect(),
            unbudgeted_memory_mb: manager.unbudgeted_memory_mb(),
            frame_time: SummaryFigures {
                quantiles: (frame.count > 0).then_some([frame.p50, frame.p95, frame.p99]),
                sum: profiler.sample_sum(ProfilingMetric::FrameTime),
                count: profiler.sample_count(ProfilingMetric::FrameTime),
            },
            target_frame_time_ms: profiler.config().target_frame_time_ms,
            performance_warning: profiler.is_performance_warning_active(),
            requests: *manager.request_counts(),
            loads_in_flight: manager.loads_in_flight(),
            pending_requests: manager.pending_request_count(),
            dropped_events: manager.dropped_event_count(),
        }
    }
}

/// Writes metric families in the text format. The dashboard uses it to add
/// its own families after [`Writer::figures`], in the same spelling.
pub(crate) struct Writer {
    out: String,
}

impl Writer {
    /// An empty exposition with room for `capacity` bytes.
    pub(crate) fn with_capacity(capacity: usize) -> Writer {
        Writer {
            out: String::with_capacity(capacity),
        }
    }

    /// A family of `kind` with one sample and no labels.
    pub(crate) fn single(&mut self, name: &str, kind: &str, help: &str, v: f64) {
        self.family(name, kind, help);
        self.sample(name, &[], v);
    }

    /// The `# HELP` and `# TYPE` lines of a family.
    pub(crate) fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.out, "# HELP {name} {help}");
        let _ = writeln!(self.out, "# TYPE {name} {kind}");
    }

    /// One sample line.
    pub(crate) fn sample(&mut self, name: &str, labels: &[(&str, &str)], v: f64) {
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

    /// The text written so far.
    pub(crate) fn finish(self) -> String {
        self.out
    }

    /// Every family of the manager's figures.
    pub(crate) fn figures(&mut self, f: &Figures) {
        let w = self;
        w.family(
            "lsm_info",
            "gauge",
            "Level Streaming Manager library version.",
        );
        w.sample("lsm_info", &[("version", crate::VERSION)], 1.0);

        w.single(
            "lsm_frames_total",
            "counter",
            "Frame updates processed.",
            f.frames as f64,
        );
        w.single(
            "lsm_game_time_seconds",
            "gauge",
            "Game time seen through the frame updates, in seconds.",
            f.game_time_seconds,
        );

        w.family("lsm_levels", "gauge", "Levels by streaming state.");
        for state in StreamingState::ALL {
            w.sample(
                "lsm_levels",
                &[("state", state.name())],
                f.levels_by_state[state as usize] as f64,
            );
        }
        w.single(
            "lsm_streaming_sources",
            "gauge",
            "Streaming sources of the last update.",
            f.streaming_sources as f64,
        );
        w.single(
            "lsm_volumes",
            "gauge",
            "Live streaming volumes.",
            f.volumes as f64,
        );
        w.single(
            "lsm_missing_levels",
            "gauge",
            "Wanted levels not yet where they should be.",
            f.missing_levels as f64,
        );

        type BudgetFamily = (&'static str, &'static str, fn(&BudgetFigures) -> f64);
        let budget_families: [BudgetFamily; 3] = [
            (
                "lsm_memory_budget_used_megabytes",
                "Memory held by the levels of each budget, in MB.",
                |b| b.used_mb,
            ),
            (
                "lsm_memory_budget_max_megabytes",
                "Maximum of each budget, in MB.",
                |b| b.max_mb,
            ),
            (
                "lsm_memory_budget_state",
                "State of each budget: 0 normal, 1 warning, 2 critical.",
                |b| match b.state {
                    MemoryState::Normal => 0.0,
                    MemoryState::Warning => 1.0,
                    MemoryState::Critical => 2.0,
                },
            ),
        ];
        for (name, help, value) in budget_families {
            w.family(name, "gauge", help);
            for b in &f.budgets {
                w.sample(name, &[("budget", &b.name)], value(b));
            }
        }
        w.single(
            "lsm_memory_unbudgeted_megabytes",
            "gauge",
            "Memory held by levels in no budget, in MB.",
            f.unbudgeted_memory_mb,
        );
        // The manager's own sum (`StreamingManager::used_memory_mb`).
        let used = f.budgets.iter().map(|b| b.used_mb).sum::<f64>() + f.unbudgeted_memory_mb;
        w.single(
            "lsm_memory_used_megabytes",
            "gauge",
            "Memory held by all levels, in MB.",
            used,
        );

        w.family(
            "lsm_frame_time_milliseconds",
            "summary",
            "Frame time in ms: quantiles over the profiler window (nearest rank); sum and count over every frame since the profiler was created or reset.",
        );
        if let Some([p50, p95, p99]) = f.frame_time.quantiles {
            for (q, v) in [("0.5", p50), ("0.95", p95), ("0.99", p99)] {
                w.sample("lsm_frame_time_milliseconds", &[("quantile", q)], v);
            }
        }
        w.sample("lsm_frame_time_milliseconds_sum", &[], f.frame_time.sum);
        w.sample(
            "lsm_frame_time_milliseconds_count",
            &[],
            f.frame_time.count as f64,
        );
        w.single(
            "lsm_frame_time_target_milliseconds",
            "gauge",
            "Frame-time target of performance warnings, in ms.",
            f.target_frame_time_ms,
        );
        w.single(
            "lsm_performance_warning",
            "gauge",
            "1 while a performance warning is in force.",
            f64::from(u8::from(f.performance_warning)),
        );

        for (name, help, series) in [
            (
                "lsm_requests_issued_total",
                "Requests issued to the host, by kind.",
                &f.requests.issued,
            ),
            (
                "lsm_requests_completed_total",
                "Requests the host completed, by kind.",
                &f.requests.completed,
            ),
            (
                "lsm_requests_failed_total",
                "Requests the host reported as failed, by kind.",
                &f.requests.failed,
            ),
        ] {
            w.family(name, "counter", help);
            for kind in RequestKind::ALL {
                let label = kind.name().to_ascii_lowercase();
                w.sample(name, &[("kind", &label)], series[kind.index()] as f64);
            }
        }
        w.single(
            "lsm_loads_in_flight",
            "gauge",
            "Load requests outstanding.",
            f64::from(f.loads_in_flight),
        );
        w.single(
            "lsm_pending_requests",
            "gauge",
            "Requests issued and not yet taken by the host.",
            f.pending_requests as f64,
        );
        w.single(
            "lsm_dropped_events_total",
            "counter",
            "Events dropped because the queue was full.",
            f.dropped_events as f64,
        );
    }
}

/// The manager's metrics in the Prometheus text format
/// (`render_figures(&Figures::of(manager))`).
pub fn render(manager: &StreamingManager) -> String {
    render_figures(&Figures::of(manager))
}

/// `figures` in the Prometheus text format.
pub fn render_figures(figures: &Figures) -> String {
    let mut w = Writer::with_capacity(4096);
    w.figures(figures);
    w.finish()
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

    #[test]
    fn infinite_sample_values_are_written_plus_inf() {
        let figures = Figures {
            budgets: vec![BudgetFigures {
                name: "Huge".into(),
                used_mb: 1.0,
                max_mb: f64::INFINITY,
                state: MemoryState::Normal,
            }],
            frame_time: SummaryFigures {
                quantiles: Some([1.0, 2.0, f64::INFINITY]),
                sum: f64::INFINITY,
                count: 3,
            },
            ..Figures::default()
        };
        let text = render_figures(&figures);
        for line in [
            "lsm_memory_budget_max_megabytes{budget=\"Huge\"} +Inf\n",
            "lsm_memory_used_megabytes 1\n",
            "lsm_frame_time_milliseconds{quantile=\"0.99\"} +Inf\n",
            "lsm_frame_time_milliseconds_sum +Inf\n",
            "lsm_frame_time_milliseconds_count 3\n",
        ] {
            assert!(text.contains(line), "missing {line:?} in\n{text}");
        }
        assert!(!text.contains(" inf\n"), "{text}");
    }

    #[test]
    fn the_frame_time_sum_and_count_cover_the_run_and_the_quantiles_the_window() {
        let mut manager = StreamingManager::new(crate::core::StreamingConfig {
            profiler: crate::core::profiler::ProfilerConfig {
                window_size: 2,
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap();
        for ft in [0.1, 0.2, 30.0] {
            manager.profile_frame(ft, 0.0, 0, 0).unwrap();
        }
        let figures = Figures::of(&manager);
        // The window holds 0.2 and 30; the run all three (the exact sum,
        // not a mean times a count).
        assert_eq!(figures.frame_time.quantiles, Some([0.2, 30.0, 30.0]));
        assert_eq!(figures.frame_time.count, 3);
        assert_eq!(figures.frame_time.sum, 0.1 + 0.2 + 30.0);
        let text = render_figures(&figures);
        assert!(
            text.contains("lsm_frame_time_milliseconds_count 3\n"),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "lsm_frame_time_milliseconds_sum {}\n",
                0.1 + 0.2 + 30.0
            )),
            "{text}"
        );
        assert_eq!(render(&manager), text);
    }
}
