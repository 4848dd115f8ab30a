//! The validator: the schema's rules and the standard's further rules, with precise findings.
//!
//! It walks the untyped JSON of a record rather than deserialising into the model, so that it
//! can report every problem of a record at once, each with its pointer. A record without errors
//! is then deserialised into [`Offer`]; the JSON Schema in `schemas/offer.schema.json` and this
//! walker describe the same rules, and a test checks them against each other.

mod formats;
mod geo;
mod path;
mod record;

use std::collections::HashSet;

use lotse_geo::Region;
use serde::Deserialize;
use serde_json::Value;

use crate::date::Date;
use crate::finding::{Finding, Severity};
use crate::model::Offer;
use crate::read::Record;
use crate::vocab::{Vocabularies, vocabularies};

pub use formats::{contains_markup, is_email, is_http_url, is_phone};

/// The outcome for one record.
#[derive(Debug, Clone)]
pub struct RecordReport {
    /// 0-based position of the record in its input.
    pub index: usize,
    /// The record's `id`, when it has a string one.
    pub id: Option<String>,
    pub findings: Vec<Finding>,
    /// The typed offer; present exactly when no finding is an error.
    pub offer: Option<Offer>,
}

impl RecordReport {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }
}

/// Validates records against the standard as of a given date, in a given region.
pub struct Validator<'r> {
    today: Date,
    region: &'r Region,
    vocab: &'static Vocabularies,
}

impl Validator<'static> {
    /// A validator for the Ruhr region pack.
    pub fn new(today: Date) -> Self {
        Self::with_region(today, lotse_geo::ruhr())
    }
}

impl<'r> Validator<'r> {
    pub fn with_region(today: Date, region: &'r Region) -> Self {
        Validator { today, region, vocab: vocabularies() }
    }

    pub fn today(&self) -> Date {
        self.today
    }

    /// The findings for one record value, without batch-level checks and without CSV positions.
    pub fn check_value(&self, value: &Value) -> Vec<Finding> {
        record::check(self, value)
    }

    /// Validates one record on its own (no duplicate-id check across records).
    pub fn validate_record(&self, index: usize, record: Record) -> RecordReport {
        let findings = self.check_value(&record.value);
        self.finish(index, record, findings)
    }

    /// Validates a batch: every record, plus the ids that appear more than once.
    pub fn validate_batch(&self, records: Vec<Record>) -> Vec<RecordReport> {
        let mut batch = Batch::default();
        records.into_iter().enumerate().map(|(i, r)| batch.validate(self, i, r)).collect()
    }

    /// Completes a report. The record is consumed so that its strings move into the typed
    /// offer instead of being copied: on bulk uploads that is a good share of the work.
    fn finish(&self, index: usize, mut record: Record, mut findings: Vec<Finding>) -> RecordReport {
        findings.append(&mut record.findings);
        record.locate_findings(&mut findings);
        findings.sort_by_key(|a| a.severity);
        let id = record.value.get("id").and_then(Value::as_str).map(str::to_owned);
        let has_errors = findings.iter().any(|f| f.severity == Severity::Error);
        let offer = if has_errors {
            None
        } else {
            // The walker enforces every rule the model's types encode, so a failure here means
            // the two disagree; report it rather than panic.
            match Offer::deserialize(record.value) {
                Ok(o) => Some(o),
                Err(e) => {
                    findings.push(Finding::new(
                        crate::finding::Code::TypeMismatch,
                        "",
                        crate::finding::Message::new(
                            format!("Datensatz nicht lesbar: {e}"),
                            format!("Record not readable: {e}"),
                        ),
                    ));
                    None
                }
            }
        };
        RecordReport { index, id, findings, offer }
    }
}

/// Batch state for streaming validation: remembers the ids seen so far.
#[derive(Default)]
pub struct Batch {
    ids: HashSet<String>,
}

impl Batch {
    pub fn validate(&mut self, v: &Validator<'_>, index: usize, record: Record) -> RecordReport {
        let mut findings = v.check_value(&record.value);
        if let Some(id) = record.value.get("id").and_then(Value::as_str)
            && !self.ids.insert(id.to_owned())
        {
            findings.push(Finding::new(
                crate::finding::Code::DuplicateId,
                "/id",
                crate::finding::Message::new(
                    format!("Die ID „{id}“ kommt in dieser Lieferung mehrfach vor."),
                    format!("The id \"{id}\" appears more than once in this batch."),
                ),
            ));
        }
        v.finish(index, record, findings)
    }
}
