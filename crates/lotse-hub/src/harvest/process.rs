//! What the hub decides about each item of a page: validated again with the hub's standard,
//! checked against the node's jurisdiction, placed, and turned into the rows the store writes.
//!
//! The work is split in two CPU-bound steps with the (optional) geocoder in between:
//! [`judge`] validates and checks jurisdiction, [`finish`] places and serialises. Both run on
//! the blocking pool, since validating a page of 500 offers takes milliseconds of CPU.

use std::collections::HashMap;

use lotse_geo::LatLon;
use lotse_standard::canonical::Canonical;
use lotse_standard::date::Date;
use lotse_standard::model::Record;
use lotse_standard::validate::{self, Finished, Position, Valid, Validator};
use lotse_standard::{Finding, Severity};
use serde_json::Value;

use super::client::{FeedItem, ItemBody};
use crate::jurisdiction::{self, HubFinding};
use crate::placement;
use crate::store::{AcceptedItem, ItemWrite, QuarantineReason, RejectedItem};

/// An item after validation and the jurisdiction check.
#[derive(Debug)]
pub enum Judged {
    Accept {
        id: String,
        node_modified: i64,
        /// The offer with its warnings and notices and where its locations lie.
        valid: Box<Valid>,
        standard_version: Option<String>,
    },
    Reject(RejectedItem),
    Delete {
        id: String,
        node_modified: i64,
    },
}

fn findings_json<T: serde::Serialize>(findings: &[T]) -> String {
    serde_json::to_string(findings).unwrap_or_else(|_| "[]".to_owned())
}

/// Whether the item's id names the offer: equal to the data's `id`, or (for a hub harvested by
/// another hub) `{node_id}/{id}` ending with it.
pub(super) fn id_matches(item_id: &str, data_id: &str) -> bool {
    item_id == data_id || item_id.strip_suffix(data_id).is_some_and(|rest| rest.ends_with('/'))
}

/// Validates one item and checks it against the node's jurisdiction.
pub fn judge(validator: &Validator<'_>, jurisdiction: &[String], item: FeedItem) -> Judged {
    let FeedItem { id, modified, body, standard_version } = item;
    let reject = |reason, findings: String, data: Option<&Value>| {
        Judged::Reject(RejectedItem {
            id: id.clone(),
            node_modified: modified,
            reason,
            findings,
            data: data.map(Value::to_string),
            standard_version: standard_version.clone(),
        })
    };
    let data = match body {
        ItemBody::Deleted => return Judged::Delete { id, node_modified: modified },
        ItemBody::Unusable { code, de, en, data } => {
            let f = HubFinding::error(code, "", de, en);
            return reject(QuarantineReason::Malformed, findings_json(&[f]), data.as_ref());
        }
        ItemBody::Updated(data) => data,
    };
    let data_id = data.get("id").and_then(Value::as_str).unwrap_or("");
    if !id_matches(&id, data_id) {
        let f = HubFinding::error(
            "id_mismatch",
            "/id",
            format!("Die ID des Elements „{id}“ passt nicht zur ID des Angebots „{data_id}“."),
            format!("The item's id \"{id}\" does not match the offer's id \"{data_id}\"."),
        );
        return reject(QuarantineReason::Malformed, findings_json(&[f]), Some(&data));
    }
    // The standard's checks and finishing step, as the node runs them. The data is handed over
    // by value, so that the offer takes over the strings of the parsed JSON, and a rejected
    // item's data comes back for the quarantine without being copied beforehand.
    let checked = validator.check(&data);
    let valid = match validate::finish(checked, data) {
        Finished::Offer(valid) => valid,
        Finished::Rejected { findings, value } => {
            return reject(QuarantineReason::Invalid, findings_json(&findings), Some(&value));
        }
        Finished::Unreadable { findings } => {
            return reject(QuarantineReason::Invalid, findings_json(&findings), None);
        }
    };
    let outside = jurisdiction::outside(&valid.offer, jurisdiction);
    if !outside.is_empty() {
        let findings = jurisdiction::findings(&outside, jurisdiction);
        let data = serde_json::to_value(&valid.offer).ok();
        return reject(QuarantineReason::Jurisdiction, findings_json(&findings), data.as_ref());
    }
    Judged::Accept { id, node_modified: modified, valid, standard_version }
}

/// Judges a page with a validator for `today`.
pub fn judge_page(today: Date, jurisdiction: &[String], items: Vec<FeedItem>) -> Vec<Judged> {
    let validator = Validator::new(today);
    items.into_iter().map(|item| judge(&validator, jurisdiction, item)).collect()
}

/// The locations that need the geocoder: those without coordinates.
pub fn locations_to_geocode(judged: &[Judged]) -> Vec<&lotse_standard::model::Location> {
    judged
        .iter()
        .filter_map(|j| match j {
            Judged::Accept { valid, .. } => {
                Some(valid.offer.locations.iter().filter(|l| l.lat.is_none() || l.lon.is_none()))
            }
            _ => None,
        })
        .flatten()
        .collect()
}

/// Places accepted offers and turns every item into the row the store writes; references
/// without a node name records of `node_id`, the node that published the page.
pub fn finish(judged: Vec<Judged>, geocoded: &HashMap<String, LatLon>, node_id: &str) -> Vec<ItemWrite> {
    let region = lotse_geo::ruhr();
    judged
        .into_iter()
        .map(|j| match j {
            Judged::Accept { id, node_modified, valid, standard_version } => {
                let Valid { offer, findings, positions } = *valid;
                // The validator placed the record's own coordinates by point-in-polygon already;
                // the search is not repeated for those it found inside the declared municipality.
                let inside = |i: usize| positions.get(i) == Some(&Position::Inside);
                let placements = placement::place_offer(region, &offer.locations, geocoded, inside);
                // Canonical JSON of the typed offer: the same bytes for the same content,
                // whatever key order or spacing the node sent, so unchanged items are found.
                let canonical = Canonical::of(&offer);
                let kept: Vec<&Finding> = findings.iter().filter(|f| f.severity != Severity::Error).collect();
                let references = super::records::references(&Record::Offer(offer), node_id);
                ItemWrite::Accept(AcceptedItem {
                    id,
                    node_modified,
                    data: canonical.json,
                    hash: canonical.sha256.to_vec(),
                    standard_version,
                    findings: if kept.is_empty() { None } else { Some(findings_json(&kept)) },
                    placements,
                    references,
                })
            }
            Judged::Reject(r) => ItemWrite::Reject(r),
            Judged::Delete { id, node_modified } => ItemWrite::Delete { id, node_modified },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn ids_match_plainly_or_behind_a_node_prefix() {
        assert!(id_matches("a1", "a1"));
        assert!(id_matches("essen/a1", "a1"));
        assert!(id_matches("nrw/essen/a1", "a1"));
        assert!(!id_matches("essena1", "a1"));
        assert!(!id_matches("a1", "b1"));
    }

    fn item(id: &str, data: Value) -> FeedItem {
        FeedItem {
            id: id.into(),
            modified: 7,
            body: ItemBody::Updated(data),
            standard_version: Some("1.0.0".into()),
        }
    }

    #[test]
    fn invalid_and_mismatched_items_are_rejected_with_findings() {
        let v = Validator::new(Date::new(2026, 3, 1).unwrap());
        let j = vec!["05".to_owned()];
        match judge(&v, &j, item("x", json!({"id": "x", "offer_type": "nonsense"}))) {
            Judged::Reject(r) => {
                assert_eq!(r.reason, QuarantineReason::Invalid);
                assert_eq!(r.node_modified, 7);
                let f: Vec<Value> = serde_json::from_str(&r.findings).unwrap();
                assert!(f.iter().any(|f| f["code"] == "unknown_code"), "{f:?}");
            }
            other => panic!("{other:?}"),
        }
        match judge(&v, &j, item("x", json!({"id": "y"}))) {
            Judged::Reject(r) => {
                assert_eq!(r.reason, QuarantineReason::Malformed);
                assert!(r.findings.contains("id_mismatch"));
                assert!(r.data.unwrap().contains("\"y\""));
            }
            other => panic!("{other:?}"),
        }
        let deleted =
            FeedItem { id: "d".into(), modified: 9, body: ItemBody::Deleted, standard_version: None };
        assert!(matches!(judge(&v, &j, deleted), Judged::Delete { node_modified: 9, .. }));
    }

    /// A valid course in Essen with its own coordinates.
    fn essen() -> Value {
        json!({
            "id": "e1",
            "offer_type": "beratung",
            "title": {"de": "Beratung", "en": "Advice"},
            "description": {"de": "Beratung für Zugewanderte"},
            "provider": {"name": "Träger", "kind": "traeger"},
            "status": "active",
            "target_groups": ["alle_zugewanderten"],
            "languages": ["de"],
            "cost": {"kind": "free"},
            "delivery": "presential",
            "locations": [{"street": "Burgplatz 1", "postcode": "45127", "city": "Essen", "ags": "05113000",
                           "lat": 51.4566, "lon": 7.0137}],
            "contact": {"email": "a@b.de"}
        })
    }

    #[test]
    fn valid_items_are_accepted_placed_and_written_canonically() {
        let v = Validator::new(Date::new(2026, 3, 1).unwrap());
        let judged = judge(&v, &["05113".to_owned()], item("essen/e1", essen()));
        let Judged::Accept { valid, .. } = &judged else { panic!("{judged:?}") };
        assert_eq!(valid.positions, [Position::Inside]);
        let canonical = Canonical::of(&valid.offer);
        match &finish(vec![judged], &HashMap::new(), "essen")[..] {
            [ItemWrite::Accept(a)] => {
                assert_eq!(a.data, canonical.json);
                assert_eq!(a.hash, canonical.sha256);
                assert_eq!(a.placements[0].found_ags.as_deref(), Some("05113000"));
                assert!(!a.placements[0].mismatch);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn items_outside_the_jurisdiction_are_rejected_with_pointers() {
        let v = Validator::new(Date::new(2026, 3, 1).unwrap());
        let mut data = essen();
        data["service_area"] = json!(["05113000", "05913000"]);
        match judge(&v, &["05113000".to_owned()], item("e1", data)) {
            Judged::Reject(r) => {
                assert_eq!(r.reason, QuarantineReason::Jurisdiction);
                let f: Vec<Value> = serde_json::from_str(&r.findings).unwrap();
                assert_eq!(f.len(), 1, "{f:?}");
                assert_eq!(f[0]["code"], "outside_jurisdiction");
                assert_eq!(f[0]["pointer"], "/service_area/1");
                assert!(r.data.unwrap().contains("05913000"));
            }
            other => panic!("{other:?}"),
        }
    }
}
