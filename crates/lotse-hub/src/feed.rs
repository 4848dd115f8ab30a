//! The hub's own RPDE 1.0 feed, `GET /feed/offers`: everything the hub holds, so that a hub can
//! be a node of a larger hub (region → state → federal).
//!
//! Items are ordered by the hub's change numbers, which are unique (see the store's
//! invariants); ids are `{node_id}/{id}`. With unique numbers the RPDE condition
//! `modified > ts OR (modified = ts AND id > afterId)` is the same as `modified > ts`, so the
//! store pages by the number alone and `afterId` is only checked for presence. Each item
//! carries the standard version the origin node validated with, so that the next hub up can
//! report it.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use lotse_http::Problem;
use lotse_http::problem::ProblemDetails;
use lotse_http::query::Query;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};

use crate::api::{ApiResult, AppState};

/// Query parameters of the feed.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// The `modified` of the last item seen.
    #[serde(rename = "afterTimestamp")]
    #[param(rename = "afterTimestamp")]
    pub after_timestamp: Option<String>,
    /// The `id` of the last item seen.
    #[serde(rename = "afterId")]
    #[param(rename = "afterId")]
    pub after_id: Option<String>,
}

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

/// RPDE's recommendation: pages with items may be cached long (new changes appear on later
/// pages, never on this one's position), the last page only briefly.
const CACHE_FULL: &str = "public, max-age=3600";
const CACHE_LAST: &str = "public, max-age=8";

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

/// The hub's RPDE feed.
#[utoipa::path(
    get,
    path = "/feed/offers",
    tag = "feed",
    params(FeedQuery),
    responses(
        (status = 200, description = "A page of the feed", body = FeedPage),
        (status = 400, description = "Invalid parameters", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn feed(State(state): State<AppState>, Query(q): Query<FeedQuery>) -> ApiResult<Response> {
    let after = match (&q.after_timestamp, &q.after_id) {
        (None, None) => None,
        (Some(ts), Some(id)) => {
            let ts = ts.parse::<i64>().map_err(|_| {
                Problem::bad_request(
                    "afterTimestamp muss eine ganze Zahl sein.",
                    "afterTimestamp must be an integer.",
                )
            })?;
            Some((ts, id.as_str()))
        }
        _ => {
            return Err(Problem::bad_request(
                "afterTimestamp und afterId gehören zusammen.",
                "afterTimestamp and afterId go together.",
            )
            .into());
        }
    };
    let hub = &state.hub;
    let rows = hub.store().feed_page(after.map_or(0, |a| a.0), hub.config().page_size).await?;
    hub.metrics().feed_reads.inc(&[]);
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let data = match row.data {
            Some(d) => {
                Some(RawValue::from_string(d).map_err(|e| crate::api::ApiError(Problem::internal(&e)))?)
            }
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
    let (next, cache) = match items.last() {
        Some(last) => (page_url(&state.base_url, Some((last.modified, &last.id))), CACHE_FULL),
        None => (page_url(&state.base_url, after), CACHE_LAST),
    };
    let page = FeedPage { next, items, license: hub.config().license.clone() };
    let mut response = axum::Json(page).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(response)
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
