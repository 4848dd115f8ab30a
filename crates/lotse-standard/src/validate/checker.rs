//! The walker every kind of record shares: it collects findings, and its field helpers check
//! the values that look alike in every kind (objects and their fields, texts, language maps,
//! codes and code lists, ids, dates, numbers, URLs).
//!
//! The building blocks made of several fields (contact, identifiers, links, opening hours) are
//! in `parts.rs`, places in `places.rs`, references in `reference.rs`; each kind's own rules
//! are in the module named after it. All of them add methods to the one [`Checker`], so that
//! a rule is written once and every kind reports it with the same code and message.

use serde_json::{Map, Value};

use super::formats;
use super::path::Path;
use super::{Checked, Position, Validator};
use crate::date::Date;
use crate::finding::{Code, Finding, Message};
use crate::vocab::Vocabulary;

/// The longest title or name, per language.
pub(super) const TITLE_MAX: usize = 200;
/// The longest description, per language.
pub(super) const DESCRIPTION_MAX: usize = 5_000;
/// The longest short text: notes, summaries, identifiers.
pub(super) const SHORT_TEXT_MAX: usize = 1_000;

/// Walks one record with `rules`, which check the fields of its top-level object.
pub(super) fn run(
    v: &Validator<'_>,
    value: &Value,
    rules: impl FnOnce(&mut Checker<'_, '_>, &Path<'_>, &Map<String, Value>),
) -> Checked {
    let mut c = Checker { v, out: Vec::new(), positions: Vec::new() };
    let root = Path::Root;
    if let Some(map) = c.object(&root, value) {
        rules(&mut c, &root, map);
    }
    Checked { findings: c.out, positions: c.positions }
}

pub(super) struct Checker<'v, 'r> {
    pub(super) v: &'v Validator<'r>,
    pub(super) out: Vec<Finding>,
    /// One entry per element of `locations`, in order.
    pub(super) positions: Vec<Position>,
}

/// What JSON type a field must have, for the type-mismatch message.
#[derive(Clone, Copy)]
pub(super) enum JsonType {
    Object,
    Array,
    String,
    Number,
    Integer,
}

impl JsonType {
    fn names(self) -> (&'static str, &'static str) {
        match self {
            JsonType::Object => ("ein Objekt", "an object"),
            JsonType::Array => ("eine Liste", "a list"),
            JsonType::String => ("ein Text", "a string"),
            JsonType::Number => ("eine Zahl", "a number"),
            JsonType::Integer => ("eine ganze Zahl", "an integer"),
        }
    }
}

impl Checker<'_, '_> {
    pub(super) fn push(&mut self, code: Code, path: &Path<'_>, de: String, en: String) {
        self.out.push(Finding::new(code, path.pointer(), Message::new(de, en)));
    }

    pub(super) fn mismatch(&mut self, path: &Path<'_>, expected: JsonType) {
        let (de, en) = expected.names();
        self.push(Code::TypeMismatch, path, format!("Erwartet wird {de}."), format!("Expected {en}."));
    }

    pub(super) fn object<'a>(&mut self, path: &Path<'_>, value: &'a Value) -> Option<&'a Map<String, Value>> {
        let m = value.as_object();
        if m.is_none() {
            self.mismatch(path, JsonType::Object);
        }
        m
    }

    pub(super) fn array<'a>(&mut self, path: &Path<'_>, value: &'a Value) -> Option<&'a Vec<Value>> {
        let a = value.as_array();
        if a.is_none() {
            self.mismatch(path, JsonType::Array);
        }
        a
    }

    /// Reports unknown and missing fields of an object.
    pub(super) fn fields(
        &mut self,
        path: &Path<'_>,
        map: &Map<String, Value>,
        allowed: &[&str],
        required: &[&str],
    ) {
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
                self.required(&path.key(key), key);
            }
        }
    }

    /// Reports a missing required field.
    pub(super) fn required(&mut self, path: &Path<'_>, key: &str) {
        self.push(
            Code::Required,
            path,
            format!("Das Pflichtfeld „{key}“ fehlt."),
            format!("The required field \"{key}\" is missing."),
        );
    }

    /// A non-empty string; reports type mismatch or emptiness.
    pub(super) fn string<'a>(&mut self, path: &Path<'_>, value: &'a Value) -> Option<&'a str> {
        match value.as_str() {
            None => {
                self.mismatch(path, JsonType::String);
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
    pub(super) fn text(&mut self, path: &Path<'_>, value: &Value, max: usize) {
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

    /// The optional plain-text field `key` of `m`.
    pub(super) fn text_field(&mut self, path: &Path<'_>, m: &Map<String, Value>, key: &str, max: usize) {
        if let Some(v) = m.get(key) {
            self.text(&path.key(key), v, max);
        }
    }

    /// The record's `id`: the standard's id syntax.
    pub(super) fn id(&mut self, root: &Path<'_>, m: &Map<String, Value>) {
        let Some(v) = m.get("id") else { return };
        let p = root.key("id");
        if let Some(id) = self.string(&p, v)
            && !formats::is_record_id(id)
        {
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

    pub(super) fn code<'a>(
        &mut self,
        path: &Path<'_>,
        value: &'a Value,
        vocab: &Vocabulary,
    ) -> Option<&'a str> {
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

    /// The optional code field `key` of `m`; the code when it is known.
    pub(super) fn code_field<'a>(
        &mut self,
        path: &Path<'_>,
        m: &'a Map<String, Value>,
        key: &str,
        vocab: &Vocabulary,
    ) -> Option<&'a str> {
        m.get(key).and_then(|v| self.code(&path.key(key), v, vocab))
    }

    /// A list of codes: an array, at least `min` items, each known, none twice.
    pub(super) fn code_list<'a>(
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

    /// The optional code list `key` of `m`.
    pub(super) fn code_list_field(
        &mut self,
        path: &Path<'_>,
        m: &Map<String, Value>,
        key: &str,
        vocab: &Vocabulary,
        min: usize,
    ) {
        if let Some(v) = m.get(key) {
            self.code_list(&path.key(key), v, vocab, min);
        }
    }

    pub(super) fn min_items(&mut self, path: &Path<'_>, len: usize, min: usize) {
        if len < min {
            self.push(
                Code::TooFewItems,
                path,
                format!("Die Liste braucht mindestens {min} Eintrag/Einträge."),
                format!("The list needs at least {min} item(s)."),
            );
        }
    }

    pub(super) fn duplicate(&mut self, path: &Path<'_>, value: &str) {
        self.push(
            Code::DuplicateItem,
            path,
            format!("„{value}“ steht doppelt in der Liste."),
            format!("\"{value}\" appears twice in the list."),
        );
    }

    pub(super) fn date(&mut self, path: &Path<'_>, value: &Value) -> Option<Date> {
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

    /// Two dates that must be in order; a later one before the earlier is reported at `end`.
    pub(super) fn date_order(&mut self, end_path: &Path<'_>, start: Option<Date>, end: Option<Date>) {
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            self.push(
                Code::DateRange,
                end_path,
                format!("Enddatum {e} liegt vor Startdatum {s}."),
                format!("End date {e} is before start date {s}."),
            );
        }
    }

    /// `verified_at`: a date, with a warning when it lies more than a year back.
    pub(super) fn verified_at(&mut self, root: &Path<'_>, m: &Map<String, Value>) {
        let Some(v) = m.get("verified_at") else { return };
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

    pub(super) fn url(&mut self, path: &Path<'_>, value: &Value) {
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

    /// The optional URL field `key` of `m`.
    pub(super) fn url_field(&mut self, path: &Path<'_>, m: &Map<String, Value>, key: &str) {
        if let Some(v) = m.get(key) {
            self.url(&path.key(key), v);
        }
    }

    pub(super) fn number(&mut self, path: &Path<'_>, value: &Value, min: f64, max: f64) -> Option<f64> {
        let Some(n) = value.as_f64() else {
            self.mismatch(path, JsonType::Number);
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

    pub(super) fn integer(&mut self, path: &Path<'_>, value: &Value, min: u64, max: u64) -> Option<u64> {
        let Some(n) = value.as_u64().or_else(|| value.as_i64().map(|_| u64::MAX)) else {
            self.mismatch(path, JsonType::Integer);
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

    /// A language map: texts by language tag, `de` required, each at most `max` characters.
    pub(super) fn lang_map(&mut self, path: &Path<'_>, value: &Value, max: usize) {
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
    }

    /// The optional language map `key` of `m`.
    pub(super) fn lang_map_field(&mut self, path: &Path<'_>, m: &Map<String, Value>, key: &str, max: usize) {
        if let Some(v) = m.get(key) {
            self.lang_map(&path.key(key), v, max);
        }
    }

    /// Checks one language tag; returns whether it is valid.
    pub(super) fn language_code(&mut self, path: &Path<'_>, tag: &str) -> bool {
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

    /// A list of language tags: at least `min`, each valid, none twice.
    pub(super) fn languages(&mut self, path: &Path<'_>, value: &Value, min: usize) {
        let Some(items) = self.array(path, value) else { return };
        self.min_items(path, items.len(), min);
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
}

/// Keeps quoted user input in messages short.
pub(super) fn truncate(s: &str) -> String {
    if s.chars().count() <= 60 {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(60).collect::<String>())
    }
}
