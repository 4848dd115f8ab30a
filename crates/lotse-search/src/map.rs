//! What the map, the exports and the search field's suggestions need besides a page of
//! results: clusters of all results in a map window, every result of a search in order, and
//! suggestions as the user types.

use lotse_standard::Offer;
use lotse_standard::vocab::vocabularies;
use serde::Serialize;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::analysis;
use crate::engine::{self, parse_query};
use crate::request::SearchRequest;
use crate::schema::{Fields, IndexedPoint};
use crate::segment::SegmentCache;
use crate::summary::{HitDoc, Summary, SummaryPoint};

/// From this zoom level on, the map shows single offers instead of clusters.
pub const SINGLES_FROM_ZOOM: u8 = 15;
/// The most single offers a map answer names (each one is read from the document store).
pub const MAX_SINGLES: usize = 500;

/// A cluster of results, or a single result (`count` 1 with its id and title).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    pub lat: f64,
    pub lon: f64,
    pub count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// The clusters of a map window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clusters {
    pub total: u64,
    pub zoom: u8,
    pub clusters: Vec<Cluster>,
    /// More single offers lay in the window than [`MAX_SINGLES`].
    pub truncated: bool,
    pub took_ms: f64,
}

#[derive(Default)]
struct Cell {
    lat: f64,
    lon: f64,
    count: u64,
    first: Option<DocAddress>,
}

/// Clusters every result of `req` (which has a `bbox`) on a grid of about 64 pixels at `zoom`
/// (web-map zoom levels, 256-pixel tiles): each result counts once, at its first location in
/// the window.
pub(crate) fn clusters(
    searcher: &Searcher,
    fields: &Fields,
    cache: &SegmentCache,
    req: &SearchRequest,
    zoom: u8,
) -> tantivy::Result<Clusters> {
    let started = std::time::Instant::now();
    let parsed = parse_query(&req.q);
    let cell_deg = 360.0 / f64::from(1u32 << zoom.min(22)) / 4.0;
    let singles = zoom >= SINGLES_FROM_ZOOM;
    let mut cells: std::collections::HashMap<(i64, i64), Cell> = std::collections::HashMap::new();
    let mut single_docs: Vec<(f64, f64, DocAddress)> = Vec::new();
    let mut truncated = false;
    let total =
        engine::pass(searcher, fields, cache, req, &parsed, false, &mut |data, segment, doc, _, _| {
            let inside = data.points(doc).iter().find(|(lat, lon)| {
                req.bbox.is_none_or(|b| b.contains(lotse_geo::LatLon { lat: *lat, lon: *lon }))
            });
            let Some(&(lat, lon)) = inside else { return };
            let address = DocAddress::new(segment, doc);
            if singles {
                if single_docs.len() < MAX_SINGLES {
                    single_docs.push((lat, lon, address));
                } else {
                    truncated = true;
                }
                return;
            }
            let key = ((lat / cell_deg).floor() as i64, (lon / cell_deg).floor() as i64);
            let cell = cells.entry(key).or_default();
            cell.lat += lat;
            cell.lon += lon;
            cell.count += 1;
            cell.first.get_or_insert(address);
        })?;
    let single = |lat, lon, address| -> tantivy::Result<Cluster> {
        let HitDoc(text) = searcher.doc(address)?;
        let summary = Summary::decode(&text);
        let title =
            summary.as_ref().and_then(|s| Summary::pick(&s.title, &req.lang)).map(|(_, t)| t.to_owned());
        Ok(Cluster { lat, lon, count: 1, id: summary.map(|s| s.hub_id.to_owned()), title })
    };
    let mut out = Vec::new();
    for (lat, lon, address) in single_docs {
        out.push(single(lat, lon, address)?);
    }
    let mut cells: Vec<((i64, i64), Cell)> = cells.into_iter().collect();
    // A stable order: the same window gives the same answer.
    cells.sort_by_key(|(k, _)| *k);
    for (_, c) in cells {
        let (lat, lon) = (c.lat / c.count as f64, c.lon / c.count as f64);
        match (c.count, c.first) {
            (1, Some(address)) => out.push(single(lat, lon, address)?),
            _ => out.push(Cluster { lat, lon, count: c.count, id: None, title: None }),
        }
    }
    Ok(Clusters { total, zoom, clusters: out, truncated, took_ms: started.elapsed().as_secs_f64() * 1000.0 })
}

/// One offer of an export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportItem {
    pub hub_id: String,
    pub offer: Offer,
    pub points: Vec<IndexedPoint>,
}

/// Every result of a search, read in batches: what an export streams. It holds the searcher
/// it was made with, so a long download sees one consistent state of the index.
pub struct Export {
    searcher: Searcher,
    fields: Fields,
    docs: Vec<DocAddress>,
    next: usize,
}

impl Export {
    pub(crate) fn new(
        searcher: Searcher,
        fields: Fields,
        cache: &SegmentCache,
        req: &SearchRequest,
    ) -> tantivy::Result<Export> {
        let docs = engine::all_results(&searcher, &fields, cache, req)?;
        Ok(Export { searcher, fields, docs, next: 0 })
    }

    /// The number of offers in the export.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The next up to `n` offers; empty at the end.
    pub fn next_batch(&mut self, n: usize) -> tantivy::Result<Vec<ExportItem>> {
        let end = (self.next + n).min(self.docs.len());
        let mut out = Vec::with_capacity(end - self.next);
        for &address in &self.docs[self.next..end] {
            let doc: TantivyDocument = self.searcher.doc(address)?;
            let unreadable =
                |what: &str| tantivy::TantivyError::InternalError(format!("stored {what} unreadable"));
            let summary = doc
                .get_first(self.fields.summary)
                .and_then(|v| v.as_str())
                .and_then(Summary::decode)
                .ok_or_else(|| unreadable("summary"))?;
            let stored = doc.get_first(self.fields.offer).and_then(|v| v.as_str()).unwrap_or_default();
            let mut offer: Offer =
                serde_json::from_str(stored).map_err(|e| unreadable(&format!("offer ({e})")))?;
            summary.restore(&mut offer);
            out.push(ExportItem {
                hub_id: summary.hub_id.to_owned(),
                offer,
                points: summary.points.iter().map(SummaryPoint::to_indexed).collect(),
            });
        }
        self.next = end;
        Ok(out)
    }
}

/// A suggestion for the search field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// `offer_type`, `category`, `municipality`, `title` or `provider`.
    pub kind: &'static str,
    /// What to show.
    pub text: String,
    /// What to use: a code for filters, the hub id for a title, the name for a provider.
    pub value: String,
}

/// Whether one of the words of `label` starts with `typed` (both folded).
fn word_starts_with(label: &str, typed: &str) -> bool {
    analysis::fold(label).split(|c: char| !c.is_alphanumeric()).any(|w| w.starts_with(typed))
}

/// Suggestions for what the user has typed: offer types and categories by their labels,
/// municipalities by name, then titles and providers of the best results.
pub(crate) fn suggest(
    searcher: &Searcher,
    fields: &Fields,
    cache: &SegmentCache,
    q: &str,
    lang: &str,
    limit: usize,
) -> tantivy::Result<Vec<Suggestion>> {
    let typed = analysis::fold(q.trim());
    if typed.chars().count() < 2 {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let v = vocabularies();
    for (kind, vocab) in [("offer_type", &v.offer_types), ("category", &v.categories)] {
        for c in &vocab.codes {
            let label = if lang == "en" { &c.label.en } else { &c.label.de };
            if word_starts_with(label, &typed) || word_starts_with(&c.label.de, &typed) {
                out.push(Suggestion { kind, text: label.clone(), value: c.code.clone() });
            }
        }
    }
    for m in &lotse_geo::ruhr().municipalities {
        if word_starts_with(&m.name, &typed) {
            out.push(Suggestion { kind: "municipality", text: m.name.clone(), value: m.ags.clone() });
        }
    }
    // Filters the user can pick take at most half of the list; the rest is for offers.
    out.truncate(limit / 2);
    let req =
        SearchRequest { q: q.to_owned(), page_size: 10, lang: lang.to_owned(), ..SearchRequest::default() };
    let answer = engine::search(searcher, fields, cache, &req)?;
    let mut providers: Vec<String> = Vec::new();
    for hit in &answer.results {
        out.push(Suggestion { kind: "title", text: hit.title.clone(), value: hit.id.clone() });
        if word_starts_with(&hit.provider, &typed) && !providers.contains(&hit.provider) {
            providers.push(hit.provider.clone());
        }
    }
    out.extend(providers.into_iter().map(|p| Suggestion { kind: "provider", text: p.clone(), value: p }));
    out.truncate(limit);
    Ok(out)
}
