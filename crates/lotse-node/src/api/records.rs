//! `/api/v1/{kind}` (`offers`, `organizations`, `networks`, `projects`): pushes (POST, PUT of
//! the complete set), one record (PUT, GET, DELETE) and the paged list, the same operations for
//! every kind. Each kind's routes are registered under its plural (so that request metrics
//! name the path, `/api/v1/networks`), and the handlers learn the kind from the route
//! (`Extension<Kind>`). Here, at the HTTP edge, the outcome of a push becomes an answer: the report with
//! its status, or a problem ([`push_answer`]).

use axum::Json;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lotse_http::Problem;
use lotse_http::body::LimitedBytes;
use lotse_http::kind::{plural_label, singular_label};
use lotse_standard::read::InputFormat;
use lotse_standard::rpde::Kind;
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
    /// `PUT` of the complete set only: allow an empty set, which deletes every record of the kind.
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
    kind: Kind,
    operation: Operation,
    mode: Mode,
    headers: &HeaderMap,
    body: LimitedBytes,
) -> Result<Response, Problem> {
    let format = parse_format(headers)?;
    push_answer(kind, push(state, &token.0, Push { kind, operation, mode, format, body: body.0 }).await)
}

/// The answer to a push: the report, with 201 for a record created by `PUT …/{id}` and 200
/// otherwise; or the problem of a push that stored nothing.
pub fn push_answer(kind: Kind, result: Result<IngestOutcome, IngestError>) -> Result<Response, Problem> {
    match result {
        Ok(IngestOutcome { report, created }) => {
            let status = if created { StatusCode::CREATED } else { StatusCode::OK };
            Ok((status, Json(report)).into_response())
        }
        Err(e) => Err(push_problem(kind, e)),
    }
}

/// 404 for a record of `kind` that is not there.
fn not_found(kind: Kind, id: &str) -> Problem {
    let (de, en) = singular_label(kind);
    Problem::not_found(&format!("{de} „{id}“"), &format!("The {en} \"{id}\""))
}

/// The problem for a push that stored nothing; the logged report goes along as `report`.
fn push_problem(kind: Kind, e: IngestError) -> Problem {
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
            let (de, en) = plural_label(kind);
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "empty-set", "Leere Gesamtliste", "Empty complete set")
                .with_detail(
                    format!("Eine leere Gesamtliste würde alle {de} löschen. Falls das gewollt ist, bitte mit ?allow_empty=true senden."),
                    format!("An empty complete set would delete every one of the {en}. If that is intended, send it with ?allow_empty=true."),
                )
        }
        IngestError::NotFound { id, .. } => not_found(kind, &id),
        e @ (IngestError::Store(_) | IngestError::Validation(_)) => Problem::internal(&e),
    }
}

/// `POST /api/v1/{kind}`
#[utoipa::path(
    post, path = "/api/v1/{kind}", tag = "records",
    params(
        ("kind" = String, Path, description = "Die Datensatzart / the record kind: offers, organizations, networks, projects"),
        PushQuery,
    ),
    request_body(description = "Ein Datensatz, ein JSON-Array, NDJSON oder CSV / one record, a JSON array, NDJSON or CSV",
        content(
            (serde_json::Value = "application/json"),
            (String = "application/x-ndjson"),
            (String = "text/csv"),
        )),
    responses(
        (status = 200, description = "Bericht / report", body = ImportReport),
        (status = 400, description = "Nicht lesbar, mit Zeile und Spalte / unreadable, with line and column", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "Kein gültiges Token / no valid token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unbekannte Datensatzart / unknown record kind", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 413, description = "Zu groß / too large", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "Format nicht unterstützt / unsupported media type", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Fehlerhafte Datensätze; nichts gespeichert (atomic) / records with errors; nothing stored (atomic)", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Zu viele Anfragen / rate limited", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn post_records(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    token: Steward,
    Query(q): Query<PushQuery>,
    headers: HeaderMap,
    body: LimitedBytes,
) -> Result<Response, Problem> {
    let mode = parse_mode(&q)?;
    run_push(&state, &token, kind, Operation::Post, mode, &headers, body).await
}

/// `PUT /api/v1/{kind}`: the complete set of the kind; records not in it are deleted.
#[utoipa::path(
    put, path = "/api/v1/{kind}", tag = "records",
    params(
        ("kind" = String, Path, description = "Die Datensatzart / the record kind: offers, organizations, networks, projects"),
        PushQuery,
    ),
    request_body(description = "Alle Datensätze dieser Art der Stelle / every record of the kind on the node",
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
pub async fn put_records(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
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
    run_push(&state, &token, kind, Operation::PutAll { allow_empty }, mode, &headers, body).await
}

/// `PUT /api/v1/{kind}/{id}`
#[utoipa::path(
    put, path = "/api/v1/{kind}/{id}", tag = "records",
    params(
        ("kind" = String, Path, description = "Die Datensatzart / the record kind: offers, organizations, networks, projects"),
        ("id" = String, Path, description = "Die ID des Datensatzes / the record's id"),
    ),
    request_body(description = "Der Datensatz; fehlt `id`, gilt die aus der Adresse / the record; without `id`, the one from the address applies",
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
pub async fn put_record(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    Path(id): Path<String>,
    token: Steward,
    headers: HeaderMap,
    body: LimitedBytes,
) -> Result<Response, Problem> {
    run_push(&state, &token, kind, Operation::PutOne(id), Mode::Atomic, &headers, body).await
}

/// `DELETE /api/v1/{kind}/{id}`
#[utoipa::path(
    delete, path = "/api/v1/{kind}/{id}", tag = "records",
    params(
        ("kind" = String, Path, description = "Die Datensatzart / the record kind: offers, organizations, networks, projects"),
        ("id" = String, Path, description = "Die ID des Datensatzes / the record's id"),
    ),
    responses(
        (status = 200, description = "Gelöscht / deleted", body = ImportReport),
        (status = 401, description = "Kein gültiges Token / no valid token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Nicht vorhanden / not found", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn delete_record(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    Path(id): Path<String>,
    token: Steward,
) -> Result<Response, Problem> {
    let request = Push {
        kind,
        operation: Operation::DeleteOne(id),
        mode: Mode::Atomic,
        format: InputFormat::Auto,
        body: Default::default(),
    };
    push_answer(kind, push(&state, &token.0, request).await)
}

/// `GET /api/v1/{kind}/{id}`: the record as stored, in the standard's JSON.
#[utoipa::path(
    get, path = "/api/v1/{kind}/{id}", tag = "records",
    params(
        ("kind" = String, Path, description = "Die Datensatzart / the record kind: offers, organizations, networks, projects"),
        ("id" = String, Path, description = "Die ID des Datensatzes / the record's id"),
    ),
    responses(
        (status = 200, description = "Der Datensatz / the record", body = Object,
         headers(
            ("X-Lotse-Standard-Version" = String, description = "Version of the standard it was validated with"),
            ("X-Lotse-Modified" = i64, description = "Its change number in the feed"),
         )),
        (status = 401, description = "Kein gültiges Token / no valid token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Nicht vorhanden / not found", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_record(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    Path(id): Path<String>,
    _token: Steward,
) -> Result<Response, Problem> {
    let offer = state
        .store
        .get(kind, &id)
        .await
        .map_err(|e| Problem::internal(&e))?
        .ok_or_else(|| not_found(kind, &id))?;
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(v) = HeaderValue::from_str(&offer.standard_version) {
        headers.insert("x-lotse-standard-version", v);
    }
    headers.insert("x-lotse-modified", HeaderValue::from(offer.modified));
    Ok((StatusCode::OK, headers, offer.data).into_response())
}

/// Paging of a kind's list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Start after this id (the `next_after` of the previous page).
    pub after: Option<String>,
    /// Page size, 1 to 1000, default 100.
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
}

/// One record of the list. The record itself is the member named by the kind's singular
/// (`offer`, `organization`, `network`, `project`); the document shows an offer's.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordEntry {
    pub id: String,
    /// Change number of its latest change.
    pub modified: i64,
    pub standard_version: String,
    /// First stored (RFC 3339).
    pub created_at: String,
    /// Last changed (RFC 3339).
    pub updated_at: String,
    /// The record, under its kind's singular.
    #[serde(flatten)]
    #[schema(value_type = RecordMember)]
    pub record: std::collections::BTreeMap<&'static str, Box<RawValue>>,
}

/// How the record appears in a [`RecordEntry`], shown for offers.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordMember {
    /// The record in the standard's JSON; `organization`, `network` or `project` for the other
    /// kinds.
    #[schema(value_type = Object)]
    pub offer: Box<RawValue>,
}

/// A page of a kind's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordList {
    pub items: Vec<RecordEntry>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after: Option<String>,
    /// Number of live records of the kind.
    pub total: i64,
}

/// `GET /api/v1/{kind}`
#[utoipa::path(
    get, path = "/api/v1/{kind}", tag = "records",
    params(
        ("kind" = String, Path, description = "Die Datensatzart / the record kind: offers, organizations, networks, projects"),
        ListQuery,
    ),
    responses(
        (status = 200, description = "Eine Seite der Datensätze, nach ID / a page of records, by id", body = RecordList),
        (status = 401, description = "Kein gültiges Token / no valid token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_records(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    _token: Steward,
    Query(q): Query<ListQuery>,
) -> Result<Json<RecordList>, Problem> {
    let limit = parse_limit(q.limit.as_deref())?;
    let rows = state.store.list(kind, q.after.as_deref(), limit).await.map_err(|e| Problem::internal(&e))?;
    let total = state.store.count(kind).await.map_err(|e| Problem::internal(&e))?;
    let next_after = (rows.len() == limit as usize).then(|| rows.last().map(|r| r.id.clone())).flatten();
    let items = rows
        .into_iter()
        .map(|r| {
            let data = RawValue::from_string(r.data).map_err(|e| Problem::internal(&e))?;
            Ok(RecordEntry {
                record: [(kind.singular(), data)].into(),
                id: r.id,
                modified: r.modified,
                standard_version: r.standard_version,
                created_at: rfc3339(r.created_at),
                updated_at: rfc3339(r.updated_at),
            })
        })
        .collect::<Result<Vec<_>, Problem>>()?;
    Ok(Json(RecordList { items, next_after, total }))
}
