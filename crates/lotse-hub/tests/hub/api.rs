//! The HTTP API of a real hub on `127.0.0.1:0`: authentication, the operator's node registry,
//! the standard, the hub's feed rules, health, metrics and the OpenAPI document.

use lotse_hub::{Hub, HubConfig, Role};
use serde_json::{Value, json};

use crate::backends;
use crate::common::fake_node::FakeNode;
use crate::common::{DORTMUND, ESSEN, TestDb, hub_config, offers};

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

backends!(operator_manages_nodes, public_endpoints_and_the_feed_rules);

async fn operator_manages_nodes(db: TestDb) {
    let hub = Hub::start(hub_config(&db)).await.unwrap();
    let base = hub.url();
    let http = client();
    let (_, ops) = hub.hub().create_token("betrieb", Role::Operator).await.unwrap();
    let ops = ops.expose().to_owned();
    let nodes = format!("{base}/api/v1/admin/nodes");

    assert_eq!(http.get(&nodes).send().await.unwrap().status(), 401);
    assert_eq!(http.get(&nodes).bearer_auth("lotse_falsch").send().await.unwrap().status(), 401);

    let node = FakeNode::start(10).await;
    node.put_all(&offers("essen", &[ESSEN], 30, 0, 12));
    let body =
        json!({"id": "essen", "name": "Stadt Essen", "feed_url": node.feed_url(), "jurisdiction": [ESSEN]});
    let r = http.post(&nodes).bearer_auth(&ops).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("lotse_"));
    assert_eq!(created["node"]["state"], "active");
    assert_eq!(created["node"]["jurisdiction"], json!([ESSEN]));

    // A node token is not an operator token.
    assert_eq!(http.get(&nodes).bearer_auth(&token).send().await.unwrap().status(), 401);
    // Duplicates and bad values.
    let r = http.post(&nodes).bearer_auth(&ops).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    for bad in [
        json!({"id": "a/b", "name": "x", "feed_url": node.feed_url(), "jurisdiction": [ESSEN]}),
        json!({"id": "b", "name": "x", "feed_url": "ftp://x/feed", "jurisdiction": [ESSEN]}),
        json!({"id": "b", "name": "x", "feed_url": node.feed_url(), "jurisdiction": ["51"]}),
        json!({"id": "b", "name": "x", "feed_url": node.feed_url(), "jurisdiction": ["0511300"]}),
        json!({"id": "b", "name": "x", "feed_url": node.feed_url(), "jurisdiction": []}),
    ] {
        let r = http.post(&nodes).bearer_auth(&ops).json(&bad).send().await.unwrap();
        // "51" is a valid prefix (two digits): it is accepted.
        if bad["jurisdiction"] == json!(["51"]) {
            assert_eq!(r.status(), 201, "{bad}");
            http.delete(format!("{nodes}/b")).bearer_auth(&ops).send().await.unwrap();
            continue;
        }
        assert_eq!(r.status(), 400, "{bad}");
        let p: Value = r.json().await.unwrap();
        assert!(p["detail"].as_str().is_some() && p["detail_en"].as_str().is_some(), "{p}");
    }
    let r = http
        .post(&nodes)
        .bearer_auth(&ops)
        .body("{")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = http
        .get(format!("{base}/api/v1/admin/quarantine?limit=viele"))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");

    // Harvest on the operator's request, then read the node's state.
    let r = http.post(format!("{nodes}/essen/harvest")).bearer_auth(&ops).send().await.unwrap();
    assert_eq!(r.status(), 202);
    let store = hub.hub().store().clone();
    crate::common::eventually(10, "12 offers", || {
        let store = store.clone();
        async move { store.node_counts().await.unwrap().get("essen").is_some_and(|c| c.offers == 12) }
    })
    .await;
    crate::common::eventually(10, "the harvest to finish", || async {
        !hub.hub().harvester().is_running("essen")
    })
    .await;
    let one: Value =
        http.get(format!("{nodes}/essen")).bearer_auth(&ops).send().await.unwrap().json().await.unwrap();
    assert_eq!(one["offers"], 12);
    assert_eq!(one["checkpoint"]["modified"], 12);
    assert!(one["last_success_at"].is_i64());
    assert_eq!(one["harvesting"], false);
    assert_eq!(http.get(format!("{nodes}/nope")).bearer_auth(&ops).send().await.unwrap().status(), 404);

    // PATCH: jurisdiction, name; unknown fields are refused.
    let r = http
        .patch(format!("{nodes}/essen"))
        .bearer_auth(&ops)
        .json(&json!({"jurisdiction": [DORTMUND, ESSEN], "name": "Essen (VHS)"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let patched: Value = r.json().await.unwrap();
    assert_eq!(patched["jurisdiction"], json!([ESSEN, DORTMUND]));
    assert_eq!(patched["name"], "Essen (VHS)");
    let r = http
        .patch(format!("{nodes}/essen"))
        .bearer_auth(&ops)
        .json(&json!({"jurisdictio": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // A new node token replaces the old one.
    let rotated: Value = http
        .post(format!("{nodes}/essen/token"))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ping = format!("{base}/api/v1/nodes/essen/ping");
    assert_eq!(http.post(&ping).bearer_auth(&token).send().await.unwrap().status(), 401);
    assert_eq!(
        http.post(&ping).bearer_auth(rotated["token"].as_str().unwrap()).send().await.unwrap().status(),
        202
    );

    // DELETE removes the node and its offers; the hub's feed carries the tombstones.
    crate::common::eventually(10, "the harvest to finish", || async {
        !hub.hub().harvester().is_running("essen")
    })
    .await;
    let r = http.delete(format!("{nodes}/essen")).bearer_auth(&ops).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"node_id": "essen", "removed_offers": 12}));
    assert_eq!(http.delete(format!("{nodes}/essen")).bearer_auth(&ops).send().await.unwrap().status(), 404);
    let list: Value = http.get(&nodes).bearer_auth(&ops).send().await.unwrap().json().await.unwrap();
    assert_eq!(list, json!([]));
    let feed: Value = http.get(format!("{base}/feed/offers")).send().await.unwrap().json().await.unwrap();
    assert!(feed["items"].as_array().unwrap().iter().all(|i| i["state"] == "deleted"));
    hub.shutdown().await;
}

async fn public_endpoints_and_the_feed_rules(db: TestDb) {
    let config = HubConfig { page_size: 5, ..hub_config(&db) };
    let hub = Hub::start(config).await.unwrap();
    let base = hub.url();
    let http = client();

    let standard: Value =
        http.get(format!("{base}/api/v1/standard")).send().await.unwrap().json().await.unwrap();
    assert_eq!(standard["version"], lotse_standard::STANDARD_VERSION);
    assert_eq!(standard["schemas"]["offer"]["$schema"], "https://json-schema.org/draft/2020-12/schema");
    for kind in ["organization", "network", "project"] {
        assert_eq!(
            standard["schemas"][kind]["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{kind}"
        );
    }
    assert_eq!(standard["vocabularies"].as_object().unwrap().len(), lotse_standard::vocab::FILES.len());
    assert!(standard["vocabularies"]["offer-types"]["codes"].as_array().is_some_and(|c| !c.is_empty()));

    assert_eq!(http.get(format!("{base}/healthz")).send().await.unwrap().status(), 200);
    assert_eq!(http.get(format!("{base}/readyz")).send().await.unwrap().status(), 200);
    let doc: Value = http.get(format!("{base}/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(doc, serde_json::from_str::<Value>(&lotse_hub::openapi_json()).unwrap());
    let r = http.get(format!("{base}/nirgends")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");

    // The feed: empty first page names itself; parameters go together.
    let r = http.get(format!("{base}/feed/offers")).send().await.unwrap();
    assert_eq!(r.headers()["cache-control"], "public, max-age=8");
    let empty: Value = r.json().await.unwrap();
    assert_eq!(empty["items"], json!([]));
    assert_eq!(empty["next"], format!("{base}/feed/offers"));
    assert_eq!(empty["license"], "https://www.govdata.de/dl-de/by-2-0");
    assert_eq!(http.get(format!("{base}/feed/offers?afterTimestamp=1")).send().await.unwrap().status(), 400);
    assert_eq!(
        http.get(format!("{base}/feed/offers?afterTimestamp=x&afterId=a")).send().await.unwrap().status(),
        400
    );

    let node = FakeNode::start(4).await;
    node.put_all(&offers("essen", &[ESSEN], 31, 0, 12));
    hub.hub()
        .add_node(lotse_hub::NewNode {
            id: "essen".into(),
            name: "Essen".into(),
            feed_url: node.feed_url(),
            jurisdiction: vec![ESSEN.into()],
        })
        .await
        .unwrap();
    hub.harvest_now("essen").await.unwrap();
    let r = http.get(format!("{base}/feed/offers")).send().await.unwrap();
    assert_eq!(r.headers()["cache-control"], "public, max-age=3600");
    let first: Value = r.json().await.unwrap();
    let items = first["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert_eq!(items[0]["id"], "essen/essen-0000000");
    assert_eq!(items[0]["kind"], "Offer");
    assert_eq!(items[0]["data"]["id"], "essen-0000000");
    assert_eq!(items[0]["standard_version"], lotse_standard::STANDARD_VERSION);
    assert_eq!(first["next"], format!("{base}/feed/offers?afterTimestamp=5&afterId=essen%2Fessen-0000004"));
    let mut seen = 5;
    let mut next = first["next"].as_str().unwrap().to_owned();
    loop {
        let page: Value = http.get(&next).send().await.unwrap().json().await.unwrap();
        let n = page["items"].as_array().unwrap().len();
        if n == 0 {
            assert_eq!(page["next"], next);
            break;
        }
        seen += n;
        next = page["next"].as_str().unwrap().to_owned();
    }
    assert_eq!(seen, 12);

    // An offer with placement and provenance; unknown offers are 404.
    let o: Value = http
        .get(format!("{base}/api/v1/offers/essen/essen-0000003"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(o["provenance"]["standard_outdated"], false);
    assert!(o["provenance"]["first_seen"].is_i64());
    for p in o["placements"].as_array().unwrap() {
        assert!(["exact", "postcode", "municipality"].contains(&p["precision"].as_str().unwrap()), "{p}");
        assert_eq!(p["found_ags"], ESSEN);
    }
    assert_eq!(http.get(format!("{base}/api/v1/offers/essen/nope")).send().await.unwrap().status(), 404);

    let metrics = http.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("lotse_hub_harvests_total{node=\"essen\",result=\"completed\"} 1"), "{metrics}");
    assert!(metrics.contains("lotse_hub_feed_reads_total"), "{metrics}");
    assert!(
        metrics
            .contains("lotse_hub_http_requests_total{method=\"GET\",route=\"/feed/offers\",status=\"200\"}"),
        "{metrics}"
    );
    hub.shutdown().await;
}
