//! Standard 1.1 is a minor version: every offer valid under 1.0 stays valid, and an offer that
//! uses none of the 1.1 members keeps its canonical bytes, and with them its stored hash.

mod common;

use common::{offer, offer_1_1, today};
use lotse_standard::canonical::Canonical;
use lotse_standard::model::{Offer, Record};
use lotse_standard::validate::Validator;
use serde_json::json;

/// The canonical JSON of `common::offer()`, written out by hand in the order of the 1.0 model
/// (language maps sorted by language), so that it does not depend on this crate.
const CANONICAL_1_0: &str = concat!(
    r#"{"id":"essen-vhs-ik-001","offer_type":"sprachkurs","categories":["integrationskurs"],"#,
    r#""title":{"ar":"دورة الاندماج","de":"Integrationskurs mit Kinderbetreuung","en":"Integration course with childcare"},"#,
    r#""description":{"de":"Deutsch von A1 bis B1 mit Orientierungskurs. Anmeldung im Bürgerbüro."},"#,
    r#""provider":{"name":"VHS Essen","kind":"volkshochschule","url":"https://www.vhs-essen.de","identifiers":[{"scheme":"bamf-traeger-nr","value":"123"}]},"#,
    r#""status":"active","target_groups":["alle_zugewanderten","eltern"],"life_phases":["erwachsene"],"languages":["de","ar"],"#,
    r#""language_level":{"from":"A1","to":"B1"},"cost":{"kind":"funded","note":"Kostenbefreiung über das BAMF möglich"},"#,
    r#""eligibility":{"age_min":16,"age_max":99,"residence_status":["aufenthaltserlaubnis_24"],"note":"Mit Berechtigungsschein"},"#,
    r#""delivery":"presential","locations":[{"name":"VHS im Kulturforum","street":"Burgplatz 1","postcode":"45127","city":"Essen","ags":"05113000","lat":51.4566,"lon":7.0137,"accessibility":["rollstuhlgerecht"]}],"#,
    r#""service_area":["05113000"],"#,
    r#""schedule":{"start_date":"2027-01-11","end_date":"2027-07-30","opening_hours":[{"days":["mo","we"],"opens":"09:00","closes":"12:15"}],"note":"Einstieg jederzeit"},"#,
    r#""contact":{"name":"Frau Yilmaz","email":"integration@vhs-essen.de","phone":"+49 201 88-43210","url":"https://www.vhs-essen.de/ik"},"#,
    r#""features":["kinderbetreuung","zertifikat"],"url":"https://www.vhs-essen.de/kurse/ik-001","valid_until":"2027-12-31","verified_at":"2026-10-01"}"#
);
/// Computed with `sha256sum` over the JSON above.
const SHA256_1_0: &str = "943a29f6c23804a89769b3116a2f0b5a9ba6693fc51503831ed354854fb9914b";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn typed(value: serde_json::Value) -> Offer {
    let r = Validator::new(today()).validate_record(0, lotse_standard::read::Record::json(value, None));
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    r.offer.unwrap()
}

#[test]
fn a_full_1_0_offer_is_valid_and_keeps_its_canonical_bytes() {
    let o = typed(offer());
    let c = Canonical::of(&o);
    assert_eq!(c.json, CANONICAL_1_0);
    assert_eq!(hex(&c.sha256), SHA256_1_0);
    assert_eq!(Canonical::of_record(&Record::Offer(o)), c);
}

#[test]
fn empty_1_1_lists_leave_the_bytes_alone() {
    let mut v = offer();
    v["networks"] = json!([]);
    v["projects"] = json!([]);
    assert_eq!(Canonical::of(&typed(v)).json, CANONICAL_1_0);
}

#[test]
fn the_1_1_members_come_last_and_as_objects() {
    let c = Canonical::of(&typed(offer_1_1()));
    assert!(
        c.json.contains(
            r#""identifiers":[{"scheme":"bamf-traeger-nr","value":"123"}],"ref":{"id":"vhs-essen"}}"#
        ),
        "{}",
        c.json
    );
    assert!(
        c.json.ends_with(concat!(
            r#""verified_at":"2026-10-01","networks":[{"id":"netz-fruehe-bildung"},{"node":"muelheim","id":"netz-sprache"}],"#,
            r#""projects":[{"id":"proj-sprachbruecke"}]}"#
        )),
        "{}",
        c.json
    );
    assert_ne!(hex(&c.sha256), SHA256_1_0);
}
