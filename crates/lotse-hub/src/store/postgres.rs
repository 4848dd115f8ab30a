//! The hub's store on PostgreSQL: the production and scale-out store.
//!
//! Every transaction that writes offers first locks the node's row (the checkpoint update) and
//! then the single `hub_state` row (`SELECT … FOR UPDATE`), takes its change numbers from it and
//! updates it before commit. Always in this order, so that writers cannot deadlock; the second
//! lock serialises writers until commit, and PostgreSQL makes a transaction visible before it
//! releases its locks, so change numbers become visible in commit order. Bulk writes use
//! `UNNEST` over arrays, one statement per 5,000 rows.

mod quality;

use std::collections::HashMap;
use std::str::FromStr;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};

use super::{
    Checkpoint, Existing, FeedRow, HarvestLock, HarvestRecord, HubStore, IndexRow, NewNode, NodeCounts,
    NodeInfo, NodeState, NodeUpdate, OfferRow, OfferWrite, PageOutcome, PageWrite, QuarantineEntry,
    QuarantineReason, Role, StoreError, StoreOptions, StoredOffer, TokenInfo, group_index_rows,
    harvest_lock_key, jurisdiction_json, last_items, parse_jurisdiction, plan_page,
};
use crate::placement::{Placement, Precision};

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

    async fn lock_counter(tx: &mut Transaction<'static, Postgres>) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT last_change FROM hub_state WHERE id = 1 FOR UPDATE")
            .fetch_one(&mut **tx)
            .await?)
    }
}

const NODE_COLUMNS: &str = "id, name, feed_url, jurisdiction, state, state_reason, checkpoint_modified, \
     checkpoint_id, standard_version, created_at, updated_at, last_harvest_at, last_success_at, last_error, \
     last_error_at, consecutive_failures, items_harvested, last_success_duration_ms, reported_head, behind_since";

fn node_from_row(row: &PgRow) -> Result<NodeInfo, StoreError> {
    let state: String = row.try_get("state")?;
    let cp_modified: Option<i64> = row.try_get("checkpoint_modified")?;
    let cp_id: Option<String> = row.try_get("checkpoint_id")?;
    let failures: i32 = row.try_get("consecutive_failures")?;
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
        consecutive_failures: i64::from(failures),
        items_harvested: row.try_get("items_harvested")?,
        last_success_duration_ms: row.try_get("last_success_duration_ms")?,
        reported_head: row.try_get("reported_head")?,
        behind_since: row.try_get("behind_since")?,
    })
}

fn token_from_row(row: &PgRow) -> Result<TokenInfo, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(TokenInfo {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Inconsistent(format!("unknown role {role:?}")))?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

fn quarantine_from_row(row: &PgRow) -> Result<QuarantineEntry, StoreError> {
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

fn placement_from_row(row: &PgRow) -> Result<Placement, StoreError> {
    let precision: String = row.try_get("precision")?;
    let idx: i32 = row.try_get("idx")?;
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

fn unique_violation(e: sqlx::Error, f: impl FnOnce() -> StoreError) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => f(),
        _ => StoreError::Database(e),
    }
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

#[async_trait]
impl HubStore for PostgresStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn add_node(&self, node: &NewNode, token_hash: &str, now: i64) -> Result<NodeInfo, StoreError> {
        let sql = format!(
            "INSERT INTO nodes (id, name, feed_url, jurisdiction, token_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {NODE_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(&node.id)
            .bind(&node.name)
            .bind(&node.feed_url)
            .bind(jurisdiction_json(&node.jurisdiction))
            .bind(token_hash)
            .bind(now)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| unique_violation(e, || StoreError::DuplicateNode(node.id.clone())))?;
        node_from_row(&row)
    }

    async fn get_node(&self, id: &str) -> Result<Option<NodeInfo>, StoreError> {
        sqlx::query(&format!("SELECT {NODE_COLUMNS} FROM nodes WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(node_from_row)
            .transpose()
    }

    async fn node_by_token(&self, token_hash: &str) -> Result<Option<NodeInfo>, StoreError> {
        sqlx::query(&format!("SELECT {NODE_COLUMNS} FROM nodes WHERE token_hash = $1"))
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(node_from_row)
            .transpose()
    }

    async fn list_nodes(&self) -> Result<Vec<NodeInfo>, StoreError> {
        sqlx::query(&format!("SELECT {NODE_COLUMNS} FROM nodes ORDER BY id"))
            .fetch_all(&self.pool)
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
        let sql = format!(
            "UPDATE nodes SET name = COALESCE($1, name), feed_url = COALESCE($2, feed_url), \
             jurisdiction = COALESCE($3, jurisdiction), state = COALESCE($4, state), \
             state_reason = CASE WHEN $5 THEN NULL ELSE state_reason END, updated_at = $6 \
             WHERE id = $7 RETURNING {NODE_COLUMNS}"
        );
        sqlx::query(&sql)
            .bind(&update.name)
            .bind(&update.feed_url)
            .bind(update.jurisdiction.as_deref().map(jurisdiction_json))
            .bind(update.state.map(NodeState::as_str))
            .bind(update.state == Some(NodeState::Active))
            .bind(now)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(node_from_row)
            .transpose()
    }

    async fn set_node_token(&self, id: &str, token_hash: &str, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE nodes SET token_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(token_hash)
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(done == 1)
    }

    async fn remove_node(&self, id: &str, now: i64) -> Result<Option<u64>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let gone =
            sqlx::query("DELETE FROM nodes WHERE id = $1").bind(id).execute(&mut *tx).await?.rows_affected();
        if gone == 0 {
            return Ok(None);
        }
        let last = Self::lock_counter(&mut tx).await?;
        // Each live offer becomes a tombstone with its own new change number, in id order.
        let removed = sqlx::query(
            "UPDATE offers SET deleted = TRUE, data = NULL, data_hash = NULL, findings = NULL, last_changed = $1, \
             modified = $2 + r.n \
             FROM (SELECT id AS rid, row_number() OVER (ORDER BY id) AS n FROM offers \
                   WHERE node_id = $3 AND NOT deleted) AS r \
             WHERE offers.node_id = $3 AND offers.id = r.rid",
        )
        .bind(now)
        .bind(last)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("UPDATE hub_state SET last_change = $1 WHERE id = 1")
            .bind(last + removed as i64)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM offer_locations WHERE node_id = $1").bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM quarantine WHERE node_id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(removed))
    }

    async fn record_harvest(&self, id: &str, record: &HarvestRecord) -> Result<(), StoreError> {
        let q = match record {
            // The right-hand sides read the row as it was before the update.
            HarvestRecord::Success { at, duration_ms, head_at_start } => sqlx::query(
                "UPDATE nodes SET last_harvest_at = $1, last_success_at = $1, last_error = NULL, \
                 last_error_at = NULL, consecutive_failures = 0, state = 'active', state_reason = NULL, \
                 last_success_duration_ms = $2, \
                 reported_head = CASE WHEN reported_head IS NOT DISTINCT FROM $3 THEN checkpoint_modified \
                   ELSE reported_head END, \
                 behind_since = CASE WHEN reported_head IS NOT DISTINCT FROM $3 \
                   OR reported_head <= COALESCE(checkpoint_modified, 0) THEN NULL ELSE behind_since END \
                 WHERE id = $4",
            )
            .bind(*at)
            .bind(*duration_ms)
            .bind(*head_at_start),
            HarvestRecord::Failure { at, error } => sqlx::query(
                "UPDATE nodes SET last_harvest_at = $1, last_error = $2, last_error_at = $1, \
                 consecutive_failures = consecutive_failures + 1 WHERE id = $3",
            )
            .bind(*at)
            .bind(error),
            HarvestRecord::Stopped { at, reason } => sqlx::query(
                "UPDATE nodes SET last_harvest_at = $1, last_error = $2, last_error_at = $1, \
                 consecutive_failures = consecutive_failures + 1, state = 'stopped', state_reason = $2 \
                 WHERE id = $3",
            )
            .bind(*at)
            .bind(reason),
        };
        q.bind(id).execute(&self.pool).await?;
        Ok(())
    }

    async fn record_head(&self, id: &str, head: i64, at: i64) -> Result<bool, StoreError> {
        // `behind_since` reads the row as it was before the update; GREATEST ignores NULL.
        let done = sqlx::query(
            "UPDATE nodes SET reported_head = GREATEST(reported_head, $1), \
             behind_since = CASE WHEN $1 > COALESCE(checkpoint_modified, 0) THEN COALESCE(behind_since, $2) \
               ELSE behind_since END \
             WHERE id = $3",
        )
        .bind(head)
        .bind(at)
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(done == 1)
    }

    async fn harvest_lock(&self, node_id: &str) -> Result<Option<HarvestLock>, StoreError> {
        // A dedicated connection: a session-level advisory lock belongs to its connection and
        // must not be released by returning the connection to the pool mid-harvest.
        let mut conn = self.pool.acquire().await?;
        let key = harvest_lock_key(node_id);
        let got: bool =
            sqlx::query_scalar("SELECT pg_try_advisory_lock($1)").bind(key).fetch_one(&mut *conn).await?;
        Ok(got.then(|| HarvestLock { conn: Some(conn), key }))
    }

    async fn store_page(&self, page: &PageWrite) -> Result<PageOutcome, StoreError> {
        let mut tx = self.pool.begin().await?;
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
        let moved = sqlx::query(
            "UPDATE nodes SET checkpoint_modified = $1, checkpoint_id = $2, \
             standard_version = COALESCE($3, standard_version), items_harvested = items_harvested + $4, \
             behind_since = CASE WHEN reported_head IS NULL OR $1 >= reported_head THEN NULL ELSE behind_since END \
             WHERE id = $5 AND checkpoint_modified IS NOT DISTINCT FROM $6 AND checkpoint_id IS NOT DISTINCT FROM $7",
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
            let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM nodes WHERE id = $1")
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
        let ids: Vec<&str> = items.iter().map(|i| i.id()).collect();
        let mut existing = HashMap::with_capacity(items.len());
        for row in sqlx::query(
            "SELECT o.id, o.deleted, o.data_hash, o.standard_version \
             FROM UNNEST($2::text[]) AS k(id) JOIN offers o ON o.node_id = $1 AND o.id = k.id",
        )
        .bind(&page.node_id)
        .bind(&ids)
        .fetch_all(&mut *tx)
        .await?
        {
            existing.insert(
                row.try_get::<String, _>(0)?,
                Existing {
                    deleted: row.try_get(1)?,
                    hash: row.try_get(2)?,
                    standard_version: row.try_get(3)?,
                },
            );
        }
        let last = Self::lock_counter(&mut tx).await?;
        let plan = plan_page(&items, &existing, last);

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
                .execute(&mut *tx)
                .await?;
        }
        if !plan.clear_locations.is_empty() {
            sqlx::query(
                "DELETE FROM offer_locations l USING UNNEST($2::text[]) AS k(id) \
                 WHERE l.node_id = $1 AND l.offer_id = k.id",
            )
            .bind(&page.node_id)
            .bind(&plan.clear_locations)
            .execute(&mut *tx)
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
                .execute(&mut *tx)
                .await?;
        }
        if !plan.clear_quarantine.is_empty() {
            sqlx::query("DELETE FROM quarantine q USING UNNEST($2::text[]) AS k(id) WHERE q.node_id = $1 AND q.id = k.id")
                .bind(&page.node_id)
                .bind(&plan.clear_quarantine)
                .execute(&mut *tx)
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
                .execute(&mut *tx)
                .await?;
        }
        if plan.last_change != last {
            sqlx::query("UPDATE hub_state SET last_change = $1 WHERE id = 1")
                .bind(plan.last_change)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(plan.outcome)
    }

    async fn get_offer(&self, node_id: &str, id: &str) -> Result<Option<StoredOffer>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT modified, data, standard_version, node_modified, findings, first_seen, last_changed \
             FROM offers WHERE node_id = $1 AND id = $2 AND NOT deleted",
        )
        .bind(node_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let placements = sqlx::query(
            "SELECT idx, lat, lon, precision, declared_ags, found_ags, mismatch, distance_m FROM offer_locations \
             WHERE node_id = $1 AND offer_id = $2 ORDER BY idx",
        )
        .bind(node_id)
        .bind(id)
        .fetch_all(&self.pool)
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
             WHERE node_id = $1 AND NOT deleted AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(node_id)
        .bind(after_id.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
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
            sqlx::query_as("SELECT node_id, COUNT(*) FROM offers WHERE NOT deleted GROUP BY node_id")
                .fetch_all(&self.pool)
                .await?;
        for (node, n) in live {
            counts.entry(node).or_default().offers = n;
        }
        let quarantined: Vec<(String, i64)> =
            sqlx::query_as("SELECT node_id, COUNT(*) FROM quarantine GROUP BY node_id")
                .fetch_all(&self.pool)
                .await?;
        for (node, n) in quarantined {
            counts.entry(node).or_default().quarantined = n;
        }
        Ok(counts)
    }

    async fn feed_page(&self, after: i64, limit: u32) -> Result<Vec<FeedRow>, StoreError> {
        let rows: Vec<(String, String, i64, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT node_id, id, modified, data, standard_version FROM offers WHERE modified > $1 \
             ORDER BY modified LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
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
             FROM (SELECT node_id, id, modified, data, last_changed FROM offers WHERE modified > $1 \
                   ORDER BY modified LIMIT $2) o \
             LEFT JOIN offer_locations l ON l.node_id = o.node_id AND l.offer_id = o.id AND o.data IS NOT NULL \
             ORDER BY o.modified, l.idx",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut grouped = Vec::with_capacity(rows.len());
        for row in &rows {
            let idx: Option<i32> = row.try_get("idx")?;
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
        Ok(sqlx::query_scalar("SELECT last_change FROM hub_state WHERE id = 1").fetch_one(&self.pool).await?)
    }

    async fn purge_tombstones(&self, cutoff: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM offers WHERE deleted AND last_changed < $1")
            .bind(cutoff)
            .execute(&self.pool)
            .await?
            .rows_affected())
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
             FROM quarantine WHERE ($1::text IS NULL OR node_id = $1) AND (node_id, id) > ($2, $3) \
             ORDER BY node_id, id LIMIT $4",
        )
        .bind(node_id)
        .bind(after_node)
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
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
        let row = sqlx::query(
            "INSERT INTO tokens (name, role, token_hash, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id, name, role, created_at, revoked_at",
        )
        .bind(name)
        .bind(role.as_str())
        .bind(token_hash)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| unique_violation(e, || StoreError::DuplicateTokenName(name.to_owned())))?;
        token_from_row(&row)
    }

    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenInfo>, StoreError> {
        sqlx::query("SELECT id, name, role, created_at, revoked_at FROM tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(token_from_row)
            .transpose()
    }

    async fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        sqlx::query("SELECT id, name, role, created_at, revoked_at FROM tokens ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(token_from_row)
            .collect()
    }

    async fn revoke_token(&self, id: i64, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(done == 1)
    }

    async fn geocode_lookup(
        &self,
        keys: &[String],
    ) -> Result<HashMap<String, Option<(f64, f64)>>, StoreError> {
        let rows: Vec<(String, Option<f64>, Option<f64>)> =
            sqlx::query_as("SELECT query, lat, lon FROM geocode_cache WHERE query = ANY($1)")
                .bind(keys)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(k, lat, lon)| (k, lat.zip(lon))).collect())
    }

    async fn geocode_store(&self, key: &str, answer: Option<(f64, f64)>, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO geocode_cache (query, lat, lon, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (query) DO UPDATE SET lat = excluded.lat, lon = excluded.lon, created_at = excluded.created_at",
        )
        .bind(key)
        .bind(answer.map(|a| a.0))
        .bind(answer.map(|a| a.1))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
