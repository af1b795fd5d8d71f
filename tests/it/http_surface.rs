//! The HTTP surface around GraphQL: the help page, content types, the schema
//! file, body and document size limits, health, and response headers.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tests::{Engine, TestApp, engine_tests, first_error_code, url_encode};

/// Values of every `src=` and `href=` attribute in an HTML page.
fn links(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    for attr in ["src", "href", "action", "srcset", "poster", "data"] {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(&format!("{attr}=")) {
            let start = from + pos + attr.len() + 1;
            from = start;
            // Only attributes: the character before must be whitespace.
            let before = lower[..start - attr.len() - 1].chars().last();
            if !before.is_some_and(char::is_whitespace) {
                continue;
            }
            let rest = &html[start..];
            let value = match rest.chars().next() {
                Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or_default(),
                _ => rest
                    .split(|c: char| c.is_whitespace() || c == '>')
                    .next()
                    .unwrap_or_default(),
            };
            out.push(value.to_string());
        }
    }
    out
}

async fn graphql_page_is_self_contained_html(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let resp = app.get("/graphql").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let content_type = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let csp = resp
        .headers()
        .get("content-security-policy")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(
        csp.contains("default-src 'none'"),
        "the page may load nothing: CSP {csp:?}"
    );
    let html = resp.text().await.unwrap();
    assert!(html.to_ascii_lowercase().contains("<html"), "{html}");
    assert!(html.contains("/schema.graphql"), "says where the schema is");
    assert!(html.contains("curl"), "shows how to send a query");
    let found = links(&html);
    assert!(!found.is_empty(), "the page links to the schema file");
    for link in &found {
        let l = link.trim().to_ascii_lowercase();
        assert!(
            !(l.starts_with("http:") || l.starts_with("https:") || l.starts_with("//")),
            "the page refers to another host: {link}"
        );
    }
    assert!(
        !html.to_ascii_lowercase().contains("<script src"),
        "no external scripts"
    );
    // The links helper does see absolute URLs.
    assert_eq!(
        links("<a href=\"https://cdn.example/x.js\"> <img src='//x.example/i.png'>"),
        ["//x.example/i.png", "https://cdn.example/x.js"]
    );
}

async fn graphql_post_refuses_bodies_that_are_not_json(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let body = r#"{"query":"{ __typename }"}"#;
    for content_type in [
        Some("text/plain"),
        Some("text/plain;charset=UTF-8"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut req = app.client.post(format!("{}/graphql", app.base)).body(body);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(
            resp.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert!(resp.headers().contains_key("x-request-id"));
        let json: Value = resp.json().await.expect("a JSON error body");
        let code = first_error_code(&json);
        assert!(
            code.as_deref().is_some_and(|c| !c.is_empty()),
            "the error has a code: {json:#}"
        );
    }
    // The same body as JSON (with a charset) is answered.
    let resp = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let json: Value = resp.json().await.unwrap();
    assert_eq!(json["data"]["__typename"], "QueryRoot");
}

async fn malformed_json_and_oversized_batches_are_refused_with_a_code(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let resp = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("content-type", "application/json")
        .body("{\"query\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let json: Value = resp.json().await.unwrap();
    assert!(first_error_code(&json).is_some(), "{json:#}");

    let batch: Vec<Value> = (0..11)
        .map(|_| json!({ "query": "{ __typename }" }))
        .collect();
    let resp = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&batch)
        .send()
        .await
        .unwrap();
    let json: Value = resp.json().await.unwrap();
    assert_eq!(
        first_error_code(&json).as_deref(),
        Some("BATCH_TOO_LARGE"),
        "{json:#}"
    );
    let batch: Vec<Value> = (0..3)
        .map(|_| json!({ "query": "{ __typename }" }))
        .collect();
    let json: Value = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&batch)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json.as_array().map(Vec::len), Some(3), "{json:#}");
}

async fn schema_file_is_served_and_equals_the_code(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let resp = app.get("/schema.graphql").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let content_type = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let served = resp.text().await.unwrap();
    assert!(
        served == api::sdl(),
        "GET /schema.graphql differs from api::sdl()"
    );
    assert!(served.contains("type QueryRoot"));
}

async fn a_body_over_the_limit_is_refused_with_413(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    // 300 KiB of query text, over the 256 KiB default.
    let padding = "#".repeat(300 * 1024);
    let resp = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("content-type", "application/json")
        .body(json!({ "query": format!("{{ __typename }}\n{padding}") }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(resp.headers().contains_key("x-request-id"));
    // Just under the limit is still served, and the server is fine afterwards.
    let padding = "#".repeat(200 * 1024);
    let resp = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("content-type", "application/json")
        .body(json!({ "query": format!("{{ __typename }}\n{padding}") }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let health: Value = app.get("/health").await.json().await.unwrap();
    assert_eq!(health["status"], "ok");
}

async fn a_document_of_3000_aliased_typenames_is_refused_as_query_too_large(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let aliases = |n: usize| -> String {
        let fields: Vec<String> = (0..n).map(|i| format!("a{i}: __typename")).collect();
        format!("{{ {} }}", fields.join(" "))
    };
    let resp = app.graphql(&aliases(3000), json!({})).await;
    assert_eq!(
        first_error_code(&resp).as_deref(),
        Some("QUERY_TOO_LARGE"),
        "{}",
        resp.to_string().chars().take(500).collect::<String>()
    );
    assert!(resp["data"].is_null());
    // Fragments that spread each other count for what they expand to.
    let mut doc =
        String::from("{ ...F12 }\nfragment F0 on QueryRoot { a: __typename b: __typename }\n");
    for i in 1..=12 {
        doc.push_str(&format!(
            "fragment F{i} on QueryRoot {{ ...F{} ...F{} }}\n",
            i - 1,
            i - 1
        ));
    }
    let resp = app.graphql(&doc, json!({})).await;
    assert_eq!(
        first_error_code(&resp).as_deref(),
        Some("QUERY_TOO_LARGE"),
        "{resp:#}"
    );
    // A document of reasonable size passes.
    let resp = app.graphql(&aliases(500), json!({})).await;
    assert!(resp.get("errors").is_none(), "500 aliases are fine");
    assert_eq!(resp["data"]["a499"], "QueryRoot");
}

async fn health_answers_ok(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let resp = app.get("/health").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(
        body["database"],
        match engine {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    );
}

async fn responses_carry_a_request_id_and_nosniff(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let mut ids = Vec::new();
    let responses = vec![
        app.get("/health").await,
        app.get("/graphql").await,
        app.get("/schema.graphql").await,
        app.get("/no-such-page").await,
        app.client
            .post(format!("{}/graphql", app.base))
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .unwrap(),
        app.client
            .post(format!("{}/graphql", app.base))
            .header("content-type", "text/plain")
            .body("{}")
            .send()
            .await
            .unwrap(),
    ];
    for resp in responses {
        let url = resp.url().to_string();
        let headers = resp.headers();
        let id = headers
            .get("x-request-id")
            .unwrap_or_else(|| panic!("no x-request-id on {url}"))
            .to_str()
            .unwrap()
            .to_string();
        assert!(!id.is_empty());
        ids.push(id);
        assert_eq!(
            headers
                .get("x-content-type-options")
                .map(|v| v.to_str().unwrap()),
            Some("nosniff"),
            "{url}"
        );
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        ids.len(),
        "each request gets its own id: {ids:?}"
    );
    // A request id sent by the client is kept.
    let resp = app
        .client
        .get(format!("{}/health", app.base))
        .header("x-request-id", "trace-me-123")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-request-id"], "trace-me-123");
}

async fn other_origins_get_no_cors_permission_by_default(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let resp = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("origin", "https://evil.example")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert!(
        !resp.headers().contains_key("access-control-allow-origin"),
        "{:?}",
        resp.headers()
    );
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(
        !preflight
            .headers()
            .contains_key("access-control-allow-origin")
    );
}

/// A built site in `WEB_DIR` is served beside the API: prerendered pages by
/// their path, the `200.html` shell for other routes, embeds frameable by any
/// site and other pages by none, immutable assets cached, nothing outside the
/// directory reachable.
async fn a_built_site_is_served_beside_the_api(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Embeds are routed at /embed/{lang}/… (web/src/routes/embed).
    std::fs::create_dir_all(root.join("embed/en")).unwrap();
    std::fs::create_dir_all(root.join("_app/immutable")).unwrap();
    std::fs::write(root.join("index.html"), "<html>home</html>").unwrap();
    std::fs::write(root.join("200.html"), "<html>shell</html>").unwrap();
    std::fs::write(root.join("en.html"), "<html>english home</html>").unwrap();
    std::fs::write(root.join("embed/en/card.html"), "<html>card</html>").unwrap();
    std::fs::write(root.join("_app/immutable/app.js"), "console.log(1)").unwrap();
    let site = root.to_path_buf();
    let Some(app) = TestApp::spawn_with(engine, |c| c.web_dir = Some(site)).await else {
        return;
    };
    let page = |path: &'static str| {
        let app = &app;
        async move {
            let resp = app.get(path).await;
            let status = resp.status();
            let headers = resp.headers().clone();
            (status, headers, resp.text().await.unwrap())
        }
    };
    let (status, headers, body) = page("/").await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "<html>home</html>")
    );
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'self'"),
        "{csp}"
    );
    assert_eq!(headers["x-frame-options"], "SAMEORIGIN");
    assert_eq!(headers["x-content-type-options"], "nosniff");

    assert_eq!(page("/en").await.2, "<html>english home</html>");
    let (status, _, body) = page("/az/programmes/some-slug").await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "<html>shell</html>")
    );

    let (status, headers, body) = page("/embed/en/card").await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "<html>card</html>")
    );
    assert!(
        headers.get("x-frame-options").is_none(),
        "embeds can be framed"
    );
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors *")
    );

    let (status, headers, _) = page("/_app/immutable/app.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(
        page("/_app/immutable/missing.js").await.0,
        StatusCode::NOT_FOUND
    );

    // The API keeps its own routes and headers.
    let (status, headers, _) = page("/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-frame-options"], "DENY");

    // Nothing outside the directory: raw and percent-encoded dot segments,
    // sent over a bare socket so that no client normalises them away.
    let addr = app.base.trim_start_matches("http://").to_string();
    for path in [
        "/../outside-secret.txt",
        "/%2e%2e/outside-secret.txt",
        "/a/..%2f..%2foutside-secret.txt",
    ] {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 404"), "{path}: {answer}");
    }
}

/// When the database cannot be reached, a caller with a good token is told
/// so (503 with `SERVICE_UNAVAILABLE` and `Retry-After`), not that the token
/// is bad (401), and reads answer the same code instead of `INTERNAL`.
/// PostgreSQL is cut off by refusing new connections and ending the open
/// ones; an embedded SQLite file cannot become unreachable mid-run, so there
/// the test checks the healthy answers the same requests get.
async fn an_unreachable_database_answers_503_not_401(engine: Engine) {
    use sea_orm::ConnectionTrait;
    let Some(app) = tests::accounts::spawn(engine).await else {
        return;
    };
    tests::accounts::create_user(&app, "admin@test.example", "admin", None, &[]).await;
    let token = tests::accounts::login(&app, "admin@test.example").await;
    let me = |token: String| {
        let app = &app;
        async move {
            app.client
                .post(format!("{}/graphql", app.base))
                .bearer_auth(token)
                .json(&json!({ "query": "{ me { email } }" }))
                .send()
                .await
                .unwrap()
        }
    };
    let healthy = me(token.clone()).await;
    assert_eq!(healthy.status(), StatusCode::OK);
    if engine == Engine::Sqlite {
        return;
    }
    let row = app
        .db
        .conn
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT current_database()",
        ))
        .await
        .unwrap()
        .unwrap();
    let name: String = row.try_get_by_index(0).unwrap();
    let admin = sea_orm::Database::connect(format!("{}/postgres", tests::postgres_admin_url()))
        .await
        .unwrap();
    for sql in [
        format!(r#"ALTER DATABASE "{name}" ALLOW_CONNECTIONS false"#),
        format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"),
    ] {
        admin.execute_unprepared(&sql).await.unwrap();
    }

    let resp = me(token).await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(resp.headers().contains_key("retry-after"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        first_error_code(&body).as_deref(),
        Some("SERVICE_UNAVAILABLE"),
        "{body}"
    );

    let anonymous = app
        .graphql("{ projects(first: 1) { totalCount } }", json!({}))
        .await;
    assert_eq!(
        first_error_code(&anonymous).as_deref(),
        Some("SERVICE_UNAVAILABLE"),
        "{anonymous}"
    );
    // Readiness follows the database; liveness does not.
    assert_eq!(
        app.get("/ready").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(app.get("/health").await.status(), StatusCode::OK);

    // Let the test database be dropped normally.
    admin
        .execute_unprepared(&format!(
            r#"ALTER DATABASE "{name}" ALLOW_CONNECTIONS true"#
        ))
        .await
        .unwrap();
}

/// Answers are written with every object's keys sorted (async-graphql
/// gathers fields as they complete), single and batched, over POST and GET,
/// so equal answers are equal bytes.
async fn response_bodies_have_sorted_keys_and_equal_answers_equal_bytes(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let query = "{ zeta: __typename projects(first: 3) { totalCount edges { node { title slug id } } } alpha: __typename }";
    let keys = |text: &str, names: &[&str]| -> Vec<usize> {
        names
            .iter()
            .map(|n| {
                text.find(&format!("\"{n}\":"))
                    .unwrap_or_else(|| panic!("{n} in {text}"))
            })
            .collect()
    };
    let sorted = |text: &str| {
        let at = keys(text, &["alpha", "projects", "zeta"]);
        assert!(at[0] < at[1] && at[1] < at[2], "{text}");
        let at = keys(text, &["edges", "totalCount"]);
        assert!(at[0] < at[1], "{text}");
        let at = keys(text, &["id", "slug", "title"]);
        assert!(at[0] < at[1] && at[1] < at[2], "{text}");
    };
    // The data, without the cost extension (its remaining budget moves).
    let data = |text: &str| text.split("\"extensions\"").next().unwrap().to_string();
    let post = |body: Value| {
        app.client
            .post(format!("{}/graphql", app.base))
            .json(&body)
            .send()
    };
    let single = post(json!({ "query": query })).await.unwrap();
    assert_eq!(single.headers()["content-type"], "application/json");
    let first = single.text().await.unwrap();
    sorted(&first);
    for _ in 0..5 {
        let again = post(json!({ "query": query }))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(data(&again), data(&first));
    }
    let batch = post(json!([{ "query": query }, { "query": query }]))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let parsed: Value = serde_json::from_str(&batch).expect("a JSON array");
    assert_eq!(parsed.as_array().map(Vec::len), Some(2), "{batch}");
    assert_eq!(parsed[0]["data"], parsed[1]["data"]);
    sorted(batch.split("\"extensions\"").next().unwrap());
    let get = app
        .get(&format!("/graphql?query={}", url_encode(query)))
        .await
        .text()
        .await
        .unwrap();
    sorted(&get);
    assert_eq!(data(&get), data(&first));
}

engine_tests!(
    graphql_page_is_self_contained_html,
    graphql_post_refuses_bodies_that_are_not_json,
    malformed_json_and_oversized_batches_are_refused_with_a_code,
    schema_file_is_served_and_equals_the_code,
    a_body_over_the_limit_is_refused_with_413,
    a_document_of_3000_aliased_typenames_is_refused_as_query_too_large,
    health_answers_ok,
    responses_carry_a_request_id_and_nosniff,
    other_origins_get_no_cors_permission_by_default,
    a_built_site_is_served_beside_the_api,
    an_unreachable_database_answers_503_not_401,
    response_bodies_have_sorted_keys_and_equal_answers_equal_bytes,
);
