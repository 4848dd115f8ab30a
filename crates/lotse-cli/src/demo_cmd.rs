//! `lotse demo`: shows Lotse on generated data of three nodes of the region.
//!
//! Until the node and hub services land in the demo, it generates each node's offers, runs them
//! through the shared validator as a node would on upload, and prints the report per node.

use lotse_generate::{Generator, Options};
use lotse_standard::date::Date;
use lotse_standard::read::Record;
use lotse_standard::validate::{Batch, Validator};
use lotse_standard::{Code, Severity};

#[derive(clap::Args)]
pub struct Args {
    /// Angebote je Knoten / offers per node.
    #[arg(long, default_value_t = 2000)]
    offers: usize,
    /// Startwert des Zufalls / seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// The demo's nodes: two cities and a university, with the municipalities they publish for.
pub const DEMO_NODES: &[(&str, &str, &[&str])] = &[
    ("essen", "Stadt Essen", &["05113000"]),
    ("dortmund", "Stadt Dortmund", &["05913000"]),
    ("rub", "Ruhr-Universität Bochum", &["05911000"]),
];

pub fn run(args: Args) -> anyhow::Result<()> {
    let today = Date::today_utc();
    let validator = Validator::new(today);
    println!(
        "Lotse-Demo: {} Angebote je Knoten, geprüft am {today} / offers per node, validated on {today}\n",
        args.offers
    );
    for (i, (node_id, name, municipalities)) in DEMO_NODES.iter().enumerate() {
        let mut options = Options::new(args.seed + i as u64, today);
        options.node_id = Some((*node_id).to_owned());
        options.municipalities = Some(municipalities.iter().map(|s| (*s).to_owned()).collect());
        let mut batch = Batch::default();
        let (mut valid, mut errors) = (0usize, 0usize);
        let mut by_code: Vec<(Code, usize)> = Vec::new();
        let started = std::time::Instant::now();
        for (index, offer) in Generator::new(options)?.take(args.offers).enumerate() {
            let record = Record::json(serde_json::to_value(&offer)?, None);
            let report = batch.validate(&validator, index, record);
            if report.has_errors() {
                errors += 1
            } else {
                valid += 1
            }
            for f in &report.findings {
                match by_code.iter_mut().find(|(c, _)| *c == f.code) {
                    Some((_, n)) => *n += 1,
                    None => by_code.push((f.code, 1)),
                }
            }
        }
        println!(
            "{name} ({node_id}): {valid} gültig / valid, {errors} abgelehnt / rejected, {:.0} ms",
            started.elapsed().as_secs_f64() * 1e3
        );
        by_code.sort_by_key(|(c, n)| (c.severity(), std::cmp::Reverse(*n)));
        for (code, n) in by_code {
            let label = match code.severity() {
                Severity::Error => "Fehler / error",
                Severity::Warning => "Warnung / warning",
                Severity::Notice => "Hinweis / notice",
            };
            println!(
                "  {n:>6} × {:<24} {label}: {} / {}",
                code.as_str(),
                code.meaning().de,
                code.meaning().en
            );
        }
        println!();
    }
    println!("Eigene Dateien prüfen / validate your own files: cargo run --release -- validate DATEI.csv");
    Ok(())
}
