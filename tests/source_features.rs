//! Behaviour tests of the source features: look-ahead prediction, ordering
//! by source priority and direction of travel, teleport detection,
//! stream_around with its completion event, and slow-streaming states.

use level_streaming::core::*;

mod host;
use host::drain_events as events;
use host::settle;

fn moving(x: f64, vx: f64, look_ahead: f64) -> StreamingSource {
    StreamingSource {
        position: Vec3::new(x, 0.0, 0.0),
        velocity: Vec3::new(vx, 0.0, 0.0),
        priority: Priority::Normal,
        look_ahead_seconds: look_ahead,
    }
}

#[test]
fn look_ahead_requests_levels_before_the_source_arrives() {
    let mut m = StreamingManager::default();
    m.create_streaming_volume(&VolumeDesc::new(
        "v",
        "Ahead",
        Vec3::new(1000.0, 0.0, 0.0),
        0.0,
        100.0,
    ))
    .unwrap();
    // 800 m away, moving at 100 m/s: without look-ahead nothing is wanted.
    m.update(&[moving(200.0, 100.0, 0.0)], 0.1).unwrap();
    assert_eq!(m.pending_request_count(), 0);
    // With 2 s of look-ahead the source reaches 400 m: still not.
    m.update(&[moving(200.0, 100.0, 2.0)], 0.1).unwrap();
    assert_eq!(m.pending_request_count(), 0);
    // With 8 s it reaches x = 1000: the load is requested 8 s early.
    m.update(&[moving(200.0, 100.0, 8.0)], 0.1).unwrap();
    assert_eq!(m.pending_request_count(), 1);
    // Invalid look-ahead is refused.
    assert!(m.update(&[moving(0.0, 1.0, -1.0)], 0.1).is_err());
    assert!(m.update(&[moving(0.0, 1e308, 1e10)], 0.1).is_err());
}

#[test]
fn what_lies_ahead_loads_first_and_source_priority_comes_first() {
    let mut m = StreamingManager::new(StreamingConfig {
        max_loads_in_flight: 0,
        ..StreamingConfig::default()
    })
    .unwrap();
    for (name, x) in [("Behind", -500.0), ("Ahead", 500.0)] {
        m.create_streaming_volume(&VolumeDesc::new(
            name,
            name,
            Vec3::new(x, 0.0, 0.0),
            0.0,
            600.0,
        ))
        .unwrap();
    }
    m.update(&[moving(0.0, 10.0, 0.0)], 0.1).unwrap();
    let mut reqs = Vec::new();
    m.take_requests(10, &mut reqs);
    let names: Vec<_> = reqs
        .iter()
        .map(|r| m.level_name(r.level).unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        ["Ahead", "Behind"],
        "equal gaps: the one ahead first"
    );

    // A CRITICAL source's far level goes before a NORMAL source's near one.
    let mut m = StreamingManager::new(StreamingConfig {
        max_loads_in_flight: 0,
        ..StreamingConfig::default()
    })
    .unwrap();
    m.create_streaming_volume(&VolumeDesc::new(
        "near",
        "Near",
        Vec3::new(0.0, 0.0, 0.0),
        0.0,
        600.0,
    ))
    .unwrap();
    m.create_streaming_volume(&VolumeDesc::new(
        "far",
        "Far",
        Vec3::new(10_500.0, 0.0, 0.0),
        0.0,
        600.0,
    ))
    .unwrap();
    let player = StreamingSource::at(Vec3::new(10.0, 0.0, 0.0));
    let mut cinematic = StreamingSource::at(Vec3::new(10_000.0, 0.0, 0.0));
    cinematic.priority = Priority::Critical;
    m.update(&[player, cinematic], 0.1).unwrap();
    let mut reqs = Vec::new();
    m.take_requests(10, &mut reqs);
    let names: Vec<_> = reqs
        .iter()
        .map(|r| m.level_name(r.level).unwrap().to_string())
        .collect();
    assert_eq!(names, ["Far", "Near"]);
}

#[test]
fn teleports_are_detected() {
    let mut m = StreamingManager::default();
    m.update(&[StreamingSource::at(Vec3::ZERO)], 0.1).unwrap();
    m.update(&[StreamingSource::at(Vec3::new(999.0, 0.0, 0.0))], 0.1)
        .unwrap();
    assert!(
        events(&mut m).is_empty(),
        "999 m is within the default 1000 m"
    );
    m.update(&[StreamingSource::at(Vec3::new(999.0, 10_000.0, 0.0))], 0.1)
        .unwrap();
    assert_eq!(
        events(&mut m),
        [Event::SourceTeleported {
            source: 0,
            distance: 10_000.0
        }]
    );
}

#[test]
fn stream_around_preloads_a_destination_and_says_when_it_is_ready() {
    let mut m = StreamingManager::default();
    m.create_streaming_volume(&VolumeDesc::new(
        "d1",
        "Dest1",
        Vec3::new(50_000.0, 0.0, 0.0),
        100.0,
        500.0,
    ))
    .unwrap();
    m.create_streaming_volume(&VolumeDesc::new(
        "d2",
        "Dest2",
        Vec3::new(51_000.0, 0.0, 0.0),
        100.0,
        200.0,
    ))
    .unwrap();
    m.create_streaming_volume(&VolumeDesc::new(
        "x",
        "Elsewhere",
        Vec3::new(90_000.0, 0.0, 0.0),
        100.0,
        200.0,
    ))
    .unwrap();
    m.update(&[StreamingSource::at(Vec3::ZERO)], 0.1).unwrap();
    // Dest1 is wanted from the destination itself; Dest2 only via the radius.
    let handle = m
        .stream_around(Vec3::new(50_000.0, 0.0, 0.0), 1_000.0)
        .unwrap();
    let names: Vec<_> = m
        .stream_around_levels(handle)
        .unwrap()
        .iter()
        .map(|l| m.level_name(*l).unwrap().to_string())
        .collect();
    assert_eq!(names, ["Dest1", "Dest2"]);
    let p = m.stream_around_progress(handle).unwrap();
    assert_eq!((p.active, p.total, p.complete), (0, 2, false));
    settle(&mut m);
    let evs = events(&mut m);
    assert!(evs.contains(&Event::StreamAroundComplete {
        handle,
        failed_levels: 0
    }));
    assert_eq!(
        evs.iter()
            .filter(|e| matches!(e, Event::StreamAroundComplete { .. }))
            .count(),
        1
    );
    // The player is still far away: the pin keeps them.
    m.update(&[StreamingSource::at(Vec3::ZERO)], 0.1).unwrap();
    settle(&mut m);
    assert_eq!(
        m.level_state_by_name("Dest1").unwrap(),
        StreamingState::Active
    );
    // Teleport, then release: the player's own want keeps Dest1; Dest2 goes.
    m.update(&[StreamingSource::at(Vec3::new(50_000.0, 0.0, 0.0))], 0.1)
        .unwrap();
    m.release_stream_around(handle).unwrap();
    settle(&mut m);
    assert_eq!(
        m.level_state_by_name("Dest1").unwrap(),
        StreamingState::Active
    );
    assert_eq!(
        m.level_state_by_name("Dest2").unwrap(),
        StreamingState::Unloaded
    );
    assert!(m.release_stream_around(handle).is_err());
    assert!(m.stream_around(Vec3::new(f64::NAN, 0.0, 0.0), 1.0).is_err());
    assert!(m.stream_around(Vec3::ZERO, -1.0).is_err());
    // An empty destination completes at once.
    let empty = m.stream_around(Vec3::new(-1e7, 0.0, 0.0), 10.0).unwrap();
    assert!(events(&mut m).contains(&Event::StreamAroundComplete {
        handle: empty,
        failed_levels: 0
    }));
}

#[test]
fn slow_streaming_goes_slow_then_critical_and_can_block() {
    let mut m = StreamingManager::new(StreamingConfig {
        block_on_critical_streaming: true,
        ..StreamingConfig::default()
    })
    .unwrap();
    m.create_streaming_volume(&VolumeDesc::new("v", "L", Vec3::ZERO, 0.0, 1000.0))
        .unwrap();
    let at = |x: f64| [StreamingSource::at(Vec3::new(x, 0.0, 0.0))];
    // Enter the load range; the host does not complete the load.
    m.update(&at(1000.0), 0.1).unwrap();
    assert_eq!(
        m.source_streaming_state(0).unwrap(),
        SourceStreamingState::Good
    );
    m.update(&at(500.0), 0.1).unwrap();
    assert_eq!(
        m.source_streaming_state(0).unwrap(),
        SourceStreamingState::Slow
    );
    assert!(!m.should_block_source(0).unwrap());
    m.update(&at(100.0), 0.1).unwrap();
    assert_eq!(
        m.source_streaming_state(0).unwrap(),
        SourceStreamingState::Critical
    );
    assert!(m.should_block_source(0).unwrap());
    // The level arrives: good again.
    settle(&mut m);
    m.update(&at(100.0), 0.1).unwrap();
    assert_eq!(
        m.source_streaming_state(0).unwrap(),
        SourceStreamingState::Good
    );
    let changes: Vec<_> = events(&mut m)
        .into_iter()
        .filter_map(|e| match e {
            Event::SourceStreamingStateChanged { from, to, .. } => Some((from, to)),
            _ => None,
        })
        .collect();
    use SourceStreamingState::*;
    assert_eq!(changes, [(Good, Slow), (Slow, Critical), (Critical, Good)]);
    assert!(m.source_streaming_state(5).is_err());
}
