//! The simulated host engine: carries out the manager's requests the way a
//! game would, with a disk of limited bandwidth, and synthesises frame
//! metrics from what is visible.

use crate::core::{Request, RequestId, RequestKind};

use super::rng::Rng;

/// Tunables of the simulated host.
#[derive(Clone, Debug, PartialEq)]
pub struct HostConfig {
    /// Disk bandwidth in MB/s: a load of `m` MB occupies the disk for
    /// `latency + m / bandwidth` seconds; loads are served one at a time in
    /// the order they were requested.
    pub disk_bandwidth_mb_s: f64,
    /// Fixed cost of each load request on the disk, in ms.
    pub disk_latency_ms: f64,
    /// Fraction of loads that fail (0..1).
    pub failure_rate: f64,
    /// Time an unload takes, in ms (not disk-bound).
    pub unload_ms: f64,
    /// Relative spread of the measured size reported on load (0.1 = ±10%).
    pub size_jitter: f64,
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig {
            disk_bandwidth_mb_s: 200.0,
            disk_latency_ms: 20.0,
            failure_rate: 0.01,
            unload_ms: 30.0,
            size_jitter: 0.1,
        }
    }
}

impl HostConfig {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.disk_bandwidth_mb_s.is_finite() && self.disk_bandwidth_mb_s > 0.0) {
            return Err("disk bandwidth must be a finite number > 0".into());
        }
        for (what, v) in [
            ("disk latency", self.disk_latency_ms),
            ("unload time", self.unload_ms),
            ("size jitter", self.size_jitter),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(format!("{what} must be a finite number >= 0"));
            }
        }
        if !(0.0..=1.0).contains(&self.failure_rate) {
            return Err("failure rate must be between 0 and 1".into());
        }
        Ok(())
    }
}

/// A request the host is working on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Job {
    /// The request.
    pub id: RequestId,
    /// Its kind.
    pub kind: RequestKind,
    /// Game time at which it completes.
    pub finish: f64,
    /// Whether it will succeed.
    pub success: bool,
    /// Measured size to report for a successful load.
    pub memory_mb: Option<f64>,
}

/// The simulated host's I/O.
#[derive(Clone, Debug)]
pub struct SimHost {
    config: HostConfig,
    jobs: Vec<Job>,
    disk_free_at: f64,
}

impl SimHost {
    /// A host with `config` (validated by the caller).
    pub fn new(config: HostConfig) -> Self {
        SimHost {
            config,
            jobs: Vec::new(),
            disk_free_at: 0.0,
        }
    }

    /// Its configuration.
    pub fn config(&self) -> &HostConfig {
        &self.config
    }

    /// Requests being worked on.
    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }

    /// Starts `request` at game time `now` for a level of `size_mb`.
    pub fn start(&mut self, request: &Request, size_mb: f64, now: f64, rng: &mut Rng) {
        let c = &self.config;
        let (finish, success, memory_mb) = match request.kind {
            RequestKind::Load => {
                let begin = self.disk_free_at.max(now);
                let finish = begin + c.disk_latency_ms / 1000.0 + size_mb / c.disk_bandwidth_mb_s;
                self.disk_free_at = finish;
                let success = !rng.chance(c.failure_rate);
                let measured = size_mb * (1.0 + c.size_jitter * rng.range(-1.0, 1.0));
                (finish, success, success.then_some(measured.max(0.0)))
            }
            RequestKind::Unload => (now + c.unload_ms / 1000.0, true, None),
            // Visibility and LOD changes take effect by the next frame.
            RequestKind::MakeVisible | RequestKind::Hide | RequestKind::SetLod => (now, true, None),
        };
        self.jobs.push(Job {
            id: request.id,
            kind: request.kind,
            finish,
            success,
            memory_mb,
        });
    }

    /// Moves the jobs finished strictly before `now` into `out`, in order of
    /// finish time, then request id.
    pub fn finished_before(&mut self, now: f64, out: &mut Vec<Job>) {
        let start = out.len();
        self.jobs.retain(|job| {
            if job.finish < now {
                out.push(*job);
                false
            } else {
                true
            }
        });
        out[start..].sort_by(|a, b| a.finish.total_cmp(&b.finish).then(a.id.cmp(&b.id)));
    }
}
