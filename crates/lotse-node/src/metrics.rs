//! The node's Prometheus metrics.

use lotse_http::metrics::{Counter, CounterHandle, HttpMetrics, Registry};

/// Metric families of one node; each node in a process has its own registry.
#[derive(Clone)]
pub struct NodeMetrics {
    pub registry: Registry,
    pub http: HttpMetrics,
    /// Offers stored by outcome: `created`, `updated`, `unchanged`, `deleted`.
    pub offers: Counter,
    /// The series of [`NodeMetrics::offers`], resolved once, since every push counts them.
    pub ingested: Ingested,
    /// Records rejected by the validator.
    pub rejected: Counter,
    /// Feed pages served.
    pub feed_reads: Counter,
    /// Feed items served.
    pub feed_items: Counter,
    /// Pings to the hub by result.
    pub pings: Counter,
    /// Tombstones removed by the purge job.
    pub purged: Counter,
}

/// The counters of stored offers, one per outcome.
#[derive(Clone)]
pub struct Ingested {
    pub created: CounterHandle,
    pub updated: CounterHandle,
    pub unchanged: CounterHandle,
    pub deleted: CounterHandle,
}

impl NodeMetrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let offers = registry.counter(
            "lotse_node_offers_ingested_total",
            "Offers written by pushes, by outcome.",
            &["outcome"],
        );
        Self {
            http: HttpMetrics::new(&registry, "lotse_node"),
            ingested: Ingested {
                created: offers.handle(&["created"]),
                updated: offers.handle(&["updated"]),
                unchanged: offers.handle(&["unchanged"]),
                deleted: offers.handle(&["deleted"]),
            },
            offers,
            rejected: registry.counter(
                "lotse_node_records_rejected_total",
                "Records rejected by the validator.",
                &[],
            ),
            feed_reads: registry.counter("lotse_node_feed_reads_total", "Feed pages served.", &[]),
            feed_items: registry.counter("lotse_node_feed_items_total", "Feed items served.", &[]),
            pings: registry.counter(
                "lotse_node_hub_pings_total",
                "Pings to the hub, by result.",
                &["result"],
            ),
            purged: registry.counter("lotse_node_tombstones_purged_total", "Tombstones removed.", &[]),
            registry,
        }
    }
}

impl Default for NodeMetrics {
    fn default() -> Self {
        Self::new()
    }
}
