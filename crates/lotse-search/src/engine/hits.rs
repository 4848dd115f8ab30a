//! The answer to a search: its results ([`Hit`]), each built from the stored summary of its
//! offer, and the response that carries them with the facet counts.

use lotse_geo::LatLon;
use lotse_standard::vocab::vocabularies;
use serde::Serialize;
use tantivy::{DocAddress, Searcher};

use super::expand::ParsedQuery;
use super::facets::{FacetValue, label};
use super::topk::Ranked;
use crate::request::{Dim, SearchRequest};
use crate::snippet;
use crate::summary::{HitDoc, Summary};

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The hub id `{node_id}/{id}`.
    pub id: String,
    pub title: String,
    /// The language of `title`.
    pub title_lang: String,
    /// `rtl` when the title's language is written right to left.
    pub dir: &'static str,
    pub offer_type: String,
    pub offer_type_label: String,
    pub provider: String,
    pub municipality: Option<Municipality>,
    /// Kilometres from `near` to the nearest location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    pub location: Option<HitLocation>,
    /// The description around the matched words, HTML-escaped, matches in `<mark>`.
    pub snippet: String,
    pub score: f32,
    /// When the offer last changed at the hub, Unix seconds.
    pub changed: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Municipality {
    pub ags: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HitLocation {
    pub name: Option<String>,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub precision: Option<String>,
}

/// The answer to a search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResponse {
    pub total: u64,
    pub took_ms: f64,
    pub page: u32,
    pub page_size: u32,
    pub results: Vec<Hit>,
    /// Per filter (by its parameter name), its values with counts, largest first.
    pub facets: std::collections::BTreeMap<&'static str, Vec<FacetValue>>,
}

/// Builds a result from the stored summary of its offer.
pub(super) fn hit(
    searcher: &Searcher,
    req: &SearchRequest,
    parsed: &ParsedQuery,
    r: &Ranked,
) -> tantivy::Result<Hit> {
    let HitDoc(text) = searcher.doc(DocAddress::new(r.segment, r.doc))?;
    let offer = Summary::decode(&text)
        .ok_or_else(|| tantivy::TantivyError::InternalError("stored summary unreadable".into()))?;
    let (title_lang, title) = Summary::pick(&offer.title, &req.lang).unwrap_or(("de", ""));
    let (_, description) = Summary::pick(&offer.description, &req.lang).unwrap_or(("de", ""));
    let region = lotse_geo::ruhr();
    let ags = offer.points.first().map(|p| p.ags).or(offer.service_area);
    let municipality = ags.map(|ags| Municipality {
        name: region.municipality(ags).map(|m| m.name.clone()).unwrap_or_default(),
        ags: ags.to_owned(),
    });
    // The location shown is the nearest one when a place was given, else the first.
    let shown = match req.near {
        Some((lat, lon, _)) => offer
            .points
            .iter()
            .min_by(|a, b| {
                let da = lotse_geo::haversine_m(LatLon { lat, lon }, LatLon { lat: a.lat, lon: a.lon });
                let db = lotse_geo::haversine_m(LatLon { lat, lon }, LatLon { lat: b.lat, lon: b.lon });
                da.total_cmp(&db)
            })
            .map(|p| p.idx as usize),
        None => offer.points.first().map(|p| p.idx as usize),
    }
    .unwrap_or(0);
    let location = offer.locations.get(shown).map(|l| {
        let placed = offer.points.iter().find(|p| p.idx as usize == shown);
        HitLocation {
            name: l.name.map(str::to_owned),
            street: l.street.to_owned(),
            postcode: l.postcode.to_owned(),
            city: l.city.to_owned(),
            lat: placed.map(|p| p.lat),
            lon: placed.map(|p| p.lon),
            precision: placed.map(|p| p.precision.to_owned()),
        }
    });
    let rtl =
        |lang: &str| vocabularies().languages.get(lang).and_then(|c| c.direction.as_deref()) == Some("rtl");
    Ok(Hit {
        id: offer.hub_id.to_owned(),
        dir: if rtl(title_lang) { "rtl" } else { "ltr" },
        title: title.to_owned(),
        title_lang: title_lang.to_owned(),
        offer_type_label: label(Dim::OfferType, offer.offer_type, &req.lang),
        offer_type: offer.offer_type.to_owned(),
        provider: offer.provider.to_owned(),
        municipality,
        distance_km: r.chord2.map(|c2| (lotse_geo::m_of_chord2(c2) / 100.0).round() / 10.0),
        location,
        snippet: snippet::highlight(description, &parsed.words, parsed.prefix.as_deref(), 200),
        score: r.score,
        changed: offer.changed,
    })
}
