//! Taking set-up records away (issue 20). Hard deletion of records created
//! by mistake: allowed only while nothing refers to the record (else
//! `IN_USE` naming what does), by an administrator, or by a manager for the
//! centres, indicators and works of their own project; audited with the
//! record as it was; a retry answers from the first attempt. Archiving a
//! team: gone from public surfaces, kept, restorable.

use serde_json::{Value, json};
use tests::accounts::{UNDP, as_user, create_user, login, project_id, spawn};
use tests::{Engine, engine_tests};

use crate::programme_setup::count;

const DELETE: &str = "mutation($k: String!, $id: ID!, $v: Int) {
  deleteRecord(idempotencyKey: $k, id: $id, version: $v) { deletedId replayed userErrors { field code message } }
}";

const CREATE_PROJECT: &str = "mutation($k: String!, $input: ProjectInput!) {
  createProject(idempotencyKey: $k, input: $input) { userErrors { field code message } project { id version } }
}";

const CREATE_CENTRE: &str = "mutation($k: String!, $p: ID!, $input: CentreInput!) {
  createCentre(idempotencyKey: $k, projectId: $p, input: $input) { userErrors { field code message } centre { id version } }
}";

const CREATE_INDICATOR: &str = "mutation($k: String!, $p: ID!, $input: IndicatorInput!) {
  createIndicator(idempotencyKey: $k, projectId: $p, input: $input) { userErrors { field code message } indicator { id version } }
}";

const CREATE_SOURCE: &str = "mutation($k: String!, $input: SourceDocumentInput!) {
  createSourceDocument(idempotencyKey: $k, input: $input) { userErrors { field code message } sourceDocument { id version } }
}";

const CITE: &str = "mutation($k: String!, $input: CitationInput!) {
  citeSource(idempotencyKey: $k, input: $input) { userErrors { field code message } }
}";

fn created(resp: &Value, mutation: &str, object: &str) -> (String, i64) {
    let payload = &resp["data"][mutation];
    assert_eq!(payload["userErrors"], json!([]), "{resp}");
    (
        payload[object]["id"].as_str().unwrap().to_string(),
        payload[object]["version"].as_i64().unwrap(),
    )
}

fn refused(resp: &Value) -> (String, Value, String) {
    let e = &resp["data"]["deleteRecord"]["userErrors"][0];
    assert!(e.is_object(), "expected a refusal: {resp}");
    assert_eq!(
        resp["data"]["deleteRecord"]["deletedId"],
        Value::Null,
        "{resp}"
    );
    (
        e["code"].as_str().unwrap().to_string(),
        e["field"].clone(),
        e["message"].as_str().unwrap().to_string(),
    )
}

async fn a_record_nothing_refers_to_is_deleted_once_and_a_used_one_is_in_use(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "admin@delete.example", "admin", None, &[]).await;
    let admin = login(&app, "admin@delete.example").await;
    let resp = as_user(
        &app,
        &admin,
        CREATE_PROJECT,
        json!({ "k": "p", "input": {
        "slug": "made-by-mistake", "titleEn": "Made by mistake", "status": "PIPELINE" } }),
    )
    .await;
    let (project, project_version) = created(&resp, "createProject", "project");
    let resp = as_user(
        &app,
        &admin,
        CREATE_CENTRE,
        json!({ "k": "c", "p": project, "input": {
        "kind": "HOTLINE", "nameEn": "Typo centre" } }),
    )
    .await;
    let (centre, centre_version) = created(&resp, "createCentre", "centre");
    let resp = as_user(
        &app,
        &admin,
        CREATE_INDICATOR,
        json!({ "k": "i", "p": project, "input": {
        "code": "x.1", "titleEn": "Typo indicator", "unit": "PERSONS", "countingRule": "TOTAL",
        "aggregation": "SUM", "target": 10 } }),
    )
    .await;
    let (indicator, indicator_version) = created(&resp, "createIndicator", "indicator");

    // The project has a centre and an indicator: in use, and the message names them.
    let resp = as_user(
        &app,
        &admin,
        DELETE,
        json!({ "k": "d-p1", "id": project, "v": project_version }),
    )
    .await;
    let (code, field, message) = refused(&resp);
    assert_eq!(code, "IN_USE");
    assert_eq!(field, json!(["id"]));
    assert!(message.contains("centres (1 row)"), "{message}");
    assert!(message.contains("indicators (1 row)"), "{message}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM projects WHERE slug = 'made-by-mistake'"
        )
        .await,
        1
    );

    // A demo organisation is referred to by projects and users.
    let undp_org = app
        .data(
            "{ organisations(first: 50) { edges { node { id acronym(lang: EN) version } } } }",
            json!({}),
        )
        .await["organisations"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["acronym"] == "UNDP")
        .unwrap()["node"]
        .clone();
    let resp = as_user(
        &app,
        &admin,
        DELETE,
        json!({ "k": "d-o", "id": undp_org["id"], "v": undp_org["version"] }),
    )
    .await;
    let (code, _, message) = refused(&resp);
    assert_eq!(code, "IN_USE");
    assert!(message.contains("project_participants"), "{message}");

    // A stale version conflicts and deletes nothing.
    let resp = as_user(
        &app,
        &admin,
        DELETE,
        json!({ "k": "d-c0", "id": centre, "v": centre_version + 1 }),
    )
    .await;
    assert_eq!(refused(&resp).0, "CONFLICT");

    // The centre and the indicator go; a retry answers from the first attempt.
    let resp = as_user(
        &app,
        &admin,
        DELETE,
        json!({ "k": "d-c", "id": centre, "v": centre_version }),
    )
    .await;
    assert_eq!(
        resp["data"]["deleteRecord"]["userErrors"],
        json!([]),
        "{resp}"
    );
    assert_eq!(resp["data"]["deleteRecord"]["deletedId"], json!(centre));
    let again = as_user(
        &app,
        &admin,
        DELETE,
        json!({ "k": "d-c", "id": centre, "v": centre_version }),
    )
    .await;
    assert_eq!(again["data"]["deleteRecord"]["replayed"], true, "{again}");
    assert_eq!(again["data"]["deleteRecord"]["deletedId"], json!(centre));
    // A new request for the gone record finds nothing.
    let gone = as_user(
        &app,
        &admin,
        DELETE,
        json!({ "k": "d-c2", "id": centre, "v": centre_version }),
    )
    .await;
    assert_eq!(refused(&gone).0, "NOT_FOUND");
    let resp = as_user(
        &app,
        &admin,
        DELETE,
        json!({ "k": "d-i", "id": indicator, "v": indicator_version }),
    )
    .await;
    assert_eq!(
        resp["data"]["deleteRecord"]["userErrors"],
        json!([]),
        "{resp}"
    );

    // Now nothing refers to the project: it goes with its own parts
    // (its declared categories), and the audit trail keeps it.
    let resp = as_user(
        &app,
        &admin,
        DELETE,
        json!({ "k": "d-p2", "id": project, "v": project_version }),
    )
    .await;
    assert_eq!(
        resp["data"]["deleteRecord"]["userErrors"],
        json!([]),
        "{resp}"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM projects WHERE slug = 'made-by-mistake'"
        )
        .await,
        0
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action IN ('project.delete', 'centre.delete', 'indicator.delete')").await,
        3
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'project.delete' AND before IS NOT NULL AND after IS NULL").await,
        1
    );

    // A cited source is in use; once uncited it may go.
    let resp = as_user(
        &app,
        &admin,
        CREATE_SOURCE,
        json!({ "k": "s", "input": {
        "titleEn": "A note", "language": "en" } }),
    )
    .await;
    let (source, source_version) = created(&resp, "createSourceDocument", "sourceDocument");
    let undp = project_id(&app, Some(&admin), UNDP).await;
    let resp = as_user(
        &app,
        &admin,
        CITE,
        json!({ "k": "cite", "input": {
        "entityId": undp, "sourceDocumentId": source, "passage": "three centres" } }),
    )
    .await;
    assert_eq!(
        resp["data"]["citeSource"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let resp = as_user(
        &app,
        &admin,
        DELETE,
        json!({ "k": "d-s", "id": source, "v": source_version }),
    )
    .await;
    let (code, _, message) = refused(&resp);
    assert_eq!(code, "IN_USE");
    assert!(message.contains("citations (1 row)"), "{message}");

    // Only records of these kinds: an event's ID is refused as input.
    let event = app
        .data("{ events(first: 1) { edges { node { id } } } }", json!({}))
        .await["events"]["edges"][0]["node"]["id"]
        .clone();
    let resp = as_user(&app, &admin, DELETE, json!({ "k": "d-e", "id": event })).await;
    assert_eq!(refused(&resp).0, "INVALID");
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
    let resp = as_user(
        &app,
        &admin,
        CREATE_CENTRE,
        json!({ "k": "c-o", "p": other, "input": {
        "kind": "HOTLINE", "nameEn": "Not the manager's" } }),
    )
    .await;
    let (theirs, theirs_version) = created(&resp, "createCentre", "centre");
    let resp = as_user(
        &app,
        &manager,
        DELETE,
        json!({ "k": "m-1", "id": theirs, "v": theirs_version }),
    )
    .await;
    let (code, _, _) = refused(&resp);
    assert!(code == "FORBIDDEN" || code == "NOT_FOUND", "{resp}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM centres WHERE name_en = 'Not the manager''s'"
        )
        .await,
        1
    );

    // Projects, organisations, sources and areas are an administrator's.
    let resp = as_user(
        &app,
        &manager,
        DELETE,
        json!({ "k": "m-2", "id": undp, "v": 1 }),
    )
    .await;
    assert_eq!(refused(&resp).0, "FORBIDDEN");
    let resp = as_user(
        &app,
        &manager,
        CREATE_SOURCE,
        json!({ "k": "m-s", "input": {
        "titleEn": "Manager's note", "language": "en" } }),
    )
    .await;
    let (source, source_version) = created(&resp, "createSourceDocument", "sourceDocument");
    let resp = as_user(
        &app,
        &manager,
        DELETE,
        json!({ "k": "m-3", "id": source, "v": source_version }),
    )
    .await;
    assert_eq!(refused(&resp).0, "FORBIDDEN");

    // Their own project's centre is theirs to delete.
    let resp = as_user(
        &app,
        &manager,
        CREATE_CENTRE,
        json!({ "k": "c-m", "p": undp, "input": {
        "kind": "COMMUNITY_RESOURCE_CENTRE", "nameEn": "Duplicate by mistake" } }),
    )
    .await;
    let (mine, mine_version) = created(&resp, "createCentre", "centre");
    let resp = as_user(
        &app,
        &manager,
        DELETE,
        json!({ "k": "m-4", "id": mine, "v": mine_version }),
    )
    .await;
    assert_eq!(
        resp["data"]["deleteRecord"]["userErrors"],
        json!([]),
        "{resp}"
    );

    // Anonymous callers change nothing.
    let resp = app
        .graphql(
            DELETE,
            json!({ "k": "anon", "id": theirs, "v": theirs_version }),
        )
        .await;
    assert_eq!(
        resp["data"]["deleteRecord"]["userErrors"][0]["code"], "UNAUTHENTICATED",
        "{resp}"
    );
}

const ARCHIVE_TEAM: &str = "mutation($k: String!, $id: ID!, $v: Int!, $r: Boolean) {
  archiveTeam(idempotencyKey: $k, id: $id, version: $v, restore: $r) { replayed userErrors { field code } team { version archivedAt } }
}";

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
    create_user(
        &app,
        "m2@delete.example",
        "manager",
        Some("AzQAC"),
        &["azqac-unified-reporting-mingachevir"],
    )
    .await;
    let other_manager = login(&app, "m2@delete.example").await;
    let teams = "query($s: String!) { project(slug: $s) { teams { id version name(lang: EN) roles { count } } } }";
    let team = app.data(teams, json!({ "s": UNDP })).await["project"]["teams"][0].clone();
    let (id, version) = (team["id"].clone(), team["version"].as_i64().unwrap());
    assert!(
        !team["roles"].as_array().unwrap().is_empty(),
        "the demo team has role counts: {team}"
    );

    // A manager of another project is refused and nothing changes.
    let resp = as_user(
        &app,
        &other_manager,
        ARCHIVE_TEAM,
        json!({ "k": "o-1", "id": id, "v": version }),
    )
    .await;
    assert_eq!(
        resp["data"]["archiveTeam"]["userErrors"][0]["code"], "FORBIDDEN",
        "{resp}"
    );
    // A stale version conflicts.
    let resp = as_user(
        &app,
        &manager,
        ARCHIVE_TEAM,
        json!({ "k": "a-0", "id": id, "v": version + 5 }),
    )
    .await;
    assert_eq!(
        resp["data"]["archiveTeam"]["userErrors"][0]["code"], "CONFLICT",
        "{resp}"
    );

    let resp = as_user(
        &app,
        &manager,
        ARCHIVE_TEAM,
        json!({ "k": "a-1", "id": id, "v": version }),
    )
    .await;
    assert_eq!(
        resp["data"]["archiveTeam"]["userErrors"],
        json!([]),
        "{resp}"
    );
    assert_eq!(resp["data"]["archiveTeam"]["team"]["version"], version + 1);
    let again = as_user(
        &app,
        &manager,
        ARCHIVE_TEAM,
        json!({ "k": "a-1", "id": id, "v": version }),
    )
    .await;
    assert_eq!(again["data"]["archiveTeam"]["replayed"], true, "{again}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'team.archive'"
        )
        .await,
        1
    );
    // Gone from the public project; kept (with its roles) for the audit trail.
    let public = app.data(teams, json!({ "s": UNDP })).await;
    assert!(
        public["project"]["teams"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["id"] != id),
        "{public}"
    );
    assert!(count(&app, "SELECT COUNT(*) FROM team_roles r JOIN teams t ON t.id = r.team_id WHERE t.archived_at IS NOT NULL").await > 0);
    // Archiving twice is not a transition.
    let resp = as_user(
        &app,
        &manager,
        ARCHIVE_TEAM,
        json!({ "k": "a-2", "id": id, "v": version + 1 }),
    )
    .await;
    assert_eq!(
        resp["data"]["archiveTeam"]["userErrors"][0]["code"], "INVALID_TRANSITION",
        "{resp}"
    );

    let resp = as_user(
        &app,
        &admin,
        ARCHIVE_TEAM,
        json!({ "k": "r-1", "id": id, "v": version + 1, "r": true }),
    )
    .await;
    assert_eq!(
        resp["data"]["archiveTeam"]["userErrors"],
        json!([]),
        "{resp}"
    );
    assert_eq!(
        resp["data"]["archiveTeam"]["team"]["archivedAt"],
        Value::Null
    );
    let public = app.data(teams, json!({ "s": UNDP })).await;
    assert!(
        public["project"]["teams"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == id),
        "{public}"
    );
}

engine_tests!(
    a_record_nothing_refers_to_is_deleted_once_and_a_used_one_is_in_use,
    a_manager_deletes_only_in_their_own_project_and_never_shared_records,
    a_manager_archives_their_own_team_which_leaves_public_surfaces_and_an_administrator_restores_it,
);
