//! `lotse validate`: checks files against the standard and reports findings.
//!
//! Exit codes: 0 when no record has an error, 1 when any record has an error, 2 when a file
//! cannot be read or parsed at all.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use lotse_standard::date::Date;
use lotse_standard::read::{InputFormat, records};
use lotse_standard::validate::{Batch, Validator};
use lotse_standard::{Finding, Message, Severity};
use serde::Serialize;

#[derive(clap::Args)]
pub struct Args {
    /// Dateien (JSON, NDJSON, CSV); `-` liest von der Standardeingabe / files; `-` reads stdin.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Ausgabeformat / output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// Sprache der Textausgabe / language of the text output.
    #[arg(long, value_enum, default_value_t = Lang::De)]
    lang: Lang,
    /// Eingabeformat statt Erkennung am Inhalt / input format instead of sniffing.
    #[arg(long, value_enum, default_value_t = Input::Auto)]
    input: Input,
    /// Stichtag der Prüfung (JJJJ-MM-TT), sonst heute / reference date, default today.
    #[arg(long, value_parser = parse_date)]
    today: Option<Date>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum OutputFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
enum Lang {
    De,
    En,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Input {
    Auto,
    Json,
    Ndjson,
    Csv,
}

pub fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse_iso(s).ok_or_else(|| format!("kein Datum JJJJ-MM-TT / not a date YYYY-MM-DD: {s}"))
}

#[derive(Serialize)]
struct Report {
    files: Vec<FileReport>,
}

#[derive(Serialize)]
struct FileReport {
    path: String,
    format: &'static str,
    records: usize,
    valid: usize,
    errors: usize,
    warnings: usize,
    findings: Vec<RecordFinding>,
    /// Set when the file could not be read or parsed at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<Failure>,
}

#[derive(Serialize)]
struct Failure {
    line: u64,
    column: u64,
    message: Message,
}

#[derive(Serialize)]
struct RecordFinding {
    record: usize,
    id: Option<String>,
    #[serde(flatten)]
    finding: Finding,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let validator = Validator::new(args.today.unwrap_or_else(Date::today_utc));
    let input = match args.input {
        Input::Auto => InputFormat::Auto,
        Input::Json => InputFormat::Json,
        Input::Ndjson => InputFormat::Ndjson,
        Input::Csv => InputFormat::Csv,
    };
    let mut reports = Vec::new();
    for path in &args.files {
        reports.push(check_file(&validator, path, input));
    }
    let failed = reports.iter().any(|r| r.failure.is_some());
    let invalid = reports.iter().any(|r| r.errors > 0);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &Report { files: reports })?;
            writeln!(out)?;
        }
        OutputFormat::Text => write_text(&mut out, &reports, args.lang)?,
    }
    out.flush()?;
    Ok(ExitCode::from(if failed {
        2
    } else if invalid {
        1
    } else {
        0
    }))
}

fn check_file(validator: &Validator<'_>, path: &PathBuf, input: InputFormat) -> FileReport {
    let display = path.display().to_string();
    let mut report = FileReport {
        path: display,
        format: input.as_str(),
        records: 0,
        valid: 0,
        errors: 0,
        warnings: 0,
        findings: Vec::new(),
        failure: None,
    };
    let bytes = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map(|_| buf)
    } else {
        std::fs::read(path)
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            report.failure = Some(Failure {
                line: 0,
                column: 0,
                message: Message::new(
                    format!("Datei nicht lesbar: {e}"),
                    format!("File cannot be read: {e}"),
                ),
            });
            return report;
        }
    };
    let (format, iter) = match records(&bytes, input) {
        Ok(x) => x,
        Err(e) => {
            report.failure = Some(Failure { line: e.line, column: e.column, message: e.message });
            return report;
        }
    };
    report.format = format.as_str();
    let mut batch = Batch::default();
    for (index, record) in iter.enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                report.failure = Some(Failure { line: e.line, column: e.column, message: e.message });
                return report;
            }
        };
        let r = batch.validate(validator, index, record);
        report.records += 1;
        if r.has_errors() {
            report.errors += 1;
        } else {
            report.valid += 1;
        }
        if r.count(Severity::Warning) > 0 {
            report.warnings += 1;
        }
        for finding in r.findings {
            report.findings.push(RecordFinding { record: index, id: r.id.clone(), finding });
        }
    }
    report
}

fn write_text(out: &mut impl Write, reports: &[FileReport], lang: Lang) -> std::io::Result<()> {
    let en = lang == Lang::En;
    let msg = |m: &Message| if en { m.en.clone() } else { m.de.clone() };
    for r in reports {
        writeln!(out, "{} ({})", r.path, r.format)?;
        if let Some(f) = &r.failure {
            let (l, c) = if en { ("line", "column") } else { ("Zeile", "Spalte") };
            writeln!(out, "  {l} {}, {c} {}: {}", f.line, f.column, msg(&f.message))?;
            continue;
        }
        let mut current: Option<usize> = None;
        for rf in &r.findings {
            if current != Some(rf.record) {
                current = Some(rf.record);
                let label = if en { "Record" } else { "Datensatz" };
                let id = rf.id.as_deref().unwrap_or("–");
                writeln!(out, "  {label} {} (id {id}):", rf.record + 1)?;
            }
            let f = &rf.finding;
            let sev = match (f.severity, en) {
                (Severity::Error, false) => "Fehler",
                (Severity::Warning, false) => "Warnung",
                (Severity::Notice, false) => "Hinweis",
                (s, true) => s.as_str(),
            };
            let place = match (&f.line, &f.column) {
                (Some(l), Some(c)) => format!(" [{} {l}, {c}]", if en { "line" } else { "Zeile" }),
                (Some(l), None) => format!(" [{} {l}]", if en { "line" } else { "Zeile" }),
                _ => String::new(),
            };
            let pointer = if f.pointer.is_empty() { "/" } else { &f.pointer };
            writeln!(out, "    {sev:<8} {:<28} {pointer}{place}: {}", f.code.as_str(), msg(&f.message))?;
        }
        let summary = if en {
            format!(
                "  {} records: {} valid, {} with errors, {} with warnings",
                r.records, r.valid, r.errors, r.warnings
            )
        } else {
            format!(
                "  {} Datensätze: {} gültig, {} mit Fehlern, {} mit Warnungen",
                r.records, r.valid, r.errors, r.warnings
            )
        };
        writeln!(out, "{summary}")?;
    }
    Ok(())
}
