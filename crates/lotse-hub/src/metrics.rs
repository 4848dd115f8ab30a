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
