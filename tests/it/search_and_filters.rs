//! Text search with and without Azerbaijani letters, and the filter input
//! objects of every list: organisation and role, area with its sub-areas,
//! kind, status, date range, parent/within, and/or, and malformed IDs.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use tests::{Engine, TestApp, engine_tests, nodes, strings};

const UNDP: &str = "undp-early-recovery-fuzuli-agjabadi-tartar";

/// Runs `{ <field>(filter: $f, first: 100) { totalCount edges { node { <selection> } } } }`.
async fn list(app: &TestApp, field: &str, filter: Value, selection: &str) -> (i64, Vec<Value>) {
    let filter_type = match field {
        "projects" => "ProjectFilter",
        "centres" => "CentreFilter",
        "events" => "EventFilter",
        "infrastructureWorks" => "InfrastructureWorkFilter",
        "organisations" => "OrganisationFilter",
        "areas" => "AreaFilter",
        other => panic!("unknown list {other}"),
    };
    let query = format!(
        "query($f: {filter_type}) {{ {field}(filter: $f, first: 100) {{ totalCount edges {{ node {{ {selection} }} }} }} }}"
    );
    let data = app.data(&query, json!({ "f": filter })).await;
    let found = nodes(&data[field]);
    let total = data[field]["totalCount"].as_i64().unwrap();
    assert_eq!(total as usize, found.len(), "totalCount matches the rows");
    (total, found)
}

/// Sorted values of `key` in the rows of a list.
async fn names(
    app: &TestApp,
    field: &str,
    filter: Value,
    key: &str,
    selection: &str,
) -> Vec<String> {
    let (_, rows) = list(app, field, filter, selection).await;
    let mut out = strings(&rows, key);
    out.sort();
    out
}

async fn area_id(app: &TestApp, code: &str) -> String {
    let (_, rows) = list(app, "areas", json!({ "code": code }), "id").await;
    assert_eq!(rows.len(), 1, "one area with code {code}");
    rows[0]["id"].as_str().unwrap().to_string()
}

async fn area_id_named(app: &TestApp, search: &str) -> String {
    let (_, rows) = list(app, "areas", json!({ "search": search }), "id").await;
    assert_eq!(rows.len(), 1, "one area matching {search}");
    rows[0]["id"].as_str().unwrap().to_string()
}

async fn organisation_id(app: &TestApp, search: &str) -> String {
    let (_, rows) = list(app, "organisations", json!({ "search": search }), "id").await;
    assert_eq!(
        rows.len(),
        1,
        "one organisation matching {search}: {rows:?}"
    );
    rows[0]["id"].as_str().unwrap().to_string()
}

// ------------------------------------------------------------------ search

async fn text_search_finds_fuzuli_without_diacritics(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let areas = names(
        &app,
        "areas",
        json!({ "search": "Fuzuli" }),
        "name",
        "name(lang: AZ)",
    )
    .await;
    assert_eq!(areas, ["Füzuli"]);
    let centres = names(
        &app,
        "centres",
        json!({ "search": "Fuzuli" }),
        "name",
        "name(lang: AZ)",
    )
    .await;
    assert_eq!(centres, ["Füzuli İcma Resurs Mərkəzi"]);
    let projects = names(
        &app,
        "projects",
        json!({ "search": "Fuzuli" }),
        "slug",
        "slug",
    )
    .await;
    assert_eq!(projects, [UNDP]);
    // The Azerbaijani spelling and other cases find the same.
    for q in ["Füzuli", "FÜZULİ", "fuzuli", "  Fuzuli  "] {
        let found = names(
            &app,
            "areas",
            json!({ "search": q }),
            "name",
            "name(lang: AZ)",
        )
        .await;
        assert_eq!(found, ["Füzuli"], "search {q:?}");
    }
}

async fn text_search_finds_tartar_for_tartar_with_schwa(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let areas = names(
        &app,
        "areas",
        json!({ "search": "Tartar" }),
        "name",
        "name(lang: AZ)",
    )
    .await;
    assert_eq!(areas, ["Tərtər"]);
    let centres = names(
        &app,
        "centres",
        json!({ "search": "Tartar" }),
        "name",
        "name(lang: AZ)",
    )
    .await;
    assert_eq!(centres, ["Tərtər İcma Resurs Mərkəzi"]);
    let projects = names(
        &app,
        "projects",
        json!({ "search": "Tartar" }),
        "slug",
        "slug",
    )
    .await;
    assert_eq!(projects, [UNDP]);
}

async fn text_search_finds_agcabadi_by_its_english_transliteration_aghjabadi(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    for q in ["Aghjabadi", "Agcabadi", "Agcabedi", "Ağcabədi"] {
        let areas = names(
            &app,
            "areas",
            json!({ "search": q }),
            "name",
            "name(lang: AZ)",
        )
        .await;
        assert_eq!(areas, ["Ağcabədi"], "search {q:?}");
    }
    let centres = names(
        &app,
        "centres",
        json!({ "search": "Aghjabadi" }),
        "name",
        "name(lang: AZ)",
    )
    .await;
    assert_eq!(centres, ["Ağcabədi İcma Resurs Mərkəzi"]);
    let projects = names(
        &app,
        "projects",
        json!({ "search": "Aghjabadi" }),
        "slug",
        "slug",
    )
    .await;
    assert_eq!(projects, [UNDP]);
}

async fn text_search_finds_the_mingachevir_meeting_and_project(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let events = names(
        &app,
        "events",
        json!({ "search": "Mingachevir" }),
        "title",
        "title(lang: AZ)",
    )
    .await;
    assert_eq!(events, ["Mingəçevir RM rayon bölmə sədrlərinin görüşü"]);
    let projects = names(
        &app,
        "projects",
        json!({ "search": "Mingachevir" }),
        "slug",
        "slug",
    )
    .await;
    assert_eq!(projects, ["azqac-unified-reporting-mingachevir"]);
    let centres = names(
        &app,
        "centres",
        json!({ "search": "Mingachevir" }),
        "name",
        "name(lang: AZ)",
    )
    .await;
    assert_eq!(centres, ["AzQAC Mingəçevir Regional Mərkəzi"]);
    let areas = names(
        &app,
        "areas",
        json!({ "search": "Mingəçevir" }),
        "code",
        "code",
    )
    .await;
    assert_eq!(areas, ["AZ-MI"]);
}

async fn text_search_finds_organisations_by_acronym_in_either_language(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    for q in ["UNDP", "BMTİP", "bmtip"] {
        let found = names(
            &app,
            "organisations",
            json!({ "search": q }),
            "acronym",
            "acronym(lang: EN)",
        )
        .await;
        assert_eq!(found, ["UNDP"], "search {q:?}");
    }
    let found = names(
        &app,
        "organisations",
        json!({ "search": "Qizil Aypara" }),
        "name",
        "name(lang: EN)",
    )
    .await;
    assert_eq!(found, ["Azerbaijan Red Crescent Society"]);
}

async fn text_search_for_something_absent_finds_nothing(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    for field in [
        "projects",
        "centres",
        "events",
        "infrastructureWorks",
        "organisations",
        "areas",
    ] {
        let (total, _) = list(&app, field, json!({ "search": "Zaqatala" }), "id").await;
        assert_eq!(total, 0, "{field}");
    }
}

async fn like_wildcards_inside_a_search_word_are_not_wildcards(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    // As LIKE patterns these would match "Füzuli" / every name with an "a".
    for q in ["F_zuli", "Fu%li", "T_rt_r", "Ba_u", "G%ncə"] {
        for field in ["areas", "centres", "projects", "organisations"] {
            let (total, rows) = list(&app, field, json!({ "search": q }), "id").await;
            assert_eq!(total, 0, "{field} search {q:?} matched {rows:?}");
        }
    }
}

async fn a_search_of_only_wildcards_does_not_match_everything(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    for q in ["%", "_", "%%", "%_%", "\\%", " "] {
        for (field, all) in [("areas", 12), ("organisations", 11), ("projects", 5)] {
            let (total, _) = list(&app, field, json!({ "search": q }), "id").await;
            assert_ne!(
                total, all,
                "{field}(filter: {{ search: {q:?} }}) matched every row"
            );
        }
    }
}

// ----------------------------------------------------------------- filters

async fn projects_filter_by_organisation_and_role(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let undp = organisation_id(&app, "UNDP").await;
    let slugs = |rows: Vec<Value>| {
        let mut s = strings(&rows, "slug");
        s.sort();
        s
    };
    let (_, rows) = list(&app, "projects", json!({ "organisation": undp }), "slug").await;
    assert_eq!(slugs(rows), [UNDP]);
    let (_, rows) = list(
        &app,
        "projects",
        json!({ "organisation": undp, "role": "ACCOUNTABLE" }),
        "slug",
    )
    .await;
    assert_eq!(slugs(rows), [UNDP]);
    let (total, _) = list(
        &app,
        "projects",
        json!({ "organisation": undp, "role": "FUNDING" }),
        "slug",
    )
    .await;
    assert_eq!(total, 0, "UNDP funds no demo project");

    let amfa = organisation_id(&app, "AMFA").await;
    let (_, rows) = list(
        &app,
        "projects",
        json!({ "organisation": amfa, "role": "IMPLEMENTING" }),
        "slug",
    )
    .await;
    assert_eq!(slugs(rows), [UNDP]);
    let (total, _) = list(
        &app,
        "projects",
        json!({ "organisation": amfa, "role": "ACCOUNTABLE" }),
        "slug",
    )
    .await;
    assert_eq!(total, 0);

    let ministry = organisation_id(&app, "MLSPP").await;
    let (_, rows) = list(
        &app,
        "projects",
        json!({ "organisation": ministry, "role": "ACCOUNTABLE" }),
        "slug",
    )
    .await;
    assert_eq!(
        slugs(rows),
        [
            "mlsp-child-hotline",
            "mlsp-trafficking-victim-assistance",
            "unified-coordination-centres"
        ]
    );
    // Role alone: projects with any partner.
    let (_, rows) = list(&app, "projects", json!({ "role": "PARTNER" }), "slug").await;
    assert_eq!(
        slugs(rows),
        [
            "azqac-unified-reporting-mingachevir",
            "mlsp-child-hotline",
            "mlsp-trafficking-victim-assistance",
            "unified-coordination-centres"
        ]
    );
    // The same organisation filter works on the other lists.
    let (total, _) = list(
        &app,
        "infrastructureWorks",
        json!({ "organisation": undp }),
        "id",
    )
    .await;
    assert_eq!(total, 3);
    let (total, _) = list(
        &app,
        "centres",
        json!({ "organisation": undp, "role": "IMPLEMENTING" }),
        "id",
    )
    .await;
    assert_eq!(total, 3);
    let (total, _) = list(&app, "events", json!({ "organisation": amfa }), "id").await;
    assert!(total >= 5, "the UNDP project's events: {total}");
    let (_, orgs) = list(
        &app,
        "organisations",
        json!({ "role": "ACCOUNTABLE" }),
        "acronym(lang: EN)",
    )
    .await;
    let mut acronyms = strings(&orgs, "acronym");
    acronyms.sort();
    assert_eq!(acronyms, ["AzRCS", "MLSPP", "UNDP"]);
}

async fn area_filter_includes_sub_areas(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let fuzuli = area_id(&app, "AZ-FUZ").await;
    let az = area_id(&app, "AZ").await;
    let horadiz = area_id_named(&app, "Horadiz").await;

    let (_, rows) = list(&app, "projects", json!({ "area": fuzuli }), "slug").await;
    assert_eq!(strings(&rows, "slug"), [UNDP]);
    let (_, rows) = list(&app, "projects", json!({ "area": horadiz }), "slug").await;
    assert_eq!(strings(&rows, "slug"), [UNDP]);

    let (total, rows) = list(
        &app,
        "infrastructureWorks",
        json!({ "area": az }),
        "area { name(lang: AZ) }",
    )
    .await;
    assert_eq!(
        total, 3,
        "the country holds all three works, two in its villages"
    );
    let mut places: Vec<&str> = rows
        .iter()
        .map(|r| r["area"]["name"].as_str().unwrap())
        .collect();
    places.sort();
    assert_eq!(places, ["Horadiz", "Qazaxlılar", "Əhmədalılar"]);
    let (_, rows) = list(
        &app,
        "infrastructureWorks",
        json!({ "area": fuzuli }),
        "area { name(lang: AZ) }",
    )
    .await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["area"]["name"], "Horadiz", "Horadiz lies in Füzuli");

    // Centres in an area or serving it: Bərdə is served by the Tərtər centre.
    let barda = area_id(&app, "AZ-BAR").await;
    let centres = names(
        &app,
        "centres",
        json!({ "area": barda }),
        "name",
        "name(lang: AZ)",
    )
    .await;
    assert_eq!(centres, ["Tərtər İcma Resurs Mərkəzi"]);
    // Events in an area: the UNDP trainings took place in the three districts.
    let tartar = area_id(&app, "AZ-TAR").await;
    let (total, _) = list(&app, "events", json!({ "area": tartar }), "id").await;
    assert_eq!(
        total, 4,
        "three trainings and the vocational courses in Tərtər"
    );
    let ganja = area_id(&app, "AZ-GA").await;
    let (_, rows) = list(&app, "projects", json!({ "area": ganja }), "slug").await;
    assert_eq!(
        strings(&rows, "slug"),
        ["mlsp-trafficking-victim-assistance"]
    );
}

async fn sensitive_centres_are_not_found_by_area(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let ganja = area_id(&app, "AZ-GA").await;
    let az = area_id(&app, "AZ").await;
    // The Gəncə rehabilitation centre is a sensitive location.
    for area in [ganja, az] {
        let (_, rows) = list(
            &app,
            "centres",
            json!({ "area": area }),
            "name(lang: EN) sensitiveLocation",
        )
        .await;
        assert!(
            rows.iter().all(|r| r["sensitiveLocation"] == false),
            "filtering by place reveals a sensitive location: {rows:#?}"
        );
    }
}

async fn centres_filter_by_kind_and_status(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let (total, _) = list(&app, "centres", json!({}), "id").await;
    assert_eq!(total, 11, "all public centres");
    let (total, _) = list(
        &app,
        "centres",
        json!({ "kind": ["COMMUNITY_RESOURCE_CENTRE"] }),
        "id",
    )
    .await;
    assert_eq!(total, 3);
    let hotlines = names(
        &app,
        "centres",
        json!({ "kind": ["HOTLINE"] }),
        "name",
        "name(lang: EN)",
    )
    .await;
    assert_eq!(hotlines, ["Hotline for children", "“142” call centre"]);
    let operational = names(
        &app,
        "centres",
        json!({ "kind": ["HOTLINE"], "status": ["OPERATIONAL"] }),
        "name",
        "name(lang: EN)",
    )
    .await;
    assert_eq!(operational, ["“142” call centre"]);
    let planned = names(
        &app,
        "centres",
        json!({ "status": ["PLANNED"] }),
        "name",
        "name(lang: EN)",
    )
    .await;
    assert_eq!(
        planned,
        [
            "Hotline for children",
            "Regional unified coordination centres"
        ]
    );
    let (total, _) = list(
        &app,
        "centres",
        json!({ "kind": ["SOCIAL_SHELTER", "VICTIM_ASSISTANCE_CENTRE"] }),
        "id",
    )
    .await;
    assert_eq!(total, 2);
}

async fn events_filter_by_kind_and_date_range(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let title = "title(lang: EN)";
    let august = names(
        &app,
        "events",
        json!({ "dates": { "from": "2021-08-01", "to": "2021-08-31" } }),
        "title",
        title,
    )
    .await;
    assert_eq!(
        august,
        ["Leadership and management skills trainings for executive-authority staff"],
        "the training overlaps August 2021; the January meetings do not"
    );
    let january = names(
        &app,
        "events",
        json!({ "dates": { "from": "2021-01-15", "to": "2021-01-20" } }),
        "title",
        title,
    )
    .await;
    assert_eq!(
        january,
        ["Community meetings to identify and rank the main needs"]
    );
    let (total, _) = list(
        &app,
        "events",
        json!({ "dates": { "from": "2021-03-01", "to": "2021-07-31" } }),
        "id",
    )
    .await;
    assert_eq!(total, 0, "nothing between the meetings and the trainings");
    let open_ended = names(
        &app,
        "events",
        json!({ "dates": { "to": "2020-12-31" } }),
        "title",
        title,
    )
    .await;
    assert_eq!(
        open_ended,
        ["Meeting of the Mingəçevir Regional Centre's district branch chairs"]
    );
    let (total, _) = list(
        &app,
        "events",
        json!({ "dates": { "from": "2016-01-01" } }),
        "id",
    )
    .await;
    assert_eq!(total, 3, "only events with dates match a date filter");

    let (total, _) = list(
        &app,
        "events",
        json!({ "kind": ["COMMUNITY_MEETING"] }),
        "id",
    )
    .await;
    assert_eq!(total, 1);
    let courses = names(
        &app,
        "events",
        json!({ "kind": ["VOCATIONAL_COURSE"] }),
        "title",
        title,
    )
    .await;
    assert_eq!(
        courses,
        ["Innovative vocational courses: graphic design, web programming, content manager"]
    );
    let (total, _) = list(
        &app,
        "events",
        json!({ "kind": ["TRAINING"], "dates": { "from": "2021-08-01", "to": "2021-08-31" } }),
        "id",
    )
    .await;
    assert_eq!(total, 1);
    let (total, _) = list(&app, "events", json!({ "kind": ["COMMUNITY_MEETING"], "dates": { "from": "2021-08-01", "to": "2021-08-31" } }), "id").await;
    assert_eq!(total, 0);
    let (total, _) = list(&app, "events", json!({ "status": ["PLANNED"] }), "id").await;
    assert_eq!(
        total, 1,
        "the hotline's good-practice trainings are planned"
    );
}

async fn works_filter_by_status_and_kind(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let (total, _) = list(
        &app,
        "infrastructureWorks",
        json!({ "status": ["COMPLETED"] }),
        "id",
    )
    .await;
    assert_eq!(total, 3);
    let (total, _) = list(
        &app,
        "infrastructureWorks",
        json!({ "status": ["IN_PROGRESS", "PLANNED"] }),
        "id",
    )
    .await;
    assert_eq!(total, 0);
    let (total, _) = list(
        &app,
        "infrastructureWorks",
        json!({ "kind": ["ROAD"], "status": ["COMPLETED"] }),
        "id",
    )
    .await;
    assert_eq!(total, 2);
    let irrigation = names(
        &app,
        "infrastructureWorks",
        json!({ "kind": ["IRRIGATION"] }),
        "title",
        "title(lang: AZ)",
    )
    .await;
    assert_eq!(
        irrigation,
        ["Horadiz şəhərində kənd təsərrüfatı üçün suvarma su xəttinin çəkilməsi"]
    );
}

async fn areas_filter_by_parent(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let az = area_id(&app, "AZ").await;
    let fuzuli = area_id(&app, "AZ-FUZ").await;
    let (total, _) = list(&app, "areas", json!({}), "id").await;
    assert_eq!(total, 12);
    let children = names(
        &app,
        "areas",
        json!({ "parent": az }),
        "name",
        "name(lang: EN)",
    )
    .await;
    assert_eq!(
        children,
        [
            "Aghdam",
            "Aghjabadi",
            "Ahmadalilar",
            "Baku",
            "Barda",
            "Fuzuli",
            "Ganja",
            "Gazakhlilar",
            "Mingachevir",
            "Tartar"
        ]
    );
    let in_fuzuli = names(
        &app,
        "areas",
        json!({ "parent": fuzuli }),
        "name",
        "name(lang: EN)",
    )
    .await;
    assert_eq!(in_fuzuli, ["Horadiz"]);
    // Relations agree with the filter.
    let data = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Area { children { name(lang: EN) } parent { code } } } }",
            json!({ "id": fuzuli }),
        )
        .await;
    assert_eq!(data["node"]["children"], json!([{ "name": "Horadiz" }]));
    assert_eq!(data["node"]["parent"]["code"], "AZ");
    let (total, _) = list(
        &app,
        "areas",
        json!({ "parent": az, "kind": ["VILLAGE"] }),
        "id",
    )
    .await;
    assert_eq!(total, 2);
}

async fn areas_filter_within_includes_the_area_and_everything_inside(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let az = area_id(&app, "AZ").await;
    let fuzuli = area_id(&app, "AZ-FUZ").await;
    let within_fuzuli = names(
        &app,
        "areas",
        json!({ "within": fuzuli }),
        "name",
        "name(lang: EN)",
    )
    .await;
    assert_eq!(
        within_fuzuli,
        ["Fuzuli", "Horadiz"],
        "within includes the area itself"
    );
    let (total, _) = list(&app, "areas", json!({ "within": az }), "id").await;
    assert_eq!(total, 12, "every area lies within the country");
    let villages = names(
        &app,
        "areas",
        json!({ "within": az, "kind": ["VILLAGE"] }),
        "name",
        "name(lang: AZ)",
    )
    .await;
    assert_eq!(villages, ["Qazaxlılar", "Əhmədalılar"]);
}

async fn and_or_filters_combine(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let codes = names(
        &app,
        "areas",
        json!({ "or": [{ "code": "AZ-FUZ" }, { "code": "AZ-TAR" }] }),
        "code",
        "code",
    )
    .await;
    assert_eq!(codes, ["AZ-FUZ", "AZ-TAR"]);
    let codes = names(
        &app,
        "areas",
        json!({ "and": [{ "kind": ["DISTRICT"] }, { "search": "Tartar" }] }),
        "code",
        "code",
    )
    .await;
    assert_eq!(codes, ["AZ-TAR"]);
    let (total, _) = list(
        &app,
        "areas",
        json!({ "and": [{ "kind": ["CITY"] }, { "search": "Tartar" }] }),
        "id",
    )
    .await;
    assert_eq!(total, 0);
    // Top-level criteria and `or` must all hold.
    let codes = names(&app, "areas", json!({ "kind": ["CITY"], "or": [{ "search": "Ganja" }, { "search": "Baku" }, { "search": "Tartar" }] }), "code", "code").await;
    assert_eq!(codes, ["AZ-BA", "AZ-GA"]);
    // Nested: (district and (Füzuli or Tərtər)) or village.
    let found = names(
        &app,
        "areas",
        json!({ "or": [
            { "kind": ["DISTRICT"], "or": [{ "search": "Fuzuli" }, { "search": "Tartar" }] },
            { "kind": ["VILLAGE"] }
        ] }),
        "name",
        "name(lang: EN)",
    )
    .await;
    assert_eq!(found, ["Ahmadalilar", "Fuzuli", "Gazakhlilar", "Tartar"]);

    let undp = organisation_id(&app, "UNDP").await;
    let azqac = organisation_id(&app, "AzQAC").await;
    let slugs = names(
        &app,
        "projects",
        json!({ "or": [{ "organisation": undp }, { "organisation": azqac }] }),
        "slug",
        "slug",
    )
    .await;
    assert_eq!(slugs, ["azqac-unified-reporting-mingachevir", UNDP]);
    let (total, _) = list(
        &app,
        "projects",
        json!({ "and": [{ "organisation": undp }, { "organisation": azqac }] }),
        "id",
    )
    .await;
    assert_eq!(total, 0);
    let (total, _) = list(
        &app,
        "events",
        json!({ "or": [{ "kind": ["COMMUNITY_MEETING"] }, { "kind": ["VOCATIONAL_COURSE"] }] }),
        "id",
    )
    .await;
    assert_eq!(total, 2);
    let (total, _) = list(
        &app,
        "centres",
        json!({ "or": [{ "kind": ["HOTLINE"] }, { "status": ["PLANNED"] }] }),
        "id",
    )
    .await;
    assert_eq!(
        total, 3,
        "two hotlines and the planned regional centres, the child hotline once"
    );
}

async fn malformed_or_wrong_type_ids_are_bad_user_input(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let fuzuli = area_id(&app, "AZ-FUZ").await;
    let undp = organisation_id(&app, "UNDP").await;
    let cases = [
        (
            "query($id: ID!) { projects(filter: { organisation: $id }) { totalCount } }",
            json!("not-an-id"),
        ),
        (
            "query($id: ID!) { projects(filter: { organisation: $id }) { totalCount } }",
            json!(fuzuli),
        ),
        (
            "query($id: ID!) { projects(filter: { area: $id }) { totalCount } }",
            json!(undp),
        ),
        (
            "query($id: ID!) { projects(filter: { ids: [$id] }) { totalCount } }",
            json!(fuzuli),
        ),
        (
            "query($id: ID!) { centres(filter: { project: $id }) { totalCount } }",
            json!("%%%"),
        ),
        (
            "query($id: ID!) { events(filter: { centre: $id }) { totalCount } }",
            json!(undp),
        ),
        (
            "query($id: ID!) { infrastructureWorks(filter: { area: $id }) { totalCount } }",
            json!("UHJvamVjdDp4"),
        ),
        (
            "query($id: ID!) { areas(filter: { within: $id }) { totalCount } }",
            json!(undp),
        ),
        (
            "query($id: ID!) { areas(filter: { or: [{ parent: $id }] }) { totalCount } }",
            json!(""),
        ),
        (
            "query($id: ID!) { organisations(filter: { project: $id }) { totalCount } }",
            json!(fuzuli),
        ),
        (
            "query($id: ID!) { node(id: $id) { id } }",
            json!("bm90IGEgbm9kZQ"),
        ),
        (
            "query($id: ID!) { node(id: $id) { id } }",
            json!("U2VjcmV0OjE"),
        ),
    ];
    for (query, id) in cases {
        let resp = app.graphql(query, json!({ "id": id })).await;
        assert_eq!(
            tests::first_error_code(&resp).as_deref(),
            Some("BAD_USER_INPUT"),
            "{query} with {id}: {resp:#}"
        );
    }
}

engine_tests!(
    text_search_finds_fuzuli_without_diacritics,
    text_search_finds_tartar_for_tartar_with_schwa,
    text_search_finds_agcabadi_by_its_english_transliteration_aghjabadi,
    text_search_finds_the_mingachevir_meeting_and_project,
    text_search_finds_organisations_by_acronym_in_either_language,
    text_search_for_something_absent_finds_nothing,
    like_wildcards_inside_a_search_word_are_not_wildcards,
    projects_filter_by_organisation_and_role,
    centres_filter_by_kind_and_status,
    events_filter_by_kind_and_date_range,
    works_filter_by_status_and_kind,
    areas_filter_by_parent,
    and_or_filters_combine,
    malformed_or_wrong_type_ids_are_bad_user_input,
);

engine_tests!(
    area_filter_includes_sub_areas,
    sensitive_centres_are_not_found_by_area,
    areas_filter_within_includes_the_area_and_everything_inside,
);

/// With ə typed as e (a Turkish keyboard), names still match; and rows whose
/// keys were stored before that spelling existed get it at the next start.
async fn text_search_finds_schwa_typed_as_e_also_in_keys_stored_before(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let q = "query($s: String!) { areas(filter: { search: $s }) { edges { node { name(lang: AZ) } } } }";
    let found = |resp: Value| -> Vec<String> { strings(&nodes(&resp["data"]["areas"]), "name") };
    assert_eq!(
        found(app.graphql(q, json!({ "s": "Mingecevir" })).await),
        ["Mingəçevir"]
    );
    assert_eq!(
        found(app.graphql(q, json!({ "s": "Terter" })).await),
        ["Tərtər"]
    );
    // A key as an earlier version stored it (without the e spelling).
    let db = &app.db.conn;
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_string(
        backend,
        "UPDATE areas SET search_key = '|tartar|' WHERE name_az = 'Tərtər'",
    ))
    .await
    .unwrap();
    assert!(found(app.graphql(q, json!({ "s": "Terter" })).await).is_empty());
    let updated = api::search::add_schwa_spellings(db).await.unwrap();
    assert_eq!(updated, 1, "only the old key changes");
    assert_eq!(
        found(app.graphql(q, json!({ "s": "Terter" })).await),
        ["Tərtər"]
    );
    assert_eq!(
        found(app.graphql(q, json!({ "s": "Tartar" })).await),
        ["Tərtər"]
    );
    assert_eq!(api::search::add_schwa_spellings(db).await.unwrap(), 0);
}

engine_tests!(
    a_search_of_only_wildcards_does_not_match_everything,
    text_search_finds_schwa_typed_as_e_also_in_keys_stored_before,
);
