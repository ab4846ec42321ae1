//! `GET /metrics`: the snapshot in the Prometheus text exposition format
//! (version 0.0.4). Built on the dashboard thread from the same snapshot as
//! the page.

use std::fmt::Write;

use serde_json::Value;

use crate::core::manager::LevelStatus;
use crate::core::StreamingState;

use super::snapshot::Snapshot;
use super::state::{Kept, ServerCounters};

/// Escapes a label value (backslash, double quote, newline).
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// The exposition text for one snapshot.
pub(crate) fn exposition(
    snap: &Snapshot,
    kept: &Kept,
    levels: &[LevelStatus],
    volume_count: usize,
    frame_stats: &Value,
    extra: &ServerCounters,
) -> String {
    let mut out = String::with_capacity(2048);
    header(
        &mut out,
        "lsm_levels",
        "gauge",
        "Levels by streaming state.",
    );
    for state in [
        StreamingState::Unloaded,
        StreamingState::Loading,
        StreamingState::Loaded,
        StreamingState::Active,
        StreamingState::Unloading,
        StreamingState::Hidden,
    ] {
        let n = levels.iter().filter(|l| l.state == state).count();
        let _ = writeln!(out, "lsm_levels{{state=\"{}\"}} {n}", state.name());
    }
    header(&mut out, "lsm_volumes", "gauge", "Live streaming volumes.");
    let _ = writeln!(out, "lsm_volumes {volume_count}");
    header(
        &mut out,
        "lsm_streaming_sources",
        "gauge",
        "Streaming sources of the last update.",
    );
    let _ = writeln!(out, "lsm_streaming_sources {}", snap.sources.len());
    header(
        &mut out,
        "lsm_missing_levels",
        "gauge",
        "Wanted levels not yet where they should be.",
    );
    let _ = writeln!(out, "lsm_missing_levels {}", snap.missing_levels);
    header(
        &mut out,
        "lsm_loads_in_flight",
        "gauge",
        "Load requests outstanding.",
    );
    let _ = writeln!(out, "lsm_loads_in_flight {}", snap.loads_in_flight);
    header(
        &mut out,
        "lsm_pending_requests",
        "gauge",
        "Requests issued and not yet taken by the host.",
    );
    let _ = writeln!(out, "lsm_pending_requests {}", snap.pending_requests);
    header(
        &mut out,
        "lsm_requests_issued_total",
        "counter",
        "Requests issued since the manager was created.",
    );
    let _ = writeln!(out, "lsm_requests_issued_total {}", snap.requests_issued);
    header(
        &mut out,
        "lsm_frames_total",
        "counter",
        "Updates since the manager was created.",
    );
    let _ = writeln!(out, "lsm_frames_total {}", snap.frame);

    header(
        &mut out,
        "lsm_memory_budget_used_megabytes",
        "gauge",
        "Memory held by the levels of a budget.",
    );
    for b in &kept.budgets {
        let _ = writeln!(
            out,
            "lsm_memory_budget_used_megabytes{{budget=\"{}\"}} {}",
            label(&b.name),
            b.current_usage_mb
        );
    }
    header(
        &mut out,
        "lsm_memory_budget_max_megabytes",
        "gauge",
        "Maximum of a budget.",
    );
    for b in &kept.budgets {
        let _ = writeln!(
            out,
            "lsm_memory_budget_max_megabytes{{budget=\"{}\"}} {}",
            label(&b.name),
            b.max_memory_mb
        );
    }
    header(
        &mut out,
        "lsm_memory_unbudgeted_megabytes",
        "gauge",
        "Memory held by levels in no budget.",
    );
    let _ = writeln!(
        out,
        "lsm_memory_unbudgeted_megabytes {}",
        kept.unbudgeted_memory_mb
    );

    header(
        &mut out,
        "lsm_frame_time_milliseconds",
        "summary",
        "Frame time over the profiler window.",
    );
    for (q, key) in [("0.5", "p50"), ("0.95", "p95"), ("0.99", "p99")] {
        let v = frame_stats[key].as_f64().unwrap_or(0.0);
        let _ = writeln!(out, "lsm_frame_time_milliseconds{{quantile=\"{q}\"}} {v}");
    }
    let count = frame_stats["count"].as_u64().unwrap_or(0);
    let mean = frame_stats["mean"].as_f64().unwrap_or(0.0);
    let _ = writeln!(
        out,
        "lsm_frame_time_milliseconds_sum {}",
        mean * count as f64
    );
    let _ = writeln!(out, "lsm_frame_time_milliseconds_count {count}");
    header(
        &mut out,
        "lsm_performance_warning",
        "gauge",
        "1 while a frame-time warning is in force.",
    );
    let _ = writeln!(
        out,
        "lsm_performance_warning {}",
        u8::from(snap.performance_warning)
    );

    header(
        &mut out,
        "lsm_dashboard_clients",
        "gauge",
        "WebSocket clients connected to the dashboard.",
    );
    let _ = writeln!(out, "lsm_dashboard_clients {}", extra.clients);
    header(
        &mut out,
        "lsm_dashboard_updates_dropped_total",
        "counter",
        "Live updates not sent to slow clients.",
    );
    let _ = writeln!(
        out,
        "lsm_dashboard_updates_dropped_total {}",
        extra.updates_dropped
    );
    header(
        &mut out,
        "lsm_dashboard_events_dropped_total",
        "counter",
        "Events the dashboard's queue dropped.",
    );
    let _ = writeln!(
        out,
        "lsm_dashboard_events_dropped_total {}",
        extra.events_dropped
    );
    out
}
