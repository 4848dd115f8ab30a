//! What organizations are written from: the kinds of institution a municipality has besides
//! the providers of offers (day-care centres, schools of every type, counselling centres,
//! branch libraries, jobcentre offices, youth centres …), how they are named and run, and per
//! type a profile: the life phases served, opening hours, the sentences of the description,
//! e-mail mailboxes and the links stewards give.
//!
//! Placeholders in braces are filled per organization: `{city}`, `{quarter}`, `{op}` (the
//! operator's short name), `{kita}`, `{church}`, `{saint}`, `{at}`, `{patron}`, `{vpatron}`,
//! `{jobcenter}`, `{aa}`. No text may contain `<`, `>` or `&`; a test checks the pools.

use crate::providers::{Fam, ProviderInfo};

/// When an organization is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hours {
    Kita,
    School,
    /// Consultation hours of an office or a counselling centre.
    Office,
    Library,
    Youth,
    Vhs,
    Jobcenter,
    Chamber,
    University,
    /// A club's office, two evenings a week.
    Club,
}

/// The links a steward gives for an organization, besides its website.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkKind {
    /// The municipality's day-care registration portal (`registration`).
    KitaPortal,
    /// The municipality's school registration page (`registration`).
    SchoolRegistration,
    /// The organization's course registration (`registration`).
    CourseRegistration,
    /// Booking an appointment online (`registration`).
    Appointment,
    /// The municipality's page in the Integreat app (`integreat`).
    Integreat,
    /// An account on a social network (`social_media`).
    SocialMedia,
}

/// Where an organization's e-mail addresses and web pages live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Domain {
    /// On the town hall's domain, under the given section (`/kita/…`).
    City(&'static str),
    /// On its operator's domain.
    Operator,
    /// A domain of its own, made from its name (schools too, though they are mailed at their
    /// number, `{schulnummer}@schule.nrw.de`).
    Own,
}

/// What an organization of a type says about itself and how it is reached.
#[derive(Debug)]
pub(crate) struct Profile {
    pub phases: &'static [&'static str],
    pub hours: Hours,
    /// German sentences of the description: the first always, the others now and then.
    pub about: &'static [&'static str],
    /// One English sentence, for the organizations that describe themselves in English too.
    pub about_en: &'static str,
    /// Mailboxes of its e-mail addresses.
    pub mail: &'static [&'static str],
    /// Names of the contact when it is a team, not a person.
    pub teams: &'static [&'static str],
    pub links: &'static [LinkKind],
    /// Share (per mille) of organizations of the type that name languages besides German.
    pub languages: u32,
}

/// A type of institution that is not a provider of offers.
#[derive(Debug)]
pub(crate) struct Institution {
    pub kind: &'static str,
    pub school_type: Option<&'static str>,
    pub weight: u32,
    pub names: &'static [&'static str],
    pub name_en: Option<&'static str>,
    /// The families that run it; the one chosen becomes `part_of` and `{op}`.
    pub operators: &'static [Fam],
    pub domain: Domain,
    pub profile: &'static Profile,
}

pub(crate) const KITA_NAMES: &[&str] = &[
    "Sonnenschein",
    "Regenbogen",
    "Pusteblume",
    "Löwenzahn",
    "Zwergenland",
    "Sternschnuppe",
    "Arche Noah",
    "Kunterbunt",
    "Wirbelwind",
    "Schatzkiste",
    "Sonnenblume",
    "Abenteuerland",
    "Villa Kunterbunt",
    "Wichtelhaus",
    "Rappelkiste",
    "Purzelbaum",
    "Spatzennest",
    "Marienkäfer",
    "Glühwürmchen",
    "Traumzauberbaum",
];
pub(crate) const CHURCHES: &[&str] = &[
    "Christuskirche",
    "Lutherkirche",
    "Pauluskirche",
    "Friedenskirche",
    "Johanneskirche",
    "Matthäuskirche",
    "Markuskirche",
    "Versöhnungskirche",
];
pub(crate) const SAINTS: &[&str] = &[
    "St. Marien",
    "St. Josef",
    "St. Antonius",
    "Heilig Kreuz",
    "St. Elisabeth",
    "St. Ludgerus",
    "St. Barbara",
    "St. Franziskus",
    "Herz Jesu",
];
pub(crate) const LOCALITIES: &[&str] = &[
    "am Stadtpark",
    "am Stadtgarten",
    "am Volkspark",
    "am Wasserturm",
    "an der Kirche",
    "am Lindenplatz",
    "im Grünen",
    "am Hellweg",
    "an der Emscher",
    "am Rathaus",
    "am Schlosspark",
    "an der Zeche",
];

const KITA: Profile = Profile {
    phases: &["kleinkind_0_3", "kita_3_6"],
    hours: Hours::Kita,
    about: &[
        "Unsere Kita betreut Kinder von vier Monaten bis zum Schuleintritt.",
        "Sprachliche Bildung im Alltag, Bewegung und Natur sind Schwerpunkte unserer pädagogischen Arbeit.",
        "Familien aus vielen Ländern sind bei uns zu Hause; wir feiern die Feste der Kulturen unserer Kinder.",
        "Die Plätze werden über den Kita-Navigator der Stadt {city} vergeben.",
        "Eine Eingewöhnung nach dem Berliner Modell begleitet jedes Kind in den ersten Wochen.",
    ],
    about_en: "Day-care centre in {quarter}, {city}, for children from four months until they start school.",
    mail: &["kita", "leitung", "info"],
    teams: &["Kita-Leitung", "Büro der Kita"],
    links: &[LinkKind::KitaPortal, LinkKind::Integreat],
    languages: 450,
};

const FAMILY_CENTRE: Profile = Profile {
    phases: &["schwangerschaft_geburt", "kleinkind_0_3", "kita_3_6"],
    hours: Hours::Kita,
    about: &[
        "Als Familienzentrum NRW verbinden wir die Kita mit Beratung, Elternkursen und Treffpunkten für Familien im Stadtteil {quarter}.",
        "Jeden Monat bietet eine Erziehungsberaterin eine offene Sprechstunde in unserem Haus an.",
        "Eltern-Kind-Gruppen, Sprachcafés und Familienbildung stehen allen Familien offen, nicht nur denen unserer Kita.",
    ],
    about_en: "Family centre in {quarter}, {city}: day care, counselling and courses for parents under one roof.",
    mail: &["familienzentrum", "info", "kita"],
    teams: &["Leitung Familienzentrum"],
    links: &[LinkKind::KitaPortal, LinkKind::Integreat, LinkKind::SocialMedia],
    languages: 500,
};

const SCHOOL_NEWCOMERS: &str = "Neu zugewanderte Kinder und Jugendliche lernen zunächst in einer Sprachfördergruppe Deutsch und wechseln dann Schritt für Schritt in den Unterricht ihrer Klasse.";

const GRUNDSCHULE: Profile = Profile {
    phases: &["grundschule_6_10"],
    hours: Hours::School,
    about: &[
        "Wir sind eine Grundschule im Stadtteil {quarter} mit offenem Ganztag bis 16 Uhr.",
        SCHOOL_NEWCOMERS,
        "Die Anmeldung für das erste Schuljahr erfolgt im Herbst des Vorjahres.",
        "Eine Schulsozialarbeiterin berät Kinder und Eltern, auch mit Dolmetschung.",
    ],
    about_en: "Primary school in {quarter}, {city}, with all-day care until 4 pm.",
    mail: &["sekretariat", "schulleitung"],
    teams: &["Sekretariat", "Schulleitung"],
    links: &[LinkKind::SchoolRegistration, LinkKind::Integreat],
    languages: 250,
};

const GESAMTSCHULE: Profile = Profile {
    phases: &["schule_10_16", "uebergang_16_25"],
    hours: Hours::School,
    about: &[
        "Unsere Gesamtschule führt zu allen Abschlüssen bis zum Abitur; die gymnasiale Oberstufe arbeitet mit Partnerschulen zusammen.",
        SCHOOL_NEWCOMERS,
        "Ab Klasse 8 begleiten wir jede Schülerin und jeden Schüler bei der Berufsorientierung nach KAoA.",
        "Die Anmeldung für Klasse 5 findet im Februar statt.",
    ],
    about_en: "Comprehensive school in {quarter}, {city}, leading to every school-leaving certificate.",
    mail: &["sekretariat", "info"],
    teams: &["Sekretariat"],
    links: &[LinkKind::SchoolRegistration],
    languages: 200,
};

const GYMNASIUM: Profile = Profile {
    phases: &["schule_10_16", "uebergang_16_25"],
    hours: Hours::School,
    about: &[
        "Unser Gymnasium führt in neun Jahren zum Abitur.",
        "Herkunftssprachlicher Unterricht in Türkisch und Arabisch kann als zweite Fremdsprache anerkannt werden.",
        SCHOOL_NEWCOMERS,
    ],
    about_en: "Grammar school in {quarter}, {city}, leading to the Abitur.",
    mail: &["sekretariat", "info"],
    teams: &["Sekretariat"],
    links: &[LinkKind::SchoolRegistration],
    languages: 150,
};

const REALSCHULE: Profile = Profile {
    phases: &["schule_10_16"],
    hours: Hours::School,
    about: &[
        "Unsere Realschule führt zum mittleren Schulabschluss (Fachoberschulreife).",
        "Praktika in Betrieben der Region bereiten den Übergang in Ausbildung oder Oberstufe vor.",
        SCHOOL_NEWCOMERS,
    ],
    about_en: "Secondary school (Realschule) in {quarter}, {city}.",
    mail: &["sekretariat"],
    teams: &["Sekretariat"],
    links: &[LinkKind::SchoolRegistration],
    languages: 200,
};

const SEKUNDARSCHULE: Profile = Profile {
    phases: &["schule_10_16"],
    hours: Hours::School,
    about: &[
        "Unsere Sekundarschule führt in den Klassen 5 bis 10 zu allen Abschlüssen der Sekundarstufe I.",
        "Wer das Abitur machen möchte, wechselt an die Oberstufe unserer Partnerschule.",
        SCHOOL_NEWCOMERS,
    ],
    about_en: "Secondary school (Sekundarschule) in {quarter}, {city}, years 5 to 10.",
    mail: &["sekretariat"],
    teams: &["Sekretariat"],
    links: &[LinkKind::SchoolRegistration],
    languages: 250,
};

const HAUPTSCHULE: Profile = Profile {
    phases: &["schule_10_16", "uebergang_16_25"],
    hours: Hours::School,
    about: &[
        "Unsere Hauptschule führt zum Hauptschulabschluss und zur Fachoberschulreife.",
        "Eine Berufseinstiegsbegleitung unterstützt unsere Schülerinnen und Schüler auf dem Weg in die Ausbildung.",
        SCHOOL_NEWCOMERS,
    ],
    about_en: "Secondary school (Hauptschule) in {quarter}, {city}.",
    mail: &["sekretariat"],
    teams: &["Sekretariat"],
    links: &[],
    languages: 300,
};

const FOERDERSCHULE: Profile = Profile {
    phases: &["grundschule_6_10", "schule_10_16"],
    hours: Hours::School,
    about: &[
        "Unsere Förderschule unterrichtet Kinder und Jugendliche mit sonderpädagogischem Unterstützungsbedarf in kleinen Klassen.",
        "Ein Fahrdienst bringt die Kinder aus dem ganzen Stadtgebiet zur Schule.",
    ],
    about_en: "Special-needs school in {city} with small classes.",
    mail: &["sekretariat"],
    teams: &["Sekretariat"],
    links: &[],
    languages: 150,
};

const BERUFSKOLLEG: Profile = Profile {
    phases: &["uebergang_16_25", "erwachsene"],
    hours: Hours::School,
    about: &[
        "Das Berufskolleg verbindet Berufsschule, Ausbildungsvorbereitung und Bildungsgänge bis zur Fachhochschulreife.",
        "In internationalen Förderklassen lernen neu zugewanderte Jugendliche ab 16 Jahren Deutsch und bereiten sich auf eine Ausbildung vor.",
        "Beratungstermine für die Anmeldung gibt es ab Januar.",
    ],
    about_en: "Vocational college in {city}: vocational school, pre-vocational classes and courses up to university entrance.",
    mail: &["sekretariat", "beratung"],
    teams: &["Sekretariat", "Bildungsgangberatung"],
    links: &[LinkKind::SchoolRegistration, LinkKind::Appointment],
    languages: 200,
};

const WEITERBILDUNGSKOLLEG: Profile = Profile {
    phases: &["uebergang_16_25", "erwachsene"],
    hours: Hours::School,
    about: &[
        "Am Weiterbildungskolleg holen Erwachsene Schulabschlüsse nach, vom Hauptschulabschluss bis zum Abitur, am Abend oder am Vormittag.",
        "Ausländische Zeugnisse werden bei der Aufnahme berücksichtigt; wir beraten Sie gern.",
    ],
    about_en: "Second-chance school in {city}: adults catch up on school-leaving certificates.",
    mail: &["sekretariat", "beratung"],
    teams: &["Sekretariat"],
    links: &[LinkKind::Appointment],
    languages: 300,
};

const EDUCATIONAL_COUNSELLING: Profile = Profile {
    phases: &["kleinkind_0_3", "kita_3_6", "grundschule_6_10", "schule_10_16"],
    hours: Hours::Office,
    about: &[
        "Die Beratungsstelle berät Eltern, Kinder und Jugendliche bei Fragen der Erziehung, bei Sorgen in der Familie und in der Schule.",
        "Die Beratung ist kostenlos, vertraulich und auf Wunsch anonym.",
        "Termine gibt es meist innerhalb von zwei Wochen, in Krisen schneller.",
    ],
    about_en: "Counselling for parents, children and young people in {city}: free and confidential.",
    mail: &["beratungsstelle", "info"],
    teams: &["Anmeldung", "Sekretariat"],
    links: &[LinkKind::Appointment, LinkKind::Integreat],
    languages: 600,
};

const DEBT_COUNSELLING: Profile = Profile {
    phases: &["erwachsene", "senioren"],
    hours: Hours::Office,
    about: &[
        "Die Schuldner- und Insolvenzberatung hilft, einen Überblick über Schulden zu gewinnen und mit Gläubigern zu verhandeln.",
        "Wir stellen Bescheinigungen für das Pfändungsschutzkonto aus und begleiten das Verbraucherinsolvenzverfahren.",
    ],
    about_en: "Debt counselling in {city}: an overview of your debts, talks with creditors, insolvency.",
    mail: &["schuldnerberatung"],
    teams: &["Anmeldung"],
    links: &[LinkKind::Appointment],
    languages: 500,
};

const MIGRATION_COUNSELLING: Profile = Profile {
    phases: &["erwachsene"],
    hours: Hours::Office,
    about: &[
        "Die Migrationsberatung für erwachsene Zugewanderte (MBE) berät zu Aufenthalt, Sprachkursen, Arbeit, Wohnung und Familie.",
        "Wir helfen beim Ausfüllen von Anträgen und vermitteln an Fachstellen.",
        "Die Beratung wird vom Bundesamt für Migration und Flüchtlinge gefördert und ist kostenlos.",
    ],
    about_en: "Migration counselling for adults in {city}: residence, language courses, work, housing and family.",
    mail: &["mbe", "migrationsberatung"],
    teams: &["Migrationsberatung"],
    links: &[LinkKind::Appointment, LinkKind::Integreat],
    languages: 900,
};

const YOUTH_MIGRATION: Profile = Profile {
    phases: &["schule_10_16", "uebergang_16_25"],
    hours: Hours::Office,
    about: &[
        "Der Jugendmigrationsdienst begleitet junge Zugewanderte von 12 bis 27 Jahren auf dem Weg in Schule, Ausbildung und Beruf.",
        "Wir beraten auch Eltern und arbeiten eng mit Schulen im Stadtgebiet zusammen.",
    ],
    about_en: "Youth migration service in {city} for young newcomers aged 12 to 27.",
    mail: &["jmd"],
    teams: &["Jugendmigrationsdienst"],
    links: &[LinkKind::Integreat, LinkKind::SocialMedia],
    languages: 900,
};

const PREGNANCY_COUNSELLING: Profile = Profile {
    phases: &["schwangerschaft_geburt", "kleinkind_0_3"],
    hours: Hours::Office,
    about: &[
        "Die Schwangerschaftsberatung berät rund um Schwangerschaft, Geburt und die ersten Lebensjahre des Kindes.",
        "Wir helfen bei Anträgen auf Elterngeld, Kindergeld und Mittel der Bundesstiftung Mutter und Kind.",
    ],
    about_en: "Counselling on pregnancy, birth and the first years with a child in {city}.",
    mail: &["schwangerschaftsberatung"],
    teams: &["Beratungsteam"],
    links: &[LinkKind::Appointment, LinkKind::Integreat],
    languages: 700,
};

const FAMILY_OFFICE: Profile = Profile {
    phases: &["schwangerschaft_geburt", "kleinkind_0_3", "kita_3_6"],
    hours: Hours::Office,
    about: &[
        "Das Familienbüro ist die erste Anlaufstelle der Stadt {city} für junge Familien: Willkommensbesuche, Kita-Suche, Elterngeld und Familienangebote.",
        "Die Frühen Hilfen der Stadt vermitteln Familienhebammen und Familienpatenschaften.",
    ],
    about_en: "The family office of {city}: the first point of contact for young families.",
    mail: &["familienbuero"],
    teams: &["Familienbüro"],
    links: &[LinkKind::KitaPortal, LinkKind::Integreat],
    languages: 500,
};

const LIBRARY: Profile = Profile {
    phases: &["kita_3_6", "grundschule_6_10", "schule_10_16", "erwachsene", "senioren"],
    hours: Hours::Library,
    about: &[
        "Die Bibliothek leiht Bücher, Zeitschriften, Filme und Spiele aus, auch in vielen Sprachen.",
        "Für Kinder gibt es Vorlesestunden, für Erwachsene Sprachcafés und Hilfe bei der Onleihe.",
        "Mit dem Bibliotheksausweis können Sie Computer und WLAN kostenlos nutzen.",
    ],
    about_en: "Public library in {city}: books, films and games in many languages, reading hours and language cafés.",
    mail: &["bibliothek", "stadtbibliothek"],
    teams: &["Information", "Ausleihe"],
    links: &[LinkKind::Integreat, LinkKind::SocialMedia],
    languages: 300,
};

const VHS: Profile = Profile {
    phases: &["uebergang_16_25", "erwachsene", "senioren"],
    hours: Hours::Vhs,
    about: &[
        "Die Volkshochschule ist das Weiterbildungszentrum der Stadt {city}: Sprach- und Integrationskurse, Schulabschlüsse, berufliche Bildung, Gesundheit und Kultur.",
        "Als zugelassener Träger bietet sie Integrationskurse des Bundesamts für Migration und Flüchtlinge an und berät zur Einstufung.",
        "Das Kursprogramm erscheint zweimal im Jahr, im Januar und im August.",
    ],
    about_en: "The adult education centre of {city}: language and integration courses, school-leaving certificates, vocational training.",
    mail: &["info", "sprachen", "anmeldung"],
    teams: &["Kundenservice", "Fachbereich Sprachen"],
    links: &[LinkKind::CourseRegistration, LinkKind::Integreat],
    languages: 400,
};

const LANGUAGE_SCHOOL: Profile = Profile {
    phases: &["uebergang_16_25", "erwachsene"],
    hours: Hours::Office,
    about: &[
        "Wir sind ein zugelassener Träger für Integrationskurse und Berufssprachkurse in {city}.",
        "Einstufungstests finden jede Woche statt; Kurse beginnen laufend.",
    ],
    about_en: "Language school in {city}: integration courses and job-related German courses.",
    mail: &["info", "anmeldung"],
    teams: &["Kursberatung"],
    links: &[LinkKind::CourseRegistration],
    languages: 700,
};

const JOBCENTRE: Profile = Profile {
    phases: &["uebergang_16_25", "erwachsene"],
    hours: Hours::Jobcenter,
    about: &[
        "Das Jobcenter unterstützt erwerbsfähige Menschen, die Bürgergeld beziehen, bei der Suche nach Arbeit und Ausbildung.",
        "Anliegen können Sie auch online über jobcenter.digital erledigen.",
        "Für Menschen mit geringen Deutschkenntnissen vermitteln wir Dolmetschung zu den Terminen.",
    ],
    about_en: "Jobcentre: help with finding work and training for people receiving citizen's income.",
    mail: &["jobcenter"],
    teams: &["Eingangszone", "Servicecenter"],
    links: &[LinkKind::Appointment, LinkKind::Integreat],
    languages: 400,
};

const EMPLOYMENT_AGENCY: Profile = Profile {
    phases: &["uebergang_16_25", "erwachsene"],
    hours: Hours::Jobcenter,
    about: &[
        "Die Agentur für Arbeit berät zu Ausbildung, Studium, Beruf und Arbeitslosengeld.",
        "Die Berufsberatung kommt auch in die Schulen und ist für alle kostenlos.",
    ],
    about_en: "Employment agency: guidance on training, study, work and unemployment benefit.",
    mail: &["info"],
    teams: &["Eingangszone"],
    links: &[LinkKind::Appointment],
    languages: 200,
};

const CAREERS_CENTRE: Profile = Profile {
    phases: &["schule_10_16", "uebergang_16_25"],
    hours: Hours::Jobcenter,
    about: &[
        "Im Berufsinformationszentrum finden Jugendliche und Erwachsene Informationen zu Berufen, Ausbildung und Studium.",
        "Schulklassen können Termine für Gruppenbesuche vereinbaren.",
    ],
    about_en: "Careers information centre: jobs, training and study, open to everyone.",
    mail: &["biz"],
    teams: &["BiZ-Team"],
    links: &[LinkKind::Appointment],
    languages: 100,
};

const YOUTH_CAREERS_AGENCY: Profile = Profile {
    phases: &["schule_10_16", "uebergang_16_25"],
    hours: Hours::Jobcenter,
    about: &[
        "In der Jugendberufsagentur beraten Agentur für Arbeit, Jobcenter und Jugendhilfe junge Menschen unter 25 an einem Ort.",
        "Niemand soll nach der Schule verloren gehen: wir helfen beim Übergang in Ausbildung, Studium oder Arbeit.",
    ],
    about_en: "Youth careers agency in {city}: one place for young people under 25 on their way into work.",
    mail: &["jugendberufsagentur"],
    teams: &["Empfang"],
    links: &[LinkKind::Appointment, LinkKind::SocialMedia],
    languages: 300,
};

const CHAMBER: Profile = Profile {
    phases: &["uebergang_16_25", "erwachsene"],
    hours: Hours::Chamber,
    about: &[
        "Die Kammer berät Betriebe und Auszubildende, nimmt Prüfungen ab und prüft die Gleichwertigkeit ausländischer Berufsabschlüsse.",
        "Die Ausbildungsberatung vermittelt bei Fragen und Konflikten in der Ausbildung.",
    ],
    about_en: "Chamber: apprenticeships, examinations and recognition of foreign vocational qualifications.",
    mail: &["info", "ausbildung", "anerkennung"],
    teams: &["Ausbildungsberatung", "Anerkennungsberatung"],
    links: &[LinkKind::Appointment],
    languages: 100,
};

const UNIVERSITY: Profile = Profile {
    phases: &["uebergang_16_25", "erwachsene"],
    hours: Hours::University,
    about: &[
        "Das International Office berät internationale Studieninteressierte zu Bewerbung, Zulassung und Studienvorbereitung.",
        "Geflüchtete können vor dem Studium Deutschkurse und Programme zur Studienorientierung besuchen.",
    ],
    about_en: "University: advice for international applicants, preparatory German courses and study orientation.",
    mail: &["international", "studienberatung"],
    teams: &["International Office", "Zentrale Studienberatung"],
    links: &[LinkKind::Appointment, LinkKind::SocialMedia],
    languages: 600,
};

const LAW_CLINIC: Profile = Profile {
    phases: &["erwachsene"],
    hours: Hours::Office,
    about: &[
        "Studierende der Rechtswissenschaft beraten unter Aufsicht von Volljuristinnen und Volljuristen kostenlos im Asyl- und Aufenthaltsrecht.",
        "Die Beratung ersetzt keine anwaltliche Vertretung vor Gericht.",
    ],
    about_en: "Refugee law clinic: free advice on asylum and residence law by supervised law students.",
    mail: &["beratung", "info"],
    teams: &["Beratungsteam"],
    links: &[LinkKind::Appointment],
    languages: 800,
};

const INTEGRATION_CENTRE: Profile = Profile {
    phases: &["kita_3_6", "grundschule_6_10", "schule_10_16", "uebergang_16_25", "erwachsene"],
    hours: Hours::Office,
    about: &[
        "Das Kommunale Integrationszentrum koordiniert Integration durch Bildung: Seiteneinstieg in die Schule, Sprachförderung, Elternbildung und Arbeit gegen Diskriminierung.",
        "Neu zugewanderte Familien werden hier zur Schulplatzvergabe beraten.",
        "Das Kommunale Integrationsmanagement verbindet Ausländerbehörde, Jobcenter und Beratungsstellen in einer Fallbegleitung.",
    ],
    about_en: "Municipal integration centre: school places for newcomers, language support, parent education, anti-discrimination work.",
    mail: &["ki", "integration"],
    teams: &["Kommunales Integrationszentrum", "Seiteneinstiegsberatung"],
    links: &[LinkKind::Integreat, LinkKind::Appointment],
    languages: 700,
};

const SOCIAL_OFFICE: Profile = Profile {
    phases: &["erwachsene", "senioren"],
    hours: Hours::Office,
    about: &[
        "Der Fachbereich Soziales und Integration ist zuständig für Leistungen nach dem Asylbewerberleistungsgesetz, Unterbringung und soziale Hilfen.",
        "Termine vergibt das Servicebüro telefonisch oder online.",
    ],
    about_en: "Social services of {city}: benefits for asylum seekers, housing and social assistance.",
    mail: &["soziales"],
    teams: &["Servicebüro"],
    links: &[LinkKind::Appointment, LinkKind::Integreat],
    languages: 300,
};

const YOUTH_OFFICE: Profile = Profile {
    phases: &["schwangerschaft_geburt", "kleinkind_0_3", "kita_3_6", "grundschule_6_10", "schule_10_16"],
    hours: Hours::Office,
    about: &[
        "Das Jugendamt berät Familien, vergibt Kita-Plätze und ist für Kinderschutz, Vormundschaften und Hilfen zur Erziehung zuständig.",
        "Die Frühen Hilfen begleiten Schwangere und Familien mit Kindern bis drei Jahre.",
    ],
    about_en: "Youth welfare office of {city}: day-care places, family support and child protection.",
    mail: &["jugendamt"],
    teams: &["Servicestelle"],
    links: &[LinkKind::KitaPortal, LinkKind::Integreat],
    languages: 300,
};

const SCHOOL_OFFICE: Profile = Profile {
    phases: &["grundschule_6_10", "schule_10_16", "uebergang_16_25"],
    hours: Hours::Office,
    about: &[
        "Das Schulamt ist Schulträger und Schulaufsicht der Grund-, Haupt- und Förderschulen.",
        "Schulpflichtige Kinder, die neu zugezogen sind, melden Sie hier zur Schule an.",
    ],
    about_en: "School office: registration of children who have newly arrived, supervision of schools.",
    mail: &["schulamt"],
    teams: &["Schulanmeldung"],
    links: &[LinkKind::SchoolRegistration, LinkKind::Integreat],
    languages: 200,
};

const CITIZENS_OFFICE: Profile = Profile {
    phases: &["erwachsene", "senioren"],
    hours: Hours::Office,
    about: &[
        "Im Bürgerbüro melden Sie Ihren Wohnsitz an, beantragen Ausweise und erhalten Bescheinigungen.",
        "Termine vergeben wir online; für dringende Anliegen gibt es eine offene Sprechstunde.",
    ],
    about_en: "Citizens' office: registering your address, identity documents and certificates.",
    mail: &["buergerbuero"],
    teams: &["Bürgerbüro"],
    links: &[LinkKind::Appointment],
    languages: 100,
};

const EDUCATION_OFFICE: Profile = Profile {
    phases: &["kita_3_6", "grundschule_6_10", "schule_10_16", "uebergang_16_25", "erwachsene"],
    hours: Hours::Office,
    about: &[
        "Das Bildungsbüro koordiniert das kommunale Bildungsmanagement: Bildungsberichte, Übergänge von der Kita bis in den Beruf und die Bildungsberatung.",
        "Es arbeitet mit Schulen, Kitas, Trägern und der Wirtschaft im Regionalen Bildungsnetzwerk zusammen.",
    ],
    about_en: "Education office of {city}: local education management from day care to work.",
    mail: &["bildungsbuero"],
    teams: &["Bildungsbüro"],
    links: &[LinkKind::Integreat],
    languages: 100,
};

const YOUTH_CENTRE: Profile = Profile {
    phases: &["grundschule_6_10", "schule_10_16", "uebergang_16_25"],
    hours: Hours::Youth,
    about: &[
        "Das Haus ist offener Treffpunkt für Kinder und Jugendliche aus {quarter}: Billard, Musikraum, Sport und Hausaufgabenhilfe.",
        "In den Ferien gibt es Ausflüge und Workshops; die Teilnahme ist kostenlos.",
    ],
    about_en: "Open youth centre in {quarter}: games, music, sports and homework help.",
    mail: &["jugendzentrum", "info"],
    teams: &["Team des Hauses"],
    links: &[LinkKind::SocialMedia],
    languages: 400,
};

const MEETING_PLACE: Profile = Profile {
    phases: &["kleinkind_0_3", "erwachsene", "senioren"],
    hours: Hours::Office,
    about: &[
        "Unser Haus ist Treffpunkt für alle Generationen in {quarter}: Sprachcafé, Nähwerkstatt, Eltern-Kind-Gruppe und Seniorentreff.",
        "Vereine und Initiativen aus dem Stadtteil können unsere Räume nutzen.",
    ],
    about_en: "Meeting place for all generations in {quarter}: language café, workshops and groups.",
    mail: &["info", "treff"],
    teams: &["Hausleitung"],
    links: &[LinkKind::SocialMedia],
    languages: 500,
};

const WELFARE: Profile = Profile {
    phases: &["kita_3_6", "schule_10_16", "uebergang_16_25", "erwachsene", "senioren"],
    hours: Hours::Office,
    about: &[
        "Als Wohlfahrtsverband tragen wir Kitas, Beratungsstellen, Migrationsdienste und offene Angebote in {city}.",
        "Unsere Beratung ist kostenlos und steht allen offen, unabhängig von Herkunft und Religion.",
        "Ehrenamtliche unterstützen unsere Arbeit, etwa in Sprachcafés und Patenschaften.",
    ],
    about_en: "Welfare association running day-care centres, counselling services and migration services in {city}.",
    mail: &["info", "geschaeftsstelle"],
    teams: &["Geschäftsstelle", "Zentrale"],
    links: &[LinkKind::Integreat, LinkKind::SocialMedia],
    languages: 500,
};

const COMMUNITY: Profile = Profile {
    phases: &["kita_3_6", "schule_10_16", "erwachsene"],
    hours: Hours::Club,
    about: &[
        "Unser Verein ist Anlaufstelle für Zugewanderte in {city}: Beratung in der Herkunftssprache, Hausaufgabenhilfe und Begegnung.",
        "Ehrenamtliche begleiten zu Ämtern und übersetzen.",
    ],
    about_en: "Community association in {city}: advice in the languages of origin, homework help, meeting place.",
    mail: &["info", "kontakt"],
    teams: &["Vorstand"],
    links: &[LinkKind::SocialMedia],
    languages: 950,
};

const WOMENS_COUNSELLING: Profile = Profile {
    phases: &["erwachsene"],
    hours: Hours::Office,
    about: &[
        "Die Frauenberatungsstelle berät Frauen in Krisen, nach Gewalt und bei Trennung, auf Wunsch anonym.",
        "Dolmetscherinnen können zu den Gesprächen hinzugezogen werden.",
    ],
    about_en: "Counselling for women in crisis, after violence and in separation.",
    mail: &["beratung", "info"],
    teams: &["Beratungsteam"],
    links: &[LinkKind::Appointment],
    languages: 800,
};

const PSYCHOSOCIAL: Profile = Profile {
    phases: &["schule_10_16", "uebergang_16_25", "erwachsene"],
    hours: Hours::Office,
    about: &[
        "Das Psychosoziale Zentrum bietet Geflüchteten Beratung, Psychotherapie und Begleitung nach Krieg, Flucht und Gewalt.",
        "Gespräche finden mit geschulten Sprachmittlerinnen und Sprachmittlern statt.",
    ],
    about_en: "Psychosocial centre for refugees: counselling and therapy after war, flight and violence.",
    mail: &["psz", "info"],
    teams: &["Anmeldung"],
    links: &[LinkKind::Appointment],
    languages: 900,
};

const CHILD_PROTECTION: Profile = Profile {
    phases: &["kleinkind_0_3", "kita_3_6", "grundschule_6_10", "schule_10_16"],
    hours: Hours::Office,
    about: &[
        "Der Kinderschutzbund setzt sich für die Rechte von Kindern ein: Elternkurse, Kindersorgentelefon und begleiteter Umgang.",
        "Familienpatinnen und -paten unterstützen Familien im Alltag.",
    ],
    about_en: "Child protection association: parenting courses, helplines and family mentors.",
    mail: &["info"],
    teams: &["Geschäftsstelle"],
    links: &[LinkKind::SocialMedia],
    languages: 300,
};

const RECOGNITION: Profile = Profile {
    phases: &["erwachsene"],
    hours: Hours::Office,
    about: &[
        "Die Anerkennungsberatung des IQ Netzwerks informiert über die Anerkennung ausländischer Berufs- und Studienabschlüsse.",
        "Wir klären, welche Stelle zuständig ist, und begleiten bis zum Bescheid und zu Anpassungsqualifizierungen.",
    ],
    about_en: "Recognition counselling: how to have foreign vocational and academic qualifications recognised.",
    mail: &["anerkennung"],
    teams: &["Anerkennungsberatung"],
    links: &[LinkKind::Appointment],
    languages: 900,
};

const NEIGHBOURHOOD_CENTRE: Profile = Profile {
    phases: &["kita_3_6", "grundschule_6_10", "erwachsene", "senioren"],
    hours: Hours::Office,
    about: &[
        "Das Stadtteilzentrum ist Treffpunkt, Beratungsort und Veranstaltungshaus für {quarter}.",
        "Hier finden Sprachkurse, Sozialberatung, Kindergruppen und Feste statt.",
    ],
    about_en: "Neighbourhood centre in {quarter}: meeting place, advice and events.",
    mail: &["info"],
    teams: &["Stadtteilbüro"],
    links: &[LinkKind::SocialMedia],
    languages: 500,
};

const SPORTS_CLUB: Profile = Profile {
    phases: &["kita_3_6", "grundschule_6_10", "schule_10_16", "erwachsene"],
    hours: Hours::Club,
    about: &[
        "Unser Verein bietet Fußball, Turnen, Schwimmen und Kampfsport für alle Altersgruppen.",
        "Über das Bildungs- und Teilhabepaket kann der Mitgliedsbeitrag übernommen werden.",
    ],
    about_en: "Sports club: football, gymnastics, swimming and martial arts for all ages.",
    mail: &["info", "geschaeftsstelle"],
    teams: &["Geschäftsstelle"],
    links: &[LinkKind::SocialMedia],
    languages: 150,
};

const CULTURE: Profile = Profile {
    phases: &["kita_3_6", "grundschule_6_10", "schule_10_16", "uebergang_16_25"],
    hours: Hours::Office,
    about: &[
        "Wir bieten Kurse und Projekte in Musik, Theater, Tanz und Kunst für Kinder und Jugendliche.",
        "Mit dem Kulturrucksack NRW sind viele Workshops kostenlos.",
    ],
    about_en: "Arts education for children and young people: music, theatre, dance and art.",
    mail: &["info"],
    teams: &["Büro"],
    links: &[LinkKind::CourseRegistration, LinkKind::SocialMedia],
    languages: 200,
};

const YOUTH_WELFARE: Profile = Profile {
    phases: &["kita_3_6", "grundschule_6_10", "schule_10_16", "uebergang_16_25"],
    hours: Hours::Office,
    about: &[
        "Wir sind ein freier Träger der Kinder- und Jugendhilfe: Schulsozialarbeit, offener Ganztag und ambulante Erziehungshilfen.",
        "Unsere Teams arbeiten an Schulen und in Familien im ganzen Stadtgebiet.",
    ],
    about_en: "Independent youth welfare provider: school social work, all-day care and family support.",
    mail: &["info", "verwaltung"],
    teams: &["Verwaltung"],
    links: &[LinkKind::SocialMedia],
    languages: 300,
};

/// The kind and profile of a provider of offers as an organization: more specific than the
/// provider kind offers give where the provider is plainly a library, a counselling centre
/// or a family centre, whoever runs it.
pub(crate) fn of_provider(fam: Fam, info: &ProviderInfo) -> (&'static str, &'static Profile) {
    match fam {
        Fam::Vhs => ("volkshochschule", &VHS),
        Fam::Sprachschule => (info.kind, &LANGUAGE_SCHOOL),
        Fam::Caritas | Fam::Diakonie | Fam::Awo | Fam::Drk | Fam::InVia | Fam::Ib | Fam::Paritaet => {
            (info.kind, &WELFARE)
        }
        Fam::Migrantenorg | Fam::Fluechtlingshilfe => (info.kind, &COMMUNITY),
        Fam::Frauenberatung => ("beratungsstelle", &WOMENS_COUNSELLING),
        Fam::Psz => ("beratungsstelle", &PSYCHOSOCIAL),
        Fam::Kinderschutzbund => (info.kind, &CHILD_PROTECTION),
        Fam::Familienzentrum => ("kita", &FAMILY_CENTRE),
        Fam::IqNetzwerk => ("beratungsstelle", &RECOGNITION),
        Fam::KommuneKi => (info.kind, &INTEGRATION_CENTRE),
        Fam::KommuneSozial => (info.kind, &SOCIAL_OFFICE),
        Fam::KommuneJugend => (info.kind, &YOUTH_OFFICE),
        Fam::KommuneSchule => (info.kind, &SCHOOL_OFFICE),
        Fam::Bibliothek => ("bibliothek", &LIBRARY),
        Fam::Stadtteilzentrum => (info.kind, &NEIGHBOURHOOD_CENTRE),
        Fam::Hochschule => (info.kind, &UNIVERSITY),
        Fam::Rlc => (info.kind, &LAW_CLINIC),
        Fam::Ihk | Fam::Hwk => (info.kind, &CHAMBER),
        Fam::Jobcenter => (info.kind, &JOBCENTRE),
        Fam::Arbeitsagentur => (info.kind, &EMPLOYMENT_AGENCY),
        Fam::Schule => (info.kind, school_profile(school_type_of(&info.name).unwrap_or("gesamtschule"))),
        Fam::Berufskolleg => (info.kind, &BERUFSKOLLEG),
        Fam::Sportverein => (info.kind, &SPORTS_CLUB),
        Fam::Kultur => (info.kind, &CULTURE),
    }
}

/// The school type a school's name states ("Anne-Frank-Gesamtschule Essen").
pub(crate) fn school_type_of(name: &str) -> Option<&'static str> {
    [
        ("Gesamtschule", "gesamtschule"),
        ("Grundschule", "grundschule"),
        ("Realschule", "realschule"),
        ("Gymnasium", "gymnasium"),
        ("Sekundarschule", "sekundarschule"),
        ("Hauptschule", "hauptschule"),
        ("Berufskolleg", "berufskolleg"),
    ]
    .into_iter()
    .find(|(word, _)| name.contains(word))
    .map(|(_, code)| code)
}

fn school_profile(school_type: &str) -> &'static Profile {
    match school_type {
        "grundschule" => &GRUNDSCHULE,
        "realschule" => &REALSCHULE,
        "gymnasium" => &GYMNASIUM,
        "sekundarschule" => &SEKUNDARSCHULE,
        "hauptschule" => &HAUPTSCHULE,
        "berufskolleg" => &BERUFSKOLLEG,
        _ => &GESAMTSCHULE,
    }
}

/// English names of providers, where a provider has a usual one.
pub(crate) fn provider_name_en(fam: Fam) -> Option<&'static str> {
    match fam {
        Fam::Vhs => Some("Adult education centre {city}"),
        Fam::Bibliothek => Some("City library {city}"),
        Fam::KommuneKi => Some("Municipal integration centre {city}"),
        Fam::KommuneJugend => Some("Youth welfare office {city}"),
        Fam::Jobcenter => Some("Jobcentre {city}"),
        Fam::Arbeitsagentur => Some("Employment agency {aa}"),
        _ => None,
    }
}

/// Institutions with their weights among the organizations that are not providers.
pub(crate) static INSTITUTIONS: &[Institution] = &[
    Institution {
        kind: "kita",
        school_type: None,
        weight: 110,
        names: &[
            "Städtische Kita {kita}",
            "Städtische Tageseinrichtung für Kinder {quarter}",
            "Städtisches Familienzentrum {kita}",
        ],
        name_en: Some("Municipal day-care centre {kita}"),
        operators: &[Fam::KommuneJugend],
        domain: Domain::City("kita"),
        profile: &KITA,
    },
    Institution {
        kind: "kita",
        school_type: None,
        weight: 50,
        names: &["AWO-Kita {kita}", "AWO-Familienzentrum {kita}"],
        name_en: None,
        operators: &[Fam::Awo],
        domain: Domain::Operator,
        profile: &KITA,
    },
    Institution {
        kind: "kita",
        school_type: None,
        weight: 45,
        names: &["Ev. Kita {church}", "Evangelische Kindertagesstätte an der {church}"],
        name_en: None,
        operators: &[Fam::Diakonie],
        domain: Domain::Operator,
        profile: &KITA,
    },
    Institution {
        kind: "kita",
        school_type: None,
        weight: 55,
        names: &["Kath. Kita {saint}", "Katholische Kindertageseinrichtung {saint}"],
        name_en: None,
        operators: &[Fam::Caritas],
        domain: Domain::Operator,
        profile: &KITA,
    },
    Institution {
        kind: "kita",
        school_type: None,
        weight: 20,
        names: &["DRK-Kita {kita}"],
        name_en: None,
        operators: &[Fam::Drk],
        domain: Domain::Operator,
        profile: &KITA,
    },
    Institution {
        kind: "kita",
        school_type: None,
        weight: 20,
        names: &["Elterninitiative Kita {kita} e. V.", "Kinderladen {kita} e. V."],
        name_en: None,
        operators: &[],
        domain: Domain::Own,
        profile: &KITA,
    },
    Institution {
        kind: "schule",
        school_type: Some("grundschule"),
        weight: 130,
        names: &[
            "Grundschule {at}",
            "{patron}-Grundschule",
            "Grundschule {quarter}",
            "Katholische Grundschule {saint}",
            "Gemeinschaftsgrundschule {quarter}",
        ],
        name_en: None,
        operators: &[Fam::KommuneSchule],
        domain: Domain::Own,
        profile: &GRUNDSCHULE,
    },
    Institution {
        kind: "schule",
        school_type: Some("gesamtschule"),
        weight: 30,
        names: &["Gesamtschule {at}", "Gesamtschule {quarter}", "{patron}-Gesamtschule"],
        name_en: None,
        operators: &[Fam::KommuneSchule],
        domain: Domain::Own,
        profile: &GESAMTSCHULE,
    },
    Institution {
        kind: "schule",
        school_type: Some("gymnasium"),
        weight: 30,
        names: &["{patron}-Gymnasium", "Gymnasium {quarter}", "Städtisches Gymnasium {at}"],
        name_en: None,
        operators: &[Fam::KommuneSchule],
        domain: Domain::Own,
        profile: &GYMNASIUM,
    },
    Institution {
        kind: "schule",
        school_type: Some("realschule"),
        weight: 20,
        names: &["Realschule {quarter}", "{patron}-Realschule"],
        name_en: None,
        operators: &[Fam::KommuneSchule],
        domain: Domain::Own,
        profile: &REALSCHULE,
    },
    Institution {
        kind: "schule",
        school_type: Some("sekundarschule"),
        weight: 15,
        names: &["Sekundarschule {quarter}", "Sekundarschule {at}"],
        name_en: None,
        operators: &[Fam::KommuneSchule],
        domain: Domain::Own,
        profile: &SEKUNDARSCHULE,
    },
    Institution {
        kind: "schule",
        school_type: Some("hauptschule"),
        weight: 10,
        names: &["Hauptschule {quarter}", "{patron}-Hauptschule"],
        name_en: None,
        operators: &[Fam::KommuneSchule],
        domain: Domain::Own,
        profile: &HAUPTSCHULE,
    },
    Institution {
        kind: "schule",
        school_type: Some("foerderschule"),
        weight: 20,
        names: &[
            "{patron}-Schule, Förderschule mit dem Förderschwerpunkt Lernen",
            "Förderschule {quarter}, Förderschwerpunkt Sprache",
        ],
        name_en: None,
        operators: &[Fam::KommuneSchule],
        domain: Domain::Own,
        profile: &FOERDERSCHULE,
    },
    Institution {
        kind: "schule",
        school_type: Some("berufskolleg"),
        weight: 15,
        names: &["Berufskolleg {at}", "{vpatron}-Berufskolleg {city}"],
        name_en: None,
        operators: &[Fam::KommuneSchule],
        domain: Domain::Own,
        profile: &BERUFSKOLLEG,
    },
    Institution {
        kind: "schule",
        school_type: Some("weiterbildungskolleg"),
        weight: 5,
        names: &["Weiterbildungskolleg {city} – Abendrealschule und Abendgymnasium"],
        name_en: None,
        operators: &[Fam::KommuneSchule],
        domain: Domain::Own,
        profile: &WEITERBILDUNGSKOLLEG,
    },
    Institution {
        kind: "beratungsstelle",
        school_type: None,
        weight: 35,
        names: &[
            "Erziehungsberatungsstelle {quarter}",
            "Beratungsstelle für Eltern, Kinder und Jugendliche {quarter}",
        ],
        name_en: Some("Family counselling centre {quarter}"),
        operators: &[Fam::KommuneJugend, Fam::Caritas, Fam::Diakonie],
        domain: Domain::Operator,
        profile: &EDUCATIONAL_COUNSELLING,
    },
    Institution {
        kind: "beratungsstelle",
        school_type: None,
        weight: 20,
        names: &["Schuldner- und Insolvenzberatung – {op}"],
        name_en: Some("Debt counselling – {op}"),
        operators: &[Fam::Caritas, Fam::Diakonie, Fam::Awo],
        domain: Domain::Operator,
        profile: &DEBT_COUNSELLING,
    },
    Institution {
        kind: "beratungsstelle",
        school_type: None,
        weight: 25,
        names: &["Migrationsberatung für Erwachsene – {op}"],
        name_en: Some("Migration counselling for adults – {op}"),
        operators: &[Fam::Caritas, Fam::Diakonie, Fam::Awo, Fam::Drk, Fam::Paritaet],
        domain: Domain::Operator,
        profile: &MIGRATION_COUNSELLING,
    },
    Institution {
        kind: "beratungsstelle",
        school_type: None,
        weight: 15,
        names: &["Jugendmigrationsdienst – {op}"],
        name_en: Some("Youth migration service {city}"),
        operators: &[Fam::InVia, Fam::Ib, Fam::Caritas, Fam::Diakonie, Fam::Awo],
        domain: Domain::Operator,
        profile: &YOUTH_MIGRATION,
    },
    Institution {
        kind: "beratungsstelle",
        school_type: None,
        weight: 15,
        names: &["Schwangerschaftsberatung – {op}"],
        name_en: Some("Pregnancy counselling – {op}"),
        operators: &[Fam::Awo, Fam::Diakonie, Fam::Caritas, Fam::Drk],
        domain: Domain::Operator,
        profile: &PREGNANCY_COUNSELLING,
    },
    Institution {
        kind: "kommune",
        school_type: None,
        weight: 15,
        names: &["Familienbüro {city}"],
        name_en: Some("Family office {city}"),
        operators: &[Fam::KommuneJugend],
        domain: Domain::City("familienbuero"),
        profile: &FAMILY_OFFICE,
    },
    Institution {
        kind: "bibliothek",
        school_type: None,
        weight: 35,
        names: &["Stadtteilbibliothek {quarter}", "Kinder- und Jugendbibliothek {quarter}"],
        name_en: Some("Branch library {quarter}"),
        operators: &[Fam::Bibliothek],
        domain: Domain::City("bibliothek"),
        profile: &LIBRARY,
    },
    Institution {
        kind: "volkshochschule",
        school_type: None,
        weight: 20,
        names: &["Volkshochschule {city} – Zweigstelle {quarter}"],
        name_en: Some("Adult education centre {city}, {quarter} branch"),
        operators: &[Fam::Vhs],
        domain: Domain::Operator,
        profile: &VHS,
    },
    Institution {
        kind: "jobcenter_arbeitsagentur",
        school_type: None,
        weight: 25,
        names: &["{jobcenter} – Standort {quarter}"],
        name_en: None,
        operators: &[Fam::Jobcenter],
        domain: Domain::Operator,
        profile: &JOBCENTRE,
    },
    Institution {
        kind: "jobcenter_arbeitsagentur",
        school_type: None,
        weight: 8,
        names: &["Berufsinformationszentrum (BiZ) der Agentur für Arbeit {aa}"],
        name_en: Some("Careers information centre {aa}"),
        operators: &[Fam::Arbeitsagentur],
        domain: Domain::Operator,
        profile: &CAREERS_CENTRE,
    },
    Institution {
        kind: "jobcenter_arbeitsagentur",
        school_type: None,
        weight: 10,
        names: &["Jugendberufsagentur {city}"],
        name_en: Some("Youth careers agency {city}"),
        operators: &[Fam::Jobcenter],
        domain: Domain::Operator,
        profile: &YOUTH_CAREERS_AGENCY,
    },
    Institution {
        kind: "kommune",
        school_type: None,
        weight: 25,
        names: &["Bürgerbüro {quarter}"],
        name_en: Some("Citizens' office {quarter}"),
        operators: &[Fam::KommuneSozial],
        domain: Domain::City("buergerbuero"),
        profile: &CITIZENS_OFFICE,
    },
    Institution {
        kind: "kommune",
        school_type: None,
        weight: 8,
        names: &["Bildungsbüro {city}"],
        name_en: Some("Education office {city}"),
        operators: &[Fam::KommuneSchule],
        domain: Domain::City("bildungsbuero"),
        profile: &EDUCATION_OFFICE,
    },
    Institution {
        kind: "sonstige",
        school_type: None,
        weight: 50,
        names: &[
            "Jugendzentrum {quarter}",
            "Jugendfreizeitstätte {quarter}",
            "Kinder- und Jugendhaus {quarter}",
        ],
        name_en: Some("Youth centre {quarter}"),
        operators: &[Fam::KommuneJugend, Fam::Awo, Fam::Diakonie],
        domain: Domain::Operator,
        profile: &YOUTH_CENTRE,
    },
    Institution {
        kind: "sonstige",
        school_type: None,
        weight: 40,
        names: &[
            "Begegnungszentrum {quarter}",
            "Mehrgenerationenhaus {quarter}",
            "Nachbarschaftstreff {quarter}",
        ],
        name_en: None,
        operators: &[Fam::Awo, Fam::Diakonie, Fam::Caritas, Fam::Paritaet],
        domain: Domain::Operator,
        profile: &MEETING_PLACE,
    },
    Institution {
        kind: "traeger",
        school_type: None,
        weight: 20,
        names: &["Jugendhilfe {city} gGmbH", "Kinder- und Jugendhilfe {quarter} e. V."],
        name_en: None,
        operators: &[],
        domain: Domain::Own,
        profile: &YOUTH_WELFARE,
    },
];

/// Every profile, for the test of the text pools.
#[cfg(test)]
pub(crate) fn all_profiles() -> Vec<&'static Profile> {
    let mut v: Vec<&'static Profile> = INSTITUTIONS.iter().map(|i| i.profile).collect();
    for (i, _) in crate::places::places().iter().enumerate() {
        for (fam, infos) in crate::providers::FAMS.iter().zip(crate::providers::providers_at(i)) {
            for info in infos {
                v.push(of_provider(*fam, info).1);
            }
        }
    }
    v
}
