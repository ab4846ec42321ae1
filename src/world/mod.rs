//! The JSON world file: levels, streaming volumes, memory budgets, LOD
//! settings and authored sources, in one document an editor can write and
//! the plugin can import (`lsm_load_world_json`, `lsm_save_world_json`).
//!
//! The format is documented in `docs/world-format.md` and described by the
//! JSON Schema `schemas/world.schema.json`.
//!
//! Loading is all or nothing: the text is parsed, then every item is
//! checked against the file itself *and* the manager's current state, and
//! only then applied. A bad file changes nothing, and its error names a line
//! and column (for syntax and type errors, serde_json's; for semantic errors,
//! those of the offending value, found again in the text).

mod locate;

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::core::error::{check_name, check_non_negative};
use crate::core::lod::{LodLevel, LodSettings, DEFAULT_LOD_DISTANCES, DEFAULT_LOD_MEMORY_MB};
use crate::core::memory::{
    check_thresholds, DEFAULT_CRITICAL_THRESHOLD, DEFAULT_WARNING_THRESHOLD,
};
use crate::core::{
    AuthoredSource, LevelDesc, Priority, StreamingError, StreamingManager, StreamingSource, Vec3,
    VolumeDesc,
};

pub use locate::{line_column, locate, JsonPath, PathSegment};

/// Value of the `format` member of every world file.
pub const WORLD_FORMAT: &str = "level_streaming.world";
/// The format version this library reads and writes.
pub const WORLD_FORMAT_VERSION: u32 = 1;

/// A whole world file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldFile {
    /// Always [`WORLD_FORMAT`].
    pub format: String,
    /// Always [`WORLD_FORMAT_VERSION`].
    pub version: u32,
    /// Memory budgets.
    #[serde(default)]
    pub budgets: Vec<WorldBudget>,
    /// Levels, with their budget and LOD settings.
    #[serde(default)]
    pub levels: Vec<WorldLevel>,
    /// Streaming volumes; each names a level of this file or of the manager.
    #[serde(default)]
    pub volumes: Vec<WorldVolume>,
    /// Authored streaming sources (player starts, cameras).
    #[serde(default)]
    pub sources: Vec<WorldSource>,
}

impl Default for WorldFile {
    fn default() -> Self {
        WorldFile {
            format: WORLD_FORMAT.to_string(),
            version: WORLD_FORMAT_VERSION,
            budgets: Vec::new(),
            levels: Vec::new(),
            volumes: Vec::new(),
            sources: Vec::new(),
        }
    }
}

/// A position or velocity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldVec3 {
    /// X.
    pub x: f64,
    /// Y.
    pub y: f64,
    /// Z.
    pub z: f64,
}

impl From<WorldVec3> for Vec3 {
    fn from(v: WorldVec3) -> Vec3 {
        Vec3::new(v.x, v.y, v.z)
    }
}

impl From<Vec3> for WorldVec3 {
    fn from(v: Vec3) -> WorldVec3 {
        WorldVec3 {
            x: v.x,
            y: v.y,
            z: v.z,
        }
    }
}

fn default_warning() -> f64 {
    DEFAULT_WARNING_THRESHOLD
}

fn default_critical() -> f64 {
    DEFAULT_CRITICAL_THRESHOLD
}

fn default_true() -> bool {
    true
}

fn default_lod_distances() -> [f64; 5] {
    DEFAULT_LOD_DISTANCES
}

fn default_lod_memory() -> [f64; 5] {
    DEFAULT_LOD_MEMORY_MB
}

/// A memory budget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldBudget {
    /// Unique name.
    pub name: String,
    /// Maximum memory in MB.
    pub max_memory_mb: f64,
    /// Importance of the budget (default NORMAL).
    #[serde(default)]
    pub priority: Priority,
    /// Fraction of the maximum at which it is in Warning (default 0.8).
    #[serde(default = "default_warning")]
    pub warning_threshold: f64,
    /// Fraction of the maximum at which it is Critical (default 0.95).
    #[serde(default = "default_critical")]
    pub critical_threshold: f64,
}

/// LOD settings of a level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldLod {
    /// The LOD in force (default ULTRA).
    #[serde(default)]
    pub current_lod: LodLevel,
    /// Whether the manager adjusts it each frame (default true).
    #[serde(default = "default_true")]
    pub auto_adjust: bool,
    /// Largest distance of each LOD, ULTRA to MINIMAL (non-decreasing).
    #[serde(default = "default_lod_distances")]
    pub distance_thresholds: [f64; 5],
    /// Free memory (MB) each LOD needs, ULTRA to MINIMAL.
    #[serde(default = "default_lod_memory")]
    pub memory_thresholds: [f64; 5],
}

impl From<&LodSettings> for WorldLod {
    fn from(s: &LodSettings) -> Self {
        WorldLod {
            current_lod: s.current_lod,
            auto_adjust: s.auto_adjust,
            distance_thresholds: s.distance_thresholds,
            memory_thresholds: s.memory_thresholds,
        }
    }
}

impl From<&WorldLod> for LodSettings {
    fn from(s: &WorldLod) -> Self {
        LodSettings {
            current_lod: s.current_lod,
            auto_adjust: s.auto_adjust,
            distance_thresholds: s.distance_thresholds,
            memory_thresholds: s.memory_thresholds,
        }
    }
}

/// A level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldLevel {
    /// Unique name (the UE level or package name).
    pub name: String,
    /// Its priority (default NORMAL).
    #[serde(default)]
    pub priority: Priority,
    /// Memory once loaded, in MB (default 0).
    #[serde(default)]
    pub memory_mb: f64,
    /// The budget it is allocated to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<String>,
    /// Its LOD settings, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lod: Option<WorldLod>,
}

/// A streaming volume.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldVolume {
    /// Unique name.
    pub name: String,
    /// The level it streams (declared in this file or already in the manager).
    pub level: String,
    /// Centre.
    pub center: WorldVec3,
    /// Radius (>= 0).
    pub radius: f64,
    /// Gap at or under which it wants its level.
    pub load_distance: f64,
    /// Gap over which it releases it (default: load distance times the
    /// manager's `unload_distance_factor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unload_distance: Option<f64>,
    /// Request priority (default NORMAL).
    #[serde(default)]
    pub priority: Priority,
    /// Whether it takes part in streaming (default true).
    #[serde(default = "default_true")]
    pub enabled: bool,
}

/// An authored streaming source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldSource {
    /// Unique name.
    pub name: String,
    /// Position.
    pub position: WorldVec3,
    /// Velocity in units per second (default zero).
    #[serde(default)]
    pub velocity: WorldVec3,
    /// Priority (default NORMAL).
    #[serde(default)]
    pub priority: Priority,
    /// Velocity look-ahead in seconds (default 0: none).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub look_ahead_seconds: f64,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

impl WorldSource {
    /// As a core streaming source.
    pub fn to_source(&self) -> StreamingSource {
        // Built from `at` so that fields added to sources later keep their
        // defaults.
        let mut source = StreamingSource::at(self.position.into());
        source.velocity = self.velocity.into();
        source.priority = self.priority;
        source.look_ahead_seconds = self.look_ahead_seconds;
        source
    }
}

/// What went wrong with a world file.
#[derive(Clone, Debug, PartialEq)]
pub enum WorldErrorKind {
    /// The text is not JSON (or is cut short).
    Syntax,
    /// JSON, but not the world format: a wrong type, a missing or unknown
    /// member, a number out of range, a wrong `format` or `version`.
    Format,
    /// Well-formed, but an item cannot be applied: the core error says why
    /// (unknown level, duplicate name, NaN, negative distance, ...).
    Invalid(StreamingError),
}

/// A world file error with its position. Nothing of the file was applied.
#[derive(Clone, Debug, PartialEq)]
pub struct WorldError {
    /// What kind of error.
    pub kind: WorldErrorKind,
    /// Where, as a path into the document (semantic errors only).
    pub path: Option<JsonPath>,
    /// 1-based line, 0 when unknown (a world built in Rust, not parsed).
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// What is wrong, without the position.
    pub message: String,
}

impl fmt::Display for WorldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("world file")?;
        if self.line > 0 {
            write!(f, " line {}, column {}", self.line, self.column)?;
        }
        if let Some(path) = &self.path {
            write!(f, " at {path}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for WorldError {}

impl WorldError {
    fn from_serde(e: &serde_json::Error) -> Self {
        let kind = match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                WorldErrorKind::Syntax
            }
            _ => WorldErrorKind::Format,
        };
        // serde_json's Display appends " at line L column C"; keep the bare text.
        let full = e.to_string();
        let message = match full.rfind(" at line ") {
            Some(cut) => full[..cut].to_string(),
            None => full,
        };
        WorldError {
            kind,
            path: None,
            line: e.line(),
            column: e.column(),
            message,
        }
    }

    fn invalid(path: JsonPath, error: StreamingError) -> Self {
        WorldError {
            message: error.to_string(),
            kind: WorldErrorKind::Invalid(error),
            path: Some(path),
            line: 0,
            column: 0,
        }
    }

    fn format(path: JsonPath, message: String) -> Self {
        WorldError {
            kind: WorldErrorKind::Format,
            path: Some(path),
            line: 0,
            column: 0,
            message,
        }
    }

    /// Fills in line and column from the text the world was parsed from.
    fn positioned(mut self, text: &str) -> Self {
        if let Some(path) = &self.path {
            let (line, column) = line_column(text, locate(text, path));
            self.line = line;
            self.column = column;
        }
        self
    }
}

/// Parses world JSON text (no check against a manager yet).
pub fn parse_world(text: &str) -> Result<WorldFile, WorldError> {
    serde_json::from_str(text).map_err(|e| WorldError::from_serde(&e))
}

/// Parses, validates against `manager` and applies world JSON text. On any
/// error nothing is applied.
pub fn load_world_json(manager: &mut StreamingManager, text: &str) -> Result<(), WorldError> {
    let world = parse_world(text)?;
    validate_world(&world, manager).map_err(|e| e.positioned(text))?;
    apply_validated(&world, manager);
    Ok(())
}

/// Validates a world against `manager` and applies it; on any error nothing
/// is applied (the error has a path but no line: there is no text).
pub fn load_world(manager: &mut StreamingManager, world: &WorldFile) -> Result<(), WorldError> {
    validate_world(world, manager)?;
    apply_validated(world, manager);
    Ok(())
}

/// Builds a fresh manager with `config` holding `world`.
pub fn manager_from_world(
    config: crate::core::StreamingConfig,
    world: &WorldFile,
) -> Result<StreamingManager, WorldError> {
    let mut manager =
        StreamingManager::new(config).map_err(|e| WorldError::invalid(JsonPath::default(), e))?;
    load_world(&mut manager, world)?;
    Ok(manager)
}

/// Every check the apply step's core calls would make, against the file
/// itself and the manager's current state.
pub fn validate_world(world: &WorldFile, manager: &StreamingManager) -> Result<(), WorldError> {
    let root = JsonPath::default();
    if world.format != WORLD_FORMAT {
        return Err(WorldError::format(
            root.key("format"),
            format!(
                "format must be \"{WORLD_FORMAT}\" (got \"{}\")",
                world.format
            ),
        ));
    }
    if world.version != WORLD_FORMAT_VERSION {
        return Err(WorldError::format(
            root.key("version"),
            format!(
                "unsupported version {} (this library reads version {WORLD_FORMAT_VERSION})",
                world.version
            ),
        ));
    }
    let inv = WorldError::invalid;
    let dup = |kind: &'static str, name: &str| StreamingError::DuplicateName {
        kind,
        name: name.to_string(),
    };

    let mut budget_names = HashSet::new();
    for (i, b) in world.budgets.iter().enumerate() {
        let p = root.key("budgets").index(i);
        check_name("budget", &b.name).map_err(|e| inv(p.key("name"), e))?;
        if !budget_names.insert(b.name.as_str()) || manager.find_budget(&b.name).is_ok() {
            return Err(inv(p.key("name"), dup("budget", &b.name)));
        }
        check_non_negative("max_memory_mb", b.max_memory_mb)
            .map_err(|e| inv(p.key("max_memory_mb"), e))?;
        // Point at the warning threshold when it is bad on its own.
        let culprit = if check_thresholds(b.warning_threshold, b.warning_threshold).is_err() {
            "warning_threshold"
        } else {
            "critical_threshold"
        };
        check_thresholds(b.warning_threshold, b.critical_threshold)
            .map_err(|e| inv(p.key(culprit), e))?;
    }

    let mut level_names = HashSet::new();
    for (i, l) in world.levels.iter().enumerate() {
        let p = root.key("levels").index(i);
        check_name("level", &l.name).map_err(|e| inv(p.key("name"), e))?;
        let registered = manager
            .find_level(&l.name)
            .ok()
            .and_then(|id| manager.is_level_registered(id).ok())
            .unwrap_or(false);
        if !level_names.insert(l.name.as_str()) || registered {
            return Err(inv(p.key("name"), dup("level", &l.name)));
        }
        check_non_negative("memory_mb", l.memory_mb).map_err(|e| inv(p.key("memory_mb"), e))?;
        if let Some(budget) = &l.budget {
            if !budget_names.contains(budget.as_str()) && manager.find_budget(budget).is_err() {
                return Err(inv(
                    p.key("budget"),
                    StreamingError::NotFound {
                        kind: "budget",
                        name: budget.clone(),
                    },
                ));
            }
        }
        if let Some(lod) = &l.lod {
            let lp = p.key("lod");
            for (j, d) in lod.distance_thresholds.iter().enumerate() {
                check_non_negative("distance_thresholds", *d)
                    .map_err(|e| inv(lp.key("distance_thresholds").index(j), e))?;
            }
            for (j, m) in lod.memory_thresholds.iter().enumerate() {
                check_non_negative("memory_thresholds", *m)
                    .map_err(|e| inv(lp.key("memory_thresholds").index(j), e))?;
            }
            LodSettings::from(lod)
                .validate()
                .map_err(|e| inv(lp.key("distance_thresholds"), e))?;
        }
    }

    let mut volume_names = HashSet::new();
    for (i, v) in world.volumes.iter().enumerate() {
        let p = root.key("volumes").index(i);
        check_name("volume", &v.name).map_err(|e| inv(p.key("name"), e))?;
        if !volume_names.insert(v.name.as_str()) || manager.find_volume(&v.name).is_ok() {
            return Err(inv(p.key("name"), dup("volume", &v.name)));
        }
        check_name("level", &v.level).map_err(|e| inv(p.key("level"), e))?;
        if !level_names.contains(v.level.as_str()) && manager.find_level(&v.level).is_err() {
            return Err(inv(
                p.key("level"),
                StreamingError::UnknownLevelName(v.level.clone()),
            ));
        }
        check_vec3(&p.key("center"), v.center, "center")?;
        check_non_negative("radius", v.radius).map_err(|e| inv(p.key("radius"), e))?;
        check_non_negative("load_distance", v.load_distance)
            .map_err(|e| inv(p.key("load_distance"), e))?;
        if let Some(unload) = v.unload_distance {
            check_non_negative("unload_distance", unload)
                .map_err(|e| inv(p.key("unload_distance"), e))?;
            if unload < v.load_distance {
                return Err(inv(
                    p.key("unload_distance"),
                    StreamingError::UnloadBelowLoad {
                        load: v.load_distance,
                        unload,
                    },
                ));
            }
        }
    }

    let mut source_names = HashSet::new();
    for (i, s) in world.sources.iter().enumerate() {
        let p = root.key("sources").index(i);
        check_name("source", &s.name).map_err(|e| inv(p.key("name"), e))?;
        if !source_names.insert(s.name.as_str()) || manager.find_authored_source(&s.name).is_some()
        {
            return Err(inv(p.key("name"), dup("source", &s.name)));
        }
        check_vec3(&p.key("position"), s.position, "source position")?;
        check_vec3(&p.key("velocity"), s.velocity, "source velocity")?;
        check_non_negative("look_ahead_seconds", s.look_ahead_seconds)
            .map_err(|e| inv(p.key("look_ahead_seconds"), e))?;
    }
    Ok(())
}

fn check_vec3(path: &JsonPath, v: WorldVec3, what: &'static str) -> Result<(), WorldError> {
    for (key, value) in [("x", v.x), ("y", v.y), ("z", v.z)] {
        if !value.is_finite() {
            return Err(WorldError::invalid(
                path.key(key),
                StreamingError::NonFiniteValue { what },
            ));
        }
    }
    Ok(())
}

/// Applies a world that [`validate_world`] accepted against this manager.
fn apply_validated(world: &WorldFile, manager: &mut StreamingManager) {
    // Every call below was checked above; a failure here is a bug in the
    // validation, not a bad file.
    const VALIDATED: &str = "world validated before it was applied";
    for b in &world.budgets {
        manager
            .create_memory_budget(&b.name, b.max_memory_mb, b.priority)
            .expect(VALIDATED);
        manager
            .set_budget_thresholds(&b.name, b.warning_threshold, b.critical_threshold)
            .expect(VALIDATED);
    }
    for l in &world.levels {
        manager
            .register_level(&LevelDesc {
                name: l.name.clone(),
                estimated_memory_mb: l.memory_mb,
                priority: l.priority,
            })
            .expect(VALIDATED);
        if let Some(budget) = &l.budget {
            manager
                .allocate_level_to_budget(budget, &l.name, l.memory_mb)
                .expect(VALIDATED);
        }
        if let Some(lod) = &l.lod {
            manager
                .set_lod_settings(&l.name, LodSettings::from(lod))
                .expect(VALIDATED);
        }
    }
    for v in &world.volumes {
        manager
            .create_streaming_volume(&VolumeDesc {
                name: v.name.clone(),
                level_name: v.level.clone(),
                center: v.center.into(),
                radius: v.radius,
                load_distance: v.load_distance,
                unload_distance: v.unload_distance,
                priority: v.priority,
                enabled: v.enabled,
            })
            .expect(VALIDATED);
    }
    // The volumes came one at a time: lay the index out in grid order.
    manager.compact_spatial_index();
    for s in &world.sources {
        manager
            .add_authored_source(AuthoredSource {
                name: s.name.clone(),
                source: s.to_source(),
            })
            .expect(VALIDATED);
    }
}

/// The manager's layout as a world file: every budget, level (with budget
/// and LOD settings), volume (with its resolved unload distance) and
/// authored source, in creation order. Runtime state (which levels are
/// loaded, pins) is not part of a world.
pub fn save_world(manager: &StreamingManager) -> WorldFile {
    let budgets = manager.memory_budgets();
    WorldFile {
        format: WORLD_FORMAT.to_string(),
        version: WORLD_FORMAT_VERSION,
        budgets: budgets
            .iter()
            .map(|b| WorldBudget {
                name: b.name.clone(),
                max_memory_mb: b.max_memory_mb,
                priority: b.priority,
                warning_threshold: b.warning_threshold,
                critical_threshold: b.critical_threshold,
            })
            .collect(),
        levels: manager
            .levels()
            .map(|l| WorldLevel {
                budget: l.budget.map(|b| budgets[b.0 as usize].name.clone()),
                lod: l.lod.as_ref().map(WorldLod::from),
                name: l.name,
                priority: l.priority,
                memory_mb: l.memory_mb,
            })
            .collect(),
        volumes: manager
            .volumes()
            .map(|v| WorldVolume {
                name: v.name.clone(),
                level: manager
                    .level_name(v.level)
                    .expect("a volume's level exists")
                    .to_string(),
                center: v.center.into(),
                radius: v.radius,
                load_distance: v.load_distance,
                unload_distance: Some(v.unload_distance),
                priority: v.priority,
                enabled: v.enabled,
            })
            .collect(),
        sources: manager
            .authored_sources()
            .iter()
            .map(|s| WorldSource {
                name: s.name.clone(),
                position: s.source.position.into(),
                velocity: s.source.velocity.into(),
                priority: s.source.priority,
                look_ahead_seconds: s.source.look_ahead_seconds,
            })
            .collect(),
    }
}

/// [`save_world`] as pretty-printed JSON (two-space indent, trailing newline).
pub fn save_world_json(manager: &StreamingManager) -> String {
    world_to_json(&save_world(manager))
}

/// A world file as pretty-printed JSON (two-space indent, trailing newline).
pub fn world_to_json(world: &WorldFile) -> String {
    let mut text = serde_json::to_string_pretty(world).expect("a world always serialises");
    text.push('\n');
    text
}
