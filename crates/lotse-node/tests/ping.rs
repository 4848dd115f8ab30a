//! Pings to the hub: debounced to one per `MIN_INTERVAL`, with the node token, and a hub that is down
//! neither slows nor fails a push.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use common::{TestDb, TestNode, offer};
use lotse_http::Secret;
use lotse_node::ping::MIN_INTERVAL;

/// One received ping: when, for which node, with which `Authorization` header and body.
type Ping = (Instant, String, Option<String>, serde_json::Value);

#[derive(Clone, Default)]
struct Hub {
    pings: Arc<Mutex<Vec<Ping>>>,
}

async fn ping(
    State(hub): State<Hub>,
    Path(node): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    hub.pings.lock().unwrap().push((Instant::now(), node, auth, body));
    StatusCode::ACCEPTED
}

/// A tiny hub on `127.0.0.1:0` that records pings.
async fn start_hub() -> (String, Hub) {
    let hub = Hub::default();
    let app = Router::new().route("/api/v1/nodes/{node}/ping", post(ping)).with_state(hub.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, hub)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pings_are_debounced_and_carry_the_node_token() {
    let (hub_url, hub) = start_hub().await;
    let n = TestNode::start(TestDb::sqlite(), move |c| {
        c.hub_url = Some(hub_url);
        c.hub_token = Some(Secret::new("lotse_hubtoken"));
    })
    .await;
    // A burst of changes over about 1.5 s.
    let start = Instant::now();
    for i in 0..15 {
        n.post_json("/api/v1/offers", &offer(&format!("p{i}"), "Kurs")).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let burst = start.elapsed();
    // Wait for the trailing ping.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let pings = hub.pings.lock().unwrap().clone();
    assert!(!pings.is_empty(), "no ping arrived");
    let most = 1 + (burst.as_secs_f64() / MIN_INTERVAL.as_secs_f64()).ceil() as usize;
    assert!(pings.len() <= most, "{} pings in {burst:?}", pings.len());
    assert!(pings.len() >= 2, "the changes after the first ping need a second ping: {}", pings.len());
    for w in pings.windows(2) {
        assert!(
            w[1].0 - w[0].0 >= MIN_INTERVAL - Duration::from_millis(10),
            "pings closer than MIN_INTERVAL"
        );
    }
    for (_, node, auth, _) in &pings {
        assert_eq!(node, "essen");
        assert_eq!(auth.as_deref(), Some("Bearer lotse_hubtoken"));
    }
    // Every ping carries the node's newest change number, never decreasing; the last one the
    // node's last change, which its feed shows.
    let heads: Vec<i64> =
        pings.iter().map(|p| p.3["modified"].as_i64().expect("modified in the body")).collect();
    assert!(heads.windows(2).all(|w| w[0] <= w[1]), "{heads:?}");
    assert!(heads[0] >= 1, "{heads:?}");
    let last_change = n.node.store().last_change().await.unwrap();
    assert_eq!(*heads.last().unwrap(), last_change);
    let (items, _) = n.follow_feed().await;
    assert_eq!(items.iter().filter_map(|i| i["modified"].as_i64()).max(), Some(last_change));
    // The last ping came after the last change.
    assert!(pings.last().unwrap().0 >= start + burst - Duration::from_millis(200));
    // An unchanged re-send is no change and is not announced.
    let before = pings.len();
    n.post_json("/api/v1/offers", &offer("p0", "Kurs")).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(hub.pings.lock().unwrap().len(), before);
    n.node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_that_is_down_does_not_slow_pushes() {
    // A port that nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let n = TestNode::start(TestDb::sqlite(), move |c| c.hub_url = Some(dead)).await;
    let mut slowest = Duration::ZERO;
    for i in 0..10 {
        let t = Instant::now();
        let r = n.post_json("/api/v1/offers", &offer(&format!("d{i}"), "Kurs")).await;
        assert_eq!(r.status(), 200);
        slowest = slowest.max(t.elapsed());
    }
    assert!(slowest < Duration::from_millis(500), "a push took {slowest:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let text = reqwest::get(n.url("/metrics")).await.unwrap().text().await.unwrap();
    assert!(text.contains("lotse_node_hub_pings_total{result=\"failed\"}"), "{text}");
    n.node.shutdown().await.unwrap();
}
