//! The validator: the schema's rules and the standard's further rules, with precise findings.
//!
//! It walks the untyped JSON of a record rather than deserialising into the model, so that it
//! can report every problem of a record at once, each with its pointer. A record without errors
//! is then deserialised into the model ([`Offer`](crate::model::Offer), or any
//! [`Record`](crate::model::Record)); the JSON Schemas in `schemas/` and this walker describe
//! the same rules, and a test checks them against each other.
//!
//! The walker (`checker.rs`) holds the field helpers every kind shares; each kind's rules are
//! in the module named after it (`offer.rs`, `organization.rs`, `network.rs`, `project.rs`),
//! references and their cycles in `reference.rs`. Checking ([`Validator::check_kind`]) and the
//! finishing step ([`finish_kind`], and [`finish`] for offers: order the findings, turn a record
//! without errors into the typed model) are public on their own, so that the node's ingest
//! (through [`Batch`]) and the hub's harvest share one implementation of both.

mod batch;
mod checker;
mod finish;
mod formats;
mod geo;
mod network;
mod offer;
mod organization;
mod parts;
mod path;
mod places;
mod project;
mod reference;

use lotse_geo::Region;
use serde_json::Value;

use crate::date::Date;
use crate::finding::Finding;
use crate::read::Record;
use crate::rpde::Kind;
use crate::vocab::{Vocabularies, vocabularies};

pub use batch::{Batch, KindReport, RecordReport};
pub use finish::{Finished, FinishedRecord, Valid, ValidRecord, finish, finish_kind};
pub use formats::{contains_markup, is_email, is_http_url, is_node_id, is_phone, is_record_id};
pub use reference::{part_of_cycles, reference_cycle, reference_not_found};

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

    /// Checks one offer, without batch-level checks and without CSV positions.
    pub fn check(&self, value: &Value) -> Checked {
        self.check_kind(Kind::Offer, value)
    }

    /// Checks one record of the given kind, without batch-level checks and without CSV
    /// positions.
    pub fn check_kind(&self, kind: Kind, value: &Value) -> Checked {
        checker::run(self, value, |c, root, m| match kind {
            Kind::Offer => c.offer(root, m),
            Kind::Organization => c.organization(root, m),
            Kind::Network => c.network(root, m),
            Kind::Project => c.project(root, m),
        })
    }

    /// The findings for one offer, without batch-level checks and without CSV positions.
    pub fn check_value(&self, value: &Value) -> Vec<Finding> {
        self.check(value).findings
    }

    /// Validates one offer on its own (no duplicate-id check across records).
    pub fn validate_record(&self, index: usize, record: Record) -> RecordReport {
        let checked = self.check(&record.value);
        RecordReport::finish(index, record, checked)
    }

    /// Validates one record of the given kind on its own (no duplicate-id check across
    /// records).
    pub fn validate_record_kind(&self, kind: Kind, index: usize, record: Record) -> KindReport {
        let checked = self.check_kind(kind, &record.value);
        KindReport::finish(kind, index, record, checked)
    }

    /// Validates a batch of offers: every record, plus the ids that appear more than once.
    pub fn validate_batch(&self, records: Vec<Record>) -> Vec<RecordReport> {
        let mut batch = Batch::default();
        records.into_iter().enumerate().map(|(i, r)| batch.validate(self, i, r)).collect()
    }

    /// Validates a batch of records of one kind: every record, plus the ids that appear more
    /// than once.
    pub fn validate_batch_kind(&self, kind: Kind, records: Vec<Record>) -> Vec<KindReport> {
        let mut batch = Batch::default();
        records.into_iter().enumerate().map(|(i, r)| batch.validate_kind(self, kind, i, r)).collect()
    }
}
