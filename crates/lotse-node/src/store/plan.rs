//! Planning a change set: what happens to each offer, and which change number each change gets.
//!
//! Shared by both databases, so that they cannot disagree: the store reads the stored state of
//! the ids concerned (inside the writing transaction), [`plan`] decides, and the store writes the
//! planned rows and the new `last_change`.

use std::collections::{HashMap, HashSet};

use super::{Applied, ChangeSet, WriteOutcome};

/// The outcome of each upsert and delete, and the rows to write.
pub(crate) struct Plan {
    pub applied: Applied,
    /// Rows to write: (index into upserts or `None` for a tombstone of `id`), change number.
    pub writes: Vec<PlannedWrite>,
}

pub(crate) enum PlannedWrite {
    Upsert { index: usize, modified: i64 },
    Tombstone { id: String, modified: i64 },
}

/// The stored state of one id, as far as planning needs it.
#[derive(Debug, Clone)]
pub(crate) struct Existing {
    pub deleted: bool,
    pub hash: Option<Vec<u8>>,
    pub standard_version: Option<String>,
}

/// Decides the outcome of each upsert and delete from the stored state, and hands out change
/// numbers from `last_change`.
pub(crate) fn plan(changes: &ChangeSet, existing: &HashMap<String, Existing>, mut last_change: i64) -> Plan {
    let mut applied = Applied::default();
    let mut writes = Vec::new();
    let mut next = || {
        last_change += 1;
        last_change
    };
    for (index, w) in changes.upserts.iter().enumerate() {
        let outcome = match existing.get(&w.id) {
            Some(e) if !e.deleted => {
                if e.hash.as_deref() == Some(w.hash.as_slice())
                    && e.standard_version.as_deref() == Some(w.standard_version.as_str())
                {
                    WriteOutcome::Unchanged
                } else {
                    WriteOutcome::Updated
                }
            }
            _ => WriteOutcome::Created,
        };
        if outcome != WriteOutcome::Unchanged {
            writes.push(PlannedWrite::Upsert { index, modified: next() });
        }
        applied.upserts.push(outcome);
    }
    let mut deleted_now = HashSet::new();
    for id in &changes.deletes {
        let live = existing.get(id).is_some_and(|e| !e.deleted);
        if live && deleted_now.insert(id.as_str()) {
            writes.push(PlannedWrite::Tombstone { id: id.clone(), modified: next() });
            applied.deletes.push(WriteOutcome::Deleted);
        } else {
            applied.deletes.push(WriteOutcome::NotFound);
        }
    }
    if let Some(keep) = &changes.replace_all {
        let mut wanted: HashSet<&str> = keep.iter().map(String::as_str).collect();
        wanted.extend(changes.upserts.iter().map(|w| w.id.as_str()));
        // Sorted, so that the change numbers of a replacement do not depend on hash order.
        let mut gone: Vec<&String> = existing
            .iter()
            .filter(|(id, e)| {
                !e.deleted && !wanted.contains(id.as_str()) && !deleted_now.contains(id.as_str())
            })
            .map(|(id, _)| id)
            .collect();
        gone.sort();
        for id in gone {
            writes.push(PlannedWrite::Tombstone { id: id.clone(), modified: next() });
            applied.replaced_away.push(id.clone());
        }
    }
    applied.last_change = last_change;
    Plan { applied, writes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RecordWrite;

    fn write(id: &str, data: &str) -> RecordWrite {
        RecordWrite {
            id: id.into(),
            data: data.into(),
            hash: data.as_bytes().to_vec(),
            standard_version: "1.0.0".into(),
        }
    }

    fn live(data: &str) -> Existing {
        Existing {
            deleted: false,
            hash: Some(data.as_bytes().to_vec()),
            standard_version: Some("1.0.0".into()),
        }
    }

    #[test]
    fn plan_assigns_numbers_only_to_changes() {
        let existing = HashMap::from([
            ("same".to_owned(), live("x")),
            ("changed".to_owned(), live("old")),
            ("dead".to_owned(), Existing { deleted: true, hash: None, standard_version: None }),
            ("other".to_owned(), live("o")),
            ("kept".to_owned(), live("k")),
        ]);
        let changes = ChangeSet {
            upserts: vec![
                write("same", "x"),
                write("changed", "new"),
                write("dead", "d"),
                write("fresh", "f"),
            ],
            deletes: vec!["missing".into()],
            replace_all: Some(vec!["kept".into()]),
            now: 0,
        };
        let p = plan(&changes, &existing, 10);
        assert_eq!(
            p.applied.upserts,
            [WriteOutcome::Unchanged, WriteOutcome::Updated, WriteOutcome::Created, WriteOutcome::Created]
        );
        assert_eq!(p.applied.deletes, [WriteOutcome::NotFound]);
        assert_eq!(p.applied.replaced_away, ["other"]);
        assert_eq!(p.applied.last_change, 14);
        assert_eq!(p.applied.changes(), 4);
        assert_eq!(p.applied.count(WriteOutcome::Deleted), 1);
        let numbers: Vec<i64> = p
            .writes
            .iter()
            .map(|w| match w {
                PlannedWrite::Upsert { modified, .. } | PlannedWrite::Tombstone { modified, .. } => *modified,
            })
            .collect();
        assert_eq!(numbers, [11, 12, 13, 14]);
    }

    #[test]
    fn a_new_standard_version_is_a_change() {
        let existing = HashMap::from([("a".to_owned(), live("x"))]);
        let mut w = write("a", "x");
        w.standard_version = "1.1.0".into();
        let p = plan(&ChangeSet { upserts: vec![w], ..ChangeSet::default() }, &existing, 0);
        assert_eq!(p.applied.upserts, [WriteOutcome::Updated]);
    }

    #[test]
    fn deleting_twice_in_one_set_deletes_once() {
        let existing = HashMap::from([("a".to_owned(), live("x"))]);
        let changes = ChangeSet { deletes: vec!["a".into(), "a".into()], ..ChangeSet::default() };
        let p = plan(&changes, &existing, 0);
        assert_eq!(p.applied.deletes, [WriteOutcome::Deleted, WriteOutcome::NotFound]);
        assert_eq!(p.writes.len(), 1);
    }
}
