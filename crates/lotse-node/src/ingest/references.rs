//! The node's checks of references (standard 1.1), after validation and before storing: a
//! reference to a record of this node must name one that exists (in the push itself or in the
//! store), and an organization's `part_of` chain must not return to where it started.
//!
//! A reference that names nothing is a warning (`reference_not_found`), not an error: a steward
//! may upload networks before the organizations they list, and the hub reports what is still
//! dangling after its harvest. A cycle is an error (`reference_cycle`): the records on it are
//! rejected like any record with an error. References to other nodes are left to the hub, which
//! sees every node.

use std::collections::{HashMap, HashSet};

use lotse_standard::model::Reference;
use lotse_standard::rpde::Kind;
use lotse_standard::validate::{part_of_cycles, reference_cycle, reference_not_found};

use super::report::RejectedRecord;
use super::validate::{Prepared, finding};
use crate::store::{NodeStore, StoreError};

/// How far up a `part_of` chain the store is followed from the pushed records; chains of
/// umbrella organizations are a few levels deep, and the bound keeps a hostile chain cheap.
const MAX_PART_OF_DEPTH: usize = 32;

/// Whether `reference` names a record of this node.
fn is_local(reference: &Reference, node_id: &str) -> bool {
    reference.node.as_deref().is_none_or(|n| n == node_id)
}

/// Adds the warnings for local references that name nothing and rejects the organizations on a
/// `part_of` cycle. `replacing` is a complete set, whose records of `kind` are then the only
/// ones of that kind.
pub(super) async fn check(
    store: &dyn NodeStore,
    node_id: &str,
    kind: Kind,
    replacing: bool,
    prepared: &mut Prepared,
) -> Result<(), StoreError> {
    let pushed: HashSet<String> = prepared.upserts.iter().map(|w| w.id.clone()).collect();
    let mut wanted: HashMap<Kind, HashSet<String>> = HashMap::new();
    for r in &prepared.references {
        let target = r.role.target_kind();
        if is_local(&r.reference, node_id) && !(target == kind && pushed.contains(&r.reference.id)) {
            wanted.entry(target).or_default().insert(r.reference.id.clone());
        }
    }
    let mut found: HashMap<Kind, HashSet<String>> = HashMap::new();
    for (target, ids) in &wanted {
        // Stored records of the pushed kind do not count for a complete set, which removes them.
        if *target == kind && replacing {
            continue;
        }
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let stored = store.get_many(*target, &ids).await?;
        found.entry(*target).or_default().extend(stored.into_iter().map(|r| r.id));
    }
    for r in &prepared.references {
        if !is_local(&r.reference, node_id) {
            continue;
        }
        let target = r.role.target_kind();
        let exists = (target == kind && pushed.contains(&r.reference.id))
            || found.get(&target).is_some_and(|ids| ids.contains(&r.reference.id));
        if !exists {
            let f = reference_not_found(&r.pointer, &r.reference, r.role);
            prepared.findings.push(finding(r.record, Some(&r.id), f));
        }
    }
    if kind == Kind::Organization {
        reject_cycles(store, node_id, prepared).await?;
    }
    Ok(())
}

/// Follows the `part_of` chains of the pushed organizations through the store and rejects the
/// pushed organizations that lie on a cycle.
async fn reject_cycles(
    store: &dyn NodeStore,
    node_id: &str,
    prepared: &mut Prepared,
) -> Result<(), StoreError> {
    let mut pairs: Vec<(String, Option<Reference>)> = prepared.part_of.clone();
    let mut known: HashSet<String> = pairs.iter().map(|(id, _)| id.clone()).collect();
    for _ in 0..MAX_PART_OF_DEPTH {
        let next: Vec<String> = pairs
            .iter()
            .filter_map(|(_, p)| p.as_ref())
            .filter(|p| is_local(p, node_id) && !known.contains(&p.id))
            .map(|p| p.id.clone())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if next.is_empty() {
            break;
        }
        let ids: Vec<&str> = next.iter().map(String::as_str).collect();
        let stored = store.get_many(Kind::Organization, &ids).await?;
        known.extend(next);
        for record in stored {
            // Stored records are valid organizations; one that no longer reads has no parent.
            let part_of = serde_json::from_str::<serde_json::Value>(&record.data)
                .ok()
                .and_then(|v| v.get("part_of").cloned())
                .and_then(|p| serde_json::from_value::<Reference>(p).ok());
            pairs.push((record.id, part_of));
        }
    }
    let on_cycle: HashSet<String> = part_of_cycles(&pairs, node_id).into_iter().collect();
    if on_cycle.is_empty() {
        return Ok(());
    }
    let mut keep_upserts = Vec::with_capacity(prepared.upserts.len());
    let mut keep_records = Vec::with_capacity(prepared.upserts.len());
    for (write, index) in
        std::mem::take(&mut prepared.upserts).into_iter().zip(std::mem::take(&mut prepared.upsert_records))
    {
        if on_cycle.contains(&write.id) {
            prepared.findings.push(finding(index, Some(&write.id), reference_cycle(&write.id)));
            prepared.rejected.push(RejectedRecord { index, id: Some(write.id) });
        } else {
            keep_upserts.push(write);
            keep_records.push(index);
        }
    }
    prepared.upserts = keep_upserts;
    prepared.upsert_records = keep_records;
    prepared.rejected.sort_by_key(|r| r.index);
    Ok(())
}
