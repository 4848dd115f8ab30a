//! The adviser's search at `/`: one form (text, place and radius, order, filters with their
//! counts) that works as a plain GET form, results beside a map, pagination. With JavaScript
//! (`assets/hub/search.js`) the same URL is fetched with `X-Lotse-Fragment: 1` as the adviser
//! types or ticks, and only the results and filters are replaced.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lotse_search::{FacetValue, SearchResponse};
use lotse_web::{Chrome, Lang};

use super::chrome;
use super::query::{DEFAULT_RADIUS_KM, PageQuery};
use super::text::{self, Part};
use crate::state::AppState;

/// The header the page's script sends to get only the parts that change.
pub const FRAGMENT_HEADER: &str = "x-lotse-fragment";
/// Values of a filter shown before "more".
const SHOWN_VALUES: usize = 6;

/// The filters in the order of the form, with their legends.
pub const FILTERS: &[(&str, &str, &str)] = &[
    ("offer_type", "Angebotsart", "Type of offer"),
    ("category", "Thema", "Topic"),
    ("target_group", "Zielgruppe", "Target group"),
    ("language", "Sprache des Angebots", "Language of the offer"),
    ("level", "Sprachniveau (GER)", "Language level (CEFR)"),
    ("cost", "Kosten", "Cost"),
    ("feature", "Merkmale", "Features"),
    ("life_phase", "Lebensphase", "Life phase"),
    ("delivery", "Form", "Format"),
    ("ags", "Gemeinde", "Municipality"),
];

pub struct FacetItem {
    /// The checkbox's id, unique on the page.
    pub id: String,
    pub value: String,
    pub label: String,
    pub count: u64,
    pub selected: bool,
}

pub struct FacetGroup {
    pub param: &'static str,
    pub legend: &'static str,
    pub shown: Vec<FacetItem>,
    pub more: Vec<FacetItem>,
    /// "more" starts open because a value in it is selected.
    pub more_open: bool,
}

pub struct ResultItem {
    pub href: String,
    pub title: String,
    pub title_lang: String,
    pub dir: &'static str,
    pub offer_type: String,
    pub provider: String,
    pub municipality: String,
    pub address: String,
    pub distance: Option<String>,
    pub snippet: Vec<Part>,
    pub lat: String,
    pub lon: String,
}

pub struct PageLink {
    pub number: u32,
    pub href: String,
    pub current: bool,
}

/// Everything the page and its fragment show.
pub struct SearchView {
    pub lang: &'static str,
    pub q: String,
    pub place: String,
    /// What the hub understood of the place.
    pub place_label: Option<String>,
    pub place_unknown: bool,
    pub radius: String,
    pub near: String,
    pub sort: String,
    pub sort_dropped: bool,
    pub in_map: bool,
    pub bbox: String,
    pub total_text: String,
    pub results: Vec<ResultItem>,
    pub facets: Vec<FacetGroup>,
    pub pages: Vec<PageLink>,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub error: Option<String>,
    /// The filters as a query string, for the map's requests.
    pub map_query: String,
    pub radii: Vec<RadiusOption>,
    /// The configured tile server and its attribution (empty: none).
    pub tile_url: String,
    pub tile_attribution: String,
}

pub struct RadiusOption {
    pub km: &'static str,
    pub selected: bool,
}

impl SearchView {
    pub fn t<'a>(&self, de: &'a str, en: &'a str) -> &'a str {
        if self.lang == "en" { en } else { de }
    }
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub chrome: Chrome,
    pub view: SearchView,
}

#[derive(Template)]
#[template(path = "search_fragment.html")]
pub struct SearchFragment {
    pub view: SearchView,
}

fn facet_groups(answer: Option<&SearchResponse>, query: &PageQuery, lang: Lang) -> Vec<FacetGroup> {
    FILTERS
        .iter()
        .map(|&(param, de, en)| {
            let values: &[FacetValue] =
                answer.and_then(|a| a.facets.get(param)).map(Vec::as_slice).unwrap_or_default();
            let mut items: Vec<FacetItem> = values
                .iter()
                .filter(|v| v.count > 0 || v.selected || query.has(param, &v.value))
                .enumerate()
                .map(|(i, v)| FacetItem {
                    id: format!("f-{param}-{i}"),
                    value: v.value.clone(),
                    label: v.label.clone(),
                    count: v.count,
                    selected: v.selected || query.has(param, &v.value),
                })
                .collect();
            let more =
                if items.len() > SHOWN_VALUES + 2 { items.split_off(SHOWN_VALUES) } else { Vec::new() };
            let more_open = more.iter().any(|i| i.selected);
            FacetGroup { param, legend: lang.t(de, en), shown: items, more, more_open }
        })
        .collect()
}

fn result_item(hit: &lotse_search::Hit, lang: &str) -> ResultItem {
    let address = hit
        .location
        .as_ref()
        .map(|l| {
            let street = [l.name.as_deref().unwrap_or_default(), l.street.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            format!("{street}, {} {}", l.postcode, l.city).trim_start_matches(", ").to_owned()
        })
        .unwrap_or_default();
    let (lat, lon) = hit
        .location
        .as_ref()
        .and_then(|l| Some((l.lat?, l.lon?)))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .unwrap_or_default();
    ResultItem {
        href: super::sheet_href(&hit.id, lang),
        title: hit.title.clone(),
        title_lang: hit.title_lang.clone(),
        dir: hit.dir,
        offer_type: hit.offer_type_label.clone(),
        provider: hit.provider.clone(),
        municipality: hit.municipality.as_ref().map(|m| m.name.clone()).unwrap_or_default(),
        address,
        distance: hit.distance_km.map(|d| text::km(d, lang)),
        snippet: text::snippet_parts(&hit.snippet),
        lat,
        lon,
    }
}

fn pages(
    answer: &SearchResponse,
    query: &PageQuery,
    lang: &str,
) -> (Vec<PageLink>, Option<String>, Option<String>) {
    let size = u64::from(answer.page_size.max(1));
    let window = u64::from(lotse_search::request::MAX_RESULT_WINDOW) / size;
    let last = answer.total.div_ceil(size).clamp(1, window) as u32;
    let current = answer.page;
    let mut numbers: Vec<u32> =
        [1, current.saturating_sub(2), current.saturating_sub(1), current, current + 1, current + 2, last]
            .into_iter()
            .filter(|n| (1..=last).contains(n))
            .collect();
    numbers.sort_unstable();
    numbers.dedup();
    let links = if last > 1 {
        numbers
            .into_iter()
            .map(|n| PageLink { number: n, href: query.href("/", n, lang), current: n == current })
            .collect()
    } else {
        Vec::new()
    };
    let prev = (current > 1).then(|| query.href("/", current - 1, lang));
    let next = (current < last).then(|| query.href("/", current + 1, lang));
    (links, prev, next)
}

/// Builds the view: the search runs exactly as `/api/v1/search` runs it.
pub async fn view(state: &AppState, raw: Option<&str>, lang: Lang) -> (StatusCode, SearchView) {
    let query = PageQuery::parse(raw);
    let code = lang.code();
    let (answer, error) = match query.request(code) {
        Ok(req) => match state.on_index(move |index| index.search(&req)).await {
            Ok(a) => (Some(a), None),
            Err(e) => (None, Some(e.0)),
        },
        Err(e) => (None, Some(e.0)),
    };
    let status = error.as_ref().map_or(StatusCode::OK, |p| p.status_code());
    let error = error.map(|p| {
        let (title, detail) = if code == "en" { (&p.title_en, &p.detail_en) } else { (&p.title, &p.detail) };
        detail.clone().unwrap_or_else(|| title.clone())
    });
    let total = answer.as_ref().map_or(0, |a| a.total);
    let (pages, prev, next) = answer.as_ref().map(|a| pages(a, &query, code)).unwrap_or_default();
    let radius = query.get("radius_km").unwrap_or(DEFAULT_RADIUS_KM).to_owned();
    let total_text = match (code, total) {
        ("en", 1) => "1 offer".to_owned(),
        ("en", n) => format!("{n} offers"),
        (_, 1) => "1 Angebot".to_owned(),
        (_, n) => format!("{} Angebote", group_thousands(n)),
    };
    let view = SearchView {
        lang: code,
        q: query.get("q").unwrap_or_default().to_owned(),
        place: query.place_text.clone(),
        place_label: query.place.as_ref().map(|p| p.label.clone()),
        place_unknown: query.place_unknown,
        near: if query.place.is_some() {
            String::new()
        } else {
            query.get("near").unwrap_or_default().to_owned()
        },
        sort: query.get("sort").unwrap_or("relevance").to_owned(),
        sort_dropped: query.sort_dropped,
        in_map: query.get("karte").is_some(),
        bbox: query.get("bbox").unwrap_or_default().to_owned(),
        total_text,
        results: answer
            .as_ref()
            .map(|a| a.results.iter().map(|h| result_item(h, code)).collect())
            .unwrap_or_default(),
        facets: facet_groups(answer.as_ref(), &query, lang),
        pages,
        prev,
        next,
        error,
        map_query: query.filter_query(),
        radii: ["1", "2", "5", "10", "25", "50"]
            .into_iter()
            .map(|km| RadiusOption { km, selected: km == radius })
            .collect(),
        tile_url: state.hub.config().tile_url.clone().unwrap_or_default(),
        tile_attribution: state.hub.config().tile_attribution.clone().unwrap_or_default(),
        radius,
    };
    (status, view)
}

fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

pub async fn page(State(state): State<AppState>, RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    let lang = Lang::from_query(raw.as_deref());
    let (status, view) = view(&state, raw.as_deref(), lang).await;
    let mut response = if headers.contains_key(FRAGMENT_HEADER) {
        lotse_web::html_page(&SearchFragment { view })
    } else {
        let path = match raw.as_deref() {
            Some(q) if !q.is_empty() => format!("/?{q}"),
            _ => "/".to_owned(),
        };
        let title = if view.q.is_empty() {
            lang.t("Angebote suchen", "Search offers").to_owned()
        } else {
            format!("{} – {}", view.q, lang.t("Angebote suchen", "Search offers"))
        };
        let chrome = chrome(&state, lang, &title, "/", &path)
            .with_map()
            .script("/static/hub/map.js")
            .script("/static/hub/search.js");
        lotse_web::html_page(&SearchPage { chrome, view })
    };
    *response.status_mut() = status;
    // The fragment and the page share a URL; caches must keep them apart.
    response.headers_mut().insert(header::VARY, HeaderValue::from_static(FRAGMENT_HEADER));
    response.into_response()
}
