//! Building blocks made of several fields that more than one kind of record uses: the contact,
//! e-mail and phone, identifiers in other registers, links and opening hours.

use serde_json::{Map, Value};

use super::checker::{Checker, SHORT_TEXT_MAX, TITLE_MAX, truncate};
use super::formats;
use super::path::Path;
use crate::finding::Code;

impl Checker<'_, '_> {
    /// A contact: name, e-mail, phone, URL, at least one of them.
    pub(super) fn contact(&mut self, path: &Path<'_>, value: &Value) {
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
        self.text_field(path, m, "name", TITLE_MAX);
        self.reachable(path, m);
        self.url_field(path, m, "url");
    }

    /// The optional `contact` of a record.
    pub(super) fn contact_field(&mut self, root: &Path<'_>, m: &Map<String, Value>) {
        if let Some(v) = m.get("contact") {
            self.contact(&root.key("contact"), v);
        }
    }

    /// The `email` and `phone` fields of an object, each optional.
    pub(super) fn reachable(&mut self, path: &Path<'_>, m: &Map<String, Value>) {
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
    }

    /// Identifiers in other registers: `[{scheme, value}]`.
    pub(super) fn identifiers(&mut self, path: &Path<'_>, value: &Value) {
        let Some(items) = self.array(path, value) else { return };
        for (i, item) in items.iter().enumerate() {
            let ip = path.index(i);
            if let Some(im) = self.object(&ip, item) {
                self.fields(&ip, im, &["scheme", "value"], &["scheme", "value"]);
                for key in ["scheme", "value"] {
                    self.text_field(&ip, im, key, SHORT_TEXT_MAX);
                }
            }
        }
    }

    /// The optional `links` of a record: `[{purpose, url, title?}]`.
    pub(super) fn links(&mut self, root: &Path<'_>, m: &Map<String, Value>) {
        let Some(v) = m.get("links") else { return };
        let p = root.key("links");
        let Some(items) = self.array(&p, v) else { return };
        for (i, item) in items.iter().enumerate() {
            let ip = p.index(i);
            if let Some(lm) = self.object(&ip, item) {
                self.fields(&ip, lm, &["purpose", "url", "title"], &["purpose", "url"]);
                self.code_field(&ip, lm, "purpose", &self.v.vocab.link_purposes);
                self.url_field(&ip, lm, "url");
                self.lang_map_field(&ip, lm, "title", TITLE_MAX);
            }
        }
    }

    /// A list of opening hours.
    pub(super) fn opening_hours_list(&mut self, path: &Path<'_>, value: &Value) {
        if let Some(items) = self.array(path, value) {
            for (i, item) in items.iter().enumerate() {
                self.opening_hours(&path.index(i), item);
            }
        }
    }

    /// One slot of opening hours: weekdays, and a closing time after the opening time.
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
}
