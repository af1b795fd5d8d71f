//! Statistics over the recorded facts, computed in SQL and published through
//! small-cell suppression. These services take a connection and plain inputs
//! and know nothing of GraphQL; the API and the exports call them alike.
//!
//! - [`aggregate`]: participants (attendance) and service counts grouped by
//!   any set of dimensions, published by the cell key method of
//!   [`crate::disclosure`];
//! - [`summary`]: the per-event summaries those read when they group by
//!   event-level dimensions (and each event's stored district);
//! - [`rollup`]: the cells summed per programme, district, period, event
//!   kind and cell, which they read when they group by cell dimensions;
//! - [`facilities`]: centres and infrastructure works counted by status and kind;
//! - [`progress`]: indicators against their targets, entered or derived;
//! - [`labels`]: names of code values in Azerbaijani and English.

pub mod aggregate;
mod aggregate_sql;
pub mod facilities;
pub mod labels;
pub mod progress;
pub mod rollup;
pub mod sql;
pub mod summary;

use std::collections::HashSet;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use entities::codes::Sensitivity;
use entities::project;

/// What the caller may see: the visible projects, and those whose raw
/// figures they may see (managers' own projects, everything for admins).
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// Projects the caller may read.
    pub visible: Vec<i32>,
    /// Of those, the projects whose figures the caller sees unsuppressed.
    pub raw: HashSet<i32>,
    /// Of those, the projects serving a sensitive population.
    pub sensitive: HashSet<i32>,
    /// Read every question from the fact rows themselves, never from the
    /// per-event summaries or the rollup (the tests compare both paths).
    pub cells_only: bool,
}

impl Access {
    /// Reads the visible projects under `scope` (a condition on `projects`)
    /// and asks `sees_raw` about each.
    pub async fn load(
        db: &impl ConnectionTrait,
        scope: sea_orm::Condition,
        sees_raw: impl Fn(i32) -> bool,
    ) -> Result<Self, DbErr> {
        let rows: Vec<(i32, Sensitivity)> = project::Entity::find()
            .select_only()
            .column(project::Column::Id)
            .column(project::Column::Sensitivity)
            .filter(scope)
            .into_tuple()
            .all(db)
            .await?;
        let visible: Vec<i32> = rows.iter().map(|(id, _)| *id).collect();
        let raw = visible.iter().copied().filter(|&id| sees_raw(id)).collect();
        let sensitive = rows
            .iter()
            .filter(|(_, s)| *s == Sensitivity::Sensitive)
            .map(|(id, _)| *id)
            .collect();
        Ok(Self {
            visible,
            raw,
            sensitive,
            cells_only: false,
        })
    }

    /// Only public projects, all suppressed: what every export uses.
    pub async fn public(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        Self::load(
            db,
            sea_orm::Condition::all().add(project::Column::IsPublic.eq(true)),
            |_| false,
        )
        .await
    }

    /// True when every one of `projects` is seen raw.
    pub fn all_raw(&self, projects: impl IntoIterator<Item = i32>) -> bool {
        projects.into_iter().all(|p| self.raw.contains(&p))
    }
}

/// A dimension statistics can be grouped or filtered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// The project.
    Project,
    /// The organisation accountable for the project.
    Organisation,
    /// The centre (of the event, or of the service count).
    Centre,
    /// The district-level ancestor of the event's or centre's area.
    District,
    /// The event (participants only).
    Event,
    /// The kind of event (participants only).
    EventKind,
    /// Sex.
    Sex,
    /// Age band.
    AgeBand,
    /// Disability status.
    Disability,
    /// Beneficiary category.
    Category,
    /// Calendar month `YYYY-MM` (when the period lies within one).
    Month,
    /// Calendar quarter `YYYY-Qn` (when the period lies within one).
    Quarter,
    /// Calendar year `YYYY` (when the period lies within one).
    Year,
    /// Type of support (service counts only).
    SupportType,
    /// Channel (service counts only).
    Channel,
    /// Stage (service counts only).
    Stage,
    /// Unit counted: persons, appeals…
    Unit,
}

impl Dimension {
    /// Every dimension.
    pub const ALL: [Dimension; 17] = [
        Dimension::Project,
        Dimension::Organisation,
        Dimension::Centre,
        Dimension::District,
        Dimension::Event,
        Dimension::EventKind,
        Dimension::Sex,
        Dimension::AgeBand,
        Dimension::Disability,
        Dimension::Category,
        Dimension::Month,
        Dimension::Quarter,
        Dimension::Year,
        Dimension::SupportType,
        Dimension::Channel,
        Dimension::Stage,
        Dimension::Unit,
    ];

    /// Stable lower-case name (CSV headers, query parameters).
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Project => "project",
            Dimension::Organisation => "organisation",
            Dimension::Centre => "centre",
            Dimension::District => "district",
            Dimension::Event => "event",
            Dimension::EventKind => "event_kind",
            Dimension::Sex => "sex",
            Dimension::AgeBand => "age_band",
            Dimension::Disability => "disability",
            Dimension::Category => "category",
            Dimension::Month => "month",
            Dimension::Quarter => "quarter",
            Dimension::Year => "year",
            Dimension::SupportType => "support_type",
            Dimension::Channel => "channel",
            Dimension::Stage => "stage",
            Dimension::Unit => "unit",
        }
    }

    /// Parses [`Dimension::name`] (also accepts the GraphQL spelling, e.g. `AGE_BAND`).
    pub fn parse(text: &str) -> Option<Self> {
        let lower = text.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|d| d.name() == lower)
    }

    /// True for dimensions whose values are rows of another table (names looked up).
    pub fn is_entity(self) -> bool {
        matches!(
            self,
            Dimension::Project
                | Dimension::Organisation
                | Dimension::Centre
                | Dimension::District
                | Dimension::Event
        )
    }

    /// True for the person attributes an illustrative breakdown splits by.
    pub fn is_breakdown(self) -> bool {
        matches!(
            self,
            Dimension::Sex | Dimension::AgeBand | Dimension::Disability
        )
    }
}
