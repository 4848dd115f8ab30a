//! Pings to the hub after committed changes: debounced, retried, never in the way of a push.
//!
//! Each ping carries the node's newest change number as `{"modified": N}`, so that the hub can
//! tell how far behind it is; the feed itself stays RPDE 1.0, which has no field for it. The
//! number is the node's counter after the last committed change, so everything up to it is in
//! the feed by the time the ping leaves.
//!
//! A push only bumps a counter and wakes the background task ([`PingHandle::changed`]); it
//! never waits for the network. The task sends at most one ping per [`MIN_INTERVAL`]: the first
//! change is announced at once, and all changes that arrive while a ping is in flight or within
//! the interval are covered by one further ping. Failed pings are retried with exponential
//! backoff; after [`MAX_ATTEMPTS`] the task gives up until the next change, because the hub's
//! scheduled harvest picks up the changes anyway.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use lotse_http::Secret;
use lotse_http::metrics::Counter;
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

    /// Announces a committed change; `head` is the node's last change number after it. Never
    /// blocks.
    pub fn changed(&self, head: i64) {
        if let Some(shared) = &self.shared {
            // The head first, so that the ping that covers this change carries it.
            shared.head.fetch_max(head, Ordering::SeqCst);
            shared.changes.fetch_add(1, Ordering::SeqCst);
            shared.wake.notify_one();
        }
    }
}

/// Counters of the ping task, by result (`ok`, `failed`, `gave_up`).
#[derive(Clone)]
pub struct PingMetrics(pub Counter);

/// Starts the background task; returns the handle for pushes and the task to abort on shutdown.
pub fn spawn(target: PingTarget, metrics: PingMetrics) -> (PingHandle, JoinHandle<()>) {
    let shared = Arc::new(Shared::default());
    let client = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .unwrap_or_else(|_| reqwest::Client::new());
    let task = tokio::spawn(run(shared.clone(), client, target, metrics));
    (PingHandle { shared: Some(shared) }, task)
}

async fn run(shared: Arc<Shared>, client: reqwest::Client, target: PingTarget, metrics: PingMetrics) {
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
        let mut backoff = FIRST_BACKOFF;
        let mut attempt = 1;
        loop {
            last_sent = Some(Instant::now());
            match send(&client, &target, head).await {
                Ok(()) => {
                    metrics.0.inc(&["ok"]);
                    break;
                }
                Err(Failure::Permanent(reason)) => {
                    metrics.0.inc(&["gave_up"]);
                    tracing::warn!(url = %target.url, %reason, "hub refused the ping; not retrying");
                    break;
                }
                Err(Failure::Transient(reason)) => {
                    metrics.0.inc(&["failed"]);
                    if attempt >= MAX_ATTEMPTS {
                        metrics.0.inc(&["gave_up"]);
                        tracing::warn!(url = %target.url, %reason, attempt, "ping failed; giving up until the next change");
                        break;
                    }
                    tracing::debug!(url = %target.url, %reason, attempt, "ping failed; retrying");
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

async fn send(client: &reqwest::Client, target: &PingTarget, head: i64) -> Result<(), Failure> {
    let mut request = client
        .post(&target.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(format!("{{\"modified\":{head}}}"));
    if let Some(token) = &target.token {
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
