//! Ranking: a candidate and its order under the request's sort ([`Ranked`]), scores quantized
//! so that equal offers tie, the buffer of the page's best candidates ([`TopK`]), and the
//! champion lists of a word (its best documents in a segment, ranked once and remembered).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::SegmentReader;
use tantivy::query::Weight;

use super::expand::{WordSets, expansion_score};
use crate::bitset::BitSet;
use crate::request::{SearchRequest, Sort};
use crate::segment::{Champions, SegmentData};

/// A candidate in the ranking: larger `primary` first, then smaller `key`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ranked {
    pub(super) primary: f64,
    pub(super) key: u64,
    pub(super) segment: u32,
    pub(super) doc: u32,
    pub(super) score: f32,
    /// The squared chord to `near` (see [`lotse_geo::unit_vector`]): it orders by distance.
    pub(super) chord2: Option<f64>,
}

impl Ranked {
    pub(super) fn better(&self, other: &Ranked) -> Ordering {
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

/// A score with its last mantissa bits rounded away: sums of the same term scores in another
/// order (block-max pruning sums in the order of the postings) differ in the last bit, and
/// equal offers must tie, so that the order of equal scores rests on the stable key alone.
pub(super) fn quantize(score: f32) -> f32 {
    if !score.is_finite() || score <= 0.0 {
        return score.max(0.0);
    }
    f32::from_bits((score.to_bits() + 0x800) & !0xfff)
}

/// The smallest raw score that can still reach a candidate with quantized score `q`.
fn below(q: f64) -> f32 {
    (q * (1.0 - 1.0 / 1024.0)) as f32
}

/// The ranking key of a result under the request's order.
pub(super) fn ranked(
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

/// The best `window` candidates. Candidates that may enter are collected in a buffer of twice
/// the window, which is cut back to the best `window` (a selection, not a sort) when it is
/// full: when candidates arrive in ascending order of rank (the newest documents are the last
/// ones of a segment, and sorting by date is the map's order), a heap would replace its worst
/// entry for nearly every one of them.
pub(super) struct TopK {
    window: usize,
    buffer: Vec<Ranked>,
    /// The worst of the best `window` when the buffer was last cut: a candidate must rank
    /// better to enter.
    bar: Option<Ranked>,
}

impl TopK {
    pub(super) fn new(window: usize) -> TopK {
        TopK { window, buffer: Vec::with_capacity(2 * window), bar: None }
    }

    fn admits(&self, candidate: &Ranked) -> bool {
        self.window > 0 && self.bar.is_none_or(|bar| candidate.better(&bar) == Ordering::Greater)
    }

    /// Takes `candidate` if it may rank within the window.
    pub(super) fn offer(&mut self, candidate: Ranked) {
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
    pub(super) fn worst(&mut self) -> Option<Ranked> {
        self.cut();
        self.bar
    }

    /// Raw scores at or below this cannot enter (for pruning). Between cuts the bar lags
    /// behind the page's worst entry, which only makes the pruning less tight.
    pub(super) fn threshold(&mut self) -> f32 {
        if self.bar.is_none() {
            self.cut();
        }
        self.bar.map_or(f32::MIN, |bar| below(bar.primary))
    }

    /// Sets the scores of the entries from `segment`, asking `score` in ascending order of
    /// documents (as a segment's scorers must be asked).
    pub(super) fn rescore(&mut self, segment: u32, mut score: impl FnMut(u32) -> f32) {
        self.cut();
        let mut entries: Vec<&mut Ranked> = self.buffer.iter_mut().filter(|c| c.segment == segment).collect();
        entries.sort_by_key(|c| c.doc);
        entries.into_iter().for_each(|c| c.score = score(c.doc));
    }

    /// The candidates of the window, best first.
    pub(super) fn into_ranked(mut self) -> Vec<Ranked> {
        self.cut();
        self.buffer.sort_by(|a, b| b.better(a));
        self.buffer
    }
}

/// The [`Champions`] of a word (its terms' union) in a segment: every document it matches
/// scored once, the best kept in the order of the results (score, then the stable key).
pub(super) fn champion_list(
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
pub(super) fn expansion_champions(sets: &WordSets, data: &SegmentData, size: usize) -> Champions {
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
