//! The token queries on both databases: SQLite always (in memory), PostgreSQL when
//! `LOTSE_TEST_POSTGRES_URL` is set (in a schema of its own, removed afterwards).
//!
//! The table is the one the node's and the hub's migrations create (same columns, same unique
//! index on active names).

use std::str::FromStr;

use lotse_store::{TokenError, TokenRecord};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::SqlitePoolOptions;

const SQLITE_TABLE: &str = "CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
)";

const POSTGRES_TABLE: &str = "CREATE TABLE tokens (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
)";

const ACTIVE_NAME: &str = "CREATE UNIQUE INDEX tokens_active_name ON tokens (name) WHERE revoked_at IS NULL";

/// The same checks for each database, as a macro because the two modules are distinct code.
macro_rules! check_tokens {
    ($tokens:path, $pool:expr) => {{
        use $tokens as tokens;
        let pool = $pool;
        let t = tokens::create(pool, "vhs", "steward", "h1", 5).await.unwrap();
        assert_eq!(
            t,
            TokenRecord { id: t.id, name: "vhs".into(), role: "steward".into(), created_at: 5, revoked_at: None }
        );
        let dup = tokens::create(pool, "vhs", "admin", "h2", 6).await;
        assert!(matches!(&dup, Err(TokenError::DuplicateName(n)) if n == "vhs"), "{dup:?}");
        assert_eq!(tokens::by_hash(pool, "h1").await.unwrap(), Some(t.clone()));
        assert_eq!(tokens::by_hash(pool, "nope").await.unwrap(), None);
        assert!(tokens::revoke(pool, t.id, 7).await.unwrap());
        assert!(!tokens::revoke(pool, t.id, 8).await.unwrap(), "already revoked");
        assert!(!tokens::revoke(pool, 9999, 8).await.unwrap(), "no such token");
        assert_eq!(tokens::by_hash(pool, "h1").await.unwrap().unwrap().revoked_at, Some(7));
        // After revocation the name is free again; a hash is never reused.
        let t2 = tokens::create(pool, "vhs", "admin", "h3", 9).await.unwrap();
        let again = tokens::create(pool, "other", "admin", "h3", 10).await;
        assert!(matches!(&again, Err(TokenError::DuplicateName(_))), "{again:?}");
        let all = tokens::list(pool).await.unwrap();
        assert_eq!(all.iter().map(|t| t.id).collect::<Vec<_>>(), [t.id, t2.id]);
        assert_eq!(all[1].role, "admin");
    }};
}

#[tokio::test]
async fn tokens_on_sqlite() {
    let pool = SqlitePoolOptions::new().max_connections(1).connect("sqlite::memory:").await.unwrap();
    sqlx::query(SQLITE_TABLE).execute(&pool).await.unwrap();
    sqlx::query(ACTIVE_NAME).execute(&pool).await.unwrap();
    check_tokens!(lotse_store::sqlite::tokens, &pool);
    // Inside a transaction, as the stores' writers call them.
    let mut tx = pool.begin().await.unwrap();
    let t = lotse_store::sqlite::tokens::create(&mut *tx, "tx", "steward", "h9", 1).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(lotse_store::sqlite::tokens::by_hash(&pool, "h9").await.unwrap(), None, "{t:?} rolled back");
}

#[tokio::test]
async fn tokens_on_postgres() {
    let Some(url) = std::env::var("LOTSE_TEST_POSTGRES_URL").ok().filter(|s| !s.is_empty()) else {
        eprintln!("LOTSE_TEST_POSTGRES_URL not set: PostgreSQL part skipped");
        return;
    };
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let schema = format!("lotse_store_test_{}_{nanos}", std::process::id());
    let admin = PgPoolOptions::new().max_connections(1).connect(&url).await.unwrap();
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.unwrap();
    let options = PgConnectOptions::from_str(&url).unwrap().options([("search_path", schema.as_str())]);
    let pool = PgPoolOptions::new().max_connections(2).connect_with(options).await.unwrap();
    sqlx::query(POSTGRES_TABLE).execute(&pool).await.unwrap();
    sqlx::query(ACTIVE_NAME).execute(&pool).await.unwrap();
    // Caught, so that the schema is removed whatever the outcome.
    let outcome = tokio::spawn({
        let pool = pool.clone();
        async move { check_tokens!(lotse_store::postgres::tokens, &pool) }
    })
    .await;
    pool.close().await;
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(&admin).await.unwrap();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
