//! The steward's records — `/angebote…` for offers, `/einrichtungen…`, `/netzwerke…`,
//! `/projekte…` for the kinds of standard 1.1: the list of this node's records (paged,
//! searchable), the form to create and edit one ([`form::layout`] of the kind), the check while
//! typing, and deleting with a confirmation. Each kind's routes carry the kind
//! (`Extension<Kind>`); the handlers are one for every kind.
//!
//! Saving goes through the same push as `PUT /api/v1/{kind}/{id}` ([`crate::ingest::push_as`]),
//! so the import log records every change and the hub gets its ping.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lotse_standard::date::Date;
use lotse_standard::read::InputFormat;
use lotse_standard::rpde::Kind;
use lotse_web::csrf::CsrfToken;
use lotse_web::{Chrome, Lang};
use serde::Deserialize;
use serde_json::Value;

use super::form::{self, Section, SummaryItem, Values};
use super::page::{self, LangQuery, Nav};
use super::session::StewardSession;
use crate::ingest::report::{ReportFinding, Text};
use crate::ingest::validate;
use crate::ingest::{IngestError, Mode, Operation, Push, now_unix, push_as};
use crate::state::AppState;

/// Records per page of the list.
const PAGE_SIZE: u32 = 25;

/// One row of the list.
pub struct Row {
    pub id: String,
    pub title: String,
    pub title_lang: String,
    pub title_dir: &'static str,
    /// The offer type, an institution's kind, a network's topic, a project's status.
    pub detail: String,
    pub updated: String,
    pub edit_href: String,
    pub delete_href: String,
}

#[derive(Template)]
#[template(path = "steward/offers.html")]
struct ListPage {
    chrome: Chrome,
    lang: Lang,
    /// The kind's name, plural, in the page's language ("Angebote", "Netzwerke").
    heading: String,
    detail_header: String,
    new_href: String,
    new_label: String,
    q: String,
    rows: Vec<Row>,
    total: i64,
    page: u32,
    pages: u32,
    prev_href: Option<String>,
    next_href: Option<String>,
    notice: Option<String>,
    action: String,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub lang: Option<String>,
    pub q: Option<String>,
    pub seite: Option<String>,
    /// Set after a save or delete, to say so.
    pub gespeichert: Option<String>,
    pub geloescht: Option<String>,
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The title to show for a record: in the page's language if there is one, else German.
fn title_of(kind: Kind, offer: &Value, lang: Lang) -> (String, String) {
    let titles = offer.get(kind.title_member());
    for code in [lang.code(), "de"] {
        if let Some(t) = titles.and_then(|t| t.get(code)).and_then(Value::as_str) {
            return (t.to_owned(), code.to_owned());
        }
    }
    if let Some((code, t)) = titles.and_then(Value::as_object).and_then(|m| m.iter().next()) {
        return (t.as_str().unwrap_or_default().to_owned(), code.clone());
    }
    (String::new(), "de".to_owned())
}

/// The list's detail column of a record: the label of its main code, or a network's topic.
fn detail_of(kind: Kind, data: &Value, lang: Lang) -> String {
    let v = lotse_standard::vocab::vocabularies();
    let (vocab, member) = match kind {
        Kind::Offer => (&v.offer_types, "offer_type"),
        Kind::Organization => (&v.provider_kinds, "kind"),
        Kind::Project => (&v.project_statuses, "status"),
        Kind::Network => {
            return data
                .get("topic")
                .and_then(|t| t.get(lang.code()).or_else(|| t.get("de")))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
        }
    };
    let code = data.get(member).and_then(Value::as_str).unwrap_or_default();
    vocab.get(code).map_or_else(|| code.to_owned(), |c| lang.t(&c.label.de, &c.label.en).to_owned())
}

fn detail_header(kind: Kind, lang: Lang) -> String {
    match kind {
        Kind::Offer => lang.t("Angebotsart", "Offer type"),
        Kind::Organization => lang.t("Art", "Kind"),
        Kind::Network => lang.t("Thema", "Topic"),
        Kind::Project => lang.t("Stand", "Status"),
    }
    .to_owned()
}

/// "Angebot", "Einrichtung", … in the page's language.
fn singular(kind: Kind, lang: Lang) -> &'static str {
    let (de, en) = lotse_http::kind::singular_label(kind);
    lang.t(de, en)
}

/// The nav entry of a kind's pages.
fn nav_of(kind: Kind) -> Nav {
    Nav::Records(kind)
}

/// `GET /angebote`, `/einrichtungen`, `/netzwerke`, `/projekte`
pub async fn list(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    session: StewardSession,
    csrf: CsrfToken,
    Query(q): Query<ListQuery>,
) -> Response {
    let lang = page::lang(q.lang.as_deref());
    let query = q.q.clone().unwrap_or_default();
    let page_no = q.seite.as_deref().and_then(|s| s.parse::<u32>().ok()).filter(|p| *p >= 1).unwrap_or(1);
    let offset = (page_no - 1).saturating_mul(PAGE_SIZE);
    let root = page::records_root(kind);
    let (offers, total) = match state.store.search(kind, Some(&query), offset, PAGE_SIZE).await {
        Ok(r) => r,
        Err(e) => return page::internal(lang, &e),
    };
    let rows = offers
        .into_iter()
        .map(|o| {
            let data: Value = serde_json::from_str(&o.data).unwrap_or(Value::Null);
            let (title, title_lang) = title_of(kind, &data, lang);
            Row {
                title_dir: lotse_web::dir_of(&title_lang),
                edit_href: page::href(lang, &format!("{root}/{}", enc(&o.id))),
                delete_href: page::href(lang, &format!("{root}/{}/loeschen", enc(&o.id))),
                detail: detail_of(kind, &data, lang),
                updated: page::when(o.updated_at),
                id: o.id,
                title,
                title_lang,
            }
        })
        .collect();
    let pages = u32::try_from(total.max(0)).unwrap_or(u32::MAX).div_ceil(PAGE_SIZE).max(1);
    let link = |p: u32| {
        let mut path = format!("{root}?seite={p}");
        if !query.is_empty() {
            path.push_str(&format!("&q={}", enc(&query)));
        }
        page::href(lang, &path)
    };
    let notice = match (&q.gespeichert, &q.geloescht) {
        (Some(id), _) => {
            Some(format!("{} „{id}“ {}", singular(kind, lang), lang.t("gespeichert.", "saved.")))
        }
        (None, Some(id)) => {
            Some(format!("{} „{id}“ {}", singular(kind, lang), lang.t("gelöscht.", "deleted.")))
        }
        _ => None,
    };
    let self_path = match page_no {
        1 if query.is_empty() => root.to_owned(),
        _ => link(page_no),
    };
    let (plural_de, plural_en) = lotse_http::kind::plural_label(kind);
    let chrome = page::chrome(
        &state,
        lang,
        plural_de,
        plural_en,
        Some(nav_of(kind)),
        Some(&session.0),
        &csrf,
        &self_path,
    );
    lotse_web::html_page(&ListPage {
        chrome,
        lang,
        heading: lang.t(plural_de, plural_en).to_owned(),
        detail_header: detail_header(kind, lang),
        new_href: page::href(lang, &format!("{root}/neu")),
        new_label: format!("{}: {}", lang.t("Neu", "New"), singular(kind, lang)),
        rows,
        total,
        page: page_no,
        pages,
        prev_href: (page_no > 1).then(|| link(page_no - 1)),
        next_href: (page_no < pages).then(|| link(page_no + 1)),
        notice,
        action: root.to_owned(),
        q: query,
    })
}

#[derive(Template)]
#[template(path = "steward/offer_form.html")]
struct FormPage {
    chrome: Chrome,
    lang: Lang,
    heading: String,
    /// The fields of the row that adds a language.
    extra: Vec<form::Field>,
    csrf: String,
    /// `None` for a new offer.
    id: Option<String>,
    /// The id typed into a new offer's form.
    new_id: String,
    new_id_errors: Vec<form::FieldError>,
    sections: Vec<Section>,
    summary: Vec<SummaryItem>,
    action: String,
    check_url: String,
    delete_href: Option<String>,
}

/// Validates a record with the standard, exactly as the API does (the same functions of
/// [`validate`] and the same reference checks); a stored record's id comes from the address, a
/// new one's from the form.
async fn findings_of(state: &AppState, kind: Kind, offer: &Value, id: Option<&str>) -> Vec<ReportFinding> {
    let body = serde_json::to_vec(offer).unwrap_or_default();
    let id = id.map(str::to_owned);
    let today = Date::from_unix_seconds(now_unix());
    let result = tokio::task::spawn_blocking(move || match id {
        Some(id) => validate::prepare_one(kind, &body, InputFormat::Json, today, &id),
        None => validate::prepare(kind, &body, InputFormat::Json, today),
    })
    .await;
    match result {
        Ok(Ok(mut prepared)) => {
            if let Err(e) = crate::ingest::check_references(state, kind, false, &mut prepared).await {
                return vec![root_finding(
                    "internal",
                    format!("Interner Fehler: {e}"),
                    format!("Internal error: {e}"),
                )];
            }
            prepared.findings
        }
        // The body is JSON this function wrote, so it always parses; a panic in the validator
        // is reported as one finding rather than as a page that fails.
        Ok(Err(e)) => vec![root_finding("unparsable", e.message.de, e.message.en)],
        Err(e) => {
            vec![root_finding("internal", format!("Interner Fehler: {e}"), format!("Internal error: {e}"))]
        }
    }
}

fn root_finding(code: &str, de: String, en: String) -> ReportFinding {
    ReportFinding {
        record: 0,
        id: None,
        severity: "error".into(),
        code: code.into(),
        pointer: String::new(),
        line: None,
        column: None,
        message: Text { de, en },
    }
}

async fn stored(state: &AppState, kind: Kind, id: &str) -> Result<Option<Value>, crate::store::StoreError> {
    Ok(state.store.get(kind, id).await?.and_then(|o| serde_json::from_str(&o.data).ok()))
}

#[allow(clippy::too_many_arguments)] // The page's parts, all needed.
fn form_page(
    state: &AppState,
    kind: Kind,
    lang: Lang,
    session: &StewardSession,
    csrf: &CsrfToken,
    id: Option<&str>,
    values: &Values,
    built: Option<&form::Built>,
    findings: &[ReportFinding],
) -> FormPage {
    let layout = form::layout(kind);
    let mut sections = form::build(layout, lang, values);
    let mut new_id_errors = Vec::new();
    let mut summary = Vec::new();
    if let Some(built) = built {
        // The id of a new offer is a field of its own above the sections.
        let (on_id, rest): (Vec<ReportFinding>, Vec<ReportFinding>) =
            findings.iter().cloned().partition(|f| id.is_none() && f.pointer == "/id");
        summary = form::place_findings(lang, &mut sections, built, &rest);
        for f in &on_id {
            let e = form::FieldError {
                code: f.code.clone(),
                severity: f.severity.clone(),
                severity_label: form::severity_label(lang, &f.severity),
                message: lang.t(&f.message.de, &f.message.en).to_owned(),
                fix: form::fix_text(lang, &f.code),
            };
            summary.insert(0, SummaryItem { field_id: "f-id".into(), label: "ID".into(), error: e.clone() });
            new_id_errors.push(e);
        }
    }
    let root = page::records_root(kind);
    let path = match id {
        Some(id) => format!("{root}/{}", enc(id)),
        None => format!("{root}/neu"),
    };
    let (one_de, one_en) = lotse_http::kind::singular_label(kind);
    let (title_de, title_en) = if id.is_some() {
        (format!("{one_de} bearbeiten"), format!("Edit {one_en}"))
    } else {
        (format!("Neu: {one_de}"), format!("New {one_en}"))
    };
    let nav = if id.is_none() && kind == Kind::Offer { Nav::New } else { nav_of(kind) };
    let chrome = page::chrome(state, lang, &title_de, &title_en, Some(nav), Some(&session.0), csrf, &path);
    FormPage {
        chrome,
        lang,
        heading: lang.t(&title_de, &title_en).to_owned(),
        extra: form::extra_fields(layout, lang),
        csrf: csrf.as_str().to_owned(),
        id: id.map(str::to_owned),
        new_id: values.get("/id").and_then(|v| v.first()).cloned().unwrap_or_default(),
        new_id_errors,
        sections,
        summary,
        action: page::href(lang, &path),
        check_url: match id {
            Some(id) => format!("{root}/pruefen?id={}", enc(id)),
            None => format!("{root}/pruefen"),
        },
        delete_href: id.map(|id| page::href(lang, &format!("{root}/{}/loeschen", enc(id)))),
    }
}

/// `GET /angebote/neu` (and the other kinds')
pub async fn new_form(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    session: StewardSession,
    csrf: CsrfToken,
    Query(q): Query<LangQuery>,
) -> Response {
    let mut values = Values::new();
    if kind == Kind::Offer {
        values.insert("/status".into(), vec!["active".into()]);
    }
    values.insert("/verified_at".into(), vec![Date::from_unix_seconds(now_unix()).to_string()]);
    lotse_web::html_page(&form_page(&state, kind, q.lang(), &session, &csrf, None, &values, None, &[]))
}

/// `GET /angebote/{id}` (and the other kinds')
pub async fn edit_form(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    session: StewardSession,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = q.lang();
    let offer = match stored(&state, kind, &id).await {
        Ok(Some(o)) => o,
        Ok(None) => return page::record_not_found(lang, kind),
        Err(e) => return page::internal(lang, &e),
    };
    let values = form::values_of(form::layout(kind), &offer);
    lotse_web::html_page(&form_page(&state, kind, lang, &session, &csrf, Some(&id), &values, None, &[]))
}

fn decode(body: &Bytes) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn submitted_csrf(pairs: &[(String, String)]) -> String {
    pairs.iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v.clone()).unwrap_or_default()
}

/// `POST /angebote/neu` and `POST /angebote/{id}`: validate, then save through the push or
/// show the form again with the findings at their fields.
async fn save(
    state: AppState,
    kind: Kind,
    session: StewardSession,
    csrf: CsrfToken,
    id: Option<String>,
    lang: Lang,
    body: Bytes,
) -> Response {
    let pairs = decode(&body);
    if let Err(rejected) = csrf.verify(&submitted_csrf(&pairs), lang) {
        return rejected.into_response();
    }
    let layout = form::layout(kind);
    let values = form::values_from_pairs(layout, pairs);
    let base = match &id {
        Some(id) => match stored(&state, kind, id).await {
            Ok(Some(o)) => Some(o),
            Ok(None) => return page::record_not_found(lang, kind),
            Err(e) => return page::internal(lang, &e),
        },
        None => None,
    };
    let built = form::to_record(layout, &values, base.as_ref(), id.as_deref());
    let mut findings = findings_of(&state, kind, &built.offer, id.as_deref()).await;
    let target_id = id.clone().or_else(|| built.offer.get("id").and_then(Value::as_str).map(str::to_owned));
    if id.is_none()
        && let Some(new_id) = &target_id
    {
        match state.store.get(kind, new_id).await {
            Ok(Some(_)) => findings.push(ReportFinding {
                pointer: "/id".into(),
                ..root_finding(
                    "id_taken",
                    format!("Es gibt schon einen Datensatz dieser Art mit der ID „{new_id}“."),
                    format!("There already is a record of this kind with the id \"{new_id}\"."),
                )
            }),
            Ok(None) => {}
            Err(e) => return page::internal(lang, &e),
        }
    }
    let has_errors = findings.iter().any(|f| f.severity == "error");
    let (false, Some(target_id)) = (has_errors, target_id) else {
        let mut r = lotse_web::html_page(&form_page(
            &state,
            kind,
            lang,
            &session,
            &csrf,
            id.as_deref(),
            &values,
            Some(&built),
            &findings,
        ));
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    };
    let push = Push {
        kind,
        operation: Operation::PutOne(target_id.clone()),
        mode: Mode::Atomic,
        format: InputFormat::Json,
        body: Bytes::from(serde_json::to_vec(&built.offer).unwrap_or_default()),
    };
    match push_as(&state, session.actor(), push).await {
        Ok(_) => Redirect::to(&page::href(
            lang,
            &format!("{}?gespeichert={}", page::records_root(kind), enc(&target_id)),
        ))
        .into_response(),
        // The push validated the same offer again; a disagreement would be a defect, so its
        // findings are shown rather than swallowed.
        Err(IngestError::Rejected(report)) if !report.findings.is_empty() => {
            let mut r = lotse_web::html_page(&form_page(
                &state,
                kind,
                lang,
                &session,
                &csrf,
                id.as_deref(),
                &values,
                Some(&built),
                &report.findings,
            ));
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
        Err(e) => page::internal(lang, &format!("push failed: {e}")),
    }
}

/// `POST /angebote/neu` (and the other kinds')
pub async fn create(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    session: StewardSession,
    csrf: CsrfToken,
    Query(q): Query<LangQuery>,
    body: Bytes,
) -> Response {
    save(state, kind, session, csrf, None, q.lang(), body).await
}

/// `POST /angebote/{id}` (and the other kinds')
pub async fn update(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    session: StewardSession,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    body: Bytes,
) -> Response {
    save(state, kind, session, csrf, Some(id), q.lang(), body).await
}

#[derive(Debug, Deserialize)]
pub struct CheckQuery {
    pub id: Option<String>,
    pub lang: Option<String>,
}

/// `POST /angebote/pruefen`: the form as it is now, validated by the standard; for the check
/// while typing. Answers `{"findings": [{"field_id", "label", "error": {…}}]}`.
pub async fn check(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    _session: StewardSession,
    csrf: CsrfToken,
    headers: axum::http::HeaderMap,
    Query(q): Query<CheckQuery>,
    body: Bytes,
) -> Response {
    let lang = page::lang(q.lang.as_deref());
    let submitted = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if let Err(rejected) = csrf.verify(submitted, lang) {
        return rejected.into_response();
    }
    let layout = form::layout(kind);
    let values = form::values_from_pairs(layout, decode(&body));
    let base = match &q.id {
        Some(id) => match stored(&state, kind, id).await {
            Ok(Some(o)) => Some(o),
            Ok(None) => {
                return (StatusCode::NOT_FOUND, Json(serde_json::json!({"findings": []}))).into_response();
            }
            Err(e) => return page::internal(lang, &e),
        },
        None => None,
    };
    let built = form::to_record(layout, &values, base.as_ref(), q.id.as_deref());
    let findings = findings_of(&state, kind, &built.offer, q.id.as_deref()).await;
    let mut sections = form::build(layout, lang, &values);
    let (on_id, rest): (Vec<ReportFinding>, Vec<ReportFinding>) =
        findings.into_iter().partition(|f| q.id.is_none() && f.pointer == "/id");
    let mut summary = form::place_findings(lang, &mut sections, &built, &rest);
    for f in on_id {
        summary.push(SummaryItem {
            field_id: "f-id".into(),
            label: "ID".into(),
            error: form::FieldError {
                severity_label: form::severity_label(lang, &f.severity),
                message: lang.t(&f.message.de, &f.message.en).to_owned(),
                fix: form::fix_text(lang, &f.code),
                code: f.code,
                severity: f.severity,
            },
        });
    }
    Json(serde_json::json!({ "findings": summary })).into_response()
}

#[derive(Template)]
#[template(path = "steward/delete.html")]
struct DeletePage {
    chrome: Chrome,
    heading: String,
    csrf: String,
    id: String,
    title: String,
    title_lang: String,
    title_dir: &'static str,
    action: String,
    back: String,
}

/// `GET /angebote/{id}/loeschen` (and the other kinds'): asks before deleting.
pub async fn delete_form(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    session: StewardSession,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = q.lang();
    let offer = match stored(&state, kind, &id).await {
        Ok(Some(o)) => o,
        Ok(None) => return page::record_not_found(lang, kind),
        Err(e) => return page::internal(lang, &e),
    };
    let (title, title_lang) = title_of(kind, &offer, lang);
    let root = page::records_root(kind);
    let path = format!("{root}/{}/loeschen", enc(&id));
    let (one_de, one_en) = lotse_http::kind::singular_label(kind);
    let (title_de, title_en) = (format!("{one_de} löschen"), format!("Delete {one_en}"));
    let chrome =
        page::chrome(&state, lang, &title_de, &title_en, Some(nav_of(kind)), Some(&session.0), &csrf, &path);
    lotse_web::html_page(&DeletePage {
        chrome,
        heading: lang.t(&title_de, &title_en).to_owned(),
        csrf: csrf.as_str().to_owned(),
        title_dir: lotse_web::dir_of(&title_lang),
        title,
        title_lang,
        action: page::href(lang, &path),
        back: page::href(lang, &format!("{root}/{}", enc(&id))),
        id,
    })
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(rename = "_csrf", default)]
    pub csrf: String,
}

/// `POST /angebote/{id}/loeschen` (and the other kinds')
pub async fn delete(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    session: StewardSession,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    axum::Form(form): axum::Form<DeleteForm>,
) -> Response {
    let lang = q.lang();
    if let Err(rejected) = csrf.verify(&form.csrf, lang) {
        return rejected.into_response();
    }
    let push = Push {
        kind,
        operation: Operation::DeleteOne(id.clone()),
        mode: Mode::Atomic,
        format: InputFormat::Auto,
        body: Bytes::new(),
    };
    match push_as(&state, session.actor(), push).await {
        Ok(_) => {
            Redirect::to(&page::href(lang, &format!("{}?geloescht={}", page::records_root(kind), enc(&id))))
                .into_response()
        }
        Err(IngestError::NotFound { .. }) => page::record_not_found(lang, kind),
        Err(e) => page::internal(lang, &format!("delete failed: {e}")),
    }
}
