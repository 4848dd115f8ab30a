//! Checks of string formats: e-mail, phone, URL, language tag, time, markup.
//!
//! They are deliberately hand-written: each is a few lines, runs on every record, and must give
//! the same answer on node and hub without pulling a regex engine into the hot path.

/// A record id as the standard allows it: 1 to 128 of `A–Z a–z 0–9 . _ : -`. Ids become parts
/// of URLs and of the hub's ids (`node/id`), so a slash is never part of one.
pub fn is_record_id(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// A node id: 1 to 64 of `A–Z a–z 0–9 . _ -`. Without `/` and `:`, so that the first `/` of a
/// hub id separates the node from the record.
pub fn is_node_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A pragmatic e-mail check: one `@`, a non-empty local part without spaces, a domain of
/// dot-separated labels of letters, digits and hyphens, ending in a label of two or more letters.
pub fn is_email(s: &str) -> bool {
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = s.split_once('@') else { return false };
    if local.is_empty()
        || local.len() > 64
        || domain.contains('@')
        || local.contains(['<', '>', '(', ')', ',', ';', ':', '"', '[', ']'])
    {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic))
}

/// Phone numbers as people write them in Germany: digits with spaces, `/`, `-`, `.`, brackets,
/// an optional leading `+`; 6 to 20 digits.
pub fn is_phone(s: &str) -> bool {
    let t = s.trim();
    let body = t.strip_prefix('+').unwrap_or(t);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    (6..=20).contains(&digits)
        && body.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '/' | '-' | '.' | '(' | ')'))
}

/// An absolute `http` or `https` URL with a plausible host. Anything else (`javascript:`,
/// `data:`, relative paths) is refused, because URLs end up as links in the web front end.
pub fn is_http_url(s: &str) -> bool {
    if s.len() > 2048 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let lower = s.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    let rest = if lower.starts_with("https://") {
        &s[8..]
    } else if lower.starts_with("http://") {
        &s[7..]
    } else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port.split_once(']').map_or("", |(h, _)| h.trim_start_matches('['))
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    !host.is_empty()
        && host.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':'))
        && !host.starts_with('.')
        && !host.ends_with('-')
}

/// The syntax of a BCP 47 tag as the standard allows it: a primary language subtag of two or
/// three lowercase letters, then subtags of one to eight letters or digits (script, region,
/// variants). Whether a two-letter primary subtag is a real ISO 639-1 code is checked against
/// the languages vocabulary by the caller.
pub fn language_tag_primary(s: &str) -> Option<&str> {
    let mut parts = s.split('-');
    let primary = parts.next()?;
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    parts
        .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(primary)
}

/// `HH:MM` on the 24-hour clock, as minutes after midnight.
pub fn parse_time(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' || !b[..2].iter().chain(&b[3..]).all(u8::is_ascii_digit) {
        return None;
    }
    let (h, m) = (
        u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0'),
        u32::from(b[3] - b'0') * 10 + u32::from(b[4] - b'0'),
    );
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Markup in a plain-text field: an HTML/XML tag (`<b>`, `</p>`, `<!-- -->`, `<script …>`) or
/// a character entity (`&amp;`, `&#x3C;`). A lone `<` as in "Kinder < 6 Jahre" is not markup.
pub fn contains_markup(s: &str) -> bool {
    let b = s.as_bytes();
    // Almost every text has neither character; one quick pass settles those.
    if !b.iter().any(|&c| c == b'<' || c == b'&') {
        return false;
    }
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'<' => {
                let next = b.get(i + 1).copied().unwrap_or(b' ');
                if (next.is_ascii_alphabetic() || next == b'/' || next == b'!' || next == b'?')
                    && b[i + 1..].contains(&b'>')
                {
                    return true;
                }
            }
            b'&' => {
                let tail = &b[i + 1..b.len().min(i + 12)];
                if let Some(end) = tail.iter().position(|&x| x == b';') {
                    let name = &tail[..end];
                    let entity = !name.is_empty()
                        && (name.iter().all(u8::is_ascii_alphanumeric)
                            || (name[0] == b'#'
                                && name.len() > 1
                                && name[1..].iter().all(u8::is_ascii_alphanumeric)));
                    if entity {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_record_id("A-z_0.9:x"));
        assert!(!is_record_id(""));
        assert!(!is_record_id("a/b"));
        assert!(!is_record_id(&"x".repeat(129)));
        assert!(is_node_id("muelheim"));
        assert!(!is_node_id("a:b"));
        assert!(!is_node_id(&"x".repeat(65)));
    }

    #[test]
    fn emails() {
        assert!(is_email("beratung@caritas-dortmund.de"));
        assert!(is_email("a.b+c@uni-due.de"));
        assert!(!is_email("beratung@caritas"));
        assert!(!is_email("beratung caritas@x.de"));
        assert!(!is_email("@x.de"));
        assert!(!is_email("a@@x.de"));
        assert!(!is_email("a@x.d1"));
    }

    #[test]
    fn phones() {
        assert!(is_phone("+49 231 1234567"));
        assert!(is_phone("0201 / 88-123 (Zentrale)".trim_end_matches(" (Zentrale)")));
        assert!(!is_phone("0201 call me"));
        assert!(!is_phone("123"));
        assert!(!is_phone("+49 +231 123456"));
    }

    #[test]
    fn urls() {
        assert!(is_http_url("https://www.vhs-essen.de/kurse?x=1#a"));
        assert!(is_http_url("http://[::1]:8080/x"));
        assert!(is_http_url("HTTPS://example.org"));
        assert!(!is_http_url("javascript:alert(1)"));
        assert!(!is_http_url("ftp://example.org"));
        assert!(!is_http_url("https://"));
        assert!(!is_http_url("https://exa mple.org"));
        assert!(!is_http_url("www.example.org"));
    }

    #[test]
    fn language_tags() {
        assert_eq!(language_tag_primary("de"), Some("de"));
        assert_eq!(language_tag_primary("sr-Latn-RS"), Some("sr"));
        assert_eq!(language_tag_primary("gsw"), Some("gsw"));
        assert_eq!(language_tag_primary("DE"), None);
        assert_eq!(language_tag_primary("deutsch"), None);
        assert_eq!(language_tag_primary("de-"), None);
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("09:00"), Some(540));
        assert_eq!(parse_time("23:59"), Some(1439));
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(parse_time("9:00"), None);
    }

    #[test]
    fn markup() {
        assert!(contains_markup("Kurs <b>neu</b>"));
        assert!(contains_markup("<script>alert(1)</script>"));
        assert!(contains_markup("Tom &amp; Jerry"));
        assert!(contains_markup("x &#60; y"));
        assert!(!contains_markup("Kinder < 6 Jahre und > 3"));
        assert!(!contains_markup("Eltern & Kinder; gemeinsam"));
    }
}
