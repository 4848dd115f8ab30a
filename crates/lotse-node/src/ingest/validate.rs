//! The one place where the node calls the shared standard: reading and validating records.
//!
//! Records are read and validated as a stream, and each valid record is turned into canonical
//! JSON at once, so the untyped JSON of a record is dropped before the next one is read: the
//! memory of a push is its body plus the canonical records, not a tree of every record. What
//! the references of the valid records name is kept beside them, for the checks against the
//! store that follow ([`super::references`]).

use lotse_standard::canonical::Canonical;
use lotse_standard::date::Date;
use lotse_standard::model::{Reference, ReferenceRole};
use lotse_standard::read::{InputFormat, ParseError, records_kind};
use lotse_standard::rpde::Kind;
use lotse_standard::validate::{Batch, KindReport, Validator};
use lotse_standard::{Finding, STANDARD_VERSION};
use serde_json::Value;

use super::report::{RejectedRecord, ReportFinding};
use crate::store::RecordWrite;

/// A reference of a valid record, as the node checks it.
#[derive(Debug, Clone)]
pub struct NamedReference {
    /// The referring record's position in the input and its id.
    pub record: usize,
    pub id: String,
    /// Where in the record the reference is.
    pub pointer: String,
    /// What the reference means, and so the kind it must name.
    pub role: ReferenceRole,
    pub reference: Reference,
}

/// A push, read and validated, ready to be stored.
#[derive(Debug, Default)]
pub struct Prepared {
    /// The format the body was read as (after sniffing).
    pub format: Option<InputFormat>,
    /// Number of records read.
    pub received: usize,
    /// The valid records, in input order.
    pub upserts: Vec<RecordWrite>,
    /// The input position of each entry of `upserts`.
    pub upsert_records: Vec<usize>,
    /// Every reference of the valid records.
    pub references: Vec<NamedReference>,
    /// For organizations: each valid record's id and its `part_of`, for the cycle check.
    pub part_of: Vec<(String, Option<Reference>)>,
    /// Records rejected for errors.
    pub rejected: Vec<RejectedRecord>,
    /// Every finding of every record (errors, warnings, notices).
    pub findings: Vec<ReportFinding>,
}

/// Reads and validates every record of `body` as records of `kind`.
pub fn prepare(kind: Kind, body: &[u8], format: InputFormat, today: Date) -> Result<Prepared, ParseError> {
    prepare_with(kind, body, format, today, |_| Ok(()))
}

/// Reads and validates a body that must hold exactly one record, with id `id`. A record without
/// an `id` takes the one from the URL; a different id is an error of the record.
pub fn prepare_one(
    kind: Kind,
    body: &[u8],
    format: InputFormat,
    today: Date,
    id: &str,
) -> Result<Prepared, ParseError> {
    let mut count = 0;
    let prepared = prepare_with(kind, body, format, today, |value| {
        count += 1;
        if let Value::Object(map) = value {
            map.entry("id").or_insert_with(|| Value::String(id.to_owned()));
        }
        Ok(())
    })?;
    if count != 1 {
        return Err(ParseError {
            line: 1,
            column: 1,
            message: lotse_standard::Message::new(
                format!("Erwartet wird genau ein Datensatz, gefunden: {count}."),
                format!("Exactly one record is expected, found: {count}."),
            ),
        });
    }
    Ok(prepared)
}

fn prepare_with(
    kind: Kind,
    body: &[u8],
    format: InputFormat,
    today: Date,
    mut adjust: impl FnMut(&mut Value) -> Result<(), ParseError>,
) -> Result<Prepared, ParseError> {
    let (format, records) = records_kind(kind, body, format)?;
    let validator = Validator::new(today);
    let mut batch = Batch::default();
    let mut prepared = Prepared { format: Some(format), ..Prepared::default() };
    for (index, record) in records.enumerate() {
        let mut record = record?;
        adjust(&mut record.value)?;
        prepared.received += 1;
        let report = batch.validate_kind(&validator, kind, index, record);
        take_report(&mut prepared, report);
    }
    Ok(prepared)
}

fn take_report(prepared: &mut Prepared, report: KindReport) {
    let KindReport { index, id, findings, record, .. } = report;
    prepared.findings.extend(findings.into_iter().map(|f| finding(index, id.as_deref(), f)));
    match record {
        Some(record) => {
            let canonical = Canonical::of_record(&record);
            let record_id = record.id().to_owned();
            for (pointer, role, reference) in record.references() {
                prepared.references.push(NamedReference {
                    record: index,
                    id: record_id.clone(),
                    pointer,
                    role,
                    reference: reference.clone(),
                });
            }
            if let lotse_standard::model::Record::Organization(o) = &record {
                prepared.part_of.push((record_id.clone(), o.part_of.clone()));
            }
            prepared.upserts.push(RecordWrite {
                id: record_id,
                data: canonical.json,
                hash: canonical.sha256.to_vec(),
                standard_version: STANDARD_VERSION.to_owned(),
            });
            prepared.upsert_records.push(index);
        }
        None => prepared.rejected.push(RejectedRecord { index, id }),
    }
}

/// A finding of the record at `index` in the report's form.
pub(super) fn finding(index: usize, id: Option<&str>, f: Finding) -> ReportFinding {
    ReportFinding {
        record: index,
        id: id.map(str::to_owned),
        severity: f.severity.as_str().to_owned(),
        code: f.code.as_str().to_owned(),
        pointer: f.pointer,
        line: f.line,
        column: f.column,
        message: super::report::Text { de: f.message.de, en: f.message.en },
    }
}

/// The media types the steward API reads, and the format each stands for.
pub fn format_for_content_type(content_type: Option<&str>) -> Result<InputFormat, String> {
    let Some(ct) = content_type else {
        return Ok(InputFormat::Auto);
    };
    // Parameters such as `charset` are ignored: the CSV reader recognises the encoding itself.
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => Ok(InputFormat::Json),
        "application/x-ndjson" | "application/ndjson" | "application/jsonl" => Ok(InputFormat::Ndjson),
        "text/csv" => Ok(InputFormat::Csv),
        "" => Ok(InputFormat::Auto),
        _ => Err(essence),
    }
}

/// The media types accepted, for error messages and the API description.
pub const ACCEPTED_TYPES: &[&str] = &["application/json", "application/x-ndjson", "text/csv"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert_eq!(format_for_content_type(Some("application/json")), Ok(InputFormat::Json));
        assert_eq!(format_for_content_type(Some("Application/JSON; charset=utf-8")), Ok(InputFormat::Json));
        assert_eq!(format_for_content_type(Some("application/x-ndjson")), Ok(InputFormat::Ndjson));
        assert_eq!(format_for_content_type(Some("text/csv; charset=windows-1252")), Ok(InputFormat::Csv));
        assert_eq!(format_for_content_type(None), Ok(InputFormat::Auto));
        assert_eq!(format_for_content_type(Some("text/html")), Err("text/html".to_owned()));
    }

    #[test]
    fn unparsable_json_names_the_position() {
        let e = prepare(Kind::Offer, b"[\n{\"id\": }\n]", InputFormat::Json, Date::today_utc()).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.column > 0);
    }

    #[test]
    fn one_offer_expected() {
        let e = prepare_one(Kind::Network, b"[]", InputFormat::Json, Date::today_utc(), "a").unwrap_err();
        assert!(e.message.en.contains("found: 0"), "{}", e.message.en);
    }
}
