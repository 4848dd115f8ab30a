//! What a result shows of an offer, stored as the first value of its index document in a
//! compact binary form.
//!
//! A result used to parse the stored offer as JSON: at a page of 100 results that was a third
//! of a search's work, most of it passing over fields a result does not show. The summary
//! holds only what a result needs (hub id, titles, descriptions for the snippet, type,
//! provider, addresses, placement) as length-prefixed strings that are borrowed, not copied,
//! when read (no escapes to undo, nothing to skip). A reader of results stops after this first value ([`HitDoc`]), so the rest of
//! the stored document is never deserialised.
//!
//! The descriptions are stored only here: the stored offer leaves them out, and an export
//! puts them back from the summary ([`Summary::restore`]), so the longest text of an offer is
//! not stored twice.

use std::collections::BTreeMap;

use lotse_standard::Offer;
use tantivy::schema::OwnedValue;
use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};

use crate::schema::{IndexedOffer, IndexedPoint};

/// The first value of a summary: a summary written in another layout is refused instead of
/// being misread (the index's schema version changes with it, so this is a second guard).
const LAYOUT: usize = 1;

/// A summary read from its text; every string borrows from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary<'a> {
    pub hub_id: &'a str,
    pub changed: i64,
    /// By language, in the order of the language codes.
    pub title: Vec<(&'a str, &'a str)>,
    pub description: Vec<(&'a str, &'a str)>,
    pub offer_type: &'a str,
    pub provider: &'a str,
    /// The first municipality of the service area, if any.
    pub service_area: Option<&'a str>,
    pub locations: Vec<SummaryLocation<'a>>,
    pub points: Vec<SummaryPoint<'a>>,
}

/// The address of one location.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryLocation<'a> {
    pub name: Option<&'a str>,
    pub street: &'a str,
    pub postcode: &'a str,
    pub city: &'a str,
}

/// One placed point (see [`IndexedPoint`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryPoint<'a> {
    pub idx: u32,
    pub lat: f64,
    pub lon: f64,
    pub ags: &'a str,
    pub precision: &'a str,
}

impl SummaryPoint<'_> {
    pub fn to_indexed(&self) -> IndexedPoint {
        IndexedPoint {
            idx: self.idx,
            lat: self.lat,
            lon: self.lon,
            ags: self.ags.to_owned(),
            precision: self.precision.to_owned(),
        }
    }
}

/// The summary of an offer as the index stores it.
pub fn encode(item: &IndexedOffer) -> String {
    let o = &item.offer;
    let mut w = Writer(String::with_capacity(256 + o.description.values().map(String::len).sum::<usize>()));
    w.num(LAYOUT);
    w.str(&item.hub_id);
    w.str(&item.changed.to_string());
    for texts in [&o.title, &o.description] {
        w.num(texts.len());
        for (lang, text) in texts {
            w.str(lang);
            w.str(text);
        }
    }
    w.str(&o.offer_type);
    w.str(&o.provider.name);
    w.str(o.service_area.first().map_or("", String::as_str));
    w.num(o.locations.len());
    for l in &o.locations {
        match &l.name {
            Some(name) => {
                w.num(1);
                w.str(name);
            }
            None => w.num(0),
        }
        w.str(&l.street);
        w.str(&l.postcode);
        w.str(&l.city);
    }
    w.num(item.points.len());
    for p in &item.points {
        w.num(p.idx as usize);
        w.float(p.lat);
        w.float(p.lon);
        w.str(&p.ags);
        w.str(&p.precision);
    }
    w.0
}

impl<'a> Summary<'a> {
    /// Reads a summary; `None` when the text is not one.
    pub fn decode(text: &'a str) -> Option<Summary<'a>> {
        let mut r = Reader(text);
        if r.num()? != LAYOUT {
            return None;
        }
        let hub_id = r.str()?;
        let changed = r.str()?.parse().ok()?;
        let mut texts = || -> Option<Vec<(&'a str, &'a str)>> {
            let n = r.num()?;
            (0..n).map(|_| Some((r.str()?, r.str()?))).collect()
        };
        let title = texts()?;
        let description = texts()?;
        let offer_type = r.str()?;
        let provider = r.str()?;
        let service_area = Some(r.str()?).filter(|a| !a.is_empty());
        let n = r.num()?;
        let locations = (0..n)
            .map(|_| {
                let name = if r.num()? == 1 { Some(r.str()?) } else { None };
                Some(SummaryLocation { name, street: r.str()?, postcode: r.str()?, city: r.str()? })
            })
            .collect::<Option<Vec<_>>>()?;
        let n = r.num()?;
        let points = (0..n)
            .map(|_| {
                Some(SummaryPoint {
                    idx: u32::try_from(r.num()?).ok()?,
                    lat: r.float()?,
                    lon: r.float()?,
                    ags: r.str()?,
                    precision: r.str()?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Summary {
            hub_id,
            changed,
            title,
            description,
            offer_type,
            provider,
            service_area,
            locations,
            points,
        })
    }

    /// The text in `lang` if there is one, else German, else the first; with its language.
    pub fn pick(texts: &[(&'a str, &'a str)], lang: &str) -> Option<(&'a str, &'a str)> {
        let of = |l: &str| texts.iter().find(|(k, _)| *k == l).copied();
        of(lang).or_else(|| of("de")).or_else(|| texts.first().copied())
    }

    /// Puts the descriptions, which the stored offer leaves out, back into `offer`.
    pub fn restore(&self, offer: &mut Offer) {
        offer.description = self
            .description
            .iter()
            .map(|(l, t)| ((*l).to_owned(), (*t).to_owned()))
            .collect::<BTreeMap<_, _>>();
    }
}

/// The stored offer without its descriptions (see the module's introduction).
pub fn stored_offer(offer: &Offer) -> String {
    let mut offer = offer.clone();
    offer.description.clear();
    serde_json::to_string(&offer).unwrap_or_default()
}

/// Writes the summary's text: every value is `length;content` (a netstring without the
/// trailing comma), numbers as decimal text. Text, not bytes, because tantivy reads a stored
/// text with one copy and a stored byte string byte by byte.
struct Writer(String);

impl Writer {
    fn num(&mut self, n: usize) {
        use std::fmt::Write;
        let _ = write!(self.0, "{n};");
    }

    fn str(&mut self, s: &str) {
        self.num(s.len());
        self.0.push_str(s);
    }

    fn float(&mut self, v: f64) {
        // Rust prints the shortest text that reads back as the same number.
        self.str(&v.to_string());
    }
}

struct Reader<'a>(&'a str);

impl<'a> Reader<'a> {
    fn num(&mut self) -> Option<usize> {
        let end = self.0.bytes().take(21).position(|b| b == b';')?;
        let n = self.0[..end].parse().ok()?;
        self.0 = &self.0[end + 1..];
        Some(n)
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.num()?;
        let s = self.0.get(..n)?;
        self.0 = &self.0[n..];
        Some(s)
    }

    fn float(&mut self) -> Option<f64> {
        self.str()?.parse().ok()
    }
}

/// The text of a stored document's summary, its first value: reading a document as this
/// stops there and leaves the stored offer untouched.
pub struct HitDoc(pub String);

impl DocumentDeserialize for HitDoc {
    fn deserialize<'de, D: DocumentDeserializer<'de>>(mut doc: D) -> Result<Self, DeserializeError> {
        match doc.next_field::<OwnedValue>()? {
            Some((_, OwnedValue::Str(text))) => Ok(HitDoc(text)),
            Some(_) => Err(DeserializeError::custom("the first stored value is not a summary")),
            None => Err(DeserializeError::custom("the document stores no summary")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A generated offer with two languages, an unnamed location and text that JSON would
    /// escape.
    fn item() -> IndexedOffer {
        let today = lotse_standard::date::Date::new(2026, 3, 1).unwrap();
        let mut offer =
            lotse_generate::Generator::new(lotse_generate::Options::new(7, today)).unwrap().offer(0);
        offer.title = [("de", "Integrationskurs „Alltag“"), ("ar", "دورة الاندماج")]
            .map(|(l, t)| (l.to_owned(), t.to_owned()))
            .into();
        offer.description = [("de", "Zeile eins\nZeile \"zwei\" <b>"), ("en", "Line one")]
            .map(|(l, t)| (l.to_owned(), t.to_owned()))
            .into();
        offer.offer_type = "sprachkurs".into();
        offer.provider.name = "VHS Essen".into();
        offer.service_area = vec!["05113000".into()];
        let mut first = offer.locations.first().cloned().expect("a generated offer has a location");
        first.name = Some("Haus der Bildung".into());
        let mut second = first.clone();
        second.name = None;
        second.street = "Weg 2".into();
        offer.locations = vec![first, second];
        IndexedOffer {
            hub_id: "essen/k-1".into(),
            node_id: "essen".into(),
            offer,
            changed: 1_764_633_600,
            points: vec![
                IndexedPoint {
                    idx: 0,
                    lat: 51.45,
                    lon: 7.01,
                    ags: "05113000".into(),
                    precision: "exact".into(),
                },
                IndexedPoint {
                    idx: 300,
                    lat: 51.5,
                    lon: 7.1,
                    ags: "05513000".into(),
                    precision: "postcode".into(),
                },
            ],
        }
    }

    #[test]
    fn a_summary_reads_back_what_was_written() {
        let item = item();
        let text = encode(&item);
        let s = Summary::decode(&text).unwrap();
        assert_eq!(s.hub_id, "essen/k-1");
        assert_eq!(s.changed, 1_764_633_600);
        assert_eq!(s.title, vec![("ar", "دورة الاندماج"), ("de", "Integrationskurs „Alltag“")]);
        assert_eq!(s.description, vec![("de", "Zeile eins\nZeile \"zwei\" <b>"), ("en", "Line one")]);
        assert_eq!((s.offer_type, s.provider, s.service_area), ("sprachkurs", "VHS Essen", Some("05113000")));
        assert_eq!(s.locations[0].name, Some("Haus der Bildung"));
        assert_eq!((s.locations[1].name, s.locations[1].street), (None, "Weg 2"));
        assert_eq!(s.points.iter().map(SummaryPoint::to_indexed).collect::<Vec<_>>(), item.points);
        assert_eq!(Summary::pick(&s.title, "en"), Some(("de", "Integrationskurs „Alltag“")));
        assert_eq!(Summary::pick(&s.title, "ar"), Some(("ar", "دورة الاندماج")));
    }

    #[test]
    fn cut_or_foreign_texts_are_refused_not_misread() {
        let text = encode(&item());
        for end in (0..text.len()).filter(|&e| text.is_char_boundary(e)) {
            assert!(Summary::decode(&text[..end]).is_none(), "cut at {end}");
        }
        let other = format!("{};{}", LAYOUT + 1, &text[2..]);
        assert!(Summary::decode(&other).is_none());
    }

    #[test]
    fn the_stored_offer_and_the_summary_give_back_the_offer() {
        let item = item();
        let mut offer: Offer = serde_json::from_str(&stored_offer(&item.offer)).unwrap();
        assert!(offer.description.is_empty());
        let text = encode(&item);
        Summary::decode(&text).unwrap().restore(&mut offer);
        assert_eq!(offer, item.offer);
    }
}
