//! Writing generated offers as NDJSON, one JSON array, or CSV, streaming: nothing holds more
//! than one offer at a time.

use std::io::{self, BufWriter, Write};
use std::str::FromStr;

use lotse_standard::Offer;
use lotse_standard::csv::CsvWriter;

/// The output formats of `lotse generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    Ndjson,
    /// One JSON array of objects.
    Json,
    /// The standard's CSV form (`;`-separated, UTF-8 with BOM, one row per location).
    Csv,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "ndjson" | "jsonl" => Ok(Format::Ndjson),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            other => Err(format!("unknown format {other:?}: use ndjson, json or csv")),
        }
    }
}

/// Writes the first `n` offers of `offers` to `out` in the given format and flushes it.
///
/// Output is buffered here, so `out` may be an unbuffered file or stdout.
pub fn write_offers(
    offers: impl Iterator<Item = Offer>,
    n: usize,
    format: Format,
    out: impl Write,
) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let offers = offers.take(n);
    match format {
        Format::Ndjson => {
            for offer in offers {
                serde_json::to_writer(&mut out, &offer)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Json => {
            // The array is written piece by piece so that a million offers never sit in memory.
            out.write_all(b"[")?;
            for (i, offer) in offers.enumerate() {
                out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut out, &offer)?;
            }
            out.write_all(if n == 0 { b"]\n" } else { b"\n]\n" })?;
        }
        Format::Csv => {
            let mut csv = CsvWriter::new(&mut out);
            for offer in offers {
                csv.write(&offer)?;
            }
            csv.finish()?;
        }
    }
    out.flush()
}
