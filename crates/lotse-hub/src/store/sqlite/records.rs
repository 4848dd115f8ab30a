//! The bulk reads and writes of a page of a kind's feed on SQLite: `IN (…)` lists of at most
//! [`LOOKUP_CHUNK`] ids, multi-row `VALUES` of at most [`RECORD_CHUNK`] rows, and `UPDATE …
//! FROM` a `VALUES` list for records that already exist.

use std::collections::HashMap;

use lotse_standard::rpde::Kind;
use sqlx::{Row, SqliteConnection};

use super::{LOOKUP_CHUNK, list, values};
use crate::store::StoreError;
use crate::store::kinds::RecordPageWrite;
use crate::store::record_plan::{RecordBefore, RecordPlan};

/// Rows per multi-row statement: 15 parameters each stay below SQLite's 32,766.
const RECORD_CHUNK: usize = 1000;

/// Deletes the rows of `table` (keyed by kind, node and id) of the given records.
async fn delete_ids(
    conn: &mut SqliteConnection,
    table: &str,
    kind: Kind,
    node_id: &str,
    ids: &[&str],
) -> Result<(), StoreError> {
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        let sql =
            format!("DELETE FROM {table} WHERE kind = ? AND node_id = ? AND id IN ({})", list(chunk.len()));
        let mut q = sqlx::query(&sql).bind(kind.singular()).bind(node_id);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The stored state of a page's records; for projects also their latest history event, which
/// outlives a purged tombstone.
pub(super) async fn records_before(
    conn: &mut SqliteConnection,
    kind: Kind,
    node_id: &str,
    ids: &[&str],
    projects: bool,
) -> Result<HashMap<String, RecordBefore>, StoreError> {
    let mut before: HashMap<String, RecordBefore> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        let sql = format!(
            "SELECT id, deleted, data_hash, standard_version, ags FROM records \
             WHERE kind = ? AND node_id = ? AND id IN ({})",
            list(chunk.len())
        );
        let mut q = sqlx::query(&sql).bind(kind.singular()).bind(node_id);
        for id in chunk {
            q = q.bind(*id);
        }
        for row in q.fetch_all(&mut *conn).await? {
            before.insert(
                row.try_get("id")?,
                RecordBefore {
                    deleted: row.try_get("deleted")?,
                    hash: row.try_get("data_hash")?,
                    standard_version: row.try_get("standard_version")?,
                    ags: row.try_get("ags")?,
                    ..RecordBefore::default()
                },
            );
        }
        if !projects {
            continue;
        }
        let sql = format!(
            "SELECT h.id, h.seq, h.status FROM project_history h WHERE h.node_id = ? AND h.id IN ({}) \
             AND NOT EXISTS (SELECT 1 FROM project_history l WHERE l.node_id = h.node_id AND l.id = h.id \
             AND l.seq > h.seq)",
            list(chunk.len())
        );
        let mut q = sqlx::query(&sql).bind(node_id);
        for id in chunk {
            q = q.bind(*id);
        }
        for row in q.fetch_all(&mut *conn).await? {
            // A project known only from its history was purged: not live.
            let b = before
                .entry(row.try_get("id")?)
                .or_insert_with(|| RecordBefore { deleted: true, ..RecordBefore::default() });
            b.last_seq = row.try_get("seq")?;
            b.status = row.try_get("status")?;
        }
    }
    Ok(before)
}

/// Writes a planned page.
pub(super) async fn write_record_plan(
    conn: &mut SqliteConnection,
    page: &RecordPageWrite,
    plan: &RecordPlan<'_>,
) -> Result<(), StoreError> {
    let kind = page.kind.singular();
    let node = page.node_id.as_str();
    for chunk in plan.upserts.chunks(RECORD_CHUNK) {
        let sql = format!(
            "INSERT INTO records (kind, node_id, id, modified, deleted, data, data_hash, standard_version, \
             node_modified, findings, first_seen, last_changed, lat, lon, ags) VALUES {} \
             ON CONFLICT (kind, node_id, id) DO UPDATE SET modified = excluded.modified, deleted = excluded.deleted, \
             data = excluded.data, data_hash = excluded.data_hash, standard_version = excluded.standard_version, \
             node_modified = excluded.node_modified, findings = excluded.findings, last_changed = excluded.last_changed, \
             lat = excluded.lat, lon = excluded.lon, ags = excluded.ags",
            values(chunk.len(), 15)
        );
        let mut q = sqlx::query(&sql);
        for (a, modified) in chunk {
            q = q
                .bind(kind)
                .bind(node)
                .bind(a.id.as_str())
                .bind(*modified)
                .bind(false)
                .bind(a.data.as_str())
                .bind(a.hash.as_slice())
                .bind(a.standard_version.as_deref())
                .bind(a.node_modified)
                .bind(a.findings.as_deref())
                .bind(page.now)
                .bind(page.now)
                .bind(a.lat)
                .bind(a.lon)
                .bind(a.ags.as_deref());
        }
        q.execute(&mut *conn).await?;
    }
    for chunk in plan.unchanged.chunks(RECORD_CHUNK) {
        let sql = format!(
            "WITH v(id, node_modified) AS (VALUES {}) UPDATE records SET node_modified = v.node_modified \
             FROM v WHERE records.kind = ? AND records.node_id = ? AND records.id = v.id",
            values(chunk.len(), 2)
        );
        let mut q = sqlx::query(&sql);
        for (id, node_modified) in chunk {
            q = q.bind(*id).bind(*node_modified);
        }
        q.bind(kind).bind(node).execute(&mut *conn).await?;
    }
    for chunk in plan.tombstones.chunks(RECORD_CHUNK) {
        let sql = format!(
            "WITH v(id, modified, node_modified) AS (VALUES {}) UPDATE records SET modified = v.modified, \
             deleted = 1, data = NULL, data_hash = NULL, standard_version = NULL, findings = NULL, \
             node_modified = v.node_modified, last_changed = ? \
             FROM v WHERE records.kind = ? AND records.node_id = ? AND records.id = v.id",
            values(chunk.len(), 3)
        );
        let mut q = sqlx::query(&sql);
        for t in chunk {
            q = q.bind(t.id).bind(t.modified).bind(t.node_modified);
        }
        q.bind(page.now).bind(kind).bind(node).execute(&mut *conn).await?;
    }
    delete_ids(conn, "record_references", page.kind, node, &plan.clear_references).await?;
    for chunk in plan.references.chunks(RECORD_CHUNK) {
        // A record names each pointer once; a repeated pointer would be a defect upstream, and
        // the first one wins rather than failing the page.
        let sql = format!(
            "INSERT INTO record_references (kind, node_id, id, pointer, target_kind, target_node, target_id) \
             VALUES {} ON CONFLICT DO NOTHING",
            values(chunk.len(), 7)
        );
        let mut q = sqlx::query(&sql);
        for (id, r) in chunk {
            q = q
                .bind(kind)
                .bind(node)
                .bind(*id)
                .bind(r.pointer.as_str())
                .bind(r.target_kind.singular())
                .bind(r.target_node.as_str())
                .bind(r.target_id.as_str());
        }
        q.execute(&mut *conn).await?;
    }
    delete_ids(conn, "record_quarantine", page.kind, node, &plan.clear_quarantine).await?;
    for chunk in plan.quarantine.chunks(RECORD_CHUNK) {
        let sql = format!(
            "INSERT INTO record_quarantine (kind, node_id, id, reason, findings, data, standard_version, \
             node_modified, received_at) VALUES {} \
             ON CONFLICT (kind, node_id, id) DO UPDATE SET reason = excluded.reason, \
             findings = excluded.findings, data = excluded.data, standard_version = excluded.standard_version, \
             node_modified = excluded.node_modified, received_at = excluded.received_at",
            values(chunk.len(), 9)
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(kind)
                .bind(node)
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
    for chunk in plan.events.chunks(RECORD_CHUNK) {
        let sql = format!(
            "INSERT INTO project_history (node_id, id, seq, at, event, status, ags) VALUES {}",
            values(chunk.len(), 7)
        );
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q.bind(node).bind(e.id).bind(e.seq).bind(page.now).bind(e.event).bind(e.status).bind(e.ags);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}
