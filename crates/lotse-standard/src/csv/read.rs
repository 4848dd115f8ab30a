//! Reading CSV into records, of any kind: the kind's column table says where each column goes.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Cursor;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::columns::{Column, Leaf, Table, Target};
use super::formula::restore;
use super::tables;
use crate::date::Date;
use crate::finding::{Code, Finding, Message, escape_token};
use crate::read::{ParseError, Record};
use crate::rpde::Kind;

/// Where a CSV record came from: its rows and the file's header.
#[derive(Debug, Clone)]
pub struct CsvOrigin {
    pub header: Arc<Vec<Column>>,
    /// The 1-based line of each row of the record: the first is the record's own row, which
    /// also holds location 0; location `i` comes from row `i`.
    pub lines: Vec<u64>,
    table: &'static Table,
    /// For entries of lists that were spread over columns (links, coordinators, funding): the
    /// columns each entry came from, since entries are numbered as they were found and a
    /// steward may have left a group of columns empty.
    entries: Vec<Entry>,
}

/// The columns one list entry came from.
#[derive(Debug, Clone)]
struct Entry {
    field: &'static str,
    index: usize,
    columns: EntryColumns,
}

#[derive(Debug, Clone)]
enum EntryColumns {
    /// One column holds the whole entry (`link_website`).
    Whole(String),
    /// One column per member: `coordinator_2_` and the member's key.
    Members { stem: String, first: &'static str },
}

impl CsvOrigin {
    /// The line and column a pointer into the record refers to.
    pub fn locate(&self, pointer: &str) -> (u64, Option<String>) {
        let tokens: Vec<Cow<'_, str>> = pointer
            .split('/')
            .skip(1)
            .map(|t| {
                if t.contains('~') {
                    Cow::Owned(t.replace("~1", "/").replace("~0", "~"))
                } else {
                    Cow::Borrowed(t)
                }
            })
            .collect();
        let tokens: Vec<&str> = tokens.iter().map(|t| t.as_ref()).collect();
        let line = match tokens.as_slice() {
            ["locations", i, ..] => {
                let i: usize = i.parse().unwrap_or(0);
                self.lines.get(i).or(self.lines.last()).copied().unwrap_or(0)
            }
            _ => self.lines[0],
        };
        let column =
            self.entry_column(&tokens).or_else(|| self.table.for_pointer(&tokens)).map(|canonical| {
                // Report the column as the steward spelled it in the header, where it is there.
                self.header
                    .iter()
                    .find(|c| c.name.eq_ignore_ascii_case(&canonical))
                    .map_or(canonical, |c| c.name.clone())
            });
        (line, column)
    }

    /// The column of a pointer into a list entry that was spread over columns.
    fn entry_column(&self, tokens: &[&str]) -> Option<String> {
        let [field, index, rest @ ..] = tokens else { return None };
        let index: usize = index.parse().ok()?;
        let entry = self.entries.iter().find(|e| e.field == *field && e.index == index)?;
        Some(match &entry.columns {
            EntryColumns::Whole(column) => column.clone(),
            EntryColumns::Members { stem, first } => format!("{stem}{}", rest.first().unwrap_or(first)),
        })
    }
}

/// Decodes CSV bytes: UTF-8 with BOM, valid UTF-8, or else Windows-1252 (German Excel's
/// "CSV (Trennzeichen-getrennt)" default).
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(rest);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// The delimiter that occurs most often in the header line outside quotes.
fn sniff_delimiter(text: &str) -> u8 {
    let (mut counts, mut quoted) = ([0usize; 3], false);
    for b in text.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b';' if !quoted => counts[0] += 1,
            b',' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let delims = [b';', b',', b'\t'];
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(1);
    if counts[best] == 0 { b',' } else { delims[best] }
}

/// Streams records of one kind out of CSV bytes.
pub struct CsvRecords {
    table: &'static Table,
    reader: csv::Reader<Cursor<Vec<u8>>>,
    header: Arc<Vec<Column>>,
    id_col: Option<usize>,
    pending: Option<Record>,
    row: csv::StringRecord,
    done: bool,
}

/// Opens a CSV file of records of the given kind.
pub fn read_kind(kind: Kind, bytes: &[u8]) -> Result<CsvRecords, ParseError> {
    CsvRecords::of_kind(kind, bytes)
}

impl CsvRecords {
    /// Opens a CSV file of offers.
    pub fn new(bytes: &[u8]) -> Result<Self, ParseError> {
        Self::of_kind(Kind::Offer, bytes)
    }

    /// Opens a CSV file of records of the given kind.
    pub fn of_kind(kind: Kind, bytes: &[u8]) -> Result<Self, ParseError> {
        let table = tables::of(kind);
        let text = decode(bytes).into_owned();
        if text.trim().is_empty() {
            return Err(ParseError {
                line: 1,
                column: 1,
                message: Message::new("Die CSV-Datei ist leer.", "The CSV file is empty."),
            });
        }
        let delimiter = sniff_delimiter(&text);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(Cursor::new(text.into_bytes()));
        let header: Vec<Column> =
            reader.headers().map_err(csv_error)?.iter().map(|h| table.column(h)).collect();
        let id_col = header.iter().position(|c| c.target == Target::Field(&["id"], Leaf::Text));
        Ok(CsvRecords {
            table,
            reader,
            header: Arc::new(header),
            id_col,
            pending: None,
            row: csv::StringRecord::new(),
            done: false,
        })
    }

    /// A row that only adds a location to the record above: same id, nothing but `location_*`.
    /// Kinds without locations have no continuation rows; a repeated id there is a duplicate.
    fn is_continuation(&self, pending: &Record) -> bool {
        let Some(id_col) = self.id_col else { return false };
        if self.table.location.is_empty() {
            return false;
        }
        let id = cell_value(self.row.get(id_col).unwrap_or(""));
        !id.is_empty()
            && pending.value.get("id").and_then(Value::as_str) == Some(id)
            && self.row.iter().enumerate().all(|(i, cell)| {
                i == id_col
                    || cell.trim().is_empty()
                    || matches!(self.header.get(i).map(|c| &c.target), Some(Target::Location(..)))
            })
    }

    fn build(&self, line: u64) -> Record {
        let mut obj = Map::new();
        let mut location = Map::new();
        let mut links: Vec<(Value, String)> = Vec::new();
        let mut items: BTreeMap<(&'static str, usize), Map<String, Value>> = BTreeMap::new();
        let mut findings = Vec::new();
        if self.row.len() != self.header.len() {
            findings.push(field_count(self.row.len(), self.header.len(), line));
        }
        for (col, cell) in self.header.iter().zip(self.row.iter()) {
            let cell = cell_value(cell);
            if cell.is_empty() {
                continue;
            }
            match &col.target {
                Target::Field(path, leaf) => insert(&mut obj, path, convert(cell, *leaf)),
                Target::Location(key, leaf) => {
                    location.insert((*key).to_owned(), convert(cell, *leaf));
                }
                Target::Text(field, lang) => {
                    insert(&mut obj, &[field, lang.as_str()], Value::String(cell.to_owned()));
                }
                Target::Link(purpose) => {
                    for url in split_list(cell) {
                        links.push((serde_json::json!({"purpose": purpose, "url": url}), col.name.clone()));
                    }
                }
                Target::Item { field, number, key, leaf } => {
                    items
                        .entry((field, *number))
                        .or_default()
                        .insert((*key).to_owned(), convert(cell, *leaf));
                }
                Target::Unknown => {
                    let mut f = Finding::new(
                        Code::UnknownColumn,
                        "",
                        Message::new(
                            format!(
                                "Die Spalte „{}“ gehört nicht zum Standard; ihr Wert wird ignoriert.",
                                col.name
                            ),
                            format!(
                                "The column \"{}\" is not part of the standard; its value is ignored.",
                                col.name
                            ),
                        ),
                    );
                    f.pointer = format!("/{}", escape_token(&col.name));
                    f.line = Some(line);
                    f.column = Some(col.name.clone());
                    findings.push(f);
                }
            }
        }
        if !location.is_empty() {
            obj.insert("locations".into(), Value::Array(vec![Value::Object(location)]));
        }
        let mut entries = Vec::new();
        if !links.is_empty() {
            let mut list = Vec::new();
            for (index, (link, column)) in links.into_iter().enumerate() {
                entries.push(Entry { field: "links", index, columns: EntryColumns::Whole(column) });
                list.push(link);
            }
            obj.insert("links".into(), Value::Array(list));
        }
        // Entries in the order of their numbers; an empty group leaves no gap.
        for ((field, number), members) in items {
            let list = obj.entry(field).or_insert_with(|| Value::Array(Vec::new()));
            if let Some(list) = list.as_array_mut() {
                if let Some(group) = self.table.items(field) {
                    let columns =
                        EntryColumns::Members { stem: group.column(number, ""), first: group.keys[0].0 };
                    entries.push(Entry { field, index: list.len(), columns });
                }
                list.push(Value::Object(members));
            }
        }
        Record {
            value: Value::Object(obj),
            line: Some(line),
            csv: Some(CsvOrigin {
                header: self.header.clone(),
                lines: vec![line],
                table: self.table,
                entries,
            }),
            findings,
        }
    }

    fn add_location(&self, pending: &mut Record, line: u64) {
        let mut location = Map::new();
        for (col, cell) in self.header.iter().zip(self.row.iter()) {
            if let (Target::Location(key, leaf), cell) = (&col.target, cell_value(cell))
                && !cell.is_empty()
            {
                location.insert((*key).to_owned(), convert(cell, *leaf));
            }
        }
        if self.row.len() != self.header.len() {
            pending.findings.push(field_count(self.row.len(), self.header.len(), line));
        }
        if let Some(obj) = pending.value.as_object_mut() {
            let locations = obj.entry("locations").or_insert_with(|| Value::Array(Vec::new()));
            if let Some(a) = locations.as_array_mut() {
                a.push(Value::Object(location));
            }
        }
        if let Some(origin) = &mut pending.csv {
            origin.lines.push(line);
        }
    }
}

impl Iterator for CsvRecords {
    type Item = Result<Record, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return self.pending.take().map(Ok);
            }
            match self.reader.read_record(&mut self.row) {
                Err(e) => {
                    self.done = true;
                    return Some(Err(csv_error(e)));
                }
                Ok(false) => self.done = true,
                Ok(true) => {
                    if self.row.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    let line = self.row.position().map_or(0, |p| p.line());
                    match self.pending.take() {
                        Some(mut pending) if self.is_continuation(&pending) => {
                            self.add_location(&mut pending, line);
                            self.pending = Some(pending);
                        }
                        previous => {
                            self.pending = Some(self.build(line));
                            if let Some(previous) = previous {
                                return Some(Ok(previous));
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A cell's value: without the apostrophe that guards a formula-like value (see
/// [`super::formula`]), and trimmed like every cell.
fn cell_value(raw: &str) -> &str {
    restore(raw.trim_start()).trim()
}

fn field_count(found: usize, expected: usize, line: u64) -> Finding {
    let mut f = Finding::new(
        Code::CsvFieldCount,
        "",
        Message::new(
            format!("Die Zeile hat {found} Felder, die Kopfzeile {expected}."),
            format!("The row has {found} fields, the header {expected}."),
        ),
    );
    f.line = Some(line);
    f
}

fn csv_error(e: csv::Error) -> ParseError {
    let (line, column) = e.position().map_or((1, 1), |p| (p.line(), 1));
    ParseError {
        line,
        column,
        message: Message::new(format!("CSV nicht lesbar: {e}"), format!("CSV cannot be read: {e}")),
    }
}

fn insert(obj: &mut Map<String, Value>, path: &[&str], value: Value) {
    match path {
        [] => {}
        [leaf] => {
            obj.insert((*leaf).to_owned(), value);
        }
        [head, rest @ ..] => {
            let child = obj.entry(*head).or_insert_with(|| Value::Object(Map::new()));
            if let Some(child) = child.as_object_mut() {
                insert(child, rest, value);
            }
        }
    }
}

/// Converts a cell to the JSON the standard expects. A cell that does not convert stays a
/// string, so the validator reports it with its pointer, line and column.
fn convert(cell: &str, leaf: Leaf) -> Value {
    match leaf {
        Leaf::Text => Value::String(cell.to_owned()),
        Leaf::Number => parse_number(cell).map_or_else(|| Value::String(cell.to_owned()), Value::from),
        Leaf::Integer => match parse_number(cell) {
            Some(n) if n.fract() == 0.0 && n.abs() < 1e15 => Value::from(n as i64),
            _ => Value::String(cell.to_owned()),
        },
        Leaf::Date => Date::parse_iso(cell)
            .or_else(|| Date::parse_german(cell))
            .map_or_else(|| Value::String(cell.to_owned()), |d| Value::String(d.to_string())),
        Leaf::List => Value::Array(split_list(cell).map(|s| Value::String(s.to_owned())).collect()),
        Leaf::OpeningHours => Value::Array(split_list(cell).map(opening_hours).collect()),
        Leaf::Identifiers => Value::Array(
            split_list(cell)
                .map(|s| match s.split_once(':') {
                    Some((scheme, value)) => {
                        serde_json::json!({"scheme": scheme.trim(), "value": value.trim()})
                    }
                    None => Value::String(s.to_owned()),
                })
                .collect(),
        ),
    }
}

fn split_list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split('|').map(str::trim).filter(|s| !s.is_empty())
}

/// Numbers as German spreadsheets write them: `12,50`, `1.234,50`, or plain `12.5`.
pub(crate) fn parse_number(cell: &str) -> Option<f64> {
    let s = cell.trim();
    let normalised: Cow<'_, str> =
        if s.contains(',') { s.replace('.', "").replace(',', ".").into() } else { s.into() };
    normalised.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// `mo,tu 09:00-12:15` → `{"days": ["mo","tu"], "opens": "09:00", "closes": "12:15"}`.
fn opening_hours(entry: &str) -> Value {
    let parsed = entry.split_once(' ').and_then(|(days, times)| {
        let (opens, closes) = times.trim().split_once('-')?;
        let days: Vec<Value> =
            days.split(',').map(|d| Value::String(d.trim().to_ascii_lowercase())).collect();
        Some(serde_json::json!({"days": days, "opens": opens.trim(), "closes": closes.trim()}))
    });
    parsed.unwrap_or_else(|| Value::String(entry.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_decimal_comma() {
        assert_eq!(parse_number("12,50"), Some(12.5));
        assert_eq!(parse_number("1.234,5"), Some(1234.5));
        assert_eq!(parse_number("51.4556"), Some(51.4556));
        assert_eq!(parse_number("zwölf"), None);
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("id;title_de;x\n1,2"), b';');
        assert_eq!(sniff_delimiter("id,title_de\n"), b',');
        assert_eq!(sniff_delimiter("\"a;b\",c,d\n"), b',');
        assert_eq!(sniff_delimiter("id\ttitle_de\n"), b'\t');
    }
}
