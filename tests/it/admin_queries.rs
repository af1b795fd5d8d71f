//! What the admin screens and the event form asked for: `users` and
//! `apiKeys` for admins, `auditLog` filtered by person, action and time,
//! `updateEvent` replacing the attendance grid in the same write, and short
//! token lifetimes outside production.

use std::process::Command;

use serde_json::{Value, json};
use tests::accounts::{UNDP, as_user, cell, create_user, login, project_id, spawn};
use tests::{Engine, TestApp, engine_tests, first_error_code};

/// `data` of a response that must succeed.
fn ok(resp: Value) -> Value {
    assert!(resp.get("errors").is_none(), "unexpected errors: {resp:#}");
    resp["data"].clone()
}

fn emails(list: &Value) -> Vec<String> {
    let mut out: Vec<String> = list
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list:#}"))
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

const USERS: &str = "query($s: String, $r: [UserRole!], $a: Boolean) {
  users(search: $s, role: $r, active: $a) { id email displayName role active version }
}";

async fn users(app: &TestApp, token: &str, vars: Value) -> Value {
    ok(as_user(app, token, USERS, vars).await)["users"].clone()
}

async fn admins_list_users_by_search_role_and_active_and_nobody_else_can(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "admin@hub.example", "admin", None, &[]).await;
    create_user(&app, "aysel@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    create_user(&app, "rashad@ifrc.example", "donor", Some("UNDP"), &[]).await;
    create_user(&app, "viewer@hub.example", "viewer", None, &[]).await;
    let admin = login(&app, "admin@hub.example").await;
    let manager = login(&app, "aysel@undp.example").await;

    let all = users(&app, &admin, json!({})).await;
    assert_eq!(
        emails(&all),
        [
            "admin@hub.example",
            "aysel@undp.example",
            "rashad@ifrc.example",
            "viewer@hub.example"
        ]
    );
    // Words of the email or the display name, in any case.
    let found = users(&app, &admin, json!({ "s": "UNDP" })).await;
    assert_eq!(emails(&found), ["aysel@undp.example"]);
    let found = users(&app, &admin, json!({ "s": "test rashad" })).await;
    assert_eq!(emails(&found), ["rashad@ifrc.example"]);
    let found = users(&app, &admin, json!({ "s": "nobody" })).await;
    assert_eq!(emails(&found), Vec::<String>::new());
    let found = users(&app, &admin, json!({ "r": ["MANAGER", "DONOR"] })).await;
    assert_eq!(
        emails(&found),
        ["aysel@undp.example", "rashad@ifrc.example"]
    );

    // Deactivate the viewer with the version the list gave.
    let viewer = all
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "viewer@hub.example")
        .unwrap()
        .clone();
    let r = as_user(
        &app,
        &admin,
        "mutation($k: String!, $id: ID!, $v: Int!) { updateUser(idempotencyKey: $k, input: { id: $id, version: $v, active: false }) { userErrors { code } user { active version } } }",
        json!({ "k": "deactivate", "id": viewer["id"], "v": viewer["version"] }),
    )
    .await;
    assert_eq!(ok(r)["updateUser"]["user"]["active"], false);
    let inactive = users(&app, &admin, json!({ "a": false })).await;
    assert_eq!(emails(&inactive), ["viewer@hub.example"]);
    let active = users(&app, &admin, json!({ "a": true })).await;
    assert_eq!(active.as_array().unwrap().len(), 3);

    // Azerbaijani letters match in either spelling, as in the other searches.
    let donor = users(&app, &admin, json!({ "r": ["DONOR"] })).await[0].clone();
    let r = as_user(
        &app,
        &admin,
        "mutation($k: String!, $id: ID!, $v: Int!) { updateUser(idempotencyKey: $k, input: { id: $id, version: $v, displayName: \"Rəşad Əliyev\" }) { userErrors { code } } }",
        json!({ "k": "rename", "id": donor["id"], "v": donor["version"] }),
    )
    .await;
    assert_eq!(ok(r)["updateUser"]["userErrors"], json!([]));
    for search in ["RƏŞAD əliyev", "rasad", "rashad aliyev"] {
        let found = users(&app, &admin, json!({ "s": search })).await;
        assert_eq!(emails(&found), ["rashad@ifrc.example"], "search {search:?}");
    }

    for token in [&manager] {
        let r = as_user(&app, token, USERS, json!({})).await;
        assert_eq!(first_error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    }
    let r = app.graphql(USERS, json!({})).await;
    assert_eq!(first_error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
}

const KEYS: &str =
    "query($r: Boolean) { apiKeys(includeRevoked: $r) { id name prefix lastUsedAt revokedAt } }";
const CREATE_KEY: &str = "mutation($k: String!, $n: String!) { createApiKey(idempotencyKey: $k, input: { name: $n }) { secret apiKey { id } userErrors { code } } }";

async fn admins_list_api_keys_with_last_use_and_revoked_ones_on_request(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "admin@hub.example", "admin", None, &[]).await;
    create_user(&app, "m@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    let admin = login(&app, "admin@hub.example").await;
    let manager = login(&app, "m@undp.example").await;
    let mut made = Vec::new();
    for name in ["Dashboard A", "Dashboard B"] {
        let r = ok(as_user(&app, &admin, CREATE_KEY, json!({ "k": name, "n": name })).await);
        made.push((
            r["createApiKey"]["apiKey"]["id"]
                .as_str()
                .unwrap()
                .to_string(),
            r["createApiKey"]["secret"].as_str().unwrap().to_string(),
        ));
    }
    // Key A reads once; key B is revoked.
    let auth = format!("ApiKey {}", made[0].1);
    let r = app
        .graphql_with(
            "{ projects(first: 1) { totalCount } }",
            json!({}),
            &[("authorization", &auth)],
        )
        .await;
    assert!(r.get("errors").is_none(), "{r}");
    let r = as_user(
        &app,
        &admin,
        "mutation($k: String!, $id: ID!) { revokeApiKey(idempotencyKey: $k, id: $id) { userErrors { code } } }",
        json!({ "k": "revoke-b", "id": made[1].0 }),
    )
    .await;
    assert_eq!(ok(r)["revokeApiKey"]["userErrors"], json!([]));

    let active = ok(as_user(&app, &admin, KEYS, json!({})).await)["apiKeys"].clone();
    let active = active.as_array().unwrap();
    assert_eq!(active.len(), 1, "{active:?}");
    assert_eq!(active[0]["name"], "Dashboard A");
    assert!(
        active[0]["lastUsedAt"].is_string(),
        "key A was used: {active:?}"
    );
    assert_eq!(active[0]["revokedAt"], Value::Null);

    let all = ok(as_user(&app, &admin, KEYS, json!({ "r": true })).await)["apiKeys"].clone();
    let names: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Dashboard B", "Dashboard A"], "newest first");
    assert!(all[0]["revokedAt"].is_string());
    assert_eq!(all[0]["lastUsedAt"], Value::Null, "key B was never used");

    let r = as_user(&app, &manager, KEYS, json!({})).await;
    assert_eq!(first_error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    let r = app
        .graphql_with(KEYS, json!({}), &[("authorization", &auth)])
        .await;
    assert_eq!(first_error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
}

const CREATE_EVENT: &str = "mutation($k: String!, $input: CreateEventInput!) {
  createEvent(idempotencyKey: $k, input: $input) { userErrors { field code } event { id version } }
}";

fn training(project: &str, attendance: Value, capacity: Option<i64>) -> Value {
    json!({
        "projectId": project, "kind": "TRAINING", "titleAz": "Liderlik təlimi", "titleEn": "Leadership training",
        "startDate": "2021-08-10", "endDate": "2021-08-12", "capacity": capacity, "attendance": attendance
    })
}

const AUDIT: &str = "query($actor: ID, $action: String, $from: DateTime, $to: DateTime) {
  auditLog(actorId: $actor, action: $action, from: $from, to: $to) { action actor { email } createdAt }
}";

async fn audit(app: &TestApp, token: &str, vars: Value) -> Vec<(String, String)> {
    ok(as_user(app, token, AUDIT, vars).await)["auditLog"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap().to_string(),
                r["actor"]["email"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect()
}

async fn the_audit_log_filters_by_actor_action_and_time(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "admin@hub.example", "admin", None, &[]).await;
    create_user(&app, "m@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    let admin = login(&app, "admin@hub.example").await;
    let manager = login(&app, "m@undp.example").await;
    let project = project_id(&app, Some(&manager), UNDP).await;
    let start = chrono::Utc::now() - chrono::Duration::seconds(1);
    let r = ok(as_user(
        &app,
        &manager,
        CREATE_EVENT,
        json!({ "k": "ev", "input": training(&project, json!([cell("FEMALE", 4)]), None) }),
    )
    .await);
    let event = r["createEvent"]["event"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = as_user(
        &app,
        &manager,
        "mutation($e: ID!) { addAttendance(idempotencyKey: \"add\", eventId: $e, cells: [{ sex: MALE, ageBand: UNKNOWN, disability: UNKNOWN, category: UNKNOWN, count: 2 }]) { userErrors { code } } }",
        json!({ "e": event }),
    )
    .await;
    assert_eq!(ok(r)["addAttendance"]["userErrors"], json!([]));
    ok(as_user(
        &app,
        &admin,
        CREATE_KEY,
        json!({ "k": "key", "n": "Dashboard" }),
    )
    .await);
    let end = chrono::Utc::now() + chrono::Duration::seconds(1);

    let me = ok(as_user(&app, &manager, "{ me { id } }", json!({})).await);
    let me = me["me"]["id"].as_str().unwrap().to_string();
    let everything = audit(&app, &admin, json!({})).await;
    assert!(everything.len() >= 3, "{everything:?}");
    let by_manager = audit(&app, &admin, json!({ "actor": me })).await;
    assert_eq!(
        by_manager,
        [
            ("attendance.add".into(), "m@undp.example".into()),
            ("event.create".into(), "m@undp.example".into())
        ]
    );
    let adds = audit(&app, &admin, json!({ "action": "attendance.add" })).await;
    assert_eq!(
        adds,
        [("attendance.add".to_string(), "m@undp.example".to_string())]
    );
    let keys = audit(&app, &admin, json!({ "action": "api_key.create" })).await;
    assert_eq!(
        keys,
        [(
            "api_key.create".to_string(),
            "admin@hub.example".to_string()
        )]
    );

    // A window around the writes holds them; windows before or after are empty.
    let window = audit(
        &app,
        &admin,
        json!({ "actor": me, "from": start, "to": end }),
    )
    .await;
    assert_eq!(window, by_manager);
    let later = audit(&app, &admin, json!({ "from": end })).await;
    assert_eq!(later, Vec::<(String, String)>::new());
    let earlier = audit(
        &app,
        &admin,
        json!({ "to": start - chrono::Duration::days(365) }),
    )
    .await;
    assert_eq!(earlier, Vec::<(String, String)>::new());

    let r = as_user(&app, &admin, AUDIT, json!({ "from": end, "to": start })).await;
    assert_eq!(
        first_error_code(&r).as_deref(),
        Some("BAD_USER_INPUT"),
        "{r}"
    );
    let r = as_user(&app, &admin, AUDIT, json!({ "actor": "not-an-id" })).await;
    assert_eq!(
        first_error_code(&r).as_deref(),
        Some("BAD_USER_INPUT"),
        "{r}"
    );
    let r = as_user(&app, &admin, AUDIT, json!({ "actor": project })).await;
    assert_eq!(
        first_error_code(&r).as_deref(),
        Some("BAD_USER_INPUT"),
        "a project's ID: {r}"
    );
    let r = as_user(&app, &manager, AUDIT, json!({ "actor": me })).await;
    assert_eq!(first_error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
}

const UPDATE: &str = "mutation($k: String!, $input: UpdateEventInput!) {
  updateEvent(idempotencyKey: $k, input: $input) {
    replayed userErrors { field code }
    event { version titleEn: title(lang: EN) capacity attendance { total { value } cells { sex count } } }
  }
}";

const EVENT: &str = "query($id: ID!) { node(id: $id) { ... on Event { version titleEn: title(lang: EN) attendance { total { value } } } } }";

/// The event as stored, read back through the API.
async fn stored(app: &TestApp, token: &str, event: &str) -> Value {
    ok(as_user(app, token, EVENT, json!({ "id": event })).await)["node"].clone()
}

async fn update_event_replaces_the_grid_in_the_same_write_with_one_version_bump(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "admin@hub.example", "admin", None, &[]).await;
    create_user(&app, "m@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    let admin = login(&app, "admin@hub.example").await;
    let manager = login(&app, "m@undp.example").await;
    let project = project_id(&app, Some(&manager), UNDP).await;
    let r = ok(as_user(&app, &manager, CREATE_EVENT, json!({ "k": "ev", "input": training(&project, json!([cell("FEMALE", 4), cell("MALE", 3)]), Some(20)) })).await);
    let event = r["createEvent"]["event"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(r["createEvent"]["event"]["version"], 1);

    // Refused grids write nothing: a negative count, over capacity, a cancelled event.
    let bad = [
        (
            json!([cell("FEMALE", -1)]),
            None,
            vec!["input", "attendance", "0", "count"],
            "NEGATIVE_COUNT",
        ),
        (
            json!([cell("FEMALE", 15), cell("MALE", 6)]),
            None,
            vec!["input", "attendance"],
            "CAPACITY_EXCEEDED",
        ),
        // The new capacity applies to the new grid.
        (
            json!([cell("FEMALE", 5)]),
            Some(4),
            vec!["input", "attendance"],
            "CAPACITY_EXCEEDED",
        ),
        (
            json!([cell("FEMALE", 1), cell("FEMALE", 2)]),
            None,
            vec!["input", "attendance", "1"],
            "DUPLICATE_CELL",
        ),
    ];
    for (i, (grid, capacity, field, code)) in bad.into_iter().enumerate() {
        let input = json!({ "id": event, "version": 1, "titleEn": "Changed", "capacity": capacity, "attendance": grid });
        let r = ok(as_user(
            &app,
            &manager,
            UPDATE,
            json!({ "k": format!("bad-{i}"), "input": input }),
        )
        .await);
        let errors = r["updateEvent"]["userErrors"].as_array().unwrap().clone();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == json!(field) && e["code"] == code),
            "case {i}: expected {code} at {field:?}, got {r}"
        );
        assert_eq!(r["updateEvent"]["event"], Value::Null);
    }
    let unchanged = stored(&app, &manager, &event).await;
    assert_eq!(unchanged["version"], 1);
    assert_eq!(unchanged["titleEn"], "Leadership training");
    assert_eq!(unchanged["attendance"]["total"]["value"], 7);

    // Fields and grid in one mutation: version 1 → 2, the grid replaced.
    let input = json!({ "id": event, "version": 1, "titleEn": "Leadership training, day 2", "attendance": [cell("FEMALE", 9), cell("MALE", 8)] });
    let r = ok(as_user(
        &app,
        &manager,
        UPDATE,
        json!({ "k": "edit", "input": input.clone() }),
    )
    .await);
    assert_eq!(r["updateEvent"]["userErrors"], json!([]), "{r}");
    let after = &r["updateEvent"]["event"];
    assert_eq!(
        after["version"], 2,
        "one version bump for the fields and the grid"
    );
    assert_eq!(after["titleEn"], "Leadership training, day 2");
    assert_eq!(after["attendance"]["total"]["value"], 17);
    assert_eq!(after["attendance"]["cells"].as_array().unwrap().len(), 2);

    // A retry answers the stored outcome and writes nothing more.
    let retry = ok(as_user(
        &app,
        &manager,
        UPDATE,
        json!({ "k": "edit", "input": input.clone() }),
    )
    .await);
    assert_eq!(retry["updateEvent"]["replayed"], true);
    assert_eq!(stored(&app, &manager, &event).await["version"], 2);
    // The same edit based on the old version is a conflict and changes nothing.
    let stale = ok(as_user(
        &app,
        &manager,
        UPDATE,
        json!({ "k": "stale", "input": input }),
    )
    .await);
    assert_eq!(
        stale["updateEvent"]["userErrors"][0]["code"], "CONFLICT",
        "{stale}"
    );
    let now = stored(&app, &manager, &event).await;
    assert_eq!(
        (
            now["version"].clone(),
            now["attendance"]["total"]["value"].clone()
        ),
        (json!(2), json!(17))
    );

    // Without `attendance` the grid stays.
    let r = ok(as_user(
        &app,
        &manager,
        UPDATE,
        json!({ "k": "title", "input": { "id": event, "version": 2, "titleEn": "Day 3" } }),
    )
    .await);
    assert_eq!(
        r["updateEvent"]["event"]["attendance"]["total"]["value"],
        17
    );
    assert_eq!(r["updateEvent"]["event"]["version"], 3);

    // The edit left an event.update and an attendance.record row, in one request.
    let q = "{ auditLog(entityType: \"event\") { action before after } }";
    let rows = ok(as_user(&app, &admin, q, json!({})).await)["auditLog"].clone();
    let actions: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "event.update",
            "attendance.record",
            "event.update",
            "event.create"
        ]
    );
    let record = &rows[1];
    assert_eq!(record["after"].as_array().unwrap().len(), 2);
    assert_eq!(record["before"].as_array().unwrap().len(), 2);
}

/// Runs `api schema` (which reads and checks the configuration) with `env`.
fn schema_with(env: &[(&str, &str)]) -> (bool, String) {
    let out = Command::new(crate::support::api_binary())
        .args(["schema", "-o", "/dev/null"])
        .env_remove("APP_ENV")
        .env_remove("JWT_TTL_SECS")
        .env_remove("JWT_SECRET")
        .envs(env.iter().copied())
        .output()
        .expect("run api");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_five_second_token_lifetime_is_allowed_outside_production_only() {
    let secret = ("JWT_SECRET", "Zq7!vR2#kP9@wL4$mN8^tB3&hC6*dF1(gJ5)sX0");
    let (ok, err) = schema_with(&[("JWT_TTL_SECS", "5")]);
    assert!(ok, "development accepts 5 s: {err}");
    let (ok, err) = schema_with(&[("JWT_TTL_SECS", "4")]);
    assert!(!ok && err.contains("between 5 and 86400"), "{err}");
    let (ok, err) = schema_with(&[("APP_ENV", "production"), secret, ("JWT_TTL_SECS", "60")]);
    assert!(ok, "production accepts 60 s: {err}");
    let (ok, err) = schema_with(&[("APP_ENV", "production"), secret, ("JWT_TTL_SECS", "5")]);
    assert!(!ok && err.contains("between 60 and 86400"), "{err}");
}

engine_tests!(
    admins_list_users_by_search_role_and_active_and_nobody_else_can,
    admins_list_api_keys_with_last_use_and_revoked_ones_on_request,
    the_audit_log_filters_by_actor_action_and_time,
    update_event_replaces_the_grid_in_the_same_write_with_one_version_bump,
);
