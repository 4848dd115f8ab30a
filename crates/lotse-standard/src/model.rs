//! The typed offer, as the standard's JSON gives it (snake_case, optional fields omitted).
//!
//! The validator works on untyped JSON so that it can point at every wrong field; this model is
//! what a record becomes once it has passed, and what the generator writes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Texts by language code; `de` is required by the standard.
pub type LangMap = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    pub id: String,
    pub offer_type: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    pub title: LangMap,
    pub description: LangMap,
    pub provider: Provider,
    pub status: String,
    pub target_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub life_phases: Vec<String>,
    pub languages: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_level: Option<LanguageLevel>,
    pub cost: Cost,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligibility: Option<Eligibility>,
    pub delivery: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_area: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    pub contact: Contact,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<String>,
}

impl Offer {
    /// Every AGS the offer declares, with where: each location's `ags`, then each entry of the
    /// service area, in the record's order.
    pub fn declared_ags(&self) -> impl Iterator<Item = (AgsSite, &str)> {
        let locations =
            self.locations.iter().enumerate().map(|(i, l)| (AgsSite::Location(i), l.ags.as_str()));
        let area = self.service_area.iter().enumerate().map(|(i, a)| (AgsSite::ServiceArea(i), a.as_str()));
        locations.chain(area)
    }
}

/// Where an offer declares an AGS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgsSite {
    /// The `ags` of location `i`.
    Location(usize),
    /// Entry `i` of the service area.
    ServiceArea(usize),
}

impl AgsSite {
    /// The JSON pointer of the AGS in the offer.
    pub fn pointer(self) -> String {
        match self {
            AgsSite::Location(i) => format!("/locations/{i}/ags"),
            AgsSite::ServiceArea(i) => format!("/service_area/{i}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub name: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identifier {
    pub scheme: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageLevel {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cost {
    /// `free`, `fee` or `funded`.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_eur: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_max: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub residence_status: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub ags: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accessibility: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub opening_hours: Vec<OpeningHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningHours {
    /// Two-letter weekday codes `mo` … `su`.
    pub days: Vec<String>,
    /// `HH:MM`, 24-hour clock.
    pub opens: String,
    pub closes: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}
