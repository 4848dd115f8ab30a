//! The finishing step of the standard, which node ingest and hub harvest both run: order the
//! findings by severity and turn a record without errors into the typed model.
//!
//! The record's JSON is consumed so that its strings move into the model instead of being
//! copied: on bulk uploads that is a good share of the work.

use serde::Deserialize;
use serde_json::Value;

use super::{Checked, Position};
use crate::finding::{Code, Finding, Message, Severity};
use crate::model::{Offer, Record};
use crate::rpde::Kind;

/// An offer that passed: the typed offer, its warnings and notices (ordered by severity) and
/// the positions of its locations.
#[derive(Debug, Clone)]
pub struct Valid {
    pub offer: Offer,
    pub findings: Vec<Finding>,
    pub positions: Vec<Position>,
}

/// The result of the finishing step for an offer.
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

/// A record of any kind that passed: the typed record, its warnings and notices (ordered by
/// severity) and the positions of its locations (none for networks).
#[derive(Debug, Clone)]
pub struct ValidRecord {
    pub record: Record,
    pub findings: Vec<Finding>,
    pub positions: Vec<Position>,
}

/// The result of the finishing step for a record of any kind.
#[derive(Debug, Clone)]
pub enum FinishedRecord {
    /// No finding is an error.
    Valid(Box<ValidRecord>),
    /// At least one finding is an error; the record's JSON is given back (for a quarantine).
    Rejected { findings: Vec<Finding>, value: Value },
    /// The walker found no error but the model could not read the record, which means the two
    /// disagree; a finding saying so is the last one.
    Unreadable { findings: Vec<Finding> },
}

/// The finishing step for an offer.
pub fn finish(checked: Checked, value: Value) -> Finished {
    match finish_with(checked, value, Offer::deserialize) {
        Outcome::Valid(offer, findings, positions) => {
            Finished::Offer(Box::new(Valid { offer, findings, positions }))
        }
        Outcome::Rejected(findings, value) => Finished::Rejected { findings, value },
        Outcome::Unreadable(findings) => Finished::Unreadable { findings },
    }
}

/// The finishing step for a record of the given kind; for an offer the same as [`finish`].
pub fn finish_kind(kind: Kind, checked: Checked, value: Value) -> FinishedRecord {
    match finish_with(checked, value, |v| Record::from_value(kind, v)) {
        Outcome::Valid(record, findings, positions) => {
            FinishedRecord::Valid(Box::new(ValidRecord { record, findings, positions }))
        }
        Outcome::Rejected(findings, value) => FinishedRecord::Rejected { findings, value },
        Outcome::Unreadable(findings) => FinishedRecord::Unreadable { findings },
    }
}

/// The finishing step with the model's reader of one kind.
enum Outcome<T> {
    Valid(T, Vec<Finding>, Vec<Position>),
    Rejected(Vec<Finding>, Value),
    Unreadable(Vec<Finding>),
}

fn finish_with<T>(
    checked: Checked,
    value: Value,
    read: impl FnOnce(Value) -> Result<T, serde_json::Error>,
) -> Outcome<T> {
    let Checked { mut findings, positions } = checked;
    findings.sort_by_key(|a| a.severity);
    if findings.iter().any(|f| f.severity == Severity::Error) {
        return Outcome::Rejected(findings, value);
    }
    // The walker enforces every rule the model's types encode, so a failure here means the two
    // disagree; report it rather than panic.
    match read(value) {
        Ok(model) => Outcome::Valid(model, findings, positions),
        Err(e) => {
            findings.push(Finding::new(
                Code::TypeMismatch,
                "",
                Message::new(format!("Datensatz nicht lesbar: {e}"), format!("Record not readable: {e}")),
            ));
            Outcome::Unreadable(findings)
        }
    }
}
