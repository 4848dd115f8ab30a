//! Pushes: read, validate, store, log, ping.
//!
//! [`push`] is the whole pipeline behind the steward API and the steward pages. Reading and
//! validation run on the blocking pool (they are CPU work); storing runs in one transaction
//! together with the import-log entry, so a crash can never leave changes without their log
//! entry or the other way round. The hub is told afterwards, without waiting.
//!
//! A push ends in an [`IngestOutcome`] (stored, with its report) or an [`IngestError`] (nothing
//! stored, with the report where there is one). Both are domain types: the API turns them into
//! HTTP answers (`api::offers`), the steward pages into pages (`web`). The import log records
//! the status of the API's answer, so its numbers are kept here, in [`logged_status`].

mod references;
pub mod report;
pub mod validate;

use std::sync::mpsc;

use axum::body::Bytes;
use lotse_standard::STANDARD_VERSION;
use lotse_standard::date::Date;
use lotse_standard::read::{InputFormat, ParseError};
use lotse_standard::rpde::Kind;

use self::report::{ImportReport, ParseErrorView, Text};
use self::validate::Prepared;
use crate::state::AppState;
use crate::store::{Applied, ChangeSet, ImportCounts, NewImport, StoreError, TokenInfo, WriteOutcome};

/// What a push asks for, on the records of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// `POST /api/v1/{kind}`: create or update the records sent.
    Post,
    /// `PUT /api/v1/{kind}`: the records sent are the complete set of the kind; delete the rest.
    PutAll { allow_empty: bool },
    /// `PUT /api/v1/{kind}/{id}`: create or update one record.
    PutOne(String),
    /// `DELETE /api/v1/{kind}/{id}`.
    DeleteOne(String),
}

impl Operation {
    pub fn as_str(&self) -> &'static str {
        match self {
            Operation::Post => "post",
            Operation::PutAll { .. } => "put_all",
            Operation::PutOne(_) => "put_one",
            Operation::DeleteOne(_) => "delete_one",
        }
    }
}

/// Whether one bad record stops the whole push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Nothing is stored if any record has an error (the default).
    #[default]
    Atomic,
    /// Valid records are stored; the others are reported.
    Partial,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Atomic => "atomic",
            Mode::Partial => "partial",
        }
    }
}

/// One push as received.
#[derive(Debug)]
pub struct Push {
    /// The kind of the records pushed.
    pub kind: Kind,
    pub operation: Operation,
    pub mode: Mode,
    pub format: InputFormat,
    pub body: Bytes,
}

/// Current time in Unix seconds.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Who pushes, as the import log records it.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The token, when the push came with one (API or a token session of the steward pages).
    pub token_id: Option<i64>,
    pub name: String,
}

impl From<&TokenInfo> for Actor {
    fn from(token: &TokenInfo) -> Self {
        Self { token_id: Some(token.id), name: token.name.clone() }
    }
}

/// A push that was stored (also one that changed nothing), with its report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestOutcome {
    pub report: ImportReport,
    /// The push was [`Operation::PutOne`] and the record did not exist before.
    pub created: bool,
}

/// Why a push stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Records with errors in an atomic push (or the one record of [`Operation::PutOne`]): the
    /// report, logged, lists them.
    #[error("{} records have errors; nothing was stored", .0.counts.rejected)]
    Rejected(Box<ImportReport>),
    /// The body cannot be read at all: where and why, and the logged report (which holds the
    /// same in `parse_error`).
    #[error("line {}, column {}: {}", .error.line, .error.column, .error.message.en)]
    Unparsable { error: ParseErrorView, report: Box<ImportReport> },
    /// A complete set without any record, which would delete every record of the kind, sent
    /// without `allow_empty`. Not logged.
    #[error("an empty complete set would delete every record of the kind")]
    EmptySet,
    /// [`Operation::DeleteOne`] of a record that is not live; the logged report.
    #[error("the record {id:?} was not found")]
    NotFound { id: String, report: Box<ImportReport> },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Reading and validating on the blocking pool did not finish (a panic).
    #[error("validation did not finish: {0}")]
    Validation(#[from] tokio::task::JoinError),
}

/// The HTTP status of the API's answer to each ending of a push, as the import log records it
/// (`imports.status`). A created record is logged as 200, though the API answers 201.
pub mod logged_status {
    pub const STORED: u16 = 200;
    pub const UNPARSABLE: u16 = 400;
    pub const NOT_FOUND: u16 = 404;
    pub const REJECTED: u16 = 422;
}

/// Runs a push for a token.
pub async fn push(state: &AppState, token: &TokenInfo, push: Push) -> Result<IngestOutcome, IngestError> {
    push_as(state, Actor::from(token), push).await
}

/// [`push`] for any [`Actor`]; the steward pages use it for accounts with a password.
// The span names neither the actor (an account name is personal data) nor the body.
#[tracing::instrument(
    level = "debug",
    name = "ingest",
    skip_all,
    fields(kind = %push.kind, operation = push.operation.as_str())
)]
pub async fn push_as(state: &AppState, actor: Actor, push: Push) -> Result<IngestOutcome, IngestError> {
    let now = now_unix();
    let Push { kind, operation, mode, format, body } = push;
    let mut report = ImportReport {
        import_id: None,
        kind: kind.singular().to_owned(),
        operation: operation.as_str().to_owned(),
        mode: mode.as_str().to_owned(),
        format: None,
        committed: false,
        standard_version: STANDARD_VERSION.to_owned(),
        counts: ImportCounts::default(),
        rejected: Vec::new(),
        deleted_ids: Vec::new(),
        parse_error: None,
        findings: Vec::new(),
    };
    let Actor { token_id, name: token_name } = actor;
    let entry = move |report: &ImportReport, status: u16| NewImport {
        kind,
        token_id,
        token_name: token_name.clone(),
        received_at: now,
        operation: report.operation.clone(),
        mode: report.mode.clone(),
        format: report.format.clone(),
        status,
        committed: report.committed,
        counts: report.counts,
        report: serde_json::to_string(report).unwrap_or_default(),
    };

    if let Operation::DeleteOne(id) = operation {
        let changes = ChangeSet { deletes: vec![id.clone()], now, ..ChangeSet::default() };
        let (applied, report) = apply_logged(state, kind, changes, report, entry).await?;
        return if applied.deletes.first() == Some(&WriteOutcome::Deleted) {
            Ok(IngestOutcome { report, created: false })
        } else {
            Err(IngestError::NotFound { id, report: Box::new(report) })
        };
    }

    let today = Date::from_unix_seconds(now);
    let path_id = match &operation {
        Operation::PutOne(id) => Some(id.clone()),
        _ => None,
    };
    let prepared = tokio::task::spawn_blocking(move || match path_id {
        Some(id) => validate::prepare_one(kind, &body, format, today, &id),
        None => validate::prepare(kind, &body, format, today),
    })
    .await?;

    let mut prepared = match prepared {
        Ok(p) => p,
        Err(e) => return Err(unparsable(state, report, e, entry).await),
    };
    let replacing = matches!(operation, Operation::PutAll { .. });
    check_references(state, kind, replacing, &mut prepared).await?;
    let Prepared { format: read_as, received, upserts, rejected, findings, .. } = prepared;
    report.format = read_as.map(|f| f.as_str().to_owned());
    report.counts.received = count(received);
    report.counts.rejected = count(rejected.len());
    state.metrics.rejected.inc_by(&[], rejected.len() as u64);
    let put_one_id = match &operation {
        Operation::PutOne(id) => Some(id.clone()),
        _ => None,
    };
    if let Some(id) = &put_one_id
        && let Some(w) = upserts.first().filter(|w| &w.id != id)
    {
        {
            let message = Text {
                de: format!("Die ID im Datensatz („{}“) passt nicht zur Adresse („{id}“).", w.id),
                en: format!("The id in the record (\"{}\") does not match the address (\"{id}\").", w.id),
            };
            report.findings = findings;
            report.findings.push(report::ReportFinding {
                record: 0,
                id: Some(w.id.clone()),
                severity: "error".into(),
                code: "id_mismatch".into(),
                pointer: "/id".into(),
                line: None,
                column: None,
                message,
            });
            report.counts.rejected = 1;
            report.rejected.push(report::RejectedRecord { index: 0, id: Some(w.id.clone()) });
            return Err(reject(state, report, entry).await);
        }
    }
    report.findings = findings;
    report.rejected = rejected;
    let atomic = mode == Mode::Atomic || put_one_id.is_some();
    if !report.rejected.is_empty() && atomic {
        return Err(reject(state, report, entry).await);
    }
    if let Operation::PutAll { allow_empty: false } = operation
        && received == 0
    {
        return Err(IngestError::EmptySet);
    }
    let replace_all = matches!(operation, Operation::PutAll { .. })
        .then(|| report.rejected.iter().filter_map(|r| r.id.clone()).collect());
    let changes = ChangeSet { upserts, deletes: Vec::new(), replace_all, now };
    let (applied, report) = apply_logged(state, kind, changes, report, entry).await?;
    let created = put_one_id.is_some() && applied.upserts.first() == Some(&WriteOutcome::Created);
    Ok(IngestOutcome { report, created })
}

/// The checks of references against the store on records read and validated by
/// [`validate::prepare`]: warnings for references that name nothing on this node, and the
/// rejection of organizations on a `part_of` cycle. A push runs them before storing, and the
/// upload report before showing, so the report shows what the confirmation will do.
pub async fn check_references(
    state: &AppState,
    kind: Kind,
    replacing: bool,
    prepared: &mut Prepared,
) -> Result<(), StoreError> {
    references::check(state.store.as_ref(), &state.config.node_id, kind, replacing, prepared).await
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Applies the changes together with their import-log entry, counts, notifies the pinger.
async fn apply_logged(
    state: &AppState,
    kind: Kind,
    changes: ChangeSet,
    report: ImportReport,
    entry: impl FnOnce(&ImportReport, u16) -> NewImport + Send + 'static + Clone,
) -> Result<(Applied, ImportReport), IngestError> {
    // The report is completed inside the transaction, from the outcome, and handed back here.
    let (tx, rx) = mpsc::sync_channel::<ImportReport>(1);
    let deleting_one = report.operation == "delete_one";
    let builder = Box::new(move |applied: &Applied| {
        let mut report = report;
        report.committed = true;
        report.counts.created = count(applied.count(WriteOutcome::Created));
        report.counts.updated = count(applied.count(WriteOutcome::Updated));
        report.counts.unchanged = count(applied.count(WriteOutcome::Unchanged));
        report.counts.deleted = count(applied.count(WriteOutcome::Deleted));
        report.deleted_ids = applied.replaced_away.clone();
        let status = if deleting_one && applied.deletes.first() == Some(&WriteOutcome::NotFound) {
            logged_status::NOT_FOUND
        } else {
            logged_status::STORED
        };
        let e = entry(&report, status);
        let _ = tx.send(report);
        e
    });
    let (applied, import_id) = state.store.apply(kind, changes, Some(builder)).await?;
    let mut report = rx
        .try_recv()
        .map_err(|_| StoreError::Inconsistent("the store did not build the import-log entry".into()))?;
    report.import_id = import_id;
    let ingested = &state.metrics.ingested;
    for (outcome, counter) in [
        (WriteOutcome::Created, &ingested.created),
        (WriteOutcome::Updated, &ingested.updated),
        (WriteOutcome::Unchanged, &ingested.unchanged),
        (WriteOutcome::Deleted, &ingested.deleted),
    ] {
        counter.inc_by(applied.count(outcome) as u64);
    }
    if applied.changes() > 0 {
        state.pinger.changed(kind, applied.last_change);
    }
    Ok((applied, report))
}

/// A push with rejected records: logged, nothing stored.
async fn reject(
    state: &AppState,
    mut report: ImportReport,
    entry: impl FnOnce(&ImportReport, u16) -> NewImport,
) -> IngestError {
    match state.store.record_import(entry(&report, logged_status::REJECTED)).await {
        Ok(id) => report.import_id = Some(id),
        Err(e) => return e.into(),
    }
    IngestError::Rejected(Box::new(report))
}

/// A body that cannot be read at all: logged, with the position.
async fn unparsable(
    state: &AppState,
    mut report: ImportReport,
    e: ParseError,
    entry: impl FnOnce(&ImportReport, u16) -> NewImport,
) -> IngestError {
    let error = ParseErrorView {
        line: e.line,
        column: e.column,
        message: Text { de: e.message.de, en: e.message.en },
    };
    report.parse_error = Some(error.clone());
    match state.store.record_import(entry(&report, logged_status::UNPARSABLE)).await {
        Ok(id) => report.import_id = Some(id),
        Err(err) => return err.into(),
    }
    IngestError::Unparsable { error, report: Box::new(report) }
}
