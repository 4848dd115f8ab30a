//! Readers: bytes in, records out.
//!
//! A record is the untyped JSON of one offer, organization, network or project plus where it
//! came from (line, CSV columns), so that findings can name the place in the steward's own
//! file. Readers fail as a whole only when
//! the input cannot be parsed at all; then [`ParseError`] names the line and column.

mod json;

use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::csv::CsvOrigin;
use crate::finding::{Finding, Message};
use crate::rpde::Kind;

pub use json::JsonRecords;

/// The input formats the standard accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// Sniff from the content: `[` → JSON array, `{` → one object or NDJSON, else CSV.
    Auto,
    /// One JSON object or a JSON array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// CSV with `,`, `;` or tab, UTF-8 (with or without BOM) or Windows-1252.
    Csv,
}

impl InputFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Json => "json",
            InputFormat::Ndjson => "ndjson",
            InputFormat::Csv => "csv",
        }
    }

    /// Guesses the format from the first bytes of the content.
    pub fn sniff(bytes: &[u8]) -> InputFormat {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[') => InputFormat::Json,
            Some(b'{') => {
                // One object, or one object per line: NDJSON has a second top-level value.
                let mut stream =
                    serde_json::Deserializer::from_slice(body).into_iter::<serde::de::IgnoredAny>();
                match (stream.next(), stream.next()) {
                    (Some(Ok(_)), Some(_)) => InputFormat::Ndjson,
                    _ => InputFormat::Json,
                }
            }
            _ => InputFormat::Csv,
        }
    }
}

/// One record as read, before validation.
#[derive(Debug, Clone)]
pub struct Record {
    pub value: Value,
    /// 1-based line where the record starts in its input.
    pub line: Option<u64>,
    /// For CSV: the rows and columns the record was built from.
    pub csv: Option<CsvOrigin>,
    /// Findings the reader itself made (e.g. an unknown CSV column).
    pub findings: Vec<Finding>,
}

impl Record {
    pub fn json(value: Value, line: Option<u64>) -> Self {
        Record { value, line, csv: None, findings: Vec::new() }
    }

    /// Adds line and column to findings of CSV records.
    pub(crate) fn locate_findings(&self, findings: &mut [Finding]) {
        if let Some(origin) = &self.csv {
            for f in findings.iter_mut() {
                let (line, column) = origin.locate(&f.pointer);
                f.line = f.line.or(Some(line));
                if f.column.is_none() {
                    f.column = column;
                }
            }
        }
    }
}

/// The input cannot be parsed at all.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
pub struct ParseError {
    pub line: u64,
    pub column: u64,
    pub message: Message,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Zeile {}, Spalte {}: {} / line {}, column {}: {}",
            self.line, self.column, self.message.de, self.line, self.column, self.message.en
        )
    }
}

impl ParseError {
    pub(crate) fn json(e: &serde_json::Error, line_offset: u64) -> Self {
        let line = e.line() as u64 + line_offset;
        ParseError {
            line,
            column: e.column() as u64,
            message: Message::new(format!("Ungültiges JSON: {e}"), format!("Invalid JSON: {e}")),
        }
    }
}

/// An iterator over the records of one input, whatever its format.
pub enum Records<'a> {
    Json(JsonRecords<'a>),
    Csv(Box<crate::csv::CsvRecords>),
}

impl Iterator for Records<'_> {
    type Item = Result<Record, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Records::Json(r) => r.next(),
            Records::Csv(r) => r.next(),
        }
    }
}

/// Opens an input of offers for streaming. Structural errors of a JSON array show up here;
/// errors of later NDJSON lines or CSV rows show up as the iterator reaches them.
pub fn records(bytes: &[u8], format: InputFormat) -> Result<(InputFormat, Records<'_>), ParseError> {
    records_kind(Kind::Offer, bytes, format)
}

/// Opens an input of records of the given kind for streaming. JSON and NDJSON read the same
/// for every kind; CSV needs the kind for its columns.
pub fn records_kind(
    kind: Kind,
    bytes: &[u8],
    format: InputFormat,
) -> Result<(InputFormat, Records<'_>), ParseError> {
    let format = if format == InputFormat::Auto { InputFormat::sniff(bytes) } else { format };
    let records = match format {
        InputFormat::Json => Records::Json(JsonRecords::json(bytes)?),
        InputFormat::Ndjson => Records::Json(JsonRecords::ndjson(bytes)),
        InputFormat::Csv => Records::Csv(Box::new(crate::csv::read_kind(kind, bytes)?)),
        InputFormat::Auto => unreachable!("resolved above"),
    };
    Ok((format, records))
}

/// Reads all offers of an input.
pub fn read_records(bytes: &[u8], format: InputFormat) -> Result<Vec<Record>, ParseError> {
    records(bytes, format)?.1.collect()
}

/// Reads all records of the given kind of an input.
pub fn read_records_kind(kind: Kind, bytes: &[u8], format: InputFormat) -> Result<Vec<Record>, ParseError> {
    records_kind(kind, bytes, format)?.1.collect()
}

/// Shared so that every record of a CSV file points at one header.
pub type Shared<T> = Arc<T>;
