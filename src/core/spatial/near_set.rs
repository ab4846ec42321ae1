//! A source's near set: the volumes whose unload range it can enter before
//! it is anchored again, scanned every frame in f32 over flat arrays (a
//! loop the compiler vectorises).
//!
//! Each lane keeps the volume centre relative to the source's *origin* (a
//! fixed point that moves only on a teleport or after a long walk, so lanes
//! survive re-anchoring), four squared thresholds (surely within / surely
//! beyond the load and the unload distance, widened by a tolerance far above
//! the f32 error), and the *safe interval* of squared distances in which its
//! zone cannot have changed. The per-frame scan only checks that interval
//! (two comparisons a lane); a lane outside it is re-classified, and decided
//! in f64 with the brute-force formula when its class is uncertain.

use super::geometry::ReachTest;
use super::{exact_zone, max_abs, SourceShape, VolumeGeom, BAND, INSIDE, OUTSIDE};
use crate::core::types::Vec3;

/// One near-set entry, unpacked.
#[derive(Clone, Copy, Debug)]
pub(super) struct Lane {
    x: f32,
    y: f32,
    z: f32,
    safe_lo: f32,
    safe_hi: f32,
    load_lo: f32,
    load_hi: f32,
    unload_lo: f32,
    unload_hi: f32,
    drop_lo: f32,
    pub(super) slot: u32,
    pub(super) zone: u8,
}

/// `x` rounded to f32 downwards (by a margin far above f32's rounding).
fn f32_below(x: f64) -> f32 {
    let v = (x * (1.0 - 1e-6)) as f32;
    if v.is_finite() {
        v
    } else {
        f32::MAX
    }
}

/// `x` rounded to f32 upwards.
fn f32_above(x: f64) -> f32 {
    let v = (x * (1.0 + 1e-6)) as f32;
    if v.is_finite() {
        v
    } else {
        f32::MAX
    }
}

/// For one distance: 0 = surely within, 1 = too close to call, 2 = surely beyond.
#[inline(always)]
fn side(d2: f32, lo: f32, hi: f32) -> u8 {
    (d2 > lo) as u8 + (d2 > hi) as u8
}

impl Lane {
    /// A lane for `g` relative to `origin`. `zone(distance)` gives its exact
    /// zone for the current shape, told the f64 distance from the origin to
    /// the centre (which is the brute-force distance, bit for bit, when the
    /// shape is a point at the origin). `extent` bounds how far any point of
    /// the source's shape gets from the origin until the origin changes.
    pub(super) fn new(
        slot: u32,
        g: &VolumeGeom,
        (origin, extent, margin): (&Vec3, f64, f64),
        rel: &RelShape,
        zone: impl FnOnce(f64) -> u8,
        exact_only: bool,
    ) -> Lane {
        let c = Vec3::new(
            g.center.x - origin.x,
            g.center.y - origin.y,
            g.center.z - origin.z,
        );
        let dist = c.length();
        // The scan's f32 distance is within ~1e-6 of these magnitudes; the
        // f64 subtractions above within ~1e-16 of the absolute coordinates.
        let scale = dist + extent + g.radius + g.unload;
        let magnitude = origin.x.abs().max(origin.y.abs()).max(origin.z.abs()) + scale;
        let tol = 1e-5 * scale + 1e-14 * magnitude + 1e-4;
        let below = |r: f64| {
            if r - tol > 0.0 {
                f32_below((r - tol) * (r - tol))
            } else {
                -1.0
            }
        };
        let above = |r: f64| f32_above((r + tol) * (r + tol));
        let (rl, ru) = (g.radius + g.load, g.radius + g.unload);
        let mut lane = Lane {
            x: c.x as f32,
            y: c.y as f32,
            z: c.z as f32,
            safe_lo: f32::INFINITY,
            safe_hi: f32::INFINITY,
            load_lo: below(rl),
            load_hi: above(rl),
            unload_lo: below(ru),
            unload_hi: above(ru),
            drop_lo: above(ru + margin),
            slot,
            zone: zone(dist),
        };
        if exact_only {
            return lane;
        }
        let d2 = rel.d2(lane.x, lane.y, lane.z);
        if let Some((class_zone, lo, hi)) = lane.classify(d2) {
            debug_assert_eq!(class_zone, lane.zone, "f32 class disagrees with f64");
            lane.safe_lo = lo;
            lane.safe_hi = hi;
        }
        lane
    }

    /// The sure zone for `d2` and its safe interval, or None when `d2` is
    /// too close to a boundary to call in f32.
    fn classify(&self, d2: f32) -> Option<(u8, f32, f32)> {
        let load = side(d2, self.load_lo, self.load_hi);
        let unload = side(d2, self.unload_lo, self.unload_hi);
        if load == 1 || unload == 1 {
            return None;
        }
        let zone = if load == 0 {
            INSIDE
        } else if unload == 2 {
            OUTSIDE
        } else {
            BAND
        };
        let interval = |side: u8, lo: f32, hi: f32| {
            if side == 0 {
                (f32::NEG_INFINITY, lo)
            } else {
                (hi, f32::INFINITY)
            }
        };
        let (a_lo, a_hi) = interval(load, self.load_lo, self.load_hi);
        let (b_lo, b_hi) = interval(unload, self.unload_lo, self.unload_hi);
        Some((zone, a_lo.max(b_lo), a_hi.min(b_hi)))
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

/// Expands `$apply!(x y z …)` with the names of a near set's columns: the
/// fields of [`Lane`], one array each, always one entry per lane.
macro_rules! columns {
    ($apply:ident) => {
        $apply!(x y z safe_lo safe_hi load_lo load_hi unload_lo unload_hi drop_lo slot zone)
    };
}

/// The lanes of a near set, as flat arrays: the scan reads the first five,
/// a re-classification the rest.
#[derive(Clone, Debug, Default)]
pub(super) struct NearSet {
    /// Centre relative to the tracker's origin.
    x: Vec<f32>,
    y: Vec<f32>,
    z: Vec<f32>,
    /// The zone holds while `safe_lo < d^2 <= safe_hi`.
    safe_lo: Vec<f32>,
    safe_hi: Vec<f32>,
    /// `d^2` at or below which the lane is surely within the load distance
    /// (negative: never sure).
    load_lo: Vec<f32>,
    /// `d^2` above which it is surely beyond the load distance.
    load_hi: Vec<f32>,
    unload_lo: Vec<f32>,
    unload_hi: Vec<f32>,
    /// `d^2` of the anchor above which the volume surely left the near set.
    drop_lo: Vec<f32>,
    slot: Vec<u32>,
    /// The exact zone this source contributes to the volume's counts.
    zone: Vec<u8>,
    /// Scratch of the scan: 1 where a lane left its safe interval.
    flags: Vec<u8>,
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

/// Flags the lanes whose squared distance exceeds `limit`.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn flag_beyond(
    (x, y, z): (&[f32], &[f32], &[f32]),
    limit: &[f32],
    flags: &mut [u8],
    d2: impl Fn(f32, f32, f32) -> f32,
) {
    let n = flags.len();
    let (x, y, z, limit) = (&x[..n], &y[..n], &z[..n], &limit[..n]);
    for i in 0..n {
        flags[i] = (d2(x[i], y[i], z[i]) > limit[i]) as u8;
    }
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
        self.slot.len()
    }

    pub(super) fn clear(&mut self) {
        macro_rules! clear {
            ($($column:ident)*) => { $(self.$column.clear();)* };
        }
        columns!(clear);
    }

    pub(super) fn push(&mut self, lane: &Lane) {
        macro_rules! push {
            ($($column:ident)*) => { $(self.$column.push(lane.$column);)* };
        }
        columns!(push);
    }

    pub(super) fn slot(&self, i: usize) -> u32 {
        self.slot[i]
    }

    pub(super) fn zone(&self, i: usize) -> u8 {
        self.zone[i]
    }

    /// Removes lane `i` (the last lane takes its place).
    pub(super) fn swap_remove(&mut self, i: usize) {
        macro_rules! swap_remove {
            ($($column:ident)*) => { $(self.$column.swap_remove(i);)* };
        }
        columns!(swap_remove);
    }

    /// Makes room for half as many lanes again, so that a near set that
    /// grows a little as the source moves on does not allocate in a frame.
    pub(super) fn reserve_headroom(&mut self) {
        let want = self.len() + self.len() / 2 + 64;
        if self.slot.capacity() >= want {
            return;
        }
        let more = want - self.len();
        macro_rules! reserve {
            ($($column:ident)*) => { $(self.$column.reserve(more);)* };
        }
        columns!(reserve);
        self.flags.reserve(want.saturating_sub(self.flags.len()));
    }

    /// Lanes with their slot and zone.
    pub(super) fn entries(&self) -> impl Iterator<Item = (usize, u32, u8)> + '_ {
        self.slot
            .iter()
            .zip(&self.zone)
            .enumerate()
            .map(|(i, (&slot, &zone))| (i, slot, zone))
    }

    /// Re-evaluates lane `i` for the current shape: returns `(old, new)`
    /// zones. `exact` decides an uncertain lane in f64; with `exact_only`,
    /// every lane is decided so.
    pub(super) fn settle_lane(
        &mut self,
        i: usize,
        rel: &RelShape,
        exact_only: bool,
        exact: impl FnOnce(u32) -> u8,
    ) -> (u8, u8) {
        macro_rules! get {
            ($($column:ident)*) => { Lane { $($column: self.$column[i],)* } };
        }
        let lane = columns!(get);
        let d2 = rel.d2(lane.x, lane.y, lane.z);
        let sure = if exact_only { None } else { lane.classify(d2) };
        let (zone, lo, hi) = match sure {
            Some(sure) => sure,
            None => (exact(lane.slot), f32::INFINITY, f32::INFINITY),
        };
        self.safe_lo[i] = lo;
        self.safe_hi[i] = hi;
        self.zone[i] = zone;
        (lane.zone, zone)
    }

    /// Calls `f(lane)` for every lane whose squared distance to `rel` left
    /// its safe interval.
    pub(super) fn for_each_unsafe(&mut self, rel: &RelShape, f: impl FnMut(usize)) {
        let n = self.len();
        self.flags.resize(n, 0);
        let coords = (&self.x[..], &self.y[..], &self.z[..]);
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
    /// surely cannot be reached from the anchor `rel` (its squared distance
    /// exceeds `drop_lo`).
    pub(super) fn for_each_unreachable(&mut self, rel: &RelShape, f: impl FnMut(usize)) {
        let n = self.len();
        self.flags.resize(n, 0);
        let coords = (&self.x[..], &self.y[..], &self.z[..]);
        flag_beyond(coords, &self.drop_lo, &mut self.flags, |x, y, z| {
            rel.d2(x, y, z)
        });
        visit_flags(&self.flags, f);
    }

    pub(super) fn memory_bytes(&self) -> usize {
        fn bytes<T>(v: &Vec<T>) -> usize {
            v.capacity() * std::mem::size_of::<T>()
        }
        macro_rules! sum {
            ($($column:ident)*) => { 0 $(+ bytes(&self.$column))* };
        }
        columns!(sum) + bytes(&self.flags)
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
    /// Lanes are relative to this point.
    pub(super) origin: Vec3,
    /// How far from the origin the shape may get before the lanes are
    /// rebuilt around a new origin (their tolerances assume it).
    pub(super) extent: f64,
    /// Whether the lanes were built for the current origin (false: none yet).
    pub(super) has_origin: bool,
    /// False when the shape is not finite: it tracks (and wants) nothing.
    pub(super) finite: bool,
    /// The extent is too large for the f32 scan (an absurd look-ahead):
    /// every lane is decided in f64.
    pub(super) exact_only: bool,
    pub(super) lanes: NearSet,
    /// The previous near set, kept for its capacity.
    pub(super) spare: NearSet,
}

impl Tracker {
    pub(super) fn new(shape: SourceShape) -> Self {
        Tracker {
            shape,
            anchor: shape,
            origin: shape.start,
            extent: 0.0,
            has_origin: false,
            finite: false,
            exact_only: false,
            lanes: NearSet::default(),
            spare: NearSet::default(),
        }
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
    pub(super) fn lane(&self, slot: u32, g: &VolumeGeom, margin: f64) -> Lane {
        let rel = RelShape::new(&self.shape, &self.origin);
        Lane::new(
            slot,
            g,
            (&self.origin, self.extent, margin),
            &rel,
            |_| exact_zone(&self.shape, g),
            self.exact_only,
        )
    }

    pub(super) fn memory_bytes(&self) -> usize {
        self.lanes.memory_bytes() + self.spare.memory_bytes()
    }
}
