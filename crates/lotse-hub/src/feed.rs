//! The hub's own RPDE 1.0 feeds, one per record kind: everything the hub holds, so that a hub
//! can be a node of a larger hub (region → state → federal). This module builds their pages
//! from the store (offers from their table, the other kinds from `records`); the HTTP handler
//! (`GET /feed/{kind}`, with its query and cache headers) is in `crate::api`.
//!
//! Items are ordered by the hub's change numbers, which are unique (see the store's
//! invariants); ids are `{node_id}/{id}`. With unique numbers the RPDE condition
//! `modified > ts OR (modified = ts AND id > afterId)` is the same as `modified > ts`, so the
//! store pages by the number alone and `afterId` is only checked for presence. Each item
//! carries the standard version the origin node validated with, so that the next hub up can
//! report it.

use lotse_standard::rpde::{self, Kind};
use serde_json::value::RawValue;
use utoipa::ToSchema;

use crate::metrics::HubMetrics;
use crate::store::{FeedRow, HubStore, StoreError};

/// A page of the feed as it is written: the shared wire type, with each offer's stored JSON
/// copied in as it is.
pub type Page = rpde::Page<Box<RawValue>>;

// For the API description only (its doc comment is the schema's description): the wire type
// is `lotse_standard::rpde::Item`, and a test keeps the members of both equal.
/// One item of the feed: an offer (`updated`) or a tombstone (`deleted`, without `data`).
#[derive(Debug, ToSchema)]
pub struct FeedItem {
    /// `updated` or `deleted`.
    pub state: String,
    /// The feed's kind: `Offer`, `Organization`, `Network` or `Project`.
    pub kind: String,
    /// `{node_id}/{id}`.
    pub id: String,
    /// The hub's change number.
    pub modified: i64,
    /// The standard version the origin node validated the offer with.
    pub standard_version: Option<String>,
    /// The offer in the standard's JSON; absent on tombstones.
    #[schema(value_type = Option<Object>)]
    pub data: Option<serde_json::Value>,
}

// For the API description only: the wire type is `lotse_standard::rpde::Page`.
/// A page of the feed.
#[derive(Debug, ToSchema)]
pub struct FeedPage {
    /// The URL of the next page; on the last page (no items) the page's own URL.
    pub next: String,
    pub items: Vec<FeedItem>,
    pub license: String,
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

/// The address of the page of `kind`'s feed after `after` (`None`: the first page), under
/// `base`.
fn page_url(base: &str, kind: Kind, after: Option<(i64, &str)>) -> String {
    let plural = kind.plural();
    match after {
        None => format!("{base}/feed/{plural}"),
        Some((ts, id)) => {
            let query =
                serde_urlencoded::to_string([("afterTimestamp", ts.to_string().as_str()), ("afterId", id)])
                    .unwrap_or_default();
            format!("{base}/feed/{plural}?{query}")
        }
    }
}

/// The page of at most `page_size` items after `after` (the `modified` and `id` of the last
/// item seen, `None` for the first page), with links under `base`.
pub async fn page(
    store: &dyn HubStore,
    metrics: &HubMetrics,
    kind: Kind,
    after: Option<(i64, &str)>,
    page_size: u32,
    base: &str,
    license: &str,
) -> Result<Page, FeedError> {
    let position = after.map_or(0, |a| a.0);
    let rows = match kind {
        Kind::Offer => store.feed_page(position, page_size).await?,
        _ => store.record_feed_page(kind, position, page_size).await?,
    };
    metrics.feed_reads.inc(&[]);
    Ok(build(kind, rows, after, base, license)?)
}

/// The page of `rows`, the page after `after`.
fn build(
    kind: Kind,
    rows: Vec<FeedRow>,
    after: Option<(i64, &str)>,
    base: &str,
    license: &str,
) -> serde_json::Result<Page> {
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let id = format!("{}/{}", row.node_id, row.id);
        items.push(match row.data {
            Some(d) => {
                rpde::Item::updated(kind, id, row.modified, row.standard_version, RawValue::from_string(d)?)
            }
            None => rpde::Item::deleted(kind, id, row.modified),
        });
    }
    let next = match items.last() {
        Some(last) => page_url(base, kind, Some((last.modified, &last.id))),
        None => page_url(base, kind, after),
    };
    Ok(rpde::Page { next, items, license: license.to_owned() })
}

#[cfg(test)]
mod tests {
    use lotse_http::openapi::assert_object_members;

    use super::*;

    fn row(node_id: &str, id: &str, modified: i64, data: Option<&str>) -> FeedRow {
        FeedRow {
            node_id: node_id.into(),
            id: id.into(),
            modified,
            data: data.map(str::to_owned),
            standard_version: data.map(|_| "1.0.0".to_owned()),
        }
    }

    #[test]
    fn the_bytes_are_pinned() {
        let rows = vec![
            row("essen", "a:1", 3, Some(r#"{"id":"a:1","x":"ü\"\u0001"}"#)),
            FeedRow { standard_version: None, ..row("bochum", "c", 4, Some("{}")) },
            row("essen", "b ü", 5, None),
        ];
        let page = build(Kind::Offer, rows, None, "http://h", "https://lic").unwrap();
        assert!(!page.is_last());
        assert_eq!(
            serde_json::to_string(&page).unwrap(),
            concat!(
                r#"{"next":"http://h/feed/offers?afterTimestamp=5&afterId=essen%2Fb+%C3%BC","items":["#,
                r#"{"state":"updated","kind":"Offer","id":"essen/a:1","modified":3,"standard_version":"1.0.0","data":{"id":"a:1","x":"ü\"\u0001"}},"#,
                r#"{"state":"updated","kind":"Offer","id":"bochum/c","modified":4,"data":{}},"#,
                r#"{"state":"deleted","kind":"Offer","id":"essen/b ü","modified":5}"#,
                r#"],"license":"https://lic"}"#
            )
        );
        let last = build(Kind::Offer, Vec::new(), Some((7, "essen/x")), "http://h", "l").unwrap();
        assert!(last.is_last());
        assert_eq!(
            serde_json::to_string(&last).unwrap(),
            r#"{"next":"http://h/feed/offers?afterTimestamp=7&afterId=essen%2Fx","items":[],"license":"l"}"#
        );
    }

    #[test]
    fn the_documented_shape_has_the_wire_members() {
        assert_object_members::<FeedPage>(rpde::PAGE_MEMBERS, rpde::PAGE_MEMBERS);
        // A tombstone has only the first four members.
        assert_object_members::<FeedItem>(rpde::ITEM_MEMBERS, &rpde::ITEM_MEMBERS[..4]);
    }

    #[test]
    fn page_urls() {
        assert_eq!(page_url("http://h", Kind::Offer, None), "http://h/feed/offers");
        assert_eq!(page_url("http://h", Kind::Project, None), "http://h/feed/projects");
        assert_eq!(
            page_url("http://h", Kind::Offer, Some((7, "essen/a 1"))),
            "http://h/feed/offers?afterTimestamp=7&afterId=essen%2Fa+1"
        );
    }
}
