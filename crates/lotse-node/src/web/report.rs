//! A validation report as the rows of the report table, shared by the upload, the result of a
//! confirmed upload and the import log.

use lotse_web::Lang;

use super::form::{fix_text, severity_label};
use crate::ingest::report::{ImportReport, ReportFinding};

/// One row of the report table.
#[derive(Debug, Clone)]
pub struct ReportRow {
    /// 1-based, as a person counts.
    pub record: usize,
    /// The CSV line, empty for JSON.
    pub line: String,
    pub id: String,
    /// The CSV column's header, or the JSON pointer.
    pub field: String,
    /// `error`, `warning` or `notice`, for the style.
    pub severity: String,
    /// The severity in words.
    pub severity_label: String,
    pub message: String,
    pub fix: String,
}

pub fn rows(lang: Lang, findings: &[ReportFinding]) -> Vec<ReportRow> {
    findings
        .iter()
        .map(|f| ReportRow {
            record: f.record + 1,
            line: f.line.map(|l| l.to_string()).unwrap_or_default(),
            id: f.id.clone().unwrap_or_default(),
            field: f.column.clone().unwrap_or_else(|| f.pointer.clone()),
            severity: f.severity.clone(),
            severity_label: severity_label(lang, &f.severity),
            message: lang.t(&f.message.de, &f.message.en).to_owned(),
            fix: fix_text(lang, &f.code),
        })
        .collect()
}

/// The counts of a report in words, e.g. "3 gelesen, 2 neu, 1 abgelehnt".
pub fn counts_line(lang: Lang, report: &ImportReport) -> String {
    let c = &report.counts;
    let mut parts = vec![format!("{} {}", c.received, lang.t("gelesen", "read"))];
    for (n, de, en) in [
        (c.created, "neu", "created"),
        (c.updated, "geändert", "updated"),
        (c.unchanged, "unverändert", "unchanged"),
        (c.deleted, "gelöscht", "deleted"),
        (c.rejected, "abgelehnt", "rejected"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {}", lang.t(de, en)));
        }
    }
    parts.join(", ")
}
