//! Period reports: draft → submitted → returned (with a comment) → approved.
//! Approved periods lock the project's figures until an admin reopens them.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
};

use entities::codes::ReportStatus;
use entities::report;

use super::*;

/// A project's report for a period, to submit for approval.
#[derive(Debug, Clone)]
pub struct ReportPeriod {
    /// The project.
    pub project_id: i32,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
}

/// Submits a period report (creating it, or resubmitting a returned one).
pub async fn submit<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: &ReportPeriod,
) -> ServiceResult<Outcome> {
    let project =
        editable_project(db, &actor.viewer, input.project_id, &["input", "projectId"]).await?;
    if input.period_end < input.period_start {
        return Err(UserError::new(
            &["input", "periodEnd"],
            UserErrorCode::Invalid,
            "the period ends before it starts",
        )
        .into());
    }
    let existing = report::Entity::find()
        .filter(report::Column::ProjectId.eq(project.id))
        .filter(report::Column::PeriodStart.eq(input.period_start))
        .filter(report::Column::PeriodEnd.eq(input.period_end))
        .one(db)
        .await?;
    let now = Utc::now();
    let id = match existing {
        Some(r) if matches!(r.status, ReportStatus::Draft | ReportStatus::Returned) => {
            let after = report::ActiveModel {
                id: Set(r.id),
                status: Set(ReportStatus::Submitted),
                submitted_by: Set(actor.user_id()),
                submitted_at: Set(Some(now)),
                version: Set(r.version + 1),
                ..Default::default()
            }
            .update(db)
            .await?;
            audit(
                db,
                actor,
                "report.submit",
                "report",
                Some(r.id),
                snapshot(&r),
                snapshot(&after),
            )
            .await?;
            super::mail::report_event(db, actor, super::mail::Kind::ReportSubmitted, &after)
                .await?;
            r.id
        }
        Some(r) => {
            return Err(UserError::new(
                &["input"],
                UserErrorCode::InvalidTransition,
                format!("the report for this period is already {:?}", r.status).to_lowercase(),
            )
            .into());
        }
        None => {
            let created = report::ActiveModel {
                id: NotSet,
                project_id: Set(project.id),
                period_start: Set(input.period_start),
                period_end: Set(input.period_end),
                status: Set(ReportStatus::Submitted),
                comment: Set(None),
                submitted_by: Set(actor.user_id()),
                submitted_at: Set(Some(now)),
                decided_by: Set(None),
                decided_at: Set(None),
                created_at: Set(now),
                version: Set(1),
            }
            .insert(db)
            .await?;
            audit(
                db,
                actor,
                "report.submit",
                "report",
                Some(created.id),
                None,
                snapshot(&created),
            )
            .await?;
            super::mail::report_event(db, actor, super::mail::Kind::ReportSubmitted, &created)
                .await?;
            created.id
        }
    };
    Ok(Outcome::changed(id))
}

/// An admin's decision on a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send back to the manager with a comment.
    Return,
    /// Approve and lock the period.
    Approve,
    /// Unlock an approved period (it goes back to RETURNED).
    Reopen,
}

/// Applies an admin's decision if `version` is current.
pub async fn decide<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    decision: Decision,
    comment: Option<String>,
) -> ServiceResult<Outcome> {
    if !actor.viewer.is_admin() {
        return Err(UserError::new(
            &[],
            UserErrorCode::Forbidden,
            "only an admin can return, approve or reopen reports",
        )
        .into());
    }
    let Some(before) = report::Entity::find_by_id(id).one(db).await? else {
        return Err(UserError::new(&["id"], UserErrorCode::NotFound, "no such report").into());
    };
    if before.version != version {
        return Err(conflict(&["version"], "report"));
    }
    let (allowed, next) = match decision {
        Decision::Return => (
            before.status == ReportStatus::Submitted,
            ReportStatus::Returned,
        ),
        Decision::Approve => (
            before.status == ReportStatus::Submitted,
            ReportStatus::Approved,
        ),
        Decision::Reopen => (
            before.status == ReportStatus::Approved,
            ReportStatus::Returned,
        ),
    };
    if !allowed {
        return Err(UserError::new(
            &["id"],
            UserErrorCode::InvalidTransition,
            format!("a {:?} report cannot be {decision:?}ed", before.status).to_lowercase(),
        )
        .into());
    }
    if decision != Decision::Approve && comment.as_deref().is_none_or(|c| c.trim().is_empty()) {
        return Err(UserError::new(
            &["comment"],
            UserErrorCode::Required,
            "say why in a comment",
        )
        .into());
    }
    if !compare_and_set::<report::Entity, _>(
        db,
        report::ActiveModel {
            status: Set(next),
            comment: Set(comment.or(before.comment.clone())),
            decided_by: Set(actor.user_id()),
            decided_at: Set(Some(Utc::now())),
            version: Set(before.version + 1),
            ..Default::default()
        },
        (report::Column::Id, id),
        (report::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "report"));
    }
    let after = report::Entity::find_by_id(id).one(db).await?;
    let action = match decision {
        Decision::Return => "report.return",
        Decision::Approve => "report.approve",
        Decision::Reopen => "report.reopen",
    };
    audit(
        db,
        actor,
        action,
        "report",
        Some(id),
        snapshot(&before),
        snapshot(&after),
    )
    .await?;
    let mail = match decision {
        Decision::Return => Some(super::mail::Kind::ReportReturned),
        Decision::Approve => Some(super::mail::Kind::ReportApproved),
        Decision::Reopen => None,
    };
    if let (Some(kind), Some(after)) = (mail, &after) {
        super::mail::report_event(db, actor, kind, after).await?;
    }
    Ok(Outcome::changed(id))
}
