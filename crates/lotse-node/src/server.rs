//! Wiring: the router, and a running node with its background tasks.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::{delete, get};
use axum::{Extension, Router, middleware};
use lotse_http::body::BodyLimit;
use lotse_http::health::{self, Readiness};
use lotse_http::metrics::track_requests;
use lotse_http::telemetry::trace_layer;
use lotse_standard::rpde::Kind;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::NodeConfig;
use crate::metrics::NodeMetrics;
use crate::ping::{self, PingHandle, PingMetrics, PingTarget};
use crate::purge::TombstonePurge;
use crate::state::AppState;
use crate::store::{self, NodeStore, StoreError, StoreOptions};
use crate::{api, feed, openapi};

#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error(transparent)]
    Config(#[from] lotse_http::config::ConfigError),
    #[error("Datenbank / database: {0}")]
    Store(#[from] StoreError),
    #[error("Adresse {addr} nicht nutzbar / cannot listen on {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
    #[error("Server: {0}")]
    Serve(#[from] std::io::Error),
}

/// The node's HTTP interface.
pub fn app(state: AppState) -> Router {
    let readiness: Arc<dyn Readiness> = Arc::new(StoreReadiness(state.store.clone()));
    let http_metrics = state.metrics.http.clone();
    let body_limit = BodyLimit(state.config.service.body_limit_bytes);
    let mut router = Router::new();
    // Every record kind under its plural, the kind handed to the handlers by the route.
    for kind in Kind::ALL {
        let plural = kind.plural();
        router = router
            .route(
                &format!("/api/v1/{plural}"),
                get(api::records::list_records)
                    .post(api::records::post_records)
                    .put(api::records::put_records)
                    .layer(Extension(kind)),
            )
            .route(
                &format!("/api/v1/{plural}/{{id}}"),
                get(api::records::get_record)
                    .put(api::records::put_record)
                    .delete(api::records::delete_record)
                    .layer(Extension(kind)),
            )
            .route(&feed::feed_path(kind), get(feed::feed).layer(Extension(kind)));
    }
    router
        .route("/api/v1/imports", get(api::imports::list_imports))
        .route("/api/v1/imports/{id}", get(api::imports::get_import))
        .route("/api/v1/admin/tokens", get(api::tokens::list_tokens).post(api::tokens::create_token))
        .route("/api/v1/admin/tokens/{id}", delete(api::tokens::revoke_token))
        .route("/api/openapi.json", get(openapi_handler))
        .route("/metrics", get(metrics_handler))
        .merge(health::router(readiness))
        .merge(crate::web::router(&state))
        .layer(body_limit.layer())
        .layer(middleware::from_fn_with_state(http_metrics, track_requests))
        .layer(trace_layer())
        .with_state(state)
}

struct StoreReadiness(Arc<dyn NodeStore>);

#[async_trait::async_trait]
impl Readiness for StoreReadiness {
    async fn check(&self) -> Result<(), String> {
        self.0.ping().await.map_err(|e| e.to_string())
    }
}

async fn openapi_handler() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], openapi::openapi_json())
}

async fn metrics_handler(State(state): State<AppState>) -> impl IntoResponse {
    lotse_http::metrics::metrics_handler(State(state.metrics.registry.clone())).await
}

/// A running node: its HTTP server and background tasks (pings, purge).
pub struct Node {
    addr: SocketAddr,
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
    server: JoinHandle<std::io::Result<()>>,
    background: Vec<JoinHandle<()>>,
}

impl Node {
    /// Opens the store (running migrations), binds `config.service.listen` (use port 0 in tests) and
    /// starts serving.
    pub async fn start(config: NodeConfig) -> Result<Node, NodeError> {
        config.validate()?;
        let options = StoreOptions { max_connections: config.service.db_max_connections };
        let store = store::open(config.service.database_url().expose(), &options).await?;
        Self::start_with_store(config, store).await
    }

    /// Like [`Node::start`], with a store opened by the caller.
    pub async fn start_with_store(config: NodeConfig, store: Arc<dyn NodeStore>) -> Result<Node, NodeError> {
        config.validate()?;
        let listener = TcpListener::bind(&config.service.listen)
            .await
            .map_err(|source| NodeError::Bind { addr: config.service.listen.clone(), source })?;
        let addr = listener.local_addr()?;
        let public_url = config.service.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
        let metrics = NodeMetrics::new();
        let mut background = Vec::new();
        let pinger = match &config.hub_url {
            Some(hub) => {
                let target = PingTarget::new(hub, &config.node_id, config.hub_token.clone());
                let (handle, task) = ping::spawn(target, PingMetrics(metrics.pings.clone()));
                background.push(task);
                handle
            }
            None => PingHandle::disabled(),
        };
        let purge = TombstonePurge {
            store: store.clone(),
            retention_days: config.tombstone_retention_days,
            purged: Some(metrics.purged.clone()),
        };
        // Validated above, so the expression parses.
        if let Ok(schedule) = config.purge_schedule.parse::<cron::Schedule>() {
            background.push(tokio::spawn(purge.run_scheduled(schedule)));
        }
        let state = AppState::new(config, &public_url, store, pinger, metrics);
        let (stop, stopped) = oneshot::channel::<()>();
        let router = app(state.clone());
        let server = tokio::spawn(async move {
            // With the peer address, so that the steward login can be rate-limited per client.
            axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        tracing::info!(%addr, public_url = %state.public_url, node_id = %state.config.node_id,
            database = state.config.service.database_kind(), "node listening");
        Ok(Node { addr, state, stop: Some(stop), server, background })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL clients use (the configured public URL, or `http://{addr}`).
    pub fn url(&self) -> &str {
        &self.state.public_url
    }

    /// The shared state, for tests and the demo.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The store, for tests and the demo.
    pub fn store(&self) -> Arc<dyn NodeStore> {
        self.state.store.clone()
    }

    /// Stops accepting connections, lets running requests finish, stops background tasks.
    pub async fn shutdown(mut self) -> Result<(), NodeError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        for task in &self.background {
            task.abort();
        }
        match (&mut self.server).await {
            Ok(result) => Ok(result?),
            Err(e) if e.is_cancelled() => Ok(()),
            Err(e) => Err(NodeError::Serve(std::io::Error::other(e))),
        }
    }

    /// Serves until `signal` resolves, then shuts down gracefully.
    pub async fn run_until(self, signal: impl Future<Output = ()>) -> Result<(), NodeError> {
        signal.await;
        self.shutdown().await
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        // A node dropped without `shutdown` (e.g. a failing test) must not leave tasks behind.
        for task in &self.background {
            task.abort();
        }
        if !self.server.is_finished() {
            self.server.abort();
        }
    }
}

/// Runs a node until Ctrl-C or SIGTERM.
pub async fn run(config: NodeConfig) -> Result<(), NodeError> {
    let node = Node::start(config).await?;
    node.run_until(lotse_http::shutdown::shutdown_signal()).await
}
