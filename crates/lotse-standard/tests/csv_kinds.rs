//! CSV for every kind of record: an export reads back into the same records, and findings name
//! the line and the column as the steward's file spells them.

mod common;

use common::{today, valid};
use lotse_standard::Code;
use lotse_standard::csv::{CsvWriter, write_kind};
use lotse_standard::model::Record;
use lotse_standard::read::{InputFormat, read_records_kind};
use lotse_standard::rpde::Kind;
use lotse_standard::validate::{KindReport, Validator};
use serde_json::{Value, json};

fn validate(kind: Kind, bytes: &[u8]) -> Vec<KindReport> {
    let records = read_records_kind(kind, bytes, InputFormat::Csv).expect("parses");
    Validator::new(today()).validate_batch_kind(kind, records)
}

fn typed(kind: Kind, value: Value) -> Record {
    let r = Validator::new(today()).validate_record_kind(
        kind,
        0,
        lotse_standard::read::Record::json(value, None),
    );
    assert!(r.findings.is_empty(), "{kind}: {:?}", r.findings);
    r.record.unwrap()
}

fn export(kind: Kind, records: &[Record]) -> Vec<u8> {
    let mut w = write_kind(kind, Vec::new());
    for r in records {
        w.write_record(r).unwrap();
    }
    w.finish().unwrap()
}

fn import(kind: Kind, bytes: &[u8]) -> Vec<Record> {
    validate(kind, bytes)
        .into_iter()
        .map(|r| {
            assert!(r.findings.is_empty(), "{kind} record {}: {:?}", r.index, r.findings);
            r.record.unwrap()
        })
        .collect()
}

/// The kind's valid record, without what CSV does not hold (link titles), and a second one
/// with two more locations and texts that start like formulas.
fn samples(kind: Kind) -> Vec<Value> {
    let mut first = valid(kind);
    if let Some(links) = first.get_mut("links").and_then(Value::as_array_mut) {
        for l in links {
            l.as_object_mut().unwrap().remove("title");
        }
    }
    let mut second = first.clone();
    second["id"] = json!(format!("{}-2", first["id"].as_str().unwrap()));
    let name = if kind == Kind::Offer || kind == Kind::Project { "title" } else { "name" };
    second[name]["de"] = json!("=SUMME(1;2)");
    second["contact"]["phone"] = json!("+49 201 123456");
    if let Some(locations) = second.get_mut("locations").and_then(Value::as_array_mut) {
        let mut other = locations[0].clone();
        other["street"] = json!("-Steeler Str. 9");
        other["lat"] = json!(51.445);
        other["lon"] = json!(7.08);
        locations.push(other.clone());
        other["street"] = json!("Nordstr. 3");
        other.as_object_mut().unwrap().remove("lat");
        other.as_object_mut().unwrap().remove("lon");
        locations.push(other);
    }
    if kind == Kind::Network {
        second["coordinators"][1]["phone"] = json!("+49 208 455 0");
        second["coordinators"][1]["role"] = json!("@Leitung");
        let many: Vec<Value> = (1..=9)
            .map(|i| json!({"name": format!("Person {i}"), "email": format!("p{i}@essen.de")}))
            .collect();
        let mut third = first.clone();
        third["id"] = json!("netz-3");
        third["coordinators"] = json!(many);
        return vec![first, second, third];
    }
    vec![first, second]
}

#[test]
fn an_export_of_every_kind_reads_back_into_the_same_records() {
    for kind in Kind::ALL {
        let records: Vec<Record> = samples(kind).into_iter().map(|v| typed(kind, v)).collect();
        let bytes = export(kind, &records);
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.contains(";\"'=SUMME(1;2)\";") && text.contains(";'+49 201 123456;"), "{kind}: {text}");
        assert_eq!(import(kind, &bytes), records, "{kind}: {text}");
        assert_eq!(
            text.lines().next().unwrap().split(';').collect::<Vec<_>>(),
            CsvWriter::<Vec<u8>>::header_of(kind)
        );
    }
}

#[test]
fn every_kind_writes_its_own_columns() {
    let header = |kind| CsvWriter::<Vec<u8>>::header_of(kind);
    let org = header(Kind::Organization);
    for column in [
        "name_de",
        "kind",
        "school_type",
        "location_opening_hours",
        "link_registration",
        "link_integreat",
        "link_website",
        "link_social_media",
        "link_other",
        "identifiers",
        "part_of",
    ] {
        assert!(org.iter().any(|h| h == column), "organization lacks {column}");
    }
    let network = header(Kind::Network);
    for n in 1..=9 {
        for key in ["name", "role", "email", "phone", "organization"] {
            let column = format!("coordinator_{n}_{key}");
            assert!(network.contains(&column), "network lacks {column}");
        }
    }
    assert!(!network.iter().any(|h| h.starts_with("location_")));
    let project = header(Kind::Project);
    for column in [
        "title_de",
        "summary_de",
        "period_start",
        "period_end",
        "funding_programme",
        "funding_funder",
        "funding_code",
        "responsible",
        "partners",
        "link_website",
        "outcomes_de",
    ] {
        assert!(project.iter().any(|h| h == column), "project lacks {column}");
    }
}

/// The columns of 1.0 keep their order; 1.1 adds `provider_ref` beside the provider and
/// `networks` and `projects` at the end.
#[test]
fn offers_keep_the_1_0_columns_in_order() {
    const HEADER_1_0: &str = "id;offer_type;categories;title_de;title_en;title_ar;title_uk;title_tr;title_fa;title_ru;title_ku;title_ti;title_so;title_ps;title_ro;title_bg;title_pl;title_fr;title_es;description_de;description_en;description_ar;description_uk;description_tr;description_fa;description_ru;description_ku;description_ti;description_so;description_ps;description_ro;description_bg;description_pl;description_fr;description_es;provider_name;provider_kind;provider_url;provider_identifiers;status;target_groups;life_phases;languages;language_level_from;language_level_to;cost_kind;cost_amount_eur;cost_note;eligibility_age_min;eligibility_age_max;eligibility_residence_status;eligibility_note;delivery;location_name;location_street;location_postcode;location_city;location_ags;location_lat;location_lon;location_accessibility;service_area;schedule_start_date;schedule_end_date;schedule_opening_hours;schedule_note;contact_name;contact_email;contact_phone;contact_url;features;url;valid_until;verified_at";
    let header = CsvWriter::<Vec<u8>>::header();
    let without: Vec<&str> = header
        .iter()
        .map(String::as_str)
        .filter(|h| !["provider_ref", "networks", "projects"].contains(h))
        .collect();
    assert_eq!(without.join(";"), HEADER_1_0);
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(at("provider_ref"), at("provider_identifiers") + 1);
    assert_eq!(&header[header.len() - 2..], ["networks", "projects"]);
}

#[test]
fn a_writer_takes_only_its_own_kind() {
    let mut w = write_kind(Kind::Network, Vec::new());
    let org = typed(Kind::Organization, valid(Kind::Organization));
    let e = w.write_record(&org).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    let Record::Offer(offer) = typed(Kind::Offer, valid(Kind::Offer)) else { panic!() };
    assert!(w.write(&offer).is_err());
    assert!(CsvWriter::new(Vec::new()).write(&offer).is_ok());
}

fn findings(r: &KindReport) -> Vec<(Code, String, Option<u64>, Option<String>)> {
    let mut f: Vec<_> =
        r.findings.iter().map(|f| (f.code, f.pointer.clone(), f.line, f.column.clone())).collect();
    f.sort_by(|a, b| a.1.cmp(&b.1));
    f
}

#[test]
fn organization_findings_name_line_and_column() {
    let csv = "id;Name_DE;kind;school_type;location_street;location_postcode;location_city;location_ags;location_opening_hours;Link_Website;link_integreat;part_of\n\
               gs-1;Grundschule;kita;grundschule;Markt 1;45127;Essen;05113000;mo-fr 08:00-12:00;https://gs.de|www.gs.de;https://integreat.app/essen;a/b/c\n\
               gs-1;;;;Nordstr. 3;45127;Essen;05113000;mo 08:00-7:00;;;\n";
    let reports = validate(Kind::Organization, csv.as_bytes());
    assert_eq!(reports.len(), 1);
    let s = |x: &str| x.to_owned();
    assert_eq!(
        findings(&reports[0]),
        [
            (Code::InvalidUrl, s("/links/1/url"), Some(2), Some(s("Link_Website"))),
            (
                Code::UnknownCode,
                s("/locations/0/opening_hours/0/days/0"),
                Some(2),
                Some(s("location_opening_hours"))
            ),
            (
                Code::InvalidTime,
                s("/locations/1/opening_hours/0/closes"),
                Some(3),
                Some(s("location_opening_hours"))
            ),
            (Code::InvalidReference, s("/part_of"), Some(2), Some(s("part_of"))),
            (Code::SchoolTypeNotAllowed, s("/school_type"), Some(2), Some(s("school_type"))),
        ]
    );
}

#[test]
fn network_findings_name_the_coordinator_group_they_came_from() {
    let csv = "id;name_de;coordinator_1_name;coordinator_2_name;coordinator_2_email;coordinator_3_name;coordinator_3_phone;members;service_area\n\
               n1;Netzwerk;;Frau A;keine-mail;;0201 123456;x|x;05113000\n\
               n1;Netzwerk;Herr B;;;;;;05113000\n\
               n2;Netzwerk;Herr C;;;;;;05113000\n";
    let reports = validate(Kind::Network, csv.as_bytes());
    let s = |x: &str| x.to_owned();
    // The first group is empty, so Frau A is coordinator 0 from the columns coordinator_2_*, and
    // the phone alone makes an entry of group 3 without a name.
    assert_eq!(
        findings(&reports[0]),
        [
            (Code::InvalidEmail, s("/coordinators/0/email"), Some(2), Some(s("coordinator_2_email"))),
            (Code::Required, s("/coordinators/1/name"), Some(2), Some(s("coordinator_3_name"))),
            (Code::DuplicateItem, s("/members/1"), Some(2), Some(s("members"))),
        ]
    );
    // Networks have no continuation rows: a repeated id is a duplicate.
    assert_eq!(
        findings(&reports[1]),
        [
            (Code::CoordinatorUnreachable, s("/coordinators"), Some(3), Some(s("coordinator_1_name"))),
            (Code::DuplicateId, s("/id"), Some(3), Some(s("id"))),
        ]
    );
    assert_eq!(findings(&reports[2])[0].0, Code::CoordinatorUnreachable);
}

#[test]
fn project_findings_name_line_and_column() {
    let csv = "id;title_de;summary_de;life_phases;period_start;period_end;status;funding_code;responsible;service_area\n\
               p1;Projekt;Kurz;kita_3_6;01.08.2025;31.07.2025;running;KA-1;ki-essen;05113000\n\
               p2;Projekt;Kurz;kita_3_6;2025-08-01;;completed;;;05113000\n";
    let reports = validate(Kind::Project, csv.as_bytes());
    let s = |x: &str| x.to_owned();
    assert_eq!(
        findings(&reports[0]),
        [
            (Code::Required, s("/funding/0/programme"), Some(2), Some(s("funding_programme"))),
            (Code::DateRange, s("/period/end"), Some(2), Some(s("period_end"))),
        ]
    );
    assert_eq!(
        findings(&reports[1]),
        [(Code::EndDateMissing, s("/period/end"), Some(3), Some(s("period_end")))]
    );
    assert!(reports[1].record.is_some());
}
