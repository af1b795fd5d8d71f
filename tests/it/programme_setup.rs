//! Programme set-up through the API (issue 20): an administrator sets up a
//! programme the public then sees; managers edit their own set-up but never
//! publish; bad input gets typed errors and writes nothing; stale versions
//! conflict; retries write once; archived records leave public surfaces;
//! entered values go through the protection; boundaries are validated.

use serde_json::{Value, json};
use tests::accounts::{UNDP, as_user, create_user, login, project_id, spawn};
use tests::{Engine, TestApp, engine_tests};

const CREATE_PROJECT: &str = "mutation($k: String!, $input: ProjectInput!) {
  createProject(idempotencyKey: $k, input: $input) {
    replayed userErrors { field code message }
    project { id slug version isPublic title(lang: AZ) titleLanguage(lang: AZ) beneficiaryCategories
      participants { role organisation { id } } areas { id } }
  }
}";

const UPDATE_PROJECT: &str = "mutation($k: String!, $id: ID!, $v: Int!, $input: ProjectInput!) {
  updateProject(idempotencyKey: $k, id: $id, version: $v, input: $input) {
    replayed userErrors { field code message } project { id version isPublic summary(lang: EN) sensitivity }
  }
}";

const ARCHIVE_PROJECT: &str = "mutation($k: String!, $id: ID!, $v: Int!, $r: Boolean) {
  archiveProject(idempotencyKey: $k, id: $id, version: $v, restore: $r) { userErrors { field code } project { version archivedAt } }
}";

const CREATE_INDICATOR: &str = "mutation($k: String!, $p: ID!, $input: IndicatorInput!) {
  createIndicator(idempotencyKey: $k, projectId: $p, input: $input) { userErrors { field code message } indicator { id version derivedFrom sensitivity } }
}";

const CREATE_CENTRE: &str = "mutation($k: String!, $p: ID!, $input: CentreInput!) {
  createCentre(idempotencyKey: $k, projectId: $p, input: $input) { userErrors { field code message } centre { id version } }
}";

const CREATE_SOURCE: &str = "mutation($k: String!, $input: SourceDocumentInput!) {
  createSourceDocument(idempotencyKey: $k, input: $input) { userErrors { field code message } sourceDocument { id version } }
}";

const CITE: &str = "mutation($k: String!, $input: CitationInput!) {
  citeSource(idempotencyKey: $k, input: $input) { userErrors { field code message } citations { passage lang source { publisher url } } }
}";

const RECORD_VALUES: &str = "mutation($k: String!, $i: ID!, $input: IndicatorValuesInput!) {
  recordIndicatorValues(idempotencyKey: $k, indicatorId: $i, input: $input) { userErrors { field code message } indicator { id } }
}";

async fn admin(app: &TestApp) -> String {
    create_user(app, "admin@setup.example", "admin", None, &[]).await;
    login(app, "admin@setup.example").await
}

async fn ids_of(app: &TestApp, query: &str, path: &[&str]) -> Vec<String> {
    let resp = app.graphql(query, json!({})).await;
    let mut at = &resp["data"];
    for p in path {
        at = &at[*p];
    }
    at.as_array()
        .unwrap_or_else(|| panic!("{resp}"))
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_string())
        .collect()
}

async fn two_districts(app: &TestApp) -> Vec<String> {
    ids_of(
        app,
        "{ areas(filter: { kind: [DISTRICT] }, first: 2) { edges { node { id } } } }",
        &["areas", "edges"],
    )
    .await
}

async fn two_organisations(app: &TestApp) -> Vec<String> {
    ids_of(
        app,
        "{ organisations(first: 2) { edges { node { id } } } }",
        &["organisations", "edges"],
    )
    .await
}

/// The first column of the first row of `sql`, as a number (e.g. a `COUNT(*)`).
pub(crate) async fn count(app: &TestApp, sql: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.db.conn;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_string(),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

fn programme(slug: &str, orgs: &[String], areas: &[String]) -> Value {
    json!({
        "slug": slug,
        "titleAz": "",
        "titleEn": "Kids' helpline, Ganja",
        "summaryEn": "A helpline for children in Ganja.",
        "status": "IMPLEMENTATION",
        "plannedStart": "2026-01-01",
        "plannedEnd": "2027-12-31",
        "budgetAmount": 250000,
        "budgetCurrency": "azn",
        "sensitivity": "SENSITIVE",
        "participants": [
            { "organisationId": orgs[0], "role": "FUNDING" },
            { "organisationId": orgs[1], "role": "IMPLEMENTING", "noteEn": "runs the line" }
        ],
        "areaIds": areas,
        "beneficiaryCategories": ["CHILD_AT_RISK", "UNKNOWN"]
    })
}

async fn an_administrator_sets_up_a_programme_the_public_sees_once_published(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = admin(&app).await;
    let (orgs, areas) = (two_organisations(&app).await, two_districts(&app).await);
    let input = programme("kids-helpline-ganja", &orgs, &areas);
    let resp = as_user(
        &app,
        &token,
        CREATE_PROJECT,
        json!({ "k": "p-1", "input": input }),
    )
    .await;
    let created = &resp["data"]["createProject"];
    assert_eq!(created["userErrors"], json!([]), "{resp}");
    let project = &created["project"];
    assert_eq!(project["isPublic"], false);
    assert_eq!(project["participants"].as_array().unwrap().len(), 2);
    assert_eq!(project["areas"].as_array().unwrap().len(), 2);
    assert_eq!(
        project["beneficiaryCategories"],
        json!(["CHILD_AT_RISK", "UNKNOWN"])
    );
    // No Azerbaijani title yet: the English one is shown, and marked.
    assert_eq!(project["title"], "Kids' helpline, Ganja");
    assert_eq!(project["titleLanguage"], "EN");
    let id = project["id"].as_str().unwrap().to_string();

    // A retry with the same key is answered from the first attempt, not written twice.
    let again = as_user(
        &app,
        &token,
        CREATE_PROJECT,
        json!({ "k": "p-1", "input": input }),
    )
    .await;
    assert_eq!(again["data"]["createProject"]["replayed"], true, "{again}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM projects WHERE slug = 'kids-helpline-ganja'"
        )
        .await,
        1
    );

    // Private until published: the public does not see it.
    let public = "query($s: String!) { project(slug: $s) { title(lang: EN) citations { passage source { publisher } } indicators { code } } }";
    let anon = app
        .graphql(public, json!({ "s": "kids-helpline-ganja" }))
        .await;
    assert_eq!(anon["data"]["project"], Value::Null, "{anon}");

    // An indicator with a target, one derived from trainings, a centre, a
    // source with its text, and a citation quoting it.
    let ind = as_user(
        &app,
        &token,
        CREATE_INDICATOR,
        json!({ "k": "i-1", "p": id, "input": {
        "code": "1.1", "titleEn": "Calls answered", "unit": "PERSONS", "countingRule": "TOTAL",
        "aggregation": "SUM", "target": 5000, "targetDate": "2027-12-31" } }),
    )
    .await;
    assert_eq!(
        ind["data"]["createIndicator"]["userErrors"],
        json!([]),
        "{ind}"
    );
    // The indicator takes the project's sensitivity by default.
    assert_eq!(
        ind["data"]["createIndicator"]["indicator"]["sensitivity"],
        "SENSITIVE"
    );
    let derived = as_user(
        &app,
        &token,
        CREATE_INDICATOR,
        json!({ "k": "i-2", "p": id, "input": {
        "code": "1.2", "titleEn": "Staff trained", "unit": "PERSONS", "countingRule": "UNIQUE",
        "aggregation": "SUM", "target": 40, "derivedFrom": "attendance.training" } }),
    )
    .await;
    assert_eq!(
        derived["data"]["createIndicator"]["indicator"]["derivedFrom"], "attendance.training",
        "{derived}"
    );
    let centre = as_user(&app, &token, CREATE_CENTRE, json!({ "k": "c-1", "p": id, "input": {
        "kind": "HOTLINE", "nameAz": "Uşaq qaynar xətti", "areaId": areas[0], "status": "OPERATIONAL" } })).await;
    assert_eq!(
        centre["data"]["createCentre"]["userErrors"],
        json!([]),
        "{centre}"
    );
    let body = "Gəncədə uşaqlar üçün qaynar xətt açılıb.\nXətt gündə 24 saat işləyir.";
    let source = as_user(
        &app,
        &token,
        CREATE_SOURCE,
        json!({ "k": "s-1", "input": {
        "titleAz": "Qaynar xətt açılıb", "publisher": "Azertac", "publishedOn": "2026-03-02",
        "language": "az", "url": "https://azertac.az/example", "body": body } }),
    )
    .await;
    let source_id = source["data"]["createSourceDocument"]["sourceDocument"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let cite = as_user(&app, &token, CITE, json!({ "k": "q-1", "input": {
        "entityId": id, "sourceDocumentId": source_id, "passage": "qaynar xətt açılıb. Xətt gündə 24 saat işləyir" } })).await;
    assert_eq!(
        cite["data"]["citeSource"]["userErrors"],
        json!([]),
        "{cite}"
    );
    // A made-up quote is refused on its field.
    let made_up = as_user(
        &app,
        &token,
        CITE,
        json!({ "k": "q-2", "input": {
        "entityId": id, "sourceDocumentId": source_id, "passage": "Xətt gündə 12 saat işləyir" } }),
    )
    .await;
    assert_eq!(
        made_up["data"]["citeSource"]["userErrors"][0]["code"], "INVALID",
        "{made_up}"
    );
    assert_eq!(
        made_up["data"]["citeSource"]["userErrors"][0]["field"],
        json!(["input", "passage"])
    );

    // Published: the public now reads it, with its quoted source.
    let version = created["project"]["version"].as_i64().unwrap();
    let mut publish = input.clone();
    publish["isPublic"] = json!(true);
    let resp = as_user(
        &app,
        &token,
        UPDATE_PROJECT,
        json!({ "k": "u-1", "id": id, "v": version, "input": publish }),
    )
    .await;
    assert_eq!(
        resp["data"]["updateProject"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let anon = app
        .graphql(public, json!({ "s": "kids-helpline-ganja" }))
        .await;
    let seen = &anon["data"]["project"];
    assert_eq!(seen["title"], "Kids' helpline, Ganja", "{anon}");
    assert_eq!(seen["citations"][0]["source"]["publisher"], "Azertac");
    assert_eq!(seen["indicators"].as_array().unwrap().len(), 2);

    // Every write left an audit row with its before and after.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'project.create'"
        )
        .await,
        1
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'project.update' AND before IS NOT NULL AND after IS NOT NULL").await, 1);

    // The derived indicator's preview reads the recorded facts now.
    let preview = as_user(&app, &token, "query($p: ID!) { indicatorRulePreview(projectId: $p, rule: \"attendance.training\") { method actual { value } } }", json!({ "p": id })).await;
    assert_eq!(
        preview["data"]["indicatorRulePreview"]["method"], "DERIVED",
        "{preview}"
    );
    let bad_rule = as_user(&app, &token, "query($p: ID!) { indicatorRulePreview(projectId: $p, rule: \"attendance.nonsense\") { method } }", json!({ "p": id })).await;
    assert!(bad_rule["errors"].is_array(), "{bad_rule}");
}

async fn bad_set_up_gets_typed_errors_on_the_named_field_and_writes_nothing(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = admin(&app).await;
    let (orgs, areas) = (two_organisations(&app).await, two_districts(&app).await);
    let before = count(&app, "SELECT COUNT(*) FROM projects").await;
    let audit_before = count(&app, "SELECT COUNT(*) FROM audit_log").await;
    let cases: Vec<(Value, Vec<&str>, &str)> = vec![
        (
            json!({ "slug": "Bad Slug!" }),
            vec!["input", "slug"],
            "INVALID",
        ),
        (
            json!({ "titleEn": "", "titleAz": " " }),
            vec!["input", "titleAz"],
            "REQUIRED",
        ),
        (
            json!({ "plannedStart": "9999-01-01" }),
            vec!["input", "plannedStart"],
            "VALUE_OUT_OF_RANGE",
        ),
        (
            json!({ "plannedEnd": "2025-01-01" }),
            vec!["input", "plannedEnd"],
            "INVALID",
        ),
        (
            json!({ "budgetCurrency": "manat" }),
            vec!["input", "budgetCurrency"],
            "INVALID",
        ),
        (
            json!({ "budgetAmount": 9_000_000_000_000_000i64 }),
            vec!["input", "budgetAmount"],
            "VALUE_OUT_OF_RANGE",
        ),
        (
            json!({ "slug": UNDP }),
            vec!["input", "slug"],
            "ALREADY_EXISTS",
        ),
        (
            json!({ "beneficiaryCategories": [] }),
            vec!["input", "beneficiaryCategories"],
            "REQUIRED",
        ),
        (
            json!({ "participants": [{ "organisationId": orgs[0], "role": "FUNDING" }, { "organisationId": orgs[0], "role": "FUNDING" }] }),
            vec!["input", "participants", "1", "role"],
            "DUPLICATE_CELL",
        ),
        (
            json!({ "parentId": "UHJvamVjdDo5OTk5OQ" }),
            vec!["input", "parentId"],
            "INVALID",
        ),
    ];
    for (i, (change, field, code)) in cases.into_iter().enumerate() {
        let mut input = programme(&format!("bad-{i}"), &orgs, &areas);
        for (k, v) in change.as_object().unwrap() {
            input[k] = v.clone();
        }
        let resp = as_user(
            &app,
            &token,
            CREATE_PROJECT,
            json!({ "k": format!("bad-{i}"), "input": input }),
        )
        .await;
        let errors = resp["data"]["createProject"]["userErrors"]
            .as_array()
            .unwrap_or_else(|| panic!("{resp}"))
            .clone();
        assert!(
            errors
                .iter()
                .any(|e| e["code"] == code && e["field"] == json!(field)),
            "case {i}: expected {code} on {field:?}: {resp}"
        );
        assert_eq!(resp["data"]["createProject"]["project"], Value::Null);
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM projects").await, before);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log").await,
        audit_before
    );
}

async fn managers_edit_their_own_set_up_but_never_publish_or_reach_another_project(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "m@setup.example", "manager", Some("UNDP"), &[UNDP]).await;
    let manager = login(&app, "m@setup.example").await;
    let undp = project_id(&app, Some(&manager), UNDP).await;
    let q = "query($s: String!) { project(slug: $s) { version slug status titleAz titleEn isPublic sensitivity } }";
    let current = as_user(&app, &manager, q, json!({ "s": UNDP })).await["data"]["project"].clone();
    let version = current["version"].as_i64().unwrap();
    let base = json!({
        "slug": UNDP, "titleAz": current["titleAz"], "titleEn": current["titleEn"],
        "status": current["status"], "summaryEn": "Edited by its manager."
    });
    // Publishing and sensitivity are an administrator's.
    let mut unpublish = base.clone();
    unpublish["isPublic"] = json!(false);
    let resp = as_user(
        &app,
        &manager,
        UPDATE_PROJECT,
        json!({ "k": "m-1", "id": undp, "v": version, "input": unpublish }),
    )
    .await;
    assert_eq!(
        resp["data"]["updateProject"]["userErrors"][0]["code"], "FORBIDDEN",
        "{resp}"
    );
    assert_eq!(
        resp["data"]["updateProject"]["userErrors"][0]["field"],
        json!(["input", "isPublic"])
    );
    let mut lower = base.clone();
    lower["sensitivity"] = json!("PUBLIC");
    let resp = as_user(
        &app,
        &manager,
        UPDATE_PROJECT,
        json!({ "k": "m-2", "id": undp, "v": version, "input": lower }),
    )
    .await;
    assert_eq!(
        resp["data"]["updateProject"]["userErrors"][0]["field"],
        json!(["input", "sensitivity"]),
        "{resp}"
    );
    // Their own project's summary is theirs to edit.
    let resp = as_user(
        &app,
        &manager,
        UPDATE_PROJECT,
        json!({ "k": "m-3", "id": undp, "v": version, "input": base }),
    )
    .await;
    assert_eq!(
        resp["data"]["updateProject"]["userErrors"],
        json!([]),
        "{resp}"
    );
    assert_eq!(
        resp["data"]["updateProject"]["project"]["summary"],
        "Edited by its manager."
    );
    // A stale version conflicts and changes nothing.
    let mut stale = base.clone();
    stale["summaryEn"] = json!("Stale edit.");
    let resp = as_user(
        &app,
        &manager,
        UPDATE_PROJECT,
        json!({ "k": "m-4", "id": undp, "v": version, "input": stale }),
    )
    .await;
    assert_eq!(
        resp["data"]["updateProject"]["userErrors"][0]["code"], "CONFLICT",
        "{resp}"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM projects WHERE summary_en = 'Stale edit.'"
        )
        .await,
        0
    );
    // Creating projects is an administrator's; another project is out of reach.
    let resp = as_user(
        &app,
        &manager,
        CREATE_PROJECT,
        json!({ "k": "m-5", "input": { "slug": "mine", "titleEn": "Mine", "status": "PIPELINE" } }),
    )
    .await;
    assert_eq!(
        resp["data"]["createProject"]["userErrors"][0]["code"], "FORBIDDEN",
        "{resp}"
    );
    let other = project_id(&app, None, "azqac-unified-reporting-mingachevir").await;
    let resp = as_user(&app, &manager, CREATE_INDICATOR, json!({ "k": "m-6", "p": other, "input": {
        "code": "x", "titleEn": "X", "unit": "PERSONS", "countingRule": "TOTAL", "aggregation": "SUM" } })).await;
    assert_eq!(
        resp["data"]["createIndicator"]["userErrors"][0]["code"], "FORBIDDEN",
        "{resp}"
    );
    let resp = as_user(
        &app,
        &manager,
        CREATE_CENTRE,
        json!({ "k": "m-7", "p": other, "input": { "kind": "HOTLINE", "nameEn": "X" } }),
    )
    .await;
    assert_eq!(
        resp["data"]["createCentre"]["userErrors"][0]["code"], "FORBIDDEN",
        "{resp}"
    );
    // Anonymous callers and API keys write nothing.
    let resp = app
        .graphql(
            CREATE_CENTRE,
            json!({ "k": "a-1", "p": undp, "input": { "kind": "HOTLINE", "nameEn": "X" } }),
        )
        .await;
    assert_eq!(
        resp["data"]["createCentre"]["userErrors"][0]["code"], "UNAUTHENTICATED",
        "{resp}"
    );
}

async fn archived_records_leave_public_surfaces_and_stay_for_the_audit_trail(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = admin(&app).await;
    let undp = project_id(&app, None, UNDP).await;
    let centre = as_user(
        &app,
        &token,
        CREATE_CENTRE,
        json!({ "k": "c-1", "p": undp, "input": {
        "kind": "COMMUNITY_RESOURCE_CENTRE", "nameEn": "Centre made by mistake" } }),
    )
    .await;
    let centre = &centre["data"]["createCentre"]["centre"];
    let (cid, cv) = (
        centre["id"].as_str().unwrap().to_string(),
        centre["version"].as_i64().unwrap(),
    );
    let names = "{ centres(first: 100) { edges { node { name(lang: EN) } } } }";
    let listed = |resp: &Value| resp.to_string().contains("Centre made by mistake");
    assert!(listed(&app.graphql(names, json!({})).await));
    let resp = as_user(&app, &token, "mutation($id: ID!, $v: Int!) { archiveCentre(idempotencyKey: \"ac\", id: $id, version: $v) { userErrors { code } centre { archivedAt } } }", json!({ "id": cid, "v": cv })).await;
    assert!(
        resp["data"]["archiveCentre"]["centre"]["archivedAt"].is_string(),
        "{resp}"
    );
    assert!(!listed(&app.graphql(names, json!({})).await));
    assert!(
        listed(&as_user(&app, &token, names, json!({})).await),
        "administrators still see it"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM centres WHERE name_en = 'Centre made by mistake'"
        )
        .await,
        1
    );

    // A whole programme: gone from the public, back when restored.
    let q = "query($s: String!) { project(slug: $s) { version } }";
    let v = as_user(&app, &token, q, json!({ "s": UNDP })).await["data"]["project"]["version"]
        .as_i64()
        .unwrap();
    let resp = as_user(
        &app,
        &token,
        ARCHIVE_PROJECT,
        json!({ "k": "ap", "id": undp, "v": v }),
    )
    .await;
    assert_eq!(
        resp["data"]["archiveProject"]["userErrors"],
        json!([]),
        "{resp}"
    );
    assert_eq!(
        app.graphql(q, json!({ "s": UNDP })).await["data"]["project"],
        Value::Null
    );
    let stats = "{ participantStats(groupBy: [PROJECT]) { rows { key { project { slug } } } } }";
    assert!(
        !app.graphql(stats, json!({}))
            .await
            .to_string()
            .contains(UNDP)
    );
    let v2 = resp["data"]["archiveProject"]["project"]["version"]
        .as_i64()
        .unwrap();
    let resp = as_user(
        &app,
        &token,
        ARCHIVE_PROJECT,
        json!({ "k": "rp", "id": undp, "v": v2, "r": true }),
    )
    .await;
    assert_eq!(
        resp["data"]["archiveProject"]["project"]["archivedAt"],
        Value::Null,
        "{resp}"
    );
    assert!(app.graphql(q, json!({ "s": UNDP })).await["data"]["project"].is_object());
}

async fn entered_values_are_published_through_the_protection_and_checked(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = admin(&app).await;
    let hotline = project_id(&app, None, "mlsp-child-hotline").await;
    // An indicator cannot count the hotline's children as public counts.
    let resp = as_user(&app, &token, CREATE_INDICATOR, json!({ "k": "i-0", "p": hotline, "input": {
        "code": "calls", "titleEn": "Calls", "unit": "PERSONS", "countingRule": "UNIQUE", "aggregation": "SUM",
        "sensitivity": "PUBLIC" } })).await;
    assert_eq!(
        resp["data"]["createIndicator"]["userErrors"][0]["field"],
        json!(["input", "sensitivity"]),
        "{resp}"
    );
    let resp = as_user(&app, &token, CREATE_INDICATOR, json!({ "k": "i-1", "p": hotline, "input": {
        "code": "calls", "titleEn": "Children who called", "unit": "PERSONS", "countingRule": "UNIQUE", "aggregation": "SUM" } })).await;
    let ind = resp["data"]["createIndicator"]["indicator"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{resp}"))
        .to_string();
    let period = |value: i64, breakdown: Value| json!({ "periodStart": "2024-01-01", "periodEnd": "2024-01-31", "value": value, "breakdown": breakdown });
    // Parts of a unique count cannot exceed the whole.
    let resp = as_user(&app, &token, RECORD_VALUES, json!({ "k": "v-0", "i": ind, "input": period(7, json!([
        { "dimension": "sex", "dimensionValue": "female", "value": 5 }, { "dimension": "sex", "dimensionValue": "male", "value": 4 }])) })).await;
    assert_eq!(
        resp["data"]["recordIndicatorValues"]["userErrors"][0]["code"], "INVALID",
        "{resp}"
    );
    let resp = as_user(&app, &token, RECORD_VALUES, json!({ "k": "v-1", "i": ind, "input": period(7, json!([
        { "dimension": "sex", "dimensionValue": "female", "value": 4 }, { "dimension": "sex", "dimensionValue": "male", "value": 3 }])) })).await;
    assert_eq!(
        resp["data"]["recordIndicatorValues"]["userErrors"],
        json!([]),
        "{resp}"
    );
    // Recording the period again replaces it (no doubled rows).
    let resp = as_user(&app, &token, RECORD_VALUES, json!({ "k": "v-2", "i": ind, "input": period(8, json!([
        { "dimension": "sex", "dimensionValue": "female", "value": 5 }, { "dimension": "sex", "dimensionValue": "male", "value": 3 }])) })).await;
    assert_eq!(
        resp["data"]["recordIndicatorValues"]["userErrors"],
        json!([]),
        "{resp}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id WHERE i.code = 'calls'").await, 3);
    // Eight children in a month of a sensitive programme: never published as 8.
    let progress = "query($id: ID!) { indicatorProgress(id: $id) { actual { value protection } periods { value { value } } } }";
    let anon = app.graphql(progress, json!({ "id": ind })).await;
    let actual = &anon["data"]["indicatorProgress"]["actual"];
    assert_ne!(actual["protection"], "EXACT", "{anon}");
    assert!(!anon.to_string().contains("\"value\":8"), "{anon}");
    let own = as_user(&app, &token, progress, json!({ "id": ind })).await;
    assert_eq!(
        own["data"]["indicatorProgress"]["actual"]["value"], 8,
        "{own}"
    );
    // Derived indicators take no entered values.
    let resp = as_user(&app, &token, CREATE_INDICATOR, json!({ "k": "i-2", "p": hotline, "input": {
        "code": "held", "titleEn": "Events held", "unit": "EVENTS", "countingRule": "TOTAL", "aggregation": "SUM", "derivedFrom": "events.held" } })).await;
    let derived = resp["data"]["createIndicator"]["indicator"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let resp = as_user(
        &app,
        &token,
        RECORD_VALUES,
        json!({ "k": "v-3", "i": derived, "input": period(3, json!([])) }),
    )
    .await;
    assert_eq!(
        resp["data"]["recordIndicatorValues"]["userErrors"][0]["field"],
        json!(["indicatorId"]),
        "{resp}"
    );
}

async fn declared_categories_in_use_stay_and_a_sensitivity_change_re_protects_the_rows(
    engine: Engine,
) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = admin(&app).await;
    let undp = project_id(&app, None, UNDP).await;
    let q = "query($s: String!) { project(slug: $s) { version slug status titleAz titleEn beneficiaryCategories } }";
    let current = as_user(&app, &token, q, json!({ "s": UNDP })).await["data"]["project"].clone();
    let base = json!({ "slug": UNDP, "titleAz": current["titleAz"], "titleEn": current["titleEn"], "status": current["status"] });
    let mut narrow = base.clone();
    narrow["beneficiaryCategories"] = json!(["UNKNOWN"]);
    let v = current["version"].as_i64().unwrap();
    let resp = as_user(
        &app,
        &token,
        UPDATE_PROJECT,
        json!({ "k": "c-1", "id": undp, "v": v, "input": narrow }),
    )
    .await;
    assert_eq!(
        resp["data"]["updateProject"]["userErrors"][0]["code"], "IN_USE",
        "{resp}"
    );

    let bases = "SELECT COUNT(*) FROM attendance a JOIN events e ON e.id = a.event_id JOIN projects p ON p.id = e.project_id \
                 WHERE p.slug = 'undp-early-recovery-fuzuli-agjabadi-tartar' AND a.base = 10";
    assert_eq!(count(&app, bases).await, 0);
    let mut sensitive = base.clone();
    sensitive["sensitivity"] = json!("SENSITIVE");
    let resp = as_user(
        &app,
        &token,
        UPDATE_PROJECT,
        json!({ "k": "c-2", "id": undp, "v": v, "input": sensitive }),
    )
    .await;
    assert_eq!(
        resp["data"]["updateProject"]["project"]["sensitivity"], "SENSITIVE",
        "{resp}"
    );
    // Every attendance row of the project is re-decided at the sensitive threshold at once.
    assert!(count(&app, bases).await > 0);
}

async fn boundaries_are_validated_matched_and_stored_only_when_confirmed(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = admin(&app).await;
    let square = |x: f64| json!({ "type": "Polygon", "coordinates": [[[x, 39.0], [x + 0.5, 39.0], [x + 0.5, 39.5], [x, 39.0]]] });
    let file = json!({ "type": "FeatureCollection", "features": [
        { "type": "Feature", "properties": { "name": "Fuzuli" }, "geometry": square(47.0) },
        { "type": "Feature", "properties": { "name": "Atlantis" }, "geometry": square(48.0) },
        { "type": "Feature", "properties": { "name": "Tartar" }, "geometry": { "type": "Polygon", "coordinates": [[[46.0, 40.0], [46.5, 40.0], [46.5, 40.5]]] } }
    ]});
    let upload = "mutation($k: String!, $g: String!, $d: Boolean) { uploadAreaBoundaries(idempotencyKey: $k, kind: DISTRICT, geojson: $g, dryRun: $d) { userErrors { code } features { index label areaId problem } } }";
    let resp = as_user(
        &app,
        &token,
        upload,
        json!({ "k": "b-1", "g": file.to_string(), "d": true }),
    )
    .await;
    let features = resp["data"]["uploadAreaBoundaries"]["features"]
        .as_array()
        .unwrap_or_else(|| panic!("{resp}"))
        .clone();
    assert_eq!(features.len(), 3);
    assert!(
        features[0]["areaId"].is_string() && features[0]["problem"].is_null(),
        "{resp}"
    );
    assert!(
        features[1]["problem"].as_str().unwrap().contains("no area"),
        "{resp}"
    );
    assert!(
        features[2]["problem"].as_str().unwrap().contains("ring"),
        "{resp}"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM area_boundaries").await,
        0,
        "a dry run stores nothing"
    );
    let resp = as_user(
        &app,
        &token,
        upload,
        json!({ "k": "b-2", "g": file.to_string(), "d": false }),
    )
    .await;
    assert_eq!(
        resp["data"]["uploadAreaBoundaries"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let stored = app
        .graphql(
            "{ areaBoundaries(kind: DISTRICT) { areaId geometry } }",
            json!({}),
        )
        .await;
    let stored = stored["data"]["areaBoundaries"].as_array().unwrap().clone();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["geometry"]["type"], "Polygon");
    // Not GeoJSON at all: a typed error, nothing stored.
    let resp = as_user(
        &app,
        &token,
        upload,
        json!({ "k": "b-3", "g": "{\"type\": \"Nope\"}", "d": false }),
    )
    .await;
    assert_eq!(
        resp["data"]["uploadAreaBoundaries"]["userErrors"][0]["code"], "INVALID",
        "{resp}"
    );
    // Managers do not upload boundaries.
    create_user(&app, "m2@setup.example", "manager", Some("UNDP"), &[UNDP]).await;
    let manager = login(&app, "m2@setup.example").await;
    let resp = as_user(
        &app,
        &manager,
        upload,
        json!({ "k": "b-4", "g": file.to_string(), "d": true }),
    )
    .await;
    assert_eq!(
        resp["data"]["uploadAreaBoundaries"]["userErrors"][0]["code"], "FORBIDDEN",
        "{resp}"
    );
    // A village under a district; the same name again (typed without ə) is the same place.
    let district = two_districts(&app).await.remove(0);
    let area = "mutation($k: String!, $input: AreaInput!) { createArea(idempotencyKey: $k, input: $input) { userErrors { field code } area { id } } }";
    let resp = as_user(&app, &manager, area, json!({ "k": "v-1", "input": { "kind": "VILLAGE", "nameAz": "Qarğabazar", "parentId": district, "lat": 39.6, "lon": 47.1 } })).await;
    assert_eq!(
        resp["data"]["createArea"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let resp = as_user(&app, &manager, area, json!({ "k": "v-2", "input": { "kind": "VILLAGE", "nameAz": "Qargabazar", "parentId": district } })).await;
    assert_eq!(
        resp["data"]["createArea"]["userErrors"][0]["code"], "ALREADY_EXISTS",
        "{resp}"
    );
    let resp = as_user(&app, &manager, area, json!({ "k": "v-3", "input": { "kind": "VILLAGE", "nameAz": "Uzaq", "parentId": district, "lat": 91.0, "lon": 47.0 } })).await;
    assert_eq!(
        resp["data"]["createArea"]["userErrors"][0]["field"],
        json!(["input", "lat"]),
        "{resp}"
    );
}

async fn plans_and_goals_are_set_up_and_a_linked_goal_stays(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = admin(&app).await;
    let plan = "mutation($k: String!, $input: PlanInput!) { createPlan(idempotencyKey: $k, input: $input) { userErrors { field code } plan { id version goals { number } } } }";
    let update = "mutation($k: String!, $id: ID!, $v: Int!, $input: PlanInput!) { updatePlan(idempotencyKey: $k, id: $id, version: $v, input: $input) { userErrors { field code } plan { version goals { number } } } }";
    let goals = json!([{ "number": 1, "titleEn": "Safe childhood" }, { "number": 2, "titleAz": "Sosial müdafiə" }]);
    let resp = as_user(&app, &token, plan, json!({ "k": "pl-1", "input": { "titleEn": "Child strategy 2026-2030", "startYear": 2026, "endYear": 2030, "goals": goals } })).await;
    let created = &resp["data"]["createPlan"]["plan"];
    assert_eq!(created["goals"].as_array().map(Vec::len), Some(2), "{resp}");
    let (plan_id, v) = (
        created["id"].as_str().unwrap().to_string(),
        created["version"].as_i64().unwrap(),
    );
    // Duplicate goal numbers and years out of range are refused on their fields.
    let resp = as_user(&app, &token, plan, json!({ "k": "pl-2", "input": { "titleEn": "X", "startYear": 3000, "goals": [{ "number": 1 }, { "number": 1 }] } })).await;
    let errors = resp["data"]["createPlan"]["userErrors"].clone();
    assert!(
        errors
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == json!(["input", "goals", "1", "number"])),
        "{resp}"
    );
    assert!(
        errors
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == json!(["input", "startYear"])),
        "{resp}"
    );
    // A project links to goal 2; the plan cannot drop it then.
    let undp = project_id(&app, None, UNDP).await;
    let q = "query($s: String!) { project(slug: $s) { version slug status titleAz titleEn } }";
    let current = as_user(&app, &token, q, json!({ "s": UNDP })).await["data"]["project"].clone();
    let input = json!({ "slug": UNDP, "titleAz": current["titleAz"], "titleEn": current["titleEn"], "status": current["status"],
        "planLinks": [{ "planId": plan_id, "goalNumber": 2 }] });
    let resp = as_user(
        &app,
        &token,
        UPDATE_PROJECT,
        json!({ "k": "pl-3", "id": undp, "v": current["version"], "input": input }),
    )
    .await;
    assert_eq!(
        resp["data"]["updateProject"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let resp = as_user(&app, &token, update, json!({ "k": "pl-4", "id": plan_id, "v": v, "input": { "titleEn": "Child strategy", "goals": [{ "number": 1 }] } })).await;
    assert_eq!(
        resp["data"]["updatePlan"]["userErrors"][0]["code"], "IN_USE",
        "{resp}"
    );
    assert!(count(&app, "SELECT COUNT(*) FROM goals WHERE number = 2").await >= 1);
    let resp = as_user(&app, &token, update, json!({ "k": "pl-5", "id": plan_id, "v": v, "input": { "titleEn": "Child strategy", "goals": [{ "number": 2 }, { "number": 3 }] } })).await;
    assert_eq!(
        resp["data"]["updatePlan"]["plan"]["goals"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{resp}"
    );
    // Managers read plans but do not write them.
    create_user(&app, "m3@setup.example", "manager", Some("UNDP"), &[UNDP]).await;
    let manager = login(&app, "m3@setup.example").await;
    let resp = as_user(
        &app,
        &manager,
        plan,
        json!({ "k": "pl-6", "input": { "titleEn": "Mine" } }),
    )
    .await;
    assert_eq!(
        resp["data"]["createPlan"]["userErrors"][0]["code"], "FORBIDDEN",
        "{resp}"
    );
}

/// A district boundary as a real file carries it: a ring of `n` positions
/// around a centre (about 40 bytes a position).
fn ring_feature(name: &str, lon: f64, lat: f64, n: usize) -> Value {
    let mut ring: Vec<[f64; 2]> = (0..n)
        .map(|i| {
            let a = (i as f64) * std::f64::consts::TAU / (n as f64);
            [lon + 0.2 * a.cos(), lat + 0.15 * a.sin()]
        })
        .collect();
    ring.push(ring[0]);
    json!({ "type": "Feature", "properties": { "name": name }, "geometry": { "type": "Polygon", "coordinates": [ring] } })
}

async fn a_boundary_file_of_megabytes_is_stored_through_its_route_and_a_larger_one_refused_typed(
    engine: Engine,
) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = admin(&app).await;
    // About 2 MB: far above the GraphQL text limit (20,000 characters) and body limit (256 KiB).
    let file = json!({ "type": "FeatureCollection", "features": [
        ring_feature("Fuzuli", 47.15, 39.6, 25_000),
        ring_feature("Tartar", 46.9, 40.35, 25_000),
    ]})
    .to_string();
    assert!(file.len() > 1_500_000, "{}", file.len());
    let post = |query: &'static str, body: String, token: Option<&str>, key: Option<&str>| {
        let mut req = app
            .client
            .post(format!("{}/boundaries/district{query}", app.base))
            .header("content-type", "application/geo+json")
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        req.send()
    };
    // Through GraphQL, a file this size is refused by the body limit, as before.
    let upload = "mutation($k: String!, $g: String!) { uploadAreaBoundaries(idempotencyKey: $k, kind: DISTRICT, geojson: $g, dryRun: true) { userErrors { code } features { areaId } } }";
    let resp = app
        .client
        .post(format!("{}/graphql", app.base))
        .bearer_auth(&token)
        .json(&json!({ "query": upload, "variables": { "k": "g-1", "g": file } }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    // …but a file above the old 20,000-character text limit and under the body limit passes.
    let mid = json!({ "type": "FeatureCollection", "features": [ring_feature("Fuzuli", 47.15, 39.6, 1_500)] }).to_string();
    assert!(mid.len() > 40_000 && mid.len() < 200_000, "{}", mid.len());
    let resp = as_user(&app, &token, upload, json!({ "k": "g-2", "g": mid })).await;
    assert_eq!(
        resp["data"]["uploadAreaBoundaries"]["userErrors"],
        json!([]),
        "{resp}"
    );
    assert!(
        resp["data"]["uploadAreaBoundaries"]["features"][0]["areaId"].is_string(),
        "{resp}"
    );

    // Anonymous callers and managers are refused; nothing is stored.
    let resp = post("?dryRun=true", file.clone(), None, None)
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    create_user(&app, "m3@setup.example", "manager", Some("UNDP"), &[UNDP]).await;
    let manager = login(&app, "m3@setup.example").await;
    let resp = post("", file.clone(), Some(&manager), Some("m-1"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "FORBIDDEN", "{body}");

    // A dry run reports each feature and stores nothing.
    let resp = post("?dryRun=true", file.clone(), Some(&token), None)
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["features"].as_array().map(Vec::len), Some(2), "{body}");
    assert!(body["features"][0]["areaId"].is_string(), "{body}");
    assert!(body["features"][0]["problem"].is_null(), "{body}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM area_boundaries").await,
        0,
        "dry runs store nothing"
    );

    // Storing needs a key; with one it stores both, and a retry replays.
    let resp = post("", file.clone(), Some(&token), None).await.unwrap();
    assert_eq!(resp.status(), 400);
    let resp = post("", file.clone(), Some(&token), Some("r-1"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["replayed"], false, "{body}");
    let resp = post("", file.clone(), Some(&token), Some("r-1"))
        .await
        .unwrap();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["replayed"], true, "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM area_boundaries").await, 2);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'area.boundaries'"
        )
        .await,
        1,
        "one audit entry for the one stored upload (dry runs and the replay write none)"
    );
    let stored = app
        .graphql("{ areaBoundaries(kind: DISTRICT) { areaId } }", json!({}))
        .await;
    assert_eq!(
        stored["data"]["areaBoundaries"].as_array().map(Vec::len),
        Some(2)
    );

    // One byte above the cap (8 MB): a typed 413 on the file.
    let head = "{\"type\":\"FeatureCollection\",\"features\":[],\"pad\":\"";
    let huge = format!(
        "{head}{}\"}}",
        "x".repeat(8 * 1024 * 1024 + 1 - head.len() - 2)
    );
    assert_eq!(huge.len(), 8 * 1024 * 1024 + 1);
    let resp = post("", huge, Some(&token), Some("h-1")).await.unwrap();
    assert_eq!(resp.status(), 413);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "FILE_TOO_LARGE", "{body}");
    assert_eq!(body["errors"][0]["field"], json!(["geojson"]), "{body}");
    // An unknown level is refused.
    let resp = app
        .client
        .post(format!("{}/boundaries/planet", app.base))
        .bearer_auth(&token)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}

engine_tests!(
    an_administrator_sets_up_a_programme_the_public_sees_once_published,
    bad_set_up_gets_typed_errors_on_the_named_field_and_writes_nothing,
    managers_edit_their_own_set_up_but_never_publish_or_reach_another_project,
    archived_records_leave_public_surfaces_and_stay_for_the_audit_trail,
    entered_values_are_published_through_the_protection_and_checked,
    declared_categories_in_use_stay_and_a_sensitivity_change_re_protects_the_rows,
    boundaries_are_validated_matched_and_stored_only_when_confirmed,
    a_boundary_file_of_megabytes_is_stored_through_its_route_and_a_larger_one_refused_typed,
    plans_and_goals_are_set_up_and_a_linked_goal_stays,
);
