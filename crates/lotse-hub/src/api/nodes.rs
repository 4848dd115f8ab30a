//! What a node calls with its hub token: the ping after a change (optionally with its newest
//! change number), and its own quarantine.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use lotse_http::Problem;
use lotse_http::body::LimitedBytes;
use lotse_http::query::Query;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::NodeAuth;
use crate::http_error::HttpResult;
use crate::quarantine::{self, QuarantinePage, QuarantineQuery};
use crate::state::AppState;

/// The answer to a ping.
#[derive(Debug, Serialize, ToSchema)]
pub struct PingAccepted {
    /// Always `accepted`.
    pub status: &'static str,
    /// Whether this hub process harvests; a replica started with `--no-scheduler` accepts the
    /// ping but leaves the harvest to the harvesting replicas and their schedule.
    pub harvesting: bool,
}

/// What a ping may carry. The body is optional: any RPDE publisher may ping without one.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PingBody {
    /// The node's newest change number: the `modified` of the newest change in its feed, which
    /// the node has committed before it pings. The hub compares it with its checkpoint to tell
    /// how far it is behind (`behind_changes`, `behind_seconds` of
    /// `GET /api/v1/admin/quality/nodes`). At least 0.
    #[schema(minimum = 0)]
    pub modified: Option<i64>,
}

/// Reads a ping's body: empty (or only white space) is a ping without a head; anything else
/// must be a JSON object, whose unknown fields are ignored so that later versions may add some.
fn ping_body(bytes: &[u8]) -> Result<PingBody, Problem> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(PingBody::default());
    }
    // Through a map first: serde would read a struct from a JSON array as well.
    let body = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(bytes)
        .and_then(|map| serde_json::from_value::<PingBody>(serde_json::Value::Object(map)))
        .map_err(|e| {
            Problem::bad_request(
                format!("Der Inhalt des Pings ist kein JSON-Objekt wie {{\"modified\": 1234}}: {e}"),
                format!("The ping's body is not a JSON object like {{\"modified\": 1234}}: {e}"),
            )
        })?;
    if body.modified.is_some_and(|m| m < 0) {
        return Err(Problem::bad_request("modified muss mindestens 0 sein.", "modified must be at least 0."));
    }
    Ok(body)
}

/// A node announces a change: the hub harvests it at once (after a harvest that is running).
///
/// The body is optional. With `{"modified": N}` the node reports its newest change number, from
/// which the hub's node health tells how far the hub is behind; without a body (any RPDE
/// publisher may ping so) the ping only asks for a harvest. The content type is not checked.
#[utoipa::path(
    post,
    path = "/api/v1/nodes/{node_id}/ping",
    tag = "nodes",
    params(("node_id" = String, Path, description = "The node's id at the hub")),
    request_body(
        content = Option<PingBody>,
        content_type = "application/json",
        description = "Optional: the node's newest change number. An empty body is a ping without it.",
    ),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Harvest requested", body = PingAccepted),
        (status = 400, description = "A body that is not a JSON object with a `modified` of at least 0", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "No valid node token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "The token belongs to another node", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Rate limit", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn ping(
    State(state): State<AppState>,
    // Read before the token, so that a malformed path is answered first.
    Path(_node_id): Path<String>,
    NodeAuth(node): NodeAuth,
    LimitedBytes(body): LimitedBytes,
) -> HttpResult<(StatusCode, Json<PingAccepted>)> {
    let body = ping_body(&body)?;
    state.hub.metrics().pings.inc(&[&node.id]);
    // Recorded before the harvest is asked for, so that the harvest reads this head at its
    // start and may count itself caught up with it.
    if let Some(head) = body.modified {
        state.hub.store().record_head(&node.id, head, crate::unix_now()).await?;
    }
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
    // Read before the token, so that a malformed path or query is answered first.
    Path(_node_id): Path<String>,
    Query(q): Query<QuarantineQuery>,
    NodeAuth(node): NodeAuth,
) -> HttpResult<Json<QuarantinePage>> {
    let kind = q.kind().ok_or_else(|| {
        lotse_http::Problem::bad_request(
            "kind muss offers, organizations, networks oder projects sein.",
            "kind must be offers, organizations, networks or projects.",
        )
    })?;
    Ok(Json(
        quarantine::page_of(state.hub.store().as_ref(), kind, Some(&node.id), q.after.as_deref(), q.limit)
            .await?,
    ))
}
