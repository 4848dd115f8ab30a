//! The relevance suite: what advisers type, and which offers they must find.
//!
//! The dataset is fixed: a few thousand offers from the generator (a fixed seed, spread over
//! the region's municipalities the way the generator spreads them) and a few dozen hand-written
//! "needles", real-looking offers that the queries below are about. The generated offers are
//! the haystack: they are realistic enough (the same categories, titles and places) that a
//! needle only comes out on top when matching and ranking do their job.
//!
//! The table [`CASES`] lists each query with the needles that must be among its first five
//! results and why; every case is checked and all failures are reported together, each with the
//! five results it got instead. The other tests check what a table of expectations cannot:
//! multi-select facet counts, totals against a brute-force count over the dataset, a stable
//! order of equal scores, distance order, expiry, deletions and the escaping of snippets.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::LazyLock;

use lotse_generate::{Generator, Options};
use lotse_geo::LatLon;
use lotse_search::{Change, IndexedOffer, SearchIndex, SearchRequest, SearchResponse, WriterOptions};
use lotse_standard::Offer;
use lotse_standard::date::Date;
use lotse_standard::model::{
    Contact, Cost, LangMap, LanguageLevel, Location, OpeningHours, Provider, Schedule,
};
use lotse_standard::read::Record;
use lotse_standard::validate::Validator;
use lotse_standard::vocab::vocabularies;
use lotse_standard::{Code, Severity};

mod common;
use common::placed;

/// The seed of the generated haystack.
const SEED: u64 = 20_260_301;
/// How many generated offers the haystack has: enough that every category and every larger
/// town has several offers competing with the needles, few enough to index in a few seconds
/// in a debug build.
const GENERATED: usize = 2_000;

/// The day the data is generated for and searched on.
fn today() -> Date {
    Date::new(2026, 3, 1).unwrap()
}

fn day(iso: &str) -> i64 {
    Date::parse_iso(iso).unwrap().days_since_epoch()
}

const ESSEN: &str = "05113000";
const DORTMUND: &str = "05913000";
const BOCHUM: &str = "05911000";
const MUELHEIM: &str = "05117000";
const GELSENKIRCHEN: &str = "05513000";
const OBERHAUSEN: &str = "05119000";
const DUISBURG: &str = "05112000";
const HERNE: &str = "05916000";
const HAGEN: &str = "05914000";
const HAMM: &str = "05915000";

// ---------------------------------------------------------------------------------------------
// The needles.

/// A place where needles take place. Without coordinates the hub places it at the centroid of
/// its postcode.
struct Site {
    name: &'static str,
    street: &'static str,
    postcode: &'static str,
    city: &'static str,
    ags: &'static str,
    at: Option<(f64, f64)>,
}

const ZOLLVEREIN: Site = Site {
    name: "Bildungsforum Zollverein",
    street: "Gelsenkirchener Straße 181",
    postcode: "45309",
    city: "Essen",
    ags: ESSEN,
    at: Some((51.4862, 7.0434)),
};
const HUTTROP: Site = Site {
    name: "Stadtteilbüro Huttrop",
    street: "Huttropstraße 60",
    postcode: "45138",
    city: "Essen",
    ags: ESSEN,
    at: Some((51.4465, 7.0365)),
};
const RUETTENSCHEID: Site = Site {
    name: "Familienbildungsstätte Rüttenscheid",
    street: "Rüttenscheider Straße 100",
    postcode: "45130",
    city: "Essen",
    ags: ESSEN,
    at: Some((51.4380, 7.0050)),
};
const HOERDE: Site = Site {
    name: "Stadtteilzentrum Hörde",
    street: "Hörder Bahnhofstraße 8",
    postcode: "44263",
    city: "Dortmund",
    ags: DORTMUND,
    at: Some((51.4885, 7.5050)),
};
const NORDSTADT: Site = Site {
    name: "Nordstadtbüro",
    street: "Mallinckrodtstraße 56",
    postcode: "44147",
    city: "Dortmund",
    ags: DORTMUND,
    at: Some((51.5250, 7.4620)),
};
const UNIONVIERTEL: Site = Site {
    name: "Digitalzentrum Unionviertel",
    street: "Rheinische Straße 1",
    postcode: "44137",
    city: "Dortmund",
    ags: DORTMUND,
    at: Some((51.5130, 7.4480)),
};
const HWK_DORTMUND: Site = Site {
    name: "Bildungszentrum der Handwerkskammer",
    street: "Ardeystraße 93",
    postcode: "44139",
    city: "Dortmund",
    ags: DORTMUND,
    at: Some((51.4990, 7.4620)),
};
const BOCHUM_MITTE: Site = Site {
    name: "Jobcenter Bochum, Standort Mitte",
    street: "Westring 26",
    postcode: "44787",
    city: "Bochum",
    ags: BOCHUM,
    at: Some((51.4810, 7.2130)),
};
const RUB: Site = Site {
    name: "Studierendenservice",
    street: "Universitätsstraße 150",
    postcode: "44801",
    city: "Bochum",
    ags: BOCHUM,
    at: Some((51.4445, 7.2610)),
};
const WATTENSCHEID: Site = Site {
    name: "Bildungszentrum Wattenscheid",
    street: "Hochstraße 12",
    postcode: "44866",
    city: "Bochum",
    ags: BOCHUM,
    at: Some((51.4835, 7.1395)),
};
const RINGLOKSCHUPPEN: Site = Site {
    name: "Ringlokschuppen Ruhr",
    street: "Am Schloß Broich 38",
    postcode: "45479",
    city: "Mülheim an der Ruhr",
    ags: MUELHEIM,
    at: Some((51.4290, 6.8700)),
};
const STYRUM: Site = Site {
    name: "Familienzentrum Styrum",
    street: "Oberhausener Straße 150",
    postcode: "45476",
    city: "Mülheim an der Ruhr",
    ags: MUELHEIM,
    at: Some((51.4490, 6.8600)),
};
const MUELHEIM_MITTE: Site = Site {
    name: "Bildungszentrum Mülheim",
    street: "Bergstraße 1",
    postcode: "45468",
    city: "Mülheim an der Ruhr",
    ags: MUELHEIM,
    at: Some((51.4270, 6.8830)),
};
const SCHALKE: Site = Site {
    name: "Frauenzentrum Schalke",
    street: "Grillostraße 40",
    postcode: "45881",
    city: "Gelsenkirchen",
    ags: GELSENKIRCHEN,
    at: Some((51.5250, 7.0800)),
};
const BUER: Site = Site {
    name: "Verkehrsübungsplatz Buer",
    street: "Westerholter Straße 120",
    postcode: "45894",
    city: "Gelsenkirchen",
    ags: GELSENKIRCHEN,
    at: Some((51.5780, 7.0600)),
};
const ALTENBERG: Site = Site {
    name: "Zentrum Altenberg",
    street: "Hansastraße 20",
    postcode: "46049",
    city: "Oberhausen",
    ags: OBERHAUSEN,
    at: Some((51.4715, 6.8460)),
};
const GASOMETER: Site = Site {
    name: "Theaterzelt am Gasometer",
    street: "Arenastraße 11",
    postcode: "46047",
    city: "Oberhausen",
    ags: OBERHAUSEN,
    at: Some((51.4830, 6.8710)),
};
const MARXLOH: Site = Site {
    name: "Begegnungsstätte Marxloh",
    street: "Weseler Straße 40",
    postcode: "47169",
    city: "Duisburg",
    ags: DUISBURG,
    at: Some((51.5010, 6.7780)),
};
const HOCHFELD: Site = Site {
    name: "Bildungszentrum Hochfeld",
    street: "Heerstraße 65",
    postcode: "47053",
    city: "Duisburg",
    ags: DUISBURG,
    at: Some((51.4180, 6.7630)),
};
const CAMPUS_DUISBURG: Site = Site {
    name: "Campus Duisburg",
    street: "Lotharstraße 65",
    postcode: "47057",
    city: "Duisburg",
    ags: DUISBURG,
    at: Some((51.4290, 6.7990)),
};
const FLOTTMANN: Site = Site {
    name: "Flottmann-Hallen",
    street: "Straße des Bohrhammers 5",
    postcode: "44625",
    city: "Herne",
    ags: HERNE,
    at: Some((51.5375, 7.2085)),
};
/// `near` for the queries around the Flottmann-Hallen; the same point as [`FLOTTMANN`].
const NEAR_FLOTTMANN: &str = "51.5375,7.2085";
const WANNE: Site = Site {
    name: "Beratungsstelle Wanne",
    street: "Hauptstraße 220",
    postcode: "44649",
    city: "Herne",
    ags: HERNE,
    at: Some((51.5330, 7.1550)),
};
const WESTFALENBAD: Site = Site {
    name: "Westfalenbad",
    street: "Stirnband 10",
    postcode: "58093",
    city: "Hagen",
    ags: HAGEN,
    at: Some((51.3600, 7.4830)),
};
const HAGEN_MITTE: Site = Site {
    name: "Fachstelle Anerkennung Hagen",
    street: "Körnerstraße 43",
    postcode: "58095",
    city: "Hagen",
    ags: HAGEN,
    at: Some((51.3590, 7.4740)),
};
const VILLA_POST: Site = Site {
    name: "Villa Post",
    street: "Wehringhauser Straße 38",
    postcode: "58089",
    city: "Hagen",
    ags: HAGEN,
    at: Some((51.3560, 7.4600)),
};
const HAMM_MITTE: Site = Site {
    name: "Beratungszentrum Hamm-Mitte",
    street: "Widumstraße 35",
    postcode: "59065",
    city: "Hamm",
    ags: HAMM,
    at: Some((51.6810, 7.8170)),
};
/// A site the provider gave no coordinates for: the hub places it at its postcode.
const HAMM_FAMILIENBUERO: Site = Site {
    name: "Familienbüro",
    street: "Widumstraße 35",
    postcode: "59065",
    city: "Hamm",
    ags: HAMM,
    at: None,
};
const HAMM_HANDWERK: Site = Site {
    name: "Kreishandwerkerschaft Hellweg-Lippe",
    street: "Ostring 10",
    postcode: "59065",
    city: "Hamm",
    ags: HAMM,
    at: Some((51.6800, 7.8200)),
};
/// `near` for the queries around Hamm's centre; the same point as [`HAMM_HANDWERK`].
const NEAR_HAMM: &str = "51.6800,7.8200";
const MAXIPARK: Site = Site {
    name: "Maximilianpark",
    street: "Alter Grenzweg 2",
    postcode: "59071",
    city: "Hamm",
    ags: HAMM,
    at: Some((51.6790, 7.8750)),
};

/// A needle under construction: the node it comes from and its offer.
struct Needle {
    node: &'static str,
    offer: Offer,
}

fn needle(
    node: &'static str,
    id: &str,
    (offer_type, category): (&str, &str),
    (provider, provider_kind): (&str, &str),
    title_de: &str,
    description_de: &str,
) -> Needle {
    Needle {
        node,
        offer: Offer {
            id: id.into(),
            offer_type: offer_type.into(),
            categories: vec![category.into()],
            title: LangMap::from([("de".to_owned(), title_de.to_owned())]),
            description: LangMap::from([("de".to_owned(), description_de.to_owned())]),
            provider: Provider {
                name: provider.into(),
                kind: provider_kind.into(),
                url: None,
                identifiers: vec![],
                reference: None,
            },
            status: "active".into(),
            target_groups: vec!["alle_zugewanderten".into()],
            life_phases: vec![],
            languages: vec!["de".into()],
            language_level: None,
            cost: Cost { kind: "free".into(), amount_eur: None, note: None },
            eligibility: None,
            delivery: "presential".into(),
            locations: vec![],
            service_area: vec![],
            schedule: None,
            contact: Contact { email: Some(format!("kontakt@{node}.de")), ..Contact::default() },
            features: vec![],
            url: None,
            valid_until: None,
            verified_at: Some("2026-02-16".into()),
            networks: vec![],
            projects: vec![],
        },
    }
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

impl Needle {
    fn at(mut self, site: &Site) -> Self {
        self.offer.locations.push(Location {
            name: Some(site.name.into()),
            street: site.street.into(),
            postcode: site.postcode.into(),
            city: site.city.into(),
            ags: site.ags.into(),
            lat: site.at.map(|(lat, _)| lat),
            lon: site.at.map(|(_, lon)| lon),
            accessibility: vec![],
        });
        self
    }

    fn online(mut self, service_area: &[&str]) -> Self {
        self.offer.delivery = "online".into();
        self.offer.service_area = strings(service_area);
        self
    }

    fn title(mut self, lang: &str, text: &str) -> Self {
        self.offer.title.insert(lang.into(), text.into());
        self
    }

    fn description(mut self, lang: &str, text: &str) -> Self {
        self.offer.description.insert(lang.into(), text.into());
        self
    }

    fn languages(mut self, codes: &[&str]) -> Self {
        self.offer.languages = strings(codes);
        self
    }

    fn targets(mut self, codes: &[&str]) -> Self {
        self.offer.target_groups = strings(codes);
        self
    }

    fn phases(mut self, codes: &[&str]) -> Self {
        self.offer.life_phases = strings(codes);
        self
    }

    fn features(mut self, codes: &[&str]) -> Self {
        self.offer.features = strings(codes);
        self
    }

    fn level(mut self, from: &str, to: &str) -> Self {
        self.offer.language_level = Some(LanguageLevel { from: from.into(), to: to.into() });
        self
    }

    fn fee(mut self, amount: f64) -> Self {
        self.offer.cost = Cost { kind: "fee".into(), amount_eur: Some(amount), note: None };
        self
    }

    fn funded(mut self, note: &str) -> Self {
        self.offer.cost = Cost { kind: "funded".into(), amount_eur: None, note: Some(note.into()) };
        self
    }

    /// Weekly opening hours, `days` as the standard's two-letter codes.
    fn weekly(mut self, days: &[&str], opens: &str, closes: &str) -> Self {
        let schedule = self.offer.schedule.get_or_insert_with(Schedule::default);
        schedule.opening_hours.push(OpeningHours {
            days: strings(days),
            opens: opens.into(),
            closes: closes.into(),
        });
        self
    }

    fn dates(mut self, start: &str, end: &str) -> Self {
        let schedule = self.offer.schedule.get_or_insert_with(Schedule::default);
        schedule.start_date = Some(start.into());
        schedule.end_date = Some(end.into());
        self
    }

    fn valid_until(mut self, date: &str) -> Self {
        self.offer.valid_until = Some(date.into());
        self
    }

    fn status(mut self, status: &str) -> Self {
        self.offer.status = status.into();
        self
    }
}

/// The hand-written offers the queries are about.
fn needles() -> Vec<Needle> {
    vec![
        needle(
            "stadt-essen",
            "ik-zollverein",
            ("sprachkurs", "integrationskurs"),
            ("Volkshochschule Essen", "volkshochschule"),
            "Integrationskurs mit Kinderbetreuung am Zollverein (A1–B1)",
            "Allgemeiner Integrationskurs mit 600 Unterrichtseinheiten Deutsch und 100 Unterrichtseinheiten \
             Orientierung. Während des Unterrichts betreuen zwei Erzieherinnen Ihre Kinder unter drei Jahren \
             im Nebenraum. Am Ende stehen der Deutsch-Test für Zuwanderer (DTZ) und der Test „Leben in \
             Deutschland“. Ort: Bildungsforum Zollverein, Gelsenkirchener Straße 181, 45309 Essen.",
        )
        .title("en", "Integration course with childcare at Zollverein (A1–B1)")
        .at(&ZOLLVEREIN)
        .targets(&["alle_zugewanderten", "eltern"])
        .level("A1", "B1")
        .features(&["kinderbetreuung", "zertifikat"])
        .funded("kostenfrei mit Berechtigungsschein des BAMF")
        .dates("2026-02-02", "2026-09-25")
        .weekly(&["mo", "tu", "we", "th", "fr"], "08:30", "12:45"),
        needle(
            "stadt-essen",
            "fik-ruettenscheid",
            ("sprachkurs", "frauenintegrationskurs"),
            ("Evangelische Familienbildungsstätte Essen", "traeger"),
            "Frauenintegrationskurs in Rüttenscheid (A1–B1)",
            "Im Frauenintegrationskurs lernen Frauen in einer kleinen Gruppe Deutsch für Alltag, Familie und \
             Beruf. Unterrichtet wird ausschließlich von Kursleiterinnen; Kinder unter drei Jahren werden im \
             Nebenraum betreut. Ort: Familienbildungsstätte Rüttenscheid, Rüttenscheider Straße 100, 45130 \
             Essen.",
        )
        .title("en", "Integration course for women in Rüttenscheid (A1–B1)")
        .at(&RUETTENSCHEID)
        .targets(&["frauen"])
        .level("A1", "B1")
        .features(&["kinderbetreuung", "frauen_only"])
        .funded("über BAMF-Kostenbefreiung")
        .dates("2026-03-02", "2026-12-18")
        .weekly(&["mo", "tu", "we", "th"], "09:00", "12:15"),
        needle(
            "stadt-dortmund",
            "mbe-phoenix",
            ("beratung", "migrationsberatung_erwachsene"),
            ("Caritasverband Dortmund", "traeger"),
            "Migrationsberatung für Erwachsene am Phoenix-See",
            "Wir beraten Zugewanderte ab 27 Jahren zu Aufenthalt, Arbeit, Wohnung, Gesundheit und Familie. \
             Die Beratung ist kostenlos und vertraulich, auf Wunsch auf Arabisch, Persisch oder Türkisch. \
             Sprechzeiten dienstags und donnerstags von 9 bis 13 Uhr. Ort: Stadtteilzentrum Hörde, Hörder \
             Bahnhofstraße 8, 44263 Dortmund.",
        )
        .title("en", "Migration counselling for adults at Lake Phoenix")
        .at(&HOERDE)
        .languages(&["de", "ar", "fa", "tr"])
        .features(&["dolmetschung"])
        .weekly(&["tu", "th"], "09:00", "13:00"),
        needle(
            "stadt-muelheim",
            "sprachcafe-ringlokschuppen",
            ("sprachkurs", "sprachcafe"),
            ("Ringlokschuppen Ruhr e. V.", "sonstige"),
            "Sprachcafé im Ringlokschuppen Mülheim",
            "Jeden Donnerstag üben wir im Foyer des Ringlokschuppens Deutsch im Gespräch, bei Kaffee, Tee \
             und Spielen. Ehrenamtliche aus der Nachbarschaft sind dabei, alle Sprachniveaus sind willkommen. \
             Ort: Ringlokschuppen Ruhr, Am Schloß Broich 38, 45479 Mülheim an der Ruhr.",
        )
        .title("en", "Language café at the Ringlokschuppen in Mülheim")
        .at(&RINGLOKSCHUPPEN)
        .languages(&["de", "en"])
        .weekly(&["th"], "17:00", "19:00"),
        needle(
            "stadt-essen",
            "sozialberatung-huttrop",
            ("beratung", "sozialberatung"),
            ("Diakoniewerk Essen", "traeger"),
            "Sozialberatung im Stadtteilbüro Huttrop",
            "Wir helfen bei Anträgen auf Bürgergeld, Wohngeld und Kindergeld, erklären Briefe von Ämtern und \
             begleiten bei Bedarf zu Terminen. Beratung auch auf Russisch und Ukrainisch. Adresse: \
             Huttropstraße 60, 45138 Essen.",
        )
        .at(&HUTTROP)
        .languages(&["de", "ru", "uk"])
        .weekly(&["mo", "we"], "10:00", "15:00"),
        needle(
            "stadt-gelsenkirchen",
            "frauenberatung-ar",
            ("beratung", "frauenberatung"),
            ("Frauenzentrum Schalke e. V.", "traeger"),
            "Frauenberatung auf Arabisch mit Kinderbetreuung",
            "Beraterinnen mit arabischer Muttersprache beraten Frauen zu Familie, Gesundheit, Schule der \
             Kinder und Aufenthalt, vertraulich und kostenlos. Während der Beratung spielen Ihre Kinder im \
             Spielzimmer nebenan. Ort: Frauenzentrum Schalke, Grillostraße 40, 45881 Gelsenkirchen.",
        )
        .title("ar", "استشارة للنساء باللغة العربية مع رعاية الأطفال")
        .title("en", "Counselling for Arabic-speaking women, with childcare")
        .description(
            "ar",
            "تقدم مستشارات ناطقات بالعربية استشارات مجانية وسرية للنساء حول الأسرة والصحة والمدرسة والإقامة. \
             يوجد مكان للعب الأطفال أثناء الاستشارة.",
        )
        .at(&SCHALKE)
        .languages(&["de", "ar"])
        .targets(&["frauen"])
        .features(&["kinderbetreuung", "frauen_only"])
        .weekly(&["we"], "09:30", "12:30"),
        needle(
            "stadt-bochum",
            "ua-berufsorientierung",
            ("berufliche_qualifizierung", "berufsorientierung"),
            ("Jobcenter Bochum", "jobcenter_arbeitsagentur"),
            "Berufsorientierung für Geflüchtete aus der Ukraine",
            "In acht Wochen lernen Sie Berufe und Betriebe in Bochum kennen, klären, ob Ihr Abschluss \
             anerkannt werden kann, und erstellen einen Plan für den Einstieg in Arbeit oder Ausbildung. Die \
             Gruppe wird auf Deutsch und Ukrainisch begleitet. Ort: Jobcenter Bochum, Standort Mitte, \
             Westring 26, 44787 Bochum.",
        )
        .title("uk", "Професійна орієнтація для біженців з України")
        .title("en", "Career orientation for refugees from Ukraine")
        .at(&BOCHUM_MITTE)
        .languages(&["de", "uk", "ru"])
        .targets(&["gefluechtete"])
        .funded("Förderung über das Jobcenter")
        .dates("2026-03-16", "2026-05-08")
        .weekly(&["mo", "we", "fr"], "09:00", "13:00"),
        needle(
            "stadt-hamm",
            "fa-anerkennung",
            ("anerkennung", "anerkennungsberatung"),
            ("IQ Beratungsstelle Anerkennung Hamm", "traeger"),
            "Anerkennungsberatung auf Persisch und Dari",
            "Wir beraten, wie Ihr ausländischer Berufs- oder Hochschulabschluss in Deutschland anerkannt \
             werden kann, welche Stelle zuständig ist und welche Unterlagen Sie brauchen. Die Beratung findet \
             auf Deutsch, Persisch und Dari statt. Ort: Beratungszentrum Hamm-Mitte, Widumstraße 35, 59065 \
             Hamm.",
        )
        .title("fa", "مشاوره به رسمیت شناختن مدارک به زبان فارسی و دری")
        .title("en", "Recognition counselling in Persian and Dari")
        .description(
            "fa",
            "ما درباره به رسمیت شناختن مدارک تحصیلی و حرفه‌ای شما در آلمان مشاوره می‌دهیم. مشاوره رایگان است.",
        )
        .at(&HAMM_MITTE)
        .languages(&["de", "fa"])
        .targets(&["fachkraefte", "alle_zugewanderten"])
        .weekly(&["mo", "th"], "09:00", "12:00"),
        needle(
            "stadt-duisburg",
            "tr-elterncafe",
            ("familie_kinder", "elternbildung"),
            ("Familienzentrum Marxloh", "traeger"),
            "Elterncafé in Marxloh – Deutsch und Türkisch",
            "Jeden Freitagvormittag treffen sich Mütter und Väter aus Marxloh, um sich über Kita, Schule und \
             Erziehung auszutauschen. Eine Familienbegleiterin übersetzt zwischen Deutsch und Türkisch und \
             lädt regelmäßig Fachleute ein, etwa vom Schulamt oder vom Gesundheitsamt. Ort: \
             Begegnungsstätte Marxloh, Weseler Straße 40, 47169 Duisburg.",
        )
        .title("tr", "İki Dilli Veli Kahvesi Marxloh")
        .title("en", "Bilingual parents' meeting in Marxloh")
        .description(
            "tr",
            "Her cuma sabahı Marxloh'taki anne ve babalar kreş, okul ve eğitim hakkında konuşmak için buluşuyor.",
        )
        .at(&MARXLOH)
        .languages(&["de", "tr"])
        .targets(&["eltern"])
        .weekly(&["fr"], "09:00", "11:00"),
        needle(
            "stadt-hagen",
            "recognition-nurses",
            ("anerkennung", "anerkennungsverfahren_begleitung"),
            ("Fachstelle Anerkennung Südwestfalen", "traeger"),
            "Anerkennung für Pflegekräfte aus dem Ausland – Begleitung bis zur Berufsurkunde",
            "Wir begleiten Pflegefachkräfte aus Drittstaaten durch das Anerkennungsverfahren bei der \
             Bezirksregierung: vom Antrag über die Kenntnisprüfung oder den Anpassungslehrgang bis zur \
             Urkunde. Ort: Fachstelle Anerkennung Hagen, Körnerstraße 43, 58095 Hagen.",
        )
        .title("en", "Recognition for nurses trained abroad – support until you are licensed")
        .at(&HAGEN_MITTE)
        .languages(&["de", "en"])
        .targets(&["fachkraefte"])
        .weekly(&["tu", "th"], "09:00", "15:00"),
        needle(
            "stadt-herne",
            "hausaufgaben-flottmann",
            ("familie_kinder", "hausaufgabenhilfe"),
            ("Stadt Herne – Fachbereich Kinder, Jugend und Familie", "kommune"),
            "Hausaufgabenhilfe und Lernförderung in den Flottmann-Hallen",
            "Schülerinnen und Schüler der Klassen 1 bis 7 bekommen montags bis donnerstags Unterstützung bei \
             den Hausaufgaben und beim Lesen. Ehrenamtliche Lernpatinnen und Lernpaten sprechen auch Türkisch \
             und Arabisch. Ort: Flottmann-Hallen, Straße des Bohrhammers 5, 44625 Herne.",
        )
        .at(&FLOTTMANN)
        .languages(&["de", "tr", "ar"])
        .targets(&["kinder"])
        .phases(&["grundschule_6_10"])
        .weekly(&["mo", "tu", "we", "th"], "14:00", "16:00"),
        needle(
            "stadt-essen",
            "expired-ferien-zollverein",
            ("familie_kinder", "ferienprogramm"),
            ("Stiftung Zollverein", "sonstige"),
            "Ferienprogramm am Zollverein: Sommer 2025",
            "Zwei Wochen Ferienspaß für Kinder von 6 bis 12 Jahren: Führungen über das Welterbe, Werkstätten \
             und Ausflüge. Ort: Bildungsforum Zollverein, Gelsenkirchener Straße 181, 45309 Essen.",
        )
        .at(&ZOLLVEREIN)
        .targets(&["kinder"])
        .fee(40.0)
        .dates("2025-07-14", "2025-08-22")
        .valid_until("2025-08-31"),
        needle(
            "stadt-dortmund",
            "defunct-naehcafe",
            ("freizeit_kultur_sport", "begegnungscafe"),
            ("Nachbarschaftsverein Hörde e. V.", "sonstige"),
            "Nähcafé am Phoenix-See",
            "Gemeinsam nähen, reparieren und ins Gespräch kommen: Nähmaschinen und Stoffe sind vorhanden. \
             Ort: Stadtteilzentrum Hörde, Hörder Bahnhofstraße 8, 44263 Dortmund.",
        )
        .at(&HOERDE)
        .status("defunct"),
        // The standard forbids markup in texts and the validator rejects it; this record stands
        // for one that got through anyway, which the hub must still show as plain text.
        needle(
            "stadt-oberhausen",
            "theater-gasometer",
            ("freizeit_kultur_sport", "kulturangebot"),
            ("Theater Oberhausen", "sonstige"),
            "Theaterwerkstatt für Jugendliche am Gasometer",
            "Wir spielen Theater! <script>alert('Gasometer')</script> Jugendliche von 14 bis 21 Jahren \
             entwickeln gemeinsam ein Stück über das Ankommen in Oberhausen & proben zweimal pro Woche. Ort: \
             Theaterzelt am Gasometer, Arenastraße 11, 46047 Oberhausen.",
        )
        .at(&GASOMETER)
        .targets(&["jugendliche"])
        .weekly(&["tu", "fr"], "16:00", "18:30"),
        needle(
            "stadt-oberhausen",
            "rechtsberatung-altenberg",
            ("beratung", "rechtsberatung"),
            ("Refugee Law Clinic Ruhr e. V.", "traeger"),
            "Kostenlose Rechtsberatung zu Familiennachzug und Aufenthalt",
            "Ehrenamtliche Juristinnen und Juristen beraten zu Familiennachzug, Aufenthaltserlaubnis und \
             Einbürgerung. Dolmetscherinnen für Arabisch und Kurdisch sind anwesend. Termine nach \
             Vereinbarung. Ort: Zentrum Altenberg, Hansastraße 20, 46049 Oberhausen.",
        )
        .title("en", "Free legal advice on family reunification and residence")
        .at(&ALTENBERG)
        .languages(&["de", "ar", "ku"])
        .targets(&["gefluechtete"])
        .features(&["dolmetschung"]),
        needle(
            "stadt-hagen",
            "schwimmen-fruehling",
            ("freizeit_kultur_sport", "sportangebot"),
            ("Hagenbad GmbH", "sonstige"),
            "Schwimmkurs für Frauen im Westfalenbad",
            "Schwimmen lernen in geschützter Atmosphäre: Das Bad ist während des Kurses nur für Frauen \
             geöffnet, unterrichtet wird von Schwimmlehrerinnen. Ort: Westfalenbad, Stirnband 10, 58093 Hagen.",
        )
        .title("en", "Swimming course for women at Westfalenbad")
        .at(&WESTFALENBAD)
        .targets(&["frauen"])
        .features(&["frauen_only"])
        .fee(25.0)
        .dates("2026-04-13", "2026-06-19")
        .weekly(&["mo"], "18:00", "19:30"),
        needle(
            "stadt-hagen",
            "schwimmen-herbst",
            ("freizeit_kultur_sport", "sportangebot"),
            ("Hagenbad GmbH", "sonstige"),
            "Schwimmkurs für Frauen im Westfalenbad",
            "Schwimmen lernen in geschützter Atmosphäre: Das Bad ist während des Kurses nur für Frauen \
             geöffnet, unterrichtet wird von Schwimmlehrerinnen. Ort: Westfalenbad, Stirnband 10, 58093 Hagen.",
        )
        .title("en", "Swimming course for women at Westfalenbad")
        .at(&WESTFALENBAD)
        .targets(&["frauen"])
        .features(&["frauen_only"])
        .fee(25.0)
        .dates("2026-09-07", "2026-11-27")
        .weekly(&["mo"], "18:00", "19:30"),
        needle(
            "stadt-gelsenkirchen",
            "fahrradkurs-buer",
            ("freizeit_kultur_sport", "sportangebot"),
            ("ADFC Gelsenkirchen", "sonstige"),
            "Fahrradkurs für Frauen in Buer",
            "Radfahren lernen ohne Vorkenntnisse: Auf dem Verkehrsübungsplatz üben Frauen Gleichgewicht, \
             Bremsen und die wichtigsten Verkehrsregeln. Räder und Helme werden gestellt. Ort: \
             Verkehrsübungsplatz Buer, Westerholter Straße 120, 45894 Gelsenkirchen.",
        )
        .title("en", "Cycling lessons for women in Buer")
        .at(&BUER)
        .targets(&["frauen"])
        .features(&["frauen_only", "wochenende"])
        .dates("2026-04-18", "2026-06-27")
        .weekly(&["sa"], "10:00", "12:00"),
        needle(
            "stadt-hamm",
            "kita-lotsinnen-hamm",
            ("familie_kinder", "kita_platzsuche"),
            ("Stadt Hamm – Familienbüro", "kommune"),
            "Kita-Lotsinnen: Hilfe bei der Suche nach einem Kitaplatz",
            "Die Kita-Lotsinnen erklären, wie die Anmeldung im Kita-Portal funktioniert, helfen beim \
             Ausfüllen und begleiten zu Besichtigungen. Beratung auch auf Arabisch, Rumänisch und \
             Bulgarisch. Ort: Familienbüro, Widumstraße 35, 59065 Hamm.",
        )
        .title("en", "Daycare guides: help finding a place in a daycare centre")
        .at(&HAMM_FAMILIENBUERO)
        .languages(&["de", "ar", "ro", "bg"])
        .targets(&["eltern"])
        .phases(&["kleinkind_0_3", "kita_3_6"]),
        needle(
            "rub",
            "studium-rub",
            ("bildungszugang", "hochschulzugang"),
            ("Ruhr-Universität Bochum – International Office", "hochschule"),
            "Studium für Geflüchtete: Hochschulzugang an der Ruhr-Universität Bochum",
            "Wir beraten Geflüchtete, die in Bochum studieren möchten: zu Zeugnissen und \
             Hochschulzugangsberechtigung, Sprachnachweisen, Bewerbung über uni-assist und Finanzierung. \
             Ort: Studierendenservice, Universitätsstraße 150, 44801 Bochum.",
        )
        .title("en", "University access for refugees at Ruhr University Bochum")
        .at(&RUB)
        .languages(&["de", "en", "ar"])
        .targets(&["gefluechtete", "internationale_studierende"]),
        needle(
            "stadt-dortmund",
            "gruendung-nordstadt",
            ("berufliche_qualifizierung", "existenzgruendung"),
            ("Wirtschaftsförderung Dortmund", "kommune"),
            "Gründungswerkstatt für Migrantinnen in der Nordstadt",
            "An sechs Abenden entwickeln Frauen ihre Geschäftsidee zu einem tragfähigen Businessplan, lernen \
             Gewerbeanmeldung, Steuern und Förderprogramme kennen und knüpfen Kontakte zu Unternehmerinnen \
             aus Dortmund. Ort: Nordstadtbüro, Mallinckrodtstraße 56, 44147 Dortmund.",
        )
        .title("en", "Start-up workshop for migrant women in the Nordstadt")
        .at(&NORDSTADT)
        .languages(&["de", "tr", "ar", "ru"])
        .targets(&["frauen"])
        .features(&["frauen_only"])
        .dates("2026-04-14", "2026-05-19")
        .weekly(&["tu"], "18:00", "20:30"),
        needle(
            "jmd-west",
            "jmd-digital",
            ("beratung", "jugendmigrationsdienst"),
            ("Jugendmigrationsdienst Westliches Ruhrgebiet", "traeger"),
            "Jugendmigrationsdienst digital: Beratung per Video und Chat",
            "Junge Menschen zwischen 12 und 27 Jahren erreichen uns per Video, Chat oder Telefon, auch \
             abends. Wir beraten zu Schule, Ausbildung, Aufenthalt und allem, was beim Ankommen wichtig ist.",
        )
        .title("en", "Youth migration service online: advice by video and chat")
        .online(&[DUISBURG, OBERHAUSEN, MUELHEIM])
        .languages(&["de", "en", "ar", "uk", "fa"])
        .targets(&["jugendliche", "junge_erwachsene"]),
        needle(
            "uni-due",
            "welcome-desk-ude",
            ("bildungszugang", "studienberatung"),
            ("Universität Duisburg-Essen – International Office", "hochschule"),
            "Welcome Desk – Studienberatung für internationale Studierende am Campus Duisburg",
            "Am Welcome Desk beantworten studentische Mitarbeitende Fragen zu Bewerbung, Einschreibung, \
             Visum, Krankenversicherung und Wohnungssuche, auf Deutsch und Englisch. Ort: Campus Duisburg, \
             Lotharstraße 65, 47057 Duisburg.",
        )
        .title("en", "Welcome Desk – study advice for international students at Duisburg campus")
        .at(&CAMPUS_DUISBURG)
        .languages(&["de", "en"])
        .targets(&["internationale_studierende"]),
        needle(
            "stadt-bochum",
            "bsk-wattenscheid",
            ("sprachkurs", "berufssprachkurs"),
            ("Volkshochschule Bochum", "volkshochschule"),
            "Berufssprachkurs B2 für Pflege und Gesundheit in Wattenscheid",
            "Der Berufssprachkurs bereitet auf die sprachlichen Anforderungen in Pflege, Praxis und Klinik \
             vor: Übergaben, Dokumentation und Gespräche mit Patientinnen und Patienten. Unterricht an drei \
             Abenden pro Woche, Abschluss mit der Prüfung telc Deutsch B2 Beruf. Ort: Bildungszentrum \
             Wattenscheid, Hochstraße 12, 44866 Bochum.",
        )
        .title("en", "Job-related German B2 for care and health in Wattenscheid")
        .at(&WATTENSCHEID)
        .targets(&["fachkraefte"])
        .level("B2", "B2")
        .features(&["abendkurs", "zertifikat"])
        .funded("kostenfrei über das BAMF (DeuFöV)")
        .dates("2026-03-09", "2026-07-10")
        .weekly(&["mo", "we", "th"], "18:00", "21:15"),
        needle(
            "stadt-duisburg",
            "alpha-hochfeld",
            ("sprachkurs", "alphabetisierung"),
            ("Volkshochschule Duisburg", "volkshochschule"),
            "Alphabetisierungskurs für Frauen in Hochfeld",
            "Frauen, die nicht oder nur wenig lesen und schreiben können, lernen in kleinen Schritten die \
             lateinische Schrift und einfache Texte des Alltags. Die Kursleiterin spricht auch Arabisch und \
             Kurdisch. Kinder werden während des Unterrichts betreut. Ort: Bildungszentrum Hochfeld, \
             Heerstraße 65, 47053 Duisburg.",
        )
        .title("en", "Literacy course for women in Hochfeld")
        .at(&HOCHFELD)
        .languages(&["de", "ar", "ku"])
        .targets(&["frauen"])
        .level("alpha", "A1")
        .features(&["kinderbetreuung", "frauen_only"])
        .funded("kostenfrei mit Berechtigungsschein des BAMF")
        .dates("2026-02-16", "2026-11-27")
        .weekly(&["mo", "tu", "we", "th"], "09:00", "12:00"),
        needle(
            "stadt-muelheim",
            "krabbelgruppe-styrum",
            ("familie_kinder", "eltern_kind_gruppe"),
            ("Familienzentrum Styrum", "traeger"),
            "Krabbelgruppe für ukrainische Familien in Styrum",
            "Eltern mit Kindern bis drei Jahre treffen sich zum Spielen, Singen und Austauschen. Eine \
             ukrainischsprachige Fachkraft beantwortet Fragen zu Kinderarzt, Kita und Elterngeld. Ort: \
             Familienzentrum Styrum, Oberhausener Straße 150, 45476 Mülheim an der Ruhr.",
        )
        .title("uk", "Група для малюків для українських родин у Штирумі")
        .title("en", "Playgroup for Ukrainian families in Styrum")
        .at(&STYRUM)
        .languages(&["de", "uk", "ru"])
        .targets(&["eltern", "kinder"])
        .phases(&["kleinkind_0_3"])
        .weekly(&["tu"], "10:00", "11:30"),
        needle(
            "stadt-muelheim",
            "erzieherin-teilzeit",
            ("berufliche_qualifizierung", "weiterbildung"),
            ("Fachschule für Sozialpädagogik Mülheim", "schule"),
            "Weiterbildung zur Erzieherin in Teilzeit für Zugewanderte",
            "Die berufsbegleitende Weiterbildung führt in drei Jahren zum staatlich anerkannten Abschluss. \
             Der Unterricht findet an zwei Tagen pro Woche statt, an den übrigen Tagen arbeiten Sie in einer \
             Kita. Voraussetzung sind Deutschkenntnisse auf dem Niveau B2. Ort: Bildungszentrum Mülheim, \
             Bergstraße 1, 45468 Mülheim an der Ruhr.",
        )
        .title("en", "Part-time training as a nursery teacher for newcomers")
        .at(&MUELHEIM_MITTE)
        .targets(&["fachkraefte", "alle_zugewanderten"])
        .features(&["teilzeit", "zertifikat"])
        .funded("mit Bildungsgutschein der Agentur für Arbeit")
        .dates("2026-08-17", "2029-07-13"),
        needle(
            "stadt-herne",
            "schuldnerberatung-herne",
            ("beratung", "sozialberatung"),
            ("Caritasverband Herne", "traeger"),
            "Schuldnerberatung für Zugewanderte in Herne",
            "Sie haben Schulden, Mietrückstände oder Post vom Inkassobüro? Wir verschaffen uns mit Ihnen einen \
             Überblick, verhandeln mit Gläubigern und beraten zum Pfändungsschutzkonto. Ort: Beratungsstelle \
             Wanne, Hauptstraße 220, 44649 Herne.",
        )
        .title("en", "Debt counselling for newcomers in Herne")
        .at(&WANNE)
        .languages(&["de", "tr", "pl"])
        .weekly(&["mo", "th"], "09:00", "12:00"),
        needle(
            "stadt-hamm",
            "garten-maxipark",
            ("freizeit_kultur_sport", "ehrenamt_engagement"),
            ("Maximilianpark Hamm GmbH", "sonstige"),
            "Interkultureller Gemeinschaftsgarten im Maximilianpark",
            "Alteingesessene und Neuzugewanderte gärtnern gemeinsam auf den Beeten am Glaselefanten, tauschen \
             Rezepte und Saatgut und feiern im Herbst ein Erntefest. Neue Gärtnerinnen und Gärtner sind \
             jederzeit willkommen. Ort: Maximilianpark, Alter Grenzweg 2, 59071 Hamm.",
        )
        .title("en", "Intercultural community garden at Maximilianpark")
        .at(&MAXIPARK)
        .languages(&["de", "ar", "ti"])
        .weekly(&["sa"], "10:00", "13:00"),
        needle(
            "stadt-hagen",
            "bsk-c1-medizin",
            ("sprachkurs", "berufssprachkurs"),
            ("Volkshochschule Hagen", "volkshochschule"),
            "Berufssprachkurs C1 Medizin für Ärztinnen und Ärzte",
            "Der Kurs bereitet Ärztinnen und Ärzte mit ausländischer Approbation auf die Kommunikation in \
             Klinik und Praxis vor: Anamnese, Aufklärung, Arztbrief und Übergabe. Er schließt mit der Prüfung \
             telc Deutsch B2-C1 Medizin ab. Ort: Villa Post, Wehringhauser Straße 38, 58089 Hagen.",
        )
        .title("en", "Job-related German C1 for doctors")
        .at(&VILLA_POST)
        .targets(&["fachkraefte"])
        .level("C1", "C1")
        .fee(390.0)
        .dates("2026-04-13", "2026-09-25")
        .weekly(&["tu", "th"], "17:30", "20:45"),
        needle(
            "stadt-dortmund",
            "coding-dortmund",
            ("berufliche_qualifizierung", "weiterbildung"),
            ("Digital Ankommen gGmbH", "traeger"),
            "Programmierkurs für Geflüchtete (Coding Bootcamp)",
            "In zwölf Wochen lernen Sie die Grundlagen der Webentwicklung mit HTML, CSS und JavaScript und \
             arbeiten im Team an einem eigenen Projekt. Unterrichtssprache ist Englisch, begleitend gibt es \
             Deutschunterricht. Ort: Digitalzentrum Unionviertel, Rheinische Straße 1, 44137 Dortmund.",
        )
        .title("en", "Coding bootcamp for refugees")
        .at(&UNIONVIERTEL)
        .languages(&["en", "de"])
        .targets(&["gefluechtete"])
        .features(&["zertifikat"])
        .dates("2026-04-20", "2026-07-10")
        .weekly(&["mo", "tu", "we", "th"], "09:00", "15:00"),
        needle(
            "hwk-dortmund",
            "handwerk-sprechtage",
            ("anerkennung", "anerkennungsberatung"),
            ("Handwerkskammer Dortmund", "kammer"),
            "Anerkennungsberatung im Handwerk: Sprechtage in Dortmund und Hamm",
            "Die Handwerkskammer berät zur Anerkennung ausländischer Abschlüsse in Handwerksberufen, etwa als \
             Elektronikerin, Friseur oder Kfz-Mechatroniker. Sprechtage jeden ersten Dienstag im Monat in \
             Dortmund und jeden dritten Dienstag in Hamm.",
        )
        .title("en", "Recognition advice for craft trades: consultation days in Dortmund and Hamm")
        .at(&HWK_DORTMUND)
        .at(&HAMM_HANDWERK)
        .targets(&["fachkraefte"]),
    ]
}

// ---------------------------------------------------------------------------------------------
// The dataset and its indexes.

struct Dataset {
    /// Generated offers first, then the needles.
    items: Vec<IndexedOffer>,
    /// Needle id → hub id.
    needles: HashMap<String, String>,
}

static DATA: LazyLock<Dataset> = LazyLock::new(|| {
    // 2026-01-01 00:00 UTC: generated offers changed on one of 40 days after it, so that many
    // share a change time and the order without a query has ties to break.
    const JAN_1: i64 = 1_767_225_600;
    let mut items: Vec<IndexedOffer> = Generator::new(Options::new(SEED, today()))
        .unwrap()
        .take(GENERATED)
        .enumerate()
        .map(|(k, offer)| {
            // Offers come from the node of their district (the id's prefix is its plate).
            let plate = offer.id.split('-').next().unwrap_or("ruhr").to_owned();
            placed(&format!("kreis-{plate}"), offer, JAN_1 + (k as i64 % 40) * 86_400)
        })
        .collect();
    let mut hub_ids = HashMap::new();
    for (i, n) in needles().into_iter().enumerate() {
        let item = placed(n.node, n.offer, JAN_1 + 50 * 86_400 + i as i64 * 3_600);
        assert!(hub_ids.insert(item.offer.id.clone(), item.hub_id.clone()).is_none(), "needle ids repeat");
        items.push(item);
    }
    Dataset { items, needles: hub_ids }
});

/// Stages `items` in batches of `batch`, committing after each, so that the index has several
/// segments.
fn index_of<'a>(items: impl IntoIterator<Item = &'a IndexedOffer>, batch: usize) -> SearchIndex {
    let index = SearchIndex::in_ram(WriterOptions::default()).unwrap();
    let changes: Vec<Change> = items.into_iter().map(|i| Change::Upsert(Box::new(i.clone()))).collect();
    for (n, chunk) in changes.chunks(batch.max(1)).enumerate() {
        index.stage(chunk).unwrap();
        index.commit(n as i64 + 1).unwrap();
    }
    index
}

/// The dataset in one segment, in dataset order.
static INDEX: LazyLock<SearchIndex> = LazyLock::new(|| index_of(&DATA.items, usize::MAX));

fn hub_id(needle: &str) -> &'static str {
    DATA.needles.get(needle).unwrap_or_else(|| panic!("no needle {needle:?}"))
}

fn request(pairs: &[(&str, &str)]) -> SearchRequest {
    let mut req = SearchRequest::from_pairs(pairs.iter().copied())
        .unwrap_or_else(|e| panic!("request {pairs:?} refused: {e}"));
    req.today = today().days_since_epoch();
    req
}

fn search_in(index: &SearchIndex, pairs: &[(&str, &str)]) -> SearchResponse {
    index.search(&request(pairs)).unwrap()
}

fn search(pairs: &[(&str, &str)]) -> SearchResponse {
    search_in(&INDEX, pairs)
}

fn ids(response: &SearchResponse) -> Vec<&str> {
    response.results.iter().map(|h| h.id.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------
// The table.

/// A query, the needles that must be among its first five results, and why.
type Case = (&'static [(&'static str, &'static str)], &'static [&'static str], &'static str);

const CASES: &[Case] = &[
    // Offer types, as a filter and as a word.
    (&[("q", "Zollverein"), ("offer_type", "sprachkurs")], &["ik-zollverein"], "offer type filter"),
    (&[("q", "Phoenix"), ("offer_type", "beratung")], &["mbe-phoenix"], "offer type filter"),
    (&[("q", "Persisch"), ("offer_type", "anerkennung")], &["fa-anerkennung"], "language named in the title"),
    (
        &[("q", "Ukraine"), ("offer_type", "berufliche_qualifizierung")],
        &["ua-berufsorientierung"],
        "offer type filter",
    ),
    (&[("q", "Bochum Geflüchtete"), ("offer_type", "bildungszugang")], &["studium-rub"], "offer type filter"),
    (&[("q", "Marxloh"), ("offer_type", "familie_kinder")], &["tr-elterncafe"], "offer type filter"),
    (
        &[("q", "Gasometer"), ("offer_type", "freizeit_kultur_sport")],
        &["theater-gasometer"],
        "offer type filter",
    ),
    (&[("q", "Sprachkurs Wattenscheid")], &["bsk-wattenscheid"], "offer type as a word: Berufssprachkurs"),
    (&[("q", "Anerkennung Persisch")], &["fa-anerkennung"], "offer type as a word: Anerkennungsberatung"),
    (&[("q", "Beratung Huttrop")], &["sozialberatung-huttrop"], "offer type as a word: Sozialberatung"),
    // Languages.
    (&[("q", "Migrationsberatung Hörde"), ("language", "fa")], &["mbe-phoenix"], "language filter"),
    (
        &[("q", "Berufsorientierung"), ("language", "uk"), ("ags", BOCHUM)],
        &["ua-berufsorientierung"],
        "language and municipality filters",
    ),
    (
        &[("q", "Rechtsberatung"), ("language", "ku"), ("ags", OBERHAUSEN)],
        &["rechtsberatung-altenberg"],
        "Kurdish",
    ),
    (&[("q", "Elterncafe"), ("language", "tr")], &["tr-elterncafe"], "Turkish, accent folded"),
    (&[("q", "Garten"), ("language", "ti")], &["garten-maxipark"], "Tigrinya"),
    (&[("q", "Arabisch Frauen")], &["frauenberatung-ar"], "the language in the title beats the language tag"),
    // Typos.
    (&[("q", "Integrationskrus Zollverein")], &["ik-zollverein"], "typo: swapped letters"),
    (&[("q", "Migrationsberatnug Phoenix")], &["mbe-phoenix"], "typo: swapped letters"),
    (&[("q", "Hausaufgabenhlife Flottmann")], &["hausaufgaben-flottmann"], "typo in a compound"),
    (&[("q", "Ringlokschupen")], &["sprachcafe-ringlokschuppen"], "typo: a letter missing"),
    // Compounds.
    (&[("q", "Kurs Zollverein")], &["ik-zollverein"], "Kurs is the head of Integrationskurs"),
    (&[("q", "Beratung Phoenix")], &["mbe-phoenix"], "Beratung is the head of Migrationsberatung"),
    (
        &[("q", "Integrationskurs Rüttenscheid")],
        &["fik-ruettenscheid"],
        "Integrationskurs is the head of Frauenintegrationskurs",
    ),
    (&[("q", "Cafe Marxloh")], &["tr-elterncafe"], "Café is the head of Elterncafé"),
    (&[("q", "Kita-Platz Hamm")], &["kita-lotsinnen-hamm"], "Kita-Platz and Kitaplatz"),
    (&[("q", "Fahrrad Frauen")], &["fahrradkurs-buer"], "Fahrrad is a part of Fahrradkurs"),
    (&[("q", "Gründung Nordstadt")], &["gruendung-nordstadt"], "Gründung is a part of Gründungswerkstatt"),
    (&[("q", "Garten Hamm")], &["garten-maxipark"], "Garten is the head of Gemeinschaftsgarten"),
    // Umlauts and ß.
    (&[("q", "Sprachcafe Muelheim")], &["sprachcafe-ringlokschuppen"], "ue for ü"),
    (&[("q", "Mulheim Ringlokschuppen")], &["sprachcafe-ringlokschuppen"], "u for ü"),
    (&[("q", "Huttropstrasse")], &["sozialberatung-huttrop"], "ss for ß"),
    (&[("q", "Strasse des Bohrhammers")], &["hausaufgaben-flottmann"], "ss for ß, stop word in the street"),
    (&[("q", "Ruettenscheid"), ("feature", "frauen_only")], &["fik-ruettenscheid"], "ue for ü with a filter"),
    (&[("q", "Arzte Hagen"), ("level", "C1")], &["bsk-c1-medizin"], "a for ä"),
    (&[("q", "Existenzgrundung Nordstadt")], &["gruendung-nordstadt"], "u for ü in a category label"),
    // Places.
    (&[("q", "Schuldnerberatung Herne")], &["schuldnerberatung-herne"], "city name"),
    (&[("q", "Welcome Desk Duisburg")], &["welcome-desk-ude"], "city name"),
    (&[("q", "Studium Geflüchtete Bochum")], &["studium-rub"], "city name"),
    (
        &[("q", "Krabbelgruppe Mülheim an der Ruhr")],
        &["krabbelgruppe-styrum"],
        "full city name with stop words",
    ),
    (&[("q", "Sprechtage"), ("ags", HAMM)], &["handwerk-sprechtage"], "the second location's municipality"),
    // Other scripts.
    (&[("q", "استشارة للنساء")], &["frauenberatung-ar"], "Arabic title"),
    (&[("q", "أسرة استشارة")], &["frauenberatung-ar"], "Arabic without the article finds it with one"),
    (&[("q", "مدارک دری")], &["fa-anerkennung"], "Persian title"),
    (&[("q", "مدارك دري")], &["fa-anerkennung"], "Persian title typed with Arabic kaf and yeh"),
    (&[("q", "Професійна орієнтація")], &["ua-berufsorientierung"], "Ukrainian title"),
    (&[("q", "iki dilli veli")], &["tr-elterncafe"], "Turkish title with a dotted capital İ"),
    // Prefixes while typing.
    (&[("q", "Zollverein Integrationsk")], &["ik-zollverein"], "prefix of the last word"),
    (&[("q", "Persisch Anerken")], &["fa-anerkennung"], "prefix of the last word"),
    (&[("q", "Krabbelgr")], &["krabbelgruppe-styrum"], "prefix alone"),
    (&[("q", "Gemeinschaftsg")], &["garten-maxipark"], "prefix alone"),
    // English.
    (&[("q", "childcare Zollverein")], &["ik-zollverein"], "English feature label"),
    (&[("q", "recognition nurses")], &["recognition-nurses"], "English title"),
    (&[("q", "childcare women Gelsenkirchen")], &["frauenberatung-ar"], "English title and labels"),
    (&[("q", "university access refugees")], &["studium-rub"], "English title"),
    (&[("q", "coding bootcamp")], &["coding-dortmund"], "English words in a German title"),
    // Filters and areas.
    (
        &[("q", "Hausaufgabenhilfe"), ("near", NEAR_FLOTTMANN), ("radius_km", "5"), ("sort", "distance")],
        &["hausaufgaben-flottmann"],
        "nearest first",
    ),
    (
        &[("q", "Lernförderung"), ("near", NEAR_FLOTTMANN), ("radius_km", "5")],
        &["hausaufgaben-flottmann"],
        "radius",
    ),
    (
        &[("q", "Handwerk"), ("near", NEAR_HAMM), ("radius_km", "5")],
        &["handwerk-sprechtage"],
        "the radius reaches the second location",
    ),
    (&[("q", "Theater"), ("bbox", "6.86,51.47,6.89,51.49")], &["theater-gasometer"], "bounding box"),
    (&[("q", "Berufssprachkurs Wattenscheid"), ("level", "B2")], &["bsk-wattenscheid"], "level"),
    (&[("q", "Zollverein"), ("level", "A2")], &["ik-zollverein"], "a level inside the course's range"),
    (
        &[("q", "Frauenintegrationskurs"), ("level", "B1"), ("ags", ESSEN)],
        &["fik-ruettenscheid"],
        "level and municipality",
    ),
    (
        &[("q", "Rechtsberatung Familiennachzug"), ("cost", "free"), ("ags", OBERHAUSEN)],
        &["rechtsberatung-altenberg"],
        "cost and municipality",
    ),
    (
        &[("q", "Jugendmigrationsdienst"), ("ags", MUELHEIM), ("delivery", "online")],
        &["jmd-digital"],
        "service area",
    ),
    (&[("q", "Schwimmkurs Westfalenbad"), ("open_on", "2026-10-01")], &["schwimmen-herbst"], "open on a day"),
    (
        &[("q", "Schwimmkurs Westfalenbad"), ("open_on", "2026-05-04")],
        &["schwimmen-fruehling"],
        "open on a day",
    ),
    (
        &[
            ("q", "Frauenberatung"),
            ("language", "ar"),
            ("feature", "kinderbetreuung"),
            ("ags", GELSENKIRCHEN),
        ],
        &["frauenberatung-ar"],
        "language, feature and municipality",
    ),
    (
        &[("q", "Alphabetisierung Hochfeld"), ("level", "alpha"), ("feature", "frauen_only")],
        &["alpha-hochfeld"],
        "literacy level and feature",
    ),
    (&[("q", "Erzieherin"), ("feature", "teilzeit"), ("ags", MUELHEIM)], &["erzieherin-teilzeit"], "feature"),
    (&[("language", "ti"), ("ags", HAMM)], &["garten-maxipark"], "filters without a query"),
    // Expired and defunct offers only when asked for.
    (
        &[("q", "Ferienprogramm Zollverein"), ("include_expired", "true")],
        &["expired-ferien-zollverein"],
        "expired, asked for",
    ),
    (&[("q", "Nähcafé Phoenix"), ("include_expired", "true")], &["defunct-naehcafe"], "defunct, asked for"),
];

#[test]
fn advisers_find_what_they_look_for() {
    let mut failures = String::new();
    let mut failed = 0;
    for (pairs, expected, why) in CASES {
        let response = search(&pairs.iter().copied().chain([("page_size", "5")]).collect::<Vec<_>>());
        let top: Vec<&str> = ids(&response);
        let missing: Vec<&str> = expected.iter().copied().filter(|n| !top.contains(&hub_id(n))).collect();
        if missing.is_empty() {
            continue;
        }
        failed += 1;
        let _ = writeln!(
            failures,
            "\n{pairs:?} ({why}): missing {missing:?}; {} results, top 5:",
            response.total
        );
        for hit in &response.results {
            let _ = writeln!(failures, "    {:8.3}  {:<40} {}", hit.score, hit.id, hit.title);
        }
    }
    assert!(CASES.len() >= 40, "the suite needs at least 40 queries, has {}", CASES.len());
    assert!(failed == 0, "{failed} of {} queries failed:{failures}", CASES.len());
}

/// While a word is being typed, offers whose titles carry it come before those that only have
/// it in a label or a place.
#[test]
fn while_typing_title_matches_come_first() {
    for typed in ["Anerken", "Integrationsk", "Kinderbe", "Sprachc", "Berufsorient", "Hausaufg"] {
        let response = search(&[("q", typed), ("page_size", "10")]);
        assert!(response.total > 10, "{typed}: too few results to say anything about order");
        let prefix = lotse_search::analysis::fold(typed);
        for hit in &response.results {
            // A word of the title or one of its parts (`Berufsanerkennung` for `Anerken`).
            let matches = lotse_search::analysis::words(&hit.title).iter().any(|w| {
                w.folded.starts_with(&prefix)
                    || lotse_search::compound::split(&w.folded).iter().any(|p| p.starts_with(&prefix))
            });
            assert!(matches, "{typed}: {} ranks high", hit.title);
        }
    }
}

/// The ways of typing one thing give one result list.
#[test]
fn spellings_of_the_same_words_find_the_same() {
    let pairs = [
        ("Mülheim Sprachcafé", "Muelheim Sprachcafe"),
        ("Straße des Bohrhammers", "Strasse des Bohrhammers"),
        ("İki Dilli Veli", "iki dilli veli"),
        ("مدارک دری", "مدارك دري"),
        ("أسرة", "اسره"),
    ];
    for (a, b) in pairs {
        let (ra, rb) = (search(&[("q", a)]), search(&[("q", b)]));
        assert!(ra.total > 0, "{a} finds nothing");
        let scored =
            |r: &SearchResponse| r.results.iter().map(|h| (h.id.clone(), h.score)).collect::<Vec<_>>();
        assert_eq!(scored(&ra), scored(&rb), "{a} / {b}");
    }
}

/// The needles are offers the standard accepts (the markup needle aside, which stands for a
/// record that should not have got through), at places inside their municipalities.
#[test]
fn needles_are_valid_offers() {
    let validator = Validator::new(today());
    let mut problems = Vec::new();
    for (i, n) in needles().into_iter().enumerate() {
        let id = n.offer.id.clone();
        let report =
            validator.validate_record(i, Record::json(serde_json::to_value(&n.offer).unwrap(), None));
        for f in report.findings.iter().filter(|f| f.severity != Severity::Notice) {
            let expected = match id.as_str() {
                "theater-gasometer" => f.code == Code::MarkupInText,
                "expired-ferien-zollverein" => f.code == Code::ValidUntilPassed,
                _ => false,
            };
            if !expected {
                problems.push(format!("{id}: {f:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

// ---------------------------------------------------------------------------------------------
// Brute force over the dataset: what the index must agree with.

/// Whether an offer is shown without `include_expired`.
fn visible(o: &Offer, today: i64) -> bool {
    let ends = |d: Option<&String>| d.is_none_or(|d| day(d) >= today);
    o.status != "defunct"
        && ends(o.valid_until.as_ref())
        && ends(o.schedule.as_ref().and_then(|s| s.end_date.as_ref()))
}

/// The values an offer has for a filter, as the index's facets count them.
fn values(item: &IndexedOffer, dim: &str) -> Vec<String> {
    let o = &item.offer;
    let mut out = match dim {
        "offer_type" => vec![o.offer_type.clone()],
        "category" => o.categories.clone(),
        "target_group" => o.target_groups.clone(),
        "language" => o.languages.clone(),
        "life_phase" => o.life_phases.clone(),
        "feature" => o.features.clone(),
        "cost" => vec![o.cost.kind.clone()],
        "delivery" => vec![o.delivery.clone()],
        "ags" => item
            .points
            .iter()
            .map(|p| p.ags.clone())
            .chain(o.locations.iter().map(|l| l.ags.clone()))
            .chain(o.service_area.iter().cloned())
            .collect(),
        "level" => {
            let levels: Vec<&str> = vocabularies().cefr_levels.codes().collect();
            o.language_level.as_ref().map_or_else(Vec::new, |l| {
                let from = levels.iter().position(|c| *c == l.from).unwrap();
                let to = levels.iter().position(|c| *c == l.to).unwrap();
                levels[from..=to].iter().map(|c| (*c).to_owned()).collect()
            })
        }
        other => panic!("unknown filter {other}"),
    };
    out.sort();
    out.dedup();
    out
}

const DIMS: [&str; 10] = [
    "offer_type",
    "category",
    "target_group",
    "language",
    "life_phase",
    "feature",
    "cost",
    "delivery",
    "ags",
    "level",
];

fn selected(item: &IndexedOffer, filters: &[(&str, &[&str])]) -> bool {
    filters.iter().all(|(dim, wanted)| values(item, dim).iter().any(|v| wanted.contains(&v.as_str())))
}

/// The facet counts of `dim` over the visible offers that pass `filters`.
fn brute_counts(dim: &str, filters: &[(&str, &[&str])]) -> BTreeMap<String, u64> {
    let today = today().days_since_epoch();
    let mut counts = BTreeMap::new();
    for item in DATA.items.iter().filter(|i| visible(&i.offer, today) && selected(i, filters)) {
        for v in values(item, dim) {
            *counts.entry(v).or_default() += 1;
        }
    }
    counts
}

fn facet(response: &SearchResponse, dim: &str) -> BTreeMap<String, u64> {
    response.facets[dim].iter().filter(|v| v.count > 0).map(|v| (v.value.clone(), v.count)).collect()
}

#[test]
fn facets_count_other_selections_but_not_their_own() {
    let plain = search(&[]);
    let arabic = search(&[("language", "ar")]);
    // The language facet ignores the language selection: it shows what choosing another
    // language (in addition) would bring.
    assert_eq!(facet(&arabic, "language"), facet(&plain, "language"));
    assert_eq!(facet(&arabic, "language"), brute_counts("language", &[]));
    assert!(arabic.facets["language"].iter().any(|v| v.value == "ar" && v.selected));
    // Every other facet counts within the selection.
    for dim in DIMS.iter().filter(|d| **d != "language") {
        assert_eq!(facet(&arabic, dim), brute_counts(dim, &[("language", &["ar"])]), "facet {dim}");
    }

    // Two selections: each facet is counted under the other one only.
    let two = search(&[("language", "ar,uk"), ("cost", "free")]);
    let langs: &[&str] = &["ar", "uk"];
    assert_eq!(facet(&two, "language"), brute_counts("language", &[("cost", &["free"])]));
    assert_eq!(facet(&two, "cost"), brute_counts("cost", &[("language", langs)]));
    for dim in ["offer_type", "feature", "ags", "level"] {
        assert_eq!(facet(&two, dim), brute_counts(dim, &[("language", langs), ("cost", &["free"])]), "{dim}");
    }

    // With text: the counts of a facet under a selection agree with the totals of the searches
    // that select each value.
    let q = [("q", "Beratung"), ("language", "ar")];
    let with_text = search(&q);
    assert_eq!(facet(&with_text, "language"), facet(&search(&[("q", "Beratung")]), "language"));
    for (value, count) in facet(&with_text, "offer_type") {
        let narrowed = search(&[q[0], q[1], ("offer_type", value.as_str())]);
        assert_eq!(narrowed.total, count, "offer_type={value}");
    }
}

/// Facets and totals of searches in an area (few matches: counted per document, from the
/// segments' grid) agree with brute force over the dataset.
#[test]
fn facets_in_an_area_agree_with_brute_force() {
    let today = today().days_since_epoch();
    let essen = LatLon { lat: 51.4556, lon: 7.0116 };
    let near = |i: &IndexedOffer| {
        i.points.iter().any(|p| lotse_geo::haversine_m(essen, LatLon { lat: p.lat, lon: p.lon }) <= 5_000.0)
    };
    let window = |i: &IndexedOffer| {
        i.points.iter().any(|p| (6.95..=7.1).contains(&p.lon) && (51.42..=51.49).contains(&p.lat))
    };
    type Inside<'a> = &'a dyn Fn(&IndexedOffer) -> bool;
    let area_searches: [(&[(&str, &str)], Inside); 2] = [
        (&[("near", "51.4556,7.0116"), ("radius_km", "5")], &near),
        (&[("bbox", "6.95,51.42,7.1,51.49")], &window),
    ];
    for (area, inside) in area_searches {
        let langs: &[&str] = &["ar", "tr"];
        let pairs: Vec<(&str, &str)> =
            area.iter().copied().chain([("language", "ar,tr"), ("cost", "free")]).collect();
        let response = search(&pairs);
        let counts = |dim: &str, filters: &[(&str, &[&str])]| {
            let mut counts = BTreeMap::new();
            for item in
                DATA.items.iter().filter(|i| visible(&i.offer, today) && inside(i) && selected(i, filters))
            {
                for v in values(item, dim) {
                    *counts.entry(v).or_default() += 1u64;
                }
            }
            counts
        };
        assert_eq!(facet(&response, "language"), counts("language", &[("cost", &["free"])]), "{area:?}");
        assert_eq!(facet(&response, "cost"), counts("cost", &[("language", langs)]), "{area:?}");
        for dim in ["offer_type", "feature", "ags", "level", "category"] {
            assert_eq!(
                facet(&response, dim),
                counts(dim, &[("language", langs), ("cost", &["free"])]),
                "{area:?} {dim}"
            );
        }
        let expected = DATA
            .items
            .iter()
            .filter(|i| {
                visible(&i.offer, today)
                    && inside(i)
                    && selected(i, &[("language", langs), ("cost", &["free"])])
            })
            .count() as u64;
        assert!(expected > 0, "{area:?}: selects nothing");
        assert_eq!(response.total, expected, "{area:?}");
    }
    // A window covering the whole region finds every visible offer with a point.
    let all = DATA.items.iter().filter(|i| visible(&i.offer, today) && !i.points.is_empty()).count() as u64;
    assert_eq!(search(&[("bbox", "-180,-90,180,90")]).total, all);
}

/// Checks the total of a search against the offers of the dataset that `filter` keeps (and
/// that are visible, unless the search includes expired offers).
fn assert_total(pairs: &[(&str, &str)], filter: impl Fn(&IndexedOffer) -> bool) {
    let today = today().days_since_epoch();
    let include_expired = pairs.contains(&("include_expired", "true"));
    let expected =
        DATA.items.iter().filter(|i| (include_expired || visible(&i.offer, today)) && filter(i)).count()
            as u64;
    assert!(expected > 0, "{pairs:?} selects nothing: not a useful check");
    assert_eq!(search(pairs).total, expected, "{pairs:?}");
}

#[test]
fn totals_agree_with_a_brute_force_count() {
    assert_total(&[("language", "ar")], |i| selected(i, &[("language", &["ar"])]));
    assert_total(&[("language", "ar,uk")], |i| selected(i, &[("language", &["ar", "uk"])]));
    assert_total(&[("offer_type", "sprachkurs"), ("level", "B1")], |i| {
        selected(i, &[("offer_type", &["sprachkurs"]), ("level", &["B1"])])
    });
    assert_total(&[("feature", "kinderbetreuung"), ("cost", "free")], |i| {
        selected(i, &[("feature", &["kinderbetreuung"]), ("cost", &["free"])])
    });
    assert_total(&[("ags", DORTMUND), ("offer_type", "beratung")], |i| {
        selected(i, &[("ags", &[DORTMUND]), ("offer_type", &["beratung"])])
    });
    let essen_centre = LatLon { lat: 51.4556, lon: 7.0116 };
    assert_total(&[("near", "51.4556,7.0116"), ("radius_km", "5")], |i| {
        i.points
            .iter()
            .any(|p| lotse_geo::haversine_m(essen_centre, LatLon { lat: p.lat, lon: p.lon }) <= 5_000.0)
    });
    let may_4 = day("2026-05-04");
    assert_total(&[("open_on", "2026-05-04"), ("offer_type", "sprachkurs")], |i| {
        let s = i.offer.schedule.as_ref();
        let start = s.and_then(|s| s.start_date.as_deref()).map_or(i64::MIN, day);
        let end = s.and_then(|s| s.end_date.as_deref()).map_or(i64::MAX, day);
        i.offer.offer_type == "sprachkurs" && start <= may_4 && may_4 <= end
    });
    assert_total(&[("include_expired", "true")], |_| true);
    assert_total(&[("include_expired", "true"), ("language", "ar")], |i| {
        selected(i, &[("language", &["ar"])])
    });
}

// ---------------------------------------------------------------------------------------------
// Order.

/// The dataset indexed again, in another order (needles first, the generated offers backwards)
/// and in four commits, so that documents sit in other segments at other positions.
static REORDERED: LazyLock<SearchIndex> = LazyLock::new(|| {
    let items: Vec<&IndexedOffer> = DATA.items.iter().rev().collect();
    let batch = items.len().div_ceil(4);
    index_of(items, batch)
});

#[test]
fn equal_scores_come_in_a_stable_order() {
    let queries: &[&[(&str, &str)]] = &[
        &[("q", "Integrationskurs")],
        &[("q", "Integrationskrus")],
        &[("q", "Anerken")],
        &[("q", "Beratung"), ("language", "ar")],
        &[("q", "Beratung"), ("page", "3")],
        &[],
        &[("ags", ESSEN), ("page", "2")],
        &[("near", "51.5136,7.4653"), ("radius_km", "10"), ("sort", "distance")],
    ];
    let mut ties = 0;
    for q in queries {
        let pairs: Vec<(&str, &str)> = q.iter().copied().chain([("page_size", "100")]).collect();
        let first = search(&pairs);
        let again = search(&pairs);
        let reordered = search_in(&REORDERED, &pairs);
        assert_eq!(ids(&first), ids(&again), "{q:?} twice");
        assert_eq!(ids(&first), ids(&reordered), "{q:?} after indexing in another order");
        assert_eq!(first.total, reordered.total, "{q:?}");
        ties += first
            .results
            .windows(2)
            .filter(|w| w[0].score == w[1].score && w[0].changed == w[1].changed)
            .count();
    }
    // Without ties this test would prove nothing.
    assert!(ties > 100, "only {ties} ties");
}

#[test]
fn distance_sort_is_nearest_first() {
    let dortmund = LatLon { lat: 51.5136, lon: 7.4653 };
    let by_id: HashMap<&str, &IndexedOffer> = DATA.items.iter().map(|i| (i.hub_id.as_str(), i)).collect();
    for q in ["", "Beratung"] {
        let response = search(&[
            ("q", q),
            ("near", "51.5136,7.4653"),
            ("radius_km", "10"),
            ("sort", "distance"),
            ("page_size", "100"),
        ]);
        assert!(response.results.len() > 20, "{q:?}: too few results to check an order");
        let distances: Vec<f64> = response.results.iter().map(|h| h.distance_km.unwrap()).collect();
        assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{q:?}: {distances:?}");
        assert!(distances.iter().all(|d| *d <= 10.0), "{q:?}: {distances:?}");
        // Each distance is the one to the offer's nearest point.
        for hit in &response.results {
            let nearest = by_id[hit.id.as_str()]
                .points
                .iter()
                .map(|p| lotse_geo::haversine_m(dortmund, LatLon { lat: p.lat, lon: p.lon }))
                .fold(f64::MAX, f64::min);
            assert!((hit.distance_km.unwrap() - nearest / 1000.0).abs() <= 0.051, "{}", hit.id);
        }
    }
    // The needle with two locations is as near as its Hamm location.
    let hamm = search(&[("q", "Sprechtage"), ("near", NEAR_HAMM), ("sort", "distance")]);
    assert_eq!(hamm.results[0].id, hub_id("handwerk-sprechtage"));
    assert_eq!(hamm.results[0].distance_km, Some(0.0));
    assert_eq!(hamm.results[0].location.as_ref().map(|l| l.city.as_str()), Some("Hamm"));
}

// ---------------------------------------------------------------------------------------------
// Visibility, changes and output.

#[test]
fn expired_and_defunct_offers_are_hidden_unless_asked_for() {
    let found = |pairs: &[(&str, &str)], needle: &str| ids(&search(pairs)).contains(&hub_id(needle));
    assert!(!found(&[("q", "Ferienprogramm Zollverein")], "expired-ferien-zollverein"));
    assert!(found(
        &[("q", "Ferienprogramm Zollverein"), ("include_expired", "true")],
        "expired-ferien-zollverein"
    ));
    assert!(!found(&[("q", "Nähcafé Phoenix")], "defunct-naehcafe"));
    assert!(found(&[("q", "Nähcafé Phoenix"), ("include_expired", "true")], "defunct-naehcafe"));
    // Only searches without a query would show them otherwise.
    assert!(!found(
        &[("ags", ESSEN), ("offer_type", "familie_kinder"), ("page_size", "100")],
        "expired-ferien-zollverein"
    ));
    // A course is not running outside its dates.
    assert!(!found(&[("q", "Schwimmkurs Westfalenbad"), ("open_on", "2026-10-01")], "schwimmen-fruehling"));
    assert!(!found(&[("q", "Schwimmkurs Westfalenbad"), ("open_on", "2026-05-04")], "schwimmen-herbst"));
    // Expired is measured against the request's day: in the summer of 2025 the holiday
    // programme was on.
    let mut summer = request(&[("q", "Ferienprogramm Zollverein")]);
    summer.today = day("2025-08-01");
    let hits = INDEX.search(&summer).unwrap();
    assert!(ids(&hits).contains(&hub_id("expired-ferien-zollverein")));
    // Defunct stays defunct whatever the day.
    let mut earlier = request(&[("q", "Nähcafé Phoenix")]);
    earlier.today = day("2020-01-01");
    assert!(!ids(&INDEX.search(&earlier).unwrap()).contains(&hub_id("defunct-naehcafe")));
}

#[test]
fn deleted_and_replaced_offers_leave_the_results() {
    // A small index of its own: this test changes it.
    let items: Vec<&IndexedOffer> = DATA.items[..200]
        .iter()
        .chain(DATA.items.iter().filter(|i| DATA.needles.contains_key(&i.offer.id)))
        .collect();
    let index = index_of(items.iter().copied(), usize::MAX);
    let before = search_in(&index, &[]).total;
    assert!(ids(&search_in(&index, &[("q", "Kurs Zollverein")])).contains(&hub_id("ik-zollverein")));

    index
        .stage(&[
            Change::Delete(hub_id("ik-zollverein").to_owned()),
            Change::Delete(hub_id("garten-maxipark").to_owned()),
            // Deleting what is not there changes nothing.
            Change::Delete("stadt-essen/no-such-offer".to_owned()),
        ])
        .unwrap();
    index.commit(100).unwrap();
    assert_eq!(index.checkpoint(), 100);
    assert_eq!(search_in(&index, &[]).total, before - 2);
    assert!(!ids(&search_in(&index, &[("q", "Kurs Zollverein")])).contains(&hub_id("ik-zollverein")));
    assert_eq!(search_in(&index, &[("q", "Gemeinschaftsgarten")]).total, 0);
    assert_eq!(search_in(&index, &[("language", "ti"), ("ags", HAMM)]).total, 0);

    // A changed offer replaces the old version: its old title no longer finds it and it is
    // there once.
    let mut changed = DATA.items.iter().find(|i| i.offer.id == "sprachcafe-ringlokschuppen").unwrap().clone();
    changed.offer.title.insert("de".into(), "Sprachtreff im Ringlokschuppen Mülheim".into());
    changed.offer.categories = vec!["sprachcafe".into()];
    index.stage(&[Change::Upsert(Box::new(changed))]).unwrap();
    index.commit(101).unwrap();
    assert_eq!(search_in(&index, &[("q", "Ringlokschuppen")]).total, 1);
    assert_eq!(ids(&search_in(&index, &[("q", "Sprachtreff")])), [hub_id("sprachcafe-ringlokschuppen")]);
    assert!(
        search_in(&index, &[("q", "Sprachcafé Ringlokschuppen")])
            .results
            .iter()
            .all(|h| h.title.contains("Sprachtreff"))
    );
    assert_eq!(search_in(&index, &[]).total, before - 2);
}

#[test]
fn snippets_escape_markup_from_offer_texts() {
    let response = search(&[("q", "Theater Gasometer")]);
    let hit =
        response.results.iter().find(|h| h.id == hub_id("theater-gasometer")).expect("the theatre needle");
    let s = &hit.snippet;
    assert!(!s.contains("<script"), "{s}");
    assert!(s.contains("&lt;script&gt;"), "{s}");
    assert!(s.contains("&amp;"), "{s}");
    assert!(s.contains("<mark>Theater</mark>"), "{s}");
    // Apart from the marks, nothing in the snippet is a tag.
    let bare = s.replace("<mark>", "").replace("</mark>", "");
    assert!(!bare.contains('<') && !bare.contains('>'), "{s}");
}

/// Not a relevance check but a guard for the others: the haystack covers what the needles
/// compete with.
#[test]
fn the_haystack_is_large_and_varied() {
    let generated = &DATA.items[..GENERATED];
    let types: HashSet<&str> = generated.iter().map(|i| i.offer.offer_type.as_str()).collect();
    assert_eq!(types.len(), 7);
    for ags in [ESSEN, DORTMUND, BOCHUM, MUELHEIM, GELSENKIRCHEN, OBERHAUSEN, DUISBURG, HERNE, HAGEN, HAMM] {
        let n = generated.iter().filter(|i| values(i, "ags").iter().any(|a| a == ags)).count();
        assert!(n >= 30, "{ags}: only {n} generated offers");
    }
    assert_eq!(INDEX.num_docs(), DATA.items.len() as u64);
}
