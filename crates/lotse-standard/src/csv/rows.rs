//! The cells of each kind of record, by column: what the writer puts into a file.
//!
//! Each kind answers for its own columns of its table (`tables.rs`); the parts several kinds
//! share (contact, locations, opening hours, lists, references) are formatted by one function
//! each, in the syntax the reader expects back.

use crate::model::{
    Contact, Identifier, LangMap, Link, Location, Network, Offer, OpeningHours, Organization, Project,
    Reference,
};
use crate::rpde::Kind;

/// A record as the CSV writer sees it.
pub(crate) trait Row {
    fn kind(&self) -> Kind;
    /// The cell of a column of its own, by the column's name.
    fn field(&self, name: &str) -> String;
    /// The language map of a `<field>_<lang>` column.
    fn text(&self, field: &str) -> Option<&LangMap>;
    /// How many locations the record has (each but the first gets a row of its own).
    fn locations(&self) -> usize {
        0
    }
    /// The `location_<key>` cell of location `index`, empty when there is none.
    fn location(&self, _index: usize, _key: &str) -> String {
        String::new()
    }
    fn links(&self) -> &[Link] {
        &[]
    }
    /// The cell of member `key` of entry `index` of a list spread over columns.
    fn item(&self, _field: &str, _index: usize, _key: &str) -> String {
        String::new()
    }
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn list(v: &[String]) -> String {
    v.join("|")
}

fn reference(r: &Option<Reference>) -> String {
    r.as_ref().map(Reference::to_string).unwrap_or_default()
}

fn references(v: &[Reference]) -> String {
    v.iter().map(Reference::to_string).collect::<Vec<_>>().join("|")
}

fn opening_hours(hours: &[OpeningHours]) -> String {
    hours
        .iter()
        .map(|h| format!("{} {}-{}", h.days.join(","), h.opens, h.closes))
        .collect::<Vec<_>>()
        .join("|")
}

/// The `contact_<key>` cell of a contact, empty when there is none.
fn contact(c: Option<&Contact>, key: &str) -> String {
    let Some(c) = c else { return String::new() };
    match key {
        "name" => opt(&c.name),
        "email" => opt(&c.email),
        "phone" => opt(&c.phone),
        "url" => opt(&c.url),
        other => unreachable!("contact column {other} has no writer"),
    }
}

/// A `location_<key>` cell of a location.
fn location(l: Option<&Location>, key: &str) -> String {
    let Some(l) = l else { return String::new() };
    match key {
        "name" => opt(&l.name),
        "street" => l.street.clone(),
        "postcode" => l.postcode.clone(),
        "city" => l.city.clone(),
        "ags" => l.ags.clone(),
        "lat" => l.lat.map(|v| v.to_string()).unwrap_or_default(),
        "lon" => l.lon.map(|v| v.to_string()).unwrap_or_default(),
        "accessibility" => l.accessibility.join("|"),
        other => unreachable!("location column {other} has no writer"),
    }
}

fn identifiers(ids: &[Identifier]) -> String {
    ids.iter().map(|i| format!("{}:{}", i.scheme, i.value)).collect::<Vec<_>>().join("|")
}

impl Row for Offer {
    fn kind(&self) -> Kind {
        Kind::Offer
    }

    fn field(&self, name: &str) -> String {
        if let Some(key) = name.strip_prefix("contact_") {
            return contact(Some(&self.contact), key);
        }
        let level = self.language_level.as_ref();
        let elig = self.eligibility.as_ref();
        let sched = self.schedule.as_ref();
        match name {
            "id" => self.id.clone(),
            "offer_type" => self.offer_type.clone(),
            "categories" => list(&self.categories),
            "provider_name" => self.provider.name.clone(),
            "provider_kind" => self.provider.kind.clone(),
            "provider_url" => opt(&self.provider.url),
            "provider_identifiers" => identifiers(&self.provider.identifiers),
            "provider_ref" => reference(&self.provider.reference),
            "status" => self.status.clone(),
            "target_groups" => list(&self.target_groups),
            "life_phases" => list(&self.life_phases),
            "languages" => list(&self.languages),
            "language_level_from" => level.map(|l| l.from.clone()).unwrap_or_default(),
            "language_level_to" => level.map(|l| l.to.clone()).unwrap_or_default(),
            "cost_kind" => self.cost.kind.clone(),
            "cost_amount_eur" => self.cost.amount_eur.map(|a| a.to_string()).unwrap_or_default(),
            "cost_note" => opt(&self.cost.note),
            "eligibility_age_min" => elig.and_then(|e| e.age_min).map(|a| a.to_string()).unwrap_or_default(),
            "eligibility_age_max" => elig.and_then(|e| e.age_max).map(|a| a.to_string()).unwrap_or_default(),
            "eligibility_residence_status" => elig.map(|e| list(&e.residence_status)).unwrap_or_default(),
            "eligibility_note" => elig.and_then(|e| e.note.clone()).unwrap_or_default(),
            "delivery" => self.delivery.clone(),
            "service_area" => list(&self.service_area),
            "schedule_start_date" => sched.and_then(|s| s.start_date.clone()).unwrap_or_default(),
            "schedule_end_date" => sched.and_then(|s| s.end_date.clone()).unwrap_or_default(),
            "schedule_opening_hours" => sched.map(|s| opening_hours(&s.opening_hours)).unwrap_or_default(),
            "schedule_note" => sched.and_then(|s| s.note.clone()).unwrap_or_default(),
            "features" => list(&self.features),
            "url" => opt(&self.url),
            "valid_until" => opt(&self.valid_until),
            "verified_at" => opt(&self.verified_at),
            "networks" => references(&self.networks),
            "projects" => references(&self.projects),
            other => unreachable!("offer column {other} has no writer"),
        }
    }

    fn text(&self, field: &str) -> Option<&LangMap> {
        match field {
            "title" => Some(&self.title),
            "description" => Some(&self.description),
            _ => None,
        }
    }

    fn locations(&self) -> usize {
        self.locations.len()
    }

    fn location(&self, index: usize, key: &str) -> String {
        location(self.locations.get(index), key)
    }
}

impl Row for Organization {
    fn kind(&self) -> Kind {
        Kind::Organization
    }

    fn field(&self, name: &str) -> String {
        if let Some(key) = name.strip_prefix("contact_") {
            return contact(self.contact.as_ref(), key);
        }
        match name {
            "id" => self.id.clone(),
            "kind" => self.kind.clone(),
            "school_type" => opt(&self.school_type),
            "service_area" => list(&self.service_area),
            "url" => opt(&self.url),
            "identifiers" => identifiers(&self.identifiers),
            "languages" => list(&self.languages),
            "life_phases" => list(&self.life_phases),
            "part_of" => reference(&self.part_of),
            "verified_at" => opt(&self.verified_at),
            other => unreachable!("organization column {other} has no writer"),
        }
    }

    fn text(&self, field: &str) -> Option<&LangMap> {
        match field {
            "name" => Some(&self.name),
            "description" => self.description.as_ref(),
            _ => None,
        }
    }

    fn locations(&self) -> usize {
        self.locations.len()
    }

    fn location(&self, index: usize, key: &str) -> String {
        let l = self.locations.get(index);
        match key {
            "opening_hours" => l.map(|l| opening_hours(&l.opening_hours)).unwrap_or_default(),
            _ => location(l.map(|l| &l.location), key),
        }
    }

    fn links(&self) -> &[Link] {
        &self.links
    }
}

impl Row for Network {
    fn kind(&self) -> Kind {
        Kind::Network
    }

    fn field(&self, name: &str) -> String {
        if let Some(key) = name.strip_prefix("contact_") {
            return contact(self.contact.as_ref(), key);
        }
        match name {
            "id" => self.id.clone(),
            "members" => references(&self.members),
            "service_area" => list(&self.service_area),
            "life_phases" => list(&self.life_phases),
            "target_groups" => list(&self.target_groups),
            "url" => opt(&self.url),
            "verified_at" => opt(&self.verified_at),
            other => unreachable!("network column {other} has no writer"),
        }
    }

    fn text(&self, field: &str) -> Option<&LangMap> {
        match field {
            "name" => Some(&self.name),
            "topic" => self.topic.as_ref(),
            "description" => self.description.as_ref(),
            "meeting_schedule" => self.meeting_schedule.as_ref(),
            "how_to_join" => self.how_to_join.as_ref(),
            _ => None,
        }
    }

    fn item(&self, field: &str, index: usize, key: &str) -> String {
        let Some(c) = self.coordinators.get(index).filter(|_| field == "coordinators") else {
            return String::new();
        };
        match key {
            "name" => c.name.clone(),
            "role" => opt(&c.role),
            "email" => opt(&c.email),
            "phone" => opt(&c.phone),
            "organization" => reference(&c.organization),
            other => unreachable!("coordinator column {other} has no writer"),
        }
    }
}

impl Row for Project {
    fn kind(&self) -> Kind {
        Kind::Project
    }

    fn field(&self, name: &str) -> String {
        if let Some(key) = name.strip_prefix("contact_") {
            return contact(self.contact.as_ref(), key);
        }
        match name {
            "id" => self.id.clone(),
            "life_phases" => list(&self.life_phases),
            "target_groups" => list(&self.target_groups),
            "period_start" => self.period.start.clone(),
            "period_end" => opt(&self.period.end),
            "status" => self.status.clone(),
            "responsible" => reference(&self.responsible),
            "partners" => references(&self.partners),
            "service_area" => list(&self.service_area),
            "url" => opt(&self.url),
            "verified_at" => opt(&self.verified_at),
            other => unreachable!("project column {other} has no writer"),
        }
    }

    fn text(&self, field: &str) -> Option<&LangMap> {
        match field {
            "title" => Some(&self.title),
            "summary" => Some(&self.summary),
            "goals" => self.goals.as_ref(),
            "description" => self.description.as_ref(),
            "outcomes" => self.outcomes.as_ref(),
            _ => None,
        }
    }

    fn locations(&self) -> usize {
        self.locations.len()
    }

    fn location(&self, index: usize, key: &str) -> String {
        location(self.locations.get(index), key)
    }

    fn links(&self) -> &[Link] {
        &self.links
    }

    fn item(&self, field: &str, index: usize, key: &str) -> String {
        let Some(f) = self.funding.get(index).filter(|_| field == "funding") else { return String::new() };
        match key {
            "programme" => opt(&f.programme),
            "funder" => opt(&f.funder),
            "code" => opt(&f.code),
            other => unreachable!("funding column {other} has no writer"),
        }
    }
}
