//! Bulk ingest and feed read rates (ignored by default; run in release mode):
//! `LOTSE_BULK_N=100000 cargo test --release -p lotse-node --test bulk -- --ignored --nocapture`
//! Targets: at least 10,000 offers/s for one PUT of the whole set (validation included), at
//! least 20,000 feed items/s.

mod common;

use std::time::Instant;

use common::{TestDb, TestNode, offer};
use reqwest::Method;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run in release mode"]
async fn bulk_put_and_feed_read_rates() {
    let n: usize = std::env::var("LOTSE_BULK_N").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let mut body = Vec::with_capacity(n * 1100);
    body.push(b'[');
    for i in 0..n {
        if i > 0 {
            body.push(b',');
        }
        serde_json::to_writer(&mut body, &offer(&format!("bulk-{i:07}"), &format!("Integrationskurs {i}")))
            .unwrap();
    }
    body.push(b']');
    for db in TestDb::all().await {
        let kind = db.kind();
        let node = TestNode::start(db, |c| {
            c.body_limit_bytes = 1 << 30;
            c.feed_page_size = 500;
        })
        .await;
        let t = Instant::now();
        let r = node
            .steward(Method::PUT, "/api/v1/offers")
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let report: serde_json::Value = r.json().await.unwrap();
        let put = t.elapsed();
        assert_eq!(report["counts"]["created"].as_u64(), Some(n as u64));
        let t = Instant::now();
        let (items, pages) = node.follow_feed().await;
        let read = t.elapsed();
        assert_eq!(items.len(), n);
        println!(
            "{kind}: PUT {n} offers ({} MB) in {put:.2?} = {:.0} offers/s; feed {} items in {} pages in {read:.2?} = {:.0} items/s",
            body.len() / 1_000_000,
            n as f64 / put.as_secs_f64(),
            items.len(),
            pages.len(),
            items.len() as f64 / read.as_secs_f64()
        );
        node.node.shutdown().await.unwrap();
    }
}
