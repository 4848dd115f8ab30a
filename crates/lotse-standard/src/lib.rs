//! The shared standard of Lotse: offers and, since 1.1, organizations, networks and projects.
//!
//! This crate is the one place where the rules of the standard live: the typed model, the
//! embedded JSON Schemas and vocabularies, the readers that turn JSON and CSV bytes into records,
//! the validator that checks records and reports findings, the canonical JSON of a record
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
/// The JSON Schema of one organization, `schemas/organization.schema.json` (since 1.1).
pub const ORGANIZATION_SCHEMA_JSON: &str = include_str!("../../../schemas/organization.schema.json");
/// The JSON Schema of one network, `schemas/network.schema.json` (since 1.1).
pub const NETWORK_SCHEMA_JSON: &str = include_str!("../../../schemas/network.schema.json");
/// The JSON Schema of one project, `schemas/project.schema.json` (since 1.1).
pub const PROJECT_SCHEMA_JSON: &str = include_str!("../../../schemas/project.schema.json");

/// The JSON Schema of one record of the kind; `schemas/standard.json` names the same files in
/// its `kinds`.
pub fn schema_json(kind: rpde::Kind) -> &'static str {
    match kind {
        rpde::Kind::Offer => OFFER_SCHEMA_JSON,
        rpde::Kind::Organization => ORGANIZATION_SCHEMA_JSON,
        rpde::Kind::Network => NETWORK_SCHEMA_JSON,
        rpde::Kind::Project => PROJECT_SCHEMA_JSON,
    }
}

/// The version of the standard this crate implements (semver). A test keeps it equal to the
/// `version` in `schemas/standard.json`.
pub const STANDARD_VERSION: &str = "1.1.0";

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn version_matches_the_descriptor() {
        let d: Value = serde_json::from_str(STANDARD_JSON).unwrap();
        assert_eq!(d["version"], STANDARD_VERSION);
        assert_eq!(d["schema"], "offer.schema.json", "1.0 readers find the offer schema where it was");
        for kind in rpde::Kind::ALL {
            let file = d["kinds"][kind.singular()].as_str().unwrap_or_else(|| panic!("no schema for {kind}"));
            let s: Value = serde_json::from_str(schema_json(kind)).unwrap();
            assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
            assert_eq!(s["$id"], format!("https://lotse.example/schemas/{STANDARD_VERSION}/{file}"));
        }
        assert_eq!(d["kinds"].as_object().unwrap().len(), rpde::Kind::ALL.len());
    }

    #[test]
    fn every_vocabulary_path_names_an_embedded_vocabulary() {
        let d: Value = serde_json::from_str(STANDARD_JSON).unwrap();
        let paths = d["vocabularies"].as_object().unwrap();
        for (path, id) in paths {
            assert!(vocab::FILES.iter().any(|(v, _)| v == id), "{path}: {id} is not embedded");
        }
        for (id, _) in vocab::FILES {
            assert!(paths.values().any(|v| v == id), "no field uses {id}");
        }
    }
}
