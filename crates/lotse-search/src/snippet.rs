//! Highlighted snippets: a window of an offer's description around the words that matched,
//! HTML-escaped, with the matches in `<mark>`. Offer texts are plain text by the standard, but
//! the hub never trusts that: everything but the `<mark>` tags is escaped here.

use crate::analysis::{self, Word};

/// A window of about `max_chars` characters of `text` with the query's words marked.
pub fn highlight(text: &str, query: &[Word], prefix: Option<&str>, max_chars: usize) -> String {
    // Without a query there is nothing to mark: skip analysing the text (a map window lists
    // a hundred offers at a time).
    let mut hits: Vec<Word> = Vec::new();
    if !query.is_empty() || prefix.is_some() {
        // Stemming is the dear part of analysis, and most words cannot match: the German
        // stemmer takes endings off and turns `ae`, `oe`, `ue` into plain vowels, which keeps
        // a word's first letter, so only words that begin as a query word's stem begins are
        // stemmed. Other scripts (the Arabic stemmer also takes articles off the front) are
        // always stemmed.
        let may_match = |folded: &str| {
            !folded.is_ascii()
                || query
                    .iter()
                    .any(|q| !q.stem.is_ascii() || folded.as_bytes().first() == q.stem.as_bytes().first())
        };
        // Folding keeps the first letter of an ASCII word as it is (lower-cased), and every
        // match begins as the query word folded begins: words of other first letters need
        // no folding.
        let firsts: Vec<u8> = query
            .iter()
            .map(|q| q.folded.as_str())
            .chain(prefix)
            .filter_map(|f| f.as_bytes().first().copied())
            .collect();
        let keep = |raw: &str| {
            raw.as_bytes()
                .first()
                .is_none_or(|b| !b.is_ascii_alphanumeric() || firsts.contains(&b.to_ascii_lowercase()))
                || firsts.iter().any(|b| !b.is_ascii())
        };
        // Words beyond the window after the first hit are not shown.
        let mut window_end = usize::MAX;
        analysis::folded_words(text, keep, |start, end, folded| {
            if start >= window_end {
                return false;
            }
            let hit = query.iter().any(|q| q.folded == folded)
                || prefix.is_some_and(|p| folded.starts_with(p))
                || (may_match(&folded) && {
                    let stem = analysis::stem(&folded);
                    query.iter().any(|q| q.stem == stem)
                });
            if hit {
                if hits.is_empty() {
                    // The window starts at most 40 characters before the first hit and is
                    // `max_chars` long: 4 bytes per character bound it from above.
                    window_end = start.saturating_add(4 * max_chars + 8);
                }
                hits.push(Word { start, end, folded, stem: String::new() });
            }
            true
        });
    }
    // Start a little before the first hit, at a word boundary.
    let start = hits
        .first()
        .map(|first| {
            let before = &text[..first.start];
            let back = before.char_indices().rev().nth(40).map_or(0, |(i, _)| i);
            if back == 0 { 0 } else { before[back..].find(' ').map_or(back, |s| back + s + 1) }
        })
        .unwrap_or(0);
    let mut end = text[start..].char_indices().nth(max_chars).map_or(text.len(), |(i, _)| start + i);
    if end < text.len() {
        // End at a word boundary.
        end = text[start..end].rfind(' ').map_or(end, |i| start + i);
    }
    let mut out = String::with_capacity(end - start + 32);
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for h in hits.iter().filter(|h| h.start >= start && h.end <= end) {
        escape_into(&text[at..h.start], &mut out);
        out.push_str("<mark>");
        escape_into(&text[h.start..h.end], &mut out);
        out.push_str("</mark>");
        at = h.end;
    }
    escape_into(&text[at..end], &mut out);
    if end < text.len() {
        out.push('…');
    }
    out
}

/// Escapes the characters that HTML gives a meaning to.
pub fn escape_into(text: &str, out: &mut String) {
    // The escaped characters are ASCII, so they never fall inside a multi-byte character and
    // the text between them is copied as it stands.
    let mut copied = 0;
    for (i, b) in text.bytes().enumerate() {
        let escaped = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[copied..i]);
        out.push_str(escaped);
        copied = i + 1;
    }
    out.push_str(&text[copied..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_matches_and_escapes_the_rest() {
        let q = analysis::words("Kurse");
        let s = highlight("Ein <b>Kurs</b> & mehr Kurse", &q, None, 200);
        assert_eq!(s, "Ein &lt;b&gt;<mark>Kurs</mark>&lt;/b&gt; &amp; mehr <mark>Kurse</mark>");
    }

    #[test]
    fn escapes_between_multi_byte_characters() {
        let mut out = String::new();
        escape_into("ä<ü>&\"ß'", &mut out);
        assert_eq!(out, "ä&lt;ü&gt;&amp;&quot;ß&#39;");
    }

    #[test]
    fn windows_long_texts_around_the_first_match() {
        let text = format!("{} Sprachcafé am Abend {}", "Lorem ipsum ".repeat(30), "dolor sit ".repeat(40));
        let s = highlight(&text, &analysis::words("Abend"), None, 100);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>Abend</mark>"));
        assert!(s.chars().count() < 110);
    }

    #[test]
    fn marks_prefixes_while_typing() {
        let s = highlight("Migrationsberatung für Erwachsene", &[], Some("migra"), 200);
        assert_eq!(s, "<mark>Migrationsberatung</mark> für Erwachsene");
    }
}
