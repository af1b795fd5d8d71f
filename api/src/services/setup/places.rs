//! Centres, infrastructure works and teams of a project (create, edit,
//! archive), areas (settlements and villages added under districts), and
//! area boundaries uploaded as GeoJSON.

use std::collections::BTreeSet;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QuerySelect, Set,
};
use serde::Serialize;

use entities::codes::{
    AreaKind, CentreKind, CentreStatus, TeamKind, TeamStatus, WorkKind, WorkStatus,
};
use entities::{
    area, area_boundary, centre, centre_area_served, infrastructure_work, organisation, team,
    team_role, work_status_change,
};

use super::super::bounds::{SMALL_COUNT, WORK_BENEFICIARIES, WORK_QUANTITY};
use super::super::*;
use super::projects::existing;
use super::{
    TEXT_MAX, TITLE_MAX, archive_problem, bilingual, check_budget, check_count, check_date,
    optional_text, require_admin,
};
use crate::search::{fold, search_key};

/// What the three kinds of project-owned places share: a project, and an
/// archive flag. One function loads any of them for an edit.
pub(crate) async fn owned<C, E>(
    db: &C,
    actor: &Actor,
    id: i32,
    what: &str,
    project_of: impl Fn(&E::Model) -> i32,
) -> ServiceResult<E::Model>
where
    C: ConnectionTrait,
    E: EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i32>,
{
    let Some(row) = E::find_by_id(id).one(db).await? else {
        return Err(
            UserError::new(&["id"], UserErrorCode::NotFound, format!("no such {what}")).into(),
        );
    };
    editable_project(db, &actor.viewer, project_of(&row), &["id"]).await?;
    Ok(row)
}

async fn check_area<C: ConnectionTrait>(
    db: &C,
    area_id: Option<i32>,
    field: &[&str],
    errors: &mut Vec<UserError>,
) -> Result<(), DbErr> {
    if let Some(id) = area_id
        && area::Entity::find_by_id(id).one(db).await?.is_none()
    {
        errors.push(UserError::new(
            field,
            UserErrorCode::NotFound,
            "no such area",
        ));
    }
    Ok(())
}

async fn check_organisation<C: ConnectionTrait>(
    db: &C,
    id: Option<i32>,
    field: &[&str],
    errors: &mut Vec<UserError>,
) -> Result<(), DbErr> {
    if let Some(id) = id
        && organisation::Entity::find_by_id(id)
            .one(db)
            .await?
            .is_none()
    {
        errors.push(UserError::new(
            field,
            UserErrorCode::NotFound,
            "no such organisation",
        ));
    }
    Ok(())
}

async fn check_source<C: ConnectionTrait>(
    db: &C,
    id: Option<i32>,
    errors: &mut Vec<UserError>,
) -> Result<(), DbErr> {
    if let Some(id) = id
        && entities::source_document::Entity::find_by_id(id)
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
    Ok(())
}

// ---------------------------------------------------------------- centres

/// A centre's fields.
#[derive(Debug, Clone, Serialize)]
pub struct CentreFields {
    /// Kind of centre.
    pub kind: CentreKind,
    /// Name in Azerbaijani.
    pub name_az: String,
    /// Name in English.
    pub name_en: String,
    /// Organisation that runs it.
    pub operator_organisation_id: Option<i32>,
    /// Area it stands in.
    pub area_id: Option<i32>,
    /// Host building in Azerbaijani.
    pub host_building_az: Option<String>,
    /// Host building in English.
    pub host_building_en: Option<String>,
    /// Rooms.
    pub rooms: Option<i32>,
    /// Status.
    pub status: Option<CentreStatus>,
    /// Day it opened.
    pub opened_on: Option<NaiveDate>,
    /// A shelter whose place is never published finer than its city.
    pub sensitive_location: bool,
    /// What the centre was equipped with, in Azerbaijani (set when
    /// created; an edit keeps it).
    pub equipment_az: Option<String>,
    /// What the centre was equipped with, in English (as `equipment_az`).
    pub equipment_en: Option<String>,
    /// Areas it serves.
    pub areas_served: Vec<i32>,
    /// Note in Azerbaijani.
    pub note_az: Option<String>,
    /// Note in English.
    pub note_en: Option<String>,
    /// Source document.
    pub source_document_id: Option<i32>,
}

async fn validate_centre<C: ConnectionTrait>(
    db: &C,
    input: &CentreFields,
    errors: &mut Vec<UserError>,
) -> Result<Texts, DbErr> {
    let (name_az, name_en) = bilingual(
        &input.name_az,
        &input.name_en,
        &["input", "nameAz"],
        &["input", "nameEn"],
        TITLE_MAX,
        errors,
    );
    let texts = Texts {
        az: name_az,
        en: name_en,
        extra: [
            optional_text(
                input.host_building_az.as_deref(),
                &["input", "hostBuildingAz"],
                TITLE_MAX,
                errors,
            ),
            optional_text(
                input.host_building_en.as_deref(),
                &["input", "hostBuildingEn"],
                TITLE_MAX,
                errors,
            ),
            optional_text(
                input.note_az.as_deref(),
                &["input", "noteAz"],
                TEXT_MAX,
                errors,
            ),
            optional_text(
                input.note_en.as_deref(),
                &["input", "noteEn"],
                TEXT_MAX,
                errors,
            ),
        ],
    };
    check_count(
        input.rooms.map(i64::from),
        SMALL_COUNT,
        &["input", "rooms"],
        errors,
    );
    check_date(input.opened_on, &["input", "openedOn"], errors);
    check_area(db, input.area_id, &["input", "areaId"], errors).await?;
    check_organisation(
        db,
        input.operator_organisation_id,
        &["input", "operatorOrganisationId"],
        errors,
    )
    .await?;
    check_source(db, input.source_document_id, errors).await?;
    if input.areas_served.len() > 500 {
        errors.push(UserError::new(
            &["input", "areasServed"],
            UserErrorCode::Invalid,
            "at most 500 areas",
        ));
    }
    let found = existing(
        db,
        area::Entity::find(),
        area::Column::Id,
        &input.areas_served,
    )
    .await?;
    for (i, id) in input.areas_served.iter().enumerate() {
        if !found.contains(id) {
            errors.push(UserError::new(
                &["input", "areasServed", &i.to_string()],
                UserErrorCode::NotFound,
                "no such area",
            ));
        }
    }
    Ok(texts)
}

struct Texts {
    az: String,
    en: String,
    extra: [Option<String>; 4],
}

async fn write_areas_served<C: ConnectionTrait>(
    db: &C,
    centre_id: i32,
    areas: &[i32],
) -> Result<(), DbErr> {
    centre_area_served::Entity::delete_many()
        .filter(centre_area_served::Column::CentreId.eq(centre_id))
        .exec(db)
        .await?;
    for area_id in areas.iter().collect::<BTreeSet<_>>() {
        centre_area_served::ActiveModel {
            centre_id: Set(centre_id),
            area_id: Set(*area_id),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

async fn centre_snapshot<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> Result<Option<serde_json::Value>, DbErr> {
    let Some(c) = centre::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let served: Vec<i32> = centre_area_served::Entity::find()
        .filter(centre_area_served::Column::CentreId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.area_id)
        .collect();
    let mut v = serde_json::to_value(c).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "areas_served".into(),
            serde_json::to_value(served).unwrap_or_default(),
        );
    }
    Ok(Some(v))
}

/// Creates a centre in a project the caller edits.
pub async fn create_centre<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project_id: i32,
    input: &CentreFields,
) -> ServiceResult<Outcome> {
    let project = editable_project(db, &actor.viewer, project_id, &["input", "projectId"]).await?;
    let mut errors = Vec::new();
    let t = validate_centre(db, input, &mut errors).await?;
    check(errors)?;
    let [hb_az, hb_en, note_az, note_en] = t.extra;
    let created = centre::ActiveModel {
        id: NotSet,
        project_id: Set(project.id),
        operator_organisation_id: Set(input.operator_organisation_id),
        kind: Set(input.kind),
        search_key: Set(search_key([t.az.as_str(), t.en.as_str()])),
        name_az: Set(t.az),
        name_en: Set(t.en),
        area_id: Set(input.area_id),
        host_building_az: Set(hb_az),
        host_building_en: Set(hb_en),
        rooms: Set(input.rooms),
        status: Set(input.status),
        opened_on: Set(input.opened_on),
        sensitive_location: Set(input.sensitive_location),
        equipment_az: Set(input.equipment_az.clone()),
        equipment_en: Set(input.equipment_en.clone()),
        note_az: Set(note_az),
        note_en: Set(note_en),
        source_document_id: Set(input.source_document_id),
        version: Set(1),
        archived_at: Set(None),
    }
    .insert(db)
    .await?;
    write_areas_served(db, created.id, &input.areas_served).await?;
    let after = centre_snapshot(db, created.id).await?;
    audit(
        db,
        actor,
        "centre.create",
        "centre",
        Some(created.id),
        None,
        after,
    )
    .await?;
    Ok(Outcome::changed(created.id))
}

/// Changes a centre; CONFLICT on a stale `version`.
pub async fn update_centre<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    input: &CentreFields,
) -> ServiceResult<Outcome> {
    let current = owned::<_, centre::Entity>(db, actor, id, "centre", |c| c.project_id).await?;
    let mut errors = Vec::new();
    let t = validate_centre(db, input, &mut errors).await?;
    check(errors)?;
    let before = centre_snapshot(db, id).await?;
    let [hb_az, hb_en, note_az, note_en] = t.extra;
    if !compare_and_set::<centre::Entity, _>(
        db,
        centre::ActiveModel {
            operator_organisation_id: Set(input.operator_organisation_id),
            kind: Set(input.kind),
            search_key: Set(search_key([t.az.as_str(), t.en.as_str()])),
            name_az: Set(t.az),
            name_en: Set(t.en),
            area_id: Set(input.area_id),
            host_building_az: Set(hb_az),
            host_building_en: Set(hb_en),
            rooms: Set(input.rooms),
            status: Set(input.status),
            opened_on: Set(input.opened_on),
            sensitive_location: Set(input.sensitive_location),
            note_az: Set(note_az),
            note_en: Set(note_en),
            source_document_id: Set(input.source_document_id),
            version: Set(version + 1),
            ..Default::default()
        },
        (centre::Column::Id, id),
        (centre::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "centre"));
    }
    write_areas_served(db, id, &input.areas_served).await?;
    if current.area_id != input.area_id {
        // The centre's events are placed in its district: their summaries
        // (and the statistics' rollup) follow the move.
        let events: Vec<i32> = entities::event::Entity::find()
            .select_only()
            .column(entities::event::Column::Id)
            .filter(entities::event::Column::CentreId.eq(id))
            .into_tuple()
            .all(db)
            .await?;
        for chunk in events.chunks(500) {
            crate::stats::summary::refresh(
                db,
                &actor.thresholds,
                crate::stats::summary::Scope::Events(chunk),
            )
            .await?;
        }
    }
    let after = centre_snapshot(db, id).await?;
    audit(
        db,
        actor,
        "centre.update",
        "centre",
        Some(id),
        before,
        after,
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// Archives (or restores) a centre.
pub async fn archive_centre<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    restore: bool,
) -> ServiceResult<Outcome> {
    archive_owned::<_, centre::Entity>(
        db,
        actor,
        (id, version, restore),
        Archivable {
            what: "centre",
            action: "centre",
            entity_type: "centre",
            columns: (
                centre::Column::Id,
                centre::Column::Version,
                centre::Column::ArchivedAt,
            ),
            state: |c| (c.project_id, c.version, c.archived_at.is_some()),
        },
    )
    .await
}

/// How [`archive_owned`] handles one kind of archivable project record.
pub(crate) struct Archivable<E: EntityTrait> {
    /// The record's name in messages.
    pub what: &'static str,
    /// The audit action's prefix (`<action>.archive`, `<action>.restore`).
    pub action: &'static str,
    /// The audit row's entity type.
    pub entity_type: &'static str,
    /// Its id, version and archived-at columns.
    pub columns: (E::Column, E::Column, E::Column),
    /// Its project, version and whether it is archived.
    pub state: fn(&E::Model) -> (i32, i32, bool),
}

/// Archives (or, with `restore`, brings back) a record of a project the
/// caller edits: CONFLICT on a stale `version`, INVALID_TRANSITION when it
/// is already in the state asked for, an audit row with before and after.
pub(crate) async fn archive_owned<C, E>(
    db: &C,
    actor: &Actor,
    (id, version, restore): (i32, i32, bool),
    a: Archivable<E>,
) -> ServiceResult<Outcome>
where
    C: ConnectionTrait,
    E: EntityTrait,
    E::Model: Serialize,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i32>,
{
    let state = a.state;
    let before = owned::<_, E>(db, actor, id, a.what, move |m| state(m).0).await?;
    let (_, stored, archived) = state(&before);
    if stored != version {
        return Err(conflict(&["version"], a.what));
    }
    if let Some(e) = archive_problem(archived, restore, a.what) {
        return Err(e);
    }
    let (id_col, version_col, archived_col) = a.columns;
    let changed = E::update_many()
        .col_expr(
            archived_col,
            sea_orm::sea_query::Expr::value((!restore).then(Utc::now)),
        )
        .col_expr(version_col, sea_orm::sea_query::Expr::value(version + 1))
        .filter(id_col.eq(id))
        .filter(version_col.eq(version))
        .exec(db)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(conflict(&["version"], a.what));
    }
    let after = E::find_by_id(id).one(db).await?;
    let action = format!(
        "{}.{}",
        a.action,
        if restore { "restore" } else { "archive" }
    );
    audit_in_project(
        db,
        actor,
        &action,
        (a.entity_type, Some(id)),
        Some(state(&before).0),
        snapshot(&before),
        snapshot(&after),
    )
    .await?;
    Ok(Outcome::changed(id))
}

// ---------------------------------------------------------------- works

/// An infrastructure work's fields.
#[derive(Debug, Clone, Serialize)]
pub struct WorkFields {
    /// Kind of work.
    pub kind: WorkKind,
    /// Title in Azerbaijani.
    pub title_az: String,
    /// Title in English.
    pub title_en: String,
    /// Area.
    pub area_id: Option<i32>,
    /// Quantity (kilometres, units…).
    pub quantity: Option<f64>,
    /// Unit of the quantity.
    pub unit: Option<String>,
    /// Status.
    pub status: WorkStatus,
    /// Progress, 0 to 100.
    pub progress_percent: Option<i32>,
    /// Day it was completed.
    pub completed_on: Option<NaiveDate>,
    /// Budget.
    pub budget_amount: Option<i64>,
    /// Currency of the budget.
    pub budget_currency: Option<String>,
    /// People who benefit.
    pub beneficiaries: Option<i32>,
    /// Source document.
    pub source_document_id: Option<i32>,
    /// How the creation's entry in the status history reads (default: the
    /// completion day, else today, and no note); ignored by an edit.
    pub first_status: Option<FirstStatus>,
}

/// The creation's entry in a work's status history, when it is known
/// otherwise than "today" (a dataset that states the status without a date).
#[derive(Debug, Clone, Serialize)]
pub struct FirstStatus {
    /// Day the status was reached (`None`: not known).
    pub changed_on: Option<NaiveDate>,
    /// Note in Azerbaijani.
    pub note_az: Option<String>,
    /// Note in English.
    pub note_en: Option<String>,
}

async fn validate_work<C: ConnectionTrait>(
    db: &C,
    input: &WorkFields,
    errors: &mut Vec<UserError>,
) -> Result<(String, String, Option<String>, Option<String>), DbErr> {
    let (az, en) = bilingual(
        &input.title_az,
        &input.title_en,
        &["input", "titleAz"],
        &["input", "titleEn"],
        TITLE_MAX,
        errors,
    );
    if let Some(q) = input.quantity {
        if q < 0.0 {
            errors.push(UserError::new(
                &["input", "quantity"],
                UserErrorCode::NegativeCount,
                "a quantity is not negative",
            ));
        }
        errors.extend(WORK_QUANTITY.check_f64(q, &["input", "quantity"]));
    }
    let unit = optional_text(input.unit.as_deref(), &["input", "unit"], 40, errors);
    if let Some(p) = input.progress_percent
        && !(0..=100).contains(&p)
    {
        errors.push(UserError::new(
            &["input", "progressPercent"],
            UserErrorCode::ValueOutOfRange,
            "progress runs from 0 to 100 per cent",
        ));
    }
    check_date(input.completed_on, &["input", "completedOn"], errors);
    if input.completed_on.is_some()
        && !matches!(input.status, WorkStatus::Completed | WorkStatus::HandedOver)
    {
        errors.push(UserError::new(
            &["input", "completedOn"],
            UserErrorCode::Invalid,
            "only a completed or handed-over work has a completion day",
        ));
    }
    let currency = check_budget(
        input.budget_amount,
        input.budget_currency.as_deref(),
        (&["input", "budgetAmount"], &["input", "budgetCurrency"]),
        errors,
    );
    check_count(
        input.beneficiaries.map(i64::from),
        WORK_BENEFICIARIES,
        &["input", "beneficiaries"],
        errors,
    );
    check_area(db, input.area_id, &["input", "areaId"], errors).await?;
    check_source(db, input.source_document_id, errors).await?;
    if let Some(first) = &input.first_status {
        let field = |name| ["input", "firstStatus", name];
        check_date(first.changed_on, &field("changedOn"), errors);
        for (note, name) in [(&first.note_az, "noteAz"), (&first.note_en, "noteEn")] {
            optional_text(note.as_deref(), &field(name), TEXT_MAX, errors);
        }
    }
    Ok((az, en, unit, currency))
}

/// Adds the work's current status to its history: on creation as `first`
/// says, else dated by its completion day or today.
async fn record_status<C: ConnectionTrait>(
    db: &C,
    work: &infrastructure_work::Model,
    first: Option<&FirstStatus>,
) -> Result<(), DbErr> {
    let changed_on = match first {
        Some(f) => f.changed_on,
        None => work.completed_on.or_else(|| Some(Utc::now().date_naive())),
    };
    let note = |n: Option<&Option<String>>| {
        n.and_then(|t| t.as_deref())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    work_status_change::ActiveModel {
        id: NotSet,
        work_id: Set(work.id),
        status: Set(work.status),
        changed_on: Set(changed_on),
        progress_percent: Set(work.progress_percent),
        note_az: Set(note(first.map(|f| &f.note_az))),
        note_en: Set(note(first.map(|f| &f.note_en))),
        source_document_id: Set(work.source_document_id),
        recorded_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Creates an infrastructure work in a project the caller edits.
pub async fn create_work<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project_id: i32,
    input: &WorkFields,
) -> ServiceResult<Outcome> {
    let project = editable_project(db, &actor.viewer, project_id, &["input", "projectId"]).await?;
    let mut errors = Vec::new();
    let (az, en, unit, currency) = validate_work(db, input, &mut errors).await?;
    check(errors)?;
    let created = infrastructure_work::ActiveModel {
        id: NotSet,
        project_id: Set(project.id),
        kind: Set(input.kind),
        search_key: Set(search_key([az.as_str(), en.as_str()])),
        title_az: Set(az),
        title_en: Set(en),
        area_id: Set(input.area_id),
        quantity: Set(input.quantity),
        unit: Set(unit),
        status: Set(input.status),
        progress_percent: Set(input.progress_percent),
        completed_on: Set(input.completed_on),
        budget_amount: Set(input.budget_amount),
        budget_currency: Set(currency),
        beneficiaries: Set(input.beneficiaries),
        source_document_id: Set(input.source_document_id),
        version: Set(1),
        archived_at: Set(None),
    }
    .insert(db)
    .await?;
    record_status(db, &created, input.first_status.as_ref()).await?;
    audit(
        db,
        actor,
        "work.create",
        "infrastructure_work",
        Some(created.id),
        None,
        snapshot(&created),
    )
    .await?;
    Ok(Outcome::changed(created.id))
}

/// Changes an infrastructure work (a status change is kept in its history); CONFLICT on a stale `version`.
pub async fn update_work<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    input: &WorkFields,
) -> ServiceResult<Outcome> {
    let before =
        owned::<_, infrastructure_work::Entity>(db, actor, id, "work", |w| w.project_id).await?;
    let mut errors = Vec::new();
    let (az, en, unit, currency) = validate_work(db, input, &mut errors).await?;
    check(errors)?;
    if !compare_and_set::<infrastructure_work::Entity, _>(
        db,
        infrastructure_work::ActiveModel {
            kind: Set(input.kind),
            search_key: Set(search_key([az.as_str(), en.as_str()])),
            title_az: Set(az),
            title_en: Set(en),
            area_id: Set(input.area_id),
            quantity: Set(input.quantity),
            unit: Set(unit),
            status: Set(input.status),
            progress_percent: Set(input.progress_percent),
            completed_on: Set(input.completed_on),
            budget_amount: Set(input.budget_amount),
            budget_currency: Set(currency),
            beneficiaries: Set(input.beneficiaries),
            source_document_id: Set(input.source_document_id),
            version: Set(version + 1),
            ..Default::default()
        },
        (infrastructure_work::Column::Id, id),
        (infrastructure_work::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "work"));
    }
    let after = infrastructure_work::Entity::find_by_id(id).one(db).await?;
    if let Some(after) = &after
        && (after.status != before.status || after.progress_percent != before.progress_percent)
    {
        record_status(db, after, None).await?;
    }
    audit(
        db,
        actor,
        "work.update",
        "infrastructure_work",
        Some(id),
        snapshot(&before),
        snapshot(&after),
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// Archives (or restores) an infrastructure work.
pub async fn archive_work<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    restore: bool,
) -> ServiceResult<Outcome> {
    archive_owned::<_, infrastructure_work::Entity>(
        db,
        actor,
        (id, version, restore),
        Archivable {
            what: "work",
            action: "work",
            entity_type: "infrastructure_work",
            columns: (
                infrastructure_work::Column::Id,
                infrastructure_work::Column::Version,
                infrastructure_work::Column::ArchivedAt,
            ),
            state: |w| (w.project_id, w.version, w.archived_at.is_some()),
        },
    )
    .await
}

// ---------------------------------------------------------------- teams

/// A role within a team and how many people hold it.
#[derive(Debug, Clone, Serialize)]
pub struct TeamRole {
    /// Role in Azerbaijani.
    pub role_az: String,
    /// Role in English.
    pub role_en: String,
    /// People in the role.
    pub count: Option<i32>,
}

/// A team's fields.
#[derive(Debug, Clone, Serialize)]
pub struct TeamFields {
    /// Kind of team.
    pub kind: TeamKind,
    /// Name in Azerbaijani.
    pub name_az: String,
    /// Name in English.
    pub name_en: String,
    /// Organisation the team belongs to.
    pub organisation_id: Option<i32>,
    /// Area it works from.
    pub area_id: Option<i32>,
    /// Status.
    pub status: TeamStatus,
    /// Functions in Azerbaijani.
    pub functions_az: Option<String>,
    /// Functions in English.
    pub functions_en: Option<String>,
    /// Roles with their counts.
    pub roles: Vec<TeamRole>,
    /// The source document that describes the team (set when created).
    pub source_document_id: Option<i32>,
}

async fn validate_team<C: ConnectionTrait>(
    db: &C,
    input: &TeamFields,
    errors: &mut Vec<UserError>,
) -> Result<(String, String, Option<String>, Option<String>), DbErr> {
    let (az, en) = bilingual(
        &input.name_az,
        &input.name_en,
        &["input", "nameAz"],
        &["input", "nameEn"],
        TITLE_MAX,
        errors,
    );
    let f_az = optional_text(
        input.functions_az.as_deref(),
        &["input", "functionsAz"],
        TEXT_MAX,
        errors,
    );
    let f_en = optional_text(
        input.functions_en.as_deref(),
        &["input", "functionsEn"],
        TEXT_MAX,
        errors,
    );
    if input.roles.len() > 50 {
        errors.push(UserError::new(
            &["input", "roles"],
            UserErrorCode::Invalid,
            "at most 50 roles",
        ));
    }
    for (i, r) in input.roles.iter().enumerate() {
        let index = i.to_string();
        bilingual(
            &r.role_az,
            &r.role_en,
            &["input", "roles", &index, "roleAz"],
            &["input", "roles", &index, "roleEn"],
            TITLE_MAX,
            errors,
        );
        check_count(
            r.count.map(i64::from),
            SMALL_COUNT,
            &["input", "roles", &index, "count"],
            errors,
        );
    }
    check_area(db, input.area_id, &["input", "areaId"], errors).await?;
    check_organisation(
        db,
        input.organisation_id,
        &["input", "organisationId"],
        errors,
    )
    .await?;
    Ok((az, en, f_az, f_en))
}

async fn write_roles<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    roles: &[TeamRole],
) -> Result<(), DbErr> {
    team_role::Entity::delete_many()
        .filter(team_role::Column::TeamId.eq(team_id))
        .exec(db)
        .await?;
    for r in roles {
        team_role::ActiveModel {
            id: NotSet,
            team_id: Set(team_id),
            role_az: Set(r.role_az.trim().to_string()),
            role_en: Set(r.role_en.trim().to_string()),
            count: Set(r.count),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Creates a team in a project the caller edits.
pub async fn create_team<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project_id: i32,
    input: &TeamFields,
) -> ServiceResult<Outcome> {
    let project = editable_project(db, &actor.viewer, project_id, &["input", "projectId"]).await?;
    let mut errors = Vec::new();
    let (az, en, f_az, f_en) = validate_team(db, input, &mut errors).await?;
    check(errors)?;
    let created = team::ActiveModel {
        id: NotSet,
        project_id: Set(project.id),
        organisation_id: Set(input.organisation_id),
        kind: Set(input.kind),
        name_az: Set(az),
        name_en: Set(en),
        area_id: Set(input.area_id),
        status: Set(input.status),
        functions_az: Set(f_az),
        functions_en: Set(f_en),
        source_document_id: Set(input.source_document_id),
        version: Set(1),
        archived_at: Set(None),
    }
    .insert(db)
    .await?;
    write_roles(db, created.id, &input.roles).await?;
    audit(
        db,
        actor,
        "team.create",
        "team",
        Some(created.id),
        None,
        Some(serde_json::json!({ "team": created, "roles": input.roles })),
    )
    .await?;
    Ok(Outcome::changed(created.id))
}

/// Changes a team and its roles; CONFLICT on a stale `version`.
pub async fn update_team<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    input: &TeamFields,
) -> ServiceResult<Outcome> {
    let before = owned::<_, team::Entity>(db, actor, id, "team", |t| t.project_id).await?;
    let mut errors = Vec::new();
    let (az, en, f_az, f_en) = validate_team(db, input, &mut errors).await?;
    check(errors)?;
    let roles_before = team_role::Entity::find()
        .filter(team_role::Column::TeamId.eq(id))
        .all(db)
        .await?;
    if !compare_and_set::<team::Entity, _>(
        db,
        team::ActiveModel {
            organisation_id: Set(input.organisation_id),
            kind: Set(input.kind),
            name_az: Set(az),
            name_en: Set(en),
            area_id: Set(input.area_id),
            status: Set(input.status),
            functions_az: Set(f_az),
            functions_en: Set(f_en),
            version: Set(version + 1),
            ..Default::default()
        },
        (team::Column::Id, id),
        (team::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "team"));
    }
    write_roles(db, id, &input.roles).await?;
    let after = team::Entity::find_by_id(id).one(db).await?;
    audit(
        db,
        actor,
        "team.update",
        "team",
        Some(id),
        Some(serde_json::json!({ "team": before, "roles": roles_before })),
        Some(serde_json::json!({ "team": after, "roles": input.roles })),
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// Archives (or restores) a team: an archived team leaves public surfaces
/// (and stops counting for `teams.active`) and stays for the audit trail.
pub async fn archive_team<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    restore: bool,
) -> ServiceResult<Outcome> {
    archive_owned::<_, team::Entity>(
        db,
        actor,
        (id, version, restore),
        Archivable {
            what: "team",
            action: "team",
            entity_type: "team",
            columns: (
                team::Column::Id,
                team::Column::Version,
                team::Column::ArchivedAt,
            ),
            state: |t| (t.project_id, t.version, t.archived_at.is_some()),
        },
    )
    .await
}

// ---------------------------------------------------------------- areas

/// A settlement or village added under a district or city.
#[derive(Debug, Clone, Serialize)]
pub struct NewArea {
    /// Settlement or village.
    pub kind: AreaKind,
    /// Name in Azerbaijani.
    pub name_az: String,
    /// Name in English.
    pub name_en: String,
    /// The district or city it lies in.
    pub parent_id: i32,
    /// Centroid latitude.
    pub lat: Option<f64>,
    /// Centroid longitude.
    pub lon: Option<f64>,
    /// Official code, if it has one.
    pub code: Option<String>,
}

/// Adds a settlement or village (administrators and managers): names are
/// unique under their parent, compared as search compares them (so
/// `Qaraqaya`, `qaraqaya` and `Qarağaya` are one place).
pub async fn create_area<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: &NewArea,
) -> ServiceResult<Outcome> {
    if !actor.viewer.is_admin()
        && !matches!(
            actor.viewer.user().map(|u| u.role),
            Some(entities::codes::UserRole::Manager)
        )
    {
        return Err(UserError::new(
            &[],
            UserErrorCode::Forbidden,
            "only administrators and managers add places",
        )
        .into());
    }
    let mut errors = Vec::new();
    if !matches!(input.kind, AreaKind::Settlement | AreaKind::Village) {
        errors.push(UserError::new(
            &["input", "kind"],
            UserErrorCode::Invalid,
            "add settlements and villages; districts and cities come with the reference data",
        ));
    }
    let (az, en) = bilingual(
        &input.name_az,
        &input.name_en,
        &["input", "nameAz"],
        &["input", "nameEn"],
        TITLE_MAX,
        &mut errors,
    );
    for (v, lim, name) in [(input.lat, 90.0, "lat"), (input.lon, 180.0, "lon")] {
        if let Some(v) = v
            && (!v.is_finite() || v.abs() > lim)
        {
            errors.push(UserError::new(
                &["input", name],
                UserErrorCode::ValueOutOfRange,
                format!("{name} lies between -{lim} and {lim} degrees"),
            ));
        }
    }
    if input.lat.is_some() != input.lon.is_some() {
        errors.push(UserError::new(
            &["input", "lon"],
            UserErrorCode::Required,
            "give both latitude and longitude, or neither",
        ));
    }
    let code = optional_text(input.code.as_deref(), &["input", "code"], 40, &mut errors);
    if let Some(c) = &code
        && area::Entity::find()
            .filter(area::Column::Code.eq(c.as_str()))
            .count(db)
            .await?
            > 0
    {
        errors.push(UserError::new(
            &["input", "code"],
            UserErrorCode::AlreadyExists,
            "another area has this code",
        ));
    }
    match area::Entity::find_by_id(input.parent_id).one(db).await? {
        Some(p) if matches!(p.kind, AreaKind::District | AreaKind::City) => {
            let siblings = area::Entity::find()
                .filter(area::Column::ParentId.eq(p.id))
                .all(db)
                .await?;
            let wanted: Vec<String> = [&az, &en]
                .iter()
                .filter(|n| !n.is_empty())
                .map(|n| fold(n))
                .collect();
            if siblings.iter().any(|s| {
                [&s.name_az, &s.name_en]
                    .iter()
                    .any(|n| wanted.contains(&fold(n)))
            }) {
                errors.push(UserError::new(
                    &["input", "nameAz"],
                    UserErrorCode::AlreadyExists,
                    format!("{} already has a place of this name", p.name_en),
                ));
            }
        }
        Some(_) => errors.push(UserError::new(
            &["input", "parentId"],
            UserErrorCode::Invalid,
            "settlements and villages lie in a district or a city",
        )),
        None => errors.push(UserError::new(
            &["input", "parentId"],
            UserErrorCode::NotFound,
            "no such area",
        )),
    }
    check(errors)?;
    let created = area::ActiveModel {
        id: NotSet,
        code: Set(code),
        kind: Set(input.kind),
        search_key: Set(search_key([az.as_str(), en.as_str()])),
        name_az: Set(az),
        name_en: Set(en),
        parent_id: Set(Some(input.parent_id)),
        lat: Set(input.lat),
        lon: Set(input.lon),
    }
    .insert(db)
    .await?;
    audit(
        db,
        actor,
        "area.create",
        "area",
        Some(created.id),
        None,
        snapshot(&created),
    )
    .await?;
    Ok(Outcome::changed(created.id))
}

/// Largest boundary file accepted, in bytes.
pub const BOUNDARY_FILE_MAX: usize = 8 * 1024 * 1024;
/// Most features in one boundary file.
pub const BOUNDARY_FEATURES_MAX: usize = 5_000;
/// Most positions in one feature's geometry.
pub const BOUNDARY_POSITIONS_MAX: usize = 200_000;

/// What an upload did with one feature.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct FeatureReport {
    /// Position of the feature in the file (0-based).
    pub index: usize,
    /// The name or code the feature carries.
    pub label: String,
    /// The area it matched, if one.
    pub area_id: Option<i32>,
    /// Why it was not stored, if it was not.
    pub problem: Option<String>,
}

/// Validates a GeoJSON FeatureCollection of boundaries for areas of one
/// level and matches each feature to an area by its `code` property, else
/// by its name (`name`, `name_az`, `name_en`, `NAME_1`…, folded as search
/// folds names). Pure: the upload stores what this accepts.
pub fn match_boundaries(
    text: &str,
    areas: &[area::Model],
) -> Result<Vec<(FeatureReport, Option<String>)>, String> {
    if text.len() > BOUNDARY_FILE_MAX {
        return Err(format!(
            "the file is larger than {} MB",
            BOUNDARY_FILE_MAX / 1024 / 1024
        ));
    }
    let parsed: geojson::GeoJson = text.parse().map_err(|e| format!("not GeoJSON: {e}"))?;
    let geojson::GeoJson::FeatureCollection(collection) = parsed else {
        return Err("give a FeatureCollection with one feature per area".into());
    };
    if collection.features.len() > BOUNDARY_FEATURES_MAX {
        return Err(format!(
            "at most {BOUNDARY_FEATURES_MAX} features in one file"
        ));
    }
    let mut out = Vec::new();
    let mut taken = BTreeSet::new();
    for (index, feature) in collection.features.iter().enumerate() {
        let prop = |k: &str| {
            feature
                .properties
                .as_ref()
                .and_then(|p| p.get(k))
                .and_then(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .or_else(|| v.as_i64().map(|n| n.to_string()))
                })
        };
        let code = prop("code").or_else(|| prop("CODE"));
        let names: Vec<String> = [
            "name",
            "name_az",
            "name_en",
            "NAME",
            "NAME_1",
            "NAME_2",
            "shapeName",
        ]
        .iter()
        .filter_map(|k| prop(k))
        .collect();
        let label = code
            .clone()
            .or_else(|| names.first().cloned())
            .unwrap_or_else(|| format!("feature {index}"));
        let mut report = FeatureReport {
            index,
            label,
            area_id: None,
            problem: None,
        };
        let found = code
            .as_ref()
            .and_then(|c| areas.iter().find(|a| a.code.as_deref() == Some(c.as_str())))
            .or_else(|| {
                let folded: Vec<String> = names.iter().map(|n| fold(n)).collect();
                areas.iter().find(|a| {
                    folded
                        .iter()
                        .any(|n| *n == fold(&a.name_az) || *n == fold(&a.name_en))
                })
            });
        let geometry = match feature.geometry.as_ref().map(|g| check_geometry(&g.value)) {
            None => Err("the feature has no geometry".to_string()),
            Some(r) => r,
        };
        match (found, geometry) {
            (None, _) => {
                report.problem = Some("no area of this level has this code or name".into())
            }
            (Some(_), Err(problem)) => report.problem = Some(problem),
            (Some(a), Ok(_)) if !taken.insert(a.id) => {
                report.area_id = Some(a.id);
                report.problem =
                    Some("another feature of the file already gives this area's boundary".into());
            }
            (Some(a), Ok(geometry)) => {
                report.area_id = Some(a.id);
                out.push((report, Some(geometry)));
                continue;
            }
        }
        out.push((report, None));
    }
    Ok(out)
}

/// A valid Polygon or MultiPolygon as GeoJSON text: finite longitudes and
/// latitudes in range, closed rings of at least four positions, a bounded
/// number of positions.
fn check_geometry(value: &geojson::Value) -> Result<String, String> {
    let polygons: Vec<&Vec<Vec<Vec<f64>>>> = match value {
        geojson::Value::Polygon(p) => vec![p],
        geojson::Value::MultiPolygon(m) => m.iter().collect(),
        _ => return Err("a boundary is a Polygon or a MultiPolygon".into()),
    };
    let mut positions = 0;
    for polygon in &polygons {
        if polygon.is_empty() {
            return Err("a polygon without rings".into());
        }
        for ring in polygon.iter() {
            positions += ring.len();
            if ring.len() < 4 {
                return Err("a ring has fewer than four positions".into());
            }
            if ring.first() != ring.last() {
                return Err(
                    "a ring is not closed (its last position must repeat its first)".into(),
                );
            }
            for p in ring {
                let ok = p.len() >= 2
                    && p.iter().all(|v| v.is_finite())
                    && p[0].abs() <= 180.0
                    && p[1].abs() <= 90.0;
                if !ok {
                    return Err("a position is not [longitude, latitude] within range".into());
                }
            }
        }
    }
    if positions > BOUNDARY_POSITIONS_MAX {
        return Err(format!(
            "more than {BOUNDARY_POSITIONS_MAX} positions: simplify the boundary"
        ));
    }
    serde_json::to_string(&geojson::Geometry::new(value.clone())).map_err(|e| e.to_string())
}

/// Uploads boundaries for the areas of one level (administrators). With
/// `dry_run` nothing is stored; otherwise every matched, valid feature
/// replaces its area's boundary and the rest are reported.
pub async fn upload_boundaries<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    kind: AreaKind,
    text: &str,
    dry_run: bool,
) -> ServiceResult<Outcome> {
    require_admin(actor)?;
    let areas = area::Entity::find()
        .filter(area::Column::Kind.eq(kind))
        .all(db)
        .await?;
    let matched = match_boundaries(text, &areas)
        .map_err(|m| UserError::new(&["geojson"], UserErrorCode::Invalid, m))?;
    let reports: Vec<FeatureReport> = matched.iter().map(|(r, _)| r.clone()).collect();
    let detail = serde_json::to_value(&reports).ok();
    if dry_run {
        return Ok(Outcome {
            detail,
            ..Outcome::default()
        });
    }
    let mut stored = Vec::new();
    for (report, geometry) in &matched {
        if let (Some(area_id), Some(geometry)) = (report.area_id, geometry) {
            area_boundary::Entity::delete_by_id(area_id)
                .exec(db)
                .await?;
            area_boundary::ActiveModel {
                area_id: Set(area_id),
                geometry: Set(geometry.clone()),
                uploaded_at: Set(Utc::now()),
            }
            .insert(db)
            .await?;
            stored.push(area_id);
        }
    }
    audit(
        db,
        actor,
        "area.boundaries",
        "area",
        None,
        None,
        Some(serde_json::json!({ "kind": kind.code(), "stored": stored, "reports": reports })),
    )
    .await?;
    Ok(Outcome {
        detail,
        ..Outcome::default()
    })
}
