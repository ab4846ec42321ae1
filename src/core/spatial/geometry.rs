//! The index's volume geometry, per slot: exact (f64, for decisions) and a
//! compact f32 mirror (for grid queries and building lanes), and the grid
//! query's test of a run of slots against an anchor.

use super::grid::{cell_of, Cell, CellBox};
use super::{max_abs, SourceShape, VolumeGeom};
use crate::core::types::Vec3;

/// Geometry per slot.
///
/// - `slots`: the exact geometry, an array of structs (a build fills it by
///   scattering each volume to its slot; exact decisions read one volume).
/// - The mirror: per slot, in flat f32 arrays, the centre relative to the
///   corner of its grid cell (so the f32 error is that of a cell, wherever
///   the world is) and the load and unload reach. A grid query reads 16
///   bytes a volume instead of 48, in a loop the compiler vectorises, and
///   writes the lanes' coordinates as it goes.
#[derive(Clone, Debug)]
pub(super) struct Geometry {
    cell_size: f64,
    slots: Vec<VolumeGeom>,
    rel_x: Vec<f32>,
    rel_y: Vec<f32>,
    z: Vec<f32>,
    reach_load: Vec<f32>,
    reach_unload: Vec<f32>,
}

/// The volumes a grid query found, as the lanes of a near set hold them:
/// slots, with their centre relative to the tracker's origin and their
/// unload reach (f32). Queries append here directly (a near set's own
/// columns), copying from the mirror while its span is in cache.
#[derive(Clone, Debug, Default)]
pub(super) struct Candidates {
    pub(super) slot: Vec<u32>,
    pub(super) x: Vec<f32>,
    pub(super) y: Vec<f32>,
    pub(super) z: Vec<f32>,
    /// `radius + unload`, as in the mirror.
    pub(super) reach_unload: Vec<f32>,
}

/// Scratch of grid queries, kept for its capacity.
#[derive(Clone, Debug, Default)]
pub(super) struct QueryScratch {
    /// `radius + load` (as in the mirror) of each candidate appended since
    /// it was cleared, in order: only classifying new lanes needs it.
    pub(super) reach_load: Vec<f32>,
    flags: Vec<u8>,
    hits: Vec<u32>,
}

impl QueryScratch {
    pub(super) fn memory_bytes(&self) -> usize {
        (self.reach_load.capacity() + self.hits.capacity()) * 4 + self.flags.capacity()
    }
}

/// Applies `$what` to every column of [`Candidates`].
macro_rules! candidate_columns {
    ($what:ident) => {
        $what!(slot x y z reach_unload)
    };
}

impl Candidates {
    pub(super) fn clear(&mut self) {
        macro_rules! clear {
            ($($column:ident)*) => { $(self.$column.clear();)* };
        }
        candidate_columns!(clear);
    }

    pub(super) fn len(&self) -> usize {
        self.slot.len()
    }

    pub(super) fn push(&mut self, slot: u32, (x, y, z): (f32, f32, f32), reach_unload: f32) {
        self.slot.push(slot);
        self.x.push(x);
        self.y.push(y);
        self.z.push(z);
        self.reach_unload.push(reach_unload);
    }

    /// Appends `other`'s candidates.
    pub(super) fn extend_from(&mut self, other: &Candidates) {
        macro_rules! extend {
            ($($column:ident)*) => { $(self.$column.extend_from_slice(&other.$column);)* };
        }
        candidate_columns!(extend);
    }

    /// Removes candidate `i` (the last one takes its place).
    pub(super) fn swap_remove(&mut self, i: usize) {
        macro_rules! swap_remove {
            ($($column:ident)*) => { $(self.$column.swap_remove(i);)* };
        }
        candidate_columns!(swap_remove);
    }

    /// Keeps the candidates whose slot passes `keep`, and the matching
    /// entries of `companion` (one per candidate).
    pub(super) fn retain(&mut self, companion: &mut Vec<f32>, mut keep: impl FnMut(u32) -> bool) {
        let mut n = 0;
        for i in 0..self.len() {
            if keep(self.slot[i]) {
                macro_rules! shift {
                    ($($column:ident)*) => { $(self.$column[n] = self.$column[i];)* };
                }
                candidate_columns!(shift);
                companion[n] = companion[i];
                n += 1;
            }
        }
        macro_rules! truncate {
            ($($column:ident)*) => { $(self.$column.truncate(n);)* };
        }
        candidate_columns!(truncate);
        companion.truncate(n);
    }

    /// Room for `more` candidates without reallocating.
    pub(super) fn reserve_exact(&mut self, more: usize) {
        macro_rules! reserve {
            ($($column:ident)*) => { $(self.$column.reserve_exact(more);)* };
        }
        candidate_columns!(reserve);
    }

    /// Candidates the columns hold without reallocating.
    pub(super) fn capacity(&self) -> usize {
        let mut capacity = usize::MAX;
        macro_rules! min {
            ($($column:ident)*) => { $(capacity = capacity.min(self.$column.capacity());)* };
        }
        candidate_columns!(min);
        capacity
    }

    pub(super) fn memory_bytes(&self) -> usize {
        let mut words = 0;
        macro_rules! capacity {
            ($($column:ident)*) => { $(words += self.$column.capacity();)* };
        }
        candidate_columns!(capacity);
        words * 4
    }
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

/// Flags the slots of a span (mirror columns `x y z reach`) whose centre is
/// within `reach + reach_slack` of the point `(px, py, pz)` (same frame).
/// Plain indexed loops over equal-length slices: the form the
/// auto-vectoriser turns into packed arithmetic.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn test_span(
    (x, y, z, reach): (&[f32], &[f32], &[f32], &[f32]),
    (px, py, pz, reach_slack): (f32, f32, f32, f32),
    flags: &mut [u8],
) {
    let n = flags.len();
    let (x, y, z, reach) = (&x[..n], &y[..n], &z[..n], &reach[..n]);
    for i in 0..n {
        let (dx, dy, dz) = (x[i] - px, y[i] - py, z[i] - pz);
        let bound = (reach[i] + reach_slack) * (1.0 + 1e-6);
        flags[i] = (dx * dx + dy * dy + dz * dz <= bound * bound) as u8;
    }
}

/// What turns a mirror entry of `cell` into a centre relative to `origin`
/// (the mirror's heights are absolute): the same f32 sums for every query.
fn cell_offset(cell: &CellBox, origin: &Vec3) -> (f32, f32, f32) {
    (
        (cell.x0 - origin.x) as f32,
        (cell.y0 - origin.y) as f32,
        -origin.z as f32,
    )
}

/// `p - origin`.
pub(super) fn relative(p: &Vec3, origin: &Vec3) -> Vec3 {
    Vec3::new(p.x - origin.x, p.y - origin.y, p.z - origin.z)
}

impl Geometry {
    /// No slots; cells of `cell_size` (the grid's).
    pub(super) fn new(cell_size: f64) -> Self {
        Geometry {
            cell_size,
            slots: Vec::new(),
            rel_x: Vec::new(),
            rel_y: Vec::new(),
            z: Vec::new(),
            reach_load: Vec::new(),
            reach_unload: Vec::new(),
        }
    }

    /// `n` slots of zeros for a build: fill the exact geometry with
    /// [`set_exact`](Self::set_exact) in any order, then the mirror with
    /// [`push_mirror`](Self::push_mirror) in slot order.
    pub(super) fn zeroed(cell_size: f64, n: usize) -> Self {
        let zero = VolumeGeom {
            center: Vec3::ZERO,
            radius: 0.0,
            load: 0.0,
            unload: 0.0,
        };
        let mut geometry = Geometry::new(cell_size);
        geometry.slots = vec![zero; n];
        for column in geometry.mirror_columns() {
            column.reserve_exact(n);
        }
        geometry
    }

    fn mirror_columns(&mut self) -> [&mut Vec<f32>; 5] {
        [
            &mut self.rel_x,
            &mut self.rel_y,
            &mut self.z,
            &mut self.reach_load,
            &mut self.reach_unload,
        ]
    }

    /// Sets a slot's exact geometry only (a build; see [`zeroed`](Self::zeroed)).
    pub(super) fn set_exact(&mut self, slot: u32, g: &VolumeGeom) {
        self.slots[slot as usize] = *g;
    }

    /// Appends the mirror entries of the next `count` slots, which lie in
    /// the cell `cell` when known (else each one's is computed).
    pub(super) fn push_mirror(&mut self, count: usize, cell: Option<Cell>) {
        let start = self.rel_x.len();
        let Some((cx, cy)) = cell else {
            for i in start..start + count {
                let entry = self.mirror(&self.slots[i]);
                for (column, value) in self.mirror_columns().into_iter().zip(entry) {
                    column.push(value);
                }
            }
            return;
        };
        // The same arithmetic as `mirror`, a column at a time.
        let (x0, y0) = (cx as f64 * self.cell_size, cy as f64 * self.cell_size);
        let run = &self.slots[start..start + count];
        self.rel_x
            .extend(run.iter().map(|g| (g.center.x - x0) as f32));
        self.rel_y
            .extend(run.iter().map(|g| (g.center.y - y0) as f32));
        self.z.extend(run.iter().map(|g| g.center.z as f32));
        self.reach_load
            .extend(run.iter().map(|g| (g.radius + g.load) as f32));
        self.reach_unload
            .extend(run.iter().map(|g| (g.radius + g.unload) as f32));
    }

    pub(super) fn get(&self, slot: u32) -> VolumeGeom {
        self.slots[slot as usize]
    }

    /// The mirror's entry for `g` (NaN stays NaN: a tombstone never passes
    /// a query).
    fn mirror(&self, g: &VolumeGeom) -> [f32; 5] {
        let (cx, cy) = (
            cell_of(g.center.x, self.cell_size),
            cell_of(g.center.y, self.cell_size),
        );
        let (x0, y0) = (cx as f64 * self.cell_size, cy as f64 * self.cell_size);
        [
            (g.center.x - x0) as f32,
            (g.center.y - y0) as f32,
            g.center.z as f32,
            (g.radius + g.load) as f32,
            (g.radius + g.unload) as f32,
        ]
    }

    pub(super) fn set(&mut self, slot: u32, g: &VolumeGeom) {
        let entry = self.mirror(g);
        self.slots[slot as usize] = *g;
        for (column, value) in self.mirror_columns().into_iter().zip(entry) {
            column[slot as usize] = value;
        }
    }

    pub(super) fn push(&mut self, g: &VolumeGeom) {
        let entry = self.mirror(g);
        self.slots.push(*g);
        for (column, value) in self.mirror_columns().into_iter().zip(entry) {
            column.push(value);
        }
    }

    pub(super) fn len(&self) -> usize {
        self.slots.len()
    }

    /// `radius + load` and `radius + unload` of a slot, rounded to f32.
    #[inline(always)]
    pub(super) fn reaches(&self, slot: u32) -> (f32, f32) {
        (
            self.reach_load[slot as usize],
            self.reach_unload[slot as usize],
        )
    }

    /// Heap memory of the exact (f64) geometry.
    pub(super) fn exact_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<VolumeGeom>()
    }

    /// Heap memory of the f32 mirror.
    pub(super) fn mirror_bytes(&self) -> usize {
        [
            &self.rel_x,
            &self.rel_y,
            &self.z,
            &self.reach_load,
            &self.reach_unload,
        ]
        .iter()
        .map(|column| column.capacity() * 4)
        .sum()
    }

    /// Appends to `found` the slots of `span` (consecutive slots of
    /// `cell`'s, whose centre heights are at most `z_bound` in absolute
    /// value) that pass `test`, with their centre relative to `origin`,
    /// and their load reaches to `scratch`. A point anchor is tested on the
    /// f32 mirror, with a slack far above its rounding (more candidates are
    /// harmless, fewer would not be); a capsule in f64.
    pub(super) fn find_in_span(
        &self,
        (span, cell, z_bound): (std::ops::Range<u32>, &CellBox, f64),
        test: &ReachTest,
        origin: &Vec3,
        scratch: &mut QueryScratch,
        found: &mut Candidates,
    ) {
        if test.anchor.start != test.anchor.end {
            self.find_exactly(span, test, origin, scratch, found);
            return;
        }
        let (start, end) = (span.start as usize, span.end as usize);
        let s = test.anchor.start;
        let p = (s.x - cell.x0, s.y - cell.y0);
        // f32 errors are ~1e-7 of these magnitudes.
        let magnitudes = self.cell_size + p.0.abs() + p.1.abs() + s.z.abs() + z_bound;
        let slack = 1e-5 * (magnitudes + test.margin) + 1e-3;
        let (px, py, pz) = (p.0 as f32, p.1 as f32, s.z as f32);
        let reach_slack = ((test.margin + slack) * (1.0 + 1e-6)) as f32;
        let n = end - start;
        let (x, y, z) = (
            &self.rel_x[start..end],
            &self.rel_y[start..end],
            &self.z[start..end],
        );
        let reach = &self.reach_unload[start..end];
        let flags = &mut scratch.flags;
        flags.resize(n, 0);
        test_span((x, y, z, reach), (px, py, pz, reach_slack), &mut flags[..n]);
        let (ox, oy, oz) = cell_offset(cell, origin);
        // The passing positions first (a branch-free compaction: about half
        // pass, unpredictably), then one pass over them writes every column.
        let hits = &mut scratch.hits;
        hits.resize(n, 0);
        let mut passed = 0;
        for (i, &f) in flags[..n].iter().enumerate() {
            hits[passed] = i as u32;
            passed += f as usize;
        }
        // Room made first: a gather per column would re-read the hits and
        // check bounds six times.
        let hits = &scratch.hits;
        let base = found.len();
        let grown = base + passed;
        found.slot.resize(grown, 0);
        macro_rules! grow {
            ($($column:ident)*) => { $(found.$column.resize(grown, 0.0);)* };
        }
        grow!(x y z reach_unload);
        let load_base = scratch.reach_load.len();
        scratch.reach_load.resize(load_base + passed, 0.0);
        // Every slice as long as the hits, or as the span: one bounds
        // check a hit.
        let out_slot = &mut found.slot[base..grown];
        let (out_x, out_y, out_z) = (
            &mut found.x[base..grown],
            &mut found.y[base..grown],
            &mut found.z[base..grown],
        );
        let out_unload = &mut found.reach_unload[base..grown];
        let out_load = &mut scratch.reach_load[load_base..load_base + passed];
        let load = &self.reach_load[start..end];
        let hits = &hits[..passed];
        for (k, &i) in hits.iter().enumerate() {
            let i = i as usize;
            out_slot[k] = span.start + i as u32;
            out_x[k] = x[i] + ox;
            out_y[k] = y[i] + oy;
            out_z[k] = z[i] + oz;
            out_unload[k] = reach[i];
            out_load[k] = load[i];
        }
    }

    /// Appends to `found` every slot of `span` (consecutive slots of
    /// `cell`'s, all live and all known to pass the query), with their
    /// centre relative to `origin`: [`find_in_span`](Self::find_in_span)'s
    /// output without the test (copies, which vectorise).
    pub(super) fn copy_span(
        &self,
        span: std::ops::Range<u32>,
        cell: &CellBox,
        origin: &Vec3,
        scratch: &mut QueryScratch,
        found: &mut Candidates,
    ) {
        let (start, end) = (span.start as usize, span.end as usize);
        let (ox, oy, oz) = cell_offset(cell, origin);
        found.slot.extend(span);
        found
            .x
            .extend(self.rel_x[start..end].iter().map(|&x| x + ox));
        found
            .y
            .extend(self.rel_y[start..end].iter().map(|&y| y + oy));
        found.z.extend(self.z[start..end].iter().map(|&z| z + oz));
        found
            .reach_unload
            .extend_from_slice(&self.reach_unload[start..end]);
        scratch
            .reach_load
            .extend_from_slice(&self.reach_load[start..end]);
    }

    /// Appends to `found` the `slots` that pass `test`, with their centre
    /// relative to `origin`, tested one at a time on the exact geometry
    /// (capsules, and volumes listed outside the build's runs).
    pub(super) fn find_exactly(
        &self,
        slots: impl IntoIterator<Item = u32>,
        test: &ReachTest,
        origin: &Vec3,
        scratch: &mut QueryScratch,
        found: &mut Candidates,
    ) {
        for slot in slots {
            let g = &self.slots[slot as usize];
            if test.reaches(g) {
                let (load, unload) = self.reaches(slot);
                let c = relative(&g.center, origin);
                found.push(slot, (c.x as f32, c.y as f32, c.z as f32), unload);
                scratch.reach_load.push(load);
            }
        }
    }
}
