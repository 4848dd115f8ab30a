//! Standard 1.1 end to end: institutions, networks and projects from real nodes (in-process on
//! `127.0.0.1:0`, SQLite each) to a real hub on the backend under test — the nodes' feeds per
//! kind, the hub's harvest with jurisdiction and references across nodes, the hub's own feeds,
//! its API and its pages, and the project history.

use lotse_http::Secret;
use lotse_http::config::ServiceConfig;
use lotse_hub::{Hub, HubHandle, NewNode, Role};
use lotse_node::{Node, NodeConfig};
use lotse_standard::model::Record;
use lotse_standard::rpde::Kind;
use serde_json::{Value, json};

use crate::backends;
use crate::common::{DORTMUND, ESSEN, TestDb, hub_config};

const MUELHEIM: &str = "05117000";

struct KindNode {
    node: Node,
    steward: String,
    _dir: tempfile::TempDir,
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

impl KindNode {
    async fn start(id: &str) -> KindNode {
        let dir = tempfile::tempdir().unwrap();
        let config = NodeConfig {
            node_id: id.into(),
            service: ServiceConfig {
                listen: "127.0.0.1:0".into(),
                database_url: Some(Secret::new(format!("sqlite://{}", dir.path().join("node.db").display()))),
                ..ServiceConfig::default()
            },
            feed_page_size: 2,
            ..NodeConfig::default()
        };
        let node = Node::start(config).await.expect("node starts");
        let (token, _) =
            lotse_node::tokens::create(&*node.store(), "pflege", lotse_node::Role::Steward).await.unwrap();
        KindNode { node, steward: token.expose().to_owned(), _dir: dir }
    }

    /// Pushes records of a kind (its plural) as a JSON array; returns the report.
    async fn push(&self, plural: &str, records: Value) -> Value {
        self.push_body(plural, "application/json", records.to_string()).await
    }

    /// Pushes records of a kind as the steward's CSV: the standard's CSV of that kind, as a
    /// spreadsheet exports it.
    async fn push_csv(&self, kind: Kind, records: &[Value]) -> Value {
        let mut w = lotse_standard::csv::write_kind(kind, Vec::new());
        for r in records {
            w.write_record(&Record::from_value(kind, r.clone()).unwrap()).unwrap();
        }
        let csv = String::from_utf8(w.finish().unwrap()).unwrap();
        self.push_body(kind.plural(), "text/csv", csv).await
    }

    async fn push_body(&self, plural: &str, content_type: &str, body: String) -> Value {
        let r = client()
            .post(format!("{}/api/v1/{plural}", self.node.url()))
            .bearer_auth(&self.steward)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let body: Value = r.json().await.unwrap();
        assert!(status.is_success(), "{status}: {body}");
        body
    }

    async fn feed(&self, plural: &str) -> Value {
        client().get(format!("{}/feed/{plural}", self.node.url())).send().await.unwrap().json().await.unwrap()
    }
}

async fn register(hub: &Hub, id: &str, node: &KindNode, jurisdiction: &[&str]) {
    hub.add_node(NewNode {
        id: id.into(),
        name: format!("Knoten {id}"),
        feed_url: format!("{}/feed/offers", node.node.url()),
        jurisdiction: jurisdiction.iter().map(|s| (*s).to_owned()).collect(),
    })
    .await
    .unwrap();
}

fn organization(id: &str, ags: &str, kind: &str) -> Value {
    json!({
        "id": id,
        "name": {"de": format!("Einrichtung {id}"), "en": format!("Institution {id}")},
        "kind": kind,
        "description": {"de": "Eine Einrichtung für Familien."},
        "locations": [{
            "name": "Haupthaus", "street": "Schloßstraße 1", "postcode": "45468", "city": "Mülheim an der Ruhr",
            "ags": ags,
            "opening_hours": [{"days": ["mo", "tu"], "opens": "08:00", "closes": "16:00"}]
        }],
        "contact": {"email": "info@example.org", "phone": "+49 208 123456"},
        "links": [{"purpose": "registration", "url": "https://kita.example.org/anmeldung"}],
        "life_phases": ["kita_3_6"]
    })
}

fn network() -> Value {
    json!({
        "id": "net-1",
        "name": {"de": "Netzwerk Frühe Hilfen"},
        "topic": {"de": "Frühe Bildung"},
        "coordinators": [{"name": "Dana Beispiel", "role": "Koordination", "email": "dana@example.org"}],
        "members": ["muelheim/kita-1", {"node": "essen", "id": "vhs-1"}, "fehlt-1"],
        "service_area": [ESSEN, MUELHEIM],
        "how_to_join": {"de": "Schreiben Sie der Koordination."}
    })
}

fn project(id: &str, ags: &str, status: &str) -> Value {
    json!({
        "id": id,
        "title": {"de": format!("Projekt {id}")},
        "summary": {"de": "Sprachförderung am Übergang Kita–Schule."},
        "life_phases": ["kita_3_6"],
        "period": {"start": "2025-08-01"},
        "status": status,
        "partners": ["muelheim/kita-1"],
        "service_area": [ags]
    })
}

async fn get_text(url: String) -> (u16, String) {
    let r = client().get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

backends!(institutions_networks_and_projects_from_nodes_to_the_hub);

async fn institutions_networks_and_projects_from_nodes_to_the_hub(db: TestDb) {
    let hub: HubHandle = Hub::start(hub_config(&db)).await.unwrap();
    let muelheim = KindNode::start("muelheim").await;
    let essen = KindNode::start("essen").await;
    register(hub.hub(), "muelheim", &muelheim, &[MUELHEIM]).await;
    register(hub.hub(), "essen", &essen, &[ESSEN]).await;

    // The nodes: each kind under its own path; a reference to a record the node does not hold
    // is a warning, and the record is stored.
    let report = muelheim
        .push_csv(
            Kind::Organization,
            &[organization("kita-1", MUELHEIM, "kita"), organization("vhs-m", MUELHEIM, "volkshochschule")],
        )
        .await;
    assert_eq!(
        (report["format"].as_str(), report["counts"]["created"].as_i64()),
        (Some("csv"), Some(2)),
        "{report}"
    );
    essen.push("organizations", json!([organization("vhs-1", ESSEN, "volkshochschule")])).await;
    let report = essen.push("networks", json!([network()])).await;
    assert_eq!(report["counts"]["created"], 1, "{report}");
    let warned: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "reference_not_found")
        .collect();
    assert_eq!(warned.len(), 1, "only the reference to a missing record of this node: {report}");
    assert_eq!(warned[0]["pointer"], "/members/2");
    essen
        .push_csv(
            Kind::Project,
            &[project("p-1", ESSEN, "planned"), project("p-outside", DORTMUND, "running")],
        )
        .await;

    // One feed per kind, each with its own order; offers' feed stays empty.
    let feed = muelheim.feed("organizations").await;
    assert_eq!(feed["items"].as_array().unwrap().len(), 2, "{feed}");
    assert_eq!(feed["items"][0]["kind"], "Organization");
    assert!(feed["next"].as_str().unwrap().contains("/feed/organizations?afterTimestamp="));
    assert_eq!(essen.feed("offers").await["items"], json!([]));
    assert_eq!(essen.feed("networks").await["items"][0]["kind"], "Network");
    assert_eq!(client().get(format!("{}/feed/events", essen.node.url())).send().await.unwrap().status(), 404);

    // The hub harvests every feed; the project outside the node's jurisdiction is quarantined.
    for id in ["muelheim", "essen"] {
        let report = hub.harvest_now(id).await.unwrap();
        assert_eq!(report.kinds.len(), 3, "{report:?}");
        assert!(report.kinds.iter().all(|k| k.published && k.error.is_none()), "{report:?}");
    }
    let store = hub.hub().store().clone();
    let kita =
        store.get_record(Kind::Organization, "muelheim", "kita-1").await.unwrap().expect("kita at the hub");
    assert_eq!(kita.ags.as_deref(), Some(MUELHEIM));
    assert!(kita.lat.is_some());
    assert!(store.get_record(Kind::Project, "essen", "p-1").await.unwrap().is_some());
    assert!(store.get_record(Kind::Project, "essen", "p-outside").await.unwrap().is_none(), "quarantined");
    let ops = hub.hub().create_token("betrieb", Role::Operator).await.unwrap().1;
    let quarantined: Value = client()
        .get(format!("{}/api/v1/admin/quarantine?kind=projects", hub.url()))
        .bearer_auth(ops.expose())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(quarantined["items"][0]["id"], "p-outside", "{quarantined}");
    assert_eq!(quarantined["items"][0]["reason"], "jurisdiction");

    // References across nodes resolve; the one naming nothing is reported to the operator and
    // to the node that holds it.
    let dangling = store.dangling_references(None, 100).await.unwrap();
    assert_eq!(dangling.len(), 1, "{dangling:?}");
    assert_eq!(
        (dangling[0].node_id.as_str(), dangling[0].reference.target_id.as_str()),
        ("essen", "fehlt-1")
    );
    let referrers = store.referrers(Kind::Organization, "muelheim", "kita-1").await.unwrap();
    let kinds: Vec<Kind> = referrers.iter().map(|r| r.kind).collect();
    assert!(kinds.contains(&Kind::Network) && kinds.contains(&Kind::Project), "{referrers:?}");
    let r = client()
        .get(format!("{}/api/v1/admin/references", hub.url()))
        .bearer_auth(ops.expose())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let listed: Value = r.json().await.unwrap();
    assert_eq!(listed[0]["target_id"], "fehlt-1", "{listed}");
    assert_eq!(
        client().get(format!("{}/api/v1/admin/references", hub.url())).send().await.unwrap().status(),
        401
    );

    // The hub's API and its own feed per kind, for a larger hub.
    let (status, body) = get_text(format!("{}/api/v1/networks/essen/net-1", hub.url())).await;
    assert_eq!(status, 200, "{body}");
    let view: Value = serde_json::from_str(&body).unwrap();
    let resolved: Vec<bool> =
        view["references"].as_array().unwrap().iter().map(|r| r["resolved"] == true).collect();
    assert_eq!(resolved, [true, true, false], "{view}");
    let hub_feed: Value =
        client().get(format!("{}/feed/networks", hub.url())).send().await.unwrap().json().await.unwrap();
    assert_eq!(hub_feed["items"][0]["id"], "essen/net-1");
    assert_eq!(hub_feed["items"][0]["kind"], "Network");
    let list: Value = client()
        .get(format!("{}/api/v1/organizations?ags={MUELHEIM}", hub.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "{list}");

    // The search by kind, with facets, from the in-memory index once it has caught up.
    hub.hub().index_now().await.unwrap();
    let found: Value = client()
        .get(format!("{}/api/v1/search?kind=organizations&q=Einrichtung&organization_kind=kita", hub.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["results"][0]["id"], "muelheim/kita-1");
    let kinds: Vec<(&str, i64)> = found["facets"]["organization_kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["value"].as_str().unwrap(), v["count"].as_i64().unwrap()))
        .collect();
    assert_eq!(kinds, [("volkshochschule", 2), ("kita", 1)], "multi-select: the other kinds still count");
    let r = client().get(format!("{}/api/v1/search?kind=events", hub.url())).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let r =
        client().get(format!("{}/api/v1/search?kind=projects&unknown=1", hub.url())).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");

    // The pages: the network with its coordinator and members linked across nodes, the
    // institution with its network and project, the project map.
    let (status, page) = get_text(format!("{}/netzwerke/essen/net-1", hub.url())).await;
    assert_eq!(status, 200);
    assert!(page.contains("Dana Beispiel") && page.contains("mailto:dana@example.org"), "{page}");
    assert!(page.contains("/einrichtungen/muelheim/kita-1"), "a member on another node is linked");
    assert!(page.contains("\"@type\":\"Organization\""), "JSON-LD");
    let (status, page) = get_text(format!("{}/einrichtungen/muelheim/kita-1", hub.url())).await;
    assert_eq!(status, 200);
    assert!(page.contains("/netzwerke/essen/net-1") && page.contains("/projekte/essen/p-1"), "{page}");
    assert!(page.contains("EducationalOrganization"));
    let (status, page) = get_text(format!("{}/projekte?gemeinde={ESSEN}", hub.url())).await;
    assert_eq!(status, 200);
    assert!(page.contains("/projekte/essen/p-1"), "{page}");
    let (status, _) = get_text(format!("{}/projekte/essen/p-outside", hub.url())).await;
    assert_eq!(status, 404);

    // The project's history: a status change and a removal are recorded, and the comparison
    // of two dates counts them.
    essen.push("projects", json!([project("p-1", ESSEN, "completed")])).await;
    hub.harvest_now("essen").await.unwrap();
    let events = store.project_events(0, i64::MAX, 100).await.unwrap();
    let seen: Vec<(&str, Option<&str>)> =
        events.iter().filter(|e| e.id == "p-1").map(|e| (e.event.as_str(), e.status.as_deref())).collect();
    assert_eq!(seen, [("first_seen", Some("planned")), ("status", Some("completed"))]);
    let (status, page) = get_text(format!("{}/projekte?seit=2020-01-01", hub.url())).await;
    assert_eq!(status, 200);
    assert!(page.contains("Veränderungen"), "{page}");

    for n in [muelheim, essen] {
        n.node.shutdown().await.unwrap();
    }
    hub.shutdown().await;
}
