//! Splitting German compounds into their parts, so that a search for `Kurs` finds
//! `Integrationskurs` and `Beratung` finds `Migrationsberatung`.
//!
//! The splitter works from a lexicon of word parts (`compound_parts.txt`, folded as
//! [`crate::analysis::fold`] folds): words of the field (counselling, courses, recognition,
//! school, family, work) and common German nouns. A word is split when it can be written
//! entirely as lexicon parts, with the usual linking elements (`s`, `es`, `n`, `en`, `e`)
//! between them, and the compounds inside it that end it come along (`frauenintegrationskurs`
//! also gives `integrationskurs`); otherwise its longest lexicon suffix (the head of a German
//! compound) is taken alone. Only the index splits; a query keeps its compounds whole, which
//! keeps them precise.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Parts shorter than this are not split off: they would match too much.
const MIN_PART: usize = 4;
/// Words shorter than this are not split at all.
const MIN_WORD: usize = 7;
/// German linking elements (Fugenelemente) that may stand between two parts.
const LINKS: &[&str] = &["s", "es", "n", "en", "e", "er"];

static LEXICON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("compound_parts.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Words whose splits each thread remembers (as byte ranges); emptied when full.
const SPLIT_CACHE_WORDS: usize = 100_000;

thread_local! {
    static SPLITS: std::cell::RefCell<std::collections::HashMap<String, Vec<(usize, usize)>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// The parts of a folded word, or nothing when it is not a compound the lexicon knows.
/// The word itself is never among the parts.
pub fn split(word: &str) -> Vec<&str> {
    if word.len() < MIN_WORD || !word.is_ascii() {
        return Vec::new();
    }
    let ranges = SPLITS.with(|cache| {
        if let Some(r) = cache.borrow().get(word) {
            return r.clone();
        }
        let r = split_uncached(word);
        let mut cache = cache.borrow_mut();
        if cache.len() >= SPLIT_CACHE_WORDS {
            cache.clear();
        }
        cache.insert(word.to_owned(), r.clone());
        r
    });
    ranges.into_iter().map(|(a, b)| &word[a..b]).collect()
}

fn split_uncached(word: &str) -> Vec<(usize, usize)> {
    if let Some(parts) = full_split(word) {
        return parts;
    }
    // The head of a compound is its last part: `hausaufgabenhilfe` is a kind of `hilfe`.
    (MIN_PART..=word.len() - MIN_PART)
        .rev()
        .map(|len| (word.len() - len, word.len()))
        .find(|&(a, b)| LEXICON.contains(&word[a..b]))
        .into_iter()
        .collect()
}

/// Writes `word` as lexicon parts with optional links between them, preferring the fewest
/// parts; the parts as byte ranges, `None` when it cannot be written so or is a single part.
fn full_split(word: &str) -> Option<Vec<(usize, usize)>> {
    let n = word.len();
    // best[i]: the fewest parts that cover word[..i] exactly, the start of the last of them
    // and the end of the part before it (the gap between the two is a link).
    let mut best: Vec<Option<Step>> = vec![None; n + 1];
    best[0] = Some(Step { count: 0, start: 0, prev_end: 0 });
    for end in MIN_PART..=n {
        for start in 0..=end - MIN_PART {
            if !LEXICON.contains(&word[start..end]) {
                continue;
            }
            // The part may follow the previous part directly or after a link; the first part
            // starts the word.
            let links = LINKS.iter().filter(|l| start > l.len() && word[..start].ends_with(*l));
            let prev_ends = std::iter::once(start).chain(links.map(|l| start - l.len()));
            for prev_end in prev_ends {
                let Some(prev) = best[prev_end] else { continue };
                let count = prev.count + 1;
                if best[end].is_none_or(|b| count < b.count) {
                    best[end] = Some(Step { count, start, prev_end });
                }
            }
        }
    }
    let last = best[n]?;
    if last.count < 2 {
        return None;
    }
    let mut parts = Vec::with_capacity(2 * last.count - 2);
    let mut starts = Vec::with_capacity(last.count);
    let mut end = n;
    while end > 0 {
        let step = best[end]?;
        parts.push((step.start, end));
        starts.push(step.start);
        end = step.prev_end;
    }
    parts.reverse();
    // The word from each inner part to its end is a compound of its own and the word's head:
    // a `frauenintegrationskurs` is an `integrationskurs`, a `berufssprachkurs` a
    // `sprachkurs`. Queries keep compounds whole, so without these `Integrationskurs` would
    // not find `Frauenintegrationskurs`. (The first start is the word itself, the last one
    // the last part, which is already there.)
    let inner = starts.len() - 1;
    parts.extend(starts[1..inner].iter().rev().map(|&start| (start, n)));
    Some(parts)
}

#[derive(Clone, Copy)]
struct Step {
    count: usize,
    start: usize,
    prev_end: usize,
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn splits_the_compounds_advisers_search_for() {
        assert_eq!(split("integrationskurs"), ["integration", "kurs"]);
        assert_eq!(split("migrationsberatung"), ["migration", "beratung"]);
        assert_eq!(split("berufssprachkurs"), ["beruf", "sprach", "kurs", "sprachkurs"]);
        assert_eq!(split("anerkennungsberatung"), ["anerkennung", "beratung"]);
        assert_eq!(split("jugendmigrationsdienst"), ["jugend", "migration", "dienst", "migrationsdienst"]);
    }

    #[test]
    fn keeps_the_inner_compounds_that_end_the_word() {
        assert_eq!(split("frauenintegrationskurs"), ["frauen", "integration", "kurs", "integrationskurs"]);
        assert_eq!(split("jugendintegrationskurs"), ["jugend", "integration", "kurs", "integrationskurs"]);
    }

    #[test]
    fn takes_the_head_when_the_rest_is_unknown() {
        assert_eq!(split("xylophonkurs"), ["kurs"]);
    }

    #[test]
    fn leaves_plain_words_alone() {
        assert!(split("beratung").is_empty());
        assert!(split("essen").is_empty());
        assert!(split("kurs").is_empty());
    }
}
