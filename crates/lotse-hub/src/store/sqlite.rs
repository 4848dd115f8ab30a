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

mod quality;

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Connection, Row, Sqlite, SqliteConnection, Transaction};

use super::{
    Checkpoint, Existing, FeedRow, HarvestLock, HarvestRecord, HubStore, IndexRow, NewNode, NodeCounts,
    NodeInfo, NodeState, NodeUpdate, OfferRow, OfferWrite, PageOutcome, PageWrite, QuarantineEntry,
    QuarantineReason, Role, StoreError, StoreOptions, StoredOffer, TokenInfo, group_index_rows,
    jurisdiction_json, last_items, parse_jurisdiction, plan_page,
};
use crate::placement::{Placement, Precision};

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

    async fn begin(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(self.write.begin_with("BEGIN IMMEDIATE").await?)
    }
}

fn placeholders(n: usize, per_row: usize) -> String {
    let row = format!("({})", vec!["?"; per_row].join(","));
    vec![row; n].join(",")
}

fn list(n: usize) -> String {
    vec!["?"; n].join(",")
}

const NODE_COLUMNS: &str = "id, name, feed_url, jurisdiction, state, state_reason, checkpoint_modified, \
     checkpoint_id, standard_version, created_at, updated_at, last_harvest_at, last_success_at, last_error, \
     last_error_at, consecutive_failures, items_harvested, last_success_duration_ms, reported_head, behind_since";

fn node_from_row(row: &SqliteRow) -> Result<NodeInfo, StoreError> {
    let state: String = row.try_get("state")?;
    let cp_modified: Option<i64> = row.try_get("checkpoint_modified")?;
    let cp_id: Option<String> = row.try_get("checkpoint_id")?;
    Ok(NodeInfo {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        feed_url: row.try_get("feed_url")?,
        jurisdiction: parse_jurisdiction(&row.try_get::<String, _>("jurisdiction")?)?,
        state: NodeState::parse(&state)
            .ok_or_else(|| StoreError::Inconsistent(format!("node state {state:?}")))?,
        state_reason: row.try_get("state_reason")?,
        checkpoint: cp_modified.zip(cp_id).map(|(modified, id)| Checkpoint { modified, id }),
        standard_version: row.try_get("standard_version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        last_harvest_at: row.try_get("last_harvest_at")?,
        last_success_at: row.try_get("last_success_at")?,
        last_error: row.try_get("last_error")?,
        last_error_at: row.try_get("last_error_at")?,
        consecutive_failures: row.try_get("consecutive_failures")?,
        items_harvested: row.try_get("items_harvested")?,
        last_success_duration_ms: row.try_get("last_success_duration_ms")?,
        reported_head: row.try_get("reported_head")?,
        behind_since: row.try_get("behind_since")?,
    })
}

fn token_from_row(row: &SqliteRow) -> Result<TokenInfo, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(TokenInfo {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Inconsistent(format!("unknown role {role:?}")))?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

fn quarantine_from_row(row: &SqliteRow) -> Result<QuarantineEntry, StoreError> {
    let reason: String = row.try_get("reason")?;
    Ok(QuarantineEntry {
        node_id: row.try_get("node_id")?,
        id: row.try_get("id")?,
        reason: QuarantineReason::parse(&reason)
            .ok_or_else(|| StoreError::Inconsistent(format!("quarantine reason {reason:?}")))?,
        findings: row.try_get("findings")?,
        data: row.try_get("data")?,
        standard_version: row.try_get("standard_version")?,
        node_modified: row.try_get("node_modified")?,
        received_at: row.try_get("received_at")?,
    })
}

fn placement_from_row(row: &SqliteRow) -> Result<Placement, StoreError> {
    let precision: String = row.try_get("precision")?;
    let idx: i64 = row.try_get("idx")?;
    Ok(Placement {
        idx: u32::try_from(idx).map_err(|_| StoreError::Inconsistent(format!("location index {idx}")))?,
        lat: row.try_get("lat")?,
        lon: row.try_get("lon")?,
        precision: Precision::parse(&precision)
            .ok_or_else(|| StoreError::Inconsistent(format!("precision {precision:?}")))?,
        declared_ags: row.try_get("declared_ags")?,
        found_ags: row.try_get("found_ags")?,
        mismatch: row.try_get("mismatch")?,
        distance_m: row.try_get("distance_m")?,
    })
}

/// Maps a unique violation to the given error.
fn unique_violation(e: sqlx::Error, f: impl FnOnce() -> StoreError) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => f(),
        _ => StoreError::Database(e),
    }
}

async fn delete_by_ids(
    tx: &mut Transaction<'_, Sqlite>,
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
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The writes of [`HubStore::store_page`], on the write connection.
async fn write_page(conn: &mut SqliteConnection, page: &PageWrite) -> Result<PageOutcome, StoreError> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;

    // The checkpoint first: if it moved, nothing else of the page is written.
    let moved = sqlx::query(
        "UPDATE nodes SET checkpoint_modified = ?1, checkpoint_id = ?2, \
         standard_version = COALESCE(?3, standard_version), items_harvested = items_harvested + ?4, \
         behind_since = CASE WHEN reported_head IS NULL OR ?1 >= reported_head THEN NULL ELSE behind_since END \
         WHERE id = ?5 AND checkpoint_modified IS ?6 AND checkpoint_id IS ?7",
    )
    .bind(page.checkpoint.modified)
    .bind(&page.checkpoint.id)
    .bind(&page.standard_version)
    .bind(page.items.len() as i64)
    .bind(&page.node_id)
    .bind(page.after.as_ref().map(|c| c.modified))
    .bind(page.after.as_ref().map(|c| c.id.as_str()))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved != 1 {
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM nodes WHERE id = ?")
            .bind(&page.node_id)
            .fetch_optional(&mut *tx)
            .await?;
        return Err(if exists.is_some() {
            StoreError::CheckpointMoved(page.node_id.clone())
        } else {
            StoreError::NodeNotFound(page.node_id.clone())
        });
    }

    let items = last_items(&page.items);
    let mut existing = HashMap::with_capacity(items.len());
    let ids: Vec<&str> = items.iter().map(|i| i.id()).collect();
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        let sql = format!(
            "SELECT id, deleted, data_hash, standard_version FROM offers WHERE node_id = ? AND id IN ({})",
            list(chunk.len())
        );
        let mut q = sqlx::query(&sql).bind(&page.node_id);
        for id in chunk {
            q = q.bind(*id);
        }
        for row in q.fetch_all(&mut *tx).await? {
            existing.insert(
                row.try_get::<String, _>(0)?,
                Existing {
                    deleted: row.try_get(1)?,
                    hash: row.try_get(2)?,
                    standard_version: row.try_get(3)?,
                },
            );
        }
    }
    let last: i64 =
        sqlx::query_scalar("SELECT last_change FROM hub_state WHERE id = 1").fetch_one(&mut *tx).await?;
    let plan = plan_page(&items, &existing, last);

    for chunk in plan.offers.chunks(WRITE_CHUNK) {
        let sql = format!(
            "INSERT INTO offers (node_id, id, modified, deleted, data, data_hash, standard_version, \
             node_modified, findings, first_seen, last_changed) VALUES {} \
             ON CONFLICT (node_id, id) DO UPDATE SET modified = excluded.modified, deleted = excluded.deleted, \
             data = excluded.data, data_hash = excluded.data_hash, standard_version = excluded.standard_version, \
             node_modified = excluded.node_modified, findings = excluded.findings, \
             last_changed = excluded.last_changed",
            placeholders(chunk.len(), 11)
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
        q.execute(&mut *tx).await?;
    }
    delete_by_ids(&mut tx, ("offer_locations", "offer_id"), &page.node_id, &plan.clear_locations).await?;
    for chunk in plan.locations.chunks(WRITE_CHUNK) {
        let sql = format!(
            "INSERT INTO offer_locations (node_id, offer_id, idx, lat, lon, precision, declared_ags, found_ags, \
             mismatch, distance_m) VALUES {}",
            placeholders(chunk.len(), 10)
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
        q.execute(&mut *tx).await?;
    }
    delete_by_ids(&mut tx, ("quarantine", "id"), &page.node_id, &plan.clear_quarantine).await?;
    for chunk in plan.quarantine.chunks(WRITE_CHUNK) {
        let sql = format!(
            "INSERT INTO quarantine (node_id, id, reason, findings, data, standard_version, node_modified, \
             received_at) VALUES {} ON CONFLICT (node_id, id) DO UPDATE SET reason = excluded.reason, \
             findings = excluded.findings, data = excluded.data, standard_version = excluded.standard_version, \
             node_modified = excluded.node_modified, received_at = excluded.received_at",
            placeholders(chunk.len(), 8)
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
        q.execute(&mut *tx).await?;
    }
    if plan.last_change != last {
        sqlx::query("UPDATE hub_state SET last_change = ? WHERE id = 1")
            .bind(plan.last_change)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(plan.outcome)
}

#[async_trait]
impl HubStore for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    async fn add_node(&self, node: &NewNode, token_hash: &str, now: i64) -> Result<NodeInfo, StoreError> {
        let mut tx = self.begin().await?;
        let sql = format!(
            "INSERT INTO nodes (id, name, feed_url, jurisdiction, token_hash, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {NODE_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(&node.id)
            .bind(&node.name)
            .bind(&node.feed_url)
            .bind(jurisdiction_json(&node.jurisdiction))
            .bind(token_hash)
            .bind(now)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| unique_violation(e, || StoreError::DuplicateNode(node.id.clone())))?;
        let info = node_from_row(&row)?;
        tx.commit().await?;
        Ok(info)
    }

    async fn get_node(&self, id: &str) -> Result<Option<NodeInfo>, StoreError> {
        sqlx::query(&format!("SELECT {NODE_COLUMNS} FROM nodes WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .as_ref()
            .map(node_from_row)
            .transpose()
    }

    async fn node_by_token(&self, token_hash: &str) -> Result<Option<NodeInfo>, StoreError> {
        sqlx::query(&format!("SELECT {NODE_COLUMNS} FROM nodes WHERE token_hash = ?"))
            .bind(token_hash)
            .fetch_optional(&self.read)
            .await?
            .as_ref()
            .map(node_from_row)
            .transpose()
    }

    async fn list_nodes(&self) -> Result<Vec<NodeInfo>, StoreError> {
        sqlx::query(&format!("SELECT {NODE_COLUMNS} FROM nodes ORDER BY id"))
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(node_from_row)
            .collect()
    }

    async fn update_node(
        &self,
        id: &str,
        update: &NodeUpdate,
        now: i64,
    ) -> Result<Option<NodeInfo>, StoreError> {
        let mut tx = self.begin().await?;
        let resume = update.state == Some(NodeState::Active);
        let sql = format!(
            "UPDATE nodes SET name = COALESCE(?, name), feed_url = COALESCE(?, feed_url), \
             jurisdiction = COALESCE(?, jurisdiction), state = COALESCE(?, state), \
             state_reason = CASE WHEN ? THEN NULL ELSE state_reason END, updated_at = ? \
             WHERE id = ? RETURNING {NODE_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(&update.name)
            .bind(&update.feed_url)
            .bind(update.jurisdiction.as_deref().map(jurisdiction_json))
            .bind(update.state.map(NodeState::as_str))
            .bind(resume)
            .bind(now)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let info = row.as_ref().map(node_from_row).transpose()?;
        tx.commit().await?;
        Ok(info)
    }

    async fn set_node_token(&self, id: &str, token_hash: &str, now: i64) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE nodes SET token_hash = ?, updated_at = ? WHERE id = ?")
            .bind(token_hash)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(done == 1)
    }

    async fn remove_node(&self, id: &str, now: i64) -> Result<Option<u64>, StoreError> {
        let mut tx = self.begin().await?;
        let gone =
            sqlx::query("DELETE FROM nodes WHERE id = ?").bind(id).execute(&mut *tx).await?.rows_affected();
        if gone == 0 {
            return Ok(None);
        }
        let last: i64 =
            sqlx::query_scalar("SELECT last_change FROM hub_state WHERE id = 1").fetch_one(&mut *tx).await?;
        // Each live offer becomes a tombstone with its own new change number, in id order.
        let removed = sqlx::query(
            "UPDATE offers SET deleted = 1, data = NULL, data_hash = NULL, findings = NULL, last_changed = ?1, \
             modified = ?2 + r.n \
             FROM (SELECT id AS rid, row_number() OVER (ORDER BY id) AS n FROM offers \
                   WHERE node_id = ?3 AND deleted = 0) AS r \
             WHERE offers.node_id = ?3 AND offers.id = r.rid",
        )
        .bind(now)
        .bind(last)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("UPDATE hub_state SET last_change = ? WHERE id = 1")
            .bind(last + removed as i64)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM offer_locations WHERE node_id = ?").bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM quarantine WHERE node_id = ?").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(removed))
    }

    async fn record_harvest(&self, id: &str, record: &HarvestRecord) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let q = match record {
            // The right-hand sides read the row as it was before the update.
            HarvestRecord::Success { at, duration_ms, head_at_start } => sqlx::query(
                "UPDATE nodes SET last_harvest_at = ?1, last_success_at = ?1, last_error = NULL, \
                 last_error_at = NULL, consecutive_failures = 0, state = 'active', state_reason = NULL, \
                 last_success_duration_ms = ?2, \
                 reported_head = CASE WHEN reported_head IS ?3 THEN checkpoint_modified ELSE reported_head END, \
                 behind_since = CASE WHEN reported_head IS ?3 OR reported_head <= COALESCE(checkpoint_modified, 0) \
                   THEN NULL ELSE behind_since END \
                 WHERE id = ?4",
            )
            .bind(*at)
            .bind(*duration_ms)
            .bind(*head_at_start),
            HarvestRecord::Failure { at, error } => sqlx::query(
                "UPDATE nodes SET last_harvest_at = ?1, last_error = ?2, last_error_at = ?1, \
                 consecutive_failures = consecutive_failures + 1 WHERE id = ?3",
            )
            .bind(*at)
            .bind(error),
            HarvestRecord::Stopped { at, reason } => sqlx::query(
                "UPDATE nodes SET last_harvest_at = ?1, last_error = ?2, last_error_at = ?1, \
                 consecutive_failures = consecutive_failures + 1, state = 'stopped', state_reason = ?2 \
                 WHERE id = ?3",
            )
            .bind(*at)
            .bind(reason),
        };
        q.bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_head(&self, id: &str, head: i64, at: i64) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        // `behind_since` reads the row as it was before the update.
        let done = sqlx::query(
            "UPDATE nodes SET reported_head = MAX(COALESCE(reported_head, ?1), ?1), \
             behind_since = CASE WHEN ?1 > COALESCE(checkpoint_modified, 0) THEN COALESCE(behind_since, ?2) \
               ELSE behind_since END \
             WHERE id = ?3",
        )
        .bind(head)
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(done == 1)
    }

    async fn harvest_lock(&self, _node_id: &str) -> Result<Option<HarvestLock>, StoreError> {
        Ok(Some(HarvestLock::none()))
    }

    async fn store_page(&self, page: &PageWrite) -> Result<PageOutcome, StoreError> {
        // The one write connection runs this page with `synchronous = NORMAL` (see the module
        // documentation) and is set back to `FULL` before anything else can use it.
        let mut conn = self.write.acquire().await?;
        sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
        let result = write_page(&mut conn, page).await;
        if sqlx::query("PRAGMA synchronous = FULL").execute(&mut *conn).await.is_err() {
            // Never hand the connection on with the weaker setting.
            conn.close_on_drop();
        }
        result
    }

    async fn get_offer(&self, node_id: &str, id: &str) -> Result<Option<StoredOffer>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT modified, data, standard_version, node_modified, findings, first_seen, last_changed \
             FROM offers WHERE node_id = ? AND id = ? AND deleted = 0",
        )
        .bind(node_id)
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        else {
            return Ok(None);
        };
        let placements = sqlx::query(
            "SELECT idx, lat, lon, precision, declared_ags, found_ags, mismatch, distance_m FROM offer_locations \
             WHERE node_id = ? AND offer_id = ? ORDER BY idx",
        )
        .bind(node_id)
        .bind(id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(placement_from_row)
        .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(StoredOffer {
            node_id: node_id.to_owned(),
            id: id.to_owned(),
            modified: row.try_get("modified")?,
            data: row.try_get("data")?,
            standard_version: row.try_get("standard_version")?,
            node_modified: row.try_get("node_modified")?,
            findings: row.try_get("findings")?,
            first_seen: row.try_get("first_seen")?,
            last_changed: row.try_get("last_changed")?,
            placements,
        }))
    }

    async fn list_offers(
        &self,
        node_id: &str,
        after_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<OfferRow>, StoreError> {
        let rows: Vec<(String, String, Option<String>, i64)> = sqlx::query_as(
            "SELECT id, data, standard_version, node_modified FROM offers \
             WHERE node_id = ? AND deleted = 0 AND id > ? ORDER BY id LIMIT ?",
        )
        .bind(node_id)
        .bind(after_id.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, data, standard_version, node_modified)| OfferRow {
                id,
                data,
                standard_version,
                node_modified,
            })
            .collect())
    }

    async fn node_counts(&self) -> Result<HashMap<String, NodeCounts>, StoreError> {
        let mut counts: HashMap<String, NodeCounts> = HashMap::new();
        let live: Vec<(String, i64)> =
            sqlx::query_as("SELECT node_id, COUNT(*) FROM offers WHERE deleted = 0 GROUP BY node_id")
                .fetch_all(&self.read)
                .await?;
        for (node, n) in live {
            counts.entry(node).or_default().offers = n;
        }
        let quarantined: Vec<(String, i64)> =
            sqlx::query_as("SELECT node_id, COUNT(*) FROM quarantine GROUP BY node_id")
                .fetch_all(&self.read)
                .await?;
        for (node, n) in quarantined {
            counts.entry(node).or_default().quarantined = n;
        }
        Ok(counts)
    }

    async fn feed_page(&self, after: i64, limit: u32) -> Result<Vec<FeedRow>, StoreError> {
        let rows: Vec<(String, String, i64, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT node_id, id, modified, data, standard_version FROM offers WHERE modified > ? \
             ORDER BY modified LIMIT ?",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(node_id, id, modified, data, standard_version)| FeedRow {
                node_id,
                id,
                modified,
                data,
                standard_version,
            })
            .collect())
    }

    async fn index_changes(&self, after: i64, limit: u32) -> Result<Vec<IndexRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT o.node_id, o.id, o.modified, o.data, o.last_changed, l.idx, l.lat, l.lon, l.precision, \
             l.declared_ags, l.found_ags, l.mismatch, l.distance_m \
             FROM (SELECT node_id, id, modified, data, last_changed FROM offers WHERE modified > ? \
                   ORDER BY modified LIMIT ?) o \
             LEFT JOIN offer_locations l ON l.node_id = o.node_id AND l.offer_id = o.id AND o.data IS NOT NULL \
             ORDER BY o.modified, l.idx",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?;
        let mut grouped = Vec::with_capacity(rows.len());
        for row in &rows {
            let idx: Option<i64> = row.try_get("idx")?;
            let placement = match idx {
                Some(_) => Some(placement_from_row(row)?),
                None => None,
            };
            let offer = IndexRow {
                node_id: row.try_get("node_id")?,
                id: row.try_get("id")?,
                modified: row.try_get("modified")?,
                data: row.try_get("data")?,
                last_changed: row.try_get("last_changed")?,
                placements: Vec::new(),
            };
            grouped.push((offer, placement));
        }
        Ok(group_index_rows(grouped))
    }

    async fn last_change(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT last_change FROM hub_state WHERE id = 1").fetch_one(&self.read).await?)
    }

    async fn purge_tombstones(&self, cutoff: i64) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM offers WHERE deleted = 1 AND last_changed < ?")
            .bind(cutoff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(done)
    }

    async fn list_quarantine(
        &self,
        node_id: Option<&str>,
        after: Option<(&str, &str)>,
        limit: u32,
    ) -> Result<Vec<QuarantineEntry>, StoreError> {
        let (after_node, after_id) = after.unwrap_or(("", ""));
        sqlx::query(
            "SELECT node_id, id, reason, findings, data, standard_version, node_modified, received_at \
             FROM quarantine WHERE (?1 IS NULL OR node_id = ?1) AND (node_id > ?2 OR (node_id = ?2 AND id > ?3)) \
             ORDER BY node_id, id LIMIT ?4",
        )
        .bind(node_id)
        .bind(after_node)
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(quarantine_from_row)
        .collect()
    }

    async fn create_token(
        &self,
        name: &str,
        role: Role,
        token_hash: &str,
        now: i64,
    ) -> Result<TokenInfo, StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "INSERT INTO tokens (name, role, token_hash, created_at) VALUES (?, ?, ?, ?) \
             RETURNING id, name, role, created_at, revoked_at",
        )
        .bind(name)
        .bind(role.as_str())
        .bind(token_hash)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| unique_violation(e, || StoreError::DuplicateTokenName(name.to_owned())))?;
        let token = token_from_row(&row)?;
        tx.commit().await?;
        Ok(token)
    }

    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenInfo>, StoreError> {
        sqlx::query("SELECT id, name, role, created_at, revoked_at FROM tokens WHERE token_hash = ?")
            .bind(token_hash)
            .fetch_optional(&self.read)
            .await?
            .as_ref()
            .map(token_from_row)
            .transpose()
    }

    async fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        sqlx::query("SELECT id, name, role, created_at, revoked_at FROM tokens ORDER BY id")
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(token_from_row)
            .collect()
    }

    async fn revoke_token(&self, id: i64, now: i64) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(done == 1)
    }

    async fn geocode_lookup(
        &self,
        keys: &[String],
    ) -> Result<HashMap<String, Option<(f64, f64)>>, StoreError> {
        let mut found = HashMap::new();
        for chunk in keys.chunks(LOOKUP_CHUNK) {
            let sql =
                format!("SELECT query, lat, lon FROM geocode_cache WHERE query IN ({})", list(chunk.len()));
            let mut q = sqlx::query_as::<_, (String, Option<f64>, Option<f64>)>(&sql);
            for k in chunk {
                q = q.bind(k.as_str());
            }
            for (key, lat, lon) in q.fetch_all(&self.read).await? {
                found.insert(key, lat.zip(lon));
            }
        }
        Ok(found)
    }

    async fn geocode_store(&self, key: &str, answer: Option<(f64, f64)>, now: i64) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO geocode_cache (query, lat, lon, created_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (query) DO UPDATE SET lat = excluded.lat, lon = excluded.lon, created_at = excluded.created_at",
        )
        .bind(key)
        .bind(answer.map(|a| a.0))
        .bind(answer.map(|a| a.1))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{ItemWrite, NewNode};

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
