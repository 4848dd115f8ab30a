//! A fake node: an RPDE 1.0 feed on `127.0.0.1:0` over an in-memory set of offers, with
//! faults on request (server errors or a connection dropped mid-page after some pages, a feed
//! that is gone), for harvest tests that do not need a real node.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

/// How the feed fails once the fault is armed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answers 500.
    ServerError,
    /// Sends half of the page, then closes the connection.
    DropMidPage,
    /// Answers this status (404 or 410) to every request.
    Gone(u16),
}

struct Entry {
    modified: i64,
    /// `None` for a tombstone.
    data: Option<Value>,
}

struct FeedState {
    entries: BTreeMap<String, Entry>,
    last: i64,
    page_size: usize,
    /// The version reported on items; `None` leaves the field out.
    standard_version: Option<String>,
    /// Fault and the number of pages with items still served before it strikes.
    fault: Option<(Fault, usize)>,
    /// How many requests failed because of the fault.
    failures: usize,
    /// Disarms the fault once `failures` reaches this.
    recover_at: Option<usize>,
    /// How long each page takes to answer.
    delay: std::time::Duration,
    requests: usize,
}

#[derive(Clone)]
pub struct FakeNode {
    pub addr: SocketAddr,
    state: Arc<Mutex<FeedState>>,
}

#[derive(Deserialize)]
struct FeedQuery {
    #[serde(rename = "afterTimestamp")]
    after_timestamp: Option<i64>,
    #[serde(rename = "afterId")]
    after_id: Option<String>,
}

impl FakeNode {
    pub async fn start(page_size: usize) -> FakeNode {
        let state = Arc::new(Mutex::new(FeedState {
            entries: BTreeMap::new(),
            last: 0,
            page_size,
            standard_version: Some(lotse_standard::STANDARD_VERSION.to_owned()),
            fault: None,
            failures: 0,
            recover_at: None,
            delay: std::time::Duration::ZERO,
            requests: 0,
        }));
        let app = Router::new().route("/feed/offers", get(feed)).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeNode { addr, state }
    }

    pub fn feed_url(&self) -> String {
        format!("http://{}/feed/offers", self.addr)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FeedState> {
        self.state.lock().unwrap()
    }

    /// Creates or changes an offer (a new change number, as a node would assign).
    pub fn put_value(&self, id: &str, data: Value) {
        let mut s = self.lock();
        s.last += 1;
        let modified = s.last;
        s.entries.insert(id.to_owned(), Entry { modified, data: Some(data) });
    }

    pub fn put(&self, offer: &lotse_standard::Offer) {
        self.put_value(&offer.id, serde_json::to_value(offer).unwrap());
    }

    pub fn put_all(&self, offers: &[lotse_standard::Offer]) {
        for o in offers {
            self.put(o);
        }
    }

    /// Deletes an offer (a tombstone with a new change number).
    pub fn delete(&self, id: &str) {
        let mut s = self.lock();
        s.last += 1;
        let modified = s.last;
        s.entries.insert(id.to_owned(), Entry { modified, data: None });
    }

    pub fn set_standard_version(&self, v: Option<&str>) {
        self.lock().standard_version = v.map(str::to_owned);
    }

    /// Arms a fault that strikes after `pages` more pages with items.
    pub fn fail_after(&self, pages: usize, fault: Fault) {
        self.lock().fault = Some((fault, pages));
    }

    pub fn recover(&self) {
        self.lock().fault = None;
    }

    /// The next `times` requests for pages with items answer 500; then the feed recovers.
    pub fn fail_briefly(&self, times: usize) {
        let mut s = self.lock();
        s.fault = Some((Fault::ServerError, 0));
        s.recover_at = Some(s.failures + times);
    }

    /// Makes every page take `delay` to answer, so that a harvest lasts long enough to be
    /// overlapped.
    pub fn slow_down(&self, delay: std::time::Duration) {
        self.lock().delay = delay;
    }

    pub fn failures(&self) -> usize {
        self.lock().failures
    }

    pub fn requests(&self) -> usize {
        self.lock().requests
    }

    /// The node's live offers, as the hub should end up holding them.
    pub fn live(&self) -> BTreeMap<String, Value> {
        self.lock().entries.iter().filter_map(|(id, e)| e.data.clone().map(|d| (id.clone(), d))).collect()
    }
}

async fn feed(State(state): State<Arc<Mutex<FeedState>>>, Query(q): Query<FeedQuery>) -> Response {
    let delay = state.lock().unwrap().delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mut s = state.lock().unwrap();
    s.requests += 1;
    if let Some((Fault::Gone(status), _)) = s.fault {
        s.failures += 1;
        return StatusCode::from_u16(status).unwrap().into_response();
    }
    let after = q.after_timestamp.map(|ts| (ts, q.after_id.clone().unwrap_or_default()));
    let mut page: Vec<(&String, &Entry)> = s
        .entries
        .iter()
        .filter(|(id, e)| {
            after.as_ref().is_none_or(|(ts, aid)| (e.modified, id.as_str()) > (*ts, aid.as_str()))
        })
        .collect();
    page.sort_by(|a, b| (a.1.modified, a.0).cmp(&(b.1.modified, b.0)));
    page.truncate(s.page_size);
    let items: Vec<Value> = page
        .iter()
        .map(|(id, e)| {
            let mut item = match &e.data {
                Some(d) => {
                    json!({"state": "updated", "kind": "Offer", "id": id, "modified": e.modified, "data": d})
                }
                None => json!({"state": "deleted", "kind": "Offer", "id": id, "modified": e.modified}),
            };
            if let (Some(v), Some(_)) = (&s.standard_version, &e.data) {
                item["standard_version"] = json!(v);
            }
            item
        })
        .collect();
    let next = match page.last() {
        Some((id, e)) => format!("/feed/offers?afterTimestamp={}&afterId={id}", e.modified),
        None => "/feed/offers".to_owned(),
    };
    let body =
        json!({"items": items, "next": next, "license": "https://www.govdata.de/dl-de/by-2-0"}).to_string();
    if !items.is_empty()
        && let Some((fault, remaining)) = s.fault
    {
        if remaining == 0 {
            s.failures += 1;
            if s.recover_at == Some(s.failures) {
                s.fault = None;
                s.recover_at = None;
            }
            return match fault {
                Fault::ServerError => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                Fault::DropMidPage => {
                    let half = Bytes::from(body.as_bytes()[..body.len() / 2].to_vec());
                    let chunks: Vec<Result<Bytes, std::io::Error>> =
                        vec![Ok(half), Err(std::io::Error::other("connection dropped"))];
                    Response::builder()
                        .header("content-type", "application/json")
                        .header("content-length", body.len().to_string())
                        .body(Body::from_stream(futures_util::stream::iter(chunks)))
                        .unwrap()
                }
                Fault::Gone(_) => unreachable!("handled above"),
            };
        }
        s.fault = Some((fault, remaining - 1));
    }
    ([("content-type", "application/json")], body).into_response()
}
