//! The pages of standard 1.1's kinds: an institution (`/einrichtungen/{node_id}/{id}`), a
//! network (`/netzwerke/{node_id}/{id}`) and a project (`/projekte/{node_id}/{id}`), each with
//! what it is, where, whom to contact, and the records it is linked with in both directions
//! (an institution's offers, networks and projects; a network's members and their offers), as
//! schema.org JSON-LD too; and the lists of institutions and networks (`/einrichtungen`,
//! `/netzwerke`), beside the offers' search.
//!
//! One template serves the three kinds: each page is a title, a summary, a list of facts, the
//! places, the contacts, the links and groups of linked records, which the code below fills in
//! per kind from the record's canonical JSON.

use askama::Template;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use lotse_standard::model::LangMap;
use lotse_standard::rpde::Kind;
use lotse_standard::vocab::{Vocabulary, vocabularies};
use lotse_web::{Chrome, Lang};
use serde_json::{Value, json};

use super::chrome;
use super::sheet::{JsonLd, Link, Text, label, labels, municipality_name, pick, web_link};
use super::text;
use crate::state::AppState;
use crate::store::kinds::{RecordFilter, StoredRecord};

pub(crate) use lotse_http::kind::page_root;

/// The page of the hub id `{node_id}/{id}` of a record of `kind`, in the reader's language.
pub(crate) fn record_href(kind: Kind, hub_id: &str, lang: &str) -> String {
    let root = page_root(kind);
    if lang == "de" { format!("{root}/{hub_id}") } else { format!("{root}/{hub_id}?lang={lang}") }
}

/// One line of the facts: a label and its values.
pub struct Fact {
    pub label: String,
    pub values: Vec<String>,
}

/// A place of the record.
pub struct PlaceView {
    pub name: String,
    pub address: String,
    pub municipality: String,
    pub hours: Vec<String>,
    pub accessibility: Vec<String>,
    pub lat: String,
    pub lon: String,
}

/// A person or office to contact.
pub struct ContactView {
    pub name: Option<String>,
    pub role: Option<String>,
    pub email: Option<Link>,
    pub phone: Option<Link>,
    pub web: Option<Link>,
}

/// Linked records of one kind and meaning ("Angebote", "Mitglieder", …).
pub struct RelatedGroup {
    pub heading: String,
    pub items: Vec<Link>,
}

pub struct RecordView {
    pub lang: &'static str,
    pub kind_label: String,
    pub title: Text,
    pub summary: Option<Text>,
    pub sections: Vec<(String, Text)>,
    pub facts: Vec<Fact>,
    pub places: Vec<PlaceView>,
    pub contacts: Vec<ContactView>,
    pub links: Vec<Link>,
    pub related: Vec<RelatedGroup>,
    pub node: String,
    pub last_changed: String,
    pub verified_at: Option<String>,
    pub json_ld: JsonLd,
    pub has_map: bool,
}

impl RecordView {
    pub fn t<'a>(&self, de: &'a str, en: &'a str) -> &'a str {
        if self.lang == "en" { en } else { de }
    }
}

#[derive(Template)]
#[template(path = "record.html")]
pub struct RecordPage {
    pub chrome: Chrome,
    pub view: RecordView,
}

/// The language map `key` of a record, when it has one with any text.
pub(super) fn lang_map(v: &Value, key: &str) -> Option<LangMap> {
    v.get(key).and_then(|m| serde_json::from_value::<LangMap>(m.clone()).ok()).filter(|m| !m.is_empty())
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

fn string(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn code_fact(facts: &mut Vec<Fact>, label_text: &str, vocab: &Vocabulary, codes: &[String], lang: &str) {
    if !codes.is_empty() {
        facts.push(Fact { label: label_text.to_owned(), values: labels(vocab, codes, lang) });
    }
}

fn phone_link(p: &str) -> Link {
    Link {
        href: format!("tel:{}", p.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>()),
        text: p.to_owned(),
    }
}

fn contact_of(v: &Value) -> Option<ContactView> {
    let c = ContactView {
        name: string(v, "name"),
        role: string(v, "role"),
        email: string(v, "email").map(|e| Link { href: format!("mailto:{e}"), text: e }),
        phone: string(v, "phone").map(|p| phone_link(&p)),
        web: web_link(v.get("url").and_then(Value::as_str)),
    };
    (c.name.is_some() || c.email.is_some() || c.phone.is_some() || c.web.is_some()).then_some(c)
}

fn places(v: &Value, stored: &StoredRecord, lang: Lang) -> Vec<PlaceView> {
    let code = lang.code();
    let voc = vocabularies();
    let locations = v.get("locations").and_then(Value::as_array).cloned().unwrap_or_default();
    locations
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let (lat, lon) =
                match (l.get("lat").and_then(Value::as_f64), l.get("lon").and_then(Value::as_f64)) {
                    (Some(a), Some(b)) => (a.to_string(), b.to_string()),
                    // The hub placed the first location when it had no coordinates of its own.
                    _ if i == 0 => (
                        stored.lat.map(|a| a.to_string()).unwrap_or_default(),
                        stored.lon.map(|b| b.to_string()).unwrap_or_default(),
                    ),
                    _ => (String::new(), String::new()),
                };
            let hours = l
                .get("opening_hours")
                .and_then(Value::as_array)
                .map(|hs| {
                    hs.iter()
                        .map(|h| {
                            format!(
                                "{}: {}–{}",
                                labels(&voc.weekdays, &strings(h, "days"), code).join(", "),
                                string(h, "opens").unwrap_or_default(),
                                string(h, "closes").unwrap_or_default()
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            PlaceView {
                name: string(l, "name").unwrap_or_default(),
                address: format!(
                    "{}, {} {}",
                    string(l, "street").unwrap_or_default(),
                    string(l, "postcode").unwrap_or_default(),
                    string(l, "city").unwrap_or_default()
                ),
                municipality: string(l, "ags").map(|a| municipality_name(&a)).unwrap_or_default(),
                hours,
                accessibility: labels(&voc.accessibility, &strings(l, "accessibility"), code),
                lat,
                lon,
            }
        })
        .collect()
}

fn links_of(v: &Value, lang: &str) -> Vec<Link> {
    let voc = vocabularies();
    let mut out: Vec<Link> = web_link(v.get("url").and_then(Value::as_str)).into_iter().collect();
    for l in v.get("links").and_then(Value::as_array).cloned().unwrap_or_default() {
        if let Some(mut link) = web_link(l.get("url").and_then(Value::as_str)) {
            let purpose = string(&l, "purpose").unwrap_or_default();
            let title = lang_map(&l, "title").map(|m| pick(&m, lang).text);
            link.text = title
                .unwrap_or_else(|| format!("{}: {}", label(&voc.link_purposes, &purpose, lang), link.text));
            out.push(link);
        }
    }
    out
}

/// A linked record's title for a link: its name or title in the reader's language.
fn title_of(kind: Kind, data: &str, lang: &str) -> String {
    let v: Value = serde_json::from_str(data).unwrap_or(Value::Null);
    lang_map(&v, kind.title_member()).map(|m| pick(&m, lang).text).unwrap_or_default()
}

/// The groups of records linked with this one: those it names and those naming it.
async fn related(state: &AppState, r: &StoredRecord, lang: &str) -> Vec<RelatedGroup> {
    let store = state.hub.store();
    let mut groups: Vec<(String, Vec<Link>)> = Vec::new();
    let mut push = |heading: &str, link: Link| match groups.iter_mut().find(|(h, _)| h == heading) {
        Some((_, items)) => items.push(link),
        None => groups.push((heading.to_owned(), vec![link])),
    };
    let t = |de: &'static str, en: &'static str| if lang == "en" { en } else { de };
    for reference in store.references_of(r.kind, &r.node_id, &r.id).await.unwrap_or_default() {
        let hub_id = format!("{}/{}", reference.target_node, reference.target_id);
        let heading = match (r.kind, reference.pointer.split('/').nth(1).unwrap_or("")) {
            (Kind::Network, "members") => t("Mitglieder", "Members"),
            (Kind::Organization, "part_of") => t("Gehört zu", "Part of"),
            (Kind::Project, "responsible") => t("Verantwortlich", "Responsible"),
            (Kind::Project, "partners") => t("Partner", "Partners"),
            (Kind::Network, "coordinators") => {
                t("Einrichtungen der Koordination", "Coordinators' institutions")
            }
            _ => t("Verweist auf", "Refers to"),
        };
        let text =
            match store.get_record(reference.target_kind, &reference.target_node, &reference.target_id).await
            {
                Ok(Some(target)) => title_of(target.kind, &target.data, lang),
                // A reference that names nothing (yet) is shown without a link.
                _ => continue,
            };
        push(heading, Link { href: record_href(reference.target_kind, &hub_id, lang), text });
    }
    for referrer in store.referrers(r.kind, &r.node_id, &r.id).await.unwrap_or_default() {
        let heading = match (referrer.kind, referrer.pointer.split('/').nth(1).unwrap_or("")) {
            (Kind::Offer, _) => t("Angebote", "Offers"),
            (Kind::Network, "members") => t("Netzwerke", "Networks"),
            (Kind::Network, _) => t("Netzwerke", "Networks"),
            (Kind::Project, _) => t("Projekte", "Projects"),
            (Kind::Organization, "part_of") => t("Zugehörige Einrichtungen", "Member institutions"),
            (Kind::Organization, _) => t("Einrichtungen", "Institutions"),
        };
        let data = match referrer.kind {
            Kind::Offer => {
                store.get_offer(&referrer.node_id, &referrer.id).await.ok().flatten().map(|o| o.data)
            }
            k => store.get_record(k, &referrer.node_id, &referrer.id).await.ok().flatten().map(|o| o.data),
        };
        let Some(data) = data else { continue };
        let hub_id = format!("{}/{}", referrer.node_id, referrer.id);
        let href = match referrer.kind {
            Kind::Offer => super::sheet_href(&hub_id, lang),
            k => record_href(k, &hub_id, lang),
        };
        push(heading, Link { href, text: title_of(referrer.kind, &data, lang) });
    }
    groups.into_iter().map(|(heading, items)| RelatedGroup { heading, items }).collect()
}

/// The page's view of a record: everything the template shows, per kind.
fn view_of(kind: Kind, v: &Value, stored: &StoredRecord, lang: Lang, node: String) -> RecordView {
    let code = lang.code();
    let voc = vocabularies();
    let (kind_de, kind_en) = lotse_http::kind::singular_label(kind);
    let title = lang_map(v, kind.title_member()).map(|m| pick(&m, code)).unwrap_or(Text {
        text: stored.id.clone(),
        lang: code.to_owned(),
        dir: "ltr",
    });
    let summary_key = if kind == Kind::Project { "summary" } else { "description" };
    let mut sections = Vec::new();
    let mut facts = Vec::new();
    let mut contacts: Vec<ContactView> = Vec::new();
    let t = |de: &str, en: &str| lang.t(de, en).to_owned();
    match kind {
        Kind::Organization => {
            let kind_code = string(v, "kind").unwrap_or_default();
            let mut kinds = vec![label(&voc.provider_kinds, &kind_code, code)];
            if let Some(s) = string(v, "school_type") {
                kinds.push(label(&voc.school_types, &s, code));
            }
            facts.push(Fact { label: t("Art", "Kind"), values: kinds });
            code_fact(
                &mut facts,
                &t("Lebensphasen", "Life phases"),
                &voc.life_phases,
                &strings(v, "life_phases"),
                code,
            );
            code_fact(
                &mut facts,
                &t("Sprachen", "Languages"),
                &voc.languages,
                &strings(v, "languages"),
                code,
            );
            for id in v.get("identifiers").and_then(Value::as_array).cloned().unwrap_or_default() {
                facts.push(Fact {
                    label: string(&id, "scheme").unwrap_or_default(),
                    values: vec![string(&id, "value").unwrap_or_default()],
                });
            }
        }
        Kind::Network => {
            if let Some(m) = lang_map(v, "topic") {
                facts.push(Fact { label: t("Thema", "Topic"), values: vec![pick(&m, code).text] });
            }
            for c in v.get("coordinators").and_then(Value::as_array).cloned().unwrap_or_default() {
                contacts.extend(contact_of(&c));
            }
            if let Some(m) = lang_map(v, "meeting_schedule") {
                sections.push((t("Treffen", "Meetings"), pick(&m, code)));
            }
            if let Some(m) = lang_map(v, "how_to_join") {
                sections.push((t("Mitmachen", "How to join"), pick(&m, code)));
            }
            code_fact(
                &mut facts,
                &t("Lebensphasen", "Life phases"),
                &voc.life_phases,
                &strings(v, "life_phases"),
                code,
            );
            code_fact(
                &mut facts,
                &t("Zielgruppen", "Target groups"),
                &voc.target_groups,
                &strings(v, "target_groups"),
                code,
            );
        }
        Kind::Project => {
            let status = string(v, "status").unwrap_or_default();
            facts.push(Fact {
                label: t("Stand", "Status"),
                values: vec![label(&voc.project_statuses, &status, code)],
            });
            let period = v.get("period").cloned().unwrap_or(Value::Null);
            let start = string(&period, "start").map(|d| text::date(&d, code));
            let end = string(&period, "end").map(|d| text::date(&d, code));
            let when = match (start, end) {
                (Some(a), Some(b)) => format!("{a} – {b}"),
                (Some(a), None) => {
                    format!("{} {a} ({})", lang.t("seit", "since"), lang.t("laufend", "ongoing"))
                }
                (None, _) => String::new(),
            };
            facts.push(Fact { label: t("Zeitraum", "Period"), values: vec![when] });
            code_fact(
                &mut facts,
                &t("Bildungsbiografie", "Education biography"),
                &voc.life_phases,
                &strings(v, "life_phases"),
                code,
            );
            code_fact(
                &mut facts,
                &t("Zielgruppen", "Target groups"),
                &voc.target_groups,
                &strings(v, "target_groups"),
                code,
            );
            for f in v.get("funding").and_then(Value::as_array).cloned().unwrap_or_default() {
                let parts: Vec<String> =
                    ["programme", "funder", "code"].iter().filter_map(|k| string(&f, k)).collect();
                facts.push(Fact { label: t("Förderung", "Funding"), values: vec![parts.join(" · ")] });
            }
            for (key, de, en) in [
                ("goals", "Ziele", "Goals"),
                ("description", "Beschreibung", "Description"),
                ("outcomes", "Ergebnisse", "Outcomes"),
            ] {
                if let Some(m) = lang_map(v, key) {
                    sections.push((t(de, en), pick(&m, code)));
                }
            }
        }
        Kind::Offer => {}
    }
    let served: Vec<String> = strings(v, "service_area").iter().map(|a| municipality_name(a)).collect();
    if !served.is_empty() {
        facts.push(Fact { label: t("Gemeinden", "Municipalities"), values: served });
    }
    if let Some(c) = v.get("contact").and_then(contact_of) {
        contacts.push(c);
    }
    let places = places(v, stored, lang);
    RecordView {
        lang: code,
        kind_label: lang.t(kind_de, kind_en).to_owned(),
        title,
        summary: lang_map(v, summary_key).map(|m| pick(&m, code)),
        sections,
        facts,
        has_map: places.iter().any(|p| !p.lat.is_empty()),
        places,
        contacts,
        links: links_of(v, code),
        related: Vec::new(),
        node,
        last_changed: text::unix_date(stored.last_changed, code),
        verified_at: string(v, "verified_at").map(|d| text::date(&d, code)),
        json_ld: JsonLd::new(&Value::Null),
    }
}

/// The record as schema.org: an institution as `EducationalOrganization` (or `Organization`
/// for offices, chambers, agencies), a network as `Organization` with its members, a project
/// as `Project`.
fn schema_org(kind: Kind, v: &Value, view: &RecordView, url: &str) -> Value {
    let educational = matches!(
        string(v, "kind").as_deref(),
        Some("kita" | "schule" | "volkshochschule" | "hochschule" | "bibliothek")
    );
    let ld_type = match kind {
        Kind::Organization if educational => "EducationalOrganization",
        Kind::Project => "Project",
        _ => "Organization",
    };
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": ld_type,
        "@id": url,
        "url": url,
        "name": view.title.text,
    });
    if let Some(s) = &view.summary {
        ld["description"] = json!(s.text);
    }
    let addresses: Vec<Value> = view
        .places
        .iter()
        .map(|p| {
            let mut place = json!({"@type": "Place", "name": p.name, "address": p.address});
            if let (Ok(lat), Ok(lon)) = (p.lat.parse::<f64>(), p.lon.parse::<f64>()) {
                place["geo"] = json!({"@type": "GeoCoordinates", "latitude": lat, "longitude": lon});
            }
            place
        })
        .collect();
    if !addresses.is_empty() {
        ld["location"] = json!(addresses);
    }
    let served: Vec<String> = strings(v, "service_area").iter().map(|a| municipality_name(a)).collect();
    if !served.is_empty() {
        ld["areaServed"] = json!(served);
    }
    if kind == Kind::Network {
        let members: Vec<Value> = view
            .related
            .iter()
            .filter(|g| g.heading == "Mitglieder" || g.heading == "Members")
            .flat_map(|g| g.items.iter())
            .map(|l| json!({"@type": "Organization", "name": l.text, "url": l.href}))
            .collect();
        if !members.is_empty() {
            ld["member"] = json!(members);
        }
    }
    if let Some(c) = view.contacts.first() {
        let mut point = json!({"@type": "ContactPoint"});
        if let Some(n) = &c.name {
            point["name"] = json!(n);
        }
        if let Some(e) = &c.email {
            point["email"] = json!(e.text);
        }
        if let Some(p) = &c.phone {
            point["telephone"] = json!(p.text);
        }
        ld["contactPoint"] = point;
    }
    ld
}

async fn record_page(state: &AppState, kind: Kind, node_id: &str, id: &str, raw: Option<&str>) -> Response {
    let lang = Lang::from_query(raw);
    let store = state.hub.store();
    let stored = match store.get_record(kind, node_id, id).await {
        Ok(Some(r)) => r,
        Ok(None) => {
            return lotse_web::error_page(
                lang,
                StatusCode::NOT_FOUND,
                "Diesen Eintrag gibt es nicht (mehr).",
                "This entry does not exist (any more).",
            );
        }
        Err(e) => {
            tracing::error!(error = %e, "record page");
            return lotse_web::error_page(
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Interner Fehler.",
                "Internal error.",
            );
        }
    };
    let v: Value = serde_json::from_str(&stored.data).unwrap_or(Value::Null);
    let node_name = store.get_node(node_id).await.ok().flatten().map(|n| n.name);
    let node = node_name.map_or_else(|| node_id.to_owned(), |n| format!("{n} ({node_id})"));
    let mut view = view_of(kind, &v, &stored, lang, node);
    view.related = related(state, &stored, lang.code()).await;
    let hub_id = format!("{node_id}/{id}");
    let url = format!("{}{}/{hub_id}", state.base_url, page_root(kind));
    view.json_ld = JsonLd::new(&schema_org(kind, &v, &view, &url));
    let path = format!("{}/{hub_id}", page_root(kind));
    let path_query = match raw {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path,
    };
    let title = view.title.text.clone();
    let mut chrome: Chrome = chrome(state, lang, &title, page_root(kind), &path_query);
    if view.has_map {
        chrome = chrome.with_map().script("/static/hub/map.js");
    }
    lotse_web::html_page(&RecordPage { chrome, view })
}

/// `GET /einrichtungen/{node_id}/{id}`, `/netzwerke/…`, `/projekte/…`: the kind comes from the
/// route.
pub async fn record(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    Path((node_id, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    record_page(&state, kind, &node_id, &id, raw.as_deref()).await
}

/// One entry of a list page.
pub struct ListEntry {
    pub link: Link,
    pub detail: String,
    pub municipality: String,
}

#[derive(Template)]
#[template(path = "record_list.html")]
pub struct ListPage {
    pub chrome: Chrome,
    pub lang: &'static str,
    pub heading: String,
    pub intro: String,
    pub entries: Vec<ListEntry>,
    pub municipalities: Vec<(String, String, bool)>,
    pub action: String,
    pub more: Option<String>,
}

impl ListPage {
    pub fn t<'a>(&self, de: &'a str, en: &'a str) -> &'a str {
        if self.lang == "en" { en } else { de }
    }
}

/// Entries per list page.
const LIST_PAGE: u32 = 100;

async fn list_page(state: &AppState, kind: Kind, raw: Option<&str>) -> Response {
    let lang = Lang::from_query(raw);
    let code = lang.code();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default();
    let param =
        |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
    let ags = param("gemeinde");
    let after = param("nach");
    let filter = RecordFilter { node_id: None, ags: ags.clone() };
    let after_pair = after.as_deref().and_then(|a| a.split_once('/'));
    let rows = match state.hub.store().list_records(kind, &filter, after_pair, LIST_PAGE).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::error!(error = %e, "record list");
            return lotse_web::error_page(
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Interner Fehler.",
                "Internal error.",
            );
        }
    };
    let voc = vocabularies();
    let more = (rows.len() == LIST_PAGE as usize).then(|| {
        let last = rows.last().map(|r| format!("{}/{}", r.node_id, r.id)).unwrap_or_default();
        let mut q: Vec<(&str, String)> = vec![("nach", last)];
        if let Some(a) = &ags {
            q.push(("gemeinde", a.clone()));
        }
        if code == "en" {
            q.push(("lang", "en".to_owned()));
        }
        format!("{}?{}", page_root(kind), serde_urlencoded::to_string(q).unwrap_or_default())
    });
    let entries = rows
        .iter()
        .map(|r| {
            let v: Value = serde_json::from_str(&r.data).unwrap_or(Value::Null);
            let detail = match kind {
                Kind::Organization => {
                    label(&voc.provider_kinds, &string(&v, "kind").unwrap_or_default(), code)
                }
                Kind::Network => lang_map(&v, "topic").map(|m| pick(&m, code).text).unwrap_or_default(),
                _ => label(&voc.project_statuses, &string(&v, "status").unwrap_or_default(), code),
            };
            ListEntry {
                link: Link {
                    href: record_href(kind, &format!("{}/{}", r.node_id, r.id), code),
                    text: title_of(kind, &r.data, code),
                },
                detail,
                municipality: r.ags.as_deref().map(municipality_name).unwrap_or_default(),
            }
        })
        .collect();
    let mut municipalities: Vec<(String, String, bool)> = lotse_geo::ruhr()
        .municipalities
        .iter()
        .map(|m| (m.ags.clone(), m.name.clone(), ags.as_deref() == Some(m.ags.as_str())))
        .collect();
    municipalities.sort_by(|a, b| a.1.cmp(&b.1));
    let (heading, intro) = match kind {
        Kind::Organization => (
            lang.t("Einrichtungen", "Institutions"),
            lang.t(
                "Kitas, Schulen, Volkshochschulen, Hochschulen, Beratungsstellen und Ämter der Region.",
                "Day-care centres, schools, adult education centres, universities, counselling services and offices of the region.",
            ),
        ),
        _ => (
            lang.t("Netzwerke", "Networks"),
            lang.t(
                "Netzwerke der Bildungspartner mit ihren Koordinationen, zum direkten Kontakt.",
                "Networks of the education partners with their coordinators, to contact them directly.",
            ),
        ),
    };
    let path = page_root(kind);
    let path_query = match raw {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    };
    let chrome = chrome(state, lang, heading, path, &path_query);
    lotse_web::html_page(&ListPage {
        chrome,
        lang: code,
        heading: heading.to_owned(),
        intro: intro.to_owned(),
        entries,
        municipalities,
        action: path.to_owned(),
        more,
    })
}

/// `GET /einrichtungen`, `/netzwerke`: the kind comes from the route.
pub async fn list(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    RawQuery(raw): RawQuery,
) -> Response {
    list_page(&state, kind, raw.as_deref()).await
}
