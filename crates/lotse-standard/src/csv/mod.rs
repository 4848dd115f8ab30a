//! The standard's CSV form, one file per kind of record: one column per leaf field, named by
//! joining the path with `_`; texts per language as `<field>_<lang>`; one location per row in
//! the `location_*` columns; several values in one cell separated by `|` (references too, as
//! `org-7` or `muelheim/org-7`); links one column per purpose (`link_website`); a network's
//! coordinators in numbered groups (`coordinator_1_name` …) and a project's funding in one
//! group (`funding_programme` …). Each kind's columns are one table (`tables.rs`), which the
//! reader and the writer both follow.
//!
//! Further locations of a record follow its row as extra rows that repeat the `id` and fill
//! only `location_*` columns. Readers accept `,`, `;` or tab as delimiter, UTF-8 with or without BOM
//! or Windows-1252, dates as `2026-12-31` or `31.12.2026`, and decimal commas.
//!
//! Cells that a spreadsheet would run as a formula are written with a leading apostrophe and
//! read without it ([`formula`]); number columns are written as plain numbers.

mod columns;
pub mod formula;
mod read;
mod rows;
mod tables;
mod write;

pub use columns::{Column, Leaf, Target};
pub use formula::{neutralise, restore};
pub use read::{CsvOrigin, CsvRecords, decode, read_kind};
pub use write::{CsvWriter, EXPORT_LANGUAGES, write_kind};
