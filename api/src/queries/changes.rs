//! Reads of the change feed: numbered changes after a position, as far as
//! the viewer may read them (the audiences of `services::changes::audience`):
//! public changes to everyone, a project's changes to whoever may read the
//! project, its report workflow to those who see its raw figures, accounts
//! and webhooks to administrators.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use entities::change;

use crate::access::Viewer;

/// Most changes one page holds.
pub const MAX_PAGE: u64 = 100;

/// The viewer's condition on `changes`.
pub fn visible(viewer: &Viewer) -> Condition {
    if viewer.is_admin() {
        return Condition::all();
    }
    Condition::any()
        .add(change::Column::Audience.eq("public"))
        .add(
            Condition::all()
                .add(change::Column::Audience.eq("project"))
                .add(viewer.owned_by_visible_project(change::Column::ProjectId)),
        )
        .add(
            Condition::all()
                .add(change::Column::Audience.eq("project_raw"))
                .add(viewer.owned_by_visible_project(change::Column::ProjectId))
                .add(viewer.raw_figures_scope(change::Column::ProjectId)),
        )
}

/// Numbered changes after `after` (a position), oldest first, at most
/// `first`; and whether more follow.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    after: i64,
    first: u64,
) -> Result<(Vec<change::Model>, bool), DbErr> {
    let first = first.clamp(1, MAX_PAGE);
    let mut rows = change::Entity::find()
        .filter(change::Column::Position.gt(after))
        .filter(visible(viewer))
        .order_by_asc(change::Column::Position)
        .limit(first + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok((rows, more))
}

/// The newest numbered changes of some projects, at most `limit` (the Atom
/// feeds of a programme and of a donor portal).
pub async fn of_projects<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    project_ids: &[i32],
    limit: u64,
) -> Result<Vec<change::Model>, DbErr> {
    change::Entity::find()
        .filter(change::Column::Position.is_not_null())
        .filter(change::Column::ProjectId.is_in(project_ids.to_vec()))
        .filter(visible(viewer))
        .order_by_desc(change::Column::Position)
        .limit(limit.min(MAX_PAGE))
        .all(db)
        .await
}
