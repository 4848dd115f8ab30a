//! Running a search: the text query, filters, area, order, page and multi-select facet counts.
//!
//! Everything is a bit set per segment, built without scoring: the visible documents (cached
//! per day), those in the area (from the segment's grid cells), those matching the text (filled
//! from the posting lists); their intersection is the set `M`. Each filter `d` selects the set
//! `S_d` (the union of the bit sets of its values). Results are `M ∩ S_1 ∩ … ∩ S_n`. The counts
//! of filter `d` are taken over `M ∩ ⋂_{e≠d} S_e`: each filter's counts ignore its own
//! selection, so an adviser sees how many offers another language would add (multi-select
//! facets). Counting is a popcount of two bit sets per value, whatever the number of matches.
//!
//! Only the page is ranked by score: a one-word query lets tantivy's block-max pruning skip
//! documents that cannot reach the page, and other orders (distance, date) score only what
//! enters the page.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use lotse_geo::LatLon;
use lotse_standard::vocab::vocabularies;
use serde::Serialize;
use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, FuzzyTermQuery, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, Searcher, SegmentReader, Term};

use crate::analysis::{self, Word};
use crate::bitset::BitSet;
use crate::request::{Dim, SearchRequest, Sort};
use crate::schema::Fields;
use crate::segment::{CELL_LAT, CELL_LON, Champions, GridPoint, SegmentCache, SegmentData, cell_of};
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
    /// The squared chord to `near` (see [`lotse_geo::unit_vector`]): it orders by distance.
    chord2: Option<f64>,
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
/// A heap of champions keeps the worst candidate on top, to be replaced by a better one.
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

/// The clauses of one word of the query: terms scored by BM25 (with their field weights) and
/// expansions (prefix while typing, typo tolerance) that score a constant where they match and
/// the terms do not.
struct WordClauses {
    /// Names the word's terms for the segments' caches of document sets.
    key: String,
    terms: Vec<(Term, f32)>,
    expansions: Vec<Expansion>,
}

/// A prefix or typo expansion of a word: named (for the segments' caches), its query, and the
/// constant it adds to the score where it matches.
struct Expansion {
    key: String,
    query: Box<dyn Query>,
    boost: f32,
    /// Made on first need: a typo automaton takes a while to build, and a segment that
    /// remembers the expansion's documents does not need it.
    weight: std::sync::OnceLock<Box<dyn Weight>>,
}

impl Expansion {
    fn new(key: String, query: Box<dyn Query>, boost: f32) -> Expansion {
        Expansion { key, query, boost, weight: std::sync::OnceLock::new() }
    }

    fn documents(
        &self,
        searcher: &Searcher,
        reader: &SegmentReader,
        data: &SegmentData,
    ) -> tantivy::Result<Arc<BitSet>> {
        data.cached_set(&self.key, || {
            let weight = match self.weight.get() {
                Some(w) => w,
                None => {
                    let w = self.query.weight(EnableScoring::disabled_from_searcher(searcher))?;
                    self.weight.get_or_init(|| w)
                }
            };
            fill(weight.as_ref(), reader, data.max_doc)
        })
    }
}

/// The text query: every word must match (in any field); a word matches by its stem in the
/// weighted text fields, by its folded form, as a prefix when it is the last word being typed,
/// and within one or two typos when it matches nothing exactly.
fn word_clauses(
    searcher: &Searcher,
    fields: &Fields,
    parsed: &ParsedQuery,
) -> tantivy::Result<Vec<WordClauses>> {
    let mut out = Vec::new();
    let last = parsed.words.len().saturating_sub(1);
    for (i, w) in parsed.words.iter().enumerate() {
        let mut terms = Vec::new();
        let mut expansions: Vec<Expansion> = Vec::new();
        let mut exact = 0;
        for (field, weight) in fields.weighted_text() {
            let term = Term::from_field_text(field, &w.stem);
            let n = searcher.doc_freq(&term)?;
            exact += n;
            terms.push((term, weight, n));
        }
        let folded = Term::from_field_text(fields.words, &w.folded);
        let n = searcher.doc_freq(&folded)?;
        exact += n;
        terms.push((folded.clone(), 0.5, n));
        let typing = i == last && parsed.prefix.is_some();
        if typing {
            expansions.push(Expansion::new(
                format!("prefix {:?} {}", fields.words, w.folded),
                Box::new(FuzzyTermQuery::new_prefix(folded.clone(), 0, false)),
                1.0,
            ));
            // A prefix scores the same wherever it matched, so while typing `Anerken` an offer
            // that only carries the label `Anerkennung` would rank with those titled
            // `Anerkennungsberatung`. For an unfinished word (one that matches nothing as it
            // is), the prefix on the stems of the weighted fields (not the description, as for
            // `words`) adds each field's weight where it matches there.
            if exact == 0 {
                for (field, weight) in fields.weighted_text().into_iter().filter(|(f, _)| *f != fields.body) {
                    let prefix = Term::from_field_text(field, &w.folded);
                    expansions.push(Expansion::new(
                        format!("prefix {field:?} {}", w.folded),
                        Box::new(FuzzyTermQuery::new_prefix(prefix, 0, false)),
                        weight,
                    ));
                }
            }
        }
        let chars = w.folded.chars().count();
        if exact == 0 && chars >= 4 {
            let distance = if chars >= 8 { 2 } else { 1 };
            expansions.push(Expansion::new(
                format!("typo {distance} {}", w.folded),
                Box::new(FuzzyTermQuery::new(folded, distance, true)),
                0.8,
            ));
        }
        // Terms that occur nowhere add nothing but work.
        let terms = terms.into_iter().filter(|(_, _, n)| *n > 0).map(|(t, w, _)| (t, w)).collect();
        out.push(WordClauses { key: format!("terms {} {}", w.stem, w.folded), terms, expansions });
    }
    Ok(out)
}

fn boosted_terms(terms: &[(Term, f32)]) -> Vec<Box<dyn Query>> {
    terms
        .iter()
        .map(|(t, w)| {
            Box::new(BoostQuery::new(Box::new(TermQuery::new(t.clone(), IndexRecordOption::WithFreqs)), *w))
                as Box<dyn Query>
        })
        .collect()
}

/// The text part of a search, ready to run on each segment: per word, its terms (as one
/// scored union, and each alone for filling bit sets, which reads postings far faster than a
/// union does) and its expansions.
///
/// The matches are the intersection of the words' bit sets, built without scoring. Scores are
/// the sum over the words of the union's BM25 score where the word's terms match, and of the
/// constants of its matching expansions where they do not: a prefix or a typo stands in for
/// a word that is missing, it does not add to one that is there. (That also keeps block-max
/// pruning at its full threshold: the terms' scores alone decide among the documents they
/// match.) A query of one word (the common case) lets tantivy rank its union with block-max
/// pruning, so that most matches are never scored; otherwise only the documents that pass
/// everything else are scored, one by one.
struct Text {
    words: Vec<WordPlan>,
}

struct WordPlan {
    key: String,
    union: Option<Box<dyn Weight>>,
    /// Each term alone, scored (with its field weight), for scoring single documents: seeking
    /// a term's postings is far cheaper than seeking a union of them.
    scored: Vec<Box<dyn Weight>>,
    terms: Vec<Box<dyn Weight>>,
    expansions: Vec<Expansion>,
}

impl WordPlan {
    /// Names what the word matches: its terms and its expansions.
    fn name(&self) -> String {
        let mut name = self.key.clone();
        for e in &self.expansions {
            name.push_str(" | ");
            name.push_str(&e.key);
        }
        name
    }
}

impl Text {
    fn new(searcher: &Searcher, fields: &Fields, parsed: &ParsedQuery) -> tantivy::Result<Option<Text>> {
        let words = word_clauses(searcher, fields, parsed)?;
        if words.is_empty() {
            return Ok(None);
        }
        let scoring = EnableScoring::enabled_from_searcher(searcher);
        let mut plans = Vec::with_capacity(words.len());
        for w in words {
            let union = if w.terms.is_empty() {
                None
            } else {
                Some(BooleanQuery::union(boosted_terms(&w.terms)).weight(scoring)?)
            };
            let scored =
                boosted_terms(&w.terms).iter().map(|q| q.weight(scoring)).collect::<tantivy::Result<_>>()?;
            let terms = w
                .terms
                .iter()
                .map(|(t, _)| {
                    TermQuery::new(t.clone(), IndexRecordOption::Basic)
                        .weight(EnableScoring::disabled_from_searcher(searcher))
                })
                .collect::<tantivy::Result<_>>()?;
            plans.push(WordPlan { key: w.key, union, scored, terms, expansions: w.expansions });
        }
        Ok(Some(Text { words: plans }))
    }
}

/// A score with its last mantissa bits rounded away: sums of the same term scores in another
/// order (block-max pruning sums in the order of the postings) differ in the last bit, and
/// equal offers must tie, so that the order of equal scores rests on the stable key alone.
fn quantize(score: f32) -> f32 {
    if !score.is_finite() || score <= 0.0 {
        return score.max(0.0);
    }
    f32::from_bits((score.to_bits() + 0x800) & !0xfff)
}

/// The smallest raw score that can still reach a candidate with quantized score `q`.
fn below(q: f64) -> f32 {
    (q * (1.0 - 1.0 / 1024.0)) as f32
}

/// Fills a bit set with the documents `weight` matches, without scoring.
fn fill(weight: &dyn Weight, reader: &SegmentReader, max_doc: u32) -> tantivy::Result<BitSet> {
    let mut set = BitSet::empty(max_doc);
    weight.for_each_no_score(reader, &mut |docs| {
        for &d in docs {
            set.insert(d);
        }
    })?;
    Ok(set)
}

/// A grid cell and its points.
type Cell<'d> = ((i32, i32), &'d [GridPoint]);

/// Where documents must lie, prepared for a fast test.
struct Area {
    near: Option<(LatLon, f64)>,
    /// `near` on the unit sphere and the squared chord of its radius: a point is inside when
    /// its squared chord to the centre is at most that.
    near_xyz: Option<([f64; 3], f64)>,
    /// A rectangle around `near` that holds its circle: most points fail this cheap test
    /// and need no great-circle distance.
    near_box: Option<crate::request::BBox>,
    bbox: Option<crate::request::BBox>,
}

impl Area {
    fn new(req: &SearchRequest) -> Area {
        let near = req.near.map(|(lat, lon, radius_km)| (LatLon { lat, lon }, radius_km * 1000.0));
        let near_xyz = near.map(|(c, r)| (lotse_geo::unit_vector(c), lotse_geo::chord2_of_m(r)));
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
        Area { near, near_xyz, near_box, bbox: req.bbox }
    }

    /// The grid cells of a segment the area overlaps, with their documents; `None` without an
    /// area.
    fn cells<'d>(&self, data: &'d SegmentData) -> Option<Vec<Cell<'d>>> {
        let rect = match (self.bbox, self.near_box) {
            (None, None) => return None,
            (Some(b), None) | (None, Some(b)) => b,
            (Some(a), Some(b)) => crate::request::BBox {
                min_lon: a.min_lon.max(b.min_lon),
                min_lat: a.min_lat.max(b.min_lat),
                max_lon: a.max_lon.min(b.max_lon),
                max_lat: a.max_lat.min(b.max_lat),
            },
        };
        let mut out = Vec::new();
        if !(rect.min_lat <= rect.max_lat && rect.min_lon <= rect.max_lon) {
            return Some(out);
        }
        let (y0, x0) = cell_of(rect.min_lat, rect.min_lon);
        let (y1, x1) = cell_of(rect.max_lat, rect.max_lon);
        let span = (i64::from(y1) - i64::from(y0) + 1) * (i64::from(x1) - i64::from(x0) + 1);
        if span > data.grid.len() as i64 {
            // A window larger than the populated grid (a map of the whole country): walk the
            // cells there are.
            for (&cell, docs) in &data.grid {
                if (y0..=y1).contains(&cell.0) && (x0..=x1).contains(&cell.1) {
                    out.push((cell, docs.as_slice()));
                }
            }
        } else {
            for y in y0..=y1 {
                for x in x0..=x1 {
                    if let Some(docs) = data.grid.get(&(y, x)) {
                        out.push(((y, x), docs.as_slice()));
                    }
                }
            }
        }
        Some(out)
    }

    /// The documents of a segment in the area, read from the grid cells the area overlaps;
    /// `None` without an area. Cells that lie wholly inside need no test per document.
    ///
    /// Only documents of `within` are tested one by one (the others are not wanted anyway),
    /// so the caller narrows the search by the cheaper sets first.
    fn set(&self, data: &SegmentData, within: &BitSet) -> Option<BitSet> {
        let cells = self.cells(data)?;
        let mut set = BitSet::empty(data.max_doc);
        for (cell, points) in cells {
            if self.covers(cell) {
                points.iter().for_each(|p| set.insert(p.doc));
            } else {
                // A document is in the area when one of its points is: each point is tested
                // in its own cell.
                for p in points {
                    if within.contains(p.doc) && !set.contains(p.doc) && self.holds(data, p) {
                        set.insert(p.doc);
                    }
                }
            }
        }
        Some(set)
    }

    /// Whether the area holds one point of the grid.
    fn holds(&self, data: &SegmentData, p: &GridPoint) -> bool {
        self.point(LatLon { lat: p.lat, lon: p.lon }, || &data.xyz[p.point as usize]).is_some()
    }

    /// `None` when the point lies outside; otherwise its squared chord to `near` (if any).
    /// Its unit vector is asked for only when there is a `near` to compare it with.
    fn point<'v>(&self, at: LatLon, xyz: impl FnOnce() -> &'v [f64; 3]) -> Option<Option<f64>> {
        if self.bbox.as_ref().is_some_and(|b| !b.contains(at))
            || self.near_box.as_ref().is_some_and(|b| !b.contains(at))
        {
            return None;
        }
        match self.near_xyz {
            Some((centre, radius)) => {
                let c2 = lotse_geo::chord2(&centre, xyz());
                (c2 <= radius).then_some(Some(c2))
            }
            None => Some(None),
        }
    }

    /// The cells around `near`, nearest first, each with a lower bound of the squared chord
    /// from `near` to any point in it: a search ordered by distance stops at the first cell
    /// that cannot hold anything nearer than its page's farthest entry. `None` without `near`.
    fn cells_by_distance<'d>(&self, data: &'d SegmentData) -> Option<Vec<(f64, &'d [GridPoint])>> {
        let (centre, _) = self.near?;
        let mut out: Vec<(f64, &[GridPoint])> = self
            .cells(data)?
            .into_iter()
            .map(|((y, x), docs)| {
                // The cell's point nearest the centre, taken by clamping its coordinates, is
                // within a metre of the true nearest point for cells of two kilometres; 100 m
                // less keeps the bound safely below every distance in the cell.
                let lat = centre.lat.clamp(f64::from(y) * CELL_LAT, f64::from(y + 1) * CELL_LAT);
                let lon = centre.lon.clamp(f64::from(x) * CELL_LON, f64::from(x + 1) * CELL_LON);
                let m = lotse_geo::haversine_m(centre, LatLon { lat, lon }) - 100.0;
                (lotse_geo::chord2_of_m(m), docs)
            })
            .collect();
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        Some(out)
    }

    /// Whether every point of a grid cell lies inside the area. The cell is taken a hair
    /// larger than it is (rounding in [`cell_of`]); for a circle, all four corners must lie
    /// 10 m inside it, which covers the bulge of the cell's edges along the parallels (well
    /// under a metre for cells of two kilometres).
    fn covers(&self, (y, x): (i32, i32)) -> bool {
        const EPS: f64 = 1e-9;
        let (la0, la1) = (f64::from(y) * CELL_LAT - EPS, f64::from(y + 1) * CELL_LAT + EPS);
        let (lo0, lo1) = (f64::from(x) * CELL_LON - EPS, f64::from(x + 1) * CELL_LON + EPS);
        let inside = |b: &crate::request::BBox| {
            la0 >= b.min_lat && la1 <= b.max_lat && lo0 >= b.min_lon && lo1 <= b.max_lon
        };
        if self.bbox.as_ref().is_some_and(|b| !inside(b))
            || self.near_box.as_ref().is_some_and(|b| !inside(b))
        {
            return false;
        }
        match self.near {
            Some((centre, radius)) => [(la0, lo0), (la0, lo1), (la1, lo0), (la1, lo1)]
                .iter()
                .all(|&(lat, lon)| lotse_geo::haversine_m(centre, LatLon { lat, lon }) <= radius - 10.0),
            None => true,
        }
    }

    /// `None` when the document (with its points and their [`lotse_geo::unit_vector`]s) lies
    /// outside; otherwise the squared chord to `near` (if any) of its nearest point inside.
    fn check(&self, points: &[(f64, f64)], xyz: &[[f64; 3]]) -> Option<Option<f64>> {
        if self.near.is_none() && self.bbox.is_none() {
            return Some(None);
        }
        let mut inside: Option<Option<f64>> = None;
        for (&(lat, lon), v) in points.iter().zip(xyz) {
            if let Some(c2) = self.point(LatLon { lat, lon }, || v) {
                inside = Some(match (inside.flatten(), c2) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                });
            }
        }
        inside
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

/// A search prepared for running segment by segment.
pub(crate) struct Prepared<'a> {
    searcher: &'a Searcher,
    req: &'a SearchRequest,
    area: Area,
    text: Option<Text>,
}

/// What one segment holds for a search.
pub(crate) struct SegmentMatch<'a> {
    pub ord: u32,
    pub reader: &'a SegmentReader,
    pub data: Arc<SegmentData>,
    /// Matches the text, is visible, running on the asked days and in the area (`M`).
    pub matched: BitSet,
    /// Of those, the ones that pass every filter: the results.
    pub results: BitSet,
    /// The union of each filter's selected values.
    pub selected: Vec<Option<BitSet>>,
    /// Per word of the query: the documents its terms match, and its expansions.
    words: Vec<WordSets>,
}

struct WordSets {
    terms: Arc<BitSet>,
    expansions: Vec<(Arc<BitSet>, f32)>,
}

impl<'a> Prepared<'a> {
    pub(crate) fn new(
        searcher: &'a Searcher,
        fields: &Fields,
        req: &'a SearchRequest,
        parsed: &ParsedQuery,
    ) -> tantivy::Result<Prepared<'a>> {
        Ok(Prepared { searcher, req, area: Area::new(req), text: Text::new(searcher, fields, parsed)? })
    }

    pub(crate) fn has_text(&self) -> bool {
        self.text.is_some()
    }

    /// The sets of one segment.
    pub(crate) fn segment<'r>(
        &self,
        ord: u32,
        reader: &'r SegmentReader,
        fields: &Fields,
        cache: &SegmentCache,
    ) -> tantivy::Result<SegmentMatch<'r>> {
        let req = self.req;
        let data = cache.get(reader, fields)?;
        let max_doc = data.max_doc;
        let mut matched = (*data.visible(reader, req.today, req.include_expired)).clone();
        let mut words = Vec::new();
        for plan in self.text.iter().flat_map(|t| &t.words) {
            let terms = data.cached_set(&plan.key, || {
                let mut terms = BitSet::empty(max_doc);
                for w in &plan.terms {
                    w.for_each_no_score(reader, &mut |docs| docs.iter().for_each(|&d| terms.insert(d)))?;
                }
                Ok(terms)
            })?;
            let mut any = (*terms).clone();
            let mut expansions = Vec::with_capacity(plan.expansions.len());
            for e in &plan.expansions {
                let set = e.documents(self.searcher, reader, &data)?;
                any.union_with(&set);
                expansions.push((set, e.boost));
            }
            matched.intersect_with(&any);
            words.push(WordSets { terms, expansions });
        }
        // The area and the dates test documents one by one: only those that matched so far.
        if let Some(area) = self.area.set(&data, &matched) {
            matched.intersect_with(&area);
        }
        if !req.open_on.is_empty() {
            let closed: Vec<u32> = matched.iter().filter(|&d| !data.open_on(d, &req.open_on)).collect();
            closed.into_iter().for_each(|d| matched.remove(d));
        }
        let selected = selections(&data, req);
        let mut results = matched.clone();
        for s in selected.iter().flatten() {
            results.intersect_with(s);
        }
        Ok(SegmentMatch { ord, reader, data, matched, results, selected, words })
    }

    /// A scorer of single documents of the segment, asked in ascending order.
    fn scorer<'m>(&self, m: &'m SegmentMatch<'_>) -> tantivy::Result<DocScorer<'m>> {
        let mut words = Vec::new();
        for (plan, sets) in self.text.iter().flat_map(|t| &t.words).zip(&m.words) {
            let terms =
                plan.scored.iter().map(|w| w.scorer(m.reader, 1.0)).collect::<tantivy::Result<_>>()?;
            words.push((terms, sets.expansions.as_slice()));
        }
        Ok(DocScorer { words })
    }
}

/// The documents of a word's expansions with the constant each adds.
type Expansions = [(Arc<BitSet>, f32)];

/// Scores documents one by one, in ascending order, by seeking each word's term scorers (the
/// sum of the matching terms is the score of their union).
struct DocScorer<'m> {
    words: Vec<(Vec<Box<dyn Scorer>>, &'m Expansions)>,
}

impl DocScorer<'_> {
    fn score(&mut self, doc: u32) -> f32 {
        let mut s = 0.0;
        for (terms, expansions) in &mut self.words {
            let mut word = 0.0;
            let mut matched = false;
            for t in terms.iter_mut() {
                let at = if t.doc() < doc { t.seek(doc) } else { t.doc() };
                if at == doc {
                    matched = true;
                    word += t.score();
                }
            }
            s += if matched { word } else { expansion_score(expansions, doc) };
        }
        quantize(s)
    }
}

fn expansion_score(expansions: &Expansions, doc: u32) -> f32 {
    expansions.iter().filter(|(set, _)| set.contains(doc)).map(|(_, boost)| boost).sum()
}

/// The ranking key of a result under the request's order.
fn ranked(
    req: &SearchRequest,
    text: bool,
    data: &SegmentData,
    segment: u32,
    doc: u32,
    score: f32,
    chord2: Option<f64>,
) -> Ranked {
    let primary = match req.sort {
        Sort::Relevance if text => f64::from(score),
        Sort::Distance => -chord2.unwrap_or(f64::MAX),
        Sort::Relevance | Sort::Changed => data.changed[doc as usize] as f64,
    };
    Ranked { primary, key: data.sort_key[doc as usize], segment, doc, score, chord2 }
}

/// Calls `on_result` for every result of `req` with its segment's data, segment ordinal,
/// document, score (when `scores`; else 0) and squared chord to `near` (an order of distance,
/// see [`lotse_geo::unit_vector`]); returns the total.
pub(crate) fn pass(
    searcher: &Searcher,
    fields: &Fields,
    cache: &SegmentCache,
    req: &SearchRequest,
    parsed: &ParsedQuery,
    scores: bool,
    on_result: &mut OnResult<'_>,
) -> tantivy::Result<u64> {
    let prepared = Prepared::new(searcher, fields, req, parsed)?;
    let mut total = 0;
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let m = prepared.segment(ord as u32, reader, fields, cache)?;
        let mut scorer = if scores && prepared.has_text() { Some(prepared.scorer(&m)?) } else { None };
        for doc in m.results.iter() {
            let score = scorer.as_mut().map_or(0.0, |s| s.score(doc));
            let distance = if req.near.is_some() {
                prepared.area.check(m.data.points(doc), m.data.xyz(doc)).flatten()
            } else {
                None
            };
            on_result(&m.data, m.ord, doc, score, distance);
            total += 1;
        }
    }
    Ok(total)
}

/// Called for each result with its segment's data, the segment ordinal, the document, its
/// score and its squared chord to `near`.
pub(crate) type OnResult<'a> = dyn FnMut(&SegmentData, u32, u32, f32, Option<f64>) + 'a;

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
    let scores = req.sort == Sort::Relevance;
    pass(searcher, fields, cache, req, &parsed, scores, &mut |data, segment, doc, score, distance| {
        all.push(ranked(req, text, data, segment, doc, score, distance));
    })?;
    all.sort_by(|a, b| b.better(a));
    Ok(all.into_iter().map(|r| DocAddress::new(r.segment, r.doc)).collect())
}

/// The best `window` candidates. Candidates that may enter are collected in a buffer of twice
/// the window, which is cut back to the best `window` (a selection, not a sort) when it is
/// full: when candidates arrive in ascending order of rank (the newest documents are the last
/// ones of a segment, and sorting by date is the map's order), a heap would replace its worst
/// entry for nearly every one of them.
struct TopK {
    window: usize,
    buffer: Vec<Ranked>,
    /// The worst of the best `window` when the buffer was last cut: a candidate must rank
    /// better to enter.
    bar: Option<Ranked>,
}

impl TopK {
    fn new(window: usize) -> TopK {
        TopK { window, buffer: Vec::with_capacity(2 * window), bar: None }
    }

    fn admits(&self, candidate: &Ranked) -> bool {
        self.window > 0 && self.bar.is_none_or(|bar| candidate.better(&bar) == Ordering::Greater)
    }

    /// Takes `candidate` if it may rank within the window.
    fn offer(&mut self, candidate: Ranked) {
        if self.admits(&candidate) {
            self.buffer.push(candidate);
            if self.buffer.len() >= 2 * self.window {
                self.cut();
            }
        }
    }

    /// Keeps only the best `window` of the buffer, once it holds more (or holds exactly that
    /// many and has no bar yet).
    fn cut(&mut self) {
        let n = self.buffer.len();
        if self.window > 0 && n >= self.window && (n > self.window || self.bar.is_none()) {
            self.buffer.select_nth_unstable_by(self.window - 1, |a, b| b.better(a));
            self.buffer.truncate(self.window);
            self.bar = Some(self.buffer[self.window - 1]);
        }
    }

    /// The worst entry of the page, once the page is full.
    fn worst(&mut self) -> Option<Ranked> {
        self.cut();
        self.bar
    }

    /// Raw scores at or below this cannot enter (for pruning). Between cuts the bar lags
    /// behind the page's worst entry, which only makes the pruning less tight.
    fn threshold(&mut self) -> f32 {
        if self.bar.is_none() {
            self.cut();
        }
        self.bar.map_or(f32::MIN, |bar| below(bar.primary))
    }

    /// Sets the scores of the entries from `segment`, asking `score` in ascending order of
    /// documents (as a segment's scorers must be asked).
    fn rescore(&mut self, segment: u32, mut score: impl FnMut(u32) -> f32) {
        self.cut();
        let mut entries: Vec<&mut Ranked> = self.buffer.iter_mut().filter(|c| c.segment == segment).collect();
        entries.sort_by_key(|c| c.doc);
        entries.into_iter().for_each(|c| c.score = score(c.doc));
    }

    /// The candidates of the window, best first.
    fn into_ranked(mut self) -> Vec<Ranked> {
        self.cut();
        self.buffer.sort_by(|a, b| b.better(a));
        self.buffer
    }
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
    let prepared = Prepared::new(searcher, fields, req, &parsed)?;
    let text = prepared.has_text();
    let window = (req.page * req.page_size) as usize;
    let mut top = TopK::new(window);
    let mut total = 0;
    let mut counts: Vec<HashMap<String, u64>> = vec![HashMap::new(); Dim::ALL.len()];
    let by_score = text && req.sort == Sort::Relevance;
    // A search by words alone (no area, no dates) names the same matches each time it is
    // asked, so its facet counts are remembered per segment.
    let text_only = match &prepared.text {
        Some(t) if req.near.is_none() && req.bbox.is_none() && req.open_on.is_empty() => {
            Some(t.words.iter().map(WordPlan::name).collect::<Vec<_>>().join(" + "))
        }
        _ => None,
    };
    // The largest segment first: its best results set the bar of the page that the smaller
    // segments' candidates must pass.
    let mut readers: Vec<(usize, &SegmentReader)> = searcher.segment_readers().iter().enumerate().collect();
    readers.sort_by_key(|(_, r)| std::cmp::Reverse(r.max_doc()));
    for (ord, reader) in readers {
        let m = prepared.segment(ord as u32, reader, fields, cache)?;
        let n = m.results.count();
        total += n;
        let of_matched = match &text_only {
            Some(key) => {
                let key =
                    format!("{key} {} {} {}", req.today, req.include_expired, reader.num_deleted_docs());
                Some(m.data.cached_tally(&key, || {
                    let mut t = vec![0; m.data.codes.len()];
                    count_over(&m.data, &m.matched, &(0..Dim::ALL.len()).collect::<Vec<_>>(), &mut t);
                    t
                })?)
            }
            None => None,
        };
        let mut tally = vec![0u64; m.data.codes.len()];
        count_facets(&m.data, &m.matched, &m.selected, of_matched.as_ref().map(|t| t.as_slice()), &mut tally);
        add_tally(&m.data, &tally, &mut counts);
        if window == 0 || m.results.is_empty() {
            continue;
        }
        let distance = |doc: u32| {
            if req.near.is_some() {
                prepared.area.check(m.data.points(doc), m.data.xyz(doc)).flatten()
            } else {
                None
            }
        };
        let candidate = |doc: u32, score: f32| ranked(req, text, &m.data, m.ord, doc, score, distance(doc));
        let single = match (&prepared.text, &m.words[..]) {
            (Some(t), [sets]) if by_score => Some((&t.words[0], sets)),
            _ => None,
        };
        // Takes a champion list's documents that are results, best first, until the page is
        // full; whether the rest of the word's documents must still be looked at, and the last
        // entry of the list (all of the rest ranks after it).
        let walk = |top: &mut TopK, champions: &Champions| {
            let mut taken = 0;
            for &(doc, score) in &champions.docs {
                if taken >= window {
                    break;
                }
                if m.results.contains(doc) {
                    taken += 1;
                    top.offer(candidate(doc, score));
                }
            }
            let last = champions.docs.last().map(|&(doc, score)| (score, m.data.sort_key[doc as usize]));
            // The rest of the word's documents rank after the list's last entry: they are
            // needed only while that entry would still enter the page (which other segments
            // may have filled already).
            let rest = taken < window
                && champions.truncated
                && champions.docs.last().is_some_and(|&(doc, score)| {
                    top.worst().is_none_or(|w| candidate(doc, score).better(&w) == Ordering::Greater)
                });
            (rest, last)
        };
        let after = |last: Option<(f32, u64)>, doc: u32, score: f32| {
            last.is_none_or(|(s, k)| score < s || (score == s && m.data.sort_key[doc as usize] > k))
        };
        if req.sort == Sort::Distance
            && let Some(cells) = prepared.area.cells_by_distance(&m.data)
        {
            // Nearest first: the cells in order of distance, until the next cell is farther
            // than the page's farthest entry. Scores (shown, not ranked by) are computed
            // afterwards for what entered, in ascending order as the scorers need.
            let mut near = TopK::new(window);
            let mut seen = std::collections::HashSet::new();
            for (bound, docs) in cells {
                if near.worst().is_some_and(|w| -w.primary < bound) {
                    break;
                }
                for &GridPoint { doc, .. } in docs {
                    // A document with points in several cells is listed in each.
                    if !m.results.contains(doc) || (m.data.points(doc).len() > 1 && !seen.insert(doc)) {
                        continue;
                    }
                    near.offer(candidate(doc, 0.0));
                }
            }
            if text {
                let mut scorer = prepared.scorer(&m)?;
                near.rescore(m.ord, |doc| scorer.score(doc));
            }
            near.into_ranked().into_iter().for_each(|c| top.offer(c));
            continue;
        }
        match single {
            Some((plan, sets)) => {
                if let Some(union) = &plan.union {
                    // The word's best documents first, from its champion list.
                    let key = format!("{} @{}", plan.key, searcher.generation().generation_id());
                    let champions = m.data.cached_champions(&key, || {
                        champion_list(union.as_ref(), reader, &m.data, cache.champions)
                    })?;
                    if let (true, last) = walk(&mut top, &champions) {
                        // The list ran out first (a selective filter, a deep page). When few
                        // of the word's documents are results, those are scored one by one;
                        // otherwise block-max pruning goes over the word's documents.
                        let left = m.results.intersection_count(&sets.terms);
                        if left * 8 < sets.terms.count() {
                            let mut scorer = prepared.scorer(&m)?;
                            for doc in m.results.intersection(&sets.terms) {
                                let score = scorer.score(doc);
                                if after(last, doc, score) {
                                    top.offer(candidate(doc, score));
                                }
                            }
                        } else {
                            union.for_each_pruning(top.threshold(), reader, &mut |doc, score| {
                                let score = quantize(score);
                                if after(last, doc, score) && m.results.contains(doc) {
                                    top.offer(candidate(doc, score));
                                }
                                top.threshold()
                            })?;
                        }
                    }
                }
                // What only the expansions match scores at most the sum of their constants:
                // once the page's worst entry scores more, none of it can enter. Otherwise
                // its best first, from a champion list of its own.
                let most = f64::from(quantize(sets.expansions.iter().map(|(_, b)| b).sum()));
                if !sets.expansions.is_empty() && top.worst().is_none_or(|w| w.primary <= most) {
                    let key = format!("{} only", plan.name());
                    let champions = m
                        .data
                        .cached_champions(&key, || Ok(expansion_champions(sets, &m.data, cache.champions)))?;
                    if let (true, last) = walk(&mut top, &champions) {
                        for doc in m.results.difference(&sets.terms) {
                            let score = quantize(expansion_score(&sets.expansions, doc));
                            if after(last, doc, score) {
                                top.offer(candidate(doc, score));
                            }
                        }
                    }
                }
            }
            None if by_score => {
                let mut scorer = prepared.scorer(&m)?;
                for doc in m.results.iter() {
                    top.offer(candidate(doc, scorer.score(doc)));
                }
            }
            None => {
                // Ordered by date. When results are many, the segment's documents newest
                // first are walked until the page is full: its first `window` results are
                // this segment's best, in order. (The walk reads about `window × max_doc /
                // results` documents.) Few results are each offered to the page.
                if (window as u64) * u64::from(m.data.max_doc) <= 4 * n * n {
                    m.data
                        .newest
                        .iter()
                        .filter(|&&doc| m.results.contains(doc))
                        .take(window)
                        .for_each(|&doc| top.offer(candidate(doc, 0.0)));
                } else {
                    m.results.iter().for_each(|doc| top.offer(candidate(doc, 0.0)));
                }
                // The score is shown, not ranked by: computed only for what entered.
                if text {
                    let mut scorer = prepared.scorer(&m)?;
                    top.rescore(m.ord, |doc| scorer.score(doc));
                }
            }
        }
    }
    let ranked = top.into_ranked();
    let start = ((req.page - 1) * req.page_size) as usize;
    let results = ranked
        .iter()
        .skip(start)
        .map(|r| hit(searcher, req, &parsed, r))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let facets = facet_lists(req, counts);
    Ok(SearchResponse {
        total,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
        page: req.page,
        page_size: req.page_size,
        results,
        facets,
    })
}

/// The [`Champions`] of a word (its terms' union) in a segment: every document it matches
/// scored once, the best kept in the order of the results (score, then the stable key).
fn champion_list(
    union: &dyn Weight,
    reader: &SegmentReader,
    data: &SegmentData,
    size: usize,
) -> tantivy::Result<Champions> {
    let mut best: BinaryHeap<Ranked> = BinaryHeap::with_capacity(size + 1);
    let mut matched = 0usize;
    union.for_each(reader, &mut |doc, score| {
        matched += 1;
        let score = quantize(score);
        keep_best(
            &mut best,
            Ranked {
                primary: f64::from(score),
                key: data.sort_key[doc as usize],
                segment: 0,
                doc,
                score,
                chord2: None,
            },
            size,
        );
    })?;
    Ok(champions_of(best, matched, size))
}

/// The [`Champions`] of what only a word's expansions match (not its terms): scored by their
/// constants, the best kept in the order of the results.
fn expansion_champions(sets: &WordSets, data: &SegmentData, size: usize) -> Champions {
    let mut any = BitSet::empty(data.max_doc);
    for (set, _) in &sets.expansions {
        any.union_with(set);
    }
    let mut best: BinaryHeap<Ranked> = BinaryHeap::with_capacity(size + 1);
    let mut matched = 0usize;
    for doc in any.difference(&sets.terms) {
        matched += 1;
        let score = quantize(expansion_score(&sets.expansions, doc));
        keep_best(
            &mut best,
            Ranked {
                primary: f64::from(score),
                key: data.sort_key[doc as usize],
                segment: 0,
                doc,
                score,
                chord2: None,
            },
            size,
        );
    }
    champions_of(best, matched, size)
}

fn keep_best(best: &mut BinaryHeap<Ranked>, c: Ranked, size: usize) {
    if best.len() < size {
        best.push(c);
    } else if best.peek().is_some_and(|worst| c.better(worst) == Ordering::Greater) {
        best.pop();
        best.push(c);
    }
}

fn champions_of(best: BinaryHeap<Ranked>, matched: usize, size: usize) -> Champions {
    let mut docs = best.into_vec();
    docs.sort_by(|a, b| b.better(a));
    Champions { docs: docs.into_iter().map(|r| (r.doc, r.score)).collect(), truncated: matched > size }
}

/// Adds this segment's facet counts (per value code, to `tally`): for each filter, over the
/// matches that pass every other filter. Each group of counts comes from popcounts of the
/// values' bit sets against its base set or from the value codes of the base's documents,
/// whichever reads less: a popcount costs the same for any number of matches, the codes grow
/// with the matches. `of_matched`, when given, holds the counts over all of `matched`
/// (remembered for text-only searches), which is the base of a filter that is the only one
/// selected.
fn count_facets(
    data: &SegmentData,
    matched: &BitSet,
    selected: &[Option<BitSet>],
    of_matched: Option<&[u64]>,
    tally: &mut [u64],
) {
    let selections = selected.iter().filter(|s| s.is_some()).count();
    if let (Some(t), 0) = (of_matched, selections) {
        tally.iter_mut().zip(t).for_each(|(a, b)| *a += b);
        return;
    }
    let n = matched.count();
    if n == 0 {
        return;
    }
    let all: Vec<usize> = (0..Dim::ALL.len()).collect();
    // The matches that pass every filter: the base of every filter without a selection.
    let mut passing = matched.clone();
    for s in selected.iter().flatten() {
        passing.intersect_with(s);
    }
    let free: Vec<usize> = all.iter().copied().filter(|&i| selected[i].is_none()).collect();
    // The base of each selected filter: the matches that pass every other filter (not needed
    // when the remembered counts over all matches are that base).
    let remembered = of_matched.filter(|_| selections == 1);
    let bases: Vec<(usize, Option<BitSet>)> = selected
        .iter()
        .enumerate()
        .filter(|(_, own)| own.is_some())
        .map(|(i, _)| {
            let base = remembered.is_none().then(|| {
                let mut base = matched.clone();
                for (j, s) in selected.iter().enumerate() {
                    if let (true, Some(s)) = (j != i, s) {
                        base.intersect_with(s);
                    }
                }
                base
            });
            (i, base)
        })
        .collect();
    // Each document's codes hold its values in every filter at once: for few matches, reading
    // them once beats counting each filter over its own base.
    if of_matched.is_none() {
        let split = count_cost(data, passing.count(), &free)
            + bases
                .iter()
                .flat_map(|(i, b)| b.as_ref().map(|b| count_cost(data, b.count(), &[*i])))
                .sum::<u64>();
        if n * doc_cost(data) < split {
            count_facets_per_document(data, matched, selected, tally);
            return;
        }
    }
    count_over(data, &passing, &free, tally);
    for (i, base) in bases {
        match (base, remembered) {
            (Some(base), _) => count_over(data, &base, &[i], tally),
            (None, Some(t)) => {
                let codes = codes_of(data, i);
                tally[codes.clone()].iter_mut().zip(&t[codes]).for_each(|(a, b)| *a += b);
            }
            (None, None) => {}
        }
    }
}

/// What reading one document's value codes costs, in words of a popcount: about two per code,
/// and the wait for memory the search has not read yet (a popcount streams its words, the
/// documents lie scattered).
fn doc_cost(data: &SegmentData) -> u64 {
    const READ: u64 = 24;
    let codes_per_doc = (data.doc_codes.len() as u64).div_ceil(u64::from(data.max_doc).max(1)).max(1);
    codes_per_doc * 2 + READ
}

/// What counting the values of `dims` by popcounts costs, in words: every word of the
/// segment once per value, whatever the number of documents.
fn popcount_cost(data: &SegmentData, dims: &[usize]) -> u64 {
    let values: u64 = dims.iter().map(|&i| data.values[i].len() as u64).sum();
    values * u64::from(data.max_doc).div_ceil(64)
}

/// The cost of counting the values of `dims` over `n` documents, in words: by popcounts or
/// from the documents' codes, whichever is less.
fn count_cost(data: &SegmentData, n: u64, dims: &[usize]) -> u64 {
    (n * doc_cost(data)).min(popcount_cost(data, dims))
}

/// Whether counting the values of `dims` over `n` documents is cheaper from the documents'
/// value codes than by popcounts.
fn by_codes(data: &SegmentData, n: u64, dims: &[usize]) -> bool {
    n * doc_cost(data) < popcount_cost(data, dims)
}

/// Adds the counts of the values of `dims` over the documents of `base` to `tally`.
fn count_over(data: &SegmentData, base: &BitSet, dims: &[usize], tally: &mut [u64]) {
    if dims.is_empty() {
        return;
    }
    let n = base.count();
    if n == 0 {
        return;
    }
    if by_codes(data, n, dims) {
        let mut wanted = vec![false; data.codes.len()];
        for &i in dims {
            let range = codes_of(data, i);
            wanted[range].iter_mut().for_each(|w| *w = true);
        }
        data.for_each_doc_values(base.iter(), |_, codes| {
            for &c in codes {
                if wanted[c as usize] {
                    tally[c as usize] += 1;
                }
            }
        });
        return;
    }
    for &i in dims {
        for (k, set) in data.values[i].values().enumerate() {
            tally[data.dim_start[i] + k] += base.intersection_count(set);
        }
    }
}

/// Adds per-code counts to the counts by filter and value.
fn add_tally(data: &SegmentData, tally: &[u64], counts: &mut [HashMap<String, u64>]) {
    for (code, &n) in tally.iter().enumerate() {
        if n > 0 {
            let (dim, value) = &data.codes[code];
            *counts[*dim].entry(value.clone()).or_default() += n;
        }
    }
}

/// The same counts as [`count_facets`], from the documents' value codes: for few matches this
/// reads far less than a popcount over the whole segment per value. A match that passes every
/// selection counts in every filter; one that fails exactly one selection counts only in that
/// filter (whose own selection its counts ignore); one that fails two counts nowhere.
fn count_facets_per_document(
    data: &SegmentData,
    matched: &BitSet,
    selected: &[Option<BitSet>],
    tally: &mut [u64],
) {
    let selections: Vec<(usize, &BitSet)> =
        selected.iter().enumerate().filter_map(|(i, s)| s.as_ref().map(|s| (i, s))).collect();
    // How many selections a document fails, and the last one it fails.
    let failing = |doc: u32| {
        let mut failed = None;
        let mut fails = 0;
        for &(i, s) in &selections {
            if !s.contains(doc) {
                fails += 1;
                failed = Some(i);
            }
        }
        (fails, failed)
    };
    let counted = matched.iter().filter(|&doc| failing(doc).0 <= 1);
    data.for_each_doc_values(counted, |doc, own| match failing(doc) {
        (0, _) => own.iter().for_each(|&c| tally[c as usize] += 1),
        (1, Some(dim)) => {
            let range = codes_of(data, dim);
            own.iter().filter(|&&c| range.contains(&(c as usize))).for_each(|&c| tally[c as usize] += 1)
        }
        _ => {}
    });
}

/// The value codes of filter `dim` (see [`SegmentData::codes`]).
fn codes_of(data: &SegmentData, dim: usize) -> std::ops::Range<usize> {
    data.dim_start[dim]..data.dim_start[dim] + data.values[dim].len()
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

/// Builds a result from the stored summary of its offer.
fn hit(searcher: &Searcher, req: &SearchRequest, parsed: &ParsedQuery, r: &Ranked) -> tantivy::Result<Hit> {
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
                            area.check(&[p], &[lotse_geo::unit_vector(LatLon { lat: p.0, lon: p.1 })])
                                .is_some(),
                            expect,
                            "{lat},{lon} r={radius_km} bearing {step}"
                        );
                    }
                }
            }
        }
    }
}
