//! The peer: PostGraphile 5 (Amber preset, connection filter, aggregates)
//! on the same PostgreSQL database, installed in `tests/bench/peer/` with
//! `npm --prefix tests/bench/peer install --legacy-peer-deps` (Node 22 from
//! the npm `node@22` package), started by the harness, never by the tests.
//!
//! Its documents ask for the same data as the API's workloads 1–3 in
//! PostGraphile's own schema; district × month reads a view the harness
//! creates ([`VIEW`]), as PostGraphile has no area tree of its own.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;

use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::Server;
use crate::load::Body;
use crate::raw::api_id;
use crate::workloads::{Inputs, gql};

/// Participants by event district (the API's rule: the centre's district,
/// else the one district all the event's areas lie in) and month.
pub const VIEW: &str = "CREATE OR REPLACE VIEW bench_attendance_district_month AS \
    WITH RECURSIVE up(id, anc) AS ( \
      SELECT id, id FROM areas \
      UNION ALL SELECT u.id, a.parent_id FROM up u JOIN areas a ON a.id = u.anc WHERE a.parent_id IS NOT NULL), \
    district(area_id, district_id) AS ( \
      SELECT u.id, MIN(u.anc) FROM up u JOIN areas a ON a.id = u.anc LEFT JOIN areas p ON p.id = a.parent_id \
      WHERE a.kind = 'district' OR (a.kind = 'city' AND (p.id IS NULL OR p.kind IN ('country', 'economic_region'))) \
      GROUP BY u.id), \
    event_district AS ( \
      SELECT e.id, to_char(e.start_date, 'YYYY-MM') AS month, COALESCE(cd.district_id, \
        (SELECT CASE WHEN MIN(d.district_id) = MAX(d.district_id) THEN MIN(d.district_id) END \
         FROM event_areas ea JOIN district d ON d.area_id = ea.area_id WHERE ea.event_id = e.id)) AS district_id \
      FROM events e LEFT JOIN centres c ON c.id = e.centre_id LEFT JOIN district cd ON cd.area_id = c.area_id \
      WHERE e.status = 'held') \
    SELECT a.id, a.count, ed.district_id, ed.month FROM attendance a JOIN event_district ed ON ed.id = a.event_id";

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peer")
}

/// Starts PostGraphile on `port`; `None` when it is not installed.
pub async fn start(url: &str, port: u16) -> anyhow::Result<Option<Server>> {
    let dir = dir();
    let node = dir.join("node_modules/.bin/node");
    if !dir.join("node_modules/postgraphile").exists() || !node.exists() {
        return Ok(None);
    }
    let db = sea_orm::Database::connect(url).await?;
    db.execute_unprepared(VIEW).await?;
    db.execute_unprepared("ANALYZE").await?;
    db.close().await?;
    let child = Command::new(node)
        .arg("server.mjs")
        .current_dir(&dir)
        .env("DATABASE_URL", url)
        .env("PORT", port.to_string())
        .env("NODE_ENV", "production")
        .stdout(Stdio::null())
        .spawn()?;
    let server = Server {
        child,
        name: "PostGraphile 5".into(),
    };
    crate::wait_for(
        &format!("http://127.0.0.1:{port}/graphql"),
        "PostGraphile",
        90,
    )
    .await?;
    Ok(Some(server))
}

/// Workload 1 in PostGraphile's schema.
pub const DONOR_OVERVIEW: &str = r#"query DonorOverview($org: Int!, $slug: String!) {
  organisationByRowId(rowId: $org) {
    projectParticipantsByOrganisationId(condition: { role: "funding" }, first: 20) {
      totalCount
      nodes { projectByProjectId { rowId slug titleEn status plannedStart plannedEnd budgetAmount budgetCurrency } }
    }
  }
  allProjects(condition: { slug: $slug }) { nodes {
    status plannedStart plannedEnd
    indicatorsByProjectId { nodes { code titleEn target derivedFrom } }
    centresByProjectId { groupedAggregates(groupBy: STATUS) { keys distinctCount { rowId } } }
    held: eventsByProjectId(condition: { status: "held" }) { totalCount }
    trainings: eventsByProjectId(condition: { status: "held", kind: "training" }) {
      nodes { attendancesByEventId { aggregates { sum { count } } } }
    }
    serviceCountsByProjectId { groupedAggregates(groupBy: [UNIT, STAGE]) { keys sum { value } } }
    projectAreasByProjectId { nodes { areaByAreaId { rowId nameEn } } }
  } }
}"#;

/// Workload 2 in PostGraphile's schema.
pub const EVENTS_PAGE: &str = r#"query EventsPage($first: Int!) {
  allEvents(first: $first, orderBy: [START_DATE_DESC, ROW_ID_DESC]) {
    totalCount
    nodes {
      rowId kind titleEn startDate endDate
      centreByCentreId { rowId nameEn }
      attendancesByEventId { aggregates { sum { count } } nodes { sex ageBand disability category count } }
    }
  }
}"#;

/// Workload 3 in PostGraphile's schema (over [`VIEW`]).
pub const DISTRICT_BY_MONTH: &str = r#"query DistrictByMonth {
  allBenchAttendanceDistrictMonths {
    groupedAggregates(groupBy: [DISTRICT_ID, MONTH]) { keys sum { count } }
    aggregates { sum { count } }
  }
}"#;

/// The peer's request bodies.
pub fn body(workload: u8, inputs: &Inputs) -> Body {
    let b = match workload {
        1 => gql(
            DONOR_OVERVIEW,
            json!({ "org": api_id(&inputs.donor), "slug": inputs.slug }),
        ),
        2 => gql(EVENTS_PAGE, json!({ "first": 50 })),
        _ => gql(DISTRICT_BY_MONTH, json!({})),
    };
    Arc::new(move |_| b.clone())
}
