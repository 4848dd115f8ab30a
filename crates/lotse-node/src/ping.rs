//! Pings to the hub after committed changes: debounced, retried, never in the way of a push.
//!
//! Each ping carries the node's newest change number and the feeds that changed since the last
//! ping, as `{"modified": N, "kinds": ["offers", "networks"]}`, so that the hub can tell how far
//! behind it is and which feeds to read; the feeds themselves stay RPDE 1.0, which has no field
//! for either. The number is the node's counter after the last committed change, so everything
//! up to it is in the feeds by the time the ping leaves. A hub that knows no `kinds` ignores the
//! member and harvests every feed.
//!
//! A push only bumps a counter and wakes the background task ([`PingHandle::changed`]); it
//! never waits for the network. The task sends at most one ping per [`MIN_INTERVAL`]: the first
//! change is announced at once, and all changes that arrive while a ping is in flight or within
//! the interval are covered by one further ping. Failed pings are retried with exponential
//! backoff; after [`MAX_ATTEMPTS`] the task gives up until the next change, because the hub's
//! scheduled harvest picks up the changes anyway.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU8, AtomicU64, Ordering};
use std::time::Duration;

use lotse_http::Secret;
use lotse_http::metrics::Counter;
use lotse_standard::rpde::Kind;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// At most one ping per this interval. A change committed within the interval after a ping
/// waits for its end, so the interval bounds the push-to-hub latency of a steward who saves
/// one change after another (measured at about the interval plus 10 ms); four pings a second
/// stay well within the hub's rate limit per token, and the hub folds pings that arrive during
/// a harvest into one follow-up harvest.
pub const MIN_INTERVAL: Duration = Duration::from_millis(250);
/// First retry delay; doubled after every failure up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::from_millis(500);
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Attempts per round of changes before giving up.
pub const MAX_ATTEMPTS: u32 = 8;
/// Time limits of one ping request: a hub that hangs must not hold the task for long.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Where and how to ping.
#[derive(Debug, Clone)]
pub struct PingTarget {
    /// `{hub_url}/api/v1/nodes/{node_id}/ping`.
    pub url: String,
    pub token: Option<Secret>,
}

impl PingTarget {
    pub fn new(hub_url: &str, node_id: &str, token: Option<Secret>) -> Self {
        Self { url: format!("{}/api/v1/nodes/{node_id}/ping", hub_url.trim_end_matches('/')), token }
    }
}

#[derive(Debug, Default)]
struct Shared {
    /// Number of committed change sets so far.
    changes: AtomicU64,
    /// The highest change number committed so far (0 before the first).
    head: AtomicI64,
    /// The kinds changed since the last ping was sent, one bit per [`Kind::ALL`] index.
    kinds: AtomicU8,
    wake: Notify,
}

/// The cheap, cloneable side that pushes use.
#[derive(Debug, Clone, Default)]
pub struct PingHandle {
    shared: Option<Arc<Shared>>,
}

impl PingHandle {
    /// A handle that pings nobody (no hub configured).
    pub fn disabled() -> Self {
        Self { shared: None }
    }

    /// Announces a committed change to the records of `kind`; `head` is the node's last change
    /// number after it. Never blocks.
    pub fn changed(&self, kind: Kind, head: i64) {
        if let Some(shared) = &self.shared {
            // The head and kind first, so that the ping that covers this change carries them.
            shared.head.fetch_max(head, Ordering::SeqCst);
            shared.kinds.fetch_or(kind_bit(kind), Ordering::SeqCst);
            shared.changes.fetch_add(1, Ordering::SeqCst);
            shared.wake.notify_one();
        }
    }
}

impl PingHandle {
    /// How many committed change sets have been announced to the task so far: what a test can
    /// compare to tell that a push that changed nothing announced nothing.
    pub fn announced(&self) -> u64 {
        self.shared.as_ref().map_or(0, |s| s.changes.load(Ordering::SeqCst))
    }
}

fn kind_bit(kind: Kind) -> u8 {
    let index = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    1 << index
}

fn kinds_of(bits: u8) -> Vec<Kind> {
    Kind::ALL.into_iter().filter(|k| bits & kind_bit(*k) != 0).collect()
}

/// The body of a ping: the head and the plurals of the changed kinds.
fn ping_json(head: i64, kinds: &[Kind]) -> String {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.plural()).collect();
    serde_json::json!({"modified": head, "kinds": kinds}).to_string()
}

/// Counters of the ping task, by result (`ok`, `failed`, `gave_up`).
#[derive(Clone)]
pub struct PingMetrics(pub Counter);

/// Starts the background task; returns the handle for pushes and the task to abort on shutdown.
pub fn spawn(target: PingTarget, metrics: PingMetrics) -> (PingHandle, JoinHandle<()>) {
    let client = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .unwrap_or_else(|_| reqwest::Client::new());
    spawn_with(HttpSender { client, target }, metrics)
}

/// Starts the task with any [`Send`]er: the HTTP one in service, a recording one in the tests
/// of the timing, which run on a paused clock.
fn spawn_with(sender: impl Sender, metrics: PingMetrics) -> (PingHandle, JoinHandle<()>) {
    let shared = Arc::new(Shared::default());
    let task = tokio::spawn(run(shared.clone(), sender, metrics));
    (PingHandle { shared: Some(shared) }, task)
}

/// Delivers one ping carrying `head` and the changed `kinds`.
trait Sender: Send + Sync + 'static {
    /// Where the pings go, for log lines.
    fn target(&self) -> &str;
    fn send(&self, head: i64, kinds: &[Kind]) -> impl Future<Output = Result<(), Failure>> + Send;
}

async fn run(shared: Arc<Shared>, sender: impl Sender, metrics: PingMetrics) {
    let mut announced = 0u64;
    let mut last_sent: Option<Instant> = None;
    loop {
        // `notify_one` stores a permit when nobody waits, so no change is missed between the
        // check and the wait; a stale permit only costs one more look at the counter.
        if shared.changes.load(Ordering::SeqCst) == announced {
            shared.wake.notified().await;
            continue;
        }
        if let Some(t) = last_sent {
            tokio::time::sleep_until(t + MIN_INTERVAL).await;
        }
        // Everything counted up to here is covered by this ping, and its head is at least
        // theirs.
        let covered = shared.changes.load(Ordering::SeqCst);
        let head = shared.head.load(Ordering::SeqCst);
        // Taken (and cleared) with the head: a change after this point sets its bit again and
        // is covered by the next ping.
        let kinds = kinds_of(shared.kinds.swap(0, Ordering::SeqCst));
        let mut backoff = FIRST_BACKOFF;
        let mut attempt = 1;
        loop {
            last_sent = Some(Instant::now());
            match sender.send(head, &kinds).await {
                Ok(()) => {
                    metrics.0.inc(&["ok"]);
                    break;
                }
                Err(Failure::Permanent(reason)) => {
                    metrics.0.inc(&["gave_up"]);
                    tracing::warn!(url = %sender.target(), %reason, "hub refused the ping; not retrying");
                    break;
                }
                Err(Failure::Transient(reason)) => {
                    metrics.0.inc(&["failed"]);
                    if attempt >= MAX_ATTEMPTS {
                        metrics.0.inc(&["gave_up"]);
                        tracing::warn!(url = %sender.target(), %reason, attempt, "ping failed; giving up until the next change");
                        break;
                    }
                    tracing::debug!(url = %sender.target(), %reason, attempt, "ping failed; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    attempt += 1;
                }
            }
        }
        announced = covered;
    }
}

enum Failure {
    /// Worth retrying: the hub is down, slow or failing.
    Transient(String),
    /// Not worth retrying: the hub does not know this node or its token.
    Permanent(String),
}

/// Pings over HTTP with the node's token.
struct HttpSender {
    client: reqwest::Client,
    target: PingTarget,
}

impl Sender for HttpSender {
    fn target(&self) -> &str {
        &self.target.url
    }

    async fn send(&self, head: i64, kinds: &[Kind]) -> Result<(), Failure> {
        let mut request = self
            .client
            .post(&self.target.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(ping_json(head, kinds));
        if let Some(token) = &self.target.token {
            request = request.bearer_auth(token.expose());
        }
        match request.send().await {
            Ok(r) if r.status().is_success() => Ok(()),
            Ok(r) if r.status().is_client_error() && r.status() != reqwest::StatusCode::TOO_MANY_REQUESTS => {
                Err(Failure::Permanent(format!("status {}", r.status())))
            }
            Ok(r) => Err(Failure::Transient(format!("status {}", r.status()))),
            // reqwest errors name the URL but never the headers, so the token stays out of logs.
            Err(e) => Err(Failure::Transient(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    //! The timing of the task on a paused clock: the clock only moves when every task waits, so
    //! intervals are exact and no test waits for real time to pass.

    use std::sync::atomic::AtomicU32;

    use tokio::sync::mpsc;

    use super::*;
    use crate::metrics::NodeMetrics;

    /// Records every attempt (when, with which head and kinds) and fails the first `failures`
    /// of them.
    struct Recorder {
        attempts: mpsc::UnboundedSender<(Instant, i64)>,
        kinds: mpsc::UnboundedSender<Vec<Kind>>,
        failures: AtomicU32,
        permanent: bool,
    }

    impl Sender for Recorder {
        fn target(&self) -> &str {
            "recorder"
        }

        async fn send(&self, head: i64, kinds: &[Kind]) -> Result<(), Failure> {
            let _ = self.attempts.send((Instant::now(), head));
            let _ = self.kinds.send(kinds.to_vec());
            let failing =
                self.failures.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
            match failing {
                Ok(_) if self.permanent => Err(Failure::Permanent("refused".into())),
                Ok(_) => Err(Failure::Transient("down".into())),
                Err(_) => Ok(()),
            }
        }
    }

    fn start(
        failures: u32,
        permanent: bool,
    ) -> (PingHandle, mpsc::UnboundedReceiver<(Instant, i64)>, NodeMetrics) {
        let (handle, rx, _kinds, metrics) = start_with_kinds(failures, permanent);
        (handle, rx, metrics)
    }

    #[allow(clippy::type_complexity, reason = "a test helper's tuple of receivers")]
    fn start_with_kinds(
        failures: u32,
        permanent: bool,
    ) -> (PingHandle, mpsc::UnboundedReceiver<(Instant, i64)>, mpsc::UnboundedReceiver<Vec<Kind>>, NodeMetrics)
    {
        let (tx, rx) = mpsc::unbounded_channel();
        let (kinds_tx, kinds_rx) = mpsc::unbounded_channel();
        let metrics = NodeMetrics::new();
        let recorder =
            Recorder { attempts: tx, kinds: kinds_tx, failures: AtomicU32::new(failures), permanent };
        let (handle, _task) = spawn_with(recorder, PingMetrics(metrics.pings.clone()));
        (handle, rx, kinds_rx, metrics)
    }

    #[tokio::test(start_paused = true)]
    async fn pings_name_the_kinds_changed_since_the_last_one() {
        let (handle, mut rx, mut kinds, _metrics) = start_with_kinds(0, false);
        handle.changed(Kind::Network, 1);
        rx.recv().await.unwrap();
        assert_eq!(kinds.recv().await.unwrap(), [Kind::Network]);
        // Two kinds within one interval are named by one ping, in the order of `Kind::ALL`.
        handle.changed(Kind::Project, 2);
        handle.changed(Kind::Offer, 3);
        assert_eq!(rx.recv().await.unwrap().1, 3);
        assert_eq!(kinds.recv().await.unwrap(), [Kind::Offer, Kind::Project]);
        assert_eq!(
            ping_json(3, &[Kind::Offer, Kind::Project]),
            r#"{"kinds":["offers","projects"],"modified":3}"#
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_is_announced_at_once_then_at_most_once_per_interval() {
        let (handle, mut rx, metrics) = start(0, false);
        let begin = Instant::now();
        handle.changed(Kind::Offer, 1);
        let first = rx.recv().await.unwrap();
        assert_eq!(first, (begin, 1), "the first change is announced at once");
        for head in 2..=15 {
            tokio::time::advance(Duration::from_millis(100)).await;
            handle.changed(Kind::Offer, head);
        }
        let burst_end = Instant::now();
        let mut pings = vec![first];
        while pings.last().unwrap().1 != 15 {
            pings.push(rx.recv().await.unwrap());
        }
        let burst = burst_end - begin;
        let most = 1 + (burst.as_secs_f64() / MIN_INTERVAL.as_secs_f64()).ceil() as usize;
        assert!((2..=most).contains(&pings.len()), "{} pings in {burst:?}", pings.len());
        for w in pings.windows(2) {
            assert!(w[1].0 - w[0].0 >= MIN_INTERVAL, "pings closer than the interval: {pings:?}");
            assert!(w[0].1 < w[1].1, "every ping carries a newer head: {pings:?}");
        }
        // The trailing ping follows the last change within one interval.
        let last = pings.last().unwrap().0;
        assert!(last >= burst_end && last <= burst_end + MIN_INTERVAL, "{pings:?}");
        // Without a further change nothing more is sent, however long the node runs.
        tokio::time::sleep(Duration::from_secs(600)).await;
        assert!(rx.try_recv().is_err());
        assert_eq!(metrics.pings.get(&["ok"]), pings.len() as u64);
        assert_eq!(handle.announced(), 15);
    }

    #[tokio::test(start_paused = true)]
    async fn failed_pings_are_retried_with_doubling_backoff() {
        let (handle, mut rx, metrics) = start(3, false);
        let begin = Instant::now();
        handle.changed(Kind::Offer, 7);
        let mut at = Vec::new();
        for _ in 0..4 {
            let (t, head) = rx.recv().await.unwrap();
            assert_eq!(head, 7);
            at.push(t - begin);
        }
        let ms = |n| Duration::from_millis(n);
        assert_eq!(at, [ms(0), ms(500), ms(1500), ms(3500)]);
        tokio::time::sleep(Duration::from_secs(600)).await;
        assert!(rx.try_recv().is_err(), "no attempt after the one that succeeded");
        assert_eq!((metrics.pings.get(&["failed"]), metrics.pings.get(&["ok"])), (3, 1));
    }

    #[tokio::test(start_paused = true)]
    async fn the_task_gives_up_after_max_attempts_until_the_next_change() {
        let (handle, mut rx, metrics) = start(u32::MAX, false);
        let begin = Instant::now();
        handle.changed(Kind::Offer, 1);
        let mut last = begin;
        for attempt in 0..MAX_ATTEMPTS {
            let (t, _) = rx.recv().await.unwrap();
            if attempt > 0 {
                // Doubling from the first backoff, never above the longest.
                let expected = (FIRST_BACKOFF * 2u32.pow(attempt - 1)).min(MAX_BACKOFF);
                assert_eq!(t - last, expected, "before attempt {}", attempt + 1);
            }
            last = t;
        }
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert!(rx.try_recv().is_err(), "no attempt after giving up");
        assert_eq!(metrics.pings.get(&["failed"]), u64::from(MAX_ATTEMPTS));
        assert_eq!(metrics.pings.get(&["gave_up"]), 1);
        // The next change starts a new round.
        handle.changed(Kind::Offer, 2);
        assert_eq!(rx.recv().await.unwrap().1, 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_ping_is_not_retried() {
        let (handle, mut rx, metrics) = start(1, true);
        handle.changed(Kind::Offer, 1);
        assert_eq!(rx.recv().await.unwrap().1, 1);
        tokio::time::sleep(Duration::from_secs(600)).await;
        assert!(rx.try_recv().is_err());
        assert_eq!((metrics.pings.get(&["gave_up"]), metrics.pings.get(&["failed"])), (1, 0));
    }
}
