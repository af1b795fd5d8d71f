//! Importing spreadsheets (XLSX, ODS, CSV) into a project: a dry run that
//! names every row's outcome (created, updated, unchanged, refused with a
//! code on a named column), then a confirmation that stores exactly that.
//!
//! - **Same rules as the forms**: every row group is written by the write
//!   services the API's mutations use (`events::create`/`update`,
//!   `figures::set_service_counts`, `setup::indicators::record_indicator_values`),
//!   so validation, scope, period locks, declared categories, audit, change
//!   feed and protection refresh are theirs. Each group runs in a savepoint
//!   of one write transaction: a refused group leaves no trace, and the
//!   transaction is rolled back after a dry run.
//! - **Exactly once**: rows carry natural keys (an event is its start date and
//!   title; a service count its centre, month and cell; an indicator value its
//!   indicator, period and breakdown), so a second import of the same rows
//!   updates or leaves them unchanged and never adds a copy. A confirmation
//!   runs under an idempotency key ([`run_idempotent`]): a retry after a lost
//!   answer replays the stored outcome.
//! - **Whole or nothing**: a confirmation commits the whole file in one
//!   transaction, or nothing when any row is refused.
//! - **Bound to what was previewed**: the preview's token is a digest of the
//!   file, the project, the kind and the data version ([`crate::data_version`]);
//!   a confirmation whose token no longer matches (the data changed since the
//!   preview) is refused with `CONFLICT`, and the client previews again.
//! - **Audit names the import and the row**: each group's audit entries carry
//!   `import <file digest> <sheet> rows <lines>` as their request id, and the
//!   confirmation adds an `import.apply` entry with the file's digest and totals.
//!
//! Known limit: the dry run holds the write lock while it runs (it writes in
//! a transaction it then rolls back), so on SQLite other writers wait for it.

pub mod iati;
pub mod parse;
mod plan;
pub mod read;
pub mod template;

use std::collections::BTreeMap;

use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    Actor, Outcome, ServiceError, ServiceResult, UserError, UserErrorCode, audit_in_project,
    editable_project, run_idempotent,
};

pub use plan::columns;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Events with their attendance grid (one row per event and cell).
    Events,
    /// Monthly service counts by type × channel × stage × cell.
    ServiceCounts,
    /// Entered indicator values per period, whole or broken down.
    IndicatorValues,
}

impl Kind {
    /// Every kind.
    pub const ALL: &'static [Kind] = &[Kind::Events, Kind::ServiceCounts, Kind::IndicatorValues];

    /// The code used in URLs and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Events => "events",
            Kind::ServiceCounts => "service_counts",
            Kind::IndicatorValues => "indicator_values",
        }
    }

    /// Parses a code (`events`, `service-counts`, `service_counts` …).
    pub fn from_code(code: &str) -> Option<Kind> {
        let code = code.trim().replace('-', "_");
        Kind::ALL.iter().copied().find(|k| k.code() == code)
    }
}

/// What the import did, or would do, with one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RowStatus {
    /// A new record.
    Created,
    /// A stored record whose values change.
    Updated,
    /// A stored record that already holds these values.
    Unchanged,
    /// Not imported: see the row's errors.
    Refused,
}

/// A problem of one row, on one column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The column at fault (its key, e.g. `start_date`), empty for the row as a whole.
    pub column: String,
    /// Machine-readable code (`INVALID`, `AMBIGUOUS`, `REQUIRED`, `NOT_FOUND`,
    /// `DUPLICATE_ROW`, or a write service's code such as `PERIOD_LOCKED`).
    pub code: String,
    /// What is wrong.
    pub message: String,
}

/// One row's outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RowReport {
    /// The row's line in the sheet.
    pub line: u32,
    /// What happens to it.
    pub status: RowStatus,
    /// Its natural key, as text (what makes it the same row next time).
    pub key: String,
    /// Why it is refused.
    pub errors: Vec<RowError>,
}

/// Rows by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// New rows.
    pub created: usize,
    /// Changed rows.
    pub updated: usize,
    /// Rows already stored as they are.
    pub unchanged: usize,
    /// Rows not imported.
    pub refused: usize,
}

/// The report of a preview (or of a confirmation, without the rows).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// The file's kind.
    pub kind: Kind,
    /// The sheet read.
    pub sheet: String,
    /// SHA-256 of the file, hex.
    pub file_sha256: String,
    /// The data version the preview was computed on.
    pub data_version: i64,
    /// The token a confirmation must present (file, project, kind, data version).
    pub token: String,
    /// Rows by outcome.
    pub totals: Totals,
    /// Every row's outcome, in file order.
    pub rows: Vec<RowReport>,
    /// True when the rows were stored (a confirmation), false for a preview.
    pub stored: bool,
}

/// Why an import cannot run at all.
#[derive(Debug)]
pub enum ImportError {
    /// The file cannot be read (see [`read::FileProblem`]).
    File(read::FileProblem),
    /// The project or the caller's rights, the token, or a refused row.
    User(Vec<UserError>),
    /// A database fault.
    Db(DbErr),
}

impl From<DbErr> for ImportError {
    fn from(e: DbErr) -> Self {
        Self::Db(e)
    }
}

impl From<ServiceError> for ImportError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::User(u) => Self::User(u),
            ServiceError::Db(d) => Self::Db(d),
        }
    }
}

/// Progress callback: rows done, rows in all.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// A file read and matched to a kind, ready to preview or confirm.
pub struct Prepared {
    kind: Kind,
    sheet: read::Sheet,
    digest: String,
}

impl Prepared {
    /// The kind found.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The file's SHA-256, hex.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Data rows in the sheet.
    pub fn rows(&self) -> usize {
        self.sheet.rows.len()
    }
}

/// Reads a file and finds the sheet of `kind` (or, without a kind, the
/// first visible sheet whose header fits one).
pub fn prepare(bytes: &[u8], kind: Option<Kind>) -> Result<Prepared, ImportError> {
    let digest: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let (_, sheets) = read::read(bytes).map_err(ImportError::File)?;
    let kinds: Vec<Kind> = kind.map_or_else(|| Kind::ALL.to_vec(), |k| vec![k]);
    // The sheet is moved, not copied: a 50,000-row sheet is held once.
    if let Some((kind, sheet)) = sheets.into_iter().find_map(|sheet| {
        kinds
            .iter()
            .copied()
            .find(|&k| plan::header_fits(k, &sheet.header))
            .map(|k| (k, sheet))
    }) {
        return Ok(Prepared {
            kind,
            sheet,
            digest,
        });
    }
    let wanted: Vec<String> = kinds
        .iter()
        .map(|k| {
            format!(
                "{}: {}",
                k.code(),
                plan::columns(*k)
                    .iter()
                    .filter(|c| c.required)
                    .map(|c| c.key)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    Err(ImportError::File(read::FileProblem {
        code: "NO_SHEET",
        message: format!(
            "no visible sheet has the columns of an import ({}); download the template and keep its header row",
            wanted.join("; ")
        ),
    }))
}

fn token(digest: &str, project_id: i32, kind: Kind, version: i64) -> String {
    let d = Sha256::digest(format!(
        "{digest}\n{project_id}\n{}\n{version}",
        kind.code()
    ));
    d.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

fn totals(rows: &[RowReport]) -> Totals {
    let mut t = Totals::default();
    for r in rows {
        match r.status {
            RowStatus::Created => t.created += 1,
            RowStatus::Updated => t.updated += 1,
            RowStatus::Unchanged => t.unchanged += 1,
            RowStatus::Refused => t.refused += 1,
        }
    }
    t
}

/// Runs the import in `txn` (never commits it): the rows' outcomes.
async fn run(
    txn: &DatabaseTransaction,
    actor: &Actor,
    project_id: i32,
    file: &Prepared,
    progress: Progress<'_>,
) -> ServiceResult<Vec<RowReport>> {
    let project = editable_project(txn, &actor.viewer, project_id, &["project"]).await?;
    let tag = format!("import {} {}", &file.digest[..12], file.sheet.name);
    plan::run(txn, actor, &project, file.kind, &file.sheet, &tag, progress).await
}

/// A dry run: every row's outcome, nothing stored.
pub async fn preview(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: i32,
    file: &Prepared,
    progress: Progress<'_>,
) -> Result<Report, ImportError> {
    if actor.viewer.actor_key().is_none() {
        return Err(ImportError::User(vec![UserError::new(
            &[],
            UserErrorCode::Unauthenticated,
            "log in to import",
        )]));
    }
    let txn = crate::db::begin_write(db).await?;
    let version = crate::data_version::current(&txn).await?;
    let outcome = run(&txn, actor, project_id, file, progress).await;
    txn.rollback().await?;
    let rows = outcome?;
    Ok(Report {
        kind: file.kind,
        sheet: file.sheet.name.clone(),
        file_sha256: file.digest.clone(),
        data_version: version,
        token: token(&file.digest, project_id, file.kind, version),
        totals: totals(&rows),
        rows,
        stored: false,
    })
}

/// What an idempotency key is bound to for a confirmation.
#[derive(Serialize)]
struct ConfirmBody<'a> {
    project_id: i32,
    kind: Kind,
    file_sha256: &'a str,
    token: &'a str,
}

/// Stores the previewed file: refused when `token` is not the one a preview
/// of this file gives now (`CONFLICT`: the data changed, preview again) or
/// when any row is refused; otherwise every row is written in one
/// transaction. The outcome's `detail` holds the report without its rows;
/// a retry with the same key and file replays it.
pub async fn confirm(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: i32,
    file: &Prepared,
    preview_token: &str,
    idempotency_key: &str,
    progress: Progress<'_>,
) -> Result<Outcome, DbErr> {
    let body = ConfirmBody {
        project_id,
        kind: file.kind,
        file_sha256: &file.digest,
        token: preview_token,
    };
    run_idempotent(db, actor, "importSpreadsheet", idempotency_key, &body, async |txn| {
        let version = crate::data_version::current(txn).await?;
        if token(&file.digest, project_id, file.kind, version) != preview_token.trim() {
            return Err(UserError::new(
                &["token"],
                UserErrorCode::Conflict,
                "the data changed since this preview (or the token belongs to another file): preview the file again, then confirm",
            )
            .into());
        }
        let rows = run(txn, actor, project_id, file, progress).await?;
        let t = totals(&rows);
        if t.refused > 0 {
            return Err(UserError::new(
                &["file"],
                UserErrorCode::Invalid,
                format!("{} rows are refused: fix them and preview again; nothing was stored", t.refused),
            )
            .into());
        }
        let report = Report {
            kind: file.kind,
            sheet: file.sheet.name.clone(),
            file_sha256: file.digest.clone(),
            data_version: version,
            token: preview_token.to_string(),
            totals: t,
            rows: Vec::new(),
            stored: true,
        };
        audit_in_project(
            txn,
            actor,
            "import.apply",
            ("project", Some(project_id)),
            Some(project_id),
            None,
            super::snapshot(&report),
        )
        .await?;
        Ok(Outcome {
            id: Some(project_id),
            detail: super::snapshot(&report),
            ..Outcome::default()
        })
    })
    .await
}

/// Lines of a group as text for audit request ids (`5, 6, 9` or `5–9`).
fn lines_text(lines: &[u32]) -> String {
    match lines {
        [] => String::new(),
        [one] => one.to_string(),
        _ if lines.windows(2).all(|w| w[1] == w[0] + 1) => {
            format!("{}–{}", lines[0], lines[lines.len() - 1])
        }
        _ => {
            let mut s: Vec<String> = lines.iter().take(20).map(u32::to_string).collect();
            if lines.len() > 20 {
                s.push("…".into());
            }
            s.join(", ")
        }
    }
}

/// The screaming-snake code of a service error (`PeriodLocked` → `PERIOD_LOCKED`).
fn code_text(code: UserErrorCode) -> String {
    let name = format!("{code:?}");
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}

/// A column key from a service's field path segment (`startDate` → `start_date`).
fn snake(segment: &str) -> String {
    let mut out = String::new();
    for ch in segment.chars() {
        if ch.is_uppercase() {
            out.push('_');
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// Per-line errors, collected while planning.
type LineErrors = BTreeMap<u32, Vec<RowError>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_names_rows_compactly() {
        assert_eq!(lines_text(&[5]), "5");
        assert_eq!(lines_text(&[5, 6, 7]), "5–7");
        assert_eq!(lines_text(&[5, 9]), "5, 9");
    }

    #[test]
    fn service_codes_read_as_in_graphql() {
        assert_eq!(code_text(UserErrorCode::PeriodLocked), "PERIOD_LOCKED");
        assert_eq!(snake("startDate"), "start_date");
    }
}
