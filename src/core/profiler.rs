//! Frame profiler: a fixed window of recent samples per metric, lifetime
//! totals, percentile statistics and a frame-time warning with hysteresis.
//!
//! Recording is O(1) and never allocates: every metric's ring buffer is
//! allocated once, when the [`Profiler`] is built. Only the statistics query
//! ([`Profiler::get_metric_stats`]) allocates, to sort a copy of the window;
//! [`Profiler::get_metric_stats_with_scratch`] reuses a caller's buffer instead.
//!
//! The profiler never reads a clock: the host measures and passes values in.

use serde::{Deserialize, Serialize};

use super::error::{check_non_negative, StreamingError, StreamingResult};

/// What a sample measures. The numeric values (0..=5) are the ones the C ABI
/// uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProfilingMetric {
    /// Time of one frame, in milliseconds.
    FrameTime = 0,
    /// Memory in use, in megabytes.
    MemoryUsage = 1,
    /// Streaming throughput, in megabytes per second.
    StreamingBandwidth = 2,
    /// Time to load one asset or level, in milliseconds.
    AssetLoadTime = 3,
    /// Draw calls in one frame (a count).
    DrawCalls = 4,
    /// Triangles drawn in one frame (a count).
    TriangleCount = 5,
}

impl ProfilingMetric {
    /// Number of metrics.
    pub const COUNT: usize = 6;

    /// All metrics, in numeric order.
    pub const ALL: [ProfilingMetric; ProfilingMetric::COUNT] = [
        ProfilingMetric::FrameTime,
        ProfilingMetric::MemoryUsage,
        ProfilingMetric::StreamingBandwidth,
        ProfilingMetric::AssetLoadTime,
        ProfilingMetric::DrawCalls,
        ProfilingMetric::TriangleCount,
    ];

    /// The metric with the given numeric value (0..=5).
    pub fn from_u32(value: u32) -> Option<ProfilingMetric> {
        ProfilingMetric::ALL.get(value as usize).copied()
    }

    /// Upper-case name, as in the original design ("FRAME_TIME", ...).
    pub fn name(self) -> &'static str {
        match self {
            ProfilingMetric::FrameTime => "FRAME_TIME",
            ProfilingMetric::MemoryUsage => "MEMORY_USAGE",
            ProfilingMetric::StreamingBandwidth => "STREAMING_BANDWIDTH",
            ProfilingMetric::AssetLoadTime => "ASSET_LOAD_TIME",
            ProfilingMetric::DrawCalls => "DRAW_CALLS",
            ProfilingMetric::TriangleCount => "TRIANGLE_COUNT",
        }
    }

    /// The unit of the metric's values: "ms", "MB", "MB/s" or "count".
    pub fn unit(self) -> &'static str {
        match self {
            ProfilingMetric::FrameTime | ProfilingMetric::AssetLoadTime => "ms",
            ProfilingMetric::MemoryUsage => "MB",
            ProfilingMetric::StreamingBandwidth => "MB/s",
            ProfilingMetric::DrawCalls | ProfilingMetric::TriangleCount => "count",
        }
    }

    /// Index of the metric in per-metric arrays (its numeric value).
    fn index(self) -> usize {
        self as usize
    }
}

/// Default number of samples kept per metric (5 seconds at 60 fps).
pub const DEFAULT_WINDOW_SIZE: usize = 300;

/// Largest accepted [`ProfilerConfig::window_size`]. The buffers are
/// allocated up front (`6 * window_size` doubles), so the size is capped to
/// keep a bad value from the host from exhausting memory.
pub const MAX_WINDOW_SIZE: usize = 1_000_000;

/// Default frame-time target in milliseconds (60 fps).
pub const DEFAULT_TARGET_FRAME_TIME_MS: f64 = 16.67;

/// Tunables of a [`Profiler`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfilerConfig {
    /// Samples kept per metric for the windowed statistics (1..=
    /// [`MAX_WINDOW_SIZE`]). Default 300.
    pub window_size: usize,
    /// Frame time, in milliseconds, above which a frame counts as over
    /// target (must be > 0). Default 16.67 (60 fps).
    pub target_frame_time_ms: f64,
    /// Consecutive frames over target before a
    /// [`PerformanceSignal::Warning`] (>= 1). Default 30.
    pub warning_after_frames: u32,
    /// Consecutive frames at or under target, after a warning, before a
    /// [`PerformanceSignal::Recovered`] (>= 1). Default 30.
    pub recovery_after_frames: u32,
}

impl Default for ProfilerConfig {
    fn default() -> Self {
        ProfilerConfig {
            window_size: DEFAULT_WINDOW_SIZE,
            target_frame_time_ms: DEFAULT_TARGET_FRAME_TIME_MS,
            warning_after_frames: 30,
            recovery_after_frames: 30,
        }
    }
}

/// Checks a frame-time target: finite and strictly positive.
fn check_target(ms: f64) -> StreamingResult<f64> {
    check_non_negative("target_frame_time_ms", ms)?;
    if ms == 0.0 {
        return Err(StreamingError::InvalidArgument(
            "target_frame_time_ms must be greater than 0".into(),
        ));
    }
    Ok(ms)
}

impl ProfilerConfig {
    /// Checks every field; a profiler is only ever built from a valid config.
    pub fn validate(&self) -> StreamingResult<()> {
        if self.window_size == 0 || self.window_size > MAX_WINDOW_SIZE {
            return Err(StreamingError::InvalidArgument(format!(
                "window_size must be between 1 and {MAX_WINDOW_SIZE} (got {})",
                self.window_size
            )));
        }
        check_target(self.target_frame_time_ms)?;
        if self.warning_after_frames == 0 {
            return Err(StreamingError::InvalidArgument(
                "warning_after_frames must be at least 1".into(),
            ));
        }
        if self.recovery_after_frames == 0 {
            return Err(StreamingError::InvalidArgument(
                "recovery_after_frames must be at least 1".into(),
            ));
        }
        Ok(())
    }
}

/// A change of the frame-time warning, returned by [`Profiler::profile_frame`]
/// on the frame it happens (and only then).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PerformanceSignal {
    /// Frame time has been over target for
    /// [`ProfilerConfig::warning_after_frames`] consecutive frames.
    Warning {
        /// Frame time of the frame that raised the warning, in ms.
        frame_time_ms: f64,
        /// The target in force, in ms.
        target_ms: f64,
        /// Consecutive frames over target, this one included.
        consecutive_frames: u32,
    },
    /// After a warning, frame time has been at or under target for
    /// [`ProfilerConfig::recovery_after_frames`] consecutive frames.
    Recovered {
        /// The target in force, in ms.
        target_ms: f64,
        /// Consecutive frames at or under target, this one included.
        consecutive_frames: u32,
    },
}

/// Statistics of one metric. Everything is 0 when no sample was recorded.
///
/// `min`, `max`, `mean` and the percentiles cover the window (the last
/// [`ProfilerConfig::window_size`] samples); `lifetime_*` cover every sample
/// since the profiler was built or last reset.
///
/// Percentiles use the nearest-rank method: over the `n` window samples
/// sorted ascending, the p-th percentile is the sample at 1-based rank
/// `ceil(p / 100 * n)` (at least 1). It is always one of the recorded
/// values, never an interpolation; for the values 1..=100, p50 is 50, p95 is
/// 95 and p99 is 99.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricStats {
    /// Samples in the window.
    pub count: usize,
    /// Smallest sample in the window.
    pub min: f64,
    /// Largest sample in the window.
    pub max: f64,
    /// Arithmetic mean of the window.
    pub mean: f64,
    /// Median of the window (nearest rank).
    pub p50: f64,
    /// 95th percentile of the window (nearest rank).
    pub p95: f64,
    /// 99th percentile of the window (nearest rank).
    pub p99: f64,
    /// The most recent sample.
    pub latest: f64,
    /// Samples recorded over the profiler's lifetime.
    pub lifetime_count: u64,
    /// Mean of all samples recorded over the profiler's lifetime.
    pub lifetime_mean: f64,
}

impl MetricStats {
    /// The window figures (`count` to `latest`) of `window`, samples in any
    /// order, whose newest sample is `latest`; the `lifetime_*` fields are 0
    /// and so is everything when `window` is empty. Sorts in `scratch`
    /// (cleared first). The profiler and the dashboard, which rebuilds the
    /// window from the samples snapshots bring, both compute their
    /// statistics here, so the two always agree.
    pub(crate) fn of_window(
        window: impl IntoIterator<Item = f64>,
        latest: f64,
        scratch: &mut Vec<f64>,
    ) -> MetricStats {
        scratch.clear();
        scratch.extend(window);
        if scratch.is_empty() {
            return MetricStats::default();
        }
        scratch.sort_unstable_by(f64::total_cmp);
        let sorted = &scratch[..];
        let sum: f64 = sorted.iter().sum();
        MetricStats {
            count: sorted.len(),
            min: sorted[0],
            max: sorted[sorted.len() - 1],
            mean: sum / sorted.len() as f64,
            p50: nearest_rank(sorted, 50),
            p95: nearest_rank(sorted, 95),
            p99: nearest_rank(sorted, 99),
            latest,
            lifetime_count: 0,
            lifetime_mean: 0.0,
        }
    }
}

/// One metric's samples: a ring buffer plus lifetime totals.
#[derive(Clone, Debug)]
struct Series {
    /// Allocated once; only `samples[..len]` hold recorded values.
    samples: Box<[f64]>,
    /// Slot the next sample goes to.
    next: usize,
    /// Number of valid samples (<= capacity).
    len: usize,
    latest: f64,
    lifetime_count: u64,
    lifetime_sum: f64,
}

impl Series {
    fn new(capacity: usize) -> Self {
        Series {
            samples: vec![0.0; capacity].into_boxed_slice(),
            next: 0,
            len: 0,
            latest: 0.0,
            lifetime_count: 0,
            lifetime_sum: 0.0,
        }
    }

    /// O(1); overwrites the oldest sample once the window is full.
    fn push(&mut self, value: f64) {
        let capacity = self.samples.len();
        self.samples[self.next] = value;
        self.next += 1;
        if self.next == capacity {
            self.next = 0;
        }
        if self.len < capacity {
            self.len += 1;
        }
        self.latest = value;
        self.lifetime_count += 1;
        self.lifetime_sum += value;
    }

    /// The samples in the window, in no particular order. Writes start at
    /// slot 0, so until the buffer wraps the valid samples are a prefix, and
    /// after it wraps every slot is valid.
    fn window(&self) -> &[f64] {
        &self.samples[..self.len]
    }

    fn clear(&mut self) {
        self.next = 0;
        self.len = 0;
        self.latest = 0.0;
        self.lifetime_count = 0;
        self.lifetime_sum = 0.0;
    }
}

/// The sample at nearest rank `ceil(percent / 100 * n)` of an ascending,
/// non-empty slice. Integer arithmetic, so ranks are exact.
fn nearest_rank(sorted: &[f64], percent: usize) -> f64 {
    let n = sorted.len();
    let rank = (percent * n).div_ceil(100).clamp(1, n);
    sorted[rank - 1]
}

/// Checks a sample value: finite and not negative. Turns -0.0 into 0.0.
fn check_sample(what: &'static str, value: f64) -> StreamingResult<f64> {
    check_non_negative(what, value).map(|v| v + 0.0)
}

/// The frame profiler. See the module documentation.
#[derive(Clone, Debug)]
pub struct Profiler {
    config: ProfilerConfig,
    series: [Series; ProfilingMetric::COUNT],
    /// Consecutive frames over target (reset by a frame at or under it).
    over_streak: u32,
    /// Consecutive frames at or under target (reset by a frame over it).
    under_streak: u32,
    warning_active: bool,
}

impl Default for Profiler {
    fn default() -> Self {
        Profiler::new(ProfilerConfig::default()).expect("default profiler config is valid")
    }
}

impl Profiler {
    /// Builds a profiler and allocates its buffers; refuses an invalid config.
    pub fn new(config: ProfilerConfig) -> StreamingResult<Self> {
        config.validate()?;
        let window = config.window_size;
        Ok(Profiler {
            series: std::array::from_fn(|_| Series::new(window)),
            config,
            over_streak: 0,
            under_streak: 0,
            warning_active: false,
        })
    }

    /// The configuration in force (with the current target frame time).
    pub fn config(&self) -> &ProfilerConfig {
        &self.config
    }

    /// Records one sample of `metric`. O(1), never allocates. A NaN or
    /// infinite value is [`StreamingError::NonFiniteValue`], a negative one
    /// [`StreamingError::NegativeValue`]; either way nothing is recorded.
    ///
    /// Recording [`ProfilingMetric::FrameTime`] here does not drive the
    /// frame-time warning; only [`Profiler::profile_frame`] does.
    pub fn record_metric(&mut self, metric: ProfilingMetric, value: f64) -> StreamingResult<()> {
        let value = check_sample(metric.name(), value)?;
        self.series[metric.index()].push(value);
        Ok(())
    }

    /// Records one frame: frame time (ms), memory in use (MB), draw calls and
    /// triangles. Every argument is checked before anything is recorded, so
    /// a refused frame changes nothing. O(1), never allocates.
    ///
    /// Returns a signal on the frame the warning is raised or cleared:
    /// a [`PerformanceSignal::Warning`] once frame time has been over target
    /// for `warning_after_frames` consecutive frames (once, not on every
    /// following frame), and a [`PerformanceSignal::Recovered`] once, after a
    /// warning, it has been at or under target for `recovery_after_frames`
    /// consecutive frames. A frame exactly at target counts as good.
    pub fn profile_frame(
        &mut self,
        frame_time_ms: f64,
        memory_mb: f64,
        draw_calls: u32,
        triangles: u64,
    ) -> StreamingResult<Option<PerformanceSignal>> {
        let frame_time_ms = check_sample("frame_time_ms", frame_time_ms)?;
        let memory_mb = check_sample("memory_mb", memory_mb)?;
        self.series[ProfilingMetric::FrameTime.index()].push(frame_time_ms);
        self.series[ProfilingMetric::MemoryUsage.index()].push(memory_mb);
        self.series[ProfilingMetric::DrawCalls.index()].push(f64::from(draw_calls));
        self.series[ProfilingMetric::TriangleCount.index()].push(triangles as f64);

        let target_ms = self.config.target_frame_time_ms;
        if frame_time_ms > target_ms {
            self.over_streak = self.over_streak.saturating_add(1);
            self.under_streak = 0;
            if !self.warning_active && self.over_streak >= self.config.warning_after_frames {
                self.warning_active = true;
                return Ok(Some(PerformanceSignal::Warning {
                    frame_time_ms,
                    target_ms,
                    consecutive_frames: self.over_streak,
                }));
            }
        } else {
            self.under_streak = self.under_streak.saturating_add(1);
            self.over_streak = 0;
            if self.warning_active && self.under_streak >= self.config.recovery_after_frames {
                self.warning_active = false;
                return Ok(Some(PerformanceSignal::Recovered {
                    target_ms,
                    consecutive_frames: self.under_streak,
                }));
            }
        }
        Ok(None)
    }

    /// Samples of `metric` recorded over the profiler's lifetime (since it
    /// was built or last reset). A consumer that remembers this count can
    /// copy only the samples recorded since with [`Profiler::recent_samples`].
    pub fn sample_count(&self, metric: ProfilingMetric) -> u64 {
        self.series[metric.index()].lifetime_count
    }

    /// Sum of the samples of `metric` recorded over the profiler's lifetime
    /// (the same samples [`Profiler::sample_count`] counts). It can be
    /// `+inf` once the samples add up past `f64::MAX`.
    pub fn sample_sum(&self, metric: ProfilingMetric) -> f64 {
        self.series[metric.index()].lifetime_sum
    }

    /// Calls `f` with the last `n` samples of `metric`, oldest first (fewer
    /// when the window holds fewer). O(n), never allocates: this is how the
    /// dashboard feeds its frame-time chart from what the profiler already
    /// records, without adding work to [`Profiler::profile_frame`].
    pub fn recent_samples(&self, metric: ProfilingMetric, n: usize, mut f: impl FnMut(f64)) {
        let series = &self.series[metric.index()];
        let capacity = series.samples.len();
        let n = n.min(series.len);
        // `next` is the slot after the newest sample; walk back n slots.
        let start = (series.next + capacity - n) % capacity;
        for i in 0..n {
            f(series.samples[(start + i) % capacity]);
        }
    }

    /// True between a [`PerformanceSignal::Warning`] and the following
    /// [`PerformanceSignal::Recovered`].
    pub fn is_performance_warning_active(&self) -> bool {
        self.warning_active
    }

    /// Consecutive frames, up to the last one profiled, over target.
    pub fn frames_over_target(&self) -> u32 {
        self.over_streak
    }

    /// Consecutive frames, up to the last one profiled, at or under target.
    pub fn frames_within_target(&self) -> u32 {
        self.under_streak
    }

    /// Changes the frame-time target (must be finite and > 0). Both
    /// consecutive-frame counts restart from zero, since they were measured
    /// against the old target; an active warning stays active until the
    /// profiler recovers under the new target.
    pub fn set_target_frame_time(&mut self, ms: f64) -> StreamingResult<()> {
        self.config.target_frame_time_ms = check_target(ms)?;
        self.over_streak = 0;
        self.under_streak = 0;
        Ok(())
    }

    /// Statistics of `metric` (see [`MetricStats`]). Allocates a copy of the
    /// window to sort it; use [`Profiler::get_metric_stats_with_scratch`] to
    /// avoid that on a hot path.
    pub fn get_metric_stats(&self, metric: ProfilingMetric) -> MetricStats {
        let mut scratch = Vec::new();
        self.get_metric_stats_with_scratch(metric, &mut scratch)
    }

    /// As [`Profiler::get_metric_stats`], sorting in `scratch` (cleared
    /// first) instead of a fresh buffer; it only allocates while `scratch` is
    /// smaller than the window.
    pub fn get_metric_stats_with_scratch(
        &self,
        metric: ProfilingMetric,
        scratch: &mut Vec<f64>,
    ) -> MetricStats {
        let series = &self.series[metric.index()];
        let lifetime_mean = if series.lifetime_count == 0 {
            0.0
        } else {
            series.lifetime_sum / series.lifetime_count as f64
        };
        MetricStats {
            lifetime_count: series.lifetime_count,
            lifetime_mean,
            ..MetricStats::of_window(series.window().iter().copied(), series.latest, scratch)
        }
    }

    /// Forgets every sample, the lifetime totals, the consecutive-frame
    /// counts and the warning. Keeps the configuration (including a target
    /// set with [`Profiler::set_target_frame_time`]) and the buffers.
    pub fn reset(&mut self) {
        for series in &mut self.series {
            series.clear();
        }
        self.over_streak = 0;
        self.under_streak = 0;
        self.warning_active = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profiler(window: usize, warn: u32, recover: u32) -> Profiler {
        Profiler::new(ProfilerConfig {
            window_size: window,
            target_frame_time_ms: 16.0,
            warning_after_frames: warn,
            recovery_after_frames: recover,
        })
        .unwrap()
    }

    /// Whether a frame's result is a performance warning raised after
    /// `frames` consecutive frames over target.
    fn warns_after(result: StreamingResult<Option<PerformanceSignal>>, frames: u32) -> bool {
        match result {
            Ok(Some(PerformanceSignal::Warning {
                consecutive_frames, ..
            })) => consecutive_frames == frames,
            _ => false,
        }
    }

    /// A frame's result that reports recovery to the 16 ms target of
    /// [`profiler`] after `frames` consecutive good frames.
    fn recovered_after(frames: u32) -> StreamingResult<Option<PerformanceSignal>> {
        Ok(Some(PerformanceSignal::Recovered {
            target_ms: 16.0,
            consecutive_frames: frames,
        }))
    }

    #[test]
    fn recent_samples_are_the_newest_oldest_first_across_the_wrap() {
        let mut p = profiler(4, 100, 100);
        let collect = |p: &Profiler, n| {
            let mut v = Vec::new();
            p.recent_samples(ProfilingMetric::DrawCalls, n, |x| v.push(x));
            v
        };
        assert!(collect(&p, 3).is_empty());
        for i in 1..=6 {
            p.record_metric(ProfilingMetric::DrawCalls, f64::from(i))
                .unwrap();
        }
        assert_eq!(p.sample_count(ProfilingMetric::DrawCalls), 6);
        assert_eq!(collect(&p, 2), [5.0, 6.0]);
        assert_eq!(collect(&p, 10), [3.0, 4.0, 5.0, 6.0]);
        assert_eq!(p.sample_count(ProfilingMetric::FrameTime), 0);
    }

    #[test]
    fn metric_names_numbers_units_and_serde() {
        assert_eq!(ProfilingMetric::ALL.len(), ProfilingMetric::COUNT);
        for (i, m) in ProfilingMetric::ALL.iter().enumerate() {
            assert_eq!(ProfilingMetric::from_u32(i as u32), Some(*m));
            assert_eq!(*m as usize, i);
        }
        assert_eq!(ProfilingMetric::from_u32(6), None);
        assert_eq!(ProfilingMetric::from_u32(u32::MAX), None);
        let names: Vec<_> = ProfilingMetric::ALL.iter().map(|m| m.name()).collect();
        assert_eq!(
            names,
            [
                "FRAME_TIME",
                "MEMORY_USAGE",
                "STREAMING_BANDWIDTH",
                "ASSET_LOAD_TIME",
                "DRAW_CALLS",
                "TRIANGLE_COUNT"
            ]
        );
        let units: Vec<_> = ProfilingMetric::ALL.iter().map(|m| m.unit()).collect();
        assert_eq!(units, ["ms", "MB", "MB/s", "ms", "count", "count"]);
        for m in ProfilingMetric::ALL {
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(json, format!("\"{}\"", m.name()));
            assert_eq!(serde_json::from_str::<ProfilingMetric>(&json).unwrap(), m);
        }
    }

    #[test]
    fn config_defaults_and_validation() {
        let c = ProfilerConfig::default();
        assert_eq!(c.window_size, 300);
        assert_eq!(c.target_frame_time_ms, 16.67);
        assert_eq!(c.warning_after_frames, 30);
        assert_eq!(c.recovery_after_frames, 30);
        assert!(c.validate().is_ok());

        let bad = |f: fn(&mut ProfilerConfig)| {
            let mut c = ProfilerConfig::default();
            f(&mut c);
            c.validate().unwrap_err()
        };
        assert!(matches!(
            bad(|c| c.window_size = 0),
            StreamingError::InvalidArgument(_)
        ));
        assert!(matches!(
            bad(|c| c.window_size = MAX_WINDOW_SIZE + 1),
            StreamingError::InvalidArgument(_)
        ));
        assert!(matches!(
            bad(|c| c.target_frame_time_ms = 0.0),
            StreamingError::InvalidArgument(_)
        ));
        assert!(matches!(
            bad(|c| c.target_frame_time_ms = -1.0),
            StreamingError::NegativeValue { .. }
        ));
        assert!(matches!(
            bad(|c| c.target_frame_time_ms = f64::NAN),
            StreamingError::NonFiniteValue { .. }
        ));
        assert!(matches!(
            bad(|c| c.warning_after_frames = 0),
            StreamingError::InvalidArgument(_)
        ));
        assert!(matches!(
            bad(|c| c.recovery_after_frames = 0),
            StreamingError::InvalidArgument(_)
        ));
        assert!(Profiler::new(ProfilerConfig {
            window_size: 0,
            ..ProfilerConfig::default()
        })
        .is_err());
        assert_eq!(Profiler::default().config(), &ProfilerConfig::default());
    }

    #[test]
    fn empty_metric_is_all_zeros() {
        let p = Profiler::default();
        for m in ProfilingMetric::ALL {
            assert_eq!(p.get_metric_stats(m), MetricStats::default());
        }
        let s = MetricStats::default();
        assert_eq!((s.count, s.lifetime_count), (0, 0));
        assert_eq!(
            (s.min, s.max, s.mean, s.p50, s.p95, s.p99),
            (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        );
        assert_eq!((s.latest, s.lifetime_mean), (0.0, 0.0));
    }

    #[test]
    fn window_evicts_oldest_and_lifetime_keeps_everything() {
        let mut p = profiler(4, 30, 30);
        for v in [1.0, 2.0, 3.0, 4.0, 5.0, 6.0] {
            p.record_metric(ProfilingMetric::AssetLoadTime, v).unwrap();
        }
        let s = p.get_metric_stats(ProfilingMetric::AssetLoadTime);
        assert_eq!(s.count, 4);
        assert_eq!(s.min, 3.0);
        assert_eq!(s.max, 6.0);
        assert_eq!(s.mean, 4.5);
        // Nearest rank over [3, 4, 5, 6]: ceil(0.5*4)=2, ceil(0.95*4)=4, ceil(0.99*4)=4.
        assert_eq!(s.p50, 4.0);
        assert_eq!(s.p95, 6.0);
        assert_eq!(s.p99, 6.0);
        assert_eq!(s.latest, 6.0);
        assert_eq!(s.lifetime_count, 6);
        assert_eq!(s.lifetime_mean, 3.5);
        // Other metrics are untouched.
        assert_eq!(
            p.get_metric_stats(ProfilingMetric::FrameTime),
            MetricStats::default()
        );
    }

    #[test]
    fn window_keeps_evicting_over_many_wraps() {
        let mut p = profiler(3, 30, 30);
        for v in 1..=10 {
            p.record_metric(ProfilingMetric::DrawCalls, f64::from(v))
                .unwrap();
        }
        let s = p.get_metric_stats(ProfilingMetric::DrawCalls);
        assert_eq!((s.count, s.min, s.max, s.mean), (3, 8.0, 10.0, 9.0));
        assert_eq!(s.latest, 10.0);
        assert_eq!((s.lifetime_count, s.lifetime_mean), (10, 5.5));
    }

    #[test]
    fn window_of_one() {
        let mut p = profiler(1, 30, 30);
        p.record_metric(ProfilingMetric::MemoryUsage, 7.0).unwrap();
        p.record_metric(ProfilingMetric::MemoryUsage, 3.0).unwrap();
        let s = p.get_metric_stats(ProfilingMetric::MemoryUsage);
        assert_eq!((s.count, s.min, s.max, s.mean), (1, 3.0, 3.0, 3.0));
        assert_eq!((s.p50, s.p95, s.p99, s.latest), (3.0, 3.0, 3.0, 3.0));
        assert_eq!((s.lifetime_count, s.lifetime_mean), (2, 5.0));
    }

    #[test]
    fn nearest_rank_percentiles_on_1_to_100() {
        let mut p = profiler(100, 30, 30);
        // Recorded out of order, to check that the query sorts.
        for v in (1..=100).rev() {
            p.record_metric(ProfilingMetric::StreamingBandwidth, f64::from(v))
                .unwrap();
        }
        let s = p.get_metric_stats(ProfilingMetric::StreamingBandwidth);
        assert_eq!(s.count, 100);
        assert_eq!(s.p50, 50.0);
        assert_eq!(s.p95, 95.0);
        assert_eq!(s.p99, 99.0);
        assert_eq!((s.min, s.max), (1.0, 100.0));
        assert_eq!(s.mean, 50.5);
        assert_eq!(s.latest, 1.0);
    }

    #[test]
    fn nearest_rank_small_windows() {
        assert_eq!(nearest_rank(&[5.0], 50), 5.0);
        assert_eq!(nearest_rank(&[1.0, 2.0], 50), 1.0);
        assert_eq!(nearest_rank(&[1.0, 2.0], 51), 2.0);
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(nearest_rank(&ten, 50), 5.0);
        assert_eq!(nearest_rank(&ten, 95), 10.0);
        assert_eq!(nearest_rank(&ten, 99), 10.0);
        assert_eq!(nearest_rank(&ten, 0), 1.0);
    }

    #[test]
    fn scratch_query_matches_allocating_query() {
        let mut p = profiler(8, 30, 30);
        for v in [9.0, 1.0, 4.0, 4.0, 2.5] {
            p.record_metric(ProfilingMetric::FrameTime, v).unwrap();
        }
        let mut scratch = vec![123.0; 2];
        let a = p.get_metric_stats_with_scratch(ProfilingMetric::FrameTime, &mut scratch);
        assert_eq!(a, p.get_metric_stats(ProfilingMetric::FrameTime));
        assert_eq!(a.p50, 4.0);
        assert_eq!(a.mean, 4.1);
        assert_eq!(scratch, [1.0, 2.5, 4.0, 4.0, 9.0]);
    }

    #[test]
    fn invalid_values_are_refused_and_record_nothing() {
        let mut p = profiler(4, 30, 30);
        p.record_metric(ProfilingMetric::FrameTime, 10.0).unwrap();
        let before = p.get_metric_stats(ProfilingMetric::FrameTime);
        assert_eq!(
            p.record_metric(ProfilingMetric::FrameTime, f64::NAN),
            Err(StreamingError::NonFiniteValue { what: "FRAME_TIME" })
        );
        assert_eq!(
            p.record_metric(ProfilingMetric::FrameTime, f64::INFINITY),
            Err(StreamingError::NonFiniteValue { what: "FRAME_TIME" })
        );
        assert_eq!(
            p.record_metric(ProfilingMetric::FrameTime, -1.0),
            Err(StreamingError::NegativeValue {
                what: "FRAME_TIME",
                value: -1.0
            })
        );
        assert_eq!(p.get_metric_stats(ProfilingMetric::FrameTime), before);

        // profile_frame checks everything before recording anything.
        assert_eq!(
            p.profile_frame(12.0, f64::NAN, 5, 5),
            Err(StreamingError::NonFiniteValue { what: "memory_mb" })
        );
        assert_eq!(
            p.profile_frame(-0.5, 1.0, 5, 5),
            Err(StreamingError::NegativeValue {
                what: "frame_time_ms",
                value: -0.5
            })
        );
        assert_eq!(p.get_metric_stats(ProfilingMetric::FrameTime), before);
        for m in [
            ProfilingMetric::MemoryUsage,
            ProfilingMetric::DrawCalls,
            ProfilingMetric::TriangleCount,
        ] {
            assert_eq!(p.get_metric_stats(m).lifetime_count, 0);
        }
        assert_eq!(p.frames_over_target(), 0);
        assert_eq!(p.frames_within_target(), 0);
    }

    #[test]
    fn negative_zero_is_recorded_as_zero() {
        let mut p = profiler(4, 30, 30);
        p.record_metric(ProfilingMetric::DrawCalls, -0.0).unwrap();
        let s = p.get_metric_stats(ProfilingMetric::DrawCalls);
        assert!(s.latest.is_sign_positive());
        assert_eq!(s.count, 1);
    }

    #[test]
    fn profile_frame_records_four_metrics() {
        let mut p = profiler(4, 30, 30);
        assert_eq!(p.profile_frame(12.5, 2048.0, 1500, 3_000_000), Ok(None));
        assert_eq!(p.profile_frame(14.5, 2050.0, 1700, 5_000_000), Ok(None));
        let ft = p.get_metric_stats(ProfilingMetric::FrameTime);
        assert_eq!((ft.count, ft.mean, ft.latest), (2, 13.5, 14.5));
        let mem = p.get_metric_stats(ProfilingMetric::MemoryUsage);
        assert_eq!((mem.min, mem.max), (2048.0, 2050.0));
        let dc = p.get_metric_stats(ProfilingMetric::DrawCalls);
        assert_eq!(dc.mean, 1600.0);
        let tri = p.get_metric_stats(ProfilingMetric::TriangleCount);
        assert_eq!(tri.max, 5_000_000.0);
        assert_eq!(
            p.get_metric_stats(ProfilingMetric::StreamingBandwidth)
                .lifetime_count,
            0
        );
        assert_eq!(
            p.get_metric_stats(ProfilingMetric::AssetLoadTime)
                .lifetime_count,
            0
        );
    }

    #[test]
    fn warning_after_exactly_n_frames_and_only_once() {
        let mut p = profiler(16, 3, 2);
        assert_eq!(p.profile_frame(20.0, 0.0, 0, 0), Ok(None));
        assert_eq!(p.profile_frame(21.0, 0.0, 0, 0), Ok(None));
        assert!(!p.is_performance_warning_active());
        assert_eq!(
            p.profile_frame(22.0, 0.0, 0, 0),
            Ok(Some(PerformanceSignal::Warning {
                frame_time_ms: 22.0,
                target_ms: 16.0,
                consecutive_frames: 3
            }))
        );
        assert!(p.is_performance_warning_active());
        for _ in 0..50 {
            assert_eq!(p.profile_frame(30.0, 0.0, 0, 0), Ok(None));
        }
        assert!(p.is_performance_warning_active());
        assert_eq!(p.frames_over_target(), 53);
    }

    #[test]
    fn frame_exactly_at_target_is_good() {
        let mut p = profiler(16, 1, 1);
        assert_eq!(p.profile_frame(16.0, 0.0, 0, 0), Ok(None));
        assert!(!p.is_performance_warning_active());
        assert_eq!(p.frames_within_target(), 1);
        assert!(warns_after(p.profile_frame(16.01, 0.0, 0, 0), 1));
    }

    #[test]
    fn recovery_after_exactly_m_frames() {
        let mut p = profiler(16, 2, 3);
        p.profile_frame(20.0, 0.0, 0, 0).unwrap();
        assert!(p.profile_frame(20.0, 0.0, 0, 0).unwrap().is_some());
        assert_eq!(p.profile_frame(10.0, 0.0, 0, 0), Ok(None));
        assert_eq!(p.profile_frame(16.0, 0.0, 0, 0), Ok(None));
        assert!(p.is_performance_warning_active());
        assert_eq!(p.profile_frame(10.0, 0.0, 0, 0), recovered_after(3));
        assert!(!p.is_performance_warning_active());
        // Good frames afterwards signal nothing more.
        for _ in 0..10 {
            assert_eq!(p.profile_frame(10.0, 0.0, 0, 0), Ok(None));
        }
        // And a new warning needs a full new streak.
        assert_eq!(p.profile_frame(20.0, 0.0, 0, 0), Ok(None));
        assert!(p.profile_frame(20.0, 0.0, 0, 0).unwrap().is_some());
    }

    #[test]
    fn bad_frame_during_recovery_restarts_it() {
        let mut p = profiler(16, 1, 3);
        assert!(p.profile_frame(20.0, 0.0, 0, 0).unwrap().is_some());
        assert_eq!(p.profile_frame(10.0, 0.0, 0, 0), Ok(None));
        assert_eq!(p.profile_frame(10.0, 0.0, 0, 0), Ok(None));
        // Over target again: still warned, no second warning, recovery restarts.
        assert_eq!(p.profile_frame(20.0, 0.0, 0, 0), Ok(None));
        assert_eq!(p.profile_frame(10.0, 0.0, 0, 0), Ok(None));
        assert_eq!(p.profile_frame(10.0, 0.0, 0, 0), Ok(None));
        assert!(p.is_performance_warning_active());
        assert_eq!(p.profile_frame(10.0, 0.0, 0, 0), recovered_after(3));
    }

    #[test]
    fn single_good_frame_resets_over_target_streak() {
        let mut p = profiler(16, 3, 3);
        p.profile_frame(20.0, 0.0, 0, 0).unwrap();
        p.profile_frame(20.0, 0.0, 0, 0).unwrap();
        assert_eq!(p.frames_over_target(), 2);
        assert_eq!(p.profile_frame(15.0, 0.0, 0, 0), Ok(None));
        assert_eq!(p.frames_over_target(), 0);
        assert_eq!(p.profile_frame(20.0, 0.0, 0, 0), Ok(None));
        assert_eq!(p.profile_frame(20.0, 0.0, 0, 0), Ok(None));
        assert!(!p.is_performance_warning_active());
        assert!(warns_after(p.profile_frame(20.0, 0.0, 0, 0), 3));
    }

    #[test]
    fn record_metric_frame_time_does_not_drive_warning() {
        let mut p = profiler(16, 1, 1);
        p.record_metric(ProfilingMetric::FrameTime, 100.0).unwrap();
        assert!(!p.is_performance_warning_active());
        assert_eq!(p.frames_over_target(), 0);
    }

    #[test]
    fn set_target_frame_time_validates_and_restarts_streaks() {
        let mut p = profiler(16, 2, 2);
        assert!(matches!(
            p.set_target_frame_time(0.0),
            Err(StreamingError::InvalidArgument(_))
        ));
        assert!(matches!(
            p.set_target_frame_time(f64::INFINITY),
            Err(StreamingError::NonFiniteValue { .. })
        ));
        assert_eq!(p.config().target_frame_time_ms, 16.0);

        p.profile_frame(20.0, 0.0, 0, 0).unwrap();
        p.set_target_frame_time(33.0).unwrap();
        assert_eq!(p.config().target_frame_time_ms, 33.0);
        assert_eq!(p.frames_over_target(), 0);
        // 20 ms is now within target.
        assert_eq!(p.profile_frame(20.0, 0.0, 0, 0), Ok(None));
        assert_eq!(p.frames_within_target(), 1);
        p.profile_frame(40.0, 0.0, 0, 0).unwrap();
        assert_eq!(
            p.profile_frame(40.0, 0.0, 0, 0),
            Ok(Some(PerformanceSignal::Warning {
                frame_time_ms: 40.0,
                target_ms: 33.0,
                consecutive_frames: 2
            }))
        );
    }

    #[test]
    fn reset_forgets_samples_and_warning_but_keeps_config() {
        let mut p = profiler(4, 1, 1);
        p.set_target_frame_time(8.0).unwrap();
        p.profile_frame(9.0, 1.0, 1, 1).unwrap();
        assert!(p.is_performance_warning_active());
        p.reset();
        assert!(!p.is_performance_warning_active());
        assert_eq!(p.frames_over_target(), 0);
        for m in ProfilingMetric::ALL {
            assert_eq!(p.get_metric_stats(m), MetricStats::default());
        }
        assert_eq!(p.config().target_frame_time_ms, 8.0);
        assert_eq!(p.config().window_size, 4);
        // Works normally after a reset (ring restarts from slot 0).
        for v in [1.0, 2.0, 3.0, 4.0, 5.0] {
            p.record_metric(ProfilingMetric::MemoryUsage, v).unwrap();
        }
        let s = p.get_metric_stats(ProfilingMetric::MemoryUsage);
        assert_eq!(
            (s.count, s.min, s.mean, s.lifetime_mean),
            (4, 2.0, 3.5, 3.0)
        );
    }

    #[test]
    fn signals_serialize_with_a_type_tag() {
        let w = PerformanceSignal::Warning {
            frame_time_ms: 20.0,
            target_ms: 16.0,
            consecutive_frames: 3,
        };
        assert_eq!(
            serde_json::to_string(&w).unwrap(),
            r#"{"type":"warning","frame_time_ms":20.0,"target_ms":16.0,"consecutive_frames":3}"#
        );
        let r = PerformanceSignal::Recovered {
            target_ms: 16.0,
            consecutive_frames: 2,
        };
        assert_eq!(
            serde_json::from_str::<PerformanceSignal>(&serde_json::to_string(&r).unwrap()).unwrap(),
            r
        );
    }
}
