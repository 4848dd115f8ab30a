//! The store's pages of the new kinds, on SQLite and (with `LOTSE_TEST_POSTGRES_URL`)
//! PostgreSQL, against the `RecordStore` trait only: what a page creates, changes, keeps,
//! removes and quarantines, with one change number per change, references replaced with their
//! record, a project's history (also after its tombstone was purged), and a page whose
//! checkpoint moved writing nothing.

use lotse_hub::NewNode;
use lotse_hub::store::kinds::{RecordAccept, RecordItem, RecordPageWrite, RecordReject, ReferenceRow};
use lotse_hub::store::{Checkpoint, PageOutcome, QuarantineReason, StoreError};
use lotse_standard::rpde::Kind;

use crate::backends;
use crate::common::TestDb;

fn project(id: &str, node_modified: i64, status: &str, partner: Option<&str>) -> RecordItem {
    let partners = partner.map_or_else(|| "[]".to_owned(), |p| format!(r#"["{p}"]"#));
    let data = format!(r#"{{"id":"{id}","status":"{status}","partners":{partners}}}"#);
    RecordItem::Accept(Box::new(RecordAccept {
        id: id.into(),
        node_modified,
        hash: data.as_bytes().to_vec(),
        data,
        standard_version: Some("1.1.0".into()),
        findings: None,
        lat: Some(51.43),
        lon: Some(6.88),
        ags: Some("05117000".into()),
        references: partner
            .map(|p| ReferenceRow {
                pointer: "/partners/0".into(),
                target_kind: Kind::Organization,
                target_node: "essen".into(),
                target_id: p.into(),
            })
            .into_iter()
            .collect(),
        status: Some(status.into()),
    }))
}

fn delete(id: &str, node_modified: i64) -> RecordItem {
    RecordItem::Delete { id: id.into(), node_modified }
}

fn reject(id: &str, node_modified: i64) -> RecordItem {
    RecordItem::Reject(RecordReject {
        id: id.into(),
        node_modified,
        reason: QuarantineReason::Jurisdiction,
        findings: r#"[{"code":"outside_jurisdiction"}]"#.into(),
        data: Some(format!(r#"{{"id":"{id}"}}"#)),
        standard_version: Some("1.1.0".into()),
    })
}

fn write(after: Option<i64>, items: Vec<RecordItem>, now: i64) -> RecordPageWrite {
    let last = match items.last() {
        Some(RecordItem::Accept(a)) => Checkpoint { modified: a.node_modified, id: a.id.clone() },
        Some(RecordItem::Reject(r)) => Checkpoint { modified: r.node_modified, id: r.id.clone() },
        Some(RecordItem::Delete { id, node_modified }) => {
            Checkpoint { modified: *node_modified, id: id.clone() }
        }
        None => unreachable!("pages have items"),
    };
    RecordPageWrite {
        kind: Kind::Project,
        node_id: "muelheim".into(),
        after: after.map(|m| Checkpoint { modified: m, id: format!("cp{m}") }),
        checkpoint: last,
        items,
        now,
    }
}

/// The page's checkpoint, named as `write` names the checkpoint a page was read after.
fn at(mut page: RecordPageWrite) -> RecordPageWrite {
    page.checkpoint.id = format!("cp{}", page.checkpoint.modified);
    page
}

fn counts(o: &PageOutcome) -> (u64, u64, u64, u64, u64) {
    (o.created, o.updated, o.unchanged, o.deleted, o.quarantined)
}

backends!(pages_of_the_new_kinds);

async fn pages_of_the_new_kinds(db: TestDb) {
    let store = db.store().await;
    let node = NewNode {
        id: "muelheim".into(),
        name: "Mülheim".into(),
        feed_url: "http://127.0.0.1:1/feed/offers".into(),
        jurisdiction: vec!["05117000".into()],
    };
    store.add_node(&node, "hash", 1).await.unwrap();

    let first = at(write(
        None,
        vec![
            project("a", 1, "planned", Some("vhs")),
            project("b", 2, "running", None),
            project("c", 3, "running", Some("kita")),
        ],
        100,
    ));
    let o = store.store_record_page(&first).await.unwrap();
    assert_eq!(counts(&o), (3, 0, 0, 0, 0));
    let feed = store.record_feed_page(Kind::Project, 0, 100).await.unwrap();
    let numbers: Vec<i64> = feed.iter().map(|r| r.modified).collect();
    assert_eq!(numbers.len(), 3);
    assert!(numbers.windows(2).all(|w| w[1] == w[0] + 1), "one number per change: {numbers:?}");
    assert_eq!(store.referrers(Kind::Organization, "essen", "vhs").await.unwrap().len(), 1);

    // The same checkpoint again: the page is refused and nothing of it is written.
    let again = at(write(None, vec![project("z", 4, "planned", None)], 101));
    assert!(matches!(store.store_record_page(&again).await, Err(StoreError::CheckpointMoved(_))));
    assert!(store.get_record(Kind::Project, "muelheim", "z").await.unwrap().is_none());

    // a changes status and partner, b comes again unchanged, c is deleted, d is rejected, and
    // a deletion of a record the hub never had changes nothing.
    let second = at(write(
        Some(3),
        vec![
            project("a", 5, "running", Some("bib")),
            project("b", 6, "running", None),
            delete("c", 7),
            delete("never", 8),
            reject("d", 9),
        ],
        200,
    ));
    let o = store.store_record_page(&second).await.unwrap();
    assert_eq!(counts(&o), (0, 1, 1, 1, 1));
    let feed = store.record_feed_page(Kind::Project, numbers[2], 100).await.unwrap();
    assert_eq!(
        feed.iter().map(|r| (r.id.as_str(), r.data.is_some())).collect::<Vec<_>>(),
        [("a", true), ("c", false)]
    );
    assert_eq!(feed[1].modified, feed[0].modified + 1);
    let refs = store.references_of(Kind::Project, "muelheim", "a").await.unwrap();
    assert_eq!(refs.iter().map(|r| r.target_id.as_str()).collect::<Vec<_>>(), ["bib"]);
    assert!(store.referrers(Kind::Organization, "essen", "vhs").await.unwrap().is_empty());
    assert!(store.referrers(Kind::Organization, "essen", "kita").await.unwrap().is_empty());
    assert!(store.get_record(Kind::Project, "muelheim", "c").await.unwrap().is_none());
    let b = store.get_record(Kind::Project, "muelheim", "b").await.unwrap().unwrap();
    assert_eq!(b.last_changed, 100, "an unchanged record keeps its time");
    let quarantined = store.list_record_quarantine(Kind::Project, None, None, 10).await.unwrap();
    assert_eq!(quarantined.iter().map(|q| q.id.as_str()).collect::<Vec<_>>(), ["d"]);
    assert_eq!(store.record_feed("muelheim", Kind::Project).await.unwrap().checkpoint.unwrap().modified, 9);

    // d accepted leaves the quarantine; c comes back after its tombstone was purged.
    assert_eq!(store.purge_record_tombstones(201).await.unwrap(), 1);
    let third =
        at(write(Some(9), vec![project("d", 10, "planned", None), project("c", 11, "completed", None)], 300));
    let o = store.store_record_page(&third).await.unwrap();
    assert_eq!(counts(&o), (2, 0, 0, 0, 0));
    assert!(store.list_record_quarantine(Kind::Project, None, None, 10).await.unwrap().is_empty());

    let history: Vec<(String, i64, String, Option<String>)> = store
        .project_events(0, 1000, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.id, e.at, e.event, e.status))
        .collect();
    let expected = [
        ("a", 100, "first_seen", Some("planned")),
        ("b", 100, "first_seen", Some("running")),
        ("c", 100, "first_seen", Some("running")),
        ("a", 200, "status", Some("running")),
        ("c", 200, "removed", None),
        ("c", 300, "first_seen", Some("completed")),
        ("d", 300, "first_seen", Some("planned")),
    ];
    let mut got = history.clone();
    got.sort_by(|x, y| (x.1, &x.0).cmp(&(y.1, &y.0)));
    let got: Vec<_> = got.iter().map(|(id, at, e, s)| (id.as_str(), *at, e.as_str(), s.as_deref())).collect();
    let mut expected = expected.to_vec();
    expected.sort_by(|x, y| (x.1, x.0).cmp(&(y.1, y.0)));
    assert_eq!(got, expected);
}
