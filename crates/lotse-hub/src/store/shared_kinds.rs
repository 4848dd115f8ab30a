//! The queries of [`RecordStore`] (standard 1.1's kinds and the references of every kind),
//! written once and compiled per database like `shared.rs`. It uses the dialect's `reader`,
//! `begin`, `begin_write`, `end_write` and `lock_counter`.
//!
//! A page is planned once (`record_plan.rs`) and written by the dialect's bulk statements
//! (`sqlite/records.rs`, `postgres/records.rs`), like a page of offers.

use async_trait::async_trait;
use lotse_standard::rpde::Kind;
use sqlx::Row;

use super::{Db, Store};
use crate::store::kinds::{
    DanglingReference, ProjectEvent, RecordFeed, RecordFilter, RecordPageWrite, RecordStore, ReferenceRow,
    Referrer, StoredRecord,
};
use crate::store::record_plan::{last_record_items, plan_record_page, record_ids};
use crate::store::{Checkpoint, FeedRow, PageOutcome, QuarantineEntry, StoreError};

type DbRow = <Db as sqlx::Database>::Row;

/// The references of every kind as one relation: the other kinds' and the offers'.
const ALL_REFERENCES: &str = "SELECT kind, node_id, id, pointer, target_kind, target_node, target_id \
     FROM record_references UNION ALL \
     SELECT 'offer', node_id, offer_id, pointer, target_kind, target_node, target_id FROM offer_references";

const RECORD_COLUMNS: &str = "kind, node_id, id, modified, data, standard_version, findings, first_seen, \
                              last_changed, lat, lon, ags";

/// A kind as stored (its singular).
fn kind_of(s: &str) -> Result<Kind, StoreError> {
    Kind::from_singular(s).ok_or_else(|| StoreError::Inconsistent(format!("unknown kind {s:?}")))
}

fn record_from_row(row: &DbRow) -> Result<StoredRecord, StoreError> {
    Ok(StoredRecord {
        kind: kind_of(row.try_get::<&str, _>("kind")?)?,
        node_id: row.try_get("node_id")?,
        id: row.try_get("id")?,
        modified: row.try_get("modified")?,
        data: row.try_get("data")?,
        standard_version: row.try_get("standard_version")?,
        findings: row.try_get("findings")?,
        first_seen: row.try_get("first_seen")?,
        last_changed: row.try_get("last_changed")?,
        lat: row.try_get("lat")?,
        lon: row.try_get("lon")?,
        ags: row.try_get("ags")?,
    })
}

fn reference_from_row(row: &DbRow) -> Result<ReferenceRow, StoreError> {
    Ok(ReferenceRow {
        pointer: row.try_get("pointer")?,
        target_kind: kind_of(row.try_get::<&str, _>("target_kind")?)?,
        target_node: row.try_get("target_node")?,
        target_id: row.try_get("target_id")?,
    })
}

/// Writes a page in the transaction the dialect began for it (see
/// [`RecordStore::store_record_page`]) and commits it: the change counter is locked, the
/// checkpoint checked, the stored state of the page's records read in bulk, the page planned
/// ([`plan_record_page`]) and the plan written by the dialect's bulk statements.
pub(super) async fn write_record_page(
    mut tx: sqlx::Transaction<'_, Db>,
    page: &RecordPageWrite,
) -> Result<PageOutcome, StoreError> {
    let last = super::lock_counter(&mut tx).await?;
    let stored = sqlx::query(
        "SELECT checkpoint_modified, checkpoint_id FROM record_feeds WHERE node_id = $1 AND kind = $2",
    )
    .bind(&page.node_id)
    .bind(page.kind.singular())
    .fetch_optional(&mut *tx)
    .await?;
    let current = match stored {
        Some(row) => {
            let m: Option<i64> = row.try_get(0)?;
            let id: Option<String> = row.try_get(1)?;
            m.zip(id).map(|(modified, id)| Checkpoint { modified, id })
        }
        None => None,
    };
    if current != page.after {
        return Err(StoreError::CheckpointMoved(page.node_id.clone()));
    }
    let items = last_record_items(&page.items);
    let ids = record_ids(&items);
    let projects = page.kind == Kind::Project;
    let before = super::records::records_before(&mut tx, page.kind, &page.node_id, &ids, projects).await?;
    let plan = plan_record_page(&items, &before, projects, last);
    super::records::write_record_plan(&mut tx, page, &plan).await?;
    if plan.last_change != last {
        sqlx::query("UPDATE hub_state SET last_change = $1 WHERE id = 1")
            .bind(plan.last_change)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO record_feeds (node_id, kind, checkpoint_modified, checkpoint_id, published, items_harvested) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (node_id, kind) DO UPDATE SET \
         checkpoint_modified = excluded.checkpoint_modified, checkpoint_id = excluded.checkpoint_id, \
         published = excluded.published, items_harvested = record_feeds.items_harvested + excluded.items_harvested",
    )
    .bind(&page.node_id)
    .bind(page.kind.singular())
    .bind(page.checkpoint.modified)
    .bind(&page.checkpoint.id)
    .bind(true)
    .bind(i64::try_from(page.items.len()).unwrap_or(i64::MAX))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(plan.outcome)
}

#[async_trait]
impl RecordStore for Store {
    #[tracing::instrument(level = "debug", skip_all, fields(node = %node_id, kind = %kind), err(level = "debug"))]
    async fn record_feed(&self, node_id: &str, kind: Kind) -> Result<RecordFeed, StoreError> {
        let row = sqlx::query(
            "SELECT checkpoint_modified, checkpoint_id, published, last_harvest_at, last_error, items_harvested \
             FROM record_feeds WHERE node_id = $1 AND kind = $2",
        )
        .bind(node_id)
        .bind(kind.singular())
        .fetch_optional(super::reader(self))
        .await?;
        let Some(row) = row else { return Ok(RecordFeed { published: true, ..RecordFeed::default() }) };
        let modified: Option<i64> = row.try_get("checkpoint_modified")?;
        let id: Option<String> = row.try_get("checkpoint_id")?;
        Ok(RecordFeed {
            checkpoint: modified.zip(id).map(|(modified, id)| Checkpoint { modified, id }),
            published: row.try_get("published")?,
            last_harvest_at: row.try_get("last_harvest_at")?,
            last_error: row.try_get("last_error")?,
            items_harvested: row.try_get("items_harvested")?,
        })
    }

    #[tracing::instrument(
        level = "debug",
        skip_all,
        fields(node = %page.node_id, kind = %page.kind, items = page.items.len()),
        err(level = "debug")
    )]
    async fn store_record_page(&self, page: &RecordPageWrite) -> Result<PageOutcome, StoreError> {
        super::store_record_page(self, page).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(node = %node_id, kind = %kind), err(level = "debug"))]
    async fn record_feed_harvest(
        &self,
        node_id: &str,
        kind: Kind,
        published: bool,
        error: Option<&str>,
        at: i64,
    ) -> Result<(), StoreError> {
        let mut write = super::begin_write(self).await?;
        sqlx::query(
            "INSERT INTO record_feeds (node_id, kind, published, last_harvest_at, last_error) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (node_id, kind) DO UPDATE SET \
             published = excluded.published, last_harvest_at = excluded.last_harvest_at, last_error = excluded.last_error",
        )
        .bind(node_id)
        .bind(kind.singular())
        .bind(published)
        .bind(at)
        .bind(error)
        .execute(&mut *write)
        .await?;
        super::end_write(write).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(kind = %kind, node = %node_id, id = %id), err(level = "debug"))]
    async fn get_record(
        &self,
        kind: Kind,
        node_id: &str,
        id: &str,
    ) -> Result<Option<StoredRecord>, StoreError> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE kind = $1 AND node_id = $2 AND id = $3 AND NOT deleted"
        );
        sqlx::query(&sql)
            .bind(kind.singular())
            .bind(node_id)
            .bind(id)
            .fetch_optional(super::reader(self))
            .await?
            .as_ref()
            .map(record_from_row)
            .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(kind = %kind, limit = limit), err(level = "debug"))]
    async fn list_records(
        &self,
        kind: Kind,
        filter: &RecordFilter,
        after: Option<(&str, &str)>,
        limit: u32,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let (after_node, after_id) = after.unwrap_or(("", ""));
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE kind = $1 AND NOT deleted \
             AND (CAST($2 AS TEXT) IS NULL OR node_id = $2) AND (CAST($3 AS TEXT) IS NULL OR ags = $3) \
             AND (node_id > $4 OR (node_id = $4 AND id > $5)) ORDER BY node_id, id LIMIT $6"
        );
        sqlx::query(&sql)
            .bind(kind.singular())
            .bind(filter.node_id.as_deref())
            .bind(filter.ags.as_deref())
            .bind(after_node)
            .bind(after_id)
            .bind(i64::from(limit))
            .fetch_all(super::reader(self))
            .await?
            .iter()
            .map(record_from_row)
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(kind = %kind), err(level = "debug"))]
    async fn record_counts(&self, kind: Kind) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT node_id, COUNT(*) FROM records WHERE kind = $1 AND NOT deleted GROUP BY node_id ORDER BY node_id",
        )
        .bind(kind.singular())
        .fetch_all(super::reader(self))
        .await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(kind = %kind, after = after, limit = limit), err(level = "debug"))]
    async fn record_feed_page(&self, kind: Kind, after: i64, limit: u32) -> Result<Vec<FeedRow>, StoreError> {
        let rows: Vec<(String, String, i64, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT node_id, id, modified, data, standard_version FROM records WHERE kind = $1 AND modified > $2 \
             ORDER BY modified LIMIT $3",
        )
        .bind(kind.singular())
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

    #[tracing::instrument(level = "debug", skip_all, fields(kind = %kind, node = %node_id, id = %id), err(level = "debug"))]
    async fn references_of(
        &self,
        kind: Kind,
        node_id: &str,
        id: &str,
    ) -> Result<Vec<ReferenceRow>, StoreError> {
        // Offers keep their references beside them (`offer_references`), the other kinds here.
        let sql = match kind {
            Kind::Offer => {
                "SELECT pointer, target_kind, target_node, target_id FROM offer_references \
                 WHERE $1 = 'offer' AND node_id = $2 AND offer_id = $3 ORDER BY pointer"
            }
            _ => {
                "SELECT pointer, target_kind, target_node, target_id FROM record_references \
                 WHERE kind = $1 AND node_id = $2 AND id = $3 ORDER BY pointer"
            }
        };
        sqlx::query(sql)
            .bind(kind.singular())
            .bind(node_id)
            .bind(id)
            .fetch_all(super::reader(self))
            .await?
            .iter()
            .map(reference_from_row)
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(kind = %kind, node = %node_id, id = %id), err(level = "debug"))]
    async fn referrers(&self, kind: Kind, node_id: &str, id: &str) -> Result<Vec<Referrer>, StoreError> {
        let sql = format!(
            "SELECT kind, node_id, id, pointer FROM ({ALL_REFERENCES}) r \
             WHERE target_kind = $1 AND target_node = $2 AND target_id = $3 ORDER BY kind, node_id, id, pointer"
        );
        sqlx::query(&sql)
            .bind(kind.singular())
            .bind(node_id)
            .bind(id)
            .fetch_all(super::reader(self))
            .await?
            .iter()
            .map(|row| {
                Ok(Referrer {
                    kind: kind_of(row.try_get::<&str, _>("kind")?)?,
                    node_id: row.try_get("node_id")?,
                    id: row.try_get("id")?,
                    pointer: row.try_get("pointer")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(limit = limit), err(level = "debug"))]
    async fn dangling_references(
        &self,
        node_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<DanglingReference>, StoreError> {
        // One anti-join over the references and the records' primary key.
        let sql = format!(
            "SELECT r.kind, r.node_id, r.id, r.pointer, r.target_kind, r.target_node, r.target_id \
             FROM ({ALL_REFERENCES}) r WHERE (CAST($1 AS TEXT) IS NULL OR r.node_id = $1) AND NOT EXISTS ( \
               SELECT 1 FROM records t WHERE t.kind = r.target_kind AND t.node_id = r.target_node \
               AND t.id = r.target_id AND NOT t.deleted) \
             ORDER BY r.kind, r.node_id, r.id, r.pointer LIMIT $2"
        );
        sqlx::query(&sql)
            .bind(node_id)
            .bind(i64::from(limit))
            .fetch_all(super::reader(self))
            .await?
            .iter()
            .map(|row| {
                Ok(DanglingReference {
                    kind: kind_of(row.try_get::<&str, _>("kind")?)?,
                    node_id: row.try_get("node_id")?,
                    id: row.try_get("id")?,
                    reference: reference_from_row(row)?,
                })
            })
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(kind = %kind, limit = limit), err(level = "debug"))]
    async fn dangling_references_between(
        &self,
        kind: Kind,
        first: (&str, &str),
        last: (&str, &str),
        limit: u32,
    ) -> Result<Vec<DanglingReference>, StoreError> {
        // The same anti-join as `dangling_references`, over the key range of a page of
        // `list_records` (whose order it shares).
        let sql = format!(
            "SELECT r.kind, r.node_id, r.id, r.pointer, r.target_kind, r.target_node, r.target_id \
             FROM ({ALL_REFERENCES}) r WHERE r.kind = $1 \
             AND (r.node_id > $2 OR (r.node_id = $2 AND r.id >= $3)) \
             AND (r.node_id < $4 OR (r.node_id = $4 AND r.id <= $5)) AND NOT EXISTS ( \
               SELECT 1 FROM records t WHERE t.kind = r.target_kind AND t.node_id = r.target_node \
               AND t.id = r.target_id AND NOT t.deleted) \
             ORDER BY r.node_id, r.id, r.pointer LIMIT $6"
        );
        sqlx::query(&sql)
            .bind(kind.singular())
            .bind(first.0)
            .bind(first.1)
            .bind(last.0)
            .bind(last.1)
            .bind(i64::from(limit))
            .fetch_all(super::reader(self))
            .await?
            .iter()
            .map(|row| {
                Ok(DanglingReference {
                    kind: kind_of(row.try_get::<&str, _>("kind")?)?,
                    node_id: row.try_get("node_id")?,
                    id: row.try_get("id")?,
                    reference: reference_from_row(row)?,
                })
            })
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn dangling_counts(&self) -> Result<Vec<(String, Kind, i64)>, StoreError> {
        let sql = format!(
            "SELECT r.node_id, r.kind, COUNT(*) FROM ({ALL_REFERENCES}) r WHERE NOT EXISTS ( \
               SELECT 1 FROM records t WHERE t.kind = r.target_kind AND t.node_id = r.target_node \
               AND t.id = r.target_id AND NOT t.deleted) \
             GROUP BY r.node_id, r.kind ORDER BY r.node_id, r.kind"
        );
        let rows: Vec<(String, String, i64)> = sqlx::query_as(&sql).fetch_all(super::reader(self)).await?;
        rows.into_iter().map(|(node, kind, n)| Ok((node, kind_of(&kind)?, n))).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(from = from, to = to), err(level = "debug"))]
    async fn project_events(&self, from: i64, to: i64, limit: u32) -> Result<Vec<ProjectEvent>, StoreError> {
        let rows: Vec<(String, String, i64, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT node_id, id, at, event, status, ags FROM project_history WHERE at >= $1 AND at <= $2 \
             ORDER BY at, node_id, id, seq LIMIT $3",
        )
        .bind(from)
        .bind(to)
        .bind(i64::from(limit))
        .fetch_all(super::reader(self))
        .await?;
        Ok(rows
            .into_iter()
            .map(|(node_id, id, at, event, status, ags)| ProjectEvent { node_id, id, at, event, status, ags })
            .collect())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(at = at), err(level = "debug"))]
    async fn projects_at(&self, at: i64) -> Result<Vec<ProjectEvent>, StoreError> {
        let rows: Vec<(String, String, i64, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT h.node_id, h.id, h.at, h.event, h.status, h.ags FROM project_history h \
             WHERE h.at <= $1 AND h.event <> 'removed' AND NOT EXISTS ( \
               SELECT 1 FROM project_history l WHERE l.node_id = h.node_id AND l.id = h.id \
               AND l.at <= $1 AND l.seq > h.seq) \
             ORDER BY h.node_id, h.id",
        )
        .bind(at)
        .fetch_all(super::reader(self))
        .await?;
        Ok(rows
            .into_iter()
            .map(|(node_id, id, at, event, status, ags)| ProjectEvent { node_id, id, at, event, status, ags })
            .collect())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(kind = %kind, limit = limit), err(level = "debug"))]
    async fn list_record_quarantine(
        &self,
        kind: Kind,
        node_id: Option<&str>,
        after: Option<(&str, &str)>,
        limit: u32,
    ) -> Result<Vec<QuarantineEntry>, StoreError> {
        let (after_node, after_id) = after.unwrap_or(("", ""));
        sqlx::query(
            "SELECT node_id, id, reason, findings, data, standard_version, node_modified, received_at \
             FROM record_quarantine WHERE kind = $1 AND (CAST($2 AS TEXT) IS NULL OR node_id = $2) \
             AND (node_id, id) > ($3, $4) ORDER BY node_id, id LIMIT $5",
        )
        .bind(kind.singular())
        .bind(node_id)
        .bind(after_node)
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(super::reader(self))
        .await?
        .iter()
        .map(super::shared::quarantine_from_row)
        .collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(cutoff = cutoff), err(level = "debug"))]
    async fn purge_record_tombstones(&self, cutoff: i64) -> Result<u64, StoreError> {
        let mut write = super::begin_write(self).await?;
        let sql = format!("DELETE FROM records WHERE {} AND last_changed < $1", super::TOMBSTONE);
        let n = sqlx::query(&sql).bind(cutoff).execute(&mut *write).await?.rows_affected();
        super::end_write(write).await?;
        Ok(n)
    }
}
