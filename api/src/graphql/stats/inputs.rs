//! Statistics inputs and output rows: dimensions, filters, tables, facility counts.

use crate::graphql::prelude::*;
use crate::stats::Dimension;

// The GraphQL face of `crate::stats::Dimension`: the conversions both ways
// are generated (`remote`), so a dimension added there fails to compile here
// until it is named.
/// A dimension statistics can be grouped or filtered by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::stats::Dimension")]
pub enum StatsDimension {
    /// The project.
    Project,
    /// The organisation accountable for the project.
    Organisation,
    /// The centre of the event or service count.
    Centre,
    /// The district-level area (district, or city of republican subordination) of the event's or centre's area.
    District,
    /// The event (participant statistics only).
    Event,
    /// The kind of event (participant statistics only).
    EventKind,
    /// Sex.
    Sex,
    /// Age band.
    AgeBand,
    /// Disability status.
    Disability,
    /// Beneficiary category.
    Category,
    /// Calendar month `YYYY-MM`, when the event or period lies within one.
    Month,
    /// Calendar quarter `YYYY-Qn`, when the event or period lies within one.
    Quarter,
    /// Calendar year `YYYY`, when the event or period lies within one.
    Year,
    /// Type of support (service statistics only).
    SupportType,
    /// Channel (service statistics only).
    Channel,
    /// Stage: received, served, referred (service statistics only).
    Stage,
    /// Unit counted (service statistics are always split by unit).
    Unit,
}

/// Filter of statistics. Each field selects the cells with that value of a
/// dimension (so filtering by a project and grouping by project publish the
/// same figures); `area` restricts to facts located in an area and its sub-areas.
#[derive(InputObject, Debug, Clone, Default)]
pub struct StatsFilter {
    /// Only this project.
    pub project: Option<ID>,
    /// Only projects this organisation is accountable for.
    pub organisation: Option<ID>,
    /// Only this centre.
    pub centre: Option<ID>,
    /// Only this district-level area (see `DISTRICT`).
    pub district: Option<ID>,
    /// Only this event (participant statistics).
    pub event: Option<ID>,
    /// Only facts located in this area or any area inside it.
    pub area: Option<ID>,
    /// Only this kind of event (participant statistics).
    pub event_kind: Option<EventKind>,
    /// Only this sex.
    pub sex: Option<Sex>,
    /// Only this age band.
    pub age_band: Option<AgeBand>,
    /// Only this disability status.
    pub disability: Option<Disability>,
    /// Only this beneficiary category.
    pub category: Option<BeneficiaryCategory>,
    /// Only this type of support (service statistics).
    pub support_type: Option<SupportType>,
    /// Only this channel (service statistics).
    pub channel: Option<Channel>,
    /// Only this stage (service statistics).
    pub stage: Option<ServiceStage>,
    /// Only this unit.
    pub unit: Option<CountUnit>,
    /// Only this calendar year (facts whose period lies within it).
    pub year: Option<i32>,
    /// Only this quarter, `YYYY-Qn` (e.g. `2021-Q3`).
    pub quarter: Option<String>,
    /// Only this month, `YYYY-MM`.
    pub month: Option<String>,
}

impl StatsFilter {
    /// The dimension selection and the area, from the filter.
    pub fn to_selection(&self) -> ApiResult<(Selection, Option<i32>)> {
        let mut s: Vec<(Dimension, Option<String>)> = Vec::new();
        let id = |kind: NodeType, v: &ID| decode_as(kind, v).map(|i| Some(i.to_string()));
        if let Some(v) = &self.project {
            s.push((Dimension::Project, id(NodeType::Project, v)?));
        }
        if let Some(v) = &self.organisation {
            s.push((Dimension::Organisation, id(NodeType::Organisation, v)?));
        }
        if let Some(v) = &self.centre {
            s.push((Dimension::Centre, id(NodeType::Centre, v)?));
        }
        if let Some(v) = &self.district {
            s.push((Dimension::District, id(NodeType::Area, v)?));
        }
        if let Some(v) = &self.event {
            s.push((Dimension::Event, id(NodeType::Event, v)?));
        }
        let code = |c: &str| Some(c.to_string());
        if let Some(v) = self.event_kind {
            s.push((Dimension::EventKind, code(v.code())));
        }
        if let Some(v) = self.sex {
            s.push((Dimension::Sex, code(v.code())));
        }
        if let Some(v) = self.age_band {
            s.push((Dimension::AgeBand, code(v.code())));
        }
        if let Some(v) = self.disability {
            s.push((Dimension::Disability, code(v.code())));
        }
        if let Some(v) = self.category {
            s.push((Dimension::Category, code(v.code())));
        }
        if let Some(v) = self.support_type {
            s.push((Dimension::SupportType, code(v.code())));
        }
        if let Some(v) = self.channel {
            s.push((Dimension::Channel, code(v.code())));
        }
        if let Some(v) = self.stage {
            s.push((Dimension::Stage, code(v.code())));
        }
        if let Some(v) = self.unit {
            s.push((Dimension::Unit, code(v.code())));
        }
        if let Some(y) = self.year {
            if !(1900..=2999).contains(&y) {
                return Err(AppError::bad_input("year must be between 1900 and 2999"));
            }
            s.push((Dimension::Year, Some(y.to_string())));
        }
        if let Some(q) = &self.quarter {
            let q = q.trim().to_ascii_uppercase();
            let ok = q.len() == 7
                && q[..4].chars().all(|c| c.is_ascii_digit())
                && &q[4..6] == "-Q"
                && matches!(&q[6..], "1" | "2" | "3" | "4");
            if !ok {
                return Err(AppError::bad_input("quarter must look like 2021-Q3"));
            }
            s.push((Dimension::Quarter, Some(q)));
        }
        if let Some(m) = &self.month {
            let m = m.trim();
            if NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").is_err() || m.len() != 7 {
                return Err(AppError::bad_input("month must look like 2021-08"));
            }
            s.push((Dimension::Month, Some(m.to_string())));
        }
        let area = match &self.area {
            Some(a) => Some(decode_as(NodeType::Area, a)?),
            None => None,
        };
        Ok((s, area))
    }
}

/// Dimension filters: (dimension, value) pairs.
pub type Selection = Vec<(Dimension, Option<String>)>;

/// The value of one dimension in a statistics row.
#[derive(SimpleObject, Debug, Clone)]
pub struct DimensionValue {
    /// The dimension.
    pub dimension: StatsDimension,
    /// Stable code: the code-list value (e.g. `female`, `legal`), `YYYY`/`YYYY-Qn`/`YYYY-MM`,
    /// a project's slug, an area's ISO 3166-2 code, an organisation's IATI identifier or acronym,
    /// else the global ID; null when unknown or not broken down.
    pub code: Option<String>,
    /// Global ID of the project, organisation, centre, area or event; null for code values.
    pub id: Option<ID>,
    /// Name in the language asked for.
    pub name: String,
}

/// One row of an aggregate: dimension values and the published sum.
#[derive(SimpleObject, Debug, Clone)]
pub struct StatsRow {
    /// Values of the grouped dimensions, in the order asked.
    /// Bounded: one per dimension grouped by (at most three).
    pub dimensions: Vec<DimensionValue>,
    /// The sum; null when suppressed.
    pub value: Option<i64>,
    /// True when the value was withheld by small-cell suppression.
    pub suppressed: bool,
    /// How it was protected and its class.
    #[graphql(flatten)]
    pub disclosure: Disclosure,
    /// Unit counted (persons and appeals are never added together).
    pub unit: CountUnit,
    /// True when the value depends on an illustrative breakdown (not given by the sources).
    pub illustrative: bool,
}

/// The total of one unit over all rows of an aggregate, as published.
#[derive(SimpleObject, Debug, Clone)]
pub struct StatsTotal {
    /// Unit counted.
    pub unit: CountUnit,
    /// The total, withheld rows included (published by the same rule as every row).
    pub value: Option<i64>,
    /// True when the total was withheld.
    pub suppressed: bool,
    /// How it was protected and its class.
    #[graphql(flatten)]
    pub disclosure: Disclosure,
    /// True when the total depends on an illustrative breakdown.
    pub illustrative: bool,
}

/// An aggregate: rows grouped by the dimensions asked, and totals per unit.
#[derive(SimpleObject, Debug, Clone)]
pub struct StatsTable {
    /// The dimensions grouped by.
    pub group_by: Vec<StatsDimension>,
    /// Rows in order of their dimension codes.
    /// Bounded: one per combination of the grouped values that has data (at most three
    /// dimensions); narrow with `filter` (periods, areas, programmes).
    pub rows: Vec<StatsRow>,
    /// One total per unit.
    /// Bounded: one per unit counted.
    pub totals: Vec<StatsTotal>,
    /// True when small-cell suppression applied to this reader.
    pub suppression_applied: bool,
}

/// A dimension facility counts can be grouped by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::stats::facilities::FacilityDimension")]
pub enum FacilityDimension {
    /// The project.
    Project,
    /// The district-level area of the centre or work.
    District,
    /// Kind of centre or work.
    Kind,
    /// Status of the centre (latest milestone) or work.
    Status,
}

/// The value of one dimension in a facility count.
#[derive(SimpleObject, Debug, Clone)]
pub struct FacilityDimensionValue {
    /// The dimension.
    pub dimension: FacilityDimension,
    /// Stable code (kind or status code, project slug, area ISO code or global ID); null when unknown.
    pub code: Option<String>,
    /// Global ID of the project or area; null for code values.
    pub id: Option<ID>,
    /// Name in the language asked for.
    pub name: String,
}

/// A count of centres or works.
#[derive(SimpleObject, Debug, Clone)]
pub struct FacilityCount {
    /// Values of the grouped dimensions, in the order asked.
    /// Bounded: one per dimension grouped by.
    pub dimensions: Vec<FacilityDimensionValue>,
    /// How many.
    pub count: i64,
    /// Unit: `CENTRES` or `WORKS`.
    pub unit: CountUnit,
}

/// Filter of centre counts.
#[derive(InputObject, Debug, Clone, Default)]
pub struct CentreStatsFilter {
    /// Only this project.
    pub project: Option<ID>,
    /// Only centres in, or serving, this area or any area inside it.
    pub area: Option<ID>,
    /// Only these kinds.
    pub kind: Option<Vec<CentreKind>>,
    /// Only these statuses.
    pub status: Option<Vec<CentreStatus>>,
}

/// Filter of infrastructure work counts.
#[derive(InputObject, Debug, Clone, Default)]
pub struct WorkStatsFilter {
    /// Only this project.
    pub project: Option<ID>,
    /// Only works in this area or any area inside it.
    pub area: Option<ID>,
    /// Only these kinds.
    pub kind: Option<Vec<WorkKind>>,
    /// Only these statuses.
    pub status: Option<Vec<WorkStatus>>,
}

/// Where an indicator's actual value comes from.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMethod {
    /// Entered as indicator values.
    Entered,
    /// Derived from the recorded facts by the indicator's rule.
    Derived,
}

/// A disaggregated value of an indicator period.
#[derive(SimpleObject, Debug, Clone)]
pub struct IndicatorDisaggregation {
    /// Dimension, e.g. `sex` or `level`.
    pub dimension: String,
    /// Its value, e.g. `female` or `central`.
    pub value: String,
    /// The count, as published.
    pub count: Count,
    /// True when the value is illustrative.
    pub illustrative: bool,
}

/// An indicator's actual value for one period.
#[derive(SimpleObject, Debug, Clone)]
pub struct IndicatorPeriod {
    /// First day; null when the source gives none.
    pub period_start: Option<NaiveDate>,
    /// Last day; null when open or not given.
    pub period_end: Option<NaiveDate>,
    /// The value, as published.
    pub value: Count,
    /// Date the value is current as of, where known.
    pub as_of: Option<NaiveDate>,
    /// True when the value is illustrative.
    pub illustrative: bool,
    /// Breakdowns, where allowed (suppressed ones come back null).
    /// Bounded: one per breakdown value entered for the period.
    pub disaggregations: Vec<IndicatorDisaggregation>,
}
