//! A reference from one record to another, perhaps on another node.
//!
//! Stewards write a reference in whichever form is easiest for them: a record id of their own
//! node (`"org-7"`), a hub id (`"muelheim/org-7"`: node id, slash, record id) or an object
//! (`{"node": "muelheim", "id": "org-7"}`). All three read into the same [`Reference`], which
//! is always written as the object; so the canonical JSON, and with it the hash that tells
//! whether a record changed, does not depend on the form a steward chose.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::validate::{is_node_id, is_record_id};

/// A reference to a record: its node (absent for a record of the referring record's own node)
/// and its id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Reference {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    pub id: String,
}

impl Reference {
    /// A reference from its parts, when both have the standard's syntax (node ids
    /// `[A-Za-z0-9._-]{1,64}`, record ids `[A-Za-z0-9._:-]{1,128}`).
    pub fn new(node: Option<&str>, id: &str) -> Option<Reference> {
        (node.is_none_or(is_node_id) && is_record_id(id))
            .then(|| Reference { node: node.map(str::to_owned), id: id.to_owned() })
    }

    /// The string form: `"org-7"` or `"muelheim/org-7"`. Neither part may contain a slash, so
    /// the first one splits.
    pub fn parse(s: &str) -> Option<Reference> {
        match s.split_once('/') {
            Some((node, id)) => Reference::new(Some(node), id),
            None => Reference::new(None, s),
        }
    }

    /// The node the referenced record lives on, given the node of the referring record.
    pub fn node_or<'a>(&'a self, own_node: &'a str) -> &'a str {
        self.node.as_deref().unwrap_or(own_node)
    }

    /// The hub id of the referenced record (`node/id`), given the node of the referring record.
    pub fn hub_id(&self, own_node: &str) -> String {
        format!("{}/{}", self.node_or(own_node), self.id)
    }

    /// Whether the reference names the record `id` of the node `own_node`, seen from a record of
    /// that node.
    pub fn is_local_record(&self, own_node: &str, id: &str) -> bool {
        self.id == id && self.node_or(own_node) == own_node
    }
}

/// The string form, as CSV writes it: `org-7` or `muelheim/org-7`.
impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.node {
            Some(node) => write!(f, "{node}/{}", self.id),
            None => f.write_str(&self.id),
        }
    }
}

/// Reads all three forms; a malformed one is an error (the validator reports it as
/// `invalid_reference` before the model is ever read).
impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ReferenceVisitor)
    }
}

struct ReferenceVisitor;

impl<'de> Visitor<'de> for ReferenceVisitor {
    type Value = Reference;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a reference: \"id\", \"node/id\" or {\"node\": …, \"id\": …}")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Reference, E> {
        Reference::parse(s).ok_or_else(|| E::invalid_value(de::Unexpected::Str(s), &self))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Reference, A::Error> {
        let (mut node, mut id): (Option<String>, Option<String>) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "node" if node.is_none() => node = Some(map.next_value()?),
                "id" if id.is_none() => id = Some(map.next_value()?),
                "node" | "id" => {
                    return Err(de::Error::duplicate_field(if key == "id" { "id" } else { "node" }));
                }
                other => return Err(de::Error::unknown_field(other, &["node", "id"])),
            }
        }
        let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        Reference::new(node.as_deref(), &id)
            .ok_or_else(|| de::Error::custom(format!("invalid reference {id:?}")))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_form_reads_into_the_object_form() {
        let remote = Reference { node: Some("muelheim".into()), id: "org-7".into() };
        let local = Reference { node: None, id: "org-7".into() };
        for (form, expected) in [
            (json!("org-7"), &local),
            (json!("muelheim/org-7"), &remote),
            (json!({"id": "org-7"}), &local),
            (json!({"id": "org-7", "node": "muelheim"}), &remote),
        ] {
            let r: Reference = serde_json::from_value(form.clone()).unwrap();
            assert_eq!(&r, expected, "{form}");
        }
        assert_eq!(serde_json::to_string(&remote).unwrap(), r#"{"node":"muelheim","id":"org-7"}"#);
        assert_eq!(serde_json::to_string(&local).unwrap(), r#"{"id":"org-7"}"#);
        assert_eq!(remote.to_string(), "muelheim/org-7");
        assert_eq!(local.hub_id("essen"), "essen/org-7");
        assert!(local.is_local_record("essen", "org-7") && !remote.is_local_record("essen", "org-7"));
    }

    #[test]
    fn malformed_references_do_not_read() {
        for bad in [
            json!(""),
            json!("/org-7"),
            json!("muelheim/"),
            json!("a/b/c"),
            json!("a b"),
            json!("mü/x"),
            json!(7),
            json!({"node": "muelheim"}),
            json!({"id": "org-7", "name": "x"}),
            json!({"id": "org-7", "node": "a:b"}),
        ] {
            assert!(serde_json::from_value::<Reference>(bad.clone()).is_err(), "{bad}");
        }
    }
}
