//! The operator's quality API for institutions, networks and projects, beside the offers' in
//! [`super::api`]:
//!
//! | path | who |
//! |---|---|
//! | `GET /api/v1/admin/quality/nodes/{node_id}/{kind}` (`.csv`) | operator, or the node's steward (its hub token) |
//! | `GET /api/v1/admin/quality/{kind}/{node_id}/{id}` | operator, or the node's steward |
//!
//! `{kind}` is `organizations`, `networks` or `projects`; each kind has routes of its own, as
//! the feeds do, so that request metrics name them and `offers` keeps its own handlers. The
//! scores are computed as they are asked for ([`super::record_scores`]).

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Json, Router};
use lotse_http::Problem;
use lotse_http::problem::ProblemDetails;
use lotse_http::query::Query;
use lotse_standard::date::Date;
use lotse_standard::rpde::Kind;
use serde::Serialize;
use utoipa::ToSchema;

use super::api::{PageQuery, csv_response};
use super::record_scores::{self, RecordQuality};
use crate::auth::OperatorOrSteward;
use crate::harvest::records::RECORD_KINDS;
use crate::http_error::HttpResult;
use crate::state::AppState;

/// The routes of this module, one set per kind.
pub(crate) fn router() -> Router<AppState> {
    let mut router = Router::new();
    for kind in RECORD_KINDS {
        let plural = kind.plural();
        router = router
            .route(
                &format!("/api/v1/admin/quality/nodes/{{node_id}}/{plural}"),
                get(node_records).layer(Extension(kind)),
            )
            .route(
                &format!("/api/v1/admin/quality/nodes/{{node_id}}/{plural}.csv"),
                get(node_records_csv).layer(Extension(kind)),
            )
            .route(
                &format!("/api/v1/admin/quality/{plural}/{{node_id}}/{{*id}}"),
                get(record).layer(Extension(kind)),
            );
    }
    router
}

/// A page of one node's records of a kind with their scores.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordQualityPage {
    pub items: Vec<RecordQuality>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_after: Option<String>,
}

/// One node's institutions, networks or projects with their scores and findings, by id.
#[utoipa::path(
    get,
    path = "/api/v1/admin/quality/nodes/{node_id}/{kind}",
    tag = "quality",
    params(
        ("node_id" = String, Path, description = "The node's id"),
        ("kind" = String, Path, description = "organizations, networks or projects"),
        PageQuery,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of scores, ordered by id", body = RecordQualityPage),
        (status = 400, description = "Invalid paging", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator or node token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "The token of another node", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn node_records(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    Path(node_id): Path<String>,
    Query(q): Query<PageQuery>,
    _: OperatorOrSteward,
) -> HttpResult<Json<RecordQualityPage>> {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let after = q.after.as_deref().map(|a| (node_id.as_str(), a));
    let store = state.hub.store().as_ref();
    let (items, next) =
        record_scores::page(store, kind, Some(&node_id), after, limit, Date::today_utc()).await?;
    Ok(Json(RecordQualityPage { items, next_after: next.map(|(_, id)| id) }))
}

/// One node's records of a kind with their findings as CSV (one row per finding; records
/// without findings have one row with empty finding columns).
#[utoipa::path(
    get,
    path = "/api/v1/admin/quality/nodes/{node_id}/{kind}.csv",
    tag = "quality",
    params(
        ("node_id" = String, Path, description = "The node's id"),
        ("kind" = String, Path, description = "organizations, networks or projects"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every record of the kind of the node", content_type = "text/csv"),
        (status = 401, description = "No valid operator or node token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "The token of another node", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn node_records_csv(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    Path(node_id): Path<String>,
    _: OperatorOrSteward,
) -> HttpResult<Response> {
    let store = state.hub.store().as_ref();
    let today = Date::today_utc();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let (page, next) = record_scores::page(
            store,
            kind,
            Some(&node_id),
            after.as_deref().map(|a| (node_id.as_str(), a)),
            record_scores::PAGE,
            today,
        )
        .await?;
        for q in &page {
            let base = [q.id.clone(), q.title.clone(), q.score.to_string(), q.unverified.to_string()];
            if q.findings.is_empty() {
                rows.push(base.iter().cloned().chain(std::iter::repeat_n(String::new(), 6)).collect());
            }
            for f in &q.findings {
                rows.push(
                    base.iter()
                        .cloned()
                        .chain([
                            f.finding.code.clone(),
                            f.level.as_str().to_owned(),
                            f.finding.lost.to_string(),
                            f.finding.pointer.clone(),
                            f.finding.fix.de.clone(),
                            f.finding.fix.en.clone(),
                        ])
                        .collect(),
                );
            }
        }
        match next {
            Some((_, id)) => after = Some(id),
            None => break,
        }
    }
    let body = super::csv::document(
        &["id", "title", "score", "unverified", "check", "level", "lost", "pointer", "fix_de", "fix_en"],
        rows,
    );
    Ok(csv_response(&format!("lotse-{node_id}-{}-qualitaet.csv", kind.plural()), body))
}

/// One institution's, network's or project's score and findings.
#[utoipa::path(
    get,
    path = "/api/v1/admin/quality/{kind}/{node_id}/{id}",
    tag = "quality",
    params(
        ("kind" = String, Path, description = "organizations, networks or projects"),
        ("node_id" = String, Path, description = "The node's id"),
        ("id" = String, Path, description = "The record's id at the node"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Score and findings", body = RecordQuality),
        (status = 401, description = "No valid operator or node token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "The token of another node", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such record (unknown or deleted)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn record(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    Path((node_id, id)): Path<(String, String)>,
    _: OperatorOrSteward,
) -> HttpResult<Json<RecordQuality>> {
    let found =
        record_scores::one(state.hub.store().as_ref(), kind, &node_id, &id, Date::today_utc()).await?;
    let Some(q) = found else {
        let (de, en) = lotse_http::kind::singular_label(kind);
        return Err(Problem::not_found(
            &format!("Die Bewertung von {de} „{node_id}/{id}“"),
            &format!("The score of the {en} \"{node_id}/{id}\""),
        )
        .into());
    };
    Ok(Json(q))
}
