//! The index's volume geometry, per slot (f64, exact), and the grid query's
//! test of a run of slots against an anchor.

use super::{max_abs, SourceShape, VolumeGeom};
use crate::core::types::Vec3;

/// Geometry per slot. An array of structs: a build fills it by scattering
/// each volume to its slot (one write stream per cell run, which the
/// caches absorb), and a query reads a run of slots contiguously.
#[derive(Clone, Debug, Default)]
pub(super) struct Geometry {
    slots: Vec<VolumeGeom>,
}

/// The near-set membership test: can a shape within `margin` of `anchor`
/// enter the volume's unload range? Over-inclusion is harmless; the slack
/// keeps f64 rounding from excluding a volume that can be reached. NaN
/// geometry (a removed slot) never passes.
#[derive(Clone, Copy, Debug)]
pub(super) struct ReachTest {
    anchor: SourceShape,
    margin: f64,
    /// Covers f64 rounding at the coordinates involved.
    slack: f64,
}

impl ReachTest {
    /// The test for `anchor`, for volumes whose centre coordinates are at
    /// most `magnitude` in absolute value (apart from the height, which
    /// [`bound`](Self::bound) accounts for).
    pub(super) fn new(anchor: &SourceShape, margin: f64, magnitude: f64) -> Self {
        let shape = max_abs(&anchor.start).max(max_abs(&anchor.end));
        ReachTest {
            anchor: *anchor,
            margin,
            slack: 1e-6 + 1e-14 * (shape + magnitude),
        }
    }

    /// The largest distance from the anchor at which the volume passes.
    #[inline(always)]
    fn bound(&self, radius: f64, unload: f64, z: f64) -> f64 {
        (radius + unload + self.margin) * (1.0 + 1e-9) + self.slack + 1e-14 * z.abs()
    }

    /// Whether `g` passes.
    pub(super) fn reaches(&self, g: &VolumeGeom) -> bool {
        let bound = self.bound(g.radius, g.unload, g.center.z);
        self.anchor.distance_to(&g.center) <= bound
    }
}

impl Geometry {
    /// `n` slots of zeros, to be filled with [`set`](Self::set).
    pub(super) fn zeroed(n: usize) -> Self {
        let zero = VolumeGeom {
            center: Vec3::ZERO,
            radius: 0.0,
            load: 0.0,
            unload: 0.0,
        };
        Geometry {
            slots: vec![zero; n],
        }
    }

    pub(super) fn get(&self, slot: u32) -> VolumeGeom {
        self.slots[slot as usize]
    }

    pub(super) fn set(&mut self, slot: u32, g: &VolumeGeom) {
        self.slots[slot as usize] = *g;
    }

    pub(super) fn push(&mut self, g: &VolumeGeom) {
        self.slots.push(*g);
    }

    pub(super) fn len(&self) -> usize {
        self.slots.len()
    }

    pub(super) fn memory_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<VolumeGeom>()
    }

    /// Appends to `found` the slots of `range` that pass `test`; `flags` is
    /// scratch.
    pub(super) fn find_in_range(
        &self,
        range: std::ops::Range<u32>,
        test: &ReachTest,
        flags: &mut Vec<u8>,
        found: &mut Vec<u32>,
    ) {
        let run = &self.slots[range.start as usize..range.end as usize];
        flags.clear();
        if test.anchor.start == test.anchor.end {
            // A point: squared distances in a loop with no data-dependent
            // control flow (vectorised).
            let s = test.anchor.start;
            flags.extend(run.iter().map(|g| {
                let (dx, dy, dz) = (g.center.x - s.x, g.center.y - s.y, g.center.z - s.z);
                let bound = test.bound(g.radius, g.unload, g.center.z);
                (dx * dx + dy * dy + dz * dz <= bound * bound) as u8
            }));
        } else {
            flags.extend(run.iter().map(|g| test.reaches(g) as u8));
        }
        // A branch-free compaction: about half the slots pass, unpredictably.
        let start = found.len();
        found.resize(start + flags.len(), 0);
        let mut n = start;
        for (slot, &f) in range.zip(flags.iter()) {
            found[n] = slot;
            n += f as usize;
        }
        found.truncate(n);
    }

    /// Appends to `found` the listed `slots` that pass `test`.
    pub(super) fn find_in_list(&self, slots: &[u32], test: &ReachTest, found: &mut Vec<u32>) {
        found.extend(
            slots
                .iter()
                .copied()
                .filter(|&slot| test.reaches(&self.slots[slot as usize])),
        );
    }
}
