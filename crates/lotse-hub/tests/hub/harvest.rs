//! Harvest tests with a real hub on `127.0.0.1:0` and fake nodes: pings, the schedule,
//! deletion, jurisdiction and quarantine, older standard versions, interrupted harvests,
//! stopped feeds, hub-of-hubs, and the hub's own feed under concurrent harvests.

use std::collections::BTreeMap;

use lotse_hub::{HarvestError, HarvestStatus, Hub, HubHandle, NewNode, NodeState, Role};
use serde_json::{Value, json};

use crate::backends;
use crate::common::fake_node::{FakeNode, Fault};
use crate::common::{BOCHUM, DORTMUND, ESSEN, TestDb, eventually, hub_config, live_offers, offers};

async fn start_hub(db: &TestDb) -> HubHandle {
    Hub::start(hub_config(db)).await.expect("hub starts")
}

/// Registers a fake node and returns its hub token.
async fn register(hub: &Hub, id: &str, node: &FakeNode, jurisdiction: &[&str]) -> String {
    let (_, token) = hub
        .add_node(NewNode {
            id: id.into(),
            name: format!("Knoten {id}"),
            feed_url: node.feed_url(),
            jurisdiction: jurisdiction.iter().map(|s| (*s).to_owned()).collect(),
        })
        .await
        .expect("node registered");
    token.expose().to_owned()
}

async fn operator_token(hub: &Hub) -> String {
    hub.create_token("betrieb", Role::Operator).await.unwrap().1.expose().to_owned()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

backends!(
    ping_triggers_a_harvest,
    scheduled_harvest_covers_every_active_node,
    deletions_reach_the_hub,
    jurisdiction_rejects_into_quarantine_until_a_valid_version_arrives,
    a_node_on_an_older_standard,
    an_interrupted_harvest_resumes_without_loss_or_duplicates,
    a_connection_dropped_mid_page_is_retried,
    a_gone_feed_stops_the_node,
    hub_of_hubs,
    the_hub_feed_skips_nothing_under_concurrent_harvests,
);

async fn ping_triggers_a_harvest(db: TestDb) {
    let hub = start_hub(&db).await;
    let node = FakeNode::start(10).await;
    node.put_all(&offers("essen", &[ESSEN], 1, 0, 35));
    let token = register(hub.hub(), "essen", &node, &[ESSEN]).await;
    let other = FakeNode::start(10).await;
    let other_token = register(hub.hub(), "bochum", &other, &[BOCHUM]).await;
    let url = format!("{}/api/v1/nodes/essen/ping", hub.url());
    let http = client();

    let r = http.post(&url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = http.post(&url).bearer_auth(&other_token).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(node.requests(), 0, "no harvest without the node's own token");
    // A body, when there is one, is a JSON object with a change number of at least 0.
    for bad in ["kein JSON", "[1]", r#"{"modified": -1}"#, r#"{"modified": "36"}"#] {
        let r = http.post(&url).bearer_auth(&token).body(bad).send().await.unwrap();
        assert_eq!(r.status(), 400, "{bad}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    assert_eq!(node.requests(), 0, "a refused ping starts no harvest");

    let r = http.post(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 202);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body, json!({"status": "accepted", "harvesting": true}));
    let store = hub.hub().store().clone();
    eventually(10, "35 offers at the hub", || {
        let store = store.clone();
        async move { live_offers(store.as_ref(), "essen").await.len() == 35 }
    })
    .await;
    assert_eq!(live_offers(store.as_ref(), "essen").await, node.live());
    eventually(5, "the first harvest to finish", || async { !hub.hub().harvester().is_running("essen") })
        .await;

    // A change at the node and a ping: the hub follows from its checkpoint.
    let mut changed = offers("essen", &[ESSEN], 1, 3, 1).remove(0);
    changed.title.insert("de".into(), "Neuer Titel".into());
    node.put(&changed);
    let requests = node.requests();
    // This time with the node's newest change number (and a field this hub does not know).
    let r = http
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(r#"{"modified": 36, "later": true}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    eventually(10, "the changed title at the hub", || {
        let store = store.clone();
        async move {
            store
                .get_offer("essen", "essen-0000003")
                .await
                .unwrap()
                .is_some_and(|o| o.data.contains("Neuer Titel"))
        }
    })
    .await;
    // One page with the change and the empty last page.
    eventually(5, "the harvest to finish", || async { !hub.hub().harvester().is_running("essen") }).await;
    assert_eq!(node.requests() - requests, 2);
    let info = hub.hub().get_node("essen").await.unwrap();
    assert_eq!(info.checkpoint.unwrap().modified, 36);
    assert!(info.last_success_at.is_some());
    assert_eq!((info.reported_head, info.behind_since), (Some(36), None));
    assert!(info.last_success_duration_ms.is_some());

    // A head the feed does not reach (a node restored from an older backup, say): the
    // harvest the ping starts reads the feed to its end after the report, so the hub counts
    // itself caught up, with the head where the feed ends.
    let r = http.post(&url).bearer_auth(&token).body(r#"{"modified": 99}"#).send().await.unwrap();
    assert_eq!(r.status(), 202);
    eventually(5, "the harvest to finish", || async { !hub.hub().harvester().is_running("essen") }).await;
    let info = hub.hub().get_node("essen").await.unwrap();
    assert_eq!((info.reported_head, info.behind_since), (Some(36), None));
    hub.shutdown().await;
}

async fn scheduled_harvest_covers_every_active_node(db: TestDb) {
    let hub = start_hub(&db).await;
    let essen = FakeNode::start(20).await;
    essen.put_all(&offers("essen", &[ESSEN], 2, 0, 45));
    let bochum = FakeNode::start(7).await;
    bochum.put_all(&offers("bochum", &[BOCHUM], 3, 0, 12));
    register(hub.hub(), "essen", &essen, &[ESSEN]).await;
    register(hub.hub(), "bochum", &bochum, &[BOCHUM]).await;

    let results = hub.hub().run_once().await.unwrap();
    assert_eq!(results.len(), 2);
    let mut created: Vec<(String, u64, u64)> = results
        .into_iter()
        .map(|r| r.unwrap())
        .map(|r| (r.node_id.clone(), r.outcome.created, r.pages))
        .collect();
    created.sort();
    assert_eq!(created, [("bochum".to_owned(), 12, 2), ("essen".to_owned(), 45, 3)]);
    let store = hub.hub().store();
    assert_eq!(live_offers(store.as_ref(), "essen").await, essen.live());
    assert_eq!(live_offers(store.as_ref(), "bochum").await, bochum.live());

    // Nothing new: a second run reads one empty page per node and changes nothing.
    let before = store.last_change().await.unwrap();
    let again = hub.hub().run_once().await.unwrap();
    assert!(again.iter().all(|r| r.as_ref().unwrap().pages == 0));
    assert_eq!(store.last_change().await.unwrap(), before);

    // Requests that arrive during a harvest coalesce into one more harvest after it.
    let (a, b, c) = tokio::join!(
        hub.hub().harvest_now("essen"),
        hub.hub().harvest_now("essen"),
        hub.hub().harvest_now("essen")
    );
    for r in [a, b, c] {
        assert_eq!(r.unwrap().status, HarvestStatus::Completed);
    }
    assert!(matches!(hub.hub().harvest_now("nope").await, Err(HarvestError::UnknownNode(_))));
    hub.shutdown().await;
}

async fn deletions_reach_the_hub(db: TestDb) {
    let hub = start_hub(&db).await;
    let node = FakeNode::start(10).await;
    let generated = offers("essen", &[ESSEN], 4, 0, 25);
    node.put_all(&generated);
    register(hub.hub(), "essen", &node, &[ESSEN]).await;
    hub.harvest_now("essen").await.unwrap();
    for o in &generated[..5] {
        node.delete(&o.id);
    }
    let report = hub.harvest_now("essen").await.unwrap();
    assert_eq!(report.outcome.deleted, 5);
    let store = hub.hub().store();
    let live = live_offers(store.as_ref(), "essen").await;
    assert_eq!(live.len(), 20);
    assert_eq!(live, node.live());
    assert!(store.get_offer("essen", &generated[0].id).await.unwrap().is_none());
    let r =
        client().get(format!("{}/api/v1/offers/essen/{}", hub.url(), generated[0].id)).send().await.unwrap();
    assert_eq!(r.status(), 404);
    // The hub's feed carries the tombstones at its end.
    let feed: Value =
        client().get(format!("{}/feed/offers", hub.url())).send().await.unwrap().json().await.unwrap();
    let items = feed["items"].as_array().unwrap();
    assert_eq!(items.len(), 25);
    let tombstones: Vec<&Value> = items.iter().filter(|i| i["state"] == "deleted").collect();
    assert_eq!(tombstones.len(), 5);
    assert!(tombstones.iter().all(|t| t.get("data").is_none()));
    assert_eq!(tombstones[0]["id"], format!("essen/{}", generated[0].id));
    hub.shutdown().await;
}

async fn jurisdiction_rejects_into_quarantine_until_a_valid_version_arrives(db: TestDb) {
    let hub = start_hub(&db).await;
    let node = FakeNode::start(10).await;
    let inside = offers("essen", &[ESSEN], 5, 0, 10);
    // Same ids as offers 10..13 of the node, but located in Dortmund.
    let outside = offers("essen", &[DORTMUND], 6, 10, 3);
    node.put_all(&inside);
    node.put_all(&outside);
    register(hub.hub(), "essen", &node, &[ESSEN]).await;
    let report = hub.harvest_now("essen").await.unwrap();
    assert_eq!((report.outcome.created, report.outcome.quarantined), (10, 3));
    let store = hub.hub().store();
    assert_eq!(live_offers(store.as_ref(), "essen").await.len(), 10);

    let ops = operator_token(hub.hub()).await;
    let http = client();
    let r = http.get(format!("{}/api/v1/admin/quarantine", hub.url())).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let q: Value = http
        .get(format!("{}/api/v1/admin/quarantine", hub.url()))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = q["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["reason"], "jurisdiction");
    assert_eq!(items[0]["findings"][0]["code"], "outside_jurisdiction");
    let pointer = items[0]["findings"][0]["pointer"].as_str().unwrap();
    assert!(pointer.starts_with("/locations/") || pointer.starts_with("/service_area/"), "{pointer}");
    assert!(items[0]["findings"][0]["message"]["de"].as_str().unwrap().contains(DORTMUND));
    assert_eq!(items[0]["data"]["id"], outside[0].id);
    assert!(q["next_after"].is_null());
    // Paged, one at a time.
    let first: Value = http
        .get(format!("{}/api/v1/admin/quarantine?limit=1", hub.url()))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first["next_after"], format!("essen/{}", outside[0].id));

    // A later valid version of a quarantined offer replaces the entry.
    let mut fixed = inside[0].clone();
    fixed.id = outside[0].id.clone();
    node.put(&fixed);
    // An invalid new version of a live offer removes it and is quarantined.
    let mut broken = serde_json::to_value(&inside[1]).unwrap();
    broken["offer_type"] = json!("zaubertrank");
    node.put_value(&inside[1].id, broken);
    // A tombstone removes a quarantine entry.
    node.delete(&outside[1].id);
    let report = hub.harvest_now("essen").await.unwrap();
    assert_eq!((report.outcome.created, report.outcome.quarantined, report.outcome.deleted), (1, 1, 1));
    assert_eq!(
        live_offers(store.as_ref(), "essen").await,
        node.live()
            .into_iter()
            .filter(|(id, _)| *id != inside[1].id && *id != outside[2].id)
            .collect::<BTreeMap<_, _>>()
    );

    let entries = store.list_quarantine(Some("essen"), None, 10).await.unwrap();
    let mut ids: Vec<(&str, &str)> = entries.iter().map(|e| (e.id.as_str(), e.reason.as_str())).collect();
    ids.sort();
    let mut expected = vec![(inside[1].id.as_str(), "invalid"), (outside[2].id.as_str(), "jurisdiction")];
    expected.sort();
    assert_eq!(ids, expected);
    // The node sees its own quarantine with its token.
    let node_token = hub.hub().rotate_node_token("essen").await.unwrap();
    let own: Value = http
        .get(format!("{}/api/v1/nodes/essen/quarantine", hub.url()))
        .bearer_auth(node_token.expose())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(own["items"].as_array().unwrap().len(), 2);
    let invalid = own["items"].as_array().unwrap().iter().find(|e| e["reason"] == "invalid").unwrap();
    assert!(invalid["findings"].as_array().unwrap().iter().any(|f| f["code"] == "unknown_code"));

    // A wider jurisdiction lets the next version in.
    hub.hub().set_jurisdiction("essen", vec![ESSEN.into(), DORTMUND.into()]).await.unwrap();
    node.put(&outside[2]);
    hub.harvest_now("essen").await.unwrap();
    assert!(store.get_offer("essen", &outside[2].id).await.unwrap().is_some());
    hub.shutdown().await;
}

async fn a_node_on_an_older_standard(db: TestDb) {
    let hub = start_hub(&db).await;
    let node = FakeNode::start(10).await;
    node.set_standard_version(Some("0.9.0"));
    let generated = offers("essen", &[ESSEN], 7, 0, 4);
    node.put_all(&generated);
    // Valid under the node's older rules, perhaps, but not under the hub's: an unknown field.
    let mut legacy = serde_json::to_value(&generated[3]).unwrap();
    legacy["traeger_nummer"] = json!("A-17");
    node.put_value(&generated[3].id, legacy);
    register(hub.hub(), "essen", &node, &[ESSEN]).await;
    let report = hub.harvest_now("essen").await.unwrap();
    assert_eq!((report.outcome.created, report.outcome.quarantined), (3, 1));

    let http = client();
    let offer: Value = http
        .get(format!("{}/api/v1/offers/essen/{}", hub.url(), generated[0].id))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(offer["provenance"]["standard_version"], "0.9.0");
    assert_eq!(offer["provenance"]["standard_outdated"], true);
    assert_eq!(offer["provenance"]["node_id"], "essen");
    assert_eq!(offer["provenance"]["node_name"], "Knoten essen");
    assert_eq!(offer["id"], format!("essen/{}", generated[0].id));
    assert_eq!(offer["offer"]["id"], generated[0].id);
    assert_eq!(offer["placements"].as_array().unwrap().len(), generated[0].locations.len());

    let ops = operator_token(hub.hub()).await;
    let nodes: Value = http
        .get(format!("{}/api/v1/admin/nodes", hub.url()))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(nodes[0]["standard_version"], "0.9.0");
    assert_eq!(nodes[0]["standard_outdated"], true);
    assert_eq!(nodes[0]["offers"], 3);
    assert_eq!(nodes[0]["quarantined"], 1);
    let q = hub.hub().store().list_quarantine(Some("essen"), None, 10).await.unwrap();
    assert_eq!(q[0].standard_version.as_deref(), Some("0.9.0"));
    assert!(q[0].findings.contains("unknown_field"), "{}", q[0].findings);

    // The node upgrades: the same offers under the current version are changes.
    node.set_standard_version(Some(lotse_standard::STANDARD_VERSION));
    node.put(&generated[0]);
    hub.harvest_now("essen").await.unwrap();
    let n = hub.hub().get_node("essen").await.unwrap();
    assert_eq!(n.standard_version.as_deref(), Some(lotse_standard::STANDARD_VERSION));
    let o = hub.hub().store().get_offer("essen", &generated[0].id).await.unwrap().unwrap();
    assert_eq!(o.standard_version.as_deref(), Some(lotse_standard::STANDARD_VERSION));
    hub.shutdown().await;
}

async fn an_interrupted_harvest_resumes_without_loss_or_duplicates(db: TestDb) {
    let hub = start_hub(&db).await;
    let node = FakeNode::start(10).await;
    node.put_all(&offers("essen", &[ESSEN], 8, 0, 95));
    register(hub.hub(), "essen", &node, &[ESSEN]).await;
    // Three pages, then the node fails for longer than the retries last.
    node.fail_after(3, Fault::ServerError);
    let err = hub.harvest_now("essen").await.unwrap_err();
    assert!(matches!(err, HarvestError::Fetch(_)), "{err:?}");
    assert_eq!(node.failures(), 3, "the first try and two retries");
    let store = hub.hub().store();
    assert_eq!(live_offers(store.as_ref(), "essen").await.len(), 30);
    let info = hub.hub().get_node("essen").await.unwrap();
    assert_eq!(info.checkpoint.as_ref().unwrap().modified, 30);
    assert_eq!(info.consecutive_failures, 1);
    assert!(info.last_error.unwrap().contains("500"));
    assert_eq!(info.state, NodeState::Active);

    // Changes while the node is down, within what was already harvested and beyond.
    node.delete("essen-0000002");
    node.put(&offers("essen", &[ESSEN], 9, 40, 1)[0]);
    node.recover();
    let report = hub.harvest_now("essen").await.unwrap();
    assert_eq!(report.outcome.created, 65);
    assert_eq!(report.outcome.deleted, 1);
    let live = live_offers(store.as_ref(), "essen").await;
    assert_eq!(live.len(), 94);
    assert_eq!(live, node.live());
    // Every offer was created exactly once over both harvests: 30 + 65 = 95.
    let metrics = hub.hub().metrics().registry.render();
    assert!(
        metrics.contains("lotse_hub_harvested_items_total{node=\"essen\",outcome=\"created\"} 95"),
        "{metrics}"
    );
    let info = hub.hub().get_node("essen").await.unwrap();
    assert_eq!(info.consecutive_failures, 0);
    // The 64 items left after the checkpoint, the tombstone and the moved offer.
    assert_eq!(info.items_harvested, 30 + 66);

    // A short failure inside the retries does not fail the harvest.
    node.put(&offers("essen", &[ESSEN], 10, 100, 1)[0]);
    node.fail_briefly(2);
    let failures = node.failures();
    let report = hub.harvest_now("essen").await.unwrap();
    assert_eq!(node.failures(), failures + 2);
    assert_eq!(report.outcome.created, 1);
    assert_eq!(live_offers(store.as_ref(), "essen").await, node.live());
    hub.shutdown().await;
}

async fn a_connection_dropped_mid_page_is_retried(db: TestDb) {
    let hub = start_hub(&db).await;
    let node = FakeNode::start(10).await;
    node.put_all(&offers("essen", &[ESSEN], 11, 0, 42));
    register(hub.hub(), "essen", &node, &[ESSEN]).await;
    node.fail_after(2, Fault::DropMidPage);
    let err = hub.harvest_now("essen").await.unwrap_err();
    assert!(matches!(err, HarvestError::Fetch(_)), "{err:?}");
    let store = hub.hub().store();
    assert_eq!(live_offers(store.as_ref(), "essen").await.len(), 20);
    node.recover();
    let report = hub.harvest_now("essen").await.unwrap();
    assert_eq!(report.outcome.created, 22);
    assert_eq!(live_offers(store.as_ref(), "essen").await, node.live());
    hub.shutdown().await;
}

async fn a_gone_feed_stops_the_node(db: TestDb) {
    let hub = start_hub(&db).await;
    let node = FakeNode::start(10).await;
    node.put_all(&offers("essen", &[ESSEN], 12, 0, 5));
    let token = register(hub.hub(), "essen", &node, &[ESSEN]).await;
    node.fail_after(0, Fault::Gone(410));
    let err = hub.harvest_now("essen").await.unwrap_err();
    assert_eq!(err, HarvestError::Fetch(lotse_hub::harvest::client::FetchError::Gone(410)));
    assert_eq!(node.requests(), 1, "a gone feed is not retried");
    let ops = operator_token(hub.hub()).await;
    let http = client();
    let nodes: Value = http
        .get(format!("{}/api/v1/admin/nodes", hub.url()))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(nodes[0]["state"], "stopped");
    assert!(nodes[0]["state_reason"].as_str().unwrap().contains("410"));
    // The schedule leaves a stopped node alone.
    assert!(hub.hub().run_once().await.unwrap().is_empty());
    assert_eq!(node.requests(), 1);
    // The node is back and pings: harvested, and active again.
    node.recover();
    let r =
        http.post(format!("{}/api/v1/nodes/essen/ping", hub.url())).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 202);
    let store = hub.hub().store().clone();
    eventually(10, "the node active again", || {
        let hub = hub.hub().clone();
        async move { hub.get_node("essen").await.unwrap().state == NodeState::Active }
    })
    .await;
    assert_eq!(live_offers(store.as_ref(), "essen").await.len(), 5);
    hub.shutdown().await;
}

async fn hub_of_hubs(db: TestDb) {
    let region = start_hub(&db).await;
    let essen = FakeNode::start(10).await;
    let essen_offers = offers("essen", &[ESSEN], 13, 0, 23);
    essen.put_all(&essen_offers);
    let bochum = FakeNode::start(10).await;
    bochum.put_all(&offers("bochum", &[BOCHUM], 14, 0, 17));
    register(region.hub(), "essen", &essen, &[ESSEN]).await;
    register(region.hub(), "bochum", &bochum, &[BOCHUM]).await;
    region.hub().run_once().await.unwrap().into_iter().for_each(|r| assert!(r.is_ok(), "{r:?}"));

    // The state hub has its own database (SQLite, next to the region's).
    let state_db = TestDb::new(crate::common::Backend::Sqlite).await.unwrap();
    let state = start_hub(&state_db).await;
    state
        .hub()
        .add_node(NewNode {
            id: "ruhr".into(),
            name: "Bildungschancen Ruhr".into(),
            feed_url: format!("{}/feed/offers", region.url()),
            jurisdiction: vec!["05".into()],
        })
        .await
        .unwrap();
    let report = state.harvest_now("ruhr").await.unwrap();
    assert_eq!(report.outcome.created, 40);
    assert_eq!(report.outcome.quarantined, 0);
    let upper = live_offers(state.hub().store().as_ref(), "ruhr").await;
    let mut lower = BTreeMap::new();
    for node in ["bochum", "essen"] {
        for (id, data) in live_offers(region.hub().store().as_ref(), node).await {
            lower.insert(format!("{node}/{id}"), data);
        }
    }
    assert_eq!(upper, lower);
    let o = state
        .hub()
        .store()
        .get_offer("ruhr", &format!("essen/{}", essen_offers[0].id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(o.standard_version.as_deref(), Some(lotse_standard::STANDARD_VERSION));

    // Changes travel up: node → region → state.
    essen.delete(&essen_offers[0].id);
    let mut changed = essen_offers[1].clone();
    changed.title.insert("de".into(), "Geänderter Titel".into());
    essen.put(&changed);
    region.harvest_now("essen").await.unwrap();
    let report = state.harvest_now("ruhr").await.unwrap();
    assert_eq!((report.outcome.deleted, report.outcome.updated), (1, 1));
    let store = state.hub().store();
    assert!(store.get_offer("ruhr", &format!("essen/{}", essen_offers[0].id)).await.unwrap().is_none());
    assert!(
        store
            .get_offer("ruhr", &format!("essen/{}", essen_offers[1].id))
            .await
            .unwrap()
            .unwrap()
            .data
            .contains("Geänderter Titel")
    );
    // The state hub's feed names offers `{node}/{node}/{id}`.
    let feed: Value =
        client().get(format!("{}/feed/offers", state.url())).send().await.unwrap().json().await.unwrap();
    assert!(feed["items"][0]["id"].as_str().unwrap().starts_with("ruhr/"));
    state.shutdown().await;
    region.shutdown().await;
}

/// Follows a hub's feed from `after` to its end, applying items to `view`; returns the new
/// position.
async fn follow(
    http: &reqwest::Client,
    base: &str,
    view: &mut BTreeMap<String, Value>,
    mut next: String,
) -> String {
    loop {
        let page: Value = http.get(&next).send().await.unwrap().json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        for item in items {
            let id = item["id"].as_str().unwrap().to_owned();
            if item["state"] == "deleted" {
                view.remove(&id);
            } else {
                view.insert(id, item["data"].clone());
            }
        }
        let following = page["next"].as_str().unwrap().to_owned();
        assert!(following.starts_with(base), "{following}");
        if items.is_empty() {
            assert_eq!(following, next, "the last page names itself");
            return following;
        }
        next = following;
    }
}

async fn the_hub_feed_skips_nothing_under_concurrent_harvests(db: TestDb) {
    let mut config = hub_config(&db);
    config.page_size = 7;
    let hub = Hub::start(config).await.unwrap();
    let mut nodes = Vec::new();
    for (i, (id, ags)) in
        [("essen", ESSEN), ("bochum", BOCHUM), ("dortmund", DORTMUND)].into_iter().enumerate()
    {
        let node = FakeNode::start(5).await;
        node.put_all(&offers(id, &[ags], 20 + i as u64, 0, 60));
        register(hub.hub(), id, &node, &[ags]).await;
        nodes.push((id, node));
    }
    let http = client();
    let base = hub.url();
    let mut view = BTreeMap::new();
    let mut position = format!("{base}/feed/offers");
    // A reader follows the hub's feed while all three nodes are harvested in parallel, and
    // the nodes keep changing between rounds.
    for round in 0..4 {
        let harvests = {
            let hub = hub.hub().clone();
            tokio::spawn(async move { hub.run_once().await })
        };
        while !harvests.is_finished() {
            position = follow(&http, &base, &mut view, position).await;
        }
        harvests.await.unwrap().unwrap().into_iter().for_each(|r| assert!(r.is_ok(), "{r:?}"));
        for (id, node) in &nodes {
            for k in 0..10u64 {
                let index = (round * 13 + k * 5) % 60;
                if k % 3 == 0 {
                    node.delete(&format!("{id}-{index:07}"));
                } else {
                    let mut o = offers(id, &[ESSEN], 0, index, 1).remove(0);
                    o.locations.clear();
                    o.service_area = vec![
                        match *id {
                            "essen" => ESSEN,
                            "bochum" => BOCHUM,
                            _ => DORTMUND,
                        }
                        .to_owned(),
                    ];
                    o.delivery = "online".into();
                    node.put(&o);
                }
            }
        }
    }
    hub.hub().run_once().await.unwrap();
    follow(&http, &base, &mut view, position).await;
    let mut expected = BTreeMap::new();
    for (id, node) in &nodes {
        for (oid, data) in live_offers(hub.hub().store().as_ref(), id).await {
            expected.insert(format!("{id}/{oid}"), data);
        }
        assert_eq!(live_offers(hub.hub().store().as_ref(), id).await, node.live());
    }
    assert_eq!(view, expected);
    hub.shutdown().await;
}

/// A fake geocoder speaking Nominatim's and Photon's APIs: every address in Essen is found at
/// one point inside Essen, anything else is not found. It counts the questions it gets.
async fn fake_geocoder() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::extract::{Query, State};
    use axum::routing::get;

    let asked = Arc::new(AtomicUsize::new(0));
    let point = lotse_geo::ruhr().municipality(ESSEN).unwrap().interior_point();
    let nominatim = move |State(asked): State<Arc<AtomicUsize>>,
                          Query(q): Query<BTreeMap<String, String>>| async move {
        asked.fetch_add(1, Ordering::SeqCst);
        assert_eq!(q.get("format").map(String::as_str), Some("jsonv2"));
        if q.get("city").is_some_and(|c| c == "Essen") {
            axum::Json(json!([{"lat": point.lat.to_string(), "lon": point.lon.to_string()}]))
        } else {
            axum::Json(json!([]))
        }
    };
    let photon = move |State(asked): State<Arc<AtomicUsize>>, Query(q): Query<BTreeMap<String, String>>| async move {
        asked.fetch_add(1, Ordering::SeqCst);
        if q.get("q").is_some_and(|c| c.ends_with("Essen")) {
            axum::Json(json!({"features": [{"geometry": {"coordinates": [point.lon, point.lat]}}]}))
        } else {
            axum::Json(json!({"features": []}))
        }
    };
    let app = axum::Router::new()
        .route("/search", get(nominatim))
        .route("/photon/api", get(photon))
        .with_state(asked.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), asked)
}

backends!(a_geocoder_places_locations_without_coordinates);

async fn a_geocoder_places_locations_without_coordinates(db: TestDb) {
    use std::sync::atomic::Ordering;

    let (geocoder_url, asked) = fake_geocoder().await;
    let mut generated = offers("essen", &[ESSEN], 50, 0, 30);
    generated.retain(|o| !o.locations.is_empty());
    for o in &mut generated {
        for l in &mut o.locations {
            (l.lat, l.lon) = (None, None);
            l.city = "Essen".into();
        }
    }
    // One location whose address the geocoder does not know: placed by postcode.
    generated[0].locations[0].city = "Essen-Nirgendwo".into();
    let addresses: std::collections::BTreeSet<String> =
        generated.iter().flat_map(|o| o.locations.iter().map(lotse_hub::placement::address_key)).collect();

    for (kind, url, db) in [
        (lotse_hub::GeocoderKind::Nominatim, geocoder_url.clone(), db),
        (
            lotse_hub::GeocoderKind::Photon,
            format!("{geocoder_url}/photon"),
            TestDb::new(crate::common::Backend::Sqlite).await.unwrap(),
        ),
    ] {
        let mut config = hub_config(&db);
        config.geocoder =
            Some(lotse_hub::GeocoderConfig { kind, url, rate_limit_per_sec: 40.0, timeout_secs: 5 });
        let hub = Hub::start(config).await.unwrap();
        let node = FakeNode::start(10).await;
        node.put_all(&generated);
        register(hub.hub(), "essen", &node, &[ESSEN]).await;
        asked.store(0, Ordering::SeqCst);
        let started = std::time::Instant::now();
        let report = hub.harvest_now("essen").await.unwrap();
        assert_eq!(report.outcome.created as usize, generated.len());
        // Each address asked once, at no more than the rate limit.
        assert_eq!(asked.load(Ordering::SeqCst), addresses.len(), "{kind:?}");
        let min = std::time::Duration::from_secs_f64((addresses.len() - 1) as f64 / 40.0);
        assert!(started.elapsed() >= min, "{:?} < {min:?}", started.elapsed());

        let store = hub.hub().store();
        let unknown = store.get_offer("essen", &generated[0].id).await.unwrap().unwrap();
        assert_eq!(unknown.placements[0].precision, lotse_hub::placement::Precision::Postcode, "{kind:?}");
        let known = store.get_offer("essen", &generated[1].id).await.unwrap().unwrap();
        assert!(known.placements.iter().all(|p| p.precision == lotse_hub::placement::Precision::Geocoded));
        assert!(known.placements.iter().all(|p| p.found_ags.as_deref() == Some(ESSEN) && !p.mismatch));

        // Sent again, the same addresses come from the cache.
        for o in &generated[..5] {
            node.put(o);
        }
        hub.harvest_now("essen").await.unwrap();
        assert_eq!(asked.load(Ordering::SeqCst), addresses.len(), "{kind:?}: answers are cached");
        let metrics = hub.hub().metrics().registry.render();
        assert!(metrics.contains("lotse_hub_geocoder_lookups_total{result=\"cached\"}"), "{metrics}");
        hub.shutdown().await;
    }
}

/// Two hub replicas on one PostgreSQL database: while one harvests a node, the other skips it
/// (the advisory lock), and a replica without scheduler serves but never harvests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_on_postgres_never_harvest_a_node_at_once() {
    let Some(db) = TestDb::new(crate::common::Backend::Postgres).await else {
        eprintln!("LOTSE_TEST_POSTGRES_URL not set; PostgreSQL variant skipped");
        return;
    };
    let first = Hub::start(hub_config(&db)).await.unwrap();
    let second = Hub::start(hub_config(&db)).await.unwrap();
    let serving = Hub::start(lotse_hub::HubConfig { scheduler: false, ..hub_config(&db) }).await.unwrap();
    let node = FakeNode::start(5).await;
    node.put_all(&offers("essen", &[ESSEN], 60, 0, 40));
    node.slow_down(std::time::Duration::from_millis(100));
    let token = register(first.hub(), "essen", &node, &[ESSEN]).await;

    let running = {
        let hub = first.hub().clone();
        tokio::spawn(async move { hub.harvest_now("essen").await })
    };
    eventually(10, "the first replica harvesting", || async { first.hub().harvester().is_running("essen") })
        .await;
    // Give the first replica time to take the lock (it is taken right after the harvest
    // starts, before the first page is requested).
    eventually(10, "the first page requested", || async { node.requests() > 0 }).await;
    let skipped = second.harvest_now("essen").await.unwrap();
    assert_eq!(skipped.status, HarvestStatus::Skipped);
    assert_eq!(skipped.pages, 0);
    let done = running.await.unwrap().unwrap();
    assert_eq!((done.status, done.outcome.created), (HarvestStatus::Completed, 40));
    // Once the lock is free, the second replica harvests (and finds nothing new).
    let after = second.harvest_now("essen").await.unwrap();
    assert_eq!((after.status, after.pages), (HarvestStatus::Completed, 0));

    // The serving replica: a ping is accepted, but it does not harvest; it serves the data.
    let r = client()
        .post(format!("{}/api/v1/nodes/essen/ping", serving.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    assert_eq!(r.json::<Value>().await.unwrap()["harvesting"], false);
    assert_eq!(serving.harvest_now("essen").await.unwrap_err(), HarvestError::Disabled);
    let feed: Value =
        client().get(format!("{}/feed/offers", serving.url())).send().await.unwrap().json().await.unwrap();
    assert_eq!(feed["items"].as_array().unwrap().len(), 40);
    for hub in [first, second, serving] {
        hub.shutdown().await;
    }
}
