//! A JSON body extractor whose rejections are problem responses with the error position.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::Problem;

/// Like [`axum::Json`], but a malformed or mistyped body is answered with a problem.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(json_rejection_problem(&rejection)),
        }
    }
}

fn json_rejection_problem(rejection: &JsonRejection) -> Problem {
    let text = rejection.body_text();
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            Problem::unsupported_media_type("?", &["application/json"])
        }
        _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Anfrage zu groß",
            "Payload too large",
        ),
        _ => Problem::bad_request(format!("Ungültiges JSON: {text}"), format!("Invalid JSON: {text}")),
    }
}
