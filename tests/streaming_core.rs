//! Behaviour tests of the streaming core: the wanting rule, the state
//! machine, the request path and every bad input.

use level_streaming::core::*;

mod host;
use host::drain_events;
use host::settle;

fn src(x: f64) -> StreamingSource {
    StreamingSource::at(Vec3::new(x, 0.0, 0.0))
}

/// A volume at the origin with radius 100, load 200, unload 300.
fn one_volume(config: StreamingConfig) -> (StreamingManager, LevelId) {
    let mut m = StreamingManager::new(config).unwrap();
    let mut desc = VolumeDesc::new("v", "L", Vec3::ZERO, 100.0, 200.0);
    desc.unload_distance = Some(300.0);
    m.create_streaming_volume(&desc).unwrap();
    let id = m.find_level("L").unwrap();
    (m, id)
}

fn state(m: &StreamingManager, level: LevelId) -> StreamingState {
    m.level_state(level).unwrap()
}

#[test]
fn hysteresis_exactly_at_both_boundaries() {
    let (mut m, l) = one_volume(StreamingConfig::default());
    // d = |x| - 100. Just outside load distance: 300.000001 → d > 200.
    m.update(&[src(300.000_001)], 0.1).unwrap();
    settle(&mut m);
    assert_eq!(state(&m, l), StreamingState::Unloaded);
    // Exactly at load distance (d == 200): wants.
    m.update(&[src(300.0)], 0.1).unwrap();
    settle(&mut m);
    assert_eq!(state(&m, l), StreamingState::Active);
    // Between load and unload: keeps its decision.
    m.update(&[src(350.0)], 0.1).unwrap();
    assert_eq!(m.pending_request_count(), 0);
    // Exactly at unload distance (d == 300): still kept.
    m.update(&[src(400.0)], 0.1).unwrap();
    assert_eq!(m.pending_request_count(), 0);
    assert_eq!(state(&m, l), StreamingState::Active);
    // Just beyond: released.
    m.update(&[src(400.000_001)], 0.1).unwrap();
    let reqs = settle(&mut m);
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].kind, RequestKind::Unload);
    assert_eq!(state(&m, l), StreamingState::Unloaded);
    // Coming back to the band from outside does not load.
    m.update(&[src(350.0)], 0.1).unwrap();
    assert_eq!(m.pending_request_count(), 0);
    assert_eq!(state(&m, l), StreamingState::Unloaded);
}

#[test]
fn inside_the_radius_the_gap_is_zero() {
    let mut m = StreamingManager::default();
    m.create_streaming_volume(&VolumeDesc::new(
        "v",
        "L",
        Vec3::new(0.0, 0.0, 0.0),
        1000.0,
        0.0,
    ))
    .unwrap();
    m.update(&[StreamingSource::at(Vec3::new(0.0, 999.0, 0.0))], 0.0)
        .unwrap();
    assert_eq!(m.volume_gap(m.find_volume("v").unwrap()).unwrap(), 0.0);
    settle(&mut m);
    assert_eq!(m.level_state_by_name("L").unwrap(), StreamingState::Active);
}

#[test]
fn default_unload_distance_uses_the_configured_factor() {
    let mut m = StreamingManager::default();
    let id = m
        .create_streaming_volume(&VolumeDesc::new("v", "L", Vec3::ZERO, 10.0, 400.0))
        .unwrap();
    assert_eq!(m.volume(id).unwrap().unload_distance, 500.0);
}

#[test]
fn the_nearest_of_several_sources_decides() {
    let (mut m, l) = one_volume(StreamingConfig::default());
    // One source far away, one within load range.
    m.update(&[src(10_000.0), src(-250.0)], 0.1).unwrap();
    settle(&mut m);
    assert_eq!(state(&m, l), StreamingState::Active);
    // Far source only: released.
    m.update(&[src(10_000.0)], 0.1).unwrap();
    settle(&mut m);
    assert_eq!(state(&m, l), StreamingState::Unloaded);
    // No sources at all: nothing is wanted.
    m.update(&[src(0.0)], 0.1).unwrap();
    settle(&mut m);
    m.update(&[], 0.1).unwrap();
    settle(&mut m);
    assert_eq!(state(&m, l), StreamingState::Unloaded);
}

#[test]
fn a_level_stays_while_any_of_its_volumes_wants_it() {
    let mut m = StreamingManager::default();
    m.create_streaming_volume(&VolumeDesc::new(
        "a",
        "L",
        Vec3::new(0.0, 0.0, 0.0),
        10.0,
        100.0,
    ))
    .unwrap();
    m.create_streaming_volume(&VolumeDesc::new(
        "b",
        "L",
        Vec3::new(1000.0, 0.0, 0.0),
        10.0,
        100.0,
    ))
    .unwrap();
    let l = m.find_level("L").unwrap();
    m.update(&[src(0.0)], 0.1).unwrap();
    settle(&mut m);
    assert_eq!(state(&m, l), StreamingState::Active);
    assert_eq!(m.level_info(l).unwrap().wanting_volumes, 1);
    // Walk to volume b: a releases, b wants; the level never unloads.
    m.update(&[src(1000.0)], 0.1).unwrap();
    let reqs = settle(&mut m);
    assert!(reqs.is_empty(), "no request expected, got {reqs:?}");
    assert_eq!(state(&m, l), StreamingState::Active);
    assert_eq!(m.level_count(), 1);
}

#[test]
fn loads_in_flight_are_capped_and_ordered_by_priority_then_distance() {
    let config = StreamingConfig {
        max_loads_in_flight: 2,
        ..StreamingConfig::default()
    };
    let mut m = StreamingManager::new(config).unwrap();
    for (i, (x, priority)) in [
        (50.0, Priority::Normal),
        (10.0, Priority::Normal),
        (90.0, Priority::High),
        (30.0, Priority::Low),
    ]
    .into_iter()
    .enumerate()
    {
        let mut d = VolumeDesc::new(
            format!("v{i}"),
            format!("L{i}"),
            Vec3::new(x, 0.0, 0.0),
            0.0,
            100.0,
        );
        d.priority = priority;
        m.create_streaming_volume(&d).unwrap();
    }
    m.update(&[src(0.0)], 0.1).unwrap();
    let mut reqs = Vec::new();
    m.take_requests(usize::MAX, &mut reqs);
    // HIGH first, then the nearest NORMAL; the cap holds the rest back.
    let names: Vec<_> = reqs
        .iter()
        .map(|r| m.level_name(r.level).unwrap().to_string())
        .collect();
    assert_eq!(names, ["L2", "L1"]);
    assert_eq!(m.loads_in_flight(), 2);
    m.update(&[src(0.0)], 0.1).unwrap();
    assert_eq!(m.pending_request_count(), 0, "cap must hold");
    // Completing one load frees a slot for the next NORMAL (nearer first).
    m.complete_request(reqs[0].id, true).unwrap();
    let mut next = Vec::new();
    m.take_requests(usize::MAX, &mut next);
    let kinds: Vec<_> = next
        .iter()
        .map(|r| (r.kind, m.level_name(r.level).unwrap().to_string()))
        .collect();
    assert_eq!(
        kinds,
        [
            (RequestKind::MakeVisible, "L2".to_string()),
            (RequestKind::Load, "L0".to_string())
        ]
    );
}

#[test]
fn unlimited_loads_when_cap_is_zero() {
    let config = StreamingConfig {
        max_loads_in_flight: 0,
        ..StreamingConfig::default()
    };
    let mut m = StreamingManager::new(config).unwrap();
    for i in 0..50 {
        m.create_streaming_volume(&VolumeDesc::new(
            format!("v{i}"),
            format!("L{i}"),
            Vec3::ZERO,
            1.0,
            1.0,
        ))
        .unwrap();
    }
    m.update(&[src(0.0)], 0.1).unwrap();
    assert_eq!(m.pending_request_count(), 50);
}

#[test]
fn unload_cooldown_spaces_unload_requests() {
    let config = StreamingConfig {
        min_seconds_between_unloads: 1.0,
        max_loads_in_flight: 0,
        ..StreamingConfig::default()
    };
    let mut m = StreamingManager::new(config).unwrap();
    for i in 0..3 {
        m.create_streaming_volume(&VolumeDesc::new(
            format!("v{i}"),
            format!("L{i}"),
            Vec3::ZERO,
            1.0,
            10.0,
        ))
        .unwrap();
    }
    m.update(&[src(0.0)], 0.1).unwrap();
    settle(&mut m);
    m.update(&[src(1e6)], 0.1).unwrap();
    let first = settle(&mut m);
    assert_eq!(first.len(), 1, "only one unload at first");
    m.update(&[src(1e6)], 0.5).unwrap();
    assert_eq!(settle(&mut m).len(), 0, "0.5 s later: still cooling down");
    m.update(&[src(1e6)], 0.5).unwrap();
    assert_eq!(settle(&mut m).len(), 1, "1 s later: the next one");
    m.update(&[src(1e6)], 1.0).unwrap();
    assert_eq!(settle(&mut m).len(), 1);
    assert!(m.levels().all(|l| l.state == StreamingState::Unloaded));
}

#[test]
fn failed_loads_retry_with_exponential_backoff_then_give_up() {
    let config = StreamingConfig {
        max_load_retries: 2,
        retry_backoff_seconds: 1.0,
        retry_backoff_max_seconds: 100.0,
        ..StreamingConfig::default()
    };
    let (mut m, l) = one_volume(config);
    let fail_next = |m: &mut StreamingManager| -> usize {
        let mut reqs = Vec::new();
        m.take_requests(usize::MAX, &mut reqs);
        for r in &reqs {
            assert_eq!(r.kind, RequestKind::Load);
            m.complete_request(r.id, false).unwrap();
        }
        reqs.len()
    };
    m.update(&[src(0.0)], 0.0).unwrap();
    assert_eq!(fail_next(&mut m), 1);
    assert_eq!(state(&m, l), StreamingState::Unloaded);
    // First retry after 1 s.
    m.update(&[src(0.0)], 0.9).unwrap();
    assert_eq!(fail_next(&mut m), 0);
    m.update(&[src(0.0)], 0.1).unwrap();
    assert_eq!(fail_next(&mut m), 1);
    // Second retry after 2 s more.
    m.update(&[src(0.0)], 1.9).unwrap();
    assert_eq!(fail_next(&mut m), 0);
    m.update(&[src(0.0)], 0.1).unwrap();
    assert_eq!(fail_next(&mut m), 1);
    // Retries used up: given up, reported once with will_retry = false.
    m.update(&[src(0.0)], 100.0).unwrap();
    assert_eq!(fail_next(&mut m), 0);
    let failures: Vec<_> = drain_events(&mut m)
        .into_iter()
        .filter_map(|e| match e {
            Event::LoadFailed {
                attempts,
                will_retry,
                ..
            } => Some((attempts, will_retry)),
            _ => None,
        })
        .collect();
    assert_eq!(failures, [(1, true), (2, true), (3, false)]);
    assert!(m.level_info(l).unwrap().gave_up);
    // Walking away and back starts afresh.
    m.update(&[src(1e6)], 0.1).unwrap();
    m.update(&[src(0.0)], 0.1).unwrap();
    let mut reqs = Vec::new();
    m.take_requests(usize::MAX, &mut reqs);
    assert_eq!(reqs.len(), 1);
    m.complete_request(reqs[0].id, true).unwrap();
    settle(&mut m);
    assert_eq!(state(&m, l), StreamingState::Active);
}

#[test]
fn a_manual_load_pins_until_a_manual_unload() {
    let mut m = StreamingManager::default();
    m.register_level(&LevelDesc::new("Castle")).unwrap();
    let l = m.load_level("Castle").unwrap();
    settle(&mut m);
    assert_eq!(state(&m, l), StreamingState::Active);
    // No volume wants it, sources far away: still pinned.
    for _ in 0..10 {
        m.update(&[src(1e9)], 1.0).unwrap();
        settle(&mut m);
    }
    assert_eq!(state(&m, l), StreamingState::Active);
    m.unload_level("Castle").unwrap();
    let reqs = settle(&mut m);
    assert_eq!(
        reqs.iter().map(|r| r.kind).collect::<Vec<_>>(),
        [RequestKind::Unload]
    );
    assert_eq!(state(&m, l), StreamingState::Unloaded);
}

#[test]
fn manual_unload_keeps_a_level_that_a_volume_wants() {
    let (mut m, l) = one_volume(StreamingConfig::default());
    m.load_level("L").unwrap();
    m.update(&[src(0.0)], 0.1).unwrap();
    settle(&mut m);
    m.unload_level("L").unwrap();
    settle(&mut m);
    assert_eq!(state(&m, l), StreamingState::Active);
}

/// The manual load changes no wanting here (the volume wants the level
/// throughout), yet it must clear the give-up, count the level as missing
/// again and issue the load at once: a host's call re-examines its level
/// even when the wanting does not flip.
#[test]
fn a_manual_load_retries_a_level_a_volume_wants_after_a_give_up() {
    let config = StreamingConfig {
        max_load_retries: 0,
        ..StreamingConfig::default()
    };
    let (mut m, l) = one_volume(config);
    m.update(&[src(0.0)], 0.1).unwrap();
    let mut reqs = Vec::new();
    m.take_requests(usize::MAX, &mut reqs);
    assert_eq!(reqs.len(), 1);
    m.complete_request(reqs[0].id, false).unwrap();
    assert!(m.level_info(l).unwrap().gave_up);
    assert!(m.level_info(l).unwrap().wanted);
    assert_eq!(m.missing_level_count(), 0);
    m.update(&[src(0.0)], 100.0).unwrap();
    assert_eq!(m.pending_request_count(), 0);

    m.load_level("L").unwrap();
    assert!(!m.level_info(l).unwrap().gave_up);
    assert_eq!(m.missing_level_count(), 1);
    let reqs = settle(&mut m);
    assert_eq!(
        reqs.iter().map(|r| r.kind).collect::<Vec<_>>(),
        [RequestKind::Load, RequestKind::MakeVisible]
    );
    assert_eq!(state(&m, l), StreamingState::Active);
    assert!(m.is_streaming_complete());
}

#[test]
fn hide_and_show_by_hand() {
    let (mut m, l) = one_volume(StreamingConfig::default());
    m.update(&[src(0.0)], 0.1).unwrap();
    settle(&mut m);
    m.set_level_visible("L", false).unwrap();
    let reqs = settle(&mut m);
    assert_eq!(reqs[0].kind, RequestKind::Hide);
    assert_eq!(state(&m, l), StreamingState::Hidden);
    m.set_level_visible("L", true).unwrap();
    let reqs = settle(&mut m);
    assert_eq!(reqs[0].kind, RequestKind::MakeVisible);
    assert_eq!(state(&m, l), StreamingState::Active);
}

#[test]
fn invalid_transitions_are_errors_and_change_nothing() {
    let (mut m, l) = one_volume(StreamingConfig::default());
    let err = m.set_level_visible("L", false).unwrap_err();
    assert!(matches!(
        err,
        StreamingError::InvalidTransition {
            from: StreamingState::Unloaded,
            to: StreamingState::Hidden,
            ..
        }
    ));
    let err = m.set_level_visible("L", true).unwrap_err();
    assert!(matches!(err, StreamingError::InvalidTransition { .. }));
    assert_eq!(state(&m, l), StreamingState::Unloaded);
    assert_eq!(m.pending_request_count(), 0);
    // The state machine table itself.
    use StreamingState::*;
    assert!(Unloaded.can_transition_to(Loading));
    assert!(!Unloaded.can_transition_to(Active));
    assert!(!Loaded.can_transition_to(Hidden));
    assert!(Hidden.can_transition_to(Active));
    assert!(!Unloading.can_transition_to(Active));
    assert!(Unloading.can_transition_to(Loaded), "a failed unload");
    assert!(Loading.can_transition_to(Unloaded));
}

#[test]
fn completions_of_unknown_or_completed_requests_are_refused() {
    let (mut m, _) = one_volume(StreamingConfig::default());
    assert_eq!(
        m.complete_request(RequestId(0), true),
        Err(StreamingError::UnknownRequest(RequestId(0)))
    );
    assert_eq!(
        m.complete_request(RequestId(77), true),
        Err(StreamingError::UnknownRequest(RequestId(77)))
    );
    m.update(&[src(0.0)], 0.1).unwrap();
    let mut reqs = Vec::new();
    m.take_requests(1, &mut reqs);
    m.complete_request(reqs[0].id, true).unwrap();
    assert_eq!(
        m.complete_request(reqs[0].id, true),
        Err(StreamingError::RequestAlreadyCompleted(reqs[0].id))
    );
}

#[test]
fn events_report_state_changes_and_streaming_complete() {
    let (mut m, l) = one_volume(StreamingConfig::default());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    m.register_event_listener(Some(EventKind::StreamingComplete), move |e| {
        sink.lock().unwrap().push(*e)
    });
    m.update(&[src(0.0)], 0.1).unwrap();
    settle(&mut m);
    let events = drain_events(&mut m);
    let changes: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::LevelStateChanged { level, from, to } if *level == l => Some((*from, *to)),
            _ => None,
        })
        .collect();
    use StreamingState::*;
    assert_eq!(
        changes,
        [(Unloaded, Loading), (Loading, Loaded), (Loaded, Active)]
    );
    assert_eq!(events.last(), Some(&Event::StreamingComplete));
    assert_eq!(seen.lock().unwrap().as_slice(), [Event::StreamingComplete]);
    assert!(m.is_streaming_complete());
}

#[test]
fn the_event_queue_is_bounded() {
    let config = StreamingConfig {
        event_queue_capacity: 2,
        ..StreamingConfig::default()
    };
    let (mut m, _) = one_volume(config);
    let all = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = all.clone();
    m.register_event_listener(None, move |e| sink.lock().unwrap().push(*e));
    m.update(&[src(0.0)], 0.1).unwrap();
    settle(&mut m);
    let all = all.lock().unwrap().clone();
    assert!(all.len() > 2);
    assert_eq!(m.pending_event_count(), 2);
    assert_eq!(m.dropped_event_count(), all.len() as u64 - 2);
    // The newest two are kept.
    assert_eq!(drain_events(&mut m), all[all.len() - 2..]);
}

#[test]
fn volumes_can_be_moved_disabled_resized_and_removed_at_run_time() {
    let (mut m, l) = one_volume(StreamingConfig::default());
    let v = m.find_volume("v").unwrap();
    m.update(&[src(0.0)], 0.1).unwrap();
    settle(&mut m);
    assert_eq!(state(&m, l), StreamingState::Active);
    m.set_volume_enabled(v, false).unwrap();
    settle(&mut m);
    assert_eq!(state(&m, l), StreamingState::Unloaded);
    m.set_volume_enabled(v, true).unwrap();
    m.update(&[src(0.0)], 0.1).unwrap();
    settle(&mut m);
    assert_eq!(state(&m, l), StreamingState::Active);
    m.move_streaming_volume(v, Vec3::new(5000.0, 0.0, 0.0))
        .unwrap();
    m.update(&[src(0.0)], 0.1).unwrap();
    settle(&mut m);
    assert_eq!(state(&m, l), StreamingState::Unloaded);
    m.set_volume_distances(v, 5000.0, 0.0, None).unwrap();
    m.update(&[src(0.0)], 0.1).unwrap();
    settle(&mut m);
    assert_eq!(state(&m, l), StreamingState::Active);
    m.remove_streaming_volume(v).unwrap();
    settle(&mut m);
    assert_eq!(state(&m, l), StreamingState::Unloaded);
    assert_eq!(
        m.remove_streaming_volume(v),
        Err(StreamingError::UnknownVolumeId(v))
    );
    assert_eq!(m.volume_count(), 0);
}

#[test]
fn registering_adopts_implicit_levels_and_refuses_duplicates() {
    let (mut m, l) = one_volume(StreamingConfig::default());
    let desc = LevelDesc {
        name: "L".into(),
        estimated_memory_mb: 256.0,
        priority: Priority::High,
    };
    assert_eq!(m.register_level(&desc).unwrap(), l);
    assert_eq!(m.level_info(l).unwrap().priority, Priority::High);
    assert!(matches!(
        m.register_level(&desc),
        Err(StreamingError::DuplicateName { .. })
    ));
}

#[test]
fn every_bad_input_is_refused_without_change() {
    let (mut m, _) = one_volume(StreamingConfig::default());
    let before = (m.volume_count(), m.level_count());
    let base = VolumeDesc::new("w", "M", Vec3::ZERO, 1.0, 1.0);
    let bad = |f: &dyn Fn(&mut VolumeDesc)| {
        let mut d = base.clone();
        f(&mut d);
        d
    };
    type Expect = fn(&StreamingError) -> bool;
    let cases: Vec<(VolumeDesc, Expect)> = vec![
        (bad(&|d| d.center.x = f64::NAN), |e| {
            matches!(e, StreamingError::NonFiniteValue { .. })
        }),
        (bad(&|d| d.center.z = f64::INFINITY), |e| {
            matches!(e, StreamingError::NonFiniteValue { .. })
        }),
        (bad(&|d| d.radius = -1.0), |e| {
            matches!(e, StreamingError::NegativeValue { .. })
        }),
        (bad(&|d| d.load_distance = -1.0), |e| {
            matches!(e, StreamingError::NegativeValue { .. })
        }),
        (bad(&|d| d.unload_distance = Some(-5.0)), |e| {
            matches!(e, StreamingError::NegativeValue { .. })
        }),
        (bad(&|d| d.unload_distance = Some(0.5)), |e| {
            matches!(e, StreamingError::UnloadBelowLoad { .. })
        }),
        (bad(&|d| d.name = "v".into()), |e| {
            matches!(e, StreamingError::DuplicateName { .. })
        }),
        (bad(&|d| d.name = String::new()), |e| {
            matches!(e, StreamingError::InvalidArgument(_))
        }),
        (bad(&|d| d.level_name = String::new()), |e| {
            matches!(e, StreamingError::InvalidArgument(_))
        }),
        (bad(&|d| d.radius = f64::NAN), |e| {
            matches!(e, StreamingError::NonFiniteValue { .. })
        }),
    ];
    for (desc, expected) in cases {
        let err = m.create_streaming_volume(&desc).unwrap_err();
        assert!(expected(&err), "{desc:?} gave {err:?}");
        assert!(!err.to_string().is_empty());
        assert_eq!(
            (m.volume_count(), m.level_count()),
            before,
            "{desc:?} changed something"
        );
    }
    let nan = StreamingSource::at(Vec3::new(f64::NAN, 0.0, 0.0));
    assert!(matches!(
        m.update(&[nan], 0.1),
        Err(StreamingError::NonFiniteValue { .. })
    ));
    let mut fast = src(0.0);
    fast.velocity.y = f64::NEG_INFINITY;
    assert!(matches!(
        m.update(&[fast], 0.1),
        Err(StreamingError::NonFiniteValue { .. })
    ));
    assert!(matches!(
        m.update(&[src(0.0)], -0.1),
        Err(StreamingError::NegativeValue { .. })
    ));
    assert!(matches!(
        m.update(&[src(0.0)], f64::NAN),
        Err(StreamingError::NonFiniteValue { .. })
    ));
    assert_eq!(m.frame(), 0, "refused updates must not count");
    assert_eq!(m.pending_request_count(), 0);
    assert!(matches!(
        m.load_level("nope"),
        Err(StreamingError::UnknownLevelName(_))
    ));
    assert!(matches!(
        m.level_state(LevelId(99)),
        Err(StreamingError::UnknownLevelId(_))
    ));
    assert!(matches!(
        m.find_volume("nope"),
        Err(StreamingError::UnknownVolumeName(_))
    ));
    assert!(matches!(
        m.move_streaming_volume(VolumeId(0), Vec3::new(0.0, f64::NAN, 0.0)),
        Err(StreamingError::NonFiniteValue { .. })
    ));
    let bad_config = StreamingConfig {
        unload_distance_factor: 0.9,
        ..StreamingConfig::default()
    };
    assert!(StreamingManager::new(bad_config).is_err());
}

#[test]
fn request_counters_follow_issues_completions_and_failures() {
    let (mut m, _) = one_volume(StreamingConfig::default());
    assert_eq!(*m.request_counts(), RequestCounts::default());
    m.update(&[src(0.0)], 0.1).unwrap();
    let mut batch = Vec::new();
    m.take_requests(usize::MAX, &mut batch);
    assert_eq!(batch.len(), 1);
    // A failed load: issued 1, completed 1, failed 1.
    m.complete_request(batch[0].id, false).unwrap();
    let c = *m.request_counts();
    assert_eq!(c.issued(RequestKind::Load), 1);
    assert_eq!(c.completed(RequestKind::Load), 1);
    assert_eq!(c.failed(RequestKind::Load), 1);
    // Refused completions count nothing.
    assert!(m.complete_request(batch[0].id, true).is_err());
    assert_eq!(*m.request_counts(), c);
    // The retry after the backoff, then visible: two loads, one visible.
    m.update(&[src(0.0)], 1.0).unwrap();
    settle(&mut m);
    let c = *m.request_counts();
    assert_eq!(c.issued(RequestKind::Load), 2);
    assert_eq!(c.completed(RequestKind::Load), 2);
    assert_eq!(c.failed(RequestKind::Load), 1);
    assert_eq!(c.issued(RequestKind::MakeVisible), 1);
    assert_eq!(c.completed(RequestKind::MakeVisible), 1);
    // Leaving: one unload issued, not yet completed.
    m.update(&[src(10_000.0)], 0.1).unwrap();
    let c = *m.request_counts();
    assert_eq!(c.issued(RequestKind::Unload), 1);
    assert_eq!(c.completed(RequestKind::Unload), 0);
    assert_eq!(c.failed.iter().sum::<u64>(), 1);
    assert_eq!(RequestKind::ALL.map(RequestKind::index), [0, 1, 2, 3, 4]);
}

#[test]
fn authored_sources_are_named_unique_and_finite() {
    let mut m = StreamingManager::default();
    let s = AuthoredSource {
        name: "player".into(),
        source: src(1.0),
    };
    m.add_authored_source(s.clone()).unwrap();
    assert!(matches!(
        m.add_authored_source(s.clone()),
        Err(StreamingError::DuplicateName { kind: "source", .. })
    ));
    let mut bad = s.clone();
    bad.name = "cam".into();
    bad.source.velocity.z = f64::NAN;
    assert!(matches!(
        m.add_authored_source(bad),
        Err(StreamingError::NonFiniteValue { .. })
    ));
    assert_eq!(m.authored_sources(), &[s]);
    assert_eq!(m.find_authored_source("player").unwrap().source, src(1.0));
}
