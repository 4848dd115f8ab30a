//! The queries of the hub's store that SQLite and PostgreSQL agree on, written once.
//!
//! This file is compiled twice, as a module of `sqlite.rs` and of `postgres.rs`, and names its
//! database only through what the dialect module defines: `Db` and `Store` (the database and
//! the store this file implements the area traits for), `Integer` (the Rust type of an
//! `INTEGER` column: `i64` on SQLite, `i32` on PostgreSQL), `TOMBSTONE` (the predicate of a
//! tombstone as the database's partial index spells it), and functions for what really
//! differs: `reader`, `begin`, `begin_write`/`end_write`, `lock_counter`, `harvest_lock`,
//! `store_page`, `existing_offers`, `write_plan` and `geocode_lookup`. Placeholders are `$N`,
//! which SQLite accepts too (sqlx binds `$N` to the N-th argument).

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::{Row, Transaction};

use super::{Db, Store};
use crate::placement::{Placement, Precision};
use crate::store::{
    Checkpoint, Existing, FeedRow, GeocodeStore, HarvestLock, HarvestRecord, HarvestStore, IndexRow, NewNode,
    NodeCounts, NodeInfo, NodeState, NodeUpdate, OfferRow, OfferStore, PageOutcome, PageWrite,
    QuarantineEntry, QuarantineReason, QuarantineStore, RegistryStore, Role, StoreError, StoredOffer,
    TokenInfo, TokenStore, group_by_offer, jurisdiction_json, last_items, parse_jurisdiction, plan_page,
};

/// A row of the dialect's database.
pub(super) type DbRow = <Db as sqlx::Database>::Row;

/// `consecutive_failures` is an `INTEGER` (32 bits on PostgreSQL), read as `BIGINT` on both.
const NODE_COLUMNS: &str = "id, name, feed_url, jurisdiction, state, state_reason, checkpoint_modified, \
     checkpoint_id, standard_version, created_at, updated_at, last_harvest_at, last_success_at, last_error, \
     last_error_at, CAST(consecutive_failures AS BIGINT) AS consecutive_failures, items_harvested, \
     last_success_duration_ms, reported_head, behind_since";

fn node_from_row(row: &DbRow) -> Result<NodeInfo, StoreError> {
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

pub(super) fn quarantine_from_row(row: &DbRow) -> Result<QuarantineEntry, StoreError> {
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

/// A placement from a row with the columns of `offer_locations`. `idx` is decoded as the
/// database's own integer type: the read of the search index and of scoring go through here
/// once per location, and a `CAST` in their queries would cost every row.
pub(super) fn placement_from_row(row: &DbRow) -> Result<Placement, StoreError> {
    let precision: String = row.try_get("precision")?;
    let idx: super::Integer = row.try_get("idx")?;
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

/// The placement of a row of an offers-left-join-locations query, `None` for an offer without
/// locations.
pub(super) fn joined_placement(row: &DbRow) -> Result<Option<Placement>, StoreError> {
    let idx: Option<super::Integer> = row.try_get("idx")?;
    match idx {
        Some(_) => Ok(Some(placement_from_row(row)?)),
        None => Ok(None),
    }
}

/// One row of a dialect's `SELECT id, deleted, data_hash, standard_version FROM offers …`, the
/// stored state of an offer of a page.
pub(super) fn existing_from_row(row: &DbRow) -> Result<(String, Existing), StoreError> {
    Ok((
        row.try_get(0)?,
        Existing { deleted: row.try_get(1)?, hash: row.try_get(2)?, standard_version: row.try_get(3)? },
    ))
}

/// Maps a unique violation to the given error.
fn unique_violation(e: sqlx::Error, f: impl FnOnce() -> StoreError) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => f(),
        _ => StoreError::Database(e),
    }
}

/// Writes a page in the transaction the dialect began for it (see
/// [`HarvestStore::store_page`]) and commits it. The checkpoint goes first, and if it moved,
/// nothing else of the page is written; the counter is locked only after the node's row, so
/// that writers always lock in the same order.
pub(super) async fn write_page(
    mut tx: Transaction<'_, Db>,
    page: &PageWrite,
) -> Result<PageOutcome, StoreError> {
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
        let exists = sqlx::query("SELECT 1 FROM nodes WHERE id = $1")
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
    let existing = super::existing_offers(&mut tx, &page.node_id, &ids).await?;
    let last = super::lock_counter(&mut tx).await?;
    let plan = plan_page(&items, &existing, last);
    super::write_plan(&mut tx, page, &plan).await?;
    if plan.last_change != last {
        sqlx::query("UPDATE hub_state SET last_change = $1 WHERE id = 1")
            .bind(plan.last_change)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(plan.outcome)
}

#[async_trait]
impl RegistryStore for Store {
    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(super::reader(self)).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(node = %node.id), err(level = "debug"))]
    async fn add_node(&self, node: &NewNode, token_hash: &str, now: i64) -> Result<NodeInfo, StoreError> {
        let mut write = super::begin_write(self).await?;
        let row = sqlx::query(&format!(
            "INSERT INTO nodes (id, name, feed_url, jurisdiction, token_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {NODE_COLUMNS}"
        ))
        .bind(&node.id)
        .bind(&node.name)
        .bind(&node.feed_url)
        .bind(jurisdiction_json(&node.jurisdiction))
        .bind(token_hash)
        .bind(now)
        .fetch_one(&mut *write)
        .await
        .map_err(|e| unique_violation(e, || StoreError::DuplicateNode(node.id.clone())))?;
        let info = node_from_row(&row)?;
        super::end_write(write).await?;
        Ok(info)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(node = %id), err(level = "debug"))]
    async fn get_node(&self, id: &str) -> Result<Option<NodeInfo>, StoreError> {
        sqlx::query(&format!("SELECT {NODE_COLUMNS} FROM nodes WHERE id = $1"))
            .bind(id)
            .fetch_optional(super::reader(self))
            .await?
            .as_ref()
            .map(node_from_row)
            .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn node_by_token(&self, token_hash: &str) -> Result<Option<NodeInfo>, StoreError> {
        sqlx::query(&format!("SELECT {NODE_COLUMNS} FROM nodes WHERE token_hash = $1"))
            .bind(token_hash)
            .fetch_optional(super::reader(self))
            .await?
            .as_ref()
            .map(node_from_row)
            .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn list_nodes(&self) -> Result<Vec<NodeInfo>, StoreError> {
        sqlx::query(&format!("SELECT {NODE_COLUMNS} FROM nodes ORDER BY id"))
            .fetch_all(super::reader(self))
            .await?
            .iter()
            .map(node_from_row)
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(node = %id), err(level = "debug"))]
    async fn update_node(
        &self,
        id: &str,
        update: &NodeUpdate,
        now: i64,
    ) -> Result<Option<NodeInfo>, StoreError> {
        let mut write = super::begin_write(self).await?;
        let row = sqlx::query(&format!(
            "UPDATE nodes SET name = COALESCE($1, name), feed_url = COALESCE($2, feed_url), \
             jurisdiction = COALESCE($3, jurisdiction), state = COALESCE($4, state), \
             state_reason = CASE WHEN $5 THEN NULL ELSE state_reason END, updated_at = $6 \
             WHERE id = $7 RETURNING {NODE_COLUMNS}"
        ))
        .bind(&update.name)
        .bind(&update.feed_url)
        .bind(update.jurisdiction.as_deref().map(jurisdiction_json))
        .bind(update.state.map(NodeState::as_str))
        .bind(update.state == Some(NodeState::Active))
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *write)
        .await?;
        let info = row.as_ref().map(node_from_row).transpose()?;
        super::end_write(write).await?;
        Ok(info)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(node = %id), err(level = "debug"))]
    async fn set_node_token(&self, id: &str, token_hash: &str, now: i64) -> Result<bool, StoreError> {
        let mut write = super::begin_write(self).await?;
        let done = sqlx::query("UPDATE nodes SET token_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(token_hash)
            .bind(now)
            .bind(id)
            .execute(&mut *write)
            .await?
            .rows_affected();
        super::end_write(write).await?;
        Ok(done == 1)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(node = %id), err(level = "debug"))]
    async fn remove_node(&self, id: &str, now: i64) -> Result<Option<u64>, StoreError> {
        let mut tx = super::begin(self).await?;
        let gone =
            sqlx::query("DELETE FROM nodes WHERE id = $1").bind(id).execute(&mut *tx).await?.rows_affected();
        if gone == 0 {
            return Ok(None);
        }
        let last = super::lock_counter(&mut tx).await?;
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
        // The node's institutions, networks and projects go the same way, numbered after them.
        let removed_records = sqlx::query(
            "UPDATE records SET deleted = TRUE, data = NULL, data_hash = NULL, findings = NULL, last_changed = $1, \
             modified = $2 + r.n \
             FROM (SELECT kind AS rkind, id AS rid, row_number() OVER (ORDER BY kind, id) AS n FROM records \
                   WHERE node_id = $3 AND NOT deleted) AS r \
             WHERE records.kind = r.rkind AND records.node_id = $3 AND records.id = r.rid",
        )
        .bind(now)
        .bind(last + removed as i64)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("UPDATE hub_state SET last_change = $1 WHERE id = 1")
            .bind(last + (removed + removed_records) as i64)
            .execute(&mut *tx)
            .await?;
        for table in [
            "offer_locations",
            "offer_references",
            "quarantine",
            "record_references",
            "record_quarantine",
            "record_feeds",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE node_id = $1"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Some(removed))
    }
}

#[async_trait]
impl HarvestStore for Store {
    #[tracing::instrument(level = "debug", skip_all, fields(node = %node_id), err(level = "debug"))]
    async fn harvest_lock(&self, node_id: &str) -> Result<Option<HarvestLock>, StoreError> {
        super::harvest_lock(self, node_id).await
    }

    #[tracing::instrument(
        level = "debug",
        skip_all,
        fields(node = %page.node_id, items = page.items.len()),
        err(level = "debug")
    )]
    async fn store_page(&self, page: &PageWrite) -> Result<PageOutcome, StoreError> {
        super::store_page(self, page).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(node = %id), err(level = "debug"))]
    async fn record_harvest(&self, id: &str, record: &HarvestRecord) -> Result<(), StoreError> {
        let mut write = super::begin_write(self).await?;
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
        q.bind(id).execute(&mut *write).await?;
        super::end_write(write).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(node = %id, head = head), err(level = "debug"))]
    async fn record_head(&self, id: &str, head: i64, at: i64) -> Result<bool, StoreError> {
        let mut write = super::begin_write(self).await?;
        // `behind_since` reads the row as it was before the update. The larger of the two heads
        // is a CASE because the databases name the function differently (GREATEST, MAX); a
        // missing head compares as unknown and so gives way to the reported one.
        let done = sqlx::query(
            "UPDATE nodes SET reported_head = CASE WHEN reported_head >= $1 THEN reported_head ELSE $1 END, \
             behind_since = CASE WHEN $1 > COALESCE(checkpoint_modified, 0) THEN COALESCE(behind_since, $2) \
               ELSE behind_since END \
             WHERE id = $3",
        )
        .bind(head)
        .bind(at)
        .bind(id)
        .execute(&mut *write)
        .await?
        .rows_affected();
        super::end_write(write).await?;
        Ok(done == 1)
    }
}

#[async_trait]
impl OfferStore for Store {
    #[tracing::instrument(level = "debug", skip_all, fields(node = %node_id, offer = %id), err(level = "debug"))]
    async fn get_offer(&self, node_id: &str, id: &str) -> Result<Option<StoredOffer>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT modified, data, standard_version, node_modified, findings, first_seen, last_changed \
             FROM offers WHERE node_id = $1 AND id = $2 AND NOT deleted",
        )
        .bind(node_id)
        .bind(id)
        .fetch_optional(super::reader(self))
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
        .fetch_all(super::reader(self))
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

    #[tracing::instrument(level = "debug", skip_all, fields(node = %node_id, limit = limit), err(level = "debug"))]
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
        .fetch_all(super::reader(self))
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

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn node_counts(&self) -> Result<HashMap<String, NodeCounts>, StoreError> {
        let mut counts: HashMap<String, NodeCounts> = HashMap::new();
        let live: Vec<(String, i64)> =
            sqlx::query_as("SELECT node_id, COUNT(*) FROM offers WHERE NOT deleted GROUP BY node_id")
                .fetch_all(super::reader(self))
                .await?;
        for (node, n) in live {
            counts.entry(node).or_default().offers = n;
        }
        let quarantined: Vec<(String, i64)> =
            sqlx::query_as("SELECT node_id, COUNT(*) FROM quarantine GROUP BY node_id")
                .fetch_all(super::reader(self))
                .await?;
        for (node, n) in quarantined {
            counts.entry(node).or_default().quarantined = n;
        }
        Ok(counts)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(after = after, limit = limit), err(level = "debug"))]
    async fn feed_page(&self, after: i64, limit: u32) -> Result<Vec<FeedRow>, StoreError> {
        let rows: Vec<(String, String, i64, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT node_id, id, modified, data, standard_version FROM offers WHERE modified > $1 \
             ORDER BY modified LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(super::reader(self))
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

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn last_change(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT last_change FROM hub_state WHERE id = 1")
            .fetch_one(super::reader(self))
            .await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(after = after, limit = limit), err(level = "debug"))]
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
        .fetch_all(super::reader(self))
        .await?;
        let mut joined = Vec::with_capacity(rows.len());
        for row in &rows {
            let offer = IndexRow {
                node_id: row.try_get("node_id")?,
                id: row.try_get("id")?,
                modified: row.try_get("modified")?,
                data: row.try_get("data")?,
                last_changed: row.try_get("last_changed")?,
                placements: Vec::new(),
            };
            joined.push((offer, joined_placement(row)?));
        }
        Ok(group_by_offer(joined, |r| r.modified, |r| &mut r.placements))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(cutoff = cutoff), err(level = "debug"))]
    async fn purge_tombstones(&self, cutoff: i64) -> Result<u64, StoreError> {
        let mut write = super::begin_write(self).await?;
        let sql = format!("DELETE FROM offers WHERE {} AND last_changed < $1", super::TOMBSTONE);
        let done = sqlx::query(&sql).bind(cutoff).execute(&mut *write).await?.rows_affected();
        super::end_write(write).await?;
        Ok(done)
    }
}

#[async_trait]
impl QuarantineStore for Store {
    #[tracing::instrument(level = "debug", skip_all, fields(node = node_id, limit = limit), err(level = "debug"))]
    async fn list_quarantine(
        &self,
        node_id: Option<&str>,
        after: Option<(&str, &str)>,
        limit: u32,
    ) -> Result<Vec<QuarantineEntry>, StoreError> {
        let (after_node, after_id) = after.unwrap_or(("", ""));
        sqlx::query(
            "SELECT node_id, id, reason, findings, data, standard_version, node_modified, received_at \
             FROM quarantine WHERE (CAST($1 AS TEXT) IS NULL OR node_id = $1) AND (node_id, id) > ($2, $3) \
             ORDER BY node_id, id LIMIT $4",
        )
        .bind(node_id)
        .bind(after_node)
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(super::reader(self))
        .await?
        .iter()
        .map(quarantine_from_row)
        .collect()
    }
}

#[async_trait]
impl TokenStore for Store {
    #[tracing::instrument(level = "debug", skip_all, fields(token_name = %name), err(level = "debug"))]
    async fn create_token(
        &self,
        name: &str,
        role: Role,
        token_hash: &str,
        now: i64,
    ) -> Result<TokenInfo, StoreError> {
        let mut write = super::begin_write(self).await?;
        let token = super::tokens::create(&mut *write, name, role.as_str(), token_hash, now).await?;
        super::end_write(write).await?;
        token.try_into()
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenInfo>, StoreError> {
        super::tokens::by_hash(super::reader(self), token_hash).await?.map(TryInto::try_into).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        super::tokens::list(super::reader(self)).await?.into_iter().map(TryInto::try_into).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(token = id), err(level = "debug"))]
    async fn revoke_token(&self, id: i64, now: i64) -> Result<bool, StoreError> {
        let mut write = super::begin_write(self).await?;
        let done = super::tokens::revoke(&mut *write, id, now).await?;
        super::end_write(write).await?;
        Ok(done)
    }
}

#[async_trait]
impl GeocodeStore for Store {
    #[tracing::instrument(level = "debug", skip_all, fields(keys = keys.len()), err(level = "debug"))]
    async fn geocode_lookup(
        &self,
        keys: &[String],
    ) -> Result<HashMap<String, Option<(f64, f64)>>, StoreError> {
        super::geocode_lookup(self, keys).await
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn geocode_store(&self, key: &str, answer: Option<(f64, f64)>, now: i64) -> Result<(), StoreError> {
        let mut write = super::begin_write(self).await?;
        sqlx::query(
            "INSERT INTO geocode_cache (query, lat, lon, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (query) DO UPDATE SET lat = excluded.lat, lon = excluded.lon, created_at = excluded.created_at",
        )
        .bind(key)
        .bind(answer.map(|a| a.0))
        .bind(answer.map(|a| a.1))
        .bind(now)
        .execute(&mut *write)
        .await?;
        super::end_write(write).await?;
        Ok(())
    }
}
