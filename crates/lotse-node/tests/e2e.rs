//! End to end: a real node on `127.0.0.1:0`, real HTTP, SQLite always and PostgreSQL when
//! `LOTSE_TEST_POSTGRES_URL` is set.

mod common;

use common::{CSV_HEADER, TestDb, TestNode, csv_row, invalid_offer, offer};
use reqwest::Method;
use serde_json::{Value, json};

async fn each_node(adjust: fn(&mut lotse_node::NodeConfig), test: impl AsyncFn(&TestNode)) {
    for db in TestDb::all().await {
        eprintln!("on {}", db.kind());
        let node = TestNode::start(db, adjust).await;
        test(&node).await;
        node.node.shutdown().await.unwrap();
    }
}

fn no_change(_: &mut lotse_node::NodeConfig) {}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_every_format_follow_the_feed_delete_and_replace() {
    each_node(no_change, async |n| {
        // JSON array.
        let r = n
            .post_json(
                "/api/v1/offers",
                &json!([offer("a1", "Kurs A1"), offer("a2", "Kurs A2"), offer("a3", "Kurs A3")]),
            )
            .await;
        assert_eq!(r.status(), 200);
        let report: Value = r.json().await.unwrap();
        assert_eq!(report["counts"]["created"], 3);
        assert_eq!(report["format"], "json");
        assert_eq!(report["committed"], true);
        assert!(report["import_id"].as_i64().is_some());

        // One object.
        let r = n.post_json("/api/v1/offers", &offer("single", "Einzeln")).await;
        assert_eq!(r.json::<Value>().await.unwrap()["counts"]["created"], 1);

        // NDJSON.
        let nd = format!("{}\n{}\n", offer("n1", "Kurs N1"), offer("n2", "Kurs N2"));
        let r = n
            .steward(Method::POST, "/api/v1/offers")
            .header("content-type", "application/x-ndjson")
            .body(nd)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let report: Value = r.json().await.unwrap();
        assert_eq!(
            (report["counts"]["created"].as_i64(), report["format"].as_str()),
            (Some(2), Some("ndjson"))
        );

        // CSV as UTF-8 with BOM, and as Windows-1252 (German Excel).
        let csv = format!("{CSV_HEADER}\n{}\n", csv_row("c1", "Müttercafé – Begegnung"));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(csv.as_bytes());
        let r = n
            .steward(Method::POST, "/api/v1/offers")
            .header("content-type", "text/csv; charset=utf-8")
            .body(bom)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        let csv = format!("{CSV_HEADER}\n{}\n", csv_row("c2", "Sprachcafé für Mütter"));
        let (cp1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&csv);
        assert!(!unmappable && std::str::from_utf8(&cp1252).is_err());
        let r = n
            .steward(Method::POST, "/api/v1/offers")
            .header("content-type", "text/csv")
            .body(cp1252.into_owned())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        let report: Value = r.json().await.unwrap();
        assert_eq!(report["format"], "csv");
        let stored: Value =
            n.steward(Method::GET, "/api/v1/offers/c2").send().await.unwrap().json().await.unwrap();
        assert_eq!(stored["title"]["de"], "Sprachcafé für Mütter");
        assert_eq!(stored["cost"]["amount_eur"], 12.5);

        // Follow the feed to the end and check every item against the store.
        let (items, pages) = n.follow_feed().await;
        assert_eq!(items.len(), 8);
        for item in &items {
            assert_eq!(item["state"], "updated");
            assert_eq!(item["kind"], "Offer");
            assert_eq!(item["standard_version"], lotse_standard::STANDARD_VERSION);
            let id = item["id"].as_str().unwrap();
            let r = n.steward(Method::GET, &format!("/api/v1/offers/{id}")).send().await.unwrap();
            assert_eq!(r.headers()["x-lotse-modified"].to_str().unwrap(), item["modified"].to_string());
            assert_eq!(r.json::<Value>().await.unwrap(), item["data"]);
        }

        // Re-sending unchanged offers changes nothing and adds no feed item.
        let last = pages.last().unwrap().url.clone();
        let r = n.post_json("/api/v1/offers", &json!([offer("a1", "Kurs A1"), offer("a2", "Kurs A2")])).await;
        let report: Value = r.json().await.unwrap();
        assert_eq!(
            (report["counts"]["unchanged"].as_i64(), report["counts"]["updated"].as_i64()),
            (Some(2), Some(0))
        );
        let page: Value = n.client.get(&last).send().await.unwrap().json().await.unwrap();
        assert_eq!(page["items"], json!([]));

        // A change moves the offer to the end of the feed.
        n.post_json("/api/v1/offers", &offer("a1", "Kurs A1 neu")).await;
        let page: Value = n.client.get(&last).send().await.unwrap().json().await.unwrap();
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert_eq!(page["items"][0]["data"]["title"]["de"], "Kurs A1 neu");

        // Delete: a tombstone without data; the offer is gone.
        let r = n.steward(Method::DELETE, "/api/v1/offers/a2").send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.unwrap()["counts"]["deleted"], 1);
        assert_eq!(n.steward(Method::GET, "/api/v1/offers/a2").send().await.unwrap().status(), 404);
        assert_eq!(n.steward(Method::DELETE, "/api/v1/offers/a2").send().await.unwrap().status(), 404);
        let next = page["next"].as_str().unwrap();
        let page: Value = n.client.get(next).send().await.unwrap().json().await.unwrap();
        let tomb = page["items"][0].as_object().unwrap();
        assert_eq!((tomb["state"].as_str(), tomb["id"].as_str()), (Some("deleted"), Some("a2")));
        assert!(!tomb.contains_key("data"));

        // PUT the complete set: everything else is deleted.
        let r = n
            .steward(Method::PUT, "/api/v1/offers")
            .json(&json!([offer("a1", "Kurs A1 neu"), offer("p9", "Neu")]))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let report: Value = r.json().await.unwrap();
        assert_eq!(
            report["counts"],
            json!({"received": 2, "created": 1, "updated": 0, "unchanged": 1, "rejected": 0, "deleted": 6})
        );
        let mut gone: Vec<&str> =
            report["deleted_ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        gone.sort();
        assert_eq!(gone, ["a3", "c1", "c2", "n1", "n2", "single"]);
        let list: Value =
            n.steward(Method::GET, "/api/v1/offers").send().await.unwrap().json().await.unwrap();
        assert_eq!(list["total"], 2);
        let (items, _) = n.follow_feed().await;
        let live: Vec<&str> =
            items.iter().filter(|i| i["state"] == "updated").map(|i| i["id"].as_str().unwrap()).collect();
        assert_eq!(live.len(), 2);
        // An empty complete set is refused unless asked for explicitly.
        let r = n.steward(Method::PUT, "/api/v1/offers").json(&json!([])).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let r =
            n.steward(Method::PUT, "/api/v1/offers?allow_empty=true").json(&json!([])).send().await.unwrap();
        assert_eq!(r.json::<Value>().await.unwrap()["counts"]["deleted"], 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn atomic_rejection_partial_mode_and_the_import_log() {
    each_node(no_change, async |n| {
        let batch = json!([offer("ok1", "Gut"), invalid_offer("bad1"), offer("ok2", "Gut")]);
        let r = n.post_json("/api/v1/offers", &batch).await;
        assert_eq!(r.status(), 422);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["report"]["committed"], false);
        assert_eq!(p["report"]["counts"]["rejected"], 1);
        let err = p["errors"].as_array().unwrap().iter().find(|e| e["severity"] == "error").unwrap();
        assert_eq!(
            (err["record"].as_i64(), err["id"].as_str(), err["pointer"].as_str()),
            (Some(1), Some("bad1"), Some("/offer_type"))
        );
        assert!(
            !err["message"]["de"].as_str().unwrap().is_empty()
                && !err["message"]["en"].as_str().unwrap().is_empty()
        );
        let list: Value =
            n.steward(Method::GET, "/api/v1/offers").send().await.unwrap().json().await.unwrap();
        assert_eq!(list["total"], 0, "atomic: nothing stored");

        let r = n.post_json("/api/v1/offers?mode=partial", &batch).await;
        assert_eq!(r.status(), 200);
        let report: Value = r.json().await.unwrap();
        assert_eq!(
            (report["counts"]["created"].as_i64(), report["counts"]["rejected"].as_i64()),
            (Some(2), Some(1))
        );
        assert_eq!(report["rejected"], json!([{"index": 1, "id": "bad1"}]));

        // PUT one: created, then unchanged; a different id in the body is refused.
        let r =
            n.steward(Method::PUT, "/api/v1/offers/one").json(&offer("one", "Eins")).send().await.unwrap();
        assert_eq!(r.status(), 201);
        let mut without_id = offer("x", "Eins");
        without_id.as_object_mut().unwrap().remove("id");
        let r = n.steward(Method::PUT, "/api/v1/offers/one").json(&without_id).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.unwrap()["counts"]["unchanged"], 1);
        let r =
            n.steward(Method::PUT, "/api/v1/offers/one").json(&offer("two", "Zwei")).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["code"], "id_mismatch");

        // The import log has every push, newest first, with who and the report.
        let log: Value =
            n.steward(Method::GET, "/api/v1/imports").send().await.unwrap().json().await.unwrap();
        let items = log["items"].as_array().unwrap();
        assert_eq!(items.len(), 5);
        assert_eq!(items[4]["status"], 422);
        assert_eq!(items[4]["committed"], false);
        assert_eq!(items[4]["token_name"], "vhs-essen");
        assert_eq!(items[3]["mode"], "partial");
        let id = items[3]["id"].as_i64().unwrap();
        let one: Value = n
            .steward(Method::GET, &format!("/api/v1/imports/{id}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(one["report"]["counts"]["created"], 2);
        assert_eq!(one["report"]["rejected"][0]["id"], "bad1");
        let page: Value = n
            .steward(Method::GET, &format!("/api/v1/imports?limit=2&before={id}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert_eq!(n.steward(Method::GET, "/api/v1/imports/999999").send().await.unwrap().status(), 404);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rpde_rules() {
    each_node(
        |c| c.feed_page_size = 3,
        async |n| {
            let offers: Vec<Value> = (0..7).map(|i| offer(&format!("r{i}"), "Kurs")).collect();
            n.post_json("/api/v1/offers", &Value::Array(offers)).await;
            n.steward(Method::DELETE, "/api/v1/offers/r3").send().await.unwrap();
            let (items, pages) = n.follow_feed().await;
            // Pages of 3; the last page is empty and points at itself; caching as RPDE recommends.
            assert_eq!(
                pages.iter().map(|p| p.body["items"].as_array().unwrap().len()).collect::<Vec<_>>(),
                [3, 3, 1, 0]
            );
            let last = pages.last().unwrap();
            assert_eq!(last.body["next"].as_str().unwrap(), last.url);
            assert_eq!(last.cache_control, "public, max-age=8");
            for p in &pages[..pages.len() - 1] {
                assert_eq!(p.cache_control, "public, max-age=3600");
            }
            for p in &pages {
                assert_eq!(p.body["license"], "https://www.govdata.de/dl-de/by-2-0");
                let next = p.body["next"].as_str().unwrap();
                assert!(next.starts_with(&format!("{}/feed/offers", n.node.url())), "absolute next: {next}");
            }
            // The first page's next is built from its last item.
            let third = &pages[0].body["items"][2];
            assert_eq!(
                pages[0].body["next"],
                format!(
                    "{}/feed/offers?afterTimestamp={}&afterId={}",
                    n.node.url(),
                    third["modified"],
                    third["id"].as_str().unwrap()
                )
            );
            // Ordered by (modified, id), each position strictly after the one before.
            let pos: Vec<(i64, String)> = items
                .iter()
                .map(|i| (i["modified"].as_i64().unwrap(), i["id"].as_str().unwrap().to_owned()))
                .collect();
            assert!(pos.windows(2).all(|w| w[0] < w[1]));
            // Strict `>` on the pair: the item at the position itself is not repeated.
            let (m, id) = &pos[4];
            let page: Value = n
                .client
                .get(n.url(&format!("/feed/offers?afterTimestamp={m}&afterId={id}")))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(page["items"][0]["id"].as_str().unwrap(), pos[5].1);
            // The tombstone has no data; the live items all have data.
            let tomb = items.iter().find(|i| i["state"] == "deleted").unwrap();
            assert_eq!(tomb["id"], "r3");
            assert!(tomb.get("data").is_none());
            assert!(items.iter().filter(|i| i["state"] == "updated").all(|i| i["data"]["id"] == i["id"]));
            // A position needs both parts.
            let r = n.client.get(n.url("/feed/offers?afterTimestamp=3")).send().await.unwrap();
            assert_eq!(r.status(), 400);
            assert_eq!(r.headers()["content-type"], "application/problem+json");
            // The feed is public.
            assert_eq!(reqwest::get(n.url("/feed/offers")).await.unwrap().status(), 200);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_and_bad_input() {
    each_node(
        |c| {
            c.service.body_limit_bytes = 64 * 1024;
            c.service.rate_limit_per_minute = 1000;
        },
        async |n| {
            // 413 beyond the body limit.
            let big = json!([offer("big", &"x".repeat(80 * 1024))]);
            let r = n.post_json("/api/v1/offers", &big).await;
            assert_eq!(r.status(), 413);
            assert_eq!(r.headers()["content-type"], "application/problem+json");

            // 400 with the position for unparsable JSON and CSV.
            let r = n
                .steward(Method::POST, "/api/v1/offers")
                .header("content-type", "application/json")
                .body("[\n{\"id\": \"a\",\n\"title\": }\n]")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 400);
            let p: Value = r.json().await.unwrap();
            assert_eq!(p["line"], 3);
            assert!(p["column"].as_u64().unwrap() > 0);
            assert_eq!(p["errors"][0]["line"], 3);
            let csv = format!("{CSV_HEADER}\n\"c1;unterminated\n");
            let r = n
                .steward(Method::POST, "/api/v1/offers")
                .header("content-type", "text/csv")
                .body(csv)
                .send()
                .await
                .unwrap();
            assert!(r.status() == 400 || r.status() == 422, "{}", r.status());

            // 415 for a format the API does not read.
            let r = n
                .steward(Method::POST, "/api/v1/offers")
                .header("content-type", "text/html")
                .body("<p>")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 415);

            // 401: no token, an unknown one, a revoked one.
            let r = n.client.post(n.url("/api/v1/offers")).json(&offer("z", "Z")).send().await.unwrap();
            assert_eq!(r.status(), 401);
            assert_eq!(r.headers()["www-authenticate"], "Bearer");
            let r = n.client.get(n.url("/api/v1/offers")).bearer_auth("lotse_unknown").send().await.unwrap();
            assert_eq!(r.status(), 401);
            let created: Value = n
                .client
                .post(n.url("/api/v1/admin/tokens"))
                .bearer_auth(&n.admin)
                .json(&json!({"name": "kurzlebig"}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let token = created["token"].as_str().unwrap();
            assert!(token.starts_with("lotse_"));
            assert_eq!(created["role"], "steward");
            assert_eq!(
                n.client.get(n.url("/api/v1/offers")).bearer_auth(token).send().await.unwrap().status(),
                200
            );
            let r = n
                .client
                .delete(n.url(&format!("/api/v1/admin/tokens/{}", created["id"])))
                .bearer_auth(&n.admin)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 204);
            assert_eq!(
                n.client.get(n.url("/api/v1/offers")).bearer_auth(token).send().await.unwrap().status(),
                401
            );

            // 403: a steward on an admin endpoint.
            let r = n.steward(Method::GET, "/api/v1/admin/tokens").send().await.unwrap();
            assert_eq!(r.status(), 403);
            let listed: Value = n
                .client
                .get(n.url("/api/v1/admin/tokens"))
                .bearer_auth(&n.admin)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(listed.as_array().unwrap().len(), 3);
            assert!(!listed.to_string().contains("lotse_"), "token list must not contain tokens");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_answers_429_with_retry_after() {
    let n = TestNode::start(TestDb::sqlite(), |c| c.service.rate_limit_per_minute = 3).await;
    for _ in 0..3 {
        assert_eq!(n.steward(Method::GET, "/api/v1/offers").send().await.unwrap().status(), 200);
    }
    let r = n.steward(Method::GET, "/api/v1/offers").send().await.unwrap();
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    // Another token has its own allowance.
    assert_eq!(
        n.client.get(n.url("/api/v1/offers")).bearer_auth(&n.admin).send().await.unwrap().status(),
        200
    );
    n.node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_metrics_and_openapi() {
    let n = TestNode::start(TestDb::sqlite(), |_| {}).await;
    assert_eq!(reqwest::get(n.url("/healthz")).await.unwrap().status(), 200);
    assert_eq!(reqwest::get(n.url("/readyz")).await.unwrap().status(), 200);
    n.post_json("/api/v1/offers?mode=partial", &json!([offer("m1", "M"), invalid_offer("m2")])).await;
    reqwest::get(n.url("/feed/offers")).await.unwrap();
    let text = reqwest::get(n.url("/metrics")).await.unwrap().text().await.unwrap();
    assert!(text.contains("lotse_node_offers_ingested_total{outcome=\"created\"} 1"), "{text}");
    assert!(text.contains("lotse_node_records_rejected_total 1"), "{text}");
    assert!(text.contains("lotse_node_feed_reads_total 1"), "{text}");
    assert!(
        text.contains(
            "lotse_node_http_requests_total{method=\"POST\",route=\"/api/v1/offers\",status=\"200\"} 1"
        ),
        "{text}"
    );
    let doc: Value = reqwest::get(n.url("/api/openapi.json")).await.unwrap().json().await.unwrap();
    assert!(doc["paths"]["/feed/offers"].is_object() && doc["paths"]["/feed/projects"].is_object());
    n.node.shutdown().await.unwrap();
}
