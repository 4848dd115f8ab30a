//! The one rule for cells that a spreadsheet would take for a formula, for every CSV Lotse
//! writes and reads.
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and, in some programs, a
//! tab or a carriage return) as a formula, so offer data could run on the machine of whoever
//! opens an export. The writer therefore puts an apostrophe in front of such a cell, which
//! spreadsheets show as text; the reader takes exactly that apostrophe off again, so that an
//! export imports into a node unchanged.
//!
//! A cell that really starts with apostrophes followed by one of these characters (`'=x`) gets
//! one more on writing (`''=x`) and loses one on reading, so every value round-trips.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
pub const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether the cell, after any leading apostrophes, starts like a formula.
fn formula_like(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// The cell as written: with an apostrophe in front where it starts like a formula (possibly
/// after apostrophes of its own).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if formula_like(cell) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

/// [`neutralise`] on an owned cell, in place.
pub fn neutralise_in_place(cell: &mut String) {
    if formula_like(cell) {
        cell.insert(0, '\'');
    }
}

/// The cell as read: without the one apostrophe that [`neutralise`] put in front.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_get_an_apostrophe() {
        assert_eq!(neutralise("=SUMME(A1)"), "'=SUMME(A1)");
        assert_eq!(neutralise("+49 201 123456"), "'+49 201 123456");
        assert_eq!(neutralise("-"), "'-");
        assert_eq!(neutralise("@home"), "'@home");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("\rx"), "'\rx");
        assert_eq!(neutralise("'=x"), "''=x");
        assert_eq!(neutralise("plain"), "plain");
        assert_eq!(neutralise("'quoted"), "'quoted");
        assert_eq!(neutralise("'"), "'");
        assert_eq!(neutralise(""), "");
        assert_eq!(neutralise("a=b"), "a=b");
    }

    #[test]
    fn reading_takes_off_exactly_one() {
        assert_eq!(restore("'=SUMME(A1)"), "=SUMME(A1)");
        assert_eq!(restore("''=x"), "'=x");
        assert_eq!(restore("'quoted"), "'quoted");
        assert_eq!(restore("'"), "'");
        assert_eq!(restore("=x"), "=x");
        assert_eq!(restore("-5"), "-5");
    }

    proptest! {
        #[test]
        fn every_cell_round_trips(cell in "['=+@\\-\t\r a-z0-9]{0,8}") {
            let written = neutralise(&cell);
            prop_assert!(!written.starts_with(FORMULA_START));
            prop_assert_eq!(restore(&written), cell.as_str());
            let mut owned = cell.clone();
            neutralise_in_place(&mut owned);
            prop_assert_eq!(owned.as_str(), written.as_ref());
        }
    }
}
