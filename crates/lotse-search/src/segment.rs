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
    pub defunct: BitSet,
    /// Document `d`'s points are `points[offsets[d]..offsets[d + 1]]`, as `(lat, lon)`.
    pub offsets: Vec<u32>,
    pub points: Vec<(f64, f64)>,
    pub sort_key: Vec<u64>,
    pub changed: Vec<i64>,
    pub valid_until: Vec<i64>,
    pub start_day: Vec<i64>,
    pub end_day: Vec<i64>,
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
        let ff = reader.fast_fields();
        let lat = ff.f64("lat")?;
        let lon = ff.f64("lon")?;
        let mut offsets = Vec::with_capacity(max_doc as usize + 1);
        let mut points = Vec::new();
        offsets.push(0);
        for doc in 0..max_doc {
            points.extend(lat.values_for_doc(doc).zip(lon.values_for_doc(doc)));
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
            defunct,
            offsets,
            points,
            sort_key: (0..max_doc).map(|d| keys.first(d).unwrap_or(0)).collect(),
            changed: column("changed", 0)?,
            valid_until: column("valid_until", NO_END)?,
            start_day: column("start_day", NO_START)?,
            end_day: column("end_day", NO_END)?,
        })
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
