//! The municipality outlines for the maps' background, at `/karte/gemeinden.geojson`.
//!
//! The same outlines as `/api/v1/municipalities.geojson`, without the per-search counts the
//! maps do not show: built once, coordinates rounded to five decimals (about a metre), cached by
//! the browser and compressed by the pages' layer. This is most of a map page's weight, so it
//! is what keeps the search page with its map under its byte budget.

use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

static OUTLINES: LazyLock<String> = LazyLock::new(|| {
    let round = |v: f64| (v * 1e5).round() / 1e5;
    let features: Vec<Value> = lotse_geo::ruhr()
        .municipalities
        .iter()
        .map(|m| {
            let polygons: Vec<Vec<Vec<[f64; 2]>>> = m
                .polygons
                .iter()
                .map(|p| {
                    p.rings.iter().map(|r| r.iter().map(|c| [round(c[0]), round(c[1])]).collect()).collect()
                })
                .collect();
            json!({
                "type": "Feature",
                "id": m.ags,
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
                "properties": {"ags": m.ags, "name": m.name},
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features}).to_string()
});

pub async fn geojson() -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json")),
            // The region pack changes only with a new release.
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400")),
        ],
        OUTLINES.as_str(),
    )
        .into_response()
}
