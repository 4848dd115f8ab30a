//! The hub's search index, kept current from the store's change log.
//!
//! The store is the truth; the index ([`lotse_search::SearchIndex`]) is derived. The follower
//! polls the store's last change number and, when the index is behind, reads the changes after
//! the index's checkpoint in order ([`crate::store::OfferStore::index_changes`]), applies them and commits
//! with the new checkpoint. Because the hub's change numbers become visible in commit order,
//! following them misses nothing; because every process follows the store itself, several
//! replicas on one PostgreSQL each keep their own index, and the harvesting process need not
//! tell anyone. A new or outdated index starts at 0 and is rebuilt the same way.
//!
//! [`parse_request`] reads the search's query string; the API and the web pages both search
//! through it, so that a page and `/api/v1/search` never disagree.
//!
//! The same follower keeps the in-memory index of standard 1.1's kinds
//! ([`lotse_search::records::RecordIndex`]) current, from the records' change numbers; it is
//! rebuilt from the store when the hub starts.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use lotse_geo::LatLon;
use lotse_search::records::{RecordDoc, RecordIndex};

use lotse_search::{
    Change, IndexedOffer, IndexedPoint, RequestError, SearchIndex, SearchRequest, WriterOptions,
};
use tokio::sync::watch;

use crate::config::HubConfig;
use crate::error::HubError;
use crate::store::{HubStore, IndexRow};

/// Changes read from the store per query.
const BATCH: u32 = 2_000;
/// Changes staged before an intermediate commit during a rebuild, so that a long rebuild
/// becomes searchable (and resumable) in steps.
const COMMIT_EVERY: usize = 100_000;

/// The index and what keeps it current.
pub struct SearchService {
    index: SearchIndex,
    /// Serialises catching up: the follower and `reindex` never apply the same changes twice.
    follow_lock: tokio::sync::Mutex<()>,
    /// The checkpoint after every commit, for those who wait for the index to reach a change
    /// ([`SearchService::reached`]).
    committed: watch::Sender<i64>,
    /// The in-memory index of institutions, networks and projects.
    records: RwLock<RecordIndex>,
    /// The store's last change number when the indexes last caught up: the follower looks
    /// again only when the store has moved on.
    seen: AtomicI64,
}

impl std::fmt::Debug for SearchService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchService").field("index", &self.index).finish()
    }
}

impl SearchService {
    /// Opens the index the configuration names (in memory or on disk).
    pub fn open(config: &HubConfig) -> Result<SearchService, HubError> {
        let options = WriterOptions {
            threads: config.search.writer_threads,
            memory_bytes: config.search.writer_memory_mb.saturating_mul(1024 * 1024),
        };
        let index = if config.search.in_memory {
            SearchIndex::in_ram(options)
        } else {
            SearchIndex::open_in_dir(&config.search_index_dir(), options)
        }
        .map_err(|e| HubError::Search(e.to_string()))?;
        let committed = watch::Sender::new(index.checkpoint());
        Ok(SearchService {
            index,
            follow_lock: tokio::sync::Mutex::new(()),
            committed,
            records: RwLock::new(RecordIndex::new()),
            seen: AtomicI64::new(-1),
        })
    }

    /// Runs `f` on the index of institutions, networks and projects.
    pub fn with_records<T>(&self, f: impl FnOnce(&RecordIndex) -> T) -> T {
        // A poisoned lock only means a panic elsewhere mid-update; the index stays usable.
        f(&self.records.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Applies the changes of the new kinds after the record index's positions.
    async fn catch_up_records(&self, store: &dyn HubStore) -> Result<u64, HubError> {
        let mut applied = 0;
        for kind in crate::harvest::records::RECORD_KINDS {
            let mut position = self.with_records(|r| r.position(kind));
            loop {
                let rows = store.record_feed_page(kind, position, BATCH).await?;
                let Some(last) = rows.last() else { break };
                position = last.modified;
                let full = rows.len() == BATCH as usize;
                let docs: Vec<(String, Option<RecordDoc>)> = rows
                    .into_iter()
                    .map(|row| {
                        let hub_id = format!("{}/{}", row.node_id, row.id);
                        let doc = row
                            .data
                            .as_deref()
                            .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
                            .map(|v| {
                                // The hub's placement, computed from the record as the harvest did.
                                let (lat, lon, ags) = crate::placement::place_record(&v);
                                let point = lat.zip(lon).map(|(lat, lon)| LatLon::new(lat, lon));
                                RecordDoc::new(kind, hub_id.clone(), &v, point, ags)
                            });
                        (hub_id, doc)
                    })
                    .collect();
                applied += docs.len() as u64;
                let mut index = self.records.write().unwrap_or_else(|e| e.into_inner());
                for (hub_id, doc) in docs {
                    match doc {
                        Some(doc) => index.upsert(doc),
                        None => index.remove(kind, &hub_id),
                    }
                }
                index.set_position(kind, position);
                drop(index);
                if !full {
                    break;
                }
            }
        }
        Ok(applied)
    }

    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// Applies every change the store has after the index's checkpoint; returns how many.
    #[tracing::instrument(
        level = "debug",
        skip_all,
        fields(checkpoint = self.index.checkpoint(), applied = tracing::field::Empty)
    )]
    pub async fn catch_up(self: &Arc<Self>, store: &dyn HubStore) -> Result<u64, HubError> {
        let _guard = self.follow_lock.lock().await;
        let last = store.last_change().await?;
        if self.index.checkpoint() > last {
            // The index is ahead of its store (the database was replaced): start afresh.
            tracing::warn!(
                index = self.index.checkpoint(),
                store = last,
                "search index ahead of the store; rebuilding"
            );
            self.blocking(|index| index.clear()).await?;
            self.committed.send_replace(0);
            *self.records.write().unwrap_or_else(|e| e.into_inner()) = RecordIndex::new();
        }
        let mut applied = 0u64;
        let mut staged = 0usize;
        let mut position = self.index.checkpoint();
        loop {
            let rows = store.index_changes(position, BATCH).await?;
            let Some(last_row) = rows.last() else { break };
            position = last_row.modified;
            let full = rows.len() == BATCH as usize;
            let changes: Vec<Change> = rows.into_iter().map(change).collect();
            staged += changes.len();
            applied += changes.len() as u64;
            self.blocking(move |index| index.stage(&changes)).await?;
            if staged >= COMMIT_EVERY || !full {
                self.commit(position).await?;
                staged = 0;
            }
            if !full {
                break;
            }
        }
        if staged > 0 {
            self.commit(position).await?;
        }
        let applied = applied + self.catch_up_records(store).await?;
        self.seen.store(last, Ordering::SeqCst);
        tracing::Span::current().record("applied", applied);
        Ok(applied)
    }

    /// Empties the index and builds it again from the store.
    pub async fn rebuild(self: &Arc<Self>, store: &dyn HubStore) -> Result<u64, HubError> {
        {
            let _guard = self.follow_lock.lock().await;
            self.blocking(|index| index.clear()).await?;
            self.committed.send_replace(0);
            *self.records.write().unwrap_or_else(|e| e.into_inner()) = RecordIndex::new();
        }
        self.catch_up(store).await
    }

    /// Commits what was staged as complete up to `position` and tells those waiting.
    async fn commit(self: &Arc<Self>, position: i64) -> Result<(), HubError> {
        self.blocking(move |index| index.commit(position)).await?;
        self.committed.send_replace(position);
        Ok(())
    }

    /// Waits until the searchable index is complete up to `change` (a store change number):
    /// woken by the commits themselves, so a caller waits exactly as long as indexing takes.
    pub async fn reached(&self, change: i64) {
        let mut committed = self.committed.subscribe();
        // The sender lives as long as `self`, so waiting cannot fail while it is borrowed.
        let _ = committed.wait_for(|c| *c >= change).await;
    }

    /// Releases the index writer and its lock on the directory once the follower has stopped,
    /// so that a hub opened again in the same process can open the same index at once.
    pub async fn close(self: &Arc<Self>) -> Result<(), HubError> {
        let _guard = self.follow_lock.lock().await;
        self.blocking(|index| index.close()).await
    }

    /// Runs index work on the blocking pool: tantivy's writer and searches are synchronous.
    async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&SearchIndex) -> Result<T, lotse_search::IndexError> + Send + 'static,
    ) -> Result<T, HubError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || f(&this.index))
            .await
            .map_err(|e| HubError::Search(e.to_string()))?
            .map_err(|e| HubError::Search(e.to_string()))
    }

    /// Follows the store until `stop`: checks for new changes every `poll`.
    pub async fn follow(
        self: Arc<Self>,
        store: Arc<dyn HubStore>,
        poll: Duration,
        mut stop: watch::Receiver<bool>,
    ) {
        loop {
            match store.last_change().await {
                Ok(last) if last != self.seen.load(Ordering::SeqCst) => {
                    match self.catch_up(store.as_ref()).await {
                        Ok(n) => tracing::debug!(
                            changes = n,
                            checkpoint = self.index.checkpoint(),
                            "search index caught up"
                        ),
                        Err(e) => tracing::error!(error = %e, "search index could not catch up"),
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "search index: store not readable"),
            }
            tokio::select! {
                _ = tokio::time::sleep(poll) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
        }
    }
}

/// Reads a search from a query string (`q=…&offer_type=…&near=…`); the error names the
/// parameter that cannot be read.
pub fn parse_request(query: Option<&str>) -> Result<SearchRequest, RequestError> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    SearchRequest::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// A store row as an index change. A row whose data cannot be read (which the store's own
/// validation makes impossible) is removed from the index rather than stopping the follower.
fn change(row: IndexRow) -> Change {
    let hub_id = format!("{}/{}", row.node_id, row.id);
    let Some(data) = row.data else { return Change::Delete(hub_id) };
    let offer = match serde_json::from_str(&data) {
        Ok(o) => o,
        Err(e) => {
            tracing::error!(id = %hub_id, error = %e, "stored offer unreadable; left out of the search index");
            return Change::Delete(hub_id);
        }
    };
    let points = indexed_points(&row.placements);
    Change::Upsert(Box::new(IndexedOffer {
        hub_id,
        node_id: row.node_id,
        offer,
        changed: row.last_changed,
        points,
    }))
}

/// The placed locations of an offer as the index takes them: those with a point, in the
/// municipality that contains them (or the declared one when none does).
pub fn indexed_points(placements: &[crate::placement::Placement]) -> Vec<IndexedPoint> {
    placements
        .iter()
        .filter_map(|p| {
            Some(IndexedPoint {
                idx: p.idx,
                lat: p.lat?,
                lon: p.lon?,
                ags: p.found_ags.clone().unwrap_or_else(|| p.declared_ags.clone()),
                precision: p.precision.as_str().to_owned(),
            })
        })
        .collect()
}
