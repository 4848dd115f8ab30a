//! The operator's API for the quality view, as JSON and as CSV downloads.
//!
//! | path | who |
//! |---|---|
//! | `GET /api/v1/admin/quality/nodes` (`.csv`) | operator |
//! | `GET /api/v1/admin/quality/nodes/{node_id}/offers` (`.csv`) | operator, or the node's steward (its hub token) |
//! | `GET /api/v1/admin/quality/offers/{node_id}/{id}` | operator, or the node's steward |
//! | `GET /api/v1/admin/quality/trend`, `/coverage` (`.csv`), `/checks` (`?kind=`) | operator |
//! | `PUT /api/v1/admin/quality/population` (CSV `ags,population`) | operator |
//! | `POST /api/v1/admin/quality/jobs/{job}` (`rescore`, `sweep`, `snapshot`, `link_check`, `health`) | operator |
//!
//! The same for institutions, networks and projects is in [`super::record_api`].
//!
//! A steward's token opens its own node's findings only; another node's answer 403. Reading
//! endpoints also admit the session of the operator pages, so that the pages can link to the
//! CSV downloads (see `crate::auth`).

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use lotse_http::Problem;
use lotse_http::problem::ProblemDetails;
use lotse_http::query::Query;
use lotse_standard::date::Date;
use lotse_standard::rpde::Kind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::checks::{CHECKS, Group, QualityFinding};
use super::health::{self, HealthReason, HealthRules, HealthState, KindHealth, NodeHealth};
use super::record_api::{self, RecordQualityPage};
use super::record_checks::{self, Level, RecordFinding};
use super::record_scores::{KindQuality, RecordQuality};
use super::snapshot::{self, Coverage, CoverageRow, PopulationSource, TrendPoint};
use crate::auth::{Operator, OperatorOrSteward, OperatorRead};
use crate::http_error::HttpResult;
use crate::state::AppState;
use crate::store::HubStore;
use crate::store::quality::{QualityRow, SnapshotScope};

/// The routes of this module.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/quality/nodes", get(nodes))
        .route("/api/v1/admin/quality/nodes.csv", get(nodes_csv))
        .route("/api/v1/admin/quality/nodes/{node_id}/offers", get(node_offers))
        .route("/api/v1/admin/quality/nodes/{node_id}/offers.csv", get(node_offers_csv))
        .route("/api/v1/admin/quality/offers/{node_id}/{*id}", get(offer))
        .route("/api/v1/admin/quality/trend", get(trend))
        .route("/api/v1/admin/quality/coverage", get(coverage))
        .route("/api/v1/admin/quality/coverage.csv", get(coverage_csv))
        .route("/api/v1/admin/quality/checks", get(checks))
        .route("/api/v1/admin/quality/population", put(population))
        .route("/api/v1/admin/quality/jobs/{job}", post(run_job))
        .merge(record_api::router())
}

/// The OpenAPI paths of this module.
#[derive(OpenApi)]
#[openapi(
    paths(
        nodes, nodes_csv, node_offers, node_offers_csv, offer,
        record_api::node_records, record_api::node_records_csv, record_api::record,
        trend, coverage, coverage_csv, checks, population, run_job
    ),
    components(schemas(
        HealthState, HealthReason, Group, PopulationSource, CoverageRow, KindHealth, KindQuality, Level,
        RecordFinding, RecordQuality, RecordQualityPage
    )),
    tags((name = "quality", description = "Betrieb: Datenqualität, Knotenzustand, Abdeckung / operation: data quality, node health, coverage"))
)]
pub(crate) struct QualityDoc;

/// One offer's score and findings.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferQuality {
    pub node_id: String,
    pub id: String,
    /// 0 to 100.
    pub score: i64,
    /// The checks the offer failed, with the points each cost.
    pub findings: Vec<QualityFinding>,
    /// Warnings of the hub's validator.
    pub warnings: i64,
    /// Past `valid_until` or the schedule's end, or defunct: hidden from search by default.
    pub expired: bool,
    /// `verified_at` missing or more than a year ago.
    pub unverified: bool,
    pub offer_type: String,
    pub life_phases: Vec<String>,
    /// AGS of the municipalities the offer is in.
    pub municipalities: Vec<String>,
    /// When the score was computed (Unix seconds).
    pub computed_at: i64,
}

fn split(s: &str, sep: char) -> Vec<String> {
    s.split(sep).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

impl From<QualityRow> for OfferQuality {
    fn from(r: QualityRow) -> Self {
        OfferQuality {
            findings: serde_json::from_str(&r.findings).unwrap_or_default(),
            life_phases: split(&r.life_phases, ','),
            municipalities: split(&r.ags, ','),
            node_id: r.node_id,
            id: r.id,
            score: r.score,
            warnings: r.warnings,
            expired: r.expired,
            unverified: r.unverified,
            offer_type: r.offer_type,
            computed_at: r.computed_at,
        }
    }
}

/// A page of one node's scores.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferQualityPage {
    pub items: Vec<OfferQuality>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_after: Option<String>,
}

/// Paging of a node's scores.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next_after` of the previous page (an offer id).
    pub after: Option<String>,
    /// Entries per page, 1 to 1000 (default 100).
    pub limit: Option<u32>,
}

pub(super) fn csv_response(name: &str, body: String) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// Every node with its health state, the reasons for it and its figures, offers' and the
/// other kinds' (`kinds`: per institution, network and project the live records, the feed's
/// state and checkpoint, the references that name nothing, and the records' scores).
///
/// How far the hub is behind a node comes from the node's ping: `{"modified": N}` reports its
/// newest change number (`reported_head`), since the RPDE feed has no field for it.
/// `behind_changes` is `max(0, reported_head − checkpoint_modified)`; `behind_seconds` counts
/// from the first ping that reported a head beyond the checkpoint (`behind_since`) and is 0
/// once a stored page reaches the head, or once a harvest that began after the last report
/// reached the end of the feed. A node that pings without a body is never behind by these
/// figures; `lag_seconds` (since the last successful harvest) still covers it. The rules
/// `behind` (warn) and `behind_too_long` (error) hold after `health.warn_behind_secs` (900)
/// and `health.error_behind_secs` (3600) seconds behind.
#[utoipa::path(
    get,
    path = "/api/v1/admin/quality/nodes",
    tag = "quality",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The nodes, ordered by id", body = Vec<NodeHealth>),
        (status = 401, description = "No valid operator token", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn nodes(
    State(state): State<AppState>,
    _: OperatorRead,
) -> HttpResult<Json<Vec<NodeHealth>>> {
    Ok(Json(all_health(&state).await?))
}

/// Every node's health by the configured rules, with the other kinds' scores.
async fn all_health(state: &AppState) -> Result<Vec<NodeHealth>, crate::HubError> {
    let hub = &state.hub;
    health::all_with_scores(hub.store().as_ref(), &HealthRules::from_config(hub.config()), Date::today_utc())
        .await
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The nodes' health as CSV.
#[utoipa::path(
    get,
    path = "/api/v1/admin/quality/nodes.csv",
    tag = "quality",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One row per node", content_type = "text/csv"),
        (status = 401, description = "No valid operator token", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn nodes_csv(State(state): State<AppState>, _: OperatorRead) -> HttpResult<Response> {
    let nodes = all_health(&state).await?;
    let body = super::csv::document(
        &[
            "node_id",
            "name",
            "state",
            "reasons",
            "last_success_at",
            "lag_seconds",
            "behind_changes",
            "behind_seconds",
            "last_success_duration_ms",
            "consecutive_failures",
            "last_error",
            "standard_version",
            "offers",
            "quarantined",
            "warnings_share",
            "mean_score",
            "expired",
            "unverified",
            "dangling_references",
            "organizations",
            "organizations_mean_score",
            "networks",
            "networks_mean_score",
            "projects",
            "projects_mean_score",
        ],
        nodes.into_iter().map(|n| {
            let mut kinds: Vec<String> = Vec::new();
            for k in &n.kinds {
                kinds.push(k.records.to_string());
                kinds.push(opt(k.quality.and_then(|q| q.mean_score).map(|m| format!("{m:.1}"))));
            }
            let mut row = vec![
                n.node_id,
                n.name,
                n.state.as_str().to_owned(),
                n.reasons.iter().map(|r| r.code).collect::<Vec<_>>().join(" "),
                opt(n.last_success_at.map(crate::rfc3339)),
                n.lag_seconds.to_string(),
                n.behind_changes.to_string(),
                n.behind_seconds.to_string(),
                opt(n.last_success_duration_ms),
                n.consecutive_failures.to_string(),
                opt(n.last_error),
                opt(n.standard_version),
                n.offers.to_string(),
                n.quarantined.to_string(),
                format!("{:.3}", n.warnings_share),
                opt(n.mean_score.map(|m| format!("{m:.1}"))),
                n.expired.to_string(),
                n.unverified.to_string(),
                n.dangling_references.to_string(),
            ];
            row.extend(kinds);
            row
        }),
    );
    Ok(csv_response("lotse-knoten.csv", body))
}

/// A page of one node's offers with their scores and findings, by id.
pub async fn node_page(
    store: &dyn HubStore,
    node_id: &str,
    after: Option<&str>,
    limit: Option<u32>,
) -> Result<OfferQualityPage, crate::HubError> {
    let limit = limit.unwrap_or(100).clamp(1, 1000);
    let rows = store.list_quality(Some(node_id), after.map(|a| (node_id, a)), limit).await?;
    let next_after = if rows.len() == limit as usize { rows.last().map(|r| r.id.clone()) } else { None };
    Ok(OfferQualityPage { items: rows.into_iter().map(OfferQuality::from).collect(), next_after })
}

/// One node's offers with their scores and findings.
#[utoipa::path(
    get,
    path = "/api/v1/admin/quality/nodes/{node_id}/offers",
    tag = "quality",
    params(("node_id" = String, Path, description = "The node's id"), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of scores, ordered by offer id", body = OfferQualityPage),
        (status = 401, description = "No valid operator or node token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "The token of another node", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn node_offers(
    State(state): State<AppState>,
    Path(node_id): Path<String>,
    Query(q): Query<PageQuery>,
    _: OperatorOrSteward,
) -> HttpResult<Json<OfferQualityPage>> {
    Ok(Json(node_page(state.hub.store().as_ref(), &node_id, q.after.as_deref(), q.limit).await?))
}

/// One node's offers with their scores and findings as CSV (one row per finding; offers
/// without findings have one row with empty finding columns).
#[utoipa::path(
    get,
    path = "/api/v1/admin/quality/nodes/{node_id}/offers.csv",
    tag = "quality",
    params(("node_id" = String, Path, description = "The node's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every offer of the node", content_type = "text/csv"),
        (status = 401, description = "No valid operator or node token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "The token of another node", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn node_offers_csv(
    State(state): State<AppState>,
    Path(node_id): Path<String>,
    _: OperatorOrSteward,
) -> HttpResult<Response> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = state
            .hub
            .store()
            .list_quality(Some(&node_id), after.as_deref().map(|a| (node_id.as_str(), a)), 1000)
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id.clone());
        for r in page {
            let q = OfferQuality::from(r);
            let base = [
                q.id.clone(),
                q.score.to_string(),
                q.expired.to_string(),
                q.unverified.to_string(),
                q.offer_type.clone(),
            ];
            if q.findings.is_empty() {
                rows.push(base.iter().cloned().chain(std::iter::repeat_n(String::new(), 5)).collect());
            }
            for f in &q.findings {
                rows.push(
                    base.iter()
                        .cloned()
                        .chain([
                            f.code.clone(),
                            f.lost.to_string(),
                            f.pointer.clone(),
                            f.fix.de.clone(),
                            f.fix.en.clone(),
                        ])
                        .collect(),
                );
            }
        }
    }
    let body = super::csv::document(
        &[
            "id",
            "score",
            "expired",
            "unverified",
            "offer_type",
            "check",
            "lost",
            "pointer",
            "fix_de",
            "fix_en",
        ],
        rows,
    );
    Ok(csv_response(&format!("lotse-{node_id}-qualitaet.csv"), body))
}

/// One offer's score and findings.
#[utoipa::path(
    get,
    path = "/api/v1/admin/quality/offers/{node_id}/{id}",
    tag = "quality",
    params(
        ("node_id" = String, Path, description = "The node's id"),
        ("id" = String, Path, description = "The offer's id at the node"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Score and findings", body = OfferQuality),
        (status = 401, description = "No valid operator or node token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "The token of another node", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No score for this offer (unknown, deleted or not scored yet)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn offer(
    State(state): State<AppState>,
    Path((node_id, id)): Path<(String, String)>,
    _: OperatorOrSteward,
) -> HttpResult<Json<OfferQuality>> {
    let row = state.hub.store().get_quality(&node_id, &id).await?.ok_or_else(|| {
        Problem::not_found(
            &format!("Die Bewertung von „{node_id}/{id}“"),
            &format!("The score of \"{node_id}/{id}\""),
        )
    })?;
    Ok(Json(OfferQuality::from(row)))
}

/// Which trend.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendQuery {
    /// `node` (default) or `municipality`.
    pub scope: Option<SnapshotScope>,
    /// A node id or an AGS; without it, the whole region.
    pub key: Option<String>,
    /// Days up to today, 1 to 3660 (default 90).
    pub days: Option<u32>,
}

/// The daily figures of the last days, of one node, one municipality or the region.
#[utoipa::path(
    get,
    path = "/api/v1/admin/quality/trend",
    tag = "quality",
    params(TrendQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One point per day with a snapshot", body = Vec<TrendPoint>),
        (status = 401, description = "No valid operator token", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn trend(
    State(state): State<AppState>,
    Query(q): Query<TrendQuery>,
    _: OperatorRead,
) -> HttpResult<Json<Vec<TrendPoint>>> {
    let days = q.days.unwrap_or(90).clamp(1, 3660);
    let scope = q.scope.unwrap_or(SnapshotScope::Node);
    Ok(Json(
        snapshot::trend(state.hub.store().as_ref(), scope, q.key.as_deref(), days, Date::today_utc()).await?,
    ))
}

/// Which offers the coverage counts.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// Count only offers of this type (`selected`).
    pub offer_type: Option<String>,
}

fn check_offer_type(t: Option<&str>) -> HttpResult<()> {
    match t {
        Some(t) if !lotse_standard::vocab::vocabularies().offer_types.contains(t) => {
            Err(Problem::bad_request(
                format!("Unbekannte Angebotsart „{t}“."),
                format!("Unknown offer type \"{t}\"."),
            )
            .with_extension("field", serde_json::Value::from("offer_type"))
            .into())
        }
        _ => Ok(()),
    }
}

/// Offers per municipality by offer type and life phase, per 10,000 inhabitants where the
/// population is known.
#[utoipa::path(
    get,
    path = "/api/v1/admin/quality/coverage",
    tag = "quality",
    params(CoverageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One row per municipality of the region", body = Coverage),
        (status = 400, description = "Unknown offer type", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator token", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn coverage(
    State(state): State<AppState>,
    Query(q): Query<CoverageQuery>,
    _: OperatorRead,
) -> HttpResult<Json<Coverage>> {
    check_offer_type(q.offer_type.as_deref())?;
    Ok(Json(snapshot::coverage(state.hub.store().as_ref(), q.offer_type.as_deref()).await?))
}

/// The coverage as CSV: one row per municipality, a column per offer type and life phase.
#[utoipa::path(
    get,
    path = "/api/v1/admin/quality/coverage.csv",
    tag = "quality",
    params(CoverageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One row per municipality", content_type = "text/csv"),
        (status = 401, description = "No valid operator token", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn coverage_csv(
    State(state): State<AppState>,
    Query(q): Query<CoverageQuery>,
    _: OperatorRead,
) -> HttpResult<Response> {
    check_offer_type(q.offer_type.as_deref())?;
    let c = snapshot::coverage(state.hub.store().as_ref(), q.offer_type.as_deref()).await?;
    let vocab = lotse_standard::vocab::vocabularies();
    let types: Vec<&str> = vocab.offer_types.codes().collect();
    let phases: Vec<&str> = vocab.life_phases.codes().collect();
    let mut header: Vec<String> =
        ["ags", "name", "population", "offers", "offers_per_10k", "selected", "selected_per_10k"]
            .map(String::from)
            .into();
    header.extend(types.iter().map(|t| format!("type:{t}")));
    header.extend(phases.iter().map(|p| format!("phase:{p}")));
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows = c.rows.iter().map(|r| {
        let mut v = vec![
            r.ags.clone(),
            r.name.clone(),
            opt(r.population),
            r.offers.to_string(),
            opt(r.offers_per_10k.map(|x| format!("{x:.2}"))),
            r.selected.to_string(),
            opt(r.selected_per_10k.map(|x| format!("{x:.2}"))),
        ];
        v.extend(types.iter().map(|t| r.by_type.get(*t).copied().unwrap_or(0).to_string()));
        v.extend(phases.iter().map(|p| r.by_phase.get(*p).copied().unwrap_or(0).to_string()));
        v
    });
    Ok(csv_response("lotse-abdeckung.csv", super::csv::document(&header_refs, rows)))
}

/// A documented check.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckView {
    pub code: &'static str,
    pub group: Group,
    pub weight: u32,
    pub de: &'static str,
    pub en: &'static str,
    pub fix_de: &'static str,
    pub fix_en: &'static str,
    /// How urgent a finding is; only the other kinds' checks have a level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
}

impl CheckView {
    fn of(c: &super::checks::Check, level: Option<Level>) -> CheckView {
        CheckView {
            code: c.code,
            group: c.group,
            weight: c.weight,
            de: c.de,
            en: c.en,
            fix_de: c.fix_de,
            fix_en: c.fix_en,
            level,
        }
    }
}

/// Whose checks.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChecksQuery {
    /// `offers` (default), `organizations`, `networks` or `projects`.
    pub kind: Option<String>,
}

/// Every quality check of a kind with its weight and how a steward fixes it.
#[utoipa::path(
    get,
    path = "/api/v1/admin/quality/checks",
    tag = "quality",
    params(ChecksQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The checks of the kind; their weights add up to 100", body = Vec<CheckView>),
        (status = 400, description = "Unknown kind", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn checks(Query(q): Query<ChecksQuery>) -> HttpResult<Json<Vec<CheckView>>> {
    let kind = match q.kind.as_deref() {
        None => Kind::Offer,
        Some(k) => Kind::from_plural(k).ok_or_else(|| {
            Problem::bad_request(
                "kind muss offers, organizations, networks oder projects sein.",
                "kind must be offers, organizations, networks or projects.",
            )
            .with_extension("field", serde_json::Value::from("kind"))
        })?,
    };
    Ok(Json(match kind {
        Kind::Offer => CHECKS.iter().map(|c| CheckView::of(c, None)).collect(),
        kind => record_checks::checks_of(kind).map(|c| CheckView::of(&c.check, Some(c.level))).collect(),
    }))
}

/// The answer to a population upload.
#[derive(Debug, Serialize, ToSchema)]
pub struct PopulationStored {
    /// Municipalities with a figure now.
    pub stored: usize,
}

/// Replaces the operator's population figures with a CSV of `ags,population` lines (a header
/// line is allowed). The whole file is refused at its first bad line.
#[utoipa::path(
    put,
    path = "/api/v1/admin/quality/population",
    tag = "quality",
    request_body(content = String, content_type = "text/csv", description = "ags,population"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Stored", body = PopulationStored),
        (status = 400, description = "A bad line; nothing was stored", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator token", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn population(
    State(state): State<AppState>,
    _: Operator,
    body: String,
) -> HttpResult<Json<PopulationStored>> {
    let stored = store_population(state.hub.store().as_ref(), &body).await?;
    Ok(Json(PopulationStored { stored }))
}

/// Parses and stores a population CSV; a bad line is a 400 problem naming it.
async fn store_population(store: &dyn HubStore, body: &str) -> HttpResult<usize> {
    let figures = super::csv::parse_population(body).map_err(|e| {
        Problem::bad_request(format!("Zeile {}: {}", e.line, e.de), format!("Line {}: {}", e.line, e.en))
            .with_extension("line", serde_json::Value::from(e.line))
    })?;
    store.replace_population(&figures, crate::unix_now()).await?;
    Ok(figures.len())
}

/// Runs one of the operator's jobs now and answers with its report.
#[utoipa::path(
    post,
    path = "/api/v1/admin/quality/jobs/{job}",
    tag = "quality",
    params(("job" = String, Path, description = "`rescore`, `sweep`, `snapshot`, `link_check` or `health`")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The job's report", body = Object),
        (status = 401, description = "No valid operator token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such job", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn run_job(
    State(state): State<AppState>,
    Path(job): Path<String>,
    _: Operator,
) -> HttpResult<Json<serde_json::Value>> {
    let hub = &state.hub;
    let today = Date::today_utc();
    let json = |v: Result<serde_json::Value, serde_json::Error>| v.unwrap_or(serde_json::Value::Null);
    let report = match job.as_str() {
        "rescore" => json(serde_json::to_value(super::score::rescore_all(hub, today).await?)),
        "sweep" => json(serde_json::to_value(super::sweep::run_once(hub, today).await?)),
        "snapshot" => json(serde_json::to_value(super::snapshot::run_once(hub, today).await?)),
        "link_check" => json(serde_json::to_value(super::links::run_once(hub, today).await?)),
        "health" => json(serde_json::to_value(super::health::run_once(hub).await?)),
        _ => {
            return Err(
                Problem::not_found(&format!("Der Auftrag „{job}“"), &format!("The job \"{job}\"")).into()
            );
        }
    };
    Ok(Json(report))
}
