//! `/betrieb`: every node with its state, the alerts, the region's trend and score bands, and
//! the region's institutions, networks and projects with their scores.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use lotse_standard::date::Date;
use lotse_web::{Chrome, csrf::CsrfToken, html_page};

use super::nodes::{Alert, NodeRow, kind_label, kind_labels, node_row, score_text, state_class, state_label};
use super::trend::{TREND_DAYS, trend_charts};
use super::{chrome, enc, failed, href, lang_of};
use crate::auth::OperatorSession;
use crate::ops::health::{self, HealthRules};
use crate::ops::snapshot;
use crate::state::AppState;
use crate::store::quality::SnapshotScope;

#[derive(Template)]
#[template(path = "betrieb/overview.html")]
struct OverviewPage {
    chrome: Chrome,
    nodes: Vec<NodeRow>,
    alerts: Vec<Alert>,
    /// Server-rendered SVG; every text in it is escaped by [`svg`].
    chart_offers: String,
    chart_score: String,
    bands: Vec<(&'static str, i64)>,
    totals: Vec<(String, String)>,
    nodes_csv: String,
    kind_headers: Vec<&'static str>,
    kinds: Vec<KindTotal>,
}

/// The region's figures of one other kind.
struct KindTotal {
    label: &'static str,
    records: i64,
    mean: String,
    with_errors: i64,
    unverified: i64,
    dangling: i64,
}

pub(super) async fn page(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
    OperatorSession(user): OperatorSession,
    csrf: CsrfToken,
) -> Response {
    let lang = lang_of(&q);
    let today = Date::today_utc();
    let hub = &state.hub;
    let rules = HealthRules::from_config(hub.config());
    let (nodes, points, bands) = match tokio::try_join!(
        health::all_with_scores(hub.store().as_ref(), &rules, today),
        snapshot::trend(hub.store().as_ref(), SnapshotScope::Node, None, TREND_DAYS, today),
        async { hub.store().score_bands().await.map_err(crate::HubError::from) },
    ) {
        Ok(x) => x,
        Err(e) => return failed(lang, &e),
    };
    let alerts = nodes
        .iter()
        .flat_map(|n| {
            n.reasons.iter().map(|r| Alert {
                href: href(lang, &format!("/betrieb/knoten/{}", enc(&n.node_id))),
                node: n.name.clone(),
                state: state_label(lang, r.state),
                class: state_class(r.state),
                message: lang.t(&r.message.de, &r.message.en).to_owned(),
            })
        })
        .collect();
    let offers: i64 = nodes.iter().map(|n| n.offers).sum();
    let scored: i64 = bands.iter().sum();
    let (chart_offers, chart_score) =
        trend_charts(lang, "region", lang.t("Region", "Region"), &points, today);
    let totals = vec![
        (lang.t("Knoten", "Nodes").to_owned(), nodes.len().to_string()),
        (lang.t("Angebote", "Offers").to_owned(), offers.to_string()),
        (lang.t("Bewertet", "Scored").to_owned(), scored.to_string()),
        (
            lang.t("In Quarantäne", "Quarantined").to_owned(),
            nodes.iter().map(|n| n.quarantined).sum::<i64>().to_string(),
        ),
        (
            lang.t("Abgelaufen", "Expired").to_owned(),
            nodes.iter().map(|n| n.expired).sum::<i64>().to_string(),
        ),
        (
            lang.t("Unbestätigt", "Unverified").to_owned(),
            nodes.iter().map(|n| n.unverified).sum::<i64>().to_string(),
        ),
        (
            lang.t("Verweise ins Leere", "Dangling references").to_owned(),
            nodes.iter().map(|n| n.dangling_references).sum::<i64>().to_string(),
        ),
    ];
    let kinds = crate::harvest::records::RECORD_KINDS
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let of_kind: Vec<_> = nodes.iter().filter_map(|n| n.kinds.get(i)).collect();
            let scored: Vec<_> = of_kind.iter().filter_map(|k| k.quality).collect();
            let count: i64 = scored.iter().map(|q| q.scored).sum();
            // The region's mean: the nodes' means weighted by the records they scored.
            let sum: f64 = scored.iter().filter_map(|q| q.mean_score.map(|m| m * q.scored as f64)).sum();
            KindTotal {
                label: kind_label(lang, *kind),
                records: of_kind.iter().map(|k| k.records).sum(),
                mean: score_text((count > 0).then(|| sum / count as f64)),
                with_errors: scored.iter().map(|q| q.with_errors).sum(),
                unverified: scored.iter().map(|q| q.unverified).sum(),
                dangling: of_kind.iter().map(|k| k.dangling_references).sum(),
            }
        })
        .collect();
    let page = OverviewPage {
        chrome: chrome(lang, lang.t("Betrieb", "Operations"), "/betrieb", "/betrieb", &user, &csrf),
        nodes: nodes.iter().map(|n| node_row(lang, n)).collect(),
        alerts,
        chart_offers,
        chart_score,
        bands: crate::ops::metrics::BANDS.iter().copied().zip(bands).collect(),
        totals,
        nodes_csv: "/api/v1/admin/quality/nodes.csv".into(),
        kind_headers: kind_labels(lang),
        kinds,
    };
    html_page(&page)
}
