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
            c.service.body_limit_bytes = 1 << 30;
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

/// The baseline for the ingest figure: the same number of rows, with the same canonical JSON
/// and hash precomputed, written into the node's own `offers` table by a bare `INSERT` loop in
/// one transaction, and on PostgreSQL also by `COPY`. No HTTP, no parsing, no validation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run in release mode"]
async fn bare_insert_baseline() {
    use sha2::{Digest, Sha256};
    let n: usize = std::env::var("LOTSE_BULK_N").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let rows: Vec<(String, String, Vec<u8>)> = (0..n)
        .map(|i| {
            let id = format!("bulk-{i:07}");
            let data = offer(&id, &format!("Integrationskurs {i}")).to_string();
            let hash = Sha256::digest(data.as_bytes()).to_vec();
            (id, data, hash)
        })
        .collect();
    for db in TestDb::all().await {
        let kind = db.kind();
        // Opening the store runs the migrations, so the table is the node's real one.
        drop(db.open().await);
        let t = Instant::now();
        match kind {
            "sqlite" => {
                let pool = sqlx::SqlitePool::connect(db.url()).await.unwrap();
                let mut tx = pool.begin().await.unwrap();
                for (i, (id, data, hash)) in rows.iter().enumerate() {
                    sqlx::query("INSERT INTO offers (id, modified, deleted, data, data_hash, standard_version, created_at, updated_at) VALUES (?, ?, 0, ?, ?, '1.0.0', 0, 0)")
                        .bind(id).bind(i as i64 + 1).bind(data).bind(hash)
                        .execute(&mut *tx).await.unwrap();
                }
                tx.commit().await.unwrap();
            }
            _ => {
                let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
                let mut tx = pool.begin().await.unwrap();
                for (i, (id, data, hash)) in rows.iter().enumerate() {
                    sqlx::query("INSERT INTO offers (id, modified, deleted, data, data_hash, standard_version, created_at, updated_at) VALUES ($1, $2, false, $3, $4, '1.0.0', 0, 0)")
                        .bind(id).bind(i as i64 + 1).bind(data).bind(hash)
                        .execute(&mut *tx).await.unwrap();
                }
                tx.commit().await.unwrap();
                let insert = t.elapsed();
                sqlx::query("DELETE FROM offers").execute(&pool).await.unwrap();
                let t = Instant::now();
                let mut conn = pool.acquire().await.unwrap();
                let mut copy = conn
                    .copy_in_raw("COPY offers (id, modified, deleted, data, data_hash, standard_version, created_at, updated_at) FROM STDIN (FORMAT csv)")
                    .await
                    .unwrap();
                let mut buf = String::with_capacity(1 << 20);
                for (i, (id, data, hash)) in rows.iter().enumerate() {
                    let quoted = data.replace('"', "\"\"");
                    buf.push_str(&format!(
                        "{id},{},false,\"{quoted}\",\\\\x{},1.0.0,0,0\n",
                        i + 1,
                        hex::encode(hash)
                    ));
                    if buf.len() > 1 << 20 {
                        copy.send(buf.as_bytes()).await.unwrap();
                        buf.clear();
                    }
                }
                copy.send(buf.as_bytes()).await.unwrap();
                copy.finish().await.unwrap();
                let copied = t.elapsed();
                println!(
                    "{kind} baseline: INSERT loop {n} rows in {insert:.2?} = {:.0} rows/s; COPY in {copied:.2?} = {:.0} rows/s",
                    n as f64 / insert.as_secs_f64(),
                    n as f64 / copied.as_secs_f64()
                );
                continue;
            }
        }
        let took = t.elapsed();
        println!(
            "{kind} baseline: INSERT loop {n} rows in {took:.2?} = {:.0} rows/s",
            n as f64 / took.as_secs_f64()
        );
    }
}
