//! Dated updates from the field and period narratives (issue 23): a
//! manager posts an update with a photo to their own programme; the photo
//! is stored resized and without its GPS position; the public reads the
//! update on the programme and in its Atom feed; nobody posts to another
//! programme; bad files and texts get typed errors and write nothing;
//! edits conflict on stale versions; archived updates leave every public
//! surface; narratives per period are written once per period and edited
//! with their version.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tests::accounts::{UNDP, as_user, create_user, login, project_id, spawn};
use tests::{Engine, engine_tests};

use crate::programme_setup::count;

use api::services::updates::files::samples::{has_app1, jpeg_with_gps};

const RED_CRESCENT: &str = "azqac-unified-reporting-mingachevir";

const POST: &str = "mutation($k: String!, $input: ProgrammeUpdateInput!) {
  postProgrammeUpdate(idempotencyKey: $k, input: $input) {
    replayed userErrors { field code message }
    update { id version postedOn text(lang: AZ) textLanguage(lang: AZ) textEn
      attachments { kind mediaType fileName width height byteSize path } }
  }
}";

const EDIT: &str = "mutation($k: String!, $id: ID!, $v: Int!, $input: ProgrammeUpdateEditInput!) {
  editProgrammeUpdate(idempotencyKey: $k, id: $id, version: $v, input: $input) {
    userErrors { field code } update { version text(lang: AZ) textLanguage(lang: AZ) }
  }
}";

const ARCHIVE: &str = "mutation($k: String!, $id: ID!, $v: Int!, $r: Boolean) {
  archiveProgrammeUpdate(idempotencyKey: $k, id: $id, version: $v, restore: $r) { userErrors { field code } update { version archivedAt } }
}";

const NARRATE: &str = "mutation($k: String!, $v: Int, $input: PeriodNarrativeInput!) {
  setPeriodNarrative(idempotencyKey: $k, version: $v, input: $input) {
    userErrors { field code message } narrative { id version periodStart periodEnd text(lang: EN) textLanguage(lang: EN) }
  }
}";

const PUBLIC_UPDATES: &str = "query($s: String!) { project(slug: $s) {
  updates { nodes { postedOn text(lang: EN) textLanguage(lang: EN) attachments { kind path fileName } } }
  narratives { periodStart text(lang: AZ) textLanguage(lang: AZ) } } }";

fn update_input(project: &str, files: Value) -> Value {
    json!({
        "projectId": project,
        "postedOn": "2026-11-20",
        "textAz": "",
        "textEn": "The second irrigation canal in Horadiz carries water again.",
        "attachments": files,
    })
}

fn photo(name: &str, bytes: &[u8]) -> Value {
    json!({ "fileName": name, "contentBase64": STANDARD.encode(bytes) })
}

async fn a_managers_update_with_a_photo_reaches_the_public_without_its_gps_position(
    engine: Engine,
) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "m@updates.example", "manager", Some("UNDP"), &[UNDP]).await;
    let manager = login(&app, "m@updates.example").await;
    let undp = project_id(&app, Some(&manager), UNDP).await;
    let original = jpeg_with_gps(1800, 900);
    assert!(has_app1(&original));
    let input = update_input(&undp, json!([photo("IMG_0042.JPG", &original)]));
    let resp = as_user(&app, &manager, POST, json!({ "k": "u-1", "input": input })).await;
    let payload = &resp["data"]["postProgrammeUpdate"];
    assert_eq!(payload["userErrors"], json!([]), "{resp}");
    let update = &payload["update"];
    // The Azerbaijani text follows later: the English one is shown, marked.
    assert_eq!(update["textLanguage"], "EN");
    let file = &update["attachments"][0];
    assert_eq!(file["kind"], "PHOTO");
    assert_eq!(file["mediaType"], "image/jpeg");
    assert_eq!(
        (file["width"].as_i64(), file["height"].as_i64()),
        (Some(1600), Some(800))
    );
    assert_eq!(file["fileName"], "img-0042.jpg");

    // A retry answers from the first attempt and writes nothing more.
    let again = as_user(&app, &manager, POST, json!({ "k": "u-1", "input": input })).await;
    assert_eq!(again["data"]["postProgrammeUpdate"]["replayed"], true);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM programme_updates").await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM programme_update_files").await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'update.post'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM changes WHERE kind = 'update.post' AND audience = 'project'"
        )
        .await,
        1
    );

    // The public reads it on the programme, and fetches the photo: no EXIF.
    let public = app.graphql(PUBLIC_UPDATES, json!({ "s": UNDP })).await;
    let listed = &public["data"]["project"]["updates"]["nodes"][0];
    assert_eq!(
        listed["text"],
        "The second irrigation canal in Horadiz carries water again."
    );
    let path = listed["attachments"][0]["path"]
        .as_str()
        .unwrap()
        .to_string();
    let resp = app.get(&path).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/jpeg");
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    let served = resp.bytes().await.unwrap();
    assert!(!has_app1(&served), "the served photo has no EXIF segment");
    assert!(!served.windows(7).any(|w| w == b"TestCam"));
    assert!(!served.windows(6).any(|w| w == b"Exif\0\0"));
    // A wrong name is not the file.
    assert_eq!(
        app.get(&path.replace("img-0042", "other")).await.status(),
        404
    );

    // The programme's Atom feed carries the update's text (once the change is sequenced).
    api::services::changes::sequence(&app.db.conn)
        .await
        .unwrap();
    let feed = app
        .get(&format!("/feeds/programme/{UNDP}.atom?lang=az"))
        .await
        .text()
        .await
        .unwrap();
    assert!(feed.contains("Sahədən yenilik"), "{feed}");
    assert!(feed.contains("irrigation canal in Horadiz"), "{feed}");
}

async fn nobody_posts_to_another_programme_and_bad_files_write_nothing(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "m@updates.example", "manager", Some("UNDP"), &[UNDP]).await;
    create_user(&app, "d@updates.example", "donor", Some("UNDP"), &[]).await;
    let manager = login(&app, "m@updates.example").await;
    let donor = login(&app, "d@updates.example").await;
    let undp = project_id(&app, Some(&manager), UNDP).await;
    let red_crescent = project_id(&app, None, RED_CRESCENT).await;
    let code = |resp: &Value| resp["data"]["postProgrammeUpdate"]["userErrors"][0]["code"].clone();
    let field =
        |resp: &Value| resp["data"]["postProgrammeUpdate"]["userErrors"][0]["field"].clone();

    // Anonymous callers, donors and another programme's manager are refused.
    let resp = app
        .graphql(
            POST,
            json!({ "k": "a-1", "input": update_input(&undp, json!([])) }),
        )
        .await;
    assert_eq!(code(&resp), "UNAUTHENTICATED", "{resp}");
    let resp = as_user(
        &app,
        &donor,
        POST,
        json!({ "k": "d-1", "input": update_input(&undp, json!([])) }),
    )
    .await;
    assert_eq!(code(&resp), "FORBIDDEN", "{resp}");
    let resp = as_user(
        &app,
        &manager,
        POST,
        json!({ "k": "m-1", "input": update_input(&red_crescent, json!([])) }),
    )
    .await;
    assert_eq!(code(&resp), "FORBIDDEN", "{resp}");
    assert_eq!(field(&resp), json!(["input", "projectId"]));

    // The type comes from the content: an SVG named .jpg is refused on its field.
    let svg = photo(
        "canal.jpg",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    );
    let resp = as_user(
        &app,
        &manager,
        POST,
        json!({ "k": "m-2", "input": update_input(&undp, json!([svg])) }),
    )
    .await;
    assert_eq!(code(&resp), "INVALID", "{resp}");
    assert_eq!(
        field(&resp),
        json!(["input", "attachments", "0", "contentBase64"])
    );
    // Not base64; five files; no text at all; a day in the future.
    let resp = as_user(&app, &manager, POST, json!({ "k": "m-3", "input": update_input(&undp, json!([{ "fileName": "x.jpg", "contentBase64": "!!!" }])) })).await;
    assert_eq!(code(&resp), "INVALID", "{resp}");
    let pdf = photo("report.pdf", b"%PDF-1.4\n%%EOF\n");
    let five = json!([pdf, pdf, pdf, pdf, pdf]);
    let resp = as_user(
        &app,
        &manager,
        POST,
        json!({ "k": "m-4", "input": update_input(&undp, five) }),
    )
    .await;
    assert_eq!(field(&resp), json!(["input", "attachments"]), "{resp}");
    let mut empty = update_input(&undp, json!([]));
    empty["textEn"] = json!("  ");
    let resp = as_user(&app, &manager, POST, json!({ "k": "m-5", "input": empty })).await;
    assert_eq!(code(&resp), "REQUIRED", "{resp}");
    let mut future = update_input(&undp, json!([]));
    future["postedOn"] = json!("2999-01-01");
    let resp = as_user(&app, &manager, POST, json!({ "k": "m-6", "input": future })).await;
    assert_eq!(field(&resp), json!(["input", "postedOn"]), "{resp}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM programme_updates").await,
        0
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM programme_update_files").await,
        0
    );

    // A PDF is kept as a document and served only as a download.
    let resp = as_user(
        &app,
        &manager,
        POST,
        json!({ "k": "m-7", "input": update_input(&undp, json!([pdf])) }),
    )
    .await;
    let file = &resp["data"]["postProgrammeUpdate"]["update"]["attachments"][0];
    assert_eq!(file["kind"], "DOCUMENT", "{resp}");
    let served = app.get(file["path"].as_str().unwrap()).await;
    assert_eq!(served.headers()["content-type"], "application/pdf");
    assert!(
        served.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
}

async fn edits_conflict_when_stale_and_archived_updates_leave_public_surfaces(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "m@updates.example", "manager", Some("UNDP"), &[UNDP]).await;
    let manager = login(&app, "m@updates.example").await;
    let undp = project_id(&app, Some(&manager), UNDP).await;
    let small = jpeg_with_gps(40, 30);
    let resp = as_user(
        &app,
        &manager,
        POST,
        json!({ "k": "p-1", "input": update_input(&undp, json!([photo("a.jpg", &small)])) }),
    )
    .await;
    let update = &resp["data"]["postProgrammeUpdate"]["update"];
    let id = update["id"].as_str().unwrap().to_string();
    let path = update["attachments"][0]["path"]
        .as_str()
        .unwrap()
        .to_string();
    // The second language follows.
    let edit = json!({ "postedOn": "2026-11-20", "textAz": "Horadizdə ikinci suvarma kanalı yenidən su daşıyır.", "textEn": "The second canal carries water again." });
    let resp = as_user(
        &app,
        &manager,
        EDIT,
        json!({ "k": "e-1", "id": id, "v": 1, "input": edit }),
    )
    .await;
    let edited = &resp["data"]["editProgrammeUpdate"]["update"];
    assert_eq!(edited["textLanguage"], "AZ", "{resp}");
    assert_eq!(edited["version"], 2);
    let resp = as_user(
        &app,
        &manager,
        EDIT,
        json!({ "k": "e-2", "id": id, "v": 1, "input": edit }),
    )
    .await;
    assert_eq!(
        resp["data"]["editProgrammeUpdate"]["userErrors"][0]["code"], "CONFLICT",
        "{resp}"
    );
    // Archived: gone from the programme, the file and the feed.
    let resp = as_user(
        &app,
        &manager,
        ARCHIVE,
        json!({ "k": "x-1", "id": id, "v": 2 }),
    )
    .await;
    assert_eq!(
        resp["data"]["archiveProgrammeUpdate"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let public = app.graphql(PUBLIC_UPDATES, json!({ "s": UNDP })).await;
    assert_eq!(
        public["data"]["project"]["updates"]["nodes"],
        json!([]),
        "{public}"
    );
    assert_eq!(app.get(&path).await.status(), 404);
    api::services::changes::sequence(&app.db.conn)
        .await
        .unwrap();
    let feed = app
        .get(&format!("/feeds/programme/{UNDP}.atom"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!feed.contains("second canal"), "{feed}");
    // Archiving twice is not a transition.
    let resp = as_user(
        &app,
        &manager,
        ARCHIVE,
        json!({ "k": "x-2", "id": id, "v": 3 }),
    )
    .await;
    assert_eq!(
        resp["data"]["archiveProgrammeUpdate"]["userErrors"][0]["code"], "INVALID_TRANSITION",
        "{resp}"
    );
}

async fn a_period_narrative_is_written_once_per_period_and_edited_with_its_version(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "m@updates.example", "manager", Some("UNDP"), &[UNDP]).await;
    let manager = login(&app, "m@updates.example").await;
    let undp = project_id(&app, Some(&manager), UNDP).await;
    let red_crescent = project_id(&app, None, RED_CRESCENT).await;
    let input = json!({ "projectId": undp, "periodStart": "2021-01-01", "periodEnd": "2021-12-31",
        "textAz": "İl ərzində üç icma resurs mərkəzi açıldı.", "textEn": "" });
    let resp = as_user(
        &app,
        &manager,
        NARRATE,
        json!({ "k": "n-1", "input": input }),
    )
    .await;
    let n = &resp["data"]["setPeriodNarrative"]["narrative"];
    assert_eq!(n["textLanguage"], "AZ", "{resp}");
    assert_eq!(n["version"], 1);
    // A second "first" narrative of the same period conflicts; with the version it edits.
    let mut both = input.clone();
    both["textEn"] = json!("Three community resource centres opened in the year.");
    let resp = as_user(
        &app,
        &manager,
        NARRATE,
        json!({ "k": "n-2", "input": both }),
    )
    .await;
    assert_eq!(
        resp["data"]["setPeriodNarrative"]["userErrors"][0]["code"], "CONFLICT",
        "{resp}"
    );
    let resp = as_user(
        &app,
        &manager,
        NARRATE,
        json!({ "k": "n-3", "v": 1, "input": both }),
    )
    .await;
    assert_eq!(
        resp["data"]["setPeriodNarrative"]["narrative"]["textLanguage"], "EN",
        "{resp}"
    );
    // An end before the start; another programme.
    let mut reversed = both.clone();
    reversed["periodEnd"] = json!("2020-01-01");
    let resp = as_user(
        &app,
        &manager,
        NARRATE,
        json!({ "k": "n-4", "input": reversed }),
    )
    .await;
    assert_eq!(
        resp["data"]["setPeriodNarrative"]["userErrors"][0]["field"],
        json!(["input", "periodEnd"]),
        "{resp}"
    );
    let mut other = both.clone();
    other["projectId"] = json!(red_crescent);
    let resp = as_user(
        &app,
        &manager,
        NARRATE,
        json!({ "k": "n-5", "input": other }),
    )
    .await;
    assert_eq!(
        resp["data"]["setPeriodNarrative"]["userErrors"][0]["code"], "FORBIDDEN",
        "{resp}"
    );
    let public = app.graphql(PUBLIC_UPDATES, json!({ "s": UNDP })).await;
    assert_eq!(
        public["data"]["project"]["narratives"],
        json!([{ "periodStart": "2021-01-01", "text": "İl ərzində üç icma resurs mərkəzi açıldı.", "textLanguage": "AZ" }]),
        "{public}"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'narrative.set'"
        )
        .await,
        2
    );
}

const FINANCE: &str = "mutation($k: String!, $v: Int, $input: PeriodFinanceInput!) {
  setPeriodFinance(idempotencyKey: $k, version: $v, input: $input) {
    userErrors { field code } finance { version budget { amount currency } spent { amount currency } }
  }
}";

async fn a_periods_budget_and_spending_are_set_up_bounded_and_shown(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "m@updates.example", "manager", Some("UNDP"), &[UNDP]).await;
    let manager = login(&app, "m@updates.example").await;
    let undp = project_id(&app, Some(&manager), UNDP).await;
    let red_crescent = project_id(&app, None, RED_CRESCENT).await;
    let input = json!({ "projectId": undp, "periodStart": "2021-01-01", "periodEnd": "2021-12-31",
        "budgetAmount": 400000, "currency": "usd" });
    let resp = as_user(
        &app,
        &manager,
        FINANCE,
        json!({ "k": "f-1", "input": input }),
    )
    .await;
    let f = &resp["data"]["setPeriodFinance"]["finance"];
    assert_eq!(
        f["budget"],
        json!({ "amount": 400000, "currency": "USD" }),
        "{resp}"
    );
    assert_eq!(f["spent"], Value::Null);
    // Spending reported later, with the version; a stale version conflicts.
    let mut spent = input.clone();
    spent["spentAmount"] = json!(310500);
    let resp = as_user(
        &app,
        &manager,
        FINANCE,
        json!({ "k": "f-2", "v": 1, "input": spent }),
    )
    .await;
    assert_eq!(
        resp["data"]["setPeriodFinance"]["finance"]["spent"]["amount"], 310500,
        "{resp}"
    );
    let resp = as_user(
        &app,
        &manager,
        FINANCE,
        json!({ "k": "f-3", "v": 1, "input": spent }),
    )
    .await;
    assert_eq!(
        resp["data"]["setPeriodFinance"]["userErrors"][0]["code"], "CONFLICT",
        "{resp}"
    );
    // Edge values: negative, above the bound, no amount, a made-up currency, another programme.
    for (k, patch, field, code) in [
        (
            "f-4",
            json!({ "budgetAmount": -1 }),
            "budgetAmount",
            "NEGATIVE_COUNT",
        ),
        (
            "f-5",
            json!({ "budgetAmount": 9_000_000_000_000_000_000i64 }),
            "budgetAmount",
            "VALUE_OUT_OF_RANGE",
        ),
        (
            "f-6",
            json!({ "budgetAmount": null }),
            "budgetAmount",
            "REQUIRED",
        ),
        ("f-7", json!({ "currency": "manat" }), "currency", "INVALID"),
    ] {
        let mut bad = input.clone();
        bad["periodStart"] = json!("2022-01-01");
        bad["periodEnd"] = json!("2022-12-31");
        for (key, value) in patch.as_object().unwrap() {
            bad[key] = value.clone();
        }
        let resp = as_user(&app, &manager, FINANCE, json!({ "k": k, "input": bad })).await;
        let errors = resp["data"]["setPeriodFinance"]["userErrors"]
            .as_array()
            .unwrap_or_else(|| panic!("{resp}"))
            .clone();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == json!(["input", field]) && e["code"] == code),
            "{k}: {resp}"
        );
    }
    let mut other = input.clone();
    other["projectId"] = json!(red_crescent);
    let resp = as_user(
        &app,
        &manager,
        FINANCE,
        json!({ "k": "f-8", "input": other }),
    )
    .await;
    assert_eq!(
        resp["data"]["setPeriodFinance"]["userErrors"][0]["code"], "FORBIDDEN",
        "{resp}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM period_finances").await, 1);
    let public = app
        .graphql("query($s: String!) { project(slug: $s) { finances { periodStart budget { amount } spent { amount currency } } } }", json!({ "s": UNDP }))
        .await;
    assert_eq!(
        public["data"]["project"]["finances"],
        json!([{ "periodStart": "2021-01-01", "budget": { "amount": 400000 }, "spent": { "amount": 310500, "currency": "USD" } }]),
        "{public}"
    );
}

engine_tests!(
    a_periods_budget_and_spending_are_set_up_bounded_and_shown,
    a_managers_update_with_a_photo_reaches_the_public_without_its_gps_position,
    nobody_posts_to_another_programme_and_bad_files_write_nothing,
    edits_conflict_when_stale_and_archived_updates_leave_public_surfaces,
    a_period_narrative_is_written_once_per_period_and_edited_with_its_version,
);
