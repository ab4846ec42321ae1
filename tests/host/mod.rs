//! A minimal host for behaviour tests: completes requests like an engine
//! whose I/O always succeeds at once, and drains events.

#![allow(dead_code)]

use level_streaming::core::{Event, Request, StreamingManager};

/// Completes every request (successfully) until nothing is pending, and
/// returns them in the order they were handed out.
pub fn settle(m: &mut StreamingManager) -> Vec<Request> {
    let mut all = Vec::new();
    loop {
        let mut batch = Vec::new();
        m.take_requests(usize::MAX, &mut batch);
        if batch.is_empty() {
            return all;
        }
        for r in &batch {
            m.complete_request(r.id, true).unwrap();
        }
        all.extend(batch);
    }
}

/// Every queued event, oldest first.
pub fn drain_events(m: &mut StreamingManager) -> Vec<Event> {
    std::iter::from_fn(|| m.poll_event()).collect()
}
