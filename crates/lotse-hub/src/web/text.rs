//! Small pieces of text shared by the pages: snippets split into plain and marked parts,
//! distances and dates in the reader's language.

/// A part of a snippet: text, and whether it is a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub text: String,
    pub mark: bool,
}

/// Splits the search engine's snippet (escaped text with `<mark>` around matches) back into
/// plain text parts, so that the template escapes them itself and no markup from an offer
/// can ever reach the page unescaped.
pub fn snippet_parts(snippet: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut rest = snippet;
    while !rest.is_empty() {
        let (text, mark, next) = match rest.find("<mark>") {
            Some(0) => match rest[6..].find("</mark>") {
                Some(end) => (&rest[6..6 + end], true, &rest[6 + end + 7..]),
                None => (&rest[6..], true, ""),
            },
            Some(i) => (&rest[..i], false, &rest[i..]),
            None => (rest, false, ""),
        };
        if !text.is_empty() {
            parts.push(Part { text: unescape(text), mark });
        }
        rest = next;
    }
    parts
}

/// Undoes the snippet's HTML escaping (the five entities it writes).
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// "2,3 km" in German, "2.3 km" in English.
pub fn km(value: f64, lang: &str) -> String {
    let s = if value < 10.0 { format!("{value:.1}") } else { format!("{value:.0}") };
    let s = if lang == "de" { s.replace('.', ",") } else { s };
    format!("{s} km")
}

/// `2026-03-01` as "01.03.2026" in German; ISO dates stay as they are in English.
pub fn date(iso: &str, lang: &str) -> String {
    if lang != "de" {
        return iso.to_owned();
    }
    match iso.get(..10).map(|d| d.split('-').collect::<Vec<_>>()) {
        Some(p) if p.len() == 3 => format!("{}.{}.{}", p[2], p[1], p[0]),
        _ => iso.to_owned(),
    }
}

/// Unix seconds as a date in the reader's language.
pub fn unix_date(secs: i64, lang: &str) -> String {
    date(&crate::rfc3339(secs), lang)
}

/// A euro amount: "45,00 €" / "€45.00".
pub fn euro(amount: f64, lang: &str) -> String {
    if lang == "de" { format!("{:.2} €", amount).replace('.', ",") } else { format!("€{amount:.2}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_come_apart_into_plain_text() {
        let parts = snippet_parts("Ein <mark>Kurs</mark> &amp; &lt;b&gt;mehr<mark>x");
        assert_eq!(
            parts,
            vec![
                Part { text: "Ein ".into(), mark: false },
                Part { text: "Kurs".into(), mark: true },
                Part { text: " & <b>mehr".into(), mark: false },
                Part { text: "x".into(), mark: true },
            ]
        );
        assert!(snippet_parts("").is_empty());
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(km(2.345, "de"), "2,3 km");
        assert_eq!(km(12.6, "en"), "13 km");
        assert_eq!(date("2026-03-01", "de"), "01.03.2026");
        assert_eq!(euro(45.0, "de"), "45,00 €");
    }
}
