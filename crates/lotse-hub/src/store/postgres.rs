//! The hub's store on PostgreSQL: the production and scale-out store.
//!
//! Every transaction that writes offers first locks the node's row (the checkpoint update) and
//! then the single `hub_state` row (`SELECT … FOR UPDATE`), takes its change numbers from it and
//! updates it before commit. Always in this order, so that writers cannot deadlock; the second
//! lock serialises writers until commit, and PostgreSQL makes a transaction visible before it
//! releases its locks, so change numbers become visible in commit order. Bulk writes use
//! `UNNEST` over arrays, one statement per 5,000 rows.
//!
//! The queries are those of `shared.rs`, `shared_quality.rs` and `shared_kinds.rs`, compiled
//! here for PostgreSQL; this file holds what only PostgreSQL does: the pool and its planner
//! setting, the row lock on the counter, the advisory harvest lock, and bulk writes and lookups
//! over `UNNEST` (those of the new kinds' pages in `postgres/records.rs`).

// The shared queries, compiled here for PostgreSQL. Each dialect module loads the same files on
// purpose: that is how they are written once and typed for both databases.
#[allow(clippy::duplicate_mod)]
#[path = "shared.rs"]
mod shared;
/// The token queries node and hub share, compiled for this database.
use lotse_store::postgres::tokens;
/// The bulk statements of a page of the new kinds.
mod records;
#[allow(clippy::duplicate_mod)]
#[path = "shared_kinds.rs"]
mod shared_kinds;
#[allow(clippy::duplicate_mod)]
#[path = "shared_quality.rs"]
mod shared_quality;

use std::collections::HashMap;
use std::str::FromStr;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};

use super::kinds::RecordPageWrite;
use super::{
    Existing, HarvestLock, OfferWrite, PageOutcome, PagePlan, PageWrite, StoreError, StoreOptions,
    harvest_lock_key,
};

/// The database of the shared queries.
type Db = Postgres;
/// The store the shared queries implement the area traits for.
type Store = PostgresStore;
/// What an `INTEGER` column decodes to.
type Integer = i32;
/// A tombstone, spelt as the partial index `offers_tombstone_age` spells it.
const TOMBSTONE: &str = "deleted";

/// Rows per `INSERT … SELECT FROM UNNEST(…)` statement.
const WRITE_CHUNK: usize = 5000;

#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects and runs the migrations (which take an advisory lock, so replicas starting at
    /// once do not race).
    pub async fn open(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        // Custom plans for every execution: sqlx prepares each statement once per connection,
        // and PostgreSQL would otherwise settle on a generic plan after five executions — on a
        // young database, when the tables are empty and a sequential scan looks cheapest, a
        // plan that then stays while the tables grow to millions of rows. Planning these short
        // statements anew costs a fraction of a millisecond.
        let connect = PgConnectOptions::from_str(url)?.options([("plan_cache_mode", "force_custom_plan")]);
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .connect_with(connect)
            .await?;
        sqlx::migrate!("../../migrations/postgres/hub").run(&pool).await?;
        Ok(Self { pool })
    }

    /// The pool, for tests that need to look underneath the trait.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

fn reader(store: &PostgresStore) -> &PgPool {
    &store.pool
}

/// A transaction, for writes of more than one statement.
async fn begin(store: &PostgresStore) -> Result<Transaction<'static, Postgres>, StoreError> {
    Ok(store.pool.begin().await?)
}

/// What a single-statement write runs on: a connection of the pool, where the statement commits
/// by itself (a transaction around it would only cost two more round trips).
type Write = PoolConnection<Postgres>;

async fn begin_write(store: &PostgresStore) -> Result<Write, StoreError> {
    Ok(store.pool.acquire().await?)
}

async fn end_write(_write: Write) -> Result<(), StoreError> {
    Ok(())
}

/// Locks the change counter until commit and returns the hub's last change number.
async fn lock_counter(conn: &mut PgConnection) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT last_change FROM hub_state WHERE id = 1 FOR UPDATE")
        .fetch_one(conn)
        .await?)
}

async fn harvest_lock(store: &PostgresStore, node_id: &str) -> Result<Option<HarvestLock>, StoreError> {
    // A dedicated connection: a session-level advisory lock belongs to its connection and
    // must not be released by returning the connection to the pool mid-harvest.
    let mut conn = store.pool.acquire().await?;
    let key = harvest_lock_key(node_id);
    let got: bool =
        sqlx::query_scalar("SELECT pg_try_advisory_lock($1)").bind(key).fetch_one(&mut *conn).await?;
    Ok(got.then(|| HarvestLock { conn: Some(conn), key }))
}

async fn store_page(store: &PostgresStore, page: &PageWrite) -> Result<PageOutcome, StoreError> {
    shared::write_page(page_transaction(store).await?, page).await
}

async fn store_record_page(store: &PostgresStore, page: &RecordPageWrite) -> Result<PageOutcome, StoreError> {
    shared_kinds::write_record_page(page_transaction(store).await?, page).await
}

/// A transaction for a harvested page (of offers or of the new kinds).
async fn page_transaction(store: &PostgresStore) -> Result<Transaction<'static, Postgres>, StoreError> {
    let mut tx = store.pool.begin().await?;
    // Every statement of a page looks rows up by key, joined from `UNNEST` of the page's
    // ids so that the lookups are driven by the ids. During a first harvest the tables
    // grow by thousands of rows a second, faster than autovacuum renews their statistics,
    // and on statistics that still describe an empty table the planner would prefer
    // sequential scans, which then read the whole table for each page.
    sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await?;
    // A page need not be on disk when the commit returns: a crash can only lose whole
    // transactions, and a lost page is lost together with the checkpoint that points past
    // it, so the next harvest fetches it again. Not waiting for the WAL flush lets the
    // next page start at once.
    sqlx::query("SET LOCAL synchronous_commit = off").execute(&mut *tx).await?;
    Ok(tx)
}

/// `($1,$2,…),($n+1,…),…`: `rows` rows of `per_row` numbered placeholders.
fn values(rows: usize, per_row: usize) -> String {
    let rows: Vec<String> = (0..rows)
        .map(|r| {
            let cols: Vec<String> = (1..=per_row).map(|c| format!("${}", r * per_row + c)).collect();
            format!("({})", cols.join(","))
        })
        .collect();
    rows.join(",")
}

/// The stored state of the offers of a page, joined from `UNNEST` of their ids.
async fn existing_offers(
    conn: &mut PgConnection,
    node_id: &str,
    ids: &[&str],
) -> Result<HashMap<String, Existing>, StoreError> {
    let mut existing = HashMap::with_capacity(ids.len());
    for row in sqlx::query(
        "SELECT o.id, o.deleted, o.data_hash, o.standard_version \
         FROM UNNEST($2::text[]) AS k(id) JOIN offers o ON o.node_id = $1 AND o.id = k.id",
    )
    .bind(node_id)
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?
    {
        let (id, state) = shared::existing_from_row(&row)?;
        existing.insert(id, state);
    }
    Ok(existing)
}

const UPSERT_OFFERS: &str = "INSERT INTO offers (node_id, id, modified, deleted, data, data_hash, standard_version, \
     node_modified, findings, first_seen, last_changed) \
     SELECT $1, t.id, t.modified, t.deleted, t.data, t.data_hash, t.standard_version, t.node_modified, t.findings, $10, $10 \
     FROM UNNEST($2::text[], $3::int8[], $4::bool[], $5::text[], $6::bytea[], $7::text[], $8::int8[], $9::text[]) \
       AS t(id, modified, deleted, data, data_hash, standard_version, node_modified, findings) \
     ON CONFLICT (node_id, id) DO UPDATE SET modified = excluded.modified, deleted = excluded.deleted, \
       data = excluded.data, data_hash = excluded.data_hash, standard_version = excluded.standard_version, \
       node_modified = excluded.node_modified, findings = excluded.findings, last_changed = excluded.last_changed";

const INSERT_LOCATIONS: &str = "INSERT INTO offer_locations (node_id, offer_id, idx, lat, lon, precision, \
     declared_ags, found_ags, mismatch, distance_m) \
     SELECT $1, t.* FROM UNNEST($2::text[], $3::int4[], $4::float8[], $5::float8[], $6::text[], $7::text[], \
       $8::text[], $9::bool[], $10::float8[]) AS t";

const UPSERT_QUARANTINE: &str = "INSERT INTO quarantine (node_id, id, reason, findings, data, standard_version, \
     node_modified, received_at) \
     SELECT $1, t.id, t.reason, t.findings, t.data, t.standard_version, t.node_modified, $7 \
     FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $8::int8[]) \
       AS t(id, reason, findings, data, standard_version, node_modified) \
     ON CONFLICT (node_id, id) DO UPDATE SET reason = excluded.reason, findings = excluded.findings, \
       data = excluded.data, standard_version = excluded.standard_version, node_modified = excluded.node_modified, \
       received_at = excluded.received_at";

/// The bulk writes of a page: `UNNEST` over arrays of at most [`WRITE_CHUNK`] rows.
async fn write_plan(
    conn: &mut PgConnection,
    page: &PageWrite,
    plan: &PagePlan<'_>,
) -> Result<(), StoreError> {
    for chunk in plan.offers.chunks(WRITE_CHUNK) {
        let n = chunk.len();
        let (
            mut ids,
            mut modified,
            mut deleted,
            mut data,
            mut hashes,
            mut versions,
            mut node_modified,
            mut findings,
        ) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for w in chunk {
            match w {
                OfferWrite::Live { item, modified: m } => {
                    ids.push(item.id.as_str());
                    modified.push(*m);
                    deleted.push(false);
                    data.push(Some(item.data.as_str()));
                    hashes.push(Some(item.hash.clone()));
                    versions.push(item.standard_version.as_deref());
                    node_modified.push(item.node_modified);
                    findings.push(item.findings.as_deref());
                }
                OfferWrite::Tombstone { id, node_modified: nm, modified: m } => {
                    ids.push(*id);
                    modified.push(*m);
                    deleted.push(true);
                    data.push(None);
                    hashes.push(None::<Vec<u8>>);
                    versions.push(None);
                    node_modified.push(*nm);
                    findings.push(None);
                }
            }
        }
        sqlx::query(UPSERT_OFFERS)
            .bind(&page.node_id)
            .bind(&ids)
            .bind(&modified)
            .bind(&deleted)
            .bind(&data)
            .bind(&hashes)
            .bind(&versions)
            .bind(&node_modified)
            .bind(&findings)
            .bind(page.now)
            .execute(&mut *conn)
            .await?;
    }
    if !plan.clear_locations.is_empty() {
        sqlx::query(
            "DELETE FROM offer_locations l USING UNNEST($2::text[]) AS k(id) \
             WHERE l.node_id = $1 AND l.offer_id = k.id",
        )
        .bind(&page.node_id)
        .bind(&plan.clear_locations)
        .execute(&mut *conn)
        .await?;
    }
    for chunk in plan.locations.chunks(WRITE_CHUNK) {
        let ids: Vec<&str> = chunk.iter().map(|(id, _)| *id).collect();
        let idx: Vec<i32> = chunk.iter().map(|(_, p)| p.idx as i32).collect();
        let lat: Vec<Option<f64>> = chunk.iter().map(|(_, p)| p.lat).collect();
        let lon: Vec<Option<f64>> = chunk.iter().map(|(_, p)| p.lon).collect();
        let precision: Vec<&str> = chunk.iter().map(|(_, p)| p.precision.as_str()).collect();
        let declared: Vec<&str> = chunk.iter().map(|(_, p)| p.declared_ags.as_str()).collect();
        let found: Vec<Option<&str>> = chunk.iter().map(|(_, p)| p.found_ags.as_deref()).collect();
        let mismatch: Vec<bool> = chunk.iter().map(|(_, p)| p.mismatch).collect();
        let distance: Vec<Option<f64>> = chunk.iter().map(|(_, p)| p.distance_m).collect();
        sqlx::query(INSERT_LOCATIONS)
            .bind(&page.node_id)
            .bind(&ids)
            .bind(&idx)
            .bind(&lat)
            .bind(&lon)
            .bind(&precision)
            .bind(&declared)
            .bind(&found)
            .bind(&mismatch)
            .bind(&distance)
            .execute(&mut *conn)
            .await?;
    }
    if !plan.clear_locations.is_empty() {
        sqlx::query(
            "DELETE FROM offer_references r USING UNNEST($2::text[]) AS k(id) \
             WHERE r.node_id = $1 AND r.offer_id = k.id",
        )
        .bind(&page.node_id)
        .bind(&plan.clear_locations)
        .execute(&mut *conn)
        .await?;
    }
    for chunk in plan.references.chunks(WRITE_CHUNK) {
        let ids: Vec<&str> = chunk.iter().map(|(id, _)| *id).collect();
        let pointers: Vec<&str> = chunk.iter().map(|(_, r)| r.pointer.as_str()).collect();
        let kinds: Vec<&str> = chunk.iter().map(|(_, r)| r.target_kind.singular()).collect();
        let nodes: Vec<&str> = chunk.iter().map(|(_, r)| r.target_node.as_str()).collect();
        let targets: Vec<&str> = chunk.iter().map(|(_, r)| r.target_id.as_str()).collect();
        // A repeated pointer would be a defect upstream; the first one wins.
        sqlx::query(
            "INSERT INTO offer_references (node_id, offer_id, pointer, target_kind, target_node, target_id) \
             SELECT $1, t.* FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t \
             ON CONFLICT DO NOTHING",
        )
        .bind(&page.node_id)
        .bind(&ids)
        .bind(&pointers)
        .bind(&kinds)
        .bind(&nodes)
        .bind(&targets)
        .execute(&mut *conn)
        .await?;
    }
    if !plan.clear_quarantine.is_empty() {
        sqlx::query(
            "DELETE FROM quarantine q USING UNNEST($2::text[]) AS k(id) WHERE q.node_id = $1 AND q.id = k.id",
        )
        .bind(&page.node_id)
        .bind(&plan.clear_quarantine)
        .execute(&mut *conn)
        .await?;
    }
    for chunk in plan.quarantine.chunks(WRITE_CHUNK) {
        let ids: Vec<&str> = chunk.iter().map(|r| r.id.as_str()).collect();
        let reasons: Vec<&str> = chunk.iter().map(|r| r.reason.as_str()).collect();
        let findings: Vec<&str> = chunk.iter().map(|r| r.findings.as_str()).collect();
        let data: Vec<Option<&str>> = chunk.iter().map(|r| r.data.as_deref()).collect();
        let versions: Vec<Option<&str>> = chunk.iter().map(|r| r.standard_version.as_deref()).collect();
        let node_modified: Vec<i64> = chunk.iter().map(|r| r.node_modified).collect();
        sqlx::query(UPSERT_QUARANTINE)
            .bind(&page.node_id)
            .bind(&ids)
            .bind(&reasons)
            .bind(&findings)
            .bind(&data)
            .bind(&versions)
            .bind(page.now)
            .bind(&node_modified)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Cached geocoder answers, in one lookup over an array of the keys.
async fn geocode_lookup(
    store: &PostgresStore,
    keys: &[String],
) -> Result<HashMap<String, Option<(f64, f64)>>, StoreError> {
    let rows: Vec<(String, Option<f64>, Option<f64>)> =
        sqlx::query_as("SELECT query, lat, lon FROM geocode_cache WHERE query = ANY($1)")
            .bind(keys)
            .fetch_all(&store.pool)
            .await?;
    Ok(rows.into_iter().map(|(k, lat, lon)| (k, lat.zip(lon))).collect())
}
