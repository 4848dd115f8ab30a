//! The text query and its expansion: the words of a query, and per word its terms (scored by
//! BM25 with their field weights) and its expansions (a prefix while typing, typo tolerance),
//! planned once per search ([`Text`]) and turned into bit sets per segment ([`WordSets`]).

use std::sync::Arc;

use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, FuzzyTermQuery, Query, TermQuery, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, SegmentReader, Term};

use crate::analysis::{self, Word};
use crate::bitset::BitSet;
use crate::schema::Fields;
use crate::segment::SegmentData;

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
pub(super) struct Expansion {
    key: String,
    query: Box<dyn Query>,
    pub(super) boost: f32,
    /// Made on first need: a typo automaton takes a while to build, and a segment that
    /// remembers the expansion's documents does not need it.
    weight: std::sync::OnceLock<Box<dyn Weight>>,
}

impl Expansion {
    fn new(key: String, query: Box<dyn Query>, boost: f32) -> Expansion {
        Expansion { key, query, boost, weight: std::sync::OnceLock::new() }
    }

    pub(super) fn documents(
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
pub(super) struct Text {
    pub(super) words: Vec<WordPlan>,
}

pub(super) struct WordPlan {
    pub(super) key: String,
    pub(super) union: Option<Box<dyn Weight>>,
    /// Each term alone, scored (with its field weight), for scoring single documents: seeking
    /// a term's postings is far cheaper than seeking a union of them.
    pub(super) scored: Vec<Box<dyn Weight>>,
    pub(super) terms: Vec<Box<dyn Weight>>,
    pub(super) expansions: Vec<Expansion>,
}

impl WordPlan {
    /// Names what the word matches: its terms and its expansions.
    pub(super) fn name(&self) -> String {
        let mut name = self.key.clone();
        for e in &self.expansions {
            name.push_str(" | ");
            name.push_str(&e.key);
        }
        name
    }
}

impl Text {
    pub(super) fn new(
        searcher: &Searcher,
        fields: &Fields,
        parsed: &ParsedQuery,
    ) -> tantivy::Result<Option<Text>> {
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

pub(super) struct WordSets {
    pub(super) terms: Arc<BitSet>,
    pub(super) expansions: Vec<(Arc<BitSet>, f32)>,
}

/// The documents of a word's expansions with the constant each adds.
pub(super) type Expansions = [(Arc<BitSet>, f32)];

pub(super) fn expansion_score(expansions: &Expansions, doc: u32) -> f32 {
    expansions.iter().filter(|(set, _)| set.contains(doc)).map(|(_, boost)| boost).sum()
}
