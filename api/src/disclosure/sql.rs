//! The rule of [`super`] in SQL, for the statistics that group in the
//! database. The viewer-independent part of the rule is decided once per
//! row when it is written ([`refresh_rows`]: its class, base, whether every
//! viewer knows it, its rounded value, stored beside it); a query sums those
//! ([`measures`], read back by column name with [`read_parts`]), adding only
//! what depends on the viewer (their raw projects). Nothing outside this module writes SQL for a class, a known
//! part, a threshold or a rounding; the tests compare every expression here
//! with its Rust twin.
//!
//! The expressions read the fact tables under fixed aliases: `at`
//! (attendance) joined to `e` (its event) and `p` (its project), or `sc`
//! (service counts) joined to `p`.

use sea_orm::{DatabaseBackend, DbErr, QueryResult};

use super::{KEY_MODULUS, OFFICIAL_CATEGORIES, Parts, Thresholds};
use entities::codes::Sensitivity;

/// The two tables of stored counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facts {
    /// `attendance at` (with `events e`, `projects p`).
    Attendance,
    /// `service_counts sc` (with `projects p`).
    ServiceCounts,
}

/// The columns a rule reads, by table.
struct Columns {
    /// The table and its alias.
    table: &'static str,
    alias: &'static str,
    /// The joins the rule's inputs read (`FROM` of an `UPDATE`), and how
    /// they meet the row.
    joins: &'static str,
    join_on: &'static str,
    project: &'static str,
    category: &'static str,
    value: &'static str,
    key: &'static str,
    illustrative: &'static str,
    /// SQL true when the row itself is marked public.
    public: &'static str,
    /// SQL true when the row is of the sensitive class (unless public).
    sensitive: &'static str,
    /// SQL true when the row is a figure as reported in a source.
    reported: &'static str,
}

impl Facts {
    fn columns(self) -> Columns {
        match self {
            Facts::Attendance => Columns {
                table: "attendance",
                alias: "at",
                joins: "events e JOIN projects p ON p.id = e.project_id",
                join_on: "e.id = at.event_id",
                project: "e.project_id",
                category: "at.category",
                value: "at.count",
                key: "at.cell_key",
                illustrative: "at.illustrative",
                public: "1 = 0",
                sensitive: "p.sensitivity = 'sensitive'",
                reported: "NOT at.illustrative AND e.source_document_id IS NOT NULL",
            },
            Facts::ServiceCounts => Columns {
                table: "service_counts",
                alias: "sc",
                joins: "projects p",
                join_on: "p.id = sc.project_id",
                project: "sc.project_id",
                category: "sc.category",
                value: "sc.value",
                key: "sc.cell_key",
                illustrative: "sc.illustrative",
                public: "sc.sensitivity = 'public'",
                sensitive: "(sc.sensitivity = 'sensitive' OR p.sensitivity = 'sensitive')",
                reported: "NOT sc.illustrative AND sc.source_document_id IS NOT NULL",
            },
        }
    }
}

/// `project IN (the viewer's raw projects)`, or false: the rows a viewer
/// sees raw. Ids are integers written as numbers, nothing a client typed.
pub fn raw_clause(facts: Facts, raw: impl IntoIterator<Item = i32>) -> String {
    raw_clause_on(project_column(facts), raw)
}

/// The project column of a fact table's rows (`e.project_id`, `sc.project_id`).
pub fn project_column(facts: Facts) -> &'static str {
    facts.columns().project
}

/// [`raw_clause`] over another project column (a summary table's).
pub fn raw_clause_on(project: &str, raw: impl IntoIterator<Item = i32>) -> String {
    let mut raw: Vec<i32> = raw.into_iter().collect();
    raw.sort_unstable();
    raw.dedup();
    if raw.is_empty() {
        "1 = 0".to_string()
    } else {
        let ids: Vec<String> = raw.iter().map(i32::to_string).collect();
        format!("{project} IN ({})", ids.join(", "))
    }
}

/// A row's class rank (0 public, 1 ordinary, 2 sensitive): [`super::row_class`].
fn class(facts: Facts) -> String {
    let c = facts.columns();
    let officials = OFFICIAL_CATEGORIES
        .iter()
        .map(|c| format!("'{}'", c.code()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "(CASE WHEN {} OR {} IN ({officials}) THEN 0 WHEN {} THEN 2 ELSE 1 END)",
        c.public, c.category, c.sensitive
    )
}

/// A row's threshold, which is also its rounding base (never below 1, so it
/// can divide): [`Thresholds::base`] of its class, public rows taking the
/// ordinary one (they are always known, so it is never used for them).
pub(crate) fn threshold(facts: Facts, thresholds: &Thresholds) -> String {
    let c = facts.columns();
    format!(
        "(CASE WHEN {} THEN {} ELSE {} END)",
        c.sensitive,
        thresholds.base(Sensitivity::Sensitive).max(1),
        thresholds.base(Sensitivity::Ordinary).max(1)
    )
}

/// A row's rounded value: [`super::rounded`] of its count, key and base.
fn rounded(facts: Facts, thresholds: &Thresholds) -> String {
    let c = facts.columns();
    let (v, k, b) = (c.value, c.key, threshold(facts, thresholds));
    format!(
        "(({v} - {v} % {b}) + CASE WHEN {k} * {b} < ({v} % {b}) * {KEY_MODULUS} THEN {b} ELSE 0 END)"
    )
}

/// SQL true when every viewer knows the row, from its inputs: it protects
/// no one, or it is a figure as reported in a public source that is not
/// small (the part of [`super::Row::is_known`] that does not depend on the
/// viewer).
fn known_to_all(facts: Facts, thresholds: &Thresholds) -> String {
    let c = facts.columns();
    format!(
        "({} = 0 OR ({} AND ({} = 0 OR {} >= {})))",
        class(facts),
        c.reported,
        c.value,
        c.value,
        threshold(facts, thresholds)
    )
}

/// `UPDATE` of the rule's inputs stored with each row (`class_rank`,
/// `base`, `known_to_all`, `whole_known`, `rounded`) for the rows matching `filter` (a
/// condition over the row's alias and its joins, e.g. `e.id IN (…)`), all of
/// them or only those whose stored inputs differ from a fresh decision
/// (`stale`). Every write of counts runs it in its transaction; the API runs
/// it at start for stale rows (changed thresholds, a project's changed
/// sensitivity, rows written by SQL).
pub fn refresh_rows(
    facts: Facts,
    thresholds: &Thresholds,
    filter: &str,
    stale: bool,
    backend: DatabaseBackend,
) -> String {
    let c = facts.columns();
    let a = c.alias;
    let stale = if stale {
        format!(" AND {}", self::stale(facts, thresholds, backend))
    } else {
        String::new()
    };
    format!(
        "UPDATE {} AS {a} SET class_rank = {}, base = {}, known_to_all = {}, whole_known = {}, \
         rounded = {} FROM {} WHERE {} AND ({filter}){stale}",
        c.table,
        class(facts),
        threshold(facts, thresholds),
        known_to_all(facts, thresholds),
        whole_known(facts, thresholds, backend),
        rounded(facts, thresholds),
        c.joins,
        c.join_on
    )
}

/// SQL true when a row's stored inputs differ from a fresh decision (over
/// the row's alias and its joins: `at` with `e` and `p`, or `sc` with `p`).
pub fn stale(facts: Facts, thresholds: &Thresholds, backend: DatabaseBackend) -> String {
    format!("NOT {}", current(facts, thresholds, backend))
}

/// SQL true when a row's stored inputs equal a fresh decision.
fn current(facts: Facts, thresholds: &Thresholds, backend: DatabaseBackend) -> String {
    let a = facts.columns().alias;
    format!(
        "({a}.class_rank = {} AND {a}.base = {} AND {a}.known_to_all = {} \
         AND {a}.whole_known = {} AND {a}.rounded = {})",
        class(facts),
        threshold(facts, thresholds),
        known_to_all(facts, thresholds),
        whole_known(facts, thresholds, backend),
        rounded(facts, thresholds)
    )
}

/// `SELECT COUNT(*)` of the rows whose stored inputs differ from a fresh
/// decision: 0 when every row is current (the tests check it after writes).
pub fn count_stale_rows(facts: Facts, thresholds: &Thresholds, backend: DatabaseBackend) -> String {
    let c = facts.columns();
    format!(
        "SELECT COUNT(*) FROM {} {}, {} WHERE {} AND {}",
        c.table,
        c.alias,
        c.joins,
        c.join_on,
        stale(facts, thresholds, backend)
    )
}

/// SQL true when every viewer knows the row in a query that counts whole
/// reports: known to all, or a cell of an illustrative breakdown of a
/// reported figure (services) that is not small: the cells then count as the
/// one figure as reported that they add up to.
fn whole_known(facts: Facts, thresholds: &Thresholds, backend: DatabaseBackend) -> String {
    let known = known_to_all(facts, thresholds);
    if facts != Facts::ServiceCounts {
        return known;
    }
    let same = |col: &str| match backend {
        DatabaseBackend::Postgres => format!("r.{col} IS NOT DISTINCT FROM sc.{col}"),
        _ => format!("r.{col} IS sc.{col}"),
    };
    let report: Vec<String> = std::iter::once("r.project_id = sc.project_id".to_string())
        .chain(REPORT_COLUMNS[1..].iter().map(|c| same(c)))
        .collect();
    format!(
        // COALESCE: never NULL (a non-illustrative row has no report sum).
        "({known} OR COALESCE(CASE WHEN sc.illustrative AND sc.source_document_id IS NOT NULL THEN \
         (SELECT SUM(r.value) FROM service_counts r WHERE r.illustrative AND {}) END, 0) >= {})",
        report.join(" AND "),
        threshold(facts, thresholds)
    )
}

/// SQL true when the viewer knows the row ([`super::Row::is_known`]), from
/// the row's stored inputs: known to all, or in a project the viewer sees
/// raw (`raw`).
///
/// `whole_reports`: the query neither groups nor filters by a breakdown
/// dimension (sex, age band, disability), so every group holds whole
/// reports, and a row's `whole_known` applies.
pub fn known(facts: Facts, raw: &str, whole_reports: bool) -> String {
    let a = facts.columns().alias;
    let column = if whole_reports {
        "whole_known"
    } else {
        "known_to_all"
    };
    // Never NULL: `NOT known` must be true for every unknown row.
    format!("COALESCE(({a}.{column} OR {raw}), 1 = 0)")
}

/// The columns that make a service count one report: the cells of an
/// illustrative breakdown share them and differ only by sex, age band and
/// disability.
pub const REPORT_COLUMNS: [&str; 9] = [
    "project_id",
    "centre_id",
    "period_start",
    "period_end",
    "support_type",
    "channel",
    "stage",
    "unit",
    "category",
];

/// The measures of a group of rows, from their stored inputs, named as
/// [`read_parts`] reads them:
/// `m_total`, `m_unknown`, `m_rounded`, `m_slack`, `m_class`,
/// `m_unknown_class`, `m_illustrative`, `m_cells`. Sound over an outer join
/// (no row: zeros).
pub fn measures(facts: Facts, raw: &str, whole_reports: bool) -> String {
    let c = facts.columns();
    let (a, value) = (c.alias, c.value);
    let known = known(facts, raw, whole_reports);
    format!(
        "CAST(COALESCE(SUM({value}), 0) AS BIGINT) AS m_total, \
         CAST(COALESCE(SUM(CASE WHEN {known} THEN 0 ELSE {value} END), 0) AS BIGINT) AS m_unknown, \
         CAST(COALESCE(SUM(CASE WHEN {known} THEN 0 ELSE {a}.rounded END), 0) AS BIGINT) AS m_rounded, \
         CAST(COALESCE(SUM(CASE WHEN {value} > 0 AND NOT {known} THEN {a}.base - 1 ELSE 0 END), 0) AS BIGINT) AS m_slack, \
         COALESCE(MAX(CASE WHEN {value} > 0 THEN {a}.class_rank ELSE -1 END), -1) AS m_class, \
         COALESCE(MAX(CASE WHEN {value} > 0 AND NOT {known} THEN {a}.class_rank ELSE -1 END), -1) AS m_unknown_class, \
         COALESCE(MAX(CASE WHEN {illustrative} THEN 1 ELSE 0 END), 0) AS m_illustrative, \
         COUNT({value}) AS m_cells",
        illustrative = c.illustrative,
    )
}

/// The same measures summed from stored per-event summaries (`ed`, written
/// with [`measures`] for a viewer without raw access): the events of the
/// viewer's raw projects (`raw`) count as known whole. Sound over no event at
/// all (a programme without trainings: zeros, no class), like [`measures`].
pub fn summary_measures(raw: &str) -> String {
    format!(
        "CAST(COALESCE(SUM(ed.total), 0) AS BIGINT) AS m_total, \
         CAST(COALESCE(SUM(CASE WHEN {raw} THEN 0 ELSE ed.unknown END), 0) AS BIGINT) AS m_unknown, \
         CAST(COALESCE(SUM(CASE WHEN {raw} THEN 0 ELSE ed.rounded END), 0) AS BIGINT) AS m_rounded, \
         CAST(COALESCE(SUM(CASE WHEN {raw} THEN 0 ELSE ed.slack END), 0) AS BIGINT) AS m_slack, \
         COALESCE(MAX(ed.class_rank), -1) AS m_class, \
         COALESCE(MAX(CASE WHEN {raw} THEN -1 ELSE ed.unknown_class_rank END), -1) AS m_unknown_class, \
         COALESCE(MAX(CASE WHEN ed.illustrative THEN 1 ELSE 0 END), 0) AS m_illustrative, \
         CAST(COALESCE(SUM(ed.cells), 0) AS BIGINT) AS m_cells"
    )
}

/// The class of a rank read back from SQL (-1: no row counts anyone).
pub fn class_of(rank: i64) -> Option<Sensitivity> {
    match rank {
        0 => Some(Sensitivity::Public),
        1 => Some(Sensitivity::Ordinary),
        2 => Some(Sensitivity::Sensitive),
        _ => None,
    }
}

/// A group's measures read back by name: its parts, whether an illustrative
/// row is among them, and how many rows it holds.
pub fn read_parts(row: &QueryResult) -> Result<(Parts, bool, i64), DbErr> {
    let int = |name: &str| -> Result<i64, DbErr> {
        if let Ok(v) = row.try_get::<i64>("", name) {
            return Ok(v);
        }
        row.try_get::<i32>("", name)
            .map(i64::from)
            .map_err(|e| DbErr::Custom(format!("measure {name}: {e}")))
    };
    let parts = Parts {
        total: int("m_total")?,
        unknown: int("m_unknown")?,
        rounded: int("m_rounded")?,
        slack: int("m_slack")?,
        class: class_of(int("m_class")?),
        unknown_class: class_of(int("m_unknown_class")?),
    };
    Ok((parts, int("m_illustrative")? != 0, int("m_cells")?))
}
