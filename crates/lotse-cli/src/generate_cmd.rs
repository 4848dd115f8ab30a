//! `lotse generate`: realistic, deterministic sample offers on stdout.

use lotse_generate::{Format, Generator, Options, write_offers};
use lotse_standard::date::Date;

#[derive(clap::Args)]
pub struct Args {
    /// Anzahl der Angebote / number of offers.
    #[arg(long, default_value_t = 1000)]
    offers: usize,
    /// Startwert des Zufalls; gleicher Wert, gleiche Daten / seed: same seed, same data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Ausgabeformat / output format: ndjson, json, csv.
    #[arg(long, default_value = "ndjson")]
    format: Format,
    /// Knoten-ID als Präfix der Angebots-IDs / node id, used as the id prefix.
    #[arg(long = "node")]
    node: Option<String>,
    /// Nur diese Kommunen (AGS, kommagetrennt) / only these municipalities (AGS, comma-separated).
    #[arg(long, value_delimiter = ',')]
    municipalities: Option<Vec<String>>,
    /// Stichtag (JJJJ-MM-TT), sonst heute / reference date, default today.
    #[arg(long, value_parser = crate::validate_cmd::parse_date)]
    today: Option<Date>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let mut options = Options::new(args.seed, args.today.unwrap_or_else(Date::today_utc));
    options.node_id = args.node;
    options.municipalities = args.municipalities;
    let generator = Generator::new(options)?;
    let stdout = std::io::stdout();
    match write_offers(generator, args.offers, args.format, stdout.lock()) {
        // A closed pipe (`| head`) is a normal way to stop reading.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
