//! The grid of the spatial index: every listed volume once, in the cell of
//! its centre, grouped by *reach class* so that a query skips, in a distant
//! cell, the volumes whose reach cannot get to the source.

use std::collections::HashMap;

/// A cell's coordinates.
pub(super) type Cell = (i64, i64);

/// Reach classes per cell: class `k` holds the reaches up to
/// `cell_size * 2^((k - 2) / 2)`, the last one everything up to the grid's
/// limit. Narrow classes let a query skip more of a distant cell.
pub(super) const REACH_CLASSES: usize = 8;

/// The reach class of a reach.
pub(super) fn reach_class(reach: f64, cell_size: f64) -> usize {
    // The number of limits below the reach: no data-dependent branch (a
    // build classifies a million volumes).
    let mut limit = cell_size * 0.5;
    let mut class = 0;
    for _ in 0..REACH_CLASSES - 1 {
        class += (reach > limit) as usize;
        limit *= std::f64::consts::SQRT_2;
    }
    class
}

/// The cell a coordinate falls in.
pub(super) fn cell_of(v: f64, size: f64) -> i64 {
    // Far-away coordinates saturate; distances stay exact, only bucketing
    // coarsens. (`floor` by hand: without SSE4.1 it is a libm call, and the
    // build computes a million of these.) NaN lands in cell 0.
    let c = (v / size).clamp(-(1i64 << 52) as f64, (1i64 << 52) as f64);
    let t = c as i64;
    if (t as f64) > c {
        t - 1
    } else {
        t
    }
}

/// The slots of one reach class of one cell: a contiguous run laid out by
/// the build (a removed one stays as a tombstone the query never matches)
/// and a list of slots added at run time, with bounds on their reach and
/// height (kept loose after removals, which only widens queries).
///
/// 32 bytes, eight per cell: the bounds are f32 rounded outwards (looser
/// bounds only widen queries), the rarely used list is boxed.
#[derive(Clone, Debug, Default)]
pub(super) struct ClassList {
    pub(super) run: std::ops::Range<u32>,
    // Boxed on purpose: 8 bytes instead of a Vec's 24 in every class of
    // every cell, for a list most classes never have.
    #[allow(clippy::box_collection)]
    extra: Option<Box<Vec<u32>>>,
    max_reach: f32,
    min_reach: f32,
    min_z: f32,
    max_z: f32,
}

/// `x` rounded to f32 away from the bound it must not cross: upwards (for
/// a maximum) or downwards (for a minimum), by far more than f32 rounding.
fn f32_outward(x: f64, up: bool) -> f32 {
    let widen = x.abs() * 1e-6 + 1e-6;
    (if up { x + widen } else { x - widen }) as f32
}

impl ClassList {
    pub(super) fn is_empty(&self) -> bool {
        self.run.is_empty() && self.extra().is_empty()
    }

    /// The slots added at run time.
    pub(super) fn extra(&self) -> &[u32] {
        self.extra.as_deref().map_or(&[], |v| &v[..])
    }

    /// At least the largest reach of the class's volumes.
    pub(super) fn max_reach(&self) -> f64 {
        self.max_reach as f64
    }

    /// At most the smallest reach of the class's volumes.
    pub(super) fn min_reach(&self) -> f64 {
        self.min_reach as f64
    }

    /// Bounds on the class's centre heights.
    pub(super) fn z_range(&self) -> (f64, f64) {
        (self.min_z as f64, self.max_z as f64)
    }

    /// Widens the bounds for a volume with this reach and centre height
    /// (`first`: the bounds hold no volume yet).
    pub(super) fn cover(&mut self, reach: f64, z: f64, first: bool) {
        let (reach_hi, reach_lo) = (f32_outward(reach, true), f32_outward(reach, false));
        let (z_lo, z_hi) = (f32_outward(z, false), f32_outward(z, true));
        if first {
            (self.max_reach, self.min_reach) = (reach_hi, reach_lo);
            (self.min_z, self.max_z) = (z_lo, z_hi);
        } else {
            self.max_reach = self.max_reach.max(reach_hi);
            self.min_reach = self.min_reach.min(reach_lo);
            self.min_z = self.min_z.min(z_lo);
            self.max_z = self.max_z.max(z_hi);
        }
    }

    /// Adds a slot at run time.
    pub(super) fn push(&mut self, slot: u32, reach: f64, z: f64) {
        self.cover(reach, z, self.is_empty());
        self.extra.get_or_insert_with(Default::default).push(slot);
    }

    /// Removes a slot added at run time (a build's slot stays in the run).
    fn remove_extra(&mut self, slot: u32) {
        if let Some(extra) = &mut self.extra {
            if let Some(pos) = extra.iter().position(|v| *v == slot) {
                extra.swap_remove(pos);
            }
        }
    }

    fn extra_bytes(&self) -> usize {
        self.extra
            .as_ref()
            .map_or(0, |v| std::mem::size_of::<Vec<u32>>() + v.capacity() * 4)
    }
}

/// The volumes whose centre lies in one cell, by reach class.
#[derive(Clone, Debug, Default)]
pub(super) struct CellList {
    pub(super) classes: [ClassList; REACH_CLASSES],
}

impl CellList {
    fn is_empty(&self) -> bool {
        self.classes.iter().all(ClassList::is_empty)
    }

    fn memory_bytes(&self) -> usize {
        std::mem::size_of::<CellList>()
            + self
                .classes
                .iter()
                .map(ClassList::extra_bytes)
                .sum::<usize>()
    }
}

/// A cell's extent in the plane.
#[derive(Clone, Copy, Debug)]
pub(super) struct CellBox {
    pub(super) x0: f64,
    pub(super) y0: f64,
    pub(super) x1: f64,
    pub(super) y1: f64,
}

impl CellBox {
    /// The largest absolute coordinate.
    pub(super) fn magnitude(&self) -> f64 {
        self.x0
            .abs()
            .max(self.x1.abs())
            .max(self.y0.abs())
            .max(self.y1.abs())
    }
}

/// An inclusive rectangle of cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct CellRect {
    pub(super) x0: i64,
    pub(super) y0: i64,
    pub(super) x1: i64,
    pub(super) y1: i64,
}

impl CellRect {
    pub(super) fn area(&self) -> i128 {
        (self.x1 as i128 - self.x0 as i128 + 1).max(0)
            * (self.y1 as i128 - self.y0 as i128 + 1).max(0)
    }

    fn contains(&self, c: Cell) -> bool {
        (self.x0..=self.x1).contains(&c.0) && (self.y0..=self.y1).contains(&c.1)
    }

    fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        (self.x0..=self.x1).flat_map(move |x| (self.y0..=self.y1).map(move |y| (x, y)))
    }
}

/// Most cells a build lays out densely (beyond that, the hash map is used).
pub(super) const MAX_DENSE_CELLS: i128 = 1 << 22;

/// Cell lists: a dense array over the region the volumes were built in
/// (fast to build and to look up), and a hash map for cells outside it
/// (volumes added later far away).
#[derive(Clone, Debug, Default)]
pub(super) struct CellMap {
    x0: i64,
    y0: i64,
    width: i64,
    height: i64,
    pub(super) dense: Vec<CellList>,
    sparse: HashMap<Cell, CellList>,
}

impl CellMap {
    /// Lays out `rect` densely (empty lists, to be filled by the caller).
    pub(super) fn set_dense_region(&mut self, rect: &CellRect) {
        self.x0 = rect.x0;
        self.y0 = rect.y0;
        self.width = rect.x1 - rect.x0 + 1;
        self.height = rect.y1 - rect.y0 + 1;
    }

    /// Cells in the dense region.
    pub(super) fn dense_cells(&self) -> usize {
        (self.width * self.height) as usize
    }

    pub(super) fn dense_index(&self, c: Cell) -> Option<usize> {
        let (dx, dy) = (c.0.checked_sub(self.x0)?, c.1.checked_sub(self.y0)?);
        ((0..self.width).contains(&dx) && (0..self.height).contains(&dy))
            .then(|| (dx * self.height + dy) as usize)
    }

    /// The cell at dense index `i` (the inverse of [`dense_index`](Self::dense_index)).
    pub(super) fn dense_cell(&self, i: usize) -> Cell {
        let i = i as i64;
        (self.x0 + i / self.height, self.y0 + i % self.height)
    }

    pub(super) fn entry(&mut self, c: Cell) -> &mut CellList {
        match self.dense_index(c) {
            Some(i) => &mut self.dense[i],
            None => self.sparse.entry(c).or_default(),
        }
    }

    pub(super) fn remove_slot(&mut self, c: Cell, class: usize, slot: u32) {
        let list = match self.dense_index(c) {
            Some(i) => &mut self.dense[i],
            None => match self.sparse.get_mut(&c) {
                Some(list) => list,
                None => return,
            },
        };
        // A slot of the build's run stays there (the index makes it a tombstone).
        list.classes[class].remove_extra(slot);
        if list.is_empty() && self.dense_index(c).is_none() {
            self.sparse.remove(&c);
        }
    }

    /// Calls `f(cell, list)` for every non-empty cell in `rect`, visiting
    /// the dense region row by row and the sparse cells by lookup (or by
    /// iteration when the rectangle is larger than the map).
    pub(super) fn for_each_in(&self, rect: &CellRect, mut f: impl FnMut(Cell, &CellList)) {
        if self.width > 0 {
            let x0 = rect.x0.max(self.x0);
            let x1 = rect.x1.min(self.x0 + self.width - 1);
            let y0 = rect.y0.max(self.y0);
            let y1 = rect.y1.min(self.y0 + self.height - 1);
            for x in x0..=x1 {
                let row = ((x - self.x0) * self.height) as usize;
                for y in y0..=y1 {
                    f((x, y), &self.dense[row + (y - self.y0) as usize]);
                }
            }
        }
        if self.sparse.is_empty() {
            return;
        }
        if rect.area() > self.sparse.len() as i128 {
            for (&c, list) in &self.sparse {
                if rect.contains(c) {
                    f(c, list);
                }
            }
        } else {
            for c in rect.cells() {
                if self.dense_index(c).is_none() {
                    if let Some(list) = self.sparse.get(&c) {
                        f(c, list);
                    }
                }
            }
        }
    }

    /// Calls `f(cell box, list, in_reach)` for every cell around the box
    /// `lo..hi` (x, y) with a non-empty reach class whose largest reach plus
    /// `extra` can get to the box; bit `k` of `in_reach` tells class `k`.
    /// `max_reach` bounds every class's reach.
    pub(super) fn for_each_cell_near(
        &self,
        cell_size: f64,
        (lo, hi): ((f64, f64), (f64, f64)),
        (max_reach, extra): (f64, f64),
        mut f: impl FnMut(&CellBox, &CellList, u8),
    ) {
        // Slack over f64 rounding at large coordinates.
        let magnitude = lo.0.abs().max(lo.1.abs()).max(hi.0.abs()).max(hi.1.abs());
        let r = max_reach + extra + 1.0 + 1e-12 * magnitude;
        let rect = CellRect {
            x0: cell_of(lo.0 - r, cell_size),
            y0: cell_of(lo.1 - r, cell_size),
            x1: cell_of(hi.0 + r, cell_size),
            y1: cell_of(hi.1 + r, cell_size),
        };
        self.for_each_in(&rect, |(cx, cy), list| {
            let (x0, y0) = (cx as f64 * cell_size, cy as f64 * cell_size);
            let cell = CellBox {
                x0,
                y0,
                x1: x0 + cell_size,
                y1: y0 + cell_size,
            };
            // The cell's nearest point to the box.
            let gx = (cell.x0 - hi.0).max(lo.0 - cell.x1).max(0.0);
            let gy = (cell.y0 - hi.1).max(lo.1 - cell.y1).max(0.0);
            let gap2 = gx * gx + gy * gy;
            let eps = 1.0 + 1e-8 * (gx + gy + magnitude + x0.abs() + y0.abs());
            let mut in_reach = 0u8;
            for (k, class) in list.classes.iter().enumerate() {
                let bound = class.max_reach() + extra + eps;
                if !class.is_empty() && gap2 <= bound * bound {
                    in_reach |= 1 << k;
                }
            }
            if in_reach != 0 {
                f(&cell, list, in_reach);
            }
        });
    }

    /// Calls `f(class)` for every non-empty reach class, in the cells around
    /// the box `lo..hi` (x, y), whose largest reach plus `extra` can get to
    /// the box. `max_reach` bounds every class's reach.
    pub(super) fn for_each_class_near(
        &self,
        cell_size: f64,
        bounds: ((f64, f64), (f64, f64)),
        reach: (f64, f64),
        mut f: impl FnMut(&ClassList),
    ) {
        self.for_each_cell_near(cell_size, bounds, reach, |_, list, in_reach| {
            for (k, class) in list.classes.iter().enumerate() {
                if in_reach & (1 << k) != 0 {
                    f(class);
                }
            }
        });
    }

    pub(super) fn memory_bytes(&self) -> usize {
        self.dense.iter().map(CellList::memory_bytes).sum::<usize>()
            + self
                .sparse
                .values()
                .map(|v| v.memory_bytes() + std::mem::size_of::<Cell>() + 8)
                .sum::<usize>()
    }
}
