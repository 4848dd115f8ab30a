//! Daily snapshots per node and per municipality, the trend over the last days, and the
//! coverage table.
//!
//! A snapshot holds a day's figures (offers by type and life phase, mean score, offers with
//! warnings, expired, unverified), aggregated from the stored scores; snapshots are never
//! purged, so trends reach back years. An offer counts once for every municipality its
//! locations lie in. Every registered node and every municipality of the region pack gets a
//! snapshot each day, also with no offers, so that a gap in a chart means the job did not run.
//! The coverage table reads the latest municipality snapshot (53 rows instead of every offer,
//! which keeps the dashboard fast), or aggregates the scores directly before the first one.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use lotse_standard::date::Date;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::HubError;
use crate::hub::Hub;
use crate::store::HubStore;
use crate::store::quality::{QualityRow, Snapshot, SnapshotScope};

/// Rows read per page while aggregating.
const PAGE: u32 = 10_000;

#[derive(Debug, Default, Clone)]
struct Acc {
    offers: i64,
    score_sum: i64,
    warnings: i64,
    expired: i64,
    unverified: i64,
    by_type: BTreeMap<String, i64>,
    by_phase: BTreeMap<String, i64>,
}

impl Acc {
    fn add(&mut self, r: &QualityRow) {
        self.offers += 1;
        self.score_sum += r.score;
        self.warnings += i64::from(r.warnings > 0);
        self.expired += i64::from(r.expired);
        self.unverified += i64::from(r.unverified);
        *self.by_type.entry(r.offer_type.clone()).or_default() += 1;
        for p in r.life_phases.split(',').filter(|p| !p.is_empty()) {
            *self.by_phase.entry(p.to_owned()).or_default() += 1;
        }
    }

    fn snapshot(&self, scope: SnapshotScope, key: &str, day: &str) -> Snapshot {
        Snapshot {
            scope,
            key: key.to_owned(),
            day: day.to_owned(),
            offers: self.offers,
            mean_score: if self.offers > 0 { self.score_sum as f64 / self.offers as f64 } else { 0.0 },
            warnings: self.warnings,
            expired: self.expired,
            unverified: self.unverified,
            by_type: serde_json::to_string(&self.by_type).unwrap_or_else(|_| "{}".into()),
            by_phase: serde_json::to_string(&self.by_phase).unwrap_or_else(|_| "{}".into()),
        }
    }
}

/// The day's figures of every node and municipality, from the stored scores.
pub async fn aggregate(store: &dyn HubStore, day: &str) -> Result<(Vec<Snapshot>, Vec<Snapshot>), HubError> {
    let mut nodes: BTreeMap<String, Acc> =
        store.list_nodes().await?.into_iter().map(|n| (n.id, Acc::default())).collect();
    let mut places: BTreeMap<String, Acc> =
        lotse_geo::ruhr().municipalities.iter().map(|m| (m.ags.clone(), Acc::default())).collect();
    let mut after: Option<(String, String)> = None;
    loop {
        let rows =
            store.list_quality(None, after.as_ref().map(|(n, i)| (n.as_str(), i.as_str())), PAGE).await?;
        let Some(last) = rows.last() else { break };
        after = Some((last.node_id.clone(), last.id.clone()));
        for r in &rows {
            nodes.entry(r.node_id.clone()).or_default().add(r);
            for ags in r.ags.split(',').filter(|a| !a.is_empty()) {
                places.entry(ags.to_owned()).or_default().add(r);
            }
        }
    }
    Ok((
        nodes.iter().map(|(k, a)| a.snapshot(SnapshotScope::Node, k, day)).collect(),
        places.iter().map(|(k, a)| a.snapshot(SnapshotScope::Municipality, k, day)).collect(),
    ))
}

/// What a snapshot run wrote.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SnapshotReport {
    pub day: String,
    pub nodes: usize,
    pub municipalities: usize,
}

/// Takes (or replaces) the snapshots of `day`.
#[tracing::instrument(level = "debug", skip_all, fields(day = %day))]
pub async fn run_once(hub: &Hub, day: Date) -> Result<SnapshotReport, HubError> {
    let started = Instant::now();
    let store = hub.store().as_ref();
    let result = async {
        let day = day.to_string();
        let (nodes, places) = aggregate(store, &day).await?;
        store.write_snapshots(&nodes).await?;
        store.write_snapshots(&places).await?;
        Ok::<_, HubError>(SnapshotReport { day, nodes: nodes.len(), municipalities: places.len() })
    }
    .await;
    super::metrics::job_finished(hub.metrics(), "snapshot", started, result.is_ok());
    result
}

/// One day of a trend.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TrendPoint {
    pub day: String,
    pub offers: i64,
    pub mean_score: f64,
    pub warnings: i64,
    pub expired: i64,
    pub unverified: i64,
}

/// The trend of the `days` days up to `today`: of one node or municipality (`key`), or of the
/// whole region (the node snapshots added up, the mean weighted by offers).
pub async fn trend(
    store: &dyn HubStore,
    scope: SnapshotScope,
    key: Option<&str>,
    days: u32,
    today: Date,
) -> Result<Vec<TrendPoint>, HubError> {
    let from = today.add_days(-i64::from(days.max(1)) + 1).to_string();
    let rows = store.snapshots(scope, key, &from, &today.to_string()).await?;
    Ok(fold_trend(&rows))
}

/// Adds snapshots of the same day up (one point per day, in order).
pub fn fold_trend(rows: &[Snapshot]) -> Vec<TrendPoint> {
    let mut by_day: BTreeMap<&str, (i64, f64, i64, i64, i64)> = BTreeMap::new();
    for s in rows {
        let e = by_day.entry(s.day.as_str()).or_default();
        e.0 += s.offers;
        e.1 += s.mean_score * s.offers as f64;
        e.2 += s.warnings;
        e.3 += s.expired;
        e.4 += s.unverified;
    }
    by_day
        .into_iter()
        .map(|(day, (offers, weighted, warnings, expired, unverified))| TrendPoint {
            day: day.to_owned(),
            offers,
            mean_score: if offers > 0 { weighted / offers as f64 } else { 0.0 },
            warnings,
            expired,
            unverified,
        })
        .collect()
}

/// Where a population figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PopulationSource {
    /// The operator's upload.
    Operator,
    /// The region pack (Destatis, district-free cities).
    RegionPack,
}

/// One municipality's coverage.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CoverageRow {
    pub ags: String,
    pub name: String,
    pub population: Option<i64>,
    pub population_source: Option<PopulationSource>,
    pub offers: i64,
    pub offers_per_10k: Option<f64>,
    /// Offers per offer type.
    pub by_type: BTreeMap<String, i64>,
    /// Offers per life phase.
    pub by_phase: BTreeMap<String, i64>,
    /// Offers of the chosen type (all offers when none is chosen).
    pub selected: i64,
    pub selected_per_10k: Option<f64>,
}

/// The coverage table.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Coverage {
    /// The day of the snapshot it is read from (today when aggregated directly).
    pub day: String,
    /// The chosen offer type, if any.
    pub offer_type: Option<String>,
    pub rows: Vec<CoverageRow>,
}

fn per_10k(n: i64, population: Option<i64>) -> Option<f64> {
    population.filter(|p| *p > 0).map(|p| n as f64 * 10_000.0 / p as f64)
}

/// The coverage per municipality, for all offers or the offers of one type.
pub async fn coverage(store: &dyn HubStore, offer_type: Option<&str>) -> Result<Coverage, HubError> {
    let (day, rows) = match store.latest_snapshot_day(SnapshotScope::Municipality).await? {
        Some(day) => {
            let rows = store.snapshots(SnapshotScope::Municipality, None, &day, &day).await?;
            (day, rows)
        }
        None => {
            let day = Date::today_utc().to_string();
            let (_, rows) = aggregate(store, &day).await?;
            (day, rows)
        }
    };
    let uploaded = store.population().await?;
    let region = lotse_geo::ruhr();
    let names: HashMap<&str, &str> =
        region.municipalities.iter().map(|m| (m.ags.as_str(), m.name.as_str())).collect();
    let out = rows
        .into_iter()
        .map(|s| {
            let (population, source) = match uploaded.get(&s.key) {
                Some(p) => (Some(*p), Some(PopulationSource::Operator)),
                None => match region.population(&s.key).and_then(|p| i64::try_from(p).ok()) {
                    Some(p) => (Some(p), Some(PopulationSource::RegionPack)),
                    None => (None, None),
                },
            };
            let by_type: BTreeMap<String, i64> = serde_json::from_str(&s.by_type).unwrap_or_default();
            let by_phase: BTreeMap<String, i64> = serde_json::from_str(&s.by_phase).unwrap_or_default();
            let selected = match offer_type {
                Some(t) => by_type.get(t).copied().unwrap_or(0),
                None => s.offers,
            };
            CoverageRow {
                name: names.get(s.key.as_str()).map_or_else(|| s.key.clone(), |n| (*n).to_owned()),
                ags: s.key,
                population,
                population_source: source,
                offers: s.offers,
                offers_per_10k: per_10k(s.offers, population),
                by_type,
                by_phase,
                selected,
                selected_per_10k: per_10k(selected, population),
            }
        })
        .collect();
    Ok(Coverage { day, offer_type: offer_type.map(str::to_owned), rows: out })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(key: &str, day: &str, offers: i64, mean: f64) -> Snapshot {
        Snapshot {
            scope: SnapshotScope::Node,
            key: key.into(),
            day: day.into(),
            offers,
            mean_score: mean,
            warnings: 1,
            expired: 2,
            unverified: 0,
            by_type: "{}".into(),
            by_phase: "{}".into(),
        }
    }

    #[test]
    fn a_region_trend_adds_nodes_up_and_weights_the_mean() {
        let rows = [
            snap("a", "2026-01-01", 10, 80.0),
            snap("b", "2026-01-01", 30, 40.0),
            snap("a", "2026-01-02", 0, 0.0),
        ];
        let t = fold_trend(&rows);
        assert_eq!(t.len(), 2);
        assert_eq!((t[0].day.as_str(), t[0].offers, t[0].warnings, t[0].expired), ("2026-01-01", 40, 2, 4));
        assert!((t[0].mean_score - 50.0).abs() < 1e-9);
        assert_eq!((t[1].offers, t[1].mean_score), (0, 0.0));
    }

    #[test]
    fn per_10k_needs_a_population() {
        assert_eq!(per_10k(5, Some(50_000)), Some(1.0));
        assert_eq!(per_10k(5, None), None);
        assert_eq!(per_10k(5, Some(0)), None);
    }
}
