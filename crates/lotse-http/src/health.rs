//! `/healthz` (the process answers) and `/readyz` (its dependencies answer too).

use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Problem;

/// What `/readyz` checks, usually that the database answers a trivial query.
#[async_trait::async_trait]
pub trait Readiness: Send + Sync + 'static {
    /// `Err` carries a short reason that is logged, never sent.
    async fn check(&self) -> Result<(), String>;
}

/// The body of a successful health answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthStatus {
    /// Always `ok`.
    pub status: &'static str,
}

/// A router with `GET /healthz` and `GET /readyz`, to be merged into a service's router.
pub fn router<S>(readiness: Arc<dyn Readiness>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz).with_state(readiness))
}

/// Liveness: answers as long as the process serves requests.
pub async fn healthz() -> Json<HealthStatus> {
    Json(HealthStatus { status: "ok" })
}

/// Readiness: 200 when the dependencies answer, 503 (problem) otherwise.
pub async fn readyz(State(readiness): State<Arc<dyn Readiness>>) -> Result<Json<HealthStatus>, Problem> {
    match readiness.check().await {
        Ok(()) => Ok(Json(HealthStatus { status: "ok" })),
        Err(reason) => {
            tracing::warn!(%reason, "readiness check failed");
            Err(Problem::unavailable("Die Datenbank ist nicht erreichbar.", "The database is not reachable."))
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    use super::*;

    struct Fixed(bool);

    #[async_trait::async_trait]
    impl Readiness for Fixed {
        async fn check(&self) -> Result<(), String> {
            if self.0 { Ok(()) } else { Err("down".into()) }
        }
    }

    async fn status(ready: bool, path: &str) -> StatusCode {
        let app: Router = router(Arc::new(Fixed(ready)));
        let response = app.oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        response.status()
    }

    #[tokio::test]
    async fn readyz_follows_the_check_and_healthz_does_not() {
        assert_eq!(status(true, "/readyz").await, StatusCode::OK);
        assert_eq!(status(false, "/readyz").await, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(status(false, "/healthz").await, StatusCode::OK);
    }
}
