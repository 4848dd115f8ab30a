//! `/betrieb/abdeckung`: offers per municipality with the map, and the upload of the
//! operator's population figures.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lotse_web::{Chrome, Lang, csrf::CsrfToken, html_page};
use serde::Deserialize;

use super::{AfterQuery, chrome, enc, failed, lang_of, query};
use crate::auth::OperatorSession;
use crate::ops::{csv, snapshot, svg};
use crate::state::AppState;
use crate::store::TokenInfo;

struct CoverageRowView {
    name: String,
    ags: String,
    population: String,
    offers: i64,
    per_10k: String,
    selected: i64,
    selected_per_10k: String,
    phases: Vec<i64>,
}

#[derive(Template)]
#[template(path = "betrieb/coverage.html")]
struct CoveragePage {
    chrome: Chrome,
    types: Vec<(String, String, bool)>,
    selected_label: String,
    day: String,
    map: String,
    phases: Vec<String>,
    rows: Vec<CoverageRowView>,
    csv: String,
    upload_error: Option<String>,
    upload_ok: Option<String>,
    csrf: String,
    lang_en: bool,
}

pub(super) async fn page(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
    OperatorSession(user): OperatorSession,
    csrf: CsrfToken,
) -> Response {
    let lang = lang_of(&q);
    render_coverage(&state, q, lang, &user, &csrf, None, None).await
}

async fn render_coverage(
    state: &AppState,
    q: Option<String>,
    lang: Lang,
    user: &TokenInfo,
    csrf: &CsrfToken,
    upload_error: Option<String>,
    upload_ok: Option<String>,
) -> Response {
    let params: AfterQuery = query(&q);
    let vocab = lotse_standard::vocab::vocabularies();
    let chosen = params.offer_type.filter(|t| vocab.offer_types.contains(t));
    let coverage = match snapshot::coverage(state.hub.store().as_ref(), chosen.as_deref()).await {
        Ok(c) => c,
        Err(e) => return failed(lang, &e),
    };
    let label = |v: &lotse_standard::vocab::Vocabulary, code: &str| {
        v.get(code).map_or_else(|| code.to_owned(), |c| lang.t(&c.label.de, &c.label.en).to_owned())
    };
    let types: Vec<(String, String, bool)> = vocab
        .offer_types
        .codes()
        .map(|c| (c.to_owned(), label(&vocab.offer_types, c), chosen.as_deref() == Some(c)))
        .collect();
    let selected_label = match &chosen {
        Some(t) => label(&vocab.offer_types, t),
        None => lang.t("alle Angebotsarten", "all offer types").to_owned(),
    };
    let phase_codes: Vec<&str> = vocab.life_phases.codes().collect();
    let per = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |x| format!("{x:.2}"));
    // Shaded by offers of the chosen type per 10,000 inhabitants where the population is
    // known; municipalities without a figure stay grey.
    let values: HashMap<String, f64> =
        coverage.rows.iter().filter_map(|r| r.selected_per_10k.map(|v| (r.ags.clone(), v))).collect();
    let map = svg::coverage_map(
        "coverage-map",
        &format!(
            "{}: {selected_label}",
            lang.t("Angebote je 10.000 Einwohner", "Offers per 10,000 inhabitants")
        ),
        lang.t("je 10.000 Einwohner", "per 10,000 inhabitants"),
        &values,
    );
    let mut rows: Vec<CoverageRowView> = coverage
        .rows
        .iter()
        .map(|r| CoverageRowView {
            name: r.name.clone(),
            ags: r.ags.clone(),
            population: r.population.map_or_else(|| "–".to_owned(), |p| p.to_string()),
            offers: r.offers,
            per_10k: per(r.offers_per_10k),
            selected: r.selected,
            selected_per_10k: per(r.selected_per_10k),
            phases: phase_codes.iter().map(|p| r.by_phase.get(*p).copied().unwrap_or(0)).collect(),
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    let path = match &chosen {
        Some(t) => format!("/betrieb/abdeckung?offer_type={}", enc(t)),
        None => "/betrieb/abdeckung".to_owned(),
    };
    let page = CoveragePage {
        chrome: chrome(lang, lang.t("Abdeckung", "Coverage"), "/betrieb/abdeckung", &path, user, csrf),
        types,
        selected_label,
        day: coverage.day,
        map,
        phases: phase_codes.iter().map(|p| label(&vocab.life_phases, p)).collect(),
        rows,
        csv: match &chosen {
            Some(t) => format!("/api/v1/admin/quality/coverage.csv?offer_type={}", enc(t)),
            None => "/api/v1/admin/quality/coverage.csv".to_owned(),
        },
        upload_error,
        upload_ok,
        csrf: csrf.as_str().to_owned(),
        lang_en: lang == Lang::En,
    };
    html_page(&page)
}

#[derive(Deserialize)]
pub(super) struct UploadForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    population: String,
}

pub(super) async fn population_upload(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
    OperatorSession(user): OperatorSession,
    csrf: CsrfToken,
    axum::Form(form): axum::Form<UploadForm>,
) -> Response {
    let lang = lang_of(&q);
    if let Err(r) = csrf.verify(&form.csrf, lang) {
        return r.into_response();
    }
    let figures = match csv::parse_population(&form.population) {
        Ok(f) => f,
        Err(e) => {
            let msg = match lang {
                Lang::De => format!("Zeile {}: {} Nichts wurde gespeichert.", e.line, e.de),
                Lang::En => format!("Line {}: {} Nothing was stored.", e.line, e.en),
            };
            let mut r = render_coverage(&state, q, lang, &user, &csrf, Some(msg), None).await;
            *r.status_mut() = StatusCode::BAD_REQUEST;
            return r;
        }
    };
    if let Err(e) = state.hub.store().replace_population(&figures, crate::unix_now()).await {
        return failed(lang, &e);
    }
    let ok = match lang {
        Lang::De => format!("{} Einwohnerzahlen gespeichert.", figures.len()),
        Lang::En => format!("{} population figures stored.", figures.len()),
    };
    render_coverage(&state, q, lang, &user, &csrf, None, Some(ok)).await
}
