//! Identifiers, priorities, states and the small value types every other
//! core module speaks in. Names live only at the edges; inside, levels and
//! volumes are dense integer ids.

use serde::{Deserialize, Serialize};

/// Dense id of a registered level (index into the manager's level table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LevelId(pub u32);

/// Id of a streaming volume. Ids of removed volumes are never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VolumeId(pub u32);

/// Unique id of a host request; never reused within one manager.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RequestId(pub u64);

/// A point or direction in world space. `f64` so that UE5 large-world
/// coordinates survive the trip through the library unchanged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Vec3 {
    /// X coordinate.
    pub x: f64,
    /// Y coordinate.
    pub y: f64,
    /// Z coordinate.
    pub z: f64,
}

impl Vec3 {
    /// The origin.
    pub const ZERO: Vec3 = Vec3 {
        x: 0.0,
        y: 0.0,
        z: 0.0,
    };

    /// Builds a vector from its components.
    pub const fn new(x: f64, y: f64, z: f64) -> Self {
        Vec3 { x, y, z }
    }

    /// True when every component is a finite number (no NaN, no infinity).
    pub fn is_finite(&self) -> bool {
        self.x.is_finite() && self.y.is_finite() && self.z.is_finite()
    }

    /// Euclidean distance to `other`.
    pub fn distance(&self, other: &Vec3) -> f64 {
        self.distance_squared(other).sqrt()
    }

    /// Squared Euclidean distance to `other`.
    pub fn distance_squared(&self, other: &Vec3) -> f64 {
        let dx = self.x - other.x;
        let dy = self.y - other.y;
        let dz = self.z - other.z;
        dx * dx + dy * dy + dz * dz
    }

    /// Length of the vector.
    pub fn length(&self) -> f64 {
        self.distance(&Vec3::ZERO)
    }
}

/// Importance of a level, a volume, a source or a budget. Lower numbers are
/// more important; CRITICAL levels are never evicted for memory.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Priority {
    /// Must always be loaded (the main area).
    Critical = 1,
    /// Loads first.
    High = 2,
    /// The default.
    #[default]
    Normal = 3,
    /// Can be unloaded when memory is needed.
    Low = 4,
    /// Lowest priority, evicted first.
    Background = 5,
}

impl Priority {
    /// All priorities, most important first.
    pub const ALL: [Priority; 5] = [
        Priority::Critical,
        Priority::High,
        Priority::Normal,
        Priority::Low,
        Priority::Background,
    ];

    /// The priority with the given numeric value (1..=5).
    pub fn from_u32(value: u32) -> Option<Priority> {
        Priority::ALL.get((value as usize).wrapping_sub(1)).copied()
    }

    /// Upper-case name, as in the original design.
    pub fn name(self) -> &'static str {
        match self {
            Priority::Critical => "CRITICAL",
            Priority::High => "HIGH",
            Priority::Normal => "NORMAL",
            Priority::Low => "LOW",
            Priority::Background => "BACKGROUND",
        }
    }
}

/// Where a level is in its life cycle.
///
/// ```text
/// Unloaded -> Loading -> Loaded -> Active <-> Hidden
///    ^          |          |         |          |
///    |          | (fail)   +---------+----------+--> Unloading -> Unloaded
///    +----------+                                        |
///                                   Loaded <-------------+ (unload failed)
/// ```
///
/// A failed load goes back to Unloaded (and is retried); a failed unload
/// goes to Loaded, since the content is still in memory but no longer shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StreamingState {
    /// Not in memory.
    #[default]
    Unloaded = 0,
    /// A load request is outstanding.
    Loading = 1,
    /// In memory, not visible.
    Loaded = 2,
    /// Visible and updating.
    Active = 3,
    /// An unload request is outstanding.
    Unloading = 4,
    /// Was active, now hidden; still in memory.
    Hidden = 5,
}

// `ALL` lists every state at its discriminant (see `position`).
const _: () = {
    let mut i = 0;
    while i < StreamingState::COUNT {
        let s = StreamingState::ALL[i];
        assert!(s.position() == i && s as usize == i);
        i += 1;
    }
};

impl StreamingState {
    /// Every state, in discriminant order (`ALL[s as usize] == s`).
    pub const ALL: [StreamingState; 6] = [
        StreamingState::Unloaded,
        StreamingState::Loading,
        StreamingState::Loaded,
        StreamingState::Active,
        StreamingState::Unloading,
        StreamingState::Hidden,
    ];

    /// Number of states.
    pub const COUNT: usize = StreamingState::ALL.len();

    /// A state's place in [`ALL`](Self::ALL). Exhaustive on purpose: a new
    /// state does not compile until it is given its place here, which is
    /// the reminder to add it to `ALL` (a compile-time check verifies `ALL`
    /// place by place).
    const fn position(self) -> usize {
        match self {
            StreamingState::Unloaded => 0,
            StreamingState::Loading => 1,
            StreamingState::Loaded => 2,
            StreamingState::Active => 3,
            StreamingState::Unloading => 4,
            StreamingState::Hidden => 5,
        }
    }

    /// How many of `states` are in each state, indexed by `state as usize`.
    /// The one tally behind the report's level counts, the Prometheus
    /// `lsm_levels` family and the dashboard's status.
    pub fn tally(
        states: impl IntoIterator<Item = StreamingState>,
    ) -> [usize; StreamingState::COUNT] {
        let mut counts = [0; StreamingState::COUNT];
        for state in states {
            counts[state as usize] += 1;
        }
        counts
    }

    /// Upper-case name, as in the original design.
    pub fn name(self) -> &'static str {
        match self {
            StreamingState::Unloaded => "UNLOADED",
            StreamingState::Loading => "LOADING",
            StreamingState::Loaded => "LOADED",
            StreamingState::Active => "ACTIVE",
            StreamingState::Unloading => "UNLOADING",
            StreamingState::Hidden => "HIDDEN",
        }
    }

    /// True when the level's content is in memory (Loaded, Active or Hidden).
    pub fn is_resident(self) -> bool {
        matches!(
            self,
            StreamingState::Loaded | StreamingState::Active | StreamingState::Hidden
        )
    }

    /// Whether the state machine allows going from `self` to `to`.
    pub fn can_transition_to(self, to: StreamingState) -> bool {
        use StreamingState::*;
        matches!(
            (self, to),
            (Unloaded, Loading)
                | (Loading, Loaded)
                | (Loading, Unloaded)
                | (Loaded, Active)
                | (Active, Hidden)
                | (Hidden, Active)
                | (Loaded, Unloading)
                | (Active, Unloading)
                | (Hidden, Unloading)
                | (Unloading, Unloaded)
                | (Unloading, Loaded)
        )
    }
}

/// A camera, player or any other point the world streams around.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamingSource {
    /// Position in world space.
    pub position: Vec3,
    /// Velocity in world units per second (used for ordering and prediction).
    pub velocity: Vec3,
    /// Importance of this source; requests serving a CRITICAL source come first.
    pub priority: Priority,
    /// Velocity prediction: the source also reaches along its velocity for
    /// this many seconds (its shape becomes the segment from `position` to
    /// `position + velocity * look_ahead_seconds`), so levels are requested
    /// before it arrives. 0 = none.
    pub look_ahead_seconds: f64,
}

impl StreamingSource {
    /// A still source at `position` with NORMAL priority and no look-ahead.
    pub fn at(position: Vec3) -> Self {
        StreamingSource {
            position,
            velocity: Vec3::ZERO,
            priority: Priority::Normal,
            look_ahead_seconds: 0.0,
        }
    }

    /// The point the look-ahead reaches: `position + velocity * look_ahead_seconds`.
    pub fn predicted_position(&self) -> Vec3 {
        if self.look_ahead_seconds == 0.0 {
            return self.position;
        }
        Vec3::new(
            self.position.x + self.velocity.x * self.look_ahead_seconds,
            self.position.y + self.velocity.y * self.look_ahead_seconds,
            self.position.z + self.velocity.z * self.look_ahead_seconds,
        )
    }
}

/// A named streaming source authored with the world (a player start, a
/// cinematic camera). The manager keeps these for the host and saves them
/// with the world; streaming itself follows the sources given to each
/// `update`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuthoredSource {
    /// Unique name.
    pub name: String,
    /// The source (position, velocity, priority).
    pub source: StreamingSource,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_listed_and_tallied_by_discriminant() {
        for (i, s) in StreamingState::ALL.into_iter().enumerate() {
            assert_eq!(s as usize, i);
        }
        let tally = StreamingState::tally([
            StreamingState::Hidden,
            StreamingState::Active,
            StreamingState::Hidden,
            StreamingState::Unloaded,
        ]);
        assert_eq!(tally, [1, 0, 0, 1, 0, 2]);
    }
}
