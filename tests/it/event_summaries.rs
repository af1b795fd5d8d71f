//! The per-event summaries (`event_summaries`, `api::stats::summary`):
//! statistics grouped by event-level dimensions read them instead of every
//! attendance cell, so they must equal a fresh computation after every kind
//! of write, be repaired at start when missing or written under other
//! thresholds, and publish the same figures as the cell-level query.

use api::disclosure::Thresholds;
use api::stats::summary;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use tests::accounts::{UNDP, as_user, cell, create_user, login, project_id, spawn};
use tests::{Engine, engine_tests};

async fn stale(app: &tests::TestApp) -> Vec<i64> {
    summary::verify(&app.db.conn, &Thresholds::default())
        .await
        .expect("verify summaries")
}

async fn count(app: &tests::TestApp, sql: &str) -> i64 {
    use sea_orm::Statement;
    let db = &app.db.conn;
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0)
        .or_else(|_| row.try_get_by_index::<i32>(0).map(i64::from))
        .unwrap()
}

/// Every summary equals a fresh computation, and every row's stored
/// protection inputs (attendance and service counts) a fresh decision.
async fn all_current(app: &tests::TestApp, after: &str) {
    assert_eq!(stale(app).await, Vec::<i64>::new(), "{after}");
    let rows = summary::stale_rows(&app.db.conn, &Thresholds::default())
        .await
        .unwrap();
    assert_eq!(rows, 0, "rows with stale protection inputs {after}");
    let rollup = api::stats::rollup::mismatches(&app.db.conn).await.unwrap();
    assert_eq!(rollup, 0, "attendance rollup rows differing {after}");
}

/// `updateEvent` that must succeed; returns the new version.
async fn update_event(app: &tests::TestApp, token: &str, key: &str, input: Value) -> Value {
    let resp = as_user(
        app,
        token,
        "mutation($k: String!, $input: UpdateEventInput!) { updateEvent(idempotencyKey: $k, input: $input) {
            userErrors { field code message } event { version } } }",
        json!({ "k": key, "input": input }),
    )
    .await;
    ok(&resp, "updateEvent")["event"]["version"].clone()
}

fn ok<'a>(resp: &'a Value, field: &str) -> &'a Value {
    let payload = &resp["data"][field];
    assert_eq!(payload["userErrors"], json!([]), "{resp}");
    payload
}

/// Admin figures by district (read from the summaries) and by district × sex
/// (read from the cells), the second summed per district: both exact for an
/// admin, so they must agree.
async fn districts_agree(app: &tests::TestApp, token: &str) -> usize {
    let by = |group: &str| {
        format!(
            "{{ participantStats(groupBy: [{group}]) {{ rows {{ dimensions {{ dimension code }} value protection }} }} }}"
        )
    };
    let per_event = as_user(app, token, &by("DISTRICT"), json!({})).await;
    let cells = as_user(app, token, &by("DISTRICT, SEX"), json!({})).await;
    let district = |row: &Value| -> String {
        row["dimensions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["dimension"] == "DISTRICT")
            .map(|d| d["code"].to_string())
            .unwrap()
    };
    let mut expected = std::collections::BTreeMap::<String, i64>::new();
    for row in cells["data"]["participantStats"]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("{cells}"))
    {
        assert_eq!(row["protection"], "EXACT", "{row}");
        *expected.entry(district(row)).or_default() += row["value"].as_i64().unwrap();
    }
    let mut got = std::collections::BTreeMap::<String, i64>::new();
    for row in per_event["data"]["participantStats"]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("{per_event}"))
    {
        assert_eq!(row["protection"], "EXACT", "{row}");
        got.insert(district(row), row["value"].as_i64().unwrap());
    }
    got.retain(|_, v| *v != 0);
    expected.retain(|_, v| *v != 0);
    assert_eq!(got, expected);
    got.len()
}

async fn summaries_follow_every_kind_of_write(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    all_current(&app, "after the demo seed").await;
    let events = count(&app, "SELECT COUNT(*) FROM events").await;
    assert!(events > 0);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM event_summaries").await,
        events
    );
    create_user(&app, "admin@hub.example", "admin", None, &[]).await;
    let admin = login(&app, "admin@hub.example").await;
    create_user(&app, "m@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    let token = login(&app, "m@undp.example").await;
    let project = project_id(&app, Some(&token), UNDP).await;
    let districts_before = districts_agree(&app, &admin).await;
    assert!(districts_before > 0);

    // createEvent with a grid, in an area (the district comes from the area).
    let area: Value = app
        .data(
            r#"{ areas(first: 1, filter: { search: "Füzuli" }) { edges { node { id } } } }"#,
            json!({}),
        )
        .await;
    let area_id = area["areas"]["edges"][0]["node"]["id"].clone();
    assert!(area_id.is_string(), "{area}");
    let create = as_user(
        &app,
        &token,
        "mutation($k: String!, $input: CreateEventInput!) { createEvent(idempotencyKey: $k, input: $input) {
            userErrors { field code message } event { id version } } }",
        json!({ "k": "s-1", "input": {
            "projectId": project, "kind": "TRAINING", "titleAz": "Təlim", "titleEn": "Training",
            "startDate": "2021-09-01", "endDate": "2021-09-01", "areaIds": [area_id],
            "attendance": [cell("FEMALE", 14), cell("MALE", 9)] } }),
    )
    .await;
    let event = ok(&create, "createEvent")["event"].clone();
    let id = event["id"].as_str().unwrap().to_string();
    all_current(&app, "after createEvent").await;
    let raw = tests::fixtures::raw_id(&id);
    assert_eq!(
        count(
            &app,
            &format!("SELECT total FROM event_summaries WHERE event_id = {raw}")
        )
        .await,
        23
    );
    assert!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM event_summaries s JOIN areas a ON a.id = s.district_id \
                 WHERE s.event_id = {raw} AND a.kind = 'district'"
            )
        )
        .await
            == 1,
        "the new event is placed in its area's district"
    );
    districts_agree(&app, &admin).await;

    // recordAttendance replaces the grid.
    let record = as_user(
        &app,
        &token,
        "mutation($k: String!, $e: ID!, $v: Int!, $cells: [AttendanceCellInput!]!) {
            recordAttendance(idempotencyKey: $k, eventId: $e, version: $v, cells: $cells) {
            userErrors { code message } event { version } } }",
        json!({ "k": "s-2", "e": id, "v": event["version"], "cells": [cell("FEMALE", 3)] }),
    )
    .await;
    let version = ok(&record, "recordAttendance")["event"]["version"].clone();
    all_current(&app, "after recordAttendance").await;

    // addAttendance adds to a cell and creates another.
    let add = as_user(
        &app,
        &token,
        "mutation($k: String!, $e: ID!, $cells: [AttendanceCellInput!]!) {
            addAttendance(idempotencyKey: $k, eventId: $e, cells: $cells) { userErrors { code message } } }",
        json!({ "k": "s-3", "e": id, "cells": [cell("FEMALE", 2), cell("MALE", 40)] }),
    )
    .await;
    ok(&add, "addAttendance");
    all_current(&app, "after addAttendance").await;
    assert_eq!(
        count(
            &app,
            &format!("SELECT total FROM event_summaries WHERE event_id = {raw}")
        )
        .await,
        45
    );

    // updateEvent with a new grid (versions moved with addAttendance).
    let current = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Event { version } } }",
            json!({ "id": id }),
        )
        .await;
    let version_now = current["node"]["version"].clone();
    assert_ne!(version_now, version);
    let version = update_event(
        &app,
        &token,
        "s-4",
        json!({ "id": id, "version": version_now,
            "attendance": [cell("MALE", 7), cell("FEMALE", 1)] }),
    )
    .await;
    all_current(&app, "after updateEvent").await;
    districts_agree(&app, &admin).await;

    // updateEvent moving the dates only: the stored month follows.
    let before_move = october(&app, &admin).await;
    let version = update_event(
        &app,
        &token,
        "s-4b",
        json!({ "id": id, "version": version, "startDate": "2031-10-05", "endDate": "2031-10-06" }),
    )
    .await;
    all_current(&app, "after moving the dates").await;
    assert_eq!(october(&app, &admin).await, before_move + 8);

    // A cancelled event keeps its summary and is no longer counted.
    let before_cancel = districts_total(&app, &admin).await;
    let cancel = as_user(
        &app,
        &token,
        "mutation($k: String!, $id: ID!, $v: Int!) { cancelEvent(idempotencyKey: $k, id: $id, version: $v) {
            userErrors { code message } } }",
        json!({ "k": "s-5", "id": id, "v": version }),
    )
    .await;
    ok(&cancel, "cancelEvent");
    all_current(&app, "after cancelEvent").await;
    assert_eq!(districts_total(&app, &admin).await, before_cancel - 8);
    districts_agree(&app, &admin).await;
}

/// Participants in October 2031, as an admin reads them (per-event path).
async fn october(app: &tests::TestApp, admin: &str) -> i64 {
    let q = r#"{ participantStats(groupBy: [MONTH], filter: { month: "2031-10" }) { rows { value } } }"#;
    let resp = as_user(app, admin, q, json!({})).await;
    resp["data"]["participantStats"]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("{resp}"))
        .iter()
        .map(|r| r["value"].as_i64().unwrap())
        .sum()
}

async fn districts_total(app: &tests::TestApp, token: &str) -> i64 {
    let resp = as_user(
        app,
        token,
        "{ participantStats(groupBy: [DISTRICT]) { rows { value } } }",
        json!({}),
    )
    .await;
    resp["data"]["participantStats"]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("{resp}"))
        .iter()
        .map(|r| r["value"].as_i64().unwrap_or(0))
        .sum()
}

/// A missing or stale row, and rows written under other thresholds, are
/// rewritten by `sync` (run at every start); `verify` finds each kind.
async fn sync_repairs_missing_stale_and_rethresholded_rows(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let db = &app.db.conn;
    let (a, b): (i64, i64) = (
        count(&app, "SELECT MIN(event_id) FROM event_summaries").await,
        count(&app, "SELECT MAX(event_id) FROM event_summaries").await,
    );
    db.execute_unprepared(&format!("DELETE FROM event_summaries WHERE event_id = {a}"))
        .await
        .unwrap();
    db.execute_unprepared(&format!(
        "UPDATE event_summaries SET total = total + 1 WHERE event_id = {b}"
    ))
    .await
    .unwrap();
    assert_eq!(stale(&app).await, vec![a, b]);
    // The stale total has the right threshold: only a full refresh repairs it;
    // sync writes the missing row.
    assert_eq!(summary::sync(db, &Thresholds::default()).await.unwrap(), 1);
    assert_eq!(stale(&app).await, vec![b]);
    summary::refresh(db, &Thresholds::default(), summary::Scope::All)
        .await
        .unwrap();
    assert_eq!(stale(&app).await, Vec::<i64>::new());

    // Other thresholds: every row is rewritten once, then nothing.
    let other = Thresholds {
        ordinary: 7,
        sensitive: 12,
    };
    let events = count(&app, "SELECT COUNT(*) FROM events").await;
    assert_eq!(summary::sync(db, &other).await.unwrap() as i64, events);
    assert_eq!(summary::sync(db, &other).await.unwrap(), 0);
    assert!(summary::verify(db, &other).await.unwrap().is_empty());
    assert_eq!(stale(&app).await.len() as i64, events);
}

/// A server started with other thresholds rewrites the summaries at start,
/// and publishes under them.
async fn a_server_with_other_thresholds_rewrites_the_summaries_at_start(engine: Engine) {
    let other = Thresholds {
        ordinary: 6,
        sensitive: 11,
    };
    let Some(app) = tests::TestApp::spawn_seeded_with(engine, |c| c.thresholds = other).await
    else {
        return;
    };
    assert!(
        summary::verify(&app.db.conn, &other)
            .await
            .unwrap()
            .is_empty()
    );
    let thresholds = count(
        &app,
        "SELECT COUNT(DISTINCT threshold) FROM event_summaries WHERE threshold NOT IN (6, 11)",
    )
    .await;
    assert_eq!(thresholds, 0);
}

engine_tests!(
    summaries_follow_every_kind_of_write,
    sync_repairs_missing_stale_and_rethresholded_rows,
    a_server_with_other_thresholds_rewrites_the_summaries_at_start,
);
