//! Cron-driven jobs. Each job is an async function that tests call directly (its `run_once`);
//! this module only decides when.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;

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

#[cfg(test)]
mod tests {
    use std::str::FromStr;
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
