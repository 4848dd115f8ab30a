//! The rules for one record, field by field, in the order of the standard's table.

use serde_json::{Map, Value};

use super::formats;
use super::geo;
use super::path::Path;
use super::{Checked, Position, Validator};
use crate::date::Date;
use crate::finding::{Code, Finding, Message};
use crate::vocab::Vocabulary;

const TOP_FIELDS: &[&str] = &[
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
];
const TOP_REQUIRED: &[&str] = &[
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
const TITLE_MAX: usize = 200;
const DESCRIPTION_MAX: usize = 5_000;
const SHORT_TEXT_MAX: usize = 1_000;

pub(super) fn check(v: &Validator<'_>, value: &Value) -> Checked {
    let mut c = Checker { v, out: Vec::new(), positions: Vec::new() };
    let root = Path::Root;
    if let Some(map) = c.object(&root, value) {
        c.record(&root, map);
    }
    Checked { findings: c.out, positions: c.positions }
}

struct Checker<'v, 'r> {
    v: &'v Validator<'r>,
    out: Vec<Finding>,
    /// One entry per element of `locations`, in order.
    positions: Vec<Position>,
}

/// What JSON type a field must have, for the type-mismatch message.
#[derive(Clone, Copy)]
enum Kind {
    Object,
    Array,
    String,
    Number,
    Integer,
}

impl Kind {
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Kind::Object => ("ein Objekt", "an object"),
            Kind::Array => ("eine Liste", "a list"),
            Kind::String => ("ein Text", "a string"),
            Kind::Number => ("eine Zahl", "a number"),
            Kind::Integer => ("eine ganze Zahl", "an integer"),
        }
    }
}

impl Checker<'_, '_> {
    fn push(&mut self, code: Code, path: &Path<'_>, de: String, en: String) {
        self.out.push(Finding::new(code, path.pointer(), Message::new(de, en)));
    }

    fn mismatch(&mut self, path: &Path<'_>, kind: Kind) {
        let (de, en) = kind.names();
        self.push(Code::TypeMismatch, path, format!("Erwartet wird {de}."), format!("Expected {en}."));
    }

    fn object<'a>(&mut self, path: &Path<'_>, value: &'a Value) -> Option<&'a Map<String, Value>> {
        let m = value.as_object();
        if m.is_none() {
            self.mismatch(path, Kind::Object);
        }
        m
    }

    fn array<'a>(&mut self, path: &Path<'_>, value: &'a Value) -> Option<&'a Vec<Value>> {
        let a = value.as_array();
        if a.is_none() {
            self.mismatch(path, Kind::Array);
        }
        a
    }

    /// Reports unknown and missing fields of an object.
    fn fields(&mut self, path: &Path<'_>, map: &Map<String, Value>, allowed: &[&str], required: &[&str]) {
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                self.push(
                    Code::UnknownField,
                    &path.key(key),
                    format!("Das Feld „{key}“ gehört nicht zum Standard."),
                    format!("The field \"{key}\" is not part of the standard."),
                );
            }
        }
        for &key in required {
            if !map.contains_key(key) {
                self.push(
                    Code::Required,
                    &path.key(key),
                    format!("Das Pflichtfeld „{key}“ fehlt."),
                    format!("The required field \"{key}\" is missing."),
                );
            }
        }
    }

    /// A non-empty string; reports type mismatch or emptiness.
    fn string<'a>(&mut self, path: &Path<'_>, value: &'a Value) -> Option<&'a str> {
        match value.as_str() {
            None => {
                self.mismatch(path, Kind::String);
                None
            }
            Some(s) if s.trim().is_empty() => {
                self.push(Code::EmptyValue, path, "Der Text ist leer.".into(), "The text is empty.".into());
                None
            }
            Some(s) => Some(s),
        }
    }

    /// A plain-text field: non-empty, at most `max` characters, no markup.
    fn text(&mut self, path: &Path<'_>, value: &Value, max: usize) {
        let Some(s) = self.string(path, value) else { return };
        let len = s.chars().count();
        if len > max {
            self.push(
                Code::TooLong,
                path,
                format!("Der Text hat {len} Zeichen, erlaubt sind höchstens {max}."),
                format!("The text has {len} characters; at most {max} are allowed."),
            );
        }
        if formats::contains_markup(s) {
            self.push(
                Code::MarkupInText,
                path,
                "Der Text enthält HTML-Tags oder Entitäten wie &amp;; erlaubt ist nur reiner Text.".into(),
                "The text contains HTML tags or entities such as &amp;; only plain text is allowed.".into(),
            );
        }
    }

    fn code<'a>(&mut self, path: &Path<'_>, value: &'a Value, vocab: &Vocabulary) -> Option<&'a str> {
        let s = self.string(path, value)?;
        if vocab.contains(s) {
            Some(s)
        } else {
            let mut known: Vec<&str> = vocab.codes().take(12).collect();
            if vocab.codes.len() > 12 {
                known.push("…");
            }
            let known = known.join(", ");
            self.push(
                Code::UnknownCode,
                path,
                format!("„{s}“ steht nicht in der Werteliste {}. Erlaubt: {known}.", vocab.id),
                format!("\"{s}\" is not in the vocabulary {}. Allowed: {known}.", vocab.id),
            );
            None
        }
    }

    /// A list of codes: an array, at least `min` items, each known, none twice.
    fn code_list<'a>(
        &mut self,
        path: &Path<'_>,
        value: &'a Value,
        vocab: &Vocabulary,
        min: usize,
    ) -> Vec<&'a str> {
        let mut out = Vec::new();
        let Some(items) = self.array(path, value) else { return out };
        self.min_items(path, items.len(), min);
        for (i, item) in items.iter().enumerate() {
            let p = path.index(i);
            if let Some(code) = self.code(&p, item, vocab) {
                if out.contains(&code) {
                    self.duplicate(&p, code);
                } else {
                    out.push(code);
                }
            }
        }
        out
    }

    fn min_items(&mut self, path: &Path<'_>, len: usize, min: usize) {
        if len < min {
            self.push(
                Code::TooFewItems,
                path,
                format!("Die Liste braucht mindestens {min} Eintrag/Einträge."),
                format!("The list needs at least {min} item(s)."),
            );
        }
    }

    fn duplicate(&mut self, path: &Path<'_>, value: &str) {
        self.push(
            Code::DuplicateItem,
            path,
            format!("„{value}“ steht doppelt in der Liste."),
            format!("\"{value}\" appears twice in the list."),
        );
    }

    fn date(&mut self, path: &Path<'_>, value: &Value) -> Option<Date> {
        let s = self.string(path, value)?;
        let d = Date::parse_iso(s);
        if d.is_none() {
            self.push(
                Code::InvalidDate,
                path,
                format!("„{s}“ ist kein gültiges Datum der Form JJJJ-MM-TT."),
                format!("\"{s}\" is not a valid date of the form YYYY-MM-DD."),
            );
        }
        d
    }

    fn url(&mut self, path: &Path<'_>, value: &Value) {
        if let Some(s) = self.string(path, value)
            && !formats::is_http_url(s)
        {
            self.push(
                Code::InvalidUrl,
                path,
                format!("„{}“ ist keine vollständige http(s)-Adresse.", truncate(s)),
                format!("\"{}\" is not a complete http(s) address.", truncate(s)),
            );
        }
    }

    fn number(&mut self, path: &Path<'_>, value: &Value, min: f64, max: f64) -> Option<f64> {
        let Some(n) = value.as_f64() else {
            self.mismatch(path, Kind::Number);
            return None;
        };
        if n < min || n > max {
            self.push(
                Code::OutOfRange,
                path,
                format!("{n} liegt nicht zwischen {min} und {max}."),
                format!("{n} is not between {min} and {max}."),
            );
            return None;
        }
        Some(n)
    }

    fn integer(&mut self, path: &Path<'_>, value: &Value, min: u64, max: u64) -> Option<u64> {
        let Some(n) = value.as_u64().or_else(|| value.as_i64().map(|_| u64::MAX)) else {
            self.mismatch(path, Kind::Integer);
            return None;
        };
        if n < min || n > max {
            self.push(
                Code::OutOfRange,
                path,
                format!("Der Wert liegt nicht zwischen {min} und {max}."),
                format!("The value is not between {min} and {max}."),
            );
            return None;
        }
        Some(n)
    }

    fn record(&mut self, root: &Path<'_>, m: &Map<String, Value>) {
        let voc = self.v.vocab;
        self.fields(root, m, TOP_FIELDS, TOP_REQUIRED);

        if let Some(v) = m.get("id") {
            let p = root.key("id");
            if let Some(id) = self.string(&p, v) {
                let ok = id.len() <= 128
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
                if !ok {
                    self.push(
                        Code::InvalidId,
                        &p,
                        format!("Die ID „{}“ enthält unerlaubte Zeichen oder ist zu lang.", truncate(id)),
                        format!(
                            "The id \"{}\" contains characters that are not allowed or is too long.",
                            truncate(id)
                        ),
                    );
                }
            }
        }

        let offer_type =
            m.get("offer_type").and_then(|v| self.code(&root.key("offer_type"), v, &voc.offer_types));

        if let Some(v) = m.get("categories") {
            let p = root.key("categories");
            let cats = self.code_list(&p, v, &voc.categories, 0);
            if let Some(ot) = offer_type {
                for (i, cat) in cats.iter().enumerate() {
                    let parent = voc.categories.get(cat).and_then(|c| c.offer_type.as_deref()).unwrap_or("");
                    if parent != ot {
                        // Index into the deduplicated list equals the item index unless an
                        // earlier duplicate was skipped; find the real position for the pointer.
                        let pos = v
                            .as_array()
                            .and_then(|a| a.iter().position(|x| x.as_str() == Some(cat)))
                            .unwrap_or(i);
                        self.push(
                            Code::CategoryMismatch,
                            &p.index(pos),
                            format!(
                                "Die Kategorie „{cat}“ gehört zur Angebotsart „{parent}“, nicht zu „{ot}“."
                            ),
                            format!(
                                "The category \"{cat}\" belongs to the offer type \"{parent}\", not \"{ot}\"."
                            ),
                        );
                    }
                }
            }
        }

        if let Some(v) = m.get("title") {
            self.lang_map(&root.key("title"), v, TITLE_MAX, true);
        }
        if let Some(v) = m.get("description") {
            self.lang_map(&root.key("description"), v, DESCRIPTION_MAX, false);
        }
        if let Some(v) = m.get("provider") {
            self.provider(&root.key("provider"), v);
        }
        if let Some(v) = m.get("status") {
            self.code(&root.key("status"), v, &voc.statuses);
        }
        if let Some(v) = m.get("target_groups") {
            self.code_list(&root.key("target_groups"), v, &voc.target_groups, 1);
        }
        if let Some(v) = m.get("life_phases") {
            self.code_list(&root.key("life_phases"), v, &voc.life_phases, 0);
        }
        if let Some(v) = m.get("languages") {
            self.languages(&root.key("languages"), v);
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
        let delivery = m.get("delivery").and_then(|v| self.code(&root.key("delivery"), v, &voc.delivery));
        self.places(root, m, delivery);
        if let Some(v) = m.get("schedule") {
            self.schedule(&root.key("schedule"), v);
        }
        if let Some(v) = m.get("contact") {
            self.contact(&root.key("contact"), v);
        }
        if let Some(v) = m.get("features") {
            self.code_list(&root.key("features"), v, &voc.features, 0);
        }
        if let Some(v) = m.get("url") {
            self.url(&root.key("url"), v);
        }
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
        if let Some(v) = m.get("verified_at") {
            let p = root.key("verified_at");
            if let Some(d) = self.date(&p, v)
                && d.days_since_epoch() < self.v.today.days_since_epoch() - 365
            {
                self.push(
                    Code::VerifiedStale,
                    &p,
                    format!("Zuletzt geprüft am {d}, vor über einem Jahr."),
                    format!("Last checked on {d}, more than a year ago."),
                );
            }
        }
    }

    fn lang_map(&mut self, path: &Path<'_>, value: &Value, max: usize, is_title: bool) {
        let Some(map) = self.object(path, value) else { return };
        if !map.contains_key("de") {
            self.push(
                Code::Required,
                &path.key("de"),
                "Der deutsche Text („de“) fehlt.".into(),
                "The German text (\"de\") is missing.".into(),
            );
        }
        for (lang, text) in map {
            let p = path.key(lang);
            self.language_code(&p, lang);
            self.text(&p, text, max);
        }
        if is_title && !map.contains_key("en") {
            self.push(
                Code::MissingEnglishTitle,
                &path.key("en"),
                "Es gibt keinen englischen Titel.".into(),
                "There is no English title.".into(),
            );
        }
    }

    /// Checks one language tag; returns whether it is valid.
    fn language_code(&mut self, path: &Path<'_>, tag: &str) -> bool {
        let ok = match formats::language_tag_primary(tag) {
            Some(primary) if primary.len() == 2 => self.v.vocab.languages.contains(primary),
            Some(_) => true,
            None => false,
        };
        if !ok {
            self.push(
                Code::InvalidLanguage,
                path,
                format!("„{}“ ist kein ISO-639-/BCP-47-Sprachcode.", truncate(tag)),
                format!("\"{}\" is not an ISO 639 / BCP 47 language code.", truncate(tag)),
            );
        }
        ok
    }

    fn languages(&mut self, path: &Path<'_>, value: &Value) {
        let Some(items) = self.array(path, value) else { return };
        self.min_items(path, items.len(), 1);
        let mut seen: Vec<&str> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = path.index(i);
            if let Some(tag) = self.string(&p, item)
                && self.language_code(&p, tag)
            {
                if seen.contains(&tag) {
                    self.duplicate(&p, tag);
                }
                seen.push(tag);
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
        let from = m.get("from").and_then(|v| self.code(&path.key("from"), v, levels));
        let to = m.get("to").and_then(|v| self.code(&path.key("to"), v, levels));
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
        self.fields(path, m, &["name", "kind", "url", "identifiers"], &["name", "kind"]);
        if let Some(v) = m.get("name") {
            self.text(&path.key("name"), v, TITLE_MAX);
        }
        if let Some(v) = m.get("kind") {
            self.code(&path.key("kind"), v, &self.v.vocab.provider_kinds);
        }
        if let Some(v) = m.get("url") {
            self.url(&path.key("url"), v);
        }
        if let Some(v) = m.get("identifiers") {
            let p = path.key("identifiers");
            if let Some(items) = self.array(&p, v) {
                for (i, item) in items.iter().enumerate() {
                    let ip = p.index(i);
                    if let Some(im) = self.object(&ip, item) {
                        self.fields(&ip, im, &["scheme", "value"], &["scheme", "value"]);
                        for key in ["scheme", "value"] {
                            if let Some(x) = im.get(key) {
                                self.text(&ip.key(key), x, SHORT_TEXT_MAX);
                            }
                        }
                    }
                }
            }
        }
    }

    fn cost(&mut self, path: &Path<'_>, value: &Value) {
        let Some(m) = self.object(path, value) else { return };
        self.fields(path, m, &["kind", "amount_eur", "note"], &["kind"]);
        let kind = m.get("kind").and_then(|v| self.code(&path.key("kind"), v, &self.v.vocab.cost_kinds));
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
        if let Some(v) = m.get("note") {
            self.text(&path.key("note"), v, SHORT_TEXT_MAX);
        }
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
        if let Some(v) = m.get("residence_status") {
            self.code_list(&path.key("residence_status"), v, &self.v.vocab.residence_status, 0);
        }
        if let Some(v) = m.get("note") {
            self.text(&path.key("note"), v, SHORT_TEXT_MAX);
        }
    }

    /// Locations and service area, and the rule which of them an offer needs.
    fn places(&mut self, root: &Path<'_>, m: &Map<String, Value>, delivery: Option<&str>) {
        let mut located = false;
        if let Some(v) = m.get("locations") {
            let p = root.key("locations");
            if let Some(items) = self.array(&p, v) {
                self.min_items(&p, items.len(), 1);
                located = !items.is_empty();
                for (i, item) in items.iter().enumerate() {
                    let position = self.location(&p.index(i), item);
                    self.positions.push(position);
                }
            }
        }
        if matches!(delivery, Some("presential" | "blended")) && !located && !m.contains_key("locations") {
            self.push(
                Code::LocationRequired,
                &root.key("locations"),
                format!("Bei delivery = {} ist mindestens ein Ort nötig.", delivery.unwrap_or_default()),
                format!("delivery = {} requires at least one location.", delivery.unwrap_or_default()),
            );
        }
        match m.get("service_area") {
            Some(v) => {
                let p = root.key("service_area");
                if let Some(items) = self.array(&p, v) {
                    self.min_items(&p, items.len(), 1);
                    let mut seen: Vec<&str> = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        let ip = p.index(i);
                        if let Some(ags) = self.string(&ip, item)
                            && self.ags(&ip, ags)
                        {
                            if seen.contains(&ags) {
                                self.duplicate(&ip, ags);
                            }
                            seen.push(ags);
                        }
                    }
                }
            }
            None if !m.contains_key("locations") && matches!(delivery, Some("online" | "outreach")) => {
                self.push(
                    Code::ServiceAreaRequired,
                    &root.key("service_area"),
                    "Ohne Ort ist ein Einzugsgebiet (service_area) nötig.".into(),
                    "Without a location a service area (service_area) is required.".into(),
                );
            }
            None => {}
        }
    }

    /// Checks an AGS against the region pack; returns whether it is known.
    fn ags(&mut self, path: &Path<'_>, ags: &str) -> bool {
        let known = self.v.region.municipality(ags).is_some();
        if !known {
            self.push(
                Code::UnknownAgs,
                path,
                format!("Der Gemeindeschlüssel „{}“ ist in der Region unbekannt.", truncate(ags)),
                format!("The municipality key \"{}\" is unknown in the region.", truncate(ags)),
            );
        }
        known
    }

    /// Checks one location; returns where its coordinates lie.
    fn location(&mut self, path: &Path<'_>, value: &Value) -> Position {
        let Some(m) = self.object(path, value) else { return Position::Unchecked };
        self.fields(
            path,
            m,
            &["name", "street", "postcode", "city", "ags", "lat", "lon", "accessibility"],
            &["street", "postcode", "city", "ags"],
        );
        for key in ["name", "street", "city"] {
            if let Some(v) = m.get(key) {
                self.text(&path.key(key), v, TITLE_MAX);
            }
        }
        if let Some(v) = m.get("postcode") {
            let p = path.key("postcode");
            if let Some(pc) = self.string(&p, v)
                && (pc.len() != 5 || !pc.bytes().all(|b| b.is_ascii_digit()))
            {
                self.push(
                    Code::InvalidPostcode,
                    &p,
                    format!("„{}“ ist keine fünfstellige Postleitzahl.", truncate(pc)),
                    format!("\"{}\" is not a five-digit postcode.", truncate(pc)),
                );
            }
        }
        let ags = m.get("ags").and_then(|v| {
            let p = path.key("ags");
            let s = self.string(&p, v)?;
            self.ags(&p, s).then_some(s)
        });
        if let Some(v) = m.get("accessibility") {
            self.code_list(&path.key("accessibility"), v, &self.v.vocab.accessibility, 0);
        }
        let lat = m.get("lat").and_then(|v| self.number(&path.key("lat"), v, -90.0, 90.0));
        let lon = m.get("lon").and_then(|v| self.number(&path.key("lon"), v, -180.0, 180.0));
        match (m.get("lat"), m.get("lon")) {
            (Some(_), None) | (None, Some(_)) => {
                let missing = if m.contains_key("lat") { "lon" } else { "lat" };
                self.push(
                    Code::CoordinatesIncomplete,
                    &path.key(missing),
                    format!("„{missing}“ fehlt; Koordinaten nur paarweise angeben."),
                    format!("\"{missing}\" is missing; give coordinates as a pair."),
                );
            }
            _ => {}
        }
        let (Some(lat), Some(lon)) = (lat, lon) else { return Position::Unchecked };
        let (position, finding) = geo::check_position(self.v.region, path, lat, lon, ags);
        self.out.extend(finding);
        position
    }

    fn schedule(&mut self, path: &Path<'_>, value: &Value) {
        let Some(m) = self.object(path, value) else { return };
        self.fields(path, m, &["start_date", "end_date", "opening_hours", "note"], &[]);
        let start = m.get("start_date").and_then(|v| self.date(&path.key("start_date"), v));
        let end = m.get("end_date").and_then(|v| self.date(&path.key("end_date"), v));
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            self.push(
                Code::DateRange,
                &path.key("end_date"),
                format!("Enddatum {e} liegt vor Startdatum {s}."),
                format!("End date {e} is before start date {s}."),
            );
        }
        if let Some(v) = m.get("opening_hours") {
            let p = path.key("opening_hours");
            if let Some(items) = self.array(&p, v) {
                for (i, item) in items.iter().enumerate() {
                    self.opening_hours(&p.index(i), item);
                }
            }
        }
        if let Some(v) = m.get("note") {
            self.text(&path.key("note"), v, SHORT_TEXT_MAX);
        }
    }

    fn opening_hours(&mut self, path: &Path<'_>, value: &Value) {
        let Some(m) = self.object(path, value) else { return };
        self.fields(path, m, &["days", "opens", "closes"], &["days", "opens", "closes"]);
        if let Some(v) = m.get("days") {
            self.code_list(&path.key("days"), v, &self.v.vocab.weekdays, 1);
        }
        let mut time = |key: &str| -> Option<u32> {
            let p = path.key(key);
            let s = self.string(&p, m.get(key)?)?;
            let t = formats::parse_time(s);
            if t.is_none() {
                self.push(
                    Code::InvalidTime,
                    &p,
                    format!("„{}“ ist keine Uhrzeit der Form HH:MM.", truncate(s)),
                    format!("\"{}\" is not a time of the form HH:MM.", truncate(s)),
                );
            }
            t
        };
        let (opens, closes) = (time("opens"), time("closes"));
        if let (Some(o), Some(c)) = (opens, closes)
            && c <= o
        {
            self.push(
                Code::TimeRange,
                &path.key("closes"),
                "Die Schließzeit liegt nicht nach der Öffnungszeit.".into(),
                "The closing time is not after the opening time.".into(),
            );
        }
    }

    fn contact(&mut self, path: &Path<'_>, value: &Value) {
        let Some(m) = self.object(path, value) else { return };
        self.fields(path, m, &["name", "email", "phone", "url"], &[]);
        if !["name", "email", "phone", "url"].iter().any(|k| m.contains_key(*k)) {
            self.push(
                Code::ContactEmpty,
                path,
                "Der Kontakt braucht mindestens Name, E-Mail, Telefon oder Webadresse.".into(),
                "The contact needs at least a name, e-mail, phone or web address.".into(),
            );
        }
        if let Some(v) = m.get("name") {
            self.text(&path.key("name"), v, TITLE_MAX);
        }
        if let Some(v) = m.get("email") {
            let p = path.key("email");
            if let Some(s) = self.string(&p, v)
                && !formats::is_email(s)
            {
                self.push(
                    Code::InvalidEmail,
                    &p,
                    format!("„{}“ ist keine gültige E-Mail-Adresse.", truncate(s)),
                    format!("\"{}\" is not a valid e-mail address.", truncate(s)),
                );
            }
        }
        if let Some(v) = m.get("phone") {
            let p = path.key("phone");
            if let Some(s) = self.string(&p, v)
                && !formats::is_phone(s)
            {
                self.push(
                    Code::InvalidPhone,
                    &p,
                    format!("„{}“ ist keine gültige Telefonnummer.", truncate(s)),
                    format!("\"{}\" is not a valid phone number.", truncate(s)),
                );
            }
        }
        if let Some(v) = m.get("url") {
            self.url(&path.key("url"), v);
        }
    }
}

/// Keeps quoted user input in messages short.
fn truncate(s: &str) -> String {
    if s.chars().count() <= 60 {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(60).collect::<String>())
    }
}
