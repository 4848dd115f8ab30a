//! What a search needs of a segment besides its postings, read once per segment and kept while
//! the segment lives: a bit set per filter value (from the keyword fields' postings), the
//! points of each document, and its dates and sort key.
//!
//! Segments are immutable, so the data is keyed by segment id. Deletions do not change it:
//! they are applied from the segment reader's alive set at query time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, SegmentReader, TERMINATED};

use crate::bitset::BitSet;
use crate::request::Dim;
use crate::schema::{Fields, NO_END, NO_START};

/// The per-document data of one segment.
#[derive(Debug)]
pub struct SegmentData {
    pub max_doc: u32,
    /// Per filter (indexed by [`Dim`]): value → documents with that value.
    pub values: Vec<HashMap<String, BitSet>>,
    /// Every filter value of the segment as `(filter index, value)`; its position is its code.
    pub codes: Vec<(usize, String)>,
    /// The codes of filter `i` start at `dim_start[i]`, in the iteration order of `values[i]`.
    pub dim_start: Vec<usize>,
    /// Document `d`'s value codes are `doc_codes[code_offsets[d]..code_offsets[d + 1]]`: the
    /// values of few documents are counted from these instead of from the bit sets.
    pub code_offsets: Vec<u32>,
    pub doc_codes: Vec<u16>,
    pub defunct: BitSet,
    /// Document `d`'s points are `points[offsets[d]..offsets[d + 1]]`, as `(lat, lon)`.
    pub offsets: Vec<u32>,
    pub points: Vec<(f64, f64)>,
    /// The same points on the unit sphere ([`lotse_geo::unit_vector`]), for distances.
    pub xyz: Vec<[f64; 3]>,
    pub sort_key: Vec<u64>,
    pub changed: Vec<i64>,
    /// Every document, the most recently changed first (equal times by [`Self::sort_key`]):
    /// the order of a search by date, which documents ordered by place do not keep.
    pub newest: Vec<DocId>,
    pub valid_until: Vec<i64>,
    pub start_day: Vec<i64>,
    pub end_day: Vec<i64>,
    /// The points in each cell of a coarse grid ([`cell_of`]), by ascending document: an
    /// area search reads the cells it overlaps instead of every document.
    pub grid: HashMap<(i32, i32), Vec<GridPoint>>,
    /// The visible documents for one day and one state of the deletions (see
    /// [`SegmentData::visible`]).
    visible: Mutex<Vec<Visible>>,
    /// The documents of recently used query words and expansions (see
    /// [`SegmentData::cached_set`]).
    sets: Mutex<Recent<Arc<BitSet>>>,
    /// Facet counts per value code of recent text-only searches (see [`SegmentData::cached`]).
    tallies: Mutex<Recent<Arc<Vec<u64>>>>,
    /// The best-ranked documents of recent query words (see [`Champions`]).
    champions: Mutex<Recent<Arc<Champions>>>,
}

/// What a segment remembers of each kind; the memory of the document sets is bounded by this
/// times a bit per document (16 MiB for a segment of a million documents), the rest is small.
const KEPT: usize = 128;

/// The documents a word's terms rank best in a segment, best first (a "champion list"):
/// a search that ranks by that word alone walks this list and stops once its page is full,
/// instead of scoring the word's documents again. Scores depend on the whole index's
/// statistics, so a list belongs to one searcher generation.
#[derive(Debug)]
pub struct Champions {
    /// `(document, quantized score)`, best first in the order of the results.
    pub docs: Vec<(u32, f32)>,
    /// Whether the word matches more documents than the list holds.
    pub truncated: bool,
}

/// The most recently used values by name, the least recently used dropped first.
#[derive(Debug)]
struct Recent<T> {
    entries: HashMap<String, (T, u64)>,
    clock: u64,
}

impl<T> Default for Recent<T> {
    fn default() -> Self {
        Recent { entries: HashMap::new(), clock: 0 }
    }
}

impl<T: Clone> Recent<T> {
    fn get(&mut self, key: &str) -> Option<T> {
        self.clock += 1;
        let clock = self.clock;
        self.entries.get_mut(key).map(|(value, used)| {
            *used = clock;
            value.clone()
        })
    }

    fn insert(&mut self, key: &str, value: T) {
        if self.entries.len() >= KEPT
            && !self.entries.contains_key(key)
            && let Some(oldest) =
                self.entries.iter().min_by_key(|(_, (_, used))| *used).map(|(k, _)| k.clone())
        {
            self.entries.remove(&oldest);
        }
        self.clock += 1;
        self.entries.insert(key.to_owned(), (value, self.clock));
    }

    /// The value named `key`, computed by `compute` when it is not kept. Computed outside the
    /// lock: two searches may compute the same value once each, but none waits for another.
    fn get_or(
        cell: &Mutex<Recent<T>>,
        key: &str,
        compute: impl FnOnce() -> tantivy::Result<T>,
    ) -> tantivy::Result<T> {
        if let Some(v) = cell.lock().unwrap_or_else(|p| p.into_inner()).get(key) {
            return Ok(v);
        }
        let v = compute()?;
        cell.lock().unwrap_or_else(|p| p.into_inner()).insert(key, v.clone());
        Ok(v)
    }
}

/// The visible documents of a segment, remembered for the day and the number of deleted
/// documents they were computed for: a segment's deletions only grow, so the number
/// identifies them.
#[derive(Debug)]
struct Visible {
    today: i64,
    include_expired: bool,
    deleted: u32,
    set: Arc<BitSet>,
}

/// One point of a document in a grid cell. Its coordinates are kept here so that the points
/// of a cell on an area's border are tested as they are read, without looking up each
/// document's points elsewhere in memory.
#[derive(Debug, Clone, Copy)]
pub struct GridPoint {
    pub doc: DocId,
    /// The point's index in [`SegmentData::points`] and [`SegmentData::xyz`].
    pub point: u32,
    pub lat: f64,
    pub lon: f64,
}

/// The height and width of a grid cell in degrees: about 2.2 × 2.1 km in the Ruhr region, so
/// that a town-sized window covers a few dozen cells.
pub const CELL_LAT: f64 = 0.02;
pub const CELL_LON: f64 = 0.03;

/// The grid cell of a point.
pub fn cell_of(lat: f64, lon: f64) -> (i32, i32) {
    ((lat / CELL_LAT).floor() as i32, (lon / CELL_LON).floor() as i32)
}

impl SegmentData {
    fn read(reader: &SegmentReader, fields: &Fields) -> tantivy::Result<SegmentData> {
        let max_doc = reader.max_doc();
        let mut values = Vec::with_capacity(Dim::ALL.len());
        for dim in Dim::ALL {
            values.push(keyword_sets(reader, fields.dim(dim), max_doc)?);
        }
        let defunct = keyword_sets(reader, fields.status, max_doc)?
            .remove("defunct")
            .unwrap_or_else(|| BitSet::empty(max_doc));
        let (codes, code_offsets, doc_codes) = doc_codes(&values, max_doc);
        let mut dim_start = Vec::with_capacity(values.len());
        let mut start = 0;
        for per_value in &values {
            dim_start.push(start);
            start += per_value.len();
        }
        let ff = reader.fast_fields();
        let lat = ff.f64("lat")?;
        let lon = ff.f64("lon")?;
        let mut offsets = Vec::with_capacity(max_doc as usize + 1);
        let mut points = Vec::new();
        let mut grid: HashMap<(i32, i32), Vec<GridPoint>> = HashMap::new();
        offsets.push(0);
        for doc in 0..max_doc {
            let first = points.len();
            points.extend(lat.values_for_doc(doc).zip(lon.values_for_doc(doc)));
            for (i, &(lat, lon)) in points.iter().enumerate().skip(first) {
                let point = u32::try_from(i).unwrap_or(u32::MAX);
                grid.entry(cell_of(lat, lon)).or_default().push(GridPoint { doc, point, lat, lon });
            }
            offsets.push(u32::try_from(points.len()).unwrap_or(u32::MAX));
        }
        let xyz =
            points.iter().map(|&(lat, lon)| lotse_geo::unit_vector(lotse_geo::LatLon { lat, lon })).collect();
        let column = |name: &str, missing: i64| -> tantivy::Result<Vec<i64>> {
            let c = ff.i64(name)?;
            Ok((0..max_doc).map(|d| c.first(d).unwrap_or(missing)).collect())
        };
        let keys = ff.u64("sort_key")?;
        let sort_key: Vec<u64> = (0..max_doc).map(|d| keys.first(d).unwrap_or(0)).collect();
        let changed = column("changed", 0)?;
        let mut newest: Vec<DocId> = (0..max_doc).collect();
        newest.sort_unstable_by(|&a, &b| {
            changed[b as usize]
                .cmp(&changed[a as usize])
                .then(sort_key[a as usize].cmp(&sort_key[b as usize]))
        });
        Ok(SegmentData {
            max_doc,
            values,
            codes,
            dim_start,
            code_offsets,
            doc_codes,
            defunct,
            offsets,
            points,
            xyz,
            sort_key,
            changed,
            newest,
            valid_until: column("valid_until", NO_END)?,
            start_day: column("start_day", NO_START)?,
            end_day: column("end_day", NO_END)?,
            grid,
            visible: Mutex::new(Vec::new()),
            sets: Mutex::default(),
            tallies: Mutex::default(),
            champions: Mutex::default(),
        })
    }

    /// The documents of a query word's terms or of one of its prefix or typo expansions
    /// (named by `key`), computed by `compute` on first use. Filling a set reads every posting
    /// of the words it covers, which for a frequent word is most of a search's work, and what
    /// advisers type repeats (a handful of words make up most searches), so the most recently
    /// used sets are kept, as a search engine's query cache keeps the document sets of
    /// frequent clauses per segment.
    pub fn cached_set(
        &self,
        key: &str,
        compute: impl FnOnce() -> tantivy::Result<BitSet>,
    ) -> tantivy::Result<Arc<BitSet>> {
        Recent::get_or(&self.sets, key, || compute().map(Arc::new))
    }

    /// The facet counts (per value code) of a text-only search named by `key`: the same few
    /// words are searched again and again, and counting a frequent word's matches reads every
    /// value's bit set.
    pub fn cached_tally(
        &self,
        key: &str,
        compute: impl FnOnce() -> Vec<u64>,
    ) -> tantivy::Result<Arc<Vec<u64>>> {
        Recent::get_or(&self.tallies, key, || Ok(Arc::new(compute())))
    }

    /// The champion list of a word named by `key` (which names the searcher generation too).
    pub fn cached_champions(
        &self,
        key: &str,
        compute: impl FnOnce() -> tantivy::Result<Champions>,
    ) -> tantivy::Result<Arc<Champions>> {
        Recent::get_or(&self.champions, key, || compute().map(Arc::new))
    }

    /// The documents a search may show: alive and, unless `include_expired`, not expired on
    /// `today`. Computed once per day and state of the deletions and then reused.
    pub fn visible(&self, reader: &SegmentReader, today: i64, include_expired: bool) -> Arc<BitSet> {
        let deleted = reader.num_deleted_docs();
        let mut cached = self.visible.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(v) = cached
            .iter()
            .find(|v| v.today == today && v.include_expired == include_expired && v.deleted == deleted)
        {
            return v.set.clone();
        }
        let alive = reader.alive_bitset();
        let mut set = BitSet::empty(self.max_doc);
        for doc in 0..self.max_doc {
            if alive.is_none_or(|a| a.is_alive(doc)) && (include_expired || !self.expired(doc, today)) {
                set.insert(doc);
            }
        }
        let set = Arc::new(set);
        // A few variants (with and without expired offers, a day that is being changed in a
        // test) stay; older states of the deletions go.
        cached.retain(|v| v.deleted == deleted);
        if cached.len() >= 4 {
            cached.remove(0);
        }
        cached.push(Visible { today, include_expired, deleted, set: set.clone() });
        set
    }

    pub fn points(&self, doc: DocId) -> &[(f64, f64)] {
        &self.points[self.offsets[doc as usize] as usize..self.offsets[doc as usize + 1] as usize]
    }

    /// Calls `f` with each document of `docs` and its value codes (see [`SegmentData::codes`]). The documents of a search
    /// lie scattered over the segment, and reading one's codes waits for memory twice (its
    /// offset, then its codes): read one after the other, the waits add up to most of the
    /// counting. So the documents go in groups: first every offset of the group is read,
    /// then the first code of each (loads that do not depend on each other, which the
    /// processor overlaps), then the group is counted from the cache.
    pub fn for_each_doc_values(
        &self,
        mut docs: impl Iterator<Item = DocId>,
        mut f: impl FnMut(DocId, &[u16]),
    ) {
        const GROUP: usize = 16;
        let mut group = [0u32; GROUP];
        let mut ranges = [(0usize, 0usize); GROUP];
        loop {
            // `zip` asks the group for a slot before it takes a document, so a full group
            // leaves the next document in `docs`.
            let mut n = 0;
            for (slot, doc) in group.iter_mut().zip(docs.by_ref()) {
                *slot = doc;
                n += 1;
            }
            if n == 0 {
                return;
            }
            for (range, &doc) in ranges.iter_mut().zip(&group[..n]) {
                let d = doc as usize;
                *range = (self.code_offsets[d] as usize, self.code_offsets[d + 1] as usize);
            }
            let mut touched = 0u16;
            for &(start, _) in &ranges[..n] {
                touched ^= self.doc_codes.get(start).copied().unwrap_or(0);
            }
            std::hint::black_box(touched);
            for (&doc, &(start, end)) in group[..n].iter().zip(&ranges[..n]) {
                f(doc, &self.doc_codes[start..end]);
            }
        }
    }

    /// The points of `doc` on the unit sphere, in the order of [`SegmentData::points`].
    pub fn xyz(&self, doc: DocId) -> &[[f64; 3]] {
        &self.xyz[self.offsets[doc as usize] as usize..self.offsets[doc as usize + 1] as usize]
    }

    /// Expired on `today`: defunct, past `valid_until`, or past the end of its schedule.
    pub fn expired(&self, doc: DocId, today: i64) -> bool {
        let d = doc as usize;
        self.defunct.contains(doc) || self.valid_until[d] < today || self.end_day[d] < today
    }

    /// Running on any of `days` (start ≤ day ≤ end, open ends count as running).
    pub fn open_on(&self, doc: DocId, days: &[i64]) -> bool {
        let d = doc as usize;
        days.is_empty() || days.iter().any(|&day| self.start_day[d] <= day && day <= self.end_day[d])
    }
}

/// The filter values of each document, from the bit sets of the values: the codes (filter
/// index and value by position) and, per document, its codes.
fn doc_codes(values: &[HashMap<String, BitSet>], max_doc: u32) -> (Vec<(usize, String)>, Vec<u32>, Vec<u16>) {
    let mut codes = Vec::new();
    let mut sets = Vec::new();
    for (dim, per_value) in values.iter().enumerate() {
        for (value, set) in per_value {
            codes.push((dim, value.clone()));
            sets.push(set);
        }
    }
    let mut counts = vec![0u32; max_doc as usize + 1];
    for set in &sets {
        set.iter().for_each(|d| counts[d as usize + 1] += 1);
    }
    for d in 0..max_doc as usize {
        counts[d + 1] += counts[d];
    }
    let offsets = counts.clone();
    let mut doc_codes = vec![0u16; offsets[max_doc as usize] as usize];
    let mut next = counts;
    for (code, set) in sets.iter().enumerate() {
        for d in set.iter() {
            doc_codes[next[d as usize] as usize] = u16::try_from(code).unwrap_or(u16::MAX);
            next[d as usize] += 1;
        }
    }
    (codes, offsets, doc_codes)
}

/// Value → documents, from the postings of a keyword field.
fn keyword_sets(
    reader: &SegmentReader,
    field: tantivy::schema::Field,
    max_doc: u32,
) -> tantivy::Result<HashMap<String, BitSet>> {
    let inverted = reader.inverted_index(field)?;
    let mut out = HashMap::new();
    let mut terms = inverted.terms().stream()?;
    while terms.advance() {
        let value = String::from_utf8_lossy(terms.key()).into_owned();
        let mut postings = inverted.read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
        let mut set = BitSet::empty(max_doc);
        let mut doc = postings.doc();
        while doc != TERMINATED {
            set.insert(doc);
            doc = postings.advance();
        }
        out.insert(value, set);
    }
    Ok(out)
}

/// How many documents a champion list holds by default: a page of 20 results under filters
/// that pass one document in 400 (a language, a feature and free of charge, say) is still
/// answered from it. A list costs 8 bytes per document, so a segment's lists take at most
/// 8 MiB ([`KEPT`] of them).
pub const CHAMPIONS: usize = 8192;

/// The data of the segments in use, read on first use.
#[derive(Debug)]
pub struct SegmentCache {
    entries: Mutex<HashMap<SegmentId, Arc<SegmentData>>>,
    /// The length of the champion lists (see [`Champions`]).
    pub champions: usize,
}

impl Default for SegmentCache {
    fn default() -> Self {
        SegmentCache { entries: Mutex::default(), champions: CHAMPIONS }
    }
}

impl SegmentCache {
    pub fn get(&self, reader: &SegmentReader, fields: &Fields) -> tantivy::Result<Arc<SegmentData>> {
        let id = reader.segment_id();
        if let Some(data) = self.entries.lock().unwrap_or_else(|p| p.into_inner()).get(&id) {
            return Ok(data.clone());
        }
        // Read outside the lock: a large segment takes a while, and other segments' searches
        // must not wait for it. Two searches may read the same new segment once each.
        let data = Arc::new(SegmentData::read(reader, fields)?);
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).insert(id, data.clone());
        Ok(data)
    }

    /// Forgets segments that are no longer in use (merged away).
    pub fn retain(&self, live: &[SegmentId]) {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).retain(|id, _| live.contains(id));
    }
}
