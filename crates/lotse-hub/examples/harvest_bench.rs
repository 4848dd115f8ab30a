//! First full harvest of one node: offers per second end to end (feed read over loopback HTTP,
//! validation, jurisdiction, placement, store).
//!
//! ```text
//! cargo run --release -p lotse-hub --example harvest_bench -- [OFFERS] [DATABASE_URL]
//! ```
//!
//! The node is an in-memory RPDE server with its pages prepared beforehand, so that the figure
//! is the hub's own rate and not the node's. Without `DATABASE_URL` the hub uses SQLite in a
//! temporary directory; with `postgres://…` it uses that (empty) database.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Query, State};
use axum::routing::get;
use lotse_generate::{Generator, Options};
use lotse_http::config::ServiceConfig;
use lotse_hub::config::HarvestConfig;
use lotse_hub::{Hub, HubConfig, NewNode};
use serde::Deserialize;
use serde_json::json;

const PAGE: usize = 500;

#[derive(Deserialize)]
struct FeedQuery {
    #[serde(rename = "afterTimestamp")]
    after: Option<usize>,
}

async fn feed(
    State(pages): State<Arc<Vec<String>>>,
    Query(q): Query<FeedQuery>,
) -> ([(&'static str, &'static str); 1], String) {
    let index = q.after.unwrap_or(0) / PAGE;
    let body = pages
        .get(index)
        .cloned()
        .unwrap_or_else(|| json!({"items": [], "next": "", "license": ""}).to_string());
    ([("content-type", "application/json")], body)
}

/// The CPU stages of a harvest on their own, one thread, without HTTP or database: where the
/// time of a page goes.
async fn stages(pages: &[String]) {
    use lotse_hub::harvest::{client, process};
    use lotse_hub::store::{Checkpoint, NewNode, PageWrite, StoreOptions};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("stages.db").display());
    let store = lotse_hub::store::open(&url, &StoreOptions::default()).await.unwrap();
    let node = NewNode {
        id: "b".into(),
        name: "b".into(),
        feed_url: "http://x/".into(),
        jurisdiction: vec!["05".into()],
    };
    store.add_node(&node, "h", 0).await.unwrap();
    let mut after: Option<Checkpoint> = None;
    let (mut parse, mut judge, mut finish, mut write) = (0.0, 0.0, 0.0, 0.0);
    let today = lotse_standard::date::Date::today_utc();
    let jurisdiction = vec!["05".to_owned()];
    for page in pages {
        let t = Instant::now();
        let items = client::parse_page(page.as_bytes(), None, lotse_standard::rpde::Kind::Offer).unwrap();
        parse += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let judged = process::judge_page(today, &jurisdiction, items);
        judge += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let writes = process::finish(judged, &Default::default(), "bench");
        finish += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let last = Checkpoint {
            modified: after.as_ref().map_or(0, |c| c.modified) + writes.len() as i64,
            id: writes.last().unwrap().id().to_owned(),
        };
        let page = PageWrite {
            node_id: "b".into(),
            after: after.clone(),
            checkpoint: last.clone(),
            items: writes,
            standard_version: None,
            now: 0,
        };
        store.store_page(&page).await.unwrap();
        write += t.elapsed().as_secs_f64();
        after = Some(last);
    }
    eprintln!(
        "stages: parse {parse:.2} s, validate+jurisdiction {judge:.2} s, place+serialise {finish:.2} s, store (sqlite) {write:.2} s"
    );
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let database = args.next();

    let today = lotse_standard::date::Date::today_utc();
    let mut options = Options::new(7, today);
    options.node_id = Some("bench".into());
    let generator = Generator::new(options).unwrap();
    let started = Instant::now();
    let mut pages = Vec::new();
    let mut items = Vec::with_capacity(PAGE);
    for k in 0..n {
        let offer = generator.offer(k as u64);
        items.push(json!({"state": "updated", "kind": "Offer", "id": offer.id, "modified": k + 1,
            "standard_version": lotse_standard::STANDARD_VERSION, "data": offer}));
        if items.len() == PAGE || k + 1 == n {
            pages.push(json!({"items": std::mem::take(&mut items), "next": "", "license": ""}).to_string());
        }
    }
    eprintln!("{n} offers generated in {:.1} s", started.elapsed().as_secs_f64());
    if std::env::var_os("LOTSE_BENCH_STAGES").is_some() {
        stages(&pages).await;
    }

    let app = axum::Router::new().route("/feed/offers", get(feed)).with_state(Arc::new(pages));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let url = database.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("hub.db").display()));
    let kind = if url.starts_with("sqlite:") { "sqlite" } else { "postgres" };
    let config = HubConfig {
        service: ServiceConfig {
            listen: "127.0.0.1:0".into(),
            database_url: Some(url.into()),
            ..ServiceConfig::default()
        },
        allow_private_feeds: Some(true),
        harvest: HarvestConfig { schedule: "0 0 0 1 1 *".into(), ..HarvestConfig::default() },
        ..HubConfig::default()
    };
    let hub = Hub::open(config).await.unwrap();
    hub.add_node(NewNode {
        id: "bench".into(),
        name: "Bench".into(),
        feed_url: format!("http://{addr}/feed/offers"),
        jurisdiction: vec!["05".into()],
    })
    .await
    .unwrap();
    let started = Instant::now();
    let report = hub.harvest_now("bench").await.unwrap();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{kind}: {} offers ({} created, {} quarantined) in {secs:.2} s = {:.0} offers/s",
        report.items,
        report.outcome.created,
        report.outcome.quarantined,
        report.items as f64 / secs
    );
}
