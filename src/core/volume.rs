//! Streaming volumes and the wanting rule.
//!
//! The rule, exactly (so tests and hosts can check it): for a volume and the
//! current streaming sources, `d = min over sources of max(0, |source - centre| - radius)`.
//! The volume *wants* its level when `d <= load_distance`, *releases* it when
//! `d > unload_distance`, and in between keeps its previous decision.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::error::{check_name, check_non_negative, StreamingError, StreamingResult};
use super::spatial::{SourceShape, VolumeGeom, WantingIndex};
use super::types::{LevelId, Priority, StreamingSource, Vec3, VolumeId};

/// Distance from `point` to the surface of a sphere (0 inside it).
pub fn gap_distance(point: &Vec3, center: &Vec3, radius: f64) -> f64 {
    (point.distance(center) - radius).max(0.0)
}

/// The shape a source streams with: the segment from its position to its
/// predicted position (a point without look-ahead).
pub fn source_shape(source: &StreamingSource) -> SourceShape {
    SourceShape {
        start: source.position,
        end: source.predicted_position(),
    }
}

/// `d` of the wanting rule: the smallest gap from any source (its
/// look-ahead segment, if any) to the volume; infinity when there are no
/// sources.
pub fn nearest_gap(sources: &[StreamingSource], center: &Vec3, radius: f64) -> f64 {
    let g = VolumeGeom {
        center: *center,
        radius,
        load: 0.0,
        unload: 0.0,
    };
    sources
        .iter()
        .map(|s| source_shape(s).gap(&g))
        .fold(f64::INFINITY, f64::min)
}

/// The hysteresis step of the wanting rule.
pub fn next_wants(previous: bool, d: f64, load_distance: f64, unload_distance: f64) -> bool {
    if d <= load_distance {
        true
    } else if d > unload_distance {
        false
    } else {
        previous
    }
}

/// What a host gives to create a volume.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VolumeDesc {
    /// Unique name.
    pub name: String,
    /// The level it streams; created with defaults if not registered.
    pub level_name: String,
    /// Centre in world space.
    pub center: Vec3,
    /// Radius (>= 0).
    pub radius: f64,
    /// Gap at or under which the volume wants its level (>= 0).
    pub load_distance: f64,
    /// Gap over which it releases it (>= load distance). `None` takes
    /// `load_distance * config.unload_distance_factor`.
    pub unload_distance: Option<f64>,
    /// Request priority of loads this volume causes.
    pub priority: Priority,
    /// Disabled volumes want nothing.
    pub enabled: bool,
}

impl VolumeDesc {
    /// An enabled NORMAL-priority volume with the default unload distance.
    pub fn new(
        name: impl Into<String>,
        level_name: impl Into<String>,
        center: Vec3,
        radius: f64,
        load_distance: f64,
    ) -> Self {
        VolumeDesc {
            name: name.into(),
            level_name: level_name.into(),
            center,
            radius,
            load_distance,
            unload_distance: None,
            priority: Priority::Normal,
            enabled: true,
        }
    }
}

/// A live streaming volume.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StreamingVolume {
    /// Its id.
    pub id: VolumeId,
    /// Its unique name.
    pub name: String,
    /// The level it streams.
    pub level: LevelId,
    /// Centre in world space.
    pub center: Vec3,
    /// Radius.
    pub radius: f64,
    /// See [`VolumeDesc::load_distance`].
    pub load_distance: f64,
    /// See [`VolumeDesc::unload_distance`].
    pub unload_distance: f64,
    /// Request priority.
    pub priority: Priority,
    /// Whether it takes part in streaming.
    pub enabled: bool,
    /// Its current decision.
    pub wants: bool,
}

impl StreamingVolume {
    /// What the spatial index needs of it.
    pub fn geom(&self) -> VolumeGeom {
        VolumeGeom {
            center: self.center,
            radius: self.radius,
            load: self.load_distance,
            unload: self.unload_distance,
        }
    }
}

/// Validates distances and resolves the default unload distance.
pub(crate) fn resolve_distances(
    radius: f64,
    load: f64,
    unload: Option<f64>,
    factor: f64,
) -> StreamingResult<(f64, f64)> {
    check_non_negative("radius", radius)?;
    check_non_negative("load_distance", load)?;
    let unload = match unload {
        Some(u) => check_non_negative("unload_distance", u)?,
        None => load * factor,
    };
    if unload < load {
        return Err(StreamingError::UnloadBelowLoad { load, unload });
    }
    Ok((load, unload))
}

/// All volumes, with name lookup and the spatial index. Ids index `slots`
/// directly and are never reused, so a stale id is always detected.
#[derive(Default)]
pub(crate) struct VolumeSet {
    slots: Vec<Option<StreamingVolume>>,
    by_name: HashMap<String, VolumeId>,
    index: WantingIndex,
    shapes: Vec<SourceShape>,
    flipped: Vec<u32>,
}

impl VolumeSet {
    pub(crate) fn get(&self, id: VolumeId) -> StreamingResult<&StreamingVolume> {
        self.slots
            .get(id.0 as usize)
            .and_then(Option::as_ref)
            .ok_or(StreamingError::UnknownVolumeId(id))
    }

    pub(crate) fn find(&self, name: &str) -> Option<VolumeId> {
        self.by_name.get(name).copied()
    }

    pub(crate) fn len(&self) -> usize {
        self.by_name.len()
    }

    /// One more than the largest id ever given (ids index the slots).
    pub(crate) fn slot_count(&self) -> usize {
        self.slots.len()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &StreamingVolume> {
        self.slots.iter().flatten()
    }

    /// Approximate heap memory of the spatial index.
    pub(crate) fn index_memory_bytes(&self) -> usize {
        self.index.memory_bytes()
    }

    /// Lays the spatial index out again in grid order.
    pub(crate) fn compact_index(&mut self) {
        self.index.compact();
    }

    /// Appends the level of every enabled volume whose gap to `position` is
    /// within its load distance or within `radius` (through the index).
    pub(crate) fn levels_near(&self, position: Vec3, radius: f64, out: &mut Vec<LevelId>) {
        self.index.for_each_near(position, radius, |id| {
            if let Some(volume) = self.slots[id as usize].as_ref() {
                out.push(volume.level);
            }
        });
    }

    /// Checks that `name` is free; call before any other part of a create
    /// changes state.
    pub(crate) fn check_new_name(&self, name: &str) -> StreamingResult<()> {
        check_name("volume", name)?;
        if self.by_name.contains_key(name) {
            return Err(StreamingError::DuplicateName {
                kind: "volume",
                name: name.to_string(),
            });
        }
        Ok(())
    }

    pub(crate) fn insert(&mut self, mut volume: StreamingVolume) -> VolumeId {
        let id = VolumeId(self.slots.len() as u32);
        volume.id = id;
        volume.wants = false;
        if volume.enabled {
            self.index.insert(id.0, &volume.geom());
        }
        self.by_name.insert(volume.name.clone(), id);
        self.slots.push(Some(volume));
        id
    }

    pub(crate) fn remove(&mut self, id: VolumeId) -> StreamingResult<StreamingVolume> {
        let slot = self
            .slots
            .get_mut(id.0 as usize)
            .ok_or(StreamingError::UnknownVolumeId(id))?;
        let volume = slot.take().ok_or(StreamingError::UnknownVolumeId(id))?;
        self.by_name.remove(&volume.name);
        if volume.enabled {
            self.index.remove(id.0);
        }
        Ok(volume)
    }

    /// Enables or disables a volume; returns whether it wanted its level
    /// before (a disabled volume wants nothing).
    pub(crate) fn set_enabled(&mut self, id: VolumeId, enabled: bool) -> StreamingResult<bool> {
        let volume = self
            .slots
            .get_mut(id.0 as usize)
            .and_then(Option::as_mut)
            .ok_or(StreamingError::UnknownVolumeId(id))?;
        let wanted = volume.wants;
        if volume.enabled != enabled {
            volume.enabled = enabled;
            if enabled {
                self.index.insert(id.0, &volume.geom());
            } else {
                self.index.remove(id.0);
                volume.wants = false;
            }
        }
        Ok(wanted)
    }

    /// Changes a volume's geometry; it keeps its decision until the next update.
    pub(crate) fn set_geometry(
        &mut self,
        id: VolumeId,
        center: Vec3,
        radius: f64,
        load: f64,
        unload: f64,
    ) -> StreamingResult<()> {
        let volume = self
            .slots
            .get_mut(id.0 as usize)
            .and_then(Option::as_mut)
            .ok_or(StreamingError::UnknownVolumeId(id))?;
        volume.center = center;
        volume.radius = radius;
        volume.load_distance = load;
        volume.unload_distance = unload;
        if volume.enabled {
            self.index.update_geometry(id.0, &volume.geom());
        }
        Ok(())
    }

    /// Applies the wanting rule for `sources` through the spatial index and
    /// calls `changed` for each volume whose decision flipped (after the flip).
    pub(crate) fn evaluate(
        &mut self,
        sources: &[StreamingSource],
        mut changed: impl FnMut(&StreamingVolume),
    ) {
        self.shapes.clear();
        self.shapes.extend(sources.iter().map(source_shape));
        self.flipped.clear();
        self.index.update(&self.shapes, &mut self.flipped);
        for &id in &self.flipped {
            if let Some(volume) = self.slots[id as usize].as_mut() {
                let wants = self.index.wants(id);
                if volume.enabled && wants != volume.wants {
                    volume.wants = wants;
                    changed(volume);
                }
            }
        }
    }
}
