//! End to end with real nodes (`lotse_node::Node`, in-process on `127.0.0.1:0`, SQLite each)
//! and a real hub on the backend under test: stewards push to the nodes, the nodes ping, the
//! hub harvests, and the hub's content is compared with the nodes' own stores.

use std::collections::BTreeMap;

use lotse_http::Secret;
use lotse_http::config::ServiceConfig;
use lotse_hub::{Hub, HubConfig, HubHandle, NewNode, NodeUpdate, Role};
use lotse_node::{Node, NodeConfig, NodeStore};
use serde_json::Value;

use crate::backends;
use crate::common::{BOCHUM, DORTMUND, ESSEN, TestDb, eventually, hub_config, live_offers, offers};

/// A real node with a steward token, on its own SQLite database.
struct RealNode {
    node: Node,
    steward: String,
    _dir: tempfile::TempDir,
}

fn node_config(id: &str, dir: &std::path::Path, hub: Option<(&str, &str)>) -> NodeConfig {
    NodeConfig {
        node_id: id.into(),
        service: ServiceConfig {
            listen: "127.0.0.1:0".into(),
            database_url: Some(Secret::new(format!("sqlite://{}", dir.join("node.db").display()))),
            ..ServiceConfig::default()
        },
        hub_url: hub.map(|(url, _)| url.to_owned()),
        hub_token: hub.map(|(_, token)| Secret::new(token)),
        feed_page_size: 50,
        ..NodeConfig::default()
    }
}

impl RealNode {
    /// Starts a node; with `hub`, it pings that hub with the given token.
    async fn start(id: &str, hub: Option<(&str, &str)>) -> RealNode {
        let dir = tempfile::tempdir().unwrap();
        let node = Node::start(node_config(id, dir.path(), hub)).await.expect("node starts");
        let (token, _) =
            lotse_node::tokens::create(&*node.store(), "pflege", lotse_node::Role::Steward).await.unwrap();
        RealNode { node, steward: token.expose().to_owned(), _dir: dir }
    }

    fn feed_url(&self) -> String {
        format!("{}/feed/offers", self.node.url())
    }

    /// Pushes offers as NDJSON (atomic); every one must be accepted.
    async fn push(&self, offers: &[lotse_standard::Offer]) {
        let body: String = offers.iter().map(|o| serde_json::to_string(o).unwrap() + "\n").collect();
        let r = client()
            .post(format!("{}/api/v1/offers", self.node.url()))
            .bearer_auth(&self.steward)
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        assert!(status.is_success(), "{status}: {}", r.text().await.unwrap());
    }

    async fn delete(&self, id: &str) {
        let r = client()
            .delete(format!("{}/api/v1/offers/{id}", self.node.url()))
            .bearer_auth(&self.steward)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    }

    /// The node's live offers, from its own store.
    async fn live(&self) -> BTreeMap<String, Value> {
        node_live(self.node.store().as_ref()).await
    }
}

async fn node_live(store: &dyn NodeStore) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let mut after: Option<String> = None;
    loop {
        let rows = store.list(lotse_standard::rpde::Kind::Offer, after.as_deref(), 1000).await.unwrap();
        let Some(last) = rows.last() else { break };
        after = Some(last.id.clone());
        for r in rows {
            out.insert(r.id, serde_json::from_str(&r.data).unwrap());
        }
    }
    out
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn register(hub: &Hub, id: &str, feed_url: String, jurisdiction: &[&str]) -> String {
    let (_, token) = hub
        .add_node(NewNode {
            id: id.into(),
            name: id.into(),
            feed_url,
            jurisdiction: jurisdiction.iter().map(|s| (*s).to_owned()).collect(),
        })
        .await
        .unwrap();
    token.expose().to_owned()
}

/// Registers a node at the hub before it exists (its feed URL is only known once it runs), by
/// registering with a placeholder and correcting the URL afterwards.
async fn pinging_node(hub: &HubHandle, id: &str, jurisdiction: &[&str]) -> RealNode {
    let token = register(hub.hub(), id, "http://127.0.0.1:9/feed/offers".into(), jurisdiction).await;
    let hub_url = hub.url();
    let node = RealNode::start(id, Some((&hub_url, &token))).await;
    hub.hub()
        .update_node(id, NodeUpdate { feed_url: Some(node.feed_url()), ..NodeUpdate::default() })
        .await
        .unwrap();
    node
}

async fn hub_matches(hub: &HubHandle, id: &str, expected: &BTreeMap<String, Value>) -> bool {
    live_offers(hub.hub().store().as_ref(), id).await == *expected
}

backends!(
    two_real_nodes_end_to_end,
    a_real_node_restarting_mid_harvest,
    how_far_the_hub_is_behind_a_real_node
);

async fn two_real_nodes_end_to_end(db: TestDb) {
    let hub = Hub::start(hub_config(&db)).await.unwrap();
    let essen = pinging_node(&hub, "essen", &[ESSEN]).await;
    let bochum = pinging_node(&hub, "bochum", &[BOCHUM]).await;

    // Ping-triggered harvests.
    let essen_offers = offers("essen", &[ESSEN], 40, 0, 120);
    essen.push(&essen_offers).await;
    bochum.push(&offers("bochum", &[BOCHUM], 41, 0, 30)).await;
    let expected_essen = essen.live().await;
    let expected_bochum = bochum.live().await;
    assert_eq!(expected_essen.len(), 120);
    eventually(20, "both nodes harvested after their pings", || {
        let (hub, e, b) = (&hub, &expected_essen, &expected_bochum);
        async move { hub_matches(hub, "essen", e).await && hub_matches(hub, "bochum", b).await }
    })
    .await;

    // Deletion and change travel by ping too.
    essen.delete(&essen_offers[0].id).await;
    let mut changed = essen_offers[1].clone();
    changed.title.insert("de".into(), "Sprachcafé am Mittwoch".into());
    essen.push(&[changed]).await;
    let expected_essen = essen.live().await;
    assert_eq!(expected_essen.len(), 119);
    eventually(20, "the deletion and the change at the hub", || {
        let (hub, e) = (&hub, &expected_essen);
        async move { hub_matches(hub, "essen", e).await }
    })
    .await;

    // Jurisdiction: the Essen node publishes an offer in Dortmund; the node accepts it, the
    // hub quarantines it.
    let stray = offers("essen", &[DORTMUND], 42, 500, 1);
    essen.push(&stray).await;
    let store = hub.hub().store().clone();
    eventually(20, "the stray offer in quarantine", || {
        let store = store.clone();
        let id = stray[0].id.clone();
        async move {
            store.list_quarantine(Some("essen"), None, 10).await.unwrap().iter().any(|q| q.id == id)
        }
    })
    .await;
    assert!(store.get_offer("essen", &stray[0].id).await.unwrap().is_none());

    // Scheduled harvest: a node that does not ping is harvested by `run_once`; its offers
    // carry the version it validated with, here an older one, set in its store.
    let quiet_dir = tempfile::tempdir().unwrap();
    let quiet = Node::start(node_config("dortmund", quiet_dir.path(), None)).await.unwrap();
    let (steward, _) =
        lotse_node::tokens::create(&*quiet.store(), "pflege", lotse_node::Role::Steward).await.unwrap();
    let quiet = RealNode { node: quiet, steward: steward.expose().to_owned(), _dir: quiet_dir };
    quiet.push(&offers("dortmund", &[DORTMUND], 43, 0, 8)).await;
    let sqlite =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", quiet._dir.path().join("node.db").display()))
            .await
            .unwrap();
    sqlx::query("UPDATE offers SET standard_version = '0.9.0'").execute(&sqlite).await.unwrap();
    sqlite.close().await;
    register(hub.hub(), "dortmund", quiet.feed_url(), &[DORTMUND]).await;
    let results = hub.hub().run_once().await.unwrap();
    assert_eq!(results.len(), 3);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert!(hub_matches(&hub, "dortmund", &quiet.live().await).await);
    let d = hub.hub().get_node("dortmund").await.unwrap();
    assert_eq!(d.standard_version.as_deref(), Some("0.9.0"));
    let one = store.get_offer("dortmund", "dortmund-0000000").await.unwrap().unwrap();
    assert_eq!(one.standard_version.as_deref(), Some("0.9.0"));

    // Hub of hubs: a state hub harvests this hub and holds exactly its offers.
    let state_db = TestDb::new(crate::common::Backend::Sqlite).await.unwrap();
    let state = Hub::start(hub_config(&state_db)).await.unwrap();
    register(state.hub(), "ruhr", format!("{}/feed/offers", hub.url()), &["05"]).await;
    state.harvest_now("ruhr").await.unwrap();
    let mut lower = BTreeMap::new();
    for node in ["bochum", "dortmund", "essen"] {
        for (id, data) in live_offers(store.as_ref(), node).await {
            lower.insert(format!("{node}/{id}"), data);
        }
    }
    assert_eq!(live_offers(state.hub().store().as_ref(), "ruhr").await, lower);
    let ops = state.hub().create_token("land", Role::Operator).await.unwrap().1;
    let nodes: Value = client()
        .get(format!("{}/api/v1/admin/nodes", state.url()))
        .bearer_auth(ops.expose())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The region's feed carries each offer's original version; the last one harvested was a
    // current one or the Dortmund node's older one, either way it is reported.
    assert!(nodes[0]["standard_version"].is_string());

    state.shutdown().await;
    for n in [essen, bochum, quiet] {
        n.node.shutdown().await.unwrap();
    }
    hub.shutdown().await;
}

async fn a_real_node_restarting_mid_harvest(db: TestDb) {
    let hub = Hub::start(hub_config(&db)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let node = Node::start(node_config("essen", dir.path(), None)).await.unwrap();
    let (steward, _) =
        lotse_node::tokens::create(&*node.store(), "pflege", lotse_node::Role::Steward).await.unwrap();
    let first = RealNode { node, steward: steward.expose().to_owned(), _dir: dir };
    first.push(&offers("essen", &[ESSEN], 44, 0, 1500)).await;
    let expected = first.live().await;
    register(hub.hub(), "essen", first.feed_url(), &[ESSEN]).await;

    // The node goes away while the hub is harvesting its 30 pages.
    let harvest = {
        let hub = hub.hub().clone();
        tokio::spawn(async move { hub.harvest_now("essen").await })
    };
    let store = hub.hub().store().clone();
    eventually(30, "a few pages stored", || {
        let store = store.clone();
        async move { store.node_counts().await.unwrap().get("essen").is_some_and(|c| c.offers >= 200) }
    })
    .await;
    let RealNode { node, steward, _dir } = first;
    node.shutdown().await.unwrap();
    let result = harvest.await.unwrap();
    let held = live_offers(store.as_ref(), "essen").await;
    if let Err(e) = &result {
        // Interrupted: what is held is a prefix of the node's offers, each as the node has it.
        assert!(held.len() < 1500, "{e}");
    }
    assert!(held.iter().all(|(id, data)| expected.get(id) == Some(data)));

    // The node comes back (same database, new address) with a change; the hub resumes.
    let node = Node::start(node_config("essen", _dir.path(), None)).await.unwrap();
    let second = RealNode { node, steward, _dir };
    second.delete("essen-0000007").await;
    hub.hub()
        .update_node("essen", NodeUpdate { feed_url: Some(second.feed_url()), ..NodeUpdate::default() })
        .await
        .unwrap();
    let report = hub.harvest_now("essen").await.unwrap();
    let expected = second.live().await;
    assert_eq!(expected.len(), 1499);
    assert!(hub_matches(&hub, "essen", &expected).await);
    // Nothing was created twice: created over both harvests equals what is held plus the one
    // deleted.
    let metrics = hub.hub().metrics().registry.render();
    let created: u64 = metrics
        .lines()
        .find(|l| l.starts_with("lotse_hub_harvested_items_total{node=\"essen\",outcome=\"created\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert_eq!(created, 1500, "{report:?}");
    second.node.shutdown().await.unwrap();
    hub.shutdown().await;
}

/// How far the hub is behind, from the head the node's pings report. The node pings a replica
/// that does not harvest (`scheduler = false`), so the change waits; a harvesting replica on the
/// same database then catches up.
async fn how_far_the_hub_is_behind_a_real_node(db: TestDb) {
    let serving = Hub::start(HubConfig { scheduler: false, ..hub_config(&db) }).await.unwrap();
    let harvesting = Hub::start(hub_config(&db)).await.unwrap();
    let node = pinging_node(&serving, "essen", &[ESSEN]).await;
    let ops = serving.hub().create_token("betrieb", Role::Operator).await.unwrap().1.expose().to_owned();
    let http = client();
    let health = || {
        let (http, ops, url) =
            (http.clone(), ops.clone(), format!("{}/api/v1/admin/quality/nodes", serving.url()));
        async move {
            let nodes: Vec<Value> =
                http.get(url).bearer_auth(ops).send().await.unwrap().json().await.unwrap();
            nodes.into_iter().find(|n| n["node_id"] == "essen").expect("essen in the health list")
        }
    };
    let h = health().await;
    assert_eq!((h["behind_changes"].as_i64(), h["behind_seconds"].as_i64()), (Some(0), Some(0)));
    assert!(h["reported_head"].is_null() && h["last_success_duration_ms"].is_null(), "{h}");

    // A push: the node pings with its newest change number, nobody harvests.
    node.push(&offers("essen", &[ESSEN], 45, 0, 3)).await;
    let head = node.node.store().last_change().await.unwrap();
    assert_eq!(head, 3);
    eventually(10, "the reported head at the hub", || {
        let health = &health;
        async move { health().await["reported_head"] == head }
    })
    .await;
    eventually(5, "a second behind", || {
        let health = &health;
        async move { health().await["behind_seconds"].as_i64() >= Some(1) }
    })
    .await;
    let h = health().await;
    assert_eq!(h["behind_changes"], 3, "{h}");
    assert!(h["checkpoint_modified"].is_null(), "{h}");
    assert!(h["behind_since"].as_i64().is_some(), "{h}");
    // Within the thresholds: no rule holds yet.
    assert_eq!(h["state"], "ok", "{h}");
    assert!(live_offers(serving.hub().store().as_ref(), "essen").await.is_empty());
    lotse_hub::ops::health::run_once(serving.hub()).await.unwrap();
    let metrics = serving.hub().metrics().registry.render();
    assert!(metrics.contains("lotse_hub_node_behind_changes{node=\"essen\"} 3"), "{metrics}");
    assert!(!metrics.contains("lotse_hub_node_behind_seconds{node=\"essen\"} 0\n"), "{metrics}");

    // The harvesting replica catches up.
    let started = std::time::Instant::now();
    let report = harvesting.harvest_now("essen").await.unwrap();
    let took = started.elapsed().as_millis() as i64;
    assert_eq!(report.outcome.created, 3);
    let h = health().await;
    assert_eq!(
        (h["behind_changes"].as_i64(), h["behind_seconds"].as_i64(), h["checkpoint_modified"].as_i64()),
        (Some(0), Some(0), Some(head)),
        "{h}"
    );
    assert!(h["behind_since"].is_null(), "{h}");
    let ms = h["last_success_duration_ms"].as_i64().expect("duration recorded");
    assert_eq!(ms, report.duration_ms as i64);
    assert!((0..=took).contains(&ms), "{ms} ms recorded, the call took {took} ms");
    let csv = http
        .get(format!("{}/api/v1/admin/quality/nodes.csv", serving.url()))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| {
        row[header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("{name} in {header:?}"))]
    };
    assert_eq!((column("behind_changes"), column("behind_seconds")), ("0", "0"));
    assert_eq!(column("last_success_duration_ms"), ms.to_string());
    lotse_hub::ops::health::run_once(serving.hub()).await.unwrap();
    let metrics = serving.hub().metrics().registry.render();
    assert!(metrics.contains("lotse_hub_node_behind_changes{node=\"essen\"} 0"), "{metrics}");
    assert!(metrics.contains("lotse_hub_node_behind_seconds{node=\"essen\"} 0"), "{metrics}");
    assert!(metrics.contains("lotse_hub_node_last_success_duration_seconds{node=\"essen\"}"), "{metrics}");

    // The next change makes the hub behind again, counted from its own ping.
    let caught_up_at =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    node.delete("essen-0000001").await;
    let head = node.node.store().last_change().await.unwrap();
    assert_eq!(head, 4);
    eventually(10, "the new head at the hub", || {
        let health = &health;
        async move { health().await["reported_head"] == head }
    })
    .await;
    let h = health().await;
    assert_eq!(h["behind_changes"], 1, "{h}");
    assert!(h["behind_since"].as_i64().unwrap() >= caught_up_at, "{h}");
    harvesting.harvest_now("essen").await.unwrap();
    let h = health().await;
    assert_eq!((h["behind_changes"].as_i64(), h["checkpoint_modified"].as_i64()), (Some(0), Some(4)), "{h}");

    node.node.shutdown().await.unwrap();
    serving.shutdown().await;
    harvesting.shutdown().await;
}
