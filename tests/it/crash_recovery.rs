//! A server killed with SIGKILL in the middle of a stream of acknowledged
//! writes, then restarted: every acknowledged write is there exactly once, and
//! every write whose answer was lost lands exactly once when retried with its
//! idempotency key.

use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tests::accounts::{PASSWORD, TEST_JWT_SECRET, UNDP, cell};
use tests::{Engine, TestDatabase, engine_tests};

use crate::support::{api_command, free_port, wait_healthy};

fn start(url: &str, port: u16) -> Child {
    api_command()
        .args(["serve", "--port", &port.to_string()])
        .env("DATABASE_URL", url)
        .env("JWT_SECRET", TEST_JWT_SECRET)
        .stdout(Stdio::null())
        .spawn()
        .expect("start api serve")
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> reqwest::Result<Value> {
    let mut req = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    req.send().await?.json().await
}

const ADD: &str = "mutation($k: String!, $e: ID!, $c: [AttendanceCellInput!]!) { addAttendance(idempotencyKey: $k, eventId: $e, cells: $c) { replayed userErrors { code } } }";

async fn every_acknowledged_write_survives_a_sigkill_exactly_once(engine: Engine) {
    let Some(database) = TestDatabase::create(engine).await else {
        return;
    };
    let status = api_command()
        .args(["migrate"])
        .env("DATABASE_URL", &database.url)
        .status()
        .unwrap();
    assert!(status.success());
    let status = api_command()
        .args(["seed", "demo"])
        .env("DATABASE_URL", &database.url)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    {
        let db = api::db::connect(&database.url, 1).await.unwrap();
        let project = api::cli::project_id(&db.conn, UNDP).await.unwrap();
        let role = entities::codes::UserRole::Manager;
        api::cli::create_user(
            &db.conn,
            "m@undp.example".into(),
            "M".into(),
            PASSWORD.into(),
            role,
            None,
            vec![project],
        )
        .await
        .unwrap();
        db.conn.close().await.unwrap();
    }

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut server = start(&database.url, port);
    wait_healthy(&client, &base).await;
    let login = post(
        &client,
        &base,
        None,
        "mutation($p: String!) { login(email: \"m@undp.example\", password: $p) { token } }",
        json!({ "p": PASSWORD }),
    )
    .await
    .unwrap();
    let token = login["data"]["login"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let project = post(
        &client,
        &base,
        None,
        "{ project(slug: \"undp-early-recovery-fuzuli-agjabadi-tartar\") { id } }",
        json!({}),
    )
    .await
    .unwrap()["data"]["project"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let created = post(
        &client,
        &base,
        Some(&token),
        "mutation($p: ID!) { createEvent(idempotencyKey: \"crash-event\", input: { projectId: $p, kind: TRAINING, titleAz: \"Qəza testi\", titleEn: \"Crash test\" }) { event { id } } }",
        json!({ "p": project }),
    )
    .await
    .unwrap();
    let event = created["data"]["createEvent"]["event"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Four writers add 1 each, sequentially, with their own keys, until the server dies.
    let acked = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (client, base, token, event, acked) = (
            client.clone(),
            base.clone(),
            token.clone(),
            event.clone(),
            acked.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut done: Vec<String> = Vec::new();
            for n in 0.. {
                let key = format!("w{w}-{n}");
                match post(
                    &client,
                    &base,
                    Some(&token),
                    ADD,
                    json!({ "k": key, "e": event, "c": [cell("FEMALE", 1)] }),
                )
                .await
                {
                    Ok(r) if r["data"]["addAttendance"]["userErrors"] == json!([]) => {
                        done.push(key);
                        acked.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(r) => panic!("write refused: {r}"),
                    // The server died: this write's fate is unknown.
                    Err(_) => return (done, Some(key)),
                }
            }
            unreachable!()
        }));
    }
    while acked.load(Ordering::SeqCst) < 60 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().expect("SIGKILL the server");
    server.wait().unwrap();
    let mut acknowledged = Vec::new();
    let mut unknown = Vec::new();
    for w in writers {
        let (done, in_flight) = w.await.unwrap();
        acknowledged.extend(done);
        unknown.extend(in_flight);
    }
    assert!(acknowledged.len() >= 60);

    let mut server = start(&database.url, port);
    wait_healthy(&client, &base).await;
    // Retry every write whose answer was lost, and a few acknowledged ones.
    for key in unknown.iter().chain(acknowledged.iter().take(5)) {
        let r = post(
            &client,
            &base,
            Some(&token),
            ADD,
            json!({ "k": key, "e": event, "c": [cell("FEMALE", 1)] }),
        )
        .await
        .unwrap();
        assert_eq!(r["data"]["addAttendance"]["userErrors"], json!([]), "{r}");
        if acknowledged.contains(key) {
            assert_eq!(
                r["data"]["addAttendance"]["replayed"], true,
                "an acknowledged write replays: {r}"
            );
        }
    }
    let total = post(
        &client,
        &base,
        Some(&token),
        "query($id: ID!) { node(id: $id) { ... on Event { attendance { total { value } } } } }",
        json!({ "id": event }),
    )
    .await
    .unwrap();
    let expected = acknowledged.len() + unknown.len();
    assert_eq!(
        total["data"]["node"]["attendance"]["total"]["value"],
        expected,
        "acknowledged {} + retried {}: {total}",
        acknowledged.len(),
        unknown.len()
    );
    server.kill().ok();
    server.wait().ok();
}

engine_tests!(every_acknowledged_write_survives_a_sigkill_exactly_once);
