//! `/betrieb/knoten/{node_id}`: one node's figures, reasons, trend and scored offers, and its
//! institutions, networks and projects: each kind's feed and figures, and its records with the
//! lowest scores.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use lotse_standard::date::Date;
use lotse_web::{Chrome, Lang, csrf::CsrfToken, html_page};

use super::nodes::{
    Alert, NodeRow, ago, behind_text, duration_text, kind_label, node_row, record_path, score_text,
    state_class, state_label,
};
use super::trend::{TREND_DAYS, trend_charts};
use super::{AfterQuery, chrome, enc, failed, href, lang_of, not_found, query};
use crate::auth::OperatorSession;
use crate::ops::health::{self, HealthRules, KindHealth};
use crate::ops::record_scores::{self, KindSummary};
use crate::ops::snapshot;
use crate::state::AppState;
use crate::store::quality::SnapshotScope;

/// Records of each other kind the node page lists: those with the lowest scores.
const LOWEST: usize = 20;

/// One of the node's other kinds on the node page.
struct KindRow {
    label: &'static str,
    facts: Vec<(String, String)>,
    lowest: Vec<RecordRow>,
    csv: String,
}

/// A record with findings on the node page.
struct RecordRow {
    href: String,
    id: String,
    title: String,
    score: u32,
    checks: String,
}

/// An offer's row on the node page.
struct OfferRow {
    href: String,
    id: String,
    score: i64,
    flags: String,
    checks: String,
}

#[derive(Template)]
#[template(path = "betrieb/node.html")]
struct NodePage {
    chrome: Chrome,
    node: NodeRow,
    facts: Vec<(String, String)>,
    reasons: Vec<Alert>,
    chart_offers: String,
    chart_score: String,
    offers: Vec<OfferRow>,
    next: Option<String>,
    csv: String,
    kinds: Vec<KindRow>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    Path(node_id): Path<String>,
    RawQuery(q): RawQuery,
    OperatorSession(user): OperatorSession,
    csrf: CsrfToken,
) -> Response {
    let lang = lang_of(&q);
    let params: AfterQuery = query(&q);
    let hub = &state.hub;
    let today = Date::today_utc();
    let nodes = match health::all(hub.store().as_ref(), &HealthRules::from_config(hub.config())).await {
        Ok(n) => n,
        Err(e) => return failed(lang, &e),
    };
    let Some(mut n) = nodes.into_iter().find(|n| n.node_id == node_id) else {
        return not_found(lang, "Diesen Knoten gibt es nicht.", "There is no such node.");
    };
    let (points, page, summaries) = match tokio::try_join!(
        snapshot::trend(hub.store().as_ref(), SnapshotScope::Node, Some(&node_id), TREND_DAYS, today),
        crate::ops::api::node_page(hub.store().as_ref(), &node_id, params.after.as_deref(), Some(100)),
        record_scores::summaries(hub.store().as_ref(), Some(&node_id), LOWEST, today),
    ) {
        Ok(x) => x,
        Err(e) => return failed(lang, &e),
    };
    health::with_scores(std::slice::from_mut(&mut n), &summaries);
    let yes_no = |b: bool| lang.t(if b { "ja" } else { "nein" }, if b { "yes" } else { "no" }).to_owned();
    let facts = vec![
        (lang.t("Zustand", "State").to_owned(), state_label(lang, n.state).to_owned()),
        (
            lang.t("Letzte erfolgreiche Sammlung", "Last successful harvest").to_owned(),
            n.last_success_at.map_or_else(
                || lang.t("nie", "never").to_owned(),
                |at| format!("{} ({})", crate::rfc3339(at), ago(lang, n.lag_seconds)),
            ),
        ),
        (
            lang.t("Dauer der letzten erfolgreichen Sammlung", "Duration of the last successful harvest")
                .to_owned(),
            duration_text(lang, n.last_success_duration_ms),
        ),
        (
            lang.t("Änderungsnummer des Kontrollpunkts", "Checkpoint change number").to_owned(),
            n.checkpoint_modified.map_or_else(|| "–".to_owned(), |m| m.to_string()),
        ),
        (
            lang.t("Neueste Änderungsnummer des Knotens", "The node's newest change number").to_owned(),
            n.reported_head.map_or_else(|| "–".to_owned(), |m| m.to_string()),
        ),
        (lang.t("Rückstand", "Behind").to_owned(), behind_text(lang, n.behind_changes, n.behind_seconds)),
        (lang.t("Fehlschläge in Folge", "Failures in a row").to_owned(), n.consecutive_failures.to_string()),
        (
            lang.t("Letzter Fehler", "Last error").to_owned(),
            n.last_error.clone().unwrap_or_else(|| "–".into()),
        ),
        (
            lang.t("Standardversion", "Standard version").to_owned(),
            format!(
                "{} ({} {})",
                n.standard_version.as_deref().unwrap_or("–"),
                lang.t("veraltet:", "outdated:"),
                yes_no(n.standard_outdated)
            ),
        ),
        (lang.t("Angebote", "Offers").to_owned(), n.offers.to_string()),
        (lang.t("In Quarantäne", "Quarantined").to_owned(), n.quarantined.to_string()),
        (
            lang.t("Anteil mit Warnungen", "Share with warnings").to_owned(),
            format!("{:.0} %", n.warnings_share * 100.0),
        ),
        (lang.t("Mittlere Bewertung", "Mean score").to_owned(), score_text(n.mean_score)),
        (lang.t("Abgelaufen", "Expired").to_owned(), n.expired.to_string()),
        (lang.t("Unbestätigt", "Unverified").to_owned(), n.unverified.to_string()),
    ];
    let reasons = n
        .reasons
        .iter()
        .map(|r| Alert {
            href: String::new(),
            node: n.name.clone(),
            state: state_label(lang, r.state),
            class: state_class(r.state),
            message: lang.t(&r.message.de, &r.message.en).to_owned(),
        })
        .collect();
    let offers = page
        .items
        .iter()
        .map(|o| {
            let mut flags = Vec::new();
            if o.expired {
                flags.push(lang.t("abgelaufen", "expired"));
            }
            if o.unverified {
                flags.push(lang.t("unbestätigt", "unverified"));
            }
            OfferRow {
                href: href(lang, &format!("/betrieb/angebote/{}/{}", enc(&o.node_id), enc(&o.id))),
                id: o.id.clone(),
                score: o.score,
                flags: flags.join(", "),
                checks: o.findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>().join(", "),
            }
        })
        .collect();
    let path = format!("/betrieb/knoten/{}", enc(&node_id));
    let next = page.next_after.as_ref().map(|a| href(lang, &format!("{path}?after={}", enc(a))));
    let (chart_offers, chart_score) = trend_charts(lang, "node", &n.name, &points, today);
    let title = format!("{} {}", lang.t("Knoten", "Node"), n.name);
    let page = NodePage {
        chrome: chrome(lang, &title, "", &path, &user, &csrf),
        node: node_row(lang, &n),
        facts,
        reasons,
        chart_offers,
        chart_score,
        offers,
        next,
        csv: format!("/api/v1/admin/quality/nodes/{}/offers.csv", enc(&node_id)),
        kinds: n
            .kinds
            .iter()
            .map(|k| kind_row(lang, &node_id, k, summaries.get(&(node_id.clone(), k.kind))))
            .collect(),
    };
    html_page(&page)
}

/// What the node page shows of one other kind: the feed, the figures and the lowest scores.
fn kind_row(lang: Lang, node_id: &str, k: &KindHealth, summary: Option<&KindSummary>) -> KindRow {
    let yes_no = |b: bool| lang.t(if b { "ja" } else { "nein" }, if b { "yes" } else { "no" }).to_owned();
    let dash = || "–".to_owned();
    let q = k.quality.unwrap_or_default();
    let facts = vec![
        (lang.t("Feed veröffentlicht", "Feed published").to_owned(), yes_no(k.published)),
        (lang.t("Datensätze", "Records").to_owned(), k.records.to_string()),
        (
            lang.t("Kontrollpunkt", "Checkpoint").to_owned(),
            match (k.checkpoint_modified, &k.checkpoint_id) {
                (Some(m), Some(id)) => format!("{m} ({id})"),
                _ => dash(),
            },
        ),
        (
            lang.t("Letzte Sammlung", "Last harvest").to_owned(),
            k.last_harvest_at.map_or_else(dash, crate::rfc3339),
        ),
        (lang.t("Letzter Fehler", "Last error").to_owned(), k.last_error.clone().unwrap_or_else(dash)),
        (lang.t("Verweise ins Leere", "Dangling references").to_owned(), k.dangling_references.to_string()),
        (lang.t("Mittlere Bewertung", "Mean score").to_owned(), score_text(q.mean_score)),
        (lang.t("Mit Fehlern", "With errors").to_owned(), q.with_errors.to_string()),
        (lang.t("Unbestätigt", "Unverified").to_owned(), q.unverified.to_string()),
    ];
    let lowest = summary
        .map(|s| s.lowest.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|r| RecordRow {
            href: href(lang, &record_path(k.kind, &r.node_id, &r.id)),
            id: r.id.clone(),
            title: r.title.clone(),
            score: r.score,
            checks: r
                .findings
                .iter()
                .map(|f| format!("{} ({})", f.finding.code, f.level.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    KindRow {
        label: kind_label(lang, k.kind),
        facts,
        lowest,
        csv: format!("/api/v1/admin/quality/nodes/{}/{}.csv", enc(node_id), k.kind.plural()),
    }
}
