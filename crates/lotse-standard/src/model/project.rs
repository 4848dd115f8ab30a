//! The typed project (Bildungsprojekt): a funded piece of work for a stage of the education
//! biography, with a period, a status and partners.

use serde::{Deserialize, Serialize};

use super::{Contact, LangMap, Link, Location, Reference};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub id: String,
    pub title: LangMap,
    pub summary: LangMap,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goals: Option<LangMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LangMap>,
    /// The stages of the education biography; at least one.
    pub life_phases: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_groups: Vec<String>,
    pub period: Period,
    /// A code of `project-statuses`: `planned`, `running`, `completed`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funding: Vec<Funding>,
    /// The responsible organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partners: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_area: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<LangMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<String>,
}

/// When a project runs; without an end it is ongoing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub start: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

/// Where a project's money comes from; at least the programme or the funder is given.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funder: Option<String>,
    /// The funding's reference number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}
