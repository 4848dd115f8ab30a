//! The search index follows the hub's store: harvested offers become searchable, changes and
//! deletions follow, bad parameters are refused, an index on disk survives a restart without
//! being rebuilt, a serving replica keeps its own index, and the map and export endpoints
//! agree with the search.

use std::time::Duration;

use lotse_hub::{Hub, HubConfig, NewNode};
use serde_json::Value;

use crate::backends;
use crate::common::fake_node::FakeNode;
use crate::common::{DORTMUND, ESSEN, TestDb, eventually, hub_config, offers};

backends!(
    harvested_offers_become_searchable,
    an_index_on_disk_resumes_after_a_restart,
    map_suggest_and_exports,
    a_serving_replica_keeps_its_own_index,
);

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn register(hub: &Hub, id: &str, node: &FakeNode, jurisdiction: &str) {
    hub.add_node(NewNode {
        id: id.into(),
        name: format!("Knoten {id}"),
        feed_url: node.feed_url(),
        jurisdiction: vec![jurisdiction.into()],
    })
    .await
    .expect("node registered");
}

async fn search(base: &str, query: &str) -> Value {
    let r = client().get(format!("{base}/api/v1/search?{query}")).send().await.unwrap();
    assert_eq!(r.status(), 200, "{query}");
    r.json().await.unwrap()
}

fn ids(answer: &Value) -> Vec<String> {
    answer["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
}

async fn harvested_offers_become_searchable(db: TestDb) {
    let hub = Hub::start(hub_config(&db)).await.unwrap();
    let base = hub.url();
    let essen = FakeNode::start(50).await;
    let dortmund = FakeNode::start(50).await;
    let mut essen_offers = offers("essen", &[ESSEN], 11, 0, 60);
    essen_offers[0].title.insert("de".into(), "Zirkuswerkstatt für Familien".into());
    essen.put_all(&essen_offers);
    dortmund.put_all(&offers("dortmund", &[DORTMUND], 12, 0, 40));
    register(hub.hub(), "essen", &essen, ESSEN).await;
    register(hub.hub(), "dortmund", &dortmund, DORTMUND).await;
    hub.harvest_now("essen").await.unwrap();
    hub.harvest_now("dortmund").await.unwrap();

    // The follower picks the harvest up by itself.
    eventually(10, "100 offers searchable", || async {
        search(&base, "include_expired=true&page_size=1").await["total"] == 100
    })
    .await;
    let all = search(&base, "include_expired=true&page_size=1").await;
    let ags = all["facets"]["ags"].as_array().unwrap();
    let count = |code: &str| ags.iter().find(|v| v["value"] == code).map(|v| v["count"].as_u64().unwrap());
    assert_eq!(count(ESSEN), Some(60), "{ags:?}");
    assert_eq!(count(DORTMUND), Some(40));

    let found = search(&base, "q=Zirkuswerkstatt").await;
    assert_eq!(ids(&found), [format!("essen/{}", essen_offers[0].id)]);
    assert!(found["results"][0]["snippet"].is_string());
    assert_eq!(found["results"][0]["municipality"]["ags"], ESSEN);

    // A change and a deletion at the node reach the index after the next harvest.
    essen_offers[1].title.insert("de".into(), "Trampolinkurs am Samstag".into());
    essen.put(&essen_offers[1]);
    essen.delete(&essen_offers[0].id);
    hub.harvest_now("essen").await.unwrap();
    eventually(10, "the change searchable and the deletion gone", || async {
        ids(&search(&base, "q=Trampolinkurs").await) == [format!("essen/{}", essen_offers[1].id)]
            && search(&base, "q=Zirkuswerkstatt").await["total"] == 0
    })
    .await;

    // Parameters that cannot be read are refused with a problem naming them.
    for bad in ["page_size=1000", "sprache=ar", "near=91,7", "sort=distance"] {
        let r = client().get(format!("{base}/api/v1/search?{bad}")).send().await.unwrap();
        assert_eq!(r.status(), 400, "{bad}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let problem: Value = r.json().await.unwrap();
        assert!(problem["parameter"].is_string(), "{problem}");
    }
    hub.shutdown().await;
}

async fn an_index_on_disk_resumes_after_a_restart(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = hub_config(&db);
    config.search.in_memory = false;
    config.search.index_dir = Some(dir.path().join("index"));
    let node = FakeNode::start(50).await;
    node.put_all(&offers("essen", &[ESSEN], 13, 0, 30));

    let hub = Hub::start(config.clone()).await.unwrap();
    register(hub.hub(), "essen", &node, ESSEN).await;
    hub.harvest_now("essen").await.unwrap();
    let last = hub.hub().store().last_change().await.unwrap();
    // Woken by the follower's commit; the limit only bounds a test that fails.
    tokio::time::timeout(Duration::from_secs(120), hub.hub().search().unwrap().reached(last))
        .await
        .expect("the index reaches the store's last change");
    assert_eq!(hub.hub().search().unwrap().index().checkpoint(), last);
    hub.shutdown().await;

    // Started again, the index is where it was: nothing to apply, everything searchable.
    let hub = Hub::open(config.clone()).await.unwrap();
    assert_eq!(hub.search().unwrap().index().checkpoint(), last);
    assert_eq!(hub.index_now().await.unwrap(), 0);
    assert_eq!(hub.search().unwrap().index().num_docs(), 30);
    // A rebuild gives the same index.
    assert_eq!(hub.reindex().await.unwrap(), 30);
    assert_eq!(hub.search().unwrap().index().num_docs(), 30);
    assert_eq!(hub.search().unwrap().index().checkpoint(), last);
}

async fn get_text(url: &str) -> (u16, String, String) {
    let r = client().get(url).send().await.unwrap();
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, ct, r.text().await.unwrap())
}

async fn map_suggest_and_exports(db: TestDb) {
    let hub = Hub::start(hub_config(&db)).await.unwrap();
    let base = hub.url();
    let essen = FakeNode::start(50).await;
    let dortmund = FakeNode::start(50).await;
    essen.put_all(&offers("essen", &[ESSEN], 21, 0, 50));
    dortmund.put_all(&offers("dortmund", &[DORTMUND], 22, 0, 30));
    register(hub.hub(), "essen", &essen, ESSEN).await;
    register(hub.hub(), "dortmund", &dortmund, DORTMUND).await;
    hub.harvest_now("essen").await.unwrap();
    hub.harvest_now("dortmund").await.unwrap();
    eventually(10, "80 offers searchable", || async {
        search(&base, "include_expired=true&page_size=1").await["total"] == 80
    })
    .await;
    let visible = search(&base, "page_size=1").await["total"].as_u64().unwrap();

    // Clusters over the whole region count every visible located offer once.
    let region = "bbox=6.0,51.0,8.5,52.0";
    let (status, _, body) = get_text(&format!("{base}/api/v1/clusters?{region}&zoom=8")).await;
    assert_eq!(status, 200, "{body}");
    let clusters: Value = serde_json::from_str(&body).unwrap();
    let located = search(&base, &format!("{region}&page_size=1")).await["total"].as_u64().unwrap();
    let summed: u64 =
        clusters["clusters"].as_array().unwrap().iter().map(|c| c["count"].as_u64().unwrap()).sum();
    assert_eq!(summed, located);
    assert_eq!(clusters["total"], located);
    // At street level every offer stands alone, with its id.
    let (_, _, body) = get_text(&format!("{base}/api/v1/clusters?{region}&zoom=16")).await;
    let singles: Value = serde_json::from_str(&body).unwrap();
    assert!(singles["clusters"].as_array().unwrap().iter().all(|c| c["count"] == 1 && c["id"].is_string()));
    for bad in ["zoom=8", "bbox=6,51,8,52&zoom=30"] {
        assert_eq!(get_text(&format!("{base}/api/v1/clusters?{bad}")).await.0, 400, "{bad}");
    }

    // Municipalities carry their offer counts under the filters.
    let (status, ct, body) = get_text(&format!("{base}/api/v1/municipalities.geojson")).await;
    assert_eq!((status, ct.as_str()), (200, "application/geo+json"));
    let geo: Value = serde_json::from_str(&body).unwrap();
    let feature = |ags: &str| {
        geo["features"].as_array().unwrap().iter().find(|f| f["properties"]["ags"] == ags).cloned().unwrap()
    };
    let facet = search(&base, "page_size=1").await;
    let essen_count =
        facet["facets"]["ags"].as_array().unwrap().iter().find(|v| v["value"] == ESSEN).unwrap()["count"]
            .clone();
    assert_eq!(feature(ESSEN)["properties"]["offers"], essen_count);
    assert_eq!(feature(ESSEN)["geometry"]["type"], "MultiPolygon");

    // Suggestions: a category by its label, a municipality by its name.
    let (_, _, body) = get_text(&format!("{base}/api/v1/suggest?q=Integrations")).await;
    let s: Value = serde_json::from_str(&body).unwrap();
    assert!(
        s.as_array().unwrap().iter().any(|x| x["kind"] == "category" && x["value"] == "integrationskurs"),
        "{s}"
    );
    let (_, _, body) = get_text(&format!("{base}/api/v1/suggest?q=Dortm")).await;
    let s: Value = serde_json::from_str(&body).unwrap();
    assert!(
        s.as_array().unwrap().iter().any(|x| x["kind"] == "municipality" && x["value"] == DORTMUND),
        "{s}"
    );

    // Exports hold every result of the search; the CSV is the standard's and validates.
    let (status, ct, ndjson) = get_text(&format!("{base}/api/v1/export.ndjson")).await;
    assert_eq!((status, ct.as_str()), (200, "application/x-ndjson"));
    assert_eq!(ndjson.lines().count() as u64, visible);
    let (_, _, geojson) = get_text(&format!("{base}/api/v1/offers.geojson?ags={DORTMUND}")).await;
    let geojson: Value = serde_json::from_str(&geojson).unwrap();
    let dortmund_total = search(&base, &format!("ags={DORTMUND}&page_size=1")).await["total"].clone();
    assert_eq!(geojson["features"].as_array().unwrap().len() as u64, dortmund_total.as_u64().unwrap());
    let (status, ct, csv) = get_text(&format!("{base}/api/v1/export.csv")).await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/csv"));
    let records =
        lotse_standard::read::read_records(csv.as_bytes(), lotse_standard::read::InputFormat::Csv).unwrap();
    let validator = lotse_standard::validate::Validator::new(crate::common::today());
    let reports = validator.validate_batch(records);
    assert_eq!(reports.len() as u64, visible);
    assert!(reports.iter().all(|r| !r.has_errors()), "the exported CSV validates");
    let (_, _, empty) = get_text(&format!("{base}/api/v1/export.csv?q=Zzzyxxq")).await;
    assert!(empty.contains("offer_type"), "an empty export still has its header");
    hub.shutdown().await;
}

/// A replica that only serves (no scheduler) on the same database follows the store itself:
/// what the harvesting hub stores becomes searchable on the replica too.
async fn a_serving_replica_keeps_its_own_index(db: TestDb) {
    let harvesting = Hub::start(hub_config(&db)).await.unwrap();
    let replica = Hub::start(HubConfig { scheduler: false, ..hub_config(&db) }).await.unwrap();
    let node = FakeNode::start(50).await;
    let generated = offers("essen", &[ESSEN], 31, 0, 40);
    node.put_all(&generated);
    register(harvesting.hub(), "essen", &node, ESSEN).await;
    harvesting.harvest_now("essen").await.unwrap();
    let base = replica.url();
    eventually(10, "the replica to find all 40", || async {
        search(&base, "include_expired=true&page_size=1").await["total"] == 40
    })
    .await;
    node.delete(&generated[0].id);
    harvesting.harvest_now("essen").await.unwrap();
    eventually(10, "the replica to drop the deleted offer", || async {
        search(&base, "include_expired=true&page_size=1").await["total"] == 39
    })
    .await;
    replica.shutdown().await;
    harvesting.shutdown().await;
}
