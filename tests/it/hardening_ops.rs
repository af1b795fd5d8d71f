//! Operations: `/metrics` in the Prometheus format, `/health` and `/ready`,
//! security headers on every answer, and CSV cells neutralised against
//! formula injection.

use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::json;
use tests::{Engine, TestApp, engine_tests};

async fn metrics_count_requests_errors_rejections_and_the_pool(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    app.data("{ __typename }", json!({})).await;
    let deep = format!("{}{}", "{ a ".repeat(40), "}".repeat(40));
    app.graphql(&deep, json!({})).await;
    app.graphql("{ noSuchField }", json!({})).await;
    let resp = app.get("/metrics").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = resp.text().await.unwrap();
    for line in [
        "http_requests_total{route=\"/graphql\",method=\"POST\",status=\"200\"} 3",
        "graphql_rejections_total{limit=\"nesting\"} 1",
        "graphql_errors_total{code=\"QUERY_TOO_DEEP\"} 1",
        "graphql_errors_total{code=\"GRAPHQL_VALIDATION_FAILED\"} 1",
        "# TYPE http_request_duration_seconds histogram",
        "http_request_duration_seconds_bucket{route=\"/graphql\",le=\"+Inf\"} 3",
        "# TYPE db_pool_connections gauge",
        "# TYPE rate_limit_denials_total counter",
        "graphql_request_cost_count 2",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}

async fn metrics_need_the_bearer_token_when_one_is_set(engine: Engine) {
    const TOKEN: &str = "metrics-token-0123456789";
    let Some(app) = TestApp::spawn_with(engine, |c| c.metrics_token = Some(TOKEN.into())).await
    else {
        return;
    };
    let metrics = |auth: Option<&str>| {
        let mut req = app.client.get(format!("{}/metrics", app.base));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        req.send()
    };
    for auth in [
        None,
        Some("Bearer wrong-token-0123456789"),
        Some(TOKEN),
        Some("Basic eDp5"),
    ] {
        let resp = metrics(auth).await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{auth:?}");
        assert!(
            resp.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer")
        );
        assert_eq!(resp.headers()["cache-control"], "no-store");
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        assert!(!body.to_string().contains("http_requests_total"));
    }
    let resp = metrics(Some(&format!("Bearer {TOKEN}"))).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let text = resp.text().await.unwrap();
    assert!(
        text.contains("http_requests_total{route=\"/metrics\",method=\"GET\",status=\"401\"} 4"),
        "{text}"
    );
    assert!(
        text.contains("persisted_query_store_errors_total 0"),
        "{text}"
    );
    // Without a token the endpoint stays open (serve it on an internal port).
    let Some(open) = TestApp::spawn(engine).await else {
        return;
    };
    assert_eq!(open.get("/metrics").await.status(), StatusCode::OK);
}

async fn health_is_alive_and_ready_checks_the_database_and_migrations(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let health = app.get("/health").await;
    assert_eq!(health.status(), StatusCode::OK);
    let ready = app.get("/ready").await;
    assert_eq!(ready.status(), StatusCode::OK);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["migrations"], "applied");
    // A migration rolled back is a pending one: not ready, still alive.
    let db = &app.db.conn;
    db.execute_unprepared(
        "DELETE FROM seaql_migrations WHERE version = (SELECT MAX(version) FROM seaql_migrations)",
    )
    .await
    .unwrap();
    let ready = app.get("/ready").await;
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["code"], "MIGRATIONS_PENDING");
    assert_eq!(app.get("/health").await.status(), StatusCode::OK);
}

async fn every_answer_carries_the_security_headers(engine: Engine) {
    let Some(app) = TestApp::spawn_with(engine, |c| c.hsts = true).await else {
        return;
    };
    let too_large = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("content-type", "application/json")
        .header("content-length", "999999999")
        .body(vec![b' '; 1024])
        .send()
        .await;
    let mut answers = vec![
        app.get("/graphql").await,
        app.get("/nowhere").await,
        app.get("/health").await,
        app.client
            .post(format!("{}/graphql", app.base))
            .body("x")
            .send()
            .await
            .unwrap(),
        app.client
            .post(format!("{}/graphql", app.base))
            .header("content-type", "application/json")
            .body(format!("{{\"query\": \"{}\"}}", " ".repeat(300 * 1024)))
            .send()
            .await
            .unwrap(),
    ];
    // A lying Content-Length may make the client give up before reading; fine.
    if let Ok(r) = too_large {
        answers.push(r);
    }
    for resp in answers {
        let h = resp.headers();
        let status = resp.status();
        assert_eq!(h["x-content-type-options"], "nosniff", "{status}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{status}");
        assert!(h.contains_key("content-security-policy"), "{status}");
        assert!(
            h["strict-transport-security"]
                .to_str()
                .unwrap()
                .contains("max-age="),
            "{status}"
        );
    }
}

async fn csv_cells_that_look_like_formulas_are_neutralised(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    app.db
        .conn
        .execute_unprepared(
            "UPDATE organisations SET name_en = '=HYPERLINK(\"http://example.invalid\",\"click\")' WHERE id = (SELECT MIN(id) FROM organisations)",
        )
        .await
        .unwrap();
    let resp = app.get("/export/organisations.csv?lang=en").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let text = resp.text().await.unwrap();
    assert!(text.contains("'=HYPERLINK("), "{text}");
    let formula_cell = text
        .lines()
        .flat_map(|l| l.split(','))
        .any(|cell| cell.trim_matches('"').starts_with('='));
    assert!(!formula_cell, "no cell starts with = : {text}");
}

engine_tests!(
    metrics_count_requests_errors_rejections_and_the_pool,
    metrics_need_the_bearer_token_when_one_is_set,
    health_is_alive_and_ready_checks_the_database_and_migrations,
    every_answer_carries_the_security_headers,
    csv_cells_that_look_like_formulas_are_neutralised
);

async fn export_filters_with_control_characters_are_refused_before_the_database(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let statements = app.statements();
    let resp = app.get("/export/projects.csv?search=a%00b").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.text().await.unwrap().contains("control character"));
    let resp = app
        .get(&format!("/export/projects.csv?search={}", "a".repeat(300)))
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.statements(), statements, "nothing reached the database");
    let resp = app.get("/export/projects.csv?search=Fuzuli").await;
    assert_eq!(resp.status(), StatusCode::OK);
}

engine_tests!(export_filters_with_control_characters_are_refused_before_the_database);

async fn shutdown_finishes_the_request_in_flight(engine: Engine) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(database) = tests::TestDatabase::with(engine, tests::Contents::Migrated).await else {
        return;
    };
    let config = api::Config::for_database(&database.url);
    let db = api::prepare(&config, true).await.expect("prepare");
    let router = api::build_router(db, &config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(api::serve(listener, router, async {
        let _ = stopped.await;
    }));
    // A request whose body is still arriving when the server is told to stop.
    let body = r#"{"query":"{ __typename }"}"#;
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    conn.write_all(&body.as_bytes()[..5]).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stop.send(()).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    // The request in flight is still answered.
    conn.write_all(&body.as_bytes()[5..]).await.unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("QueryRoot"), "{answer}");
    tokio::time::timeout(std::time::Duration::from_secs(10), server)
        .await
        .expect("the server stops once the request is answered")
        .unwrap()
        .unwrap();
}

engine_tests!(shutdown_finishes_the_request_in_flight);
