//! Writing offers in the standard's CSV form, so that what one exports a node can import.

use std::io::Write;

use super::columns::{Column, FIELDS, LOCATION_FIELDS, Leaf, Target};
use super::formula::neutralise_in_place;
use crate::model::{Location, Offer};

/// The languages whose texts get their own `title_*`/`description_*` columns on export. A CSV
/// header must be fixed before the first row, so texts in other languages are left out of CSV
/// exports (JSON and NDJSON exports keep them).
pub const EXPORT_LANGUAGES: &[&str] =
    &["de", "en", "ar", "uk", "tr", "fa", "ru", "ku", "ti", "so", "ps", "ro", "bg", "pl", "fr", "es"];

/// Streams offers as CSV: `;`-separated, UTF-8 with BOM (what German Excel opens correctly).
///
/// Every cell that is not a number column passes through [`super::formula::neutralise`], so no
/// offer text becomes a formula in a spreadsheet. Number columns (amounts, ages, coordinates)
/// are written as plain numbers, so that spreadsheets still compute with them; they come from
/// numbers, so they never hold a formula, and a negative coordinate stays a number.
pub struct CsvWriter<W: Write> {
    inner: csv::Writer<W>,
    header_written: bool,
    /// The header's width and where its `location_*` columns start, taken from the header once
    /// so that continuation rows need not rebuild it.
    width: usize,
    location_start: usize,
    /// Per column: whether it holds numbers, which are written without the formula guard.
    numeric: Vec<bool>,
    row: Vec<String>,
}

impl<W: Write> CsvWriter<W> {
    pub fn new(mut out: W) -> Self {
        // A failed BOM write surfaces again on the first row; keep the constructor infallible.
        let _ = out.write_all(b"\xEF\xBB\xBF");
        let inner = csv::WriterBuilder::new().delimiter(b';').from_writer(out);
        let header = Self::header();
        let location_start = header.iter().position(|h| h == "location_name").unwrap_or(0);
        let numeric = header
            .iter()
            .map(|h| {
                matches!(
                    Column::parse(h).target,
                    Target::Field(_, Leaf::Number | Leaf::Integer)
                        | Target::Location(_, Leaf::Number | Leaf::Integer)
                )
            })
            .collect();
        CsvWriter {
            inner,
            header_written: false,
            width: header.len(),
            location_start,
            numeric,
            row: Vec::new(),
        }
    }

    /// The header, in the order the columns are written.
    pub fn header() -> Vec<String> {
        let mut h = Vec::new();
        for (name, _, _) in FIELDS {
            if *name == "provider_name" {
                for lang in EXPORT_LANGUAGES {
                    h.push(format!("title_{lang}"));
                }
                for lang in EXPORT_LANGUAGES {
                    h.push(format!("description_{lang}"));
                }
            }
            if *name == "service_area" {
                for (loc, _) in LOCATION_FIELDS {
                    h.push(format!("location_{loc}"));
                }
            }
            h.push((*name).to_owned());
        }
        h
    }

    pub fn write(&mut self, offer: &Offer) -> std::io::Result<()> {
        if !self.header_written {
            self.inner.write_record(Self::header())?;
            self.header_written = true;
        }
        self.fill(offer, offer.locations.first());
        self.write_row()?;
        for location in offer.locations.iter().skip(1) {
            self.fill_continuation(offer, location);
            self.write_row()?;
        }
        Ok(())
    }

    fn write_row(&mut self) -> std::io::Result<()> {
        for (cell, numeric) in self.row.iter_mut().zip(&self.numeric) {
            if !numeric {
                neutralise_in_place(cell);
            }
        }
        self.inner.write_record(&self.row)?;
        Ok(())
    }

    pub fn finish(mut self) -> std::io::Result<W> {
        if !self.header_written {
            self.inner.write_record(Self::header())?;
        }
        self.inner.into_inner().map_err(|e| e.into_error())
    }

    fn fill(&mut self, o: &Offer, location: Option<&Location>) {
        let row = &mut self.row;
        row.clear();
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let list = |v: &[String]| v.join("|");
        for (name, _, _) in FIELDS {
            if *name == "provider_name" {
                for lang in EXPORT_LANGUAGES {
                    row.push(o.title.get(*lang).cloned().unwrap_or_default());
                }
                for lang in EXPORT_LANGUAGES {
                    row.push(o.description.get(*lang).cloned().unwrap_or_default());
                }
            }
            if *name == "service_area" {
                push_location(row, location);
            }
            let level = o.language_level.as_ref();
            let elig = o.eligibility.as_ref();
            let sched = o.schedule.as_ref();
            let cell = match *name {
                "id" => o.id.clone(),
                "offer_type" => o.offer_type.clone(),
                "categories" => list(&o.categories),
                "provider_name" => o.provider.name.clone(),
                "provider_kind" => o.provider.kind.clone(),
                "provider_url" => opt(&o.provider.url),
                "provider_identifiers" => o
                    .provider
                    .identifiers
                    .iter()
                    .map(|i| format!("{}:{}", i.scheme, i.value))
                    .collect::<Vec<_>>()
                    .join("|"),
                "status" => o.status.clone(),
                "target_groups" => list(&o.target_groups),
                "life_phases" => list(&o.life_phases),
                "languages" => list(&o.languages),
                "language_level_from" => level.map(|l| l.from.clone()).unwrap_or_default(),
                "language_level_to" => level.map(|l| l.to.clone()).unwrap_or_default(),
                "cost_kind" => o.cost.kind.clone(),
                "cost_amount_eur" => o.cost.amount_eur.map(|a| a.to_string()).unwrap_or_default(),
                "cost_note" => opt(&o.cost.note),
                "eligibility_age_min" => {
                    elig.and_then(|e| e.age_min).map(|a| a.to_string()).unwrap_or_default()
                }
                "eligibility_age_max" => {
                    elig.and_then(|e| e.age_max).map(|a| a.to_string()).unwrap_or_default()
                }
                "eligibility_residence_status" => elig.map(|e| list(&e.residence_status)).unwrap_or_default(),
                "eligibility_note" => elig.and_then(|e| e.note.clone()).unwrap_or_default(),
                "delivery" => o.delivery.clone(),
                "service_area" => list(&o.service_area),
                "schedule_start_date" => sched.and_then(|s| s.start_date.clone()).unwrap_or_default(),
                "schedule_end_date" => sched.and_then(|s| s.end_date.clone()).unwrap_or_default(),
                "schedule_opening_hours" => sched
                    .map(|s| {
                        s.opening_hours
                            .iter()
                            .map(|h| format!("{} {}-{}", h.days.join(","), h.opens, h.closes))
                            .collect::<Vec<_>>()
                            .join("|")
                    })
                    .unwrap_or_default(),
                "schedule_note" => sched.and_then(|s| s.note.clone()).unwrap_or_default(),
                "contact_name" => opt(&o.contact.name),
                "contact_email" => opt(&o.contact.email),
                "contact_phone" => opt(&o.contact.phone),
                "contact_url" => opt(&o.contact.url),
                "features" => list(&o.features),
                "url" => opt(&o.url),
                "valid_until" => opt(&o.valid_until),
                "verified_at" => opt(&o.verified_at),
                other => unreachable!("column {other} has no writer"),
            };
            row.push(cell);
        }
    }

    /// A further location: the id and the `location_*` columns only.
    fn fill_continuation(&mut self, o: &Offer, location: &Location) {
        self.row.clear();
        self.row.resize(self.width, String::new());
        self.row[0] = o.id.clone();
        let mut loc = Vec::new();
        push_location(&mut loc, Some(location));
        for (i, cell) in loc.into_iter().enumerate() {
            self.row[self.location_start + i] = cell;
        }
    }
}

fn push_location(row: &mut Vec<String>, location: Option<&Location>) {
    let Some(l) = location else {
        row.extend(std::iter::repeat_n(String::new(), LOCATION_FIELDS.len()));
        return;
    };
    for (key, _) in LOCATION_FIELDS {
        row.push(match *key {
            "name" => l.name.clone().unwrap_or_default(),
            "street" => l.street.clone(),
            "postcode" => l.postcode.clone(),
            "city" => l.city.clone(),
            "ags" => l.ags.clone(),
            "lat" => l.lat.map(|v| v.to_string()).unwrap_or_default(),
            "lon" => l.lon.map(|v| v.to_string()).unwrap_or_default(),
            "accessibility" => l.accessibility.join("|"),
            other => unreachable!("location column {other} has no writer"),
        });
    }
}
