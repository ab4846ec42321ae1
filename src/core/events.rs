//! Events the core raises: kept in a bounded queue the host drains, and
//! delivered synchronously to registered Rust listeners.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::loading_screen::LoadingScreenId;
use super::lod::LodLevel;
use super::memory::{BudgetId, MemoryState};
use super::request::RequestKind;
use super::types::{LevelId, StreamingState};

/// Something that happened inside the manager.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A level moved through the state machine.
    LevelStateChanged {
        /// The level.
        level: LevelId,
        /// Its previous state.
        from: StreamingState,
        /// Its new state.
        to: StreamingState,
    },
    /// A load failed. `will_retry` is false on the final report, after the
    /// configured retries were used up; the level then stays unloaded until
    /// it stops being wanted or is loaded manually again.
    LoadFailed {
        /// The level.
        level: LevelId,
        /// Failed attempts so far.
        attempts: u32,
        /// Whether another attempt is scheduled.
        will_retry: bool,
    },
    /// A make-visible, hide or unload request failed; it is retried with
    /// backoff while still needed.
    RequestFailed {
        /// The level.
        level: LevelId,
        /// What failed.
        kind: RequestKind,
        /// Failed attempts in a row.
        attempts: u32,
    },
    /// Every wanted level is active again (nothing wanted is still missing).
    StreamingComplete,
    /// A memory budget changed state (plugin: OnMemoryStateChanged).
    MemoryStateChanged {
        /// The budget.
        budget: BudgetId,
        /// Previous state.
        from: MemoryState,
        /// New state.
        to: MemoryState,
        /// Usage over maximum at the change.
        usage_fraction: f64,
    },
    /// A load waits because its budget cannot make room (nothing left to
    /// evict). Raised once per wait; the load is issued when room appears.
    LoadDeferred {
        /// The level waiting.
        level: LevelId,
        /// Its budget.
        budget: BudgetId,
        /// Memory the level needs, in MB.
        needed_mb: f64,
        /// Memory the budget has left, in MB.
        available_mb: f64,
    },
    /// A cached level was unloaded to make room in its budget.
    LevelEvicted {
        /// The level.
        level: LevelId,
        /// Its budget.
        budget: BudgetId,
    },
    /// A level's LOD changed (by hand or auto-adjust).
    LodChanged {
        /// The level.
        level: LevelId,
        /// Previous LOD.
        from: LodLevel,
        /// New LOD.
        to: LodLevel,
    },
    /// Frame time exceeded the target for the configured number of
    /// consecutive frames (plugin: OnPerformanceWarning).
    PerformanceWarning {
        /// The frame time that completed the streak, in ms.
        frame_time_ms: f64,
        /// The target, in ms.
        target_ms: f64,
        /// Consecutive frames over target.
        consecutive_frames: u32,
    },
    /// After a warning, frame time stayed at or under target for the
    /// configured number of consecutive frames.
    PerformanceRecovered {
        /// The target, in ms.
        target_ms: f64,
        /// Consecutive frames at or under target.
        consecutive_frames: u32,
    },
    /// A loading screen bound to levels hid itself: all its levels are active.
    LoadingScreenHidden {
        /// The screen.
        screen: LoadingScreenId,
    },
    /// A source moved farther than the teleport distance in one update.
    SourceTeleported {
        /// Index of the source in the update's array.
        source: u32,
        /// How far it jumped.
        distance: f64,
    },
    /// Every level of a `stream_around` request is active (or failed for good).
    StreamAroundComplete {
        /// The handle `stream_around` returned.
        handle: StreamHandle,
        /// Levels of it that failed for good.
        failed_levels: u32,
    },
    /// A source's slow-streaming state changed.
    SourceStreamingStateChanged {
        /// Index of the source in the update's array.
        source: u32,
        /// Previous state.
        from: SourceStreamingState,
        /// New state.
        to: SourceStreamingState,
    },
}

/// Handle of a `stream_around` request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StreamHandle(pub u32);

/// How well streaming keeps up with a source: how far it has advanced into
/// the load range of levels that are wanted but not yet active.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SourceStreamingState {
    /// Below the slow fraction.
    #[default]
    Good = 0,
    /// At or past the slow fraction (default half-way into the load range).
    Slow = 1,
    /// At or past the critical fraction (default 0.9): the host may hold the source.
    Critical = 2,
}

/// The kind of an [`Event`], for filtering listeners.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    /// [`Event::LevelStateChanged`].
    LevelStateChanged = 0,
    /// [`Event::LoadFailed`].
    LoadFailed = 1,
    /// [`Event::RequestFailed`].
    RequestFailed = 2,
    /// [`Event::StreamingComplete`].
    StreamingComplete = 3,
    /// [`Event::MemoryStateChanged`].
    MemoryStateChanged = 4,
    /// [`Event::LoadDeferred`].
    LoadDeferred = 5,
    /// [`Event::LevelEvicted`].
    LevelEvicted = 6,
    /// [`Event::LodChanged`].
    LodChanged = 7,
    /// [`Event::PerformanceWarning`].
    PerformanceWarning = 8,
    /// [`Event::PerformanceRecovered`].
    PerformanceRecovered = 9,
    /// [`Event::LoadingScreenHidden`].
    LoadingScreenHidden = 10,
    /// [`Event::SourceTeleported`].
    SourceTeleported = 11,
    /// [`Event::StreamAroundComplete`].
    StreamAroundComplete = 12,
    /// [`Event::SourceStreamingStateChanged`].
    SourceStreamingStateChanged = 13,
}

impl EventKind {
    /// Every kind, in numeric order.
    pub const ALL: [EventKind; 14] = [
        EventKind::LevelStateChanged,
        EventKind::LoadFailed,
        EventKind::RequestFailed,
        EventKind::StreamingComplete,
        EventKind::MemoryStateChanged,
        EventKind::LoadDeferred,
        EventKind::LevelEvicted,
        EventKind::LodChanged,
        EventKind::PerformanceWarning,
        EventKind::PerformanceRecovered,
        EventKind::LoadingScreenHidden,
        EventKind::SourceTeleported,
        EventKind::StreamAroundComplete,
        EventKind::SourceStreamingStateChanged,
    ];

    /// The kind with this number.
    pub fn from_u32(value: u32) -> Option<EventKind> {
        EventKind::ALL.get(value as usize).copied()
    }
}

impl Event {
    /// The kind of this event.
    pub fn kind(&self) -> EventKind {
        match self {
            Event::LevelStateChanged { .. } => EventKind::LevelStateChanged,
            Event::LoadFailed { .. } => EventKind::LoadFailed,
            Event::RequestFailed { .. } => EventKind::RequestFailed,
            Event::StreamingComplete => EventKind::StreamingComplete,
            Event::MemoryStateChanged { .. } => EventKind::MemoryStateChanged,
            Event::LoadDeferred { .. } => EventKind::LoadDeferred,
            Event::LevelEvicted { .. } => EventKind::LevelEvicted,
            Event::LodChanged { .. } => EventKind::LodChanged,
            Event::PerformanceWarning { .. } => EventKind::PerformanceWarning,
            Event::PerformanceRecovered { .. } => EventKind::PerformanceRecovered,
            Event::LoadingScreenHidden { .. } => EventKind::LoadingScreenHidden,
            Event::SourceTeleported { .. } => EventKind::SourceTeleported,
            Event::StreamAroundComplete { .. } => EventKind::StreamAroundComplete,
            Event::SourceStreamingStateChanged { .. } => EventKind::SourceStreamingStateChanged,
        }
    }
}

/// Handle of a registered listener, for unregistering it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ListenerId(pub u64);

type Listener = Box<dyn FnMut(&Event) + Send>;

/// Bounded event queue plus synchronous listeners. Each event gets a
/// sequence number so a consumer (the C callback dispatcher) can tell which
/// ones it has already seen.
pub(crate) struct EventHub {
    queue: VecDeque<(u64, Event)>,
    capacity: usize,
    next_seq: u64,
    dropped: u64,
    listeners: Vec<(ListenerId, Option<EventKind>, Listener)>,
    next_listener: u64,
}

impl EventHub {
    pub(crate) fn new(capacity: usize) -> Self {
        EventHub {
            queue: VecDeque::with_capacity(capacity.min(1024)),
            capacity: capacity.max(1),
            next_seq: 1,
            dropped: 0,
            listeners: Vec::new(),
            next_listener: 1,
        }
    }

    pub(crate) fn emit(&mut self, event: Event) {
        for (_, filter, listener) in &mut self.listeners {
            if filter.is_none_or(|kind| kind == event.kind()) {
                listener(&event);
            }
        }
        if self.queue.len() == self.capacity {
            self.queue.pop_front();
            self.dropped += 1;
        }
        self.queue.push_back((self.next_seq, event));
        self.next_seq += 1;
    }

    pub(crate) fn pop(&mut self) -> Option<Event> {
        self.queue.pop_front().map(|(_, e)| e)
    }

    /// Pops the oldest event if its sequence number is below `limit`.
    pub(crate) fn pop_before(&mut self, limit: u64) -> Option<Event> {
        match self.queue.front() {
            Some((seq, _)) if *seq < limit => self.queue.pop_front().map(|(_, e)| e),
            _ => None,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }

    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Sequence number the next event will get.
    pub(crate) fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// The first queued event with a sequence number >= `seq`.
    pub(crate) fn first_since(&self, seq: u64) -> Option<(u64, Event)> {
        // Sequence numbers in the queue are contiguous, so index directly.
        let (front_seq, _) = *self.queue.front()?;
        let index = seq.saturating_sub(front_seq) as usize;
        self.queue.get(index).copied()
    }

    pub(crate) fn add_listener(
        &mut self,
        filter: Option<EventKind>,
        listener: Listener,
    ) -> ListenerId {
        let id = ListenerId(self.next_listener);
        self.next_listener += 1;
        self.listeners.push((id, filter, listener));
        id
    }

    pub(crate) fn remove_listener(&mut self, id: ListenerId) -> bool {
        let before = self.listeners.len();
        self.listeners.retain(|(lid, _, _)| *lid != id);
        before != self.listeners.len()
    }
}
