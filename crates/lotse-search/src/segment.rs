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
    /// Document `d`'s value codes are `doc_codes[code_offsets[d]..code_offsets[d + 1]]`: the
    /// values of few documents are counted from these instead of from the bit sets.
    pub code_offsets: Vec<u32>,
    pub doc_codes: Vec<u16>,
    pub defunct: BitSet,
    /// Document `d`'s points are `points[offsets[d]..offsets[d + 1]]`, as `(lat, lon)`.
    pub offsets: Vec<u32>,
    pub points: Vec<(f64, f64)>,
    pub sort_key: Vec<u64>,
    pub changed: Vec<i64>,
    pub valid_until: Vec<i64>,
    pub start_day: Vec<i64>,
    pub end_day: Vec<i64>,
    /// The documents with a point in each cell of a coarse grid ([`cell_of`]), ascending: an
    /// area search reads the cells it overlaps instead of every document.
    pub grid: HashMap<(i32, i32), Vec<DocId>>,
    /// The visible documents for one day and one state of the deletions (see
    /// [`SegmentData::visible`]).
    visible: Mutex<Vec<Visible>>,
    /// The documents of recent prefix and typo expansions (see [`SegmentData::expansion`]).
    expansions: Mutex<HashMap<String, Arc<BitSet>>>,
}

/// Expansions a segment remembers; the memory is bounded by this times a bit per document.
const EXPANSIONS_KEPT: usize = 64;

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
        let ff = reader.fast_fields();
        let lat = ff.f64("lat")?;
        let lon = ff.f64("lon")?;
        let mut offsets = Vec::with_capacity(max_doc as usize + 1);
        let mut points = Vec::new();
        let mut grid: HashMap<(i32, i32), Vec<DocId>> = HashMap::new();
        offsets.push(0);
        for doc in 0..max_doc {
            let first = points.len();
            points.extend(lat.values_for_doc(doc).zip(lon.values_for_doc(doc)));
            for &(lat, lon) in &points[first..] {
                let docs = grid.entry(cell_of(lat, lon)).or_default();
                // Documents come in ascending order; two points in one cell list it once.
                if docs.last() != Some(&doc) {
                    docs.push(doc);
                }
            }
            offsets.push(u32::try_from(points.len()).unwrap_or(u32::MAX));
        }
        let column = |name: &str, missing: i64| -> tantivy::Result<Vec<i64>> {
            let c = ff.i64(name)?;
            Ok((0..max_doc).map(|d| c.first(d).unwrap_or(missing)).collect())
        };
        let keys = ff.u64("sort_key")?;
        Ok(SegmentData {
            max_doc,
            values,
            codes,
            code_offsets,
            doc_codes,
            defunct,
            offsets,
            points,
            sort_key: (0..max_doc).map(|d| keys.first(d).unwrap_or(0)).collect(),
            changed: column("changed", 0)?,
            valid_until: column("valid_until", NO_END)?,
            start_day: column("start_day", NO_START)?,
            end_day: column("end_day", NO_END)?,
            grid,
            visible: Mutex::new(Vec::new()),
            expansions: Mutex::new(HashMap::new()),
        })
    }

    /// The documents of a prefix or typo expansion (named by `key`), computed by `compute` on
    /// first use. Expanding a prefix or a typo reads the postings of every word it reaches,
    /// and what advisers type repeats, so the last few dozen are kept; when the list is full
    /// it starts afresh.
    pub fn expansion(
        &self,
        key: &str,
        compute: impl FnOnce() -> tantivy::Result<BitSet>,
    ) -> tantivy::Result<Arc<BitSet>> {
        if let Some(set) = self.expansions.lock().unwrap_or_else(|p| p.into_inner()).get(key) {
            return Ok(set.clone());
        }
        let set = Arc::new(compute()?);
        let mut kept = self.expansions.lock().unwrap_or_else(|p| p.into_inner());
        if kept.len() >= EXPANSIONS_KEPT {
            kept.clear();
        }
        kept.insert(key.to_owned(), set.clone());
        Ok(set)
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

/// The data of the segments in use, read on first use.
#[derive(Debug, Default)]
pub struct SegmentCache {
    entries: Mutex<HashMap<SegmentId, Arc<SegmentData>>>,
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
