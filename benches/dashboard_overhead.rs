//! What the dashboard costs the game thread. The same world runs through
//! the C ABI twice: once without a dashboard, once with one serving 32
//! WebSocket clients that receive every update. Two measurements:
//!
//! 1. criterion: mean cost of `lsm_update` and `lsm_record_frame` per call,
//!    frames back to back;
//! 2. frame-paced percentiles, the figure the issue asks for: both worlds
//!    run a real frame cadence, 60 Hz each, their frames interleaved (one
//!    without, one with, ...) so that both see the same machine noise, with
//!    the dashboard at its default 10 Hz; prints p50/p99 and the
//!    with/without ratios (the goal: p99 within 10%). Each call is timed
//!    alone, after a sleep, so caches are as cold as in a game frame.
//!
//! Run: `cargo bench --bench dashboard_overhead`

use std::ffi::CString;
use std::hint::black_box;
use std::net::TcpStream;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use level_streaming::ffi::dashboard::*;
use level_streaming::ffi::levels::lsm_register_level;
use level_streaming::ffi::lifecycle::{lsm_manager_create, lsm_manager_destroy};
use level_streaming::ffi::lod::lsm_create_lod_settings;
use level_streaming::ffi::memory::{lsm_allocate_level_to_budget, lsm_create_memory_budget};
use level_streaming::ffi::occlusion::{lsm_create_occlusion_data, lsm_update_occlusion};
use level_streaming::ffi::profiler::lsm_record_frame;
use level_streaming::ffi::streaming::{lsm_complete_request, lsm_take_requests, lsm_update};
use level_streaming::ffi::volumes::lsm_create_streaming_volume;
use level_streaming::ffi::*;
use tungstenite::client::IntoClientRequest;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

/// 16 × 16 = 256 levels and volumes.
const GRID: usize = 16;
const CLIENTS: usize = 32;

fn ok(status: LsmStatus) {
    assert_eq!(status, LsmStatus::Ok);
}

/// A grid of levels with volumes, two budgets, LOD settings on half the
/// levels and occlusion data on one row; the host completes loads 20
/// frames after they are issued.
struct World {
    m: *mut LsmManager,
    names: Vec<CString>,
    frame: u64,
    requests: Vec<LsmRequest>,
    in_flight: Vec<(u64, u64)>,
}

fn no_request() -> LsmRequest {
    LsmRequest {
        id: 0,
        kind: LsmRequestKind::Load,
        level_id: 0,
        priority: LsmPriority::Normal,
        distance: 0.0,
        lod: LsmLodLevel::Ultra,
    }
}

impl World {
    fn new() -> World {
        let m = lsm_manager_create(ptr::null());
        assert!(!m.is_null());
        ok(lsm_create_memory_budget(
            m,
            c"World".as_ptr(),
            20_000.0,
            2,
            ptr::null_mut(),
        ));
        ok(lsm_create_memory_budget(
            m,
            c"Interiors".as_ptr(),
            4_000.0,
            3,
            ptr::null_mut(),
        ));
        let mut names = Vec::new();
        for gx in 0..GRID {
            for gy in 0..GRID {
                let name = CString::new(format!("Cell_{gx}_{gy}")).unwrap();
                let volume = CString::new(format!("Cell_{gx}_{gy}_vol")).unwrap();
                let desc = LsmLevelDesc {
                    name: name.as_ptr(),
                    estimated_memory_mb: 100.0,
                    priority: 3,
                };
                ok(lsm_register_level(m, &desc, ptr::null_mut()));
                let v = LsmVolumeDesc {
                    name: volume.as_ptr(),
                    level_name: name.as_ptr(),
                    center: LsmVec3 {
                        x: gx as f64 * 4000.0,
                        y: gy as f64 * 4000.0,
                        z: 0.0,
                    },
                    radius: 1500.0,
                    load_distance: 2500.0,
                    unload_distance: 0.0,
                    priority: 3,
                    enabled: true,
                };
                ok(lsm_create_streaming_volume(m, &v, ptr::null_mut()));
                let budget = if (gx + gy) % 4 == 0 {
                    c"Interiors"
                } else {
                    c"World"
                };
                ok(lsm_allocate_level_to_budget(
                    m,
                    budget.as_ptr(),
                    name.as_ptr(),
                    100.0,
                ));
                if (gx + gy) % 2 == 0 {
                    ok(lsm_create_lod_settings(m, name.as_ptr()));
                }
                if gy == GRID / 2 {
                    ok(lsm_create_occlusion_data(m, name.as_ptr(), 1));
                }
                names.push(name);
            }
        }
        World {
            m,
            names,
            frame: 0,
            requests: vec![no_request(); 256],
            in_flight: Vec::new(),
        }
    }

    fn sources(&self) -> [LsmStreamingSource; 2] {
        let t = self.frame as f64 / 60.0;
        let span = (GRID as f64 - 1.0) * 4000.0;
        let a = LsmVec3 {
            x: span * 0.5 + span * 0.4 * (t * 0.05).cos(),
            y: span * 0.5 + span * 0.4 * (t * 0.07).sin(),
            z: 0.0,
        };
        let b = LsmVec3 {
            x: span * (0.3 + 0.2 * (t * 0.11).sin()),
            y: span * 0.2,
            z: 0.0,
        };
        [
            LsmStreamingSource {
                position: a,
                velocity: LsmVec3 {
                    x: 300.0,
                    y: 200.0,
                    z: 0.0,
                },
                priority: 2,
                look_ahead_seconds: 0.0,
            },
            LsmStreamingSource {
                position: b,
                velocity: LsmVec3 {
                    x: 0.0,
                    y: 150.0,
                    z: 0.0,
                },
                priority: 3,
                look_ahead_seconds: 0.0,
            },
        ]
    }

    /// One frame; returns the nanoseconds of `lsm_update` and `lsm_record_frame`.
    fn frame(&mut self) -> (u64, u64) {
        self.frame += 1;
        let sources = self.sources();
        let t0 = Instant::now();
        let s = lsm_update(self.m, sources.as_ptr(), sources.len(), 1.0 / 60.0);
        let update = t0.elapsed().as_nanos() as u64;
        ok(s);
        // The host's part of the frame (not timed).
        let mut n = 0usize;
        ok(lsm_take_requests(
            self.m,
            self.requests.as_mut_ptr(),
            self.requests.len(),
            &mut n,
        ));
        for r in &self.requests[..n] {
            let delay = if r.kind == LsmRequestKind::Load {
                20
            } else {
                2
            };
            self.in_flight.push((r.id, self.frame + delay));
        }
        let (frame, m) = (self.frame, self.m);
        self.in_flight.retain(|&(id, due)| {
            if due <= frame {
                ok(lsm_complete_request(m, id, true));
                false
            } else {
                true
            }
        });
        for (i, name) in self.names.iter().enumerate().skip(GRID / 2).step_by(GRID) {
            let occluded = 200 + (frame as u32 + i as u32) % 100;
            let _ = lsm_update_occlusion(self.m, name.as_ptr(), 300, occluded, ptr::null_mut());
        }
        let ft = 12.0 + (frame % 7) as f64 + if frame % 300 == 0 { 30.0 } else { 0.0 };
        let t1 = Instant::now();
        let s = lsm_record_frame(self.m, ft, 4000.0, 1800, 2_000_000);
        let record = t1.elapsed().as_nanos() as u64;
        ok(s);
        (update, record)
    }
}

impl Drop for World {
    fn drop(&mut self) {
        lsm_manager_destroy(self.m);
    }
}

/// 32 WebSocket clients, all read by one thread over non-blocking sockets
/// (so the clients' own CPU use stays small on a 2-core machine).
struct Clients {
    stop: Arc<AtomicBool>,
    received: Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Clients {
    fn connect(port: u16, token: &str) -> Clients {
        let mut sockets: Vec<WebSocket<TcpStream>> = (0..CLIENTS)
            .map(|_| {
                let mut request = format!("ws://127.0.0.1:{port}/ws?token={token}")
                    .into_client_request()
                    .unwrap();
                let origin = format!("http://127.0.0.1:{port}");
                request
                    .headers_mut()
                    .insert("Origin", origin.parse().unwrap());
                let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                // tungstenite zero-fills its read buffer before each read: keep
                // it small, or 32 polled clients flood the memory bus.
                let config = WebSocketConfig::default().read_buffer_size(4096);
                let (ws, _) =
                    tungstenite::client::client_with_config(request, stream, Some(config))
                        .expect("client connects");
                ws.get_ref().set_nonblocking(true).unwrap();
                ws
            })
            .collect();
        let stop = Arc::new(AtomicBool::new(false));
        let received = Arc::new(AtomicU64::new(0));
        let (stop2, received2) = (Arc::clone(&stop), Arc::clone(&received));
        let thread = std::thread::spawn(move || {
            while !stop2.load(Ordering::Relaxed) {
                for ws in &mut sockets {
                    while let Ok(message) = ws.read() {
                        if let Message::Text(t) = message {
                            if t.as_str().starts_with("{\"type\":\"update\"") {
                                received2.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        Clients {
            stop,
            received,
            thread: Some(thread),
        }
    }
}

impl Drop for Clients {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn start_dashboard(w: &World, rate_hz: f64) -> (u16, String) {
    let mut config = std::mem::MaybeUninit::<LsmDashboardConfig>::uninit();
    ok(lsm_dashboard_config_default(config.as_mut_ptr()));
    // SAFETY: initialised by the call above.
    let mut config = unsafe { config.assume_init() };
    config.port = 0;
    config.update_rate_hz = rate_hz;
    config.max_clients = CLIENTS as u32;
    ok(lsm_dashboard_start(w.m, &config));
    let mut port = 0u16;
    ok(lsm_dashboard_port(w.m, &mut port));
    let mut buf = [0 as std::ffi::c_char; 65];
    ok(lsm_dashboard_token(
        w.m,
        buf.as_mut_ptr(),
        buf.len(),
        ptr::null_mut(),
    ));
    // SAFETY: NUL-terminated by the call.
    let token = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
    (port, token.to_str().unwrap().to_string())
}

struct Summary {
    p50: f64,
    p99: f64,
    mean: f64,
}

/// Nearest-rank percentiles, in microseconds.
fn summarize(mut v: Vec<u64>) -> Summary {
    v.sort_unstable();
    let at = |p: f64| {
        let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
        v[rank.min(v.len()) - 1] as f64 / 1000.0
    };
    Summary {
        p50: at(50.0),
        p99: at(99.0),
        mean: v.iter().sum::<u64>() as f64 / v.len() as f64 / 1000.0,
    }
}

fn bench(c: &mut Criterion) {
    let mut plain = World::new();
    let mut watched = World::new();
    // Warm both worlds up (streaming settles, buffers grow).
    for _ in 0..600 {
        plain.frame();
        watched.frame();
    }

    // --- criterion: back-to-back frames, 10 Hz updates ---------------------
    let (port, token) = start_dashboard(&watched, 10.0);
    let clients = Clients::connect(port, &token);
    for (name, pick) in [("lsm_update", 0), ("lsm_record_frame", 1)] {
        let mut group = c.benchmark_group(name);
        group
            .sample_size(30)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        let nanos = |(u, r): (u64, u64)| Duration::from_nanos(if pick == 0 { u } else { r });
        group.bench_function("without_dashboard", |b| {
            b.iter_custom(|iters| (0..iters).map(|_| nanos(plain.frame())).sum())
        });
        group.bench_function("with_dashboard_32_clients", |b| {
            b.iter_custom(|iters| (0..iters).map(|_| nanos(watched.frame())).sum())
        });
        group.finish();
    }
    drop(clients);
    ok(lsm_dashboard_stop(watched.m));

    // --- frame-paced percentiles ----------------------------------------------
    const WORLD_HZ: f64 = 60.0;
    const UPDATE_HZ: f64 = 10.0;
    const FRAMES: usize = 2400;
    let (port, token) = start_dashboard(&watched, UPDATE_HZ);
    let clients = Clients::connect(port, &token);
    std::thread::sleep(Duration::from_millis(300));
    let received_before = clients.received.load(Ordering::Relaxed);
    // Two worlds at 60 Hz each: a frame of one or the other every 1/120 s.
    let period = Duration::from_secs_f64(1.0 / (2.0 * WORLD_HZ));
    let (mut upd_a, mut rec_a) = (Vec::new(), Vec::new());
    let (mut upd_b, mut rec_b) = (Vec::new(), Vec::new());
    let mut next = Instant::now();
    let started = Instant::now();
    for i in 0..2 * FRAMES {
        next += period;
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        } else {
            next = now;
        }
        // Alternate which world goes first in each pair.
        let with = (i % 2 == 1) != ((i / 2) % 2 == 1);
        if with {
            let (u, r) = watched.frame();
            upd_b.push(u);
            rec_b.push(r);
        } else {
            let (u, r) = plain.frame();
            upd_a.push(u);
            rec_a.push(r);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let updates = clients.received.load(Ordering::Relaxed) - received_before;
    drop(clients);
    ok(lsm_dashboard_stop(watched.m));

    let (ua, ub) = (summarize(upd_a), summarize(upd_b));
    let (ra, rb) = (summarize(rec_a), summarize(rec_b));
    println!();
    println!(
        "dashboard overhead on the game thread ({GRID}x{GRID} levels and volumes, 2 sources):"
    );
    println!(
        "two worlds at {WORLD_HZ} Hz each, frames interleaved; dashboard at {UPDATE_HZ} Hz with \
         {CLIENTS} WebSocket clients ({:.1} updates/s per client received); {FRAMES} frames each",
        updates as f64 / CLIENTS as f64 / seconds,
    );
    println!(
        "{:<18} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "call (µs)",
        "p50 w/o",
        "p50 with",
        "mean w/o",
        "mean with",
        "p99 w/o",
        "p99 with",
        "p99 ratio"
    );
    for (name, a, b) in [("lsm_update", &ua, &ub), ("lsm_record_frame", &ra, &rb)] {
        let ratio = b.p99 / a.p99;
        println!(
            "{name:<18} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.3}{}",
            a.p50,
            b.p50,
            a.mean,
            b.mean,
            a.p99,
            b.p99,
            ratio,
            if ratio <= 1.10 {
                "  within 10%"
            } else {
                "  OVER 10%"
            }
        );
    }
    black_box((&plain, &watched));
}

criterion_group!(benches, bench);
criterion_main!(benches);
