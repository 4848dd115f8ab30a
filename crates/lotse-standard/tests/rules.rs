//! One passing and one failing record for every rule of the validator.

use lotse_standard::date::Date;
use lotse_standard::read::{InputFormat, Record, read_records};
use lotse_standard::validate::{self, Checked, Finished, Position, RecordReport, Validator};
use lotse_standard::{Code, Severity};
use serde_json::{Value, json};

fn today() -> Date {
    Date::new(2026, 11, 23).unwrap()
}

/// A complete, valid language course in Essen.
fn valid() -> Value {
    json!({
        "id": "essen-vhs-ik-001",
        "offer_type": "sprachkurs",
        "categories": ["integrationskurs"],
        "title": {"de": "Integrationskurs mit Kinderbetreuung", "en": "Integration course with childcare", "ar": "دورة الاندماج"},
        "description": {"de": "Deutsch von A1 bis B1 mit Orientierungskurs. Anmeldung im Bürgerbüro."},
        "provider": {"name": "VHS Essen", "kind": "volkshochschule", "url": "https://www.vhs-essen.de"},
        "status": "active",
        "target_groups": ["alle_zugewanderten", "eltern"],
        "life_phases": ["erwachsene"],
        "languages": ["de", "ar"],
        "language_level": {"from": "A1", "to": "B1"},
        "cost": {"kind": "funded", "note": "Kostenbefreiung über das BAMF möglich"},
        "eligibility": {"age_min": 16, "age_max": 99, "residence_status": ["aufenthaltserlaubnis_24"]},
        "delivery": "presential",
        "locations": [{"name": "VHS im Kulturforum", "street": "Burgplatz 1", "postcode": "45127", "city": "Essen", "ags": "05113000", "lat": 51.4566, "lon": 7.0137, "accessibility": ["rollstuhlgerecht"]}],
        "schedule": {"start_date": "2027-01-11", "end_date": "2027-07-30", "opening_hours": [{"days": ["mo", "we"], "opens": "09:00", "closes": "12:15"}]},
        "contact": {"name": "Frau Yilmaz", "email": "integration@vhs-essen.de", "phone": "+49 201 88-43210", "url": "https://www.vhs-essen.de/ik"},
        "features": ["kinderbetreuung", "zertifikat"],
        "url": "https://www.vhs-essen.de/kurse/ik-001",
        "valid_until": "2027-12-31",
        "verified_at": "2026-10-01"
    })
}

fn check(value: Value) -> RecordReport {
    Validator::new(today()).validate_record(0, Record::json(value, None))
}

fn codes(r: &RecordReport) -> Vec<(Code, String)> {
    r.findings.iter().map(|f| (f.code, f.pointer.clone())).collect()
}

/// Applies `mutate` to the valid record and expects exactly the finding `(code, pointer)`
/// among its findings, with the code's severity.
fn expect(mutate: impl FnOnce(&mut Value), code: Code, pointer: &str) {
    let mut v = valid();
    mutate(&mut v);
    let r = check(v);
    assert!(
        r.findings.iter().any(|f| f.code == code && f.pointer == pointer && f.severity == code.severity()),
        "expected {code:?} at {pointer}, got {:?}",
        codes(&r)
    );
    assert!(r.findings.iter().all(|f| !f.message.de.is_empty() && !f.message.en.is_empty()));
    assert_eq!(r.offer.is_some(), !r.has_errors());
}

#[test]
fn the_valid_record_passes_without_findings() {
    let r = check(valid());
    assert!(r.findings.is_empty(), "{:?}", codes(&r));
    let offer = r.offer.expect("typed offer");
    assert_eq!(offer.id, "essen-vhs-ik-001");
    assert_eq!(r.id.as_deref(), Some("essen-vhs-ik-001"));
}

#[test]
fn structure() {
    expect(|v| v["title"] = json!("Kurs"), Code::TypeMismatch, "/title");
    expect(|v| v["eligibility"]["age_min"] = json!("16"), Code::TypeMismatch, "/eligibility/age_min");
    expect(|v| drop(v.as_object_mut().unwrap().remove("status")), Code::Required, "/status");
    expect(|v| drop(v["title"].as_object_mut().unwrap().remove("de")), Code::Required, "/title/de");
    expect(|v| drop(v["provider"].as_object_mut().unwrap().remove("kind")), Code::Required, "/provider/kind");
    expect(|v| v["titel"] = json!("x"), Code::UnknownField, "/titel");
    expect(|v| v["locations"][0]["plz"] = json!("45127"), Code::UnknownField, "/locations/0/plz");
    expect(|v| v["provider"]["name"] = json!("  "), Code::EmptyValue, "/provider/name");
    let r = check(json!([1, 2]));
    assert_eq!(codes(&r), [(Code::TypeMismatch, String::new())]);
}

#[test]
fn ids() {
    expect(|v| v["id"] = json!("kurs 1"), Code::InvalidId, "/id");
    expect(|v| v["id"] = json!("x".repeat(129)), Code::InvalidId, "/id");
    let mut ok = valid();
    ok["id"] = json!("A-z_0.9:x");
    assert!(check(ok).findings.is_empty());
}

#[test]
fn text_lengths_and_markup() {
    expect(|v| v["title"]["de"] = json!("T".repeat(201)), Code::TooLong, "/title/de");
    expect(|v| v["description"]["de"] = json!("D".repeat(5001)), Code::TooLong, "/description/de");
    let mut ok = valid();
    ok["title"]["de"] = json!("T".repeat(200));
    ok["description"]["de"] = json!("ä".repeat(5000));
    assert!(check(ok).findings.is_empty());
    expect(|v| v["description"]["de"] = json!("Kurs <b>neu</b>"), Code::MarkupInText, "/description/de");
    expect(|v| v["title"]["de"] = json!("Eltern &amp; Kinder"), Code::MarkupInText, "/title/de");
    expect(
        |v| v["schedule"]["note"] = json!("<script>alert(1)</script>"),
        Code::MarkupInText,
        "/schedule/note",
    );
    let mut ok = valid();
    ok["description"]["de"] = json!("Für Kinder < 6 Jahre & Eltern");
    assert!(check(ok).findings.is_empty());
}

#[test]
fn vocabularies() {
    expect(|v| v["offer_type"] = json!("kurs"), Code::UnknownCode, "/offer_type");
    expect(|v| v["status"] = json!("aktiv"), Code::UnknownCode, "/status");
    expect(|v| v["target_groups"][1] = json!("familien"), Code::UnknownCode, "/target_groups/1");
    expect(|v| v["features"] = json!(["wlan"]), Code::UnknownCode, "/features/0");
    expect(|v| v["provider"]["kind"] = json!("verein"), Code::UnknownCode, "/provider/kind");
    expect(
        |v| v["eligibility"]["residence_status"] = json!(["visum"]),
        Code::UnknownCode,
        "/eligibility/residence_status/0",
    );
    expect(
        |v| v["locations"][0]["accessibility"] = json!(["rampe"]),
        Code::UnknownCode,
        "/locations/0/accessibility/0",
    );
    expect(|v| v["life_phases"] = json!(["rente"]), Code::UnknownCode, "/life_phases/0");
    expect(|v| v["delivery"] = json!("hybrid"), Code::UnknownCode, "/delivery");
    expect(|v| v["cost"]["kind"] = json!("gratis"), Code::UnknownCode, "/cost/kind");
    expect(|v| v["categories"] = json!(["studienberatung"]), Code::CategoryMismatch, "/categories/0");
    expect(|v| v["features"] = json!(["zertifikat", "zertifikat"]), Code::DuplicateItem, "/features/1");
    expect(|v| v["target_groups"] = json!([]), Code::TooFewItems, "/target_groups");
    expect(|v| v["languages"] = json!([]), Code::TooFewItems, "/languages");
}

#[test]
fn language_levels() {
    expect(
        |v| {
            v["offer_type"] = json!("beratung");
            v["categories"] = json!(["migrationsberatung_erwachsene"]);
        },
        Code::LevelNotAllowed,
        "/language_level",
    );
    expect(
        |v| v["language_level"] = json!({"from": "B2", "to": "A1"}),
        Code::LevelRange,
        "/language_level/from",
    );
    expect(|v| v["language_level"]["to"] = json!("D1"), Code::UnknownCode, "/language_level/to");
    let mut ok = valid();
    ok["language_level"] = json!({"from": "alpha", "to": "alpha"});
    assert!(check(ok).findings.is_empty());
}

#[test]
fn dates_and_times() {
    expect(|v| v["schedule"]["start_date"] = json!("11.01.2027"), Code::InvalidDate, "/schedule/start_date");
    expect(|v| v["valid_until"] = json!("2027-02-30"), Code::InvalidDate, "/valid_until");
    expect(|v| v["schedule"]["end_date"] = json!("2027-01-10"), Code::DateRange, "/schedule/end_date");
    expect(
        |v| v["schedule"]["opening_hours"][0]["opens"] = json!("9 Uhr"),
        Code::InvalidTime,
        "/schedule/opening_hours/0/opens",
    );
    expect(
        |v| v["schedule"]["opening_hours"][0]["closes"] = json!("08:00"),
        Code::TimeRange,
        "/schedule/opening_hours/0/closes",
    );
    expect(
        |v| v["schedule"]["opening_hours"][0]["days"] = json!(["montag"]),
        Code::UnknownCode,
        "/schedule/opening_hours/0/days/0",
    );
    expect(|v| v["verified_at"] = json!("2025-11-01"), Code::VerifiedStale, "/verified_at");
    expect(|v| v["valid_until"] = json!("2026-11-22"), Code::ValidUntilPassed, "/valid_until");
    let mut ok = valid();
    ok["verified_at"] = json!("2025-11-23");
    ok["valid_until"] = json!("2026-11-23");
    assert!(check(ok).findings.is_empty(), "one year exactly and today are fine");
}

#[test]
fn contact_formats() {
    expect(|v| v["contact"]["email"] = json!("integration@vhs"), Code::InvalidEmail, "/contact/email");
    expect(|v| v["contact"]["phone"] = json!("ruf an"), Code::InvalidPhone, "/contact/phone");
    expect(|v| v["contact"]["url"] = json!("javascript:alert(1)"), Code::InvalidUrl, "/contact/url");
    expect(|v| v["url"] = json!("www.vhs-essen.de"), Code::InvalidUrl, "/url");
    expect(|v| v["provider"]["url"] = json!("ftp://vhs-essen.de"), Code::InvalidUrl, "/provider/url");
    expect(|v| v["contact"] = json!({}), Code::ContactEmpty, "/contact");
}

#[test]
fn language_codes() {
    expect(|v| v["languages"][1] = json!("arabisch"), Code::InvalidLanguage, "/languages/1");
    expect(|v| v["languages"][1] = json!("xx"), Code::InvalidLanguage, "/languages/1");
    expect(|v| v["title"]["AR"] = json!("x"), Code::InvalidLanguage, "/title/AR");
    expect(|v| v["languages"] = json!(["de", "de"]), Code::DuplicateItem, "/languages/1");
    let mut ok = valid();
    ok["languages"] = json!(["de", "ku-Arab", "prs", "sr-Latn-RS"]);
    assert!(check(ok).findings.is_empty());
}

#[test]
fn costs_and_eligibility() {
    expect(|v| v["cost"] = json!({"kind": "fee"}), Code::AmountRequired, "/cost/amount_eur");
    expect(
        |v| v["cost"] = json!({"kind": "free", "amount_eur": 10}),
        Code::AmountNotAllowed,
        "/cost/amount_eur",
    );
    expect(|v| v["cost"] = json!({"kind": "fee", "amount_eur": -5}), Code::OutOfRange, "/cost/amount_eur");
    expect(|v| v["eligibility"]["age_max"] = json!(200), Code::OutOfRange, "/eligibility/age_max");
    expect(|v| v["eligibility"]["age_min"] = json!(-1), Code::OutOfRange, "/eligibility/age_min");
    expect(
        |v| v["eligibility"] = json!({"age_min": 30, "age_max": 18}),
        Code::AgeRange,
        "/eligibility/age_min",
    );
    let mut ok = valid();
    ok["cost"] = json!({"kind": "fee", "amount_eur": 0});
    assert!(check(ok).findings.is_empty());
}

#[test]
fn locations_and_service_area() {
    expect(|v| drop(v.as_object_mut().unwrap().remove("locations")), Code::LocationRequired, "/locations");
    expect(|v| v["locations"] = json!([]), Code::TooFewItems, "/locations");
    expect(
        |v| {
            v["delivery"] = json!("online");
            v.as_object_mut().unwrap().remove("locations");
        },
        Code::ServiceAreaRequired,
        "/service_area",
    );
    let mut ok = valid();
    ok["delivery"] = json!("online");
    ok.as_object_mut().unwrap().remove("locations");
    ok["service_area"] = json!(["05113000", "05911000"]);
    assert!(check(ok).findings.is_empty());
    expect(|v| v["service_area"] = json!(["05113000", "09162000"]), Code::UnknownAgs, "/service_area/1");
    expect(|v| v["locations"][0]["ags"] = json!("05315000"), Code::UnknownAgs, "/locations/0/ags");
    expect(|v| v["locations"][0]["postcode"] = json!("4512"), Code::InvalidPostcode, "/locations/0/postcode");
    expect(
        |v| drop(v["locations"][0].as_object_mut().unwrap().remove("lon")),
        Code::CoordinatesIncomplete,
        "/locations/0/lon",
    );
    expect(|v| v["locations"][0]["lat"] = json!(95.0), Code::OutOfRange, "/locations/0/lat");
}

#[test]
fn geography() {
    // Cologne cathedral: outside the region.
    expect(
        |v| {
            v["locations"][0]["lat"] = json!(50.9413);
            v["locations"][0]["lon"] = json!(6.9583);
        },
        Code::CoordinatesOutsideRegion,
        "/locations/0/lat",
    );
    // Essen's coordinates the wrong way round.
    expect(
        |v| {
            v["locations"][0]["lat"] = json!(7.0137);
            v["locations"][0]["lon"] = json!(51.4566);
        },
        Code::CoordinatesSwapped,
        "/locations/0/lat",
    );
    // Dortmund Hauptbahnhof declared as Essen: far beyond the border.
    expect(
        |v| {
            v["locations"][0]["lat"] = json!(51.5178);
            v["locations"][0]["lon"] = json!(7.4593);
        },
        Code::MunicipalityMismatch,
        "/locations/0/lat",
    );
}

#[test]
fn border_tolerance() {
    // Find a point just outside Essen, inside a neighbour, by walking east from the centre of
    // Essen until the municipality changes; then step 200 m further (warning) and 3 km (error).
    let region = lotse_geo::ruhr();
    let essen = region.municipality("05113000").unwrap();
    let start = essen.interior_point();
    let mut lon = start.lon;
    while region.locate(lotse_geo::LatLon::new(start.lat, lon)).map(|m| m.ags.as_str()) == Some("05113000") {
        lon += 0.0005;
    }
    let near = lon + 0.002; // about 140 m further east
    let far = lon + 0.05; // about 3.5 km further east
    for (lon, code) in [(near, Code::MunicipalityNearBorder), (far, Code::MunicipalityMismatch)] {
        let mut v = valid();
        v["locations"][0]["lat"] = json!(start.lat);
        v["locations"][0]["lon"] = json!(lon);
        let r = check(v);
        assert_eq!(codes(&r), [(code, "/locations/0/lat".to_owned())], "at lon {lon}");
    }
    let near = check({
        let mut v = valid();
        v["locations"][0]["lat"] = json!(start.lat);
        v["locations"][0]["lon"] = json!(lon + 0.002);
        v
    });
    assert!(near.offer.is_some(), "a border warning does not reject the record");
}

#[test]
fn positions_name_where_each_location_lies() {
    let region = lotse_geo::ruhr();
    let essen = region.municipality("05113000").unwrap();
    let start = essen.interior_point();
    let mut lon = start.lon;
    while region.locate(lotse_geo::LatLon::new(start.lat, lon)).map(|m| m.ags.as_str()) == Some("05113000") {
        lon += 0.0005;
    }
    let mut v = valid();
    let first = v["locations"][0].clone();
    let at = |lat: f64, lon: f64| {
        let mut l = first.clone();
        l["lat"] = json!(lat);
        l["lon"] = json!(lon);
        l
    };
    let mut without = first.clone();
    without.as_object_mut().unwrap().remove("lat");
    without.as_object_mut().unwrap().remove("lon");
    v["locations"] = json!([
        at(51.4566, 7.0137),
        at(start.lat, lon + 0.002),
        at(start.lat, lon + 0.05),
        at(7.0137, 51.4566),
        at(50.9413, 6.9583),
        without,
        "not a location"
    ]);
    let checked = Validator::new(today()).check(&v);
    assert_eq!(
        checked.positions,
        [
            Position::Inside,
            Position::NearBorder,
            Position::Elsewhere,
            Position::Swapped,
            Position::OutsideRegion,
            Position::Unchecked,
            Position::Unchecked
        ]
    );
    // The findings are the same as the record's report has, before the finishing step orders
    // them.
    let mut sorted = checked.findings.clone();
    sorted.sort_by_key(|f| f.severity);
    assert_eq!(check(v.clone()).findings, sorted);
}

#[test]
fn the_finishing_step_types_the_offer_or_gives_the_record_back() {
    let v = Validator::new(today());
    let mut record = valid();
    record["title"].as_object_mut().unwrap().remove("en");
    match validate::finish(v.check(&record), record.clone()) {
        Finished::Offer(valid) => {
            assert_eq!(valid.offer.id, "essen-vhs-ik-001");
            assert_eq!(valid.positions, [Position::Inside]);
            assert_eq!(valid.findings, check(record).findings);
        }
        other => panic!("{other:?}"),
    }
    let mut bad = valid();
    bad["offer_type"] = json!("nonsense");
    match validate::finish(v.check(&bad), bad.clone()) {
        Finished::Rejected { findings, value } => {
            assert_eq!(value, bad);
            assert_eq!(findings, check(bad).findings);
            assert!(findings.windows(2).all(|w| w[0].severity <= w[1].severity));
        }
        other => panic!("{other:?}"),
    }
    // A record the walker passes but the model cannot read: the walker's result is handed in
    // as if it had found nothing.
    match validate::finish(Checked::default(), json!({"id": "x"})) {
        Finished::Unreadable { findings } => {
            assert_eq!(findings.len(), 1);
            assert_eq!(findings[0].code, Code::TypeMismatch);
            assert_eq!(findings[0].pointer, "");
            assert!(findings[0].message.en.starts_with("Record not readable: "));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn notices() {
    expect(
        |v| drop(v["title"].as_object_mut().unwrap().remove("en")),
        Code::MissingEnglishTitle,
        "/title/en",
    );
    let mut v = valid();
    v["title"].as_object_mut().unwrap().remove("en");
    let r = check(v);
    assert_eq!(r.findings[0].severity, Severity::Notice);
    assert!(r.offer.is_some());
}

#[test]
fn duplicate_ids_in_a_batch() {
    let a = valid();
    let mut b = valid();
    b["title"]["de"] = json!("Anderer Kurs");
    let mut c = valid();
    c["id"] = json!("essen-vhs-ik-002");
    let input = serde_json::to_vec(&json!([a, c, b])).unwrap();
    let records = read_records(&input, InputFormat::Auto).unwrap();
    let reports = Validator::new(today()).validate_batch(records);
    assert!(reports[0].findings.is_empty() && reports[1].findings.is_empty());
    assert_eq!(codes(&reports[2]), [(Code::DuplicateId, "/id".to_owned())]);
    assert_eq!(reports[2].index, 2);
}

#[test]
fn all_problems_of_a_record_are_reported_at_once() {
    let mut v = valid();
    v["status"] = json!("aktiv");
    v["contact"]["email"] = json!("x");
    v["schedule"]["end_date"] = json!("2020-01-01");
    let found: Vec<Code> = check(v).findings.iter().map(|f| f.code).collect();
    for c in [Code::UnknownCode, Code::InvalidEmail, Code::DateRange] {
        assert!(found.contains(&c), "{c:?} missing from {found:?}");
    }
}
