//! Mutation inputs carry opaque global IDs; the GraphQL layer decodes them
//! before the services run. An ID that does not decode (garbage, or the ID
//! of another kind of object) is a typed INVALID user error at the field's
//! path, writes nothing, and comes after the log-in check.

use serde_json::{Value, json};
use tests::accounts::{UNDP, as_user, create_user, login, project_id, spawn};
use tests::{Engine, engine_tests};

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

const EVENT_FIELDS: &str = "userErrors { field code message } event { id }";

/// (mutation name, document, variables, field path expected at fault).
fn cases(project: &str) -> Vec<(&'static str, String, Value, Vec<&'static str>)> {
    let bad = "not-an-id";
    let event = |extra: Value| {
        let mut input =
            json!({ "projectId": project, "kind": "TRAINING", "titleAz": "x", "titleEn": "x" });
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        input
    };
    let create_event = format!(
        "mutation($k: String!, $input: CreateEventInput!) {{ createEvent(idempotencyKey: $k, input: $input) {{ {EVENT_FIELDS} }} }}"
    );
    vec![
        (
            "createEvent",
            create_event.clone(),
            json!({ "input": event(json!({ "projectId": bad })) }),
            vec!["input", "projectId"],
        ),
        (
            "createEvent",
            create_event.clone(),
            json!({ "input": event(json!({ "centreId": bad })) }),
            vec!["input", "centreId"],
        ),
        // A project's ID where a centre's is expected.
        (
            "createEvent",
            create_event.clone(),
            json!({ "input": event(json!({ "centreId": project })) }),
            vec!["input", "centreId"],
        ),
        (
            "createEvent",
            create_event,
            json!({ "input": event(json!({ "areaIds": [bad] })) }),
            vec!["input", "areaIds", "0"],
        ),
        (
            "updateEvent",
            format!(
                "mutation($k: String!) {{ updateEvent(idempotencyKey: $k, input: {{ id: \"{bad}\", version: 1 }}) {{ {EVENT_FIELDS} }} }}"
            ),
            json!({}),
            vec!["input", "id"],
        ),
        (
            "cancelEvent",
            format!(
                "mutation($k: String!) {{ cancelEvent(idempotencyKey: $k, id: \"{bad}\", version: 1) {{ {EVENT_FIELDS} }} }}"
            ),
            json!({}),
            vec!["id"],
        ),
        (
            "recordAttendance",
            format!(
                "mutation($k: String!) {{ recordAttendance(idempotencyKey: $k, eventId: \"{bad}\", version: 1, cells: []) {{ {EVENT_FIELDS} }} }}"
            ),
            json!({}),
            vec!["eventId"],
        ),
        (
            "addAttendance",
            format!(
                "mutation($k: String!) {{ addAttendance(idempotencyKey: $k, eventId: \"{project}\", cells: []) {{ {EVENT_FIELDS} }} }}"
            ),
            json!({}),
            vec!["eventId"],
        ),
        (
            "updateWorkStatus",
            format!(
                "mutation($k: String!) {{ updateWorkStatus(idempotencyKey: $k, input: {{ id: \"{bad}\", version: 1, status: COMPLETED }}) {{ userErrors {{ field code message }} }} }}"
            ),
            json!({}),
            vec!["input", "id"],
        ),
        (
            "recordCentreMilestone",
            format!(
                "mutation($k: String!) {{ recordCentreMilestone(idempotencyKey: $k, input: {{ id: \"{bad}\", version: 1, status: OPERATIONAL }}) {{ userErrors {{ field code message }} }} }}"
            ),
            json!({}),
            vec!["input", "id"],
        ),
        (
            "setServiceCounts",
            format!(
                "mutation($k: String!) {{ setServiceCounts(idempotencyKey: $k, input: {{ projectId: \"{bad}\", periodStart: \"2021-01-01\", periodEnd: \"2021-01-31\", counts: [] }}) {{ userErrors {{ field code message }} }} }}"
            ),
            json!({}),
            vec!["input", "projectId"],
        ),
        (
            "submitReport",
            format!(
                "mutation($k: String!) {{ submitReport(idempotencyKey: $k, input: {{ projectId: \"{bad}\", periodStart: \"2021-01-01\", periodEnd: \"2021-01-31\" }}) {{ userErrors {{ field code message }} }} }}"
            ),
            json!({}),
            vec!["input", "projectId"],
        ),
        (
            "approveReport",
            format!(
                "mutation($k: String!) {{ approveReport(idempotencyKey: $k, id: \"{bad}\", version: 1) {{ userErrors {{ field code message }} }} }}"
            ),
            json!({}),
            vec!["id"],
        ),
        (
            "createUser",
            format!(
                "mutation($k: String!) {{ createUser(idempotencyKey: $k, input: {{ email: \"new@hub.example\", displayName: \"New\", password: \"a long enough password\", role: VIEWER, organisationId: \"{bad}\" }}) {{ userErrors {{ field code message }} }} }}"
            ),
            json!({}),
            vec!["input", "organisationId"],
        ),
        (
            "createUser",
            format!(
                "mutation($k: String!) {{ createUser(idempotencyKey: $k, input: {{ email: \"new@hub.example\", displayName: \"New\", password: \"a long enough password\", role: MANAGER, projectIds: [\"{project}\", \"{bad}\"] }}) {{ userErrors {{ field code message }} }} }}"
            ),
            json!({}),
            vec!["input", "projectIds", "1"],
        ),
        (
            "updateUser",
            format!(
                "mutation($k: String!) {{ updateUser(idempotencyKey: $k, input: {{ id: \"{bad}\", version: 1 }}) {{ userErrors {{ field code message }} }} }}"
            ),
            json!({}),
            vec!["input", "id"],
        ),
        (
            "createOrganisation",
            format!(
                "mutation($k: String!) {{ createOrganisation(idempotencyKey: $k, input: {{ nameAz: \"x\", nameEn: \"x\", kind: NGO, parentId: \"{bad}\" }}) {{ userErrors {{ field code message }} }} }}"
            ),
            json!({}),
            vec!["input", "parentId"],
        ),
        (
            "updateOrganisation",
            format!(
                "mutation($k: String!) {{ updateOrganisation(idempotencyKey: $k, id: \"{bad}\", version: 1, input: {{ nameAz: \"x\", nameEn: \"x\", kind: NGO }}) {{ userErrors {{ field code message }} }} }}"
            ),
            json!({}),
            vec!["id"],
        ),
        (
            "createApiKey",
            format!(
                "mutation($k: String!) {{ createApiKey(idempotencyKey: $k, input: {{ name: \"x\", organisationId: \"{bad}\" }}) {{ userErrors {{ field code message }} }} }}"
            ),
            json!({}),
            vec!["input", "organisationId"],
        ),
        (
            "revokeApiKey",
            format!(
                "mutation($k: String!) {{ revokeApiKey(idempotencyKey: $k, id: \"{bad}\") {{ userErrors {{ field code message }} }} }}"
            ),
            json!({}),
            vec!["id"],
        ),
    ]
}

fn with_key(mut variables: Value, key: String) -> Value {
    variables["k"] = json!(key);
    variables
}

async fn an_undecodable_id_is_an_invalid_user_error_at_its_field_and_writes_nothing(
    engine: Engine,
) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "admin@hub.example", "admin", None, &[]).await;
    let admin = login(&app, "admin@hub.example").await;
    let project = project_id(&app, Some(&admin), UNDP).await;
    let tables = [
        "events",
        "users",
        "organisations",
        "api_keys",
        "reports",
        "audit_log",
        "idempotency_keys",
    ];
    let mut before = Vec::new();
    for t in tables {
        before.push(count_rows(&app, t).await);
    }
    for (i, (name, doc, vars, field)) in cases(&project).into_iter().enumerate() {
        let r = as_user(&app, &admin, &doc, with_key(vars, format!("bad-id-{i}"))).await;
        let errors = r["data"][name]["userErrors"]
            .as_array()
            .unwrap_or_else(|| panic!("case {i} {name}: {r}"));
        let at_field: Vec<&Value> = errors
            .iter()
            .filter(|e| e["field"] == json!(field))
            .collect();
        assert_eq!(
            at_field.len(),
            1,
            "case {i} {name}: one error at {field:?}: {r}"
        );
        assert_eq!(at_field[0]["code"], "INVALID", "case {i} {name}: {r}");
        assert!(!at_field[0]["message"].as_str().unwrap().is_empty());
    }
    let mut after = Vec::new();
    for t in tables {
        after.push(count_rows(&app, t).await);
    }
    assert_eq!(before, after, "nothing written for {tables:?}");
}

async fn a_caller_who_is_not_logged_in_hears_unauthenticated_before_any_bad_id(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let project = project_id(&app, None, UNDP).await;
    for (i, (name, doc, vars, _)) in cases(&project).into_iter().enumerate() {
        let r = app.graphql(&doc, with_key(vars, format!("anon-{i}"))).await;
        let errors = r["data"][name]["userErrors"]
            .as_array()
            .unwrap_or_else(|| panic!("case {i} {name}: {r}"));
        let codes: Vec<&str> = errors.iter().map(|e| e["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["UNAUTHENTICATED"], "case {i} {name}: {r}");
    }
}

engine_tests!(
    an_undecodable_id_is_an_invalid_user_error_at_its_field_and_writes_nothing,
    a_caller_who_is_not_logged_in_hears_unauthenticated_before_any_bad_id,
);
