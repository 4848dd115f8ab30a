//! Turning an index into a project (Bildungsprojekt): a funded undertaking for a stage of the
//! education biography, with a period, a status, a responsible organization and partners.
//!
//! Project `k` draws its municipality, theme and status first ([`head`], which offers read to
//! find a running project that fits them), then a period that agrees with the status on the
//! generator's date (planned projects start after it, running ones have started and not
//! ended, completed ones have ended and report their outcomes), its funding from the
//! programmes that really fund such work in North Rhine-Westphalia, and its organizations
//! among the node's (and the partner node's) organizations.

use std::fmt::Write as _;

use lotse_standard::date::Date;
use lotse_standard::model::{Contact, Funding, LangMap, Link, Location, Period, Project, Reference};
use lotse_standard::rpde::Kind;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::draw::{self, Person, any, base_url, chance, pick, pick_by};
use crate::generator::Generator;
use crate::organization::{self, OrgHead};
use crate::places::{places, short_slug};
use crate::texts::fill_with;

/// A funding programme and who funds it.
#[derive(Debug)]
struct Programme {
    name: Option<&'static str>,
    funder: &'static str,
    /// The prefix of its funding codes.
    code: &'static str,
}

const MKJFGFI: &str = "Ministerium für Kinder, Jugend, Familie, Gleichstellung, Flucht und Integration des Landes Nordrhein-Westfalen";

static PROGRAMMES: &[Programme] = &[
    Programme {
        name: Some("Bildung integriert"),
        funder: "Bundesministerium für Bildung und Forschung",
        code: "BI",
    },
    Programme {
        name: Some("KAoA – Kein Abschluss ohne Anschluss"),
        funder: "Ministerium für Arbeit, Gesundheit und Soziales des Landes Nordrhein-Westfalen",
        code: "KAoA",
    },
    Programme {
        name: Some("ESF Plus"),
        funder: "Europäische Union, Europäischer Sozialfonds Plus",
        code: "ESF",
    },
    Programme { name: Some("KOMM-AN NRW"), funder: MKJFGFI, code: "KA" },
    Programme { name: Some("Kommunales Integrationsmanagement NRW"), funder: MKJFGFI, code: "KIM" },
    Programme { name: Some("Griffbereit und Rucksack"), funder: MKJFGFI, code: "RS" },
    Programme { name: Some("kinderstark – NRW schafft Chancen"), funder: MKJFGFI, code: "KS" },
    Programme {
        name: Some("Startchancen-Programm"),
        funder: "Bund und Land Nordrhein-Westfalen",
        code: "SC",
    },
    Programme { name: None, funder: "Stiftung Mercator", code: "SM" },
    Programme { name: None, funder: "RAG-Stiftung", code: "RAG" },
    Programme {
        name: Some("Kulturrucksack NRW"),
        funder: "Ministerium für Kultur und Wissenschaft des Landes Nordrhein-Westfalen",
        code: "KR",
    },
    Programme { name: None, funder: "Aktion Mensch", code: "AM" },
];

/// A theme projects are made of.
#[derive(Debug)]
pub(crate) struct Theme {
    weight: u32,
    /// German titles; `{city}`, `{quarter}`, `{region}`, `{responsible}` (the responsible
    /// organization's name, or the quarter's when there is none).
    titles: &'static [&'static str],
    title_en: &'static str,
    summary: &'static str,
    summary_en: &'static str,
    goals: &'static [&'static str],
    /// What a completed project reports; `{n}` is the number of participants, `{m}` of
    /// organizations taking part.
    outcomes: &'static [&'static str],
    phases: &'static [&'static str],
    targets: &'static [&'static str],
    responsible: &'static [&'static str],
    partners: &'static [&'static str],
    /// Indices into `PROGRAMMES`.
    programmes: &'static [usize],
    pub offer_types: &'static [&'static str],
    /// Whether it serves the towns of its Kreis too.
    regional: bool,
}

static THEMES: &[Theme] = &[
    Theme {
        weight: 7,
        titles: &["Sprachbrücke Kita–Grundschule {quarter}", "Sprachbrücke Kita–Grundschule {city}"],
        title_en: "Language bridge from day care to primary school",
        summary: "Sprachförderung im Übergang von der Kita in die Grundschule: Erzieherinnen und Lehrkräfte planen gemeinsam, Eltern werden einbezogen.",
        summary_en: "Language support as children move from day care to primary school.",
        goals: &[
            "Kinder mit Deutsch als Zweitsprache sollen zum Schulstart dem Unterricht folgen können.",
            "Kitas und Grundschulen stimmen ihre Sprachbeobachtung ab und geben Förderpläne weiter.",
            "Eltern erfahren, wie sie die Sprache ihrer Kinder zu Hause stärken können, auch in der Familiensprache.",
        ],
        outcomes: &[
            "{n} Kinder aus {m} Einrichtungen wurden beim Übergang begleitet.",
            "Die gemeinsame Sprachbeobachtung ist in allen beteiligten Kitas und Schulen eingeführt.",
        ],
        phases: &["kita_3_6", "grundschule_6_10"],
        targets: &["kinder", "eltern"],
        responsible: &["kita", "kommune", "traeger"],
        partners: &["kita", "schule", "bibliothek"],
        programmes: &[3, 5, 0],
        offer_types: &["familie_kinder", "sprachkurs"],
        regional: false,
    },
    Theme {
        weight: 8,
        titles: &["Griffbereit – Eltern-Kind-Gruppen in {quarter}", "Griffbereit {city}"],
        title_en: "Griffbereit parent and child groups",
        summary: "Mehrsprachige Eltern-Kind-Gruppen für Familien mit Kindern von ein bis drei Jahren.",
        summary_en: "Multilingual groups for parents with children aged one to three.",
        goals: &[
            "Eltern stärken die Familiensprache und lernen Angebote der frühen Bildung kennen.",
            "Familien finden den Weg in die Kita.",
        ],
        outcomes: &[
            "{n} Familien haben an den Gruppen teilgenommen; viele Kinder besuchen inzwischen eine Kita.",
        ],
        phases: &["kleinkind_0_3"],
        targets: &["eltern", "kinder"],
        responsible: &["kommune"],
        partners: &["kita", "sonstige", "traeger"],
        programmes: &[5],
        offer_types: &["familie_kinder"],
        regional: false,
    },
    Theme {
        weight: 6,
        titles: &["Rucksack Schule {quarter}", "Rucksack Schule {city}"],
        title_en: "Rucksack school programme",
        summary: "Elternbildung an Grundschulen: Eltern begleiten das Lernen ihrer Kinder in der Familiensprache, abgestimmt auf den Unterricht.",
        summary_en: "Parent education at primary schools, coordinated with lessons.",
        goals: &[
            "Eltern verstehen, was ihre Kinder in der Schule lernen, und unterstützen sie zu Hause.",
            "Die Zusammenarbeit von Schule und Elternhaus wird verlässlich.",
        ],
        outcomes: &[
            "An {m} Schulen haben Elterngruppen stattgefunden, mit insgesamt {n} Müttern und Vätern.",
        ],
        phases: &["grundschule_6_10"],
        targets: &["eltern"],
        responsible: &["kommune"],
        partners: &["schule"],
        programmes: &[5],
        offer_types: &["familie_kinder", "bildungszugang"],
        regional: false,
    },
    Theme {
        weight: 9,
        titles: &["Berufseinstiegsbegleitung {city}", "Übergangsbegleitung Schule–Beruf {quarter}"],
        title_en: "Support for starting a career",
        summary: "Jugendliche werden ab Klasse 8 von festen Begleiterinnen und Begleitern bis in die Ausbildung unterstützt.",
        summary_en: "Young people get a personal mentor from year 8 until they start training.",
        goals: &[
            "Jede Schülerin und jeder Schüler verlässt die Schule mit einem Anschluss.",
            "Praktika und Bewerbungen werden gemeinsam mit Betrieben der Region vorbereitet.",
            "Abbrüche in der Ausbildung werden durch Begleitung im ersten Ausbildungsjahr vermieden.",
        ],
        outcomes: &[
            "{n} Jugendliche wurden begleitet; die meisten haben eine Ausbildung begonnen.",
            "Mit {m} Betrieben und Schulen besteht eine feste Kooperation.",
        ],
        phases: &["schule_10_16", "uebergang_16_25"],
        targets: &["jugendliche"],
        responsible: &["traeger", "jobcenter_arbeitsagentur", "kommune"],
        partners: &["schule", "kammer", "jobcenter_arbeitsagentur"],
        programmes: &[1, 2],
        offer_types: &["bildungszugang", "berufliche_qualifizierung"],
        regional: false,
    },
    Theme {
        weight: 7,
        titles: &["Ausbildungsbrücke für junge Geflüchtete {city}", "Brücke in Ausbildung {region}"],
        title_en: "Bridge into vocational training for young refugees",
        summary: "Junge Geflüchtete bereiten sich mit Sprachkurs, Praktikum und Begleitung auf eine duale Ausbildung vor.",
        summary_en: "Young refugees prepare for vocational training with language classes, internships and mentoring.",
        goals: &[
            "Teilnehmende erreichen das Sprachniveau B1 und finden einen Ausbildungsplatz.",
            "Betriebe werden bei der Ausbildung junger Geflüchteter beraten.",
        ],
        outcomes: &[
            "{n} junge Menschen haben teilgenommen; mehr als die Hälfte hat eine Ausbildung begonnen.",
        ],
        phases: &["uebergang_16_25"],
        targets: &["gefluechtete", "junge_erwachsene"],
        responsible: &["traeger"],
        partners: &["kammer", "schule", "jobcenter_arbeitsagentur"],
        programmes: &[2, 3],
        offer_types: &["berufliche_qualifizierung"],
        regional: true,
    },
    Theme {
        weight: 4,
        titles: &["Kommunales Bildungsmanagement {city}", "Bildungslandschaft {quarter}"],
        title_en: "Local education management",
        summary: "Das Bildungsbüro baut ein datengestütztes Bildungsmanagement auf, von der Kita bis in den Beruf.",
        summary_en: "A data-based local education management, from day care to work.",
        goals: &[
            "Ein Bildungsbericht zeigt Übergänge und Abschlüsse nach Stadtteilen.",
            "Bildungsangebote werden dort gestärkt, wo der Bedarf am größten ist.",
        ],
        outcomes: &[
            "Der erste Bildungsbericht ist erschienen; {m} Einrichtungen arbeiten im Bildungsnetzwerk mit.",
        ],
        phases: &["kita_3_6", "grundschule_6_10", "schule_10_16", "uebergang_16_25", "erwachsene"],
        targets: &["alle_zugewanderten"],
        responsible: &["kommune"],
        partners: &["schule", "kita", "volkshochschule"],
        programmes: &[0],
        offer_types: &["bildungszugang"],
        regional: false,
    },
    Theme {
        weight: 5,
        titles: &[
            "Anerkennung in Pflege- und Gesundheitsberufen {region}",
            "Anpassungsqualifizierung Pflege {city}",
        ],
        title_en: "Recognition in nursing and health professions",
        summary: "Pflegefachkräfte mit ausländischem Abschluss werden bis zur vollen Anerkennung begleitet.",
        summary_en: "Nurses with foreign qualifications are supported until full recognition.",
        goals: &[
            "Teilnehmende schließen die Anpassungsmaßnahme ab und erhalten die Berufserlaubnis.",
            "Kliniken und Pflegedienste der Region stellen Praxisplätze bereit.",
        ],
        outcomes: &["{n} Fachkräfte haben die Anerkennung erreicht."],
        phases: &["erwachsene"],
        targets: &["fachkraefte"],
        responsible: &["beratungsstelle", "traeger"],
        partners: &["kammer", "volkshochschule", "jobcenter_arbeitsagentur"],
        programmes: &[2],
        offer_types: &["anerkennung", "berufliche_qualifizierung"],
        regional: true,
    },
    Theme {
        weight: 6,
        titles: &["Sommerferienschule {city}", "Ferienschule {quarter}"],
        title_en: "Summer holiday school",
        summary: "In den Sommerferien lernen Kinder und Jugendliche vormittags Deutsch und Mathematik, nachmittags gibt es Sport und Ausflüge.",
        summary_en: "German and maths in the mornings, sports and trips in the afternoons, during the summer holidays.",
        goals: &[
            "Lernlücken werden vor dem neuen Schuljahr geschlossen.",
            "Neu zugewanderte Kinder gewinnen Sicherheit in der deutschen Sprache.",
        ],
        outcomes: &["{n} Kinder und Jugendliche haben die Ferienschule besucht."],
        phases: &["grundschule_6_10", "schule_10_16"],
        targets: &["kinder", "jugendliche"],
        responsible: &["kommune", "volkshochschule"],
        partners: &["schule", "traeger"],
        programmes: &[3, 8],
        offer_types: &["bildungszugang", "sprachkurs"],
        regional: false,
    },
    Theme {
        weight: 4,
        titles: &["Mentoring Schule–Studium {city}", "Talentförderung {region}"],
        title_en: "Mentoring from school to university",
        summary: "Studierende begleiten Schülerinnen und Schüler, deren Eltern nicht studiert haben, auf dem Weg zum Studium.",
        summary_en: "Students mentor pupils whose parents did not go to university.",
        goals: &[
            "Mehr Jugendliche aus Familien ohne Studienerfahrung beginnen ein Studium.",
            "Internationale Studierende lernen die Region und ihre Schulen kennen.",
        ],
        outcomes: &["{n} Tandems haben sich getroffen; viele Mentees studieren heute."],
        phases: &["schule_10_16", "uebergang_16_25"],
        targets: &["jugendliche", "internationale_studierende"],
        responsible: &["hochschule", "traeger"],
        partners: &["schule", "hochschule"],
        programmes: &[9, 8],
        offer_types: &["bildungszugang"],
        regional: true,
    },
    Theme {
        weight: 6,
        titles: &["Lesestart {quarter} – Vorlesepatenschaften", "Vorlesen in vielen Sprachen – {city}"],
        title_en: "Reading aloud in many languages",
        summary: "Ehrenamtliche lesen in Kitas, Schulen und der Bibliothek vor, auf Deutsch und in den Familiensprachen.",
        summary_en: "Volunteers read aloud in German and the children's family languages.",
        goals: &[
            "Kinder erleben Freude an Büchern und Geschichten.",
            "Familien nutzen die Bibliothek und leihen Bücher in ihrer Sprache aus.",
        ],
        outcomes: &["{n} Vorlesestunden haben in {m} Einrichtungen stattgefunden."],
        phases: &["kita_3_6", "grundschule_6_10"],
        targets: &["kinder", "eltern"],
        responsible: &["bibliothek"],
        partners: &["kita", "schule"],
        programmes: &[10, 11],
        offer_types: &["familie_kinder", "freizeit_kultur_sport"],
        regional: false,
    },
    Theme {
        weight: 5,
        titles: &["Perspektive Arbeit für zugewanderte Frauen {city}", "Frauen in Arbeit {quarter}"],
        title_en: "Prospects of work for immigrant women",
        summary: "Zugewanderte Frauen planen mit Coaching, Sprachkurs in Teilzeit und Kinderbetreuung ihren Weg in Arbeit.",
        summary_en: "Immigrant women plan their way into work with coaching, part-time language classes and childcare.",
        goals: &[
            "Teilnehmerinnen entwickeln einen beruflichen Plan und beginnen eine Qualifizierung oder Arbeit.",
            "Kinderbetreuung während der Kurse macht die Teilnahme möglich.",
        ],
        outcomes: &["{n} Frauen haben teilgenommen; viele arbeiten heute oder sind in einer Qualifizierung."],
        phases: &["erwachsene"],
        targets: &["frauen"],
        responsible: &["traeger", "volkshochschule"],
        partners: &["jobcenter_arbeitsagentur", "beratungsstelle"],
        programmes: &[2],
        offer_types: &["berufliche_qualifizierung", "sprachkurs"],
        regional: false,
    },
    Theme {
        weight: 5,
        titles: &["{responsible}: Lernzeit und Schulsozialarbeit im Startchancen-Programm"],
        title_en: "Startchancen school: learning time and school social work",
        summary: "Die Schule erhält zusätzliche Mittel für Lernzeiten, multiprofessionelle Teams und eine bessere Ausstattung.",
        summary_en: "The school receives extra funds for learning time, multi-professional teams and equipment.",
        goals: &[
            "Mehr Kinder erreichen die Mindeststandards in Deutsch und Mathematik.",
            "Schulsozialarbeit und Träger im Stadtteil arbeiten eng mit der Schule zusammen.",
        ],
        outcomes: &["Die Lernzeiten sind fest im Stundenplan verankert."],
        phases: &["grundschule_6_10", "schule_10_16"],
        targets: &["kinder", "jugendliche"],
        responsible: &["schule"],
        partners: &["traeger", "kommune", "sonstige"],
        programmes: &[7],
        offer_types: &["bildungszugang", "familie_kinder"],
        regional: false,
    },
    Theme {
        weight: 5,
        titles: &["Case Management Integration {city}", "Integrationsmanagement {quarter}"],
        title_en: "Integration case management",
        summary: "Im Kommunalen Integrationsmanagement begleiten Fallmanagerinnen und Fallmanager Zugewanderte mit vielen Anliegen über alle Ämter hinweg.",
        summary_en: "Case managers support newcomers with complex needs across all offices.",
        goals: &[
            "Zugewanderte erhalten eine feste Ansprechperson für Aufenthalt, Arbeit und Familie.",
            "Ausländerbehörde, Jobcenter und Beratungsstellen stimmen sich ab.",
        ],
        outcomes: &["{n} Menschen wurden begleitet; {m} Stellen arbeiten nach einem gemeinsamen Verfahren."],
        phases: &["uebergang_16_25", "erwachsene"],
        targets: &["gefluechtete", "alle_zugewanderten"],
        responsible: &["kommune"],
        partners: &["beratungsstelle", "jobcenter_arbeitsagentur", "traeger"],
        programmes: &[4],
        offer_types: &["beratung"],
        regional: false,
    },
    Theme {
        weight: 4,
        titles: &[
            "Kulturrucksack {city}: Theater und Tanz für 10- bis 14-Jährige",
            "Kulturrucksack {quarter}: Film und Musik",
        ],
        title_en: "Culture backpack: theatre and dance for 10 to 14-year-olds",
        summary: "Kostenlose Workshops in Theater, Tanz, Film und Musik für Kinder und Jugendliche von 10 bis 14 Jahren.",
        summary_en: "Free workshops in theatre, dance, film and music for ages 10 to 14.",
        goals: &["Jugendliche aus allen Stadtteilen lernen Kunst und Kultur selbst kennen."],
        outcomes: &["{n} Jugendliche haben an Workshops in {m} Einrichtungen teilgenommen."],
        phases: &["schule_10_16"],
        targets: &["jugendliche"],
        responsible: &["kommune", "sonstige"],
        partners: &["schule", "sonstige"],
        programmes: &[10],
        offer_types: &["freizeit_kultur_sport"],
        regional: false,
    },
    Theme {
        weight: 6,
        titles: &["kinderstark {quarter}: Präventionskette für Familien"],
        title_en: "kinderstark: a chain of prevention for families",
        summary: "Angebote für Familien werden im Stadtteil so verknüpft, dass jedes Kind von der Geburt bis zur Schule begleitet ist.",
        summary_en: "Services for families are linked so that every child is supported from birth to school.",
        goals: &[
            "Familien mit wenig Geld erreichen Beratung und Förderung früher.",
            "Kitas, Schulen und Beratungsstellen arbeiten nach gemeinsamen Standards.",
        ],
        outcomes: &["Die Präventionskette verbindet {m} Einrichtungen; {n} Familien wurden erreicht."],
        phases: &["kleinkind_0_3", "kita_3_6", "grundschule_6_10"],
        targets: &["eltern", "kinder"],
        responsible: &["kommune"],
        partners: &["kita", "beratungsstelle", "schule"],
        programmes: &[6],
        offer_types: &["familie_kinder", "beratung"],
        regional: false,
    },
];

/// Projects by status, per mille.
const STATUSES: &[(&str, u32)] = &[("planned", 150), ("running", 600), ("completed", 250)];

/// Share (per mille) of projects with a partner on the partner node, when there is one.
const PARTNER_NODE_PER_MILLE: u32 = 250;

/// What project `k` is, known from its first draws.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProjHead {
    /// Index into `places()`.
    pub place: usize,
    pub theme: &'static Theme,
    pub status: &'static str,
}

/// Project `index`'s head, without generating the rest.
pub(crate) fn head(g: &Generator, index: u64) -> ProjHead {
    draw_head(g, &mut g.stream(Kind::Project, index))
}

fn draw_head(g: &Generator, rng: &mut ChaCha8Rng) -> ProjHead {
    let place = g.draw_place(rng);
    let theme = pick_by(rng, THEMES, |t| t.weight);
    let status = *pick(rng, STATUSES);
    ProjHead { place, theme, status }
}

/// Project `index`, drawn from its stream `rng`.
pub(crate) fn build(g: &Generator, rng: &mut ChaCha8Rng, index: u64) -> Project {
    let ProjHead { place: home, theme, status } = draw_head(g, rng);
    let today = g.options.today;
    let place = &places()[home];
    let quarter = any(rng, place.quarters);
    let region = place.district.office_name;
    let participants = rng.random_range(3..=40) * 10;
    let organizations = rng.random_range(3..=14);
    let (n, m) = (participants.to_string(), organizations.to_string());
    let title_tpl = any(rng, theme.titles);
    let period = period(rng, status, today);

    // The area: the home town, for a regional theme the chosen towns of its Kreis too (only
    // chosen ones: projects count towards the node's jurisdiction).
    let mut service_area = vec![place.ags.clone()];
    if theme.regional {
        for &i in &g.places {
            let ags = &places()[i].ags;
            if ags[..5] == place.ags[..5] && !service_area.contains(ags) {
                service_area.push(ags.clone());
            }
        }
    }
    let in_area = |h: &OrgHead| service_area.iter().any(|a| *a == places()[h.place].ags);

    // The organizations: one responsible, a few partners.
    let responsible =
        organization::choose(g, rng, 1, 40, &[], |h| theme.responsible.contains(&h.kind) && in_area(h))
            .first()
            .copied();
    let taken: Vec<u64> = responsible.into_iter().collect();
    let want = *pick(rng, &[(0usize, 10), (1, 20), (2, 25), (3, 20), (4, 15), (5, 10)]);
    let partner_ids = organization::choose(g, rng, want, want * 12, &taken, |h| {
        theme.partners.contains(&h.kind) && in_area(h)
    });
    let mut partners: Vec<Reference> = partner_ids.iter().filter_map(|&k| g.organization_ref(k)).collect();
    if let Some(p) = g.options.partner.as_ref().filter(|p| p.organizations > 0)
        && chance(rng, PARTNER_NODE_PER_MILLE)
    {
        partners.extend(g.partner_ref(rng.random_range(0..p.organizations)));
    }
    // Where it happens: at the responsible organization's house, or across the area.
    let host = responsible.map(|k| g.organization(k));
    let host_name = host.as_ref().and_then(|o| o.name.get("de"));
    let value = |key: &str| -> Option<&str> {
        Some(match key {
            "city" => place.name.as_str(),
            "quarter" => quarter,
            "region" => region,
            "responsible" => host_name.map_or(quarter, String::as_str),
            "n" => n.as_str(),
            "m" => m.as_str(),
            _ => return None,
        })
    };
    let text = |tpl: &str| {
        let mut s = String::new();
        fill_with(&mut s, tpl, value);
        s
    };
    let title_de = text(title_tpl);
    let slug = short_slug(&title_de, 60);
    let at_host = host.as_ref().and_then(|o| o.locations.first()).filter(|_| chance(rng, 400));
    let locations: Vec<Location> = at_host.map(|l| l.location.clone()).into_iter().collect();
    let service_area = if locations.is_empty() { service_area } else { Vec::new() };

    // Texts.
    let mut goals = String::new();
    for (i, s) in theme.goals.iter().enumerate() {
        if i == 0 || chance(rng, 600) {
            if !goals.is_empty() {
                goals.push(' ');
            }
            goals.push_str(&text(s));
        }
    }
    let english = chance(rng, 350);
    let map = |de: String, en: Option<String>| {
        let mut m = LangMap::new();
        m.insert("de".into(), de);
        if let Some(en) = en {
            m.insert("en".into(), en);
        }
        m
    };
    let outcomes = (status == "completed").then(|| {
        let mut o = String::new();
        for s in theme.outcomes {
            if !o.is_empty() {
                o.push(' ');
            }
            o.push_str(&text(s));
        }
        map(o, None)
    });
    let mut description = String::new();
    if let Some(name) = host_name {
        let _ = match partners.len() {
            0 => write!(description, "Verantwortlich: {name}."),
            1 => write!(description, "Verantwortlich: {name}, gemeinsam mit einer Partnereinrichtung."),
            k => write!(description, "Verantwortlich: {name}, gemeinsam mit {k} Partnereinrichtungen."),
        };
    }

    // Funding: one programme of the theme, now and then a second one.
    let mut funding = Vec::new();
    for _ in 0..if chance(rng, 150) { 2 } else { 1 } {
        let p = &PROGRAMMES[any(rng, theme.programmes)];
        if funding
            .iter()
            .any(|f: &Funding| f.funder.as_deref() == Some(p.funder) && f.programme.as_deref() == p.name)
        {
            continue;
        }
        let year = Date::parse_iso(&period.start).map_or(today.year, |d| d.year);
        let code = chance(rng, 700).then(|| format!("{}-{year}-{:04}", p.code, rng.random_range(1..10_000)));
        funding.push(Funding { programme: p.name.map(String::from), funder: Some(p.funder.into()), code });
    }

    // How to reach it: at the responsible organization's domain, or the town hall's.
    let domain = host
        .as_ref()
        .and_then(|o| o.contact.as_ref())
        .and_then(|c| c.email.as_deref())
        .and_then(|e| e.split_once('@'))
        .map(|(_, d)| d.to_owned())
        .filter(|d| d != "schule.nrw.de")
        .unwrap_or_else(|| place.city_domain());
    let page = format!("{}/projekte/{slug}", base_url(&domain));
    let who = Person::draw(rng);
    let contact = Contact {
        name: Some(if chance(rng, 500) { who.full() } else { who.formal() }),
        email: chance(rng, 850).then(|| format!("{}@{domain}", who.mailbox())),
        phone: chance(rng, 600).then(|| draw::phone(rng, place.area_code)),
        url: None,
    };
    let mut links = Vec::new();
    if chance(rng, 600) {
        links.push(Link { purpose: "website".into(), url: page.clone(), title: None });
    }
    if status != "completed" && chance(rng, 250) {
        let mut t = LangMap::new();
        t.insert("de".into(), "Anmeldung zur Teilnahme".into());
        links.push(Link { purpose: "registration".into(), url: format!("{page}/anmeldung"), title: Some(t) });
    }

    Project {
        id: g.id(Kind::Project, index),
        title: map(title_de, english.then(|| theme.title_en.to_owned())),
        summary: map(text(theme.summary), english.then(|| theme.summary_en.to_owned())),
        goals: Some(map(goals, None)),
        description: (!description.is_empty()).then(|| map(description, None)),
        life_phases: theme.phases.iter().map(|p| (*p).to_string()).collect(),
        target_groups: theme.targets.iter().map(|t| (*t).to_string()).collect(),
        period,
        status: status.into(),
        funding,
        responsible: responsible.and_then(|k| g.organization_ref(k)),
        partners,
        locations,
        service_area,
        outcomes,
        contact: Some(contact),
        links,
        url: chance(rng, 400).then_some(page),
        verified_at: Some(draw::verified_at(rng, g.options.today).to_string()),
    }
}

/// A period that agrees with the status on `today`: a planned project starts on the first of
/// a coming month, a running one started on the first of a past month and ends (if it names
/// an end) more than a month from now, a completed one ended on the last day of a past month.
fn period(rng: &mut impl Rng, status: &str, today: Date) -> Period {
    let years = rng.random_range(1..=4i64);
    let (start, end) = match status {
        "planned" => {
            let start = add_months(first_of_month(today.add_days(rng.random_range(30..=270))), 1);
            let end = chance(rng, 700).then(|| add_months(start, 12 * years).add_days(-1));
            (start, end)
        }
        "running" => {
            let start = first_of_month(today.add_days(-rng.random_range(60..=1_100)));
            let end = chance(rng, 800).then(|| {
                let mut end = add_months(start, 12 * years).add_days(-1);
                while end <= today.add_days(30) {
                    end = add_months(end.add_days(1), 12).add_days(-1);
                }
                end
            });
            (start, end)
        }
        _ => {
            let end = first_of_month(today.add_days(-rng.random_range(20..=900))).add_days(-1);
            (add_months(first_of_month(end), 1 - 12 * years), Some(end))
        }
    };
    Period { start: start.to_string(), end: end.map(|d| d.to_string()) }
}

fn first_of_month(d: Date) -> Date {
    Date::new(d.year, d.month, 1).unwrap_or(d)
}

/// The first of the month `months` after the month of `first` (which is a first of a month).
fn add_months(first: Date, months: i64) -> Date {
    let total = i64::from(first.year) * 12 + i64::from(first.month) - 1 + months;
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    Date::new(year as i32, month as u32, 1).unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn pools_are_plain_text_with_known_placeholders() {
        let mut texts: Vec<&str> = Vec::new();
        for t in THEMES {
            texts.extend(t.titles.iter().chain(t.goals).chain(t.outcomes));
            texts.extend([t.title_en, t.summary, t.summary_en]);
            assert!(t.programmes.iter().all(|&p| p < PROGRAMMES.len()));
        }
        for p in PROGRAMMES {
            texts.extend(p.name.iter().copied().chain([p.funder, p.code]));
        }
        crate::texts::assert_plain(&texts, &["city", "quarter", "region", "responsible", "n", "m"]);
    }

    #[test]
    fn themes_use_known_codes() {
        let v = lotse_standard::vocab::vocabularies();
        for t in THEMES {
            t.phases.iter().for_each(|p| assert!(v.life_phases.contains(p), "{p}"));
            t.targets.iter().for_each(|p| assert!(v.target_groups.contains(p), "{p}"));
            t.responsible.iter().chain(t.partners).for_each(|p| assert!(v.provider_kinds.contains(p), "{p}"));
            t.offer_types.iter().for_each(|p| assert!(v.offer_types.contains(p), "{p}"));
        }
        for (s, _) in STATUSES {
            assert!(v.project_statuses.contains(s));
        }
    }

    #[test]
    fn periods_agree_with_the_status() {
        let today = Date::new(2026, 3, 1).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        for _ in 0..2_000 {
            for status in ["planned", "running", "completed"] {
                let p = period(&mut rng, status, today);
                let start = Date::parse_iso(&p.start).unwrap();
                let end = p.end.as_deref().map(|e| Date::parse_iso(e).unwrap());
                assert_eq!(start.day, 1);
                if let Some(end) = end {
                    assert!(start < end, "{p:?}");
                    assert_eq!(end.add_days(1).day, 1, "{p:?} ends on the last of a month");
                }
                match status {
                    "planned" => assert!(start > today),
                    "running" => assert!(start <= today && end.is_none_or(|e| e > today)),
                    _ => assert!(end.is_some_and(|e| e < today)),
                }
            }
        }
        assert_eq!(add_months(Date::new(2026, 11, 1).unwrap(), 3), Date::new(2027, 2, 1).unwrap());
        assert_eq!(add_months(Date::new(2026, 1, 1).unwrap(), -13), Date::new(2024, 12, 1).unwrap());
    }
}
