//! `/hochladen…`: upload a CSV, JSON or NDJSON file of one record kind (offers, institutions,
//! networks or projects), read its validation report, then confirm or discard it.
//!
//! Nothing reaches the records before the confirmation: the uploaded file waits in
//! `pending_imports` under the session that sent it, with an expiry. The report is computed
//! again from the kept file when it is shown (the validator is deterministic for a day), and
//! confirming runs the API's push on the kept bytes, so the import log records the import and
//! the hub gets its ping.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lotse_http::token::generate_token_with_prefix;
use lotse_standard::date::Date;
use lotse_standard::read::InputFormat;
use lotse_standard::rpde::Kind;
use lotse_web::csrf::CsrfToken;
use lotse_web::{Chrome, Lang};
use serde::Deserialize;

use super::page::{self, LangQuery, Nav};
use super::report::{self, ReportRow};
use super::session::StewardSession;
use crate::ingest::validate::{self, Prepared};
use crate::ingest::{IngestError, Mode, Operation, Push, check_references, now_unix, push_as};
use crate::state::AppState;
use crate::store::PendingImport;

#[derive(Template)]
#[template(path = "steward/upload.html")]
struct UploadPage {
    chrome: Chrome,
    csrf: String,
    action: String,
    error: Option<String>,
    notice: Option<String>,
    /// `(value, German label, English label, checked)` of each record kind.
    kinds: Vec<(&'static str, &'static str, &'static str, bool)>,
}

/// The kinds to choose from, `chosen` checked.
fn kind_choices(chosen: Kind) -> Vec<(&'static str, &'static str, &'static str, bool)> {
    Kind::ALL
        .into_iter()
        .map(|k| {
            let (de, en) = lotse_http::kind::plural_label(k);
            (k.plural(), de, en, k == chosen)
        })
        .collect()
}

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    pub lang: Option<String>,
    pub verworfen: Option<String>,
}

fn upload_page(
    state: &AppState,
    lang: Lang,
    session: &StewardSession,
    csrf: &CsrfToken,
    error: Option<String>,
    notice: Option<String>,
) -> UploadPage {
    let chrome = page::chrome(
        state,
        lang,
        "Datei hochladen",
        "Upload a file",
        Some(Nav::Upload),
        Some(&session.0),
        csrf,
        "/hochladen",
    );
    UploadPage {
        chrome,
        csrf: csrf.as_str().to_owned(),
        action: page::href(lang, "/hochladen"),
        error,
        notice,
        kinds: kind_choices(Kind::Offer),
    }
}

/// `GET /hochladen`
pub async fn form(
    State(state): State<AppState>,
    session: StewardSession,
    csrf: CsrfToken,
    Query(q): Query<UploadQuery>,
) -> Response {
    let lang = page::lang(q.lang.as_deref());
    let notice = q.verworfen.is_some().then(|| {
        lang.t(
            "Die Datei wurde verworfen; es wurde nichts gespeichert.",
            "The file was discarded; nothing was stored.",
        )
        .to_owned()
    });
    lotse_web::html_page(&upload_page(&state, lang, &session, &csrf, None, notice))
}

/// The format a file's name or type stands for; anything else is sniffed by the reader.
fn format_of(file_name: &str, content_type: Option<&str>) -> InputFormat {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".csv") {
        InputFormat::Csv
    } else if lower.ends_with(".ndjson") || lower.ends_with(".jsonl") {
        InputFormat::Ndjson
    } else if lower.ends_with(".json") {
        InputFormat::Json
    } else {
        validate::format_for_content_type(content_type).unwrap_or(InputFormat::Auto)
    }
}

fn format_name(f: InputFormat) -> &'static str {
    match f {
        InputFormat::Json => "json",
        InputFormat::Ndjson => "ndjson",
        InputFormat::Csv => "csv",
        _ => "auto",
    }
}

fn parse_format(s: &str) -> InputFormat {
    match s {
        "json" => InputFormat::Json,
        "ndjson" => InputFormat::Ndjson,
        "csv" => InputFormat::Csv,
        _ => InputFormat::Auto,
    }
}

async fn prepare(
    kind: Kind,
    body: Vec<u8>,
    format: InputFormat,
) -> Result<Prepared, (u64, u64, String, String)> {
    let today = Date::from_unix_seconds(now_unix());
    tokio::task::spawn_blocking(move || validate::prepare(kind, &body, format, today))
        .await
        .map_err(|e| (0, 0, format!("Interner Fehler: {e}"), format!("Internal error: {e}")))?
        .map_err(|e| (e.line, e.column, e.message.de, e.message.en))
}

/// `POST /hochladen` (multipart: `_csrf`, `art`, `datei`)
pub async fn upload(
    State(state): State<AppState>,
    session: StewardSession,
    csrf: CsrfToken,
    Query(q): Query<LangQuery>,
    mut multipart: Multipart,
) -> Response {
    let lang = q.lang();
    let mut submitted = String::new();
    let mut kind = Kind::Offer;
    let mut file: Option<(String, Option<String>, Bytes)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let mut r = lotse_web::html_page(&upload_page(
                    &state,
                    lang,
                    &session,
                    &csrf,
                    Some(format!(
                        "{}: {e}",
                        lang.t("Die Datei konnte nicht empfangen werden", "The file could not be received")
                    )),
                    None,
                ));
                *r.status_mut() = StatusCode::BAD_REQUEST;
                return r;
            }
        };
        match field.name() {
            Some("_csrf") => submitted = field.text().await.unwrap_or_default(),
            // An unknown value keeps the default, offers; the report names the kind checked.
            Some("art") => {
                if let Some(k) = Kind::from_plural(field.text().await.unwrap_or_default().trim()) {
                    kind = k;
                }
            }
            Some("datei") => {
                let name = field.file_name().unwrap_or("").to_owned();
                let ct = field.content_type().map(str::to_owned);
                match field.bytes().await {
                    Ok(b) => file = Some((name, ct, b)),
                    Err(e) => return page::internal(lang, &e),
                }
            }
            _ => {}
        }
    }
    // The token is checked before the file is looked at.
    if let Err(rejected) = csrf.verify(&submitted, lang) {
        return rejected.into_response();
    }
    let Some((file_name, content_type, body)) = file.filter(|(_, _, b)| !b.is_empty()) else {
        let mut r = lotse_web::html_page(&upload_page(
            &state,
            lang,
            &session,
            &csrf,
            Some(
                lang.t(
                    "Bitte wählen Sie eine nicht leere Datei aus.",
                    "Please choose a file that is not empty.",
                )
                .to_owned(),
            ),
            None,
        ));
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    };
    let format = format_of(&file_name, content_type.as_deref());
    if let Err((line, column, de, en)) = prepare(kind, body.to_vec(), format).await {
        let message = format!(
            "{} {line}, {} {column}: {}",
            lang.t(
                "Die Datei ist nicht lesbar; es wurde nichts gespeichert. Zeile",
                "The file cannot be read; nothing was stored. Line"
            ),
            lang.t("Spalte", "column"),
            lang.t(&de, &en)
        );
        let mut r = lotse_web::html_page(&upload_page(&state, lang, &session, &csrf, Some(message), None));
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    }
    let now = now_unix();
    let pending = PendingImport {
        id: generate_token_with_prefix("").expose().to_owned(),
        session_hash: session.0.id_hash.clone(),
        file_name: file_name.chars().take(200).collect(),
        kind,
        format: format_name(format).to_owned(),
        body: body.to_vec(),
        created_at: now,
        expires_at: now + i64::from(state.config.pending_import_minutes) * 60,
    };
    if let Err(e) = state.store.put_pending_import(&pending).await {
        return page::internal(lang, &e);
    }
    Redirect::to(&page::href(lang, &format!("/hochladen/{}", pending.id))).into_response()
}

#[derive(Template)]
#[template(path = "steward/report.html")]
struct ReportPage {
    chrome: Chrome,
    csrf: String,
    file_name: String,
    received: usize,
    valid: usize,
    rejected: usize,
    rows: Vec<ReportRow>,
    confirm_action: String,
    discard_action: String,
    upload_href: String,
    expires: String,
}

async fn load(
    state: &AppState,
    session: &StewardSession,
    id: &str,
) -> Result<Option<PendingImport>, crate::store::StoreError> {
    state.store.pending_import(id, &session.0.id_hash, now_unix()).await
}

fn gone(lang: Lang) -> Response {
    lotse_web::error_page(
        lang,
        StatusCode::NOT_FOUND,
        "Diese hochgeladene Datei gibt es nicht (mehr). Sie wurde bestätigt, verworfen oder ist abgelaufen. Bitte laden Sie sie erneut hoch.",
        "This uploaded file does not exist (any more): it was confirmed, discarded or has expired. Please upload it again.",
    )
}

/// `GET /hochladen/{id}`: the report of a pending upload, with the choices.
pub async fn show(
    State(state): State<AppState>,
    session: StewardSession,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = q.lang();
    let pending = match load(&state, &session, &id).await {
        Ok(Some(p)) => p,
        Ok(None) => return gone(lang),
        Err(e) => return page::internal(lang, &e),
    };
    let mut prepared = match prepare(pending.kind, pending.body.clone(), parse_format(&pending.format)).await
    {
        Ok(p) => p,
        Err((_, _, _, en)) => return page::internal(lang, &en),
    };
    if let Err(e) = check_references(&state, pending.kind, false, &mut prepared).await {
        return page::internal(lang, &e);
    }
    let path = format!("/hochladen/{id}");
    let chrome = page::chrome(
        &state,
        lang,
        "Prüfbericht",
        "Validation report",
        Some(Nav::Upload),
        Some(&session.0),
        &csrf,
        &path,
    );
    lotse_web::html_page(&ReportPage {
        chrome,
        csrf: csrf.as_str().to_owned(),
        file_name: pending.file_name,
        received: prepared.received,
        valid: prepared.upserts.len(),
        rejected: prepared.rejected.len(),
        rows: report::rows(lang, &prepared.findings),
        confirm_action: page::href(lang, &format!("{path}/bestaetigen")),
        discard_action: page::href(lang, &format!("{path}/verwerfen")),
        upload_href: page::href(lang, "/hochladen"),
        expires: page::when(pending.expires_at),
    })
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(rename = "_csrf", default)]
    pub csrf: String,
    /// `atomic` (default) or `partial` ("store only the valid records").
    #[serde(default)]
    pub mode: String,
}

#[derive(Template)]
#[template(path = "steward/result.html")]
struct ResultPage {
    chrome: Chrome,
    committed: bool,
    counts: String,
    rows: Vec<ReportRow>,
    import_href: Option<String>,
    upload_href: String,
    offers_href: String,
}

/// `POST /hochladen/{id}/bestaetigen`: runs the push on the kept file.
pub async fn confirm(
    State(state): State<AppState>,
    session: StewardSession,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    axum::Form(form): axum::Form<ConfirmForm>,
) -> Response {
    let lang = q.lang();
    if let Err(rejected) = csrf.verify(&form.csrf, lang) {
        return rejected.into_response();
    }
    let pending = match load(&state, &session, &id).await {
        Ok(Some(p)) => p,
        Ok(None) => return gone(lang),
        Err(e) => return page::internal(lang, &e),
    };
    // Taken first, so that a double click cannot import the file twice.
    match state.store.delete_pending_import(&id, &session.0.id_hash).await {
        Ok(true) => {}
        Ok(false) => return gone(lang),
        Err(e) => return page::internal(lang, &e),
    }
    let mode = if form.mode == "partial" { Mode::Partial } else { Mode::Atomic };
    let push = Push {
        kind: pending.kind,
        operation: Operation::Post,
        mode,
        format: parse_format(&pending.format),
        body: Bytes::from(pending.body),
    };
    // The page answers with the status the API gives the same push.
    let (report, status) = match push_as(&state, session.actor(), push).await {
        Ok(outcome) => (outcome.report, StatusCode::OK),
        Err(IngestError::Rejected(report)) => (*report, StatusCode::UNPROCESSABLE_ENTITY),
        Err(IngestError::Unparsable { report, .. }) => (*report, StatusCode::BAD_REQUEST),
        Err(e) => return page::internal(lang, &format!("push failed: {e}")),
    };
    let chrome = page::chrome(
        &state,
        lang,
        if report.committed { "Import gespeichert" } else { "Nichts gespeichert" },
        if report.committed { "Import stored" } else { "Nothing stored" },
        Some(Nav::Upload),
        Some(&session.0),
        &csrf,
        "/hochladen",
    );
    let mut r = lotse_web::html_page(&ResultPage {
        chrome,
        committed: report.committed,
        counts: report::counts_line(lang, &report),
        rows: report::rows(lang, &report.findings),
        import_href: report.import_id.map(|i| page::href(lang, &format!("/importe/{i}"))),
        upload_href: page::href(lang, "/hochladen"),
        offers_href: page::href(lang, "/angebote"),
    });
    *r.status_mut() = status;
    r
}

#[derive(Debug, Deserialize)]
pub struct DiscardForm {
    #[serde(rename = "_csrf", default)]
    pub csrf: String,
}

/// `POST /hochladen/{id}/verwerfen`
pub async fn discard(
    State(state): State<AppState>,
    session: StewardSession,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    axum::Form(form): axum::Form<DiscardForm>,
) -> Response {
    let lang = q.lang();
    if let Err(rejected) = csrf.verify(&form.csrf, lang) {
        return rejected.into_response();
    }
    if let Err(e) = state.store.delete_pending_import(&id, &session.0.id_hash).await {
        return page::internal(lang, &e);
    }
    Redirect::to(&page::href(lang, "/hochladen?verworfen=1")).into_response()
}
