//! Writing generated records as NDJSON, one JSON array, or CSV, streaming: nothing holds more
//! than one record at a time.

use std::io::{self, BufWriter, Write};
use std::str::FromStr;

use lotse_standard::csv::write_kind;
use lotse_standard::model::{Offer, Record};
use lotse_standard::rpde::Kind;

/// The output formats of `lotse generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    Ndjson,
    /// One JSON array of objects.
    Json,
    /// The standard's CSV form of the kind (`;`-separated, UTF-8 with BOM, one row per
    /// location).
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
    write_records(offers.map(Record::Offer), n, Kind::Offer, format, out)
}

/// Writes the first `n` records of `records`, all of the given kind, to `out` in the given
/// format and flushes it; CSV has the columns of that kind. A record of another kind is an
/// error of kind `InvalidInput`.
///
/// Output is buffered here, so `out` may be an unbuffered file or stdout.
pub fn write_records(
    records: impl Iterator<Item = Record>,
    n: usize,
    kind: Kind,
    format: Format,
    out: impl Write,
) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let of_kind = |r: Record| {
        if r.kind() == kind {
            Ok(r)
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a {} among {}", r.kind().singular(), kind.plural()),
            ))
        }
    };
    let records = records.take(n).map(of_kind);
    match format {
        Format::Ndjson => {
            for record in records {
                serde_json::to_writer(&mut out, &record?)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Json => {
            // The array is written piece by piece so that a million records never sit in memory.
            out.write_all(b"[")?;
            for (i, record) in records.enumerate() {
                out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut out, &record?)?;
            }
            out.write_all(if n == 0 { b"]\n" } else { b"\n]\n" })?;
        }
        Format::Csv => {
            let mut csv = write_kind(kind, &mut out);
            for record in records {
                csv.write_record(&record?)?;
            }
            csv.finish()?;
        }
    }
    out.flush()
}
