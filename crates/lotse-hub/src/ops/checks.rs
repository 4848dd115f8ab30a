//! The quality checks of an offer and its score.
//!
//! Every check has a stable code, a group and a weight; the weights add up to 100. An offer
//! starts at 100 and loses the weight of every check it fails (the validator check loses a part
//! of its weight per warning). [`CHECKS`] is the one list of checks: `docs/quality.md` documents
//! each of them, and a test fails when one is missing there or its weight differs.
//!
//! The other kinds of standard 1.1 have their own checks (`super::record_checks`) and are scored
//! by the same rule, [`score_of`].
//!
//! Scoring is a pure function of the offer, what the hub stored about it (validator findings,
//! placement, when it last changed), the link checker's results and the date, so that the
//! rescoring job and the tests call the same code.

use std::collections::{BTreeSet, HashMap};

use lotse_standard::Offer;
use lotse_standard::date::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::placement::{Placement, Precision};
use crate::store::quality::{LinkCheck, QualityRow};

/// What a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Completeness,
    Freshness,
    Validity,
    Placement,
    Reachability,
    Expiry,
    /// References to other records (standard 1.1's kinds only).
    References,
}

impl Group {
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Completeness => "completeness",
            Group::Freshness => "freshness",
            Group::Validity => "validity",
            Group::Placement => "placement",
            Group::Reachability => "reachability",
            Group::Expiry => "expiry",
            Group::References => "references",
        }
    }
}

/// One documented check.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    pub code: &'static str,
    pub group: Group,
    /// Points an offer loses when it fails the check.
    pub weight: u32,
    pub de: &'static str,
    pub en: &'static str,
    pub fix_de: &'static str,
    pub fix_en: &'static str,
}

/// Days after which `verified_at` or the last change count as old.
pub const FRESH_DAYS: i64 = 365;
/// Points the validator check takes per warning, up to its weight.
pub const POINTS_PER_WARNING: u32 = 5;

/// Every check, in the order the findings list them.
pub const CHECKS: &[Check] = &[
    Check {
        code: "english_title",
        group: Group::Completeness,
        weight: 5,
        de: "Kein englischer Titel.",
        en: "No English title.",
        fix_de: "Einen Titel auf Englisch ergänzen (title.en).",
        fix_en: "Add an English title (title.en).",
    },
    Check {
        code: "schedule",
        group: Group::Completeness,
        weight: 8,
        de: "Keine Zeitangaben (Öffnungszeiten, Beginn oder Hinweis).",
        en: "No schedule (opening hours, start date or note).",
        fix_de: "Öffnungszeiten, ein Startdatum oder einen Hinweis zu den Zeiten angeben (schedule).",
        fix_en: "Give opening hours, a start date or a note on times (schedule).",
    },
    Check {
        code: "accessibility",
        group: Group::Completeness,
        weight: 6,
        de: "Ein Ort nennt keine Angaben zur Barrierefreiheit.",
        en: "A location gives no accessibility information.",
        fix_de: "Für jeden Ort die Barrierefreiheit angeben (locations[].accessibility).",
        fix_en: "Give the accessibility of every location (locations[].accessibility).",
    },
    Check {
        code: "contact_channels",
        group: Group::Completeness,
        weight: 8,
        de: "Weniger als zwei Kontaktwege (E-Mail, Telefon, Webseite).",
        en: "Fewer than two contact channels (e-mail, phone, web page).",
        fix_de: "Mindestens zwei von contact.email, contact.phone und contact.url angeben.",
        fix_en: "Give at least two of contact.email, contact.phone and contact.url.",
    },
    Check {
        code: "coordinates",
        group: Group::Completeness,
        weight: 6,
        de: "Ein Ort hat keine Koordinaten.",
        en: "A location has no coordinates.",
        fix_de: "lat und lon für jeden Ort angeben.",
        fix_en: "Give lat and lon for every location.",
    },
    Check {
        code: "verified_recently",
        group: Group::Freshness,
        weight: 12,
        de: "Seit über einem Jahr nicht bestätigt (oder nie).",
        en: "Not verified for over a year (or never).",
        fix_de: "Das Angebot prüfen und verified_at auf das Datum der Prüfung setzen.",
        fix_en: "Check the offer and set verified_at to the date of the check.",
    },
    Check {
        code: "changed_recently",
        group: Group::Freshness,
        weight: 5,
        de: "Seit über einem Jahr unverändert.",
        en: "Unchanged for over a year.",
        fix_de: "Die Angaben durchsehen; jede Korrektur (auch verified_at) zählt als Änderung.",
        fix_en: "Review the details; every correction (verified_at too) counts as a change.",
    },
    Check {
        code: "validator_warnings",
        group: Group::Validity,
        weight: 10,
        de: "Der Validator meldet Warnungen (5 Punkte je Warnung).",
        en: "The validator reports warnings (5 points per warning).",
        fix_de: "Die Warnungen beheben; docs/standard.md erklärt jeden Code.",
        fix_en: "Fix the warnings; docs/standard.md explains every code.",
    },
    Check {
        code: "placement_precision",
        group: Group::Placement,
        weight: 8,
        de: "Ein Ort ist nur ungefähr verortet (Postleitzahl, Gemeinde oder gar nicht).",
        en: "A location is placed only roughly (postcode, municipality or not at all).",
        fix_de: "Koordinaten oder eine vollständige Anschrift angeben.",
        fix_en: "Give coordinates or a complete street address.",
    },
    Check {
        code: "municipality_match",
        group: Group::Placement,
        weight: 7,
        de: "Ein Ort liegt nicht in der angegebenen Gemeinde.",
        en: "A location lies outside the municipality it declares.",
        fix_de: "Koordinaten und AGS des Ortes prüfen (locations[].ags).",
        fix_en: "Check the location's coordinates and AGS (locations[].ags).",
    },
    Check {
        code: "links_reachable",
        group: Group::Reachability,
        weight: 10,
        de: "Eine Webadresse ist nicht erreichbar.",
        en: "A web address is not reachable.",
        fix_de: "url und contact.url prüfen und korrigieren oder entfernen.",
        fix_en: "Check url and contact.url and correct or remove them.",
    },
    Check {
        code: "valid_until_passed",
        group: Group::Expiry,
        weight: 5,
        de: "valid_until ist überschritten.",
        en: "valid_until has passed.",
        fix_de: "valid_until verlängern oder das Angebot löschen.",
        fix_en: "Extend valid_until or delete the offer.",
    },
    Check {
        code: "end_date_passed",
        group: Group::Expiry,
        weight: 5,
        de: "Das Enddatum des Zeitplans ist überschritten.",
        en: "The schedule's end date has passed.",
        fix_de: "Den nächsten Termin eintragen (schedule) oder das Angebot löschen.",
        fix_en: "Enter the next run (schedule) or delete the offer.",
    },
    Check {
        code: "defunct_published",
        group: Group::Expiry,
        weight: 5,
        de: "Das Angebot ist eingestellt, wird aber weiter veröffentlicht.",
        en: "The offer is discontinued but still published.",
        fix_de: "Das Angebot im Knoten löschen.",
        fix_en: "Delete the offer at the node.",
    },
];

/// The check with this code.
pub fn check(code: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.code == code)
}

/// A message in German and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Text {
    pub de: String,
    pub en: String,
}

/// A failed check of one offer, as stored and shown to operator and steward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct QualityFinding {
    pub code: String,
    pub group: Group,
    /// The check's weight.
    pub weight: u32,
    /// Points this offer lost.
    pub lost: u32,
    /// JSON pointer into the offer, `""` for the offer as a whole.
    pub pointer: String,
    pub message: Text,
    pub fix: Text,
    /// What exactly failed (a URL and its answer, a date, the warning codes), when useful.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub detail: Option<String>,
}

/// Everything scoring looks at besides the offer.
pub struct Context<'a> {
    pub today: Date,
    /// Unix seconds, for the age of the last change.
    pub now: i64,
    pub last_changed: i64,
    /// The hub validator's findings, JSON array as stored.
    pub validator_findings: Option<&'a str>,
    pub placements: &'a [Placement],
    pub links: &'a HashMap<String, LinkCheck>,
}

/// The result of scoring one offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    pub score: u32,
    pub findings: Vec<QualityFinding>,
    pub warnings: u32,
    pub expired: bool,
    pub unverified: bool,
}

#[derive(Deserialize)]
struct StoredFinding {
    severity: String,
    code: String,
}

/// A date of a record (`YYYY-MM-DD`); of a timestamp, its date part counts.
pub(crate) fn date_of(s: Option<&str>) -> Option<Date> {
    s.and_then(|s| Date::parse_iso(s.get(..10).unwrap_or(s)))
}

/// A failed check as a finding: the check's texts, and the points lost — its weight, or less
/// for a graded check (`lost`), never more.
pub(crate) fn finding(
    c: &Check,
    lost: Option<u32>,
    pointer: String,
    detail: Option<String>,
) -> QualityFinding {
    QualityFinding {
        code: c.code.to_owned(),
        group: c.group,
        weight: c.weight,
        lost: lost.unwrap_or(c.weight).min(c.weight),
        pointer,
        message: Text { de: c.de.to_owned(), en: c.en.to_owned() },
        fix: Text { de: c.fix_de.to_owned(), en: c.fix_en.to_owned() },
        detail,
    }
}

/// The scoring rule: 100 points less the points of every failed check. Offers and the other
/// kinds are scored by this one rule, each kind with its own list of checks whose weights add
/// up to 100, so a record that fails everything scores 0.
pub fn score_of<'a>(findings: impl IntoIterator<Item = &'a QualityFinding>) -> u32 {
    let lost: u32 = findings.into_iter().map(|f| f.lost).fold(0, u32::saturating_add);
    100u32.saturating_sub(lost)
}

/// Whether a record counts as unverified on `today`: `verified_at` missing, unreadable, or
/// more than [`FRESH_DAYS`] before. The same rule for every kind.
pub fn is_unverified(verified_at: Option<&str>, today: Date) -> bool {
    let stale_before = today.add_days(-FRESH_DAYS);
    date_of(verified_at).is_none_or(|d| d < stale_before)
}

/// The codes of the warnings among the hub validator's stored findings (a JSON array);
/// notices lower nothing and are left out.
pub(crate) fn validator_warnings(stored: Option<&str>) -> Vec<String> {
    let stored: Vec<StoredFinding> = stored.and_then(|f| serde_json::from_str(f).ok()).unwrap_or_default();
    stored.into_iter().filter(|f| f.severity == "warning").map(|f| f.code).collect()
}

/// The points `n` validator warnings cost before the check's weight caps them.
pub(crate) fn warning_points(n: usize) -> u32 {
    POINTS_PER_WARNING.saturating_mul(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The URLs of an offer the link checker checks: `url` and `contact.url`, each once.
pub fn urls_of(offer: &Offer) -> Vec<String> {
    let mut urls: Vec<String> = Vec::new();
    for u in [offer.url.as_deref(), offer.contact.url.as_deref()].into_iter().flatten() {
        if !urls.iter().any(|x| x == u) {
            urls.push(u.to_owned());
        }
    }
    urls
}

/// The municipalities an offer is in: where its locations were placed (the declared AGS when
/// the point lies in none), else the municipalities of its service area.
pub fn municipalities_of(offer: &Offer, placements: &[Placement]) -> Vec<String> {
    let mut set = BTreeSet::new();
    for p in placements {
        set.insert(p.found_ags.clone().unwrap_or_else(|| p.declared_ags.clone()));
    }
    if set.is_empty() {
        for a in &offer.service_area {
            if a.len() == 8 {
                set.insert(a.clone());
            }
        }
    }
    set.into_iter().collect()
}

/// Scores one offer.
pub fn score(offer: &Offer, cx: &Context<'_>) -> Scored {
    let mut findings = Vec::new();
    let mut fail = |code: &str, lost: Option<u32>, pointer: String, detail: Option<String>| {
        if let Some(c) = check(code) {
            findings.push(finding(c, lost, pointer, detail));
        }
    };

    // Completeness.
    if offer.title.get("en").is_none_or(|t| t.trim().is_empty()) {
        fail("english_title", None, "/title".into(), None);
    }
    let has_schedule = offer.schedule.as_ref().is_some_and(|s| {
        !s.opening_hours.is_empty()
            || s.start_date.is_some()
            || s.note.as_ref().is_some_and(|n| !n.trim().is_empty())
    });
    if !has_schedule {
        fail("schedule", None, "/schedule".into(), None);
    }
    if let Some(i) = offer.locations.iter().position(|l| l.accessibility.is_empty()) {
        fail("accessibility", None, format!("/locations/{i}/accessibility"), None);
    }
    let channels = [&offer.contact.email, &offer.contact.phone, &offer.contact.url]
        .iter()
        .filter(|c| c.as_ref().is_some_and(|v| !v.trim().is_empty()))
        .count();
    if channels < 2 {
        fail("contact_channels", None, "/contact".into(), Some(format!("{channels}")));
    }
    if let Some(i) = offer.locations.iter().position(|l| l.lat.is_none() || l.lon.is_none()) {
        fail("coordinates", None, format!("/locations/{i}"), None);
    }

    // Freshness.
    let unverified = is_unverified(offer.verified_at.as_deref(), cx.today);
    if unverified {
        fail("verified_recently", None, "/verified_at".into(), offer.verified_at.clone());
    }
    if cx.now - cx.last_changed > FRESH_DAYS * 86_400 {
        fail("changed_recently", None, "".into(), Some(crate::rfc3339(cx.last_changed)));
    }

    // Validity: warnings of the hub's validator (notices lower nothing).
    let warnings = validator_warnings(cx.validator_findings);
    if !warnings.is_empty() {
        fail(
            "validator_warnings",
            Some(warning_points(warnings.len())),
            "".into(),
            Some(warnings.join(", ")),
        );
    }

    // Placement.
    if let Some(p) =
        cx.placements.iter().find(|p| !matches!(p.precision, Precision::Exact | Precision::Geocoded))
    {
        fail("placement_precision", None, format!("/locations/{}", p.idx), Some(p.precision.as_str().into()));
    }
    if let Some(p) = cx.placements.iter().find(|p| p.mismatch) {
        let detail = format!(
            "{} → {}{}",
            p.declared_ags,
            p.found_ags.as_deref().unwrap_or("–"),
            p.distance_m.map(|d| format!(" ({:.0} m)", d)).unwrap_or_default()
        );
        fail("municipality_match", None, format!("/locations/{}/ags", p.idx), Some(detail));
    }

    // Reachability: the link checker's latest answer; unchecked URLs count as reachable.
    let broken: Vec<String> = urls_of(offer)
        .into_iter()
        .filter_map(|u| {
            let c = cx.links.get(&u)?;
            (!c.ok).then(|| match (c.status, &c.error) {
                (Some(s), _) => format!("{u} ({s})"),
                (None, Some(e)) => format!("{u} ({e})"),
                (None, None) => u,
            })
        })
        .collect();
    if !broken.is_empty() {
        let pointer = if offer.url.as_deref().is_some_and(|u| cx.links.get(u).is_some_and(|c| !c.ok)) {
            "/url"
        } else {
            "/contact/url"
        };
        fail("links_reachable", None, pointer.into(), Some(broken.join("; ")));
    }

    // Expiry: the same rule as the search's (defunct, past valid_until, past the end date).
    let valid_until = date_of(offer.valid_until.as_deref());
    let end = date_of(offer.schedule.as_ref().and_then(|s| s.end_date.as_deref()));
    let mut expired = false;
    if valid_until.is_some_and(|d| d < cx.today) {
        expired = true;
        fail("valid_until_passed", None, "/valid_until".into(), offer.valid_until.clone());
    }
    if end.is_some_and(|d| d < cx.today) {
        expired = true;
        fail("end_date_passed", None, "/schedule/end_date".into(), end.map(|d| d.to_string()));
    }
    if offer.status == "defunct" {
        expired = true;
        fail("defunct_published", None, "/status".into(), None);
    }

    Scored {
        score: score_of(&findings),
        findings,
        warnings: u32::try_from(warnings.len()).unwrap_or(u32::MAX),
        expired,
        unverified,
    }
}

/// The row to store for a scored offer.
pub fn row(
    node_id: &str,
    id: &str,
    offer: &Offer,
    placements: &[Placement],
    scored: &Scored,
    now: i64,
) -> QualityRow {
    QualityRow {
        node_id: node_id.to_owned(),
        id: id.to_owned(),
        score: i64::from(scored.score),
        findings: serde_json::to_string(&scored.findings).unwrap_or_else(|_| "[]".into()),
        warnings: i64::from(scored.warnings),
        expired: scored.expired,
        unverified: scored.unverified,
        offer_type: offer.offer_type.clone(),
        life_phases: offer.life_phases.join(","),
        ags: municipalities_of(offer, placements).join(","),
        urls: urls_of(offer).join("\n"),
        computed_at: now,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const TODAY: (i32, u32, u32) = (2026, 3, 1);
    const NOW: i64 = 1_772_323_200; // 2026-03-01T00:00:00Z

    fn today() -> Date {
        Date::new(TODAY.0, TODAY.1, TODAY.2).unwrap()
    }

    /// An offer that passes every check.
    fn perfect() -> Offer {
        serde_json::from_value(json!({
            "id": "a1",
            "offer_type": "sprachkurs",
            "categories": ["integrationskurs"],
            "title": {"de": "Integrationskurs", "en": "Integration course"},
            "description": {"de": "Ein Kurs."},
            "provider": {"name": "VHS Essen", "kind": "vhs"},
            "status": "active",
            "target_groups": ["erwachsene"],
            "life_phases": ["ankommen", "arbeit"],
            "languages": ["de"],
            "cost": {"kind": "free"},
            "delivery": "in_person",
            "locations": [{"street": "Burgplatz 1", "postcode": "45127", "city": "Essen", "ags": "05113000",
                           "lat": 51.456, "lon": 7.012, "accessibility": ["wheelchair"]}],
            "schedule": {"start_date": "2026-01-10", "end_date": "2026-12-20"},
            "contact": {"email": "kurs@example.org", "phone": "+49 201 1234"},
            "url": "https://example.org/kurs",
            "valid_until": "2026-12-31",
            "verified_at": "2026-02-01"
        }))
        .unwrap()
    }

    fn placement(precision: Precision, mismatch: bool) -> Placement {
        Placement {
            idx: 0,
            lat: Some(51.456),
            lon: Some(7.012),
            precision,
            declared_ags: "05113000".into(),
            found_ags: Some(if mismatch { "05913000" } else { "05113000" }.into()),
            mismatch,
            distance_m: mismatch.then_some(12_000.0),
        }
    }

    struct Case {
        placements: Vec<Placement>,
        findings: Option<String>,
        last_changed: i64,
        links: HashMap<String, LinkCheck>,
    }

    impl Case {
        fn good() -> Self {
            Case {
                placements: vec![placement(Precision::Exact, false)],
                findings: None,
                last_changed: NOW - 86_400,
                links: HashMap::new(),
            }
        }

        fn score(&self, offer: &Offer) -> Scored {
            score(
                offer,
                &Context {
                    today: today(),
                    now: NOW,
                    last_changed: self.last_changed,
                    validator_findings: self.findings.as_deref(),
                    placements: &self.placements,
                    links: &self.links,
                },
            )
        }
    }

    fn broken(url: &str) -> HashMap<String, LinkCheck> {
        HashMap::from([(
            url.to_owned(),
            LinkCheck {
                url: url.into(),
                day: "2026-03-01".into(),
                checked_at: NOW,
                ok: false,
                status: Some(404),
                error: Some("HTTP 404".into()),
            },
        )])
    }

    #[test]
    fn the_weights_add_up_to_100_and_codes_are_unique() {
        assert_eq!(CHECKS.iter().map(|c| c.weight).sum::<u32>(), 100);
        let mut codes: Vec<&str> = CHECKS.iter().map(|c| c.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CHECKS.len());
    }

    #[test]
    fn a_complete_current_offer_scores_100() {
        let s = Case::good().score(&perfect());
        assert_eq!(s.findings, Vec::new());
        assert_eq!((s.score, s.expired, s.unverified, s.warnings), (100, false, false, 0));
    }

    /// Each check fails alone and costs exactly its weight.
    #[test]
    fn each_check_costs_its_weight() {
        type Breaker = fn(&mut Offer, &mut Case);
        let cases: &[(&str, Breaker)] = &[
            ("english_title", |o, _| {
                o.title.remove("en");
            }),
            ("schedule", |o, _| o.schedule = None),
            ("accessibility", |o, _| o.locations[0].accessibility.clear()),
            ("contact_channels", |o, _| o.contact.phone = None),
            ("coordinates", |o, c| {
                o.locations[0].lat = None;
                c.placements = vec![placement(Precision::Geocoded, false)];
            }),
            ("verified_recently", |o, _| o.verified_at = Some("2025-02-27".into())),
            ("changed_recently", |_, c| c.last_changed = NOW - 366 * 86_400),
            ("validator_warnings", |_, c| {
                c.findings = Some(r#"[{"severity":"warning","code":"unknown_column"},{"severity":"notice","code":"missing_english_title"}]"#.into());
            }),
            ("placement_precision", |_, c| c.placements = vec![placement(Precision::Postcode, false)]),
            ("municipality_match", |_, c| c.placements = vec![placement(Precision::Exact, true)]),
            ("links_reachable", |_, c| c.links = broken("https://example.org/kurs")),
            ("valid_until_passed", |o, _| o.valid_until = Some("2026-02-28".into())),
            ("end_date_passed", |o, _| o.schedule.as_mut().unwrap().end_date = Some("2026-02-28".into())),
            ("defunct_published", |o, _| o.status = "defunct".into()),
        ];
        assert_eq!(cases.len(), CHECKS.len(), "every check has a case");
        for (code, breaker) in cases {
            let mut offer = perfect();
            let mut case = Case::good();
            breaker(&mut offer, &mut case);
            let s = case.score(&offer);
            let weight = check(code).unwrap().weight;
            let expected_lost = if *code == "validator_warnings" { POINTS_PER_WARNING } else { weight };
            assert_eq!(s.findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(), [*code], "{code}");
            assert_eq!(s.score, 100 - expected_lost, "{code}");
            let f = &s.findings[0];
            assert_eq!((f.weight, f.lost), (weight, expected_lost), "{code}");
            assert!(!f.fix.de.is_empty() && !f.fix.en.is_empty());
        }
    }

    #[test]
    fn flags_and_grading() {
        let mut o = perfect();
        o.verified_at = None;
        o.status = "defunct".into();
        let mut c = Case::good();
        c.findings = Some(r#"[{"severity":"warning","code":"a"},{"severity":"warning","code":"b"},{"severity":"warning","code":"c"}]"#.into());
        let s = c.score(&o);
        assert!(s.expired && s.unverified);
        assert_eq!(s.warnings, 3);
        // Three warnings would cost 15 but the check weighs 10.
        let w = s.findings.iter().find(|f| f.code == "validator_warnings").unwrap();
        assert_eq!(w.lost, 10);
        assert_eq!(w.detail.as_deref(), Some("a, b, c"));
        assert_eq!(s.score, 100 - 12 - 10 - 5);
        // Everything failed at once still ends at 0 at the lowest.
        assert!(s.score <= 100);
    }

    #[test]
    fn rows_carry_what_snapshots_and_the_link_checker_need() {
        let mut o = perfect();
        o.contact.url = Some("https://example.org/kontakt".into());
        let c = Case::good();
        let s = c.score(&o);
        let r = row("essen", "a1", &o, &c.placements, &s, NOW);
        assert_eq!((r.life_phases.as_str(), r.ags.as_str()), ("ankommen,arbeit", "05113000"));
        assert_eq!(r.urls, "https://example.org/kurs\nhttps://example.org/kontakt");
        let f: Vec<QualityFinding> = serde_json::from_str(&r.findings).unwrap();
        assert!(f.is_empty());
    }
}
