//! Validation throughput on generated offers, single-threaded, against bare `serde_json`
//! parsing of the same NDJSON into `serde_json::Value`.

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

use lotse_generate::{Format, Generator, Options, write_offers};
use lotse_standard::date::Date;
use lotse_standard::read::{InputFormat, records};
use lotse_standard::validate::{Batch, Validator};

use crate::stats::{Timing, peak_rss_mib, rss_mib, thread_cpu_time, time_runs};

#[derive(clap::Args)]
pub struct Args {
    /// Offers in the validated file.
    #[arg(long, default_value_t = 100_000)]
    offers: usize,
    /// Repetitions per measurement; the median is reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Offers generated (to a sink) for the generation figure; 0 skips it.
    #[arg(long, default_value_t = 1_000_000)]
    generate: usize,
}

const TODAY: Date = Date { year: 2026, month: 11, day: 23 };

fn generate(n: usize, format: Format) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    write_offers(Generator::new(Options::new(42, TODAY))?, n, format, &mut buf)?;
    Ok(buf)
}

/// Reads and validates every record; returns how many had errors (must be zero).
fn validate(bytes: &[u8], format: InputFormat) -> usize {
    let v = Validator::new(TODAY);
    let mut batch = Batch::default();
    let (_, iter) = records(bytes, format).expect("generated data parses");
    let mut errors = 0;
    for (i, r) in iter.enumerate() {
        errors += usize::from(batch.validate(&v, i, r.expect("parses")).has_errors());
    }
    errors
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let ndjson = generate(args.offers, Format::Ndjson)?;
    let csv = generate(args.offers, Format::Csv)?;
    let n = args.offers as f64;
    println!(
        "validate: {} offers, NDJSON {:.1} MB, CSV {:.1} MB, {} runs each, median",
        args.offers,
        ndjson.len() as f64 / 1e6,
        csv.len() as f64 / 1e6,
        args.runs
    );

    let baseline = time_runs(args.runs, || {
        for line in ndjson.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            black_box(serde_json::from_slice::<serde_json::Value>(line).expect("valid JSON"));
        }
    });
    let mut errors = 0;
    let nd = time_runs(args.runs, || errors += validate(&ndjson, InputFormat::Ndjson));
    let cs = time_runs(args.runs, || errors += validate(&csv, InputFormat::Csv));
    anyhow::ensure!(errors == 0, "generated data produced {errors} records with errors");

    println!(
        "  {:<30} {:>9} {:>9} {:>13} {:>13} {:>9}",
        "", "wall ms", "CPU ms", "offers/s wall", "offers/s CPU", "CPU ratio"
    );
    let row = |name: &str, t: Timing| {
        println!(
            "  {name:<30} {:>9.1} {:>9.1} {:>13.0} {:>13.0} {:>8.2}×",
            t.wall.as_secs_f64() * 1e3,
            t.cpu.as_secs_f64() * 1e3,
            n / t.wall.as_secs_f64(),
            n / t.cpu.as_secs_f64(),
            t.cpu.as_secs_f64() / baseline.cpu.as_secs_f64()
        );
    };
    row("baseline serde_json → Value", baseline);
    row("NDJSON read + validate", nd);
    row("CSV read + validate", cs);

    if args.generate > 0 {
        let before = rss_mib().unwrap_or(0.0);
        let (start, start_cpu) = (Instant::now(), thread_cpu_time());
        let mut sink = CountingSink(0);
        write_offers(Generator::new(Options::new(7, TODAY))?, args.generate, Format::Ndjson, &mut sink)?;
        let (took, cpu) = (start.elapsed(), thread_cpu_time().saturating_sub(start_cpu));
        println!(
            "generate: {} offers NDJSON ({:.0} MB) in {:.1} s wall, {:.1} s CPU, {:.0} offers/s wall; RSS before {:.0} MiB, peak {:.0} MiB",
            args.generate,
            sink.0 as f64 / 1e6,
            took.as_secs_f64(),
            cpu.as_secs_f64(),
            args.generate as f64 / took.as_secs_f64(),
            before,
            peak_rss_mib().unwrap_or(0.0)
        );
    }
    Ok(())
}

/// Counts bytes and throws them away, so generation is timed without disk I/O.
struct CountingSink(u64);

impl Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
