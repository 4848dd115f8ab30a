//! `GET /api/v1/search`: full-text, faceted and geographic search over every offer the hub
//! holds, answered from the search index; with `kind=organizations|networks|projects`, over
//! the institutions, networks or projects instead (standard 1.1), from their in-memory index.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use lotse_geo::LatLon;
use lotse_http::Problem;
use lotse_http::problem::ProblemDetails;
use lotse_search::records::{RecordFacet, RecordQuery};
use lotse_standard::rpde::Kind;

use crate::http_error::HttpResult;
use crate::search::parse_request;
use crate::state::AppState;

/// Reads a search of institutions, networks or projects from the query's pairs (without
/// `kind`); every parameter it does not know is refused, naming it.
pub(crate) fn parse_record_query(pairs: &[(String, String)]) -> Result<RecordQuery, Problem> {
    let bad = |name: &str, de: &str, en: &str| {
        Problem::bad_request(format!("Parameter {name}: {de}"), format!("Parameter {name}: {en}"))
    };
    let mut q = RecordQuery { page: 1, page_size: 20, lang: "de".into(), ..RecordQuery::default() };
    let mut near: Option<LatLon> = None;
    let mut radius_km = 25.0;
    let mut filters: HashMap<RecordFacet, Vec<String>> = HashMap::new();
    for (k, v) in pairs {
        let v = v.trim();
        match k.as_str() {
            "q" => q.q = Some(v.chars().take(200).collect()),
            "page" => {
                q.page = v
                    .parse()
                    .ok()
                    .filter(|p| (1..=1000).contains(p))
                    .ok_or_else(|| bad("page", "1 bis 1000.", "1 to 1000."))?
            }
            "page_size" => {
                q.page_size = v
                    .parse()
                    .ok()
                    .filter(|p| (1..=100).contains(p))
                    .ok_or_else(|| bad("page_size", "1 bis 100.", "1 to 100."))?
            }
            "lang" => q.lang = if v == "en" { "en".into() } else { "de".into() },
            "near" => {
                let (lat, lon) =
                    v.split_once(',').ok_or_else(|| bad("near", "lat,lon erwartet.", "lat,lon expected."))?;
                let (lat, lon) = (lat.trim().parse::<f64>(), lon.trim().parse::<f64>());
                match (lat, lon) {
                    (Ok(lat), Ok(lon))
                        if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
                    {
                        near = Some(LatLon::new(lat, lon))
                    }
                    _ => return Err(bad("near", "lat,lon erwartet.", "lat,lon expected.")),
                }
            }
            "radius_km" => {
                radius_km = v.parse::<f64>().ok().filter(|r| *r > 0.0 && *r <= 500.0).ok_or_else(|| {
                    bad("radius_km", "größer 0 und höchstens 500.", "above 0 and at most 500.")
                })?
            }
            name => match RecordFacet::ALL.into_iter().find(|f| f.param() == name) {
                Some(facet) if !v.is_empty() => {
                    let values = filters.entry(facet).or_default();
                    if values.len() >= 50 {
                        return Err(bad(name, "höchstens 50 Werte.", "at most 50 values."));
                    }
                    values.push(v.chars().take(100).collect());
                }
                Some(_) => {}
                None => return Err(bad(name, "unbekannt.", "unknown.")),
            },
        }
    }
    q.filters = filters;
    q.near = near.map(|p| (p, radius_km * 1000.0));
    Ok(q)
}

/// Searches the offers, or the institutions, networks or projects.
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
        ("kind" = Option<String>, Query, description = "offers (Standard) | organizations | networks | projects; die anderen Arten kennen q, near, radius_km, ags, life_phase, target_group, language, organization_kind, school_type, status, page, page_size, lang / the other kinds take q, near, radius_km, ags, life_phase, target_group, language, organization_kind, school_type, status, page, page_size, lang"),
    ),
    responses(
        (status = 200, description = "Treffer, Anzahl und Facetten / results, total and facets", body = Object),
        (status = 400, description = "Ein Parameter ist ungültig / a parameter is invalid", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn search(State(state): State<AppState>, RawQuery(query): RawQuery) -> HttpResult<Response> {
    let (kind, rest) = super::record_export::split_kind(query.as_deref())?;
    if kind == Kind::Offer {
        let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&rest).finish();
        let req = parse_request(Some(&query))?;
        return Ok(Json(state.on_index(move |index| index.search(&req)).await?).into_response());
    }
    let q = parse_record_query(&rest)?;
    let answer = state.hub.search()?.with_records(|index| index.search(kind, &q));
    Ok(Json(answer).into_response())
}
