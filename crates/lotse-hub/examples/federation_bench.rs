//! Two figures of a federation of real nodes and one hub, all on 127.0.0.1 in this process:
//!
//! 1. **Push-to-hub latency with pings.** One node (SQLite) that pings the hub after every
//!    commit, one hub with the node registered. After a preload, a steward changes one offer at
//!    a time (`PUT /api/v1/offers/{id}` with a new title) and the program measures the time from
//!    sending the request until exactly that title is in the hub's store, polling the store
//!    every few milliseconds. The next change follows once the previous one has arrived, plus
//!    an optional gap. Baseline: the steward's own `PUT` until its response.
//! 2. **Many nodes at once.** `--nodes` real nodes with `--per-node` offers each, every node
//!    with offers in its own municipality and that municipality as its jurisdiction, harvested
//!    by one `run_once` (bounded by the hub's harvest concurrency). Baseline: one node holding
//!    the very same offers, harvested alone by a fresh hub. The two harvests alternate
//!    `--repeat` times, each in a fresh child process of this program, so that its peak memory
//!    is its own and not memory that the allocator kept from an earlier run.
//!
//! `--gaps` lists the pauses after each arrival to measure with, one run of `--changes` each
//! (default `0`: every change follows the previous one at once).
//!
//! ```text
//! cargo run --release -p lotse-hub --example federation_bench -- \
//!     [--changes 200] [--preload 1000] [--gaps 0,500,1500] [--nodes 20] [--per-node 5000] \
//!     [--repeat 3] [--concurrency N] [--skip-latency] [--skip-fleet] [postgres://…]
//! ```
//!
//! The hub of the first figure serves HTTP (it must receive the pings) and therefore also runs
//! its search index follower, as a production hub does; the hubs of the second figure are only
//! opened, so their figure is the harvest alone, without indexing.
//!
//! The nodes always use SQLite. The hub uses SQLite in a temporary directory, or, given a
//! `postgres://` URL, a database of its own on that server that is created for each hub and
//! dropped afterwards.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use lotse_generate::{Generator, Options};
use lotse_http::Secret;
use lotse_http::config::ServiceConfig;
use lotse_hub::config::HarvestConfig;
use lotse_hub::{Hub, HubConfig, NewNode, NodeUpdate};
use lotse_node::{Node, NodeConfig};
use lotse_standard::Offer;
use serde_json::Value;
use sqlx::Connection;

/// How often the store is asked whether a change has arrived.
const POLL: Duration = Duration::from_millis(3);
/// A change that has not arrived after this long counts as lost and stops the run.
const ARRIVAL_TIMEOUT: Duration = Duration::from_secs(60);
/// Offers per push while loading the nodes: small enough for the node's default body limit
/// (5,000 generated offers are about 9 MB of NDJSON), large enough to load quickly.
const PUSH_CHUNK: usize = 5_000;

struct Args {
    changes: usize,
    preload: usize,
    gaps_ms: Vec<u64>,
    nodes: usize,
    per_node: usize,
    concurrency: Option<usize>,
    latency: bool,
    fleet: bool,
    /// How many times each of the two harvests runs, alternating.
    repeat: usize,
    /// Set in a child process: run one harvest (`true`: the one node of the baseline; `false`:
    /// the `nodes` nodes), print its figures as one line and exit.
    child: Option<bool>,
    database: Option<String>,
}

fn parse_args() -> Args {
    let mut args = Args {
        changes: 200,
        preload: 1_000,
        gaps_ms: vec![0],
        nodes: 20,
        per_node: 5_000,
        concurrency: None,
        latency: true,
        fleet: true,
        repeat: 3,
        child: None,
        database: None,
    };
    let mut it = std::env::args().skip(1);
    fn number(it: &mut impl Iterator<Item = String>, name: &str) -> usize {
        it.next()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} expects a non-negative number"))
    }
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--changes" => args.changes = number(&mut it, "--changes"),
            "--preload" => args.preload = number(&mut it, "--preload").max(1),
            "--nodes" => args.nodes = number(&mut it, "--nodes").max(1),
            "--per-node" => args.per_node = number(&mut it, "--per-node").max(1),
            "--concurrency" => args.concurrency = Some(number(&mut it, "--concurrency").max(1)),
            "--gaps" => {
                let list = it.next().expect("--gaps expects a list like 0,1500");
                args.gaps_ms =
                    list.split(',').map(|g| g.trim().parse().expect("--gaps: milliseconds")).collect();
            }
            "--skip-latency" => args.latency = false,
            "--skip-fleet" => args.fleet = false,
            "--repeat" => args.repeat = number(&mut it, "--repeat").max(1),
            "--fleet-child" => match it.next().as_deref() {
                Some("many") => args.child = Some(false),
                Some("one") => args.child = Some(true),
                other => panic!("--fleet-child expects many or one, not {other:?}"),
            },
            url if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                args.database = Some(url.to_owned());
            }
            other => panic!("unknown argument {other:?}; see the example's documentation"),
        }
    }
    args
}

/// The database of one hub: SQLite in a temporary directory, or a fresh PostgreSQL database.
/// The temporary directory is the hub's data directory in both cases, so that what the hub
/// keeps on disk besides the database (its search index) is its own and removed afterwards.
struct HubDb {
    url: String,
    dir: tempfile::TempDir,
    /// The server's URL and the database's name, to drop it afterwards.
    pg: Option<(String, String)>,
}

static DATABASES: AtomicU64 = AtomicU64::new(0);

impl HubDb {
    async fn new(server: Option<&str>) -> HubDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let Some(admin) = server else {
            let url = format!("sqlite://{}", dir.path().join("hub.db").display());
            return HubDb { url, dir, pg: None };
        };
        let name = format!(
            "lotse_federation_bench_{}_{}",
            std::process::id(),
            DATABASES.fetch_add(1, Ordering::SeqCst)
        );
        let mut conn = sqlx::PgConnection::connect(admin).await.expect("connect to PostgreSQL");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create database");
        conn.close().await.ok();
        let mut url = url::Url::parse(admin).expect("database URL");
        url.set_path(&format!("/{name}"));
        HubDb { url: url.to_string(), dir, pg: Some((admin.to_owned(), name)) }
    }

    fn kind(&self) -> &'static str {
        if self.pg.is_some() { "PostgreSQL" } else { "SQLite" }
    }

    /// Drops the PostgreSQL database; forcibly, because the hub's pool may still hold
    /// connections to it.
    async fn remove(self) {
        if let Some((admin, name)) = &self.pg
            && let Ok(mut conn) = sqlx::PgConnection::connect(admin).await
        {
            let _ =
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
            conn.close().await.ok();
        }
    }
}

/// A hub configuration as an operator would write it, except that feeds on 127.0.0.1 are
/// allowed and the schedule never fires, so that only pings and explicit calls harvest.
fn hub_config(db: &HubDb, concurrency: Option<usize>) -> HubConfig {
    let mut config = HubConfig {
        service: ServiceConfig {
            listen: "127.0.0.1:0".into(),
            data_dir: db.dir.path().to_path_buf(),
            database_url: Some(db.url.clone().into()),
            ..ServiceConfig::default()
        },
        allow_private_feeds: Some(true),
        harvest: HarvestConfig { schedule: "0 0 0 1 1 *".into(), ..HarvestConfig::default() },
        ..HubConfig::default()
    };
    if let Some(n) = concurrency {
        config.harvest.concurrency = n;
    }
    config
}

/// A real node on its own SQLite database, with a steward token.
struct BenchNode {
    id: String,
    node: Node,
    steward: String,
    _dir: tempfile::TempDir,
}

impl BenchNode {
    /// Starts a node; with `hub` (URL and token) it pings that hub after every commit. The
    /// node's rate limit is off, because loading it sends many pushes in quick succession.
    async fn start(id: &str, hub: Option<(&str, &str)>) -> BenchNode {
        let dir = tempfile::tempdir().expect("temporary directory");
        let config = NodeConfig {
            node_id: id.into(),
            service: ServiceConfig {
                listen: "127.0.0.1:0".into(),
                database_url: Some(Secret::new(format!("sqlite://{}", dir.path().join("node.db").display()))),
                rate_limit_per_minute: 0,
                ..ServiceConfig::default()
            },
            hub_url: hub.map(|(url, _)| url.to_owned()),
            hub_token: hub.map(|(_, token)| Secret::new(token)),
            ..NodeConfig::default()
        };
        let node = Node::start(config).await.expect("node starts");
        let (token, _) = lotse_node::tokens::create(&*node.store(), "pflege", lotse_node::Role::Steward)
            .await
            .expect("steward token");
        BenchNode { id: id.to_owned(), node, steward: token.expose().to_owned(), _dir: dir }
    }

    fn feed_url(&self) -> String {
        format!("{}/feed/offers", self.node.url())
    }

    /// Loads the first `n` offers of each generator, generated and pushed in chunks so that
    /// memory stays flat.
    async fn load(&self, client: &reqwest::Client, sources: &[(Generator, usize)]) {
        for (generator, n) in sources {
            self.load_one(client, generator, *n).await;
        }
    }

    async fn load_one(&self, client: &reqwest::Client, generator: &Generator, n: usize) {
        for start in (0..n).step_by(PUSH_CHUNK) {
            let end = (start + PUSH_CHUNK).min(n);
            let body: String = (start..end)
                .map(|k| serde_json::to_string(&generator.offer(k as u64)).expect("offer as JSON") + "\n")
                .collect();
            let r = client
                .post(format!("{}/api/v1/offers", self.node.url()))
                .bearer_auth(&self.steward)
                .header("content-type", "application/x-ndjson")
                .body(body)
                .send()
                .await
                .expect("push reaches the node");
            let status = r.status();
            assert!(
                status.is_success(),
                "push to {}: {status}: {}",
                self.id,
                r.text().await.unwrap_or_default()
            );
        }
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().expect("HTTP client")
}

fn generator(node_id: &str, municipalities: &[String], seed: u64) -> Generator {
    let mut options = Options::new(seed, lotse_standard::date::Date::today_utc());
    options.node_id = Some(node_id.to_owned());
    options.municipalities = Some(municipalities.to_vec());
    Generator::new(options).expect("generator")
}

/// Municipalities of the region pack that have postcodes (the generator needs them to build
/// addresses), in the pack's order; repeated when more are asked for than there are.
fn municipalities(n: usize) -> Vec<String> {
    let region = lotse_geo::ruhr();
    let usable: Vec<String> = region
        .municipalities
        .iter()
        .filter(|m| !region.postcodes_of(&m.ags).is_empty())
        .map(|m| m.ags.clone())
        .collect();
    (0..n).map(|i| usable[i % usable.len()].clone()).collect()
}

async fn register(hub: &Hub, id: &str, feed_url: String, jurisdiction: Vec<String>) -> String {
    let (_, token) = hub
        .add_node(NewNode { id: id.into(), name: id.into(), feed_url, jurisdiction })
        .await
        .expect("node registered");
    token.expose().to_owned()
}

/// A field of `/proc/self/status` in kB (`VmRSS`, `VmHWM`).
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Resets the process's peak RSS (`VmHWM`) to its current RSS, so that the peak read after a
/// run belongs to that run and not to the loading before it. Returns whether the kernel
/// allowed it.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// User and system CPU time of the whole process, in seconds (clock ticks of 1/100 s, the
/// value on every Linux configuration this runs on).
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name may contain spaces; the fields after it are counted from its ')'.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

/// How much the process grew during a harvest: its peak minus its size before.
fn growth_kb(run: &FleetRun) -> u64 {
    run.peak_kb.saturating_sub(run.rss_before_kb)
}

fn mib(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// A counter of the hub's metrics summed over all its labels, read from its text rendering.
fn hub_counter(hub: &Hub, prefix: &str) -> u64 {
    hub.metrics()
        .registry
        .render()
        .lines()
        .filter(|l| l.starts_with(prefix))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}

/// The value at quantile `q` (nearest rank) of sorted durations, in milliseconds.
fn quantile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

struct LatencyRun {
    gap_ms: u64,
    arrival: Vec<Duration>,
    put: Vec<Duration>,
    pings: u64,
    harvests: u64,
    mismatches: usize,
}

/// Waits until the hub holds `n` offers (live or quarantined) of the node and no harvest of it
/// is running.
async fn wait_for_count(hub: &Hub, node_id: &str, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let counts = hub.store().node_counts().await.expect("node counts");
        let held = counts.get(node_id).map_or(0, |c| c.offers + c.quarantined);
        if held as usize >= n && !hub.harvester().is_running(node_id) {
            return;
        }
        assert!(Instant::now() < deadline, "the hub holds {held} of {n} offers after 300 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The title a stored offer carries in German, if any.
fn german_title(data: &str) -> Option<String> {
    let value: Value = serde_json::from_str(data).ok()?;
    value.get("title")?.get("de")?.as_str().map(str::to_owned)
}

async fn latency(args: &Args) -> Vec<LatencyRun> {
    let db = HubDb::new(args.database.as_deref()).await;
    let kind = db.kind();
    let running = Hub::start(hub_config(&db, args.concurrency)).await.expect("hub starts");
    let hub = running.hub().clone();
    let ags = municipalities(1);
    let node_id = "latenz";
    // The node's feed URL is only known once it runs, and it needs its token to start: register
    // with a placeholder first, as an operator would before the node goes live.
    let token = register(&hub, node_id, "http://127.0.0.1:9/feed/offers".into(), ags.clone()).await;
    let node = BenchNode::start(node_id, Some((&running.url(), &token))).await;
    hub.update_node(node_id, NodeUpdate { feed_url: Some(node.feed_url()), ..NodeUpdate::default() })
        .await
        .expect("feed URL updated");

    let http = client();
    let generator = generator(node_id, &ags, 11);
    let started = Instant::now();
    node.load_one(&http, &generator, args.preload).await;
    wait_for_count(&hub, node_id, args.preload).await;
    eprintln!(
        "latency ({kind}): {} offers pushed and harvested after the ping in {:.2} s",
        args.preload,
        started.elapsed().as_secs_f64()
    );

    let originals: Vec<Offer> =
        (0..args.preload.min(args.changes.max(1))).map(|k| generator.offer(k as u64)).collect();
    let store = hub.store().clone();
    let mut serial = 0u64;
    let mut runs = Vec::new();
    for &gap_ms in &args.gaps_ms {
        let pings_before = hub_counter(&hub, "lotse_hub_pings_total");
        let harvests_before = hub_counter(&hub, "lotse_hub_harvests_total");
        let mut run = LatencyRun {
            gap_ms,
            arrival: Vec::with_capacity(args.changes),
            put: Vec::with_capacity(args.changes),
            pings: 0,
            harvests: 0,
            mismatches: 0,
        };
        for k in 0..args.changes {
            // The gap comes before each change, the first included, so that no change of this
            // run follows the last change of the previous run closer than the gap.
            if gap_ms > 0 {
                tokio::time::sleep(Duration::from_millis(gap_ms)).await;
            }
            serial += 1;
            let mut offer = originals[k % originals.len()].clone();
            let base = offer.title.get("de").cloned().unwrap_or_default();
            let title = format!("{base} (Änderung {serial})");
            offer.title.insert("de".into(), title.clone());
            let body = serde_json::to_vec(&offer).expect("offer as JSON");
            let url = format!("{}/api/v1/offers/{}", node.node.url(), offer.id);

            let sent = Instant::now();
            let put = async {
                let r = http
                    .put(&url)
                    .bearer_auth(&node.steward)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .expect("PUT reaches the node");
                let status = r.status();
                let text = r.text().await.unwrap_or_default();
                let took = sent.elapsed();
                assert!(status.is_success(), "PUT {}: {status}: {text}", offer.id);
                took
            };
            // Polled from the moment of sending, concurrently with the request: the ping may
            // go out, and the harvest finish, before the steward has read the response.
            let arrived = async {
                loop {
                    let stored = store.get_offer(node_id, &offer.id).await.expect("hub store");
                    if stored.as_ref().and_then(|o| german_title(&o.data)).as_deref() == Some(title.as_str())
                    {
                        return sent.elapsed();
                    }
                    assert!(sent.elapsed() < ARRIVAL_TIMEOUT, "change {serial} not at the hub after 60 s");
                    tokio::time::sleep(POLL).await;
                }
            };
            let (put_took, arrival) = tokio::join!(put, arrived);
            run.put.push(put_took);
            run.arrival.push(arrival);

            // Not timed: the hub must hold the offer exactly as the node stores it.
            let at_node = node
                .node
                .store()
                .get(lotse_standard::rpde::Kind::Offer, &offer.id)
                .await
                .expect("node store");
            let at_hub = store.get_offer(node_id, &offer.id).await.expect("hub store");
            let same = match (at_node, at_hub) {
                (Some(n), Some(h)) => {
                    serde_json::from_str::<Value>(&n.data).ok() == serde_json::from_str::<Value>(&h.data).ok()
                }
                _ => false,
            };
            if !same {
                run.mismatches += 1;
            }
        }
        run.pings = hub_counter(&hub, "lotse_hub_pings_total") - pings_before;
        run.harvests = hub_counter(&hub, "lotse_hub_harvests_total") - harvests_before;
        eprintln!("latency ({kind}): {} changes with a gap of {gap_ms} ms done", args.changes);
        runs.push(run);
    }
    node.node.shutdown().await.expect("node stops");
    running.shutdown().await;
    drop(hub);
    drop(store);
    db.remove().await;
    runs
}

#[derive(serde::Serialize, serde::Deserialize)]
struct FleetRun {
    label: String,
    offers: u64,
    created: u64,
    quarantined: u64,
    failed: usize,
    secs: f64,
    cpu_secs: f64,
    rss_before_kb: u64,
    peak_before_kb: u64,
    peak_kb: u64,
    peak_reset: bool,
}

/// Runs [`fleet`] in a fresh child process of this program and reads its figures.
fn fleet_in_child(args: &Args, single: bool) -> FleetRun {
    let exe = std::env::current_exe().expect("path of this program");
    let mut command = std::process::Command::new(exe);
    command
        .arg("--fleet-child")
        .arg(if single { "one" } else { "many" })
        .arg("--nodes")
        .arg(args.nodes.to_string())
        .arg("--per-node")
        .arg(args.per_node.to_string());
    if let Some(n) = args.concurrency {
        command.arg("--concurrency").arg(n.to_string());
    }
    if let Some(url) = &args.database {
        command.arg(url);
    }
    // The child's progress goes to stderr as it happens; its result is the one line on stdout.
    let output = command.stderr(std::process::Stdio::inherit()).output().expect("child process runs");
    assert!(output.status.success(), "the harvest in the child process failed: {}", output.status);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find_map(|l| l.strip_prefix("FLEET ")).expect("the child's figures");
    serde_json::from_str(line).expect("the child's figures as JSON")
}

/// Loads `nodes` × `per_node` generated offers, those of the `i`-th generator in
/// `municipalities[i]`, into real nodes, registers them at a fresh hub and times one
/// `run_once`. Without `single`, every generator has a node of its own with its municipality
/// as jurisdiction; with it, one node holds all the offers (the very same ones, ids included)
/// and has every municipality as jurisdiction, so that both runs harvest identical data.
async fn fleet(args: &Args, single: bool) -> FleetRun {
    let db = HubDb::new(args.database.as_deref()).await;
    let hub = Hub::open(hub_config(&db, args.concurrency)).await.expect("hub opens");
    let http = client();
    let places = municipalities(args.nodes);
    let sources: Vec<(Generator, usize)> = (0..args.nodes)
        .map(|i| (generator(&format!("knoten-{i:02}"), &places[i..=i], 100 + i as u64), args.per_node))
        .collect();
    let label = if single {
        format!("1 node × {} (baseline)", args.nodes * args.per_node)
    } else {
        format!("{} nodes × {}", args.nodes, args.per_node)
    };
    let started = Instant::now();
    let mut nodes = Vec::new();
    if single {
        let mut jurisdiction = places.clone();
        jurisdiction.sort_unstable();
        jurisdiction.dedup();
        let node = BenchNode::start("gesamt", None).await;
        node.load(&http, &sources).await;
        register(&hub, "gesamt", node.feed_url(), jurisdiction).await;
        nodes.push(node);
    } else {
        for (i, source) in sources.into_iter().enumerate() {
            let id = format!("knoten-{i:02}");
            let node = BenchNode::start(&id, None).await;
            node.load(&http, std::slice::from_ref(&source)).await;
            register(&hub, &id, node.feed_url(), vec![places[i].clone()]).await;
            nodes.push(node);
        }
    }
    eprintln!("{label}: loaded in {:.1} s", started.elapsed().as_secs_f64());

    let rss_before_kb = status_kb("VmRSS");
    let peak_before_kb = status_kb("VmHWM");
    let peak_reset = reset_peak();
    let cpu_before = cpu_secs();
    let started = Instant::now();
    let results = hub.run_once().await.expect("harvest starts");
    let secs = started.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu_before;
    let peak_kb = status_kb("VmHWM");

    let mut run = FleetRun {
        label,
        offers: 0,
        created: 0,
        quarantined: 0,
        failed: 0,
        secs,
        cpu_secs: cpu,
        rss_before_kb,
        peak_before_kb,
        peak_kb,
        peak_reset,
    };
    for result in &results {
        match result {
            Ok(report) => {
                run.offers += report.items;
                run.created += report.outcome.created;
                run.quarantined += report.outcome.quarantined;
            }
            Err(e) => {
                eprintln!("harvest failed: {e}");
                run.failed += 1;
            }
        }
    }
    for node in nodes {
        node.node.shutdown().await.expect("node stops");
    }
    drop(hub);
    db.remove().await;
    run
}

#[tokio::main]
async fn main() {
    let args = parse_args();
    if let Some(single) = args.child {
        let run = fleet(&args, single).await;
        println!("FLEET {}", serde_json::to_string(&run).expect("figures as JSON"));
        return;
    }
    let kind = if args.database.is_some() { "PostgreSQL" } else { "SQLite" };
    let concurrency = args.concurrency.unwrap_or_else(|| HubConfig::default().harvest.concurrency);
    println!(
        "hub database: {kind}; nodes: SQLite; harvest concurrency {concurrency}; worker threads: {}",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    if args.latency {
        let runs = latency(&args).await;
        println!();
        println!(
            "Push-to-hub latency: {} changes after {} preloaded offers, one at a time (ms)",
            args.changes, args.preload
        );
        println!(
            "| gap after arrival | median | p90 | p99 | max | PUT median | PUT p99 | median ratio | p99 ratio | pings | harvests | mismatches |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for run in runs {
            let mut arrival = run.arrival.clone();
            let mut put = run.put.clone();
            arrival.sort_unstable();
            put.sort_unstable();
            let (m, p90, p99, max) = (
                quantile_ms(&arrival, 0.5),
                quantile_ms(&arrival, 0.9),
                quantile_ms(&arrival, 0.99),
                quantile_ms(&arrival, 1.0),
            );
            let (pm, pp99) = (quantile_ms(&put, 0.5), quantile_ms(&put, 0.99));
            println!(
                "| {} ms | {m:.0} | {p90:.0} | {p99:.0} | {max:.0} | {pm:.1} | {pp99:.1} | {:.0}× | {:.0}× | {} | {} | {} |",
                run.gap_ms,
                m / pm,
                p99 / pp99,
                run.pings,
                run.harvests,
                run.mismatches
            );
            let verdict = |ok: bool| if ok { "met" } else { "missed" };
            println!(
                "  targets (gap {} ms): median < 1 s {}, p99 < 2 s {}",
                run.gap_ms,
                verdict(m < 1000.0),
                verdict(p99 < 2000.0)
            );
        }
    }

    if args.fleet {
        let total = args.nodes * args.per_node;
        // The two harvests alternate, so that a change in the machine's load during the runs
        // falls on both about equally; every pair is compared on its own as well.
        let mut many = Vec::with_capacity(args.repeat);
        let mut one = Vec::with_capacity(args.repeat);
        for _ in 0..args.repeat {
            many.push(fleet_in_child(&args, false));
            one.push(fleet_in_child(&args, true));
        }
        println!();
        println!(
            "Harvest of {total} offers with one run_once (harvest concurrency {concurrency}), {} run(s) each",
            args.repeat
        );
        println!(
            "| run | offers | created | quarantined | failed nodes | wall s | offers/s | process CPU s | RSS before harvest MiB | peak during harvest MiB | growth MiB | peak while loading MiB |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for run in many.iter().zip(&one).flat_map(|(a, b)| [a, b]) {
            println!(
                "| {} | {} | {} | {} | {} | {:.2} | {:.0} | {:.1} | {:.0} | {:.0}{} | {:.0} | {:.0} |",
                run.label,
                run.offers,
                run.created,
                run.quarantined,
                run.failed,
                run.secs,
                run.offers as f64 / run.secs,
                run.cpu_secs,
                mib(run.rss_before_kb),
                mib(run.peak_kb),
                if run.peak_reset { "" } else { " (peak not reset)" },
                mib(growth_kb(run)),
                mib(run.peak_before_kb),
            );
        }
        let rate = |r: &FleetRun| r.offers as f64 / r.secs;
        let median = |runs: &[FleetRun], f: &dyn Fn(&FleetRun) -> f64| {
            let mut v: Vec<f64> = runs.iter().map(f).collect();
            v.sort_by(f64::total_cmp);
            let mid = v.len() / 2;
            if v.len().is_multiple_of(2) { (v[mid - 1] + v[mid]) / 2.0 } else { v[mid] }
        };
        let pairs: Vec<String> =
            many.iter().zip(&one).map(|(a, b)| format!("{:.2}×", rate(a) / rate(b))).collect();
        println!(
            "medians: {} {:.0} offers/s, {:.1} s CPU, growth {:.0} MiB; baseline {:.0} offers/s, {:.1} s CPU, growth {:.0} MiB",
            many[0].label,
            median(&many, &rate),
            median(&many, &|r| r.cpu_secs),
            median(&many, &|r| mib(growth_kb(r))),
            median(&one, &rate),
            median(&one, &|r| r.cpu_secs),
            median(&one, &|r| mib(growth_kb(r))),
        );
        println!(
            "ratio to the baseline: {:.2}× its offers/s (medians), {:.2}× its CPU time; pair by pair {}",
            median(&many, &rate) / median(&one, &rate),
            median(&many, &|r| r.cpu_secs) / median(&one, &|r| r.cpu_secs),
            pairs.join(", ")
        );
    }
}
