//! Projects: create (administrators), edit (administrators, and managers of
//! the project except its sensitivity and public flag), archive
//! (administrators), and the managers assigned to a project.
//!
//! A project's sensitivity, public flag, status and declared categories
//! decide how its rows are protected, so a change of any of them re-decides
//! the stored inputs of the protection for the project's attendance and
//! service counts in the same transaction (`disclosure::sql::refresh_rows`).

use std::collections::{BTreeSet, HashSet};

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QuerySelect, QueryTrait, Set,
};
use serde::Serialize;

use entities::codes::{BeneficiaryCategory, ParticipantRole, ProjectStatus, Sensitivity, UserRole};
use entities::{
    area, attendance, event, goal, organisation, plan, project, project_area, project_category,
    project_participant, project_plan_link, service_count, user, user_project_scope,
};

use super::super::*;
use super::{
    TEXT_MAX, TITLE_MAX, archive_problem, bilingual, check_budget, check_date, check_order,
    optional_text, require_admin,
};
use crate::search::search_key;
use crate::stats::summary::{self, Scope};

/// An organisation's part in a project.
#[derive(Debug, Clone, Serialize)]
pub struct Participant {
    /// The organisation.
    pub organisation_id: i32,
    /// Its IATI role.
    pub role: ParticipantRole,
    /// Note in Azerbaijani.
    pub note_az: Option<String>,
    /// Note in English.
    pub note_en: Option<String>,
}

/// A link of a project to a plan, or to one of the plan's goals.
#[derive(Debug, Clone, Serialize)]
pub struct PlanLink {
    /// The plan.
    pub plan_id: i32,
    /// The goal's number within the plan, if the link is to a goal.
    pub goal_number: Option<i32>,
}

/// A project's fields. On update, `None` in a list keeps the stored list,
/// and `None` in `sensitivity` or `is_public` keeps the stored value.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectFields {
    /// URL name: 2 to 80 of `a-z`, `0-9` and `-`, unique.
    pub slug: String,
    /// IATI activity identifier, when the project has one of its own.
    pub iati_identifier: Option<String>,
    /// Title in Azerbaijani (one language may be filled later).
    pub title_az: String,
    /// Title in English.
    pub title_en: String,
    /// Summary in Azerbaijani.
    pub summary_az: Option<String>,
    /// Summary in English.
    pub summary_en: Option<String>,
    /// Status.
    pub status: ProjectStatus,
    /// Planned first day.
    pub planned_start: Option<NaiveDate>,
    /// Planned last day.
    pub planned_end: Option<NaiveDate>,
    /// Actual first day.
    pub actual_start: Option<NaiveDate>,
    /// Actual last day.
    pub actual_end: Option<NaiveDate>,
    /// Budget, in whole units of its currency.
    pub budget_amount: Option<i64>,
    /// ISO 4217 currency of the budget.
    pub budget_currency: Option<String>,
    /// Sensitivity of the people it serves (administrators only).
    pub sensitivity: Option<Sensitivity>,
    /// Shown on public surfaces (administrators only).
    pub is_public: Option<bool>,
    /// Parent project.
    pub parent_id: Option<i32>,
    /// Organisations taking part.
    pub participants: Option<Vec<Participant>>,
    /// Areas where it works.
    pub area_ids: Option<Vec<i32>>,
    /// Plans and goals it serves.
    pub plan_links: Option<Vec<PlanLink>>,
    /// Beneficiary categories its events and service counts may record.
    pub categories: Option<Vec<BeneficiaryCategory>>,
    /// The source document that describes it (set when created; a citation
    /// with a quoted passage is the way to cite one afterwards).
    pub source_document_id: Option<i32>,
}

/// True for a slug of 2 to 80 of `a-z`, `0-9` and `-`, not starting or ending with `-`.
pub fn valid_slug(slug: &str) -> bool {
    (2..=80).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

/// Checks the fields that need no database; returns the cleaned texts.
fn validate(input: &ProjectFields, errors: &mut Vec<UserError>) -> Cleaned {
    if !valid_slug(&input.slug) {
        errors.push(UserError::new(
            &["input", "slug"],
            UserErrorCode::Invalid,
            "use 2 to 80 lowercase letters, digits and hyphens (e.g. kids-hotline-2027)",
        ));
    }
    let (title_az, title_en) = bilingual(
        &input.title_az,
        &input.title_en,
        &["input", "titleAz"],
        &["input", "titleEn"],
        TITLE_MAX,
        errors,
    );
    let summary_az = optional_text(
        input.summary_az.as_deref(),
        &["input", "summaryAz"],
        TEXT_MAX,
        errors,
    );
    let summary_en = optional_text(
        input.summary_en.as_deref(),
        &["input", "summaryEn"],
        TEXT_MAX,
        errors,
    );
    let iati_identifier = optional_text(
        input.iati_identifier.as_deref(),
        &["input", "iatiIdentifier"],
        150,
        errors,
    );
    if let Some(id) = &iati_identifier
        && (!id.contains('-') || id.chars().any(|c| c.is_whitespace() || c == '/'))
    {
        errors.push(UserError::new(
            &["input", "iatiIdentifier"],
            UserErrorCode::Invalid,
            "an IATI identifier is the reporting organisation's identifier, a hyphen and the activity's own code, without spaces or slashes",
        ));
    }
    for (date, name) in [
        (input.planned_start, "plannedStart"),
        (input.planned_end, "plannedEnd"),
        (input.actual_start, "actualStart"),
        (input.actual_end, "actualEnd"),
    ] {
        check_date(date, &["input", name], errors);
    }
    check_order(
        input.planned_start,
        input.planned_end,
        &["input", "plannedEnd"],
        errors,
    );
    check_order(
        input.actual_start,
        input.actual_end,
        &["input", "actualEnd"],
        errors,
    );
    let budget_currency = check_budget(
        input.budget_amount,
        input.budget_currency.as_deref(),
        (&["input", "budgetAmount"], &["input", "budgetCurrency"]),
        errors,
    );
    if let Some(participants) = &input.participants {
        let mut seen = HashSet::new();
        for (i, p) in participants.iter().enumerate() {
            if !seen.insert((p.organisation_id, p.role)) {
                errors.push(UserError::new(
                    &["input", "participants", &i.to_string(), "role"],
                    UserErrorCode::DuplicateCell,
                    "this organisation already has this role in the list",
                ));
            }
        }
        if participants.len() > 200 {
            errors.push(UserError::new(
                &["input", "participants"],
                UserErrorCode::Invalid,
                "at most 200 participating organisations",
            ));
        }
    }
    if input.area_ids.as_ref().is_some_and(|a| a.len() > 500) {
        errors.push(UserError::new(
            &["input", "areaIds"],
            UserErrorCode::Invalid,
            "at most 500 areas",
        ));
    }
    if let Some(categories) = &input.categories
        && categories.is_empty()
    {
        errors.push(UserError::new(
            &["input", "beneficiaryCategories"],
            UserErrorCode::Required,
            "declare at least one beneficiary category (UNKNOWN when the project does not record it)",
        ));
    }
    Cleaned {
        title_az,
        title_en,
        summary_az,
        summary_en,
        iati_identifier,
        budget_currency,
    }
}

struct Cleaned {
    title_az: String,
    title_en: String,
    summary_az: Option<String>,
    summary_en: Option<String>,
    iati_identifier: Option<String>,
    budget_currency: Option<String>,
}

/// Checks that every referenced row exists (NOT_FOUND on the named item).
async fn check_references<C: ConnectionTrait>(
    db: &C,
    input: &ProjectFields,
    self_id: Option<i32>,
    errors: &mut Vec<UserError>,
) -> Result<(), DbErr> {
    if let Some(parent) = input.parent_id {
        let mut at = Some(parent);
        let mut hops = 0;
        let mut problem = None;
        while let Some(id) = at {
            if Some(id) == self_id {
                problem = Some("a project cannot be its own ancestor");
                break;
            }
            match project::Entity::find_by_id(id).one(db).await? {
                Some(p) => at = p.parent_id,
                None => {
                    problem = Some("no such parent project");
                    break;
                }
            }
            hops += 1;
            if hops > 20 {
                problem = Some("the parent chain is deeper than 20 projects");
                break;
            }
        }
        if let Some(message) = problem {
            errors.push(UserError::new(
                &["input", "parentId"],
                UserErrorCode::Invalid,
                message,
            ));
        }
    }
    if let Some(participants) = &input.participants {
        let ids: Vec<i32> = participants.iter().map(|p| p.organisation_id).collect();
        let found = existing(
            db,
            organisation::Entity::find(),
            organisation::Column::Id,
            &ids,
        )
        .await?;
        for (i, p) in participants.iter().enumerate() {
            if !found.contains(&p.organisation_id) {
                errors.push(UserError::new(
                    &["input", "participants", &i.to_string(), "organisationId"],
                    UserErrorCode::NotFound,
                    "no such organisation",
                ));
            }
        }
    }
    if let Some(area_ids) = &input.area_ids {
        let found = existing(db, area::Entity::find(), area::Column::Id, area_ids).await?;
        for (i, id) in area_ids.iter().enumerate() {
            if !found.contains(id) {
                errors.push(UserError::new(
                    &["input", "areaIds", &i.to_string()],
                    UserErrorCode::NotFound,
                    "no such area",
                ));
            }
        }
    }
    if let Some(links) = &input.plan_links {
        for (i, link) in links.iter().enumerate() {
            let index = i.to_string();
            if plan::Entity::find_by_id(link.plan_id)
                .one(db)
                .await?
                .is_none()
            {
                errors.push(UserError::new(
                    &["input", "planLinks", &index, "planId"],
                    UserErrorCode::NotFound,
                    "no such plan",
                ));
            } else if let Some(n) = link.goal_number
                && goal_id(db, link.plan_id, n).await?.is_none()
            {
                errors.push(UserError::new(
                    &["input", "planLinks", &index, "goalNumber"],
                    UserErrorCode::NotFound,
                    "the plan has no goal with this number",
                ));
            }
        }
    }
    Ok(())
}

/// The ids among `ids` that exist in `col`'s table.
pub(crate) async fn existing<C, E>(
    db: &C,
    select: sea_orm::Select<E>,
    col: E::Column,
    ids: &[i32],
) -> Result<HashSet<i32>, DbErr>
where
    C: ConnectionTrait,
    E: EntityTrait,
{
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let unique: BTreeSet<i32> = ids.iter().copied().collect();
    let rows: Vec<i32> = select
        .select_only()
        .column(col)
        .filter(col.is_in(unique))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

async fn goal_id<C: ConnectionTrait>(
    db: &C,
    plan_id: i32,
    number: i32,
) -> Result<Option<i32>, DbErr> {
    Ok(goal::Entity::find()
        .filter(goal::Column::PlanId.eq(plan_id))
        .filter(goal::Column::Number.eq(number))
        .one(db)
        .await?
        .map(|g| g.id))
}

async fn slug_taken<C: ConnectionTrait>(
    db: &C,
    slug: &str,
    other_than: Option<i32>,
) -> Result<bool, DbErr> {
    let mut q = project::Entity::find().filter(project::Column::Slug.eq(slug));
    if let Some(id) = other_than {
        q = q.filter(project::Column::Id.ne(id));
    }
    Ok(q.count(db).await? > 0)
}

/// The categories the project's stored rows record (which a new
/// declaration must keep).
async fn recorded_categories<C: ConnectionTrait>(
    db: &C,
    project_id: i32,
) -> Result<BTreeSet<BeneficiaryCategory>, DbErr> {
    let mut out = BTreeSet::new();
    let events = event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .filter(event::Column::ProjectId.eq(project_id))
        .into_query();
    let cells: Vec<BeneficiaryCategory> = attendance::Entity::find()
        .select_only()
        .column(attendance::Column::Category)
        .distinct()
        .filter(attendance::Column::EventId.in_subquery(events))
        .into_tuple()
        .all(db)
        .await?;
    out.extend(cells);
    let counts: Vec<Option<BeneficiaryCategory>> = service_count::Entity::find()
        .select_only()
        .column(service_count::Column::Category)
        .distinct()
        .filter(service_count::Column::ProjectId.eq(project_id))
        .into_tuple()
        .all(db)
        .await?;
    out.extend(counts.into_iter().flatten());
    Ok(out)
}

/// Writes the project's lists that `input` gives (replacing the stored ones).
async fn write_lists<C: ConnectionTrait>(
    db: &C,
    project_id: i32,
    input: &ProjectFields,
) -> Result<(), DbErr> {
    if let Some(participants) = &input.participants {
        project_participant::Entity::delete_many()
            .filter(project_participant::Column::ProjectId.eq(project_id))
            .exec(db)
            .await?;
        for p in participants {
            project_participant::ActiveModel {
                id: NotSet,
                project_id: Set(project_id),
                organisation_id: Set(p.organisation_id),
                role: Set(p.role),
                note_az: Set(p.note_az.clone()),
                note_en: Set(p.note_en.clone()),
            }
            .insert(db)
            .await?;
        }
    }
    if let Some(area_ids) = &input.area_ids {
        project_area::Entity::delete_many()
            .filter(project_area::Column::ProjectId.eq(project_id))
            .exec(db)
            .await?;
        for area_id in area_ids.iter().collect::<BTreeSet<_>>() {
            project_area::ActiveModel {
                project_id: Set(project_id),
                area_id: Set(*area_id),
            }
            .insert(db)
            .await?;
        }
    }
    if let Some(links) = &input.plan_links {
        project_plan_link::Entity::delete_many()
            .filter(project_plan_link::Column::ProjectId.eq(project_id))
            .exec(db)
            .await?;
        let mut seen = HashSet::new();
        for link in links {
            let goal = match link.goal_number {
                Some(n) => goal_id(db, link.plan_id, n).await?,
                None => None,
            };
            if !seen.insert((link.plan_id, goal)) {
                continue;
            }
            project_plan_link::ActiveModel {
                id: NotSet,
                project_id: Set(project_id),
                plan_id: Set(link.plan_id),
                goal_id: Set(goal),
            }
            .insert(db)
            .await?;
        }
    }
    if let Some(categories) = &input.categories {
        project_category::Entity::delete_many()
            .filter(project_category::Column::ProjectId.eq(project_id))
            .exec(db)
            .await?;
        for category in categories.iter().collect::<BTreeSet<_>>() {
            project_category::ActiveModel {
                project_id: Set(project_id),
                category: Set(*category),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// The project with its lists, as the audit trail records it.
pub async fn project_snapshot<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> Result<Option<serde_json::Value>, DbErr> {
    let Some(p) = project::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let participants = project_participant::Entity::find()
        .filter(project_participant::Column::ProjectId.eq(id))
        .all(db)
        .await?;
    let areas: Vec<i32> = project_area::Entity::find()
        .filter(project_area::Column::ProjectId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.area_id)
        .collect();
    let links = project_plan_link::Entity::find()
        .filter(project_plan_link::Column::ProjectId.eq(id))
        .all(db)
        .await?;
    let categories: Vec<&str> = project_category::Entity::find()
        .filter(project_category::Column::ProjectId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.category.code())
        .collect();
    let mut value = serde_json::to_value(&p).unwrap_or_default();
    if let Some(obj) = value.as_object_mut() {
        obj.insert(
            "participants".into(),
            serde_json::to_value(participants).unwrap_or_default(),
        );
        obj.insert(
            "area_ids".into(),
            serde_json::to_value(areas).unwrap_or_default(),
        );
        obj.insert(
            "plan_links".into(),
            serde_json::to_value(links).unwrap_or_default(),
        );
        obj.insert(
            "categories".into(),
            serde_json::to_value(categories).unwrap_or_default(),
        );
    }
    Ok(Some(value))
}

/// Re-decides the stored inputs of the protection of every attendance cell
/// and service count of the project (its sensitivity, visibility, status or
/// categories changed), with the per-event summaries.
pub async fn refresh_protection<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project_id: i32,
) -> Result<(), DbErr> {
    let events: Vec<i32> = event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .filter(event::Column::ProjectId.eq(project_id))
        .into_tuple()
        .all(db)
        .await?;
    for chunk in events.chunks(500) {
        summary::refresh(db, &actor.thresholds, Scope::Events(chunk)).await?;
    }
    db.execute_unprepared(&crate::disclosure::sql::refresh_rows(
        crate::disclosure::sql::Facts::ServiceCounts,
        &actor.thresholds,
        &format!("sc.project_id = {project_id}"),
        false,
        db.get_database_backend(),
    ))
    .await?;
    Ok(())
}

/// Creates a project (administrators). It starts private unless `is_public`
/// says otherwise, declares `UNKNOWN` when no categories are given, and
/// is `ORDINARY` unless a sensitivity is given.
pub async fn create_project<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: &ProjectFields,
) -> ServiceResult<Outcome> {
    require_admin(actor)?;
    let mut errors = Vec::new();
    let cleaned = validate(input, &mut errors);
    check_references(db, input, None, &mut errors).await?;
    if valid_slug(&input.slug) && slug_taken(db, &input.slug, None).await? {
        errors.push(UserError::new(
            &["input", "slug"],
            UserErrorCode::AlreadyExists,
            "another project has this slug",
        ));
    }
    check(errors)?;
    let created = project::ActiveModel {
        id: NotSet,
        slug: Set(input.slug.clone()),
        iati_identifier: Set(cleaned.iati_identifier),
        search_key: Set(search_key([
            cleaned.title_az.as_str(),
            cleaned.title_en.as_str(),
            input.slug.as_str(),
        ])),
        title_az: Set(cleaned.title_az),
        title_en: Set(cleaned.title_en),
        summary_az: Set(cleaned.summary_az),
        summary_en: Set(cleaned.summary_en),
        status: Set(input.status),
        planned_start: Set(input.planned_start),
        planned_end: Set(input.planned_end),
        actual_start: Set(input.actual_start),
        actual_end: Set(input.actual_end),
        budget_amount: Set(input.budget_amount),
        budget_currency: Set(cleaned.budget_currency),
        sensitivity: Set(input.sensitivity.unwrap_or(Sensitivity::Ordinary)),
        is_public: Set(input.is_public.unwrap_or(false)),
        parent_id: Set(input.parent_id),
        source_document_id: Set(input.source_document_id),
        version: Set(1),
        archived_at: Set(None),
    }
    .insert(db)
    .await?;
    let mut lists = input.clone();
    if lists.categories.is_none() {
        lists.categories = Some(vec![BeneficiaryCategory::Unknown]);
    }
    write_lists(db, created.id, &lists).await?;
    let after = project_snapshot(db, created.id).await?;
    audit(
        db,
        actor,
        "project.create",
        "project",
        Some(created.id),
        None,
        after,
    )
    .await?;
    Ok(Outcome::changed(created.id))
}

/// Changes a project: administrators, and managers of the project (who may
/// not change its sensitivity or public flag). CONFLICT on a stale `version`.
pub async fn update_project<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    input: &ProjectFields,
) -> ServiceResult<Outcome> {
    let before = editable_project(db, &actor.viewer, id, &["id"]).await?;
    if before.archived_at.is_some() && !actor.viewer.is_admin() {
        return Err(UserError::new(&["id"], UserErrorCode::NotFound, "no such project").into());
    }
    let mut errors = Vec::new();
    if !actor.viewer.is_admin() {
        if input.sensitivity.is_some_and(|s| s != before.sensitivity) {
            errors.push(UserError::new(
                &["input", "sensitivity"],
                UserErrorCode::Forbidden,
                "only an administrator changes a project's sensitivity",
            ));
        }
        if input.is_public.is_some_and(|p| p != before.is_public) {
            errors.push(UserError::new(
                &["input", "isPublic"],
                UserErrorCode::Forbidden,
                "publishing a project is an administrator's decision",
            ));
        }
    }
    let cleaned = validate(input, &mut errors);
    check_references(db, input, Some(id), &mut errors).await?;
    if valid_slug(&input.slug) && slug_taken(db, &input.slug, Some(id)).await? {
        errors.push(UserError::new(
            &["input", "slug"],
            UserErrorCode::AlreadyExists,
            "another project has this slug",
        ));
    }
    if let Some(categories) = &input.categories {
        let declared: BTreeSet<_> = categories.iter().copied().collect();
        for missing in recorded_categories(db, id).await?.difference(&declared) {
            errors.push(UserError::new(
                &["input", "beneficiaryCategories"],
                UserErrorCode::InUse,
                format!(
                    "the project's records count people of the category {}: keep it declared, or correct those records first",
                    missing.code()
                ),
            ));
        }
    }
    // Recorded dates must stay within the project's dates.
    check(errors)?;
    if before.version != version {
        return Err(conflict(&["version"], "project"));
    }
    let snapshot_before = project_snapshot(db, id).await?;
    let sensitivity = input.sensitivity.unwrap_or(before.sensitivity);
    let is_public = input.is_public.unwrap_or(before.is_public);
    if !compare_and_set::<project::Entity, _>(
        db,
        project::ActiveModel {
            slug: Set(input.slug.clone()),
            iati_identifier: Set(cleaned.iati_identifier),
            search_key: Set(search_key([
                cleaned.title_az.as_str(),
                cleaned.title_en.as_str(),
                input.slug.as_str(),
            ])),
            title_az: Set(cleaned.title_az),
            title_en: Set(cleaned.title_en),
            summary_az: Set(cleaned.summary_az),
            summary_en: Set(cleaned.summary_en),
            status: Set(input.status),
            planned_start: Set(input.planned_start),
            planned_end: Set(input.planned_end),
            actual_start: Set(input.actual_start),
            actual_end: Set(input.actual_end),
            budget_amount: Set(input.budget_amount),
            budget_currency: Set(cleaned.budget_currency),
            sensitivity: Set(sensitivity),
            is_public: Set(is_public),
            parent_id: Set(input.parent_id),
            version: Set(version + 1),
            ..Default::default()
        },
        (project::Column::Id, id),
        (project::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "project"));
    }
    write_lists(db, id, input).await?;
    let protection_changed = sensitivity != before.sensitivity
        || is_public != before.is_public
        || input.status != before.status
        || input.categories.is_some();
    if protection_changed {
        refresh_protection(db, actor, id).await?;
    }
    let after = project_snapshot(db, id).await?;
    audit(
        db,
        actor,
        "project.update",
        "project",
        Some(id),
        snapshot_before,
        after,
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// Archives a project (administrators): it leaves every public surface and
/// every non-administrator's scope, and stays for the audit trail.
/// `restore` brings it back.
pub async fn archive_project<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    restore: bool,
) -> ServiceResult<Outcome> {
    require_admin(actor)?;
    let Some(before) = project::Entity::find_by_id(id).one(db).await? else {
        return Err(UserError::new(&["id"], UserErrorCode::NotFound, "no such project").into());
    };
    if before.version != version {
        return Err(conflict(&["version"], "project"));
    }
    if let Some(e) = archive_problem(before.archived_at.is_some(), restore, "project") {
        return Err(e);
    }
    let archived_at = (!restore).then(Utc::now);
    if !compare_and_set::<project::Entity, _>(
        db,
        project::ActiveModel {
            archived_at: Set(archived_at),
            version: Set(version + 1),
            ..Default::default()
        },
        (project::Column::Id, id),
        (project::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "project"));
    }
    refresh_protection(db, actor, id).await?;
    let after = project::Entity::find_by_id(id).one(db).await?;
    audit(
        db,
        actor,
        if restore {
            "project.restore"
        } else {
            "project.archive"
        },
        "project",
        Some(id),
        snapshot(&before),
        snapshot(&after),
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// Sets the managers of a project (administrators): each user must be an
/// active manager; managers not listed lose the project.
pub async fn set_project_managers<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project_id: i32,
    user_ids: &[i32],
) -> ServiceResult<Outcome> {
    require_admin(actor)?;
    if project::Entity::find_by_id(project_id)
        .one(db)
        .await?
        .is_none()
    {
        return Err(
            UserError::new(&["projectId"], UserErrorCode::NotFound, "no such project").into(),
        );
    }
    let mut errors = Vec::new();
    let wanted: BTreeSet<i32> = user_ids.iter().copied().collect();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(wanted.iter().copied()))
        .all(db)
        .await?;
    for (i, id) in user_ids.iter().enumerate() {
        match users.iter().find(|u| u.id == *id) {
            None => errors.push(UserError::new(
                &["userIds", &i.to_string()],
                UserErrorCode::NotFound,
                "no such user",
            )),
            Some(u) if u.role != UserRole::Manager => errors.push(UserError::new(
                &["userIds", &i.to_string()],
                UserErrorCode::Invalid,
                "only managers are assigned to projects (administrators edit every project)",
            )),
            Some(_) => {}
        }
    }
    check(errors)?;
    let before: Vec<i32> = user_project_scope::Entity::find()
        .filter(user_project_scope::Column::ProjectId.eq(project_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.user_id)
        .collect();
    user_project_scope::Entity::delete_many()
        .filter(user_project_scope::Column::ProjectId.eq(project_id))
        .exec(db)
        .await?;
    for user_id in &wanted {
        user_project_scope::ActiveModel {
            user_id: Set(*user_id),
            project_id: Set(project_id),
        }
        .insert(db)
        .await?;
    }
    audit(
        db,
        actor,
        "project.managers",
        "project",
        Some(project_id),
        Some(serde_json::json!({ "managers": before })),
        Some(serde_json::json!({ "managers": wanted })),
    )
    .await?;
    Ok(Outcome::changed(project_id))
}

/// A goal of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct GoalFields {
    /// Its number within the plan (1, 2, …), unique.
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

/// A plan (a national strategy or an organisation's plan) and its goals.
#[derive(Debug, Clone, Serialize)]
pub struct PlanFields {
    /// Organisation that owns the plan.
    pub organisation_id: Option<i32>,
    /// Title in Azerbaijani.
    pub title_az: String,
    /// Title in English.
    pub title_en: String,
    /// First year.
    pub start_year: Option<i32>,
    /// Last year.
    pub end_year: Option<i32>,
    /// The goals (replace the stored ones; a goal a project links to must stay).
    pub goals: Vec<GoalFields>,
    /// Source document.
    pub source_document_id: Option<i32>,
}

async fn validate_plan<C: ConnectionTrait>(
    db: &C,
    input: &PlanFields,
    errors: &mut Vec<UserError>,
) -> Result<(String, String), DbErr> {
    let titles = bilingual(
        &input.title_az,
        &input.title_en,
        &["input", "titleAz"],
        &["input", "titleEn"],
        TITLE_MAX,
        errors,
    );
    for (year, name) in [(input.start_year, "startYear"), (input.end_year, "endYear")] {
        if year.is_some_and(|y| !(super::DATE_MIN.0..=super::DATE_MAX.0).contains(&y)) {
            errors.push(UserError::new(
                &["input", name],
                UserErrorCode::ValueOutOfRange,
                format!(
                    "years run from {} to {}",
                    super::DATE_MIN.0,
                    super::DATE_MAX.0
                ),
            ));
        }
    }
    if let (Some(s), Some(e)) = (input.start_year, input.end_year)
        && e < s
    {
        errors.push(UserError::new(
            &["input", "endYear"],
            UserErrorCode::Invalid,
            "the last year is before the first",
        ));
    }
    if input.goals.len() > 200 {
        errors.push(UserError::new(
            &["input", "goals"],
            UserErrorCode::Invalid,
            "at most 200 goals",
        ));
    }
    let mut numbers = BTreeSet::new();
    for (i, g) in input.goals.iter().enumerate() {
        let index = i.to_string();
        if !(1..=1000).contains(&g.number) {
            errors.push(UserError::new(
                &["input", "goals", &index, "number"],
                UserErrorCode::ValueOutOfRange,
                "goals are numbered 1 to 1,000",
            ));
        } else if !numbers.insert(g.number) {
            errors.push(UserError::new(
                &["input", "goals", &index, "number"],
                UserErrorCode::DuplicateCell,
                "another goal of the plan has this number",
            ));
        }
        for (text, name, max) in [
            (&g.title_az, "titleAz", TITLE_MAX),
            (&g.title_en, "titleEn", TITLE_MAX),
            (&g.description_az, "descriptionAz", TEXT_MAX),
            (&g.description_en, "descriptionEn", TEXT_MAX),
        ] {
            optional_text(
                text.as_deref(),
                &["input", "goals", &index, name],
                max,
                errors,
            );
        }
    }
    if let Some(org) = input.organisation_id
        && organisation::Entity::find_by_id(org)
            .one(db)
            .await?
            .is_none()
    {
        errors.push(UserError::new(
            &["input", "organisationId"],
            UserErrorCode::NotFound,
            "no such organisation",
        ));
    }
    if let Some(source) = input.source_document_id
        && entities::source_document::Entity::find_by_id(source)
            .one(db)
            .await?
            .is_none()
    {
        errors.push(UserError::new(
            &["input", "sourceDocumentId"],
            UserErrorCode::NotFound,
            "no such source document",
        ));
    }
    Ok(titles)
}

/// Writes the plan's goals: updates those whose number stays, adds new
/// ones, and removes the rest (refused when a project links to one).
async fn write_goals<C: ConnectionTrait>(
    db: &C,
    plan_id: i32,
    goals: &[GoalFields],
) -> ServiceResult<()> {
    let stored = goal::Entity::find()
        .filter(goal::Column::PlanId.eq(plan_id))
        .all(db)
        .await?;
    let wanted: BTreeSet<i32> = goals.iter().map(|g| g.number).collect();
    for old in stored.iter().filter(|g| !wanted.contains(&g.number)) {
        let linked = project_plan_link::Entity::find()
            .filter(project_plan_link::Column::GoalId.eq(old.id))
            .count(db)
            .await?;
        if linked > 0 {
            return Err(UserError::new(
                &["input", "goals"],
                UserErrorCode::InUse,
                format!(
                    "goal {} is linked to a project: keep it, or unlink it first",
                    old.number
                ),
            )
            .into());
        }
        goal::Entity::delete_by_id(old.id).exec(db).await?;
    }
    let clean = |t: &Option<String>| {
        t.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    for g in goals {
        match stored.iter().find(|s| s.number == g.number) {
            Some(s) => {
                goal::ActiveModel {
                    id: Set(s.id),
                    title_az: Set(clean(&g.title_az)),
                    title_en: Set(clean(&g.title_en)),
                    description_az: Set(clean(&g.description_az)),
                    description_en: Set(clean(&g.description_en)),
                    version: Set(s.version + 1),
                    ..Default::default()
                }
                .update(db)
                .await?;
            }
            None => {
                goal::ActiveModel {
                    id: NotSet,
                    plan_id: Set(plan_id),
                    number: Set(g.number),
                    title_az: Set(clean(&g.title_az)),
                    title_en: Set(clean(&g.title_en)),
                    description_az: Set(clean(&g.description_az)),
                    description_en: Set(clean(&g.description_en)),
                    version: Set(1),
                }
                .insert(db)
                .await?;
            }
        }
    }
    Ok(())
}

async fn plan_snapshot<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> Result<Option<serde_json::Value>, DbErr> {
    let Some(p) = plan::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let goals = goal::Entity::find()
        .filter(goal::Column::PlanId.eq(id))
        .all(db)
        .await?;
    Ok(Some(serde_json::json!({ "plan": p, "goals": goals })))
}

/// How many goals a plan has: unknown (`None`) when none is listed.
fn goal_count(goals: &[GoalFields]) -> Option<i32> {
    (!goals.is_empty())
        .then(|| i32::try_from(goals.len()).ok())
        .flatten()
}

/// Creates a plan with its goals (administrators).
pub async fn create_plan<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: &PlanFields,
) -> ServiceResult<Outcome> {
    require_admin(actor)?;
    let mut errors = Vec::new();
    let (az, en) = validate_plan(db, input, &mut errors).await?;
    check(errors)?;
    let created = plan::ActiveModel {
        id: NotSet,
        organisation_id: Set(input.organisation_id),
        title_az: Set(az),
        title_en: Set(en),
        start_year: Set(input.start_year),
        end_year: Set(input.end_year),
        goal_count: Set(goal_count(&input.goals)),
        source_document_id: Set(input.source_document_id),
        version: Set(1),
    }
    .insert(db)
    .await?;
    write_goals(db, created.id, &input.goals).await?;
    let after = plan_snapshot(db, created.id).await?;
    audit(
        db,
        actor,
        "plan.create",
        "plan",
        Some(created.id),
        None,
        after,
    )
    .await?;
    Ok(Outcome::changed(created.id))
}

/// Changes a plan and its goals (administrators); CONFLICT on a stale `version`.
pub async fn update_plan<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    input: &PlanFields,
) -> ServiceResult<Outcome> {
    require_admin(actor)?;
    if plan::Entity::find_by_id(id).one(db).await?.is_none() {
        return Err(UserError::new(&["id"], UserErrorCode::NotFound, "no such plan").into());
    }
    let mut errors = Vec::new();
    let (az, en) = validate_plan(db, input, &mut errors).await?;
    check(errors)?;
    let before = plan_snapshot(db, id).await?;
    if !compare_and_set::<plan::Entity, _>(
        db,
        plan::ActiveModel {
            organisation_id: Set(input.organisation_id),
            title_az: Set(az),
            title_en: Set(en),
            start_year: Set(input.start_year),
            end_year: Set(input.end_year),
            goal_count: Set(goal_count(&input.goals)),
            source_document_id: Set(input.source_document_id),
            version: Set(version + 1),
            ..Default::default()
        },
        (plan::Column::Id, id),
        (plan::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "plan"));
    }
    write_goals(db, id, &input.goals).await?;
    let after = plan_snapshot(db, id).await?;
    audit(db, actor, "plan.update", "plan", Some(id), before, after).await?;
    Ok(Outcome::changed(id))
}
