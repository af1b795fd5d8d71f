//! The five workloads of issue 12 as fixed GraphQL documents with variables.
//!
//! 1. a donor's programme overview: the projects an organisation funds and
//!    the overview (indicators against targets, centres by status, totals,
//!    areas) of its largest public one;
//! 2. a dashboard page: the 50 latest events with centre names and
//!    attendance cells;
//! 3. participants grouped by district × month over everything;
//! 4. attendance entry: `createEvent` with a 20-cell grid and an
//!    idempotency key (the API writes its audit row);
//! 5. a mix: 80 % reads (1–3 in turn) and 20 % writes (4).

use std::sync::Arc;

use serde_json::{Value, json};

use crate::load::Body;

/// Workload 1.
pub const DONOR_OVERVIEW: &str = r#"query DonorOverview($org: ID!, $slug: String!) {
  projects(filter: { organisation: $org, role: FUNDING }, first: 20) {
    totalCount
    edges { node { id slug title status plannedStart plannedEnd budget { amount currency } } }
  }
  projectOverview(slug: $slug) {
    status plannedStart plannedEnd asOf
    indicators { code title target actual { value suppressed } percentOfTarget }
    centresByStatus { count }
    participants { unit value suppressed }
    services { unit value suppressed }
    areas { id name }
  }
}"#;

/// Workload 2.
pub const EVENTS_PAGE: &str = r#"query EventsPage($first: Int!) {
  events(first: $first, orderBy: [{ field: START_DATE, direction: DESC }]) {
    totalCount
    edges { node {
      id kind title startDate endDate
      centre { id name }
      attendance { total { value suppressed } cells { sex ageBand disability category count suppressed } }
    } }
  }
}"#;

/// Workload 3.
pub const DISTRICT_BY_MONTH: &str = r#"query DistrictByMonth {
  participantStats(groupBy: [DISTRICT, MONTH]) {
    rows { dimensions { dimension code name } value suppressed }
    totals { unit value suppressed }
  }
}"#;

/// Workload 4.
pub const CREATE_EVENT: &str = r#"mutation Entry($key: String!, $input: CreateEventInput!) {
  createEvent(idempotencyKey: $key, input: $input) {
    replayed
    event { id version attendance { total { value } } }
    userErrors { field code message }
  }
}"#;

/// The 20-cell grid of workload 4: sex × age band × disability.
pub fn grid() -> Vec<Value> {
    let mut cells = Vec::new();
    for sex in ["FEMALE", "MALE"] {
        for age in [
            "AGE_0_TO_17",
            "AGE_18_TO_24",
            "AGE_25_TO_59",
            "AGE_60_PLUS",
            "UNKNOWN",
        ] {
            for disability in ["WITH_DISABILITY", "WITHOUT_DISABILITY"] {
                cells.push(json!({
                    "sex": sex, "ageBand": age, "disability": disability,
                    "category": "GENERAL", "count": 2 + cells.len() % 7,
                }));
            }
        }
    }
    cells
}

/// What the documents need from the loaded data.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Global ID of the organisation funding the most projects.
    pub donor: String,
    /// Slug of the largest public project it funds.
    pub slug: String,
    /// Global ID of a project events are entered for.
    pub entry_project: String,
    /// A date inside that project's dates.
    pub entry_date: String,
    /// A run id, so idempotency keys never repeat between runs.
    pub run: String,
}

/// A GraphQL request body.
pub fn gql(query: &str, variables: Value) -> Value {
    json!({ "query": query, "variables": variables })
}

/// The workloads by number, as request bodies.
pub fn body(workload: u8, inputs: &Inputs) -> Body {
    let i = inputs.clone();
    match workload {
        1 => {
            let b = gql(DONOR_OVERVIEW, json!({ "org": i.donor, "slug": i.slug }));
            Arc::new(move |_| b.clone())
        }
        2 => {
            let b = gql(EVENTS_PAGE, json!({ "first": 50 }));
            Arc::new(move |_| b.clone())
        }
        3 => {
            let b = gql(DISTRICT_BY_MONTH, json!({}));
            Arc::new(move |_| b.clone())
        }
        4 => Arc::new(move |n| entry(&i, n)),
        _ => {
            let reads = [body(1, &i), body(2, &i), body(3, &i)];
            let write = body(4, &i);
            // Of every ten requests two are writes, the others cycle through 1–3.
            Arc::new(move |n| match n % 10 {
                4 | 9 => write(n),
                k => reads[(k as usize) % 3](n),
            })
        }
    }
}

fn entry(i: &Inputs, n: u64) -> Value {
    gql(
        CREATE_EVENT,
        json!({
            "key": format!("bench-{}-{n}", i.run),
            "input": {
                "projectId": i.entry_project, "kind": "TRAINING",
                "titleAz": format!("Yük testi {n}"), "titleEn": format!("Load test {n}"),
                "startDate": i.entry_date, "endDate": i.entry_date, "capacity": 200,
                "attendance": grid(),
            }
        }),
    )
}

/// Names for the report.
pub fn name(workload: u8) -> &'static str {
    match workload {
        1 => "1 donor overview",
        2 => "2 page of 50 events",
        3 => "3 district × month",
        4 => "4 createEvent (20 cells)",
        _ => "5 mix 80/20",
    }
}
