//! The embedded live dashboard through the C ABI.
//!
//! These functions exist in every build so that the header is the same
//! with and without the `dashboard` cargo feature; in a build without it,
//! `lsm_dashboard_start`, `lsm_dashboard_stop` and the getters return
//! `LSM_STATUS_NOT_SUPPORTED` (only `lsm_dashboard_config_default` works).

use std::borrow::Cow;
use std::ffi::{c_char, CStr};

use super::boundary::{check_out, in_ref, run_status, write_out, FfiError};
use super::handle::{manager_ref, query_string, with_manager, LsmManager};
use super::types::LsmStatus;

/// The default bind address, as a static C string.
const DEFAULT_BIND: &CStr = c"127.0.0.1";

/// How `lsm_dashboard_start` serves the dashboard. Fill it with
/// `lsm_dashboard_config_default`, then change what you need.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct LsmDashboardConfig {
    /// Address to bind, a NUL-terminated IP literal ("127.0.0.1", "::1",
    /// "0.0.0.0", ...); NULL means "127.0.0.1". Read only during
    /// `lsm_dashboard_start`. A non-loopback address is refused unless
    /// `allow_non_loopback` is true.
    pub bind_address: *const c_char,
    /// TCP port; default 8000; 0 picks a free port (read it back with
    /// `lsm_dashboard_port`).
    pub port: u16,
    /// Live updates per second pushed to WebSocket clients, in (0, 120];
    /// default 10.
    pub update_rate_hz: f64,
    /// WebSocket clients served at once, 1..=256; one more is answered 503.
    /// Default 8.
    pub max_clients: u32,
    /// Must be true to bind an address that is not loopback. Default false.
    pub allow_non_loopback: bool,
    /// Milliseconds a client has to send a complete request; 0 means the
    /// default, 5000.
    pub request_timeout_ms: u32,
    /// Nanoseconds of game-thread time `lsm_update` may spend per call
    /// copying the dashboard's snapshot (the copy resumes at the next
    /// call); 0 means the default, 1000 (1 µs). Larger values refresh big
    /// worlds faster at a higher per-frame cost.
    pub frame_budget_ns: u32,
}

/// Fills `out` with the default dashboard configuration: 127.0.0.1, port
/// 8000, 10 Hz, 8 clients, loopback only, 5 s request timeout, 1 µs frame
/// budget. Works in every build.
///
/// Threading: any thread.
#[no_mangle]
pub extern "C" fn lsm_dashboard_config_default(out: *mut LsmDashboardConfig) -> LsmStatus {
    run_status(|| {
        check_out(out, "out")?;
        let config = LsmDashboardConfig {
            bind_address: DEFAULT_BIND.as_ptr(),
            port: 8000,
            update_rate_hz: 10.0,
            max_clients: 8,
            allow_non_loopback: false,
            request_timeout_ms: 5000,
            frame_budget_ns: 1000,
        };
        // SAFETY: checked non-NULL; the caller provides writable storage.
        unsafe { write_out(out, config) };
        Ok(())
    })
}

#[cfg(feature = "dashboard")]
fn to_rust_config(c: &LsmDashboardConfig) -> Result<crate::dashboard::DashboardConfig, FfiError> {
    let address = if c.bind_address.is_null() {
        "127.0.0.1"
    } else {
        // SAFETY: non-NULL; the caller promises a NUL-terminated string that
        // lives for the duration of the call.
        unsafe { super::boundary::c_str(c.bind_address, "config.bind_address") }?
    };
    let bind_address = address.parse().map_err(|_| {
        FfiError::invalid_argument(format!(
            "config.bind_address '{address}' is not an IP address"
        ))
    })?;
    Ok(crate::dashboard::DashboardConfig {
        bind_address,
        port: c.port,
        update_rate_hz: c.update_rate_hz,
        max_clients: c.max_clients,
        allow_non_loopback: c.allow_non_loopback,
        request_timeout: if c.request_timeout_ms == 0 {
            crate::dashboard::DEFAULT_REQUEST_TIMEOUT
        } else {
            std::time::Duration::from_millis(u64::from(c.request_timeout_ms))
        },
        frame_budget: if c.frame_budget_ns == 0 {
            crate::dashboard::DEFAULT_FRAME_BUDGET
        } else {
            std::time::Duration::from_nanos(u64::from(c.frame_budget_ns))
        },
    })
}

#[cfg(feature = "dashboard")]
impl From<crate::dashboard::DashboardError> for FfiError {
    fn from(e: crate::dashboard::DashboardError) -> Self {
        use crate::dashboard::DashboardError as E;
        let status = match &e {
            E::InvalidConfig(_) | E::NonLoopbackRefused(_) => LsmStatus::InvalidArgument,
            E::Bind(_) | E::Random(_) | E::Spawn(_) => LsmStatus::IoError,
        };
        FfiError::new(status, e.to_string())
    }
}

#[cfg(not(feature = "dashboard"))]
fn not_supported() -> FfiError {
    FfiError::new(
        LsmStatus::NotSupported,
        "this build of the library has no dashboard (cargo feature `dashboard` is off)",
    )
}

#[cfg(feature = "dashboard")]
fn running(m: &LsmManager) -> Result<&crate::dashboard::DashboardServer, FfiError> {
    m.dashboard
        .as_ref()
        .ok_or_else(|| FfiError::new(LsmStatus::NotFound, "no dashboard is running"))
}

/// Which text of the running dashboard a string getter copies.
#[derive(Clone, Copy)]
enum DashboardText {
    /// The session token (`lsm_dashboard_token`).
    Token,
    /// The URL with the token in its fragment (`lsm_dashboard_url`).
    Url,
}

/// The text `which` of the running dashboard: `NOT_FOUND` when none runs,
/// `NOT_SUPPORTED` in a build without the `dashboard` feature.
fn dashboard_text(m: &LsmManager, which: DashboardText) -> Result<Cow<'_, str>, FfiError> {
    #[cfg(feature = "dashboard")]
    {
        let dashboard = running(m)?;
        Ok(match which {
            DashboardText::Token => dashboard.token().into(),
            DashboardText::Url => dashboard.url().into(),
        })
    }
    #[cfg(not(feature = "dashboard"))]
    {
        let _ = (m, which);
        Err(not_supported())
    }
}

/// Starts the embedded dashboard for this manager (`config` NULL = the
/// defaults): binds the socket, generates a random session token and starts
/// one background thread that serves the page, the JSON API and the
/// WebSocket. From then on `lsm_update` applies the commands clients send
/// and hands the dashboard its snapshots. Open the URL from
/// `lsm_dashboard_url` in a browser.
///
/// Fails with `INVALID_ARGUMENT` for a bad config, a non-loopback address
/// without `allow_non_loopback`, or a dashboard already running for this
/// manager; with `IO_ERROR` when the port cannot be bound; with
/// `NOT_SUPPORTED` in a build without the `dashboard` feature.
///
/// Threading: the manager's thread. Does not wait on the network.
#[no_mangle]
pub extern "C" fn lsm_dashboard_start(
    manager: *mut LsmManager,
    config: *const LsmDashboardConfig,
) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            let c = if config.is_null() {
                None
            } else {
                Some(*in_ref(config, "config")?)
            };
            #[cfg(feature = "dashboard")]
            {
                if m.dashboard.is_some() {
                    return Err(FfiError::invalid_argument(
                        "a dashboard is already running for this manager; stop it first",
                    ));
                }
                let config = match c {
                    Some(c) => to_rust_config(&c)?,
                    None => crate::dashboard::DashboardConfig::default(),
                };
                m.dashboard = Some(crate::dashboard::DashboardServer::start(config)?);
                Ok(())
            }
            #[cfg(not(feature = "dashboard"))]
            {
                let _ = (m, c);
                Err(not_supported())
            }
        })
    }
}

/// Stops the dashboard: closes every client, stops its thread and waits for
/// it to end (a few milliseconds at most: the thread never blocks on a
/// socket). Succeeds when no dashboard runs. `lsm_manager_destroy` does the
/// same.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_dashboard_stop(manager: *mut LsmManager) -> LsmStatus {
    // SAFETY: validated inside.
    unsafe {
        with_manager(manager, |m| {
            #[cfg(feature = "dashboard")]
            {
                if let Some(dashboard) = m.dashboard.take() {
                    dashboard.shutdown(&mut m.core);
                }
                Ok(())
            }
            #[cfg(not(feature = "dashboard"))]
            {
                let _ = m;
                Err(not_supported())
            }
        })
    }
}

/// Writes the TCP port the running dashboard listens on (the free port
/// chosen when the config said 0) to `out_port`. `NOT_FOUND` when no
/// dashboard runs.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_dashboard_port(manager: *const LsmManager, out_port: *mut u16) -> LsmStatus {
    run_status(|| {
        // SAFETY: validated handle.
        let m = unsafe { manager_ref(manager) }?;
        check_out(out_port, "out_port")?;
        #[cfg(feature = "dashboard")]
        {
            let port = running(m)?.port();
            // SAFETY: checked non-NULL; writable by the caller's promise.
            unsafe { write_out(out_port, port) };
            Ok(())
        }
        #[cfg(not(feature = "dashboard"))]
        {
            let _ = m;
            Err(not_supported())
        }
    })
}

/// Copies the running dashboard's session token (64 hex digits and a NUL)
/// into `buf`: required to open its WebSocket (`/ws?token=`) and for
/// `POST /api/command` (header `X-LSM-Token`). Follows the string getter
/// convention: with `cap` too small it returns `BUFFER_TOO_SMALL` and writes
/// the needed length (without the NUL) to `out_len`. `NOT_FOUND` when no
/// dashboard runs. Treat the token as a secret.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_dashboard_token(
    manager: *const LsmManager,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> LsmStatus {
    query_string(manager, buf, cap, out_len, |m| {
        dashboard_text(m, DashboardText::Token)
    })
}

/// Copies the URL to open in a browser, `http://HOST:PORT/#token=TOKEN`,
/// into `buf` (string getter convention, as `lsm_dashboard_token`). The
/// token travels in the fragment, which browsers never send to a server.
///
/// Threading: the manager's thread.
#[no_mangle]
pub extern "C" fn lsm_dashboard_url(
    manager: *const LsmManager,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> LsmStatus {
    query_string(manager, buf, cap, out_len, |m| {
        dashboard_text(m, DashboardText::Url)
    })
}
