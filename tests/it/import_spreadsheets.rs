//! Importing spreadsheets: a dry run stores nothing, a confirmation stores
//! exactly the preview once (a retry replays it, a stale preview is refused),
//! the same rows again are unchanged and never doubled, refused rows name
//! their column and code, other projects are out of reach, and hostile files
//! (zip bomb, macros, formulas, merged cells, hidden rows, a wrong sheet,
//! too many rows, a wrong encoding) are refused whole with the server unharmed.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tests::accounts::{UNDP, as_user, create_user, login, spawn};
use tests::{Engine, TestApp, engine_tests};

const RED_CRESCENT: &str = "azqac-unified-reporting-mingachevir";

async fn upload(
    app: &TestApp,
    token: Option<&str>,
    slug: &str,
    query: &str,
    body: Vec<u8>,
    key: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = app
        .client
        .post(format!("{}/import/{slug}?{query}", app.base))
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let resp = req.send().await.expect("request reaches the server");
    let status = resp.status();
    let body = resp.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
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

async fn events(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) AS n FROM events").await
}

async fn cells(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) AS n FROM attendance").await
}

/// Two events with their grids, written the Azerbaijani way: `;` separated,
/// dates with dots, labels in Azerbaijani, a centre without its diacritics.
fn events_csv() -> Vec<u8> {
    "\u{feff}Başlıq (az);Başlıq (en);Tədbirin növü;Başlama tarixi;Mərkəz;Tutum;Cins;Yaş qrupu;Əlillik;Kateqoriya;İştirakçı sayı\n\
     İdxal təlimi;Import training;Təlim;21.11.2024;Fuzuli Icma Resurs Merkezi;1.200;Qadın;25–59 yaş;Əlilliyi olmayan;Gənclər;12\n\
     İdxal təlimi;;;;;;Kişi;25-59;without_disability;youth;8\n\
     ;Import seminar;Seminar;2024-11-22;;;Female;18-24;Unknown;General public;1 204\n"
        .as_bytes()
        .to_vec()
}

async fn manager(app: &TestApp) -> String {
    create_user(
        app,
        "importer@undp.example",
        "manager",
        Some("UNDP"),
        &[UNDP],
    )
    .await;
    login(app, "importer@undp.example").await
}

async fn a_dry_run_stores_nothing_and_the_confirmation_stores_the_preview_once(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = manager(&app).await;
    let (before_events, before_cells) = (events(&app).await, cells(&app).await);

    let (status, preview) =
        upload(&app, Some(&token), UNDP, "kind=events", events_csv(), None).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(
        preview["totals"],
        json!({ "created": 3, "updated": 0, "unchanged": 0, "refused": 0 }),
        "{preview:#}"
    );
    assert_eq!(preview["stored"], false);
    assert_eq!(
        (events(&app).await, cells(&app).await),
        (before_events, before_cells),
        "a dry run stores nothing"
    );

    let t = preview["token"].as_str().unwrap();
    let (status, stored) = upload(
        &app,
        Some(&token),
        UNDP,
        &format!("kind=events&token={t}"),
        events_csv(),
        Some("imp-1"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    assert_eq!(stored["totals"], preview["totals"]);
    assert_eq!(stored["replayed"], false);
    assert_eq!(events(&app).await, before_events + 2);
    assert_eq!(cells(&app).await, before_cells + 3);

    // A retry after a lost answer is stored once.
    let (status, again) = upload(
        &app,
        Some(&token),
        UNDP,
        &format!("kind=events&token={t}"),
        events_csv(),
        Some("imp-1"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["replayed"], true);
    assert_eq!(events(&app).await, before_events + 2);

    // The audit names the import and its rows.
    let audited = count(
        &app,
        "SELECT COUNT(*) AS n FROM audit_log WHERE request_id LIKE 'import % csv rows %' AND action = 'event.create'",
    )
    .await;
    assert_eq!(audited, 2);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'import.apply'"
        )
        .await,
        1
    );

    // The same file again: every row unchanged; confirming it writes nothing new.
    let (_, second) = upload(&app, Some(&token), UNDP, "", events_csv(), None).await;
    assert_eq!(
        second["kind"], "events",
        "the kind is found from the header"
    );
    assert_eq!(
        second["totals"],
        json!({ "created": 0, "updated": 0, "unchanged": 3, "refused": 0 }),
        "{second:#}"
    );

    // The public sees the imported event's figures with their protection.
    let q = "query($s: String!) { project(slug: $s) { events { nodes { title(lang: EN) attendance { total { value protection } } } } } }";
    let public = app.graphql(q, json!({ "s": UNDP })).await;
    let ours: Vec<&Value> = public["data"]["project"]["events"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["title"] == "Import training")
        .collect();
    assert_eq!(ours.len(), 1, "{public}");
    assert!(
        ours[0]["attendance"]["total"]["protection"].is_string(),
        "{public}"
    );
    let raw = as_user(&app, &token, q, json!({ "s": UNDP })).await;
    let mine: Vec<&Value> = raw["data"]["project"]["events"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["title"] == "Import seminar")
        .collect();
    assert_eq!(
        mine[0]["attendance"]["total"]["value"], 1204,
        "1 204 read as a thousand two hundred and four"
    );
}

async fn a_stale_preview_is_refused_and_the_same_rows_in_another_file_are_unchanged(
    engine: Engine,
) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = manager(&app).await;
    let counts = "centre;month;support_type;channel;stage;unit;sex;value\n\
                  Füzuli İcma Resurs Mərkəzi;11.2024;Hüquqi yardım;walk_in;Qəbul edilib;persons;Qadın;1.204\n\
                  Füzuli İcma Resurs Mərkəzi;11.2024;Hüquqi yardım;walk_in;Qəbul edilib;persons;Kişi;30\n";
    let (_, preview) = upload(&app, Some(&token), UNDP, "", counts.into(), None).await;
    assert_eq!(preview["kind"], "service_counts", "{preview}");
    assert_eq!(preview["totals"]["created"], 2, "{preview:#}");
    let stale = preview["token"].as_str().unwrap().to_string();

    // Someone else writes meanwhile: the preview no longer describes what a
    // confirmation would do, so it is refused and nothing is stored.
    let other =
        "Başlıq (az),Tədbirin növü,Başlama tarixi,İştirakçı sayı\nAra təlim,training,01.12.2024,\n";
    let (_, p2) = upload(&app, Some(&token), UNDP, "", other.into(), None).await;
    let t2 = p2["token"].as_str().unwrap();
    let (status, _) = upload(
        &app,
        Some(&token),
        UNDP,
        &format!("token={t2}"),
        other.into(),
        Some("other"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let before = count(&app, "SELECT COUNT(*) AS n FROM service_counts").await;
    let (status, refused) = upload(
        &app,
        Some(&token),
        UNDP,
        &format!("token={stale}"),
        counts.into(),
        Some("stale"),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "CONFLICT");
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM service_counts").await,
        before
    );

    // Preview again, confirm.
    let (_, fresh) = upload(&app, Some(&token), UNDP, "", counts.into(), None).await;
    let t = fresh["token"].as_str().unwrap();
    let (status, stored) = upload(
        &app,
        Some(&token),
        UNDP,
        &format!("token={t}"),
        counts.into(),
        Some("fresh"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM service_counts").await,
        before + 2
    );

    // The same cells in another file (English headers, rows swapped, another
    // writing of the numbers): unchanged, and one changed value is an update.
    let again = "Centre,Month,Support type,Channel,Stage,Unit,Sex,Count\n\
                 Fuzuli Community Resource Centre,2024-11,legal,Walk-in,received,Persons,male,31\n\
                 Fuzuli Community Resource Centre,November 2024,Legal support,walk-in,Received,persons,female,\"1,204\"\n";
    let (_, p) = upload(&app, Some(&token), UNDP, "", again.into(), None).await;
    assert_eq!(
        p["totals"],
        json!({ "created": 0, "updated": 1, "unchanged": 1, "refused": 0 }),
        "{p:#}"
    );
    let t = p["token"].as_str().unwrap();
    let (status, _) = upload(
        &app,
        Some(&token),
        UNDP,
        &format!("token={t}"),
        again.into(),
        Some("again"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM service_counts").await,
        before + 2,
        "never a duplicate"
    );
    assert_eq!(
        count(&app, "SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) AS n FROM service_counts WHERE value IN (31, 1204)").await,
        1235
    );
}

async fn refused_rows_name_their_column_and_code_and_nothing_is_stored(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = manager(&app).await;
    let bad = "title_en,kind,start_date,centre,category,count,capacity\n\
               Good training,training,03.12.2024,,youth,5,\n\
               Bad date,training,11/12/2024,,youth,5,\n\
               Unknown centre,training,04.12.2024,Nowhere centre,youth,5,\n\
               Undeclared,training,05.12.2024,,trafficking_victim,5,\n\
               Too many,training,06.12.2024,,youth,20,10\n\
               Not a number,seminar,07.12.2024,,youth,1.5,\n";
    let before = events(&app).await;
    let (status, p) = upload(&app, Some(&token), UNDP, "", bad.into(), None).await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(
        p["totals"],
        json!({ "created": 1, "updated": 0, "unchanged": 0, "refused": 5 }),
        "{p:#}"
    );
    let by_line = |line: u64| {
        p["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["line"] == line)
            .unwrap()
            .clone()
    };
    let first = |line: u64| by_line(line)["errors"][0].clone();
    assert_eq!(by_line(2)["status"], "CREATED");
    assert_eq!(
        (first(3)["column"].clone(), first(3)["code"].clone()),
        (json!("start_date"), json!("AMBIGUOUS"))
    );
    assert_eq!(
        (first(4)["column"].clone(), first(4)["code"].clone()),
        (json!("centre"), json!("NOT_FOUND"))
    );
    assert_eq!(
        (first(5)["column"].clone(), first(5)["code"].clone()),
        (json!("category"), json!("CATEGORY_NOT_DECLARED"))
    );
    assert_eq!(first(6)["code"], "CAPACITY_EXCEEDED", "{p:#}");
    assert_eq!(
        (first(7)["column"].clone(), first(7)["code"].clone()),
        (json!("count"), json!("INVALID"))
    );

    // A confirmation of a file with refused rows stores nothing, not even the good row.
    let t = p["token"].as_str().unwrap();
    let (status, refused) = upload(
        &app,
        Some(&token),
        UNDP,
        &format!("token={t}"),
        bad.into(),
        Some("bad"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(events(&app).await, before);

    // A derived indicator cannot be typed in: its values come from the facts.
    let values =
        "indicator,period_start,period_end,value\npeople-trained,01.01.2024,31.12.2024,40\n";
    let (_, p) = upload(&app, Some(&token), UNDP, "", values.into(), None).await;
    assert_eq!(p["kind"], "indicator_values");
    assert_eq!(p["rows"][0]["errors"][0]["column"], "indicator", "{p:#}");
}

async fn only_the_projects_managers_may_import(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = manager(&app).await;
    let (status, body) = upload(&app, Some(&token), RED_CRESCENT, "", events_csv(), None).await;
    assert!(
        matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{status} {body}"
    );
    let (status, _) = upload(&app, None, UNDP, "", events_csv(), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let resp = app
        .get(&format!("/import/{UNDP}/template?kind=events"))
        .await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // A viewer of the project (a donor) may not import either.
    create_user(&app, "donor@undp.example", "donor", Some("UNDP"), &[]).await;
    let donor = login(&app, "donor@undp.example").await;
    let before = events(&app).await;
    let (status, _) = upload(&app, Some(&donor), UNDP, "", events_csv(), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(events(&app).await, before);
}

fn zip_with(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, data) in parts {
        w.start_file(*name, options).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap();
    out.into_inner()
}

fn xlsx_with(edit: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (i, h) in ["title_en", "kind", "start_date", "count"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "Sheet training").unwrap();
    ws.write_string(1, 1, "training").unwrap();
    ws.write_string(1, 2, "08.12.2024").unwrap();
    ws.write_number(1, 3, 4).unwrap();
    edit(ws);
    wb.save_to_buffer().unwrap()
}

async fn hostile_files_are_refused_whole_and_the_server_stays_up(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = manager(&app).await;
    let before = events(&app).await;
    // A plain XLSX is read: the control.
    let (status, ok) = upload(&app, Some(&token), UNDP, "", xlsx_with(|_| {}), None).await;
    assert_eq!(
        (status, ok["totals"]["created"].clone()),
        (StatusCode::OK, json!(1)),
        "{ok}"
    );

    let bomb = zip_with(&[
        ("xl/workbook.xml", vec![]),
        ("xl/worksheets/sheet1.xml", vec![b' '; 300 * 1024 * 1024]),
    ]);
    assert!(
        bomb.len() < 2 * 1024 * 1024,
        "the bomb is small: {}",
        bomb.len()
    );
    let many = {
        let mut s = String::from("title_en,kind,start_date,count\n");
        for i in 0..100_001 {
            s.push_str(&format!("T{i},training,01.12.2024,1\n"));
        }
        s.into_bytes()
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("ZIP_BOMB", bomb),
        (
            "MACROS",
            zip_with(&[
                ("xl/workbook.xml", b"<workbook/>".to_vec()),
                ("xl/vbaProject.bin", vec![1, 2, 3]),
            ]),
        ),
        (
            "FORMULAS",
            xlsx_with(|ws| {
                ws.write_formula(1, 3, "=2+2").unwrap();
            }),
        ),
        (
            "MERGED_CELLS",
            xlsx_with(|ws| {
                ws.merge_range(2, 0, 3, 0, "merged", &rust_xlsxwriter::Format::new())
                    .unwrap();
            }),
        ),
        (
            "HIDDEN_ROWS",
            xlsx_with(|ws| {
                ws.write_string(2, 0, "Hidden training").unwrap();
                ws.write_string(2, 1, "training").unwrap();
                ws.write_string(2, 2, "09.12.2024").unwrap();
                ws.write_number(2, 3, 3).unwrap();
                ws.set_row_hidden(2).unwrap();
            }),
        ),
        ("NO_SHEET", b"name,colour\nbox,red\n".to_vec()),
        (
            "ENCODING",
            b"title_en,kind,start_date,count\nT\xfcrkmen,training,01.12.2024,1\n".to_vec(),
        ),
        ("TOO_MANY_ROWS", many),
        (
            "OLD_FORMAT",
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
        ),
        ("UNREADABLE", b"PK\x03\x04 not really a zip".to_vec()),
    ];
    for (code, file) in cases {
        let (status, body) = upload(&app, Some(&token), UNDP, "", file, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{code}: {body}");
        assert_eq!(body["errors"][0]["code"], code, "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().len() > 20);
    }
    assert_eq!(events(&app).await, before, "nothing stored");
    assert!(
        app.get("/health").await.status().is_success(),
        "the server is unharmed"
    );
}

async fn a_downloaded_template_filled_in_is_imported(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = manager(&app).await;
    let resp = app
        .client
        .get(format!(
            "{}/import/{UNDP}/template?kind=events&lang=az",
            app.base
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    let bytes = resp.bytes().await.unwrap().to_vec();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let header: Vec<String> = wb
        .worksheet_range("Məlumatlar")
        .unwrap()
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header[0], "Başlıq (az)");
    let lists = wb.worksheet_range("lists").unwrap();
    let all: Vec<String> = lists.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(
        all.iter().any(|c| c == "Füzuli İcma Resurs Mərkəzi"),
        "the project's centres: {all:?}"
    );
    assert!(all.iter().any(|c| c == "Gənclər"), "declared categories");
    assert!(
        !all.iter()
            .any(|c| c == "İnsan alveri qurbanları və risk qrupu"),
        "undeclared ones are not offered"
    );

    // Filled by a library, under the template's own header.
    let mut out = rust_xlsxwriter::Workbook::new();
    let ws = out.add_worksheet();
    for (i, h) in header.iter().enumerate() {
        ws.write_string(0, i as u16, h).unwrap();
    }
    let row = [
        "Şablon təlimi",
        "Template training",
        "Təlim",
        "",
        "",
        "Tərtər İcma Resurs Mərkəzi",
        "",
        "Qadın",
        "",
        "",
        "Gənclər",
    ];
    for (i, v) in row.iter().enumerate() {
        ws.write_string(1, i as u16, *v).unwrap();
    }
    ws.write_datetime_with_format(
        1,
        3,
        rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 12, 10).unwrap(),
        &rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy"),
    )
    .unwrap();
    ws.write_number(1, 11, 9).unwrap();
    let file = out.save_to_buffer().unwrap();
    let (status, p) = upload(&app, Some(&token), UNDP, "", file.clone(), None).await;
    assert_eq!(
        (status, p["totals"]["created"].clone()),
        (StatusCode::OK, json!(1)),
        "{p:#}"
    );
    let t = p["token"].as_str().unwrap();
    let (status, _) = upload(
        &app,
        Some(&token),
        UNDP,
        &format!("token={t}"),
        file.clone(),
        Some("tpl"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, again) = upload(&app, Some(&token), UNDP, "", file, None).await;
    assert_eq!(again["totals"]["unchanged"], 1, "{again:#}");
}

/// A minimal OpenDocument spreadsheet (as LibreOffice saves one): the
/// `mimetype` stored first, a manifest, and `content.xml` with one table.
fn ods(rows: &[&[&str]]) -> Vec<u8> {
    use std::io::Write;
    let mut table = String::new();
    for row in rows {
        table.push_str("<table:table-row>");
        for cell in row.iter() {
            match cell.parse::<f64>() {
                Ok(n) if !cell.contains('.') => table.push_str(&format!(
                    "<table:table-cell office:value-type=\"float\" office:value=\"{n}\"><text:p>{cell}</text:p></table:table-cell>"
                )),
                _ => table.push_str(&format!(
                    "<table:table-cell office:value-type=\"string\"><text:p>{cell}</text:p></table:table-cell>"
                )),
            }
        }
        table.push_str("</table:table-row>");
    }
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.3\">\
         <office:body><office:spreadsheet><table:table table:name=\"Xidmətlər\">{table}</table:table>\
         </office:spreadsheet></office:body></office:document-content>"
    );
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\">\
        <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
        <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
        </manifest:manifest>";
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("META-INF/manifest.xml", deflated).unwrap();
    zip.write_all(manifest.as_bytes()).unwrap();
    zip.start_file("content.xml", deflated).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

async fn an_ods_workbook_is_imported_like_an_xlsx(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = manager(&app).await;
    let file = ods(&[
        &[
            "Mərkəz",
            "Ay",
            "Dəstək növü",
            "Kanal",
            "Mərhələ",
            "Vahid",
            "Cins",
            "Say",
        ],
        &[
            "Füzuli İcma Resurs Mərkəzi",
            "10.2024",
            "legal",
            "walk_in",
            "received",
            "persons",
            "female",
            "17",
        ],
        &[
            "Fuzuli Icma Resurs Merkezi",
            "10.2024",
            "legal",
            "walk_in",
            "received",
            "persons",
            "male",
            "1 204",
        ],
    ]);
    let before = count(&app, "SELECT COUNT(*) AS n FROM service_counts").await;
    let (status, preview) = upload(&app, Some(&token), UNDP, "", file.clone(), None).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["kind"], "service_counts", "{preview}");
    assert_eq!(preview["totals"]["created"], 2, "{preview:#}");
    let t = preview["token"].as_str().unwrap();
    let (status, stored) = upload(
        &app,
        Some(&token),
        UNDP,
        &format!("token={t}"),
        file.clone(),
        Some("ods"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM service_counts").await,
        before + 2
    );
    assert_eq!(
        count(&app, "SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) AS n FROM service_counts WHERE value IN (17, 1204)").await,
        1221
    );
    // The same workbook again: unchanged.
    let (_, again) = upload(&app, Some(&token), UNDP, "", file, None).await;
    assert_eq!(again["totals"]["unchanged"], 2, "{again:#}");
}

engine_tests!(
    an_ods_workbook_is_imported_like_an_xlsx,
    a_dry_run_stores_nothing_and_the_confirmation_stores_the_preview_once,
    a_stale_preview_is_refused_and_the_same_rows_in_another_file_are_unchanged,
    refused_rows_name_their_column_and_code_and_nothing_is_stored,
    only_the_projects_managers_may_import,
    hostile_files_are_refused_whole_and_the_server_stays_up,
    a_downloaded_template_filled_in_is_imported,
);
