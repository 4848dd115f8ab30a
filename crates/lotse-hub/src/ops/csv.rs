//! CSV for the operator's downloads and the population upload.
//!
//! Downloads are opened in spreadsheets, so a field that a spreadsheet would take for a
//! formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with an
//! apostrophe; offer data must never become a formula on the operator's machine.

use std::fmt::Write as _;

/// One CSV field, quoted when needed.
pub fn field(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// A CSV document: a header and rows, CRLF line ends (RFC 4180).
pub fn document<I, R>(header: &[&str], rows: I) -> String
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = String>,
{
    let mut out = String::new();
    let _ = write!(out, "{}\r\n", header.iter().map(|h| field(h)).collect::<Vec<_>>().join(","));
    for row in rows {
        let line: Vec<String> = row.into_iter().map(|v| field(&v)).collect();
        let _ = write!(out, "{}\r\n", line.join(","));
    }
    out
}

/// A problem in an uploaded population file: the line (1-based) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationError {
    pub line: usize,
    pub de: String,
    pub en: String,
}

/// Reads `ags,population` lines (a header line is allowed, `;` works as separator as Excel
/// writes it in German locales). Every AGS must be an 8-digit municipality key of the region
/// pack and every figure a positive whole number; the first problem fails the whole file, so
/// that nothing half-read is stored.
pub fn parse_population(text: &str) -> Result<Vec<(String, i64)>, PopulationError> {
    let region = lotse_geo::ruhr();
    let mut out: Vec<(String, i64)> = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let sep = if raw.contains(';') { ';' } else { ',' };
        let cols: Vec<&str> = raw.split(sep).map(|c| c.trim().trim_matches('"')).collect();
        if line == 1 && cols.first().is_some_and(|c| c.eq_ignore_ascii_case("ags")) {
            continue;
        }
        let err = |de: String, en: String| PopulationError { line, de, en };
        let [ags, figure] = cols[..] else {
            return Err(err(
                "Erwartet zwei Spalten: ags,population.".into(),
                "Expected two columns: ags,population.".into(),
            ));
        };
        if region.municipality(ags).is_none() {
            return Err(err(
                format!("„{ags}“ ist kein Gemeindeschlüssel der Region."),
                format!("\"{ags}\" is not a municipality key of the region."),
            ));
        }
        let digits: String = figure.chars().filter(|c| !matches!(c, '.' | ' ' | '\u{a0}')).collect();
        let Some(n) = digits.parse::<i64>().ok().filter(|n| *n > 0) else {
            return Err(err(
                format!("„{figure}“ ist keine positive ganze Zahl."),
                format!("\"{figure}\" is not a positive whole number."),
            ));
        };
        if out.iter().any(|(a, _)| a == ags) {
            return Err(err(format!("{ags} steht doppelt in der Datei."), format!("{ags} appears twice.")));
        }
        out.push((ags.to_owned(), n));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-1"), "'-1");
        assert_eq!(document(&["a", "b"], [vec!["1".to_owned(), "x\ny".to_owned()]]), "a,b\r\n1,\"x\ny\"\r\n");
    }

    #[test]
    fn population_files_are_read_whole_or_refused() {
        let ok = parse_population("ags;population\n05113000;582.760\n05913000,588250\n").unwrap();
        assert_eq!(ok, vec![("05113000".to_owned(), 582_760), ("05913000".to_owned(), 588_250)]);
        let e = parse_population("ags,population\n05113000,1\n99999999,5\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert_eq!(parse_population("05113000,-4").unwrap_err().line, 1);
        assert_eq!(parse_population("05113000,1\n05113000,2").unwrap_err().line, 2);
        assert!(parse_population("05113000").is_err());
    }
}
