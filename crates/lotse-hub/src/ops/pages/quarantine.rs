//! `/betrieb/quarantaene`: the rejected items of every node (or one), with their findings.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use lotse_web::{Chrome, csrf::CsrfToken, html_page};

use super::{AfterQuery, chrome, enc, failed, href, lang_of, query};
use crate::auth::OperatorSession;
use crate::state::AppState;
use crate::store::QuarantineReason;

struct QuarantineRow {
    node_id: String,
    id: String,
    reason: &'static str,
    received: String,
    findings: String,
}

#[derive(Template)]
#[template(path = "betrieb/quarantine.html")]
struct QuarantinePage {
    chrome: Chrome,
    rows: Vec<QuarantineRow>,
    next: Option<String>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
    OperatorSession(user): OperatorSession,
    csrf: CsrfToken,
) -> Response {
    let lang = lang_of(&q);
    let params: AfterQuery = query(&q);
    let page = match crate::quarantine::page(
        state.hub.store().as_ref(),
        params.node_id.as_deref(),
        params.after.as_deref(),
        Some(100),
    )
    .await
    {
        Ok(p) => p,
        Err(e) => return failed(lang, &e),
    };
    let rows = page
        .items
        .iter()
        .map(|e| QuarantineRow {
            node_id: e.node_id.clone(),
            id: e.id.clone(),
            reason: match e.reason {
                QuarantineReason::Invalid => lang.t("ungültig", "invalid"),
                QuarantineReason::Jurisdiction => lang.t("außerhalb des Gebiets", "outside the area"),
                QuarantineReason::Malformed => lang.t("unlesbar", "malformed"),
            },
            received: crate::rfc3339(e.received_at),
            findings: e
                .findings
                .as_array()
                .map(|fs| {
                    fs.iter()
                        .map(|f| {
                            let code = f["code"].as_str().unwrap_or("");
                            let msg = f["message"][lang.code()].as_str().unwrap_or("");
                            format!("{code}: {msg}")
                        })
                        .collect::<Vec<_>>()
                        .join(" · ")
                })
                .unwrap_or_default(),
        })
        .collect();
    let mut next_query = String::new();
    if let Some(n) = &params.node_id {
        next_query.push_str(&format!("node_id={}&", enc(n)));
    }
    let next = page
        .next_after
        .as_ref()
        .map(|a| href(lang, &format!("/betrieb/quarantaene?{next_query}after={}", enc(a))));
    let page = QuarantinePage {
        chrome: chrome(
            lang,
            lang.t("Quarantäne", "Quarantine"),
            "/betrieb/quarantaene",
            "/betrieb/quarantaene",
            &user,
            &csrf,
        ),
        rows,
        next,
    };
    html_page(&page)
}
