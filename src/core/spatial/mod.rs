//! The spatial index that makes the per-frame wanting decision cost what is
//! near the streaming sources, not what is in the world.
//!
//! # How it works
//! - **A 2D grid (x, y) of square cells, each volume listed once** (`grid.rs`),
//!   in the cell of its centre and, within the cell, in one of eight *reach
//!   classes* (`reach = radius + unload`, limits growing by √2 from half a
//!   cell). Each class knows its smallest and largest reach and its height
//!   range, so a query skips the classes that cannot reach the source. The
//!   build lays the volumes of a cell class out as a contiguous run of
//!   *slots* (`geometry.rs`), a cell's classes one after the other; volumes
//!   added later go to a short list. Volumes whose reach exceeds
//!   [`MAX_GRID_REACH_CELLS`] cells, or that lie absurdly far out, are kept
//!   in a small list evaluated by brute force every frame.
//! - **Exact geometry and an f32 mirror.** Each slot has its f64 geometry
//!   (exact decisions) and, in flat f32 arrays, its centre relative to its
//!   cell's corner and its load and unload reach (20 bytes). A query for a
//!   point tests each cell's span of classes in one vectorised pass over the
//!   mirror, with a slack far above its rounding (an extra candidate is
//!   harmless), and writes the candidates' coordinates relative to the
//!   source's origin as it goes; capsules and added volumes use f64.
//! - **A near set per source** (`near_set.rs`; anchoring and the per-frame
//!   scan in `tracking.rs`). When a source is *anchored*
//!   (it appears, teleports, or either end of its shape has moved more than
//!   the tracking margin `M` from its anchor) the grid is queried for every
//!   volume whose unload range the source could enter while it stays within
//!   `M` of the anchor. Until the next anchoring only that near set (about
//!   1,400 volumes in the benchmark world) is looked at: nothing outside it
//!   can change. Re-anchoring keeps the lanes in place: it drops the lanes
//!   that surely left (an f32 test), and adds the volumes that entered,
//!   skipping the cell classes that were wholly within reach before.
//! - **A branch-free f32 scan with an exact f64 fallback.** Lanes are flat
//!   f32 arrays relative to a per-source origin (which moves only on a
//!   teleport or after 32 km): the centre, the unload reach and the *safe
//!   interval* of squared distances in which the lane's zone cannot have
//!   changed (29 bytes). Each frame a
//!   vectorised loop checks every lane against its interval (two compares);
//!   a lane outside it is re-classified against squared thresholds (surely
//!   within / surely beyond each reach, widened by a tolerance far above the
//!   f32 error, recomputed from the lane's coordinates; the load reach comes
//!   from the geometry's mirror), and if it
//!   is too close to a boundary to call in f32 it is decided with the same
//!   f64 formula as the brute-force rule. The decision is therefore exactly
//!   the wanting rule. Building lanes (a teleport builds a thousand): the
//!   query writes them straight into the new near set (the cell classes
//!   wholly within reach are copied without a test), and one vectorised
//!   pass classifies them with one tolerance for the batch (at least each
//!   lane's own); only the lanes too close to a boundary read the f64
//!   geometry.
//! - **Counts, not minima.** Each volume counts the sources (capsules, with
//!   velocity look-ahead) that have it inside the load distance and inside
//!   the unload distance. The wanting rule then reads: wants if the first
//!   count is non-zero, releases if the second is zero, else keeps its
//!   decision: exactly `d <= load`, `d > unload`, hysteresis between.
//!   A source's zone change moves its contribution; a teleport withdraws
//!   the old near set's contributions and counts the new one's (the two
//!   share no volume then), and only the volumes touched are decided.
//!
//! A walking frame reads the source's own lanes (tens of kilobytes,
//! cache-resident even with a million volumes), and the geometry of only
//! the few lanes it re-classifies; it allocates nothing. Volumes are added, moved, resized, enabled, disabled and removed
//! at run time without a rebuild: the near sets that reach a changed volume
//! update their lane (a removed build slot stays behind as a tombstone that
//! no query matches; a moved one takes a new slot once).

mod geometry;
mod grid;
mod near_set;
mod tracking;

use super::types::Vec3;
use super::volume::next_wants;
use geometry::{Candidates, Geometry, QueryScratch};
use grid::{cell_of, reach_class, CellList, CellMap, CellRect, MAX_DENSE_CELLS, REACH_CLASSES};
use near_set::{NearSet, Tracker};

/// Default cell size of the grid, in world units.
pub const DEFAULT_CELL_SIZE: f64 = 1000.0;
/// Default tracking margin: how far a source may move from its anchor before
/// its near set is queried again.
pub const DEFAULT_TRACK_MARGIN: f64 = 384.0;
/// A volume whose reach (`radius + unload`) exceeds this many cells is
/// evaluated by brute force instead of being listed in the grid (it would
/// widen every grid query).
pub const MAX_GRID_REACH_CELLS: f64 = 8.0;

/// What the index needs of a volume.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VolumeGeom {
    /// Centre.
    pub center: Vec3,
    /// Radius.
    pub radius: f64,
    /// Load distance.
    pub load: f64,
    /// Unload distance (>= load).
    pub unload: f64,
}

impl VolumeGeom {
    /// Largest distance from the centre at which a source is within the
    /// unload distance.
    fn reach(&self) -> f64 {
        self.radius + self.unload
    }
}

/// A streaming source as the index sees it: a capsule from `position` to
/// `position + velocity * look_ahead_seconds` (a point when there is no
/// look-ahead).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SourceShape {
    /// Where the source is.
    pub start: Vec3,
    /// Where it will be after its look-ahead time (= `start` without one).
    pub end: Vec3,
}

impl SourceShape {
    /// A point source.
    pub fn point(p: Vec3) -> Self {
        SourceShape { start: p, end: p }
    }

    /// Distance from `c` to the capsule's segment.
    pub fn distance_to(&self, c: &Vec3) -> f64 {
        let d = Vec3::new(
            self.end.x - self.start.x,
            self.end.y - self.start.y,
            self.end.z - self.start.z,
        );
        let len2 = d.x * d.x + d.y * d.y + d.z * d.z;
        if len2 == 0.0 {
            return self.start.distance(c);
        }
        let t = (((c.x - self.start.x) * d.x
            + (c.y - self.start.y) * d.y
            + (c.z - self.start.z) * d.z)
            / len2)
            .clamp(0.0, 1.0);
        Vec3::new(
            self.start.x + t * d.x,
            self.start.y + t * d.y,
            self.start.z + t * d.z,
        )
        .distance(c)
    }

    /// `max(0, distance - radius)`: the gap of the wanting rule.
    pub fn gap(&self, g: &VolumeGeom) -> f64 {
        (self.distance_to(&g.center) - g.radius).max(0.0)
    }

    fn is_finite(&self) -> bool {
        self.start.is_finite() && self.end.is_finite()
    }

    fn length(&self) -> f64 {
        self.start.distance(&self.end)
    }

    fn min_xy(&self) -> (f64, f64) {
        (self.start.x.min(self.end.x), self.start.y.min(self.end.y))
    }

    fn max_xy(&self) -> (f64, f64) {
        (self.start.x.max(self.end.x), self.start.y.max(self.end.y))
    }
}

/// Zone of a source relative to one volume: inside the load distance, in
/// the hysteresis band, or beyond the unload distance.
const INSIDE: u8 = 0;
const BAND: u8 = 1;
const OUTSIDE: u8 = 2;

/// The zone for a gap, with the comparisons of [`next_wants`].
fn zone_of_gap(gap: f64, g: &VolumeGeom) -> u8 {
    if gap <= g.load {
        INSIDE
    } else if gap > g.unload {
        OUTSIDE
    } else {
        BAND
    }
}

/// The exact zone: the same f64 arithmetic as the brute-force rule.
fn exact_zone(shape: &SourceShape, g: &VolumeGeom) -> u8 {
    zone_of_gap(shape.gap(g), g)
}

fn max_abs(v: &Vec3) -> f64 {
    v.x.abs().max(v.y.abs()).max(v.z.abs())
}

/// How far a source may walk from its origin before its lanes are rebuilt
/// around a new one (the f32 tolerance grows with it).
const ORIGIN_RANGE: f64 = 32768.0;
/// Largest origin extent the f32 scan handles; beyond it (an absurd
/// look-ahead) a source's lanes are all decided in f64.
const MAX_F32_SCAN_EXTENT: f64 = 1e9;
/// Volumes whose centre is farther than this many cells from the world
/// origin (in x or y) are evaluated by brute force: the grid's cell numbers
/// saturate well beyond it.
const MAX_LISTED_CELLS: f64 = (1u64 << 48) as f64;
/// Slots added, moved or removed since the last build after which the index
/// lays itself out again (see [`WantingIndex::compact`]).
const COMPACT_MIN: usize = 4096;
const NIL: u32 = u32::MAX;

/// Per-slot index state.
#[derive(Clone, Copy, Debug, Default)]
struct SlotState {
    /// Sources with the volume inside their load distance.
    in_load: u32,
    /// Sources with the volume inside their unload distance.
    in_unload: u32,
    /// Holds a live volume.
    live: bool,
    /// Evaluated by brute force (huge reach).
    big: bool,
    wants: bool,
    touched: bool,
}

/// One bit per slot (an eighth of a byte a volume, where a byte per slot
/// would be a visible share of the index's memory).
#[derive(Clone, Debug, Default)]
struct SlotBits {
    words: Vec<u64>,
}

impl SlotBits {
    fn with_len(n: usize) -> Self {
        SlotBits {
            words: vec![0; n.div_ceil(64)],
        }
    }

    /// Room for `n` slots (new ones clear).
    fn grow_to(&mut self, n: usize) {
        let words = n.div_ceil(64);
        if words > self.words.len() {
            self.words.resize(words, 0);
        }
    }

    fn set(&mut self, slot: u32) {
        self.words[slot as usize / 64] |= 1 << (slot % 64);
    }

    fn clear(&mut self, slot: u32) {
        self.words[slot as usize / 64] &= !(1 << (slot % 64));
    }

    fn get(&self, slot: u32) -> bool {
        self.words[slot as usize / 64] & (1 << (slot % 64)) != 0
    }

    /// Whether any slot of `range` is set (a word at a time).
    fn any_in(&self, range: std::ops::Range<u32>) -> bool {
        if range.is_empty() {
            return false;
        }
        let (first, last) = (range.start as usize, range.end as usize - 1);
        let (w0, w1) = (first / 64, last / 64);
        let (head, tail) = (!0u64 << (first % 64), !0u64 >> (63 - last % 64));
        if w0 == w1 {
            return self.words[w0] & head & tail != 0;
        }
        self.words[w0] & head != 0
            || self.words[w0 + 1..w1].iter().any(|&w| w != 0)
            || self.words[w1] & tail != 0
    }

    fn memory_bytes(&self) -> usize {
        self.words.capacity() * 8
    }
}

/// Adds `sign` times a zone's contribution to a slot's counts; marks the
/// slot for a decision.
fn contribute(states: &mut [SlotState], touched: &mut Vec<u32>, slot: u32, zone: u8, sign: i32) {
    let s = &mut states[slot as usize];
    match zone {
        INSIDE => {
            s.in_load = s.in_load.wrapping_add_signed(sign);
            s.in_unload = s.in_unload.wrapping_add_signed(sign);
        }
        BAND => s.in_unload = s.in_unload.wrapping_add_signed(sign),
        _ => return,
    }
    touch(states, touched, slot);
}

/// Marks a slot for a decision at the end of the update (once).
#[inline(always)]
fn touch(states: &mut [SlotState], touched: &mut Vec<u32>, slot: u32) {
    let s = &mut states[slot as usize];
    if !s.touched {
        s.touched = true;
        touched.push(slot);
    }
}

/// Moves a slot's contribution from zone `old` to zone `new`.
fn rezone(states: &mut [SlotState], touched: &mut Vec<u32>, slot: u32, old: u8, new: u8) {
    if old != new {
        contribute(states, touched, slot, old, -1);
        contribute(states, touched, slot, new, 1);
    }
}

/// The spatial wanting index. See the module documentation.
///
/// Volumes are named by their id (the caller's dense volume id); inside, each
/// live volume occupies a slot.
#[derive(Clone, Debug)]
pub struct WantingIndex {
    cell_size: f64,
    margin: f64,
    /// Slots listed per cell of their centre.
    cells: CellMap,
    /// The largest reach of any listed volume (stale-high after removals).
    max_reach: f64,
    /// Slots evaluated by brute force.
    big: Vec<u32>,
    /// Geometry per slot.
    geoms: Geometry,
    /// Slots below this are in the build's contiguous cell runs; removing
    /// one leaves a tombstone (NaN geometry) instead of freeing it.
    run_slots: u32,
    /// Volume id per slot.
    ids: Vec<u32>,
    states: Vec<SlotState>,
    /// Per slot, while a source refreshes its near set: set for a volume in
    /// it. Clear between anchorings.
    marks: SlotBits,
    /// The tombstones among the build's slots (a query copying a whole
    /// class run without testing it must not take one).
    tombstone_slots: SlotBits,
    /// Slot per volume id (NIL: not in the index).
    slot_of: Vec<u32>,
    free_slots: Vec<u32>,
    trackers: Vec<Tracker>,
    /// Slots whose counts changed this update.
    touched: Vec<u32>,
    /// Lanes to settle in the current scan (scratch, kept for its capacity).
    pending: Vec<u32>,
    /// A near set kept for its capacity: a source rebuilding its lanes
    /// fills this one and leaves its old one here (one for all sources).
    spare_lanes: NearSet,
    /// Scratch of grid queries.
    query: QueryScratch,
    /// What a refresh's query found (scratch; a rebuild's query writes
    /// straight into the new near set).
    found: Candidates,
    /// Slots added outside the build's runs since the last (re)build.
    inserted_since_build: usize,
    /// Removed slots of the build's runs (tombstones).
    tombstones: usize,
    /// How many times the index laid itself out again.
    compactions: u64,
}

impl Default for WantingIndex {
    fn default() -> Self {
        WantingIndex::new(DEFAULT_CELL_SIZE, DEFAULT_TRACK_MARGIN)
    }
}

impl WantingIndex {
    /// An empty index with the given cell size and tracking margin (both > 0).
    pub fn new(cell_size: f64, margin: f64) -> Self {
        assert!(
            cell_size > 0.0 && margin > 0.0,
            "cell size and margin must be positive"
        );
        WantingIndex {
            cell_size,
            margin,
            cells: CellMap::default(),
            max_reach: 0.0,
            big: Vec::new(),
            geoms: Geometry::new(cell_size),
            run_slots: 0,
            ids: Vec::new(),
            states: Vec::new(),
            marks: SlotBits::default(),
            tombstone_slots: SlotBits::default(),
            slot_of: Vec::new(),
            free_slots: Vec::new(),
            trackers: Vec::new(),
            touched: Vec::new(),
            pending: Vec::new(),
            spare_lanes: NearSet::default(),
            query: QueryScratch::default(),
            found: Candidates::default(),
            inserted_since_build: 0,
            tombstones: 0,
            compactions: 0,
        }
    }

    /// Builds an index over `geoms` (volume id = position), all enabled,
    /// with slots ordered by grid cell and reach class.
    pub fn build(geoms: &[VolumeGeom]) -> Self {
        WantingIndex::build_with(DEFAULT_CELL_SIZE, DEFAULT_TRACK_MARGIN, geoms)
    }

    /// [`build`](Self::build) with a cell size and tracking margin (both > 0).
    pub fn build_with(cell_size: f64, margin: f64, geoms: &[VolumeGeom]) -> Self {
        let ids: Vec<u32> = (0..geoms.len() as u32).collect();
        WantingIndex::build_from(cell_size, margin, &ids, geoms, geoms.len())
    }

    /// Builds an index over volumes `ids[i]` with geometry `geoms[i]`; ids
    /// are below `id_space`.
    fn build_from(
        cell_size: f64,
        margin: f64,
        ids: &[u32],
        geoms: &[VolumeGeom],
        id_space: usize,
    ) -> Self {
        let mut index = WantingIndex::new(cell_size, margin);
        let n = geoms.len();
        // The dense region: the cells of the listed volumes' bounding box.
        let mut lo = (f64::INFINITY, f64::INFINITY);
        let mut hi = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for g in geoms.iter().filter(|g| index.is_listed(g)) {
            lo = (lo.0.min(g.center.x), lo.1.min(g.center.y));
            hi = (hi.0.max(g.center.x), hi.1.max(g.center.y));
        }
        let bounds = (lo.0 <= hi.0).then(|| CellRect {
            x0: cell_of(lo.0, cell_size),
            y0: cell_of(lo.1, cell_size),
            x1: cell_of(hi.0, cell_size),
            y1: cell_of(hi.1, cell_size),
        });
        if let Some(r) = bounds.filter(|r| r.area() <= MAX_DENSE_CELLS) {
            index.cells.set_dense_region(&r);
        }
        // Slot order: a counting sort by (dense cell, reach class); the rest
        // (sparse cells, huge volumes) after them, sorted by cell.
        let buckets = index.cells.dense_cells() * REACH_CLASSES;
        let keys: Vec<u32> = geoms
            .iter()
            .map(|g| {
                let dense = index
                    .is_listed(g)
                    .then(|| index.cells.dense_index(index.cell(g)))
                    .flatten();
                match dense {
                    Some(i) => (i * REACH_CLASSES + reach_class(g.reach(), cell_size)) as u32,
                    None => buckets as u32,
                }
            })
            .collect();
        let mut starts = vec![0u32; buckets + 2];
        for &k in &keys {
            starts[k as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        // Scatter in id order: reads are sequential and the writes advance
        // one run per bucket (a gather in slot order would miss the cache
        // on every volume).
        // `order` holds positions in the input until the end.
        let mut order = vec![0u32; n];
        index.slot_of = vec![NIL; id_space];
        index.geoms = Geometry::zeroed(cell_size, n);
        let mut next = starts.clone();
        for (p, ((g, &k), &id)) in geoms.iter().zip(&keys).zip(ids).enumerate() {
            let slot = next[k as usize];
            next[k as usize] += 1;
            order[slot as usize] = p as u32;
            index.slot_of[id as usize] = slot;
            index.geoms.set_exact(slot, g);
        }
        let rest = starts[buckets] as usize;
        if rest < n {
            order[rest..].sort_unstable_by_key(|&p| index.cell(&geoms[p as usize]));
            for (slot, &p) in order.iter().enumerate().skip(rest) {
                index.slot_of[ids[p as usize] as usize] = slot as u32;
                index.geoms.set_exact(slot as u32, &geoms[p as usize]);
            }
        }
        index.run_slots = rest as u32;
        order.iter_mut().for_each(|p| *p = ids[*p as usize]);
        index.ids = order;
        index.states = vec![
            SlotState {
                live: true,
                ..SlotState::default()
            };
            n
        ];
        index.marks = SlotBits::with_len(n);
        index.tombstone_slots = SlotBits::with_len(rest);
        // Dense lists are runs of consecutive slots; the geometry's mirror
        // is filled in slot order (sequential writes).
        let geoms = &mut index.geoms;
        let cells = &index.cells;
        let dense = (0..cells.dense_cells())
            .map(|i| {
                let mut list = CellList::default();
                let cell = cells.dense_cell(i);
                for (k, class) in list.classes.iter_mut().enumerate() {
                    let b = i * REACH_CLASSES + k;
                    for slot in starts[b]..starts[b + 1] {
                        let g = geoms.get(slot);
                        class.cover(g.reach(), g.center.z, slot == starts[b]);
                    }
                    geoms.push_mirror((starts[b + 1] - starts[b]) as usize, Some(cell));
                    class.run = starts[b]..starts[b + 1];
                }
                list
            })
            .collect();
        index.cells.dense = dense;
        index.geoms.push_mirror(n - rest, None);
        index.max_reach = index
            .cells
            .dense
            .iter()
            .flat_map(|c| c.classes.iter().map(|k| k.max_reach()))
            .fold(0.0, f64::max);
        for slot in rest..n {
            let g = index.geoms.get(slot as u32);
            index.list(slot as u32, &g);
        }
        index
    }

    /// Whether a volume goes in the grid (else: brute force).
    fn is_listed(&self, g: &VolumeGeom) -> bool {
        g.center.is_finite()
            && g.radius.is_finite()
            && g.unload.is_finite()
            && g.load.is_finite()
            && g.reach() <= MAX_GRID_REACH_CELLS * self.cell_size
            // Cells saturate far out (`cell_of`); the f32 mirror keeps
            // coordinates relative to a cell, which must then be near.
            && g.center.x.abs().max(g.center.y.abs()) < MAX_LISTED_CELLS * self.cell_size
    }

    fn cell(&self, g: &VolumeGeom) -> (i64, i64) {
        (
            cell_of(g.center.x, self.cell_size),
            cell_of(g.center.y, self.cell_size),
        )
    }

    /// Puts a slot in its cell list or the brute-force list.
    fn list(&mut self, slot: u32, g: &VolumeGeom) {
        if self.is_listed(g) {
            let reach = g.reach();
            let class = reach_class(reach, self.cell_size);
            self.cells.entry(self.cell(g)).classes[class].push(slot, reach, g.center.z);
            self.max_reach = self.max_reach.max(reach);
        } else {
            self.states[slot as usize].big = true;
            self.big.push(slot);
        }
    }

    /// Whether volume `id` currently wants its level.
    pub fn wants(&self, id: u32) -> bool {
        match self.slot_of.get(id as usize) {
            Some(&slot) if slot != NIL => self.states[slot as usize].wants,
            _ => false,
        }
    }

    /// Number of sources tracked.
    pub fn source_count(&self) -> usize {
        self.trackers.len()
    }

    /// Number of volumes in the index.
    pub fn len(&self) -> usize {
        self.geoms.len() - self.free_slots.len() - self.tombstones
    }

    /// Whether the index holds no volume.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many times the index has laid its slots out again (see
    /// [`compact`](Self::compact)).
    pub fn compactions(&self) -> u64 {
        self.compactions
    }

    /// Lays the slots out again in cell order, as [`build`](Self::build)
    /// does, keeping every decision and re-anchoring every source. Volumes
    /// added one at a time (how a host registers them) get slots in the
    /// order they came, scattered over the grid; a query then reads memory
    /// at random. The index does this by itself once the volumes added,
    /// moved or removed since its last layout reach half of all volumes (and
    /// at least 4,096), so registering N volumes one by one costs O(N)
    /// amortised; a host that has just registered a world can call it at
    /// once. It takes about as long as a build (~100 ms per million volumes).
    pub fn compact(&mut self) {
        let mut ids = Vec::with_capacity(self.len());
        let mut geoms = Vec::with_capacity(self.len());
        for slot in 0..self.geoms.len() {
            if self.states[slot].live {
                ids.push(self.ids[slot]);
                geoms.push(self.geoms.get(slot as u32));
            }
        }
        let mut fresh = WantingIndex::build_from(
            self.cell_size,
            self.margin,
            &ids,
            &geoms,
            self.slot_of.len(),
        );
        // Decisions, and the decisions still to be made at the next update.
        for &id in &ids {
            let old = self.states[self.slot_of[id as usize] as usize];
            let slot = fresh.slot_of[id as usize];
            let state = &mut fresh.states[slot as usize];
            state.wants = old.wants;
            if old.touched {
                touch(&mut fresh.states, &mut fresh.touched, slot);
            }
        }
        // The sources, anchored afresh: their counts are those of the same
        // shapes, so the next update flips nothing it would not have flipped.
        for (t, tracker) in self.trackers.iter().enumerate() {
            fresh.trackers.push(Tracker::new(tracker.shape));
            fresh.anchor(t);
        }
        fresh.compactions = self.compactions + 1;
        *self = fresh;
    }

    /// Calls `f(id)` for every volume whose gap to `position` is within its
    /// load distance or within `radius` (`gap <= max(load, radius)`, the
    /// test of `stream_around`), through the grid: it costs what is near
    /// `position`, not what is in the world.
    pub fn for_each_near(&self, position: Vec3, radius: f64, mut f: impl FnMut(u32)) {
        let probe = SourceShape::point(position);
        let mut visit = |slot: u32| {
            let g = self.geoms.get(slot);
            let gap = probe.gap(&g);
            if self.states[slot as usize].live && (gap <= g.load || gap <= radius) {
                f(self.ids[slot as usize]);
            }
        };
        if !position.is_finite() || !radius.is_finite() {
            // An unbounded query: every volume is a candidate.
            (0..self.geoms.len() as u32).for_each(visit);
            return;
        }
        // r + max(load, radius) <= (r + unload) + radius <= reach + radius.
        let point = (position.x, position.y);
        let reach = (self.max_reach, radius);
        self.cells
            .for_each_class_near(self.cell_size, (point, point), reach, |class| {
                class.run.clone().for_each(&mut visit);
                class.extra().iter().copied().for_each(&mut visit);
            });
        self.big.iter().copied().for_each(visit);
    }

    /// Compacts when the churn since the last layout is large enough.
    fn maybe_compact(&mut self) {
        let churn = self.inserted_since_build + self.tombstones;
        if churn >= COMPACT_MIN && churn * 2 > self.len() {
            self.compact();
        }
    }

    /// Approximate heap memory of the index in bytes, without the f64
    /// volume geometry it keeps in slot order (that is
    /// [`geometry_bytes`](Self::geometry_bytes)): grid lists, the f32
    /// geometry mirror the queries read, per-volume state, id maps and the
    /// sources' near sets.
    pub fn memory_bytes(&self) -> usize {
        let trackers: usize = self.trackers.iter().map(Tracker::memory_bytes).sum();
        self.cells.memory_bytes()
            + self.big.capacity() * 4
            + self.ids.capacity() * 4
            + self.slot_of.capacity() * 4
            + self.free_slots.capacity() * 4
            + self.states.capacity() * std::mem::size_of::<SlotState>()
            + self.marks.memory_bytes()
            + self.tombstone_slots.memory_bytes()
            + self.touched.capacity() * 4
            + self.pending.capacity() * 4
            + self.query.memory_bytes()
            + self.found.memory_bytes()
            + self.spare_lanes.memory_bytes()
            + self.geoms.mirror_bytes()
            + trackers
    }

    /// Heap memory of the index's copy of the volume geometry (f64, in slot
    /// order, read when a source is anchored and for exact decisions).
    pub fn geometry_bytes(&self) -> usize {
        self.geoms.exact_bytes()
    }

    /// Adds volume `id` with geometry `g` (it must not be in the index).
    /// Its decision is kept (false for a new volume) until the next
    /// [`update`](Self::update).
    pub fn insert(&mut self, id: u32, g: &VolumeGeom) {
        self.insert_with(id, g, false);
    }

    fn insert_with(&mut self, id: u32, g: &VolumeGeom, wants: bool) {
        if self.slot_of.len() <= id as usize {
            self.slot_of.resize(id as usize + 1, NIL);
        }
        debug_assert_eq!(self.slot_of[id as usize], NIL, "volume inserted twice");
        let slot = match self.free_slots.pop() {
            Some(slot) => {
                self.geoms.set(slot, g);
                self.ids[slot as usize] = id;
                slot
            }
            None => {
                self.geoms.push(g);
                self.ids.push(id);
                self.states.push(SlotState::default());
                self.marks.grow_to(self.geoms.len());
                (self.geoms.len() - 1) as u32
            }
        };
        self.slot_of[id as usize] = slot;
        self.states[slot as usize] = SlotState {
            live: true,
            wants,
            ..SlotState::default()
        };
        self.list(slot, g);
        if !self.states[slot as usize].big {
            // Sources whose near set it belongs in start tracking it now.
            let margin = self.margin;
            for t in &mut self.trackers {
                if t.finite() && t.reaches(g, margin) {
                    let lane = t.lane(slot, g);
                    t.lanes.push(&lane);
                    contribute(&mut self.states, &mut self.touched, slot, lane.zone, 1);
                }
            }
        }
        touch(&mut self.states, &mut self.touched, slot);
        self.inserted_since_build += 1;
        self.maybe_compact();
    }

    /// Removes volume `id`: it wants nothing any more. Unknown ids are ignored.
    pub fn remove(&mut self, id: u32) {
        let Some(&slot) = self.slot_of.get(id as usize) else {
            return;
        };
        if slot == NIL {
            return;
        }
        self.slot_of[id as usize] = NIL;
        let state = self.states[slot as usize];
        let g = self.geoms.get(slot);
        if state.big {
            self.big.retain(|v| *v != slot);
        } else {
            let class = reach_class(g.reach(), self.cell_size);
            self.cells.remove_slot(self.cell(&g), class, slot);
            // Near sets holding it drop their lane (its counts go with the
            // slot's state, reset below).
            let cell_size = self.cell_size;
            for t in &mut self.trackers {
                // Only near sets whose lanes' bounds can take its centre.
                if !t.may_hold(&g.center, cell_size) {
                    continue;
                }
                if let Some(i) = t.lanes.position_of(slot) {
                    t.lanes.swap_remove(i);
                }
            }
        }
        // A touched slot stays in `touched`; the decision pass skips dead slots.
        self.states[slot as usize] = SlotState {
            touched: state.touched,
            ..SlotState::default()
        };
        if slot < self.run_slots {
            self.tombstones += 1;
            self.tombstone_slots.set(slot);
            // A tombstone in its cell's run: no query ever matches NaN.
            let nan = Vec3::new(f64::NAN, f64::NAN, f64::NAN);
            self.geoms.set(
                slot,
                &VolumeGeom {
                    center: nan,
                    radius: f64::NAN,
                    load: f64::NAN,
                    unload: f64::NAN,
                },
            );
        } else {
            self.free_slots.push(slot);
        }
        self.maybe_compact();
    }

    /// Changes a volume's geometry: it keeps its decision until the next update.
    pub fn update_geometry(&mut self, id: u32, new: &VolumeGeom) {
        let wants = self.wants(id);
        self.remove(id);
        self.insert_with(id, new, wants);
    }

    /// One frame: moves the sources to `shapes` (one per source, in a stable
    /// order), re-evaluates what may have changed, and appends to `flipped`
    /// the ids of the volumes whose decision flipped. Returns the number of
    /// sources that were anchored (new sources, jumps, and sources that
    /// moved beyond the tracking margin).
    ///
    /// A shape that is not finite tracks nothing (the manager refuses such
    /// sources before they get here).
    pub fn update(&mut self, shapes: &[SourceShape], flipped: &mut Vec<u32>) -> usize {
        let mut anchored = 0;
        // Sources that went away withdraw their contributions.
        while self.trackers.len() > shapes.len() {
            let tracker = self.trackers.pop().expect("non-empty");
            for (_, slot, zone) in tracker.lanes.entries() {
                contribute(&mut self.states, &mut self.touched, slot, zone, -1);
            }
        }
        for (t, shape) in shapes.iter().enumerate() {
            if t == self.trackers.len() {
                self.trackers.push(Tracker::new(*shape));
                self.anchor(t);
                anchored += 1;
                continue;
            }
            let tracker = &mut self.trackers[t];
            if tracker.shape == *shape {
                continue;
            }
            tracker.shape = *shape;
            if !tracker.finite() || !shape.is_finite() || !tracker.anchor_holds(self.margin) {
                self.anchor(t);
                anchored += 1;
            } else {
                self.scan(t);
            }
        }
        // Huge volumes: brute force over all sources.
        for &slot in &self.big {
            let slot = slot as usize;
            let g = &self.geoms.get(slot as u32);
            let d = shapes
                .iter()
                .filter(|s| s.is_finite())
                .map(|s| s.gap(g))
                .fold(f64::INFINITY, f64::min);
            let s = &mut self.states[slot];
            let wants = next_wants(s.wants, d, g.load, g.unload);
            if wants != s.wants {
                s.wants = wants;
                flipped.push(self.ids[slot]);
            }
        }
        // Decide for every volume whose counts changed.
        for slot in self.touched.drain(..) {
            let s = &mut self.states[slot as usize];
            s.touched = false;
            if !s.live || s.big {
                continue;
            }
            let wants = s.in_load > 0 || (s.in_unload > 0 && s.wants);
            if wants != s.wants {
                s.wants = wants;
                flipped.push(self.ids[slot as usize]);
            }
        }
        anchored
    }
}
