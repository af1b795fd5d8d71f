//! Turning a sheet's rows into calls of the write services, per kind: each
//! row is parsed (refused with a code on its column when it cannot be read),
//! matched to what is stored by its natural key, and grouped into the unit a
//! service writes (an event with its grid, a centre's month of counts, an
//! indicator's period). Each group runs in its own savepoint.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait};

use entities::codes::*;
use entities::{attendance, centre, event, indicator, indicator_value, project, service_count};

use super::parse::{self, CellProblem};
use super::read::{Cell, Row, Sheet};
use super::{
    Kind, LineErrors, Progress, RowError, RowReport, RowStatus, code_text, lines_text, snake,
};
use crate::search::fold;
use crate::services::events::{self, AttendanceCell, EventChanges, NewEvent};
use crate::services::figures::{self, ServiceCountCell, ServiceCounts};
use crate::services::setup::indicators::{self, BreakdownValue, PeriodValues};
use crate::services::{Actor, ServiceError, ServiceResult, UserError};

/// A column of an import sheet.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Stable key (also accepted as the header).
    pub key: &'static str,
    /// Header in Azerbaijani.
    pub az: &'static str,
    /// Header in English.
    pub en: &'static str,
    /// The file must have this column.
    pub required: bool,
    /// The list its values come from (for drop-downs): a code list of
    /// `stats::labels`, or `centre`, `indicator`, `dimension`.
    pub list: Option<&'static str>,
}

const fn col(
    key: &'static str,
    az: &'static str,
    en: &'static str,
    required: bool,
    list: Option<&'static str>,
) -> Column {
    Column {
        key,
        az,
        en,
        required,
        list,
    }
}

const CELL: [Column; 4] = [
    col("sex", "Cins", "Sex", false, Some("sex")),
    col("age_band", "Yaş qrupu", "Age band", false, Some("age_band")),
    col(
        "disability",
        "Əlillik",
        "Disability",
        false,
        Some("disability"),
    ),
    col(
        "category",
        "Kateqoriya",
        "Category",
        false,
        Some("category"),
    ),
];

const EVENTS: [Column; 12] = [
    col("title_az", "Başlıq (az)", "Title (az)", false, None),
    col("title_en", "Başlıq (en)", "Title (en)", false, None),
    col(
        "kind",
        "Tədbirin növü",
        "Event kind",
        true,
        Some("event_kind"),
    ),
    col("start_date", "Başlama tarixi", "Start date", true, None),
    col("end_date", "Bitmə tarixi", "End date", false, None),
    col("centre", "Mərkəz", "Centre", false, Some("centre")),
    col("capacity", "Tutum", "Capacity", false, None),
    CELL[0],
    CELL[1],
    CELL[2],
    CELL[3],
    col("count", "İştirakçı sayı", "Participants", true, None),
];

const SERVICE_COUNTS: [Column; 11] = [
    col("centre", "Mərkəz", "Centre", false, Some("centre")),
    col("month", "Ay", "Month", true, None),
    col(
        "support_type",
        "Dəstəyin növü",
        "Support type",
        false,
        Some("support_type"),
    ),
    col("channel", "Kanal", "Channel", false, Some("channel")),
    col("stage", "Mərhələ", "Stage", true, Some("stage")),
    col("unit", "Vahid", "Unit", true, Some("unit")),
    CELL[0],
    CELL[1],
    CELL[2],
    CELL[3],
    col("value", "Say", "Count", true, None),
];

const INDICATOR_VALUES: [Column; 6] = [
    col(
        "indicator",
        "Göstəricinin kodu",
        "Indicator code",
        true,
        Some("indicator"),
    ),
    col(
        "period_start",
        "Dövrün başlanğıcı",
        "Period start",
        true,
        None,
    ),
    col("period_end", "Dövrün sonu", "Period end", true, None),
    col("dimension", "Bölgü", "Breakdown", false, Some("dimension")),
    col(
        "dimension_value",
        "Bölgünün dəyəri",
        "Breakdown value",
        false,
        None,
    ),
    col("value", "Dəyər", "Value", true, None),
];

/// The columns of a kind, in template order.
pub fn columns(kind: Kind) -> &'static [Column] {
    match kind {
        Kind::Events => &EVENTS,
        Kind::ServiceCounts => &SERVICE_COUNTS,
        Kind::IndicatorValues => &INDICATOR_VALUES,
    }
}

fn header_matches(cell: &str, c: &Column) -> bool {
    let f = fold(cell);
    !f.is_empty()
        && (f == fold(c.key)
            || f == fold(c.az)
            || f == fold(c.en)
            || f == fold(&c.key.replace('_', " ")))
}

/// Column key → position in the header.
fn mapping(kind: Kind, header: &[String]) -> HashMap<&'static str, usize> {
    let mut out = HashMap::new();
    for c in columns(kind) {
        if let Some(i) = header.iter().position(|h| header_matches(h, c)) {
            out.insert(c.key, i);
        }
    }
    out
}

/// True when the header has every required column of `kind`.
pub(super) fn header_fits(kind: Kind, header: &[String]) -> bool {
    let m = mapping(kind, header);
    columns(kind)
        .iter()
        .filter(|c| c.required)
        .all(|c| m.contains_key(c.key))
}

/// One row read through the header mapping, collecting its problems.
struct Fields<'a> {
    row: &'a Row,
    map: &'a HashMap<&'static str, usize>,
    errors: Vec<RowError>,
}

fn row_error(column: &str, code: &str, message: impl Into<String>) -> RowError {
    RowError {
        column: column.to_string(),
        code: code.to_string(),
        message: message.into(),
    }
}

impl<'a> Fields<'a> {
    fn new(row: &'a Row, map: &'a HashMap<&'static str, usize>) -> Self {
        Self {
            row,
            map,
            errors: Vec::new(),
        }
    }

    fn cell(&self, key: &str) -> &'a Cell {
        static EMPTY: Cell = Cell::Empty;
        self.map
            .get(key)
            .and_then(|i| self.row.cells.get(*i))
            .unwrap_or(&EMPTY)
    }

    fn text(&mut self, key: &str) -> Option<String> {
        let t = self.cell(key).text();
        if t.chars().count() > super::read::MAX_CELL_CHARS {
            self.errors.push(row_error(
                key,
                "INVALID",
                "the text is longer than 2,000 characters",
            ));
            return None;
        }
        if t.contains('\0') {
            self.errors
                .push(row_error(key, "INVALID", "the text holds a NUL character"));
            return None;
        }
        (!t.is_empty()).then_some(t)
    }

    fn problem(&mut self, key: &str, p: CellProblem) {
        let code = match p {
            CellProblem::Invalid(_) => "INVALID",
            CellProblem::Ambiguous(_) => "AMBIGUOUS",
            CellProblem::OutOfRange(_) => "VALUE_OUT_OF_RANGE",
        };
        self.errors.push(row_error(key, code, p.message()));
    }

    fn required<T>(&mut self, key: &str, v: Option<T>) -> Option<T> {
        if v.is_none() && !self.errors.iter().any(|e| e.column == key) {
            self.errors
                .push(row_error(key, "REQUIRED", "this column must be filled"));
        }
        v
    }

    fn integer(&mut self, key: &str) -> Option<i64> {
        match self.cell(key) {
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Some(*n as i64),
            Cell::Number(n) => {
                self.problem(
                    key,
                    CellProblem::Invalid(format!("{n} is not a whole number")),
                );
                None
            }
            Cell::Date(_) => {
                self.problem(
                    key,
                    CellProblem::Invalid("a date where a number belongs".into()),
                );
                None
            }
            _ => {
                let t = self.text(key)?;
                parse::parse_integer(&t)
                    .map_err(|p| self.problem(key, p))
                    .ok()
            }
        }
    }

    fn int32(&mut self, key: &str) -> Option<i32> {
        let v = self.integer(key)?;
        i32::try_from(v)
            .map_err(|_| self.problem(key, CellProblem::OutOfRange(format!("{v} is too large"))))
            .ok()
    }

    fn date(&mut self, key: &str) -> Option<NaiveDate> {
        match self.cell(key) {
            Cell::Date(d) => Some(*d),
            Cell::Number(_) => {
                self.problem(
                    key,
                    CellProblem::Invalid("a number where a date belongs: write 21.11.2026".into()),
                );
                None
            }
            _ => {
                let t = self.text(key)?;
                parse::parse_date(&t).map_err(|p| self.problem(key, p)).ok()
            }
        }
    }

    fn month(&mut self, key: &str) -> Option<(NaiveDate, NaiveDate)> {
        let t = match self.cell(key) {
            Cell::Date(d) => d.to_string(),
            _ => self.text(key)?,
        };
        parse::parse_month(&t)
            .map_err(|p| self.problem(key, p))
            .ok()
    }

    fn code<T: Copy>(
        &mut self,
        key: &str,
        list: &str,
        all: &[T],
        code: fn(T) -> &'static str,
    ) -> Option<T> {
        let t = self.text(key)?;
        parse::parse_code(list, &t, all, code)
            .map_err(|p| self.problem(key, p))
            .ok()
    }

    fn centre(&mut self, key: &str, centres: &[centre::Model]) -> Option<i32> {
        let t = self.text(key)?;
        let wanted = format!("|{}|", fold(&t));
        let found: Vec<&centre::Model> = centres
            .iter()
            .filter(|c| c.search_key.contains(&wanted) || t.parse::<i32>().ok() == Some(c.id))
            .collect();
        match found.as_slice() {
            [one] => Some(one.id),
            [] => {
                self.errors.push(row_error(
                    key,
                    "NOT_FOUND",
                    format!("no centre of this project is named {t:?}"),
                ));
                None
            }
            _ => {
                self.errors.push(row_error(
                    key,
                    "AMBIGUOUS",
                    format!("{t:?} names several centres of this project: use the full name"),
                ));
                None
            }
        }
    }
}

/// Runs a group's write in a savepoint of `txn`: kept when it succeeds,
/// undone when the service refuses it (its errors are returned).
async fn in_savepoint<F>(
    txn: &DatabaseTransaction,
    work: F,
) -> ServiceResult<Result<(), Vec<UserError>>>
where
    F: AsyncFnOnce(&DatabaseTransaction) -> ServiceResult<crate::services::Outcome>,
{
    let sp = txn.begin().await?;
    match work(&sp).await {
        Ok(_) => {
            sp.commit().await?;
            Ok(Ok(()))
        }
        Err(ServiceError::User(errors)) => {
            sp.rollback().await?;
            Ok(Err(errors))
        }
        Err(ServiceError::Db(e)) => {
            sp.rollback().await?;
            Err(ServiceError::Db(e))
        }
    }
}

/// Puts a service's errors on the rows they concern: an error whose field
/// path indexes `list` (`["input", "attendance", "3", "count"]`) belongs to
/// the group's item 3; any other error to every row of the group.
fn attribute(
    errors: &[UserError],
    list: &str,
    items: &[u32],
    group: &[u32],
    alias: &dyn Fn(&str) -> String,
    out: &mut LineErrors,
) {
    for e in errors {
        let code = code_text(e.code);
        let pos = e.field.iter().position(|s| s == list);
        let item = pos
            .and_then(|p| e.field.get(p + 1))
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| items.get(i));
        match item {
            Some(line) => {
                let column = pos
                    .and_then(|p| e.field.get(p + 2))
                    .map(|s| alias(&snake(s)))
                    .unwrap_or_else(|| alias(list));
                out.entry(*line)
                    .or_default()
                    .push(row_error(&column, &code, e.message.clone()));
            }
            None => {
                let column = e
                    .field
                    .iter()
                    .rev()
                    .find(|s| s.parse::<usize>().is_err() && *s != "input")
                    .map(|s| alias(&snake(s)))
                    .unwrap_or_default();
                for line in group {
                    out.entry(*line).or_default().push(row_error(
                        &column,
                        &code,
                        e.message.clone(),
                    ));
                }
            }
        }
    }
}

fn common_alias(key: &str) -> String {
    match key {
        "centre_id" => "centre".into(),
        "project_id" | "project" | "id" | "version" | "event_id" => String::new(),
        "indicator_id" => "indicator".into(),
        other => other.to_string(),
    }
}

/// The outcome of planning and writing a sheet.
struct Outcomes {
    status: BTreeMap<u32, RowStatus>,
    keys: BTreeMap<u32, String>,
    errors: LineErrors,
}

impl Outcomes {
    fn new() -> Self {
        Self {
            status: BTreeMap::new(),
            keys: BTreeMap::new(),
            errors: BTreeMap::new(),
        }
    }

    fn refuse(&mut self, line: u32, errors: Vec<RowError>) {
        self.errors.entry(line).or_default().extend(errors);
    }

    fn report(mut self, sheet: &Sheet) -> Vec<RowReport> {
        sheet
            .rows
            .iter()
            .map(|r| {
                let errors = self.errors.remove(&r.line).unwrap_or_default();
                RowReport {
                    line: r.line,
                    status: if errors.is_empty() {
                        self.status
                            .get(&r.line)
                            .copied()
                            .unwrap_or(RowStatus::Refused)
                    } else {
                        RowStatus::Refused
                    },
                    key: self.keys.remove(&r.line).unwrap_or_default(),
                    errors,
                }
            })
            .collect()
    }
}

fn group_actor(actor: &Actor, tag: &str, lines: &[u32]) -> Actor {
    let mut a = actor.clone();
    a.request_id = Some(format!("{tag} rows {}", lines_text(lines)));
    a
}

/// Plans and writes a sheet of `kind` in `txn`.
pub(super) async fn run(
    txn: &DatabaseTransaction,
    actor: &Actor,
    project: &project::Model,
    kind: Kind,
    sheet: &Sheet,
    tag: &str,
    progress: Progress<'_>,
) -> ServiceResult<Vec<RowReport>> {
    let map = mapping(kind, &sheet.header);
    let centres = centre::Entity::find()
        .filter(centre::Column::ProjectId.eq(project.id))
        .all(txn)
        .await?;
    let mut out = Outcomes::new();
    match kind {
        Kind::Events => {
            events_run(
                txn, actor, project, sheet, &map, &centres, tag, progress, &mut out,
            )
            .await?
        }
        Kind::ServiceCounts => {
            counts_run(
                txn, actor, project, sheet, &map, &centres, tag, progress, &mut out,
            )
            .await?
        }
        Kind::IndicatorValues => {
            values_run(txn, actor, project, sheet, &map, tag, progress, &mut out).await?
        }
    }
    Ok(out.report(sheet))
}

fn read_cell(f: &mut Fields<'_>) -> (Sex, AgeBand, Disability, BeneficiaryCategory) {
    (
        f.code("sex", "sex", Sex::ALL, Sex::code)
            .unwrap_or(Sex::Unknown),
        f.code("age_band", "age_band", AgeBand::ALL, AgeBand::code)
            .unwrap_or(AgeBand::Unknown),
        f.code(
            "disability",
            "disability",
            Disability::ALL,
            Disability::code,
        )
        .unwrap_or(Disability::Unknown),
        f.code(
            "category",
            "category",
            BeneficiaryCategory::ALL,
            BeneficiaryCategory::code,
        )
        .unwrap_or(BeneficiaryCategory::Unknown),
    )
}

/// An event's natural key (as text), its fields and its rows with their cells.
type EventGroup = (String, EventHead, Vec<(u32, Option<AttendanceCell>)>);

/// A centre's month of counts.
type MonthKey = (Option<i32>, NaiveDate, NaiveDate);

/// An indicator's period and one breakdown value (`None`: the whole).
type ValueKey = (i32, NaiveDate, NaiveDate, Option<(String, String)>);

/// An event's fields as one row gives them.
#[derive(Debug, Clone, PartialEq)]
struct EventHead {
    title_az: String,
    title_en: String,
    kind: EventKind,
    start: NaiveDate,
    end: Option<NaiveDate>,
    centre: Option<i32>,
    capacity: Option<i32>,
}

#[allow(clippy::too_many_arguments)]
async fn events_run(
    txn: &DatabaseTransaction,
    actor: &Actor,
    project: &project::Model,
    sheet: &Sheet,
    map: &HashMap<&'static str, usize>,
    centres: &[centre::Model],
    tag: &str,
    progress: Progress<'_>,
    out: &mut Outcomes,
) -> ServiceResult<()> {
    // Parse, and group rows by the event's natural key.
    let mut groups: Vec<EventGroup> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    // A row whose title is its predecessor's and whose start date is blank
    // or the same continues that event: its blank event columns are the
    // ones above (so a grid is written one cell per row under one heading).
    let mut last: Option<EventHead> = None;
    for row in &sheet.rows {
        let mut f = Fields::new(row, map);
        let mut title_az = f.text("title_az").unwrap_or_default();
        let mut title_en = f.text("title_en").unwrap_or_default();
        let mut kind = f.code("kind", "event_kind", EventKind::ALL, EventKind::code);
        let mut start = f.date("start_date");
        let mut end = f.date("end_date");
        let mut centre = f.centre("centre", centres);
        let mut capacity = f.int32("capacity");
        if let Some(prev) = &last {
            let same = |a: &str, b: &str| !a.is_empty() && fold(a) == fold(b);
            let continues = (same(&title_az, &prev.title_az) || same(&title_en, &prev.title_en))
                && start.is_none_or(|d| d == prev.start)
                && f.cell("start_date").is_blank() == start.is_none();
            if continues {
                if title_az.is_empty() {
                    title_az = prev.title_az.clone();
                }
                if title_en.is_empty() {
                    title_en = prev.title_en.clone();
                }
                if f.cell("kind").is_blank() {
                    kind = Some(prev.kind);
                }
                start = start.or(Some(prev.start));
                if f.cell("end_date").is_blank() {
                    end = prev.end;
                }
                if f.cell("centre").is_blank() {
                    centre = prev.centre;
                }
                if f.cell("capacity").is_blank() {
                    capacity = prev.capacity;
                }
            }
        }
        if title_az.is_empty() && title_en.is_empty() {
            f.errors.push(row_error(
                "title_az",
                "REQUIRED",
                "give the title in Azerbaijani or in English",
            ));
        }
        let kind = f.required("kind", kind);
        let start = f.required("start_date", start);
        let has_cell = ["sex", "age_band", "disability", "category", "count"]
            .iter()
            .any(|k| !f.cell(k).is_blank());
        let cell = if has_cell {
            let (sex, age_band, disability, category) = read_cell(&mut f);
            let count = f.int32("count");
            f.required("count", count).map(|count| AttendanceCell {
                sex,
                age_band,
                disability,
                category,
                count,
            })
        } else {
            None
        };
        let (Some(kind), Some(start)) = (kind, start) else {
            out.refuse(row.line, f.errors);
            continue;
        };
        if !f.errors.is_empty() {
            out.refuse(row.line, f.errors);
            continue;
        }
        let head = EventHead {
            title_az,
            title_en,
            kind,
            start,
            end,
            centre,
            capacity,
        };
        last = Some(head.clone());
        let key = format!(
            "{start} {}",
            if head.title_az.is_empty() {
                &head.title_en
            } else {
                &head.title_az
            }
        );
        out.keys.insert(row.line, key.clone());
        let folded = format!("{start}|{}", fold(&key));
        match index.get(&folded) {
            Some(&g) => {
                let first = &groups[g].1;
                if *first != head {
                    out.refuse(
                        row.line,
                        vec![row_error(
                            "",
                            "CONFLICTING_ROW",
                            format!(
                                "this event's title, kind, dates, centre or capacity differ from its first row ({})",
                                groups[g].2[0].0
                            ),
                        )],
                    );
                    continue;
                }
                groups[g].2.push((row.line, cell));
            }
            None => {
                index.insert(folded, groups.len());
                groups.push((key, head, vec![(row.line, cell)]));
            }
        }
    }
    // The project's stored events, by start date.
    let stored = event::Entity::find()
        .filter(event::Column::ProjectId.eq(project.id))
        .all(txn)
        .await?;
    let mut by_start: HashMap<NaiveDate, Vec<event::Model>> = HashMap::new();
    for e in stored {
        if let Some(d) = e.start_date {
            by_start.entry(d).or_default().push(e);
        }
    }
    let total = sheet.rows.len();
    let mut done = 0;
    for (_, head, rows) in groups {
        let lines: Vec<u32> = rows.iter().map(|(l, _)| *l).collect();
        let cells: Vec<AttendanceCell> = rows.iter().filter_map(|(_, c)| *c).collect();
        let cell_lines: Vec<u32> = rows
            .iter()
            .filter(|(_, c)| c.is_some())
            .map(|(l, _)| *l)
            .collect();
        let same_title = |a: &str, b: &str| !a.trim().is_empty() && fold(a) == fold(b);
        let existing = by_start.get(&head.start).and_then(|list| {
            list.iter().find(|e| {
                same_title(&head.title_az, &e.title_az) || same_title(&head.title_en, &e.title_en)
            })
        });
        let a = group_actor(actor, tag, &lines);
        let alias = |k: &str| match k {
            "attendance" | "cells" => "count".to_string(),
            other => common_alias(other),
        };
        let result = match existing {
            None => {
                let input = NewEvent {
                    project_id: project.id,
                    centre_id: head.centre,
                    kind: head.kind,
                    title_az: head.title_az.clone(),
                    title_en: head.title_en.clone(),
                    topics_az: None,
                    topics_en: None,
                    start_date: Some(head.start),
                    end_date: head.end,
                    audience_az: None,
                    audience_en: None,
                    capacity: head.capacity,
                    status: None,
                    area_ids: Vec::new(),
                    attendance: cells.clone(),
                };
                let r = in_savepoint(txn, async |sp| events::create(sp, &a, &input).await).await?;
                for l in &lines {
                    out.status.insert(*l, RowStatus::Created);
                }
                r
            }
            Some(e) => {
                let grid: HashMap<_, i32> = attendance::Entity::find()
                    .filter(attendance::Column::EventId.eq(e.id))
                    .all(txn)
                    .await?
                    .into_iter()
                    .filter(|c| c.count != 0)
                    .map(|c| ((c.sex, c.age_band, c.disability, c.category), c.count))
                    .collect();
                let new_grid: HashMap<_, i32> = cells
                    .iter()
                    .filter(|c| c.count != 0)
                    .map(|c| ((c.sex, c.age_band, c.disability, c.category), c.count))
                    .collect();
                let given =
                    |new: &str, old: &str| new.trim().is_empty() || new.trim() == old.trim();
                let head_same = e.kind == head.kind
                    && given(&head.title_az, &e.title_az)
                    && given(&head.title_en, &e.title_en)
                    && (head.end.is_none() || head.end == e.end_date)
                    && (head.capacity.is_none() || head.capacity == e.capacity);
                let grid_same = cells.is_empty() || grid == new_grid;
                if head.centre.is_some() && head.centre != e.centre_id {
                    for l in &lines {
                        out.refuse(*l, vec![row_error(
                            "centre",
                            "INVALID",
                            "the stored event is held at another centre; an import does not move events (change it in the form)",
                        )]);
                    }
                    Ok(())
                } else if head_same && grid_same {
                    for l in &lines {
                        out.status.insert(*l, RowStatus::Unchanged);
                    }
                    Ok(())
                } else {
                    for (l, c) in &rows {
                        let same = head_same
                            && c.is_some_and(|c| {
                                grid.get(&(c.sex, c.age_band, c.disability, c.category))
                                    .copied()
                                    .unwrap_or(0)
                                    == c.count
                            });
                        out.status.insert(
                            *l,
                            if same {
                                RowStatus::Unchanged
                            } else {
                                RowStatus::Updated
                            },
                        );
                    }
                    let keep = |new: &str, old: &str| {
                        (!new.trim().is_empty() && new.trim() != old.trim())
                            .then(|| new.to_string())
                    };
                    let input = EventChanges {
                        id: e.id,
                        version: e.version,
                        kind: (e.kind != head.kind).then_some(head.kind),
                        title_az: keep(&head.title_az, &e.title_az),
                        title_en: keep(&head.title_en, &e.title_en),
                        topics_az: None,
                        topics_en: None,
                        start_date: None,
                        end_date: head.end.filter(|d| Some(*d) != e.end_date),
                        capacity: head.capacity.filter(|c| Some(*c) != e.capacity),
                        status: None,
                        attendance: (!cells.is_empty() && !grid_same).then(|| cells.clone()),
                    };
                    in_savepoint(txn, async |sp| events::update(sp, &a, &input).await).await?
                }
            }
        };
        if let Err(errors) = result {
            attribute(
                &errors,
                "attendance",
                &cell_lines,
                &lines,
                &alias,
                &mut out.errors,
            );
        }
        done += lines.len();
        progress(done, total);
    }
    Ok(())
}

type CountKey = (
    Option<i32>,
    NaiveDate,
    NaiveDate,
    Option<SupportType>,
    Option<Channel>,
    ServiceStage,
    CountUnit,
    Option<Sex>,
    Option<AgeBand>,
    Option<Disability>,
    Option<BeneficiaryCategory>,
);

#[allow(clippy::too_many_arguments)]
async fn counts_run(
    txn: &DatabaseTransaction,
    actor: &Actor,
    project: &project::Model,
    sheet: &Sheet,
    map: &HashMap<&'static str, usize>,
    centres: &[centre::Model],
    tag: &str,
    progress: Progress<'_>,
    out: &mut Outcomes,
) -> ServiceResult<()> {
    // What is stored, by natural key.
    let mut stored: HashMap<CountKey, (i64, i32)> = HashMap::new();
    for r in service_count::Entity::find()
        .filter(service_count::Column::ProjectId.eq(project.id))
        .all(txn)
        .await?
    {
        if let (Some(s), Some(e)) = (r.period_start, r.period_end) {
            stored.insert(
                (
                    r.centre_id,
                    s,
                    e,
                    r.support_type,
                    r.channel,
                    r.stage,
                    r.unit,
                    r.sex,
                    r.age_band,
                    r.disability,
                    r.category,
                ),
                (r.value, r.version),
            );
        }
    }
    // Group by centre and month, in file order.
    let mut groups: BTreeMap<MonthKey, Vec<(u32, ServiceCountCell)>> = BTreeMap::new();
    let mut seen: HashMap<CountKey, u32> = HashMap::new();
    for row in &sheet.rows {
        let mut f = Fields::new(row, map);
        let centre = f.centre("centre", centres);
        let month = f.month("month");
        let month = f.required("month", month);
        let support_type = f.code(
            "support_type",
            "support_type",
            SupportType::ALL,
            SupportType::code,
        );
        let channel = f.code("channel", "channel", Channel::ALL, Channel::code);
        let stage = f.code("stage", "stage", ServiceStage::ALL, ServiceStage::code);
        let stage = f.required("stage", stage);
        let unit = f.code("unit", "unit", CountUnit::ALL, CountUnit::code);
        let unit = f.required("unit", unit);
        let sex = f.code("sex", "sex", Sex::ALL, Sex::code);
        let age_band = f.code("age_band", "age_band", AgeBand::ALL, AgeBand::code);
        let disability = f.code(
            "disability",
            "disability",
            Disability::ALL,
            Disability::code,
        );
        let category = f.code(
            "category",
            "category",
            BeneficiaryCategory::ALL,
            BeneficiaryCategory::code,
        );
        let value = f.integer("value");
        let value = f.required("value", value);
        let (Some((start, end)), Some(stage), Some(unit), Some(value), true) =
            (month, stage, unit, value, f.errors.is_empty())
        else {
            out.refuse(row.line, f.errors);
            continue;
        };
        let key: CountKey = (
            centre,
            start,
            end,
            support_type,
            channel,
            stage,
            unit,
            sex,
            age_band,
            disability,
            category,
        );
        out.keys.insert(
            row.line,
            format!(
                "{} {} {} {} {} {} {}",
                f.text("centre").unwrap_or_default(),
                start.format("%m.%Y"),
                support_type.map_or("*", SupportType::code),
                channel.map_or("*", Channel::code),
                stage.code(),
                unit.code(),
                [
                    sex.map(Sex::code),
                    age_band.map(AgeBand::code),
                    disability.map(Disability::code),
                    category.map(BeneficiaryCategory::code)
                ]
                .iter()
                .map(|c| c.unwrap_or("*"))
                .collect::<Vec<_>>()
                .join("/")
            )
            .trim()
            .to_string(),
        );
        if let Some(first) = seen.insert(key, row.line) {
            out.refuse(
                row.line,
                vec![row_error(
                    "",
                    "DUPLICATE_ROW",
                    format!("the same cell as row {first}"),
                )],
            );
            continue;
        }
        let version = match stored.get(&key) {
            Some((old, _)) if *old == value => {
                out.status.insert(row.line, RowStatus::Unchanged);
                continue;
            }
            Some((_, version)) => {
                out.status.insert(row.line, RowStatus::Updated);
                Some(*version)
            }
            None => {
                out.status.insert(row.line, RowStatus::Created);
                None
            }
        };
        groups.entry((centre, start, end)).or_default().push((
            row.line,
            ServiceCountCell {
                support_type,
                channel,
                stage,
                unit,
                sex,
                age_band,
                disability,
                category,
                value,
                version,
            },
        ));
    }
    let total = sheet.rows.len();
    let mut done = total - groups.values().map(Vec::len).sum::<usize>();
    progress(done, total);
    let alias = |k: &str| match k {
        "period_start" | "period_end" => "month".to_string(),
        "counts" => "value".to_string(),
        other => common_alias(other),
    };
    for ((centre_id, start, end), cells) in groups {
        let lines: Vec<u32> = cells.iter().map(|(l, _)| *l).collect();
        let input = ServiceCounts {
            project_id: project.id,
            centre_id,
            period_start: start,
            period_end: end,
            sensitivity: None,
            counts: cells.into_iter().map(|(_, c)| c).collect(),
            // A spreadsheet row cannot confirm a warning: a row breaking a
            // warning rule is refused with the rule's message, to be fixed
            // or entered by hand with a reason.
            confirm_reason: None,
        };
        let a = group_actor(actor, tag, &lines);
        if let Err(errors) = in_savepoint(txn, async |sp| {
            figures::set_service_counts(sp, &a, &input).await
        })
        .await?
        {
            attribute(&errors, "counts", &lines, &lines, &alias, &mut out.errors);
        }
        done += lines.len();
        progress(done, total);
    }
    Ok(())
}

fn dimension_of(text: &str) -> Option<&'static str> {
    [
        ("sex", "Cins", "Sex"),
        ("age_band", "Yaş qrupu", "Age band"),
        ("disability", "Əlillik", "Disability"),
        ("category", "Kateqoriya", "Category"),
    ]
    .into_iter()
    .find(|(code, az, en)| {
        parse::names_value(text, code, az, en) || fold(text) == fold(&code.replace('_', " "))
    })
    .map(|(code, _, _)| code)
}

fn dimension_value(f: &mut Fields<'_>, dimension: &str) -> Option<String> {
    let key = "dimension_value";
    Some(
        match dimension {
            "sex" => f.code(key, "sex", Sex::ALL, Sex::code)?.code(),
            "age_band" => f.code(key, "age_band", AgeBand::ALL, AgeBand::code)?.code(),
            "disability" => f
                .code(key, "disability", Disability::ALL, Disability::code)?
                .code(),
            _ => f
                .code(
                    key,
                    "category",
                    BeneficiaryCategory::ALL,
                    BeneficiaryCategory::code,
                )?
                .code(),
        }
        .to_string(),
    )
}

#[allow(clippy::too_many_arguments)]
async fn values_run(
    txn: &DatabaseTransaction,
    actor: &Actor,
    project: &project::Model,
    sheet: &Sheet,
    map: &HashMap<&'static str, usize>,
    tag: &str,
    progress: Progress<'_>,
    out: &mut Outcomes,
) -> ServiceResult<()> {
    let indicators: HashMap<String, indicator::Model> = indicator::Entity::find()
        .filter(indicator::Column::ProjectId.eq(project.id))
        .all(txn)
        .await?
        .into_iter()
        .map(|i| (fold(&i.code), i))
        .collect();
    type Part = (u32, Option<(String, String)>, i64);
    let mut groups: BTreeMap<(i32, NaiveDate, NaiveDate), Vec<Part>> = BTreeMap::new();
    let mut seen: HashMap<ValueKey, u32> = HashMap::new();
    for row in &sheet.rows {
        let mut f = Fields::new(row, map);
        let code = f.text("indicator");
        let code = f.required("indicator", code);
        let ind = code.as_ref().and_then(|c| indicators.get(&fold(c)));
        if let (Some(c), None) = (&code, ind) {
            f.errors.push(row_error(
                "indicator",
                "NOT_FOUND",
                format!("this project has no indicator with the code {c:?}"),
            ));
        }
        let start = f.date("period_start");
        let start = f.required("period_start", start);
        let end = f.date("period_end");
        let end = f.required("period_end", end);
        let dimension = match f.text("dimension") {
            None => None,
            Some(t) => match dimension_of(&t) {
                Some(d) => Some(d),
                None => {
                    f.errors.push(row_error(
                        "dimension",
                        "INVALID",
                        "break down by sex, age band, disability or category",
                    ));
                    None
                }
            },
        };
        let part = match dimension {
            Some(d) => {
                let v = dimension_value(&mut f, d);
                f.required("dimension_value", v).map(|v| (d.to_string(), v))
            }
            None => None,
        };
        let value = f.integer("value");
        let value = f.required("value", value);
        let (Some(ind), Some(start), Some(end), Some(value), true) =
            (ind, start, end, value, f.errors.is_empty())
        else {
            out.refuse(row.line, f.errors);
            continue;
        };
        out.keys.insert(
            row.line,
            format!(
                "{} {start} – {end}{}",
                ind.code,
                part.as_ref()
                    .map(|(d, v)| format!(" {d}={v}"))
                    .unwrap_or_default()
            ),
        );
        if let Some(first) = seen.insert((ind.id, start, end, part.clone()), row.line) {
            out.refuse(
                row.line,
                vec![row_error(
                    "",
                    "DUPLICATE_ROW",
                    format!("the same value as row {first}"),
                )],
            );
            continue;
        }
        groups
            .entry((ind.id, start, end))
            .or_default()
            .push((row.line, part, value));
    }
    let total = sheet.rows.len();
    let mut done = total - groups.values().map(Vec::len).sum::<usize>();
    for ((id, start, end), parts) in groups {
        let lines: Vec<u32> = parts.iter().map(|(l, _, _)| *l).collect();
        let stored: HashMap<Option<(String, String)>, i64> = indicator_value::Entity::find()
            .filter(indicator_value::Column::IndicatorId.eq(id))
            .filter(indicator_value::Column::PeriodStart.eq(start))
            .filter(indicator_value::Column::PeriodEnd.eq(end))
            .all(txn)
            .await?
            .into_iter()
            .map(|v| (v.dimension.zip(v.dimension_value), v.value))
            .collect();
        let new: HashMap<Option<(String, String)>, i64> =
            parts.iter().map(|(_, p, v)| (p.clone(), *v)).collect();
        for (l, p, v) in &parts {
            let status = match stored.get(p) {
                Some(old) if old == v => RowStatus::Unchanged,
                Some(_) => RowStatus::Updated,
                None => RowStatus::Created,
            };
            out.status.insert(*l, status);
        }
        if stored != new {
            let whole = parts.iter().find(|(_, p, _)| p.is_none());
            let breakdown: Vec<&Part> = parts.iter().filter(|(_, p, _)| p.is_some()).collect();
            let breakdown_lines: Vec<u32> = breakdown.iter().map(|(l, _, _)| *l).collect();
            let input = PeriodValues {
                period_start: start,
                period_end: end,
                as_of: None,
                value: whole.map(|(_, _, v)| *v),
                breakdown: breakdown
                    .iter()
                    .map(|(_, p, v)| {
                        let (d, dv) = p.clone().unwrap_or_default();
                        BreakdownValue {
                            dimension: d,
                            dimension_value: dv,
                            value: *v,
                        }
                    })
                    .collect(),
                confirm_reason: None,
                note_az: None,
                note_en: None,
                source_document_id: None,
            };
            let a = group_actor(actor, tag, &lines);
            if let Err(errors) = in_savepoint(txn, async |sp| {
                indicators::record_indicator_values(sp, &a, id, &input).await
            })
            .await?
            {
                let whole_line: Vec<u32> = whole.map(|(l, _, _)| vec![*l]).unwrap_or_default();
                let (field_list, items): (&str, &[u32]) = ("breakdown", &breakdown_lines);
                let alias = |k: &str| match k {
                    "breakdown" => "value".to_string(),
                    other => common_alias(other),
                };
                // Errors on the whole value go to its row; others as usual.
                let (on_whole, rest): (Vec<UserError>, Vec<UserError>) =
                    errors.into_iter().partition(|e| {
                        e.field.last().is_some_and(|s| s == "value")
                            && !e.field.iter().any(|s| s == "breakdown")
                    });
                attribute(
                    &on_whole,
                    "value",
                    &[],
                    if whole_line.is_empty() {
                        &lines
                    } else {
                        &whole_line
                    },
                    &alias,
                    &mut out.errors,
                );
                attribute(&rest, field_list, items, &lines, &alias, &mut out.errors);
            }
        }
        done += lines.len();
        progress(done, total);
    }
    Ok(())
}
