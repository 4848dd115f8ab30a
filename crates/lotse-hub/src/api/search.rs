//! `GET /api/v1/search`: full-text, faceted and geographic search over every offer the hub
//! holds, answered from the search index.

use axum::Json;
use axum::extract::{RawQuery, State};
use lotse_http::Problem;
use lotse_http::problem::ProblemDetails;
use lotse_search::{IndexError, SearchIndex, SearchRequest, SearchResponse};

use super::{ApiError, ApiResult, AppState};

/// Reads the query string; a parameter that cannot be read is a 400 naming it.
pub(crate) fn parse(query: Option<&str>) -> Result<SearchRequest, ApiError> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    SearchRequest::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).map_err(|e| {
        ApiError(
            Problem::bad_request(
                format!("{}: {}", e.param, e.message_de),
                format!("{}: {}", e.param, e.message_en),
            )
            .with_extension("code", serde_json::Value::from(e.code))
            .with_extension("parameter", serde_json::Value::from(e.param)),
        )
    })
}

/// Runs `f` on the search index on the blocking pool: searching is CPU work on memory-mapped
/// files and must not hold up the async workers.
pub(crate) async fn on_index<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&SearchIndex) -> Result<T, IndexError> + Send + 'static,
) -> ApiResult<T> {
    let service = state.hub.search()?.clone();
    tokio::task::spawn_blocking(move || f(service.index()))
        .await
        .map_err(|e| ApiError(Problem::internal(&e)))?
        .map_err(|e| ApiError(Problem::internal(&e)))
}

/// Searches the offers.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(
        ("q" = Option<String>, Query, description = "Suchtext / search text (German analysis: stems, compound parts, umlauts, typos, prefix of the last word)"),
        ("offer_type" = Option<Vec<String>>, Query, description = "Angebotsart, wiederholbar / offer type, repeatable"),
        ("category" = Option<Vec<String>>, Query, description = "Kategorie / category"),
        ("target_group" = Option<Vec<String>>, Query, description = "Zielgruppe / target group"),
        ("language" = Option<Vec<String>>, Query, description = "Sprache des Angebots / language of delivery"),
        ("life_phase" = Option<Vec<String>>, Query, description = "Lebensphase / life phase"),
        ("feature" = Option<Vec<String>>, Query, description = "Merkmal, z. B. kinderbetreuung / feature, e.g. kinderbetreuung"),
        ("cost" = Option<Vec<String>>, Query, description = "free | fee | funded"),
        ("delivery" = Option<Vec<String>>, Query, description = "presential | online | blended | outreach"),
        ("ags" = Option<Vec<String>>, Query, description = "Gemeinde (8-stelliger AGS), über Standorte oder Einzugsgebiet / municipality (8-digit AGS), by locations or service area"),
        ("level" = Option<Vec<String>>, Query, description = "GER-Stufe, die der Kurs abdeckt / CEFR level the course covers"),
        ("open_on" = Option<Vec<String>>, Query, description = "Datum (JJJJ-MM-TT) im Zeitraum des Angebots / a date within the schedule"),
        ("near" = Option<String>, Query, description = "lat,lon"),
        ("radius_km" = Option<f64>, Query, description = "Umkreis um near in km (Standard 25) / radius around near in km (default 25)"),
        ("bbox" = Option<String>, Query, description = "minLon,minLat,maxLon,maxLat"),
        ("sort" = Option<String>, Query, description = "relevance | distance | changed"),
        ("page" = Option<u32>, Query, description = "Seite ab 1 / page from 1"),
        ("page_size" = Option<u32>, Query, description = "1–100, Standard 20 / default 20"),
        ("lang" = Option<String>, Query, description = "de | en: Sprache von Titeln und Bezeichnungen / language of titles and labels"),
        ("include_expired" = Option<bool>, Query, description = "Auch abgelaufene und eingestellte Angebote / include expired and defunct offers"),
    ),
    responses(
        (status = 200, description = "Treffer, Anzahl und Facetten / results, total and facets", body = Object),
        (status = 400, description = "Ein Parameter ist ungültig / a parameter is invalid", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn search(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<SearchResponse>> {
    let req = parse(query.as_deref())?;
    Ok(Json(on_index(&state, move |index| index.search(&req)).await?))
}
