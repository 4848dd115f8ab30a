//! What every steward page shares: the language, links that keep it, the layout's chrome and the
//! error pages.

use axum::http::StatusCode;
use axum::response::Response;
use lotse_standard::rpde::Kind;
use lotse_web::csrf::CsrfToken;
use lotse_web::{Chrome, Lang, NavItem, Site};
use serde::Deserialize;

use crate::state::AppState;
use crate::store::Session;

/// The `lang` parameter of a page.
#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    pub lang: Option<String>,
}

impl LangQuery {
    pub fn lang(&self) -> Lang {
        lang(self.lang.as_deref())
    }
}

/// The language for a `lang` parameter's value (German unless `en`).
pub fn lang(value: Option<&str>) -> Lang {
    Lang::from_query(value.map(|v| format!("lang={v}")).as_deref())
}

/// `path` with `lang=en` added when the page is in English, so that links keep the language.
pub fn href(lang: Lang, path: &str) -> String {
    if lang == Lang::En {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}lang=en")
    } else {
        path.to_owned()
    }
}

/// The steward pages' navigation entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    /// The list of a kind's records (and its forms, but a new offer's).
    Records(lotse_standard::rpde::Kind),
    /// The form of a new offer.
    New,
    Upload,
    Imports,
}

/// The layout's chrome for a steward page. `path` is the page's own path and query, for the
/// language switch.
#[allow(clippy::too_many_arguments)] // Each argument is one visible part of the page.
pub fn chrome(
    state: &AppState,
    lang: Lang,
    title_de: &str,
    title_en: &str,
    current: Option<Nav>,
    session: Option<&Session>,
    csrf: &CsrfToken,
    path: &str,
) -> Chrome {
    let site = Site::Node { name: state.config.display_name().to_owned() };
    let mut chrome = Chrome::new(lang, lang.t(title_de, title_en), site).lang_switch(path);
    if let Some(session) = session {
        let item = |href: &str, de: &str, en: &str, nav: Nav| {
            NavItem::new(self::href(lang, href), lang, de, en, current == Some(nav))
        };
        chrome = chrome
            .nav(vec![
                item("/angebote", "Angebote", "Offers", Nav::Records(Kind::Offer)),
                item("/angebote/neu", "Neues Angebot", "New offer", Nav::New),
                item("/einrichtungen", "Einrichtungen", "Institutions", Nav::Records(Kind::Organization)),
                item("/netzwerke", "Netzwerke", "Networks", Nav::Records(Kind::Network)),
                item("/projekte", "Projekte", "Projects", Nav::Records(Kind::Project)),
                item("/hochladen", "Datei hochladen", "Upload a file", Nav::Upload),
                item("/importe", "Importprotokoll", "Import log", Nav::Imports),
            ])
            .user(Some(session.name.clone()), &self::href(lang, "/abmelden"))
            .csrf(csrf.as_str());
    }
    chrome.script("/static/node/steward.js")
}

/// A 500 page; the cause goes to the log, not to the visitor.
pub fn internal(lang: Lang, cause: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %cause, "steward page failed");
    lotse_web::error_page(
        lang,
        StatusCode::INTERNAL_SERVER_ERROR,
        "Es ist ein interner Fehler aufgetreten. Bitte versuchen Sie es später erneut.",
        "An internal error occurred. Please try again later.",
    )
}

/// A 404 page for a record of `kind` this node does not hold.
pub fn record_not_found(lang: Lang, kind: Kind) -> Response {
    let (de, en) = lotse_http::kind::singular_label(kind);
    lotse_web::error_page(
        lang,
        StatusCode::NOT_FOUND,
        &format!("Diesen Datensatz ({de}) gibt es auf diesem Knoten nicht."),
        &format!("This node has no such record ({en})."),
    )
}

/// The steward pages' path of a kind's records (the same words as the hub's pages).
pub fn records_root(kind: Kind) -> &'static str {
    lotse_http::kind::page_root(kind)
}

/// Formats Unix seconds as `YYYY-MM-DD HH:MM` UTC for tables.
pub fn when(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map_or_else(String::new, |d| d.format("%Y-%m-%d %H:%M UTC").to_string())
}
