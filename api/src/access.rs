//! Who is asking, and what they may see and change. Every read of a
//! project-owned row goes through these scopes and every write through
//! `can_edit_project`/`require_admin`, so forgetting a check is hard.
//!
//! - anonymous callers, viewers and API keys: public projects, suppressed figures;
//! - donors: public projects and the projects their organisation funds, suppressed figures;
//! - managers: public projects and their own (raw figures there), and write their own;
//! - admins: everything, raw.

use std::sync::Arc;

use sea_orm::sea_query::{Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition};

use entities::codes::{ParticipantRole, UserRole};
use entities::{project, project_participant};

/// A logged-in user as a request sees them.
#[derive(Debug, Clone)]
pub struct UserContext {
    /// User id.
    pub id: i32,
    /// Email (for audit readability).
    pub email: String,
    /// Role.
    pub role: UserRole,
    /// Organisation.
    pub organisation_id: Option<i32>,
    /// Projects a manager may edit.
    pub projects: Vec<i32>,
}

/// The caller of a request.
#[derive(Debug, Clone, Default)]
pub enum Viewer {
    /// Not logged in: public projects only, suppressed small figures.
    #[default]
    Anonymous,
    /// A dashboard with a read-only API key: like an anonymous reader.
    ApiKey {
        /// Key id.
        id: i32,
        /// Organisation the key was issued to.
        organisation_id: Option<i32>,
    },
    /// A logged-in user.
    User(Arc<UserContext>),
}

impl Viewer {
    /// The logged-in user, if any.
    pub fn user(&self) -> Option<&UserContext> {
        match self {
            Viewer::User(u) => Some(u),
            _ => None,
        }
    }

    fn role(&self) -> Option<UserRole> {
        self.user().map(|u| u.role)
    }

    /// True for administrators.
    pub fn is_admin(&self) -> bool {
        self.role() == Some(UserRole::Admin)
    }

    /// Condition on the `projects` table: the projects this viewer may read.
    ///
    /// Archived projects are in an administrator's scope only (kept for the
    /// audit trail, gone from every other surface).
    pub fn project_scope(&self) -> Condition {
        let public = project::Column::IsPublic.eq(true);
        if self.is_admin() {
            return Condition::all();
        }
        let live = project::Column::ArchivedAt.is_null();
        Condition::all().add(live).add(match self.user() {
            Some(u) if u.role == UserRole::Admin => Condition::all(),
            Some(u) if u.role == UserRole::Manager => Condition::any()
                .add(public)
                .add(project::Column::Id.is_in(u.projects.clone())),
            Some(u) if u.role == UserRole::Donor => match u.organisation_id {
                Some(org) => {
                    let funded = Query::select()
                        .column(project_participant::Column::ProjectId)
                        .from(project_participant::Entity)
                        .and_where(project_participant::Column::OrganisationId.eq(org))
                        .and_where(project_participant::Column::Role.eq(ParticipantRole::Funding))
                        .to_owned();
                    Condition::any()
                        .add(public)
                        .add(project::Column::Id.in_subquery(funded))
                }
                None => Condition::all().add(public),
            },
            _ => Condition::all().add(public),
        })
    }

    /// Condition on a row that belongs to a project through `project_col`.
    pub fn owned_by_visible_project<C: ColumnTrait>(&self, project_col: C) -> SimpleExpr {
        let visible = Query::select()
            .column(project::Column::Id)
            .from(project::Entity)
            .cond_where(self.project_scope())
            .to_owned();
        project_col.in_subquery(visible)
    }

    /// Condition on an archivable row (centre, work, indicator, team) that
    /// belongs to a project: its project is visible, and it is not archived
    /// unless the viewer is an administrator (archived records stay for the
    /// audit trail and leave every other surface). The one rule the
    /// loaders and the lists apply.
    pub fn owned_and_live<C: ColumnTrait, A: ColumnTrait>(
        &self,
        project_col: C,
        archived_col: A,
    ) -> Condition {
        let visible = Condition::all().add(self.owned_by_visible_project(project_col));
        if self.is_admin() {
            visible
        } else {
            visible.add(archived_col.is_null())
        }
    }

    /// True when the viewer sees raw figures of the project (no suppression):
    /// admins everywhere, managers on their own projects.
    pub fn sees_raw_figures(&self, project_id: i32) -> bool {
        match self.user() {
            Some(u) if u.role == UserRole::Admin => true,
            Some(u) if u.role == UserRole::Manager => u.projects.contains(&project_id),
            _ => false,
        }
    }

    /// Condition on a project id column: the projects whose raw figures this
    /// viewer sees (the rule of [`Viewer::sees_raw_figures`] as SQL).
    pub fn raw_figures_scope<C: ColumnTrait>(&self, project_col: C) -> Condition {
        match self.user() {
            Some(u) if u.role == UserRole::Admin => Condition::all(),
            Some(u) if u.role == UserRole::Manager => {
                Condition::all().add(project_col.is_in(u.projects.clone()))
            }
            _ => Condition::all().add(project_col.is_in(Vec::<i32>::new())),
        }
    }

    /// True when the viewer may see where a sensitive-location centre is.
    pub fn sees_sensitive_locations(&self) -> bool {
        matches!(self.role(), Some(UserRole::Admin | UserRole::Manager))
    }

    /// True when centres at sensitive locations (shelters) must not be
    /// placed for this viewer: no building, rooms or place finer than the
    /// API's city level, and no area filter or area list that a shelter
    /// alone would make match. The one rule; `queries::places` applies it.
    pub fn hides_sensitive_locations(&self) -> bool {
        !self.sees_sensitive_locations()
    }

    /// True when the viewer may change the project's figures.
    pub fn can_edit_project(&self, project_id: i32) -> bool {
        match self.user() {
            Some(u) if u.role == UserRole::Admin => true,
            Some(u) if u.role == UserRole::Manager => u.projects.contains(&project_id),
            _ => false,
        }
    }

    /// Identity used for idempotency keys and audit rows.
    pub fn actor_key(&self) -> Option<String> {
        match self {
            Viewer::User(u) => Some(format!("user:{}", u.id)),
            Viewer::ApiKey { id, .. } => Some(format!("api-key:{id}")),
            Viewer::Anonymous => None,
        }
    }
}
