//! Wiring: the whole HTTP interface assembled from its parts, and a serving hub with its
//! background work (the scheduled jobs of [`crate::scheduler`] and the search follower).
//!
//! | paths | from |
//! |---|---|
//! | `/api/v1/nodes/…`, `/api/v1/admin/nodes…`, `/api/v1/admin/quarantine`, `/api/v1/standard`, `/api/v1/search` and the map and export API, `/api/v1/offers/…`, `/feed/offers` | [`crate::api`] |
//! | `/api/v1/admin/quality/…`, `/betrieb…` | [`crate::ops`] |
//! | `/`, `/karte`, `/angebote/…`, `/static/…` | `crate::web` |
//! | `/api/openapi.json` (the paths of `api` and `ops::api`), `/metrics`, `/healthz`, `/readyz` | here |
//!
//! Every request passes the same layers: request metrics, the body limit and the trace span.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use lotse_http::Problem;
use lotse_http::health::Readiness;
use tokio::net::TcpListener;
use tokio::sync::watch;
use utoipa::OpenApi;

use crate::config::HubConfig;
use crate::error::HubError;
use crate::harvest::HarvestResult;
use crate::hub::Hub;
use crate::state::AppState;
use crate::{api, ops, scheduler, web};

/// The hub's HTTP interface; `base_url` prefixes absolute links (the feed's `next`).
pub(crate) fn router(hub: Hub, base_url: &str) -> Router {
    let metrics = hub.metrics().clone();
    let state = AppState::new(hub.clone(), base_url);
    let body_limit = state.body_limit;
    let app = Router::new()
        .merge(api::router())
        .merge(ops::router(hub.config().service.public_url.clone()))
        .route("/api/openapi.json", get(serve_openapi))
        .with_state(state.clone())
        .route("/metrics", get(lotse_http::metrics::metrics_handler).with_state(metrics.registry.clone()))
        .merge(lotse_http::health::router(Arc::new(StoreReadiness(hub))))
        // The web pages (`/`, `/karte`, `/angebote/…`, `/static/…`), with their own security layers.
        .merge(web::router(state));
    app.layer(axum::middleware::from_fn_with_state(metrics.http.clone(), lotse_http::metrics::track_requests))
        .layer(body_limit.layer())
        .layer(lotse_http::telemetry::trace_layer())
        .fallback(not_found)
}

/// The OpenAPI document of the whole API: the paths of [`api`] and of the operator's quality
/// API ([`ops::api`]).
pub(crate) fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api::openapi::ApiDoc::openapi();
    doc.merge(ops::api::QualityDoc::openapi());
    doc
}

/// The document as pretty-printed JSON with a final newline, as committed. The paths written
/// once for every record kind (`/feed/{kind}`, `/api/v1/{kind}…`) appear once per kind, as the
/// routes are.
pub(crate) fn openapi_json() -> String {
    use lotse_http::openapi::expand_path_param;
    use lotse_standard::rpde::Kind;
    let mut doc = serde_json::to_value(openapi()).unwrap_or_default();
    let all: Vec<&str> = Kind::ALL.iter().map(|k| k.plural()).collect();
    let records: Vec<&str> = crate::harvest::records::RECORD_KINDS.iter().map(|k| k.plural()).collect();
    expand_path_param(&mut doc, "/feed/{kind}", "kind", &all);
    expand_path_param(&mut doc, "/api/v1/{kind}", "kind", &records);
    expand_path_param(&mut doc, "/api/v1/{kind}/{node_id}/{id}", "kind", &records);
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

async fn serve_openapi() -> impl axum::response::IntoResponse {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], openapi_json())
}

async fn not_found() -> Problem {
    Problem::not_found("Die Adresse", "The address")
}

struct StoreReadiness(Hub);

#[async_trait::async_trait]
impl Readiness for StoreReadiness {
    async fn check(&self) -> Result<(), String> {
        self.0.store().ping().await.map_err(|e| e.to_string())
    }
}

impl Hub {
    /// The HTTP router; `base_url` prefixes the `next` links of the hub's feed.
    pub fn router(&self, base_url: &str) -> Router {
        router(self.clone(), base_url)
    }

    /// Serves on `listener` (with the scheduled jobs, unless disabled) until `shutdown`
    /// resolves.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), HubError> {
        let addr = listener.local_addr()?;
        let config = self.config();
        let base = config.service.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
        let search = self.search()?.clone();
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut jobs = scheduler::spawn_jobs(&self, &stop_rx);
        // Every process that serves keeps its own index current, replicas included.
        jobs.push(tokio::spawn(search.clone().follow(
            self.store().clone(),
            Duration::from_millis(config.search.poll_ms),
            stop_rx,
        )));
        tracing::info!(%addr, database = config.service.database_kind(), scheduler = config.scheduler, "hub listening");
        let served = axum::serve(listener, self.router(&base)).with_graceful_shutdown(shutdown).await;
        stop_tx.send_replace(true);
        for job in jobs {
            let _ = job.await;
        }
        // Requests still holding the hub (a keep-alive connection, a spawned harvest) must not
        // keep the index directory locked after serving has stopped.
        if let Err(e) = search.close().await {
            tracing::warn!(error = %e, "search index not closed cleanly");
        }
        Ok(served?)
    }

    /// Opens a hub, binds `config.service.listen` (`127.0.0.1:0` picks a free port) and serves in the
    /// background: the way tests and `lotse demo` run a hub in-process.
    pub async fn start(config: HubConfig) -> Result<HubHandle, HubError> {
        let hub = Hub::open(config).await?;
        let listener = TcpListener::bind(&hub.config().service.listen).await?;
        let addr = listener.local_addr()?;
        let (stop_tx, mut stop_rx) = watch::channel(false);
        let serving = hub.clone();
        let task = tokio::spawn(async move {
            let shutdown = async move {
                let _ = stop_rx.wait_for(|stop| *stop).await;
            };
            if let Err(e) = serving.serve(listener, shutdown).await {
                tracing::error!(error = %e, "hub stopped with an error");
            }
        });
        Ok(HubHandle { addr, hub, stop: stop_tx, task })
    }
}

/// Runs a hub in the foreground until Ctrl-C or SIGTERM: what `lotse hub` does.
pub async fn run(config: HubConfig) -> Result<(), HubError> {
    let hub = Hub::open(config).await?;
    let listener = TcpListener::bind(&hub.config().service.listen).await?;
    hub.serve(listener, lotse_http::shutdown::shutdown_signal()).await
}

/// A hub serving in the background (see [`Hub::start`]).
pub struct HubHandle {
    addr: SocketAddr,
    hub: Hub,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl HubHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://{addr}`, or the configured public URL.
    pub fn url(&self) -> String {
        self.hub.config().service.public_url.clone().unwrap_or_else(|| format!("http://{}", self.addr))
    }

    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// Harvests one node now and waits for the result.
    pub async fn harvest_now(&self, node_id: &str) -> HarvestResult {
        self.hub.harvest_now(node_id).await
    }

    /// Stops serving (letting requests in flight finish) and waits until stopped.
    pub async fn shutdown(self) {
        self.stop.send_replace(true);
        let _ = self.task.await;
    }
}
