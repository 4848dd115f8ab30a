//! `/betrieb/angebote/{node_id}/{id}`: one offer's score and findings, with how to fix each.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use lotse_web::{Chrome, csrf::CsrfToken, html_page};

use super::{chrome, enc, failed, href, lang_of, not_found};
use crate::auth::OperatorSession;
use crate::ops::checks::QualityFinding;
use crate::state::AppState;

/// One finding as the offer page shows it.
struct FindingRow {
    code: String,
    lost: String,
    pointer: String,
    message: String,
    fix: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "betrieb/offer.html")]
struct OfferPage {
    chrome: Chrome,
    node_href: String,
    node_id: String,
    id: String,
    title: String,
    /// The language of `title`, and its direction.
    title_lang: String,
    title_dir: &'static str,
    score: i64,
    facts: Vec<(String, String)>,
    findings: Vec<FindingRow>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    Path((node_id, id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    OperatorSession(user): OperatorSession,
    csrf: CsrfToken,
) -> Response {
    let lang = lang_of(&q);
    let store = state.hub.store();
    let (quality, offer) =
        match tokio::try_join!(store.get_quality(&node_id, &id), store.get_offer(&node_id, &id)) {
            Ok(x) => x,
            Err(e) => return failed(lang, &e),
        };
    let Some(q) = quality else {
        return not_found(
            lang,
            "Für dieses Angebot gibt es keine Bewertung.",
            "There is no score for this offer.",
        );
    };
    let findings: Vec<QualityFinding> = serde_json::from_str(&q.findings).unwrap_or_default();
    let titles: HashMap<String, String> = offer
        .as_ref()
        .and_then(|o| serde_json::from_str::<serde_json::Value>(&o.data).ok())
        .and_then(|v| serde_json::from_value(v["title"].clone()).ok())
        .unwrap_or_default();
    let (title_lang, title) = titles
        .get(lang.code())
        .map(|t| (lang.code().to_owned(), t.clone()))
        .or_else(|| titles.get("de").map(|t| ("de".to_owned(), t.clone())))
        .unwrap_or_else(|| ("de".to_owned(), id.clone()));
    let yes_no = |b: bool| lang.t(if b { "ja" } else { "nein" }, if b { "yes" } else { "no" }).to_owned();
    let facts = vec![
        (lang.t("Angebotsart", "Offer type").to_owned(), q.offer_type.clone()),
        (lang.t("Gemeinden (AGS)", "Municipalities (AGS)").to_owned(), q.ags.replace(',', ", ")),
        (lang.t("Abgelaufen", "Expired").to_owned(), yes_no(q.expired)),
        (lang.t("Unbestätigt", "Unverified").to_owned(), yes_no(q.unverified)),
        (lang.t("Warnungen des Validators", "Validator warnings").to_owned(), q.warnings.to_string()),
        (lang.t("Bewertet", "Scored").to_owned(), crate::rfc3339(q.computed_at)),
    ];
    let rows = findings
        .iter()
        .map(|f| FindingRow {
            code: f.code.clone(),
            lost: format!("−{} / {}", f.lost, f.weight),
            pointer: if f.pointer.is_empty() { "/".into() } else { f.pointer.clone() },
            message: lang.t(&f.message.de, &f.message.en).to_owned(),
            fix: lang.t(&f.fix.de, &f.fix.en).to_owned(),
            detail: f.detail.clone().unwrap_or_default(),
        })
        .collect();
    let path = format!("/betrieb/angebote/{}/{}", enc(&node_id), enc(&id));
    let page_title = format!("{} {node_id}/{id}", lang.t("Angebot", "Offer"));
    let page = OfferPage {
        chrome: chrome(lang, &page_title, "", &path, &user, &csrf),
        node_href: href(lang, &format!("/betrieb/knoten/{}", enc(&node_id))),
        title_dir: lotse_web::dir_of(&title_lang),
        title_lang,
        title,
        node_id,
        id,
        score: q.score,
        facts,
        findings: rows,
    };
    html_page(&page)
}
