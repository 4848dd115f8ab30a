//! The hub's configuration: serde defaults, then a TOML file, then `LOTSE_HUB__…` variables.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use lotse_http::Secret;
use lotse_http::config::ConfigError;
use serde::Deserialize;

/// Prefix of the environment variables that override the file, e.g. `LOTSE_HUB__LISTEN` or
/// `LOTSE_HUB__GEOCODER__URL`.
pub const ENV_PREFIX: &str = "LOTSE_HUB__";

/// Everything a hub needs to run. `Debug` never shows secrets (`database_url`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HubConfig {
    /// Address to listen on; `127.0.0.1:0` picks a free port (tests).
    #[serde(default = "default_listen")]
    pub listen: String,
    /// The URL under which clients reach the hub, used for absolute `next` links of the hub's
    /// own feed. Without it, `http://{bound address}` is used.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Directory for the default SQLite database.
    #[serde(default = "default_data_dir")]
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default `sqlite://{data_dir}/hub.db`.
    #[serde(default)]
    pub database_url: Option<Secret>,
    /// Maximum connections of the database pool.
    #[serde(default = "default_db_max_connections")]
    pub db_max_connections: u32,
    /// Whether this process harvests (cron schedule and pings). `false` is a replica that only
    /// serves (`lotse hub --no-scheduler`).
    #[serde(default = "default_true")]
    pub scheduler: bool,
    /// When every node is harvested anyway: a cron expression with seconds
    /// (`sec min hour day month weekday`); default every five minutes.
    #[serde(default = "default_harvest_schedule")]
    pub harvest_schedule: String,
    /// How many nodes are harvested at the same time.
    #[serde(default = "default_harvest_concurrency")]
    pub harvest_concurrency: usize,
    /// How often a failed feed request is retried before the harvest gives up.
    #[serde(default = "default_harvest_retries")]
    pub harvest_retries: u32,
    /// The wait before the first retry, in milliseconds; it doubles with every retry.
    #[serde(default = "default_harvest_backoff_ms")]
    pub harvest_backoff_ms: u64,
    /// The longest wait between retries, in milliseconds.
    #[serde(default = "default_harvest_backoff_max_ms")]
    pub harvest_backoff_max_ms: u64,
    /// Timeout of one feed request, in seconds.
    #[serde(default = "default_harvest_timeout_secs")]
    pub harvest_timeout_secs: u64,
    /// The largest feed page the hub reads, in bytes; larger pages fail the harvest.
    #[serde(default = "default_max_feed_page_bytes")]
    pub max_feed_page_bytes: usize,
    /// Whether feed URLs may point at private, loopback or link-local addresses. Feed URLs are
    /// entered by operators, and a hub that fetched any URL could be used to probe the network
    /// it runs in. Default: allowed only when the hub itself listens on a loopback address (a
    /// developer's machine or the demo); a hub listening on a public interface refuses them
    /// unless this is set to `true`.
    #[serde(default)]
    pub allow_private_feeds: Option<bool>,
    /// Items per page of the hub's own feed.
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// The license URL published with the hub's feed.
    #[serde(default = "default_license")]
    pub license: String,
    /// An optional Nominatim- or Photon-compatible geocoder for locations without coordinates.
    #[serde(default)]
    pub geocoder: Option<GeocoderConfig>,
    /// Maximum request body in bytes; larger requests get 413.
    #[serde(default = "default_body_limit")]
    pub body_limit_bytes: usize,
    /// Requests per token and minute; 0 disables the limit.
    #[serde(default = "default_rate_limit")]
    pub rate_limit_per_minute: u32,
    /// Days a tombstone stays in the hub's feed before the purge job removes it.
    #[serde(default = "default_retention")]
    pub tombstone_retention_days: u32,
    /// When the purge job runs (cron expression with seconds).
    #[serde(default = "default_purge_schedule")]
    pub purge_schedule: String,
    /// Logs as JSON lines instead of text.
    #[serde(default)]
    pub log_json: bool,
    /// Directory of the search index; default `{data_dir}/search-index`. The index is derived
    /// from the store and rebuilt when missing, so it need not be backed up.
    #[serde(default)]
    pub search_index_dir: Option<PathBuf>,
    /// Keeps the search index in memory only (tests; it is rebuilt at every start).
    #[serde(default)]
    pub search_in_memory: bool,
    /// How often the search index looks for new changes in the store, in milliseconds.
    #[serde(default = "default_search_poll_ms")]
    pub search_poll_ms: u64,
    /// Memory of the index writer's buffers, in MiB.
    #[serde(default = "default_search_writer_memory_mb")]
    pub search_writer_memory_mb: usize,
    /// Threads of the index writer.
    #[serde(default = "default_search_writer_threads")]
    pub search_writer_threads: usize,
    /// How often the quality follower scores offers changed since its last run, in
    /// milliseconds (scores are current this long after a harvest).
    #[serde(default = "default_quality_poll_ms")]
    pub quality_poll_ms: u64,
    /// When the daily sweep runs: every offer is scored again as of the day (expired and
    /// unverified offers are marked), then the day's snapshots are taken.
    #[serde(default = "default_sweep_schedule")]
    pub sweep_schedule: String,
    /// When node health is judged and its metrics are updated (cron expression with seconds).
    #[serde(default = "default_health_schedule")]
    pub health_schedule: String,
    /// When the link checker runs (cron expression with seconds); each URL at most once a day.
    #[serde(default = "default_link_check_schedule")]
    pub link_check_schedule: String,
    /// URLs checked at the same time.
    #[serde(default = "default_link_check_concurrency")]
    pub link_check_concurrency: usize,
    /// The least time between two requests to the same host, in milliseconds.
    #[serde(default = "default_link_check_host_interval_ms")]
    pub link_check_host_interval_ms: u64,
    /// Timeout of one link check request, in seconds.
    #[serde(default = "default_link_check_timeout_secs")]
    pub link_check_timeout_secs: u64,
    /// Whether offer URLs may point at private, loopback or link-local addresses. Offer URLs
    /// come from data stewards, so they are refused by default whatever the hub listens on.
    #[serde(default)]
    pub link_check_allow_private: bool,
    /// Seconds without a successful harvest after which a node is `warn`.
    #[serde(default = "default_health_warn_after_secs")]
    pub health_warn_after_secs: u64,
    /// Seconds without a successful harvest after which a node is `error`.
    #[serde(default = "default_health_error_after_secs")]
    pub health_error_after_secs: u64,
    /// Seconds the hub may be behind a node (its ping reported a change number beyond the
    /// checkpoint) before the node is `warn`.
    #[serde(default = "default_health_warn_behind_secs")]
    pub health_warn_behind_secs: u64,
    /// Seconds the hub may be behind a node before the node is `error`.
    #[serde(default = "default_health_error_behind_secs")]
    pub health_error_behind_secs: u64,
    /// Failed harvests in a row after which a node is `error`.
    #[serde(default = "default_health_error_failures")]
    pub health_error_failures: u32,
    /// Share of quarantined items above which a node is `warn`.
    #[serde(default = "default_health_warn_quarantine_share")]
    pub health_warn_quarantine_share: f64,
    /// Share of offers with validator warnings above which a node is `warn`.
    #[serde(default = "default_health_warn_warnings_share")]
    pub health_warn_warnings_share: f64,
    /// Mean score below which a node is `warn`.
    #[serde(default = "default_health_warn_mean_score")]
    pub health_warn_mean_score: f64,
    /// How long an operator's login to the web pages lasts, in seconds.
    #[serde(default = "default_session_ttl_secs")]
    pub session_ttl_secs: u64,
    /// An optional tile server for the map's background, e.g.
    /// `https://{s}.tile.example.org/{z}/{x}/{y}.png`. Without it the map shows only the
    /// municipality outlines, and no visitor's address reaches a third party.
    #[serde(default)]
    pub tile_url: Option<String>,
    /// The attribution the tile server requires, shown on the map.
    #[serde(default)]
    pub tile_attribution: Option<String>,
}

/// Which geocoding API a geocoder speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GeocoderKind {
    /// Nominatim's `/search?format=jsonv2` with structured address fields.
    Nominatim,
    /// Photon's `/api?q=…` answering GeoJSON.
    Photon,
}

/// A geocoder for locations without coordinates.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeocoderConfig {
    pub kind: GeocoderKind,
    /// Base URL, e.g. `https://nominatim.example.org` (without `/search`).
    pub url: String,
    /// Requests per second at most (the public Nominatim allows 1).
    #[serde(default = "default_geocoder_rate")]
    pub rate_limit_per_sec: f64,
    /// Timeout of one request, in seconds.
    #[serde(default = "default_geocoder_timeout")]
    pub timeout_secs: u64,
}

fn default_true() -> bool {
    true
}
fn default_listen() -> String {
    "127.0.0.1:8080".into()
}
fn default_data_dir() -> PathBuf {
    PathBuf::from("data/hub")
}
fn default_db_max_connections() -> u32 {
    8
}
fn default_harvest_schedule() -> String {
    "0 */5 * * * *".into()
}
fn default_harvest_concurrency() -> usize {
    4
}
fn default_harvest_retries() -> u32 {
    5
}
fn default_harvest_backoff_ms() -> u64 {
    500
}
fn default_harvest_backoff_max_ms() -> u64 {
    30_000
}
fn default_harvest_timeout_secs() -> u64 {
    60
}
fn default_max_feed_page_bytes() -> usize {
    64 * 1024 * 1024
}
fn default_page_size() -> u32 {
    500
}
fn default_license() -> String {
    "https://www.govdata.de/dl-de/by-2-0".into()
}
fn default_body_limit() -> usize {
    1024 * 1024
}
fn default_rate_limit() -> u32 {
    600
}
fn default_retention() -> u32 {
    30
}
fn default_purge_schedule() -> String {
    // Daily at 03:47:00 UTC, away from the full hour and from the node's purge at 03:17.
    "0 47 3 * * *".into()
}
fn default_search_poll_ms() -> u64 {
    200
}
fn default_search_writer_memory_mb() -> usize {
    128
}
fn default_search_writer_threads() -> usize {
    1
}
fn default_quality_poll_ms() -> u64 {
    1000
}
fn default_sweep_schedule() -> String {
    // Daily at 04:07:00 UTC, after the purge and before the working day.
    "0 7 4 * * *".into()
}
fn default_health_schedule() -> String {
    "15 * * * * *".into()
}
fn default_link_check_schedule() -> String {
    // Daily at 02:23:00 UTC, so that the sweep after it scores with fresh results.
    "0 23 2 * * *".into()
}
fn default_link_check_concurrency() -> usize {
    8
}
fn default_link_check_host_interval_ms() -> u64 {
    1000
}
fn default_link_check_timeout_secs() -> u64 {
    10
}
fn default_health_warn_after_secs() -> u64 {
    900
}
fn default_health_error_after_secs() -> u64 {
    3600
}
// The same as for the last successful harvest: a ping starts a harvest at once and the
// schedule harvests every five minutes, so a quarter of an hour behind means that harvests of
// the node fail or never reach its newest change.
fn default_health_warn_behind_secs() -> u64 {
    900
}
fn default_health_error_behind_secs() -> u64 {
    3600
}
fn default_health_error_failures() -> u32 {
    5
}
fn default_health_warn_quarantine_share() -> f64 {
    0.05
}
fn default_health_warn_warnings_share() -> f64 {
    0.25
}
fn default_health_warn_mean_score() -> f64 {
    60.0
}
fn default_session_ttl_secs() -> u64 {
    8 * 3600
}
fn default_geocoder_rate() -> f64 {
    1.0
}
fn default_geocoder_timeout() -> u64 {
    10
}

impl Default for HubConfig {
    fn default() -> Self {
        Self {
            listen: default_listen(),
            public_url: None,
            data_dir: default_data_dir(),
            database_url: None,
            db_max_connections: default_db_max_connections(),
            scheduler: true,
            harvest_schedule: default_harvest_schedule(),
            harvest_concurrency: default_harvest_concurrency(),
            harvest_retries: default_harvest_retries(),
            harvest_backoff_ms: default_harvest_backoff_ms(),
            harvest_backoff_max_ms: default_harvest_backoff_max_ms(),
            harvest_timeout_secs: default_harvest_timeout_secs(),
            max_feed_page_bytes: default_max_feed_page_bytes(),
            allow_private_feeds: None,
            page_size: default_page_size(),
            license: default_license(),
            geocoder: None,
            body_limit_bytes: default_body_limit(),
            rate_limit_per_minute: default_rate_limit(),
            tombstone_retention_days: default_retention(),
            purge_schedule: default_purge_schedule(),
            log_json: false,
            search_index_dir: None,
            search_in_memory: false,
            search_poll_ms: default_search_poll_ms(),
            search_writer_memory_mb: default_search_writer_memory_mb(),
            search_writer_threads: default_search_writer_threads(),
            quality_poll_ms: default_quality_poll_ms(),
            sweep_schedule: default_sweep_schedule(),
            health_schedule: default_health_schedule(),
            link_check_schedule: default_link_check_schedule(),
            link_check_concurrency: default_link_check_concurrency(),
            link_check_host_interval_ms: default_link_check_host_interval_ms(),
            link_check_timeout_secs: default_link_check_timeout_secs(),
            link_check_allow_private: false,
            health_warn_after_secs: default_health_warn_after_secs(),
            health_error_after_secs: default_health_error_after_secs(),
            health_warn_behind_secs: default_health_warn_behind_secs(),
            health_error_behind_secs: default_health_error_behind_secs(),
            health_error_failures: default_health_error_failures(),
            health_warn_quarantine_share: default_health_warn_quarantine_share(),
            health_warn_warnings_share: default_health_warn_warnings_share(),
            health_warn_mean_score: default_health_warn_mean_score(),
            session_ttl_secs: default_session_ttl_secs(),
            tile_url: None,
            tile_attribution: None,
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

fn is_http_url(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

impl HubConfig {
    /// Loads defaults, then `file` (if given), then the environment, and checks the result.
    pub fn load(file: Option<&Path>) -> Result<Self, InvalidConfig> {
        let config: HubConfig = lotse_http::config::load(file, ENV_PREFIX)?;
        config.validate()?;
        Ok(config)
    }

    /// Checks values that deserialise but cannot work.
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        let bad = |key, reason: &str| Err(InvalidConfig::Value { key, reason: reason.to_owned() });
        if self.listen.parse::<SocketAddr>().is_err() {
            return bad("listen", "expected host:port with an IP address, e.g. 127.0.0.1:8080");
        }
        if self.harvest_schedule.parse::<cron::Schedule>().is_err() {
            return bad("harvest_schedule", "not a cron expression with seconds");
        }
        if self.purge_schedule.parse::<cron::Schedule>().is_err() {
            return bad("purge_schedule", "not a cron expression with seconds");
        }
        for (key, expr) in [
            ("sweep_schedule", &self.sweep_schedule),
            ("health_schedule", &self.health_schedule),
            ("link_check_schedule", &self.link_check_schedule),
        ] {
            if expr.parse::<cron::Schedule>().is_err() {
                return bad(key, "not a cron expression with seconds");
            }
        }
        if !(1..=256).contains(&self.link_check_concurrency) {
            return bad("link_check_concurrency", "expected 1..=256");
        }
        if self.link_check_timeout_secs == 0 || self.quality_poll_ms == 0 || self.session_ttl_secs == 0 {
            return bad("link_check_timeout_secs", "timeouts and intervals must be positive");
        }
        if !(1..=256).contains(&self.harvest_concurrency) {
            return bad("harvest_concurrency", "expected 1..=256");
        }
        if !(1..=5000).contains(&self.page_size) {
            return bad("page_size", "expected 1..=5000");
        }
        if self.body_limit_bytes == 0 || self.max_feed_page_bytes == 0 {
            return bad("body_limit_bytes", "limits must be positive");
        }
        if !(1..=60_000).contains(&self.search_poll_ms) {
            return bad("search_poll_ms", "expected 1..=60000");
        }
        // tantivy needs at least 15 MB per writer thread.
        if !(16..=8192).contains(&self.search_writer_memory_mb)
            || !(1..=8).contains(&self.search_writer_threads)
        {
            return bad("search_writer_memory_mb", "expected 16..=8192 MiB and 1..=8 threads");
        }
        if self.harvest_timeout_secs == 0 {
            return bad("harvest_timeout_secs", "must be positive");
        }
        if let Some(url) = &self.public_url
            && !is_http_url(url)
        {
            return bad("public_url", "expected an http(s) URL");
        }
        if let Some(t) = &self.tile_url
            && (!is_http_url(t) || !["{z}", "{x}", "{y}"].iter().all(|p| t.contains(p)))
        {
            return bad("tile_url", "expected an http(s) URL with {z}, {x} and {y}");
        }
        if let Some(g) = &self.geocoder {
            if !is_http_url(&g.url) {
                return bad("geocoder.url", "expected an http(s) URL");
            }
            if !(g.rate_limit_per_sec > 0.0 && g.rate_limit_per_sec.is_finite()) {
                return bad("geocoder.rate_limit_per_sec", "must be a positive number");
            }
        }
        Ok(())
    }

    /// The database URL: the configured one, or SQLite in the data directory.
    pub fn database_url(&self) -> Secret {
        match &self.database_url {
            Some(url) => url.clone(),
            None => Secret::new(format!("sqlite://{}", self.data_dir.join("hub.db").display())),
        }
    }

    /// Where the search index lives on disk.
    pub fn search_index_dir(&self) -> PathBuf {
        self.search_index_dir.clone().unwrap_or_else(|| self.data_dir.join("search-index"))
    }

    /// The kind of database, for logs (the URL may hold a password).
    pub fn database_kind(&self) -> &'static str {
        if self.database_url().expose().starts_with("sqlite:") { "sqlite" } else { "postgres" }
    }

    /// Whether feed URLs may resolve to private addresses: as configured, else only when the
    /// hub listens on loopback (see [`HubConfig::allow_private_feeds`]).
    pub fn private_feeds_allowed(&self) -> bool {
        self.allow_private_feeds.unwrap_or_else(|| {
            self.listen.parse::<SocketAddr>().map(|a| a.ip().is_loopback()).unwrap_or(false)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_secrets_hidden() {
        let mut c = HubConfig::default();
        c.validate().unwrap();
        assert_eq!(c.database_url().expose(), "sqlite://data/hub/hub.db");
        assert_eq!(c.database_kind(), "sqlite");
        c.database_url = Some(Secret::new("postgres://u:pw@h/db"));
        let shown = format!("{c:?}");
        assert!(!shown.contains("pw@"), "{shown}");
        assert_eq!(c.database_kind(), "postgres");
    }

    #[test]
    fn private_feeds_follow_the_listen_address_unless_set() {
        let c = HubConfig::default();
        assert!(c.private_feeds_allowed());
        let c = HubConfig { listen: "0.0.0.0:8080".into(), ..HubConfig::default() };
        assert!(!c.private_feeds_allowed());
        let c = HubConfig {
            listen: "0.0.0.0:8080".into(),
            allow_private_feeds: Some(true),
            ..HubConfig::default()
        };
        assert!(c.private_feeds_allowed());
        let c = HubConfig { allow_private_feeds: Some(false), ..HubConfig::default() };
        assert!(!c.private_feeds_allowed());
    }

    #[test]
    fn rejects_bad_values() {
        for c in [
            HubConfig { listen: "localhost".into(), ..HubConfig::default() },
            HubConfig { harvest_schedule: "*/5 * * * *x".into(), ..HubConfig::default() },
            HubConfig { harvest_concurrency: 0, ..HubConfig::default() },
            HubConfig { page_size: 0, ..HubConfig::default() },
            HubConfig { public_url: Some("ftp://x".into()), ..HubConfig::default() },
            HubConfig {
                geocoder: Some(GeocoderConfig {
                    kind: GeocoderKind::Photon,
                    url: "http://g".into(),
                    rate_limit_per_sec: 0.0,
                    timeout_secs: 1,
                }),
                ..HubConfig::default()
            },
        ] {
            assert!(c.validate().is_err(), "{c:?}");
        }
    }

    #[test]
    // figment's `Jail` fixes the closure's error type; its size is not ours to choose.
    #[allow(clippy::result_large_err)]
    fn file_and_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "hub.toml",
                "page_size = 100\nharvest_concurrency = 2\n[geocoder]\nkind = \"nominatim\"\nurl = \"http://geo\"\n",
            )?;
            jail.set_env("LOTSE_HUB__PAGE_SIZE", "50");
            jail.set_env("LOTSE_HUB__LISTEN", "127.0.0.1:9000");
            jail.set_env("LOTSE_HUB__GEOCODER__RATE_LIMIT_PER_SEC", "5");
            jail.set_env("LOTSE_HUB__SCHEDULER", "false");
            let c = HubConfig::load(Some(Path::new("hub.toml"))).unwrap();
            assert_eq!(c.page_size, 50);
            assert_eq!(c.harvest_concurrency, 2);
            assert_eq!(c.listen, "127.0.0.1:9000");
            assert!(!c.scheduler);
            let g = c.geocoder.unwrap();
            assert_eq!(
                (g.kind, g.url.as_str(), g.rate_limit_per_sec),
                (GeocoderKind::Nominatim, "http://geo", 5.0)
            );
            jail.create_file("bad.toml", "pagesize = 1\n")?;
            assert!(HubConfig::load(Some(Path::new("bad.toml"))).is_err());
            Ok(())
        });
    }
}
