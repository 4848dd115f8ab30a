//! The operator's view at scale: rescoring every offer, and the dashboard's JSON and pages at
//! N offers over M nodes with a year of daily snapshots.
//!
//! ```text
//! cargo run --release -p lotse-hub --example quality_bench -- [OFFERS] [NODES] [DATABASE_URL]
//! ```
//!
//! Defaults: 100,000 offers, 50 nodes, SQLite in a temporary directory (`postgres://…` for an
//! empty PostgreSQL database; there the HTTP figures are taken again after `VACUUM (ANALYZE)`). Offers are generated, judged and placed by the harvest's own
//! code and stored page by page as a harvest stores them; snapshots of 365 days are written
//! for every node and municipality. Figures are medians; each comes with a baseline measured
//! in the same run: for rescoring, reading and parsing every offer without scoring it; for
//! HTTP, `GET /healthz` on the same server.
//!
//! With `LOTSE_BENCH_SERVE_INFO=FILE` the hub keeps serving after the figures, and FILE gets
//! `{"hub_url", "operator_token", "nodes": [{"id", "name", "url", "steward_token"}]}` (the
//! form the browser tests read), for looking at the operator pages with generated data.

use std::time::{Duration, Instant};

use lotse_generate::{Generator, Options};
use lotse_http::config::ServiceConfig;
use lotse_hub::config::SearchConfig;
use lotse_hub::harvest::process;
use lotse_hub::store::quality::{Snapshot, SnapshotScope};
use lotse_hub::store::{Checkpoint, NewNode, PageWrite};
use lotse_hub::{Hub, HubConfig, Role};
use lotse_standard::date::Date;

const PAGE: usize = 1000;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn timed<F, Fut, T>(runs: usize, mut f: F) -> (f64, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f().await);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    (median(times), last.expect("at least one run"))
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let nodes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let database = args.next();
    let dir = tempfile::tempdir().unwrap();
    let url = database.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("hub.db").display()));
    let kind = if url.starts_with("sqlite:") { "sqlite" } else { "postgres" };
    let postgres_url = (kind == "postgres").then(|| url.clone());
    let config = HubConfig {
        service: ServiceConfig {
            listen: "127.0.0.1:0".into(),
            database_url: Some(url.into()),
            ..ServiceConfig::default()
        },
        scheduler: false,
        search: SearchConfig { in_memory: true, ..SearchConfig::default() },
        ..HubConfig::default()
    };
    let hub = Hub::open(config).await.unwrap();
    let store = hub.store().clone();
    let today = Date::today_utc();
    let region = lotse_geo::ruhr();

    // Offers: node i publishes in one municipality of the region, in turns.
    let started = Instant::now();
    let per_node = n.div_ceil(nodes);
    let mut stewards: Vec<(String, String, String)> = Vec::new();
    let mut stored = 0;
    for i in 0..nodes {
        let id = format!("node{i:02}");
        let ags = region.municipalities[i % region.municipalities.len()].ags.clone();
        let node = NewNode {
            id: id.clone(),
            name: format!("Knoten {i}"),
            feed_url: format!("https://node{i}.example.org/feed/offers"),
            jurisdiction: vec![ags.clone()],
        };
        let (info, steward) = hub.add_node(node).await.unwrap();
        stewards.push((id.clone(), info.name.clone(), steward.expose().to_owned()));
        let mut options = Options::new(100 + i as u64, today);
        options.node_id = Some(id.clone());
        options.municipalities = Some(vec![ags.clone()]);
        let generator = Generator::new(options).unwrap();
        let count = per_node.min(n - stored);
        let mut after: Option<Checkpoint> = None;
        let harvest_started = Instant::now();
        for start in (0..count).step_by(PAGE) {
            let items: Vec<lotse_hub::harvest::client::FeedItem> = (start..(start + PAGE).min(count))
                .map(|k| {
                    let offer = generator.offer(k as u64);
                    lotse_hub::harvest::client::FeedItem {
                        id: offer.id.clone(),
                        modified: k as i64 + 1,
                        body: lotse_hub::harvest::client::ItemBody::Updated(
                            serde_json::to_value(&offer).unwrap(),
                        ),
                        standard_version: Some(lotse_standard::STANDARD_VERSION.into()),
                    }
                })
                .collect();
            let last =
                Checkpoint { modified: items.last().unwrap().modified, id: items.last().unwrap().id.clone() };
            let writes = process::finish(
                process::judge_page(today, &info.jurisdiction, items),
                &Default::default(),
                &info.id,
            );
            let page = PageWrite {
                node_id: id.clone(),
                after: after.clone(),
                checkpoint: last.clone(),
                items: writes,
                standard_version: Some(lotse_standard::STANDARD_VERSION.into()),
                now: unix_now(),
            };
            store.store_page(&page).await.unwrap();
            after = Some(last);
        }
        store
            .record_harvest(
                &id,
                &lotse_hub::store::HarvestRecord::Success {
                    at: unix_now(),
                    duration_ms: harvest_started.elapsed().as_millis() as i64,
                    head_at_start: None,
                },
            )
            .await
            .unwrap();
        stored += count;
    }
    eprintln!("{stored} offers of {nodes} nodes stored in {:.1} s", started.elapsed().as_secs_f64());

    // A year of snapshots for every node and municipality.
    let started = Instant::now();
    let mut snaps = Vec::new();
    for d in 0..365 {
        let day = today.add_days(-d).to_string();
        let wobble = d % 17;
        for i in 0..nodes {
            snaps.push(fake_snapshot(
                SnapshotScope::Node,
                &format!("node{i:02}"),
                &day,
                per_node as i64 - wobble,
            ));
        }
        for m in &region.municipalities {
            snaps.push(fake_snapshot(SnapshotScope::Municipality, &m.ags, &day, 1000 - wobble));
        }
    }
    store.write_snapshots(&snaps).await.unwrap();
    eprintln!("{} snapshots written in {:.1} s", snaps.len(), started.elapsed().as_secs_f64());

    // Rescoring, against reading and parsing every offer alone.
    let (read_ms, read) = timed(3, || async {
        let mut after = 0;
        let mut parsed = 0usize;
        loop {
            let batch = store.quality_inputs(after, 5000).await.unwrap();
            let Some(last) = batch.last() else { break };
            after = last.modified;
            let rows = tokio::task::spawn_blocking(move || {
                batch
                    .iter()
                    .filter_map(|i| i.data.as_deref())
                    .filter(|d| serde_json::from_str::<lotse_standard::Offer>(d).is_ok())
                    .count()
            })
            .await
            .unwrap();
            parsed += rows;
        }
        parsed
    })
    .await;
    let (score_ms, report) =
        timed(3, || async { lotse_hub::ops::score::rescore_all(&hub, today).await.unwrap() }).await;
    println!(
        "{kind}: rescore {} offers: median {:.2} s ({:.0} offers/s); baseline read+parse {} offers: {:.2} s; ratio {:.2}",
        report.scored,
        score_ms / 1000.0,
        report.scored as f64 / (score_ms / 1000.0),
        read,
        read_ms / 1000.0,
        score_ms / read_ms
    );
    let (snap_ms, _) =
        timed(3, || async { lotse_hub::ops::snapshot::run_once(&hub, today).await.unwrap() }).await;
    println!("{kind}: snapshot of the day (every node and municipality): median {:.0} ms", snap_ms);

    // The dashboard over HTTP.
    let (_, ops) = hub.create_token("bench", Role::Operator).await.unwrap();
    let ops = ops.expose().to_owned();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let router = hub.router(&base);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let http = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(60)).build().unwrap();
    let session = login(&http, &base, &ops).await;
    let get = |path: String, auth: bool| {
        let (http, ops, session) = (http.clone(), ops.clone(), session.clone());
        let url = format!("{base}{path}");
        async move {
            let mut r = http.get(&url);
            if auth {
                r = r.bearer_auth(&ops);
            }
            if let Some(cookie) = &session {
                r = r.header("cookie", cookie);
            }
            let r = r.send().await.unwrap();
            assert!(r.status().is_success(), "{url}: {}", r.status());
            r.bytes().await.unwrap().len()
        }
    };
    let targets = [
        "/api/v1/admin/quality/nodes".to_owned(),
        "/api/v1/admin/quality/trend?days=90".to_owned(),
        "/api/v1/admin/quality/trend?scope=node&key=node07&days=90".to_owned(),
        "/api/v1/admin/quality/coverage?offer_type=sprachkurs".to_owned(),
        "/api/v1/admin/quality/nodes/node07/offers?limit=100".to_owned(),
        "/api/v1/admin/quality/nodes.csv".to_owned(),
        "/betrieb".to_owned(),
        "/betrieb/knoten/node07".to_owned(),
        "/betrieb/abdeckung?offer_type=sprachkurs".to_owned(),
        "/betrieb/quarantaene".to_owned(),
    ];
    let serve_info = std::env::var("LOTSE_BENCH_SERVE_INFO").ok();
    // On PostgreSQL the rescoring above leaves the old version of every score row behind
    // until autovacuum gets to the table, and until then the per-node figures cannot be read
    // from the covering index alone. So the dashboard is measured twice there: right after
    // the rescoring, and after `VACUUM (ANALYZE)`, as a running hub serves it once autovacuum
    // has passed after a sweep.
    let mut rounds = vec![kind.to_owned()];
    if postgres_url.is_some() {
        rounds.push(format!("{kind} after VACUUM (ANALYZE)"));
    }
    for (round, label) in rounds.iter().enumerate() {
        if round > 0
            && let Some(url) = &postgres_url
        {
            use sqlx::Connection;
            let started = Instant::now();
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query("VACUUM (ANALYZE)").execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
            eprintln!("VACUUM (ANALYZE) in {:.1} s", started.elapsed().as_secs_f64());
        }
        let (floor, _) = timed(21, || get("/healthz".into(), false)).await;
        println!("{label}: GET /healthz (baseline): median {floor:.2} ms");
        for path in &targets {
            if path.starts_with("/betrieb") && session.is_none() {
                continue;
            }
            let (ms, bytes) = timed(21, || get(path.clone(), true)).await;
            println!(
                "{label}: GET {path}: median {ms:.1} ms ({bytes} bytes), {:.0}× the baseline",
                ms / floor
            );
        }
    }
    if let Some(file) = serve_info {
        let nodes: Vec<serde_json::Value> = stewards
            .iter()
            .map(|(id, name, token)| {
                serde_json::json!({"id": id, "name": name, "url": format!("https://{id}.example.org"), "steward_token": token})
            })
            .collect();
        let info = serde_json::json!({"hub_url": base, "operator_token": ops, "nodes": nodes});
        std::fs::write(&file, info.to_string()).unwrap();
        eprintln!("serving at {base}; info in {file}");
        std::future::pending::<()>().await;
    }
}

/// Logs in to the operator pages and returns the session cookie, when the pages exist.
async fn login(http: &reqwest::Client, base: &str, token: &str) -> Option<String> {
    let page = http.get(format!("{base}/betrieb/anmelden")).send().await.ok()?;
    if !page.status().is_success() {
        return None;
    }
    let csrf =
        page.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
            c.strip_prefix("lotse_csrf=").map(|v| v.split(';').next().unwrap_or("").to_owned())
        })?;
    let no_redirect =
        reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build().ok()?;
    let r = no_redirect
        .post(format!("{base}/betrieb/anmelden"))
        .header("cookie", format!("lotse_csrf={csrf}"))
        .form(&[("token", token), ("_csrf", csrf.as_str())])
        .send()
        .await
        .ok()?;
    let session = r.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        c.starts_with("lotse_betrieb=").then(|| c.split(';').next().unwrap_or("").to_owned())
    })?;
    Some(format!("{session}; lotse_csrf={csrf}"))
}

fn fake_snapshot(scope: SnapshotScope, key: &str, day: &str, offers: i64) -> Snapshot {
    Snapshot {
        scope,
        key: key.to_owned(),
        day: day.to_owned(),
        offers,
        mean_score: 70.0 + (offers % 13) as f64,
        warnings: offers / 20,
        expired: offers / 50,
        unverified: offers / 25,
        by_type: r#"{"sprachkurs":400,"beratung":300,"bildung":300}"#.into(),
        by_phase: r#"{"ankommen":500,"arbeit":500}"#.into(),
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}
