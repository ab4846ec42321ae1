//! Shared helpers of the dashboard tests: a game thread that owns the
//! manager and pumps the dashboard like `lsm_update` does, a raw HTTP
//! client, and a WebSocket client.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use level_streaming::core::*;
use level_streaming::dashboard::{DashboardConfig, DashboardServer};
use serde_json::Value;
use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket};

type Job = Box<dyn FnOnce(&mut StreamingManager) + Send>;

/// A small world: three levels with volumes along the x axis, a budget, a
/// loading screen, occlusion data and LOD settings.
pub fn world() -> StreamingManager {
    let mut m = StreamingManager::default();
    for (i, name) in ["Forest", "Castle", "Village"].iter().enumerate() {
        let mut desc = LevelDesc::new(*name);
        desc.estimated_memory_mb = 100.0 * (i + 1) as f64;
        add_level_with_volume(
            &mut m,
            &desc,
            Vec3::new(1000.0 * i as f64, 0.0, 0.0),
            200.0,
            300.0,
        );
    }
    m.create_memory_budget("World", 1000.0, Priority::High)
        .unwrap();
    m.allocate_level_to_budget("World", "Castle", 200.0)
        .unwrap();
    m.create_lod_settings("Forest").unwrap();
    m.create_occlusion_data(
        "Forest",
        level_streaming::core::occlusion::OcclusionType::Hierarchical,
    )
    .unwrap();
    m.create_loading_screen("Entering the castle", "Please wait", 10)
        .unwrap();
    m
}

/// Registers the level `desc` and a streaming volume `<name>_volume` for it
/// at `center` (see [`VolumeDesc::new`] for `radius` and `load_distance`).
pub fn add_level_with_volume(
    m: &mut StreamingManager,
    desc: &LevelDesc,
    center: Vec3,
    radius: f64,
    load_distance: f64,
) {
    m.register_level(desc).unwrap();
    m.create_streaming_volume(&VolumeDesc::new(
        format!("{}_volume", desc.name),
        &desc.name,
        center,
        radius,
        load_distance,
    ))
    .unwrap();
}

/// A game thread: owns the manager and the dashboard, runs a frame every
/// 5 ms (update, completes every request, records a frame, pumps), and runs
/// jobs sent to it between frames.
pub struct Game {
    jobs: Sender<Job>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    pub port: u16,
    pub token: String,
    pub url: String,
}

impl Game {
    pub fn start(config: DashboardConfig) -> Game {
        Game::start_with(world(), config)
    }

    pub fn start_with(mut manager: StreamingManager, config: DashboardConfig) -> Game {
        let server = DashboardServer::start(config).expect("dashboard starts");
        let (port, token, url) = (server.port(), server.token().to_string(), server.url());
        let (jobs, rx) = channel::<Job>();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut server = Some(server);
            let mut frame = 0u64;
            let mut requests = Vec::new();
            while !stop2.load(Ordering::Relaxed) {
                frame += 1;
                let x = (frame as f64 * 3.0) % 2500.0;
                let camera = StreamingSource {
                    velocity: Vec3::new(180.0, 0.0, 0.0),
                    ..StreamingSource::at(Vec3::new(x, 0.0, 0.0))
                };
                manager.update(&[camera], 1.0 / 60.0).unwrap();
                requests.clear();
                manager.take_requests(64, &mut requests);
                for r in &requests {
                    let _ = manager.complete_request(r.id, true);
                }
                let ft = if frame % 50 == 0 {
                    40.0
                } else {
                    10.0 + (frame % 7) as f64
                };
                manager.profile_frame(ft, 512.0, 1200, 800_000).unwrap();
                let _ = manager.update_occlusion("Forest", 40, 60);
                while let Ok(job) = rx.try_recv() {
                    job(&mut manager);
                }
                if let Some(s) = server.as_mut() {
                    s.pump(&mut manager);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            if let Some(s) = server.take() {
                s.shutdown(&mut manager);
            }
        });
        Game {
            jobs,
            stop,
            thread: Some(thread),
            port,
            token,
            url,
        }
    }

    /// Runs `f` on the game thread between two frames and returns its result.
    pub fn with<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut StreamingManager) -> R + Send + 'static,
    ) -> R {
        let (tx, rx) = channel();
        self.jobs
            .send(Box::new(move |m| {
                let _ = tx.send(f(m));
            }))
            .expect("game thread alive");
        rx.recv_timeout(Duration::from_secs(10))
            .expect("game thread answered")
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops the game thread, which shuts the dashboard down.
    pub fn stop(mut self) {
        self.stop_inner();
    }

    fn stop_inner(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().expect("game thread did not panic");
        }
    }
}

impl Drop for Game {
    fn drop(&mut self) {
        self.stop_inner();
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// Sends raw bytes and reads the whole response (the server closes).
pub fn raw(port: u16, request: &[u8]) -> Response {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request).unwrap();
    read_response(&mut s)
}

pub fn read_response(s: &mut TcpStream) -> Response {
    let mut data = Vec::new();
    let _ = s.read_to_end(&mut data);
    parse_response(&data)
}

pub fn parse_response(data: &[u8]) -> Response {
    let end = data
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete response: {:?}", String::from_utf8_lossy(data)));
    let head = String::from_utf8_lossy(&data[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: data[end + 4..].to_vec(),
    }
}

/// GET `path` with a correct Host header.
pub fn get(port: u16, path: &str) -> Response {
    raw(
        port,
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes(),
    )
}

/// POST a JSON command with the given token header (if any).
pub fn post_command(port: u16, token: Option<&str>, body: &str) -> Response {
    let token = token.map_or(String::new(), |t| format!("X-LSM-Token: {t}\r\n"));
    raw(
        port,
        format!(
            "POST /api/command HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{token}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
}

pub type Ws = WebSocket<TcpStream>;

/// Opens the WebSocket with the given origin and token; Err carries the
/// HTTP status of a refusal.
pub fn ws_connect(port: u16, origin: Option<&str>, token: Option<&str>) -> Result<Ws, u16> {
    let url = match token {
        Some(t) => format!("ws://127.0.0.1:{port}/ws?token={t}"),
        None => format!("ws://127.0.0.1:{port}/ws"),
    };
    let mut request = url.into_client_request().unwrap();
    if let Some(o) = origin {
        request.headers_mut().insert("Origin", o.parse().unwrap());
    }
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    match tungstenite::client(request, stream) {
        Ok((ws, _)) => Ok(ws),
        Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(resp))) => {
            Err(resp.status().as_u16())
        }
        Err(e) => panic!("handshake failed oddly: {e}"),
    }
}

/// The next JSON text message.
pub fn next_json(ws: &mut Ws) -> Value {
    loop {
        match ws.read().expect("message") {
            Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            Message::Close(f) => panic!("closed: {f:?}"),
            _ => {}
        }
    }
}

/// Reads JSON messages until one for which `wanted` is true arrives, and
/// returns it; panics with `missing` if none has after 10 s.
pub fn next_where(ws: &mut Ws, wanted: impl Fn(&Value) -> bool, missing: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let v = next_json(ws);
        if wanted(&v) {
            return v;
        }
    }
    panic!("{missing}");
}

/// Reads messages until one of `type` arrives (within 10 s).
pub fn next_of_type(ws: &mut Ws, kind: &str) -> Value {
    next_where(
        ws,
        |v| v["type"] == kind,
        &format!("no {kind} message within 10 s"),
    )
}

/// Sends a command and waits for its result.
pub fn ws_command(ws: &mut Ws, id: u64, name: &str, args: Value) -> Value {
    let msg = serde_json::json!({"type": "command", "id": id, "name": name, "args": args});
    ws.send(Message::Text(msg.to_string().into())).unwrap();
    next_where(
        ws,
        |v| v["type"] == "result" && v["id"] == id,
        &format!("no result for command {id} ({name})"),
    )
}

/// Calls `attempt` until it returns `Some`, and returns that, sleeping
/// `pause` between tries; panics with `what` if it still returns `None`
/// after `timeout`.
pub fn wait_for<T>(
    timeout: Duration,
    pause: Duration,
    what: &str,
    mut attempt: impl FnMut() -> Option<T>,
) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = attempt() {
            return found;
        }
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(pause);
    }
}

/// Calls `done` until it returns true, sleeping `pause` between tries;
/// panics with `what` if it is still false after `timeout`.
pub fn wait_until(timeout: Duration, pause: Duration, what: &str, mut done: impl FnMut() -> bool) {
    wait_for(timeout, pause, what, || done().then_some(()));
}

/// Runs `request` on another thread and calls `pump` (which serves it),
/// sleeping `pause` after each call, until it has finished; returns what it
/// returned.
pub fn pump_while<T: Send>(
    request: impl FnOnce() -> T + Send,
    pause: Duration,
    mut pump: impl FnMut(),
) -> T {
    std::thread::scope(|scope| {
        let request = scope.spawn(request);
        while !request.is_finished() {
            pump();
            std::thread::sleep(pause);
        }
        request.join().unwrap()
    })
}

/// A config on a free port.
pub fn config() -> DashboardConfig {
    DashboardConfig {
        port: 0,
        update_rate_hz: 20.0,
        ..DashboardConfig::default()
    }
}
