//! The rules of a project (Bildungsprojekt).

use serde_json::{Map, Value};

use super::checker::{Checker, DESCRIPTION_MAX, SHORT_TEXT_MAX, TITLE_MAX};
use super::path::Path;
use super::places::Hours;
use crate::finding::Code;

const FIELDS: &[&str] = &[
    "id",
    "title",
    "summary",
    "goals",
    "description",
    "life_phases",
    "target_groups",
    "period",
    "status",
    "funding",
    "responsible",
    "partners",
    "locations",
    "service_area",
    "outcomes",
    "contact",
    "links",
    "url",
    "verified_at",
];
const REQUIRED: &[&str] = &["id", "title", "summary", "life_phases", "period", "status"];
/// The longest funding code (a reference number).
const FUNDING_CODE_MAX: usize = 100;

impl Checker<'_, '_> {
    pub(super) fn project(&mut self, root: &Path<'_>, m: &Map<String, Value>) {
        let voc = self.v.vocab;
        self.fields(root, m, FIELDS, REQUIRED);
        self.id(root, m);
        self.lang_map_field(root, m, "title", TITLE_MAX);
        self.lang_map_field(root, m, "summary", SHORT_TEXT_MAX);
        self.lang_map_field(root, m, "goals", DESCRIPTION_MAX);
        self.lang_map_field(root, m, "description", DESCRIPTION_MAX);
        self.code_list_field(root, m, "life_phases", &voc.life_phases, 1);
        self.code_list_field(root, m, "target_groups", &voc.target_groups, 0);
        let period = m.get("period").and_then(|v| self.period(&root.key("period"), v));
        let status = self.code_field(root, m, "status", &voc.project_statuses);
        // A planned project whose start has long passed is not reported: plans slip, and the
        // status says what the steward knows.
        if status == Some("completed") && period.is_some_and(|p| !p.contains_key("end")) {
            self.push(
                Code::EndDateMissing,
                &root.key("period").key("end"),
                "Das Projekt ist abgeschlossen (status = completed), aber period.end fehlt.".into(),
                "The project is completed (status = completed), but period.end is missing.".into(),
            );
        }
        self.funding(root, m);
        self.reference_field(root, m, "responsible");
        self.reference_list_field(root, m, "partners");
        self.locations_or_area(root, m, Hours::NotAllowed);
        self.lang_map_field(root, m, "outcomes", DESCRIPTION_MAX);
        self.contact_field(root, m);
        self.links(root, m);
        self.url_field(root, m, "url");
        self.verified_at(root, m);
    }

    /// `{start, end?}`, the end not before the start; the period's object when it is one.
    fn period<'a>(&mut self, path: &Path<'_>, value: &'a Value) -> Option<&'a Map<String, Value>> {
        let m = self.object(path, value)?;
        self.fields(path, m, &["start", "end"], &["start"]);
        let start = m.get("start").and_then(|v| self.date(&path.key("start"), v));
        let end = m.get("end").and_then(|v| self.date(&path.key("end"), v));
        self.date_order(&path.key("end"), start, end);
        Some(m)
    }

    /// Funding entries: each names its programme or its funder.
    fn funding(&mut self, root: &Path<'_>, m: &Map<String, Value>) {
        let Some(v) = m.get("funding") else { return };
        let p = root.key("funding");
        let Some(items) = self.array(&p, v) else { return };
        for (i, item) in items.iter().enumerate() {
            let ip = p.index(i);
            let Some(fm) = self.object(&ip, item) else { continue };
            self.fields(&ip, fm, &["programme", "funder", "code"], &[]);
            if !fm.contains_key("programme") && !fm.contains_key("funder") {
                self.push(
                    Code::Required,
                    &ip.key("programme"),
                    "Eine Förderung braucht ein Programm (programme) oder einen Geldgeber (funder).".into(),
                    "A funding entry needs a programme (programme) or a funder (funder).".into(),
                );
            }
            self.text_field(&ip, fm, "programme", TITLE_MAX);
            self.text_field(&ip, fm, "funder", TITLE_MAX);
            self.text_field(&ip, fm, "code", FUNDING_CODE_MAX);
        }
    }
}
