//! E-mail notifications (issue 22): an SMTP sink of the test's own on
//! loopback; one mail per report event (submitted, returned, approved,
//! overdue) in the recipient's language; the opt-out and the weekly digest;
//! nothing sent without `MAIL_SMTP_URL`; and exactly one message per event
//! (by `Message-ID`) across the real `api` binary killed with SIGKILL in the
//! middle of sending.

use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use tests::accounts::{PASSWORD, TEST_JWT_SECRET, UNDP, as_user, create_user, login};
use tests::{Engine, TestApp, engine_tests};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::support::{
    api_command, create_manager_and_admin, free_port, prepared_database, wait_for, wait_healthy,
};

// ---------------------------------------------------------------- the sink

/// One message the sink took (or held without answering).
#[derive(Debug, Clone)]
struct Mail {
    message_id: String,
    to: String,
    subject: String,
    /// The whole message as received (headers and encoded body).
    raw: String,
}

/// A small SMTP server: answers EHLO, MAIL, RCPT, DATA and QUIT, and keeps
/// every message. The first `stall` messages are kept but never answered
/// (the connection hangs after the final dot), as a server does when the
/// sender dies mid-send.
#[derive(Clone, Default)]
struct Sink {
    got: Arc<Mutex<Vec<Mail>>>,
    stall: Arc<AtomicUsize>,
}

impl Sink {
    fn mails(&self) -> Vec<Mail> {
        self.got.lock().unwrap().clone()
    }
}

/// Unfolds a header value and decodes its RFC 2047 `=?utf-8?b?…?=` words
/// (the space between two encoded words is not part of the text).
fn decode_header(value: &str) -> String {
    let mut out = String::new();
    let mut last_encoded = false;
    for (i, word) in value.split_whitespace().enumerate() {
        let decoded = word
            .strip_prefix("=?utf-8?b?")
            .and_then(|w| w.strip_suffix("?="))
            .map(|b64| {
                String::from_utf8(STANDARD.decode(b64).expect("base64 word")).expect("utf-8")
            });
        if i > 0 && !(last_encoded && decoded.is_some()) {
            out.push(' ');
        }
        last_encoded = decoded.is_some();
        out.push_str(&decoded.unwrap_or_else(|| word.to_string()));
    }
    out
}

fn header(raw: &str, name: &str) -> String {
    let mut value: Option<String> = None;
    for line in raw.split("\r\n") {
        if line.is_empty() {
            break;
        }
        match &mut value {
            Some(v) if line.starts_with([' ', '\t']) => v.push_str(line),
            Some(_) => break,
            None => {
                if let Some((n, v)) = line.split_once(':')
                    && n.eq_ignore_ascii_case(name)
                {
                    value = Some(v.trim().to_string());
                }
            }
        }
    }
    value.unwrap_or_default()
}

/// The decoded text body (quoted-printable or base64, as lettre chose).
fn body_text(raw: &str) -> String {
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let encoding = header(head, "Content-Transfer-Encoding").to_ascii_lowercase();
    match encoding.as_str() {
        "base64" => {
            let joined: String = body.split_whitespace().collect();
            String::from_utf8(STANDARD.decode(joined).expect("base64 body")).expect("utf-8")
        }
        "quoted-printable" => {
            let mut bytes = Vec::new();
            let unfolded = body.replace("=\r\n", "");
            let b = unfolded.as_bytes();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'=' && i + 2 < b.len() {
                    let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
                    if let Ok(v) = u8::from_str_radix(hex, 16) {
                        bytes.push(v);
                        i += 3;
                        continue;
                    }
                }
                bytes.push(b[i]);
                i += 1;
            }
            String::from_utf8_lossy(&bytes).replace("\r\n", "\n")
        }
        _ => body.replace("\r\n", "\n"),
    }
}

async fn session(sink: Sink, stream: tokio::net::TcpStream) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink ESMTP\r\n").await?;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") || command.starts_with("HELO") {
            write.write_all(b"250-sink\r\n250 8BITMIME\r\n").await?;
        } else if command.starts_with("MAIL") || command.starts_with("RCPT") {
            write.write_all(b"250 OK\r\n").await?;
        } else if command == "DATA" {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut raw = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                let l = line.strip_prefix('.').unwrap_or(&line);
                raw.push_str(l);
            }
            sink.got.lock().unwrap().push(Mail {
                message_id: header(&raw, "Message-ID"),
                to: header(&raw, "To"),
                subject: decode_header(&header(&raw, "Subject")),
                raw,
            });
            let stall = sink
                .stall
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if stall {
                // Never answer: the sender dies (or times out) waiting.
                let mut rest = String::new();
                while lines.read_line(&mut rest).await? > 0 {}
                return Ok(());
            }
            write.write_all(b"250 queued\r\n").await?;
        } else if command == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else if command == "RSET" || command == "NOOP" {
            write.write_all(b"250 OK\r\n").await?;
        } else {
            write.write_all(b"502 not here\r\n").await?;
        }
    }
}

/// Starts the sink on 127.0.0.1; answers its `MAIL_SMTP_URL`.
async fn start_sink(sink: Sink) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(session(sink.clone(), stream));
        }
    });
    format!("smtp://{addr}")
}

// ------------------------------------------------------ in-process checks

fn mail_settings(smtp_url: Option<String>) -> api::mail::Settings {
    api::mail::Settings {
        smtp_url,
        from: "Hub <hub@hub.example>".into(),
        retry_schedule: vec![Duration::from_secs(1); 3],
        timeout: Duration::from_secs(3),
        lease: Duration::from_secs(4),
        poll: Duration::from_millis(50),
        check: Duration::from_millis(1000),
        batch: 16,
    }
}

async fn spawn_with_mail(
    engine: Engine,
    smtp_url: Option<String>,
) -> Option<(TestApp, api::mail::worker::Worker)> {
    let app = TestApp::spawn_seeded_with(engine, |c| c.jwt_secret = TEST_JWT_SECRET.into()).await?;
    let worker =
        api::mail::worker::Worker::spawn(app.db.conn.clone(), mail_settings(smtp_url)).unwrap();
    Some((app, worker))
}

const ME: &str = "{ me { version language mailNotifications } }";
const SETTINGS: &str = "mutation($k: String!, $i: NotificationSettingsInput!) {
  updateMyNotificationSettings(idempotencyKey: $k, input: $i) {
    userErrors { field code } user { language mailNotifications version } } }";
const SUBMIT: &str = "mutation($k: String!, $p: ID!, $s: NaiveDate!, $e: NaiveDate!) {
  submitReport(idempotencyKey: $k, input: { projectId: $p, periodStart: $s, periodEnd: $e }) {
    userErrors { code } report { id version status } } }";
const RETURN: &str = "mutation($k: String!, $id: ID!, $v: Int!, $c: String!) {
  returnReport(idempotencyKey: $k, id: $id, version: $v, comment: $c) {
    userErrors { code } report { id version status } } }";
const APPROVE: &str = "mutation($k: String!, $id: ID!, $v: Int!) {
  approveReport(idempotencyKey: $k, id: $id, version: $v) {
    userErrors { code } report { id version status } } }";

/// Sets the caller's own settings through the API.
async fn settings(app: &TestApp, token: &str, language: &str, mode: &str) {
    let me = as_user(app, token, ME, json!({})).await;
    let version = me["data"]["me"]["version"].as_i64().expect("me");
    let r = as_user(
        app,
        token,
        SETTINGS,
        json!({ "k": format!("s-{language}-{mode}-{version}"),
                "i": { "version": version, "language": language, "mailNotifications": mode } }),
    )
    .await;
    let p = &r["data"]["updateMyNotificationSettings"];
    assert_eq!(p["userErrors"], json!([]), "{r}");
    assert_eq!(p["user"]["language"], language, "{r}");
    assert_eq!(p["user"]["mailNotifications"], mode, "{r}");
}

fn report_of(r: &Value, field: &str) -> (String, i64) {
    let rep = &r["data"][field]["report"];
    assert!(rep.is_object(), "{field}: {r}");
    (
        rep["id"].as_str().unwrap().to_string(),
        rep["version"].as_i64().unwrap(),
    )
}

/// Submits the project's report for a month (`2025-07`) as `token`.
async fn submit(
    app: &TestApp,
    token: &str,
    key: &str,
    project: &str,
    month: &str,
) -> (String, i64) {
    let start = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").unwrap();
    let end = start + chrono::Months::new(1) - chrono::Days::new(1);
    let r = as_user(
        app,
        token,
        SUBMIT,
        json!({ "k": key, "p": project, "s": start, "e": end }),
    )
    .await;
    report_of(&r, "submitReport")
}

/// Returns a report with a comment as `token`.
async fn give_back(app: &TestApp, token: &str, key: &str, (id, v): (String, i64), comment: &str) {
    let r = as_user(
        app,
        token,
        RETURN,
        json!({ "k": key, "id": id, "v": v, "c": comment }),
    )
    .await;
    report_of(&r, "returnReport");
}

async fn outbox(app: &TestApp) -> Vec<entities::mail_message::Model> {
    entities::mail_message::Entity::find()
        .all(&app.db.conn)
        .await
        .unwrap()
}

/// Waits until nothing in the outbox is pending any more.
async fn settled(app: &TestApp) {
    wait_for("the outbox to settle", async || {
        outbox(app).await.iter().all(|m| m.state != "pending")
    })
    .await;
}

async fn each_report_event_mails_its_people_once_in_their_language_and_the_opt_out_holds(
    engine: Engine,
) {
    let sink = Sink::default();
    let url = start_sink(sink.clone()).await;
    let Some((app, worker)) = spawn_with_mail(engine, Some(url)).await else {
        return;
    };
    create_user(&app, "az-admin@hub.example", "admin", None, &[]).await;
    create_user(&app, "quiet-admin@hub.example", "admin", None, &[]).await;
    create_user(&app, "m@undp.example", "manager", None, &[UNDP]).await;
    let az_admin = login(&app, "az-admin@hub.example").await;
    let quiet = login(&app, "quiet-admin@hub.example").await;
    let manager = login(&app, "m@undp.example").await;
    settings(&app, &az_admin, "AZ", "EACH").await;
    settings(&app, &quiet, "EN", "OFF").await;
    let project = tests::accounts::project_id(&app, Some(&manager), UNDP).await;

    // Submitted: the admin who reads Azerbaijani hears of it; the quiet one does not.
    let report = submit(&app, &manager, "s1", &project, "2025-07").await;
    settled(&app).await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 1, "{mails:#?}");
    assert_eq!(mails[0].to, "az-admin@hub.example");
    assert!(
        mails[0].subject.starts_with("Hesabat təqdim edildi"),
        "{}",
        mails[0].subject
    );
    let body = body_text(&mails[0].raw);
    assert!(body.contains("2025-07"), "{body}");
    assert!(body.contains("Test m@undp.example"), "{body}");

    // Returned with a comment: the manager hears it in English, with the comment.
    give_back(
        &app,
        &az_admin,
        "r1",
        report,
        "March attendance is missing.",
    )
    .await;
    settled(&app).await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 2, "{mails:#?}");
    assert_eq!(mails[1].to, "m@undp.example");
    assert!(
        mails[1].subject.starts_with("Report returned"),
        "{mails:#?}"
    );
    assert!(
        body_text(&mails[1].raw).contains("March attendance is missing."),
        "{}",
        mails[1].raw
    );

    // Submitted again (a new event) and approved.
    let (id, v) = submit(&app, &manager, "s2", &project, "2025-07").await;
    let r = as_user(
        &app,
        &az_admin,
        APPROVE,
        json!({ "k": "a1", "id": id, "v": v }),
    )
    .await;
    report_of(&r, "approveReport");
    settled(&app).await;
    let mails = sink.mails();
    let subjects: Vec<&str> = mails.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(mails.len(), 4, "{subjects:?}");
    // The two mails of this step go out in either order.
    let mut last_two = subjects[2..].to_vec();
    last_two.sort_by_key(|s| s.starts_with("Report approved"));
    assert!(
        last_two[0].starts_with("Hesabat təqdim edildi"),
        "{subjects:?}"
    );
    assert!(last_two[1].starts_with("Report approved"), "{subjects:?}");
    assert!(
        mails.iter().all(|m| m.to != "quiet-admin@hub.example"),
        "the opt-out holds"
    );
    let mut ids: Vec<&str> = mails.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4, "one Message-ID per message");
    assert!(ids.iter().all(|i| i.ends_with("@hub.example>")), "{ids:?}");
    // A retried mutation (same idempotency key) writes no second mail.
    as_user(
        &app,
        &az_admin,
        APPROVE,
        json!({ "k": "a1", "id": id, "v": v }),
    )
    .await;
    assert_eq!(outbox(&app).await.len(), 4);

    // Overdue: a monthly obligation on the project whose last month is past
    // its due day; the manager hears once, however often the check runs.
    let db = &app.db.conn;
    let project_id = tests::fixtures::raw_id(&project);
    let today = Utc::now().date_naive();
    let last_month =
        NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap() - chrono::Days::new(1);
    let start = NaiveDate::from_ymd_opt(last_month.year(), last_month.month(), 1).unwrap();
    entities::reporting_obligation::ActiveModel {
        project_id: Set(project_id),
        unit_kind: Set(entities::codes::ObligationUnit::Project),
        centre_id: Set(None),
        figures: Set(entities::codes::ObligationFigures::IndicatorValues),
        frequency: Set(entities::codes::ReportingFrequency::Monthly),
        due_days: Set(0),
        starts_on: Set(start),
        ends_on: Set(Some(last_month)),
        created_at: Set(Utc::now()),
        version: Set(1),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    wait_for("the overdue mail", async || {
        sink.mails()
            .iter()
            .any(|m| m.subject.starts_with("Report overdue"))
    })
    .await;
    assert_eq!(api::services::mail::overdue(db, today).await.unwrap(), 0);
    settled(&app).await;
    let overdue: Vec<Mail> = sink
        .mails()
        .into_iter()
        .filter(|m| m.subject.starts_with("Report overdue"))
        .collect();
    assert_eq!(overdue.len(), 1, "{overdue:#?}");
    assert_eq!(overdue[0].to, "m@undp.example");
    assert!(
        body_text(&overdue[0].raw).contains(&format!("{:04}-{:02}", start.year(), start.month())),
        "{}",
        overdue[0].raw
    );

    // The weekly digest: the manager's notices wait, then come in one mail.
    settings(&app, &manager, "EN", "WEEKLY").await;
    let report = submit(&app, &manager, "s3", &project, "2025-08").await;
    give_back(
        &app,
        &az_admin,
        "r3",
        report,
        "Please add the August narrative.",
    )
    .await;
    settled(&app).await;
    let held: Vec<_> = outbox(&app)
        .await
        .into_iter()
        .filter(|m| m.state == "held")
        .collect();
    assert_eq!(held.len(), 1, "the return waits for the digest");
    let before = sink.mails().len();
    // A week later (the row is made older), the digest takes it.
    entities::mail_message::Entity::update_many()
        .col_expr(
            entities::mail_message::Column::CreatedAt,
            sea_orm::sea_query::Expr::value(Utc::now() - chrono::Duration::days(8)),
        )
        .filter(entities::mail_message::Column::Id.eq(held[0].id))
        .exec(db)
        .await
        .unwrap();
    wait_for("the digest", async || {
        sink.mails().iter().any(|m| m.subject.contains("weekly"))
    })
    .await;
    assert_eq!(
        api::services::mail::digests(db, Utc::now()).await.unwrap(),
        0,
        "one digest a week"
    );
    settled(&app).await;
    let after = sink.mails();
    let new: Vec<&Mail> = after[before..].iter().collect();
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(new[0].subject, "Your weekly reporting digest: 1 notices");
    assert!(
        body_text(&new[0].raw).contains("Please add the August narrative."),
        "{}",
        new[0].raw
    );
    worker.shutdown().await;
}

engine_tests!(each_report_event_mails_its_people_once_in_their_language_and_the_opt_out_holds);

async fn nothing_is_sent_without_an_smtp_server(engine: Engine) {
    let sink = Sink::default();
    let _url = start_sink(sink.clone()).await;
    let Some((app, worker)) = spawn_with_mail(engine, None).await else {
        return;
    };
    create_user(&app, "admin@hub.example", "admin", None, &[]).await;
    create_user(&app, "m@undp.example", "manager", None, &[UNDP]).await;
    let manager = login(&app, "m@undp.example").await;
    let project = tests::accounts::project_id(&app, Some(&manager), UNDP).await;
    submit(&app, &manager, "s1", &project, "2025-07").await;
    wait_for("the message to be skipped", async || {
        let rows = outbox(&app).await;
        rows.len() == 1 && rows[0].state == "skipped"
    })
    .await;
    assert!(sink.mails().is_empty());
    worker.shutdown().await;
}

engine_tests!(nothing_is_sent_without_an_smtp_server);

// ---------------------------------------------- the real binary, killed

fn start_server(url: &str, port: u16, smtp: &str) -> Child {
    api_command()
        .args(["serve", "--port", &port.to_string()])
        .env("DATABASE_URL", url)
        .env("JWT_SECRET", TEST_JWT_SECRET)
        .env("MAIL_SMTP_URL", smtp)
        .env("MAIL_FROM", "Hub <hub@hub.example>")
        .env("MAIL_RETRY_SCHEDULE_SECS", vec!["1"; 20].join(","))
        .env("MAIL_TIMEOUT_SECS", "5")
        .env("MAIL_LEASE_SECS", "6")
        .env("MAIL_POLL_MS", "50")
        .env("RATE_LIMIT_ENABLED", "false")
        .stdout(Stdio::null())
        .spawn()
        .expect("start api serve")
}

async fn exactly_one_message_per_event_across_a_server_killed_mid_send(engine: Engine) {
    let Some(database) = prepared_database(engine).await else {
        return;
    };
    {
        let db = api::db::connect(&database.url, 1).await.unwrap();
        create_manager_and_admin(&db.conn).await;
        db.conn.close().await.unwrap();
    }
    // The sink takes the first message and never answers it.
    let sink = Sink::default();
    sink.stall.store(1, Ordering::SeqCst);
    let smtp = start_sink(sink.clone()).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut server = start_server(&database.url, port, &smtp);
    wait_healthy(&client, &base).await;
    let post = async |query: &str, variables: Value, token: Option<&str>| -> Value {
        let mut req = client
            .post(format!("{base}/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        req.send().await.unwrap().json().await.unwrap()
    };
    let login = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
    let manager = post(login, json!({ "e": "m@undp.example", "p": PASSWORD }), None).await["data"]
        ["login"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let project = post(
        "query($s: String!) { project(slug: $s) { id } }",
        json!({ "s": UNDP }),
        Some(&manager),
    )
    .await["data"]["project"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Five events: five months submitted.
    let events = 5;
    for month in 1..=events {
        let start = NaiveDate::from_ymd_opt(2025, month, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2025, month + 1, 1).unwrap() - chrono::Days::new(1);
        let r = post(
            SUBMIT,
            json!({ "k": format!("s{month}"), "p": project, "s": start, "e": end }),
            Some(&manager),
        )
        .await;
        assert_eq!(r["data"]["submitReport"]["userErrors"], json!([]), "{r}");
    }
    // Killed while the sink holds a message it has not answered.
    wait_for("a message in flight", async || !sink.mails().is_empty()).await;
    server.kill().expect("SIGKILL the server");
    server.wait().ok();
    let in_flight = sink.mails()[0].message_id.clone();
    let mut server = start_server(&database.url, port, &smtp);
    wait_healthy(&client, &base).await;
    wait_for("every event's message", async || {
        let mut ids: Vec<String> = sink.mails().into_iter().map(|m| m.message_id).collect();
        ids.sort();
        ids.dedup();
        ids.len() >= events as usize
    })
    .await;
    let db = api::db::connect(&database.url, 1).await.unwrap();
    wait_for("the outbox to record every message sent", async || {
        entities::mail_message::Entity::find()
            .all(&db.conn)
            .await
            .unwrap()
            .iter()
            .all(|m| m.state == "sent")
    })
    .await;
    let rows = entities::mail_message::Entity::find()
        .all(&db.conn)
        .await
        .unwrap();
    assert_eq!(rows.len(), events as usize, "one row per event");
    let mails = sink.mails();
    let mut ids: Vec<&str> = mails.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), events as usize, "one Message-ID per event");
    // The message in flight at the kill came again, the same message.
    let again: Vec<&Mail> = mails.iter().filter(|m| m.message_id == in_flight).collect();
    assert_eq!(again.len(), 2, "sent again after the kill: {mails:#?}");
    // Any message sent twice (the kill came between the server's answer and
    // the record of it) is the same message, byte for byte.
    for m in &mails {
        for n in mails.iter().filter(|n| n.message_id == m.message_id) {
            assert_eq!(m.raw, n.raw, "a resend is the same message");
        }
    }
    assert!(
        mails.len() <= 2 * events as usize,
        "at most one resend per message in flight at the kill"
    );
    for m in &mails {
        assert_eq!(m.to, "a@hub.example");
    }
    db.conn.close().await.ok();
    server.kill().ok();
    server.wait().ok();
}

engine_tests!(exactly_one_message_per_event_across_a_server_killed_mid_send);

async fn notification_settings_are_the_callers_own_and_versioned(engine: Engine) {
    let Some(app) = tests::accounts::spawn(engine).await else {
        return;
    };
    create_user(&app, "m@undp.example", "manager", None, &[UNDP]).await;
    create_user(&app, "other@undp.example", "manager", None, &[UNDP]).await;
    let manager = login(&app, "m@undp.example").await;
    let me = as_user(&app, &manager, ME, json!({})).await;
    assert_eq!(me["data"]["me"]["language"], "EN", "{me}");
    assert_eq!(me["data"]["me"]["mailNotifications"], "EACH", "{me}");
    let version = me["data"]["me"]["version"].as_i64().unwrap();
    // Anonymous callers have no settings to change.
    let r = app
        .graphql(
            SETTINGS,
            json!({ "k": "anon", "i": { "version": 1, "mailNotifications": "OFF" } }),
        )
        .await;
    assert_eq!(
        r["data"]["updateMyNotificationSettings"]["userErrors"][0]["code"], "UNAUTHENTICATED",
        "{r}"
    );
    // A stale version is refused and changes nothing.
    let r = as_user(
        &app,
        &manager,
        SETTINGS,
        json!({ "k": "stale", "i": { "version": version + 5, "mailNotifications": "OFF" } }),
    )
    .await;
    assert_eq!(
        r["data"]["updateMyNotificationSettings"]["userErrors"][0]["code"], "CONFLICT",
        "{r}"
    );
    settings(&app, &manager, "AZ", "WEEKLY").await;
    // The change is the caller's alone, and audited.
    let other = login(&app, "other@undp.example").await;
    let theirs = as_user(&app, &other, ME, json!({})).await;
    assert_eq!(theirs["data"]["me"]["mailNotifications"], "EACH");
    let audited = entities::audit_entry::Entity::find()
        .filter(entities::audit_entry::Column::Action.eq("user.settings"))
        .all(&app.db.conn)
        .await
        .unwrap();
    assert_eq!(audited.len(), 1);
    assert_eq!(
        audited[0].after.as_ref().unwrap()["mailNotifications"],
        "weekly"
    );
}

engine_tests!(notification_settings_are_the_callers_own_and_versioned);
