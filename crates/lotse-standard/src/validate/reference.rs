//! References between records: their syntax, duplicates in lists, and cycles of `part_of`.
//!
//! The validator sees one record at a time, so it checks only what one record shows: that a
//! reference is well-formed, that a list names no record twice, and that an organization is
//! not `part_of` itself. Whether a referenced record exists, and whether organizations of one
//! node form a longer circle, depends on the other records; node and hub find that out with
//! `Record::references`, [`part_of_cycles`] and the findings built here, so that both report
//! it with the same codes and messages.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::checker::{Checker, truncate};
use super::formats::{is_node_id, is_record_id};
use super::path::Path;
use crate::finding::{Code, Finding, Message};
use crate::model::{Reference, ReferenceRole};
use crate::rpde::Kind;

impl Checker<'_, '_> {
    /// One reference, in any of its forms; the reference when it is well-formed.
    pub(super) fn reference(&mut self, path: &Path<'_>, value: &Value) -> Option<Reference> {
        match value {
            Value::String(s) => {
                let r = Reference::parse(s);
                if r.is_none() {
                    self.invalid_reference(path, s);
                }
                r
            }
            Value::Object(m) => self.reference_object(path, m),
            other => {
                self.invalid_reference(path, &other.to_string());
                None
            }
        }
    }

    /// The object form, `{"node": …, "id": …}`, where `node` is optional.
    fn reference_object(&mut self, path: &Path<'_>, m: &Map<String, Value>) -> Option<Reference> {
        self.fields(path, m, &["node", "id"], &["id"]);
        let node = match m.get("node") {
            None => Some(None),
            Some(v) => {
                let p = path.key("node");
                self.string(&p, v).and_then(|node| {
                    let ok = is_node_id(node);
                    if !ok {
                        self.push(
                            Code::InvalidReference,
                            &p,
                            format!(
                                "„{}“ ist keine Knoten-ID (erlaubt: A–Z, a–z, 0–9, . _ -, höchstens 64 Zeichen).",
                                truncate(node)
                            ),
                            format!(
                                "\"{}\" is not a node id (allowed: A–Z, a–z, 0–9, . _ -, at most 64 characters).",
                                truncate(node)
                            ),
                        );
                    }
                    ok.then_some(Some(node))
                })
            }
        };
        let id = m.get("id").and_then(|v| {
            let p = path.key("id");
            let id = self.string(&p, v)?;
            let ok = is_record_id(id);
            if !ok {
                self.push(
                    Code::InvalidReference,
                    &p,
                    format!(
                        "„{}“ ist keine ID (erlaubt: A–Z, a–z, 0–9, . _ : -, höchstens 128 Zeichen).",
                        truncate(id)
                    ),
                    format!(
                        "\"{}\" is not an id (allowed: A–Z, a–z, 0–9, . _ : -, at most 128 characters).",
                        truncate(id)
                    ),
                );
            }
            ok.then_some(id)
        });
        Reference::new(node?, id?)
    }

    fn invalid_reference(&mut self, path: &Path<'_>, given: &str) {
        self.push(
            Code::InvalidReference,
            path,
            format!(
                "„{}“ ist kein gültiger Verweis; erlaubt sind „ID“, „Knoten/ID“ oder {{\"node\": …, \"id\": …}}.",
                truncate(given)
            ),
            format!(
                "\"{}\" is not a valid reference; allowed are \"id\", \"node/id\" or {{\"node\": …, \"id\": …}}.",
                truncate(given)
            ),
        );
    }

    /// The optional reference `key` of `m`.
    pub(super) fn reference_field(
        &mut self,
        path: &Path<'_>,
        m: &Map<String, Value>,
        key: &str,
    ) -> Option<Reference> {
        m.get(key).and_then(|v| self.reference(&path.key(key), v))
    }

    /// The optional list of references `key` of `m`: each well-formed, none twice (whatever
    /// forms the two were written in).
    pub(super) fn reference_list_field(&mut self, path: &Path<'_>, m: &Map<String, Value>, key: &str) {
        let Some(v) = m.get(key) else { return };
        let p = path.key(key);
        let Some(items) = self.array(&p, v) else { return };
        let mut seen: Vec<Reference> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let ip = p.index(i);
            if let Some(r) = self.reference(&ip, item) {
                if seen.contains(&r) {
                    self.duplicate(&ip, &r.to_string());
                } else {
                    seen.push(r);
                }
            }
        }
    }

    /// An organization's `part_of` naming the organization itself: the one cycle a single
    /// record shows.
    pub(super) fn part_of(&mut self, root: &Path<'_>, m: &Map<String, Value>) {
        let Some(part_of) = self.reference_field(root, m, "part_of") else { return };
        let own_id = m.get("id").and_then(Value::as_str);
        if part_of.node.is_none() && own_id == Some(part_of.id.as_str()) {
            self.out.push(reference_cycle(&part_of.id));
        }
    }
}

/// The ids of the organizations whose `part_of` chain leads back to themselves, given the
/// `(id, part_of)` pairs of one node's organizations (the node passes its stored ones and a
/// batch). Only references to `own_node`'s records are followed, since a record on another
/// node can only point back by a reference that node holds. When an id appears more than once,
/// its last pair counts, so a batch listed after the stored records replaces them. The ids come
/// in the order of their first appearance.
pub fn part_of_cycles(pairs: &[(String, Option<Reference>)], own_node: &str) -> Vec<String> {
    let mut slot: HashMap<&str, usize> = HashMap::new();
    let mut parents: Vec<(&str, Option<&str>)> = Vec::new();
    for (id, part_of) in pairs {
        let parent = part_of.as_ref().filter(|r| r.node_or(own_node) == own_node).map(|r| r.id.as_str());
        match slot.get(id.as_str()) {
            Some(&i) => parents[i].1 = parent,
            None => {
                slot.insert(id, parents.len());
                parents.push((id, parent));
            }
        }
    }
    // Every organization has at most one parent, so a walk from each one either ends, reaches
    // a walk already finished, or comes back to itself: the part of the path from where it
    // came back is a cycle.
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let mut state = vec![State::New; parents.len()];
    let mut on_cycle = vec![false; parents.len()];
    for start in 0..parents.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            match state[i] {
                State::Done => break,
                State::OnPath => {
                    let from = path.iter().position(|&p| p == i).unwrap_or(0);
                    for &p in &path[from..] {
                        on_cycle[p] = true;
                    }
                    break;
                }
                State::New => {
                    state[i] = State::OnPath;
                    path.push(i);
                    at = parents[i].1.and_then(|parent| slot.get(parent).copied());
                }
            }
        }
        for p in path {
            state[p] = State::Done;
        }
    }
    parents.iter().zip(on_cycle).filter(|(_, c)| *c).map(|((id, _), _)| (*id).to_owned()).collect()
}

/// The finding for an organization on a cycle of `part_of` (error `reference_cycle`, at
/// `/part_of`).
pub fn reference_cycle(id: &str) -> Finding {
    Finding::new(
        Code::ReferenceCycle,
        "/part_of",
        Message::new(
            format!(
                "Über part_of führt der Weg von „{}“ wieder zu „{}“ zurück; eine Einrichtung kann nicht Teil ihrer selbst sein.",
                truncate(id),
                truncate(id)
            ),
            format!(
                "Following part_of from \"{}\" leads back to \"{}\"; an organization cannot be part of itself.",
                truncate(id),
                truncate(id)
            ),
        ),
    )
}

/// The finding for a reference that leads to no known record of the kind its role needs
/// (warning `reference_not_found`), at the reference's pointer.
pub fn reference_not_found(pointer: &str, reference: &Reference, role: ReferenceRole) -> Finding {
    let (de, en) = match role.target_kind() {
        Kind::Offer => ("kein Angebot", "no offer"),
        Kind::Organization => ("keine Einrichtung", "no organization"),
        Kind::Network => ("kein Netzwerk", "no network"),
        Kind::Project => ("kein Projekt", "no project"),
    };
    let r = truncate(&reference.to_string());
    Finding::new(
        Code::ReferenceNotFound,
        pointer,
        Message::new(format!("Unter „{r}“ ist {de} bekannt."), format!("There is {en} known as \"{r}\".")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, Option<&str>)]) -> Vec<(String, Option<Reference>)> {
        list.iter().map(|(id, p)| ((*id).to_owned(), p.map(|p| Reference::parse(p).unwrap()))).collect()
    }

    #[test]
    fn cycles_over_three_records_are_found_and_nothing_else() {
        let p = pairs(&[
            ("a", Some("b")),
            ("b", Some("c")),
            ("c", Some("a")),
            ("d", Some("a")),
            ("e", None),
            ("f", Some("f")),
            ("g", Some("muelheim/g")),
            ("h", Some("essen/h")),
        ]);
        assert_eq!(part_of_cycles(&p, "essen"), ["a", "b", "c", "f", "h"]);
        assert_eq!(part_of_cycles(&p[..4], "essen"), ["a", "b", "c"]);
        assert!(part_of_cycles(&p[4..5], "essen").is_empty());
    }

    #[test]
    fn a_later_pair_replaces_an_earlier_one() {
        let stored = pairs(&[("a", Some("b")), ("b", Some("a"))]);
        assert_eq!(part_of_cycles(&stored, "essen"), ["a", "b"]);
        let mut with_batch = stored.clone();
        with_batch.extend(pairs(&[("b", None)]));
        assert!(part_of_cycles(&with_batch, "essen").is_empty());
    }
}
