//! What the pages show of a node: its row in the tables, its alerts, the words for its state,
//! its lag and how far the hub is behind it, and its institutions, networks and projects.

use lotse_standard::rpde::Kind;
use lotse_web::Lang;

use super::{enc, href};
use crate::ops::health::{self, HealthState, KindHealth, NodeHealth};

pub(super) fn state_class(s: HealthState) -> &'static str {
    match s {
        HealthState::Ok => "ok",
        HealthState::Warn => "warning",
        HealthState::Error => "error",
    }
}

pub(super) fn state_label(lang: Lang, s: HealthState) -> &'static str {
    match s {
        HealthState::Ok => lang.t("in Ordnung", "ok"),
        HealthState::Warn => lang.t("Warnung", "warning"),
        HealthState::Error => lang.t("Fehler", "error"),
    }
}

pub(super) fn ago(lang: Lang, secs: i64) -> String {
    let (n, de, en) = span(secs);
    match lang {
        Lang::De => format!("vor {n} {de}"),
        Lang::En => format!("{n} {en} ago"),
    }
}

/// How far the hub is behind a node: "3 Änderungen seit 5 Minuten" / "3 changes for 5 minutes".
pub(super) fn behind_text(lang: Lang, changes: i64, secs: i64) -> String {
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
pub(super) fn duration_text(lang: Lang, ms: Option<i64>) -> String {
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

pub(super) fn score_text(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), |m| format!("{m:.0}"))
}

/// A node's row in the overview.
pub(super) struct NodeRow {
    pub(super) href: String,
    pub(super) id: String,
    pub(super) name: String,
    pub(super) state: &'static str,
    pub(super) class: &'static str,
    pub(super) offers: i64,
    pub(super) quarantined: i64,
    pub(super) mean: String,
    pub(super) warnings: String,
    pub(super) expired: i64,
    pub(super) last_success: String,
    pub(super) behind: String,
    pub(super) reasons: String,
    /// Per other kind: its records and their mean score.
    pub(super) kinds: Vec<String>,
    pub(super) dangling: i64,
}

pub(super) fn node_row(lang: Lang, n: &NodeHealth) -> NodeRow {
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
        kinds: n.kinds.iter().map(|k| kind_cell(lang, k)).collect(),
        dangling: n.dangling_references,
    }
}

/// A kind's name, plural, in the page's language.
pub(super) fn kind_label(lang: Lang, kind: Kind) -> &'static str {
    let (de, en) = lotse_http::kind::plural_label(kind);
    lang.t(de, en)
}

/// The table headers of the other kinds, in the order of a node's `kinds`.
pub(super) fn kind_labels(lang: Lang) -> Vec<&'static str> {
    crate::harvest::records::RECORD_KINDS.iter().map(|k| kind_label(lang, *k)).collect()
}

/// A node's figures of one other kind in a cell: its records and their mean score
/// ("12 (Ø 85)"), or a dash while the node publishes no such feed and the hub holds none.
pub(super) fn kind_cell(lang: Lang, k: &KindHealth) -> String {
    if !k.published && k.records == 0 {
        return lang.t("– (kein Feed)", "– (no feed)").to_owned();
    }
    match k.quality.and_then(|q| q.mean_score) {
        Some(mean) => format!("{} (Ø {mean:.0})", k.records),
        None => k.records.to_string(),
    }
}

/// Where the operator's pages of a kind's records lie (`/betrieb/einrichtungen`, …).
pub(super) fn record_root(kind: Kind) -> &'static str {
    match kind {
        Kind::Offer => "/betrieb/angebote",
        Kind::Organization => "/betrieb/einrichtungen",
        Kind::Network => "/betrieb/netzwerke",
        Kind::Project => "/betrieb/projekte",
    }
}

/// The operator's page of a record's findings (`/betrieb/einrichtungen/{node_id}/{id}`, …).
pub(super) fn record_path(kind: Kind, node_id: &str, id: &str) -> String {
    format!("{}/{}/{}", record_root(kind), enc(node_id), enc(id))
}

/// One alert: a rule that holds for a node.
pub(super) struct Alert {
    pub(super) href: String,
    pub(super) node: String,
    pub(super) state: &'static str,
    pub(super) class: &'static str,
    pub(super) message: String,
}
