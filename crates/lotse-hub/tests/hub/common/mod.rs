//! Shared test helpers: a database per test (SQLite always, PostgreSQL when
//! `LOTSE_TEST_POSTGRES_URL` is set), hub configurations, generated offers and a fake node.

pub mod fake_node;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use lotse_generate::{Generator, Options};
use lotse_http::config::ServiceConfig;
use lotse_hub::HubConfig;
use lotse_hub::config::{HarvestConfig, HealthConfig, LinksConfig, QualityConfig, SearchConfig};
use lotse_hub::store::{HubStore, StoreOptions};
use lotse_standard::Offer;
use lotse_standard::date::Date;
use sqlx::Connection;

/// Essen, Dortmund and Bochum, the municipalities the tests place offers in.
pub const ESSEN: &str = "05113000";
pub const DORTMUND: &str = "05913000";
pub const BOCHUM: &str = "05911000";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty database for one test; PostgreSQL databases are dropped afterwards.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl TestDb {
    /// `None` for PostgreSQL when `LOTSE_TEST_POSTGRES_URL` is not set.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("hub.db").display());
                Some(TestDb { url, backend, _dir: Some(dir), pg: None })
            }
            Backend::Postgres => {
                let admin = std::env::var("LOTSE_TEST_POSTGRES_URL").ok()?;
                let name = format!(
                    "lotse_hub_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .subsec_nanos()
                );
                let mut conn =
                    sqlx::PgConnection::connect(&admin).await.expect("connect to LOTSE_TEST_POSTGRES_URL");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .expect("create database");
                conn.close().await.ok();
                let mut url = url::Url::parse(&admin).expect("LOTSE_TEST_POSTGRES_URL is a URL");
                url.set_path(&format!("/{name}"));
                Some(TestDb { url: url.to_string(), backend, _dir: None, pg: Some((admin, name)) })
            }
        }
    }

    pub async fn store(&self) -> std::sync::Arc<dyn HubStore> {
        lotse_hub::store::open(&self.url, &StoreOptions::default()).await.expect("open store")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.pg.take() else { return };
        // Async work cannot run in `drop`; a thread with its own runtime drops the database,
        // forcibly, since pools of the test may still hold connections.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await;
                }
            });
        })
        .join();
    }
}

/// Runs a test body once per backend: `backends!(name);` defines `name::sqlite` and
/// `name::postgres`, each calling `name(db)`.
#[macro_export]
macro_rules! backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let db = $crate::common::TestDb::new($crate::common::Backend::Sqlite).await.unwrap();
                    super::$name(db).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    match $crate::common::TestDb::new($crate::common::Backend::Postgres).await {
                        Some(db) => super::$name(db).await,
                        None => eprintln!("LOTSE_TEST_POSTGRES_URL not set; PostgreSQL variant skipped"),
                    }
                }
            }
        )*
    };
}

/// A hub configuration for tests: a free port, the test's database, quick retries, private
/// feeds allowed (fake nodes listen on 127.0.0.1), and a schedule that never fires during a
/// test (tests call `run_once` instead).
pub fn hub_config(db: &TestDb) -> HubConfig {
    let never = || "0 0 0 1 1 *".to_owned();
    HubConfig {
        service: ServiceConfig {
            listen: "127.0.0.1:0".into(),
            database_url: Some(db.url.clone().into()),
            ..ServiceConfig::default()
        },
        allow_private_feeds: Some(true),
        harvest: HarvestConfig {
            schedule: never(),
            retries: 2,
            backoff_ms: 10,
            backoff_max_ms: 50,
            timeout_secs: 10,
            ..HarvestConfig::default()
        },
        // The other jobs never fire on their own either: a test runs each one itself and may
        // count its runs (the health job runs every minute by default).
        health: HealthConfig { schedule: never(), ..HealthConfig::default() },
        quality: QualityConfig { sweep_schedule: never(), ..QualityConfig::default() },
        links: LinksConfig { schedule: never(), ..LinksConfig::default() },
        purge_schedule: never(),
        page_size: 50,
        // Each test hub keeps its own index in memory; on-disk indexes are tested in
        // `search.rs`.
        search: SearchConfig { in_memory: true, poll_ms: 20, ..SearchConfig::default() },
        ..HubConfig::default()
    }
}

pub fn today() -> Date {
    Date::today_utc()
}

/// `n` generated offers of `node_id`, placed in `municipalities`, from `seed`; ids are
/// `{node_id}-{index:07}`, starting at index `from`.
pub fn offers(node_id: &str, municipalities: &[&str], seed: u64, from: u64, n: usize) -> Vec<Offer> {
    let mut options = Options::new(seed, today());
    options.node_id = Some(node_id.to_owned());
    options.municipalities = Some(municipalities.iter().map(|s| (*s).to_owned()).collect());
    let generator = Generator::new(options).expect("generator");
    (from..from + n as u64).map(|k| generator.offer(k)).collect()
}

/// Polls `check` until it returns true, for at most `secs` seconds.
pub async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if check().await {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Every live offer of a node at the hub, by id, as JSON.
pub async fn live_offers(
    store: &dyn HubStore,
    node_id: &str,
) -> std::collections::BTreeMap<String, serde_json::Value> {
    let mut out = std::collections::BTreeMap::new();
    let mut after: Option<String> = None;
    loop {
        let rows = store.list_offers(node_id, after.as_deref(), 1000).await.expect("list offers");
        let Some(last) = rows.last() else { break };
        after = Some(last.id.clone());
        for r in rows {
            out.insert(r.id, serde_json::from_str(&r.data).expect("stored JSON"));
        }
    }
    out
}
