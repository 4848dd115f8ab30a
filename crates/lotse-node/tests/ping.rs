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
use tokio::sync::Notify;

/// One received ping: when, for which node, with which `Authorization` header and body.
type Ping = (Instant, String, Option<String>, serde_json::Value);

/// How long a test waits at most for a ping that must come; only a failing test waits this
/// long, a passing one is woken by the ping itself.
const PATIENCE: Duration = Duration::from_secs(60);

#[derive(Clone, Default)]
struct Hub {
    pings: Arc<Mutex<Vec<Ping>>>,
    arrived: Arc<Notify>,
}

impl Hub {
    /// Waits until the pings received so far satisfy `done`, woken by each arriving ping.
    async fn until(&self, what: &str, done: impl Fn(&[Ping]) -> bool) -> Vec<Ping> {
        let wait = async {
            loop {
                let arrived = self.arrived.notified();
                tokio::pin!(arrived);
                // Registered before looking, so that a ping between the look and the wait
                // still wakes it.
                arrived.as_mut().enable();
                {
                    let pings = self.pings.lock().unwrap();
                    if done(&pings) {
                        return pings.clone();
                    }
                }
                arrived.await;
            }
        };
        tokio::time::timeout(PATIENCE, wait).await.unwrap_or_else(|_| panic!("no ping: {what}"))
    }
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
    hub.arrived.notify_waiters();
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

fn head(ping: &Ping) -> i64 {
    ping.3["modified"].as_i64().expect("modified in the body")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pings_are_debounced_and_carry_the_node_token() {
    let (hub_url, hub) = start_hub().await;
    let n = TestNode::start(TestDb::sqlite(), move |c| {
        c.hub_url = Some(hub_url);
        c.hub_token = Some(Secret::new("lotse_hubtoken"));
    })
    .await;
    // The first change is announced at once; the burst after it, while the first ping has
    // already left, needs a further ping.
    let start = Instant::now();
    n.post_json("/api/v1/offers", &offer("p0", "Kurs")).await;
    hub.until("the first change", |p| !p.is_empty()).await;
    for i in 1..15 {
        n.post_json("/api/v1/offers", &offer(&format!("p{i}"), "Kurs")).await;
    }
    let burst = start.elapsed();
    let last_change = n.node.store().last_change().await.unwrap();
    let pings = hub.until("the last change", |p| p.last().map(head) == Some(last_change)).await;
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
    let heads: Vec<i64> = pings.iter().map(head).collect();
    assert!(heads.windows(2).all(|w| w[0] <= w[1]), "{heads:?}");
    assert!(heads[0] >= 1, "{heads:?}");
    let (items, _) = n.follow_feed().await;
    assert_eq!(items.iter().filter_map(|i| i["modified"].as_i64()).max(), Some(last_change));
    // The last ping came after the last change.
    assert!(pings.last().unwrap().0 >= start + burst - Duration::from_millis(200));
    // An unchanged re-send is no change and is not announced.
    let announced = n.node.state().pinger.announced();
    assert_eq!(announced, 15);
    n.post_json("/api/v1/offers", &offer("p0", "Kurs")).await;
    assert_eq!(n.node.store().last_change().await.unwrap(), last_change);
    assert_eq!(n.node.state().pinger.announced(), announced);
    n.node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_that_hangs_or_is_down_does_not_hold_up_pushes() {
    // A hub that accepts the connection and never answers: a push that waited for its ping
    // would never return.
    let hanging = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hanging_url = format!("http://{}", hanging.local_addr().unwrap());
    let n = TestNode::start(TestDb::sqlite(), move |c| c.hub_url = Some(hanging_url)).await;
    let r = n.post_json("/api/v1/offers", &offer("h0", "Kurs")).await;
    assert_eq!(r.status(), 200);
    let (connection, _) =
        tokio::time::timeout(PATIENCE, hanging.accept()).await.expect("the ping connects").unwrap();
    for i in 1..10 {
        let r = n.post_json("/api/v1/offers", &offer(&format!("h{i}"), "Kurs")).await;
        assert_eq!(r.status(), 200);
    }
    // Every push returned while the ping was still waiting for an answer.
    let metrics = || async { reqwest::get(n.url("/metrics")).await.unwrap().text().await.unwrap() };
    assert!(!metrics().await.contains("lotse_node_hub_pings_total{"), "the ping has no result yet");
    // The hub goes away: the ping fails, is counted, and pushes still succeed.
    drop(connection);
    drop(hanging);
    let r = n.post_json("/api/v1/offers", &offer("h10", "Kurs")).await;
    assert_eq!(r.status(), 200);
    let failed = async {
        loop {
            let text = metrics().await;
            if text.contains("lotse_node_hub_pings_total{result=\"failed\"}") {
                return;
            }
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(PATIENCE, failed).await.expect("the failed ping is counted");
    n.node.shutdown().await.unwrap();
}
