//! The records of standard 1.1's new kinds — institutions (`organization`), networks and
//! projects — and the references between records of every kind: the area trait
//! [`RecordStore`] and its types. The queries are in `shared_kinds.rs`, compiled per database
//! like the other shared files.
//!
//! Tables (migration 0004):
//! - `record_feeds`: per node and kind, the checkpoint in the node's feed of that kind and
//!   whether the node publishes it at all (a node on standard 1.0 answers 404).
//! - `records`: every record of the new kinds, live or as a tombstone, keyed by
//!   `(kind, node_id, id)`, with the hub's change number in `modified` (unique across every
//!   kind, from `hub_state`), provenance, and the record's place (`lat`, `lon`, `ags`).
//! - `record_references`: one row per reference of a live record of the new kinds; offers keep
//!   theirs in `offer_references`, written with the offer. Together they resolve by one
//!   anti-join, and "who refers to this" is an index lookup.
//! - `record_quarantine`: rejected items of the new kinds.
//! - `project_history`: first seen, status changes and removal of each project.
//!
//! The invariant of offers holds here too: a page of a kind's feed is stored with that feed's
//! checkpoint in one transaction, and only if the checkpoint is still the one the page was
//! read after.

use async_trait::async_trait;
use lotse_standard::rpde::Kind;
use serde::Serialize;
use utoipa::ToSchema;

use super::{Checkpoint, FeedRow, PageOutcome, QuarantineReason, StoreError};

/// The hub's position in one node's feed of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordFeed {
    pub checkpoint: Option<Checkpoint>,
    /// `false` while the node answers 404 for the feed.
    pub published: bool,
    pub last_harvest_at: Option<i64>,
    pub last_error: Option<String>,
    pub items_harvested: i64,
}

/// One reference of a record, resolved to the node it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReferenceRow {
    /// Where in the referring record the reference is (JSON pointer).
    pub pointer: String,
    /// The kind the reference names (`organization`, `network`, `project`).
    #[schema(value_type = String)]
    pub target_kind: Kind,
    pub target_node: String,
    pub target_id: String,
}

/// An accepted record of a page.
#[derive(Debug, Clone)]
pub struct RecordAccept {
    pub id: String,
    pub node_modified: i64,
    /// Canonical JSON.
    pub data: String,
    pub hash: Vec<u8>,
    pub standard_version: Option<String>,
    /// Warnings and notices of the hub's validator, JSON array; `None` when there are none.
    pub findings: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub ags: Option<String>,
    pub references: Vec<ReferenceRow>,
    /// A project's status (`planned`, `running`, `completed`), for its history.
    pub status: Option<String>,
}

/// A rejected item of a page.
#[derive(Debug, Clone)]
pub struct RecordReject {
    pub id: String,
    pub node_modified: i64,
    pub reason: QuarantineReason,
    pub findings: String,
    pub data: Option<String>,
    pub standard_version: Option<String>,
}

/// What the hub does with one item of a kind's page.
#[derive(Debug, Clone)]
pub enum RecordItem {
    Accept(Box<RecordAccept>),
    Reject(RecordReject),
    Delete { id: String, node_modified: i64 },
}

/// A page of a node's feed of one kind, ready to be stored with its checkpoint.
#[derive(Debug, Clone)]
pub struct RecordPageWrite {
    pub kind: Kind,
    pub node_id: String,
    /// The checkpoint the page was read after; the write fails if it moved.
    pub after: Option<Checkpoint>,
    pub checkpoint: Checkpoint,
    pub items: Vec<RecordItem>,
    pub now: i64,
}

/// A live record as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    pub kind: Kind,
    pub node_id: String,
    pub id: String,
    pub modified: i64,
    pub data: String,
    pub standard_version: Option<String>,
    pub findings: Option<String>,
    pub first_seen: i64,
    pub last_changed: i64,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub ags: Option<String>,
}

/// A record that refers to another one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Referrer {
    #[schema(value_type = String)]
    pub kind: Kind,
    pub node_id: String,
    pub id: String,
    pub pointer: String,
}

/// A reference that names no live record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DanglingReference {
    /// The referring record.
    #[schema(value_type = String)]
    pub kind: Kind,
    pub node_id: String,
    pub id: String,
    #[serde(flatten)]
    pub reference: ReferenceRow,
}

/// One event of a project's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProjectEvent {
    pub node_id: String,
    pub id: String,
    /// Unix seconds.
    pub at: i64,
    /// `first_seen`, `status` or `removed`.
    pub event: String,
    /// The status after the event; none for `removed`.
    pub status: Option<String>,
    pub ags: Option<String>,
}

/// Filters of a list of records.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    pub node_id: Option<String>,
    pub ags: Option<String>,
}

/// The records of the new kinds, their feeds and the references of every kind.
#[async_trait]
pub trait RecordStore: Send + Sync {
    /// The hub's position in the node's feed of `kind`; the default when never harvested.
    async fn record_feed(&self, node_id: &str, kind: Kind) -> Result<RecordFeed, StoreError>;

    /// Stores a page with its checkpoint in one transaction ([`StoreError::CheckpointMoved`] if
    /// the checkpoint is no longer `page.after`).
    async fn store_record_page(&self, page: &RecordPageWrite) -> Result<PageOutcome, StoreError>;

    /// Records the end of a harvest of the node's feed of `kind`: whether the feed is published
    /// and the error, if it failed.
    async fn record_feed_harvest(
        &self,
        node_id: &str,
        kind: Kind,
        published: bool,
        error: Option<&str>,
        at: i64,
    ) -> Result<(), StoreError>;

    async fn get_record(
        &self,
        kind: Kind,
        node_id: &str,
        id: &str,
    ) -> Result<Option<StoredRecord>, StoreError>;

    /// Live records of `kind`, by node and id, after `after` (`(node_id, id)`), at most `limit`.
    async fn list_records(
        &self,
        kind: Kind,
        filter: &RecordFilter,
        after: Option<(&str, &str)>,
        limit: u32,
    ) -> Result<Vec<StoredRecord>, StoreError>;

    /// Number of live records of `kind` per node.
    async fn record_counts(&self, kind: Kind) -> Result<Vec<(String, i64)>, StoreError>;

    /// The hub's feed of `kind`: rows with a change number above `after`, at most `limit`.
    async fn record_feed_page(&self, kind: Kind, after: i64, limit: u32) -> Result<Vec<FeedRow>, StoreError>;

    /// The references of a record.
    async fn references_of(
        &self,
        kind: Kind,
        node_id: &str,
        id: &str,
    ) -> Result<Vec<ReferenceRow>, StoreError>;

    /// The live records that refer to the record `(kind, node_id, id)`.
    async fn referrers(&self, kind: Kind, node_id: &str, id: &str) -> Result<Vec<Referrer>, StoreError>;

    /// References that name no live record, of the records of `node_id` (every node when
    /// `None`), ordered by referring record, at most `limit`.
    async fn dangling_references(
        &self,
        node_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<DanglingReference>, StoreError>;

    /// The references that name no live record, of the live records of `kind` from `first`
    /// through `last` (`(node_id, id)`, both included) in the order of [`list_records`]: those
    /// of one page of that list, or of one record when both are the same. At most `limit`.
    ///
    /// [`list_records`]: RecordStore::list_records
    async fn dangling_references_between(
        &self,
        kind: Kind,
        first: (&str, &str),
        last: (&str, &str),
        limit: u32,
    ) -> Result<Vec<DanglingReference>, StoreError>;

    /// How many references name no live record, per node and kind of the referring record
    /// (offers included), ordered by node and kind.
    async fn dangling_counts(&self) -> Result<Vec<(String, Kind, i64)>, StoreError>;

    /// Project events between `from` and `to` (Unix seconds, inclusive), oldest first.
    async fn project_events(&self, from: i64, to: i64, limit: u32) -> Result<Vec<ProjectEvent>, StoreError>;

    /// The project landscape at `at` (Unix seconds): each project's latest event up to then,
    /// for the projects that were not removed by then.
    async fn projects_at(&self, at: i64) -> Result<Vec<ProjectEvent>, StoreError>;

    /// Rejected items of `kind` of `node_id` (every node when `None`), by node and id, after
    /// `after`, at most `limit`.
    async fn list_record_quarantine(
        &self,
        kind: Kind,
        node_id: Option<&str>,
        after: Option<(&str, &str)>,
        limit: u32,
    ) -> Result<Vec<super::QuarantineEntry>, StoreError>;

    /// Removes tombstones of the new kinds older than `cutoff`; returns how many.
    async fn purge_record_tombstones(&self, cutoff: i64) -> Result<u64, StoreError>;
}
