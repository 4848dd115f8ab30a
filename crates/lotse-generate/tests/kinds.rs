//! The generator's promises for organizations, networks and projects: every kind validates
//! without errors, the same options give the same bytes, record `k` does not depend on how
//! many are generated, the references of a generated set resolve within it (or on the partner
//! node the options name), and the CSV of every kind reads back through the standard's reader.

use std::collections::{HashMap, HashSet};

use lotse_generate::{Date, Format, Generator, Kind, Options, PartnerNode, Record, write_records};
use lotse_standard::model::ReferenceRole;
use lotse_standard::read::{InputFormat, records_kind};
use lotse_standard::validate::{Batch, Validator, part_of_cycles};
use lotse_standard::{Code, Severity};

const NEW_KINDS: [Kind; 3] = [Kind::Organization, Kind::Network, Kind::Project];

fn today() -> Date {
    Date::new(2026, 3, 1).unwrap()
}

/// A node's set: `n` organizations, networks and projects a tenth of that, a partner node.
fn node_options(seed: u64, n: u64) -> Options {
    let mut o = Options::new(seed, today());
    o.node_id = Some("essen".into());
    o.municipalities = Some(vec!["05113000".into()]);
    o.organizations = Some(n);
    o.networks = Some(n / 10);
    o.projects = Some(n / 10);
    o.partner = Some(PartnerNode {
        node_id: "muelheim".into(),
        organizations: 120,
        municipalities: vec!["05117000".into()],
    });
    o
}

/// The whole region, with references among `n` organizations and no partner.
fn region_options(seed: u64, n: u64) -> Options {
    let mut o = Options::new(seed, today());
    o.organizations = Some(n);
    o.networks = Some(n / 10);
    o.projects = Some(n / 10);
    o
}

fn generate(options: &Options, kind: Kind, n: usize) -> Vec<Record> {
    Generator::new(options.clone()).unwrap().records(kind).take(n).collect()
}

fn ndjson(options: &Options, kind: Kind, n: usize) -> Vec<u8> {
    let g = Generator::new(options.clone()).unwrap();
    let mut out = Vec::new();
    write_records(g.records(kind), n, kind, Format::Ndjson, &mut out).unwrap();
    out
}

/// Validates records of a kind as a node's push does; fails on any error and on any warning
/// other than `verified_stale`. Returns the number of warnings.
fn assert_valid(kind: Kind, records: &[Record], today: Date, what: &str) -> usize {
    let validator = Validator::new(today);
    let mut batch = Batch::default();
    let mut warnings = 0;
    for (i, r) in records.iter().enumerate() {
        let value = serde_json::to_value(r).unwrap();
        let report =
            batch.validate_kind(&validator, kind, i, lotse_standard::read::Record::json(value, None));
        assert!(!report.has_errors(), "{what}, {} {i}: {:?}", kind.singular(), report.findings);
        for f in &report.findings {
            if f.severity == Severity::Warning {
                assert_eq!(
                    f.code,
                    Code::VerifiedStale,
                    "{what}, {} {i}: unexpected warning {f:?}",
                    kind.singular()
                );
                warnings += 1;
            }
        }
        assert_eq!(report.record.as_ref(), Some(r), "{what}: the model reads back what was written");
    }
    warnings
}

#[test]
fn every_kind_validates_without_errors_for_several_seeds() {
    for seed in [1, 2026, 77_777] {
        for (what, options) in [("node", node_options(seed, 1_000)), ("region", region_options(seed, 1_000))]
        {
            for kind in NEW_KINDS {
                let records = generate(&options, kind, 1_000);
                let warnings = assert_valid(kind, &records, today(), what);
                assert!(warnings <= 100, "{what}, {}: {warnings} stale records", kind.singular());
            }
            // Offers that refer to the set stay valid too.
            let offers = generate(&options, Kind::Offer, 500);
            assert_valid(Kind::Offer, &offers, today(), what);
        }
    }
}

#[test]
fn other_dates_and_unrestricted_options_stay_valid() {
    for (seed, days) in [(5, 0), (6, 400), (7, 1_500), (8, 3_000)] {
        let date = Date::new(2024, 1, 1).unwrap().add_days(days);
        let mut options = Options::new(seed, date);
        for kind in NEW_KINDS {
            let records = generate(&options, kind, 200);
            assert_valid(kind, &records, date, "without a set");
        }
        options.organizations = Some(300);
        options.municipalities = Some(vec!["05170024".into(), "05170048".into()]);
        for kind in NEW_KINDS {
            let records = generate(&options, kind, 200);
            assert_valid(kind, &records, date, "two towns of a Kreis");
        }
    }
}

#[test]
fn same_options_same_bytes_and_record_k_stands_alone() {
    for kind in NEW_KINDS {
        let a = ndjson(&node_options(7, 300), kind, 200);
        assert_eq!(a, ndjson(&node_options(7, 300), kind, 200), "{}", kind.singular());
        assert_ne!(a, ndjson(&node_options(8, 300), kind, 200), "{}", kind.singular());
        let long = ndjson(&node_options(7, 300), kind, 400);
        assert!(long.starts_with(&a), "{}: record k depends on how many are generated", kind.singular());
        let g = Generator::new(node_options(7, 300)).unwrap();
        assert_eq!(g.record(kind, 150), g.records(kind).nth(150).unwrap());
        // Any index stands alone, however far out: nothing before it is generated.
        assert_eq!(g.record(kind, 4_000_000_000).id(), g.record(kind, 4_000_000_000).id());
    }
}

#[test]
fn the_date_moves_dates_only() {
    let g1 = Generator::new(node_options(5, 300)).unwrap();
    let mut later = node_options(5, 300);
    later.today = today().add_days(45);
    let g2 = Generator::new(later).unwrap();
    for k in 0..40 {
        let (a, b) = (g1.organization(k), g2.organization(k));
        assert_eq!((&a.name, &a.locations), (&b.name, &b.locations));
        let (a, b) = (g1.project(k), g2.project(k));
        assert_eq!((&a.title, &a.status, &a.partners), (&b.title, &b.status, &b.partners));
    }
}

/// Every id of a generated set, by kind.
fn ids(sets: &[(Kind, &[Record])]) -> HashMap<Kind, HashSet<String>> {
    sets.iter().map(|(k, records)| (*k, records.iter().map(|r| r.id().to_owned()).collect())).collect()
}

#[test]
fn references_resolve_within_the_generated_set() {
    let options = node_options(11, 400);
    let orgs = generate(&options, Kind::Organization, 400);
    let networks = generate(&options, Kind::Network, 40);
    let projects = generate(&options, Kind::Project, 40);
    let offers = generate(&options, Kind::Offer, 1_000);
    let known = ids(&[
        (Kind::Organization, &orgs),
        (Kind::Network, &networks),
        (Kind::Project, &projects),
        (Kind::Offer, &offers),
    ]);
    assert_eq!(known[&Kind::Organization].len(), 400, "organization ids are unique");
    let mut across_nodes = 0;
    let mut by_role: HashMap<ReferenceRole, usize> = HashMap::new();
    for record in orgs.iter().chain(&networks).chain(&projects).chain(&offers) {
        for (pointer, role, r) in record.references() {
            *by_role.entry(role).or_default() += 1;
            match r.node.as_deref() {
                None => assert!(
                    known[&role.target_kind()].contains(&r.id),
                    "{} {pointer}: {} is not in the set",
                    record.id(),
                    r.id
                ),
                Some(node) => {
                    assert_eq!(node, "muelheim", "{} {pointer}", record.id());
                    assert_eq!(role.target_kind(), Kind::Organization);
                    let index: u64 = r.id.strip_prefix("muelheim-org-").unwrap().parse().unwrap();
                    assert!(index < 120, "{}: {}", record.id(), r.id);
                    across_nodes += 1;
                }
            }
        }
    }
    for role in [
        ReferenceRole::ProviderOf,
        ReferenceRole::NetworkOf,
        ReferenceRole::ProjectOf,
        ReferenceRole::PartOf,
        ReferenceRole::Member,
        ReferenceRole::CoordinatorOrganization,
        ReferenceRole::Responsible,
        ReferenceRole::Partner,
    ] {
        assert!(by_role.get(&role).copied().unwrap_or(0) > 0, "no reference as {role:?}");
    }
    assert!(across_nodes > 0, "no network or project spans two nodes");

    // No umbrella leads in a circle.
    let pairs: Vec<_> = orgs
        .iter()
        .map(|r| match r {
            Record::Organization(o) => (o.id.clone(), o.part_of.clone()),
            _ => unreachable!(),
        })
        .collect();
    assert!(part_of_cycles(&pairs, "essen").is_empty());

    // Offers name their provider's organization by its name, and most offers of a node whose
    // set holds every provider have one.
    let names: HashMap<&str, &str> = orgs
        .iter()
        .map(|r| match r {
            Record::Organization(o) => (o.id.as_str(), o.name["de"].as_str()),
            _ => unreachable!(),
        })
        .collect();
    let mut with_ref = 0;
    for r in &offers {
        let Record::Offer(o) = r else { unreachable!() };
        if let Some(p) = &o.provider.reference {
            assert!(
                o.provider.name.starts_with(names[p.id.as_str()]),
                "{}: {} vs {}",
                o.id,
                o.provider.name,
                names[p.id.as_str()]
            );
            with_ref += 1;
        }
    }
    assert!(with_ref > 900, "only {with_ref} of 1000 offers name their provider's organization");
}

#[test]
fn without_a_set_nothing_refers_to_anything() {
    let mut options = Options::new(3, today());
    options.node_id = Some("essen".into());
    let g = Generator::new(options).unwrap();
    for kind in Kind::ALL {
        for r in g.records(kind).take(200) {
            assert!(r.references().is_empty(), "{}: {:?}", r.id(), r.references());
        }
    }
}

#[test]
fn csv_of_every_kind_reads_back_without_errors() {
    let options = node_options(21, 300);
    let g = Generator::new(options).unwrap();
    let validator = Validator::new(today());
    for kind in Kind::ALL {
        let n = 300;
        let mut out = Vec::new();
        write_records(g.records(kind), n, kind, Format::Csv, &mut out).unwrap();
        let (_, records) = records_kind(kind, &out, InputFormat::Csv).unwrap();
        let mut read = Vec::new();
        for (i, r) in records.enumerate() {
            let r = r.unwrap_or_else(|e| panic!("{} {i}: {e}", kind.singular()));
            assert!(r.findings.is_empty(), "{} {i}: {:?}", kind.singular(), r.findings);
            let checked = validator.check_kind(kind, &r.value);
            let errors: Vec<_> = checked.findings.iter().filter(|f| f.severity == Severity::Error).collect();
            assert!(errors.is_empty(), "{} {i}: {errors:?}", kind.singular());
            read.push(r.value["id"].as_str().unwrap().to_owned());
        }
        let written: Vec<String> = g.records(kind).take(n).map(|r| r.id().to_owned()).collect();
        assert_eq!(read, written, "{}: every record, once, in order", kind.singular());
    }
}

#[test]
fn writing_another_kind_is_refused() {
    let g = Generator::new(Options::new(1, today())).unwrap();
    let mut out = Vec::new();
    let e = write_records(g.records(Kind::Network), 2, Kind::Project, Format::Ndjson, &mut out).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
}

#[test]
fn offers_of_a_set_differ_from_plain_offers_only_in_their_references() {
    let set = Generator::new(node_options(13, 300)).unwrap();
    let mut plain = node_options(13, 300);
    (plain.organizations, plain.networks, plain.projects, plain.partner) = (None, None, None, None);
    let plain = Generator::new(plain).unwrap();
    for k in 0..300 {
        let (mut a, b) = (set.offer(k), plain.offer(k));
        assert!(b.provider.reference.is_none() && b.networks.is_empty() && b.projects.is_empty());
        a.provider.reference = None;
        a.networks.clear();
        a.projects.clear();
        assert_eq!(a, b, "offer {k}");
    }
}

#[test]
fn records_look_like_the_region_s() {
    let options = region_options(2026, 3_000);
    let g = Generator::new(options).unwrap();
    let today = today();

    let mut kinds: HashMap<String, usize> = HashMap::new();
    for k in 0..3_000 {
        let o = g.organization(k);
        *kinds.entry(o.kind.clone()).or_default() += 1;
        assert_eq!(o.school_type.is_some(), o.kind == "schule", "{}", o.id);
        if o.kind == "schule" {
            assert!(
                o.identifiers.iter().any(|i| i.scheme == "schulnummer" && i.value.len() == 6),
                "{}",
                o.id
            );
            assert!(
                o.contact
                    .as_ref()
                    .and_then(|c| c.email.as_deref())
                    .is_none_or(|e| e.ends_with("@schule.nrw.de"))
            );
        }
        assert!(
            !o.locations.is_empty() && o.locations.iter().all(|l| !l.opening_hours.is_empty()),
            "{}",
            o.id
        );
        assert!(!o.languages.is_empty() && o.languages[0] == "de");
        assert!(!o.life_phases.is_empty());
        for l in &o.links {
            if l.purpose == "integreat" {
                assert!(l.url.starts_with("https://integreat.app/"), "{}", l.url);
            }
        }
    }
    for kind in [
        "kita",
        "schule",
        "volkshochschule",
        "beratungsstelle",
        "jobcenter_arbeitsagentur",
        "kammer",
        "bibliothek",
        "kommune",
        "traeger",
        "hochschule",
        "sonstige",
    ] {
        assert!(kinds.get(kind).copied().unwrap_or(0) > 0, "no organization of kind {kind}: {kinds:?}");
    }
    assert!(kinds["kita"] > 300 && kinds["schule"] > 300, "{kinds:?}");

    for k in 0..300 {
        let n = g.network(k);
        assert!((1..=3).contains(&n.coordinators.len()));
        let first = &n.coordinators[0];
        assert!(first.email.is_some() || first.phone.is_some(), "{}", n.id);
        for c in &n.coordinators {
            assert!(c.email.as_deref().is_none_or(|e| e.ends_with(".example.org")), "{:?}", c.email);
            assert!(c.phone.as_deref().is_none_or(|p| p.starts_with("+49 ")), "{:?}", c.phone);
        }
        assert!(!n.service_area.is_empty());
        assert!(n.meeting_schedule.is_some() && n.how_to_join.is_some());
    }

    let mut statuses: HashMap<String, usize> = HashMap::new();
    for k in 0..600 {
        let p = g.project(k);
        *statuses.entry(p.status.clone()).or_default() += 1;
        let start = Date::parse_iso(&p.period.start).unwrap();
        let end = p.period.end.as_deref().map(|e| Date::parse_iso(e).unwrap());
        match p.status.as_str() {
            "planned" => assert!(start > today, "{}", p.id),
            "running" => assert!(start <= today && end.is_none_or(|e| e >= today), "{}", p.id),
            "completed" => {
                assert!(end.is_some_and(|e| e < today), "{}", p.id);
                assert!(p.outcomes.is_some(), "{}: a completed project reports its outcomes", p.id);
            }
            other => panic!("status {other}"),
        }
        assert!(!p.funding.is_empty() && p.funding.iter().all(|f| f.funder.is_some()));
        assert!(!p.locations.is_empty() || !p.service_area.is_empty());
    }
    for status in ["planned", "running", "completed"] {
        assert!(statuses.get(status).copied().unwrap_or(0) > 50, "{statuses:?}");
    }

    // A share of the offers belongs to a network or a project, region-wide as well.
    let offers: Vec<_> = (0..2_000).map(|k| g.offer(k)).collect();
    let with = |f: &dyn Fn(&lotse_generate::Offer) -> bool| offers.iter().filter(|o| f(o)).count();
    assert!(with(&|o| o.provider.reference.is_some()) > 1_000);
    assert!(with(&|o| !o.networks.is_empty()) > 20);
    assert!(with(&|o| !o.projects.is_empty()) > 10);
}
