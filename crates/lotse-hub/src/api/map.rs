//! The map and export API: clusters for a map window, municipality outlines with offer
//! counts, suggestions while typing, and every result of a search as GeoJSON, CSV or NDJSON,
//! streamed. All take the search's filters (see [`crate::search::parse_request`]). The CSV and
//! NDJSON exports of institutions, networks and projects (`kind=…`) and their GeoJSON are
//! [`super::record_export`].

use axum::Json;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use lotse_http::Problem;
use lotse_http::problem::ProblemDetails;
use lotse_search::{Clusters, ExportItem, SearchRequest, Suggestion};
use lotse_standard::rpde::Kind;
use serde::Deserialize;
use serde_json::{Value, json};

use super::record_export;
use super::search::parse_record_query;
use crate::http_error::HttpResult;
use crate::search::parse_request;
use crate::state::AppState;

/// Offers per batch read from the index while streaming an export.
const EXPORT_BATCH: usize = 500;

/// Splits `name=value` off a query string, returning the value and the rest.
fn take_param(query: Option<&str>, name: &str) -> (Option<String>, String) {
    let mut value = None;
    let rest: Vec<(String, String)> = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .filter(|(k, v)| {
            if k == name {
                value = Some(v.clone());
                false
            } else {
                true
            }
        })
        .collect();
    let rest = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(rest).finish();
    (value, rest)
}

/// Clusters of the offers in a map window.
#[utoipa::path(
    get,
    path = "/api/v1/clusters",
    tag = "search",
    params(
        ("bbox" = String, Query, description = "minLon,minLat,maxLon,maxLat (Pflicht / required)"),
        ("zoom" = u8, Query, description = "Zoomstufe 0–22; ab 15 einzelne Angebote / zoom level 0–22; single offers from 15"),
    ),
    responses(
        (status = 200, description = "Cluster mit Anzahl, einzelne Angebote mit ID und Titel / clusters with counts, single offers with id and title", body = Object),
        (status = 400, description = "Ungültiger Parameter / invalid parameter", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn clusters(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> HttpResult<Json<Clusters>> {
    let (zoom, rest) = take_param(query.as_deref(), "zoom");
    let zoom = match zoom.map(|z| z.parse::<u8>()) {
        Some(Ok(z)) if z <= 22 => z,
        _ => {
            return Err(Problem::bad_request(
                "zoom: Zahl von 0 bis 22 erwartet.",
                "zoom: expected a number from 0 to 22.",
            )
            .with_extension("parameter", Value::from("zoom"))
            .into());
        }
    };
    let req = parse_request(Some(&rest))?;
    if req.bbox.is_none() {
        return Err(Problem::bad_request(
            "bbox: Kartenausschnitt fehlt.",
            "bbox: the map window is missing.",
        )
        .with_extension("parameter", Value::from("bbox"))
        .into());
    }
    Ok(Json(state.on_index(move |index| index.clusters(&req, zoom)).await?))
}

/// The municipalities of the region with their outlines and the number of offers under the
/// current filters.
#[utoipa::path(
    get,
    path = "/api/v1/municipalities.geojson",
    tag = "search",
    responses(
        (status = 200, description = "GeoJSON FeatureCollection (RFC 7946)", body = Object, content_type = "application/geo+json"),
        (status = 400, description = "Ungültiger Parameter / invalid parameter", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn municipalities(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> HttpResult<Response> {
    let mut req = parse_request(query.as_deref())?;
    req.page_size = 1;
    let answer = state.on_index(move |index| index.search(&req)).await?;
    let counts: std::collections::HashMap<&str, u64> =
        answer.facets.get("ags").into_iter().flatten().map(|v| (v.value.as_str(), v.count)).collect();
    let region = lotse_geo::ruhr();
    let features: Vec<Value> = region
        .municipalities
        .iter()
        .map(|m| {
            let polygons: Vec<&Vec<Vec<[f64; 2]>>> = m.polygons.iter().map(|p| &p.rings).collect();
            json!({
                "type": "Feature",
                "id": m.ags,
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
                "properties": {
                    "ags": m.ags,
                    "name": m.name,
                    "offers": counts.get(m.ags.as_str()).copied().unwrap_or(0),
                    "population": region.population(&m.ags),
                },
            })
        })
        .collect();
    let body = json!({"type": "FeatureCollection", "features": features});
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], Json(body)).into_response())
}

#[derive(Deserialize)]
pub(crate) struct SuggestParams {
    q: String,
    #[serde(default)]
    lang: Option<String>,
}

/// Suggestions while typing: offer types, categories, municipalities, titles and providers.
#[utoipa::path(
    get,
    path = "/api/v1/suggest",
    tag = "search",
    params(("q" = String, Query, description = "Das Getippte / what was typed"), ("lang" = Option<String>, Query, description = "de | en")),
    responses((status = 200, description = "Vorschläge / suggestions", body = Object))
)]
pub(crate) async fn suggest(
    State(state): State<AppState>,
    axum::extract::Query(params): axum::extract::Query<SuggestParams>,
) -> HttpResult<Json<Vec<Suggestion>>> {
    let lang = if params.lang.as_deref() == Some("en") { "en" } else { "de" };
    if params.q.chars().count() > 200 {
        return Err(Problem::bad_request("q: zu lang.", "q: too long.").into());
    }
    Ok(Json(state.on_index(move |index| index.suggest(&params.q, lang, 10)).await?))
}

/// The formats of an export.
#[derive(Clone, Copy)]
pub(super) enum Format {
    GeoJson,
    Csv,
    Ndjson,
}

/// An offer as exported: its id made unique across nodes (`{node_id}:{id}`, still a valid id
/// of the standard, so a node can import the file).
fn exported_offer(item: &ExportItem) -> lotse_standard::Offer {
    let mut offer = item.offer.clone();
    offer.id = item.hub_id.replacen('/', ":", 1);
    offer
}

fn feature(item: &ExportItem) -> Value {
    let points: Vec<[f64; 2]> = item.points.iter().map(|p| [p.lon, p.lat]).collect();
    let geometry = match points.len() {
        0 => Value::Null,
        1 => json!({"type": "Point", "coordinates": points[0]}),
        _ => json!({"type": "MultiPoint", "coordinates": points}),
    };
    let o = &item.offer;
    json!({
        "type": "Feature",
        "id": item.hub_id,
        "geometry": geometry,
        "properties": {
            "id": item.hub_id,
            "title": o.title.get("de"),
            "offer_type": o.offer_type,
            "provider": o.provider.name,
            "ags": item.points.first().map(|p| p.ags.clone()).or_else(|| o.service_area.first().cloned()),
            "sheet": format!("/angebote/{}", item.hub_id),
        },
    })
}

/// Streams every result of `req` in `format` (paging does not apply: everything is exported),
/// produced batch by batch on the blocking pool.
fn stream_export(state: &AppState, req: SearchRequest, format: Format) -> HttpResult<Response> {
    let service = state.hub.search()?.clone();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        let send = |chunk: Result<Vec<u8>, std::io::Error>| tx.blocking_send(chunk).is_ok();
        let mut export = match service.index().export(&req) {
            Ok(e) => e,
            Err(e) => {
                tracing::error!(error = %e, "export could not start");
                send(Err(std::io::Error::other("export failed")));
                return;
            }
        };
        let mut first = true;
        if matches!(format, Format::GeoJson)
            && !send(Ok(br#"{"type":"FeatureCollection","features":["#.to_vec()))
        {
            return;
        }
        loop {
            let batch = match export.next_batch(EXPORT_BATCH) {
                Ok(b) => b,
                Err(e) => {
                    tracing::error!(error = %e, "export stopped");
                    send(Err(std::io::Error::other("export failed")));
                    return;
                }
            };
            if batch.is_empty() {
                break;
            }
            let mut out = Vec::with_capacity(batch.len() * 1500);
            match format {
                Format::GeoJson => {
                    for item in &batch {
                        if !first {
                            out.push(b',');
                        }
                        first = false;
                        out.extend(serde_json::to_vec(&feature(item)).unwrap_or_default());
                    }
                }
                Format::Ndjson => {
                    for item in &batch {
                        out.extend(serde_json::to_vec(&exported_offer(item)).unwrap_or_default());
                        out.push(b'\n');
                    }
                }
                Format::Csv => {
                    // The writer puts a BOM and the header first; later batches continue the
                    // same table without them.
                    let mut writer = lotse_standard::csv::CsvWriter::new(Vec::new());
                    for item in &batch {
                        if writer.write(&exported_offer(item)).is_err() {
                            return;
                        }
                    }
                    let bytes = writer.finish().unwrap_or_default();
                    out = if first { bytes } else { strip_bom_and_header(&bytes).to_vec() };
                    first = false;
                }
            }
            if !send(Ok(out)) {
                return;
            }
        }
        match format {
            Format::GeoJson => {
                send(Ok(b"]}\n".to_vec()));
            }
            Format::Csv if first => {
                // No results: still a table with its header.
                let writer = lotse_standard::csv::CsvWriter::new(Vec::new());
                let mut header = writer.finish().unwrap_or_default();
                if header.len() <= 3 {
                    header.extend(lotse_standard::csv::CsvWriter::<Vec<u8>>::header().join(";").into_bytes());
                    header.extend(b"\r\n");
                }
                send(Ok(header));
            }
            _ => {}
        }
    });
    let stream =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|chunk| (chunk, rx)) });
    let (content_type, file) = match format {
        Format::GeoJson => ("application/geo+json", "angebote.geojson"),
        Format::Csv => ("text/csv; charset=utf-8", "angebote.csv"),
        Format::Ndjson => ("application/x-ndjson", "angebote.ndjson"),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// The bytes after the BOM and the header line of a CSV chunk.
pub(super) fn strip_bom_and_header(bytes: &[u8]) -> &[u8] {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    match body.iter().position(|&b| b == b'\n') {
        Some(i) => &body[i + 1..],
        None => &[],
    }
}

/// Every result of a search as GeoJSON (RFC 7946), streamed.
#[utoipa::path(get, path = "/api/v1/offers.geojson", tag = "search",
    responses((status = 200, description = "GeoJSON FeatureCollection", body = Object, content_type = "application/geo+json"),
              (status = 400, description = "Ungültiger Parameter / invalid parameter", body = ProblemDetails, content_type = "application/problem+json")))]
pub(crate) async fn offers_geojson(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> HttpResult<Response> {
    stream_export(&state, parse_request(query.as_deref())?, Format::GeoJson)
}

/// An export of the kind the query names: offers with the search's filters, the other kinds
/// with theirs.
fn export(state: &AppState, query: Option<&str>, format: Format) -> HttpResult<Response> {
    let (kind, pairs) = record_export::split_kind(query)?;
    if kind == Kind::Offer {
        let rest = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
        return stream_export(state, parse_request(Some(&rest))?, format);
    }
    record_export::stream(state, kind, parse_record_query(&pairs)?, format)
}

/// Every result of a search in the standard's CSV (importable by a node), streamed: offers, or
/// with `kind` the institutions, networks or projects.
#[utoipa::path(get, path = "/api/v1/export.csv", tag = "search",
    params(("kind" = Option<String>, Query, description = "offers (Standard) | organizations | networks | projects; Angebote nehmen die Filter der Suche, die anderen Arten die ihrer Suche (q, near, radius_km, ags, life_phase, target_group, language, organization_kind, school_type, status) / offers take the search's filters, the other kinds those of their search")),
    responses((status = 200, description = "CSV (Semikolon, UTF-8 mit BOM) in den Spalten der Art; IDs als {node_id}:{id} / CSV (semicolon, UTF-8 with BOM) in the kind's columns; ids as {node_id}:{id}", body = String, content_type = "text/csv"),
              (status = 400, description = "Ungültiger Parameter / invalid parameter", body = ProblemDetails, content_type = "application/problem+json")))]
pub(crate) async fn export_csv(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> HttpResult<Response> {
    export(&state, query.as_deref(), Format::Csv)
}

/// Every result of a search as NDJSON in the standard's JSON, streamed: offers, or with `kind`
/// the institutions, networks or projects.
#[utoipa::path(get, path = "/api/v1/export.ndjson", tag = "search",
    params(("kind" = Option<String>, Query, description = "offers (Standard) | organizations | networks | projects, mit den Filtern wie bei export.csv / with the filters as for export.csv")),
    responses((status = 200, description = "Ein Datensatz je Zeile; IDs als {node_id}:{id} / one record per line; ids as {node_id}:{id}", body = String, content_type = "application/x-ndjson"),
              (status = 400, description = "Ungültiger Parameter / invalid parameter", body = ProblemDetails, content_type = "application/problem+json")))]
pub(crate) async fn export_ndjson(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> HttpResult<Response> {
    export(&state, query.as_deref(), Format::Ndjson)
}
