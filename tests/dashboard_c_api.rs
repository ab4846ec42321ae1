//! The dashboard through the C ABI: start on port 0, read the port, token
//! and URL back, serve live data pumped by `lsm_update`, stop. In a build
//! without the `dashboard` feature the same calls return NOT_SUPPORTED.

use std::ffi::CStr;
use std::ptr;

use level_streaming::ffi::dashboard::*;
use level_streaming::ffi::*;

#[cfg(feature = "dashboard")]
mod dashboard_util;

#[test]
fn config_default_works_in_every_build() {
    let mut c = std::mem::MaybeUninit::<LsmDashboardConfig>::uninit();
    assert_eq!(lsm_dashboard_config_default(c.as_mut_ptr()), LsmStatus::Ok);
    // SAFETY: initialised by the call above.
    let c = unsafe { c.assume_init() };
    // SAFETY: the default points to a static NUL-terminated string.
    assert_eq!(
        unsafe { CStr::from_ptr(c.bind_address) }.to_str().unwrap(),
        "127.0.0.1"
    );
    assert_eq!((c.port, c.update_rate_hz, c.max_clients), (8000, 10.0, 8));
    assert!(!c.allow_non_loopback);
    assert_eq!(
        lsm_dashboard_config_default(ptr::null_mut()),
        LsmStatus::NullArgument
    );
}

#[cfg(not(feature = "dashboard"))]
#[test]
fn without_the_feature_the_functions_say_not_supported() {
    use level_streaming::ffi::lifecycle::{lsm_manager_create, lsm_manager_destroy};
    let m = lsm_manager_create(ptr::null());
    assert_eq!(lsm_dashboard_start(m, ptr::null()), LsmStatus::NotSupported);
    assert_eq!(lsm_dashboard_stop(m), LsmStatus::NotSupported);
    let mut port = 0u16;
    assert_eq!(lsm_dashboard_port(m, &mut port), LsmStatus::NotSupported);
    let mut len = 0usize;
    assert_eq!(
        lsm_dashboard_token(m, ptr::null_mut(), 0, &mut len),
        LsmStatus::NotSupported
    );
    assert_eq!(
        lsm_dashboard_url(m, ptr::null_mut(), 0, &mut len),
        LsmStatus::NotSupported
    );
    lsm_manager_destroy(m);
}

#[cfg(feature = "dashboard")]
#[test]
fn start_on_port_zero_read_back_port_and_token_serve_and_stop() {
    use level_streaming::ffi::levels::lsm_register_level;
    use level_streaming::ffi::lifecycle::{lsm_manager_create, lsm_manager_destroy};
    use level_streaming::ffi::streaming::lsm_update;
    use std::ffi::c_char;
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    use dashboard_util::pump_while;

    let m = lsm_manager_create(ptr::null());
    assert!(!m.is_null());
    let d = LsmLevelDesc {
        name: c"Harbor".as_ptr(),
        estimated_memory_mb: 10.0,
        priority: 3,
    };
    assert_eq!(lsm_register_level(m, &d, ptr::null_mut()), LsmStatus::Ok);

    // Nothing runs yet.
    let mut port = 0u16;
    assert_eq!(lsm_dashboard_port(m, &mut port), LsmStatus::NotFound);
    assert_eq!(lsm_dashboard_stop(m), LsmStatus::Ok);

    let mut config = std::mem::MaybeUninit::<LsmDashboardConfig>::uninit();
    assert_eq!(
        lsm_dashboard_config_default(config.as_mut_ptr()),
        LsmStatus::Ok
    );
    // SAFETY: initialised above.
    let mut config = unsafe { config.assume_init() };
    config.port = 0;
    config.update_rate_hz = 30.0;
    assert_eq!(lsm_dashboard_start(m, &config), LsmStatus::Ok);
    assert_eq!(
        lsm_dashboard_start(m, &config),
        LsmStatus::InvalidArgument,
        "already running"
    );

    assert_eq!(lsm_dashboard_port(m, &mut port), LsmStatus::Ok);
    assert_ne!(port, 0);
    assert_eq!(
        lsm_dashboard_port(m, ptr::null_mut()),
        LsmStatus::NullArgument
    );

    let mut needed = 0usize;
    assert_eq!(
        lsm_dashboard_token(m, ptr::null_mut(), 0, &mut needed),
        LsmStatus::BufferTooSmall
    );
    assert_eq!(needed, 64);
    let mut buf = [0 as c_char; 65];
    assert_eq!(
        lsm_dashboard_token(m, buf.as_mut_ptr(), buf.len(), &mut needed),
        LsmStatus::Ok
    );
    // SAFETY: NUL-terminated by the call.
    let token = unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));

    let mut url = [0 as c_char; 128];
    assert_eq!(
        lsm_dashboard_url(m, url.as_mut_ptr(), url.len(), ptr::null_mut()),
        LsmStatus::Ok
    );
    // SAFETY: NUL-terminated by the call.
    let url = unsafe { CStr::from_ptr(url.as_ptr()) }
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(url, format!("http://127.0.0.1:{port}/#token={token}"));

    // lsm_update pumps the dashboard: a GET sees the level.
    let fetch = |path: &str| -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes())
            .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    let update = || assert_eq!(lsm_update(m, ptr::null(), 0, 0.016), LsmStatus::Ok);
    let body = pump_while(|| fetch("/api/levels"), Duration::from_millis(5), update);
    assert!(body.starts_with("HTTP/1.1 200"), "{body}");
    assert!(body.contains("\"name\":\"Harbor\""), "{body}");

    // A command through the C-owned manager.
    let cmd = r#"{"name":"load_level","args":{"level":"Harbor"}}"#;
    let post = || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(
            format!(
                "POST /api/command HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-LSM-Token: {token}\r\nContent-Length: {}\r\n\r\n{cmd}",
                cmd.len()
            )
            .as_bytes(),
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    let reply = pump_while(post, Duration::from_millis(5), update);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let mut state = std::mem::MaybeUninit::<LsmStreamingState>::uninit();
    assert_eq!(
        level_streaming::ffi::levels::lsm_get_level_state(
            m,
            c"Harbor".as_ptr(),
            state.as_mut_ptr()
        ),
        LsmStatus::Ok
    );
    // SAFETY: written on OK.
    let state = unsafe { state.assume_init() };
    assert_eq!(
        state,
        LsmStreamingState::Loading,
        "the command issued the load"
    );

    // Stop: the port is released, getters say NOT_FOUND.
    assert_eq!(lsm_dashboard_stop(m), LsmStatus::Ok);
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    assert_eq!(lsm_dashboard_port(m, &mut port), LsmStatus::NotFound);

    // A bad address, a refused non-loopback one, a bad rate.
    config.bind_address = c"not an ip".as_ptr();
    assert_eq!(lsm_dashboard_start(m, &config), LsmStatus::InvalidArgument);
    config.bind_address = c"0.0.0.0".as_ptr();
    assert_eq!(lsm_dashboard_start(m, &config), LsmStatus::InvalidArgument);
    config.bind_address = ptr::null();
    config.update_rate_hz = -1.0;
    assert_eq!(lsm_dashboard_start(m, &config), LsmStatus::InvalidArgument);
    // Destroying a manager with a running dashboard stops it and frees the port.
    config.update_rate_hz = 10.0;
    assert_eq!(lsm_dashboard_start(m, &config), LsmStatus::Ok);
    assert_eq!(lsm_dashboard_port(m, &mut port), LsmStatus::Ok);
    lsm_manager_destroy(m);
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}
