//! The state every request handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use lotse_http::body::BodyLimit;
use lotse_http::rate_limit::RateLimiter;

use crate::config::NodeConfig;
use crate::metrics::NodeMetrics;
use crate::ping::PingHandle;
use crate::store::NodeStore;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<NodeConfig>,
    /// The base URL for absolute links, without a trailing slash.
    pub public_url: Arc<str>,
    pub store: Arc<dyn NodeStore>,
    pub metrics: NodeMetrics,
    pub limiter: Arc<RateLimiter>,
    pub pinger: PingHandle,
}

impl AppState {
    pub fn new(
        config: NodeConfig,
        public_url: &str,
        store: Arc<dyn NodeStore>,
        pinger: PingHandle,
        metrics: NodeMetrics,
    ) -> Self {
        let limiter = Arc::new(RateLimiter::new(config.service.rate_limit_per_minute));
        Self {
            public_url: public_url.trim_end_matches('/').into(),
            config: Arc::new(config),
            store,
            metrics,
            limiter,
            pinger,
        }
    }
}

impl FromRef<AppState> for BodyLimit {
    fn from_ref(state: &AppState) -> Self {
        BodyLimit(state.config.service.body_limit_bytes)
    }
}
