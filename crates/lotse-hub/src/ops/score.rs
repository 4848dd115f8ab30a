//! The scoring jobs: [`score_changes_once`] scores the offers changed since the last run (the
//! follower that makes scores current shortly after every harvest), [`rescore_all`] scores
//! every offer again (the daily sweep, and after link checks, since dates and link results
//! change scores without a change of the offer).
//!
//! Both read the store in the hub's change order (`QualityStore::quality_inputs`), score a
//! batch on the blocking pool, split over the cores, and write the batch in one transaction.
//! Only the follower moves the scoring position; a full rescore never moves it back.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use lotse_standard::Offer;
use lotse_standard::date::Date;

use super::checks::{self, Context};
use crate::error::HubError;
use crate::hub::Hub;
use crate::metrics::HubMetrics;
use crate::store::HubStore;
use crate::store::quality::{LinkCheck, QualityInput, QualityRow};

/// Offers read, scored and written per batch.
const BATCH: u32 = 5000;

/// Scoring writers run one at a time in a process, so that a full rescore and the follower do
/// not write scores of the same offer from different reads at once.
static WRITERS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// What a scoring run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ScoreReport {
    /// Live offers scored.
    pub scored: u64,
    /// Scores removed (deleted offers).
    pub removed: u64,
    /// Offers that could not be read (counted, never scored).
    pub unreadable: u64,
    pub expired: u64,
    pub unverified: u64,
    pub duration_ms: u64,
}

/// Scores one batch; returns the rows and the removed keys.
fn score_batch(
    inputs: Vec<QualityInput>,
    links: &HashMap<String, LinkCheck>,
    today: Date,
    now: i64,
    report: &mut ScoreReport,
) -> (Vec<QualityRow>, Vec<(String, String)>) {
    let mut removed = Vec::new();
    let mut live = Vec::with_capacity(inputs.len());
    for i in inputs {
        if i.data.is_some() {
            live.push(i);
        } else {
            removed.push((i.node_id, i.id));
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let per = live.len().div_ceil(threads).max(1);
    let results: Vec<(Vec<QualityRow>, u64)> = std::thread::scope(|scope| {
        let handles: Vec<_> = live
            .chunks(per)
            .map(|chunk| {
                scope.spawn(move || {
                    let mut rows = Vec::with_capacity(chunk.len());
                    let mut unreadable = 0;
                    for input in chunk {
                        let Some(offer) =
                            input.data.as_deref().and_then(|d| serde_json::from_str::<Offer>(d).ok())
                        else {
                            unreadable += 1;
                            continue;
                        };
                        let cx = Context {
                            today,
                            now,
                            last_changed: input.last_changed,
                            validator_findings: input.findings.as_deref(),
                            placements: &input.placements,
                            links,
                        };
                        let scored = checks::score(&offer, &cx);
                        rows.push(checks::row(
                            &input.node_id,
                            &input.id,
                            &offer,
                            &input.placements,
                            &scored,
                            now,
                        ));
                    }
                    (rows, unreadable)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    let mut rows = Vec::with_capacity(live.len());
    for (r, unreadable) in results {
        report.unreadable += unreadable;
        rows.extend(r);
    }
    report.scored += rows.len() as u64;
    report.removed += removed.len() as u64;
    report.expired += rows.iter().filter(|r| r.expired).count() as u64;
    report.unverified += rows.iter().filter(|r| r.unverified).count() as u64;
    (rows, removed)
}

/// Reads, scores and writes every offer after `from`; `follow` moves the scoring position.
async fn run(
    store: &dyn HubStore,
    metrics: &HubMetrics,
    from: i64,
    follow: bool,
    today: Date,
) -> Result<ScoreReport, HubError> {
    let started = Instant::now();
    let _writer = WRITERS.lock().await;
    let links = Arc::new(store.link_checks().await?);
    let now = crate::unix_now();
    let mut report = ScoreReport::default();
    let mut after = from;
    loop {
        let inputs = store.quality_inputs(after, BATCH).await?;
        let Some(last) = inputs.last().map(|i| i.modified) else { break };
        let links = links.clone();
        let (rows, removed, batch) = tokio::task::spawn_blocking(move || {
            let mut batch = ScoreReport::default();
            let (rows, removed) = score_batch(inputs, &links, today, now, &mut batch);
            (rows, removed, batch)
        })
        .await
        .map_err(|e| HubError::Io(std::io::Error::other(format!("scoring task failed: {e}"))))?;
        store.write_quality(&rows, &removed, follow.then_some(last)).await?;
        for (field, add) in [
            (&mut report.scored, batch.scored),
            (&mut report.removed, batch.removed),
            (&mut report.unreadable, batch.unreadable),
            (&mut report.expired, batch.expired),
            (&mut report.unverified, batch.unverified),
        ] {
            *field += add;
        }
        after = last;
    }
    if !follow {
        report.removed += store.prune_quality().await?;
        // Everything up to `after` is scored now; the follower may skip ahead.
        if after > store.quality_position().await? {
            store.write_quality(&[], &[], Some(after)).await?;
        }
    }
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    // The distribution is read by aggregates over every offer. The follower runs every second
    // and mostly finds nothing to score; reading it again then would change nothing and, at a
    // million offers, take a large share of a core from the searches.
    let changed = !follow || report.scored > 0 || report.removed > 0;
    let first = !metrics.scores_recorded.swap(true, std::sync::atomic::Ordering::Relaxed);
    if changed || first {
        super::metrics::record_scores(store, metrics).await;
    }
    Ok(report)
}

/// Scores the offers changed since the last run.
#[tracing::instrument(level = "trace", skip_all)]
pub async fn score_changes_once(hub: &Hub) -> Result<ScoreReport, HubError> {
    let store = hub.store().as_ref();
    let from = store.quality_position().await?;
    run(store, hub.metrics(), from, true, Date::today_utc()).await
}

/// Scores every offer again as of `today`.
#[tracing::instrument(level = "debug", skip_all, fields(day = %today))]
pub async fn rescore_all(hub: &Hub, today: Date) -> Result<ScoreReport, HubError> {
    let started = Instant::now();
    let report = run(hub.store().as_ref(), hub.metrics(), 0, false, today).await;
    super::metrics::job_finished(hub.metrics(), "rescore", started, report.is_ok());
    report
}
