// API tokens: one implementation of each query, compiled once per database by the dialect
// module that declares this file (`super::Db` is that database).
//
// Every function takes an executor, so the caller decides where it runs: on a pool, or inside a
// transaction it has begun (SQLite's writers, for example, begin with `BEGIN IMMEDIATE`).

use super::Db;
use crate::{TokenError, TokenRecord};

/// Stores a new token by its hash; [`TokenError::DuplicateName`] if an active token already
/// has the name.
pub async fn create<'e, E>(
    executor: E,
    name: &str,
    role: &str,
    token_hash: &str,
    now: i64,
) -> Result<TokenRecord, TokenError>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    sqlx::query_as(
        "INSERT INTO tokens (name, role, token_hash, created_at) VALUES ($1, $2, $3, $4) \
         RETURNING id, name, role, created_at, revoked_at",
    )
    .bind(name)
    .bind(role)
    .bind(token_hash)
    .bind(now)
    .fetch_one(executor)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => TokenError::DuplicateName(name.to_owned()),
        _ => TokenError::Database(e),
    })
}

/// The token with this hash, revoked or not.
pub async fn by_hash<'e, E>(executor: E, token_hash: &str) -> Result<Option<TokenRecord>, TokenError>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    Ok(sqlx::query_as("SELECT id, name, role, created_at, revoked_at FROM tokens WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(executor)
        .await?)
}

/// Every token, revoked ones included, oldest first.
pub async fn list<'e, E>(executor: E) -> Result<Vec<TokenRecord>, TokenError>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    Ok(sqlx::query_as("SELECT id, name, role, created_at, revoked_at FROM tokens ORDER BY id")
        .fetch_all(executor)
        .await?)
}

/// Revokes the active token with this id; `false` if there is none.
pub async fn revoke<'e, E>(executor: E, id: i64, now: i64) -> Result<bool, TokenError>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let done = sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(executor)
        .await?;
    Ok(done.rows_affected() == 1)
}
