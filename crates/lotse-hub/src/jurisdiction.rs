//! A node's jurisdiction: the municipalities it may publish offers for.
//!
//! A jurisdiction is a list of AGS prefixes: 8 digits name one municipality, 5 a district
//! (Kreis or kreisfreie Stadt), 3 a Regierungsbezirk and 2 a Land. Prefixes let a regional hub
//! that feeds a state-level hub be registered there with one entry instead of fifty-three. An
//! offer lies inside the jurisdiction when the declared AGS of each of its locations and each
//! AGS of its service area start with one of the prefixes. [`outside`] names the offending ones
//! by where the offer declares them ([`AgsSite`]); [`findings`] turns them into the
//! quarantine's findings.

use lotse_standard::Offer;
use lotse_standard::model::AgsSite;
use serde::Serialize;

/// A finding of the hub's own checks, in the same shape as the standard's findings
/// (`severity`, `code`, `pointer`, `message`), so that the quarantine shows one kind of list.
/// Its codes are the hub's and not part of the standard: `outside_jurisdiction`,
/// `id_mismatch`, `missing_data`, `unknown_state`, `not_an_offer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HubFinding {
    pub severity: &'static str,
    pub code: &'static str,
    pub pointer: String,
    pub message: lotse_standard::Message,
}

impl HubFinding {
    pub fn error(code: &'static str, pointer: impl Into<String>, de: String, en: String) -> Self {
        HubFinding {
            severity: "error",
            code,
            pointer: pointer.into(),
            message: lotse_standard::Message::new(de, en),
        }
    }
}

/// Checks and normalises a jurisdiction: each entry 2, 3, 5 or 8 digits; sorted, without
/// duplicates; at least one entry.
pub fn normalise(entries: &[String]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::with_capacity(entries.len());
    for raw in entries {
        let e = raw.trim();
        if !(matches!(e.len(), 2 | 3 | 5 | 8) && e.bytes().all(|b| b.is_ascii_digit())) {
            return Err(format!(
                "„{e}“ ist kein AGS und kein AGS-Präfix (2, 3, 5 oder 8 Ziffern) / \
                 \"{e}\" is not an AGS or AGS prefix (2, 3, 5 or 8 digits)"
            ));
        }
        out.push(e.to_owned());
    }
    if out.is_empty() {
        return Err("die Zuständigkeit ist leer / the jurisdiction is empty".to_owned());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Parses `AGS[,AGS…]` as the command line gives it.
pub fn parse_list(list: &str) -> Result<Vec<String>, String> {
    normalise(&list.split(',').filter(|s| !s.trim().is_empty()).map(str::to_owned).collect::<Vec<_>>())
}

/// Whether `ags` lies inside the jurisdiction.
pub fn covers(jurisdiction: &[String], ags: &str) -> bool {
    jurisdiction.iter().any(|prefix| ags.starts_with(prefix.as_str()))
}

/// An AGS of an offer that lies outside the jurisdiction, and where the offer declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outside {
    pub site: AgsSite,
    pub ags: String,
}

/// The AGS of an offer (each location's, then each of its service area) that lie outside the
/// jurisdiction, in the offer's order.
pub fn outside(offer: &Offer, jurisdiction: &[String]) -> Vec<Outside> {
    outside_of(offer.declared_ags(), jurisdiction)
}

/// The AGS among `declared` (a record's, as [`Offer::declared_ags`] or
/// `model::Record::declared_ags` give them) that lie outside the jurisdiction, in order.
pub fn outside_of<'a>(
    declared: impl Iterator<Item = (AgsSite, &'a str)>,
    jurisdiction: &[String],
) -> Vec<Outside> {
    declared
        .filter(|(_, ags)| !covers(jurisdiction, ags))
        .map(|(site, ags)| Outside { site, ags: ags.to_owned() })
        .collect()
}

/// One finding per AGS outside the jurisdiction, pointing at it.
pub fn findings(outside: &[Outside], jurisdiction: &[String]) -> Vec<HubFinding> {
    let listed = jurisdiction.join(", ");
    outside
        .iter()
        .map(|o| {
            let ags = &o.ags;
            HubFinding::error(
                "outside_jurisdiction",
                o.site.pointer(),
                format!("AGS {ags} liegt außerhalb der Zuständigkeit dieses Knotens ({listed})."),
                format!("AGS {ags} lies outside this node's jurisdiction ({listed})."),
            )
        })
        .collect()
}

/// One finding per location or service-area entry outside the jurisdiction.
pub fn check(offer: &Offer, jurisdiction: &[String]) -> Vec<HubFinding> {
    findings(&outside(offer, jurisdiction), jurisdiction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_rejects() {
        let j = normalise(&["05913000".into(), " 05562 ".into(), "05913000".into()]).unwrap();
        assert_eq!(j, ["05562", "05913000"]);
        assert!(normalise(&["0591300".into()]).is_err());
        assert!(normalise(&["0591300x".into()]).is_err());
        assert!(normalise(&[]).is_err());
        assert_eq!(parse_list("05913000,05113000,").unwrap(), ["05113000", "05913000"]);
    }

    #[test]
    fn prefixes_cover_their_municipalities() {
        let j = vec!["05562".to_owned(), "05913000".to_owned()];
        assert!(covers(&j, "05562004"));
        assert!(covers(&j, "05913000"));
        assert!(!covers(&j, "05113000"));
        assert!(covers(&["05".to_owned()], "05113000"));
    }

    #[test]
    fn every_location_and_service_area_entry_is_checked() {
        let mut offer = online_offer();
        offer.service_area = vec!["05913000".into(), "05113000".into()];
        let findings = check(&offer, &["05913000".to_owned()]);
        let pointers: Vec<&str> = findings.iter().map(|f| f.pointer.as_str()).collect();
        assert!(pointers.contains(&"/service_area/1"), "{pointers:?}");
        assert!(!pointers.contains(&"/service_area/0"), "{pointers:?}");
        assert!(findings.iter().all(|f| f.code == "outside_jurisdiction" && f.severity == "error"));
        let json = serde_json::to_value(&findings[0]).unwrap();
        assert!(json["message"]["de"].as_str().unwrap().contains("Zuständigkeit"));
    }

    #[test]
    fn outside_names_each_offending_site() {
        let mut offer = online_offer();
        offer.locations = serde_json::from_value(serde_json::json!([
            {"street": "Markt 1", "postcode": "45127", "city": "Essen", "ags": "05113000"},
            {"street": "Markt 2", "postcode": "44135", "city": "Dortmund", "ags": "05913000"}
        ]))
        .unwrap();
        offer.service_area = vec!["05913000".into(), "05562004".into()];
        let j = vec!["05913000".to_owned()];
        let out = outside(&offer, &j);
        assert_eq!(
            out,
            [
                Outside { site: AgsSite::Location(0), ags: "05113000".into() },
                Outside { site: AgsSite::ServiceArea(1), ags: "05562004".into() }
            ]
        );
        let f = check(&offer, &j);
        assert_eq!(f, findings(&out, &j));
        assert_eq!(f[0].pointer, "/locations/0/ags");
        assert_eq!(f[1].pointer, "/service_area/1");
        assert_eq!(f[0].message.en, "AGS 05113000 lies outside this node's jurisdiction (05913000).");
        assert_eq!(
            f[1].message.de,
            "AGS 05562004 liegt außerhalb der Zuständigkeit dieses Knotens (05913000)."
        );
    }

    /// A minimal offer without locations, built by hand so that this unit test does not need
    /// the generator.
    fn online_offer() -> Offer {
        serde_json::from_value(serde_json::json!({
            "id": "o1",
            "offer_type": "beratung",
            "title": {"de": "Beratung"},
            "description": {"de": "Beratung für Zugewanderte"},
            "provider": {"name": "Träger", "kind": "traeger"},
            "status": "active",
            "target_groups": ["alle_zugewanderten"],
            "languages": ["de"],
            "cost": {"kind": "free"},
            "delivery": "online",
            "contact": {"email": "a@b.de"}
        }))
        .unwrap()
    }
}
