//! The store test suite: every behaviour of `NodeStore` as one generic async function, run on
//! SQLite always and on PostgreSQL when `LOTSE_TEST_POSTGRES_URL` is set (fresh database each).

mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::TestDb;
use lotse_node::store::{
    ChangeSet, ImportCounts, NewImport, NodeStore, RecordWrite, Role, StoreError, WriteOutcome,
};
use lotse_standard::rpde::Kind;
use sha2::{Digest, Sha256};

fn write(id: &str, data: &str) -> RecordWrite {
    let data = format!("{{\"id\":\"{id}\",\"v\":\"{data}\"}}");
    RecordWrite {
        id: id.into(),
        hash: Sha256::digest(data.as_bytes()).to_vec(),
        data,
        standard_version: "1.0.0".into(),
    }
}

fn upserts(writes: Vec<RecordWrite>, now: i64) -> ChangeSet {
    ChangeSet { upserts: writes, now, ..ChangeSet::default() }
}

/// Runs `test` once per configured database.
macro_rules! for_each_store {
    ($test:ident) => {
        for db in TestDb::all().await {
            let store = db.open().await;
            eprintln!("{} on {}", stringify!($test), db.kind());
            $test(store).await;
        }
    };
}

async fn create_update_unchanged_delete(store: Arc<dyn NodeStore>) {
    let (a, _) =
        store.apply(Kind::Offer, upserts(vec![write("a", "1"), write("b", "1")], 100), None).await.unwrap();
    assert_eq!(a.upserts, [WriteOutcome::Created, WriteOutcome::Created]);
    assert_eq!(a.last_change, 2);
    let (a, _) =
        store.apply(Kind::Offer, upserts(vec![write("a", "1"), write("b", "2")], 200), None).await.unwrap();
    assert_eq!(a.upserts, [WriteOutcome::Unchanged, WriteOutcome::Updated]);
    assert_eq!(a.last_change, 3);
    assert_eq!(store.last_change().await.unwrap(), 3);

    let b = store.get(Kind::Offer, "b").await.unwrap().unwrap();
    assert_eq!(b.modified, 3);
    assert_eq!(b.data, write("b", "2").data);
    assert_eq!((b.created_at, b.updated_at), (100, 200));
    assert_eq!(b.standard_version, "1.0.0");

    let (a, _) = store
        .apply(
            Kind::Offer,
            ChangeSet { deletes: vec!["a".into(), "zz".into()], now: 300, ..ChangeSet::default() },
            None,
        )
        .await
        .unwrap();
    assert_eq!(a.deletes, [WriteOutcome::Deleted, WriteOutcome::NotFound]);
    assert!(store.get(Kind::Offer, "a").await.unwrap().is_none());
    assert_eq!(store.count(Kind::Offer).await.unwrap(), 1);

    // The feed: b (3), then the tombstone of a (4).
    let feed = store.feed_page(Kind::Offer, None, 10).await.unwrap();
    let view: Vec<(&str, i64, bool)> =
        feed.iter().map(|r| (r.id.as_str(), r.modified, r.data.is_some())).collect();
    assert_eq!(view, [("b", 3, true), ("a", 4, false)]);
    assert!(feed[1].standard_version.is_none());

    // Re-creating a deleted offer counts as created and moves it to the end of the feed.
    let (a, _) = store.apply(Kind::Offer, upserts(vec![write("a", "again")], 400), None).await.unwrap();
    assert_eq!(a.upserts, [WriteOutcome::Created]);
    let feed = store.feed_page(Kind::Offer, Some((4, "a")), 10).await.unwrap();
    assert_eq!(feed.len(), 1);
    assert_eq!((feed[0].id.as_str(), feed[0].modified), ("a", 5));
    assert_eq!(store.get(Kind::Offer, "a").await.unwrap().unwrap().created_at, 100);
}

#[tokio::test]
async fn store_create_update_unchanged_delete() {
    for_each_store!(create_update_unchanged_delete);
}

async fn feed_paging_is_strict_on_the_pair(store: Arc<dyn NodeStore>) {
    let ids: Vec<String> = (0..25).map(|i| format!("o{i:03}")).collect();
    store.apply(Kind::Offer, upserts(ids.iter().map(|id| write(id, "x")).collect(), 1), None).await.unwrap();
    // Page through with a page size of 7: every row once, in (modified, id) order.
    let mut seen = Vec::new();
    let mut after: Option<(i64, String)> = None;
    loop {
        let page =
            store.feed_page(Kind::Offer, after.as_ref().map(|(m, id)| (*m, id.as_str())), 7).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some((last.modified, last.id.clone()));
        seen.extend(page.into_iter().map(|r| (r.modified, r.id)));
    }
    assert_eq!(seen.len(), 25);
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "strictly ascending by (modified, id)");
    // Same modified: only ids strictly greater are after the position.
    let (m, id) = &seen[10];
    let page = store.feed_page(Kind::Offer, Some((*m, id)), 1).await.unwrap();
    assert_eq!((page[0].modified, page[0].id.as_str()), (seen[11].0, seen[11].1.as_str()));
    let page = store.feed_page(Kind::Offer, Some((*m, "")), 1).await.unwrap();
    assert_eq!(&page[0].id, id, "(m, \"\") is before (m, id)");
    // Ids compare bytewise: "B" < "a" < "ä".
    let (applied, _) = store.apply(Kind::Offer, upserts(vec![write("ä", "1")], 2), None).await.unwrap();
    let m = applied.last_change;
    let page = store.feed_page(Kind::Offer, Some((m, "a")), 5).await.unwrap();
    assert_eq!(page.len(), 1);
    let page = store.feed_page(Kind::Offer, Some((m, "B")), 5).await.unwrap();
    assert_eq!(page.len(), 1);
    let page = store.feed_page(Kind::Offer, Some((m, "ä")), 5).await.unwrap();
    assert!(page.is_empty());
}

#[tokio::test]
async fn store_feed_paging_is_strict_on_the_pair() {
    for_each_store!(feed_paging_is_strict_on_the_pair);
}

async fn replace_all_deletes_the_rest_but_keeps_rejected(store: Arc<dyn NodeStore>) {
    store
        .apply(
            Kind::Offer,
            upserts(vec![write("a", "1"), write("b", "1"), write("c", "1"), write("d", "1")], 1),
            None,
        )
        .await
        .unwrap();
    let changes = ChangeSet {
        upserts: vec![write("a", "1"), write("e", "1")],
        replace_all: Some(vec!["c".into()]),
        now: 2,
        ..ChangeSet::default()
    };
    let (a, _) = store.apply(Kind::Offer, changes, None).await.unwrap();
    assert_eq!(a.upserts, [WriteOutcome::Unchanged, WriteOutcome::Created]);
    assert_eq!(a.replaced_away, ["b", "d"]);
    let live: Vec<String> =
        store.list(Kind::Offer, None, 100).await.unwrap().into_iter().map(|o| o.id).collect();
    assert_eq!(live, ["a", "c", "e"]);
    // Listing pages by id.
    let page = store.list(Kind::Offer, Some("a"), 1).await.unwrap();
    assert_eq!(page[0].id, "c");
}

#[tokio::test]
async fn store_replace_all_deletes_the_rest_but_keeps_rejected() {
    for_each_store!(replace_all_deletes_the_rest_but_keeps_rejected);
}

async fn purge_removes_only_old_tombstones(store: Arc<dyn NodeStore>) {
    store
        .apply(Kind::Offer, upserts(vec![write("a", "1"), write("b", "1"), write("c", "1")], 10), None)
        .await
        .unwrap();
    store
        .apply(Kind::Offer, ChangeSet { deletes: vec!["a".into()], now: 100, ..ChangeSet::default() }, None)
        .await
        .unwrap();
    store
        .apply(Kind::Offer, ChangeSet { deletes: vec!["b".into()], now: 200, ..ChangeSet::default() }, None)
        .await
        .unwrap();
    assert_eq!(store.purge_tombstones(150).await.unwrap(), 1);
    let ids: Vec<String> =
        store.feed_page(Kind::Offer, None, 10).await.unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(ids, ["c", "b"]);
    // Purging never touches live offers, however old.
    assert_eq!(store.purge_tombstones(10_000).await.unwrap(), 1);
    assert_eq!(store.count(Kind::Offer).await.unwrap(), 1);
}

#[tokio::test]
async fn store_purge_removes_only_old_tombstones() {
    for_each_store!(purge_removes_only_old_tombstones);
}

/// Standard 1.1: each kind has its own table and feed; the same id in two kinds names two
/// records; change numbers come from one counter, so every feed's numbers grow in commit order.
async fn kinds_have_their_own_records_and_feeds(store: Arc<dyn NodeStore>) {
    store.apply(Kind::Offer, upserts(vec![write("x", "offer")], 1), None).await.unwrap();
    let (a, _) = store
        .apply(Kind::Network, upserts(vec![write("x", "net"), write("y", "net")], 2), None)
        .await
        .unwrap();
    assert_eq!(a.upserts, [WriteOutcome::Created, WriteOutcome::Created]);
    assert_eq!(a.last_change, 3);
    store.apply(Kind::Project, upserts(vec![write("p", "proj")], 3), None).await.unwrap();
    assert_eq!(store.get(Kind::Offer, "x").await.unwrap().unwrap().data, write("x", "offer").data);
    assert_eq!(store.get(Kind::Network, "x").await.unwrap().unwrap().data, write("x", "net").data);
    assert!(store.get(Kind::Organization, "x").await.unwrap().is_none());
    let feed = |kind| {
        let store = store.clone();
        async move {
            store
                .feed_page(kind, None, 10)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.id, r.modified))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(feed(Kind::Offer).await, [("x".to_owned(), 1)]);
    assert_eq!(feed(Kind::Network).await, [("x".to_owned(), 2), ("y".to_owned(), 3)]);
    assert_eq!(feed(Kind::Project).await, [("p".to_owned(), 4)]);
    assert!(feed(Kind::Organization).await.is_empty());
    // A complete set replaces only its own kind.
    let (a, _) = store
        .apply(
            Kind::Network,
            ChangeSet {
                upserts: vec![write("y", "net")],
                replace_all: Some(vec![]),
                now: 4,
                ..ChangeSet::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(a.replaced_away, ["x"]);
    assert_eq!(store.count(Kind::Offer).await.unwrap(), 1);
    assert_eq!(store.count(Kind::Network).await.unwrap(), 1);
    let found = store.get_many(Kind::Network, &["x", "y", "z"]).await.unwrap();
    assert_eq!(found.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["y"]);
    // The steward's search matches a network's name.
    let named = RecordWrite {
        id: "n1".into(),
        hash: vec![1],
        data: r#"{"id":"n1","name":{"de":"Netzwerk Frühe Hilfen"}}"#.into(),
        standard_version: "1.1.0".into(),
    };
    store.apply(Kind::Network, upserts(vec![named], 5), None).await.unwrap();
    assert_eq!(store.search(Kind::Network, Some("frühe"), 0, 10).await.unwrap().1, 1);
    // Tombstones of every kind are purged.
    assert_eq!(store.purge_tombstones(10_000).await.unwrap(), 1);
}

#[tokio::test]
async fn store_kinds_have_their_own_records_and_feeds() {
    for_each_store!(kinds_have_their_own_records_and_feeds);
}

async fn tokens(store: Arc<dyn NodeStore>) {
    let t = store.create_token("vhs", Role::Steward, "h1", 5).await.unwrap();
    assert_eq!((t.name.as_str(), t.role, t.created_at, t.revoked_at), ("vhs", Role::Steward, 5, None));
    let dup = store.create_token("vhs", Role::Admin, "h2", 6).await;
    assert!(matches!(dup, Err(StoreError::DuplicateTokenName(_))), "{dup:?}");
    assert_eq!(store.token_by_hash("h1").await.unwrap().unwrap().id, t.id);
    assert!(store.token_by_hash("nope").await.unwrap().is_none());
    assert!(store.revoke_token(t.id, 7).await.unwrap());
    assert!(!store.revoke_token(t.id, 8).await.unwrap(), "already revoked");
    assert_eq!(store.token_by_hash("h1").await.unwrap().unwrap().revoked_at, Some(7));
    // After revocation the name is free again.
    let t2 = store.create_token("vhs", Role::Admin, "h3", 9).await.unwrap();
    let all = store.list_tokens().await.unwrap();
    assert_eq!(all.iter().map(|t| t.id).collect::<Vec<_>>(), [t.id, t2.id]);
}

#[tokio::test]
async fn store_tokens() {
    for_each_store!(tokens);
}

fn import(n: i64) -> NewImport {
    NewImport {
        kind: if n % 2 == 0 { Kind::Offer } else { Kind::Project },
        token_id: Some(1),
        token_name: "vhs".into(),
        received_at: n,
        operation: "post".into(),
        mode: "atomic".into(),
        format: Some("json".into()),
        status: 422,
        committed: false,
        counts: ImportCounts { received: n, rejected: n, ..ImportCounts::default() },
        report: format!("{{\"n\":{n}}}"),
    }
}

async fn import_log(store: Arc<dyn NodeStore>) {
    let first = store.record_import(import(1)).await.unwrap();
    // An entry written with changes sees their outcome, in the same transaction.
    let builder = Box::new(|applied: &lotse_node::store::Applied| {
        let mut e = import(2);
        e.committed = true;
        e.status = 200;
        e.counts.created = applied.count(WriteOutcome::Created) as i64;
        e
    });
    let (_, second) =
        store.apply(Kind::Offer, upserts(vec![write("a", "1")], 1), Some(builder)).await.unwrap();
    let second = second.unwrap();
    let third = store.record_import(import(3)).await.unwrap();
    assert!(first < second && second < third);
    let list = store.list_imports(None, 2).await.unwrap();
    assert_eq!(list.iter().map(|r| r.id).collect::<Vec<_>>(), [third, second]);
    assert!(list[0].report.is_none(), "listings leave reports out");
    let older = store.list_imports(Some(second), 10).await.unwrap();
    assert_eq!(older.iter().map(|r| r.id).collect::<Vec<_>>(), [first]);
    let got = store.get_import(second).await.unwrap().unwrap();
    assert_eq!(got.counts.created, 1);
    assert!(got.committed);
    assert_eq!(got.status, 200);
    assert_eq!(got.report.as_deref(), Some("{\"n\":2}"));
    assert_eq!(got.format.as_deref(), Some("json"));
    assert_eq!(got.kind, Kind::Offer);
    assert_eq!(store.get_import(third).await.unwrap().unwrap().kind, Kind::Project);
    assert!(store.get_import(9999).await.unwrap().is_none());
}

#[tokio::test]
async fn store_import_log() {
    for_each_store!(import_log);
}

async fn bulk_write(store: Arc<dyn NodeStore>) {
    // More rows than one INSERT statement holds, to cross chunk boundaries on both stores.
    let writes: Vec<RecordWrite> = (0..12_345).map(|i| write(&format!("bulk-{i:05}"), "x")).collect();
    let (a, _) = store
        .apply(
            Kind::Offer,
            ChangeSet { upserts: writes, replace_all: Some(vec![]), now: 1, ..ChangeSet::default() },
            None,
        )
        .await
        .unwrap();
    assert_eq!(a.count(WriteOutcome::Created), 12_345);
    assert_eq!(store.count(Kind::Offer).await.unwrap(), 12_345);
    let writes: Vec<RecordWrite> = (0..12_000).map(|i| write(&format!("bulk-{i:05}"), "x")).collect();
    let (a, _) = store
        .apply(
            Kind::Offer,
            ChangeSet { upserts: writes, replace_all: Some(vec![]), now: 2, ..ChangeSet::default() },
            None,
        )
        .await
        .unwrap();
    assert_eq!(a.count(WriteOutcome::Unchanged), 12_000);
    assert_eq!(a.replaced_away.len(), 345);
    assert_eq!(a.last_change, 12_345 + 345);
}

#[tokio::test]
async fn store_bulk_write() {
    for_each_store!(bulk_write);
}

/// Several writers change records of every kind concurrently while one reader per kind
/// follows that kind's feed. Each reader must see strictly ascending positions, and at the end
/// its view of every record must equal what is stored: a change that became visible below the
/// reader's position would be missing. The kinds share one change counter, so a writer of one
/// kind holds up the others until it commits, and no feed may skip past it.
async fn concurrent_writers_and_a_reader(store: Arc<dyn NodeStore>) {
    const WRITERS: usize = 8;
    const ROUNDS: usize = 40;
    let done = Arc::new(AtomicBool::new(false));
    let follow = |kind: Kind| {
        let store = store.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let mut view: HashMap<String, (i64, Option<String>)> = HashMap::new();
            let mut position: Option<(i64, String)> = None;
            let mut finished_after_done = false;
            loop {
                let writers_done = done.load(Ordering::SeqCst);
                let page = store
                    .feed_page(kind, position.as_ref().map(|(m, id)| (*m, id.as_str())), 50)
                    .await
                    .unwrap();
                for row in &page {
                    let here = (row.modified, row.id.clone());
                    if let Some(p) = &position {
                        assert!(here > *p, "{kind} feed went backwards: {here:?} after {p:?}");
                    }
                    position = Some(here);
                    view.insert(row.id.clone(), (row.modified, row.data.clone()));
                }
                if page.is_empty() {
                    // One full pass after the writers finished reaches the end for sure.
                    if finished_after_done {
                        return view;
                    }
                    finished_after_done = writers_done;
                    tokio::task::yield_now().await;
                }
            }
        })
    };
    let readers: Vec<_> = Kind::ALL.into_iter().map(|k| (k, follow(k))).collect();
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let store = store.clone();
        let kind = Kind::ALL[w % Kind::ALL.len()];
        writers.push(tokio::spawn(async move {
            for round in 0..ROUNDS {
                // Own records plus a few shared ones that every writer of the kind keeps changing.
                let mut set = vec![
                    write(&format!("w{w}-{round}"), "1"),
                    write(&format!("shared-{}", round % 5), &format!("{w}-{round}")),
                ];
                if round % 7 == 3 {
                    set.push(write(&format!("w{w}-{}", round - 1), "2"));
                }
                store.apply(kind, upserts(set, round as i64), None).await.unwrap();
                if round % 11 == 5 {
                    let del = ChangeSet {
                        deletes: vec![format!("w{w}-{}", round - 2)],
                        now: 1,
                        ..ChangeSet::default()
                    };
                    store.apply(kind, del, None).await.unwrap();
                }
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    done.store(true, Ordering::SeqCst);
    let mut max = 0;
    for (kind, reader) in readers {
        let view = reader.await.unwrap();
        // The stored truth, every row including tombstones.
        let mut truth: BTreeMap<String, (i64, Option<String>)> = BTreeMap::new();
        let mut after: Option<(i64, String)> = None;
        loop {
            let page =
                store.feed_page(kind, after.as_ref().map(|(m, id)| (*m, id.as_str())), 1000).await.unwrap();
            let Some(last) = page.last() else { break };
            after = Some((last.modified, last.id.clone()));
            for r in page {
                truth.insert(r.id, (r.modified, r.data));
            }
        }
        assert!(!truth.is_empty());
        assert_eq!(truth.len(), view.len(), "{kind}");
        for (id, stored) in &truth {
            assert_eq!(
                view.get(id),
                Some(stored),
                "reader's final state of {kind} {id} differs from the store"
            );
        }
        max = max.max(truth.values().map(|(m, _)| *m).max().unwrap());
    }
    // Every change got its own number, and all numbers were handed out.
    assert_eq!(store.last_change().await.unwrap(), max);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn store_concurrent_writers_and_a_reader() {
    for_each_store!(concurrent_writers_and_a_reader);
}

fn titled(id: &str, title_de: &str, title_ar: &str) -> RecordWrite {
    let data = serde_json::json!({"id": id, "title": {"de": title_de, "ar": title_ar}}).to_string();
    RecordWrite {
        id: id.into(),
        hash: Sha256::digest(data.as_bytes()).to_vec(),
        data,
        standard_version: "1.0.0".into(),
    }
}

async fn search_offers_by_title_and_id(store: Arc<dyn NodeStore>) {
    let writes = vec![
        titled("kurs-1", "Integrationskurs Essen", "دورة"),
        titled("kurs-2", "Ärztliche Beratung", "استشارة"),
        titled("beratung-3", "Schuldnerberatung", "x"),
        titled("pct", "100% kostenlos_", "y"),
    ];
    store.apply(Kind::Offer, upserts(writes, 1), None).await.unwrap();
    store
        .apply(
            Kind::Offer,
            ChangeSet { deletes: vec!["beratung-3".into()], now: 2, ..ChangeSet::default() },
            None,
        )
        .await
        .unwrap();
    let ids = |r: (Vec<lotse_node::store::StoredRecord>, i64)| {
        (r.0.into_iter().map(|o| o.id).collect::<Vec<_>>(), r.1)
    };
    assert_eq!(
        ids(store.search(Kind::Offer, None, 0, 10).await.unwrap()),
        (vec!["kurs-1".into(), "kurs-2".into(), "pct".into()], 3)
    );
    // By id, case-insensitive; by a title in any language; deleted offers never.
    assert_eq!(ids(store.search(Kind::Offer, Some("KURS"), 0, 10).await.unwrap()).1, 2);
    assert_eq!(ids(store.search(Kind::Offer, Some("integrations"), 0, 10).await.unwrap()).0, ["kurs-1"]);
    assert_eq!(ids(store.search(Kind::Offer, Some("Ärztliche"), 0, 10).await.unwrap()).0, ["kurs-2"]);
    assert_eq!(ids(store.search(Kind::Offer, Some("استشارة"), 0, 10).await.unwrap()).0, ["kurs-2"]);
    assert_eq!(ids(store.search(Kind::Offer, Some("Schuldner"), 0, 10).await.unwrap()).1, 0);
    // LIKE wildcards are literal.
    assert_eq!(ids(store.search(Kind::Offer, Some("%"), 0, 10).await.unwrap()).0, ["pct"]);
    assert_eq!(ids(store.search(Kind::Offer, Some("s_"), 0, 10).await.unwrap()).0, ["pct"]);
    // Paging: the total counts every match.
    assert_eq!(ids(store.search(Kind::Offer, None, 1, 1).await.unwrap()), (vec!["kurs-2".into()], 3));
}

#[tokio::test]
async fn store_search_offers_by_title_and_id() {
    for_each_store!(search_offers_by_title_and_id);
}

async fn users_sessions_and_pending_imports(store: Arc<dyn NodeStore>) {
    use lotse_node::store::{PendingImport, Session, SessionOwner};
    let u = store.create_user("anna", "hash1", 10).await.unwrap();
    assert!(matches!(store.create_user("anna", "h", 11).await, Err(StoreError::DuplicateUserName(_))));
    let (got, hash) = store.user_by_name("anna").await.unwrap().unwrap();
    assert_eq!((got.id, hash.as_str()), (u.id, "hash1"));
    assert!(store.user_by_name("bert").await.unwrap().is_none());
    assert_eq!(store.list_users().await.unwrap().len(), 1);

    let token = store.create_token("vhs", Role::Steward, "th", 1).await.unwrap();
    let session = |id: &str, owner, expires_at| Session {
        id_hash: id.into(),
        node_id: "essen".into(),
        owner,
        name: "anna".into(),
        created_at: 10,
        expires_at,
    };
    store.create_session(&session("s-user", SessionOwner::User(u.id), 100)).await.unwrap();
    store.create_session(&session("s-token", SessionOwner::Token(token.id), 100)).await.unwrap();
    store.create_session(&session("s-old", SessionOwner::Token(token.id), 20)).await.unwrap();
    assert_eq!(store.session_by_hash("s-user", 50).await.unwrap().unwrap().owner, SessionOwner::User(u.id));
    assert!(store.session_by_hash("s-user", 100).await.unwrap().is_none(), "expired at its expiry");
    assert!(store.session_by_hash("nope", 50).await.unwrap().is_none());

    let pending = PendingImport {
        id: "p1".into(),
        session_hash: "s-user".into(),
        file_name: "a.csv".into(),
        kind: Kind::Organization,
        format: "csv".into(),
        body: b"id;x\n1;2\n".to_vec(),
        created_at: 10,
        expires_at: 70,
    };
    store.put_pending_import(&pending).await.unwrap();
    assert_eq!(store.pending_import("p1", "s-user", 50).await.unwrap().unwrap(), pending);
    assert!(store.pending_import("p1", "s-token", 50).await.unwrap().is_none(), "only its own session");
    assert!(store.pending_import("p1", "s-user", 70).await.unwrap().is_none(), "expired");
    assert!(!store.delete_pending_import("p1", "s-token").await.unwrap());
    assert!(store.delete_pending_import("p1", "s-user").await.unwrap());
    assert!(!store.delete_pending_import("p1", "s-user").await.unwrap());

    // A revoked token ends its sessions.
    assert!(store.session_by_hash("s-token", 50).await.unwrap().is_some());
    store.revoke_token(token.id, 60).await.unwrap();
    assert!(store.session_by_hash("s-token", 50).await.unwrap().is_none());

    // A new password ends the account's sessions; removing the account ends them too.
    store.put_pending_import(&PendingImport { id: "p2".into(), ..pending.clone() }).await.unwrap();
    assert!(store.set_user_password("anna", "hash2", 12).await.unwrap());
    assert!(!store.set_user_password("bert", "x", 12).await.unwrap());
    assert_eq!(store.user_by_name("anna").await.unwrap().unwrap().1, "hash2");
    assert!(store.session_by_hash("s-user", 50).await.unwrap().is_none());
    assert!(store.pending_import("p2", "s-user", 50).await.unwrap().is_none(), "went with the session");
    store.create_session(&session("s-user2", SessionOwner::User(u.id), 100)).await.unwrap();
    assert!(store.remove_user("anna").await.unwrap());
    assert!(!store.remove_user("anna").await.unwrap());
    assert!(store.session_by_hash("s-user2", 50).await.unwrap().is_none());

    // Logout and the purge of expired rows.
    store.create_session(&session("s-a", SessionOwner::Token(token.id), 100)).await.unwrap();
    assert!(store.delete_session("s-a").await.unwrap());
    assert!(!store.delete_session("s-a").await.unwrap());
    let purged = store.purge_expired_sessions(30).await.unwrap();
    assert!(purged >= 1, "s-old is expired: {purged}");
    assert!(store.session_by_hash("s-token", 10).await.unwrap().is_none());
}

#[tokio::test]
async fn store_users_sessions_and_pending_imports() {
    for_each_store!(users_sessions_and_pending_imports);
}
