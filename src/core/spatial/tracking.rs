//! Per-source tracking: anchoring a source (querying the grid for its near
//! set, incrementally or from scratch around a new origin) and the
//! per-frame scan of the near set.

use super::geometry::{Candidates, QueryScratch, ReachTest};
use super::grid::ClassList;
use super::near_set::{LaneFrame, RelShape, Tracker};
use super::{contribute, exact_zone, rezone, SourceShape, WantingIndex, ORIGIN_RANGE};
use crate::core::types::Vec3;

impl WantingIndex {
    /// Anchors source `t` at its current shape: updates its near set for
    /// the new anchor and the counts it contributes. While the origin holds,
    /// lanes stay where they are: only the volumes that left or entered the
    /// near set are dropped or added (changing those counts), then the set
    /// is scanned like any frame. A new origin (a teleport, a long walk)
    /// rebuilds every lane: the old set's contributions are withdrawn and
    /// the new set's counted, so every volume of either set is decided again
    /// at the end of the update (the same decisions where nothing changed).
    pub(super) fn anchor(&mut self, t: usize) {
        let margin = self.margin;
        let tracker = &mut self.trackers[t];
        let shape = tracker.shape;
        let previous = tracker.anchor;
        tracker.anchor = shape;
        let length = shape.length();
        let from_origin = shape.start.distance(&tracker.frame.origin);
        // A jump past the reach of the old near set (a teleport) shares no
        // lanes with the new one: rebuilding around a new origin is cheaper
        // than dropping them one by one.
        let jumped = shape.start.distance(&previous.start) > self.max_reach + 2.0 * margin;
        let keep_origin = tracker.has_origin
            && tracker.finite()
            && !jumped
            && from_origin <= ORIGIN_RANGE
            && from_origin + length + 2.0 * margin <= tracker.frame.extent;
        if keep_origin {
            self.refresh_near_set(t, &previous);
            self.scan(t);
        } else {
            let extent = ORIGIN_RANGE + 2.0 * (length + 2.0 * margin);
            tracker.frame = LaneFrame::new(shape.start, extent, self.cell_size);
            tracker.has_origin = tracker.finite();
            self.rebuild_near_set(t);
        }
        #[cfg(debug_assertions)]
        self.assert_lanes_unique_and_live(t);
        // Steady state allocates nothing: keep room to grow.
        let lanes = &mut self.trackers[t].lanes;
        lanes.reserve_headroom();
        let want = lanes.len() + lanes.len() / 2;
        for scratch in [&mut self.pending, &mut self.touched] {
            scratch.reserve(want.saturating_sub(scratch.len()));
        }
    }

    /// Appends to `found` every listed volume in the near set of `anchor`
    /// (those whose reach a shape within the margin of it can enter), with
    /// its centre relative to `origin`. With `covered`, skips the classes of
    /// cells whose every volume is within reach of that point plus the
    /// margin (they are in the near set already).
    ///
    /// A cell's runs are consecutive slots in class order, and the classes
    /// to test form a range (reach grows with the class): one pass over a
    /// span of slots per cell. A class inside the span that needed no test
    /// costs a few lanes' worth of arithmetic; every slot is still tested
    /// on its own, and a covered one found again is in the near set already.
    /// The classes after the last one to test whose every volume is within
    /// reach of the anchor are copied without a test (the near cells of a
    /// rebuild), unless their runs hold a tombstone, which a copy would take.
    fn find_reaching(
        &self,
        (anchor, origin): (&SourceShape, &Vec3),
        covered: Option<&Vec3>,
        scratch: &mut QueryScratch,
        found: &mut Candidates,
    ) {
        let margin = self.margin;
        let bounds = (anchor.min_xy(), anchor.max_xy());
        let reach = (self.max_reach, margin);
        let live_run = |run: &std::ops::Range<u32>| {
            self.tombstones == 0 || !self.tombstone_slots.any_in(run.clone())
        };
        self.cells
            .for_each_cell_near(self.cell_size, bounds, reach, |cell, list, in_reach| {
                let test = ReachTest::new(anchor, margin, cell.magnitude());
                // Whether every volume of a class is within reach of `p`: the
                // class box's farthest point is (a distance to the anchor's
                // start bounds the one to a capsule).
                let far_in_plane = |p: &Vec3| {
                    let fx = (cell.x0 - p.x).abs().max((cell.x1 - p.x).abs());
                    let fy = (cell.y0 - p.y).abs().max((cell.y1 - p.y).abs());
                    (*p, fx * fx + fy * fy)
                };
                let whole_class = |class: &ClassList, (p, xy2): (Vec3, f64)| {
                    let (min_z, max_z) = class.z_range();
                    let fz = (min_z - p.z).abs().max((max_z - p.z).abs());
                    let reach = class.min_reach() + margin;
                    (xy2 + fz * fz) * (1.0 + 1e-11) <= reach * reach
                };
                let covered = covered.map(far_in_plane);
                let whole_from_anchor = far_in_plane(&anchor.start);
                let mut tested: Option<(u32, u32)> = None;
                let mut copied: Option<(u32, u32)> = None;
                for (k, class) in list.classes.iter().enumerate() {
                    if in_reach & (1 << k) == 0 || covered.is_some_and(|c| whole_class(class, c)) {
                        continue;
                    }
                    if !class.extra().is_empty() {
                        let extra = class.extra().iter().copied();
                        self.geoms
                            .find_exactly(extra, &test, origin, scratch, found);
                    }
                    if class.run.is_empty() {
                        continue;
                    }
                    if whole_class(class, whole_from_anchor) && live_run(&class.run) {
                        let start = copied.map_or(class.run.start, |s| s.0);
                        copied = Some((start, class.run.end));
                    } else {
                        // Classes to copy before this one are tested with it.
                        let start = tested.or(copied).map_or(class.run.start, |s| s.0);
                        tested = Some((start, class.run.end));
                        copied = None;
                    }
                }
                if let Some((start, end)) = tested {
                    // Heights of every class the span crosses.
                    let mut z_bound: f64 = 0.0;
                    for class in &list.classes {
                        if class.run.start < end && class.run.end > start {
                            let (min_z, max_z) = class.z_range();
                            z_bound = z_bound.max(min_z.abs()).max(max_z.abs());
                        }
                    }
                    let span = (start..end, cell, z_bound);
                    self.geoms.find_in_span(span, &test, origin, scratch, found);
                }
                if let Some((start, end)) = copied {
                    self.geoms
                        .copy_span(start..end, cell, origin, scratch, found);
                }
            });
    }

    /// Same origin: drops the lanes that surely left the near set, adds the
    /// volumes that entered it (decided for the current shape). Cells whose
    /// classes were wholly within reach of the previous anchor are skipped:
    /// their volumes are in the set, and a lane is only dropped when it
    /// surely cannot reach the new anchor.
    fn refresh_near_set(&mut self, t: usize, previous: &SourceShape) {
        let mut marks = std::mem::take(&mut self.marks);
        let placeholder = Tracker::new(self.trackers[t].shape);
        let mut tracker = std::mem::replace(&mut self.trackers[t], placeholder);
        // The anchor is the current shape (set by `anchor`): one relative
        // shape serves dropping, and classifying the new lanes.
        let rel = RelShape::new(&tracker.anchor, &tracker.frame.origin);
        let mut list = std::mem::take(&mut self.pending);
        list.clear();
        tracker
            .lanes
            .for_each_unreachable((&rel, &tracker.frame), self.margin, |i| list.push(i as u32));
        // Backwards, so swapping the last lane into a removed place keeps
        // the remaining indices valid.
        for &i in list.iter().rev() {
            let i = i as usize;
            let (slot, zone) = (tracker.lanes.slot(i), tracker.lanes.zone(i));
            contribute(&mut self.states, &mut self.touched, slot, zone, -1);
            tracker.lanes.swap_remove(i);
        }
        for (_, slot, _) in tracker.lanes.entries() {
            marks.set(slot);
        }
        // The volumes found go to the index's scratch (most of a refresh's
        // are in the set already), then the new ones are appended and
        // classified.
        let kept = tracker.lanes.len();
        let mut query = std::mem::take(&mut self.query);
        query.reach_load.clear();
        let mut found = std::mem::take(&mut self.found);
        found.clear();
        let origin = tracker.frame.origin;
        self.find_reaching(
            (&tracker.anchor, &origin),
            Some(&previous.start),
            &mut query,
            &mut found,
        );
        found.retain(&mut query.reach_load, |slot| !marks.get(slot));
        tracker.lanes.coords_mut().extend_from(&found);
        self.found = found;
        let shape = tracker.anchor;
        let frame = tracker.frame;
        tracker
            .lanes
            .classify_appended(kept, &query.reach_load, (&frame, &rel), |slot| {
                exact_zone(&shape, &self.geoms.get(slot))
            });
        self.query = query;
        for (_, slot, _) in tracker.lanes.entries().take(kept) {
            marks.clear(slot);
        }
        for (_, slot, zone) in tracker.lanes.entries().skip(kept) {
            contribute(&mut self.states, &mut self.touched, slot, zone, 1);
        }
        self.marks = marks;
        self.pending = list;
        self.trackers[t] = tracker;
    }

    /// New origin: every lane is built again. The old lanes' contributions
    /// are withdrawn and the new ones counted, without matching the volumes
    /// the two sets share: after a teleport they share none, and on a long
    /// walk's new origin touching them all (a decision each, no change) was
    /// measured cheaper than matching them through the marks.
    fn rebuild_near_set(&mut self, t: usize) {
        let placeholder = Tracker::new(self.trackers[t].shape);
        let mut tracker = std::mem::replace(&mut self.trackers[t], placeholder);
        // The new lanes go in the index's spare near set (one for all
        // sources, kept for its capacity); the old ones become the spare.
        let mut fresh = std::mem::take(&mut self.spare_lanes);
        fresh.clear();
        // Room for as many lanes as the old set had: the query appends span
        // by span, and growing by doubling would leave a near set up to
        // twice its size. (A new source's set grows by doubling: another
        // source's size says nothing of its own, and capacity is kept.)
        fresh.reserve_headroom_for(tracker.lanes.len());
        let mut old = std::mem::replace(&mut tracker.lanes, fresh);
        for (_, slot, zone) in old.entries() {
            contribute(&mut self.states, &mut self.touched, slot, zone, -1);
        }
        old.clear();
        self.spare_lanes = old;
        if tracker.finite() {
            let shape = tracker.shape;
            let rel = RelShape::new(&shape, &tracker.frame.origin);
            let mut query = std::mem::take(&mut self.query);
            query.reach_load.clear();
            let origin = tracker.frame.origin;
            self.find_reaching(
                (&shape, &origin),
                None,
                &mut query,
                tracker.lanes.coords_mut(),
            );
            let frame = tracker.frame;
            tracker
                .lanes
                .classify_appended(0, &query.reach_load, (&frame, &rel), |slot| {
                    exact_zone(&shape, &self.geoms.get(slot))
                });
            self.query = query;
            for (_, slot, zone) in tracker.lanes.entries() {
                contribute(&mut self.states, &mut self.touched, slot, zone, 1);
            }
        }
        self.trackers[t] = tracker;
    }

    /// Debug builds: a near set holds live volumes, each at most once (a
    /// duplicate lane would count the source twice, which the decisions
    /// alone would not show: the counts move in pairs; a lane for a removed
    /// volume, a tombstone, would count for a slot no decision reads).
    #[cfg(debug_assertions)]
    fn assert_lanes_unique_and_live(&mut self, t: usize) {
        let (lanes, marks) = (&self.trackers[t].lanes, &mut self.marks);
        for (_, slot, _) in lanes.entries() {
            assert!(
                self.states[slot as usize].live,
                "a lane for a removed volume"
            );
            assert!(!marks.get(slot), "two lanes for volume slot {slot}");
            marks.set(slot);
        }
        for (_, slot, _) in lanes.entries() {
            marks.clear(slot);
        }
    }

    /// Looks at the near set of source `t` for its current shape.
    pub(super) fn scan(&mut self, t: usize) {
        let WantingIndex {
            geoms,
            states,
            trackers,
            touched,
            pending,
            ..
        } = self;
        let tracker = &mut trackers[t];
        let shape = tracker.shape;
        let rel = RelShape::new(&shape, &tracker.frame.origin);
        pending.clear();
        tracker
            .lanes
            .for_each_unsafe(&rel, |i| pending.push(i as u32));
        let frame = tracker.frame;
        for &i in pending.iter() {
            let (was, now) = tracker
                .lanes
                .settle_lane(i as usize, (&rel, &frame), geoms, |slot| {
                    exact_zone(&shape, &geoms.get(slot))
                });
            rezone(states, touched, tracker.lanes.slot(i as usize), was, now);
        }
    }
}
