//! The embedded live dashboard: one background thread serving a web page,
//! JSON snapshots and a WebSocket on one loopback port, so a developer can
//! open a browser next to the running game and watch streaming live.
//!
//! # Threads and data flow
//!
//! ```text
//!  game thread                               dashboard thread ("lsm-dashboard")
//!  -----------                               -------------------------------
//!  lsm_update / DashboardServer::pump        accepts, reads and writes every
//!    1. applies queued commands  <--commands-- client on non-blocking sockets
//!       through StreamingManager  --results-->  (one thread, no async runtime)
//!    2. copies a compact Snapshot --snapshot-> turns it into JSON once, sends
//!       when one is due (rate Hz)  <-recycle--  it to every WebSocket client
//!  core event listener -> local buffer
//!    3. ships the frame's events    --events--> event log (one batch)
//! ```
//!
//! Every channel is bounded and the game thread only ever uses `try_send` /
//! `try_recv` on them: it never waits on the dashboard. A full command queue
//! is answered "busy" to the client; a snapshot the dashboard has not taken
//! yet is kept and sent at a later pump; events beyond the queue are counted
//! as dropped. The snapshot is `Copy` records and reused buffers (see
//! [`snapshot`]): steady-state pumps do not allocate, and all JSON work
//! happens on the dashboard thread. The copy is spread over frames, each
//! pump stopping once it has spent [`DashboardConfig::frame_budget`]
//! (default 1 µs), so a frame's share is bounded whatever the size of the
//! world; a world too large to copy within the budget over the frames of
//! one update period refreshes more slowly than the configured rate. Three
//! pumps copy everything at once instead: the first one, one that applied a
//! command (so that clients see its effect at once), and one after an API request
//! found the last snapshot stale (over 250 ms old).
//! `lsm_record_frame` is untouched: the
//! frame-time chart is fed from the samples the profiler already keeps.
//!
//! # Security
//!
//! A page on any website can make a browser talk to `localhost`, so:
//! loopback only unless [`DashboardConfig::allow_non_loopback`] is set; the
//! `Host` header must name the bound host and port (else `421`), which
//! defeats DNS rebinding; a WebSocket upgrade's `Origin` must be the
//! dashboard's own origin (else `403`); a random session token (256 bits
//! from the OS) is required to open the WebSocket (`/ws?token=`) and for
//! every mutating request (`POST /api/command` with `X-LSM-Token`), else
//! `401`. Read-only `GET /api/*` and `GET /metrics` are not token-gated:
//! they are protected from other websites by the `Host` check and the
//! absence of CORS headers (plus `Cross-Origin-Resource-Policy:
//! same-origin`), and anything on the machine that can open a loopback
//! socket can read them, like the game's own log. Request heads are capped
//! at 8 KiB (`431`), bodies and WebSocket messages at 64 KiB (`413` / close
//! `1009`), WebSocket clients at [`DashboardConfig::max_clients`] (`503`);
//! a request not complete within [`DashboardConfig::request_timeout`] is
//! answered `408` and closed, and a WebSocket client that completes no
//! message (not even a pong to our pings) for 30 s is closed. Each client's
//! send queue is bounded: a slow client misses updates (only the newest
//! waits), it never slows the others. Every response carries a strict
//! `Content-Security-Policy` (scripts and styles only from the dashboard's
//! own embedded files, no inline code).
//!
//! The page and the protocol are described in `docs/dashboard-protocol.md`.

mod command;
mod http;
mod metrics;
mod server;
pub mod snapshot;
mod state;

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::core::{Event, ListenerId, StreamingManager};

pub use command::{Command, CommandError};

/// Version of the WebSocket/JSON protocol (the `protocol` field of every
/// server message). Bumped on any incompatible change.
pub const PROTOCOL_VERSION: u32 = 1;

/// Default TCP port.
pub const DEFAULT_PORT: u16 = 8000;
/// Default rate of live updates, in Hz.
pub const DEFAULT_UPDATE_RATE_HZ: f64 = 10.0;
/// Default limit of WebSocket clients.
pub const DEFAULT_MAX_CLIENTS: u32 = 8;
/// Largest accepted update rate, in Hz.
pub const MAX_UPDATE_RATE_HZ: f64 = 120.0;
/// Largest accepted client limit.
pub const MAX_CLIENTS_LIMIT: u32 = 256;
/// Largest request head (request line and headers) accepted, in bytes.
pub const MAX_REQUEST_HEAD: usize = 8 * 1024;
/// Largest request body and WebSocket message accepted, in bytes.
pub const MAX_MESSAGE: usize = 64 * 1024;
/// Default time a client has to send a complete request.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Default game-thread time a pump spends copying the snapshot (see
/// [`DashboardConfig::frame_budget`]).
pub const DEFAULT_FRAME_BUDGET: Duration = Duration::from_micros(1);
/// Commands the game thread applies per pump at most (the rest wait for the
/// next frame), so a burst from the page cannot stall a frame.
const MAX_COMMANDS_PER_PUMP: usize = 16;
/// Capacity of the command queue (dashboard to game thread).
const COMMAND_QUEUE: usize = 64;
/// Capacity of the result queue (game thread to dashboard).
const RESULT_QUEUE: usize = 256;
/// Capacity of the event queue (core listener to dashboard).
const EVENT_QUEUE: usize = 1024;
/// Batches of events in flight to the server thread.
const EVENT_BATCHES: usize = 4;

/// How the dashboard is served.
#[derive(Clone, Debug, PartialEq)]
pub struct DashboardConfig {
    /// Address to bind. Default `127.0.0.1`. Anything but a loopback address
    /// is refused unless [`allow_non_loopback`](Self::allow_non_loopback).
    pub bind_address: IpAddr,
    /// TCP port. Default 8000; 0 picks a free port (read it back with
    /// [`DashboardServer::port`]).
    pub port: u16,
    /// Live updates per second pushed to WebSocket clients (0 < rate <=
    /// 120). Default 10.
    pub update_rate_hz: f64,
    /// WebSocket clients served at once (1..=256); one more gets `503`.
    /// Default 8.
    pub max_clients: u32,
    /// Must be true to bind a non-loopback address (the dashboard can then
    /// be reached from the network, with the token as the only guard of
    /// its commands).
    pub allow_non_loopback: bool,
    /// Time a client has to send a complete request head and body.
    /// Default 5 s.
    pub request_timeout: Duration,
    /// Game-thread time each pump may spend copying the snapshot (the
    /// copy resumes at the next pump). Default 1 µs; larger values refresh
    /// big worlds faster at a higher per-frame cost. Commands and stale API
    /// requests copy the whole state at once regardless.
    pub frame_budget: Duration,
}

impl Default for DashboardConfig {
    fn default() -> Self {
        DashboardConfig {
            bind_address: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            update_rate_hz: DEFAULT_UPDATE_RATE_HZ,
            max_clients: DEFAULT_MAX_CLIENTS,
            allow_non_loopback: false,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            frame_budget: DEFAULT_FRAME_BUDGET,
        }
    }
}

impl DashboardConfig {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), DashboardError> {
        if !(self.update_rate_hz.is_finite()
            && self.update_rate_hz > 0.0
            && self.update_rate_hz <= MAX_UPDATE_RATE_HZ)
        {
            return Err(DashboardError::InvalidConfig(format!(
                "update_rate_hz must be in (0, {MAX_UPDATE_RATE_HZ}], got {}",
                self.update_rate_hz
            )));
        }
        if self.max_clients == 0 || self.max_clients > MAX_CLIENTS_LIMIT {
            return Err(DashboardError::InvalidConfig(format!(
                "max_clients must be between 1 and {MAX_CLIENTS_LIMIT}, got {}",
                self.max_clients
            )));
        }
        if self.request_timeout.is_zero() {
            return Err(DashboardError::InvalidConfig(
                "request_timeout must be greater than 0".into(),
            ));
        }
        if !self.bind_address.is_loopback() && !self.allow_non_loopback {
            return Err(DashboardError::NonLoopbackRefused(self.bind_address));
        }
        Ok(())
    }
}

/// Why the dashboard could not start.
#[derive(Debug)]
pub enum DashboardError {
    /// A configuration field is out of range.
    InvalidConfig(String),
    /// The bind address is not loopback and `allow_non_loopback` is false.
    NonLoopbackRefused(IpAddr),
    /// The socket could not be bound (port in use, address not local, ...).
    Bind(std::io::Error),
    /// The operating system's random source failed (no token, no server).
    Random(String),
    /// The server thread could not be started.
    Spawn(std::io::Error),
}

impl fmt::Display for DashboardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DashboardError::InvalidConfig(m) => write!(f, "invalid dashboard config: {m}"),
            DashboardError::NonLoopbackRefused(ip) => write!(
                f,
                "refusing to serve the dashboard on non-loopback address {ip}: set allow_non_loopback to do so"
            ),
            DashboardError::Bind(e) => write!(f, "cannot bind the dashboard socket: {e}"),
            DashboardError::Random(m) => write!(f, "cannot generate the session token: {m}"),
            DashboardError::Spawn(e) => write!(f, "cannot start the dashboard thread: {e}"),
        }
    }
}

impl std::error::Error for DashboardError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DashboardError::Bind(e) | DashboardError::Spawn(e) => Some(e),
            _ => None,
        }
    }
}

/// What the event listener and the pump share: the frame events raised now
/// belong to, and the events collected since the last pump. Both are used
/// on the game thread only, so the lock is never contended.
pub(crate) type EventBuffer = Arc<(AtomicU64, parking_lot::Mutex<Vec<(u64, Event)>>)>;

/// A command on its way to the game thread, with the ticket its result
/// comes back under.
pub(crate) struct Envelope {
    pub(crate) ticket: u64,
    pub(crate) command: Command,
}

/// The game thread's answer to an [`Envelope`].
pub(crate) type CommandResult = (u64, Result<serde_json::Value, CommandError>);

/// Flags and counters both sides use without locks. The game thread reads
/// `wanted`, `urgent` and `commands_queued` every frame; the server thread
/// writes them only when they change, so in steady state the game thread's
/// reads hit its own cache.
pub(crate) struct Shared {
    /// Set by the server thread while someone looks (a WebSocket client, a
    /// recent API request, or no snapshot yet): the game thread only copies
    /// snapshots while it is set.
    pub(crate) wanted: AtomicBool,
    /// Set by the server thread to ask for a snapshot at the next pump,
    /// whatever the rate (an API request found the last one stale).
    pub(crate) urgent: AtomicBool,
    /// Commands sent and not yet taken by the game thread (so that an idle
    /// pump does not touch the channel).
    pub(crate) commands_queued: AtomicU64,
    /// Set by `Drop`; the server thread exits at its next tick.
    pub(crate) shutdown: AtomicBool,
    /// Events the core raised that did not fit the event queue.
    pub(crate) events_dropped: AtomicU64,
    /// Command results that did not fit the result queue.
    pub(crate) results_dropped: AtomicU64,
}

/// The game thread's ends of the channels, and what it remembers between pumps.
struct GameSide {
    commands: Receiver<Envelope>,
    results: SyncSender<CommandResult>,
    snapshots: SyncSender<Box<snapshot::Snapshot>>,
    recycled: Receiver<Box<snapshot::Snapshot>>,
    /// Events the listener collected since the last pump (game-thread
    /// memory: the listener never touches anything the server thread uses).
    event_buf: EventBuffer,
    /// The listener is registered at the first pump.
    listening: bool,
    /// Batches of events to the server thread, and empty ones back.
    event_batches: SyncSender<Vec<(u64, Event)>>,
    event_recycle: Receiver<Vec<(u64, Event)>>,
    listener: Option<ListenerId>,
    collector: snapshot::Collector,
    interval: Duration,
    frame_budget: Duration,
    last_publish: Option<Instant>,
    /// A command changed the state: publish at once.
    force: bool,
    /// The server thread had no room for the last finished snapshot: do not
    /// try again before this.
    retry_after: Option<Instant>,
}

/// A running dashboard server. Create it with [`DashboardServer::start`],
/// call [`pump`](DashboardServer::pump) once per frame on the game thread,
/// and drop it (or call [`shutdown`](DashboardServer::shutdown)) to stop it:
/// the drop stops the server thread and joins it (within a few
/// milliseconds: the thread never blocks on a socket).
///
/// ```no_run
/// use level_streaming::core::StreamingManager;
/// use level_streaming::dashboard::{DashboardConfig, DashboardServer};
///
/// let mut manager = StreamingManager::default();
/// let mut dashboard = DashboardServer::start(DashboardConfig::default()).unwrap();
/// println!("open {}", dashboard.url());
/// loop {
///     manager.update(&[], 1.0 / 60.0).unwrap();
///     dashboard.pump(&mut manager); // never blocks
///     # break;
/// }
/// ```
#[must_use = "dropping the DashboardServer stops it at once"]
pub struct DashboardServer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    game: GameSide,
    local_addr: SocketAddr,
    token: String,
}

impl fmt::Debug for DashboardServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DashboardServer")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

/// 32 random bytes from the operating system, as 64 hex digits.
fn new_token() -> Result<String, DashboardError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| DashboardError::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl DashboardServer {
    /// Binds the socket, generates the session token and starts the server
    /// thread. Refuses an invalid config or a non-loopback address that is
    /// not explicitly allowed.
    pub fn start(config: DashboardConfig) -> Result<DashboardServer, DashboardError> {
        config.validate()?;
        let token = new_token()?;
        let listener =
            std::net::TcpListener::bind(SocketAddr::new(config.bind_address, config.port))
                .map_err(DashboardError::Bind)?;
        listener
            .set_nonblocking(true)
            .map_err(DashboardError::Bind)?;
        let local_addr = listener.local_addr().map_err(DashboardError::Bind)?;

        let shared = Arc::new(Shared {
            shutdown: AtomicBool::new(false),
            wanted: AtomicBool::new(true),
            urgent: AtomicBool::new(true),
            events_dropped: AtomicU64::new(0),
            results_dropped: AtomicU64::new(0),
            commands_queued: AtomicU64::new(0),
        });
        let (command_tx, command_rx) = sync_channel(COMMAND_QUEUE);
        let (result_tx, result_rx) = sync_channel(RESULT_QUEUE);
        let (snapshot_tx, snapshot_rx) = sync_channel(1);
        let (recycle_tx, recycle_rx) = sync_channel(2);
        let (event_tx, event_rx) = sync_channel(EVENT_BATCHES);
        let (event_recycle_tx, event_recycle_rx) = sync_channel(EVENT_BATCHES);

        let interval = Duration::from_secs_f64(1.0 / config.update_rate_hz);
        let frame_budget = config.frame_budget;
        let io = server::Server::new(server::Channels {
            listener,
            local_addr,
            config,
            token: token.clone(),
            shared: Arc::clone(&shared),
            commands: command_tx,
            results: result_rx,
            snapshots: snapshot_rx,
            recycle: recycle_tx,
            events: event_rx,
            event_recycle: event_recycle_tx,
        });
        let thread = std::thread::Builder::new()
            .name("lsm-dashboard".into())
            .spawn(move || io.run())
            .map_err(DashboardError::Spawn)?;
        Ok(DashboardServer {
            shared,
            thread: Some(thread),
            game: GameSide {
                commands: command_rx,
                results: result_tx,
                snapshots: snapshot_tx,
                recycled: recycle_rx,
                event_buf: Arc::new((
                    AtomicU64::new(0),
                    parking_lot::Mutex::new(Vec::with_capacity(EVENT_QUEUE)),
                )),
                listening: false,
                event_batches: event_tx,
                event_recycle: event_recycle_rx,
                listener: None,
                collector: snapshot::Collector::default(),
                interval,
                frame_budget,
                last_publish: None,
                force: false,
                retry_after: None,
            },
            local_addr,
            token,
        })
    }

    /// The game thread's per-frame entry point (the C ABI calls it from
    /// `lsm_update`): applies the commands clients queued (at most 16 per
    /// call) through the same [`StreamingManager`] API the C functions use,
    /// and, while someone is watching, copies the next slice of the
    /// snapshot within [`DashboardConfig::frame_budget`] (the whole state
    /// at once right after a command or for an API request that needs a
    /// fresh one).
    /// Never blocks; does not allocate in steady state. At the first call it
    /// registers an event listener on `manager` for the event log; use one
    /// manager per server.
    pub fn pump(&mut self, manager: &mut StreamingManager) {
        let game = &mut self.game;
        let frame = manager.frame();
        if !game.listening {
            game.listening = true;
            let shared = Arc::clone(&self.shared);
            let buf = Arc::clone(&game.event_buf);
            game.listener = Some(manager.register_event_listener(None, move |event| {
                let frame = buf.0.load(Ordering::Relaxed);
                let mut events = buf.1.lock();
                if events.len() < EVENT_QUEUE {
                    events.push((frame, *event));
                } else {
                    shared.events_dropped.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        // Ship the events collected since the last pump as one batch.
        {
            let mut events = game.event_buf.1.lock();
            if !events.is_empty() {
                let empty = game
                    .event_recycle
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(EVENT_QUEUE));
                let batch = std::mem::replace(&mut *events, empty);
                if let Err(TrySendError::Full(batch) | TrySendError::Disconnected(batch)) =
                    game.event_batches.try_send(batch)
                {
                    // The server thread is behind: keep them for the next pump.
                    let room = EVENT_QUEUE.saturating_sub(events.len());
                    let lost = batch.len().saturating_sub(room);
                    events.extend(batch.into_iter().take(room));
                    if lost > 0 {
                        self.shared
                            .events_dropped
                            .fetch_add(lost as u64, Ordering::Relaxed);
                    }
                }
            }
        }
        if self.shared.commands_queued.load(Ordering::Relaxed) > 0 {
            // Events raised by the commands belong to the current frame.
            game.event_buf.0.store(frame, Ordering::Relaxed);
            for _ in 0..MAX_COMMANDS_PER_PUMP {
                let Ok(envelope) = game.commands.try_recv() else {
                    break;
                };
                self.shared.commands_queued.fetch_sub(1, Ordering::Relaxed);
                let result = envelope.command.apply(manager);
                game.force = true;
                if game.results.try_send((envelope.ticket, result)).is_err() {
                    self.shared.results_dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        // Events raised from now on (the next update, and the host's calls
        // after it) belong to the next frame.
        game.event_buf.0.store(frame + 1, Ordering::Relaxed);
        let urgent = self.shared.urgent.load(Ordering::Relaxed);
        let hurry = game.force || urgent;
        if !(hurry || game.collector.in_progress() || self.shared.wanted.load(Ordering::Relaxed)) {
            return;
        }
        if !hurry && !game.collector.in_progress() {
            let now = Instant::now();
            if game
                .last_publish
                .is_some_and(|t| now.duration_since(t) < game.interval)
            {
                return;
            }
            // A new pass starts: the rate counts from here.
            game.last_publish = Some(now);
        }
        if let Some(t) = game.retry_after {
            if Instant::now() < t {
                return;
            }
            game.retry_after = None;
        }
        // A command or an API request wants the state now: copy it all in
        // this frame. Otherwise copy within the frame budget.
        let budget = if hurry { None } else { Some(game.frame_budget) };
        let recycled = &game.recycled;
        if !game
            .collector
            .step(manager, budget, || recycled.try_recv().unwrap_or_default())
        {
            return;
        }
        let (snap, mark) = game.collector.finish(manager);
        match game.snapshots.try_send(snap) {
            Ok(()) => {
                game.collector.commit(mark);
                game.force = false;
                if urgent {
                    self.shared.urgent.store(false, Ordering::Relaxed);
                }
            }
            Err(TrySendError::Full(s)) | Err(TrySendError::Disconnected(s)) => {
                // The server thread has not taken the previous one yet: keep
                // the rows and try again in a millisecond.
                game.collector.put_back(s);
                game.retry_after = Some(Instant::now() + Duration::from_millis(1));
            }
        }
    }

    /// The address the server listens on (with the real port).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The port the server listens on (the free port chosen for port 0).
    pub fn port(&self) -> u16 {
        self.local_addr.port()
    }

    /// The session token (64 hex digits): required to open `/ws` and for
    /// `POST /api/command`.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The URL to open in a browser: `http://HOST:PORT/#token=TOKEN` (the
    /// token is in the fragment, so it never reaches a log or a referrer).
    pub fn url(&self) -> String {
        format!(
            "http://{}/#token={}",
            http::authority(self.local_addr),
            self.token
        )
    }

    /// Stops the server like dropping it does, and also removes the event
    /// listener that [`pump`](Self::pump) registered on `manager` (a dropped
    /// server's listener stays registered but does nothing).
    pub fn shutdown(mut self, manager: &mut StreamingManager) {
        if let Some(id) = self.game.listener.take() {
            manager.unregister_event_listener(id);
        }
        drop(self);
    }
}

impl Drop for DashboardServer {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            // The thread polls the flag at least every few milliseconds and
            // never blocks on a socket, so this join is short.
            let _ = thread.join();
        }
    }
}
