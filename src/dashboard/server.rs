//! The dashboard thread: one loop over non-blocking sockets serving HTTP and
//! WebSocket clients, fed by the game thread through bounded channels.

use std::collections::{HashMap, VecDeque};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tungstenite::{Message, WebSocket};

use crate::core::Event;

use super::command::{Command, CommandError};
use super::http::{self, Head, HostPolicy, Parsed};
use super::snapshot::Snapshot;
use super::state::{ServerCounters, State, PARTS};
use super::{
    CommandResult, DashboardConfig, Envelope, Shared, MAX_MESSAGE, MAX_REQUEST_HEAD,
    PROTOCOL_VERSION,
};

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");
const FAVICON_SVG: &str = include_str!("assets/favicon.svg");

/// Sleep between loop turns when nothing happened and clients are connected.
const BUSY_SLEEP: Duration = Duration::from_millis(3);
/// Sleep between loop turns when nobody is connected.
const IDLE_SLEEP: Duration = Duration::from_millis(10);
/// Ping interval for WebSocket clients.
const PING_INTERVAL: Duration = Duration::from_secs(10);
/// A WebSocket client that completes no message for this long is closed.
const WS_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long an API request waits for the game thread (a fresh snapshot or a
/// command result) before it is answered without one.
const SNAPSHOT_WAIT: Duration = Duration::from_millis(500);
const RESULT_WAIT: Duration = Duration::from_secs(3);
/// A snapshot older than this is refreshed before an API request is served.
const FRESH: Duration = Duration::from_millis(250);
/// Keep snapshots coming this long after the last API request.
const API_INTEREST: Duration = Duration::from_secs(5);
/// Messages a WebSocket client may have queued (results and one update)
/// before it is considered stuck and closed.
const WS_QUEUE_LIMIT: usize = 32;
/// Messages read from one WebSocket client per loop turn.
const WS_READS_PER_TURN: usize = 16;
/// Connections beyond the WebSocket limit kept for plain HTTP requests.
const HTTP_SLACK: usize = 32;
/// Time to drain a closing connection before dropping it.
const LINGER: Duration = Duration::from_millis(500);
/// Reads (of 4 KiB) discarded from a closing connection per loop turn.
const DISCARD_READS_PER_TURN: usize = 16;
/// Time a WebSocket client has to take the close frame we send it (after
/// whatever was queued before it) before the connection is dropped.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// Everything the server thread owns, handed over by `DashboardServer::start`.
pub(crate) struct Channels {
    pub(crate) listener: TcpListener,
    pub(crate) local_addr: SocketAddr,
    pub(crate) config: DashboardConfig,
    pub(crate) token: String,
    pub(crate) shared: Arc<Shared>,
    pub(crate) commands: SyncSender<Envelope>,
    pub(crate) results: Receiver<CommandResult>,
    pub(crate) snapshots: Receiver<Box<Snapshot>>,
    pub(crate) recycle: SyncSender<Box<Snapshot>>,
    pub(crate) events: Receiver<Vec<(u64, Event)>>,
    pub(crate) event_recycle: SyncSender<Vec<(u64, Event)>>,
}

/// What a request waits for.
enum Await {
    /// A command result under this ticket.
    Ticket(u64),
    /// A snapshot newer than `after`, then serve `what`.
    Snapshot { after: u64, what: Served },
}

/// Snapshot-backed responses.
#[derive(Clone, Copy)]
enum Served {
    Part(&'static str),
    Prometheus,
}

/// What happens once a response is written.
enum After {
    Close,
    /// Become a WebSocket client with these first messages queued.
    Upgrade(VecDeque<Out>),
}

/// A message waiting for a WebSocket client.
enum Out {
    /// The latest state, composed when it is written (only the parts and
    /// events this client has not received). At most one waits per client.
    Update,
    /// Anything else (hello, results, errors, pings).
    Message(Message),
}

enum Phase {
    Head(Vec<u8>),
    Body {
        head: Head,
        body: Vec<u8>,
        need: usize,
    },
    Await {
        what: Await,
        deadline: Instant,
    },
    Write {
        out: Vec<u8>,
        pos: usize,
        then: After,
    },
    Linger(Instant),
    Ws(Box<WsClient>),
    /// We are closing a WebSocket client (see [`start_ws_close`]): what
    /// was queued for it is being written, then the close frame.
    WsClosing {
        client: Box<WsClient>,
        /// The close frame, until it is handed to the socket (once the
        /// queue is written and flushed).
        close: Option<CloseFrame>,
        deadline: Instant,
    },
    Done,
}

struct WsClient {
    ws: WebSocket<TcpStream>,
    queue: VecDeque<Out>,
    /// The state update this client last received (0: none).
    sent_seq: u64,
    /// The last event it received.
    sent_event: u64,
    flushed: bool,
    last_message: Instant,
    last_ping: Instant,
}

struct Conn {
    id: u64,
    stream: Option<TcpStream>,
    phase: Phase,
    accepted: Instant,
    /// The validated Host header.
    host: Option<String>,
}

/// Where a command result goes.
enum Route {
    Http(u64),
    Ws { conn: u64, client_id: Value },
}

pub(crate) struct Server {
    ch: Channels,
    hosts: HostPolicy,
    conns: Vec<Conn>,
    next_conn: u64,
    next_ticket: u64,
    routes: HashMap<u64, Route>,
    state: State,
    updates_dropped: u64,
    last_api: Option<Instant>,
    /// WebSocket clients (and upgrades being answered), counted at the start
    /// of each loop turn and kept up to date during it (the connections are
    /// out of `conns` while they are serviced).
    ws_live: usize,
}

fn would_block(e: &std::io::Error) -> bool {
    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted)
}

fn ws_would_block(e: &tungstenite::Error) -> bool {
    matches!(e, tungstenite::Error::Io(io) if would_block(io))
}

impl Server {
    pub(crate) fn new(ch: Channels) -> Self {
        Server {
            hosts: HostPolicy::new(ch.local_addr),
            ch,
            conns: Vec::new(),
            next_conn: 1,
            next_ticket: 1,
            routes: HashMap::new(),
            state: State::new(),
            updates_dropped: 0,
            last_api: None,
            ws_live: 0,
        }
    }

    /// WebSocket clients, including upgrades whose answer is being written.
    fn count_ws(&self) -> usize {
        self.conns
            .iter()
            .filter(|c| {
                matches!(
                    c.phase,
                    Phase::Ws(_)
                        | Phase::Write {
                            then: After::Upgrade(_),
                            ..
                        }
                )
            })
            .count()
    }

    fn counters(&self) -> ServerCounters {
        ServerCounters {
            clients: self.ws_live,
            updates_dropped: self.updates_dropped,
            events_dropped: self.ch.shared.events_dropped.load(Ordering::Relaxed),
            update_rate_hz: self.ch.config.update_rate_hz,
        }
    }

    /// The loop. Returns when the handle sets `shutdown`.
    pub(crate) fn run(mut self) {
        while !self.ch.shared.shutdown.load(Ordering::Relaxed) {
            self.ws_live = self.count_ws();
            let mut busy = self.accept();
            busy |= self.drain_snapshots_and_events();
            busy |= self.drain_results();
            let mut conns = std::mem::take(&mut self.conns);
            for conn in &mut conns {
                busy |= self.service(conn);
            }
            conns.append(&mut self.conns);
            conns.retain(|c| !matches!(c.phase, Phase::Done));
            self.conns = conns;
            let routes_alive: Vec<u64> = self.conns.iter().map(|c| c.id).collect();
            self.routes.retain(|_, r| match r {
                Route::Http(id) | Route::Ws { conn: id, .. } => routes_alive.contains(id),
            });
            self.ws_live = self.count_ws();
            let wanted = self.ws_live > 0
                || self.state.published_at.is_none()
                || self.last_api.is_some_and(|t| t.elapsed() < API_INTEREST);
            // Written only on change, so the game thread's copy of the line
            // stays valid in its cache.
            if self.ch.shared.wanted.load(Ordering::Relaxed) != wanted {
                self.ch.shared.wanted.store(wanted, Ordering::Relaxed);
            }
            if !busy {
                std::thread::sleep(if self.conns.is_empty() {
                    IDLE_SLEEP
                } else {
                    BUSY_SLEEP
                });
            }
        }
        for conn in &mut self.conns {
            close_at_shutdown(&self.state, conn);
        }
    }

    fn accept(&mut self) -> bool {
        let mut any = false;
        loop {
            match self.ch.listener.accept() {
                Ok((stream, _peer)) => {
                    any = true;
                    let _ = stream.set_nonblocking(true);
                    let _ = stream.set_nodelay(true);
                    let limit = self.ch.config.max_clients as usize + HTTP_SLACK;
                    if self.conns.len() >= limit {
                        // Best effort: the socket is fresh, a short write fits.
                        let mut s = stream;
                        let _ = s.write_all(&http::error_response(
                            503,
                            "TOO_MANY_CONNECTIONS",
                            "too many connections",
                            None,
                        ));
                        continue;
                    }
                    let id = self.next_conn;
                    self.next_conn += 1;
                    self.conns.push(Conn {
                        id,
                        stream: Some(stream),
                        phase: Phase::Head(Vec::with_capacity(1024)),
                        accepted: Instant::now(),
                        host: None,
                    });
                }
                Err(e) if would_block(&e) => break,
                Err(_) => break,
            }
        }
        any
    }

    /// Takes the new events and the new snapshot, if any; a snapshot is
    /// absorbed first so that the events are named after its tables, and
    /// then broadcast with those events.
    fn drain_snapshots_and_events(&mut self) -> bool {
        let snap = self.ch.snapshots.try_recv().ok();
        if let Some(snap) = &snap {
            self.state.take_names(snap);
        }
        let mut any = false;
        while let Ok(mut batch) = self.ch.events.try_recv() {
            for (frame, event) in batch.drain(..) {
                self.state.push_event(frame, event);
            }
            let _ = self.ch.event_recycle.try_send(batch);
            any = true;
        }
        let Some(snap) = snap else {
            return any;
        };
        let counters = self.counters();
        self.state.absorb(&snap, &counters);
        let _ = self.ch.recycle.try_send(snap);
        for conn in &mut self.conns {
            if let Phase::Ws(client) = &mut conn.phase {
                if client.queue.iter().any(|o| matches!(o, Out::Update)) {
                    // The client has not taken the previous update yet: the
                    // one waiting will carry this state instead.
                    self.updates_dropped += 1;
                } else {
                    client.queue.push_back(Out::Update);
                }
            }
        }
        true
    }

    fn drain_results(&mut self) -> bool {
        let mut any = false;
        while let Ok((ticket, result)) = self.ch.results.try_recv() {
            any = true;
            let Some(route) = self.routes.remove(&ticket) else {
                continue;
            };
            match route {
                Route::Http(conn_id) => {
                    if let Some(conn) = self.conns.iter_mut().find(|c| c.id == conn_id) {
                        let host = conn.host.clone();
                        let out = match result {
                            Ok(value) => http::response(
                                200,
                                "application/json",
                                json!({"ok": true, "result": value}).to_string().as_bytes(),
                                host.as_deref(),
                                &[],
                            ),
                            Err(e) => http::response(
                                if e.code == "BUSY" { 503 } else { 422 },
                                "application/json",
                                json!({"ok": false, "error": {"code": e.code, "message": e.message}})
                                    .to_string()
                                    .as_bytes(),
                                host.as_deref(),
                                &[],
                            ),
                        };
                        conn.phase = Phase::Write {
                            out,
                            pos: 0,
                            then: After::Close,
                        };
                    }
                }
                Route::Ws { conn, client_id } => {
                    let message = result_message(&client_id, result);
                    if let Some(c) = self.conns.iter_mut().find(|c| c.id == conn) {
                        if let Phase::Ws(client) = &mut c.phase {
                            client.queue.push_back(Out::Message(message));
                        }
                    }
                }
            }
        }
        any
    }

    /// Sends a command to the game thread; the result comes back under the
    /// returned ticket. `Err` when the queue is full.
    fn submit(&mut self, command: Command, route: Route) -> Result<u64, (Route, CommandError)> {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        // Counted first, so the game thread never sees a command it is not
        // told about.
        self.ch
            .shared
            .commands_queued
            .fetch_add(1, Ordering::Relaxed);
        let sent = self.ch.commands.try_send(Envelope { ticket, command });
        if sent.is_err() {
            self.ch
                .shared
                .commands_queued
                .fetch_sub(1, Ordering::Relaxed);
        }
        match sent {
            Ok(()) => {
                self.routes.insert(ticket, route);
                Ok(ticket)
            }
            Err(TrySendError::Full(_)) => Err((
                route,
                CommandError::new("BUSY", "the command queue is full; try again"),
            )),
            Err(TrySendError::Disconnected(_)) => Err((
                route,
                CommandError::new("BUSY", "the game side of the dashboard is gone"),
            )),
        }
    }

    /// One turn for one connection. Returns whether anything happened.
    fn service(&mut self, conn: &mut Conn) -> bool {
        let now = Instant::now();
        match &mut conn.phase {
            Phase::Head(_) | Phase::Body { .. } => {
                if now.duration_since(conn.accepted) > self.ch.config.request_timeout {
                    respond(
                        conn,
                        http::error_response(408, "TIMEOUT", "request not received in time", None),
                    );
                    return true;
                }
                self.read_request(conn)
            }
            Phase::Await { .. } => self.poll_await(conn, now),
            Phase::Write { .. } => write_pending(conn, now),
            Phase::Linger(until) => {
                let until = *until;
                let stream = conn.stream.as_mut().expect("HTTP phases own the stream");
                if !discard_input(stream) {
                    conn.phase = Phase::Done;
                    return true;
                }
                if now >= until {
                    conn.phase = Phase::Done;
                }
                false
            }
            Phase::Ws(_) => self.service_ws(conn, now),
            Phase::WsClosing { .. } => flush_ws_close(&self.state, conn, now),
            Phase::Done => false,
        }
    }

    fn read_request(&mut self, conn: &mut Conn) -> bool {
        let mut buf = [0u8; 4096];
        let mut any = false;
        loop {
            let room = match &conn.phase {
                Phase::Head(got) => (MAX_REQUEST_HEAD + 1).saturating_sub(got.len()),
                Phase::Body { body, need, .. } => need - body.len(),
                _ => return any,
            };
            if room == 0 {
                break;
            }
            let stream = conn.stream.as_mut().expect("HTTP phases own the stream");
            let n = match stream.read(&mut buf[..room.min(4096)]) {
                Ok(0) => {
                    conn.phase = Phase::Done;
                    return true;
                }
                Ok(n) => n,
                Err(e) if would_block(&e) => break,
                Err(_) => {
                    conn.phase = Phase::Done;
                    return true;
                }
            };
            any = true;
            match &mut conn.phase {
                Phase::Head(got) => got.extend_from_slice(&buf[..n]),
                Phase::Body { body, .. } => body.extend_from_slice(&buf[..n]),
                _ => unreachable!("checked above"),
            }
            if let Phase::Body { body, need, .. } = &conn.phase {
                if body.len() == *need {
                    break;
                }
            } else if let Phase::Head(got) = &conn.phase {
                if got.windows(4).any(|w| w == b"\r\n\r\n") || got.len() > MAX_REQUEST_HEAD {
                    break;
                }
            }
        }
        match std::mem::replace(&mut conn.phase, Phase::Done) {
            Phase::Head(got) => match http::parse_head(&got) {
                Parsed::Partial => conn.phase = Phase::Head(got),
                Parsed::TooLarge => respond(
                    conn,
                    http::error_response(431, "HEAD_TOO_LARGE", "request head over 8 KiB", None),
                ),
                Parsed::Invalid(why) => {
                    respond(conn, http::error_response(400, "BAD_REQUEST", &why, None))
                }
                Parsed::Complete(head) => {
                    let rest = got[head.len..].to_vec();
                    self.route(conn, head, rest);
                }
            },
            Phase::Body { head, body, need } => {
                if body.len() == need {
                    self.handle_command_body(conn, &head, &body);
                } else {
                    conn.phase = Phase::Body { head, body, need };
                }
            }
            other => conn.phase = other,
        }
        any
    }

    fn route(&mut self, conn: &mut Conn, head: Head, rest: Vec<u8>) {
        let host = match head.header("host") {
            Some(h) if self.hosts.allows(h) => h.to_string(),
            _ => {
                respond(
                    conn,
                    http::error_response(
                        421,
                        "MISDIRECTED",
                        "the Host header must name this dashboard's address and port",
                        None,
                    ),
                );
                return;
            }
        };
        conn.host = Some(host.clone());
        let h = Some(host.as_str());
        let method = head.method.as_str();
        let path = head.path.clone();
        let static_file = |ct: &str, body: &str| http::response(200, ct, body.as_bytes(), h, &[]);
        match (method, path.as_str()) {
            ("GET", "/") | ("GET", "/index.html") => {
                respond(conn, static_file("text/html; charset=utf-8", INDEX_HTML))
            }
            ("GET", "/assets/app.js") => {
                respond(conn, static_file("text/javascript; charset=utf-8", APP_JS))
            }
            ("GET", "/assets/app.css") => {
                respond(conn, static_file("text/css; charset=utf-8", APP_CSS))
            }
            ("GET", "/favicon.svg") | ("GET", "/favicon.ico") => {
                respond(conn, static_file("image/svg+xml", FAVICON_SVG))
            }
            ("GET", "/ws") => self.upgrade(conn, &head, rest, &host),
            ("GET", "/api/trace") => {
                let body = self.state.trace_json();
                respond(
                    conn,
                    http::response(
                        200,
                        "application/json",
                        body.as_bytes(),
                        h,
                        &[(
                            "Content-Disposition",
                            "attachment; filename=\"lsm-trace.json\"",
                        )],
                    ),
                );
            }
            ("GET", "/api/events") => {
                let body = self.state.event_history();
                respond(
                    conn,
                    http::response(200, "application/json", body.as_bytes(), h, &[]),
                );
            }
            ("GET", "/api/report") => {
                self.last_api = Some(Instant::now());
                match self.submit(Command::GetReport, Route::Http(conn.id)) {
                    Ok(ticket) => {
                        conn.phase = Phase::Await {
                            what: Await::Ticket(ticket),
                            deadline: Instant::now() + RESULT_WAIT,
                        }
                    }
                    Err((_, e)) => respond(conn, http::error_response(503, e.code, &e.message, h)),
                }
            }
            ("GET", "/api/state") => self.serve_snapshot(conn, Served::Part("")),
            ("GET", "/metrics") => self.serve_snapshot(conn, Served::Prometheus),
            ("GET", p) if p.starts_with("/api/") => {
                match PARTS.iter().find(|part| &p[5..] == **part) {
                    Some(part) => self.serve_snapshot(conn, Served::Part(part)),
                    None => respond(
                        conn,
                        http::error_response(404, "NOT_FOUND", "no such endpoint", h),
                    ),
                }
            }
            ("POST", "/api/command") => self.start_command(conn, head, rest),
            (_, "/" | "/index.html" | "/ws" | "/api/command" | "/metrics")
            | (_, "/assets/app.js" | "/assets/app.css") => respond(
                conn,
                http::error_response(405, "METHOD_NOT_ALLOWED", "method not allowed", h),
            ),
            (_, p) if p.starts_with("/api/") => respond(
                conn,
                http::error_response(405, "METHOD_NOT_ALLOWED", "method not allowed", h),
            ),
            _ => respond(
                conn,
                http::error_response(404, "NOT_FOUND", "no such page", h),
            ),
        }
    }

    fn serve_snapshot(&mut self, conn: &mut Conn, what: Served) {
        self.last_api = Some(Instant::now());
        let fresh = self.state.published_at.is_some_and(|t| t.elapsed() < FRESH);
        if fresh {
            self.respond_snapshot(conn, what);
        } else {
            self.ch.shared.urgent.store(true, Ordering::Relaxed);
            self.ch.shared.wanted.store(true, Ordering::Relaxed);
            conn.phase = Phase::Await {
                what: Await::Snapshot {
                    after: self.state.seq,
                    what,
                },
                deadline: Instant::now() + SNAPSHOT_WAIT,
            };
        }
    }

    fn respond_snapshot(&self, conn: &mut Conn, what: Served) {
        let h = conn.host.clone();
        let out = match what {
            Served::Part("") => self.state.full().map(|body| {
                http::response(200, "application/json", body.as_bytes(), h.as_deref(), &[])
            }),
            Served::Part(part) => self.state.part(part).map(|body| {
                http::response(200, "application/json", body.as_bytes(), h.as_deref(), &[])
            }),
            Served::Prometheus => self.state.prometheus().map(|body| {
                http::response(
                    200,
                    "text/plain; version=0.0.4; charset=utf-8",
                    body.as_bytes(),
                    h.as_deref(),
                    &[],
                )
            }),
        };
        let out = out.unwrap_or_else(|| {
            http::response(
                503,
                "application/json",
                json!({"error": {"code": "NO_SNAPSHOT", "message": "the game has not called lsm_update (DashboardServer::pump) since the dashboard started"}})
                    .to_string()
                    .as_bytes(),
                h.as_deref(),
                &[("Retry-After", "1")],
            )
        });
        respond(conn, out);
    }

    fn poll_await(&mut self, conn: &mut Conn, now: Instant) -> bool {
        let Phase::Await { what, deadline } = &conn.phase else {
            return false;
        };
        let deadline = *deadline;
        match what {
            Await::Snapshot { after, what } => {
                let what = *what;
                if self.state.seq > *after || now >= deadline {
                    self.respond_snapshot(conn, what);
                    return true;
                }
                false
            }
            Await::Ticket(ticket) => {
                if now >= deadline {
                    self.routes.remove(ticket);
                    let h = conn.host.clone();
                    respond(
                        conn,
                        http::error_response(
                            504,
                            "NO_ANSWER",
                            "the game thread did not answer: is lsm_update (DashboardServer::pump) being called?",
                            h.as_deref(),
                        ),
                    );
                    return true;
                }
                false
            }
        }
    }

    fn token_ok(&self, given: Option<&str>) -> bool {
        given.is_some_and(|t| http::constant_time_eq(t, &self.ch.token))
    }

    fn start_command(&mut self, conn: &mut Conn, head: Head, rest: Vec<u8>) {
        let h = conn.host.clone();
        let h = h.as_deref();
        let origin_ok = head.header("origin").is_none_or(|o| {
            Some(o) == conn.host.as_ref().map(|h| format!("http://{h}")).as_deref()
        });
        if !origin_ok {
            respond(
                conn,
                http::error_response(403, "FORBIDDEN_ORIGIN", "foreign Origin", h),
            );
            return;
        }
        let given = head.header("x-lsm-token").or_else(|| {
            head.header("authorization")
                .and_then(|a| a.strip_prefix("Bearer "))
        });
        if !self.token_ok(given) {
            respond(
                conn,
                http::error_response(
                    401,
                    "BAD_TOKEN",
                    "a valid X-LSM-Token header is required",
                    h,
                ),
            );
            return;
        }
        let Some(len) = head
            .header("content-length")
            .and_then(|v| v.parse::<usize>().ok())
        else {
            respond(
                conn,
                http::error_response(411, "LENGTH_REQUIRED", "Content-Length required", h),
            );
            return;
        };
        if len > MAX_MESSAGE {
            respond(
                conn,
                http::error_response(413, "BODY_TOO_LARGE", "body over 64 KiB", h),
            );
            return;
        }
        if rest.len() > len {
            respond(
                conn,
                http::error_response(400, "BAD_REQUEST", "bytes after the body", h),
            );
            return;
        }
        if rest.len() == len {
            self.handle_command_body(conn, &head, &rest);
        } else {
            conn.phase = Phase::Body {
                head,
                body: rest,
                need: len,
            };
        }
    }

    fn handle_command_body(&mut self, conn: &mut Conn, _head: &Head, body: &[u8]) {
        let h = conn.host.clone();
        let command = serde_json::from_slice::<Value>(body)
            .map_err(|e| CommandError::new("BAD_JSON", e.to_string()))
            .and_then(|mut v| {
                if let Value::Object(m) = &mut v {
                    if m.get("args").is_some_and(Value::is_null) {
                        m.remove("args");
                    }
                }
                Command::from_json(v)
            });
        match command {
            Err(e) => respond(
                conn,
                http::error_response(400, e.code, &e.message, h.as_deref()),
            ),
            Ok(command) => match self.submit(command, Route::Http(conn.id)) {
                Ok(ticket) => {
                    conn.phase = Phase::Await {
                        what: Await::Ticket(ticket),
                        deadline: Instant::now() + RESULT_WAIT,
                    }
                }
                Err((_, e)) => respond(
                    conn,
                    http::error_response(503, e.code, &e.message, h.as_deref()),
                ),
            },
        }
    }

    fn upgrade(&mut self, conn: &mut Conn, head: &Head, rest: Vec<u8>, host: &str) {
        let h = Some(host);
        let is_upgrade =
            head.header_has("upgrade", "websocket") && head.header_has("connection", "upgrade");
        let key = head.header("sec-websocket-key");
        if !is_upgrade || key.is_none() {
            respond(
                conn,
                http::error_response(426, "UPGRADE_REQUIRED", "WebSocket upgrade expected", h),
            );
            return;
        }
        if head.header("sec-websocket-version") != Some("13") {
            let mut out =
                http::error_response(426, "UPGRADE_REQUIRED", "WebSocket version 13 required", h);
            // Insert the version header the RFC asks for.
            let at = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(0);
            out.splice(at..at, b"\r\nSec-WebSocket-Version: 13".iter().copied());
            respond(conn, out);
            return;
        }
        let own_origin = format!("http://{host}");
        if head.header("origin") != Some(own_origin.as_str()) {
            respond(
                conn,
                http::error_response(
                    403,
                    "FORBIDDEN_ORIGIN",
                    "the WebSocket Origin must be this dashboard's own origin",
                    h,
                ),
            );
            return;
        }
        if !self.token_ok(head.query_param("token")) {
            respond(
                conn,
                http::error_response(401, "BAD_TOKEN", "a valid ?token= is required", h),
            );
            return;
        }
        if self.ws_live >= self.ch.config.max_clients as usize {
            respond(
                conn,
                http::error_response(503, "TOO_MANY_CLIENTS", "the client limit is reached", h),
            );
            return;
        }
        if !rest.is_empty() {
            respond(
                conn,
                http::error_response(400, "BAD_REQUEST", "data before the handshake answer", h),
            );
            return;
        }
        let accept = tungstenite::handshake::derive_accept_key(key.unwrap_or("").as_bytes());
        let out = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
        )
        .into_bytes();
        let hello = json!({
            "type": "hello",
            "protocol": PROTOCOL_VERSION,
            "version": crate::VERSION,
            "update_rate_hz": self.ch.config.update_rate_hz,
            "max_message_bytes": MAX_MESSAGE,
        });
        let mut first = VecDeque::new();
        first.push_back(Out::Message(Message::Text(hello.to_string().into())));
        if self.state.seq > 0 {
            first.push_back(Out::Update);
        }
        conn.phase = Phase::Write {
            out,
            pos: 0,
            then: After::Upgrade(first),
        };
        self.ws_live += 1;
        let _ = write_pending(conn, Instant::now());
    }

    fn service_ws(&mut self, conn: &mut Conn, now: Instant) -> bool {
        let Phase::Ws(client) = &mut conn.phase else {
            return false;
        };
        let mut any = false;
        let mut texts = Vec::new();
        let mut done = false;
        let mut too_big = false;
        for _ in 0..WS_READS_PER_TURN {
            match client.ws.read() {
                Ok(Message::Text(text)) => {
                    client.last_message = now;
                    texts.push(text.as_str().to_string());
                    any = true;
                }
                Ok(Message::Binary(_)) => {
                    client.last_message = now;
                    client.queue.push_back(Out::Message(error_message(
                        "BAD_MESSAGE",
                        "binary messages are not supported",
                    )));
                    any = true;
                }
                Ok(_) => {
                    client.last_message = now;
                    any = true;
                }
                Err(e) if ws_would_block(&e) => break,
                Err(tungstenite::Error::Capacity(_)) => {
                    too_big = true;
                    break;
                }
                Err(_) => {
                    done = true;
                    break;
                }
            }
        }
        if done {
            conn.phase = Phase::Done;
            return true;
        }
        // Messages read before anything else happens to the connection are
        // handled first: a client closed below (oversized message, idle) still
        // gets their replies, which go out before its close frame.
        let conn_id = conn.id;
        for text in texts {
            if let Some(reply) = self.handle_ws_text(conn_id, &text) {
                if let Phase::Ws(client) = &mut conn.phase {
                    client.queue.push_back(Out::Message(reply));
                }
            }
        }
        let Phase::Ws(client) = &mut conn.phase else {
            return any;
        };
        if too_big {
            // 1009: the message was too big to process (RFC 6455, 7.4.1).
            start_ws_close(
                &self.state,
                conn,
                CloseCode::Size,
                "message over 64 KiB",
                now,
            );
            return true;
        }
        if now.duration_since(client.last_message) > WS_IDLE_TIMEOUT {
            start_ws_close(&self.state, conn, CloseCode::Policy, "idle", now);
            return true;
        }
        if now.duration_since(client.last_ping) > PING_INTERVAL {
            client.last_ping = now;
            client
                .queue
                .push_back(Out::Message(Message::Ping(Vec::new().into())));
        }
        if client.queue.len() > WS_QUEUE_LIMIT {
            conn.phase = Phase::Done;
            return true;
        }
        match write_queue(&self.state, client) {
            Ok(wrote) => any | wrote,
            Err(Failed) => {
                conn.phase = Phase::Done;
                true
            }
        }
    }

    /// Handles one text message of a client; returns an immediate reply.
    fn handle_ws_text(&mut self, conn: u64, text: &str) -> Option<Message> {
        let value: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => return Some(error_message("BAD_JSON", &e.to_string())),
        };
        let client_id = value.get("id").cloned().unwrap_or(Value::Null);
        match value.get("type").and_then(Value::as_str) {
            Some("command") => {
                let mut command =
                    json!({ "name": value.get("name").cloned().unwrap_or(Value::Null) });
                if let Some(args) = value.get("args").filter(|a| !a.is_null()) {
                    command["args"] = args.clone();
                }
                let command = match Command::from_json(command) {
                    Ok(c) => c,
                    Err(e) => return Some(result_message(&client_id, Err(e))),
                };
                match self.submit(command, Route::Ws { conn, client_id }) {
                    Ok(_) => None,
                    Err((Route::Ws { client_id, .. }, e)) => {
                        Some(result_message(&client_id, Err(e)))
                    }
                    Err((_, e)) => Some(error_message(e.code, &e.message)),
                }
            }
            Some("ping") => Some(Message::Text(
                json!({"type": "pong", "protocol": PROTOCOL_VERSION, "id": client_id})
                    .to_string()
                    .into(),
            )),
            _ => Some(error_message(
                "BAD_MESSAGE",
                "expected a message with \"type\": \"command\" or \"ping\"",
            )),
        }
    }
}

fn result_message(client_id: &Value, result: Result<Value, CommandError>) -> Message {
    let value = match result {
        Ok(result) => json!({
            "type": "result", "protocol": PROTOCOL_VERSION, "id": client_id,
            "ok": true, "result": result,
        }),
        Err(e) => json!({
            "type": "result", "protocol": PROTOCOL_VERSION, "id": client_id,
            "ok": false, "error": {"code": e.code, "message": e.message},
        }),
    };
    Message::Text(value.to_string().into())
}

fn error_message(code: &str, message: &str) -> Message {
    Message::Text(
        json!({"type": "error", "protocol": PROTOCOL_VERSION,
               "error": {"code": code, "message": message}})
        .to_string()
        .into(),
    )
}

/// Starts writing a response; the connection closes once it is written.
fn respond(conn: &mut Conn, out: Vec<u8>) {
    conn.phase = Phase::Write {
        out,
        pos: 0,
        then: After::Close,
    };
}

/// Writes what the socket takes of a pending response. Returns whether
/// anything happened.
fn write_pending(conn: &mut Conn, now: Instant) -> bool {
    let Phase::Write { out, pos, .. } = &mut conn.phase else {
        return false;
    };
    let stream = conn.stream.as_mut().expect("HTTP phases own the stream");
    let mut any = false;
    while *pos < out.len() {
        match stream.write(&out[*pos..]) {
            Ok(0) => {
                conn.phase = Phase::Done;
                return true;
            }
            Ok(n) => {
                *pos += n;
                any = true;
            }
            Err(e) if would_block(&e) => break,
            Err(_) => {
                conn.phase = Phase::Done;
                return true;
            }
        }
    }
    if *pos < out.len() {
        // A client that does not read its response in time is dropped.
        if now.duration_since(conn.accepted) > Duration::from_secs(30) {
            conn.phase = Phase::Done;
            return true;
        }
        return any;
    }
    let Phase::Write { then, .. } = std::mem::replace(&mut conn.phase, Phase::Done) else {
        unreachable!("matched above");
    };
    match then {
        After::Close => {
            let _ = stream.shutdown(Shutdown::Write);
            conn.phase = Phase::Linger(now + LINGER);
        }
        After::Upgrade(first) => become_ws(conn, first),
    }
    true
}

/// The connection failed (or the client ended it): drop it.
struct Failed;

/// Writes what the socket takes of `client`'s queue, each message once the
/// one before it is flushed, so that a slow client holds at most one message
/// in the WebSocket's write buffer. An update is composed, from `state`, as it is
/// written. Returns whether anything was written.
fn write_queue(state: &State, client: &mut WsClient) -> Result<bool, Failed> {
    let mut any = false;
    loop {
        if !client.flushed {
            match client.ws.flush() {
                Ok(()) => client.flushed = true,
                Err(e) if ws_would_block(&e) => return Ok(any),
                Err(_) => return Err(Failed),
            }
        }
        let message = match client.queue.pop_front() {
            None => return Ok(any),
            Some(Out::Message(m)) => m,
            Some(Out::Update) => {
                let Some((text, last_event)) = state.update_for(client.sent_seq, client.sent_event)
                else {
                    continue;
                };
                client.sent_seq = state.seq;
                client.sent_event = last_event;
                Message::Text(text.into())
            }
        };
        any = true;
        client.flushed = false;
        match client.ws.write(message) {
            Ok(()) => {}
            // The message waits in the WebSocket's write buffer.
            Err(e) if ws_would_block(&e) => {}
            Err(_) => return Err(Failed),
        }
    }
}

/// Closes a WebSocket client with a close frame. What was already queued
/// for it (updates, command results) goes out first, so that the page
/// shows the last state and answers it was sent; nothing more is queued
/// once closing starts, and [`CLOSE_TIMEOUT`] bounds the whole, so a client
/// that does not read cannot hold the connection. What the socket does not
/// take at once is written in later turns ([`flush_ws_close`]). Dropping
/// the socket at once would lose the frame: closing a TCP socket with unread
/// input (the rest of an oversized message) sends a reset, which discards
/// what was not yet sent, and on some systems what the client has received
/// and not yet read.
fn start_ws_close(
    state: &State,
    conn: &mut Conn,
    code: CloseCode,
    reason: &'static str,
    now: Instant,
) {
    let Phase::Ws(client) = std::mem::replace(&mut conn.phase, Phase::Done) else {
        return;
    };
    conn.phase = Phase::WsClosing {
        client,
        close: Some(CloseFrame {
            code,
            reason: reason.into(),
        }),
        deadline: now + CLOSE_TIMEOUT,
    };
    flush_ws_close(state, conn, now);
}

/// Writes more of a closing client's queue, then of its close frame; gives
/// up after [`CLOSE_TIMEOUT`]. What the client sends meanwhile is read and
/// discarded, so that a client still writing is not stuck (and does not
/// keep us stuck). Returns whether anything happened.
fn flush_ws_close(state: &State, conn: &mut Conn, now: Instant) -> bool {
    let Phase::WsClosing {
        client,
        close,
        deadline,
    } = &mut conn.phase
    else {
        return false;
    };
    // The peer closing its side does not stop us: the frames can still go.
    let _ = discard_input(client.ws.get_mut());
    let mut any = false;
    if close.is_some() {
        match write_queue(state, client) {
            Ok(wrote) => any = wrote,
            Err(Failed) => {
                conn.phase = Phase::Done;
                return true;
            }
        }
    }
    // `None`: the queue is still being written, the frame waits.
    let written = if close.is_none() {
        Some(client.ws.flush())
    } else if client.queue.is_empty() && client.flushed {
        any = true;
        Some(client.ws.close(close.take()))
    } else {
        None
    };
    match written {
        Some(Ok(())) => {
            if let Phase::WsClosing { client, .. } = std::mem::replace(&mut conn.phase, Phase::Done)
            {
                ws_closed(conn, client, now);
            }
        }
        Some(Err(e)) if !ws_would_block(&e) => conn.phase = Phase::Done,
        _ => {
            if now < *deadline {
                return any;
            }
            conn.phase = Phase::Done;
        }
    }
    true
}

/// Closes a WebSocket client as the server stops, in one pass that never
/// waits: what its socket takes at once of its queue, then the close frame
/// ("going away", or the frame it was already being closed with). Unlike
/// [`start_ws_close`], there is no [`CLOSE_TIMEOUT`] to finish in later
/// turns: the game thread joins this thread when it drops the server, and
/// must not wait on a client that does not read. A client whose socket is
/// full loses the rest of its queue: it gets the messages in order, and the
/// one in flight when its socket filled may arrive cut (with no close
/// frame after it). Input the client sent is then read off (bounded) and
/// our side shut, so that closing the socket sends an orderly end rather
/// than a reset that could discard what was written.
fn close_at_shutdown(state: &State, conn: &mut Conn) {
    let (client, close) = match &mut conn.phase {
        Phase::Ws(client) => (
            client,
            Some(CloseFrame {
                code: CloseCode::Away,
                reason: "dashboard stopped".into(),
            }),
        ),
        Phase::WsClosing { client, close, .. } => (client, close.take()),
        _ => return,
    };
    if close.is_some() && write_queue(state, client).is_err() {
        return;
    }
    // Queued after whatever the WebSocket still buffers, which it writes
    // first; `None`: the frame is already there.
    let _ = match close {
        Some(frame) => client.ws.close(Some(frame)),
        None => client.ws.flush(),
    };
    let stream = client.ws.get_mut();
    discard_input(stream);
    let _ = stream.shutdown(Shutdown::Write);
}

/// Reads and discards what the peer sends on a connection we are closing,
/// so that a peer still writing is not stuck and our close is not turned
/// into a reset by unread input. Bounded per turn: a peer that keeps sending
/// must not hold the server thread (and every other client). Returns false
/// once the peer has closed its side or the connection failed.
fn discard_input(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 4096];
    for _ in 0..DISCARD_READS_PER_TURN {
        match stream.read(&mut buf) {
            Ok(0) => return false,
            Ok(_) => {}
            Err(e) if would_block(&e) => break,
            Err(_) => return false,
        }
    }
    true
}

/// The close frame is written: ends our side of the connection and
/// lingers, discarding what the client still sends (the rest of an
/// oversized message, its own close frame) until it closes too.
fn ws_closed(conn: &mut Conn, client: Box<WsClient>, now: Instant) {
    let stream = client.ws.into_inner();
    let _ = stream.shutdown(Shutdown::Write);
    conn.stream = Some(stream);
    conn.phase = Phase::Linger(now + LINGER);
}

/// The WebSocket limits: 64 KiB per message and per frame, a bounded write buffer.
fn ws_config() -> WebSocketConfig {
    // A small read buffer: tungstenite zero-fills it before every read
    // attempt, and the loop tries every client every few milliseconds.
    WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_write_buffer_size(16 << 20)
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE))
}

/// Turns a connection whose 101 answer is written into a WebSocket client.
fn become_ws(conn: &mut Conn, first: VecDeque<Out>) {
    let stream = conn.stream.take().expect("HTTP phases own the stream");
    let ws = WebSocket::from_raw_socket(stream, Role::Server, Some(ws_config()));
    let now = Instant::now();
    conn.phase = Phase::Ws(Box::new(WsClient {
        ws,
        queue: first,
        sent_seq: 0,
        sent_event: 0,
        flushed: true,
        last_message: now,
        last_ping: now,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{LevelDesc, StreamingManager, StreamingSource, Vec3};
    use crate::dashboard::snapshot::Collector;

    /// A state that has absorbed one snapshot, so that updates have content.
    fn state_with_a_snapshot() -> State {
        let mut m = StreamingManager::default();
        m.register_level(&LevelDesc::new("Forest")).unwrap();
        m.update(&[StreamingSource::at(Vec3::new(0.0, 0.0, 0.0))], 0.1)
            .unwrap();
        let mut collector = Collector::default();
        assert!(collector.step(&m, None, Box::default));
        let (snap, _) = collector.finish(&m);
        let mut state = State::new();
        state.take_names(&snap);
        state.absorb(&snap, &ServerCounters::default());
        state
    }

    /// Our side of a WebSocket client over loopback, with `queue` waiting
    /// for it, and the client's side.
    fn ws_pair(queue: VecDeque<Out>) -> (Conn, WebSocket<TcpStream>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let peer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (ours, _) = listener.accept().unwrap();
        ours.set_nonblocking(true).unwrap();
        let now = Instant::now();
        let client = WsClient {
            ws: WebSocket::from_raw_socket(ours, Role::Server, Some(ws_config())),
            queue,
            sent_seq: 0,
            sent_event: 0,
            flushed: true,
            last_message: now,
            last_ping: now,
        };
        let conn = Conn {
            id: 1,
            stream: None,
            phase: Phase::Ws(Box::new(client)),
            accepted: now,
            host: None,
        };
        (conn, WebSocket::from_raw_socket(peer, Role::Client, None))
    }

    #[test]
    fn a_closed_client_gets_what_was_queued_before_the_close_frame() {
        let state = state_with_a_snapshot();
        let queue = VecDeque::from([Out::Update, Out::Message(Message::Text("result".into()))]);
        let (mut conn, mut peer) = ws_pair(queue);
        let now = Instant::now();
        start_ws_close(&state, &mut conn, CloseCode::Policy, "idle", now);
        // Loopback takes these few bytes at once; more turns are allowed,
        // all at `now`, so the close deadline cannot pass.
        for _ in 0..100 {
            if !matches!(conn.phase, Phase::WsClosing { .. }) {
                break;
            }
            flush_ws_close(&state, &mut conn, now);
        }
        // The close frame is written and our side is ended.
        assert!(matches!(conn.phase, Phase::Linger(_)));
        let frame = queue_then_close(&mut peer);
        assert_eq!(frame.code, CloseCode::Policy);
        assert_eq!(frame.reason.as_str(), "idle");
    }

    /// Reads what [`ws_pair`]'s peer gets when the queue of the tests (an
    /// update, then the message "result") went before the close frame, and
    /// returns that frame.
    fn queue_then_close(peer: &mut WebSocket<TcpStream>) -> CloseFrame {
        // Only a safety net against hanging: everything is already sent.
        peer.get_mut()
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let update = peer.read().unwrap();
        assert!(update
            .to_text()
            .unwrap()
            .starts_with("{\"type\":\"update\""));
        assert_eq!(peer.read().unwrap(), Message::Text("result".into()));
        match peer.read().unwrap() {
            Message::Close(Some(frame)) => frame,
            other => panic!("expected the close frame, got {other:?}"),
        }
    }

    #[test]
    fn at_shutdown_a_client_gets_what_was_queued_before_the_close_frame() {
        let state = state_with_a_snapshot();
        let queue = VecDeque::from([Out::Update, Out::Message(Message::Text("result".into()))]);
        let (mut conn, mut peer) = ws_pair(queue);
        // Loopback takes these few bytes at once: one pass sends them all.
        close_at_shutdown(&state, &mut conn);
        let frame = queue_then_close(&mut peer);
        assert_eq!(frame.code, CloseCode::Away);
        assert_eq!(frame.reason.as_str(), "dashboard stopped");
    }

    #[test]
    fn at_shutdown_a_client_being_closed_gets_its_own_close_frame() {
        let state = state_with_a_snapshot();
        let queue = VecDeque::from([Out::Update, Out::Message(Message::Text("result".into()))]);
        let (mut conn, mut peer) = ws_pair(queue);
        // As if the close had started and no turn had written the queue yet.
        let Phase::Ws(client) = std::mem::replace(&mut conn.phase, Phase::Done) else {
            unreachable!("ws_pair makes a WebSocket client");
        };
        conn.phase = Phase::WsClosing {
            client,
            close: Some(CloseFrame {
                code: CloseCode::Size,
                reason: "message over 64 KiB".into(),
            }),
            deadline: Instant::now() + CLOSE_TIMEOUT,
        };
        close_at_shutdown(&state, &mut conn);
        assert_eq!(queue_then_close(&mut peer).code, CloseCode::Size);
    }
}
