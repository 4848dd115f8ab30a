//! The rules of an offer, field by field, in the order of the standard's table.

use serde_json::{Map, Value};

use super::checker::{Checker, DESCRIPTION_MAX, SHORT_TEXT_MAX, TITLE_MAX};
use super::path::Path;
use super::places::Hours;
use crate::finding::Code;

const FIELDS: &[&str] = &[
    "id",
    "offer_type",
    "categories",
    "title",
    "description",
    "provider",
    "status",
    "target_groups",
    "life_phases",
    "languages",
    "language_level",
    "cost",
    "eligibility",
    "delivery",
    "locations",
    "service_area",
    "schedule",
    "contact",
    "features",
    "url",
    "valid_until",
    "verified_at",
    "networks",
    "projects",
];
const REQUIRED: &[&str] = &[
    "id",
    "offer_type",
    "title",
    "description",
    "provider",
    "status",
    "target_groups",
    "languages",
    "cost",
    "delivery",
    "contact",
];

impl Checker<'_, '_> {
    pub(super) fn offer(&mut self, root: &Path<'_>, m: &Map<String, Value>) {
        let voc = self.v.vocab;
        self.fields(root, m, FIELDS, REQUIRED);
        self.id(root, m);
        let offer_type = self.code_field(root, m, "offer_type", &voc.offer_types);
        if let Some(v) = m.get("categories") {
            self.categories(&root.key("categories"), v, offer_type);
        }
        if let Some(v) = m.get("title") {
            let p = root.key("title");
            self.lang_map(&p, v, TITLE_MAX);
            if v.as_object().is_some_and(|t| !t.contains_key("en")) {
                self.push(
                    Code::MissingEnglishTitle,
                    &p.key("en"),
                    "Es gibt keinen englischen Titel.".into(),
                    "There is no English title.".into(),
                );
            }
        }
        self.lang_map_field(root, m, "description", DESCRIPTION_MAX);
        if let Some(v) = m.get("provider") {
            self.provider(&root.key("provider"), v);
        }
        self.code_field(root, m, "status", &voc.statuses);
        self.code_list_field(root, m, "target_groups", &voc.target_groups, 1);
        self.code_list_field(root, m, "life_phases", &voc.life_phases, 0);
        if let Some(v) = m.get("languages") {
            self.languages(&root.key("languages"), v, 1);
        }
        if let Some(v) = m.get("language_level") {
            self.language_level(&root.key("language_level"), v, offer_type);
        }
        if let Some(v) = m.get("cost") {
            self.cost(&root.key("cost"), v);
        }
        if let Some(v) = m.get("eligibility") {
            self.eligibility(&root.key("eligibility"), v);
        }
        let delivery = self.code_field(root, m, "delivery", &voc.delivery);
        self.offer_places(root, m, delivery);
        if let Some(v) = m.get("schedule") {
            self.schedule(&root.key("schedule"), v);
        }
        self.contact_field(root, m);
        self.code_list_field(root, m, "features", &voc.features, 0);
        self.url_field(root, m, "url");
        if let Some(v) = m.get("valid_until") {
            let p = root.key("valid_until");
            if let Some(d) = self.date(&p, v)
                && d < self.v.today
            {
                self.push(
                    Code::ValidUntilPassed,
                    &p,
                    format!("Das Angebot ist seit {d} abgelaufen."),
                    format!("The offer expired on {d}."),
                );
            }
        }
        self.verified_at(root, m);
        self.reference_list_field(root, m, "networks");
        self.reference_list_field(root, m, "projects");
    }

    /// Categories: known codes, each belonging to the offer's type.
    fn categories(&mut self, p: &Path<'_>, v: &Value, offer_type: Option<&str>) {
        let voc = self.v.vocab;
        let cats = self.code_list(p, v, &voc.categories, 0);
        let Some(ot) = offer_type else { return };
        for (i, cat) in cats.iter().enumerate() {
            let parent = voc.categories.get(cat).and_then(|c| c.offer_type.as_deref()).unwrap_or("");
            if parent != ot {
                // Index into the deduplicated list equals the item index unless an earlier
                // duplicate was skipped; find the real position for the pointer.
                let pos =
                    v.as_array().and_then(|a| a.iter().position(|x| x.as_str() == Some(cat))).unwrap_or(i);
                self.push(
                    Code::CategoryMismatch,
                    &p.index(pos),
                    format!("Die Kategorie „{cat}“ gehört zur Angebotsart „{parent}“, nicht zu „{ot}“."),
                    format!("The category \"{cat}\" belongs to the offer type \"{parent}\", not \"{ot}\"."),
                );
            }
        }
    }

    fn language_level(&mut self, path: &Path<'_>, value: &Value, offer_type: Option<&str>) {
        if offer_type.is_some_and(|t| t != "sprachkurs") {
            self.push(
                Code::LevelNotAllowed,
                path,
                "Ein Sprachniveau ist nur bei Angeboten der Art „sprachkurs“ erlaubt.".into(),
                "A language level is only allowed on offers of type \"sprachkurs\".".into(),
            );
        }
        let Some(m) = self.object(path, value) else { return };
        self.fields(path, m, &["from", "to"], &["from", "to"]);
        let levels = &self.v.vocab.cefr_levels;
        let from = self.code_field(path, m, "from", levels);
        let to = self.code_field(path, m, "to", levels);
        if let (Some(from), Some(to)) = (from, to)
            && levels.position(from) > levels.position(to)
        {
            self.push(
                Code::LevelRange,
                &path.key("from"),
                format!("Start-Niveau {from} liegt über Ziel-Niveau {to}."),
                format!("Starting level {from} is above target level {to}."),
            );
        }
    }

    fn provider(&mut self, path: &Path<'_>, value: &Value) {
        let Some(m) = self.object(path, value) else { return };
        self.fields(path, m, &["name", "kind", "url", "identifiers", "ref"], &["name", "kind"]);
        self.text_field(path, m, "name", TITLE_MAX);
        self.code_field(path, m, "kind", &self.v.vocab.provider_kinds);
        self.url_field(path, m, "url");
        if let Some(v) = m.get("identifiers") {
            self.identifiers(&path.key("identifiers"), v);
        }
        self.reference_field(path, m, "ref");
    }

    fn cost(&mut self, path: &Path<'_>, value: &Value) {
        let Some(m) = self.object(path, value) else { return };
        self.fields(path, m, &["kind", "amount_eur", "note"], &["kind"]);
        let kind = self.code_field(path, m, "kind", &self.v.vocab.cost_kinds);
        let amount_path = path.key("amount_eur");
        match (kind, m.get("amount_eur")) {
            (Some("fee"), None) => self.push(
                Code::AmountRequired,
                &amount_path,
                "Bei cost.kind = fee fehlt amount_eur.".into(),
                "cost.kind = fee requires amount_eur.".into(),
            ),
            (Some(k), Some(_)) if k != "fee" => self.push(
                Code::AmountNotAllowed,
                &amount_path,
                format!("Ein Betrag ist bei cost.kind = {k} nicht erlaubt."),
                format!("An amount is not allowed with cost.kind = {k}."),
            ),
            (_, Some(v)) => {
                self.number(&amount_path, v, 0.0, 1_000_000.0);
            }
            _ => {}
        }
        self.text_field(path, m, "note", SHORT_TEXT_MAX);
    }

    fn eligibility(&mut self, path: &Path<'_>, value: &Value) {
        let Some(m) = self.object(path, value) else { return };
        self.fields(path, m, &["age_min", "age_max", "residence_status", "note"], &[]);
        let min = m.get("age_min").and_then(|v| self.integer(&path.key("age_min"), v, 0, 120));
        let max = m.get("age_max").and_then(|v| self.integer(&path.key("age_max"), v, 0, 120));
        if let (Some(min), Some(max)) = (min, max)
            && min > max
        {
            self.push(
                Code::AgeRange,
                &path.key("age_min"),
                format!("Mindestalter {min} liegt über Höchstalter {max}."),
                format!("Minimum age {min} is above maximum age {max}."),
            );
        }
        self.code_list_field(path, m, "residence_status", &self.v.vocab.residence_status, 0);
        self.text_field(path, m, "note", SHORT_TEXT_MAX);
    }

    /// Locations and service area, and which of them the offer's delivery needs.
    fn offer_places(&mut self, root: &Path<'_>, m: &Map<String, Value>, delivery: Option<&str>) {
        self.locations(root, m, Hours::NotAllowed);
        let located = m.contains_key("locations");
        if matches!(delivery, Some("presential" | "blended")) && !located {
            self.push(
                Code::LocationRequired,
                &root.key("locations"),
                format!("Bei delivery = {} ist mindestens ein Ort nötig.", delivery.unwrap_or_default()),
                format!("delivery = {} requires at least one location.", delivery.unwrap_or_default()),
            );
        }
        if m.contains_key("service_area") {
            self.service_area(root, m);
        } else if !located && matches!(delivery, Some("online" | "outreach")) {
            self.push(
                Code::ServiceAreaRequired,
                &root.key("service_area"),
                "Ohne Ort ist ein Einzugsgebiet (service_area) nötig.".into(),
                "Without a location a service area (service_area) is required.".into(),
            );
        }
    }

    fn schedule(&mut self, path: &Path<'_>, value: &Value) {
        let Some(m) = self.object(path, value) else { return };
        self.fields(path, m, &["start_date", "end_date", "opening_hours", "note"], &[]);
        let start = m.get("start_date").and_then(|v| self.date(&path.key("start_date"), v));
        let end = m.get("end_date").and_then(|v| self.date(&path.key("end_date"), v));
        self.date_order(&path.key("end_date"), start, end);
        if let Some(v) = m.get("opening_hours") {
            self.opening_hours_list(&path.key("opening_hours"), v);
        }
        self.text_field(path, m, "note", SHORT_TEXT_MAX);
    }
}
