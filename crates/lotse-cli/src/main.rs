//! `lotse`: one binary for every role. Each subcommand lives in its own module and only wires
//! library crates together; no domain logic lives here.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod demo_cmd;
mod generate_cmd;
mod hub_cmd;
mod node_cmd;
mod validate_cmd;

#[derive(Parser)]
#[command(
    name = "lotse",
    version,
    about = "Lotse – Bildungs- und Beratungsangebote für Zugewanderte im Ruhrgebiet / education and counselling offers for newcomers in the Ruhr region"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Startet die Demo / runs the demo.
    Demo(demo_cmd::Args),
    /// Prüft Angebotsdateien gegen den Standard / validate offer files against the standard.
    Validate(validate_cmd::Args),
    /// Erzeugt realistische Beispieldaten / generate realistic sample data.
    Generate(generate_cmd::Args),
    /// Betreibt einen Knoten (Angebote einer Stelle) / runs an ingest node.
    Node(node_cmd::Args),
    /// Betreibt den Hub einer Region / runs the hub of a region.
    Hub(hub_cmd::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => demo_cmd::run(args).map(|()| ExitCode::SUCCESS),
        Command::Validate(args) => validate_cmd::run(args),
        Command::Generate(args) => generate_cmd::run(args).map(|()| ExitCode::SUCCESS),
        Command::Node(args) => node_cmd::run(args).map(|()| ExitCode::SUCCESS),
        Command::Hub(args) => hub_cmd::run(args).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Fehler / error: {e:#}");
            ExitCode::from(2)
        }
    }
}
