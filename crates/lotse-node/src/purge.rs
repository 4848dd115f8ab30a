//! The tombstone purge job: removes tombstones older than the retention period.
//!
//! Tombstones tell harvesters that an offer is gone; a harvester that has not read the feed for
//! longer than the retention period misses them, which is why the default is generous (30
//! days) and the hub also harvests on a schedule.

use std::sync::Arc;

use chrono::Utc;
use lotse_http::metrics::Counter;

use crate::ingest::now_unix;
use crate::store::{NodeStore, StoreError};

const SECONDS_PER_DAY: i64 = 86_400;

#[derive(Clone)]
pub struct TombstonePurge {
    pub store: Arc<dyn NodeStore>,
    pub retention_days: u32,
    pub purged: Option<Counter>,
}

impl TombstonePurge {
    /// Removes the tombstones deleted more than the retention period before `now` (Unix
    /// seconds); returns how many.
    #[tracing::instrument(level = "debug", name = "purge", skip_all)]
    pub async fn run_once(&self, now: i64) -> Result<u64, StoreError> {
        let cutoff = now - i64::from(self.retention_days) * SECONDS_PER_DAY;
        let n = self.store.purge_tombstones(cutoff).await?;
        if let Some(c) = &self.purged {
            c.inc_by(&[], n);
        }
        Ok(n)
    }

    /// Runs the job on `schedule` for ever; errors are logged and the job tries again next time.
    pub async fn run_scheduled(self, schedule: cron::Schedule) {
        loop {
            let Some(next) = schedule.upcoming(Utc).next() else {
                tracing::warn!("purge schedule has no future run; purge job stops");
                return;
            };
            let wait = (next - Utc::now()).to_std().unwrap_or_default();
            tokio::time::sleep(wait).await;
            match self.run_once(now_unix()).await {
                Ok(n) => tracing::info!(purged = n, "tombstones purged"),
                Err(e) => tracing::error!(error = %e, "tombstone purge failed"),
            }
        }
    }
}
