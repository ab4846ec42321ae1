//! Commands the page sends, applied on the game thread through the same
//! [`StreamingManager`] methods the C functions call.

use std::fmt;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::core::loading_screen::LoadingScreenId;
use crate::core::lod::LodLevel;
use crate::core::{Priority, StreamingError, StreamingManager, Vec3, VolumeDesc};

/// One command, as sent in a WebSocket `command` message or to
/// `POST /api/command`: `{"name": "load_level", "args": {"level": "Forest"}}`.
/// See `docs/dashboard-protocol.md` for each one's arguments and result.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "name", content = "args", rename_all = "snake_case")]
pub enum Command {
    /// `lsm_load_level`: load and pin a level.
    LoadLevel {
        /// Level name.
        level: String,
    },
    /// `lsm_unload_level`: release the manual pin.
    UnloadLevel {
        /// Level name.
        level: String,
    },
    /// `lsm_set_level_visible`.
    SetLevelVisible {
        /// Level name.
        level: String,
        /// Show or hide.
        visible: bool,
    },
    /// `lsm_set_lod`: set a level's LOD by hand (turns auto-adjust off).
    SetLod {
        /// Level name.
        level: String,
        /// "ULTRA", "HIGH", "MEDIUM", "LOW" or "MINIMAL".
        lod: LodLevel,
    },
    /// `lsm_set_lod_auto_adjust`.
    SetLodAutoAdjust {
        /// Level name.
        level: String,
        /// On or off.
        auto_adjust: bool,
    },
    /// `lsm_create_lod_settings`.
    CreateLodSettings {
        /// Level name.
        level: String,
    },
    /// The LOD rule for a level as it stands (`calculate_optimal_lod_for_level`),
    /// or for given figures when `distance` is set (`lsm_calculate_optimal_lod`).
    /// Read-only.
    CalculateOptimalLod {
        /// Level name (when `distance` is not given).
        #[serde(default)]
        level: Option<String>,
        /// Distance to the nearest source.
        #[serde(default)]
        distance: Option<f64>,
        /// Free memory, MB (default: plenty).
        #[serde(default)]
        available_memory_mb: Option<f64>,
        /// Frame time, ms (default: the target).
        #[serde(default)]
        frame_time_ms: Option<f64>,
    },
    /// `lsm_create_streaming_volume`.
    CreateVolume {
        /// Unique volume name.
        name: String,
        /// The level it streams.
        level: String,
        /// Centre.
        center: Vec3,
        /// Radius.
        radius: f64,
        /// Load distance.
        load_distance: f64,
        /// Unload distance (default: load × the configured factor).
        #[serde(default)]
        unload_distance: Option<f64>,
        /// Priority (default NORMAL).
        #[serde(default)]
        priority: Option<Priority>,
        /// Enabled (default true).
        #[serde(default)]
        enabled: Option<bool>,
    },
    /// `lsm_set_volume_enabled`.
    SetVolumeEnabled {
        /// Volume name.
        volume: String,
        /// On or off.
        enabled: bool,
    },
    /// `lsm_set_volume_distances`.
    SetVolumeDistances {
        /// Volume name.
        volume: String,
        /// Radius.
        radius: f64,
        /// Load distance.
        load_distance: f64,
        /// Unload distance (default: load × the configured factor).
        #[serde(default)]
        unload_distance: Option<f64>,
    },
    /// `lsm_move_streaming_volume`.
    MoveVolume {
        /// Volume name.
        volume: String,
        /// New centre.
        center: Vec3,
    },
    /// `lsm_remove_streaming_volume`.
    RemoveVolume {
        /// Volume name.
        volume: String,
    },
    /// `lsm_create_memory_budget`.
    CreateBudget {
        /// Unique budget name.
        name: String,
        /// Maximum, MB.
        max_memory_mb: f64,
        /// Priority (default NORMAL).
        #[serde(default)]
        priority: Option<Priority>,
    },
    /// `lsm_set_budget_thresholds`.
    SetBudgetThresholds {
        /// Budget name.
        budget: String,
        /// Warning fraction.
        warning: f64,
        /// Critical fraction.
        critical: f64,
    },
    /// `lsm_allocate_level_to_budget`.
    AllocateLevel {
        /// Budget name.
        budget: String,
        /// Level name.
        level: String,
        /// Its memory, MB.
        memory_mb: f64,
    },
    /// `lsm_create_loading_screen` (or `..._for_levels` when `levels` is given).
    CreateLoadingScreen {
        /// Title.
        title: String,
        /// Description (default empty).
        #[serde(default)]
        description: String,
        /// Assets to wait for (manual screens).
        #[serde(default)]
        total_assets: u32,
        /// Levels to wait for (bound screens).
        #[serde(default)]
        levels: Option<Vec<String>>,
    },
    /// `lsm_show_loading_screen`.
    ShowLoadingScreen {
        /// Screen id.
        screen: u32,
    },
    /// `lsm_hide_loading_screen`.
    HideLoadingScreen {
        /// Screen id.
        screen: u32,
    },
    /// `lsm_update_loading_progress`.
    SetLoadingProgress {
        /// Screen id.
        screen: u32,
        /// Assets loaded so far.
        assets_loaded: u32,
    },
    /// `lsm_add_loading_tip`.
    AddLoadingTip {
        /// Screen id.
        screen: u32,
        /// The tip.
        tip: String,
    },
    /// `lsm_set_target_frame_time`.
    SetTargetFrameTime {
        /// Target, ms.
        frame_time_ms: f64,
    },
    /// `lsm_get_performance_report`: the full report. Read-only.
    GetReport,
}

/// Why a command failed: a stable code (the C status name without its
/// `LSM_STATUS_` prefix) and a message.
#[derive(Clone, Debug, PartialEq)]
pub struct CommandError {
    /// "UNKNOWN_LEVEL", "NOT_FOUND", "BUSY", "INVALID_ARGUMENT", ...
    pub code: &'static str,
    /// Readable reason.
    pub message: String,
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl From<StreamingError> for CommandError {
    fn from(e: StreamingError) -> Self {
        let code = match &e {
            StreamingError::NonFiniteValue { .. } => "NON_FINITE_VALUE",
            StreamingError::NegativeValue { .. } => "NEGATIVE_VALUE",
            StreamingError::UnloadBelowLoad { .. } => "UNLOAD_BELOW_LOAD",
            StreamingError::InvalidArgument(_) => "INVALID_ARGUMENT",
            StreamingError::UnknownLevelName(_) | StreamingError::UnknownLevelId(_) => {
                "UNKNOWN_LEVEL"
            }
            StreamingError::UnknownVolumeName(_) | StreamingError::UnknownVolumeId(_) => {
                "UNKNOWN_VOLUME"
            }
            StreamingError::DuplicateName { .. } => "DUPLICATE_NAME",
            StreamingError::UnknownRequest(_) => "UNKNOWN_REQUEST",
            StreamingError::RequestAlreadyCompleted(_) => "REQUEST_ALREADY_COMPLETED",
            StreamingError::InvalidTransition { .. } => "INVALID_TRANSITION",
            StreamingError::NotFound { .. } => "NOT_FOUND",
        };
        CommandError {
            code,
            message: e.to_string(),
        }
    }
}

impl CommandError {
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> Self {
        CommandError {
            code,
            message: message.into(),
        }
    }
}

impl Command {
    /// Parses a command from its JSON form (`{"name": ..., "args": {...}}`).
    pub fn from_json(value: Value) -> Result<Command, CommandError> {
        serde_json::from_value(value).map_err(|e| CommandError::new("BAD_COMMAND", e.to_string()))
    }

    /// Whether the command only reads the manager.
    pub fn is_read_only(&self) -> bool {
        matches!(
            self,
            Command::GetReport | Command::CalculateOptimalLod { .. }
        )
    }

    /// Applies the command to `manager` (on the game thread) and returns its
    /// result as JSON.
    pub fn apply(self, manager: &mut StreamingManager) -> Result<Value, CommandError> {
        Ok(match self {
            Command::LoadLevel { level } => {
                let id = manager.load_level(&level)?;
                json!({ "level_id": id.0 })
            }
            Command::UnloadLevel { level } => {
                let id = manager.unload_level(&level)?;
                json!({ "level_id": id.0 })
            }
            Command::SetLevelVisible { level, visible } => {
                manager.set_level_visible(&level, visible)?;
                json!({})
            }
            Command::SetLod { level, lod } => {
                manager.adjust_lod(&level, lod)?;
                json!({ "lod": lod })
            }
            Command::SetLodAutoAdjust { level, auto_adjust } => {
                manager.set_lod_auto_adjust(&level, auto_adjust)?;
                json!({ "auto_adjust": auto_adjust })
            }
            Command::CreateLodSettings { level } => {
                let settings = manager.create_lod_settings(&level)?;
                json!({ "settings": settings })
            }
            Command::CalculateOptimalLod {
                level,
                distance,
                available_memory_mb,
                frame_time_ms,
            } => {
                let lod = match (distance, level) {
                    (Some(distance), _) => manager.calculate_optimal_lod(
                        distance,
                        available_memory_mb.unwrap_or(f64::MAX),
                        frame_time_ms.unwrap_or(manager.profiler().config().target_frame_time_ms),
                    )?,
                    (None, Some(level)) => manager.calculate_optimal_lod_for_level(&level)?,
                    (None, None) => {
                        return Err(CommandError::new(
                            "INVALID_ARGUMENT",
                            "calculate_optimal_lod needs `level` or `distance`",
                        ))
                    }
                };
                json!({ "lod": lod, "quality": lod.quality() })
            }
            Command::CreateVolume {
                name,
                level,
                center,
                radius,
                load_distance,
                unload_distance,
                priority,
                enabled,
            } => {
                let mut desc = VolumeDesc::new(name, level, center, radius, load_distance);
                desc.unload_distance = unload_distance;
                desc.priority = priority.unwrap_or_default();
                desc.enabled = enabled.unwrap_or(true);
                let id = manager.create_streaming_volume(&desc)?;
                json!({ "volume_id": id.0 })
            }
            Command::SetVolumeEnabled { volume, enabled } => {
                let id = manager.find_volume(&volume)?;
                manager.set_volume_enabled(id, enabled)?;
                json!({ "volume_id": id.0 })
            }
            Command::SetVolumeDistances {
                volume,
                radius,
                load_distance,
                unload_distance,
            } => {
                let id = manager.find_volume(&volume)?;
                manager.set_volume_distances(id, radius, load_distance, unload_distance)?;
                json!({ "volume_id": id.0 })
            }
            Command::MoveVolume { volume, center } => {
                let id = manager.find_volume(&volume)?;
                manager.move_streaming_volume(id, center)?;
                json!({ "volume_id": id.0 })
            }
            Command::RemoveVolume { volume } => {
                let id = manager.find_volume(&volume)?;
                manager.remove_streaming_volume(id)?;
                json!({ "volume_id": id.0 })
            }
            Command::CreateBudget {
                name,
                max_memory_mb,
                priority,
            } => {
                let id = manager.create_memory_budget(
                    &name,
                    max_memory_mb,
                    priority.unwrap_or_default(),
                )?;
                json!({ "budget_id": id.0 })
            }
            Command::SetBudgetThresholds {
                budget,
                warning,
                critical,
            } => {
                manager.set_budget_thresholds(&budget, warning, critical)?;
                json!({})
            }
            Command::AllocateLevel {
                budget,
                level,
                memory_mb,
            } => {
                manager.allocate_level_to_budget(&budget, &level, memory_mb)?;
                json!({})
            }
            Command::CreateLoadingScreen {
                title,
                description,
                total_assets,
                levels,
            } => {
                let id = match levels {
                    Some(levels) => {
                        let names: Vec<&str> = levels.iter().map(String::as_str).collect();
                        manager.create_loading_screen_for_levels(&title, &description, &names)?
                    }
                    None => manager.create_loading_screen(&title, &description, total_assets)?,
                };
                json!({ "screen_id": id.0 })
            }
            Command::ShowLoadingScreen { screen } => {
                let visible = manager.show_loading_screen(LoadingScreenId(screen))?;
                json!({ "visible": visible })
            }
            Command::HideLoadingScreen { screen } => {
                manager.hide_loading_screen(LoadingScreenId(screen))?;
                json!({ "visible": false })
            }
            Command::SetLoadingProgress {
                screen,
                assets_loaded,
            } => {
                let progress =
                    manager.update_loading_progress(LoadingScreenId(screen), assets_loaded)?;
                json!({ "progress": progress })
            }
            Command::AddLoadingTip { screen, tip } => {
                manager.add_loading_tip(LoadingScreenId(screen), &tip)?;
                json!({})
            }
            Command::SetTargetFrameTime { frame_time_ms } => {
                manager.set_target_frame_time(frame_time_ms)?;
                json!({ "target_frame_time_ms": frame_time_ms })
            }
            Command::GetReport => serde_json::to_value(manager.get_performance_report())
                .map_err(|e| CommandError::new("INTERNAL", e.to_string()))?,
        })
    }
}
