//! Hostile documents of every family (fragment, depth, width, alias,
//! `__typename`, directive, batch, variables, body size, bad JSON, bad text,
//! introspection) are refused with their code, cheaply, before anything
//! runs, and the server answers the next request at once.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tests::{Engine, TestApp, engine_tests, first_error_code};

/// CPU time this process has used (user + system), from `/proc/self/stat`.
/// The server runs in the test's process, so a request's CPU cost is the
/// difference around it (the client's small share included).
pub fn process_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses).
    let rest = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 here.
    let total = ticks(11) + ticks(12);
    // Clock ticks are 100 per second on Linux.
    Duration::from_millis(total * 10)
}

/// The fragment bomb of the issue: each fragment spreads the previous twice.
pub fn fragment_bomb(levels: usize) -> String {
    let mut doc =
        format!("query Bomb {{ ...F{levels} }}\nfragment F0 on QueryRoot {{ __typename }}\n");
    for i in 1..=levels {
        doc.push_str(&format!(
            "fragment F{i} on QueryRoot {{ ...F{p} ...F{p} }}\n",
            p = i - 1
        ));
    }
    doc
}

async fn post_raw(app: &TestApp, body: String) -> reqwest::Response {
    app.client
        .post(format!("{}/graphql", app.base))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("request reaches the server")
}

/// Sends a document and returns (code of the first error, process CPU used).
async fn refused(app: &TestApp, query: &str, variables: Value) -> (Option<String>, Duration) {
    let before = process_cpu();
    let resp = app.graphql(query, variables).await;
    let cpu = process_cpu().saturating_sub(before);
    let code = first_error_code(&resp);
    assert!(
        resp["data"].is_null(),
        "a refused document runs nothing: {}",
        resp.to_string().chars().take(300).collect::<String>()
    );
    (code, cpu)
}

async fn still_answers_fast(app: &TestApp) {
    let started = Instant::now();
    let data = app.data("{ __typename }", json!({})).await;
    assert_eq!(data["__typename"], "QueryRoot");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "the next request waited {:?}",
        started.elapsed()
    );
}

async fn hostile_documents_are_refused_with_their_code_before_any_work(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let aliases = |n: usize, field: &str| -> String {
        let f: Vec<String> = (0..n).map(|i| format!("a{i}: {field}")).collect();
        format!("{{ {} }}", f.join(" "))
    };
    let nested = |n: usize| -> String {
        format!(
            "{{ {}__typename{} }}",
            "areas { edges { node { children { ".repeat(n),
            " } } } }".repeat(n)
        )
    };
    let skips = format!("{{ __typename {} }}", "@skip(if: false) ".repeat(10));
    let cases: Vec<(&str, String, &str)> = vec![
        ("fragment bomb, 24 levels", fragment_bomb(24), "QUERY_TOO_LARGE"),
        ("fragment bomb, 31 levels", fragment_bomb(31), "QUERY_TOO_LARGE"),
        ("fragment cycle", "{ ...A } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A }".into(), "GRAPHQL_VALIDATION_FAILED"),
        ("deep selection", nested(4), "QUERY_TOO_DEEP"),
        ("deep brackets", format!("{}{}", "{ a ".repeat(40), "}".repeat(40)), "QUERY_TOO_DEEP"),
        ("3000 fields", aliases(3000, "__typename"), "QUERY_TOO_LARGE"),
        ("600 aliases", aliases(600, "sourceDocuments { id }"), "QUERY_TOO_LARGE"),
        ("1100 __typename", format!("{{ {} }}", "__typename ".repeat(1100)), "QUERY_TOO_LARGE"),
        ("10 directives on a field", skips, "TOO_MANY_DIRECTIVES"),
        ("unknown directive on __typename", "{ __typename @nosuch }".into(), "GRAPHQL_VALIDATION_FAILED"),
        ("too many tokens", format!("{{ {} }}", "__typename ".repeat(4_000)), "QUERY_TOO_LARGE"),
        ("document over 32 KiB", format!("{{ __typename }} #{}", "x".repeat(40_000)), "QUERY_TOO_LARGE"),
        ("not GraphQL", "{ projects { ".into(), "GRAPHQL_PARSE_FAILED"),
        ("two logins", "mutation { a: login(email: \"a@x\", password: \"p\") { token } b: login(email: \"b@x\", password: \"p\") { token } }".into(), "LOGIN_LIMIT"),
        ("100 stats fields", aliases(100, "participantStats(groupBy: [SEX, AGE_BAND]) { __typename }"), "QUERY_TOO_COMPLEX"),
    ];
    let mut report = Vec::new();
    for (name, doc, code) in &cases {
        let (got, cpu) = refused(&app, doc, json!({})).await;
        assert_eq!(got.as_deref(), Some(*code), "{name}");
        report.push(format!("{name}: {} ms CPU", cpu.as_millis()));
        // Debug build, shared machine, client included: a generous bound that
        // still fails by orders of magnitude on the walks this replaced.
        assert!(
            cpu < Duration::from_millis(200),
            "{name} cost {cpu:?} of CPU"
        );
    }
    eprintln!("{}", report.join("\n"));
    // Two bombs at once stall nobody.
    let bomb = fragment_bomb(24);
    let (a, b) = tokio::join!(app.graphql(&bomb, json!({})), app.graphql(&bomb, json!({})));
    assert_eq!(first_error_code(&a).as_deref(), Some("QUERY_TOO_LARGE"));
    assert_eq!(first_error_code(&b).as_deref(), Some("QUERY_TOO_LARGE"));
    still_answers_fast(&app).await;
}

async fn request_level_refusals_have_codes_and_no_type_names(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let cases = [
        ("{\"query\": ", StatusCode::BAD_REQUEST, "BAD_REQUEST"),
        ("{\"query\": 1}", StatusCode::BAD_REQUEST, "BAD_REQUEST"),
        ("[1, 2]", StatusCode::BAD_REQUEST, "BAD_REQUEST"),
        ("\"text\"", StatusCode::BAD_REQUEST, "BAD_REQUEST"),
        (
            "{\"query\": \"{ __typename }\", \"variables\": [1]}",
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        ("[]", StatusCode::BAD_REQUEST, "BAD_REQUEST"),
    ];
    for (body, status, code) in cases {
        let resp = post_raw(&app, body.to_string()).await;
        assert_eq!(resp.status(), status, "{body}");
        assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
        let json: Value = resp.json().await.unwrap();
        assert_eq!(
            first_error_code(&json).as_deref(),
            Some(code),
            "{body}: {json}"
        );
        let message = json["errors"][0]["message"].as_str().unwrap();
        for rust in [
            "BatchRequest",
            "Request",
            "struct",
            "enum",
            "untagged",
            "serde",
        ] {
            assert!(!message.contains(rust), "{body}: {message}");
        }
    }
    // A batch over the limit.
    let batch: Vec<Value> = (0..11)
        .map(|_| json!({ "query": "{ __typename }" }))
        .collect();
    let resp = post_raw(&app, Value::Array(batch).to_string()).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let json: Value = resp.json().await.unwrap();
    assert_eq!(first_error_code(&json).as_deref(), Some("BATCH_TOO_LARGE"));
    // A body over the limit: 413 with the security headers and a JSON code.
    let resp = post_raw(
        &app,
        format!("{{\"query\": \"{}\"}}", " ".repeat(300 * 1024)),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert_eq!(resp.headers()["referrer-policy"], "no-referrer");
    // Its body was never read: the connection is not reused for the next request.
    assert_eq!(resp.headers()["connection"], "close");
    // Every error of a document async-graphql refuses gets a code, and there
    // are at most 50 of them.
    let unknown: Vec<String> = (0..80).map(|i| format!("f{i}: noSuchField{i}")).collect();
    let resp = app
        .graphql(&format!("{{ {} }}", unknown.join(" ")), json!({}))
        .await;
    let errors = resp["errors"].as_array().unwrap();
    assert_eq!(
        errors.len(),
        51,
        "50 errors and one saying the rest were left out"
    );
    assert!(
        errors.iter().all(|e| e["extensions"]["code"].is_string()),
        "{resp}"
    );
    assert_eq!(errors[50]["extensions"]["code"], "TOO_MANY_ERRORS");
    still_answers_fast(&app).await;
}

async fn bad_text_and_oversized_inputs_are_bad_user_input_before_the_database(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let nul = "ab\u{0}cd";
    let cases: Vec<(&str, &str, Value)> = vec![
        (
            "slug",
            "query($s: String!) { project(slug: $s) { slug } }",
            json!({ "s": nul }),
        ),
        (
            "e-mail",
            "mutation($e: String!) { login(email: $e, password: \"x\") { token } }",
            json!({ "e": nul }),
        ),
        (
            "cursor",
            "query($c: String) { projects(after: $c) { totalCount } }",
            json!({ "c": nul }),
        ),
        (
            "search",
            "query($s: String) { projects(filter: { search: $s }) { totalCount } }",
            json!({ "s": nul }),
        ),
        (
            "idempotency key",
            "mutation($k: String!) { cancelEvent(idempotencyKey: $k, id: \"x\", version: 1) { userErrors { code } } }",
            json!({ "k": nul }),
        ),
        (
            "literal title",
            "{ projects(filter: { search: \"a\\u0000b\" }) { totalCount } }",
            json!({}),
        ),
        (
            "200 KB search",
            "query($s: String) { projects(filter: { search: $s }) { totalCount } }",
            json!({ "s": "a".repeat(200_000) }),
        ),
        (
            "long search",
            "query($s: String) { areas(filter: { search: $s }) { totalCount } }",
            json!({ "s": "Füzuli ".repeat(40) }),
        ),
    ];
    let statements = app.statements();
    for (name, q, vars) in cases {
        let resp = app.graphql(q, vars).await;
        assert_eq!(
            first_error_code(&resp).as_deref(),
            Some("BAD_USER_INPUT"),
            "{name}: {resp}"
        );
        assert!(resp["data"].is_null(), "{name}");
    }
    assert_eq!(app.statements(), statements, "nothing reached the database");
    // A thousand-branch `or` filter, and a filter nested too deep.
    let or: Vec<Value> = (0..1000)
        .map(|i| json!({ "search": format!("x{i}") }))
        .collect();
    let resp = app
        .graphql(
            "query($f: ProjectFilter) { projects(filter: $f) { totalCount } }",
            json!({ "f": { "or": or } }),
        )
        .await;
    assert_eq!(
        first_error_code(&resp).as_deref(),
        Some("BAD_USER_INPUT"),
        "{resp}"
    );
    let or: Vec<Value> = (0..60)
        .map(|i| json!({ "search": format!("x{i}") }))
        .collect();
    let resp = app
        .graphql(
            "query($f: ProjectFilter) { projects(filter: $f) { totalCount } }",
            json!({ "f": { "or": or } }),
        )
        .await;
    assert!(
        resp["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("50"),
        "{resp}"
    );
    let mut deep = json!({ "search": "a" });
    for _ in 0..6 {
        deep = json!({ "and": [deep] });
    }
    let resp = app
        .graphql(
            "query($f: ProjectFilter) { projects(filter: $f) { totalCount } }",
            json!({ "f": deep }),
        )
        .await;
    assert_eq!(
        first_error_code(&resp).as_deref(),
        Some("BAD_USER_INPUT"),
        "{resp}"
    );
    // Within the limits, filters still work.
    let or: Vec<Value> = (0..20)
        .map(|i| json!({ "search": format!("x{i}") }))
        .collect();
    let data = app
        .data(
            "query($f: ProjectFilter) { projects(filter: $f) { totalCount } }",
            json!({ "f": { "or": or } }),
        )
        .await;
    assert!(data["projects"]["totalCount"].is_number());
    // Line breaks and tabs are text, not control characters to refuse.
    let data = app
        .data(
            "query($s: String) { projects(filter: { search: $s }) { totalCount } }",
            json!({ "s": "Füzuli\tTərtər\n" }),
        )
        .await;
    assert!(data["projects"]["totalCount"].is_number());
}

async fn the_standard_introspection_query_is_answered_and_can_be_switched_off(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let resp = app
        .graphql(
            api::graphql::limits::STANDARD_INTROSPECTION_QUERY,
            json!({}),
        )
        .await;
    assert!(
        resp.get("errors").is_none(),
        "{}",
        resp.to_string().chars().take(500).collect::<String>()
    );
    let types = resp["data"]["__schema"]["types"].as_array().unwrap();
    assert!(types.iter().any(|t| t["name"] == "Project"));
    assert!(
        resp["extensions"]["cost"]["requestedQueryCost"]
            .as_u64()
            .unwrap()
            <= 20
    );
    let Some(closed) = TestApp::spawn_with(engine, |c| c.limits.introspection = false).await else {
        return;
    };
    let resp = closed
        .graphql(
            api::graphql::limits::STANDARD_INTROSPECTION_QUERY,
            json!({}),
        )
        .await;
    assert_eq!(
        first_error_code(&resp).as_deref(),
        Some("INTROSPECTION_DISABLED")
    );
    let resp = closed
        .graphql("{ __type(name: \"Project\") { name } }", json!({}))
        .await;
    assert_eq!(
        first_error_code(&resp).as_deref(),
        Some("INTROSPECTION_DISABLED")
    );
    // Data queries are unaffected, and the SDL stays downloadable.
    closed.data("{ __typename }", json!({})).await;
    assert_eq!(closed.get("/schema.graphql").await.status(), StatusCode::OK);
}

async fn responses_carry_their_cost_and_large_pages_cost_more(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let cost = |resp: &Value| {
        resp["extensions"]["cost"]["requestedQueryCost"]
            .as_u64()
            .unwrap()
    };
    let small = app
        .graphql(
            "{ projects(first: 2) { edges { node { slug } } } }",
            json!({}),
        )
        .await;
    let large = app
        .graphql(
            "{ projects(first: 100) { edges { node { slug } } } }",
            json!({}),
        )
        .await;
    assert!(
        cost(&large) > 10 * cost(&small) / 2,
        "{} vs {}",
        cost(&large),
        cost(&small)
    );
    let budget = &small["extensions"]["cost"]["budget"];
    assert!(budget["limit"].as_u64().unwrap() > 0, "{small}");
    assert!(budget["remaining"].as_u64().unwrap() < budget["limit"].as_u64().unwrap());
    assert_eq!(budget["windowSeconds"], 60);
    let by_one = app
        .graphql(
            "{ participantStats(groupBy: [SEX]) { __typename } }",
            json!({}),
        )
        .await;
    let by_three = app
        .graphql(
            "{ participantStats(groupBy: [SEX, AGE_BAND, DISTRICT]) { __typename } }",
            json!({}),
        )
        .await;
    assert!(cost(&by_three) > cost(&by_one));
    // Over the per-request maximum: refused with the computed cost.
    let Some(tight) = TestApp::spawn_seeded_with(engine, |c| c.limits.max_cost = 100).await else {
        return;
    };
    let resp = tight
        .graphql(
            "{ projects(first: 100) { edges { node { slug } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        first_error_code(&resp).as_deref(),
        Some("QUERY_TOO_COMPLEX")
    );
    assert_eq!(resp["errors"][0]["extensions"]["cost"], 102, "{resp}");
    assert!(
        resp["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("100")
    );
}

engine_tests!(
    hostile_documents_are_refused_with_their_code_before_any_work,
    request_level_refusals_have_codes_and_no_type_names,
    bad_text_and_oversized_inputs_are_bad_user_input_before_the_database,
    the_standard_introspection_query_is_answered_and_can_be_switched_off,
    responses_carry_their_cost_and_large_pages_cost_more
);

async fn a_batch_is_one_request_for_logins_and_cost(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded_with(engine, |c| c.limits.max_cost = 150).await else {
        return;
    };
    let login =
        json!({ "query": "mutation { login(email: \"a@x.example\", password: \"p\") { token } }" });
    let resp = post_raw(&app, json!([login, login]).to_string()).await;
    let body: Value = resp.json().await.unwrap();
    for item in body.as_array().unwrap() {
        assert_eq!(
            first_error_code(item).as_deref(),
            Some("LOGIN_LIMIT"),
            "{body}"
        );
    }
    // 102 points each: one fits, two do not.
    let page = json!({ "query": "{ projects(first: 100) { edges { node { slug } } } }" });
    let resp = post_raw(&app, json!([page]).to_string()).await;
    let body: Value = resp.json().await.unwrap();
    assert!(body[0].get("errors").is_none(), "{body}");
    let resp = post_raw(&app, json!([page, page]).to_string()).await;
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        first_error_code(&body[0]).as_deref(),
        Some("QUERY_TOO_COMPLEX"),
        "{body}"
    );
    assert_eq!(body[1]["errors"][0]["extensions"]["cost"], 204);
}

engine_tests!(a_batch_is_one_request_for_logins_and_cost);
