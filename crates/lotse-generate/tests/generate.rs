//! The generator's promises: determinism, the shares the brief asks for, valid geography and
//! vocabulary, realistic sizes, plain text, and the three output formats.

use std::collections::HashMap;
use std::sync::LazyLock;

use lotse_generate::{Date, Format, GenerateError, Generator, Offer, Options, write_offers};
use lotse_geo::{LatLon, ruhr};
use lotse_standard::vocab::vocabularies;

const N: usize = 5_000;

fn today() -> Date {
    Date::new(2026, 3, 1).unwrap()
}

fn options(seed: u64) -> Options {
    Options::new(seed, today())
}

fn ndjson(options: Options, n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    write_offers(Generator::new(options).unwrap(), n, Format::Ndjson, &mut out).unwrap();
    out
}

/// One sample shared by the tests that measure shares, with each offer's serialized size.
static SAMPLE: LazyLock<Vec<(Offer, usize)>> = LazyLock::new(|| {
    Generator::new(options(20_260_301))
        .unwrap()
        .take(N)
        .map(|o| {
            let size = serde_json::to_vec(&o).unwrap().len();
            (o, size)
        })
        .collect()
});

fn share(pred: impl Fn(&Offer) -> bool) -> f64 {
    SAMPLE.iter().filter(|(o, _)| pred(o)).count() as f64 / SAMPLE.len() as f64
}

fn assert_between(what: &str, value: f64, lo: f64, hi: f64) {
    assert!((lo..=hi).contains(&value), "{what}: {value:.4} not in [{lo}, {hi}]");
}

#[test]
fn same_seed_same_bytes_and_different_seeds_differ() {
    let a = ndjson(options(7), 300);
    let b = ndjson(options(7), 300);
    assert_eq!(a, b);
    let c = ndjson(options(8), 300);
    assert_ne!(a, c);
}

#[test]
fn offer_k_does_not_depend_on_how_many_are_generated() {
    let short = ndjson(options(3), 20);
    let long = ndjson(options(3), 400);
    assert!(long.starts_with(&short));
    let g = Generator::new(options(3)).unwrap();
    let from_iter: Vec<Offer> = Generator::new(options(3)).unwrap().take(120).collect();
    assert_eq!(g.offer(117), from_iter[117]);
    let mut seeking = Generator::new(options(3)).unwrap();
    seeking.seek(117);
    assert_eq!(seeking.next().unwrap(), from_iter[117]);
}

#[test]
fn the_date_moves_dates_only() {
    let g1 = Generator::new(options(5)).unwrap();
    let mut later = options(5);
    later.today = today().add_days(30);
    let g2 = Generator::new(later).unwrap();
    let (a, b) = (g1.offer(11), g2.offer(11));
    assert_eq!(a.title, b.title);
    assert_eq!(a.locations, b.locations);
    assert_ne!(a.verified_at, b.verified_at);
}

#[test]
fn ids_are_unique_and_prefixed() {
    let mut seen = std::collections::HashSet::new();
    for (o, _) in SAMPLE.iter() {
        assert!(seen.insert(o.id.clone()), "duplicate id {}", o.id);
        let (prefix, number) = o.id.rsplit_once('-').unwrap();
        assert_eq!(number.len(), 7);
        assert!(prefix.bytes().all(|b| b.is_ascii_lowercase()), "{}", o.id);
    }
    let mut opts = options(1);
    opts.node_id = Some("stadt-dortmund".into());
    let o = Generator::new(opts).unwrap().offer(42);
    assert_eq!(o.id, "stadt-dortmund-0000042");
}

#[test]
fn bad_options_are_refused() {
    let mut o = options(1);
    o.municipalities = Some(vec!["09162000".into()]);
    assert_eq!(Generator::new(o).unwrap_err(), GenerateError::UnknownMunicipality("09162000".into()));
    let mut o = options(1);
    o.municipalities = Some(vec![]);
    assert_eq!(Generator::new(o).unwrap_err(), GenerateError::NoMunicipalities);
    let mut o = options(1);
    o.node_id = Some("stadt dortmund".into());
    assert!(matches!(Generator::new(o), Err(GenerateError::InvalidNodeId(_))));
}

#[test]
fn the_municipality_filter_confines_every_place() {
    let mut o = options(9);
    let allowed = ["05913000", "05978024", "05978036"];
    o.municipalities = Some(allowed.iter().map(|s| s.to_string()).collect());
    for offer in Generator::new(o).unwrap().take(600) {
        for l in &offer.locations {
            assert!(allowed.contains(&l.ags.as_str()), "{}", l.ags);
        }
        for a in &offer.service_area {
            assert!(allowed.contains(&a.as_str()), "{a}");
        }
    }
}

#[test]
fn shares_match_the_brief() {
    let remote = share(|o| o.locations.is_empty());
    assert_between("online or outreach with a service area", remote, 0.035, 0.07);
    assert!(SAMPLE.iter().all(|(o, _)| o.locations.is_empty() != o.service_area.is_empty()));
    assert!(
        SAMPLE
            .iter()
            .all(|(o, _)| o.locations.is_empty() == matches!(o.delivery.as_str(), "online" | "outreach"))
    );
    assert_between("several locations", share(|o| o.locations.len() > 1), 0.01, 0.035);
    let scripts = ["ar", "uk", "tr", "fa"];
    let multilingual =
        share(|o| scripts.iter().any(|s| o.title.contains_key(*s) && o.description.contains_key(*s)));
    assert_between("texts in other languages and scripts", multilingual, 0.10, 0.15);
    assert_between("English title", share(|o| o.title.contains_key("en")), 0.75, 0.85);
    let stale_before = today().add_days(-365).to_string();
    let stale = share(|o| o.verified_at.as_deref().is_some_and(|v| v < stale_before.as_str()));
    assert_between("verified more than a year ago (warning)", stale, 0.035, 0.065);
    assert_between("active", share(|o| o.status == "active"), 0.80, 0.92);
    assert_between("defunct", share(|o| o.status == "defunct"), 0.003, 0.02);
    assert_between(
        "inactive or temporarily closed",
        share(|o| o.status == "inactive" || o.status == "temporarily_closed"),
        0.08,
        0.18,
    );
    assert_between("with eligibility", share(|o| o.eligibility.is_some()), 0.1, 0.45);
    assert_between("courses", share(|o| o.offer_type == "sprachkurs"), 0.2, 0.28);
    assert_between("counselling", share(|o| o.offer_type == "beratung"), 0.24, 0.32);
    for cost in ["free", "fee", "funded"] {
        assert!(share(|o| o.cost.kind == cost) > 0.05, "{cost}");
    }
    let multi_language_counselling = share(|o| o.offer_type == "beratung" && o.languages.len() > 1)
        / share(|o| o.offer_type == "beratung");
    assert_between("counselling in more than German", multi_language_counselling, 0.6, 0.95);
}

#[test]
fn municipalities_are_weighted_by_population() {
    let mut by_ags: HashMap<&str, usize> = HashMap::new();
    for (o, _) in SAMPLE.iter() {
        let ags = o.locations.first().map_or_else(|| o.service_area[0].as_str(), |l| l.ags.as_str());
        *by_ags.entry(ags).or_default() += 1;
    }
    let share_of = |ags: &str| by_ags.get(ags).copied().unwrap_or(0) as f64 / N as f64;
    // Dortmund has about 11.5 % of the region's inhabitants, Essen 11.4 %, Herne 3.1 %.
    assert_between("Dortmund", share_of("05913000"), 0.09, 0.14);
    assert_between("Essen", share_of("05113000"), 0.09, 0.14);
    assert_between("Herne", share_of("05916000"), 0.02, 0.045);
    assert!(share_of("05170040") < 0.015, "Sonsbeck is a small town");
    assert!(by_ags.len() >= 50, "offers in {} municipalities only", by_ags.len());
}

#[test]
fn coordinates_lie_well_inside_the_declared_municipality() {
    let region = ruhr();
    let mut checked = 0;
    for (o, _) in SAMPLE.iter() {
        for l in &o.locations {
            let m = region.municipality(&l.ags).expect("known AGS");
            let p = LatLon::new(l.lat.unwrap(), l.lon.unwrap());
            assert!(m.contains(p), "{} not in {}", o.id, m.name);
            assert_eq!(region.locate(p).map(|x| x.ags.as_str()), Some(l.ags.as_str()));
            let depth =
                m.polygons.iter().map(|poly| poly.distance_to_boundary_m(p)).fold(f64::INFINITY, f64::min);
            assert!(depth >= 590.0, "{} only {depth:.0} m from the border of {}", o.id, m.name);
            let pc = region.postcode(&l.postcode).expect("known postcode");
            assert_eq!(pc.ags, l.ags, "{} postcode {} belongs elsewhere", o.id, l.postcode);
            assert_eq!(l.city, m.name);
            checked += 1;
        }
    }
    assert!(checked > N * 9 / 10);
}

#[test]
fn codes_come_from_the_vocabularies() {
    let v = vocabularies();
    for (o, _) in SAMPLE.iter() {
        assert!(v.offer_types.contains(&o.offer_type));
        for c in &o.categories {
            let code = v.categories.get(c).unwrap_or_else(|| panic!("unknown category {c}"));
            assert_eq!(code.offer_type.as_deref(), Some(o.offer_type.as_str()), "{c}");
        }
        assert!(v.provider_kinds.contains(&o.provider.kind));
        assert!(v.statuses.contains(&o.status));
        assert!(v.delivery.contains(&o.delivery));
        assert!(v.cost_kinds.contains(&o.cost.kind));
        assert!(!o.target_groups.is_empty());
        o.target_groups.iter().for_each(|t| assert!(v.target_groups.contains(t), "{t}"));
        o.life_phases.iter().for_each(|t| assert!(v.life_phases.contains(t), "{t}"));
        o.languages.iter().for_each(|t| assert!(v.languages.contains(t), "{t}"));
        o.features.iter().for_each(|t| assert!(v.features.contains(t), "{t}"));
        for l in &o.locations {
            l.accessibility.iter().for_each(|t| assert!(v.accessibility.contains(t), "{t}"));
        }
        if let Some(e) = &o.eligibility {
            e.residence_status.iter().for_each(|t| assert!(v.residence_status.contains(t), "{t}"));
            if let (Some(lo), Some(hi)) = (e.age_min, e.age_max) {
                assert!(lo <= hi);
            }
        }
        for key in o.title.keys().chain(o.description.keys()) {
            assert!(v.languages.contains(key), "{key}");
        }
        assert!(o.title.contains_key("de") && o.description.contains_key("de"));
        if o.cost.kind == "fee" {
            assert!(o.cost.amount_eur.is_some_and(|a| a >= 0.0));
        }
    }
}

#[test]
fn language_levels_only_on_language_courses_and_in_order() {
    let cefr = &vocabularies().cefr_levels;
    let mut courses_with_level = 0;
    for (o, _) in SAMPLE.iter() {
        match &o.language_level {
            Some(l) => {
                assert_eq!(o.offer_type, "sprachkurs", "{}", o.id);
                assert!(cefr.position(&l.from).unwrap() <= cefr.position(&l.to).unwrap(), "{}", o.id);
                courses_with_level += 1;
            }
            None => assert_ne!(o.offer_type, "sprachkurs", "{} lacks a level", o.id),
        }
    }
    assert!(courses_with_level > 0);
}

#[test]
fn dates_times_and_contacts_are_consistent() {
    let today = today();
    for (o, _) in SAMPLE.iter() {
        let verified = Date::parse_iso(o.verified_at.as_deref().unwrap()).unwrap();
        assert!(verified <= today);
        if let Some(v) = &o.valid_until {
            assert!(Date::parse_iso(v).unwrap() > today, "{}", o.id);
        }
        if let Some(s) = &o.schedule {
            if let (Some(a), Some(b)) = (&s.start_date, &s.end_date) {
                assert!(Date::parse_iso(a).unwrap() <= Date::parse_iso(b).unwrap());
                assert!(Date::parse_iso(b).unwrap() >= today, "{} has ended", o.id);
            }
            for h in &s.opening_hours {
                assert!(!h.days.is_empty());
                assert_eq!(h.opens.len(), 5);
                assert!(h.opens < h.closes, "{} {}–{}", o.id, h.opens, h.closes);
                h.days.iter().for_each(|d| assert!(vocabularies().weekdays.contains(d)));
            }
        }
        let c = &o.contact;
        assert!(c.name.is_some() || c.email.is_some() || c.phone.is_some() || c.url.is_some());
        if let Some(e) = &c.email {
            assert!(lotse_standard::validate::is_email(e), "{e}");
        }
        if let Some(p) = &c.phone {
            assert!(lotse_standard::validate::is_phone(p), "{p}");
        }
        for u in [&c.url, &o.url, &o.provider.url].into_iter().flatten() {
            assert!(lotse_standard::validate::is_http_url(u), "{u}");
        }
    }
}

#[test]
fn sizes_are_like_real_records() {
    let mut sizes: Vec<usize> = SAMPLE.iter().map(|(_, s)| *s).collect();
    sizes.sort_unstable();
    let median = sizes[sizes.len() / 2];
    assert!((1_000..=2_200).contains(&median), "median {median} bytes");
    let max = *sizes.last().unwrap();
    assert!(max <= 24 * 1024, "largest record {max} bytes");
    assert!(sizes[sizes.len() * 99 / 100] >= 4_000, "no long tail");
    for (o, _) in SAMPLE.iter() {
        for t in o.title.values() {
            assert!(t.chars().count() <= 200, "{}", o.id);
        }
        for d in o.description.values() {
            assert!(d.chars().count() <= 5_000, "{}", o.id);
        }
    }
}

#[test]
fn texts_are_plain_and_complete() {
    let mut out = Vec::new();
    write_offers(Generator::new(options(20_260_301)).unwrap(), N, Format::Ndjson, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    for c in ['<', '>', '&'] {
        assert!(!text.contains(c), "generated data contains {c:?}");
    }
    // An unfilled placeholder would show as a brace inside a string value.
    for (o, _) in SAMPLE.iter() {
        for t in o.title.values().chain(o.description.values()) {
            assert!(!t.contains('{') && !t.contains('}'), "{}: {t}", o.id);
            assert!(!t.contains("  ") && !t.starts_with(' ') && !t.ends_with(' '), "{}: {t:?}", o.id);
            assert!(!t.contains("\n\n\n"), "{}", o.id);
        }
    }
}

#[test]
fn json_is_one_streamed_array() {
    let mut out = Vec::new();
    write_offers(Generator::new(options(2)).unwrap(), 25, Format::Json, &mut out).unwrap();
    let parsed: Vec<Offer> = serde_json::from_slice(&out).unwrap();
    assert_eq!(parsed.len(), 25);
    assert_eq!(parsed[24], Generator::new(options(2)).unwrap().offer(24));
    let mut empty = Vec::new();
    write_offers(Generator::new(options(2)).unwrap(), 0, Format::Json, &mut empty).unwrap();
    assert_eq!(serde_json::from_slice::<Vec<Offer>>(&empty).unwrap().len(), 0);
    let lines = ndjson(options(2), 25);
    let first: Offer = serde_json::from_slice(lines.split(|&b| b == b'\n').next().unwrap()).unwrap();
    assert_eq!(first, parsed[0]);
}

#[test]
fn csv_has_a_header_and_a_row_per_location() {
    let offers: Vec<Offer> = Generator::new(options(4)).unwrap().take(40).collect();
    let rows: usize = offers.iter().map(|o| o.locations.len().max(1)).sum();
    let mut out = Vec::new();
    write_offers(offers.into_iter(), 40, Format::Csv, &mut out).unwrap();
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(&out[3..]);
    assert!(reader.headers().unwrap().iter().any(|h| h == "title_de"));
    assert_eq!(reader.records().count(), rows);
}

#[test]
fn formats_parse() {
    assert_eq!("ndjson".parse::<Format>(), Ok(Format::Ndjson));
    assert_eq!("JSON".parse::<Format>(), Ok(Format::Json));
    assert_eq!("csv".parse::<Format>(), Ok(Format::Csv));
    assert!("xml".parse::<Format>().is_err());
}
