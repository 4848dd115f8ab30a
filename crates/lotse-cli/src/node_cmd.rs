//! `lotse node`: runs an ingest node, migrates its database, manages its tokens and the
//! password accounts of its steward pages.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};
use lotse_node::store::{self, StoreOptions};
use lotse_node::{NodeConfig, Role};

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = false)]
pub struct Args {
    /// Konfigurationsdatei (TOML); Umgebungsvariablen LOTSE_NODE__… gehen vor / configuration
    /// file (TOML); LOTSE_NODE__… environment variables take precedence.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<NodeCommand>,
}

#[derive(Subcommand)]
enum NodeCommand {
    /// Startet den Knoten (Standard ohne Unterbefehl) / runs the node (the default).
    Run,
    /// Richtet die Datenbank ein oder aktualisiert sie / creates or updates the database schema.
    Migrate,
    /// Verwaltet API-Tokens / manages API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Verwaltet Konten mit Passwort für die Datenpflege-Seiten / manages password accounts of
    /// the steward pages.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Legt ein Konto an; das Passwort wird von der Standardeingabe gelesen / creates an
    /// account; the password is read from standard input.
    Add {
        #[arg(long)]
        name: String,
    },
    /// Setzt ein neues Passwort (von der Standardeingabe) und beendet die Sitzungen des Kontos /
    /// sets a new password (from standard input) and ends the account's sessions.
    Passwd {
        #[arg(long)]
        name: String,
    },
    /// Entfernt ein Konto und seine Sitzungen / removes an account and its sessions.
    Remove {
        #[arg(long)]
        name: String,
    },
    /// Listet die Konten / lists the accounts.
    List,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Legt ein Token an und gibt es einmalig aus / creates a token and prints it once.
    Create {
        /// Wer das Token hält, z. B. „vhs-essen“ / who holds the token, e.g. "vhs-essen".
        #[arg(long)]
        name: String,
        #[arg(long, value_enum, default_value_t = RoleArg::Steward)]
        role: RoleArg,
    },
    /// Listet alle Tokens (ohne die Tokens selbst) / lists all tokens (without the tokens).
    List,
    /// Widerruft ein Token / revokes a token.
    Revoke {
        /// Nummer des Tokens (aus `token list`) / the token's number (from `token list`).
        #[arg(long, conflicts_with = "name", required_unless_present = "name")]
        id: Option<i64>,
        /// Name des aktiven Tokens / name of the active token.
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Steward,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Steward => Role::Steward,
            RoleArg::Admin => Role::Admin,
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let config = NodeConfig::load(args.config.as_deref()).context("Konfiguration / configuration")?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match args.command.unwrap_or(NodeCommand::Run) {
            NodeCommand::Run => {
                lotse_http::telemetry::init_tracing(config.service.log_json);
                lotse_node::run(config).await?;
            }
            NodeCommand::Migrate => {
                // Opening the store runs the embedded migrations.
                open(&config).await?;
                eprintln!(
                    "Datenbank ist aktuell / database is up to date ({})",
                    config.service.database_kind()
                );
            }
            NodeCommand::Token { command } => token(&config, command).await?,
            NodeCommand::User { command } => user(&config, command).await?,
        }
        Ok(())
    })
}

async fn open(config: &NodeConfig) -> anyhow::Result<std::sync::Arc<dyn lotse_node::NodeStore>> {
    let options = StoreOptions { max_connections: 2 };
    store::open(config.service.database_url().expose(), &options).await.context("Datenbank / database")
}

async fn token(config: &NodeConfig, command: TokenCommand) -> anyhow::Result<()> {
    let store = open(config).await?;
    match command {
        TokenCommand::Create { name, role } => {
            let (token, info) = lotse_node::tokens::create(&*store, &name, role.into()).await?;
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
            for t in store.list_tokens().await? {
                println!(
                    "{:>5}  {:<8}  {:<20}  {:<20}  {}",
                    t.id,
                    t.role.as_str(),
                    lotse_node::api::rfc3339(t.created_at),
                    t.revoked_at.map(lotse_node::api::rfc3339).unwrap_or_else(|| "-".into()),
                    t.name
                );
            }
        }
        TokenCommand::Revoke { id, name } => {
            let id = match (id, name) {
                (Some(id), _) => id,
                (None, Some(name)) => match store
                    .list_tokens()
                    .await?
                    .into_iter()
                    .find(|t| t.name == name && t.revoked_at.is_none())
                {
                    Some(t) => t.id,
                    None => bail!("kein aktives Token namens „{name}“ / no active token named \"{name}\""),
                },
                (None, None) => bail!("--id oder --name angeben / give --id or --name"),
            };
            if !lotse_node::tokens::revoke(&*store, id).await? {
                bail!("kein aktives Token {id} / no active token {id}");
            }
            eprintln!("Token {id} widerrufen / revoked");
        }
    }
    Ok(())
}

/// Reads a password: the first line of standard input, with a prompt when it is a terminal.
fn read_password() -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal, Write};
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Passwort / password: ");
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn user(config: &NodeConfig, command: UserCommand) -> anyhow::Result<()> {
    use lotse_node::web::password;
    let store = open(config).await?;
    match command {
        UserCommand::Add { name } => {
            let pw = read_password()?;
            let user = password::add_user(&*store, &name, &pw).await?;
            eprintln!("Konto {} „{}“ angelegt / account created", user.id, user.name);
        }
        UserCommand::Passwd { name } => {
            let pw = read_password()?;
            if !password::set_password(&*store, &name, &pw).await? {
                bail!("kein Konto namens „{name}“ / no account named \"{name}\"");
            }
            eprintln!("Passwort von „{name}“ geändert, Sitzungen beendet / password changed, sessions ended");
        }
        UserCommand::Remove { name } => {
            if !store.remove_user(&name).await? {
                bail!("kein Konto namens „{name}“ / no account named \"{name}\"");
            }
            eprintln!("Konto „{name}“ entfernt / account removed");
        }
        UserCommand::List => {
            println!("{:>5}  {:<20}  {:<20}  name", "id", "created", "password set");
            for u in store.list_users().await? {
                println!(
                    "{:>5}  {:<20}  {:<20}  {}",
                    u.id,
                    lotse_node::api::rfc3339(u.created_at),
                    lotse_node::api::rfc3339(u.updated_at),
                    u.name
                );
            }
        }
    }
    Ok(())
}
