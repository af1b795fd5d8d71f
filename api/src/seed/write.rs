//! Writes a resolved [`Dataset`] through the [`Seeder`]: each record is
//! looked up by its natural key and created only when missing, in file
//! order, with the positions the pure pass resolved turned into the ids just
//! written. Records are created by the set-up services; the rows under a
//! record that already exists (a participant, a role, an area served) are
//! restored one by one, so a damaged copy gets back only what it lost.

use entities::*;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
    TransactionTrait,
};

use super::format::day;
use super::resolve::{Dataset, Programme};
use super::{Seeder, all, eq_opt};
use crate::search::search_key;
use crate::services::admin::{OrganisationFields, create_organisation};
use crate::services::setup::places::{
    CentreFields, TeamFields, TeamRole, create_centre, create_team,
};
use crate::services::setup::projects::{
    GoalFields, Participant, PlanFields, PlanLink, ProjectFields, create_plan, create_project,
};
use crate::services::setup::sources::{SourceFields, create_source};

/// Progress callback: step, number of steps, step name.
pub(super) type Progress<'a> = &'a (dyn Fn(usize, usize, &str) + Send + Sync);

/// Ids of the rows written so far, by position in the files.
#[derive(Default)]
struct Ids {
    sources: Vec<i32>,
    areas: Vec<i32>,
    organisations: Vec<i32>,
    projects: Vec<i32>,
    /// Plan id and its goals' numbers, over all files in order.
    plans: Vec<(i32, Vec<i32>)>,
}

fn opt(ids: &[i32], at: Option<usize>) -> Option<i32> {
    at.map(|i| ids[i])
}

pub(super) async fn write<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    data: &Dataset,
    progress: Progress<'_>,
) -> anyhow::Result<()> {
    let steps = 3 + data.programmes.len();
    let mut ids = Ids::default();
    let refs = &data.reference;

    progress(1, steps, "source documents");
    for s in &refs.source {
        let fields = SourceFields {
            title_az: s.title_az.clone(),
            title_en: s.title_en.clone(),
            publisher: s.publisher.clone(),
            published_on: day(s.published_on),
            language: s.language.clone(),
            url: s.url.clone(),
            body: None,
            reference: Some(s.reference.clone()),
        };
        let (id, _) = sd
            .ensure_via::<source_document::Entity>(
                all([source_document::Column::Reference.eq(&s.reference)]),
                |m| m.id,
                "source document",
                1,
                async |db, actor| create_source(db, actor, &fields).await,
            )
            .await?;
        ids.sources.push(id);
    }

    // The reference geography is written as rows: countries, regions,
    // districts and cities come with the reference data (the set-up service
    // adds settlements and villages under them), and each carries aliases
    // in its search key that no form asks for.
    progress(2, steps, "areas");
    for (a, parent) in refs.area.iter().zip(&data.area_parents) {
        let key = match &a.code {
            Some(c) => all([area::Column::Code.eq(c)]),
            None => all([
                area::Column::NameEn.eq(&a.name_en),
                area::Column::Kind.eq(a.kind.0),
            ]),
        };
        let mut names = vec![a.name_az.as_str(), a.name_en.as_str()];
        names.extend(a.aliases.iter().map(String::as_str));
        let id = sd
            .ensure(
                key,
                area::ActiveModel {
                    id: NotSet,
                    code: Set(a.code.clone()),
                    kind: Set(a.kind.0),
                    name_az: Set(a.name_az.clone()),
                    name_en: Set(a.name_en.clone()),
                    parent_id: Set(opt(&ids.areas, *parent)),
                    lat: Set(a.lat),
                    lon: Set(a.lon),
                    search_key: Set(search_key(names)),
                },
                |m| m.id,
            )
            .await?;
        ids.areas.push(id);
    }

    progress(3, steps, "organisations");
    for (o, parent) in refs.organisation.iter().zip(&data.organisation_parents) {
        let fields = OrganisationFields {
            name_az: o.name_az.clone(),
            name_en: o.name_en.clone(),
            acronym_az: o.acronym_az.clone(),
            acronym_en: o.acronym_en.clone(),
            kind: o.kind.0,
            iati_ref: o.iati_ref.clone(),
            parent_id: opt(&ids.organisations, *parent),
        };
        let (id, _) = sd
            .ensure_via::<organisation::Entity>(
                all([organisation::Column::NameEn.eq(&o.name_en)]),
                |m| m.id,
                "organisation",
                1,
                async |db, actor| create_organisation(db, actor, &fields).await,
            )
            .await?;
        ids.organisations.push(id);
    }

    for (n, programme) in data.programmes.iter().enumerate() {
        progress(4 + n, steps, &programme.step);
        write_programme(sd, &mut ids, programme).await?;
    }
    write_reporting_setup(sd).await?;
    Ok(())
}

/// The demo's reporting set-up, so a newcomer sees what is due, coverage and
/// rules at work: the UNDP project's centres owe monthly service counts from
/// September 2026, ten days after each month, and two rules check them (an
/// ERROR: no more served than received; a WARNING: received at most three
/// times the median of the last six months). Set-up, not facts of the seed
/// texts: no figure is invented.
async fn write_reporting_setup<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
) -> anyhow::Result<()> {
    use entities::codes::{
        ObligationFigures, ObligationUnit, ReportingFrequency, RuleKind, RuleSeverity,
    };
    let Some(undp) = project::Entity::find()
        .filter(project::Column::Slug.eq(super::demo::ANCHOR_SLUG))
        .one(sd.db)
        .await?
    else {
        return Ok(());
    };
    let set_up = chrono::NaiveDate::from_ymd_opt(2026, 9, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .unwrap_or_default();
    let starts_on = set_up.date_naive();
    sd.ensure(
        all([
            reporting_obligation::Column::ProjectId.eq(undp.id),
            reporting_obligation::Column::Figures.eq(ObligationFigures::ServiceCounts),
        ]),
        reporting_obligation::ActiveModel {
            id: NotSet,
            project_id: Set(undp.id),
            unit_kind: Set(ObligationUnit::Centre),
            centre_id: Set(None),
            figures: Set(ObligationFigures::ServiceCounts),
            frequency: Set(ReportingFrequency::Monthly),
            due_days: Set(10),
            starts_on: Set(starts_on),
            ends_on: Set(None),
            created_at: Set(set_up),
            version: Set(1),
            archived_at: Set(None),
        },
        |m| m.id,
    )
    .await?;
    let rules = [
        (
            RuleKind::Compare,
            RuleSeverity::Error,
            serde_json::json!({ "kind": "COMPARE", "left": "SERVED_PERSONS", "op": "LE", "right": "RECEIVED_PERSONS" }),
            "Xidmət göstərilən şəxslər müraciət edənlərdən çox ola bilməz",
            "No more people can be served than applied",
        ),
        (
            RuleKind::MedianMultiple,
            RuleSeverity::Warning,
            serde_json::json!({ "kind": "MEDIAN_MULTIPLE", "figure": "RECEIVED_PERSONS", "factor": 3.0, "periods": 6, "minPeriods": 3 }),
            "Müraciət edənlər son altı ayın medianının üç mislindən çoxdur",
            "Applicants are more than three times the median of the last six months",
        ),
    ];
    for (kind, severity, definition, message_az, message_en) in rules {
        sd.ensure(
            all([
                validation_rule::Column::ProjectId.eq(undp.id),
                validation_rule::Column::Kind.eq(kind),
                validation_rule::Column::IndicatorId.is_null(),
            ]),
            validation_rule::ActiveModel {
                id: NotSet,
                project_id: Set(undp.id),
                indicator_id: Set(None),
                kind: Set(kind),
                severity: Set(severity),
                definition: Set(definition),
                message_az: Set(message_az.into()),
                message_en: Set(message_en.into()),
                created_at: Set(set_up),
                version: Set(1),
                archived_at: Set(None),
            },
            |m| m.id,
        )
        .await?;
    }
    Ok(())
}

async fn write_programme<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    ids: &mut Ids,
    prog: &Programme,
) -> anyhow::Result<()> {
    let file = &prog.file;
    let src = |at: usize| Some(ids.sources[at]);

    // Plans first: the project links to them when it is created.
    for (pl, refs) in file.plan.iter().zip(&prog.plans) {
        let fields = PlanFields {
            organisation_id: opt(&ids.organisations, refs.organisation),
            title_az: pl.title_az.clone(),
            title_en: pl.title_en.clone(),
            start_year: pl.start_year,
            end_year: pl.end_year,
            goals: pl
                .goal
                .iter()
                .map(|g| GoalFields {
                    number: g.number,
                    title_az: g.title_az.clone(),
                    title_en: g.title_en.clone(),
                    description_az: g.description_az.clone(),
                    description_en: g.description_en.clone(),
                })
                .collect(),
            source_document_id: src(refs.source),
        };
        let (plan, created) = sd
            .ensure_via::<plan::Entity>(
                all([plan::Column::TitleEn.eq(&pl.title_en)]),
                |m| m.id,
                "plan",
                1 + pl.goal.len(),
                async |db, actor| create_plan(db, actor, &fields).await,
            )
            .await?;
        if !created {
            for g in &pl.goal {
                sd.ensure(
                    all([
                        goal::Column::PlanId.eq(plan),
                        goal::Column::Number.eq(g.number),
                    ]),
                    goal::ActiveModel {
                        version: Set(1),
                        id: NotSet,
                        plan_id: Set(plan),
                        number: Set(g.number),
                        title_az: Set(g.title_az.clone()),
                        title_en: Set(g.title_en.clone()),
                        description_az: Set(g.description_az.clone()),
                        description_en: Set(g.description_en.clone()),
                    },
                    |m| m.id,
                )
                .await?;
            }
        }
        ids.plans
            .push((plan, pl.goal.iter().map(|g| g.number).collect()));
    }

    let p = &file.project;
    let participants: Vec<Participant> = p
        .participant
        .iter()
        .zip(&prog.project.participants)
        .map(|(part, org)| Participant {
            organisation_id: ids.organisations[*org],
            role: part.role.0,
            note_az: part.note_az.clone(),
            note_en: part.note_en.clone(),
        })
        .collect();
    let area_ids: Vec<i32> = prog.project.areas.iter().map(|a| ids.areas[*a]).collect();
    let plan_links: Vec<PlanLink> = prog
        .project
        .plan_links
        .iter()
        .map(|(plan, goal)| {
            let (plan_id, numbers) = &ids.plans[*plan];
            PlanLink {
                plan_id: *plan_id,
                goal_number: goal.map(|g| numbers[g]),
            }
        })
        .collect();
    let categories: Vec<_> = p.categories.iter().map(|c| c.0).collect();
    let fields = ProjectFields {
        slug: p.slug.clone(),
        iati_identifier: p.iati_identifier.clone(),
        title_az: p.title_az.clone(),
        title_en: p.title_en.clone(),
        summary_az: p.summary_az.clone(),
        summary_en: p.summary_en.clone(),
        status: p.status.0,
        planned_start: day(p.planned_start),
        planned_end: day(p.planned_end),
        actual_start: day(p.actual_start),
        actual_end: day(p.actual_end),
        budget_amount: p.budget_amount,
        budget_currency: p.budget_currency.clone(),
        sensitivity: Some(p.sensitivity.0),
        is_public: Some(p.is_public),
        parent_id: opt(&ids.projects, prog.project.parent),
        participants: Some(participants),
        area_ids: Some(area_ids),
        plan_links: Some(plan_links),
        // None: the service declares UNKNOWN, as `declare_categories` does.
        categories: (!categories.is_empty()).then_some(categories),
        source_document_id: src(prog.project.source),
    };
    let rows = 1
        + p.participant.len()
        + prog.project.areas.len()
        + prog.project.plan_links.len()
        + p.categories.len().max(1);
    let (project, created) = sd
        .ensure_via::<project::Entity>(
            all([project::Column::Slug.eq(&p.slug)]),
            |m| m.id,
            "project",
            rows,
            async |db, actor| create_project(db, actor, &fields).await,
        )
        .await?;
    if !created {
        restore_project_lists(sd, ids, prog, project).await?;
    }

    let mut centres = Vec::new();
    for (c, refs) in file.centre.iter().zip(&prog.centres) {
        let source = src(refs.source);
        // Found by either name, so a centre renamed in one language (the
        // Ganja centre's English name) is not loaded a second time into a
        // database seeded before the rename.
        let key = Condition::all()
            .add(centre::Column::ProjectId.eq(project))
            .add(
                Condition::any()
                    .add(centre::Column::NameEn.eq(&c.name_en))
                    .add(centre::Column::NameAz.eq(&c.name_az)),
            );
        let served: Vec<i32> = refs.serves.iter().map(|a| ids.areas[*a]).collect();
        let fields = CentreFields {
            kind: c.kind.0,
            name_az: c.name_az.clone(),
            name_en: c.name_en.clone(),
            operator_organisation_id: opt(&ids.organisations, refs.operator),
            area_id: opt(&ids.areas, refs.area),
            host_building_az: c.host_building_az.clone(),
            host_building_en: c.host_building_en.clone(),
            rooms: c.rooms,
            status: c.status.map(|s| s.0),
            opened_on: day(c.opened_on),
            sensitive_location: c.sensitive_location,
            equipment_az: c.equipment_az.clone(),
            equipment_en: c.equipment_en.clone(),
            areas_served: served.clone(),
            note_az: c.note_az.clone(),
            note_en: c.note_en.clone(),
            source_document_id: source,
        };
        let (id, created) = sd
            .ensure_via::<centre::Entity>(
                key,
                |m| m.id,
                "centre",
                1 + served.len(),
                async |db, actor| create_centre(db, actor, project, &fields).await,
            )
            .await?;
        if !created {
            for area in served {
                sd.link(
                    all([
                        centre_area_served::Column::CentreId.eq(id),
                        centre_area_served::Column::AreaId.eq(area),
                    ]),
                    centre_area_served::ActiveModel {
                        centre_id: Set(id),
                        area_id: Set(area),
                    },
                )
                .await?;
            }
        }
        // Facts: the stages the texts say the centre reached, undated.
        for status in &c.milestones {
            sd.ensure(
                all([
                    centre_milestone::Column::CentreId.eq(id),
                    centre_milestone::Column::Status.eq(status.0),
                ]),
                centre_milestone::ActiveModel {
                    id: NotSet,
                    centre_id: Set(id),
                    status: Set(status.0),
                    reached_on: Set(None),
                    note_az: Set(None),
                    note_en: Set(None),
                    source_document_id: Set(source),
                },
                |m| m.id,
            )
            .await?;
        }
        centres.push(id);
    }

    for (t, refs) in file.team.iter().zip(&prog.teams) {
        let fields = TeamFields {
            kind: t.kind.0,
            name_az: t.name_az.clone(),
            name_en: t.name_en.clone(),
            organisation_id: opt(&ids.organisations, refs.organisation),
            area_id: opt(&ids.areas, refs.area),
            status: t.status.0,
            functions_az: t.functions_az.clone(),
            functions_en: t.functions_en.clone(),
            roles: t
                .role
                .iter()
                .map(|r| TeamRole {
                    role_az: r.role_az.clone(),
                    role_en: r.role_en.clone(),
                    count: r.count,
                })
                .collect(),
            source_document_id: src(refs.source),
        };
        let (id, created) = sd
            .ensure_via::<team::Entity>(
                all([
                    team::Column::ProjectId.eq(project),
                    team::Column::NameEn.eq(&t.name_en),
                ]),
                |m| m.id,
                "team",
                1 + t.role.len(),
                async |db, actor| create_team(db, actor, project, &fields).await,
            )
            .await?;
        if !created {
            for r in &t.role {
                sd.ensure(
                    all([
                        team_role::Column::TeamId.eq(id),
                        team_role::Column::RoleEn.eq(&r.role_en),
                    ]),
                    team_role::ActiveModel {
                        id: NotSet,
                        team_id: Set(id),
                        role_az: Set(r.role_az.clone()),
                        role_en: Set(r.role_en.clone()),
                        count: Set(r.count),
                    },
                    |m| m.id,
                )
                .await?;
            }
        }
    }

    let activity = super::activity::Context {
        project,
        centres: &centres,
        areas: &ids.areas,
        sources: &ids.sources,
    };
    activity.events(sd, prog).await?;
    activity.works(sd, prog).await?;
    activity.counts(sd, prog).await?;
    activity.indicators(sd, prog).await?;
    ids.projects.push(project);
    Ok(())
}

/// Restores, under a project that is already there, the organisations,
/// categories, areas and plan links a damaged copy lost.
async fn restore_project_lists<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    ids: &Ids,
    prog: &Programme,
    project: i32,
) -> anyhow::Result<()> {
    let p = &prog.file.project;
    for (part, org) in p.participant.iter().zip(&prog.project.participants) {
        let org = ids.organisations[*org];
        sd.ensure(
            all([
                project_participant::Column::ProjectId.eq(project),
                project_participant::Column::OrganisationId.eq(org),
                project_participant::Column::Role.eq(part.role.0),
            ]),
            project_participant::ActiveModel {
                id: NotSet,
                project_id: Set(project),
                organisation_id: Set(org),
                role: Set(part.role.0),
                note_az: Set(part.note_az.clone()),
                note_en: Set(part.note_en.clone()),
            },
            |m| m.id,
        )
        .await?;
    }
    for category in &p.categories {
        sd.link(
            all([
                project_category::Column::ProjectId.eq(project),
                project_category::Column::Category.eq(category.0),
            ]),
            project_category::ActiveModel {
                project_id: Set(project),
                category: Set(category.0),
            },
        )
        .await?;
    }
    for area in &prog.project.areas {
        let area = ids.areas[*area];
        sd.link(
            all([
                project_area::Column::ProjectId.eq(project),
                project_area::Column::AreaId.eq(area),
            ]),
            project_area::ActiveModel {
                project_id: Set(project),
                area_id: Set(area),
            },
        )
        .await?;
    }

    for (plan, goal) in &prog.project.plan_links {
        use project_plan_link::Column as Col;
        let (plan, numbers) = &ids.plans[*plan];
        let goal = match goal {
            Some(g) => goal::Entity::find()
                .filter(goal::Column::PlanId.eq(*plan))
                .filter(goal::Column::Number.eq(numbers[*g]))
                .one(sd.db)
                .await?
                .map(|g| g.id),
            None => None,
        };
        sd.ensure(
            all([
                Col::ProjectId.eq(project),
                Col::PlanId.eq(*plan),
                eq_opt(Col::GoalId, goal),
            ]),
            project_plan_link::ActiveModel {
                id: NotSet,
                project_id: Set(project),
                plan_id: Set(*plan),
                goal_id: Set(goal),
            },
            |m| m.id,
        )
        .await?;
    }

    Ok(())
}
