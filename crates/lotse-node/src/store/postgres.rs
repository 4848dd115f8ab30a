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

use super::sqlite::{
    SessionRow, duplicate_name, duplicate_user, pending_from_row, session_from_row, session_owner_columns,
};
use super::{
    Applied, ChangeSet, Existing, FeedRow, ImportBuilder, ImportCounts, ImportRecord, NewImport, NodeStore,
    PendingImport, PlannedWrite, Role, Session, StewardUser, StoreError, StoreOptions, StoredOffer,
    TokenInfo, like_pattern, plan,
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

    async fn search_offers(
        &self,
        query: Option<&str>,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<StoredOffer>, i64), StoreError> {
        // As on SQLite: the title object's JSON text holds every language's title.
        let filter = "NOT deleted AND ($1::text IS NULL OR lower(id) LIKE $2 ESCAPE '\\' \
                      OR lower((data::json -> 'title')::text) LIKE $2 ESCAPE '\\')";
        let query = query.map(str::trim).filter(|q| !q.is_empty());
        // PostgreSQL's `lower` folds all of Unicode, so one lower-cased pattern suffices.
        let lower = query.map(|q| like_pattern(&q.to_lowercase()));
        let rows: Vec<(String, i64, String, String, i64, i64)> = sqlx::query_as(&format!(
            "SELECT id, modified, data, standard_version, created_at, updated_at FROM offers \
             WHERE {filter} ORDER BY id LIMIT $3 OFFSET $4"
        ))
        .bind(query)
        .bind(&lower)
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(&self.pool)
        .await?;
        let (total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM offers WHERE {filter}"))
            .bind(query)
            .bind(&lower)
            .fetch_one(&self.pool)
            .await?;
        let offers = rows
            .into_iter()
            .map(|(id, modified, data, standard_version, created_at, updated_at)| StoredOffer {
                id,
                modified,
                data,
                standard_version,
                created_at,
                updated_at,
            })
            .collect();
        Ok((offers, total))
    }

    async fn create_user(
        &self,
        name: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<StewardUser, StoreError> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO steward_users (name, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4) \
             RETURNING id",
        )
        .bind(name)
        .bind(password_hash)
        .bind(now)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| duplicate_user(e, name))?;
        Ok(StewardUser { id, name: name.to_owned(), created_at: now, updated_at: now })
    }

    async fn user_by_name(&self, name: &str) -> Result<Option<(StewardUser, String)>, StoreError> {
        let row: Option<(i64, String, i64, i64, String)> = sqlx::query_as(
            "SELECT id, name, created_at, updated_at, password_hash FROM steward_users WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id, name, created_at, updated_at, hash)| {
            (StewardUser { id, name, created_at, updated_at }, hash)
        }))
    }

    async fn set_user_password(&self, name: &str, password_hash: &str, now: i64) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: Option<(i64,)> = sqlx::query_as(
            "UPDATE steward_users SET password_hash = $1, updated_at = $2 WHERE name = $3 RETURNING id",
        )
        .bind(password_hash)
        .bind(now)
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((id,)) = id else {
            return Ok(false);
        };
        sqlx::query("DELETE FROM steward_sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn remove_user(&self, name: &str) -> Result<bool, StoreError> {
        // Sessions and their pending uploads go by ON DELETE CASCADE.
        let done =
            sqlx::query("DELETE FROM steward_users WHERE name = $1").bind(name).execute(&self.pool).await?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_users(&self) -> Result<Vec<StewardUser>, StoreError> {
        let rows: Vec<(i64, String, i64, i64)> =
            sqlx::query_as("SELECT id, name, created_at, updated_at FROM steward_users ORDER BY name")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, created_at, updated_at)| StewardUser { id, name, created_at, updated_at })
            .collect())
    }

    async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        let (token_id, user_id) = session_owner_columns(session.owner);
        sqlx::query(
            "INSERT INTO steward_sessions (id_hash, node_id, token_id, user_id, name, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&session.id_hash)
        .bind(&session.node_id)
        .bind(token_id)
        .bind(user_id)
        .bind(&session.name)
        .bind(session.created_at)
        .bind(session.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session_by_hash(&self, id_hash: &str, now: i64) -> Result<Option<Session>, StoreError> {
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT s.id_hash, s.node_id, s.token_id, s.user_id, s.name, s.created_at, s.expires_at \
             FROM steward_sessions s LEFT JOIN tokens t ON t.id = s.token_id \
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND (s.token_id IS NULL OR (t.id IS NOT NULL AND t.revoked_at IS NULL))",
        )
        .bind(id_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(session_from_row).transpose()
    }

    async fn delete_session(&self, id_hash: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM steward_sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn purge_expired_sessions(&self, now: i64) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let a = sqlx::query("DELETE FROM pending_imports WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let b = sqlx::query("DELETE FROM steward_sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(a.rows_affected() + b.rows_affected())
    }

    async fn put_pending_import(&self, p: &PendingImport) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO pending_imports (id, session_hash, file_name, format, body, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&p.id)
        .bind(&p.session_hash)
        .bind(&p.file_name)
        .bind(&p.format)
        .bind(&p.body)
        .bind(p.created_at)
        .bind(p.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn pending_import(
        &self,
        id: &str,
        session_hash: &str,
        now: i64,
    ) -> Result<Option<PendingImport>, StoreError> {
        let row: Option<(String, String, String, String, Vec<u8>, i64, i64)> = sqlx::query_as(
            "SELECT id, session_hash, file_name, format, body, created_at, expires_at FROM pending_imports \
             WHERE id = $1 AND session_hash = $2 AND expires_at > $3",
        )
        .bind(id)
        .bind(session_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(pending_from_row))
    }

    async fn delete_pending_import(&self, id: &str, session_hash: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM pending_imports WHERE id = $1 AND session_hash = $2")
            .bind(id)
            .bind(session_hash)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
