//! Knowing what is missing and what looks wrong (issue 22): completeness
//! and timeliness from obligations and receipts with known answers (late,
//! missing, not yet owed, a unit at a sensitive location); validation rules
//! checked in the write service (an error refuses, a warning needs a reason
//! that is stored for reviewers); outliers and rule results only for the
//! people who edit or review; comments on figures; typed set-up errors.

use chrono::{Datelike, Months, NaiveDate, TimeZone, Utc};
use entities::codes::*;
use entities::*;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use tests::accounts::{TEST_JWT_SECRET, as_user, create_user, login};
use tests::fixtures::{self, global_id};
use tests::{Engine, TestApp, engine_tests};

const CREATE_OBLIGATION: &str =
    "mutation($k: String!, $p: ID!, $input: ReportingObligationInput!) {
  createReportingObligation(idempotencyKey: $k, projectId: $p, input: $input) {
    replayed userErrors { field code message } obligation { id version unitKind figures dueDays }
  }
}";

const CREATE_RULE: &str = "mutation($k: String!, $p: ID!, $input: ValidationRuleInput!) {
  createValidationRule(idempotencyKey: $k, projectId: $p, input: $input) {
    userErrors { field code message } rule { id version kind severity definition message(lang: AZ) }
  }
}";

const SET_COUNTS: &str = "mutation($k: String!, $input: ServiceCountsInput!) {
  setServiceCounts(idempotencyKey: $k, input: $input) { userErrors { field code message } }
}";

const COMPLETENESS: &str = "query($s: String!) { project(slug: $s) {
  reportingCompleteness(from: \"2024-01-01\", to: \"2024-03-31\") {
    figures periodStart periodEnd counts { expected received onTime overdue }
    districts { area { id } counts { expected received onTime overdue } }
  } } }";

async fn area(app: &TestApp, name: &str, kind: AreaKind) -> i32 {
    area::ActiveModel {
        kind: Set(kind),
        name_az: Set(name.into()),
        name_en: Set(name.into()),
        search_key: Set(api::search::search_key([name])),
        ..Default::default()
    }
    .insert(&app.db.conn)
    .await
    .expect("insert area")
    .id
}

async fn receipt(app: &TestApp, project: i32, unit: i32, month: u32, received: (u32, u32)) {
    let start = NaiveDate::from_ymd_opt(2024, month, 1).unwrap();
    let end = start + Months::new(1) - chrono::Days::new(1);
    let at = Utc
        .with_ymd_and_hms(2024, received.0, received.1, 12, 0, 0)
        .unwrap();
    report_receipt::ActiveModel {
        project_id: Set(project),
        unit_key: Set(unit),
        figures: Set(ObligationFigures::ServiceCounts),
        period_start: Set(start),
        period_end: Set(end),
        first_received_at: Set(at),
        last_received_at: Set(at),
        ..Default::default()
    }
    .insert(&app.db.conn)
    .await
    .expect("insert receipt");
}

/// Creates an entered indicator "Calls" in the project; answers its ID.
async fn calls_indicator(app: &TestApp, token: &str, project: &str) -> String {
    let ind = as_user(
        app,
        token,
        "mutation($p: ID!) { createIndicator(idempotencyKey: \"ind\", projectId: $p, input: { code: \"1\", titleEn: \"Calls\", unit: PERSONS, countingRule: TOTAL, aggregation: SUM }) { indicator { id } userErrors { code } } }",
        json!({ "p": project }),
    )
    .await;
    ind["data"]["createIndicator"]["indicator"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{ind}"))
        .to_string()
}

async fn start(engine: Engine) -> Option<TestApp> {
    TestApp::spawn_with(engine, |c| c.jwt_secret = TEST_JWT_SECRET.into()).await
}

fn counts(v: &Value) -> (i64, i64, i64, i64) {
    let c = &v["counts"];
    (
        c["expected"].as_i64().unwrap(),
        c["received"].as_i64().unwrap(),
        c["onTime"].as_i64().unwrap(),
        c["overdue"].as_i64().unwrap(),
    )
}

/// Four centres in two districts owe monthly service counts for January to
/// March 2024, due ten days after each month:
/// - c1 (district A): January on time, February late, March missing;
/// - c2 (district A): all three on time;
/// - c3 (district B, a sensitive location opened mid-February): January not
///   owed, February missing, March late;
/// - c4: archived, owes nothing (its receipt does not count).
///
/// A project-level receipt and an April receipt count for nobody.
async fn completeness_counts_reports_owed_arrived_on_time_late_and_missing(engine: Engine) {
    let Some(app) = start(engine).await else {
        return;
    };
    let db = &app.db.conn;
    let project = fixtures::project(db, "coverage", "Coverage", true).await;
    let a = area(&app, "Alpha", AreaKind::District).await;
    let b = area(&app, "Beta", AreaKind::District).await;
    let village = fixtures::village(db, "Alpha village", a).await;
    let c1 = fixtures::centre(db, project, "C1", Some(village)).await;
    let c2 = fixtures::centre(db, project, "C2", Some(a)).await;
    let c3 = fixtures::centre(db, project, "C3", Some(b)).await;
    let c4 = fixtures::centre(db, project, "C4", Some(b)).await;
    centre::ActiveModel {
        id: Set(c3),
        sensitive_location: Set(true),
        opened_on: Set(NaiveDate::from_ymd_opt(2024, 2, 15)),
        ..Default::default()
    }
    .update(db)
    .await
    .unwrap();
    centre::ActiveModel {
        id: Set(c4),
        archived_at: Set(Some(Utc::now())),
        ..Default::default()
    }
    .update(db)
    .await
    .unwrap();

    create_user(&app, "admin@quality.example", "admin", None, &[]).await;
    let admin = login(&app, "admin@quality.example").await;
    let made = as_user(
        &app,
        &admin,
        CREATE_OBLIGATION,
        json!({ "k": "o1", "p": global_id("Project", project), "input": {
            "unitKind": "CENTRE", "figures": "SERVICE_COUNTS", "frequency": "MONTHLY",
            "dueDays": 10, "startsOn": "2024-01-01", "endsOn": "2024-03-31" } }),
    )
    .await;
    assert_eq!(
        made["data"]["createReportingObligation"]["userErrors"],
        json!([]),
        "{made}"
    );

    receipt(&app, project, c1, 1, (2, 5)).await; // due 10 Feb: on time
    receipt(&app, project, c1, 2, (3, 20)).await; // due 10 Mar: late
    receipt(&app, project, c2, 1, (2, 10)).await; // on the due day: on time
    receipt(&app, project, c2, 2, (3, 1)).await;
    receipt(&app, project, c2, 3, (4, 2)).await;
    receipt(&app, project, c3, 3, (5, 1)).await; // late
    receipt(&app, project, c4, 1, (2, 1)).await; // archived centre
    receipt(&app, project, 0, 3, (4, 1)).await; // the project as a whole
    receipt(&app, project, c1, 4, (5, 1)).await; // after the range

    // The public reader: totals, and the sensitive centre under no district.
    let public = app.data(COMPLETENESS, json!({ "s": "coverage" })).await;
    let periods = public["project"]["reportingCompleteness"]
        .as_array()
        .unwrap_or_else(|| panic!("{public}"));
    assert_eq!(periods.len(), 3, "{public}");
    assert_eq!(periods[0]["periodStart"], "2024-01-01");
    assert_eq!(counts(&periods[0]), (2, 2, 2, 0), "January");
    assert_eq!(counts(&periods[1]), (3, 2, 1, 1), "February");
    assert_eq!(counts(&periods[2]), (3, 2, 1, 1), "March");
    let march = periods[2]["districts"].as_array().unwrap();
    let by_area = |list: &[Value], id: Option<i32>| -> (i64, i64, i64, i64) {
        let want = id.map(|i| json!({ "id": global_id("Area", i) }));
        counts(
            list.iter()
                .find(|d| d["area"] == want.clone().unwrap_or(Value::Null))
                .unwrap_or_else(|| panic!("no district {id:?} in {list:?}")),
        )
    };
    assert_eq!(by_area(march, Some(a)), (2, 1, 1, 1));
    assert_eq!(by_area(march, None), (1, 1, 0, 0), "sensitive: no district");
    assert!(
        !march
            .iter()
            .any(|d| d["area"] == json!({ "id": global_id("Area", b) })),
        "the sensitive centre's district is not published: {march:?}"
    );

    // The administrator sees the sensitive centre's district.
    let raw = as_user(&app, &admin, COMPLETENESS, json!({ "s": "coverage" })).await;
    let march = raw["data"]["project"]["reportingCompleteness"][2]["districts"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(by_area(&march, Some(b)), (1, 1, 0, 0));

    // A range beyond five years is refused.
    let refused = app
        .graphql(
            "{ project(slug: \"coverage\") { reportingCompleteness(from: \"1990-01-01\", to: \"2100-01-01\") { periodStart } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        tests::first_error_code(&refused).as_deref(),
        Some("BAD_USER_INPUT")
    );
}

/// A manager's due list: an obligation that began three months ago with
/// nothing reported shows the past months overdue and the current one due;
/// once a month is written through the API it leaves the list.
async fn a_manager_sees_what_is_due_and_overdue_and_a_write_clears_it(engine: Engine) {
    let Some(app) = start(engine).await else {
        return;
    };
    let db = &app.db.conn;
    let project = fixtures::project(db, "due-list", "Due list", false).await;
    let other = fixtures::project(db, "not-mine", "Not mine", true).await;
    let c1 = fixtures::centre(db, project, "Mine", None).await;
    fixtures::centre(db, other, "Theirs", None).await;
    create_user(&app, "m@quality.example", "manager", None, &["due-list"]).await;
    let manager = login(&app, "m@quality.example").await;
    let today = Utc::now().date_naive();
    let this_month = today.with_day(1).unwrap();
    let first = this_month - Months::new(3);
    for (k, p) in [("d1", project), ("d2", other)] {
        let made = as_user(
            &app,
            &manager,
            CREATE_OBLIGATION,
            json!({ "k": k, "p": global_id("Project", p), "input": {
                "unitKind": "CENTRE", "figures": "SERVICE_COUNTS", "frequency": "MONTHLY",
                "dueDays": 0, "startsOn": first.to_string() } }),
        )
        .await;
        let errors = &made["data"]["createReportingObligation"]["userErrors"];
        if p == project {
            assert_eq!(errors, &json!([]), "{made}");
        } else {
            assert_eq!(errors[0]["code"], "FORBIDDEN", "another project: {made}");
        }
    }
    let due =
        "{ dueReports { project { slug } centre { name(lang: EN) } periodStart dueOn state } }";
    let list = as_user(&app, &manager, due, json!({})).await;
    let items = list["data"]["dueReports"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(items.len(), 4, "three past months and this one: {list}");
    assert!(items[..3].iter().all(|i| i["state"] == "OVERDUE"), "{list}");
    assert_eq!(items[3]["state"], "DUE");
    assert_eq!(items[3]["periodStart"], this_month.to_string());
    assert_eq!(items[0]["centre"]["name"], "Mine");
    assert_eq!(items[0]["periodStart"], first.to_string());

    let month_end = this_month + Months::new(1) - chrono::Days::new(1);
    let wrote = as_user(
        &app,
        &manager,
        SET_COUNTS,
        json!({ "k": "w1", "input": { "projectId": global_id("Project", project),
            "centreId": global_id("Centre", c1), "periodStart": this_month.to_string(),
            "periodEnd": month_end.to_string(),
            "counts": [{ "stage": "RECEIVED", "unit": "PERSONS", "value": 0 }] } }),
    )
    .await;
    assert_eq!(
        wrote["data"]["setServiceCounts"]["userErrors"],
        json!([]),
        "{wrote}"
    );
    let after = as_user(&app, &manager, due, json!({})).await;
    assert_eq!(
        after["data"]["dueReports"].as_array().unwrap().len(),
        3,
        "a reported zero is a report: {after}"
    );
    let stored = report_receipt::Entity::find()
        .filter(report_receipt::Column::ProjectId.eq(project))
        .all(db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].unit_key, c1);

    // Nobody else hears of the manager's due reports.
    let anonymous = app.data(due, json!({})).await;
    assert_eq!(anonymous["dueReports"], json!([]));
}

async fn write(app: &TestApp, token: &str, key: &str, input: Value) -> Value {
    let resp = as_user(app, token, SET_COUNTS, json!({ "k": key, "input": input })).await;
    resp["data"]["setServiceCounts"]["userErrors"].clone()
}

fn month(project: i32, centre: i32, m: u32, received: i64, served: i64) -> Value {
    let start = NaiveDate::from_ymd_opt(2025, m, 1).unwrap();
    let end = start + Months::new(1) - chrono::Days::new(1);
    json!({ "projectId": global_id("Project", project), "centreId": global_id("Centre", centre),
        "periodStart": start.to_string(), "periodEnd": end.to_string(),
        "counts": [
            { "supportType": "LEGAL", "channel": "WALK_IN", "stage": "RECEIVED", "unit": "PERSONS", "value": received },
            { "supportType": "LEGAL", "channel": "WALK_IN", "stage": "SERVED", "unit": "PERSONS", "value": served }
        ] })
}

/// Rules in the write service: served ≤ received is an ERROR (the entry is
/// refused, nothing is stored, no receipt), at most 3 × the median of the
/// last six months is a WARNING (refused without a reason, stored with it);
/// the reviewer sees the result with the reason and the outlier; nobody
/// outside the project sees rules, results or outliers.
async fn rules_refuse_errors_and_keep_confirmed_warnings_for_reviewers(engine: Engine) {
    let Some(app) = start(engine).await else {
        return;
    };
    let db = &app.db.conn;
    let project = fixtures::project(db, "rules", "Rules", true).await;
    let c1 = fixtures::centre(db, project, "Rule centre", None).await;
    create_user(&app, "admin@rules.example", "admin", None, &[]).await;
    create_user(&app, "m@rules.example", "manager", None, &["rules"]).await;
    let admin = login(&app, "admin@rules.example").await;
    let manager = login(&app, "m@rules.example").await;
    let p = global_id("Project", project);

    // Bad definitions get typed errors on the named field.
    let bad = as_user(
        &app,
        &manager,
        CREATE_RULE,
        json!({ "k": "bad", "p": p, "input": { "severity": "WARNING", "kind": "MEDIAN_MULTIPLE",
            "figure": "received persons", "factor": -1, "messageEn": "x" } }),
    )
    .await;
    let fields: Vec<Value> = bad["data"]["createValidationRule"]["userErrors"]
        .as_array()
        .unwrap_or_else(|| panic!("{bad}"))
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert_eq!(
        fields,
        vec![
            json!(["input", "definition", "figure"]),
            json!(["input", "definition", "factor"])
        ],
        "{bad}"
    );
    let missing = as_user(
        &app,
        &manager,
        CREATE_RULE,
        json!({ "k": "missing", "p": p, "input": { "severity": "ERROR", "kind": "COMPARE", "left": "SERVED_PERSONS", "messageEn": "x" } }),
    )
    .await;
    assert_eq!(
        missing["data"]["createValidationRule"]["userErrors"][0]["code"],
        "REQUIRED"
    );

    let rule = |k: &str, input: Value| {
        let app = &app;
        let manager = manager.clone();
        let p = p.clone();
        let k = k.to_string();
        async move {
            let r = as_user(
                app,
                &manager,
                CREATE_RULE,
                json!({ "k": k, "p": p, "input": input }),
            )
            .await;
            assert_eq!(
                r["data"]["createValidationRule"]["userErrors"],
                json!([]),
                "{r}"
            );
            r["data"]["createValidationRule"]["rule"].clone()
        }
    };
    let compare = rule(
        "r1",
        json!({ "severity": "ERROR", "kind": "COMPARE", "left": "SERVED_PERSONS", "op": "LE",
            "right": "RECEIVED_PERSONS", "messageAz": "Xidmət alanlar müraciət edənlərdən çox ola bilməz",
            "messageEn": "Served cannot exceed received" }),
    )
    .await;
    assert_eq!(
        compare["definition"],
        json!({ "kind": "COMPARE", "left": "SERVED_PERSONS", "op": "LE", "right": "RECEIVED_PERSONS" })
    );
    assert_eq!(
        compare["message"],
        "Xidmət alanlar müraciət edənlərdən çox ola bilməz"
    );
    rule(
        "r2",
        json!({ "severity": "WARNING", "kind": "MEDIAN_MULTIPLE", "figure": "RECEIVED_PERSONS",
            "factor": 3, "messageAz": "Son altı ayın medianından 3 dəfə çox", "messageEn": "More than 3 times the median of the last six months" }),
    )
    .await;

    // Six ordinary months.
    for (m, v) in [(1, 38), (2, 41), (3, 40), (4, 44), (5, 39), (6, 42)] {
        let errors = write(
            &app,
            &manager,
            &format!("m{m}"),
            month(project, c1, m, v, v - 5),
        )
        .await;
        assert_eq!(errors, json!([]), "month {m}");
    }
    // Served above received: refused, nothing stored.
    let errors = write(&app, &manager, "bad7", month(project, c1, 7, 40, 41)).await;
    assert_eq!(errors[0]["code"], "RULE_BROKEN", "{errors}");
    assert_eq!(errors[0]["field"], json!(["input", "counts"]));
    let july = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
    let stored = service_count::Entity::find()
        .filter(service_count::Column::PeriodStart.eq(july))
        .all(db)
        .await
        .unwrap();
    assert!(stored.is_empty(), "a refused entry stores nothing");
    let receipts = report_receipt::Entity::find()
        .filter(report_receipt::Column::PeriodStart.eq(july))
        .all(db)
        .await
        .unwrap();
    assert!(receipts.is_empty(), "a refused entry is not received");

    // 900 where the median is 40.5: a warning, refused without a reason …
    let errors = write(&app, &manager, "w7", month(project, c1, 7, 900, 800)).await;
    assert_eq!(errors[0]["code"], "WARNING_NOT_CONFIRMED", "{errors}");
    assert_eq!(errors[0]["field"], json!(["input", "confirmReason"]));
    // … and kept with one.
    let mut input = month(project, c1, 7, 900, 800);
    input["confirmReason"] = json!("A flood displaced a whole village; the figure is right.");
    let errors = write(&app, &manager, "w7b", input).await;
    assert_eq!(errors, json!([]));

    let review = "{ reports(status: [SUBMITTED]) { id ruleResults { severity reason values rule { kind } centre { name(lang: EN) } }
        outliers(lang: EN) { figure value median centreName history } } }";
    let submitted = as_user(
        &app,
        &manager,
        "mutation($p: ID!) { submitReport(idempotencyKey: \"s1\", input: { projectId: $p, periodStart: \"2025-07-01\", periodEnd: \"2025-07-31\" }) { userErrors { code } } }",
        json!({ "p": p }),
    )
    .await;
    assert_eq!(
        submitted["data"]["submitReport"]["userErrors"],
        json!([]),
        "{submitted}"
    );
    let seen = as_user(&app, &admin, review, json!({})).await;
    let report = &seen["data"]["reports"][0];
    assert_eq!(report["ruleResults"].as_array().unwrap().len(), 1, "{seen}");
    let result = &report["ruleResults"][0];
    assert_eq!(result["severity"], "WARNING");
    assert_eq!(result["rule"]["kind"], "MEDIAN_MULTIPLE");
    assert_eq!(
        result["reason"],
        "A flood displaced a whole village; the figure is right."
    );
    assert_eq!(result["values"]["median"], 40.5);
    assert_eq!(result["centre"]["name"], "Rule centre");
    let outliers = report["outliers"].as_array().unwrap();
    let figures: Vec<&str> = outliers
        .iter()
        .map(|o| o["figure"].as_str().unwrap())
        .collect();
    assert_eq!(
        figures,
        vec!["RECEIVED_PERSONS", "SERVED_PERSONS"],
        "{seen}"
    );
    assert_eq!(outliers[0]["value"], 900);
    assert_eq!(outliers[0]["history"], 6);

    // Never public: an anonymous reader gets no rules, results or outliers.
    let public = app
        .data(
            "{ project(slug: \"rules\") { validationRules { id } ruleResults(from: \"2025-01-01\", to: \"2025-12-31\") { reason } outliers(from: \"2025-01-01\", to: \"2025-12-31\") { figure } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        public["project"],
        json!({ "validationRules": [], "ruleResults": [], "outliers": [] })
    );

    // A reviewer comments on a figure; a manager may not; returning needs a comment.
    let report_id = report["id"].as_str().unwrap();
    let comment = "mutation($r: ID!, $b: String!) { commentOnFigure(idempotencyKey: $b, reportId: $r, figure: \"RECEIVED_PERSONS\", body: $b) {
        userErrors { code field } report { figureComments { figure body author { email } } } } }";
    let by_manager = as_user(
        &app,
        &manager,
        comment,
        json!({ "r": report_id, "b": "mine" }),
    )
    .await;
    assert_eq!(
        by_manager["data"]["commentOnFigure"]["userErrors"][0]["code"],
        "FORBIDDEN"
    );
    let by_admin = as_user(
        &app,
        &admin,
        comment,
        json!({ "r": report_id, "b": "Which village?" }),
    )
    .await;
    assert_eq!(
        by_admin["data"]["commentOnFigure"]["report"]["figureComments"],
        json!([{ "figure": "RECEIVED_PERSONS", "body": "Which village?", "author": { "email": "admin@rules.example" } }])
    );
    let version = seen_version(&app, &admin).await;
    let no_comment = as_user(
        &app,
        &admin,
        "mutation($id: ID!, $v: Int!) { returnReport(idempotencyKey: \"ret\", id: $id, version: $v, comment: \" \") { userErrors { code field } } }",
        json!({ "id": report_id, "v": version }),
    )
    .await;
    assert_eq!(
        no_comment["data"]["returnReport"]["userErrors"][0]["code"], "REQUIRED",
        "{no_comment}"
    );
}

async fn seen_version(app: &TestApp, token: &str) -> i64 {
    let r = as_user(app, token, "{ reports { version } }", json!({})).await;
    r["data"]["reports"][0]["version"].as_i64().unwrap()
}

/// Set-up checks: a due delay beyond a year, a project-level obligation
/// naming a centre, and a stale version are refused on the named field;
/// an archived obligation is owed no more.
async fn obligation_set_up_is_checked_and_archiving_ends_it(engine: Engine) {
    let Some(app) = start(engine).await else {
        return;
    };
    let db = &app.db.conn;
    let project = fixtures::project(db, "setup-checks", "Set-up checks", true).await;
    let c1 = fixtures::centre(db, project, "Only", None).await;
    create_user(&app, "admin@checks.example", "admin", None, &[]).await;
    let admin = login(&app, "admin@checks.example").await;
    let p = global_id("Project", project);
    let bad = as_user(
        &app,
        &admin,
        CREATE_OBLIGATION,
        json!({ "k": "b1", "p": p, "input": { "unitKind": "PROJECT", "centreId": global_id("Centre", c1),
            "figures": "SERVICE_COUNTS", "frequency": "QUARTERLY", "dueDays": 400, "startsOn": "2024-01-01", "endsOn": "2023-01-01" } }),
    )
    .await;
    let mut codes: Vec<String> = bad["data"]["createReportingObligation"]["userErrors"]
        .as_array()
        .unwrap_or_else(|| panic!("{bad}"))
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["field"][1].as_str().unwrap(),
                e["code"].as_str().unwrap()
            )
        })
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        vec![
            "centreId:INVALID",
            "dueDays:VALUE_OUT_OF_RANGE",
            "endsOn:INVALID"
        ]
    );
    let made = as_user(
        &app,
        &admin,
        CREATE_OBLIGATION,
        json!({ "k": "ok", "p": p, "input": { "unitKind": "PROJECT", "figures": "SERVICE_COUNTS",
            "frequency": "QUARTERLY", "dueDays": 30, "startsOn": "2024-01-01", "endsOn": "2024-12-31" } }),
    )
    .await;
    let o = &made["data"]["createReportingObligation"]["obligation"];
    let id = o["id"].as_str().unwrap_or_else(|| panic!("{made}"));
    let q = "{ project(slug: \"setup-checks\") { reportingCompleteness(from: \"2024-01-01\", to: \"2024-12-31\") { counts { expected overdue } } } }";
    let before = app.data(q, json!({})).await;
    assert_eq!(
        before["project"]["reportingCompleteness"]
            .as_array()
            .unwrap()
            .len(),
        4,
        "four quarters: {before}"
    );
    // A project-level quarterly obligation of indicator values: recording the
    // first quarter's value through recordIndicatorValues counts it as received.
    let values = as_user(
        &app,
        &admin,
        CREATE_OBLIGATION,
        json!({ "k": "iv", "p": p, "input": { "unitKind": "PROJECT", "figures": "INDICATOR_VALUES",
            "frequency": "QUARTERLY", "dueDays": 30, "startsOn": "2024-01-01", "endsOn": "2024-03-31" } }),
    )
    .await;
    assert_eq!(
        values["data"]["createReportingObligation"]["userErrors"],
        json!([]),
        "{values}"
    );
    let ind_id = calls_indicator(&app, &admin, &p).await;
    let recorded = as_user(
        &app,
        &admin,
        "mutation($i: ID!) { recordIndicatorValues(idempotencyKey: \"v\", indicatorId: $i, input: { periodStart: \"2024-01-01\", periodEnd: \"2024-03-31\", value: 0 }) { userErrors { code message } } }",
        json!({ "i": ind_id }),
    )
    .await;
    assert_eq!(
        recorded["data"]["recordIndicatorValues"]["userErrors"],
        json!([]),
        "{recorded}"
    );
    let q_values = "{ project(slug: \"setup-checks\") { reportingCompleteness(from: \"2024-01-01\", to: \"2024-03-31\") { figures counts { expected received overdue } } } }";
    let got = app.data(q_values, json!({})).await;
    let rows = got["project"]["reportingCompleteness"].as_array().unwrap();
    let iv = rows
        .iter()
        .find(|r| r["figures"] == "INDICATOR_VALUES")
        .unwrap_or_else(|| panic!("{got}"));
    assert_eq!(
        iv["counts"],
        json!({ "expected": 1, "received": 1, "overdue": 0 }),
        "{got}"
    );
    let sc = rows
        .iter()
        .find(|r| r["figures"] == "SERVICE_COUNTS")
        .unwrap();
    assert_eq!(
        sc["counts"],
        json!({ "expected": 1, "received": 0, "overdue": 1 }),
        "{got}"
    );

    let archive = "mutation($id: ID!, $v: Int!) { archiveReportingObligation(idempotencyKey: \"a\", id: $id, version: $v) { userErrors { code } obligation { version } } }";
    let stale = as_user(&app, &admin, archive, json!({ "id": id, "v": 7 })).await;
    assert_eq!(
        stale["data"]["archiveReportingObligation"]["userErrors"][0]["code"],
        "CONFLICT"
    );
    let archived = as_user(&app, &admin, archive, json!({ "id": id, "v": 1 })).await;
    assert_eq!(
        archived["data"]["archiveReportingObligation"]["userErrors"],
        json!([]),
        "{archived}"
    );
    let after = app.data(q, json!({})).await;
    let left: Vec<&Value> = after["project"]["reportingCompleteness"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(
        left.len(),
        1,
        "only the indicator values' quarter stays: {after}"
    );
    let audited = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("obligation.archive"))
        .all(db)
        .await
        .unwrap();
    assert_eq!(audited.len(), 1);
}

engine_tests!(
    completeness_counts_reports_owed_arrived_on_time_late_and_missing,
    a_manager_sees_what_is_due_and_overdue_and_a_write_clears_it,
    rules_refuse_errors_and_keep_confirmed_warnings_for_reviewers,
    obligation_set_up_is_checked_and_archiving_ends_it,
);

const RECORD_VALUES: &str = "mutation($k: String!, $i: ID!, $input: IndicatorValuesInput!) {
  recordIndicatorValues(idempotencyKey: $k, indicatorId: $i, input: $input) { userErrors { field code message } indicator { id } } }";

/// Rules declared for an indicator check its values as they are recorded:
/// an ERROR range refuses a value and nothing is stored; a WARNING median
/// rule needs a reason, which is kept with the result for reviewers; a
/// manager of another project cannot record at all.
async fn indicator_rules_check_recorded_values_like_service_counts(engine: Engine) {
    let Some(app) = start(engine).await else {
        return;
    };
    let db = &app.db.conn;
    let project = fixtures::project(db, "ind-rules", "Indicator rules", true).await;
    fixtures::project(db, "elsewhere", "Elsewhere", true).await;
    let p = global_id("Project", project);
    create_user(&app, "admin@ind.example", "admin", None, &[]).await;
    create_user(&app, "m@ind.example", "manager", None, &["ind-rules"]).await;
    create_user(&app, "other@ind.example", "manager", None, &["elsewhere"]).await;
    let admin = login(&app, "admin@ind.example").await;
    let manager = login(&app, "m@ind.example").await;
    let other = login(&app, "other@ind.example").await;
    let ind = calls_indicator(&app, &admin, &p).await;
    for (k, input) in [
        (
            "r-range",
            json!({ "indicatorId": ind, "kind": "RANGE", "severity": "ERROR", "figure": "VALUE",
                    "max": 10000, "messageAz": "Çox böyükdür", "messageEn": "Too large" }),
        ),
        (
            "r-median",
            json!({ "indicatorId": ind, "kind": "MEDIAN_MULTIPLE", "severity": "WARNING", "figure": "VALUE",
                    "factor": 3.0, "periods": 6, "minPeriods": 3,
                    "messageAz": "Medianın üç mislindən çox", "messageEn": "More than three times the median" }),
        ),
    ] {
        let r = as_user(
            &app,
            &admin,
            CREATE_RULE,
            json!({ "k": k, "p": p, "input": input }),
        )
        .await;
        assert_eq!(
            r["data"]["createValidationRule"]["userErrors"],
            json!([]),
            "{r}"
        );
    }
    let record = async |token: &str, k: &str, month: u32, value: i64, reason: Option<&str>| {
        let start = NaiveDate::from_ymd_opt(2024, month, 1).unwrap();
        let end = start + Months::new(1) - chrono::Days::new(1);
        let r = as_user(
            &app,
            token,
            RECORD_VALUES,
            json!({ "k": k, "i": ind, "input": { "periodStart": start, "periodEnd": end,
                    "value": value, "confirmReason": reason } }),
        )
        .await;
        r["data"]["recordIndicatorValues"]["userErrors"].clone()
    };
    // Four months of history around 100.
    for (month, v) in [(1, 90), (2, 100), (3, 110), (4, 100)] {
        assert_eq!(
            record(&manager, &format!("h{month}"), month, v, None).await,
            json!([])
        );
    }
    // Above the ERROR range: refused, nothing stored.
    let refused = record(&manager, "big", 5, 20_000, None).await;
    assert_eq!(refused[0]["code"], "RULE_BROKEN", "{refused}");
    assert_eq!(refused[0]["field"], json!(["input", "value"]));
    let stored = indicator_value::Entity::find()
        .filter(indicator_value::Column::PeriodStart.eq(NaiveDate::from_ymd_opt(2024, 5, 1)))
        .all(db)
        .await
        .unwrap();
    assert!(stored.is_empty(), "a refused value is not stored");
    // 900 is more than three times the median (100): a reason is needed.
    let unconfirmed = record(&manager, "w1", 5, 900, None).await;
    assert_eq!(
        unconfirmed[0]["code"], "WARNING_NOT_CONFIRMED",
        "{unconfirmed}"
    );
    let reason = "A radio campaign doubled the calls twice over";
    assert_eq!(
        record(&manager, "w2", 5, 900, Some(reason)).await,
        json!([])
    );
    // The reviewer sees the broken rule, its values and the reason.
    let q = "query($s: String!) { project(slug: $s) { ruleResults(from: \"2024-05-01\", to: \"2024-05-31\") {
        severity reason values rule { figure: definition indicator { id } } } } }";
    let seen = as_user(&app, &admin, q, json!({ "s": "ind-rules" })).await;
    let results = seen["data"]["project"]["ruleResults"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(results.len(), 1, "{seen}");
    assert_eq!(results[0]["severity"], "WARNING");
    assert_eq!(results[0]["reason"], reason);
    assert_eq!(results[0]["values"]["value"], 900.0);
    assert_eq!(results[0]["values"]["median"], 100.0);
    assert_eq!(results[0]["rule"]["indicator"]["id"], ind);
    // Recording the month again within the rules clears its result.
    assert_eq!(record(&manager, "w3", 5, 120, None).await, json!([]));
    let seen = as_user(&app, &admin, q, json!({ "s": "ind-rules" })).await;
    assert_eq!(seen["data"]["project"]["ruleResults"], json!([]), "{seen}");
    // A manager of another project may not record this indicator.
    let foreign = record(&other, "x", 6, 100, None).await;
    assert_eq!(foreign[0]["code"], "FORBIDDEN", "{foreign}");
    // Service-count rules of the project are not touched by indicator values.
    assert_eq!(record(&manager, "h6", 6, 101, None).await, json!([]));
}

engine_tests!(indicator_rules_check_recorded_values_like_service_counts);
