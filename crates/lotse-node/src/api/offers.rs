//! `/api/v1/offers`: pushes (POST, PUT of the complete set), one offer (PUT, GET, DELETE) and
//! the paged list. Here, at the HTTP edge, the outcome of a push becomes an answer: the report
//! with its status, or a problem ([`push_answer`]).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lotse_http::Problem;
use lotse_http::body::LimitedBytes;
use lotse_standard::read::InputFormat;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};

use super::{parse_limit, rfc3339};
use crate::auth::Steward;
use crate::ingest::report::ImportReport;
use crate::ingest::validate::{ACCEPTED_TYPES, format_for_content_type};
use crate::ingest::{IngestError, IngestOutcome, Mode, Operation, Push, push};
use crate::state::AppState;

/// Options of a push.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PushQuery {
    /// `atomic` (default): nothing is stored if any record has an error. `partial`: valid
    /// records are stored, the others reported.
    #[param(value_type = Option<Mode>)]
    pub mode: Option<String>,
    /// `PUT` of the complete set only: allow an empty set, which deletes every offer.
    #[param(value_type = Option<bool>)]
    pub allow_empty: Option<String>,
}

fn parse_mode(q: &PushQuery) -> Result<Mode, Problem> {
    match q.mode.as_deref() {
        None | Some("atomic") => Ok(Mode::Atomic),
        Some("partial") => Ok(Mode::Partial),
        Some(_) => Err(Problem::bad_request(
            "mode muss „atomic“ oder „partial“ sein.",
            "mode must be \"atomic\" or \"partial\".",
        )),
    }
}

fn parse_format(headers: &HeaderMap) -> Result<InputFormat, Problem> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    format_for_content_type(ct).map_err(|got| Problem::unsupported_media_type(&got, ACCEPTED_TYPES))
}

async fn run_push(
    state: &AppState,
    token: &Steward,
    operation: Operation,
    mode: Mode,
    headers: &HeaderMap,
    body: LimitedBytes,
) -> Result<Response, Problem> {
    let format = parse_format(headers)?;
    push_answer(push(state, &token.0, Push { operation, mode, format, body: body.0 }).await)
}

/// The answer to a push: the report, with 201 for an offer created by `PUT …/{id}` and 200
/// otherwise; or the problem of a push that stored nothing.
pub fn push_answer(result: Result<IngestOutcome, IngestError>) -> Result<Response, Problem> {
    match result {
        Ok(IngestOutcome { report, created }) => {
            let status = if created { StatusCode::CREATED } else { StatusCode::OK };
            Ok((status, Json(report)).into_response())
        }
        Err(e) => Err(push_problem(e)),
    }
}

/// The problem for a push that stored nothing; the logged report goes along as `report`.
fn push_problem(e: IngestError) -> Problem {
    match e {
        IngestError::Rejected(report) => {
            let errors: Vec<Value> =
                report.findings.iter().filter_map(|f| serde_json::to_value(f).ok()).collect();
            let n = report.counts.rejected;
            Problem::unprocessable(errors)
                .with_detail(
                    format!("{n} Datensätze haben Fehler; es wurde nichts gespeichert."),
                    format!("{n} records have errors; nothing was stored."),
                )
                .with_extension("report", serde_json::to_value(&report).unwrap_or(Value::Null))
        }
        IngestError::Unparsable { error, report } => {
            let entry = serde_json::json!({
                "severity": "error",
                "code": "unparsable",
                "line": error.line,
                "column": error.column,
                "message": error.message,
            });
            Problem::bad_request(
                format!("Zeile {}, Spalte {}: {}", error.line, error.column, error.message.de),
                format!("Line {}, column {}: {}", error.line, error.column, error.message.en),
            )
            .with_errors(vec![entry])
            .with_extension("line", Value::from(error.line))
            .with_extension("column", Value::from(error.column))
            .with_extension("report", serde_json::to_value(&report).unwrap_or(Value::Null))
        }
        IngestError::EmptySet => {
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "empty-set", "Leere Gesamtliste", "Empty complete set")
                .with_detail(
                    "Eine leere Gesamtliste würde alle Angebote löschen. Falls das gewollt ist, bitte mit ?allow_empty=true senden.",
                    "An empty complete set would delete every offer. If that is intended, send it with ?allow_empty=true.",
                )
        }
        IngestError::NotFound { id, .. } => {
            Problem::not_found(&format!("Das Angebot „{id}“"), &format!("The offer \"{id}\""))
        }
        e @ (IngestError::Store(_) | IngestError::Validation(_)) => Problem::internal(&e),
    }
}

/// `POST /api/v1/offers`
#[utoipa::path(
    post, path = "/api/v1/offers", tag = "offers",
    params(PushQuery),
    request_body(description = "Ein Angebot, ein JSON-Array, NDJSON oder CSV / one offer, a JSON array, NDJSON or CSV",
        content(
            (serde_json::Value = "application/json"),
            (String = "application/x-ndjson"),
            (String = "text/csv"),
        )),
    responses(
        (status = 200, description = "Bericht / report", body = ImportReport),
        (status = 400, description = "Nicht lesbar, mit Zeile und Spalte / unreadable, with line and column", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "Kein gültiges Token / no valid token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 413, description = "Zu groß / too large", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "Format nicht unterstützt / unsupported media type", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Fehlerhafte Datensätze; nichts gespeichert (atomic) / records with errors; nothing stored (atomic)", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Zu viele Anfragen / rate limited", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn post_offers(
    State(state): State<AppState>,
    token: Steward,
    Query(q): Query<PushQuery>,
    headers: HeaderMap,
    body: LimitedBytes,
) -> Result<Response, Problem> {
    let mode = parse_mode(&q)?;
    run_push(&state, &token, Operation::Post, mode, &headers, body).await
}

/// `PUT /api/v1/offers`: the complete set; offers not in it are deleted.
#[utoipa::path(
    put, path = "/api/v1/offers", tag = "offers",
    params(PushQuery),
    request_body(description = "Alle Angebote der Stelle / every offer of the node",
        content(
            (serde_json::Value = "application/json"),
            (String = "application/x-ndjson"),
            (String = "text/csv"),
        )),
    responses(
        (status = 200, description = "Bericht / report", body = ImportReport),
        (status = 400, description = "Nicht lesbar / unreadable", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "Kein gültiges Token / no valid token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 413, description = "Zu groß / too large", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Fehlerhafte Datensätze oder leere Liste / records with errors or an empty set", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Zu viele Anfragen / rate limited", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn put_offers(
    State(state): State<AppState>,
    token: Steward,
    Query(q): Query<PushQuery>,
    headers: HeaderMap,
    body: LimitedBytes,
) -> Result<Response, Problem> {
    let mode = parse_mode(&q)?;
    let allow_empty = match q.allow_empty.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(Problem::bad_request(
                "allow_empty muss „true“ oder „false“ sein.",
                "allow_empty must be \"true\" or \"false\".",
            ));
        }
    };
    run_push(&state, &token, Operation::PutAll { allow_empty }, mode, &headers, body).await
}

/// `PUT /api/v1/offers/{id}`
#[utoipa::path(
    put, path = "/api/v1/offers/{id}", tag = "offers",
    params(("id" = String, Path, description = "Die ID des Angebots / the offer's id")),
    request_body(description = "Das Angebot; fehlt `id`, gilt die aus der Adresse / the offer; without `id`, the one from the address applies",
        content((serde_json::Value = "application/json"))),
    responses(
        (status = 200, description = "Geändert oder unverändert / updated or unchanged", body = ImportReport),
        (status = 201, description = "Angelegt / created", body = ImportReport),
        (status = 400, description = "Nicht lesbar / unreadable", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "Kein gültiges Token / no valid token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Fehlerhaft / invalid", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn put_offer(
    State(state): State<AppState>,
    token: Steward,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: LimitedBytes,
) -> Result<Response, Problem> {
    run_push(&state, &token, Operation::PutOne(id), Mode::Atomic, &headers, body).await
}

/// `DELETE /api/v1/offers/{id}`
#[utoipa::path(
    delete, path = "/api/v1/offers/{id}", tag = "offers",
    params(("id" = String, Path, description = "Die ID des Angebots / the offer's id")),
    responses(
        (status = 200, description = "Gelöscht / deleted", body = ImportReport),
        (status = 401, description = "Kein gültiges Token / no valid token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Nicht vorhanden / not found", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn delete_offer(
    State(state): State<AppState>,
    token: Steward,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let request = Push {
        operation: Operation::DeleteOne(id),
        mode: Mode::Atomic,
        format: InputFormat::Auto,
        body: Default::default(),
    };
    push_answer(push(&state, &token.0, request).await)
}

/// `GET /api/v1/offers/{id}`: the offer as stored, in the standard's JSON.
#[utoipa::path(
    get, path = "/api/v1/offers/{id}", tag = "offers",
    params(("id" = String, Path, description = "Die ID des Angebots / the offer's id")),
    responses(
        (status = 200, description = "Das Angebot / the offer", body = Object,
         headers(
            ("X-Lotse-Standard-Version" = String, description = "Version of the standard it was validated with"),
            ("X-Lotse-Modified" = i64, description = "Its change number in the feed"),
         )),
        (status = 401, description = "Kein gültiges Token / no valid token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Nicht vorhanden / not found", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_offer(
    State(state): State<AppState>,
    _token: Steward,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let offer =
        state.store.get_offer(&id).await.map_err(|e| Problem::internal(&e))?.ok_or_else(|| {
            Problem::not_found(&format!("Das Angebot „{id}“"), &format!("The offer \"{id}\""))
        })?;
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(v) = HeaderValue::from_str(&offer.standard_version) {
        headers.insert("x-lotse-standard-version", v);
    }
    headers.insert("x-lotse-modified", HeaderValue::from(offer.modified));
    Ok((StatusCode::OK, headers, offer.data).into_response())
}

/// Paging of the offer list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Start after this id (the `next_after` of the previous page).
    pub after: Option<String>,
    /// Page size, 1 to 1000, default 100.
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
}

/// One offer of the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferEntry {
    pub id: String,
    /// Change number of its latest change.
    pub modified: i64,
    pub standard_version: String,
    /// First stored (RFC 3339).
    pub created_at: String,
    /// Last changed (RFC 3339).
    pub updated_at: String,
    #[schema(value_type = Object)]
    pub offer: Box<RawValue>,
}

/// A page of the offer list.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferList {
    pub items: Vec<OfferEntry>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after: Option<String>,
    /// Number of live offers.
    pub total: i64,
}

/// `GET /api/v1/offers`
#[utoipa::path(
    get, path = "/api/v1/offers", tag = "offers",
    params(ListQuery),
    responses(
        (status = 200, description = "Eine Seite der Angebote, nach ID / a page of offers, by id", body = OfferList),
        (status = 401, description = "Kein gültiges Token / no valid token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_offers(
    State(state): State<AppState>,
    _token: Steward,
    Query(q): Query<ListQuery>,
) -> Result<Json<OfferList>, Problem> {
    let limit = parse_limit(q.limit.as_deref())?;
    let rows = state.store.list_offers(q.after.as_deref(), limit).await.map_err(|e| Problem::internal(&e))?;
    let total = state.store.count_offers().await.map_err(|e| Problem::internal(&e))?;
    let next_after = (rows.len() == limit as usize).then(|| rows.last().map(|r| r.id.clone())).flatten();
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(OfferEntry {
                offer: RawValue::from_string(r.data).map_err(|e| Problem::internal(&e))?,
                id: r.id,
                modified: r.modified,
                standard_version: r.standard_version,
                created_at: rfc3339(r.created_at),
                updated_at: rfc3339(r.updated_at),
            })
        })
        .collect::<Result<Vec<_>, Problem>>()?;
    Ok(Json(OfferList { items, next_after, total }))
}
