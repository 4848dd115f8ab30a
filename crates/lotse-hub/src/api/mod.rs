//! The hub's HTTP API: the router, shared state, authentication and error mapping.
//!
//! | path | who |
//! |---|---|
//! | `POST /api/v1/nodes/{node_id}/ping`, `GET /api/v1/nodes/{node_id}/quarantine` | the node (its hub token) |
//! | `/api/v1/admin/nodes…`, `GET /api/v1/admin/quarantine` | operators (operator token) |
//! | `/api/v1/admin/quality/…` ([`crate::ops::api`]) | operators; a node's steward for its own findings |
//! | `GET /api/v1/standard`, `GET /api/v1/offers/{node_id}/{id}`, `GET /feed/offers` | everyone |
//! | `GET /api/v1/search`, `/suggest`, `/clusters`, `/municipalities.geojson`, `/offers.geojson`, `/export.csv`, `/export.ndjson` | everyone |
//! | `/healthz`, `/readyz`, `/metrics`, `/api/openapi.json` | everyone |
//! | `/`, `/karte`, `/angebote/{node_id}/{id}`, `/static/…` (the web pages, `crate::web`) | everyone |

mod admin;
pub(crate) use admin::outdated;
mod map;
mod nodes;
mod offers;
pub mod openapi;
pub(crate) mod search;
mod standard;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use lotse_http::Problem;
use lotse_http::body::BodyLimit;
use lotse_http::health::Readiness;
use lotse_http::rate_limit::retry_after_secs;
use lotse_http::token::{bearer_token, hash_token};

use crate::error::HubError;
use crate::hub::Hub;
use crate::store::{NodeInfo, Role, StoreError, TokenInfo};

/// The state of every handler.
#[derive(Clone)]
pub(crate) struct AppState {
    pub hub: Hub,
    /// Prefix of absolute links (`next` of the feed), without a trailing slash.
    pub base_url: Arc<str>,
    pub body_limit: BodyLimit,
}

impl FromRef<AppState> for BodyLimit {
    fn from_ref(state: &AppState) -> Self {
        state.body_limit
    }
}

struct StoreReadiness(Hub);

#[async_trait::async_trait]
impl Readiness for StoreReadiness {
    async fn check(&self) -> Result<(), String> {
        self.0.store().ping().await.map_err(|e| e.to_string())
    }
}

pub(crate) fn router(hub: Hub, base_url: String) -> Router {
    let metrics = hub.metrics().clone();
    let body_limit = BodyLimit(hub.config().body_limit_bytes);
    let state = AppState { hub: hub.clone(), base_url: base_url.into(), body_limit };
    let web_state = state.clone();
    let api = Router::new()
        .route("/api/v1/nodes/{node_id}/ping", post(nodes::ping))
        .route("/api/v1/nodes/{node_id}/quarantine", get(nodes::quarantine))
        .route("/api/v1/admin/nodes", get(admin::list_nodes).post(admin::add_node))
        .route(
            "/api/v1/admin/nodes/{node_id}",
            get(admin::get_node).patch(admin::update_node).delete(admin::remove_node),
        )
        .route("/api/v1/admin/nodes/{node_id}/harvest", post(admin::harvest))
        .route("/api/v1/admin/nodes/{node_id}/token", post(admin::rotate_token))
        .route("/api/v1/admin/quarantine", get(admin::quarantine))
        .route("/api/v1/standard", get(standard::standard))
        .route("/api/v1/search", get(search::search))
        .route("/api/v1/suggest", get(map::suggest))
        .route("/api/v1/clusters", get(map::clusters))
        .route("/api/v1/municipalities.geojson", get(map::municipalities))
        .route("/api/v1/offers.geojson", get(map::offers_geojson))
        .route("/api/v1/export.csv", get(map::export_csv))
        .route("/api/v1/export.ndjson", get(map::export_ndjson))
        .route("/api/v1/offers/{node_id}/{*id}", get(offers::get_offer))
        .route("/feed/offers", get(crate::feed::feed))
        .route("/api/openapi.json", get(openapi::serve))
        .merge(crate::ops::router(hub.config().public_url.clone()))
        .with_state(state)
        .route("/metrics", get(lotse_http::metrics::metrics_handler).with_state(metrics.registry.clone()))
        .merge(lotse_http::health::router(Arc::new(StoreReadiness(hub))))
        // The web pages (`/`, `/karte`, `/angebote/…`, `/static/…`), with their own security layers.
        .merge(crate::web::router(web_state));
    api.layer(axum::middleware::from_fn_with_state(metrics.http.clone(), lotse_http::metrics::track_requests))
        .layer(body_limit.layer())
        .layer(lotse_http::telemetry::trace_layer())
        .fallback(not_found)
}

async fn not_found() -> Problem {
    Problem::not_found("Die Adresse", "The address")
}

/// Maps library errors to problems: caller mistakes to 4xx, everything else to a logged 500.
impl From<HubError> for ApiError {
    fn from(e: HubError) -> Self {
        ApiError(match e {
            HubError::Invalid { de, en, field } => {
                Problem::bad_request(de, en).with_extension("field", serde_json::Value::from(field))
            }
            HubError::NodeNotFound(id) => {
                Problem::not_found(&format!("Der Knoten „{id}“"), &format!("The node \"{id}\""))
            }
            HubError::Store(StoreError::DuplicateNode(id)) => conflict(
                format!("Ein Knoten mit der ID „{id}“ ist bereits registriert."),
                format!("A node with the id \"{id}\" is already registered."),
            ),
            HubError::Store(StoreError::DuplicateTokenName(name)) => conflict(
                format!("Ein aktives Token namens „{name}“ gibt es bereits."),
                format!("An active token named \"{name}\" already exists."),
            ),
            other => Problem::internal(&other),
        })
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        HubError::Store(e).into()
    }
}

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        ApiError(p)
    }
}

fn conflict(de: String, en: String) -> Problem {
    Problem::new(StatusCode::CONFLICT, "conflict", "Konflikt", "Conflict").with_detail(de, en)
}

/// A handler error: always a problem response.
pub(crate) struct ApiError(pub Problem);

impl IntoResponse for ApiError {
    fn into_response(self) -> axum::response::Response {
        self.0.into_response()
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

/// Applies the per-token rate limit.
fn rate_limit(hub: &Hub, token_hash: &str) -> Result<(), Problem> {
    hub.inner
        .rate_limiter
        .check(token_hash)
        .map_err(|wait| Problem::too_many_requests(retry_after_secs(wait)))
}

/// The operator behind the request's bearer token: 401 without a valid one.
pub(crate) async fn operator(state: &AppState, headers: &HeaderMap) -> ApiResult<TokenInfo> {
    let token = bearer_token(headers).ok_or_else(Problem::unauthorized)?;
    let hash = hash_token(token);
    let info = state.hub.store().token_by_hash(&hash).await?;
    match info {
        Some(t) if t.revoked_at.is_none() && t.role == Role::Operator => {
            rate_limit(&state.hub, &hash)?;
            Ok(t)
        }
        _ => Err(Problem::unauthorized().into()),
    }
}

/// The node behind the request's bearer token, which must be the node `node_id`: 401 without
/// a valid node token, 403 with the token of another node.
pub(crate) async fn node(state: &AppState, headers: &HeaderMap, node_id: &str) -> ApiResult<NodeInfo> {
    let token = bearer_token(headers).ok_or_else(Problem::unauthorized)?;
    let hash = hash_token(token);
    let Some(node) = state.hub.store().node_by_token(&hash).await? else {
        return Err(Problem::unauthorized().into());
    };
    rate_limit(&state.hub, &hash)?;
    if node.id != node_id {
        return Err(Problem::new(StatusCode::FORBIDDEN, "forbidden", "Keine Berechtigung", "Forbidden")
            .with_detail(
                format!("Dieses Token gehört zum Knoten „{}“, nicht zu „{node_id}“.", node.id),
                format!("This token belongs to the node \"{}\", not to \"{node_id}\".", node.id),
            )
            .into());
    }
    Ok(node)
}
