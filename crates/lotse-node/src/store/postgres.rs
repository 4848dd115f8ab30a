//! The node's store on PostgreSQL: the production and scale-out store.
//!
//! Every writing transaction that takes change numbers first locks the single `node_state` row
//! (`SELECT … FOR UPDATE`), takes its numbers from it and updates it before commit. The lock
//! serialises writers until commit, and PostgreSQL makes a transaction visible before it
//! releases its locks, so change numbers become visible in commit order: nothing a feed reader
//! has passed can appear later. Bulk writes use `UNNEST` over arrays, one statement per 5,000
//! rows.
//!
//! The queries are in `shared.rs`, compiled here for PostgreSQL; this file keeps what is
//! PostgreSQL's own: the pool, the row lock on the counter, `UNNEST` bulk writes, id lookups with
//! `= ANY(…)`, and the offer search (JSON operators, a `lower` that folds all of Unicode).

use sqlx::postgres::{PgArguments, PgPool, PgPoolOptions};
use sqlx::query::{Query, QueryAs};
use sqlx::{Pool, Transaction};

use super::plan::PlannedWrite;
use super::{ChangeSet, Kind, StoreError, StoreOptions, like_pattern, table};

/// The database of the shared queries.
pub(super) type Db = sqlx::Postgres;
/// The store the shared queries implement the traits for.
pub(super) type Store = PostgresStore;
/// The token queries shared with the hub, compiled for PostgreSQL.
pub(super) use lotse_store::postgres::tokens;

#[path = "shared.rs"]
#[allow(clippy::duplicate_mod, reason = "the shared file is compiled once per database, by design")]
mod shared;

/// Rows per `INSERT … SELECT FROM UNNEST(…)` statement.
pub(super) const WRITE_CHUNK: usize = 5000;

#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects and runs the migrations (which take an advisory lock, so replicas starting at
    /// once do not race).
    pub async fn open(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new().max_connections(options.max_connections.max(2)).connect(url).await?;
        sqlx::migrate!("../../migrations/postgres/node").run(&pool).await?;
        Ok(Self { pool })
    }

    /// The pool, for tests that need to look underneath the trait.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

pub(super) fn read_pool(store: &PostgresStore) -> &Pool<Db> {
    &store.pool
}

/// Single statements need no transaction of their own: PostgreSQL's row locks suffice.
pub(super) fn write_pool(store: &PostgresStore) -> &Pool<Db> {
    &store.pool
}

pub(super) async fn begin_write(store: &PostgresStore) -> Result<Transaction<'static, Db>, StoreError> {
    Ok(store.pool.begin().await?)
}

/// The change counter, locked until commit: writers queue here, first in their transaction,
/// and never hold an offer row while waiting for the counter (which could deadlock).
pub(super) const TAKE_LAST_CHANGE: &str = "SELECT last_change FROM node_state WHERE id = 1 FOR UPDATE";

/// A tombstone, spelled as the partial indexes `{kind}_tombstone_age` are (`WHERE deleted`).
pub(super) const TOMBSTONE: &str = "deleted";

/// Ids per `= ANY($1)` lookup of stored records.
pub(super) const LOOKUP_CHUNK: usize = 10_000;

/// The condition of a lookup of ids, bound by [`bind_ids`] as one array.
pub(super) fn ids_condition(_n: usize) -> String {
    "id = ANY($1)".to_owned()
}

pub(super) fn bind_ids<'q>(q: Query<'q, Db, PgArguments>, ids: &'q [&'q str]) -> Query<'q, Db, PgArguments> {
    q.bind(ids)
}

/// [`bind_ids`] for a query that reads rows into a type.
pub(super) fn bind_ids_as<'q, O>(
    q: QueryAs<'q, Db, O, PgArguments>,
    ids: &'q [&'q str],
) -> QueryAs<'q, Db, O, PgArguments> {
    q.bind(ids)
}

/// The bulk upsert; the table (`{table}`) is filled in per kind.
const UPSERT: &str = "INSERT INTO {table} (id, modified, deleted, data, data_hash, standard_version, created_at, updated_at) \
     SELECT t.id, t.modified, t.deleted, t.data, t.data_hash, t.standard_version, $7, $7 \
     FROM UNNEST($1::text[], $2::bigint[], $3::bool[], $4::text[], $5::bytea[], $6::text[]) \
       AS t(id, modified, deleted, data, data_hash, standard_version) \
     ON CONFLICT (id) DO UPDATE SET modified = excluded.modified, deleted = excluded.deleted, \
       data = excluded.data, data_hash = excluded.data_hash, standard_version = excluded.standard_version, \
       updated_at = excluded.updated_at";

/// Writes one chunk of the planned rows (at most [`WRITE_CHUNK`]) in one
/// `INSERT … SELECT FROM UNNEST(…) ON CONFLICT`.
pub(super) async fn write_chunk(
    tx: &mut Transaction<'static, Db>,
    kind: Kind,
    changes: &ChangeSet,
    chunk: &[PlannedWrite],
) -> Result<(), StoreError> {
    let mut ids: Vec<&str> = Vec::with_capacity(chunk.len());
    let mut modified: Vec<i64> = Vec::with_capacity(chunk.len());
    let mut deleted: Vec<bool> = Vec::with_capacity(chunk.len());
    let mut data: Vec<Option<&str>> = Vec::with_capacity(chunk.len());
    let mut hashes: Vec<Option<&[u8]>> = Vec::with_capacity(chunk.len());
    let mut versions: Vec<Option<&str>> = Vec::with_capacity(chunk.len());
    for w in chunk {
        match w {
            PlannedWrite::Upsert { index, modified: m } => {
                let o = &changes.upserts[*index];
                ids.push(&o.id);
                modified.push(*m);
                deleted.push(false);
                data.push(Some(&o.data));
                hashes.push(Some(&o.hash));
                versions.push(Some(&o.standard_version));
            }
            PlannedWrite::Tombstone { id, modified: m } => {
                ids.push(id);
                modified.push(*m);
                deleted.push(true);
                data.push(None);
                hashes.push(None);
                versions.push(None);
            }
        }
    }
    let sql = UPSERT.replace("{table}", table(kind));
    sqlx::query(&sql)
        .bind(&ids)
        .bind(&modified)
        .bind(&deleted)
        .bind(&data)
        .bind(&hashes)
        .bind(&versions)
        .bind(changes.now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The steward's search over live records, matching the id and the language map `member`
/// (`title` or `name`, a constant of the store): `$1` is the query (NULL for every record), `$2`
/// the lower-cased pattern; PostgreSQL's `lower` folds all of Unicode, so one pattern suffices.
/// As on SQLite, the map's JSON text holds every language's title.
pub(super) fn search_filter(member: &str) -> String {
    format!(
        "NOT deleted AND ($1::text IS NULL OR lower(id) LIKE $2 ESCAPE '\\' \
         OR lower((data::json -> '{member}')::text) LIKE $2 ESCAPE '\\')"
    )
}

/// The values of [`search_filter`]'s parameters, in order.
pub(super) fn search_args(query: Option<&str>) -> Vec<Option<String>> {
    vec![query.map(str::to_owned), query.map(|q| like_pattern(&q.to_lowercase()))]
}
