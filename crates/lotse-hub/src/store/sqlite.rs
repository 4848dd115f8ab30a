//! The hub's store on SQLite: the embedded default.
//!
//! WAL journal with `synchronous = FULL`, so that an acknowledged change of the registry (a new
//! node and its token, say) survives a power cut. Harvested pages are the exception: they are
//! written with `synchronous = NORMAL`, where a commit is atomic and survives a crash of the
//! process but a power cut may undo the last few. That loses nothing — each page is committed
//! together with the checkpoint that points past it, so an undone page is undone with its
//! checkpoint and fetched again by the next harvest — and it spares an `fsync` per page, which
//! on a first harvest costs more than writing the page. All
//! writes go through a pool of exactly one connection and start with `BEGIN IMMEDIATE`, which
//! takes the write lock at once: a transaction never fails halfway because another writer (for
//! example `lotse hub node add` in a second process) got there first; it waits up to the busy
//! timeout instead. Reads use a separate pool and never block writes.
//!
//! The queries are those of `shared.rs`, `shared_quality.rs` and `shared_kinds.rs`, compiled
//! here for SQLite; this file holds what only SQLite does: the pools and pragmas, `BEGIN
//! IMMEDIATE`, the empty harvest lock, and bulk writes and lookups as multi-row `VALUES` and
//! `IN (…)` lists (those of the new kinds' pages in `sqlite/records.rs`).

// The shared queries, compiled here for SQLite. Each dialect module loads the same files on
// purpose: that is how they are written once and typed for both databases.
#[allow(clippy::duplicate_mod)]
#[path = "shared.rs"]
mod shared;
/// The token queries node and hub share, compiled for this database.
use lotse_store::sqlite::tokens;
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
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection, Sqlite, SqliteConnection, Transaction};

use super::kinds::RecordPageWrite;
use super::{Existing, HarvestLock, OfferWrite, PageOutcome, PagePlan, PageWrite, StoreError, StoreOptions};

/// The database of the shared queries.
type Db = Sqlite;
/// The store the shared queries implement the area traits for.
type Store = SqliteStore;
/// What an `INTEGER` column decodes to.
type Integer = i64;
/// A tombstone, spelt as the partial index `offers_tombstone_age` spells it: SQLite uses a
/// partial index only for a query that repeats its condition word for word.
const TOMBSTONE: &str = "deleted = 1";

/// How long a writer waits for the database lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// WAL pages after which a commit also checkpoints: 64 MiB at 4 KiB pages instead of SQLite's
/// 4 MiB, because a harvest page writes about a megabyte and a checkpoint every few pages
/// cost more than the writes themselves.
const WAL_AUTOCHECKPOINT_PAGES: u32 = 16_384;
/// Rows per multi-row INSERT: at most 11 parameters each stay well below SQLite's 32,766.
const WRITE_CHUNK: usize = 1000;
/// Ids per `IN (…)` list.
const LOOKUP_CHUNK: usize = 900;

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
            .pragma("wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES.to_string())
            .foreign_keys(true);
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if !in_memory && let Some(dir) = connect.get_filename().parent().filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        }
        let write = SqlitePoolOptions::new().max_connections(1).connect_with(connect.clone()).await?;
        sqlx::migrate!("../../migrations/sqlite/hub").run(&write).await?;
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

/// The pool reads go to; they never block writes.
fn reader(store: &SqliteStore) -> &SqlitePool {
    &store.read
}

/// A write transaction on the one write connection. `BEGIN IMMEDIATE` takes the write lock at
/// once, so that the transaction waits for the lock up to the busy timeout instead of failing
/// halfway when another writer got there first.
async fn begin(store: &SqliteStore) -> Result<Transaction<'static, Sqlite>, StoreError> {
    Ok(store.write.begin_with("BEGIN IMMEDIATE").await?)
}

/// What a single-statement write runs on: on SQLite, like every write, a transaction begun with
/// `BEGIN IMMEDIATE` (see [`begin`]).
type Write = Transaction<'static, Sqlite>;

async fn begin_write(store: &SqliteStore) -> Result<Write, StoreError> {
    begin(store).await
}

async fn end_write(write: Write) -> Result<(), StoreError> {
    Ok(write.commit().await?)
}

/// The hub's last change number, to allocate new ones from. The transaction's write lock
/// already keeps every other writer out until commit.
async fn lock_counter(conn: &mut SqliteConnection) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT last_change FROM hub_state WHERE id = 1").fetch_one(conn).await?)
}

/// One process owns a database file, so the in-process coordinator alone keeps harvests of a
/// node apart and the lock guards nothing.
async fn harvest_lock(_store: &SqliteStore, _node_id: &str) -> Result<Option<HarvestLock>, StoreError> {
    Ok(Some(HarvestLock::none()))
}

/// Runs `write` in a transaction of the one write connection with `synchronous = NORMAL`, as
/// harvested pages are written (see the module documentation), and sets the connection back to
/// `FULL` before anything else can use it.
async fn with_page_transaction<T>(
    store: &SqliteStore,
    write: impl for<'c> AsyncFnOnce(Transaction<'c, Sqlite>) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut conn: PoolConnection<Sqlite> = store.write.acquire().await?;
    sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
    let result = match conn.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => write(tx).await,
        Err(e) => Err(e.into()),
    };
    if sqlx::query("PRAGMA synchronous = FULL").execute(&mut *conn).await.is_err() {
        // Never hand the connection on with the weaker setting.
        conn.close_on_drop();
    }
    result
}

async fn store_page(store: &SqliteStore, page: &PageWrite) -> Result<PageOutcome, StoreError> {
    with_page_transaction(store, async |tx| shared::write_page(tx, page).await).await
}

async fn store_record_page(store: &SqliteStore, page: &RecordPageWrite) -> Result<PageOutcome, StoreError> {
    with_page_transaction(store, async |tx| shared_kinds::write_record_page(tx, page).await).await
}

/// `(?,?,…),(?,?,…),…`: `rows` rows of `per_row` placeholders. Anonymous placeholders, because
/// SQLite looks a numbered one up by its name in a list, which on statements of thousands of
/// parameters costs more than the write.
fn values(rows: usize, per_row: usize) -> String {
    let row = format!("({})", vec!["?"; per_row].join(","));
    vec![row; rows].join(",")
}

/// `?,?,…`: `n` placeholders.
fn list(n: usize) -> String {
    vec!["?"; n].join(",")
}

/// The stored state of the offers of a page, looked up in lists of at most [`LOOKUP_CHUNK`] ids.
async fn existing_offers(
    conn: &mut SqliteConnection,
    node_id: &str,
    ids: &[&str],
) -> Result<HashMap<String, Existing>, StoreError> {
    let mut existing = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        let sql = format!(
            "SELECT id, deleted, data_hash, standard_version FROM offers WHERE node_id = ? AND id IN ({})",
            list(chunk.len())
        );
        let mut q = sqlx::query(&sql).bind(node_id);
        for id in chunk {
            q = q.bind(*id);
        }
        for row in q.fetch_all(&mut *conn).await? {
            let (id, state) = shared::existing_from_row(&row)?;
            existing.insert(id, state);
        }
    }
    Ok(existing)
}

async fn delete_by_ids(
    conn: &mut SqliteConnection,
    table_and_column: (&str, &str),
    node_id: &str,
    ids: &[&str],
) -> Result<(), StoreError> {
    let (table, column) = table_and_column;
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        let sql = format!("DELETE FROM {table} WHERE node_id = ? AND {column} IN ({})", list(chunk.len()));
        let mut q = sqlx::query(&sql).bind(node_id);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The bulk writes of a page: multi-row `VALUES` of at most [`WRITE_CHUNK`] rows.
async fn write_plan(
    conn: &mut SqliteConnection,
    page: &PageWrite,
    plan: &PagePlan<'_>,
) -> Result<(), StoreError> {
    for chunk in plan.offers.chunks(WRITE_CHUNK) {
        let sql = format!(
            "INSERT INTO offers (node_id, id, modified, deleted, data, data_hash, standard_version, \
             node_modified, findings, first_seen, last_changed) VALUES {} \
             ON CONFLICT (node_id, id) DO UPDATE SET modified = excluded.modified, deleted = excluded.deleted, \
             data = excluded.data, data_hash = excluded.data_hash, standard_version = excluded.standard_version, \
             node_modified = excluded.node_modified, findings = excluded.findings, \
             last_changed = excluded.last_changed",
            values(chunk.len(), 11)
        );
        let mut q = sqlx::query(&sql);
        for w in chunk {
            q = match w {
                OfferWrite::Live { item, modified } => q
                    .bind(&page.node_id)
                    .bind(item.id.as_str())
                    .bind(*modified)
                    .bind(false)
                    .bind(item.data.as_str())
                    .bind(item.hash.as_slice())
                    .bind(item.standard_version.as_deref())
                    .bind(item.node_modified)
                    .bind(item.findings.as_deref()),
                OfferWrite::Tombstone { id, node_modified, modified } => q
                    .bind(&page.node_id)
                    .bind(*id)
                    .bind(*modified)
                    .bind(true)
                    .bind(None::<&str>)
                    .bind(None::<&[u8]>)
                    .bind(None::<&str>)
                    .bind(*node_modified)
                    .bind(None::<&str>),
            };
            q = q.bind(page.now).bind(page.now);
        }
        q.execute(&mut *conn).await?;
    }
    delete_by_ids(conn, ("offer_locations", "offer_id"), &page.node_id, &plan.clear_locations).await?;
    for chunk in plan.locations.chunks(WRITE_CHUNK) {
        let sql = format!(
            "INSERT INTO offer_locations (node_id, offer_id, idx, lat, lon, precision, declared_ags, found_ags, \
             mismatch, distance_m) VALUES {}",
            values(chunk.len(), 10)
        );
        let mut q = sqlx::query(&sql);
        for (id, p) in chunk {
            q = q
                .bind(&page.node_id)
                .bind(*id)
                .bind(i64::from(p.idx))
                .bind(p.lat)
                .bind(p.lon)
                .bind(p.precision.as_str())
                .bind(p.declared_ags.as_str())
                .bind(p.found_ags.as_deref())
                .bind(p.mismatch)
                .bind(p.distance_m);
        }
        q.execute(&mut *conn).await?;
    }
    delete_by_ids(conn, ("offer_references", "offer_id"), &page.node_id, &plan.clear_locations).await?;
    for chunk in plan.references.chunks(WRITE_CHUNK) {
        // A repeated pointer would be a defect upstream; the first one wins.
        let sql = format!(
            "INSERT INTO offer_references (node_id, offer_id, pointer, target_kind, target_node, target_id) \
             VALUES {} ON CONFLICT DO NOTHING",
            values(chunk.len(), 6)
        );
        let mut q = sqlx::query(&sql);
        for (id, r) in chunk {
            q = q
                .bind(&page.node_id)
                .bind(*id)
                .bind(r.pointer.as_str())
                .bind(r.target_kind.singular())
                .bind(r.target_node.as_str())
                .bind(r.target_id.as_str());
        }
        q.execute(&mut *conn).await?;
    }
    delete_by_ids(conn, ("quarantine", "id"), &page.node_id, &plan.clear_quarantine).await?;
    for chunk in plan.quarantine.chunks(WRITE_CHUNK) {
        let sql = format!(
            "INSERT INTO quarantine (node_id, id, reason, findings, data, standard_version, node_modified, \
             received_at) VALUES {} ON CONFLICT (node_id, id) DO UPDATE SET reason = excluded.reason, \
             findings = excluded.findings, data = excluded.data, standard_version = excluded.standard_version, \
             node_modified = excluded.node_modified, received_at = excluded.received_at",
            values(chunk.len(), 8)
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(&page.node_id)
                .bind(r.id.as_str())
                .bind(r.reason.as_str())
                .bind(r.findings.as_str())
                .bind(r.data.as_deref())
                .bind(r.standard_version.as_deref())
                .bind(r.node_modified)
                .bind(page.now);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Cached geocoder answers, looked up in lists of at most [`LOOKUP_CHUNK`] keys.
async fn geocode_lookup(
    store: &SqliteStore,
    keys: &[String],
) -> Result<HashMap<String, Option<(f64, f64)>>, StoreError> {
    let mut found = HashMap::new();
    for chunk in keys.chunks(LOOKUP_CHUNK) {
        let sql = format!("SELECT query, lat, lon FROM geocode_cache WHERE query IN ({})", list(chunk.len()));
        let mut q = sqlx::query_as::<_, (String, Option<f64>, Option<f64>)>(&sql);
        for k in chunk {
            q = q.bind(k.as_str());
        }
        for (key, lat, lon) in q.fetch_all(&store.read).await? {
            found.insert(key, lat.zip(lon));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::prelude::*;
    use crate::store::{Checkpoint, ItemWrite, NewNode};

    #[tokio::test]
    async fn pages_are_written_without_fsync_and_everything_else_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("hub.db").display());
        let store = SqliteStore::open(&url, &StoreOptions::default()).await.unwrap();
        let synchronous = |store: SqliteStore| async move {
            sqlx::query_scalar::<_, i64>("PRAGMA synchronous").fetch_one(&store.write).await.unwrap()
        };
        // 2 is FULL, 1 is NORMAL.
        assert_eq!(synchronous(store.clone()).await, 2);
        let node = NewNode {
            id: "n".into(),
            name: "n".into(),
            feed_url: "http://x/".into(),
            jurisdiction: vec!["05".into()],
        };
        store.add_node(&node, "h", 0).await.unwrap();
        let page = PageWrite {
            node_id: "n".into(),
            after: None,
            checkpoint: Checkpoint { modified: 1, id: "a".into() },
            items: vec![ItemWrite::Delete { id: "a".into(), node_modified: 1 }],
            standard_version: None,
            now: 0,
        };
        store.store_page(&page).await.unwrap();
        assert_eq!(synchronous(store.clone()).await, 2, "set back after a page");
        // Also after a page that fails.
        assert!(store.store_page(&page).await.is_err());
        assert_eq!(synchronous(store).await, 2, "set back after a failed page");
    }
}
