//! What the hub decides about each item of a page: validated again with the hub's standard,
//! checked against the node's jurisdiction, placed, and turned into the rows the store writes.
//!
//! The work is split in two CPU-bound steps with the (optional) geocoder in between:
//! [`judge`] validates and checks jurisdiction, [`finish`] places and serialises. Both run on
//! the blocking pool, since validating a page of 500 offers takes milliseconds of CPU.

use std::collections::HashMap;

use lotse_geo::LatLon;
use lotse_standard::date::Date;
use lotse_standard::validate::Validator;
use lotse_standard::{Code, Finding, Message, Offer, Severity};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

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
        offer: Box<Offer>,
        findings: Vec<Finding>,
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
fn id_matches(item_id: &str, data_id: &str) -> bool {
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
    // The validator's own steps (findings, then the typed offer), done here so that a rejected
    // item's data stays at hand for the quarantine without being copied beforehand.
    let mut findings = validator.check_value(&data);
    findings.sort_by_key(|f| f.severity);
    if findings.iter().any(|f| f.severity == Severity::Error) {
        return reject(QuarantineReason::Invalid, findings_json(&findings), Some(&data));
    }
    // By value, so that the offer takes over the strings of the parsed JSON.
    let offer = match Offer::deserialize(data) {
        Ok(o) => o,
        Err(e) => {
            findings.push(Finding::new(
                Code::TypeMismatch,
                "",
                Message::new(format!("Datensatz nicht lesbar: {e}"), format!("Record not readable: {e}")),
            ));
            return reject(QuarantineReason::Invalid, findings_json(&findings), None);
        }
    };
    let outside = jurisdiction::check(&offer, jurisdiction);
    if !outside.is_empty() {
        let data = serde_json::to_value(&offer).ok();
        return reject(QuarantineReason::Jurisdiction, findings_json(&outside), data.as_ref());
    }
    Judged::Accept { id, node_modified: modified, offer: Box::new(offer), findings, standard_version }
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
            Judged::Accept { offer, .. } => {
                Some(offer.locations.iter().filter(|l| l.lat.is_none() || l.lon.is_none()))
            }
            _ => None,
        })
        .flatten()
        .collect()
}

/// Places accepted offers and turns every item into the row the store writes.
pub fn finish(judged: Vec<Judged>, geocoded: &HashMap<String, LatLon>) -> Vec<ItemWrite> {
    let region = lotse_geo::ruhr();
    judged
        .into_iter()
        .map(|j| match j {
            Judged::Accept { id, node_modified, offer, findings, standard_version } => {
                // The validator placed the record's own coordinates by point-in-polygon already:
                // without a border warning on a location, they lie in its declared municipality.
                let near_border = |i: usize| {
                    findings.iter().any(|f| {
                        f.code == Code::MunicipalityNearBorder && f.pointer == format!("/locations/{i}/lat")
                    })
                };
                let placements =
                    placement::place_offer(region, &offer.locations, geocoded, |i| !near_border(i));
                // Canonical JSON of the typed offer: the same bytes for the same content,
                // whatever key order or spacing the node sent, so unchanged items are found.
                let data = serde_json::to_string(&*offer).unwrap_or_default();
                let hash = Sha256::digest(data.as_bytes()).to_vec();
                let kept: Vec<&Finding> = findings.iter().filter(|f| f.severity != Severity::Error).collect();
                ItemWrite::Accept(AcceptedItem {
                    id,
                    node_modified,
                    data,
                    hash,
                    standard_version,
                    findings: if kept.is_empty() { None } else { Some(findings_json(&kept)) },
                    placements,
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
}
