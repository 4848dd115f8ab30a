//! `/api/v1/imports`: the import log, who pushed what and when, with the report.

use axum::Json;
use axum::extract::{Path, Query, State};
use lotse_http::Problem;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};

use super::{parse_limit, rfc3339};
use crate::auth::Steward;
use crate::ingest::report::ImportReport;
use crate::state::AppState;
use crate::store::{ImportCounts, ImportRecord};

/// One entry of the import log.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportEntry {
    pub id: i64,
    /// The name of the token that pushed.
    pub token_name: String,
    /// When (RFC 3339).
    pub received_at: String,
    /// `post`, `put_all`, `put_one` or `delete_one`.
    pub operation: String,
    /// `atomic` or `partial`.
    pub mode: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The HTTP status of the answer.
    pub status: u16,
    /// Whether anything was stored.
    pub committed: bool,
    pub counts: ImportCounts,
    /// The full report (single entries only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<ImportReport>)]
    pub report: Option<Box<RawValue>>,
}

impl ImportEntry {
    fn from_record(r: ImportRecord) -> Result<Self, Problem> {
        Ok(Self {
            id: r.id,
            token_name: r.token_name,
            received_at: rfc3339(r.received_at),
            operation: r.operation,
            mode: r.mode,
            format: r.format,
            status: r.status,
            committed: r.committed,
            counts: r.counts,
            report: r.report.map(RawValue::from_string).transpose().map_err(|e| Problem::internal(&e))?,
        })
    }
}

/// A page of the import log, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportList {
    pub items: Vec<ImportEntry>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_before: Option<i64>,
}

/// Paging of the import log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Entries older than this id.
    #[param(value_type = Option<i64>)]
    pub before: Option<String>,
    /// Page size, 1 to 1000, default 100.
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
}

/// `GET /api/v1/imports`
#[utoipa::path(
    get, path = "/api/v1/imports", tag = "imports",
    params(ImportQuery),
    responses(
        (status = 200, description = "Importprotokoll, neueste zuerst / import log, newest first", body = ImportList),
        (status = 401, description = "Kein gültiges Token / no valid token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_imports(
    State(state): State<AppState>,
    _token: Steward,
    Query(q): Query<ImportQuery>,
) -> Result<Json<ImportList>, Problem> {
    let limit = parse_limit(q.limit.as_deref())?;
    let before = match q.before.as_deref() {
        None => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| {
            Problem::bad_request("before muss eine ganze Zahl sein.", "before must be an integer.")
        })?),
    };
    let rows = state.store.list_imports(before, limit).await.map_err(|e| Problem::internal(&e))?;
    let next_before = (rows.len() == limit as usize).then(|| rows.last().map(|r| r.id)).flatten();
    let items = rows.into_iter().map(ImportEntry::from_record).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(ImportList { items, next_before }))
}

/// `GET /api/v1/imports/{id}`
#[utoipa::path(
    get, path = "/api/v1/imports/{id}", tag = "imports",
    params(("id" = i64, Path, description = "Die Nummer des Eintrags / the entry's number")),
    responses(
        (status = 200, description = "Ein Eintrag mit Bericht / one entry with its report", body = ImportEntry),
        (status = 401, description = "Kein gültiges Token / no valid token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Nicht vorhanden / not found", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_import(
    State(state): State<AppState>,
    _token: Steward,
    Path(id): Path<i64>,
) -> Result<Json<ImportEntry>, Problem> {
    let record = state
        .store
        .get_import(id)
        .await
        .map_err(|e| Problem::internal(&e))?
        .ok_or_else(|| Problem::not_found(&format!("Der Import {id}"), &format!("Import {id}")))?;
    Ok(Json(ImportEntry::from_record(record)?))
}
