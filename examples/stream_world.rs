//! Streams a small world through the C ABI — the same `lsm_*` calls a C or
//! Unreal host makes — and prints what happens: a camera flies over a row of
//! districts, the example plays the host (completing each request a few
//! frames later, failing one load once), and prints requests and events.
//!
//! Run: `cargo run --example stream_world`

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use level_streaming::ffi::events::lsm_poll_events;
use level_streaming::ffi::levels::{lsm_level_name, lsm_register_level};
use level_streaming::ffi::lifecycle::{
    lsm_config_default, lsm_last_error_message, lsm_manager_create, lsm_manager_destroy,
    lsm_version,
};
use level_streaming::ffi::streaming::{lsm_complete_request, lsm_take_requests, lsm_update};
use level_streaming::ffi::volumes::lsm_create_streaming_volume;
use level_streaming::ffi::*;

fn check(status: LsmStatus) {
    if status != LsmStatus::Ok {
        let mut buf = [0 as c_char; 256];
        lsm_last_error_message(buf.as_mut_ptr(), buf.len());
        // SAFETY: lsm_last_error_message NUL-terminates within the buffer.
        let msg = unsafe { CStr::from_ptr(buf.as_ptr()) };
        panic!("{status:?}: {}", msg.to_string_lossy());
    }
}

fn level_name(m: *mut LsmManager, id: u32) -> String {
    let mut buf = [0 as c_char; 128];
    check(lsm_level_name(
        m,
        id,
        buf.as_mut_ptr(),
        buf.len(),
        ptr::null_mut(),
    ));
    // SAFETY: NUL-terminated by lsm_level_name on success.
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

fn main() {
    // SAFETY: static NUL-terminated string.
    let version = unsafe { CStr::from_ptr(lsm_version()) };
    println!(
        "Level Streaming Manager {} — streaming a small world through the C ABI\n",
        version.to_string_lossy()
    );

    let mut config = LsmConfig::default();
    check(lsm_config_default(&mut config));
    config.max_loads_in_flight = 2;
    config.retry_backoff_seconds = 0.25;
    let m = lsm_manager_create(&config);
    assert!(!m.is_null());

    let districts = [
        ("Forest_Hub", 0.0, LsmPriority::Critical, 512.0),
        ("Desert_Zone", 1000.0, LsmPriority::Normal, 256.0),
        ("Mountain_Pass", 2000.0, LsmPriority::High, 384.0),
        ("Cavern", 3000.0, LsmPriority::Low, 128.0),
        ("Coast", 4000.0, LsmPriority::Background, 200.0),
    ];
    for (name, x, priority, mb) in districts {
        let level = CString::new(name).unwrap();
        let volume = CString::new(format!("{name}_volume")).unwrap();
        check(lsm_register_level(
            m,
            &LsmLevelDesc {
                name: level.as_ptr(),
                estimated_memory_mb: mb,
                priority: priority as u32,
            },
            ptr::null_mut(),
        ));
        let desc = LsmVolumeDesc {
            name: volume.as_ptr(),
            level_name: level.as_ptr(),
            center: LsmVec3 { x, y: 0.0, z: 0.0 },
            radius: 300.0,
            load_distance: 300.0,
            unload_distance: 0.0, // default: load * 1.25
            priority: priority as u32,
            enabled: true,
        };
        check(lsm_create_streaming_volume(m, &desc, ptr::null_mut()));
        println!("volume {name:<14} at x={x:>6} r=300 load=300 unload=375 ({priority:?})");
    }
    println!();

    // The host's in-flight work: (request, frames left, will fail).
    let mut in_flight: Vec<(LsmRequest, u32, bool)> = Vec::new();
    let mut failed_once = false;
    let dt = 1.0 / 30.0;
    for frame in 0..=300u32 {
        // The camera flies from x = -500 to x = 5500 over 10 seconds.
        let x = -500.0 + 20.0 * frame as f64;
        let camera = LsmStreamingSource {
            position: LsmVec3 {
                x,
                y: 0.0,
                z: 100.0,
            },
            velocity: LsmVec3 {
                x: 600.0,
                y: 0.0,
                z: 0.0,
            },
            priority: LsmPriority::Normal as u32,
            look_ahead_seconds: 0.0,
        };
        check(lsm_update(m, &camera, 1, dt));

        let mut requests = [LsmRequest::default(); 16];
        let mut n = 0usize;
        check(lsm_take_requests(
            m,
            requests.as_mut_ptr(),
            requests.len(),
            &mut n,
        ));
        for r in &requests[..n] {
            let fail = r.kind == LsmRequestKind::Load
                && !failed_once
                && level_name(m, r.level_id) == "Cavern";
            failed_once |= fail;
            println!(
                "frame {frame:>3} x={x:>6.0}  request #{:<3} {:<12} {:<14} (priority {:?}, gap {:.0})",
                r.id,
                format!("{:?}", r.kind),
                level_name(m, r.level_id),
                r.priority,
                r.distance
            );
            // Loads take 5 frames, visibility changes 1, unloads 2.
            let frames = match r.kind {
                LsmRequestKind::Load => 5,
                LsmRequestKind::Unload => 2,
                _ => 1,
            };
            in_flight.push((*r, frames, fail));
        }
        in_flight.retain_mut(|(r, left, fail)| {
            *left -= 1;
            if *left == 0 {
                check(lsm_complete_request(m, r.id, !*fail));
                false
            } else {
                true
            }
        });

        let mut events = [LsmEvent::default(); 32];
        check(lsm_poll_events(
            m,
            events.as_mut_ptr(),
            events.len(),
            &mut n,
        ));
        for e in &events[..n] {
            match e.kind {
                LsmEventKind::LevelStateChanged => println!(
                    "                      event: {:<14} {:?} -> {:?}",
                    level_name(m, e.level_id),
                    e.old_state,
                    e.new_state
                ),
                LsmEventKind::LoadFailed => println!(
                    "                      event: {:<14} LOAD FAILED (attempt {}, will retry: {})",
                    level_name(m, e.level_id),
                    e.attempts,
                    e.will_retry
                ),
                LsmEventKind::StreamingComplete => {
                    println!("                      event: streaming complete")
                }
                other => println!("                      event: {other:?}"),
            }
        }
    }
    lsm_manager_destroy(m);
    println!(
        "\ndone: the camera crossed 5 districts; each streamed in ahead of it and out behind it."
    );
}
