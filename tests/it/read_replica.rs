//! Reads from a PostgreSQL streaming replica (`DATABASE_READ_URL`): requests
//! that write nothing go to the replica, writes and the writer's own reads
//! for a short window after a write go to the primary, so an entry never
//! vanishes for the person who made it.
//!
//! Needs a replica of the test PostgreSQL: `tests/replica/run.sh` creates one
//! (pg_createcluster + pg_basebackup -R on port 5433), runs these tests with
//! `TEST_REPLICA_URL` set, and removes it. Without `TEST_REPLICA_URL` they
//! print SKIPPED. PostgreSQL only: SQLite has no replicas.

use std::time::Duration;

use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};
use tests::{Contents, TestDatabase, postgres_admin_url};

const SECRET: &str = "replica-test-secret-0123456789-abcdefghijkl";

/// The replica's server URL, or `None` (test skipped).
fn replica_server() -> Option<String> {
    match std::env::var("TEST_REPLICA_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("SKIPPED: TEST_REPLICA_URL is not set (run tests/replica/run.sh)");
            None
        }
    }
}

/// Waits until the replica has replayed the creation of database `url`.
async fn wait_for_replica(url: &str) {
    for _ in 0..100 {
        if let Ok(db) = Database::connect(url).await {
            let ok = db
                .query_one_raw(Statement::from_string(
                    db.get_database_backend(),
                    "SELECT pg_is_in_recovery()",
                ))
                .await
                .ok()
                .flatten()
                .and_then(|r| r.try_get_by_index::<bool>(0).ok());
            db.close().await.ok();
            assert_eq!(ok, Some(true), "{url} is not a replica in recovery");
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the replica never showed {url}");
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    query: &str,
    vars: Value,
) -> Value {
    let mut req = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": query, "variables": vars }));
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body: Value = req
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    assert!(body.get("errors").is_none(), "{body:#}");
    body["data"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_to_the_replica_and_a_writer_reads_their_own_writes_from_the_primary() {
    let Some(replica) = replica_server() else {
        return;
    };
    let Some(database) = TestDatabase::with(tests::Engine::Postgres, Contents::Seeded).await else {
        return;
    };
    let read_url = database.url.replace(&postgres_admin_url(), &replica);
    assert_ne!(
        read_url, database.url,
        "TEST_REPLICA_URL must differ from the primary"
    );
    wait_for_replica(&read_url).await;

    let mut config = api::Config::for_database(&database.url);
    config.jwt_secret = SECRET.into();
    config.database_read_url = Some(read_url);
    config.read_primary_secs = 2;
    let db = api::prepare(&config, false)
        .await
        .expect("prepare with a replica");
    let replica_stmts = db.read.as_ref().expect("a read replica").statements.clone();
    let admin = api::cli::create_user(
        &db.conn,
        "admin@replica.test".into(),
        "Replica admin".into(),
        "correct horse battery staple".into(),
        entities::codes::UserRole::Admin,
        None,
        Vec::new(),
    )
    .await
    .expect("admin");
    assert!(admin > 0);
    let router = api::build_router(db.clone(), &config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(api::serve(listener, router, std::future::pending()));
    let client = reqwest::Client::new();

    // An anonymous read runs on the replica only.
    let (p0, r0) = (db.statements.get(), replica_stmts.get());
    let data = post(
        &client,
        &base,
        None,
        "{ projects(first: 5) { totalCount } }",
        json!({}),
    )
    .await;
    assert!(data["projects"]["totalCount"].as_i64().unwrap() > 0);
    assert!(replica_stmts.get() > r0, "the replica answered");
    assert_eq!(db.statements.get(), p0, "the primary was not asked");

    // Log-in is a write: primary. Then the admin's reads go to the replica…
    let login = post(
        &client,
        &base,
        None,
        "mutation { login(email: \"admin@replica.test\", password: \"correct horse battery staple\") { token } }",
        json!({}),
    )
    .await;
    let token = login["login"]["token"].as_str().expect("token").to_string();
    let project = "query { project(slug: \"undp-early-recovery-fuzuli-agjabadi-tartar\") { id plannedStart } }";
    // …once the window of that log-in (an anonymous write: no writer) is irrelevant.
    let r1 = replica_stmts.get();
    let data = post(&client, &base, Some(&token), project, json!({})).await;
    assert!(
        replica_stmts.get() > r1,
        "an admin who has not written reads the replica"
    );
    let project_id = data["project"]["id"].clone();

    // A write goes to the primary and opens the writer's window.
    let r2 = replica_stmts.get();
    let created = post(
        &client,
        &base,
        Some(&token),
        "mutation($p: ID!) { createEvent(idempotencyKey: \"replica-1\", input: {
            projectId: $p, kind: TRAINING, titleAz: \"Replika\", titleEn: \"Replica\",
            attendance: [{ sex: FEMALE, ageBand: AGE_25_TO_59, disability: WITHOUT_DISABILITY, category: GENERAL, count: 7 }]
        }) { event { id } userErrors { code message } } }",
        json!({ "p": project_id }),
    )
    .await;
    assert_eq!(
        created["createEvent"]["userErrors"],
        json!([]),
        "{created:#}"
    );
    let event = created["createEvent"]["event"]["id"].clone();
    assert_eq!(replica_stmts.get(), r2, "a write never reaches the replica");

    // Within the window the writer reads the primary and sees the entry at once.
    let read_event = "query($id: ID!) { node(id: $id) { ... on Event { title(lang: EN) attendance { total { value } } } } }";
    let (p3, r3) = (db.statements.get(), replica_stmts.get());
    let data = post(
        &client,
        &base,
        Some(&token),
        read_event,
        json!({ "id": event }),
    )
    .await;
    assert_eq!(data["node"]["title"], json!("Replica"));
    assert!(
        db.statements.get() > p3,
        "the writer's read ran on the primary"
    );
    assert_eq!(replica_stmts.get(), r3);

    // After the window the writer reads the replica again, which has the entry by then.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let r4 = replica_stmts.get();
    let data = post(
        &client,
        &base,
        Some(&token),
        read_event,
        json!({ "id": event }),
    )
    .await;
    assert_eq!(data["node"]["attendance"]["total"]["value"], json!(7));
    assert!(
        replica_stmts.get() > r4,
        "after the window the replica answers"
    );
}
