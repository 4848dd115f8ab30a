//! The quality checks of standard 1.1's other kinds — institutions (`organization`), networks
//! and projects — and their score.
//!
//! Each kind has its own checks, with stable codes, a level, a group and a weight; the weights
//! of each kind add up to 100. [`RECORD_CHECKS`] is the one list of them: `docs/quality.md`
//! documents each, and a test fails when one is missing there or its weight or level differs.
//! A record is scored by the offers' rule ([`super::checks::score_of`]): 100 points less the
//! weight of every check it fails; its findings are built by the same function as the offers'
//! and freshness is judged by the same rule ([`super::checks::is_unverified`]).
//!
//! The level says how urgent a finding is, independent of the points: `error` for what the
//! standard forbids and only data from an older node or hub can hold (a network nobody can
//! reach), `warning` for what a steward should correct, `notice` for what would help. Offers'
//! checks have no level; their weights alone rank them.
//!
//! Scoring is a pure function of the record, what the hub stored about it (the validator's
//! warnings, its references that name no live record) and the date, so that the API, the pages
//! and the tests call the same code.

use lotse_standard::date::Date;
use lotse_standard::model::{Network, Organization, Project, Record};
use lotse_standard::rpde::Kind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::checks::{self, Check, FRESH_DAYS, Group, QualityFinding};
use crate::store::kinds::DanglingReference;

/// How urgent a finding of the other kinds is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Notice,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Notice => "notice",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// A documented check of one kind.
#[derive(Debug, Clone, Copy)]
pub struct RecordCheck {
    pub kind: Kind,
    pub level: Level,
    pub check: Check,
}

/// The checks every kind shares, with the kind's weight: freshness, dangling references and
/// the validator's warnings.
const fn verified(kind: Kind, weight: u32) -> RecordCheck {
    RecordCheck {
        kind,
        level: Level::Warning,
        check: Check {
            code: "verified_recently",
            group: Group::Freshness,
            weight,
            de: "Seit über einem Jahr nicht bestätigt (oder nie).",
            en: "Not verified for over a year (or never).",
            fix_de: "Den Datensatz prüfen und verified_at auf das Datum der Prüfung setzen.",
            fix_en: "Check the record and set verified_at to the date of the check.",
        },
    }
}

const fn references(kind: Kind, weight: u32) -> RecordCheck {
    RecordCheck {
        kind,
        level: Level::Warning,
        check: Check {
            code: "references_resolve",
            group: Group::References,
            weight,
            de: "Ein Verweis nennt keinen Datensatz, den der Hub kennt.",
            en: "A reference names no record the hub holds.",
            fix_de: "Den Verweis korrigieren (Knoten und ID) oder entfernen; der genannte Datensatz muss veröffentlicht sein.",
            fix_en: "Correct the reference (node and id) or remove it; the record it names must be published.",
        },
    }
}

const fn warnings(kind: Kind) -> RecordCheck {
    RecordCheck {
        kind,
        level: Level::Warning,
        check: Check {
            code: "validator_warnings",
            group: Group::Validity,
            weight: 10,
            de: "Der Validator meldet Warnungen (5 Punkte je Warnung).",
            en: "The validator reports warnings (5 points per warning).",
            fix_de: "Die Warnungen beheben; docs/standard.md erklärt jeden Code.",
            fix_en: "Fix the warnings; docs/standard.md explains every code.",
        },
    }
}

/// Every check of the other kinds, by kind, in the order the findings list them.
pub const RECORD_CHECKS: &[RecordCheck] = &[
    RecordCheck {
        kind: Kind::Organization,
        level: Level::Warning,
        check: Check {
            code: "opening_hours",
            group: Group::Completeness,
            weight: 30,
            de: "Kein Standort nennt Öffnungszeiten.",
            en: "No location gives opening hours.",
            fix_de: "Die Öffnungszeiten mindestens eines Standorts angeben (locations[].opening_hours).",
            fix_en: "Give the opening hours of at least one location (locations[].opening_hours).",
        },
    },
    verified(Kind::Organization, 35),
    references(Kind::Organization, 25),
    warnings(Kind::Organization),
    RecordCheck {
        kind: Kind::Network,
        level: Level::Error,
        check: Check {
            code: "coordinator_reachable",
            group: Group::Reachability,
            weight: 35,
            de: "Keine Koordinationsperson ist per E-Mail oder Telefon erreichbar.",
            en: "No coordinator can be reached by e-mail or phone.",
            fix_de: "Bei mindestens einer Person in coordinators email oder phone angeben.",
            fix_en: "Give email or phone for at least one person in coordinators.",
        },
    },
    RecordCheck {
        kind: Kind::Network,
        level: Level::Notice,
        check: Check {
            code: "coordinator_email",
            group: Group::Completeness,
            weight: 10,
            de: "Die Koordination ist nur per Telefon erreichbar, keine Person hat eine E-Mail-Adresse.",
            en: "The coordinators can be reached by phone only; nobody has an e-mail address.",
            fix_de: "Bei mindestens einer Person in coordinators eine E-Mail-Adresse (email) angeben.",
            fix_en: "Give an e-mail address (email) for at least one person in coordinators.",
        },
    },
    verified(Kind::Network, 30),
    references(Kind::Network, 15),
    warnings(Kind::Network),
    RecordCheck {
        kind: Kind::Project,
        level: Level::Warning,
        check: Check {
            code: "status_after_end",
            group: Group::Expiry,
            weight: 25,
            de: "Das Projekt ist als laufend oder geplant gemeldet, sein Enddatum ist aber überschritten.",
            en: "The project is reported as running or planned, but its end date has passed.",
            fix_de: "status auf completed setzen oder period.end verlängern.",
            fix_en: "Set status to completed or extend period.end.",
        },
    },
    RecordCheck {
        kind: Kind::Project,
        level: Level::Warning,
        check: Check {
            code: "planned_overdue",
            group: Group::Expiry,
            weight: 15,
            de: "Das Projekt ist noch als geplant gemeldet, sein Beginn liegt aber über ein Jahr zurück.",
            en: "The project is still reported as planned, but its start lies more than a year back.",
            fix_de: "status auf running oder completed setzen oder period.start auf den neuen Beginn.",
            fix_en: "Set status to running or completed, or period.start to the new start.",
        },
    },
    verified(Kind::Project, 30),
    references(Kind::Project, 20),
    warnings(Kind::Project),
];

/// The checks of `kind`, in order; none for offers, which have [`super::checks::CHECKS`].
pub fn checks_of(kind: Kind) -> impl Iterator<Item = &'static RecordCheck> {
    RECORD_CHECKS.iter().filter(move |c| c.kind == kind)
}

/// The check of `kind` with this code.
pub fn record_check(kind: Kind, code: &str) -> Option<&'static RecordCheck> {
    checks_of(kind).find(|c| c.check.code == code)
}

/// A failed check of a record of the other kinds: the offers' finding with its level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RecordFinding {
    #[serde(flatten)]
    pub finding: QualityFinding,
    pub level: Level,
}

/// Everything scoring looks at besides the record.
pub struct RecordContext<'a> {
    pub today: Date,
    /// The hub validator's findings, JSON array as stored.
    pub validator_findings: Option<&'a str>,
    /// The record's references that name no live record.
    pub dangling: &'a [DanglingReference],
}

/// The result of scoring one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordScored {
    pub score: u32,
    pub findings: Vec<RecordFinding>,
    /// Warnings of the hub's validator.
    pub warnings: u32,
    /// `verified_at` missing or more than a year old.
    pub unverified: bool,
}

impl RecordScored {
    /// Findings at the level `error`.
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.level == Level::Error).count()
    }
}

/// Scores one record of the other kinds. An offer is not scored here (it has its own checks,
/// [`super::checks::score`]) and passes with no findings.
pub fn score(record: &Record, cx: &RecordContext<'_>) -> RecordScored {
    let kind = record.kind();
    let mut findings = Vec::new();
    let mut fail = |code: &str, lost: Option<u32>, pointer: String, detail: Option<String>| {
        if let Some(c) = record_check(kind, code) {
            findings.push(RecordFinding {
                finding: checks::finding(&c.check, lost, pointer, detail),
                level: c.level,
            });
        }
    };
    let verified_at = match record {
        Record::Offer(_) => {
            return RecordScored { score: 100, findings: Vec::new(), warnings: 0, unverified: false };
        }
        Record::Organization(o) => {
            organization(o, &mut fail);
            o.verified_at.as_deref()
        }
        Record::Network(n) => {
            network(n, &mut fail);
            n.verified_at.as_deref()
        }
        Record::Project(p) => {
            project(p, cx.today, &mut fail);
            p.verified_at.as_deref()
        }
    };

    // Freshness, by the offers' rule.
    let unverified = checks::is_unverified(verified_at, cx.today);
    if unverified {
        fail("verified_recently", None, "/verified_at".into(), verified_at.map(str::to_owned));
    }

    // References: the referring record's own pointer; the detail names every target missing.
    if let Some(first) = cx.dangling.first() {
        let targets: Vec<String> = cx
            .dangling
            .iter()
            .map(|d| {
                let r = &d.reference;
                format!("{} → {} {}/{}", r.pointer, r.target_kind.singular(), r.target_node, r.target_id)
            })
            .collect();
        fail("references_resolve", None, first.reference.pointer.clone(), Some(targets.join("; ")));
    }

    // Validity: the offers' graded rule.
    let warnings = checks::validator_warnings(cx.validator_findings);
    if !warnings.is_empty() {
        fail(
            "validator_warnings",
            Some(checks::warning_points(warnings.len())),
            "".into(),
            Some(warnings.join(", ")),
        );
    }

    RecordScored {
        score: checks::score_of(findings.iter().map(|f| &f.finding)),
        warnings: u32::try_from(warnings.len()).unwrap_or(u32::MAX),
        findings,
        unverified,
    }
}

type Fail<'a> = dyn FnMut(&str, Option<u32>, String, Option<String>) + 'a;

/// An institution with locations opens at one of them at least; one without locations (it
/// serves an area only) has no opening hours to give and passes.
fn organization(o: &Organization, fail: &mut Fail<'_>) {
    if !o.locations.is_empty() && o.locations.iter().all(|l| l.opening_hours.is_empty()) {
        fail("opening_hours", None, "/locations".into(), None);
    }
}

/// Somebody must be reachable, by e-mail preferably: a network nobody can contact is of no use
/// to an adviser (the validator refuses it; data from an older node or hub may still hold it),
/// and one reachable by phone only is harder to reach than it needs to be.
fn network(n: &Network, fail: &mut Fail<'_>) {
    let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    let email = n.coordinators.iter().any(|c| given(&c.email));
    let phone = n.coordinators.iter().any(|c| given(&c.phone));
    if !email && !phone {
        fail("coordinator_reachable", None, "/coordinators".into(), Some(n.coordinators.len().to_string()));
    } else if !email {
        fail("coordinator_email", None, "/coordinators".into(), None);
    }
}

/// A project's status should follow its period: one still running or planned after its end
/// has ended unreported, and one planned whose start lies more than a year back has most
/// likely started or been dropped.
fn project(p: &Project, today: Date, fail: &mut Fail<'_>) {
    let end = checks::date_of(p.period.end.as_deref());
    if matches!(p.status.as_str(), "running" | "planned") && end.is_some_and(|d| d < today) {
        fail(
            "status_after_end",
            None,
            "/status".into(),
            Some(format!("{} / {}", p.status, p.period.end.as_deref().unwrap_or(""))),
        );
    }
    let start = checks::date_of(Some(&p.period.start));
    if p.status == "planned" && start.is_some_and(|d| d < today.add_days(-FRESH_DAYS)) {
        fail("planned_overdue", None, "/period/start".into(), Some(p.period.start.clone()));
    }
}

#[cfg(test)]
mod tests {
    use lotse_standard::model::Reference;
    use serde_json::json;

    use super::*;
    use crate::store::kinds::ReferenceRow;

    fn today() -> Date {
        Date::new(2026, 3, 1).unwrap()
    }

    fn organization() -> Record {
        Record::from_value(
            Kind::Organization,
            json!({
                "id": "kita-1",
                "name": {"de": "Kita Sonnenschein"},
                "kind": "kita",
                "locations": [{"street": "Markt 1", "postcode": "45127", "city": "Essen", "ags": "05113000",
                               "opening_hours": [{"days": ["mo"], "opens": "08:00", "closes": "16:00"}]}],
                "verified_at": "2026-02-01"
            }),
        )
        .unwrap()
    }

    fn network() -> Record {
        Record::from_value(
            Kind::Network,
            json!({
                "id": "net-1",
                "name": {"de": "Netzwerk Frühe Hilfen"},
                "coordinators": [{"name": "Dana", "email": "dana@example.org"}],
                "service_area": ["05113000"],
                "verified_at": "2026-02-01"
            }),
        )
        .unwrap()
    }

    fn project() -> Record {
        Record::from_value(
            Kind::Project,
            json!({
                "id": "p-1",
                "title": {"de": "Sprachbrücke"},
                "summary": {"de": "Sprachförderung."},
                "life_phases": ["kita_3_6"],
                "period": {"start": "2025-08-01", "end": "2027-07-31"},
                "status": "running",
                "service_area": ["05113000"],
                "verified_at": "2026-02-01"
            }),
        )
        .unwrap()
    }

    fn dangling() -> Vec<DanglingReference> {
        vec![DanglingReference {
            kind: Kind::Network,
            node_id: "essen".into(),
            id: "net-1".into(),
            reference: ReferenceRow {
                pointer: "/members/0".into(),
                target_kind: Kind::Organization,
                target_node: "essen".into(),
                target_id: "fehlt".into(),
            },
        }]
    }

    fn scored(record: &Record, dangling: &[DanglingReference], findings: Option<&str>) -> RecordScored {
        score(record, &RecordContext { today: today(), validator_findings: findings, dangling })
    }

    #[test]
    fn each_kinds_weights_add_up_to_100_and_codes_are_unique_per_kind() {
        for kind in crate::harvest::records::RECORD_KINDS {
            assert_eq!(checks_of(kind).map(|c| c.check.weight).sum::<u32>(), 100, "{kind}");
            let mut codes: Vec<&str> = checks_of(kind).map(|c| c.check.code).collect();
            let n = codes.len();
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len(), n, "{kind}");
        }
        assert_eq!(checks_of(Kind::Offer).count(), 0);
    }

    #[test]
    fn good_records_score_100() {
        for r in [organization(), network(), project()] {
            let s = scored(&r, &[], None);
            assert_eq!((s.score, s.findings.len(), s.unverified), (100, 0, false), "{:?}", s.findings);
        }
    }

    /// Each check fails alone, costs its weight and has its level.
    #[test]
    fn each_check_fires_alone_with_its_weight_and_level() {
        type Breaker = fn(&mut Record);
        let none: Breaker = |_| {};
        let cases: Vec<(Record, &str, Breaker, bool)> = vec![
            (
                organization(),
                "opening_hours",
                |r| {
                    if let Record::Organization(o) = r {
                        o.locations[0].opening_hours.clear();
                    }
                },
                false,
            ),
            (
                organization(),
                "verified_recently",
                |r| {
                    if let Record::Organization(o) = r {
                        o.verified_at = Some("2025-02-27".into());
                    }
                },
                false,
            ),
            (organization(), "references_resolve", none, true),
            (
                network(),
                "coordinator_reachable",
                |r| {
                    if let Record::Network(n) = r {
                        n.coordinators[0].email = None;
                    }
                },
                false,
            ),
            (
                network(),
                "coordinator_email",
                |r| {
                    if let Record::Network(n) = r {
                        n.coordinators[0].email = Some(" ".into());
                        n.coordinators.push(lotse_standard::model::Coordinator {
                            name: "Kim".into(),
                            phone: Some("+49 201 1".into()),
                            organization: Some(Reference { node: None, id: "kita-1".into() }),
                            ..Default::default()
                        });
                    }
                },
                false,
            ),
            (
                network(),
                "verified_recently",
                |r| {
                    if let Record::Network(n) = r {
                        n.verified_at = None;
                    }
                },
                false,
            ),
            (network(), "references_resolve", none, true),
            (
                project(),
                "status_after_end",
                |r| {
                    if let Record::Project(p) = r {
                        p.period.end = Some("2026-02-28".into());
                    }
                },
                false,
            ),
            (
                project(),
                "planned_overdue",
                |r| {
                    if let Record::Project(p) = r {
                        p.status = "planned".into();
                        p.period.start = "2025-02-27".into();
                    }
                },
                false,
            ),
            (
                project(),
                "verified_recently",
                |r| {
                    if let Record::Project(p) = r {
                        p.verified_at = Some("2024-01-01".into());
                    }
                },
                false,
            ),
            (project(), "references_resolve", none, true),
        ];
        for (mut record, code, breaker, with_dangling) in cases {
            let kind = record.kind();
            breaker(&mut record);
            let d = if with_dangling { dangling() } else { Vec::new() };
            let s = scored(&record, &d, None);
            let check = record_check(kind, code).unwrap();
            assert_eq!(
                s.findings.iter().map(|f| f.finding.code.as_str()).collect::<Vec<_>>(),
                [code],
                "{kind} {code}"
            );
            assert_eq!(s.score, 100 - check.check.weight, "{kind} {code}");
            assert_eq!(s.findings[0].level, check.level, "{kind} {code}");
        }
        let covered = RECORD_CHECKS.iter().filter(|c| c.check.code != "validator_warnings").count();
        assert_eq!(covered, 11, "every check but the graded one has a case");
    }

    #[test]
    fn levels_grading_and_edges() {
        // Nobody reachable is an error; the validator's warnings cost 5 each up to 10.
        let mut n = network();
        if let Record::Network(net) = &mut n {
            net.coordinators[0].email = None;
        }
        let w = r#"[{"severity":"warning","code":"a"},{"severity":"warning","code":"b"},{"severity":"warning","code":"c"},{"severity":"notice","code":"d"}]"#;
        let s = scored(&n, &[], Some(w));
        assert_eq!(s.errors(), 1);
        assert_eq!(s.warnings, 3);
        assert_eq!(s.score, 100 - 35 - 10);
        // A completed project after its end, and a planned one whose start is less than a year
        // back, pass; an institution without locations has no opening hours to give.
        let mut p = project();
        if let Record::Project(pr) = &mut p {
            pr.status = "completed".into();
            pr.period.end = Some("2026-01-31".into());
        }
        assert_eq!(scored(&p, &[], None).score, 100);
        let mut p = project();
        if let Record::Project(pr) = &mut p {
            pr.status = "planned".into();
            pr.period.start = "2025-03-02".into();
        }
        assert_eq!(scored(&p, &[], None).score, 100);
        let mut o = organization();
        if let Record::Organization(org) = &mut o {
            org.locations.clear();
            org.service_area = vec!["05113000".into()];
        }
        assert_eq!(scored(&o, &[], None).score, 100);
        // The dangling references' detail names each target.
        let s = scored(&network(), &dangling(), None);
        assert_eq!(s.findings[0].finding.pointer, "/members/0");
        assert_eq!(s.findings[0].finding.detail.as_deref(), Some("/members/0 → organization essen/fehlt"));
    }
}
