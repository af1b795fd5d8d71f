//! GraphQL face of the statistics: aggregates grouped by any dimensions,
//! facility counts, indicator progress and a project overview. Resolvers
//! check access and shape output; the work is in [`crate::stats`].

use std::collections::{BTreeSet, HashMap};

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use entities::codes::*;
use entities::*;

use super::ids::{NodeType, decode_as, encode};
use super::lang::{Lang, resolve};
use super::types::{Area, Count, Indicator, Project, SourceDocument, scope};
use crate::disclosure::Figure;
use crate::error::{ApiResult, AppError};
use crate::stats::aggregate::{self, Cache, Kind, StatsQuery as Question};
use crate::stats::facilities::{self, Facility, FacilityQuery};
use crate::stats::progress::{self, Method, Progress};
use crate::stats::{Access, Dimension, labels};

/// A dimension statistics can be grouped or filtered by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
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

impl From<StatsDimension> for Dimension {
    fn from(d: StatsDimension) -> Self {
        match d {
            StatsDimension::Project => Dimension::Project,
            StatsDimension::Organisation => Dimension::Organisation,
            StatsDimension::Centre => Dimension::Centre,
            StatsDimension::District => Dimension::District,
            StatsDimension::Event => Dimension::Event,
            StatsDimension::EventKind => Dimension::EventKind,
            StatsDimension::Sex => Dimension::Sex,
            StatsDimension::AgeBand => Dimension::AgeBand,
            StatsDimension::Disability => Dimension::Disability,
            StatsDimension::Category => Dimension::Category,
            StatsDimension::Month => Dimension::Month,
            StatsDimension::Quarter => Dimension::Quarter,
            StatsDimension::Year => Dimension::Year,
            StatsDimension::SupportType => Dimension::SupportType,
            StatsDimension::Channel => Dimension::Channel,
            StatsDimension::Stage => Dimension::Stage,
            StatsDimension::Unit => Dimension::Unit,
        }
    }
}

impl From<Dimension> for StatsDimension {
    fn from(d: Dimension) -> Self {
        match d {
            Dimension::Project => StatsDimension::Project,
            Dimension::Organisation => StatsDimension::Organisation,
            Dimension::Centre => StatsDimension::Centre,
            Dimension::District => StatsDimension::District,
            Dimension::Event => StatsDimension::Event,
            Dimension::EventKind => StatsDimension::EventKind,
            Dimension::Sex => StatsDimension::Sex,
            Dimension::AgeBand => StatsDimension::AgeBand,
            Dimension::Disability => StatsDimension::Disability,
            Dimension::Category => StatsDimension::Category,
            Dimension::Month => StatsDimension::Month,
            Dimension::Quarter => StatsDimension::Quarter,
            Dimension::Year => StatsDimension::Year,
            Dimension::SupportType => StatsDimension::SupportType,
            Dimension::Channel => StatsDimension::Channel,
            Dimension::Stage => StatsDimension::Stage,
            Dimension::Unit => StatsDimension::Unit,
        }
    }
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
    pub dimensions: Vec<DimensionValue>,
    /// The sum; null when suppressed.
    pub value: Option<i64>,
    /// True when the value was withheld by small-cell suppression.
    pub suppressed: bool,
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
    /// The total, suppressed rows included; null when it would reveal one of them.
    pub value: Option<i64>,
    /// True when the total was withheld.
    pub suppressed: bool,
    /// True when the total depends on an illustrative breakdown.
    pub illustrative: bool,
}

/// An aggregate: rows grouped by the dimensions asked, and totals per unit.
#[derive(SimpleObject, Debug, Clone)]
pub struct StatsTable {
    /// The dimensions grouped by.
    pub group_by: Vec<StatsDimension>,
    /// Rows in order of their dimension codes.
    pub rows: Vec<StatsRow>,
    /// One total per unit.
    pub totals: Vec<StatsTotal>,
    /// True when small-cell suppression applied to this reader.
    pub suppression_applied: bool,
}

/// A dimension facility counts can be grouped by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
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

impl From<FacilityDimension> for facilities::FacilityDimension {
    fn from(d: FacilityDimension) -> Self {
        match d {
            FacilityDimension::Project => Self::Project,
            FacilityDimension::District => Self::District,
            FacilityDimension::Kind => Self::Kind,
            FacilityDimension::Status => Self::Status,
        }
    }
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
    pub disaggregations: Vec<IndicatorDisaggregation>,
}

/// An indicator's progress: baseline, target and actual, per period and in all.
#[derive(Clone)]
pub struct IndicatorProgress(Progress);

/// An indicator's progress: baseline, target and actual, per period and in all.
#[Object]
impl IndicatorProgress {
    /// The indicator.
    async fn indicator(&self) -> Indicator {
        Indicator(self.0.indicator.clone())
    }
    /// Short code of the indicator.
    async fn code(&self) -> &str {
        &self.0.indicator.code
    }
    /// Title in the language asked for.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Lang>) -> String {
        let i = &self.0.indicator;
        resolve(ctx, lang).pick(&i.title_az, &i.title_en).clone()
    }
    /// Unit counted.
    async fn unit(&self) -> CountUnit {
        self.0.indicator.unit
    }
    /// How periods combine: `SUM`, or `LATEST` for cumulative figures.
    async fn aggregation(&self) -> Aggregation {
        self.0.indicator.aggregation
    }
    /// Entered, or derived from facts.
    async fn method(&self) -> ProgressMethod {
        match self.0.method {
            Method::Entered => ProgressMethod::Entered,
            Method::Derived => ProgressMethod::Derived,
        }
    }
    /// The derivation rule, for derived indicators (e.g. `works.completed`).
    async fn rule(&self) -> Option<&str> {
        self.0.indicator.derived_from.as_deref()
    }
    /// Baseline value, where known.
    async fn baseline(&self) -> Option<i64> {
        self.0.indicator.baseline
    }
    /// Target value, where known.
    async fn target(&self) -> Option<i64> {
        self.0.indicator.target
    }
    /// Date the target should be reached by, where known.
    async fn target_date(&self) -> Option<NaiveDate> {
        self.0.indicator.target_date
    }
    /// True when the baseline or target is illustrative (not stated by the sources).
    async fn target_illustrative(&self) -> bool {
        self.0.indicator.illustrative
    }
    /// The actual over all periods by the aggregation rule; null value when nothing is recorded or suppressed.
    async fn actual(&self) -> Count {
        match self.0.actual {
            Some(f) => f.into(),
            None => Count {
                value: None,
                suppressed: false,
            },
        }
    }
    /// Actual as a percentage of the target (one decimal); null when either is unknown or suppressed.
    async fn percent_of_target(&self) -> Option<f64> {
        self.0.percent_of_target
    }
    /// Date the actual is current as of, where known.
    async fn as_of(&self) -> Option<NaiveDate> {
        self.0.as_of
    }
    /// True when the actual depends on illustrative values.
    async fn illustrative(&self) -> bool {
        self.0.illustrative
    }
    /// Values per period, oldest first (periods of unknown date first).
    async fn periods(&self) -> Vec<IndicatorPeriod> {
        self.0
            .periods
            .iter()
            .map(|p| IndicatorPeriod {
                period_start: p.start,
                period_end: p.end,
                value: p.figure.into(),
                as_of: p.as_of,
                illustrative: p.illustrative,
                disaggregations: p
                    .disaggregations
                    .iter()
                    .map(|d| IndicatorDisaggregation {
                        dimension: d.dimension.clone(),
                        value: d.value.clone(),
                        count: d.figure.into(),
                        illustrative: d.illustrative,
                    })
                    .collect(),
            })
            .collect()
    }
    /// The source documents behind the indicator and its figures.
    async fn sources(&self, ctx: &Context<'_>) -> ApiResult<Vec<SourceDocument>> {
        sources(db(ctx), &self.0.source_ids).await
    }
}

/// A project at a glance: what was planned, what is done, by when and where.
pub struct ProjectOverview {
    project: project::Model,
    progress: Vec<Progress>,
    centres: Vec<FacilityCount>,
    works: Vec<FacilityCount>,
    participants: Vec<StatsTotal>,
    services: Vec<StatsTotal>,
    areas: Vec<area::Model>,
}

/// A project at a glance: what was planned, what is done, by when and where.
#[Object]
impl ProjectOverview {
    /// The project (title, status, dates, budget, participants…).
    async fn project(&self) -> Project {
        Project(self.project.clone())
    }
    /// Status (IATI activity status).
    async fn status(&self) -> ProjectStatus {
        self.project.status
    }
    /// Planned start; null when not published.
    async fn planned_start(&self) -> Option<NaiveDate> {
        self.project.planned_start
    }
    /// Planned end ("by when"); null when not published.
    async fn planned_end(&self) -> Option<NaiveDate> {
        self.project.planned_end
    }
    /// Actual start; null when not published.
    async fn actual_start(&self) -> Option<NaiveDate> {
        self.project.actual_start
    }
    /// Actual end; null when not published.
    async fn actual_end(&self) -> Option<NaiveDate> {
        self.project.actual_end
    }
    /// Planned against done: every indicator with its target and actual.
    async fn indicators(&self) -> Vec<IndicatorProgress> {
        self.progress
            .iter()
            .cloned()
            .map(IndicatorProgress)
            .collect()
    }
    /// Centres by status.
    async fn centres_by_status(&self) -> &[FacilityCount] {
        &self.centres
    }
    /// Infrastructure works by status.
    async fn works_by_status(&self) -> &[FacilityCount] {
        &self.works
    }
    /// Participants of the project's events, in all (as published).
    async fn participants(&self) -> &[StatsTotal] {
        &self.participants
    }
    /// People or appeals served, per unit (as published).
    async fn services(&self) -> &[StatsTotal] {
        &self.services
    }
    /// Where: the areas the project works in, and those of its (public) centres and works.
    async fn areas(&self) -> Vec<Area> {
        self.areas.iter().cloned().map(Area).collect()
    }
    /// The latest as-of date of the figures shown, where known.
    async fn as_of(&self) -> Option<NaiveDate> {
        self.progress.iter().filter_map(|p| p.as_of).max()
    }
    /// Every source document behind the project and its figures.
    async fn sources(&self, ctx: &Context<'_>) -> ApiResult<Vec<SourceDocument>> {
        let mut ids: BTreeSet<i32> = self.project.source_document_id.into_iter().collect();
        for p in &self.progress {
            ids.extend(p.source_ids.iter().copied());
        }
        sources(db(ctx), &ids.into_iter().collect::<Vec<_>>()).await
    }
}

fn db<'a>(ctx: &'a Context<'_>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

async fn sources(db: &DatabaseConnection, ids: &[i32]) -> ApiResult<Vec<SourceDocument>> {
    Ok(source_document::Entity::find()
        .filter(source_document::Column::Id.is_in(ids.to_vec()))
        .order_by_asc(source_document::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(SourceDocument)
        .collect())
}

/// The caller's access for statistics (read once per request).
pub(crate) async fn access(ctx: &Context<'_>) -> ApiResult<Access> {
    let viewer = &scope(ctx).viewer;
    let load = || {
        Access::load(db(ctx), viewer.project_scope(), |p| {
            viewer.sees_raw_figures(p)
        })
    };
    match ctx.data_opt::<Cache>() {
        Some(cache) => Ok(cache
            .access
            .get_or_try_init(load)
            .await
            .map_err(AppError::from)?
            .clone()),
        None => Ok(load().await?),
    }
}

/// A project's service counts as published: the same suppression as
/// `serviceStats`, with illustrative breakdowns shown as the reported figure.
pub(crate) async fn published_service_counts(
    ctx: &Context<'_>,
    project_id: i32,
    rows: Vec<service_count::Model>,
) -> ApiResult<Vec<(service_count::Model, Figure)>> {
    let access = access(ctx).await?;
    aggregate::reported_service_counts(
        db(ctx),
        &access,
        scope(ctx).thresholds,
        project_id,
        rows,
        ctx.data_opt::<Cache>(),
    )
    .await
}

/// An event's attendance cells and total as published: the same suppression
/// as `participantStats`.
pub(crate) async fn published_attendance(
    ctx: &Context<'_>,
    project_id: i32,
    rows: &[attendance::Model],
) -> ApiResult<(Vec<Figure>, Figure)> {
    let access = access(ctx).await?;
    aggregate::published_attendance(
        db(ctx),
        &access,
        scope(ctx).thresholds,
        project_id,
        rows,
        ctx.data_opt::<Cache>(),
    )
    .await
}

/// Names and codes of entity dimension values, loaded in one query per table.
#[derive(Default)]
pub struct Names {
    projects: HashMap<i32, project::Model>,
    organisations: HashMap<i32, organisation::Model>,
    centres: HashMap<i32, centre::Model>,
    areas: HashMap<i32, area::Model>,
    events: HashMap<i32, event::Model>,
}

impl Names {
    /// Loads the rows named by `keys` (dimension, raw id text).
    pub async fn load(
        db: &DatabaseConnection,
        keys: &[(Dimension, Option<String>)],
    ) -> ApiResult<Self> {
        let mut wanted: HashMap<Dimension, BTreeSet<i32>> = HashMap::new();
        for (d, v) in keys {
            let d = *d;
            if let Some(id) = v.as_deref().and_then(|v| v.parse::<i32>().ok())
                && d.is_entity()
            {
                wanted.entry(d).or_default().insert(id);
            }
        }
        let ids = |d: Dimension| {
            wanted
                .get(&d)
                .map(|s| s.iter().copied().collect::<Vec<_>>())
        };
        let mut names = Self::default();
        if let Some(ids) = ids(Dimension::Project) {
            names.projects = by_id(
                project::Entity::find()
                    .filter(project::Column::Id.is_in(ids))
                    .all(db)
                    .await?,
                |m| m.id,
            );
        }
        if let Some(ids) = ids(Dimension::Organisation) {
            names.organisations = by_id(
                organisation::Entity::find()
                    .filter(organisation::Column::Id.is_in(ids))
                    .all(db)
                    .await?,
                |m| m.id,
            );
        }
        if let Some(ids) = ids(Dimension::Centre) {
            names.centres = by_id(
                centre::Entity::find()
                    .filter(centre::Column::Id.is_in(ids))
                    .all(db)
                    .await?,
                |m| m.id,
            );
        }
        if let Some(ids) = ids(Dimension::District) {
            names.areas = by_id(
                area::Entity::find()
                    .filter(area::Column::Id.is_in(ids))
                    .all(db)
                    .await?,
                |m| m.id,
            );
        }
        if let Some(ids) = ids(Dimension::Event) {
            names.events = by_id(
                event::Entity::find()
                    .filter(event::Column::Id.is_in(ids))
                    .all(db)
                    .await?,
                |m| m.id,
            );
        }
        Ok(names)
    }

    /// Code, global ID and name of a dimension value.
    pub fn describe(
        &self,
        d: Dimension,
        value: &Option<String>,
        lang: Lang,
    ) -> (Option<String>, Option<ID>, String) {
        let az = lang == Lang::Az;
        let Some(v) = value else {
            return (None, None, labels::unknown(az).to_string());
        };
        let id: Option<i32> = v.parse().ok();
        let pick = |a: &str, e: &str| if az { a.to_string() } else { e.to_string() };
        let entity = |kind: NodeType| id.map(|i| encode(kind, i));
        match d {
            Dimension::Project => match id.and_then(|i| self.projects.get(&i)) {
                Some(p) => (
                    Some(p.slug.clone()),
                    entity(NodeType::Project),
                    pick(&p.title_az, &p.title_en),
                ),
                None => (Some(v.clone()), entity(NodeType::Project), v.clone()),
            },
            Dimension::Organisation => match id.and_then(|i| self.organisations.get(&i)) {
                Some(o) => {
                    let code = o
                        .iati_ref
                        .clone()
                        .or_else(|| o.acronym_en.clone())
                        .unwrap_or_else(|| encode(NodeType::Organisation, o.id).to_string());
                    (
                        Some(code),
                        entity(NodeType::Organisation),
                        pick(&o.name_az, &o.name_en),
                    )
                }
                None => (Some(v.clone()), entity(NodeType::Organisation), v.clone()),
            },
            Dimension::Centre => {
                let gid = entity(NodeType::Centre);
                match id.and_then(|i| self.centres.get(&i)) {
                    Some(c) => (
                        gid.as_ref().map(|g| g.to_string()),
                        gid,
                        pick(&c.name_az, &c.name_en),
                    ),
                    None => (Some(v.clone()), gid, v.clone()),
                }
            }
            Dimension::District => {
                let gid = entity(NodeType::Area);
                match id.and_then(|i| self.areas.get(&i)) {
                    Some(a) => (
                        a.code
                            .clone()
                            .or_else(|| gid.as_ref().map(|g| g.to_string())),
                        gid,
                        pick(&a.name_az, &a.name_en),
                    ),
                    None => (Some(v.clone()), gid, v.clone()),
                }
            }
            Dimension::Event => {
                let gid = entity(NodeType::Event);
                match id.and_then(|i| self.events.get(&i)) {
                    Some(e) => (
                        gid.as_ref().map(|g| g.to_string()),
                        gid,
                        pick(&e.title_az, &e.title_en),
                    ),
                    None => (Some(v.clone()), gid, v.clone()),
                }
            }
            Dimension::Month | Dimension::Quarter | Dimension::Year => {
                (Some(v.clone()), None, v.clone())
            }
            other => {
                let list = match other {
                    Dimension::EventKind => "event_kind",
                    Dimension::Sex => "sex",
                    Dimension::AgeBand => "age_band",
                    Dimension::Disability => "disability",
                    Dimension::Category => "category",
                    Dimension::SupportType => "support_type",
                    Dimension::Channel => "channel",
                    Dimension::Stage => "stage",
                    _ => "unit",
                };
                (Some(v.clone()), None, labels::label(list, v, az))
            }
        }
    }
}

fn by_id<M>(rows: Vec<M>, id: fn(&M) -> i32) -> HashMap<i32, M> {
    rows.into_iter().map(|m| (id(&m), m)).collect()
}

fn total_of(t: &aggregate::StatsTotal) -> StatsTotal {
    StatsTotal {
        unit: t.unit,
        value: t.figure.value,
        suppressed: t.figure.suppressed,
        illustrative: t.illustrative,
    }
}

async fn stats_table(
    ctx: &Context<'_>,
    kind: Kind,
    filter: Option<StatsFilter>,
    group_by: Option<Vec<StatsDimension>>,
    lang: Option<Lang>,
) -> ApiResult<StatsTable> {
    let (select, area) = filter.unwrap_or_default().to_selection()?;
    let group_by: Vec<Dimension> = group_by
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect();
    let question = Question {
        kind,
        group_by: group_by.clone(),
        select,
        area,
    };
    let access = access(ctx).await?;
    let table = aggregate::aggregate(
        db(ctx),
        &access,
        scope(ctx).thresholds,
        &question,
        ctx.data_opt::<Cache>(),
    )
    .await?;
    let keys: Vec<(Dimension, Option<String>)> = table
        .rows
        .iter()
        .flat_map(|r| r.keys.iter().cloned())
        .collect();
    let names = Names::load(db(ctx), &keys).await?;
    let lang = resolve(ctx, lang);
    Ok(StatsTable {
        group_by: group_by.iter().map(|d| (*d).into()).collect(),
        rows: table
            .rows
            .iter()
            .map(|r| StatsRow {
                dimensions: r
                    .keys
                    .iter()
                    .map(|(d, v)| {
                        let (code, id, name) = names.describe(*d, v, lang);
                        DimensionValue {
                            dimension: (*d).into(),
                            code,
                            id,
                            name,
                        }
                    })
                    .collect(),
                value: r.figure.value,
                suppressed: r.figure.suppressed,
                unit: r.unit,
                illustrative: r.illustrative,
            })
            .collect(),
        totals: table.totals.iter().map(total_of).collect(),
        suppression_applied: table.suppression_applied,
    })
}

async fn facility_counts(
    ctx: &Context<'_>,
    what: Facility,
    mut query: FacilityQuery,
    lang: Option<Lang>,
) -> ApiResult<Vec<FacilityCount>> {
    let access = access(ctx).await?;
    query.hide_sensitive_locations = !scope(ctx).viewer.sees_sensitive_locations();
    let rows = facilities::count(db(ctx), &access, what, &query).await?;
    let lang = resolve(ctx, lang);
    let az = lang == Lang::Az;
    let keys: Vec<(Dimension, Option<String>)> = rows
        .iter()
        .flat_map(|r| {
            r.keys.iter().filter_map(|(d, v)| match d {
                facilities::FacilityDimension::Project => Some((Dimension::Project, v.clone())),
                facilities::FacilityDimension::District => Some((Dimension::District, v.clone())),
                _ => None,
            })
        })
        .collect();
    let names = Names::load(db(ctx), &keys).await?;
    let (kind_list, status_list, unit) = match what {
        Facility::Centres => ("centre_kind", "centre_status", CountUnit::Centres),
        Facility::Works => ("work_kind", "work_status", CountUnit::Works),
    };
    Ok(rows
        .into_iter()
        .map(|r| FacilityCount {
            dimensions: r
                .keys
                .iter()
                .map(|(d, v)| {
                    let (dimension, (code, id, name)) = match d {
                        facilities::FacilityDimension::Project => (
                            FacilityDimension::Project,
                            names.describe(Dimension::Project, v, lang),
                        ),
                        facilities::FacilityDimension::District => (
                            FacilityDimension::District,
                            names.describe(Dimension::District, v, lang),
                        ),
                        facilities::FacilityDimension::Kind => {
                            (FacilityDimension::Kind, describe_code(kind_list, v, az))
                        }
                        facilities::FacilityDimension::Status => {
                            (FacilityDimension::Status, describe_code(status_list, v, az))
                        }
                    };
                    FacilityDimensionValue {
                        dimension,
                        code,
                        id,
                        name,
                    }
                })
                .collect(),
            count: r.count,
            unit,
        })
        .collect())
}

fn describe_code(list: &str, v: &Option<String>, az: bool) -> (Option<String>, Option<ID>, String) {
    match v {
        Some(code) => (Some(code.clone()), None, labels::label(list, code, az)),
        None => (None, None, labels::unknown(az).to_string()),
    }
}

fn opt_id(kind: NodeType, id: &Option<ID>) -> ApiResult<Option<i32>> {
    id.as_ref().map(|i| decode_as(kind, i)).transpose()
}

/// Statistics: aggregates grouped by any dimensions, counts of centres and
/// works, indicator progress and project overviews.
#[derive(Default)]
pub struct StatsQuery;

/// Statistics: aggregates grouped by any dimensions, counts of centres and
/// works, indicator progress and project overviews.
#[Object]
impl StatsQuery {
    /// Participants of events (attendance), summed in SQL and grouped by any of
    /// `PROJECT, ORGANISATION, CENTRE, DISTRICT, EVENT, EVENT_KIND, SEX, AGE_BAND,
    /// DISABILITY, CATEGORY, MONTH, QUARTER, YEAR`. Small cells are suppressed
    /// consistently across every grouping of the same data.
    async fn participant_stats(
        &self,
        ctx: &Context<'_>,
        filter: Option<StatsFilter>,
        group_by: Option<Vec<StatsDimension>>,
        lang: Option<Lang>,
    ) -> ApiResult<StatsTable> {
        stats_table(ctx, Kind::Participants, filter, group_by, lang).await
    }

    /// Service counts (people or appeals), summed in SQL and grouped by any of
    /// `PROJECT, ORGANISATION, CENTRE, DISTRICT, SEX, AGE_BAND, DISABILITY, CATEGORY,
    /// MONTH, QUARTER, YEAR, SUPPORT_TYPE, CHANNEL, STAGE, UNIT`; always split by
    /// unit. With no `groupBy` it gives the totals.
    async fn service_stats(
        &self,
        ctx: &Context<'_>,
        filter: Option<StatsFilter>,
        group_by: Option<Vec<StatsDimension>>,
        lang: Option<Lang>,
    ) -> ApiResult<StatsTable> {
        stats_table(ctx, Kind::Services, filter, group_by, lang).await
    }

    /// Centres counted by status, kind, project or district.
    async fn centre_stats(
        &self,
        ctx: &Context<'_>,
        filter: Option<CentreStatsFilter>,
        group_by: Option<Vec<FacilityDimension>>,
        lang: Option<Lang>,
    ) -> ApiResult<Vec<FacilityCount>> {
        let f = filter.unwrap_or_default();
        let query = FacilityQuery {
            group_by: group_by
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            project: opt_id(NodeType::Project, &f.project)?,
            area: opt_id(NodeType::Area, &f.area)?,
            kinds: f
                .kind
                .unwrap_or_default()
                .iter()
                .map(|k| k.code().to_string())
                .collect(),
            statuses: f
                .status
                .unwrap_or_default()
                .iter()
                .map(|k| k.code().to_string())
                .collect(),
            hide_sensitive_locations: true,
        };
        facility_counts(ctx, Facility::Centres, query, lang).await
    }

    /// Infrastructure works counted by status, kind, project or district.
    async fn work_stats(
        &self,
        ctx: &Context<'_>,
        filter: Option<WorkStatsFilter>,
        group_by: Option<Vec<FacilityDimension>>,
        lang: Option<Lang>,
    ) -> ApiResult<Vec<FacilityCount>> {
        let f = filter.unwrap_or_default();
        let query = FacilityQuery {
            group_by: group_by
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            project: opt_id(NodeType::Project, &f.project)?,
            area: opt_id(NodeType::Area, &f.area)?,
            kinds: f
                .kind
                .unwrap_or_default()
                .iter()
                .map(|k| k.code().to_string())
                .collect(),
            statuses: f
                .status
                .unwrap_or_default()
                .iter()
                .map(|k| k.code().to_string())
                .collect(),
            hide_sensitive_locations: true,
        };
        facility_counts(ctx, Facility::Works, query, lang).await
    }

    /// Progress of one indicator; null when there is none the caller may see.
    async fn indicator_progress(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> ApiResult<Option<IndicatorProgress>> {
        let id = decode_as(NodeType::Indicator, &id)?;
        let Some(ind) = indicator::Entity::find_by_id(id).one(db(ctx)).await? else {
            return Ok(None);
        };
        let access = access(ctx).await?;
        let all = progress::project_progress(
            db(ctx),
            &access,
            scope(ctx).thresholds,
            ind.project_id,
            ctx.data_opt::<Cache>(),
        )
        .await?;
        Ok(all
            .into_iter()
            .find(|p| p.indicator.id == id)
            .map(IndicatorProgress))
    }

    /// A project's overview in one query: planned against done (indicators with
    /// targets and actuals), by when (dates, as-of), where (areas), with sources.
    async fn project_overview(
        &self,
        ctx: &Context<'_>,
        slug: String,
        lang: Option<Lang>,
    ) -> ApiResult<Option<ProjectOverview>> {
        let viewer = &scope(ctx).viewer;
        let Some(project) = project::Entity::find()
            .filter(viewer.project_scope())
            .filter(project::Column::Slug.eq(slug.trim()))
            .one(db(ctx))
            .await?
        else {
            return Ok(None);
        };
        let access = access(ctx).await?;
        let thresholds = scope(ctx).thresholds;
        let cache = ctx.data_opt::<Cache>();
        let progress =
            progress::project_progress(db(ctx), &access, thresholds, project.id, cache).await?;
        let by_status = |id| FacilityQuery {
            group_by: vec![facilities::FacilityDimension::Status],
            project: Some(id),
            ..Default::default()
        };
        let centres = facility_counts(ctx, Facility::Centres, by_status(project.id), lang).await?;
        let works = facility_counts(ctx, Facility::Works, by_status(project.id), lang).await?;
        let totals = |kind| Question {
            kind,
            group_by: Vec::new(),
            select: vec![(Dimension::Project, Some(project.id.to_string()))],
            area: None,
        };
        let participants = aggregate::aggregate(
            db(ctx),
            &access,
            thresholds,
            &totals(Kind::Participants),
            cache,
        )
        .await?
        .totals
        .iter()
        .map(total_of)
        .collect();
        let services =
            aggregate::aggregate(db(ctx), &access, thresholds, &totals(Kind::Services), cache)
                .await?
                .totals
                .iter()
                .map(total_of)
                .collect();
        let areas = project_areas(db(ctx), project.id, viewer.sees_sensitive_locations()).await?;
        Ok(Some(ProjectOverview {
            project,
            progress,
            centres,
            works,
            participants,
            services,
            areas,
        }))
    }
}

/// Areas a project works in, and those of its centres (not sensitive
/// locations, unless the viewer may see them), works and events.
async fn project_areas(
    db: &DatabaseConnection,
    project_id: i32,
    show_sensitive: bool,
) -> ApiResult<Vec<area::Model>> {
    use sea_orm::sea_query::Expr;
    let sensitive = if show_sensitive {
        ""
    } else {
        " AND NOT sensitive_location"
    };
    let sql = format!(
        "areas.id IN (SELECT area_id FROM project_areas WHERE project_id = {project_id} \
         UNION SELECT area_id FROM centres WHERE project_id = {project_id}{sensitive} AND area_id IS NOT NULL \
         UNION SELECT area_id FROM infrastructure_works WHERE project_id = {project_id} AND area_id IS NOT NULL \
         UNION SELECT ea.area_id FROM event_areas ea JOIN events e ON e.id = ea.event_id WHERE e.project_id = {project_id})"
    );
    Ok(area::Entity::find()
        .filter(Expr::cust(sql))
        .order_by_asc(area::Column::Id)
        .all(db)
        .await?)
}
