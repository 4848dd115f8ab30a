//! The shared queries, compiled for PostgreSQL.

/// The database the shared files are compiled for here.
pub type Db = sqlx::Postgres;

/// Token queries on PostgreSQL (see [`crate`] for the table).
#[path = "shared/tokens.rs"]
#[allow(clippy::duplicate_mod, reason = "the shared file is compiled once per database, by design")]
pub mod tokens;
