//! Providers as they exist in the Ruhr region: welfare associations, adult education centres,
//! municipal offices, universities, chambers, job centres, schools and clubs, named the way
//! they name themselves, with a web domain that e-mail addresses and URLs are built from.

use std::sync::LazyLock;

use crate::places::{Place, places, slugify};

/// A family of providers; each municipality has zero or more concrete providers per family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fam {
    Vhs,
    Sprachschule,
    Caritas,
    Diakonie,
    Awo,
    Drk,
    InVia,
    Ib,
    Paritaet,
    Migrantenorg,
    Fluechtlingshilfe,
    Frauenberatung,
    Psz,
    Kinderschutzbund,
    Familienzentrum,
    IqNetzwerk,
    KommuneKi,
    KommuneSozial,
    KommuneJugend,
    KommuneSchule,
    Bibliothek,
    Stadtteilzentrum,
    Hochschule,
    Rlc,
    Ihk,
    Hwk,
    Jobcenter,
    Arbeitsagentur,
    Schule,
    Berufskolleg,
    Sportverein,
    Kultur,
}

pub(crate) const FAM_COUNT: usize = Fam::Kultur as usize + 1;

/// Every family, in the order of their indices.
pub(crate) const FAMS: [Fam; FAM_COUNT] = [
    Fam::Vhs,
    Fam::Sprachschule,
    Fam::Caritas,
    Fam::Diakonie,
    Fam::Awo,
    Fam::Drk,
    Fam::InVia,
    Fam::Ib,
    Fam::Paritaet,
    Fam::Migrantenorg,
    Fam::Fluechtlingshilfe,
    Fam::Frauenberatung,
    Fam::Psz,
    Fam::Kinderschutzbund,
    Fam::Familienzentrum,
    Fam::IqNetzwerk,
    Fam::KommuneKi,
    Fam::KommuneSozial,
    Fam::KommuneJugend,
    Fam::KommuneSchule,
    Fam::Bibliothek,
    Fam::Stadtteilzentrum,
    Fam::Hochschule,
    Fam::Rlc,
    Fam::Ihk,
    Fam::Hwk,
    Fam::Jobcenter,
    Fam::Arbeitsagentur,
    Fam::Schule,
    Fam::Berufskolleg,
    Fam::Sportverein,
    Fam::Kultur,
];

/// One concrete provider.
#[derive(Debug)]
pub(crate) struct ProviderInfo {
    /// The full name for `provider.name`.
    pub name: String,
    /// The name as people say it, for titles ("Caritas Dortmund").
    pub short: String,
    pub kind: &'static str,
    pub domain: String,
    /// An identifier in a register, when the provider has one worth stating.
    pub identifier: Option<(&'static str, String)>,
}

const HOCHSCHULEN: &[(&str, &str, &str)] = &[
    ("05112000", "Universität Duisburg-Essen", "uni-due.de"),
    ("05113000", "Universität Duisburg-Essen", "uni-due.de"),
    ("05113000", "Folkwang Universität der Künste", "folkwang-uni.de"),
    ("05117000", "Hochschule Ruhr West", "hs-ruhrwest.de"),
    ("05512000", "Hochschule Ruhr West", "hs-ruhrwest.de"),
    ("05513000", "Westfälische Hochschule", "w-hs.de"),
    ("05562032", "Westfälische Hochschule", "w-hs.de"),
    ("05911000", "Ruhr-Universität Bochum", "ruhr-uni-bochum.de"),
    ("05911000", "Hochschule Bochum", "hochschule-bochum.de"),
    ("05911000", "Evangelische Hochschule Rheinland-Westfalen-Lippe", "evh-bochum.de"),
    ("05911000", "Technische Hochschule Georg Agricola", "thga.de"),
    ("05913000", "Technische Universität Dortmund", "tu-dortmund.de"),
    ("05913000", "Fachhochschule Dortmund", "fh-dortmund.de"),
    ("05914000", "FernUniversität in Hagen", "fernuni-hagen.de"),
    ("05914000", "Fachhochschule Südwestfalen", "fh-swf.de"),
    ("05915000", "Hochschule Hamm-Lippstadt", "hshl.de"),
    ("05954036", "Universität Witten/Herdecke", "uni-wh.de"),
    ("05170020", "Hochschule Rhein-Waal", "hochschule-rhein-waal.de"),
];

/// Cities with an IN VIA association (Catholic youth social work) of their own.
const IN_VIA: &[&str] = &["05112000", "05113000", "05911000", "05913000", "05513000", "05914000"];

pub(crate) const SCHOOL_PATRONS: &[&str] = &[
    "Anne-Frank",
    "Geschwister-Scholl",
    "Heinrich-Heine",
    "Albert-Einstein",
    "Marie-Curie",
    "Erich-Kästner",
    "Bertha-von-Suttner",
    "Willy-Brandt",
    "Gustav-Heinemann",
    "Friedrich-Schiller",
    "Annette-von-Droste-Hülshoff",
    "Carl-von-Ossietzky",
    "Janusz-Korczak",
    "Astrid-Lindgren",
];
const SCHOOL_FORMS: &[&str] =
    &["Gesamtschule", "Grundschule", "Realschule", "Gymnasium", "Sekundarschule", "Hauptschule"];
pub(crate) const VOCATIONAL_PATRONS: &[&str] = &[
    "Robert-Bosch",
    "Friedrich-List",
    "Konrad-Klepping",
    "Paul-Ehrlich",
    "Max-Born",
    "Hans-Böckler",
    "Karl-Schiller",
];
const CLUB_PREFIXES: &[&str] = &["SV", "TuS", "DJK", "SuS", "TV", "FC"];

static PROVIDERS: LazyLock<Vec<Vec<Vec<ProviderInfo>>>> =
    LazyLock::new(|| places().iter().map(providers_of).collect());

/// The providers of the municipality with the given index in [`places`], by family.
pub(crate) fn providers_at(place: usize) -> &'static [Vec<ProviderInfo>] {
    &PROVIDERS[place]
}

/// FNV-1a, so that register numbers and founding years are fixed properties of a name.
fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn p(name: String, short: String, kind: &'static str, domain: String) -> ProviderInfo {
    ProviderInfo { name, short, kind, domain, identifier: None }
}

/// Adds the register number that a registered association (e. V.) has at its local court.
fn with_register(mut info: ProviderInfo, court: &str) -> ProviderInfo {
    let n = 1_000 + hash(&info.name) % 8_000;
    info.identifier = Some(("vereinsregister", format!("Amtsgericht {court} VR {n}")));
    info
}

fn with_bamf(mut info: ProviderInfo) -> ProviderInfo {
    let n = hash(&info.name) % 900_000 + 100_000;
    info.identifier = Some(("bamf-traeger-nr", format!("{}-{:03}", n / 1_000, n % 1_000)));
    info
}

fn providers_of(pl: &Place) -> Vec<Vec<ProviderInfo>> {
    let city = pl.name.as_str();
    let slug = pl.slug.as_str();
    let d = pl.district;
    // Welfare associations in a Kreis are organised by the Kreis; in a city by the city.
    let region_name = d.kreis.unwrap_or(city);
    let region_slug = slugify(region_name);
    let city_domain = pl.city_domain();
    let court = d.kreis.map_or(city, |k| if k == "Ennepe-Ruhr" { "Hagen" } else { k });
    let q = pl.quarters;
    let mut fams: Vec<Vec<ProviderInfo>> = (0..FAM_COUNT).map(|_| Vec::new()).collect();
    let mut put = |f: Fam, v: ProviderInfo| fams[f as usize].push(v);

    put(
        Fam::Vhs,
        with_bamf(p(
            format!("Volkshochschule {city}"),
            format!("VHS {city}"),
            "volkshochschule",
            format!("vhs-{slug}.de"),
        )),
    );
    put(
        Fam::Sprachschule,
        with_bamf(p(
            format!("Sprachinstitut {city} GmbH"),
            format!("Sprachinstitut {city}"),
            "traeger",
            format!("sprachinstitut-{slug}.de"),
        )),
    );
    put(
        Fam::Sprachschule,
        with_bamf(p(
            format!("Akademie für Sprache und Integration {region_name} gGmbH"),
            "Akademie für Sprache und Integration".into(),
            "traeger",
            format!("asi-{region_slug}.de"),
        )),
    );
    put(
        Fam::Sprachschule,
        with_bamf(p(
            format!("Bildungswerk Ruhr gGmbH – Standort {city}"),
            "Bildungswerk Ruhr".into(),
            "traeger",
            "bildungswerk-ruhr.de".into(),
        )),
    );
    put(
        Fam::Caritas,
        with_register(
            p(
                format!("Caritasverband {city} e. V."),
                format!("Caritas {city}"),
                "traeger",
                format!("caritas-{slug}.de"),
            ),
            court,
        ),
    );
    put(
        Fam::Diakonie,
        p(
            format!("Diakonisches Werk {region_name} gGmbH"),
            format!("Diakonie {region_name}"),
            "traeger",
            format!("diakonie-{region_slug}.de"),
        ),
    );
    put(
        Fam::Awo,
        with_register(
            p(
                format!("AWO Unterbezirk {region_name}"),
                format!("AWO {region_name}"),
                "traeger",
                format!("awo-{region_slug}.de"),
            ),
            court,
        ),
    );
    put(
        Fam::Drk,
        with_register(
            p(
                format!("DRK-Kreisverband {region_name} e. V."),
                format!("DRK {region_name}"),
                "traeger",
                format!("drk-{region_slug}.de"),
            ),
            court,
        ),
    );
    if IN_VIA.contains(&pl.ags.as_str()) {
        put(
            Fam::InVia,
            with_register(
                p(
                    format!("IN VIA {city} e. V."),
                    format!("IN VIA {city}"),
                    "traeger",
                    format!("invia-{slug}.de"),
                ),
                court,
            ),
        );
    }
    put(
        Fam::Ib,
        p(
            format!("Internationaler Bund (IB West) – Standort {city}"),
            format!("IB {city}"),
            "traeger",
            "internationaler-bund.de".into(),
        ),
    );
    put(
        Fam::Paritaet,
        p(
            format!("Der Paritätische NRW – Kreisgruppe {region_name}"),
            format!("Paritätischer {region_name}"),
            "traeger",
            "paritaet-nrw.org".into(),
        ),
    );
    for (name, short, dom) in [
        (
            "Verbund sozial-kultureller Migrantenvereine {city} e. V.",
            "Migrantenverbund {city}",
            "migrantenverbund-{slug}.de",
        ),
        (
            "Deutsch-Türkischer Freundeskreis {city} e. V.",
            "Deutsch-Türkischer Freundeskreis",
            "dtf-{slug}.de",
        ),
        ("Syrisch-Deutscher Kulturverein {city} e. V.", "Syrisch-Deutscher Kulturverein", "sdkv-{slug}.de"),
        (
            "Ukrainische Gemeinde {region} e. V.",
            "Ukrainische Gemeinde {region}",
            "ukrainische-gemeinde-{rslug}.de",
        ),
        ("Afghanischer Kulturverein {city} e. V.", "Afghanischer Kulturverein", "akv-{slug}.de"),
    ] {
        let fill = |t: &str| {
            t.replace("{city}", city)
                .replace("{region}", region_name)
                .replace("{rslug}", &region_slug)
                .replace("{slug}", slug)
        };
        put(Fam::Migrantenorg, with_register(p(fill(name), fill(short), "traeger", fill(dom)), court));
    }
    put(
        Fam::Fluechtlingshilfe,
        with_register(
            p(
                format!("Flüchtlingshilfe {city} e. V."),
                format!("Flüchtlingshilfe {city}"),
                "traeger",
                format!("fluechtlingshilfe-{slug}.de"),
            ),
            court,
        ),
    );
    put(
        Fam::Fluechtlingshilfe,
        p(
            format!("Netzwerk Willkommen in {city} e. V."),
            format!("Willkommen in {city}"),
            "traeger",
            format!("willkommen-in-{slug}.de"),
        ),
    );
    put(
        Fam::Frauenberatung,
        with_register(
            p(
                format!("Frauenberatungsstelle {city} e. V."),
                format!("Frauenberatungsstelle {city}"),
                "traeger",
                format!("frauenberatung-{slug}.de"),
            ),
            court,
        ),
    );
    put(
        Fam::Psz,
        p(
            format!("Psychosoziales Zentrum für Geflüchtete {region_name}"),
            format!("PSZ {region_name}"),
            "traeger",
            format!("psz-{region_slug}.de"),
        ),
    );
    put(
        Fam::Kinderschutzbund,
        with_register(
            p(
                format!("Deutscher Kinderschutzbund Ortsverband {city} e. V."),
                format!("Kinderschutzbund {city}"),
                "traeger",
                format!("kinderschutzbund-{slug}.de"),
            ),
            court,
        ),
    );
    for quarter in q.iter().take(4) {
        put(
            Fam::Familienzentrum,
            p(
                format!("Familienzentrum {quarter}"),
                format!("Familienzentrum {quarter}"),
                "traeger",
                format!("familienzentrum-{}-{slug}.de", slugify(quarter)),
            ),
        );
    }
    put(
        Fam::IqNetzwerk,
        p(
            format!("IQ Netzwerk NRW – Anerkennungsberatung {region_name}"),
            format!("IQ Anerkennungsberatung {region_name}"),
            "traeger",
            "iq-netzwerk-nrw.de".into(),
        ),
    );
    let (ki_name, ki_short) = match d.kreis {
        Some(_) => (
            format!("{} – Kommunales Integrationszentrum", d.office_name),
            format!("Kommunales Integrationszentrum {}", d.office_name),
        ),
        None => (
            format!("Stadt {city} – Kommunales Integrationszentrum"),
            format!("Kommunales Integrationszentrum {city}"),
        ),
    };
    put(Fam::KommuneKi, p(ki_name, ki_short, "kommune", d.kreis_domain.to_string()));
    put(
        Fam::KommuneSozial,
        p(
            format!("Stadt {city} – Fachbereich Soziales und Integration"),
            format!("Stadt {city}"),
            "kommune",
            city_domain.clone(),
        ),
    );
    put(
        Fam::KommuneJugend,
        p(format!("Stadt {city} – Jugendamt"), format!("Jugendamt {city}"), "kommune", city_domain.clone()),
    );
    let school_office = match d.kreis {
        Some(_) => format!("Schulamt für den {}", d.office_name),
        None => format!("Stadt {city} – Schulamt"),
    };
    put(Fam::KommuneSchule, p(school_office.clone(), school_office, "kommune", d.kreis_domain.to_string()));
    put(
        Fam::Bibliothek,
        p(
            format!("Stadtbibliothek {city}"),
            format!("Stadtbibliothek {city}"),
            "kommune",
            city_domain.clone(),
        ),
    );
    for quarter in q.iter().skip(1).take(3) {
        put(
            Fam::Stadtteilzentrum,
            p(
                format!("Stadtteilzentrum {quarter}"),
                format!("Stadtteilzentrum {quarter}"),
                "sonstige",
                format!("stadtteilzentrum-{}.de", slugify(quarter)),
            ),
        );
    }
    for (ags, name, domain) in HOCHSCHULEN {
        if *ags == pl.ags {
            put(Fam::Hochschule, p((*name).into(), (*name).into(), "hochschule", (*domain).into()));
        }
    }
    if pl.ags == "05911000" || pl.ags == "05914000" {
        put(
            Fam::Rlc,
            with_register(
                p(
                    format!("Refugee Law Clinic {city} e. V."),
                    format!("Refugee Law Clinic {city}"),
                    "hochschule",
                    format!("rlc-{slug}.de"),
                ),
                court,
            ),
        );
    }
    put(Fam::Ihk, p(d.ihk.0.into(), d.ihk.0.into(), "kammer", d.ihk.1.into()));
    put(Fam::Hwk, p(d.hwk.0.into(), d.hwk.0.into(), "kammer", d.hwk.1.into()));
    put(
        Fam::Jobcenter,
        p(
            d.jobcenter.into(),
            d.jobcenter.into(),
            "jobcenter_arbeitsagentur",
            format!("jobcenter-{}.de", slugify(d.office_name)),
        ),
    );
    put(
        Fam::Arbeitsagentur,
        p(
            format!("Agentur für Arbeit {}", d.arbeitsagentur_seat),
            format!("Agentur für Arbeit {}", d.arbeitsagentur_seat),
            "jobcenter_arbeitsagentur",
            "arbeitsagentur.de".into(),
        ),
    );
    let h = hash(&pl.ags) as usize;
    for k in 0..3 {
        let patron = SCHOOL_PATRONS[(h + k * 5) % SCHOOL_PATRONS.len()];
        let form = SCHOOL_FORMS[(h / 7 + k) % SCHOOL_FORMS.len()];
        let name = format!("{patron}-{form} {city}");
        put(
            Fam::Schule,
            p(name.clone(), format!("{patron}-{form}"), "schule", format!("{}.de", slugify(&name))),
        );
    }
    let patron = VOCATIONAL_PATRONS[h % VOCATIONAL_PATRONS.len()];
    put(
        Fam::Berufskolleg,
        p(
            format!("{patron}-Berufskolleg {city}"),
            format!("{patron}-Berufskolleg"),
            "schule",
            format!("{}-bk-{slug}.de", slugify(patron)),
        ),
    );
    for (k, quarter) in q.iter().take(3).enumerate() {
        let prefix = CLUB_PREFIXES[(h / 3 + k) % CLUB_PREFIXES.len()];
        let year = 1890 + (hash(quarter) % 80);
        let name = format!("{prefix} {quarter} {year} e. V.");
        put(
            Fam::Sportverein,
            with_register(
                p(
                    name,
                    format!("{prefix} {quarter}"),
                    "sonstige",
                    format!("{}-{}.de", prefix.to_lowercase(), slugify(quarter)),
                ),
                court,
            ),
        );
    }
    put(
        Fam::Sportverein,
        with_register(
            p(
                format!("Stadtsportbund {city} e. V."),
                format!("Stadtsportbund {city}"),
                "sonstige",
                format!("ssb-{slug}.de"),
            ),
            court,
        ),
    );
    put(
        Fam::Kultur,
        p(format!("Musikschule {city}"), format!("Musikschule {city}"), "kommune", city_domain.clone()),
    );
    put(
        Fam::Kultur,
        p(
            format!("Jugendkunstschule {city} e. V."),
            format!("Jugendkunstschule {city}"),
            "sonstige",
            format!("jugendkunstschule-{slug}.de"),
        ),
    );
    put(
        Fam::Kultur,
        p(
            format!("Kulturzentrum {}", q[0]),
            format!("Kulturzentrum {}", q[0]),
            "sonstige",
            format!("kulturzentrum-{}.de", slugify(q[0])),
        ),
    );
    fams
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_and_domains_ascii() {
        for (i, _) in places().iter().enumerate() {
            for fam in providers_at(i) {
                for p in fam {
                    assert!(!p.name.contains(['<', '>', '&']), "{}", p.name);
                    assert!(
                        p.domain
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'),
                        "{}",
                        p.domain
                    );
                }
            }
            assert!(!providers_at(i)[Fam::KommuneKi as usize].is_empty());
        }
    }

    #[test]
    fn families_are_listed_by_index() {
        for (i, f) in FAMS.iter().enumerate() {
            assert_eq!(*f as usize, i);
        }
    }
}
