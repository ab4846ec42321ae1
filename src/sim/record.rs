//! Record and replay. A recording holds everything that comes into the
//! manager from outside during a run — the world, the configuration, and
//! per frame the completions the host reported (before the update), the
//! sources and time step of the update, and the frame metrics — plus the
//! decisions the manager made (requests issued and events raised). Replaying
//! feeds the same inputs to a fresh manager in the same order and checks
//! that it makes exactly the same decisions.

use serde::{Deserialize, Serialize};

use crate::core::lod::LodLevel;
use crate::core::{
    Event, LevelId, Priority, Request, RequestId, RequestKind, StreamingConfig, StreamingManager,
    StreamingSource,
};
use crate::world::{manager_from_world, WorldFile};

/// Value of the `format` member of a recording.
pub const RECORDING_FORMAT: &str = "level_streaming.recording";
/// The recording format version.
pub const RECORDING_VERSION: u32 = 1;

/// A host completion, applied before the frame's update.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    /// The request.
    pub request: RequestId,
    /// Whether it succeeded.
    pub success: bool,
    /// Measured size of a loaded level, in MB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mb: Option<f64>,
}

/// What the host measured for a frame (given to `profile_frame` after the
/// update).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FrameMetrics {
    /// Frame time, ms.
    pub frame_time_ms: f64,
    /// Memory in use, MB.
    pub memory_mb: f64,
    /// Draw calls.
    pub draw_calls: u32,
    /// Triangles.
    pub triangles: u64,
}

/// A request as recorded (the distance is `None` when infinite, which JSON
/// cannot hold).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// Id.
    pub id: RequestId,
    /// Kind.
    pub kind: RequestKind,
    /// Level.
    pub level: LevelId,
    /// Priority.
    pub priority: Priority,
    /// LOD.
    pub lod: LodLevel,
    /// Distance, if finite.
    pub distance: Option<f64>,
}

impl From<&Request> for RecordedRequest {
    fn from(r: &Request) -> Self {
        RecordedRequest {
            id: r.id,
            kind: r.kind,
            level: r.level,
            priority: r.priority,
            lod: r.lod,
            distance: r.distance.is_finite().then_some(r.distance),
        }
    }
}

/// The decisions of one frame: requests handed out and events raised, in order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Decisions {
    /// Requests taken after the update (including follow-ups of completions).
    pub requests: Vec<RecordedRequest>,
    /// Events raised during the frame.
    pub events: Vec<Event>,
}

/// One recorded frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordedFrame {
    /// Time step of the update, seconds.
    pub dt: f64,
    /// Completions applied before the update, in order.
    pub completions: Vec<Completion>,
    /// Sources of the update.
    pub sources: Vec<StreamingSource>,
    /// Metrics given to `profile_frame` after the update.
    pub metrics: FrameMetrics,
    /// What the manager decided.
    pub decisions: Decisions,
}

/// A recorded session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recording {
    /// Always [`RECORDING_FORMAT`].
    pub format: String,
    /// Always [`RECORDING_VERSION`].
    pub version: u32,
    /// Seed of the simulation that made it (informational).
    pub seed: u64,
    /// Manager configuration.
    pub config: StreamingConfig,
    /// The world the manager started from.
    pub world: WorldFile,
    /// Every frame.
    pub frames: Vec<RecordedFrame>,
}

impl Recording {
    /// An empty recording of a run.
    pub fn new(seed: u64, config: StreamingConfig, world: WorldFile) -> Self {
        Recording {
            format: RECORDING_FORMAT.into(),
            version: RECORDING_VERSION,
            seed,
            config,
            world,
            frames: Vec::new(),
        }
    }

    /// As JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a recording always serialises")
    }

    /// From JSON text.
    pub fn from_json(text: &str) -> Result<Recording, String> {
        let r: Recording = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if r.format != RECORDING_FORMAT || r.version != RECORDING_VERSION {
            return Err(format!(
                "not a version {RECORDING_VERSION} recording (format \"{}\", version {})",
                r.format, r.version
            ));
        }
        Ok(r)
    }
}

/// One frame of the manager as the simulator and the replay drive it:
/// completions, update, take every request, frame metrics, then drain the
/// events. Returns the decisions. Errors of completions are counted in
/// `host_errors` (there should be none).
pub fn drive_frame(
    manager: &mut StreamingManager,
    completions: &[Completion],
    sources: &[StreamingSource],
    dt: f64,
    metrics: impl FnOnce(&StreamingManager) -> FrameMetrics,
    requests_out: &mut Vec<Request>,
    host_errors: &mut u64,
) -> (Decisions, FrameMetrics) {
    for c in completions {
        if manager
            .complete_request_with_memory(c.request, c.success, c.memory_mb)
            .is_err()
        {
            *host_errors += 1;
        }
    }
    if manager.update(sources, dt).is_err() {
        *host_errors += 1;
    }
    requests_out.clear();
    manager.take_requests(usize::MAX, requests_out);
    let m = metrics(manager);
    if manager
        .profile_frame(m.frame_time_ms, m.memory_mb, m.draw_calls, m.triangles)
        .is_err()
    {
        *host_errors += 1;
    }
    let mut decisions = Decisions {
        requests: requests_out.iter().map(RecordedRequest::from).collect(),
        events: Vec::new(),
    };
    while let Some(e) = manager.poll_event() {
        decisions.events.push(e);
    }
    (decisions, m)
}

/// Result of a replay.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayOutcome {
    /// Frames replayed.
    pub frames: usize,
    /// The first frame (0-based) whose decisions differ from the recording.
    pub first_mismatch: Option<usize>,
    /// The decisions of every replayed frame.
    pub decisions: Vec<Decisions>,
}

/// Replays `recording` on a fresh manager and compares its decisions with
/// the recorded ones.
pub fn replay(recording: &Recording) -> Result<ReplayOutcome, String> {
    let mut manager = manager_from_world(recording.config.clone(), &recording.world)
        .map_err(|e| e.to_string())?;
    // Events raised while the world was loaded are not part of any frame.
    while manager.poll_event().is_some() {}
    let mut requests = Vec::new();
    let mut host_errors = 0;
    let mut outcome = ReplayOutcome {
        frames: 0,
        first_mismatch: None,
        decisions: Vec::with_capacity(recording.frames.len()),
    };
    for (i, frame) in recording.frames.iter().enumerate() {
        let (decisions, _) = drive_frame(
            &mut manager,
            &frame.completions,
            &frame.sources,
            frame.dt,
            |_| frame.metrics,
            &mut requests,
            &mut host_errors,
        );
        if outcome.first_mismatch.is_none() && decisions != frame.decisions {
            outcome.first_mismatch = Some(i);
        }
        outcome.decisions.push(decisions);
        outcome.frames += 1;
    }
    if host_errors > 0 && outcome.first_mismatch.is_none() {
        return Err(format!(
            "{host_errors} recorded inputs were refused by the manager"
        ));
    }
    Ok(outcome)
}
