//! Turning an index into an organization (Einrichtung).
//!
//! Organization `k` is either a provider of offers (`catalog.rs`) or an institution of
//! `institutions.rs`, drawn from its own stream: first its municipality and its type (which is
//! all [`head`] needs, so that networks and projects can choose members cheaply), then
//! everything else. Locations lie well inside the municipality, as offers' do, with opening
//! hours that fit the type; umbrellas (`part_of`) are the providers that run an institution.

use std::fmt::Write as _;

use lotse_standard::model::{
    Contact, Identifier, LangMap, Link, Location, OpeningHours, Organization, OrganizationLocation,
};
use lotse_standard::rpde::Kind;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::catalog::Entry;
use crate::draw::{self, Address, Person, WEEKDAYS, any, base_url, chance, hhmm, one, pick, pick_by};
use crate::generator::Generator;
use crate::institutions::{
    self, CHURCHES, Domain, Hours, INSTITUTIONS, Institution, KITA_NAMES, LOCALITIES, LinkKind, Profile,
    SAINTS,
};
use crate::places::{Place, places, short_slug};
use crate::providers::{Fam, ProviderInfo, SCHOOL_PATRONS, VOCATIONAL_PATRONS, providers_at};
use crate::texts::fill_with;

/// Share of organizations (per mille) with a second location.
const SECOND_LOCATION_PER_MILLE: u32 = 60;
/// Share of organizations with an English name, where their type has one.
const ENGLISH_NAME_PER_MILLE: u32 = 400;
/// Share of organizations with an English description.
const ENGLISH_DESCRIPTION_PER_MILLE: u32 = 300;

/// What organization `k` is, known from its first draws.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OrgHead {
    /// Index into `places()`.
    pub place: usize,
    pub kind: &'static str,
    pub school_type: Option<&'static str>,
    pub what: What,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum What {
    Provider(&'static Entry),
    Institution(&'static Institution),
}

/// Organization `index`'s head, without generating the rest.
pub(crate) fn head(g: &Generator, index: u64) -> OrgHead {
    draw_head(g, &mut g.stream(Kind::Organization, index), index)
}

fn draw_head(g: &Generator, rng: &mut ChaCha8Rng, index: u64) -> OrgHead {
    if let Some(entry) = g.catalog.entry(index) {
        let (kind, _) = institutions::of_provider(entry.fam, entry.info);
        let school_type =
            (kind == "schule").then(|| institutions::school_type_of(&entry.info.name)).flatten();
        return OrgHead { place: entry.place, kind, school_type, what: What::Provider(entry) };
    }
    let place = g.draw_place(rng);
    let t = pick_by(rng, INSTITUTIONS, |t| t.weight);
    OrgHead { place, kind: t.kind, school_type: t.school_type, what: What::Institution(t) }
}

/// Up to `want` organizations of the node that `fits` accepts, none of them in `taken`,
/// looking at `tries` organizations drawn at random (so that choosing costs the same however
/// many organizations the node has). Empty when the node publishes none.
pub(crate) fn choose(
    g: &Generator,
    rng: &mut impl Rng,
    want: usize,
    tries: usize,
    taken: &[u64],
    fits: impl Fn(&OrgHead) -> bool,
) -> Vec<u64> {
    let n = g.options.organizations.unwrap_or(0);
    let mut chosen: Vec<u64> = Vec::with_capacity(want);
    if n == 0 {
        return chosen;
    }
    for _ in 0..tries {
        if chosen.len() >= want {
            break;
        }
        let k = rng.random_range(0..n);
        if !chosen.contains(&k) && !taken.contains(&k) && fits(&head(g, k)) {
            chosen.push(k);
        }
    }
    chosen
}

/// Organization `index`, drawn from its stream `rng`.
pub(crate) fn build(g: &Generator, rng: &mut ChaCha8Rng, index: u64) -> Organization {
    let head = draw_head(g, rng, index);
    let place = &places()[head.place];
    // A provider named after its quarter ("Familienzentrum Kray") is described as being there.
    let named = match head.what {
        What::Provider(entry) => place.quarters.iter().copied().find(|q| entry.info.name.ends_with(q)),
        What::Institution(_) => None,
    };
    let quarter = any(rng, place.quarters);
    let quarter = named.unwrap_or(quarter);
    let who = match head.what {
        What::Provider(entry) => Who::provider(g, entry),
        What::Institution(t) => Who::institution(g, rng, t, head.place, quarter),
    };
    let profile = who.profile;
    let value = |key: &str| -> Option<&str> {
        Some(match key {
            "city" => place.name.as_str(),
            "quarter" => quarter,
            "op" => who.operator.map_or(place.name.as_str(), |o| o.short.as_str()),
            "jobcenter" => place.district.jobcenter,
            "aa" => place.district.arbeitsagentur_seat,
            _ => return None,
        })
    };

    let mut name = LangMap::new();
    name.insert("de".into(), who.name.clone());
    if let Some(en) = who.name_en.filter(|_| chance(rng, ENGLISH_NAME_PER_MILLE)) {
        let mut s = String::new();
        fill_with(&mut s, en, value);
        name.insert("en".into(), s);
    }

    // Locations with their opening hours; some organizations have a second house.
    let barrier_free = chance(rng, 350);
    let mut locations = vec![location(rng, place, None, &profile.hours, barrier_free)];
    if chance(rng, SECOND_LOCATION_PER_MILLE) {
        let q = any(rng, place.quarters);
        let label = if head.kind == "schule" { "Teilstandort" } else { "Nebenstelle" };
        let barrier_free = chance(rng, 350);
        locations.push(location(rng, place, Some(format!("{label} {q}")), &profile.hours, barrier_free));
    }
    let service_area = who.service_area(g, head.place);

    // Languages spoken besides German.
    let extra =
        if chance(rng, profile.languages) { *pick(rng, &[(1usize, 50), (2, 30), (3, 20)]) } else { 0 };
    let languages = draw::languages(rng, extra);

    // The description: what the organization is, then what it offers in other languages.
    let mut d = String::with_capacity(600);
    fill_with(&mut d, profile.about[0], value);
    for s in &profile.about[1..] {
        if chance(rng, 500) {
            d.push(' ');
            fill_with(&mut d, s, value);
        }
    }
    if head.kind == "kita" {
        let groups = rng.random_range(2..=7);
        let _ = write!(
            d,
            " In {groups} Gruppen betreuen wir rund {} Kinder.",
            groups * 20 + rng.random_range(0..=8)
        );
    }
    if languages.len() > 1 {
        let names: Vec<&str> = languages[1..].iter().map(|l| g.offers.language_name(l, false)).collect();
        let _ = write!(d, " Wir sprechen neben Deutsch auch {}.", crate::offer::join_de(&names));
    }
    if barrier_free {
        d.push_str(" Das Haus ist barrierefrei zugänglich.");
    }
    let mut description = LangMap::new();
    description.insert("de".into(), d);
    if chance(rng, ENGLISH_DESCRIPTION_PER_MILLE) {
        let mut s = String::new();
        fill_with(&mut s, profile.about_en, value);
        description.insert("en".into(), s);
    }

    // How to reach it.
    let slug = short_slug(&who.name, 60);
    let school_number = (head.kind == "schule").then(|| rng.random_range(100_000..200_000u32).to_string());
    let (domain, url) = who.web(place, &slug);
    // Institutions on the town hall's or their operator's domain share it with many others,
    // so their mailboxes name them.
    let mailbox = match (who.domain, school_number.as_deref()) {
        (_, Some(n)) => Some(n.to_owned()),
        (Domain::City(_) | Domain::Operator, None) if who.fam.is_none() => Some(short_slug(&who.name, 40)),
        _ => None,
    };
    // Every school in North Rhine-Westphalia is mailed at its number, whatever its website.
    let mail_domain = if school_number.is_some() { "schule.nrw.de" } else { domain.as_str() };
    let contact = contact(rng, profile, place, mail_domain, mailbox.as_deref());
    let links = links(rng, profile, place, &url, &slug);
    let mut identifiers = Vec::new();
    if let Some(n) = &school_number {
        identifiers.push(Identifier { scheme: "schulnummer".into(), value: n.clone() });
    }
    if let Some((scheme, value)) = who.identifier.filter(|_| chance(rng, 700)) {
        identifiers.push(Identifier { scheme: (*scheme).to_owned(), value: value.clone() });
    }

    let verified_at = draw::verified_at(rng, g.options.today);
    Organization {
        id: g.id(Kind::Organization, index),
        name,
        kind: head.kind.into(),
        school_type: head.school_type.map(String::from),
        description: Some(description),
        locations,
        service_area,
        contact: Some(contact),
        url: Some(url),
        identifiers,
        links,
        languages,
        life_phases: profile.phases.iter().map(|p| (*p).to_string()).collect(),
        part_of: who.part_of.and_then(|k| g.organization_ref(k)),
        verified_at: Some(verified_at.to_string()),
    }
}

/// Who an organization is: its name, type profile, operator and where it is at home online.
struct Who {
    name: String,
    name_en: Option<&'static str>,
    profile: &'static Profile,
    /// The provider that runs it, for `{op}`, its domain and `part_of`.
    operator: Option<&'static ProviderInfo>,
    /// The organization index of its umbrella.
    part_of: Option<u64>,
    domain: Domain,
    identifier: Option<&'static (&'static str, String)>,
    fam: Option<Fam>,
}

impl Who {
    fn provider(g: &Generator, entry: &'static Entry) -> Who {
        let (_, profile) = institutions::of_provider(entry.fam, entry.info);
        // Schools belong to their school authority.
        let part_of = matches!(entry.fam, Fam::Schule | Fam::Berufskolleg)
            .then(|| g.catalog.first_of(entry.place, Fam::KommuneSchule))
            .flatten();
        Who {
            name: entry.info.name.clone(),
            name_en: institutions::provider_name_en(entry.fam),
            profile,
            operator: Some(entry.info),
            part_of,
            domain: Domain::Operator,
            identifier: entry.info.identifier.as_ref(),
            fam: Some(entry.fam),
        }
    }

    fn institution(
        g: &Generator,
        rng: &mut ChaCha8Rng,
        t: &'static Institution,
        place_index: usize,
        quarter: &str,
    ) -> Who {
        let place = &places()[place_index];
        let fams = providers_at(place_index);
        let running: Vec<Fam> =
            t.operators.iter().copied().filter(|f| !fams[*f as usize].is_empty()).collect();
        let operator_fam = (!running.is_empty()).then(|| any(rng, &running));
        let operator = operator_fam.map(|f| &fams[f as usize][0]);
        let tpl = any(rng, t.names);
        let (kita, church, saint, at) =
            (any(rng, KITA_NAMES), any(rng, CHURCHES), any(rng, SAINTS), any(rng, LOCALITIES));
        let (patron, vpatron) = (any(rng, SCHOOL_PATRONS), any(rng, VOCATIONAL_PATRONS));
        let mut name = String::with_capacity(64);
        fill_with(&mut name, tpl, |key| {
            Some(match key {
                "city" => place.name.as_str(),
                "quarter" => quarter,
                "op" => operator.map_or(place.name.as_str(), |o| o.short.as_str()),
                "kita" => kita,
                "church" => church,
                "saint" => saint,
                "at" => at,
                "patron" => patron,
                "vpatron" => vpatron,
                "jobcenter" => place.district.jobcenter,
                "aa" => place.district.arbeitsagentur_seat,
                _ => return None,
            })
        });
        Who {
            name,
            name_en: t.name_en,
            profile: t.profile,
            operator,
            part_of: operator_fam.and_then(|f| g.catalog.first_of(place_index, f)),
            domain: t.domain,
            identifier: None,
            fam: None,
        }
    }

    /// The municipalities an office serves beyond its own house: offices of a Kreis or a
    /// chamber's district serve every chosen town of it (only chosen ones, so that the record
    /// stays within the node's jurisdiction).
    fn service_area(&self, g: &Generator, place_index: usize) -> Vec<String> {
        let wide = matches!(
            self.fam,
            Some(
                Fam::Jobcenter
                    | Fam::Arbeitsagentur
                    | Fam::Ihk
                    | Fam::Hwk
                    | Fam::IqNetzwerk
                    | Fam::Psz
                    | Fam::KommuneSchule
                    | Fam::KommuneKi
            )
        );
        let district = &places()[place_index].ags[..5];
        let area: Vec<String> = g
            .places
            .iter()
            .map(|&i| &places()[i].ags)
            .filter(|ags| wide && &ags[..5] == district)
            .cloned()
            .collect();
        if area.len() > 1 { area } else { Vec::new() }
    }

    /// The domain of its e-mail addresses and its website.
    fn web(&self, place: &Place, slug: &str) -> (String, String) {
        match (self.domain, self.operator) {
            (Domain::City(section), _) => {
                let domain = place.city_domain();
                let url = format!("{}/{section}/{slug}", base_url(&domain));
                (domain, url)
            }
            (Domain::Operator, Some(op)) if self.fam.is_some() => {
                (op.domain.clone(), format!("{}/", base_url(&op.domain)))
            }
            (Domain::Operator, Some(op)) => {
                (op.domain.clone(), format!("{}/einrichtungen/{slug}", base_url(&op.domain)))
            }
            (Domain::Operator | Domain::Own, _) => {
                let domain = own_domain(slug, place);
                let url = format!("{}/", base_url(&domain));
                (domain, url)
            }
        }
    }
}

/// A domain of an organization's own: its name and its town, short enough for one label.
fn own_domain(slug: &str, place: &Place) -> String {
    // A label holds 63 characters; the longest town slug has 20.
    format!("{}-{}.de", short_slug(slug, 40), place.slug)
}

fn location(
    rng: &mut ChaCha8Rng,
    place: &Place,
    name: Option<String>,
    hours: &Hours,
    barrier_free: bool,
) -> OrganizationLocation {
    let address = Address::draw(rng, place);
    let accessibility = draw::accessibility(rng, barrier_free, 400);
    OrganizationLocation {
        location: Location {
            name,
            street: address.street,
            postcode: address.postcode,
            city: place.name.clone(),
            ags: place.ags.clone(),
            lat: Some(address.point.lat),
            lon: Some(address.point.lon),
            accessibility,
        },
        opening_hours: opening_hours(rng, *hours),
    }
}

/// Weekly opening hours of a type, as (days, opens, closes) in minutes after midnight.
fn opening_hours(rng: &mut impl Rng, hours: Hours) -> Vec<OpeningHours> {
    const WEEK: &[usize] = &[0, 1, 2, 3, 4];
    let slots: Vec<(&[usize], u32, u32)> = match hours {
        Hours::Kita => {
            let (o, c) = any(rng, &[(420, 990), (435, 975), (450, 960), (420, 1020)]);
            vec![(WEEK, o, c)]
        }
        Hours::School => {
            let (o, c) = any(rng, &[(450, 960), (465, 780), (450, 930), (480, 960)]);
            vec![(WEEK, o, c)]
        }
        Hours::Office => {
            let days = any(rng, &[&[0, 1, 3, 4][..], &[0, 2, 4], &[0, 1, 2, 3, 4], &[1, 3]]);
            let (o, c) = any(rng, &[(510, 720), (540, 750), (480, 720)]);
            let mut v = vec![(days, o, c)];
            if chance(rng, 600) {
                v.push((&[3][..], 840, any(rng, &[1020, 1080])));
            }
            v
        }
        Hours::Library => {
            let (o, c) = any(rng, &[(600, 1080), (660, 1140), (600, 1110)]);
            vec![(&[1, 2, 3, 4][..], o, c), (&[5][..], 600, any(rng, &[780, 840]))]
        }
        Hours::Youth => {
            let (days, o, c) =
                any(rng, &[(&[0, 1, 2, 3, 4][..], 840, 1200), (&[1, 2, 3, 4, 5][..], 900, 1260)]);
            vec![(days, o, c)]
        }
        Hours::Vhs => vec![(&[0, 1, 2, 3][..], 480, 1080), (&[4][..], 480, 780)],
        Hours::Jobcenter => vec![(&[0, 1, 2, 4][..], 480, 750), (&[3][..], 480, 1080)],
        Hours::Chamber => vec![(&[0, 1, 2, 3][..], 480, 990), (&[4][..], 480, 840)],
        Hours::University => vec![(WEEK, any(rng, &[540, 570]), any(rng, &[900, 960]))],
        Hours::Club => {
            let days = any(rng, &[&[1, 3][..], &[0, 2], &[2]]);
            vec![(days, 1020, any(rng, &[1140, 1200]))]
        }
    };
    slots
        .into_iter()
        .map(|(days, o, c)| OpeningHours {
            days: days.iter().map(|d| WEEKDAYS[*d].to_string()).collect(),
            opens: hhmm(o),
            closes: hhmm(c),
        })
        .collect()
}

/// The contact: a person or a team, with an e-mail address (at `mailbox` when the
/// organization has its own there) and a phone number of the place.
fn contact(
    rng: &mut ChaCha8Rng,
    profile: &Profile,
    place: &Place,
    domain: &str,
    mailbox: Option<&str>,
) -> Contact {
    let who = Person::draw(rng);
    let name = match rng.random_range(0..10) {
        0..=4 => Some(who.formal()),
        5..=7 => Some(one(rng, profile.teams).to_string()),
        _ => None,
    };
    let email = chance(rng, 900).then(|| match mailbox {
        Some(m) => format!("{m}@{domain}"),
        None => format!("{}@{domain}", one(rng, profile.mail)),
    });
    let phone = (chance(rng, 900) || email.is_none()).then(|| draw::phone(rng, place.area_code));
    Contact { name, email, phone, url: None }
}

/// The links a steward gives: the registration portal, the municipality's Integreat page, the
/// website, a social media account, each with a chance.
fn links(rng: &mut ChaCha8Rng, profile: &Profile, place: &Place, url: &str, slug: &str) -> Vec<Link> {
    let city = base_url(&place.city_domain());
    let title = |de: String, en: &str| {
        let mut t = LangMap::new();
        t.insert("de".into(), de);
        t.insert("en".into(), en.to_owned());
        Some(t)
    };
    let mut links = Vec::new();
    for kind in profile.links {
        let (per_mille, link) = match kind {
            LinkKind::KitaPortal => (
                800,
                Link {
                    purpose: "registration".into(),
                    url: format!("{city}/kita-navigator"),
                    title: title(format!("Kita-Navigator {}", place.name), "Day-care registration"),
                },
            ),
            LinkKind::SchoolRegistration => (
                500,
                Link {
                    purpose: "registration".into(),
                    url: format!("{city}/schulanmeldung"),
                    title: title("Schulanmeldung".into(), "School registration"),
                },
            ),
            LinkKind::CourseRegistration => (
                700,
                Link {
                    purpose: "registration".into(),
                    url: format!("{}kurse/anmeldung", with_slash(url)),
                    title: title("Kursanmeldung".into(), "Course registration"),
                },
            ),
            LinkKind::Appointment => (
                400,
                Link {
                    purpose: "registration".into(),
                    url: format!("{}termin", with_slash(url)),
                    title: title("Termin vereinbaren".into(), "Book an appointment"),
                },
            ),
            LinkKind::Integreat => (
                400,
                Link {
                    purpose: "integreat".into(),
                    url: format!("https://integreat.app/{}/de/", place.slug),
                    title: title(format!("Integreat {}", place.name), "Integreat app"),
                },
            ),
            LinkKind::SocialMedia => (
                150,
                Link {
                    purpose: "social_media".into(),
                    url: format!("https://www.instagram.com/{}/", slug.replace('-', "_")),
                    title: None,
                },
            ),
        };
        if chance(rng, per_mille) {
            links.push(link);
        }
    }
    if chance(rng, 250) {
        links.push(Link { purpose: "website".into(), url: url.to_owned(), title: None });
    }
    links
}

fn with_slash(url: &str) -> String {
    if url.ends_with('/') { url.to_owned() } else { format!("{url}/") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::places::slugify;

    /// Every text an organization can contain: plain text, and only placeholders that `build`
    /// knows.
    #[test]
    fn pools_are_plain_text_with_known_placeholders() {
        let known = [
            "city",
            "quarter",
            "op",
            "kita",
            "church",
            "saint",
            "at",
            "patron",
            "vpatron",
            "jobcenter",
            "aa",
        ];
        let mut texts: Vec<&str> = Vec::new();
        for p in institutions::all_profiles() {
            texts.extend(p.about.iter().chain(p.mail).chain(p.teams));
            texts.push(p.about_en);
        }
        for t in INSTITUTIONS {
            texts.extend(t.names);
            texts.extend(t.name_en);
        }
        texts.extend(KITA_NAMES.iter().chain(CHURCHES).chain(SAINTS).chain(LOCALITIES));
        crate::texts::assert_plain(&texts, &known);
    }

    #[test]
    fn slugs_fit_in_a_domain_label() {
        let s = short_slug("Förderschule Rüttenscheid, Förderschwerpunkt Sprache und noch mehr Worte", 40);
        assert!(s.len() <= 40 && !s.ends_with('-'), "{s}");
        assert_eq!(slugify("Kath. Kita St. Marien"), "kath-kita-st-marien");
    }
}
