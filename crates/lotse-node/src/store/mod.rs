//! The node's storage: traits by area, implemented for SQLite and PostgreSQL.
//!
//! The traits: [`RecordStore`] (the records of every kind, their change feeds, tombstone purge), [`TokenStore`] (API
//! tokens), [`AccountStore`] (steward accounts and login sessions) and [`ImportStore`] (the
//! import log and uploads awaiting confirmation). [`NodeStore`] is all four together, so that the
//! node holds one `Arc<dyn NodeStore>`, whose methods need no import. Code that calls them on a
//! concrete store brings the area traits into scope with `use lotse_node::store::prelude::*;`.
//!
//! Layout: every query the two databases agree on is written once, in `shared.rs`, which is
//! compiled once per database as a submodule of `sqlite.rs` and of `postgres.rs` (path
//! attribute). It names its database and store only as `super::Db` and `super::Store` and calls
//! the dialect's functions by the same names in both. The dialect files keep only what really
//! differs: opening the pool (pragmas, one SQLite writer), how the writing transaction takes the
//! change counter, the bulk writes and id lookups, the tombstone predicate of a partial index,
//! and the offer search. Token queries are shared with the hub and live in [`lotse_store`].
//! [`plan`] decides each change before it is written, the same way for both.
//!
//! Tables (migrations in `migrations/{sqlite,postgres}/node/`):
//! - `node_state`: one row with `last_change`, the last change number handed out.
//! - `offers`, `organizations`, `networks`, `projects` (one table per [`Kind`], each shaped the
//!   same; migration 0003 added the last three): every record ever published, live or as a
//!   tombstone, with the change number of its latest change in `modified`. Each kind's RPDE feed
//!   is its table ordered by `(modified, id)`. The table's name is [`Kind::plural`], put into the
//!   SQL by [`table`]; it comes from the closed enum, never from a request.
//! - `tokens`: API tokens by SHA-256 hash, with name, role and revocation time.
//! - `imports`: one row per push with who sent it, when, the kind and the full report.
//! - `steward_users`, `steward_sessions`, `pending_imports`: the steward pages' accounts (with
//!   an Argon2id password hash), login sessions (by SHA-256 hash of the cookie) and uploads
//!   awaiting confirmation (migration 0002).
//!
//! Architecture invariant: change numbers are allocated only inside the writing transaction,
//! from `node_state` (one counter for every kind), whose row lock (PostgreSQL) or the database write lock (SQLite) serialises
//! writers until commit. Hence numbers become visible in commit order, and a feed reader that
//! has seen number `n` will never later find a new change numbered below `n`.

mod plan;
mod postgres;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
pub use lotse_standard::rpde::Kind;
use lotse_store::{TokenError, TokenRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// The store traits, for code that calls a concrete store (`SqliteStore`, `PostgresStore`);
/// methods called on `dyn NodeStore` need no import.
pub mod prelude {
    pub use super::{AccountStore, ImportStore, NodeStore, RecordStore, TokenStore};
}

/// Errors of the store. Callers answer them with a 500 and log the cause.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL (expected sqlite:… or postgres:…)")]
    UnsupportedUrl,
    #[error("a token named {0:?} is already active")]
    DuplicateTokenName(String),
    #[error("an account named {0:?} already exists")]
    DuplicateUserName(String),
    #[error("stored data is inconsistent: {0}")]
    Inconsistent(String),
}

impl From<TokenError> for StoreError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::DuplicateName(name) => StoreError::DuplicateTokenName(name),
            TokenError::Database(e) => StoreError::Database(e),
        }
    }
}

/// The table of a kind's records. Every query on records names its table through this, so the
/// SQL is the same text for every kind.
pub(crate) fn table(kind: Kind) -> &'static str {
    kind.plural()
}

/// One record to be written: validated, in canonical JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordWrite {
    pub id: String,
    /// Canonical JSON of the offer.
    pub data: String,
    /// SHA-256 of `data`.
    pub hash: Vec<u8>,
    pub standard_version: String,
}

/// What a write request asks the store to do, in one transaction, on the records of one kind.
#[derive(Debug, Default)]
pub struct ChangeSet {
    /// Records to create or update; ids are unique within the set.
    pub upserts: Vec<RecordWrite>,
    /// Records to delete (tombstone).
    pub deletes: Vec<String>,
    /// With `Some(keep)`, the change set is the node's complete set of its kind: every live record that is
    /// neither in `upserts` nor in `keep` is deleted. `keep` holds the ids of records that were
    /// sent but rejected, whose stored versions must survive.
    pub replace_all: Option<Vec<String>>,
    /// The time of the change, Unix seconds.
    pub now: i64,
}

/// What happened to one offer of a change set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WriteOutcome {
    Created,
    Updated,
    Unchanged,
    Deleted,
    /// A delete of an offer that is not live.
    NotFound,
}

/// The result of applying a [`ChangeSet`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// One outcome per entry of `upserts`, in order.
    pub upserts: Vec<WriteOutcome>,
    /// One outcome per entry of `deletes`, in order (`Deleted` or `NotFound`).
    pub deletes: Vec<WriteOutcome>,
    /// Ids deleted because a complete set did not contain them.
    pub replaced_away: Vec<String>,
    /// The node's last change number after the transaction.
    pub last_change: i64,
}

impl Applied {
    /// Number of rows that received a new change number.
    pub fn changes(&self) -> usize {
        self.upserts
            .iter()
            .chain(&self.deletes)
            .filter(|o| matches!(o, WriteOutcome::Created | WriteOutcome::Updated | WriteOutcome::Deleted))
            .count()
            + self.replaced_away.len()
    }

    pub fn count(&self, outcome: WriteOutcome) -> usize {
        let n = self.upserts.iter().chain(&self.deletes).filter(|o| **o == outcome).count();
        if outcome == WriteOutcome::Deleted { n + self.replaced_away.len() } else { n }
    }
}

/// A live record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    pub id: String,
    pub modified: i64,
    pub data: String,
    pub standard_version: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One row of a change feed: a live record or a tombstone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRow {
    pub id: String,
    pub modified: i64,
    /// `None` for a tombstone.
    pub data: Option<String>,
    pub standard_version: Option<String>,
}

/// The roles a token can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// May push, change and read offers and the import log.
    Steward,
    /// May additionally manage tokens.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Steward => "steward",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "steward" => Some(Role::Steward),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A token as stored (without the token itself, which is never stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds; set once the token is revoked.
    pub revoked_at: Option<i64>,
}

impl TryFrom<TokenRecord> for TokenInfo {
    type Error = StoreError;

    fn try_from(t: TokenRecord) -> Result<Self, StoreError> {
        let role = Role::parse(&t.role)
            .ok_or_else(|| StoreError::Inconsistent(format!("unknown role {:?}", t.role)))?;
        Ok(TokenInfo { id: t.id, name: t.name, role, created_at: t.created_at, revoked_at: t.revoked_at })
    }
}

/// An entry of the import log, to be written together with the changes it reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewImport {
    /// The kind of records pushed.
    pub kind: Kind,
    pub token_id: Option<i64>,
    pub token_name: String,
    pub received_at: i64,
    /// `post`, `put_all`, `put_one` or `delete_one`.
    pub operation: String,
    /// `atomic` or `partial`.
    pub mode: String,
    /// The input format, when a body was read.
    pub format: Option<String>,
    /// The HTTP status of the answer.
    pub status: u16,
    /// Whether changes were stored.
    pub committed: bool,
    pub counts: ImportCounts,
    /// The report as JSON.
    pub report: String,
}

/// The counts of a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportCounts {
    pub received: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub rejected: i64,
    pub deleted: i64,
}

/// An entry of the import log, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    pub id: i64,
    pub kind: Kind,
    pub token_id: Option<i64>,
    pub token_name: String,
    pub received_at: i64,
    pub operation: String,
    pub mode: String,
    pub format: Option<String>,
    pub status: u16,
    pub committed: bool,
    pub counts: ImportCounts,
    /// The report as JSON; `None` in listings, which leave it out.
    pub report: Option<String>,
}

/// A steward account that logs in with a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StewardUser {
    pub id: i64,
    pub name: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the last password change.
    pub updated_at: i64,
}

/// Who a steward session belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionOwner {
    Token(i64),
    User(i64),
}

/// A login session of the steward pages. The session id itself is never stored, only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id_hash: String,
    /// The node the session was opened on; a session is only valid there.
    pub node_id: String,
    pub owner: SessionOwner,
    /// The token's or the account's name, for the page header and the import log.
    pub name: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// An uploaded file waiting for the steward's confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingImport {
    /// Random, unguessable id (hex).
    pub id: String,
    /// The hash of the session that uploaded it; only that session may confirm it.
    pub session_hash: String,
    pub file_name: String,
    /// The kind of records the file holds.
    pub kind: Kind,
    /// `json`, `ndjson`, `csv` or `auto`.
    pub format: String,
    pub body: Vec<u8>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern and wraps it in `%…%`. The search
/// matches the lower-cased pattern against the lower-cased column; on SQLite, whose `lower`
/// folds ASCII only, also the pattern as typed against the column as stored.
pub(crate) fn like_pattern(q: &str) -> String {
    let mut p = String::with_capacity(q.len() + 2);
    p.push('%');
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Builds the import-log entry once the outcome of the change set is known, so that the entry
/// is written in the same transaction as the changes it reports.
pub type ImportBuilder = Box<dyn FnOnce(&Applied) -> NewImport + Send>;

/// The node's storage: every area together, as the node holds it (`Arc<dyn NodeStore>`).
/// Implemented for every type that implements the four area traits.
pub trait NodeStore: RecordStore + TokenStore + AccountStore + ImportStore + 'static {}

impl<T> NodeStore for T where T: RecordStore + TokenStore + AccountStore + ImportStore + 'static {}

/// The records of every kind and their change feeds. Each method works on the table of one
/// [`Kind`]; change numbers come from one counter for every kind.
#[async_trait]
pub trait RecordStore: Send + Sync {
    /// Answers when the database is reachable (for `/readyz`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Applies a change set to the records of `kind` in one transaction, with the import-log
    /// entry built by `log` (if any), and returns what happened to each record.
    async fn apply(
        &self,
        kind: Kind,
        changes: ChangeSet,
        log: Option<ImportBuilder>,
    ) -> Result<(Applied, Option<i64>), StoreError>;

    /// A live record.
    async fn get(&self, kind: Kind, id: &str) -> Result<Option<StoredRecord>, StoreError>;

    /// Live records of `kind` among `ids` (looked up in chunks), in no particular order.
    async fn get_many(&self, kind: Kind, ids: &[&str]) -> Result<Vec<StoredRecord>, StoreError>;

    /// Live records ordered by id, after `after_id`, at most `limit`.
    async fn list(
        &self,
        kind: Kind,
        after_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<StoredRecord>, StoreError>;

    /// Number of live records of `kind`.
    async fn count(&self, kind: Kind) -> Result<i64, StoreError>;

    /// Live records whose id or title (any language; `name` for organizations and networks)
    /// contains `query` (case-insensitive for ASCII), ordered by id, `offset` rows skipped, at
    /// most `limit`; with the number of all matches. Without a query, every live record.
    async fn search(
        &self,
        kind: Kind,
        query: Option<&str>,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<StoredRecord>, i64), StoreError>;

    /// Feed rows of `kind` ordered by `(modified, id)`, strictly after `after` when given, at
    /// most `limit`.
    async fn feed_page(
        &self,
        kind: Kind,
        after: Option<(i64, &str)>,
        limit: u32,
    ) -> Result<Vec<FeedRow>, StoreError>;

    /// The node's last change number (of every kind).
    async fn last_change(&self) -> Result<i64, StoreError>;

    /// Removes tombstones of every kind whose deletion is older than `cutoff` (Unix seconds);
    /// returns how many.
    async fn purge_tombstones(&self, cutoff: i64) -> Result<u64, StoreError>;
}

/// API tokens (only their hashes are stored).
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Stores a token; [`StoreError::DuplicateTokenName`] if an active token has the name.
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

/// Steward accounts (with a password) and the login sessions of the steward pages.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates an account; [`StoreError::DuplicateUserName`] if the name is taken.
    async fn create_user(&self, name: &str, password_hash: &str, now: i64)
    -> Result<StewardUser, StoreError>;

    /// The account with this name and its password hash.
    async fn user_by_name(&self, name: &str) -> Result<Option<(StewardUser, String)>, StoreError>;

    /// Sets a new password hash and ends the account's sessions; `false` if there is no such
    /// account.
    async fn set_user_password(&self, name: &str, password_hash: &str, now: i64) -> Result<bool, StoreError>;

    /// Removes the account and its sessions; `false` if there is no such account.
    async fn remove_user(&self, name: &str) -> Result<bool, StoreError>;

    async fn list_users(&self) -> Result<Vec<StewardUser>, StoreError>;

    async fn create_session(&self, session: &Session) -> Result<(), StoreError>;

    /// The session with this hash if it has not expired at `now` and its token is not revoked.
    async fn session_by_hash(&self, id_hash: &str, now: i64) -> Result<Option<Session>, StoreError>;

    /// Ends a session (logout), with its pending uploads; `false` if there was none.
    async fn delete_session(&self, id_hash: &str) -> Result<bool, StoreError>;

    /// Removes expired sessions and pending uploads; returns how many rows went.
    async fn purge_expired_sessions(&self, now: i64) -> Result<u64, StoreError>;
}

/// The import log and the uploads awaiting the steward's confirmation.
#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Writes an import-log entry on its own (for pushes that stored nothing).
    async fn record_import(&self, entry: NewImport) -> Result<i64, StoreError>;

    /// Import-log entries, newest first, with ids below `before_id`, at most `limit`, without
    /// their reports.
    async fn list_imports(&self, before_id: Option<i64>, limit: u32)
    -> Result<Vec<ImportRecord>, StoreError>;

    /// One import-log entry with its report.
    async fn get_import(&self, id: i64) -> Result<Option<ImportRecord>, StoreError>;

    async fn put_pending_import(&self, pending: &PendingImport) -> Result<(), StoreError>;

    /// The pending upload with this id, if it belongs to the session and has not expired.
    async fn pending_import(
        &self,
        id: &str,
        session_hash: &str,
        now: i64,
    ) -> Result<Option<PendingImport>, StoreError>;

    /// Removes a pending upload of the session; `false` if there was none.
    async fn delete_pending_import(&self, id: &str, session_hash: &str) -> Result<bool, StoreError>;
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
pub async fn open(url: &str, options: &StoreOptions) -> Result<Arc<dyn NodeStore>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url, options).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(PostgresStore::open(url, options).await?))
    } else {
        Err(StoreError::UnsupportedUrl)
    }
}
