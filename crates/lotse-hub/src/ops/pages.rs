//! The operator's HTML pages under `/betrieb` (built on the shared web conventions).

use axum::Router;

use crate::api::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
}
