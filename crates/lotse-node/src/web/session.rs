//! Login sessions of the steward pages.
//!
//! The cookie holds 32 random bytes (hex); the store keeps only their SHA-256 hash with an
//! expiry, so a leaked database holds no usable session. A session is valid only on the node
//! that opened it, only until it expires, and only while its token is not revoked (the store's
//! lookup checks the last two). Logging out deletes it.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lotse_web::Lang;
use lotse_web::session::SessionCookie;

use crate::ingest::{Actor, now_unix};
use crate::state::AppState;
use crate::store::{Session, SessionOwner};

/// The session cookie.
pub const SESSION_COOKIE: SessionCookie = SessionCookie("lotse_session");

/// A request of a logged-in steward.
#[derive(Debug, Clone)]
pub struct StewardSession(pub Session);

impl StewardSession {
    /// Who the import log names for changes made in this session.
    pub fn actor(&self) -> Actor {
        match self.0.owner {
            SessionOwner::Token(id) => Actor { token_id: Some(id), name: self.0.name.clone() },
            // The prefix tells accounts apart from tokens of the same name in the log.
            SessionOwner::User(_) => Actor { token_id: None, name: format!("konto:{}", self.0.name) },
        }
    }
}

/// The session cookie's value in `headers`, hashed.
pub fn cookie_hash(headers: &HeaderMap) -> Option<String> {
    SESSION_COOKIE.hash_in(headers)
}

/// Opens a session; returns the `Set-Cookie` header value.
pub async fn open(
    state: &AppState,
    headers: &HeaderMap,
    owner: SessionOwner,
    name: &str,
) -> Result<axum::http::HeaderValue, crate::store::StoreError> {
    let session = SESSION_COOKIE.new_session();
    let now = now_unix();
    let max_age = u64::from(state.config.session_hours) * 3600;
    // Expired sessions of others are cleared on the way, so the table does not grow forever.
    state.store.purge_expired_sessions(now).await?;
    state
        .store
        .create_session(&Session {
            id_hash: session.id_hash.clone(),
            node_id: state.config.node_id.clone(),
            owner,
            name: name.to_owned(),
            created_at: now,
            expires_at: now + i64::try_from(max_age).unwrap_or(i64::MAX),
        })
        .await?;
    let secure = lotse_web::cookie::behind_tls(headers, Some(&state.public_url));
    Ok(SESSION_COOKIE.set(&session, max_age, secure))
}

/// Where an unauthenticated page request is sent: the login page, with the page to return to.
fn to_login(parts: &Parts) -> Response {
    let lang = Lang::from_query(parts.uri.query());
    let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/angebote");
    let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    let lang_param = if lang == Lang::En { "&lang=en" } else { "" };
    Redirect::to(&format!("/anmelden?next={next}{lang_param}")).into_response()
}

impl FromRequestParts<AppState> for StewardSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let wants_json = parts
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("application/json"));
        let reject = |parts: &Parts| {
            if wants_json {
                (StatusCode::UNAUTHORIZED, axum::Json(serde_json::json!({"error": "login required"})))
                    .into_response()
            } else {
                to_login(parts)
            }
        };
        let Some(hash) = cookie_hash(&parts.headers) else {
            return Err(reject(parts));
        };
        let session = match state.store.session_by_hash(&hash, now_unix()).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return Err(lotse_web::error_page(
                    Lang::from_query(parts.uri.query()),
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Interner Fehler.",
                    "Internal error.",
                ));
            }
        };
        match session {
            // A session of another node (two nodes sharing one database) is no session here.
            Some(s) if s.node_id == state.config.node_id => Ok(StewardSession(s)),
            _ => Err(reject(parts)),
        }
    }
}
