//! Writes generated offers to stdout, for measuring speed and memory and for looking at the
//! data: `cargo run --release -p lotse-generate --example generate -- 1000000 ndjson 42 > x.ndjson`.

use std::io::stdout;

use lotse_generate::{Date, Format, Generator, Options, write_offers};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let format: Format = args.next().and_then(|a| a.parse().ok()).unwrap_or(Format::Ndjson);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    // A fixed date keeps the output reproducible from run to run.
    let today = Date::new(2026, 3, 1).expect("valid date");
    let generator = Generator::new(Options::new(seed, today)).expect("default options are valid");
    if let Err(e) = write_offers(generator, n, format, stdout().lock()) {
        eprintln!("generate: {e}");
        std::process::exit(1);
    }
}
