//! What a node calls with its hub token: the ping after a change, and its own quarantine.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use lotse_http::query::Query;
use serde::Serialize;
use utoipa::ToSchema;

use super::{ApiResult, AppState};
use crate::quarantine::{self, QuarantinePage, QuarantineQuery};

/// The answer to a ping.
#[derive(Debug, Serialize, ToSchema)]
pub struct PingAccepted {
    /// Always `accepted`.
    pub status: &'static str,
    /// Whether this hub process harvests; a replica started with `--no-scheduler` accepts the
    /// ping but leaves the harvest to the harvesting replicas and their schedule.
    pub harvesting: bool,
}

/// A node announces a change: the hub harvests it at once (after a harvest that is running).
#[utoipa::path(
    post,
    path = "/api/v1/nodes/{node_id}/ping",
    tag = "nodes",
    params(("node_id" = String, Path, description = "The node's id at the hub")),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Harvest requested", body = PingAccepted),
        (status = 401, description = "No valid node token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "The token belongs to another node", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Rate limit", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn ping(
    State(state): State<AppState>,
    Path(node_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<(StatusCode, Json<PingAccepted>)> {
    let node = super::node(&state, &headers, &node_id).await?;
    state.hub.metrics().pings.inc(&[&node.id]);
    let harvester = state.hub.harvester();
    harvester.trigger(&node.id);
    Ok((StatusCode::ACCEPTED, Json(PingAccepted { status: "accepted", harvesting: harvester.enabled() })))
}

/// The node's own quarantine: what the hub rejected, and why.
#[utoipa::path(
    get,
    path = "/api/v1/nodes/{node_id}/quarantine",
    tag = "nodes",
    params(("node_id" = String, Path, description = "The node's id at the hub"), QuarantineQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the node's quarantine", body = QuarantinePage),
        (status = 401, description = "No valid node token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "The token belongs to another node", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn quarantine(
    State(state): State<AppState>,
    Path(node_id): Path<String>,
    Query(q): Query<QuarantineQuery>,
    headers: HeaderMap,
) -> ApiResult<Json<QuarantinePage>> {
    let node = super::node(&state, &headers, &node_id).await?;
    Ok(Json(quarantine::page(state.hub.store().as_ref(), Some(&node.id), q.after.as_deref(), q.limit).await?))
}
