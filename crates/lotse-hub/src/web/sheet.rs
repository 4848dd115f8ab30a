//! The offer sheet at `/angebote/{node_id}/{id}`: everything a client needs on one printable
//! page — what, for whom, where (with a small map), when, what it costs, in which languages,
//! whom to contact — with the source node and the last check, and the offer as schema.org
//! JSON-LD for search engines and other programs.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use lotse_standard::Offer;
use lotse_standard::vocab::{Vocabulary, vocabularies};
use lotse_web::{Chrome, Lang};
use serde_json::{Value, json};

use super::chrome;
use super::text;
use crate::state::AppState;

pub struct Text {
    pub text: String,
    pub lang: String,
    pub dir: &'static str,
}

pub struct LocationView {
    pub name: String,
    pub street: String,
    pub postcode_city: String,
    pub municipality: String,
    pub accessibility: Vec<String>,
    pub lat: String,
    pub lon: String,
    /// "ungefähr" when the hub placed it at the postcode's or municipality's centre.
    pub approximate: bool,
}

pub struct HoursView {
    pub days: String,
    pub time: String,
}

pub struct Link {
    pub href: String,
    pub text: String,
}

pub struct SheetView {
    pub lang: &'static str,
    pub title: Text,
    pub description: Text,
    pub offer_type: String,
    pub categories: Vec<String>,
    pub provider: String,
    pub provider_url: Option<Link>,
    pub target_groups: Vec<String>,
    pub life_phases: Vec<String>,
    pub languages: Vec<String>,
    pub level: Option<String>,
    pub cost: String,
    pub cost_note: Option<String>,
    pub delivery: String,
    pub features: Vec<String>,
    pub eligibility: Vec<String>,
    pub locations: Vec<LocationView>,
    pub service_area: Vec<String>,
    pub dates: Option<String>,
    pub hours: Vec<HoursView>,
    pub schedule_note: Option<String>,
    pub contact_name: Option<String>,
    pub email: Option<Link>,
    pub phone: Option<Link>,
    pub contact_url: Option<Link>,
    pub offer_url: Option<Link>,
    pub status: Option<String>,
    pub valid_until: Option<String>,
    pub verified_at: Option<String>,
    pub node: String,
    pub last_changed: String,
    pub json_ld: JsonLd,
    pub back: String,
    /// A location has coordinates: the sheet shows a small map.
    pub has_map: bool,
}

impl SheetView {
    pub fn t<'a>(&self, de: &'a str, en: &'a str) -> &'a str {
        if self.lang == "en" { en } else { de }
    }
}

#[derive(Template)]
#[template(path = "sheet.html")]
pub struct SheetPage {
    pub chrome: Chrome,
    pub view: SheetView,
}

/// JSON for a `<script type="application/ld+json">` element. Inside `<script>` the HTML parser
/// knows nothing of JSON and ends the element at the first `</script`, and HTML escaping would
/// not help (JSON does not decode `&lt;`); so `<`, `>` and `&` are written as the JSON escapes
/// `\u003c`, `\u003e`, `\u0026`, which every JSON reader reads back as the same characters.
/// After that no offer text can leave the element, which is why askama may write it as is.
pub struct JsonLd(String);

impl JsonLd {
    pub fn new(value: &Value) -> JsonLd {
        let json = value.to_string();
        let mut out = String::with_capacity(json.len());
        for c in json.chars() {
            match c {
                '<' => out.push_str("\\u003c"),
                '>' => out.push_str("\\u003e"),
                '&' => out.push_str("\\u0026"),
                '\u{2028}' => out.push_str("\\u2028"),
                '\u{2029}' => out.push_str("\\u2029"),
                c => out.push(c),
            }
        }
        JsonLd(out)
    }
}

impl std::fmt::Display for JsonLd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

// Escaped for its context by `JsonLd::new`; see there.
impl askama::filters::HtmlSafe for JsonLd {}

pub(crate) fn label(vocab: &Vocabulary, code: &str, lang: &str) -> String {
    vocab.get(code).map_or_else(
        || code.to_owned(),
        |c| if lang == "en" { c.label.en.clone() } else { c.label.de.clone() },
    )
}

pub(crate) fn labels(vocab: &Vocabulary, codes: &[String], lang: &str) -> Vec<String> {
    codes.iter().map(|c| label(vocab, c, lang)).collect()
}

/// The text in the reader's language, else German, else any.
pub(crate) fn pick(map: &lotse_standard::model::LangMap, lang: &str) -> Text {
    let (l, t) = map
        .get_key_value(lang)
        .or_else(|| map.get_key_value("de"))
        .or_else(|| map.iter().next())
        .map_or(("de", ""), |(k, v)| (k.as_str(), v.as_str()));
    Text { text: t.to_owned(), lang: l.to_owned(), dir: lotse_web::dir_of(l) }
}

/// A link only to the web (http, https): an offer's URL field must not become a
/// `javascript:` link.
pub(crate) fn web_link(url: Option<&str>) -> Option<Link> {
    let url = url?.trim();
    (url.starts_with("https://") || url.starts_with("http://")).then(|| Link {
        href: url.to_owned(),
        text: url
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned(),
    })
}

pub(crate) fn municipality_name(ags: &str) -> String {
    lotse_geo::ruhr().municipality(ags).map_or_else(|| ags.to_owned(), |m| m.name.clone())
}

fn schema_org(offer: &Offer, view: &SheetView, url: &str) -> Value {
    let kind = if offer.offer_type == "sprachkurs" || offer.offer_type == "berufliche_qualifizierung" {
        "Course"
    } else {
        "Service"
    };
    let places: Vec<Value> = offer
        .locations
        .iter()
        .map(|l| {
            let mut place = json!({
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": l.street,
                    "postalCode": l.postcode,
                    "addressLocality": l.city,
                    "addressCountry": "DE",
                },
            });
            if let Some(n) = &l.name {
                place["name"] = json!(n);
            }
            if let (Some(lat), Some(lon)) = (l.lat, l.lon) {
                place["geo"] = json!({"@type": "GeoCoordinates", "latitude": lat, "longitude": lon});
            }
            place
        })
        .collect();
    let provider = json!({"@type": "Organization", "name": offer.provider.name, "url": offer.provider.url});
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": kind,
        "@id": url,
        "url": url,
        "name": view.title.text,
        "description": view.description.text,
        "inLanguage": offer.languages,
        "provider": provider,
        "audience": {"@type": "Audience", "audienceType": view.target_groups.join(", ")},
    });
    let free = offer.cost.kind == "free";
    let price = json!({
        "@type": "Offer",
        "price": offer.cost.amount_eur.unwrap_or(0.0),
        "priceCurrency": "EUR",
        "description": view.cost,
        "isAccessibleForFree": free,
    });
    if kind == "Course" {
        let mut instance = json!({
            "@type": "CourseInstance",
            "courseMode": offer.delivery,
            "location": places,
        });
        if let Some(s) = &offer.schedule {
            instance["startDate"] = json!(s.start_date);
            instance["endDate"] = json!(s.end_date);
        }
        ld["hasCourseInstance"] = json!([instance]);
        ld["offers"] = json!([price]);
        ld["isAccessibleForFree"] = json!(free);
        if let Some(level) = &offer.language_level {
            ld["educationalLevel"] = json!(format!("{}–{}", level.from, level.to));
        }
    } else {
        ld["areaServed"] = json!(view.service_area);
        ld["availableChannel"] = json!({"@type": "ServiceChannel", "serviceLocation": places});
        ld["offers"] = json!([price]);
    }
    ld
}

pub async fn page(
    State(state): State<AppState>,
    Path((node_id, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    let lang = Lang::from_query(raw.as_deref());
    let not_found = || {
        lotse_web::error_page(
            lang,
            StatusCode::NOT_FOUND,
            "Dieses Angebot gibt es nicht (mehr).",
            "This offer does not exist (any more).",
        )
    };
    let store = state.hub.store();
    let stored = match store.get_offer(&node_id, &id).await {
        Ok(Some(o)) => o,
        Ok(None) => return not_found(),
        Err(e) => {
            tracing::error!(error = %e, "offer sheet");
            return lotse_web::error_page(
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Interner Fehler.",
                "Internal error.",
            );
        }
    };
    let Ok(offer) = serde_json::from_str::<Offer>(&stored.data) else {
        tracing::error!(node_id, id, "stored offer does not read as the standard's model");
        return lotse_web::error_page(
            lang,
            StatusCode::INTERNAL_SERVER_ERROR,
            "Interner Fehler.",
            "Internal error.",
        );
    };
    let node_name = store.get_node(&node_id).await.ok().flatten().map(|n| n.name);
    let code = lang.code();
    let v = vocabularies();
    let locations = offer
        .locations
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let placement = stored.placements.iter().find(|p| p.idx as usize == i);
            let (lat, lon) = placement
                .and_then(|p| Some((p.lat?, p.lon?)))
                .or_else(|| Some((l.lat?, l.lon?)))
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .unwrap_or_default();
            LocationView {
                name: l.name.clone().unwrap_or_default(),
                street: l.street.clone(),
                postcode_city: format!("{} {}", l.postcode, l.city),
                municipality: municipality_name(&l.ags),
                accessibility: labels(&v.accessibility, &l.accessibility, code),
                lat,
                lon,
                approximate: l.lat.is_none(),
            }
        })
        .collect();
    let cost = {
        let kind = label(&v.cost_kinds, &offer.cost.kind, code);
        match offer.cost.amount_eur {
            Some(a) if a > 0.0 => format!("{kind}: {}", text::euro(a, code)),
            _ => kind,
        }
    };
    let level = offer
        .language_level
        .as_ref()
        .map(|l| if l.from == l.to { l.from.clone() } else { format!("{} – {}", l.from, l.to) });
    let mut eligibility = Vec::new();
    if let Some(e) = &offer.eligibility {
        match (e.age_min, e.age_max) {
            (Some(a), Some(b)) => eligibility.push(format!("{} {a}–{b}", lang.t("Alter", "Age"))),
            (Some(a), None) => eligibility.push(format!("{} {a}", lang.t("Ab", "From age"))),
            (None, Some(b)) => eligibility.push(format!("{} {b}", lang.t("Bis", "Up to age"))),
            (None, None) => {}
        }
        eligibility.extend(labels(&v.residence_status, &e.residence_status, code));
        eligibility.extend(e.note.clone());
    }
    let (dates, hours, schedule_note) = match &offer.schedule {
        Some(s) => {
            let dates = match (&s.start_date, &s.end_date) {
                (Some(a), Some(b)) => Some(format!("{} – {}", text::date(a, code), text::date(b, code))),
                (Some(a), None) => Some(format!("{} {}", lang.t("ab", "from"), text::date(a, code))),
                (None, Some(b)) => Some(format!("{} {}", lang.t("bis", "until"), text::date(b, code))),
                (None, None) => None,
            };
            let hours = s
                .opening_hours
                .iter()
                .map(|h| HoursView {
                    days: labels(&v.weekdays, &h.days, code).join(", "),
                    time: format!("{}–{}", h.opens, h.closes),
                })
                .collect();
            (dates, hours, s.note.clone())
        }
        None => (None, Vec::new(), None),
    };
    let hub_id = format!("{node_id}/{id}");
    let base = state.base_url.to_string();
    let sheet_url = format!("{base}/angebote/{hub_id}");
    let mut view = SheetView {
        lang: code,
        title: pick(&offer.title, code),
        description: pick(&offer.description, code),
        offer_type: label(&v.offer_types, &offer.offer_type, code),
        categories: labels(&v.categories, &offer.categories, code),
        provider: offer.provider.name.clone(),
        provider_url: web_link(offer.provider.url.as_deref()),
        target_groups: labels(&v.target_groups, &offer.target_groups, code),
        life_phases: labels(&v.life_phases, &offer.life_phases, code),
        languages: labels(&v.languages, &offer.languages, code),
        level,
        cost,
        cost_note: offer.cost.note.clone(),
        delivery: label(&v.delivery, &offer.delivery, code),
        features: labels(&v.features, &offer.features, code),
        eligibility,
        locations,
        service_area: offer.service_area.iter().map(|a| municipality_name(a)).collect(),
        dates,
        hours,
        schedule_note,
        contact_name: offer.contact.name.clone(),
        email: offer.contact.email.as_ref().map(|e| Link { href: format!("mailto:{e}"), text: e.clone() }),
        phone: offer.contact.phone.as_ref().map(|p| Link {
            href: format!(
                "tel:{}",
                p.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>()
            ),
            text: p.clone(),
        }),
        contact_url: web_link(offer.contact.url.as_deref()),
        offer_url: web_link(offer.url.as_deref()),
        status: (offer.status != "active").then(|| label(&v.statuses, &offer.status, code)),
        valid_until: offer.valid_until.as_deref().map(|d| text::date(d, code)),
        verified_at: offer.verified_at.as_deref().map(|d| text::date(d, code)),
        node: node_name.map_or_else(|| node_id.clone(), |n| format!("{n} ({node_id})")),
        last_changed: text::unix_date(stored.last_changed, code),
        json_ld: JsonLd(String::new()),
        back: if code == "en" { "/?lang=en".to_owned() } else { "/".to_owned() },
        has_map: false,
    };
    view.has_map = view.locations.iter().any(|l| !l.lat.is_empty());
    view.json_ld = JsonLd::new(&schema_org(&offer, &view, &sheet_url));
    let path = format!("/angebote/{hub_id}");
    let path_query = match raw.as_deref() {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path,
    };
    let title = view.title.text.clone();
    let mut chrome: Chrome = chrome(&state, lang, &title, "", &path_query);
    if view.has_map {
        chrome = chrome.with_map().script("/static/hub/map.js");
    }
    lotse_web::html_page(&SheetPage { chrome, view })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_end_its_script_element() {
        let ld = JsonLd::new(&json!({"name": "</script><script>alert(1)</script> & more"}));
        let s = ld.to_string();
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'), "{s}");
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script> & more");
    }

    #[test]
    fn only_web_links_become_links() {
        assert!(web_link(Some("javascript:alert(1)")).is_none());
        assert_eq!(web_link(Some("https://vhs.example/kurs/")).unwrap().text, "vhs.example/kurs");
    }
}
