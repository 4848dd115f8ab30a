//! The browser tests: the real `lotse demo` on free ports of 127.0.0.1 in a temporary data
//! directory, and `node --test` over every `web/tests/*.test.mjs`, which drive Debian's
//! Chromium with playwright-core against it (`LOTSE_DEMO_INFO` names the demo's info file,
//! `LOTSE_SCREENSHOT_DIR` the folder for screenshots, `docs/screenshots/` unless set).
//!
//! Where Node.js, Chromium or the npm packages are missing the test fails with a message that
//! says what to install: CI installs all three (`.ci/run`), and a test that passed without
//! running would hide a broken front end. A developer without a browser can skip it
//! explicitly with `LOTSE_SKIP_BROWSER_TESTS=1`.
//!
//! `LOTSE_BROWSER_OFFERS` sets the offers per node (default 1,000).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// A port `p` such that `p..=p+3` are free on 127.0.0.1 right now.
fn free_ports() -> u16 {
    for _ in 0..200 {
        let p = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        if p <= u16::MAX - 4 && (0..4).all(|i| std::net::TcpListener::bind(("127.0.0.1", p + i)).is_ok()) {
            return p;
        }
    }
    panic!("no four consecutive free ports");
}

/// What is missing to run the browser tests, as a message for the developer.
fn missing_prerequisites(web: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    if Command::new("node").arg("--version").stdout(Stdio::null()).status().map_or(true, |s| !s.success()) {
        missing.push(
            "Node.js (`node`) fehlt / is missing: apt-get install nodejs npm (Node 18 oder neuer / or newer)"
                .into(),
        );
    }
    let chromium = std::env::var("LOTSE_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        missing.push(format!("Chromium fehlt / is missing at {chromium}: apt-get install chromium"));
    }
    for package in ["playwright-core", "axe-core"] {
        if !web.join("node_modules").join(package).exists() {
            missing.push(format!("npm-Paket / npm package {package} fehlt / is missing: (cd web && npm ci)"));
        }
    }
    missing
}

struct Demo(Child);

impl Drop for Demo {
    fn drop(&mut self) {
        // SIGINT, as Ctrl-C, so the demo shuts down and removes nothing it should keep.
        let _ = Command::new("kill").args(["-INT", &self.0.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn browser_tests_against_the_demo() {
    if std::env::var("LOTSE_SKIP_BROWSER_TESTS").as_deref() == Ok("1") {
        eprintln!("Browser-Tests übersprungen (LOTSE_SKIP_BROWSER_TESTS=1) / browser tests skipped");
        return;
    }
    let root = repo_root();
    let web = root.join("web");
    let missing = missing_prerequisites(&web);
    assert!(
        missing.is_empty(),
        "Die Browser-Tests brauchen / the browser tests need:\n  {}\n\
         Überspringen nur bewusst / skip only on purpose: LOTSE_SKIP_BROWSER_TESTS=1",
        missing.join("\n  ")
    );
    let mut tests: Vec<PathBuf> = std::fs::read_dir(web.join("tests"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    tests.sort();
    assert!(!tests.is_empty(), "no web/tests/*.test.mjs");

    let dir = tempfile::tempdir().unwrap();
    let info = dir.path().join("demo.json");
    let port = free_ports();
    let offers = std::env::var("LOTSE_BROWSER_OFFERS").unwrap_or_else(|_| "1000".into());
    let log = std::fs::File::create(dir.path().join("demo.log")).unwrap();
    let mut demo = Demo(
        Command::new(env!("CARGO_BIN_EXE_lotse"))
            .args(["demo", "--offers", &offers, "--port", &port.to_string()])
            .arg("--data")
            .arg(dir.path().join("data"))
            .arg("--info-file")
            .arg(&info)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(600);
    while !info.exists() {
        if let Some(status) = demo.0.try_wait().unwrap() {
            panic!(
                "lotse demo ended early ({status}):\n{}",
                std::fs::read_to_string(dir.path().join("demo.log")).unwrap_or_default()
            );
        }
        assert!(Instant::now() < deadline, "lotse demo not ready after 600 s");
        std::thread::sleep(Duration::from_millis(100));
    }

    let screenshots = std::env::var_os("LOTSE_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("docs/screenshots"));
    let mut node = Command::new("node");
    node.arg("--test")
        .args(&tests)
        .current_dir(&web)
        .env("LOTSE_DEMO_INFO", &info)
        .env("LOTSE_SCREENSHOT_DIR", &screenshots);
    let mut child = node.spawn().expect("node starts");
    let deadline = Instant::now() + Duration::from_secs(900);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("node --test did not finish within 900 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    drop(demo);
    assert!(status.success(), "node --test failed ({status}); see its output above");
}
