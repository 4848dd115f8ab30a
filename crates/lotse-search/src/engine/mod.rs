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
//!
//! This module prepares a search and runs it segment by segment; its parts live beside it:
//! `expand` (the words of the query, their terms and expansions: a prefix while typing,
//! typos), `area` (a radius and a bounding box over the segments' grid cells), `topk` (the
//! order of candidates, the buffer of the page's best, champion lists), `facets` (the counts
//! and the cost model that picks how to count them) and `hits` (the results and the answer).

mod area;
mod expand;
mod facets;
mod hits;
mod topk;

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use tantivy::query::Scorer;
use tantivy::{DocAddress, DocSet, Searcher, SegmentReader};

use self::area::Area;
use self::expand::ParsedQuery;
pub(crate) use self::expand::parse_query;
use self::expand::{Expansions, Text, WordPlan, WordSets, expansion_score};
pub use self::facets::FacetValue;
use self::facets::{add_tally, count_facets, count_over, facet_lists};
use self::hits::hit;
pub use self::hits::{Hit, HitLocation, Municipality, SearchResponse};
use self::topk::{TopK, champion_list, expansion_champions, quantize, ranked};
use crate::bitset::BitSet;
use crate::request::{Dim, SearchRequest, Sort};
use crate::schema::Fields;
use crate::segment::{Champions, GridPoint, SegmentCache, SegmentData};

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
