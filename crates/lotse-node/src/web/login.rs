//! `/anmelden` and `/abmelden`: logging in with a steward token or an account's password, and
//! logging out.
//!
//! Attempts are rate-limited per client address and per account name (the limiter of
//! [`WebState`]), checked before any hash is computed, so guessing costs the guesser time
//! and the node nothing beyond the limiter's bucket.

use std::net::SocketAddr;
use std::sync::Arc;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use lotse_http::token::hash_token;
use lotse_web::csrf::CsrfToken;
use lotse_web::{Chrome, Lang};
use serde::Deserialize;

use super::WebState;
use super::page::{self, LangQuery};
use super::password::verify_password;
use super::session::{self, SESSION_COOKIE};
use crate::state::AppState;
use crate::store::{Role, SessionOwner};

#[derive(Template)]
#[template(path = "steward/login.html")]
struct LoginPage {
    chrome: Chrome,
    csrf: String,
    next: String,
    /// Which form the error belongs to: `token` or `password`.
    failed: Option<&'static str>,
    error: Option<String>,
    name: String,
    action: String,
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
    pub lang: Option<String>,
}

/// Only paths of this site are followed after login, never another origin.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/angebote".to_owned(),
    }
}

fn render(
    state: &AppState,
    lang: Lang,
    csrf: &CsrfToken,
    next: &str,
    failed: Option<&'static str>,
    error: Option<String>,
    name: &str,
) -> LoginPage {
    let chrome = page::chrome(state, lang, "Anmelden", "Log in", None, None, csrf, "/anmelden");
    LoginPage {
        chrome,
        csrf: csrf.as_str().to_owned(),
        next: next.to_owned(),
        failed,
        error,
        name: name.to_owned(),
        action: page::href(lang, "/anmelden"),
    }
}

/// `GET /anmelden`
pub async fn login_page(
    State(state): State<AppState>,
    Query(q): Query<NextQuery>,
    csrf: CsrfToken,
) -> Response {
    let lang = page::lang(q.lang.as_deref());
    let next = safe_next(q.next.as_deref());
    lotse_web::html_page(&render(&state, lang, &csrf, &next, None, None, ""))
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(rename = "_csrf", default)]
    pub csrf: String,
    /// `token` or `password`.
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub next: String,
}

/// The client's address, when the server was started with connection info.
fn client_ip(extensions: &Extensions) -> String {
    extensions.get::<ConnectInfo<SocketAddr>>().map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// `POST /anmelden`
pub async fn login(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    csrf: CsrfToken,
    headers: HeaderMap,
    Extension(web): Extension<Arc<WebState>>,
    extensions: Extensions,
    Form(form): Form<LoginForm>,
) -> Response {
    let lang = q.lang();
    if let Err(rejected) = csrf.verify(&form.csrf, lang) {
        return rejected.into_response();
    }
    let next = safe_next(Some(&form.next));
    let method = if form.method == "password" { "password" } else { "token" };
    let fail = |status: StatusCode, de: &str, en: &str| {
        let mut r = lotse_web::html_page(&render(
            &state,
            lang,
            &csrf,
            &next,
            Some(method),
            Some(lang.t(de, en).to_owned()),
            &form.name,
        ));
        *r.status_mut() = status;
        r
    };
    let mut keys = vec![format!("ip:{}", client_ip(&extensions))];
    if method == "password" {
        keys.push(format!("user:{}", form.name.trim()));
    }
    for key in &keys {
        if let Err(wait) = web.login_limiter.check(key) {
            let mut r = fail(
                StatusCode::TOO_MANY_REQUESTS,
                "Zu viele Anmeldeversuche. Bitte warten Sie eine Minute und versuchen Sie es dann erneut.",
                "Too many login attempts. Please wait a minute and try again.",
            );
            let secs = lotse_http::rate_limit::retry_after_secs(wait);
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return r;
        }
    }
    let owner = if method == "token" {
        let token = form.token.trim();
        let info = if token.is_empty() {
            None
        } else {
            match state.store.token_by_hash(&hash_token(token)).await {
                Ok(t) => {
                    t.filter(|t| t.revoked_at.is_none() && matches!(t.role, Role::Steward | Role::Admin))
                }
                Err(e) => return page::internal(lang, &e),
            }
        };
        info.map(|t| (SessionOwner::Token(t.id), t.name))
    } else {
        let name = form.name.trim().to_owned();
        let user = match state.store.user_by_name(&name).await {
            Ok(u) => u,
            Err(e) => return page::internal(lang, &e),
        };
        let password = form.password.clone();
        let hash = user.as_ref().map(|(_, h)| h.clone());
        // Verifying costs about as much with and without an account (see `verify_password`).
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, hash.as_deref()))
            .await
            .unwrap_or(false);
        user.filter(|_| ok).map(|(u, _)| (SessionOwner::User(u.id), u.name))
    };
    let Some((owner, name)) = owner else {
        let (de, en) = if method == "token" {
            ("Das Token ist nicht gültig.", "The token is not valid.")
        } else {
            ("Name oder Passwort ist falsch.", "The name or the password is wrong.")
        };
        return fail(StatusCode::UNAUTHORIZED, de, en);
    };
    // A session the browser still holds is ended, so that logging in always starts afresh.
    if let Some(previous) = session::cookie_hash(&headers)
        && let Err(e) = state.store.delete_session(&previous).await
    {
        return page::internal(lang, &e);
    }
    let cookie = match session::open(&state, &headers, owner, &name).await {
        Ok(c) => c,
        Err(e) => return page::internal(lang, &e),
    };
    tracing::info!(steward = %name, "steward logged in");
    let target = if lang == Lang::En && !next.contains("lang=") {
        format!("{next}{}lang=en", if next.contains('?') { '&' } else { '?' })
    } else {
        next
    };
    ([(header::SET_COOKIE, cookie)], Redirect::to(&target)).into_response()
}

#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    #[serde(rename = "_csrf", default)]
    pub csrf: String,
}

/// `POST /abmelden`
pub async fn logout(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    csrf: CsrfToken,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Response {
    let lang = q.lang();
    if let Err(rejected) = csrf.verify(&form.csrf, lang) {
        return rejected.into_response();
    }
    if let Some(hash) = session::cookie_hash(&headers)
        && let Err(e) = state.store.delete_session(&hash).await
    {
        return page::internal(q.lang(), &e);
    }
    ([(header::SET_COOKIE, SESSION_COOKIE.clear())], Redirect::to(&page::href(q.lang(), "/anmelden")))
        .into_response()
}
