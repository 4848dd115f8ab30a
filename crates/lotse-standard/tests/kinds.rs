//! The rules of the kinds standard 1.1 added (organizations, networks, projects), the offer's
//! new members, references, and the finishing step for every kind.

mod common;

use common::{offer_1_1, today, valid};
use lotse_standard::Code;
use lotse_standard::canonical::Canonical;
use lotse_standard::model::{AgsSite, Record, Reference, ReferenceRole};
use lotse_standard::read::{InputFormat, Record as ReadRecord, read_records};
use lotse_standard::rpde::Kind;
use lotse_standard::validate::{self, Finished, FinishedRecord, KindReport, Validator};
use serde_json::{Value, json};

fn check(kind: Kind, value: Value) -> KindReport {
    Validator::new(today()).validate_record_kind(kind, 0, ReadRecord::json(value, None))
}

fn codes(r: &KindReport) -> Vec<(Code, String)> {
    r.findings.iter().map(|f| (f.code, f.pointer.clone())).collect()
}

/// Applies `mutate` to the kind's valid record and expects the finding `(code, pointer)` with
/// the code's severity; the record is typed exactly when no finding is an error.
fn expect(kind: Kind, mutate: impl FnOnce(&mut Value), code: Code, pointer: &str) -> KindReport {
    let mut v = valid(kind);
    mutate(&mut v);
    let r = check(kind, v);
    assert!(
        r.findings.iter().any(|f| f.code == code && f.pointer == pointer && f.severity == code.severity()),
        "{kind}: expected {code:?} at {pointer}, got {:?}",
        codes(&r)
    );
    assert!(r.findings.iter().all(|f| !f.message.de.is_empty() && !f.message.en.is_empty()));
    assert_eq!(r.record.is_some(), !r.has_errors());
    r
}

fn clean(kind: Kind, mutate: impl FnOnce(&mut Value)) {
    let mut v = valid(kind);
    mutate(&mut v);
    let r = check(kind, v);
    assert!(r.findings.is_empty(), "{kind}: {:?}", codes(&r));
}

fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().unwrap().remove(key);
}

#[test]
fn the_valid_records_pass_without_findings() {
    for kind in Kind::ALL {
        let r = check(kind, valid(kind));
        assert!(r.findings.is_empty(), "{kind}: {:?}", codes(&r));
        let record = r.record.expect("typed record");
        assert_eq!(record.kind(), kind);
        assert_eq!(Some(record.id()), valid(kind)["id"].as_str());
        assert_eq!(r.kind, kind);
    }
    let r = check(Kind::Offer, offer_1_1());
    assert!(r.findings.is_empty(), "{:?}", codes(&r));
}

#[test]
fn ids_and_structure_as_for_offers() {
    for kind in [Kind::Organization, Kind::Network, Kind::Project] {
        expect(kind, |v| v["id"] = json!("a b"), Code::InvalidId, "/id");
        expect(kind, |v| v["bemerkung"] = json!("x"), Code::UnknownField, "/bemerkung");
        expect(kind, |v| remove(v, "id"), Code::Required, "/id");
        expect(kind, |v| v["url"] = json!("javascript:alert(1)"), Code::InvalidUrl, "/url");
        expect(kind, |v| v["contact"] = json!({}), Code::ContactEmpty, "/contact");
        expect(kind, |v| v["contact"]["email"] = json!("x@y"), Code::InvalidEmail, "/contact/email");
        expect(kind, |v| v["verified_at"] = json!("2025-11-01"), Code::VerifiedStale, "/verified_at");
        expect(kind, |v| v["verified_at"] = json!("1.10.2026"), Code::InvalidDate, "/verified_at");
    }
    let r = check(Kind::Network, json!("kein Objekt"));
    assert_eq!(codes(&r), [(Code::TypeMismatch, String::new())]);
}

#[test]
fn language_maps_as_for_offers_without_the_english_notice() {
    expect(Kind::Organization, |v| remove(&mut v["name"], "de"), Code::Required, "/name/de");
    expect(Kind::Organization, |v| v["name"]["de"] = json!("N".repeat(201)), Code::TooLong, "/name/de");
    expect(
        Kind::Organization,
        |v| v["description"]["DE"] = json!("x"),
        Code::InvalidLanguage,
        "/description/DE",
    );
    expect(Kind::Network, |v| v["topic"]["de"] = json!("T".repeat(201)), Code::TooLong, "/topic/de");
    expect(
        Kind::Network,
        |v| v["meeting_schedule"]["de"] = json!("M".repeat(1001)),
        Code::TooLong,
        "/meeting_schedule/de",
    );
    expect(
        Kind::Network,
        |v| v["how_to_join"]["de"] = json!("<b>Mail</b>"),
        Code::MarkupInText,
        "/how_to_join/de",
    );
    expect(Kind::Project, |v| v["summary"]["de"] = json!("S".repeat(1001)), Code::TooLong, "/summary/de");
    expect(Kind::Project, |v| v["outcomes"]["de"] = json!("O".repeat(5001)), Code::TooLong, "/outcomes/de");
    expect(Kind::Project, |v| v["title"] = json!("Titel"), Code::TypeMismatch, "/title");
    clean(Kind::Organization, |v| remove(&mut v["name"], "en"));
    clean(Kind::Project, |v| remove(&mut v["title"], "en"));
    clean(Kind::Project, |v| v["goals"]["de"] = json!("G".repeat(5000)));
}

#[test]
fn organizations() {
    let k = Kind::Organization;
    expect(k, |v| v["kind"] = json!("verein"), Code::UnknownCode, "/kind");
    expect(k, |v| remove(v, "kind"), Code::Required, "/kind");
    expect(k, |v| v["kind"] = json!("kita"), Code::SchoolTypeNotAllowed, "/school_type");
    expect(k, |v| v["school_type"] = json!("hochschule"), Code::UnknownCode, "/school_type");
    for kind in ["kita", "beratungsstelle", "bibliothek", "jobcenter_arbeitsagentur"] {
        clean(k, |v| {
            v["kind"] = json!(kind);
            remove(v, "school_type");
        });
    }
    expect(
        k,
        |v| {
            remove(v, "locations");
            remove(v, "service_area");
        },
        Code::LocationRequired,
        "/locations",
    );
    clean(k, |v| remove(v, "locations"));
    clean(k, |v| remove(v, "service_area"));
    expect(k, |v| v["locations"] = json!([]), Code::TooFewItems, "/locations");
    expect(k, |v| v["locations"][0]["plz"] = json!("1"), Code::UnknownField, "/locations/0/plz");
    expect(
        k,
        |v| v["locations"][0]["opening_hours"][0]["opens"] = json!("7 Uhr"),
        Code::InvalidTime,
        "/locations/0/opening_hours/0/opens",
    );
    expect(
        k,
        |v| v["locations"][0]["opening_hours"][0]["closes"] = json!("07:00"),
        Code::TimeRange,
        "/locations/0/opening_hours/0/closes",
    );
    expect(
        k,
        |v| v["locations"][0]["lat"] = json!(50.9413),
        Code::CoordinatesOutsideRegion,
        "/locations/0/lat",
    );
    expect(k, |v| v["service_area"] = json!(["09162000"]), Code::UnknownAgs, "/service_area/0");
    expect(k, |v| v["links"][0]["purpose"] = json!("anmeldung"), Code::UnknownCode, "/links/0/purpose");
    expect(k, |v| v["links"][1]["url"] = json!("integreat.app"), Code::InvalidUrl, "/links/1/url");
    expect(k, |v| remove(&mut v["links"][1], "url"), Code::Required, "/links/1/url");
    expect(k, |v| v["links"][0]["title"]["de"] = json!("T".repeat(201)), Code::TooLong, "/links/0/title/de");
    expect(
        k,
        |v| v["identifiers"][0] = json!({"scheme": "schulnummer"}),
        Code::Required,
        "/identifiers/0/value",
    );
    expect(k, |v| v["languages"] = json!(["de", "türkisch"]), Code::InvalidLanguage, "/languages/1");
    expect(k, |v| v["life_phases"] = json!(["grundschule"]), Code::UnknownCode, "/life_phases/0");
    clean(k, |v| v["languages"] = json!([]));
}

#[test]
fn references_are_well_formed() {
    let k = Kind::Organization;
    for bad in
        [json!("a/b/c"), json!("/x"), json!("x/"), json!("mit leer"), json!(""), json!(7), json!(["x"])]
    {
        expect(k, |v| v["part_of"] = bad.clone(), Code::InvalidReference, "/part_of");
    }
    expect(k, |v| v["part_of"] = json!({"node": "a:b", "id": "x"}), Code::InvalidReference, "/part_of/node");
    expect(k, |v| v["part_of"] = json!({"id": "x y"}), Code::InvalidReference, "/part_of/id");
    expect(k, |v| v["part_of"] = json!({"node": "muelheim"}), Code::Required, "/part_of/id");
    expect(k, |v| v["part_of"] = json!({"id": "x", "name": "y"}), Code::UnknownField, "/part_of/name");
    for good in [
        json!("stadt-essen"),
        json!("muelheim/traeger-1"),
        json!({"id": "x"}),
        json!({"node": "n", "id": "x"}),
    ] {
        clean(k, |v| v["part_of"] = good.clone());
    }
    expect(Kind::Network, |v| v["members"][1] = json!({"id": "ki-essen"}), Code::DuplicateItem, "/members/1");
    expect(Kind::Network, |v| v["members"] = json!("ki-essen"), Code::TypeMismatch, "/members");
    expect(
        Kind::Network,
        |v| v["coordinators"][0]["organization"] = json!("a//b"),
        Code::InvalidReference,
        "/coordinators/0/organization",
    );
    expect(Kind::Project, |v| v["responsible"] = json!("x/y/z"), Code::InvalidReference, "/responsible");
    expect(Kind::Project, |v| v["partners"][1] = json!("gs-karnap"), Code::DuplicateItem, "/partners/1");
}

#[test]
fn a_self_referencing_part_of_is_a_cycle() {
    let r =
        expect(Kind::Organization, |v| v["part_of"] = json!("gs-karnap"), Code::ReferenceCycle, "/part_of");
    assert!(r.record.is_none());
    expect(
        Kind::Organization,
        |v| v["part_of"] = json!({"id": "gs-karnap"}),
        Code::ReferenceCycle,
        "/part_of",
    );
    // Written with a node, the validator cannot tell whether that is the record's own node;
    // the node finds out with `part_of_cycles`.
    clean(Kind::Organization, |v| v["part_of"] = json!("essen/gs-karnap"));
}

#[test]
fn part_of_cycles_over_three_records() {
    let r = |s: &str| Some(Reference::parse(s).unwrap());
    let pairs = vec![
        ("traeger".to_owned(), r("schule-a")),
        ("schule-a".to_owned(), r("essen/schule-b")),
        ("schule-b".to_owned(), r("traeger")),
        ("schule-c".to_owned(), r("traeger")),
        ("kita".to_owned(), r("muelheim/traeger")),
        ("stadt".to_owned(), None),
    ];
    assert_eq!(validate::part_of_cycles(&pairs, "essen"), ["traeger", "schule-a", "schule-b"]);
    let f = validate::reference_cycle("traeger");
    assert_eq!(
        (f.code, f.pointer.as_str(), f.severity),
        (Code::ReferenceCycle, "/part_of", Code::ReferenceCycle.severity())
    );
}

#[test]
fn networks() {
    let k = Kind::Network;
    expect(k, |v| remove(v, "coordinators"), Code::CoordinatorRequired, "/coordinators");
    expect(k, |v| v["coordinators"] = json!([]), Code::CoordinatorRequired, "/coordinators");
    let r = expect(
        k,
        |v| {
            remove(&mut v["coordinators"][0], "email");
            remove(&mut v["coordinators"][0], "phone");
        },
        Code::CoordinatorUnreachable,
        "/coordinators",
    );
    assert!(r.record.is_none());
    clean(k, |v| remove(&mut v["coordinators"][0], "email"));
    clean(k, |v| {
        remove(&mut v["coordinators"][0], "email");
        remove(&mut v["coordinators"][0], "phone");
        v["coordinators"][1]["phone"] = json!("0208 123456");
    });
    expect(k, |v| remove(&mut v["coordinators"][1], "name"), Code::Required, "/coordinators/1/name");
    expect(
        k,
        |v| v["coordinators"][0]["phone"] = json!("ruf an"),
        Code::InvalidPhone,
        "/coordinators/0/phone",
    );
    expect(
        k,
        |v| v["coordinators"][0]["role"] = json!("R".repeat(201)),
        Code::TooLong,
        "/coordinators/0/role",
    );
    expect(k, |v| v["coordinators"][0]["fax"] = json!("1"), Code::UnknownField, "/coordinators/0/fax");
    expect(k, |v| remove(v, "service_area"), Code::Required, "/service_area");
    expect(k, |v| v["service_area"] = json!([]), Code::TooFewItems, "/service_area");
    expect(k, |v| v["service_area"][1] = json!("05113000"), Code::DuplicateItem, "/service_area/1");
    expect(k, |v| v["target_groups"] = json!(["familien"]), Code::UnknownCode, "/target_groups/0");
    expect(k, |v| v["locations"] = json!([]), Code::UnknownField, "/locations");
}

#[test]
fn projects() {
    let k = Kind::Project;
    expect(k, |v| v["period"]["end"] = json!("2025-07-31"), Code::DateRange, "/period/end");
    expect(k, |v| v["period"]["start"] = json!("2025-02-30"), Code::InvalidDate, "/period/start");
    expect(k, |v| remove(&mut v["period"], "start"), Code::Required, "/period/start");
    expect(k, |v| remove(v, "period"), Code::Required, "/period");
    clean(k, |v| remove(&mut v["period"], "end"));
    let r = expect(
        k,
        |v| {
            v["status"] = json!("completed");
            remove(&mut v["period"], "end");
        },
        Code::EndDateMissing,
        "/period/end",
    );
    assert!(r.record.is_some(), "a missing end date is a warning");
    clean(k, |v| v["status"] = json!("completed"));
    clean(k, |v| {
        v["status"] = json!("planned");
        v["period"] = json!({"start": "2020-01-01"});
    });
    expect(k, |v| v["status"] = json!("laufend"), Code::UnknownCode, "/status");
    expect(k, |v| v["life_phases"] = json!([]), Code::TooFewItems, "/life_phases");
    expect(k, |v| remove(v, "life_phases"), Code::Required, "/life_phases");
    expect(k, |v| remove(v, "summary"), Code::Required, "/summary");
    expect(k, |v| v["funding"][0] = json!({"code": "X-1"}), Code::Required, "/funding/0/programme");
    clean(k, |v| v["funding"] = json!([{"funder": "Stiftung Mercator"}]));
    clean(k, |v| v["funding"] = json!([{"programme": "Kita-Einstieg"}]));
    expect(k, |v| v["funding"][0]["code"] = json!("C".repeat(101)), Code::TooLong, "/funding/0/code");
    expect(
        k,
        |v| {
            remove(v, "locations");
            remove(v, "service_area");
        },
        Code::LocationRequired,
        "/locations",
    );
    expect(
        k,
        |v| v["locations"][0]["opening_hours"] = json!([]),
        Code::UnknownField,
        "/locations/0/opening_hours",
    );
}

#[test]
fn offers_take_the_new_members() {
    let k = Kind::Offer;
    let with = |mutate: fn(&mut Value), code: Code, pointer: &str| {
        let mut v = offer_1_1();
        mutate(&mut v);
        let r = check(k, v);
        assert!(
            r.findings.iter().any(|f| f.code == code && f.pointer == pointer),
            "{code:?} at {pointer}: {:?}",
            codes(&r)
        );
    };
    with(|v| v["provider"]["ref"] = json!("a/b/c"), Code::InvalidReference, "/provider/ref");
    with(|v| v["networks"][1] = json!({"id": "netz-fruehe-bildung"}), Code::DuplicateItem, "/networks/1");
    with(|v| v["projects"] = json!("proj-sprachbruecke"), Code::TypeMismatch, "/projects");
    with(|v| v["projects"][0] = json!({"id": ""}), Code::EmptyValue, "/projects/0/id");
    // The 1.0 entry points judge the same way.
    let checked = Validator::new(today()).check(&offer_1_1());
    assert!(checked.findings.is_empty(), "{:?}", checked.findings);
    match validate::finish(checked, offer_1_1()) {
        Finished::Offer(valid) => {
            assert_eq!(valid.offer.provider.reference, Reference::parse("vhs-essen"));
            assert_eq!(valid.offer.networks[1], Reference::parse("muelheim/netz-sprache").unwrap());
            assert_eq!(valid.offer.projects, [Reference::parse("proj-sprachbruecke").unwrap()]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn records_list_their_references_with_pointers_and_roles() {
    let typed = |kind: Kind, v: Value| check(kind, v).record.unwrap();
    let refs = |r: &Record| -> Vec<(String, ReferenceRole, String)> {
        r.references().into_iter().map(|(p, role, r)| (p, role, r.to_string())).collect()
    };
    let s = |x: &str| x.to_owned();
    assert_eq!(
        refs(&typed(Kind::Offer, offer_1_1())),
        [
            (s("/provider/ref"), ReferenceRole::ProviderOf, s("vhs-essen")),
            (s("/networks/0"), ReferenceRole::NetworkOf, s("netz-fruehe-bildung")),
            (s("/networks/1"), ReferenceRole::NetworkOf, s("muelheim/netz-sprache")),
            (s("/projects/0"), ReferenceRole::ProjectOf, s("proj-sprachbruecke")),
        ]
    );
    assert_eq!(
        refs(&typed(Kind::Organization, valid(Kind::Organization))),
        [(s("/part_of"), ReferenceRole::PartOf, s("stadt-essen"))]
    );
    assert_eq!(
        refs(&typed(Kind::Network, valid(Kind::Network))),
        [
            (s("/coordinators/0/organization"), ReferenceRole::CoordinatorOrganization, s("ki-essen")),
            (
                s("/coordinators/1/organization"),
                ReferenceRole::CoordinatorOrganization,
                s("muelheim/awo-kita-3")
            ),
            (s("/members/0"), ReferenceRole::Member, s("ki-essen")),
            (s("/members/1"), ReferenceRole::Member, s("muelheim/awo-kita-3")),
        ]
    );
    assert_eq!(
        refs(&typed(Kind::Project, valid(Kind::Project))),
        [
            (s("/responsible"), ReferenceRole::Responsible, s("ki-essen")),
            (s("/partners/0"), ReferenceRole::Partner, s("gs-karnap")),
            (s("/partners/1"), ReferenceRole::Partner, s("muelheim/awo-kita-3")),
        ]
    );
    assert_eq!(ReferenceRole::NetworkOf.target_kind(), Kind::Network);
    assert_eq!(ReferenceRole::ProjectOf.target_kind(), Kind::Project);
    for role in
        [ReferenceRole::ProviderOf, ReferenceRole::PartOf, ReferenceRole::Member, ReferenceRole::Partner]
    {
        assert_eq!(role.target_kind(), Kind::Organization);
    }
    let f = validate::reference_not_found(
        "/members/1",
        &Reference::parse("muelheim/awo-kita-3").unwrap(),
        ReferenceRole::Member,
    );
    assert_eq!((f.code, f.pointer.as_str()), (Code::ReferenceNotFound, "/members/1"));
    assert_eq!(f.severity, lotse_standard::Severity::Warning);
    assert!(f.message.de.contains("muelheim/awo-kita-3") && f.message.en.contains("organization"));
}

#[test]
fn declared_ags_per_kind() {
    let typed = |kind: Kind| check(kind, valid(kind)).record.unwrap();
    let ags =
        |r: &Record| r.declared_ags().map(|(site, a)| (site.pointer(), a.to_owned())).collect::<Vec<_>>();
    let s = |x: &str| x.to_owned();
    assert_eq!(
        ags(&typed(Kind::Organization)),
        [(s("/locations/0/ags"), s("05113000")), (s("/service_area/0"), s("05113000"))]
    );
    assert_eq!(
        ags(&typed(Kind::Network)),
        [(s("/service_area/0"), s("05113000")), (s("/service_area/1"), s("05117000"))]
    );
    let offer = typed(Kind::Offer);
    let Record::Offer(o) = &offer else { panic!() };
    assert_eq!(offer.declared_ags().collect::<Vec<_>>(), o.declared_ags().collect::<Vec<_>>());
    assert_eq!(typed(Kind::Project).declared_ags().next(), Some((AgsSite::Location(0), "05113000")));
}

#[test]
fn the_finishing_step_for_every_kind() {
    let v = Validator::new(today());
    for kind in Kind::ALL {
        let record = valid(kind);
        match validate::finish_kind(kind, v.check_kind(kind, &record), record.clone()) {
            FinishedRecord::Valid(valid) => {
                assert_eq!(valid.record.kind(), kind);
                assert!(valid.findings.is_empty());
                let located = record.get("locations").and_then(Value::as_array).map_or(0, Vec::len);
                assert_eq!(valid.positions.len(), located);
                // The canonical form reads back into the same record.
                let canonical = Canonical::of_record(&valid.record);
                let back = Record::from_value(kind, serde_json::from_str(&canonical.json).unwrap()).unwrap();
                assert_eq!(back, valid.record);
            }
            other => panic!("{kind}: {other:?}"),
        }
        let mut bad = valid(kind);
        bad["id"] = json!("a b");
        match validate::finish_kind(kind, v.check_kind(kind, &bad), bad.clone()) {
            FinishedRecord::Rejected { findings, value } => {
                assert_eq!(value, bad);
                assert_eq!(findings[0].code, Code::InvalidId);
            }
            other => panic!("{kind}: {other:?}"),
        }
    }
    match validate::finish_kind(Kind::Network, validate::Checked::default(), json!({"id": "x"})) {
        FinishedRecord::Unreadable { findings } => assert_eq!(findings[0].code, Code::TypeMismatch),
        other => panic!("{other:?}"),
    }
    // An offer finishes the same through either step.
    let o = valid(Kind::Offer);
    let (FinishedRecord::Valid(a), Finished::Offer(b)) =
        (validate::finish_kind(Kind::Offer, v.check(&o), o.clone()), validate::finish(v.check(&o), o))
    else {
        panic!()
    };
    assert_eq!(a.record, Record::Offer(b.offer));
}

#[test]
fn duplicate_ids_in_a_batch_of_one_kind() {
    let a = valid(Kind::Network);
    let mut b = valid(Kind::Network);
    b["name"]["de"] = json!("Anderes Netzwerk");
    let input = serde_json::to_vec(&json!([a, b])).unwrap();
    let reports = Validator::new(today())
        .validate_batch_kind(Kind::Network, read_records(&input, InputFormat::Auto).unwrap());
    assert!(reports[0].findings.is_empty());
    assert_eq!(codes(&reports[1]), [(Code::DuplicateId, "/id".to_owned())]);
    // Ids are per kind: an organization may have a network's id.
    let v = Validator::new(today());
    let mut batch = validate::Batch::default();
    let mut org = valid(Kind::Organization);
    org["id"] = json!("netz-fruehe-bildung");
    assert!(
        batch
            .validate_kind(&v, Kind::Network, 0, ReadRecord::json(valid(Kind::Network), None))
            .findings
            .is_empty()
    );
    assert!(batch.validate_kind(&v, Kind::Organization, 1, ReadRecord::json(org, None)).findings.is_empty());
    let again = batch.validate_kind(&v, Kind::Network, 2, ReadRecord::json(valid(Kind::Network), None));
    assert_eq!(codes(&again), [(Code::DuplicateId, "/id".to_owned())]);
}
