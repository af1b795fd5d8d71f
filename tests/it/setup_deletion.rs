//! Taking set-up records away (issue 20). Hard deletion of records created
//! by mistake: allowed only while nothing refers to the record (else
//! `IN_USE` naming what does), by an administrator, or by a manager for the
//! centres, indicators and works of their own project; audited with the
//! record as it was; a retry answers from the first attempt. Archiving a
//! team: gone from public surfaces, kept, restorable.

use serde_json::{Value, json};
use tests::accounts::{UNDP, as_user, create_user, login, project_id, spawn};
use tests::{Engine, TestApp, engine_tests};

use crate::programme_setup::count;

const DELETE: &str = "mutation($k: String!, $id: ID!, $v: Int) {
  deleteRecord(idempotencyKey: $k, id: $id, version: $v) { deletedId replayed userErrors { field code message } }
}";

const ARCHIVE_TEAM: &str = "mutation($k: String!, $id: ID!, $v: Int!, $r: Boolean) {
  archiveTeam(idempotencyKey: $k, id: $id, version: $v, restore: $r) { replayed userErrors { field code } team { version archivedAt } }
}";

/// A create mutation of one record: name, object field and document.
struct Create(&'static str, &'static str, &'static str);

const PROJECT: Create = Create(
    "createProject",
    "project",
    "mutation($k: String!, $i: ProjectInput!) {
  createProject(idempotencyKey: $k, input: $i) { userErrors { field code message } project { id version } } }",
);
const CENTRE: Create = Create(
    "createCentre",
    "centre",
    "mutation($k: String!, $p: ID!, $i: CentreInput!) {
  createCentre(idempotencyKey: $k, projectId: $p, input: $i) { userErrors { field code message } centre { id version } } }",
);
const INDICATOR: Create = Create(
    "createIndicator",
    "indicator",
    "mutation($k: String!, $p: ID!, $i: IndicatorInput!) {
  createIndicator(idempotencyKey: $k, projectId: $p, input: $i) { userErrors { field code message } indicator { id version } } }",
);
const SOURCE: Create = Create(
    "createSourceDocument",
    "sourceDocument",
    "mutation($k: String!, $i: SourceDocumentInput!) {
  createSourceDocument(idempotencyKey: $k, input: $i) { userErrors { field code message } sourceDocument { id version } } }",
);

/// Creates a record as `token` (in `project`, if given); its ID and version.
async fn create(
    app: &TestApp,
    token: &str,
    what: &Create,
    project: Option<&str>,
    input: Value,
) -> (Value, i64) {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let key = format!(
        "create-{}",
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let resp = as_user(
        app,
        token,
        what.2,
        json!({ "k": key, "p": project, "i": input }),
    )
    .await;
    let payload = &resp["data"][what.0];
    assert_eq!(payload["userErrors"], json!([]), "{resp}");
    (
        payload[what.1]["id"].clone(),
        payload[what.1]["version"].as_i64().unwrap(),
    )
}

/// `deleteRecord` as `token`: its payload.
async fn delete(app: &TestApp, token: &str, key: &str, id: &Value, version: Value) -> Value {
    let resp = as_user(
        app,
        token,
        DELETE,
        json!({ "k": key, "id": id, "v": version }),
    )
    .await;
    resp["data"]["deleteRecord"].clone()
}

/// `archiveTeam` as `token`: its payload.
async fn archive_team(
    app: &TestApp,
    token: &str,
    key: &str,
    id: &Value,
    v: i64,
    restore: bool,
) -> Value {
    let vars = json!({ "k": key, "id": id, "v": v, "r": restore });
    as_user(app, token, ARCHIVE_TEAM, vars).await["data"]["archiveTeam"].clone()
}

fn accepted(payload: &Value) {
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
}

/// The first user error's code and message; nothing was deleted.
fn refused(payload: &Value) -> (String, String) {
    let e = &payload["userErrors"][0];
    assert!(e.is_object(), "expected a refusal: {payload}");
    assert_eq!(payload["deletedId"], Value::Null, "{payload}");
    (
        e["code"].as_str().unwrap().to_string(),
        e["message"].as_str().unwrap().to_string(),
    )
}

async fn a_record_nothing_refers_to_is_deleted_once_and_a_used_one_is_in_use(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "admin@delete.example", "admin", None, &[]).await;
    let admin = login(&app, "admin@delete.example").await;
    let input =
        json!({ "slug": "made-by-mistake", "titleEn": "Made by mistake", "status": "PIPELINE" });
    let (project, project_v) = create(&app, &admin, &PROJECT, None, input).await;
    let p = project.as_str();
    let input = json!({ "kind": "HOTLINE", "nameEn": "Typo centre" });
    let (centre, centre_v) = create(&app, &admin, &CENTRE, p, input).await;
    let input = json!({ "code": "x.1", "titleEn": "Typo indicator", "unit": "PERSONS",
        "countingRule": "TOTAL", "aggregation": "SUM", "target": 10 });
    let (indicator, indicator_v) = create(&app, &admin, &INDICATOR, p, input).await;
    let projects_named = "SELECT COUNT(*) FROM projects WHERE slug = 'made-by-mistake'";

    // The project has a centre and an indicator: in use, and the message names them.
    let answer = delete(&app, &admin, "d-p1", &project, json!(project_v)).await;
    let (code, message) = refused(&answer);
    assert_eq!(code, "IN_USE");
    assert_eq!(answer["userErrors"][0]["field"], json!(["id"]));
    assert!(message.contains("centres (1 row)"), "{message}");
    assert!(message.contains("indicators (1 row)"), "{message}");
    assert_eq!(count(&app, projects_named).await, 1);

    // A demo organisation is referred to by projects and users.
    let orgs = "{ organisations(first: 50) { edges { node { id acronym(lang: EN) version } } } }";
    let undp = app.data(orgs, json!({})).await["organisations"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["acronym"] == "UNDP")
        .unwrap()["node"]
        .clone();
    let answer = delete(&app, &admin, "d-o", &undp["id"], undp["version"].clone()).await;
    let (code, message) = refused(&answer);
    assert_eq!(code, "IN_USE");
    assert!(message.contains("project_participants"), "{message}");

    // A stale version conflicts, a missing one is required; nothing is deleted.
    let answer = delete(&app, &admin, "d-c0", &centre, json!(centre_v + 1)).await;
    assert_eq!(refused(&answer).0, "CONFLICT");
    let answer = delete(&app, &admin, "d-c00", &centre, Value::Null).await;
    assert_eq!(refused(&answer).0, "REQUIRED");

    // The centre and the indicator go; a retry answers from the first attempt.
    let answer = delete(&app, &admin, "d-c", &centre, json!(centre_v)).await;
    accepted(&answer);
    assert_eq!(answer["deletedId"], centre);
    let again = delete(&app, &admin, "d-c", &centre, json!(centre_v)).await;
    assert_eq!(again["replayed"], true, "{again}");
    assert_eq!(again["deletedId"], centre);
    // A new request for the gone record finds nothing.
    let gone = delete(&app, &admin, "d-c2", &centre, json!(centre_v)).await;
    assert_eq!(refused(&gone).0, "NOT_FOUND");
    accepted(&delete(&app, &admin, "d-i", &indicator, json!(indicator_v)).await);

    // Now nothing refers to the project: it goes with its own parts
    // (its declared categories), and the audit trail keeps it.
    accepted(&delete(&app, &admin, "d-p2", &project, json!(project_v)).await);
    assert_eq!(count(&app, projects_named).await, 0);
    let audited = "SELECT COUNT(*) FROM audit_log \
                   WHERE action IN ('project.delete', 'centre.delete', 'indicator.delete')";
    assert_eq!(count(&app, audited).await, 3);
    let kept = "SELECT COUNT(*) FROM audit_log \
                WHERE action = 'project.delete' AND before IS NOT NULL AND after IS NULL";
    assert_eq!(count(&app, kept).await, 1);

    // A cited source is in use.
    let input = json!({ "titleEn": "A note", "language": "en" });
    let (source, source_v) = create(&app, &admin, &SOURCE, None, input).await;
    let undp_project = project_id(&app, Some(&admin), UNDP).await;
    let cite = "mutation($k: String!, $i: CitationInput!) {
      citeSource(idempotencyKey: $k, input: $i) { userErrors { field code message } } }";
    let vars = json!({ "k": "cite", "i": {
        "entityId": undp_project, "sourceDocumentId": source, "passage": "three centres" } });
    let resp = as_user(&app, &admin, cite, vars).await;
    assert_eq!(
        resp["data"]["citeSource"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let (code, message) = refused(&delete(&app, &admin, "d-s", &source, json!(source_v)).await);
    assert_eq!(code, "IN_USE");
    assert!(message.contains("citations (1 row)"), "{message}");

    // Only records of these kinds: an event's ID is refused as input.
    let events = "{ events(first: 1) { edges { node { id } } } }";
    let event = app.data(events, json!({})).await["events"]["edges"][0]["node"]["id"].clone();
    let answer = delete(&app, &admin, "d-e", &event, Value::Null).await;
    assert_eq!(refused(&answer).0, "INVALID");
}

async fn a_manager_deletes_only_in_their_own_project_and_never_shared_records(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "admin@delete.example", "admin", None, &[]).await;
    let admin = login(&app, "admin@delete.example").await;
    create_user(&app, "m@delete.example", "manager", Some("UNDP"), &[UNDP]).await;
    let manager = login(&app, "m@delete.example").await;
    let undp = project_id(&app, Some(&manager), UNDP).await;
    let other = project_id(&app, Some(&admin), "azqac-unified-reporting-mingachevir").await;

    // A centre in another project: refused, and still there.
    let input = json!({ "kind": "HOTLINE", "nameEn": "Not the manager's" });
    let (theirs, theirs_v) = create(&app, &admin, &CENTRE, Some(&other), input).await;
    let (code, _) = refused(&delete(&app, &manager, "m-1", &theirs, json!(theirs_v)).await);
    assert!(code == "FORBIDDEN" || code == "NOT_FOUND", "{code}");
    let still = "SELECT COUNT(*) FROM centres WHERE name_en = 'Not the manager''s'";
    assert_eq!(count(&app, still).await, 1);

    // Projects, organisations, sources and areas are an administrator's.
    let answer = delete(&app, &manager, "m-2", &json!(undp), json!(1)).await;
    assert_eq!(refused(&answer).0, "FORBIDDEN");
    let input = json!({ "titleEn": "Manager's note", "language": "en" });
    let (source, source_v) = create(&app, &manager, &SOURCE, None, input).await;
    let answer = delete(&app, &manager, "m-3", &source, json!(source_v)).await;
    assert_eq!(refused(&answer).0, "FORBIDDEN");

    // Their own project's centre is theirs to delete.
    let input = json!({ "kind": "COMMUNITY_RESOURCE_CENTRE", "nameEn": "Duplicate by mistake" });
    let (mine, mine_v) = create(&app, &manager, &CENTRE, Some(&undp), input).await;
    accepted(&delete(&app, &manager, "m-4", &mine, json!(mine_v)).await);

    // Anonymous callers change nothing.
    let vars = json!({ "k": "anon", "id": theirs, "v": theirs_v });
    let resp = app.graphql(DELETE, vars).await;
    let code = &resp["data"]["deleteRecord"]["userErrors"][0]["code"];
    assert_eq!(code, "UNAUTHENTICATED", "{resp}");
}

async fn a_manager_archives_their_own_team_which_leaves_public_surfaces_and_an_administrator_restores_it(
    engine: Engine,
) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "admin@delete.example", "admin", None, &[]).await;
    let admin = login(&app, "admin@delete.example").await;
    create_user(&app, "m@delete.example", "manager", Some("UNDP"), &[UNDP]).await;
    let manager = login(&app, "m@delete.example").await;
    let azqac = ["azqac-unified-reporting-mingachevir"];
    create_user(&app, "m2@delete.example", "manager", Some("AzQAC"), &azqac).await;
    let other_manager = login(&app, "m2@delete.example").await;
    let teams = "query($s: String!) { project(slug: $s) { teams { id version roles { count } } } }";
    let listed = async || app.data(teams, json!({ "s": UNDP })).await["project"]["teams"].clone();
    let team = listed().await[0].clone();
    let (id, v) = (team["id"].clone(), team["version"].as_i64().unwrap());
    assert!(
        !team["roles"].as_array().unwrap().is_empty(),
        "the demo team has role counts: {team}"
    );

    // A manager of another project is refused; a stale version conflicts.
    let answer = archive_team(&app, &other_manager, "o-1", &id, v, false).await;
    assert_eq!(answer["userErrors"][0]["code"], "FORBIDDEN", "{answer}");
    let answer = archive_team(&app, &manager, "a-0", &id, v + 5, false).await;
    assert_eq!(answer["userErrors"][0]["code"], "CONFLICT", "{answer}");

    let answer = archive_team(&app, &manager, "a-1", &id, v, false).await;
    accepted(&answer);
    assert_eq!(answer["team"]["version"], v + 1);
    let again = archive_team(&app, &manager, "a-1", &id, v, false).await;
    assert_eq!(again["replayed"], true, "{again}");
    let audited = "SELECT COUNT(*) FROM audit_log WHERE action = 'team.archive'";
    assert_eq!(count(&app, audited).await, 1);
    // Gone from the public project; kept (with its roles) for the audit trail.
    assert!(
        listed()
            .await
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["id"] != id)
    );
    let roles_kept = "SELECT COUNT(*) FROM team_roles r JOIN teams t ON t.id = r.team_id \
                      WHERE t.archived_at IS NOT NULL";
    assert!(count(&app, roles_kept).await > 0);
    // Archiving twice is not a transition.
    let answer = archive_team(&app, &manager, "a-2", &id, v + 1, false).await;
    assert_eq!(
        answer["userErrors"][0]["code"], "INVALID_TRANSITION",
        "{answer}"
    );

    let answer = archive_team(&app, &admin, "r-1", &id, v + 1, true).await;
    accepted(&answer);
    assert_eq!(answer["team"]["archivedAt"], Value::Null);
    assert!(
        listed()
            .await
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == id)
    );
}

engine_tests!(
    a_record_nothing_refers_to_is_deleted_once_and_a_used_one_is_in_use,
    a_manager_deletes_only_in_their_own_project_and_never_shared_records,
    a_manager_archives_their_own_team_which_leaves_public_surfaces_and_an_administrator_restores_it,
);
