//! `lotse-bench freshness`: push-to-searchable latency under query load.
//!
//! A real node (SQLite) and a real hub (SQLite, search index on disk) run in this process on
//! 127.0.0.1; the node pings the hub after every commit, the hub harvests and its search index
//! follows the store (`search_poll_ms`). After a preload, one task sends `--rate` changed
//! offers per second through the node's steward API (`PUT /api/v1/offers/{id}`, each with a
//! unique word in its title) while another task sends `--qps` searches per second of the
//! classes Q1–Q5 to the hub's `/api/v1/search`. For each change the program asks the hub's
//! `/api/v1/search` for its unique word every `POLL` from the moment of sending, and records
//! when the changed offer is first found. Baseline: the `PUT` until its response.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use lotse_generate::{Generator, Options};
use lotse_http::Secret;
use lotse_http::config::ServiceConfig;
use lotse_hub::config::HarvestConfig;
use lotse_hub::{Hub, HubConfig, NewNode, NodeUpdate};
use lotse_node::{Node, NodeConfig};
use serde_json::Value;

use crate::stats::{peak_rss_mib, rss_mib};

/// How often the hub is asked whether a change is searchable.
const POLL: Duration = Duration::from_millis(20);
/// A change not searchable after this long counts as lost.
const TIMEOUT: Duration = Duration::from_secs(60);
/// Offers per push while preloading (within the node's body limit).
const PUSH_CHUNK: usize = 5_000;

#[derive(clap::Args)]
pub struct Args {
    /// Offers at the node (and in the hub's index) before the measurement.
    #[arg(long, default_value_t = 20_000)]
    preload: usize,
    /// Changes to measure.
    #[arg(long, default_value_t = 300)]
    changes: usize,
    /// Changes per second.
    #[arg(long, default_value_t = 10.0)]
    rate: f64,
    /// Searches per second sent to the hub meanwhile (0: none).
    #[arg(long, default_value_t = 50.0)]
    qps: f64,
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().expect("HTTP client")
}

/// The value at quantile `q` (nearest rank) of sorted durations, in milliseconds.
fn quantile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

/// The hub ids of the results of a search.
async fn search_ids(http: &reqwest::Client, url: &str) -> anyhow::Result<(u64, Vec<String>)> {
    let v: Value = http.get(url).send().await?.error_for_status()?.json().await?;
    let total = v["total"].as_u64().unwrap_or(0);
    let ids = v["results"]
        .as_array()
        .map(|r| r.iter().filter_map(|h| h["id"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    Ok((total, ids))
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(measure(args))
}

async fn measure(args: Args) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let hub_dir = dir.path().join("hub");
    let config = HubConfig {
        service: ServiceConfig {
            listen: "127.0.0.1:0".into(),
            data_dir: hub_dir.clone(),
            database_url: Some(format!("sqlite://{}", hub_dir.join("hub.db").display()).into()),
            ..ServiceConfig::default()
        },
        allow_private_feeds: Some(true),
        // Only pings harvest: the schedule never fires.
        harvest: HarvestConfig { schedule: "0 0 0 1 1 *".into(), ..HarvestConfig::default() },
        ..HubConfig::default()
    };
    let poll_ms = config.search.poll_ms;
    std::fs::create_dir_all(&hub_dir)?;
    let running = Hub::start(config).await.context("hub starts")?;
    let hub: Hub = running.hub().clone();
    let node_id = "frische";
    let region = lotse_geo::ruhr();
    let ags: Vec<String> = region
        .municipalities
        .iter()
        .filter(|m| !region.postcodes_of(&m.ags).is_empty())
        .map(|m| m.ags.clone())
        .collect();
    let (_, token) = hub
        .add_node(NewNode {
            id: node_id.into(),
            name: node_id.into(),
            feed_url: "http://127.0.0.1:9/feed/offers".into(),
            jurisdiction: ags.clone(),
        })
        .await?;
    let node_dir = dir.path().join("node");
    std::fs::create_dir_all(&node_dir)?;
    let node = Node::start(NodeConfig {
        node_id: node_id.into(),
        service: ServiceConfig {
            listen: "127.0.0.1:0".into(),
            database_url: Some(Secret::new(format!("sqlite://{}", node_dir.join("node.db").display()))),
            rate_limit_per_minute: 0,
            ..ServiceConfig::default()
        },
        hub_url: Some(running.url()),
        hub_token: Some(Secret::new(token.expose())),
        ..NodeConfig::default()
    })
    .await
    .context("node starts")?;
    hub.update_node(
        node_id,
        NodeUpdate { feed_url: Some(format!("{}/feed/offers", node.url())), ..NodeUpdate::default() },
    )
    .await?;
    let (steward, _) =
        lotse_node::tokens::create(&*node.store(), "frische", lotse_node::Role::Steward).await?;
    let steward = steward.expose().to_owned();

    let mut options = Options::new(7, lotse_standard::date::Date::today_utc());
    options.node_id = Some(node_id.to_owned());
    options.municipalities = Some(ags);
    let generator = Generator::new(options)?;
    let http = client();
    let hub_url = running.url();
    println!(
        "freshness: node and hub on 127.0.0.1, {} offers preloaded, {} changes at {}/s, {} searches/s, index poll {poll_ms} ms",
        args.preload, args.changes, args.rate, args.qps
    );
    let started = Instant::now();
    for start in (0..args.preload).step_by(PUSH_CHUNK) {
        let end = (start + PUSH_CHUNK).min(args.preload);
        let body: String = (start..end)
            .map(|k| serde_json::to_string(&generator.offer(k as u64)).unwrap_or_default() + "\n")
            .collect();
        let r = http
            .post(format!("{}/api/v1/offers", node.url()))
            .bearer_auth(&steward)
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
            .await?;
        anyhow::ensure!(r.status().is_success(), "preload push: {}", r.status());
    }
    // The preload is searchable when a search for everything finds all of it.
    let everything = format!("{hub_url}/api/v1/search?page_size=1&include_expired=true");
    loop {
        let (total, _) = search_ids(&http, &everything).await.unwrap_or((0, Vec::new()));
        if total as usize >= args.preload {
            break;
        }
        anyhow::ensure!(started.elapsed() < Duration::from_secs(1800), "preload not searchable after 30 min");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!(
        "preload pushed, harvested and indexed in {:.1} s; RSS {:.0} MiB",
        started.elapsed().as_secs_f64(),
        rss_mib().unwrap_or(0.0)
    );

    // The query load: the benchmark's URLs of all classes, round robin, at a fixed rate.
    let urls: Vec<String> = crate::search::url_list(&hub_url);
    let stop = Arc::new(AtomicBool::new(false));
    let load = {
        let stop = stop.clone();
        let http = http.clone();
        let qps = args.qps;
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            if qps <= 0.0 {
                return latencies;
            }
            let interval = Duration::from_secs_f64(1.0 / qps);
            let mut next = Instant::now();
            let mut i = 0;
            let mut inflight = tokio::task::JoinSet::new();
            while !stop.load(Ordering::Relaxed) {
                let url = urls[i % urls.len()].clone();
                i += 1;
                let http = http.clone();
                // Open loop: each search is sent on schedule, whether the last one has
                // answered or not; its latency is counted from its scheduled time.
                let scheduled = next;
                inflight.spawn(async move {
                    let ok = http.get(&url).send().await.map(|r| r.status().is_success()).unwrap_or(false);
                    (ok, scheduled.elapsed())
                });
                while let Some(done) = inflight.try_join_next() {
                    if let Ok(d) = done {
                        latencies.push(d);
                    }
                }
                next += interval;
                tokio::time::sleep_until(next.into()).await;
            }
            while let Some(done) = inflight.join_next().await {
                if let Ok(d) = done {
                    latencies.push(d);
                }
            }
            latencies
        })
    };
    // Let the load settle before the first change.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let interval = Duration::from_secs_f64(1.0 / args.rate);
    let mut next = Instant::now();
    let mut waits = tokio::task::JoinSet::new();
    for serial in 0..args.changes {
        let mut offer = generator.offer((serial % args.preload.max(1)) as u64);
        // A word no other offer has, fixed in length so that no word is a prefix of another.
        let word = format!("frischeprobe{serial:06}");
        let title = format!("{} {word}", offer.title.get("de").cloned().unwrap_or_default());
        offer.title.insert("de".into(), title);
        let body = serde_json::to_vec(&offer)?;
        let put_url = format!("{}/api/v1/offers/{}", node.url(), offer.id);
        // Expired offers count too: the generator makes some, and their changes must arrive.
        let search_url = format!("{hub_url}/api/v1/search?q={word}&include_expired=true");
        let wanted = format!("{node_id}/{}", offer.id);
        let http = http.clone();
        let steward = steward.clone();
        tokio::time::sleep_until(next.into()).await;
        next += interval;
        waits.spawn(async move {
            let sent = Instant::now();
            let put = async {
                let r = http
                    .put(&put_url)
                    .bearer_auth(&steward)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await?;
                anyhow::ensure!(r.status().is_success(), "PUT: {}", r.status());
                Ok(sent.elapsed())
            };
            let searchable = async {
                loop {
                    if let Ok((_, ids)) = search_ids(&http, &search_url).await
                        && ids.contains(&wanted)
                    {
                        return Ok(sent.elapsed());
                    }
                    anyhow::ensure!(sent.elapsed() < TIMEOUT, "{wanted} not searchable after 60 s");
                    tokio::time::sleep(POLL).await;
                }
            };
            let (put, searchable) = tokio::join!(put, searchable);
            anyhow::Ok((put?, searchable?))
        });
    }
    let mut puts = Vec::new();
    let mut fresh = Vec::new();
    let mut lost = Vec::new();
    while let Some(done) = waits.join_next().await {
        match done? {
            Ok((put, searchable)) => {
                puts.push(put);
                fresh.push(searchable);
            }
            Err(e) => lost.push(e.to_string()),
        }
    }
    stop.store(true, Ordering::Relaxed);
    let queries = load.await?;
    let measured = started.elapsed();
    puts.sort();
    fresh.sort();
    let mut ok: Vec<Duration> = queries.iter().filter(|(ok, _)| *ok).map(|(_, d)| *d).collect();
    ok.sort();
    let failed = queries.len() - ok.len();
    println!();
    println!("| | n | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|");
    let row = |name: &str, d: &[Duration]| {
        println!(
            "| {name} | {} | {:.0} | {:.0} | {:.0} | {:.0} |",
            d.len(),
            quantile_ms(d, 0.5),
            quantile_ms(d, 0.95),
            quantile_ms(d, 0.99),
            quantile_ms(d, 1.0)
        );
    };
    row("push to searchable", &fresh);
    row("steward PUT (baseline)", &puts);
    row("searches meanwhile", &ok);
    println!(
        "{} of {} changes never became searchable{}",
        lost.len(),
        args.changes,
        lost.first().map_or(String::new(), |e| format!(" (first: {e})"))
    );
    println!(
        "{failed} searches failed; hub RSS {:.0} MiB (peak {:.0} MiB, the node's included); run {:.0} s",
        rss_mib().unwrap_or(0.0),
        peak_rss_mib().unwrap_or(0.0),
        measured.as_secs_f64()
    );
    node.shutdown().await?;
    running.shutdown().await;
    Ok(())
}
