//! `node(id:)` round trips for every node type, and a non-public project
//! with everything hanging off it invisible to anonymous readers on every path.

use serde_json::{Value, json};
use tests::fixtures;
use tests::{Engine, TestApp, engine_tests, nodes, strings};

const UNDP: &str = "undp-early-recovery-fuzuli-agjabadi-tartar";

async fn node(app: &TestApp, id: &str) -> Value {
    app.data(
        "query($id: ID!) { node(id: $id) { __typename id
            ... on Project { slug }
            ... on Centre { name(lang: EN) }
            ... on Event { title(lang: EN) }
            ... on InfrastructureWork { title(lang: EN) }
            ... on Organisation { name(lang: EN) }
            ... on Area { name(lang: EN) }
            ... on SourceDocument { reference }
            ... on Indicator { code }
            ... on Team { name(lang: EN) }
            ... on Plan { title(lang: EN) } } }",
        json!({ "id": id }),
    )
    .await["node"]
        .clone()
}

async fn node_round_trips_for_every_node_type(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let data = app
        .data(
            "query($slug: String!) {
               project(slug: $slug) { id slug
                 centres { nodes { id name(lang: EN) } }
                 events { nodes { id title(lang: EN) } }
                 infrastructureWorks { nodes { id title(lang: EN) } }
                 indicators { id code }
                 teams { id name(lang: EN) }
                 participants { organisation { id name(lang: EN) } }
                 areas { id name(lang: EN) }
                 source { id reference } }
               azqac: project(slug: \"azqac-unified-reporting-mingachevir\") { plans { plan { id title(lang: EN) } } }
             }",
            json!({ "slug": UNDP }),
        )
        .await;
    let p = &data["project"];
    let cases: Vec<(&str, &Value, &str)> = vec![
        ("Project", p, "slug"),
        ("Centre", &p["centres"]["nodes"][0], "name"),
        ("Event", &p["events"]["nodes"][0], "title"),
        (
            "InfrastructureWork",
            &p["infrastructureWorks"]["nodes"][0],
            "title",
        ),
        ("Indicator", &p["indicators"][0], "code"),
        ("Team", &p["teams"][0], "name"),
        (
            "Organisation",
            &p["participants"][0]["organisation"],
            "name",
        ),
        ("Area", &p["areas"][0], "name"),
        ("SourceDocument", &p["source"], "reference"),
        ("Plan", &data["azqac"]["plans"][0]["plan"], "title"),
    ];
    let mut seen = Vec::new();
    for (type_name, object, key) in cases {
        let id = object["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no {type_name} id in {object:#}"));
        assert!(
            id.parse::<i64>().is_err(),
            "global IDs are opaque, not row numbers: {id}"
        );
        let found = node(&app, id).await;
        assert_eq!(found["__typename"], type_name, "{found:#}");
        assert_eq!(found["id"], id);
        assert_eq!(found[key], object[key], "{type_name} {found:#}");
        assert_eq!(
            fixtures::global_id(type_name, fixtures::raw_id(id)),
            id,
            "test helper agrees with the API's encoding"
        );
        seen.push(id.to_string());
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 10, "IDs of different types never collide");

    // A well-formed ID of a row that does not exist is null, not an error.
    for type_name in ["Project", "Centre", "Area", "Plan"] {
        let missing = fixtures::global_id(type_name, 987_654);
        let resp = app
            .graphql(
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": missing }),
            )
            .await;
        assert!(resp.get("errors").is_none(), "{resp:#}");
        assert_eq!(resp["data"]["node"], Value::Null);
    }
}

async fn non_public_project_and_its_rows_are_invisible_to_anonymous_readers(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let data = app
        .data(
            "{ organisations(filter: { search: \"UNDP\" }) { edges { node { id participations { role project { slug } } } } }
               areas(filter: { code: \"AZ-FUZ\" }) { edges { node { id } } }
               projects { totalCount } centres { totalCount } events { totalCount }
               infrastructureWorks { totalCount } }",
            json!({}),
        )
        .await;
    let undp = nodes(&data["organisations"])[0].clone();
    let fuzuli = nodes(&data["areas"])[0]["id"].as_str().unwrap().to_string();
    let totals: Vec<Value> = ["projects", "centres", "events", "infrastructureWorks"]
        .iter()
        .map(|f| data[*f]["totalCount"].clone())
        .collect();

    // A confidential project in Füzuli with UNDP as implementer, a centre,
    // an event there with attendance, and a work — written past the API.
    let db = &app.db.conn;
    let hidden = fixtures::project(
        db,
        "hidden-shelter-programme",
        "Hidden shelter programme",
        false,
    )
    .await;
    let undp_raw = fixtures::raw_id(undp["id"].as_str().unwrap());
    let fuzuli_raw = fixtures::raw_id(&fuzuli);
    fixtures::participant(
        db,
        hidden,
        undp_raw,
        entities::codes::ParticipantRole::Implementing,
    )
    .await;
    fixtures::project_area(db, hidden, fuzuli_raw).await;
    let centre = fixtures::centre(db, hidden, "Hidden shelter centre", Some(fuzuli_raw)).await;
    let event = fixtures::event(db, hidden, Some(centre), "Hidden shelter training").await;
    fixtures::attendance(db, event, entities::codes::Sex::Female, 40).await;
    let work = fixtures::work(db, hidden, "Hidden shelter road", fuzuli_raw).await;

    let project_id = fixtures::global_id("Project", hidden);
    let centre_id = fixtures::global_id("Centre", centre);
    let event_id = fixtures::global_id("Event", event);
    let work_id = fixtures::global_id("InfrastructureWork", work);

    // Not in any list, nor in the totals.
    let data = app
        .data(
            "query($p: ID!, $c: ID!) {
               projects(first: 100) { totalCount edges { node { slug } } }
               byIds: projects(filter: { ids: [$p] }) { totalCount }
               bySearch: projects(filter: { search: \"Hidden\" }) { totalCount }
               centres(first: 100) { totalCount edges { node { name(lang: EN) } } }
               centreSearch: centres(filter: { search: \"Hidden\" }) { totalCount }
               centresOfProject: centres(filter: { project: $p }) { totalCount }
               events(first: 100) { totalCount edges { node { title(lang: EN) } } }
               eventsAtCentre: events(filter: { centre: $c }) { totalCount }
               infrastructureWorks(first: 100) { totalCount edges { node { title(lang: EN) } } }
               orgsOfProject: organisations(filter: { project: $p }) { totalCount }
             }",
            json!({ "p": project_id, "c": centre_id }),
        )
        .await;
    let now: Vec<Value> = ["projects", "centres", "events", "infrastructureWorks"]
        .iter()
        .map(|f| data[*f]["totalCount"].clone())
        .collect();
    assert_eq!(now, totals, "totals unchanged by the hidden rows");
    for (list, key) in [
        ("projects", "slug"),
        ("centres", "name"),
        ("events", "title"),
        ("infrastructureWorks", "title"),
    ] {
        let values = strings(&nodes(&data[list]), key);
        assert!(
            values.iter().all(|v| !v.contains("idden")),
            "{list} reveals {values:?}"
        );
    }
    for filtered in [
        "byIds",
        "bySearch",
        "centreSearch",
        "centresOfProject",
        "eventsAtCentre",
        "orgsOfProject",
    ] {
        assert_eq!(data[filtered]["totalCount"], 0, "{filtered}: {data:#}");
    }

    // Not by slug, nor by ID.
    let data = app
        .data(
            "{ project(slug: \"hidden-shelter-programme\") { slug } }",
            json!({}),
        )
        .await;
    assert_eq!(data["project"], Value::Null);
    for id in [&project_id, &centre_id, &event_id, &work_id] {
        assert_eq!(node(&app, id).await, Value::Null, "node({id}) is visible");
    }

    // Not through the organisation, nor through the area.
    let data = app
        .data(
            "query($o: ID!, $a: ID!) {
               org: node(id: $o) { ... on Organisation { participations { role project { slug } } } }
               area: node(id: $a) { ... on Area { projects { nodes { slug } } centres { nodes { name(lang: EN) } } } } }",
            json!({ "o": undp["id"], "a": fuzuli }),
        )
        .await;
    assert_eq!(
        data["org"]["participations"], undp["participations"],
        "UNDP's participations are the same as before the hidden project"
    );
    let participations = data["org"]["participations"].as_array().unwrap();
    assert!(
        participations.iter().all(|p| p["project"]["slug"] == UNDP),
        "{participations:#?}"
    );
    assert_eq!(data["area"]["projects"]["nodes"], json!([{ "slug": UNDP }]));
    let centres = strings(data["area"]["centres"]["nodes"].as_array().unwrap(), "name");
    assert_eq!(centres, ["Füzuli Community Resource Centre"]);
}

async fn nodes_answers_each_id_as_node_does_in_order_and_at_most_a_hundred(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let data = app
        .data(
            "query($slug: String!) { project(slug: $slug) { id
               centres { nodes { id } } events { nodes { id } } indicators { id } } }",
            json!({ "slug": UNDP }),
        )
        .await;
    let p = &data["project"];
    // A confidential project written past the API: null for anonymous readers.
    let hidden = fixtures::project(&app.db.conn, "hidden-nodes-programme", "Hidden", false).await;
    let hidden_id = api::graphql::ids::encode(api::graphql::ids::NodeType::Project, hidden).0;
    let missing = api::graphql::ids::encode(api::graphql::ids::NodeType::Event, 99_999_999).0;
    let ids: Vec<String> = [
        &p["events"]["nodes"][0]["id"],
        &p["id"],
        &p["centres"]["nodes"][0]["id"],
        &p["indicators"][0]["id"],
    ]
    .iter()
    .map(|v| v.as_str().unwrap().to_string())
    .chain([hidden_id.clone(), missing.clone()])
    .collect();
    let answer = app
        .data(
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
            json!({ "ids": ids }),
        )
        .await;
    let got = answer["nodes"].as_array().unwrap().clone();
    assert_eq!(got.len(), ids.len());
    for (id, item) in ids.iter().zip(&got) {
        let one = node(&app, id).await;
        assert_eq!(item.is_null(), one.is_null(), "{id}");
        if !item.is_null() {
            assert_eq!(&item["id"], &one["id"]);
            assert_eq!(&item["__typename"], &one["__typename"]);
        }
    }
    assert_eq!(got[0]["__typename"], "Event", "in the order asked");
    assert_eq!(got[1]["__typename"], "Project");
    assert!(got[4].is_null(), "a hidden project is null, as node says");
    assert!(got[5].is_null(), "a missing row is null");
    // More than 100 IDs, or a malformed one, is bad input.
    let many: Vec<&str> = std::iter::repeat_n(ids[0].as_str(), 101).collect();
    let code = app
        .error_code(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": many }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    let code = app
        .error_code(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [ids[0], "not-an-id"] }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
}

engine_tests!(
    node_round_trips_for_every_node_type,
    non_public_project_and_its_rows_are_invisible_to_anonymous_readers,
    nodes_answers_each_id_as_node_does_in_order_and_at_most_a_hundred,
);
