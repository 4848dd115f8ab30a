//! The store test suite: every test runs on SQLite and (with `LOTSE_TEST_POSTGRES_URL`) on
//! PostgreSQL, against the `HubStore` trait only.

use lotse_hub::placement::{Placement, Precision};
use lotse_hub::store::{
    AcceptedItem, Checkpoint, HarvestRecord, ItemWrite, NewNode, NodeState, NodeUpdate, PageOutcome,
    PageWrite, QuarantineReason, RejectedItem, Role, StoreError,
};

use crate::backends;
use crate::common::TestDb;

fn node(id: &str) -> NewNode {
    NewNode {
        id: id.into(),
        name: format!("Knoten {id}"),
        feed_url: format!("http://127.0.0.1:1/{id}/feed/offers"),
        jurisdiction: vec!["05113000".into()],
    }
}

fn accept(id: &str, node_modified: i64, data: &str) -> ItemWrite {
    ItemWrite::Accept(AcceptedItem {
        id: id.into(),
        node_modified,
        data: data.into(),
        hash: data.as_bytes().to_vec(),
        standard_version: Some("1.0.0".into()),
        findings: None,
        placements: vec![Placement {
            idx: 0,
            lat: Some(51.45),
            lon: Some(7.01),
            precision: Precision::Exact,
            declared_ags: "05113000".into(),
            found_ags: Some("05113000".into()),
            mismatch: false,
            distance_m: None,
        }],
        references: Vec::new(),
    })
}

fn reject(id: &str, node_modified: i64) -> ItemWrite {
    ItemWrite::Reject(RejectedItem {
        id: id.into(),
        node_modified,
        reason: QuarantineReason::Jurisdiction,
        findings: r#"[{"code":"outside_jurisdiction"}]"#.into(),
        data: Some(r#"{"id":"x"}"#.into()),
        standard_version: Some("1.0.0".into()),
    })
}

fn cp(modified: i64, id: &str) -> Checkpoint {
    Checkpoint { modified, id: id.into() }
}

fn page(
    node_id: &str,
    after: Option<Checkpoint>,
    checkpoint: Checkpoint,
    items: Vec<ItemWrite>,
) -> PageWrite {
    PageWrite {
        node_id: node_id.into(),
        after,
        checkpoint,
        items,
        standard_version: Some("1.0.0".into()),
        now: 1000,
    }
}

backends!(
    registry_round_trip,
    tokens,
    pages_move_the_checkpoint_once,
    changes_tombstones_and_quarantine,
    removing_a_node_tombstones_its_offers,
    feed_order_and_purge,
    geocode_cache,
    harvest_records_and_advisory_lock,
    reported_heads_and_how_far_behind,
);

async fn registry_round_trip(db: TestDb) {
    let store = db.store().await;
    let a = store.add_node(&node("essen"), "hash-a", 10).await.unwrap();
    assert_eq!(a.state, NodeState::Active);
    assert_eq!(a.jurisdiction, ["05113000"]);
    assert_eq!(a.checkpoint, None);
    assert!(matches!(store.add_node(&node("essen"), "hash-b", 11).await, Err(StoreError::DuplicateNode(_))));
    store.add_node(&node("bochum"), "hash-b", 12).await.unwrap();
    assert_eq!(
        store.list_nodes().await.unwrap().iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
        ["bochum", "essen"]
    );
    assert_eq!(store.node_by_token("hash-b").await.unwrap().unwrap().id, "bochum");
    assert!(store.node_by_token("nope").await.unwrap().is_none());

    let changed = store
        .update_node(
            "essen",
            &NodeUpdate {
                jurisdiction: Some(vec!["05113000".into(), "05562".into()]),
                ..NodeUpdate::default()
            },
            20,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(changed.jurisdiction, ["05113000", "05562"]);
    assert_eq!(changed.name, "Knoten essen");
    assert_eq!(changed.updated_at, 20);
    assert!(store.update_node("nope", &NodeUpdate::default(), 20).await.unwrap().is_none());

    assert!(store.set_node_token("essen", "hash-new", 21).await.unwrap());
    assert!(store.node_by_token("hash-a").await.unwrap().is_none());
    assert_eq!(store.node_by_token("hash-new").await.unwrap().unwrap().id, "essen");
    assert!(!store.set_node_token("nope", "x", 21).await.unwrap());

    assert_eq!(store.remove_node("bochum", 30).await.unwrap(), Some(0));
    assert_eq!(store.remove_node("bochum", 30).await.unwrap(), None);
    assert!(store.get_node("bochum").await.unwrap().is_none());
}

async fn tokens(db: TestDb) {
    let store = db.store().await;
    let t = store.create_token("ops", Role::Operator, "h1", 5).await.unwrap();
    assert_eq!((t.name.as_str(), t.role, t.created_at, t.revoked_at), ("ops", Role::Operator, 5, None));
    assert!(matches!(
        store.create_token("ops", Role::Operator, "h2", 6).await,
        Err(StoreError::DuplicateTokenName(_))
    ));
    assert_eq!(store.token_by_hash("h1").await.unwrap().unwrap().id, t.id);
    assert!(store.revoke_token(t.id, 7).await.unwrap());
    assert!(!store.revoke_token(t.id, 8).await.unwrap());
    assert_eq!(store.token_by_hash("h1").await.unwrap().unwrap().revoked_at, Some(7));
    // The name is free again once its token is revoked.
    store.create_token("ops", Role::Operator, "h3", 9).await.unwrap();
    assert_eq!(store.list_tokens().await.unwrap().len(), 2);
}

async fn pages_move_the_checkpoint_once(db: TestDb) {
    let store = db.store().await;
    store.add_node(&node("essen"), "h", 0).await.unwrap();
    let first = page("essen", None, cp(2, "b"), vec![accept("a", 1, "A"), accept("b", 2, "B")]);
    let out = store.store_page(&first).await.unwrap();
    assert_eq!(out, PageOutcome { created: 2, ..PageOutcome::default() });
    let n = store.get_node("essen").await.unwrap().unwrap();
    assert_eq!(n.checkpoint, Some(cp(2, "b")));
    assert_eq!(n.items_harvested, 2);
    assert_eq!(n.standard_version.as_deref(), Some("1.0.0"));

    // The same page again (a harvester that did not see its commit) is refused as a whole.
    assert!(matches!(store.store_page(&first).await, Err(StoreError::CheckpointMoved(_))));
    assert_eq!(store.last_change().await.unwrap(), 2);
    // A page for a node that is not registered.
    let stray = page("nope", None, cp(1, "a"), vec![accept("a", 1, "A")]);
    assert!(matches!(store.store_page(&stray).await, Err(StoreError::NodeNotFound(_))));

    let second = page("essen", Some(cp(2, "b")), cp(4, "c"), vec![accept("a", 3, "A"), accept("c", 4, "C")]);
    let out = store.store_page(&second).await.unwrap();
    assert_eq!(out, PageOutcome { created: 1, unchanged: 1, ..PageOutcome::default() });
    assert_eq!(store.last_change().await.unwrap(), 3);
    let rows = store.list_offers("essen", None, 10).await.unwrap();
    assert_eq!(rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
    // Unchanged rows keep their first version's node change number.
    assert_eq!(rows[0].node_modified, 1);
}

async fn changes_tombstones_and_quarantine(db: TestDb) {
    let store = db.store().await;
    store.add_node(&node("essen"), "h", 0).await.unwrap();
    store
        .store_page(&page(
            "essen",
            None,
            cp(3, "c"),
            vec![accept("a", 1, "A"), accept("b", 2, "B"), reject("c", 3)],
        ))
        .await
        .unwrap();
    let o = store.get_offer("essen", "a").await.unwrap().unwrap();
    assert_eq!(o.placements.len(), 1);
    assert_eq!(o.placements[0].precision, Precision::Exact);
    assert_eq!((o.first_seen, o.last_changed), (1000, 1000));
    let q = store.list_quarantine(Some("essen"), None, 10).await.unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!((q[0].id.as_str(), q[0].reason, q[0].node_modified), ("c", QuarantineReason::Jurisdiction, 3));

    // b is deleted, a rejected in a new version, c accepted in a new version.
    let mut p = page(
        "essen",
        Some(cp(3, "c")),
        cp(6, "c"),
        vec![ItemWrite::Delete { id: "b".into(), node_modified: 4 }, reject("a", 5), accept("c", 6, "C")],
    );
    p.now = 2000;
    let out = store.store_page(&p).await.unwrap();
    assert_eq!(out, PageOutcome { created: 1, deleted: 2, quarantined: 1, ..PageOutcome::default() });
    assert!(store.get_offer("essen", "a").await.unwrap().is_none());
    assert!(store.get_offer("essen", "b").await.unwrap().is_none());
    let c = store.get_offer("essen", "c").await.unwrap().unwrap();
    assert_eq!((c.first_seen, c.last_changed, c.node_modified), (2000, 2000, 6));
    let q = store.list_quarantine(None, None, 10).await.unwrap();
    assert_eq!(q.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["a"]);
    let counts = store.node_counts().await.unwrap();
    assert_eq!((counts["essen"].offers, counts["essen"].quarantined), (1, 1));

    // A tombstone removes a quarantine entry; a tombstone of an unknown id changes nothing.
    let p = page(
        "essen",
        Some(cp(6, "c")),
        cp(8, "z"),
        vec![
            ItemWrite::Delete { id: "a".into(), node_modified: 7 },
            ItemWrite::Delete { id: "z".into(), node_modified: 8 },
        ],
    );
    let before = store.last_change().await.unwrap();
    assert_eq!(store.store_page(&p).await.unwrap(), PageOutcome::default());
    assert_eq!(store.last_change().await.unwrap(), before);
    assert!(store.list_quarantine(None, None, 10).await.unwrap().is_empty());

    // Paging through the quarantine of several nodes.
    store.add_node(&node("bochum"), "h2", 0).await.unwrap();
    let items: Vec<ItemWrite> = (0..5).map(|i| reject(&format!("q{i}"), i + 1)).collect();
    store.store_page(&page("bochum", None, cp(5, "q4"), items)).await.unwrap();
    store.store_page(&page("essen", Some(cp(8, "z")), cp(9, "q9"), vec![reject("q9", 9)])).await.unwrap();
    let first = store.list_quarantine(None, None, 4).await.unwrap();
    assert_eq!(
        first.iter().map(|e| (e.node_id.as_str(), e.id.as_str())).collect::<Vec<_>>()[3],
        ("bochum", "q3")
    );
    let rest = store.list_quarantine(None, Some(("bochum", "q3")), 10).await.unwrap();
    assert_eq!(
        rest.iter().map(|e| (e.node_id.as_str(), e.id.as_str())).collect::<Vec<_>>(),
        [("bochum", "q4"), ("essen", "q9")]
    );
}

async fn removing_a_node_tombstones_its_offers(db: TestDb) {
    let store = db.store().await;
    store.add_node(&node("essen"), "h", 0).await.unwrap();
    store.add_node(&node("bochum"), "h2", 0).await.unwrap();
    store
        .store_page(&page(
            "essen",
            None,
            cp(3, "c"),
            vec![accept("a", 1, "A"), accept("b", 2, "B"), reject("c", 3)],
        ))
        .await
        .unwrap();
    store.store_page(&page("bochum", None, cp(1, "x"), vec![accept("x", 1, "X")])).await.unwrap();
    assert_eq!(store.last_change().await.unwrap(), 3);
    assert_eq!(store.remove_node("essen", 50).await.unwrap(), Some(2));
    assert_eq!(store.last_change().await.unwrap(), 5);
    let feed = store.feed_page(3, 10).await.unwrap();
    assert_eq!(
        feed.iter()
            .map(|r| (r.node_id.as_str(), r.id.as_str(), r.modified, r.data.is_none()))
            .collect::<Vec<_>>(),
        [("essen", "a", 4, true), ("essen", "b", 5, true)]
    );
    assert!(store.list_quarantine(Some("essen"), None, 10).await.unwrap().is_empty());
    assert!(store.get_offer("bochum", "x").await.unwrap().is_some());
    // Registered again, the node starts from the beginning of its feed.
    let again = store.add_node(&node("essen"), "h3", 60).await.unwrap();
    assert_eq!(again.checkpoint, None);
    store.store_page(&page("essen", None, cp(1, "a"), vec![accept("a", 1, "A")])).await.unwrap();
    assert!(store.get_offer("essen", "a").await.unwrap().is_some());
}

async fn feed_order_and_purge(db: TestDb) {
    let store = db.store().await;
    store.add_node(&node("essen"), "h", 0).await.unwrap();
    store.add_node(&node("bochum"), "h2", 0).await.unwrap();
    store
        .store_page(&page("essen", None, cp(2, "b"), vec![accept("b", 1, "B"), accept("a", 2, "A")]))
        .await
        .unwrap();
    store.store_page(&page("bochum", None, cp(1, "a"), vec![accept("a", 1, "BA")])).await.unwrap();
    let mut p = page(
        "essen",
        Some(cp(2, "b")),
        cp(3, "b"),
        vec![ItemWrite::Delete { id: "b".into(), node_modified: 3 }],
    );
    p.now = 5000;
    store.store_page(&p).await.unwrap();
    let feed = store.feed_page(0, 10).await.unwrap();
    let seen: Vec<(i64, &str, &str)> =
        feed.iter().map(|r| (r.modified, r.node_id.as_str(), r.id.as_str())).collect();
    // Each change has its own number; the changed row moved to the end.
    assert_eq!(seen, [(2, "essen", "a"), (3, "bochum", "a"), (4, "essen", "b")]);
    assert_eq!(feed[2].data, None);
    assert_eq!(feed[0].standard_version.as_deref(), Some("1.0.0"));
    assert_eq!(store.feed_page(2, 1).await.unwrap()[0].modified, 3);
    assert!(store.feed_page(4, 10).await.unwrap().is_empty());

    assert_eq!(store.purge_tombstones(4000).await.unwrap(), 0);
    assert_eq!(store.purge_tombstones(6000).await.unwrap(), 1);
    assert_eq!(store.feed_page(0, 10).await.unwrap().len(), 2);
}

async fn geocode_cache(db: TestDb) {
    let store = db.store().await;
    store.geocode_store("rathausplatz 1, 45127 essen", Some((51.45, 7.01)), 1).await.unwrap();
    store.geocode_store("nirgendwo 1, 45127 essen", None, 1).await.unwrap();
    store.geocode_store("rathausplatz 1, 45127 essen", Some((51.46, 7.02)), 2).await.unwrap();
    let keys =
        ["rathausplatz 1, 45127 essen".to_owned(), "nirgendwo 1, 45127 essen".to_owned(), "neu".to_owned()];
    let found = store.geocode_lookup(&keys).await.unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found[&keys[0]], Some((51.46, 7.02)));
    assert_eq!(found[&keys[1]], None);
}

async fn harvest_records_and_advisory_lock(db: TestDb) {
    let store = db.store().await;
    store.add_node(&node("essen"), "h", 0).await.unwrap();
    store.record_harvest("essen", &HarvestRecord::Failure { at: 10, error: "kaputt".into() }).await.unwrap();
    store.record_harvest("essen", &HarvestRecord::Failure { at: 11, error: "kaputt".into() }).await.unwrap();
    let n = store.get_node("essen").await.unwrap().unwrap();
    assert_eq!(
        (n.consecutive_failures, n.last_error.as_deref(), n.last_error_at),
        (2, Some("kaputt"), Some(11))
    );
    store.record_harvest("essen", &HarvestRecord::Stopped { at: 12, reason: "410".into() }).await.unwrap();
    let n = store.get_node("essen").await.unwrap().unwrap();
    assert_eq!((n.state, n.state_reason.as_deref()), (NodeState::Stopped, Some("410")));
    let resumed = store
        .update_node("essen", &NodeUpdate { state: Some(NodeState::Active), ..NodeUpdate::default() }, 13)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((resumed.state, resumed.state_reason), (NodeState::Active, None));
    assert_eq!(n.last_success_duration_ms, None);
    store
        .record_harvest("essen", &HarvestRecord::Success { at: 14, duration_ms: 1234, head_at_start: None })
        .await
        .unwrap();
    let n = store.get_node("essen").await.unwrap().unwrap();
    assert_eq!(
        (n.consecutive_failures, n.last_error, n.last_success_at, n.last_harvest_at),
        (0, None, Some(14), Some(14))
    );
    assert_eq!(n.last_success_duration_ms, Some(1234));
    // A failure keeps the duration of the last success.
    store.record_harvest("essen", &HarvestRecord::Failure { at: 15, error: "weg".into() }).await.unwrap();
    assert_eq!(store.get_node("essen").await.unwrap().unwrap().last_success_duration_ms, Some(1234));

    // The harvest lock: exclusive per node on PostgreSQL, across stores (replicas) too.
    let lock = store.harvest_lock("essen").await.unwrap().expect("free lock");
    if db.backend == crate::common::Backend::Postgres {
        let replica = db.store().await;
        assert!(replica.harvest_lock("essen").await.unwrap().is_none(), "a replica must not get the lock");
        assert!(replica.harvest_lock("bochum").await.unwrap().is_some(), "other nodes are free");
        lock.release().await;
        assert!(replica.harvest_lock("essen").await.unwrap().is_some(), "released");
    } else {
        lock.release().await;
    }
}

async fn reported_heads_and_how_far_behind(db: TestDb) {
    let store = db.store().await;
    store.add_node(&node("essen"), "h", 0).await.unwrap();
    let figures = |n: lotse_hub::store::NodeInfo| (n.reported_head, n.behind_since);
    let get = || async { store.get_node("essen").await.unwrap().unwrap() };
    assert_eq!(figures(get().await), (None, None));
    assert!(!store.record_head("nope", 1, 10).await.unwrap());

    // A head beyond the (missing) checkpoint: behind since the first report; later reports
    // raise the head but keep the time, lower ones change nothing.
    assert!(store.record_head("essen", 5, 100).await.unwrap());
    assert_eq!(figures(get().await), (Some(5), Some(100)));
    store.record_head("essen", 8, 110).await.unwrap();
    store.record_head("essen", 6, 120).await.unwrap();
    assert_eq!(figures(get().await), (Some(8), Some(100)));

    // A page below the head leaves the node behind; the page that reaches it catches up.
    let items = vec![accept("a", 3, "{\"a\":1}")];
    store.store_page(&page("essen", None, cp(3, "a"), items)).await.unwrap();
    assert_eq!(figures(get().await), (Some(8), Some(100)));
    let items = vec![accept("b", 8, "{\"b\":1}")];
    store.store_page(&page("essen", Some(cp(3, "a")), cp(8, "b"), items)).await.unwrap();
    assert_eq!(figures(get().await), (Some(8), None));
    // A head at or below the checkpoint is no lag.
    store.record_head("essen", 8, 130).await.unwrap();
    assert_eq!(figures(get().await), (Some(8), None));

    // Reported beyond what the feed holds (say, a tombstone purged since): the success of a
    // harvest that began with that head reached the end of the feed, so the hub is caught up
    // and the head is the checkpoint.
    store.record_head("essen", 12, 140).await.unwrap();
    assert_eq!(figures(get().await), (Some(12), Some(140)));
    let success = |head_at_start| HarvestRecord::Success { at: 150, duration_ms: 7, head_at_start };
    // But not when a newer head was reported while the harvest ran (it began with 8).
    store.record_harvest("essen", &success(Some(8))).await.unwrap();
    let n = get().await;
    assert_eq!((n.reported_head, n.behind_since, n.last_success_duration_ms), (Some(12), Some(140), Some(7)));
    store.record_harvest("essen", &success(Some(12))).await.unwrap();
    assert_eq!(figures(get().await), (Some(8), None));

    // A harvest that began before any report counts too, and so does one of a node that never
    // reports (its head follows the checkpoint).
    store.add_node(&node("bochum"), "h2", 0).await.unwrap();
    let items = vec![accept("c", 4, "{\"c\":1}")];
    store.store_page(&page("bochum", None, cp(4, "c"), items)).await.unwrap();
    store.record_harvest("bochum", &success(None)).await.unwrap();
    let b = store.get_node("bochum").await.unwrap().unwrap();
    assert_eq!((b.reported_head, b.behind_since), (Some(4), None));
    // A failed harvest changes neither.
    store.record_head("bochum", 9, 160).await.unwrap();
    store.record_harvest("bochum", &HarvestRecord::Failure { at: 170, error: "x".into() }).await.unwrap();
    let b = store.get_node("bochum").await.unwrap().unwrap();
    assert_eq!((b.reported_head, b.behind_since), (Some(9), Some(160)));
    // The listing carries the same figures.
    let listed = store.list_nodes().await.unwrap();
    assert_eq!(figures(listed[0].clone()), (Some(9), Some(160)));
}
