//! Places: locations with their geography, and service areas of municipality keys (AGS).
//!
//! Which of the two a record needs depends on its kind, so each kind states that rule itself;
//! the fields are checked here, once.

use serde_json::{Map, Value};

use super::Position;
use super::checker::{Checker, TITLE_MAX, truncate};
use super::geo;
use super::path::Path;
use crate::finding::Code;

/// The fields of a location, and those an organization's location adds.
const LOCATION_FIELDS: &[&str] =
    &["name", "street", "postcode", "city", "ags", "lat", "lon", "accessibility"];
const LOCATION_FIELDS_WITH_HOURS: &[&str] =
    &["name", "street", "postcode", "city", "ags", "lat", "lon", "accessibility", "opening_hours"];

/// Whether a location may carry its own opening hours (organizations' locations do).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Hours {
    Allowed,
    NotAllowed,
}

impl Checker<'_, '_> {
    /// The record's `locations`, when present: a non-empty list, each location checked and
    /// placed.
    pub(super) fn locations(&mut self, root: &Path<'_>, m: &Map<String, Value>, hours: Hours) {
        let Some(v) = m.get("locations") else { return };
        let p = root.key("locations");
        if let Some(items) = self.array(&p, v) {
            self.min_items(&p, items.len(), 1);
            for (i, item) in items.iter().enumerate() {
                let position = self.location(&p.index(i), item, hours);
                self.positions.push(position);
            }
        }
    }

    /// The record's `service_area`, when present: a non-empty list of known AGS, none twice.
    pub(super) fn service_area(&mut self, root: &Path<'_>, m: &Map<String, Value>) {
        let Some(v) = m.get("service_area") else { return };
        let p = root.key("service_area");
        let Some(items) = self.array(&p, v) else { return };
        self.min_items(&p, items.len(), 1);
        let mut seen: Vec<&str> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let ip = p.index(i);
            if let Some(ags) = self.string(&ip, item)
                && self.ags(&ip, ags)
            {
                if seen.contains(&ags) {
                    self.duplicate(&ip, ags);
                }
                seen.push(ags);
            }
        }
    }

    /// Locations or a service area, whichever the record has; without either, the record has
    /// no place at all (organizations and projects).
    pub(super) fn locations_or_area(&mut self, root: &Path<'_>, m: &Map<String, Value>, hours: Hours) {
        self.locations(root, m, hours);
        self.service_area(root, m);
        if !m.contains_key("locations") && !m.contains_key("service_area") {
            self.push(
                Code::LocationRequired,
                &root.key("locations"),
                "Es ist mindestens ein Ort (locations) oder ein Einzugsgebiet (service_area) nötig.".into(),
                "At least one location (locations) or a service area (service_area) is required.".into(),
            );
        }
    }

    /// Checks an AGS against the region pack; returns whether it is known.
    fn ags(&mut self, path: &Path<'_>, ags: &str) -> bool {
        let known = self.v.region.municipality(ags).is_some();
        if !known {
            self.push(
                Code::UnknownAgs,
                path,
                format!("Der Gemeindeschlüssel „{}“ ist in der Region unbekannt.", truncate(ags)),
                format!("The municipality key \"{}\" is unknown in the region.", truncate(ags)),
            );
        }
        known
    }

    /// Checks one location; returns where its coordinates lie.
    fn location(&mut self, path: &Path<'_>, value: &Value, hours: Hours) -> Position {
        let Some(m) = self.object(path, value) else { return Position::Unchecked };
        let allowed = if hours == Hours::Allowed { LOCATION_FIELDS_WITH_HOURS } else { LOCATION_FIELDS };
        self.fields(path, m, allowed, &["street", "postcode", "city", "ags"]);
        for key in ["name", "street", "city"] {
            self.text_field(path, m, key, TITLE_MAX);
        }
        if let Some(v) = m.get("postcode") {
            let p = path.key("postcode");
            if let Some(pc) = self.string(&p, v)
                && (pc.len() != 5 || !pc.bytes().all(|b| b.is_ascii_digit()))
            {
                self.push(
                    Code::InvalidPostcode,
                    &p,
                    format!("„{}“ ist keine fünfstellige Postleitzahl.", truncate(pc)),
                    format!("\"{}\" is not a five-digit postcode.", truncate(pc)),
                );
            }
        }
        let ags = m.get("ags").and_then(|v| {
            let p = path.key("ags");
            let s = self.string(&p, v)?;
            self.ags(&p, s).then_some(s)
        });
        self.code_list_field(path, m, "accessibility", &self.v.vocab.accessibility, 0);
        if hours == Hours::Allowed
            && let Some(v) = m.get("opening_hours")
        {
            self.opening_hours_list(&path.key("opening_hours"), v);
        }
        let lat = m.get("lat").and_then(|v| self.number(&path.key("lat"), v, -90.0, 90.0));
        let lon = m.get("lon").and_then(|v| self.number(&path.key("lon"), v, -180.0, 180.0));
        match (m.get("lat"), m.get("lon")) {
            (Some(_), None) | (None, Some(_)) => {
                let missing = if m.contains_key("lat") { "lon" } else { "lat" };
                self.push(
                    Code::CoordinatesIncomplete,
                    &path.key(missing),
                    format!("„{missing}“ fehlt; Koordinaten nur paarweise angeben."),
                    format!("\"{missing}\" is missing; give coordinates as a pair."),
                );
            }
            _ => {}
        }
        let (Some(lat), Some(lon)) = (lat, lon) else { return Position::Unchecked };
        let (position, finding) = geo::check_position(self.v.region, path, lat, lon, ags);
        self.out.extend(finding);
        position
    }
}
