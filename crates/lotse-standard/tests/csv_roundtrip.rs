//! An export in the standard's CSV form reads back into the same offers, also when cells start
//! like a spreadsheet formula (the writer guards them with an apostrophe, the reader takes it
//! off again).

use lotse_standard::csv::CsvWriter;
use lotse_standard::date::Date;
use lotse_standard::model::Offer;
use lotse_standard::read::{InputFormat, read_records};
use lotse_standard::validate::{RecordReport, Validator};
use proptest::prelude::*;

const HEADER: &str = "id;offer_type;title_de;title_en;description_de;provider_name;provider_kind;status;target_groups;languages;cost_kind;cost_amount_eur;delivery;location_street;location_postcode;location_city;location_ags;location_lat;location_lon;schedule_start_date;schedule_end_date;contact_email;contact_phone";

const ROW: &str = "a1;beratung;Sozialberatung;Counselling;Beratung für Zugewanderte;Caritas Essen;traeger;active;alle_zugewanderten|gefluechtete;de|ar;fee;12,50;presential;Niederstraße 12;45141;Essen;05113000;51,4700;7,0200;01.02.2027;31.12.2027;beratung@caritas-essen.de;0201 123456";

fn validate(bytes: &[u8]) -> Vec<RecordReport> {
    let records = read_records(bytes, InputFormat::Auto).expect("parses");
    Validator::new(Date::new(2026, 11, 23).unwrap()).validate_batch(records)
}

fn base_offer() -> Offer {
    let reports = validate(format!("{HEADER}\n{ROW}\n").as_bytes());
    assert!(reports[0].findings.is_empty(), "{:?}", reports[0].findings);
    reports[0].offer.clone().unwrap()
}

fn export(offers: &[Offer]) -> Vec<u8> {
    let mut w = CsvWriter::new(Vec::new());
    for o in offers {
        w.write(o).unwrap();
    }
    w.finish().unwrap()
}

fn import(bytes: &[u8]) -> Vec<Offer> {
    validate(bytes)
        .into_iter()
        .map(|r| {
            assert!(!r.has_errors(), "record {}: {:?}", r.index, r.findings);
            r.offer.unwrap()
        })
        .collect()
}

#[test]
fn formula_like_cells_are_guarded_and_round_trip() {
    let mut o = base_offer();
    o.title.insert("de".into(), "=SUMME(1;2)".into());
    o.title.insert("en".into(), "'=already quoted".into());
    o.title.insert("uk".into(), "''+twice".into());
    o.description.insert("de".into(), "-Minus am Anfang".into());
    o.description.insert("en".into(), "'not a formula".into());
    o.provider.name = "@Träger".into();
    o.contact.phone = Some("+49 201 123456".into());
    o.cost.note = Some("=1+1".into());
    let mut second = o.clone();
    second.id = "a2".into();
    second.locations[0].name = Some("-Ort".into());
    second.locations.push(second.locations[0].clone());
    second.locations[1].street = "=Straße 1".into();

    let bytes = export(&[o.clone(), second.clone()]);
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    for guarded in [
        ";\"'=SUMME(1;2)\";",
        ";''=already quoted;",
        ";'''+twice;",
        ";'-Minus am Anfang;",
        ";'not a formula;",
        ";'@Träger;",
        ";'+49 201 123456;",
        ";'=1+1;",
        ";'-Ort;",
        ";'=Straße 1;",
    ] {
        assert!(text.contains(guarded), "{guarded} missing in {text}");
    }
    // Numbers are written as numbers, without the guard.
    assert!(text.contains(";12.5;"), "{text}");
    assert!(!text.contains("'12.5"), "{text}");

    assert_eq!(import(&bytes), vec![o, second]);
}

#[test]
fn an_export_of_plain_offers_round_trips() {
    let o = base_offer();
    assert_eq!(import(&export(std::slice::from_ref(&o))), vec![o]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_text_round_trips(
        title in "['=+@\\-]{0,3}[A-Za-zäöü0-9][A-Za-zäöü0-9 ;,\"'=+-]{0,12}[A-Za-z0-9]",
        phone in prop::sample::select(vec!["+49 201 123456", "0201 123456", "+49 231 9876543"]),
    ) {
        let mut o = base_offer();
        o.title.insert("de".into(), title);
        o.contact.phone = Some(phone.to_owned());
        let back = import(&export(std::slice::from_ref(&o)));
        prop_assert_eq!(back, vec![o]);
    }
}
