//! Node health: per node the figures an operator needs to see that it is behind or broken,
//! and a state — `ok`, `warn` or `error` — by the rules below (also in `docs/quality.md`).
//!
//! | state | rule (any one suffices) |
//! |---|---|
//! | error | the node is stopped (its feed answered 404/410) |
//! | error | never harvested successfully, registered longer than `health.error_after_secs` ago |
//! | error | last successful harvest longer than `health.error_after_secs` ago (default 1 hour) |
//! | error | `health.error_failures` or more harvests failed in a row (default 5) |
//! | error | behind the node for longer than `health.error_behind_secs` (default 1 hour) |
//! | warn | last successful harvest longer than `health.warn_after_secs` ago (default 15 minutes) |
//! | warn | behind the node for longer than `health.warn_behind_secs` (default 15 minutes) |
//! | warn | the last harvest failed |
//! | warn | the node reports an older version of the standard |
//! | warn | more than `health.warn_quarantine_share` of its items are quarantined (default 5 %) |
//! | warn | more than `health.warn_warnings_share` of its offers have validator warnings (default 25 %) |
//! | warn | the mean score of its offers is below `health.warn_mean_score` (default 60) |
//! | warn | the last harvest of the node's feed of another kind (institutions, networks, projects) failed |
//!
//! Otherwise the node is `ok`. The rules are checked in this order and every one that holds is
//! listed as a reason, so the operator sees all of them at once.
//!
//! **Behind the node.** RPDE has no field for a feed's newest change number, so the node reports
//! it with its ping (`{"modified": N}`, optional). The store keeps the highest reported head and
//! `behind_since`, when the hub first learnt of a head beyond its checkpoint. The node is
//! `behind_changes = max(0, head − checkpoint)` change numbers behind (a missing checkpoint
//! counts as 0) and has been so for `behind_seconds = now − behind_since` (0 when not behind).
//! The hub is caught up, and `behind_since` cleared, when a stored page's checkpoint reaches
//! the head, or when a successful harvest that began after the last report reached the end of
//! the feed: the head is then set to the checkpoint, because what the node reported beyond the
//! end of its feed is not in it (tombstones purged, a restored database). `behind_seconds` is
//! the time since the hub was last caught up, not the age of the oldest missing change: a hub
//! that follows a busy node without ever catching up keeps falling behind by this measure, and
//! that is what the rule is there to show.
//!
//! **The other kinds.** Beside its offers, a node's health lists each of standard 1.1's other
//! kinds ([`KindHealth`]): the live records the hub holds, whether the node publishes the
//! kind's feed, the hub's checkpoint in it and its last error (`record_feeds`), and the
//! references of those records that name no live record. These are aggregates the store
//! answers directly, so the health job stays cheap; the records' scores are derived on read
//! ([`super::record_scores`]) and added only where they are shown ([`with_scores`]).

use std::collections::HashMap;

use lotse_standard::date::Date;
use lotse_standard::rpde::Kind;
use serde::Serialize;
use utoipa::ToSchema;

use super::checks::Text;
use super::record_scores::{self, KindQuality, KindSummary};
use crate::config::HubConfig;
use crate::error::HubError;
use crate::harvest::records::RECORD_KINDS;
use crate::hub::Hub;
use crate::store::quality::QualityAggregate;
use crate::store::{HubStore, NodeCounts, NodeInfo, NodeState};
use crate::version::outdated;

/// A node's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthState {
    Ok,
    Warn,
    Error,
}

impl HealthState {
    pub fn as_str(self) -> &'static str {
        match self {
            HealthState::Ok => "ok",
            HealthState::Warn => "warn",
            HealthState::Error => "error",
        }
    }
}

/// The thresholds of the rules, from the configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HealthRules {
    pub warn_after_secs: i64,
    pub error_after_secs: i64,
    pub warn_behind_secs: i64,
    pub error_behind_secs: i64,
    pub error_failures: i64,
    pub warn_quarantine_share: f64,
    pub warn_warnings_share: f64,
    pub warn_mean_score: f64,
}

impl HealthRules {
    pub fn from_config(c: &HubConfig) -> Self {
        HealthRules {
            warn_after_secs: i64::try_from(c.health.warn_after_secs).unwrap_or(i64::MAX),
            error_after_secs: i64::try_from(c.health.error_after_secs).unwrap_or(i64::MAX),
            warn_behind_secs: i64::try_from(c.health.warn_behind_secs).unwrap_or(i64::MAX),
            error_behind_secs: i64::try_from(c.health.error_behind_secs).unwrap_or(i64::MAX),
            error_failures: i64::from(c.health.error_failures),
            warn_quarantine_share: c.health.warn_quarantine_share,
            warn_warnings_share: c.health.warn_warnings_share,
            warn_mean_score: c.health.warn_mean_score,
        }
    }
}

/// One rule that holds for a node.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HealthReason {
    /// Stable code of the rule.
    pub code: &'static str,
    pub state: HealthState,
    pub message: Text,
}

/// A node's health: figures, state and the reasons for it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NodeHealth {
    pub node_id: String,
    pub name: String,
    pub state: HealthState,
    pub reasons: Vec<HealthReason>,
    /// Unix seconds of the last successful harvest.
    pub last_success_at: Option<i64>,
    /// Seconds since the last successful harvest (since registration when there was none).
    pub lag_seconds: i64,
    /// Milliseconds the last successful harvest took.
    pub last_success_duration_ms: Option<i64>,
    /// The node's change number of the last stored item (the checkpoint).
    pub checkpoint_modified: Option<i64>,
    /// The node's newest change number as the hub knows it: the highest one its pings
    /// reported (`{"modified": N}`), or the checkpoint after a harvest that began after the
    /// last report and reached the end of the feed. Null before either.
    pub reported_head: Option<i64>,
    /// Change numbers the hub is behind the node: `max(0, reported_head − checkpoint_modified)`,
    /// a missing checkpoint counting as 0.
    pub behind_changes: i64,
    /// Unix seconds since which the hub has been behind the node (the first ping that reported
    /// a head beyond the checkpoint); null while it is caught up.
    pub behind_since: Option<i64>,
    /// Seconds the hub has been behind the node: now − `behind_since`, 0 when caught up.
    pub behind_seconds: i64,
    /// Harvests that failed in a row.
    pub consecutive_failures: i64,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
    pub standard_version: Option<String>,
    pub standard_outdated: bool,
    /// Live offers held by the hub.
    pub offers: i64,
    pub quarantined: i64,
    /// Share (0–1) of offers with validator warnings.
    pub warnings_share: f64,
    pub mean_score: Option<f64>,
    pub expired: i64,
    pub unverified: i64,
    /// References of the node's records of every kind (offers included) that name no live
    /// record.
    pub dangling_references: i64,
    /// Institutions, networks and projects, in this order.
    pub kinds: Vec<KindHealth>,
}

/// One of standard 1.1's other kinds of a node, as the hub holds it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct KindHealth {
    /// `organization`, `network` or `project`.
    #[serde(serialize_with = "singular")]
    #[schema(value_type = String)]
    pub kind: Kind,
    /// Whether the node publishes the kind's feed (a node on standard 1.0 answers 404, which
    /// is no error).
    pub published: bool,
    /// Live records held by the hub.
    pub records: i64,
    /// The node's change number of the last stored item of the kind's feed.
    pub checkpoint_modified: Option<i64>,
    /// The id of that item.
    pub checkpoint_id: Option<String>,
    /// Unix seconds of the last harvest of the kind's feed.
    pub last_harvest_at: Option<i64>,
    /// Why the last harvest of the kind's feed failed; null when it succeeded.
    pub last_error: Option<String>,
    /// Items of the kind's feed harvested in all.
    pub items_harvested: i64,
    /// References of these records that name no live record.
    pub dangling_references: i64,
    /// The records' scores; only where they are shown (the quality API and pages), null from
    /// the health job.
    pub quality: Option<KindQuality>,
}

fn singular<S: serde::Serializer>(kind: &Kind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.singular())
}

fn reason(code: &'static str, state: HealthState, de: String, en: String) -> HealthReason {
    HealthReason { code, state, message: Text { de, en } }
}

fn minutes(secs: i64) -> i64 {
    secs / 60
}

/// "3 Änderungen" / "3 changes", in German and English.
pub(crate) fn changes_text(n: i64) -> (String, String) {
    if n == 1 {
        ("1 Änderung".to_owned(), "1 change".to_owned())
    } else {
        (format!("{n} Änderungen"), format!("{n} changes"))
    }
}

/// Judges one node by the rules of the module documentation; `kinds` are its other kinds'
/// figures, `dangling_references` the references of all its records that name nothing.
pub fn judge(
    node: &NodeInfo,
    counts: NodeCounts,
    quality: QualityAggregate,
    kinds: Vec<KindHealth>,
    dangling_references: i64,
    now: i64,
    rules: &HealthRules,
) -> NodeHealth {
    use HealthState::{Error, Warn};
    let mut reasons = Vec::new();
    let since = now - node.last_success_at.unwrap_or(node.created_at);
    let checkpoint = node.checkpoint.as_ref().map_or(0, |c| c.modified);
    let behind_changes = node.reported_head.map_or(0, |head| head.saturating_sub(checkpoint).max(0));
    let behind_since = node.behind_since.filter(|_| behind_changes > 0);
    let behind_seconds = behind_since.map_or(0, |t| (now - t).max(0));
    if node.state == NodeState::Stopped {
        reasons.push(reason(
            "stopped",
            Error,
            format!("Knoten angehalten: {}", node.state_reason.as_deref().unwrap_or("–")),
            format!("Node stopped: {}", node.state_reason.as_deref().unwrap_or("–")),
        ));
    }
    if node.last_success_at.is_none() && since > rules.error_after_secs {
        reasons.push(reason(
            "never_harvested",
            Error,
            format!("Seit der Registrierung vor {} Minuten nie erfolgreich gesammelt.", minutes(since)),
            format!("Never harvested successfully since registration {} minutes ago.", minutes(since)),
        ));
    } else if node.last_success_at.is_some() && since > rules.error_after_secs {
        reasons.push(reason(
            "harvest_overdue",
            Error,
            format!("Letzte erfolgreiche Sammlung vor {} Minuten.", minutes(since)),
            format!("Last successful harvest {} minutes ago.", minutes(since)),
        ));
    } else if node.last_success_at.is_some() && since > rules.warn_after_secs {
        reasons.push(reason(
            "harvest_late",
            Warn,
            format!("Letzte erfolgreiche Sammlung vor {} Minuten.", minutes(since)),
            format!("Last successful harvest {} minutes ago.", minutes(since)),
        ));
    }
    let behind_rule = if behind_seconds > rules.error_behind_secs {
        Some(("behind_too_long", Error))
    } else if behind_seconds > rules.warn_behind_secs {
        Some(("behind", Warn))
    } else {
        None
    };
    if let Some((code, state)) = behind_rule {
        let (de, en) = changes_text(behind_changes);
        let m = minutes(behind_seconds);
        reasons.push(reason(
            code,
            state,
            format!(
                "Seit {m} Minuten {de} im Rückstand (gemeldet {}, gesammelt bis {checkpoint}).",
                node.reported_head.unwrap_or(0)
            ),
            format!(
                "{en} behind for {m} minutes (reported {}, harvested up to {checkpoint}).",
                node.reported_head.unwrap_or(0)
            ),
        ));
    }
    if node.consecutive_failures >= rules.error_failures {
        reasons.push(reason(
            "failing",
            Error,
            format!("{} Sammlungen in Folge fehlgeschlagen.", node.consecutive_failures),
            format!("{} harvests in a row failed.", node.consecutive_failures),
        ));
    } else if node.consecutive_failures > 0 {
        reasons.push(reason(
            "last_harvest_failed",
            Warn,
            format!("Letzte Sammlung fehlgeschlagen: {}", node.last_error.as_deref().unwrap_or("–")),
            format!("Last harvest failed: {}", node.last_error.as_deref().unwrap_or("–")),
        ));
    }
    let standard_outdated = outdated(node.standard_version.as_deref());
    if standard_outdated {
        let v = node.standard_version.as_deref().unwrap_or("–");
        reasons.push(reason(
            "standard_outdated",
            Warn,
            format!(
                "Der Knoten meldet Standard {v}, der Hub prüft mit {}.",
                lotse_standard::STANDARD_VERSION
            ),
            format!(
                "The node reports standard {v}, the hub checks with {}.",
                lotse_standard::STANDARD_VERSION
            ),
        ));
    }
    let items = counts.offers + counts.quarantined;
    if items > 0 && counts.quarantined as f64 / items as f64 > rules.warn_quarantine_share {
        reasons.push(reason(
            "quarantine_share",
            Warn,
            format!("{} von {items} Elementen in Quarantäne.", counts.quarantined),
            format!("{} of {items} items quarantined.", counts.quarantined),
        ));
    }
    let warnings_share =
        if quality.offers > 0 { quality.with_warnings as f64 / quality.offers as f64 } else { 0.0 };
    if warnings_share > rules.warn_warnings_share {
        reasons.push(reason(
            "warnings_share",
            Warn,
            format!("{:.0} % der Angebote mit Warnungen.", warnings_share * 100.0),
            format!("{:.0} % of offers with warnings.", warnings_share * 100.0),
        ));
    }
    if let Some(mean) = quality.mean_score
        && mean < rules.warn_mean_score
    {
        reasons.push(reason(
            "low_mean_score",
            Warn,
            format!("Mittlere Bewertung {mean:.0} (unter {:.0}).", rules.warn_mean_score),
            format!("Mean score {mean:.0} (below {:.0}).", rules.warn_mean_score),
        ));
    }
    for k in &kinds {
        if let Some(e) = &k.last_error {
            let (de, en) = lotse_http::kind::plural_label(k.kind);
            reasons.push(reason(
                "kind_feed_failed",
                Warn,
                format!("Letzte Sammlung der {de} fehlgeschlagen: {e}"),
                format!("Last harvest of the {en} failed: {e}"),
            ));
        }
    }
    let state = reasons.iter().map(|r| r.state).max().unwrap_or(HealthState::Ok);
    NodeHealth {
        node_id: node.id.clone(),
        name: node.name.clone(),
        state,
        reasons,
        last_success_at: node.last_success_at,
        lag_seconds: since.max(0),
        last_success_duration_ms: node.last_success_duration_ms,
        checkpoint_modified: node.checkpoint.as_ref().map(|c| c.modified),
        reported_head: node.reported_head,
        behind_changes,
        behind_since,
        behind_seconds,
        consecutive_failures: node.consecutive_failures,
        last_error: node.last_error.clone(),
        last_error_at: node.last_error_at,
        standard_version: node.standard_version.clone(),
        standard_outdated,
        offers: counts.offers,
        quarantined: counts.quarantined,
        warnings_share,
        mean_score: quality.mean_score,
        expired: quality.expired,
        unverified: quality.unverified,
        dangling_references,
        kinds,
    }
}

/// The health of every node by `rules`, ordered by id, without the other kinds' scores.
pub async fn all(store: &dyn HubStore, rules: &HealthRules) -> Result<Vec<NodeHealth>, HubError> {
    // Offers held are counted from the scores (a second behind the store at most), which one
    // covering index answers; counting the offers table would read every offer's row.
    let nodes = store.list_nodes().await?;
    let mut quality = store.quality_by_node().await?;
    let mut records: HashMap<(String, Kind), i64> = HashMap::new();
    for kind in RECORD_KINDS {
        for (node, n) in store.record_counts(kind).await? {
            records.insert((node, kind), n);
        }
    }
    let mut dangling: HashMap<(String, Kind), i64> = HashMap::new();
    for (node, kind, n) in store.dangling_counts().await? {
        dangling.insert((node, kind), n);
    }
    let now = crate::unix_now();
    let mut out = Vec::with_capacity(nodes.len());
    for n in &nodes {
        let mut kinds = Vec::with_capacity(RECORD_KINDS.len());
        for kind in RECORD_KINDS {
            let feed = store.record_feed(&n.id, kind).await?;
            let key = (n.id.clone(), kind);
            kinds.push(KindHealth {
                kind,
                published: feed.published,
                records: records.get(&key).copied().unwrap_or(0),
                checkpoint_modified: feed.checkpoint.as_ref().map(|c| c.modified),
                checkpoint_id: feed.checkpoint.map(|c| c.id),
                last_harvest_at: feed.last_harvest_at,
                last_error: feed.last_error,
                items_harvested: feed.items_harvested,
                dangling_references: dangling.get(&key).copied().unwrap_or(0),
                quality: None,
            });
        }
        let all_dangling: i64 = Kind::ALL.iter().filter_map(|k| dangling.get(&(n.id.clone(), *k))).sum();
        let q = quality.remove(&n.id).unwrap_or_default();
        let counts = NodeCounts { offers: q.offers, quarantined: q.quarantined };
        out.push(judge(n, counts, q, kinds, all_dangling, now, rules));
    }
    Ok(out)
}

/// Adds the other kinds' scores to the nodes' figures (a node and kind without records gets
/// empty figures).
pub fn with_scores(nodes: &mut [NodeHealth], summaries: &HashMap<(String, Kind), KindSummary>) {
    for n in nodes {
        for k in &mut n.kinds {
            let figures = summaries.get(&(n.node_id.clone(), k.kind)).map(|s| s.figures);
            k.quality = Some(figures.unwrap_or_default());
        }
    }
}

/// The health of every node with the other kinds' scores, as of `today`: what the quality API
/// and the operator's pages show.
pub async fn all_with_scores(
    store: &dyn HubStore,
    rules: &HealthRules,
    today: Date,
) -> Result<Vec<NodeHealth>, HubError> {
    let mut nodes = all(store, rules).await?;
    let summaries = record_scores::summaries(store, None, 0, today).await?;
    with_scores(&mut nodes, &summaries);
    Ok(nodes)
}

/// The health job once: judges every node by the configured rules and updates the node
/// metrics.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn run_once(hub: &Hub) -> Result<Vec<NodeHealth>, HubError> {
    let started = std::time::Instant::now();
    let result = all(hub.store().as_ref(), &HealthRules::from_config(hub.config())).await;
    if let Ok(nodes) = &result {
        super::metrics::record_health(hub.metrics(), nodes);
    }
    super::metrics::job_finished(hub.metrics(), "health", started, result.is_ok());
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Checkpoint;

    const NOW: i64 = 1_800_000_000;

    fn rules() -> HealthRules {
        HealthRules::from_config(&HubConfig::default())
    }

    fn node() -> NodeInfo {
        NodeInfo {
            id: "essen".into(),
            name: "Stadt Essen".into(),
            feed_url: "https://essen.example.org/feed/offers".into(),
            jurisdiction: vec!["05113000".into()],
            state: NodeState::Active,
            state_reason: None,
            checkpoint: Some(Checkpoint { modified: 42, id: "a".into() }),
            standard_version: Some(lotse_standard::STANDARD_VERSION.into()),
            created_at: NOW - 86_400,
            updated_at: NOW - 86_400,
            last_harvest_at: Some(NOW - 60),
            last_success_at: Some(NOW - 60),
            last_error: None,
            last_error_at: None,
            consecutive_failures: 0,
            items_harvested: 100,
            last_success_duration_ms: Some(250),
            reported_head: Some(42),
            behind_since: None,
        }
    }

    /// The node with a ping that reported `head` at `since`.
    fn behind(head: i64, since: i64) -> NodeInfo {
        NodeInfo { reported_head: Some(head), behind_since: Some(since), ..node() }
    }

    fn good_quality() -> QualityAggregate {
        QualityAggregate {
            offers: 100,
            mean_score: Some(85.0),
            with_warnings: 5,
            expired: 1,
            unverified: 2,
            quarantined: 1,
        }
    }

    fn counts() -> NodeCounts {
        NodeCounts { offers: 100, quarantined: 1 }
    }

    fn codes(h: &NodeHealth) -> Vec<&'static str> {
        h.reasons.iter().map(|r| r.code).collect()
    }

    #[test]
    fn a_current_node_is_ok_with_its_figures() {
        let h = judge(&node(), counts(), good_quality(), Vec::new(), 0, NOW, &rules());
        assert_eq!(h.state, HealthState::Ok, "{:?}", h.reasons);
        assert_eq!((h.lag_seconds, h.checkpoint_modified, h.offers, h.quarantined), (60, Some(42), 100, 1));
        assert!((h.warnings_share - 0.05).abs() < 1e-9);
        assert_eq!((h.expired, h.unverified, h.mean_score), (1, 2, Some(85.0)));
        assert_eq!(h.last_success_duration_ms, Some(250));
        assert_eq!(
            (h.reported_head, h.behind_changes, h.behind_since, h.behind_seconds),
            (Some(42), 0, None, 0)
        );
    }

    #[test]
    fn lag_in_change_numbers_and_seconds() {
        let r = rules();
        // Behind by three changes for two minutes: figures, no rule yet.
        let h = judge(&behind(45, NOW - 120), counts(), good_quality(), Vec::new(), 0, NOW, &r);
        assert_eq!((h.behind_changes, h.behind_since, h.behind_seconds), (3, Some(NOW - 120), 120));
        assert_eq!(h.state, HealthState::Ok, "{:?}", h.reasons);
        // The checkpoint ahead of an older report is not behind, whatever the stored time says.
        let h = judge(&behind(40, NOW - 5000), counts(), good_quality(), Vec::new(), 0, NOW, &r);
        assert_eq!((h.behind_changes, h.behind_since, h.behind_seconds), (0, None, 0));
        assert_eq!(h.state, HealthState::Ok);
        // Without a checkpoint every reported change is missing.
        let fresh = NodeInfo { checkpoint: None, ..behind(7, NOW - 30) };
        assert_eq!(judge(&fresh, counts(), good_quality(), Vec::new(), 0, NOW, &r).behind_changes, 7);
        // A node that never reported a head is not behind.
        let quiet = NodeInfo { reported_head: None, ..node() };
        assert_eq!(judge(&quiet, counts(), good_quality(), Vec::new(), 0, NOW, &r).behind_changes, 0);
    }

    #[test]
    fn each_warn_rule() {
        let r = rules();
        let cases: Vec<(&str, NodeInfo, NodeCounts, QualityAggregate)> = vec![
            (
                "harvest_late",
                NodeInfo { last_success_at: Some(NOW - 901), ..node() },
                counts(),
                good_quality(),
            ),
            ("behind", behind(45, NOW - 901), counts(), good_quality()),
            (
                "last_harvest_failed",
                NodeInfo { consecutive_failures: 1, last_error: Some("HTTP 500".into()), ..node() },
                counts(),
                good_quality(),
            ),
            (
                "standard_outdated",
                NodeInfo { standard_version: Some("0.1.0".into()), ..node() },
                counts(),
                good_quality(),
            ),
            ("quarantine_share", node(), NodeCounts { offers: 90, quarantined: 10 }, good_quality()),
            ("warnings_share", node(), counts(), QualityAggregate { with_warnings: 26, ..good_quality() }),
            (
                "low_mean_score",
                node(),
                counts(),
                QualityAggregate { mean_score: Some(59.9), ..good_quality() },
            ),
        ];
        for (code, n, c, q) in cases {
            let h = judge(&n, c, q, Vec::new(), 0, NOW, &r);
            assert_eq!(h.state, HealthState::Warn, "{code}");
            assert_eq!(codes(&h), [code]);
        }
        // Just below each threshold stays ok.
        let h = judge(
            &NodeInfo { last_success_at: Some(NOW - 900), ..behind(45, NOW - 900) },
            NodeCounts { offers: 95, quarantined: 5 },
            QualityAggregate { with_warnings: 25, mean_score: Some(60.0), ..good_quality() },
            Vec::new(),
            0,
            NOW,
            &r,
        );
        assert_eq!(h.state, HealthState::Ok, "{:?}", h.reasons);
    }

    #[test]
    fn each_error_rule_and_the_worst_state_wins() {
        let r = rules();
        let cases: Vec<(&str, NodeInfo)> = vec![
            ("stopped", NodeInfo { state: NodeState::Stopped, state_reason: Some("410".into()), ..node() }),
            ("never_harvested", NodeInfo { last_success_at: None, created_at: NOW - 3601, ..node() }),
            ("harvest_overdue", NodeInfo { last_success_at: Some(NOW - 3601), ..node() }),
            ("failing", NodeInfo { consecutive_failures: 5, ..node() }),
            ("behind_too_long", behind(43, NOW - 3601)),
        ];
        for (code, n) in cases {
            let h = judge(&n, counts(), good_quality(), Vec::new(), 0, NOW, &r);
            assert_eq!(h.state, HealthState::Error, "{code}");
            assert_eq!(codes(&h), [code]);
        }
        // An hour behind exactly is still a warning.
        let h = judge(&behind(43, NOW - 3600), counts(), good_quality(), Vec::new(), 0, NOW, &r);
        assert_eq!((h.state, codes(&h)), (HealthState::Warn, vec!["behind"]));
        // A new node that was never harvested is not an error yet.
        let fresh = NodeInfo { last_success_at: None, created_at: NOW - 60, ..node() };
        assert_eq!(
            judge(&fresh, NodeCounts::default(), QualityAggregate::default(), Vec::new(), 0, NOW, &r).state,
            HealthState::Ok
        );
        // Several rules: all listed, the worst decides.
        let bad = NodeInfo { consecutive_failures: 2, last_success_at: Some(NOW - 7200), ..node() };
        let h = judge(
            &bad,
            counts(),
            QualityAggregate { mean_score: Some(10.0), ..good_quality() },
            Vec::new(),
            0,
            NOW,
            &r,
        );
        assert_eq!(h.state, HealthState::Error);
        assert_eq!(codes(&h), ["harvest_overdue", "last_harvest_failed", "low_mean_score"]);
    }

    #[test]
    fn a_failed_feed_of_another_kind_warns() {
        let kind = |kind, error: Option<&str>| KindHealth {
            kind,
            published: true,
            records: 3,
            checkpoint_modified: Some(7),
            checkpoint_id: Some("x".into()),
            last_harvest_at: Some(NOW - 60),
            last_error: error.map(str::to_owned),
            items_harvested: 3,
            dangling_references: 1,
            quality: None,
        };
        let kinds = vec![
            kind(Kind::Organization, None),
            kind(Kind::Network, Some("HTTP 500")),
            kind(Kind::Project, None),
        ];
        let h = judge(&node(), counts(), good_quality(), kinds, 4, NOW, &rules());
        assert_eq!((h.state, codes(&h)), (HealthState::Warn, vec!["kind_feed_failed"]));
        let en = &h.reasons[0].message.en;
        assert!(en.contains("networks") && en.contains("HTTP 500"), "{en}");
        assert_eq!((h.dangling_references, h.kinds.len()), (4, 3));
        let json = serde_json::to_value(&h.kinds[1]).unwrap();
        assert_eq!(json["kind"], "network");
    }
}
