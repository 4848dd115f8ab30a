//! The validator: the schema's rules and the standard's further rules, with precise findings.
//!
//! It walks the untyped JSON of a record rather than deserialising into the model, so that it
//! can report every problem of a record at once, each with its pointer. A record without errors
//! is then deserialised into [`Offer`]; the JSON Schema in `schemas/offer.schema.json` and this
//! walker describe the same rules, and a test checks them against each other.
//!
//! Checking ([`Validator::check`]) and the finishing step ([`finish`]: order the findings, turn a
//! record without errors into the typed offer) are public on their own, so that the node's
//! ingest (through [`Batch`]) and the hub's harvest share one implementation of both.

mod checker;
mod formats;
mod geo;
mod offer;
mod parts;
mod path;
mod places;

use std::collections::HashSet;

use lotse_geo::Region;
use serde::Deserialize;
use serde_json::Value;

use crate::date::Date;
use crate::finding::{Finding, Severity};
use crate::model::Offer;
use crate::read::Record;
use crate::vocab::{Vocabularies, vocabularies};

pub use formats::{contains_markup, is_email, is_http_url, is_node_id, is_phone, is_record_id};

/// Where a location's coordinates lie, as the validator found by point-in-polygon against the
/// region pack; one per element of the record's `locations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Not placed: no coordinates, or the location, its coordinates or its AGS are not valid
    /// (each has its own finding).
    Unchecked,
    /// Inside the declared municipality.
    Inside,
    /// Just outside the declared municipality (by at most 500 m, the imprecision of the
    /// generalised boundaries); a warning,
    /// [`Code::MunicipalityNearBorder`](crate::Code::MunicipalityNearBorder).
    NearBorder,
    /// In another municipality of the region; an error.
    Elsewhere,
    /// Outside the region, but inside with latitude and longitude swapped; an error.
    Swapped,
    /// Outside the region; an error.
    OutsideRegion,
}

/// What checking one record found: its findings (in the order the rules ran) and where each
/// of its locations lies.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub findings: Vec<Finding>,
    pub positions: Vec<Position>,
}

/// A record that passed: the typed offer, its warnings and notices (ordered by severity) and
/// the positions of its locations.
#[derive(Debug, Clone)]
pub struct Valid {
    pub offer: Offer,
    pub findings: Vec<Finding>,
    pub positions: Vec<Position>,
}

/// The result of the finishing step.
#[derive(Debug, Clone)]
pub enum Finished {
    /// No finding is an error.
    Offer(Box<Valid>),
    /// At least one finding is an error; the record's JSON is given back (for a quarantine).
    Rejected { findings: Vec<Finding>, value: Value },
    /// The walker found no error but the model could not read the record, which means the two
    /// disagree; a finding saying so is the last one.
    Unreadable { findings: Vec<Finding> },
}

/// The finishing step of the standard: orders the findings by severity and turns a record
/// without errors into the typed offer. The record's JSON is consumed so that its strings move
/// into the offer instead of being copied: on bulk uploads that is a good share of the work.
pub fn finish(checked: Checked, value: Value) -> Finished {
    let Checked { mut findings, positions } = checked;
    findings.sort_by_key(|a| a.severity);
    if findings.iter().any(|f| f.severity == Severity::Error) {
        return Finished::Rejected { findings, value };
    }
    // The walker enforces every rule the model's types encode, so a failure here means the two
    // disagree; report it rather than panic.
    match Offer::deserialize(value) {
        Ok(offer) => Finished::Offer(Box::new(Valid { offer, findings, positions })),
        Err(e) => {
            findings.push(Finding::new(
                crate::finding::Code::TypeMismatch,
                "",
                crate::finding::Message::new(
                    format!("Datensatz nicht lesbar: {e}"),
                    format!("Record not readable: {e}"),
                ),
            ));
            Finished::Unreadable { findings }
        }
    }
}

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

    /// Checks one record value, without batch-level checks and without CSV positions.
    pub fn check(&self, value: &Value) -> Checked {
        checker::run(self, value, |c, root, m| c.offer(root, m))
    }

    /// The findings for one record value, without batch-level checks and without CSV positions.
    pub fn check_value(&self, value: &Value) -> Vec<Finding> {
        self.check(value).findings
    }

    /// Validates one record on its own (no duplicate-id check across records).
    pub fn validate_record(&self, index: usize, record: Record) -> RecordReport {
        let checked = self.check(&record.value);
        self.finish(index, record, checked)
    }

    /// Validates a batch: every record, plus the ids that appear more than once.
    pub fn validate_batch(&self, records: Vec<Record>) -> Vec<RecordReport> {
        let mut batch = Batch::default();
        records.into_iter().enumerate().map(|(i, r)| batch.validate(self, i, r)).collect()
    }

    /// Completes a report: adds the reader's findings and their places in the input, then
    /// runs the finishing step.
    fn finish(&self, index: usize, mut record: Record, mut checked: Checked) -> RecordReport {
        checked.findings.append(&mut record.findings);
        record.locate_findings(&mut checked.findings);
        let id = record.value.get("id").and_then(Value::as_str).map(str::to_owned);
        let (findings, offer) = match finish(checked, record.value) {
            Finished::Offer(valid) => {
                let Valid { offer, findings, .. } = *valid;
                (findings, Some(offer))
            }
            Finished::Rejected { findings, .. } | Finished::Unreadable { findings } => (findings, None),
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
        let mut checked = v.check(&record.value);
        if let Some(id) = record.value.get("id").and_then(Value::as_str)
            && !self.ids.insert(id.to_owned())
        {
            checked.findings.push(Finding::new(
                crate::finding::Code::DuplicateId,
                "/id",
                crate::finding::Message::new(
                    format!("Die ID „{id}“ kommt in dieser Lieferung mehrfach vor."),
                    format!("The id \"{id}\" appears more than once in this batch."),
                ),
            ));
        }
        v.finish(index, record, checked)
    }
}
