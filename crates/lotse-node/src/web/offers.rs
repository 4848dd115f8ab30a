//! `/angebote…`: the list of this node's offers (paged, searchable), the form to create and edit
//! one, the check while typing, and deleting with a confirmation.
//!
//! Saving goes through the same push as `PUT /api/v1/offers/{id}` ([`crate::ingest::push_as`]),
//! so the import log records every change and the hub gets its ping.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
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

/// Offers per page of the list.
const PAGE_SIZE: u32 = 25;

/// One row of the list.
pub struct Row {
    pub id: String,
    pub title: String,
    pub title_lang: String,
    pub title_dir: &'static str,
    pub offer_type: String,
    pub updated: String,
    pub edit_href: String,
    pub delete_href: String,
}

#[derive(Template)]
#[template(path = "steward/offers.html")]
struct ListPage {
    chrome: Chrome,
    lang: Lang,
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

/// The title to show for an offer: in the page's language if there is one, else German.
fn title_of(offer: &Value, lang: Lang) -> (String, String) {
    let titles = offer.get("title");
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

fn offer_type_label(lang: Lang, code: &str) -> String {
    lotse_standard::vocab::vocabularies()
        .offer_types
        .get(code)
        .map_or_else(|| code.to_owned(), |c| lang.t(&c.label.de, &c.label.en).to_owned())
}

/// `GET /angebote`
pub async fn list(
    State(state): State<AppState>,
    session: StewardSession,
    csrf: CsrfToken,
    Query(q): Query<ListQuery>,
) -> Response {
    let lang = page::lang(q.lang.as_deref());
    let query = q.q.clone().unwrap_or_default();
    let page_no = q.seite.as_deref().and_then(|s| s.parse::<u32>().ok()).filter(|p| *p >= 1).unwrap_or(1);
    let offset = (page_no - 1).saturating_mul(PAGE_SIZE);
    let (offers, total) = match state.store.search(Kind::Offer, Some(&query), offset, PAGE_SIZE).await {
        Ok(r) => r,
        Err(e) => return page::internal(lang, &e),
    };
    let rows = offers
        .into_iter()
        .map(|o| {
            let data: Value = serde_json::from_str(&o.data).unwrap_or(Value::Null);
            let (title, title_lang) = title_of(&data, lang);
            let offer_type = data.get("offer_type").and_then(Value::as_str).unwrap_or_default();
            Row {
                title_dir: lotse_web::dir_of(&title_lang),
                edit_href: page::href(lang, &format!("/angebote/{}", enc(&o.id))),
                delete_href: page::href(lang, &format!("/angebote/{}/loeschen", enc(&o.id))),
                offer_type: offer_type_label(lang, offer_type),
                updated: page::when(o.updated_at),
                id: o.id,
                title,
                title_lang,
            }
        })
        .collect();
    let pages = u32::try_from(total.max(0)).unwrap_or(u32::MAX).div_ceil(PAGE_SIZE).max(1);
    let link = |p: u32| {
        let mut path = format!("/angebote?seite={p}");
        if !query.is_empty() {
            path.push_str(&format!("&q={}", enc(&query)));
        }
        page::href(lang, &path)
    };
    let notice = match (&q.gespeichert, &q.geloescht) {
        (Some(id), _) => {
            Some(format!("{} „{id}“ {}", lang.t("Angebot", "Offer"), lang.t("gespeichert.", "saved.")))
        }
        (None, Some(id)) => {
            Some(format!("{} „{id}“ {}", lang.t("Angebot", "Offer"), lang.t("gelöscht.", "deleted.")))
        }
        _ => None,
    };
    let self_path = match page_no {
        1 if query.is_empty() => "/angebote".to_owned(),
        _ => link(page_no),
    };
    let chrome = page::chrome(
        &state,
        lang,
        "Angebote",
        "Offers",
        Some(Nav::Offers),
        Some(&session.0),
        &csrf,
        &self_path,
    );
    lotse_web::html_page(&ListPage {
        chrome,
        lang,
        rows,
        total,
        page: page_no,
        pages,
        prev_href: (page_no > 1).then(|| link(page_no - 1)),
        next_href: (page_no < pages).then(|| link(page_no + 1)),
        notice,
        action: "/angebote".to_owned(),
        q: query,
    })
}

#[derive(Template)]
#[template(path = "steward/offer_form.html")]
struct FormPage {
    chrome: Chrome,
    lang: Lang,
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

/// Validates an offer with the standard, exactly as the API does (the same function of
/// [`validate`]); a stored offer's id comes from the address, a new one's from the form.
async fn findings_of(offer: &Value, id: Option<&str>) -> Vec<ReportFinding> {
    let body = serde_json::to_vec(offer).unwrap_or_default();
    let id = id.map(str::to_owned);
    let today = Date::from_unix_seconds(now_unix());
    let result = tokio::task::spawn_blocking(move || match id {
        Some(id) => validate::prepare_one(Kind::Offer, &body, InputFormat::Json, today, &id),
        None => validate::prepare(Kind::Offer, &body, InputFormat::Json, today),
    })
    .await;
    match result {
        Ok(Ok(prepared)) => prepared.findings,
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

async fn stored(state: &AppState, id: &str) -> Result<Option<Value>, crate::store::StoreError> {
    Ok(state.store.get(Kind::Offer, id).await?.and_then(|o| serde_json::from_str(&o.data).ok()))
}

#[allow(clippy::too_many_arguments)] // The page's parts, all needed.
fn form_page(
    state: &AppState,
    lang: Lang,
    session: &StewardSession,
    csrf: &CsrfToken,
    id: Option<&str>,
    values: &Values,
    built: Option<&form::Built>,
    findings: &[ReportFinding],
) -> FormPage {
    let mut sections = form::build(lang, values);
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
    let path = match id {
        Some(id) => format!("/angebote/{}", enc(id)),
        None => "/angebote/neu".to_owned(),
    };
    let (title_de, title_en) =
        if id.is_some() { ("Angebot bearbeiten", "Edit offer") } else { ("Neues Angebot", "New offer") };
    let nav = if id.is_some() { Nav::Offers } else { Nav::New };
    let chrome = page::chrome(state, lang, title_de, title_en, Some(nav), Some(&session.0), csrf, &path);
    FormPage {
        chrome,
        lang,
        csrf: csrf.as_str().to_owned(),
        id: id.map(str::to_owned),
        new_id: values.get("/id").and_then(|v| v.first()).cloned().unwrap_or_default(),
        new_id_errors,
        sections,
        summary,
        action: page::href(lang, &path),
        check_url: match id {
            Some(id) => format!("/angebote/pruefen?id={}", enc(id)),
            None => "/angebote/pruefen".to_owned(),
        },
        delete_href: id.map(|id| page::href(lang, &format!("/angebote/{}/loeschen", enc(id)))),
    }
}

/// `GET /angebote/neu`
pub async fn new_form(
    State(state): State<AppState>,
    session: StewardSession,
    csrf: CsrfToken,
    Query(q): Query<LangQuery>,
) -> Response {
    let mut values = Values::new();
    values.insert("/status".into(), vec!["active".into()]);
    values.insert("/verified_at".into(), vec![Date::from_unix_seconds(now_unix()).to_string()]);
    lotse_web::html_page(&form_page(&state, q.lang(), &session, &csrf, None, &values, None, &[]))
}

/// `GET /angebote/{id}`
pub async fn edit_form(
    State(state): State<AppState>,
    session: StewardSession,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = q.lang();
    let offer = match stored(&state, &id).await {
        Ok(Some(o)) => o,
        Ok(None) => return page::offer_not_found(lang),
        Err(e) => return page::internal(lang, &e),
    };
    let values = form::values_of(&offer);
    lotse_web::html_page(&form_page(&state, lang, &session, &csrf, Some(&id), &values, None, &[]))
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
    let values = form::values_from_pairs(pairs);
    let base = match &id {
        Some(id) => match stored(&state, id).await {
            Ok(Some(o)) => Some(o),
            Ok(None) => return page::offer_not_found(lang),
            Err(e) => return page::internal(lang, &e),
        },
        None => None,
    };
    let built = form::to_offer(&values, base.as_ref(), id.as_deref());
    let mut findings = findings_of(&built.offer, id.as_deref()).await;
    let target_id = id.clone().or_else(|| built.offer.get("id").and_then(Value::as_str).map(str::to_owned));
    if id.is_none()
        && let Some(new_id) = &target_id
    {
        match state.store.get(Kind::Offer, new_id).await {
            Ok(Some(_)) => findings.push(ReportFinding {
                pointer: "/id".into(),
                ..root_finding(
                    "id_taken",
                    format!("Es gibt schon ein Angebot mit der ID „{new_id}“."),
                    format!("There already is an offer with the id \"{new_id}\"."),
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
        kind: Kind::Offer,
        operation: Operation::PutOne(target_id.clone()),
        mode: Mode::Atomic,
        format: InputFormat::Json,
        body: Bytes::from(serde_json::to_vec(&built.offer).unwrap_or_default()),
    };
    match push_as(&state, session.actor(), push).await {
        Ok(_) => Redirect::to(&page::href(lang, &format!("/angebote?gespeichert={}", enc(&target_id))))
            .into_response(),
        // The push validated the same offer again; a disagreement would be a defect, so its
        // findings are shown rather than swallowed.
        Err(IngestError::Rejected(report)) if !report.findings.is_empty() => {
            let mut r = lotse_web::html_page(&form_page(
                &state,
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

/// `POST /angebote/neu`
pub async fn create(
    State(state): State<AppState>,
    session: StewardSession,
    csrf: CsrfToken,
    Query(q): Query<LangQuery>,
    body: Bytes,
) -> Response {
    save(state, session, csrf, None, q.lang(), body).await
}

/// `POST /angebote/{id}`
pub async fn update(
    State(state): State<AppState>,
    session: StewardSession,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    body: Bytes,
) -> Response {
    save(state, session, csrf, Some(id), q.lang(), body).await
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
    let values = form::values_from_pairs(decode(&body));
    let base = match &q.id {
        Some(id) => match stored(&state, id).await {
            Ok(Some(o)) => Some(o),
            Ok(None) => {
                return (StatusCode::NOT_FOUND, Json(serde_json::json!({"findings": []}))).into_response();
            }
            Err(e) => return page::internal(lang, &e),
        },
        None => None,
    };
    let built = form::to_offer(&values, base.as_ref(), q.id.as_deref());
    let findings = findings_of(&built.offer, q.id.as_deref()).await;
    let mut sections = form::build(lang, &values);
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
    csrf: String,
    id: String,
    title: String,
    title_lang: String,
    title_dir: &'static str,
    action: String,
    back: String,
}

/// `GET /angebote/{id}/loeschen`: asks before deleting.
pub async fn delete_form(
    State(state): State<AppState>,
    session: StewardSession,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = q.lang();
    let offer = match stored(&state, &id).await {
        Ok(Some(o)) => o,
        Ok(None) => return page::offer_not_found(lang),
        Err(e) => return page::internal(lang, &e),
    };
    let (title, title_lang) = title_of(&offer, lang);
    let path = format!("/angebote/{}/loeschen", enc(&id));
    let chrome = page::chrome(
        &state,
        lang,
        "Angebot löschen",
        "Delete offer",
        Some(Nav::Offers),
        Some(&session.0),
        &csrf,
        &path,
    );
    lotse_web::html_page(&DeletePage {
        chrome,
        csrf: csrf.as_str().to_owned(),
        title_dir: lotse_web::dir_of(&title_lang),
        title,
        title_lang,
        action: page::href(lang, &path),
        back: page::href(lang, &format!("/angebote/{}", enc(&id))),
        id,
    })
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(rename = "_csrf", default)]
    pub csrf: String,
}

/// `POST /angebote/{id}/loeschen`
pub async fn delete(
    State(state): State<AppState>,
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
        kind: Kind::Offer,
        operation: Operation::DeleteOne(id.clone()),
        mode: Mode::Atomic,
        format: InputFormat::Auto,
        body: Bytes::new(),
    };
    match push_as(&state, session.actor(), push).await {
        Ok(_) => {
            Redirect::to(&page::href(lang, &format!("/angebote?geloescht={}", enc(&id)))).into_response()
        }
        Err(IngestError::NotFound { .. }) => page::offer_not_found(lang),
        Err(e) => page::internal(lang, &format!("delete failed: {e}")),
    }
}
