//! The JSON Schemas in `schemas/` and the validator describe the same standard, for every kind
//! of record.
//!
//! The validator is stricter (it checks things a schema cannot: vocabularies of categories per
//! offer type, geography, date order, markup, duplicate references in another spelling), so the
//! test holds two directions: every record the validator accepts, the schema accepts; and every
//! violation that the schema can express, both reject.

mod common;

use lotse_standard::date::Date;
use lotse_standard::read::Record;
use lotse_standard::rpde::Kind;
use lotse_standard::validate::Validator;
use serde_json::{Value, json};

fn schema() -> jsonschema::Validator {
    schema_of(Kind::Offer)
}

fn schema_of(kind: Kind) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(lotse_standard::schema_json(kind)).unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

fn accepted_by_validator_as(kind: Kind, v: &Value) -> bool {
    let r = Validator::new(common::today()).validate_record_kind(kind, 0, Record::json(v.clone(), None));
    !r.has_errors()
}

fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().unwrap().remove(key);
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
    for kind in Kind::ALL {
        let file = kind.singular();
        let schema: Value = serde_json::from_str(lotse_standard::schema_json(kind)).unwrap();
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

/// Every schema is complete in itself, so that a steward's tool needs one file; the building
/// blocks the kinds share are copies of the offer schema's, and must stay equal to them.
#[test]
fn shared_definitions_are_copies_of_the_offer_schema() {
    let offer: Value = serde_json::from_str(lotse_standard::OFFER_SCHEMA_JSON).unwrap();
    let offer = offer["$defs"].as_object().unwrap();
    for kind in [Kind::Organization, Kind::Network, Kind::Project] {
        let schema: Value = serde_json::from_str(lotse_standard::schema_json(kind)).unwrap();
        let defs = schema["$defs"].as_object().unwrap();
        let mut shared = 0;
        for (name, def) in defs {
            if let Some(original) = offer.get(name) {
                assert_eq!(def, original, "{kind}: $defs/{name} differs from offer.schema.json");
                shared += 1;
            }
        }
        assert!(defs.contains_key("reference") && shared >= 5, "{kind} shares {shared} definitions");
    }
}

/// The valid records of every kind, and variants that use other allowed forms.
fn valid_variants(kind: Kind) -> Vec<Value> {
    let base = common::valid(kind);
    let mut out = vec![base.clone()];
    match kind {
        Kind::Offer => out.push(common::offer_1_1()),
        Kind::Organization => {
            let mut area_only = base.clone();
            remove(&mut area_only, "locations");
            area_only["kind"] = json!("jobcenter_arbeitsagentur");
            remove(&mut area_only, "school_type");
            area_only["part_of"] = json!({"node": "muelheim", "id": "ba-nrw"});
            out.push(area_only);
            let mut minimal = json!({"id": "kita-1", "name": {"de": "Kita Sonnenschein"}, "kind": "kita"});
            minimal["locations"] = json!([base["locations"][0].clone()]);
            out.push(minimal);
        }
        Kind::Network => {
            out.push(json!({
                "id": "n1", "name": {"de": "Netzwerk"}, "service_area": ["05113000"],
                "coordinators": [{"name": "A"}, {"name": "B", "phone": "0201 123456"}]
            }));
        }
        Kind::Project => {
            let mut area_only = base.clone();
            remove(&mut area_only, "locations");
            area_only["status"] = json!("completed");
            area_only["funding"] = json!([{"funder": "Stiftung"}, {"programme": "Programm"}]);
            out.push(area_only);
            let mut ongoing = base.clone();
            remove(&mut ongoing, "service_area");
            ongoing["period"] = json!({"start": "2026-01-01"});
            ongoing["status"] = json!("planned");
            out.push(ongoing);
        }
    }
    out
}

#[test]
fn valid_records_of_every_kind_pass_both() {
    for kind in Kind::ALL {
        let s = schema_of(kind);
        for v in valid_variants(kind) {
            assert!(accepted_by_validator_as(kind, &v), "{kind}: validator refuses {v}");
            assert!(
                s.is_valid(&v),
                "{kind}: {:?}",
                s.iter_errors(&v).map(|e| e.to_string()).collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn schema_expressible_violations_of_every_kind_fail_both() {
    let shared: Vec<(&str, Mutation)> = vec![
        ("missing id", Box::new(|v| remove(v, "id"))),
        ("bad id", Box::new(|v| v["id"] = json!("a b"))),
        ("unknown field", Box::new(|v| v["bemerkung"] = json!("x"))),
        (
            "missing name.de / title.de",
            Box::new(|v| {
                let key = if v.get("name").is_some() { "name" } else { "title" };
                remove(&mut v[key], "de");
            }),
        ),
        ("empty contact", Box::new(|v| v["contact"] = json!({}))),
        ("javascript url", Box::new(|v| v["url"] = json!("javascript:alert(1)"))),
        ("bad verified_at", Box::new(|v| v["verified_at"] = json!("1.10.2026"))),
        ("bad service area", Box::new(|v| v["service_area"] = json!(["5113000"]))),
        ("empty service area", Box::new(|v| v["service_area"] = json!([]))),
    ];
    let own: Vec<(Kind, &str, Mutation)> = vec![
        (Kind::Offer, "bad provider ref", Box::new(|v| v["provider"]["ref"] = json!("a/b/c"))),
        (
            Kind::Offer,
            "provider ref with unknown member",
            Box::new(|v| v["provider"]["ref"] = json!({"id": "x", "typ": "y"})),
        ),
        (Kind::Offer, "networks not a list", Box::new(|v| v["networks"] = json!("netz-1"))),
        (Kind::Offer, "duplicate project", Box::new(|v| v["projects"] = json!(["p1", "p1"]))),
        (Kind::Organization, "missing kind", Box::new(|v| remove(v, "kind"))),
        (Kind::Organization, "unknown kind", Box::new(|v| v["kind"] = json!("verein"))),
        (Kind::Organization, "school type on a kita", Box::new(|v| v["kind"] = json!("kita"))),
        (Kind::Organization, "unknown school type", Box::new(|v| v["school_type"] = json!("uni"))),
        (
            Kind::Organization,
            "no place",
            Box::new(|v| {
                remove(v, "locations");
                remove(v, "service_area");
            }),
        ),
        (Kind::Organization, "empty locations", Box::new(|v| v["locations"] = json!([]))),
        (
            Kind::Organization,
            "bad opening hours",
            Box::new(|v| v["locations"][0]["opening_hours"][0]["opens"] = json!("7 Uhr")),
        ),
        (
            Kind::Organization,
            "unknown link purpose",
            Box::new(|v| v["links"][0]["purpose"] = json!("anmeldung")),
        ),
        (Kind::Organization, "link without url", Box::new(|v| remove(&mut v["links"][0], "url"))),
        (Kind::Organization, "name too long", Box::new(|v| v["name"]["de"] = json!("n".repeat(201)))),
        (Kind::Organization, "bad part_of", Box::new(|v| v["part_of"] = json!("/x"))),
        (
            Kind::Organization,
            "part_of with bad node",
            Box::new(|v| v["part_of"] = json!({"node": "a:b", "id": "x"})),
        ),
        (Kind::Organization, "duplicate language", Box::new(|v| v["languages"] = json!(["de", "de"]))),
        (Kind::Network, "missing coordinators", Box::new(|v| remove(v, "coordinators"))),
        (Kind::Network, "no coordinators", Box::new(|v| v["coordinators"] = json!([]))),
        (
            Kind::Network,
            "nobody reachable",
            Box::new(|v| v["coordinators"] = json!([{"name": "A"}, {"name": "B", "role": "C"}])),
        ),
        (Kind::Network, "coordinator without name", Box::new(|v| remove(&mut v["coordinators"][0], "name"))),
        (Kind::Network, "missing service area", Box::new(|v| remove(v, "service_area"))),
        (Kind::Network, "duplicate member", Box::new(|v| v["members"] = json!(["a", "a"]))),
        (Kind::Network, "bad member", Box::new(|v| v["members"] = json!([{"node": "x"}]))),
        (
            Kind::Network,
            "meeting schedule too long",
            Box::new(|v| v["meeting_schedule"]["de"] = json!("m".repeat(1001))),
        ),
        (Kind::Network, "unknown target group", Box::new(|v| v["target_groups"] = json!(["familien"]))),
        (Kind::Project, "missing period", Box::new(|v| remove(v, "period"))),
        (Kind::Project, "period without start", Box::new(|v| v["period"] = json!({"end": "2027-01-01"}))),
        (Kind::Project, "bad period date", Box::new(|v| v["period"]["start"] = json!("01.08.2025"))),
        (Kind::Project, "unknown status", Box::new(|v| v["status"] = json!("laufend"))),
        (Kind::Project, "no life phases", Box::new(|v| v["life_phases"] = json!([]))),
        (Kind::Project, "missing summary", Box::new(|v| remove(v, "summary"))),
        (Kind::Project, "summary too long", Box::new(|v| v["summary"]["de"] = json!("s".repeat(1001)))),
        (
            Kind::Project,
            "funding without programme or funder",
            Box::new(|v| v["funding"] = json!([{"code": "X"}])),
        ),
        (
            Kind::Project,
            "funding code too long",
            Box::new(|v| v["funding"][0]["code"] = json!("c".repeat(101))),
        ),
        (
            Kind::Project,
            "no place",
            Box::new(|v| {
                remove(v, "locations");
                remove(v, "service_area");
            }),
        ),
        (
            Kind::Project,
            "opening hours on a project location",
            Box::new(|v| v["locations"][0]["opening_hours"] = json!([])),
        ),
        (Kind::Project, "bad responsible", Box::new(|v| v["responsible"] = json!(7))),
    ];
    for kind in Kind::ALL {
        let s = schema_of(kind);
        let base = if kind == Kind::Offer { common::offer_1_1() } else { common::valid(kind) };
        let cases = shared
            .iter()
            .map(|(name, m)| (*name, m))
            .chain(own.iter().filter(|(k, _, _)| *k == kind).map(|(_, name, m)| (*name, m)));
        for (name, mutate) in cases {
            let mut v = base.clone();
            mutate(&mut v);
            assert!(!s.is_valid(&v), "{kind}: schema accepts: {name}");
            assert!(!accepted_by_validator_as(kind, &v), "{kind}: validator accepts: {name}");
        }
    }
}
