//! What a page of a kind's feed does to the tables, decided from the stored state of its
//! records before anything is written. Both databases write the same plan with bulk
//! statements (multi-row `VALUES` on SQLite, `UNNEST` on PostgreSQL), so that they cannot
//! disagree on what a page means — the same split as offers' `plan_page`.

use std::collections::HashMap;

use crate::store::PageOutcome;
use crate::store::kinds::{RecordAccept, RecordItem, RecordReject, ReferenceRow};

/// The stored state of one record of a page, as far as planning needs it.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordBefore {
    pub deleted: bool,
    pub hash: Option<Vec<u8>>,
    pub standard_version: Option<String>,
    /// Where the record is; a project's removal is recorded in the municipality it was in.
    pub ags: Option<String>,
    /// A project's status after its latest history event.
    pub status: Option<String>,
    /// A project's latest history event number (0 when it has none).
    pub last_seq: i64,
}

/// A project history event to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EventWrite<'a> {
    pub id: &'a str,
    pub seq: i64,
    pub event: &'static str,
    pub status: Option<&'a str>,
    pub ags: Option<&'a str>,
}

/// A live record that stops being live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TombstoneWrite<'a> {
    pub id: &'a str,
    pub node_modified: i64,
    pub modified: i64,
}

/// The writes of one page.
#[derive(Default)]
pub(crate) struct RecordPlan<'a> {
    /// New or changed records with their new change numbers.
    pub upserts: Vec<(&'a RecordAccept, i64)>,
    /// Records received again unchanged: only the node's number moves on.
    pub unchanged: Vec<(&'a str, i64)>,
    pub tombstones: Vec<TombstoneWrite<'a>>,
    /// Records whose references are replaced (upserts) or removed (tombstones).
    pub clear_references: Vec<&'a str>,
    pub references: Vec<(&'a str, &'a ReferenceRow)>,
    /// Quarantine entries to remove (accepted or deleted records).
    pub clear_quarantine: Vec<&'a str>,
    pub quarantine: Vec<&'a RecordReject>,
    pub events: Vec<EventWrite<'a>>,
    pub outcome: PageOutcome,
    pub last_change: i64,
}

fn item_id(item: &RecordItem) -> &str {
    match item {
        RecordItem::Accept(a) => &a.id,
        RecordItem::Reject(r) => &r.id,
        RecordItem::Delete { id, .. } => id,
    }
}

/// The items of a page, each id once (its last appearance wins, as for offers).
pub(crate) fn last_record_items(items: &[RecordItem]) -> Vec<&RecordItem> {
    let mut last: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        last.insert(item_id(item), i);
    }
    items
        .iter()
        .enumerate()
        .filter(|(i, item)| last.get(item_id(item)) == Some(i))
        .map(|(_, item)| item)
        .collect()
}

/// The ids to look up before planning.
pub(crate) fn record_ids<'a>(items: &[&'a RecordItem]) -> Vec<&'a str> {
    items.iter().map(|i| item_id(i)).collect()
}

/// Plans a page whose items are each id once (see [`last_record_items`]); `projects` says
/// whether the kind keeps a history.
pub(crate) fn plan_record_page<'a>(
    items: &[&'a RecordItem],
    before: &'a HashMap<String, RecordBefore>,
    projects: bool,
    mut last_change: i64,
) -> RecordPlan<'a> {
    let mut plan = RecordPlan::default();
    for item in items {
        let prior = before.get(item_id(item));
        let live = prior.filter(|b| !b.deleted);
        let seq = prior.map_or(0, |b| b.last_seq) + 1;
        match item {
            RecordItem::Accept(a) => {
                plan.clear_quarantine.push(&a.id);
                if let Some(b) = live
                    && b.hash.as_deref() == Some(a.hash.as_slice())
                    && b.standard_version == a.standard_version
                {
                    plan.unchanged.push((&a.id, a.node_modified));
                    plan.outcome.unchanged += 1;
                    continue;
                }
                last_change += 1;
                plan.upserts.push((a, last_change));
                plan.clear_references.push(&a.id);
                plan.references.extend(a.references.iter().map(|r| (a.id.as_str(), r)));
                if live.is_some() {
                    plan.outcome.updated += 1;
                } else {
                    plan.outcome.created += 1;
                }
                if projects {
                    let event = match live {
                        None => Some("first_seen"),
                        Some(b) if b.status.as_deref() != a.status.as_deref() => Some("status"),
                        Some(_) => None,
                    };
                    if let Some(event) = event {
                        let (status, ags) = (a.status.as_deref(), a.ags.as_deref());
                        plan.events.push(EventWrite { id: &a.id, seq, event, status, ags });
                    }
                }
            }
            RecordItem::Delete { id, node_modified } => {
                plan.clear_quarantine.push(id);
                if let Some(b) = live {
                    last_change += 1;
                    remove(&mut plan, projects, id, *node_modified, last_change, seq, b);
                }
            }
            RecordItem::Reject(r) => {
                // A rejected new version withdraws the version the hub published before.
                if let Some(b) = live {
                    last_change += 1;
                    remove(&mut plan, projects, &r.id, r.node_modified, last_change, seq, b);
                }
                plan.quarantine.push(r);
                plan.outcome.quarantined += 1;
            }
        }
    }
    plan.last_change = last_change;
    plan
}

fn remove<'a>(
    plan: &mut RecordPlan<'a>,
    projects: bool,
    id: &'a str,
    node_modified: i64,
    modified: i64,
    seq: i64,
    before: &'a RecordBefore,
) {
    plan.tombstones.push(TombstoneWrite { id, node_modified, modified });
    plan.clear_references.push(id);
    if projects {
        plan.events.push(EventWrite { id, seq, event: "removed", status: None, ags: before.ags.as_deref() });
    }
    plan.outcome.deleted += 1;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::QuarantineReason;
    use lotse_standard::rpde::Kind;

    fn accept(id: &str, hash: u8, status: &str) -> RecordItem {
        RecordItem::Accept(Box::new(RecordAccept {
            id: id.into(),
            node_modified: 1,
            data: "{}".into(),
            hash: vec![hash],
            standard_version: None,
            findings: None,
            lat: None,
            lon: None,
            ags: Some("05117000".into()),
            references: vec![ReferenceRow {
                pointer: "/responsible".into(),
                target_kind: Kind::Organization,
                target_node: "essen".into(),
                target_id: "vhs".into(),
            }],
            status: Some(status.into()),
        }))
    }

    fn live(hash: u8, status: &str, seq: i64) -> RecordBefore {
        RecordBefore {
            hash: Some(vec![hash]),
            status: Some(status.into()),
            ags: Some("05113000".into()),
            last_seq: seq,
            ..RecordBefore::default()
        }
    }

    #[test]
    fn a_page_creates_updates_keeps_and_removes_with_one_number_each() {
        let items = vec![
            accept("neu", 1, "planned"),
            accept("gleich", 2, "running"),
            accept("anders", 3, "completed"),
            RecordItem::Delete { id: "weg".into(), node_modified: 4 },
            RecordItem::Delete { id: "nie-da".into(), node_modified: 5 },
            RecordItem::Reject(RecordReject {
                id: "kaputt".into(),
                node_modified: 6,
                reason: QuarantineReason::Invalid,
                findings: "[]".into(),
                data: None,
                standard_version: None,
            }),
        ];
        let before: HashMap<String, RecordBefore> = [
            ("gleich".to_owned(), live(2, "running", 1)),
            ("anders".to_owned(), live(9, "running", 2)),
            ("weg".to_owned(), live(4, "running", 3)),
            ("kaputt".to_owned(), live(6, "running", 1)),
        ]
        .into();
        let page = last_record_items(&items);
        let plan = plan_record_page(&page, &before, true, 100);
        let o = &plan.outcome;
        assert_eq!((o.created, o.updated, o.unchanged, o.deleted, o.quarantined), (1, 1, 1, 2, 1));
        assert_eq!(
            plan.upserts.iter().map(|(a, m)| (a.id.as_str(), *m)).collect::<Vec<_>>(),
            [("neu", 101), ("anders", 102)]
        );
        assert_eq!(plan.unchanged, [("gleich", 1)]);
        assert_eq!(
            plan.tombstones.iter().map(|t| (t.id, t.modified)).collect::<Vec<_>>(),
            [("weg", 103), ("kaputt", 104)]
        );
        assert_eq!(plan.last_change, 104);
        assert_eq!(plan.clear_references, ["neu", "anders", "weg", "kaputt"]);
        assert_eq!(plan.references.len(), 2);
        assert_eq!(plan.clear_quarantine, ["neu", "gleich", "anders", "weg", "nie-da"]);
        assert_eq!(plan.quarantine.len(), 1);
        let events: Vec<_> = plan.events.iter().map(|e| (e.id, e.seq, e.event, e.status, e.ags)).collect();
        assert_eq!(
            events,
            [
                ("neu", 1, "first_seen", Some("planned"), Some("05117000")),
                ("anders", 3, "status", Some("completed"), Some("05117000")),
                ("weg", 4, "removed", None, Some("05113000")),
                ("kaputt", 2, "removed", None, Some("05113000")),
            ]
        );
    }

    #[test]
    fn the_last_item_of_an_id_wins_and_other_kinds_keep_no_history() {
        let items = vec![accept("a", 1, "planned"), accept("a", 2, "running")];
        let page = last_record_items(&items);
        assert_eq!(page.len(), 1);
        let before = HashMap::new();
        let plan = plan_record_page(&page, &before, false, 0);
        assert_eq!(plan.upserts[0].0.hash, [2]);
        assert!(plan.events.is_empty());
    }

    #[test]
    fn a_record_back_after_its_removal_is_created_again_and_first_seen_again() {
        let items = vec![accept("a", 1, "running")];
        let before: HashMap<String, RecordBefore> =
            [("a".to_owned(), RecordBefore { deleted: true, last_seq: 2, ..live(1, "running", 2) })].into();
        let page = last_record_items(&items);
        let plan = plan_record_page(&page, &before, true, 0);
        assert_eq!(plan.outcome.created, 1);
        assert_eq!(plan.events[0].event, "first_seen");
        assert_eq!(plan.events[0].seq, 3);
    }
}
