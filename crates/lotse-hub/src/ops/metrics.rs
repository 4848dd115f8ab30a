//! Updates of the operator's Prometheus metrics (defined in [`crate::metrics`]).

use std::time::Instant;

use super::health::{HealthState, NodeHealth};
use crate::metrics::HubMetrics;
use crate::store::HubStore;

/// The labels of the score bands, index 0 = 0–9 … 9 = 90–100.
pub const BANDS: [&str; 10] =
    ["0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80-89", "90-100"];

/// Sets the score distribution and the expired and unverified totals from the store.
pub async fn record_scores(store: &dyn HubStore, m: &HubMetrics) {
    match store.score_bands().await {
        Ok(bands) => {
            for (label, n) in BANDS.iter().zip(bands) {
                m.score_bands.set(&[label], n as f64);
            }
        }
        Err(e) => tracing::warn!(error = %e, "score distribution not read"),
    }
    if let Ok(per_node) = store.quality_by_node().await {
        m.offers_expired.set(&[], per_node.values().map(|a| a.expired).sum::<i64>() as f64);
        m.offers_unverified.set(&[], per_node.values().map(|a| a.unverified).sum::<i64>() as f64);
    }
}

/// Records a job's duration and, when it succeeded, the time of its success.
pub fn job_finished(m: &HubMetrics, job: &str, started: Instant, ok: bool) {
    m.job_duration.observe(&[job], started.elapsed().as_secs_f64());
    if ok {
        m.job_last_success.set(&[job], crate::unix_now() as f64);
    }
}

/// Sets each node's lag, the duration of its last successful harvest and its health state.
pub fn record_health(m: &HubMetrics, nodes: &[NodeHealth]) {
    for n in nodes {
        m.node_lag.set(&[&n.node_id], n.lag_seconds as f64);
        m.node_behind_changes.set(&[&n.node_id], n.behind_changes as f64);
        m.node_behind_seconds.set(&[&n.node_id], n.behind_seconds as f64);
        if let Some(ms) = n.last_success_duration_ms {
            m.node_last_success_duration.set(&[&n.node_id], ms as f64 / 1000.0);
        }
        for state in [HealthState::Ok, HealthState::Warn, HealthState::Error] {
            let on = if n.state == state { 1.0 } else { 0.0 };
            m.node_health.set(&[&n.node_id, state.as_str()], on);
        }
    }
}
