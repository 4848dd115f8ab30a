//! The hub's configuration: serde defaults, then a TOML file, then `LOTSE_HUB__…` variables.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use lotse_http::config::{ConfigError, DeprecatedKey, ServiceConfig, ServiceDefaults, is_http_url};
use serde::Deserialize;

/// Prefix of the environment variables that override the file, e.g. `LOTSE_HUB__LISTEN` or
/// `LOTSE_HUB__HARVEST__SCHEDULE`.
pub const ENV_PREFIX: &str = "LOTSE_HUB__";

/// The hub's defaults for the keys every service has.
#[derive(Debug, Clone, Copy, Default)]
pub struct HubDefaults;

impl ServiceDefaults for HubDefaults {
    const LISTEN: &'static str = "127.0.0.1:8080";
    const DATA_DIR: &'static str = "data/hub";
    const DATABASE_FILE: &'static str = "hub.db";
    // Pings and registry changes are small; feed pages are fetched, not received.
    const BODY_LIMIT_BYTES: usize = 1024 * 1024;
    const DB_MAX_CONNECTIONS: u32 = 8;
    const RATE_LIMIT_PER_MINUTE: u32 = 600;
}

/// The flat keys of earlier versions and the keys that replaced them. They are still read,
/// with a warning that names the new key.
pub const RENAMED_KEYS: &[(&str, &str)] = &[
    ("harvest_schedule", "harvest.schedule"),
    ("harvest_concurrency", "harvest.concurrency"),
    ("harvest_retries", "harvest.retries"),
    ("harvest_backoff_ms", "harvest.backoff_ms"),
    ("harvest_backoff_max_ms", "harvest.backoff_max_ms"),
    ("harvest_timeout_secs", "harvest.timeout_secs"),
    ("max_feed_page_bytes", "harvest.max_feed_page_bytes"),
    ("search_index_dir", "search.index_dir"),
    ("search_in_memory", "search.in_memory"),
    ("search_poll_ms", "search.poll_ms"),
    ("search_writer_memory_mb", "search.writer_memory_mb"),
    ("search_writer_threads", "search.writer_threads"),
    ("quality_poll_ms", "quality.poll_ms"),
    ("sweep_schedule", "quality.sweep_schedule"),
    ("health_schedule", "health.schedule"),
    ("health_warn_after_secs", "health.warn_after_secs"),
    ("health_error_after_secs", "health.error_after_secs"),
    ("health_warn_behind_secs", "health.warn_behind_secs"),
    ("health_error_behind_secs", "health.error_behind_secs"),
    ("health_error_failures", "health.error_failures"),
    ("health_warn_quarantine_share", "health.warn_quarantine_share"),
    ("health_warn_warnings_share", "health.warn_warnings_share"),
    ("health_warn_mean_score", "health.warn_mean_score"),
    ("link_check_schedule", "links.schedule"),
    ("link_check_concurrency", "links.concurrency"),
    ("link_check_host_interval_ms", "links.host_interval_ms"),
    ("link_check_timeout_secs", "links.timeout_secs"),
    ("link_check_allow_private", "links.allow_private"),
];

/// Everything a hub needs to run. `Debug` never shows secrets (`database_url`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HubConfig {
    /// The keys every service has (`listen`, `public_url`, `data_dir`, `database_url`,
    /// `db_max_connections`, `body_limit_bytes`, `rate_limit_per_minute`, `log_json`), top-level
    /// keys of the file. `listen = "127.0.0.1:0"` picks a free port (tests); `public_url` is
    /// used for absolute `next` links of the hub's own feed.
    #[serde(flatten)]
    pub service: ServiceConfig<HubDefaults>,
    /// Whether this process harvests (cron schedule and pings). `false` is a replica that only
    /// serves (`lotse hub --no-scheduler`).
    #[serde(default = "default_true")]
    pub scheduler: bool,
    /// Whether feed URLs may point at private, loopback or link-local addresses. Feed URLs are
    /// entered by operators, and a hub that fetched any URL could be used to probe the network
    /// it runs in. Default: allowed only when the hub itself listens on a loopback address (a
    /// developer's machine or the demo); a hub listening on a public interface refuses them
    /// unless this is set to `true`. It applies when nodes are registered and when they are
    /// harvested, so it is not part of `[harvest]`.
    #[serde(default)]
    pub allow_private_feeds: Option<bool>,
    /// `[harvest]`: when and how the nodes' feeds are read.
    #[serde(default)]
    pub harvest: HarvestConfig,
    /// Items per page of the hub's own feed.
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// The license URL published with the hub's feed.
    #[serde(default = "default_license")]
    pub license: String,
    /// An optional Nominatim- or Photon-compatible geocoder for locations without coordinates.
    #[serde(default)]
    pub geocoder: Option<GeocoderConfig>,
    /// Days a tombstone stays in the hub's feed before the purge job removes it.
    #[serde(default = "default_retention")]
    pub tombstone_retention_days: u32,
    /// When the purge job runs (cron expression with seconds).
    #[serde(default = "default_purge_schedule")]
    pub purge_schedule: String,
    /// `[search]`: the search index.
    #[serde(default)]
    pub search: SearchConfig,
    /// `[quality]`: scoring of offers.
    #[serde(default)]
    pub quality: QualityConfig,
    /// `[health]`: when nodes are judged and by which thresholds.
    #[serde(default)]
    pub health: HealthConfig,
    /// `[links]`: the link checker.
    #[serde(default)]
    pub links: LinksConfig,
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
    /// Old key names found by [`HubConfig::load`]. They are logged when the hub opens, because
    /// logging is set up only after the configuration (which chooses the log format) is read.
    #[serde(skip)]
    pub deprecated_keys: Vec<DeprecatedKey>,
}

/// `[harvest]`: when and how the nodes' feeds are read.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HarvestConfig {
    /// When every node is harvested anyway: a cron expression with seconds
    /// (`sec min hour day month weekday`); default every five minutes.
    pub schedule: String,
    /// How many nodes are harvested at the same time.
    pub concurrency: usize,
    /// How often a failed feed request is retried before the harvest gives up.
    pub retries: u32,
    /// The wait before the first retry, in milliseconds; it doubles with every retry.
    pub backoff_ms: u64,
    /// The longest wait between retries, in milliseconds.
    pub backoff_max_ms: u64,
    /// Timeout of one feed request, in seconds.
    pub timeout_secs: u64,
    /// The largest feed page the hub reads, in bytes; larger pages fail the harvest.
    pub max_feed_page_bytes: usize,
}

impl Default for HarvestConfig {
    fn default() -> Self {
        Self {
            schedule: "0 */5 * * * *".into(),
            concurrency: 4,
            retries: 5,
            backoff_ms: 500,
            backoff_max_ms: 30_000,
            timeout_secs: 60,
            max_feed_page_bytes: 64 * 1024 * 1024,
        }
    }
}

/// `[search]`: the search index.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchConfig {
    /// Directory of the search index; default `{data_dir}/search-index`. The index is derived
    /// from the store and rebuilt when missing, so it need not be backed up.
    pub index_dir: Option<PathBuf>,
    /// Keeps the search index in memory only (tests; it is rebuilt at every start).
    pub in_memory: bool,
    /// How often the search index looks for new changes in the store, in milliseconds.
    pub poll_ms: u64,
    /// Memory of the index writer's buffers, in MiB.
    pub writer_memory_mb: usize,
    /// Threads of the index writer.
    pub writer_threads: usize,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self { index_dir: None, in_memory: false, poll_ms: 200, writer_memory_mb: 128, writer_threads: 1 }
    }
}

/// `[quality]`: scoring of offers.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QualityConfig {
    /// How often the quality follower scores offers changed since its last run, in
    /// milliseconds (scores are current this long after a harvest).
    pub poll_ms: u64,
    /// When the daily sweep runs: every offer is scored again as of the day (expired and
    /// unverified offers are marked), then the day's snapshots are taken.
    pub sweep_schedule: String,
}

impl Default for QualityConfig {
    fn default() -> Self {
        // The sweep runs daily at 04:07:00 UTC, after the purge and before the working day.
        Self { poll_ms: 1000, sweep_schedule: "0 7 4 * * *".into() }
    }
}

/// `[health]`: when nodes are judged and by which thresholds.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HealthConfig {
    /// When node health is judged and its metrics are updated (cron expression with seconds).
    pub schedule: String,
    /// Seconds without a successful harvest after which a node is `warn`.
    pub warn_after_secs: u64,
    /// Seconds without a successful harvest after which a node is `error`.
    pub error_after_secs: u64,
    /// Seconds the hub may be behind a node (its ping reported a change number beyond the
    /// checkpoint) before the node is `warn`.
    pub warn_behind_secs: u64,
    /// Seconds the hub may be behind a node before the node is `error`.
    pub error_behind_secs: u64,
    /// Failed harvests in a row after which a node is `error`.
    pub error_failures: u32,
    /// Share of quarantined items above which a node is `warn`.
    pub warn_quarantine_share: f64,
    /// Share of offers with validator warnings above which a node is `warn`.
    pub warn_warnings_share: f64,
    /// Mean score below which a node is `warn`.
    pub warn_mean_score: f64,
}

impl Default for HealthConfig {
    fn default() -> Self {
        Self {
            schedule: "15 * * * * *".into(),
            warn_after_secs: 900,
            error_after_secs: 3600,
            // The same as for the last successful harvest: a ping starts a harvest at once and
            // the schedule harvests every five minutes, so a quarter of an hour behind means
            // that harvests of the node fail or never reach its newest change.
            warn_behind_secs: 900,
            error_behind_secs: 3600,
            error_failures: 5,
            warn_quarantine_share: 0.05,
            warn_warnings_share: 0.25,
            warn_mean_score: 60.0,
        }
    }
}

/// `[links]`: the link checker.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinksConfig {
    /// When the link checker runs (cron expression with seconds); each URL at most once a day.
    pub schedule: String,
    /// URLs checked at the same time.
    pub concurrency: usize,
    /// The least time between two requests to the same host, in milliseconds.
    pub host_interval_ms: u64,
    /// Timeout of one link check request, in seconds.
    pub timeout_secs: u64,
    /// Whether offer URLs may point at private, loopback or link-local addresses. Offer URLs
    /// come from data stewards, so they are refused by default whatever the hub listens on.
    pub allow_private: bool,
}

impl Default for LinksConfig {
    fn default() -> Self {
        Self {
            // Daily at 02:23:00 UTC, so that the sweep after it scores with fresh results.
            schedule: "0 23 2 * * *".into(),
            concurrency: 8,
            host_interval_ms: 1000,
            timeout_secs: 10,
            allow_private: false,
        }
    }
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
fn default_page_size() -> u32 {
    500
}
fn default_license() -> String {
    "https://www.govdata.de/dl-de/by-2-0".into()
}
fn default_retention() -> u32 {
    30
}
fn default_purge_schedule() -> String {
    // Daily at 03:47:00 UTC, away from the full hour and from the node's purge at 03:17.
    "0 47 3 * * *".into()
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
            service: ServiceConfig::default(),
            scheduler: true,
            allow_private_feeds: None,
            harvest: HarvestConfig::default(),
            page_size: default_page_size(),
            license: default_license(),
            geocoder: None,
            tombstone_retention_days: default_retention(),
            purge_schedule: default_purge_schedule(),
            search: SearchConfig::default(),
            quality: QualityConfig::default(),
            health: HealthConfig::default(),
            links: LinksConfig::default(),
            session_ttl_secs: default_session_ttl_secs(),
            tile_url: None,
            tile_attribution: None,
            deprecated_keys: Vec::new(),
        }
    }
}

impl HubConfig {
    /// Loads defaults, then `file` (if given), then the environment, and checks the result.
    /// The flat keys of earlier versions ([`RENAMED_KEYS`]) are still read; they end up in
    /// [`HubConfig::deprecated_keys`].
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let (mut config, deprecated): (HubConfig, _) =
            lotse_http::config::load_renaming(file, ENV_PREFIX, RENAMED_KEYS)?;
        config.deprecated_keys = deprecated;
        config.validate()?;
        Ok(config)
    }

    /// Checks values that deserialise but cannot work.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |key, reason: &str| Err(ConfigError::invalid(key, reason));
        if self.service.listen.parse::<SocketAddr>().is_err() {
            return bad("listen", "expected host:port with an IP address, e.g. 127.0.0.1:8080");
        }
        self.service.validate()?;
        for (key, expr) in [
            ("harvest.schedule", &self.harvest.schedule),
            ("purge_schedule", &self.purge_schedule),
            ("quality.sweep_schedule", &self.quality.sweep_schedule),
            ("health.schedule", &self.health.schedule),
            ("links.schedule", &self.links.schedule),
        ] {
            if expr.parse::<cron::Schedule>().is_err() {
                return bad(key, "not a cron expression with seconds");
            }
        }
        if !(1..=256).contains(&self.links.concurrency) {
            return bad("links.concurrency", "expected 1..=256");
        }
        for (key, value) in [
            ("links.timeout_secs", self.links.timeout_secs),
            ("quality.poll_ms", self.quality.poll_ms),
            ("session_ttl_secs", self.session_ttl_secs),
            ("harvest.timeout_secs", self.harvest.timeout_secs),
        ] {
            if value == 0 {
                return bad(key, "must be positive");
            }
        }
        if !(1..=256).contains(&self.harvest.concurrency) {
            return bad("harvest.concurrency", "expected 1..=256");
        }
        if !(1..=5000).contains(&self.page_size) {
            return bad("page_size", "expected 1..=5000");
        }
        if self.harvest.max_feed_page_bytes == 0 {
            return bad("harvest.max_feed_page_bytes", "must be positive");
        }
        if !(1..=60_000).contains(&self.search.poll_ms) {
            return bad("search.poll_ms", "expected 1..=60000");
        }
        // tantivy needs at least 15 MB per writer thread.
        if !(16..=8192).contains(&self.search.writer_memory_mb)
            || !(1..=8).contains(&self.search.writer_threads)
        {
            return bad("search.writer_memory_mb", "expected 16..=8192 MiB and 1..=8 threads");
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

    /// Logs a warning for each old key name [`HubConfig::load`] found.
    pub fn warn_deprecated_keys(&self) {
        self.deprecated_keys.iter().for_each(DeprecatedKey::warn);
    }

    /// Where the search index lives on disk.
    pub fn search_index_dir(&self) -> PathBuf {
        self.search.index_dir.clone().unwrap_or_else(|| self.service.data_dir.join("search-index"))
    }

    /// Whether feed URLs may resolve to private addresses: as configured, else only when the
    /// hub listens on loopback (see [`HubConfig::allow_private_feeds`]).
    pub fn private_feeds_allowed(&self) -> bool {
        self.allow_private_feeds.unwrap_or_else(|| {
            self.service.listen.parse::<SocketAddr>().map(|a| a.ip().is_loopback()).unwrap_or(false)
        })
    }
}

#[cfg(test)]
mod tests {
    use lotse_http::Secret;

    use super::*;

    #[test]
    fn defaults_are_valid_and_secrets_hidden() {
        let mut c = HubConfig::default();
        c.validate().unwrap();
        assert_eq!(c.service.database_url().expose(), "sqlite://data/hub/hub.db");
        assert_eq!(c.service.database_kind(), "sqlite");
        c.service.database_url = Some(Secret::new("postgres://u:pw@h/db"));
        let shown = format!("{c:?}");
        assert!(!shown.contains("pw@"), "{shown}");
        assert_eq!(c.service.database_kind(), "postgres");
    }

    #[test]
    fn private_feeds_follow_the_listen_address_unless_set() {
        let c = HubConfig::default();
        assert!(c.private_feeds_allowed());
        let public = || ServiceConfig { listen: "0.0.0.0:8080".into(), ..ServiceConfig::default() };
        let c = HubConfig { service: public(), ..HubConfig::default() };
        assert!(!c.private_feeds_allowed());
        let c = HubConfig { service: public(), allow_private_feeds: Some(true), ..HubConfig::default() };
        assert!(c.private_feeds_allowed());
        let c = HubConfig { allow_private_feeds: Some(false), ..HubConfig::default() };
        assert!(!c.private_feeds_allowed());
    }

    #[test]
    fn rejects_bad_values() {
        for c in [
            HubConfig {
                service: ServiceConfig { listen: "localhost".into(), ..ServiceConfig::default() },
                ..HubConfig::default()
            },
            HubConfig {
                harvest: HarvestConfig { schedule: "*/5 * * * *x".into(), ..HarvestConfig::default() },
                ..HubConfig::default()
            },
            HubConfig {
                harvest: HarvestConfig { concurrency: 0, ..HarvestConfig::default() },
                ..HubConfig::default()
            },
            HubConfig { page_size: 0, ..HubConfig::default() },
            HubConfig {
                service: ServiceConfig { public_url: Some("ftp://x".into()), ..ServiceConfig::default() },
                ..HubConfig::default()
            },
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
                "page_size = 100\n[harvest]\nconcurrency = 2\n[geocoder]\nkind = \"nominatim\"\nurl = \"http://geo\"\n",
            )?;
            jail.set_env("LOTSE_HUB__PAGE_SIZE", "50");
            jail.set_env("LOTSE_HUB__LISTEN", "127.0.0.1:9000");
            jail.set_env("LOTSE_HUB__GEOCODER__RATE_LIMIT_PER_SEC", "5");
            jail.set_env("LOTSE_HUB__SCHEDULER", "false");
            let c = HubConfig::load(Some(Path::new("hub.toml"))).unwrap();
            assert_eq!(c.page_size, 50);
            assert_eq!(c.harvest.concurrency, 2);
            assert_eq!(c.service.listen, "127.0.0.1:9000");
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

    #[test]
    #[allow(clippy::result_large_err)]
    fn sections_and_service_keys_from_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("LOTSE_HUB__HARVEST__SCHEDULE", "0 */7 * * * *");
            jail.set_env("LOTSE_HUB__HARVEST__CONCURRENCY", "3");
            jail.set_env("LOTSE_HUB__SEARCH__IN_MEMORY", "true");
            jail.set_env("LOTSE_HUB__HEALTH__WARN_MEAN_SCORE", "55.5");
            jail.set_env("LOTSE_HUB__LINKS__ALLOW_PRIVATE", "yes");
            jail.set_env("LOTSE_HUB__BODY_LIMIT_BYTES", "2048");
            jail.set_env("LOTSE_HUB__DB_MAX_CONNECTIONS", "3");
            let c = HubConfig::load(None).unwrap();
            assert_eq!((c.harvest.schedule.as_str(), c.harvest.concurrency), ("0 */7 * * * *", 3));
            assert!(c.search.in_memory && c.links.allow_private);
            assert_eq!(c.health.warn_mean_score, 55.5);
            assert_eq!((c.service.body_limit_bytes, c.service.db_max_connections), (2048, 3));
            assert!(c.deprecated_keys.is_empty());
            jail.set_env("LOTSE_HUB__HARVEST__CONCURENCY", "3");
            assert!(HubConfig::load(None).is_err());
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)]
    fn old_flat_keys_are_still_read() {
        let old = "harvest_schedule = \"0 */7 * * * *\"\nharvest_concurrency = 3\nharvest_retries = 1\n\
            harvest_backoff_ms = 11\nharvest_backoff_max_ms = 22\nharvest_timeout_secs = 33\n\
            max_feed_page_bytes = 44\nsearch_index_dir = \"idx\"\nsearch_in_memory = true\n\
            search_poll_ms = 55\nsearch_writer_memory_mb = 66\nsearch_writer_threads = 2\n\
            quality_poll_ms = 77\nsweep_schedule = \"0 1 4 * * *\"\nhealth_schedule = \"0 * * * * *\"\n\
            health_warn_after_secs = 1\nhealth_error_after_secs = 2\nhealth_warn_behind_secs = 3\n\
            health_error_behind_secs = 4\nhealth_error_failures = 6\nhealth_warn_quarantine_share = 0.1\n\
            health_warn_warnings_share = 0.2\nhealth_warn_mean_score = 50.0\n\
            link_check_schedule = \"0 0 1 * * *\"\nlink_check_concurrency = 2\n\
            link_check_host_interval_ms = 5\nlink_check_timeout_secs = 7\nlink_check_allow_private = true\n";
        for (key, _) in RENAMED_KEYS {
            assert!(old.contains(&format!("{key} = ")), "{key} is not in the test file");
        }
        figment::Jail::expect_with(|jail| {
            jail.create_file("old.toml", old)?;
            let c = HubConfig::load(Some(Path::new("old.toml"))).unwrap();
            assert_eq!(c.deprecated_keys.len(), RENAMED_KEYS.len());
            assert!(c.deprecated_keys.iter().all(|d| !d.ignored));
            let h = &c.harvest;
            assert_eq!((h.schedule.as_str(), h.concurrency, h.retries), ("0 */7 * * * *", 3, 1));
            assert_eq!(
                (h.backoff_ms, h.backoff_max_ms, h.timeout_secs, h.max_feed_page_bytes),
                (11, 22, 33, 44)
            );
            let s = &c.search;
            assert_eq!((c.search_index_dir(), s.in_memory), (PathBuf::from("idx"), true));
            assert_eq!((s.poll_ms, s.writer_memory_mb, s.writer_threads), (55, 66, 2));
            assert_eq!((c.quality.poll_ms, c.quality.sweep_schedule.as_str()), (77, "0 1 4 * * *"));
            let h = &c.health;
            assert_eq!(h.schedule, "0 * * * * *");
            assert_eq!(
                (h.warn_after_secs, h.error_after_secs, h.warn_behind_secs, h.error_behind_secs),
                (1, 2, 3, 4)
            );
            assert_eq!(h.error_failures, 6);
            assert_eq!((h.warn_quarantine_share, h.warn_warnings_share, h.warn_mean_score), (0.1, 0.2, 50.0));
            let l = &c.links;
            assert_eq!((l.schedule.as_str(), l.concurrency, l.host_interval_ms), ("0 0 1 * * *", 2, 5));
            assert_eq!((l.timeout_secs, l.allow_private), (7, true));

            // Given both ways in one file, the new key wins.
            jail.create_file("both.toml", "harvest_retries = 1\n[harvest]\nretries = 2\n")?;
            let c = HubConfig::load(Some(Path::new("both.toml"))).unwrap();
            assert_eq!(c.harvest.retries, 2);
            assert!(c.deprecated_keys[0].ignored);

            // Old variables still work, also for numbers, and still override the file.
            jail.set_env("LOTSE_HUB__HARVEST_RETRIES", "4");
            jail.set_env("LOTSE_HUB__LINK_CHECK_ALLOW_PRIVATE", "true");
            let c = HubConfig::load(Some(Path::new("both.toml"))).unwrap();
            assert_eq!(c.harvest.retries, 4);
            assert!(c.links.allow_private);
            assert!(
                c.deprecated_keys
                    .iter()
                    .any(|d| d.old == "LOTSE_HUB__HARVEST_RETRIES" && d.new == "LOTSE_HUB__HARVEST__RETRIES")
            );
            c.warn_deprecated_keys();
            Ok(())
        });
    }
}
