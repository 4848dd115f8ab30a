//! Harvesting: following each node's RPDE feed from its checkpoint to the end, page by page.
//!
//! For each page the hub validates every item again, checks the node's jurisdiction, places the
//! offers and stores the page's items together with the new checkpoint in one transaction
//! ([`crate::store::HarvestStore::store_page`]). A crash at any moment therefore loses at most the
//! page in flight, which the next harvest fetches again from the checkpoint.
//!
//! The [`Harvester`] coordinates harvests: at most one per node at a time, at most
//! `harvest.concurrency` nodes at once, and requests that arrive while a node is being
//! harvested (pings, the schedule, an operator) coalesce into one more harvest after the
//! current one — the current one may already have passed the change a ping announces. On
//! PostgreSQL each harvest also holds an advisory lock, so that hub replicas do not harvest the
//! same node at once.

pub mod client;
pub mod process;
pub mod records;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use lotse_standard::date::Date;
use lotse_standard::rpde::Kind;
use reqwest::Url;
use serde::Serialize;
use tokio::sync::{Semaphore, mpsc, watch};
use utoipa::ToSchema;

use self::client::{FeedClient, FeedItem, FetchError};
use crate::geocode::Geocoder;
use crate::metrics::HubMetrics;
use crate::store::{Checkpoint, HarvestRecord, HubStore, NodeInfo, PageOutcome, PageWrite, StoreError};

/// Why a harvest failed. Cloneable, because one result answers every request that coalesced
/// into the harvest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HarvestError {
    #[error("Knoten {0} ist nicht registriert / node {0} is not registered")]
    UnknownNode(String),
    #[error("Ungültige Feed-Adresse / invalid feed URL: {0}")]
    FeedUrl(String),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("Speicherfehler / storage error: {0}")]
    Store(String),
    #[error("Dieser Hub sammelt nicht (--no-scheduler) / this hub does not harvest (--no-scheduler)")]
    Disabled,
    #[error("Die Ernte wurde abgebrochen / the harvest was aborted")]
    Aborted,
}

impl From<StoreError> for HarvestError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NodeNotFound(id) => HarvestError::UnknownNode(id),
            other => HarvestError::Store(other.to_string()),
        }
    }
}

/// How a harvest ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HarvestStatus {
    /// The feed was followed to its last page.
    Completed,
    /// Another hub replica is harvesting the node right now.
    Skipped,
}

/// What one harvest of one node did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct HarvestReport {
    pub node_id: String,
    pub status: HarvestStatus,
    /// Pages with items that were stored.
    pub pages: u64,
    /// Items read (each page's items, before deduplication).
    pub items: u64,
    #[serde(flatten)]
    pub outcome: PageOutcome,
    /// The checkpoint after the harvest.
    pub checkpoint: Option<Checkpoint>,
    pub duration_ms: u64,
    /// The feeds of the other kinds (standard 1.1), harvested after the offers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<records::KindHarvest>,
}

pub type HarvestResult = Result<HarvestReport, HarvestError>;

/// The harvest state of one node in this process.
struct Slot {
    /// Requests made so far; each harvest serves every request made before it started.
    requested: u64,
    running: bool,
    done: watch::Sender<Done>,
}

#[derive(Clone)]
struct Done {
    /// The highest request number a finished harvest has served.
    served: u64,
    result: Option<HarvestResult>,
}

/// Settings of the harvester.
#[derive(Debug, Clone)]
pub struct HarvestSettings {
    pub concurrency: usize,
    /// `false` on replicas that only serve.
    pub enabled: bool,
}

struct Inner {
    store: Arc<dyn HubStore>,
    client: FeedClient,
    geocoder: Option<Geocoder>,
    metrics: HubMetrics,
    permits: Semaphore,
    slots: Mutex<HashMap<String, Slot>>,
    enabled: bool,
}

/// Coordinates harvests (see the module documentation). Cheap to clone.
#[derive(Clone)]
pub struct Harvester {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Harvester {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harvester").field("enabled", &self.inner.enabled).finish()
    }
}

/// A page ready to be stored.
struct Prepared {
    /// The checkpoint after the page.
    last: Checkpoint,
    /// Items read.
    count: u64,
    standard_version: Option<String>,
    writes: Vec<crate::store::ItemWrite>,
}

/// Aborts a spawned task when dropped, so that a harvest that ends early does not leave its
/// page fetcher running.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn now_secs() -> i64 {
    crate::unix_now()
}

impl Harvester {
    pub fn new(
        store: Arc<dyn HubStore>,
        client: FeedClient,
        geocoder: Option<Geocoder>,
        metrics: HubMetrics,
        settings: &HarvestSettings,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                client,
                geocoder,
                metrics,
                permits: Semaphore::new(settings.concurrency.max(1)),
                slots: Mutex::new(HashMap::new()),
                enabled: settings.enabled,
            }),
        }
    }

    pub fn enabled(&self) -> bool {
        self.inner.enabled
    }

    /// Whether a harvest of the node is running in this process.
    pub fn is_running(&self, node_id: &str) -> bool {
        self.lock_slots().get(node_id).is_some_and(|s| s.running)
    }

    fn lock_slots(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot>> {
        // A poisoned lock only means a panic elsewhere mid-update of plain counters.
        self.inner.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Asks for a harvest of the node and returns at once. While one runs, requests coalesce
    /// into one more harvest after it. Returns the request number and a receiver of results.
    fn request(&self, node_id: &str) -> (u64, watch::Receiver<Done>) {
        let mut slots = self.lock_slots();
        let slot = slots.entry(node_id.to_owned()).or_insert_with(|| Slot {
            requested: 0,
            running: false,
            done: watch::channel(Done { served: 0, result: None }).0,
        });
        slot.requested += 1;
        let ticket = slot.requested;
        let rx = slot.done.subscribe();
        if !slot.running && self.inner.enabled {
            slot.running = true;
            let this = self.clone();
            let node = node_id.to_owned();
            tokio::spawn(async move { this.work(node).await });
        }
        (ticket, rx)
    }

    /// Asks for a harvest of the node (a ping) without waiting for it.
    pub fn trigger(&self, node_id: &str) {
        self.request(node_id);
    }

    /// Harvests the node now (or after the harvest that is running) and waits for the result.
    pub async fn harvest_now(&self, node_id: &str) -> HarvestResult {
        if !self.inner.enabled {
            return Err(HarvestError::Disabled);
        }
        let (ticket, mut rx) = self.request(node_id);
        loop {
            {
                let done = rx.borrow_and_update();
                if done.served >= ticket
                    && let Some(result) = &done.result
                {
                    return result.clone();
                }
            }
            if rx.changed().await.is_err() {
                return Err(HarvestError::Aborted);
            }
        }
    }

    /// The scheduled job: harvests every active node (stopped ones wait for their operator or a
    /// ping) and waits for all of them.
    pub async fn run_once(&self) -> Result<Vec<HarvestResult>, HarvestError> {
        let nodes = self.inner.store.list_nodes().await?;
        let runs = nodes
            .into_iter()
            .filter(|n| n.state == crate::store::NodeState::Active)
            .map(|n| {
                let this = self.clone();
                tokio::spawn(async move { this.harvest_now(&n.id).await })
            })
            .collect::<Vec<_>>();
        let mut results = Vec::with_capacity(runs.len());
        for run in runs {
            results.push(run.await.unwrap_or(Err(HarvestError::Aborted)));
        }
        Ok(results)
    }

    /// Runs harvests of one node until no request is left.
    async fn work(self, node_id: String) {
        loop {
            let result;
            let target;
            {
                let _permit = self.inner.permits.acquire().await;
                // Read after the permit: requests made while waiting for it are served by
                // this harvest too.
                target = self.lock_slots().get(&node_id).map_or(0, |s| s.requested);
                result = self.harvest_and_record(&node_id).await;
            }
            let mut slots = self.lock_slots();
            let Some(slot) = slots.get_mut(&node_id) else { return };
            slot.done.send_replace(Done { served: target, result: Some(result) });
            if slot.requested <= target {
                slot.running = false;
                return;
            }
        }
    }

    // One span per harvest, so that the store calls and pages of a slow harvest can be
    // followed in the log.
    #[tracing::instrument(level = "debug", name = "harvest", skip_all, fields(node = %node_id))]
    async fn harvest_and_record(&self, node_id: &str) -> HarvestResult {
        let m = &self.inner.metrics;
        let started = Instant::now();
        // The node as it is before the first page is fetched: its reported head tells the
        // store afterwards whether a ping reported something newer while the harvest ran.
        let (result, head_at_start) = match self.inner.store.get_node(node_id).await {
            Ok(Some(node)) => {
                let head = node.reported_head;
                (self.harvest(node, started).await, head)
            }
            Ok(None) => (Err(HarvestError::UnknownNode(node_id.to_owned())), None),
            Err(e) => (Err(e.into()), None),
        };
        let at = now_secs();
        let record = match &result {
            Ok(r) if r.status == HarvestStatus::Skipped => None,
            Ok(r) => Some(HarvestRecord::Success {
                at,
                duration_ms: i64::try_from(r.duration_ms).unwrap_or(i64::MAX),
                head_at_start,
            }),
            Err(HarvestError::UnknownNode(_)) => None,
            Err(HarvestError::Fetch(FetchError::Gone(status))) => Some(HarvestRecord::Stopped {
                at,
                reason: format!(
                    "Feed antwortet {status}: Knoten angehalten / feed answers {status}: node stopped"
                ),
            }),
            Err(e) => Some(HarvestRecord::Failure { at, error: e.to_string() }),
        };
        if let Some(record) = record
            && let Err(e) = self.inner.store.record_harvest(node_id, &record).await
        {
            tracing::error!(node = node_id, error = %e, "harvest result not recorded");
        }
        let label = match &result {
            Ok(r) if r.status == HarvestStatus::Skipped => "skipped",
            Ok(_) => "completed",
            Err(HarvestError::Fetch(FetchError::Gone(_))) => "stopped",
            Err(_) => "failed",
        };
        m.harvests.inc(&[node_id, label]);
        m.harvest_duration.observe(&[node_id], started.elapsed().as_secs_f64());
        match &result {
            Ok(r) => {
                if r.status == HarvestStatus::Completed {
                    m.last_success.set(&[node_id], at as f64);
                }
                tracing::info!(
                    node = node_id,
                    status = ?r.status,
                    pages = r.pages,
                    created = r.outcome.created,
                    updated = r.outcome.updated,
                    quarantined = r.outcome.quarantined,
                    deleted = r.outcome.deleted,
                    ms = r.duration_ms,
                    "harvest finished"
                );
            }
            Err(e) => tracing::warn!(node = node_id, error = %e, "harvest failed"),
        }
        result
    }

    /// One harvest of one node, under its lock.
    async fn harvest(&self, node: NodeInfo, started: Instant) -> HarvestResult {
        let Some(lock) = self.inner.store.harvest_lock(&node.id).await? else {
            return Ok(HarvestReport {
                node_id: node.id.clone(),
                status: HarvestStatus::Skipped,
                pages: 0,
                items: 0,
                outcome: PageOutcome::default(),
                checkpoint: node.checkpoint,
                duration_ms: 0,
                kinds: Vec::new(),
            });
        };
        let mut result = self.follow(&node, started).await;
        // The other kinds follow the offers under the same lock. A failing kind is reported in
        // its own entry and does not fail the offers' harvest; a node whose offers failed is
        // not asked for the rest.
        if let Ok(report) = &mut result
            && let Ok(offers_feed) = Url::parse(&node.feed_url)
        {
            for kind in records::RECORD_KINDS {
                let k = records::follow_kind(
                    self.inner.store.as_ref(),
                    &self.inner.client,
                    &node.id,
                    &offers_feed,
                    &node.jurisdiction,
                    kind,
                )
                .await;
                report.kinds.push(k);
            }
            report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        }
        lock.release().await;
        result
    }

    /// Follows the feed from the checkpoint to its end, in three overlapping stages: a fetcher
    /// task reads and parses pages, a processor task validates and places them, and this task
    /// stores them in order. Each channel holds one page, so at most a few pages are in memory
    /// and network, CPU and database work overlap.
    async fn follow(&self, node: &NodeInfo, started: Instant) -> HarvestResult {
        let feed_url = Url::parse(&node.feed_url).map_err(|e| HarvestError::FeedUrl(e.to_string()))?;
        let (fetched_tx, mut fetched) = mpsc::channel::<Result<Vec<FeedItem>, FetchError>>(1);
        let client = self.inner.client.clone();
        let start = node.checkpoint.clone();
        let _fetcher = AbortOnDrop(tokio::spawn(async move {
            let mut after = start;
            loop {
                let page = client.fetch(&feed_url, Kind::Offer, after.as_ref()).await;
                let last = match &page {
                    Ok(items) => items.last().map(FeedItem::checkpoint),
                    Err(_) => None,
                };
                let end = last.is_none();
                if fetched_tx.send(page).await.is_err() || end {
                    return;
                }
                after = last;
            }
        }));

        let (prepared_tx, mut prepared) = mpsc::channel::<Result<Prepared, HarvestError>>(1);
        let processor = self.clone();
        let jurisdiction: Arc<[String]> = node.jurisdiction.clone().into();
        let node_id: Arc<str> = node.id.as_str().into();
        let _processor = AbortOnDrop(tokio::spawn(async move {
            while let Some(page) = fetched.recv().await {
                let result = match page {
                    Err(e) => Err(HarvestError::from(e)),
                    Ok(items) => match items.last().map(FeedItem::checkpoint) {
                        // The empty page: the end of the feed.
                        None => return,
                        Some(last) => {
                            let count = items.len() as u64;
                            let standard_version =
                                items.iter().rev().find_map(|i| i.standard_version.clone());
                            processor
                                .prepare(items, jurisdiction.clone(), node_id.clone())
                                .await
                                .map(|writes| Prepared { last, count, standard_version, writes })
                        }
                    },
                };
                let failed = result.is_err();
                if prepared_tx.send(result).await.is_err() || failed {
                    return;
                }
            }
        }));

        let mut report = HarvestReport {
            node_id: node.id.clone(),
            status: HarvestStatus::Completed,
            pages: 0,
            items: 0,
            outcome: PageOutcome::default(),
            checkpoint: node.checkpoint.clone(),
            duration_ms: 0,
            kinds: Vec::new(),
        };
        while let Some(page) = prepared.recv().await {
            let Prepared { last, count, standard_version, writes } = page?;
            let write = PageWrite {
                node_id: node.id.clone(),
                after: report.checkpoint.clone(),
                checkpoint: last.clone(),
                items: writes,
                standard_version,
                now: now_secs(),
            };
            let outcome = self.inner.store.store_page(&write).await?;
            self.count(&node.id, &outcome);
            report.outcome.add(&outcome);
            report.pages += 1;
            report.items += count;
            report.checkpoint = Some(last);
        }
        report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(report)
    }

    /// Validates, checks, geocodes and places a page's items.
    async fn prepare(
        &self,
        items: Vec<FeedItem>,
        jurisdiction: Arc<[String]>,
        node_id: Arc<str>,
    ) -> Result<Vec<crate::store::ItemWrite>, HarvestError> {
        let today = Date::today_utc();
        let judged = tokio::task::spawn_blocking(move || process::judge_page(today, &jurisdiction, items))
            .await
            .map_err(|_| HarvestError::Aborted)?;
        let geocoded = match &self.inner.geocoder {
            Some(g) => {
                let wanted = process::locations_to_geocode(&judged);
                if wanted.is_empty() { HashMap::new() } else { g.geocode(&wanted).await }
            }
            None => HashMap::new(),
        };
        tokio::task::spawn_blocking(move || process::finish(judged, &geocoded, &node_id))
            .await
            .map_err(|_| HarvestError::Aborted)
    }

    fn count(&self, node_id: &str, o: &PageOutcome) {
        let items = &self.inner.metrics.items;
        for (label, n) in [
            ("created", o.created),
            ("updated", o.updated),
            ("unchanged", o.unchanged),
            ("quarantined", o.quarantined),
            ("deleted", o.deleted),
        ] {
            if n > 0 {
                items.inc_by(&[node_id, label], n);
            }
        }
    }
}
