//! Multi-select facet counts and their cost model: each filter's counts are taken over the
//! matches that pass every other filter, by popcounts of the values' bit sets or from the
//! documents' value codes, whichever reads less; then labelled and listed for the answer.

use std::collections::HashMap;

use lotse_standard::vocab::vocabularies;
use serde::Serialize;

use crate::bitset::BitSet;
use crate::request::{Dim, SearchRequest};
use crate::segment::SegmentData;

/// One value of a facet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: u64,
    pub selected: bool,
}

/// Adds this segment's facet counts (per value code, to `tally`): for each filter, over the
/// matches that pass every other filter. Each group of counts comes from popcounts of the
/// values' bit sets against its base set or from the value codes of the base's documents,
/// whichever reads less: a popcount costs the same for any number of matches, the codes grow
/// with the matches. `of_matched`, when given, holds the counts over all of `matched`
/// (remembered for text-only searches), which is the base of a filter that is the only one
/// selected.
pub(super) fn count_facets(
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
pub(super) fn count_over(data: &SegmentData, base: &BitSet, dims: &[usize], tally: &mut [u64]) {
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
pub(super) fn add_tally(data: &SegmentData, tally: &[u64], counts: &mut [HashMap<String, u64>]) {
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

pub(super) fn label(dim: Dim, value: &str, lang: &str) -> String {
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

pub(super) fn facet_lists(
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
