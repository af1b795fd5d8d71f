//! Centres and infrastructure works counted by status and kind, per project
//! and per area (an area's figures include everything in its sub-areas).
//! These count facilities, not people, so no small-cell suppression applies;
//! sensitive-location centres are left out of area filters for readers who
//! may not see where they are, as in the centre list.

use sea_orm::ConnectionTrait;

use super::Access;
use super::sql::{self, Sql, int_at, text_at, text_of};
use crate::error::AppError;
use crate::queries::places;

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facility {
    /// Centres (unit: centres).
    Centres,
    /// Infrastructure works (unit: works).
    Works,
}

/// A dimension facility counts can be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FacilityDimension {
    /// The project.
    Project,
    /// The district-level ancestor of the facility's area.
    District,
    /// Kind of centre or work.
    Kind,
    /// Status of the centre (latest milestone) or work.
    Status,
}

/// A facility count question.
#[derive(Debug, Clone, Default)]
pub struct FacilityQuery {
    /// Dimensions to group by.
    pub group_by: Vec<FacilityDimension>,
    /// Only this project.
    pub project: Option<i32>,
    /// Only facilities in this area or any area inside it (centres: also those serving it).
    pub area: Option<i32>,
    /// Only these kinds (codes); empty for all.
    pub kinds: Vec<String>,
    /// Only these statuses (codes); empty for all.
    pub statuses: Vec<String>,
    /// Leave out sensitive-location centres when filtering by area.
    pub hide_sensitive_locations: bool,
}

/// One row of counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilityRow {
    /// Values of the grouped dimensions, in the order asked.
    pub keys: Vec<(FacilityDimension, Option<String>)>,
    /// How many.
    pub count: i64,
}

/// Counts facilities of the visible projects.
pub async fn count(
    db: &impl ConnectionTrait,
    access: &Access,
    what: Facility,
    query: &FacilityQuery,
) -> Result<Vec<FacilityRow>, AppError> {
    let mut group_by: Vec<FacilityDimension> = Vec::new();
    for d in &query.group_by {
        if !group_by.contains(d) {
            group_by.push(*d);
        }
    }
    let (table, alias) = match what {
        Facility::Centres => ("centres", "f"),
        Facility::Works => ("infrastructure_works", "f"),
    };
    let exprs: Vec<String> = group_by
        .iter()
        .map(|d| match d {
            FacilityDimension::Project => text_of("f.project_id"),
            FacilityDimension::District => text_of("fd.district_id"),
            FacilityDimension::Kind => "f.kind".into(),
            FacilityDimension::Status => "f.status".into(),
        })
        .collect();
    let mut q = Sql::new(db.get_database_backend());
    q.push(&sql::prelude(query.area));
    q.push(" SELECT ");
    for e in &exprs {
        q.push(e).push(", ");
    }
    q.push(&format!(
        "COUNT(*) FROM {table} {alias} LEFT JOIN area_district fd ON fd.area_id = f.area_id WHERE "
    ));
    q.in_ids("f.project_id", &access.visible);
    if let Some(p) = query.project {
        q.push(" AND f.project_id = ").param(p);
    }
    if query.area.is_some() {
        match what {
            Facility::Centres => {
                q.push(" AND f.id IN (")
                    .push(places::centres_in_area_tree())
                    .push(") AND ")
                    .push(&places::centre_location_visible(
                        "f",
                        query.hide_sensitive_locations,
                    ));
            }
            Facility::Works => {
                q.push(" AND f.area_id IN (")
                    .push(places::works_in_area_tree())
                    .push(")");
            }
        }
    }
    for (col, values) in [("f.kind", &query.kinds), ("f.status", &query.statuses)] {
        if !values.is_empty() {
            q.push(" AND ").push(col).push(" IN (");
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.param(v.clone());
            }
            q.push(")");
        }
    }
    if !exprs.is_empty() {
        q.push(" GROUP BY ").push(&exprs.join(", "));
    }
    let n = exprs.len();
    let mut rows = Vec::new();
    for row in q.all(db).await? {
        let count = int_at(&row, n)?;
        if count == 0 {
            continue;
        }
        let keys = group_by
            .iter()
            .enumerate()
            .map(|(i, d)| Ok((*d, text_at(&row, i)?)))
            .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
        rows.push(FacilityRow { keys, count });
    }
    rows.sort_by(|a, b| a.keys.cmp(&b.keys));
    Ok(rows)
}
