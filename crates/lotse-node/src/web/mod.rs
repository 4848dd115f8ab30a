//! The data steward's pages: log in, upload a file and confirm it after reading its report,
//! list, edit and delete offers, read the import log.
//!
//! Server-rendered (askama templates in `crates/lotse-node/templates/steward/`, on the shared
//! layout of `lotse-web`); the one script (`assets/steward.js`) only adds the check while
//! typing. Every page is behind a login session ([`session`]); every form that changes data,
//! the login included, checks the CSRF token first; the security layer of `lotse-web` sets the
//! Content-Security-Policy without inline script.
//!
//! Code map: [`login`] (log in and out), [`password`] (accounts' Argon2id hashes), [`session`]
//! (the cookie and its extractor), [`offers`] (list, form, check, delete) with [`form`] (the
//! form ↔ JSON mapping and the placement of findings), [`upload`] (upload, report, confirm),
//! [`imports`] (the log), [`report`] (report rows), [`page`] (what all pages share).

pub mod form;
pub mod imports;
pub mod login;
pub mod offers;
pub mod page;
pub mod password;
pub mod report;
pub mod session;
pub mod upload;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::routing::{get, post};
use axum::{Extension, Router};
use lotse_http::rate_limit::RateLimiter;

use crate::state::AppState;

/// What the steward pages keep beside [`AppState`].
#[derive(Debug)]
pub struct WebState {
    /// Login attempts per client address and per account name.
    pub login_limiter: RateLimiter,
}

/// The steward pages' routes, with their own security headers, CSRF cookie and body limit.
pub fn router(state: &AppState) -> Router<AppState> {
    let web = Arc::new(WebState { login_limiter: RateLimiter::new(state.config.login_attempts_per_minute) });
    let assets = lotse_web::assets::Assets::shared()
        .with("node/steward.js", "text/javascript", include_bytes!("../../assets/steward.js"))
        .router();
    let mut pages = Router::new();
    // Each kind's pages under its own path, the kind handed to the handlers by the route.
    for kind in lotse_standard::rpde::Kind::ALL {
        let root = page::records_root(kind);

        pages = pages
            .route(root, get(offers::list).layer(Extension(kind)))
            .route(&format!("{root}/neu"), get(offers::new_form).post(offers::create).layer(Extension(kind)))
            .route(&format!("{root}/pruefen"), post(offers::check).layer(Extension(kind)))
            .route(
                &format!("{root}/{{id}}"),
                get(offers::edit_form).post(offers::update).layer(Extension(kind)),
            )
            .route(
                &format!("{root}/{{id}}/loeschen"),
                get(offers::delete_form).post(offers::delete).layer(Extension(kind)),
            );
    }
    let pages = pages
        .route("/", get(|| async { Redirect::to("/angebote") }))
        // Browsers ask for an icon on every site; an empty answer keeps their consoles free of
        // a 404 (the layout declares no icon).
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/anmelden", get(login::login_page).post(login::login))
        .route("/abmelden", post(login::logout))
        .route("/hochladen", get(upload::form).post(upload::upload))
        .route("/hochladen/{id}", get(upload::show))
        .route("/hochladen/{id}/bestaetigen", post(upload::confirm))
        .route("/hochladen/{id}/verwerfen", post(upload::discard))
        .route("/importe", get(imports::list))
        .route("/importe/{id}", get(imports::show))
        .merge(assets)
        .layer(Extension(web))
        // The node's own body limit applies; multipart uploads would otherwise stop at axum's
        // default of 2 MB.
        .layer(DefaultBodyLimit::max(state.config.service.body_limit_bytes));
    let pages = lotse_web::csrf::apply(pages, Some(state.public_url.to_string()));
    lotse_web::security::apply(pages, &lotse_web::security::SecurityOptions::default())
}
