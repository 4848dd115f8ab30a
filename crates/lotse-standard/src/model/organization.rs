//! The typed organization (Einrichtung): a school, a day-care centre, a counselling centre, a
//! provider of offers.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Contact, Identifier, LangMap, Link, Location, OpeningHours, Reference};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    pub id: String,
    pub name: LangMap,
    /// A code of `provider-kinds`.
    pub kind: String,
    /// A code of `school-types`; only with kind `schule`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LangMap>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<OrganizationLocation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_area: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// The languages spoken.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub life_phases: Vec<String>,
    /// The umbrella organization, e.g. a school's Träger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_of: Option<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<String>,
}

/// An organization's location: an offer's location with the organization's opening hours
/// there, written as one object (the location's members, then `opening_hours`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrganizationLocation {
    #[serde(flatten)]
    pub location: Location,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub opening_hours: Vec<OpeningHours>,
}

/// Read by hand: serde's `flatten` would hand the inner location only the members it knows, so
/// a misspelt member would pass silently; here the location reads everything but
/// `opening_hours` and refuses what it does not know, as every other part of the model does.
impl<'de> Deserialize<'de> for OrganizationLocation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut members = Map::deserialize(d)?;
        let opening_hours = match members.remove("opening_hours") {
            Some(v) => Vec::<OpeningHours>::deserialize(v).map_err(de::Error::custom)?,
            None => Vec::new(),
        };
        let location = Location::deserialize(Value::Object(members)).map_err(de::Error::custom)?;
        Ok(OrganizationLocation { location, opening_hours })
    }
}

impl From<Location> for OrganizationLocation {
    fn from(location: Location) -> Self {
        OrganizationLocation { location, opening_hours: Vec::new() }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_location_with_opening_hours_reads_and_writes_as_one_object() {
        let json = json!({"street": "Markt 1", "postcode": "45127", "city": "Essen", "ags": "05113000",
                          "opening_hours": [{"days": ["mo"], "opens": "08:00", "closes": "12:00"}]});
        let l: OrganizationLocation = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(l.location.street, "Markt 1");
        assert_eq!(l.opening_hours.len(), 1);
        assert_eq!(serde_json::to_value(&l).unwrap(), json);
        let mut unknown = json;
        unknown["plz"] = json!("45127");
        assert!(serde_json::from_value::<OrganizationLocation>(unknown).is_err());
    }
}
