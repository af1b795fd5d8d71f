//! Importing IATI 2.03 activity files: only administrators may (a manager
//! and an anonymous caller are refused); a dry run stores nothing, the
//! confirmation stores the preview once and a retry replays it, the same
//! file again is unchanged; hostile XML (a DTD with entities, deep nesting,
//! another document) is refused whole; and a programme exported from one
//! database, imported into a fresh one and exported again gives the same
//! file but for its generation time.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tests::accounts::{TEST_JWT_SECRET, UNDP, create_user, login};
use tests::{Engine, TestApp, engine_tests};

/// The publisher both servers of the round trip are configured with.
const PUBLISHER: &str = "XM-EXAMPLE-0001";
/// The programme of the round trip.
const ROUND_TRIP: &str = "unified-coordination-centres";

async fn spawn_seeded(engine: Engine) -> Option<TestApp> {
    TestApp::spawn_seeded_with(engine, |c| {
        c.jwt_secret = TEST_JWT_SECRET.into();
        c.iati.prefix = Some(PUBLISHER.into());
    })
    .await
}

async fn upload(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    body: &[u8],
    key: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = app
        .client
        .post(format!("{}/import-iati?{query}", app.base))
        .body(body.to_vec());
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let resp = req.send().await.expect("request reaches the server");
    let status = resp.status();
    (status, resp.json::<Value>().await.unwrap_or(Value::Null))
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.db.conn;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_string(),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// Previews then confirms `xml` as `token`; the stored report.
async fn import(app: &TestApp, token: &str, xml: &[u8], key: &str) -> Value {
    let (status, preview) = upload(app, Some(token), "dryRun=true", xml, None).await;
    assert_eq!(status, StatusCode::OK, "{preview:#}");
    assert_eq!(preview["totals"]["refused"], 0, "{preview:#}");
    let t = preview["token"].as_str().unwrap().to_string();
    let (status, stored) = upload(app, Some(token), &format!("token={t}"), xml, Some(key)).await;
    assert_eq!(status, StatusCode::OK, "{stored:#}");
    stored
}

/// A donor's own publication: one activity with a funder known by its
/// `ref` (UNDP in the demo data), an implementer known only by name, a
/// district by its ISO code and a village by its name, a budget, and a
/// result whose indicator has a baseline, a target and actuals by sex.
fn donor_file(status: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03" generated-datetime="2026-01-01T00:00:00Z">
 <iati-activity xml:lang="en" default-currency="USD" last-updated-datetime="2025-12-01T00:00:00Z">
  <iati-identifier>XM-DAC-41114-AZE-IMPORT-1</iati-identifier>
  <reporting-org ref="XM-DAC-41114" type="40"><narrative>United Nations Development Programme</narrative></reporting-org>
  <title><narrative>Livelihoods in Fuzuli</narrative><narrative xml:lang="az">Füzulidə dolanışıq</narrative></title>
  <description type="1"><narrative>Small grants &amp; training.</narrative></description>
  <participating-org ref="XM-DAC-41114" role="1" type="40"><narrative>United Nations Development Programme</narrative></participating-org>
  <participating-org role="4" type="22"><narrative>Imported Implementer Union</narrative></participating-org>
  <activity-status code="{status}"/>
  <activity-date type="2" iso-date="2025-01-01"/>
  <activity-date type="3" iso-date="2026-12-31"/>
  <recipient-country code="AZ" percentage="100"/>
  <location ref="AZ-FUZ"><name><narrative>Fuzuli</narrative></name></location>
  <sector vocabulary="1" code="16010" percentage="100"/>
  <budget type="1" status="1"><period-start iso-date="2025-01-01"/><period-end iso-date="2026-12-31"/><value currency="USD" value-date="2025-01-01">250000</value></budget>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2025-02-01"/><value value-date="2025-02-01">1000</value></transaction>
  <result type="1" aggregation-status="0">
   <title><narrative>People trained</narrative></title>
   <indicator measure="1" ascending="1">
    <title><narrative>People trained in business skills</narrative></title>
    <baseline year="2025" iso-date="2025-01-01" value="0"/>
    <period><period-start iso-date="2025-01-01"/><period-end iso-date="2025-12-31"/>
     <target value="400"/><actual value="120"/>
     <actual value="70"><dimension name="sex" value="female"/></actual>
     <actual value="50"><dimension name="sex" value="male"/></actual>
    </period>
   </indicator>
  </result>
 </iati-activity>
</iati-activities>
"#
    )
    .into_bytes()
}

async fn admin(app: &TestApp) -> String {
    create_user(app, "iati-admin@example.org", "admin", None, &[]).await;
    login(app, "iati-admin@example.org").await
}

async fn an_administrator_imports_a_donors_activity_once(engine: Engine) {
    let Some(app) = spawn_seeded(engine).await else {
        return;
    };
    let token = admin(&app).await;
    let projects = count(&app, "SELECT COUNT(*) AS n FROM projects").await;
    let xml = donor_file("2");

    let (status, preview) = upload(&app, Some(&token), "dryRun=true", &xml, None).await;
    assert_eq!(status, StatusCode::OK, "{preview:#}");
    assert_eq!(
        preview["totals"],
        json!({ "created": 1, "updated": 0, "unchanged": 0, "refused": 0 }),
        "{preview:#}"
    );
    assert_eq!(preview["rows"][0]["key"], "XM-DAC-41114-AZE-IMPORT-1");
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM projects").await,
        projects,
        "a dry run stores nothing"
    );

    let t = preview["token"].as_str().unwrap();
    let (status, stored) = upload(
        &app,
        Some(&token),
        &format!("token={t}"),
        &xml,
        Some("iati-1"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{stored:#}");
    assert_eq!(stored["totals"], preview["totals"]);
    assert_eq!(stored["replayed"], false);
    // A retry after a lost answer replays the outcome and stores nothing more.
    let (status, again) = upload(
        &app,
        Some(&token),
        &format!("token={t}"),
        &xml,
        Some("iati-1"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{again:#}");
    assert_eq!(again["replayed"], true);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM projects").await,
        projects + 1
    );

    // What was stored: the project by its identifier, the funder found by
    // its ref (not doubled), the implementer made, the area by its code,
    // the indicator with its baseline, target and actuals.
    let p = "(SELECT id FROM projects WHERE iati_identifier = 'XM-DAC-41114-AZE-IMPORT-1')";
    assert_eq!(count(&app, &format!("SELECT COUNT(*) AS n FROM projects WHERE id = {p} AND budget_amount = 250000 AND title_az = 'Füzulidə dolanışıq'")).await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM organisations WHERE iati_ref = 'XM-DAC-41114'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM organisations WHERE name_en = 'Imported Implementer Union'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) AS n FROM project_participants WHERE project_id = {p}")
        )
        .await,
        2
    );
    assert_eq!(count(&app, &format!("SELECT COUNT(*) AS n FROM project_areas pa JOIN areas a ON a.id = pa.area_id WHERE pa.project_id = {p} AND a.code = 'AZ-FUZ'")).await, 1);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) AS n FROM indicators WHERE project_id = {p} AND baseline = 0 AND target = 400")).await, 1);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) AS n FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id WHERE i.project_id = {p}")).await, 3);

    // The same file again: unchanged, nothing doubled.
    let (_, same) = upload(&app, Some(&token), "dryRun=true", &xml, None).await;
    assert_eq!(
        same["totals"],
        json!({ "created": 0, "updated": 0, "unchanged": 1, "refused": 0 }),
        "{same:#}"
    );
    // A changed status: updated, still one project.
    let changed = donor_file("3");
    let stored = import(&app, &token, &changed, "iati-2").await;
    assert_eq!(stored["totals"]["updated"], 1, "{stored:#}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM projects").await,
        projects + 1
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM projects WHERE id = {p} AND status = 'finalisation'"
            )
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM organisations WHERE name_en = 'Imported Implementer Union'"
        )
        .await,
        1
    );
}

async fn a_manager_and_an_anonymous_caller_cannot_import_iati(engine: Engine) {
    let Some(app) = spawn_seeded(engine).await else {
        return;
    };
    create_user(
        &app,
        "iati-manager@undp.example",
        "manager",
        Some("UNDP"),
        &[UNDP],
    )
    .await;
    let manager = login(&app, "iati-manager@undp.example").await;
    let projects = count(&app, "SELECT COUNT(*) AS n FROM projects").await;
    let xml = donor_file("2");
    let (status, body) = upload(&app, Some(&manager), "dryRun=true", &xml, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = upload(&app, Some(&manager), "token=x", &xml, Some("k")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = upload(&app, None, "dryRun=true", &xml, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM projects").await,
        projects
    );
}

async fn hostile_or_invalid_xml_is_refused_whole(engine: Engine) {
    let Some(app) = spawn_seeded(engine).await else {
        return;
    };
    let token = admin(&app).await;
    let projects = count(&app, "SELECT COUNT(*) AS n FROM projects").await;
    let laughs = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY a \"aaaaaaaaaa\">{}]><iati-activities version=\"2.03\">&a9;</iati-activities>",
        (1..10)
            .map(|i| format!(
                "<!ENTITY a{i} \"{}\">",
                format!(
                    "&a{};",
                    if i == 1 {
                        String::new()
                    } else {
                        (i - 1).to_string()
                    }
                )
                .repeat(10)
            ))
            .collect::<String>()
    );
    let deep = format!(
        "<iati-activities version=\"2.03\">{}{}</iati-activities>",
        "<x>".repeat(10_000),
        "</x>".repeat(10_000)
    );
    let external = r#"<?xml version="1.0"?><!DOCTYPE a SYSTEM "file:///etc/passwd"><iati-activities version="2.03"/>"#;
    for (body, code) in [
        (laughs.as_str(), "XML_DOCTYPE"),
        (external, "XML_DOCTYPE"),
        (deep.as_str(), "TOO_DEEP"),
        (
            "<iati-activities version=\"2.01\"><iati-activity/></iati-activities>",
            "IATI_VERSION",
        ),
        ("<html><body>not iati</body></html>", "NOT_IATI"),
        (
            "<iati-activities version=\"2.03\"><iati-activity>",
            "INVALID_XML",
        ),
    ] {
        let (status, resp) = upload(&app, Some(&token), "dryRun=true", body.as_bytes(), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{resp}");
        assert_eq!(resp["errors"][0]["code"], code, "{resp}");
    }
    // An activity that breaks the codelists is refused on its element, and
    // a confirmation of a file with a refused activity stores nothing.
    let bad = String::from_utf8(donor_file("9")).unwrap();
    let (status, preview) = upload(&app, Some(&token), "dryRun=true", bad.as_bytes(), None).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["totals"]["refused"], 1);
    assert_eq!(
        preview["rows"][0]["errors"][0]["column"],
        "activity-status/@code"
    );
    assert_eq!(preview["rows"][0]["errors"][0]["code"], "NOT_IN_CODELIST");
    let t = preview["token"].as_str().unwrap();
    let (status, _) = upload(
        &app,
        Some(&token),
        &format!("token={t}"),
        bad.as_bytes(),
        Some("bad"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM projects").await,
        projects
    );
    // The server is unharmed.
    assert_eq!(app.get("/health").await.status(), StatusCode::OK);
}

/// The file with its generation time and its activities' last-updated
/// times blanked: the fresh database's audit trail dates its records at
/// the import (the export's `last-updated-datetime` is when the hub's
/// record last changed), so those differ by design.
fn comparable(xml: &str) -> String {
    let blank = |xml: &str, attr: &str| -> String {
        let mut out = String::with_capacity(xml.len());
        let mut rest = xml;
        while let Some(at) = rest.find(attr) {
            let start = at + attr.len();
            let end = start + rest[start..].find('"').expect("closing quote");
            out.push_str(&rest[..start]);
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    };
    blank(
        &blank(xml, "generated-datetime=\""),
        "last-updated-datetime=\"",
    )
}

/// Copies the reference geography (areas) of one database into another.
async fn copy_areas(from: &TestApp, to: &TestApp) {
    use entities::area;
    use sea_orm::{EntityTrait, IntoActiveModel, QueryOrder};
    let areas = area::Entity::find()
        .order_by_asc(area::Column::Id)
        .all(&from.db.conn)
        .await
        .unwrap();
    for a in areas {
        area::Entity::insert(a.into_active_model())
            .exec(&to.db.conn)
            .await
            .unwrap();
    }
}

async fn an_exported_programme_round_trips_through_a_fresh_database(engine: Engine) {
    let Some(source) = spawn_seeded(engine).await else {
        return;
    };
    let Some(fresh) = TestApp::spawn_with(engine, |c| {
        c.jwt_secret = TEST_JWT_SECRET.into();
        c.iati.prefix = Some(PUBLISHER.into());
    })
    .await
    else {
        return;
    };
    // The demo's coordination programme, and a donor's activity imported
    // into the source first (own dates, a budget, an indicator with its
    // baseline, target and actuals by sex).
    let source_admin = admin(&source).await;
    import(&source, &source_admin, &donor_file("2"), "donor").await;
    copy_areas(&source, &fresh).await;
    let token = admin(&fresh).await;
    for slug in [ROUND_TRIP, "xm-dac-41114-aze-import-1"] {
        let exported = source.get(&format!("/export/iati/{slug}.xml")).await;
        assert_eq!(exported.status(), StatusCode::OK, "{slug}");
        let exported = exported.text().await.unwrap();

        let stored = import(&fresh, &token, exported.as_bytes(), slug).await;
        assert_eq!(stored["totals"]["created"], 1, "{stored:#}");

        let again = fresh.get(&format!("/export/iati/{slug}.xml")).await;
        assert_eq!(again.status(), StatusCode::OK, "{slug}");
        let again = again.text().await.unwrap();
        let (a, b) = (comparable(&exported), comparable(&again));
        if a != b {
            if let Ok(dir) = std::env::var("IATI_ROUND_TRIP_DIR") {
                std::fs::write(format!("{dir}/{engine:?}-{slug}-a.xml"), &a).ok();
                std::fs::write(format!("{dir}/{engine:?}-{slug}-b.xml"), &b).ok();
            }
            let diff: Vec<String> = a
                .lines()
                .zip(b.lines())
                .enumerate()
                .filter(|(_, (x, y))| x != y)
                .map(|(i, (x, y))| format!("line {}:\n  {x}\n  {y}", i + 1))
                .collect();
            panic!(
                "{slug}: the files differ ({} and {} lines):\n{}",
                a.lines().count(),
                b.lines().count(),
                diff.join("\n")
            );
        }
        // Importing its own export again changes nothing.
        let (_, same) = upload(
            &fresh,
            Some(&token),
            "dryRun=true",
            exported.as_bytes(),
            None,
        )
        .await;
        assert_eq!(same["totals"]["unchanged"], 1, "{same:#}");
    }
}

async fn the_command_line_previews_then_stores_an_iati_file(engine: Engine) {
    let Some(app) = spawn_seeded(engine).await else {
        return;
    };
    create_user(&app, "iati-cli@example.org", "admin", None, &[]).await;
    let url = app.database_url().expect("a test database").to_string();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("activities.xml");
    std::fs::write(&path, donor_file("2")).unwrap();
    let projects = count(&app, "SELECT COUNT(*) AS n FROM projects").await;
    let run = |extra: &[&str]| {
        let mut args = vec![
            "import",
            path.to_str().unwrap(),
            "--as",
            "iati-cli@example.org",
        ];
        args.extend_from_slice(extra);
        crate::support::api_command()
            .args(&args)
            .env("DATABASE_URL", &url)
            .env("IATI_PUBLISHER_PREFIX", PUBLISHER)
            .output()
            .expect("run api import")
    };
    let out = run(&["--dry-run"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1 to create"), "{stdout}");
    assert!(stdout.contains("dry run: nothing stored"), "{stdout}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM projects").await,
        projects
    );
    let out = run(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM projects").await,
        projects + 1
    );
    let out = run(&["--dry-run"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 unchanged"));
}

engine_tests!(
    the_command_line_previews_then_stores_an_iati_file,
    an_administrator_imports_a_donors_activity_once,
    a_manager_and_an_anonymous_caller_cannot_import_iati,
    hostile_or_invalid_xml_is_refused_whole,
    an_exported_programme_round_trips_through_a_fresh_database,
);
