//! `/betrieb/anmelden` and `/betrieb/abmelden`: a session from the operator token, and its end.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lotse_http::token::hash_token;
use lotse_web::{Chrome, Lang, Site, cookie, csrf::CsrfToken, html_page};
use serde::Deserialize;

use super::{failed, href, lang_of};
use crate::auth::{LOGIN_PATH, SESSION_COOKIE, is_active_operator};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "betrieb/login.html")]
struct LoginPage {
    chrome: Chrome,
    csrf: String,
    error: Option<String>,
    action: String,
}

fn login_page(lang: Lang, csrf: &CsrfToken, error: Option<String>) -> LoginPage {
    LoginPage {
        chrome: Chrome::new(lang, lang.t("Anmelden", "Log in"), Site::Hub).lang_switch(LOGIN_PATH),
        csrf: csrf.as_str().to_owned(),
        error,
        action: href(lang, LOGIN_PATH),
    }
}

pub(super) async fn form(RawQuery(q): RawQuery, csrf: CsrfToken) -> Response {
    html_page(&login_page(lang_of(&q), &csrf, None))
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    token: String,
}

pub(super) async fn login(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    csrf: CsrfToken,
    axum::Form(form): axum::Form<LoginForm>,
) -> Response {
    let lang = lang_of(&q);
    if let Err(r) = csrf.verify(&form.csrf, lang) {
        return r.into_response();
    }
    let hub = &state.hub;
    let token_hash = hash_token(form.token.trim());
    let found = match hub.store().token_by_hash(&token_hash).await {
        Ok(t) => t,
        Err(e) => return failed(lang, &e),
    };
    let Some(token) = found.filter(is_active_operator) else {
        let msg =
            lang.t("Dieses Token ist kein gültiges Betriebs-Token.", "This is not a valid operator token.");
        let mut r = html_page(&login_page(lang, &csrf, Some(msg.to_owned())));
        *r.status_mut() = StatusCode::UNAUTHORIZED;
        return r;
    };
    let session = SESSION_COOKIE.new_session();
    let now = crate::unix_now();
    let ttl = hub.config().session_ttl_secs;
    let expires = now.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX));
    if let Err(e) = hub.store().create_session(&session.id_hash, token.id, now, expires).await {
        return failed(lang, &e);
    }
    let secure = cookie::behind_tls(&headers, hub.config().service.public_url.as_deref());
    let mut r = Redirect::to(&href(lang, "/betrieb")).into_response();
    r.headers_mut().append(header::SET_COOKIE, SESSION_COOKIE.set(&session, ttl, secure));
    r
}

#[derive(Deserialize)]
pub(super) struct LogoutForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

pub(super) async fn logout(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    csrf: CsrfToken,
    axum::Form(form): axum::Form<LogoutForm>,
) -> Response {
    let lang = lang_of(&q);
    if let Err(r) = csrf.verify(&form.csrf, lang) {
        return r.into_response();
    }
    if let Some(hash) = SESSION_COOKIE.hash_in(&headers)
        && let Err(e) = state.hub.store().delete_session(&hash, crate::unix_now()).await
    {
        return failed(lang, &e);
    }
    let mut r = Redirect::to(&href(lang, LOGIN_PATH)).into_response();
    r.headers_mut().append(header::SET_COOKIE, SESSION_COOKIE.clear());
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
