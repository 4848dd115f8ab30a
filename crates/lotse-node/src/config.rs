//! The node's configuration: serde defaults, then a TOML file, then `LOTSE_NODE__…` variables.

use std::path::{Path, PathBuf};

use lotse_http::Secret;
use lotse_http::config::ConfigError;
use serde::Deserialize;

/// Prefix of the environment variables that override the file, e.g. `LOTSE_NODE__LISTEN`.
pub const ENV_PREFIX: &str = "LOTSE_NODE__";

/// Everything a node needs to run. `Debug` never shows secrets (`hub_token`, `database_url`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// The node's id at the hub, `[A-Za-z0-9._-]{1,64}`; the hub's offer ids are `{node_id}/{id}`.
    #[serde(default = "default_node_id")]
    pub node_id: String,
    /// Address to listen on.
    #[serde(default = "default_listen")]
    pub listen: String,
    /// The URL under which clients reach the node, used for absolute feed `next` links. Without
    /// it, `http://{bound address}` is used.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Directory for the default SQLite database.
    #[serde(default = "default_data_dir")]
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default `sqlite://{data_dir}/node.db`.
    #[serde(default)]
    pub database_url: Option<Secret>,
    /// Maximum connections of the database pool.
    #[serde(default = "default_db_max_connections")]
    pub db_max_connections: u32,
    /// Base URL of the hub to ping after changes; no pings without it.
    #[serde(default)]
    pub hub_url: Option<String>,
    /// The token the hub issued for this node.
    #[serde(default)]
    pub hub_token: Option<Secret>,
    /// The license URL published with the feed.
    #[serde(default = "default_license")]
    pub license: String,
    /// Items per feed page.
    #[serde(default = "default_feed_page_size")]
    pub feed_page_size: u32,
    /// Maximum request body in bytes; larger requests get 413.
    #[serde(default = "default_body_limit")]
    pub body_limit_bytes: usize,
    /// Requests per token and minute; 0 disables the limit.
    #[serde(default = "default_rate_limit")]
    pub rate_limit_per_minute: u32,
    /// Days a tombstone stays in the feed before the purge job removes it.
    #[serde(default = "default_retention")]
    pub tombstone_retention_days: u32,
    /// When the purge job runs: a cron expression with seconds (`sec min hour day month weekday`).
    #[serde(default = "default_purge_schedule")]
    pub purge_schedule: String,
    /// Logs as JSON lines instead of text.
    #[serde(default)]
    pub log_json: bool,
    /// The name shown in the steward pages' header, e.g. "Stadt Essen"; default the node id.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Hours a steward stays logged in.
    #[serde(default = "default_session_hours")]
    pub session_hours: u32,
    /// Login attempts per minute, per client address and per account name; 0 disables the limit.
    #[serde(default = "default_login_attempts")]
    pub login_attempts_per_minute: u32,
    /// Minutes an uploaded file waits for the steward's confirmation before it is dropped.
    #[serde(default = "default_pending_minutes")]
    pub pending_import_minutes: u32,
}

fn default_node_id() -> String {
    "node".into()
}
fn default_listen() -> String {
    "127.0.0.1:8081".into()
}
fn default_data_dir() -> PathBuf {
    PathBuf::from("data/node")
}
fn default_db_max_connections() -> u32 {
    8
}
fn default_license() -> String {
    "https://www.govdata.de/dl-de/by-2-0".into()
}
fn default_feed_page_size() -> u32 {
    500
}
fn default_body_limit() -> usize {
    32 * 1024 * 1024
}
fn default_rate_limit() -> u32 {
    600
}
fn default_session_hours() -> u32 {
    8
}
fn default_login_attempts() -> u32 {
    10
}
fn default_pending_minutes() -> u32 {
    60
}
fn default_retention() -> u32 {
    30
}
fn default_purge_schedule() -> String {
    // Daily at 03:17:00 UTC, away from the full hour when other jobs cluster.
    "0 17 3 * * *".into()
}

impl Default for NodeConfig {
    fn default() -> Self {
        Self {
            node_id: default_node_id(),
            listen: default_listen(),
            public_url: None,
            data_dir: default_data_dir(),
            database_url: None,
            db_max_connections: default_db_max_connections(),
            hub_url: None,
            hub_token: None,
            license: default_license(),
            feed_page_size: default_feed_page_size(),
            body_limit_bytes: default_body_limit(),
            rate_limit_per_minute: default_rate_limit(),
            tombstone_retention_days: default_retention(),
            purge_schedule: default_purge_schedule(),
            log_json: false,
            display_name: None,
            session_hours: default_session_hours(),
            login_attempts_per_minute: default_login_attempts(),
            pending_import_minutes: default_pending_minutes(),
        }
    }
}

/// A configuration value that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum InvalidConfig {
    #[error(transparent)]
    Load(#[from] ConfigError),
    #[error("Ungültiger Wert für {key} / invalid value for {key}: {reason}")]
    Value { key: &'static str, reason: String },
}

impl NodeConfig {
    /// Loads defaults, then `file` (if given), then the environment, and checks the result.
    pub fn load(file: Option<&Path>) -> Result<Self, InvalidConfig> {
        let config: NodeConfig = lotse_http::config::load(file, ENV_PREFIX)?;
        config.validate()?;
        Ok(config)
    }

    /// Checks values that deserialise but cannot work.
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        let bad = |key, reason: &str| Err(InvalidConfig::Value { key, reason: reason.to_owned() });
        if self.node_id.is_empty()
            || self.node_id.len() > 64
            || !self.node_id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return bad("node_id", "expected [A-Za-z0-9._-]{1,64}");
        }
        if !(1..=5000).contains(&self.feed_page_size) {
            return bad("feed_page_size", "expected 1..=5000");
        }
        if !(1..=24 * 30).contains(&self.session_hours) {
            return bad("session_hours", "expected 1..=720");
        }
        if !(1..=24 * 60).contains(&self.pending_import_minutes) {
            return bad("pending_import_minutes", "expected 1..=1440");
        }
        if self.body_limit_bytes == 0 {
            return bad("body_limit_bytes", "must be positive");
        }
        if self.purge_schedule.parse::<cron::Schedule>().is_err() {
            return bad("purge_schedule", "not a cron expression with seconds");
        }
        let is_http = |url: &str| url.starts_with("http://") || url.starts_with("https://");
        if let Some(url) = &self.public_url
            && !is_http(url)
        {
            return bad("public_url", "expected an http(s) URL");
        }
        if let Some(url) = &self.hub_url
            && !is_http(url)
        {
            return bad("hub_url", "expected an http(s) URL");
        }
        Ok(())
    }

    /// The database URL: the configured one, or SQLite in the data directory.
    pub fn database_url(&self) -> Secret {
        match &self.database_url {
            Some(url) => url.clone(),
            None => Secret::new(format!("sqlite://{}", self.data_dir.join("node.db").display())),
        }
    }

    /// The name shown in the steward pages.
    pub fn display_name(&self) -> &str {
        self.display_name.as_deref().filter(|n| !n.trim().is_empty()).unwrap_or(&self.node_id)
    }

    /// The kind of database, for logs (the URL may hold a password).
    pub fn database_kind(&self) -> &'static str {
        if self.database_url().expose().starts_with("sqlite:") { "sqlite" } else { "postgres" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_secrets_hidden() {
        let mut c = NodeConfig::default();
        c.validate().unwrap();
        assert_eq!(c.database_url().expose(), "sqlite://data/node/node.db");
        c.hub_token = Some(Secret::new("lotse_topsecret"));
        c.database_url = Some(Secret::new("postgres://u:pw@h/db"));
        let shown = format!("{c:?}");
        assert!(!shown.contains("topsecret") && !shown.contains("pw@"), "{shown}");
        assert_eq!(c.database_kind(), "postgres");
    }

    #[test]
    fn rejects_bad_values() {
        let c = NodeConfig { node_id: "a/b".into(), ..NodeConfig::default() };
        assert!(c.validate().is_err());
        let c = NodeConfig { feed_page_size: 0, ..NodeConfig::default() };
        assert!(c.validate().is_err());
        let c = NodeConfig { purge_schedule: "nonsense".into(), ..NodeConfig::default() };
        assert!(c.validate().is_err());
    }

    #[test]
    fn file_and_environment() {
        #[allow(clippy::result_large_err)] // figment's own test helper returns its error type.
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "node.toml",
                "node_id = \"essen\"\nfeed_page_size = 100\nhub_url = \"http://hub\"\nhub_token = \"lotse_x\"\n",
            )?;
            jail.set_env("LOTSE_NODE__FEED_PAGE_SIZE", "50");
            jail.set_env("LOTSE_NODE__LISTEN", "127.0.0.1:9000");
            let c = NodeConfig::load(Some(Path::new("node.toml"))).unwrap();
            assert_eq!(c.node_id, "essen");
            assert_eq!(c.feed_page_size, 50);
            assert_eq!(c.listen, "127.0.0.1:9000");
            assert_eq!(c.hub_token.unwrap().expose(), "lotse_x");
            jail.create_file("bad.toml", "nod_id = \"tippfehler\"\n")?;
            assert!(NodeConfig::load(Some(Path::new("bad.toml"))).is_err());
            Ok(())
        });
    }
}
