//! End to end in a real headless browser (Debian's `chromium`), driven over
//! the DevTools protocol with tungstenite: load the page, see live data
//! arrive, switch every tab, use controls and see the library's state
//! change, and save screenshots under `target/dashboard-e2e/`.
//!
//! Without a browser the test says so and passes, except when
//! `LSM_REQUIRE_BROWSER=1` (CI sets it), where a missing browser fails.
//! `LSM_CHROMIUM` names the browser binary if it is not on the PATH.

#![cfg(feature = "dashboard")]

mod dashboard_util;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dashboard_util::*;
use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

fn find_browser() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LSM_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// The browser process and its DevTools endpoint; killed on drop.
struct Browser {
    child: Child,
    profile: PathBuf,
    devtools: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn launch(binary: &Path) -> Browser {
    let profile = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("chromium-profile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).unwrap();
    let mut child = Command::new(binary)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            "--window-size=1600,1000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("ws://") {
                let _ = tx.send(line[at..].trim().to_string());
            }
        }
    });
    let devtools = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("chromium printed its DevTools endpoint");
    Browser {
        child,
        profile,
        devtools,
    }
}

/// A DevTools protocol session on one page.
struct Cdp {
    ws: WebSocket<TcpStream>,
    next: u64,
    events: Vec<Value>,
}

fn ws_open(url: &str) -> WebSocket<TcpStream> {
    let rest = url.strip_prefix("ws://").unwrap();
    let authority = rest.split('/').next().unwrap();
    let stream = TcpStream::connect(authority).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let (ws, _) = tungstenite::client(url, stream).expect("DevTools WebSocket");
    ws
}

impl Cdp {
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let msg = json!({"id": id, "method": method, "params": params});
        self.ws.send(Message::Text(msg.to_string().into())).unwrap();
        loop {
            let Message::Text(t) = self.ws.read().expect("DevTools message") else {
                continue;
            };
            let v: Value = serde_json::from_str(t.as_str()).unwrap();
            if v["id"] == id {
                if let Some(e) = v.get("error") {
                    panic!("{method} failed: {e}");
                }
                return v["result"].clone();
            }
            self.events.push(v);
        }
    }

    /// Evaluates a JavaScript expression in the page and returns its value.
    fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("`{expression}` threw: {e}");
        }
        r["result"]["value"].clone()
    }

    /// Opens the tab `tab`, waits for the control `selector` to appear
    /// (`what` names it in a timeout) and clicks it.
    fn click_control(&mut self, tab: &str, selector: &str, what: &str) {
        self.eval(&format!(
            "document.querySelector('[data-tab={tab}]').click()"
        ));
        let control = format!("document.querySelector('{selector}')");
        self.wait_for(&format!("{control} !== null"), what);
        self.eval(&format!("{control}.click()"));
    }

    /// Waits until `expression` is truthy.
    fn wait_for(&mut self, expression: &str, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let v = self.eval(expression);
            if v.as_bool() == Some(true) || v.as_f64().is_some_and(|x| x != 0.0) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what} (`{expression}` = {v})"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the page has painted what it shows now: the second
    /// animation frame starts after the first one's paint.
    fn wait_for_paint(&mut self) {
        let painted = self.eval(
            "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))",
        );
        assert_eq!(painted, Value::Bool(true), "no animation frame");
    }

    fn screenshot(&mut self, path: &Path) {
        let r = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let png = base64_decode(r["data"].as_str().unwrap());
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::write(path, png).unwrap();
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("bad base64 byte {c}"),
        }
    };
    let bytes: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for chunk in bytes.chunks(4) {
        let pad = chunk.iter().filter(|&&b| b == b'=').count();
        let mut n = 0u32;
        for (i, &b) in chunk.iter().enumerate() {
            n |= if b == b'=' { 0 } else { value(b) } << (18 - 6 * i);
        }
        let three = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&three[..3 - pad]);
    }
    out
}

#[test]
fn the_page_works_in_a_real_headless_browser() {
    let required = std::env::var("LSM_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let Some(binary) = find_browser() else {
        assert!(
            !required,
            "LSM_REQUIRE_BROWSER=1 but no chromium was found (install Debian's `chromium` or set LSM_CHROMIUM)"
        );
        eprintln!("SKIPPED: no chromium on PATH (set LSM_CHROMIUM, or LSM_REQUIRE_BROWSER=1 to make this fail)");
        return;
    };
    let out = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("dashboard-e2e");
    std::fs::create_dir_all(&out).unwrap();

    let game = Game::start(config());
    let browser = launch(&binary);
    // Open a page target and attach to it.
    let port = browser
        .devtools
        .split(':')
        .nth(2)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let mut root = Cdp {
        ws: ws_open(&browser.devtools),
        next: 0,
        events: Vec::new(),
    };
    let target = root.call("Target.createTarget", json!({"url": "about:blank"}));
    let target_id = target["targetId"].as_str().unwrap().to_string();
    let mut page = Cdp {
        ws: ws_open(&format!("ws://127.0.0.1:{port}/devtools/page/{target_id}")),
        next: 0,
        events: Vec::new(),
    };
    page.call("Runtime.enable", json!({}));
    page.call("Log.enable", json!({}));
    page.call("Page.enable", json!({}));
    page.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 1600, "height": 1000, "deviceScaleFactor": 1, "mobile": false}),
    );
    page.call("Page.navigate", json!({"url": game.url}));

    // Live data arrives: connected, and the update sequence advances.
    page.wait_for("document.querySelector('#conn-status') && document.querySelector('#conn-status').textContent === 'live'", "the WebSocket to connect");
    page.wait_for(
        "Number(document.body.dataset.seq || 0) > 0",
        "a first update",
    );
    let seq = page
        .eval("Number(document.body.dataset.seq)")
        .as_f64()
        .unwrap();
    page.wait_for(
        &format!("Number(document.body.dataset.seq) > {seq} + 2"),
        "more live updates",
    );
    // The token left the address bar.
    assert_eq!(page.eval("location.hash"), "");
    assert_eq!(
        page.eval("document.querySelectorAll('#ov-levels tbody tr').length"),
        3
    );
    assert!(
        page.eval("document.querySelector('#top-frame').textContent")
            .as_str()
            .unwrap()
            != "–"
    );
    page.wait_for(
        "document.querySelectorAll('#ev-list li').length > 0",
        "events in the log",
    );

    // Every tab shows its content.
    let tabs: [(&str, &str); 7] = [
        ("overview", "document.querySelectorAll('#ov-cards .card').length >= 6"),
        ("volumes", "document.querySelectorAll('#vol-table tbody tr').length === 3 && (() => { const c = document.querySelector('#map'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let lit = 0; for (let i = 0; i < d.length; i += 64) if (d[i] + d[i+1] + d[i+2] > 60) lit++; return lit > 50; })()"),
        ("lod", "document.querySelectorAll('#lod-table tbody tr').length === 3 && document.querySelectorAll('#lod-quality tbody tr').length === 5"),
        ("occlusion", "document.querySelectorAll('#occ-table tbody tr').length === 1 && document.querySelectorAll('#occ-cards .card').length === 5"),
        ("memory", "document.querySelectorAll('#mem-bars .budget').length === 1 && document.querySelectorAll('#mem-bars .mark').length === 2"),
        ("performance", "document.querySelectorAll('#perf-metrics tbody tr').length === 6 && document.querySelector('#perf-cards').textContent.includes('p99')"),
        ("loading", "document.querySelectorAll('#ls-list .screen').length === 1"),
    ];
    for (tab, ready) in tabs {
        page.eval(&format!(
            "document.querySelector('[data-tab={tab}]').click()"
        ));
        page.wait_for(
            &format!("document.querySelector('#tab-{tab}').classList.contains('active')"),
            tab,
        );
        page.wait_for(ready, &format!("the {tab} tab's content"));
        page.wait_for_paint();
        page.screenshot(&out.join(format!("{tab}.png")));
    }

    // Controls change the library's state.
    page.click_control(
        "overview",
        "[data-action=load][data-level=Village]",
        "the Load button",
    );
    until_game("the Load button did not pin Village", || {
        game.with(|m| {
            m.level_info(m.find_level("Village").unwrap())
                .unwrap()
                .pinned
        })
    });

    page.eval("document.querySelector('[data-tab=memory]').click()");
    page.eval(
        "(() => { const f = document.querySelector('#f-create-budget'); f.name.value = 'FromBrowser'; \
         f.max_memory_mb.value = '777'; f.requestSubmit(); })()",
    );
    let mb = wait_for(
        Duration::from_secs(10),
        Duration::from_millis(20),
        "the form did not create the budget",
        || game.with(|m| m.memory_budget("FromBrowser").ok().map(|b| b.max_memory_mb)),
    );
    assert_eq!(mb, 777.0);
    page.wait_for(
        "document.querySelectorAll('#mem-bars .budget').length === 2",
        "the new budget on the page",
    );

    page.click_control(
        "lod",
        "[data-action=set-lod][data-level=Castle][data-lod=LOW]",
        "the LOD buttons",
    );
    until_game("the LOD button did not set Castle's LOD", || {
        game.with(|m| m.level_lod("Castle").unwrap()) == level_streaming::core::lod::LodLevel::Low
    });

    page.click_control(
        "volumes",
        "[data-action=disable][data-volume=Forest_volume]",
        "the volume toggle",
    );
    until_game("the toggle did not disable the volume", || {
        !game.with(|m| {
            m.volume(m.find_volume("Forest_volume").unwrap())
                .unwrap()
                .enabled
        })
    });

    page.click_control(
        "loading",
        "[data-action=show][data-screen=\"1\"]",
        "the Show button",
    );
    until_game("Show did not show the loading screen", || {
        game.with(|m| {
            m.loading_screen(level_streaming::core::loading_screen::LoadingScreenId(1))
                .unwrap()
                .visible
        })
    });
    page.wait_for(
        "document.querySelector('#ls-list').textContent.includes('VISIBLE')",
        "the screen shown on the page",
    );
    page.screenshot(&out.join("after-controls.png"));

    // The event log filters and pauses.
    page.eval("document.querySelector('#ev-kind').value = 'level_state_changed'; document.querySelector('#ev-kind').dispatchEvent(new Event('change'))");
    assert_eq!(
        page.eval("Array.from(document.querySelectorAll('#ev-list li')).every(li => li.className === 'k-level_state_changed')"),
        true
    );
    page.eval("document.querySelector('#ev-pause').click()");
    assert_eq!(
        page.eval("document.querySelector('#ev-pause').textContent"),
        "Resume"
    );

    // No script error and no CSP violation happened.
    page.call("Runtime.evaluate", json!({"expression": "1"}));
    let problems: Vec<&Value> = page
        .events
        .iter()
        .filter(|e| {
            e["method"] == "Runtime.exceptionThrown"
                || (e["method"] == "Log.entryAdded"
                    && e["params"]["entry"]["level"] == "error"
                    && !e["params"]["entry"]["text"]
                        .as_str()
                        .unwrap_or("")
                        .contains("favicon"))
                || (e["method"] == "Runtime.consoleAPICalled" && e["params"]["type"] == "error")
        })
        .collect();
    assert!(problems.is_empty(), "page errors: {problems:#?}");
    eprintln!("screenshots in {}", out.display());
    let _ = root.call("Browser.close", json!({}));
    drop(browser);
    game.stop();
}

/// Waits (10 s at most) until the game's state says `done`: a control's
/// command reaches the game thread at its next frame.
fn until_game(what: &str, done: impl FnMut() -> bool) {
    wait_until(
        Duration::from_secs(10),
        Duration::from_millis(20),
        what,
        done,
    );
}
