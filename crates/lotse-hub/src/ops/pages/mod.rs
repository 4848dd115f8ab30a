//! The operator's HTML pages under `/betrieb`, one module per page: [`overview`] (nodes,
//! scores, alerts, trends), [`node`] (one node), [`offer`] (one offer's findings), [`record`]
//! (one institution's, network's or project's findings),
//! [`quarantine`], [`coverage`] (with its map and the population upload) and [`login`]. What
//! several pages show of a node is in [`nodes`], the trend charts in [`trend`].
//!
//! Login: the operator enters the operator token once (`/betrieb/anmelden`); the hub then sets
//! an `HttpOnly`, `SameSite=Lax` session cookie (`Secure` behind TLS) holding a random session
//! id, and stores only the id's SHA-256 hash with an expiry (`session_ttl_secs`). A revoked
//! operator token ends its sessions at once. Every page but the login takes the
//! [`OperatorSession`](crate::auth::OperatorSession) extractor, which sends a request without a
//! valid session to the login page. Every form that changes data checks the CSRF token first.
//! Charts and map are SVG rendered here (see [`super::svg`]), so the pages need no script and no
//! foreign origin.

mod coverage;
mod login;
mod node;
mod nodes;
mod offer;
mod overview;
mod quarantine;
mod record;
mod trend;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use lotse_web::{Chrome, Lang, NavItem, Site, csrf::CsrfToken};
use serde::Deserialize;

use crate::state::AppState;
use crate::store::TokenInfo;

pub(crate) fn router(public_url: Option<String>) -> Router<AppState> {
    let mut pages = Router::new()
        .route("/betrieb", get(overview::page))
        .route(crate::auth::LOGIN_PATH, get(login::form).post(login::login))
        .route("/betrieb/abmelden", post(login::logout))
        .route("/betrieb/knoten/{node_id}", get(node::page))
        .route("/betrieb/angebote/{node_id}/{*id}", get(offer::page))
        .route("/betrieb/quarantaene", get(quarantine::page))
        .route("/betrieb/abdeckung", get(coverage::page))
        .route("/betrieb/abdeckung/bevoelkerung", post(coverage::population_upload));
    for kind in crate::harvest::records::RECORD_KINDS {
        let path = format!("{}/{{node_id}}/{{*id}}", nodes::record_root(kind));
        pages = pages.route(&path, get(record::page).layer(axum::Extension(kind)));
    }
    let pages = lotse_web::csrf::apply(pages, public_url);
    // The shared static files are served once for the whole hub, by `crate::web::router`.
    lotse_web::security::apply(pages, &lotse_web::security::SecurityOptions::default())
}

fn lang_of(q: &Option<String>) -> Lang {
    Lang::from_query(q.as_deref())
}

/// A link within the pages, keeping the English version English.
fn href(lang: Lang, path: &str) -> String {
    if lang == Lang::En {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}lang=en")
    } else {
        path.to_owned()
    }
}

/// Percent-encodes a path segment or query value.
fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The pages' frame: the shared layout with the operator's navigation, the signed-in operator
/// and the CSRF token of the logout form.
fn chrome(
    lang: Lang,
    title: &str,
    current: &str,
    path_and_query: &str,
    user: &TokenInfo,
    csrf: &CsrfToken,
) -> Chrome {
    let item = |path: &str, de: &str, en: &str| NavItem::new(href(lang, path), lang, de, en, path == current);
    Chrome::new(lang, title, Site::Hub)
        .nav(vec![
            item("/betrieb", "Übersicht", "Overview"),
            item("/betrieb/quarantaene", "Quarantäne", "Quarantine"),
            item("/betrieb/abdeckung", "Abdeckung", "Coverage"),
        ])
        .user(Some(user.name.clone()), &href(lang, "/betrieb/abmelden"))
        .csrf(csrf.as_str())
        .lang_switch(path_and_query)
}

/// The answer when the store or a computation failed: logged, and a 500 page without details.
fn failed(lang: Lang, e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "operator page failed");
    lotse_web::error_page(lang, StatusCode::INTERNAL_SERVER_ERROR, "Interner Fehler.", "Internal error.")
}

fn not_found(lang: Lang, de: &str, en: &str) -> Response {
    lotse_web::error_page(lang, StatusCode::NOT_FOUND, de, en)
}

/// The query parameters the pages read besides `lang`.
#[derive(Deserialize, Default)]
struct AfterQuery {
    after: Option<String>,
    node_id: Option<String>,
    offer_type: Option<String>,
}

/// The query string as `T`; a query that cannot be read counts as empty.
fn query<T: for<'de> Deserialize<'de> + Default>(q: &Option<String>) -> T {
    q.as_deref().and_then(|q| serde_urlencoded::from_str(q).ok()).unwrap_or_default()
}
