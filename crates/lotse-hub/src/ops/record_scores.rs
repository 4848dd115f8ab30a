//! Scores of institutions, networks and projects ([`super::record_checks`]), read from the
//! store when they are asked for.
//!
//! Offers keep their scores in a table, because they come by the million and the search hides
//! expired ones. The other kinds come by the ten thousand and nothing filters by their
//! scores, so their scores are derived on read instead of kept: a page of the records is read
//! in the order of `RecordStore::list_records`, with the references of that page that name no
//! live record in one more query (`dangling_references_between`), and scored on the blocking
//! pool. A score is therefore always as current as the store, and dates moving on (an end date
//! passing, `verified_at` growing old) need no sweep. The figures per node and kind read every
//! record of the kinds once, page by page, holding only a page at a time and the few lowest
//! scores each page may replace.

use std::collections::HashMap;

use lotse_standard::date::Date;
use lotse_standard::model::{LangMap, Record};
use lotse_standard::rpde::Kind;
use serde::Serialize;
use utoipa::ToSchema;

use super::record_checks::{self, RecordContext, RecordFinding};
use crate::error::HubError;
use crate::store::HubStore;
use crate::store::kinds::{DanglingReference, RecordFilter, StoredRecord};

/// Records read and scored per page.
pub const PAGE: u32 = 200;
/// Most dangling references read for one page; a record names a few, so this is never
/// reached by data the validator let through.
const DANGLING_PER_PAGE: u32 = PAGE * 100;

/// One record's score and findings.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RecordQuality {
    /// `organization`, `network` or `project`.
    pub kind: String,
    pub node_id: String,
    pub id: String,
    /// The record's name (a project's title), in German, else in any language it has.
    pub title: String,
    /// 0 to 100.
    pub score: u32,
    /// The checks the record failed, with their level and the points each cost.
    pub findings: Vec<RecordFinding>,
    /// Warnings of the hub's validator.
    pub warnings: u32,
    /// `verified_at` missing or more than a year ago.
    pub unverified: bool,
    /// Findings at the level `error`.
    pub errors: u32,
}

/// The name or title of a record, German first.
fn title_of(record: &Record) -> String {
    let names: &LangMap = match record {
        Record::Offer(o) => &o.title,
        Record::Organization(o) => &o.name,
        Record::Network(n) => &n.name,
        Record::Project(p) => &p.title,
    };
    names.get("de").or_else(|| names.values().next()).cloned().unwrap_or_default()
}

/// Scores stored records of one kind, given the dangling references among them. Records whose
/// stored JSON cannot be read (which the harvest's validation makes impossible) are left out;
/// their nodes are returned beside the scores, once per such record.
fn score_rows(
    kind: Kind,
    rows: Vec<StoredRecord>,
    dangling: Vec<DanglingReference>,
    today: Date,
) -> (Vec<RecordQuality>, Vec<String>) {
    let mut by_record: HashMap<(String, String), Vec<DanglingReference>> = HashMap::new();
    for d in dangling {
        by_record.entry((d.node_id.clone(), d.id.clone())).or_default().push(d);
    }
    let mut unreadable = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let record = serde_json::from_str(&row.data).and_then(|v| Record::from_value(kind, v));
        let Ok(record) = record else {
            tracing::error!(%kind, node = %row.node_id, id = %row.id, "stored record unreadable; not scored");
            unreadable.push(row.node_id);
            continue;
        };
        let key = (row.node_id, row.id);
        let dangling = by_record.remove(&key).unwrap_or_default();
        let cx = RecordContext { today, validator_findings: row.findings.as_deref(), dangling: &dangling };
        let scored = record_checks::score(&record, &cx);
        let (node_id, id) = key;
        out.push(RecordQuality {
            kind: kind.singular().to_owned(),
            node_id,
            id,
            title: title_of(&record),
            score: scored.score,
            errors: u32::try_from(scored.errors()).unwrap_or(u32::MAX),
            warnings: scored.warnings,
            unverified: scored.unverified,
            findings: scored.findings,
        });
    }
    (out, unreadable)
}

/// Reads the dangling references of a page of records and scores the page on the blocking
/// pool.
async fn score_page(
    store: &dyn HubStore,
    kind: Kind,
    rows: Vec<StoredRecord>,
    today: Date,
) -> Result<(Vec<RecordQuality>, Vec<String>), HubError> {
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else { return Ok((Vec::new(), Vec::new())) };
    let dangling = store
        .dangling_references_between(
            kind,
            (&first.node_id, &first.id),
            (&last.node_id, &last.id),
            DANGLING_PER_PAGE,
        )
        .await?;
    tokio::task::spawn_blocking(move || score_rows(kind, rows, dangling, today))
        .await
        .map_err(|e| HubError::Io(std::io::Error::other(format!("scoring task failed: {e}"))))
}

/// A page of the records of `kind` (of one node, or every node), scored, in the order of
/// `list_records`: at most `limit`, after `after` (`(node_id, id)`). Beside the scores, the
/// key of the last record read when the store had as many as asked for (there may be more:
/// the next page starts after it), else `None`.
pub async fn page(
    store: &dyn HubStore,
    kind: Kind,
    node_id: Option<&str>,
    after: Option<(&str, &str)>,
    limit: u32,
    today: Date,
) -> Result<(Vec<RecordQuality>, Option<(String, String)>), HubError> {
    let filter = RecordFilter { node_id: node_id.map(str::to_owned), ags: None };
    let rows = store.list_records(kind, &filter, after, limit).await?;
    let next = if rows.len() == limit as usize {
        rows.last().map(|r| (r.node_id.clone(), r.id.clone()))
    } else {
        None
    };
    let (scored, _) = score_page(store, kind, rows, today).await?;
    Ok((scored, next))
}

/// One record, scored; `None` when the hub holds no live record of that kind and id.
pub async fn one(
    store: &dyn HubStore,
    kind: Kind,
    node_id: &str,
    id: &str,
    today: Date,
) -> Result<Option<RecordQuality>, HubError> {
    let Some(row) = store.get_record(kind, node_id, id).await? else { return Ok(None) };
    Ok(score_page(store, kind, vec![row], today).await?.0.pop())
}

/// The figures of one node's records of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, ToSchema)]
pub struct KindQuality {
    /// Records scored.
    pub scored: i64,
    /// The mean of their scores; none without records.
    pub mean_score: Option<f64>,
    /// Records with at least one finding at the level `error`.
    pub with_errors: i64,
    /// Records whose `verified_at` is missing or more than a year old.
    pub unverified: i64,
    /// Records whose stored JSON could not be read (never scored).
    pub unreadable: i64,
}

/// The figures of one node and kind, with its lowest-scored records that have findings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KindSummary {
    pub figures: KindQuality,
    /// At most the number asked for, lowest score first, then by id.
    pub lowest: Vec<RecordQuality>,
    sum: u64,
}

impl KindSummary {
    fn add(&mut self, q: RecordQuality, keep: usize) {
        self.figures.scored += 1;
        self.sum += u64::from(q.score);
        self.figures.mean_score = Some(self.sum as f64 / self.figures.scored as f64);
        self.figures.with_errors += i64::from(q.errors > 0);
        self.figures.unverified += i64::from(q.unverified);
        if keep == 0 || q.findings.is_empty() {
            return;
        }
        // Records arrive by id, so a later one with the same score stays behind.
        let at = self.lowest.partition_point(|l| l.score <= q.score);
        if at < keep {
            self.lowest.insert(at, q);
            self.lowest.truncate(keep);
        }
    }
}

/// The figures of every node and kind (of one node when `node_id` is given), keyed by node and
/// kind, each with at most `keep` of its lowest-scored records that have findings.
pub async fn summaries(
    store: &dyn HubStore,
    node_id: Option<&str>,
    keep: usize,
    today: Date,
) -> Result<HashMap<(String, Kind), KindSummary>, HubError> {
    let mut out: HashMap<(String, Kind), KindSummary> = HashMap::new();
    let filter = RecordFilter { node_id: node_id.map(str::to_owned), ags: None };
    for kind in crate::harvest::records::RECORD_KINDS {
        let mut after: Option<(String, String)> = None;
        loop {
            let rows = store
                .list_records(kind, &filter, after.as_ref().map(|(n, i)| (n.as_str(), i.as_str())), PAGE)
                .await?;
            let Some(last) = rows.last() else { break };
            after = Some((last.node_id.clone(), last.id.clone()));
            let full = rows.len() == PAGE as usize;
            let (scored, unreadable) = score_page(store, kind, rows, today).await?;
            for q in scored {
                out.entry((q.node_id.clone(), kind)).or_default().add(q, keep);
            }
            for node in unreadable {
                out.entry((node, kind)).or_default().figures.unreadable += 1;
            }
            if !full {
                break;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quality(id: &str, score: u32, findings: usize) -> RecordQuality {
        let f = record_checks::checks_of(Kind::Network).next().unwrap();
        RecordQuality {
            kind: "network".into(),
            node_id: "essen".into(),
            id: id.into(),
            title: id.into(),
            score,
            findings: (0..findings)
                .map(|_| RecordFinding {
                    finding: super::super::checks::finding(&f.check, None, "/coordinators".into(), None),
                    level: f.level,
                })
                .collect(),
            warnings: 0,
            unverified: false,
            errors: u32::try_from(findings).unwrap(),
        }
    }

    #[test]
    fn a_summary_keeps_the_lowest_scores_with_findings() {
        let mut s = KindSummary::default();
        for (id, score, findings) in [("a", 100, 0), ("b", 65, 1), ("c", 30, 2), ("d", 65, 1), ("e", 90, 1)] {
            s.add(quality(id, score, findings), 3);
        }
        assert_eq!(s.figures.scored, 5);
        assert_eq!(s.figures.mean_score, Some(70.0));
        assert_eq!(s.figures.with_errors, 4);
        let ids: Vec<&str> = s.lowest.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["c", "b", "d"]);
    }
}
