//! Accounts and data entry: a manager logs in and records a training; retries,
//! concurrent writers and stale edits never lose or double a figure; bad input
//! gets typed errors and writes nothing; every write leaves an audit row.

use serde_json::{Value, json};
use tests::accounts::{UNDP, as_user, cell, create_user, login, project_id, spawn};
use tests::{Engine, engine_tests, first_error_code};

const CREATE: &str = "mutation($k: String!, $input: CreateEventInput!) {
  createEvent(idempotencyKey: $k, input: $input) {
    replayed userErrors { field code message }
    event { id version status capacity attendance { total { value suppressed } cells { sex count suppressed } } }
  }
}";

const ADD: &str = "mutation($k: String!, $e: ID!, $cells: [AttendanceCellInput!]!) {
  addAttendance(idempotencyKey: $k, eventId: $e, cells: $cells) { replayed userErrors { code message } event { id } }
}";

const EVENT_TOTAL: &str = "query($id: ID!) { node(id: $id) { ... on Event { version attendance { total { value suppressed } } } } }";

fn training(project: &str, attendance: Value, capacity: Option<i64>) -> Value {
    json!({
        "projectId": project, "kind": "TRAINING", "titleAz": "Liderlik təlimi", "titleEn": "Leadership training",
        "startDate": "2021-08-10", "endDate": "2021-08-12", "capacity": capacity, "attendance": attendance
    })
}

async fn count_rows(app: &tests::TestApp, table: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.db.conn;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn manager_created_with_the_cli_records_a_training_counted_in_the_project(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(
        &app,
        "manager@undp.example",
        "manager",
        Some("UNDP"),
        &[UNDP],
    )
    .await;
    let token = login(&app, "Manager@UNDP.example").await;
    let project = project_id(&app, Some(&token), UNDP).await;

    let resp = as_user(&app, &token, CREATE, json!({ "k": "t-1", "input": training(&project, json!([cell("FEMALE", 12), cell("MALE", 8)]), Some(30)) })).await;
    let payload = &resp["data"]["createEvent"];
    assert_eq!(payload["userErrors"], json!([]), "{resp}");
    assert_eq!(payload["event"]["status"], "HELD");
    assert_eq!(payload["event"]["attendance"]["total"]["value"], 20);

    // Counted in the project's figures: exactly for the manager, and for the
    // public as its two cells each rounded to a multiple of 5 (12 to 10 or
    // 15, 8 to 5 or 10).
    let q = "query($s: String!) { project(slug: $s) { events { nodes { title(lang: EN) attendance { total { value protection } } } } } }";
    for (resp, manager) in [
        (as_user(&app, &token, q, json!({ "s": UNDP })).await, true),
        (app.graphql(q, json!({ "s": UNDP })).await, false),
    ] {
        let events = resp["data"]["project"]["events"]["nodes"]
            .as_array()
            .unwrap()
            .clone();
        let ours: Vec<&Value> = events
            .iter()
            .filter(|e| e["title"] == "Leadership training")
            .collect();
        assert_eq!(ours.len(), 1, "{resp}");
        let total = &ours[0]["attendance"]["total"];
        if manager {
            assert_eq!(total["value"], 20);
            assert_eq!(total["protection"], "EXACT");
        } else {
            let v = total["value"].as_i64().unwrap();
            assert!([15, 20, 25].contains(&v), "20 entered, {v} published");
            assert_eq!(total["protection"], "PERTURBED");
        }
    }
}

async fn a_retried_request_is_counted_once(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "m@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    let token = login(&app, "m@undp.example").await;
    let project = project_id(&app, Some(&token), UNDP).await;
    let events_before = count_rows(&app, "events").await;

    let vars =
        json!({ "k": "retry-1", "input": training(&project, json!([cell("FEMALE", 6)]), None) });
    let first = as_user(&app, &token, CREATE, vars.clone()).await;
    let second = as_user(&app, &token, CREATE, vars).await;
    assert_eq!(first["data"]["createEvent"]["replayed"], false);
    assert_eq!(second["data"]["createEvent"]["replayed"], true, "{second}");
    assert_eq!(
        first["data"]["createEvent"]["event"]["id"],
        second["data"]["createEvent"]["event"]["id"]
    );
    assert_eq!(count_rows(&app, "events").await, events_before + 1);

    let event = first["data"]["createEvent"]["event"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let add = json!({ "k": "add-1", "e": event, "cells": [cell("FEMALE", 2)] });
    for _ in 0..3 {
        let r = as_user(&app, &token, ADD, add.clone()).await;
        assert_eq!(r["data"]["addAttendance"]["userErrors"], json!([]), "{r}");
    }
    let total = as_user(&app, &token, EVENT_TOTAL, json!({ "id": event })).await;
    assert_eq!(
        total["data"]["node"]["attendance"]["total"]["value"], 8,
        "6 + 2 once: {total}"
    );

    // The same key with a different body is refused and changes nothing.
    let other = as_user(
        &app,
        &token,
        ADD,
        json!({ "k": "add-1", "e": event, "cells": [cell("FEMALE", 5)] }),
    )
    .await;
    assert_eq!(
        other["data"]["addAttendance"]["userErrors"][0]["code"], "IDEMPOTENCY_KEY_REUSED",
        "{other}"
    );
    let total = as_user(&app, &token, EVENT_TOTAL, json!({ "id": event })).await;
    assert_eq!(total["data"]["node"]["attendance"]["total"]["value"], 8);
}

async fn duplicates_in_flight_at_once_give_one_write(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "m@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    let token = login(&app, "m@undp.example").await;
    let project = project_id(&app, Some(&token), UNDP).await;
    let events_before = count_rows(&app, "events").await;
    let vars =
        json!({ "k": "same-key", "input": training(&project, json!([cell("MALE", 7)]), None) });
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (app, token, vars) = (app.clone(), token.clone(), vars.clone());
        tasks.push(tokio::spawn(async move {
            as_user(&app, &token, CREATE, vars).await
        }));
    }
    let mut ids = std::collections::HashSet::new();
    let mut fresh = 0;
    for t in tasks {
        let r = t.await.unwrap();
        let p = &r["data"]["createEvent"];
        assert_eq!(p["userErrors"], json!([]), "{r}");
        ids.insert(p["event"]["id"].as_str().unwrap().to_string());
        if p["replayed"] == false {
            fresh += 1;
        }
    }
    assert_eq!(ids.len(), 1, "all eight answers name the same event");
    assert_eq!(fresh, 1, "exactly one request wrote");
    assert_eq!(count_rows(&app, "events").await, events_before + 1);
}

async fn sixty_four_concurrent_attendance_writers_are_all_counted(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "m@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    let token = login(&app, "m@undp.example").await;
    let project = project_id(&app, Some(&token), UNDP).await;
    let created = as_user(
        &app,
        &token,
        CREATE,
        json!({ "k": "ev", "input": training(&project, json!([]), Some(500)) }),
    )
    .await;
    let event = created["data"]["createEvent"]["event"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for i in 0..64 {
        let (app, token, event) = (app.clone(), token.clone(), event.clone());
        // Half the writers hit the same cell, half spread over two cells.
        let sex = if i % 2 == 0 { "FEMALE" } else { "MALE" };
        let count = 1 + (i % 3);
        tasks.push(tokio::spawn(async move {
            // A writer that meets the overload answer (503, the pool busy past
            // its acquire timeout on a loaded machine) retries with the same
            // key, as the site's outbox does: a retry must never count twice.
            let vars = json!({ "k": format!("w-{i}"), "e": event, "cells": [cell(sex, count)] });
            let mut retries = 0;
            loop {
                let r = as_user(&app, &token, ADD, vars.clone()).await;
                if first_error_code(&r).as_deref() == Some("SERVICE_UNAVAILABLE") && retries < 20 {
                    retries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                    continue;
                }
                return (r, count, retries);
            }
        }));
    }
    let mut expected = 0;
    let mut retried = 0;
    for t in tasks {
        let (r, count, retries) = t.await.unwrap();
        retried += retries;
        assert!(
            r.get("errors").is_none(),
            "no error but overload reaches a writer: {r}"
        );
        assert_eq!(r["data"]["addAttendance"]["userErrors"], json!([]), "{r}");
        expected += count;
    }
    if retried > 0 {
        eprintln!("{retried} overloaded writes were retried with their keys");
    }
    let total = as_user(&app, &token, EVENT_TOTAL, json!({ "id": event })).await;
    assert_eq!(
        total["data"]["node"]["attendance"]["total"]["value"], expected,
        "{total}"
    );
    assert_eq!(
        total["data"]["node"]["version"], 65,
        "one version step per write"
    );
}

async fn a_stale_update_is_refused_and_changes_nothing(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "m@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    let token = login(&app, "m@undp.example").await;
    let project = project_id(&app, Some(&token), UNDP).await;
    let created = as_user(
        &app,
        &token,
        CREATE,
        json!({ "k": "ev", "input": training(&project, json!([]), Some(40)) }),
    )
    .await;
    let event = created["data"]["createEvent"]["event"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let update = "mutation($k: String!, $i: UpdateEventInput!) { updateEvent(idempotencyKey: $k, input: $i) { userErrors { field code } event { version title(lang: EN) capacity } } }";

    let first = as_user(
        &app,
        &token,
        update,
        json!({ "k": "u1", "i": { "id": event, "version": 1, "titleEn": "Renamed" } }),
    )
    .await;
    assert_eq!(
        first["data"]["updateEvent"]["event"]["version"], 2,
        "{first}"
    );
    let stale = as_user(
        &app,
        &token,
        update,
        json!({ "k": "u2", "i": { "id": event, "version": 1, "capacity": 12 } }),
    )
    .await;
    assert_eq!(
        stale["data"]["updateEvent"]["userErrors"][0]["code"], "CONFLICT",
        "{stale}"
    );
    assert_eq!(stale["data"]["updateEvent"]["event"], Value::Null);
    let now = as_user(
        &app,
        &token,
        "query($id: ID!) { node(id: $id) { ... on Event { version title(lang: EN) capacity } } }",
        json!({ "id": event }),
    )
    .await;
    assert_eq!(
        now["data"]["node"],
        json!({ "version": 2, "title": "Renamed", "capacity": 40 })
    );

    let record = "mutation($k: String!, $e: ID!, $v: Int!, $c: [AttendanceCellInput!]!) { recordAttendance(idempotencyKey: $k, eventId: $e, version: $v, cells: $c) { userErrors { code } event { version } } }";
    let stale = as_user(
        &app,
        &token,
        record,
        json!({ "k": "r1", "e": event, "v": 1, "c": [cell("MALE", 3)] }),
    )
    .await;
    assert_eq!(
        stale["data"]["recordAttendance"]["userErrors"][0]["code"],
        "CONFLICT"
    );
    let fresh = as_user(
        &app,
        &token,
        record,
        json!({ "k": "r2", "e": event, "v": 2, "c": [cell("MALE", 3)] }),
    )
    .await;
    assert_eq!(
        fresh["data"]["recordAttendance"]["event"]["version"], 3,
        "{fresh}"
    );
}

async fn bad_input_gets_typed_errors_and_writes_nothing(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "m@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    let token = login(&app, "m@undp.example").await;
    let project = project_id(&app, Some(&token), UNDP).await;
    // Give the project dates so that out-of-range dates can be refused.
    {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        entities::project::Entity::update_many()
            .col_expr(
                entities::project::Column::ActualStart,
                Expr::value(chrono::NaiveDate::from_ymd_opt(2020, 12, 1).unwrap()),
            )
            .col_expr(
                entities::project::Column::ActualEnd,
                Expr::value(chrono::NaiveDate::from_ymd_opt(2022, 12, 31).unwrap()),
            )
            .filter(entities::project::Column::Slug.eq(UNDP))
            .exec(&app.db.conn)
            .await
            .unwrap();
    }
    let before = (
        count_rows(&app, "events").await,
        count_rows(&app, "attendance").await,
        count_rows(&app, "audit_log").await,
    );
    let cases = [
        (
            training(&project, json!([cell("FEMALE", -1)]), None),
            "NEGATIVE_COUNT",
        ),
        (
            training(
                &project,
                json!([cell("FEMALE", 8), cell("MALE", 5)]),
                Some(10),
            ),
            "CAPACITY_EXCEEDED",
        ),
        (
            training(
                &project,
                json!([cell("FEMALE", 1), cell("FEMALE", 2)]),
                None,
            ),
            "DUPLICATE_CELL",
        ),
        (
            json!({ "projectId": project, "kind": "TRAINING", "titleAz": "x", "titleEn": "x", "startDate": "2019-01-01" }),
            "OUT_OF_PROJECT_RANGE",
        ),
        (
            json!({ "projectId": project, "kind": "TRAINING", "titleAz": " ", "titleEn": "" }),
            "REQUIRED",
        ),
        (
            json!({ "projectId": project, "kind": "TRAINING", "titleAz": "x", "titleEn": "x", "startDate": "2021-05-02", "endDate": "2021-05-01" }),
            "INVALID",
        ),
        (
            json!({ "projectId": "not-an-id", "kind": "TRAINING", "titleAz": "x", "titleEn": "x" }),
            "INVALID",
        ),
    ];
    for (i, (input, code)) in cases.into_iter().enumerate() {
        let r = as_user(
            &app,
            &token,
            CREATE,
            json!({ "k": format!("bad-{i}"), "input": input }),
        )
        .await;
        let errors = r["data"]["createEvent"]["userErrors"]
            .as_array()
            .unwrap_or_else(|| panic!("{r}"))
            .clone();
        assert!(
            errors.iter().any(|e| e["code"] == code),
            "case {i}: expected {code}, got {r}"
        );
        assert!(
            errors
                .iter()
                .all(|e| !e["message"].as_str().unwrap().is_empty())
        );
        assert_eq!(r["data"]["createEvent"]["event"], Value::Null);
    }
    // An unknown code is refused by the schema itself, with a clear message.
    let r = as_user(&app, &token, CREATE, json!({ "k": "bad-code", "input": training(&project, json!([{ "sex": "X", "ageBand": "UNKNOWN", "disability": "UNKNOWN", "category": "UNKNOWN", "count": 1 }]), None) })).await;
    assert!(
        r["errors"][0]["message"].as_str().unwrap().contains("X"),
        "{r}"
    );
    let after = (
        count_rows(&app, "events").await,
        count_rows(&app, "attendance").await,
        count_rows(&app, "audit_log").await,
    );
    assert_eq!(before, after, "nothing was written");
}

/// One language is enough for an event's title: readers in the other language
/// get the given title and its language (never a blank); clearing the only
/// title is refused on the field and writes nothing.
async fn an_event_titled_in_one_language_reads_in_both(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "one@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    let token = login(&app, "one@undp.example").await;
    let project = project_id(&app, Some(&token), UNDP).await;
    // titleEn left out altogether: the input's default is empty.
    let input =
        json!({ "projectId": project, "kind": "TRAINING", "titleAz": "Yalnız azərbaycanca təlim" });
    let r = as_user(
        &app,
        &token,
        CREATE,
        json!({ "k": "one-lang", "input": input }),
    )
    .await;
    assert_eq!(r["data"]["createEvent"]["userErrors"], json!([]), "{r}");
    let id = r["data"]["createEvent"]["event"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let read = "query($id: ID!) { node(id: $id) { ... on Event { version az: title(lang: AZ) en: title(lang: EN) azLang: titleLang(lang: AZ) enLang: titleLang(lang: EN) } } }";
    let anon = app.graphql(read, json!({ "id": id })).await;
    assert_eq!(
        anon["data"]["node"],
        json!({ "version": 1, "az": "Yalnız azərbaycanca təlim", "en": "Yalnız azərbaycanca təlim", "azLang": "AZ", "enLang": "AZ" }),
        "{anon}"
    );
    // The English title added later is read as English.
    let update = "mutation($k: String!, $i: UpdateEventInput!) { updateEvent(idempotencyKey: $k, input: $i) { userErrors { field code } event { version } } }";
    let r = as_user(
        &app,
        &token,
        update,
        json!({ "k": "add-en", "i": { "id": id, "version": 1, "titleEn": "English only later" } }),
    )
    .await;
    assert_eq!(r["data"]["updateEvent"]["userErrors"], json!([]), "{r}");
    // Clearing the Azerbaijani one leaves the English one for both readers.
    let r = as_user(
        &app,
        &token,
        update,
        json!({ "k": "clear-az", "i": { "id": id, "version": 2, "titleAz": "" } }),
    )
    .await;
    assert_eq!(r["data"]["updateEvent"]["userErrors"], json!([]), "{r}");
    let anon = app.graphql(read, json!({ "id": id })).await;
    assert_eq!(
        anon["data"]["node"],
        json!({ "version": 3, "az": "English only later", "en": "English only later", "azLang": "EN", "enLang": "EN" }),
        "{anon}"
    );
    // Clearing the last title is refused on that field, and nothing changes.
    let r = as_user(
        &app,
        &token,
        update,
        json!({ "k": "clear-en", "i": { "id": id, "version": 3, "titleEn": " " } }),
    )
    .await;
    assert_eq!(
        r["data"]["updateEvent"]["userErrors"],
        json!([{ "field": ["input", "titleEn"], "code": "REQUIRED" }]),
        "{r}"
    );
    assert_eq!(
        app.graphql(read, json!({ "id": id })).await["data"]["node"]["version"],
        3
    );
    // A new event with neither title is refused on both fields.
    let r = as_user(
        &app,
        &token,
        CREATE,
        json!({ "k": "no-lang", "input": { "projectId": project, "kind": "TRAINING" } }),
    )
    .await;
    let fields: Vec<&Value> = r["data"]["createEvent"]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["field"])
        .collect();
    assert_eq!(
        fields,
        [&json!(["input", "titleAz"]), &json!(["input", "titleEn"])],
        "{r}"
    );
}

async fn managers_only_touch_their_own_projects_and_nothing_leaks_across_organisations(
    engine: Engine,
) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    // A private project of the ministry, with a centre and an event.
    use sea_orm::{ActiveModelTrait, Set};
    let private = entities::project::ActiveModel {
        slug: Set("ministry-internal".into()),
        title_az: Set("Daxili layihə".into()),
        title_en: Set("Internal project".into()),
        status: Set(entities::codes::ProjectStatus::Implementation),
        sensitivity: Set(entities::codes::Sensitivity::Sensitive),
        is_public: Set(false),
        search_key: Set("|internal|".into()),
        version: Set(1),
        ..Default::default()
    }
    .insert(&app.db.conn)
    .await
    .unwrap();
    let ministry = api::cli::organisation_id(&app.db.conn, "MLSPP")
        .await
        .unwrap();
    entities::project_participant::ActiveModel {
        project_id: Set(private.id),
        organisation_id: Set(ministry),
        role: Set(entities::codes::ParticipantRole::Implementing),
        ..Default::default()
    }
    .insert(&app.db.conn)
    .await
    .unwrap();
    entities::centre::ActiveModel {
        project_id: Set(private.id),
        kind: Set(entities::codes::CentreKind::SocialShelter),
        name_az: Set("Gizli sığınacaq".into()),
        name_en: Set("Hidden shelter".into()),
        sensitive_location: Set(true),
        search_key: Set("|hidden shelter|".into()),
        version: Set(1),
        ..Default::default()
    }
    .insert(&app.db.conn)
    .await
    .unwrap();

    create_user(&app, "undp@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    create_user(
        &app,
        "ministry@gov.example",
        "manager",
        Some("MLSPP"),
        &["ministry-internal"],
    )
    .await;
    let undp = login(&app, "undp@undp.example").await;
    let ministry_token = login(&app, "ministry@gov.example").await;

    let probe = "{ projects(first: 50) { edges { node { slug centres { nodes { name(lang: EN) } } } } }
                  centres(first: 100) { edges { node { name(lang: EN) } } }
                  organisations(first: 50, filter: { search: \"MLSPP\" }) { edges { node { participations { project { slug } } } } } }";
    let seen_by = |resp: &Value| resp.to_string();
    let undp_view = seen_by(&as_user(&app, &undp, probe, json!({})).await);
    let anon_view = seen_by(&app.graphql(probe, json!({})).await);
    let ministry_view = seen_by(&as_user(&app, &ministry_token, probe, json!({})).await);
    for view in [&undp_view, &anon_view] {
        assert!(
            !view.contains("ministry-internal") && !view.contains("Hidden shelter"),
            "leaked: {view}"
        );
    }
    assert!(
        ministry_view.contains("ministry-internal") && ministry_view.contains("Hidden shelter"),
        "{ministry_view}"
    );

    // Writing to someone else's project is refused and writes nothing.
    let ministry_project = project_id(&app, Some(&ministry_token), "ministry-internal").await;
    let r = as_user(
        &app,
        &undp,
        CREATE,
        json!({ "k": "x", "input": training(&ministry_project, json!([]), None) }),
    )
    .await;
    assert_eq!(
        r["data"]["createEvent"]["userErrors"][0]["code"], "NOT_FOUND",
        "{r}"
    );
    let undp_project = project_id(&app, None, UNDP).await;
    let r = as_user(
        &app,
        &ministry_token,
        CREATE,
        json!({ "k": "y", "input": training(&undp_project, json!([]), None) }),
    )
    .await;
    assert_eq!(
        r["data"]["createEvent"]["userErrors"][0]["code"], "FORBIDDEN",
        "{r}"
    );
    // Anonymous callers cannot write at all.
    let r = app
        .graphql(
            CREATE,
            json!({ "k": "z", "input": training(&undp_project, json!([]), None) }),
        )
        .await;
    assert_eq!(
        r["data"]["createEvent"]["userErrors"][0]["code"], "UNAUTHENTICATED",
        "{r}"
    );
}

async fn an_approved_period_is_locked_until_an_admin_reopens_it(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "m@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    create_user(&app, "admin@hub.example", "admin", None, &[]).await;
    let manager = login(&app, "m@undp.example").await;
    let admin = login(&app, "admin@hub.example").await;
    let project = project_id(&app, Some(&manager), UNDP).await;
    let created = as_user(
        &app,
        &manager,
        CREATE,
        json!({ "k": "ev", "input": training(&project, json!([cell("FEMALE", 6)]), None) }),
    )
    .await;
    let event = created["data"]["createEvent"]["event"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let submit = "mutation($k: String!, $p: ID!) { submitReport(idempotencyKey: $k, input: { projectId: $p, periodStart: \"2021-08-01\", periodEnd: \"2021-08-31\" }) { userErrors { code } report { id version status } } }";
    let r = as_user(&app, &manager, submit, json!({ "k": "s1", "p": project })).await;
    let report = r["data"]["submitReport"]["report"].clone();
    assert_eq!(report["status"], "SUBMITTED", "{r}");
    let approve = "mutation($k: String!, $id: ID!, $v: Int!) { approveReport(idempotencyKey: $k, id: $id, version: $v) { userErrors { code } report { status version } } }";
    let denied = as_user(
        &app,
        &manager,
        approve,
        json!({ "k": "a0", "id": report["id"], "v": report["version"] }),
    )
    .await;
    assert_eq!(
        denied["data"]["approveReport"]["userErrors"][0]["code"],
        "FORBIDDEN"
    );
    let approved = as_user(
        &app,
        &admin,
        approve,
        json!({ "k": "a1", "id": report["id"], "v": report["version"] }),
    )
    .await;
    assert_eq!(
        approved["data"]["approveReport"]["report"]["status"], "APPROVED",
        "{approved}"
    );

    let add = as_user(
        &app,
        &manager,
        ADD,
        json!({ "k": "late", "e": event, "cells": [cell("MALE", 1)] }),
    )
    .await;
    assert_eq!(
        add["data"]["addAttendance"]["userErrors"][0]["code"], "PERIOD_LOCKED",
        "{add}"
    );

    let reopen = "mutation($k: String!, $id: ID!, $v: Int!) { reopenReport(idempotencyKey: $k, id: $id, version: $v, comment: \"late attendance sheet\") { userErrors { code } report { status } } }";
    let version = approved["data"]["approveReport"]["report"]["version"].clone();
    let r = as_user(
        &app,
        &admin,
        reopen,
        json!({ "k": "o1", "id": report["id"], "v": version }),
    )
    .await;
    assert_eq!(
        r["data"]["reopenReport"]["report"]["status"], "RETURNED",
        "{r}"
    );
    let add = as_user(
        &app,
        &manager,
        ADD,
        json!({ "k": "late-2", "e": event, "cells": [cell("MALE", 1)] }),
    )
    .await;
    assert_eq!(
        add["data"]["addAttendance"]["userErrors"],
        json!([]),
        "{add}"
    );
}

async fn every_write_leaves_an_audit_row_that_only_admins_read(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "m@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    create_user(&app, "admin@hub.example", "admin", None, &[]).await;
    let manager = login(&app, "m@undp.example").await;
    let admin = login(&app, "admin@hub.example").await;
    let project = project_id(&app, Some(&manager), UNDP).await;
    let auth = format!("Bearer {manager}");
    let resp = app
        .graphql_with(
            CREATE,
            json!({ "k": "ev", "input": training(&project, json!([cell("FEMALE", 6)]), None) }),
            &[("authorization", &auth), ("x-request-id", "req-audit-1")],
        )
        .await;
    let event = resp["data"]["createEvent"]["event"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    as_user(
        &app,
        &manager,
        ADD,
        json!({ "k": "a", "e": event, "cells": [cell("FEMALE", 1)] }),
    )
    .await;

    let q = "{ auditLog(entityType: \"event\") { action entityType actor { email } requestId before after } }";
    let denied = as_user(&app, &manager, q, json!({})).await;
    assert_eq!(
        denied["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{denied}"
    );
    let log = as_user(&app, &admin, q, json!({})).await;
    let rows = log["data"]["auditLog"]
        .as_array()
        .unwrap_or_else(|| panic!("{log}"))
        .clone();
    let actions: Vec<&str> = rows.iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["attendance.add", "event.create"], "newest first");
    assert!(rows.iter().all(|r| r["actor"]["email"] == "m@undp.example"));
    assert_eq!(rows[1]["requestId"], "req-audit-1");
    assert_eq!(rows[1]["after"]["event"]["title_en"], "Leadership training");
}

async fn api_keys_read_but_never_write_and_stop_working_when_revoked(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "admin@hub.example", "admin", None, &[]).await;
    let admin = login(&app, "admin@hub.example").await;
    let create = "mutation { createApiKey(idempotencyKey: \"k\", input: { name: \"Dashboard\" }) { secret apiKey { id prefix lastUsedAt } userErrors { code } } }";
    let r = as_user(&app, &admin, create, json!({})).await;
    let secret = r["data"]["createApiKey"]["secret"]
        .as_str()
        .unwrap_or_else(|| panic!("{r}"))
        .to_string();
    let key_id = r["data"]["createApiKey"]["apiKey"]["id"].clone();
    let replay = as_user(&app, &admin, create, json!({})).await;
    assert_eq!(
        replay["data"]["createApiKey"]["secret"],
        Value::Null,
        "the secret is shown once"
    );

    let auth = format!("ApiKey {secret}");
    let read = app
        .graphql_with(
            "{ projects(first: 1) { totalCount } }",
            json!({}),
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(read["data"]["projects"]["totalCount"], 5, "{read}");
    let project = project_id(&app, None, UNDP).await;
    let write = app
        .graphql_with(
            CREATE,
            json!({ "k": "w", "input": training(&project, json!([]), None) }),
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(
        write["data"]["createEvent"]["userErrors"][0]["code"], "FORBIDDEN",
        "{write}"
    );
    let stored: Vec<entities::api_key::Model> = {
        use sea_orm::EntityTrait;
        entities::api_key::Entity::find()
            .all(&app.db.conn)
            .await
            .unwrap()
    };
    assert!(stored[0].last_used_at.is_some(), "last use recorded");
    assert!(
        !stored[0].key_hash.contains(&secret) && stored[0].key_hash.len() == 64,
        "stored hashed"
    );

    let revoke = as_user(&app, &admin, "mutation($id: ID!) { revokeApiKey(idempotencyKey: \"r\", id: $id) { apiKey { revokedAt } } }", json!({ "id": key_id })).await;
    assert!(
        revoke["data"]["revokeApiKey"]["apiKey"]["revokedAt"].is_string(),
        "{revoke}"
    );
    let resp = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("authorization", &auth)
        .json(&json!({ "query": "{ projects(first: 1) { totalCount } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "INVALID_API_KEY");
}

async fn wrong_password_and_unknown_user_get_the_same_answer(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "m@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    let q = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { email } userErrors { field code message } } }";
    let wrong = app
        .graphql(
            q,
            json!({ "e": "m@undp.example", "p": "not the password at all" }),
        )
        .await;
    let unknown = app
        .graphql(
            q,
            json!({ "e": "nobody@undp.example", "p": "not the password at all" }),
        )
        .await;
    // The budget left in `extensions.cost` moves between the two requests.
    assert_eq!(wrong["data"], unknown["data"]);
    assert_eq!(
        wrong["data"]["login"]["userErrors"][0]["code"],
        "INVALID_CREDENTIALS"
    );
    assert_eq!(wrong["data"]["login"]["token"], Value::Null);
}

engine_tests!(
    manager_created_with_the_cli_records_a_training_counted_in_the_project,
    a_retried_request_is_counted_once,
    duplicates_in_flight_at_once_give_one_write,
    sixty_four_concurrent_attendance_writers_are_all_counted,
    a_stale_update_is_refused_and_changes_nothing,
    bad_input_gets_typed_errors_and_writes_nothing,
    an_event_titled_in_one_language_reads_in_both,
    managers_only_touch_their_own_projects_and_nothing_leaks_across_organisations,
    an_approved_period_is_locked_until_an_admin_reopens_it,
    every_write_leaves_an_audit_row_that_only_admins_read,
    api_keys_read_but_never_write_and_stop_working_when_revoked,
    wrong_password_and_unknown_user_get_the_same_answer,
);
