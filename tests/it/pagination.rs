//! Keyset pagination both ways: pages put together equal the whole list in
//! the same order, cursors stay valid when rows are inserted, pageInfo is
//! right at both ends, and bad page arguments are refused.

use serde_json::{Value, json};
use tests::fixtures;
use tests::{Engine, TestApp, engine_tests, first_error_code, nodes, strings};

/// One of the root connections, with what to select from its nodes.
#[derive(Clone, Copy)]
struct List {
    field: &'static str,
    order_type: &'static str,
    filter_type: &'static str,
    selection: &'static str,
}

const AREAS: List = List {
    field: "areas",
    order_type: "AreaOrder",
    filter_type: "AreaFilter",
    selection: "id name code kind",
};

const ORGANISATIONS: List = List {
    field: "organisations",
    order_type: "OrganisationOrder",
    filter_type: "OrganisationFilter",
    selection: "id name kind",
};

const PROJECTS: List = List {
    field: "projects",
    order_type: "ProjectOrder",
    filter_type: "ProjectFilter",
    selection: "id slug status actualStart",
};

const CENTRES: List = List {
    field: "centres",
    order_type: "CentreOrder",
    filter_type: "CentreFilter",
    selection: "id name kind status openedOn",
};

const EVENTS: List = List {
    field: "events",
    order_type: "EventOrder",
    filter_type: "EventFilter",
    selection: "id title kind startDate",
};

/// One page as the server returns it.
struct Page {
    nodes: Vec<Value>,
    cursors: Vec<String>,
    info: Value,
    total: i64,
}

struct Pager<'a> {
    app: &'a TestApp,
    list: List,
    order: Value,
    filter: Value,
    headers: Vec<(&'static str, &'static str)>,
}

impl Pager<'_> {
    fn query(&self) -> String {
        let List {
            field,
            order_type,
            filter_type,
            selection,
        } = self.list;
        format!(
            "query($first: Int, $after: String, $last: Int, $before: String, $order: [{order_type}!], $filter: {filter_type}) {{
               {field}(first: $first, after: $after, last: $last, before: $before, orderBy: $order, filter: $filter) {{
                 totalCount
                 pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
                 edges {{ cursor node {{ {selection} }} }}
               }} }}"
        )
    }

    fn vars(&self, args: Value) -> Value {
        let mut vars = json!({ "order": self.order, "filter": self.filter });
        for (k, v) in args.as_object().unwrap() {
            vars[k] = v.clone();
        }
        vars
    }

    async fn raw(&self, args: Value) -> Value {
        self.app
            .graphql_with(&self.query(), self.vars(args), &self.headers)
            .await
    }

    async fn page(&self, args: Value) -> Page {
        let resp = self.raw(args.clone()).await;
        assert!(
            resp.get("errors").is_none(),
            "{} {args}: {resp:#}",
            self.list.field
        );
        let conn = &resp["data"][self.list.field];
        let edges = conn["edges"].as_array().unwrap();
        let page = Page {
            nodes: nodes(conn),
            cursors: edges
                .iter()
                .map(|e| e["cursor"].as_str().unwrap().to_string())
                .collect(),
            info: conn["pageInfo"].clone(),
            total: conn["totalCount"].as_i64().unwrap(),
        };
        assert_eq!(
            page.info["startCursor"].as_str(),
            page.cursors.first().map(String::as_str)
        );
        assert_eq!(
            page.info["endCursor"].as_str(),
            page.cursors.last().map(String::as_str)
        );
        page
    }

    /// The whole list in one page.
    async fn all(&self) -> Vec<Value> {
        let page = self.page(json!({ "first": 100 })).await;
        assert_eq!(page.total as usize, page.nodes.len());
        assert_eq!(page.info["hasNextPage"], false);
        assert_eq!(page.info["hasPreviousPage"], false);
        page.nodes
    }

    /// Pages forward with `first: size` until the end.
    async fn forward(&self, size: usize) -> Vec<Page> {
        let mut pages: Vec<Page> = Vec::new();
        loop {
            let after = pages.last().map(|p| p.info["endCursor"].clone());
            let page = self
                .page(json!({ "first": size, "after": after.unwrap_or(Value::Null) }))
                .await;
            let done = page.info["hasNextPage"] == false;
            pages.push(page);
            assert!(pages.len() <= 100, "paging forward never ends");
            if done {
                return pages;
            }
        }
    }

    /// Pages backward with `last: size` from the end until the start.
    async fn backward(&self, size: usize) -> Vec<Page> {
        let mut pages: Vec<Page> = Vec::new();
        loop {
            let before = pages.last().map(|p| p.info["startCursor"].clone());
            let page = self
                .page(json!({ "last": size, "before": before.unwrap_or(Value::Null) }))
                .await;
            let done = page.info["hasPreviousPage"] == false;
            pages.push(page);
            assert!(pages.len() <= 100, "paging backward never ends");
            if done {
                return pages;
            }
        }
    }
}

fn ids(nodes: &[Value]) -> Vec<String> {
    strings(nodes, "id")
}

/// Walks a list both ways in pages of `size` and checks the pages against
/// the whole list; returns the whole list.
async fn check_both_ways(pager: &Pager<'_>, size: usize) -> Vec<Value> {
    let what = format!(
        "{} orderBy {} filter {} {:?}",
        pager.list.field, pager.order, pager.filter, pager.headers
    );
    let all = pager.all().await;
    // Paging an empty list proves nothing about keysets or cursors.
    assert!(!all.is_empty(), "{what} is empty: nothing to page");
    let all_ids = ids(&all);
    let mut unique = all_ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), all_ids.len(), "duplicates in {what}");
    let expected_pages = all.len().div_ceil(size).max(1);

    let forward = pager.forward(size).await;
    let joined: Vec<String> = forward.iter().flat_map(|p| ids(&p.nodes)).collect();
    assert_eq!(
        joined, all_ids,
        "forward pages of {size} differ from {what}"
    );
    assert_eq!(forward.len(), expected_pages, "{what}");
    for (i, p) in forward.iter().enumerate() {
        assert_eq!(p.total as usize, all.len(), "totalCount on every page");
        assert!(p.nodes.len() <= size);
        assert_eq!(
            p.info["hasPreviousPage"],
            i > 0,
            "forward page {i} of {what}"
        );
        assert_eq!(
            p.info["hasNextPage"],
            i + 1 < forward.len(),
            "forward page {i} of {what}"
        );
    }

    let backward = pager.backward(size).await;
    let joined: Vec<String> = backward.iter().rev().flat_map(|p| ids(&p.nodes)).collect();
    assert_eq!(
        joined, all_ids,
        "backward pages of {size} differ from {what}"
    );
    assert_eq!(backward.len(), expected_pages, "{what}");
    for (i, p) in backward.iter().enumerate() {
        assert_eq!(p.total as usize, all.len());
        assert_eq!(p.info["hasNextPage"], i > 0, "backward page {i} of {what}");
        assert_eq!(
            p.info["hasPreviousPage"],
            i + 1 < backward.len(),
            "backward page {i} of {what}"
        );
    }
    // A backward page is the same rows, in the same order, as the forward page
    // that ends where it ends.
    if all.len() > size {
        let last_forward = &forward[forward.len() - 2];
        let end = &last_forward.cursors[last_forward.cursors.len() - 1];
        let before_next = pager
            .page(json!({ "last": size, "before": forward.last().unwrap().cursors[0] }))
            .await;
        assert_eq!(before_next.cursors.last(), Some(end), "{what}");
        assert_eq!(ids(&before_next.nodes), ids(&last_forward.nodes), "{what}");
    }
    all
}

fn pager<'a>(app: &'a TestApp, list: List, order: Value) -> Pager<'a> {
    Pager {
        app,
        list,
        order,
        filter: Value::Null,
        headers: Vec::new(),
    }
}

async fn areas_page_both_ways_under_every_ordering(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let by_name = check_both_ways(&pager(&app, AREAS, json!([{ "field": "NAME" }])), 2).await;
    assert_eq!(
        strings(&by_name, "name"),
        [
            "Aghdam",
            "Aghjabadi",
            "Ahmadalilar",
            "Azerbaijan",
            "Baku",
            "Barda",
            "Fuzuli",
            "Ganja",
            "Gazakhlilar",
            "Horadiz",
            "Mingachevir",
            "Tartar"
        ]
    );
    let desc = check_both_ways(
        &pager(
            &app,
            AREAS,
            json!([{ "field": "NAME", "direction": "DESC" }]),
        ),
        2,
    )
    .await;
    let mut reversed = ids(&by_name);
    reversed.reverse();
    assert_eq!(ids(&desc), reversed, "NAME DESC is NAME ASC reversed");

    let kind_name = check_both_ways(
        &pager(
            &app,
            AREAS,
            json!([{ "field": "KIND" }, { "field": "NAME" }]),
        ),
        2,
    )
    .await;
    let keys: Vec<(String, String)> = kind_name
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap().to_ascii_lowercase(),
                a["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "KIND then NAME");
    assert_eq!(keys[0].1, "Baku", "cities first: {keys:?}");

    let kind_desc = check_both_ways(
        &pager(
            &app,
            AREAS,
            json!([{ "field": "KIND", "direction": "DESC" }, { "field": "NAME", "direction": "DESC" }]),
        ),
        5,
    )
    .await;
    let mut reversed = ids(&kind_name);
    reversed.reverse();
    assert_eq!(ids(&kind_desc), reversed);

    // Many ties: KIND alone is broken by id.
    check_both_ways(&pager(&app, AREAS, json!([{ "field": "KIND" }])), 2).await;
    check_both_ways(
        &pager(
            &app,
            AREAS,
            json!([{ "field": "KIND", "direction": "DESC" }]),
        ),
        3,
    )
    .await;
    // CODE: three areas have none and sort first, tied.
    let by_code = check_both_ways(&pager(&app, AREAS, json!([{ "field": "CODE" }])), 2).await;
    let codes: Vec<Value> = by_code.iter().map(|a| a["code"].clone()).collect();
    assert_eq!(&codes[..3], &[Value::Null, Value::Null, Value::Null]);
    assert_eq!(codes[3], "AZ");
    check_both_ways(
        &pager(
            &app,
            AREAS,
            json!([{ "field": "CODE", "direction": "DESC" }]),
        ),
        2,
    )
    .await;
    // No orderBy (id order), and uneven page sizes.
    let plain = check_both_ways(&pager(&app, AREAS, Value::Null), 5).await;
    assert_eq!(plain.len(), 12);
    check_both_ways(&pager(&app, AREAS, json!([{ "field": "NAME" }])), 12).await;
    check_both_ways(&pager(&app, AREAS, json!([{ "field": "NAME" }])), 100).await;
    check_both_ways(&pager(&app, AREAS, json!([{ "field": "NAME" }])), 1).await;
}

async fn areas_page_by_azerbaijani_names_when_accept_language_is_az(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    for order in [
        json!([{ "field": "NAME" }]),
        json!([{ "field": "NAME", "direction": "DESC" }]),
    ] {
        let mut p = pager(&app, AREAS, order);
        p.headers = vec![("accept-language", "az")];
        let all = check_both_ways(&p, 2).await;
        assert!(
            strings(&all, "name").contains(&"Əhmədalılar".to_string()),
            "names in Azerbaijani"
        );
    }
}

async fn organisations_page_both_ways_under_every_ordering(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let by_name =
        check_both_ways(&pager(&app, ORGANISATIONS, json!([{ "field": "NAME" }])), 2).await;
    assert_eq!(by_name.len(), 11);
    let desc = check_both_ways(
        &pager(
            &app,
            ORGANISATIONS,
            json!([{ "field": "NAME", "direction": "DESC" }]),
        ),
        2,
    )
    .await;
    let mut reversed = ids(&by_name);
    reversed.reverse();
    assert_eq!(ids(&desc), reversed);
    let by_kind = check_both_ways(
        &pager(
            &app,
            ORGANISATIONS,
            json!([{ "field": "KIND" }, { "field": "NAME" }]),
        ),
        2,
    )
    .await;
    let kinds: Vec<String> = by_kind
        .iter()
        .map(|o| o["kind"].as_str().unwrap().to_ascii_lowercase())
        .collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted);
    check_both_ways(
        &pager(
            &app,
            ORGANISATIONS,
            json!([{ "field": "KIND", "direction": "DESC" }]),
        ),
        3,
    )
    .await;
    let mut az = pager(&app, ORGANISATIONS, json!([{ "field": "NAME" }]));
    az.headers = vec![("accept-language", "az")];
    check_both_ways(&az, 4).await;
}

async fn other_lists_page_both_ways_with_nullable_sort_keys(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    for order in [
        json!([{ "field": "SLUG" }]),
        json!([{ "field": "START_DATE" }, { "field": "TITLE" }]),
        json!([{ "field": "STATUS", "direction": "DESC" }, { "field": "START_DATE", "direction": "DESC" }]),
    ] {
        check_both_ways(&pager(&app, PROJECTS, order), 2).await;
    }
    for order in [
        json!([{ "field": "STATUS" }, { "field": "NAME" }]),
        json!([{ "field": "OPENED_ON", "direction": "DESC" }]),
        json!([{ "field": "KIND" }]),
    ] {
        check_both_ways(&pager(&app, CENTRES, order), 3).await;
    }
    for order in [
        json!([{ "field": "START_DATE", "direction": "DESC" }, { "field": "TITLE" }]),
        json!([{ "field": "KIND" }, { "field": "START_DATE" }]),
    ] {
        check_both_ways(&pager(&app, EVENTS, order), 4).await;
    }
}

async fn total_count_and_pages_follow_the_filter(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let mut p = pager(&app, AREAS, json!([{ "field": "NAME" }]));
    p.filter = json!({ "kind": ["DISTRICT"] });
    let first = p.page(json!({ "first": 2 })).await;
    assert_eq!(first.total, 5, "five districts");
    assert_eq!(first.nodes.len(), 2);
    assert_eq!(first.info["hasNextPage"], true);
    let all = check_both_ways(&p, 2).await;
    assert_eq!(
        strings(&all, "name"),
        ["Aghdam", "Aghjabadi", "Barda", "Fuzuli", "Tartar"]
    );
    let mut p = pager(&app, ORGANISATIONS, json!([{ "field": "NAME" }]));
    p.filter = json!({ "kind": ["GOVERNMENT"] });
    let all = check_both_ways(&p, 2).await;
    assert_eq!(all.len(), 4, "ministry, fund, DOST Agency, commission");
    p.filter = json!({ "search": "nothing like this" });
    let empty = p.page(json!({ "first": 2 })).await;
    assert_eq!(empty.total, 0);
    assert!(empty.nodes.is_empty());
    assert_eq!(empty.info["hasNextPage"], false);
    assert_eq!(empty.info["hasPreviousPage"], false);
    assert_eq!(empty.info["startCursor"], Value::Null);
    let backward = p.page(json!({ "last": 2 })).await;
    assert!(backward.nodes.is_empty());
    assert_eq!(backward.info["hasPreviousPage"], false);
}

async fn cursors_stay_put_when_rows_are_inserted(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let p = pager(&app, AREAS, json!([{ "field": "NAME" }]));
    let page1 = p.page(json!({ "first": 3 })).await;
    assert_eq!(
        strings(&page1.nodes, "name"),
        ["Aghdam", "Aghjabadi", "Ahmadalilar"]
    );
    let cursor = page1.info["endCursor"].as_str().unwrap().to_string();
    let page2 = p.page(json!({ "first": 3, "after": cursor })).await;
    assert_eq!(
        strings(&page2.nodes, "name"),
        ["Azerbaijan", "Baku", "Barda"]
    );
    let page2_start = page2.cursors[0].clone();

    // New rows land before the cursor, right after it, and at the very end.
    let az = fixtures::raw_id(page2.nodes[0]["id"].as_str().unwrap());
    fixtures::village(&app.db.conn, "Abadkend", az).await;
    fixtures::village(&app.db.conn, "Zyzyx", az).await;

    let again = p.page(json!({ "first": 3, "after": cursor })).await;
    assert_eq!(
        ids(&again.nodes),
        ids(&page2.nodes),
        "the page after the same cursor is unchanged"
    );
    assert_eq!(again.total, 14);
    let back = p.page(json!({ "last": 3, "before": page2_start })).await;
    assert_eq!(
        ids(&back.nodes),
        ids(&page1.nodes),
        "and so is the page before"
    );
    assert_eq!(
        back.info["hasPreviousPage"], true,
        "a row now precedes the first page"
    );
    // Continuing from the old cursor reaches the new last row exactly once.
    let mut rest = Vec::new();
    let mut after = cursor.clone();
    loop {
        let page = p.page(json!({ "first": 4, "after": after })).await;
        rest.extend(strings(&page.nodes, "name"));
        if page.info["hasNextPage"] == false {
            break;
        }
        after = page.info["endCursor"].as_str().unwrap().to_string();
    }
    assert_eq!(
        rest.len(),
        10,
        "nine old rows after the cursor and the new last one: {rest:?}"
    );
    assert_eq!(rest.last().map(String::as_str), Some("Zyzyx"));
    assert!(!rest.contains(&"Abadkend".to_string()));
    let all = p.all().await;
    assert_eq!(all[0]["name"], "Abadkend");
}

async fn bad_page_arguments_are_refused_as_bad_user_input(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let p = pager(&app, AREAS, json!([{ "field": "NAME" }]));
    let name_cursor = p.page(json!({ "first": 2 })).await.info["endCursor"].clone();
    let kind = pager(&app, AREAS, json!([{ "field": "KIND" }]));
    let desc = pager(
        &app,
        AREAS,
        json!([{ "field": "NAME", "direction": "DESC" }]),
    );
    let mut az = pager(&app, AREAS, json!([{ "field": "NAME" }]));
    az.headers = vec![("accept-language", "az")];
    let orgs = pager(&app, ORGANISATIONS, json!([{ "field": "KIND" }]));
    let cases: Vec<(&Pager<'_>, Value, &str)> = vec![
        (
            &p,
            json!({ "first": 2, "last": 2 }),
            "first and last together",
        ),
        (&p, json!({ "first": 101 }), "first over 100"),
        (&p, json!({ "last": 101 }), "last over 100"),
        (&p, json!({ "first": -1 }), "negative first"),
        (
            &kind,
            json!({ "first": 2, "after": name_cursor }),
            "cursor of another ordering",
        ),
        (
            &desc,
            json!({ "first": 2, "after": name_cursor }),
            "cursor of the other direction",
        ),
        (
            &az,
            json!({ "first": 2, "after": name_cursor }),
            "cursor of the other language",
        ),
        (
            &kind,
            json!({ "last": 2, "before": name_cursor }),
            "before-cursor of another ordering",
        ),
        (
            &orgs,
            json!({ "first": 2, "after": name_cursor }),
            "cursor of another list and ordering",
        ),
        (
            &p,
            json!({ "first": 2, "after": "bm9uc2Vuc2U" }),
            "garbage cursor",
        ),
        (&p, json!({ "first": 2, "after": "%%%" }), "not base64"),
        (
            &p,
            json!({ "first": 2, "after": fixtures::base64url_encode(br#"{"o":"name_en:a","k":[1,2]}"#) }),
            "cursor with a value of the wrong type",
        ),
    ];
    for (pager, args, what) in cases {
        let resp = pager.raw(args.clone()).await;
        assert_eq!(
            first_error_code(&resp).as_deref(),
            Some("BAD_USER_INPUT"),
            "{what} ({args}): {resp:#}"
        );
    }
    // The limits themselves are accepted.
    assert_eq!(p.page(json!({ "first": 100 })).await.nodes.len(), 12);
    assert_eq!(p.page(json!({ "last": 100 })).await.nodes.len(), 12);
    let none = p.page(json!({ "first": 0 })).await;
    assert!(none.nodes.is_empty());
    assert_eq!(none.total, 12);
}

engine_tests!(
    areas_page_both_ways_under_every_ordering,
    areas_page_by_azerbaijani_names_when_accept_language_is_az,
    organisations_page_both_ways_under_every_ordering,
    other_lists_page_both_ways_with_nullable_sort_keys,
    total_count_and_pages_follow_the_filter,
    cursors_stay_put_when_rows_are_inserted,
    bad_page_arguments_are_refused_as_bad_user_input,
);
