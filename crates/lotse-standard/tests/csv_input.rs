//! The CSV quirks the standard promises to read: delimiters, encodings, BOM, German dates and
//! decimals, quoted fields with line breaks, several locations per offer, and findings that
//! name line and column.

use lotse_standard::Code;
use lotse_standard::date::Date;
use lotse_standard::read::{InputFormat, read_records};
use lotse_standard::validate::{RecordReport, Validator};

const HEADER: &str = "id;offer_type;title_de;title_en;description_de;provider_name;provider_kind;status;target_groups;languages;cost_kind;cost_amount_eur;delivery;location_street;location_postcode;location_city;location_ags;location_lat;location_lon;schedule_start_date;schedule_end_date;contact_email;contact_phone";

fn row(id: &str, title: &str, amount: &str, lat: &str, start: &str) -> String {
    format!(
        "{id};beratung;{title};Counselling;Beratung für Zugewanderte;Caritas Essen;traeger;active;alle_zugewanderten|gefluechtete;de|ar;fee;{amount};presential;Niederstraße 12;45141;Essen;05113000;{lat};7,0200;{start};31.12.2027;beratung@caritas-essen.de;0201 123456"
    )
}

fn validate(bytes: &[u8]) -> Vec<RecordReport> {
    let records = read_records(bytes, InputFormat::Auto).expect("parses");
    Validator::new(Date::new(2026, 11, 23).unwrap()).validate_batch(records)
}

fn assert_clean(reports: &[RecordReport]) {
    for r in reports {
        assert!(r.findings.is_empty(), "record {}: {:?}", r.index, r.findings);
    }
}

#[test]
fn semicolons_german_dates_and_decimal_commas() {
    let csv = format!("{HEADER}\n{}\n", row("a1", "Sozialberatung", "12,50", "51,4700", "01.02.2027"));
    let reports = validate(csv.as_bytes());
    assert_clean(&reports);
    let o = reports[0].offer.as_ref().unwrap();
    assert_eq!(o.cost.amount_eur, Some(12.5));
    assert_eq!(o.locations[0].lat, Some(51.47));
    assert_eq!(o.schedule.as_ref().unwrap().start_date.as_deref(), Some("2027-02-01"));
    assert_eq!(o.target_groups, ["alle_zugewanderten", "gefluechtete"]);
}

#[test]
fn commas_with_quotes_and_iso_forms() {
    let csv = format!("{HEADER}\n{}\n", row("a1", "Beratung", "12.5", "51.47", "2027-02-01"))
        .replace(';', ",")
        .replace("7,0200", "7.0200")
        .replace("Beratung für Zugewanderte", "\"Beratung, auch für Familien\"");
    let reports = validate(csv.as_bytes());
    assert_clean(&reports);
    assert_eq!(reports[0].offer.as_ref().unwrap().description["de"], "Beratung, auch für Familien");
}

#[test]
fn utf8_bom_and_windows_1252() {
    let csv = format!("{HEADER}\n{}\n", row("a1", "Müttercafé – Begegnung", "0", "51,47", "01.02.2027"));
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(csv.as_bytes());
    let (cp1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&csv);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&cp1252).is_err(), "the sample really is not UTF-8");
    for bytes in [csv.as_bytes().to_vec(), bom, cp1252.into_owned()] {
        let reports = validate(&bytes);
        assert_clean(&reports);
        let o = reports[0].offer.as_ref().unwrap();
        assert_eq!(o.title["de"], "Müttercafé – Begegnung");
        assert_eq!(o.locations[0].street, "Niederstraße 12");
    }
}

#[test]
fn quoted_fields_with_line_breaks_keep_line_numbers_right() {
    let first = row("a1", "Beratung", "0", "51,47", "01.02.2027")
        .replace("Beratung für Zugewanderte", "\"Erste Zeile\nzweite Zeile\ndritte; Zeile\"");
    let second = row("a2", "Beratung", "0", "99", "01.02.2027");
    let csv = format!("{HEADER}\n{first}\n{second}\n");
    let reports = validate(csv.as_bytes());
    assert_clean(&reports[..1]);
    assert_eq!(
        reports[0].offer.as_ref().unwrap().description["de"],
        "Erste Zeile\nzweite Zeile\ndritte; Zeile"
    );
    let f = &reports[1].findings[0];
    assert_eq!(f.code, Code::OutOfRange);
    assert_eq!(f.pointer, "/locations/0/lat");
    assert_eq!(f.line, Some(5), "header is line 1, the first record spans lines 2–4");
    assert_eq!(f.column.as_deref(), Some("location_lat"));
}

#[test]
fn findings_name_line_and_column() {
    let bad = row("a2", "Beratung", "zwölf", "51,47", "31.02.2027")
        .replace("beratung@caritas-essen.de", "keine-mail");
    let csv = format!("{HEADER}\n{}\n{bad}\n", row("a1", "Beratung", "0", "51,47", "01.02.2027"));
    let reports = validate(csv.as_bytes());
    assert_clean(&reports[..1]);
    let mut got: Vec<(Code, Option<u64>, Option<String>)> =
        reports[1].findings.iter().map(|f| (f.code, f.line, f.column.clone())).collect();
    got.sort_by_key(|g| g.0.as_str());
    assert_eq!(
        got,
        [
            (Code::InvalidDate, Some(3), Some("schedule_start_date".into())),
            (Code::InvalidEmail, Some(3), Some("contact_email".into())),
            (Code::TypeMismatch, Some(3), Some("cost_amount_eur".into())),
        ]
    );
}

#[test]
fn continuation_rows_add_locations() {
    let header = "id;offer_type;title_de;title_en;description_de;provider_name;provider_kind;status;target_groups;languages;cost_kind;delivery;location_street;location_postcode;location_city;location_ags;location_lat;location_lon;contact_phone";
    let csv = format!(
        "{header}\nb1;beratung;Beratung;Counselling;Text;AWO;traeger;active;alle_zugewanderten;de;free;presential;Markt 1;45127;Essen;05113000;51,456;7,012;0201 1234567\n\
         b1;;;;;;;;;;;;Steeler Str. 9;45276;Essen;05113000;51,445;7,080;\n\
         b1;;;;;;;;;;;;Nordstr. 3;45127;Essen;05113000;48,1;7,01;\n"
    );
    let reports = validate(csv.as_bytes());
    assert_eq!(reports.len(), 1);
    let r = &reports[0];
    let f =
        r.findings.iter().find(|f| f.code == Code::CoordinatesOutsideRegion).expect("third location outside");
    assert_eq!((f.pointer.as_str(), f.line), ("/locations/2/lat", Some(4)));
    let mut ok = csv.replace("48,1", "51,46");
    ok.push('\n');
    let reports = validate(ok.as_bytes());
    assert_clean(&reports);
    assert_eq!(reports[0].offer.as_ref().unwrap().locations.len(), 3);
}

#[test]
fn unknown_columns_and_ragged_rows() {
    let csv = format!(
        "{HEADER};bemerkung\n{};intern\n{}\n",
        row("a1", "B", "0", "51,47", "01.02.2027"),
        row("a2", "B", "0", "51,47", "01.02.2027")
    );
    let reports = validate(csv.as_bytes());
    let f = &reports[0].findings[0];
    assert_eq!((f.code, f.line, f.column.as_deref()), (Code::UnknownColumn, Some(2), Some("bemerkung")));
    assert!(reports[0].offer.is_some(), "an unknown column is a warning");
    let f = &reports[1].findings[0];
    assert_eq!((f.code, f.line), (Code::CsvFieldCount, Some(3)));
}

#[test]
fn missing_required_column_names_the_column() {
    let header = HEADER.replace(";status", "");
    let line = row("a1", "B", "0", "51,47", "01.02.2027").replace(";active", "");
    let reports = validate(format!("{header}\n{line}\n").as_bytes());
    let f = &reports[0].findings[0];
    assert_eq!((f.code, f.column.as_deref(), f.line), (Code::Required, Some("status"), Some(2)));
}

#[test]
fn empty_input_is_a_parse_error() {
    let e = read_records(b"  \n", InputFormat::Csv).unwrap_err();
    assert_eq!(e.line, 1);
}
