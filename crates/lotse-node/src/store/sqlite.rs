//! The node's store on SQLite: the embedded default.
//!
//! WAL journal with `synchronous = FULL`, so an acknowledged commit survives a power cut. All
//! writes go through a pool of exactly one connection, and every transaction that writes starts
//! with `BEGIN IMMEDIATE`, which takes the write lock at once: a transaction never fails halfway
//! because another writer (for example `lotse node token create` in a second process) got there
//! first; it waits up to the busy timeout instead. That lock is also what serialises the change
//! numbers. Reads use a separate pool and never block writes.
//!
//! The queries are in `shared.rs`, compiled here for SQLite; this file keeps what is SQLite's
//! own: the connection options, the write lock, bulk writes as multi-row `VALUES`, id lookups
//! with `IN (…)`, and the offer search (whose `lower` folds ASCII only).

use std::str::FromStr;
use std::time::Duration;

use sqlx::query::{Query, QueryAs};
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Pool, Transaction};

use super::plan::PlannedWrite;
use super::{ChangeSet, Kind, StoreError, StoreOptions, like_pattern, table};

/// The database of the shared queries.
pub(super) type Db = sqlx::Sqlite;
/// The store the shared queries implement the traits for.
pub(super) type Store = SqliteStore;
/// The token queries shared with the hub, compiled for SQLite.
pub(super) use lotse_store::sqlite::tokens;

#[path = "shared.rs"]
#[allow(clippy::duplicate_mod, reason = "the shared file is compiled once per database, by design")]
mod shared;

/// How long a writer waits for the database lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// Rows per multi-row INSERT: 8 parameters each stay well below SQLite's 32,766.
pub(super) const WRITE_CHUNK: usize = 1000;

#[derive(Debug, Clone)]
pub struct SqliteStore {
    read: SqlitePool,
    write: SqlitePool,
}

impl SqliteStore {
    /// Opens (and creates, with its directory) the database and runs the migrations.
    pub async fn open(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        let connect = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if !in_memory && let Some(dir) = connect.get_filename().parent().filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        }
        let write = SqlitePoolOptions::new().max_connections(1).connect_with(connect.clone()).await?;
        sqlx::migrate!("../../migrations/sqlite/node").run(&write).await?;
        // An in-memory database exists once per connection, so it must share the one pool.
        let read = if in_memory {
            write.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(options.max_connections.max(1))
                .connect_with(connect)
                .await?
        };
        Ok(Self { read, write })
    }
}

pub(super) fn read_pool(store: &SqliteStore) -> &Pool<Db> {
    &store.read
}

/// The one writing connection. A single statement on it takes the write lock when it starts, as
/// `BEGIN IMMEDIATE` does, so it needs no transaction of its own.
pub(super) fn write_pool(store: &SqliteStore) -> &Pool<Db> {
    &store.write
}

/// A transaction that holds the database's write lock from its first statement on, so that
/// reading before writing (the change counter, the stored offers) cannot meet a newer snapshot.
pub(super) async fn begin_write(store: &SqliteStore) -> Result<Transaction<'static, Db>, StoreError> {
    Ok(store.write.begin_with("BEGIN IMMEDIATE").await?)
}

/// The change counter, read inside [`begin_write`]'s transaction, whose write lock already keeps
/// every other writer out until commit.
pub(super) const TAKE_LAST_CHANGE: &str = "SELECT last_change FROM node_state WHERE id = 1";

/// A tombstone, spelled as the partial indexes `{kind}_tombstone_age` are (`WHERE deleted = 1`);
/// SQLite uses a partial index only for a condition written the same way.
pub(super) const TOMBSTONE: &str = "deleted = 1";

/// Ids per `IN (…)` lookup of stored records.
pub(super) const LOOKUP_CHUNK: usize = 900;

/// The condition of a lookup of `n` ids, bound by [`bind_ids`].
pub(super) fn ids_condition(n: usize) -> String {
    let mut s = String::with_capacity(8 + n * 2);
    s.push_str("id IN (");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push('?');
    }
    s.push(')');
    s
}

pub(super) fn bind_ids<'q>(
    mut q: Query<'q, Db, SqliteArguments<'q>>,
    ids: &'q [&'q str],
) -> Query<'q, Db, SqliteArguments<'q>> {
    for id in ids {
        q = q.bind(*id);
    }
    q
}

/// [`bind_ids`] for a query that reads rows into a type.
pub(super) fn bind_ids_as<'q, O>(
    mut q: QueryAs<'q, Db, O, SqliteArguments<'q>>,
    ids: &'q [&'q str],
) -> QueryAs<'q, Db, O, SqliteArguments<'q>> {
    for id in ids {
        q = q.bind(*id);
    }
    q
}

/// Writes one chunk of the planned rows (at most [`WRITE_CHUNK`]) in one multi-row
/// `INSERT … ON CONFLICT`.
pub(super) async fn write_chunk(
    tx: &mut Transaction<'static, Db>,
    kind: Kind,
    changes: &ChangeSet,
    chunk: &[PlannedWrite],
) -> Result<(), StoreError> {
    let sql = upsert_sql(kind, chunk.len());
    let mut q = sqlx::query(&sql);
    for w in chunk {
        q = match w {
            PlannedWrite::Upsert { index, modified } => {
                let o = &changes.upserts[*index];
                q.bind(o.id.as_str())
                    .bind(*modified)
                    .bind(false)
                    .bind(o.data.as_str())
                    .bind(o.hash.as_slice())
                    .bind(o.standard_version.as_str())
            }
            PlannedWrite::Tombstone { id, modified } => q
                .bind(id.as_str())
                .bind(*modified)
                .bind(true)
                .bind(None::<&str>)
                .bind(None::<&[u8]>)
                .bind(None::<&str>),
        };
        q = q.bind(changes.now).bind(changes.now);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

fn upsert_sql(kind: Kind, rows: usize) -> String {
    let mut sql = format!(
        "INSERT INTO {} (id, modified, deleted, data, data_hash, standard_version, created_at, updated_at) VALUES ",
        table(kind)
    );
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str("(?,?,?,?,?,?,?,?)");
    }
    sql.push_str(
        " ON CONFLICT (id) DO UPDATE SET modified = excluded.modified, deleted = excluded.deleted, \
         data = excluded.data, data_hash = excluded.data_hash, standard_version = excluded.standard_version, \
         updated_at = excluded.updated_at",
    );
    sql
}

/// The steward's search over live records, matching the id and the language map `member`
/// (`title` or `name`, a constant of the store): `$1` is the query (NULL for every record), `$2`
/// the lower-cased pattern, `$3` the pattern as typed. SQLite's `lower` folds ASCII only, so the
/// typed pattern is matched against the stored text as well. The map's JSON text holds every
/// language's title; searching it is enough for a steward's list and needs no index.
pub(super) fn search_filter(member: &str) -> String {
    format!(
        "NOT deleted AND ($1 IS NULL \
         OR lower(id) LIKE $2 ESCAPE '\\' OR id LIKE $3 ESCAPE '\\' \
         OR lower(json_extract(data, '$.{member}')) LIKE $2 ESCAPE '\\' \
         OR json_extract(data, '$.{member}') LIKE $3 ESCAPE '\\')"
    )
}

/// The values of [`search_filter`]'s parameters, in order.
pub(super) fn search_args(query: Option<&str>) -> Vec<Option<String>> {
    vec![query.map(str::to_owned), query.map(|q| like_pattern(&q.to_lowercase())), query.map(like_pattern)]
}
