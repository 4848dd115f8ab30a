//! The error of every HTTP handler: a problem response (RFC 9457). The hub's library errors are
//! turned into problems here and nowhere else: caller mistakes become 4xx answers, everything
//! else a logged 500 that tells the caller nothing about the inside.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use lotse_http::Problem;

use crate::error::HubError;
use crate::store::StoreError;

/// A handler error: always a problem response.
#[derive(Debug)]
pub(crate) struct HttpError(pub Problem);

pub(crate) type HttpResult<T> = Result<T, HttpError>;

impl IntoResponse for HttpError {
    fn into_response(self) -> axum::response::Response {
        self.0.into_response()
    }
}

impl From<Problem> for HttpError {
    fn from(p: Problem) -> Self {
        HttpError(p)
    }
}

/// Maps library errors to problems: caller mistakes to 4xx, everything else to a logged 500.
impl From<HubError> for HttpError {
    fn from(e: HubError) -> Self {
        HttpError(match e {
            HubError::Invalid { de, en, field } => {
                Problem::bad_request(de, en).with_extension("field", serde_json::Value::from(field))
            }
            HubError::NodeNotFound(id) => {
                Problem::not_found(&format!("Der Knoten „{id}“"), &format!("The node \"{id}\""))
            }
            HubError::Store(StoreError::DuplicateNode(id)) => conflict(
                format!("Ein Knoten mit der ID „{id}“ ist bereits registriert."),
                format!("A node with the id \"{id}\" is already registered."),
            ),
            HubError::Store(StoreError::DuplicateTokenName(name)) => conflict(
                format!("Ein aktives Token namens „{name}“ gibt es bereits."),
                format!("An active token named \"{name}\" already exists."),
            ),
            other => Problem::internal(&other),
        })
    }
}

impl From<StoreError> for HttpError {
    fn from(e: StoreError) -> Self {
        HubError::Store(e).into()
    }
}

/// A search parameter that cannot be read: a 400 naming it.
impl From<lotse_search::RequestError> for HttpError {
    fn from(e: lotse_search::RequestError) -> Self {
        HttpError(
            Problem::bad_request(
                format!("{}: {}", e.param, e.message_de),
                format!("{}: {}", e.param, e.message_en),
            )
            .with_extension("code", serde_json::Value::from(e.code))
            .with_extension("parameter", serde_json::Value::from(e.param)),
        )
    }
}

fn conflict(de: String, en: String) -> Problem {
    Problem::new(StatusCode::CONFLICT, "conflict", "Konflikt", "Conflict").with_detail(de, en)
}
