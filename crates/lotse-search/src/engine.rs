//! Running a search: the text query, filters, area, order, page and multi-select facet counts.
//!
//! Per segment, one pass over the documents that match the text (all live documents without
//! text) keeps those that are visible (not expired unless asked), running on the asked dates
//! and inside the asked area: the set `M`. Each filter `d` selects the set `S_d` (the union of
//! the bit sets of its values). Results are `M ∩ S_1 ∩ … ∩ S_n`, ranked while the pass runs.
//! The counts of filter `d` are taken over `M ∩ ⋂_{e≠d} S_e`: each filter's counts ignore its
//! own selection, so an adviser sees how many offers another language would add (multi-select
//! facets). Counting is a popcount of two bit sets per value, whatever the number of matches.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use lotse_geo::LatLon;
use lotse_standard::vocab::vocabularies;
use serde::Serialize;
use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, FuzzyTermQuery, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, DocSet, Searcher, TERMINATED, TantivyDocument, Term};

use crate::analysis::{self, Word};
use crate::bitset::BitSet;
use crate::request::{Dim, SearchRequest, Sort};
use crate::schema::{Fields, IndexedPoint};
use crate::segment::{SegmentCache, SegmentData};
use crate::snippet;

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

/// One value of a facet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: u64,
    pub selected: bool,
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

/// A candidate in the ranking: larger `primary` first, then smaller `key`.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    primary: f64,
    key: u64,
    segment: u32,
    doc: u32,
    score: f32,
    distance_m: Option<f64>,
}

impl Ranked {
    fn better(&self, other: &Ranked) -> Ordering {
        self.primary.total_cmp(&other.primary).then_with(|| other.key.cmp(&self.key))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.better(other) == Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
/// The heap keeps the worst candidate on top, to be replaced by a better one.
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        other.better(self)
    }
}

/// The words of a query and how the last one is to be matched.
pub(crate) struct ParsedQuery {
    pub words: Vec<Word>,
    /// The last word may be unfinished (the user is typing): it also matches as a prefix.
    pub prefix: Option<String>,
}

pub(crate) fn parse_query(q: &str) -> ParsedQuery {
    let words = analysis::words(q);
    let typing = q.chars().last().is_some_and(char::is_alphanumeric);
    let prefix = words.last().filter(|w| typing && w.folded.chars().count() >= 2).map(|w| w.folded.clone());
    ParsedQuery { words, prefix }
}

/// The text query: every word must match (in any field); a word matches by its stem in the
/// weighted text fields, by its folded form, as a prefix when it is the last word being typed,
/// and within one or two typos when it matches nothing exactly.
fn text_query(
    searcher: &Searcher,
    fields: &Fields,
    parsed: &ParsedQuery,
) -> tantivy::Result<Option<Box<dyn Query>>> {
    let mut must: Vec<Box<dyn Query>> = Vec::new();
    let last = parsed.words.len().saturating_sub(1);
    for (i, w) in parsed.words.iter().enumerate() {
        let mut should: Vec<Box<dyn Query>> = Vec::new();
        let mut exact = 0;
        for (field, weight) in fields.weighted_text() {
            let term = Term::from_field_text(field, &w.stem);
            exact += searcher.doc_freq(&term)?;
            should.push(Box::new(BoostQuery::new(
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                weight,
            )));
        }
        let folded = Term::from_field_text(fields.words, &w.folded);
        exact += searcher.doc_freq(&folded)?;
        should.push(Box::new(BoostQuery::new(
            Box::new(TermQuery::new(folded.clone(), IndexRecordOption::WithFreqs)),
            0.5,
        )));
        let typing = i == last && parsed.prefix.is_some();
        if typing {
            should.push(Box::new(FuzzyTermQuery::new_prefix(folded.clone(), 0, false)));
            // A prefix scores the same wherever it matched, so while typing `Anerken` an offer
            // that only carries the label `Anerkennung` would rank with those titled
            // `Anerkennungsberatung`. For an unfinished word (one that matches nothing as it
            // is), the prefix on the stems of the weighted fields (not the description, as for
            // `words`) adds each field's weight where it matches there.
            if exact == 0 {
                for (field, weight) in fields.weighted_text().into_iter().filter(|(f, _)| *f != fields.body) {
                    let prefix = Term::from_field_text(field, &w.folded);
                    should.push(Box::new(BoostQuery::new(
                        Box::new(FuzzyTermQuery::new_prefix(prefix, 0, false)),
                        weight,
                    )));
                }
            }
        }
        let chars = w.folded.chars().count();
        if exact == 0 && chars >= 4 {
            let distance = if chars >= 8 { 2 } else { 1 };
            should
                .push(Box::new(BoostQuery::new(Box::new(FuzzyTermQuery::new(folded, distance, true)), 0.8)));
        }
        must.push(Box::new(BooleanQuery::union(should)));
    }
    Ok(match must.len() {
        0 => None,
        1 => must.pop(),
        _ => Some(Box::new(BooleanQuery::intersection(must))),
    })
}

/// Where documents must lie, prepared for a fast test.
struct Area {
    near: Option<(LatLon, f64)>,
    /// A rectangle around `near` that holds its circle: most points fail this cheap test
    /// and need no great-circle distance.
    near_box: Option<crate::request::BBox>,
    bbox: Option<crate::request::BBox>,
}

impl Area {
    fn new(req: &SearchRequest) -> Area {
        let near = req.near.map(|(lat, lon, radius_km)| (LatLon { lat, lon }, radius_km * 1000.0));
        let near_box = req.near.map(|(lat, lon, radius_km)| {
            // On the sphere of the distance function a degree is 111.2 km of latitude and
            // 111.2 km × cos(latitude) of longitude; the smaller divisors and the latitude of
            // the circle's edge nearer the pole keep the rectangle a little larger than the
            // circle.
            let dlat = radius_km / 110.5;
            let edge = (lat.abs() + dlat).min(89.0).to_radians().cos();
            let dlon = (radius_km / (111.0 * edge)).min(180.0);
            crate::request::BBox {
                min_lon: lon - dlon,
                min_lat: lat - dlat,
                max_lon: lon + dlon,
                max_lat: lat + dlat,
            }
        });
        Area { near, near_box, bbox: req.bbox }
    }

    /// `None` when the document lies outside; otherwise the distance to `near` (if any).
    fn check(&self, points: &[(f64, f64)]) -> Option<Option<f64>> {
        if self.near.is_none() && self.bbox.is_none() {
            return Some(None);
        }
        let mut nearest: Option<f64> = None;
        let mut inside = false;
        for &(lat, lon) in points {
            let p = LatLon { lat, lon };
            if self.bbox.as_ref().is_some_and(|b| !b.contains(p))
                || self.near_box.as_ref().is_some_and(|b| !b.contains(p))
            {
                continue;
            }
            match self.near {
                Some((centre, radius)) => {
                    let d = lotse_geo::haversine_m(centre, p);
                    if d <= radius {
                        inside = true;
                        nearest = Some(nearest.map_or(d, |n| n.min(d)));
                    }
                }
                None => inside = true,
            }
        }
        inside.then_some(nearest)
    }
}

/// The union of the bit sets of the selected values of each filter; `None` for filters
/// without a selection.
fn selections(data: &SegmentData, req: &SearchRequest) -> Vec<Option<BitSet>> {
    Dim::ALL
        .iter()
        .map(|&dim| {
            let values = req.selected(dim);
            (!values.is_empty()).then(|| {
                let mut set = BitSet::empty(data.max_doc);
                for v in values {
                    if let Some(s) = data.values[dim as usize].get(v) {
                        set.union_with(s);
                    }
                }
                set
            })
        })
        .collect()
}

/// What a pass over the index found: the number of results and, when asked for, the facet
/// counts per filter.
pub(crate) struct PassResult {
    pub total: u64,
    pub counts: Vec<HashMap<String, u64>>,
}

/// Called for each result with its segment's data, the segment ordinal, the document, its
/// score and its distance from `near`.
pub(crate) type OnResult<'a> = dyn FnMut(&SegmentData, u32, u32, f32, Option<f64>) + 'a;

/// One pass over the index for `req`: calls `on_result` for every result (a document that
/// matches the text, is visible, lies in the area and passes every filter) with its segment's
/// data, segment ordinal, document, score and distance from `near`; counts facets if asked.
pub(crate) fn pass(
    searcher: &Searcher,
    fields: &Fields,
    cache: &SegmentCache,
    req: &SearchRequest,
    parsed: &ParsedQuery,
    facets: bool,
    on_result: &mut OnResult<'_>,
) -> tantivy::Result<PassResult> {
    let query = text_query(searcher, fields, parsed)?;
    let weight = match &query {
        Some(q) => Some(q.weight(EnableScoring::enabled_from_searcher(searcher))?),
        None => None,
    };
    let area = Area::new(req);
    let mut total = 0u64;
    let mut counts: Vec<HashMap<String, u64>> = vec![HashMap::new(); Dim::ALL.len()];

    for (segment_ord, reader) in searcher.segment_readers().iter().enumerate() {
        let data = cache.get(reader, fields)?;
        let alive = reader.alive_bitset();
        let selected = selections(&data, req);
        let mut all_selected: Option<BitSet> = None;
        for s in selected.iter().flatten() {
            match &mut all_selected {
                Some(a) => a.intersect_with(s),
                None => all_selected = Some(s.clone()),
            }
        }
        let mut matched = BitSet::empty(data.max_doc);
        // The score is computed only for documents that pass every filter: scoring is the
        // dearest part of a match, and filters and areas usually drop most matches.
        let mut consider = |doc: u32, score: &mut dyn FnMut() -> f32, matched: &mut BitSet| {
            if alive.is_some_and(|a| a.is_deleted(doc))
                || (!req.include_expired && data.expired(doc, req.today))
                || !data.open_on(doc, &req.open_on)
            {
                return 0;
            }
            let Some(distance_m) = area.check(data.points(doc)) else { return 0 };
            matched.insert(doc);
            if all_selected.as_ref().is_some_and(|s| !s.contains(doc)) {
                return 0;
            }
            on_result(&data, segment_ord as u32, doc, score(), distance_m);
            1
        };
        match &weight {
            Some(w) => {
                let mut scorer = w.scorer(reader, 1.0)?;
                let mut doc = scorer.doc();
                while doc != TERMINATED {
                    total += consider(doc, &mut || scorer.score(), &mut matched);
                    doc = scorer.advance();
                }
            }
            None => {
                for doc in 0..data.max_doc {
                    total += consider(doc, &mut || 0.0, &mut matched);
                }
            }
        }
        if facets {
            count_facets(&data, &matched, &selected, &mut counts);
        }
    }
    Ok(PassResult { total, counts })
}

/// The ranking key of a result under the request's order.
fn ranked(
    req: &SearchRequest,
    text: bool,
    data: &SegmentData,
    segment: u32,
    doc: u32,
    score: f32,
    distance_m: Option<f64>,
) -> Ranked {
    let primary = match req.sort {
        Sort::Relevance if text => f64::from(score),
        Sort::Distance => -distance_m.unwrap_or(f64::MAX),
        Sort::Relevance | Sort::Changed => data.changed[doc as usize] as f64,
    };
    Ranked { primary, key: data.sort_key[doc as usize], segment, doc, score, distance_m }
}

/// Every result of `req` in the order a search would list them (for exports and maps).
pub(crate) fn all_results(
    searcher: &Searcher,
    fields: &Fields,
    cache: &SegmentCache,
    req: &SearchRequest,
) -> tantivy::Result<Vec<DocAddress>> {
    let parsed = parse_query(&req.q);
    let text = !parsed.words.is_empty();
    let mut all = Vec::new();
    pass(searcher, fields, cache, req, &parsed, false, &mut |data, segment, doc, score, distance| {
        all.push(ranked(req, text, data, segment, doc, score, distance));
    })?;
    all.sort_by(|a, b| b.better(a));
    Ok(all.into_iter().map(|r| DocAddress::new(r.segment, r.doc)).collect())
}

/// Runs a search over the current searcher.
pub(crate) fn search(
    searcher: &Searcher,
    fields: &Fields,
    cache: &SegmentCache,
    req: &SearchRequest,
) -> tantivy::Result<SearchResponse> {
    let started = std::time::Instant::now();
    let parsed = parse_query(&req.q);
    let text = !parsed.words.is_empty();
    let window = (req.page * req.page_size) as usize;
    let mut heap: BinaryHeap<Ranked> = BinaryHeap::with_capacity(window + 1);
    let found =
        pass(searcher, fields, cache, req, &parsed, true, &mut |data, segment, doc, score, distance| {
            let candidate = ranked(req, text, data, segment, doc, score, distance);
            if heap.len() < window {
                heap.push(candidate);
            } else if heap.peek().is_some_and(|worst| candidate.better(worst) == Ordering::Greater) {
                heap.pop();
                heap.push(candidate);
            }
        })?;
    let mut ranked = heap.into_vec();
    ranked.sort_by(|a, b| b.better(a));
    let start = ((req.page - 1) * req.page_size) as usize;
    let results = ranked
        .iter()
        .skip(start)
        .map(|r| hit(searcher, fields, req, &parsed, r))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let facets = facet_lists(req, found.counts);
    Ok(SearchResponse {
        total: found.total,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
        page: req.page,
        page_size: req.page_size,
        results,
        facets,
    })
}

/// Adds this segment's facet counts: for each filter, over the matches that pass every other
/// filter.
fn count_facets(
    data: &SegmentData,
    matched: &BitSet,
    selected: &[Option<BitSet>],
    counts: &mut [HashMap<String, u64>],
) {
    if matched.is_empty() {
        return;
    }
    // The matches that pass every filter: the base of every filter without a selection.
    let mut passing = matched.clone();
    for s in selected.iter().flatten() {
        passing.intersect_with(s);
    }
    for dim in Dim::ALL {
        let i = dim as usize;
        let base = if selected[i].is_some() {
            let mut base = matched.clone();
            for (j, s) in selected.iter().enumerate() {
                if let (true, Some(s)) = (j != i, s) {
                    base.intersect_with(s);
                }
            }
            std::borrow::Cow::Owned(base)
        } else {
            std::borrow::Cow::Borrowed(&passing)
        };
        if base.is_empty() {
            continue;
        }
        for (value, set) in &data.values[i] {
            let n = base.intersection_count(set);
            if n > 0 {
                *counts[i].entry(value.clone()).or_default() += n;
            }
        }
    }
}

fn label(dim: Dim, value: &str, lang: &str) -> String {
    let v = vocabularies();
    let vocab = match dim {
        Dim::OfferType => &v.offer_types,
        Dim::Category => &v.categories,
        Dim::TargetGroup => &v.target_groups,
        Dim::Language => &v.languages,
        Dim::LifePhase => &v.life_phases,
        Dim::Feature => &v.features,
        Dim::Cost => &v.cost_kinds,
        Dim::Delivery => &v.delivery,
        Dim::Level => return value.to_owned(),
        Dim::Ags => {
            return lotse_geo::ruhr()
                .municipality(value)
                .map_or_else(|| value.to_owned(), |m| m.name.clone());
        }
    };
    vocab.get(value).map_or_else(
        || value.to_owned(),
        |c| if lang == "en" { c.label.en.clone() } else { c.label.de.clone() },
    )
}

fn facet_lists(
    req: &SearchRequest,
    counts: Vec<HashMap<String, u64>>,
) -> std::collections::BTreeMap<&'static str, Vec<FacetValue>> {
    Dim::ALL
        .iter()
        .zip(counts)
        .map(|(&dim, mut counts)| {
            // A selected value stays visible with its count even when nothing matches it.
            for v in req.selected(dim) {
                counts.entry(v.clone()).or_default();
            }
            let mut values: Vec<FacetValue> = counts
                .into_iter()
                .map(|(value, count)| FacetValue {
                    label: label(dim, &value, &req.lang),
                    selected: req.selected(dim).contains(&value),
                    value,
                    count,
                })
                .collect();
            values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            (dim.param(), values)
        })
        .collect()
}

/// The parts of a stored offer that a result shows. Reading only these skips building the
/// rest of the offer (serde passes over unknown fields), which is most of a result's cost.
#[derive(serde::Deserialize)]
struct HitSource {
    title: lotse_standard::model::LangMap,
    description: lotse_standard::model::LangMap,
    offer_type: String,
    provider: HitProvider,
    #[serde(default)]
    locations: Vec<HitSourceLocation>,
    #[serde(default)]
    service_area: Vec<String>,
}

#[derive(serde::Deserialize)]
struct HitProvider {
    name: String,
}

#[derive(serde::Deserialize)]
struct HitSourceLocation {
    name: Option<String>,
    street: String,
    postcode: String,
    city: String,
}

/// Builds a result from the stored offer.
fn hit(
    searcher: &Searcher,
    fields: &Fields,
    req: &SearchRequest,
    parsed: &ParsedQuery,
    r: &Ranked,
) -> tantivy::Result<Hit> {
    let doc: TantivyDocument = searcher.doc(DocAddress::new(r.segment, r.doc))?;
    let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let offer: HitSource = serde_json::from_str(&text(fields.offer))
        .map_err(|e| tantivy::TantivyError::InternalError(format!("stored offer unreadable: {e}")))?;
    let points: Vec<IndexedPoint> = serde_json::from_str(&text(fields.placement)).unwrap_or_default();
    let (title_lang, title) = pick(&offer.title, &req.lang);
    let (_, description) = pick(&offer.description, &req.lang);
    let region = lotse_geo::ruhr();
    let ags = points.first().map(|p| p.ags.clone()).or_else(|| offer.service_area.first().cloned());
    let municipality = ags.map(|ags| Municipality {
        name: region.municipality(&ags).map(|m| m.name.clone()).unwrap_or_default(),
        ags,
    });
    // The location shown is the nearest one when a place was given, else the first.
    let shown = match req.near {
        Some((lat, lon, _)) => points
            .iter()
            .min_by(|a, b| {
                let da = lotse_geo::haversine_m(LatLon { lat, lon }, LatLon { lat: a.lat, lon: a.lon });
                let db = lotse_geo::haversine_m(LatLon { lat, lon }, LatLon { lat: b.lat, lon: b.lon });
                da.total_cmp(&db)
            })
            .map(|p| p.idx as usize),
        None => points.first().map(|p| p.idx as usize),
    }
    .unwrap_or(0);
    let location = offer.locations.get(shown).map(|l| {
        let placed = points.iter().find(|p| p.idx as usize == shown);
        HitLocation {
            name: l.name.clone(),
            street: l.street.clone(),
            postcode: l.postcode.clone(),
            city: l.city.clone(),
            lat: placed.map(|p| p.lat),
            lon: placed.map(|p| p.lon),
            precision: placed.map(|p| p.precision.clone()),
        }
    });
    let rtl =
        |lang: &str| vocabularies().languages.get(lang).and_then(|c| c.direction.as_deref()) == Some("rtl");
    Ok(Hit {
        id: text(fields.hub_id),
        dir: if rtl(&title_lang) { "rtl" } else { "ltr" },
        title: title.to_owned(),
        title_lang,
        offer_type_label: label(Dim::OfferType, &offer.offer_type, &req.lang),
        offer_type: offer.offer_type.clone(),
        provider: offer.provider.name.clone(),
        municipality,
        distance_km: r.distance_m.map(|m| (m / 100.0).round() / 10.0),
        location,
        snippet: snippet::highlight(description, &parsed.words, parsed.prefix.as_deref(), 200),
        score: r.score,
        changed: doc.get_first(fields.changed).and_then(|v| v.as_i64()).unwrap_or_default(),
    })
}

/// The text in `lang` if the offer has it, else German.
fn pick<'a>(texts: &'a lotse_standard::model::LangMap, lang: &str) -> (String, &'a str) {
    texts
        .get(lang)
        .map(|t| (lang.to_owned(), t.as_str()))
        .or_else(|| texts.get("de").map(|t| ("de".to_owned(), t.as_str())))
        .or_else(|| texts.iter().next().map(|(l, t)| (l.clone(), t.as_str())))
        .unwrap_or_else(|| ("de".to_owned(), ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Points just inside the radius, in every direction and far north, pass the rectangle
    /// test; points just outside do not.
    #[test]
    fn the_rectangle_around_a_circle_never_cuts_it() {
        for (lat, lon) in [(51.45, 7.01), (0.0, 0.0), (70.0, 20.0), (-45.0, 170.0)] {
            for radius_km in [0.5, 10.0, 100.0] {
                let req = SearchRequest { near: Some((lat, lon, radius_km)), ..SearchRequest::default() };
                let area = Area::new(&req);
                let centre = LatLon { lat, lon };
                for step in 0..72 {
                    let bearing = f64::from(step) * 5.0_f64.to_radians();
                    for (factor, expect) in [(0.999, true), (1.001, false)] {
                        // Walk along the bearing until the distance reaches the radius × factor.
                        let target = radius_km * 1000.0 * factor;
                        let (mut lo, mut hi) = (0.0, radius_km / 50.0);
                        for _ in 0..60 {
                            let mid = (lo + hi) / 2.0;
                            let p = LatLon {
                                lat: lat + mid * bearing.cos(),
                                lon: lon + mid * bearing.sin() / lat.to_radians().cos(),
                            };
                            if lotse_geo::haversine_m(centre, p) < target { lo = mid } else { hi = mid }
                        }
                        let p = (lat + lo * bearing.cos(), lon + lo * bearing.sin() / lat.to_radians().cos());
                        assert_eq!(
                            area.check(&[p]).is_some(),
                            expect,
                            "{lat},{lon} r={radius_km} bearing {step}"
                        );
                    }
                }
            }
        }
    }
}
