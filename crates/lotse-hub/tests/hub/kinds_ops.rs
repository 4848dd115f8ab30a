//! Institutions, networks and projects for the operator and in exports, with a real hub on
//! `127.0.0.1:0` and records of every kind written to the store as the harvest writes them
//! (`store_record_page`): the CSV, NDJSON and GeoJSON exports per kind with the search's
//! filters and hostile parameters, each quality check firing on a record made to fail it and
//! on no other, who may see the findings, the operator's pages, and node health per kind.

use lotse_hub::store::Checkpoint;
use lotse_hub::store::kinds::{RecordAccept, RecordItem, RecordPageWrite};
use lotse_hub::{Hub, HubHandle, NewNode, Role};
use lotse_standard::canonical::Canonical;
use lotse_standard::model::Record;
use lotse_standard::read::InputFormat;
use lotse_standard::rpde::Kind;
use reqwest::header;
use serde_json::{Value, json};

use crate::backends;
use crate::common::{ESSEN, TestDb, hub_config, today};

const MUELHEIM: &str = "05117000";

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn day(offset: i64) -> String {
    today().add_days(offset).to_string()
}

fn organization(id: &str, name: &str, ags: &str, hours: bool) -> Value {
    let mut location = json!({
        "name": "Haupthaus", "street": "Schloßstraße 1", "postcode": "45468", "city": "Mülheim an der Ruhr",
        "ags": ags, "lat": 51.4271, "lon": 6.8827
    });
    if ags == ESSEN {
        location = json!({"street": "Burgplatz 1", "postcode": "45127", "city": "Essen", "ags": ags,
                          "lat": 51.4556, "lon": 7.0116});
    }
    if hours {
        location["opening_hours"] = json!([{"days": ["mo", "tu"], "opens": "08:00", "closes": "16:00"}]);
    }
    json!({
        "id": id,
        "name": {"de": name, "en": format!("{name} (en)")},
        "kind": "kita",
        "locations": [location],
        "contact": {"email": "info@example.org", "phone": "+49 201 123456"},
        "life_phases": ["kita_3_6"],
        "verified_at": day(-10)
    })
}

fn network(id: &str, coordinators: Value, members: Value) -> Value {
    json!({
        "id": id,
        "name": {"de": format!("Netzwerk {id}")},
        "coordinators": coordinators,
        "members": members,
        "service_area": [ESSEN],
        "life_phases": ["kita_3_6"],
        "verified_at": day(-10)
    })
}

fn project(id: &str, status: &str, start: i64, end: Option<i64>, partners: Value) -> Value {
    let mut period = json!({"start": day(start)});
    if let Some(end) = end {
        period["end"] = Value::from(day(end));
    }
    json!({
        "id": id,
        "title": {"de": format!("Projekt {id}")},
        "summary": {"de": "Sprachförderung am Übergang Kita–Schule."},
        "life_phases": ["kita_3_6"],
        "period": period,
        "status": status,
        "partners": partners,
        "service_area": [ESSEN],
        "verified_at": day(-10)
    })
}

/// A record of one test: where it lives, its JSON, its stored validator findings and the one
/// check it is made to fail (none for a good one).
struct Fixture {
    kind: Kind,
    node: &'static str,
    value: Value,
    warnings: Option<&'static str>,
    fails: Option<&'static str>,
}

fn fixture(kind: Kind, node: &'static str, value: Value, fails: Option<&'static str>) -> Fixture {
    Fixture { kind, node, value, warnings: None, fails }
}

fn fixtures() -> Vec<Fixture> {
    let email = json!([{"name": "Dana", "email": "dana@example.org"}]);
    let mut stale_org = organization("org-stale", "Kita Alt", ESSEN, true);
    stale_org["verified_at"] = Value::from(day(-800));
    let mut dangling_org = organization("org-dangling", "Kita Verweis", ESSEN, true);
    dangling_org["part_of"] = Value::from("fehlt-1");
    let mut stale_net = network("net-stale", email.clone(), json!([]));
    stale_net.as_object_mut().unwrap().remove("verified_at");
    let mut stale_project = project("p-stale", "running", -30, Some(300), json!([]));
    stale_project["verified_at"] = Value::from(day(-400));
    vec![
        fixture(
            Kind::Organization,
            "essen",
            organization("org-good", "Kita Sonnenschein", ESSEN, true),
            None,
        ),
        fixture(
            Kind::Organization,
            "essen",
            organization("org-hours", "Kita Ohne Zeiten", ESSEN, false),
            Some("opening_hours"),
        ),
        fixture(Kind::Organization, "essen", stale_org, Some("verified_recently")),
        fixture(Kind::Organization, "essen", dangling_org, Some("references_resolve")),
        Fixture {
            warnings: Some(
                r#"[{"severity":"warning","code":"verified_stale"},{"severity":"notice","code":"x"}]"#,
            ),
            ..fixture(
                Kind::Organization,
                "essen",
                organization("org-warned", "Kita Gewarnt", ESSEN, true),
                Some("validator_warnings"),
            )
        },
        // A name that a spreadsheet would run as a formula, in another node.
        fixture(
            Kind::Organization,
            "muelheim",
            organization("m-1", "=Kita Regenbogen", MUELHEIM, true),
            None,
        ),
        fixture(
            Kind::Network,
            "essen",
            network(
                "net-good",
                json!([{"name": "Dana", "email": "dana@example.org", "organization": "org-good"}]),
                json!(["org-good", "muelheim/m-1"]),
            ),
            None,
        ),
        fixture(
            Kind::Network,
            "essen",
            network("net-phone", json!([{"name": "Kim", "phone": "+49 201 1"}]), json!([])),
            Some("coordinator_email"),
        ),
        // Nobody reachable: the validator refuses this; an older node's data may hold it.
        fixture(
            Kind::Network,
            "essen",
            network("net-none", json!([{"name": "Niemand"}]), json!([])),
            Some("coordinator_reachable"),
        ),
        fixture(Kind::Network, "essen", stale_net, Some("verified_recently")),
        fixture(
            Kind::Network,
            "essen",
            network("net-dangling", email, json!(["fehlt-2"])),
            Some("references_resolve"),
        ),
        fixture(
            Kind::Project,
            "essen",
            project("p-good", "running", -100, Some(300), json!(["org-good"])),
            None,
        ),
        fixture(
            Kind::Project,
            "essen",
            project("p-ended", "running", -400, Some(-10), json!([])),
            Some("status_after_end"),
        ),
        fixture(
            Kind::Project,
            "essen",
            project("p-planned", "planned", -400, None, json!([])),
            Some("planned_overdue"),
        ),
        fixture(
            Kind::Project,
            "essen",
            project("p-completed", "completed", -400, Some(-10), json!([])),
            None,
        ),
        fixture(Kind::Project, "essen", stale_project, Some("verified_recently")),
        fixture(
            Kind::Project,
            "essen",
            project("p-dangling", "running", -30, Some(300), json!(["fehlt-3"])),
            Some("references_resolve"),
        ),
    ]
}

/// The record as the harvest stores it: canonical JSON, the hub's placement and references.
fn accept(f: &Fixture) -> RecordItem {
    let record = Record::from_value(f.kind, f.value.clone()).expect("a record of the model");
    let canonical = Canonical::of_record(&record);
    let value: Value = serde_json::from_str(&canonical.json).unwrap();
    let (lat, lon, ags) = lotse_hub::placement::place_record(&value);
    RecordItem::Accept(Box::new(RecordAccept {
        id: record.id().to_owned(),
        node_modified: 1,
        data: canonical.json,
        hash: canonical.sha256.to_vec(),
        standard_version: Some(lotse_standard::STANDARD_VERSION.into()),
        findings: f.warnings.map(str::to_owned),
        lat,
        lon,
        ags,
        references: lotse_hub::harvest::records::references(&record, f.node),
        status: value.get("status").and_then(Value::as_str).map(str::to_owned),
    }))
}

/// A hub with the nodes `essen` and `muelheim` (never harvested; their records are written
/// directly) and every fixture stored, one page per node and kind.
async fn hub_with_records(db: &TestDb) -> (HubHandle, String, String, String) {
    let mut config = hub_config(db);
    config.quality.poll_ms = 3_600_000;
    let hub = Hub::start(config).await.expect("hub starts");
    let mut tokens = Vec::new();
    for (id, ags) in [("essen", ESSEN), ("muelheim", MUELHEIM)] {
        let (_, token) = hub
            .hub()
            .add_node(NewNode {
                id: id.into(),
                name: format!("Knoten {id}"),
                feed_url: "http://127.0.0.1:9/feed/offers".into(),
                jurisdiction: vec![ags.into()],
            })
            .await
            .unwrap();
        tokens.push(token.expose().to_owned());
    }
    let store = hub.hub().store().clone();
    let all = fixtures();
    for kind in lotse_hub::harvest::records::RECORD_KINDS {
        for node in ["essen", "muelheim"] {
            let items: Vec<RecordItem> =
                all.iter().filter(|f| f.kind == kind && f.node == node).map(accept).collect();
            if items.is_empty() {
                continue;
            }
            let page = RecordPageWrite {
                kind,
                node_id: node.into(),
                after: None,
                checkpoint: Checkpoint { modified: 7, id: format!("last-{}", kind.singular()) },
                items,
                now: now(),
            };
            store.store_record_page(&page).await.unwrap();
        }
    }
    let ops = hub.hub().create_token("betrieb", Role::Operator).await.unwrap().1.expose().to_owned();
    let muelheim = tokens.pop().unwrap();
    let essen = tokens.pop().unwrap();
    (hub, ops, essen, muelheim)
}

/// The record a fixture becomes in an export: its id made unique across nodes, and every
/// reference naming its node.
fn exported(f: &Fixture) -> Record {
    let mut v = f.value.clone();
    let id = v["id"].as_str().unwrap().to_owned();
    v["id"] = Value::from(format!("{}:{id}", f.node));
    let explicit = |r: &mut Value| {
        if let Some(s) = r.as_str().filter(|s| !s.contains('/')) {
            *r = json!({"node": f.node, "id": s});
        }
    };
    for key in ["part_of", "responsible"] {
        if let Some(r) = v.get_mut(key) {
            explicit(r);
        }
    }
    for key in ["members", "partners"] {
        for r in v.get_mut(key).and_then(Value::as_array_mut).into_iter().flatten() {
            explicit(r);
        }
    }
    for c in v.get_mut("coordinators").and_then(Value::as_array_mut).into_iter().flatten() {
        if let Some(r) = c.get_mut("organization") {
            explicit(r);
        }
    }
    Record::from_value(f.kind, v).unwrap()
}

async fn get(url: String) -> reqwest::Response {
    client().get(url).send().await.unwrap()
}

async fn problem(url: String) {
    let r = get(url.clone()).await;
    assert_eq!(r.status(), 400, "{url}");
    assert_eq!(r.headers()[header::CONTENT_TYPE], "application/problem+json", "{url}");
    let body: Value = r.json().await.unwrap();
    assert!(body["detail"].is_string(), "{url}: {body}");
}

backends!(exports_of_every_kind, quality_of_every_kind, node_health_counts_every_kind);

async fn exports_of_every_kind(db: TestDb) {
    let (hub, _, _, _) = hub_with_records(&db).await;
    let base = hub.url();
    let all = fixtures();

    // CSV of institutions in the standard's CSV of the kind: it reads back through the
    // standard's reader as the records, ids unique across nodes, formulas kept harmless.
    let r = get(format!("{base}/api/v1/export.csv?kind=organizations")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(r.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().contains("einrichtungen.csv"));
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("'=Kita Regenbogen"), "{text}");
    let (_, records) =
        lotse_standard::read::records_kind(Kind::Organization, &bytes, InputFormat::Csv).unwrap();
    let read: Vec<Record> =
        records.map(|r| Record::from_value(Kind::Organization, r.unwrap().value).unwrap()).collect();
    // In the store's order: by node, then id.
    let mut expected: Vec<Record> =
        all.iter().filter(|f| f.kind == Kind::Organization).map(exported).collect();
    expected.sort_by(|a, b| a.id().cmp(b.id()));
    assert_eq!(read, expected);
    let Record::Organization(m) = &read[5] else { panic!("an institution") };
    assert_eq!((m.id.as_str(), m.name["de"].as_str()), ("muelheim:m-1", "=Kita Regenbogen"));

    // The filters of the kinds' search: by municipality, by text, by place.
    let ids = |bytes: &[u8], kind: Kind| -> Vec<String> {
        let (_, records) = lotse_standard::read::records_kind(kind, bytes, InputFormat::Csv).unwrap();
        records.map(|r| r.unwrap().value["id"].as_str().unwrap().to_owned()).collect()
    };
    let r = get(format!("{base}/api/v1/export.csv?kind=organizations&ags={MUELHEIM}")).await;
    assert_eq!(ids(&r.bytes().await.unwrap(), Kind::Organization), ["muelheim:m-1"]);
    let r = get(format!("{base}/api/v1/export.csv?kind=organizations&q=sonnensch")).await;
    assert_eq!(ids(&r.bytes().await.unwrap(), Kind::Organization), ["essen:org-good"]);
    let r = get(format!("{base}/api/v1/export.csv?kind=organizations&near=51.4271,6.8827&radius_km=2")).await;
    assert_eq!(ids(&r.bytes().await.unwrap(), Kind::Organization), ["muelheim:m-1"]);
    // Nothing matches: still a table with its header.
    let r = get(format!("{base}/api/v1/export.csv?kind=projects&q=gibtesnicht")).await;
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFid;title_de"), "{}", String::from_utf8_lossy(&bytes));
    assert!(ids(&bytes, Kind::Project).is_empty());

    // NDJSON: one record per line, in the standard's canonical JSON.
    let r = get(format!("{base}/api/v1/export.ndjson?kind=networks")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[header::CONTENT_TYPE], "application/x-ndjson");
    let text = r.text().await.unwrap();
    let mut networks: Vec<Record> = all.iter().filter(|f| f.kind == Kind::Network).map(exported).collect();
    networks.sort_by(|a, b| a.id().cmp(b.id()));
    let expected: Vec<String> = networks.iter().map(|r| Canonical::of_record(r).json).collect();
    assert_eq!(text.lines().collect::<Vec<_>>(), expected);
    let good: Value = serde_json::from_str(text.lines().find(|l| l.contains("net-good")).unwrap()).unwrap();
    assert_eq!(
        good["members"],
        json!([{"node": "essen", "id": "org-good"}, {"node": "muelheim", "id": "m-1"}])
    );
    let r = get(format!("{base}/api/v1/export.ndjson?kind=projects&status=planned&status=completed")).await;
    let lines: Vec<Value> =
        r.text().await.unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["essen:p-completed", "essen:p-planned"]);

    // Offers stay as they were, with and without kind=offers.
    let plain = get(format!("{base}/api/v1/export.csv")).await.bytes().await.unwrap();
    let offers = get(format!("{base}/api/v1/export.csv?kind=offers")).await.bytes().await.unwrap();
    assert_eq!(plain, offers);
    assert!(String::from_utf8_lossy(&plain).contains("offer_type"));

    // GeoJSON per kind: points as [lon, lat], the hub's page of each record.
    for (kind, path) in
        [(Kind::Organization, "organizations"), (Kind::Network, "networks"), (Kind::Project, "projects")]
    {
        let r = get(format!("{base}/api/v1/{path}.geojson?lang=en")).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/geo+json");
        let fc: Value = r.json().await.unwrap();
        assert_eq!(fc["type"], "FeatureCollection");
        let features = fc["features"].as_array().unwrap();
        assert_eq!(features.len(), all.iter().filter(|f| f.kind == kind).count(), "{path}");
        for f in features {
            let hub_id = f["properties"]["id"].as_str().unwrap();
            let (node, id) = hub_id.split_once('/').unwrap();
            let stored = hub.hub().store().get_record(kind, node, id).await.unwrap().unwrap();
            assert_eq!(f["geometry"]["type"], "Point");
            assert_eq!(f["geometry"]["coordinates"], json!([stored.lon.unwrap(), stored.lat.unwrap()]));
            assert_eq!(f["properties"]["kind"], kind.singular());
            assert_eq!(f["properties"]["ags"].as_str(), stored.ags.as_deref());
            assert!(f["properties"]["title"].as_str().is_some_and(|t| !t.is_empty()));
        }
        // The URL is the record's page at the hub.
        let url = features[0]["properties"]["url"].as_str().unwrap();
        let root = match kind {
            Kind::Organization => "/einrichtungen/",
            Kind::Network => "/netzwerke/",
            _ => "/projekte/",
        };
        assert!(url.starts_with(root), "{url}");
        assert_eq!(get(format!("{base}{url}")).await.status(), 200, "{url}");
    }
    let fc: Value = get(format!("{base}/api/v1/organizations.geojson?lang=en&ags={MUELHEIM}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fc["features"][0]["properties"]["title"], "=Kita Regenbogen (en)");
    assert_eq!(fc["features"][0]["geometry"]["coordinates"], json!([6.8827, 51.4271]));
    let fc: Value =
        get(format!("{base}/api/v1/projects.geojson?status=running&q=projekt")).await.json().await.unwrap();
    assert_eq!(fc["features"].as_array().unwrap().len(), 4);

    // Hostile parameters are problems, never an export.
    for q in [
        "export.csv?kind=events",
        "export.csv?kind=networks&kind=projects",
        "export.ndjson?kind=networks&offer_type=sprachkurs",
        "export.ndjson?kind=projects&near=abc",
        "export.csv?kind=organizations&near=91,7",
        "export.csv?kind=organizations&radius_km=0",
        "export.csv?kind=organizations&radius_km=NaN",
        "export.ndjson?kind=networks&page_size=5000",
        "organizations.geojson?kind=networks",
        "networks.geojson?bbox=1,2,3,4",
        "projects.geojson?near=51.4,7&radius_km=-1",
    ] {
        problem(format!("{base}/api/v1/{q}")).await;
    }
    let long = "x".repeat(60);
    let many: String = (0..60).map(|i| format!("&life_phase={i}{long}")).collect();
    problem(format!("{base}/api/v1/export.csv?kind=networks{many}")).await;
    hub.shutdown().await;
}

async fn quality_of_every_kind(db: TestDb) {
    let (hub, ops, essen, muelheim) = hub_with_records(&db).await;
    let base = hub.url();
    let http = client();
    let weight = |kind: Kind, code: &str| {
        lotse_hub::ops::record_checks::record_check(kind, code).unwrap().check.weight as i64
    };

    // Each record fails exactly the check it is made to fail, and the good ones none.
    for f in fixtures() {
        let id = f.value["id"].as_str().unwrap();
        let url = format!("{base}/api/v1/admin/quality/{}/{}/{id}", f.kind.plural(), f.node);
        let r = http.get(&url).bearer_auth(&ops).send().await.unwrap();
        assert_eq!(r.status(), 200, "{url}");
        let q: Value = r.json().await.unwrap();
        let codes: Vec<&str> =
            q["findings"].as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap()).collect();
        match f.fails {
            None => {
                assert_eq!((q["score"].as_i64(), codes.len()), (Some(100), 0), "{url}: {q}");
            }
            Some(code) => {
                assert_eq!(codes, [code], "{url}: {q}");
                let check = lotse_hub::ops::record_checks::record_check(f.kind, code).unwrap();
                let lost = if code == "validator_warnings" { 5 } else { weight(f.kind, code) };
                assert_eq!(q["score"].as_i64(), Some(100 - lost), "{url}");
                assert_eq!(q["findings"][0]["level"], check.level.as_str(), "{url}");
                assert!(q["findings"][0]["fix"]["de"].is_string() && q["findings"][0]["pointer"].is_string());
            }
        }
    }
    // The networks' levels: reachable by nobody is an error, by phone only a notice; a dangling
    // reference points at itself and names its target.
    let q: Value = http
        .get(format!("{base}/api/v1/admin/quality/networks/essen/net-none"))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((q["findings"][0]["level"].as_str(), q["errors"].as_i64()), (Some("error"), Some(1)));
    let q: Value = http
        .get(format!("{base}/api/v1/admin/quality/networks/essen/net-phone"))
        .bearer_auth(&essen)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(q["findings"][0]["level"], "notice");
    let q: Value = http
        .get(format!("{base}/api/v1/admin/quality/projects/essen/p-dangling"))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(q["findings"][0]["pointer"], "/partners/0");
    assert!(q["findings"][0]["detail"].as_str().unwrap().contains("essen/fehlt-3"), "{q}");

    // A node's records by page, for the operator and the node's own steward only.
    let page = format!("{base}/api/v1/admin/quality/nodes/essen/organizations?limit=2");
    let p: Value = http.get(&page).bearer_auth(&essen).send().await.unwrap().json().await.unwrap();
    assert_eq!(p["items"].as_array().unwrap().len(), 2);
    let after = p["next_after"].as_str().unwrap().to_owned();
    let rest: Value = http
        .get(format!("{page}&after={after}"))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rest["items"].as_array().unwrap().len(), 2);
    assert_eq!(http.get(&page).bearer_auth(&muelheim).send().await.unwrap().status(), 403);
    assert_eq!(http.get(&page).send().await.unwrap().status(), 401);
    let r = http.get(format!("{page}&limit=abc")).bearer_auth(&ops).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let r = http
        .get(format!("{base}/api/v1/admin/quality/organizations/essen/org-hours"))
        .bearer_auth(&muelheim)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = http
        .get(format!("{base}/api/v1/admin/quality/networks/essen/nicht-da"))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let csv = http
        .get(format!("{base}/api/v1/admin/quality/nodes/essen/projects.csv"))
        .bearer_auth(&essen)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("id,title,score,unverified,check,level,lost,pointer,fix_de,fix_en"), "{text}");
    assert!(text.contains("p-ended,Projekt p-ended,75,false,status_after_end,warning,25,/status,"), "{text}");
    assert_eq!(text.lines().count(), 1 + 6, "{text}");

    // The checks of each kind with their levels; the offers' as before.
    let checks: Vec<Value> = http
        .get(format!("{base}/api/v1/admin/quality/checks?kind=networks"))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(checks.iter().map(|c| c["weight"].as_i64().unwrap()).sum::<i64>(), 100);
    assert!(checks.iter().any(|c| c["code"] == "coordinator_email" && c["level"] == "notice"));
    let offers: Vec<Value> = http
        .get(format!("{base}/api/v1/admin/quality/checks"))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(offers.iter().all(|c| c.get("level").is_none()));
    assert_eq!(offers.len(), lotse_hub::ops::checks::CHECKS.len());
    let r = http
        .get(format!("{base}/api/v1/admin/quality/checks?kind=events"))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // The operator's pages: the overview and the node beside the offers' figures, each
    // record's findings.
    let cookies = login(&base, &ops).await;
    let page = |path: String| {
        let (http, base, cookies) = (http.clone(), base.clone(), cookies.clone());
        async move {
            let r = http.get(format!("{base}{path}")).header(header::COOKIE, cookies).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (status, html) = page("/betrieb".into()).await;
    assert_eq!(status, 200);
    assert!(html.contains("Einrichtungen, Netzwerke und Projekte"), "{html}");
    assert!(html.contains("<th scope=\"row\">Netzwerke</th>\n  <td>5</td>"), "{html}");
    let (status, html) = page("/betrieb/knoten/essen".into()).await;
    assert_eq!(status, 200);
    assert!(html.contains("/betrieb/netzwerke/essen/net-none"), "{html}");
    assert!(html.contains("coordinator_reachable (error)"), "{html}");
    assert!(html.contains("/api/v1/admin/quality/nodes/essen/projects.csv"));
    let (status, html) = page("/betrieb/netzwerke/essen/net-none".into()).await;
    assert_eq!(status, 200);
    assert!(html.contains("coordinator_reachable") && html.contains("Fehler"), "{html}");
    let (status, html) = page("/betrieb/einrichtungen/muelheim/m-1?lang=en".into()).await;
    assert_eq!(status, 200);
    assert!(html.contains("The record passes every check."), "{html}");
    assert_eq!(page("/betrieb/projekte/essen/nicht-da".into()).await.0, 404);
    hub.shutdown().await;
}

/// Signs in to the operator's pages; the cookies of the session.
async fn login(base: &str, ops: &str) -> String {
    let http = client();
    let r = http.get(format!("{base}/betrieb/anmelden")).send().await.unwrap();
    let csrf = r
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("lotse_csrf=").map(|rest| rest.split(';').next().unwrap().to_owned()))
        .expect("a CSRF cookie");
    let r = http
        .post(format!("{base}/betrieb/anmelden"))
        .header(header::COOKIE, format!("lotse_csrf={csrf}"))
        .form(&[("token", ops), ("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let session = r
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("lotse_betrieb=").map(|rest| rest.split(';').next().unwrap().to_owned()))
        .expect("a session cookie");
    format!("lotse_betrieb={session}; lotse_csrf={csrf}")
}

async fn node_health_counts_every_kind(db: TestDb) {
    let (hub, ops, _, _) = hub_with_records(&db).await;
    let base = hub.url();
    let http = client();
    let store = hub.hub().store().clone();
    let now = now();
    // The last harvest of essen's networks failed; muelheim publishes no projects (standard 1.0
    // answers 404).
    store.record_feed_harvest("essen", Kind::Network, true, Some("HTTP 500"), now).await.unwrap();
    store.record_feed_harvest("muelheim", Kind::Project, false, None, now).await.unwrap();

    let nodes: Vec<Value> = http
        .get(format!("{base}/api/v1/admin/quality/nodes"))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (e, m) = (&nodes[0], &nodes[1]);
    assert_eq!(e["node_id"], "essen");
    let kinds: Vec<&str> =
        e["kinds"].as_array().unwrap().iter().map(|k| k["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["organization", "network", "project"]);
    let records: Vec<i64> =
        e["kinds"].as_array().unwrap().iter().map(|k| k["records"].as_i64().unwrap()).collect();
    assert_eq!(records, [5, 5, 6]);
    let org = &e["kinds"][0];
    assert_eq!((org["published"].as_bool(), org["checkpoint_modified"].as_i64()), (Some(true), Some(7)));
    assert_eq!(org["checkpoint_id"], "last-organization");
    assert!(org["last_error"].is_null());
    assert_eq!(org["dangling_references"], 1);
    // The mean of 100, 70, 65, 75 and 95.
    assert_eq!(org["quality"]["mean_score"].as_f64(), Some(81.0), "{org}");
    assert_eq!(org["quality"]["unverified"], 1);
    let net = &e["kinds"][1];
    assert_eq!(net["last_error"], "HTTP 500");
    assert_eq!(net["quality"]["with_errors"], 1);
    assert_eq!(e["dangling_references"], 3);
    assert_eq!(e["state"], "warn");
    let reasons: Vec<&str> =
        e["reasons"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["kind_feed_failed"]);
    assert!(e["reasons"][0]["message"]["de"].as_str().unwrap().contains("Netzwerke"));
    assert_eq!(m["kinds"][0]["records"], 1);
    assert_eq!(m["kinds"][2]["published"], false);
    assert_eq!(m["kinds"][2]["records"], 0);
    assert_eq!(m["state"], "ok");
    assert_eq!(m["dangling_references"], 0);

    // The health job counts the kinds too, without their scores.
    let job = lotse_hub::ops::health::run_once(hub.hub()).await.unwrap();
    assert_eq!(job[0].kinds[1].records, 5);
    assert!(job[0].kinds[1].quality.is_none());
    assert_eq!(job[0].state, lotse_hub::ops::health::HealthState::Warn);

    let csv = http
        .get(format!("{base}/api/v1/admin/quality/nodes.csv"))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let header_line = csv.lines().next().unwrap();
    assert!(
        header_line.ends_with(
            "dangling_references,organizations,organizations_mean_score,networks,networks_mean_score,projects,projects_mean_score"
        ),
        "{header_line}"
    );
    assert!(csv.lines().nth(1).unwrap().ends_with(",3,5,81.0,5,82.0,6,85.0"), "{csv}");
    hub.shutdown().await;
}
