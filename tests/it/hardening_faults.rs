//! Faults found by attacking the running API (issue 18), each shown gone:
//! counts have upper bounds and the largest accepted values read back on
//! every public surface; tokens die with a password, role or active change;
//! a replay with another password is refused; a visibility change moves the
//! ETag; only `/embed/…` is frameable; a database outage answers 503 quickly
//! and recovers; a NUL in a cursor and a chunked oversized body get typed
//! refusals; one client cannot flush the persisted-query store; half-sent
//! and idle connections are closed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tests::accounts::{UNDP, as_user, create_user, login, project_id, spawn};
use tests::{Engine, TestApp, engine_tests, first_error_code};

const CREATE: &str = "mutation($k: String!, $input: CreateEventInput!) {
  createEvent(idempotencyKey: $k, input: $input) {
    userErrors { field code message }
    event { id version }
  }
}";

const UPDATE: &str = "mutation($k: String!, $input: UpdateEventInput!) {
  updateEvent(idempotencyKey: $k, input: $input) { userErrors { field code } }
}";

const ADD: &str = "mutation($k: String!, $e: ID!, $cells: [AttendanceCellInput!]!) {
  addAttendance(idempotencyKey: $k, eventId: $e, cells: $cells) { userErrors { field code message } }
}";

const RECORD: &str = "mutation($k: String!, $e: ID!, $v: Int!, $cells: [AttendanceCellInput!]!) {
  recordAttendance(idempotencyKey: $k, eventId: $e, version: $v, cells: $cells) { userErrors { field code } }
}";

const COUNTS: &str = "mutation($k: String!, $input: ServiceCountsInput!) {
  setServiceCounts(idempotencyKey: $k, input: $input) { userErrors { field code message } }
}";

/// The bounds of `api::services::bounds`, as the README states them.
const CELL_MAX: i64 = 100_000;
const CAPACITY_MAX: i64 = 1_000_000;
const SERVICE_MAX: i64 = 10_000_000;

fn cell(sex: &str, age: &str, count: i64) -> Value {
    json!({ "sex": sex, "ageBand": age, "disability": "WITHOUT_DISABILITY", "category": "WAR_AFFECTED", "count": count })
}

fn event(project: &str, title: &str, capacity: i64, attendance: Value) -> Value {
    json!({
        "projectId": project, "kind": "TRAINING", "titleAz": title, "titleEn": title,
        "startDate": "2021-08-10", "endDate": "2021-08-12", "capacity": capacity, "attendance": attendance
    })
}

fn service_counts(project: &str, value: i64) -> Value {
    json!({
        "projectId": project, "periodStart": "2021-08-01", "periodEnd": "2021-08-31",
        "counts": [
            { "supportType": "LEGAL", "stage": "SERVED", "unit": "PERSONS", "value": value },
            { "supportType": "PSYCHOLOGICAL", "stage": "SERVED", "unit": "PERSONS", "value": value },
        ]
    })
}

fn user_errors(resp: &Value, mutation: &str) -> Vec<(String, String)> {
    resp["data"][mutation]["userErrors"]
        .as_array()
        .unwrap_or_else(|| panic!("no payload: {resp:#}"))
        .iter()
        .map(|e| {
            let field: Vec<&str> = e["field"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap())
                .collect();
            (field.join("."), e["code"].as_str().unwrap().to_string())
        })
        .collect()
}

async fn count_rows(app: &TestApp, sql: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.db.conn;
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn manager(app: &TestApp) -> (String, String) {
    create_user(
        app,
        "manager@undp.example",
        "manager",
        Some("UNDP"),
        &[UNDP],
    )
    .await;
    let token = login(app, "manager@undp.example").await;
    let project = project_id(app, Some(&token), UNDP).await;
    (token, project)
}

/// Every count field at its largest accepted value is stored, and every
/// public surface (statistics, overview, events list, CSV) reads it back
/// without an error: sums of bounded counts stay exact.
async fn the_largest_accepted_counts_read_back_on_every_public_surface(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let (token, project) = manager(&app).await;
    let grid = json!([
        cell("FEMALE", "AGE_25_TO_59", CELL_MAX),
        cell("MALE", "AGE_25_TO_59", CELL_MAX),
        cell("FEMALE", "AGE_18_TO_24", CELL_MAX),
    ]);
    let resp = as_user(
        &app,
        &token,
        CREATE,
        json!({ "k": "max-1", "input": event(&project, "Largest", CAPACITY_MAX, grid) }),
    )
    .await;
    assert_eq!(user_errors(&resp, "createEvent"), vec![], "{resp:#}");
    let event_id = resp["data"]["createEvent"]["event"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // addAttendance fills a fourth cell up to its bound.
    let resp = as_user(
        &app,
        &token,
        ADD,
        json!({ "k": "max-2", "e": event_id, "cells": [cell("MALE", "AGE_18_TO_24", CELL_MAX)] }),
    )
    .await;
    assert_eq!(user_errors(&resp, "addAttendance"), vec![], "{resp:#}");
    let resp = as_user(
        &app,
        &token,
        COUNTS,
        json!({ "k": "max-3", "input": service_counts(&project, SERVICE_MAX) }),
    )
    .await;
    assert_eq!(user_errors(&resp, "setServiceCounts"), vec![], "{resp:#}");

    let total = as_user(
        &app,
        &token,
        "query($id: ID!) { node(id: $id) { ... on Event { attendance { total { value } } } } }",
        json!({ "id": event_id }),
    )
    .await;
    assert_eq!(
        total["data"]["node"]["attendance"]["total"]["value"],
        4 * CELL_MAX,
        "{total:#}"
    );

    for query in [
        "{ participantStats(groupBy: [SEX]) { totals { unit value } rows { value } } }",
        "{ serviceStats(groupBy: [SUPPORT_TYPE]) { totals { unit value } rows { value } } }",
        "{ serviceStats { totals { unit value } } participantStats { totals { value } } }",
        "query($s: String!) { projectOverview(slug: $s) { participants { value } services { value } } }",
        "{ events(first: 100) { totalCount edges { node { id title attendance { total { value } } } } } }",
    ] {
        for resp in [
            app.graphql(query, json!({ "s": UNDP })).await,
            as_user(&app, &token, query, json!({ "s": UNDP })).await,
        ] {
            assert!(resp.get("errors").is_none(), "{query}: {resp:#}");
        }
    }
    let events = app
        .data(
            "{ events(first: 100) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert!(
        events["events"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| !e["node"].is_null()),
        "{events:#}"
    );
    let services = as_user(
        &app,
        &token,
        "{ serviceStats(filter: { year: 2021 }) { totals { unit value } } }",
        json!({}),
    )
    .await;
    let persons = services["data"]["serviceStats"]["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["unit"] == "PERSONS")
        .unwrap()["value"]
        .as_i64()
        .unwrap();
    assert!(persons >= 2 * SERVICE_MAX, "{services:#}");

    for path in [
        "/export/events.csv",
        "/export/service-stats.csv?groupBy=SUPPORT_TYPE",
        "/export/participant-stats.csv?groupBy=SEX",
    ] {
        let resp = app.get(path).await;
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        let text = resp.text().await.unwrap();
        assert!(!text.is_empty(), "{path}");
    }
}

/// One above a bound is refused as VALUE_OUT_OF_RANGE on the named field, on
/// every write path, and nothing is stored.
async fn a_count_above_its_bound_is_refused_on_its_field_and_nothing_is_stored(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let (token, project) = manager(&app).await;
    let events_before = count_rows(&app, "SELECT COUNT(*) FROM events").await;

    let resp = as_user(&app, &token, CREATE, json!({ "k": "over-1", "input": event(&project, "Over", CAPACITY_MAX + 1, json!([cell("FEMALE", "AGE_25_TO_59", CELL_MAX + 1)])) })).await;
    let errors = user_errors(&resp, "createEvent");
    assert!(
        errors.contains(&("input.capacity".into(), "VALUE_OUT_OF_RANGE".into())),
        "{resp:#}"
    );
    assert!(
        errors.contains(&(
            "input.attendance.0.count".into(),
            "VALUE_OUT_OF_RANGE".into()
        )),
        "{resp:#}"
    );
    assert_eq!(
        count_rows(&app, "SELECT COUNT(*) FROM events").await,
        events_before
    );

    // A stored cell at its bound cannot be pushed past it by an addition
    // (2147483647 onto 1 used to wrap past the i32 column on SQLite).
    let resp = as_user(&app, &token, CREATE, json!({ "k": "over-2", "input": event(&project, "Full", CAPACITY_MAX, json!([cell("FEMALE", "AGE_25_TO_59", CELL_MAX)])) })).await;
    assert_eq!(user_errors(&resp, "createEvent"), vec![], "{resp:#}");
    let event_id = resp["data"]["createEvent"]["event"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let version = resp["data"]["createEvent"]["event"]["version"].clone();
    for count in [1, 2_147_483_647] {
        let resp = as_user(&app, &token, ADD, json!({ "k": format!("over-add-{count}"), "e": event_id, "cells": [cell("FEMALE", "AGE_25_TO_59", count)] })).await;
        assert_eq!(
            user_errors(&resp, "addAttendance"),
            vec![("input.cells.0.count".into(), "VALUE_OUT_OF_RANGE".into())],
            "{resp:#}"
        );
    }
    let resp = as_user(&app, &token, RECORD, json!({ "k": "over-rec", "e": event_id, "v": version, "cells": [cell("MALE", "AGE_25_TO_59", CELL_MAX + 1)] })).await;
    assert_eq!(
        user_errors(&resp, "recordAttendance"),
        vec![("input.cells.0.count".into(), "VALUE_OUT_OF_RANGE".into())],
        "{resp:#}"
    );
    let resp = as_user(&app, &token, UPDATE, json!({ "k": "over-upd", "input": { "id": event_id, "version": version, "capacity": 2_147_483_647 } })).await;
    assert_eq!(
        user_errors(&resp, "updateEvent"),
        vec![("input.capacity".into(), "VALUE_OUT_OF_RANGE".into())],
        "{resp:#}"
    );
    let total = as_user(&app, &token, "query($id: ID!) { node(id: $id) { ... on Event { capacity attendance { total { value } } } } }", json!({ "id": event_id })).await;
    assert_eq!(
        total["data"]["node"]["attendance"]["total"]["value"], CELL_MAX,
        "{total:#}"
    );
    assert_eq!(total["data"]["node"]["capacity"], CAPACITY_MAX);

    let counts_before = count_rows(&app, "SELECT COUNT(*) FROM service_counts").await;
    let resp = as_user(
        &app,
        &token,
        COUNTS,
        json!({ "k": "over-sc", "input": service_counts(&project, i64::MAX) }),
    )
    .await;
    let errors = user_errors(&resp, "setServiceCounts");
    assert_eq!(
        errors,
        vec![
            (
                "input.counts.0.value".to_string(),
                "VALUE_OUT_OF_RANGE".to_string()
            ),
            (
                "input.counts.1.value".to_string(),
                "VALUE_OUT_OF_RANGE".to_string()
            ),
        ],
        "{resp:#}"
    );
    assert_eq!(
        count_rows(&app, "SELECT COUNT(*) FROM service_counts").await,
        counts_before
    );
    let stats = app
        .graphql("{ serviceStats { totals { value } } }", json!({}))
        .await;
    assert!(stats.get("errors").is_none(), "{stats:#}");
}

const ME: &str = "{ me { email } }";
const USERS: &str = "{ users(search: \"m@undp.example\") { id version } }";
const UPDATE_USER: &str = "mutation($k: String!, $i: UpdateUserInput!) { updateUser(idempotencyKey: $k, input: $i) { replayed userErrors { code } user { id version } } }";

/// A token issued before a password change, a deactivation or a role change
/// is refused (401 INVALID_TOKEN, as any bad token); a new log-in works.
async fn a_password_deactivation_or_role_change_ends_older_tokens(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "admin@hub.example", "admin", None, &[]).await;
    let admin = login(&app, "admin@hub.example").await;
    let id = create_user(&app, "m@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    let gid = tests::fixtures::global_id("User", id);
    let changes = [
        ("password", json!({ "password": tests::accounts::PASSWORD })),
        ("deactivation", json!({ "active": false })),
        ("role", json!({ "role": "VIEWER" })),
    ];
    for (i, (name, change)) in changes.into_iter().enumerate() {
        let old = login(&app, "m@undp.example").await;
        let resp = as_user(&app, &old, ME, json!({})).await;
        assert_eq!(
            resp["data"]["me"]["email"], "m@undp.example",
            "{name}: {resp}"
        );
        let v =
            as_user(&app, &admin, USERS, json!({})).await["data"]["users"][0]["version"].clone();
        let mut input = json!({ "id": gid, "version": v });
        input
            .as_object_mut()
            .unwrap()
            .extend(change.as_object().unwrap().clone());
        let resp = as_user(
            &app,
            &admin,
            UPDATE_USER,
            json!({ "k": format!("change-{i}"), "i": input }),
        )
        .await;
        assert_eq!(
            resp["data"]["updateUser"]["userErrors"],
            json!([]),
            "{name}: {resp}"
        );

        let resp = app
            .client
            .post(format!("{}/graphql", app.base))
            .bearer_auth(&old)
            .json(&json!({ "query": ME }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{name}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(
            first_error_code(&body).as_deref(),
            Some("INVALID_TOKEN"),
            "{name}: {body}"
        );

        if name == "deactivation" {
            let v = as_user(&app, &admin, USERS, json!({})).await["data"]["users"][0]["version"]
                .clone();
            let resp = as_user(
                &app,
                &admin,
                UPDATE_USER,
                json!({ "k": "reactivate", "i": { "id": gid, "version": v, "active": true } }),
            )
            .await;
            assert_eq!(
                resp["data"]["updateUser"]["userErrors"],
                json!([]),
                "{resp}"
            );
        }
        let fresh = login(&app, "m@undp.example").await;
        let resp = as_user(&app, &fresh, ME, json!({})).await;
        assert_eq!(
            resp["data"]["me"]["email"], "m@undp.example",
            "{name}: {resp}"
        );
    }
    // A name change alone leaves tokens alone.
    let token = login(&app, "m@undp.example").await;
    let v = as_user(&app, &admin, USERS, json!({})).await["data"]["users"][0]["version"].clone();
    let resp = as_user(
        &app,
        &admin,
        UPDATE_USER,
        json!({ "k": "rename", "i": { "id": gid, "version": v, "displayName": "M" } }),
    )
    .await;
    assert_eq!(
        resp["data"]["updateUser"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let resp = as_user(&app, &token, ME, json!({})).await;
    assert_eq!(resp["data"]["me"]["email"], "m@undp.example", "{resp}");
}

/// The password is part of the idempotency hash (as a keyed digest): the
/// same key with another password is IDEMPOTENCY_KEY_REUSED, the same key
/// with the same password a replay, and the stored hash is no plain digest.
async fn a_replay_with_another_password_is_refused(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "admin@hub.example", "admin", None, &[]).await;
    let admin = login(&app, "admin@hub.example").await;
    let create = "mutation($k: String!, $i: CreateUserInput!) { createUser(idempotencyKey: $k, input: $i) { replayed userErrors { code } user { id version } } }";
    let input = |password: &str| json!({ "email": "new@hub.example", "displayName": "New", "password": password, "role": "VIEWER" });
    let first = "first password of the new user";
    let other = "another password, not the first";
    let resp = as_user(
        &app,
        &admin,
        create,
        json!({ "k": "cu", "i": input(first) }),
    )
    .await;
    assert_eq!(
        resp["data"]["createUser"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let id = resp["data"]["createUser"]["user"]["id"].clone();
    let resp = as_user(
        &app,
        &admin,
        create,
        json!({ "k": "cu", "i": input(other) }),
    )
    .await;
    assert_eq!(
        resp["data"]["createUser"]["userErrors"],
        json!([{ "code": "IDEMPOTENCY_KEY_REUSED" }]),
        "{resp}"
    );
    let resp = as_user(
        &app,
        &admin,
        create,
        json!({ "k": "cu", "i": input(first) }),
    )
    .await;
    assert_eq!(resp["data"]["createUser"]["replayed"], true, "{resp}");

    let v = resp["data"]["createUser"]["user"]["version"].clone();
    let change = |password: &str| json!({ "id": id, "version": v, "password": password });
    let resp = as_user(
        &app,
        &admin,
        UPDATE_USER,
        json!({ "k": "uu", "i": change(other) }),
    )
    .await;
    assert_eq!(
        resp["data"]["updateUser"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let third = "a third password for the replay";
    let resp = as_user(
        &app,
        &admin,
        UPDATE_USER,
        json!({ "k": "uu", "i": change(third) }),
    )
    .await;
    assert_eq!(
        resp["data"]["updateUser"]["userErrors"],
        json!([{ "code": "IDEMPOTENCY_KEY_REUSED" }]),
        "{resp}"
    );
    // The password set is the first request's, not the refused replay's.
    let login_with = |password: &'static str| {
        let app = &app;
        async move {
            app.data(
                "mutation($p: String!) { login(email: \"new@hub.example\", password: $p) { token } }",
                json!({ "p": password }),
            )
            .await["login"]["token"]
                .is_string()
        }
    };
    assert!(login_with("another password, not the first").await);
    assert!(!login_with("a third password for the replay").await);
}

/// Making a project private by SQL (no mutation changes `is_public` yet)
/// moves the data version: the old ETag no longer gets 304, and the answer
/// that lost the project carries a new ETag.
async fn a_visibility_change_by_sql_moves_the_etag(engine: Engine) {
    use sea_orm::ConnectionTrait;
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let url = format!(
        "{}/graphql?query={}",
        app.base,
        tests::url_encode("{ projects(first: 100) { totalCount } }")
    );
    let resp = app.client.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let etag = resp.headers()["etag"].to_str().unwrap().to_string();
    let before: Value = resp.json().await.unwrap();
    let resp = app
        .client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);

    let db = &app.db.conn;
    let sql = format!(
        "UPDATE projects SET is_public = {} WHERE slug = '{UNDP}'",
        if engine == Engine::Sqlite {
            "0"
        } else {
            "false"
        }
    );
    db.execute_unprepared(&sql).await.unwrap();

    let resp = app
        .client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "no stale 304");
    let new_etag = resp.headers()["etag"].to_str().unwrap().to_string();
    assert_ne!(new_etag, etag);
    let after: Value = resp.json().await.unwrap();
    assert_eq!(
        after["data"]["projects"]["totalCount"].as_i64().unwrap(),
        before["data"]["projects"]["totalCount"].as_i64().unwrap() - 1
    );
    // Writing the same value again is no change: the version stays.
    db.execute_unprepared(&sql).await.unwrap();
    let resp = app
        .client
        .get(&url)
        .header("if-none-match", &new_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
}

/// The embed policy (`frame-ancestors *`) is for paths that start with
/// `/embed/` only; a manage page whose path contains `/embed/` is not
/// frameable, and GraphiQL has its own CSP and is never framed.
async fn only_paths_starting_with_embed_are_frameable(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("embed/en")).unwrap();
    std::fs::create_dir_all(root.join("graphiql")).unwrap();
    std::fs::write(root.join("200.html"), "<html>shell</html>").unwrap();
    std::fs::write(root.join("embed/en/card.html"), "<html>card</html>").unwrap();
    std::fs::write(root.join("graphiql/index.html"), "<html>graphiql</html>").unwrap();
    let site = root.to_path_buf();
    let Some(app) = TestApp::spawn_with(engine, |c| c.web_dir = Some(site)).await else {
        return;
    };
    let headers = |path: &'static str| {
        let app = &app;
        async move {
            let resp = app.get(path).await;
            assert_eq!(resp.status(), StatusCode::OK, "{path}");
            resp.headers().clone()
        }
    };
    for path in [
        "/en/manage/project/embed/",
        "/en/embed/x/",
        "/manage/embed/",
    ] {
        let h = headers(path).await;
        assert_eq!(h["x-frame-options"], "SAMEORIGIN", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'self'") && !csp.contains("frame-ancestors *"),
            "{path}: {csp}"
        );
    }
    let h = headers("/embed/en/card").await;
    assert!(h.get("x-frame-options").is_none());
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors *")
    );
    let h = headers("/graphiql/").await;
    assert_eq!(h["x-frame-options"], "DENY");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("connect-src 'self'"),
        "{csp}"
    );
}

/// A TCP relay between the API and PostgreSQL that can be cut: while cut it
/// ends the open sessions and holds new connections without answering (a
/// network partition, the worst case for a pool).
struct Relay {
    addr: std::net::SocketAddr,
    up: Arc<AtomicBool>,
    cut: tokio::sync::watch::Sender<u64>,
}

impl Relay {
    async fn start(upstream: &'static str) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let (cut, _) = tokio::sync::watch::channel(0u64);
        let (flag, cuts) = (up.clone(), cut.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                let mut cut_seen = cuts.subscribe();
                if !flag.load(Ordering::SeqCst) {
                    // Accept and never answer.
                    tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_secs(120)).await;
                        drop(inbound);
                    });
                    continue;
                }
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut_seen.changed() => {}
                    }
                });
            }
        });
        Self { addr, up, cut }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.send_modify(|n| *n += 1);
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// During a database outage every request answers within a few seconds
/// with 503, a code and `Retry-After` (GraphQL, downloads, `/ready`), and
/// the server recovers without a restart. PostgreSQL through a relay that
/// is cut; SQLite cannot be cut off, so there `/ready` shows its healthy,
/// uncached answer.
async fn a_database_outage_answers_503_quickly_and_recovers(engine: Engine) {
    let relay = Relay::start("127.0.0.1:5432").await;
    let via = relay.addr.to_string();
    let Some(app) = TestApp::spawn_seeded_with(engine, |c| {
        c.database_url = c.database_url.replace("127.0.0.1:5432", &via);
    })
    .await
    else {
        return;
    };
    let ready = app.get("/ready").await;
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.headers()["cache-control"], "no-store");
    let query = "{ projects(first: 1) { totalCount } }";
    assert!(app.graphql(query, json!({})).await.get("errors").is_none());
    if engine == Engine::Sqlite {
        return;
    }
    relay.cut();

    let started = Instant::now();
    let ready = app.get("/ready").await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "/ready took {:?}",
        started.elapsed()
    );
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.headers()["cache-control"], "no-store");

    for _ in 0..3 {
        let started = Instant::now();
        let resp = app
            .client
            .post(format!("{}/graphql", app.base))
            .json(&json!({ "query": query }))
            .send()
            .await
            .unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "GraphQL took {:?}",
            started.elapsed()
        );
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(resp.headers().contains_key("retry-after"));
        let body: Value = resp.json().await.unwrap();
        assert_eq!(
            first_error_code(&body).as_deref(),
            Some("SERVICE_UNAVAILABLE"),
            "{body}"
        );
    }
    let started = Instant::now();
    let resp = app.get("/export/events.csv").await;
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(resp.headers().contains_key("retry-after"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        first_error_code(&body).as_deref(),
        Some("SERVICE_UNAVAILABLE")
    );

    relay.restore();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let resp = app.graphql(query, json!({})).await;
        if resp.get("errors").is_none() {
            break;
        }
        assert!(Instant::now() < deadline, "no recovery: {resp}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.get("/ready").await.status(), StatusCode::OK);
}

/// A cursor whose decoded key holds a NUL is bad input, not INTERNAL.
async fn a_nul_inside_a_cursor_is_bad_input(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let data = app
        .data(
            "{ projects(first: 1, orderBy: [{ field: TITLE }]) { edges { cursor } } }",
            json!({}),
        )
        .await;
    let cursor = data["projects"]["edges"][0]["cursor"].as_str().unwrap();
    let mut decoded: Value =
        serde_json::from_str(&tests::fixtures::base64url_decode(cursor)).unwrap();
    let keys = decoded["k"].as_array_mut().unwrap();
    let text = keys.iter_mut().find(|k| k.is_string()).expect("a text key");
    *text = json!("Ab\u{0}c");
    let forged = tests::fixtures::base64url_encode(decoded.to_string().as_bytes());
    let code = app
        .error_code(
            "query($a: String!) { projects(first: 1, after: $a, orderBy: [{ field: TITLE }]) { totalCount } }",
            json!({ "a": forged }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
}

/// A chunked body (no Content-Length) over the limit gets 413, like a
/// declared one.
async fn a_chunked_body_over_the_limit_gets_413(engine: Engine) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(app) = TestApp::spawn_with(engine, |c| c.max_body_bytes = 4096).await else {
        return;
    };
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut request = format!(
        "POST /graphql HTTP/1.1\r\nHost: {addr}\r\ncontent-type: application/json\r\n\
         transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    )
    .into_bytes();
    let head = r#"{"query":"{ __typename }","variables":{"pad":""#;
    request.extend(format!("{:x}\r\n{head}\r\n", head.len()).into_bytes());
    for _ in 0..16 {
        request.extend(format!("{:x}\r\n{}\r\n", 1024, "x".repeat(1024)).into_bytes());
    }
    request.extend(b"0\r\n\r\n");
    // The server may answer and close before every chunk is written.
    let _ = stream.write_all(&request).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

/// Reads from `stream` until the server closes it; the time that took and
/// what was read, or `None` if it is still open after `limit`.
async fn until_closed(
    stream: &mut tokio::net::TcpStream,
    limit: Duration,
) -> Option<(Duration, String)> {
    use tokio::io::AsyncReadExt;
    let start = Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at((start + limit).into(), stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => {
                return Some((
                    start.elapsed(),
                    String::from_utf8_lossy(&answer).into_owned(),
                ));
            }
            Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
        }
    }
}

/// A connection that sends half a request line and stops is closed after
/// the header-read timeout; an idle keep-alive connection after the idle
/// timeout; requests within them are answered. (`axum::serve` kept both
/// open for ever.)
#[tokio::test]
async fn half_sent_and_idle_connections_are_closed_and_requests_still_work() {
    use tokio::io::AsyncWriteExt;
    let Some(app) = TestApp::spawn_with(Engine::Sqlite, |c| {
        c.header_read_timeout_secs = 1;
        c.idle_timeout_secs = 60;
    })
    .await
    else {
        return;
    };
    let addr = app.base.trim_start_matches("http://").to_string();
    // Half a request line, then nothing.
    let mut half = tokio::net::TcpStream::connect(&addr).await.unwrap();
    half.write_all(b"GET /hea").await.unwrap();
    let (took, _) = until_closed(&mut half, Duration::from_secs(5))
        .await
        .expect("a half-sent request is closed");
    assert!(took < Duration::from_millis(2_500), "{took:?}");

    // A keep-alive request is answered, then the silent connection is closed
    // (the header-read timer would also end it: keep that one long here).
    let Some(app) = TestApp::spawn_with(Engine::Sqlite, |c| {
        c.header_read_timeout_secs = 10;
        c.idle_timeout_secs = 2;
    })
    .await
    else {
        return;
    };
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    idle.write_all(format!("GET /health HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let (took, answer) = until_closed(&mut idle, Duration::from_secs(6))
        .await
        .expect("an idle connection is closed");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        took >= Duration::from_millis(1_500) && took < Duration::from_millis(4_500),
        "{took:?}"
    );
    // A connection that keeps sending requests stays open past the idle timeout.
    let client = reqwest::Client::new();
    for _ in 0..4 {
        let resp = client
            .get(format!("{}/health", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    assert_eq!(
        app.data("{ __typename }", json!({})).await["__typename"],
        "QueryRoot"
    );
}

/// Registers `query` under its hash from `client`; the error code, if any.
async fn register_persisted(
    app: &TestApp,
    client: &reqwest::Client,
    query: &str,
) -> Option<String> {
    let hash = api::http::persisted::sha256_hex(query);
    let body: Value = client
        .post(format!("{}/graphql", app.base))
        .json(&json!({ "query": query, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    first_error_code(&body)
}

/// Runs the document registered under `query`'s hash, by hash alone.
async fn run_persisted(app: &TestApp, query: &str) -> Value {
    let hash = api::http::persisted::sha256_hex(query);
    app.client
        .post(format!("{}/graphql", app.base))
        .json(&json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// One client registering 10,050 distinct documents as fast as it can no
/// longer flushes the store: past its hourly registrations it is refused
/// with a typed code, and a hash registered (and used) before still runs.
/// (The in-memory store used to be cleared at 10,000 documents.)
#[tokio::test]
async fn one_client_cannot_flush_the_persisted_query_store() {
    let Some(app) = TestApp::spawn(Engine::Sqlite).await else {
        return;
    };
    let app = Arc::new(app);
    let early = "query Early { __typename }";
    assert_eq!(register_persisted(&app, &app.client, early).await, None);
    assert_eq!(
        run_persisted(&app, early).await["data"]["__typename"],
        "QueryRoot"
    );

    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..8 {
        let app = app.clone();
        tasks.spawn(async move {
            let mut codes = Vec::new();
            for i in (worker..10_050).step_by(8) {
                let doc = format!("query Flood{i} {{ __typename }}");
                codes.push(register_persisted(&app, &app.client, &doc).await);
            }
            codes
        });
    }
    let codes: Vec<Option<String>> = tasks.join_all().await.into_iter().flatten().collect();
    assert_eq!(codes.len(), 10_050);
    let registered = codes.iter().filter(|c| c.is_none()).count();
    let limited = codes
        .iter()
        .filter(|c| c.as_deref() == Some("PERSISTED_QUERY_REGISTRATION_LIMITED"))
        .count();
    assert!(registered <= 210, "{registered} registered by one client");
    assert_eq!(
        registered + limited,
        10_050,
        "only typed refusals: {codes:?}"
    );

    let body = run_persisted(&app, early).await;
    assert_eq!(body["data"]["__typename"], "QueryRoot", "{body}");
    let body = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&json!({ "query": "query Late { __typename }", "extensions": { "persistedQuery": { "version": 1, "sha256Hash": api::http::persisted::sha256_hex("query Late { __typename }") } } }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("retry in"), "{body}");
    // Another client registers from its own allowance.
    let other = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    assert_eq!(
        register_persisted(&app, &other, "query Other { __typename }").await,
        None
    );
}

engine_tests!(
    the_largest_accepted_counts_read_back_on_every_public_surface,
    a_count_above_its_bound_is_refused_on_its_field_and_nothing_is_stored,
    a_password_deactivation_or_role_change_ends_older_tokens,
    a_replay_with_another_password_is_refused,
    a_visibility_change_by_sql_moves_the_etag,
    only_paths_starting_with_embed_are_frameable,
    a_database_outage_answers_503_quickly_and_recovers,
    a_nul_inside_a_cursor_is_bad_input,
    a_chunked_body_over_the_limit_gets_413,
);
