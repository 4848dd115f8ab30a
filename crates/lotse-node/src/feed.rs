//! The RPDE 1.0 change feeds, one per record kind: `GET /feed/offers`, `/feed/organizations`,
//! `/feed/networks`, `/feed/projects` (standard 1.1; a 1.0 hub reads only the first).
//!
//! Each feed is its kind's table: items are ordered by `(modified, id)`; a page after `(afterTimestamp, afterId)` holds the
//! rows with `modified > ts OR (modified = ts AND id > id)`. Each page has `next` (absolute,
//! built from its last item), `items` and `license`. The last page has no items and `next`
//! equal to its own URL. Pages with items may be cached for an hour (a page's range of the
//! ordering never gains items, it can only lose ones that changed again and moved to the end);
//! the last page only for a few seconds, since new changes appear there.
//!
//! Each `updated` item carries, besides the RPDE members, `standard_version`: the version of
//! the standard the record was validated with, so that the hub can show nodes on an old
//! version. `data` is the record exactly as stored, in the standard's JSON, and `kind` names its
//! kind (`Offer`, `Organization`, `Network`, `Project`). Tombstones have no `data` and no
//! `standard_version`.
//!
//! The wire types are [`lotse_standard::rpde::Page`] and [`lotse_standard::rpde::Item`], which
//! the hub writes and reads too. The body is written by hand all the same: `data` is already
//! JSON text, and copying it into the page verbatim avoids parsing every offer on every read
//! (building the shared type from stored text would parse it). A test keeps the hand-written
//! bytes equal to the shared type's.

use axum::extract::{Extension, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use lotse_http::Problem;
use lotse_standard::rpde::Kind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::state::AppState;
use crate::store::FeedRow;

/// `Cache-Control` of a page with items.
pub const CACHE_FULL_PAGE: &str = "public, max-age=3600";
/// `Cache-Control` of the last page.
pub const CACHE_LAST_PAGE: &str = "public, max-age=8";
/// The path of a kind's feed below the public URL (`/feed/offers`, …).
pub fn feed_path(kind: Kind) -> String {
    format!("/feed/{}", kind.plural())
}

/// The position after which a page starts.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// The `modified` of the last item seen.
    #[param(value_type = Option<i64>)]
    pub after_timestamp: Option<String>,
    /// The `id` of the last item seen.
    pub after_id: Option<String>,
}

// The wire type is `lotse_standard::rpde::Page`; a test keeps the members of both equal.
/// An RPDE page (documentation of the shape; the body is written by [`render_page`]).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FeedPage {
    /// The URL of the next page; on the last page, this page's own URL.
    pub next: String,
    pub items: Vec<FeedItem>,
    /// The license of the data.
    pub license: String,
}

// The wire type is `lotse_standard::rpde::Item`; a test keeps the members of both equal.
/// An RPDE item: an offer (`updated`) or a tombstone (`deleted`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FeedItem {
    /// `updated` or `deleted`.
    pub state: String,
    /// The feed's kind: `Offer`, `Organization`, `Network` or `Project`.
    pub kind: String,
    pub id: String,
    /// The change number; grows with every change of the node.
    pub modified: i64,
    /// The standard version the record was validated with (`updated` items only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub standard_version: Option<String>,
    /// The record in the standard's JSON (`updated` items only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<Object>)]
    pub data: Option<serde_json::Value>,
}

/// The absolute URL of the page of `kind`'s feed after `(modified, id)`.
pub fn page_url(public_url: &str, kind: Kind, after: Option<(i64, &str)>) -> String {
    let path = feed_path(kind);
    match after {
        None => format!("{public_url}{path}"),
        Some((ts, id)) => {
            let id = serde_urlencoded::to_string([("afterId", id)]).unwrap_or_default();
            format!("{public_url}{path}?afterTimestamp={ts}&{id}")
        }
    }
}

fn parse_position(q: &FeedQuery) -> Result<Option<(i64, &str)>, Problem> {
    match (&q.after_timestamp, &q.after_id) {
        (None, None) => Ok(None),
        (Some(ts), Some(id)) => match ts.parse::<i64>() {
            Ok(ts) if ts >= 0 => Ok(Some((ts, id.as_str()))),
            _ => Err(Problem::bad_request(
                "afterTimestamp muss eine nicht-negative ganze Zahl sein.",
                "afterTimestamp must be a non-negative integer.",
            )),
        },
        _ => Err(Problem::bad_request(
            "afterTimestamp und afterId gehören zusammen: beide oder keiner.",
            "afterTimestamp and afterId go together: both or neither.",
        )),
    }
}

/// Writes a page as JSON text: the bytes serde_json writes for the page as a
/// [`lotse_standard::rpde::Page`].
pub fn render_page(
    public_url: &str,
    kind: Kind,
    license: &str,
    own: Option<(i64, &str)>,
    rows: &[FeedRow],
) -> String {
    let next = match rows.last() {
        Some(last) => page_url(public_url, kind, Some((last.modified, &last.id))),
        None => page_url(public_url, kind, own),
    };
    // The kind's name is a plain identifier, so it needs no escaping.
    let updated = format!("{{\"state\":\"updated\",\"kind\":\"{}\",\"id\":", kind.as_str());
    let deleted = format!("{{\"state\":\"deleted\",\"kind\":\"{}\",\"id\":", kind.as_str());
    let size: usize = rows.iter().map(|r| r.data.as_ref().map_or(0, String::len) + r.id.len() + 96).sum();
    let mut out = String::with_capacity(size + next.len() + license.len() + 64);
    out.push_str("{\"next\":");
    push_json_string(&mut out, &next);
    out.push_str(",\"items\":[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match &row.data {
            Some(data) => {
                out.push_str(&updated);
                push_json_string(&mut out, &row.id);
                out.push_str(",\"modified\":");
                out.push_str(&row.modified.to_string());
                if let Some(v) = &row.standard_version {
                    out.push_str(",\"standard_version\":");
                    push_json_string(&mut out, v);
                }
                out.push_str(",\"data\":");
                // Stored canonical JSON, written by serde_json; copied as it is.
                out.push_str(data);
                out.push('}');
            }
            None => {
                out.push_str(&deleted);
                push_json_string(&mut out, &row.id);
                out.push_str(",\"modified\":");
                out.push_str(&row.modified.to_string());
                out.push('}');
            }
        }
    }
    out.push_str("],\"license\":");
    push_json_string(&mut out, license);
    out.push('}');
    out
}

fn push_json_string(out: &mut String, s: &str) {
    // serde_json escapes exactly as JSON requires; a string cannot fail to serialise.
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned()));
}

/// `GET /feed/{kind}`
#[utoipa::path(
    get,
    path = "/feed/{kind}",
    tag = "feed",
    params(
        ("kind" = String, Path, description = "Die Datensatzart / the record kind: offers, organizations, networks, projects"),
        FeedQuery,
    ),
    responses(
        (status = 200, description = "Eine Seite des RPDE-Feeds / one page of the RPDE feed", body = FeedPage,
         headers(("Cache-Control" = String, description = "public, max-age=3600 with items; public, max-age=8 on the last page"))),
        (status = 400, description = "Ungültige Position / invalid position", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unbekannte Datensatzart / unknown record kind", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn feed(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    Query(q): Query<FeedQuery>,
) -> Result<Response, Problem> {
    let own = parse_position(&q)?;
    let rows = state
        .store
        .feed_page(kind, own, state.config.feed_page_size)
        .await
        .map_err(|e| Problem::internal(&e))?;
    let body = render_page(&state.public_url, kind, &state.config.license, own, &rows);
    state.metrics.feed_reads.inc(&[]);
    state.metrics.feed_items.inc_by(&[], rows.len() as u64);
    let cache = if rows.is_empty() { CACHE_LAST_PAGE } else { CACHE_FULL_PAGE };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use lotse_http::openapi::assert_object_members;
    use lotse_standard::rpde;
    use serde_json::Value;
    use serde_json::value::RawValue;

    use super::*;

    fn row(id: &str, modified: i64, data: Option<&str>) -> FeedRow {
        FeedRow {
            id: id.into(),
            modified,
            data: data.map(str::to_owned),
            standard_version: data.map(|_| "1.0.0".to_owned()),
        }
    }

    #[test]
    fn page_with_items_and_tombstone() {
        let rows = [row("a:1", 3, Some(r#"{"id":"a:1","x":"ü\""}"#)), row("b", 4, None)];
        let text = render_page("http://n", Kind::Offer, "https://lic", None, &rows);
        let page: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(page["next"], "http://n/feed/offers?afterTimestamp=4&afterId=b");
        assert_eq!(page["license"], "https://lic");
        assert_eq!(page["items"][0]["state"], "updated");
        assert_eq!(page["items"][0]["kind"], "Offer");
        assert_eq!(page["items"][0]["modified"], 3);
        assert_eq!(page["items"][0]["standard_version"], "1.0.0");
        assert_eq!(page["items"][0]["data"]["x"], "ü\"");
        let tomb = page["items"][1].as_object().unwrap();
        assert_eq!(tomb.keys().collect::<Vec<_>>(), ["id", "kind", "modified", "state"]);
        assert_eq!(tomb["state"], "deleted");
        // The page also reads as the documented shape.
        let _: FeedPage = serde_json::from_str(&text).unwrap();
    }

    #[test]
    fn last_page_points_at_itself_and_ids_are_encoded() {
        let text = render_page("http://n", Kind::Offer, "l", Some((7, "x y&z")), &[]);
        let page: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(page["next"], "http://n/feed/offers?afterTimestamp=7&afterId=x+y%26z");
        assert_eq!(page["items"], Value::Array(vec![]));
        let text = render_page("http://n", Kind::Offer, "l", None, &[]);
        let page: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(page["next"], "http://n/feed/offers");
    }

    /// The page as the shared wire type, written by serde_json.
    fn shared(
        public_url: &str,
        kind: Kind,
        license: &str,
        own: Option<(i64, &str)>,
        rows: &[FeedRow],
    ) -> String {
        let next = match rows.last() {
            Some(last) => page_url(public_url, kind, Some((last.modified, &last.id))),
            None => page_url(public_url, kind, own),
        };
        let items = rows
            .iter()
            .map(|r| match &r.data {
                Some(d) => rpde::Item::updated(
                    kind,
                    r.id.clone(),
                    r.modified,
                    r.standard_version.clone(),
                    RawValue::from_string(d.clone()).unwrap(),
                ),
                None => rpde::Item::deleted(kind, r.id.clone(), r.modified),
            })
            .collect();
        serde_json::to_string(&rpde::Page { next, items, license: license.to_owned() }).unwrap()
    }

    #[test]
    fn the_bytes_are_pinned() {
        let rows = [
            row("a:1", 3, Some(r#"{"id":"a:1","x":"ü\"\u0001"}"#)),
            FeedRow { standard_version: None, ..row("c", 4, Some("{}")) },
            row("b/ü \"q\"", 5, None),
        ];
        let text = render_page("http://n", Kind::Offer, "https://lic", None, &rows);
        assert_eq!(
            text,
            concat!(
                r#"{"next":"http://n/feed/offers?afterTimestamp=5&afterId=b%2F%C3%BC+%22q%22","items":["#,
                r#"{"state":"updated","kind":"Offer","id":"a:1","modified":3,"standard_version":"1.0.0","data":{"id":"a:1","x":"ü\"\u0001"}},"#,
                r#"{"state":"updated","kind":"Offer","id":"c","modified":4,"data":{}},"#,
                r#"{"state":"deleted","kind":"Offer","id":"b/ü \"q\"","modified":5}"#,
                r#"],"license":"https://lic"}"#
            )
        );
        assert_eq!(
            render_page("http://n", Kind::Offer, "l", Some((7, "x")), &[]),
            r#"{"next":"http://n/feed/offers?afterTimestamp=7&afterId=x","items":[],"license":"l"}"#
        );
        assert_eq!(
            render_page("http://n", Kind::Network, "l", None, &rows[2..]),
            concat!(
                r#"{"next":"http://n/feed/networks?afterTimestamp=5&afterId=b%2F%C3%BC+%22q%22","items":["#,
                r#"{"state":"deleted","kind":"Network","id":"b/ü \"q\"","modified":5}"#,
                r#"],"license":"l"}"#
            )
        );
    }

    #[test]
    fn the_hand_writer_writes_the_shared_wire_type() {
        let rows = [
            row("a:1", 3, Some(r#"{"id":"a:1","x":"ü\"\u0001","n":[1.5,null,true]}"#)),
            FeedRow { standard_version: None, ..row("c", 4, Some("{}")) },
            row("b/ü \"q\"\n", 5, None),
        ];
        for kind in Kind::ALL {
            for (own, rows) in [(None, &rows[..]), (Some((9, "z z")), &[][..]), (None, &rows[2..])] {
                assert_eq!(
                    render_page("http://n", kind, "lic \"x\"", own, rows),
                    shared("http://n", kind, "lic \"x\"", own, rows)
                );
            }
        }
    }

    #[test]
    fn the_documented_shape_has_the_wire_members() {
        assert_object_members::<FeedPage>(rpde::PAGE_MEMBERS, rpde::PAGE_MEMBERS);
        // A tombstone has only the first four members.
        assert_object_members::<FeedItem>(rpde::ITEM_MEMBERS, &rpde::ITEM_MEMBERS[..4]);
    }

    #[test]
    fn position_needs_both_parts() {
        let q = |ts: Option<&str>, id: Option<&str>| FeedQuery {
            after_timestamp: ts.map(str::to_owned),
            after_id: id.map(str::to_owned),
        };
        assert!(parse_position(&q(None, None)).unwrap().is_none());
        assert_eq!(parse_position(&q(Some("5"), Some("a"))).unwrap(), Some((5, "a")));
        assert!(parse_position(&q(Some("5"), None)).is_err());
        assert!(parse_position(&q(Some("x"), Some("a"))).is_err());
        assert!(parse_position(&q(Some("-1"), Some("a"))).is_err());
    }
}
