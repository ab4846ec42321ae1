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
