//! The search over standard 1.1's kinds — institutions, networks, projects — held in memory.
//!
//! These kinds come by the ten or hundred thousand, not by the million, and their documents are
//! small: a name, a few codes, a place. An in-memory index answers a search with facets by
//! walking the candidate documents once, which at 100,000 records is a fraction of a
//! millisecond, and needs neither segments nor a disk. The hub rebuilds it at start from its
//! store and keeps it current by following the store's change numbers, as it does for offers.
//!
//! Text is analysed like the offers' (`crate::analysis`: folding, stemming): a word matches a
//! document holding the same stem, and the last word of the query also matches as a prefix of
//! a folded word, for searching while typing. Words are interned once for the whole index
//! ([`Terms`]), so a document holds numbers, not strings: at 160,000 records that is the
//! difference between a hundred megabytes and most of a gigabyte. Facets are multi-select:
//! each facet's counts apply every filter but its own.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use lotse_geo::{LatLon, haversine_m};
use lotse_standard::rpde::Kind;
use serde::Serialize;
use serde_json::Value;

use crate::analysis;

/// A facet of the new kinds, with the request parameter that filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordFacet {
    /// An institution's kind (`kita`, `schule`, …).
    OrganizationKind,
    SchoolType,
    LifePhase,
    TargetGroup,
    Language,
    /// A project's status.
    Status,
    /// The municipalities of the record's places and service area.
    Municipality,
}

impl RecordFacet {
    pub const ALL: [RecordFacet; 7] = [
        RecordFacet::OrganizationKind,
        RecordFacet::SchoolType,
        RecordFacet::LifePhase,
        RecordFacet::TargetGroup,
        RecordFacet::Language,
        RecordFacet::Status,
        RecordFacet::Municipality,
    ];

    /// The query parameter (the same names as the offers' search where they mean the same).
    pub fn param(self) -> &'static str {
        match self {
            RecordFacet::OrganizationKind => "organization_kind",
            RecordFacet::SchoolType => "school_type",
            RecordFacet::LifePhase => "life_phase",
            RecordFacet::TargetGroup => "target_group",
            RecordFacet::Language => "language",
            RecordFacet::Status => "status",
            RecordFacet::Municipality => "ags",
        }
    }

    /// The facets a kind has.
    pub fn of(kind: Kind) -> &'static [RecordFacet] {
        match kind {
            Kind::Organization => &[
                RecordFacet::OrganizationKind,
                RecordFacet::SchoolType,
                RecordFacet::LifePhase,
                RecordFacet::Language,
                RecordFacet::Municipality,
            ],
            Kind::Network => &[RecordFacet::LifePhase, RecordFacet::TargetGroup, RecordFacet::Municipality],
            Kind::Project => &[
                RecordFacet::Status,
                RecordFacet::LifePhase,
                RecordFacet::TargetGroup,
                RecordFacet::Municipality,
            ],
            Kind::Offer => &[],
        }
    }
}

/// A record as the index holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordDoc {
    /// `{node_id}/{id}`.
    pub hub_id: String,
    pub kind: Kind,
    /// The name or title by language.
    pub titles: BTreeMap<String, String>,
    /// Where the hub shows it.
    pub point: Option<LatLon>,
    pub ags: Option<String>,
    /// `(facet, code)` pairs, each once.
    pub codes: Vec<(RecordFacet, String)>,
    /// The same as numbers of the index's code dictionary, once the document is in an index.
    code_ids: Box<[(RecordFacet, u32)]>,
    /// The words of its texts, as the analysis gives them; interned when the document enters
    /// the index.
    words: Words,
}

/// A document's words: stems and folded forms, the title's stems apart (they rank first).
#[derive(Debug, Clone, PartialEq, Default)]
enum Words {
    /// As analysed, before the document enters an index.
    Text {
        stems: BTreeSet<String>,
        folded: BTreeSet<String>,
        title_stems: BTreeSet<String>,
    },
    /// Interned: sorted term numbers.
    #[default]
    Empty,
    Interned {
        stems: Box<[u32]>,
        folded: Box<[u32]>,
        title_stems: Box<[u32]>,
    },
}

/// Every word of the index once, numbered; folded words also in order, for prefixes.
#[derive(Debug, Default)]
struct Terms {
    ids: HashMap<String, u32>,
    /// Folded words in order, for the prefix of the last query word.
    folded: BTreeMap<String, u32>,
}

impl Terms {
    fn intern(&mut self, word: &str) -> u32 {
        if let Some(id) = self.ids.get(word) {
            return *id;
        }
        let id = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        self.ids.insert(word.to_owned(), id);
        id
    }

    fn intern_all(&mut self, words: &BTreeSet<String>) -> Box<[u32]> {
        let mut ids: Vec<u32> = words.iter().map(|w| self.intern(w)).collect();
        ids.sort_unstable();
        ids.into()
    }

    fn intern_folded(&mut self, words: &BTreeSet<String>) -> Box<[u32]> {
        let mut ids = Vec::with_capacity(words.len());
        for w in words {
            let id = self.intern(w);
            self.folded.entry(w.clone()).or_insert(id);
            ids.push(id);
        }
        ids.sort_unstable();
        ids.into()
    }
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

fn lang_texts(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_object)
        .map(|m| m.values().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

impl RecordDoc {
    /// The document of a record from its canonical JSON and the hub's placement.
    pub fn new(
        kind: Kind,
        hub_id: String,
        data: &Value,
        point: Option<LatLon>,
        ags: Option<String>,
    ) -> RecordDoc {
        let titles: BTreeMap<String, String> = data
            .get(kind.title_member())
            .and_then(|m| serde_json::from_value(m.clone()).ok())
            .unwrap_or_default();
        let mut codes = Vec::new();
        let mut add =
            |facet: RecordFacet, values: Vec<String>| codes.extend(values.into_iter().map(|c| (facet, c)));
        match kind {
            Kind::Organization => {
                add(
                    RecordFacet::OrganizationKind,
                    data.get("kind").and_then(Value::as_str).map(str::to_owned).into_iter().collect(),
                );
                add(
                    RecordFacet::SchoolType,
                    data.get("school_type").and_then(Value::as_str).map(str::to_owned).into_iter().collect(),
                );
                add(RecordFacet::LifePhase, strings(data, "life_phases"));
                add(RecordFacet::Language, strings(data, "languages"));
            }
            Kind::Network => {
                add(RecordFacet::LifePhase, strings(data, "life_phases"));
                add(RecordFacet::TargetGroup, strings(data, "target_groups"));
            }
            Kind::Project => {
                add(
                    RecordFacet::Status,
                    data.get("status").and_then(Value::as_str).map(str::to_owned).into_iter().collect(),
                );
                add(RecordFacet::LifePhase, strings(data, "life_phases"));
                add(RecordFacet::TargetGroup, strings(data, "target_groups"));
            }
            Kind::Offer => {}
        }
        let mut municipalities: BTreeSet<String> = strings(data, "service_area").into_iter().collect();
        for l in data.get("locations").and_then(Value::as_array).cloned().unwrap_or_default() {
            if let Some(a) = l.get("ags").and_then(Value::as_str) {
                municipalities.insert(a.to_owned());
            }
        }
        municipalities.extend(ags.clone());
        codes.extend(municipalities.into_iter().map(|a| (RecordFacet::Municipality, a)));

        let mut texts: Vec<String> = titles.values().cloned().collect();
        let title_stems: BTreeSet<String> =
            texts.iter().flat_map(|t| analysis::words(t)).map(|w| w.stem).collect();
        for key in ["description", "summary", "topic", "goals"] {
            texts.extend(lang_texts(data, key));
        }
        let mut stems = BTreeSet::new();
        let mut folded = BTreeSet::new();
        for t in &texts {
            for w in analysis::words(t) {
                stems.insert(w.stem);
                folded.insert(w.folded);
            }
        }
        let words = Words::Text { stems, folded, title_stems };
        codes.sort();
        codes.dedup();
        RecordDoc { hub_id, kind, titles, point, ags, codes, code_ids: Box::new([]), words }
    }

    /// The title in `lang`, else German, else any.
    pub fn title(&self, lang: &str) -> &str {
        self.titles
            .get(lang)
            .or_else(|| self.titles.get("de"))
            .or_else(|| self.titles.values().next())
            .map_or("", String::as_str)
    }

    /// Whether the document holds one of `values` (code numbers) of `facet`.
    fn has(&self, facet: RecordFacet, values: &[u32]) -> bool {
        self.code_ids.iter().any(|(f, c)| *f == facet && values.contains(c))
    }
}

/// A search of one kind.
#[derive(Debug, Clone, Default)]
pub struct RecordQuery {
    pub q: Option<String>,
    /// Filters by facet; within a facet any value matches.
    pub filters: HashMap<RecordFacet, Vec<String>>,
    /// Around a point, within a radius in metres.
    pub near: Option<(LatLon, f64)>,
    /// From 1.
    pub page: usize,
    pub page_size: usize,
    pub lang: String,
}

/// A result.
#[derive(Debug, Clone, Serialize)]
pub struct RecordHit {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub ags: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Metres from `near`, when the search has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<f64>,
}

/// One value of a facet with its count.
#[derive(Debug, Clone, Serialize)]
pub struct RecordFacetValue {
    pub value: String,
    pub count: usize,
    pub selected: bool,
}

/// The answer.
#[derive(Debug, Clone, Serialize)]
pub struct RecordSearchResponse {
    pub kind: String,
    pub total: usize,
    pub page: usize,
    pub page_size: usize,
    pub results: Vec<RecordHit>,
    /// Counts per facet parameter, most frequent first.
    pub facets: BTreeMap<&'static str, Vec<RecordFacetValue>>,
}

/// The in-memory index of the new kinds.
#[derive(Debug, Default)]
pub struct RecordIndex {
    docs: Vec<Option<RecordDoc>>,
    terms: Terms,
    /// The slots of the documents holding each term (stems and folded words). A slot stays
    /// listed after its document changed; a search checks each candidate's own words, so a
    /// stale entry only costs that check.
    postings: HashMap<u32, Vec<u32>>,
    by_id: HashMap<(Kind, String), usize>,
    /// Free slots of removed documents.
    free: Vec<usize>,
    /// How far the index has followed the store's change numbers, per kind.
    positions: HashMap<Kind, i64>,
    /// Every facet code once, numbered, so that counting is indexing a vector.
    code_ids: HashMap<String, u32>,
    code_names: Vec<String>,
}

impl RecordIndex {
    pub fn new() -> RecordIndex {
        RecordIndex::default()
    }

    /// The position in the store's change numbers up to which `kind` is applied.
    pub fn position(&self, kind: Kind) -> i64 {
        self.positions.get(&kind).copied().unwrap_or(0)
    }

    pub fn set_position(&mut self, kind: Kind, position: i64) {
        self.positions.insert(kind, position);
    }

    /// Number of live documents of `kind`.
    pub fn len(&self, kind: Kind) -> usize {
        self.docs.iter().flatten().filter(|d| d.kind == kind).count()
    }

    pub fn upsert(&mut self, mut doc: RecordDoc) {
        // Words of a document removed or replaced stay in the dictionary: the vocabulary of the
        // region's records is bounded, and a rebuild at start begins afresh.
        if let Words::Text { stems, folded, title_stems } = std::mem::take(&mut doc.words) {
            doc.words = Words::Interned {
                stems: self.terms.intern_all(&stems),
                folded: self.terms.intern_folded(&folded),
                title_stems: self.terms.intern_all(&title_stems),
            };
        }
        let mut ids: Vec<(RecordFacet, u32)> = doc
            .codes
            .iter()
            .map(|(facet, code)| {
                let id = match self.code_ids.get(code) {
                    Some(id) => *id,
                    None => {
                        let id = u32::try_from(self.code_names.len()).unwrap_or(u32::MAX);
                        self.code_ids.insert(code.clone(), id);
                        self.code_names.push(code.clone());
                        id
                    }
                };
                (*facet, id)
            })
            .collect();
        ids.sort_unstable();
        doc.code_ids = ids.into();
        let key = (doc.kind, doc.hub_id.clone());
        let slot = match self.by_id.get(&key) {
            Some(&slot) => slot,
            None => {
                let slot = self.free.pop().unwrap_or_else(|| {
                    self.docs.push(None);
                    self.docs.len() - 1
                });
                self.by_id.insert(key, slot);
                slot
            }
        };
        if let Words::Interned { stems, folded, .. } = &doc.words {
            let number = u32::try_from(slot).unwrap_or(u32::MAX);
            for term in stems.iter().chain(folded.iter()) {
                let list = self.postings.entry(*term).or_default();
                if list.last() != Some(&number) {
                    list.push(number);
                }
            }
        }
        self.docs[slot] = Some(doc);
    }

    /// The slots that may hold query word `i`: its stem's documents, and for the last word the
    /// documents of every folded word it begins.
    fn candidates(&self, stem: Option<u32>, prefixes: &HashSet<u32>) -> Vec<u32> {
        let mut slots = Vec::new();
        for term in stem.iter().chain(prefixes.iter()) {
            if let Some(list) = self.postings.get(term) {
                slots.extend_from_slice(list);
            }
        }
        // Sorted and each once, so that the words' lists intersect by binary search.
        slots.sort_unstable();
        slots.dedup();
        slots
    }

    pub fn remove(&mut self, kind: Kind, hub_id: &str) {
        if let Some(slot) = self.by_id.remove(&(kind, hub_id.to_owned())) {
            self.docs[slot] = None;
            self.free.push(slot);
        }
    }

    /// Searches the documents of `kind`.
    pub fn search(&self, kind: Kind, query: &RecordQuery) -> RecordSearchResponse {
        let words = query.q.as_deref().map(analysis::words).unwrap_or_default();
        let last = words.len().saturating_sub(1);
        // Each query word as term numbers: its stem (a word nobody used matches nothing), and
        // for the last word every folded word it begins.
        let stems: Vec<Option<u32>> = words.iter().map(|w| self.terms.ids.get(&w.stem).copied()).collect();
        let prefixes: HashSet<u32> = match words.last() {
            Some(w) => self
                .terms
                .folded
                .range(w.folded.clone()..)
                .take_while(|(f, _)| f.starts_with(&w.folded))
                .map(|(_, id)| *id)
                .collect(),
            None => HashSet::new(),
        };
        let facets = RecordFacet::of(kind);
        // Each facet's filter as code numbers: `None` without a filter, an empty list for values
        // no document holds (which then match nothing).
        let filters: Vec<Option<Vec<u32>>> = facets
            .iter()
            .map(|f| {
                query
                    .filters
                    .get(f)
                    .filter(|v| !v.is_empty())
                    .map(|values| values.iter().filter_map(|v| self.code_ids.get(v).copied()).collect())
            })
            .collect();
        // Each candidate with its score, distance and title; counts per facet by code number.
        let lang = if query.lang.is_empty() { "de" } else { query.lang.as_str() };
        let mut matched: Vec<(&RecordDoc, u32, Option<f64>, &str)> = Vec::new();
        let mut counts: Vec<Vec<usize>> = vec![vec![0; self.code_names.len()]; facets.len()];
        // With words, only the documents listed for every word are candidates (the smallest
        // list first); without, every document of the kind.
        let listed: Option<Vec<u32>> = (!words.is_empty()).then(|| {
            let none = HashSet::new();
            let mut lists: Vec<Vec<u32>> = stems
                .iter()
                .enumerate()
                .map(|(i, stem)| self.candidates(*stem, if i == last { &prefixes } else { &none }))
                .collect();
            lists.sort_by_key(Vec::len);
            let mut lists = lists.into_iter();
            let mut slots = lists.next().unwrap_or_default();
            for other in lists {
                slots.retain(|s| other.binary_search(s).is_ok());
            }
            slots
        });
        let docs: Box<dyn Iterator<Item = &RecordDoc>> = match &listed {
            Some(slots) => {
                Box::new(slots.iter().filter_map(|s| self.docs.get(*s as usize).and_then(Option::as_ref)))
            }
            None => Box::new(self.docs.iter().flatten()),
        };
        for doc in docs.filter(|d| d.kind == kind) {
            let mut score = 0;
            let mut text_ok = true;
            let (doc_stems, doc_folded, doc_title): (&[u32], &[u32], &[u32]) = match &doc.words {
                Words::Interned { stems, folded, title_stems } => (stems, folded, title_stems),
                _ => (&[], &[], &[]),
            };
            for (i, stem) in stems.iter().enumerate() {
                let exact = stem.is_some_and(|s| doc_stems.binary_search(&s).is_ok());
                // The prefix is tried only where the word itself is missing.
                let found = exact || (i == last && doc_folded.iter().any(|f| prefixes.contains(f)));
                if !found {
                    text_ok = false;
                    break;
                }
                score += if stem.is_some_and(|s| doc_title.binary_search(&s).is_ok()) { 3 } else { 1 };
            }
            if !text_ok {
                continue;
            }
            let distance = match (query.near, doc.point) {
                (Some((at, radius)), Some(p)) => {
                    let d = haversine_m(at, p);
                    if d > radius {
                        continue;
                    }
                    Some(d)
                }
                (Some(_), None) => continue,
                (None, _) => None,
            };
            // Which facet filters the document fails, one bit each: with none failing it is a
            // result; with exactly one failing it still counts for that facet (multi-select).
            let mut failing = 0u32;
            for (i, filter) in filters.iter().enumerate() {
                if let Some(values) = filter
                    && !doc.has(facets[i], values)
                {
                    failing |= 1 << i;
                }
            }
            if failing.count_ones() > 1 {
                continue;
            }
            for (i, facet) in facets.iter().enumerate() {
                if failing == 0 || failing == 1 << i {
                    for (f, code) in doc.code_ids.iter() {
                        if f == facet {
                            counts[i][*code as usize] += 1;
                        }
                    }
                }
            }
            if failing == 0 {
                matched.push((doc, score, distance, doc.title(lang)));
            }
        }
        let order = |a: &(&RecordDoc, u32, Option<f64>, &str), b: &(&RecordDoc, u32, Option<f64>, &str)| {
            b.1.cmp(&a.1)
                .then_with(|| a.2.partial_cmp(&b.2).unwrap_or(std::cmp::Ordering::Equal))
                .then_with(|| a.3.cmp(b.3))
                .then_with(|| a.0.hub_id.cmp(&b.0.hub_id))
        };
        let page_size = query.page_size.clamp(1, 100);
        let page = query.page.max(1);
        // Only the pages up to the one asked for are put in order.
        let end = (page * page_size).min(matched.len());
        if end > 0 && end < matched.len() {
            matched.select_nth_unstable_by(end - 1, order);
        }
        matched[..end].sort_by(order);
        let results = matched[..end]
            .iter()
            .skip((page - 1) * page_size)
            .map(|(d, _, distance, _)| RecordHit {
                id: d.hub_id.clone(),
                kind: d.kind.singular().to_owned(),
                title: d.title(lang).to_owned(),
                ags: d.ags.clone(),
                lat: d.point.map(|p| p.lat),
                lon: d.point.map(|p| p.lon),
                distance_m: *distance,
            })
            .collect();
        let facets = facets
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let selected = query.filters.get(f).cloned().unwrap_or_default();
                let mut values: Vec<RecordFacetValue> = counts[i]
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .map(|(code, n)| {
                        let value = self.code_names[code].clone();
                        RecordFacetValue { selected: selected.contains(&value), value, count: *n }
                    })
                    .collect();
                values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                (f.param(), values)
            })
            .collect();
        RecordSearchResponse {
            kind: kind.singular().to_owned(),
            total: matched.len(),
            page,
            page_size,
            results,
            facets,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn org(id: &str, name: &str, kind: &str, ags: &str) -> RecordDoc {
        let data =
            json!({"name": {"de": name}, "kind": kind, "life_phases": ["kita_3_6"], "service_area": [ags]});
        RecordDoc::new(
            Kind::Organization,
            format!("n/{id}"),
            &data,
            Some(LatLon::new(51.4, 6.9)),
            Some(ags.into()),
        )
    }

    #[test]
    fn words_stems_prefixes_and_multi_select_facets() {
        let mut index = RecordIndex::new();
        index.upsert(org("a", "Städtische Kita Sonnenschein", "kita", "05117000"));
        index.upsert(org("b", "Volkshochschule Mülheim", "volkshochschule", "05117000"));
        index.upsert(org("c", "Kita Regenbogen", "kita", "05113000"));
        let q = |q: Option<&str>, filters: &[(RecordFacet, &str)]| RecordQuery {
            q: q.map(str::to_owned),
            filters: filters.iter().fold(HashMap::new(), |mut m, (f, v)| {
                m.entry(*f).or_insert_with(Vec::new).push((*v).to_owned());
                m
            }),
            page: 1,
            page_size: 10,
            ..RecordQuery::default()
        };
        let ids = |r: &RecordSearchResponse| r.results.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
        assert_eq!(index.search(Kind::Organization, &q(Some("kita"), &[])).total, 2);
        assert_eq!(ids(&index.search(Kind::Organization, &q(Some("städtischen"), &[]))), ["n/a"], "stems");
        assert_eq!(ids(&index.search(Kind::Organization, &q(Some("volkshoch"), &[]))), ["n/b"], "prefix");
        assert_eq!(ids(&index.search(Kind::Organization, &q(Some("muelheim"), &[]))), ["n/b"], "folding");
        let r = index.search(Kind::Organization, &q(None, &[(RecordFacet::OrganizationKind, "kita")]));
        assert_eq!(r.total, 2);
        // The kind facet still counts the other kinds (multi-select); the municipality facet
        // counts within the chosen kind.
        let kinds = &r.facets["organization_kind"];
        assert_eq!(
            kinds.iter().map(|v| (v.value.as_str(), v.count)).collect::<Vec<_>>(),
            [("kita", 2), ("volkshochschule", 1)]
        );
        assert!(kinds[0].selected);
        let places = &r.facets["ags"];
        assert_eq!(places.iter().map(|v| v.count).sum::<usize>(), 2);
        index.remove(Kind::Organization, "n/a");
        assert_eq!(index.search(Kind::Organization, &q(Some("kita"), &[])).total, 1);
        assert_eq!(index.search(Kind::Network, &q(None, &[])).total, 0, "kinds apart");
        assert_eq!(index.len(Kind::Organization), 2);
    }
}
