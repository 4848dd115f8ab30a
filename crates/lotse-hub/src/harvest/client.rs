//! Reading a node's RPDE feed: page URLs, requests with retries and backoff, and the parsing of
//! a page into items.
//!
//! The hub builds each page URL from the feed URL and its stored checkpoint
//! (`?afterTimestamp=<modified>&afterId=<id>`) instead of following the page's `next` link.
//! Both name the same page in a correct feed, but the checkpoint is what a crash resumes from,
//! so using it throughout keeps one source of truth; and a node whose `public_url` is
//! misconfigured (`next` pointing at `0.0.0.0`, say) is still harvested.
//!
//! Pages are read with the lenient read types of [`lotse_standard::rpde`], the same module
//! that holds the wire types node and hub write.

use std::time::Duration;

use lotse_standard::rpde::{Kind, ReadItem, ReadPage};
use reqwest::{StatusCode, Url};
use serde_json::Value;

use crate::egress;
use crate::store::Checkpoint;

/// How a page request failed for good.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// 404 or 410: the feed is gone; the node is stopped.
    #[error("der Feed ist nicht mehr da (HTTP {0}) / the feed is gone (HTTP {0})")]
    Gone(u16),
    #[error("Anfrage verweigert / request refused: {0}")]
    Refused(String),
    /// A failure that retries did not cure (the last one is named).
    #[error(
        "Feed-Abruf nach {attempts} Versuchen fehlgeschlagen / feed request failed after {attempts} attempts: {message}"
    )]
    Failed { attempts: u32, message: String },
}

/// One item of a node's feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    pub id: String,
    pub modified: i64,
    pub body: ItemBody,
    /// The standard version the node validated the item with, if it says.
    pub standard_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ItemBody {
    /// `state: updated` with its data.
    Updated(Value),
    /// `state: deleted`.
    Deleted,
    /// An item the hub cannot use (no data, an unknown state or kind); it is quarantined.
    Unusable { code: &'static str, de: String, en: String, data: Option<Value> },
}

impl FeedItem {
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint { modified: self.modified, id: self.id.clone() }
    }
}

/// Parses one item of a feed of `expected` records. An item without a usable `id` or
/// `modified` makes the page unusable (the checkpoint could not be placed after it), so it is
/// an error; anything else the hub cannot use becomes [`ItemBody::Unusable`], among them an
/// item of another kind than the feed's (code `not_an_offer` in the offers' feed, as before
/// standard 1.1, and `wrong_kind` in the others).
fn parse_item(v: ReadItem, expected: Kind) -> Result<FeedItem, String> {
    let id = v.id().ok_or_else(|| format!("item without a usable id: {}", v.id))?;
    let modified = v.modified().ok_or_else(|| format!("item {id:?} without an integer modified"))?;
    let standard_version = v.standard_version.or(v.standard_version_camel);
    let kind = v.kind;
    let data = v.data.filter(|d| !d.is_null());
    let body = match (v.state.as_deref(), data) {
        (Some("deleted"), _) => ItemBody::Deleted,
        _ if kind.as_deref().is_some_and(|k| k != expected.as_str()) => ItemBody::Unusable {
            code: if expected == Kind::Offer { "not_an_offer" } else { "wrong_kind" },
            de: format!(
                "Das Element hat die Art „{}“, erwartet wird „{}“.",
                kind.as_deref().unwrap_or(""),
                expected.as_str()
            ),
            en: format!(
                "The item is of kind \"{}\", expected \"{}\".",
                kind.as_deref().unwrap_or(""),
                expected.as_str()
            ),
            data: None,
        },
        (Some("updated"), Some(data)) => ItemBody::Updated(data),
        (Some("updated"), None) => ItemBody::Unusable {
            code: "missing_data",
            de: "Das Element hat den Zustand „updated“, aber keine Daten.".into(),
            en: "The item has the state \"updated\" but no data.".into(),
            data: None,
        },
        (other, data) => ItemBody::Unusable {
            code: "unknown_state",
            de: format!("Unbekannter Zustand {other:?}; erwartet wird „updated“ oder „deleted“."),
            en: format!("Unknown state {other:?}; expected \"updated\" or \"deleted\"."),
            data,
        },
    };
    Ok(FeedItem { id, modified, body, standard_version })
}

/// Parses a page and checks RPDE's order: every item strictly after the previous one (and the
/// first after the checkpoint the page was asked for). A feed that breaks this could make the
/// hub skip or repeat items, so the page is refused instead.
pub fn parse_page(bytes: &[u8], after: Option<&Checkpoint>, kind: Kind) -> Result<Vec<FeedItem>, String> {
    let page: ReadPage = serde_json::from_slice(bytes).map_err(|e| format!("page is not RPDE JSON: {e}"))?;
    let mut items = Vec::with_capacity(page.items.len());
    let mut previous = after.map(|c| (c.modified, c.id.clone()));
    for raw in page.items {
        let item = parse_item(raw, kind)?;
        let key = (item.modified, item.id.clone());
        if let Some(prev) = &previous
            && key <= *prev
        {
            return Err(format!(
                "items out of order: ({}, {:?}) does not follow ({}, {:?})",
                key.0, key.1, prev.0, prev.1
            ));
        }
        previous = Some(key);
        items.push(item);
    }
    Ok(items)
}

/// The URL of the page after `after`: the feed URL with `afterTimestamp` and `afterId` (any of
/// those already in the feed URL replaced).
pub fn page_url(feed_url: &Url, after: Option<&Checkpoint>) -> Url {
    let mut url = feed_url.clone();
    let kept: Vec<(String, String)> = feed_url
        .query_pairs()
        .filter(|(k, _)| k != "afterTimestamp" && k != "afterId")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_query(None);
    if !kept.is_empty() || after.is_some() {
        let mut q = url.query_pairs_mut();
        for (k, v) in &kept {
            q.append_pair(k, v);
        }
        if let Some(cp) = after {
            q.append_pair("afterTimestamp", &cp.modified.to_string());
            q.append_pair("afterId", &cp.id);
        }
    }
    url
}

/// Retry settings for feed requests.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub retries: u32,
    pub initial: Duration,
    pub max: Duration,
}

impl RetryPolicy {
    /// The wait before retry number `attempt` (1-based): doubling from `initial`, capped.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(20));
        self.initial.saturating_mul(factor).min(self.max)
    }
}

/// Reads feed pages through the egress guard.
#[derive(Debug, Clone)]
pub struct FeedClient {
    http: reqwest::Client,
    allow_private: bool,
    retry: RetryPolicy,
    max_page_bytes: usize,
}

/// One failed attempt: whether it is worth retrying.
enum Attempt {
    Retry(String),
    Fatal(FetchError),
}

impl FeedClient {
    pub fn new(
        allow_private: bool,
        timeout: Duration,
        retry: RetryPolicy,
        max_page_bytes: usize,
    ) -> reqwest::Result<Self> {
        Ok(Self {
            http: egress::guarded_client(allow_private, timeout)?,
            allow_private,
            retry,
            max_page_bytes,
        })
    }

    /// Fetches the page after `after` and parses it, retrying transient failures (connection
    /// errors, timeouts, 5xx, 408, 429, a truncated or unreadable body) with backoff.
    /// One page of a feed of `kind` records after `after`, with retries.
    pub async fn fetch(
        &self,
        feed_url: &Url,
        kind: Kind,
        after: Option<&Checkpoint>,
    ) -> Result<Vec<FeedItem>, FetchError> {
        let url = page_url(feed_url, after);
        egress::check_url(&url, self.allow_private).map_err(|e| FetchError::Refused(e.to_string()))?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let failure = match self.attempt(&url).await {
                Ok(bytes) => match parse_page(&bytes, after, kind) {
                    Ok(items) => return Ok(items),
                    // A page that parses as JSON but breaks the RPDE rules will not get better.
                    Err(e) if serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_ok() => {
                        return Err(FetchError::Failed { attempts: attempt, message: e });
                    }
                    Err(e) => Attempt::Retry(e),
                },
                Err(a) => a,
            };
            match failure {
                Attempt::Fatal(e) => return Err(e),
                Attempt::Retry(message) if attempt > self.retry.retries => {
                    return Err(FetchError::Failed { attempts: attempt, message });
                }
                Attempt::Retry(message) => {
                    let wait = self.retry.backoff(attempt);
                    tracing::debug!(%url, attempt, ?wait, %message, "feed request failed; retrying");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    async fn attempt(&self, url: &Url) -> Result<Vec<u8>, Attempt> {
        let mut response = self
            .http
            .get(url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| classify(&e))?;
        let status = response.status();
        if status == StatusCode::NOT_FOUND || status == StatusCode::GONE {
            return Err(Attempt::Fatal(FetchError::Gone(status.as_u16())));
        }
        if !status.is_success() {
            let message = format!("HTTP {status}");
            return Err(
                if status.is_server_error()
                    || status == StatusCode::TOO_MANY_REQUESTS
                    || status == StatusCode::REQUEST_TIMEOUT
                {
                    Attempt::Retry(message)
                } else {
                    Attempt::Fatal(FetchError::Failed { attempts: 1, message })
                },
            );
        }
        if response.content_length().is_some_and(|n| n > self.max_page_bytes as u64) {
            return Err(Attempt::Fatal(too_large(self.max_page_bytes)));
        }
        let mut body =
            Vec::with_capacity(response.content_length().unwrap_or(64 * 1024).min(8 << 20) as usize);
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > self.max_page_bytes {
                        return Err(Attempt::Fatal(too_large(self.max_page_bytes)));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(body),
                Err(e) => return Err(classify(&e)),
            }
        }
    }
}

fn too_large(limit: usize) -> FetchError {
    FetchError::Failed {
        attempts: 1,
        message: format!("page larger than harvest.max_feed_page_bytes ({limit} bytes)"),
    }
}

/// Transport errors are retried, except a refusal by the guard, which will not change.
fn classify(e: &reqwest::Error) -> Attempt {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(refused) = s.downcast_ref::<egress::Refused>()
            && matches!(refused, egress::Refused::Private(_))
        {
            return Attempt::Fatal(FetchError::Refused(refused.to_string()));
        }
        source = s.source();
    }
    Attempt::Retry(lotse_error_chain(e))
}

fn lotse_error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn cp(m: i64, id: &str) -> Checkpoint {
        Checkpoint { modified: m, id: id.into() }
    }

    #[test]
    fn page_urls_carry_the_checkpoint() {
        let feed = Url::parse("http://n.example/feed/offers").unwrap();
        assert_eq!(page_url(&feed, None).as_str(), "http://n.example/feed/offers");
        assert_eq!(
            page_url(&feed, Some(&cp(42, "a b/c"))).as_str(),
            "http://n.example/feed/offers?afterTimestamp=42&afterId=a+b%2Fc"
        );
        let with_query = Url::parse("http://n.example/feed?key=1&afterTimestamp=3").unwrap();
        assert_eq!(
            page_url(&with_query, Some(&cp(5, "x"))).as_str(),
            "http://n.example/feed?key=1&afterTimestamp=5&afterId=x"
        );
    }

    #[test]
    fn parses_items_of_every_kind() {
        let page = json!({"items": [
            {"state": "updated", "kind": "Offer", "id": "a", "modified": 1, "data": {"id": "a"}, "standard_version": "0.9.0"},
            {"state": "deleted", "kind": "Offer", "id": "b", "modified": "2"},
            {"state": "updated", "kind": "Offer", "id": "c", "modified": 3},
            {"state": "weird", "kind": "Offer", "id": "d", "modified": 4, "data": {"x": 1}},
            {"state": "updated", "kind": "Event", "id": "e", "modified": 5, "data": {}}
        ], "next": "x", "license": "y"});
        let items = parse_page(page.to_string().as_bytes(), None, Kind::Offer).unwrap();
        assert_eq!(items.len(), 5);
        assert_eq!(items[0].body, ItemBody::Updated(json!({"id": "a"})));
        assert_eq!(items[0].standard_version.as_deref(), Some("0.9.0"));
        assert_eq!(items[1].body, ItemBody::Deleted);
        assert_eq!(items[1].modified, 2);
        assert!(matches!(items[2].body, ItemBody::Unusable { code: "missing_data", .. }));
        assert!(matches!(&items[3].body, ItemBody::Unusable { code: "unknown_state", data: Some(_), .. }));
        assert!(matches!(items[4].body, ItemBody::Unusable { code: "not_an_offer", .. }));
        // A feed of networks takes networks and refuses the rest, offers included.
        let page = json!({"items": [
            {"state": "updated", "kind": "Network", "id": "n", "modified": 1, "data": {"id": "n"}},
            {"state": "updated", "kind": "Offer", "id": "o", "modified": 2, "data": {"id": "o"}}
        ]});
        let items = parse_page(page.to_string().as_bytes(), None, Kind::Network).unwrap();
        assert_eq!(items[0].body, ItemBody::Updated(json!({"id": "n"})));
        assert!(matches!(items[1].body, ItemBody::Unusable { code: "wrong_kind", .. }));
    }

    #[test]
    fn refuses_pages_out_of_order_or_without_positions() {
        let page = |items: serde_json::Value| json!({ "items": items }).to_string();
        let two = page(json!([
            {"state": "deleted", "id": "b", "modified": 5},
            {"state": "deleted", "id": "a", "modified": 5}
        ]));
        assert!(parse_page(two.as_bytes(), None, Kind::Offer).unwrap_err().contains("out of order"));
        let behind = page(json!([{"state": "deleted", "id": "a", "modified": 4}]));
        assert!(parse_page(behind.as_bytes(), Some(&cp(4, "a")), Kind::Offer).is_err());
        assert!(parse_page(behind.as_bytes(), Some(&cp(3, "z")), Kind::Offer).is_ok());
        let no_modified = page(json!([{"state": "deleted", "id": "a"}]));
        assert!(parse_page(no_modified.as_bytes(), None, Kind::Offer).is_err());
        assert!(parse_page(b"{\"items\": [", None, Kind::Offer).is_err());
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p =
            RetryPolicy { retries: 5, initial: Duration::from_millis(100), max: Duration::from_millis(500) };
        assert_eq!(p.backoff(1), Duration::from_millis(100));
        assert_eq!(p.backoff(2), Duration::from_millis(200));
        assert_eq!(p.backoff(3), Duration::from_millis(400));
        assert_eq!(p.backoff(4), Duration::from_millis(500));
        assert_eq!(p.backoff(40), Duration::from_millis(500));
    }
}
