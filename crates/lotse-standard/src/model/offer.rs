//! The typed offer: a course, a counselling service, a recognition office.

use serde::{Deserialize, Serialize};

use super::{AgsSite, Contact, Identifier, LangMap, Location, OpeningHours, Reference, declared_ags};

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
    /// The networks the offer belongs to (since 1.1). Left out when empty, like every new
    /// member, so that an offer without it keeps its 1.0 canonical bytes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<Reference>,
    /// The projects the offer is part of (since 1.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub projects: Vec<Reference>,
}

impl Offer {
    /// Every AGS the offer declares, with where: each location's `ags`, then each entry of the
    /// service area, in the record's order.
    pub fn declared_ags(&self) -> impl Iterator<Item = (AgsSite, &str)> {
        declared_ags(self.locations.iter(), &self.service_area)
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
    /// The provider as an organization record (since 1.1), the member `ref` of `provider`.
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Reference>,
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
