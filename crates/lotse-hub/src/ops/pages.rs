//! The operator's HTML pages under `/betrieb`: overview (nodes, scores, alerts, trends), one
//! node, one offer's findings, the quarantine and the coverage with its map.
//!
//! Login: the operator enters the operator token once (`/betrieb/anmelden`); the hub then sets
//! an `HttpOnly`, `SameSite=Lax` session cookie (`Secure` behind TLS) holding a random session
//! id, and stores only the id's SHA-256 hash with an expiry (`session_ttl_secs`). A revoked
//! operator token ends its sessions at once. Every form that changes data checks the CSRF
//! token first. Charts and map are SVG rendered here (see [`super::svg`]), so the pages need no
//! script and no foreign origin.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use lotse_http::token::{generate_token, hash_token};
use lotse_standard::date::Date;
use lotse_web::{Chrome, Lang, NavItem, Site, cookie, csrf::CsrfToken, html_page};
use serde::Deserialize;

use super::checks::QualityFinding;
use super::health::{self, HealthState, NodeHealth};
use super::snapshot::{self, TrendPoint};
use super::svg;
use crate::api::AppState;
use crate::store::TokenInfo;
use crate::store::quality::SnapshotScope;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "lotse_betrieb";
/// Days of the trend charts.
const TREND_DAYS: u32 = 90;

pub(crate) fn router(public_url: Option<String>) -> Router<AppState> {
    let pages = Router::new()
        .route("/betrieb", get(overview))
        .route("/betrieb/anmelden", get(login_form).post(login))
        .route("/betrieb/abmelden", post(logout))
        .route("/betrieb/knoten/{node_id}", get(node_page))
        .route("/betrieb/angebote/{node_id}/{*id}", get(offer_page))
        .route("/betrieb/quarantaene", get(quarantine_page))
        .route("/betrieb/abdeckung", get(coverage_page))
        .route("/betrieb/abdeckung/bevoelkerung", post(population_upload));
    let pages = lotse_web::csrf::apply(pages, public_url);
    // The shared static files are served once for the whole hub, by `crate::web::router`.
    lotse_web::security::apply(pages, &lotse_web::security::SecurityOptions::default())
}

/// The operator behind the request's session cookie, if the session is valid.
pub(crate) async fn session_operator(state: &AppState, headers: &HeaderMap) -> Option<TokenInfo> {
    let id = cookie::get(headers, SESSION_COOKIE)?;
    state.hub.store().session_token(&hash_token(id), crate::unix_now()).await.ok().flatten()
}

fn lang_of(q: &Option<String>) -> Lang {
    Lang::from_query(q.as_deref())
}

/// A link within the pages, keeping the English version English.
fn href(lang: Lang, path: &str) -> String {
    if lang == Lang::En {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}lang=en")
    } else {
        path.to_owned()
    }
}

/// Percent-encodes a path segment or query value.
fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn chrome(
    lang: Lang,
    title: &str,
    current: &str,
    path_and_query: &str,
    user: &TokenInfo,
    csrf: &CsrfToken,
) -> Chrome {
    let item = |path: &str, de: &str, en: &str| NavItem::new(href(lang, path), lang, de, en, path == current);
    Chrome::new(lang, title, Site::Hub)
        .nav(vec![
            item("/betrieb", "Übersicht", "Overview"),
            item("/betrieb/quarantaene", "Quarantäne", "Quarantine"),
            item("/betrieb/abdeckung", "Abdeckung", "Coverage"),
        ])
        .user(Some(user.name.clone()), &href(lang, "/betrieb/abmelden"))
        .csrf(csrf.as_str())
        .lang_switch(path_and_query)
}

/// The signed-in operator, or the redirect to the login page.
async fn require(state: &AppState, headers: &HeaderMap, lang: Lang) -> Result<TokenInfo, Response> {
    match session_operator(state, headers).await {
        Some(t) => Ok(t),
        None => Err(Redirect::to(&href(lang, "/betrieb/anmelden")).into_response()),
    }
}

fn failed(lang: Lang, e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "operator page failed");
    lotse_web::error_page(lang, StatusCode::INTERNAL_SERVER_ERROR, "Interner Fehler.", "Internal error.")
}

fn not_found(lang: Lang, de: &str, en: &str) -> Response {
    lotse_web::error_page(lang, StatusCode::NOT_FOUND, de, en)
}

fn state_class(s: HealthState) -> &'static str {
    match s {
        HealthState::Ok => "ok",
        HealthState::Warn => "warning",
        HealthState::Error => "error",
    }
}

fn state_label(lang: Lang, s: HealthState) -> &'static str {
    match s {
        HealthState::Ok => lang.t("in Ordnung", "ok"),
        HealthState::Warn => lang.t("Warnung", "warning"),
        HealthState::Error => lang.t("Fehler", "error"),
    }
}

fn ago(lang: Lang, secs: i64) -> String {
    let (n, de, en) = span(secs);
    match lang {
        Lang::De => format!("vor {n} {de}"),
        Lang::En => format!("{n} {en} ago"),
    }
}

/// How far the hub is behind a node: "3 Änderungen seit 5 Minuten" / "3 changes for 5 minutes".
fn behind_text(lang: Lang, changes: i64, secs: i64) -> String {
    if changes == 0 {
        return lang.t("keiner", "none").to_owned();
    }
    let (n, de, en) = span(secs);
    let (changes_de, changes_en) = health::changes_text(changes);
    match lang {
        Lang::De => format!("{changes_de} seit {n} {de}"),
        Lang::En => format!("{changes_en} for {n} {en}"),
    }
}

/// A harvest's duration: milliseconds below a second, else seconds with one decimal.
fn duration_text(lang: Lang, ms: Option<i64>) -> String {
    match ms {
        None => "–".to_owned(),
        Some(ms) if ms < 1000 => format!("{ms} ms"),
        Some(ms) => {
            let s = format!("{:.1} s", ms as f64 / 1000.0);
            match lang {
                Lang::De => s.replace('.', ","),
                Lang::En => s,
            }
        }
    }
}

/// A number of seconds in the largest unit that keeps it readable, with the unit's plural in
/// German (dative, as after "vor" and "seit") and English.
fn span(secs: i64) -> (i64, &'static str, &'static str) {
    if secs < 120 {
        (secs, "Sekunden", "seconds")
    } else if secs < 7200 {
        (secs / 60, "Minuten", "minutes")
    } else if secs < 172_800 {
        (secs / 3600, "Stunden", "hours")
    } else {
        (secs / 86_400, "Tagen", "days")
    }
}

fn score_text(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), |m| format!("{m:.0}"))
}

/// A node's row in the overview.
struct NodeRow {
    href: String,
    id: String,
    name: String,
    state: &'static str,
    class: &'static str,
    offers: i64,
    quarantined: i64,
    mean: String,
    warnings: String,
    expired: i64,
    last_success: String,
    behind: String,
    reasons: String,
}

fn node_row(lang: Lang, n: &NodeHealth) -> NodeRow {
    NodeRow {
        href: href(lang, &format!("/betrieb/knoten/{}", enc(&n.node_id))),
        id: n.node_id.clone(),
        name: n.name.clone(),
        state: state_label(lang, n.state),
        class: state_class(n.state),
        offers: n.offers,
        quarantined: n.quarantined,
        mean: score_text(n.mean_score),
        warnings: format!("{:.0} %", n.warnings_share * 100.0),
        expired: n.expired,
        last_success: match n.last_success_at {
            Some(_) => ago(lang, n.lag_seconds),
            None => lang.t("nie", "never").to_owned(),
        },
        behind: behind_text(lang, n.behind_changes, n.behind_seconds),
        reasons: n
            .reasons
            .iter()
            .map(|r| lang.t(&r.message.de, &r.message.en).to_owned())
            .collect::<Vec<_>>()
            .join(" · "),
    }
}

/// One alert: a rule that holds for a node.
struct Alert {
    href: String,
    node: String,
    state: &'static str,
    class: &'static str,
    message: String,
}

/// The two trend charts (offers and mean score) as SVG.
fn trend_charts(lang: Lang, id: &str, what: &str, points: &[TrendPoint], today: Date) -> (String, String) {
    let offers: Vec<(String, f64)> = points.iter().map(|p| (p.day.clone(), p.offers as f64)).collect();
    let scores: Vec<(String, f64)> = points.iter().map(|p| (p.day.clone(), p.mean_score)).collect();
    let title = |de: &str, en: &str| format!("{} – {what}", lang.t(de, en));
    (
        svg::line_chart(
            &format!("{id}-offers"),
            &title("Angebote, letzte 90 Tage", "Offers, last 90 days"),
            &offers,
            TREND_DAYS,
            today,
            None,
        ),
        svg::line_chart(
            &format!("{id}-score"),
            &title("Mittlere Bewertung, letzte 90 Tage", "Mean score, last 90 days"),
            &scores,
            TREND_DAYS,
            today,
            Some(100.0),
        ),
    )
}

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
}

async fn overview(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    csrf: CsrfToken,
) -> Response {
    let lang = lang_of(&q);
    let user = match require(&state, &headers, lang).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let today = Date::today_utc();
    let hub = &state.hub;
    let (nodes, points, bands) = match tokio::try_join!(
        health::all(hub),
        snapshot::trend(hub, SnapshotScope::Node, None, TREND_DAYS, today),
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
    ];
    let page = OverviewPage {
        chrome: chrome(lang, lang.t("Betrieb", "Operations"), "/betrieb", "/betrieb", &user, &csrf),
        nodes: nodes.iter().map(|n| node_row(lang, n)).collect(),
        alerts,
        chart_offers,
        chart_score,
        bands: super::metrics::BANDS.iter().copied().zip(bands).collect(),
        totals,
        nodes_csv: "/api/v1/admin/quality/nodes.csv".into(),
    };
    html_page(&page)
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
}

#[derive(Deserialize, Default)]
struct AfterQuery {
    after: Option<String>,
    node_id: Option<String>,
    offer_type: Option<String>,
}

fn query<T: for<'de> Deserialize<'de> + Default>(q: &Option<String>) -> T {
    q.as_deref().and_then(|q| serde_urlencoded::from_str(q).ok()).unwrap_or_default()
}

async fn node_page(
    State(state): State<AppState>,
    Path(node_id): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    csrf: CsrfToken,
) -> Response {
    let lang = lang_of(&q);
    let user = match require(&state, &headers, lang).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let params: AfterQuery = query(&q);
    let hub = &state.hub;
    let today = Date::today_utc();
    let nodes = match health::all(hub).await {
        Ok(n) => n,
        Err(e) => return failed(lang, &e),
    };
    let Some(n) = nodes.into_iter().find(|n| n.node_id == node_id) else {
        return not_found(lang, "Diesen Knoten gibt es nicht.", "There is no such node.");
    };
    let (points, page) = match tokio::try_join!(
        snapshot::trend(hub, SnapshotScope::Node, Some(&node_id), TREND_DAYS, today),
        super::api::node_page(hub, &node_id, params.after.as_deref(), Some(100)),
    ) {
        Ok(x) => x,
        Err(e) => return failed(lang, &e),
    };
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
    };
    html_page(&page)
}

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

async fn offer_page(
    State(state): State<AppState>,
    Path((node_id, id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    csrf: CsrfToken,
) -> Response {
    let lang = lang_of(&q);
    let user = match require(&state, &headers, lang).await {
        Ok(u) => u,
        Err(r) => return r,
    };
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

async fn quarantine_page(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    csrf: CsrfToken,
) -> Response {
    let lang = lang_of(&q);
    let user = match require(&state, &headers, lang).await {
        Ok(u) => u,
        Err(r) => return r,
    };
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
                crate::store::QuarantineReason::Invalid => lang.t("ungültig", "invalid"),
                crate::store::QuarantineReason::Jurisdiction => {
                    lang.t("außerhalb des Gebiets", "outside the area")
                }
                crate::store::QuarantineReason::Malformed => lang.t("unlesbar", "malformed"),
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

async fn coverage_page(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    csrf: CsrfToken,
) -> Response {
    let lang = lang_of(&q);
    let user = match require(&state, &headers, lang).await {
        Ok(u) => u,
        Err(r) => return r,
    };
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
    let coverage = match snapshot::coverage(&state.hub, chosen.as_deref()).await {
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
struct UploadForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    population: String,
}

async fn population_upload(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    csrf: CsrfToken,
    axum::Form(form): axum::Form<UploadForm>,
) -> Response {
    let lang = lang_of(&q);
    if let Err(r) = csrf.verify(&form.csrf, lang) {
        return r.into_response();
    }
    let user = match require(&state, &headers, lang).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let figures = match super::csv::parse_population(&form.population) {
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

#[derive(Template)]
#[template(path = "betrieb/login.html")]
struct LoginPage {
    chrome: Chrome,
    csrf: String,
    error: Option<String>,
    action: String,
}

fn login_page(lang: Lang, csrf: &CsrfToken, error: Option<String>) -> LoginPage {
    LoginPage {
        chrome: Chrome::new(lang, lang.t("Anmelden", "Log in"), Site::Hub).lang_switch("/betrieb/anmelden"),
        csrf: csrf.as_str().to_owned(),
        error,
        action: href(lang, "/betrieb/anmelden"),
    }
}

async fn login_form(RawQuery(q): RawQuery, csrf: CsrfToken) -> Response {
    html_page(&login_page(lang_of(&q), &csrf, None))
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    token: String,
}

async fn login(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    csrf: CsrfToken,
    axum::Form(form): axum::Form<LoginForm>,
) -> Response {
    let lang = lang_of(&q);
    if let Err(r) = csrf.verify(&form.csrf, lang) {
        return r.into_response();
    }
    let hub = &state.hub;
    let token_hash = hash_token(form.token.trim());
    let found = match hub.store().token_by_hash(&token_hash).await {
        Ok(t) => t,
        Err(e) => return failed(lang, &e),
    };
    let Some(token) = found.filter(|t| t.revoked_at.is_none() && t.role == crate::store::Role::Operator)
    else {
        let msg =
            lang.t("Dieses Token ist kein gültiges Betriebs-Token.", "This is not a valid operator token.");
        let mut r = html_page(&login_page(lang, &csrf, Some(msg.to_owned())));
        *r.status_mut() = StatusCode::UNAUTHORIZED;
        return r;
    };
    let session = generate_token();
    let now = crate::unix_now();
    let ttl = hub.config().session_ttl_secs;
    let expires = now.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX));
    if let Err(e) = hub.store().create_session(&hash_token(session.expose()), token.id, now, expires).await {
        return failed(lang, &e);
    }
    let secure = cookie::behind_tls(&headers, hub.config().public_url.as_deref());
    let mut r = Redirect::to(&href(lang, "/betrieb")).into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, cookie::set(SESSION_COOKIE, session.expose(), Some(ttl), secure));
    r
}

#[derive(Deserialize)]
struct LogoutForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    csrf: CsrfToken,
    axum::Form(form): axum::Form<LogoutForm>,
) -> Response {
    let lang = lang_of(&q);
    if let Err(r) = csrf.verify(&form.csrf, lang) {
        return r.into_response();
    }
    if let Some(id) = cookie::get(&headers, SESSION_COOKIE)
        && let Err(e) = state.hub.store().delete_session(&hash_token(id), crate::unix_now()).await
    {
        return failed(lang, &e);
    }
    let mut r = Redirect::to(&href(lang, "/betrieb/anmelden")).into_response();
    r.headers_mut().append(header::SET_COOKIE, cookie::clear(SESSION_COOKIE));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
