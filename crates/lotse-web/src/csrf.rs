//! Protection against cross-site request forgery for every form that changes data.
//!
//! Double-submit cookie: the layer gives every visitor a random token in the `lotse_csrf`
//! cookie; pages render the same token into their forms (`_csrf`) or send it in
//! `X-CSRF-Token`; a handler that changes data compares the two. A page on another site can
//! make the browser send the cookie but cannot read it, so it cannot fill in the field. The
//! layer also refuses unsafe requests whose `Origin` names another host.

use axum::Router;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::{Lang, cookie, error_page};

/// The cookie's name.
pub const COOKIE: &str = "lotse_csrf";
/// The form field's name.
pub const FIELD: &str = "_csrf";
/// The header for script calls.
pub const HEADER: &str = "x-csrf-token";

/// The visitor's CSRF token, as the layer found or issued it.
#[derive(Debug, Clone)]
pub struct CsrfToken(String);

impl CsrfToken {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Compares a submitted token with the visitor's; on mismatch, an error that answers with
    /// the 403 page.
    pub fn verify(&self, submitted: &str, lang: Lang) -> Result<(), Rejected> {
        // In constant time, so that the answer's timing tells nothing about how much of a
        // guessed token was right.
        if bool::from(self.0.as_bytes().ct_eq(submitted.as_bytes())) { Ok(()) } else { Err(Rejected(lang)) }
    }

    /// Like [`verify`](Self::verify) with the token from the `X-CSRF-Token` header.
    pub fn verify_header(&self, headers: &HeaderMap, lang: Lang) -> Result<(), Rejected> {
        let submitted = headers.get(HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
        self.verify(submitted, lang)
    }
}

/// A request whose CSRF token did not match; answers with a 403 page in the page's language.
#[derive(Debug, Clone, Copy)]
pub struct Rejected(pub Lang);

impl IntoResponse for Rejected {
    fn into_response(self) -> Response {
        forbidden(self.0)
    }
}

fn forbidden(lang: Lang) -> Response {
    error_page(
        lang,
        StatusCode::FORBIDDEN,
        "Das Formular ist abgelaufen oder kam nicht von dieser Seite. Bitte laden Sie die Seite neu und senden Sie es noch einmal.",
        "The form has expired or did not come from this site. Please reload the page and send it again.",
    )
}

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<CsrfToken>().cloned().ok_or_else(|| {
            tracing::error!("CsrfToken used on a route without csrf::apply");
            error_page(Lang::De, StatusCode::INTERNAL_SERVER_ERROR, "Interner Fehler.", "Internal error.")
        })
    }
}

/// Adds the token to every request of `router` (issuing the cookie where it is missing) and
/// refuses cross-origin unsafe requests. `public_url` decides the cookie's `Secure` flag.
pub fn apply<S: Clone + Send + Sync + 'static>(router: Router<S>, public_url: Option<String>) -> Router<S> {
    router.layer(middleware::from_fn(move |req: Request, next: Next| {
        let public_url = public_url.clone();
        async move { handle(req, next, public_url.as_deref()).await }
    }))
}

async fn handle(mut req: Request, next: Next, public_url: Option<&str>) -> Response {
    let lang = Lang::from_query(req.uri().query());
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !same_origin(req.headers()) {
        return forbidden(lang);
    }
    let existing = cookie::get(req.headers(), COOKIE).filter(|t| well_formed(t)).map(str::to_owned);
    let issued = existing.is_none();
    let token = existing.unwrap_or_else(new_token);
    let secure = cookie::behind_tls(req.headers(), public_url);
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut res = next.run(req).await;
    if issued {
        res.headers_mut().append(header::SET_COOKIE, cookie::set(COOKIE, &token, None, secure));
    }
    res
}

/// An `Origin` header, when the browser sends one, must name the host the request went to.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else { return false };
    origin.split_once("://").map(|(_, h)| h) == Some(host)
}

fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

fn well_formed(t: &str) -> bool {
    t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    fn app() -> Router {
        apply(
            Router::new().route(
                "/",
                get(|t: CsrfToken| async move { t.as_str().to_owned() }).post(
                    |t: CsrfToken, body: String| async move {
                        match t.verify(body.strip_prefix("_csrf=").unwrap_or(""), Lang::De) {
                            Ok(()) => "ok".into_response(),
                            Err(r) => r.into_response(),
                        }
                    },
                ),
            ),
            None,
        )
    }

    async fn body(res: Response) -> String {
        String::from_utf8(axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap()
    }

    #[tokio::test]
    async fn issues_a_cookie_and_accepts_only_the_matching_field() {
        let res = app().oneshot(Request::get("/").body(Body::empty()).unwrap()).await.unwrap();
        let set = res.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"));
        let token = body(res).await;
        assert!(set.starts_with(&format!("{COOKIE}={token};")));

        let post = |field: String, origin: Option<&'static str>| {
            let mut b = Request::post("/")
                .header(header::COOKIE, format!("{COOKIE}={token}"))
                .header(header::HOST, "hub.test");
            if let Some(o) = origin {
                b = b.header(header::ORIGIN, o);
            }
            b.body(Body::from(field)).unwrap()
        };
        let ok = app().oneshot(post(format!("_csrf={token}"), Some("http://hub.test"))).await.unwrap();
        assert_eq!(ok.status(), StatusCode::OK);
        assert!(ok.headers().get(header::SET_COOKIE).is_none(), "an existing token is kept");
        let wrong = app().oneshot(post("_csrf=00".into(), None)).await.unwrap();
        assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
        let foreign = app().oneshot(post(format!("_csrf={token}"), Some("https://evil.test"))).await.unwrap();
        assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    }
}
