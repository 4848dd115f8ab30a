//! The bulk reads and writes of a page of a kind's feed on PostgreSQL: every statement joins
//! `UNNEST` of arrays, one statement per [`WRITE_CHUNK`] rows.

use std::collections::HashMap;

use lotse_standard::rpde::Kind;
use sqlx::Row;
use sqlx::postgres::PgConnection;

use super::WRITE_CHUNK;
use crate::store::StoreError;
use crate::store::kinds::RecordPageWrite;
use crate::store::record_plan::{RecordBefore, RecordPlan};

const UPSERT_RECORDS: &str = "INSERT INTO records (kind, node_id, id, modified, deleted, data, data_hash, \
     standard_version, node_modified, findings, first_seen, last_changed, lat, lon, ags) \
     SELECT $1, $2, t.id, t.modified, FALSE, t.data, t.data_hash, t.standard_version, t.node_modified, t.findings, \
       $3, $3, t.lat, t.lon, t.ags \
     FROM UNNEST($4::text[], $5::int8[], $6::text[], $7::bytea[], $8::text[], $9::int8[], $10::text[], \
       $11::float8[], $12::float8[], $13::text[]) \
       AS t(id, modified, data, data_hash, standard_version, node_modified, findings, lat, lon, ags) \
     ON CONFLICT (kind, node_id, id) DO UPDATE SET modified = excluded.modified, deleted = excluded.deleted, \
       data = excluded.data, data_hash = excluded.data_hash, standard_version = excluded.standard_version, \
       node_modified = excluded.node_modified, findings = excluded.findings, last_changed = excluded.last_changed, \
       lat = excluded.lat, lon = excluded.lon, ags = excluded.ags";

const UPSERT_QUARANTINE: &str = "INSERT INTO record_quarantine (kind, node_id, id, reason, findings, data, \
     standard_version, node_modified, received_at) \
     SELECT $1, $2, t.id, t.reason, t.findings, t.data, t.standard_version, t.node_modified, $3 \
     FROM UNNEST($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int8[]) \
       AS t(id, reason, findings, data, standard_version, node_modified) \
     ON CONFLICT (kind, node_id, id) DO UPDATE SET reason = excluded.reason, findings = excluded.findings, \
       data = excluded.data, standard_version = excluded.standard_version, node_modified = excluded.node_modified, \
       received_at = excluded.received_at";

/// The stored state of a page's records; for projects also their latest history event, which
/// outlives a purged tombstone.
pub(super) async fn records_before(
    conn: &mut PgConnection,
    kind: Kind,
    node_id: &str,
    ids: &[&str],
    projects: bool,
) -> Result<HashMap<String, RecordBefore>, StoreError> {
    let mut before: HashMap<String, RecordBefore> = HashMap::with_capacity(ids.len());
    let rows = sqlx::query(
        "SELECT r.id, r.deleted, r.data_hash, r.standard_version, r.ags \
         FROM UNNEST($3::text[]) AS k(id) JOIN records r ON r.kind = $1 AND r.node_id = $2 AND r.id = k.id",
    )
    .bind(kind.singular())
    .bind(node_id)
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
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
    if projects {
        let rows = sqlx::query(
            "SELECT DISTINCT ON (h.id) h.id, h.seq, h.status \
             FROM UNNEST($2::text[]) AS k(id) JOIN project_history h ON h.node_id = $1 AND h.id = k.id \
             ORDER BY h.id, h.seq DESC",
        )
        .bind(node_id)
        .bind(ids)
        .fetch_all(&mut *conn)
        .await?;
        for row in rows {
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

/// Deletes the rows of `table` (keyed by kind, node and id) of the given records.
async fn delete_ids(
    conn: &mut PgConnection,
    table: &str,
    kind: Kind,
    node_id: &str,
    ids: &[&str],
) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "DELETE FROM {table} t USING UNNEST($3::text[]) AS k(id) WHERE t.kind = $1 AND t.node_id = $2 AND t.id = k.id"
    );
    sqlx::query(&sql).bind(kind.singular()).bind(node_id).bind(ids).execute(&mut *conn).await?;
    Ok(())
}

/// Writes a planned page.
pub(super) async fn write_record_plan(
    conn: &mut PgConnection,
    page: &RecordPageWrite,
    plan: &RecordPlan<'_>,
) -> Result<(), StoreError> {
    let kind = page.kind.singular();
    let node = page.node_id.as_str();
    for chunk in plan.upserts.chunks(WRITE_CHUNK) {
        let ids: Vec<&str> = chunk.iter().map(|(a, _)| a.id.as_str()).collect();
        let modified: Vec<i64> = chunk.iter().map(|(_, m)| *m).collect();
        let data: Vec<&str> = chunk.iter().map(|(a, _)| a.data.as_str()).collect();
        let hashes: Vec<&[u8]> = chunk.iter().map(|(a, _)| a.hash.as_slice()).collect();
        let versions: Vec<Option<&str>> = chunk.iter().map(|(a, _)| a.standard_version.as_deref()).collect();
        let node_modified: Vec<i64> = chunk.iter().map(|(a, _)| a.node_modified).collect();
        let findings: Vec<Option<&str>> = chunk.iter().map(|(a, _)| a.findings.as_deref()).collect();
        let lat: Vec<Option<f64>> = chunk.iter().map(|(a, _)| a.lat).collect();
        let lon: Vec<Option<f64>> = chunk.iter().map(|(a, _)| a.lon).collect();
        let ags: Vec<Option<&str>> = chunk.iter().map(|(a, _)| a.ags.as_deref()).collect();
        sqlx::query(UPSERT_RECORDS)
            .bind(kind)
            .bind(node)
            .bind(page.now)
            .bind(&ids)
            .bind(&modified)
            .bind(&data)
            .bind(&hashes)
            .bind(&versions)
            .bind(&node_modified)
            .bind(&findings)
            .bind(&lat)
            .bind(&lon)
            .bind(&ags)
            .execute(&mut *conn)
            .await?;
    }
    for chunk in plan.unchanged.chunks(WRITE_CHUNK) {
        let ids: Vec<&str> = chunk.iter().map(|(id, _)| *id).collect();
        let node_modified: Vec<i64> = chunk.iter().map(|(_, m)| *m).collect();
        sqlx::query(
            "UPDATE records r SET node_modified = v.node_modified \
             FROM UNNEST($3::text[], $4::int8[]) AS v(id, node_modified) \
             WHERE r.kind = $1 AND r.node_id = $2 AND r.id = v.id",
        )
        .bind(kind)
        .bind(node)
        .bind(&ids)
        .bind(&node_modified)
        .execute(&mut *conn)
        .await?;
    }
    for chunk in plan.tombstones.chunks(WRITE_CHUNK) {
        let ids: Vec<&str> = chunk.iter().map(|t| t.id).collect();
        let modified: Vec<i64> = chunk.iter().map(|t| t.modified).collect();
        let node_modified: Vec<i64> = chunk.iter().map(|t| t.node_modified).collect();
        sqlx::query(
            "UPDATE records r SET modified = v.modified, deleted = TRUE, data = NULL, data_hash = NULL, \
             standard_version = NULL, findings = NULL, node_modified = v.node_modified, last_changed = $3 \
             FROM UNNEST($4::text[], $5::int8[], $6::int8[]) AS v(id, modified, node_modified) \
             WHERE r.kind = $1 AND r.node_id = $2 AND r.id = v.id",
        )
        .bind(kind)
        .bind(node)
        .bind(page.now)
        .bind(&ids)
        .bind(&modified)
        .bind(&node_modified)
        .execute(&mut *conn)
        .await?;
    }
    delete_ids(conn, "record_references", page.kind, node, &plan.clear_references).await?;
    for chunk in plan.references.chunks(WRITE_CHUNK) {
        let ids: Vec<&str> = chunk.iter().map(|(id, _)| *id).collect();
        let pointers: Vec<&str> = chunk.iter().map(|(_, r)| r.pointer.as_str()).collect();
        let kinds: Vec<&str> = chunk.iter().map(|(_, r)| r.target_kind.singular()).collect();
        let nodes: Vec<&str> = chunk.iter().map(|(_, r)| r.target_node.as_str()).collect();
        let targets: Vec<&str> = chunk.iter().map(|(_, r)| r.target_id.as_str()).collect();
        // A record names each pointer once; a repeated pointer would be a defect upstream, and
        // the first one wins rather than failing the page.
        sqlx::query(
            "INSERT INTO record_references (kind, node_id, id, pointer, target_kind, target_node, target_id) \
             SELECT $1, $2, t.* FROM UNNEST($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t \
             ON CONFLICT DO NOTHING",
        )
        .bind(kind)
        .bind(node)
        .bind(&ids)
        .bind(&pointers)
        .bind(&kinds)
        .bind(&nodes)
        .bind(&targets)
        .execute(&mut *conn)
        .await?;
    }
    delete_ids(conn, "record_quarantine", page.kind, node, &plan.clear_quarantine).await?;
    for chunk in plan.quarantine.chunks(WRITE_CHUNK) {
        let ids: Vec<&str> = chunk.iter().map(|r| r.id.as_str()).collect();
        let reasons: Vec<&str> = chunk.iter().map(|r| r.reason.as_str()).collect();
        let findings: Vec<&str> = chunk.iter().map(|r| r.findings.as_str()).collect();
        let data: Vec<Option<&str>> = chunk.iter().map(|r| r.data.as_deref()).collect();
        let versions: Vec<Option<&str>> = chunk.iter().map(|r| r.standard_version.as_deref()).collect();
        let node_modified: Vec<i64> = chunk.iter().map(|r| r.node_modified).collect();
        sqlx::query(UPSERT_QUARANTINE)
            .bind(kind)
            .bind(node)
            .bind(page.now)
            .bind(&ids)
            .bind(&reasons)
            .bind(&findings)
            .bind(&data)
            .bind(&versions)
            .bind(&node_modified)
            .execute(&mut *conn)
            .await?;
    }
    for chunk in plan.events.chunks(WRITE_CHUNK) {
        let ids: Vec<&str> = chunk.iter().map(|e| e.id).collect();
        let seqs: Vec<i64> = chunk.iter().map(|e| e.seq).collect();
        let events: Vec<&str> = chunk.iter().map(|e| e.event).collect();
        let statuses: Vec<Option<&str>> = chunk.iter().map(|e| e.status).collect();
        let ags: Vec<Option<&str>> = chunk.iter().map(|e| e.ags).collect();
        sqlx::query(
            "INSERT INTO project_history (node_id, id, seq, at, event, status, ags) \
             SELECT $1, t.id, t.seq, $2, t.event, t.status, t.ags \
             FROM UNNEST($3::text[], $4::int8[], $5::text[], $6::text[], $7::text[]) AS t(id, seq, event, status, ags)",
        )
        .bind(node)
        .bind(page.now)
        .bind(&ids)
        .bind(&seqs)
        .bind(&events)
        .bind(&statuses)
        .bind(&ags)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
