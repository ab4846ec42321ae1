//! Requests the core hands to the host engine, which does the real I/O and
//! reports back by request id.

use serde::{Deserialize, Serialize};

use super::lod::LodLevel;
use super::types::{LevelId, Priority, RequestId};

/// What the host is asked to do with a level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RequestKind {
    /// Bring the level into memory (UE: `SetShouldBeLoaded(true)`).
    Load = 0,
    /// Make a loaded level visible (UE: `SetShouldBeVisible(true)`).
    MakeVisible = 1,
    /// Hide a visible level but keep it in memory (UE: `SetShouldBeVisible(false)`).
    Hide = 2,
    /// Remove the level from memory (UE: `SetShouldBeLoaded(false)`), hiding it first if needed.
    Unload = 3,
    /// Apply the request's `lod` to the visible level.
    SetLod = 4,
}

impl RequestKind {
    /// Number of request kinds.
    pub const COUNT: usize = 5;

    /// Every kind, in numeric order.
    pub const ALL: [RequestKind; RequestKind::COUNT] = [
        RequestKind::Load,
        RequestKind::MakeVisible,
        RequestKind::Hide,
        RequestKind::Unload,
        RequestKind::SetLod,
    ];

    /// Index of the kind in per-kind arrays (its numeric value).
    pub fn index(self) -> usize {
        self as usize
    }

    /// Upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            RequestKind::Load => "LOAD",
            RequestKind::MakeVisible => "MAKE_VISIBLE",
            RequestKind::Hide => "HIDE",
            RequestKind::Unload => "UNLOAD",
            RequestKind::SetLod => "SET_LOD",
        }
    }
}

/// One unit of work for the host. Complete it exactly once with
/// [`StreamingManager::complete_request`](super::manager::StreamingManager::complete_request).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Unique id (never reused by this manager).
    pub id: RequestId,
    /// What to do.
    pub kind: RequestKind,
    /// To which level.
    pub level: LevelId,
    /// Effective priority the request was ordered by.
    pub priority: Priority,
    /// Distance from the nearest streaming source to the nearest wanting
    /// volume (0 inside it; infinity for manual requests with no volume nearby).
    pub distance: f64,
    /// The level's LOD: the one to apply for SET_LOD, the one to show with
    /// for MAKE_VISIBLE; informational otherwise.
    pub lod: LodLevel,
}

/// Lifetime request counters of a manager, per kind (index with
/// [`RequestKind::index`]). Kept by the core so that exporters (Prometheus,
/// the dashboard) can report requests by kind without watching every call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestCounts {
    /// Requests issued.
    pub issued: [u64; RequestKind::COUNT],
    /// Requests the host completed.
    pub completed: [u64; RequestKind::COUNT],
    /// Of the completed ones, those the host reported as failed.
    pub failed: [u64; RequestKind::COUNT],
}

impl RequestCounts {
    /// Requests of `kind` issued so far.
    pub fn issued(&self, kind: RequestKind) -> u64 {
        self.issued[kind.index()]
    }

    /// Requests of `kind` completed so far (successfully or not).
    pub fn completed(&self, kind: RequestKind) -> u64 {
        self.completed[kind.index()]
    }

    /// Requests of `kind` that failed.
    pub fn failed(&self, kind: RequestKind) -> u64 {
        self.failed[kind.index()]
    }
}
