//! A query-string extractor whose rejections are problem responses.

use axum::extract::{FromRequestParts, Query as AxumQuery};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::Problem;

/// Like [`axum::extract::Query`], but a malformed query string (an unknown value, a number
/// that is not one) is answered with a 400 problem that names the parameter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match AxumQuery::<T>::from_request_parts(parts, state).await {
            Ok(AxumQuery(value)) => Ok(Query(value)),
            Err(rejection) => {
                let text = rejection.body_text();
                Err(Problem::bad_request(
                    format!("Ungültige Abfrageparameter: {text}"),
                    format!("Invalid query parameters: {text}"),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use axum::routing::get;
    use serde::Deserialize;
    use tower::ServiceExt;

    use super::*;

    #[derive(Deserialize)]
    struct Paging {
        limit: Option<u32>,
    }

    async fn handler(Query(p): Query<Paging>) -> String {
        p.limit.unwrap_or(0).to_string()
    }

    #[tokio::test]
    async fn bad_values_are_problems() {
        let app: Router = Router::new().route("/", get(handler));
        let ok = app.clone().oneshot(Request::get("/?limit=5").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(ok.status(), StatusCode::OK);
        let bad = app.oneshot(Request::get("/?limit=fünf").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        assert_eq!(bad.headers()[header::CONTENT_TYPE], crate::problem::PROBLEM_CONTENT_TYPE);
    }
}
