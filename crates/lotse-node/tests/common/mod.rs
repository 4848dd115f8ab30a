//! Helpers shared by the node's integration tests: databases per test, sample offers, a node
//! on `127.0.0.1:0`.

#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::sync::Arc;

use lotse_http::config::ServiceConfig;
use lotse_node::store::{self, NodeStore, StoreOptions};
use lotse_node::{Node, NodeConfig, Role};
use rand::RngCore;
use serde_json::{Value, json};

/// The variable that names a PostgreSQL server for tests (an admin URL; a fresh database is
/// created per test).
pub const POSTGRES_ENV: &str = "LOTSE_TEST_POSTGRES_URL";

/// A database that exists for one test and is removed afterwards.
pub enum TestDb {
    Sqlite { _dir: tempfile::TempDir, url: String },
    Postgres { admin_url: String, name: String, url: String },
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("node.db").display());
        TestDb::Sqlite { _dir: dir, url }
    }

    /// A fresh PostgreSQL database, when [`POSTGRES_ENV`] is set.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = std::env::var(POSTGRES_ENV).ok().filter(|s| !s.is_empty())?;
        let mut bytes = [0u8; 6];
        rand::rng().fill_bytes(&mut bytes);
        let name = format!("lotse_test_{}", hex(&bytes));
        let admin = sqlx::PgPool::connect(&admin_url).await.expect("connect to the PostgreSQL admin URL");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.expect("create test database");
        admin.close().await;
        let url = with_database(&admin_url, &name);
        Some(TestDb::Postgres { admin_url, name, url })
    }

    /// SQLite always, PostgreSQL too when configured.
    pub async fn all() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite()];
        if let Some(pg) = TestDb::postgres().await {
            dbs.push(pg);
        } else {
            eprintln!("{POSTGRES_ENV} not set: PostgreSQL part skipped");
        }
        dbs
    }

    pub fn url(&self) -> &str {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            TestDb::Sqlite { .. } => "sqlite",
            TestDb::Postgres { .. } => "postgres",
        }
    }

    pub async fn open(&self) -> Arc<dyn NodeStore> {
        store::open(self.url(), &StoreOptions { max_connections: 8 }).await.expect("open store")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name, .. } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside any async context guarantee (also while panicking), so the
            // database is removed from a thread with its own small runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async {
                    if let Ok(admin) = sqlx::PgPool::connect(&admin_url).await {
                        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&admin)
                            .await;
                        admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The admin URL with its database name replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    }
}

/// Today as an ISO date, so that `verified_at` never goes stale in the samples.
pub fn today() -> String {
    lotse_standard::date::Date::today_utc().to_string()
}

/// A complete, valid offer (a language course in Essen) with the given id and title.
pub fn offer(id: &str, title: &str) -> Value {
    json!({
        "id": id,
        "offer_type": "sprachkurs",
        "categories": ["integrationskurs"],
        "title": {"de": title, "en": "Integration course"},
        "description": {"de": "Deutsch von A1 bis B1 mit Orientierungskurs. Anmeldung im Bürgerbüro."},
        "provider": {"name": "VHS Essen", "kind": "volkshochschule", "url": "https://www.vhs-essen.de"},
        "status": "active",
        "target_groups": ["alle_zugewanderten", "eltern"],
        "languages": ["de", "ar"],
        "language_level": {"from": "A1", "to": "B1"},
        "cost": {"kind": "funded", "note": "Kostenbefreiung über das BAMF möglich"},
        "delivery": "presential",
        "locations": [{"name": "VHS im Kulturforum", "street": "Burgplatz 1", "postcode": "45127", "city": "Essen", "ags": "05113000", "lat": 51.4566, "lon": 7.0137}],
        "contact": {"email": "integration@vhs-essen.de"},
        "valid_until": "2099-12-31",
        "verified_at": today()
    })
}

/// An offer with an error (an unknown offer type).
pub fn invalid_offer(id: &str) -> Value {
    let mut o = offer(id, "Kaputt");
    o["offer_type"] = json!("gibt_es_nicht");
    o
}

/// CSV header and rows in the form German Excel writes (semicolons, German dates, decimal comma).
pub const CSV_HEADER: &str = "id;offer_type;title_de;title_en;description_de;provider_name;provider_kind;status;target_groups;languages;cost_kind;cost_amount_eur;delivery;location_street;location_postcode;location_city;location_ags;location_lat;location_lon;contact_email;contact_phone";

pub fn csv_row(id: &str, title: &str) -> String {
    format!(
        "{id};beratung;{title};Counselling;Beratung für Zugewanderte;Caritas Essen;traeger;active;alle_zugewanderten|gefluechtete;de|ar;fee;12,50;presential;Niederstraße 12;45141;Essen;05113000;51,4700;7,0200;beratung@caritas-essen.de;0201 123456"
    )
}

/// A node for tests: its database, the running node and two tokens.
pub struct TestNode {
    pub node: Node,
    pub steward: String,
    pub admin: String,
    pub client: reqwest::Client,
    pub db: TestDb,
}

impl TestNode {
    /// Starts a node on `127.0.0.1:0` over `db`, with `adjust` applied to the configuration.
    pub async fn start(db: TestDb, adjust: impl FnOnce(&mut NodeConfig)) -> TestNode {
        let mut config = NodeConfig {
            node_id: "essen".into(),
            service: ServiceConfig {
                listen: "127.0.0.1:0".into(),
                database_url: Some(db.url().into()),
                ..ServiceConfig::default()
            },
            ..NodeConfig::default()
        };
        adjust(&mut config);
        let node = Node::start(config).await.expect("node starts");
        let store = node.store();
        let (steward, _) = lotse_node::tokens::create(&*store, "vhs-essen", Role::Steward).await.unwrap();
        let (admin, _) = lotse_node::tokens::create(&*store, "admin", Role::Admin).await.unwrap();
        TestNode {
            node,
            steward: steward.expose().to_owned(),
            admin: admin.expose().to_owned(),
            client: reqwest::Client::new(),
            db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.node.url())
    }

    /// A request with the steward token.
    pub fn steward(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, self.url(path)).bearer_auth(&self.steward)
    }

    /// POSTs a JSON value as the steward.
    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.steward(reqwest::Method::POST, path).json(body).send().await.unwrap()
    }

    /// Follows the feed from the start to its last page; returns every item and every page.
    pub async fn follow_feed(&self) -> (Vec<Value>, Vec<FeedPage>) {
        follow_feed_from(&self.client, &self.url("/feed/offers")).await
    }
}

/// One page as read: its URL, body and `Cache-Control`.
pub struct FeedPage {
    pub url: String,
    pub body: Value,
    pub cache_control: String,
}

pub async fn follow_feed_from(client: &reqwest::Client, start: &str) -> (Vec<Value>, Vec<FeedPage>) {
    let mut url = start.to_owned();
    let mut items = Vec::new();
    let mut pages = Vec::new();
    for _ in 0..10_000 {
        let r = client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200, "feed page {url}");
        let cache_control = r.headers()["cache-control"].to_str().unwrap().to_owned();
        let body: Value = r.json().await.unwrap();
        let page_items = body["items"].as_array().unwrap().clone();
        let next = body["next"].as_str().unwrap().to_owned();
        let last = page_items.is_empty();
        items.extend(page_items);
        pages.push(FeedPage { url: url.clone(), body, cache_control });
        if last {
            return (items, pages);
        }
        url = next;
    }
    panic!("feed did not end");
}

#[test]
fn database_name_is_replaced() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(with_database("postgres://u@h/test?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
    assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
}
