//! Exports of a manager's state for tools outside the game: Prometheus text
//! exposition (served at `/metrics` by the dashboard) and a
//! Chrome-trace/Perfetto recording of a run (`chrome://tracing`,
//! <https://ui.perfetto.dev>). Both are pure: they read the manager (or
//! what was fed to the recorder) and produce text; serving it is the
//! dashboard's job.

pub mod prometheus;
pub mod trace;

pub use trace::TraceRecorder;
