//! World files: the demo world survives save -> schema -> load -> save
//! unchanged, and every kind of bad file is refused with a position while
//! the manager stays exactly as it was.

use std::ffi::c_char;

use level_streaming::core::{StreamingManager, StreamingSource, Vec3};
use level_streaming::ffi::world::{lsm_load_world_json, lsm_save_world_json};
use level_streaming::ffi::{lifecycle, LsmStatus};
use level_streaming::sim::demo::demo_world;
use level_streaming::world::{
    line_column, load_world, load_world_json, save_world_json, world_to_json, WorldErrorKind,
};

fn schema() -> serde_json::Value {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/world.schema.json"),
    )
    .expect("schemas/world.schema.json is committed");
    serde_json::from_str(&text).expect("the schema is JSON")
}

#[test]
fn demo_world_round_trips_through_the_schema_byte_for_byte() {
    let mut first = StreamingManager::default();
    load_world(&mut first, &demo_world()).unwrap();
    let saved = save_world_json(&first);

    let validator = jsonschema::validator_for(&schema()).expect("the schema compiles");
    let instance: serde_json::Value = serde_json::from_str(&saved).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "saved demo world violates the schema: {errors:?}"
    );

    let mut second = StreamingManager::default();
    load_world_json(&mut second, &saved).unwrap();
    assert_eq!(save_world_json(&second), saved);
    assert_eq!(second.volume_count(), demo_world().volumes.len());
}

#[test]
fn the_schema_rejects_what_the_loader_rejects_structurally() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    for bad in [
        r#"{"format":"level_streaming.world","version":2}"#,
        r#"{"format":"level_streaming.world","version":1,"levels":[{"name":""}]}"#,
        r#"{"format":"level_streaming.world","version":1,"levels":[{"name":"a","extra":1}]}"#,
        r#"{"format":"level_streaming.world","version":1,"volumes":[{"name":"v","level":"a","center":{"x":0,"y":0,"z":0},"radius":-1,"load_distance":1}]}"#,
    ] {
        let v: serde_json::Value = serde_json::from_str(bad).unwrap();
        assert!(!validator.is_valid(&v), "schema accepted {bad}");
    }
}

/// A manager with content and runtime state: a small world, a few frames
/// with loads in flight, events queued.
fn busy_manager() -> StreamingManager {
    let mut m = StreamingManager::default();
    load_world_json(&mut m, BASE).unwrap();
    m.update(&[StreamingSource::at(Vec3::new(10.0, 0.0, 0.0))], 0.1)
        .unwrap();
    let mut requests = Vec::new();
    m.take_requests(1, &mut requests);
    m.complete_request(requests[0].id, true).unwrap();
    m.update(&[StreamingSource::at(Vec3::new(20.0, 0.0, 0.0))], 0.1)
        .unwrap();
    m
}

/// Everything observable about a manager's state.
fn snapshot(m: &StreamingManager) -> String {
    format!(
        "{}\n{}\npending events {}\n{:?}\n{:?}\npending requests {}",
        save_world_json(m),
        m.get_performance_report_json(),
        m.pending_event_count(),
        m.request_counts(),
        m.authored_sources(),
        m.pending_request_count()
    )
}

const BASE: &str = r#"{
  "format": "level_streaming.world",
  "version": 1,
  "budgets": [ { "name": "world", "max_memory_mb": 1000 } ],
  "levels": [
    { "name": "Town", "priority": "HIGH", "memory_mb": 100, "budget": "world" },
    { "name": "Forest", "memory_mb": 50, "lod": { "current_lod": "HIGH" } }
  ],
  "volumes": [
    { "name": "TownVol", "level": "Town", "center": { "x": 0, "y": 0, "z": 0 },
      "radius": 100, "load_distance": 50 },
    { "name": "ForestVol", "level": "Forest", "center": { "x": 300, "y": 0, "z": 0 },
      "radius": 100, "load_distance": 150, "unload_distance": 200 }
  ],
  "sources": [ { "name": "player", "position": { "x": 1, "y": 2, "z": 3 } } ]
}"#;

/// Bad files: (what, text, expected kind check, text expected at the
/// reported position or None).
#[allow(clippy::type_complexity)]
fn bad_files() -> Vec<(
    &'static str,
    String,
    fn(&WorldErrorKind) -> bool,
    Option<&'static str>,
)> {
    let head = r#"{"format":"level_streaming.world","version":1,"#;
    vec![
        (
            "truncated",
            BASE[..BASE.len() / 2].to_string(),
            |k| *k == WorldErrorKind::Syntax,
            None,
        ),
        (
            "wrong type",
            format!("{head}\n\"levels\": [ {{ \"name\": \"X\", \"memory_mb\": \"big\" }} ] }}"),
            |k| *k == WorldErrorKind::Format,
            None,
        ),
        (
            "unknown member",
            format!("{head}\n\"levels\": [ {{ \"name\": \"X\", \"memroy_mb\": 1 }} ] }}"),
            |k| *k == WorldErrorKind::Format,
            None,
        ),
        (
            "unknown level reference",
            format!(
                "{head}\n\"levels\": [{{\"name\":\"New\"}}],\n\"volumes\": [\n  {{\"name\":\"V1\",\"level\":\"New\",\"center\":{{\"x\":0,\"y\":0,\"z\":0}},\"radius\":1,\"load_distance\":1}},\n  {{\"name\":\"V2\",\"level\":\"Nowhere\",\"center\":{{\"x\":0,\"y\":0,\"z\":0}},\"radius\":1,\"load_distance\":1}}\n] }}"
            ),
            |k| matches!(k, WorldErrorKind::Invalid(level_streaming::core::StreamingError::UnknownLevelName(n)) if n == "Nowhere"),
            Some("\"Nowhere\""),
        ),
        (
            "NaN literal",
            format!("{head}\n\"volumes\": [{{\"name\":\"V\",\"level\":\"Town\",\"center\":{{\"x\":NaN,\"y\":0,\"z\":0}},\"radius\":1,\"load_distance\":1}}] }}"),
            |k| *k == WorldErrorKind::Syntax,
            Some("NaN"),
        ),
        (
            "number overflowing to infinity",
            format!("{head}\n\"volumes\": [{{\"name\":\"V\",\"level\":\"Town\",\"center\":{{\"x\":0,\"y\":0,\"z\":0}},\"radius\":1e999,\"load_distance\":1}}] }}"),
            // serde_json refuses it while parsing ("number out of range").
            |k| *k == WorldErrorKind::Syntax,
            None,
        ),
        (
            "duplicate level against the manager",
            format!("{head}\n\"budgets\":[{{\"name\":\"fresh\",\"max_memory_mb\":5}}],\n\"levels\": [{{\"name\":\"Fresh\"}}, {{\"name\":\"Town\"}}] }}"),
            |k| matches!(k, WorldErrorKind::Invalid(level_streaming::core::StreamingError::DuplicateName { kind: "level", .. })),
            Some("\"Town\""),
        ),
        (
            "duplicate volume against the manager",
            format!("{head}\n\"volumes\": [{{\"name\":\"TownVol\",\"level\":\"Town\",\"center\":{{\"x\":0,\"y\":0,\"z\":0}},\"radius\":1,\"load_distance\":1}}] }}"),
            |k| matches!(k, WorldErrorKind::Invalid(level_streaming::core::StreamingError::DuplicateName { kind: "volume", .. })),
            Some("\"TownVol\""),
        ),
        (
            "duplicate budget against the manager",
            format!("{head}\n\"budgets\": [{{\"name\":\"world\",\"max_memory_mb\":1}}] }}"),
            |k| matches!(k, WorldErrorKind::Invalid(level_streaming::core::StreamingError::DuplicateName { kind: "budget", .. })),
            Some("\"world\""),
        ),
        (
            "duplicate source against the manager",
            format!("{head}\n\"sources\": [{{\"name\":\"player\",\"position\":{{\"x\":0,\"y\":0,\"z\":0}}}}] }}"),
            |k| matches!(k, WorldErrorKind::Invalid(level_streaming::core::StreamingError::DuplicateName { kind: "source", .. })),
            Some("\"player\""),
        ),
        (
            "duplicate inside the file",
            format!("{head}\n\"levels\": [{{\"name\":\"A\"}},\n {{\"name\":\"A\"}}] }}"),
            |k| matches!(k, WorldErrorKind::Invalid(level_streaming::core::StreamingError::DuplicateName { .. })),
            Some("\"A\"}]"),
        ),
        (
            "unknown budget",
            format!("{head}\n\"levels\": [{{\"name\":\"A\",\"budget\":\"nope\"}}] }}"),
            |k| matches!(k, WorldErrorKind::Invalid(level_streaming::core::StreamingError::NotFound { .. })),
            Some("\"nope\""),
        ),
        (
            "negative distance",
            format!("{head}\n\"volumes\": [{{\"name\":\"V\",\"level\":\"Town\",\"center\":{{\"x\":0,\"y\":0,\"z\":0}},\"radius\":1,\"load_distance\":-5}}] }}"),
            |k| matches!(k, WorldErrorKind::Invalid(level_streaming::core::StreamingError::NegativeValue { .. })),
            Some("-5"),
        ),
        (
            "unload below load",
            format!("{head}\n\"volumes\": [{{\"name\":\"V\",\"level\":\"Town\",\"center\":{{\"x\":0,\"y\":0,\"z\":0}},\"radius\":1,\"load_distance\":5,\"unload_distance\":4}}] }}"),
            |k| matches!(k, WorldErrorKind::Invalid(level_streaming::core::StreamingError::UnloadBelowLoad { .. })),
            Some("4}"),
        ),
        (
            "decreasing LOD thresholds",
            format!("{head}\n\"levels\": [{{\"name\":\"A\",\"lod\":{{\"distance_thresholds\":[1,2,3,2,5]}}}}] }}"),
            |k| matches!(k, WorldErrorKind::Invalid(_)),
            Some("[1,2,3,2,5]"),
        ),
        (
            "wrong version",
            r#"{"format":"level_streaming.world","version":9}"#.to_string(),
            |k| *k == WorldErrorKind::Format,
            Some("9}"),
        ),
    ]
}

#[test]
fn bad_files_are_refused_with_a_position_and_change_nothing() {
    for (what, text, kind_ok, at) in bad_files() {
        let mut m = busy_manager();
        let before = snapshot(&m);
        let err = load_world_json(&mut m, &text).expect_err(what);
        assert!(
            kind_ok(&err.kind),
            "{what}: unexpected kind {:?} ({err})",
            err.kind
        );
        assert!(
            err.line >= 1 && err.column >= 1,
            "{what}: no position in {err}"
        );
        let message = err.to_string();
        assert!(
            message.contains(&format!("line {}, column {}", err.line, err.column)),
            "{what}: {message}"
        );
        if let Some(expected) = at {
            let line = text.lines().nth(err.line - 1).unwrap();
            let rest: String = line.chars().skip(err.column - 1).collect();
            assert!(
                rest.starts_with(expected),
                "{what}: position {}:{} points at `{rest}`, expected `{expected}`",
                err.line,
                err.column
            );
        }
        assert_eq!(snapshot(&m), before, "{what}: the manager changed");
    }
}

#[test]
fn non_finite_values_built_in_rust_are_refused_with_their_path() {
    let mut world = demo_world();
    world.volumes[7].center.y = f64::NAN;
    let mut m = StreamingManager::default();
    let err = load_world(&mut m, &world).unwrap_err();
    assert_eq!(err.path.unwrap().to_string(), "volumes[7].center.y");
    assert_eq!(m.level_count(), 0);
    assert_eq!(m.memory_budgets().len(), 0);

    let mut world = demo_world();
    world.sources[1].velocity.x = f64::INFINITY;
    let err = load_world(&mut m, &world).unwrap_err();
    assert_eq!(err.path.unwrap().to_string(), "sources[1].velocity.x");
    assert_eq!(m.volume_count(), 0);
}

#[test]
fn a_world_adds_to_the_manager_and_adopts_levels_created_by_volumes() {
    let mut m = busy_manager();
    // A volume that names an unregistered level creates it implicitly; a
    // world may then declare it.
    m.create_streaming_volume(&level_streaming::core::VolumeDesc::new(
        "Loose",
        "Implicit",
        Vec3::new(5000.0, 0.0, 0.0),
        10.0,
        10.0,
    ))
    .unwrap();
    let text = r#"{"format":"level_streaming.world","version":1,
        "levels":[{"name":"Implicit","priority":"LOW","memory_mb":7}],
        "volumes":[{"name":"More","level":"Town","center":{"x":0,"y":0,"z":0},"radius":1,"load_distance":1}]}"#;
    load_world_json(&mut m, text).unwrap();
    let id = m.find_level("Implicit").unwrap();
    assert!(m.is_level_registered(id).unwrap());
    assert_eq!(m.level_info(id).unwrap().memory_mb, 7.0);
    assert_eq!(m.volume_count(), 4);
    // Loading it again is now a duplicate, and changes nothing.
    let before = snapshot(&m);
    assert!(load_world_json(&mut m, text).is_err());
    assert_eq!(snapshot(&m), before);
}

fn last_error() -> String {
    let mut buf = vec![0 as c_char; 4096];
    let len = lifecycle::lsm_last_error_message(buf.as_mut_ptr(), buf.len());
    let bytes: Vec<u8> = buf[..len.min(4095)].iter().map(|c| *c as u8).collect();
    String::from_utf8(bytes).unwrap()
}

fn save_through_c(m: *mut level_streaming::ffi::LsmManager) -> String {
    let mut needed = 0usize;
    assert_eq!(
        lsm_save_world_json(m, std::ptr::null_mut(), 0, &mut needed),
        LsmStatus::BufferTooSmall
    );
    let mut small = vec![7 as c_char; needed];
    assert_eq!(
        lsm_save_world_json(m, small.as_mut_ptr(), small.len(), &mut needed),
        LsmStatus::BufferTooSmall,
        "cap == len leaves no room for the NUL"
    );
    assert!(small.iter().all(|c| *c == 7), "nothing written on failure");
    let mut buf = vec![0 as c_char; needed + 1];
    let mut len = 0usize;
    assert_eq!(
        lsm_save_world_json(m, buf.as_mut_ptr(), buf.len(), &mut len),
        LsmStatus::Ok
    );
    assert_eq!(len, needed);
    String::from_utf8(buf[..len].iter().map(|c| *c as u8).collect()).unwrap()
}

#[test]
fn the_c_abi_loads_and_saves_worlds_and_reports_positions() {
    let m = lifecycle::lsm_manager_create(std::ptr::null());
    assert!(!m.is_null());
    let (mut line, mut column) = (0usize, 0usize);
    let ok = |text: &str, line: &mut usize, column: &mut usize| {
        lsm_load_world_json(m, text.as_ptr().cast(), text.len(), line, column)
    };
    assert_eq!(ok(BASE, &mut line, &mut column), LsmStatus::Ok);
    assert_eq!(
        (line, column),
        (0, 0),
        "positions are written on failure only"
    );
    let saved = save_through_c(m);
    let mut rust = StreamingManager::default();
    load_world_json(&mut rust, BASE).unwrap();
    assert_eq!(saved, save_world_json(&rust));

    for (what, text, status) in [
        ("truncated", &BASE[..40], LsmStatus::InvalidFormat),
        (
            "unknown level",
            "{\"format\":\"level_streaming.world\",\"version\":1,\n\"volumes\":[{\"name\":\"V\",\"level\":\"Gone\",\"center\":{\"x\":0,\"y\":0,\"z\":0},\"radius\":1,\"load_distance\":1}]}",
            LsmStatus::UnknownLevel,
        ),
        ("duplicate", BASE, LsmStatus::DuplicateName),
    ] {
        let before = save_through_c(m);
        let (mut line, mut column) = (0usize, 0usize);
        assert_eq!(ok(text, &mut line, &mut column), status, "{what}");
        assert!(line >= 1 && column >= 1, "{what}: {line}:{column}");
        let message = last_error();
        assert!(
            message.contains(&format!("line {line}, column {column}")),
            "{what}: {message}"
        );
        assert_eq!(save_through_c(m), before, "{what}: the manager changed");
    }
    // NULL position outputs are allowed.
    assert_eq!(
        lsm_load_world_json(
            m,
            "{".as_ptr().cast(),
            1,
            std::ptr::null_mut(),
            std::ptr::null_mut()
        ),
        LsmStatus::InvalidFormat
    );
    // Invalid UTF-8: the position of the bad byte.
    let bytes = b"{\n  \"format\": \"\xff\"}";
    let (mut line, mut column) = (0usize, 0usize);
    assert_eq!(
        lsm_load_world_json(
            m,
            bytes.as_ptr().cast(),
            bytes.len(),
            &mut line,
            &mut column
        ),
        LsmStatus::InvalidUtf8
    );
    assert_eq!((line, column), (2, 14));
    assert_eq!(
        lsm_load_world_json(m, std::ptr::null(), 3, &mut line, &mut column),
        LsmStatus::NullArgument
    );
    lifecycle::lsm_manager_destroy(m);
}

#[test]
fn line_column_counts_characters_from_one() {
    let text = "ab\ncé€d";
    assert_eq!(line_column(text, 0), (1, 1));
    assert_eq!(line_column(text, 3), (2, 1));
    let d = text.find('d').unwrap();
    assert_eq!(line_column(text, d), (2, 4));
    assert!(world_to_json(&demo_world()).ends_with("}\n"));
}
