//! Cacheable public reads: automatic persisted queries, the allow-list
//! mode, `GET` with `Cache-Control` and an `ETag` that changes when the data
//! changes, `304` to a matching `If-None-Match`; `no-store` on everything
//! authenticated; no mutations over `GET`.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tests::accounts::{as_user, create_user, login};
use tests::{
    Engine, TEST_REDIS_URL, TestApp, engine_tests, first_error_code, spawn_replicas_sharing_redis,
    url_encode,
};

const ORGANISATIONS: &str =
    "query Orgs { organisations(first: 50) { totalCount edges { node { name } } } }";

fn sha256(text: &str) -> String {
    api::http::persisted::sha256_hex(text)
}

fn persisted_url(app: &TestApp, hash: &str) -> String {
    let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string();
    let encoded: String = url_encode(&ext);
    format!(
        "{}/graphql?operationName=Orgs&extensions={encoded}",
        app.base
    )
}

async fn persisted_get_reads_are_cacheable_and_answer_304_until_the_data_changes(engine: Engine) {
    let Some(app) = tests::accounts::spawn(engine).await else {
        return;
    };
    let hash = sha256(ORGANISATIONS);
    // An unknown hash: the client is asked for the document (Apollo's protocol).
    let resp = app
        .client
        .get(persisted_url(&app, &hash))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        first_error_code(&body).as_deref(),
        Some("PERSISTED_QUERY_NOT_FOUND")
    );
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    // Registering with a wrong hash is refused; with the right one it runs.
    let wrong = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&json!({ "query": ORGANISATIONS, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "00" } } }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        first_error_code(&wrong).as_deref(),
        Some("PERSISTED_QUERY_HASH_MISMATCH")
    );
    let registered = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&json!({ "query": ORGANISATIONS, "operationName": "Orgs", "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.headers()["cache-control"], "no-store");
    let registered: Value = registered.json().await.unwrap();
    assert!(registered.get("errors").is_none(), "{registered}");
    // Now the hash alone, over GET: public, with an ETag.
    let resp = app
        .client
        .get(persisted_url(&app, &hash))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cache = resp.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cache.starts_with("public") && cache.contains("max-age=60"),
        "{cache}"
    );
    let etag = resp.headers()["etag"].to_str().unwrap().to_string();
    assert!(
        resp.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("Accept-Language")
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["data"], registered["data"]);
    // Unchanged data: 304, no body.
    let resp = app
        .client
        .get(persisted_url(&app, &hash))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(resp.headers()["etag"].to_str().unwrap(), etag);
    assert!(resp.text().await.unwrap().is_empty());
    // Another language is another answer.
    let resp = app
        .client
        .get(persisted_url(&app, &hash))
        .header("if-none-match", &etag)
        .header("accept-language", "az")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    // A change through the API: the same If-None-Match now gets the new data.
    create_user(&app, "admin@hub.example", "admin", None, &[]).await;
    let admin = login(&app, "admin@hub.example").await;
    let created = as_user(
        &app,
        &admin,
        "mutation { createOrganisation(idempotencyKey: \"org-1\", input: { nameAz: \"Yeni təşkilat\", nameEn: \"A new organisation\", kind: GOVERNMENT }) { userErrors { code } } }",
        json!({}),
    )
    .await;
    assert!(created.get("errors").is_none(), "{created}");
    let resp = app
        .client
        .get(persisted_url(&app, &hash))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let new_etag = resp.headers()["etag"].to_str().unwrap().to_string();
    assert_ne!(new_etag, etag);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["data"]["organisations"]["totalCount"]
            .as_u64()
            .unwrap(),
        registered["data"]["organisations"]["totalCount"]
            .as_u64()
            .unwrap()
            + 1
    );
    // Authenticated GETs are never stored and carry no ETag.
    let resp = app
        .client
        .get(persisted_url(&app, &hash))
        .header("authorization", format!("Bearer {admin}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    assert!(resp.headers().get("etag").is_none());
}

async fn mutations_are_refused_over_get(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let q = url_encode("mutation { login(email: \"a@b.c\", password: \"x\") { token } }");
    let resp = app
        .client
        .get(format!("{}/graphql?query={q}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(resp.headers()["allow"], "POST");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        first_error_code(&body).as_deref(),
        Some("METHOD_NOT_ALLOWED")
    );
    // A plain query over GET works; without parameters the help page answers.
    let q = url_encode("{ __typename }");
    let resp = app
        .client
        .get(format!("{}/graphql?query={q}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let page = app.get("/graphql").await;
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

async fn the_allow_list_runs_only_registered_documents(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("persisted.json");
    let manifest_json = json!({
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{ "id": sha256(ORGANISATIONS), "name": "Orgs", "type": "query", "body": ORGANISATIONS }],
    });
    std::fs::write(&manifest, manifest_json.to_string()).unwrap();
    let Some(app) = TestApp::spawn_seeded_with(engine, |c| {
        c.persisted_queries = api::config::PersistedQueries::AllowList;
        c.persisted_queries_file = Some(manifest.clone());
    })
    .await
    else {
        return;
    };
    // Registered: by hash over GET, or in full.
    let resp = app
        .client
        .get(persisted_url(&app, &sha256(ORGANISATIONS)))
        .send()
        .await
        .unwrap();
    let body: Value = resp.json().await.unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    app.data(ORGANISATIONS, json!({})).await;
    // Anything else is refused, and cannot be registered.
    let resp = app.graphql("{ projects { totalCount } }", json!({})).await;
    assert_eq!(
        first_error_code(&resp).as_deref(),
        Some("PERSISTED_QUERY_NOT_ALLOWED")
    );
    let other = "{ areas { totalCount } }";
    let resp = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&json!({ "query": other, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha256(other) } } }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        first_error_code(&resp).as_deref(),
        Some("PERSISTED_QUERY_NOT_ALLOWED")
    );
}

async fn a_document_registered_on_one_replica_runs_by_hash_on_another_through_redis(
    engine: Engine,
) {
    let Some((a, b, prefix)) = spawn_replicas_sharing_redis(engine, |c| {
        c.apq_ttl_secs = 120;
        c.limits.max_document_bytes = 2048;
        c.limits.max_depth = 5;
    })
    .await
    else {
        return;
    };
    let hash = sha256(ORGANISATIONS);
    let by_hash = |app: &TestApp| app.client.get(persisted_url(app, &hash)).send();
    let code_of = |body: &Value| first_error_code(body);
    let body: Value = by_hash(&b).await.unwrap().json().await.unwrap();
    assert_eq!(code_of(&body).as_deref(), Some("PERSISTED_QUERY_NOT_FOUND"));
    // Registered on replica a …
    let register = |app: &TestApp, query: String| {
        let hash = sha256(&query);
        app.client
            .post(format!("{}/graphql", app.base))
            .json(&json!({ "query": query, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }))
            .send()
    };
    let body: Value = register(&a, ORGANISATIONS.into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    // … known to replica b, which never saw the document, as a cacheable read.
    let resp = by_hash(&b).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().contains_key("etag"));
    let body: Value = resp.json().await.unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    assert!(
        body["data"]["organisations"]["totalCount"]
            .as_u64()
            .unwrap()
            > 0
    );
    // Bounded: the key expires (API_APQ_TTL_SECS, renewed on use) …
    let redis = redis::Client::open(TEST_REDIS_URL).unwrap();
    let mut conn = redis.get_multiplexed_async_connection().await.unwrap();
    let ttl: i64 = redis::cmd("TTL")
        .arg(format!("{prefix}apq:{hash}"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!((1..=120).contains(&ttl), "TTL {ttl}");
    // … and only documents that pass every limit are stored: one over
    // API_MAX_DOCUMENT_BYTES, or too deep, is refused and unknown elsewhere.
    let big = format!("{{ {} }}", "__typename ".repeat(300));
    let deep =
        "{ projects { edges { node { centres { nodes { project { slug } } } } } } }".to_string();
    for (query, code) in [(big, "QUERY_TOO_LARGE"), (deep, "QUERY_TOO_DEEP")] {
        let body: Value = register(&a, query.clone())
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(code_of(&body).as_deref(), Some(code), "{body}");
        let stored: Option<String> = redis::cmd("GET")
            .arg(format!("{prefix}apq:{}", sha256(&query)))
            .query_async(&mut conn)
            .await
            .unwrap();
        assert_eq!(stored, None, "a refused document is not stored");
    }
    // Without Redis each replica keeps its own memory: what a learned stays a's.
    let Some(c) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let body: Value = by_hash(&c).await.unwrap().json().await.unwrap();
    assert_eq!(code_of(&body).as_deref(), Some("PERSISTED_QUERY_NOT_FOUND"));
}

engine_tests!(
    persisted_get_reads_are_cacheable_and_answer_304_until_the_data_changes,
    mutations_are_refused_over_get,
    the_allow_list_runs_only_registered_documents,
    a_document_registered_on_one_replica_runs_by_hash_on_another_through_redis
);
