//! Writing records in the standard's CSV form, so that what one exports a node can import.

use std::io::{self, Write};

use super::columns::{Leaf, Table, Target};
use super::formula::neutralise_in_place;
use super::rows::Row;
use super::tables;
use crate::model::{Offer, Record};
use crate::rpde::Kind;

/// The languages whose texts get their own `<field>_<lang>` columns on export. A CSV header
/// must be fixed before the first row, so texts in other languages are left out of CSV exports
/// (JSON and NDJSON exports keep them).
pub const EXPORT_LANGUAGES: &[&str] =
    &["de", "en", "ar", "uk", "tr", "fa", "ru", "ku", "ti", "so", "ps", "ro", "bg", "pl", "fr", "es"];

/// Streams records of one kind as CSV: `;`-separated, UTF-8 with BOM (what German Excel opens
/// correctly), in the columns of the kind's table.
///
/// Every cell that is not a number column passes through [`super::formula::neutralise`], so no
/// record's text becomes a formula in a spreadsheet. Number columns (amounts, ages,
/// coordinates) are written as plain numbers, so that spreadsheets still compute with them;
/// they come from numbers, so they never hold a formula, and a negative coordinate stays a
/// number.
pub struct CsvWriter<W: Write> {
    inner: csv::Writer<W>,
    table: &'static Table,
    header: Vec<String>,
    header_written: bool,
    /// Per column, taken from the header once: where its value comes from, and whether it
    /// holds numbers, which are written without the formula guard.
    targets: Vec<Target>,
    numeric: Vec<bool>,
    row: Vec<String>,
}

/// A writer for exports of records of the given kind.
pub fn write_kind<W: Write>(kind: Kind, out: W) -> CsvWriter<W> {
    CsvWriter::for_kind(kind, out)
}

impl<W: Write> CsvWriter<W> {
    /// A writer of offers.
    pub fn new(out: W) -> Self {
        Self::for_kind(Kind::Offer, out)
    }

    /// A writer of records of the given kind.
    pub fn for_kind(kind: Kind, mut out: W) -> Self {
        // A failed BOM write surfaces again on the first row; keep the constructor infallible.
        let _ = out.write_all(b"\xEF\xBB\xBF");
        let inner = csv::WriterBuilder::new().delimiter(b';').from_writer(out);
        let table = tables::of(kind);
        let header = table.header(EXPORT_LANGUAGES);
        let targets: Vec<Target> = header.iter().map(|h| table.column(h).target).collect();
        let numeric = targets
            .iter()
            .map(|t| {
                matches!(
                    t,
                    Target::Field(_, Leaf::Number | Leaf::Integer)
                        | Target::Location(_, Leaf::Number | Leaf::Integer)
                        | Target::Item { leaf: Leaf::Number | Leaf::Integer, .. }
                )
            })
            .collect();
        CsvWriter { inner, table, header, header_written: false, targets, numeric, row: Vec::new() }
    }

    /// The header of an offers' file, in the order the columns are written.
    pub fn header() -> Vec<String> {
        Self::header_of(Kind::Offer)
    }

    /// The header of a file of the given kind, in the order the columns are written.
    pub fn header_of(kind: Kind) -> Vec<String> {
        tables::of(kind).header(EXPORT_LANGUAGES)
    }

    /// Writes an offer; the writer must be one of offers.
    pub fn write(&mut self, offer: &Offer) -> io::Result<()> {
        self.write_row(offer)
    }

    /// Writes a record; it must be of the writer's kind.
    pub fn write_record(&mut self, record: &Record) -> io::Result<()> {
        match record {
            Record::Offer(o) => self.write_row(o),
            Record::Organization(o) => self.write_row(o),
            Record::Network(n) => self.write_row(n),
            Record::Project(p) => self.write_row(p),
        }
    }

    pub fn finish(mut self) -> io::Result<W> {
        if !self.header_written {
            self.inner.write_record(&self.header)?;
        }
        self.inner.into_inner().map_err(|e| e.into_error())
    }

    /// The record's own row, which also holds its first location, then a row for each further
    /// location with only the id and the `location_*` columns.
    fn write_row(&mut self, record: &impl Row) -> io::Result<()> {
        if record.kind() != self.table.kind {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a {} in a CSV file of {}", record.kind().singular(), self.table.kind.plural()),
            ));
        }
        if !self.header_written {
            self.inner.write_record(&self.header)?;
            self.header_written = true;
        }
        self.row.clear();
        for (name, target) in self.header.iter().zip(&self.targets) {
            self.row.push(cell(record, name, target, 0));
        }
        self.flush_row()?;
        for location in 1..record.locations() {
            self.row.clear();
            for (name, target) in self.header.iter().zip(&self.targets) {
                self.row.push(match target {
                    Target::Field(["id"], _) | Target::Location(..) => cell(record, name, target, location),
                    _ => String::new(),
                });
            }
            self.flush_row()?;
        }
        Ok(())
    }

    fn flush_row(&mut self) -> io::Result<()> {
        for (cell, numeric) in self.row.iter_mut().zip(&self.numeric) {
            if !numeric {
                neutralise_in_place(cell);
            }
        }
        self.inner.write_record(&self.row)?;
        Ok(())
    }
}

/// The cell of column `name` for a record, at its location `location`.
fn cell(record: &impl Row, name: &str, target: &Target, location: usize) -> String {
    match target {
        Target::Field(..) => record.field(name),
        Target::Text(field, lang) => {
            record.text(field).and_then(|t| t.get(lang.as_str())).cloned().unwrap_or_default()
        }
        Target::Location(key, _) => record.location(location, key),
        Target::Link(purpose) => record
            .links()
            .iter()
            .filter(|l| l.purpose == *purpose)
            .map(|l| l.url.as_str())
            .collect::<Vec<_>>()
            .join("|"),
        Target::Item { field, number, key, .. } => record.item(field, number - 1, key),
        Target::Unknown => String::new(),
    }
}
