//! Writes generated records to stdout, for measuring speed and memory and for looking at the
//! data: `cargo run --release -p lotse-generate --example generate -- 1000000 ndjson 42 > x.ndjson`;
//! a fourth argument names another kind (`organization`, `network`, `project`), which is then
//! generated as a node's set with references among its 300 organizations.

use std::io::stdout;

use lotse_generate::{Date, Format, Generator, Kind, Options, write_records};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let format: Format = args.next().and_then(|a| a.parse().ok()).unwrap_or(Format::Ndjson);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let kind = args.next().and_then(|a| Kind::from_singular(&a)).unwrap_or(Kind::Offer);
    // A fixed date keeps the output reproducible from run to run.
    let today = Date::new(2026, 3, 1).expect("valid date");
    let mut options = Options::new(seed, today);
    if kind != Kind::Offer {
        options.node_id = Some("essen".into());
        options.municipalities = Some(vec!["05113000".into()]);
        options.organizations = Some(300);
    }
    let generator = Generator::new(options).expect("these options are valid");
    if let Err(e) = write_records(generator.records(kind), n, kind, format, stdout().lock()) {
        eprintln!("generate: {e}");
        std::process::exit(1);
    }
}
