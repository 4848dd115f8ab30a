//! `/importe`: the import log, newest first, and one entry with its report.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use lotse_web::csrf::CsrfToken;
use lotse_web::{Chrome, Lang};
use serde::Deserialize;

use super::page::{self, LangQuery, Nav};
use super::report::{self, ReportRow};
use super::session::StewardSession;
use crate::ingest::report::ImportReport;
use crate::state::AppState;
use crate::store::ImportRecord;

const PAGE_SIZE: u32 = 50;

/// One row of the log.
pub struct LogRow {
    pub id: i64,
    pub href: String,
    pub when: String,
    pub who: String,
    pub operation: String,
    pub format: String,
    pub mode: String,
    pub status: u16,
    /// "Ja"/"Nein" in words, not only a colour.
    pub committed: String,
    pub counts: String,
}

fn operation_label(lang: Lang, op: &str) -> String {
    match op {
        "post" => lang.t("Hinzufügen/Ändern", "Add/update"),
        "put_all" => lang.t("Gesamtliste", "Complete set"),
        "put_one" => lang.t("Ein Angebot speichern", "Save one offer"),
        "delete_one" => lang.t("Ein Angebot löschen", "Delete one offer"),
        other => other,
    }
    .to_owned()
}

fn mode_label(lang: Lang, mode: &str) -> String {
    match mode {
        "partial" => lang.t("nur gültige", "valid only"),
        _ => lang.t("alles oder nichts", "all or nothing"),
    }
    .to_owned()
}

fn counts_of(lang: Lang, r: &ImportRecord) -> String {
    let report = ImportReport {
        import_id: None,
        kind: r.kind.singular().to_owned(),
        operation: String::new(),
        mode: String::new(),
        format: None,
        committed: r.committed,
        standard_version: String::new(),
        counts: r.counts,
        rejected: Vec::new(),
        deleted_ids: Vec::new(),
        parse_error: None,
        findings: Vec::new(),
    };
    report::counts_line(lang, &report)
}

fn log_row(lang: Lang, r: &ImportRecord) -> LogRow {
    LogRow {
        id: r.id,
        href: page::href(lang, &format!("/importe/{}", r.id)),
        when: page::when(r.received_at),
        who: r.token_name.clone(),
        operation: operation_label(lang, &r.operation),
        format: r.format.clone().unwrap_or_default(),
        mode: mode_label(lang, &r.mode),
        status: r.status,
        committed: if r.committed { lang.t("Ja", "Yes") } else { lang.t("Nein", "No") }.to_owned(),
        counts: counts_of(lang, r),
    }
}

#[derive(Template)]
#[template(path = "steward/imports.html")]
struct LogPage {
    chrome: Chrome,
    rows: Vec<LogRow>,
    older_href: Option<String>,
    newest_href: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LogQuery {
    pub lang: Option<String>,
    /// Entries older than this id.
    pub vor: Option<i64>,
}

/// `GET /importe`
pub async fn list(
    State(state): State<AppState>,
    session: StewardSession,
    csrf: CsrfToken,
    Query(q): Query<LogQuery>,
) -> Response {
    let lang = page::lang(q.lang.as_deref());
    let records = match state.store.list_imports(q.vor, PAGE_SIZE).await {
        Ok(r) => r,
        Err(e) => return page::internal(lang, &e),
    };
    let older_href = (records.len() == PAGE_SIZE as usize)
        .then(|| records.last().map(|r| page::href(lang, &format!("/importe?vor={}", r.id))))
        .flatten();
    let path = match q.vor {
        Some(v) => format!("/importe?vor={v}"),
        None => "/importe".to_owned(),
    };
    let chrome = page::chrome(
        &state,
        lang,
        "Importprotokoll",
        "Import log",
        Some(Nav::Imports),
        Some(&session.0),
        &csrf,
        &path,
    );
    lotse_web::html_page(&LogPage {
        chrome,
        rows: records.iter().map(|r| log_row(lang, r)).collect(),
        older_href,
        newest_href: q.vor.map(|_| page::href(lang, "/importe")),
    })
}

#[derive(Template)]
#[template(path = "steward/import.html")]
struct EntryPage {
    chrome: Chrome,
    entry: LogRow,
    parse_error: Option<String>,
    rows: Vec<ReportRow>,
    back: String,
}

/// `GET /importe/{id}`
pub async fn show(
    State(state): State<AppState>,
    session: StewardSession,
    csrf: CsrfToken,
    Path(id): Path<i64>,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = q.lang();
    let record = match state.store.get_import(id).await {
        Ok(Some(r)) => r,
        Ok(None) => {
            return lotse_web::error_page(
                lang,
                StatusCode::NOT_FOUND,
                "Diesen Eintrag gibt es im Importprotokoll nicht.",
                "The import log has no such entry.",
            );
        }
        Err(e) => return page::internal(lang, &e),
    };
    let report: Option<ImportReport> = record.report.as_deref().and_then(|r| serde_json::from_str(r).ok());
    let parse_error = report.as_ref().and_then(|r| r.parse_error.as_ref()).map(|p| {
        format!(
            "{} {}, {} {}: {}",
            lang.t("Zeile", "Line"),
            p.line,
            lang.t("Spalte", "column"),
            p.column,
            lang.t(&p.message.de, &p.message.en)
        )
    });
    let rows = report.as_ref().map(|r| report::rows(lang, &r.findings)).unwrap_or_default();
    let path = format!("/importe/{id}");
    let title_de = format!("Import {id}");
    let chrome =
        page::chrome(&state, lang, &title_de, &title_de, Some(Nav::Imports), Some(&session.0), &csrf, &path);
    lotse_web::html_page(&EntryPage {
        chrome,
        entry: log_row(lang, &record),
        parse_error,
        rows,
        back: page::href(lang, "/importe"),
    })
}
