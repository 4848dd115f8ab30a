//! The shared queries, compiled for SQLite.

/// The database the shared files are compiled for here.
pub type Db = sqlx::Sqlite;

/// Token queries on SQLite (see [`crate`] for the table).
#[path = "shared/tokens.rs"]
#[allow(clippy::duplicate_mod, reason = "the shared file is compiled once per database, by design")]
pub mod tokens;
