//! A source's near set: the volumes whose unload range it can enter before
//! it is anchored again, scanned every frame in f32, eight lanes at a time.
//!
//! Each lane keeps the volume centre relative to the source's *origin* (a
//! fixed point that moves only on a teleport or after a long walk, so lanes
//! survive re-anchoring), four squared thresholds (surely within / surely
//! beyond the load and the unload distance, widened by a tolerance far above
//! the f32 error), and the *safe interval* of squared distances in which its
//! zone cannot have changed. The per-frame scan only checks that interval
//! (two comparisons a lane); a lane outside it is re-classified, and decided
//! in f64 with the brute-force formula when its class is uncertain.

use super::{exact_zone, SourceShape, VolumeGeom, BAND, INSIDE, OUTSIDE};
use crate::core::types::Vec3;

/// Lanes per chunk (two SSE registers, one AVX register of f32).
pub(super) const LANES: usize = 8;

/// What the per-frame scan reads.
#[derive(Clone, Debug)]
pub(super) struct HotChunk {
    x: [f32; LANES],
    y: [f32; LANES],
    z: [f32; LANES],
    /// The zone holds while `safe_lo < d^2 <= safe_hi`.
    safe_lo: [f32; LANES],
    safe_hi: [f32; LANES],
}

/// What only a re-classification reads.
#[derive(Clone, Debug)]
pub(super) struct ColdChunk {
    /// `d^2` at or below which the lane is surely within the load distance
    /// (negative: never sure).
    load_lo: [f32; LANES],
    /// `d^2` above which it is surely beyond the load distance.
    load_hi: [f32; LANES],
    unload_lo: [f32; LANES],
    unload_hi: [f32; LANES],
    slot: [u32; LANES],
    /// The exact zone this source contributes to the volume's counts.
    zone: [u8; LANES],
}

const PADDING_HOT: HotChunk = HotChunk {
    x: [1e30; LANES],
    y: [1e30; LANES],
    z: [1e30; LANES],
    safe_lo: [f32::NEG_INFINITY; LANES],
    safe_hi: [f32::INFINITY; LANES],
};

const PADDING_COLD: ColdChunk = ColdChunk {
    load_lo: [f32::MAX; LANES],
    load_hi: [f32::MAX; LANES],
    unload_lo: [f32::MAX; LANES],
    unload_hi: [f32::MAX; LANES],
    slot: [u32::MAX; LANES],
    zone: [OUTSIDE; LANES],
};

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
    /// A lane for `g` relative to `origin`, whose exact zone for the current
    /// shape is `zone`. `extent` bounds how far any point of the source's
    /// shape gets from the origin until the origin changes.
    pub(super) fn new(
        slot: u32,
        g: &VolumeGeom,
        origin: &Vec3,
        extent: f64,
        rel: &RelShape,
        zone: u8,
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
            slot,
            zone,
        };
        if exact_only {
            return lane;
        }
        let d2 = rel.d2(lane.x, lane.y, lane.z);
        if let Some((class_zone, lo, hi)) = lane.classify(d2) {
            debug_assert_eq!(class_zone, zone, "f32 class disagrees with f64");
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

/// A bit per lane whose squared distance left its safe interval. Written
/// so that the compiler keeps all eight lanes in vector registers: a
/// per-lane flag, an OR over the flags (almost always zero), and the bits
/// only when some lane needs work.
// Indexed loop: the form the auto-vectoriser handles best here.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn scan_chunk(h: &HotChunk, d2: impl Fn(f32, f32, f32) -> f32) -> u32 {
    let mut unsafe_lane = [0u32; LANES];
    for j in 0..LANES {
        let d2 = d2(h.x[j], h.y[j], h.z[j]);
        let safe = (d2 > h.safe_lo[j]) & (d2 <= h.safe_hi[j]);
        unsafe_lane[j] = (!safe) as u32;
    }
    if unsafe_lane.iter().fold(0, |a, &b| a | b) == 0 {
        return 0;
    }
    unsafe_lane
        .iter()
        .enumerate()
        .fold(0, |need, (j, &u)| need | (u << j))
}

/// The lanes of a near set, in chunks.
#[derive(Clone, Debug, Default)]
pub(super) struct NearSet {
    len: usize,
    hot: Vec<HotChunk>,
    cold: Vec<ColdChunk>,
}

impl NearSet {
    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn clear(&mut self) {
        self.len = 0;
        self.hot.clear();
        self.cold.clear();
    }

    pub(super) fn push(&mut self, lane: &Lane) {
        if self.len % LANES == 0 {
            self.hot.push(PADDING_HOT);
            self.cold.push(PADDING_COLD);
        }
        self.set(self.len, lane);
        self.len += 1;
    }

    fn set(&mut self, i: usize, e: &Lane) {
        let (c, j) = (i / LANES, i % LANES);
        let h = &mut self.hot[c];
        h.x[j] = e.x;
        h.y[j] = e.y;
        h.z[j] = e.z;
        h.safe_lo[j] = e.safe_lo;
        h.safe_hi[j] = e.safe_hi;
        let k = &mut self.cold[c];
        k.load_lo[j] = e.load_lo;
        k.load_hi[j] = e.load_hi;
        k.unload_lo[j] = e.unload_lo;
        k.unload_hi[j] = e.unload_hi;
        k.slot[j] = e.slot;
        k.zone[j] = e.zone;
    }

    pub(super) fn get(&self, i: usize) -> Lane {
        let (c, j) = (i / LANES, i % LANES);
        let (h, k) = (&self.hot[c], &self.cold[c]);
        Lane {
            x: h.x[j],
            y: h.y[j],
            z: h.z[j],
            safe_lo: h.safe_lo[j],
            safe_hi: h.safe_hi[j],
            load_lo: k.load_lo[j],
            load_hi: k.load_hi[j],
            unload_lo: k.unload_lo[j],
            unload_hi: k.unload_hi[j],
            slot: k.slot[j],
            zone: k.zone[j],
        }
    }

    pub(super) fn slot(&self, i: usize) -> u32 {
        self.cold[i / LANES].slot[i % LANES]
    }

    pub(super) fn zone(&self, i: usize) -> u8 {
        self.cold[i / LANES].zone[i % LANES]
    }

    /// Removes lane `i` (the last lane takes its place).
    pub(super) fn swap_remove(&mut self, i: usize) {
        let last = self.len - 1;
        let moved = self.get(last);
        self.set(i, &moved);
        let (c, j) = (last / LANES, last % LANES);
        self.hot[c].x[j] = PADDING_HOT.x[0];
        self.hot[c].safe_lo[j] = f32::NEG_INFINITY;
        self.hot[c].safe_hi[j] = f32::INFINITY;
        self.cold[c].slot[j] = u32::MAX;
        self.len = last;
        if self.len % LANES == 0 {
            self.hot.pop();
            self.cold.pop();
        }
    }

    /// Lanes with their slot and zone.
    pub(super) fn entries(&self) -> impl Iterator<Item = (usize, u32, u8)> + '_ {
        (0..self.len).map(|i| (i, self.slot(i), self.zone(i)))
    }

    /// Re-evaluates lane `i` for the current shape: returns `(old, new)`
    /// zones. `exact` decides an uncertain lane in f64.
    /// With `exact_only`, the lane is always decided in f64.
    pub(super) fn settle_lane(
        &mut self,
        i: usize,
        rel: &RelShape,
        exact_only: bool,
        exact: impl FnOnce(u32) -> u8,
    ) -> (u8, u8) {
        let (c, j) = (i / LANES, i % LANES);
        let lane = self.get(i);
        let d2 = rel.d2(lane.x, lane.y, lane.z);
        let sure = if exact_only { None } else { lane.classify(d2) };
        let (zone, lo, hi) = match sure {
            Some(sure) => sure,
            None => (exact(lane.slot), f32::INFINITY, f32::INFINITY),
        };
        self.hot[c].safe_lo[j] = lo;
        self.hot[c].safe_hi[j] = hi;
        self.cold[c].zone[j] = zone;
        (lane.zone, zone)
    }

    /// Calls `f(lane)` for every lane whose squared distance to `rel` left
    /// its safe interval (padding lanes never do).
    pub(super) fn for_each_unsafe(&self, rel: &RelShape, mut f: impl FnMut(usize)) {
        let mut visit = |c: usize, mut need: u32| {
            while need != 0 {
                let j = need.trailing_zeros() as usize;
                need &= need - 1;
                f(c * LANES + j);
            }
        };
        if rel.is_point() {
            for (c, h) in self.hot.iter().enumerate() {
                let need = scan_chunk(h, |x, y, z| rel.point_d2(x, y, z));
                visit(c, need);
            }
        } else {
            for (c, h) in self.hot.iter().enumerate() {
                let need = scan_chunk(h, |x, y, z| rel.d2(x, y, z));
                visit(c, need);
            }
        }
    }

    pub(super) fn memory_bytes(&self) -> usize {
        self.hot.capacity() * std::mem::size_of::<HotChunk>()
            + self.cold.capacity() * std::mem::size_of::<ColdChunk>()
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

    /// Whether a volume belongs in the near set of the current anchor.
    pub(super) fn reaches(&self, g: &VolumeGeom, margin: f64) -> bool {
        let d = self.anchor.distance_to(&g.center);
        let reach = g.radius + g.unload;
        let slack = 1e-9 * (d + reach + margin) + 1e-6;
        d - margin - slack <= reach
    }

    /// Whether the current shape is still within the margin of the anchor.
    pub(super) fn anchor_holds(&self, margin: f64) -> bool {
        self.shape.start.distance(&self.anchor.start) <= margin
            && self.shape.end.distance(&self.anchor.end) <= margin
    }

    /// A fresh lane for a volume, for the current shape.
    pub(super) fn lane(&self, slot: u32, g: &VolumeGeom) -> Lane {
        let rel = RelShape::new(&self.shape, &self.origin);
        Lane::new(
            slot,
            g,
            &self.origin,
            self.extent,
            &rel,
            exact_zone(&self.shape, g),
            self.exact_only,
        )
    }

    pub(super) fn memory_bytes(&self) -> usize {
        self.lanes.memory_bytes() + self.spare.memory_bytes()
    }
}
