//! Cron-driven jobs. Each job is an async function that tests call directly (its `run_once`);
//! this module only decides when, and opens a `job` span around each scheduled run (at level
//! `debug`, the quality follower's frequent runs at `trace`, so that logs at `info` stay as
//! they are).

use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

use tokio::sync::watch;

use crate::hub::Hub;
use crate::ops;

/// Runs `job` at every time of `schedule` until `shutdown` turns true. A run that lasts past
/// the next time skips it rather than queueing runs behind each other.
pub async fn every<F, Fut>(
    name: &'static str,
    schedule: cron::Schedule,
    mut shutdown: watch::Receiver<bool>,
    mut job: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    loop {
        let Some(next) = schedule.upcoming(chrono::Utc).next() else {
            tracing::warn!(job = name, "schedule has no further times");
            return;
        };
        let wait = (next - chrono::Utc::now()).to_std().unwrap_or(Duration::ZERO);
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
        tracing::debug!(job = name, "scheduled job starts");
        tokio::select! {
            () = job() => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
    }
}

/// Runs `job` every `interval` (after the previous run ended) until `shutdown` turns true.
pub async fn poll<F, Fut>(
    name: &'static str,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
    mut job: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    loop {
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
        tracing::trace!(job = name, "polling job starts");
        tokio::select! {
            () = job() => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
    }
}

/// Spawns every scheduled job of a serving hub (none when the configuration turns the
/// scheduler off): the harvest and the tombstone purge, and the operator's jobs (see
/// [`crate::ops`]) — the quality follower, node health, the daily sweep with the day's
/// snapshots, and the link checker (which rescores after it ran).
pub(crate) fn spawn_jobs(hub: &Hub, stop: &watch::Receiver<bool>) -> Vec<tokio::task::JoinHandle<()>> {
    let config = hub.config();
    if !config.scheduler {
        return Vec::new();
    }
    let mut jobs = Vec::new();
    let h = hub.clone();
    jobs.push(tokio::spawn(poll(
        "quality",
        Duration::from_millis(config.quality.poll_ms),
        stop.clone(),
        move || {
            let hub = h.clone();
            async move { score_changes(&hub).await }
        },
    )));
    // The expressions were checked by `HubConfig::validate`.
    let schedules = [
        (Job::Health, &config.health.schedule),
        (Job::Sweep, &config.quality.sweep_schedule),
        (Job::LinkCheck, &config.links.schedule),
        (Job::Harvest, &config.harvest.schedule),
        (Job::Purge, &config.purge_schedule),
    ];
    for (job, expr) in schedules {
        let Ok(schedule) = cron::Schedule::from_str(expr) else { continue };
        let h = hub.clone();
        jobs.push(tokio::spawn(every(job.name(), schedule, stop.clone(), move || {
            let hub = h.clone();
            async move { run(&hub, job).await }
        })));
    }
    jobs
}

/// The jobs that run on a cron schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Job {
    Harvest,
    Purge,
    Health,
    Sweep,
    LinkCheck,
}

impl Job {
    fn name(self) -> &'static str {
        match self {
            Job::Harvest => "harvest",
            Job::Purge => "purge",
            Job::Health => "health",
            Job::Sweep => "sweep",
            Job::LinkCheck => "link_check",
        }
    }
}

/// One scheduled run of `job`; failures are logged, and the next run comes at its time.
#[tracing::instrument(level = "debug", name = "job", skip_all, fields(job = job.name()))]
async fn run(hub: &Hub, job: Job) {
    let today = lotse_standard::date::Date::today_utc();
    match job {
        Job::Harvest => match hub.run_once().await {
            Ok(results) => {
                let failed = results.iter().filter(|r| r.is_err()).count();
                tracing::info!(nodes = results.len(), failed, "scheduled harvest finished");
            }
            Err(e) => tracing::error!(error = %e, "scheduled harvest could not start"),
        },
        Job::Purge => match hub.purge_once().await {
            Ok(n) => tracing::info!(removed = n, "tombstones purged"),
            Err(e) => tracing::error!(error = %e, "tombstone purge failed"),
        },
        Job::Health | Job::Sweep | Job::LinkCheck => {
            let result = match job {
                Job::Health => ops::health::run_once(hub).await.map(|_| ()),
                // The day's snapshots read the scores the sweep has just written.
                Job::Sweep => match ops::sweep::run_once(hub, today).await {
                    Ok(_) => ops::snapshot::run_once(hub, today).await.map(|_| ()),
                    Err(e) => Err(e),
                },
                // Link results change scores without a change of the offer.
                _ => match ops::links::run_once(hub, today).await {
                    Ok(_) => ops::score::rescore_all(hub, today).await.map(|_| ()),
                    Err(e) => Err(e),
                },
            };
            if let Err(e) = result {
                tracing::error!(job = job.name(), error = %e, "operator job failed");
            }
        }
    }
}

/// One run of the quality follower.
#[tracing::instrument(level = "trace", name = "job", skip_all, fields(job = "quality"))]
async fn score_changes(hub: &Hub) {
    if let Err(e) = ops::score::score_changes_once(hub).await {
        tracing::error!(error = %e, "scoring changed offers failed");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn runs_on_schedule_until_shutdown() {
        // Every second.
        let schedule = cron::Schedule::from_str("* * * * * *").unwrap();
        let (stop, rx) = watch::channel(false);
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = runs.clone();
        let task = tokio::spawn(every("test", schedule, rx, move || {
            let c = counted.clone();
            async move {
                c.fetch_add(1, Ordering::SeqCst);
            }
        }));
        tokio::time::timeout(Duration::from_secs(5), async {
            while runs.load(Ordering::SeqCst) < 2 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .expect("two runs within five seconds");
        stop.send_replace(true);
        tokio::time::timeout(Duration::from_secs(2), task).await.expect("stops on shutdown").unwrap();
    }
}
