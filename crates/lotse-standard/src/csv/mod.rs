//! The standard's CSV form: one column per leaf field, named by joining the path with `_`; one
//! location per row in the `location_*` columns; several values in one cell separated by `|`.
//!
//! Further locations of an offer follow its row as extra rows that repeat the `id` and fill only
//! `location_*` columns. Readers accept `,`, `;` or tab as delimiter, UTF-8 with or without BOM
//! or Windows-1252, dates as `2026-12-31` or `31.12.2026`, and decimal commas.
//!
//! Cells that a spreadsheet would run as a formula are written with a leading apostrophe and
//! read without it ([`formula`]); number columns are written as plain numbers.

mod columns;
pub mod formula;
mod read;
mod write;

pub use columns::{Column, Leaf, Target};
pub use formula::{neutralise, restore};
pub use read::{CsvOrigin, CsvRecords, decode};
pub use write::{CsvWriter, EXPORT_LANGUAGES};
