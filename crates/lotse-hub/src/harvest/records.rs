//! Harvesting the feeds of standard 1.1's kinds (institutions, networks, projects) of a node,
//! after its offers and under the same harvest lock.
//!
//! A node publishes each kind at `/feed/{plural}` beside `/feed/offers`; the hub derives those
//! URLs from the registered offers' feed URL ([`kind_feed_url`]). A node on standard 1.0 answers
//! 404 for them, which marks the kind as not published rather than failing or stopping the node.
//! Each kind's feed is followed page by page from its own checkpoint, each page validated again
//! with the hub's standard ([`judge`]), checked against the node's jurisdiction (institutions
//! and projects; a network may serve any municipality), placed on the map, and stored with its
//! checkpoint in one transaction ([`crate::store::kinds::RecordStore::store_record_page`]).

use lotse_standard::canonical::Canonical;
use lotse_standard::date::Date;
use lotse_standard::model::Record;
use lotse_standard::rpde::Kind;
use lotse_standard::validate::{self, FinishedRecord, Validator};
use lotse_standard::{Finding, Severity};
use reqwest::Url;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::HarvestError;
use super::client::{FeedClient, FeedItem, FetchError, ItemBody};
use super::process::id_matches;
use crate::jurisdiction::{self, HubFinding};
use crate::placement;
use crate::store::kinds::{
    RecordAccept, RecordItem, RecordPageWrite, RecordReject, RecordStore, ReferenceRow,
};
use crate::store::{Checkpoint, PageOutcome, QuarantineReason};

/// The kinds a node may publish beside offers.
pub const RECORD_KINDS: [Kind; 3] = [Kind::Organization, Kind::Network, Kind::Project];

/// What the harvest of one kind's feed of a node did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct KindHarvest {
    /// `organization`, `network` or `project`.
    #[schema(value_type = String)]
    pub kind: Kind,
    /// Whether the node publishes the kind (its feed does not answer 404).
    pub published: bool,
    pub pages: u64,
    pub items: u64,
    #[serde(flatten)]
    pub outcome: PageOutcome,
    /// Why the harvest of this kind failed, if it did; the other kinds go on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The feed URL of `kind` beside the node's offers' feed: the last path segment `offers`
/// replaced by the kind's plural, the query kept. `None` when the offers' URL does not end in
/// `offers` (a feed elsewhere, which can only be an offers' feed).
pub fn kind_feed_url(offers_feed: &Url, kind: Kind) -> Option<Url> {
    let segments: Vec<&str> = offers_feed.path_segments()?.collect();
    let (last, rest) = segments.split_last()?;
    if *last != Kind::Offer.plural() {
        return None;
    }
    let mut url = offers_feed.clone();
    let mut path: Vec<&str> = rest.to_vec();
    path.push(kind.plural());
    url.set_path(&format!("/{}", path.join("/")));
    Some(url)
}

fn findings_json<T: Serialize>(findings: &[T]) -> String {
    serde_json::to_string(findings).unwrap_or_else(|_| "[]".to_owned())
}

/// The references of a valid record, resolved against the node that published it: a
/// reference without a node names a record of that node.
pub fn references(record: &Record, node_id: &str) -> Vec<ReferenceRow> {
    record
        .references()
        .into_iter()
        .map(|(pointer, role, r)| ReferenceRow {
            pointer,
            target_kind: role.target_kind(),
            target_node: r.node.clone().unwrap_or_else(|| node_id.to_owned()),
            target_id: r.id.clone(),
        })
        .collect()
}

/// Validates one item of a kind's feed and checks it against the node's jurisdiction.
pub fn judge(
    validator: &Validator<'_>,
    kind: Kind,
    node_id: &str,
    jurisdiction: &[String],
    item: FeedItem,
) -> RecordItem {
    let FeedItem { id, modified, body, standard_version } = item;
    let reject = |reason, findings: String, data: Option<&Value>| {
        RecordItem::Reject(RecordReject {
            id: id.clone(),
            node_modified: modified,
            reason,
            findings,
            data: data.map(Value::to_string),
            standard_version: standard_version.clone(),
        })
    };
    let data = match body {
        ItemBody::Deleted => return RecordItem::Delete { id, node_modified: modified },
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
            format!("Die ID des Elements „{id}“ passt nicht zur ID des Datensatzes „{data_id}“."),
            format!("The item's id \"{id}\" does not match the record's id \"{data_id}\"."),
        );
        return reject(QuarantineReason::Malformed, findings_json(&[f]), Some(&data));
    }
    let checked = validator.check_kind(kind, &data);
    let valid = match validate::finish_kind(kind, checked, data) {
        FinishedRecord::Valid(valid) => valid,
        FinishedRecord::Rejected { findings, value } => {
            return reject(QuarantineReason::Invalid, findings_json(&findings), Some(&value));
        }
        FinishedRecord::Unreadable { findings } => {
            return reject(QuarantineReason::Invalid, findings_json(&findings), None);
        }
    };
    let record = &valid.record;
    if matches!(kind, Kind::Organization | Kind::Project) {
        let outside = jurisdiction::outside_of(record.declared_ags(), jurisdiction);
        if !outside.is_empty() {
            let findings = jurisdiction::findings(&outside, jurisdiction);
            let data = serde_json::from_str::<Value>(&Canonical::of_record(record).json).ok();
            return reject(QuarantineReason::Jurisdiction, findings_json(&findings), data.as_ref());
        }
    }
    let canonical = Canonical::of_record(record);
    let value: Value = serde_json::from_str(&canonical.json).unwrap_or(Value::Null);
    let (lat, lon, ags) = placement::place_record(&value);
    let status = match record {
        Record::Project(_) => value.get("status").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    };
    let kept: Vec<&Finding> = valid.findings.iter().filter(|f| f.severity != Severity::Error).collect();
    RecordItem::Accept(Box::new(RecordAccept {
        references: references(record, node_id),
        id,
        node_modified: modified,
        data: canonical.json,
        hash: canonical.sha256.to_vec(),
        standard_version,
        findings: if kept.is_empty() { None } else { Some(findings_json(&kept)) },
        lat,
        lon,
        ags,
        status,
    }))
}

/// Follows the node's feed of `kind` from its checkpoint to the end.
pub async fn follow_kind(
    store: &dyn RecordStore,
    client: &FeedClient,
    node_id: &str,
    offers_feed: &Url,
    jurisdiction: &[String],
    kind: Kind,
) -> KindHarvest {
    let mut report = KindHarvest {
        kind,
        published: true,
        pages: 0,
        items: 0,
        outcome: PageOutcome::default(),
        error: None,
    };
    let now = crate::unix_now();
    let Some(url) = kind_feed_url(offers_feed, kind) else {
        report.published = false;
        let _ = store.record_feed_harvest(node_id, kind, false, None, now).await;
        return report;
    };
    let result = follow_pages(store, client, node_id, &url, jurisdiction, kind, &mut report).await;
    let error = match result {
        Ok(()) => None,
        Err(HarvestError::Fetch(FetchError::Gone(404))) if report.pages == 0 => {
            report.published = false;
            None
        }
        Err(e) => Some(e.to_string()),
    };
    report.error = error.clone();
    if let Err(e) = store.record_feed_harvest(node_id, kind, report.published, error.as_deref(), now).await {
        tracing::error!(node = node_id, %kind, error = %e, "harvest of a kind not recorded");
    }
    report
}

async fn follow_pages(
    store: &dyn RecordStore,
    client: &FeedClient,
    node_id: &str,
    url: &Url,
    jurisdiction: &[String],
    kind: Kind,
    report: &mut KindHarvest,
) -> Result<(), HarvestError> {
    let mut after: Option<Checkpoint> = store.record_feed(node_id, kind).await?.checkpoint;
    loop {
        let items = client.fetch(url, kind, after.as_ref()).await?;
        let Some(last) = items.last().map(FeedItem::checkpoint) else { return Ok(()) };
        let count = items.len() as u64;
        let today = Date::today_utc();
        let node = node_id.to_owned();
        let jurisdiction = jurisdiction.to_vec();
        let judged = tokio::task::spawn_blocking(move || {
            let validator = Validator::new(today);
            items.into_iter().map(|i| judge(&validator, kind, &node, &jurisdiction, i)).collect::<Vec<_>>()
        })
        .await
        .map_err(|_| HarvestError::Aborted)?;
        let page = RecordPageWrite {
            kind,
            node_id: node_id.to_owned(),
            after: after.clone(),
            checkpoint: last.clone(),
            items: judged,
            now: crate::unix_now(),
        };
        let outcome = store.store_record_page(&page).await?;
        report.outcome.add(&outcome);
        report.pages += 1;
        report.items += count;
        after = Some(last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_feeds_sit_beside_the_offers_feed() {
        let offers = Url::parse("http://127.0.0.1:9/feed/offers?token=x").unwrap();
        assert_eq!(
            kind_feed_url(&offers, Kind::Network).unwrap().as_str(),
            "http://127.0.0.1:9/feed/networks?token=x"
        );
        let nested = Url::parse("https://n.example/lotse/feed/offers").unwrap();
        assert_eq!(
            kind_feed_url(&nested, Kind::Project).unwrap().as_str(),
            "https://n.example/lotse/feed/projects"
        );
        assert!(kind_feed_url(&Url::parse("https://n.example/rpde").unwrap(), Kind::Network).is_none());
    }
}
