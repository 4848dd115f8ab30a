//! The hub's own RPDE 1.0 feed: everything the hub holds, so that a hub can be a node of a
//! larger hub (region → state → federal). This module builds its pages from the store; the
//! HTTP handler (`GET /feed/offers`, with its query and cache headers) is in `crate::api`.
//!
//! Items are ordered by the hub's change numbers, which are unique (see the store's
//! invariants); ids are `{node_id}/{id}`. With unique numbers the RPDE condition
//! `modified > ts OR (modified = ts AND id > afterId)` is the same as `modified > ts`, so the
//! store pages by the number alone and `afterId` is only checked for presence. Each item
//! carries the standard version the origin node validated with, so that the next hub up can
//! report it.

use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

use crate::metrics::HubMetrics;
use crate::store::{HubStore, StoreError};

/// One item of the feed: an offer (`updated`) or a tombstone (`deleted`, without `data`).
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedItem {
    /// `updated` or `deleted`.
    pub state: &'static str,
    /// Always `Offer`.
    pub kind: &'static str,
    /// `{node_id}/{id}`.
    pub id: String,
    /// The hub's change number.
    pub modified: i64,
    /// The offer in the standard's JSON; absent on tombstones.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub data: Option<Box<RawValue>>,
    /// The standard version the origin node validated the offer with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standard_version: Option<String>,
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedPage {
    /// The URL of the next page; on the last page (no items) the page's own URL.
    pub next: String,
    pub items: Vec<FeedItem>,
    pub license: String,
}

impl FeedPage {
    /// Whether this is the last page for now (no items).
    pub fn is_last(&self) -> bool {
        self.items.is_empty()
    }
}

/// Why a page could not be built.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored offer is not JSON, which the store's own validation makes impossible.
    #[error(transparent)]
    Data(#[from] serde_json::Error),
}

/// The address of the page after `after` (`None`: the first page), under `base`.
fn page_url(base: &str, after: Option<(i64, &str)>) -> String {
    match after {
        None => format!("{base}/feed/offers"),
        Some((ts, id)) => {
            let query =
                serde_urlencoded::to_string([("afterTimestamp", ts.to_string().as_str()), ("afterId", id)])
                    .unwrap_or_default();
            format!("{base}/feed/offers?{query}")
        }
    }
}

/// The page of at most `page_size` items after `after` (the `modified` and `id` of the last
/// item seen, `None` for the first page), with links under `base`.
pub async fn page(
    store: &dyn HubStore,
    metrics: &HubMetrics,
    after: Option<(i64, &str)>,
    page_size: u32,
    base: &str,
    license: &str,
) -> Result<FeedPage, FeedError> {
    let rows = store.feed_page(after.map_or(0, |a| a.0), page_size).await?;
    metrics.feed_reads.inc(&[]);
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let data = match row.data {
            Some(d) => Some(RawValue::from_string(d)?),
            None => None,
        };
        items.push(FeedItem {
            state: if data.is_some() { "updated" } else { "deleted" },
            kind: "Offer",
            id: format!("{}/{}", row.node_id, row.id),
            modified: row.modified,
            data,
            standard_version: row.standard_version,
        });
    }
    let next = match items.last() {
        Some(last) => page_url(base, Some((last.modified, &last.id))),
        None => page_url(base, after),
    };
    Ok(FeedPage { next, items, license: license.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::page_url;

    #[test]
    fn page_urls() {
        assert_eq!(page_url("http://h", None), "http://h/feed/offers");
        assert_eq!(
            page_url("http://h", Some((7, "essen/a 1"))),
            "http://h/feed/offers?afterTimestamp=7&afterId=essen%2Fa+1"
        );
    }
}
