//! Dated updates from the field and period narratives (issue 23).
//!
//! A programme's manager (or an administrator) posts a short dated update
//! in az and en (one may follow later) with up to [`files::MAX_FILES`]
//! photos or PDF documents, checked and made safe by [`files`] before the
//! write; edits the text later; archives an update posted by mistake. They
//! also write a narrative per reporting period, shown in the donor report.
//! Every write is scoped to the caller's own projects
//! ([`editable_project`]), versioned, and audited (so it reaches the
//! change feed, its webhooks and the programme's Atom feed). An update
//! carries no figure, so it needs no protection; its photos carry no
//! location metadata.

pub mod files;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
};
use serde::Serialize;

use entities::{period_finance, period_narrative, programme_update, programme_update_file};

use super::setup::{TEXT_MAX, bilingual, check_date, check_order};
use super::*;

/// Longest update text, in characters per language.
pub const UPDATE_TEXT_MAX: usize = 4_000;

/// An update's text and day.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateFields {
    /// The day the update speaks of.
    pub posted_on: NaiveDate,
    /// Text in Azerbaijani ("" to fill later).
    pub text_az: String,
    /// Text in English ("" to fill later).
    pub text_en: String,
}

fn validate(input: &UpdateFields, errors: &mut Vec<UserError>) -> (String, String) {
    check_date(Some(input.posted_on), &["input", "postedOn"], errors);
    if input.posted_on > Utc::now().date_naive() + chrono::Days::new(1) {
        errors.push(UserError::new(
            &["input", "postedOn"],
            UserErrorCode::Invalid,
            "an update tells what happened: its day is not in the future",
        ));
    }
    bilingual(
        &input.text_az,
        &input.text_en,
        &["input", "textAz"],
        &["input", "textEn"],
        UPDATE_TEXT_MAX,
        errors,
    )
}

/// What the audit row keeps of a stored file: never its bytes.
fn file_summary(f: &programme_update_file::Model) -> serde_json::Value {
    serde_json::json!({
        "id": f.id,
        "kind": f.kind,
        "media_type": f.media_type,
        "file_name": f.file_name,
        "byte_size": f.byte_size,
        "sha256": f.sha256,
    })
}

/// Posts an update to a project the caller may edit, with its files
/// already checked and prepared ([`files::prepare`]).
pub async fn post_update<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project_id: i32,
    input: &UpdateFields,
    prepared: Vec<files::Prepared>,
) -> ServiceResult<Outcome> {
    let project = editable_project(db, &actor.viewer, project_id, &["input", "projectId"]).await?;
    if project.archived_at.is_some() {
        return Err(UserError::new(
            &["input", "projectId"],
            UserErrorCode::InvalidTransition,
            "the project is archived; restore it before posting to it",
        )
        .into());
    }
    let mut errors = Vec::new();
    let (az, en) = validate(input, &mut errors);
    if prepared.len() > files::MAX_FILES {
        errors.push(UserError::new(
            &["input", "attachments"],
            UserErrorCode::Invalid,
            format!("at most {} files on one update", files::MAX_FILES),
        ));
    }
    check(errors)?;
    let now = Utc::now();
    let created = programme_update::ActiveModel {
        id: NotSet,
        project_id: Set(project_id),
        posted_on: Set(input.posted_on),
        text_az: Set(az),
        text_en: Set(en),
        created_by: Set(actor.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        version: Set(1),
    }
    .insert(db)
    .await?;
    let mut stored = Vec::new();
    for (position, f) in prepared.into_iter().enumerate() {
        let row = programme_update_file::ActiveModel {
            id: NotSet,
            update_id: Set(created.id),
            position: Set(position as i32),
            kind: Set(f.kind.to_string()),
            media_type: Set(f.media_type.to_string()),
            file_name: Set(f.file_name),
            width: Set(f.width.map(|w| w as i32)),
            height: Set(f.height.map(|h| h as i32)),
            byte_size: Set(f.bytes.len() as i32),
            sha256: Set(f.sha256),
            content: Set(f.bytes),
        }
        .insert(db)
        .await?;
        stored.push(file_summary(&row));
    }
    let mut after = snapshot(&created).unwrap_or_default();
    after["files"] = serde_json::Value::Array(stored);
    audit_in_project(
        db,
        actor,
        "update.post",
        ("programme_update", Some(created.id)),
        Some(project_id),
        None,
        Some(after),
    )
    .await?;
    Ok(Outcome::changed(created.id))
}

async fn owned_update<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
) -> ServiceResult<programme_update::Model> {
    let before =
        super::setup::places::owned::<_, programme_update::Entity>(db, actor, id, "update", |u| {
            u.project_id
        })
        .await?;
    if before.version != version {
        return Err(conflict(&["version"], "update"));
    }
    Ok(before)
}

/// Changes an update's text or day (e.g. adds the second language).
/// CONFLICT on a stale `version`.
pub async fn edit_update<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    input: &UpdateFields,
) -> ServiceResult<Outcome> {
    let before = owned_update(db, actor, id, version).await?;
    let mut errors = Vec::new();
    let (az, en) = validate(input, &mut errors);
    check(errors)?;
    if !compare_and_set::<programme_update::Entity, _>(
        db,
        programme_update::ActiveModel {
            posted_on: Set(input.posted_on),
            text_az: Set(az),
            text_en: Set(en),
            updated_at: Set(Utc::now()),
            version: Set(version + 1),
            ..Default::default()
        },
        (programme_update::Column::Id, id),
        (programme_update::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "update"));
    }
    let after = programme_update::Entity::find_by_id(id).one(db).await?;
    audit_in_project(
        db,
        actor,
        "update.edit",
        ("programme_update", Some(id)),
        Some(before.project_id),
        snapshot(&before),
        snapshot(&after),
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// Archives an update (gone from the programme page and feeds, kept for
/// the audit trail), or restores it.
pub async fn archive_update<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    restore: bool,
) -> ServiceResult<Outcome> {
    use programme_update::Column as C;
    super::setup::places::archive_owned(
        db,
        actor,
        (id, version, restore),
        super::setup::places::Archivable::<programme_update::Entity> {
            what: "update",
            action: "update",
            entity_type: "programme_update",
            columns: (C::Id, C::Version, C::ArchivedAt),
            state: |u| (u.project_id, u.version, u.archived_at.is_some()),
        },
    )
    .await
}

/// A period narrative's fields.
#[derive(Debug, Clone, Serialize)]
pub struct NarrativeFields {
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// Text in Azerbaijani ("" to fill later).
    pub text_az: String,
    /// Text in English ("" to fill later).
    pub text_en: String,
}

/// Writes the narrative of a project's period: creates it (`version`
/// none) or changes it (`version` the stored one; CONFLICT when stale, and
/// when a narrative exists and no version is given). A narrative is not a
/// figure: an approved period keeps taking its text.
pub async fn set_narrative<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project_id: i32,
    version: Option<i32>,
    input: &NarrativeFields,
) -> ServiceResult<Outcome> {
    editable_project(db, &actor.viewer, project_id, &["input", "projectId"]).await?;
    let mut errors = Vec::new();
    check_date(
        Some(input.period_start),
        &["input", "periodStart"],
        &mut errors,
    );
    check_date(Some(input.period_end), &["input", "periodEnd"], &mut errors);
    check_order(
        Some(input.period_start),
        Some(input.period_end),
        &["input", "periodEnd"],
        &mut errors,
    );
    let (az, en) = bilingual(
        &input.text_az,
        &input.text_en,
        &["input", "textAz"],
        &["input", "textEn"],
        TEXT_MAX,
        &mut errors,
    );
    check(errors)?;
    let existing = period_narrative::Entity::find()
        .filter(period_narrative::Column::ProjectId.eq(project_id))
        .filter(period_narrative::Column::PeriodStart.eq(input.period_start))
        .filter(period_narrative::Column::PeriodEnd.eq(input.period_end))
        .one(db)
        .await?;
    let now = Utc::now();
    match (existing, version) {
        (None, None) => {
            let created = period_narrative::ActiveModel {
                id: NotSet,
                project_id: Set(project_id),
                period_start: Set(input.period_start),
                period_end: Set(input.period_end),
                text_az: Set(az),
                text_en: Set(en),
                updated_by: Set(actor.user_id()),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(db)
            .await?;
            audit_in_project(
                db,
                actor,
                "narrative.set",
                ("period_narrative", Some(created.id)),
                Some(project_id),
                None,
                snapshot(&created),
            )
            .await?;
            Ok(Outcome::changed(created.id))
        }
        (None, Some(_)) => Err(UserError::new(
            &["version"],
            UserErrorCode::NotFound,
            "no narrative of this period yet: leave the version out to write the first",
        )
        .into()),
        (Some(_), None) => Err(conflict(&["version"], "period's narrative")),
        (Some(before), Some(v)) => {
            if !compare_and_set::<period_narrative::Entity, _>(
                db,
                period_narrative::ActiveModel {
                    text_az: Set(az),
                    text_en: Set(en),
                    updated_by: Set(actor.user_id()),
                    updated_at: Set(now),
                    version: Set(v + 1),
                    ..Default::default()
                },
                (period_narrative::Column::Id, before.id),
                (period_narrative::Column::Version, v),
            )
            .await?
            {
                return Err(conflict(&["version"], "period's narrative"));
            }
            let after = period_narrative::Entity::find_by_id(before.id)
                .one(db)
                .await?;
            audit_in_project(
                db,
                actor,
                "narrative.set",
                ("period_narrative", Some(before.id)),
                Some(project_id),
                snapshot(&before),
                snapshot(&after),
            )
            .await?;
            Ok(Outcome::changed(before.id))
        }
    }
}

/// A period's money.
#[derive(Debug, Clone, Serialize)]
pub struct FinanceFields {
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// Budget of the period.
    pub budget_amount: Option<i64>,
    /// Spent in the period, where reported.
    pub spent_amount: Option<i64>,
    /// ISO 4217 code.
    pub currency: String,
}

/// Writes a project's budget and spending of a period: creates the row
/// (`version` none) or changes it (`version` the stored one; CONFLICT when
/// stale or when a row exists and no version is given). Amounts are
/// bounded like a project's budget; at least one of them is given.
pub async fn set_finance<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project_id: i32,
    version: Option<i32>,
    input: &FinanceFields,
) -> ServiceResult<Outcome> {
    editable_project(db, &actor.viewer, project_id, &["input", "projectId"]).await?;
    let mut errors = Vec::new();
    check_date(
        Some(input.period_start),
        &["input", "periodStart"],
        &mut errors,
    );
    check_date(Some(input.period_end), &["input", "periodEnd"], &mut errors);
    check_order(
        Some(input.period_start),
        Some(input.period_end),
        &["input", "periodEnd"],
        &mut errors,
    );
    if input.budget_amount.is_none() && input.spent_amount.is_none() {
        errors.push(UserError::new(
            &["input", "budgetAmount"],
            UserErrorCode::Required,
            "give the period's budget, its spending, or both",
        ));
    }
    let mut currency = None;
    for (amount, field) in [
        (input.budget_amount, "budgetAmount"),
        (input.spent_amount, "spentAmount"),
    ] {
        currency = super::setup::check_budget(
            amount,
            Some(&input.currency),
            (&["input", field], &["input", "currency"]),
            &mut errors,
        );
    }
    errors.dedup();
    check(errors)?;
    let currency = currency.unwrap_or_default();
    let existing = period_finance::Entity::find()
        .filter(period_finance::Column::ProjectId.eq(project_id))
        .filter(period_finance::Column::PeriodStart.eq(input.period_start))
        .filter(period_finance::Column::PeriodEnd.eq(input.period_end))
        .one(db)
        .await?;
    let now = Utc::now();
    let (id, before) = match (existing, version) {
        (None, None) => {
            let created = period_finance::ActiveModel {
                id: NotSet,
                project_id: Set(project_id),
                period_start: Set(input.period_start),
                period_end: Set(input.period_end),
                budget_amount: Set(input.budget_amount),
                spent_amount: Set(input.spent_amount),
                currency: Set(currency),
                updated_by: Set(actor.user_id()),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(db)
            .await?;
            (created.id, None)
        }
        (None, Some(_)) => {
            return Err(UserError::new(
                &["version"],
                UserErrorCode::NotFound,
                "no money of this period yet: leave the version out to write the first",
            )
            .into());
        }
        (Some(_), None) => return Err(conflict(&["version"], "period's money")),
        (Some(before), Some(v)) => {
            if !compare_and_set::<period_finance::Entity, _>(
                db,
                period_finance::ActiveModel {
                    budget_amount: Set(input.budget_amount),
                    spent_amount: Set(input.spent_amount),
                    currency: Set(currency),
                    updated_by: Set(actor.user_id()),
                    updated_at: Set(now),
                    version: Set(v + 1),
                    ..Default::default()
                },
                (period_finance::Column::Id, before.id),
                (period_finance::Column::Version, v),
            )
            .await?
            {
                return Err(conflict(&["version"], "period's money"));
            }
            (before.id, Some(before))
        }
    };
    let after = period_finance::Entity::find_by_id(id).one(db).await?;
    audit_in_project(
        db,
        actor,
        "finance.set",
        ("period_finance", Some(id)),
        Some(project_id),
        before.as_ref().and_then(snapshot),
        after.as_ref().and_then(snapshot),
    )
    .await?;
    Ok(Outcome::changed(id))
}
