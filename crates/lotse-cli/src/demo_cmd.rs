//! `lotse demo`: a hub and three nodes of the region in one process, on SQLite, filled with
//! generated offers, so that a newcomer sees the whole federation with one command.
//!
//! What it does, in order:
//! 1. starts the hub (`{data}/hub`, on `--port`) and registers the three [`DEMO_NODES`] with their
//!    jurisdictions (on a later run with the same `--data`: updates their feed URLs, because
//!    `--port` may have changed);
//! 2. issues fresh demo tokens — each node's hub token, a steward token per node and an
//!    operator token at the hub — revoking the previous demo tokens, so that no token is ever
//!    kept in plain text between runs (only their hashes are stored, as always);
//! 3. starts the nodes on the three ports after the hub's, each pinging the hub after every
//!    change;
//! 4. fills every node that holds no offers yet with `--offers` generated offers of its own
//!    municipalities, pushed through the node's steward API like any steward's upload (with
//!    `--data`, a node that already holds offers keeps them and nothing is regenerated);
//! 5. waits until the hub has harvested every node (moved by the pings) and its search index
//!    has caught up, prints the addresses and tokens, writes `--info-file`, and serves until
//!    Ctrl-C.
//!
//! Without `--data` the demo works in a temporary directory that is removed when it stops.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use lotse_generate::{Generator, Options};
use lotse_http::Secret;
use lotse_http::config::ServiceConfig;
use lotse_hub::{Hub, HubConfig, HubHandle, NewNode, NodeUpdate, Role as HubRole};
use lotse_node::{Node, NodeConfig, Role as NodeRole};
use lotse_standard::date::Date;
use serde::Serialize;

#[derive(clap::Args)]
pub struct Args {
    /// Angebote je Knoten / offers per node.
    #[arg(long, default_value_t = 2000)]
    offers: usize,
    /// Startwert des Zufalls / seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Port des Hubs; die Knoten nehmen die drei folgenden / the hub's port; the nodes take
    /// the three after it.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Datenverzeichnis, bleibt zwischen Läufen erhalten (ohne: ein temporäres, das am Ende
    /// gelöscht wird) / data directory, kept between runs (without: a temporary one, removed
    /// at the end).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Schreibt Adressen und Tokens als JSON in diese Datei, sobald der Hub alles gesammelt
    /// hat / writes addresses and tokens as JSON to this file once the hub has harvested
    /// everything.
    #[arg(long)]
    info_file: Option<PathBuf>,
}

/// The demo's nodes: two cities and a university, with the municipalities they publish for
/// (which are also their jurisdictions at the hub).
pub const DEMO_NODES: &[(&str, &str, &[&str])] = &[
    ("essen", "Stadt Essen", &["05113000"]),
    ("dortmund", "Stadt Dortmund", &["05913000"]),
    ("rub", "Ruhr-Universität Bochum", &["05911000"]),
];

/// Names of the tokens the demo issues; the previous ones of these names are revoked.
const STEWARD_TOKEN_NAME: &str = "demo-pflege";
const OPERATOR_TOKEN_NAME: &str = "demo-betrieb";
/// Offers per push while filling a node: well below the node's body limit (2,000 generated
/// offers are about 4 MB of NDJSON).
const PUSH_CHUNK: usize = 2_000;
/// How long the demo waits for the hub to harvest and index everything.
const HARVEST_TIMEOUT: Duration = Duration::from_secs(900);

/// What `--info-file` receives: everything a browser test needs to drive the demo.
#[derive(Serialize)]
struct Info {
    hub_url: String,
    operator_token: String,
    nodes: Vec<NodeInfoOut>,
}

#[derive(Serialize)]
struct NodeInfoOut {
    id: String,
    name: String,
    url: String,
    steward_token: String,
}

struct DemoNode {
    id: &'static str,
    name: &'static str,
    node: Node,
    steward_token: Secret,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    init_logging();
    if args.port > u16::MAX - DEMO_NODES.len() as u16 || args.port == 0 {
        bail!("--port: 1 bis {} / 1 to {}", u16::MAX - 3, u16::MAX - 3);
    }
    // The temporary directory lives until the end of `run`, so it is removed after shutdown.
    let (data, _temporary) = match &args.data {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("Datenverzeichnis / data directory {}", dir.display()))?;
            (dir.clone(), None)
        }
        None => {
            let t = tempfile::Builder::new()
                .prefix("lotse-demo-")
                .tempdir()
                .context("temporäres Verzeichnis / temporary directory")?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(demo(args, data))
}

/// Logs only warnings and errors unless `RUST_LOG` says otherwise: the demo's own output is
/// what a newcomer should read.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

async fn demo(args: Args, data: PathBuf) -> anyhow::Result<()> {
    let started = Instant::now();
    let today = Date::today_utc();
    println!("Lotse-Demo in / in {}", data.display());

    let running = Hub::start(hub_config(&data, args.port)).await.context("Hub starten / start the hub")?;
    let hub_url = running.url();
    let mut hub_tokens = Vec::new();
    for (i, (id, name, municipalities)) in DEMO_NODES.iter().enumerate() {
        let feed_url = format!("http://127.0.0.1:{}/feed/offers", node_port(args.port, i));
        hub_tokens.push(register(running.hub(), id, name, &feed_url, municipalities).await?);
    }
    let operator_token = operator_token(running.hub()).await?;

    let mut nodes = Vec::new();
    for (i, ((id, name, _), hub_token)) in DEMO_NODES.iter().zip(hub_tokens).enumerate() {
        let node = Node::start(node_config(&data, id, node_port(args.port, i), &hub_url, hub_token))
            .await
            .with_context(|| format!("Knoten / node {id}"))?;
        let steward_token = steward_token(&node).await?;
        nodes.push(DemoNode { id, name, node, steward_token });
    }

    let http = reqwest::Client::builder().no_proxy().build()?;
    for (i, n) in nodes.iter().enumerate() {
        fill(&http, n, &args, i, today).await?;
    }
    wait_for_harvest(&running, &nodes).await?;
    let indexed = running.hub().index_now().await.context("Suchindex / search index")?;
    let total = running.hub().search()?.index().num_docs();
    tracing::debug!(indexed, "index caught up");

    print_summary(&hub_url, &operator_token, &nodes, total, started.elapsed());
    if let Some(path) = &args.info_file {
        write_info(path, &hub_url, &operator_token, &nodes)?;
    }

    lotse_http::shutdown::shutdown_signal().await;
    println!("Demo wird beendet / stopping the demo …");
    for n in nodes {
        n.node.shutdown().await.ok();
    }
    running.shutdown().await;
    Ok(())
}

fn node_port(hub_port: u16, i: usize) -> u16 {
    hub_port + 1 + i as u16
}

fn hub_config(data: &Path, port: u16) -> HubConfig {
    HubConfig {
        service: ServiceConfig {
            listen: format!("127.0.0.1:{port}"),
            data_dir: data.join("hub"),
            ..ServiceConfig::default()
        },
        ..HubConfig::default()
    }
}

fn node_config(data: &Path, id: &str, port: u16, hub_url: &str, hub_token: Secret) -> NodeConfig {
    NodeConfig {
        node_id: id.to_owned(),
        service: ServiceConfig {
            listen: format!("127.0.0.1:{port}"),
            data_dir: data.join(id),
            ..ServiceConfig::default()
        },
        hub_url: Some(hub_url.to_owned()),
        hub_token: Some(hub_token),
        ..NodeConfig::default()
    }
}

/// Registers a node, or on a later run points it at its (possibly new) port and gives it a
/// fresh hub token. Returns the hub token.
async fn register(
    hub: &Hub,
    id: &str,
    name: &str,
    feed_url: &str,
    municipalities: &[&str],
) -> anyhow::Result<Secret> {
    let jurisdiction: Vec<String> = municipalities.iter().map(|s| (*s).to_owned()).collect();
    if hub.store().get_node(id).await?.is_some() {
        hub.update_node(
            id,
            NodeUpdate {
                feed_url: Some(feed_url.to_owned()),
                jurisdiction: Some(jurisdiction),
                ..NodeUpdate::default()
            },
        )
        .await?;
        return Ok(hub.rotate_node_token(id).await?);
    }
    let (_, token) = hub
        .add_node(NewNode { id: id.into(), name: name.into(), feed_url: feed_url.into(), jurisdiction })
        .await?;
    Ok(token)
}

async fn operator_token(hub: &Hub) -> anyhow::Result<Secret> {
    for t in hub.store().list_tokens().await? {
        if t.name == OPERATOR_TOKEN_NAME && t.revoked_at.is_none() {
            hub.revoke_token(t.id).await?;
        }
    }
    Ok(hub.create_token(OPERATOR_TOKEN_NAME, HubRole::Operator).await?.1)
}

async fn steward_token(node: &Node) -> anyhow::Result<Secret> {
    let store = node.store();
    for t in store.list_tokens().await? {
        if t.name == STEWARD_TOKEN_NAME && t.revoked_at.is_none() {
            lotse_node::tokens::revoke(&*store, t.id).await?;
        }
    }
    Ok(lotse_node::tokens::create(&*store, STEWARD_TOKEN_NAME, NodeRole::Steward).await?.0)
}

/// Pushes generated offers of the node's municipalities through its steward API, unless it
/// already holds offers (a kept `--data` directory).
async fn fill(
    http: &reqwest::Client,
    n: &DemoNode,
    args: &Args,
    i: usize,
    today: Date,
) -> anyhow::Result<()> {
    let held = n.node.store().count(lotse_standard::rpde::Kind::Offer).await?;
    if held > 0 {
        println!("{} ({}): {held} Angebote vorhanden / offers kept", n.name, n.id);
        return Ok(());
    }
    let municipalities = DEMO_NODES[i].2;
    let mut options = Options::new(args.seed + i as u64, today);
    options.node_id = Some(n.id.to_owned());
    options.municipalities = Some(municipalities.iter().map(|s| (*s).to_owned()).collect());
    let generator = Generator::new(options)?;
    let started = Instant::now();
    let (mut created, mut rejected) = (0i64, 0i64);
    for start in (0..args.offers).step_by(PUSH_CHUNK) {
        let end = (start + PUSH_CHUNK).min(args.offers);
        let mut body = String::new();
        for k in start..end {
            body.push_str(&serde_json::to_string(&generator.offer(k as u64))?);
            body.push('\n');
        }
        // Partial mode: a generated offer that the validator refuses is reported, not fatal.
        let response = http
            .post(format!("{}/api/v1/offers?mode=partial", n.node.url()))
            .bearer_auth(n.steward_token.expose())
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
            .await
            .with_context(|| format!("Hochladen / upload to {}", n.id))?;
        let status = response.status();
        let report: serde_json::Value = response.json().await.unwrap_or_default();
        if !status.is_success() {
            bail!("{}: {status}: {report}", n.id);
        }
        created += report["counts"]["created"].as_i64().unwrap_or(0)
            + report["counts"]["updated"].as_i64().unwrap_or(0);
        rejected += report["counts"]["rejected"].as_i64().unwrap_or(0);
    }
    println!(
        "{} ({}): {created} Angebote hochgeladen / offers uploaded ({rejected} abgelehnt / rejected), {:.1} s",
        n.name,
        n.id,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Waits until the hub holds (live or in quarantine) as many offers of every node as the node
/// has, and no harvest is running: the pings have done their work.
async fn wait_for_harvest(running: &HubHandle, nodes: &[DemoNode]) -> anyhow::Result<()> {
    let hub = running.hub();
    let deadline = Instant::now() + HARVEST_TIMEOUT;
    loop {
        let counts = hub.store().node_counts().await?;
        let mut done = true;
        for n in nodes {
            let at_node = n.node.store().count(lotse_standard::rpde::Kind::Offer).await?;
            let at_hub = counts.get(n.id).map_or(0, |c| c.offers + c.quarantined);
            if at_hub < at_node || hub.harvester().is_running(n.id) {
                done = false;
            }
        }
        if done {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!(
                "Der Hub hat nach {} s nicht alles gesammelt / the hub has not harvested everything after {} s",
                HARVEST_TIMEOUT.as_secs(),
                HARVEST_TIMEOUT.as_secs()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn print_summary(hub_url: &str, operator_token: &Secret, nodes: &[DemoNode], total: u64, took: Duration) {
    println!();
    println!(
        "Lotse läuft / Lotse is running ({total} Angebote im Suchindex / offers in the search index, {:.1} s):",
        took.as_secs_f64()
    );
    println!();
    println!("  Suche für Beratende / adviser search:   {hub_url}/");
    println!("  Karte / map:                            {hub_url}/karte");
    println!("  Betrieb / operations:                   {hub_url}/betrieb");
    println!("  Betriebs-Token / operator token:        {}", operator_token.expose());
    println!();
    for n in nodes {
        println!("  {} ({})", n.name, n.id);
        println!("    Pflege / steward pages:               {}/", n.node.url());
        println!("    Pflege-Token / steward token:         {}", n.steward_token.expose());
    }
    println!();
    println!(
        "Die Tokens gelten bis zum nächsten Start der Demo / the tokens are valid until the demo starts again."
    );
    println!("Beenden mit Strg-C / stop with Ctrl-C.");
}

/// Writes the info file atomically (a reader never sees half of it).
fn write_info(path: &Path, hub_url: &str, operator_token: &Secret, nodes: &[DemoNode]) -> anyhow::Result<()> {
    let info = Info {
        hub_url: hub_url.to_owned(),
        operator_token: operator_token.expose().to_owned(),
        nodes: nodes
            .iter()
            .map(|n| NodeInfoOut {
                id: n.id.to_owned(),
                name: n.name.to_owned(),
                url: n.node.url().to_owned(),
                steward_token: n.steward_token.expose().to_owned(),
            })
            .collect(),
    };
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(&info)?).with_context(|| format!("{}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("{}", path.display()))?;
    Ok(())
}
