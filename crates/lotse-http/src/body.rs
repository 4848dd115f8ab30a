//! Request bodies with a size limit, answered with a problem (413) when exceeded.
//!
//! The limit itself is set per router with [`axum::extract::DefaultBodyLimit::max`]; the
//! [`LimitedBytes`] extractor turns axum's plain-text rejections into problem responses, so a
//! client always gets `application/problem+json`.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_LENGTH;

use crate::Problem;

/// The limit of a router, kept as state so that the 413 answer can name it.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

impl BodyLimit {
    /// The layer that enforces this limit on every request body of a router.
    pub fn layer(self) -> DefaultBodyLimit {
        DefaultBodyLimit::max(self.0)
    }
}

/// The whole request body; 413 (problem) if it exceeds the router's [`BodyLimit`].
#[derive(Debug)]
pub struct LimitedBytes(pub Bytes);

impl<S> FromRequest<S> for LimitedBytes
where
    S: Send + Sync,
    BodyLimit: axum::extract::FromRef<S>,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let limit = <BodyLimit as axum::extract::FromRef<S>>::from_ref(state).0;
        // Refuse early on a declared length, before reading anything.
        let declared = req
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(Problem::payload_too_large(limit));
        }
        match Bytes::from_request(req, state).await {
            Ok(bytes) => Ok(LimitedBytes(bytes)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(Problem::payload_too_large(limit))
            }
            Err(rejection) => Err(Problem::bad_request(
                format!("Der Inhalt der Anfrage konnte nicht gelesen werden: {}", rejection.body_text()),
                format!("The request body could not be read: {}", rejection.body_text()),
            )),
        }
    }
}
