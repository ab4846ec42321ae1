//! A bounded log of which levels, volumes and budgets changed, for observers that
//! keep a copy of the manager's state (the dashboard): instead of comparing
//! every level and volume with their copy, they read the ids changed since
//! they last looked. Recording is O(1) and never allocates (the ring is
//! allocated once); an observer that fell more than the ring behind is told
//! so and copies everything again.

use std::collections::VecDeque;

use super::types::{LevelId, VolumeId};

/// Entries the log keeps.
pub const CHANGE_LOG_CAPACITY: usize = 1024;

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    /// Something about this level (state, pin, visibility, wanting,
    /// retries, budget, memory, priority or LOD).
    Level(LevelId),
    /// This volume was created, removed, edited, or flipped its decision
    /// (not its per-update distance).
    Volume(VolumeId),
    /// A memory budget was created or its usage, thresholds or state
    /// changed (budgets are few: observers copy them all).
    Budgets,
    /// A loading screen was created, removed, shown, hidden, or its
    /// progress or tips changed (screens are few: observers copy them all;
    /// elapsed time and ETA follow from the fields and the clock).
    LoadingScreens,
}

/// The log itself. Sequence numbers start at 0 and never repeat.
#[derive(Debug)]
pub struct ChangeLog {
    ring: VecDeque<Change>,
    /// Sequence number of `ring[0]`.
    first: u64,
}

impl Default for ChangeLog {
    fn default() -> Self {
        ChangeLog {
            ring: VecDeque::with_capacity(CHANGE_LOG_CAPACITY),
            first: 0,
        }
    }
}

/// The observer asked for changes older than the log keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChangesLost {
    /// Sequence number to continue from after copying everything.
    pub next: u64,
}

impl ChangeLog {
    /// Records a change. (Repeats are kept: an observer may already have
    /// read the previous entry for the same level.)
    pub(crate) fn record(&mut self, change: Change) {
        if self.ring.len() == CHANGE_LOG_CAPACITY {
            self.ring.pop_front();
            self.first += 1;
        }
        self.ring.push_back(change);
    }

    /// Sequence number the next change will get.
    pub fn next_seq(&self) -> u64 {
        self.first + self.ring.len() as u64
    }

    /// Calls `f` for every change numbered `since` or later, oldest first,
    /// and returns the number to pass next time; or [`ChangesLost`] if some
    /// of them were already dropped (then `f` is not called).
    pub fn since(&self, since: u64, f: impl FnMut(Change)) -> Result<u64, ChangesLost> {
        self.since_at_most(since, usize::MAX, f)
    }

    /// As [`since`](Self::since), but calls `f` for at most `max` changes;
    /// the number returned is where to continue.
    pub fn since_at_most(
        &self,
        since: u64,
        max: usize,
        mut f: impl FnMut(Change),
    ) -> Result<u64, ChangesLost> {
        if since < self.first {
            return Err(ChangesLost {
                next: self.next_seq(),
            });
        }
        let skip = usize::try_from(since - self.first).unwrap_or(usize::MAX);
        let mut next = since.max(self.first + skip.min(self.ring.len()) as u64);
        for change in self.ring.iter().skip(skip).take(max) {
            f(*change);
            next += 1;
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_read_since_a_point_and_loss_is_reported() {
        let mut log = ChangeLog::default();
        assert_eq!(log.next_seq(), 0);
        log.record(Change::Level(LevelId(1)));
        log.record(Change::Volume(VolumeId(2)));
        let mut seen = Vec::new();
        let next = log.since(0, |c| seen.push(c)).unwrap();
        assert_eq!(
            seen,
            [Change::Level(LevelId(1)), Change::Volume(VolumeId(2))]
        );
        assert_eq!(next, 2);
        seen.clear();
        assert_eq!(log.since(1, |c| seen.push(c)).unwrap(), 2);
        assert_eq!(seen, [Change::Volume(VolumeId(2))]);
        // A repeat after a read is kept: the reader needs it.
        log.record(Change::Volume(VolumeId(2)));
        seen.clear();
        assert_eq!(log.since(2, |c| seen.push(c)).unwrap(), 3);
        assert_eq!(seen, [Change::Volume(VolumeId(2))]);
        for i in 0..CHANGE_LOG_CAPACITY as u32 {
            log.record(Change::Level(LevelId(i)));
        }
        assert_eq!(
            log.since(0, |_| panic!("not called")),
            Err(ChangesLost {
                next: log.next_seq()
            })
        );
        let start = log.next_seq() - 3;
        let mut n = 0;
        assert_eq!(log.since_at_most(start, 2, |_| n += 1), Ok(start + 2));
        assert_eq!(n, 2);
        assert_eq!(
            log.since(log.next_seq(), |_| panic!("nothing new")),
            Ok(log.next_seq())
        );
    }
}
