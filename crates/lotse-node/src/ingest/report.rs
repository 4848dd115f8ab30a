//! The report every push gets back, and that the import log keeps.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::store::ImportCounts;

/// A text in German and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Text {
    pub de: String,
    pub en: String,
}

/// One finding of the validator about one record of the push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReportFinding {
    /// 0-based position of the record in the push.
    pub record: usize,
    /// The record's `id`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id: Option<String>,
    /// `error` (record rejected), `warning` or `notice`.
    pub severity: String,
    /// Stable code from the standard (see `docs/standard.md`).
    pub code: String,
    /// RFC 6901 pointer into the record.
    pub pointer: String,
    /// CSV: the 1-based line of the row.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<u64>,
    /// CSV: the header of the column.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub column: Option<String>,
    pub message: Text,
}

/// A record that was not stored because of errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RejectedRecord {
    /// 0-based position of the record in the push.
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id: Option<String>,
}

/// Where and why a body could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ParseErrorView {
    pub line: u64,
    pub column: u64,
    pub message: Text,
}

/// The outcome of one push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    /// The entry of the import log (`GET /api/v1/imports/{id}`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub import_id: Option<i64>,
    /// The kind of the records: `offer`, `organization`, `network` or `project`. Reports
    /// stored before standard 1.1 read as `offer`.
    #[serde(default = "offer_kind")]
    pub kind: String,
    /// `post`, `put_all`, `put_one` or `delete_one`.
    pub operation: String,
    /// `atomic` or `partial`.
    pub mode: String,
    /// The format the body was read as: `json`, `ndjson` or `csv`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub format: Option<String>,
    /// Whether anything was stored. An atomic push with an error stores nothing.
    pub committed: bool,
    /// The version of the standard the records were validated with.
    pub standard_version: String,
    pub counts: ImportCounts,
    /// The records that were rejected.
    pub rejected: Vec<RejectedRecord>,
    /// Ids deleted because a complete set (`PUT /api/v1/offers`) did not contain them.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub deleted_ids: Vec<String>,
    /// Set when the body could not be read at all.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub parse_error: Option<ParseErrorView>,
    /// Every finding about every record.
    pub findings: Vec<ReportFinding>,
}

fn offer_kind() -> String {
    "offer".to_owned()
}
