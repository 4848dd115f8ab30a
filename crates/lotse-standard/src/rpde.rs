//! The RPDE 1.0 wire types of Lotse's change feeds, written by nodes and hubs and read by the
//! harvester.
//!
//! A page has `next`, `items` and `license`, in this order. An item has `state`, `kind`,
//! `id`, `modified`, then `standard_version` (the version of the standard the offer was
//! validated with) and `data` (the offer in the standard's JSON); tombstones (`deleted`) have
//! neither of the last two. The member order is fixed so that every feed of the federation
//! writes the same bytes for the same content; the node's hand-written feed is tested against
//! these types.
//!
//! Writers use [`Page`] and [`Item`]. The harvester reads with [`ReadPage`] and [`ReadItem`],
//! which accept what other RPDE publishers send as well: unknown members are skipped, every
//! member but `items` may be missing, `id` may be a number and `modified` a string of digits,
//! and the standard version may be spelt `standardVersion`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The members of a page, in the order they are written.
pub const PAGE_MEMBERS: &[&str] = &["next", "items", "license"];
/// The members of an item, in the order they are written; a tombstone has the first four.
pub const ITEM_MEMBERS: &[&str] = &["state", "kind", "id", "modified", "standard_version", "data"];

/// The `kind` of an offer's items, as [`Kind::Offer`] is spelt.
pub const KIND_OFFER: &str = "Offer";

/// An item's `state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// The offer was created or changed; the item carries its data.
    Updated,
    /// The offer was deleted; the item is a tombstone without data.
    Deleted,
}

/// An item's `kind`: the kind of record a feed carries. Each kind has its own feed
/// (`/feed/offers`, `/feed/organizations`, …) with its own change order; standard 1.0 knew only
/// offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Kind {
    Offer,
    Organization,
    Network,
    Project,
}

impl Kind {
    /// Every kind, offers first.
    pub const ALL: [Kind; 4] = [Kind::Offer, Kind::Organization, Kind::Network, Kind::Project];

    /// The item's `kind` as the feed spells it (`Offer`, `Organization`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Offer => KIND_OFFER,
            Kind::Organization => "Organization",
            Kind::Network => "Network",
            Kind::Project => "Project",
        }
    }

    /// The kind an item's `kind` names.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The plural that names the kind's feed, API path, table and export: `offers`,
    /// `organizations`, `networks`, `projects`.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Offer => "offers",
            Kind::Organization => "organizations",
            Kind::Network => "networks",
            Kind::Project => "projects",
        }
    }

    /// The kind a plural names.
    pub fn from_plural(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.plural() == s)
    }

    /// The lowercase singular (`offer`, `organization`, …), as `--kind` and `kind=` take it.
    pub fn singular(self) -> &'static str {
        match self {
            Kind::Offer => "offer",
            Kind::Organization => "organization",
            Kind::Network => "network",
            Kind::Project => "project",
        }
    }

    /// The language map that names a record of the kind: `title` for offers and projects,
    /// `name` for organizations and networks.
    pub fn title_member(self) -> &'static str {
        match self {
            Kind::Offer | Kind::Project => "title",
            Kind::Organization | Kind::Network => "name",
        }
    }

    /// The kind a lowercase singular names.
    pub fn from_singular(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.singular() == s)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.singular())
    }
}

/// One item of a feed page. `T` is the type of the offer's data: a typed or untyped JSON
/// value, or the stored JSON text as a [`serde_json::value::RawValue`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item<T> {
    pub state: State,
    pub kind: Kind,
    pub id: String,
    /// The change number: it grows with every change the feed publishes.
    pub modified: i64,
    /// The standard version the offer was validated with (`updated` items only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standard_version: Option<String>,
    /// The offer in the standard's JSON (`updated` items only). A missing member reads as
    /// `None` without `#[serde(default)]`, which would ask `T` for a default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
}

impl<T> Item<T> {
    /// An `updated` item carrying a record of `kind`.
    pub fn updated(kind: Kind, id: String, modified: i64, standard_version: Option<String>, data: T) -> Self {
        Item { state: State::Updated, kind, id, modified, standard_version, data: Some(data) }
    }

    /// A tombstone of a record of `kind`.
    pub fn deleted(kind: Kind, id: String, modified: i64) -> Self {
        Item { state: State::Deleted, kind, id, modified, standard_version: None, data: None }
    }
}

/// One page of a feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The URL of the next page; on the last page (no items) the page's own URL.
    pub next: String,
    pub items: Vec<Item<T>>,
    /// The license of the data.
    pub license: String,
}

impl<T> Page<T> {
    /// Whether this is the last page for now (no items).
    pub fn is_last(&self) -> bool {
        self.items.is_empty()
    }
}

/// A page as the harvester reads it: only `items`; `next` and `license` are not used (the
/// harvester pages by its own checkpoint) and, like any unknown member, skipped unread.
#[derive(Debug, Deserialize)]
pub struct ReadPage {
    pub items: Vec<ReadItem>,
}

/// An item as the harvester reads it: every member optional and loosely typed, so that one
/// odd item can be reported on its own instead of failing its page. Items are read into this
/// type directly rather than as generic JSON, which saves building a map per item.
#[derive(Debug, Deserialize)]
pub struct ReadItem {
    /// A string, or a number in some publishers' feeds; see [`ReadItem::id`].
    #[serde(default)]
    pub id: Value,
    /// A number, or a string of digits; see [`ReadItem::modified`].
    #[serde(default)]
    pub modified: Value,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub data: Option<Value>,
    /// Lotse's name for the standard version the node validated with.
    #[serde(default)]
    pub standard_version: Option<String>,
    /// The same in the camel case other RPDE libraries use.
    #[serde(default, rename = "standardVersion")]
    pub standard_version_camel: Option<String>,
}

impl ReadItem {
    /// The item's id: a non-empty string, or a number written as text.
    pub fn id(&self) -> Option<String> {
        match &self.id {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// The item's change number: RPDE allows a number or a string of digits.
    pub fn modified(&self) -> Option<i64> {
        match &self.modified {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse::<i64>().ok(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use serde_json::value::RawValue;

    use super::*;

    #[test]
    fn pages_have_a_fixed_member_order() {
        let page = Page {
            next: "http://n/feed/offers?afterTimestamp=4&afterId=b".to_owned(),
            items: vec![
                Item::updated(
                    Kind::Offer,
                    "a".to_owned(),
                    3,
                    Some("1.0.0".to_owned()),
                    RawValue::from_string(r#"{"id":"a"}"#.to_owned()).unwrap(),
                ),
                Item::deleted(Kind::Offer, "b".to_owned(), 4),
            ],
            license: "https://lic".to_owned(),
        };
        assert_eq!(
            serde_json::to_string(&page).unwrap(),
            concat!(
                r#"{"next":"http://n/feed/offers?afterTimestamp=4&afterId=b","items":["#,
                r#"{"state":"updated","kind":"Offer","id":"a","modified":3,"standard_version":"1.0.0","data":{"id":"a"}},"#,
                r#"{"state":"deleted","kind":"Offer","id":"b","modified":4}"#,
                r#"],"license":"https://lic"}"#
            )
        );
        assert!(!page.is_last());
        let back: Page<Value> = serde_json::from_str(&serde_json::to_string(&page).unwrap()).unwrap();
        assert_eq!(back.items[0].data, Some(json!({"id": "a"})));
        assert_eq!(back.items[1].state, State::Deleted);
    }

    #[test]
    fn member_lists_match_the_types() {
        // serde_json keeps a map's keys sorted, so the order is read from the text.
        let keys = |text: &str, names: &[&str]| {
            let mut found: Vec<(usize, String)> = names
                .iter()
                .filter_map(|n| text.find(&format!("\"{n}\":")).map(|i| (i, (*n).to_owned())))
                .collect();
            found.sort();
            found.into_iter().map(|(_, n)| n).collect::<Vec<_>>()
        };
        let item = Item::updated(Kind::Offer, "a".to_owned(), 1, Some("1.0.0".to_owned()), json!({}));
        let text = serde_json::to_string(&item).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap().as_object().unwrap().len(),
            ITEM_MEMBERS.len()
        );
        assert_eq!(keys(&text, ITEM_MEMBERS), ITEM_MEMBERS);
        let page = Page { next: String::new(), items: Vec::<Item<Value>>::new(), license: String::new() };
        let text = serde_json::to_string(&page).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap().as_object().unwrap().len(),
            PAGE_MEMBERS.len()
        );
        assert_eq!(keys(&text, PAGE_MEMBERS), PAGE_MEMBERS);
        let tombstone = serde_json::to_value(Item::<Value>::deleted(Kind::Offer, "b".to_owned(), 2)).unwrap();
        assert_eq!(tombstone.as_object().unwrap().len(), 4);
    }

    #[test]
    fn kinds_are_spelt_as_their_names() {
        assert_eq!(serde_json::to_value(Kind::Offer).unwrap(), KIND_OFFER);
        for kind in Kind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
            assert_eq!(Kind::from_plural(kind.plural()), Some(kind));
            assert_eq!(Kind::from_singular(kind.singular()), Some(kind));
        }
        assert_eq!(Kind::parse("offer"), None);
    }

    #[test]
    fn reading_is_lenient() {
        let page: ReadPage = serde_json::from_value(json!({"items": [
            {"id": 12, "modified": "34", "standardVersion": "0.9.0", "extra": [1, 2]},
            {"id": "", "modified": 1.5},
            {}
        ]}))
        .unwrap();
        assert_eq!(page.items[0].id().as_deref(), Some("12"));
        assert_eq!(page.items[0].modified(), Some(34));
        assert_eq!(page.items[0].standard_version_camel.as_deref(), Some("0.9.0"));
        assert_eq!(page.items[1].id(), None);
        assert_eq!(page.items[1].modified(), None);
        assert!(page.items[2].state.is_none() && page.items[2].data.is_none());
        assert!(serde_json::from_value::<ReadPage>(json!({"next": "x"})).is_err());
    }
}
