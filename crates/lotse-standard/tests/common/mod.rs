//! Valid records of every kind, shared by the tests of the rules, the schemas and CSV.

// Each test binary uses only some of these.
#![allow(dead_code)]

use lotse_standard::date::Date;
use lotse_standard::rpde::Kind;
use serde_json::{Value, json};

/// The date the tests validate as of.
pub fn today() -> Date {
    Date::new(2026, 11, 23).unwrap()
}

/// A complete, valid record of the kind; every optional field the kind has is filled in.
pub fn valid(kind: Kind) -> Value {
    match kind {
        Kind::Offer => offer(),
        Kind::Organization => organization(),
        Kind::Network => network(),
        Kind::Project => project(),
    }
}

/// A language course in Essen, as standard 1.0 knew it.
pub fn offer() -> Value {
    json!({
        "id": "essen-vhs-ik-001",
        "offer_type": "sprachkurs",
        "categories": ["integrationskurs"],
        "title": {"de": "Integrationskurs mit Kinderbetreuung", "en": "Integration course with childcare", "ar": "دورة الاندماج"},
        "description": {"de": "Deutsch von A1 bis B1 mit Orientierungskurs. Anmeldung im Bürgerbüro."},
        "provider": {"name": "VHS Essen", "kind": "volkshochschule", "url": "https://www.vhs-essen.de", "identifiers": [{"scheme": "bamf-traeger-nr", "value": "123"}]},
        "status": "active",
        "target_groups": ["alle_zugewanderten", "eltern"],
        "life_phases": ["erwachsene"],
        "languages": ["de", "ar"],
        "language_level": {"from": "A1", "to": "B1"},
        "cost": {"kind": "funded", "note": "Kostenbefreiung über das BAMF möglich"},
        "eligibility": {"age_min": 16, "age_max": 99, "residence_status": ["aufenthaltserlaubnis_24"], "note": "Mit Berechtigungsschein"},
        "delivery": "presential",
        "locations": [{"name": "VHS im Kulturforum", "street": "Burgplatz 1", "postcode": "45127", "city": "Essen", "ags": "05113000", "lat": 51.4566, "lon": 7.0137, "accessibility": ["rollstuhlgerecht"]}],
        "service_area": ["05113000"],
        "schedule": {"start_date": "2027-01-11", "end_date": "2027-07-30", "opening_hours": [{"days": ["mo", "we"], "opens": "09:00", "closes": "12:15"}], "note": "Einstieg jederzeit"},
        "contact": {"name": "Frau Yilmaz", "email": "integration@vhs-essen.de", "phone": "+49 201 88-43210", "url": "https://www.vhs-essen.de/ik"},
        "features": ["kinderbetreuung", "zertifikat"],
        "url": "https://www.vhs-essen.de/kurse/ik-001",
        "valid_until": "2027-12-31",
        "verified_at": "2026-10-01"
    })
}

/// The offer with the three members standard 1.1 added.
pub fn offer_1_1() -> Value {
    let mut o = offer();
    o["provider"]["ref"] = json!("vhs-essen");
    o["networks"] = json!(["netz-fruehe-bildung", "muelheim/netz-sprache"]);
    o["projects"] = json!([{"id": "proj-sprachbruecke"}]);
    o
}

/// A primary school in Essen, part of the city as its Träger.
pub fn organization() -> Value {
    json!({
        "id": "gs-karnap",
        "name": {"de": "Grundschule Karnap", "en": "Karnap primary school"},
        "kind": "schule",
        "school_type": "grundschule",
        "description": {"de": "Offene Ganztagsschule mit Sprachförderung und Elterncafé."},
        "locations": [{"name": "Hauptgebäude", "street": "Lohwiese 1", "postcode": "45329", "city": "Essen", "ags": "05113000",
                       "lat": 51.4566, "lon": 7.0137, "accessibility": ["stufenloser_zugang"],
                       "opening_hours": [{"days": ["mo", "tu", "we", "th", "fr"], "opens": "07:30", "closes": "16:00"}]}],
        "service_area": ["05113000"],
        "contact": {"name": "Sekretariat", "email": "gs-karnap@schule.essen.de", "phone": "0201 88 40 100", "url": "https://www.gs-karnap.de/kontakt"},
        "url": "https://www.gs-karnap.de",
        "identifiers": [{"scheme": "schulnummer", "value": "100001"}],
        "links": [
            {"purpose": "registration", "url": "https://www.essen.de/schulanmeldung", "title": {"de": "Schulanmeldung", "en": "School registration"}},
            {"purpose": "integreat", "url": "https://integreat.app/essen/de/schule"}
        ],
        "languages": ["de", "tr", "ar"],
        "life_phases": ["grundschule_6_10"],
        "part_of": "stadt-essen",
        "verified_at": "2026-10-01"
    })
}

/// A network for early education, with a member on another node.
pub fn network() -> Value {
    json!({
        "id": "netz-fruehe-bildung",
        "name": {"de": "Netzwerk Frühe Bildung Essen", "en": "Early education network Essen"},
        "topic": {"de": "Frühe Bildung und Elternarbeit"},
        "description": {"de": "Kitas, Familienzentren und Beratungsstellen stimmen ihre Angebote ab."},
        "coordinators": [
            {"name": "Frau Demir", "role": "Koordination", "email": "fruehe-bildung@essen.de", "phone": "0201 88 51 000", "organization": "ki-essen"},
            {"name": "Herr Nowak", "organization": {"node": "muelheim", "id": "awo-kita-3"}}
        ],
        "members": ["ki-essen", "muelheim/awo-kita-3"],
        "service_area": ["05113000", "05117000"],
        "life_phases": ["kleinkind_0_3", "kita_3_6"],
        "target_groups": ["eltern", "kinder"],
        "meeting_schedule": {"de": "Monatlich, am ersten Dienstag um 14 Uhr"},
        "how_to_join": {"de": "Eine E-Mail an die Koordination genügt."},
        "contact": {"email": "fruehe-bildung@essen.de"},
        "url": "https://www.essen.de/fruehe-bildung",
        "verified_at": "2026-09-15"
    })
}

/// A running project in the transition from day care to primary school.
pub fn project() -> Value {
    json!({
        "id": "proj-sprachbruecke",
        "title": {"de": "Sprachbrücke Kita–Grundschule", "en": "Language bridge from day care to primary school"},
        "summary": {"de": "Sprachförderung im Übergang von der Kita in die Grundschule."},
        "goals": {"de": "Jedes Kind beginnt die Schule mit Deutschkenntnissen."},
        "description": {"de": "Fachkräfte aus Kitas und Grundschulen arbeiten in Tandems."},
        "life_phases": ["kita_3_6", "grundschule_6_10"],
        "target_groups": ["kinder", "eltern"],
        "period": {"start": "2025-08-01", "end": "2027-07-31"},
        "status": "running",
        "funding": [{"programme": "KOMM-AN NRW", "funder": "Land Nordrhein-Westfalen", "code": "KA-2025-17"}],
        "responsible": "ki-essen",
        "partners": ["gs-karnap", {"node": "muelheim", "id": "awo-kita-3"}],
        "locations": [{"street": "Burgplatz 1", "postcode": "45127", "city": "Essen", "ags": "05113000", "lat": 51.4566, "lon": 7.0137}],
        "service_area": ["05113000"],
        "outcomes": {"de": "Zwölf Tandems in drei Stadtteilen."},
        "contact": {"name": "Kommunales Integrationszentrum Essen", "email": "ki@essen.de"},
        "links": [{"purpose": "website", "url": "https://www.essen.de/sprachbruecke"}],
        "url": "https://www.essen.de/sprachbruecke",
        "verified_at": "2026-10-01"
    })
}
