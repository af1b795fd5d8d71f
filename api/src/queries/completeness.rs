//! Completeness and timeliness of periodic reports, computed from a
//! project's reporting obligations and the receipts its write services
//! record (`services::quality`).
//!
//! A unit owes a period when an obligation names it (or names every centre
//! and the centre is live: not archived, not closed, and opened, when that
//! is known, before the period ends) and the period starts on or after the
//! obligation's first period and not after its last. A unit reported the
//! period when a receipt of its figures lies inside the period; it reported
//! on time when the first write of that receipt came on or before the due
//! day (the period's last day plus the obligation's `due_days`).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use entities::codes::{
    AreaKind, CentreStatus, ObligationFigures, ObligationUnit, ReportingFrequency,
};
use entities::{area, centre, report_receipt, reporting_obligation};

/// Most periods one question may span (five years of months).
pub const MAX_MONTHS: u32 = 60;

/// Where a unit stands for one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnitState {
    /// Arrived by the due day.
    OnTime,
    /// Arrived after the due day.
    Late,
    /// Not arrived, and the due day has passed.
    Overdue,
    /// Not arrived, and the due day is today or later.
    Due,
}

impl UnitState {
    /// Whether the report arrived.
    pub fn received(self) -> bool {
        matches!(self, UnitState::OnTime | UnitState::Late)
    }
}

/// One unit's report for one period.
#[derive(Debug, Clone)]
pub struct UnitPeriod {
    /// The obligation.
    pub obligation_id: i32,
    /// The project.
    pub project_id: i32,
    /// Which figures.
    pub figures: ObligationFigures,
    /// The centre, or `None` for the project as a whole.
    pub centre_id: Option<i32>,
    /// The unit's district (or city), when known.
    pub district_id: Option<i32>,
    /// Whether the unit's location is withheld from the public.
    pub sensitive_location: bool,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// The day it is due.
    pub due_on: NaiveDate,
    /// When it first arrived.
    pub received_at: Option<DateTime<Utc>>,
    /// Where it stands.
    pub state: UnitState,
}

/// The first day of the period of `frequency` containing `d`.
pub fn period_of(frequency: ReportingFrequency, d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let months = match frequency {
        ReportingFrequency::Monthly => 1,
        ReportingFrequency::Quarterly => 3,
    };
    let m0 = (d.month0() / months) * months;
    let start = NaiveDate::from_ymd_opt(d.year(), m0 + 1, 1).unwrap_or(d);
    let end = start
        .checked_add_months(Months::new(months))
        .and_then(|n| n.pred_opt())
        .unwrap_or(start);
    (start, end)
}

/// The periods of `frequency` overlapping `[from, to]`, oldest first.
pub fn periods(
    frequency: ReportingFrequency,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let (mut start, mut end) = period_of(frequency, from);
    while start <= to && out.len() < MAX_MONTHS as usize {
        out.push((start, end));
        let Some(next) = end.succ_opt() else { break };
        (start, end) = period_of(frequency, next);
    }
    out
}

async fn district_of<C: ConnectionTrait>(
    db: &C,
    area_id: Option<i32>,
    cache: &mut HashMap<i32, Option<area::Model>>,
) -> Result<Option<i32>, DbErr> {
    let mut next = area_id;
    for _ in 0..10 {
        let Some(id) = next else { return Ok(None) };
        let a = match cache.get(&id) {
            Some(known) => known.clone(),
            None => {
                let found = area::Entity::find_by_id(id).one(db).await?;
                cache.insert(id, found.clone());
                found
            }
        };
        let Some(a) = a else {
            return Ok(None);
        };
        if matches!(a.kind, AreaKind::District | AreaKind::City) {
            return Ok(Some(a.id));
        }
        next = a.parent_id;
    }
    Ok(None)
}

/// Every unit-period the projects' live obligations ask for with a period
/// overlapping `[from, to]` and starting on or before `today`, with where
/// each stands on `today`.
pub async fn unit_periods<C: ConnectionTrait>(
    db: &C,
    project_ids: &[i32],
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<UnitPeriod>, DbErr> {
    if project_ids.is_empty() {
        return Ok(Vec::new());
    }
    let obligations = reporting_obligation::Entity::find()
        .filter(reporting_obligation::Column::ProjectId.is_in(project_ids.to_vec()))
        .filter(reporting_obligation::Column::ArchivedAt.is_null())
        .order_by_asc(reporting_obligation::Column::Id)
        .all(db)
        .await?;
    if obligations.is_empty() {
        return Ok(Vec::new());
    }
    let centres = centre::Entity::find()
        .filter(centre::Column::ProjectId.is_in(project_ids.to_vec()))
        .all(db)
        .await?;
    let receipts = report_receipt::Entity::find()
        .filter(report_receipt::Column::ProjectId.is_in(project_ids.to_vec()))
        .filter(report_receipt::Column::PeriodEnd.gte(from))
        .filter(
            report_receipt::Column::PeriodStart
                .lte(to.checked_add_months(Months::new(3)).unwrap_or(to)),
        )
        .all(db)
        .await?;
    let mut areas = HashMap::new();
    let mut districts: HashMap<i32, Option<i32>> = HashMap::new();
    for c in &centres {
        districts.insert(c.id, district_of(db, c.area_id, &mut areas).await?);
    }
    // (project, unit, figures) → receipts.
    let mut by_unit: HashMap<(i32, i32, ObligationFigures), Vec<&report_receipt::Model>> =
        HashMap::new();
    for r in &receipts {
        by_unit
            .entry((r.project_id, r.unit_key, r.figures))
            .or_default()
            .push(r);
    }
    let mut out = Vec::new();
    for o in &obligations {
        let first = period_of(o.frequency, o.starts_on).0;
        let last = o.ends_on.unwrap_or(to);
        let units: Vec<&centre::Model> = match (o.unit_kind, o.centre_id) {
            (ObligationUnit::Project, _) => Vec::new(),
            (ObligationUnit::Centre, Some(id)) => centres.iter().filter(|c| c.id == id).collect(),
            (ObligationUnit::Centre, None) => centres
                .iter()
                .filter(|c| c.project_id == o.project_id && c.archived_at.is_none())
                .filter(|c| c.status != Some(CentreStatus::Closed))
                .collect(),
        };
        for (start, end) in periods(o.frequency, from.max(first), to.min(last)) {
            if start > today || start < first {
                continue;
            }
            let due_on = end + chrono::Days::new(o.due_days.max(0) as u64);
            let mut push = |centre: Option<&centre::Model>| {
                let key = centre.map(|c| c.id).unwrap_or(0);
                let received_at = by_unit
                    .get(&(o.project_id, key, o.figures))
                    .into_iter()
                    .flatten()
                    .filter(|r| r.period_start >= start && r.period_end <= end)
                    .map(|r| r.first_received_at)
                    .min();
                let state = match received_at {
                    Some(at) if at.date_naive() <= due_on => UnitState::OnTime,
                    Some(_) => UnitState::Late,
                    None if today > due_on => UnitState::Overdue,
                    None => UnitState::Due,
                };
                out.push(UnitPeriod {
                    obligation_id: o.id,
                    project_id: o.project_id,
                    figures: o.figures,
                    centre_id: centre.map(|c| c.id),
                    district_id: centre.and_then(|c| districts.get(&c.id).copied().flatten()),
                    sensitive_location: centre.is_some_and(|c| c.sensitive_location),
                    period_start: start,
                    period_end: end,
                    due_on,
                    received_at,
                    state,
                });
            };
            if o.unit_kind == ObligationUnit::Project {
                push(None);
            } else {
                for c in &units {
                    let opened_late = c.opened_on.is_some_and(|d| d > end);
                    if !opened_late {
                        push(Some(c));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Counts of one group of unit-periods.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Reports owed.
    pub expected: i32,
    /// Reports arrived.
    pub received: i32,
    /// Reports arrived by the due day.
    pub on_time: i32,
    /// Reports not arrived after the due day.
    pub overdue: i32,
}

impl Tally {
    fn add(&mut self, u: &UnitPeriod) {
        self.expected += 1;
        self.received += i32::from(u.state.received());
        self.on_time += i32::from(u.state == UnitState::OnTime);
        self.overdue += i32::from(u.state == UnitState::Overdue);
    }
}

/// One period's completeness for one kind of figures, with its districts.
#[derive(Debug, Clone)]
pub struct PeriodTally {
    /// Which figures.
    pub figures: ObligationFigures,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// All units together.
    pub total: Tally,
    /// Per district (`None`: the project as a whole, a unit with no known
    /// district, or, for a reader who may not see it, a sensitive location).
    pub districts: BTreeMap<Option<i32>, Tally>,
}

/// Groups unit-periods by figures and period (oldest first), and within
/// each by district; `hide_sensitive` puts units at sensitive locations
/// under no district.
pub fn tally(units: &[UnitPeriod], hide_sensitive: bool) -> Vec<PeriodTally> {
    let mut groups: BTreeMap<(NaiveDate, NaiveDate, ObligationFigures), PeriodTally> =
        BTreeMap::new();
    for u in units {
        let g = groups
            .entry((u.period_start, u.period_end, u.figures))
            .or_insert_with(|| PeriodTally {
                figures: u.figures,
                period_start: u.period_start,
                period_end: u.period_end,
                total: Tally::default(),
                districts: BTreeMap::new(),
            });
        g.total.add(u);
        let district = if hide_sensitive && u.sensitive_location {
            None
        } else {
            u.district_id
        };
        g.districts.entry(district).or_default().add(u);
    }
    groups.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_and_quarters_cover_the_range() {
        let months = periods(ReportingFrequency::Monthly, d(2024, 1, 15), d(2024, 3, 1));
        assert_eq!(
            months,
            vec![
                (d(2024, 1, 1), d(2024, 1, 31)),
                (d(2024, 2, 1), d(2024, 2, 29)),
                (d(2024, 3, 1), d(2024, 3, 31))
            ]
        );
        let quarters = periods(
            ReportingFrequency::Quarterly,
            d(2024, 5, 2),
            d(2024, 12, 31),
        );
        assert_eq!(quarters.len(), 3);
        assert_eq!(quarters[0], (d(2024, 4, 1), d(2024, 6, 30)));
        assert_eq!(quarters[2], (d(2024, 10, 1), d(2024, 12, 31)));
    }

    #[test]
    fn a_far_range_is_capped() {
        let many = periods(ReportingFrequency::Monthly, d(1990, 1, 1), d(2100, 12, 31));
        assert_eq!(many.len(), MAX_MONTHS as usize);
    }
}
