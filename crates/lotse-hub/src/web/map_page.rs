//! The map on its own page at `/karte`: the same search form and filters as `/`, the map
//! filling the page and the results listed below it (the list is the map's text alternative).

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use lotse_web::{Chrome, Lang};

use super::chrome;
use super::search_page::{SearchView, view};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "map.html")]
pub struct MapPage {
    pub chrome: Chrome,
    pub view: SearchView,
}

pub async fn page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let lang = Lang::from_query(raw.as_deref());
    let (status, view) = view(&state, raw.as_deref(), lang).await;
    let path = match raw.as_deref() {
        Some(q) if !q.is_empty() => format!("/karte?{q}"),
        _ => "/karte".to_owned(),
    };
    let chrome = chrome(&state, lang, lang.t("Karte der Angebote", "Map of offers"), "/karte", &path)
        .with_map()
        .script("/static/hub/map.js")
        .script("/static/hub/search.js");
    let mut response = lotse_web::html_page(&MapPage { chrome, view });
    *response.status_mut() = status;
    response
}
