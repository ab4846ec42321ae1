//! The spatial index that makes the per-frame wanting decision cost what is
//! near the streaming sources, not what is in the world.
//!
//! # How it works
//! - **A hashed 2D grid** (x, y) of square cells. Each volume is listed in
//!   every cell that its *expanded reach box* overlaps: the box of half-size
//!   `radius + unload_distance + margin` around its centre. A source inside a
//!   volume's unload range is therefore always inside a cell that lists it.
//!   Volumes whose box would cover more than [`MAX_CELLS_PER_VOLUME`] cells
//!   (huge volumes) are kept in a small list evaluated by brute force.
//! - **One tracker per source.** A source tracks the volumes of one cell (the
//!   one it was in when it last switched; it switches only once it is more
//!   than `margin` outside, so walking along a border does not thrash). For
//!   each tracked volume it knows the *zone* the source is in — inside the
//!   load distance, in the hysteresis band, or beyond the unload distance —
//!   and the *slack*: how far the source may travel before that zone could
//!   change (a gap changes by at most the distance travelled). Volumes wait
//!   in a timing wheel keyed by the travelled distance at which they must be
//!   looked at again, so a walking frame touches only the volumes whose zone
//!   may really have changed.
//! - **Counts, not minima.** Each volume counts the sources (capsules, with
//!   velocity look-ahead) that have it inside the load distance and inside
//!   the unload distance. The wanting rule then reads: wants if the first
//!   count is non-zero, releases if the second is zero, else keeps its
//!   decision — exactly `d <= load`, `d > unload`, hysteresis between.
//!
//! Each tracker keeps its own compact copy of the tracked volumes' geometry
//! with the wheel links inside it, so a walking frame reads only memory that
//! belongs to the source (cache-friendly even with a million volumes) and
//! allocates nothing. The index stores volume geometry in *slots* ordered by
//! grid cell at build time, so the volumes of one cell are close in memory
//! and re-tracking a cell (a teleport, a cell switch) reads mostly
//! contiguous memory.
//!
//! Volumes are added, moved, resized, enabled, disabled and removed at run
//! time without a rebuild: the trackers that list a changed volume update
//! their copy of it.

use std::collections::HashMap;

use super::types::Vec3;
use super::volume::next_wants;

/// Default cell size of the grid, in world units.
pub const DEFAULT_CELL_SIZE: f64 = 4000.0;
/// Default distance a source may stray outside its tracked cell before it
/// switches cells.
pub const DEFAULT_CELL_MARGIN: f64 = 500.0;
/// A volume whose expanded reach box covers more cells than this is
/// evaluated by brute force instead of being listed in cells.
pub const MAX_CELLS_PER_VOLUME: i64 = 64;
/// Width of one timing-wheel bucket, in world units travelled.
const BUCKET_WIDTH: f64 = 8.0;
/// Buckets in the wheel; slack is capped below one lap.
const BUCKETS: usize = 512;
/// Largest slack a wheel entry may carry (one lap minus two buckets).
const MAX_SLACK: f64 = BUCKET_WIDTH * (BUCKETS as f64 - 2.0);

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

    fn min_xy(&self) -> (f64, f64) {
        (self.start.x.min(self.end.x), self.start.y.min(self.end.y))
    }

    fn max_xy(&self) -> (f64, f64) {
        (self.start.x.max(self.end.x), self.start.y.max(self.end.y))
    }
}

/// Zone of a source relative to one volume.
const INSIDE: u8 = 0;
const BAND: u8 = 1;
const OUTSIDE: u8 = 2;

fn zone_and_slack(gap: f64, g: &VolumeGeom) -> (u8, f64) {
    let (zone, slack) = if gap <= g.load {
        (INSIDE, g.load - gap)
    } else if gap <= g.unload {
        (BAND, (gap - g.load).min(g.unload - gap))
    } else {
        (OUTSIDE, gap - g.unload)
    };
    // Stay on the safe side of floating-point rounding in the distances.
    let eps = 1e-9 * (gap.abs() + g.unload.abs() + g.radius.abs() + g.center.length() + 1.0);
    (zone, (slack - eps).clamp(0.0, MAX_SLACK))
}

type Cell = (i64, i64);

/// The cell a coordinate falls in.
fn cell_of(v: f64, size: f64) -> i64 {
    let c = (v / size).floor();
    // Far-away coordinates saturate; distances stay exact, only bucketing coarsens.
    c.clamp(-(1i64 << 52) as f64, (1i64 << 52) as f64) as i64
}

/// Cell lists: a dense array over the region the volumes were built in
/// (fast to build and to look up), and a hash map for cells outside it
/// (volumes added later far away, sources far outside the world).
#[derive(Clone, Debug, Default)]
struct CellMap {
    x0: i64,
    y0: i64,
    width: i64,
    height: i64,
    dense: Vec<Vec<u32>>,
    sparse: HashMap<Cell, Vec<u32>>,
}

impl CellMap {
    fn dense_index(&self, c: Cell) -> Option<usize> {
        let (dx, dy) = (c.0.checked_sub(self.x0)?, c.1.checked_sub(self.y0)?);
        ((0..self.width).contains(&dx) && (0..self.height).contains(&dy))
            .then(|| (dx * self.height + dy) as usize)
    }

    fn get(&self, c: Cell) -> Option<&Vec<u32>> {
        match self.dense_index(c) {
            Some(i) => Some(&self.dense[i]),
            None => self.sparse.get(&c),
        }
    }

    fn get_mut(&mut self, c: Cell) -> Option<&mut Vec<u32>> {
        match self.dense_index(c) {
            Some(i) => Some(&mut self.dense[i]),
            None => self.sparse.get_mut(&c),
        }
    }

    fn entry(&mut self, c: Cell) -> &mut Vec<u32> {
        match self.dense_index(c) {
            Some(i) => &mut self.dense[i],
            None => self.sparse.entry(c).or_default(),
        }
    }

    /// Drops an empty sparse list.
    fn prune(&mut self, c: Cell) {
        if self.dense_index(c).is_none() && self.sparse.get(&c).is_some_and(Vec::is_empty) {
            self.sparse.remove(&c);
        }
    }

    fn memory_bytes(&self) -> usize {
        let lists = |v: &Vec<u32>| v.capacity() * 4 + std::mem::size_of::<Vec<u32>>();
        self.dense.iter().map(lists).sum::<usize>()
            + self
                .sparse
                .values()
                .map(|v| lists(v) + std::mem::size_of::<Cell>() + 8)
                .sum::<usize>()
    }
}

/// Most cells a build lays out densely (beyond that, the hash map is used).
const MAX_DENSE_CELLS: i64 = 1 << 22;

/// An inclusive rectangle of cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CellRect {
    x0: i64,
    y0: i64,
    x1: i64,
    y1: i64,
}

impl CellRect {
    const EMPTY: CellRect = CellRect {
        x0: 1,
        y0: 1,
        x1: 0,
        y1: 0,
    };

    fn overlaps(&self, o: &CellRect) -> bool {
        self.x0 <= o.x1 && o.x0 <= self.x1 && self.y0 <= o.y1 && o.y0 <= self.y1
    }

    fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        (self.x0..=self.x1).flat_map(move |x| (self.y0..=self.y1).map(move |y| (x, y)))
    }
}

const NIL: u32 = u32::MAX;

/// A tracker's copy of one tracked volume, linked into the wheel.
#[derive(Clone, Copy, Debug)]
struct Tracked {
    geom: VolumeGeom,
    /// Travelled distance after which the zone must be looked at again.
    check_at: f64,
    volume: u32,
    /// Next entry in the same wheel bucket.
    next: u32,
    zone: u8,
    /// The volume changed or went away; skip and drop at the next rebuild.
    dead: bool,
}

/// Per-source state: the tracked cells, the travelled distance, the tracked
/// volumes and the wheel. Every live tracked volume is in exactly one
/// bucket, and its zone is what this source contributes to its counts.
#[derive(Clone, Debug)]
struct Tracker {
    shape: SourceShape,
    rect: CellRect,
    travelled: f64,
    /// Absolute number of the next bucket to process.
    next_bucket: u64,
    heads: Vec<u32>,
    tracked: Vec<Tracked>,
}

impl Tracker {
    fn new(shape: SourceShape) -> Self {
        Tracker {
            shape,
            rect: CellRect::EMPTY,
            travelled: 0.0,
            next_bucket: 0,
            heads: vec![NIL; BUCKETS],
            tracked: Vec::new(),
        }
    }

    fn link(&mut self, i: u32) {
        let bucket = (self.tracked[i as usize].check_at / BUCKET_WIDTH).floor() as u64;
        // An entry due now goes to the next bucket processed.
        let slot = (bucket.max(self.next_bucket) % BUCKETS as u64) as usize;
        self.tracked[i as usize].next = self.heads[slot];
        self.heads[slot] = i;
    }

    /// Starts tracking a volume; returns its zone.
    fn track(&mut self, volume: u32, geom: &VolumeGeom) -> u8 {
        let (zone, slack) = zone_and_slack(self.shape.gap(geom), geom);
        let i = self.tracked.len() as u32;
        self.tracked.push(Tracked {
            geom: *geom,
            check_at: self.travelled + slack,
            volume,
            next: NIL,
            zone,
            dead: false,
        });
        self.link(i);
        zone
    }
}

/// Per-slot index state.
#[derive(Clone, Copy, Debug, Default)]
struct SlotState {
    /// Sources with the volume inside their load distance.
    in_load: u32,
    /// Sources with the volume inside their unload distance.
    in_unload: u32,
    /// Holds a live volume.
    live: bool,
    /// Evaluated by brute force (huge box).
    big: bool,
    wants: bool,
    touched: bool,
}

/// The spatial wanting index. See the module documentation.
///
/// Volumes are named by their id (the caller's dense volume id); inside, each
/// live volume occupies a slot.
#[derive(Clone, Debug)]
pub struct WantingIndex {
    cell_size: f64,
    margin: f64,
    /// Slots listed per cell.
    cells: CellMap,
    /// Slots evaluated by brute force.
    big: Vec<u32>,
    /// Geometry per slot.
    geoms: Vec<VolumeGeom>,
    /// Volume id per slot.
    ids: Vec<u32>,
    states: Vec<SlotState>,
    /// Rebuild stamp per slot, to list a volume once across several cells.
    stamps: Vec<u32>,
    stamp: u32,
    /// Slot per volume id (NIL: not in the index).
    slot_of: Vec<u32>,
    free_slots: Vec<u32>,
    trackers: Vec<Tracker>,
    /// Slots whose counts changed this update.
    touched: Vec<u32>,
}

impl Default for WantingIndex {
    fn default() -> Self {
        WantingIndex::new(DEFAULT_CELL_SIZE, DEFAULT_CELL_MARGIN)
    }
}

impl WantingIndex {
    /// An empty index with the given cell size and switching margin (both > 0).
    pub fn new(cell_size: f64, margin: f64) -> Self {
        assert!(
            cell_size > 0.0 && margin > 0.0,
            "cell size and margin must be positive"
        );
        WantingIndex {
            cell_size,
            margin,
            cells: CellMap::default(),
            big: Vec::new(),
            geoms: Vec::new(),
            ids: Vec::new(),
            states: Vec::new(),
            stamps: Vec::new(),
            stamp: 0,
            slot_of: Vec::new(),
            free_slots: Vec::new(),
            trackers: Vec::new(),
            touched: Vec::new(),
        }
    }

    /// Builds an index over `geoms` (volume id = position), all enabled,
    /// with slots ordered by the grid cell of each volume's centre.
    pub fn build(geoms: &[VolumeGeom]) -> Self {
        let mut index = WantingIndex::default();
        let n = geoms.len();
        let boxes: Vec<Option<CellRect>> = geoms.iter().map(|g| index.box_cells(g)).collect();
        // The dense region: the bounding rectangle of all listed boxes.
        let mut bounds: Option<CellRect> = None;
        for b in boxes.iter().flatten() {
            bounds = Some(match bounds {
                None => *b,
                Some(r) => CellRect {
                    x0: r.x0.min(b.x0),
                    y0: r.y0.min(b.y0),
                    x1: r.x1.max(b.x1),
                    y1: r.y1.max(b.y1),
                },
            });
        }
        if let Some(r) = bounds {
            let (w, h) = (
                r.x1 as i128 - r.x0 as i128 + 1,
                r.y1 as i128 - r.y0 as i128 + 1,
            );
            if w * h <= MAX_DENSE_CELLS as i128 {
                index.cells.x0 = r.x0;
                index.cells.y0 = r.y0;
                index.cells.width = w as i64;
                index.cells.height = h as i64;
            }
        }
        // Slot order: by the cell of the volume's centre (a counting sort
        // over the dense region, a comparison sort otherwise).
        let center_cell = |g: &VolumeGeom| {
            (
                cell_of(g.center.x, index.cell_size),
                cell_of(g.center.y, index.cell_size),
            )
        };
        let dense_cells = (index.cells.width * index.cells.height) as usize;
        let order: Vec<u32> = if dense_cells > 0 {
            let key = |id: usize| {
                index
                    .cells
                    .dense_index(center_cell(&geoms[id]))
                    .unwrap_or(dense_cells)
            };
            let mut starts = vec![0u32; dense_cells + 2];
            for id in 0..n {
                starts[key(id) + 1] += 1;
            }
            for i in 1..starts.len() {
                starts[i] += starts[i - 1];
            }
            let mut order = vec![0u32; n];
            for id in 0..n {
                let k = key(id);
                order[starts[k] as usize] = id as u32;
                starts[k] += 1;
            }
            order
        } else {
            let mut order: Vec<u32> = (0..n as u32).collect();
            order.sort_unstable_by_key(|&id| center_cell(&geoms[id as usize]));
            order
        };
        index.geoms = order.iter().map(|&id| geoms[id as usize]).collect();
        index.slot_of = vec![NIL; n];
        for (slot, &id) in order.iter().enumerate() {
            index.slot_of[id as usize] = slot as u32;
        }
        index.ids = order;
        index.states = vec![
            SlotState {
                live: true,
                ..SlotState::default()
            };
            n
        ];
        index.stamps = vec![0; n];
        // Size every dense list exactly, then fill in slot order (so each
        // list is sorted and made of runs of neighbouring slots).
        let mut counts = vec![0u32; dense_cells];
        for &id in &index.ids {
            if let Some(b) = &boxes[id as usize] {
                for cell in b.cells() {
                    if let Some(i) = index.cells.dense_index(cell) {
                        counts[i] += 1;
                    }
                }
            }
        }
        index.cells.dense = counts
            .into_iter()
            .map(|c| Vec::with_capacity(c as usize))
            .collect();
        for slot in 0..n {
            let id = index.ids[slot] as usize;
            match &boxes[id] {
                Some(b) => {
                    for cell in b.cells() {
                        index.cells.entry(cell).push(slot as u32);
                    }
                }
                None => {
                    index.states[slot].big = true;
                    index.big.push(slot as u32);
                }
            }
        }
        index
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

    /// Approximate heap memory of the index in bytes, without the volume
    /// geometry it stores (which is the volumes' own data): grid lists,
    /// per-volume state, id maps and the trackers.
    pub fn memory_bytes(&self) -> usize {
        let cells = self.cells.memory_bytes();
        let trackers: usize = self
            .trackers
            .iter()
            .map(|t| t.heads.capacity() * 4 + t.tracked.capacity() * std::mem::size_of::<Tracked>())
            .sum();
        cells
            + self.big.capacity() * 4
            + self.ids.capacity() * 4
            + self.slot_of.capacity() * 4
            + self.free_slots.capacity() * 4
            + self.states.capacity() * std::mem::size_of::<SlotState>()
            + self.stamps.capacity() * 4
            + trackers
    }

    /// Cells of a volume's expanded reach box, or None when it is too large
    /// to list (it goes to the brute-force list).
    fn box_cells(&self, g: &VolumeGeom) -> Option<CellRect> {
        let reach = g.radius + g.unload + self.margin;
        let r = CellRect {
            x0: cell_of(g.center.x - reach, self.cell_size),
            x1: cell_of(g.center.x + reach, self.cell_size),
            y0: cell_of(g.center.y - reach, self.cell_size),
            y1: cell_of(g.center.y + reach, self.cell_size),
        };
        let n = (r.x1 as i128 - r.x0 as i128 + 1) * (r.y1 as i128 - r.y0 as i128 + 1);
        (reach.is_finite() && n <= MAX_CELLS_PER_VOLUME as i128).then_some(r)
    }

    /// The cells overlapping a source shape's bounding box.
    fn rect_of(&self, shape: &SourceShape) -> CellRect {
        let (lo_x, lo_y) = shape.min_xy();
        let (hi_x, hi_y) = shape.max_xy();
        CellRect {
            x0: cell_of(lo_x, self.cell_size),
            y0: cell_of(lo_y, self.cell_size),
            x1: cell_of(hi_x, self.cell_size),
            y1: cell_of(hi_y, self.cell_size),
        }
    }

    fn touch(&mut self, slot: u32) {
        let s = &mut self.states[slot as usize];
        if !s.touched {
            s.touched = true;
            self.touched.push(slot);
        }
    }

    fn contribute(&mut self, slot: u32, zone: u8, sign: i32) {
        let s = &mut self.states[slot as usize];
        let delta = |v: &mut u32| *v = v.wrapping_add_signed(sign);
        match zone {
            INSIDE => {
                delta(&mut s.in_load);
                delta(&mut s.in_unload);
            }
            BAND => delta(&mut s.in_unload),
            _ => return,
        }
        self.touch(slot);
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
                self.geoms[slot as usize] = *g;
                self.ids[slot as usize] = id;
                slot
            }
            None => {
                self.geoms.push(*g);
                self.ids.push(id);
                self.states.push(SlotState::default());
                self.stamps.push(0);
                (self.geoms.len() - 1) as u32
            }
        };
        self.slot_of[id as usize] = slot;
        self.states[slot as usize] = SlotState {
            live: true,
            wants,
            ..SlotState::default()
        };
        match self.box_cells(g) {
            None => {
                self.states[slot as usize].big = true;
                self.big.push(slot);
            }
            Some(vbox) => {
                for cell in vbox.cells() {
                    self.cells.entry(cell).push(slot);
                }
                // Sources already tracking a covered cell start tracking it now.
                for t in 0..self.trackers.len() {
                    if self.trackers[t].rect.overlaps(&vbox) {
                        let zone = self.trackers[t].track(slot, g);
                        self.contribute(slot, zone, 1);
                    }
                }
            }
        }
        self.touch(slot);
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
        let g = self.geoms[slot as usize];
        if state.big {
            self.big.retain(|v| *v != slot);
        } else if let Some(vbox) = self.box_cells(&g) {
            for cell in vbox.cells() {
                if let Some(list) = self.cells.get_mut(cell) {
                    if let Some(pos) = list.iter().position(|v| *v == slot) {
                        list.swap_remove(pos);
                    }
                }
                self.cells.prune(cell);
            }
            // Trackers listing it drop their copy (it stays in its bucket as
            // a dead entry until their next rebuild).
            for t in &mut self.trackers {
                if t.rect.overlaps(&vbox) {
                    for e in t.tracked.iter_mut().filter(|e| e.volume == slot && !e.dead) {
                        e.dead = true;
                    }
                }
            }
        }
        self.states[slot as usize] = SlotState::default();
        self.free_slots.push(slot);
    }

    /// Changes a volume's geometry: it keeps its decision until the next update.
    pub fn update_geometry(&mut self, id: u32, new: &VolumeGeom) {
        let wants = self.wants(id);
        self.remove(id);
        self.insert_with(id, new, wants);
    }

    /// Re-tracks source `t` from scratch around its current shape.
    fn rebuild_tracker(&mut self, t: usize) {
        // Withdraw everything this source contributed.
        let mut tracked = std::mem::take(&mut self.trackers[t].tracked);
        for e in tracked.iter().filter(|e| !e.dead) {
            self.contribute(e.volume, e.zone, -1);
        }
        tracked.clear();
        let shape = self.trackers[t].shape;
        let rect = self.rect_of(&shape);
        {
            let tracker = &mut self.trackers[t];
            tracker.tracked = tracked;
            tracker.rect = rect;
            tracker.heads.iter_mut().for_each(|h| *h = NIL);
            tracker.next_bucket = (tracker.travelled / BUCKET_WIDTH).floor() as u64;
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.stamps.iter_mut().for_each(|s| *s = 0);
            self.stamp = 1;
        }
        for cell in rect.cells() {
            let Some(list) = self.cells.get(cell) else {
                continue;
            };
            for &slot in list {
                let i = slot as usize;
                if self.stamps[i] == self.stamp {
                    continue; // already listed through another cell
                }
                self.stamps[i] = self.stamp;
                let zone = self.trackers[t].track(slot, &self.geoms[i]);
                // Inline contribute (the cell list is borrowed).
                let s = &mut self.states[i];
                match zone {
                    INSIDE => {
                        s.in_load += 1;
                        s.in_unload += 1;
                    }
                    BAND => s.in_unload += 1,
                    _ => continue,
                }
                if !s.touched {
                    s.touched = true;
                    self.touched.push(slot);
                }
            }
        }
    }

    /// Whether a source shape is still within `margin` of its tracked cells
    /// (then every volume whose unload range it reaches is tracked).
    fn still_in_rect(&self, shape: &SourceShape, rect: &CellRect) -> bool {
        let (lo_x, lo_y) = shape.min_xy();
        let (hi_x, hi_y) = shape.max_xy();
        let x0 = rect.x0 as f64 * self.cell_size - self.margin;
        let y0 = rect.y0 as f64 * self.cell_size - self.margin;
        let x1 = (rect.x1 + 1) as f64 * self.cell_size + self.margin;
        let y1 = (rect.y1 + 1) as f64 * self.cell_size + self.margin;
        lo_x >= x0 && hi_x <= x1 && lo_y >= y0 && hi_y <= y1
    }

    /// Looks again at the tracked volumes of source `t` that are due after
    /// it travelled to `travelled`.
    fn advance(&mut self, t: usize, travelled: f64) {
        let last = (travelled / BUCKET_WIDTH).floor() as u64;
        let first = self.trackers[t].next_bucket;
        self.trackers[t].travelled = travelled;
        // Entries re-linked below land in `last` or later.
        self.trackers[t].next_bucket = last;
        let shape = self.trackers[t].shape;
        for b in first..=last {
            let slot = (b % BUCKETS as u64) as usize;
            let mut cur = std::mem::replace(&mut self.trackers[t].heads[slot], NIL);
            while cur != NIL {
                let tracker = &mut self.trackers[t];
                let e = &mut tracker.tracked[cur as usize];
                let next = e.next;
                if !e.dead {
                    if e.check_at < travelled {
                        let (zone, slack) = zone_and_slack(shape.gap(&e.geom), &e.geom);
                        e.check_at = travelled + slack;
                        let (old, volume) = (e.zone, e.volume);
                        e.zone = zone;
                        tracker.link(cur);
                        if zone != old {
                            self.contribute(volume, old, -1);
                            self.contribute(volume, zone, 1);
                        }
                    } else {
                        tracker.link(cur);
                    }
                }
                cur = next;
            }
        }
    }

    /// One frame: moves the sources to `shapes` (one per source, in a stable
    /// order), re-evaluates what may have changed, and appends to `flipped`
    /// the ids of the volumes whose decision flipped. Returns the number of
    /// sources that were re-tracked from scratch (cell switches, jumps, new
    /// sources).
    pub fn update(&mut self, shapes: &[SourceShape], flipped: &mut Vec<u32>) -> usize {
        let mut rebuilt = 0;
        // Sources that went away withdraw their contributions.
        while self.trackers.len() > shapes.len() {
            let tracker = self.trackers.pop().expect("non-empty");
            for e in tracker.tracked.iter().filter(|e| !e.dead) {
                self.contribute(e.volume, e.zone, -1);
            }
        }
        for (t, shape) in shapes.iter().enumerate() {
            if t == self.trackers.len() {
                self.trackers.push(Tracker::new(*shape));
                self.rebuild_tracker(t);
                rebuilt += 1;
                continue;
            }
            let old = self.trackers[t].shape;
            let moved = old
                .start
                .distance(&shape.start)
                .max(old.end.distance(&shape.end));
            self.trackers[t].shape = *shape;
            let rect = self.trackers[t].rect;
            if moved > MAX_SLACK / 2.0 || !moved.is_finite() || !self.still_in_rect(shape, &rect) {
                if moved.is_finite() {
                    self.trackers[t].travelled += moved;
                }
                self.rebuild_tracker(t);
                rebuilt += 1;
            } else if moved > 0.0 {
                let travelled = self.trackers[t].travelled + moved;
                self.advance(t, travelled);
            }
        }
        // Huge volumes: brute force over all sources.
        for i in 0..self.big.len() {
            let slot = self.big[i] as usize;
            let g = &self.geoms[slot];
            let d = shapes
                .iter()
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
        rebuilt
    }
}
