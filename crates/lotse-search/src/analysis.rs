//! Text analysis for German offer texts (and the other languages they come in).
//!
//! One pipeline serves the index and the query side, so that both produce the same terms:
//! split into runs of letters and digits, lower-case, fold (`ü` → `ue`, `ß` → `ss`, accents
//! dropped, Arabic diacritics and letter variants unified), drop stop words, stem (German
//! Snowball for Latin script, the Arabic stemmer for Arabic script). The index side also splits
//! German compounds into their parts ([`crate::compound`]) so that `Kurs` finds
//! `Integrationskurs`; the query side does not, so that `Integrationskurs` stays precise.
//!
//! Folding `ü` to `ue` makes `Muelheim` find `Mülheim`; because people also type `Mulheim`, the
//! index keeps the plain-ASCII variant of a word with umlauts as a second term at the same
//! position.

use std::sync::LazyLock;

use frostem::{Algorithm, Stemmer};

/// Words longer than this are not indexed (they are not words but identifiers or noise).
const MAX_WORD_CHARS: usize = 40;

static GERMAN: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::new(Algorithm::German));
static ARABIC: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::new(Algorithm::Arabic));

/// German (and a few English) words too common to carry meaning in a search.
const STOP_WORDS: &[&str] = &[
    "aber", "als", "am", "an", "auch", "auf", "aus", "bei", "bis", "das", "dass", "dem", "den", "der", "des",
    "die", "ein", "eine", "einem", "einen", "einer", "eines", "es", "fuer", "hat", "im", "in", "ist", "mit",
    "nach", "oder", "sich", "sie", "sind", "so", "und", "um", "vom", "von", "vor", "wie", "wir", "zu", "zum",
    "zur", "the", "and", "for", "of", "to", "a", "an", "with", "or",
];

/// One word of a text: where it stands (byte offsets into the text) and its forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    /// Lower-cased and folded, not stemmed: what prefix and typo matching compare against.
    pub folded: String,
    /// The stem of `folded`: what full-word matching compares against.
    pub stem: String,
}

/// Splits `text` into words (runs of letters and digits), folded and stemmed, stop words
/// removed.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    folded_words(
        text,
        |_| true,
        |start, end, folded| {
            let stem = stem(&folded);
            out.push(Word { start, end, folded, stem });
            true
        },
    );
    out
}

/// Calls `f` with the byte range and the folded form of each word of `text` (stop words
/// removed) that `keep` accepts as it stands in the text, in order, until `f` returns
/// `false`: [`words`] without the stemming, for callers that need only some words.
pub fn folded_words(
    text: &str,
    keep: impl Fn(&str) -> bool,
    mut f: impl FnMut(usize, usize, String) -> bool,
) {
    each_word(text, |s, e| {
        let raw = &text[s..e];
        // A word of at most MAX_WORD_CHARS bytes has at most as many characters: counting
        // them is needed only for longer ones.
        if !keep(raw) || (raw.len() > MAX_WORD_CHARS && raw.chars().count() > MAX_WORD_CHARS) {
            return true;
        }
        let folded = fold(raw);
        if folded.is_empty() || is_stop_word(&folded) {
            return true;
        }
        f(s, e, folded)
    });
}

/// Calls `word` with the byte range of each run of letters and digits of `text`, in order,
/// until it returns `false`. ASCII bytes are classified directly, so that only the other
/// characters are decoded (offer texts are mostly ASCII, and every result's description is
/// scanned for its snippet).
fn each_word(text: &str, mut word: impl FnMut(usize, usize) -> bool) {
    let bytes = text.as_bytes();
    let mut start = None;
    let mut i = 0;
    while i < bytes.len() {
        let (alphanumeric, len) = match bytes[i] {
            b if b.is_ascii() => (b.is_ascii_alphanumeric(), 1),
            _ => text[i..].chars().next().map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
        };
        if alphanumeric {
            start.get_or_insert(i);
        } else if let Some(s) = start.take()
            && !word(s, i)
        {
            return;
        }
        i += len;
    }
    if let Some(s) = start {
        word(s, text.len());
    }
}

/// Whether a folded word is a stop word. None is longer than five letters, which settles most
/// words without a comparison.
fn is_stop_word(folded: &str) -> bool {
    folded.len() <= 5 && STOP_WORDS.contains(&folded)
}

/// Words whose stems each thread remembers; the cache is emptied when it is full. Texts
/// repeat their words (Zipf), so most lookups hit, and stemming is most of indexing's work.
const STEM_CACHE_WORDS: usize = 100_000;

thread_local! {
    static STEMS: std::cell::RefCell<std::collections::HashMap<String, String>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Stems a folded word with the stemmer of its script.
pub fn stem(folded: &str) -> String {
    STEMS.with(|cache| {
        if let Some(s) = cache.borrow().get(folded) {
            return s.clone();
        }
        let s = stem_uncached(folded);
        let mut cache = cache.borrow_mut();
        if cache.len() >= STEM_CACHE_WORDS {
            cache.clear();
        }
        cache.insert(folded.to_owned(), s.clone());
        s
    })
}

fn stem_uncached(folded: &str) -> String {
    let stemmer = if folded.chars().any(is_arabic) {
        &*ARABIC
    } else if folded.chars().all(|c| c.is_ascii_alphabetic()) {
        &*GERMAN
    } else {
        // Numbers, codes and other scripts are matched as they are.
        return folded.to_owned();
    };
    // Snowball stems `kurse` to `kurs` but `kurs` to `kur`, and the Arabic stemmer takes the
    // article off `الأسرة` but not the ending it takes off `أسرة`: stemming until nothing
    // changes brings the forms of one word together.
    let mut stem = stemmer.stem(folded).into_owned();
    loop {
        let again = stemmer.stem(&stem);
        if again == stem {
            return stem;
        }
        stem = again.into_owned();
    }
}

fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// Lower-cases and folds a word: German umlauts to their two-letter forms, accents dropped,
/// Arabic diacritics removed and letter variants unified.
pub fn fold(word: &str) -> String {
    // Every replacement below is of a non-ASCII character, so an ASCII word only needs
    // lower-casing.
    if word.is_ascii() { word.to_ascii_lowercase() } else { fold_chars(word) }
}

/// [`fold`] character by character.
fn fold_chars(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    for c in word.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'à' | 'á' | 'â' | 'ã' | 'å' | 'ā' | 'ă' | 'ą' => out.push('a'),
            'ç' | 'ć' | 'č' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ı' | 'ī' => out.push('i'),
            'ñ' | 'ń' | 'ň' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ø' | 'ō' | 'ő' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ū' | 'ů' | 'ű' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ş' | 'ś' | 'š' | 'ș' => out.push('s'),
            'ğ' => out.push('g'),
            'ł' => out.push('l'),
            'ž' | 'ź' | 'ż' => out.push('z'),
            'ț' => out.push('t'),
            // Turkish `İ` lower-cases to `i` and a combining dot above; without the dot, `İki`
            // matches `iki` as people type it.
            '\u{0307}' => {}
            // Arabic: short vowels and other diacritics carry no meaning for search.
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => {}
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ى' => out.push('ي'),
            // Persian is written with its own kaf and yeh or, from an Arabic keyboard, with the
            // Arabic ones; one form each makes `مدارک` and `مدارك` the same word (and stems it
            // the same way).
            'ی' => out.push('ي'),
            'ک' => out.push('ك'),
            'ة' => out.push('ه'),
            c => out.push(c),
        }
    }
    out
}

/// The plain-ASCII variant of a folded word with umlauts (`muelheim` → `mulheim`), if the word
/// has one; indexed beside the folded form for people who type umlauts as bare vowels.
pub fn bare_vowel_variant(original: &str) -> Option<String> {
    if !original.chars().any(|c| matches!(c, 'ä' | 'ö' | 'ü' | 'Ä' | 'Ö' | 'Ü')) {
        return None;
    }
    let bare: String = original
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ä' => 'a',
            'ö' => 'o',
            'ü' => 'u',
            c => c,
        })
        .collect();
    Some(fold(&bare))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_agree_with_the_general_rules() {
        let ascii: String = (0u8..128).map(char::from).collect();
        assert_eq!(fold(&ascii), fold_chars(&ascii));
        assert!(
            STOP_WORDS.iter().all(|w| w.len() <= 5 && fold(w) == *w),
            "the length shortcut of is_stop_word"
        );
        // Word boundaries with ASCII and other characters side by side.
        let text = "Büro-Öffnung: 9 Uhr, ٱلعربية und straße…x";
        let mut split = Vec::new();
        each_word(text, |s, e| {
            split.push(&text[s..e]);
            true
        });
        let mut by_chars = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
            match (c.is_alphanumeric() && i < text.len(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    by_chars.push(&text[s..i]);
                    start = None;
                }
                _ => {}
            }
        }
        assert_eq!(split, by_chars);
    }

    fn stems(text: &str) -> Vec<String> {
        words(text).into_iter().map(|w| w.stem).collect()
    }

    #[test]
    fn umlauts_fold_to_two_letters() {
        assert_eq!(fold("Mülheim"), "muelheim");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(stems("Mülheim"), stems("Muelheim"));
        assert_eq!(bare_vowel_variant("Mülheim").as_deref(), Some("mulheim"));
        assert_eq!(bare_vowel_variant("Essen"), None);
    }

    #[test]
    fn stop_words_go_and_offsets_stay() {
        let w = words("Kurs für Frauen, Essen");
        let folded: Vec<_> = w.iter().map(|w| w.folded.as_str()).collect();
        assert_eq!(folded, ["kurs", "frauen", "essen"]);
        assert_eq!(&"Kurs für Frauen, Essen"[w[1].start..w[1].end], "Frauen");
    }

    #[test]
    fn german_inflections_share_a_stem() {
        assert_eq!(stems("Beratungen"), stems("Beratung"));
        assert_eq!(stems("Kurse"), stems("Kurs"));
    }

    #[test]
    fn turkish_dotted_capital_i_is_a_plain_i() {
        assert_eq!(fold("İki Dilli"), "iki dilli");
        assert_eq!(stems("İKİ"), stems("iki"));
    }

    #[test]
    fn persian_letters_match_their_arabic_forms() {
        // Kaf and yeh as a Persian and as an Arabic keyboard types them.
        assert_eq!(stems("مدارک دری فارسی"), stems("مدارك دري فارسي"));
    }

    #[test]
    fn arabic_forms_of_a_word_share_a_stem() {
        // With and without the article, singular and plural.
        assert_eq!(stems("الأسرة"), stems("أسرة"));
        assert_eq!(stems("الدورة"), stems("دورات"));
        assert_eq!(stems("استشارات"), stems("استشارة"));
    }

    #[test]
    fn arabic_is_normalised() {
        // The same word with and without diacritics and with a hamza variant of alef.
        assert_eq!(fold("أَلِف"), fold("الف"));
        assert!(!words("دورة لغة").is_empty());
    }
}
