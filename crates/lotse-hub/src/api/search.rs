//! `GET /api/v1/search`: full-text, faceted and geographic search over every offer the hub
//! holds, answered from the search index.

use axum::Json;
use axum::extract::{RawQuery, State};
use lotse_http::problem::ProblemDetails;
use lotse_search::SearchResponse;

use crate::http_error::HttpResult;
use crate::search::parse_request;
use crate::state::AppState;

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
) -> HttpResult<Json<SearchResponse>> {
    let req = parse_request(query.as_deref())?;
    Ok(Json(state.on_index(move |index| index.search(&req)).await?))
}
