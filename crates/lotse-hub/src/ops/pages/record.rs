//! `/betrieb/einrichtungen/{node_id}/{id}`, `/betrieb/netzwerke/…`, `/betrieb/projekte/…`: one
//! institution's, network's or project's score and findings, with the level of each and how to
//! fix it.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use lotse_standard::date::Date;
use lotse_standard::rpde::Kind;
use lotse_web::{Chrome, csrf::CsrfToken, html_page};

use super::nodes::record_path;
use super::{chrome, enc, failed, href, lang_of, not_found};
use crate::auth::OperatorSession;
use crate::ops::record_checks::Level;
use crate::ops::record_scores;
use crate::state::AppState;

/// One finding as the page shows it.
struct FindingRow {
    code: String,
    level: &'static str,
    level_class: &'static str,
    lost: String,
    pointer: String,
    message: String,
    fix: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "betrieb/record.html")]
struct RecordPage {
    chrome: Chrome,
    node_href: String,
    node_id: String,
    id: String,
    kind: &'static str,
    title: String,
    score: u32,
    facts: Vec<(String, String)>,
    findings: Vec<FindingRow>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    Path((node_id, id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    OperatorSession(user): OperatorSession,
    csrf: CsrfToken,
) -> Response {
    let lang = lang_of(&q);
    let found =
        match record_scores::one(state.hub.store().as_ref(), kind, &node_id, &id, Date::today_utc()).await {
            Ok(found) => found,
            Err(e) => return failed(lang, &e),
        };
    let Some(r) = found else {
        return not_found(lang, "Diesen Datensatz gibt es nicht.", "There is no such record.");
    };
    let (kind_de, kind_en) = lotse_http::kind::singular_label(kind);
    let yes_no = |b: bool| lang.t(if b { "ja" } else { "nein" }, if b { "yes" } else { "no" }).to_owned();
    let facts = vec![
        (lang.t("Unbestätigt", "Unverified").to_owned(), yes_no(r.unverified)),
        (lang.t("Warnungen des Validators", "Validator warnings").to_owned(), r.warnings.to_string()),
        (lang.t("Befunde der Stufe Fehler", "Findings at the level error").to_owned(), r.errors.to_string()),
    ];
    let findings = r
        .findings
        .iter()
        .map(|f| FindingRow {
            code: f.finding.code.clone(),
            level: match f.level {
                Level::Error => lang.t("Fehler", "error"),
                Level::Warning => lang.t("Warnung", "warning"),
                Level::Notice => lang.t("Hinweis", "notice"),
            },
            level_class: f.level.as_str(),
            lost: format!("−{} / {}", f.finding.lost, f.finding.weight),
            pointer: if f.finding.pointer.is_empty() { "/".into() } else { f.finding.pointer.clone() },
            message: lang.t(&f.finding.message.de, &f.finding.message.en).to_owned(),
            fix: lang.t(&f.finding.fix.de, &f.finding.fix.en).to_owned(),
            detail: f.finding.detail.clone().unwrap_or_default(),
        })
        .collect();
    let path = record_path(kind, &node_id, &id);
    let page_title = format!("{} {node_id}/{id}", lang.t(kind_de, kind_en));
    let page = RecordPage {
        chrome: chrome(lang, &page_title, "", &path, &user, &csrf),
        node_href: href(lang, &format!("/betrieb/knoten/{}", enc(&node_id))),
        kind: lang.t(kind_de, kind_en),
        title: r.title,
        score: r.score,
        node_id,
        id,
        facts,
        findings,
    };
    html_page(&page)
}
