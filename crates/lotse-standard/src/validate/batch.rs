//! Reports per record of an input, and the batch-level check that no id appears twice.

use std::collections::HashSet;

use serde_json::Value;

use super::finish::{Finished, FinishedRecord, Valid, finish, finish_kind};
use super::{Checked, Validator};
use crate::finding::{Code, Finding, Message, Severity};
use crate::model::{self, Offer};
use crate::read::Record;
use crate::rpde::Kind;

/// The outcome for one offer.
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

/// The outcome for one record of any kind.
#[derive(Debug, Clone)]
pub struct KindReport {
    /// 0-based position of the record in its input.
    pub index: usize,
    /// The kind the record was validated as.
    pub kind: Kind,
    /// The record's `id`, when it has a string one.
    pub id: Option<String>,
    pub findings: Vec<Finding>,
    /// The typed record; present exactly when no finding is an error.
    pub record: Option<model::Record>,
}

impl RecordReport {
    pub fn has_errors(&self) -> bool {
        has_errors(&self.findings)
    }

    pub fn count(&self, severity: Severity) -> usize {
        count(&self.findings, severity)
    }

    /// Completes a report: the reader's findings and their places in the input, then the
    /// finishing step.
    pub(super) fn finish(index: usize, record: Record, checked: Checked) -> RecordReport {
        let (id, checked, value) = prepare(record, checked);
        let (findings, offer) = match finish(checked, value) {
            Finished::Offer(valid) => {
                let Valid { offer, findings, .. } = *valid;
                (findings, Some(offer))
            }
            Finished::Rejected { findings, .. } | Finished::Unreadable { findings } => (findings, None),
        };
        RecordReport { index, id, findings, offer }
    }
}

impl KindReport {
    pub fn has_errors(&self) -> bool {
        has_errors(&self.findings)
    }

    pub fn count(&self, severity: Severity) -> usize {
        count(&self.findings, severity)
    }

    /// Completes a report, as [`RecordReport::finish`] does for offers.
    pub(super) fn finish(kind: Kind, index: usize, record: Record, checked: Checked) -> KindReport {
        let (id, checked, value) = prepare(record, checked);
        let (findings, record) = match finish_kind(kind, checked, value) {
            FinishedRecord::Valid(valid) => (valid.findings, Some(valid.record)),
            FinishedRecord::Rejected { findings, .. } | FinishedRecord::Unreadable { findings } => {
                (findings, None)
            }
        };
        KindReport { index, kind, id, findings, record }
    }
}

fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

fn count(findings: &[Finding], severity: Severity) -> usize {
    findings.iter().filter(|f| f.severity == severity).count()
}

/// Adds the reader's findings to the checker's and gives them their places in the input; the
/// record's id, the findings and the record's JSON for the finishing step.
fn prepare(mut record: Record, mut checked: Checked) -> (Option<String>, Checked, Value) {
    checked.findings.append(&mut record.findings);
    record.locate_findings(&mut checked.findings);
    let id = record.value.get("id").and_then(Value::as_str).map(str::to_owned);
    (id, checked, record.value)
}

/// Batch state for streaming validation: remembers the ids seen so far, per kind (each kind
/// has ids of its own).
#[derive(Default)]
pub struct Batch {
    ids: HashSet<(Kind, String)>,
}

impl Batch {
    /// Validates the next offer of the batch.
    pub fn validate(&mut self, v: &Validator<'_>, index: usize, record: Record) -> RecordReport {
        let checked = self.check(v, Kind::Offer, &record.value);
        RecordReport::finish(index, record, checked)
    }

    /// Validates the next record of the batch, of the given kind.
    pub fn validate_kind(
        &mut self,
        v: &Validator<'_>,
        kind: Kind,
        index: usize,
        record: Record,
    ) -> KindReport {
        let checked = self.check(v, kind, &record.value);
        KindReport::finish(kind, index, record, checked)
    }

    fn check(&mut self, v: &Validator<'_>, kind: Kind, value: &Value) -> Checked {
        let mut checked = v.check_kind(kind, value);
        if let Some(id) = value.get("id").and_then(Value::as_str)
            && !self.ids.insert((kind, id.to_owned()))
        {
            checked.findings.push(Finding::new(
                Code::DuplicateId,
                "/id",
                Message::new(
                    format!("Die ID „{id}“ kommt in dieser Lieferung mehrfach vor."),
                    format!("The id \"{id}\" appears more than once in this batch."),
                ),
            ));
        }
        checked
    }
}
