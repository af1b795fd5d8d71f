//! Inputs of the programme set-up mutations, and their decoding into the
//! services' fields (global IDs to integers, collected as user errors).

use async_graphql::{ID, InputObject};
use chrono::NaiveDate;
use serde::Serialize;

use entities::codes::*;

use crate::graphql::ids::NodeType;
use crate::graphql::mutation::errors::Ids;
use crate::services::UserError;
use crate::services::setup::indicators::{BreakdownValue, IndicatorFields, PeriodValues, Target};
use crate::services::setup::places::{CentreFields, NewArea, TeamFields, TeamRole, WorkFields};
use crate::services::setup::projects::{Participant, PlanLink, ProjectFields};
use crate::services::setup::sources::SourceFields;

/// An organisation's part in a project.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct ParticipantInput {
    /// The organisation.
    pub organisation_id: ID,
    /// Its IATI role (FUNDING, ACCOUNTABLE, EXTENDING, IMPLEMENTING, or PARTNER).
    pub role: ParticipantRole,
    /// Note in Azerbaijani.
    pub note_az: Option<String>,
    /// Note in English.
    pub note_en: Option<String>,
}

/// A link of a project to a plan, or to one of its goals.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct PlanLinkInput {
    /// The plan.
    pub plan_id: ID,
    /// The goal's number within the plan; omit to link the whole plan.
    pub goal_number: Option<i32>,
}

/// A project's set-up. On `updateProject` the lists left out (null) keep
/// their stored values; `sensitivity` and `isPublic` are administrators'
/// (a manager sending another value gets FORBIDDEN on that field).
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct ProjectInput {
    /// URL name: 2 to 80 of a-z, 0-9 and '-', unique (ALREADY_EXISTS otherwise).
    pub slug: String,
    /// The project's own IATI activity identifier, if it has one.
    pub iati_identifier: Option<String>,
    /// Title in Azerbaijani; one of the two titles may be left empty and filled later.
    #[graphql(default)]
    pub title_az: String,
    /// Title in English.
    #[graphql(default)]
    pub title_en: String,
    /// Summary in Azerbaijani.
    pub summary_az: Option<String>,
    /// Summary in English.
    pub summary_en: Option<String>,
    /// Status (IATI activity status).
    pub status: ProjectStatus,
    /// Planned first day (1990-01-01 to 2100-12-31).
    pub planned_start: Option<NaiveDate>,
    /// Planned last day, not before the first.
    pub planned_end: Option<NaiveDate>,
    /// Actual first day.
    pub actual_start: Option<NaiveDate>,
    /// Actual last day, not before the first.
    pub actual_end: Option<NaiveDate>,
    /// Budget in whole units of its currency, 0 to 10^12.
    pub budget_amount: Option<i64>,
    /// ISO 4217 currency of the budget (e.g. AZN, USD); required with an amount.
    pub budget_currency: Option<String>,
    /// Sensitivity of the people served (administrators; default ORDINARY).
    pub sensitivity: Option<Sensitivity>,
    /// Shown on public surfaces (administrators; default false).
    pub is_public: Option<bool>,
    /// Parent project.
    pub parent_id: Option<ID>,
    /// Organisations taking part (replaces the stored list when given).
    pub participants: Option<Vec<ParticipantInput>>,
    /// Areas where it works (replaces the stored list when given).
    pub area_ids: Option<Vec<ID>>,
    /// Plans and goals it serves (replaces the stored list when given).
    pub plan_links: Option<Vec<PlanLinkInput>>,
    /// Beneficiary categories its events and service counts may record
    /// (replaces the stored list when given; a category its records still
    /// count cannot be dropped: IN_USE). Default on create: UNKNOWN.
    pub beneficiary_categories: Option<Vec<BeneficiaryCategory>>,
}

impl ProjectInput {
    /// The service's fields, with the IDs decoded.
    pub fn decode(&self) -> Result<ProjectFields, Vec<UserError>> {
        let mut ids = Ids::default();
        let parent_id = ids.opt(
            NodeType::Project,
            self.parent_id.as_ref(),
            &["input", "parentId"],
        );
        let participants = self.participants.as_ref().map(|list| {
            list.iter()
                .enumerate()
                .map(|(i, p)| Participant {
                    organisation_id: ids.one(
                        NodeType::Organisation,
                        &p.organisation_id,
                        &["input", "participants", &i.to_string(), "organisationId"],
                    ),
                    role: p.role,
                    note_az: p.note_az.clone(),
                    note_en: p.note_en.clone(),
                })
                .collect()
        });
        let area_ids = self
            .area_ids
            .as_ref()
            .map(|a| ids.list(NodeType::Area, a, &["input", "areaIds"]));
        let plan_links = self.plan_links.as_ref().map(|list| {
            list.iter()
                .enumerate()
                .map(|(i, l)| PlanLink {
                    plan_id: ids.one(
                        NodeType::Plan,
                        &l.plan_id,
                        &["input", "planLinks", &i.to_string(), "planId"],
                    ),
                    goal_number: l.goal_number,
                })
                .collect()
        });
        ids.finish(ProjectFields {
            slug: self.slug.trim().to_string(),
            iati_identifier: self.iati_identifier.clone(),
            title_az: self.title_az.clone(),
            title_en: self.title_en.clone(),
            summary_az: self.summary_az.clone(),
            summary_en: self.summary_en.clone(),
            status: self.status,
            planned_start: self.planned_start,
            planned_end: self.planned_end,
            actual_start: self.actual_start,
            actual_end: self.actual_end,
            budget_amount: self.budget_amount,
            budget_currency: self.budget_currency.clone(),
            sensitivity: self.sensitivity,
            is_public: self.is_public,
            parent_id,
            participants,
            area_ids,
            plan_links,
            categories: self.beneficiary_categories.clone(),
            source_document_id: None,
        })
    }
}

/// An indicator's set-up.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct IndicatorInput {
    /// Short code, unique within the project (e.g. `1.2`).
    pub code: String,
    /// Title in Azerbaijani (one of the two may be filled later).
    #[graphql(default)]
    pub title_az: String,
    /// Title in English.
    #[graphql(default)]
    pub title_en: String,
    /// What is counted.
    pub unit: CountUnit,
    /// Unique people, or total contacts.
    pub counting_rule: CountingRule,
    /// How periods combine: SUM adds them, LATEST takes the most recent (cumulative figures).
    pub aggregation: Aggregation,
    /// Baseline value, 0 to 10^9.
    pub baseline: Option<i64>,
    /// Date of the baseline.
    pub baseline_date: Option<NaiveDate>,
    /// Overall target, 0 to 10^9.
    pub target: Option<i64>,
    /// Date the overall target is due.
    pub target_date: Option<NaiveDate>,
    /// Sensitivity of the people counted; default and minimum: the project's.
    pub sensitivity: Option<Sensitivity>,
    /// For a derived indicator, its rule (see `indicatorRulePreview`): `attendance.all`,
    /// `attendance.<event kind>`, `services.<stage>`, `works.completed`,
    /// `centres.operational`, `teams.active` or `events.held`. Omit for an entered indicator.
    pub derived_from: Option<String>,
    /// Source document of the definition.
    pub source_document_id: Option<ID>,
}

impl IndicatorInput {
    /// The service's fields, with the IDs decoded.
    pub fn decode(&self) -> Result<IndicatorFields, Vec<UserError>> {
        let mut ids = Ids::default();
        let source_document_id = ids.opt(
            NodeType::SourceDocument,
            self.source_document_id.as_ref(),
            &["input", "sourceDocumentId"],
        );
        ids.finish(IndicatorFields {
            code: self.code.clone(),
            title_az: self.title_az.clone(),
            title_en: self.title_en.clone(),
            unit: self.unit,
            counting_rule: self.counting_rule,
            aggregation: self.aggregation,
            baseline: self.baseline,
            baseline_date: self.baseline_date,
            target: self.target,
            target_date: self.target_date,
            sensitivity: self.sensitivity,
            derived_from: self.derived_from.clone().filter(|r| !r.trim().is_empty()),
            source_document_id,
            illustrative: false,
        })
    }
}

/// One target of an indicator.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct IndicatorTargetInput {
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// Breakdown dimension: `sex`, `age_band`, `disability` or `category`; omit for the whole.
    pub dimension: Option<String>,
    /// The dimension's value code (e.g. `female`); omit for the whole.
    pub dimension_value: Option<String>,
    /// The target, 0 to 10^9.
    pub value: i64,
}

impl From<&IndicatorTargetInput> for Target {
    fn from(t: &IndicatorTargetInput) -> Self {
        Self {
            period_start: t.period_start,
            period_end: t.period_end,
            dimension: t.dimension.clone(),
            dimension_value: t.dimension_value.clone(),
            value: t.value,
        }
    }
}

/// One value of a breakdown.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct BreakdownValueInput {
    /// Dimension: `sex`, `age_band`, `disability` or `category`.
    pub dimension: String,
    /// The dimension's value code (e.g. `female`, `18_24`).
    pub dimension_value: String,
    /// The value, 0 to 10^9.
    pub value: i64,
}

/// An entered indicator's values for one period.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct IndicatorValuesInput {
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// Date the value is current as of (default: the period's last day).
    pub as_of: Option<NaiveDate>,
    /// The whole value, 0 to 10^9.
    pub value: Option<i64>,
    /// The breakdown; for a UNIQUE indicator each dimension adds up to at most the whole.
    #[graphql(default)]
    pub breakdown: Vec<BreakdownValueInput>,
    /// Note in Azerbaijani.
    pub note_az: Option<String>,
    /// Note in English.
    pub note_en: Option<String>,
    /// Source document the value comes from.
    pub source_document_id: Option<ID>,
    /// Why values that break a WARNING rule of the indicator are right
    /// (without it, WARNING_NOT_CONFIRMED); stored with the rule's result
    /// for reviewers.
    pub confirm_reason: Option<String>,
}

impl IndicatorValuesInput {
    /// The service's input, with the IDs decoded.
    pub fn decode(&self) -> Result<PeriodValues, Vec<UserError>> {
        let mut ids = Ids::default();
        let source_document_id = ids.opt(
            NodeType::SourceDocument,
            self.source_document_id.as_ref(),
            &["input", "sourceDocumentId"],
        );
        ids.finish(PeriodValues {
            period_start: self.period_start,
            period_end: self.period_end,
            as_of: self.as_of,
            value: self.value,
            breakdown: self
                .breakdown
                .iter()
                .map(|b| BreakdownValue {
                    dimension: b.dimension.trim().to_string(),
                    dimension_value: b.dimension_value.trim().to_string(),
                    value: b.value,
                })
                .collect(),
            note_az: self.note_az.clone(),
            note_en: self.note_en.clone(),
            source_document_id,
            confirm_reason: self.confirm_reason.clone(),
        })
    }
}

/// A centre's set-up.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct CentreInput {
    /// Kind of centre.
    pub kind: CentreKind,
    /// Name in Azerbaijani (one of the two may be filled later).
    #[graphql(default)]
    pub name_az: String,
    /// Name in English.
    #[graphql(default)]
    pub name_en: String,
    /// Organisation that runs it.
    pub operator_organisation_id: Option<ID>,
    /// Area it stands in.
    pub area_id: Option<ID>,
    /// Host building in Azerbaijani.
    pub host_building_az: Option<String>,
    /// Host building in English.
    pub host_building_en: Option<String>,
    /// Rooms, 0 to 100,000.
    pub rooms: Option<i32>,
    /// Status.
    pub status: Option<CentreStatus>,
    /// Day it opened.
    pub opened_on: Option<NaiveDate>,
    /// A shelter whose place is never published finer than its city.
    #[graphql(default)]
    pub sensitive_location: bool,
    /// Areas it serves (replaces the stored list).
    #[graphql(default)]
    pub areas_served: Vec<ID>,
    /// Note in Azerbaijani.
    pub note_az: Option<String>,
    /// Note in English.
    pub note_en: Option<String>,
    /// Source document.
    pub source_document_id: Option<ID>,
}

impl CentreInput {
    /// The service's fields, with the IDs decoded.
    pub fn decode(&self) -> Result<CentreFields, Vec<UserError>> {
        let mut ids = Ids::default();
        let operator_organisation_id = ids.opt(
            NodeType::Organisation,
            self.operator_organisation_id.as_ref(),
            &["input", "operatorOrganisationId"],
        );
        let area_id = ids.opt(NodeType::Area, self.area_id.as_ref(), &["input", "areaId"]);
        let areas_served = ids.list(
            NodeType::Area,
            &self.areas_served,
            &["input", "areasServed"],
        );
        let source_document_id = ids.opt(
            NodeType::SourceDocument,
            self.source_document_id.as_ref(),
            &["input", "sourceDocumentId"],
        );
        ids.finish(CentreFields {
            kind: self.kind,
            name_az: self.name_az.clone(),
            name_en: self.name_en.clone(),
            operator_organisation_id,
            area_id,
            host_building_az: self.host_building_az.clone(),
            host_building_en: self.host_building_en.clone(),
            rooms: self.rooms,
            status: self.status,
            opened_on: self.opened_on,
            sensitive_location: self.sensitive_location,
            equipment_az: None,
            equipment_en: None,
            areas_served,
            note_az: self.note_az.clone(),
            note_en: self.note_en.clone(),
            source_document_id,
        })
    }
}

/// An infrastructure work's set-up.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct InfrastructureWorkInput {
    /// Kind of work.
    pub kind: WorkKind,
    /// Title in Azerbaijani (one of the two may be filled later).
    #[graphql(default)]
    pub title_az: String,
    /// Title in English.
    #[graphql(default)]
    pub title_en: String,
    /// Area.
    pub area_id: Option<ID>,
    /// Quantity, 0 to 10^9 (kilometres, units…).
    pub quantity: Option<f64>,
    /// Unit of the quantity (e.g. km).
    pub unit: Option<String>,
    /// Status; a change is kept in the work's history.
    pub status: WorkStatus,
    /// Progress, 0 to 100 per cent.
    pub progress_percent: Option<i32>,
    /// Day it was completed (COMPLETED or HANDED_OVER only).
    pub completed_on: Option<NaiveDate>,
    /// Budget, 0 to 10^12.
    pub budget_amount: Option<i64>,
    /// ISO 4217 currency of the budget.
    pub budget_currency: Option<String>,
    /// People who benefit, 0 to 10^7.
    pub beneficiaries: Option<i32>,
    /// Source document.
    pub source_document_id: Option<ID>,
}

impl InfrastructureWorkInput {
    /// The service's fields, with the IDs decoded.
    pub fn decode(&self) -> Result<WorkFields, Vec<UserError>> {
        let mut ids = Ids::default();
        let area_id = ids.opt(NodeType::Area, self.area_id.as_ref(), &["input", "areaId"]);
        let source_document_id = ids.opt(
            NodeType::SourceDocument,
            self.source_document_id.as_ref(),
            &["input", "sourceDocumentId"],
        );
        ids.finish(WorkFields {
            kind: self.kind,
            title_az: self.title_az.clone(),
            title_en: self.title_en.clone(),
            area_id,
            quantity: self.quantity,
            unit: self.unit.clone(),
            status: self.status,
            progress_percent: self.progress_percent,
            completed_on: self.completed_on,
            budget_amount: self.budget_amount,
            budget_currency: self.budget_currency.clone(),
            beneficiaries: self.beneficiaries,
            source_document_id,
            first_status: None,
        })
    }
}

/// A role within a team.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct TeamRoleInput {
    /// Role in Azerbaijani.
    #[graphql(default)]
    pub role_az: String,
    /// Role in English.
    #[graphql(default)]
    pub role_en: String,
    /// People in the role, 0 to 100,000.
    pub count: Option<i32>,
}

/// A team's set-up.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct TeamInput {
    /// Kind of team.
    pub kind: TeamKind,
    /// Name in Azerbaijani (one of the two may be filled later).
    #[graphql(default)]
    pub name_az: String,
    /// Name in English.
    #[graphql(default)]
    pub name_en: String,
    /// Organisation the team belongs to.
    pub organisation_id: Option<ID>,
    /// Area it works from.
    pub area_id: Option<ID>,
    /// Status.
    pub status: TeamStatus,
    /// Functions in Azerbaijani.
    pub functions_az: Option<String>,
    /// Functions in English.
    pub functions_en: Option<String>,
    /// Roles with their counts (replaces the stored list).
    #[graphql(default)]
    pub roles: Vec<TeamRoleInput>,
}

impl TeamInput {
    /// The service's fields, with the IDs decoded.
    pub fn decode(&self) -> Result<TeamFields, Vec<UserError>> {
        let mut ids = Ids::default();
        let organisation_id = ids.opt(
            NodeType::Organisation,
            self.organisation_id.as_ref(),
            &["input", "organisationId"],
        );
        let area_id = ids.opt(NodeType::Area, self.area_id.as_ref(), &["input", "areaId"]);
        ids.finish(TeamFields {
            kind: self.kind,
            name_az: self.name_az.clone(),
            name_en: self.name_en.clone(),
            organisation_id,
            area_id,
            status: self.status,
            functions_az: self.functions_az.clone(),
            functions_en: self.functions_en.clone(),
            roles: self
                .roles
                .iter()
                .map(|r| TeamRole {
                    role_az: r.role_az.clone(),
                    role_en: r.role_en.clone(),
                    count: r.count,
                })
                .collect(),
            source_document_id: None,
        })
    }
}

/// A settlement or village to add under a district or city.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct AreaInput {
    /// SETTLEMENT or VILLAGE.
    pub kind: AreaKind,
    /// Name in Azerbaijani, with its letters (ə, ğ, ı, ö, ü, ç, ş).
    #[graphql(default)]
    pub name_az: String,
    /// Name in English.
    #[graphql(default)]
    pub name_en: String,
    /// The district or city it lies in.
    pub parent_id: ID,
    /// Latitude of its centroid, -90 to 90.
    pub lat: Option<f64>,
    /// Longitude of its centroid, -180 to 180.
    pub lon: Option<f64>,
    /// Official code, if it has one (unique).
    pub code: Option<String>,
}

impl AreaInput {
    /// The service's input, with the IDs decoded.
    pub fn decode(&self) -> Result<NewArea, Vec<UserError>> {
        let mut ids = Ids::default();
        let parent_id = ids.one(NodeType::Area, &self.parent_id, &["input", "parentId"]);
        ids.finish(NewArea {
            kind: self.kind,
            name_az: self.name_az.clone(),
            name_en: self.name_en.clone(),
            parent_id,
            lat: self.lat,
            lon: self.lon,
            code: self.code.clone(),
        })
    }
}

/// A source document.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct SourceDocumentInput {
    /// Title in Azerbaijani (one of the two may be filled later).
    #[graphql(default)]
    pub title_az: String,
    /// Title in English.
    #[graphql(default)]
    pub title_en: String,
    /// Publisher (e.g. the news agency).
    pub publisher: Option<String>,
    /// Day it was published.
    pub published_on: Option<NaiveDate>,
    /// Language of the text as its code (`az`, `en`, `ru`…).
    pub language: String,
    /// Link to the published text (http or https).
    pub url: Option<String>,
    /// The text itself, when it is kept (at most 1 MB); cited passages must occur in it.
    pub body: Option<String>,
}

impl From<&SourceDocumentInput> for SourceFields {
    fn from(s: &SourceDocumentInput) -> Self {
        Self {
            title_az: s.title_az.clone(),
            title_en: s.title_en.clone(),
            publisher: s.publisher.clone(),
            published_on: s.published_on,
            language: s.language.clone(),
            url: s.url.clone(),
            body: s.body.clone(),
            reference: None,
        }
    }
}

/// A citation: a record cites a source with the passage that states its fact.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct CitationInput {
    /// The citing record: a project, indicator, centre or infrastructure work.
    pub entity_id: ID,
    /// The source document.
    pub source_document_id: ID,
    /// The passage, verbatim (whitespace may differ); checked against the source's kept text.
    pub passage: String,
    /// Language of the passage (default: the source's).
    pub lang: Option<String>,
}

/// A goal of a plan.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct GoalInput {
    /// Its number within the plan (1 to 1,000), unique.
    pub number: i32,
    /// Title in Azerbaijani.
    pub title_az: Option<String>,
    /// Title in English.
    pub title_en: Option<String>,
    /// Description in Azerbaijani.
    pub description_az: Option<String>,
    /// Description in English.
    pub description_en: Option<String>,
}

/// A plan (a national strategy or an organisation's plan) with its goals.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct PlanInput {
    /// Organisation that owns the plan.
    pub organisation_id: Option<ID>,
    /// Title in Azerbaijani (one of the two may be filled later).
    #[graphql(default)]
    pub title_az: String,
    /// Title in English.
    #[graphql(default)]
    pub title_en: String,
    /// First year (1990 to 2100).
    pub start_year: Option<i32>,
    /// Last year, not before the first.
    pub end_year: Option<i32>,
    /// The goals, by number (replace the stored ones; a goal a project links to must stay: IN_USE).
    #[graphql(default)]
    pub goals: Vec<GoalInput>,
    /// Source document.
    pub source_document_id: Option<ID>,
}

impl PlanInput {
    /// The service's fields, with the IDs decoded.
    pub fn decode(&self) -> Result<crate::services::setup::projects::PlanFields, Vec<UserError>> {
        use crate::services::setup::projects::{GoalFields, PlanFields};
        let mut ids = Ids::default();
        let organisation_id = ids.opt(
            NodeType::Organisation,
            self.organisation_id.as_ref(),
            &["input", "organisationId"],
        );
        let source_document_id = ids.opt(
            NodeType::SourceDocument,
            self.source_document_id.as_ref(),
            &["input", "sourceDocumentId"],
        );
        ids.finish(PlanFields {
            organisation_id,
            title_az: self.title_az.clone(),
            title_en: self.title_en.clone(),
            start_year: self.start_year,
            end_year: self.end_year,
            goals: self
                .goals
                .iter()
                .map(|g| GoalFields {
                    number: g.number,
                    title_az: g.title_az.clone(),
                    title_en: g.title_en.clone(),
                    description_az: g.description_az.clone(),
                    description_en: g.description_en.clone(),
                })
                .collect(),
            source_document_id,
        })
    }
}
