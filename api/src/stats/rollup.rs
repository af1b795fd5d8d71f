//! The attendance rollup (`attendance_rollup`, issue 19): the cells of
//! counted events summed per programme, district, period, event kind and
//! cell (sex × age band × disability × category), with the measures
//! publication needs, so statistics over those dimensions read tens of
//! thousands of rows instead of a million cells joined to their events.
//!
//! Every measure of [`crate::disclosure::sql::measures`] is a sum, a count
//! or a maximum over the cells of a group, and every one of these
//! dimensions is constant over a rollup row, so a group of rollup rows
//! publishes exactly what the same group of cells does ([`super::aggregate`]
//! chooses the rollup only then; a test compares the two paths on every
//! grouping). The viewer's raw projects are applied per row, as over the
//! per-event summaries: a rollup row belongs to one programme.
//!
//! A row is a pure function of the cells of one *bucket* (programme,
//! district, month, quarter, year), so a write rewrites the buckets its
//! events were in and are in now ([`refresh`], in the write's transaction,
//! after the per-event summaries it reads); [`sync`] rebuilds the table at
//! start when it does not add up to the summaries, and [`mismatches`]
//! compares it with a fresh computation (the tests run it after every kind
//! of write). On PostgreSQL, writers of one programme lock its row first
//! ([`buckets_of`]), so two transactions never rewrite a bucket from
//! snapshots that miss each other's cells; SQLite has one writer.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, QueryResult, Statement};

use super::sql::{Sql, int_at, text_at};
use crate::disclosure::sql::{self as dsql, Facts};

/// The grain, over `attendance at`, `events e` and `event_summaries ed`.
const GRAIN: &str = "e.project_id, ed.district_id, ed.month, ed.quarter, ed.year, e.kind, \
                     at.sex, at.age_band, at.disability, at.category";

/// The table's columns, in the order [`select`] gives them.
const COLUMNS: &str = "project_id, district_id, month, quarter, year, kind, sex, age_band, \
                       disability, category, total, unknown, rounded, slack, class_rank, \
                       unknown_class_rank, illustrative, cells";

/// Above this many buckets, a refresh rewrites whole programmes instead.
const MAX_BUCKETS: usize = 64;

/// The rows one write may change: a programme's cells in one district and
/// period (NULLs are values: an event over several months has no month).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bucket {
    project: i32,
    district: Option<i32>,
    month: Option<String>,
    quarter: Option<String>,
    year: Option<String>,
}

impl Bucket {
    fn read(row: &QueryResult, from: usize) -> Result<Self, DbErr> {
        Ok(Self {
            project: int_at(row, from)? as i32,
            district: row.try_get_by_index::<Option<i32>>(from + 1).or_else(|_| {
                row.try_get_by_index::<Option<i64>>(from + 1)
                    .map(|v| v.map(|v| v as i32))
            })?,
            month: text_at(row, from + 2)?,
            quarter: text_at(row, from + 3)?,
            year: text_at(row, from + 4)?,
        })
    }
}

/// `SELECT` of fresh rollup rows for the counted events' cells matching
/// `filter` (over `e`, `ed`, `at`), in [`COLUMNS`] order: the disclosure
/// rule's measures for a viewer without raw access.
fn select(filter: &str) -> String {
    let measures = dsql::measures(Facts::Attendance, "1 = 0", false);
    format!(
        "SELECT project_id, district_id, month, quarter, year, kind, sex, age_band, disability, \
           category, m_total, m_unknown, m_rounded, m_slack, m_class, m_unknown_class, \
           m_illustrative = 1, m_cells FROM (\
         SELECT {GRAIN}, {measures} FROM attendance at JOIN events e ON e.id = at.event_id \
         JOIN event_summaries ed ON ed.event_id = e.id \
         WHERE e.status <> 'cancelled' AND ({filter}) GROUP BY {GRAIN}) x"
    )
}

/// NULL-safe equality on each engine.
fn same(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Postgres => "IS NOT DISTINCT FROM",
        _ => "IS",
    }
}

/// `(bucket = … OR …)` over the columns `prefix.project_id`…, with bound values.
fn bucket_filter(q: &mut Sql, buckets: &BTreeSet<Bucket>, project: &str, other: &str) {
    let is = same(q.backend());
    q.push("(");
    for (i, b) in buckets.iter().enumerate() {
        if i > 0 {
            q.push(" OR ");
        }
        q.push(&format!("({project}project_id = ")).param(b.project);
        q.push(&format!(" AND {other}district_id {is} "))
            .param(b.district);
        q.push(&format!(" AND {other}month {is} "))
            .param(b.month.clone());
        q.push(&format!(" AND {other}quarter {is} "))
            .param(b.quarter.clone());
        q.push(&format!(" AND {other}year {is} "))
            .param(b.year.clone())
            .push(")");
    }
    q.push(")");
}

async fn run(db: &impl ConnectionTrait, q: Sql) -> Result<u64, DbErr> {
    let backend = q.backend();
    let (text, values) = q.into_parts();
    Ok(db
        .execute_raw(Statement::from_sql_and_values(backend, text, values))
        .await?
        .rows_affected())
}

fn ids_sql(ids: &[i32]) -> String {
    // Ids are i32s written as numbers: nothing a client types.
    ids.iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The programme of each of the events `ids` and the bucket each is in now
/// (none for an event without a summary yet). On PostgreSQL it also locks
/// the programmes' rows against other rollup writers (`FOR NO KEY UPDATE`,
/// which foreign-key checks do not wait for), held to the end of the
/// caller's transaction, so two writers never rewrite a bucket from
/// snapshots that miss each other's cells.
pub async fn buckets_of(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<(BTreeMap<i32, i32>, BTreeSet<Bucket>), DbErr> {
    let backend = db.get_database_backend();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let lock = match backend {
        DatabaseBackend::Postgres => " FOR NO KEY UPDATE OF p",
        _ => "",
    };
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            format!(
                "SELECT e.project_id, s.district_id, s.month, s.quarter, s.year, e.id, s.event_id \
                 FROM events e JOIN projects p ON p.id = e.project_id \
                 LEFT JOIN event_summaries s ON s.event_id = e.id \
                 WHERE e.id IN ({}) ORDER BY e.project_id{lock}",
                ids_sql(ids)
            ),
        ))
        .await?;
    let mut projects = BTreeMap::new();
    let mut buckets = BTreeSet::new();
    for r in &rows {
        let event = int_at(r, 5)? as i32;
        let bucket = Bucket::read(r, 0)?;
        projects.insert(event, bucket.project);
        if r.try_get_by_index::<Option<i32>>(6)
            .ok()
            .flatten()
            .is_some()
        {
            buckets.insert(bucket);
        }
    }
    Ok((projects, buckets))
}

/// The buckets of freshly written summaries (`event_id, district_id,
/// month, quarter, year` rows), with the events' programmes.
pub fn buckets_written(
    projects: &BTreeMap<i32, i32>,
    rows: &[QueryResult],
) -> Result<BTreeSet<Bucket>, DbErr> {
    let mut out = BTreeSet::new();
    for r in rows {
        let event = int_at(r, 0)? as i32;
        let Some(&project) = projects.get(&event) else {
            continue;
        };
        let b = Bucket::read(r, 0)?;
        out.insert(Bucket { project, ..b });
    }
    Ok(out)
}

/// Rewrites the rollup rows of `buckets` from their cells, in the caller's
/// transaction (after the per-event summaries are current).
pub async fn refresh(db: &impl ConnectionTrait, buckets: &BTreeSet<Bucket>) -> Result<u64, DbErr> {
    if buckets.is_empty() {
        return Ok(0);
    }
    let backend = db.get_database_backend();
    if buckets.len() > MAX_BUCKETS {
        let projects: BTreeSet<i32> = buckets.iter().map(|b| b.project).collect();
        let ids: Vec<i32> = projects.into_iter().collect();
        let ids = ids_sql(&ids);
        db.execute_raw(Statement::from_string(
            backend,
            format!("DELETE FROM attendance_rollup WHERE project_id IN ({ids})"),
        ))
        .await?;
        return run(
            db,
            insert(backend, &format!("e.project_id IN ({ids})"), |_| {}),
        )
        .await;
    }
    let mut delete = Sql::new(backend);
    delete.push("DELETE FROM attendance_rollup WHERE ");
    bucket_filter(&mut delete, buckets, "", "");
    run(db, delete).await?;
    run(
        db,
        insert(backend, "", |q| bucket_filter(q, buckets, "e.", "ed.")),
    )
    .await
}

/// `INSERT … SELECT` of fresh rows for `filter`, then what `more` appends
/// to it (bound values go through `more`).
fn insert(backend: DatabaseBackend, filter: &str, more: impl FnOnce(&mut Sql)) -> Sql {
    let mut q = Sql::new(backend);
    let marker = "\u{0}FILTER\u{0}";
    let text = format!(
        "INSERT INTO attendance_rollup ({COLUMNS}) {}",
        select(marker)
    );
    let (head, tail) = text.split_once(marker).expect("one filter");
    q.push(head).push(filter);
    more(&mut q);
    q.push(tail);
    q
}

/// Rebuilds the whole table from the cells (a bulk load, changed
/// thresholds, a database written by an older version).
pub async fn rebuild(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_string(
        backend,
        "DELETE FROM attendance_rollup",
    ))
    .await?;
    run(db, insert(backend, "1 = 1", |_| {})).await
}

/// Sums that must agree between the rollup and the per-event summaries of
/// counted events.
const CHECKSUMS: &str = "CAST(COALESCE(SUM(cells), 0) AS BIGINT), CAST(COALESCE(SUM(total), 0) AS BIGINT), \
     CAST(COALESCE(SUM(unknown), 0) AS BIGINT), CAST(COALESCE(SUM(rounded), 0) AS BIGINT), \
     CAST(COALESCE(SUM(slack), 0) AS BIGINT)";

/// Rebuilds the table when it does not add up to the per-event summaries
/// (or `force`); returns the rows written (0 when it was current).
pub async fn sync(db: &impl ConnectionTrait, force: bool) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    if !force {
        let sums = |text: String| async move {
            let row = db
                .query_one_raw(Statement::from_string(backend, text))
                .await?
                .ok_or_else(|| DbErr::Custom("no checksum row".into()))?;
            (0..5)
                .map(|i| int_at(&row, i))
                .collect::<Result<Vec<_>, _>>()
        };
        let rollup = sums(format!("SELECT {CHECKSUMS} FROM attendance_rollup")).await?;
        let summaries = sums(format!(
            "SELECT {} FROM event_summaries s JOIN events e ON e.id = s.event_id \
             WHERE e.status <> 'cancelled'",
            CHECKSUMS.replace("SUM(", "SUM(s.")
        ))
        .await?;
        if rollup == summaries {
            return Ok(0);
        }
    }
    rebuild(db).await
}

/// Rows of the stored rollup that differ from a fresh computation, either
/// way (0 when current).
pub async fn mismatches(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let backend = db.get_database_backend();
    let fresh = select("1 = 1");
    let stored = format!("SELECT {COLUMNS} FROM attendance_rollup");
    // Booleans read back as stored on SQLite (0/1) and PostgreSQL alike.
    let text = format!(
        "SELECT (SELECT COUNT(*) FROM ({fresh} EXCEPT {stored}) a) + \
                (SELECT COUNT(*) FROM ({stored} EXCEPT {fresh}) b)"
    );
    let row = db
        .query_one_raw(Statement::from_string(backend, text))
        .await?
        .ok_or_else(|| DbErr::Custom("no count".into()))?;
    int_at(&row, 0)
}
