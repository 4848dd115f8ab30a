//! Random choices that every kind of record makes the same way: weighted and plain picks,
//! people's names, phone numbers, street addresses with coordinates, accessibility, times of
//! day and the date a record was last checked.
//!
//! The offers' generator draws its values in a fixed order, and its output is pinned
//! (`tests/offers_pinned.rs`), so each helper that offers use draws exactly what the offers
//! drew before the helper existed; change one only together with the pin.

use lotse_geo::LatLon;
use lotse_standard::date::Date;
use lotse_standard::vocab::vocabularies;
use rand::Rng;

use crate::places::Place;

/// Weekday codes of the standard, Monday first.
pub(crate) const WEEKDAYS: [&str; 7] = ["mo", "tu", "we", "th", "fr", "sa", "su"];

/// Share of records (per mille) whose `verified_at` is more than a year old: the warning that
/// the validator reports and that quality dashboards and tests need some of.
pub(crate) const STALE_PER_MILLE: u32 = 50;

/// Languages of counselling in the Ruhr region and how often they are offered.
pub(crate) const COUNSELLING_LANGUAGES: &[(&str, u32)] = &[
    ("ar", 30),
    ("uk", 25),
    ("en", 25),
    ("tr", 20),
    ("fa", 18),
    ("ru", 15),
    ("ku", 8),
    ("ro", 6),
    ("bg", 6),
    ("ps", 5),
    ("pl", 5),
    ("fr", 5),
    ("ti", 4),
    ("so", 3),
    ("sq", 3),
];

pub(crate) const FEMALE: &[&str] = &[
    "Anna",
    "Maria",
    "Fatma",
    "Elif",
    "Leyla",
    "Olena",
    "Katarzyna",
    "Sarah",
    "Julia",
    "Amina",
    "Miriam",
    "Ayşe",
    "Nadia",
    "Sabine",
];
pub(crate) const MALE: &[&str] = &[
    "Thomas", "Michael", "Mehmet", "Ahmad", "Ali", "Andriy", "Jan", "Markus", "Stefan", "Yusuf", "Omar",
    "Tobias", "Dariusz",
];
pub(crate) const SURNAMES: &[&str] = &[
    "Schneider",
    "Müller",
    "Fischer",
    "Weber",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Schulz",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Kaya",
    "Yılmaz",
    "Demir",
    "Şahin",
    "Öztürk",
    "Kowalski",
    "Nowak",
    "Haddad",
    "Al-Hassan",
    "Rahimi",
    "Ahmadi",
    "Petrenko",
    "Kovalenko",
    "Popescu",
    "Ivanova",
    "Krüger",
];

const ACCESSIBILITY: &[(&str, u32)] = &[
    ("stufenloser_zugang", 30),
    ("rollstuhlgerecht", 25),
    ("aufzug", 20),
    ("barrierefreies_wc", 20),
    ("behindertenparkplatz", 8),
    ("induktionsschleife", 4),
    ("leichte_sprache", 6),
    ("gebaerdensprache", 2),
    ("blindenleitsystem", 3),
];

/// One of `(item, weight)` pairs, by weight.
pub(crate) fn pick<'a, T>(rng: &mut impl Rng, items: &'a [(T, u32)]) -> &'a T {
    &pick_by(rng, items, |(_, w)| *w).0
}

/// One of the items, by the weight `weight` gives each.
pub(crate) fn pick_by<'a, T>(rng: &mut impl Rng, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut r = rng.random_range(0..total.max(1));
    for item in items {
        let w = weight(item);
        if r < w {
            return item;
        }
        r -= w;
    }
    &items[items.len() - 1]
}

pub(crate) fn one<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// [`one`] for copyable items such as string slices, which keeps type inference simple.
pub(crate) fn any<T: Copy>(rng: &mut impl Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

pub(crate) fn chance(rng: &mut impl Rng, per_mille: u32) -> bool {
    rng.random_range(0..1000) < per_mille
}

/// A fictitious person: whether she is a woman, a first name and a surname.
pub(crate) struct Person {
    pub female: bool,
    pub first: &'static str,
    pub last: &'static str,
}

impl Person {
    pub(crate) fn draw(rng: &mut impl Rng) -> Person {
        let female = chance(rng, 600);
        let first = any(rng, if female { FEMALE } else { MALE });
        let last = any(rng, SURNAMES);
        Person { female, first, last }
    }

    /// "Frau Kaya" or "Herr Nowak".
    pub(crate) fn formal(&self) -> String {
        format!("{} {}", if self.female { "Frau" } else { "Herr" }, self.last)
    }

    /// "Elif Kaya".
    pub(crate) fn full(&self) -> String {
        format!("{} {}", self.first, self.last)
    }

    /// The local part of a personal e-mail address: "e.kaya".
    pub(crate) fn mailbox(&self) -> String {
        let initial = crate::places::slugify(self.first).chars().next().unwrap_or('a');
        format!("{initial}.{}", crate::places::slugify(self.last))
    }
}

/// A phone number of the place's exchange, written in one of the ways Germans write them:
/// "0201 123456", "+49 201 123456" or "0201 1234-56".
pub(crate) fn phone(rng: &mut impl Rng, area_code: &str) -> String {
    let code = area_code;
    let number = subscriber_number(rng, code);
    match rng.random_range(0..20) {
        0..=11 => format!("{code} {number}"),
        12..=16 => format!("+49 {} {number}", &code[1..]),
        _ => {
            let (a, b) = number.split_at(number.len() - 2);
            format!("{code} {a}-{b}")
        }
    }
}

/// A phone number of the place's exchange in international form: "+49 201 123456".
pub(crate) fn phone_international(rng: &mut impl Rng, area_code: &str) -> String {
    let number = subscriber_number(rng, area_code);
    format!("+49 {} {number}", &area_code[1..])
}

/// The digits after the area code: with a short code more of them, as in German numbering.
fn subscriber_number(rng: &mut impl Rng, code: &str) -> String {
    let digits = if code.len() == 4 { rng.random_range(6..=7) } else { rng.random_range(5..=6) };
    let mut number = String::with_capacity(8);
    number.push(char::from(b'1' + rng.random_range(0..9u8)));
    for _ in 1..digits {
        number.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    number
}

/// A street address in the place: a real postcode, a point well inside the municipality near
/// that postcode, and a street with a house number.
pub(crate) struct Address {
    pub postcode: String,
    pub point: LatLon,
    pub street: String,
}

impl Address {
    pub(crate) fn draw(rng: &mut impl Rng, place: &Place) -> Address {
        let pc = one(rng, &place.postcodes);
        let point = place.point_near(rng, pc);
        let street = one(rng, &place.streets);
        let u: f64 = rng.random();
        let mut number = format!("{street} {}", 1 + (u * u * 160.0) as u32);
        if chance(rng, 80) {
            number.push(any(rng, &['a', 'b', 'c']));
        }
        Address { postcode: pc.postcode.clone(), point, street: number }
    }
}

/// What a location says about its accessibility: wheelchair access when the record promises
/// barrier-free access, and with `per_mille` a few further codes, in the vocabulary's order.
pub(crate) fn accessibility(rng: &mut impl Rng, barrier_free: bool, per_mille: u32) -> Vec<String> {
    let mut accessibility: Vec<String> = Vec::new();
    if barrier_free {
        accessibility.push("rollstuhlgerecht".into());
        accessibility.push("barrierefreies_wc".into());
    }
    if barrier_free || chance(rng, per_mille) {
        for _ in 0..rng.random_range(1..=3) {
            let a = pick(rng, ACCESSIBILITY);
            if !accessibility.iter().any(|x| x == a) {
                accessibility.push(a.to_string());
            }
        }
    }
    let order = &vocabularies().accessibility;
    accessibility.sort_by_key(|a| order.position(a).unwrap_or(usize::MAX));
    accessibility
}

/// When a person last checked the record: mostly within the year, a few more than a year ago
/// (the `verified_stale` warning).
pub(crate) fn verified_at(rng: &mut impl Rng, today: Date) -> Date {
    if chance(rng, STALE_PER_MILLE) {
        today.add_days(-rng.random_range(400..=1_100))
    } else {
        today.add_days(-rng.random_range(0..=330))
    }
}

/// Further languages besides German, drawn from the counselling languages of the region:
/// `extra` draws, without repeats, in the order drawn.
pub(crate) fn languages(rng: &mut impl Rng, extra: usize) -> Vec<String> {
    let mut languages = vec!["de".to_string()];
    for _ in 0..extra {
        let l = pick(rng, COUNSELLING_LANGUAGES);
        if !languages.iter().any(|x| x == l) {
            languages.push(l.to_string());
        }
    }
    languages
}

pub(crate) fn hhmm(min: u32) -> String {
    let mut s = String::with_capacity(5);
    push_hhmm(&mut s, min);
    s
}

pub(crate) fn push_hhmm(s: &mut String, min: u32) {
    let (h, m) = (min / 60, min % 60);
    for d in [h / 10, h % 10] {
        s.push(char::from(b'0' + d as u8));
    }
    s.push(':');
    for d in [m / 10, m % 10] {
        s.push(char::from(b'0' + d as u8));
    }
}

/// 0 = Monday; 1970-01-01 was a Thursday.
pub(crate) fn weekday(d: Date) -> i64 {
    (d.days_since_epoch() + 3).rem_euclid(7)
}

pub(crate) fn german_date(d: Date) -> String {
    format!("{:02}.{:02}.{}", d.day, d.month, d.year)
}

/// "https://www.example.de" for a domain of two labels, "https://sub.example.de" otherwise.
pub(crate) fn base_url(domain: &str) -> String {
    if domain.matches('.').count() >= 2 {
        format!("https://{domain}")
    } else {
        format!("https://www.{domain}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_of_known_dates() {
        assert_eq!(weekday(Date::new(2026, 3, 2).unwrap()), 0, "2 March 2026 is a Monday");
        assert_eq!(weekday(Date::new(2025, 11, 23).unwrap()), 6, "23 November 2025 is a Sunday");
    }

    #[test]
    fn times_and_urls() {
        assert_eq!(hhmm(7 * 60 + 5), "07:05");
        assert_eq!(base_url("essen.de"), "https://www.essen.de");
        assert_eq!(base_url("essen.ihk.de"), "https://essen.ihk.de");
    }
}
