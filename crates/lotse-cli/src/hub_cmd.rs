//! `lotse hub`: runs the hub, migrates its database, manages its node registry and operator
//! tokens, and harvests on demand.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};
use lotse_hub::{Hub, HubConfig, NewNode, Role};

#[derive(clap::Args)]
pub struct Args {
    /// Konfigurationsdatei (TOML); Umgebungsvariablen LOTSE_HUB__… gehen vor / configuration
    /// file (TOML); LOTSE_HUB__… environment variables take precedence.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Nur ausliefern, nicht sammeln (Replikat) / serve only, do not harvest (a replica).
    #[arg(long)]
    no_scheduler: bool,
    #[command(subcommand)]
    command: Option<HubCommand>,
}

#[derive(Subcommand)]
enum HubCommand {
    /// Startet den Hub (Standard ohne Unterbefehl) / runs the hub (the default).
    Run,
    /// Richtet die Datenbank ein oder aktualisiert sie / creates or updates the database schema.
    Migrate,
    /// Sammelt sofort (alle aktiven Knoten oder einen) und endet / harvests now (every active
    /// node, or one) and exits.
    Harvest {
        /// Nur diesen Knoten / only this node.
        #[arg(long)]
        node: Option<String>,
    },
    /// Baut den Suchindex aus der Datenbank neu auf und endet (der Hub darf dabei nicht
    /// laufen) / rebuilds the search index from the database and exits (with the hub stopped).
    Reindex,
    /// Verwaltet die registrierten Knoten / manages the registered nodes.
    Node {
        #[command(subcommand)]
        command: NodeCommand,
    },
    /// Verwaltet Betriebs-Tokens / manages operator tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Subcommand)]
enum NodeCommand {
    /// Registriert einen Knoten und gibt sein Hub-Token einmalig aus / registers a node and
    /// prints its hub token once.
    Add {
        /// Die Knoten-ID (node_id des Knotens) / the node id (the node's node_id).
        #[arg(long)]
        id: String,
        /// Adresse des RPDE-Feeds, z. B. https://knoten.example/feed/offers / the RPDE feed URL.
        #[arg(long)]
        feed_url: String,
        /// Anzeigename / display name.
        #[arg(long)]
        name: String,
        /// Zuständigkeit: AGS oder AGS-Präfixe, durch Kommas getrennt / jurisdiction: AGS or
        /// AGS prefixes, comma-separated.
        #[arg(long)]
        jurisdiction: String,
    },
    /// Listet die Knoten mit Erntestand / lists the nodes with their harvest state.
    List {
        /// Als JSON / as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Entfernt einen Knoten samt seinen Angeboten / removes a node and its offers.
    Remove {
        #[arg(long)]
        id: String,
    },
    /// Setzt die Zuständigkeit neu / replaces the jurisdiction.
    SetJurisdiction {
        #[arg(long)]
        id: String,
        #[arg(long)]
        jurisdiction: String,
    },
    /// Gibt dem Knoten ein neues Hub-Token (das alte gilt nicht mehr) / issues a new hub token
    /// (the old one stops working).
    Token {
        #[arg(long)]
        id: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Legt ein Token an und gibt es einmalig aus / creates a token and prints it once.
    Create {
        /// Wer das Token hält / who holds the token.
        #[arg(long)]
        name: String,
        #[arg(long, value_enum, default_value_t = RoleArg::Operator)]
        role: RoleArg,
    },
    /// Listet alle Tokens (ohne die Tokens selbst) / lists all tokens (without the tokens).
    List,
    /// Widerruft ein Token / revokes a token.
    Revoke {
        /// Nummer des Tokens (aus `token list`) / the token's number (from `token list`).
        #[arg(long)]
        id: i64,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Operator,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Operator => Role::Operator,
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let mut config = HubConfig::load(args.config.as_deref()).context("Konfiguration / configuration")?;
    if args.no_scheduler {
        config.scheduler = false;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match args.command.unwrap_or(HubCommand::Run) {
            HubCommand::Run => {
                lotse_http::telemetry::init_tracing(config.service.log_json);
                lotse_hub::run(config).await?;
            }
            HubCommand::Migrate => {
                // Opening the store runs the embedded migrations.
                let kind = config.service.database_kind();
                Hub::open(config).await?;
                eprintln!("Datenbank ist aktuell / database is up to date ({kind})");
            }
            HubCommand::Harvest { node } => harvest(config, node).await?,
            HubCommand::Reindex => {
                let started = std::time::Instant::now();
                let hub = Hub::open(config).await?;
                let n = hub.reindex().await.context("Suchindex / search index (läuft der Hub noch? / is the hub still running?)")?;
                let index = hub.search()?.index();
                eprintln!(
                    "Suchindex neu aufgebaut / search index rebuilt: {n} Änderungen/changes, {} Angebote/offers, {:.1} s",
                    index.num_docs(),
                    started.elapsed().as_secs_f64()
                );
            }
            HubCommand::Node { command } => node_command(Hub::open(config).await?, command).await?,
            HubCommand::Token { command } => token_command(Hub::open(config).await?, command).await?,
        }
        Ok(())
    })
}

fn jurisdiction(list: &str) -> anyhow::Result<Vec<String>> {
    lotse_hub::jurisdiction::parse_list(list).map_err(anyhow::Error::msg)
}

async fn harvest(mut config: HubConfig, node: Option<String>) -> anyhow::Result<()> {
    lotse_http::telemetry::init_tracing(config.service.log_json);
    config.scheduler = true;
    let hub = Hub::open(config).await?;
    let results = match node {
        Some(id) => vec![hub.harvest_now(&id).await],
        None => hub.run_once().await?,
    };
    let mut failed = 0;
    for r in results {
        match r {
            Ok(r) => println!(
                "{}: {} Seiten/pages, {} neu/created, {} geändert/updated, {} unverändert/unchanged, \
                 {} Quarantäne/quarantined, {} gelöscht/deleted",
                r.node_id,
                r.pages,
                r.outcome.created,
                r.outcome.updated,
                r.outcome.unchanged,
                r.outcome.quarantined,
                r.outcome.deleted
            ),
            Err(e) => {
                failed += 1;
                eprintln!("Fehler / error: {e}");
            }
        }
    }
    if failed > 0 {
        bail!("{failed} Ernte(n) fehlgeschlagen / harvest(s) failed");
    }
    Ok(())
}

async fn node_command(hub: Hub, command: NodeCommand) -> anyhow::Result<()> {
    match command {
        NodeCommand::Add { id, feed_url, name, jurisdiction: j } => {
            let (node, token) =
                hub.add_node(NewNode { id, name, feed_url, jurisdiction: jurisdiction(&j)? }).await?;
            eprintln!(
                "Knoten „{}“ registriert / node registered ({}); sein Hub-Token (hub_token), nur jetzt angezeigt / \
                 its hub token, shown only now:",
                node.id,
                node.jurisdiction.join(",")
            );
            println!("{}", token.expose());
        }
        NodeCommand::List { json } => {
            let nodes = hub.list_nodes().await?;
            let counts = hub.store().node_counts().await?;
            if json {
                let list: Vec<serde_json::Value> = nodes
                    .iter()
                    .map(|n| {
                        let c = counts.get(&n.id).copied().unwrap_or_default();
                        serde_json::json!({
                            "id": n.id, "name": n.name, "feed_url": n.feed_url, "jurisdiction": n.jurisdiction,
                            "state": n.state.as_str(), "state_reason": n.state_reason, "checkpoint": n.checkpoint,
                            "standard_version": n.standard_version, "offers": c.offers, "quarantined": c.quarantined,
                            "last_success_at": n.last_success_at, "last_error": n.last_error,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(());
            }
            println!(
                "{:<16}  {:<8}  {:>8}  {:>6}  {:<20}  {:<8}  feed",
                "id", "state", "offers", "quar.", "last success", "standard"
            );
            for n in nodes {
                let c = counts.get(&n.id).copied().unwrap_or_default();
                println!(
                    "{:<16}  {:<8}  {:>8}  {:>6}  {:<20}  {:<8}  {}",
                    n.id,
                    n.state.as_str(),
                    c.offers,
                    c.quarantined,
                    n.last_success_at.map(lotse_hub::rfc3339).unwrap_or_else(|| "-".into()),
                    n.standard_version.as_deref().unwrap_or("-"),
                    n.feed_url
                );
                if let Some(e) = n.last_error {
                    println!("{:<16}  ↳ {e}", "");
                }
            }
        }
        NodeCommand::Remove { id } => {
            let removed = hub.remove_node(&id).await?;
            eprintln!(
                "Knoten „{id}“ entfernt, {removed} Angebote ausgetragen / node removed, {removed} offers withdrawn"
            );
        }
        NodeCommand::SetJurisdiction { id, jurisdiction: j } => {
            let node = hub.set_jurisdiction(&id, jurisdiction(&j)?).await?;
            eprintln!("Zuständigkeit von „{id}“ / jurisdiction of \"{id}\": {}", node.jurisdiction.join(","));
        }
        NodeCommand::Token { id } => {
            let token = hub.rotate_node_token(&id).await?;
            eprintln!("Neues Hub-Token für „{id}“, nur jetzt angezeigt / new hub token, shown only now:");
            println!("{}", token.expose());
        }
    }
    Ok(())
}

async fn token_command(hub: Hub, command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create { name, role } => {
            let (info, token) = hub.create_token(&name, role.into()).await?;
            eprintln!(
                "Token {} „{}“ ({}) angelegt / created; es wird nur jetzt angezeigt / shown only now:",
                info.id,
                info.name,
                info.role.as_str()
            );
            println!("{}", token.expose());
        }
        TokenCommand::List => {
            println!("{:>5}  {:<8}  {:<20}  {:<20}  name", "id", "role", "created", "revoked");
            for t in hub.store().list_tokens().await? {
                println!(
                    "{:>5}  {:<8}  {:<20}  {:<20}  {}",
                    t.id,
                    t.role.as_str(),
                    lotse_hub::rfc3339(t.created_at),
                    t.revoked_at.map(lotse_hub::rfc3339).unwrap_or_else(|| "-".into()),
                    t.name
                );
            }
        }
        TokenCommand::Revoke { id } => {
            if !hub.revoke_token(id).await? {
                bail!("kein aktives Token {id} / no active token {id}");
            }
            eprintln!("Token {id} widerrufen / revoked");
        }
    }
    Ok(())
}
