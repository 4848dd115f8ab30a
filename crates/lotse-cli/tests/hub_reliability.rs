//! Reliability of harvesting with the real `lotse` binaries as processes, once for offers and
//! once for institutions (the feeds of the other kinds are followed by the same code): a node
//! with 50,000 records; the hub is killed (SIGKILL) in the middle of harvesting them and
//! started again; then the node is killed in the middle of a harvest; records change while
//! things are down. In the end the hub must hold exactly the node's records — none twice, none
//! missing, none stale — and must have given each change exactly one change number of its own.
//!
//! `LOTSE_RELIABILITY_OFFERS` sets a different number of records (for a quick local run).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use lotse_standard::rpde::Kind;
use serde_json::Value;

const NODE_ID: &str = "essen";
const ESSEN: &str = "05113000";

fn lotse() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lotse"))
}

/// A free port on 127.0.0.1 (the node must keep its port across a restart).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Env {
    dir: PathBuf,
    node_port: u16,
    hub_port: u16,
    /// Items per page of the node's feeds.
    feed_page_size: u32,
}

impl Env {
    fn node_env(&self, cmd: &mut Command) {
        cmd.env("LOTSE_NODE__NODE_ID", NODE_ID)
            .env("LOTSE_NODE__LISTEN", format!("127.0.0.1:{}", self.node_port))
            .env("LOTSE_NODE__DATA_DIR", self.dir.join("node"))
            .env("LOTSE_NODE__RATE_LIMIT_PER_MINUTE", "0")
            .env("LOTSE_NODE__FEED_PAGE_SIZE", self.feed_page_size.to_string());
    }

    fn hub_env(&self, cmd: &mut Command) {
        cmd.env("LOTSE_HUB__LISTEN", format!("127.0.0.1:{}", self.hub_port))
            .env("LOTSE_HUB__DATA_DIR", self.dir.join("hub"))
            // The schedule never fires during the test: harvests are started explicitly.
            .env("LOTSE_HUB__HARVEST__SCHEDULE", "0 0 0 1 1 *")
            .env("LOTSE_HUB__HARVEST__RETRIES", "2")
            .env("LOTSE_HUB__HARVEST__BACKOFF_MS", "50")
            .env("LOTSE_HUB__RATE_LIMIT_PER_MINUTE", "0");
    }

    /// Runs a command to its end and returns its stdout; panics with stderr on failure.
    fn run(&self, args: &[&str], hub: bool) -> String {
        let mut cmd = lotse();
        cmd.args(args);
        if hub {
            self.hub_env(&mut cmd)
        } else {
            self.node_env(&mut cmd)
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "lotse {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    fn spawn(&self, role: &str, log: &str) -> Child {
        let mut cmd = lotse();
        cmd.arg(role);
        if role == "hub" {
            self.hub_env(&mut cmd)
        } else {
            self.node_env(&mut cmd)
        }
        let log = std::fs::File::create(self.dir.join(log)).unwrap();
        cmd.stdout(Stdio::null()).stderr(log).spawn().unwrap()
    }
}

fn http() -> &'static reqwest::blocking::Client {
    static CLIENT: std::sync::OnceLock<reqwest::blocking::Client> = std::sync::OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::blocking::Client::builder().no_proxy().timeout(Duration::from_secs(60)).build().unwrap()
    })
}

fn wait_until(secs: u64, what: &str, check: impl FnMut() -> bool) {
    assert!(wait_for(secs, check), "timed out waiting for: {what}");
}

/// Whether `check` held within `secs` seconds, polling.
fn wait_for(secs: u64, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !check() {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

fn healthy(port: u16) -> bool {
    http().get(format!("http://127.0.0.1:{port}/healthz")).send().is_ok_and(|r| r.status().is_success())
}

fn node_state(env: &Env, ops: &str) -> Value {
    let r = http()
        .get(format!("http://127.0.0.1:{}/api/v1/admin/nodes/{NODE_ID}", env.hub_port))
        .bearer_auth(ops)
        .send()
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    r.json().unwrap()
}

/// The hub's state of the node's feed of `kind`: for offers the node's own entry, for the
/// other kinds their entry in the node's health.
fn feed_state(env: &Env, ops: &str, kind: Kind) -> Value {
    if kind == Kind::Offer {
        let mut s = node_state(env, ops);
        s["records"] = s["offers"].clone();
        s["checkpoint_modified"] = s["checkpoint"]["modified"].clone();
        return s;
    }
    let r = http()
        .get(format!("http://127.0.0.1:{}/api/v1/admin/quality/nodes", env.hub_port))
        .bearer_auth(ops)
        .send()
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let health: Value = r.json().unwrap();
    let node = health.as_array().unwrap().iter().find(|n| n["node_id"] == NODE_ID).unwrap().clone();
    node["kinds"].as_array().unwrap().iter().find(|k| k["kind"] == kind.singular()).unwrap().clone()
}

fn records_at_hub(env: &Env, ops: &str, kind: Kind) -> i64 {
    feed_state(env, ops, kind)["records"].as_i64().unwrap()
}

/// A cheap lower bound of the records the hub holds, for polling during a harvest: for the
/// other kinds the search's total (the index follows the store), because the node's health,
/// which scores every record, takes longer than their whole harvest.
fn records_seen(env: &Env, ops: &str, kind: Kind) -> i64 {
    if kind == Kind::Offer {
        return records_at_hub(env, ops, kind);
    }
    let url = format!("http://127.0.0.1:{}/api/v1/search?kind={}&page_size=1", env.hub_port, kind.plural());
    let r = http().get(url).send().unwrap();
    // While the hub builds its index at start it answers 503.
    if r.status() == 503 {
        return 0;
    }
    let answer: Value = r.json().unwrap();
    answer["total"].as_i64().unwrap_or_else(|| panic!("a search without a total: {answer}"))
}

fn start_harvest(env: &Env, ops: &str) {
    let r = http()
        .post(format!("http://127.0.0.1:{}/api/v1/admin/nodes/{NODE_ID}/harvest", env.hub_port))
        .bearer_auth(ops)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
}

fn kill(child: &mut Child) {
    // `Child::kill` sends SIGKILL on Unix: no shutdown code runs.
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Pushes NDJSON records of `kind` to the node in chunks (the node's body limit is 32 MiB).
fn push(env: &Env, steward: &str, kind: Kind, ndjson: &str) {
    let lines: Vec<&str> = ndjson.lines().collect();
    for chunk in lines.chunks(5000) {
        let body = chunk.join("\n") + "\n";
        let r = http()
            .post(format!("http://127.0.0.1:{}/api/v1/{}", env.node_port, kind.plural()))
            .bearer_auth(steward)
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
            .unwrap();
        assert!(r.status().is_success(), "{}: {}", r.status(), r.text().unwrap_or_default());
    }
}

fn delete(env: &Env, steward: &str, kind: Kind, id: &str) {
    let r = http()
        .delete(format!("http://127.0.0.1:{}/api/v1/{}/{id}", env.node_port, kind.plural()))
        .bearer_auth(steward)
        .send()
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
}

async fn node_records(dir: &Path, kind: Kind) -> BTreeMap<String, Value> {
    let url = format!("sqlite://{}", dir.join("node/node.db").display());
    let store = lotse_node::store::open(&url, &lotse_node::store::StoreOptions::default()).await.unwrap();
    let mut out = BTreeMap::new();
    let mut after: Option<String> = None;
    loop {
        let rows = store.list(kind, after.as_deref(), 1000).await.unwrap();
        let Some(last) = rows.last() else { break };
        after = Some(last.id.clone());
        for r in rows {
            out.insert(r.id, serde_json::from_str(&r.data).unwrap());
        }
    }
    out
}

/// The node's live records of `kind` at the hub, the hub's last change number, and the number
/// of rows (live or tombstone) of the hub's feed of `kind`, asserting that each is there once.
async fn hub_records(dir: &Path, kind: Kind) -> (BTreeMap<String, Value>, i64, usize) {
    let url = format!("sqlite://{}", dir.join("hub/hub.db").display());
    let store = lotse_hub::store::open(&url, &lotse_hub::store::StoreOptions::default()).await.unwrap();
    let mut out = BTreeMap::new();
    let mut after: Option<String> = None;
    loop {
        let rows: Vec<(String, String)> = if kind == Kind::Offer {
            store
                .list_offers(NODE_ID, after.as_deref(), 1000)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.id, r.data))
                .collect()
        } else {
            let filter = lotse_hub::store::kinds::RecordFilter { node_id: Some(NODE_ID.into()), ags: None };
            let from = after.as_deref().map(|id| (NODE_ID, id));
            store
                .list_records(kind, &filter, from, 1000)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.id, r.data))
                .collect()
        };
        let Some(last) = rows.last() else { break };
        after = Some(last.0.clone());
        for (id, data) in rows {
            out.insert(id, serde_json::from_str(&data).unwrap());
        }
    }
    let mut feed_ids = std::collections::HashSet::new();
    let mut position = 0;
    loop {
        let rows = if kind == Kind::Offer {
            store.feed_page(position, 5000).await.unwrap()
        } else {
            store.record_feed_page(kind, position, 5000).await.unwrap()
        };
        let Some(last) = rows.last() else { break };
        position = last.modified;
        for r in rows {
            assert!(
                feed_ids.insert(format!("{}/{}", r.node_id, r.id)),
                "{}/{} twice in the hub's feed",
                r.node_id,
                r.id
            );
        }
    }
    (out, store.last_change().await.unwrap(), feed_ids.len())
}

#[test]
fn the_hub_and_the_node_killed_mid_harvest_lose_and_duplicate_no_offer() {
    killed_mid_harvest(Kind::Offer);
}

#[test]
fn the_hub_and_the_node_killed_mid_harvest_lose_and_duplicate_no_institution() {
    killed_mid_harvest(Kind::Organization);
}

fn killed_mid_harvest(kind: Kind) {
    let n: usize =
        std::env::var("LOTSE_RELIABILITY_OFFERS").ok().and_then(|v| v.parse().ok()).unwrap_or(50_000);
    assert!(n >= 1000, "LOTSE_RELIABILITY_OFFERS must be at least 1000");
    let dir = tempfile::tempdir().unwrap();
    // Institutions are harvested about twice as fast as offers; smaller pages keep the kills
    // in the middle of their harvest.
    let feed_page_size = if kind == Kind::Offer { 500 } else { 100 };
    let env =
        Env { dir: dir.path().to_owned(), node_port: free_port(), hub_port: free_port(), feed_page_size };

    // The node, with n records.
    let steward = env.run(&["node", "token", "create", "--name", "pflege"], false);
    let mut node = env.spawn("node", "node-1.log");
    wait_until(60, "the node answers", || healthy(env.node_port));
    let generated = env.run(
        &[
            "generate",
            "--kind",
            kind.singular(),
            "--count",
            &n.to_string(),
            "--seed",
            "5",
            "--node",
            NODE_ID,
            "--municipalities",
            ESSEN,
        ],
        false,
    );
    push(&env, &steward, kind, &generated);

    // The hub, with the node registered.
    let feed_url = format!("http://127.0.0.1:{}/feed/offers", env.node_port);
    env.run(
        &[
            "hub",
            "node",
            "add",
            "--id",
            NODE_ID,
            "--feed-url",
            &feed_url,
            "--name",
            "Stadt Essen",
            "--jurisdiction",
            ESSEN,
        ],
        true,
    );
    let ops = env.run(&["hub", "token", "create", "--role", "operator", "--name", "betrieb"], true);
    let mut hub = env.spawn("hub", "hub-1.log");
    wait_until(60, "the hub answers", || healthy(env.hub_port));

    // 1. SIGKILL the hub in the middle of the harvest.
    start_harvest(&env, &ops);
    let first_cut = (n / 5) as i64;
    wait_until(300, "a fifth harvested", || records_seen(&env, &ops, kind) >= first_cut);
    kill(&mut hub);

    // 2. Start it again: it resumes from its checkpoint. SIGKILL the node mid-harvest.
    let mut hub = env.spawn("hub", "hub-2.log");
    wait_until(60, "the hub answers again", || healthy(env.hub_port));
    let resumed_from = records_at_hub(&env, &ops, kind);
    assert!(resumed_from >= first_cut && (resumed_from as usize) < n, "{resumed_from}");
    start_harvest(&env, &ops);
    let second_cut = resumed_from + (n / 5) as i64;
    wait_until(300, "another fifth harvested", || records_seen(&env, &ops, kind) >= second_cut);
    kill(&mut node);
    let mut last = Value::Null;
    let recorded = wait_for(60, || {
        last = feed_state(&env, &ops, kind);
        last["last_error"].is_string() && node_state(&env, &ops)["harvesting"] == false
    });
    assert!(recorded, "timed out waiting for the hub to record the failed harvest: {last}");
    let state = node_state(&env, &ops);
    assert_eq!(state["state"], "active", "a node that does not answer is retried, not stopped");
    let feed = feed_state(&env, &ops, kind);
    assert!((feed["records"].as_i64().unwrap() as usize) < n);

    // 3. The node comes back; records change while the hub is down.
    let checkpoint = feed["checkpoint_modified"].as_i64().unwrap() as usize;
    kill(&mut hub);
    let mut node = env.spawn("node", "node-2.log");
    wait_until(60, "the node answers again", || healthy(env.node_port));
    let lines: Vec<&str> = generated.lines().collect();
    // The node numbered the records 1..=n in the order they were pushed, so record `i` is behind
    // the hub's checkpoint when `i < checkpoint`.
    let deleted: Vec<usize> = (0..n).step_by(n / 100).take(100).collect();
    let changed: Vec<usize> = (1..n).step_by(n / 100).take(100).collect();
    for line in deleted.iter().map(|&i| lines[i]) {
        let record: Value = serde_json::from_str(line).unwrap();
        delete(&env, &steward, kind, record["id"].as_str().unwrap());
    }
    let title = kind.title_member();
    let changed_ndjson: String = changed
        .iter()
        .map(|&i| lines[i])
        .map(|l| {
            let mut record: Value = serde_json::from_str(l).unwrap();
            record[title]["de"] =
                Value::from(format!("{} (geändert)", record[title]["de"].as_str().unwrap()));
            record.to_string() + "\n"
        })
        .collect();
    push(&env, &steward, kind, &changed_ndjson);

    // 4. A harvest to the end, as `lotse hub harvest` does it.
    let report = env.run(&["hub", "harvest", "--node", NODE_ID], true);
    assert!(report.starts_with("essen:"), "{report}");
    kill(&mut node);

    // 5. Exactly the node's records; one hub change number per change.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (expected, (held, last_change, feed_rows)) =
        rt.block_on(async { (node_records(&env.dir, kind).await, hub_records(&env.dir, kind).await) });
    assert_eq!(expected.len(), n - 100);
    assert_eq!(held.len(), expected.len(), "as many records at the hub as at the node");
    let stale: Vec<&String> =
        expected.iter().filter(|(id, data)| held.get(*id) != Some(data)).map(|(id, _)| id).collect();
    assert!(
        stale.is_empty(),
        "{} records missing or stale at the hub, e.g. {:?}",
        stale.len(),
        &stale[..stale.len().min(3)]
    );
    // One hub change number per change the hub saw, so nothing was stored twice: a creation
    // for every record it ever held, a tombstone for each deletion of a record it held, an
    // update for each change of a record it held. Records the hub had not reached yet were
    // deleted before it saw them, or it saw only their changed version. The node has records
    // of this kind only, so every change number of the hub is one of them.
    let seen = |i: &&usize| **i < checkpoint;
    let deleted_seen = deleted.iter().filter(seen).count();
    let changed_seen = changed.iter().filter(seen).count();
    let expected_changes = (n - (deleted.len() - deleted_seen)) + deleted_seen + changed_seen;
    assert_eq!(last_change as usize, expected_changes, "hub change numbers (checkpoint {checkpoint})");
    assert_eq!(feed_rows, n - (deleted.len() - deleted_seen), "one feed row per record the hub ever held");
}
