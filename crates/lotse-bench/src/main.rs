//! `lotse-bench`: the benchmark harness. Each subcommand measures one area and prints its
//! figures next to a baseline measured in the same run, as the ratio that `docs/benchmarks.md`
//! records. Run it in release mode: `cargo run --release -p lotse-bench -- validate`.

#![forbid(unsafe_code)]

mod freshness;
mod records;
mod search;
mod stats;
mod validate;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "lotse-bench", about = "Lotse benchmark harness")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validation throughput (NDJSON, CSV) against bare serde_json parsing, and generation speed.
    Validate(validate::Args),
    /// Search latency per query class (Q1–Q5) against PostgreSQL full-text search.
    Search(search::Args),
    /// Push-to-searchable latency through a real node and hub while searches run.
    Freshness(freshness::Args),
    /// Prints search URLs of one query class for a load generator (oha --urls-from-file).
    SearchUrls(search::UrlArgs),
    /// Institutions, networks and projects: harvest pipeline, reference resolution, search.
    Records(records::Args),
    /// Prints search URLs of one class (R1–R4) and kind for a load generator.
    RecordUrls(records::UrlArgs),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Validate(args) => validate::run(args),
        Command::Search(args) => search::run(args),
        Command::SearchUrls(args) => search::urls(args),
        Command::Freshness(args) => freshness::run(args),
        Command::Records(args) => records::run(args),
        Command::RecordUrls(args) => records::urls(args),
    }
}
