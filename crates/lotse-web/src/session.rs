//! Login sessions of the web pages: the side the node's steward pages and the hub's operator
//! pages share.
//!
//! The cookie holds a random session id (32 random bytes, hex); the services store only its
//! SHA-256 hash (the same hash as for API tokens), so a leaked database holds no usable session.
//! What a session belongs to, how long it lives and how it is stored is each service's own.

use axum::http::{HeaderMap, HeaderValue};
use lotse_http::Secret;
use lotse_http::token::{generate_token_with_prefix, hash_token};

use crate::cookie;

/// The cookie of one service's sessions, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionCookie(pub &'static str);

/// A session id just drawn: the hash to store and the id for the cookie.
#[derive(Debug)]
pub struct NewSession {
    pub id_hash: String,
    id: Secret,
}

impl SessionCookie {
    /// Draws a new session id.
    pub fn new_session(&self) -> NewSession {
        let id = generate_token_with_prefix("");
        NewSession { id_hash: hash_token(id.expose()), id }
    }

    /// The hash of the session id the request's cookie carries, if it carries one.
    pub fn hash_in(&self, headers: &HeaderMap) -> Option<String> {
        cookie::get(headers, self.0).filter(|v| !v.is_empty()).map(hash_token)
    }

    /// The `Set-Cookie` value that hands `session` to the browser for `max_age` seconds.
    pub fn set(&self, session: &NewSession, max_age: u64, secure: bool) -> HeaderValue {
        cookie::set(self.0, session.id.expose(), Some(max_age), secure)
    }

    /// The `Set-Cookie` value that removes the session cookie.
    pub fn clear(&self) -> HeaderValue {
        cookie::clear(self.0)
    }
}

#[cfg(test)]
mod tests {
    use axum::http::header;

    use super::*;

    #[test]
    fn the_cookie_carries_the_id_whose_hash_is_stored() {
        let cookie = SessionCookie("lotse_test");
        let session = cookie.new_session();
        let set = cookie.set(&session, 60, false);
        let pair = set.to_str().unwrap().split(';').next().unwrap().to_owned();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&pair).unwrap());
        assert_eq!(cookie.hash_in(&headers), Some(session.id_hash.clone()));
        assert_ne!(cookie.new_session().id_hash, session.id_hash);
        // An emptied cookie (after logging out) is no session.
        headers.insert(header::COOKIE, HeaderValue::from_static("lotse_test="));
        assert_eq!(cookie.hash_in(&headers), None);
        assert!(cookie.clear().to_str().unwrap().contains("Max-Age=0"));
    }
}
