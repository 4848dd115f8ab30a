//! [`Hub`]: the service as a value — configuration, store, harvester, search index, metrics
//! and the registry operations. Serving it over HTTP with its scheduled jobs is
//! [`crate::server`]'s part ([`Hub::start`], [`Hub::serve`], [`Hub::router`]); the hub itself
//! knows nothing of HTTP.

use std::sync::Arc;
use std::time::Duration;

use lotse_http::Secret;
use lotse_http::token::{generate_token, hash_token};

use crate::config::HubConfig;
use crate::error::HubError;
use crate::geocode::Geocoder;
use crate::harvest::client::{FeedClient, RetryPolicy};
use crate::harvest::{HarvestError, HarvestResult, HarvestSettings, Harvester};
use crate::metrics::HubMetrics;
use crate::registry;
use crate::search::SearchService;
use crate::store::{self, HubStore, NewNode, NodeInfo, NodeUpdate, Role, StoreOptions, TokenInfo};

struct HubInner {
    config: HubConfig,
    store: Arc<dyn HubStore>,
    harvester: Harvester,
    metrics: HubMetrics,
    /// Opened on first use (serving, reindexing): the admin commands run beside a serving hub
    /// and must not take the index writer's lock.
    search: std::sync::OnceLock<Arc<SearchService>>,
}

/// The hub. Cheap to clone; every clone is the same hub.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<HubInner>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub").field("database", &self.inner.config.service.database_kind()).finish()
    }
}

impl Hub {
    /// Opens the store (running its migrations) and sets up the harvester; serves nothing yet.
    /// This is what the admin commands use.
    pub async fn open(config: HubConfig) -> Result<Hub, HubError> {
        config.validate()?;
        config.warn_deprecated_keys();
        // Each running harvest holds a connection for its advisory lock on PostgreSQL, so the
        // pool is as much larger as harvests may run at once.
        let options = StoreOptions {
            max_connections: config.service.db_max_connections + config.harvest.concurrency as u32,
        };
        let store = store::open(config.service.database_url().expose(), &options).await?;
        Self::with_store(config, store)
    }

    /// A hub on an already opened store.
    pub fn with_store(config: HubConfig, store: Arc<dyn HubStore>) -> Result<Hub, HubError> {
        let metrics = HubMetrics::new();
        let client = FeedClient::new(
            config.private_feeds_allowed(),
            Duration::from_secs(config.harvest.timeout_secs),
            RetryPolicy {
                retries: config.harvest.retries,
                initial: Duration::from_millis(config.harvest.backoff_ms),
                max: Duration::from_millis(config.harvest.backoff_max_ms.max(config.harvest.backoff_ms)),
            },
            config.harvest.max_feed_page_bytes,
        )?;
        let geocoder = match &config.geocoder {
            Some(g) => Some(Geocoder::new(g, store.clone(), metrics.clone())?),
            None => None,
        };
        let harvester = Harvester::new(
            store.clone(),
            client,
            geocoder,
            metrics.clone(),
            &HarvestSettings { concurrency: config.harvest.concurrency, enabled: config.scheduler },
        );
        let search = std::sync::OnceLock::new();
        Ok(Hub { inner: Arc::new(HubInner { config, store, harvester, metrics, search }) })
    }

    pub fn config(&self) -> &HubConfig {
        &self.inner.config
    }

    pub fn store(&self) -> &Arc<dyn HubStore> {
        &self.inner.store
    }

    pub fn harvester(&self) -> &Harvester {
        &self.inner.harvester
    }

    pub fn metrics(&self) -> &HubMetrics {
        &self.inner.metrics
    }

    /// The search index and its follower, opened on first use.
    pub fn search(&self) -> Result<&Arc<SearchService>, HubError> {
        if let Some(s) = self.inner.search.get() {
            return Ok(s);
        }
        let opened = Arc::new(SearchService::open(&self.inner.config)?);
        Ok(self.inner.search.get_or_init(|| opened))
    }

    /// Brings the search index up to the store's latest change and returns how many changes
    /// it applied (what the follower does in the background).
    pub async fn index_now(&self) -> Result<u64, HubError> {
        self.search()?.catch_up(self.inner.store.as_ref()).await
    }

    /// Empties the search index and builds it again from the store (`lotse hub reindex`).
    pub async fn reindex(&self) -> Result<u64, HubError> {
        self.search()?.rebuild(self.inner.store.as_ref()).await
    }

    /// Registers a node and returns it with its hub token, which is shown only this once.
    pub async fn add_node(&self, node: NewNode) -> Result<(NodeInfo, Secret), HubError> {
        registry::check_node_id(&node.id)?;
        let checked = NewNode {
            id: node.id,
            name: registry::check_name(&node.name)?,
            feed_url: registry::check_feed_url(&node.feed_url, self.inner.config.private_feeds_allowed())?,
            jurisdiction: registry::check_jurisdiction(&node.jurisdiction)?,
        };
        let token = generate_token();
        let info =
            self.inner.store.add_node(&checked, &hash_token(token.expose()), crate::unix_now()).await?;
        Ok((info, token))
    }

    pub async fn list_nodes(&self) -> Result<Vec<NodeInfo>, HubError> {
        Ok(self.inner.store.list_nodes().await?)
    }

    pub async fn get_node(&self, id: &str) -> Result<NodeInfo, HubError> {
        self.inner.store.get_node(id).await?.ok_or_else(|| HubError::NodeNotFound(id.to_owned()))
    }

    /// Changes a node's name, feed URL, jurisdiction or state, after checking the new values.
    pub async fn update_node(&self, id: &str, update: NodeUpdate) -> Result<NodeInfo, HubError> {
        let checked = NodeUpdate {
            name: update.name.as_deref().map(registry::check_name).transpose()?,
            feed_url: update
                .feed_url
                .as_deref()
                .map(|u| registry::check_feed_url(u, self.inner.config.private_feeds_allowed()))
                .transpose()?,
            jurisdiction: update.jurisdiction.as_deref().map(registry::check_jurisdiction).transpose()?,
            state: update.state,
        };
        self.inner
            .store
            .update_node(id, &checked, crate::unix_now())
            .await?
            .ok_or_else(|| HubError::NodeNotFound(id.to_owned()))
    }

    /// Replaces a node's jurisdiction. Offers already stored are not judged again until the
    /// node sends them again.
    pub async fn set_jurisdiction(&self, id: &str, jurisdiction: Vec<String>) -> Result<NodeInfo, HubError> {
        self.update_node(id, NodeUpdate { jurisdiction: Some(jurisdiction), ..NodeUpdate::default() }).await
    }

    /// Issues a new token for a node; the old one stops working at once.
    pub async fn rotate_node_token(&self, id: &str) -> Result<Secret, HubError> {
        let token = generate_token();
        if self.inner.store.set_node_token(id, &hash_token(token.expose()), crate::unix_now()).await? {
            Ok(token)
        } else {
            Err(HubError::NodeNotFound(id.to_owned()))
        }
    }

    /// Unregisters a node; its offers leave the hub (as tombstones in the hub's feed). Returns
    /// how many offers were removed.
    pub async fn remove_node(&self, id: &str) -> Result<u64, HubError> {
        self.inner
            .store
            .remove_node(id, crate::unix_now())
            .await?
            .ok_or_else(|| HubError::NodeNotFound(id.to_owned()))
    }

    /// Creates an operator token and returns it; only its hash is stored.
    pub async fn create_token(&self, name: &str, role: Role) -> Result<(TokenInfo, Secret), HubError> {
        let name = registry::check_name(name)?;
        let token = generate_token();
        let info = self
            .inner
            .store
            .create_token(&name, role, &hash_token(token.expose()), crate::unix_now())
            .await?;
        Ok((info, token))
    }

    /// Revokes an operator token; `false` if there is no active token with this id.
    pub async fn revoke_token(&self, id: i64) -> Result<bool, HubError> {
        Ok(self.inner.store.revoke_token(id, crate::unix_now()).await?)
    }

    /// Harvests one node now (after a harvest of it that is running) and waits for the result.
    pub async fn harvest_now(&self, node_id: &str) -> HarvestResult {
        self.inner.harvester.harvest_now(node_id).await
    }

    /// The scheduled harvest job once: every active node, waiting for all.
    pub async fn run_once(&self) -> Result<Vec<HarvestResult>, HarvestError> {
        self.inner.harvester.run_once().await
    }

    /// The purge job once: removes tombstones older than the retention period.
    pub async fn purge_once(&self) -> Result<u64, HubError> {
        let cutoff = crate::unix_now() - i64::from(self.inner.config.tombstone_retention_days) * 86_400;
        Ok(self.inner.store.purge_tombstones(cutoff).await?)
    }
}
