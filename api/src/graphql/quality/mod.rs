//! Reporting quality in the API (issue 22): a project's reporting
//! obligations and validation rules (set up beside the programme), the
//! completeness and timeliness of its periodic reports (public, per period
//! and district), the reports due and overdue for the caller (`dueReports`),
//! and, for the people who edit or review a project, the rules its entries
//! broke and the figures that stand out from a unit's own history.

mod mutation;
mod types;

pub use mutation::QualityMutation;
pub use types::*;

use chrono::{Datelike, Months, NaiveDate, Utc};

use crate::graphql::prelude::*;
use crate::queries::completeness;

/// The caller's due and overdue reports.
#[derive(Default)]
pub struct QualityQuery;

#[Object]
impl QualityQuery {
    /// Reports owed by the projects the caller edits (administrators: every
    /// project) that have not arrived: overdue ones first, then those due,
    /// over the last twelve months. Empty for anyone who edits no project.
    /// Bounded: the obligations of the caller's projects over twelve months.
    async fn due_reports(&self, ctx: &Context<'_>) -> ApiResult<Vec<DueReport>> {
        let viewer = &scope(ctx).viewer;
        let Some(user) = viewer.user() else {
            return Ok(Vec::new());
        };
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let ids: Vec<i32> = if viewer.is_admin() {
            project::Entity::find()
                .filter(project::Column::ArchivedAt.is_null())
                .all(db)
                .await?
                .into_iter()
                .map(|p| p.id)
                .collect()
        } else if user.role == UserRole::Manager {
            user.projects.to_vec()
        } else {
            Vec::new()
        };
        let today = Utc::now().date_naive();
        let from = today
            .checked_sub_months(Months::new(11))
            .and_then(|d| d.with_day(1))
            .unwrap_or(today);
        let mut units = completeness::unit_periods(db, &ids, from, today, today).await?;
        units.retain(|u| !u.state.received());
        units.sort_by_key(|u| (u.state, u.due_on, u.project_id, u.centre_id));
        Ok(units.into_iter().map(DueReport).collect())
    }
}

/// The range a completeness question covers: `from` … `to`, at most five
/// years, defaulting to the last twelve months.
pub(crate) fn range(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<(NaiveDate, NaiveDate)> {
    let today = Utc::now().date_naive();
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| {
        to.checked_sub_months(Months::new(11))
            .and_then(|d| d.with_day(1))
            .unwrap_or(to)
    });
    let span = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    if to < from || span >= completeness::MAX_MONTHS as i32 {
        return Err(AppError::BadInput(format!(
            "give a range of at most {} months, from before to",
            completeness::MAX_MONTHS
        )));
    }
    Ok((from, to))
}
