//! The examples in `docs/standard.md` are valid: each fenced block marked with a kind
//! (```` ```json organization ````, ```` ```csv network ````) passes the validator without any
//! finding, and each JSON one passes the kind's schema as well.

mod common;

use lotse_standard::read::{InputFormat, Record, read_records_kind};
use lotse_standard::rpde::Kind;
use lotse_standard::validate::Validator;
use serde_json::Value;

const DOC: &str = include_str!("../../../docs/standard.md");

/// The fenced blocks of the document with their info strings.
fn blocks() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = DOC.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else { continue };
        let body: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
        out.push((info.trim().to_owned(), body.join("\n")));
    }
    out
}

#[test]
fn every_example_of_a_kind_is_valid() {
    let validator = Validator::new(common::today());
    let mut seen = Vec::new();
    for (info, body) in blocks() {
        let Some((format, kind)) = info.split_once(' ') else { continue };
        let kind = Kind::from_singular(kind).unwrap_or_else(|| panic!("unknown kind in ```{info}"));
        let records = match format {
            "json" => {
                let value: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("```{info}: {e}"));
                let schema: Value = serde_json::from_str(lotse_standard::schema_json(kind)).unwrap();
                let schema = jsonschema::validator_for(&schema).unwrap();
                assert!(schema.is_valid(&value), "```{info}: the schema refuses it");
                vec![Record::json(value, None)]
            }
            "csv" => read_records_kind(kind, body.as_bytes(), InputFormat::Csv).unwrap(),
            other => panic!("unknown format {other}"),
        };
        assert!(!records.is_empty(), "```{info} is empty");
        for report in validator.validate_batch_kind(kind, records) {
            assert!(report.findings.is_empty(), "```{info}, record {}: {:?}", report.index, report.findings);
        }
        seen.push((format.to_owned(), kind));
    }
    for kind in [Kind::Organization, Kind::Network, Kind::Project] {
        for format in ["json", "csv"] {
            assert!(
                seen.contains(&(format.to_owned(), kind)),
                "docs/standard.md has no ```{format} {kind} example"
            );
        }
    }
}
