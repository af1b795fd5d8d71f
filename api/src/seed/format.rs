//! The shape of the demo dataset's data files (`seed/data/*.toml`), as serde
//! reads them. Every row names what it refers to by natural key (a string);
//! [`super::resolve`] turns those into positions. Codes are read through the
//! entities' code lists, so a misspelt kind or status fails to parse, and
//! unknown keys are refused so a misspelt field name does too.

use chrono::NaiveDate;
use entities::codes::*;
use sea_orm::ActiveEnum;
use serde::{Deserialize, Deserializer};

/// A stored code (`"district"`, `"0-17"`, `"call_centre_142"`), read as the
/// code list's value: the same spelling as in the database and the exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Code<T>(pub T);

impl<'de, T: ActiveEnum<Value = String>> Deserialize<'de> for Code<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        T::try_from_value(&code).map(Code).map_err(|_| {
            serde::de::Error::custom(format!(
                "`{code}` is not a code of {}; expected one of: {}",
                T::name(),
                T::values().join(", ")
            ))
        })
    }
}

/// A calendar date written as a TOML local date (`2021-08-23`, no quotes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Day(pub NaiveDate);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = toml::value::Datetime::deserialize(d)?;
        let day = match (value.date, value.time, value.offset) {
            (Some(date), None, None) => {
                NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
            }
            _ => None,
        };
        day.map(Day).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{value}` is not a plain date (YYYY-MM-DD, no time)"
            ))
        })
    }
}

/// `Option<Day>` as an `Option<NaiveDate>`.
pub(super) fn day(value: Option<Day>) -> Option<NaiveDate> {
    value.map(|d| d.0)
}

/// `reference.toml`: what the programmes share.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ReferenceFile {
    pub source: Vec<SourceRow>,
    pub area: Vec<AreaRow>,
    pub organisation: Vec<OrganisationRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SourceRow {
    pub reference: String,
    pub title_az: String,
    pub title_en: String,
    pub publisher: Option<String>,
    pub published_on: Option<Day>,
    pub language: String,
    pub url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AreaRow {
    pub code: Option<String>,
    pub kind: Code<AreaKind>,
    pub name_az: String,
    pub name_en: String,
    /// Area reference.
    pub parent: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Other spellings that search finds.
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OrganisationRow {
    pub acronym_az: Option<String>,
    pub acronym_en: Option<String>,
    pub name_az: String,
    pub name_en: String,
    pub kind: Code<OrganisationKind>,
    pub iati_ref: Option<String>,
    /// Organisation reference.
    pub parent: Option<String>,
}

/// One programme's file: its project and everything recorded about it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProgrammeFile {
    /// Source reference cited by every row that names none of its own.
    pub source: String,
    pub project: ProjectRow,
    #[serde(default)]
    pub plan: Vec<PlanRow>,
    #[serde(default)]
    pub centre: Vec<CentreRow>,
    #[serde(default)]
    pub team: Vec<TeamRow>,
    #[serde(default)]
    pub event: Vec<EventRow>,
    #[serde(default)]
    pub work: Vec<WorkRow>,
    #[serde(default)]
    pub service_count: Vec<CountRow>,
    #[serde(default)]
    pub indicator: Vec<IndicatorRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProjectRow {
    pub slug: String,
    pub iati_identifier: Option<String>,
    pub title_az: String,
    pub title_en: String,
    pub summary_az: Option<String>,
    pub summary_en: Option<String>,
    pub status: Code<ProjectStatus>,
    pub planned_start: Option<Day>,
    pub planned_end: Option<Day>,
    pub actual_start: Option<Day>,
    pub actual_end: Option<Day>,
    pub budget_amount: Option<i64>,
    pub budget_currency: Option<String>,
    pub sensitivity: Code<Sensitivity>,
    pub is_public: bool,
    /// Slug of a project loaded earlier.
    pub parent: Option<String>,
    pub source: Option<String>,
    /// Area references.
    #[serde(default)]
    pub areas: Vec<String>,
    /// Beneficiary categories the project serves (its rows may record only
    /// these; the categories its rows record are declared as well).
    #[serde(default)]
    pub categories: Vec<Code<BeneficiaryCategory>>,
    #[serde(default)]
    pub participant: Vec<ParticipantRow>,
    #[serde(default)]
    pub plan_link: Vec<PlanLinkRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ParticipantRow {
    /// Organisation reference.
    pub organisation: String,
    pub role: Code<ParticipantRole>,
    pub note_az: Option<String>,
    pub note_en: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PlanLinkRow {
    /// Plan title (either language) of this file or an earlier one.
    pub plan: String,
    /// Goal number; none for the plan as a whole.
    pub goal: Option<i32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PlanRow {
    /// Organisation reference.
    pub organisation: Option<String>,
    pub title_az: String,
    pub title_en: String,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub goal_count: Option<i32>,
    pub source: Option<String>,
    #[serde(default)]
    pub goal: Vec<GoalRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GoalRow {
    pub number: i32,
    pub title_az: Option<String>,
    pub title_en: Option<String>,
    pub description_az: Option<String>,
    pub description_en: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CentreRow {
    /// Organisation reference.
    pub operator: Option<String>,
    pub kind: Code<CentreKind>,
    pub name_az: String,
    pub name_en: String,
    /// Area reference.
    pub area: Option<String>,
    pub host_building_az: Option<String>,
    pub host_building_en: Option<String>,
    pub rooms: Option<i32>,
    pub status: Option<Code<CentreStatus>>,
    pub opened_on: Option<Day>,
    pub sensitive_location: bool,
    pub equipment_az: Option<String>,
    pub equipment_en: Option<String>,
    pub note_az: Option<String>,
    pub note_en: Option<String>,
    pub source: Option<String>,
    /// Area references of the areas it also serves.
    #[serde(default)]
    pub serves: Vec<String>,
    /// Stages reached, without dates (the texts give none).
    #[serde(default)]
    pub milestones: Vec<Code<CentreStatus>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TeamRow {
    /// Organisation reference.
    pub organisation: Option<String>,
    pub kind: Code<TeamKind>,
    pub name_az: String,
    pub name_en: String,
    /// Area reference.
    pub area: Option<String>,
    pub status: Code<TeamStatus>,
    pub functions_az: Option<String>,
    pub functions_en: Option<String>,
    pub source: Option<String>,
    #[serde(default)]
    pub role: Vec<TeamRoleRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TeamRoleRow {
    pub role_az: String,
    pub role_en: String,
    pub count: Option<i32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EventRow {
    /// Centre name (either language) of this file.
    pub centre: Option<String>,
    pub kind: Code<EventKind>,
    pub title_az: String,
    pub title_en: String,
    pub topics_az: Option<String>,
    pub topics_en: Option<String>,
    pub start: Option<Day>,
    pub end: Option<Day>,
    pub audience_az: Option<String>,
    pub audience_en: Option<String>,
    pub capacity: Option<i32>,
    pub status: Code<EventStatus>,
    pub source: Option<String>,
    /// Area references.
    #[serde(default)]
    pub areas: Vec<String>,
    /// The attendance the text reports; the cells must add up to it.
    pub attendance_reported: Option<i32>,
    /// True when the cells are an illustrative breakdown of the reported
    /// figure: they replace any unbroken (non-illustrative) row of the event.
    #[serde(default)]
    pub attendance_illustrative: bool,
    #[serde(default)]
    pub attendance: Vec<AttendanceCell>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AttendanceCell {
    pub sex: Code<Sex>,
    pub age_band: Code<AgeBand>,
    pub disability: Code<Disability>,
    pub category: Code<BeneficiaryCategory>,
    pub count: i32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WorkRow {
    pub kind: Code<WorkKind>,
    pub title_az: String,
    pub title_en: String,
    /// Area reference.
    pub area: Option<String>,
    pub quantity: Option<f64>,
    pub unit: Option<String>,
    pub status: Code<WorkStatus>,
    pub progress_percent: Option<i32>,
    pub completed_on: Option<Day>,
    pub budget_amount: Option<i64>,
    pub budget_currency: Option<String>,
    pub beneficiaries: Option<i32>,
    pub source: Option<String>,
    #[serde(default)]
    pub status_change: Vec<StatusChangeRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StatusChangeRow {
    pub status: Code<WorkStatus>,
    pub changed_on: Option<Day>,
    pub progress_percent: Option<i32>,
    pub note_az: Option<String>,
    pub note_en: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CountRow {
    /// Centre name (either language) of this file.
    pub centre: Option<String>,
    pub period_start: Option<Day>,
    pub period_end: Option<Day>,
    pub period_label_az: Option<String>,
    pub period_label_en: Option<String>,
    pub support_type: Option<Code<SupportType>>,
    pub channel: Option<Code<Channel>>,
    pub stage: Code<ServiceStage>,
    pub unit: Code<CountUnit>,
    pub category: Option<Code<BeneficiaryCategory>>,
    pub sex: Option<Code<Sex>>,
    pub age_band: Option<Code<AgeBand>>,
    pub disability: Option<Code<Disability>>,
    /// The figure the text reports.
    pub value: i64,
    pub sensitivity: Code<Sensitivity>,
    pub source: Option<String>,
    /// An ILLUSTRATIVE split of `value` (the text gives none): stored instead
    /// of the reported figure, flagged, and it must add up to it.
    #[serde(default)]
    pub breakdown: Vec<CountCell>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CountCell {
    pub sex: Option<Code<Sex>>,
    pub age_band: Option<Code<AgeBand>>,
    pub disability: Option<Code<Disability>>,
    pub value: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct IndicatorRow {
    pub code: String,
    pub title_az: String,
    pub title_en: String,
    pub unit: Code<CountUnit>,
    pub counting_rule: Code<CountingRule>,
    pub aggregation: Code<Aggregation>,
    pub baseline: Option<i64>,
    pub baseline_date: Option<Day>,
    pub target: Option<i64>,
    pub target_date: Option<Day>,
    /// True when the target is illustrative (the text states none).
    #[serde(default)]
    pub illustrative: bool,
    pub sensitivity: Code<Sensitivity>,
    pub derived_from: Option<String>,
    pub source: Option<String>,
    #[serde(default)]
    pub values: Vec<IndicatorValueRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct IndicatorValueRow {
    pub period_start: Option<Day>,
    pub period_end: Option<Day>,
    pub dimension: Option<String>,
    pub dimension_value: Option<String>,
    pub value: i64,
    pub as_of: Option<Day>,
    pub note_az: Option<String>,
    pub note_en: Option<String>,
}
