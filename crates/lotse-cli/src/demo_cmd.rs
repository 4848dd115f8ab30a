//! `lotse demo`: a hub and three nodes of the region in one process, on SQLite, filled with
//! generated records of every kind, so that a newcomer sees the whole federation with one
//! command.
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
//! 4. fills every node with generated records of its own municipalities, pushed through the
//!    node's steward API like any steward's upload, in the order references need: first
//!    `--organizations` organizations, then `--networks` networks and `--projects` projects
//!    (whose members and partners are among the node's organizations, and for a share among
//!    those of the next demo node, so that some networks span two nodes), then `--offers`
//!    offers (which name their provider's organization, and some a network or a project). With
//!    `--data`, a kind that a node already holds is kept and not regenerated;
//! 5. waits until the hub has harvested every node (moved by the pings) and its search index
//!    has caught up, prints the addresses and tokens, writes `--info-file`, and serves until
//!    Ctrl-C.
//!
//! Without `--data` the demo works in a temporary directory that is removed when it stops.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use lotse_generate::{Generator, Kind, Options, PartnerNode};
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
    /// Einrichtungen je Knoten / organizations per node.
    #[arg(long, default_value_t = 300)]
    organizations: usize,
    /// Netzwerke je Knoten / networks per node.
    #[arg(long, default_value_t = 30)]
    networks: usize,
    /// Projekte je Knoten / projects per node.
    #[arg(long, default_value_t = 40)]
    projects: usize,
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
/// Records per push while filling a node: well below the node's body limit (2,000 generated
/// offers are about 4 MB of NDJSON; the other kinds' records are smaller).
const PUSH_CHUNK: usize = 2_000;
/// The kinds the demo fills besides offers, in the order references need them: organizations
/// before the networks and projects that name them, and all three before the offers.
const SET_KINDS: [Kind; 3] = [Kind::Organization, Kind::Network, Kind::Project];
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

    let mut at_hub = Vec::new();
    for kind in SET_KINDS {
        let counts = running.hub().store().record_counts(kind).await?;
        at_hub.push((kind, counts.iter().map(|(_, n)| n).sum::<i64>()));
    }
    print_summary(&hub_url, &operator_token, &nodes, total, &at_hub, started.elapsed());
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

/// The generator of a demo node: its municipalities, its set of every kind, and the next demo
/// node as the partner whose organizations its networks and projects may include.
fn generator(args: &Args, i: usize, today: Date) -> anyhow::Result<Generator> {
    let (id, _, municipalities) = DEMO_NODES[i];
    let (partner, _, partner_municipalities) = DEMO_NODES[(i + 1) % DEMO_NODES.len()];
    let mut options = Options::new(args.seed + i as u64, today);
    options.node_id = Some(id.to_owned());
    options.municipalities = Some(municipalities.iter().map(|s| (*s).to_owned()).collect());
    options.organizations = Some(args.organizations as u64);
    options.networks = Some(args.networks as u64);
    options.projects = Some(args.projects as u64);
    options.partner = Some(PartnerNode {
        node_id: partner.to_owned(),
        organizations: args.organizations as u64,
        municipalities: partner_municipalities.iter().map(|s| (*s).to_owned()).collect(),
    });
    Ok(Generator::new(options)?)
}

/// Pushes generated records of the node's municipalities through its steward API, kind by kind
/// (organizations, networks, projects, then offers), each unless the node already holds
/// records of that kind (a kept `--data` directory).
async fn fill(
    http: &reqwest::Client,
    n: &DemoNode,
    args: &Args,
    i: usize,
    today: Date,
) -> anyhow::Result<()> {
    let generator = generator(args, i, today)?;
    let started = Instant::now();
    let (mut kept, mut uploaded, mut rejected) = (Vec::new(), Vec::new(), 0);
    for kind in SET_KINDS {
        let held = n.node.store().count(kind).await?;
        if held > 0 {
            kept.push((kind, held));
            continue;
        }
        let (created, refused) = push(http, n, &generator, kind, count_of(args, kind)).await?;
        uploaded.push((kind, created));
        rejected += refused;
    }
    if !kept.is_empty() {
        let (de, en) = set_counts(&kept);
        println!("{} ({}): {de} vorhanden / {en} kept", n.name, n.id);
    }
    if !uploaded.is_empty() {
        let (de, en) = set_counts(&uploaded);
        println!(
            "{} ({}): {de} hochgeladen / {en} uploaded ({rejected} abgelehnt / rejected), {:.1} s",
            n.name,
            n.id,
            started.elapsed().as_secs_f64()
        );
    }

    let held = n.node.store().count(Kind::Offer).await?;
    if held > 0 {
        println!("{} ({}): {held} Angebote vorhanden / offers kept", n.name, n.id);
        return Ok(());
    }
    let started = Instant::now();
    let (created, rejected) = push(http, n, &generator, Kind::Offer, count_of(args, Kind::Offer)).await?;
    println!(
        "{} ({}): {created} Angebote hochgeladen / offers uploaded ({rejected} abgelehnt / rejected), {:.1} s",
        n.name,
        n.id,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// How many records of a kind the demo generates per node.
fn count_of(args: &Args, kind: Kind) -> usize {
    match kind {
        Kind::Offer => args.offers,
        Kind::Organization => args.organizations,
        Kind::Network => args.networks,
        Kind::Project => args.projects,
    }
}

/// Counts by kind in German and in English: "300 Einrichtungen, 30 Netzwerke" and
/// "300 organizations, 30 networks".
fn set_counts(counts: &[(Kind, i64)]) -> (String, String) {
    let label = |kind: Kind| match kind {
        Kind::Offer => ("Angebote", "offers"),
        Kind::Organization => ("Einrichtungen", "organizations"),
        Kind::Network => ("Netzwerke", "networks"),
        Kind::Project => ("Projekte", "projects"),
    };
    let de: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {}", label(*k).0)).collect();
    let en: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {}", label(*k).1)).collect();
    (de.join(", "), en.join(", "))
}

/// Pushes the first `total` generated records of a kind to the node's `POST /api/v1/{kind}` in
/// chunks; returns how many were created or updated and how many refused.
async fn push(
    http: &reqwest::Client,
    n: &DemoNode,
    generator: &Generator,
    kind: Kind,
    total: usize,
) -> anyhow::Result<(i64, i64)> {
    let (mut created, mut rejected) = (0i64, 0i64);
    for start in (0..total).step_by(PUSH_CHUNK) {
        let end = (start + PUSH_CHUNK).min(total);
        let mut body = String::new();
        for k in start..end {
            body.push_str(&serde_json::to_string(&generator.record(kind, k as u64))?);
            body.push('\n');
        }
        // Partial mode: a generated record that the validator refuses is reported, not fatal.
        let response = http
            .post(format!("{}/api/v1/{}?mode=partial", n.node.url(), kind.plural()))
            .bearer_auth(n.steward_token.expose())
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
            .await
            .with_context(|| format!("Hochladen / upload to {}", n.id))?;
        let status = response.status();
        let report: serde_json::Value = response.json().await.unwrap_or_default();
        if !status.is_success() {
            bail!("{} ({}): {status}: {report}", n.id, kind.plural());
        }
        created += report["counts"]["created"].as_i64().unwrap_or(0)
            + report["counts"]["updated"].as_i64().unwrap_or(0);
        rejected += report["counts"]["rejected"].as_i64().unwrap_or(0);
    }
    Ok((created, rejected))
}

/// Waits until the hub holds (live or in quarantine) as many offers of every node as the node
/// has, has harvested as many records of every other kind from its feed, and no harvest is
/// running: the pings have done their work.
async fn wait_for_harvest(running: &HubHandle, nodes: &[DemoNode]) -> anyhow::Result<()> {
    let hub = running.hub();
    let deadline = Instant::now() + HARVEST_TIMEOUT;
    loop {
        let counts = hub.store().node_counts().await?;
        let mut done = true;
        for n in nodes {
            let at_node = n.node.store().count(Kind::Offer).await?;
            let at_hub = counts.get(n.id).map_or(0, |c| c.offers + c.quarantined);
            if at_hub < at_node || hub.harvester().is_running(n.id) {
                done = false;
            }
            for kind in SET_KINDS {
                // Items of the kind's feed, accepted or quarantined: each counts once.
                let at_node = n.node.store().count(kind).await?;
                if hub.store().record_feed(n.id, kind).await?.items_harvested < at_node {
                    done = false;
                }
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

fn print_summary(
    hub_url: &str,
    operator_token: &Secret,
    nodes: &[DemoNode],
    total: u64,
    at_hub: &[(Kind, i64)],
    took: Duration,
) {
    println!();
    println!(
        "Lotse läuft / Lotse is running ({total} Angebote im Suchindex / offers in the search index, {:.1} s):",
        took.as_secs_f64()
    );
    let (de, en) = set_counts(at_hub);
    println!("Außerdem beim Hub {de} / also at the hub: {en}.");
    println!();
    println!("  Suche für Beratende / adviser search:   {hub_url}/");
    println!("  Karte / map:                            {hub_url}/karte");
    println!("  Einrichtungen / organizations:          {hub_url}/einrichtungen");
    println!("  Netzwerke / networks:                   {hub_url}/netzwerke");
    println!("  Projekte / projects:                    {hub_url}/projekte");
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
