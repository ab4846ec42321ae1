//! What the manager knows about its streaming sources beyond the wanting
//! rule: teleports, `stream_around` (pre-loading a destination with a
//! completion event) and slow-streaming states with an optional block flag.

use crate::core::error::{check_non_negative, StreamingError, StreamingResult};
use crate::core::events::{Event, SourceStreamingState, StreamHandle};
use crate::core::types::{LevelId, StreamingSource, StreamingState, Vec3};
use crate::core::volume::source_shape;

use super::StreamingManager;

/// An open `stream_around` request.
#[derive(Clone, Debug)]
pub(super) struct StreamRequest {
    handle: StreamHandle,
    levels: Vec<LevelId>,
    complete: bool,
}

/// Progress of a `stream_around` request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StreamProgress {
    /// Levels of the request that are active.
    pub active: u32,
    /// Levels that failed for good.
    pub failed: u32,
    /// Levels in the request.
    pub total: u32,
    /// Whether the completion event was raised.
    pub complete: bool,
}

impl StreamingManager {
    /// Pre-loads a destination (a teleport target): every level a source at
    /// `position` would want, plus every level with an enabled volume within
    /// `radius` of it (gap <= radius), is kept wanted until
    /// [`release_stream_around`](Self::release_stream_around). When all of
    /// them are active (or failed for good), a `StreamAroundComplete` event
    /// is raised once — instead of polling. An empty destination completes at
    /// the end of this call.
    pub fn stream_around(&mut self, position: Vec3, radius: f64) -> StreamingResult<StreamHandle> {
        if !position.is_finite() {
            return Err(StreamingError::NonFiniteValue { what: "position" });
        }
        check_non_negative("radius", radius)?;
        // The enabled volumes with `gap <= max(load, radius)`, from the grid.
        let mut levels: Vec<LevelId> = Vec::new();
        self.volumes.levels_near(position, radius, &mut levels);
        levels.sort_unstable();
        levels.dedup();
        let handle = StreamHandle(self.next_stream_handle);
        self.next_stream_handle += 1;
        for &level in &levels {
            self.change_wanting(level, |l| l.stream_pins += 1);
            self.reexamine(level);
        }
        self.stream_requests.push(StreamRequest {
            handle,
            levels,
            complete: false,
        });
        self.reconcile();
        self.finish_call();
        Ok(handle)
    }

    /// Releases a `stream_around` request: its levels are kept only if
    /// something else still wants them.
    pub fn release_stream_around(&mut self, handle: StreamHandle) -> StreamingResult<()> {
        let pos = self
            .stream_requests
            .iter()
            .position(|r| r.handle == handle)
            .ok_or_else(|| StreamingError::NotFound {
                kind: "stream_around request",
                name: handle.0.to_string(),
            })?;
        let request = self.stream_requests.swap_remove(pos);
        for level in request.levels {
            self.change_wanting(level, |l| l.stream_pins -= 1);
            self.reexamine(level);
        }
        self.reconcile();
        self.finish_call();
        Ok(())
    }

    /// Progress of a `stream_around` request.
    pub fn stream_around_progress(&self, handle: StreamHandle) -> StreamingResult<StreamProgress> {
        let r = self
            .stream_requests
            .iter()
            .find(|r| r.handle == handle)
            .ok_or_else(|| StreamingError::NotFound {
                kind: "stream_around request",
                name: handle.0.to_string(),
            })?;
        let (active, failed) = self.count_done(&r.levels);
        Ok(StreamProgress {
            active,
            failed,
            total: r.levels.len() as u32,
            complete: r.complete,
        })
    }

    /// The levels a `stream_around` request keeps wanted.
    pub fn stream_around_levels(&self, handle: StreamHandle) -> StreamingResult<&[LevelId]> {
        self.stream_requests
            .iter()
            .find(|r| r.handle == handle)
            .map(|r| r.levels.as_slice())
            .ok_or_else(|| StreamingError::NotFound {
                kind: "stream_around request",
                name: handle.0.to_string(),
            })
    }

    fn count_done(&self, levels: &[LevelId]) -> (u32, u32) {
        let mut active = 0;
        let mut failed = 0;
        for level in levels {
            let l = &self.levels.levels[level.0 as usize];
            if l.state == StreamingState::Active {
                active += 1;
            } else if l.gave_up {
                failed += 1;
            }
        }
        (active, failed)
    }

    /// Raises StreamAroundComplete for requests that just completed.
    pub(super) fn check_stream_requests(&mut self) {
        for i in 0..self.stream_requests.len() {
            if self.stream_requests[i].complete {
                continue;
            }
            let (active, failed) = self.count_done(&self.stream_requests[i].levels);
            if (active + failed) as usize == self.stream_requests[i].levels.len() {
                self.stream_requests[i].complete = true;
                let handle = self.stream_requests[i].handle;
                self.events.emit(Event::StreamAroundComplete {
                    handle,
                    failed_levels: failed,
                });
            }
        }
    }

    /// Raises SourceTeleported for sources that jumped farther than the
    /// teleport distance since the last update (sources are matched by index).
    pub(super) fn detect_teleports(&mut self, sources: &[StreamingSource]) {
        let limit = self.config.teleport_distance;
        for (i, (new, old)) in sources.iter().zip(self.sources.iter()).enumerate() {
            let distance = new.position.distance(&old.position);
            if distance > limit {
                self.events.emit(Event::SourceTeleported {
                    source: i as u32,
                    distance,
                });
            }
        }
    }

    /// Recomputes each source's slow-streaming state from how far it has
    /// advanced into the load range of the levels that are wanted but not
    /// yet active: `(load - gap) / load` (1 inside a zero load distance).
    pub(super) fn update_source_states(&mut self) {
        let n = self.sources.len();
        self.source_states.resize(n, SourceStreamingState::Good);
        for s in 0..n {
            let shape = source_shape(&self.sources[s]);
            let mut depth: f64 = 0.0;
            for &level in &self.missing {
                let l = &self.levels.levels[level.0 as usize];
                if l.state == StreamingState::Active || l.gave_up {
                    continue;
                }
                for vid in &l.volumes {
                    let Ok(v) = self.volumes.get(*vid) else {
                        continue;
                    };
                    if !v.enabled || !v.wants {
                        continue;
                    }
                    let gap = shape.gap(&v.geom());
                    if gap <= v.load_distance {
                        let d = if v.load_distance > 0.0 {
                            (v.load_distance - gap) / v.load_distance
                        } else {
                            1.0
                        };
                        depth = depth.max(d);
                    }
                }
            }
            let state = if depth >= self.config.critical_streaming_fraction && depth > 0.0 {
                SourceStreamingState::Critical
            } else if depth >= self.config.slow_streaming_fraction && depth > 0.0 {
                SourceStreamingState::Slow
            } else {
                SourceStreamingState::Good
            };
            let from = self.source_states[s];
            if state != from {
                self.source_states[s] = state;
                self.events.emit(Event::SourceStreamingStateChanged {
                    source: s as u32,
                    from,
                    to: state,
                });
            }
        }
    }

    /// The slow-streaming state of source `index` (as of the last update).
    pub fn source_streaming_state(&self, index: usize) -> StreamingResult<SourceStreamingState> {
        self.source_states.get(index).copied().ok_or_else(|| {
            StreamingError::InvalidArgument(format!(
                "no source with index {index} (the last update had {})",
                self.source_states.len()
            ))
        })
    }

    /// Whether the host should hold source `index` until streaming catches
    /// up: its state is CRITICAL and `block_on_critical_streaming` is set.
    pub fn should_block_source(&self, index: usize) -> StreamingResult<bool> {
        Ok(self.config.block_on_critical_streaming
            && self.source_streaming_state(index)? == SourceStreamingState::Critical)
    }
}
