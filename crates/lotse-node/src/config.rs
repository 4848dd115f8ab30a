//! The node's configuration: serde defaults, then a TOML file, then `LOTSE_NODE__…` variables.

use std::path::Path;

use lotse_http::Secret;
use lotse_http::config::{ConfigError, ServiceConfig, ServiceDefaults, is_http_url};
use serde::Deserialize;

/// Prefix of the environment variables that override the file, e.g. `LOTSE_NODE__LISTEN`.
pub const ENV_PREFIX: &str = "LOTSE_NODE__";

/// The node's defaults for the keys every service has.
#[derive(Debug, Clone, Copy, Default)]
pub struct NodeDefaults;

impl ServiceDefaults for NodeDefaults {
    const LISTEN: &'static str = "127.0.0.1:8081";
    const DATA_DIR: &'static str = "data/node";
    const DATABASE_FILE: &'static str = "node.db";
    // Bulk uploads of whole offer files arrive in one request.
    const BODY_LIMIT_BYTES: usize = 32 * 1024 * 1024;
    const DB_MAX_CONNECTIONS: u32 = 8;
    const RATE_LIMIT_PER_MINUTE: u32 = 600;
}

/// Everything a node needs to run. `Debug` never shows secrets (`hub_token`, `database_url`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// The keys every service has (`listen`, `public_url`, `data_dir`, `database_url`,
    /// `db_max_connections`, `body_limit_bytes`, `rate_limit_per_minute`, `log_json`), top-level
    /// keys of the file.
    #[serde(flatten)]
    pub service: ServiceConfig<NodeDefaults>,
    /// The node's id at the hub, `[A-Za-z0-9._-]{1,64}`; the hub's offer ids are `{node_id}/{id}`.
    #[serde(default = "default_node_id")]
    pub node_id: String,
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
    /// Days a tombstone stays in the feed before the purge job removes it.
    #[serde(default = "default_retention")]
    pub tombstone_retention_days: u32,
    /// When the purge job runs: a cron expression with seconds (`sec min hour day month weekday`).
    #[serde(default = "default_purge_schedule")]
    pub purge_schedule: String,
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
fn default_license() -> String {
    "https://www.govdata.de/dl-de/by-2-0".into()
}
fn default_feed_page_size() -> u32 {
    500
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
            service: ServiceConfig::default(),
            node_id: default_node_id(),
            hub_url: None,
            hub_token: None,
            license: default_license(),
            feed_page_size: default_feed_page_size(),
            tombstone_retention_days: default_retention(),
            purge_schedule: default_purge_schedule(),
            display_name: None,
            session_hours: default_session_hours(),
            login_attempts_per_minute: default_login_attempts(),
            pending_import_minutes: default_pending_minutes(),
        }
    }
}

impl NodeConfig {
    /// Loads defaults, then `file` (if given), then the environment, and checks the result.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let config: NodeConfig = lotse_http::config::load(file, ENV_PREFIX)?;
        config.validate()?;
        Ok(config)
    }

    /// Checks values that deserialise but cannot work.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |key, reason: &str| Err(ConfigError::invalid(key, reason));
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
        self.service.validate()?;
        if self.purge_schedule.parse::<cron::Schedule>().is_err() {
            return bad("purge_schedule", "not a cron expression with seconds");
        }
        if let Some(url) = &self.hub_url
            && !is_http_url(url)
        {
            return bad("hub_url", "expected an http(s) URL");
        }
        Ok(())
    }

    /// The name shown in the steward pages.
    pub fn display_name(&self) -> &str {
        self.display_name.as_deref().filter(|n| !n.trim().is_empty()).unwrap_or(&self.node_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_secrets_hidden() {
        let mut c = NodeConfig::default();
        c.validate().unwrap();
        assert_eq!(c.service.database_url().expose(), "sqlite://data/node/node.db");
        c.hub_token = Some(Secret::new("lotse_topsecret"));
        c.service.database_url = Some(Secret::new("postgres://u:pw@h/db"));
        let shown = format!("{c:?}");
        assert!(!shown.contains("topsecret") && !shown.contains("pw@"), "{shown}");
        assert_eq!(c.service.database_kind(), "postgres");
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
            assert_eq!(c.service.listen, "127.0.0.1:9000");
            assert_eq!(c.hub_token.unwrap().expose(), "lotse_x");
            jail.create_file("bad.toml", "nod_id = \"tippfehler\"\n")?;
            assert!(NodeConfig::load(Some(Path::new("bad.toml"))).is_err());
            Ok(())
        });
    }

    #[test]
    // figment's `Jail` fixes the closure's error type; its size is not ours to choose.
    #[allow(clippy::result_large_err)]
    fn service_keys_stay_top_level() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("node.toml", "listen = \"0.0.0.0:8081\"\nrate_limit_per_minute = 5\n")?;
            jail.set_env("LOTSE_NODE__DB_MAX_CONNECTIONS", "3");
            jail.set_env("LOTSE_NODE__BODY_LIMIT_BYTES", "1048576");
            jail.set_env("LOTSE_NODE__LOG_JSON", "true");
            let c = NodeConfig::load(Some(Path::new("node.toml"))).unwrap();
            let s = &c.service;
            assert_eq!((s.listen.as_str(), s.rate_limit_per_minute), ("0.0.0.0:8081", 5));
            assert_eq!((s.db_max_connections, s.body_limit_bytes, s.log_json), (3, 1_048_576, true));
            jail.create_file("bad.toml", "db_max_conections = 3\n")?;
            assert!(NodeConfig::load(Some(Path::new("bad.toml"))).is_err());
            jail.set_env("LOTSE_NODE__BODY_LIMIT_BYTES", "0");
            assert!(matches!(
                NodeConfig::load(Some(Path::new("node.toml"))),
                Err(ConfigError::InvalidValue { key: "body_limit_bytes", .. })
            ));
            Ok(())
        });
    }
}
