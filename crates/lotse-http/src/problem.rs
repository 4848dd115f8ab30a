//! Errors as `application/problem+json` (RFC 9457), with German and English texts.
//!
//! One type, [`Problem`], with a small constructor per situation, in the manner of crates.io's
//! `util/errors.rs`. `title` and `detail` are German (the users' language); `title_en` and
//! `detail_en` carry the English counterpart. Server errors are logged with their cause and
//! answered with a generic text, so that internals never reach the client.

use std::collections::BTreeMap;
use std::fmt;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// The media type of problem responses.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// A problem response. The details are boxed so that `Result<T, Problem>` stays small.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Problem(Box<ProblemDetails>);

impl std::ops::Deref for Problem {
    type Target = ProblemDetails;

    fn deref(&self) -> &ProblemDetails {
        &self.0
    }
}

impl std::ops::DerefMut for Problem {
    fn deref_mut(&mut self) -> &mut ProblemDetails {
        &mut self.0
    }
}

/// The members of a problem response (RFC 9457, with German and English texts).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemDetails {
    /// A URI that identifies the kind of problem, `urn:lotse:problem:<slug>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short German summary of the kind of problem.
    pub title: String,
    /// The same summary in English.
    pub title_en: String,
    /// The HTTP status code.
    pub status: u16,
    /// German explanation of this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// English explanation of this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail_en: Option<String>,
    /// Validation findings or other itemised errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub errors: Vec<Value>,
    /// Further members specific to the kind of problem (for example an import report).
    #[serde(flatten)]
    #[schema(ignore)]
    pub extensions: BTreeMap<String, Value>,
    /// Seconds after which a rate-limited client may try again; sent as `Retry-After`.
    #[serde(skip)]
    #[schema(ignore)]
    pub retry_after_secs: Option<u64>,
}

impl Problem {
    /// A problem of the given status and kind with German and English titles.
    pub fn new(status: StatusCode, slug: &str, title_de: &str, title_en: &str) -> Self {
        Self(Box::new(ProblemDetails {
            type_uri: format!("urn:lotse:problem:{slug}"),
            title: title_de.to_owned(),
            title_en: title_en.to_owned(),
            status: status.as_u16(),
            detail: None,
            detail_en: None,
            errors: Vec::new(),
            extensions: BTreeMap::new(),
            retry_after_secs: None,
        }))
    }

    /// Adds the German and English explanation of this occurrence.
    pub fn with_detail(mut self, de: impl Into<String>, en: impl Into<String>) -> Self {
        self.detail = Some(de.into());
        self.detail_en = Some(en.into());
        self
    }

    /// Adds itemised errors (validation findings).
    pub fn with_errors(mut self, errors: Vec<Value>) -> Self {
        self.errors = errors;
        self
    }

    /// Adds a further member to the problem object.
    pub fn with_extension(mut self, key: &str, value: Value) -> Self {
        self.extensions.insert(key.to_owned(), value);
        self
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// 400: the request could not be understood.
    pub fn bad_request(detail_de: impl Into<String>, detail_en: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", "Ungültige Anfrage", "Bad request")
            .with_detail(detail_de, detail_en)
    }

    /// 401: no token, an unknown one or a revoked one. The three cases are not told apart, so
    /// that the answer does not reveal which tokens exist.
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "Nicht angemeldet", "Unauthorized").with_detail(
            "Es fehlt ein gültiges Token (Authorization: Bearer …), oder es wurde widerrufen.",
            "A valid token (Authorization: Bearer …) is missing, or it has been revoked.",
        )
    }

    /// 403: the token is valid but its role does not allow this request.
    pub fn forbidden(required_role: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "Keine Berechtigung", "Forbidden").with_detail(
            format!("Diese Anfrage erfordert die Rolle „{required_role}“."),
            format!("This request requires the role \"{required_role}\"."),
        )
    }

    /// 404: nothing under this address.
    pub fn not_found(what_de: &str, what_en: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Nicht gefunden", "Not found")
            .with_detail(format!("{what_de} wurde nicht gefunden."), format!("{what_en} was not found."))
    }

    /// 413: the request body is larger than the configured limit.
    pub fn payload_too_large(limit_bytes: usize) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large", "Anfrage zu groß", "Payload too large")
            .with_detail(
                format!("Der Inhalt der Anfrage ist größer als die erlaubten {limit_bytes} Bytes."),
                format!("The request body is larger than the allowed {limit_bytes} bytes."),
            )
            .with_extension("limit_bytes", Value::from(limit_bytes))
    }

    /// 415: a body in a format this endpoint does not read.
    pub fn unsupported_media_type(got: &str, supported: &[&str]) -> Self {
        let list = supported.join(", ");
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Format nicht unterstützt",
            "Unsupported media type",
        )
        .with_detail(
            format!("Content-Type „{got}“ wird nicht unterstützt; möglich sind: {list}."),
            format!("Content-Type \"{got}\" is not supported; supported are: {list}."),
        )
    }

    /// 422: the body was read but its content is invalid; `errors` lists the findings.
    pub fn unprocessable(errors: Vec<Value>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation-failed",
            "Validierung fehlgeschlagen",
            "Validation failed",
        )
        .with_errors(errors)
    }

    /// 429: the rate limit of this token is exhausted.
    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        let mut p = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Zu viele Anfragen",
            "Too many requests",
        )
        .with_detail(
            format!("Bitte in {retry_after_secs} Sekunden erneut versuchen."),
            format!("Please try again in {retry_after_secs} seconds."),
        );
        p.retry_after_secs = Some(retry_after_secs);
        p
    }

    /// 503: a dependency (usually the database) is not reachable.
    pub fn unavailable(detail_de: impl Into<String>, detail_en: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Dienst nicht verfügbar",
            "Service unavailable",
        )
        .with_detail(detail_de, detail_en)
    }

    /// 500: logs the cause and answers with a generic text; the cause is never sent.
    pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(error = %DisplayChain(cause), "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Interner Fehler", "Internal server error")
            .with_detail(
                "Ein unerwarteter Fehler ist aufgetreten; er wurde protokolliert.",
                "An unexpected error occurred; it has been logged.",
            )
    }
}

/// Displays an error with all its sources, `a: b: c`.
struct DisplayChain<'a>(&'a (dyn std::error::Error + 'static));

impl fmt::Display for DisplayChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(s) = source {
            write!(f, ": {s}")?;
            source = s.source();
        }
        Ok(())
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} / {}", self.status, self.title, self.title_en)?;
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problem {}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let body = match serde_json::to_vec(&self) {
            Ok(b) => b,
            // Serialising plain strings and JSON values cannot fail; answer bare if it ever does.
            Err(_) => return status.into_response(),
        };
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_CONTENT_TYPE));
        if let Some(secs) = self.retry_after_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            // The rest of the body was not read, so the connection cannot carry another
            // request; saying so keeps clients from reusing it and failing.
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_json(r: Response) -> Value {
        let bytes = axum::body::to_bytes(r.into_body(), usize::MAX).await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn renders_problem_json_with_both_languages() {
        let r = Problem::bad_request("kaputt", "broken").into_response();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(r.headers()[header::CONTENT_TYPE], PROBLEM_CONTENT_TYPE);
        let v = body_json(r).await;
        assert_eq!(v["type"], "urn:lotse:problem:bad-request");
        assert_eq!(v["title"], "Ungültige Anfrage");
        assert_eq!(v["title_en"], "Bad request");
        assert_eq!(v["status"], 400);
        assert_eq!(v["detail"], "kaputt");
        assert_eq!(v["detail_en"], "broken");
        assert!(v.get("errors").is_none());
    }

    #[tokio::test]
    async fn rate_limit_sets_retry_after_and_extensions_flatten() {
        let r = Problem::too_many_requests(7).with_extension("x", Value::from(1)).into_response();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers()[header::RETRY_AFTER], "7");
        let v = body_json(r).await;
        assert_eq!(v["x"], 1);
        assert!(v.get("retry_after_secs").is_none());
    }

    #[tokio::test]
    async fn unauthorized_asks_for_bearer() {
        let r = Problem::unauthorized().into_response();
        assert_eq!(r.headers()[header::WWW_AUTHENTICATE], "Bearer");
    }

    #[tokio::test]
    async fn internal_hides_the_cause() {
        let cause = std::io::Error::other("password=hunter2");
        let r = Problem::internal(&cause).into_response();
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let v = body_json(r).await;
        assert!(!v.to_string().contains("hunter2"));
    }

    #[tokio::test]
    async fn unprocessable_carries_errors() {
        let r = Problem::unprocessable(vec![serde_json::json!({"code": "x"})]).into_response();
        let v = body_json(r).await;
        assert_eq!(v["status"], 422);
        assert_eq!(v["errors"][0]["code"], "x");
    }
}
