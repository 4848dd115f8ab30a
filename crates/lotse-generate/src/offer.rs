//! Turning an index into an offer.
//!
//! `build` draws every decision of offer `k` from the offer's own random stream (see
//! `generator.rs`), in a fixed order: the output of generated offers is pinned, so new
//! decisions are drawn after the old ones (the references of standard 1.1 come last).

use std::fmt::Write as _;

use lotse_standard::date::Date;
use lotse_standard::model::{
    Contact, Cost, Eligibility, Identifier, LangMap, LanguageLevel, Location, Offer, OpeningHours, Provider,
    Reference, Schedule,
};
use lotse_standard::rpde::Kind;
use lotse_standard::vocab::vocabularies;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::draw::{
    self, Address, COUNSELLING_LANGUAGES, Person, WEEKDAYS, any, base_url, chance, german_date, hhmm, one,
    pick, push_hhmm, weekday,
};
use crate::generator::Generator;
use crate::places::{Place, places};
use crate::providers::{Fam, ProviderInfo, providers_at};
use crate::scripts::SCRIPTS;
use crate::texts::{self, CATS, Cat, Langs, OFFER_TYPES, Sched};

/// Share of offers (per mille) that look for a network to belong to, when the node publishes
/// networks, and for a project.
const NETWORK_PER_MILLE: u32 = 200;
const PROJECT_PER_MILLE: u32 = 120;
/// How many networks or projects an offer looks at for one that fits.
const LOOK_AT: usize = 12;
/// Share of offers delivered online or by outreach, with a service area instead of a location.
const REMOTE_PER_MILLE: u32 = 50;
/// Share of located offers with two or three locations.
const MULTI_LOCATION_PER_MILLE: u32 = 20;
/// Share of offers with texts in English and another language or script.
const MULTILINGUAL_PER_MILLE: u32 = 125;
/// Share of the other offers with an English title.
const ENGLISH_TITLE_PER_MILLE: u32 = 775;
/// Share of offers with a long, detailed description (the long tail of record sizes).
const LONG_PER_MILLE: u32 = 30;
/// Share of offers with a somewhat extended description.
const EXTENDED_PER_MILLE: u32 = 90;
/// The standard's limit on descriptions, in characters.
const MAX_DESCRIPTION: usize = 5_000;

const WEEKDAYS_DE: [&str; 7] =
    ["montags", "dienstags", "mittwochs", "donnerstags", "freitags", "samstags", "sonntags"];
const WEEKDAYS_EN: [&str; 7] =
    ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"];

const SECOND_LANGUAGES: &[(&str, u32)] =
    &[("en", 40), ("ar", 15), ("uk", 15), ("tr", 15), ("ru", 10), ("fa", 5)];

const TEAMS: &[&str] =
    &["Servicebüro", "Team Beratung", "Anmeldung", "Sekretariat", "Koordination Integration"];

const RESIDENCE_SOME: &[&str] = &[
    "aufenthaltserlaubnis_25_2",
    "aufenthaltserlaubnis_24",
    "aufenthaltsgestattung_55",
    "duldung_60a",
    "familiennachzug_27_36",
    "eu_freizuegigkeit",
    "chancen_aufenthalt_104c",
];

/// Placeholder values for the templates.
struct Ctx<'a> {
    city: &'a str,
    quarter: &'a str,
    provider: &'a str,
    level: &'a str,
    subject: &'a str,
    profession: &'a str,
    sport: &'a str,
    art: &'a str,
    module: &'a str,
}

fn fill(out: &mut String, tpl: &str, ctx: &Ctx<'_>) {
    texts::fill_with(out, tpl, |key| {
        Some(match key {
            "city" => ctx.city,
            "quarter" => ctx.quarter,
            "provider" => ctx.provider,
            "level" => ctx.level,
            "subject" => ctx.subject,
            "profession" => ctx.profession,
            "sport" => ctx.sport,
            "art" => ctx.art,
            "module" => ctx.module,
            _ => return None,
        })
    });
}

/// A weekly time slot: weekday indices (0 = Monday) and minutes after midnight.
struct Slot {
    days: Vec<usize>,
    opens: u32,
    closes: u32,
}

/// The weekly slots and dates of a schedule, for the sentence that describes them.
struct Times {
    slots: Vec<Slot>,
    start: Date,
    end: Date,
}

impl Times {
    fn sentence(&self, sched: Sched, english: bool) -> String {
        let (names, and, to, from_w, suffix, joiner) = if english {
            (&WEEKDAYS_EN, " and ", "to", "from", "", " and ")
        } else {
            (&WEEKDAYS_DE, " und ", "bis", "von", " Uhr", " sowie ")
        };
        let mut s = String::with_capacity(160);
        s.push_str(match (sched, english) {
            (Sched::Office, false) => "Sprechzeiten: ",
            (Sched::Office, true) => "Opening hours: ",
            (Sched::Weekly, false) => "Wir treffen uns ",
            (Sched::Weekly, true) => "We meet ",
            (Sched::Holiday, false) => "Das Ferienprogramm beginnt am ",
            (Sched::Holiday, true) => "The holiday programme runs from ",
            (_, false) => "Der Kurs beginnt am ",
            (_, true) => "The course runs from ",
        });
        if matches!(sched, Sched::Course(..) | Sched::Holiday) {
            if english {
                let _ = write!(s, "{} to {}, ", self.start, self.end);
            } else {
                let _ = write!(
                    s,
                    "{} und endet am {}. Termine: ",
                    german_date(self.start),
                    german_date(self.end)
                );
            }
        }
        for (i, slot) in self.slots.iter().enumerate() {
            if i > 0 {
                s.push_str(joiner);
            }
            s.push_str(&days_text(&slot.days, names, and, to));
            s.push(' ');
            s.push_str(from_w);
            s.push(' ');
            push_hhmm(&mut s, slot.opens);
            s.push(' ');
            s.push_str(to);
            s.push(' ');
            push_hhmm(&mut s, slot.closes);
            s.push_str(suffix);
        }
        s.push('.');
        s
    }
}

fn days_text(days: &[usize], names: &[&str; 7], and: &str, to: &str) -> String {
    let consecutive = days.windows(2).all(|w| w[1] == w[0] + 1);
    if days.len() >= 3 && consecutive {
        return format!("{} {to} {}", names[days[0]], names[days[days.len() - 1]]);
    }
    let mut s = String::new();
    for (i, d) in days.iter().enumerate() {
        if i > 0 {
            s.push_str(if i + 1 == days.len() { and } else { ", " });
        }
        s.push_str(names[*d]);
    }
    s
}

/// Time-of-day wishes that a title implies ("am Abend", "am Samstag", "am Vormittag").
#[derive(Clone, Copy, PartialEq, Eq)]
enum Daytime {
    Any,
    Morning,
    Evening,
    Saturday,
    PartTime,
}

/// What offers need that does not depend on the index, prepared once per generator.
#[derive(Debug, Clone)]
pub(crate) struct OfferTables {
    /// Offer types as indices into `OFFER_TYPES` with their weights.
    type_weights: Vec<(usize, u32)>,
    /// Categories per offer type (same order as `OFFER_TYPES`), as indices into `CATS`.
    cats_by_type: Vec<Vec<(usize, u32)>>,
    /// German and English names of the languages offers may be given in.
    language_names: Vec<(&'static str, String, String)>,
}

impl OfferTables {
    pub(crate) fn new() -> OfferTables {
        // Only categories that the embedded vocabulary knows under the same offer type are
        // used, so generated data stays valid even if the code lists and these texts drift.
        let vocab = vocabularies();
        let cats_by_type = OFFER_TYPES
            .iter()
            .map(|(ot, _)| {
                CATS.iter()
                    .enumerate()
                    .filter(|(_, c)| {
                        c.offer_type == *ot
                            && vocab.categories.get(c.code).and_then(|v| v.offer_type.as_deref()) == Some(*ot)
                    })
                    .map(|(i, c)| (i, c.weight))
                    .collect()
            })
            .collect();
        let mut language_names = Vec::new();
        for code in COUNSELLING_LANGUAGES.iter().map(|(c, _)| *c).chain(["de"]) {
            if let Some(c) = vocab.languages.get(code) {
                language_names.push((code, c.label.de.clone(), c.label.en.clone()));
            }
        }
        let type_weights = OFFER_TYPES.iter().enumerate().map(|(i, (_, w))| (i, *w)).collect();
        OfferTables { type_weights, cats_by_type, language_names }
    }

    pub(crate) fn language_name<'a>(&'a self, code: &'a str, english: bool) -> &'a str {
        self.language_names
            .iter()
            .find(|(c, _, _)| *c == code)
            .map_or(code, |(_, de, en)| if english { en.as_str() } else { de.as_str() })
    }
}

/// Offer `index`, drawn from its stream `rng`.
pub(crate) fn build(g: &Generator, rng: &mut ChaCha8Rng, index: u64) -> Offer {
    Build::new(g, rng, index).run()
}

struct Build<'g, 'r> {
    g: &'g Generator,
    rng: &'r mut ChaCha8Rng,
    index: u64,
    place: &'static Place,
    place_index: usize,
    ot_index: usize,
    cat: &'static Cat,
    /// Index into `texts::REGISTRATION`, so that all languages say the same about it.
    registration: usize,
}

impl<'g, 'r> Build<'g, 'r> {
    fn new(g: &'g Generator, rng: &'r mut ChaCha8Rng, index: u64) -> Self {
        let place_index = g.draw_place(rng);
        let place = &places()[place_index];
        let ot_index = *pick(rng, &g.offers.type_weights);
        let cat = &CATS[*pick(rng, &g.offers.cats_by_type[ot_index])];
        Build { g, rng, index, place, place_index, ot_index, cat, registration: 0 }
    }

    fn run(mut self) -> Offer {
        let today = self.g.options.today;
        let cat = self.cat;
        let place = self.place;
        let offer_type = OFFER_TYPES[self.ot_index].0;

        // Provider: a family the category is run by and that exists in this municipality.
        let fams = providers_at(self.place_index);
        let available: Vec<(Fam, u32)> =
            cat.providers.iter().copied().filter(|(f, _)| !fams[*f as usize].is_empty()).collect();
        let fam = if available.is_empty() { Fam::KommuneKi } else { *pick(self.rng, &available) };
        let info: &ProviderInfo = one(self.rng, &fams[fam as usize]);
        let provider_name = if info.kind == "hochschule" && !cat.unit.is_empty() && fam == Fam::Hochschule {
            format!("{} – {}", info.name, one(self.rng, cat.unit))
        } else {
            info.name.clone()
        };
        let base_url = base_url(&info.domain);

        let quarter = any(self.rng, place.quarters);
        let level = if cat.levels.is_empty() { None } else { Some(*pick(self.rng, cat.levels)) };
        let level_text = match level {
            Some((from, to)) if from == to => from.to_string(),
            Some(("alpha", to)) => format!("Alpha bis {to}"),
            Some((from, to)) => format!("{from}–{to}"),
            None => String::new(),
        };
        let module = match level {
            Some((from, _)) if from != "alpha" => format!("{from}.{}", self.rng.random_range(1..=2)),
            _ => "A1.1".to_string(),
        };
        let ctx = Ctx {
            city: &place.name,
            quarter,
            provider: &info.short,
            level: &level_text,
            subject: any(self.rng, texts::SUBJECTS),
            profession: any(self.rng, texts::PROFESSIONS),
            sport: any(self.rng, texts::SPORTS),
            art: any(self.rng, texts::ARTS),
            module: &module,
        };

        let title_index = self.rng.random_range(0..cat.titles.len());
        let mut title_de = String::with_capacity(96);
        fill(&mut title_de, cat.titles[title_index], &ctx);

        // What the title promises, the data must say too.
        let lower = title_de.to_lowercase();
        let women =
            lower.contains("für frauen") || lower.contains("frauenkurs") || lower.contains("frauenintegr");
        let daytime = if lower.contains("am abend") || lower.contains("abendkurs") {
            Daytime::Evening
        } else if lower.contains("samstag") {
            Daytime::Saturday
        } else if lower.contains("vormittag") {
            Daytime::Morning
        } else if lower.contains("teilzeit") {
            Daytime::PartTime
        } else {
            Daytime::Any
        };

        // Status: most offers run; some pause or ended.
        let status = *pick(
            self.rng,
            &[("active", 860), ("temporarily_closed", 70), ("inactive", 60), ("defunct", 10)],
        );

        // Target groups and life phases.
        let mut targets: Vec<String> = Vec::with_capacity(3);
        targets.push(pick(self.rng, cat.targets).to_string());
        for extra_chance in [450, 150] {
            if chance(self.rng, extra_chance) {
                let t = pick(self.rng, cat.targets);
                if !targets.iter().any(|x| x == t) {
                    targets.push(t.to_string());
                }
            }
        }
        if women && !targets.iter().any(|t| t == "frauen") {
            targets.insert(0, "frauen".into());
        }
        let mut phases = Vec::new();
        if !chance(self.rng, 100) {
            for p in cat.phases {
                if phases.is_empty() || chance(self.rng, 550) {
                    phases.push(p.to_string());
                }
            }
        }

        // Languages of delivery.
        let mut languages = vec!["de".to_string()];
        let extra_languages = match cat.langs {
            Langs::German => usize::from(chance(self.rng, 80)),
            Langs::Mixed => usize::from(chance(self.rng, 300)),
            Langs::Counselling => *pick(self.rng, &[(0usize, 25), (1, 25), (2, 25), (3, 13), (4, 8), (5, 4)]),
        };
        for _ in 0..extra_languages {
            let pool = if cat.langs == Langs::Counselling { COUNSELLING_LANGUAGES } else { SECOND_LANGUAGES };
            let l = if cat.langs == Langs::German { "en" } else { pick(self.rng, pool) };
            if !languages.iter().any(|x| x == l) {
                languages.push(l.to_string());
            }
        }

        // Delivery, locations, service area.
        let remote = chance(self.rng, REMOTE_PER_MILLE);
        let outreach_fits = matches!(offer_type, "beratung" | "familie_kinder" | "freizeit_kultur_sport");
        let delivery = if remote {
            if outreach_fits && chance(self.rng, 450) { "outreach" } else { "online" }
        } else if chance(self.rng, 70) {
            "blended"
        } else {
            "presential"
        };
        let mut features: Vec<&'static str> = Vec::new();
        for (f, p) in cat.features {
            if chance(self.rng, *p) {
                features.push(f);
            }
        }
        if title_de.contains("Kinderbetreuung") {
            features.push("kinderbetreuung");
        }
        if women {
            features.push("frauen_only");
        }
        if daytime == Daytime::PartTime {
            features.push("teilzeit");
        }
        let mut locations = Vec::new();
        let mut service_area = Vec::new();
        if remote {
            service_area.push(place.ags.clone());
            if chance(self.rng, 350) {
                self.extend_service_area(&mut service_area);
            }
        } else {
            let n = if chance(self.rng, MULTI_LOCATION_PER_MILLE) { self.rng.random_range(2..=3) } else { 1 };
            let barrier_free = features.contains(&"barrierefrei");
            for i in 0..n {
                locations.push(self.location(fam, info, quarter, i, barrier_free));
            }
        }

        // Schedule.
        let (schedule, times, evening, weekend) = self.schedule(today, daytime);
        if evening && matches!(cat.sched, Sched::Course(..)) {
            features.push("abendkurs");
        }
        if weekend {
            features.push("wochenende");
        }
        let feature_order = &vocabularies().features;
        features.sort_by_key(|f| feature_order.position(f).unwrap_or(usize::MAX));
        features.dedup();

        // Cost.
        let cost = self.cost();

        // Eligibility.
        let eligibility = self.eligibility();

        // Contact.
        let contact = self.contact(info, &base_url);

        // Texts.
        self.registration = if cat.sched == Sched::Weekly && chance(self.rng, 500) {
            texts::WALK_IN
        } else {
            self.rng.random_range(0..texts::REGISTRATION.len())
        };
        let multilingual = chance(self.rng, MULTILINGUAL_PER_MILLE);
        let english_title = multilingual || chance(self.rng, ENGLISH_TITLE_PER_MILLE);
        let size_class = if chance(self.rng, LONG_PER_MILLE) {
            2
        } else if chance(self.rng, EXTENDED_PER_MILLE) {
            1
        } else {
            0
        };
        let mut title = LangMap::new();
        let mut description = LangMap::new();
        let place_de = self.place_sentence(&locations, delivery);
        let sched_de = times.sentence(cat.sched, false);
        let desc_de = self.description_de(
            &ctx, &targets, &languages, level, &sched_de, &place_de, &cost, &contact, &features, size_class,
        );
        description.insert("de".into(), desc_de);
        if english_title {
            let mut t = String::with_capacity(80);
            // The English lists start with the same titles as the German ones, in the same order.
            let en = cat.titles_en.get(title_index).unwrap_or(&cat.titles_en[0]);
            fill(&mut t, en, &ctx);
            title.insert("en".into(), t);
        }
        if multilingual {
            let en = self.description_en(&ctx, &times.sentence(cat.sched, true), &cost, size_class);
            description.insert("en".into(), en);
            let n_scripts = if size_class == 2 {
                self.rng.random_range(2..=3)
            } else if chance(self.rng, 300) {
                2
            } else {
                1
            };
            let first = *pick(self.rng, &[(0usize, 30), (1, 30), (2, 20), (3, 20)]);
            for k in 0..n_scripts {
                let script = &SCRIPTS[(first + k) % SCRIPTS.len()];
                let (t, d) = self.script_texts(script, &title_de, &cost, size_class);
                title.insert(script.code.into(), t);
                description.insert(script.code.into(), d);
                if cat.langs != Langs::German && !languages.iter().any(|l| l == script.code) {
                    languages.push(script.code.into());
                }
            }
        }
        let slug = url_slug(&title_de);
        title.insert("de".into(), title_de);

        // Dates: most records were checked within the year; a few are stale (a warning).
        let verified_at = draw::verified_at(self.rng, today);
        let valid_until = if chance(self.rng, 350) {
            let after = schedule
                .as_ref()
                .and_then(|s| s.end_date.as_deref())
                .and_then(Date::parse_iso)
                .map_or(today, |d| d.max(today));
            Some(after.add_days(self.rng.random_range(30..=540)).to_string())
        } else {
            None
        };
        let url = chance(self.rng, 600).then(|| format!("{base_url}/angebote/{slug}"));

        let identifiers = match &info.identifier {
            Some((scheme, value)) if chance(self.rng, 300) => {
                vec![Identifier { scheme: (*scheme).into(), value: value.clone() }]
            }
            _ => Vec::new(),
        };
        let provider = Provider {
            name: provider_name,
            kind: info.kind.into(),
            url: chance(self.rng, 850).then(|| format!("{base_url}/")),
            identifiers,
            reference: self.provider_ref(info),
        };
        let id = match &self.g.options.node_id {
            Some(_) => self.g.id(Kind::Offer, self.index),
            None => format!("{}-{:07}", place.district.plate, self.index),
        };
        let networks = self.network_refs(offer_type).into_iter().collect();
        let projects = self.project_refs(offer_type).into_iter().collect();

        Offer {
            id,
            offer_type: offer_type.into(),
            categories: vec![cat.code.into()],
            title,
            description,
            provider,
            status: status.into(),
            target_groups: targets,
            life_phases: phases,
            languages,
            language_level: level.map(|(from, to)| LanguageLevel { from: from.into(), to: to.into() }),
            cost,
            eligibility,
            delivery: delivery.into(),
            locations,
            service_area,
            schedule,
            contact,
            features: features.into_iter().map(String::from).collect(),
            url,
            valid_until,
            verified_at: Some(verified_at.to_string()),
            networks,
            projects,
        }
    }

    /// The organization of the offer's provider, when the node publishes it.
    fn provider_ref(&self, info: &ProviderInfo) -> Option<Reference> {
        self.g.organization_ref(self.g.catalog.organization_of(&info.name)?)
    }

    /// For a share of the offers, a network of the offer's municipality whose theme fits the
    /// offer's type, when the node publishes networks: a few networks are looked at, so an
    /// offer with none that fits belongs to none.
    fn network_refs(&mut self, offer_type: &str) -> Option<Reference> {
        let n = self.g.options.networks.filter(|&n| n > 0)?;
        if !chance(self.rng, NETWORK_PER_MILLE) {
            return None;
        }
        (0..LOOK_AT).find_map(|_| {
            let k = self.rng.random_range(0..n);
            let head = crate::network::head(self.g, k);
            (head.place == self.place_index && head.theme.offer_types.contains(&offer_type))
                .then(|| Reference { node: None, id: self.g.id(Kind::Network, k) })
        })
    }

    /// For a share of the offers, a running project of the offer's municipality whose theme
    /// fits the offer's type, as for networks.
    fn project_refs(&mut self, offer_type: &str) -> Option<Reference> {
        let n = self.g.options.projects.filter(|&n| n > 0)?;
        if !chance(self.rng, PROJECT_PER_MILLE) {
            return None;
        }
        (0..LOOK_AT).find_map(|_| {
            let k = self.rng.random_range(0..n);
            let head = crate::project::head(self.g, k);
            (head.place == self.place_index
                && head.status == "running"
                && head.theme.offer_types.contains(&offer_type))
            .then(|| Reference { node: None, id: self.g.id(Kind::Project, k) })
        })
    }

    /// Adds neighbouring municipalities (same Kreis first) that the generator may place offers in.
    fn extend_service_area(&mut self, area: &mut Vec<String>) {
        let all = places();
        let district = &self.place.ags[..5];
        let same: Vec<usize> = self
            .g
            .places
            .iter()
            .copied()
            .filter(|&i| &all[i].ags[..5] == district && all[i].ags != self.place.ags)
            .collect();
        let pool: Vec<usize> = if same.is_empty() {
            self.g.places.iter().copied().filter(|&i| all[i].ags != self.place.ags).collect()
        } else {
            same
        };
        if pool.is_empty() {
            return;
        }
        for _ in 0..self.rng.random_range(1..=3) {
            let ags = &all[any(self.rng, &pool)].ags;
            if !area.contains(ags) {
                area.push(ags.clone());
            }
        }
    }

    fn location(
        &mut self,
        fam: Fam,
        info: &ProviderInfo,
        quarter: &str,
        i: usize,
        barrier_free: bool,
    ) -> Location {
        let place = self.place;
        let address = Address::draw(self.rng, place);
        // Providers named after their house are found there, not in some other building.
        let own_house =
            matches!(fam, Fam::Familienzentrum | Fam::Stadtteilzentrum | Fam::Kultur | Fam::Bibliothek);
        let name = if own_house && i == 0 {
            Some(info.short.clone())
        } else if chance(self.rng, 700) {
            let q = if i == 0 { quarter } else { any(self.rng, place.quarters) };
            let tpl = match info.kind {
                "volkshochschule" => {
                    any(self.rng, &["VHS-Haus", "VHS-Zweigstelle {q}", "Bildungszentrum {c}"])
                }
                "hochschule" => any(
                    self.rng,
                    &[
                        "Hauptgebäude",
                        "Studierendenservice-Center",
                        "Internationales Begegnungszentrum",
                        "Campus {c}",
                    ],
                ),
                "kommune" => any(
                    self.rng,
                    &["Rathaus {c}", "Bürgerbüro {q}", "Dienstgebäude {q}", "Haus der Integration"],
                ),
                "kammer" => any(self.rng, &["Bildungszentrum", "Beratungszentrum {c}"]),
                "jobcenter_arbeitsagentur" => any(self.rng, &["Standort {q}", "Dienststelle {c}"]),
                "schule" => any(self.rng, &["Hauptgebäude", "Nebenstelle {q}", "Schulgebäude"]),
                "sonstige" => any(
                    self.rng,
                    &["Vereinsheim", "Sporthalle {q}", "Stadtteilzentrum {q}", "Bürgerhaus {q}"],
                ),
                _ => any(
                    self.rng,
                    &[
                        "Beratungsstelle {q}",
                        "Begegnungszentrum {q}",
                        "Haus der Vielfalt",
                        "Geschäftsstelle",
                        "Stadtteilbüro {q}",
                    ],
                ),
            };
            Some(tpl.replace("{q}", q).replace("{c}", &place.name))
        } else {
            None
        };
        let accessibility = draw::accessibility(self.rng, barrier_free, 250);
        Location {
            name,
            street: address.street,
            postcode: address.postcode,
            city: place.name.clone(),
            ags: place.ags.clone(),
            lat: Some(address.point.lat),
            lon: Some(address.point.lon),
            accessibility,
        }
    }

    /// The schedule, what its sentences are made from, and whether it is in the evening or at
    /// the weekend.
    fn schedule(&mut self, today: Date, daytime: Daytime) -> (Option<Schedule>, Times, bool, bool) {
        let cat = self.cat;
        let ot = OFFER_TYPES[self.ot_index].0;
        let mut slots: Vec<Slot> = Vec::new();
        let mut start = None;
        let mut end = None;
        let mut note = None;
        match cat.sched {
            Sched::Office => {
                let days: &[usize] = any(
                    self.rng,
                    &[&[0, 2][..], &[1, 3], &[0, 1, 3], &[2], &[0, 1, 2, 3, 4], &[3], &[0, 3], &[1, 2, 3]],
                );
                let (o, c) = any(self.rng, &[(540, 720), (510, 750), (570, 720), (540, 780), (480, 720)]);
                slots.push(Slot { days: days.to_vec(), opens: o, closes: c });
                if chance(self.rng, 550) {
                    let (o, c) = any(self.rng, &[(810, 960), (840, 1020), (900, 1080), (780, 930)]);
                    slots.push(Slot { days: vec![self.rng.random_range(0..=3)], opens: o, closes: c });
                }
                if chance(self.rng, 400) {
                    note = Some(any(
                        self.rng,
                        &[
                            "Termine nach Vereinbarung",
                            "Offene Sprechstunde ohne Termin, darüber hinaus Termine nach Vereinbarung",
                            "In den Schulferien eingeschränkte Sprechzeiten",
                            "Beratung auch per Telefon oder Video möglich",
                        ],
                    ));
                }
            }
            Sched::Course(min_w, max_w) => {
                let kind = match daytime {
                    Daytime::Any => *pick(
                        self.rng,
                        &[
                            (Daytime::Morning, 50),
                            (Daytime::PartTime, 25),
                            (Daytime::Evening, 15),
                            (Daytime::Saturday, 10),
                        ],
                    ),
                    d => d,
                };
                match kind {
                    Daytime::Evening => {
                        let days: &[usize] = any(self.rng, &[&[0, 2][..], &[1, 3], &[0, 3]]);
                        let (o, c) = any(self.rng, &[(1080, 1215), (1065, 1260), (1110, 1290)]);
                        slots.push(Slot { days: days.to_vec(), opens: o, closes: c });
                    }
                    Daytime::Saturday => {
                        let (o, c) = any(self.rng, &[(540, 840), (600, 900)]);
                        slots.push(Slot { days: vec![5], opens: o, closes: c });
                    }
                    Daytime::PartTime => {
                        let days: &[usize] = any(self.rng, &[&[0, 2][..], &[1, 3], &[0, 2, 4]]);
                        let (o, c) = any(self.rng, &[(540, 735), (780, 975), (840, 1035)]);
                        slots.push(Slot { days: days.to_vec(), opens: o, closes: c });
                    }
                    _ => {
                        let (o, c) = any(self.rng, &[(510, 705), (540, 735), (480, 750)]);
                        slots.push(Slot { days: vec![0, 1, 2, 3, 4], opens: o, closes: c });
                    }
                }
                let weeks = i64::from(self.rng.random_range(min_w..=max_w));
                let mut s = today.add_days(self.rng.random_range(-100..=120));
                s = s.add_days(-weekday(s));
                let mut e = s.add_days(weeks * 7 - 3);
                // A course listed as running must not have ended already.
                let min_end = today.add_days(14);
                if e < min_end {
                    let shift = min_end.days_since_epoch() - e.days_since_epoch();
                    s = s.add_days(shift);
                    e = e.add_days(shift);
                }
                start = Some(s);
                end = Some(e);
                if chance(self.rng, 300) {
                    note = Some(any(
                        self.rng,
                        &[
                            "In den Schulferien findet kein Unterricht statt",
                            "Einstieg nach Einstufungstest auch später möglich",
                            "Der nächste Kurs beginnt voraussichtlich im Anschluss",
                        ],
                    ));
                }
            }
            Sched::Weekly => {
                let (days, (o, c)): (Vec<usize>, (u32, u32)) = match (self.cat.code, ot) {
                    ("hausaufgabenhilfe" | "lernfoerderung", _) => {
                        let first = self.rng.random_range(0..=1);
                        let n = self.rng.random_range(2..=4);
                        (
                            (first..(first + n).min(5)).collect(),
                            any(self.rng, &[(840, 960), (900, 1020), (870, 990)]),
                        )
                    }
                    (_, "familie_kinder") => (
                        vec![self.rng.random_range(0..5)],
                        any(self.rng, &[(570, 690), (900, 1020), (870, 990)]),
                    ),
                    (_, "freizeit_kultur_sport") => {
                        if daytime == Daytime::Saturday || chance(self.rng, 150) {
                            (vec![5], any(self.rng, &[(600, 720), (660, 840)]))
                        } else {
                            (
                                vec![self.rng.random_range(0..5)],
                                any(self.rng, &[(1020, 1140), (1110, 1200), (900, 1050)]),
                            )
                        }
                    }
                    _ => {
                        if daytime == Daytime::Saturday {
                            (vec![5], (600, 720))
                        } else {
                            (
                                vec![self.rng.random_range(0..5)],
                                any(self.rng, &[(900, 1020), (600, 720), (1080, 1200)]),
                            )
                        }
                    }
                };
                slots.push(Slot { days, opens: o, closes: c });
                if chance(self.rng, 200) {
                    start = Some(today.add_days(-self.rng.random_range(0..=700)));
                }
                if chance(self.rng, 300) {
                    note = Some(any(
                        self.rng,
                        &[
                            "Nicht in den Schulferien",
                            "Außer an Feiertagen",
                            "Einstieg jederzeit möglich",
                            "Bitte vorher kurz anrufen",
                        ],
                    ));
                }
            }
            Sched::Holiday => {
                let mut s = today.add_days(self.rng.random_range(14..=200));
                s = s.add_days(-weekday(s));
                let e = s.add_days(if chance(self.rng, 500) { 4 } else { 11 });
                start = Some(s);
                end = Some(e);
                let (o, c) = any(self.rng, &[(540, 900), (600, 960), (510, 840)]);
                slots.push(Slot { days: vec![0, 1, 2, 3, 4], opens: o, closes: c });
                note = Some(any(
                    self.rng,
                    &["Ferienprogramm in den Schulferien", "Anmeldung bis zwei Wochen vor Beginn"],
                ));
            }
        }
        let evening = slots.iter().any(|s| s.opens >= 17 * 60);
        let weekend = slots.iter().any(|s| s.days.iter().any(|d| *d >= 5));

        // The sentences.
        let schedule = Schedule {
            start_date: start.map(|d| d.to_string()),
            end_date: end.map(|d| d.to_string()),
            opening_hours: slots
                .iter()
                .map(|s| OpeningHours {
                    days: s.days.iter().map(|d| WEEKDAYS[*d].to_string()).collect(),
                    opens: hhmm(s.opens),
                    closes: hhmm(s.closes),
                })
                .collect(),
            note: note.map(String::from),
        };
        // A few providers publish no times at all.
        let schedule = (!chance(self.rng, 60)).then_some(schedule);
        let times = Times { slots, start: start.unwrap_or(today), end: end.unwrap_or(today) };
        (schedule, times, evening, weekend)
    }

    fn cost(&mut self) -> Cost {
        let p = self.cat.cost;
        let kind = *pick(self.rng, &[("free", p.free), ("fee", p.fee), ("funded", p.funded)]);
        match kind {
            "fee" => {
                let amount = if p.amounts.is_empty() {
                    let (lo, hi) = p.range;
                    let raw = self.rng.random_range(lo..=hi.max(lo));
                    // Fees are round numbers: to 5 euros above 20, whole euros below.
                    f64::from(if raw > 20 { raw / 5 * 5 } else { raw })
                } else {
                    any(self.rng, p.amounts)
                };
                let note = (!p.fee_notes.is_empty() && chance(self.rng, 600))
                    .then(|| one(self.rng, p.fee_notes).to_string());
                Cost { kind: "fee".into(), amount_eur: Some(amount), note }
            }
            "funded" => {
                let note = (!p.funded_notes.is_empty() && chance(self.rng, 850))
                    .then(|| one(self.rng, p.funded_notes).to_string());
                Cost { kind: "funded".into(), amount_eur: None, note }
            }
            _ => Cost { kind: "free".into(), amount_eur: None, note: None },
        }
    }

    fn eligibility(&mut self) -> Option<Eligibility> {
        let cat = self.cat;
        let mut e = Eligibility::default();
        if cat.age != (0, 0) && chance(self.rng, 400) {
            e.age_min = (cat.age.0 > 0).then_some(cat.age.0);
            e.age_max = (cat.age.1 > 0).then_some(cat.age.1);
        }
        if !cat.residence.is_empty() && chance(self.rng, 350) {
            for _ in 0..self.rng.random_range(1..=3) {
                let r = one(self.rng, cat.residence);
                if !e.residence_status.iter().any(|x| x == r) {
                    e.residence_status.push(r.to_string());
                }
            }
        } else if cat.residence.is_empty() && chance(self.rng, 40) {
            // Some providers restrict offers funded for particular groups.
            for _ in 0..self.rng.random_range(1..=2) {
                let r = one(self.rng, RESIDENCE_SOME);
                if !e.residence_status.iter().any(|x| x == r) {
                    e.residence_status.push(r.to_string());
                }
            }
        }
        if let Some(n) = cat.eligibility_note
            && chance(self.rng, 500)
        {
            e.note = Some(n.to_string());
        }
        let order = &vocabularies().residence_status;
        e.residence_status.sort_by_key(|r| order.position(r).unwrap_or(usize::MAX));
        (e != Eligibility::default()).then_some(e)
    }

    fn contact(&mut self, info: &ProviderInfo, base_url: &str) -> Contact {
        let who = Person::draw(self.rng);
        let person = chance(self.rng, 550);
        let name = match self.rng.random_range(0..10) {
            _ if !person => chance(self.rng, 300).then(|| one(self.rng, TEAMS).to_string()),
            0..=4 => Some(who.formal()),
            _ => Some(who.full()),
        };
        let email = chance(self.rng, 900).then(|| {
            if person && chance(self.rng, 400) {
                format!("{}@{}", who.mailbox(), info.domain)
            } else {
                format!("{}@{}", one(self.rng, self.cat.mail), info.domain)
            }
        });
        let phone = chance(self.rng, 850).then(|| draw::phone(self.rng, self.place.area_code));
        let url = (chance(self.rng, 300) || (email.is_none() && phone.is_none()))
            .then(|| format!("{base_url}/kontakt"));
        Contact { name, email, phone, url }
    }

    fn place_sentence(&mut self, locations: &[Location], delivery: &str) -> String {
        let city = &self.place.name;
        match delivery {
            "online" => "Das Angebot findet online per Videokonferenz statt; den Zugangslink erhalten Sie nach der Anmeldung.".into(),
            "outreach" => format!(
                "Wir kommen zu Ihnen: in Unterkünfte, Schulen, Familienzentren und Gemeinden in {city} und Umgebung."
            ),
            _ => {
                let mut s = match locations {
                    [one_loc] => match &one_loc.name {
                        Some(n) => format!("Ort: {n}, {}, {} {}.", one_loc.street, one_loc.postcode, one_loc.city),
                        None => format!("Adresse: {}, {} {}.", one_loc.street, one_loc.postcode, one_loc.city),
                    },
                    many => format!("Das Angebot gibt es an {} Standorten in {city}.", many.len()),
                };
                if delivery == "blended" {
                    s.push_str(" Ein Teil der Termine findet online statt.");
                }
                s
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn description_de(
        &mut self,
        ctx: &Ctx<'_>,
        targets: &[String],
        languages: &[String],
        level: Option<(&str, &str)>,
        sched: &str,
        place: &str,
        cost: &Cost,
        contact: &Contact,
        features: &[&str],
        size_class: u8,
    ) -> String {
        let cat = self.cat;
        let ot = OFFER_TYPES[self.ot_index].0;
        let mut d = String::with_capacity(if size_class == 2 { 5_200 } else { 1_200 });

        // Many providers write only a line or two; the structured fields carry the rest.
        let brief = size_class == 0 && chance(self.rng, 300);

        // Paragraph 1: what it is.
        if !brief && chance(self.rng, 200) {
            fill(&mut d, any(self.rng, texts::OPENERS), ctx);
            d.push(' ');
        }
        let n = cat.content.len();
        let k = match size_class {
            0 if brief => 1,
            0 => self.rng.random_range(1..=2).min(n),
            _ => n,
        };
        let offset = self.rng.random_range(0..n);
        // A rotated run keeps the sentences in their natural order most of the time.
        let mut chosen: Vec<usize> = (0..k).map(|i| (offset + i) % n).collect();
        chosen.sort_unstable();
        for (j, i) in chosen.iter().enumerate() {
            if j > 0 {
                d.push(' ');
            }
            fill(&mut d, cat.content[*i], ctx);
        }
        if let Some((from, to)) = level.filter(|_| !brief && (size_class > 0 || chance(self.rng, 600))) {
            d.push(' ');
            if from == "alpha" {
                let _ = write!(
                    d,
                    "Der Kurs setzt keine Kenntnisse der lateinischen Schrift voraus und führt bis zum Niveau {to}."
                );
            } else if from == to {
                let _ = write!(d, "Der Kurs richtet sich an Lernende auf dem Niveau {to}.");
            } else {
                let _ = write!(
                    d,
                    "Der Kurs führt vom Niveau {from} zum Niveau {to} des Gemeinsamen Europäischen Referenzrahmens."
                );
            }
        }

        // Paragraph 2: for whom, in which languages.
        let mut p = String::with_capacity(300);
        let audience = texts::audience(&targets[0]);
        if !audience.is_empty() && !brief && (size_class > 0 || chance(self.rng, 700)) {
            fill(&mut p, any(self.rng, audience), ctx);
        }
        if targets.len() > 1 && size_class > 0 {
            let more = texts::audience(&targets[1]);
            if !more.is_empty() {
                p.push(' ');
                fill(&mut p, any(self.rng, more), ctx);
            }
        }
        if languages.len() > 1 {
            let names: Vec<&str> =
                languages[1..].iter().map(|l| self.g.offers.language_name(l, false)).collect();
            let list = join_de(&names);
            let _ = match cat.langs {
                Langs::Counselling => write!(p, " Die Beratung ist auf Deutsch sowie auf {list} möglich."),
                _ => write!(p, " Verständigung ist auch auf {list} möglich."),
            };
        } else if cat.langs == Langs::German && chance(self.rng, 300) {
            p.push_str(" Unterrichtssprache ist Deutsch.");
        }
        push_paragraph(&mut d, p.trim_start());

        // Paragraph 3: when and where; the structured fields say it too, so not everyone
        // repeats it in prose.
        p.clear();
        if !brief && (size_class > 0 || chance(self.rng, 750)) {
            p.push_str(sched);
        }
        if !brief && (size_class > 0 || chance(self.rng, 450)) {
            if !p.is_empty() {
                p.push(' ');
            }
            p.push_str(place);
        }
        push_paragraph(&mut d, &p);

        // Paragraph 4: costs, registration, contact.
        d.push_str("\n\n");
        match cost.kind.as_str() {
            "fee" => {
                let amount = cost.amount_eur.unwrap_or(0.0);
                let _ = write!(d, "Die Teilnahmegebühr beträgt {} Euro.", euros(amount));
                if let Some(n) = &cost.note {
                    let _ = write!(d, " Hinweis: {n}.");
                }
            }
            "funded" => match cost.note.as_ref().filter(|_| size_class > 0 || chance(self.rng, 500)) {
                Some(n) => {
                    let _ = write!(d, "Die Kosten können übernommen werden ({n}).");
                }
                None => d.push_str("Die Kosten können übernommen werden; wir beraten Sie gern dazu."),
            },
            _ => d.push_str(any(self.rng, &["Die Teilnahme ist kostenlos.", "Das Angebot ist kostenfrei."])),
        }
        d.push(' ');
        d.push_str(texts::REGISTRATION[self.registration]);
        if chance(self.rng, 350) {
            if let Some(n) = &contact.name {
                let _ = write!(d, " Ansprechperson: {n}.");
            }
            match (&contact.phone, &contact.email) {
                (Some(p), Some(e)) => {
                    let _ = write!(d, " Sie erreichen uns unter {p} oder per E-Mail an {e}.");
                }
                (Some(p), None) => {
                    let _ = write!(d, " Sie erreichen uns telefonisch unter {p}.");
                }
                (None, Some(e)) => {
                    let _ = write!(d, " Schreiben Sie uns an {e}.");
                }
                (None, None) => {}
            }
        }

        // Paragraph 5: features and what to bring.
        let mut extra = String::new();
        for f in features {
            if !brief
                && (size_class > 0 || chance(self.rng, 300))
                && let Some(s) = texts::feature_sentence(f)
            {
                if !extra.is_empty() {
                    extra.push(' ');
                }
                extra.push_str(s);
            }
        }
        if !brief && (size_class > 0 || chance(self.rng, 250)) {
            if !extra.is_empty() {
                extra.push(' ');
            }
            extra.push_str(any(self.rng, texts::bring(ot)));
        }
        if !extra.is_empty() {
            d.push_str("\n\n");
            d.push_str(&extra);
        }

        // The long tail: detailed paragraphs until the target length.
        if size_class > 0 {
            let target =
                if size_class == 2 { self.rng.random_range(2_500..=MAX_DESCRIPTION - 100) } else { 1_300 };
            let specific = texts::long_paragraphs(ot);
            let total = specific.len() + texts::LONG_GENERIC.len();
            let start = self.rng.random_range(0..total);
            let mut para = String::with_capacity(600);
            for i in 0..total {
                let j = (start + i) % total;
                let tpl =
                    if j < specific.len() { specific[j] } else { texts::LONG_GENERIC[j - specific.len()] };
                para.clear();
                fill(&mut para, tpl, ctx);
                // Bytes bound characters from above, so this never exceeds the limit.
                if d.len() + 2 + para.len() > MAX_DESCRIPTION {
                    continue;
                }
                d.push_str("\n\n");
                d.push_str(&para);
                if d.len() >= target {
                    break;
                }
            }
        }
        d
    }

    fn description_en(&mut self, ctx: &Ctx<'_>, sched: &str, cost: &Cost, size_class: u8) -> String {
        let ot = OFFER_TYPES[self.ot_index].0;
        let mut d = String::with_capacity(600);
        for (i, s) in texts::content_en(ot).iter().enumerate() {
            if i > 0 {
                d.push(' ');
            }
            fill(&mut d, s, ctx);
        }
        d.push_str("\n\n");
        d.push_str(sched);
        d.push(' ');
        match cost.kind.as_str() {
            "fee" => {
                let _ = write!(
                    d,
                    "The fee is {} euros.",
                    euros(cost.amount_eur.unwrap_or(0.0)).replace(',', ".")
                );
            }
            "funded" => d.push_str("Costs can be covered, for example by the BAMF or the job centre."),
            _ => d.push_str("Taking part is free of charge."),
        }
        d.push(' ');
        d.push_str(texts::registration_en(self.registration));
        if size_class > 0 {
            // Extended offers add a paragraph or two; long ones everything they have.
            let take = if size_class == 2 { texts::LONG_EN.len() } else { self.rng.random_range(1..=2) };
            let start = self.rng.random_range(0..texts::LONG_EN.len());
            let mut para = String::new();
            for i in 0..take {
                let tpl = texts::LONG_EN[(start + i) % texts::LONG_EN.len()];
                para.clear();
                fill(&mut para, tpl, ctx);
                if d.len() + 2 + para.len() > MAX_DESCRIPTION {
                    continue;
                }
                d.push_str("\n\n");
                d.push_str(&para);
            }
        }
        d
    }

    fn script_texts(
        &mut self,
        s: &crate::scripts::Script,
        title_de: &str,
        cost: &Cost,
        size_class: u8,
    ) -> (String, String) {
        let ot = self.ot_index;
        let title = s.titles[ot][script_title(self.cat.code, title_de)].to_string();
        let mut d = String::with_capacity(600);
        d.push_str(s.content[ot]);
        d.push(' ');
        d.push_str(match cost.kind.as_str() {
            "free" => s.cost[0],
            "fee" => s.cost[1],
            _ => s.cost[2],
        });
        if self.cat.langs == Langs::Counselling {
            d.push(' ');
            d.push_str(s.language);
        }
        if self.registration != texts::WALK_IN {
            d.push(' ');
            d.push_str(s.register);
        }
        let _ = write!(d, " {} {}.", s.place, self.place.name);
        d.push(' ');
        d.push_str(s.closing);
        if size_class == 2 {
            for p in s.long {
                d.push_str("\n\n");
                d.push_str(p);
            }
        }
        (title, d)
    }
}

/// Appends a paragraph after a blank line, unless it is empty.
fn push_paragraph(d: &mut String, p: &str) {
    if !p.is_empty() {
        d.push_str("\n\n");
        d.push_str(p);
    }
}

/// Which of a script's titles for the offer type fits: the first is the general one, the
/// others name particular categories (see `scripts.rs`).
fn script_title(category: &str, title_de: &str) -> usize {
    match category {
        "migrationsberatung_erwachsene"
        | "anerkennungsberatung"
        | "bewerbungstraining"
        | "begegnungscafe" => 1,
        "hausaufgabenhilfe" | "lernfoerderung" => 1,
        "studienberatung" | "hochschulzugang" | "studienvorbereitung" => 1,
        "sozialberatung" => 2,
        c if c.ends_with("integrationskurs") || c == "alphabetisierung" => {
            if title_de.contains("Kinderbetreuung") { 2 } else { 1 }
        }
        _ => 0,
    }
}

/// "Arabisch", "Arabisch und Türkisch", "Arabisch, Farsi und Türkisch".
pub(crate) fn join_de(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [a] => (*a).to_string(),
        [init @ .., last] => format!("{} und {last}", init.join(", ")),
    }
}

/// An amount as Germans write it: "45" or "2,29".
fn euros(amount: f64) -> String {
    if amount.fract() == 0.0 {
        format!("{}", amount as u64)
    } else {
        format!("{amount:.2}").replace('.', ",")
    }
}

/// The last part of an offer URL made from its title: lowercase ASCII words joined by hyphens,
/// at most about 60 characters.
fn url_slug(title: &str) -> String {
    let s = crate::places::short_slug(title, 60);
    if s.is_empty() { "angebot".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_placeholders() {
        let ctx = Ctx {
            city: "Essen",
            quarter: "Altendorf",
            provider: "VHS Essen",
            level: "A1–B1",
            subject: "Pflege",
            profession: "Lehrkräfte",
            sport: "Fußball",
            art: "Theater",
            module: "A1.1",
        };
        let mut s = String::new();
        fill(&mut s, "Integrationskurs ({level}) der {provider} in {quarter}, {city}", &ctx);
        assert_eq!(s, "Integrationskurs (A1–B1) der VHS Essen in Altendorf, Essen");
    }

    #[test]
    fn days_read_naturally() {
        assert_eq!(days_text(&[0, 1, 2, 3, 4], &WEEKDAYS_DE, " und ", "bis"), "montags bis freitags");
        assert_eq!(days_text(&[0, 2], &WEEKDAYS_DE, " und ", "bis"), "montags und mittwochs");
        assert_eq!(days_text(&[0, 1, 3], &WEEKDAYS_DE, " und ", "bis"), "montags, dienstags und donnerstags");
    }

    /// Every text any offer can contain: plain text, and only placeholders that `fill` knows.
    #[test]
    fn pools_are_plain_text_with_known_placeholders() {
        let known =
            ["city", "quarter", "provider", "level", "subject", "profession", "sport", "art", "module"];
        let mut texts: Vec<&str> = Vec::new();
        for c in CATS {
            texts.extend(c.titles.iter().chain(c.titles_en).chain(c.content).chain(c.mail).chain(c.unit));
            texts.extend(c.eligibility_note);
            texts.extend(c.cost.fee_notes.iter().chain(c.cost.funded_notes));
            for (t, _) in c.targets {
                texts.extend(texts::audience(t));
            }
        }
        for (ot, _) in OFFER_TYPES {
            texts.extend(
                texts::bring(ot).iter().chain(texts::long_paragraphs(ot)).chain(texts::content_en(ot)),
            );
        }
        texts.extend(
            texts::OPENERS.iter().chain(texts::REGISTRATION).chain(texts::LONG_GENERIC).chain(texts::LONG_EN),
        );
        texts
            .extend(texts::SUBJECTS.iter().chain(texts::PROFESSIONS).chain(texts::SPORTS).chain(texts::ARTS));
        for s in &SCRIPTS {
            texts.extend(s.titles.iter().flat_map(|t| t.iter()));
            texts.extend(s.content.iter().chain(&s.cost).chain(s.long));
            texts.extend([s.register, s.place, s.language, s.closing]);
        }
        texts::assert_plain(&texts, &known);
    }

    #[test]
    fn amounts_and_slugs() {
        assert_eq!(euros(229.0), "229");
        assert_eq!(euros(2.29), "2,29");
        assert_eq!(
            url_slug("Integrationskurs mit Kinderbetreuung (A1–B1)"),
            "integrationskurs-mit-kinderbetreuung-a1-b1"
        );
    }
}
