//! The queries of the operator's view ([`crate::store::quality`]), written once for SQLite and
//! PostgreSQL. Like `shared.rs`, this file is compiled as a module of each dialect module and
//! names its database only through what that module defines (`Db`, `Store`, `reader`, `begin`
//! and `values`, the placeholders of a multi-row `VALUES`).

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::Row;

use super::Store;
use super::shared::{DbRow, joined_placement};
use crate::store::quality::{
    LinkCheck, LinkCheckStore, QualityAggregate, QualityInput, QualityRow, QualityStore, SessionStore,
    Snapshot, SnapshotScope, SnapshotStore,
};
use crate::store::{StoreError, TokenInfo, group_by_offer};

/// Rows per multi-row INSERT: 12 parameters each stay below SQLite's 32,766 and PostgreSQL's
/// 65,535.
const CHUNK: usize = 1000;

const QUALITY_COLUMNS: &str = "node_id, id, score, findings, warnings, expired, unverified, offer_type, \
     life_phases, ags, urls, computed_at";

fn quality_from_row(row: &DbRow) -> Result<QualityRow, StoreError> {
    Ok(QualityRow {
        node_id: row.try_get("node_id")?,
        id: row.try_get("id")?,
        score: row.try_get("score")?,
        findings: row.try_get("findings")?,
        warnings: row.try_get("warnings")?,
        expired: row.try_get::<i64, _>("expired")? != 0,
        unverified: row.try_get::<i64, _>("unverified")? != 0,
        offer_type: row.try_get("offer_type")?,
        life_phases: row.try_get("life_phases")?,
        ags: row.try_get("ags")?,
        urls: row.try_get("urls")?,
        computed_at: row.try_get("computed_at")?,
    })
}

fn snapshot_from_row(row: &DbRow, scope: SnapshotScope) -> Result<Snapshot, StoreError> {
    Ok(Snapshot {
        scope,
        key: row.try_get("key")?,
        day: row.try_get("day")?,
        offers: row.try_get("offers")?,
        mean_score: row.try_get("mean_score")?,
        warnings: row.try_get("warnings")?,
        expired: row.try_get("expired")?,
        unverified: row.try_get("unverified")?,
        by_type: row.try_get("by_type")?,
        by_phase: row.try_get("by_phase")?,
    })
}

#[async_trait]
impl QualityStore for Store {
    #[tracing::instrument(level = "debug", skip_all, fields(after = after, limit = limit), err(level = "debug"))]
    async fn quality_inputs(&self, after: i64, limit: u32) -> Result<Vec<QualityInput>, StoreError> {
        let rows = sqlx::query(
            "SELECT o.node_id, o.id, o.modified, o.data, o.findings, o.last_changed, l.idx, l.lat, l.lon, \
             l.precision, l.declared_ags, l.found_ags, l.mismatch, l.distance_m \
             FROM (SELECT node_id, id, modified, data, findings, last_changed FROM offers WHERE modified > $1 \
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
            let input = QualityInput {
                node_id: row.try_get("node_id")?,
                id: row.try_get("id")?,
                modified: row.try_get("modified")?,
                data: row.try_get("data")?,
                findings: row.try_get("findings")?,
                last_changed: row.try_get("last_changed")?,
                placements: Vec::new(),
            };
            joined.push((input, joined_placement(row)?));
        }
        Ok(group_by_offer(joined, |r| r.modified, |r| &mut r.placements))
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn quality_position(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT last_change FROM quality_state WHERE id = 1")
            .fetch_one(super::reader(self))
            .await?)
    }

    #[tracing::instrument(
        level = "debug",
        skip_all,
        fields(rows = rows.len(), removed = removed.len(), position = position),
        err(level = "debug")
    )]
    async fn write_quality(
        &self,
        rows: &[QualityRow],
        removed: &[(String, String)],
        position: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut tx = super::begin(self).await?;
        for chunk in rows.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO offer_quality ({QUALITY_COLUMNS}) VALUES {} \
                 ON CONFLICT (node_id, id) DO UPDATE SET score = excluded.score, findings = excluded.findings, \
                 warnings = excluded.warnings, expired = excluded.expired, unverified = excluded.unverified, \
                 offer_type = excluded.offer_type, life_phases = excluded.life_phases, ags = excluded.ags, \
                 urls = excluded.urls, computed_at = excluded.computed_at",
                super::values(chunk.len(), 12)
            );
            let mut q = sqlx::query(&sql);
            for r in chunk {
                q = q
                    .bind(&r.node_id)
                    .bind(&r.id)
                    .bind(r.score)
                    .bind(&r.findings)
                    .bind(r.warnings)
                    .bind(i64::from(r.expired))
                    .bind(i64::from(r.unverified))
                    .bind(&r.offer_type)
                    .bind(&r.life_phases)
                    .bind(&r.ags)
                    .bind(&r.urls)
                    .bind(r.computed_at);
            }
            q.execute(&mut *tx).await?;
        }
        for (node_id, id) in removed {
            sqlx::query("DELETE FROM offer_quality WHERE node_id = $1 AND id = $2")
                .bind(node_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(p) = position {
            sqlx::query("UPDATE quality_state SET last_change = $1 WHERE id = 1")
                .bind(p)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn prune_quality(&self) -> Result<u64, StoreError> {
        let mut tx = super::begin(self).await?;
        let n = sqlx::query(
            "DELETE FROM offer_quality WHERE NOT EXISTS (SELECT 1 FROM offers o \
             WHERE o.node_id = offer_quality.node_id AND o.id = offer_quality.id AND NOT o.deleted)",
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(node = %node_id, offer = %id), err(level = "debug"))]
    async fn get_quality(&self, node_id: &str, id: &str) -> Result<Option<QualityRow>, StoreError> {
        sqlx::query(&format!("SELECT {QUALITY_COLUMNS} FROM offer_quality WHERE node_id = $1 AND id = $2"))
            .bind(node_id)
            .bind(id)
            .fetch_optional(super::reader(self))
            .await?
            .as_ref()
            .map(quality_from_row)
            .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(node = node_id, limit = limit), err(level = "debug"))]
    async fn list_quality(
        &self,
        node_id: Option<&str>,
        after: Option<(&str, &str)>,
        limit: u32,
    ) -> Result<Vec<QualityRow>, StoreError> {
        let (after_node, after_id) = after.unwrap_or(("", ""));
        sqlx::query(&format!(
            "SELECT {QUALITY_COLUMNS} FROM offer_quality WHERE (CAST($1 AS TEXT) IS NULL OR node_id = $1) \
             AND (node_id > $2 OR (node_id = $2 AND id > $3)) ORDER BY node_id, id LIMIT $4"
        ))
        .bind(node_id)
        .bind(after_node)
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(super::reader(self))
        .await?
        .iter()
        .map(quality_from_row)
        .collect()
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn quality_by_node(&self) -> Result<HashMap<String, QualityAggregate>, StoreError> {
        // The casts give both databases the same result types: PostgreSQL's AVG and SUM of a
        // BIGINT are NUMERIC.
        let rows: Vec<(String, i64, Option<f64>, i64, i64, i64)> = sqlx::query_as(
            "SELECT node_id, COUNT(*), CAST(AVG(score) AS DOUBLE PRECISION), COUNT(*) FILTER (WHERE warnings > 0), \
             CAST(SUM(expired) AS BIGINT), CAST(SUM(unverified) AS BIGINT) FROM offer_quality GROUP BY node_id",
        )
        .fetch_all(super::reader(self))
        .await?;
        let mut out: HashMap<String, QualityAggregate> = rows
            .into_iter()
            .map(|(node, offers, mean_score, with_warnings, expired, unverified)| {
                (
                    node,
                    QualityAggregate {
                        offers,
                        mean_score,
                        with_warnings,
                        expired,
                        unverified,
                        quarantined: 0,
                    },
                )
            })
            .collect();
        let quarantined: Vec<(String, i64)> =
            sqlx::query_as("SELECT node_id, COUNT(*) FROM quarantine GROUP BY node_id")
                .fetch_all(super::reader(self))
                .await?;
        for (node, n) in quarantined {
            out.entry(node).or_default().quarantined = n;
        }
        Ok(out)
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn score_bands(&self) -> Result<[i64; 10], StoreError> {
        // Scores lie in 0..=100, so 100 joins the band of the nineties; a CASE because the
        // smaller of two values is LEAST on PostgreSQL and MIN on SQLite.
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT CASE WHEN score < 90 THEN score / 10 ELSE 9 END, COUNT(*) FROM offer_quality GROUP BY 1",
        )
        .fetch_all(super::reader(self))
        .await?;
        let mut bands = [0; 10];
        for (band, n) in rows {
            if let Some(b) = usize::try_from(band).ok().and_then(|b| bands.get_mut(b)) {
                *b = n;
            }
        }
        Ok(bands)
    }
}

#[async_trait]
impl LinkCheckStore for Store {
    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn link_checks(&self) -> Result<HashMap<String, LinkCheck>, StoreError> {
        let rows: Vec<(String, String, i64, i64, Option<i64>, Option<String>)> =
            sqlx::query_as("SELECT url, day, checked_at, ok, status, error FROM link_checks")
                .fetch_all(super::reader(self))
                .await?;
        Ok(rows
            .into_iter()
            .map(|(url, day, checked_at, ok, status, error)| {
                (url.clone(), LinkCheck { url, day, checked_at, ok: ok != 0, status, error })
            })
            .collect())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(checks = checks.len()), err(level = "debug"))]
    async fn record_link_checks(&self, checks: &[LinkCheck]) -> Result<(), StoreError> {
        let mut tx = super::begin(self).await?;
        for chunk in checks.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO link_checks (url, day, checked_at, ok, status, error) VALUES {} \
                 ON CONFLICT (url) DO UPDATE SET day = excluded.day, checked_at = excluded.checked_at, \
                 ok = excluded.ok, status = excluded.status, error = excluded.error",
                super::values(chunk.len(), 6)
            );
            let mut q = sqlx::query(&sql);
            for c in chunk {
                q = q
                    .bind(&c.url)
                    .bind(&c.day)
                    .bind(c.checked_at)
                    .bind(i64::from(c.ok))
                    .bind(c.status)
                    .bind(&c.error);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl SnapshotStore for Store {
    #[tracing::instrument(level = "debug", skip_all, fields(snapshots = snapshots.len()), err(level = "debug"))]
    async fn write_snapshots(&self, snapshots: &[Snapshot]) -> Result<(), StoreError> {
        let mut tx = super::begin(self).await?;
        for chunk in snapshots.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO quality_snapshots (scope, key, day, offers, mean_score, warnings, expired, \
                 unverified, by_type, by_phase) VALUES {} \
                 ON CONFLICT (scope, key, day) DO UPDATE SET offers = excluded.offers, \
                 mean_score = excluded.mean_score, warnings = excluded.warnings, expired = excluded.expired, \
                 unverified = excluded.unverified, by_type = excluded.by_type, by_phase = excluded.by_phase",
                super::values(chunk.len(), 10)
            );
            let mut q = sqlx::query(&sql);
            for s in chunk {
                q = q
                    .bind(s.scope.as_str())
                    .bind(&s.key)
                    .bind(&s.day)
                    .bind(s.offers)
                    .bind(s.mean_score)
                    .bind(s.warnings)
                    .bind(s.expired)
                    .bind(s.unverified)
                    .bind(&s.by_type)
                    .bind(&s.by_phase);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(scope = scope.as_str(), key = key), err(level = "debug"))]
    async fn snapshots(
        &self,
        scope: SnapshotScope,
        key: Option<&str>,
        from: &str,
        to: &str,
    ) -> Result<Vec<Snapshot>, StoreError> {
        sqlx::query(
            "SELECT key, day, offers, mean_score, warnings, expired, unverified, by_type, by_phase \
             FROM quality_snapshots WHERE scope = $1 AND (CAST($2 AS TEXT) IS NULL OR key = $2) \
             AND day >= $3 AND day <= $4 ORDER BY key, day",
        )
        .bind(scope.as_str())
        .bind(key)
        .bind(from)
        .bind(to)
        .fetch_all(super::reader(self))
        .await?
        .iter()
        .map(|r| snapshot_from_row(r, scope))
        .collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(scope = scope.as_str()), err(level = "debug"))]
    async fn latest_snapshot_day(&self, scope: SnapshotScope) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT MAX(day) FROM quality_snapshots WHERE scope = $1")
            .bind(scope.as_str())
            .fetch_one(super::reader(self))
            .await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(figures = figures.len()), err(level = "debug"))]
    async fn replace_population(&self, figures: &[(String, i64)], now: i64) -> Result<(), StoreError> {
        let mut tx = super::begin(self).await?;
        sqlx::query("DELETE FROM population").execute(&mut *tx).await?;
        for chunk in figures.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO population (ags, population, updated_at) VALUES {}",
                super::values(chunk.len(), 3)
            );
            let mut q = sqlx::query(&sql);
            for (ags, n) in chunk {
                q = q.bind(ags).bind(n).bind(now);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn population(&self) -> Result<HashMap<String, i64>, StoreError> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT ags, population FROM population").fetch_all(super::reader(self)).await?;
        Ok(rows.into_iter().collect())
    }
}

#[async_trait]
impl SessionStore for Store {
    #[tracing::instrument(level = "debug", skip_all, fields(token = token_id), err(level = "debug"))]
    async fn create_session(
        &self,
        session_hash: &str,
        token_id: i64,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let mut tx = super::begin(self).await?;
        sqlx::query(
            "INSERT INTO operator_sessions (session_hash, token_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(session_hash)
        .bind(token_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn session_token(&self, session_hash: &str, now: i64) -> Result<Option<TokenInfo>, StoreError> {
        sqlx::query_as::<_, lotse_store::TokenRecord>(
            "SELECT t.id, t.name, t.role, t.created_at, t.revoked_at FROM operator_sessions s \
             JOIN tokens t ON t.id = s.token_id \
             WHERE s.session_hash = $1 AND s.expires_at > $2 AND t.revoked_at IS NULL",
        )
        .bind(session_hash)
        .bind(now)
        .fetch_optional(super::reader(self))
        .await?
        .map(TryInto::try_into)
        .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn delete_session(&self, session_hash: &str, now: i64) -> Result<(), StoreError> {
        let mut tx = super::begin(self).await?;
        sqlx::query("DELETE FROM operator_sessions WHERE session_hash = $1 OR expires_at <= $2")
            .bind(session_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
