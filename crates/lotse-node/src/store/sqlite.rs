//! The node's store on SQLite: the embedded default.
//!
//! WAL journal with `synchronous = FULL`, so an acknowledged commit survives a power cut. All
//! writes go through a pool of exactly one connection and start with `BEGIN IMMEDIATE`, which
//! takes the write lock at once: a transaction never fails halfway because another writer
//! (for example `lotse node token create` in a second process) got there first; it waits up to
//! the busy timeout instead. Reads use a separate pool and never block writes.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};

use super::{
    Applied, ChangeSet, Existing, FeedRow, ImportBuilder, ImportCounts, ImportRecord, NewImport, NodeStore,
    PendingImport, PlannedWrite, Role, Session, SessionOwner, StewardUser, StoreError, StoreOptions,
    StoredOffer, TokenInfo, like_pattern, plan,
};

/// How long a writer waits for the database lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// Rows per multi-row INSERT: 8 parameters each stay well below SQLite's 32,766.
const WRITE_CHUNK: usize = 1000;
/// Ids per `IN (…)` lookup.
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
            .foreign_keys(true);
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if !in_memory && let Some(dir) = connect.get_filename().parent().filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        }
        let write = SqlitePoolOptions::new().max_connections(1).connect_with(connect.clone()).await?;
        sqlx::migrate!("../../migrations/sqlite/node").run(&write).await?;
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

    async fn existing(
        tx: &mut Transaction<'static, Sqlite>,
        changes: &ChangeSet,
    ) -> Result<HashMap<String, Existing>, StoreError> {
        let mut existing = HashMap::new();
        let mut add = |row: sqlx::sqlite::SqliteRow| -> Result<(), StoreError> {
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
            let rows = sqlx::query("SELECT id, deleted, data_hash, standard_version FROM offers")
                .fetch_all(&mut **tx)
                .await?;
            for row in rows {
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
            let sql = format!(
                "SELECT id, deleted, data_hash, standard_version FROM offers WHERE id IN ({})",
                placeholders(chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            for row in q.fetch_all(&mut **tx).await? {
                add(row)?;
            }
        }
        Ok(existing)
    }
}

fn placeholders(n: usize) -> String {
    let mut s = String::with_capacity(n * 2);
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push('?');
    }
    s
}

fn upsert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO offers (id, modified, deleted, data, data_hash, standard_version, created_at, updated_at) VALUES ",
    );
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str("(?,?,?,?,?,?,?,?)");
    }
    sql.push_str(
        " ON CONFLICT (id) DO UPDATE SET modified = excluded.modified, deleted = excluded.deleted, \
         data = excluded.data, data_hash = excluded.data_hash, standard_version = excluded.standard_version, \
         updated_at = excluded.updated_at",
    );
    sql
}

fn token_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<TokenInfo, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(TokenInfo {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Inconsistent(format!("unknown role {role:?}")))?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

fn import_from_row(row: &sqlx::sqlite::SqliteRow, with_report: bool) -> Result<ImportRecord, StoreError> {
    let status: i64 = row.try_get("status")?;
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
     VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id";

async fn insert_import<'e, E: sqlx::Executor<'e, Database = Sqlite>>(
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
        .bind(i64::from(e.status))
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

#[async_trait]
impl NodeStore for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    async fn apply(
        &self,
        changes: ChangeSet,
        log: Option<ImportBuilder>,
    ) -> Result<(Applied, Option<i64>), StoreError> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let last: i64 =
            sqlx::query_scalar("SELECT last_change FROM node_state WHERE id = 1").fetch_one(&mut *tx).await?;
        let existing = Self::existing(&mut tx, &changes).await?;
        let plan = plan(&changes, &existing, last);
        drop(existing);
        for chunk in plan.writes.chunks(WRITE_CHUNK) {
            let sql = upsert_sql(chunk.len());
            let mut q = sqlx::query(&sql);
            for w in chunk {
                q = match w {
                    PlannedWrite::Upsert { index, modified } => {
                        let o = &changes.upserts[*index];
                        q.bind(o.id.as_str())
                            .bind(*modified)
                            .bind(false)
                            .bind(o.data.as_str())
                            .bind(o.hash.as_slice())
                            .bind(o.standard_version.as_str())
                    }
                    PlannedWrite::Tombstone { id, modified } => q
                        .bind(id.as_str())
                        .bind(*modified)
                        .bind(true)
                        .bind(None::<&str>)
                        .bind(None::<&[u8]>)
                        .bind(None::<&str>),
                };
                q = q.bind(changes.now).bind(changes.now);
            }
            q.execute(&mut *tx).await?;
        }
        if plan.applied.last_change != last {
            sqlx::query("UPDATE node_state SET last_change = ? WHERE id = 1")
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
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let id = insert_import(&mut *tx, &entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn get_offer(&self, id: &str) -> Result<Option<StoredOffer>, StoreError> {
        let row: Option<(String, i64, String, String, i64, i64)> = sqlx::query_as(
            "SELECT id, modified, data, standard_version, created_at, updated_at FROM offers \
             WHERE id = ? AND deleted = 0",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(|(id, modified, data, standard_version, created_at, updated_at)| StoredOffer {
            id,
            modified,
            data,
            standard_version,
            created_at,
            updated_at,
        }))
    }

    async fn list_offers(&self, after_id: Option<&str>, limit: u32) -> Result<Vec<StoredOffer>, StoreError> {
        let rows: Vec<(String, i64, String, String, i64, i64)> = sqlx::query_as(
            "SELECT id, modified, data, standard_version, created_at, updated_at FROM offers \
             WHERE deleted = 0 AND id > ? ORDER BY id LIMIT ?",
        )
        .bind(after_id.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, modified, data, standard_version, created_at, updated_at)| StoredOffer {
                id,
                modified,
                data,
                standard_version,
                created_at,
                updated_at,
            })
            .collect())
    }

    async fn count_offers(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM offers WHERE deleted = 0").fetch_one(&self.read).await?)
    }

    async fn feed_page(&self, after: Option<(i64, &str)>, limit: u32) -> Result<Vec<FeedRow>, StoreError> {
        // Change numbers start at 1, so (0, "") is before every row. The first condition lets
        // SQLite walk the (modified, id) index from the right place.
        let (ts, id) = after.unwrap_or((0, ""));
        let rows: Vec<(String, i64, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT id, modified, data, standard_version FROM offers \
             WHERE modified >= ?1 AND (modified > ?1 OR id > ?2) ORDER BY modified, id LIMIT ?3",
        )
        .bind(ts)
        .bind(id)
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, modified, data, standard_version)| FeedRow { id, modified, data, standard_version })
            .collect())
    }

    async fn last_change(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT last_change FROM node_state WHERE id = 1")
            .fetch_one(&self.read)
            .await?)
    }

    async fn purge_tombstones(&self, cutoff: i64) -> Result<u64, StoreError> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let done = sqlx::query("DELETE FROM offers WHERE deleted = 1 AND updated_at < ?")
            .bind(cutoff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(done)
    }

    async fn create_token(
        &self,
        name: &str,
        role: Role,
        token_hash: &str,
        now: i64,
    ) -> Result<TokenInfo, StoreError> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
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
        .map_err(|e| duplicate_name(e, name))?;
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
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let done = sqlx::query("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
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
             WHERE id < ? ORDER BY id DESC LIMIT ?",
        )
        .bind(before_id.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| import_from_row(r, false))
        .collect()
    }

    async fn get_import(&self, id: i64) -> Result<Option<ImportRecord>, StoreError> {
        sqlx::query("SELECT * FROM imports WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.read)
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
        // The title object's JSON text holds every language's title; searching it is enough
        // for a steward's list and needs no separate index.
        let filter = "deleted = 0 AND (? IS NULL OR lower(id) LIKE ? ESCAPE '\\' OR id LIKE ? ESCAPE '\\' \
                      OR lower(json_extract(data, '$.title')) LIKE ? ESCAPE '\\' \
                      OR json_extract(data, '$.title') LIKE ? ESCAPE '\\')";
        let query = query.map(str::trim).filter(|q| !q.is_empty());
        let (lower, typed) = match query {
            Some(q) => (Some(like_pattern(&q.to_lowercase())), Some(like_pattern(q))),
            None => (None, None),
        };
        let rows: Vec<(String, i64, String, String, i64, i64)> = sqlx::query_as(&format!(
            "SELECT id, modified, data, standard_version, created_at, updated_at FROM offers \
             WHERE {filter} ORDER BY id LIMIT ? OFFSET ?"
        ))
        .bind(query)
        .bind(&lower)
        .bind(&typed)
        .bind(&lower)
        .bind(&typed)
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(&self.read)
        .await?;
        let (total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM offers WHERE {filter}"))
            .bind(query)
            .bind(&lower)
            .bind(&typed)
            .bind(&lower)
            .bind(&typed)
            .fetch_one(&self.read)
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
            "INSERT INTO steward_users (name, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?) \
             RETURNING id",
        )
        .bind(name)
        .bind(password_hash)
        .bind(now)
        .bind(now)
        .fetch_one(&self.write)
        .await
        .map_err(|e| duplicate_user(e, name))?;
        Ok(StewardUser { id, name: name.to_owned(), created_at: now, updated_at: now })
    }

    async fn user_by_name(&self, name: &str) -> Result<Option<(StewardUser, String)>, StoreError> {
        let row: Option<(i64, String, i64, i64, String)> = sqlx::query_as(
            "SELECT id, name, created_at, updated_at, password_hash FROM steward_users WHERE name = ?",
        )
        .bind(name)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(|(id, name, created_at, updated_at, hash)| {
            (StewardUser { id, name, created_at, updated_at }, hash)
        }))
    }

    async fn set_user_password(&self, name: &str, password_hash: &str, now: i64) -> Result<bool, StoreError> {
        let mut tx = self.write.begin().await?;
        let id: Option<(i64,)> = sqlx::query_as(
            "UPDATE steward_users SET password_hash = ?, updated_at = ? WHERE name = ? RETURNING id",
        )
        .bind(password_hash)
        .bind(now)
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((id,)) = id else {
            return Ok(false);
        };
        sqlx::query("DELETE FROM steward_sessions WHERE user_id = ?").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn remove_user(&self, name: &str) -> Result<bool, StoreError> {
        // Sessions and their pending uploads go by ON DELETE CASCADE.
        let done =
            sqlx::query("DELETE FROM steward_users WHERE name = ?").bind(name).execute(&self.write).await?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_users(&self) -> Result<Vec<StewardUser>, StoreError> {
        let rows: Vec<(i64, String, i64, i64)> =
            sqlx::query_as("SELECT id, name, created_at, updated_at FROM steward_users ORDER BY name")
                .fetch_all(&self.read)
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
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&session.id_hash)
        .bind(&session.node_id)
        .bind(token_id)
        .bind(user_id)
        .bind(&session.name)
        .bind(session.created_at)
        .bind(session.expires_at)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn session_by_hash(&self, id_hash: &str, now: i64) -> Result<Option<Session>, StoreError> {
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT s.id_hash, s.node_id, s.token_id, s.user_id, s.name, s.created_at, s.expires_at \
             FROM steward_sessions s LEFT JOIN tokens t ON t.id = s.token_id \
             WHERE s.id_hash = ? AND s.expires_at > ? AND (s.token_id IS NULL OR (t.id IS NOT NULL AND t.revoked_at IS NULL))",
        )
        .bind(id_hash)
        .bind(now)
        .fetch_optional(&self.read)
        .await?;
        row.map(session_from_row).transpose()
    }

    async fn delete_session(&self, id_hash: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM steward_sessions WHERE id_hash = ?")
            .bind(id_hash)
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn purge_expired_sessions(&self, now: i64) -> Result<u64, StoreError> {
        let mut tx = self.write.begin().await?;
        let a = sqlx::query("DELETE FROM pending_imports WHERE expires_at <= ?")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let b = sqlx::query("DELETE FROM steward_sessions WHERE expires_at <= ?")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(a.rows_affected() + b.rows_affected())
    }

    async fn put_pending_import(&self, p: &PendingImport) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO pending_imports (id, session_hash, file_name, format, body, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&p.id)
        .bind(&p.session_hash)
        .bind(&p.file_name)
        .bind(&p.format)
        .bind(&p.body)
        .bind(p.created_at)
        .bind(p.expires_at)
        .execute(&self.write)
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
             WHERE id = ? AND session_hash = ? AND expires_at > ?",
        )
        .bind(id)
        .bind(session_hash)
        .bind(now)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(pending_from_row))
    }

    async fn delete_pending_import(&self, id: &str, session_hash: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM pending_imports WHERE id = ? AND session_hash = ?")
            .bind(id)
            .bind(session_hash)
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// Maps the unique violation of an active token name to [`StoreError::DuplicateTokenName`].
pub(super) fn duplicate_name(e: sqlx::Error, name: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::DuplicateTokenName(name.to_owned())
        }
        _ => StoreError::Database(e),
    }
}

pub(super) fn duplicate_user(e: sqlx::Error, name: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::DuplicateUserName(name.to_owned())
        }
        _ => StoreError::Database(e),
    }
}

/// `(id_hash, node_id, token_id, user_id, name, created_at, expires_at)`
pub(super) type SessionRow = (String, String, Option<i64>, Option<i64>, String, i64, i64);

pub(super) fn session_owner_columns(owner: SessionOwner) -> (Option<i64>, Option<i64>) {
    match owner {
        SessionOwner::Token(id) => (Some(id), None),
        SessionOwner::User(id) => (None, Some(id)),
    }
}

pub(super) fn session_from_row(row: SessionRow) -> Result<Session, StoreError> {
    let (id_hash, node_id, token_id, user_id, name, created_at, expires_at) = row;
    let owner = match (token_id, user_id) {
        (Some(t), None) => SessionOwner::Token(t),
        (None, Some(u)) => SessionOwner::User(u),
        _ => return Err(StoreError::Inconsistent("a session must have either a token or an account".into())),
    };
    Ok(Session { id_hash, node_id, owner, name, created_at, expires_at })
}

/// `(id, session_hash, file_name, format, body, created_at, expires_at)`
pub(super) fn pending_from_row(row: (String, String, String, String, Vec<u8>, i64, i64)) -> PendingImport {
    let (id, session_hash, file_name, format, body, created_at, expires_at) = row;
    PendingImport { id, session_hash, file_name, format, body, created_at, expires_at }
}
