//! The `lsm-sim` binary end to end: a headless run writes its files, a
//! recording replays, a bad world file is refused with its position.
#![cfg(feature = "sim")]

use std::process::Command;

fn sim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lsm-sim"))
}

#[test]
fn headless_run_writes_summary_trace_metrics_and_a_replayable_recording() {
    let dir = std::env::temp_dir().join(format!("lsm-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let out = sim()
        .args([
            "--headless",
            "--frames",
            "300",
            "--path",
            "random",
            "--seed",
            "3",
        ])
        .args([
            "--trace",
            &file("trace.json"),
            "--metrics",
            &file("metrics.txt"),
        ])
        .args([
            "--record",
            &file("rec.json"),
            "--summary-json",
            &file("summary.json"),
        ])
        .args(["--save-world", &file("world.json")])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("simulated 300 frames"), "{stdout}");
    assert!(stdout.contains("hitches"), "{stdout}");
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file("trace.json")).unwrap()).unwrap();
    assert!(trace["traceEvents"].as_array().unwrap().len() > 10);
    assert!(std::fs::read_to_string(file("metrics.txt"))
        .unwrap()
        .contains("lsm_levels{state=\"ACTIVE\"}"));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["frames"], 300);

    let out = sim()
        .args(["--replay", &file("rec.json")])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("identical"), "{stdout}");

    // The saved demo world runs as a world file too.
    let out = sim()
        .args([&file("world.json"), "--headless", "--frames", "10"])
        .output()
        .unwrap();
    assert!(out.status.success());

    // A bad world file: exit code 2 and the position in the message.
    std::fs::write(file("bad.json"), "{\"format\": \"level_streaming.world\",\n \"version\": 1,\n \"levels\": [ {\"name\": 3} ]}").unwrap();
    let out = sim()
        .args([&file("bad.json"), "--headless"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 3, column"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
