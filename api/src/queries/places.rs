//! Places: the one area tree ("an area and every area inside it") and the
//! one "places of X" per kind, used by list filters, statistics and exports
//! alike. Whether a centre at a sensitive location (a shelter) may be placed
//! is decided by [`crate::access::Viewer::hides_sensitive_locations`] and
//! applied here through [`centre_location_visible`].
//!
//! Area ids are written into the SQL as numbers: they are `i32`s decoded
//! from global IDs, so nothing a client types reaches the text, and a bound
//! `?` inside custom SQL is not rewritten to `$1` for PostgreSQL.

use sea_orm::sea_query::{Expr, SimpleExpr};

/// The `area_tree(id)` common table expression: `root` and every area below
/// it. Put it in a `WITH RECURSIVE` list.
pub fn area_tree_cte(root: i32) -> String {
    format!(
        "area_tree(id) AS (SELECT id FROM areas WHERE id = {root} \
         UNION ALL SELECT a.id FROM areas a JOIN area_tree t ON a.parent_id = t.id)"
    )
}

/// `WITH RECURSIVE area_tree(id) AS (…)` for `root`.
pub fn area_tree(root: i32) -> String {
    format!("WITH RECURSIVE {}", area_tree_cte(root))
}

/// `target IN (<area tree> select)`: `select` may use `(SELECT id FROM area_tree)`.
pub fn in_area_tree(target: &str, select: &str, area_id: i32) -> SimpleExpr {
    Expr::cust(format!("{target} IN ({} {select})", area_tree(area_id)))
}

/// SQL predicate on a centre row aliased `alias`: true when its place may be
/// used. `hide_sensitive` comes from the viewer; hidden means a shelter never
/// places anything (it never matches an area, never lends its area).
pub fn centre_location_visible(alias: &str, hide_sensitive: bool) -> String {
    if hide_sensitive {
        format!("NOT {alias}.sensitive_location")
    } else {
        "1 = 1".to_string()
    }
}

/// Projects working in the area tree: where the project works, or where its
/// centres (placeable ones), works and events are. Uses `area_tree`.
pub fn projects_in_area_tree(hide_sensitive: bool) -> String {
    format!(
        "SELECT project_id FROM project_areas WHERE area_id IN (SELECT id FROM area_tree) \
         UNION SELECT c.project_id FROM centres c WHERE {} AND c.area_id IN (SELECT id FROM area_tree) \
         UNION SELECT project_id FROM infrastructure_works WHERE area_id IN (SELECT id FROM area_tree) \
         UNION SELECT e.project_id FROM events e JOIN event_areas ea ON ea.event_id = e.id \
         WHERE ea.area_id IN (SELECT id FROM area_tree)",
        centre_location_visible("c", hide_sensitive)
    )
}

/// Centres in, or serving, the area tree. Uses `area_tree`. Whether a
/// sensitive centre may match at all is the caller's separate condition.
pub fn centres_in_area_tree() -> &'static str {
    "SELECT id FROM centres WHERE area_id IN (SELECT id FROM area_tree) \
     UNION SELECT centre_id FROM centre_areas_served WHERE area_id IN (SELECT id FROM area_tree)"
}

/// Events in the area tree: by their own areas, or by their (placeable)
/// centre's area. Uses `area_tree`.
pub fn events_in_area_tree(hide_sensitive: bool) -> String {
    format!(
        "SELECT event_id FROM event_areas WHERE area_id IN (SELECT id FROM area_tree) \
         UNION SELECT e.id FROM events e JOIN centres c ON c.id = e.centre_id \
         WHERE {} AND c.area_id IN (SELECT id FROM area_tree)",
        centre_location_visible("c", hide_sensitive)
    )
}

/// Infrastructure works in the area tree. Uses `area_tree`.
pub fn works_in_area_tree() -> &'static str {
    "SELECT id FROM area_tree"
}

/// Areas a project works in, and those of its (placeable) centres, works and
/// events: a condition on `areas.id`.
pub fn areas_of_project(project_id: i32, hide_sensitive: bool) -> SimpleExpr {
    Expr::cust(format!(
        "areas.id IN (SELECT area_id FROM project_areas WHERE project_id = {project_id} \
         UNION SELECT c.area_id FROM centres c WHERE c.project_id = {project_id} AND {} AND c.area_id IS NOT NULL \
         UNION SELECT area_id FROM infrastructure_works WHERE project_id = {project_id} AND area_id IS NOT NULL \
         UNION SELECT ea.area_id FROM event_areas ea JOIN events e ON e.id = ea.event_id WHERE e.project_id = {project_id})",
        centre_location_visible("c", hide_sensitive)
    ))
}
