//! Every query the two databases agree on, written once.
//!
//! This file is compiled twice, as `sqlite::shared` and as `postgres::shared` (path attribute in
//! each dialect file). It names its database and store only as `super::Db` and `super::Store`,
//! and calls what differs through functions and constants that both dialect files define with
//! the same names and signatures: `read_pool`, `write_pool`, `begin_write`, `TAKE_LAST_CHANGE`,
//! `LOOKUP_CHUNK`, `ids_condition`, `bind_ids`, `bind_ids_as`, `WRITE_CHUNK`, `write_chunk`,
//! `TOMBSTONE`, `search_filter`, `search_args` and `tokens`. Record queries name their table
//! with [`table`] (one table per kind, all shaped the same). Placeholders are `$1, $2, …`, which SQLite
//! accepts as well.

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::{Row, Transaction};

use super::{Db, Store};
use crate::store::plan::{Existing, plan};
use crate::store::{
    AccountStore, Applied, ChangeSet, FeedRow, ImportBuilder, ImportCounts, ImportRecord, ImportStore, Kind,
    NewImport, PendingImport, RecordStore, Role, Session, SessionOwner, StewardUser, StoreError,
    StoredRecord, TokenInfo, TokenStore, table,
};

type DbRow = <Db as sqlx::Database>::Row;

/// `(id, modified, data, standard_version, created_at, updated_at)` of a live record.
type RecordRow = (String, i64, String, String, i64, i64);

const RECORD_COLUMNS: &str = "id, modified, data, standard_version, created_at, updated_at";

fn stored_record((id, modified, data, standard_version, created_at, updated_at): RecordRow) -> StoredRecord {
    StoredRecord { id, modified, data, standard_version, created_at, updated_at }
}

/// The stored state of the ids a change set touches: of every record of the kind for a
/// complete set (which deletes the rest), else of the ids sent, looked up in chunks as the
/// dialect binds them.
async fn existing(
    tx: &mut Transaction<'static, Db>,
    kind: Kind,
    changes: &ChangeSet,
) -> Result<HashMap<String, Existing>, StoreError> {
    let select = format!("SELECT id, deleted, data_hash, standard_version FROM {}", table(kind));
    let mut existing = HashMap::new();
    let mut add = |row: DbRow| -> Result<(), StoreError> {
        existing.insert(
            row.try_get::<String, _>(0)?,
            Existing { deleted: row.try_get(1)?, hash: row.try_get(2)?, standard_version: row.try_get(3)? },
        );
        Ok(())
    };
    if changes.replace_all.is_some() {
        for row in sqlx::query(&select).fetch_all(&mut **tx).await? {
            add(row)?;
        }
    } else {
        let ids: Vec<&str> = changes
            .upserts
            .iter()
            .map(|w| w.id.as_str())
            .chain(changes.deletes.iter().map(String::as_str))
            .collect();
        for chunk in ids.chunks(super::LOOKUP_CHUNK) {
            let sql = format!("{select} WHERE {}", super::ids_condition(chunk.len()));
            for row in super::bind_ids(sqlx::query(&sql), chunk).fetch_all(&mut **tx).await? {
                add(row)?;
            }
        }
    }
    Ok(existing)
}

/// Columns of an import-log entry without its report (listings leave it out).
const IMPORT_COLUMNS: &str = "id, kind, token_id, token_name, received_at, operation, mode, format, status, committed, \
                              received, created, updated, unchanged, rejected, deleted";

async fn insert_import<'e, E: sqlx::Executor<'e, Database = Db>>(
    executor: E,
    e: &NewImport,
) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO imports (token_id, token_name, received_at, operation, mode, format, status, \
         committed, received, created, updated, unchanged, rejected, deleted, report, kind) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) RETURNING id",
    )
    .bind(e.token_id)
    .bind(&e.token_name)
    .bind(e.received_at)
    .bind(&e.operation)
    .bind(&e.mode)
    .bind(&e.format)
    // `status` is an INTEGER column on both databases, which is 32 bits on PostgreSQL.
    .bind(i32::from(e.status))
    .bind(e.committed)
    .bind(e.counts.received)
    .bind(e.counts.created)
    .bind(e.counts.updated)
    .bind(e.counts.unchanged)
    .bind(e.counts.rejected)
    .bind(e.counts.deleted)
    .bind(&e.report)
    .bind(e.kind.singular())
    .fetch_one(executor)
    .await?;
    Ok(id)
}

fn import_from_row(row: &DbRow, with_report: bool) -> Result<ImportRecord, StoreError> {
    let status: i32 = row.try_get("status")?;
    Ok(ImportRecord {
        id: row.try_get("id")?,
        kind: stored_kind(row.try_get("kind")?)?,
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

/// A kind as the import log and pending uploads store it (its singular).
fn stored_kind(s: String) -> Result<Kind, StoreError> {
    Kind::from_singular(&s).ok_or_else(|| StoreError::Inconsistent(format!("unknown kind {s:?}")))
}

/// Maps a unique violation (the account name) to [`StoreError::DuplicateUserName`].
fn duplicate_user(e: sqlx::Error, name: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::DuplicateUserName(name.to_owned())
        }
        _ => StoreError::Database(e),
    }
}

/// `(id_hash, node_id, token_id, user_id, name, created_at, expires_at)`
type SessionRow = (String, String, Option<i64>, Option<i64>, String, i64, i64);

fn session_from_row(row: SessionRow) -> Result<Session, StoreError> {
    let (id_hash, node_id, token_id, user_id, name, created_at, expires_at) = row;
    let owner = match (token_id, user_id) {
        (Some(t), None) => SessionOwner::Token(t),
        (None, Some(u)) => SessionOwner::User(u),
        _ => return Err(StoreError::Inconsistent("a session must have either a token or an account".into())),
    };
    Ok(Session { id_hash, node_id, owner, name, created_at, expires_at })
}

/// `(id, session_hash, file_name, kind, format, body, created_at, expires_at)`
type PendingRow = (String, String, String, String, String, Vec<u8>, i64, i64);

fn pending_from_row(row: PendingRow) -> Result<PendingImport, StoreError> {
    let (id, session_hash, file_name, kind, format, body, created_at, expires_at) = row;
    Ok(PendingImport {
        id,
        session_hash,
        file_name,
        kind: stored_kind(kind)?,
        format,
        body,
        created_at,
        expires_at,
    })
}

#[async_trait]
impl RecordStore for Store {
    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(super::read_pool(self)).await?;
        Ok(())
    }

    #[tracing::instrument(
        level = "debug",
        skip_all,
        fields(
            kind = %kind,
            upserts = changes.upserts.len(),
            deletes = changes.deletes.len(),
            replace_all = changes.replace_all.is_some(),
        ),
        err(level = "debug")
    )]
    async fn apply(
        &self,
        kind: Kind,
        changes: ChangeSet,
        log: Option<ImportBuilder>,
    ) -> Result<(Applied, Option<i64>), StoreError> {
        let mut tx = super::begin_write(self).await?;
        // Taken first, before any record row is touched: from here until commit no other writer
        // can take a change number (see the dialect's `TAKE_LAST_CHANGE`).
        let last: i64 = sqlx::query_scalar(super::TAKE_LAST_CHANGE).fetch_one(&mut *tx).await?;
        let existing = existing(&mut tx, kind, &changes).await?;
        let plan = plan(&changes, &existing, last);
        drop(existing);
        for chunk in plan.writes.chunks(super::WRITE_CHUNK) {
            super::write_chunk(&mut tx, kind, &changes, chunk).await?;
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

    #[tracing::instrument(level = "debug", skip_all, fields(kind = %kind, id = id), err(level = "debug"))]
    async fn get(&self, kind: Kind, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        let sql = format!("SELECT {RECORD_COLUMNS} FROM {} WHERE id = $1 AND NOT deleted", table(kind));
        let row: Option<RecordRow> =
            sqlx::query_as(&sql).bind(id).fetch_optional(super::read_pool(self)).await?;
        Ok(row.map(stored_record))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(kind = %kind, ids = ids.len()), err(level = "debug"))]
    async fn get_many(&self, kind: Kind, ids: &[&str]) -> Result<Vec<StoredRecord>, StoreError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(super::LOOKUP_CHUNK) {
            let sql = format!(
                "SELECT {RECORD_COLUMNS} FROM {} WHERE NOT deleted AND {}",
                table(kind),
                super::ids_condition(chunk.len())
            );
            let rows: Vec<RecordRow> =
                super::bind_ids_as(sqlx::query_as(&sql), chunk).fetch_all(super::read_pool(self)).await?;
            out.extend(rows.into_iter().map(stored_record));
        }
        Ok(out)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(kind = %kind, limit = limit), err(level = "debug"))]
    async fn list(
        &self,
        kind: Kind,
        after_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM {} WHERE NOT deleted AND id > $1 ORDER BY id LIMIT $2",
            table(kind)
        );
        let rows: Vec<RecordRow> = sqlx::query_as(&sql)
            .bind(after_id.unwrap_or(""))
            .bind(i64::from(limit))
            .fetch_all(super::read_pool(self))
            .await?;
        Ok(rows.into_iter().map(stored_record).collect())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(kind = %kind), err(level = "debug"))]
    async fn count(&self, kind: Kind) -> Result<i64, StoreError> {
        let sql = format!("SELECT COUNT(*) FROM {} WHERE NOT deleted", table(kind));
        Ok(sqlx::query_scalar(&sql).fetch_one(super::read_pool(self)).await?)
    }

    #[tracing::instrument(
        level = "debug",
        skip_all,
        fields(kind = %kind, offset = offset, limit = limit),
        err(level = "debug")
    )]
    async fn search(
        &self,
        kind: Kind,
        query: Option<&str>,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<StoredRecord>, i64), StoreError> {
        let query = query.map(str::trim).filter(|q| !q.is_empty());
        // The values of the filter's `$1 … $n`; paging takes the next two numbers.
        let args = super::search_args(query);
        let n = args.len();
        let filter = super::search_filter(kind.title_member());
        let table = table(kind);
        let page_sql = format!(
            "SELECT {RECORD_COLUMNS} FROM {table} WHERE {filter} ORDER BY id LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let mut page = sqlx::query_as::<_, RecordRow>(&page_sql);
        for arg in &args {
            page = page.bind(arg.as_deref());
        }
        let rows =
            page.bind(i64::from(limit)).bind(i64::from(offset)).fetch_all(super::read_pool(self)).await?;
        let count_sql = format!("SELECT COUNT(*) FROM {table} WHERE {filter}");
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
        for arg in &args {
            count = count.bind(arg.as_deref());
        }
        let total = count.fetch_one(super::read_pool(self)).await?;
        Ok((rows.into_iter().map(stored_record).collect(), total))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(kind = %kind, limit = limit), err(level = "debug"))]
    async fn feed_page(
        &self,
        kind: Kind,
        after: Option<(i64, &str)>,
        limit: u32,
    ) -> Result<Vec<FeedRow>, StoreError> {
        // Change numbers start at 1, so (0, "") is before every row. The first condition lets
        // the planner walk the (modified, id) index from the right place.
        let (ts, id) = after.unwrap_or((0, ""));
        let sql = format!(
            "SELECT id, modified, data, standard_version FROM {} \
             WHERE modified >= $1 AND (modified > $1 OR id > $2) ORDER BY modified, id LIMIT $3",
            table(kind)
        );
        let rows: Vec<(String, i64, Option<String>, Option<String>)> = sqlx::query_as(&sql)
            .bind(ts)
            .bind(id)
            .bind(i64::from(limit))
            .fetch_all(super::read_pool(self))
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, modified, data, standard_version)| FeedRow { id, modified, data, standard_version })
            .collect())
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn last_change(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT last_change FROM node_state WHERE id = 1")
            .fetch_one(super::read_pool(self))
            .await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(cutoff = cutoff), err(level = "debug"))]
    async fn purge_tombstones(&self, cutoff: i64) -> Result<u64, StoreError> {
        // The dialect's spelling of "is a tombstone" matches its partial index on `updated_at`.
        let mut purged = 0;
        for kind in Kind::ALL {
            let sql = format!("DELETE FROM {} WHERE {} AND updated_at < $1", table(kind), super::TOMBSTONE);
            purged += sqlx::query(&sql).bind(cutoff).execute(super::write_pool(self)).await?.rows_affected();
        }
        Ok(purged)
    }
}

#[async_trait]
impl TokenStore for Store {
    #[tracing::instrument(level = "debug", skip_all, fields(name = name, role = role.as_str()), err(level = "debug"))]
    async fn create_token(
        &self,
        name: &str,
        role: Role,
        token_hash: &str,
        now: i64,
    ) -> Result<TokenInfo, StoreError> {
        super::tokens::create(super::write_pool(self), name, role.as_str(), token_hash, now).await?.try_into()
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenInfo>, StoreError> {
        super::tokens::by_hash(super::read_pool(self), token_hash).await?.map(TryInto::try_into).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        super::tokens::list(super::read_pool(self)).await?.into_iter().map(TryInto::try_into).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = id), err(level = "debug"))]
    async fn revoke_token(&self, id: i64, now: i64) -> Result<bool, StoreError> {
        Ok(super::tokens::revoke(super::write_pool(self), id, now).await?)
    }
}

#[async_trait]
impl AccountStore for Store {
    #[tracing::instrument(level = "debug", skip_all, fields(name = name), err(level = "debug"))]
    async fn create_user(
        &self,
        name: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<StewardUser, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO steward_users (name, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4) \
             RETURNING id",
        )
        .bind(name)
        .bind(password_hash)
        .bind(now)
        .bind(now)
        .fetch_one(super::write_pool(self))
        .await
        .map_err(|e| duplicate_user(e, name))?;
        Ok(StewardUser { id, name: name.to_owned(), created_at: now, updated_at: now })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(name = name), err(level = "debug"))]
    async fn user_by_name(&self, name: &str) -> Result<Option<(StewardUser, String)>, StoreError> {
        let row: Option<(i64, String, i64, i64, String)> = sqlx::query_as(
            "SELECT id, name, created_at, updated_at, password_hash FROM steward_users WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(super::read_pool(self))
        .await?;
        Ok(row.map(|(id, name, created_at, updated_at, hash)| {
            (StewardUser { id, name, created_at, updated_at }, hash)
        }))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(name = name), err(level = "debug"))]
    async fn set_user_password(&self, name: &str, password_hash: &str, now: i64) -> Result<bool, StoreError> {
        let mut tx = super::begin_write(self).await?;
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE steward_users SET password_hash = $1, updated_at = $2 WHERE name = $3 RETURNING id",
        )
        .bind(password_hash)
        .bind(now)
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            return Ok(false);
        };
        sqlx::query("DELETE FROM steward_sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(name = name), err(level = "debug"))]
    async fn remove_user(&self, name: &str) -> Result<bool, StoreError> {
        // Sessions and their pending uploads go by ON DELETE CASCADE.
        let done = sqlx::query("DELETE FROM steward_users WHERE name = $1")
            .bind(name)
            .execute(super::write_pool(self))
            .await?;
        Ok(done.rows_affected() > 0)
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn list_users(&self) -> Result<Vec<StewardUser>, StoreError> {
        let rows: Vec<(i64, String, i64, i64)> =
            sqlx::query_as("SELECT id, name, created_at, updated_at FROM steward_users ORDER BY name")
                .fetch_all(super::read_pool(self))
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, created_at, updated_at)| StewardUser { id, name, created_at, updated_at })
            .collect())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(name = %session.name), err(level = "debug"))]
    async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        let (token_id, user_id) = match session.owner {
            SessionOwner::Token(id) => (Some(id), None),
            SessionOwner::User(id) => (None, Some(id)),
        };
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
        .execute(super::write_pool(self))
        .await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn session_by_hash(&self, id_hash: &str, now: i64) -> Result<Option<Session>, StoreError> {
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT s.id_hash, s.node_id, s.token_id, s.user_id, s.name, s.created_at, s.expires_at \
             FROM steward_sessions s LEFT JOIN tokens t ON t.id = s.token_id \
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND (s.token_id IS NULL OR (t.id IS NOT NULL AND t.revoked_at IS NULL))",
        )
        .bind(id_hash)
        .bind(now)
        .fetch_optional(super::read_pool(self))
        .await?;
        row.map(session_from_row).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn delete_session(&self, id_hash: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM steward_sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(super::write_pool(self))
            .await?;
        Ok(done.rows_affected() > 0)
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn purge_expired_sessions(&self, now: i64) -> Result<u64, StoreError> {
        let mut tx = super::begin_write(self).await?;
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
}

#[async_trait]
impl ImportStore for Store {
    #[tracing::instrument(level = "debug", skip_all, fields(operation = %entry.operation), err(level = "debug"))]
    async fn record_import(&self, entry: NewImport) -> Result<i64, StoreError> {
        insert_import(super::write_pool(self), &entry).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(before_id = ?before_id, limit = limit), err(level = "debug"))]
    async fn list_imports(
        &self,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<ImportRecord>, StoreError> {
        sqlx::query(&format!("SELECT {IMPORT_COLUMNS} FROM imports WHERE id < $1 ORDER BY id DESC LIMIT $2"))
            .bind(before_id.unwrap_or(i64::MAX))
            .bind(i64::from(limit))
            .fetch_all(super::read_pool(self))
            .await?
            .iter()
            .map(|r| import_from_row(r, false))
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = id), err(level = "debug"))]
    async fn get_import(&self, id: i64) -> Result<Option<ImportRecord>, StoreError> {
        sqlx::query(&format!("SELECT {IMPORT_COLUMNS}, report FROM imports WHERE id = $1"))
            .bind(id)
            .fetch_optional(super::read_pool(self))
            .await?
            .as_ref()
            .map(|r| import_from_row(r, true))
            .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(bytes = pending.body.len()), err(level = "debug"))]
    async fn put_pending_import(&self, pending: &PendingImport) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO pending_imports (id, session_hash, file_name, kind, format, body, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&pending.id)
        .bind(&pending.session_hash)
        .bind(&pending.file_name)
        .bind(pending.kind.singular())
        .bind(&pending.format)
        .bind(&pending.body)
        .bind(pending.created_at)
        .bind(pending.expires_at)
        .execute(super::write_pool(self))
        .await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn pending_import(
        &self,
        id: &str,
        session_hash: &str,
        now: i64,
    ) -> Result<Option<PendingImport>, StoreError> {
        let row: Option<PendingRow> = sqlx::query_as(
            "SELECT id, session_hash, file_name, kind, format, body, created_at, expires_at FROM pending_imports \
             WHERE id = $1 AND session_hash = $2 AND expires_at > $3",
        )
        .bind(id)
        .bind(session_hash)
        .bind(now)
        .fetch_optional(super::read_pool(self))
        .await?;
        row.map(pending_from_row).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    async fn delete_pending_import(&self, id: &str, session_hash: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM pending_imports WHERE id = $1 AND session_hash = $2")
            .bind(id)
            .bind(session_hash)
            .execute(super::write_pool(self))
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
