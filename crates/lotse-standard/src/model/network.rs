//! The typed network (Netzwerk): people and organizations working together on a topic, for
//! example a municipality's network for early education.

use serde::{Deserialize, Serialize};

use super::{Contact, LangMap, Reference};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    pub id: String,
    pub name: LangMap,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<LangMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LangMap>,
    /// At least one, and at least one of them reachable by e-mail or phone.
    pub coordinators: Vec<Coordinator>,
    /// Member organizations, possibly on other nodes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Reference>,
    /// The municipalities served; a network may span the region.
    pub service_area: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub life_phases: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_groups: Vec<String>,
    /// When it meets, as free text ("monthly, first Tuesday").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting_schedule: Option<LangMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub how_to_join: Option<LangMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<String>,
}

/// A person who coordinates a network.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coordinator {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The organization the person works for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Reference>,
}
