//! The hub's Prometheus metrics, on a registry of its own (so that tests can run several hubs
//! in one process).

use lotse_http::metrics::{Counter, Gauge, Histogram, HttpMetrics, Registry};

/// Buckets for harvest durations, in seconds: a ping-triggered harvest of a few items takes
/// milliseconds, a first harvest of a large node minutes.
const HARVEST_BUCKETS: &[f64] = &[0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0];

#[derive(Clone)]
pub struct HubMetrics {
    pub registry: Registry,
    pub http: HttpMetrics,
    /// Harvests by node and result (`completed`, `skipped`, `failed`, `stopped`).
    pub harvests: Counter,
    /// Harvested items by node and outcome (`created`, `updated`, `unchanged`, `quarantined`,
    /// `deleted`).
    pub items: Counter,
    pub harvest_duration: Histogram,
    /// Unix time of each node's last successful harvest.
    pub last_success: Gauge,
    /// Pings by node.
    pub pings: Counter,
    /// Pages served from the hub's own feed.
    pub feed_reads: Counter,
    /// Geocoder lookups by result (`cached`, `found`, `not_found`, `error`).
    pub geocoder: Counter,
    /// Seconds since each node's last successful harvest (set by the health job).
    pub node_lag: Gauge,
    /// Change numbers the hub is behind each node, and for how many seconds (set by the health
    /// job from the heads the nodes' pings report).
    pub node_behind_changes: Gauge,
    pub node_behind_seconds: Gauge,
    /// Duration of each node's last successful harvest (set by the health job from the store,
    /// so that every replica reports it, not only the one that harvested).
    pub node_last_success_duration: Gauge,
    /// Each node's health: 1 for its current state (`ok`, `warn`, `error`), 0 for the others.
    pub node_health: Gauge,
    /// Live offers per score band (`0-9`, …, `90-100`).
    pub score_bands: Gauge,
    /// Live offers that are expired, and that are unverified for over a year.
    pub offers_expired: Gauge,
    pub offers_unverified: Gauge,
    /// Link checks by result (`ok`, `broken`, `refused`, `error`).
    pub link_checks: Counter,
    /// Durations of the operator's jobs (`rescore`, `sweep`, `snapshot`, `link_check`, `health`).
    pub job_duration: Histogram,
    /// Unix time of each job's last successful run.
    pub job_last_success: Gauge,
    /// Whether the score distribution has been read from the store since the hub started
    /// (see [`crate::ops::score`]).
    pub scores_recorded: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl std::fmt::Debug for HubMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HubMetrics")
    }
}

impl HubMetrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let http = HttpMetrics::new(&registry, "lotse_hub");
        Self {
            scores_recorded: std::sync::Arc::default(),
            harvests: registry.counter(
                "lotse_hub_harvests_total",
                "Harvests by node and result.",
                &["node", "result"],
            ),
            items: registry.counter(
                "lotse_hub_harvested_items_total",
                "Harvested feed items by node and outcome.",
                &["node", "outcome"],
            ),
            harvest_duration: registry.histogram(
                "lotse_hub_harvest_duration_seconds",
                "Duration of harvests by node.",
                &["node"],
                HARVEST_BUCKETS,
            ),
            last_success: registry.gauge(
                "lotse_hub_node_last_success_timestamp_seconds",
                "Unix time of the last successful harvest by node.",
                &["node"],
            ),
            pings: registry.counter("lotse_hub_pings_total", "Pings received by node.", &["node"]),
            feed_reads: registry.counter(
                "lotse_hub_feed_reads_total",
                "Pages served from the hub's feed.",
                &[],
            ),
            geocoder: registry.counter(
                "lotse_hub_geocoder_lookups_total",
                "Geocoder lookups by result.",
                &["result"],
            ),
            node_lag: registry.gauge(
                "lotse_hub_node_lag_seconds",
                "Seconds since the last successful harvest by node.",
                &["node"],
            ),
            node_behind_changes: registry.gauge(
                "lotse_hub_node_behind_changes",
                "Change numbers the hub is behind the node's reported head, by node.",
                &["node"],
            ),
            node_behind_seconds: registry.gauge(
                "lotse_hub_node_behind_seconds",
                "Seconds the hub has been behind the node's reported head, by node (0 when caught up).",
                &["node"],
            ),
            node_last_success_duration: registry.gauge(
                "lotse_hub_node_last_success_duration_seconds",
                "Duration of the last successful harvest by node.",
                &["node"],
            ),
            node_health: registry.gauge(
                "lotse_hub_node_health",
                "Node health: 1 for the node's current state.",
                &["node", "state"],
            ),
            score_bands: registry.gauge(
                "lotse_hub_offers_by_score",
                "Live offers per score band.",
                &["band"],
            ),
            offers_expired: registry.gauge("lotse_hub_offers_expired", "Live offers that are expired.", &[]),
            offers_unverified: registry.gauge(
                "lotse_hub_offers_unverified",
                "Live offers not verified for over a year.",
                &[],
            ),
            link_checks: registry.counter(
                "lotse_hub_link_checks_total",
                "Link checks by result.",
                &["result"],
            ),
            job_duration: registry.histogram(
                "lotse_hub_job_duration_seconds",
                "Durations of the operator's jobs.",
                &["job"],
                HARVEST_BUCKETS,
            ),
            job_last_success: registry.gauge(
                "lotse_hub_job_last_success_timestamp_seconds",
                "Unix time of each job's last successful run.",
                &["job"],
            ),
            http,
            registry,
        }
    }
}

impl Default for HubMetrics {
    fn default() -> Self {
        Self::new()
    }
}
