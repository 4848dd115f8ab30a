//! The records of standard 1.1's kinds as the hub holds them — one record with its references
//! and the records that refer to it, a kind's list — and the references that name nothing,
//! for the operator and for each node.

use axum::Json;
use axum::extract::{Path, State};
use lotse_http::Problem;
use lotse_http::problem::ProblemDetails;
use lotse_http::query::Query;
use lotse_standard::rpde::Kind;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{NodeAuth, OperatorRead};
use crate::http_error::HttpResult;
use crate::state::AppState;
use crate::store::kinds::{DanglingReference, RecordFilter, ReferenceRow, Referrer, StoredRecord};

/// The kind of a record path: one of the kinds beside offers (offers have their own API).
fn record_kind(segment: &str) -> Result<Kind, Problem> {
    match lotse_http::kind::from_path(segment)? {
        Kind::Offer => Err(Problem::not_found("Diese Liste", "This list")),
        kind => Ok(kind),
    }
}

/// A record at the hub.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordView {
    /// `organization`, `network` or `project`.
    pub kind: String,
    /// The hub's id, `{node_id}/{id}`.
    pub id: String,
    pub node_id: String,
    /// The record in the standard's JSON.
    #[schema(value_type = Object)]
    pub record: Value,
    /// Where the record is shown on the map, and its municipality.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub ags: Option<String>,
    /// Warnings and notices of the hub's validator.
    #[schema(value_type = Vec<Object>)]
    pub findings: Value,
    /// The record's references, resolved to nodes, each with whether it names a live record.
    pub references: Vec<ResolvedReference>,
    /// The live records that refer to this one (a network's members refer to nothing; the
    /// institutions' offers and the networks listing it do).
    pub referred_by: Vec<Referrer>,
    pub first_seen: i64,
    pub last_changed: i64,
    pub standard_version: Option<String>,
}

/// A reference and whether it resolves.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResolvedReference {
    #[serde(flatten)]
    pub reference: ReferenceRow,
    pub resolved: bool,
}

async fn view(state: &AppState, r: StoredRecord) -> HttpResult<RecordView> {
    let store = state.hub.store();
    let mut references = Vec::new();
    for reference in store.references_of(r.kind, &r.node_id, &r.id).await? {
        let resolved = store
            .get_record(reference.target_kind, &reference.target_node, &reference.target_id)
            .await?
            .is_some();
        references.push(ResolvedReference { reference, resolved });
    }
    let referred_by = store.referrers(r.kind, &r.node_id, &r.id).await?;
    let findings =
        r.findings.as_deref().and_then(|f| serde_json::from_str(f).ok()).unwrap_or(Value::Array(vec![]));
    Ok(RecordView {
        kind: r.kind.singular().to_owned(),
        id: format!("{}/{}", r.node_id, r.id),
        record: serde_json::from_str(&r.data).unwrap_or(Value::Null),
        node_id: r.node_id,
        lat: r.lat,
        lon: r.lon,
        ags: r.ags,
        findings,
        references,
        referred_by,
        first_seen: r.first_seen,
        last_changed: r.last_changed,
        standard_version: r.standard_version,
    })
}

/// One institution, network or project with its references.
#[utoipa::path(
    get,
    path = "/api/v1/{kind}/{node_id}/{id}",
    tag = "records",
    params(
        ("kind" = String, Path, description = "organizations, networks or projects"),
        ("node_id" = String, Path, description = "The node's id"),
        ("id" = String, Path, description = "The record's id at the node"),
    ),
    responses(
        (status = 200, description = "The record", body = RecordView),
        (status = 404, description = "No such record", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn get_record(
    State(state): State<AppState>,
    Path((kind, node_id, id)): Path<(String, String, String)>,
) -> HttpResult<Json<RecordView>> {
    let kind = record_kind(&kind)?;
    let Some(record) = state.hub.store().get_record(kind, &node_id, &id).await? else {
        let (de, en) = lotse_http::kind::singular_label(kind);
        return Err(Problem::not_found(
            &format!("{de} „{node_id}/{id}“"),
            &format!("The {en} \"{node_id}/{id}\""),
        )
        .into());
    };
    Ok(Json(view(&state, record).await?))
}

/// Paging and filters of a kind's list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only the records of this node.
    pub node: Option<String>,
    /// Only the records placed in this municipality (AGS).
    pub ags: Option<String>,
    /// Start after this hub id (`{node_id}/{id}`, the `next_after` of the previous page).
    pub after: Option<String>,
    /// Page size, 1 to 500, default 100.
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
}

/// A page of a kind's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordList {
    pub items: Vec<RecordSummary>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after: Option<String>,
}

/// A record of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordSummary {
    /// The hub's id, `{node_id}/{id}`.
    pub id: String,
    #[schema(value_type = Object)]
    pub record: Value,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub ags: Option<String>,
}

/// The institutions, networks or projects the hub holds, by node and id.
#[utoipa::path(
    get,
    path = "/api/v1/{kind}",
    tag = "records",
    params(("kind" = String, Path, description = "organizations, networks or projects"), ListQuery),
    responses(
        (status = 200, description = "A page of the list", body = RecordList),
        (status = 400, description = "Invalid parameters", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown record kind", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_records(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    Query(q): Query<ListQuery>,
) -> HttpResult<Json<RecordList>> {
    let kind = record_kind(&kind)?;
    let limit = match q.limit.as_deref() {
        None => 100,
        Some(s) => match s.parse::<u32>() {
            Ok(n) if (1..=500).contains(&n) => n,
            _ => {
                return Err(Problem::bad_request(
                    "limit muss zwischen 1 und 500 liegen.",
                    "limit must be between 1 and 500.",
                )
                .into());
            }
        },
    };
    let after = match q.after.as_deref() {
        None => None,
        Some(a) => Some(a.split_once('/').ok_or_else(|| {
            Problem::bad_request("after hat die Form Knoten/ID.", "after has the form node/id.")
        })?),
    };
    let filter = RecordFilter { node_id: q.node.clone(), ags: q.ags.clone() };
    let rows = state.hub.store().list_records(kind, &filter, after, limit).await?;
    let next_after = (rows.len() == limit as usize)
        .then(|| rows.last().map(|r| format!("{}/{}", r.node_id, r.id)))
        .flatten();
    let items = rows
        .into_iter()
        .map(|r| RecordSummary {
            id: format!("{}/{}", r.node_id, r.id),
            record: serde_json::from_str(&r.data).unwrap_or(Value::Null),
            lat: r.lat,
            lon: r.lon,
            ags: r.ags,
        })
        .collect();
    Ok(Json(RecordList { items, next_after }))
}

/// Most references one answer lists.
const DANGLING_LIMIT: u32 = 1000;

/// References that name no live record, of every node: what the operator follows up.
#[utoipa::path(
    get,
    path = "/api/v1/admin/references",
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Dangling references, at most 1000", body = Vec<DanglingReference>),
        (status = 401, description = "No valid operator token", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn dangling(
    State(state): State<AppState>,
    _operator: OperatorRead,
) -> HttpResult<Json<Vec<DanglingReference>>> {
    Ok(Json(state.hub.store().dangling_references(None, DANGLING_LIMIT).await?))
}

/// The node's own references that name no live record, for its stewards.
#[utoipa::path(
    get,
    path = "/api/v1/nodes/{node_id}/references",
    tag = "nodes",
    params(("node_id" = String, Path, description = "The node's id at the hub")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The node's dangling references, at most 1000", body = Vec<DanglingReference>),
        (status = 401, description = "No valid node token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "The token belongs to another node", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn node_dangling(
    State(state): State<AppState>,
    Path(_node_id): Path<String>,
    NodeAuth(node): NodeAuth,
) -> HttpResult<Json<Vec<DanglingReference>>> {
    Ok(Json(state.hub.store().dangling_references(Some(&node.id), DANGLING_LIMIT).await?))
}
