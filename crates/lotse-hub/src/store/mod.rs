//! The hub's storage, for SQLite and PostgreSQL, as one trait per area — [`RegistryStore`],
//! [`HarvestStore`], [`OfferStore`], [`QuarantineStore`], [`TokenStore`], [`GeocodeStore`] and
//! the operator's view in [`quality`], and the records of standard 1.1's kinds in [`kinds`] —
//! gathered in the umbrella trait [`HubStore`].
//!
//! Every query is written once: `shared.rs` (and `shared_quality.rs` for the operator's view)
//! implements the area traits and is compiled once per database, as a module of `sqlite.rs` and
//! of `postgres.rs`. Those two hold only what really differs: opening the pool, how a write
//! begins, the lock on the change counter, the harvest lock, bulk page writes (multi-row
//! `VALUES` on SQLite, `UNNEST` over arrays on PostgreSQL) and lists of placeholders.
//!
//! Tables (migrations in `migrations/{sqlite,postgres}/hub/`):
//! - `hub_state`: one row with `last_change`, the last change number of the hub's own feed.
//! - `nodes`: the registry — feed URL, jurisdiction, token hash, harvest state, the
//!   checkpoint `(modified, id)` after the last stored page, and the node's newest change
//!   number as its pings report it (`reported_head`, `behind_since`).
//! - `offers`: every offer the hub has published, live or as a tombstone, keyed by
//!   `(node_id, id)`, with the hub's change number in `modified` and provenance (first seen,
//!   last changed, the node's change number and standard version).
//! - `offer_locations`: the placement of each location of a live offer; `offer_references`:
//!   its references (standard 1.1), written with it.
//! - `quarantine`: rejected items with their findings.
//! - `tokens`: operator tokens by hash; `geocode_cache`: the geocoder's answers.
//! - The records of the 1.1 kinds and the references of every kind ([`kinds`]): `record_feeds`,
//!   `records`, `record_references`, `record_quarantine`, `project_history`.
//! - The operator's view ([`quality`]): `offer_quality`, `quality_state`, `link_checks`,
//!   `quality_snapshots`, `population`, `operator_sessions`.
//!
//! Architecture invariants:
//! - **A page is stored with its checkpoint.** [`HarvestStore::store_page`] writes a page's items
//!   and moves the node's checkpoint in one transaction, and only if the checkpoint is still
//!   the one the harvest started the page from. A crash therefore resumes after the last stored
//!   page, and a page is never applied twice.
//! - **Change numbers are unique and visible in commit order.** They are allocated inside the
//!   writing transaction from `hub_state`, whose row lock (PostgreSQL) or the database write
//!   lock (SQLite) serialises writers until commit; every written row gets its own number. A
//!   reader of the hub's feed that has seen number `n` never later finds a change below `n`, and
//!   because numbers are unique the feed's `(modified, id)` order is the order of `modified`.

pub mod kinds;
mod postgres;
pub mod quality;
mod record_plan;
mod sqlite;

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

use crate::placement::Placement;
use kinds::RecordStore;
use quality::{LinkCheckStore, QualityStore, SessionStore, SnapshotStore};

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL (expected sqlite:… or postgres:…)")]
    UnsupportedUrl,
    #[error("a node with the id {0:?} is already registered")]
    DuplicateNode(String),
    #[error("a token named {0:?} is already active")]
    DuplicateTokenName(String),
    #[error("node {0:?} is not registered")]
    NodeNotFound(String),
    #[error("the checkpoint of node {0:?} moved while its page was prepared")]
    CheckpointMoved(String),
    #[error("stored data is inconsistent: {0}")]
    Inconsistent(String),
}

/// A position in a node's feed: the `(modified, id)` of the last item stored.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub struct Checkpoint {
    pub modified: i64,
    pub id: String,
}

/// Whether the hub harvests a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NodeState {
    /// Harvested on schedule and on ping.
    Active,
    /// Its feed answered 404 or 410: the schedule skips it until the operator resumes it or
    /// the node pings.
    Stopped,
}

impl NodeState {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeState::Active => "active",
            NodeState::Stopped => "stopped",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(NodeState::Active),
            "stopped" => Some(NodeState::Stopped),
            _ => None,
        }
    }
}

/// A node to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNode {
    pub id: String,
    pub name: String,
    pub feed_url: String,
    /// AGS prefixes (2, 3, 5 or 8 digits).
    pub jurisdiction: Vec<String>,
}

/// Changes to a registered node; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeUpdate {
    pub name: Option<String>,
    pub feed_url: Option<String>,
    pub jurisdiction: Option<Vec<String>>,
    /// Setting `Active` resumes a stopped node and clears its reason.
    pub state: Option<NodeState>,
}

/// A registered node as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    pub id: String,
    pub name: String,
    pub feed_url: String,
    pub jurisdiction: Vec<String>,
    pub state: NodeState,
    pub state_reason: Option<String>,
    pub checkpoint: Option<Checkpoint>,
    pub standard_version: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_harvest_at: Option<i64>,
    pub last_success_at: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
    pub consecutive_failures: i64,
    pub items_harvested: i64,
    /// Milliseconds the last successful harvest took.
    pub last_success_duration_ms: Option<i64>,
    /// The node's newest change number as the hub knows it (see [`HarvestStore::record_head`]).
    pub reported_head: Option<i64>,
    /// Unix seconds since which `reported_head` has been beyond the checkpoint; `None` while the
    /// hub is caught up.
    pub behind_since: Option<i64>,
}

/// How a harvest ended, for the node's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HarvestRecord {
    /// The feed was followed to its end.
    Success {
        at: i64,
        /// How long the harvest took.
        duration_ms: i64,
        /// The node's `reported_head` as the harvest read it before fetching its first page.
        /// If it is still the stored one, no ping reported anything newer while the harvest
        /// ran, so the end of the feed it reached is the node's head: the hub is caught up.
        head_at_start: Option<i64>,
    },
    /// The harvest failed; the node stays active and is tried again.
    Failure { at: i64, error: String },
    /// The feed is gone (404/410): the node is stopped.
    Stopped { at: i64, reason: String },
}

/// Why an item was quarantined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuarantineReason {
    /// The hub's validator found errors.
    Invalid,
    /// A location or the service area lies outside the node's jurisdiction.
    Jurisdiction,
    /// The item is not a readable RPDE item of an offer (no data, an id that differs from the
    /// data's id).
    Malformed,
}

impl QuarantineReason {
    pub fn as_str(self) -> &'static str {
        match self {
            QuarantineReason::Invalid => "invalid",
            QuarantineReason::Jurisdiction => "jurisdiction",
            QuarantineReason::Malformed => "malformed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "invalid" => Some(QuarantineReason::Invalid),
            "jurisdiction" => Some(QuarantineReason::Jurisdiction),
            "malformed" => Some(QuarantineReason::Malformed),
            _ => None,
        }
    }
}

/// An accepted offer of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct AcceptedItem {
    pub id: String,
    pub node_modified: i64,
    /// Canonical JSON of the offer.
    pub data: String,
    /// SHA-256 of `data`.
    pub hash: Vec<u8>,
    pub standard_version: Option<String>,
    /// Warnings and notices as a JSON array, `None` when there are none.
    pub findings: Option<String>,
    pub placements: Vec<Placement>,
    /// The offer's references (standard 1.1), resolved to nodes.
    pub references: Vec<kinds::ReferenceRow>,
}

/// A rejected item of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedItem {
    pub id: String,
    pub node_modified: i64,
    pub reason: QuarantineReason,
    /// Findings as a JSON array.
    pub findings: String,
    /// The item's data as received.
    pub data: Option<String>,
    pub standard_version: Option<String>,
}

/// One item of a page, as the harvester decided about it.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemWrite {
    Accept(AcceptedItem),
    Reject(RejectedItem),
    /// A tombstone: the node deleted the offer.
    Delete {
        id: String,
        node_modified: i64,
    },
}

impl ItemWrite {
    pub fn id(&self) -> &str {
        match self {
            ItemWrite::Accept(a) => &a.id,
            ItemWrite::Reject(r) => &r.id,
            ItemWrite::Delete { id, .. } => id,
        }
    }
}

/// A page of one node's feed, to be stored in one transaction with its checkpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct PageWrite {
    pub node_id: String,
    /// The checkpoint the page was fetched after; the write fails if it moved meanwhile.
    pub after: Option<Checkpoint>,
    /// The `(modified, id)` of the page's last item.
    pub checkpoint: Checkpoint,
    /// The items in feed order; an id that appears twice counts with its last appearance.
    pub items: Vec<ItemWrite>,
    /// The standard version the node reported with the page's last item that had one.
    pub standard_version: Option<String>,
    /// Unix seconds.
    pub now: i64,
}

/// What storing a page did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PageOutcome {
    /// Offers new to the hub (or live again after a deletion or quarantine).
    pub created: u64,
    /// Live offers whose content or reported standard version changed.
    pub updated: u64,
    /// Live offers received again unchanged (no new change number).
    pub unchanged: u64,
    /// Items put into quarantine.
    pub quarantined: u64,
    /// Live offers removed (by a tombstone or because their new version was rejected).
    pub deleted: u64,
}

impl PageOutcome {
    pub fn add(&mut self, other: &PageOutcome) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.quarantined += other.quarantined;
        self.deleted += other.deleted;
    }
}

/// A live offer with its placement and provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredOffer {
    pub node_id: String,
    pub id: String,
    /// The hub's change number.
    pub modified: i64,
    pub data: String,
    pub standard_version: Option<String>,
    pub node_modified: i64,
    pub findings: Option<String>,
    pub first_seen: i64,
    pub last_changed: i64,
    pub placements: Vec<Placement>,
}

/// A live offer in a listing (without placement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferRow {
    pub id: String,
    pub data: String,
    pub standard_version: Option<String>,
    pub node_modified: i64,
}

/// One row of the hub's feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRow {
    pub node_id: String,
    pub id: String,
    pub modified: i64,
    /// `None` for a tombstone.
    pub data: Option<String>,
    pub standard_version: Option<String>,
}

/// One change of the hub's store as the search index follows it: a live offer with its
/// placement, or a tombstone (`data` is `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct IndexRow {
    pub node_id: String,
    pub id: String,
    pub modified: i64,
    pub data: Option<String>,
    pub last_changed: i64,
    pub placements: Vec<Placement>,
}

/// A quarantine entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantineEntry {
    pub node_id: String,
    pub id: String,
    pub reason: QuarantineReason,
    pub findings: String,
    pub data: Option<String>,
    pub standard_version: Option<String>,
    pub node_modified: i64,
    pub received_at: i64,
}

/// Live and quarantined offers of one node.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct NodeCounts {
    pub offers: i64,
    pub quarantined: i64,
}

/// The roles of hub tokens. Node tokens are not listed here: each node has exactly one, stored
/// with the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages nodes and sees the quarantine and every node's state.
    Operator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "operator" => Some(Role::Operator),
            _ => None,
        }
    }
}

/// An operator token as stored (the token itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

impl TryFrom<lotse_store::TokenRecord> for TokenInfo {
    type Error = StoreError;

    fn try_from(t: lotse_store::TokenRecord) -> Result<Self, StoreError> {
        let role = Role::parse(&t.role)
            .ok_or_else(|| StoreError::Inconsistent(format!("unknown role {:?}", t.role)))?;
        Ok(TokenInfo { id: t.id, name: t.name, role, created_at: t.created_at, revoked_at: t.revoked_at })
    }
}

impl From<lotse_store::TokenError> for StoreError {
    fn from(e: lotse_store::TokenError) -> Self {
        match e {
            lotse_store::TokenError::DuplicateName(name) => StoreError::DuplicateTokenName(name),
            lotse_store::TokenError::Database(e) => StoreError::Database(e),
        }
    }
}

/// The right to harvest one node, held for the duration of a harvest. On PostgreSQL it is a
/// session-level advisory lock on a dedicated connection, so that several hub replicas never
/// harvest the same node at once; on SQLite (one process per database file) it is empty, and
/// the in-process coordinator alone keeps harvests of a node apart.
pub struct HarvestLock {
    pub(crate) conn: Option<sqlx::pool::PoolConnection<sqlx::Postgres>>,
    pub(crate) key: i64,
}

impl HarvestLock {
    /// A lock that guards nothing (SQLite).
    pub fn none() -> Self {
        Self { conn: None, key: 0 }
    }

    /// Releases the lock. Dropping it without `release` closes the connection instead, which
    /// ends the session and so releases the lock too.
    pub async fn release(mut self) {
        if let Some(mut conn) = self.conn.take() {
            let unlocked =
                sqlx::query("SELECT pg_advisory_unlock($1)").bind(self.key).execute(&mut *conn).await;
            if unlocked.is_err() {
                conn.close_on_drop();
            }
        }
    }
}

impl Drop for HarvestLock {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.as_mut() {
            conn.close_on_drop();
        }
    }
}

/// The advisory-lock key of a node's harvest: the first 8 bytes of SHA-256 over a fixed
/// namespace and the node id, so that it does not collide with keys other code may use.
pub fn harvest_lock_key(node_id: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("lotse-hub/harvest/{node_id}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

/// The registry: the nodes the hub harvests, and the database itself.
#[async_trait]
pub trait RegistryStore: Send + Sync {
    /// Answers when the database is reachable (for `/readyz`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Registers a node with the hash of its token.
    async fn add_node(&self, node: &NewNode, token_hash: &str, now: i64) -> Result<NodeInfo, StoreError>;
    async fn get_node(&self, id: &str) -> Result<Option<NodeInfo>, StoreError>;
    /// The node whose token has this hash.
    async fn node_by_token(&self, token_hash: &str) -> Result<Option<NodeInfo>, StoreError>;
    /// All nodes ordered by id.
    async fn list_nodes(&self) -> Result<Vec<NodeInfo>, StoreError>;
    /// Changes a node; `None` if it is not registered.
    async fn update_node(
        &self,
        id: &str,
        update: &NodeUpdate,
        now: i64,
    ) -> Result<Option<NodeInfo>, StoreError>;
    /// Replaces a node's token hash; `false` if it is not registered.
    async fn set_node_token(&self, id: &str, token_hash: &str, now: i64) -> Result<bool, StoreError>;
    /// Unregisters a node: its live offers become tombstones in the hub's feed (so that hubs
    /// harvesting this one remove them too), its placements and quarantine entries go. `None`
    /// if it is not registered, else the number of offers removed.
    async fn remove_node(&self, id: &str, now: i64) -> Result<Option<u64>, StoreError>;
}

/// Harvesting: the harvest lock, the pages with their checkpoints, and what a harvest and a
/// node's ping leave in the node's record.
#[async_trait]
pub trait HarvestStore: Send + Sync {
    /// Takes the right to harvest a node; `None` when another process holds it.
    async fn harvest_lock(&self, node_id: &str) -> Result<Option<HarvestLock>, StoreError>;

    /// Stores a page and moves the node's checkpoint, in one transaction (see the module
    /// documentation); a checkpoint that reaches the node's `reported_head` clears
    /// `behind_since`.
    async fn store_page(&self, page: &PageWrite) -> Result<PageOutcome, StoreError>;

    /// Records how a harvest of a node ended. A success also stores its duration and, when
    /// `reported_head` is still `head_at_start`, sets it to the checkpoint and clears
    /// `behind_since`: the feed was read to its end after everything reported so far had been
    /// committed at the node, so whatever the node reported beyond it is not in its feed.
    async fn record_harvest(&self, id: &str, record: &HarvestRecord) -> Result<(), StoreError>;
    /// Records the newest change number a node reported with its ping, at `at` (Unix seconds):
    /// `reported_head` only grows, and `behind_since` becomes `at` when the head lies beyond
    /// the checkpoint (a missing checkpoint counts as 0) and the node was not behind already.
    /// [`HarvestStore::store_page`] clears `behind_since` once the checkpoint reaches the head.
    /// `false` if the node is not registered.
    async fn record_head(&self, id: &str, head: i64, at: i64) -> Result<bool, StoreError>;
}

/// The stored offers and the hub's feed of them.
#[async_trait]
pub trait OfferStore: Send + Sync {
    /// A live offer with placement and provenance.
    async fn get_offer(&self, node_id: &str, id: &str) -> Result<Option<StoredOffer>, StoreError>;
    /// Live offers of a node ordered by id, after `after_id`, at most `limit`.
    async fn list_offers(
        &self,
        node_id: &str,
        after_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<OfferRow>, StoreError>;
    /// Live and quarantined offers per node.
    async fn node_counts(&self) -> Result<HashMap<String, NodeCounts>, StoreError>;
    /// Feed rows with a change number above `after`, ordered by it, at most `limit`.
    async fn feed_page(&self, after: i64, limit: u32) -> Result<Vec<FeedRow>, StoreError>;
    /// The hub's last change number.
    async fn last_change(&self) -> Result<i64, StoreError>;
    /// The changes after the hub change number `after`, in order, at most `limit` offers, each
    /// with its placement: what the search index follows.
    async fn index_changes(&self, after: i64, limit: u32) -> Result<Vec<IndexRow>, StoreError>;
    /// Removes tombstones last changed before `cutoff` (Unix seconds); returns how many.
    async fn purge_tombstones(&self, cutoff: i64) -> Result<u64, StoreError>;
}

/// The items the hub rejected.
#[async_trait]
pub trait QuarantineStore: Send + Sync {
    /// Quarantine entries ordered by `(node_id, id)`, of one node or all, strictly after
    /// `after`, at most `limit`.
    async fn list_quarantine(
        &self,
        node_id: Option<&str>,
        after: Option<(&str, &str)>,
        limit: u32,
    ) -> Result<Vec<QuarantineEntry>, StoreError>;
}

/// Operator tokens, stored by the hash of the token.
#[async_trait]
pub trait TokenStore: Send + Sync {
    async fn create_token(
        &self,
        name: &str,
        role: Role,
        token_hash: &str,
        now: i64,
    ) -> Result<TokenInfo, StoreError>;
    /// The token with this hash, revoked or not.
    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenInfo>, StoreError>;
    async fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError>;
    /// Revokes the active token with this id; `false` if there is none.
    async fn revoke_token(&self, id: i64, now: i64) -> Result<bool, StoreError>;
}

/// The geocoder's answers, cached by address key.
#[async_trait]
pub trait GeocodeStore: Send + Sync {
    /// Cached geocoder answers for these address keys; an entry with `None` is a cached miss.
    async fn geocode_lookup(
        &self,
        keys: &[String],
    ) -> Result<HashMap<String, Option<(f64, f64)>>, StoreError>;
    /// Caches a geocoder answer.
    async fn geocode_store(&self, key: &str, answer: Option<(f64, f64)>, now: i64) -> Result<(), StoreError>;
}

/// The hub's storage: every area of it. The blanket implementation makes each store that
/// implements all areas a `HubStore`, so the hub holds one `Arc<dyn HubStore>`, on which every
/// area's methods can be called without importing the area traits (a concrete store needs them
/// in scope: [`prelude`]).
pub trait HubStore:
    RegistryStore
    + HarvestStore
    + OfferStore
    + QuarantineStore
    + TokenStore
    + GeocodeStore
    + QualityStore
    + LinkCheckStore
    + SnapshotStore
    + SessionStore
    + RecordStore
    + Send
    + Sync
    + 'static
{
}

impl<T> HubStore for T where
    T: RegistryStore
        + HarvestStore
        + OfferStore
        + QuarantineStore
        + TokenStore
        + GeocodeStore
        + QualityStore
        + LinkCheckStore
        + SnapshotStore
        + SessionStore
        + RecordStore
        + Send
        + Sync
        + 'static
{
}

/// Every trait of the store, for code that calls a store's methods on a concrete or generic
/// store: `use crate::store::prelude::*;`.
pub mod prelude {
    pub use super::kinds::RecordStore;
    pub use super::quality::{LinkCheckStore, QualityStore, SessionStore, SnapshotStore};
    pub use super::{
        GeocodeStore, HarvestStore, HubStore, OfferStore, QuarantineStore, RegistryStore, TokenStore,
    };
}

/// Options for opening a store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Maximum connections of the (reading) pool.
    pub max_connections: u32,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self { max_connections: 8 }
    }
}

/// Opens the store for a `sqlite:` or `postgres:` URL and runs its migrations.
pub async fn open(url: &str, options: &StoreOptions) -> Result<Arc<dyn HubStore>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url, options).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(PostgresStore::open(url, options).await?))
    } else {
        Err(StoreError::UnsupportedUrl)
    }
}

/// The stored state of one offer, as far as planning a page needs it.
#[derive(Debug, Clone)]
pub(crate) struct Existing {
    pub deleted: bool,
    pub hash: Option<Vec<u8>>,
    pub standard_version: Option<String>,
}

/// A row of `offers` to write.
pub(crate) enum OfferWrite<'a> {
    Live { item: &'a AcceptedItem, modified: i64 },
    Tombstone { id: &'a str, node_modified: i64, modified: i64 },
}

/// What a page does to the tables, decided from the stored state. Shared by both
/// implementations so that they cannot disagree.
pub(crate) struct PagePlan<'a> {
    pub offers: Vec<OfferWrite<'a>>,
    /// Offers whose placements and references are replaced or removed.
    pub clear_locations: Vec<&'a str>,
    /// Placements to insert: (offer id, placement).
    pub locations: Vec<(&'a str, &'a Placement)>,
    /// References to insert: (offer id, reference).
    pub references: Vec<(&'a str, &'a kinds::ReferenceRow)>,
    /// Quarantine entries to remove (accepted or deleted offers).
    pub clear_quarantine: Vec<&'a str>,
    pub quarantine: Vec<&'a RejectedItem>,
    pub outcome: PageOutcome,
    pub last_change: i64,
}

/// The ids of a page, each once (its last appearance wins).
pub(crate) fn last_items(items: &[ItemWrite]) -> Vec<&ItemWrite> {
    let mut last: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        last.insert(item.id(), i);
    }
    items
        .iter()
        .enumerate()
        .filter(|(i, item)| last.get(item.id()) == Some(i))
        .map(|(_, item)| item)
        .collect()
}

pub(crate) fn plan_page<'a>(
    items: &[&'a ItemWrite],
    existing: &HashMap<String, Existing>,
    mut last_change: i64,
) -> PagePlan<'a> {
    let mut plan = PagePlan {
        offers: Vec::new(),
        clear_locations: Vec::new(),
        locations: Vec::new(),
        references: Vec::new(),
        clear_quarantine: Vec::new(),
        quarantine: Vec::new(),
        outcome: PageOutcome::default(),
        last_change,
    };
    let mut next = || {
        last_change += 1;
        last_change
    };
    for item in items {
        let live = existing.get(item.id()).filter(|e| !e.deleted);
        match item {
            ItemWrite::Accept(a) => {
                plan.clear_quarantine.push(&a.id);
                let unchanged = live.is_some_and(|e| {
                    e.hash.as_deref() == Some(a.hash.as_slice()) && e.standard_version == a.standard_version
                });
                if unchanged {
                    plan.outcome.unchanged += 1;
                    continue;
                }
                if live.is_some() {
                    plan.outcome.updated += 1;
                } else {
                    plan.outcome.created += 1;
                }
                plan.offers.push(OfferWrite::Live { item: a, modified: next() });
                // Only a live offer has placements to replace.
                if live.is_some() {
                    plan.clear_locations.push(&a.id);
                }
                plan.locations.extend(a.placements.iter().map(|p| (a.id.as_str(), p)));
                plan.references.extend(a.references.iter().map(|r| (a.id.as_str(), r)));
            }
            ItemWrite::Reject(r) => {
                // A rejected new version removes the old one: showing the stale version would
                // present the node's data as it no longer is (an offer moved out of the node's
                // area, say), and the operator sees the rejection in the quarantine.
                plan.quarantine.push(r);
                plan.outcome.quarantined += 1;
                if live.is_some() {
                    plan.offers.push(OfferWrite::Tombstone {
                        id: &r.id,
                        node_modified: r.node_modified,
                        modified: next(),
                    });
                    plan.clear_locations.push(&r.id);
                    plan.outcome.deleted += 1;
                }
            }
            ItemWrite::Delete { id, node_modified } => {
                plan.clear_quarantine.push(id);
                if live.is_some() {
                    plan.offers.push(OfferWrite::Tombstone {
                        id,
                        node_modified: *node_modified,
                        modified: next(),
                    });
                    plan.clear_locations.push(id);
                    plan.outcome.deleted += 1;
                }
            }
        }
    }
    plan.last_change = last_change;
    plan
}

/// Folds the rows of an offers-join-locations query (one row per location, a row without
/// location for offers without any) into one row per offer, keeping their order: `modified`
/// tells the offer of a row (change numbers are unique), `placements` where its placements go.
pub(crate) fn group_by_offer<T>(
    rows: impl IntoIterator<Item = (T, Option<Placement>)>,
    modified: impl Fn(&T) -> i64,
    placements: impl Fn(&mut T) -> &mut Vec<Placement>,
) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for (row, placement) in rows {
        match out.last_mut() {
            Some(last) if modified(last) == modified(&row) => placements(last).extend(placement),
            _ => {
                let mut row = row;
                placements(&mut row).extend(placement);
                out.push(row);
            }
        }
    }
    out
}

/// Parses the stored JSON array of a node's jurisdiction.
pub(crate) fn parse_jurisdiction(json: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Inconsistent(format!("jurisdiction {json:?}: {e}")))
}

pub(crate) fn jurisdiction_json(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(id: &str, data: &str, v: Option<&str>) -> ItemWrite {
        ItemWrite::Accept(AcceptedItem {
            id: id.into(),
            node_modified: 1,
            data: data.into(),
            hash: data.as_bytes().to_vec(),
            standard_version: v.map(str::to_owned),
            findings: None,
            placements: Vec::new(),
            references: Vec::new(),
        })
    }

    fn reject(id: &str) -> ItemWrite {
        ItemWrite::Reject(RejectedItem {
            id: id.into(),
            node_modified: 1,
            reason: QuarantineReason::Invalid,
            findings: "[]".into(),
            data: None,
            standard_version: None,
        })
    }

    fn live(data: &str) -> Existing {
        Existing {
            deleted: false,
            hash: Some(data.as_bytes().to_vec()),
            standard_version: Some("1.0.0".into()),
        }
    }

    #[test]
    fn plan_numbers_only_real_changes() {
        let existing = HashMap::from([
            ("same".to_owned(), live("x")),
            ("changed".to_owned(), live("old")),
            ("gone".to_owned(), Existing { deleted: true, hash: None, standard_version: None }),
            ("bad".to_owned(), live("b")),
            ("del".to_owned(), live("d")),
        ]);
        let items = [
            accept("same", "x", Some("1.0.0")),
            accept("changed", "new", Some("1.0.0")),
            accept("gone", "again", Some("1.0.0")),
            reject("bad"),
            reject("never"),
            ItemWrite::Delete { id: "del".into(), node_modified: 2 },
            ItemWrite::Delete { id: "unknown".into(), node_modified: 3 },
        ];
        let refs: Vec<&ItemWrite> = items.iter().collect();
        let plan = plan_page(&refs, &existing, 100);
        assert_eq!(
            plan.outcome,
            PageOutcome { created: 1, updated: 1, unchanged: 1, quarantined: 2, deleted: 2 }
        );
        let numbers: Vec<i64> = plan
            .offers
            .iter()
            .map(|w| match w {
                OfferWrite::Live { modified, .. } | OfferWrite::Tombstone { modified, .. } => *modified,
            })
            .collect();
        assert_eq!(numbers, [101, 102, 103, 104]);
        assert_eq!(plan.last_change, 104);
        assert_eq!(plan.clear_quarantine, ["same", "changed", "gone", "del", "unknown"]);
        assert_eq!(plan.clear_locations, ["changed", "bad", "del"]);
    }

    #[test]
    fn a_new_reported_version_is_a_change() {
        let existing = HashMap::from([("a".to_owned(), live("x"))]);
        let items = [accept("a", "x", Some("1.1.0"))];
        let refs: Vec<&ItemWrite> = items.iter().collect();
        assert_eq!(plan_page(&refs, &existing, 0).outcome.updated, 1);
    }

    #[test]
    fn the_last_appearance_of_an_id_wins() {
        let items = vec![
            accept("a", "1", None),
            accept("b", "2", None),
            ItemWrite::Delete { id: "a".into(), node_modified: 9 },
        ];
        let last = last_items(&items);
        assert_eq!(last.iter().map(|i| i.id()).collect::<Vec<_>>(), ["b", "a"]);
        assert!(matches!(last[1], ItemWrite::Delete { .. }));
    }

    #[test]
    fn lock_keys_differ_per_node_and_are_stable() {
        assert_eq!(harvest_lock_key("essen"), harvest_lock_key("essen"));
        assert_ne!(harvest_lock_key("essen"), harvest_lock_key("bochum"));
    }
}
