//! The municipalities offers are placed in, with what a believable address there needs: the
//! population weight, the dialling code, real quarter names, street names, and a way to draw
//! coordinates that lie well inside the municipality.

use std::sync::LazyLock;

use lotse_geo::{LatLon, Municipality, ruhr};
use rand::Rng;

/// How far inside its municipality a generated point must lie. The validator warns within
/// 500 m of a border; the extra 100 m keep rounding and projection differences harmless.
pub(crate) const BORDER_MARGIN_M: f64 = 600.0;

/// One municipality, prepared once for fast generation.
#[derive(Debug)]
pub(crate) struct Place {
    pub ags: String,
    /// The official name, as it goes into `location.city`.
    pub name: String,
    /// Lowercase ASCII form of the name for domains and e-mail addresses.
    pub slug: String,
    pub district: &'static District,
    pub area_code: &'static str,
    /// Postcodes with the point that coordinates are scattered around and how widely.
    pub postcodes: Vec<PostcodeBase>,
    pub quarters: &'static [&'static str],
    pub streets: Vec<&'static str>,
    /// A point deep inside the municipality, the fallback when scattering keeps failing.
    pub anchor: LatLon,
    /// Inhabitants, estimated for towns inside a Kreis (see [`places`]).
    pub population: f64,
    /// Index into `ruhr().municipalities`.
    pub muni: usize,
}

#[derive(Debug)]
pub(crate) struct PostcodeBase {
    pub postcode: String,
    pub base: LatLon,
    /// Distance from `base` to the border.
    pub depth_m: f64,
    pub sigma_m: f64,
}

/// A Kreis or a kreisfreie Stadt: what several offices and providers are organised by.
#[derive(Debug)]
pub(crate) struct District {
    pub key: &'static str,
    /// `Some("Unna")` for the Kreis Unna; `None` for a kreisfreie Stadt.
    pub kreis: Option<&'static str>,
    /// The name as offices use it: "Kreis Unna", "Ennepe-Ruhr-Kreis", "Dortmund".
    pub office_name: &'static str,
    pub kreis_domain: &'static str,
    /// The vehicle registration code, used as the id prefix when no node id is given.
    pub plate: &'static str,
    pub ihk: (&'static str, &'static str),
    pub hwk: (&'static str, &'static str),
    pub arbeitsagentur_seat: &'static str,
    pub jobcenter: &'static str,
}

const IHK_NIEDERRHEIN: (&str, &str) =
    ("Niederrheinische IHK Duisburg-Wesel-Kleve zu Duisburg", "ihk-niederrhein.de");
const IHK_ESSEN: (&str, &str) = ("IHK für Essen, Mülheim an der Ruhr, Oberhausen zu Essen", "essen.ihk.de");
const IHK_NORD_WESTFALEN: (&str, &str) = ("IHK Nord Westfalen", "ihk-nordwestfalen.de");
const IHK_BOCHUM: (&str, &str) = ("IHK Mittleres Ruhrgebiet", "bochum.ihk.de");
const IHK_DORTMUND: (&str, &str) = ("IHK zu Dortmund", "dortmund.ihk.de");
const IHK_HAGEN: (&str, &str) = ("Südwestfälische IHK zu Hagen", "sihk.de");
const HWK_DUESSELDORF: (&str, &str) = ("Handwerkskammer Düsseldorf", "hwk-duesseldorf.de");
const HWK_MUENSTER: (&str, &str) = ("Handwerkskammer Münster", "hwk-muenster.de");
const HWK_DORTMUND: (&str, &str) = ("Handwerkskammer Dortmund", "hwk-do.de");

macro_rules! district {
    ($key:literal, $kreis:expr, $office:literal, $domain:literal, $plate:literal, $ihk:expr, $hwk:expr, $aa:literal, $jc:literal) => {
        District {
            key: $key,
            kreis: $kreis,
            office_name: $office,
            kreis_domain: $domain,
            plate: $plate,
            ihk: $ihk,
            hwk: $hwk,
            arbeitsagentur_seat: $aa,
            jobcenter: $jc,
        }
    };
}

static DISTRICTS: [District; 15] = [
    district!(
        "05112",
        None,
        "Duisburg",
        "duisburg.de",
        "du",
        IHK_NIEDERRHEIN,
        HWK_DUESSELDORF,
        "Duisburg",
        "Jobcenter Duisburg"
    ),
    district!(
        "05113",
        None,
        "Essen",
        "essen.de",
        "e",
        IHK_ESSEN,
        HWK_DUESSELDORF,
        "Essen",
        "Jobcenter Essen"
    ),
    district!(
        "05117",
        None,
        "Mülheim an der Ruhr",
        "muelheim-ruhr.de",
        "mh",
        IHK_ESSEN,
        HWK_DUESSELDORF,
        "Oberhausen",
        "Jobcenter Mülheim an der Ruhr"
    ),
    district!(
        "05119",
        None,
        "Oberhausen",
        "oberhausen.de",
        "ob",
        IHK_ESSEN,
        HWK_DUESSELDORF,
        "Oberhausen",
        "Jobcenter Oberhausen"
    ),
    district!(
        "05170",
        Some("Wesel"),
        "Kreis Wesel",
        "kreis-wesel.de",
        "wes",
        IHK_NIEDERRHEIN,
        HWK_DUESSELDORF,
        "Wesel",
        "Jobcenter Kreis Wesel"
    ),
    district!(
        "05512",
        None,
        "Bottrop",
        "bottrop.de",
        "bot",
        IHK_NORD_WESTFALEN,
        HWK_MUENSTER,
        "Gelsenkirchen",
        "Jobcenter Bottrop"
    ),
    district!(
        "05513",
        None,
        "Gelsenkirchen",
        "gelsenkirchen.de",
        "ge",
        IHK_NORD_WESTFALEN,
        HWK_MUENSTER,
        "Gelsenkirchen",
        "Jobcenter Gelsenkirchen"
    ),
    district!(
        "05562",
        Some("Recklinghausen"),
        "Kreis Recklinghausen",
        "kreis-re.de",
        "re",
        IHK_NORD_WESTFALEN,
        HWK_MUENSTER,
        "Recklinghausen",
        "Vestische Arbeit Jobcenter Kreis Recklinghausen"
    ),
    district!(
        "05911",
        None,
        "Bochum",
        "bochum.de",
        "bo",
        IHK_BOCHUM,
        HWK_DORTMUND,
        "Bochum",
        "Jobcenter Bochum"
    ),
    district!(
        "05913",
        None,
        "Dortmund",
        "dortmund.de",
        "do",
        IHK_DORTMUND,
        HWK_DORTMUND,
        "Dortmund",
        "Jobcenter Dortmund"
    ),
    district!("05914", None, "Hagen", "hagen.de", "ha", IHK_HAGEN, HWK_DORTMUND, "Hagen", "Jobcenter Hagen"),
    district!("05915", None, "Hamm", "hamm.de", "ham", IHK_DORTMUND, HWK_DORTMUND, "Hamm", "Jobcenter Hamm"),
    district!(
        "05916",
        None,
        "Herne",
        "herne.de",
        "her",
        IHK_BOCHUM,
        HWK_DORTMUND,
        "Bochum",
        "Jobcenter Herne"
    ),
    district!(
        "05954",
        Some("Ennepe-Ruhr"),
        "Ennepe-Ruhr-Kreis",
        "en-kreis.de",
        "en",
        IHK_HAGEN,
        HWK_DORTMUND,
        "Hagen",
        "Jobcenter EN"
    ),
    district!(
        "05978",
        Some("Unna"),
        "Kreis Unna",
        "kreis-unna.de",
        "un",
        IHK_DORTMUND,
        HWK_DORTMUND,
        "Hamm",
        "Jobcenter Kreis Unna"
    ),
];

/// Dialling codes (Vorwahlen) by AGS.
const AREA_CODES: &[(&str, &str)] = &[
    ("05112000", "0203"),
    ("05113000", "0201"),
    ("05117000", "0208"),
    ("05119000", "0208"),
    ("05170004", "02802"),
    ("05170008", "02064"),
    ("05170012", "02852"),
    ("05170016", "02858"),
    ("05170020", "02842"),
    ("05170024", "02841"),
    ("05170028", "02845"),
    ("05170032", "02843"),
    ("05170036", "02853"),
    ("05170040", "02838"),
    ("05170044", "02855"),
    ("05170048", "0281"),
    ("05170052", "02801"),
    ("05512000", "02041"),
    ("05513000", "0209"),
    ("05562004", "02305"),
    ("05562008", "02363"),
    ("05562012", "02362"),
    ("05562014", "02043"),
    ("05562016", "02364"),
    ("05562020", "02366"),
    ("05562024", "02365"),
    ("05562028", "02368"),
    ("05562032", "02361"),
    ("05562036", "02309"),
    ("05911000", "0234"),
    ("05913000", "0231"),
    ("05914000", "02331"),
    ("05915000", "02381"),
    ("05916000", "02323"),
    ("05954004", "02338"),
    ("05954008", "02333"),
    ("05954012", "02332"),
    ("05954016", "02324"),
    ("05954020", "02330"),
    ("05954024", "02336"),
    ("05954028", "02339"),
    ("05954032", "02335"),
    ("05954036", "02302"),
    ("05978004", "02307"),
    ("05978008", "02383"),
    ("05978012", "02373"),
    ("05978016", "02301"),
    ("05978020", "02307"),
    ("05978024", "02306"),
    ("05978028", "02304"),
    ("05978032", "02592"),
    ("05978036", "02303"),
    ("05978040", "02389"),
];

/// Real quarters (Stadtteile) of the larger municipalities; the others get generic ones.
const QUARTERS: &[(&str, &[&str])] = &[
    (
        "05112000",
        &[
            "Marxloh",
            "Hochfeld",
            "Rheinhausen",
            "Hamborn",
            "Meiderich",
            "Neudorf",
            "Ruhrort",
            "Homberg",
            "Walsum",
            "Bruckhausen",
            "Beeck",
            "Wanheimerort",
        ],
    ),
    (
        "05113000",
        &[
            "Altendorf",
            "Katernberg",
            "Steele",
            "Kray",
            "Rüttenscheid",
            "Altenessen",
            "Frohnhausen",
            "Borbeck",
            "Holsterhausen",
            "Karnap",
            "Werden",
            "Stoppenberg",
        ],
    ),
    ("05117000", &["Styrum", "Eppinghofen", "Dümpten", "Heißen", "Saarn", "Broich", "Speldorf", "Altstadt"]),
    (
        "05119000",
        &["Sterkrade", "Osterfeld", "Alt-Oberhausen", "Lirich", "Styrum", "Knappenviertel", "Schmachtendorf"],
    ),
    ("05512000", &["Batenbrock", "Boy", "Eigen", "Fuhlenbrock", "Kirchhellen", "Welheim", "Stadtmitte"]),
    (
        "05513000",
        &[
            "Bismarck",
            "Ückendorf",
            "Buer",
            "Schalke",
            "Horst",
            "Rotthausen",
            "Hassel",
            "Erle",
            "Bulmke-Hüllen",
            "Neustadt",
        ],
    ),
    (
        "05911000",
        &[
            "Wattenscheid",
            "Langendreer",
            "Querenburg",
            "Hamme",
            "Linden",
            "Gerthe",
            "Riemke",
            "Werne",
            "Weitmar",
            "Hofstede",
            "Innenstadt",
        ],
    ),
    (
        "05913000",
        &[
            "Nordstadt",
            "Hörde",
            "Eving",
            "Scharnhorst",
            "Huckarde",
            "Mengede",
            "Aplerbeck",
            "Brackel",
            "Lütgendortmund",
            "Hombruch",
            "Innenstadt-West",
            "Westerfilde",
        ],
    ),
    (
        "05914000",
        &[
            "Altenhagen",
            "Wehringhausen",
            "Haspe",
            "Hohenlimburg",
            "Boele",
            "Eilpe",
            "Vorhalle",
            "Mittelstadt",
        ],
    ),
    ("05915000", &["Hamm-Mitte", "Herringen", "Pelkum", "Bockum-Hövel", "Heessen", "Uentrop", "Rhynern"]),
    ("05916000", &["Wanne", "Eickel", "Sodingen", "Baukau", "Horsthausen", "Holsterhausen", "Herne-Mitte"]),
    ("05170024", &["Repelen", "Kapellen", "Meerbeck", "Asberg", "Hülsdonk", "Innenstadt"]),
    ("05170008", &["Lohberg", "Hiesfeld", "Bruch", "Innenstadt"]),
    ("05170048", &["Fusternberg", "Feldmark", "Schepersfeld", "Innenstadt"]),
    ("05562032", &["Hillerheide", "König-Ludwig", "Süd", "Hochlarmark", "Paulusviertel", "Innenstadt"]),
    ("05562004", &["Habinghorst", "Ickern", "Rauxel", "Schwerin", "Deininghausen"]),
    ("05562024", &["Hüls", "Drewer", "Brassert", "Hamm", "Stadtmitte"]),
    ("05562014", &["Butendorf", "Brauck", "Rentfort", "Ellinghorst", "Stadtmitte"]),
    ("05562012", &["Hervest", "Wulfen", "Holsterhausen", "Altstadt"]),
    ("05562020", &["Herten-Mitte", "Langenbochum", "Disteln", "Westerholt"]),
    ("05954036", &["Annen", "Heven", "Herbede", "Stockum", "Innenstadt"]),
    ("05954016", &["Welper", "Blankenstein", "Niederwenigern", "Innenstadt"]),
    ("05978024", &["Brambauer", "Gahmen", "Horstmar", "Lünen-Süd", "Innenstadt"]),
    ("05978036", &["Königsborn", "Massen", "Innenstadt", "Lünern"]),
];

const GENERIC_QUARTERS: &[&str] = &["Innenstadt", "Stadtmitte", "Nord", "Süd", "Ost", "West"];

/// Street names common across the Ruhr region.
const STREETS: &[&str] = &[
    "Hauptstraße",
    "Bahnhofstraße",
    "Kaiserstraße",
    "Schillerstraße",
    "Goethestraße",
    "Kirchstraße",
    "Marktplatz",
    "Poststraße",
    "Lindenallee",
    "Schützenstraße",
    "Friedrich-Ebert-Straße",
    "Weststraße",
    "Hansastraße",
    "Brückstraße",
    "Wilhelmstraße",
    "Viktoriastraße",
    "Hohenzollernstraße",
    "Bismarckstraße",
    "Kampstraße",
    "Münsterstraße",
    "Steinstraße",
    "Am Stadtgarten",
    "Gartenstraße",
    "Mühlenstraße",
    "Burgstraße",
    "Ringstraße",
    "Parkstraße",
    "Schulstraße",
    "Kolpingstraße",
    "Heinrich-Heine-Straße",
    "Rathausplatz",
    "Zechenstraße",
    "Glückaufstraße",
    "Am Förderturm",
    "Hüttenstraße",
    "Kanalstraße",
    "Ruhrstraße",
    "Emscherstraße",
    "Lippestraße",
    "Rheinstraße",
    "Königstraße",
    "Feldstraße",
    "Sedanstraße",
    "Moltkestraße",
    "Luisenstraße",
    "Elisabethstraße",
    "Bergstraße",
    "Wiesenstraße",
    "Lindenstraße",
    "Eichendorffstraße",
    "Overbergstraße",
    "Vinckestraße",
    "Karl-Marx-Straße",
    "Willy-Brandt-Platz",
    "Konrad-Adenauer-Straße",
    "Gustav-Heinemann-Straße",
    "Europaplatz",
    "Holsterhauser Straße",
    "Mallinckrodtstraße",
    "Leopoldstraße",
    "Westfalendamm",
    "Kronprinzenstraße",
    "Friedrichstraße",
    "Dorstener Straße",
    "Essener Straße",
    "Dortmunder Straße",
    "Bochumer Straße",
    "Duisburger Straße",
    "Gelsenkirchener Straße",
    "Hagener Straße",
    "Castroper Straße",
    "Hertener Straße",
    "Weseler Straße",
    "Mülheimer Straße",
    "Herner Straße",
    "Hammer Straße",
    "Unnaer Straße",
    "Wittener Straße",
    "Recklinghäuser Straße",
    "Kamener Straße",
];

static PLACES: LazyLock<Vec<Place>> = LazyLock::new(build_places);

/// All municipalities of the region, prepared once per process: finding deep interior points
/// scans each boundary many times, which is too slow to repeat for every generator.
pub(crate) fn places() -> &'static [Place] {
    &PLACES
}

fn build_places() -> Vec<Place> {
    let region = ruhr();
    let mut postcode_counts = std::collections::HashMap::<&str, usize>::new();
    let mut by_muni = Vec::with_capacity(region.municipalities.len());
    for m in &region.municipalities {
        let pcs = region.postcodes_of(&m.ags);
        *postcode_counts.entry(&m.ags[..5]).or_default() += pcs.len().max(1);
        by_muni.push(pcs);
    }
    let mut out = Vec::with_capacity(region.municipalities.len());
    for (i, m) in region.municipalities.iter().enumerate() {
        let district =
            DISTRICTS.iter().find(|d| d.key == &m.ags[..5]).expect("every Ruhr AGS has a district");
        // The pack has population only for the kreisfreie Städte; a Kreis's population is shared
        // among its towns by their number of postcodes, which follows town size closely enough.
        let population = match region.population(&m.ags) {
            Some(p) => p as f64,
            None => {
                let kreis = region.district_population.get(&m.ags[..5]).copied().unwrap_or(20_000) as f64;
                let share = by_muni[i].len().max(1) as f64 / postcode_counts[&m.ags[..5]] as f64;
                kreis * share
            }
        };
        let anchor = deepest_point(m);
        let postcodes = by_muni[i]
            .iter()
            .map(|pc| {
                let (base, depth) = sampling_base(m, pc.position, anchor);
                PostcodeBase {
                    postcode: pc.postcode.clone(),
                    base,
                    depth_m: depth,
                    sigma_m: (depth / 2.5).clamp(150.0, 1_200.0),
                }
            })
            .collect();
        let city_stem: String = m.name.chars().take(5).collect();
        let streets = STREETS.iter().copied().filter(|s| !s.starts_with(&city_stem)).collect();
        out.push(Place {
            ags: m.ags.clone(),
            name: m.name.clone(),
            slug: slugify(&m.name),
            district,
            area_code: AREA_CODES.iter().find(|(a, _)| *a == m.ags).map_or("0201", |(_, c)| c),
            postcodes,
            quarters: QUARTERS.iter().find(|(a, _)| *a == m.ags).map_or(GENERIC_QUARTERS, |(_, q)| q),
            streets,
            anchor,
            population,
            muni: i,
        });
    }
    out
}

/// Distance to the nearest border of the municipality, or a negative number when outside.
pub(crate) fn depth_m(m: &Municipality, p: LatLon) -> f64 {
    if !m.contains(p) {
        return -1.0;
    }
    m.polygons.iter().map(|poly| poly.distance_to_boundary_m(p)).fold(f64::INFINITY, f64::min)
}

/// The point of a grid over the municipality that lies farthest from its border.
fn deepest_point(m: &Municipality) -> LatLon {
    let b = m.bbox;
    let mut best = (m.interior_point(), f64::NEG_INFINITY);
    const STEPS: usize = 24;
    for i in 0..=STEPS {
        for j in 0..=STEPS {
            let p = LatLon::new(
                b.min_lat + (b.max_lat - b.min_lat) * i as f64 / STEPS as f64,
                b.min_lon + (b.max_lon - b.min_lon) * j as f64 / STEPS as f64,
            );
            let d = depth_m(m, p);
            if d > best.1 {
                best = (p, d);
            }
        }
    }
    best.0
}

/// Where to scatter the addresses of a postcode: its centroid when that lies comfortably
/// inside, otherwise the first point on the way to the anchor that does. Returns the point and
/// its distance to the border.
fn sampling_base(m: &Municipality, centroid: LatLon, anchor: LatLon) -> (LatLon, f64) {
    let wanted = BORDER_MARGIN_M + 400.0;
    let mut fallback = (anchor, depth_m(m, anchor));
    for step in 0..=20 {
        let t = step as f64 / 20.0;
        let p = LatLon::new(
            centroid.lat + (anchor.lat - centroid.lat) * t,
            centroid.lon + (anchor.lon - centroid.lon) * t,
        );
        let d = depth_m(m, p);
        if d >= wanted {
            return (p, d);
        }
        if d > fallback.1 {
            fallback = (p, d);
        }
    }
    fallback
}

impl Place {
    /// The web domain of the town hall: the city's own, or in a Kreis the town's
    /// (`{slug}.de`), since the Kreis's domain belongs to the Kreis.
    pub(crate) fn city_domain(&self) -> String {
        if self.district.kreis.is_some() {
            format!("{}.de", self.slug)
        } else {
            self.district.kreis_domain.to_string()
        }
    }

    /// A point near the postcode's base that lies at least [`BORDER_MARGIN_M`] inside the
    /// municipality, rounded to six decimals (about 10 cm) as geocoders return them.
    pub(crate) fn point_near(&self, rng: &mut impl Rng, pc: &PostcodeBase) -> LatLon {
        let m = &ruhr().municipalities[self.muni];
        let mut sigma = pc.sigma_m;
        for attempt in 0..24 {
            let (p, r) = jitter(rng, pc.base, sigma);
            let p = round6(p);
            // The distance to the border changes by at most the distance moved, so a point
            // close enough to a deep base needs no geometry at all (25 m cover projection and
            // rounding); most points are accepted this way.
            if r + 25.0 <= pc.depth_m - BORDER_MARGIN_M || depth_m(m, p) >= BORDER_MARGIN_M {
                return p;
            }
            if attempt % 6 == 5 {
                sigma /= 2.0;
            }
        }
        for _ in 0..24 {
            let p = round6(jitter(rng, self.anchor, 250.0).0);
            if depth_m(m, p) >= BORDER_MARGIN_M {
                return p;
            }
        }
        round6(self.anchor)
    }
}

fn round6(p: LatLon) -> LatLon {
    LatLon::new((p.lat * 1e6).round() / 1e6, (p.lon * 1e6).round() / 1e6)
}

/// A normally distributed offset of `sigma_m` metres in each direction (Box–Muller), and the
/// distance moved in metres.
fn jitter(rng: &mut impl Rng, p: LatLon, sigma_m: f64) -> (LatLon, f64) {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random();
    let r = (-2.0 * u1.ln()).sqrt() * sigma_m;
    let (s, c) = (std::f64::consts::TAU * u2).sin_cos();
    let (dx, dy) = (r * c, r * s);
    let dlat = dy / 111_195.0;
    let dlon = dx / (111_195.0 * p.lat.to_radians().cos());
    (LatLon::new(p.lat + dlat, p.lon + dlon), r)
}

/// Lowercase ASCII for domains: umlauts spelled out, everything else that is not a letter or a
/// digit becomes a single hyphen.
pub(crate) fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut hyphen = false;
    for c in s.chars() {
        let rep: &str = match c {
            'ä' | 'Ä' => "ae",
            'ö' | 'Ö' => "oe",
            'ü' | 'Ü' => "ue",
            'ß' => "ss",
            'é' | 'è' => "e",
            'ı' => "i",
            'ş' | 'Ş' => "s",
            'ç' | 'Ç' => "c",
            'ğ' => "g",
            _ => "",
        };
        if !rep.is_empty() {
            out.push_str(rep);
            hyphen = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            hyphen = false;
        } else if !hyphen && !out.is_empty() {
            out.push('-');
            hyphen = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// [`slugify`], cut at a hyphen to at most `max` bytes (or at `max` when there is none), for
/// URL paths and domain labels.
pub(crate) fn short_slug(s: &str, max: usize) -> String {
    let mut s = slugify(s);
    if s.len() > max {
        let cut = s[..max].rfind('-').unwrap_or(max);
        s.truncate(cut);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Mülheim an der Ruhr"), "muelheim-an-der-ruhr");
        assert_eq!(slugify("Wetter (Ruhr)"), "wetter-ruhr");
        assert_eq!(slugify("Fröndenberg/Ruhr"), "froendenberg-ruhr");
    }

    #[test]
    fn every_place_is_complete() {
        let ps = places();
        assert_eq!(ps.len(), 53);
        for p in ps {
            assert!(!p.postcodes.is_empty(), "{}", p.name);
            assert!(p.population > 5_000.0, "{} {}", p.name, p.population);
            assert!(AREA_CODES.iter().any(|(a, _)| *a == p.ags), "{}", p.name);
            let m = &ruhr().municipalities[p.muni];
            assert!(depth_m(m, p.anchor) >= BORDER_MARGIN_M, "{} anchor too near the border", p.name);
        }
    }
}
