//! Connections nested under a parent row (`Project.events`, `Centre.events`,
//! `Area.centres`, …): each parent's pages put together equal its whole list
//! in the order asked for, `totalCount` and `pageInfo` are per parent, the
//! parents of one request share one statement per page asked for, the
//! viewer's scope applies to the rows and to the count, and bad page
//! arguments are refused. A schema check lists every list field and requires
//! it to be a connection or to say why it is bounded.

use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use tests::accounts::{as_user, create_user, login};
use tests::fixtures;
use tests::{Engine, TestApp, engine_tests, first_error_code, strings};

/// A day in 2025, `n` days after New Year.
fn day(n: i64) -> String {
    (chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(n as u64)).to_string()
}

/// Three public projects with 0, 3 and 7 events on distinct days (two of the
/// seven on the same day, so the id breaks the tie); returns their slugs.
async fn projects_with_events(app: &TestApp) -> Vec<String> {
    let db = &app.db.conn;
    let mut slugs = Vec::new();
    for (i, n) in [0, 3, 7].into_iter().enumerate() {
        let slug = format!("nested-{i}");
        let p = fixtures::project(db, &slug, &format!("Nested {i}"), true).await;
        for e in 0..n {
            let id = fixtures::event(db, p, None, &format!("Nested {i} event {e}")).await;
            let mut row: entities::event::ActiveModel = entities::event::Entity::find_by_id(id)
                .one(db)
                .await
                .unwrap()
                .unwrap()
                .into();
            let d: chrono::NaiveDate = day((e * 5 % 6) as i64).parse().unwrap();
            row.start_date = Set(Some(d));
            row.update(db).await.unwrap();
        }
        slugs.push(slug);
    }
    slugs
}

const PAGE: &str = "query($ids: [ID!], $first: Int, $after: String) {
  projects(first: 10, filter: { ids: $ids }, orderBy: [{ field: SLUG }]) { edges { node { slug
    events(first: $first, after: $after, orderBy: [{ field: START_DATE, direction: DESC }]) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id title(lang: EN) startDate } }
      nodes { id }
    } } } } }";

const WHOLE: &str = "query($p: ID!) {
  events(first: 100, filter: { project: $p }, orderBy: [{ field: START_DATE, direction: DESC }]) {
    edges { node { id title(lang: EN) startDate } } } }";

async fn each_parents_pages_join_up_to_its_whole_list_in_order(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let slugs = projects_with_events(&app).await;
    for (i, slug) in slugs.iter().enumerate() {
        let id = tests::accounts::project_id(&app, None, slug).await;
        let whole = tests::nodes(&app.data(WHOLE, json!({ "p": id })).await["events"]);
        assert_eq!(whole.len(), [0, 3, 7][i]);

        // Page through this parent's events two at a time.
        let mut after: Option<String> = None;
        let mut joined = Vec::new();
        let mut pages = 0;
        loop {
            let data = app
                .data(PAGE, json!({ "ids": [&id], "first": 2, "after": after }))
                .await;
            let conn = &data["projects"]["edges"][0]["node"]["events"];
            assert_eq!(conn["totalCount"], whole.len(), "{conn:#}");
            let page = tests::nodes(conn);
            assert_eq!(
                conn["nodes"],
                Value::Array(page.iter().map(|n| json!({ "id": n["id"] })).collect()),
                "nodes are the edges' nodes"
            );
            assert_eq!(
                conn["pageInfo"]["hasPreviousPage"],
                after.is_some(),
                "{conn:#}"
            );
            joined.extend(page.iter().cloned());
            pages += 1;
            let info = &conn["pageInfo"];
            if !info["hasNextPage"].as_bool().unwrap() {
                break;
            }
            assert_eq!(page.len(), 2, "a page before the last is full");
            after = Some(info["endCursor"].as_str().unwrap().to_string());
            assert!(pages < 10, "paging does not end");
        }
        assert_eq!(joined, whole, "{slug}: the pages join up to the whole list");
    }

    // All three parents in one request: each gets its own first page.
    let mut ids = Vec::new();
    for slug in &slugs {
        ids.push(tests::accounts::project_id(&app, None, slug).await);
    }
    let data = app.data(PAGE, json!({ "ids": ids, "first": 2 })).await;
    let per_parent: Vec<(i64, usize, bool)> = tests::nodes(&data["projects"])
        .iter()
        .map(|p| {
            let c = &p["events"];
            (
                c["totalCount"].as_i64().unwrap(),
                c["edges"].as_array().unwrap().len(),
                c["pageInfo"]["hasNextPage"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(per_parent, [(0, 0, false), (3, 2, true), (7, 2, true)]);
}

async fn the_parents_of_a_request_share_one_statement_per_page_asked_for(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded_with(engine, |c| c.dataloader_delay_ms = 20).await else {
        return;
    };
    let slugs = projects_with_events(&app).await;
    let mut ids = Vec::new();
    for slug in &slugs {
        ids.push(tests::accounts::project_id(&app, None, slug).await);
    }
    let q = "query($ids: [ID!]) {
      projects(first: 10, filter: { ids: $ids }) { edges { node { slug
        events(first: 2) { edges { node { title(lang: EN) } } } } } } }";
    let before = app.statements();
    app.data(q, json!({ "ids": ids })).await;
    let without_total = app.statements() - before;
    assert_eq!(
        without_total, 2,
        "the projects, then one page statement for all three"
    );

    let q_total = q.replace("events(first: 2) {", "events(first: 2) { totalCount");
    let before = app.statements();
    app.data(&q_total, json!({ "ids": ids })).await;
    assert_eq!(
        app.statements() - before,
        3,
        "totalCount adds one grouped COUNT for all the parents"
    );
}

async fn the_viewers_scope_applies_to_the_rows_and_to_their_count(engine: Engine) {
    let Some(app) = tests::accounts::spawn(engine).await else {
        return;
    };
    create_user(&app, "nested-admin@example.org", "admin", None, &[]).await;
    let admin = login(&app, "nested-admin@example.org").await;
    let db = &app.db.conn;
    let fuzuli = fixtures::raw_id(
        &app.id_at(
            "{ areas(filter: { code: \"AZ-FUZ\" }) { edges { node { id } } } }",
            "/areas/edges/0/node/id",
        )
        .await,
    );
    let public = fixtures::project(db, "nested-public", "Nested public", true).await;
    let private = fixtures::project(db, "nested-private", "Nested private", false).await;
    fixtures::project_area(db, public, fuzuli).await;
    fixtures::project_area(db, private, fuzuli).await;
    let open = fixtures::centre(db, public, "Nested open centre", Some(fuzuli)).await;
    let shelter = fixtures::centre(db, public, "Nested shelter", Some(fuzuli)).await;
    let archived = fixtures::centre(db, public, "Nested archived centre", Some(fuzuli)).await;
    fixtures::centre(db, private, "Nested private centre", Some(fuzuli)).await;
    let _ = open;
    let mut row: entities::centre::ActiveModel = entities::centre::Entity::find_by_id(shelter)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .into();
    row.sensitive_location = Set(true);
    row.update(db).await.unwrap();
    let mut row: entities::centre::ActiveModel = entities::centre::Entity::find_by_id(archived)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .into();
    row.archived_at = Set(Some(chrono::Utc::now()));
    row.update(db).await.unwrap();

    let area_id = fixtures::global_id("Area", fuzuli);
    let q = "query($a: ID!) { node(id: $a) { ... on Area {
        projects(first: 100, orderBy: [{ field: SLUG }]) { totalCount nodes { slug } }
        centres(first: 100, orderBy: [{ field: NAME }]) { totalCount nodes { name(lang: EN) } } } } }";
    let nested_only = |d: &Value, key: &str, field: &str| -> (i64, Vec<String>) {
        let c = &d["data"]["node"][key];
        let names = strings(c["nodes"].as_array().unwrap(), field)
            .into_iter()
            .filter(|n| n.starts_with("nested") || n.starts_with("Nested"))
            .collect();
        (c["totalCount"].as_i64().unwrap(), names)
    };
    let anon = app.graphql(q, json!({ "a": area_id })).await;
    let adm = as_user(&app, &admin, q, json!({ "a": area_id })).await;

    let (anon_projects_total, anon_projects) = nested_only(&anon, "projects", "slug");
    let (admin_projects_total, admin_projects) = nested_only(&adm, "projects", "slug");
    assert_eq!(anon_projects, ["nested-public"], "{anon:#}");
    assert_eq!(
        admin_projects,
        ["nested-private", "nested-public"],
        "{adm:#}"
    );
    assert_eq!(
        admin_projects_total - anon_projects_total,
        1,
        "the count leaves out what the page leaves out"
    );

    let (anon_centres_total, anon_centres) = nested_only(&anon, "centres", "name");
    let (admin_centres_total, admin_centres) = nested_only(&adm, "centres", "name");
    assert_eq!(anon_centres, ["Nested open centre"], "{anon:#}");
    assert!(
        admin_centres.contains(&"Nested shelter".to_string())
            && admin_centres.contains(&"Nested private centre".to_string()),
        "{adm:#}"
    );
    assert!(
        admin_centres_total - anon_centres_total >= 2,
        "the count leaves out the shelter and the private programme's centre"
    );
    assert_eq!(
        anon["data"]["node"]["centres"]["nodes"]
            .as_array()
            .unwrap()
            .len() as i64,
        anon_centres_total,
        "{anon:#}"
    );

    // Project.centres: the archived centre only for those who edit the project.
    let q = "{ project(slug: \"nested-public\") { centres(first: 100, orderBy: [{ field: NAME }]) {
        totalCount nodes { name(lang: EN) } } } }";
    let anon = app.data(q, json!({})).await;
    let names = strings(
        anon["project"]["centres"]["nodes"].as_array().unwrap(),
        "name",
    );
    assert_eq!(names, ["Nested open centre", "Nested shelter"], "{anon:#}");
    assert_eq!(anon["project"]["centres"]["totalCount"], 2);
    let adm = as_user(&app, &admin, q, json!({})).await;
    assert_eq!(
        adm["data"]["project"]["centres"]["totalCount"], 3,
        "{adm:#}"
    );
}

async fn bad_nested_page_arguments_are_refused_as_bad_user_input(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let slugs = projects_with_events(&app).await;
    let q = "query($first: Int, $after: String) { project(slug: \"nested-2\") {
        events(first: $first, after: $after) { edges { cursor } } } }";
    for vars in [
        json!({ "first": 101 }),
        json!({ "first": -1 }),
        json!({ "first": 2, "after": "not a cursor" }),
        json!({ "first": 2, "after": "eyJvIjoiIiwiayI6WyJ4Il19" }),
    ] {
        let resp = app.graphql(q, vars.clone()).await;
        assert_eq!(
            first_error_code(&resp).as_deref(),
            Some("BAD_USER_INPUT"),
            "{vars}: {resp:#}"
        );
    }
    // A cursor from one ordering does not fit another.
    let data = app
        .data(
            PAGE,
            json!({ "ids": [tests::accounts::project_id(&app, None, &slugs[2]).await], "first": 2 }),
        )
        .await;
    let cursor = data["projects"]["edges"][0]["node"]["events"]["pageInfo"]["endCursor"].clone();
    let resp = app.graphql(q, json!({ "first": 2, "after": cursor })).await;
    assert_eq!(
        first_error_code(&resp).as_deref(),
        Some("BAD_USER_INPUT"),
        "{resp:#}"
    );
    // first: 0 is an empty page that still counts.
    let data = app
        .data(
            "{ project(slug: \"nested-2\") { events(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["project"]["events"],
        json!({ "totalCount": 7, "edges": [], "pageInfo": { "hasNextPage": false } })
    );
}

engine_tests!(
    each_parents_pages_join_up_to_its_whole_list_in_order,
    the_parents_of_a_request_share_one_statement_per_page_asked_for,
    the_viewers_scope_applies_to_the_rows_and_to_their_count,
    bad_nested_page_arguments_are_refused_as_bad_user_input,
);

/// Every field of an output type that returns a list of objects is either a
/// connection (paged) or says in its description why it is bounded
/// ("Bounded: …"), so a client can tell which lists may grow without end.
#[test]
fn every_list_of_objects_is_a_connection_or_says_why_it_is_bounded() {
    use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
    let sdl = api::sdl();
    let doc = async_graphql::parser::parse_schema(&sdl).expect("the schema parses");
    let mut objects = std::collections::HashSet::new();
    for def in &doc.definitions {
        if let TypeSystemDefinition::Type(t) = def
            && matches!(
                t.node.kind,
                TypeKind::Object(_) | TypeKind::Interface(_) | TypeKind::Union(_)
            )
        {
            objects.insert(t.node.name.node.to_string());
        }
    }
    fn list_of(ty: &Type) -> Option<String> {
        match &ty.base {
            BaseType::List(inner) => match &inner.base {
                BaseType::Named(name) => Some(name.to_string()),
                BaseType::List(_) => list_of(inner),
            },
            BaseType::Named(_) => None,
        }
    }
    let mut unbounded = Vec::new();
    let mut checked = 0;
    for def in &doc.definitions {
        let TypeSystemDefinition::Type(t) = def else {
            continue;
        };
        let owner = t.node.name.node.as_str();
        let TypeKind::Object(o) = &t.node.kind else {
            continue;
        };
        // A connection's own `edges`/`nodes` are its page; payloads answer
        // one mutation; the mutation root's fields are not lists of rows.
        let is_connection = o.fields.iter().any(|f| f.node.name.node == "edges");
        if is_connection || owner == "MutationRoot" || owner.ends_with("Payload") {
            continue;
        }
        for f in &o.fields {
            let Some(item) = list_of(&f.node.ty.node) else {
                continue;
            };
            if !objects.contains(&item) || item == "UserError" {
                continue;
            }
            checked += 1;
            let description = f
                .node
                .description
                .as_ref()
                .map(|d| d.node.as_str())
                .unwrap_or("");
            if !description.contains("Bounded") {
                unbounded.push(format!("{owner}.{}: [{item}]", f.node.name.node));
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} list fields found: is the schema read?"
    );
    assert!(
        unbounded.is_empty(),
        "list fields that are neither connections nor say why they are bounded (make them a \
         connection, or add \"Bounded: …\" to the description):\n{}",
        unbounded.join("\n")
    );
}
