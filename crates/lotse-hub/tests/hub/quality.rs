//! The operator's view with a real hub on `127.0.0.1:0` and fake nodes: scores and findings
//! after a harvest and who may see them, the sweep, node health over the API, snapshots,
//! trends and coverage with a population upload, and the link checker with its guard against
//! private addresses.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::any;
use lotse_hub::ops::links::{LinkChecker, LinkSettings};
use lotse_hub::ops::{links, score, snapshot, sweep};
use lotse_hub::store::quality::SnapshotScope;
use lotse_hub::{Hub, HubHandle, NewNode, Role};
use lotse_standard::Offer;
use lotse_standard::date::Date;
use serde_json::Value;

use crate::backends;
use crate::common::fake_node::FakeNode;
use crate::common::{DORTMUND, ESSEN, TestDb, eventually, hub_config, offers, today};

backends!(
    scores_follow_harvests_and_stewards_see_only_their_own,
    the_sweep_marks_expired_and_unverified_offers,
    node_health_over_the_api,
    snapshots_trends_and_coverage,
    the_link_checker_never_calls_private_addresses,
    the_link_checker_is_polite_and_falls_back_to_get,
    operator_pages_behind_login,
);

/// A hub whose operator jobs only run when a test calls them.
async fn start_hub(db: &TestDb) -> HubHandle {
    let mut config = hub_config(db);
    config.quality.poll_ms = 3_600_000;
    Hub::start(config).await.expect("hub starts")
}

async fn register(hub: &Hub, id: &str, node: &FakeNode, ags: &str) -> String {
    let (_, token) = hub
        .add_node(NewNode {
            id: id.into(),
            name: format!("Knoten {id}"),
            feed_url: node.feed_url(),
            jurisdiction: vec![ags.into()],
        })
        .await
        .unwrap();
    token.expose().to_owned()
}

async fn operator_token(hub: &Hub) -> String {
    hub.create_token("betrieb", Role::Operator).await.unwrap().1.expose().to_owned()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

fn codes(q: &Value) -> Vec<String> {
    q["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_owned()).collect()
}

/// A generated offer made current and free of everything the tests look at: verified today,
/// no end, no links.
fn plain(mut o: Offer) -> Offer {
    o.verified_at = Some(today().to_string());
    o.valid_until = None;
    o.status = "active".into();
    if let Some(s) = o.schedule.as_mut() {
        s.end_date = None;
    }
    o.url = None;
    o.contact.url = None;
    o
}

async fn scores_follow_harvests_and_stewards_see_only_their_own(db: TestDb) {
    let hub = start_hub(&db).await;
    let base = hub.url();
    let http = client();
    let essen = FakeNode::start(20).await;
    let dortmund = FakeNode::start(20).await;
    let mut list: Vec<Offer> = offers("essen", &[ESSEN], 41, 0, 30).into_iter().map(plain).collect();
    // The first offer fails three checks on purpose: no English title, verified two years ago
    // (which the validator also warns about).
    list[0].title.remove("en");
    list[0].verified_at = Some(today().add_days(-730).to_string());
    essen.put_all(&list);
    dortmund.put_all(&offers("dortmund", &[DORTMUND], 42, 0, 5));
    let essen_token = register(hub.hub(), "essen", &essen, ESSEN).await;
    let dortmund_token = register(hub.hub(), "dortmund", &dortmund, DORTMUND).await;
    let ops = operator_token(hub.hub()).await;
    hub.harvest_now("essen").await.unwrap();
    hub.harvest_now("dortmund").await.unwrap();

    let report = score::score_changes_once(hub.hub()).await.unwrap();
    assert_eq!(report.scored, 35);
    // Nothing changed since: nothing to score.
    assert_eq!(score::score_changes_once(hub.hub()).await.unwrap().scored, 0);

    let url = format!("{base}/api/v1/admin/quality/offers/essen/{}", list[0].id);
    let r = http.get(&url).bearer_auth(&ops).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let q: Value = r.json().await.unwrap();
    let found = codes(&q);
    for code in ["english_title", "verified_recently", "validator_warnings"] {
        assert!(found.contains(&code.to_owned()), "{code} missing in {found:?}");
    }
    let lost: i64 = q["findings"].as_array().unwrap().iter().map(|f| f["lost"].as_i64().unwrap()).sum();
    assert_eq!(q["score"].as_i64().unwrap(), 100 - lost);
    assert!(q["score"].as_i64().unwrap() <= 100 - 5 - 12 - 5);
    assert_eq!(q["unverified"], true);
    assert_eq!(q["municipalities"], serde_json::json!([ESSEN]));
    let fix = &q["findings"][0]["fix"];
    assert!(fix["de"].is_string() && fix["en"].is_string());

    // The steward of the node sees the same findings; another node's steward does not.
    let r = http.get(&url).bearer_auth(&essen_token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), q);
    assert_eq!(http.get(&url).bearer_auth(&dortmund_token).send().await.unwrap().status(), 403);
    assert_eq!(http.get(&url).send().await.unwrap().status(), 401);
    let page = format!("{base}/api/v1/admin/quality/nodes/essen/offers?limit=10");
    let r = http.get(&page).bearer_auth(&essen_token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["items"].as_array().unwrap().len(), 10);
    assert!(p["next_after"].is_string());
    assert_eq!(http.get(&page).bearer_auth(&dortmund_token).send().await.unwrap().status(), 403);
    let r = http
        .get(format!("{base}/api/v1/admin/quality/nodes/essen/offers.csv"))
        .bearer_auth(&essen_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("id,score,"));
    assert!(csv.lines().any(|l| l.starts_with(&list[0].id) && l.contains("english_title")));
    // The node list is the operator's only.
    let nodes = format!("{base}/api/v1/admin/quality/nodes");
    assert_eq!(http.get(&nodes).bearer_auth(&essen_token).send().await.unwrap().status(), 401);

    // A deleted offer loses its score with the next run.
    essen.delete(&list[0].id);
    hub.harvest_now("essen").await.unwrap();
    assert_eq!(score::score_changes_once(hub.hub()).await.unwrap().removed, 1);
    assert_eq!(http.get(&url).bearer_auth(&ops).send().await.unwrap().status(), 404);

    // The follower runs by itself in a hub with the default interval.
    hub.shutdown().await;
    let mut quick = hub_config(&db);
    quick.quality.poll_ms = 50;
    let hub = Hub::start(quick).await.unwrap();
    let mut changed = list[1].clone();
    changed.title.remove("en");
    essen.put(&changed);
    hub.harvest_now("essen").await.unwrap();
    let store = hub.hub().store().clone();
    eventually(10, "the follower scores the change", || {
        let store = store.clone();
        let id = changed.id.clone();
        async move {
            store
                .get_quality("essen", &id)
                .await
                .unwrap()
                .is_some_and(|r| r.findings.contains("english_title"))
        }
    })
    .await;
    hub.shutdown().await;
}

async fn the_sweep_marks_expired_and_unverified_offers(db: TestDb) {
    let hub = start_hub(&db).await;
    let base = hub.url();
    let node = FakeNode::start(50).await;
    let mut list: Vec<Offer> = offers("essen", &[ESSEN], 51, 0, 3).into_iter().map(plain).collect();
    let (expired, stale, fresh) = (list[0].id.clone(), list[1].id.clone(), list[2].id.clone());
    list[0].valid_until = Some(today().add_days(-1).to_string());
    list[1].verified_at = Some(today().add_days(-400).to_string());
    node.put_all(&list);
    register(hub.hub(), "essen", &node, ESSEN).await;
    hub.harvest_now("essen").await.unwrap();

    let report = sweep::run_once(hub.hub(), today()).await.unwrap();
    assert_eq!((report.scores.scored, report.scores.expired, report.scores.unverified), (3, 1, 1));
    let store = hub.hub().store();
    let q = |id: String| async move { store.get_quality("essen", &id).await.unwrap().unwrap() };
    let e = q(expired.clone()).await;
    assert!(e.expired && !e.unverified && e.findings.contains("valid_until_passed"));
    let s = q(stale.clone()).await;
    assert!(!s.expired && s.unverified);
    let f = q(fresh.clone()).await;
    assert!(!f.expired && !f.unverified, "{f:?}");

    // A year later, without any change of the offers, the sweep finds the fresh one stale too.
    let later = sweep::run_once(hub.hub(), today().add_days(400)).await.unwrap();
    assert_eq!(later.scores.unverified, 3);
    assert!(q(fresh.clone()).await.unverified);

    // Expired offers stay at the hub but leave the default search.
    hub.hub().index_now().await.unwrap();
    let search = |query: &'static str| {
        let base = base.clone();
        async move {
            let v: Value = client()
                .get(format!("{base}/api/v1/search?{query}"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let shown = search("page_size=100").await;
    assert!(!shown.iter().any(|id| id.ends_with(&expired)), "{shown:?}");
    assert!(shown.iter().any(|id| id.ends_with(&fresh)), "{shown:?}");
    assert!(search("page_size=100&include_expired=true").await.iter().any(|id| id.ends_with(&expired)));
    hub.shutdown().await;
}

async fn node_health_over_the_api(db: TestDb) {
    let hub = start_hub(&db).await;
    let base = hub.url();
    let http = client();
    let good = FakeNode::start(50).await;
    good.put_all(&offers("essen", &[ESSEN], 61, 0, 10));
    register(hub.hub(), "essen", &good, ESSEN).await;
    let failing = FakeNode::start(50).await;
    failing.put_all(&offers("dortmund", &[DORTMUND], 62, 0, 3));
    failing.fail_after(0, crate::common::fake_node::Fault::ServerError);
    register(hub.hub(), "dortmund", &failing, DORTMUND).await;
    let ops = operator_token(hub.hub()).await;
    hub.harvest_now("essen").await.unwrap();
    assert!(hub.harvest_now("dortmund").await.is_err());
    score::score_changes_once(hub.hub()).await.unwrap();

    let r = http.get(format!("{base}/api/v1/admin/quality/nodes")).bearer_auth(&ops).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let nodes: Vec<Value> = r.json().await.unwrap();
    assert_eq!(nodes.len(), 2);
    let (d, e) = (&nodes[0], &nodes[1]);
    assert_eq!(
        (e["node_id"].as_str(), e["state"].as_str(), e["offers"].as_i64()),
        (Some("essen"), Some("ok"), Some(10))
    );
    assert!(e["mean_score"].as_f64().unwrap() > 0.0);
    assert!(e["lag_seconds"].as_i64().unwrap() < 60);
    assert_eq!(d["state"], "warn");
    assert_eq!(d["reasons"][0]["code"], "last_harvest_failed");
    assert!(d["last_error"].is_string());

    // The health job sets the node metrics.
    lotse_hub::ops::health::run_once(hub.hub()).await.unwrap();
    let metrics = http.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("lotse_hub_node_health{node=\"dortmund\",state=\"warn\"} 1"), "{metrics}");
    assert!(metrics.contains("lotse_hub_node_lag_seconds{node=\"essen\"}"));
    assert!(metrics.contains("lotse_hub_offers_by_score{band="));
    assert!(metrics.contains("lotse_hub_job_duration_seconds_count{job=\"health\"} 1"));

    let csv =
        http.get(format!("{base}/api/v1/admin/quality/nodes.csv")).bearer_auth(&ops).send().await.unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    assert_eq!(text.lines().count(), 3);
    assert!(text.lines().nth(1).unwrap().starts_with("dortmund,Knoten dortmund,warn,last_harvest_failed"));
    hub.shutdown().await;
}

async fn snapshots_trends_and_coverage(db: TestDb) {
    let hub = start_hub(&db).await;
    let base = hub.url();
    let http = client();
    let essen = FakeNode::start(50).await;
    let dortmund = FakeNode::start(50).await;
    let essen_offers = offers("essen", &[ESSEN], 71, 0, 40);
    essen.put_all(&essen_offers);
    dortmund.put_all(&offers("dortmund", &[DORTMUND], 72, 0, 25));
    register(hub.hub(), "essen", &essen, ESSEN).await;
    register(hub.hub(), "dortmund", &dortmund, DORTMUND).await;
    let ops = operator_token(hub.hub()).await;
    hub.harvest_now("essen").await.unwrap();
    hub.harvest_now("dortmund").await.unwrap();
    score::score_changes_once(hub.hub()).await.unwrap();

    let day = today();
    // Three days, the middle one missing: the trend has a gap.
    for d in [day.add_days(-3), day.add_days(-1), day] {
        let r = snapshot::run_once(hub.hub(), d).await.unwrap();
        assert_eq!(r.nodes, 2);
        assert_eq!(r.municipalities, lotse_geo::ruhr().municipalities.len());
    }
    // Taking a day again replaces it.
    snapshot::run_once(hub.hub(), day).await.unwrap();
    let store = hub.hub().store();
    let rows = store
        .snapshots(SnapshotScope::Municipality, Some(ESSEN), &day.to_string(), &day.to_string())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let by_type: std::collections::BTreeMap<String, i64> = serde_json::from_str(&rows[0].by_type).unwrap();
    let mut expected = std::collections::BTreeMap::new();
    for o in &essen_offers {
        *expected.entry(o.offer_type.clone()).or_insert(0i64) += 1;
    }
    assert_eq!(by_type, expected);
    assert_eq!(rows[0].offers, 40);

    let trend = |query: String| {
        let (http, ops, base) = (http.clone(), ops.clone(), base.clone());
        async move {
            let r = http
                .get(format!("{base}/api/v1/admin/quality/trend?{query}"))
                .bearer_auth(&ops)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            r.json::<Vec<Value>>().await.unwrap()
        }
    };
    let region = trend("days=90".into()).await;
    assert_eq!(region.len(), 3);
    assert!(region.iter().all(|p| p["offers"] == 65));
    assert_eq!(region[2]["day"], day.to_string());
    let node = trend("scope=node&key=dortmund&days=2".into()).await;
    assert_eq!(node.len(), 2);
    assert!(node.iter().all(|p| p["offers"] == 25));
    let place = trend(format!("scope=municipality&key={ESSEN}")).await;
    assert_eq!(place[0]["offers"], 40);

    // Coverage: Essen's population is in the region pack.
    let coverage = |query: &str| {
        let (http, ops, base) = (http.clone(), ops.clone(), base.clone());
        let query = query.to_owned();
        async move {
            let r = http
                .get(format!("{base}/api/v1/admin/quality/coverage?{query}"))
                .bearer_auth(&ops)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{query}");
            r.json::<Value>().await.unwrap()
        }
    };
    let c = coverage("").await;
    let row = |c: &Value, ags: &str| {
        c["rows"].as_array().unwrap().iter().find(|r| r["ags"] == ags).unwrap().clone()
    };
    let e = row(&c, ESSEN);
    let population = lotse_geo::ruhr().population(ESSEN).unwrap() as f64;
    assert_eq!(e["population_source"], "region_pack");
    assert!((e["offers_per_10k"].as_f64().unwrap() - 40.0 * 10_000.0 / population).abs() < 1e-6);
    let one_type = essen_offers[0].offer_type.clone();
    let typed = coverage(&format!("offer_type={one_type}")).await;
    assert_eq!(row(&typed, ESSEN)["selected"].as_i64(), Some(expected[&one_type]));
    let r = http
        .get(format!("{base}/api/v1/admin/quality/coverage?offer_type=keine"))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // A town of a Kreis has no figure until the operator uploads one.
    let town = lotse_geo::ruhr().municipalities.iter().find(|m| !m.ags.ends_with("000")).unwrap().ags.clone();
    assert!(row(&c, &town)["population"].is_null());
    let put = |body: String| {
        let (http, ops, base) = (http.clone(), ops.clone(), base.clone());
        async move {
            http.put(format!("{base}/api/v1/admin/quality/population"))
                .bearer_auth(&ops)
                .header(header::CONTENT_TYPE, "text/csv")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let r = put(format!("ags,population\n{town},50000\n{ESSEN},100000\n")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["stored"], 2);
    let c = coverage("").await;
    assert_eq!(row(&c, &town)["population"], 50_000);
    assert_eq!(row(&c, ESSEN)["population_source"], "operator");
    assert!((row(&c, ESSEN)["offers_per_10k"].as_f64().unwrap() - 4.0).abs() < 1e-9);
    // A bad file is refused whole, naming the line; the earlier figures stay.
    let r = put(format!("ags,population\n{town},7\n12345678,9\n")).await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["line"], 3);
    assert_eq!(row(&coverage("").await, &town)["population"], 50_000);
    let csv =
        http.get(format!("{base}/api/v1/admin/quality/coverage.csv")).bearer_auth(&ops).send().await.unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("ags,name,population,offers,offers_per_10k,selected,selected_per_10k,type:"));
    assert_eq!(text.lines().count(), 1 + lotse_geo::ruhr().municipalities.len());
    hub.shutdown().await;
}

/// A loopback server that counts requests and answers by path: `/ok` 200, `/head-405` 405 to
/// HEAD and 200 to GET, `/slow` never, `/gone` 404, `/to?u=URL` a redirect to URL.
#[derive(Clone)]
struct Target {
    addr: std::net::SocketAddr,
    hits: Arc<AtomicUsize>,
    times: Arc<std::sync::Mutex<Vec<(Instant, Method, String)>>>,
}

impl Target {
    async fn start() -> Target {
        let hits = Arc::new(AtomicUsize::new(0));
        let times = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (h, t) = (hits.clone(), times.clone());
        let app = Router::new().fallback(any(move |method: Method, uri: axum::http::Uri| {
            let (h, t) = (h.clone(), t.clone());
            async move {
                h.fetch_add(1, Ordering::SeqCst);
                t.lock().unwrap().push((Instant::now(), method.clone(), uri.path().to_owned()));
                let path = uri.path();
                let r: Response = match path {
                    "/head-405" if method == Method::HEAD => StatusCode::METHOD_NOT_ALLOWED.into_response(),
                    // Never answers: the checker's own timeout ends the request.
                    "/slow" => std::future::pending().await,
                    "/gone" => StatusCode::NOT_FOUND.into_response(),
                    "/to" => {
                        let target = uri.query().and_then(|q| q.strip_prefix("u=")).unwrap_or("/");
                        let target = target
                            .replace("%3A", ":")
                            .replace("%2F", "/")
                            .replace("%5B", "[")
                            .replace("%5D", "]");
                        Redirect::temporary(&target).into_response()
                    }
                    _ => StatusCode::OK.into_response(),
                };
                r
            }
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Target { addr, hits, times }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn settings(exempt: Vec<std::net::SocketAddr>) -> LinkSettings {
    LinkSettings {
        concurrency: 4,
        host_interval: Duration::from_millis(0),
        timeout: Duration::from_millis(800),
        allow_private: false,
        exempt,
    }
}

/// Puts offers with the given URLs (as `url`) at a fake node and harvests and scores them.
async fn offers_with_urls(hub: &HubHandle, urls: &[String]) -> Vec<Offer> {
    let node = FakeNode::start(50).await;
    let list: Vec<Offer> = offers("essen", &[ESSEN], 81, 0, urls.len())
        .into_iter()
        .zip(urls)
        .map(|(o, u)| Offer { url: Some(u.clone()), ..plain(o) })
        .collect();
    node.put_all(&list);
    register(hub.hub(), "essen", &node, ESSEN).await;
    hub.harvest_now("essen").await.unwrap();
    score::score_changes_once(hub.hub()).await.unwrap();
    // The node must outlive the harvest only.
    drop(node);
    list
}

async fn the_link_checker_never_calls_private_addresses(db: TestDb) {
    let hub = start_hub(&db).await;
    let target = Target::start().await;
    let redirector = Target::start().await;
    let t = target.addr.port();
    let r = redirector.addr;
    let enc = |u: String| u.replace(':', "%3A").replace('/', "%2F").replace('[', "%5B").replace(']', "%5D");
    let to = |u: String| format!("http://{r}/to?u={}", enc(u));
    let urls = vec![
        // Directly: an IP literal and a name that resolves to loopback.
        format!("http://127.0.0.1:{t}/direct"),
        format!("http://localhost:{t}/by-name"),
        format!("http://[::1]:{t}/v6"),
        // Through the (exempt) redirector: to loopback by IP and by name, to a private
        // network, to link-local metadata.
        to(format!("http://127.0.0.1:{t}/redirected")),
        to(format!("http://localhost:{t}/redirected-name")),
        to("http://10.255.255.1/private".into()),
        to("http://169.254.169.254/latest/meta-data".into()),
        // The redirector itself, exempt: reachable, and broken.
        format!("http://{r}/ok"),
        format!("http://{r}/gone"),
    ];
    let list = offers_with_urls(&hub, &urls).await;
    let checker = LinkChecker::new(settings(vec![r])).unwrap();
    let report = links::run_with(hub.hub(), &checker, today()).await.unwrap();
    assert_eq!(target.hits(), 0, "the loopback target was called through a user URL");
    assert_eq!((report.urls, report.ok, report.broken, report.refused), (9, 1, 1, 7), "{report:?}");
    let checks = hub.hub().store().link_checks().await.unwrap();
    for u in &urls[..7] {
        let c = &checks[u];
        assert!(!c.ok, "{u}");
        let e = c.error.as_deref().unwrap_or("");
        assert!(e.contains("private") || e.contains("privat"), "{u}: {e}");
    }
    assert!(checks[&urls[7]].ok);
    assert_eq!(checks[&urls[8]].status, Some(404));
    // The redirects were followed as far as the guard: the redirector saw every one.
    assert!(redirector.hits() >= 4);

    // At most once a day: a second run the same day asks nobody.
    let before = redirector.hits();
    let again = links::run_with(hub.hub(), &checker, today()).await.unwrap();
    assert_eq!((again.skipped, again.ok + again.broken + again.refused), (9, 0));
    assert_eq!(redirector.hits(), before);

    // The results feed the score.
    score::rescore_all(hub.hub(), today()).await.unwrap();
    let q = hub.hub().store().get_quality("essen", &list[0].id).await.unwrap().unwrap();
    assert!(q.findings.contains("links_reachable"), "{}", q.findings);
    let ok = hub.hub().store().get_quality("essen", &list[7].id).await.unwrap().unwrap();
    assert!(!ok.findings.contains("links_reachable"));

    // The control: with the target exempt as well, the same URL is called; the test server
    // and its counter work, so the zero above means the guard held.
    let open = LinkChecker::new(settings(vec![r, target.addr])).unwrap();
    assert!(open.check(&urls[0]).await.ok);
    assert_eq!(target.hits(), 1);
    // A name stays refused even then: names are checked after DNS resolution.
    assert!(open.check(&urls[1]).await.refused);
    assert_eq!(target.hits(), 1);
    hub.shutdown().await;
}

async fn the_link_checker_is_polite_and_falls_back_to_get(db: TestDb) {
    let hub = start_hub(&db).await;
    let server = Target::start().await;
    let a = server.addr;
    let urls: Vec<String> =
        ["/head-405", "/ok", "/one", "/two", "/slow"].iter().map(|p| format!("http://{a}{p}")).collect();
    offers_with_urls(&hub, &urls).await;
    let interval = Duration::from_millis(150);
    let checker = LinkChecker::new(LinkSettings { host_interval: interval, ..settings(vec![a]) }).unwrap();
    let report = links::run_with(hub.hub(), &checker, today()).await.unwrap();
    assert_eq!((report.ok, report.broken, report.refused), (4, 1, 0), "{report:?}");
    let checks = hub.hub().store().link_checks().await.unwrap();
    assert!(checks[&urls[0]].ok, "HEAD 405 falls back to GET");
    let slow = &checks[&urls[4]];
    assert!(!slow.ok && slow.error.as_deref().unwrap().contains("timeout"), "{slow:?}");
    let times = server.times.lock().unwrap().clone();
    let methods: Vec<&Method> =
        times.iter().filter(|(_, _, p)| p == "/head-405").map(|(_, m, _)| m).collect();
    assert_eq!(methods, [&Method::HEAD, &Method::GET]);
    // One host: requests at least the interval apart (a little slack for the timer).
    for w in times.windows(2) {
        let gap = w[1].0.duration_since(w[0].0);
        assert!(gap + Duration::from_millis(15) >= interval, "{gap:?} between {:?} and {:?}", w[0].2, w[1].2);
    }
    assert_eq!(Date::today_utc().to_string(), checks[&urls[1]].day);
    hub.shutdown().await;
}

/// `docs/quality.md` documents every check with its weight, group and fix, and every node
/// health rule.
#[test]
fn every_check_is_documented_with_its_weight() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/quality.md");
    let doc = std::fs::read_to_string(path).expect("docs/quality.md");
    for c in lotse_hub::ops::checks::CHECKS {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", c.code)))
            .unwrap_or_else(|| panic!("check {} is not in docs/quality.md", c.code));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(cells[2], c.group.as_str(), "group of {}", c.code);
        assert_eq!(cells[3], c.weight.to_string(), "weight of {}", c.code);
        assert!(cells[5].contains(c.fix_de) && cells[5].contains(c.fix_en), "fix of {}", c.code);
    }
    // Rows of the checks table: a code, a group and a weight.
    let documented = doc
        .lines()
        .filter(|l| l.starts_with("| `"))
        .filter(|l| l.split('|').nth(3).is_some_and(|w| w.trim().parse::<u32>().is_ok()))
        .count();
    for code in [
        "stopped",
        "never_harvested",
        "harvest_overdue",
        "failing",
        "behind_too_long",
        "harvest_late",
        "behind",
        "last_harvest_failed",
        "standard_outdated",
        "quarantine_share",
        "warnings_share",
        "low_mean_score",
        "kind_feed_failed",
    ] {
        assert!(doc.contains(&format!("| `{code}` |")), "health rule {code} is not in docs/quality.md");
    }
    assert_eq!(
        documented,
        lotse_hub::ops::checks::CHECKS.len(),
        "a documented check that the code does not have"
    );
}

/// `docs/quality.md` documents every check of institutions, networks and projects with its
/// kind, level, group, weight and fix, and no check the code does not have.
#[test]
fn every_check_of_the_other_kinds_is_documented() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/quality.md");
    let doc = std::fs::read_to_string(path).expect("docs/quality.md");
    let checks = lotse_hub::ops::record_checks::RECORD_CHECKS;
    for c in checks {
        let prefix = format!("| `{}` | {} |", c.check.code, c.kind.singular());
        let row = doc
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("check {} of {} is not in docs/quality.md", c.check.code, c.kind));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(cells[3], c.level.as_str(), "level of {prefix}");
        assert_eq!(cells[4], c.check.group.as_str(), "group of {prefix}");
        assert_eq!(cells[5], c.check.weight.to_string(), "weight of {prefix}");
        assert!(cells[6].contains(c.check.de) && cells[6].contains(c.check.en), "text of {prefix}");
        assert!(cells[7].contains(c.check.fix_de) && cells[7].contains(c.check.fix_en), "fix of {prefix}");
    }
    // Rows of the kinds' table: a code, a kind, a level, a group and a weight.
    let documented = doc
        .lines()
        .filter(|l| l.starts_with("| `"))
        .filter(|l| l.split('|').nth(5).is_some_and(|w| w.trim().parse::<u32>().is_ok()))
        .count();
    assert_eq!(documented, checks.len(), "a documented check that the code does not have");
}

/// The value of a `Set-Cookie` of the response for `name`, and the whole header.
fn set_cookie(r: &reqwest::Response, name: &str) -> Option<(String, String)> {
    r.headers().get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        c.strip_prefix(&format!("{name}="))
            .map(|rest| (rest.split(';').next().unwrap_or("").to_owned(), c.to_owned()))
    })
}

async fn operator_pages_behind_login(db: TestDb) {
    let hub = start_hub(&db).await;
    let base = hub.url();
    let http =
        reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let node = FakeNode::start(50).await;
    let mut list: Vec<Offer> = offers("essen", &[ESSEN], 91, 0, 12).into_iter().map(plain).collect();
    list[0].title.insert("de".into(), "Kurs für Eltern & Kinder".into());
    list[0].title.remove("en");
    // Markup in offer text never gets past the validator; the quarantine shows it, escaped.
    list[11].title.insert("de".into(), "<script>alert(1)</script> Kurs".into());
    node.put_all(&list);
    register(hub.hub(), "essen", &node, ESSEN).await;
    let ops = operator_token(hub.hub()).await;
    hub.harvest_now("essen").await.unwrap();
    score::score_changes_once(hub.hub()).await.unwrap();
    snapshot::run_once(hub.hub(), today()).await.unwrap();

    // Without a session every page leads to the login.
    let r = http.get(format!("{base}/betrieb")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()[header::LOCATION], "/betrieb/anmelden");
    let r = http.get(format!("{base}/betrieb/anmelden")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("default-src 'self'"));
    let (csrf, _) = set_cookie(&r, "lotse_csrf").expect("a CSRF cookie");
    let login = |token: String, field: String| {
        let (http, base, csrf) = (http.clone(), base.clone(), csrf.clone());
        async move {
            http.post(format!("{base}/betrieb/anmelden"))
                .header(header::COOKIE, format!("lotse_csrf={csrf}"))
                .form(&[("token", token.as_str()), ("_csrf", field.as_str())])
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(login("lotse_falsch".into(), csrf.clone()).await.status(), 401);
    assert_eq!(login(ops.clone(), "0".repeat(64)).await.status(), 403, "a wrong CSRF token");
    let r = login(ops.clone(), csrf.clone()).await;
    assert_eq!(r.status(), 303);
    let (session, raw) = set_cookie(&r, "lotse_betrieb").expect("a session cookie");
    assert!(raw.contains("HttpOnly") && raw.contains("SameSite=Lax") && raw.contains("Max-Age="), "{raw}");
    // Only the hash of the session id is stored.
    let store = hub.hub().store();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!(store.session_token(&lotse_http::token::hash_token(&session), now).await.unwrap().is_some());
    assert!(store.session_token(&session, now).await.unwrap().is_none());

    let cookies = format!("lotse_betrieb={session}; lotse_csrf={csrf}");
    let page = |path: String| {
        let (http, base, cookies) = (http.clone(), base.clone(), cookies.clone());
        async move {
            let r = http.get(format!("{base}{path}")).header(header::COOKIE, cookies).send().await.unwrap();
            let status = r.status();
            (status, r.text().await.unwrap())
        }
    };
    let (status, html) = page("/betrieb".into()).await;
    assert_eq!(status, 200);
    assert!(html.contains("Knoten essen") && html.contains("<svg"), "{html}");
    let (status, html) = page("/betrieb/knoten/essen".into()).await;
    assert_eq!(status, 200);
    assert!(html.contains(&list[1].id));
    // The harvest's duration, and how far the hub is behind: not at all so far.
    let info = hub.hub().get_node("essen").await.unwrap();
    let ms = info.last_success_duration_ms.expect("the harvest's duration is recorded");
    let shown =
        if ms < 1000 { format!("{ms} ms") } else { format!("{:.1} s", ms as f64 / 1000.0).replace('.', ",") };
    assert!(
        html.contains(&format!("<dt>Dauer der letzten erfolgreichen Sammlung</dt><dd>{shown}</dd>")),
        "{html}"
    );
    assert!(html.contains("<dt>Rückstand</dt><dd>keiner</dd>"), "{html}");
    // A ping reported five changes more, three minutes ago.
    let checkpoint = info.checkpoint.expect("a checkpoint").modified;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    hub.hub().store().record_head("essen", checkpoint + 5, now - 180).await.unwrap();
    let (_, html) = page("/betrieb/knoten/essen".into()).await;
    assert!(html.contains("<dt>Rückstand</dt><dd>5 Änderungen seit 3 Minuten</dd>"), "{html}");
    assert!(html.contains(&format!("<dd>{}</dd>", checkpoint + 5)), "the reported head: {html}");
    let (_, html) = page("/betrieb/knoten/essen?lang=en".into()).await;
    assert!(html.contains("<dt>Behind</dt><dd>5 changes for 3 minutes</dd>"), "{html}");
    let (_, html) = page("/betrieb".into()).await;
    assert!(html.contains("<td>5 Änderungen seit 3 Minuten</td>"), "{html}");
    let (status, html) = page(format!("/betrieb/angebote/essen/{}", list[0].id)).await;
    assert_eq!(status, 200);
    assert!(html.contains("english_title"));
    assert!(
        html.contains("Eltern &#38; Kinder") && !html.contains("Eltern & Kinder"),
        "offer text is escaped: {}",
        &html[html.find("<h1").unwrap_or(0)..][..300]
    );
    let (status, _) = page("/betrieb/angebote/essen/nicht-da".into()).await;
    assert_eq!(status, 404);
    let (status, html) = page("/betrieb/quarantaene?lang=en".into()).await;
    assert_eq!(status, 200);
    assert!(html.contains("Quarantine") && html.contains(&list[11].id), "{html}");
    assert!(!html.contains("<script>alert"), "quarantined text is escaped");
    let (status, html) = page(format!("/betrieb/abdeckung?offer_type={}", list[0].offer_type)).await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("<path ").count(), lotse_geo::ruhr().municipalities.len());
    // The pages' session also opens the CSV downloads, but nothing that changes data.
    let (status, csv) = page("/api/v1/admin/quality/nodes.csv".into()).await;
    assert_eq!(status, 200);
    assert!(csv.starts_with("node_id,"));
    let r = http
        .post(format!("{base}/api/v1/admin/quality/jobs/sweep"))
        .header(header::COOKIE, cookies.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // The population form checks its CSRF token and reports a bad line.
    let upload = |body: &'static str, field: String| {
        let (http, base, cookies) = (http.clone(), base.clone(), cookies.clone());
        async move {
            http.post(format!("{base}/betrieb/abdeckung/bevoelkerung"))
                .header(header::COOKIE, cookies)
                .form(&[("population", body), ("_csrf", field.as_str())])
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(upload("05113000,1000", "x".into()).await.status(), 403);
    let r = upload("ags,population\n05113000,abc", csrf.clone()).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Zeile 2"));
    let r = upload("ags,population\n05113000,100000", csrf.clone()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(store.population().await.unwrap().get(ESSEN), Some(&100_000));

    // Logging out ends the session; so does revoking the operator token.
    let r = http
        .post(format!("{base}/betrieb/abmelden"))
        .header(header::COOKIE, cookies.clone())
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(page("/betrieb".into()).await.0, 303);
    let r = login(ops.clone(), csrf.clone()).await;
    let (second, _) = set_cookie(&r, "lotse_betrieb").unwrap();
    let tokens = hub.hub().store().list_tokens().await.unwrap();
    hub.hub().revoke_token(tokens[0].id).await.unwrap();
    let r = http
        .get(format!("{base}/betrieb"))
        .header(header::COOKIE, format!("lotse_betrieb={second}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "a revoked token's session is over");
    // An expired session is over too.
    let (other, _) = hub.hub().create_token("zweiter", Role::Operator).await.unwrap();
    let old = lotse_http::token::hash_token("abgelaufen");
    store.create_session(&old, other.id, 0, 100).await.unwrap();
    assert!(store.session_token(&old, 99).await.unwrap().is_some());
    assert!(store.session_token(&old, 100).await.unwrap().is_none());
    hub.shutdown().await;
}
