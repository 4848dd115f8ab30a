//! `GET /feed/{kind}`: the hub's RPDE feeds over HTTP (`offers`, `organizations`, `networks`,
//! `projects`, each registered under its own path, which hands the handler its kind), with
//! RPDE's caching advice. The pages are built by [`crate::feed`].

use axum::extract::{Extension, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use lotse_http::Problem;
use lotse_http::problem::ProblemDetails;
use lotse_http::query::Query;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::feed::{self, FeedError, FeedPage};
use crate::http_error::{HttpError, HttpResult};
use crate::state::AppState;

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

/// RPDE's recommendation: pages with items may be cached long (new changes appear on later
/// pages, never on this one's position), the last page only briefly.
const CACHE_FULL: &str = "public, max-age=3600";
const CACHE_LAST: &str = "public, max-age=8";

impl From<FeedError> for HttpError {
    fn from(e: FeedError) -> Self {
        match e {
            FeedError::Store(e) => e.into(),
            FeedError::Data(e) => HttpError(Problem::internal(&e)),
        }
    }
}

/// The hub's RPDE feed of a record kind.
#[utoipa::path(
    get,
    path = "/feed/{kind}",
    tag = "feed",
    params(
        ("kind" = String, Path, description = "The record kind: offers, organizations, networks, projects"),
        FeedQuery,
    ),
    responses(
        (status = 200, description = "A page of the feed", body = FeedPage),
        (status = 400, description = "Invalid parameters", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown record kind", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn feed(
    State(state): State<AppState>,
    Extension(kind): Extension<lotse_standard::rpde::Kind>,
    Query(q): Query<FeedQuery>,
) -> HttpResult<Response> {
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
    let config = hub.config();
    let page = feed::page(
        hub.store().as_ref(),
        hub.metrics(),
        kind,
        after,
        config.page_size,
        &state.base_url,
        &config.license,
    )
    .await?;
    let cache = if page.is_last() { CACHE_LAST } else { CACHE_FULL };
    let mut response = axum::Json(page).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(response)
}
