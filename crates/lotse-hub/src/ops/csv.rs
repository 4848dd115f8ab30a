//! CSV for the operator's downloads and the population upload, with the [`csv`] crate.
//!
//! Downloads are opened in spreadsheets, so every field passes through the standard's formula
//! rule ([`lotse_standard::csv::neutralise`]): a field that a spreadsheet would take for a
//! formula gets an apostrophe in front; offer data must never become a formula on the
//! operator's machine. The downloads have no column types, so numbers are guarded too.

use lotse_standard::csv::neutralise;

/// A writer for downloads: `,`-separated, CRLF line ends (RFC 4180), and fields with a `;`
/// quoted as well, since German spreadsheets split at `;`.
fn writer() -> csv::Writer<Vec<u8>> {
    // The comment byte is never written; the writer quotes every field that contains it.
    csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).comment(Some(b';')).from_writer(Vec::new())
}

/// A CSV document: a header and rows, CRLF line ends (RFC 4180).
pub fn document<I, R>(header: &[&str], rows: I) -> String
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = String>,
{
    let mut w = writer();
    // Writing into memory cannot fail, and the fields are strings, so the text is UTF-8.
    let _ = w.write_record(header.iter().map(|h| neutralise(h).into_owned()));
    for row in rows {
        let _ = w.write_record(row.into_iter().map(|v| neutralise(&v).into_owned()));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
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
        let sep = if raw.contains(';') { b';' } else { b',' };
        let err = |de: String, en: String| PopulationError { line, de, en };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(sep)
            .from_reader(raw.as_bytes());
        let mut record = csv::StringRecord::new();
        if let Err(e) = reader.read_record(&mut record) {
            return Err(err(
                format!("Die Zeile ist nicht lesbar: {e}"),
                format!("The line cannot be read: {e}"),
            ));
        }
        let cols: Vec<&str> = record.iter().map(|c| c.trim().trim_matches('"')).collect();
        if line == 1 && cols.first().is_some_and(|c| c.eq_ignore_ascii_case("ags")) {
            continue;
        }
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

    /// One CSV field as [`document`] writes it.
    fn field(value: &str) -> String {
        if value.is_empty() {
            return String::new();
        }
        let doc = document(&[value], std::iter::empty::<Vec<String>>());
        doc.strip_suffix("\r\n").unwrap_or(&doc).to_owned()
    }

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
    fn semicolons_are_quoted_and_the_guard_is_the_standards() {
        assert_eq!(field("a;b"), "\"a;b\"");
        assert_eq!(field("x\ry"), "\"x\ry\"");
        assert_eq!(field("'=x"), "''=x");
        assert_eq!(field("@x"), "'@x");
        assert_eq!(field(""), "");
        assert_eq!(
            document(
                &["ags", "note"],
                [vec!["05113000".to_owned(), "=1;2".to_owned()], vec![String::new(), "+".to_owned()]]
            ),
            "ags,note\r\n05113000,\"'=1;2\"\r\n,'+\r\n"
        );
    }

    #[test]
    fn population_files_take_quotes_a_bom_and_blank_lines() {
        let ok = parse_population(
            "\u{feff}\"ags\";\"population\"\r\n\r\n\"05113000\";\"582.760\"\r\n 05913000 , 588 250 \n",
        )
        .unwrap();
        assert_eq!(ok, vec![("05113000".to_owned(), 582_760), ("05913000".to_owned(), 588_250)]);
        let e = parse_population("ags,population\n\n05113000,zwei\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert_eq!(e.de, "„zwei“ ist keine positive ganze Zahl.");
        assert_eq!(e.en, "\"zwei\" is not a positive whole number.");
        let e = parse_population("05113000;1;2").unwrap_err();
        assert_eq!((e.line, e.en.as_str()), (1, "Expected two columns: ags,population."));
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
