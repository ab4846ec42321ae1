//! Events the core raises: kept in a bounded queue the host drains, and
//! delivered synchronously to registered Rust listeners.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

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
}

impl Event {
    /// The kind of this event.
    pub fn kind(&self) -> EventKind {
        match self {
            Event::LevelStateChanged { .. } => EventKind::LevelStateChanged,
            Event::LoadFailed { .. } => EventKind::LoadFailed,
            Event::RequestFailed { .. } => EventKind::RequestFailed,
            Event::StreamingComplete => EventKind::StreamingComplete,
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
