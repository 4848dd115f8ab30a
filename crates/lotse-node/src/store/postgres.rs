//! The node's store on PostgreSQL: the production and scale-out store.
//!
//! Every writing transaction first locks the single `node_state` row (`SELECT … FOR UPDATE`),
//! takes its change numbers from it and updates it before commit. The lock serialises writers
//! until commit, and PostgreSQL makes a transaction visible before it releases its locks, so
//! change numbers become visible in commit order: nothing a feed reader has passed can appear
//! later. Bulk writes use `UNNEST` over arrays, one statement per 5,000 rows.

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};

use super::sqlite::duplicate_name;
use super::{
    Applied, ChangeSet, Existing, FeedRow, ImportBuilder, ImportCounts, ImportRecord, NewImport, NodeStore,
    PlannedWrite, Role, StoreError, StoreOptions, StoredOffer, TokenInfo, plan,
};

/// Rows per `INSERT … SELECT FROM UNNEST(…)` statement.
const WRITE_CHUNK: usize = 5000;
/// Ids per `= ANY($1)` lookup.
const LOOKUP_CHUNK: usize = 10_000;

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

    async fn existing(
        tx: &mut Transaction<'static, Postgres>,
        changes: &ChangeSet,
    ) -> Result<HashMap<String, Existing>, StoreError> {
        let mut existing = HashMap::new();
        let mut add = |row: PgRow| -> Result<(), StoreError> {
            existing.insert(
                row.try_get::<String, _>(0)?,
                Existing {
                    deleted: row.try_get(1)?,
                    hash: row.try_get(2)?,
                    standard_version: row.try_get(3)?,
                },
            );
            Ok(())
        };
        if changes.replace_all.is_some() {
            for row in sqlx::query("SELECT id, deleted, data_hash, standard_version FROM offers")
                .fetch_all(&mut **tx)
                .await?
            {
                add(row)?;
            }
            return Ok(existing);
        }
        let ids: Vec<&str> = changes
            .upserts
            .iter()
            .map(|w| w.id.as_str())
            .chain(changes.deletes.iter().map(String::as_str))
            .collect();
        for chunk in ids.chunks(LOOKUP_CHUNK) {
            for row in
                sqlx::query("SELECT id, deleted, data_hash, standard_version FROM offers WHERE id = ANY($1)")
                    .bind(chunk)
                    .fetch_all(&mut **tx)
                    .await?
            {
                add(row)?;
            }
        }
        Ok(existing)
    }
}

const UPSERT: &str = "INSERT INTO offers (id, modified, deleted, data, data_hash, standard_version, created_at, updated_at) \
     SELECT t.id, t.modified, t.deleted, t.data, t.data_hash, t.standard_version, $7, $7 \
     FROM UNNEST($1::text[], $2::bigint[], $3::bool[], $4::text[], $5::bytea[], $6::text[]) \
       AS t(id, modified, deleted, data, data_hash, standard_version) \
     ON CONFLICT (id) DO UPDATE SET modified = excluded.modified, deleted = excluded.deleted, \
       data = excluded.data, data_hash = excluded.data_hash, standard_version = excluded.standard_version, \
       updated_at = excluded.updated_at";

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

fn import_from_row(row: &PgRow, with_report: bool) -> Result<ImportRecord, StoreError> {
    let status: i32 = row.try_get("status")?;
    Ok(ImportRecord {
        id: row.try_get("id")?,
        token_id: row.try_get("token_id")?,
        token_name: row.try_get("token_name")?,
        received_at: row.try_get("received_at")?,
        operation: row.try_get("operation")?,
        mode: row.try_get("mode")?,
        format: row.try_get("format")?,
        status: u16::try_from(status).map_err(|_| StoreError::Inconsistent(format!("status {status}")))?,
        committed: row.try_get("committed")?,
        counts: ImportCounts {
            received: row.try_get("received")?,
            created: row.try_get("created")?,
            updated: row.try_get("updated")?,
            unchanged: row.try_get("unchanged")?,
            rejected: row.try_get("rejected")?,
            deleted: row.try_get("deleted")?,
        },
        report: if with_report { Some(row.try_get("report")?) } else { None },
    })
}

const INSERT_IMPORT: &str = "INSERT INTO imports (token_id, token_name, received_at, operation, mode, format, status, \
     committed, received, created, updated, unchanged, rejected, deleted, report) \
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) RETURNING id";

async fn insert_import<'e, E: sqlx::Executor<'e, Database = Postgres>>(
    executor: E,
    e: &NewImport,
) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(INSERT_IMPORT)
        .bind(e.token_id)
        .bind(&e.token_name)
        .bind(e.received_at)
        .bind(&e.operation)
        .bind(&e.mode)
        .bind(&e.format)
        .bind(i32::from(e.status))
        .bind(e.committed)
        .bind(e.counts.received)
        .bind(e.counts.created)
        .bind(e.counts.updated)
        .bind(e.counts.unchanged)
        .bind(e.counts.rejected)
        .bind(e.counts.deleted)
        .bind(&e.report)
        .fetch_one(executor)
        .await?;
    Ok(id)
}

fn stored_offer(
    (id, modified, data, standard_version, created_at, updated_at): (String, i64, String, String, i64, i64),
) -> StoredOffer {
    StoredOffer { id, modified, data, standard_version, created_at, updated_at }
}

#[async_trait]
impl NodeStore for PostgresStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn apply(
        &self,
        changes: ChangeSet,
        log: Option<ImportBuilder>,
    ) -> Result<(Applied, Option<i64>), StoreError> {
        let mut tx = self.pool.begin().await?;
        // Taken first, before any offer row is touched: writers queue here, and never hold an
        // offer row while waiting for the counter (which could deadlock).
        let last: i64 = sqlx::query_scalar("SELECT last_change FROM node_state WHERE id = 1 FOR UPDATE")
            .fetch_one(&mut *tx)
            .await?;
        let existing = Self::existing(&mut tx, &changes).await?;
        let plan = plan(&changes, &existing, last);
        drop(existing);
        for chunk in plan.writes.chunks(WRITE_CHUNK) {
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
            sqlx::query(UPSERT)
                .bind(&ids)
                .bind(&modified)
                .bind(&deleted)
                .bind(&data)
                .bind(&hashes)
                .bind(&versions)
                .bind(changes.now)
                .execute(&mut *tx)
                .await?;
        }
        if plan.applied.last_change != last {
            sqlx::query("UPDATE node_state SET last_change = $1 WHERE id = 1")
                .bind(plan.applied.last_change)
                .execute(&mut *tx)
                .await?;
        }
        let import_id = match log {
            Some(build) => Some(insert_import(&mut *tx, &build(&plan.applied)).await?),
            None => None,
        };
        tx.commit().await?;
        Ok((plan.applied, import_id))
    }

    async fn record_import(&self, entry: NewImport) -> Result<i64, StoreError> {
        insert_import(&self.pool, &entry).await
    }

    async fn get_offer(&self, id: &str) -> Result<Option<StoredOffer>, StoreError> {
        let row: Option<(String, i64, String, String, i64, i64)> = sqlx::query_as(
            "SELECT id, modified, data, standard_version, created_at, updated_at FROM offers \
             WHERE id = $1 AND NOT deleted",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(stored_offer))
    }

    async fn list_offers(&self, after_id: Option<&str>, limit: u32) -> Result<Vec<StoredOffer>, StoreError> {
        let rows: Vec<(String, i64, String, String, i64, i64)> = sqlx::query_as(
            "SELECT id, modified, data, standard_version, created_at, updated_at FROM offers \
             WHERE NOT deleted AND id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after_id.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(stored_offer).collect())
    }

    async fn count_offers(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM offers WHERE NOT deleted").fetch_one(&self.pool).await?)
    }

    async fn feed_page(&self, after: Option<(i64, &str)>, limit: u32) -> Result<Vec<FeedRow>, StoreError> {
        let (ts, id) = after.unwrap_or((0, ""));
        let rows: Vec<(String, i64, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT id, modified, data, standard_version FROM offers \
             WHERE modified >= $1 AND (modified > $1 OR id > $2) ORDER BY modified, id LIMIT $3",
        )
        .bind(ts)
        .bind(id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, modified, data, standard_version)| FeedRow { id, modified, data, standard_version })
            .collect())
    }

    async fn last_change(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT last_change FROM node_state WHERE id = 1")
            .fetch_one(&self.pool)
            .await?)
    }

    async fn purge_tombstones(&self, cutoff: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM offers WHERE deleted AND updated_at < $1")
            .bind(cutoff)
            .execute(&self.pool)
            .await?
            .rows_affected())
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
        .map_err(|e| duplicate_name(e, name))?;
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

    async fn list_imports(
        &self,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<ImportRecord>, StoreError> {
        sqlx::query(
            "SELECT id, token_id, token_name, received_at, operation, mode, format, status, committed, \
             received, created, updated, unchanged, rejected, deleted FROM imports \
             WHERE id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(before_id.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| import_from_row(r, false))
        .collect()
    }

    async fn get_import(&self, id: i64) -> Result<Option<ImportRecord>, StoreError> {
        sqlx::query("SELECT * FROM imports WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(|r| import_from_row(r, true))
            .transpose()
    }
}
