//! Streaming volumes and the wanting rule.
//!
//! The rule, exactly (so tests and hosts can check it): for a volume and the
//! current streaming sources, `d = min over sources of max(0, |source - centre| - radius)`.
//! The volume *wants* its level when `d <= load_distance`, *releases* it when
//! `d > unload_distance`, and in between keeps its previous decision.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::error::{check_name, check_non_negative, StreamingError, StreamingResult};
use super::types::{LevelId, Priority, StreamingSource, Vec3, VolumeId};

/// Distance from `point` to the surface of a sphere (0 inside it).
pub fn gap_distance(point: &Vec3, center: &Vec3, radius: f64) -> f64 {
    (point.distance(center) - radius).max(0.0)
}

/// `d` of the wanting rule: the smallest gap from any source to the volume;
/// infinity when there are no sources.
pub fn nearest_gap(sources: &[StreamingSource], center: &Vec3, radius: f64) -> f64 {
    sources
        .iter()
        .map(|s| gap_distance(&s.position, center, radius))
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
    /// `d` at the last update (infinity before the first one).
    pub distance: f64,
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

/// All volumes, with name lookup. Ids index `slots` directly and are never
/// reused, so a stale id is always detected.
#[derive(Default)]
pub(crate) struct VolumeSet {
    slots: Vec<Option<StreamingVolume>>,
    by_name: HashMap<String, VolumeId>,
}

impl VolumeSet {
    pub(crate) fn get(&self, id: VolumeId) -> StreamingResult<&StreamingVolume> {
        self.slots
            .get(id.0 as usize)
            .and_then(Option::as_ref)
            .ok_or(StreamingError::UnknownVolumeId(id))
    }

    pub(crate) fn get_mut(&mut self, id: VolumeId) -> StreamingResult<&mut StreamingVolume> {
        self.slots
            .get_mut(id.0 as usize)
            .and_then(Option::as_mut)
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
        Ok(volume)
    }

    /// Applies the wanting rule to every enabled volume and calls `changed`
    /// for each volume whose decision flipped (after the flip).
    pub(crate) fn evaluate(
        &mut self,
        sources: &[StreamingSource],
        mut changed: impl FnMut(&StreamingVolume),
    ) {
        for volume in self.slots.iter_mut().flatten() {
            if !volume.enabled {
                continue;
            }
            let d = nearest_gap(sources, &volume.center, volume.radius);
            volume.distance = d;
            let wants = next_wants(
                volume.wants,
                d,
                volume.load_distance,
                volume.unload_distance,
            );
            if wants != volume.wants {
                volume.wants = wants;
                changed(volume);
            }
        }
    }
}
