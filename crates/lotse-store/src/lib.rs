//! Storage that the Lotse node and hub share.
//!
//! Node and hub each keep their own database (SQLite or PostgreSQL), but some tables have the
//! same columns and the same rules in both. Their queries live here, once:
//! - [`sqlite::tokens`] and [`postgres::tokens`]: API tokens in a table
//!   `tokens (id, name, role, token_hash, created_at, revoked_at)` with a unique index on the
//!   name of the active tokens. Only the SHA-256 hash of a token is stored; the role is kept as
//!   text, because node and hub know different roles.
//!
//! The tables themselves are created by each service's migrations; this crate only reads and
//! writes them.
//!
//! # One file, compiled once per database
//!
//! sqlx checks types per database: a query run on a `Pool<Sqlite>` and one run on a
//! `Pool<Postgres>` are different Rust code, even when the SQL text is the same. Generic code
//! over `sqlx::Database` would need a long list of `Encode`/`Decode`/`Executor` bounds on every
//! function. Instead, each shared query file (under `src/shared/`) names its database only as
//! `super::Db`, and each dialect module ([`sqlite`], [`postgres`]) defines `Db` and declares the
//! shared file as its own submodule with a path attribute:
//!
//! ```ignore
//! // src/sqlite.rs
//! pub type Db = sqlx::Sqlite;
//! #[path = "shared/tokens.rs"]
//! pub mod tokens; // src/shared/tokens.rs, compiled here for SQLite
//! ```
//!
//! So the SQL is written once, the compiler checks it against each database's types, and what
//! really differs between the databases (nothing, so far, for tokens) stays in the dialect
//! module. The SQL uses `$1, $2, …` placeholders, which SQLite accepts as well. The node's and
//! the hub's stores follow the same pattern for their own tables.

#![forbid(unsafe_code)]

pub mod postgres;
pub mod sqlite;

/// A token as stored (without the token itself, which is never stored).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenRecord {
    pub id: i64,
    pub name: String,
    /// The role as stored; each service parses it into its own roles.
    pub role: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds; set once the token is revoked.
    pub revoked_at: Option<i64>,
}

/// Errors of the token queries.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// An active token already has this name (the unique index on active names).
    #[error("a token named {0:?} is already active")]
    DuplicateName(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}
