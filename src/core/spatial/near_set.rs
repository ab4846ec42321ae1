//! A source's near set: the volumes whose unload range it can enter before
//! it is anchored again, scanned every frame in f32 over flat arrays (a
//! loop the compiler vectorises).
//!
//! Each lane keeps the volume centre relative to the source's *origin* (a
//! fixed point that moves only on a teleport or after a long walk, so lanes
//! survive re-anchoring), its unload reach, and the *safe interval* of
//! squared distances in which its zone cannot have changed. The per-frame
//! scan only checks that interval (two comparisons a lane); a lane outside
//! it is re-classified against its thresholds (surely within / surely
//! beyond each reach, widened by a tolerance far above the f32 error of the
//! scan, derived from the lane's coordinates; the load reach is read from
//! the geometry's mirror), and decided in f64 with the brute-force formula
//! when it is too close to a boundary to call.

use super::geometry::{relative, Candidates, Geometry, ReachTest};
use super::{
    exact_zone, max_abs, SourceShape, VolumeGeom, BAND, INSIDE, MAX_F32_SCAN_EXTENT, OUTSIDE,
};
use crate::core::types::Vec3;

/// One near-set entry, unpacked.
#[derive(Clone, Copy, Debug)]
pub(super) struct Lane {
    x: f32,
    y: f32,
    z: f32,
    safe_lo: f32,
    safe_hi: f32,
    /// `radius + unload`, rounded to nearest (as in the geometry's mirror,
    /// which also has `radius + load`).
    reach_unload: f32,
    pub(super) slot: u32,
    pub(super) zone: u8,
}

/// Relative slack of the squared thresholds: far above the few f32
/// roundings that compute them (each at most 6e-8).
const SQUARE_SLACK: f32 = 1e-6;

/// The squared thresholds of a reach `r` with tolerance `tol`: at or below
/// the first the distance is surely within `r`, above the second surely
/// beyond. The first is negative when nothing is surely within.
#[inline(always)]
fn thresholds(r: f32, tol: f32) -> (f32, f32) {
    let (a, b) = (r - tol, r + tol);
    let below = a * a * (1.0 - SQUARE_SLACK);
    // A select, not a branch: a rebuild makes a thousand lanes in a row.
    (
        if a > 0.0 { below } else { -1.0 },
        b * b * (1.0 + SQUARE_SLACK),
    )
}

/// What a lane's squared distance says: whether the zone is sure in f32,
/// the zone, and the safe interval around `d2` (zone and interval are
/// meaningless when not sure). Branch free, so a batch of lanes vectorises.
#[inline(always)]
fn classify(d2: f32, reach_load: f32, reach_unload: f32, tol: f32) -> (bool, u8, f32, f32) {
    let (load_lo, load_hi) = thresholds(reach_load, tol);
    let (unload_lo, unload_hi) = thresholds(reach_unload, tol);
    // Surely within / surely beyond each reach. Comparisons with NaN are
    // false: a NaN distance or reach is never sure.
    let (in_load, out_load) = (d2 <= load_lo, d2 > load_hi);
    let (in_unload, out_unload) = (d2 <= unload_lo, d2 > unload_hi);
    // An overflowing square (absurd sizes) leaves the lane to f64.
    let sure = (in_load | out_load) & (in_unload | out_unload) & (unload_hi < f32::INFINITY);
    const _: () = assert!(INSIDE == 0 && BAND == 1 && OUTSIDE == 2);
    let zone = (!in_load) as u8 * (1 + out_unload as u8);
    // The interval each reach allows, intersected (selects, not `max` and
    // `min`, which would order NaN: nothing is NaN when sure).
    let pick = |c: bool, a: f32, b: f32| if c { a } else { b };
    let (a_lo, b_lo) = (
        pick(in_load, f32::NEG_INFINITY, load_hi),
        pick(in_unload, f32::NEG_INFINITY, unload_hi),
    );
    let (a_hi, b_hi) = (
        pick(in_load, load_lo, f32::INFINITY),
        pick(in_unload, unload_lo, f32::INFINITY),
    );
    (
        sure,
        zone,
        pick(a_lo > b_lo, a_lo, b_lo),
        pick(a_hi < b_hi, a_hi, b_hi),
    )
}

/// The safe interval a lane gets: `classify`'s when sure, else an empty one
/// (the lane is settled in f64 at every scan until it is sure again).
#[inline(always)]
fn safe_interval(sure: bool, lo: f32, hi: f32) -> (f32, f32) {
    if sure {
        (lo, hi)
    } else {
        (f32::INFINITY, f32::INFINITY)
    }
}

/// Where a tracker's lanes are measured from and what their tolerances
/// assume: the origin, and how far any point of the source's shape gets
/// from it until the origin changes.
#[derive(Clone, Copy, Debug)]
pub(super) struct LaneFrame {
    pub(super) origin: Vec3,
    pub(super) extent: f64,
    /// What every lane's tolerance scale includes besides its own distance
    /// and reach: the extent, a cell (the grid mirror's coordinates are
    /// relative to cells) and the origin's height twice (heights are
    /// absolute in the mirror). Infinite when the extent is too large for
    /// the f32 scan (an absurd look-ahead): no lane is ever sure in f32
    /// then, nor surely out of reach, so every one is decided in f64.
    base: f32,
    /// The origin's largest absolute coordinate.
    magnitude: f32,
}

impl LaneFrame {
    pub(super) fn new(origin: Vec3, extent: f64, cell_size: f64) -> Self {
        let base = if extent > MAX_F32_SCAN_EXTENT {
            f32::INFINITY
        } else {
            ((extent + cell_size + 2.0 * origin.z.abs()) * (1.0 + 1e-6)) as f32
        };
        LaneFrame {
            origin,
            extent,
            base,
            magnitude: (max_abs(&origin) * (1.0 + 1e-6)) as f32,
        }
    }

    /// A lane's tolerance: how far its f32 distance may be from the exact
    /// one, with a wide margin. The lane's coordinates (f32, relative to
    /// the origin) are within ~1e-7 of `dist + base` of the exact ones, and
    /// the scan's arithmetic adds as much; `1e-5` of the scale is a hundred
    /// times that. Any over-estimate is sound (more lanes settle in f64).
    #[inline(always)]
    fn tol(&self, dist: f32, reach_unload: f32) -> f32 {
        let scale = dist * (1.0 + 1e-5) + self.base + reach_unload;
        (1e-5 * scale + 1e-14 * (self.magnitude + scale) + 1e-4) * (1.0 + 1e-5)
    }

    /// The tolerance of a lane at `(x, y, z)` from the origin: a function of
    /// what the lane keeps, so it is computed again rather than stored.
    #[inline(always)]
    fn lane_tol(&self, (x, y, z): (f32, f32, f32), reach_unload: f32) -> f32 {
        self.tol((x * x + y * y + z * z).sqrt(), reach_unload)
    }

    /// One tolerance for a batch of lanes within `radius` of `start` (both
    /// relative to the origin) whose largest unload reach is `reach_max`:
    /// at least each lane's own ([`tol`](Self::tol) grows with both, and
    /// the extent in `base` dwarfs the rest, so it is barely larger).
    /// Spares a rebuild a square root and a dozen operations per lane.
    fn batch_tol(&self, (sx, sy, sz): (f32, f32, f32), radius: f32, reach_max: f32) -> f32 {
        let from_origin = (sx * sx + sy * sy + sz * sz).sqrt();
        // Rounded up past the rounding of the sum and the square root.
        self.tol((from_origin + radius) * (1.0 + 1e-6), reach_max)
    }
}

impl Lane {
    /// A lane for `g` in `frame`, classified for `rel`; `exact()` gives its
    /// zone for the current shape in f64 when f32 cannot call it (as in
    /// [`NearSet::classify_appended`], which builds lanes in bulk).
    pub(super) fn new(
        slot: u32,
        g: &VolumeGeom,
        frame: &LaneFrame,
        rel: &RelShape,
        exact: impl Fn() -> u8,
    ) -> Lane {
        let c = relative(&g.center, &frame.origin);
        let mut lane = Lane {
            x: c.x as f32,
            y: c.y as f32,
            z: c.z as f32,
            safe_lo: f32::INFINITY,
            safe_hi: f32::INFINITY,
            reach_unload: (g.radius + g.unload) as f32,
            slot,
            zone: OUTSIDE,
        };
        let d2 = rel.d2(lane.x, lane.y, lane.z);
        let (sure, class_zone, lo, hi) = lane.classify(d2, (g.radius + g.load) as f32, frame);
        debug_assert!(
            !sure || class_zone == exact(),
            "f32 class disagrees with f64"
        );
        lane.zone = if sure { class_zone } else { exact() };
        (lane.safe_lo, lane.safe_hi) = safe_interval(sure, lo, hi);
        lane
    }

    /// [`classify`] for this lane, given its `radius + load`.
    fn classify(&self, d2: f32, reach_load: f32, frame: &LaneFrame) -> (bool, u8, f32, f32) {
        let tol = frame.lane_tol((self.x, self.y, self.z), self.reach_unload);
        classify(d2, reach_load, self.reach_unload, tol)
    }
}

/// The source's current shape relative to its origin, in f32.
#[derive(Clone, Copy, Debug)]
pub(super) struct RelShape {
    sx: f32,
    sy: f32,
    sz: f32,
    dx: f32,
    dy: f32,
    dz: f32,
    /// 1 / |d|^2, or 0 for a point.
    inv_len2: f32,
}

impl RelShape {
    pub(super) fn new(shape: &SourceShape, origin: &Vec3) -> Self {
        let s = [
            (shape.start.x - origin.x) as f32,
            (shape.start.y - origin.y) as f32,
            (shape.start.z - origin.z) as f32,
        ];
        let e = [
            (shape.end.x - origin.x) as f32,
            (shape.end.y - origin.y) as f32,
            (shape.end.z - origin.z) as f32,
        ];
        let (dx, dy, dz) = (e[0] - s[0], e[1] - s[1], e[2] - s[2]);
        let len2 = dx * dx + dy * dy + dz * dz;
        RelShape {
            sx: s[0],
            sy: s[1],
            sz: s[2],
            dx,
            dy,
            dz,
            inv_len2: if len2 > 0.0 { 1.0 / len2 } else { 0.0 },
        }
    }

    fn is_point(&self) -> bool {
        self.inv_len2 == 0.0
    }

    /// The start of the shape.
    fn start(&self) -> (f32, f32, f32) {
        (self.sx, self.sy, self.sz)
    }

    /// Squared distance from a relative centre to the segment (f32). For a
    /// point `t = 0` and this is the point distance, bit for bit.
    // max/min rather than clamp: a NaN parameter (inf * 0) becomes 0, not NaN.
    #[allow(clippy::manual_clamp)]
    #[inline(always)]
    fn d2(&self, x: f32, y: f32, z: f32) -> f32 {
        let (px, py, pz) = (x - self.sx, y - self.sy, z - self.sz);
        let t = ((px * self.dx + py * self.dy + pz * self.dz) * self.inv_len2)
            .max(0.0)
            .min(1.0);
        let (qx, qy, qz) = (px - t * self.dx, py - t * self.dy, pz - t * self.dz);
        qx * qx + qy * qy + qz * qz
    }

    #[inline(always)]
    fn point_d2(&self, x: f32, y: f32, z: f32) -> f32 {
        let (px, py, pz) = (x - self.sx, y - self.sy, z - self.sz);
        px * px + py * py + pz * pz
    }
}

/// Expands `$apply!(safe_lo safe_hi zone)`: the columns of a near set
/// besides its coordinates (a [`Candidates`]), one entry per lane.
macro_rules! own_columns {
    ($apply:ident) => {
        $apply!(safe_lo safe_hi zone)
    };
}

/// The lanes of a near set, as flat arrays: the scan reads the coordinates
/// and the safe interval, a re-classification the rest.
#[derive(Clone, Debug, Default)]
pub(super) struct NearSet {
    /// Slot, centre relative to the tracker's origin, and `radius +
    /// unload` (the re-anchoring's drop test reads it; a re-classification
    /// takes `radius + load` from the geometry's mirror, and derives the
    /// tolerance from the coordinates). Grid queries append to it directly.
    coords: Candidates,
    /// The zone holds while `safe_lo < d^2 <= safe_hi`.
    safe_lo: Vec<f32>,
    safe_hi: Vec<f32>,
    /// The exact zone this source contributes to the volume's counts.
    zone: Vec<u8>,
    /// Scratch of the scan: 1 where a lane left its safe interval.
    flags: Vec<u8>,
    /// Bounds on the lanes' `x` and `y`, so that removing a volume looks
    /// only at the near sets that can hold it. Loose: lanes dropped since
    /// the last rebuild (a teleport, or every 32 km) still count.
    bounds: Bounds,
}

/// Bounds on a near set's lane coordinates.
#[derive(Clone, Copy, Debug)]
struct Bounds {
    xy: [f32; 4],
    /// A lane's coordinate is not finite (absurd sizes): bounds say nothing.
    unbounded: bool,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            xy: [
                f32::INFINITY,
                f32::INFINITY,
                f32::NEG_INFINITY,
                f32::NEG_INFINITY,
            ],
            unbounded: false,
        }
    }
}

impl Bounds {
    /// Widened to hold the point `(x, y)`.
    fn widen(&mut self, x: f32, y: f32) {
        let [x0, y0, x1, y1] = &mut self.xy;
        (*x0, *y0, *x1, *y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        self.unbounded |= !(x.is_finite() && y.is_finite());
    }

    /// Widened to hold the points within `radius` of `(x, y)` (which has
    /// room for the rounding of the box's corners).
    fn widen_around(&mut self, (x, y): (f32, f32), radius: f32) {
        let r = radius + 1e-5 * (x.abs() + y.abs()) + 1e-3;
        if r.is_finite() && x.is_finite() && y.is_finite() {
            let [x0, y0, x1, y1] = &mut self.xy;
            (*x0, *y0) = (x0.min(x - r), y0.min(y - r));
            (*x1, *y1) = (x1.max(x + r), y1.max(y + r));
        } else {
            self.unbounded = true;
        }
    }
}

/// Flags the lanes whose squared distance left their safe interval. Plain
/// indexed loops over equal-length slices: the form the auto-vectoriser
/// turns into packed compares.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn flag_unsafe(
    (x, y, z): (&[f32], &[f32], &[f32]),
    (lo, hi): (&[f32], &[f32]),
    flags: &mut [u8],
    d2: impl Fn(f32, f32, f32) -> f32,
) {
    let n = flags.len();
    let (x, y, z, lo, hi) = (&x[..n], &y[..n], &z[..n], &lo[..n], &hi[..n]);
    for i in 0..n {
        let d2 = d2(x[i], y[i], z[i]);
        flags[i] = !((d2 > lo[i]) & (d2 <= hi[i])) as u8;
    }
}

/// Flags the lanes whose squared distance surely exceeds their unload
/// reach plus `margin`.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn flag_beyond(
    (x, y, z): (&[f32], &[f32], &[f32]),
    reach: &[f32],
    (margin, frame): (f32, &LaneFrame),
    flags: &mut [u8],
    d2: impl Fn(f32, f32, f32) -> f32,
) {
    let n = flags.len();
    let (x, y, z, reach) = (&x[..n], &y[..n], &z[..n], &reach[..n]);
    for i in 0..n {
        let tol = frame.lane_tol((x[i], y[i], z[i]), reach[i]);
        let (_, limit) = thresholds(reach[i] + margin, tol);
        flags[i] = (d2(x[i], y[i], z[i]) > limit) as u8;
    }
}

/// The columns [`classify_new_lanes`] writes.
struct LaneOutputs<'a> {
    safe_lo: &'a mut [f32],
    safe_hi: &'a mut [f32],
    zone: &'a mut [u8],
    /// 1 where the zone is not sure in f32 (left to f64).
    unsure: &'a mut [u8],
}

/// Gives new lanes their safe interval and (when sure) zone from
/// their squared distance (see [`classify`]), with one tolerance for all
/// of them (at least each one's own: see [`LaneFrame::batch_tol`]).
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn classify_new_lanes(
    (x, y, z): (&[f32], &[f32], &[f32]),
    (reach_load, reach_unload): (&[f32], &[f32]),
    out: LaneOutputs,
    tol: f32,
    d2: impl Fn(f32, f32, f32) -> f32,
) {
    let n = out.unsure.len();
    let (x, y, z) = (&x[..n], &y[..n], &z[..n]);
    let (reach_load, reach_unload) = (&reach_load[..n], &reach_unload[..n]);
    let (safe_lo, safe_hi) = (&mut out.safe_lo[..n], &mut out.safe_hi[..n]);
    let zone = &mut out.zone[..n];
    for i in 0..n {
        let (sure, class_zone, lo, hi) =
            classify(d2(x[i], y[i], z[i]), reach_load[i], reach_unload[i], tol);
        (safe_lo[i], safe_hi[i]) = safe_interval(sure, lo, hi);
        zone[i] = class_zone;
        out.unsure[i] = !sure as u8;
    }
}

/// How far the lanes get from `(sx, sy, sz)` (rounded up past the f32
/// rounding of their distances), and their largest unload reach: infinite
/// when a coordinate or reach is not finite or a reach is negative (which
/// only makes tolerances, and bounds, infinite).
#[allow(clippy::needless_range_loop)]
fn farthest(
    (x, y, z): (&[f32], &[f32], &[f32]),
    reach: &[f32],
    (sx, sy, sz): (f32, f32, f32),
) -> (f32, f32) {
    let n = reach.len();
    let (x, y, z) = (&x[..n], &y[..n], &z[..n]);
    // The bits of a non-negative float order as the float does, with
    // infinity and NaN above every finite value and negative floats above
    // those: an integer maximum, which vectorises (a float one does not,
    // as it must order NaN).
    let (mut d2_max, mut reach_max) = (0u32, 0u32);
    for i in 0..n {
        let (dx, dy, dz) = (x[i] - sx, y[i] - sy, z[i] - sz);
        d2_max = d2_max.max((dx * dx + dy * dy + dz * dz).to_bits());
        reach_max = reach_max.max(reach[i].to_bits());
    }
    let value = |bits: u32| {
        if bits < f32::INFINITY.to_bits() {
            f32::from_bits(bits)
        } else {
            f32::INFINITY
        }
    };
    let radius = value(d2_max).sqrt() * (1.0 + 1e-5) + 1e-3;
    (radius, value(reach_max))
}

/// Calls `f(i)`, in increasing order, for every non-zero flag.
fn visit_flags(flags: &[u8], mut f: impl FnMut(usize)) {
    // Almost every block of flags is zero.
    let blocks = flags.chunks_exact(16);
    let tail = blocks.remainder();
    for (b, block) in blocks.enumerate() {
        let mut bits = u128::from_le_bytes(block.try_into().expect("16 bytes"));
        while bits != 0 {
            let j = bits.trailing_zeros() as usize / 8;
            bits &= !(0xff << (j * 8));
            f(b * 16 + j);
        }
    }
    let base = flags.len() - tail.len();
    for (j, &flag) in tail.iter().enumerate() {
        if flag != 0 {
            f(base + j);
        }
    }
}

impl NearSet {
    pub(super) fn len(&self) -> usize {
        self.coords.len()
    }

    pub(super) fn clear(&mut self) {
        self.coords.clear();
        macro_rules! clear {
            ($($column:ident)*) => { $(self.$column.clear();)* };
        }
        own_columns!(clear);
        self.bounds = Bounds::default();
    }

    pub(super) fn push(&mut self, lane: &Lane) {
        self.coords
            .push(lane.slot, (lane.x, lane.y, lane.z), lane.reach_unload);
        macro_rules! push {
            ($($column:ident)*) => { $(self.$column.push(lane.$column);)* };
        }
        own_columns!(push);
        self.bounds.widen(lane.x, lane.y);
    }

    /// Whether a lane at about `(x, y)` (a volume's centre relative to the
    /// origin, in f32) can be in the set: `slack` covers the difference in
    /// rounding between the caller's coordinates and the lanes'.
    pub(super) fn may_hold(&self, (x, y): (f32, f32), slack: f32) -> bool {
        let [x0, y0, x1, y1] = self.bounds.xy;
        self.bounds.unbounded
            || !(x.is_finite() && y.is_finite())
            || (x >= x0 - slack && x <= x1 + slack && y >= y0 - slack && y <= y1 + slack)
    }

    pub(super) fn slot(&self, i: usize) -> u32 {
        self.coords.slot[i]
    }

    pub(super) fn zone(&self, i: usize) -> u8 {
        self.zone[i]
    }

    /// Where a grid query appends the coordinates of new lanes; then
    /// [`classify_appended`](Self::classify_appended) completes them.
    pub(super) fn coords_mut(&mut self) -> &mut Candidates {
        &mut self.coords
    }

    /// Completes the lanes appended to the coordinates from `base` on,
    /// whose `radius + load` are `reach_load` (one each, as copied from the
    /// geometry's f32 mirror), classified for `rel`; `exact(slot)` decides
    /// the zone of a lane too close to a boundary to call in f32 (as in the
    /// scan). A rebuild makes a thousand lanes in a row: the classification
    /// is a vectorised pass with one tolerance for the batch.
    pub(super) fn classify_appended(
        &mut self,
        base: usize,
        reach_load: &[f32],
        (frame, rel): (&LaneFrame, &RelShape),
        exact: impl Fn(u32) -> u8,
    ) {
        let end = self.len();
        debug_assert_eq!(reach_load.len(), end - base, "one load reach per new lane");
        macro_rules! grow {
            ($($column:ident)*) => { $(self.$column.resize(end, Default::default());)* };
        }
        own_columns!(grow);
        let c = &self.coords;
        let coords = (&c.x[base..], &c.y[base..], &c.z[base..]);
        let start = rel.start();
        let (radius, reach_max) = farthest(coords, &c.reach_unload[base..], start);
        self.bounds.widen_around((start.0, start.1), radius);
        let tol = frame.batch_tol(start, radius, reach_max);
        self.flags.resize(end - base, 0);
        let reaches = (reach_load, &c.reach_unload[base..]);
        let out = LaneOutputs {
            safe_lo: &mut self.safe_lo[base..],
            safe_hi: &mut self.safe_hi[base..],
            zone: &mut self.zone[base..],
            unsure: &mut self.flags[..],
        };
        if rel.is_point() {
            classify_new_lanes(coords, reaches, out, tol, |x, y, z| rel.point_d2(x, y, z));
        } else {
            classify_new_lanes(coords, reaches, out, tol, |x, y, z| rel.d2(x, y, z));
        }
        let (slots, zones) = (&c.slot[base..], &mut self.zone[base..]);
        visit_flags(&self.flags, |i| zones[i] = exact(slots[i]));
        #[cfg(debug_assertions)]
        for i in base..end {
            let c = &self.coords;
            let own = frame.lane_tol((c.x[i], c.y[i], c.z[i]), c.reach_unload[i]);
            // A lane's own is infinite when its squared distance overflows
            // f32 (absurd sizes); the batch's still bounds its error.
            assert!(
                tol >= own || !own.is_finite(),
                "batch tolerance below a lane's"
            );
            assert_eq!(
                self.zone[i],
                exact(c.slot[i]),
                "f32 class disagrees with f64"
            );
        }
    }

    fn lane(&self, i: usize) -> Lane {
        let c = &self.coords;
        Lane {
            x: c.x[i],
            y: c.y[i],
            z: c.z[i],
            safe_lo: self.safe_lo[i],
            safe_hi: self.safe_hi[i],
            reach_unload: c.reach_unload[i],
            slot: c.slot[i],
            zone: self.zone[i],
        }
    }

    /// The lane of `slot`, if any. Blocks of 16 slots are compared without
    /// an early exit (packed compares), so looking through a thousand lanes
    /// for each of 64 sources stays cheap when a host removes volumes.
    pub(super) fn position_of(&self, slot: u32) -> Option<usize> {
        let slots = &self.coords.slot;
        let blocks = slots.chunks_exact(16);
        let tail = blocks.remainder();
        for (b, block) in blocks.enumerate() {
            if block.iter().map(|&s| (s == slot) as u32).sum::<u32>() != 0 {
                return block.iter().position(|&s| s == slot).map(|j| b * 16 + j);
            }
        }
        let base = slots.len() - tail.len();
        tail.iter().position(|&s| s == slot).map(|j| base + j)
    }

    /// Removes lane `i` (the last lane takes its place).
    pub(super) fn swap_remove(&mut self, i: usize) {
        self.coords.swap_remove(i);
        macro_rules! swap_remove {
            ($($column:ident)*) => { $(self.$column.swap_remove(i);)* };
        }
        own_columns!(swap_remove);
    }

    /// Keeps room for the near set to grow as the source moves on, so that
    /// a frame does not allocate: when fewer than an eighth more lanes
    /// would fit, makes room for half as many again. A set that fluctuates
    /// (the usual case) then never reallocates after its first anchorings,
    /// and the room stays between an eighth and a half of the lanes (64
    /// sources' near sets are a visible share of the index's memory).
    pub(super) fn reserve_headroom(&mut self) {
        self.reserve_headroom_for(self.len());
    }

    /// [`reserve_headroom`](Self::reserve_headroom) for a set of `len`
    /// lanes (the one a rebuild expects to make).
    pub(super) fn reserve_headroom_for(&mut self, len: usize) {
        // The columns grow apart (a rebuild appends coordinates span by
        // span): the tightest one decides.
        let capacity = self
            .coords
            .capacity()
            .min(self.safe_lo.capacity())
            .min(self.safe_hi.capacity())
            .min(self.zone.capacity());
        if capacity >= len + len / 8 + 64 {
            return;
        }
        let target = len + len / 2 + 64;
        // `reserve_exact` counts from the current length.
        let more = target.saturating_sub(self.len());
        self.coords.reserve_exact(more);
        macro_rules! reserve {
            ($($column:ident)*) => { $(self.$column.reserve_exact(more);)* };
        }
        own_columns!(reserve);
        self.flags
            .reserve_exact(target.saturating_sub(self.flags.len()));
    }

    /// Lanes with their slot and zone.
    pub(super) fn entries(&self) -> impl Iterator<Item = (usize, u32, u8)> + '_ {
        self.coords
            .slot
            .iter()
            .zip(&self.zone)
            .enumerate()
            .map(|(i, (&slot, &zone))| (i, slot, zone))
    }

    /// Re-evaluates lane `i` for the current shape: returns `(old, new)`
    /// zones. `exact` decides an uncertain lane in f64.
    pub(super) fn settle_lane(
        &mut self,
        i: usize,
        (rel, frame): (&RelShape, &LaneFrame),
        geoms: &Geometry,
        exact: impl FnOnce(u32) -> u8,
    ) -> (u8, u8) {
        let lane = self.lane(i);
        let (reach_load, _) = geoms.reaches(lane.slot);
        let (sure, zone, lo, hi) = lane.classify(rel.d2(lane.x, lane.y, lane.z), reach_load, frame);
        let zone = if sure { zone } else { exact(lane.slot) };
        (self.safe_lo[i], self.safe_hi[i]) = safe_interval(sure, lo, hi);
        self.zone[i] = zone;
        (lane.zone, zone)
    }

    /// Calls `f(lane)` for every lane whose squared distance to `rel` left
    /// its safe interval.
    pub(super) fn for_each_unsafe(&mut self, rel: &RelShape, f: impl FnMut(usize)) {
        let n = self.len();
        self.flags.resize(n, 0);
        let c = &self.coords;
        let coords = (&c.x[..], &c.y[..], &c.z[..]);
        let interval = (&self.safe_lo[..], &self.safe_hi[..]);
        if rel.is_point() {
            flag_unsafe(coords, interval, &mut self.flags, |x, y, z| {
                rel.point_d2(x, y, z)
            });
        } else {
            flag_unsafe(coords, interval, &mut self.flags, |x, y, z| rel.d2(x, y, z));
        }
        visit_flags(&self.flags, f);
    }

    /// Calls `f(lane)`, in increasing order, for every lane whose volume
    /// surely cannot be reached from a shape within `margin` of the anchor
    /// `rel`.
    pub(super) fn for_each_unreachable(
        &mut self,
        (rel, frame): (&RelShape, &LaneFrame),
        margin: f64,
        f: impl FnMut(usize),
    ) {
        let n = self.len();
        self.flags.resize(n, 0);
        let c = &self.coords;
        let coords = (&c.x[..], &c.y[..], &c.z[..]);
        // Rounded up: over-keeping a lane is harmless.
        let margin = (margin * (1.0 + 1e-6)) as f32;
        let limits = (margin, frame);
        flag_beyond(
            coords,
            &c.reach_unload,
            limits,
            &mut self.flags,
            |x, y, z| rel.d2(x, y, z),
        );
        visit_flags(&self.flags, f);
    }

    pub(super) fn memory_bytes(&self) -> usize {
        fn bytes<T>(v: &Vec<T>) -> usize {
            v.capacity() * std::mem::size_of::<T>()
        }
        macro_rules! sum {
            ($($column:ident)*) => { 0 $(+ bytes(&self.$column))* };
        }
        self.coords.memory_bytes() + own_columns!(sum) + bytes(&self.flags)
    }
}

/// Per-source state: the shapes, the origin and the near set.
#[derive(Clone, Debug)]
pub(super) struct Tracker {
    /// The shape this frame.
    pub(super) shape: SourceShape,
    /// The shape at the last anchoring: the near set holds every volume
    /// whose reach the source can enter while both ends of its shape stay
    /// within the margin of this shape's ends.
    pub(super) anchor: SourceShape,
    /// Lanes are relative to `frame.origin`; `frame.extent` is how far from
    /// it the shape may get before the lanes are rebuilt around a new origin
    /// (their tolerances assume it).
    pub(super) frame: LaneFrame,
    /// Whether the lanes were built for the current origin (false: none yet,
    /// or the last anchor was not finite).
    pub(super) has_origin: bool,
    pub(super) lanes: NearSet,
}

impl Tracker {
    pub(super) fn new(shape: SourceShape) -> Self {
        Tracker {
            shape,
            anchor: shape,
            frame: LaneFrame::new(shape.start, 0.0, 0.0),
            has_origin: false,
            lanes: NearSet::default(),
        }
    }

    /// False when the anchor is not finite: the source tracks (and wants)
    /// nothing.
    pub(super) fn finite(&self) -> bool {
        self.anchor.is_finite()
    }

    /// Whether a volume belongs in the near set of the current anchor (the
    /// grid query's test).
    pub(super) fn reaches(&self, g: &VolumeGeom, margin: f64) -> bool {
        ReachTest::new(&self.anchor, margin, max_abs(&g.center)).reaches(g)
    }

    /// Whether the current shape is still within the margin of the anchor.
    pub(super) fn anchor_holds(&self, margin: f64) -> bool {
        self.shape.start.distance(&self.anchor.start) <= margin
            && self.shape.end.distance(&self.anchor.end) <= margin
    }

    /// A fresh lane for a volume, for the current shape.
    pub(super) fn lane(&self, slot: u32, g: &VolumeGeom) -> Lane {
        let rel = RelShape::new(&self.shape, &self.frame.origin);
        Lane::new(slot, g, &self.frame, &rel, || exact_zone(&self.shape, g))
    }

    /// Whether the near set can hold a lane for a volume centred at
    /// `center`: its coordinates as a lane would have them, with a slack far
    /// above the difference in rounding (the grid mirror's lanes are built
    /// from cell-relative f32 coordinates of cells of `cell_size`).
    pub(super) fn may_hold(&self, center: &Vec3, cell_size: f64) -> bool {
        let Vec3 { x, y, .. } = relative(center, &self.frame.origin);
        let slack = (1e-5 * (x.abs() + y.abs() + cell_size) + 1.0) as f32;
        self.lanes.may_hold((x as f32, y as f32), slack)
    }

    pub(super) fn memory_bytes(&self) -> usize {
        self.lanes.memory_bytes()
    }
}
