//! The embedded dashboard over real loopback sockets: the page, every API
//! endpoint, the WebSocket protocol, every command, and each refusal.

#![cfg(feature = "dashboard")]

mod dashboard_util;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use dashboard_util::*;
use level_streaming::core::loading_screen::LoadingScreenId;
use level_streaming::core::lod::LodLevel;
use level_streaming::core::*;
use level_streaming::dashboard::{
    DashboardConfig, DashboardError, DashboardServer, PROTOCOL_VERSION,
};
use serde_json::{json, Value};
use tungstenite::Message;

#[test]
fn the_page_and_its_assets_are_served_with_a_strict_csp() {
    let game = Game::start(config());
    let page = get(game.port, "/");
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let html = page.text();
    assert!(html.contains("<script src=\"/assets/app.js\""), "{html}");
    assert!(!html.contains("<script>"), "no inline script");
    assert!(!html.contains("style=\""), "no inline style");
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert!(page.header("access-control-allow-origin").is_none());
    for (path, ct) in [
        ("/assets/app.js", "text/javascript"),
        ("/assets/app.css", "text/css"),
        ("/favicon.svg", "image/svg+xml"),
    ] {
        let r = get(game.port, path);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.header("content-type").unwrap().starts_with(ct), "{path}");
        assert!(!r.body.is_empty(), "{path}");
    }
    assert_eq!(get(game.port, "/nope").status, 404);
    assert_eq!(get(game.port, "/api/nope").status, 404);
    let r = raw(
        game.port,
        format!(
            "DELETE /api/status HTTP/1.1\r\nHost: {}\r\n\r\n",
            game.host()
        )
        .as_bytes(),
    );
    assert_eq!(r.status, 405);
}

#[test]
fn every_api_endpoint_answers_json_from_live_state() {
    let game = Game::start(config());
    let status = get(game.port, "/api/status");
    assert_eq!(status.status, 200, "{}", status.text());
    let s = status.json();
    assert_eq!(s["protocol"], PROTOCOL_VERSION);
    assert_eq!(s["level_count"], 3);
    assert_eq!(s["volume_count"], 3);
    assert!(s["frame"].as_u64().unwrap() > 0);
    assert!(s["health"]["memory"].is_string());

    let levels = get(game.port, "/api/levels").json();
    let names: Vec<&str> = levels
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Forest", "Castle", "Village"]);
    assert!(levels[0]["state"].is_string());

    let volumes = get(game.port, "/api/volumes").json();
    assert_eq!(volumes[1]["name"], "Castle_volume");
    assert_eq!(volumes[1]["level"], "Castle");
    assert_eq!(volumes[1]["center"]["x"], 1000.0);
    assert_eq!(volumes[1]["load_distance"], 300.0);

    let sources = get(game.port, "/api/sources").json();
    assert_eq!(sources.as_array().unwrap().len(), 1);
    assert_eq!(sources[0]["velocity"]["x"], 180.0);

    let memory = get(game.port, "/api/memory").json();
    assert_eq!(memory["budgets"][0]["name"], "World");
    assert_eq!(memory["budgets"][0]["max_memory_mb"], 1000.0);
    assert_eq!(memory["budgets"][0]["warning_threshold"], 0.8);

    let metrics = get(game.port, "/api/metrics").json();
    assert!(metrics["stats"]["FRAME_TIME"]["count"].as_u64().unwrap() > 0);
    assert!(metrics["stats"]["FRAME_TIME"]["p99"].as_f64().unwrap() >= 10.0);
    assert!(!metrics["frame_times"].as_array().unwrap().is_empty());
    assert_eq!(metrics["stats"]["DRAW_CALLS"]["latest"], 1200.0);

    let lod = get(game.port, "/api/lod").json();
    assert_eq!(lod["levels"][0]["has_settings"], true);
    assert_eq!(lod["quality_table"].as_array().unwrap().len(), 5);

    let occlusion = get(game.port, "/api/occlusion").json();
    assert_eq!(occlusion["levels"][0]["name"], "Forest");
    assert_eq!(occlusion["levels"][0]["efficiency"], 0.6);
    assert!(occlusion["totals"]["triangles_saved"].as_f64().unwrap() > 0.0);

    let screens = get(game.port, "/api/loading_screens").json();
    assert_eq!(screens[0]["title"], "Entering the castle");
    assert_eq!(screens[0]["total_assets"], 10);

    let report = get(game.port, "/api/report");
    assert_eq!(report.status, 200, "{}", report.text());
    let report = report.json();
    assert_eq!(report["ok"], true);
    assert_eq!(report["result"]["version"], level_streaming::VERSION);
    assert_eq!(report["result"]["levels"].as_array().unwrap().len(), 3);

    let state = get(game.port, "/api/state").json();
    for part in [
        "status",
        "levels",
        "volumes",
        "sources",
        "memory",
        "metrics",
        "lod",
        "occlusion",
        "loading_screens",
    ] {
        assert!(!state[part].is_null(), "{part}");
    }
    let events = get(game.port, "/api/events").json();
    assert!(events
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["type"] == "level_state_changed"));

    let prom = get(game.port, "/metrics");
    assert_eq!(prom.status, 200);
    assert!(prom
        .header("content-type")
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = prom.text();
    for needle in [
        "# TYPE lsm_levels gauge",
        "lsm_levels{state=\"ACTIVE\"}",
        "lsm_memory_budget_used_megabytes{budget=\"World\"}",
        "lsm_frame_time_milliseconds{quantile=\"0.99\"}",
        "lsm_frame_time_milliseconds_count",
    ] {
        assert!(text.contains(needle), "missing {needle} in\n{text}");
    }
}

#[test]
fn the_websocket_says_hello_then_pushes_live_updates() {
    let game = Game::start(config());
    let mut ws = ws_connect(game.port, Some(&game.origin()), Some(&game.token)).unwrap();
    let hello = next_json(&mut ws);
    assert_eq!(hello["type"], "hello");
    assert_eq!(hello["protocol"], PROTOCOL_VERSION);
    assert_eq!(hello["version"], level_streaming::VERSION);
    let first = next_of_type(&mut ws, "update");
    // The first update is full; later ones carry only what changed.
    assert_eq!(first["full"], true);
    for part in [
        "status",
        "levels",
        "volumes",
        "sources",
        "memory",
        "metrics",
        "lod",
        "occlusion",
        "loading_screens",
        "distances",
    ] {
        assert!(
            !first["state"][part].is_null(),
            "{part} missing from the full update"
        );
    }
    assert_eq!(
        first["state"]["distances"]["volumes"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert!(first["events"].is_array());
    let mut last_seq = first["seq"].as_u64().unwrap();
    let first_frame = first["state"]["status"]["frame"].as_u64().unwrap();
    let started = Instant::now();
    let mut frames = vec![first_frame];
    for _ in 0..4 {
        let u = next_of_type(&mut ws, "update");
        assert_eq!(u["protocol"], PROTOCOL_VERSION);
        let seq = u["seq"].as_u64().unwrap();
        assert!(seq > last_seq);
        last_seq = seq;
        frames.push(u["state"]["status"]["frame"].as_u64().unwrap());
        assert_eq!(u["full"], false);
        assert!(u["events"].is_array());
        assert!(u["state"]["quality_table"].is_null());
        // The LOD quality table never changes: it is not sent again.
        assert!(
            u["state"]["lod"].is_null(),
            "unchanged part resent: {}",
            u["state"]["lod"]
        );
    }
    assert!(frames.windows(2).all(|w| w[1] > w[0]), "{frames:?}");
    // Parts that are copied only when they change stay whole in every
    // update that carries them, and in the API between changes.
    for _ in 0..20 {
        let u = next_of_type(&mut ws, "update");
        let state = &u["state"];
        if !state["memory"].is_null() {
            assert_eq!(
                state["memory"]["budgets"][0]["name"], "World",
                "{}",
                state["memory"]
            );
            assert_eq!(state["memory"]["worst_state"], "NORMAL");
        }
        if !state["loading_screens"].is_null() {
            assert_eq!(state["loading_screens"][0]["title"], "Entering the castle");
        }
        if !state["occlusion"].is_null() {
            assert_eq!(state["occlusion"]["levels"][0]["name"], "Forest");
        }
    }
    let memory = get(game.port, "/api/memory").json();
    assert_eq!(memory["budgets"][0]["name"], "World");
    assert_eq!(
        get(game.port, "/api/loading_screens").json()[0]["title"],
        "Entering the castle"
    );
    assert_eq!(
        get(game.port, "/api/occlusion").json()["levels"][0]["name"],
        "Forest"
    );
    // 20 Hz: four more updates take at least ~150 ms.
    assert!(started.elapsed() >= Duration::from_millis(120));
    // Events arrive with the updates.
    let mut saw_event = false;
    for _ in 0..60 {
        let u = next_of_type(&mut ws, "update");
        if u["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["type"] == "level_state_changed" && e["level_name"].is_string())
        {
            saw_event = true;
            break;
        }
    }
    assert!(saw_event, "no level_state_changed event within 60 updates");
    // The client-level ping.
    ws.send(Message::Text(
        json!({"type": "ping", "id": 9}).to_string().into(),
    ))
    .unwrap();
    assert_eq!(next_of_type(&mut ws, "pong")["id"], 9);
    // Garbage gets an error, not a disconnect.
    ws.send(Message::Text("not json".into())).unwrap();
    assert_eq!(next_of_type(&mut ws, "error")["error"]["code"], "BAD_JSON");
    ws.send(Message::Text(
        json!({"type": "command", "id": 1, "name": "fly"})
            .to_string()
            .into(),
    ))
    .unwrap();
    let r = next_of_type(&mut ws, "result");
    assert_eq!(r["ok"], false);
    assert_eq!(r["error"]["code"], "BAD_COMMAND");
}

fn ok(result: &Value) -> &Value {
    assert_eq!(result["ok"], true, "{result}");
    &result["result"]
}

#[test]
fn every_command_changes_the_managers_state() {
    let game = Game::start(config());
    let mut ws = ws_connect(game.port, Some(&game.origin()), Some(&game.token)).unwrap();
    let mut id = 0;
    let mut cmd = |ws: &mut Ws, name: &str, args: Value| {
        id += 1;
        ws_command(ws, id, name, args)
    };

    // Levels.
    ok(&cmd(&mut ws, "load_level", json!({"level": "Village"})));
    assert!(game.with(|m| m
        .level_info(m.find_level("Village").unwrap())
        .unwrap()
        .pinned));
    ok(&cmd(&mut ws, "unload_level", json!({"level": "Village"})));
    assert!(!game.with(|m| m
        .level_info(m.find_level("Village").unwrap())
        .unwrap()
        .pinned));
    let r = cmd(&mut ws, "load_level", json!({"level": "Atlantis"}));
    assert_eq!(r["ok"], false);
    assert_eq!(r["error"]["code"], "UNKNOWN_LEVEL");

    // LOD.
    ok(&cmd(
        &mut ws,
        "set_lod",
        json!({"level": "Forest", "lod": "LOW"}),
    ));
    assert_eq!(game.with(|m| m.level_lod("Forest").unwrap()), LodLevel::Low);
    ok(&cmd(
        &mut ws,
        "set_lod_auto_adjust",
        json!({"level": "Forest", "auto_adjust": true}),
    ));
    assert!(game.with(|m| m.lod_settings("Forest").unwrap().unwrap().auto_adjust));
    ok(&cmd(
        &mut ws,
        "create_lod_settings",
        json!({"level": "Village"}),
    ));
    assert!(game.with(|m| m.lod_settings("Village").unwrap().is_some()));
    let r = cmd(
        &mut ws,
        "calculate_optimal_lod",
        json!({"distance": 5000.0}),
    );
    assert_eq!(ok(&r)["lod"], "LOW");
    let r = cmd(&mut ws, "calculate_optimal_lod", json!({"level": "Castle"}));
    assert!(ok(&r)["lod"].is_string());

    // Volumes.
    ok(&cmd(
        &mut ws,
        "create_volume",
        json!({
        "name": "Lake_volume", "level": "Lake", "center": {"x": 5000.0, "y": 100.0, "z": 0.0},
        "radius": 150.0, "load_distance": 400.0, "priority": "HIGH"}),
    ));
    let v = game.with(|m| {
        m.volume(m.find_volume("Lake_volume").unwrap())
            .unwrap()
            .clone()
    });
    assert_eq!(
        (v.center.x, v.radius, v.load_distance, v.priority),
        (5000.0, 150.0, 400.0, Priority::High)
    );
    ok(&cmd(
        &mut ws,
        "set_volume_enabled",
        json!({"volume": "Lake_volume", "enabled": false}),
    ));
    assert!(!game.with(|m| m
        .volume(m.find_volume("Lake_volume").unwrap())
        .unwrap()
        .enabled));
    ok(&cmd(
        &mut ws,
        "set_volume_distances",
        json!({"volume": "Lake_volume", "radius": 99.0, "load_distance": 500.0, "unload_distance": 800.0}),
    ));
    let v = game.with(|m| {
        m.volume(m.find_volume("Lake_volume").unwrap())
            .unwrap()
            .clone()
    });
    assert_eq!(
        (v.radius, v.load_distance, v.unload_distance),
        (99.0, 500.0, 800.0)
    );
    let r = cmd(
        &mut ws,
        "set_volume_distances",
        json!({"volume": "Lake_volume", "radius": 1.0, "load_distance": 500.0, "unload_distance": 100.0}),
    );
    assert_eq!(r["error"]["code"], "UNLOAD_BELOW_LOAD");
    ok(&cmd(
        &mut ws,
        "move_volume",
        json!({"volume": "Lake_volume", "center": {"x": 1.0, "y": 2.0, "z": 3.0}}),
    ));
    assert_eq!(
        game.with(|m| m
            .volume(m.find_volume("Lake_volume").unwrap())
            .unwrap()
            .center),
        Vec3::new(1.0, 2.0, 3.0)
    );
    ok(&cmd(
        &mut ws,
        "remove_volume",
        json!({"volume": "Lake_volume"}),
    ));
    assert!(game.with(|m| m.find_volume("Lake_volume").is_err()));

    // Memory.
    ok(&cmd(
        &mut ws,
        "create_budget",
        json!({"name": "Props", "max_memory_mb": 256.0, "priority": "LOW"}),
    ));
    assert_eq!(
        game.with(|m| m.memory_budget("Props").unwrap().max_memory_mb),
        256.0
    );
    ok(&cmd(
        &mut ws,
        "set_budget_thresholds",
        json!({"budget": "Props", "warning": 0.5, "critical": 0.9}),
    ));
    assert_eq!(
        game.with(|m| m.memory_budget("Props").unwrap().warning_threshold),
        0.5
    );
    ok(&cmd(
        &mut ws,
        "allocate_level",
        json!({"budget": "Props", "level": "Village", "memory_mb": 64.0}),
    ));
    assert!(game.with(|m| m.memory_budget("Props").unwrap().allocated_levels.len()) == 1);
    let r = cmd(
        &mut ws,
        "create_budget",
        json!({"name": "Props", "max_memory_mb": 1.0}),
    );
    assert_eq!(r["error"]["code"], "DUPLICATE_NAME");

    // Loading screens.
    let r = cmd(
        &mut ws,
        "create_loading_screen",
        json!({"title": "Boss", "description": "Get ready", "total_assets": 4}),
    );
    let screen = ok(&r)["screen_id"].as_u64().unwrap() as u32;
    ok(&cmd(
        &mut ws,
        "show_loading_screen",
        json!({"screen": screen}),
    ));
    assert!(game.with(move |m| m.loading_screen(LoadingScreenId(screen)).unwrap().visible));
    let r = cmd(
        &mut ws,
        "set_loading_progress",
        json!({"screen": screen, "assets_loaded": 2}),
    );
    assert_eq!(ok(&r)["progress"], 0.5);
    ok(&cmd(
        &mut ws,
        "add_loading_tip",
        json!({"screen": screen, "tip": "Dodge left"}),
    ));
    assert_eq!(
        game.with(move |m| m
            .loading_screen(LoadingScreenId(screen))
            .unwrap()
            .tips
            .clone()),
        ["Dodge left"]
    );
    ok(&cmd(
        &mut ws,
        "hide_loading_screen",
        json!({"screen": screen}),
    ));
    assert!(!game.with(move |m| m.loading_screen(LoadingScreenId(screen)).unwrap().visible));
    let r = cmd(
        &mut ws,
        "create_loading_screen",
        json!({"title": "Teleport", "levels": ["Castle", "Village"]}),
    );
    let bound = ok(&r)["screen_id"].as_u64().unwrap() as u32;
    assert!(game.with(move |m| m.loading_screen(LoadingScreenId(bound)).unwrap().is_bound()));
    assert_eq!(
        cmd(&mut ws, "show_loading_screen", json!({"screen": 999}))["error"]["code"],
        "NOT_FOUND"
    );

    // Visibility and the profiler target.
    ok(&cmd(&mut ws, "load_level", json!({"level": "Village"})));
    wait_until(
        Duration::from_secs(5),
        Duration::from_millis(10),
        "Village never became active",
        || game.with(|m| m.level_state_by_name("Village").unwrap()) == StreamingState::Active,
    );
    ok(&cmd(
        &mut ws,
        "set_level_visible",
        json!({"level": "Village", "visible": false}),
    ));
    assert!(game.with(|m| m
        .level_info(m.find_level("Village").unwrap())
        .unwrap()
        .hidden_by_host));
    ok(&cmd(
        &mut ws,
        "set_target_frame_time",
        json!({"frame_time_ms": 33.3}),
    ));
    assert_eq!(
        game.with(|m| m.profiler().config().target_frame_time_ms),
        33.3
    );

    // The report as a command.
    let r = cmd(&mut ws, "get_report", Value::Null);
    assert_eq!(ok(&r)["version"], level_streaming::VERSION);

    // The change shows in the next update.
    wait_until(
        Duration::from_secs(5),
        Duration::ZERO,
        "the new budget never showed",
        || {
            let u = next_of_type(&mut ws, "update");
            let budgets = &u["state"]["memory"]["budgets"];
            budgets
                .as_array()
                .is_some_and(|b| b.iter().any(|b| b["name"] == "Props"))
        },
    );
}

#[test]
fn post_command_needs_the_token_and_applies_with_it() {
    let game = Game::start(config());
    let body = r#"{"name":"load_level","args":{"level":"Village"}}"#;
    let r = post_command(game.port, None, body);
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"]["code"], "BAD_TOKEN");
    let r = post_command(game.port, Some("0000"), body);
    assert_eq!(r.status, 401);
    let wrong = game.token.replace(|c: char| c != '0', "0");
    assert_eq!(post_command(game.port, Some(&wrong), body).status, 401);
    assert!(!game.with(|m| m
        .level_info(m.find_level("Village").unwrap())
        .unwrap()
        .pinned));

    let r = post_command(game.port, Some(&game.token), body);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["ok"], true);
    assert!(game.with(|m| m
        .level_info(m.find_level("Village").unwrap())
        .unwrap()
        .pinned));

    let r = post_command(
        game.port,
        Some(&game.token),
        r#"{"name":"load_level","args":{"level":"Nope"}}"#,
    );
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["error"]["code"], "UNKNOWN_LEVEL");
    let r = post_command(game.port, Some(&game.token), "{not json");
    assert_eq!(r.status, 400);
    // A foreign Origin is refused even with the token (CSRF).
    let r = raw(
        game.port,
        format!(
            "POST /api/command HTTP/1.1\r\nHost: {}\r\nOrigin: http://evil.example\r\nX-LSM-Token: {}\r\nContent-Length: {}\r\n\r\n{body}",
            game.host(),
            game.token,
            body.len()
        )
        .as_bytes(),
    );
    assert_eq!(r.status, 403);
    // A body over 64 KiB is refused before it is read.
    let r = raw(
        game.port,
        format!(
            "POST /api/command HTTP/1.1\r\nHost: {}\r\nX-LSM-Token: {}\r\nContent-Length: 70000\r\n\r\n",
            game.host(),
            game.token
        )
        .as_bytes(),
    );
    assert_eq!(r.status, 413);
}

#[test]
fn a_foreign_or_missing_host_is_misdirected() {
    let game = Game::start(config());
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{}", game.port),
        format!("127.0.0.1:{}", game.port.wrapping_add(1)),
        "127.0.0.1".to_string(),
    ] {
        let r = raw(
            game.port,
            format!("GET /api/status HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes(),
        );
        assert_eq!(r.status, 421, "Host {host}");
    }
    let r = raw(game.port, b"GET / HTTP/1.1\r\n\r\n");
    assert_eq!(r.status, 421);
    let r = raw(
        game.port,
        format!("GET / HTTP/1.1\r\nHost: localhost:{}\r\n\r\n", game.port).as_bytes(),
    );
    assert_eq!(r.status, 200);
}

#[test]
fn the_websocket_refuses_foreign_origins_and_bad_tokens() {
    let game = Game::start(config());
    assert_eq!(
        ws_connect(game.port, Some("http://evil.example"), Some(&game.token)).unwrap_err(),
        403
    );
    assert_eq!(
        ws_connect(
            game.port,
            Some(&format!("http://127.0.0.1:{}", game.port + 1)),
            Some(&game.token)
        )
        .unwrap_err(),
        403
    );
    assert_eq!(
        ws_connect(game.port, None, Some(&game.token)).unwrap_err(),
        403
    );
    assert_eq!(
        ws_connect(game.port, Some(&game.origin()), None).unwrap_err(),
        401
    );
    assert_eq!(
        ws_connect(game.port, Some(&game.origin()), Some("deadbeef")).unwrap_err(),
        401
    );
    let mut wrong = game.token.clone().into_bytes();
    wrong[10] = if wrong[10] == b'a' { b'b' } else { b'a' };
    assert_eq!(
        ws_connect(
            game.port,
            Some(&game.origin()),
            Some(std::str::from_utf8(&wrong).unwrap())
        )
        .unwrap_err(),
        401
    );
    // A foreign Host on the upgrade is misdirected before anything else.
    let r = raw(
        game.port,
        format!(
            "GET /ws?token={} HTTP/1.1\r\nHost: evil.example:{}\r\nOrigin: http://evil.example:{}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
            game.token, game.port, game.port
        )
        .as_bytes(),
    );
    assert_eq!(r.status, 421);
    // The right origin and token work.
    assert!(ws_connect(game.port, Some(&game.origin()), Some(&game.token)).is_ok());
}

#[test]
fn an_oversized_head_is_refused() {
    let game = Game::start(config());
    let mut request = format!("GET / HTTP/1.1\r\nHost: {}\r\nX-Pad: ", game.host()).into_bytes();
    request.resize(9 * 1024, b'a');
    request.extend_from_slice(b"\r\n\r\n");
    let r = raw(game.port, &request);
    assert_eq!(r.status, 431);
    let mut request = format!("GET / HTTP/1.1\r\nHost: {}\r\n", game.host()).into_bytes();
    for i in 0..80 {
        request.extend_from_slice(format!("X-H{i}: 1\r\n").as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    assert_eq!(raw(game.port, &request).status, 431);
}

/// Reads until the server's close frame; returns its status code and the
/// `update` messages read before it. Panics if the connection ends without
/// a close frame, or does not end after it.
fn close_code(ws: &mut Ws) -> (u16, usize) {
    let (code, texts) = close_code_after(ws);
    let updates = texts
        .iter()
        .filter(|t| t.starts_with("{\"type\":\"update\""))
        .count();
    (code, updates)
}

/// As [`close_code`], with the text messages that came before the close frame.
fn close_code_after(ws: &mut Ws) -> (u16, Vec<String>) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut texts = Vec::new();
    let frame = loop {
        match ws.read() {
            Ok(Message::Close(frame)) => break frame,
            Ok(Message::Text(t)) => texts.push(t.as_str().to_owned()),
            Ok(_) => {}
            Err(e) => panic!("the connection ended without a close frame: {e}"),
        }
        assert!(Instant::now() < deadline, "still open");
    };
    let frame = frame.expect("the close frame has a status code");
    // Then the server ends the connection: reads end (the first one sends
    // our close reply).
    // A read timeout is not an end: only the socket closing is.
    let mut ended = false;
    for _ in 0..100 {
        match ws.read() {
            Ok(_) => {}
            Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                ended = true;
                break;
            }
            Err(tungstenite::Error::Io(e)) => {
                use std::io::ErrorKind::{TimedOut, WouldBlock};
                ended = !matches!(e.kind(), TimedOut | WouldBlock);
                break;
            }
            Err(_) => break,
        }
    }
    assert!(ended, "the connection stays open after the close frame");
    (u16::from(frame.code), texts)
}

#[test]
fn the_close_frame_of_an_oversized_message_comes_after_the_queued_updates() {
    // Long names make the first update a few megabytes: more than the
    // socket buffers hold while the client does not read.
    let mut m = StreamingManager::default();
    for i in 0..300 {
        let name = format!("{i:03}{}", "n".repeat(4096));
        add_level_with_volume(
            &mut m,
            &LevelDesc::new(&name),
            Vec3::new(100.0 * f64::from(i), 0.0, 0.0),
            50.0,
            60.0,
        );
    }
    let game = Game::start_with(m, config());
    // A snapshot exists, so the first update is queued with the hello.
    assert_eq!(get(game.port, "/api/status").status, 200);
    let mut ws = ws_connect(game.port, Some(&game.origin()), Some(&game.token)).unwrap();
    // The server writes the update in the turn it writes the hello, before
    // it reads from us again: it writes what the socket takes and keeps the
    // rest while we do not read. The update's first bytes waiting on our
    // socket show that it is under way (ws_connect's read timeout bounds
    // the wait).
    next_of_type(&mut ws, "hello");
    let mut first = [0u8; 1];
    let waiting = ws.get_ref().peek(&mut first);
    assert!(
        waiting.as_ref().is_ok_and(|n| *n > 0),
        "the update is not being written: {waiting:?}"
    );
    let _ = ws.send(Message::Text("x".repeat(65 * 1024).into()));
    // What was queued arrives, then the close frame.
    let (code, updates) = close_code(&mut ws);
    assert_eq!(code, 1009);
    assert!(updates >= 1);
}

#[test]
fn an_oversized_websocket_message_closes_the_connection() {
    let game = Game::start(config());
    let mut ws = ws_connect(game.port, Some(&game.origin()), Some(&game.token)).unwrap();
    next_of_type(&mut ws, "hello");
    let big = "x".repeat(65 * 1024);
    // A ping and the oversized message in one write, so that the server
    // reads both in the same turn: the ping is still answered, before the
    // close frame. (The server may close before it has read all of the big
    // one, so the write may fail.)
    ws.write(Message::Text(r#"{"type":"ping","id":"before"}"#.into()))
        .unwrap();
    let _ = ws.write(Message::Text(big.into()));
    let _ = ws.flush();
    // A close frame with 1009 ("message too big") must come, not just the
    // end of the connection.
    let (code, texts) = close_code_after(&mut ws);
    assert_eq!(code, 1009);
    assert!(
        texts
            .iter()
            .any(|t| t.contains(r#""type":"pong""#) && t.contains(r#""id":"before""#)),
        "the ping read with the oversized message got no pong; came: {:?}",
        texts
            .iter()
            .map(|t| t.chars().take(40).collect::<String>())
            .collect::<Vec<_>>()
    );
    // A message of exactly 64 KiB is still fine for another client: a ping
    // padded to the limit gets its pong.
    let mut ws = ws_connect(game.port, Some(&game.origin()), Some(&game.token)).unwrap();
    next_of_type(&mut ws, "hello");
    let frame = r#"{"type":"ping","id":""}"#.len();
    let pad = "p".repeat(64 * 1024 - frame);
    let ping = format!(r#"{{"type":"ping","id":"{pad}"}}"#);
    assert_eq!(ping.len(), 64 * 1024);
    ws.send(Message::Text(ping.into())).unwrap();
    let pong = next_of_type(&mut ws, "pong");
    assert_eq!(pong["id"].as_str().map(str::len), Some(pad.len()));
}

#[test]
fn clients_beyond_the_limit_get_503() {
    let game = Game::start(DashboardConfig {
        max_clients: 3,
        ..config()
    });
    let mut clients: Vec<Ws> = (0..3)
        .map(|_| ws_connect(game.port, Some(&game.origin()), Some(&game.token)).unwrap())
        .collect();
    for c in &mut clients {
        next_of_type(c, "hello");
    }
    assert_eq!(
        ws_connect(game.port, Some(&game.origin()), Some(&game.token)).unwrap_err(),
        503
    );
    // Plain HTTP still works, and a freed slot can be taken again.
    assert_eq!(get(game.port, "/api/status").status, 200);
    let mut gone = clients.pop().unwrap();
    gone.close(None).unwrap();
    while gone.read().is_ok() {}
    drop(gone);
    wait_until(
        Duration::from_secs(5),
        Duration::from_millis(20),
        "slot not freed: 503",
        || match ws_connect(game.port, Some(&game.origin()), Some(&game.token)) {
            Ok(_) => true,
            Err(503) => false,
            Err(e) => panic!("slot not freed: {e}"),
        },
    );
}

#[test]
fn a_client_sending_one_byte_a_second_is_timed_out() {
    let game = Game::start(DashboardConfig {
        request_timeout: Duration::from_millis(1500),
        ..config()
    });
    let mut s = TcpStream::connect(("127.0.0.1", game.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let request = format!("GET /api/status HTTP/1.1\r\nHost: {}\r\n\r\n", game.host());
    let started = Instant::now();
    let mut data = Vec::new();
    for byte in request.bytes() {
        if s.write_all(&[byte]).is_err() {
            break;
        }
        let until = Instant::now() + Duration::from_secs(1);
        let mut buf = [0u8; 512];
        while Instant::now() < until {
            match s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => data.extend_from_slice(&buf[..n]),
                Err(_) => {}
            }
        }
        if !data.is_empty() || started.elapsed() > Duration::from_secs(6) {
            break;
        }
    }
    let r = parse_response(&data);
    assert_eq!(r.status, 408);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(4), "timed out after {took:?}");
    // The server keeps serving others meanwhile and after.
    assert_eq!(get(game.port, "/api/status").status, 200);
}

#[test]
fn dropping_the_server_closes_clients_joins_and_frees_the_port() {
    let server = DashboardServer::start(config()).unwrap();
    let port = server.port();
    let token = server.token().to_string();
    let mut manager = world();
    manager.update(&[], 0.016).unwrap();
    let mut ws = {
        // The handshake needs no pump; the hello comes from the server thread.
        ws_connect(
            port,
            Some(&format!("http://127.0.0.1:{port}")),
            Some(&token),
        )
        .unwrap()
    };
    assert_eq!(next_json(&mut ws)["type"], "hello");
    let started = Instant::now();
    drop(server);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "drop took {:?}",
        started.elapsed()
    );
    // The client sees the close (or the socket end).
    let mut closed = false;
    for _ in 0..10 {
        match ws.read() {
            Ok(Message::Close(_)) | Err(_) => {
                closed = true;
                break;
            }
            Ok(_) => {}
        }
    }
    assert!(closed);
    // The thread is gone: the port is free again.
    let again =
        DashboardServer::start(DashboardConfig { port, ..config() }).expect("port reusable");
    assert_eq!(again.port(), port);
    again.shutdown(&mut manager);
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn configs_are_validated_and_non_loopback_needs_consent() {
    let refused = DashboardServer::start(DashboardConfig {
        bind_address: "0.0.0.0".parse().unwrap(),
        ..config()
    });
    assert!(matches!(
        refused,
        Err(DashboardError::NonLoopbackRefused(_))
    ));
    for bad in [
        DashboardConfig {
            update_rate_hz: 0.0,
            ..config()
        },
        DashboardConfig {
            update_rate_hz: f64::NAN,
            ..config()
        },
        DashboardConfig {
            update_rate_hz: 1000.0,
            ..config()
        },
        DashboardConfig {
            max_clients: 0,
            ..config()
        },
        DashboardConfig {
            request_timeout: Duration::ZERO,
            ..config()
        },
    ] {
        assert!(matches!(
            DashboardServer::start(bad),
            Err(DashboardError::InvalidConfig(_))
        ));
    }
    let d = DashboardConfig::default();
    assert_eq!((d.port, d.update_rate_hz, d.max_clients), (8000, 10.0, 8));
    assert!(d.bind_address.is_loopback() && !d.allow_non_loopback);
    // Two servers cannot share a port.
    let a = DashboardServer::start(config()).unwrap();
    let b = DashboardServer::start(DashboardConfig {
        port: a.port(),
        ..config()
    });
    assert!(matches!(b, Err(DashboardError::Bind(_))));
    // Tokens are random and long.
    let c = DashboardServer::start(config()).unwrap();
    assert_eq!(a.token().len(), 64);
    assert_ne!(a.token(), c.token());
    assert!(a
        .url()
        .starts_with(&format!("http://127.0.0.1:{}/#token=", a.port())));
}

#[test]
fn a_slow_websocket_reader_misses_updates_without_holding_others_back() {
    let game = Game::start(DashboardConfig {
        update_rate_hz: 100.0,
        ..config()
    });
    let slow = ws_connect(game.port, Some(&game.origin()), Some(&game.token)).unwrap();
    let mut fast = ws_connect(game.port, Some(&game.origin()), Some(&game.token)).unwrap();
    next_of_type(&mut fast, "hello");
    // The fast client keeps getting fresh updates while the slow one reads nothing.
    let mut last = 0;
    for _ in 0..100 {
        let u = next_of_type(&mut fast, "update");
        let seq = u["seq"].as_u64().unwrap();
        assert!(seq > last);
        last = seq;
    }
    let status = get(game.port, "/api/status").json();
    assert!(status["dashboard"]["clients"].as_u64().unwrap() >= 1);
    drop(slow);
}

/// `GET /api/trace` serves the session so far as a Chrome-trace/Perfetto
/// file: one named track per level with load/visible/unload spans that
/// never overlap, memory and loads-in-flight counters.
#[test]
fn the_session_trace_is_served_live() {
    let game = Game::start(config());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let response = get(game.port, "/api/trace");
        assert_eq!(response.status, 200, "{}", response.text());
        assert!(response
            .header("content-disposition")
            .is_some_and(|d| d.contains("lsm-trace.json")));
        let trace = response.json();
        let events = trace["traceEvents"].as_array().expect("traceEvents");
        let spans: Vec<&Value> = events.iter().filter(|e| e["ph"] == "X").collect();
        let counters = events.iter().filter(|e| e["ph"] == "C").count();
        let named_tracks = events
            .iter()
            .filter(|e| e["ph"] == "M" && e["name"] == "thread_name")
            .count();
        if spans.len() >= 3 && counters >= 1 {
            for e in events {
                for field in ["name", "ph", "ts", "pid", "tid"] {
                    assert!(e.get(field).is_some(), "{field} missing in {e}");
                }
            }
            assert!(named_tracks >= 3, "one named track per level");
            // Spans on one track never overlap.
            let mut by_track: std::collections::HashMap<u64, Vec<(f64, f64)>> = Default::default();
            for s in &spans {
                let ts = s["ts"].as_f64().unwrap();
                let dur = s["dur"].as_f64().unwrap();
                assert!(dur >= 0.0, "{s}");
                by_track
                    .entry(s["tid"].as_u64().unwrap())
                    .or_default()
                    .push((ts, ts + dur));
            }
            for (tid, mut list) in by_track {
                list.sort_by(|a, b| a.0.total_cmp(&b.0));
                for w in list.windows(2) {
                    assert!(
                        w[0].1 <= w[1].0,
                        "track {tid}: {:?} overlaps {:?}",
                        w[0],
                        w[1]
                    );
                }
            }
            break;
        }
        assert!(Instant::now() < deadline, "no spans yet: {trace}");
        std::thread::sleep(Duration::from_millis(100));
    }
    game.stop();
}

/// Pumps `manager`'s dashboard (without changing the manager) while
/// another thread fetches `/metrics`; returns the dashboard's body and
/// the exporter's rendering of the same manager.
fn metrics_both_ways(mut manager: StreamingManager) -> (String, String) {
    let mut server = DashboardServer::start(config()).unwrap();
    let port = server.port();
    let deadline = Instant::now() + Duration::from_secs(20);
    let response = pump_while(
        || get(port, "/metrics"),
        Duration::from_millis(1),
        || {
            assert!(Instant::now() < deadline, "no /metrics answer");
            server.pump(&mut manager);
        },
    );
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(
        response.header("content-type"),
        Some(level_streaming::export::prometheus::CONTENT_TYPE)
    );
    let exported = level_streaming::export::prometheus::render(&manager);
    server.shutdown(&mut manager);
    (response.text(), exported)
}

/// The dashboard's `/metrics` is the exporter's text for the same state,
/// followed by the dashboard's own `lsm_dashboard_*` families only.
fn assert_same_exposition(dashboard: &str, exported: &str) {
    let Some(own) = dashboard.strip_prefix(exported) else {
        panic!("/metrics differs from the exporter.\n--- /metrics:\n{dashboard}\n--- exporter:\n{exported}");
    };
    assert!(!own.is_empty(), "the dashboard's own families are missing");
    for line in own.lines() {
        let name = line
            .strip_prefix("# HELP ")
            .or_else(|| line.strip_prefix("# TYPE "))
            .unwrap_or(line);
        assert!(name.starts_with("lsm_dashboard_"), "{line}");
    }
}

#[test]
fn the_metrics_endpoint_and_the_exporter_agree() {
    // More frames than the profiler window (300), so that the quantiles
    // (window) and the sum and count (whole run) cover different frames,
    // and requests of several kinds, some failed.
    let mut m = world();
    let mut requests = Vec::new();
    for frame in 0..400u32 {
        let x = f64::from(frame) * 7.0;
        let camera = StreamingSource {
            velocity: Vec3::new(420.0, 0.0, 0.0),
            ..StreamingSource::at(Vec3::new(x, 0.0, 0.0))
        };
        m.update(&[camera], 1.0 / 60.0).unwrap();
        requests.clear();
        m.take_requests(64, &mut requests);
        for r in &requests {
            let _ = m.complete_request(r.id, frame % 3 != 0);
        }
        let ft = 8.0 + f64::from(frame % 13) * 1.37;
        m.profile_frame(ft, 512.0, 1200, 800_000).unwrap();
    }
    let stats = m.get_metric_stats(level_streaming::core::profiler::ProfilingMetric::FrameTime);
    assert_eq!((stats.count, stats.lifetime_count), (300, 400));
    assert!(m.request_counts().failed.iter().sum::<u64>() > 0);

    let (dashboard, exported) = metrics_both_ways(m);
    assert_same_exposition(&dashboard, &exported);
    assert!(
        exported.contains("lsm_frame_time_milliseconds_count 400\n"),
        "{exported}"
    );
}

#[test]
fn the_metrics_endpoint_spells_infinity_plus_inf() {
    // Two levels in no budget and two frame times near f64::MAX: the
    // unbudgeted memory and the frame-time sum overflow to infinity.
    let mut m = world();
    for name in ["Giant1", "Giant2"] {
        let mut desc = LevelDesc::new(name);
        desc.estimated_memory_mb = 1e308;
        add_level_with_volume(&mut m, &desc, Vec3::new(0.0, 9000.0, 0.0), 200.0, 300.0);
    }
    let camera = StreamingSource::at(Vec3::new(0.0, 9000.0, 0.0));
    m.update(&[camera], 1.0 / 60.0).unwrap();
    m.profile_frame(1e308, 512.0, 1200, 800_000).unwrap();
    m.profile_frame(1e308, 512.0, 1200, 800_000).unwrap();
    assert_eq!(m.unbudgeted_memory_mb(), f64::INFINITY);
    let (dashboard, exported) = metrics_both_ways(m);
    for line in [
        "\nlsm_memory_unbudgeted_megabytes +Inf\n",
        "\nlsm_frame_time_milliseconds_sum +Inf\n",
    ] {
        assert!(dashboard.contains(line), "no {line:?} in\n{dashboard}");
    }
    assert!(
        dashboard.contains("\nlsm_frame_time_milliseconds_count 2\n"),
        "{dashboard}"
    );
    // Every value is a finite number or one of Prometheus's spellings.
    for line in dashboard.lines().filter(|l| !l.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap();
        let finite = value.parse::<f64>().is_ok_and(f64::is_finite);
        assert!(finite || ["+Inf", "-Inf", "NaN"].contains(&value), "{line}");
    }
    assert_same_exposition(&dashboard, &exported);
}
