//! One offer as the hub holds it: the offer, where its locations lie, and where it came from.

use axum::Json;
use axum::extract::{Path, State};
use lotse_http::Problem;
use lotse_http::problem::ProblemDetails;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::http_error::{HttpError, HttpResult};
use crate::placement::Placement;
use crate::state::AppState;
use crate::version::outdated;

/// Where an offer came from.
#[derive(Debug, Serialize, ToSchema)]
pub struct Provenance {
    pub node_id: String,
    /// The node's name, while it is registered.
    pub node_name: Option<String>,
    /// When the hub first stored the offer (Unix seconds).
    pub first_seen: i64,
    /// When the hub last stored a change of it (Unix seconds).
    pub last_changed: i64,
    /// The node's change number of the version held.
    pub node_modified: i64,
    /// The hub's change number of the version held (its position in the hub's feed).
    pub hub_modified: i64,
    /// The standard version the node validated the offer with, as it reported it.
    pub standard_version: Option<String>,
    /// That version is older than the hub's standard.
    pub standard_outdated: bool,
}

/// An offer at the hub.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferView {
    /// The hub's id, `{node_id}/{id}`.
    pub id: String,
    /// The offer in the standard's JSON.
    #[schema(value_type = Object)]
    pub offer: Value,
    /// One placement per location, in the order of `offer.locations`.
    pub placements: Vec<Placement>,
    /// Warnings and notices of the hub's validator.
    #[schema(value_type = Vec<Object>)]
    pub findings: Value,
    pub provenance: Provenance,
}

/// One offer with its placement and provenance.
#[utoipa::path(
    get,
    path = "/api/v1/offers/{node_id}/{id}",
    tag = "offers",
    params(
        ("node_id" = String, Path, description = "The node's id"),
        ("id" = String, Path, description = "The offer's id at the node"),
    ),
    responses(
        (status = 200, description = "The offer", body = OfferView),
        (status = 404, description = "No such live offer", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn get_offer(
    State(state): State<AppState>,
    Path((node_id, id)): Path<(String, String)>,
) -> HttpResult<Json<OfferView>> {
    let store = state.hub.store();
    let Some(o) = store.get_offer(&node_id, &id).await? else {
        return Err(Problem::not_found(
            &format!("Das Angebot „{node_id}/{id}“"),
            &format!("The offer \"{node_id}/{id}\""),
        )
        .into());
    };
    let node_name = store.get_node(&node_id).await?.map(|n| n.name);
    let offer: Value = serde_json::from_str(&o.data).map_err(|e| HttpError(Problem::internal(&e)))?;
    let findings =
        o.findings.as_deref().and_then(|f| serde_json::from_str(f).ok()).unwrap_or(Value::Array(Vec::new()));
    Ok(Json(OfferView {
        id: format!("{}/{}", o.node_id, o.id),
        offer,
        placements: o.placements,
        findings,
        provenance: Provenance {
            standard_outdated: outdated(o.standard_version.as_deref()),
            node_id: o.node_id,
            node_name,
            first_seen: o.first_seen,
            last_changed: o.last_changed,
            node_modified: o.node_modified,
            hub_modified: o.modified,
            standard_version: o.standard_version,
        },
    }))
}
