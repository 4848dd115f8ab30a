//! The search over standard 1.1's kinds — institutions, networks, projects — held in memory.
//!
//! These kinds come by the ten or hundred thousand, not by the million, and their documents are
//! small: a name, a few codes, a place. An in-memory index per kind answers a search with
//! facets by set operations — a bit set per facet code, the words' posting lists turned into
//! bit sets — and visits only the documents it returns, so it needs neither segments nor a
//! disk. The hub rebuilds it at start from its
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
use crate::bitset::BitSet;

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
    terms: Terms,
    /// Every facet code once, numbered, so that counting is indexing a vector.
    code_ids: HashMap<String, u32>,
    code_names: Vec<String>,
    /// Each kind's documents apart, so that a search walks only its own kind.
    kinds: HashMap<Kind, KindIndex>,
    /// How far the index has followed the store's change numbers, per kind.
    positions: HashMap<Kind, i64>,
}

/// The documents of one kind, by slot, with their sets per facet code.
///
/// Facet counts are intersections of bit sets (`popcount(a & b)`), so a search costs about the
/// same however many documents match, and a search without words never visits a document it
/// does not return.
#[derive(Debug, Default)]
struct KindIndex {
    docs: Vec<Option<RecordDoc>>,
    by_id: HashMap<String, u32>,
    /// Free slots of removed documents.
    free: Vec<u32>,
    /// Bits per slot that every set of this kind has room for (a multiple of 64).
    capacity: u32,
    live: BitSet,
    /// The slots holding each `(facet, code)`.
    codes: HashMap<(RecordFacet, u32), BitSet>,
    /// The slots listed for each term (stems and folded words), and for each stem of a title.
    /// A slot stays listed after its document changed or left; such slots are in `stale`, and
    /// a search checks their own words, until the lists are written anew.
    postings: HashMap<u32, Vec<u32>>,
    title_postings: HashMap<u32, Vec<u32>>,
    stale: BitSet,
    stale_count: usize,
    /// Per slot: the place (dense, so that a radius search reads little memory), the German
    /// title and its first bytes, which order most results without comparing strings.
    points: Vec<Option<LatLon>>,
    title_keys: Vec<u64>,
    titles_de: Vec<Box<str>>,
}

/// The first eight bytes of a title as a number that orders as the strings do.
fn title_key(title: &str) -> u64 {
    let mut bytes = [0u8; 8];
    for (b, t) in bytes.iter_mut().zip(title.bytes()) {
        *b = t;
    }
    u64::from_be_bytes(bytes)
}

/// A set of the given capacity with the slots of `lists`.
fn slots_of<'a>(capacity: u32, lists: impl Iterator<Item = &'a Vec<u32>>) -> BitSet {
    let mut set = BitSet::empty(capacity);
    for list in lists {
        for slot in list {
            set.insert(*slot);
        }
    }
    set
}

impl KindIndex {
    /// A slot for `hub_id`, growing every set when the slots outgrow them.
    fn slot(&mut self, hub_id: &str) -> (u32, bool) {
        if let Some(&slot) = self.by_id.get(hub_id) {
            return (slot, true);
        }
        let slot = self.free.pop().unwrap_or_else(|| {
            self.docs.push(None);
            self.points.push(None);
            self.title_keys.push(0);
            self.titles_de.push(Box::from(""));
            u32::try_from(self.docs.len() - 1).unwrap_or(u32::MAX)
        });
        if slot >= self.capacity {
            self.capacity = (self.capacity * 2).max(1024);
            for set in self.codes.values_mut().chain([&mut self.live, &mut self.stale]) {
                set.grow(self.capacity);
            }
        }
        self.by_id.insert(hub_id.to_owned(), slot);
        (slot, false)
    }

    /// Takes the document out of its slot's sets; its postings stay until the next rewrite.
    fn clear(&mut self, slot: u32) {
        if let Some(old) = self.docs[slot as usize].take() {
            for (facet, code) in old.code_ids.iter() {
                if let Some(set) = self.codes.get_mut(&(*facet, *code)) {
                    set.remove(slot);
                }
            }
            self.live.remove(slot);
            if !self.stale.contains(slot) {
                self.stale.insert(slot);
                self.stale_count += 1;
            }
        }
    }

    fn list(&mut self, slot: u32, doc: &RecordDoc) {
        if let Words::Interned { stems, folded, title_stems } = &doc.words {
            for term in stems.iter().chain(folded.iter()) {
                let list = self.postings.entry(*term).or_default();
                if list.last() != Some(&slot) {
                    list.push(slot);
                }
            }
            for term in title_stems.iter() {
                self.title_postings.entry(*term).or_default().push(slot);
            }
        }
    }

    fn insert(&mut self, slot: u32, doc: RecordDoc) {
        for (facet, code) in doc.code_ids.iter() {
            let capacity = self.capacity;
            self.codes.entry((*facet, *code)).or_insert_with(|| BitSet::empty(capacity)).insert(slot);
        }
        self.list(slot, &doc);
        self.live.insert(slot);
        self.points[slot as usize] = doc.point;
        self.title_keys[slot as usize] = title_key(doc.title("de"));
        self.titles_de[slot as usize] = Box::from(doc.title("de"));
        self.docs[slot as usize] = Some(doc);
        // Stale listings are checked by every search that meets them; once they are many,
        // the lists are written anew from the documents.
        if self.stale_count > 1024 && self.stale_count > self.by_id.len() / 4 {
            self.relist();
        }
    }

    fn relist(&mut self) {
        self.postings.clear();
        self.title_postings.clear();
        let docs = std::mem::take(&mut self.docs);
        for (slot, doc) in docs.iter().enumerate() {
            if let Some(doc) = doc {
                self.list(u32::try_from(slot).unwrap_or(u32::MAX), doc);
            }
        }
        self.docs = docs;
        self.stale = BitSet::empty(self.capacity);
        self.stale_count = 0;
    }

    fn doc(&self, slot: u32) -> Option<&RecordDoc> {
        self.docs.get(slot as usize).and_then(Option::as_ref)
    }
}

/// A query's words as the index's term numbers.
struct QueryWords {
    /// Each word's stem (`None`: a word no document holds).
    stems: Vec<Option<u32>>,
    /// Every folded word the last query word begins.
    prefixes: HashSet<u32>,
}

impl QueryWords {
    /// Whether a document's own words hold query word `i`.
    fn holds(&self, doc: &RecordDoc, i: usize) -> bool {
        let Words::Interned { stems, folded, .. } = &doc.words else { return false };
        let exact = self.stems[i].is_some_and(|s| stems.binary_search(&s).is_ok());
        // The prefix is tried only where the word itself is missing.
        exact || (i + 1 == self.stems.len() && folded.iter().any(|f| self.prefixes.contains(f)))
    }

    fn in_title(&self, doc: &RecordDoc, i: usize) -> bool {
        let Words::Interned { title_stems, .. } = &doc.words else { return false };
        self.stems[i].is_some_and(|s| title_stems.binary_search(&s).is_ok())
    }
}

/// A result before ordering: slot, score, distance and title key.
type Candidate = (u32, u32, Option<f64>, u64);

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
        self.kinds.get(&kind).map_or(0, |k| k.by_id.len())
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
        let kind = self.kinds.entry(doc.kind).or_default();
        let (slot, existed) = kind.slot(&doc.hub_id);
        if existed {
            kind.clear(slot);
        }
        kind.insert(slot, doc);
    }

    pub fn remove(&mut self, kind: Kind, hub_id: &str) {
        let Some(index) = self.kinds.get_mut(&kind) else { return };
        if let Some(slot) = index.by_id.remove(hub_id) {
            index.clear(slot);
            index.free.push(slot);
        }
    }

    fn query_words(&self, q: Option<&str>) -> QueryWords {
        let words = q.map(analysis::words).unwrap_or_default();
        let stems = words.iter().map(|w| self.terms.ids.get(&w.stem).copied()).collect();
        let prefixes = match words.last() {
            Some(w) => self
                .terms
                .folded
                .range(w.folded.clone()..)
                .take_while(|(f, _)| f.starts_with(&w.folded))
                .map(|(_, id)| *id)
                .collect(),
            None => HashSet::new(),
        };
        QueryWords { stems, prefixes }
    }

    /// Searches the documents of `kind`.
    pub fn search(&self, kind: Kind, query: &RecordQuery) -> RecordSearchResponse {
        let facets = RecordFacet::of(kind);
        let lang = if query.lang.is_empty() { "de" } else { query.lang.as_str() };
        let page_size = query.page_size.clamp(1, 100);
        let page = query.page.max(1);
        let empty = KindIndex::default();
        let index = self.kinds.get(&kind).unwrap_or(&empty);
        let words = self.query_words(query.q.as_deref());

        // The documents that hold every word, within the radius.
        let mut base = index.live.clone();
        let mut titled: Vec<BitSet> = Vec::with_capacity(words.stems.len());
        for (i, stem) in words.stems.iter().enumerate() {
            let prefixes = if i + 1 == words.stems.len() { Some(&words.prefixes) } else { None };
            let terms = stem.iter().chain(prefixes.into_iter().flatten());
            base.intersect_with(&slots_of(index.capacity, terms.filter_map(|t| index.postings.get(t))));
            titled.push(slots_of(index.capacity, stem.iter().filter_map(|t| index.title_postings.get(t))));
        }
        if !words.stems.is_empty() {
            let stale: Vec<u32> = base.intersection(&index.stale).collect();
            for slot in stale {
                let holds =
                    index.doc(slot).is_some_and(|d| (0..words.stems.len()).all(|i| words.holds(d, i)));
                if !holds {
                    base.remove(slot);
                }
            }
        }
        let mut distances: Vec<(u32, f64)> = Vec::new();
        if let Some((at, radius)) = query.near {
            // A box around the circle first: comparing two numbers is much cheaper than the
            // great-circle distance, and most documents of the region are outside the box.
            let dlat = radius / 111_000.0;
            let dlon = radius / (111_000.0 * at.lat.to_radians().cos().max(0.01));
            let inside: Vec<u32> = base.iter().collect();
            for slot in inside {
                let d = index.points[slot as usize]
                    .filter(|p| (p.lat - at.lat).abs() <= dlat && (p.lon - at.lon).abs() <= dlon)
                    .map(|p| haversine_m(at, p))
                    .filter(|d| *d <= radius);
                match d {
                    Some(d) => distances.push((slot, d)),
                    None => base.remove(slot),
                }
            }
        }

        // Each facet's filter as a set: `None` without a filter; values no document holds
        // match nothing.
        let filters: Vec<Option<BitSet>> = facets
            .iter()
            .map(|f| {
                let values = query.filters.get(f).filter(|v| !v.is_empty())?;
                let mut set = BitSet::empty(index.capacity);
                for code in values.iter().filter_map(|v| self.code_ids.get(v)) {
                    if let Some(s) = index.codes.get(&(*f, *code)) {
                        set.union_with(s);
                    }
                }
                Some(set)
            })
            .collect();
        let except = |skip: Option<usize>| {
            let mut set = base.clone();
            for (i, f) in filters.iter().enumerate() {
                if Some(i) != skip
                    && let Some(f) = f
                {
                    set.intersect_with(f);
                }
            }
            set
        };
        let results = except(None);
        // Multi-select: each facet counts with every filter but its own.
        let facet_counts = facets
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let within = if filters[i].is_some() { except(Some(i)) } else { results.clone() };
                let selected = query.filters.get(f).cloned().unwrap_or_default();
                let mut values: Vec<RecordFacetValue> = index
                    .codes
                    .iter()
                    .filter(|((facet, _), _)| facet == f)
                    .filter_map(|((_, code), set)| {
                        let count = usize::try_from(within.intersection_count(set)).unwrap_or(usize::MAX);
                        let value = self.code_names[*code as usize].clone();
                        (count > 0).then(|| RecordFacetValue {
                            selected: selected.contains(&value),
                            value,
                            count,
                        })
                    })
                    .collect();
                values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                (f.param(), values)
            })
            .collect();

        // Scores: one per word, three where the word is in the title.
        let mut matched: Vec<Candidate> = Vec::with_capacity(usize::try_from(results.count()).unwrap_or(0));
        for slot in results.iter() {
            let mut score = 0;
            for (i, title) in titled.iter().enumerate() {
                let in_title = if index.stale.contains(slot) {
                    index.doc(slot).is_some_and(|d| words.in_title(d, i))
                } else {
                    title.contains(slot)
                };
                score += if in_title { 3 } else { 1 };
            }
            let distance = distances.binary_search_by_key(&slot, |(s, _)| *s).ok().map(|i| distances[i].1);
            let key = match lang {
                "de" => index.title_keys[slot as usize],
                _ => index.doc(slot).map_or(0, |d| title_key(d.title(lang))),
            };
            matched.push((slot, score, distance, key));
        }
        let doc = |slot: u32| index.doc(slot).expect("a result's slot holds its document");
        let order = |a: &Candidate, b: &Candidate| {
            b.1.cmp(&a.1)
                .then_with(|| a.2.partial_cmp(&b.2).unwrap_or(std::cmp::Ordering::Equal))
                .then_with(|| a.3.cmp(&b.3))
                .then_with(|| match lang {
                    "de" => index.titles_de[a.0 as usize].cmp(&index.titles_de[b.0 as usize]),
                    _ => doc(a.0).title(lang).cmp(doc(b.0).title(lang)),
                })
                .then_with(|| doc(a.0).hub_id.cmp(&doc(b.0).hub_id))
        };
        // Only the pages up to the one asked for are put in order.
        let end = (page * page_size).min(matched.len());
        if end > 0 && end < matched.len() {
            matched.select_nth_unstable_by(end - 1, order);
        }
        matched[..end].sort_by(order);
        let results = matched[..end]
            .iter()
            .skip((page - 1) * page_size)
            .map(|(slot, _, distance, _)| {
                let d = doc(*slot);
                RecordHit {
                    id: d.hub_id.clone(),
                    kind: d.kind.singular().to_owned(),
                    title: d.title(lang).to_owned(),
                    ags: d.ags.clone(),
                    lat: d.point.map(|p| p.lat),
                    lon: d.point.map(|p| p.lon),
                    distance_m: *distance,
                }
            })
            .collect();
        RecordSearchResponse {
            kind: kind.singular().to_owned(),
            total: matched.len(),
            page,
            page_size,
            results,
            facets: facet_counts,
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

    #[test]
    fn changed_and_removed_documents_are_found_by_their_new_words_only() {
        let mut index = RecordIndex::new();
        let q = |q: &str| RecordQuery { q: Some(q.into()), page: 1, page_size: 10, ..RecordQuery::default() };
        index.upsert(org("a", "Kita Sonnenschein", "kita", "05117000"));
        index.upsert(org("a", "Familienzentrum Regenbogen", "kita", "05117000"));
        assert_eq!(index.search(Kind::Organization, &q("sonnenschein")).total, 0, "the old word");
        assert_eq!(index.search(Kind::Organization, &q("regenbogen")).total, 1);
        index.remove(Kind::Organization, "n/a");
        index.upsert(org("b", "Bibliothek Mitte", "bibliothek", "05113000"));
        assert_eq!(index.search(Kind::Organization, &q("regenbogen")).total, 0, "a reused slot");
        let r = index.search(Kind::Organization, &q("bibliothek"));
        assert_eq!(r.total, 1);
        assert_eq!(r.facets["organization_kind"][0].value, "bibliothek");
        // Enough changes that the posting lists are written anew, and the sets grow.
        for round in 0..3 {
            for i in 0..3000 {
                let name = if round % 2 == 0 { "Kita Sonne" } else { "Schule Mond" };
                index.upsert(org(&format!("x{i}"), name, "kita", "05117000"));
            }
        }
        assert_eq!(index.search(Kind::Organization, &q("sonne")).total, 3000);
        assert_eq!(index.search(Kind::Organization, &q("mond")).total, 0);
        assert_eq!(index.len(Kind::Organization), 3001);
        let r = index
            .search(Kind::Organization, &RecordQuery { page: 1, page_size: 5, ..RecordQuery::default() });
        assert_eq!(r.facets["organization_kind"].iter().map(|v| v.count).sum::<usize>(), 3001);
    }

    #[test]
    fn results_are_ordered_by_score_distance_and_title() {
        let mut index = RecordIndex::new();
        let data =
            |name: &str| json!({"name": {"de": name}, "kind": "kita", "description": {"de": "Eine Kita"}});
        for (id, name, lat) in
            [("1", "Zwerge", 51.40), ("2", "Kita Ahorn", 51.45), ("3", "Kita Birke", 51.41)]
        {
            let doc = RecordDoc::new(
                Kind::Organization,
                format!("n/{id}"),
                &data(name),
                Some(LatLon::new(lat, 6.9)),
                None,
            );
            index.upsert(doc);
        }
        let ids = |r: RecordSearchResponse| r.results.into_iter().map(|h| h.id).collect::<Vec<_>>();
        let mut q = RecordQuery { q: Some("kita".into()), page: 1, page_size: 10, ..RecordQuery::default() };
        assert_eq!(
            ids(index.search(Kind::Organization, &q)),
            ["n/2", "n/3", "n/1"],
            "title words first, then by title"
        );
        q.near = Some((LatLon::new(51.40, 6.9), 20_000.0));
        assert_eq!(ids(index.search(Kind::Organization, &q)), ["n/3", "n/2", "n/1"], "then by distance");
        q.near = Some((LatLon::new(51.40, 6.9), 500.0));
        assert_eq!(ids(index.search(Kind::Organization, &q)), ["n/1"], "within the radius only");
    }
}
