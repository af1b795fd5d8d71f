//! Who is asking, and what they may see. Every read of a project-owned row
//! goes through these scopes, so forgetting a check is hard.
//!
//! This issue serves anonymous readers: public projects and what hangs off
//! them. Roles (managers, donors, admins) extend `Viewer` later; small-cell
//! suppression lives in `disclosure` and asks `sees_raw_figures`.

use sea_orm::sea_query::{Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition};

use entities::project;

/// The caller of a request.
#[derive(Debug, Clone, Default)]
pub enum Viewer {
    /// Not logged in: public projects only, suppressed small figures.
    #[default]
    Anonymous,
}

impl Viewer {
    /// Condition on the `projects` table: the projects this viewer may read.
    pub fn project_scope(&self) -> Condition {
        match self {
            Viewer::Anonymous => Condition::all().add(project::Column::IsPublic.eq(true)),
        }
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

    /// True when the viewer sees raw figures of the project (no suppression).
    pub fn sees_raw_figures(&self, _project_id: i32) -> bool {
        match self {
            Viewer::Anonymous => false,
        }
    }

    /// True when the viewer may see where a sensitive-location centre is.
    pub fn sees_sensitive_locations(&self) -> bool {
        match self {
            Viewer::Anonymous => false,
        }
    }
}
