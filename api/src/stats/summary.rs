//! The per-event summaries (`event_summaries`): one row per event with its
//! stored district and what publication needs of its attendance (total, the
//! part a viewer without raw access does not know, its rounded values summed,
//! class ranks), so
//! statistics grouped by event-level dimensions read one row per event, and
//! no query derives each event's district from the area tree per request.
//!
//! A summary is a pure function of the event (its dates), its project's
//! class, its areas, its centre's area, its attendance cells and the small-cell
//! thresholds. Every write that changes one of those refreshes the event's
//! row in its own transaction ([`refresh`]); [`sync`] runs at start and after
//! bulk loads and rewrites the rows that are missing or were written under
//! other thresholds; [`verify`] compares every row with a fresh computation
//! (the tests run it after each kind of write). The unknown part is computed
//! with the rule of [`super::aggregate_sql`], the one rule of the cell-level
//! query, so both paths publish the same figures.

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

use super::rollup;
use super::sql::{self, int_at};
use crate::disclosure::Thresholds;
use crate::disclosure::sql::{self as dsql, Facts};

/// Which events to refresh.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// These events.
    Events(&'a [i32]),
    /// Every event.
    All,
}

/// The threshold of an event's class, as SQL over `projects p`: the
/// rounding base of its unknown cells.
fn threshold_sql(t: &Thresholds) -> String {
    dsql::threshold(Facts::Attendance, t)
}

/// The prelude that places areas in districts (`WITH RECURSIVE …`), and the
/// `SELECT` of the summary columns of the events matching `filter` (a
/// condition on `events e`), kept apart so an `INSERT` or a CTE can go between.
/// The measures are the rule's own (`disclosure::sql::measures`) for a viewer
/// without raw access.
fn summary_select(
    backend: DatabaseBackend,
    thresholds: &Thresholds,
    filter: &str,
) -> (String, String) {
    let measures = dsql::measures(Facts::Attendance, "1 = 0", false);
    let select = format!(
        "SELECT event_id, district_id, month, quarter, year, m_total, m_unknown, m_rounded, m_slack, \
           m_class, m_unknown_class, m_illustrative = 1, m_cells, threshold FROM (\
         SELECT e.id AS event_id, \
           COALESCE((SELECT cd.district_id FROM centres c JOIN area_district cd ON cd.area_id = c.area_id \
                     WHERE c.id = e.centre_id), \
                    (SELECT CASE WHEN MIN(ad.district_id) = MAX(ad.district_id) THEN MIN(ad.district_id) END \
                     FROM event_areas ea JOIN area_district ad ON ad.area_id = ea.area_id \
                     WHERE ea.event_id = e.id)) AS district_id, \
           {month} AS month, {quarter} AS quarter, {year} AS year, {measures}, {threshold} AS threshold \
         FROM events e JOIN projects p ON p.id = e.project_id \
         LEFT JOIN attendance at ON at.event_id = e.id \
         WHERE {filter} GROUP BY e.id, e.centre_id, e.start_date, e.end_date, p.sensitivity) x",
        threshold = threshold_sql(thresholds),
        month = event_period(backend, sql::month),
        quarter = event_period(backend, sql::quarter),
        year = event_period(backend, sql::year),
    );
    (sql::prelude(None), select)
}

/// A period part of the event `e` (the expression of the cell-level query).
pub(crate) fn event_period(
    backend: DatabaseBackend,
    part: fn(DatabaseBackend, &str) -> String,
) -> String {
    sql::period_part(
        backend,
        part,
        "e.start_date",
        "COALESCE(e.end_date, e.start_date)",
    )
}

const COLUMNS: &str = "event_id, district_id, month, quarter, year, total, unknown, rounded, slack, class_rank, \
                       unknown_class_rank, illustrative, cells, threshold";

fn scope_filter(scope: Scope<'_>) -> String {
    match scope {
        // Ids are i32s written as numbers: nothing a client types.
        Scope::Events(ids) => {
            let ids: Vec<String> = ids.iter().map(i32::to_string).collect();
            format!("e.id IN ({})", ids.join(", "))
        }
        Scope::All => "1 = 1".to_string(),
    }
}

async fn execute(db: &impl ConnectionTrait, text: String) -> Result<u64, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    Ok(db
        .execute_raw(Statement::from_string(backend, text))
        .await?
        .rows_affected())
}

/// Rewrites the summaries of the events in `scope`, in the caller's
/// transaction. Returns the number of rows written.
pub async fn refresh(
    db: &impl ConnectionTrait,
    thresholds: &Thresholds,
    scope: Scope<'_>,
) -> Result<u64, sea_orm::DbErr> {
    if matches!(scope, Scope::Events([])) {
        return Ok(0);
    }
    // The rollup buckets the events were in (locking their programmes'
    // rollup on PostgreSQL first), rewritten below with those they are in.
    let before = match scope {
        Scope::Events(ids) => Some(rollup::buckets_of(db, ids).await?),
        Scope::All => None,
    };
    let filter = scope_filter(scope);
    // The cells' stored inputs first: the summary sums them.
    execute(
        db,
        dsql::refresh_rows(
            Facts::Attendance,
            thresholds,
            &filter,
            false,
            db.get_database_backend(),
        ),
    )
    .await?;
    execute(
        db,
        format!(
            "DELETE FROM event_summaries WHERE event_id IN (SELECT e.id FROM events e WHERE {filter})"
        ),
    )
    .await?;
    let backend = db.get_database_backend();
    match before {
        Some((projects, mut buckets)) => {
            // The buckets the events are in now come back from the insert.
            let rows = db
                .query_all_raw(Statement::from_string(
                    backend,
                    format!(
                        "{} RETURNING event_id, district_id, month, quarter, year",
                        insert(backend, thresholds, &filter)
                    ),
                ))
                .await?;
            buckets.extend(rollup::buckets_written(&projects, &rows)?);
            rollup::refresh(db, &buckets).await?;
            Ok(rows.len() as u64)
        }
        None => {
            let written = execute(db, insert(backend, thresholds, &filter)).await?;
            rollup::rebuild(db).await?;
            Ok(written)
        }
    }
}

fn insert(backend: DatabaseBackend, thresholds: &Thresholds, filter: &str) -> String {
    // `WITH … INSERT … SELECT` is the form both engines accept.
    let (with, select) = summary_select(backend, thresholds, filter);
    format!("{with} INSERT INTO event_summaries ({COLUMNS}) {select}")
}

/// Writes the summaries that are missing or were computed under other
/// thresholds than `thresholds` (a changed setting, a bulk load, a database
/// written by an older version). Returns the number of rows written.
pub async fn sync(
    db: &impl ConnectionTrait,
    thresholds: &Thresholds,
) -> Result<u64, sea_orm::DbErr> {
    // Rows whose stored inputs are stale (thresholds changed, a project's
    // sensitivity changed, rows written by SQL or a bulk load): decide them
    // again, and rewrite the summaries of the events whose cells changed.
    let stale_events = format!(
        "SELECT DISTINCT at.event_id FROM attendance at JOIN events e ON e.id = at.event_id \
         JOIN projects p ON p.id = e.project_id WHERE {}",
        dsql::stale(Facts::Attendance, thresholds, db.get_database_backend())
    );
    execute(
        db,
        format!("DELETE FROM event_summaries WHERE event_id IN ({stale_events})"),
    )
    .await?;
    for facts in [Facts::Attendance, Facts::ServiceCounts] {
        let backend = db.get_database_backend();
        execute(
            db,
            dsql::refresh_rows(facts, thresholds, "1 = 1", true, backend),
        )
        .await?;
    }
    execute(
        db,
        format!(
            "DELETE FROM event_summaries WHERE event_id IN (SELECT s.event_id FROM event_summaries s \
             JOIN events e ON e.id = s.event_id JOIN projects p ON p.id = e.project_id \
             WHERE s.threshold <> {})",
            threshold_sql(thresholds)
        ),
    )
    .await?;
    let backend = db.get_database_backend();
    let missing = "NOT EXISTS (SELECT 1 FROM event_summaries s WHERE s.event_id = e.id)";
    // The check reads the two keys only; the insert would aggregate.
    let any = db
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT e.id FROM events e WHERE {missing} LIMIT 1"),
        ))
        .await?;
    let written = match any {
        Some(_) => execute(db, insert(backend, thresholds, missing)).await?,
        None => 0,
    };
    // The rollup sums the cells' stored inputs: rebuilt when any event was
    // rewritten, or when it does not add up to the summaries.
    rollup::sync(db, written > 0).await?;
    Ok(written)
}

/// The events whose stored summary differs from a fresh computation (or is
/// missing, or exists for no event), or whose cells' stored protection
/// inputs differ from a fresh decision: empty when all are current.
pub async fn verify(
    db: &impl ConnectionTrait,
    thresholds: &Thresholds,
) -> Result<Vec<i64>, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let (with, select) = summary_select(backend, thresholds, "1 = 1");
    let same = |c: &str| match backend {
        DatabaseBackend::Postgres => format!("f.{c} IS NOT DISTINCT FROM s.{c}"),
        _ => format!("f.{c} IS s.{c}"),
    };
    let columns: Vec<&str> = COLUMNS.split(',').map(str::trim).collect();
    let all_same: Vec<String> = columns[1..].iter().map(|c| same(c)).collect();
    let text = format!(
        "{with}, fresh({COLUMNS}) AS ({select}) \
         SELECT f.event_id FROM fresh f LEFT JOIN event_summaries s ON s.event_id = f.event_id \
         WHERE s.event_id IS NULL OR NOT ({}) \
         UNION SELECT s.event_id FROM event_summaries s WHERE s.event_id NOT IN (SELECT event_id FROM fresh) \
         UNION SELECT at.event_id FROM attendance at JOIN events e ON e.id = at.event_id \
           JOIN projects p ON p.id = e.project_id WHERE {} \
         ORDER BY 1",
        all_same.join(" AND "),
        dsql::stale(Facts::Attendance, thresholds, backend)
    );
    let rows = db
        .query_all_raw(Statement::from_string(backend, text))
        .await?;
    rows.iter().map(|r| int_at(r, 0)).collect()
}

/// Rows of both tables whose stored inputs differ from a fresh decision:
/// 0 when every write kept them current (the tests check it).
pub async fn stale_rows(
    db: &impl ConnectionTrait,
    thresholds: &Thresholds,
) -> Result<i64, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let mut n = 0;
    for facts in [Facts::Attendance, Facts::ServiceCounts] {
        let row = db
            .query_one_raw(Statement::from_string(
                backend,
                dsql::count_stale_rows(facts, thresholds, backend),
            ))
            .await?;
        n += row.map(|r| int_at(&r, 0)).transpose()?.unwrap_or(0);
    }
    Ok(n)
}
