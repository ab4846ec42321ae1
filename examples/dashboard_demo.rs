//! A simulated world with the live dashboard: a camera drives through a
//! 5 × 5 grid of levels while the host "loads" what is requested with a
//! delay, records frames (with the odd hitch) and occlusion figures.
//!
//! ```sh
//! cargo run --example dashboard_demo            # runs until Ctrl-C
//! cargo run --example dashboard_demo -- 30 0    # 30 seconds, any free port
//! ```
//! then open the printed URL.

use std::time::{Duration, Instant};

use level_streaming::core::occlusion::OcclusionType;
use level_streaming::core::*;
use level_streaming::dashboard::{DashboardConfig, DashboardServer};

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: f64 = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::INFINITY);
    let port: u16 = args.next().and_then(|s| s.parse().ok()).unwrap_or(8000);

    let mut m = StreamingManager::default();
    m.create_memory_budget("World", 2400.0, Priority::High)
        .unwrap();
    m.create_memory_budget("Interiors", 600.0, Priority::Normal)
        .unwrap();
    for gx in 0..5 {
        for gy in 0..5 {
            let name = format!("Cell_{gx}_{gy}");
            let mut desc = LevelDesc::new(name.as_str());
            desc.estimated_memory_mb = 150.0 + 40.0 * ((gx * 7 + gy * 3) % 5) as f64;
            desc.priority = if gx == 2 && gy == 2 {
                Priority::Critical
            } else {
                Priority::Normal
            };
            m.register_level(&desc).unwrap();
            let mut v = VolumeDesc::new(
                format!("{name}_vol"),
                name.as_str(),
                Vec3::new(gx as f64 * 4000.0, gy as f64 * 4000.0, 0.0),
                1500.0,
                2500.0,
            );
            v.priority = desc.priority;
            m.create_streaming_volume(&v).unwrap();
            let budget = if (gx + gy) % 4 == 0 {
                "Interiors"
            } else {
                "World"
            };
            m.allocate_level_to_budget(budget, &name, desc.estimated_memory_mb)
                .unwrap();
            if (gx + gy) % 2 == 0 {
                m.create_lod_settings(&name).unwrap();
            }
            if gy == 2 {
                m.create_occlusion_data(&name, OcclusionType::Hierarchical)
                    .unwrap();
            }
        }
    }
    let screen = m
        .create_loading_screen_for_levels(
            "Fast travel",
            "Loading the castle district",
            &["Cell_4_4", "Cell_3_4"],
        )
        .unwrap();
    m.add_loading_tip(screen, "Hold shift to sprint").unwrap();

    let dashboard = DashboardServer::start(DashboardConfig {
        port,
        ..DashboardConfig::default()
    })
    .expect("dashboard starts");
    println!("dashboard: {}", dashboard.url());
    let mut dashboard = Some(dashboard);

    let start = Instant::now();
    let mut frame: u64 = 0;
    let mut in_flight: Vec<(RequestId, u64)> = Vec::new();
    let mut requests = Vec::new();
    let dt = 1.0 / 60.0;
    while start.elapsed().as_secs_f64() < seconds {
        frame += 1;
        let t = frame as f64 * dt;
        // A camera on a slow loop around the world.
        let (cx, cy) = (
            8000.0 + 7000.0 * (t * 0.05).cos(),
            8000.0 + 7000.0 * (t * 0.07).sin(),
        );
        let (vx, vy) = (-350.0 * (t * 0.05).sin(), 490.0 * (t * 0.07).cos());
        let camera = StreamingSource {
            position: Vec3::new(cx, cy, 0.0),
            velocity: Vec3::new(vx, vy, 0.0),
            priority: Priority::High,
            look_ahead_seconds: 0.0,
        };
        m.update(&[camera], dt).unwrap();
        requests.clear();
        m.take_requests(64, &mut requests);
        for r in &requests {
            // Loads take ~0.5 s, the rest a frame or two.
            let frames = if r.kind == RequestKind::Load { 30 } else { 2 };
            in_flight.push((r.id, frame + frames));
        }
        in_flight.retain(|&(id, due)| {
            if due <= frame {
                let _ = m.complete_request(id, frame % 97 != 0);
                false
            } else {
                true
            }
        });
        let hitch = if frame % 240 == 0 { 45.0 } else { 0.0 };
        let ft = 11.0 + 3.0 * (t * 1.3).sin().abs() + hitch;
        let draws = 1500 + (t.sin() * 300.0) as u32;
        m.profile_frame(ft, 2000.0, draws, 1_500_000 + u64::from(draws) * 800)
            .unwrap();
        for gx in 0..5 {
            let name = format!("Cell_{gx}_2");
            let occluded = 200 + ((t * 0.3 + gx as f64).sin() * 150.0) as u32;
            let _ = m.update_occlusion(&name, 400, occluded);
        }
        if frame == 600 {
            let _ = m.show_loading_screen(screen);
        }
        while m.poll_event().is_some() {}
        if let Some(d) = dashboard.as_mut() {
            d.pump(&mut m);
        }
        std::thread::sleep(Duration::from_secs_f64(dt));
    }
    if let Some(d) = dashboard.take() {
        d.shutdown(&mut m);
    }
}
