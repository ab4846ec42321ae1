//! The simulator: zero hitches on the demo world at default settings,
//! deterministic record and replay, and the trace and Prometheus exports.

use std::collections::HashMap;

use level_streaming::core::{Event, LevelId, RequestKind, StreamingManager, StreamingState};
use level_streaming::export::{prometheus, TraceRecorder};
use level_streaming::sim::demo::demo_world;
use level_streaming::sim::host::HostConfig;
use level_streaming::sim::path::PathSpec;
use level_streaming::sim::record::{replay, Recording};
use level_streaming::sim::{SimConfig, Simulation};
use serde_json::Value;

fn run(config: SimConfig, frames: u64) -> Simulation {
    let mut sim = Simulation::new(&demo_world(), config).unwrap();
    for _ in 0..frames {
        sim.step();
    }
    sim
}

#[test]
fn the_demo_world_streams_without_a_hitch_at_default_settings() {
    // 100 s of game time: the player drives 3 km (through two hubs and
    // their districts), the drone 2 km; 1% of loads fail and are retried.
    let sim = run(SimConfig::default(), 6000);
    let s = sim.summary();
    println!("{s}");
    assert_eq!(s.hitches, 0, "{s}");
    assert_eq!(s.host_errors, 0, "{s}");
    assert!(s.loads >= 20, "{s}");
    assert_eq!(s.inside_missing_frames, 0, "{s}");
    assert!(s.peak_memory_mb <= s.total_budget_mb, "{s}");
    for b in &s.budgets {
        assert!(b.peak_mb <= b.max_mb, "{s}");
    }
}

#[test]
fn a_disk_too_slow_for_the_world_does_hitch() {
    // The hitch detector has teeth: at 4 MB/s nothing arrives in time.
    let config = SimConfig {
        host: HostConfig {
            disk_bandwidth_mb_s: 4.0,
            ..HostConfig::default()
        },
        max_hold_seconds: 1.0,
        ..SimConfig::default()
    };
    let s = run(config, 1500).summary();
    assert!(s.hitches > 0, "{s}");
    assert!(s.hitch_levels > 0, "{s}");
}

fn recorded_config(seed: u64) -> SimConfig {
    SimConfig {
        seed,
        path: PathSpec::RandomWalk {
            teleports_per_minute: 6.0,
        },
        host: HostConfig {
            failure_rate: 0.1,
            ..HostConfig::default()
        },
        speed: 60.0,
        record: true,
        ..SimConfig::default()
    }
}

#[test]
fn a_recorded_session_replays_to_exactly_the_same_decisions() {
    let sim = run(recorded_config(11), 1500);
    let recording = sim.recording().unwrap().clone();
    let s = sim.summary();
    assert!(s.teleports > 0 && s.failures > 0 && s.loads > 0, "{s}");
    let all_requests: usize = recording
        .frames
        .iter()
        .map(|f| f.decisions.requests.len())
        .sum();
    assert!(all_requests > 50);

    // Through JSON, as `--record` / `--replay` do.
    let reloaded = Recording::from_json(&recording.to_json()).unwrap();
    assert_eq!(reloaded, recording);
    let outcome = replay(&reloaded).unwrap();
    assert_eq!(outcome.frames, 1500);
    assert_eq!(outcome.first_mismatch, None);
    let recorded: Vec<_> = recording.frames.iter().map(|f| &f.decisions).collect();
    let replayed: Vec<_> = outcome.decisions.iter().collect();
    assert_eq!(replayed, recorded);
}

#[test]
fn a_changed_input_changes_the_decisions_and_replay_notices() {
    let mut recording = run(recorded_config(12), 900).recording().unwrap().clone();
    let (frame, index) = recording
        .frames
        .iter()
        .enumerate()
        .find_map(|(i, f)| {
            f.completions
                .iter()
                .position(|c| c.success && c.memory_mb.is_some())
                .map(|j| (i, j))
        })
        .expect("some load completed");
    recording.frames[frame].completions[index].success = false;
    recording.frames[frame].completions[index].memory_mb = None;
    let outcome = replay(&recording).unwrap();
    assert_eq!(outcome.first_mismatch, Some(frame));
}

#[test]
fn a_seed_gives_the_same_run_and_another_seed_another() {
    let a = run(recorded_config(5), 600);
    let b = run(recorded_config(5), 600);
    let c = run(recorded_config(6), 600);
    assert_eq!(a.recording(), b.recording());
    assert_eq!(a.summary(), b.summary());
    assert_ne!(a.recording().unwrap().frames, c.recording().unwrap().frames);
}

fn traced_run() -> (Simulation, Value) {
    let config = SimConfig {
        trace: true,
        ..recorded_config(21)
    };
    let sim = run(config, 2400);
    let trace: Value = serde_json::from_str(&sim.trace_json().unwrap()).unwrap();
    (sim, trace)
}

#[test]
fn the_trace_has_the_required_fields_and_kinds() {
    let (_, trace) = traced_run();
    let events = trace["traceEvents"].as_array().unwrap();
    let mut phases: HashMap<String, usize> = HashMap::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    for e in events {
        for field in ["name", "ph", "ts", "pid", "tid"] {
            assert!(e.get(field).is_some(), "missing {field} in {e}");
        }
        assert!(e["name"].is_string() && e["ph"].is_string(), "{e}");
        assert!(
            e["ts"].is_number() && e["pid"].is_u64() && e["tid"].is_u64(),
            "{e}"
        );
        let ph = e["ph"].as_str().unwrap();
        match ph {
            "X" => assert!(e["dur"].as_i64().unwrap() >= 0, "{e}"),
            "C" => {
                let args = e["args"].as_object().expect("counter args");
                assert!(
                    !args.is_empty() && args.values().all(Value::is_number),
                    "{e}"
                );
            }
            "i" => assert!(matches!(e["s"].as_str(), Some("g" | "p" | "t")), "{e}"),
            "M" => {}
            other => panic!("unexpected phase {other}: {e}"),
        }
        *phases.entry(ph.to_string()).or_default() += 1;
        *names
            .entry(e["name"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    for ph in ["X", "C", "i", "M"] {
        assert!(phases.get(ph).copied().unwrap_or(0) > 0, "no {ph} events");
    }
    for name in [
        "load",
        "visible",
        "memory_mb",
        "loads_in_flight",
        "teleport",
        "load failed",
    ] {
        assert!(names.contains_key(name), "no `{name}` event: {names:?}");
    }
}

#[test]
fn trace_spans_never_overlap_on_a_track() {
    let (_, trace) = traced_run();
    let mut tracks: HashMap<u64, Vec<(i64, i64, String)>> = HashMap::new();
    for e in trace["traceEvents"].as_array().unwrap() {
        if e["ph"] == "X" {
            let ts = e["ts"].as_i64().unwrap();
            tracks.entry(e["tid"].as_u64().unwrap()).or_default().push((
                ts,
                ts + e["dur"].as_i64().unwrap(),
                e["name"].as_str().unwrap().to_string(),
            ));
        }
    }
    assert!(tracks.len() > 10, "spans on {} tracks only", tracks.len());
    for (tid, spans) in &mut tracks {
        spans.sort();
        for w in spans.windows(2) {
            assert!(
                w[0].1 <= w[1].0,
                "track {tid}: {:?} overlaps {:?}",
                w[0],
                w[1]
            );
        }
    }
}

#[test]
fn the_recorder_turns_state_changes_into_spans() {
    use StreamingState::*;
    let mut m = StreamingManager::default();
    m.register_level(&level_streaming::core::LevelDesc::new("A"))
        .unwrap();
    let mut t = TraceRecorder::default();
    let level = LevelId(0);
    for (time, from, to) in [
        (1.0, Unloaded, Loading),
        (2.0, Loading, Loaded),
        (2.0, Loaded, Active),
        (5.0, Active, Unloading),
        (5.5, Unloading, Unloaded),
        (6.0, Unloaded, Loading),
    ] {
        t.record_event(time, &Event::LevelStateChanged { level, from, to });
    }
    let v = t.to_value(&m);
    let spans: Vec<(String, i64, i64)> = v["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["ph"] == "X")
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                e["ts"].as_i64().unwrap(),
                e["dur"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        vec![
            ("load".into(), 1_000_000, 1_000_000),
            ("visible".into(), 2_000_000, 3_000_000),
            ("unload".into(), 5_000_000, 500_000),
            // Still open at export: ends at the last recorded time.
            ("load".into(), 6_000_000, 0),
        ]
    );
    let names: Vec<&str> = v["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["name"] == "thread_name")
        .map(|e| e["args"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["world", "A"]);
}

/// One sample: metric name, label text, value.
type Sample = (String, String, f64);

/// Parses the exposition into (family types, samples).
fn parse_exposition(text: &str) -> (HashMap<String, String>, Vec<Sample>) {
    let mut types = HashMap::new();
    let mut helps = HashMap::new();
    let mut samples = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let name = rest.split(' ').next().unwrap();
            assert!(
                helps.insert(name.to_string(), ()).is_none(),
                "two HELP for {name}"
            );
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut it = rest.split(' ');
            let (name, kind) = (it.next().unwrap(), it.next().unwrap());
            assert!(
                ["counter", "gauge", "summary", "histogram", "untyped"].contains(&kind),
                "{line}"
            );
            assert!(types.insert(name.to_string(), kind.to_string()).is_none());
        } else {
            assert!(!line.starts_with('#'), "{line}");
            let (series, value) = line.rsplit_once(' ').expect("name value");
            let (name, labels) = match series.split_once('{') {
                Some((n, l)) => {
                    assert!(l.ends_with('}'), "{line}");
                    (n, l.trim_end_matches('}').to_string())
                }
                None => (series, String::new()),
            };
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
                "{line}"
            );
            let family = name
                .strip_suffix("_sum")
                .or_else(|| name.strip_suffix("_count"))
                .filter(|f| types.get(*f).is_some_and(|t| t == "summary"))
                .unwrap_or(name);
            assert!(types.contains_key(family), "sample before its TYPE: {line}");
            let value: f64 = match value {
                "+Inf" => f64::INFINITY,
                "-Inf" => f64::NEG_INFINITY,
                v => v.parse().unwrap_or_else(|_| panic!("bad value in {line}")),
            };
            samples.push((name.to_string(), labels, value));
        }
    }
    (types, samples)
}

#[test]
fn prometheus_exposition_reports_levels_memory_frame_times_and_requests() {
    let sim = run(SimConfig::default(), 1200);
    let m = sim.manager();
    let text = prometheus::render(m);
    let (types, samples) = parse_exposition(&text);
    let get = |name: &str, labels: &str| -> f64 {
        samples
            .iter()
            .find(|(n, l, _)| n == name && l == labels)
            .unwrap_or_else(|| panic!("no {name}{{{labels}}} in\n{text}"))
            .2
    };
    assert_eq!(types["lsm_levels"], "gauge");
    assert_eq!(types["lsm_frame_time_milliseconds"], "summary");
    assert_eq!(types["lsm_requests_issued_total"], "counter");
    let by_state: f64 = samples
        .iter()
        .filter(|(n, _, _)| n == "lsm_levels")
        .map(|s| s.2)
        .sum();
    assert_eq!(by_state as usize, m.level_count());
    // Every state, counted from the full level infos.
    for state in StreamingState::ALL {
        let count = m.levels().filter(|l| l.state == state).count();
        let label = format!("state=\"{}\"", state.name());
        assert_eq!(get("lsm_levels", &label) as usize, count, "{label}");
    }
    for b in m.memory_budgets() {
        let label = format!("budget=\"{}\"", b.name);
        assert_eq!(
            get("lsm_memory_budget_used_megabytes", &label),
            b.current_usage_mb
        );
        assert_eq!(
            get("lsm_memory_budget_max_megabytes", &label),
            b.max_memory_mb
        );
    }
    for kind in RequestKind::ALL {
        let label = format!("kind=\"{}\"", kind.name().to_ascii_lowercase());
        assert_eq!(
            get("lsm_requests_issued_total", &label) as u64,
            m.request_counts().issued(kind)
        );
    }
    assert!(get("lsm_requests_issued_total", "kind=\"load\"") > 0.0);
    let p50 = get("lsm_frame_time_milliseconds", "quantile=\"0.5\"");
    let p99 = get("lsm_frame_time_milliseconds", "quantile=\"0.99\"");
    assert!(p50 > 0.0 && p50 <= p99, "{p50} {p99}");
    assert_eq!(get("lsm_frame_time_milliseconds_count", ""), 1200.0);
    assert_eq!(get("lsm_frames_total", ""), 1200.0);
}

#[test]
fn prometheus_labels_are_escaped() {
    let mut m = StreamingManager::default();
    m.create_memory_budget(
        "odd \"name\"\\with\nnewline",
        10.0,
        level_streaming::core::Priority::Normal,
    )
    .unwrap();
    let text = prometheus::render(&m);
    assert!(
        text.contains(
            "lsm_memory_budget_max_megabytes{budget=\"odd \\\"name\\\"\\\\with\\nnewline\"} 10\n"
        ),
        "{text}"
    );
    // No frame recorded yet: no quantiles, but sum and count are there.
    assert!(!text.contains("quantile="));
    assert!(text.contains("lsm_frame_time_milliseconds_count 0\n"));
}
