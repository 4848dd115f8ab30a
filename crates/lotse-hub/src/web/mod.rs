//! The hub's web pages for advisers and everyone looking for an offer: the search at `/`, the
//! map at `/karte` and the offer sheet at `/angebote/{node_id}/{id}`, server-rendered with
//! askama (templates in `crates/lotse-hub/templates/`, layout from `lotse-web`), with small
//! scripts in `crates/lotse-hub/assets/hub/` that only enhance: every page works without
//! JavaScript. The pages search through the same request parsing
//! ([`crate::search::parse_request`]) and index calls ([`AppState::on_index`]) as the search
//! API, so a page and `/api/v1/search` never disagree. The pages are public: no handler here
//! takes an authentication extractor.
//!
//! - [`search_page`]: the search form, filters with counts, results, pagination.
//! - [`map_page`]: the map page; [`outlines`]: the maps' background.
//! - [`sheet`]: the offer sheet with its JSON-LD.
//! - [`records`]: the pages of institutions, networks and projects, and the lists of the first
//!   two; [`projects`]: the project map with the landscape at a date and its changes.
//! - [`query`]: the page's URL state; [`place`]: postcodes, addresses and town names to points.
//! - [`text`]: snippets, distances, dates.

pub mod map_page;
pub mod outlines;
pub mod place;
pub mod projects;
pub mod query;
pub mod records;
pub mod search_page;
pub mod sheet;
pub mod text;

use axum::routing::get;
use axum::{Extension, Router};
use lotse_web::assets::Assets;
use lotse_web::security::SecurityOptions;
use lotse_web::{Chrome, Lang, NavItem, Site};

use crate::state::AppState;

/// The page's frame: the shared layout with the hub's navigation.
pub(crate) fn chrome(
    state: &AppState,
    lang: Lang,
    title: &str,
    current: &str,
    path_and_query: &str,
) -> Chrome {
    let _ = state;
    Chrome::new(lang, title, Site::Hub)
        .nav(vec![
            NavItem::new(lang_href("/", lang), lang, "Suche", "Search", current == "/"),
            NavItem::new(lang_href("/karte", lang), lang, "Karte", "Map", current == "/karte"),
            NavItem::new(
                lang_href("/einrichtungen", lang),
                lang,
                "Einrichtungen",
                "Institutions",
                current == "/einrichtungen",
            ),
            NavItem::new(
                lang_href("/netzwerke", lang),
                lang,
                "Netzwerke",
                "Networks",
                current == "/netzwerke",
            ),
            NavItem::new(lang_href("/projekte", lang), lang, "Projekte", "Projects", current == "/projekte"),
        ])
        .lang_switch(path_and_query)
        .style("/static/hub/hub.css")
}

/// `path` in the reader's language.
fn lang_href(path: &str, lang: Lang) -> String {
    if lang == Lang::En { format!("{path}?lang=en") } else { path.to_owned() }
}

/// The sheet of the hub id `{node_id}/{id}`, in the reader's language.
pub(crate) fn sheet_href(hub_id: &str, lang: &str) -> String {
    if lang == "de" { format!("/angebote/{hub_id}") } else { format!("/angebote/{hub_id}?lang={lang}") }
}

/// The pages and their static files, behind the shared security headers and CSRF cookie.
pub(crate) fn router(state: AppState) -> Router {
    let security = SecurityOptions { img_src_extra: state.hub.config().tile_url.clone() };
    let public_url = state.hub.config().service.public_url.clone();
    const JS: &str = "text/javascript; charset=utf-8";
    const CSS: &str = "text/css; charset=utf-8";
    let assets = Assets::shared()
        .with("hub/map.js", JS, include_bytes!("../../assets/hub/map.js"))
        .with("hub/search.js", JS, include_bytes!("../../assets/hub/search.js"))
        .with("hub/hub.css", CSS, include_bytes!("../../assets/hub/hub.css"))
        .router();
    let pages = Router::new()
        .route("/", get(search_page::page))
        .route("/karte", get(map_page::page))
        .route("/karte/gemeinden.geojson", get(outlines::geojson))
        // Browsers ask for it on every site; there is none, and a 404 would be noise.
        .route("/favicon.ico", get(|| async { axum::http::StatusCode::NO_CONTENT }))
        .route("/angebote/{node_id}/{*id}", get(sheet::page))
        .route("/projekte", get(projects::page))
        .with_state(state.clone())
        .merge(assets);
    // The pages of each kind under its path, the kind handed to the handlers by the route; the
    // project map above is the projects' list.
    let mut kinds = Router::new();
    for kind in crate::harvest::records::RECORD_KINDS {
        let root = records::page_root(kind);
        kinds =
            kinds.route(&format!("{root}/{{node_id}}/{{*id}}"), get(records::record).layer(Extension(kind)));
        if kind != lotse_standard::rpde::Kind::Project {
            kinds = kinds.route(root, get(records::list).layer(Extension(kind)));
        }
    }
    let pages = pages.merge(kinds.with_state(state));
    lotse_web::security::apply(lotse_web::csrf::apply(pages, public_url), &security)
}
