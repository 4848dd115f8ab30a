//! The JSON Schema in `schemas/offer.schema.json` and the validator describe the same standard.
//!
//! The validator is stricter (it checks things a schema cannot: vocabularies of categories per
//! offer type, geography, date order, markup), so the test holds two directions:
//! every record the validator accepts, the schema accepts; and every violation that the schema
//! can express, both reject.

use lotse_standard::date::Date;
use lotse_standard::read::Record;
use lotse_standard::validate::Validator;
use serde_json::{Value, json};

fn schema() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(lotse_standard::OFFER_SCHEMA_JSON).unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

fn valid() -> Value {
    json!({
        "id": "bo-rub-1",
        "offer_type": "bildungszugang",
        "categories": ["studienberatung"],
        "title": {"de": "Studienberatung für internationale Studierende", "en": "Study guidance"},
        "description": {"de": "Offene Sprechstunde."},
        "provider": {"name": "Ruhr-Universität Bochum", "kind": "hochschule", "identifiers": [{"scheme": "ror", "value": "04tsk2644"}]},
        "status": "active",
        "target_groups": ["internationale_studierende"],
        "languages": ["de", "en"],
        "cost": {"kind": "free"},
        "delivery": "blended",
        "locations": [{"street": "Universitätsstraße 150", "postcode": "44801", "city": "Bochum", "ags": "05911000", "lat": 51.4455, "lon": 7.2616}],
        "schedule": {"opening_hours": [{"days": ["tu", "th"], "opens": "10:00", "closes": "12:00"}]},
        "contact": {"email": "international@rub.de"},
        "verified_at": "2026-09-01"
    })
}

/// A named change that breaks a valid record.
type Mutation = Box<dyn Fn(&mut Value)>;

fn accepted_by_validator(v: &Value) -> bool {
    let r =
        Validator::new(Date::new(2026, 11, 23).unwrap()).validate_record(0, Record::json(v.clone(), None));
    !r.has_errors()
}

#[test]
fn valid_records_pass_both() {
    let s = schema();
    let v = valid();
    assert!(accepted_by_validator(&v));
    assert!(s.is_valid(&v), "{:?}", s.iter_errors(&v).map(|e| e.to_string()).collect::<Vec<_>>());
    let mut online = valid();
    online["delivery"] = json!("online");
    online.as_object_mut().unwrap().remove("locations");
    online["service_area"] = json!(["05911000"]);
    assert!(accepted_by_validator(&online) && s.is_valid(&online));
    let mut course = valid();
    course["offer_type"] = json!("sprachkurs");
    course["categories"] = json!(["berufssprachkurs"]);
    course["language_level"] = json!({"from": "B1", "to": "C1"});
    course["cost"] = json!({"kind": "fee", "amount_eur": 0});
    assert!(accepted_by_validator(&course) && s.is_valid(&course));
}

#[test]
fn schema_expressible_violations_fail_both() {
    let s = schema();
    let mutations: Vec<(&str, Mutation)> = vec![
        ("missing status", Box::new(|v| drop(v.as_object_mut().unwrap().remove("status")))),
        ("missing title.de", Box::new(|v| drop(v["title"].as_object_mut().unwrap().remove("de")))),
        ("unknown field", Box::new(|v| v["titel"] = json!("x"))),
        ("unknown nested field", Box::new(|v| v["locations"][0]["plz"] = json!("44801"))),
        ("bad id", Box::new(|v| v["id"] = json!("a b"))),
        ("unknown offer type", Box::new(|v| v["offer_type"] = json!("kurs"))),
        ("unknown category", Box::new(|v| v["categories"] = json!(["nix"]))),
        ("unknown target group", Box::new(|v| v["target_groups"] = json!(["alle"]))),
        ("empty target groups", Box::new(|v| v["target_groups"] = json!([]))),
        ("duplicate language", Box::new(|v| v["languages"] = json!(["de", "de"]))),
        ("bad language tag", Box::new(|v| v["languages"] = json!(["Deutsch"]))),
        ("title too long", Box::new(|v| v["title"]["de"] = json!("x".repeat(201)))),
        ("description too long", Box::new(|v| v["description"]["de"] = json!("x".repeat(5001)))),
        ("level on counselling", Box::new(|v| v["language_level"] = json!({"from": "A1", "to": "A2"}))),
        ("fee without amount", Box::new(|v| v["cost"] = json!({"kind": "fee"}))),
        ("negative amount", Box::new(|v| v["cost"] = json!({"kind": "fee", "amount_eur": -1}))),
        ("presential without location", Box::new(|v| drop(v.as_object_mut().unwrap().remove("locations")))),
        ("empty locations", Box::new(|v| v["locations"] = json!([]))),
        ("bad postcode", Box::new(|v| v["locations"][0]["postcode"] = json!("4480"))),
        ("bad ags format", Box::new(|v| v["locations"][0]["ags"] = json!("5911000"))),
        ("lat out of range", Box::new(|v| v["locations"][0]["lat"] = json!(91))),
        ("bad date", Box::new(|v| v["verified_at"] = json!("01.09.2026"))),
        ("bad time", Box::new(|v| v["schedule"]["opening_hours"][0]["opens"] = json!("10 Uhr"))),
        ("unknown weekday", Box::new(|v| v["schedule"]["opening_hours"][0]["days"] = json!(["di"]))),
        ("empty contact", Box::new(|v| v["contact"] = json!({}))),
        ("javascript url", Box::new(|v| v["url"] = json!("javascript:alert(1)"))),
        ("age as string", Box::new(|v| v["eligibility"] = json!({"age_min": "18"}))),
        ("unknown residence status", Box::new(|v| v["eligibility"] = json!({"residence_status": ["x"]}))),
        ("title not an object", Box::new(|v| v["title"] = json!("Titel"))),
    ];
    for (name, mutate) in mutations {
        let mut v = valid();
        mutate(&mut v);
        assert!(!s.is_valid(&v), "schema accepts: {name}");
        assert!(!accepted_by_validator(&v), "validator accepts: {name}");
    }
}

#[test]
fn every_finding_code_is_documented_for_stewards() {
    let doc = include_str!("../../../docs/standard.md");
    for code in lotse_standard::Code::ALL {
        let (meaning, fix) = (code.meaning(), code.fix());
        let row = format!(
            "| `{}` | {} | {} / {} | {} / {} |",
            code.as_str(),
            code.severity().as_str(),
            meaning.de,
            meaning.en,
            fix.de,
            fix.en
        );
        assert!(doc.contains(&row), "docs/standard.md lacks the row for {}: {row}", code.as_str());
    }
}

/// The schemas' code enums are copies of the vocabularies; each `$defs` entry named after a
/// vocabulary (`providerKindsCode` for `provider-kinds`) must list exactly its codes, in order.
#[test]
fn every_code_enum_is_its_vocabulary() {
    for (file, schema) in [("offer.schema.json", lotse_standard::OFFER_SCHEMA_JSON)] {
        let schema: Value = serde_json::from_str(schema).unwrap();
        let defs = schema["$defs"].as_object().unwrap();
        let mut checked = 0;
        for (name, def) in defs {
            let Some(stem) = name.strip_suffix("Code") else { continue };
            let id: String = stem
                .chars()
                .flat_map(
                    |c| if c.is_ascii_uppercase() { vec!['-', c.to_ascii_lowercase()] } else { vec![c] },
                )
                .collect();
            let (_, json) = lotse_standard::vocab::FILES
                .iter()
                .find(|(v, _)| *v == id)
                .unwrap_or_else(|| panic!("{file}: {name} names no vocabulary"));
            let vocab: Value = serde_json::from_str(json).unwrap();
            let codes: Vec<&Value> = vocab["codes"].as_array().unwrap().iter().map(|c| &c["code"]).collect();
            let listed: Vec<&Value> = def["enum"].as_array().unwrap().iter().collect();
            assert_eq!(listed, codes, "{file}: {name} differs from {id}.json");
            checked += 1;
        }
        assert!(checked > 0, "{file} has no code enums");
    }
}
