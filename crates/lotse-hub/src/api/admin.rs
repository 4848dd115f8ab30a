//! The operator API: the node registry and the quarantine (operator token).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use lotse_http::Problem;
use lotse_http::problem::ProblemDetails;
use lotse_http::query::Query;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Operator;
use crate::http_error::HttpResult;
use crate::quarantine::{self, QuarantinePage, QuarantineQuery};
use crate::state::AppState;
use crate::store::{Checkpoint, NewNode, NodeCounts, NodeInfo, NodeState, NodeUpdate};
use crate::version::outdated;

/// A registered node with its harvest state.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeView {
    pub id: String,
    pub name: String,
    pub feed_url: String,
    /// AGS prefixes the node may publish offers for.
    pub jurisdiction: Vec<String>,
    pub state: NodeState,
    /// Why the node was stopped.
    pub state_reason: Option<String>,
    /// The feed position after the last stored page.
    pub checkpoint: Option<Checkpoint>,
    /// The standard version the node reported with its latest item.
    pub standard_version: Option<String>,
    /// The node reported a version older than the hub's standard.
    pub standard_outdated: bool,
    /// Live offers of the node at the hub.
    pub offers: i64,
    /// Quarantined items of the node.
    pub quarantined: i64,
    /// A harvest of the node runs in this process right now.
    pub harvesting: bool,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
    pub last_harvest_at: Option<i64>,
    pub last_success_at: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
    pub consecutive_failures: i64,
    /// Feed items read from the node so far.
    pub items_harvested: i64,
}

impl NodeView {
    fn new(n: NodeInfo, counts: NodeCounts, harvesting: bool) -> Self {
        NodeView {
            standard_outdated: outdated(n.standard_version.as_deref()),
            id: n.id,
            name: n.name,
            feed_url: n.feed_url,
            jurisdiction: n.jurisdiction,
            state: n.state,
            state_reason: n.state_reason,
            checkpoint: n.checkpoint,
            standard_version: n.standard_version,
            offers: counts.offers,
            quarantined: counts.quarantined,
            harvesting,
            created_at: n.created_at,
            updated_at: n.updated_at,
            last_harvest_at: n.last_harvest_at,
            last_success_at: n.last_success_at,
            last_error: n.last_error,
            last_error_at: n.last_error_at,
            consecutive_failures: n.consecutive_failures,
            items_harvested: n.items_harvested,
        }
    }
}

async fn view(state: &AppState, node: NodeInfo) -> HttpResult<NodeView> {
    let counts = state.hub.store().node_counts().await?.remove(&node.id).unwrap_or_default();
    let harvesting = state.hub.harvester().is_running(&node.id);
    Ok(NodeView::new(node, counts, harvesting))
}

/// A node to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNodeRequest {
    /// `[A-Za-z0-9._-]{1,64}`, the node's `node_id`.
    pub id: String,
    pub name: String,
    /// The node's RPDE feed, e.g. `https://node.example.org/feed/offers`.
    pub feed_url: String,
    /// AGS (8 digits) or AGS prefixes (2, 3 or 5 digits).
    pub jurisdiction: Vec<String>,
}

/// A registered node with its hub token, which is shown only in this answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeCreated {
    pub node: NodeView,
    /// The node's hub token (`hub_token` in the node's configuration).
    pub token: String,
}

/// Changes to a node; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NodePatch {
    pub name: Option<String>,
    pub feed_url: Option<String>,
    pub jurisdiction: Option<Vec<String>>,
    /// `active` resumes a stopped node.
    pub state: Option<NodeState>,
}

/// The answer to removing a node.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeRemoved {
    pub node_id: String,
    /// Offers of the node that left the hub.
    pub removed_offers: u64,
}

/// A new token for a node.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeToken {
    pub node_id: String,
    pub token: String,
}

/// The answer to a harvest request.
#[derive(Debug, Serialize, ToSchema)]
pub struct HarvestAccepted {
    /// Always `accepted`.
    pub status: &'static str,
}

/// All registered nodes with their harvest state.
#[utoipa::path(
    get,
    path = "/api/v1/admin/nodes",
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The nodes, ordered by id", body = Vec<NodeView>),
        (status = 401, description = "No valid operator token", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_nodes(
    State(state): State<AppState>,
    _: Operator,
) -> HttpResult<Json<Vec<NodeView>>> {
    let nodes = state.hub.list_nodes().await?;
    let mut counts = state.hub.store().node_counts().await?;
    let harvester = state.hub.harvester();
    Ok(Json(
        nodes
            .into_iter()
            .map(|n| {
                let c = counts.remove(&n.id).unwrap_or_default();
                let running = harvester.is_running(&n.id);
                NodeView::new(n, c, running)
            })
            .collect(),
    ))
}

/// Registers a node; the answer carries its hub token.
#[utoipa::path(
    post,
    path = "/api/v1/admin/nodes",
    tag = "admin",
    request_body = NewNodeRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered", body = NodeCreated),
        (status = 400, description = "Invalid id, name, feed URL or jurisdiction", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The id is taken", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn add_node(
    State(state): State<AppState>,
    _: Operator,
    lotse_http::json::Json(req): lotse_http::json::Json<NewNodeRequest>,
) -> HttpResult<(StatusCode, Json<NodeCreated>)> {
    let (node, token) = state
        .hub
        .add_node(NewNode {
            id: req.id,
            name: req.name,
            feed_url: req.feed_url,
            jurisdiction: req.jurisdiction,
        })
        .await?;
    let node = view(&state, node).await?;
    Ok((StatusCode::CREATED, Json(NodeCreated { node, token: token.expose().to_owned() })))
}

/// One node with its harvest state.
#[utoipa::path(
    get,
    path = "/api/v1/admin/nodes/{node_id}",
    tag = "admin",
    params(("node_id" = String, Path, description = "The node's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The node", body = NodeView),
        (status = 401, description = "No valid operator token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Not registered", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn get_node(
    State(state): State<AppState>,
    Path(node_id): Path<String>,
    _: Operator,
) -> HttpResult<Json<NodeView>> {
    let node = state.hub.get_node(&node_id).await?;
    Ok(Json(view(&state, node).await?))
}

/// Changes a node: name, feed URL, jurisdiction, or `state: active` to resume a stopped node.
#[utoipa::path(
    patch,
    path = "/api/v1/admin/nodes/{node_id}",
    tag = "admin",
    params(("node_id" = String, Path, description = "The node's id")),
    request_body = NodePatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed node", body = NodeView),
        (status = 400, description = "Invalid value", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Not registered", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn update_node(
    State(state): State<AppState>,
    Path(node_id): Path<String>,
    _: Operator,
    lotse_http::json::Json(patch): lotse_http::json::Json<NodePatch>,
) -> HttpResult<Json<NodeView>> {
    let update = NodeUpdate {
        name: patch.name,
        feed_url: patch.feed_url,
        jurisdiction: patch.jurisdiction,
        state: patch.state,
    };
    let node = state.hub.update_node(&node_id, update).await?;
    Ok(Json(view(&state, node).await?))
}

/// Unregisters a node; its offers leave the hub (as tombstones in the hub's feed).
#[utoipa::path(
    delete,
    path = "/api/v1/admin/nodes/{node_id}",
    tag = "admin",
    params(("node_id" = String, Path, description = "The node's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Removed", body = NodeRemoved),
        (status = 401, description = "No valid operator token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Not registered", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn remove_node(
    State(state): State<AppState>,
    Path(node_id): Path<String>,
    _: Operator,
) -> HttpResult<Json<NodeRemoved>> {
    let removed_offers = state.hub.remove_node(&node_id).await?;
    Ok(Json(NodeRemoved { node_id, removed_offers }))
}

/// Starts a harvest of the node now (also of a stopped one).
#[utoipa::path(
    post,
    path = "/api/v1/admin/nodes/{node_id}/harvest",
    tag = "admin",
    params(("node_id" = String, Path, description = "The node's id")),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Harvest requested", body = HarvestAccepted),
        (status = 401, description = "No valid operator token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Not registered", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 503, description = "This replica does not harvest", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn harvest(
    State(state): State<AppState>,
    Path(node_id): Path<String>,
    _: Operator,
) -> HttpResult<(StatusCode, Json<HarvestAccepted>)> {
    let node = state.hub.get_node(&node_id).await?;
    let harvester = state.hub.harvester();
    if !harvester.enabled() {
        return Err(Problem::unavailable(
            "Dieser Hub-Prozess sammelt nicht (--no-scheduler).",
            "This hub process does not harvest (--no-scheduler).",
        )
        .into());
    }
    harvester.trigger(&node.id);
    Ok((StatusCode::ACCEPTED, Json(HarvestAccepted { status: "accepted" })))
}

/// Issues a new hub token for the node; the old one stops working at once.
#[utoipa::path(
    post,
    path = "/api/v1/admin/nodes/{node_id}/token",
    tag = "admin",
    params(("node_id" = String, Path, description = "The node's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The new token", body = NodeToken),
        (status = 401, description = "No valid operator token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Not registered", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn rotate_token(
    State(state): State<AppState>,
    Path(node_id): Path<String>,
    _: Operator,
) -> HttpResult<Json<NodeToken>> {
    let token = state.hub.rotate_node_token(&node_id).await?;
    Ok(Json(NodeToken { node_id, token: token.expose().to_owned() }))
}

/// The quarantine of all nodes (or one, with `node_id`).
#[utoipa::path(
    get,
    path = "/api/v1/admin/quarantine",
    tag = "admin",
    params(QuarantineQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the quarantine", body = QuarantinePage),
        (status = 401, description = "No valid operator token", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn quarantine(
    State(state): State<AppState>,
    Query(q): Query<QuarantineQuery>,
    _: Operator,
) -> HttpResult<Json<QuarantinePage>> {
    let kind = q.kind().ok_or_else(|| {
        lotse_http::Problem::bad_request(
            "kind muss offers, organizations, networks oder projects sein.",
            "kind must be offers, organizations, networks or projects.",
        )
    })?;
    Ok(Json(
        quarantine::page_of(
            state.hub.store().as_ref(),
            kind,
            q.node_id.as_deref(),
            q.after.as_deref(),
            q.limit,
        )
        .await?,
    ))
}
