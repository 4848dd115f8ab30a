//! The canonical JSON of a record and its SHA-256: what node and hub store, and what "unchanged"
//! means on both sides.
//!
//! The canonical form is the typed record ([`Offer`], or any [`Record`]) written by serde_json:
//! members in the model's order, optional members left out, references always as objects, no
//! spaces. Two records with the same content therefore
//! give the same bytes, whatever key order or spacing they were sent with; a node compares the
//! hash before writing so that an unchanged offer makes no feed item, and the hub compares it
//! so that an unchanged item is not written again. Hashes are stored, so this form must not
//! change; a test pins it. The members standard 1.1 added to offers are left out when absent,
//! so every 1.0 offer keeps its bytes and its hash.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::{Offer, Record};

/// An offer's canonical JSON and the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonical {
    pub json: String,
    pub sha256: [u8; 32],
}

impl Canonical {
    /// The canonical form of `offer`.
    pub fn of(offer: &Offer) -> Self {
        Self::of_model(offer)
    }

    /// The canonical form of a record of any kind; for an offer the same bytes as
    /// [`Canonical::of`].
    pub fn of_record(record: &Record) -> Self {
        Self::of_model(record)
    }

    fn of_model(model: &impl Serialize) -> Self {
        // Serialising the typed model cannot fail: it holds only strings, numbers (serde_json
        // writes a non-finite one as null) and maps with string keys.
        let json = serde_json::to_string(model).unwrap_or_default();
        let sha256 = Sha256::digest(json.as_bytes()).into();
        Canonical { json, sha256 }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn canonical_form_and_hash_are_pinned() {
        // Keys out of the model's order and with spacing: the canonical form does not depend on
        // either.
        let offer: Offer = serde_json::from_value(json!({
            "contact": {"email": "a@b.de"},
            "delivery": "presential",
            "locations": [{"street": "Markt 1", "postcode": "45127", "city": "Essen",
                           "ags": "05113000", "lat": 51.4556, "lon": 7.0116}],
            "id": "o1",
            "offer_type": "beratung",
            "title": {"en": "Advice", "de": "Beratung"},
            "description": {"de": "Beratung für Zugewanderte"},
            "provider": {"name": "Träger „Süd“", "kind": "traeger"},
            "status": "active",
            "target_groups": ["alle_zugewanderten"],
            "languages": ["de", "ar"],
            "cost": {"kind": "fee", "amount_eur": 12.5}
        }))
        .unwrap();
        let c = Canonical::of(&offer);
        assert_eq!(
            c.json,
            concat!(
                r#"{"id":"o1","offer_type":"beratung","title":{"de":"Beratung","en":"Advice"},"#,
                r#""description":{"de":"Beratung für Zugewanderte"},"provider":{"name":"Träger „Süd“","kind":"traeger"},"#,
                r#""status":"active","target_groups":["alle_zugewanderten"],"languages":["de","ar"],"#,
                r#""cost":{"kind":"fee","amount_eur":12.5},"delivery":"presential","#,
                r#""locations":[{"street":"Markt 1","postcode":"45127","city":"Essen","ags":"05113000","lat":51.4556,"lon":7.0116}],"#,
                r#""contact":{"email":"a@b.de"}}"#
            )
        );
        assert_eq!(c.sha256.len(), 32);
        assert_eq!(hex(&c.sha256), hex(&Sha256::digest(c.json.as_bytes())));
        assert_eq!(hex(&c.sha256), PINNED_SHA256);
        assert_eq!(Canonical::of_record(&Record::Offer(offer)), c);
    }

    #[test]
    fn references_are_canonical_whatever_form_they_were_sent_in() {
        let org = |part_of: serde_json::Value| {
            let r: crate::model::Organization = serde_json::from_value(json!({
                "id": "schule-3", "name": {"de": "Grundschule Nord"}, "kind": "schule",
                "service_area": ["05117000"], "part_of": part_of
            }))
            .unwrap();
            Canonical::of_record(&Record::Organization(r))
        };
        let string = org(json!("muelheim/traeger-1"));
        assert_eq!(string, org(json!({"id": "traeger-1", "node": "muelheim"})));
        assert!(
            string.json.ends_with(r#""part_of":{"node":"muelheim","id":"traeger-1"}}"#),
            "{}",
            string.json
        );
        assert_eq!(org(json!("traeger-1")).json, org(json!({"id": "traeger-1"})).json);
    }

    /// Computed independently of this crate, with `sha256sum` over the JSON above.
    const PINNED_SHA256: &str = "4759bede1632dbc0f175407143076a667903f5f29483dfcef83315d7c9de8719";

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}
