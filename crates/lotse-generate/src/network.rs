//! Turning an index into a network (Netzwerk): people and organizations of a municipality
//! working together on a theme, such as early help for families or the way from school into
//! work.
//!
//! Network `k` draws its municipality and its theme first ([`head`], which offers read to find
//! a network that fits them), then its members among the node's organizations whose type the
//! theme brings together (and, when the options name a partner node, some of that node's), one
//! to three coordinators with fictitious names reachable at addresses of `example.org`, and
//! when and how it meets.

use std::fmt::Write as _;

use lotse_standard::model::{Contact, Coordinator, LangMap, Network, Reference};
use lotse_standard::rpde::Kind;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::draw::{self, Person, any, base_url, chance, pick, pick_by};
use crate::generator::Generator;
use crate::organization::{self, OrgHead};
use crate::places::{Place, places, short_slug};
use crate::texts::fill_with;

/// A theme networks form around.
#[derive(Debug)]
pub(crate) struct Theme {
    pub weight: u32,
    /// German names of networks of a town or a Kreis; `{city}`, `{region}` (the Kreis, or the
    /// city).
    pub names: &'static [&'static str],
    /// German names of networks of a quarter (`{quarter}`), which most networks are: a town
    /// has one network of a theme, but many quarters.
    pub local_names: &'static [&'static str],
    pub name_en: &'static str,
    pub topic: (&'static str, &'static str),
    /// German sentences of the description, the first always.
    pub about: &'static [&'static str],
    pub phases: &'static [&'static str],
    pub targets: &'static [&'static str],
    /// The kinds of organization that are members.
    pub members: &'static [&'static str],
    /// The offer types whose offers belong to such a network.
    pub offer_types: &'static [&'static str],
    /// Whether it serves the towns around too.
    pub regional: bool,
}

pub(crate) static THEMES: &[Theme] = &[
    Theme {
        weight: 14,
        names: &["Netzwerk Frühe Hilfen {city}"],
        local_names: &["Netzwerk Frühe Hilfen {quarter}", "Arbeitskreis Frühe Hilfen {quarter}"],
        name_en: "Early help network {city}",
        topic: (
            "Frühe Hilfen für Schwangere und Familien mit Kindern bis drei Jahre",
            "Early help for pregnant women and families with children up to three",
        ),
        about: &[
            "Im Netzwerk Frühe Hilfen arbeiten Jugendamt, Gesundheitswesen, Kitas, Beratungsstellen und freie Träger zusammen, damit Familien früh die Unterstützung finden, die sie brauchen.",
            "Familienhebammen und Familienkinderkrankenpflegerinnen begleiten Familien im ersten Lebensjahr.",
            "Ein Wegweiser in mehreren Sprachen stellt alle Angebote für junge Familien vor.",
        ],
        phases: &["schwangerschaft_geburt", "kleinkind_0_3"],
        targets: &["eltern", "kinder"],
        members: &["kita", "beratungsstelle", "kommune", "traeger", "sonstige"],
        offer_types: &["familie_kinder", "beratung"],
        regional: false,
    },
    Theme {
        weight: 12,
        names: &["Arbeitskreis Übergang Schule–Beruf {city}", "Netzwerk KAoA {city}"],
        local_names: &["Arbeitskreis Übergang Schule–Beruf {quarter}"],
        name_en: "School-to-work transition network {city}",
        topic: (
            "Berufsorientierung und der Übergang von der Schule in Ausbildung und Studium",
            "Career guidance and the transition from school into training and study",
        ),
        about: &[
            "Der Arbeitskreis bringt Schulen, Berufsberatung, Jobcenter, Kammern und Träger zusammen, damit kein Jugendlicher nach der Schule verloren geht.",
            "Er stimmt die Standardelemente von KAoA ab: Potenzialanalyse, Berufsfelderkundung und Praktika.",
            "Neu zugewanderte Jugendliche ab 16 Jahren werden besonders in den Blick genommen.",
        ],
        phases: &["schule_10_16", "uebergang_16_25"],
        targets: &["jugendliche", "junge_erwachsene"],
        members: &["schule", "jobcenter_arbeitsagentur", "kammer", "traeger", "kommune"],
        offer_types: &["bildungszugang", "berufliche_qualifizierung", "beratung"],
        regional: false,
    },
    Theme {
        weight: 10,
        names: &["Netzwerk Frühe Bildung {city}"],
        local_names: &["Bildungsnetzwerk Kita und Grundschule {quarter}", "Netzwerk Frühe Bildung {quarter}"],
        name_en: "Early education network {city}",
        topic: (
            "Frühe Bildung und der Übergang von der Kita in die Grundschule",
            "Early education and the move from day care to primary school",
        ),
        about: &[
            "Kitas, Grundschulen und Bibliotheken gestalten gemeinsam den Übergang in die Schule.",
            "Erzieherinnen und Lehrkräfte hospitieren gegenseitig und planen Sprachförderung gemeinsam.",
        ],
        phases: &["kita_3_6", "grundschule_6_10"],
        targets: &["kinder", "eltern"],
        members: &["kita", "schule", "bibliothek", "kommune"],
        offer_types: &["familie_kinder", "bildungszugang"],
        regional: false,
    },
    Theme {
        weight: 12,
        names: &["Runder Tisch Integration {city}", "Netzwerk Willkommen in {city}"],
        local_names: &["Integrationsnetzwerk {quarter}", "Runder Tisch Integration {quarter}"],
        name_en: "Integration round table {city}",
        topic: ("Ankommen und Teilhabe von Zugewanderten", "Arrival and participation of newcomers"),
        about: &[
            "Am Runden Tisch tauschen sich Beratungsstellen, Migrantenorganisationen, Verwaltung und Ehrenamtliche über die Lage Zugewanderter aus.",
            "Gemeinsam werden Lücken im Angebot erkannt und Sprachcafés, Patenschaften und Beratungstage geplant.",
        ],
        phases: &["erwachsene"],
        targets: &["alle_zugewanderten", "gefluechtete"],
        members: &["traeger", "beratungsstelle", "kommune", "volkshochschule", "sonstige"],
        offer_types: &["beratung", "sprachkurs", "freizeit_kultur_sport"],
        regional: false,
    },
    Theme {
        weight: 8,
        names: &["Netzwerk Sprachförderung {city}", "Arbeitskreis Deutsch als Zweitsprache {city}"],
        local_names: &["Sprachnetzwerk {quarter}"],
        name_en: "Language support network {city}",
        topic: ("Deutsch lernen von der Kita bis zum Beruf", "Learning German from day care to work"),
        about: &[
            "Die Träger von Sprachkursen stimmen Kursstarts ab, damit niemand lange auf einen Platz warten muss.",
            "Eine gemeinsame Kursübersicht nennt freie Plätze in Integrations-, Berufssprach- und Alphabetisierungskursen.",
        ],
        phases: &["kita_3_6", "grundschule_6_10", "erwachsene"],
        targets: &["alle_zugewanderten", "kinder"],
        members: &["volkshochschule", "traeger", "bibliothek", "kita", "schule"],
        offer_types: &["sprachkurs"],
        regional: false,
    },
    Theme {
        weight: 6,
        names: &[
            "Arbeitskreis Anerkennung und Qualifizierung {region}",
            "Netzwerk Fachkräfte mit Zuwanderungsgeschichte {region}",
        ],
        local_names: &[],
        name_en: "Recognition and qualification network {region}",
        topic: (
            "Anerkennung ausländischer Abschlüsse und Anpassungsqualifizierung",
            "Recognition of foreign qualifications and bridging courses",
        ),
        about: &[
            "Kammern, Anerkennungsberatung, Jobcenter und Bildungsträger begleiten Fachkräfte gemeinsam vom Antrag bis zur Anerkennung.",
            "Fallbesprechungen klären, welche Qualifizierung zum vollen Abschluss fehlt.",
        ],
        phases: &["erwachsene"],
        targets: &["fachkraefte", "alle_zugewanderten"],
        members: &["kammer", "jobcenter_arbeitsagentur", "beratungsstelle", "volkshochschule", "traeger"],
        offer_types: &["anerkennung", "berufliche_qualifizierung"],
        regional: true,
    },
    Theme {
        weight: 10,
        names: &[],
        local_names: &[
            "Stadtteilnetzwerk {quarter}",
            "Stadtteilkonferenz {quarter}",
            "Runder Tisch {quarter}",
        ],
        name_en: "Neighbourhood network {quarter}",
        topic: ("Zusammenleben im Stadtteil", "Living together in the neighbourhood"),
        about: &[
            "Einrichtungen aus {quarter} treffen sich, um Angebote abzustimmen und gemeinsame Feste und Aktionen zu planen.",
            "Das Netzwerk gibt einen Stadtteilplan mit allen Treffpunkten heraus.",
        ],
        phases: &["kita_3_6", "grundschule_6_10", "schule_10_16", "erwachsene", "senioren"],
        targets: &["alle_zugewanderten", "eltern"],
        members: &["sonstige", "kita", "schule", "bibliothek", "traeger"],
        offer_types: &["freizeit_kultur_sport", "familie_kinder", "beratung"],
        regional: false,
    },
    Theme {
        weight: 7,
        names: &["Präventionsnetzwerk gegen Kinderarmut {city}"],
        local_names: &["Netzwerk kinderstark {quarter}", "Präventionsnetzwerk {quarter}"],
        name_en: "Prevention network against child poverty {city}",
        topic: (
            "Eine Präventionskette von der Geburt bis zum Berufseinstieg",
            "A chain of prevention from birth to the first job",
        ),
        about: &[
            "Das Netzwerk knüpft eine Präventionskette: Angebote für Kinder und Familien sollen lückenlos aufeinander folgen.",
            "Familien mit wenig Geld erfahren, welche Leistungen ihnen zustehen, etwa aus dem Bildungs- und Teilhabepaket.",
        ],
        phases: &["kleinkind_0_3", "kita_3_6", "grundschule_6_10", "schule_10_16"],
        targets: &["kinder", "eltern"],
        members: &["kita", "schule", "beratungsstelle", "kommune", "traeger"],
        offer_types: &["familie_kinder", "beratung"],
        regional: false,
    },
    Theme {
        weight: 5,
        names: &["Netzwerk Frauen und Beruf {region}", "Arbeitskreis Migrantinnen und Arbeitsmarkt {city}"],
        local_names: &["Frauennetzwerk {quarter}"],
        name_en: "Women and work network {region}",
        topic: ("Zugewanderte Frauen auf dem Weg in Arbeit", "Immigrant women on their way into work"),
        about: &[
            "Beratungsstellen, Jobcenter und Bildungsträger entwickeln Angebote, die zu Familie und Kinderbetreuung passen.",
            "Teilzeitkurse und Kurse mit Kinderbetreuung werden gemeinsam beworben.",
        ],
        phases: &["erwachsene"],
        targets: &["frauen"],
        members: &["beratungsstelle", "jobcenter_arbeitsagentur", "volkshochschule", "traeger"],
        offer_types: &["berufliche_qualifizierung", "beratung", "sprachkurs"],
        regional: true,
    },
    Theme {
        weight: 4,
        names: &["Netzwerk Studium und Flucht {region}", "Arbeitskreis internationale Studierende {city}"],
        local_names: &[],
        name_en: "Study and refugees network {region}",
        topic: (
            "Zugang zum Studium für Geflüchtete und internationale Studierende",
            "Access to higher education for refugees and international students",
        ),
        about: &[
            "Hochschulen, Beratungsstellen und Sprachkursträger beraten gemeinsam zu Zulassung, Sprachnachweisen und Finanzierung.",
            "Einmal im Semester gibt es einen gemeinsamen Informationstag.",
        ],
        phases: &["uebergang_16_25", "erwachsene"],
        targets: &["internationale_studierende", "gefluechtete"],
        members: &["hochschule", "beratungsstelle", "volkshochschule", "traeger"],
        offer_types: &["bildungszugang"],
        regional: true,
    },
    Theme {
        weight: 5,
        names: &["Netzwerk Bildungsberatung {region}"],
        local_names: &["Arbeitskreis Bildungsberatung {quarter}"],
        name_en: "Education guidance network {region}",
        topic: (
            "Bildungsberatung für Jugendliche und Erwachsene",
            "Education guidance for young people and adults",
        ),
        about: &[
            "Die Bildungsberatungsstellen der Region verweisen aneinander und bilden sich gemeinsam fort.",
            "Ratsuchende finden über das Netzwerk die passende Stelle, auch in ihrer Sprache.",
        ],
        phases: &["uebergang_16_25", "erwachsene"],
        targets: &["alle_zugewanderten", "junge_erwachsene"],
        members: &["volkshochschule", "beratungsstelle", "kommune", "jobcenter_arbeitsagentur", "traeger"],
        offer_types: &["beratung", "bildungszugang", "berufliche_qualifizierung"],
        regional: true,
    },
];

/// The roles of the first coordinator, for a woman and for a man, and of the others.
const LEAD_ROLES: &[(&str, &str)] = &[
    ("Netzwerkkoordination", "Netzwerkkoordination"),
    ("Koordination", "Koordination"),
    ("Sprecherin", "Sprecher"),
];
const OTHER_ROLES: &[(&str, &str)] = &[
    ("Stellvertretende Koordination", "Stellvertretende Koordination"),
    ("Geschäftsstelle", "Geschäftsstelle"),
    ("Stellvertretende Sprecherin", "Stellvertretender Sprecher"),
];

const MEETINGS: &[(&str, &str)] = &[
    ("Monatlich, am ersten Dienstag um 14 Uhr", "Monthly, on the first Tuesday at 2 pm"),
    (
        "Viermal im Jahr, jeweils mittwochs von 10 bis 12 Uhr",
        "Four times a year, on Wednesdays from 10 am to 12 noon",
    ),
    (
        "Alle zwei Monate, donnerstags um 9:30 Uhr, abwechselnd bei den Mitgliedern",
        "Every two months, on Thursdays at 9.30 am, hosted by the members in turn",
    ),
    (
        "Zweimal im Jahr als Netzwerkkonferenz, dazwischen in Arbeitsgruppen",
        "Twice a year as a network conference, in working groups in between",
    ),
    (
        "Jeden dritten Montag im Monat um 15 Uhr, auch online",
        "Every third Monday of the month at 3 pm, also online",
    ),
    ("Einmal im Quartal im Rathaus {city}", "Once a quarter at the town hall of {city}"),
];

const JOINING: &[(&str, &str)] = &[
    ("Eine E-Mail an die Koordination genügt.", "An e-mail to the coordinators is enough."),
    (
        "Einrichtungen aus {city}, die zum Thema arbeiten, sind willkommen; melden Sie sich bei der Koordination.",
        "Organizations in {city} working on the topic are welcome; contact the coordinators.",
    ),
    (
        "Gäste können jederzeit an einem Treffen teilnehmen; über die Aufnahme entscheidet das Netzwerk.",
        "Guests may join any meeting; the network decides on membership.",
    ),
    (
        "Mitglied wird, wer die Kooperationsvereinbarung des Netzwerks unterzeichnet.",
        "Organizations become members by signing the network's cooperation agreement.",
    ),
];

/// Share (per mille) of networks of a quarter, for the themes that have them.
const LOCAL_PER_MILLE: u32 = 700;
/// Share (per mille) of networks with members on the partner node, when there is one.
const SPANNING_PER_MILLE: u32 = 350;

/// What network `k` is, known from its first draws.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NetHead {
    /// Index into `places()`.
    pub place: usize,
    pub theme: &'static Theme,
}

/// Network `index`'s head, without generating the rest.
pub(crate) fn head(g: &Generator, index: u64) -> NetHead {
    draw_head(g, &mut g.stream(Kind::Network, index))
}

fn draw_head(g: &Generator, rng: &mut ChaCha8Rng) -> NetHead {
    let place = g.draw_place(rng);
    NetHead { place, theme: pick_by(rng, THEMES, |t| t.weight) }
}

/// Network `index`, drawn from its stream `rng`.
pub(crate) fn build(g: &Generator, rng: &mut ChaCha8Rng, index: u64) -> Network {
    let NetHead { place: home, theme } = draw_head(g, rng);
    let place = &places()[home];
    let quarter = any(rng, place.quarters);
    let region = place.district.office_name;
    let value = |key: &str| -> Option<&str> {
        Some(match key {
            "city" => place.name.as_str(),
            "quarter" => quarter,
            "region" => region,
            _ => return None,
        })
    };
    let text = |tpl: &str| {
        let mut s = String::new();
        fill_with(&mut s, tpl, value);
        s
    };
    let of_quarter =
        theme.names.is_empty() || (!theme.local_names.is_empty() && chance(rng, LOCAL_PER_MILLE));
    let name_de = text(any(rng, if of_quarter { theme.local_names } else { theme.names }));
    let slug = short_slug(&name_de, 48);

    // The municipalities served: the home town, for a regional theme the chosen towns of its
    // Kreis too.
    let mut service_area = vec![place.ags.clone()];
    if theme.regional {
        for &i in &g.places {
            let ags = &places()[i].ags;
            if ags[..5] == place.ags[..5] && !service_area.contains(ags) {
                service_area.push(ags.clone());
            }
        }
    }

    // Members: organizations of the kinds the theme brings together, in the area served.
    let want = rng.random_range(4..=16);
    let fits = |h: &OrgHead| {
        theme.members.contains(&h.kind) && service_area.iter().any(|a| *a == places()[h.place].ags)
    };
    let local = organization::choose(g, rng, want, want * 12, &[], fits);
    let mut members: Vec<Reference> = local.iter().filter_map(|&k| g.organization_ref(k)).collect();
    if let Some(p) = g.options.partner.as_ref().filter(|p| p.organizations > 0)
        && chance(rng, SPANNING_PER_MILLE)
    {
        for _ in 0..rng.random_range(1..=4) {
            let r = g.partner_ref(rng.random_range(0..p.organizations));
            if let Some(r) = r.filter(|r| !members.contains(r)) {
                members.push(r);
            }
        }
        for &i in &g.partner_places {
            let ags = &places()[i].ags;
            if !service_area.contains(ags) {
                service_area.push(ags.clone());
            }
        }
    }

    let coordinators = coordinators(rng, place, &slug, &local, g);
    let mut description = text(theme.about[0]);
    for s in &theme.about[1..] {
        if chance(rng, 550) {
            description.push(' ');
            description.push_str(&text(s));
        }
    }
    if members.len() > 1 {
        let _ = write!(description, " Zum Netzwerk gehören {} Einrichtungen.", members.len());
    }
    let (meeting_de, meeting_en) = any(rng, MEETINGS);
    let (join_de, join_en) = any(rng, JOINING);
    let english = chance(rng, 400);
    let map = |de: String, en: Option<String>| {
        let mut m = LangMap::new();
        m.insert("de".into(), de);
        if let Some(en) = en {
            m.insert("en".into(), en);
        }
        m
    };
    let contact = chance(rng, 400).then(|| Contact {
        name: Some("Geschäftsstelle des Netzwerks".into()),
        email: Some(format!("kontakt@{slug}.example.org")),
        phone: None,
        url: None,
    });
    let url = chance(rng, 500).then(|| format!("{}/netzwerke/{slug}", base_url(&place.city_domain())));
    let phases = theme.phases.iter().filter(|_| chance(rng, 800)).map(|p| (*p).to_string()).collect();
    let targets = theme.targets.iter().filter(|_| chance(rng, 800)).map(|t| (*t).to_string()).collect();
    Network {
        id: g.id(Kind::Network, index),
        name: map(name_de, english.then(|| text(theme.name_en))),
        topic: Some(map(theme.topic.0.into(), english.then(|| theme.topic.1.into()))),
        description: Some(map(description, None)),
        coordinators,
        members,
        service_area,
        life_phases: phases,
        target_groups: targets,
        meeting_schedule: Some(map(text(meeting_de), english.then(|| text(meeting_en)))),
        how_to_join: Some(map(text(join_de), english.then(|| text(join_en)))),
        contact,
        url,
        verified_at: Some(draw::verified_at(rng, g.options.today).to_string()),
    }
}

/// One to three coordinators; the first always reachable, by e-mail at the network's
/// `example.org` address or by phone, and each working for one of the local members.
fn coordinators(
    rng: &mut ChaCha8Rng,
    place: &Place,
    slug: &str,
    members: &[u64],
    g: &Generator,
) -> Vec<Coordinator> {
    let n = *pick(rng, &[(1usize, 50), (2, 35), (3, 15)]);
    (0..n)
        .map(|i| {
            let who = Person::draw(rng);
            let (female_role, male_role) = any(rng, if i == 0 { LEAD_ROLES } else { OTHER_ROLES });
            let email = chance(rng, if i == 0 { 800 } else { 500 })
                .then(|| format!("{}@{slug}.example.org", who.mailbox()));
            let phone = (chance(rng, 400) || (i == 0 && email.is_none()))
                .then(|| draw::phone_international(rng, place.area_code));
            let organization = (!members.is_empty() && chance(rng, 800))
                .then(|| members[rng.random_range(0..members.len())])
                .and_then(|k| g.organization_ref(k));
            Coordinator {
                name: if chance(rng, 500) { who.full() } else { who.formal() },
                role: Some(if who.female { female_role } else { male_role }.to_owned()),
                email,
                phone,
                organization,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_are_plain_text_with_known_placeholders() {
        let mut texts: Vec<&str> = Vec::new();
        for t in THEMES {
            texts.extend(t.names.iter().chain(t.local_names).chain(t.about));
            texts.extend([t.name_en, t.topic.0, t.topic.1]);
        }
        for (de, en) in MEETINGS.iter().chain(JOINING).chain(LEAD_ROLES).chain(OTHER_ROLES) {
            texts.extend([*de, *en]);
        }
        crate::texts::assert_plain(&texts, &["city", "quarter", "region"]);
    }

    #[test]
    fn themes_use_known_codes() {
        let v = lotse_standard::vocab::vocabularies();
        for t in THEMES {
            t.phases.iter().for_each(|p| assert!(v.life_phases.contains(p), "{p}"));
            t.targets.iter().for_each(|p| assert!(v.target_groups.contains(p), "{p}"));
            t.members.iter().for_each(|p| assert!(v.provider_kinds.contains(p), "{p}"));
            t.offer_types.iter().for_each(|p| assert!(v.offer_types.contains(p), "{p}"));
        }
    }
}
