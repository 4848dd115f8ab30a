//! The rules of an organization (Einrichtung).

use serde_json::{Map, Value};

use super::checker::{Checker, DESCRIPTION_MAX, TITLE_MAX};
use super::path::Path;
use super::places::Hours;
use crate::finding::Code;

const FIELDS: &[&str] = &[
    "id",
    "name",
    "kind",
    "school_type",
    "description",
    "locations",
    "service_area",
    "contact",
    "url",
    "identifiers",
    "links",
    "languages",
    "life_phases",
    "part_of",
    "verified_at",
];
const REQUIRED: &[&str] = &["id", "name", "kind"];

impl Checker<'_, '_> {
    pub(super) fn organization(&mut self, root: &Path<'_>, m: &Map<String, Value>) {
        let voc = self.v.vocab;
        self.fields(root, m, FIELDS, REQUIRED);
        self.id(root, m);
        self.lang_map_field(root, m, "name", TITLE_MAX);
        let kind = self.code_field(root, m, "kind", &voc.provider_kinds);
        if let Some(v) = m.get("school_type") {
            let p = root.key("school_type");
            // Like a language level on an offer: only judged against a known kind.
            if let Some(kind) = kind.filter(|k| *k != "schule") {
                self.push(
                    Code::SchoolTypeNotAllowed,
                    &p,
                    format!("Eine Schulform ist nur bei kind = schule erlaubt, nicht bei kind = {kind}."),
                    format!("A school type is only allowed with kind = schule, not with kind = {kind}."),
                );
            }
            self.code(&p, v, &voc.school_types);
        }
        self.lang_map_field(root, m, "description", DESCRIPTION_MAX);
        self.locations_or_area(root, m, Hours::Allowed);
        self.contact_field(root, m);
        self.url_field(root, m, "url");
        if let Some(v) = m.get("identifiers") {
            self.identifiers(&root.key("identifiers"), v);
        }
        self.links(root, m);
        if let Some(v) = m.get("languages") {
            self.languages(&root.key("languages"), v, 0);
        }
        self.code_list_field(root, m, "life_phases", &voc.life_phases, 0);
        self.part_of(root, m);
        self.verified_at(root, m);
    }
}
