//! CSV downloads: every root list and every aggregate, with the API's
//! filters as query parameters, an optional BOM and HXL row, and the same
//! small-cell suppression as the API.

use serde_json::json;
use tests::{Engine, TestApp, engine_tests};

const UNDP: &str = "undp-early-recovery-fuzuli-agjabadi-tartar";
const TRAFFICKING: &str = "mlsp-trafficking-victim-assistance";

async fn get(app: &TestApp, path: &str) -> (u16, String, String) {
    let resp = app
        .client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .expect("request reaches the server");
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, content_type, resp.text().await.unwrap())
}

fn records(body: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.trim_start_matches('\u{FEFF}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

async fn id_of(app: &TestApp, slug: &str) -> String {
    app.data(
        "query($s: String!) { project(slug: $s) { id } }",
        json!({ "s": slug }),
    )
    .await["project"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn every_root_list_downloads_as_csv(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    for (name, first_tag, at_least) in [
        ("projects", "#activity+id", 5),
        ("centres", "#loc+id", 11),
        ("events", "#event+id", 10),
        ("infrastructure-works", "#output+id", 3),
        ("organisations", "#org+id", 10),
        ("areas", "#loc+id", 12),
    ] {
        let (status, content_type, body) =
            get(&app, &format!("/export/{name}.csv?hxl=1&bom=1")).await;
        assert_eq!(status, 200, "{name}: {body}");
        assert_eq!(content_type, "text/csv; charset=utf-8");
        assert!(body.starts_with('\u{FEFF}'), "{name}: a BOM was asked for");
        let rows = records(&body);
        assert_eq!(rows[0][0], "id", "{name}: header row");
        assert_eq!(rows[1][0], first_tag, "{name}: HXL row");
        assert!(
            rows[1].iter().all(|t| t.starts_with('#')),
            "{name}: {:?}",
            rows[1]
        );
        assert!(
            rows.len() - 2 >= at_least,
            "{name}: {} rows",
            rows.len() - 2
        );
        let width = rows[0].len();
        assert!(rows.iter().all(|r| r.len() == width), "{name}: ragged rows");
    }
    // Without the options: no BOM, no HXL row; names in Azerbaijani on request.
    let undp = id_of(&app, UNDP).await;
    let (_, _, body) = get(&app, &format!("/export/centres.csv?project={undp}&lang=az")).await;
    assert!(!body.starts_with('\u{FEFF}'));
    let rows = records(&body);
    assert_eq!(rows.len(), 4, "header and the three CRCs: {body}");
    let name = rows[0].iter().position(|h| h == "name").unwrap();
    let mut names: Vec<&str> = rows[1..].iter().map(|r| r[name].as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "Ağcabədi İcma Resurs Mərkəzi",
            "Füzuli İcma Resurs Mərkəzi",
            "Tərtər İcma Resurs Mərkəzi"
        ]
    );
    // Filters as in GraphQL, lists comma-separated, codes in either case.
    let (status, _, body) = get(
        &app,
        "/export/events.csv?kind=training,vocational_course&search=Fuzuli",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _, body) = get(&app, "/export/infrastructure-works.csv?kind=ROAD").await;
    assert_eq!(status, 200);
    assert_eq!(records(&body).len(), 3, "two road works: {body}");
}

async fn aggregates_download_with_the_same_suppression(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let undp = id_of(&app, UNDP).await;
    let (status, _, body) = get(
        &app,
        &format!("/export/service-stats.csv?groupBy=SUPPORT_TYPE&project={undp}&year=2021&hxl=1"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let rows = records(&body);
    assert_eq!(
        rows[0],
        vec![
            "support_type_code",
            "support_type",
            "unit",
            "value",
            "suppressed",
            "protection",
            "class",
            "illustrative"
        ]
    );
    assert_eq!(rows[1][0], "#sector+code");
    // Figures as reported in the source text: published exactly.
    assert!(rows[2..].iter().all(|r| r[5] == "exact"), "{rows:?}");
    assert_eq!(rows[1][1], "#sector+name");
    let values: Vec<(&str, &str)> = rows[2..]
        .iter()
        .map(|r| (r[0].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        values,
        vec![
            ("business", "275"),
            ("legal", "559"),
            ("psychological", "370")
        ]
    );

    // The trafficking figures by sex: withheld cells are empty and flagged.
    let trafficking = id_of(&app, TRAFFICKING).await;
    let (_, _, body) = get(
        &app,
        &format!("/export/service-stats.csv?groupBy=SEX,AGE_BAND&project={trafficking}"),
    )
    .await;
    let rows = records(&body);
    let value = rows[0].iter().position(|h| h == "value").unwrap();
    let suppressed = rows[0].iter().position(|h| h == "suppressed").unwrap();
    let male: Vec<&Vec<String>> = rows[1..].iter().filter(|r| r[0] == "male").collect();
    assert_eq!(male.len(), 3);
    for r in &male {
        assert_eq!(r[value], "", "{r:?}");
        assert_eq!(r[suppressed], "true");
    }
    assert!(
        !rows[1..]
            .iter()
            .any(|r| ["2", "3", "4", "9"].contains(&r[value].as_str())),
        "no small count in the file: {body}"
    );

    // #reached+f when the figures are of women.
    let (_, _, body) = get(
        &app,
        "/export/participant-stats.csv?groupBy=EVENT_KIND&sex=female&hxl=1",
    )
    .await;
    let rows = records(&body);
    assert!(
        rows[1].contains(&"#reached+f+num".to_string()),
        "{:?}",
        rows[1]
    );
    let vocational = rows.iter().find(|r| r[0] == "vocational_course").unwrap();
    assert_eq!(vocational[3], "9");

    for path in [
        "/export/centre-stats.csv?groupBy=STATUS,KIND",
        "/export/work-stats.csv?groupBy=STATUS&hxl=1",
        "/export/participant-stats.csv",
    ] {
        let (status, _, body) = get(&app, path).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert!(records(&body).len() >= 2, "{path}: {body}");
    }
    let (_, _, body) = get(&app, "/export/work-stats.csv?groupBy=STATUS").await;
    assert_eq!(
        records(&body)[1],
        vec!["completed", "Completed", "works", "3"]
    );
}

async fn bad_export_requests_are_refused_with_a_reason(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let (status, _, body) = get(&app, "/export/projects.csv?colour=red").await;
    assert_eq!(status, 400);
    assert!(body.contains("colour"), "{body}");
    let (status, _, _) = get(&app, "/export/nothing.csv").await;
    assert_eq!(status, 404);
    let (status, _, _) = get(&app, "/export/projects.json").await;
    assert_eq!(status, 404);
    let (status, _, body) = get(&app, "/export/service-stats.csv?year=soon").await;
    assert_eq!(status, 400, "{body}");
    let (status, _, body) = get(&app, "/export/service-stats.csv?groupBy=EVENT").await;
    assert_eq!(status, 400, "{body}");
}

/// A CSV file as JSON for a snapshot: the header, the HXL row, and each row
/// as an object keyed by column (so ids can be redacted by name).
fn as_json(body: &str) -> serde_json::Value {
    let rows = records(body);
    assert!(rows.len() > 2, "a header, an HXL row and data: {body}");
    let header = &rows[0];
    let data: Vec<serde_json::Value> = rows[2..]
        .iter()
        .map(|row| {
            header
                .iter()
                .zip(row)
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect::<serde_json::Map<_, _>>()
                .into()
        })
        .collect();
    json!({ "header": header, "hxl": rows[1], "rows": data })
}

async fn every_csv_export_matches_its_snapshot(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let mut files = serde_json::Map::new();
    for path in [
        "/export/projects.csv",
        "/export/centres.csv",
        "/export/events.csv",
        "/export/infrastructure-works.csv",
        "/export/organisations.csv",
        "/export/areas.csv",
        "/export/service-stats.csv?groupBy=PROJECT,SUPPORT_TYPE",
        "/export/participant-stats.csv?groupBy=EVENT_KIND,SEX",
        "/export/centre-stats.csv?groupBy=STATUS,KIND",
        "/export/work-stats.csv?groupBy=STATUS",
    ] {
        let sep = if path.contains('?') { '&' } else { '?' };
        let (status, _, body) = get(&app, &format!("{path}{sep}hxl=1")).await;
        assert_eq!(status, 200, "{path}: {body}");
        files.insert(path.to_string(), as_json(&body));
    }
    // Both engines must write the same files: one snapshot for both.
    let mut settings = crate::support::snapshot_settings();
    for column in CSV_ID_COLUMNS {
        settings.add_redaction(format!(".*.rows[].{column}").as_str(), "[id]");
    }
    settings.bind(|| insta::assert_json_snapshot!("csv_exports", files));
}

/// Columns of the CSV files that hold database or global ids.
const CSV_ID_COLUMNS: &[&str] = &["id"];

/// A dimension repeated in `groupBy` groups once, the same in GraphQL and in
/// CSV (the CSV answered 500 with a ragged header before).
async fn a_repeated_group_by_dimension_groups_once_on_both_surfaces(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    for (field, export) in [
        ("participantStats", "participant-stats"),
        ("serviceStats", "service-stats"),
    ] {
        let once = app
            .data(&format!("{{ t: {field}(groupBy: [SEX]) {{ groupBy rows {{ value suppressed unit dimensions {{ code }} }} }} }}"), json!({}))
            .await;
        let twice = app
            .data(&format!("{{ t: {field}(groupBy: [SEX, SEX]) {{ groupBy rows {{ value suppressed unit dimensions {{ code }} }} }} }}"), json!({}))
            .await;
        assert_eq!(once, twice, "{field}");
        assert_eq!(twice["t"]["groupBy"], json!(["SEX"]), "{field}");
        assert!(
            !twice["t"]["rows"].as_array().unwrap().is_empty(),
            "{field} has rows"
        );

        let (status, _, single) = get(&app, &format!("/export/{export}.csv?groupBy=SEX")).await;
        assert_eq!(status, 200, "{single}");
        let (status, _, doubled) =
            get(&app, &format!("/export/{export}.csv?groupBy=SEX,sex,SEX")).await;
        assert_eq!(status, 200, "{doubled}");
        assert_eq!(records(&single), records(&doubled), "{export}");
        assert!(records(&doubled).len() > 1, "{export} has rows");
    }
}

async fn the_data_package_describes_every_csv_and_frictionless_finds_them_valid(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let (status, content_type, body) = get(&app, "/export/datapackage.json").await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/json"));
    let package: serde_json::Value = serde_json::from_str(&body).unwrap();
    let resources = package["resources"].as_array().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("datapackage.json"), &body).unwrap();
    let mut names = Vec::new();
    for r in resources {
        let path = r["path"].as_str().unwrap();
        names.push(path.trim_end_matches(".csv").to_string());
        // Served beside the package: the same relative path under /export/.
        let (status, _, csv) = get(&app, &format!("/export/{path}")).await;
        assert_eq!(status, 200, "{path}");
        let header = csv.lines().next().unwrap_or_default().to_string();
        let fields: Vec<&str> = r["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(header, fields.join(","), "{path}: header and schema agree");
        for f in r["schema"]["fields"].as_array().unwrap() {
            assert!(f["hxl"].as_str().is_some_and(|t| t.starts_with('#')), "{f}");
            assert_ne!(f["type"], "any", "{path}: {f}");
        }
        std::fs::write(dir.path().join(path), csv).unwrap();
    }
    for expected in [
        "projects",
        "centres",
        "events",
        "infrastructure-works",
        "organisations",
        "areas",
        "participant-stats",
        "service-stats",
        "centre-stats",
        "work-stats",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "no resource {expected}"
        );
    }
    // The protection columns say what their values mean.
    let stats = resources
        .iter()
        .find(|r| r["name"] == "participant-stats")
        .unwrap();
    let protection = stats["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "protection")
        .unwrap();
    assert_eq!(
        protection["constraints"]["enum"],
        json!(["exact", "perturbed", "withheld"])
    );
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/datapackage_validate.py");
    if !tests::tool_or_skip(
        "python3",
        &[script.to_str().unwrap(), "--check"],
        "pip install frictionless",
    ) {
        return;
    }
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(dir.path().join("datapackage.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "frictionless: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

engine_tests!(
    the_data_package_describes_every_csv_and_frictionless_finds_them_valid,
    every_csv_export_matches_its_snapshot,
    every_root_list_downloads_as_csv,
    aggregates_download_with_the_same_suppression,
    bad_export_requests_are_refused_with_a_reason,
    a_repeated_group_by_dimension_groups_once_on_both_surfaces,
);
