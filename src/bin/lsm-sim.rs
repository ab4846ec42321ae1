//! `lsm-sim`: runs the Level Streaming Manager against a simulated host so
//! that anyone without Unreal can watch it work, and anyone with Unreal can
//! tune a world file offline.
//!
//! ```text
//! cargo run --release --bin lsm-sim -- --headless --frames 3000
//! cargo run --release --bin lsm-sim -- my_world.json --path random --trace run.json
//! ```
//!
//! The simulation itself lives in the library (`level_streaming::sim`);
//! this file is the command line, the real-time loop and the output.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use level_streaming::core::StreamingConfig;
use level_streaming::export::prometheus;
use level_streaming::sim::demo::demo_world;
use level_streaming::sim::host::HostConfig;
use level_streaming::sim::path::{PathFile, PathSpec};
use level_streaming::sim::record::{replay, Recording};
use level_streaming::sim::{SimConfig, Simulation};
use level_streaming::world::{parse_world, world_to_json, WorldFile};

/// Simulates a game streaming a world with the Level Streaming Manager.
#[derive(Parser, Debug)]
#[command(name = "lsm-sim", version)]
struct Args {
    /// World file (JSON, see docs/world-format.md); the built-in demo world
    /// when omitted.
    world: Option<PathBuf>,
    /// Run as fast as possible with a progress bar, print the summary, exit.
    #[arg(long)]
    headless: bool,
    /// Frames to simulate (headless default 3000; real time runs until
    /// Enter is pressed when not given).
    #[arg(long)]
    frames: Option<u64>,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Source path: `tour`, `random` (random walk with teleports), or a
    /// CSV/JSON path file.
    #[arg(long, default_value = "tour")]
    path: String,
    /// Sources on the tour or random walk (0 = one per authored source).
    #[arg(long, default_value_t = 0)]
    sources: usize,
    /// Speed of the first source in m/s.
    #[arg(long, default_value_t = 30.0)]
    speed: f64,
    /// Velocity look-ahead of every source in seconds (0 = none): levels
    /// ahead are requested this long before a source gets there.
    #[arg(long, default_value_t = 6.0)]
    look_ahead: f64,
    /// Random walk: teleports per source per minute.
    #[arg(long, default_value_t = 1.0)]
    teleports_per_minute: f64,
    /// Simulated disk bandwidth in MB/s.
    #[arg(long, default_value_t = 200.0)]
    bandwidth: f64,
    /// Simulated disk latency per load in ms.
    #[arg(long, default_value_t = 20.0)]
    latency_ms: f64,
    /// Fraction of loads that fail (0..1).
    #[arg(long, default_value_t = 0.01)]
    failure_rate: f64,
    /// Frames per second of game time.
    #[arg(long, default_value_t = 60.0)]
    fps: f64,
    /// The manager's cap on loads in flight (0 = unlimited).
    #[arg(long, default_value_t = 8)]
    max_loads_in_flight: u32,
    /// Record the session (sources, completions, metrics, decisions) to FILE.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Replay a recording, check that the decisions are identical, exit.
    #[arg(long, value_name = "FILE")]
    replay: Option<PathBuf>,
    /// Write a Chrome-trace/Perfetto JSON of the run to FILE.
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// Write the Prometheus metrics at the end of the run to FILE.
    #[arg(long, value_name = "FILE")]
    metrics: Option<PathBuf>,
    /// Write the summary as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    summary_json: Option<PathBuf>,
    /// Write the world (the demo world if no file is given) as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    save_world: Option<PathBuf>,
    /// Real time: seconds between status lines.
    #[arg(long, default_value_t = 1.0)]
    status_every: f64,
    /// Dashboard address (needs the `dashboard` feature).
    #[arg(long, default_value = "127.0.0.1")]
    dashboard_addr: String,
    /// Dashboard port (0 = any free port).
    #[arg(long, default_value_t = 8000)]
    dashboard_port: u16,
    /// Dashboard update rate in Hz.
    #[arg(long, default_value_t = 10.0)]
    dashboard_rate: f64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("lsm-sim: {message}");
            ExitCode::from(2)
        }
    }
}

fn read(path: &PathBuf) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &PathBuf, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(args: &Args) -> Result<ExitCode, String> {
    if let Some(path) = &args.replay {
        return run_replay(path);
    }
    let world: WorldFile = match &args.world {
        Some(path) => parse_world(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?,
        None => demo_world(),
    };
    if let Some(path) = &args.save_world {
        write(path, &world_to_json(&world))?;
        println!("world written to {}", path.display());
    }
    let config = sim_config(args)?;
    let mut sim = Simulation::new(&world, config)?;
    let frames = if args.headless {
        Some(args.frames.unwrap_or(3000))
    } else {
        args.frames
    };
    println!(
        "lsm-sim {}: {} ({} volumes, {} levels), {} source(s) on path `{}`, seed {}",
        level_streaming::VERSION,
        args.world
            .as_ref()
            .map_or("built-in demo world".to_string(), |p| p
                .display()
                .to_string()),
        sim.manager().volume_count(),
        sim.manager().level_count(),
        sim.sources().len(),
        args.path,
        args.seed
    );
    if args.headless {
        run_headless(&mut sim, frames.unwrap_or(3000));
    } else {
        run_realtime(&mut sim, frames, args)?;
    }

    let summary = sim.summary();
    println!("{summary}");
    if let Some(path) = &args.summary_json {
        let json = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
        write(path, &json)?;
    }
    if let Some(path) = &args.trace {
        write(path, &sim.trace_json().unwrap_or_default())?;
        println!(
            "trace written to {} (open in https://ui.perfetto.dev)",
            path.display()
        );
    }
    if let Some(path) = &args.metrics {
        write(path, &prometheus::render(sim.manager()))?;
        println!("metrics written to {}", path.display());
    }
    if let Some(path) = &args.record {
        let recording = sim.recording().expect("recording was enabled");
        write(path, &recording.to_json())?;
        println!(
            "recording written to {} ({} frames)",
            path.display(),
            recording.frames.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn sim_config(args: &Args) -> Result<SimConfig, String> {
    if !(args.fps.is_finite() && args.fps > 0.0) {
        return Err("--fps must be a number > 0".into());
    }
    if !(args.look_ahead.is_finite() && args.look_ahead >= 0.0) {
        return Err("--look-ahead must be a number >= 0".into());
    }
    let path = match args.path.as_str() {
        "tour" => PathSpec::Tour,
        "random" => PathSpec::RandomWalk {
            teleports_per_minute: args.teleports_per_minute,
        },
        file => {
            let text = read(&PathBuf::from(file))?;
            let parsed = if file.ends_with(".csv") {
                PathFile::from_csv(&text)
            } else {
                PathFile::from_json(&text)
            };
            PathSpec::Waypoints(parsed.map_err(|e| format!("{file}: {e}"))?)
        }
    };
    Ok(SimConfig {
        seed: args.seed,
        dt: 1.0 / args.fps,
        sources: args.sources,
        speed: args.speed,
        path,
        host: HostConfig {
            disk_bandwidth_mb_s: args.bandwidth,
            disk_latency_ms: args.latency_ms,
            failure_rate: args.failure_rate,
            ..HostConfig::default()
        },
        streaming: StreamingConfig {
            max_loads_in_flight: args.max_loads_in_flight,
            ..StreamingConfig::default()
        },
        // The dashboard serves the trace live, so keep one when it is built in.
        trace: args.trace.is_some() || cfg!(feature = "dashboard"),
        record: args.record.is_some(),
        look_ahead_seconds: args.look_ahead,
        ..SimConfig::default()
    })
}

fn run_headless(sim: &mut Simulation, frames: u64) {
    let bar = ProgressBar::new(frames);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} frames [{elapsed}<{eta}]  {msg}")
            .expect("valid template"),
    );
    for i in 0..frames {
        let report = sim.step();
        if i % 64 == 0 || i + 1 == frames {
            bar.set_position(i + 1);
            bar.set_message(format!(
                "active {} | loading {} | {:.0} MB | hitches {}",
                report.active_levels,
                report.loads_in_flight,
                report.memory_mb,
                sim.hitches()
            ));
        }
    }
    bar.finish_and_clear();
}

fn status_line(sim: &Simulation, report: &level_streaming::sim::FrameReport) -> String {
    let window = sim.frame_time_window();
    format!(
        "t={:>7.1}s frame {:>6} | active {:>3} loading {:>2} | {:>6.0} MB | frame p50 {:>5.2} p99 {:>5.2} ms | hitches {}{}",
        report.time,
        report.frame,
        report.active_levels,
        report.loads_in_flight,
        report.memory_mb,
        window.p50,
        window.p99,
        sim.hitches(),
        if report.sources_waiting > 0 {
            format!(" | {} source(s) behind a loading screen", report.sources_waiting)
        } else {
            String::new()
        }
    )
}

fn run_realtime(sim: &mut Simulation, frames: Option<u64>, args: &Args) -> Result<(), String> {
    #[cfg(feature = "dashboard")]
    let mut dashboard = dashboard::start(args)?;
    #[cfg(not(feature = "dashboard"))]
    println!(
        "dashboard: not in this build (the `dashboard` feature arrives with issue 5; \
         it would listen on {}:{} at {} Hz); printing status lines instead",
        args.dashboard_addr, args.dashboard_port, args.dashboard_rate
    );

    let stop = Arc::new(AtomicBool::new(false));
    if std::io::stdin().is_terminal() {
        println!("press Enter to stop and print the summary");
        let flag = Arc::clone(&stop);
        std::thread::Builder::new()
            .name("lsm-sim-stdin".into())
            .spawn(move || {
                let mut line = String::new();
                if std::io::stdin().lock().read_line(&mut line).unwrap_or(0) > 0 {
                    flag.store(true, Ordering::Relaxed);
                }
            })
            .map_err(|e| e.to_string())?;
    }

    let frame_duration = Duration::from_secs_f64(sim.config().dt);
    let mut deadline = Instant::now();
    let mut next_status = 0.0;
    while !stop.load(Ordering::Relaxed) && frames.is_none_or(|n| sim.frame() < n) {
        let report = sim.step();

        #[cfg(feature = "dashboard")]
        dashboard::pump(&mut dashboard, sim);

        if report.time >= next_status {
            println!("{}", status_line(sim, &report));
            let _ = std::io::stdout().flush();
            next_status = report.time + args.status_every.max(0.0);
        }
        deadline += frame_duration;
        let now = Instant::now();
        if deadline > now {
            std::thread::sleep(deadline - now);
        } else if now - deadline > Duration::from_millis(250) {
            // Too far behind (a stall): do not try to catch up in a burst.
            deadline = now;
        }
    }

    #[cfg(feature = "dashboard")]
    dashboard::stop(dashboard, sim);
    Ok(())
}

fn run_replay(path: &PathBuf) -> Result<ExitCode, String> {
    let recording = Recording::from_json(&read(path)?)?;
    let outcome = replay(&recording)?;
    match outcome.first_mismatch {
        None => {
            println!(
                "replayed {} frames of {}: every request and event is identical",
                outcome.frames,
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(frame) => {
            println!(
                "replay of {} DIFFERS from the recording at frame {} (0-based)",
                path.display(),
                frame
            );
            Ok(ExitCode::from(1))
        }
    }
}

// ==========================================================================
// Dashboard wiring (issue 5).
//
// The real-time loop above makes exactly three calls: `dashboard::start`
// once before the first frame, `dashboard::pump` once per frame right after
// `sim.step()`, and `dashboard::stop` after the last frame. Compiled only
// with the `dashboard` feature (on by default).
// ==========================================================================
#[cfg(feature = "dashboard")]
mod dashboard {
    use level_streaming::dashboard::{DashboardConfig, DashboardServer};
    use level_streaming::sim::Simulation;

    use super::Args;

    /// Starts the server and prints its URL (the session token is in it).
    pub fn start(args: &Args) -> Result<DashboardServer, String> {
        let bind_address = args
            .dashboard_addr
            .parse()
            .map_err(|e| format!("--dashboard-addr {}: {e}", args.dashboard_addr))?;
        let server = DashboardServer::start(DashboardConfig {
            bind_address,
            port: args.dashboard_port,
            update_rate_hz: args.dashboard_rate,
            ..DashboardConfig::default()
        })
        .map_err(|e| format!("dashboard: {e}"))?;
        println!("dashboard: {}", server.url());
        Ok(server)
    }

    /// Once per frame on the simulation thread: applies the dashboard's
    /// commands and publishes a snapshot when one is due.
    pub fn pump(server: &mut DashboardServer, sim: &mut Simulation) {
        server.pump(sim.manager_mut());
    }

    /// Stops the server and removes its event listener from the manager.
    pub fn stop(server: DashboardServer, sim: &mut Simulation) {
        server.shutdown(sim.manager_mut());
    }
}
