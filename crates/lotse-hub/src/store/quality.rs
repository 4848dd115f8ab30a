//! The store's part of the operator's view (tables of `migrations/{sqlite,postgres}/hub/0002_quality.sql`):
//! scores and findings per offer, the scoring position, link checks, daily snapshots,
//! population figures and operator sessions, as the area traits [`QualityStore`],
//! [`LinkCheckStore`], [`SnapshotStore`] and [`SessionStore`]. They are supertraits of
//! [`super::HubStore`], so that `Arc<dyn HubStore>` offers them too; their queries are written
//! once, in `shared_quality.rs`, compiled for each database like the rest of the store.

use std::collections::HashMap;

use async_trait::async_trait;

use super::{StoreError, TokenInfo};
use crate::placement::Placement;

/// What scoring needs of one changed offer: a live one with its validator findings and
/// placement, or a tombstone (`data` is `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct QualityInput {
    pub node_id: String,
    pub id: String,
    /// The hub's change number.
    pub modified: i64,
    pub data: Option<String>,
    /// The hub validator's warnings and notices, JSON array.
    pub findings: Option<String>,
    /// When the hub last saw the offer change (Unix seconds).
    pub last_changed: i64,
    pub placements: Vec<Placement>,
}

/// The stored score of one offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityRow {
    pub node_id: String,
    pub id: String,
    /// 0 to 100.
    pub score: i64,
    /// JSON array of the failed checks.
    pub findings: String,
    pub warnings: i64,
    pub expired: bool,
    pub unverified: bool,
    pub offer_type: String,
    /// Comma-separated life-phase codes.
    pub life_phases: String,
    /// Comma-separated AGS of the municipalities of the offer's locations.
    pub ags: String,
    /// Newline-separated URLs for the link checker.
    pub urls: String,
    pub computed_at: i64,
}

/// Scores of one node, aggregated.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QualityAggregate {
    pub offers: i64,
    pub mean_score: Option<f64>,
    /// Offers with at least one validator warning.
    pub with_warnings: i64,
    pub expired: i64,
    pub unverified: i64,
    /// Quarantined items of the node.
    pub quarantined: i64,
}

/// The latest check of a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkCheck {
    pub url: String,
    /// `YYYY-MM-DD` (UTC) of the check.
    pub day: String,
    pub checked_at: i64,
    pub ok: bool,
    pub status: Option<i64>,
    pub error: Option<String>,
}

/// The scope of a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotScope {
    Node,
    Municipality,
}

impl SnapshotScope {
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotScope::Node => "node",
            SnapshotScope::Municipality => "municipality",
        }
    }
}

/// The figures of one node or municipality on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub scope: SnapshotScope,
    /// Node id or AGS.
    pub key: String,
    /// `YYYY-MM-DD`.
    pub day: String,
    pub offers: i64,
    pub mean_score: f64,
    pub warnings: i64,
    pub expired: i64,
    pub unverified: i64,
    /// JSON object offer type → count.
    pub by_type: String,
    /// JSON object life phase → count.
    pub by_phase: String,
}

/// Scores and findings per offer, and the scoring position.
#[async_trait]
pub trait QualityStore: Send + Sync {
    /// Offers (live or tombstones) with a change number above `after`, in order, at most
    /// `limit`, each with findings and placement.
    async fn quality_inputs(&self, after: i64, limit: u32) -> Result<Vec<QualityInput>, StoreError>;
    /// The change number up to which scores are current.
    async fn quality_position(&self) -> Result<i64, StoreError>;
    /// Writes scores, removes those of `removed` offers and (if given) moves the scoring
    /// position, in one transaction.
    async fn write_quality(
        &self,
        rows: &[QualityRow],
        removed: &[(String, String)],
        position: Option<i64>,
    ) -> Result<(), StoreError>;
    /// Removes scores of offers that are no longer live; returns how many.
    async fn prune_quality(&self) -> Result<u64, StoreError>;
    async fn get_quality(&self, node_id: &str, id: &str) -> Result<Option<QualityRow>, StoreError>;
    /// Scores ordered by `(node_id, id)`, of one node or all, strictly after `after`.
    async fn list_quality(
        &self,
        node_id: Option<&str>,
        after: Option<(&str, &str)>,
        limit: u32,
    ) -> Result<Vec<QualityRow>, StoreError>;
    /// Scores aggregated per node, with the node's quarantined items.
    async fn quality_by_node(&self) -> Result<HashMap<String, QualityAggregate>, StoreError>;
    /// How many offers have a score in each band of 10 points (index 0 = 0–9, …, 9 = 90–100).
    async fn score_bands(&self) -> Result<[i64; 10], StoreError>;
}

/// The latest check of each URL.
#[async_trait]
pub trait LinkCheckStore: Send + Sync {
    /// Every stored link check, by URL.
    async fn link_checks(&self) -> Result<HashMap<String, LinkCheck>, StoreError>;
    async fn record_link_checks(&self, checks: &[LinkCheck]) -> Result<(), StoreError>;
}

/// Daily snapshots of the figures, and the population figures the operator uploaded.
#[async_trait]
pub trait SnapshotStore: Send + Sync {
    /// Inserts or replaces snapshots.
    async fn write_snapshots(&self, snapshots: &[Snapshot]) -> Result<(), StoreError>;
    /// Snapshots of a scope (and key, if given) with `from <= day <= to`, ordered by key and day.
    async fn snapshots(
        &self,
        scope: SnapshotScope,
        key: Option<&str>,
        from: &str,
        to: &str,
    ) -> Result<Vec<Snapshot>, StoreError>;
    /// The latest day with a snapshot of the scope.
    async fn latest_snapshot_day(&self, scope: SnapshotScope) -> Result<Option<String>, StoreError>;

    /// Replaces the operator's population figures.
    async fn replace_population(&self, figures: &[(String, i64)], now: i64) -> Result<(), StoreError>;
    async fn population(&self) -> Result<HashMap<String, i64>, StoreError>;
}

/// Sessions of the operator's web pages, stored by the hash of the session id.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores an operator session by the hash of its id.
    async fn create_session(
        &self,
        session_hash: &str,
        token_id: i64,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError>;
    /// The operator token of a session that has not expired and whose token is not revoked.
    async fn session_token(&self, session_hash: &str, now: i64) -> Result<Option<TokenInfo>, StoreError>;
    /// Ends a session; also removes every expired one.
    async fn delete_session(&self, session_hash: &str, now: i64) -> Result<(), StoreError>;
}
