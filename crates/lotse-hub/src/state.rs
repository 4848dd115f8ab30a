//! The state every request handler shares: the hub, the base of absolute links, the body
//! limit and the per-token rate limiter (which the extractors of [`crate::auth`] apply).

use std::sync::Arc;

use axum::extract::FromRef;
use lotse_http::Problem;
use lotse_http::body::BodyLimit;
use lotse_http::rate_limit::RateLimiter;
use lotse_search::{IndexError, SearchIndex};

use crate::http_error::{HttpError, HttpResult};
use crate::hub::Hub;

#[derive(Clone)]
pub(crate) struct AppState {
    pub hub: Hub,
    /// Prefix of absolute links (`next` of the feed, the sheets' URLs), without a trailing
    /// slash.
    pub base_url: Arc<str>,
    pub body_limit: BodyLimit,
    /// Requests per token and minute; keyed by the token's hash, so it never holds a usable
    /// token.
    pub limiter: Arc<RateLimiter>,
}

impl AppState {
    pub fn new(hub: Hub, base_url: &str) -> Self {
        let config = hub.config();
        let body_limit = BodyLimit(config.service.body_limit_bytes);
        let limiter = Arc::new(RateLimiter::new(config.service.rate_limit_per_minute));
        AppState { base_url: base_url.trim_end_matches('/').into(), body_limit, limiter, hub }
    }

    /// Runs `f` on the search index on the blocking pool: searching is CPU work on
    /// memory-mapped files and must not hold up the async workers.
    pub async fn on_index<T: Send + 'static>(
        &self,
        f: impl FnOnce(&SearchIndex) -> Result<T, IndexError> + Send + 'static,
    ) -> HttpResult<T> {
        let service = self.hub.search()?.clone();
        tokio::task::spawn_blocking(move || f(service.index()))
            .await
            .map_err(|e| HttpError(Problem::internal(&e)))?
            .map_err(|e| HttpError(Problem::internal(&e)))
    }
}

impl FromRef<AppState> for BodyLimit {
    fn from_ref(state: &AppState) -> Self {
        state.body_limit
    }
}
