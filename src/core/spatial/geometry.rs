//! The index's volume geometry, per slot (f64, exact), and the grid query's
//! test of a run of slots against an anchor.

use super::{SourceShape, VolumeGeom};
use crate::core::types::Vec3;

/// Geometry per slot. An array of structs: a build fills it by scattering
/// each volume to its slot (one write stream per cell run, which the
/// caches absorb), and a query reads a run of slots contiguously.
#[derive(Clone, Debug, Default)]
pub(super) struct Geometry {
    slots: Vec<VolumeGeom>,
}

/// How a query tests a run of slots: the anchor, the margin and the slack.
#[derive(Clone, Copy, Debug)]
pub(super) struct ReachTest {
    pub(super) anchor: SourceShape,
    pub(super) margin: f64,
    /// Added to every bound: covers f64 rounding at the cell's coordinates.
    pub(super) slack: f64,
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

    /// Whether slot `i` is in the near set of the test's anchor: a shape
    /// within the margin of the anchor can enter its unload range.
    /// Over-inclusion is harmless; the slack keeps f64 rounding from
    /// excluding a volume that can be reached. NaN geometry (a removed
    /// slot) never reaches.
    #[inline(always)]
    fn reaches(&self, i: usize, test: &ReachTest, dist2: impl Fn(f64, f64, f64) -> f64) -> bool {
        let g = &self.slots[i];
        let bound = (g.radius + g.unload + test.margin) * (1.0 + 1e-9)
            + test.slack
            + 1e-14 * g.center.z.abs();
        dist2(g.center.x, g.center.y, g.center.z) <= bound * bound
    }

    /// Appends to `found` the slots of `range` that reach (see
    /// [`reaches`](Self::reaches)); `flags` is scratch.
    pub(super) fn find_in_range(
        &self,
        range: std::ops::Range<u32>,
        test: &ReachTest,
        flags: &mut Vec<u8>,
        found: &mut Vec<u32>,
    ) {
        let (a, b) = (range.start as usize, range.end as usize);
        let seg = Segment::new(&test.anchor);
        flags.clear();
        flags.resize(b - a, 0);
        // First a loop with no data-dependent control flow (vectorised),
        // then a branch-free compaction: about half the slots pass,
        // unpredictably.
        if seg.point {
            let s = seg.s;
            let dist2 = |x: f64, y: f64, z: f64| {
                let (dx, dy, dz) = (x - s.x, y - s.y, z - s.z);
                dx * dx + dy * dy + dz * dz
            };
            for (f, i) in flags.iter_mut().zip(a..b) {
                *f = self.reaches(i, test, dist2) as u8;
            }
        } else {
            for (f, i) in flags.iter_mut().zip(a..b) {
                *f = self.reaches(i, test, |x, y, z| seg.distance_squared(x, y, z)) as u8;
            }
        }
        let start = found.len();
        found.resize(start + flags.len(), 0);
        let mut n = start;
        for (slot, &f) in (range.start..range.end).zip(flags.iter()) {
            found[n] = slot;
            n += f as usize;
        }
        found.truncate(n);
    }

    /// Appends to `found` the listed `slots` that reach.
    pub(super) fn find_in_list(&self, slots: &[u32], test: &ReachTest, found: &mut Vec<u32>) {
        let seg = Segment::new(&test.anchor);
        found.extend(slots.iter().copied().filter(|&slot| {
            self.reaches(slot as usize, test, |x, y, z| seg.distance_squared(x, y, z))
        }));
    }
}

/// The anchor as a segment, with what the distance needs precomputed.
#[derive(Clone, Copy, Debug)]
struct Segment {
    s: Vec3,
    d: Vec3,
    /// 1 / |d|^2 (0 for a point).
    inv_len2: f64,
    point: bool,
}

impl Segment {
    fn new(shape: &SourceShape) -> Self {
        let d = Vec3::new(
            shape.end.x - shape.start.x,
            shape.end.y - shape.start.y,
            shape.end.z - shape.start.z,
        );
        let len2 = d.x * d.x + d.y * d.y + d.z * d.z;
        let point = len2 == 0.0 || !len2.is_finite();
        Segment {
            s: shape.start,
            d: if point { Vec3::ZERO } else { d },
            inv_len2: if point { 0.0 } else { 1.0 / len2 },
            point,
        }
    }

    /// Squared distance from `(x, y, z)` to the segment (to its start for a
    /// point: with `d = 0` the projection vanishes).
    #[inline(always)]
    fn distance_squared(&self, x: f64, y: f64, z: f64) -> f64 {
        let (px, py, pz) = (x - self.s.x, y - self.s.y, z - self.s.z);
        let t = ((px * self.d.x + py * self.d.y + pz * self.d.z) * self.inv_len2).clamp(0.0, 1.0);
        let (qx, qy, qz) = (px - t * self.d.x, py - t * self.d.y, pz - t * self.d.z);
        qx * qx + qy * qy + qz * qz
    }
}
