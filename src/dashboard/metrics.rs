//! `GET /metrics`: the snapshot in the Prometheus text exposition format
//! (version 0.0.4). Built on the dashboard thread from the same snapshot as
//! the page, by the crate's one Prometheus writer
//! ([`crate::export::prometheus`]): the snapshot is turned into the same
//! [`Figures`] that `lsm-sim --metrics` renders from a manager, and the
//! dashboard's own `lsm_dashboard_*` families follow.

use crate::core::profiler::MetricStats;
use crate::core::StreamingState;
use crate::export::prometheus::{BudgetFigures, Figures, SummaryFigures, Writer};

use super::snapshot::Snapshot;
use super::state::{Kept, ServerCounters};

/// The figures a snapshot describes. `kept` and `levels_by_state` (the
/// [`StreamingState::tally`] of its levels) are the dashboard thread's after
/// absorbing `snap`; `frame_time` is its frame-time window (the profiler's,
/// rebuilt from the samples snapshots bring).
pub(crate) fn figures(
    snap: &Snapshot,
    kept: &Kept,
    levels_by_state: [usize; StreamingState::COUNT],
    volume_count: usize,
    frame_time: &MetricStats,
) -> Figures {
    let frame = crate::core::profiler::ProfilingMetric::FrameTime as usize;
    Figures {
        frames: snap.frame,
        game_time_seconds: snap.time_seconds,
        levels_by_state,
        streaming_sources: snap.sources.len(),
        volumes: volume_count,
        missing_levels: snap.missing_levels,
        budgets: kept
            .budgets
            .iter()
            .map(|b| BudgetFigures {
                name: b.name.clone(),
                used_mb: b.current_usage_mb,
                max_mb: b.max_memory_mb,
                state: b.state,
            })
            .collect(),
        unbudgeted_memory_mb: kept.unbudgeted_memory_mb,
        frame_time: SummaryFigures {
            quantiles: (frame_time.count > 0).then_some([
                frame_time.p50,
                frame_time.p95,
                frame_time.p99,
            ]),
            sum: snap.sample_sums[frame],
            count: snap.sample_counts[frame],
        },
        target_frame_time_ms: snap.target_frame_time_ms,
        performance_warning: snap.performance_warning,
        requests: snap.request_counts,
        loads_in_flight: snap.loads_in_flight,
        pending_requests: snap.pending_requests,
        dropped_events: snap.core_events_dropped,
    }
}

/// The exposition text: `figures`, then the dashboard's own counters.
pub(crate) fn exposition(figures: &Figures, extra: &ServerCounters) -> String {
    let mut w = Writer::with_capacity(4096);
    w.figures(figures);
    w.single(
        "lsm_dashboard_clients",
        "gauge",
        "WebSocket clients connected to the dashboard.",
        extra.clients as f64,
    );
    w.single(
        "lsm_dashboard_updates_dropped_total",
        "counter",
        "Live updates not sent to slow clients.",
        extra.updates_dropped as f64,
    );
    w.single(
        "lsm_dashboard_events_dropped_total",
        "counter",
        "Events the dashboard's queue dropped.",
        extra.events_dropped as f64,
    );
    w.finish()
}
