//! `lotse demo` as a newcomer runs it: the real binary with a small `--offers`, on free ports,
//! in a temporary data directory. The hub's search must answer with offers of all three
//! nodes, the info file must name working tokens, and a second run on the same `--data` must
//! keep the offers and replace the tokens.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const OFFERS: usize = 40;
/// The demo's nodes and the municipality each publishes for.
const NODES: [(&str, &str); 3] = [("essen", "05113000"), ("dortmund", "05913000"), ("rub", "05911000")];

/// A port `p` such that `p..=p+3` are free on 127.0.0.1 right now.
fn free_ports() -> u16 {
    for _ in 0..200 {
        let p = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        if p > u16::MAX - 4 {
            continue;
        }
        let all_free = (0..4).all(|i| std::net::TcpListener::bind(("127.0.0.1", p + i)).is_ok());
        if all_free {
            return p;
        }
    }
    panic!("no four consecutive free ports");
}

struct Demo {
    child: Child,
    info: Value,
    stdout_path: std::path::PathBuf,
}

impl Demo {
    fn start(dir: &Path, port: u16) -> Demo {
        let info_path = dir.join("info.json");
        let _ = std::fs::remove_file(&info_path);
        let stdout_path = dir.join(format!("demo-{port}.out"));
        let child = Command::new(env!("CARGO_BIN_EXE_lotse"))
            .args(["demo", "--offers", &OFFERS.to_string(), "--port", &port.to_string()])
            .arg("--data")
            .arg(dir.join("data"))
            .arg("--info-file")
            .arg(&info_path)
            .stdout(std::fs::File::create(&stdout_path).unwrap())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut demo = Demo { child, info: Value::Null, stdout_path };
        let deadline = Instant::now() + Duration::from_secs(300);
        while !info_path.exists() {
            if let Some(status) = demo.child.try_wait().unwrap() {
                panic!("lotse demo ended early ({status}): {}", demo.stdout());
            }
            assert!(Instant::now() < deadline, "no info file after 300 s: {}", demo.stdout());
            std::thread::sleep(Duration::from_millis(50));
        }
        demo.info = serde_json::from_slice(&std::fs::read(&info_path).unwrap()).unwrap();
        demo
    }

    fn stdout(&self) -> String {
        std::fs::read_to_string(&self.stdout_path).unwrap_or_default()
    }

    /// Stops the demo the way Ctrl-C does and waits for it.
    fn stop(mut self) -> String {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-INT", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "lotse demo stopped with {status}");
                break;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("lotse demo did not stop within 30 s of SIGINT");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.stdout()
    }
}

fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().no_proxy().timeout(Duration::from_secs(30)).build().unwrap()
}

fn get_json(url: &str, token: Option<&str>) -> (u16, Value) {
    let mut request = http().get(url);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    let r = request.send().unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

fn search_total(hub: &str, query: &str) -> (u64, Vec<String>) {
    let (status, body) = get_json(&format!("{hub}/api/v1/search?{query}"), None);
    assert_eq!(status, 200, "{query}: {body}");
    let ids =
        body["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    (body["total"].as_u64().unwrap(), ids)
}

fn check_running_demo(demo: &Demo, port: u16) {
    let info = &demo.info;
    let hub = info["hub_url"].as_str().unwrap();
    assert_eq!(hub, format!("http://127.0.0.1:{port}"));
    let nodes = info["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 3, "{info}");
    for (i, (node, (id, ags))) in nodes.iter().zip(NODES).enumerate() {
        assert_eq!(node["id"], id);
        assert!(!node["name"].as_str().unwrap().is_empty());
        assert_eq!(node["url"].as_str().unwrap(), format!("http://127.0.0.1:{}", port + 1 + i as u16));
        // The info file is written once everything is harvested and indexed: every node's
        // offers are searchable at once, and they lie in the node's own municipality.
        let (total, ids) = search_total(hub, &format!("ags={ags}&page_size=100"));
        assert_eq!(total, OFFERS as u64, "offers of {id} at the hub");
        assert!(ids.iter().all(|h| h.starts_with(&format!("{id}/"))), "{id}: {ids:?}");
        // The steward token works at its own node and nowhere else.
        let token = node["steward_token"].as_str().unwrap();
        let (status, _) =
            get_json(&format!("{}/api/v1/offers?limit=1", node["url"].as_str().unwrap()), Some(token));
        assert_eq!(status, 200, "steward token of {id}");
    }
    assert_eq!(search_total(hub, "q=Beratung").1.len().min(1), 1, "a text search finds something");
    assert_eq!(search_total(hub, "").0, 3 * OFFERS as u64);
    let (status, listed) = get_json(&format!("{hub}/api/v1/admin/nodes"), info["operator_token"].as_str());
    assert_eq!(status, 200, "operator token: {listed}");
    let listed = listed.as_array().cloned().or_else(|| listed["nodes"].as_array().cloned()).unwrap();
    assert_eq!(listed.len(), 3);
}

#[test]
fn demo_serves_all_three_nodes_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();

    let port = free_ports();
    let first = Demo::start(dir.path(), port);
    check_running_demo(&first, port);
    let old_steward = first.info["nodes"][0]["steward_token"].as_str().unwrap().to_owned();
    let out = first.stop();
    assert!(out.contains("Suche für Beratende / adviser search"), "{out}");
    assert!(out.contains(&old_steward), "the tokens are printed: {out}");

    // Again on the same data, on other ports: nothing is generated anew, the offers are
    // there at once, and the tokens of the first run no longer work.
    let port = free_ports();
    let second = Demo::start(dir.path(), port);
    check_running_demo(&second, port);
    let node = &second.info["nodes"][0];
    let (status, _) =
        get_json(&format!("{}/api/v1/offers?limit=1", node["url"].as_str().unwrap()), Some(&old_steward));
    assert_eq!(status, 401, "the first run's steward token is revoked");
    let out = second.stop();
    assert!(out.contains("offers kept"), "{out}");
    assert!(!out.contains("hochgeladen"), "nothing is uploaded again: {out}");
}
