//! The shared offer standard of Lotse.
//!
//! This crate is the one place where the rules of the standard live: the typed model, the
//! embedded JSON Schema and vocabularies, the readers that turn JSON and CSV bytes into records,
//! the validator that checks records and reports findings, the canonical JSON of an offer
//! (`canonical`) and the RPDE wire types of the feeds (`rpde`). Node and hub run the very same
//! code. Architecture invariant: nothing here does I/O or knows of HTTP or SQL; callers hand in
//! bytes and the current date, and get records and findings back.

#![forbid(unsafe_code)]

pub mod canonical;
pub mod csv;
pub mod date;
pub mod finding;
pub mod model;
pub mod read;
pub mod rpde;
pub mod validate;
pub mod vocab;

pub use finding::{Code, Finding, Message, Severity};
pub use model::Offer;

/// The standard's descriptor, `schemas/standard.json`.
pub const STANDARD_JSON: &str = include_str!("../../../schemas/standard.json");
/// The JSON Schema of one offer, `schemas/offer.schema.json`.
pub const OFFER_SCHEMA_JSON: &str = include_str!("../../../schemas/offer.schema.json");

/// The version of the standard this crate implements (semver). A test keeps it equal to the
/// `version` in `schemas/standard.json`.
pub const STANDARD_VERSION: &str = "1.1.0";

#[cfg(test)]
mod tests {
    #[test]
    fn version_matches_the_descriptor() {
        let d: serde_json::Value = serde_json::from_str(super::STANDARD_JSON).unwrap();
        assert_eq!(d["version"], super::STANDARD_VERSION);
        let s: serde_json::Value = serde_json::from_str(super::OFFER_SCHEMA_JSON).unwrap();
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    }
}
