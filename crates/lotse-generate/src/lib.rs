//! Realistic, deterministic sample offers for Lotse.
//!
//! Every test, demo and benchmark of Lotse needs data that looks like what municipalities and
//! universities of the Ruhr region really publish: German titles and descriptions that read like
//! real counselling services, language courses, recognition advice, qualification programmes,
//! school and university access, leisure and family offers; real provider kinds with the names
//! of welfare associations, adult education centres, universities, chambers and job centres;
//! addresses with real postcodes and coordinates inside the right municipality; a realistic mix
//! of languages, target groups, costs and schedules; record sizes like real records (a median
//! of about 1.5 KB and a long tail to about 20 KB); and a few percent of records that the
//! validator warns about (a `verified_at` older than a year) but none that it rejects.
//!
//! [`Generator`] is an endless iterator of [`Offer`]s. Offer `k` depends only on the seed, the
//! options and `k` (it is drawn from its own random stream), so the data is reproducible, any
//! slice of it can be generated on its own, and generating a million offers takes constant
//! memory. [`write_offers`] streams them as NDJSON, a JSON array or CSV; `lotse generate` is a
//! thin wrapper around the two.
//!
//! ```
//! use lotse_generate::{Date, Format, Generator, Options, write_offers};
//!
//! let options = Options::new(42, Date::new(2026, 3, 1).unwrap());
//! let mut out = Vec::new();
//! write_offers(Generator::new(options).unwrap(), 3, Format::Ndjson, &mut out).unwrap();
//! assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 3);
//! ```

#![forbid(unsafe_code)]

mod generator;
mod places;
mod providers;
mod scripts;
mod texts;
mod write;

pub use generator::{GenerateError, Generator, Options};
pub use lotse_standard::Offer;
pub use lotse_standard::date::Date;
pub use write::{Format, write_offers};
