//! Behaviour tests of the seed features through the Rust API: memory
//! budgets and eviction, LOD, profiler events, occlusion, loading screens
//! and the performance report.

use level_streaming::core::lod::{LodLevel, LodSettings};
use level_streaming::core::memory::MemoryState;
use level_streaming::core::occlusion::{CullingRating, OcclusionType};
use level_streaming::core::profiler::{ProfilerConfig, ProfilingMetric};
use level_streaming::core::*;

mod host;
use host::drain_events as events;
use host::settle;

fn state(m: &StreamingManager, name: &str) -> StreamingState {
    m.level_state_by_name(name).unwrap()
}

/// A manager with one 1000 MB budget and the given (name, priority, MB) levels.
fn budgeted(levels: &[(&str, Priority, f64)]) -> StreamingManager {
    let mut m = StreamingManager::new(StreamingConfig {
        max_loads_in_flight: 0,
        ..StreamingConfig::default()
    })
    .unwrap();
    m.create_memory_budget("world", 1000.0, Priority::High)
        .unwrap();
    for &(name, priority, mb) in levels {
        m.register_level(&LevelDesc {
            name: name.into(),
            estimated_memory_mb: mb,
            priority,
        })
        .unwrap();
        m.allocate_level_to_budget("world", name, mb).unwrap();
    }
    m
}

fn memory_changes(evs: &[Event]) -> Vec<(MemoryState, MemoryState)> {
    evs.iter()
        .filter_map(|e| match e {
            Event::MemoryStateChanged { from, to, .. } => Some((*from, *to)),
            _ => None,
        })
        .collect()
}

fn evicted(m: &StreamingManager, evs: &[Event]) -> Vec<String> {
    evs.iter()
        .filter_map(|e| match e {
            Event::LevelEvicted { level, .. } => Some(m.level_name(*level).unwrap().to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn budget_goes_through_warning_and_critical_with_events() {
    let mut m = budgeted(&[
        ("A", Priority::Normal, 400.0),
        ("B", Priority::Normal, 400.0),
        ("C", Priority::Normal, 160.0),
    ]);
    m.load_level("A").unwrap();
    settle(&mut m);
    assert_eq!(m.memory_budget("world").unwrap().state, MemoryState::Normal);
    m.load_level("B").unwrap();
    settle(&mut m);
    assert_eq!(m.memory_budget("world").unwrap().current_usage_mb, 800.0);
    m.load_level("C").unwrap();
    settle(&mut m);
    let evs = events(&mut m);
    use MemoryState::*;
    assert_eq!(
        memory_changes(&evs),
        [(Normal, Warning), (Warning, Critical)]
    );
    let status = m.get_memory_status();
    assert_eq!(status.used_memory_mb, 960.0);
    assert_eq!(status.total_memory_mb, 1000.0);
    assert!((status.usage_percentage - 0.96).abs() < 1e-12);
    assert_eq!(status.worst_state, Critical);
    // Everything is wanted: nothing may be evicted.
    assert!(evicted(&m, &evs).is_empty());
    assert!(m.memory_budget("world").unwrap().evicting);
}

#[test]
fn eviction_picks_lowest_priority_then_least_recently_wanted_and_never_critical() {
    let mut m = budgeted(&[
        ("Keep", Priority::Critical, 300.0),
        ("Old", Priority::Normal, 100.0),
        ("Young", Priority::Normal, 100.0),
        ("Low", Priority::Low, 100.0),
        ("Bg", Priority::Background, 100.0),
        ("New1", Priority::High, 200.0),
        ("New2", Priority::High, 250.0),
        ("Huge", Priority::High, 900.0),
    ]);
    let first = ["Keep", "Old", "Young", "Low", "Bg"];
    for name in first {
        m.load_level(name).unwrap();
    }
    settle(&mut m);
    assert_eq!(m.memory_budget("world").unwrap().current_usage_mb, 700.0);
    // Release them one second apart: nothing unloads, budgeted levels are
    // cached (hidden, still in memory).
    for name in first {
        m.update(&[], 1.0).unwrap();
        m.unload_level(name).unwrap();
        settle(&mut m);
    }
    for name in first {
        assert_eq!(
            state(&m, name),
            StreamingState::Hidden,
            "{name} should be cached"
        );
    }
    events(&mut m);
    // New1 (200) fits: 900 is Warning, not Critical; nothing is evicted.
    m.load_level("New1").unwrap();
    settle(&mut m);
    let evs = events(&mut m);
    assert!(evicted(&m, &evs).is_empty());
    // New2 (250) does not fit (1150 > 1000): evict BACKGROUND then LOW.
    // Loaded, the budget is at 950 = Critical, so eviction goes on until it
    // is below Warning (800): the NORMAL ones, least recently wanted first.
    m.load_level("New2").unwrap();
    settle(&mut m);
    let evs = events(&mut m);
    assert_eq!(evicted(&m, &evs), ["Bg", "Low", "Old", "Young"]);
    assert_eq!(state(&m, "New2"), StreamingState::Active);
    assert_eq!(
        state(&m, "Keep"),
        StreamingState::Hidden,
        "CRITICAL is never evicted"
    );
    assert_eq!(m.memory_budget("world").unwrap().current_usage_mb, 750.0);
    // Huge (900) cannot fit next to Keep (300) whatever is evicted: New1
    // and New2 go (same release time: lower id first), then the load waits
    // and says why, once.
    m.update(&[], 1.0).unwrap();
    m.unload_level("New1").unwrap();
    m.unload_level("New2").unwrap();
    settle(&mut m);
    events(&mut m);
    m.load_level("Huge").unwrap();
    settle(&mut m);
    let evs = events(&mut m);
    assert_eq!(evicted(&m, &evs), ["New1", "New2"]);
    assert_eq!(state(&m, "Huge"), StreamingState::Unloaded);
    let deferred: Vec<_> = evs
        .iter()
        .filter_map(|e| match e {
            Event::LoadDeferred {
                needed_mb,
                available_mb,
                ..
            } => Some((*needed_mb, *available_mb)),
            _ => None,
        })
        .collect();
    assert_eq!(deferred, [(900.0, 700.0)]);
    m.update(&[], 1.0).unwrap();
    assert!(
        events(&mut m)
            .iter()
            .all(|e| !matches!(e, Event::LoadDeferred { .. })),
        "reported once per wait"
    );
    // Room appears when Keep is moved out of the budget: the load proceeds.
    m.create_memory_budget("core", 1000.0, Priority::Critical)
        .unwrap();
    m.allocate_level_to_budget("core", "Keep", 300.0).unwrap();
    settle(&mut m);
    assert_eq!(state(&m, "Huge"), StreamingState::Active);
}

#[test]
fn a_critical_budget_evicts_until_below_warning_then_stops() {
    let mut m = budgeted(&[
        ("Bg", Priority::Background, 200.0),
        ("Low", Priority::Low, 200.0),
        ("N1", Priority::Normal, 200.0),
        ("N2", Priority::Normal, 200.0),
        ("Hi", Priority::High, 160.0),
    ]);
    for name in ["Bg", "Low", "N1", "N2", "Hi"] {
        m.load_level(name).unwrap();
    }
    settle(&mut m);
    assert_eq!(
        m.memory_budget("world").unwrap().state,
        MemoryState::Critical
    );
    events(&mut m);
    // Release Low: the budget is Critical, so it is evicted at once
    // (960 - 200 = 760, below Warning: eviction stops).
    m.unload_level("Low").unwrap();
    settle(&mut m);
    let evs = events(&mut m);
    assert_eq!(evicted(&m, &evs), ["Low"]);
    use MemoryState::*;
    assert_eq!(memory_changes(&evs), [(Critical, Normal)]);
    // Release Bg: below Warning nothing is evicted; it stays cached.
    m.unload_level("Bg").unwrap();
    settle(&mut m);
    let evs = events(&mut m);
    assert!(evicted(&m, &evs).is_empty());
    assert_eq!(
        state(&m, "Bg"),
        StreamingState::Hidden,
        "stays cached below Warning"
    );
    let b = m.memory_budget("world").unwrap();
    assert_eq!(
        (b.current_usage_mb, b.state, b.evicting),
        (760.0, MemoryState::Normal, false)
    );
}

#[test]
fn reported_memory_replaces_the_estimate() {
    let mut m = budgeted(&[("A", Priority::Normal, 100.0)]);
    m.load_level("A").unwrap();
    let mut reqs = Vec::new();
    m.take_requests(10, &mut reqs);
    assert_eq!(
        m.memory_budget("world").unwrap().current_usage_mb,
        100.0,
        "reserved at load issue"
    );
    m.complete_request_with_memory(reqs[0].id, true, Some(350.5))
        .unwrap();
    assert_eq!(m.memory_budget("world").unwrap().current_usage_mb, 350.5);
    assert_eq!(
        m.memory_budget("world").unwrap().allocated_levels[0].1,
        350.5
    );
    assert!(m
        .complete_request_with_memory(RequestId(999), true, Some(f64::NAN))
        .is_err());
}

#[test]
fn unknown_budget_and_bad_thresholds_are_refused() {
    let mut m = budgeted(&[]);
    assert!(matches!(
        m.allocate_level_to_budget("nope", "A", 1.0),
        Err(StreamingError::NotFound { .. })
    ));
    assert!(matches!(
        m.allocate_level_to_budget("world", "A", -1.0),
        Err(StreamingError::NegativeValue { .. })
    ));
    assert!(m.set_budget_thresholds("world", 0.9, 0.5).is_err());
    assert!(matches!(
        m.create_memory_budget("world", 5.0, Priority::Low),
        Err(StreamingError::DuplicateName { .. })
    ));
    m.set_budget_thresholds("world", 0.5, 0.7).unwrap();
    assert_eq!(m.memory_budget("world").unwrap().warning_threshold, 0.5);
}

#[test]
fn auto_lod_follows_distance_with_hysteresis_and_emits_set_lod_requests() {
    let mut m = StreamingManager::default();
    m.create_streaming_volume(&VolumeDesc::new("v", "L", Vec3::ZERO, 0.0, 5000.0))
        .unwrap();
    m.create_lod_settings("L").unwrap();
    fn at(x: f64) -> [StreamingSource; 1] {
        [StreamingSource::at(Vec3::new(x, 0.0, 0.0))]
    }
    m.update(&at(500.0), 0.1).unwrap();
    settle(&mut m);
    assert_eq!(m.level_lod("L").unwrap(), LodLevel::Ultra);
    m.update(&at(1500.0), 0.1).unwrap();
    let reqs = settle(&mut m);
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        (reqs[0].kind, reqs[0].lod),
        (RequestKind::SetLod, LodLevel::High)
    );
    // Just back inside 1000: no flap.
    m.update(&at(950.0), 0.1).unwrap();
    assert!(settle(&mut m).is_empty());
    assert_eq!(m.level_lod("L").unwrap(), LodLevel::High);
    // 10% inside: back to ULTRA.
    m.update(&at(900.0), 0.1).unwrap();
    assert_eq!(settle(&mut m)[0].lod, LodLevel::Ultra);
    let changes: Vec<_> = events(&mut m)
        .into_iter()
        .filter_map(|e| match e {
            Event::LodChanged { from, to, .. } => Some((from, to)),
            _ => None,
        })
        .collect();
    assert_eq!(
        changes,
        [
            (LodLevel::Ultra, LodLevel::High),
            (LodLevel::High, LodLevel::Ultra)
        ]
    );
}

#[test]
fn frame_time_over_target_lowers_auto_lod() {
    let mut m = StreamingManager::default();
    m.create_streaming_volume(&VolumeDesc::new("v", "L", Vec3::ZERO, 0.0, 100.0))
        .unwrap();
    m.create_lod_settings("L").unwrap();
    let src = [StreamingSource::at(Vec3::ZERO)];
    m.update(&src, 0.1).unwrap();
    settle(&mut m);
    for _ in 0..50 {
        m.profile_frame(40.0, 100.0, 1000, 1_000_000).unwrap();
    }
    m.update(&src, 0.1).unwrap();
    settle(&mut m);
    // 40 ms > 1.5 x 16.67: two steps down from ULTRA.
    assert_eq!(m.level_lod("L").unwrap(), LodLevel::Medium);
    assert_eq!(
        m.calculate_optimal_lod_for_level("L").unwrap(),
        LodLevel::Medium
    );
}

#[test]
fn manual_lod_sticks_and_quality_values_follow() {
    let mut m = StreamingManager::default();
    m.create_streaming_volume(&VolumeDesc::new("v", "L", Vec3::ZERO, 0.0, 100.0))
        .unwrap();
    m.update(&[StreamingSource::at(Vec3::ZERO)], 0.1).unwrap();
    settle(&mut m);
    m.adjust_lod("L", LodLevel::Low).unwrap();
    let reqs = settle(&mut m);
    assert_eq!(
        (reqs[0].kind, reqs[0].lod),
        (RequestKind::SetLod, LodLevel::Low)
    );
    m.update(&[StreamingSource::at(Vec3::ZERO)], 0.1).unwrap();
    assert_eq!(
        m.level_lod("L").unwrap(),
        LodLevel::Low,
        "auto-adjust is off after a manual set"
    );
    let q = m.get_lod_quality_values("L").unwrap();
    assert_eq!(
        (
            q.texture_quality,
            q.mesh_quality,
            q.draw_distance,
            q.shadow_quality
        ),
        (0.4, 0.7, 4000.0, 0.3)
    );
    assert_eq!(
        m.calculate_optimal_lod(2500.0, 600.0, 10.0).unwrap(),
        LodLevel::Medium
    );
    assert!(m.calculate_optimal_lod(f64::NAN, 1.0, 1.0).is_err());
    let bad = LodSettings {
        distance_thresholds: [5.0, 4.0, 3.0, 2.0, 1.0],
        ..LodSettings::default()
    };
    assert!(m.set_lod_settings("L", bad).is_err());
}

#[test]
fn performance_warning_and_recovery_events() {
    let config = StreamingConfig {
        profiler: ProfilerConfig {
            warning_after_frames: 3,
            recovery_after_frames: 2,
            ..ProfilerConfig::default()
        },
        ..StreamingConfig::default()
    };
    let mut m = StreamingManager::new(config).unwrap();
    for ms in [20.0, 20.0, 10.0, 20.0, 20.0, 20.0, 20.0, 10.0, 10.0, 10.0] {
        m.profile_frame(ms, 512.0, 2000, 5_000_000).unwrap();
    }
    let evs: Vec<_> = events(&mut m);
    assert_eq!(
        evs,
        [
            Event::PerformanceWarning {
                frame_time_ms: 20.0,
                target_ms: 16.67,
                consecutive_frames: 3
            },
            Event::PerformanceRecovered {
                target_ms: 16.67,
                consecutive_frames: 2
            },
        ]
    );
    let stats = m.get_metric_stats(ProfilingMetric::DrawCalls);
    assert_eq!((stats.count, stats.mean), (10, 2000.0));
    assert!(m.profile_frame(f64::NAN, 1.0, 1, 1).is_err());
    assert_eq!(m.get_metric_stats(ProfilingMetric::FrameTime).count, 10);
}

#[test]
fn load_completions_feed_load_time_and_bandwidth() {
    let mut m = StreamingManager::default();
    m.register_level(&LevelDesc {
        name: "L".into(),
        estimated_memory_mb: 200.0,
        priority: Priority::Normal,
    })
    .unwrap();
    m.load_level("L").unwrap();
    let mut reqs = Vec::new();
    m.take_requests(1, &mut reqs);
    m.update(&[], 0.5).unwrap();
    m.complete_request(reqs[0].id, true).unwrap();
    assert_eq!(
        m.get_metric_stats(ProfilingMetric::AssetLoadTime).latest,
        500.0
    );
    assert_eq!(
        m.get_metric_stats(ProfilingMetric::StreamingBandwidth)
            .latest,
        400.0
    );
}

#[test]
fn occlusion_statistics_through_the_manager() {
    let mut m = StreamingManager::default();
    m.register_level(&LevelDesc::new("Forest")).unwrap();
    m.create_occlusion_data("Forest", OcclusionType::Hierarchical)
        .unwrap();
    assert_eq!(m.update_occlusion("Forest", 30, 70).unwrap(), 0.7);
    assert_eq!(m.get_occlusion_efficiency("Forest").unwrap(), 0.7);
    assert_eq!(
        m.occlusion_data("Forest").unwrap().rating,
        CullingRating::Good
    );
    assert!(m.occlusion_data("Forest").unwrap().triangles_saved_total > 0.0);
    assert!(matches!(
        m.update_occlusion("Nope", 1, 1),
        Err(StreamingError::UnknownLevelName(_))
    ));
    m.register_level(&LevelDesc::new("Desert")).unwrap();
    assert!(matches!(
        m.get_occlusion_efficiency("Desert"),
        Err(StreamingError::NotFound { .. })
    ));
}

#[test]
fn a_bound_loading_screen_follows_its_levels_and_hides_itself() {
    let mut m = StreamingManager::default();
    for name in ["Dest1", "Dest2"] {
        m.register_level(&LevelDesc::new(name)).unwrap();
    }
    let screen = m
        .create_loading_screen_for_levels("Travelling", "to the coast", &["Dest1", "Dest2"])
        .unwrap();
    m.show_loading_screen(screen).unwrap();
    m.load_level("Dest1").unwrap();
    settle(&mut m);
    assert_eq!(m.loading_screen(screen).unwrap().progress(), 0.5);
    assert!(m.loading_screen(screen).unwrap().visible);
    m.load_level("Dest2").unwrap();
    settle(&mut m);
    assert!(!m.loading_screen(screen).unwrap().visible);
    assert!(events(&mut m).contains(&Event::LoadingScreenHidden { screen }));
    assert!(
        m.update_loading_progress(screen, 1).is_err(),
        "bound screens are automatic"
    );
}

#[test]
fn a_manual_loading_screen_reports_progress_and_eta() {
    let mut m = StreamingManager::default();
    let s = m.create_loading_screen("Loading", "the world", 10).unwrap();
    m.add_loading_tip(s, "Press F to pay respects").unwrap();
    m.show_loading_screen(s).unwrap();
    m.update(&[], 1.0).unwrap();
    assert_eq!(m.update_loading_progress(s, 2).unwrap(), 0.2);
    let screen = m.loading_screen(s).unwrap();
    assert_eq!(screen.eta_seconds(m.now()), Some(4.0));
    assert_eq!(screen.current_tip(m.now()), Some("Press F to pay respects"));
    m.hide_loading_screen(s).unwrap();
    assert!(!m.loading_screen(s).unwrap().visible);
    assert!(m.update_loading_progress(s, 11).is_err());
}

#[test]
fn the_performance_report_has_every_section() {
    let mut m = budgeted(&[("A", Priority::Normal, 100.0)]);
    m.load_level("A").unwrap();
    settle(&mut m);
    m.profile_frame(16.0, 100.0, 10, 10).unwrap();
    m.create_occlusion_data("A", OcclusionType::Software)
        .unwrap();
    m.create_loading_screen("t", "d", 1).unwrap();
    let report: serde_json::Value = serde_json::from_str(&m.get_performance_report_json()).unwrap();
    for key in [
        "metrics",
        "memory",
        "levels",
        "occlusion",
        "loading_screens",
        "level_states",
    ] {
        assert!(report.get(key).is_some(), "missing {key}");
    }
    assert_eq!(report["metrics"][0]["metric"], "FRAME_TIME");
    assert_eq!(report["metrics"][0]["count"], 1);
    assert_eq!(report["memory"]["budgets"][0]["name"], "world");
    assert_eq!(report["levels"][0]["state"], "ACTIVE");
    assert_eq!(report["levels"][0]["current_lod"], "ULTRA");
    assert_eq!(report["level_states"]["active"], 1);
}
