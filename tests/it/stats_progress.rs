//! Progress against targets: derived and entered actuals, SUM and LATEST,
//! percent of target, as-of dates and sources, and a project overview in one
//! query.

use api::seed::{SyntheticOptions, seed_synthetic};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use tests::accounts::{TEST_JWT_SECRET, as_user, create_user, login};
use tests::{Engine, TestApp, engine_tests, nodes};

fn by_code<'a>(indicators: &'a Value, code: &str) -> &'a Value {
    indicators
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .unwrap_or_else(|| panic!("indicator {code}"))
}

async fn a_project_overview_answers_planned_done_by_when_and_where(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let data = app
        .data(
            "{ projectOverview(slug: \"undp-early-recovery-fuzuli-agjabadi-tartar\") {
                project { slug } status plannedEnd
                indicators { code method rule aggregation target targetIllustrative
                  actual { value suppressed } percentOfTarget asOf
                  periods { periodStart periodEnd value { value suppressed } illustrative }
                  sources { reference } indicator { id } }
                centresByStatus { dimensions { code } count unit }
                worksByStatus { dimensions { code } count unit }
                services { unit value suppressed }
                areas { code name(lang: AZ) }
                sources { reference } } }",
            json!({}),
        )
        .await;
    let o = &data["projectOverview"];
    assert_eq!(o["status"], "IMPLEMENTATION");
    let ind = &o["indicators"];
    // Planned against done: 3 of 3 centres operational, 3 of 3 works completed.
    for code in ["crc-operational", "works-completed"] {
        let i = by_code(ind, code);
        assert_eq!(i["method"], "DERIVED");
        assert_eq!(i["aggregation"], "LATEST");
        assert_eq!(i["target"], 3);
        assert_eq!(i["actual"], json!({ "value": 3, "suppressed": false }));
        assert_eq!(i["percentOfTarget"], 100.0);
        assert_eq!(
            i["sources"][0]["reference"],
            "seeds/001_ad9cfdc0815de308.txt"
        );
    }
    // Applications in 2021, derived from the service counts: 275 + 559 + 370.
    let apps = by_code(ind, "applications-received");
    assert_eq!(apps["rule"], "services.received");
    assert_eq!(apps["actual"]["value"], 1204);
    assert_eq!(apps["asOf"], "2021-12-31");
    assert_eq!(apps["periods"][0]["periodStart"], "2021-01-01");
    // People trained per year: 23 in 2021, and the 3 coordinators (no date).
    // Both are staff trained in an official capacity, counts that protect no
    // one: the actual is their exact sum, for every reader.
    let trained = by_code(ind, "people-trained");
    let periods = trained["periods"].as_array().unwrap();
    let y2021 = periods
        .iter()
        .find(|p| p["periodStart"] == "2021-01-01")
        .unwrap();
    assert_eq!(y2021["value"], json!({ "value": 23, "suppressed": false }));
    assert_eq!(
        trained["actual"],
        json!({ "value": 26, "suppressed": false }),
        "the figure that matters most to a donor is published: {trained:#}"
    );
    assert_eq!(trained["asOf"], "2021-09-30");
    let women = by_code(ind, "women-vocational-courses");
    assert_eq!(women["actual"]["value"], 9);
    assert_eq!(
        women["asOf"],
        Value::Null,
        "the courses' dates are not known"
    );

    assert_eq!(
        o["centresByStatus"],
        json!([{ "dimensions": [{ "code": "operational" }], "count": 3, "unit": "CENTRES" }])
    );
    assert_eq!(
        o["worksByStatus"],
        json!([{ "dimensions": [{ "code": "completed" }], "count": 3, "unit": "WORKS" }])
    );
    assert_eq!(
        o["services"],
        json!([{ "unit": "PERSONS", "value": 1204, "suppressed": false }])
    );
    let areas: Vec<&str> = o["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    for place in [
        "Füzuli",
        "Horadiz",
        "Ağcabədi",
        "Tərtər",
        "Qazaxlılar",
        "Əhmədalılar",
    ] {
        assert!(areas.contains(&place), "{place} in {areas:?}");
    }

    // The same progress for one indicator by its ID.
    let id = by_code(ind, "works-completed")["indicator"]["id"].clone();
    let one = app
        .data(
            "query($id: ID!) { indicatorProgress(id: $id) { code actual { value } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(one["indicatorProgress"]["code"], "works-completed");
    assert_eq!(one["indicatorProgress"]["actual"]["value"], 3);
}

async fn entered_values_and_illustrative_targets_read_back(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let data = app
        .data(
            "{ coordination: projectOverview(slug: \"unified-coordination-centres\") {
                 indicators { code method aggregation actual { value suppressed }
                   periods { value { value } disaggregations { dimension value count { value suppressed } } } } }
               redCrescent: projectOverview(slug: \"azqac-unified-reporting-mingachevir\") {
                 indicators { code target targetIllustrative actual { value } percentOfTarget } } }",
            json!({}),
        )
        .await;
    let bodies = by_code(&data["coordination"]["indicators"], "state-bodies");
    assert_eq!(bodies["method"], "ENTERED");
    assert_eq!(bodies["aggregation"], "LATEST");
    assert_eq!(bodies["actual"]["value"], 19);
    let parts = bodies["periods"][0]["disaggregations"].as_array().unwrap();
    let mut levels: Vec<(String, i64)> = parts
        .iter()
        .map(|d| {
            (
                d["value"].as_str().unwrap().into(),
                d["count"]["value"].as_i64().unwrap(),
            )
        })
        .collect();
    levels.sort();
    assert_eq!(levels, vec![("central".into(), 6), ("local".into(), 13)]);

    let teams = by_code(&data["redCrescent"]["indicators"], "mobile-volunteer-teams");
    assert_eq!(teams["target"], 1);
    assert_eq!(teams["targetIllustrative"], true);
    assert_eq!(teams["actual"]["value"], 0, "the teams are still planned");
    assert_eq!(teams["percentOfTarget"], 0.0);
}

/// The overview's indicators, with what comparing them needs.
const INDICATORS: &str = "query($slug: String!) { projectOverview(slug: $slug) {
    project { id }
    indicators { code rule aggregation actual { value suppressed protection } sources { id }
      periods { periodStart value { value suppressed protection }
        disaggregations { dimension value count { value suppressed protection } } } } } }";

/// A donor's card: actuals and periods, no breakdown.
const CARD: &str = "query($slug: String!) { projectOverview(slug: $slug) {
    indicators { code actual { value suppressed protection } periods { periodStart value { value suppressed protection } } } } }";

/// A published figure as `(value, protected)`: withheld or perturbed.
fn figure(v: &Value) -> (Option<i64>, bool) {
    let protected = v["suppressed"].as_bool().unwrap() || v["protection"] != "EXACT";
    (v["value"].as_i64(), protected)
}

/// The code of a statistics row's dimension.
fn code(row: &Value, dimension: &str) -> Option<String> {
    row["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["dimension"] == dimension)
        .and_then(|d| d["code"].as_str().map(str::to_string))
}

type Published = (
    Vec<(Option<String>, (Option<i64>, bool))>,
    Vec<(Option<String>, String, (Option<i64>, bool))>,
    (Option<i64>, bool),
);

/// An indicator as its overview publishes it: by year, by year × sex, in all.
fn as_indicator(ind: &Value) -> Published {
    let mut years = Vec::new();
    let mut sexes = Vec::new();
    for p in ind["periods"].as_array().unwrap() {
        let year = p["periodStart"].as_str().map(|d| d[..4].to_string());
        years.push((year.clone(), figure(&p["value"])));
        for d in p["disaggregations"].as_array().unwrap() {
            assert_eq!(d["dimension"], "sex");
            let sex = d["value"].as_str().unwrap().to_string();
            sexes.push((year.clone(), sex, figure(&d["count"])));
        }
    }
    years.sort();
    sexes.sort();
    (years, sexes, figure(&ind["actual"]))
}

/// The same figures read from `participantStats` or `serviceStats` grouped
/// for this indicator alone.
async fn as_statistics(
    app: &TestApp,
    token: Option<&str>,
    project: &Value,
    rule: &str,
) -> Published {
    let (field, filter) = match rule.split_once('.').unwrap() {
        ("attendance", "all") => ("participantStats", String::new()),
        ("attendance", kind) => (
            "participantStats",
            format!("eventKind: {}", kind.to_uppercase()),
        ),
        ("services", stage) => (
            "serviceStats",
            format!("stage: {}, unit: PERSONS", stage.to_uppercase()),
        ),
        other => panic!("not a count of people: {other:?}"),
    };
    let q = |group: &str| {
        format!(
            "query($p: ID!) {{ {field}(filter: {{ project: $p, {filter} }}, groupBy: [{group}]) {{
                rows {{ dimensions {{ dimension code }} value suppressed protection }} totals {{ value suppressed protection }} }} }}"
        )
    };
    let run = |query: String| async move {
        let vars = json!({ "p": project });
        let resp = match token {
            Some(t) => as_user(app, t, &query, vars).await,
            None => app.graphql(&query, vars).await,
        };
        assert!(resp.get("errors").is_none(), "{resp:#}");
        resp["data"][field].clone()
    };
    let by_year = run(q("YEAR")).await;
    let by_sex = run(q("YEAR, SEX")).await;
    let mut years: Vec<_> = by_year["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (code(r, "YEAR"), figure(r)))
        .collect();
    let mut sexes: Vec<_> = by_sex["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| {
            let sex = code(r, "SEX").filter(|s| s != "unknown")?;
            Some((code(r, "YEAR"), sex, figure(r)))
        })
        .collect();
    years.sort();
    sexes.sort();
    let total = match by_year["totals"].as_array().unwrap().first() {
        Some(t) => figure(t),
        None => (Some(0), false),
    };
    (years, sexes, total)
}

/// Derived indicators read their figures from one grouping per kind of fact
/// and roll them up: each must read exactly as the statistics grouped for it
/// alone, for an anonymous reader (suppressed and perturbed figures) and for
/// an admin, and adding indicators must add no statement.
async fn derived_indicators_read_as_their_own_statistics_at_a_constant_cost(engine: Engine) {
    let Some(app) = TestApp::spawn_with(engine, |c| c.jwt_secret = TEST_JWT_SECRET.into()).await
    else {
        return;
    };
    let db = &app.db.conn;
    let options = SyntheticOptions {
        scale: 0.004,
        seed: 7,
    };
    seed_synthetic(db, options, &|_, _, _| {})
        .await
        .expect("synthetic load");
    create_user(&app, "admin@progress.test", "admin", None, &[]).await;
    let admin = login(&app, "admin@progress.test").await;
    let slugs: Vec<String> = nodes(
        &app.data(
            "{ projects(first: 100) { edges { node { slug } } } }",
            json!({}),
        )
        .await["projects"],
    )
    .iter()
    .map(|p| p["slug"].as_str().unwrap().to_string())
    .collect();
    assert!(slugs.len() >= 2, "{slugs:?}");

    let mut compared = 0;
    let mut protected = 0;
    for token in [None, Some(admin.as_str())] {
        for slug in &slugs {
            let vars = json!({ "slug": slug });
            let resp = match token {
                Some(t) => as_user(&app, t, INDICATORS, vars.clone()).await,
                None => app.graphql(INDICATORS, vars.clone()).await,
            };
            let o = &resp["data"]["projectOverview"];
            // Without the breakdown asked for, the rest reads the same
            // (from the per-event summaries instead of the cells).
            let card = match token {
                Some(t) => as_user(&app, t, CARD, vars.clone()).await,
                None => app.graphql(CARD, vars.clone()).await,
            };
            let periods = |v: &Value| -> Vec<Value> {
                let list = v["periods"].as_array().unwrap();
                list.iter()
                    .map(|p| json!([p["periodStart"], p["value"]]))
                    .collect()
            };
            let card = card["data"]["projectOverview"]["indicators"].clone();
            let full = o["indicators"].as_array().unwrap();
            assert_eq!(card.as_array().unwrap().len(), full.len(), "{card}");
            for (full, card) in full.iter().zip(card.as_array().unwrap()) {
                assert_eq!(full["actual"], card["actual"], "{slug}");
                assert_eq!(periods(full), periods(card), "{slug}");
            }
            for ind in o["indicators"]
                .as_array()
                .unwrap_or_else(|| panic!("{resp:#}"))
            {
                let rule = ind["rule"].as_str().unwrap_or_default();
                if !(rule.starts_with("attendance.") || rule.starts_with("services.")) {
                    continue;
                }
                assert_eq!(ind["aggregation"], "SUM", "{ind}");
                let mine = as_indicator(ind);
                let theirs = as_statistics(&app, token, &o["project"]["id"], rule).await;
                assert_eq!(mine, theirs, "{slug} {rule} as {token:?}");
                compared += 1;
                protected += mine.1.iter().filter(|(_, _, f)| f.1).count();
            }
        }
    }
    assert!(
        compared >= 2 * slugs.len(),
        "{compared} indicators compared"
    );
    assert!(
        protected > 0,
        "some breakdown is protected (rounded or withheld) for the anonymous reader"
    );

    // The statements of an overview do not grow with its indicators.
    let slug = &slugs[0];
    let count = || async {
        let before = app.statements();
        let resp = as_user(&app, &admin, INDICATORS, json!({ "slug": slug })).await;
        let n = app.statements() - before;
        (
            n,
            resp["data"]["projectOverview"]["indicators"]
                .as_array()
                .unwrap()
                .len(),
        )
    };
    let (before, indicators) = count().await;
    let sql = |rule: &str, suffix: &str| {
        format!(
            "INSERT INTO indicators (project_id, code, title_az, title_en, unit, counting_rule, \
             aggregation, target, sensitivity, derived_from, version, illustrative) \
             SELECT i.project_id, i.code || '{suffix}', i.title_az, i.title_en, i.unit, i.counting_rule, \
             i.aggregation, i.target, i.sensitivity, '{rule}', i.version, i.illustrative \
             FROM indicators i JOIN projects p ON p.id = i.project_id \
             WHERE p.slug = '{slug}' AND i.code = 'people-trained'"
        )
    };
    for (rule, suffix) in [
        ("attendance.all", "-all"),
        ("attendance.seminar", "-seminars"),
        ("attendance.training", "-again"),
        ("attendance.community_meeting", "-meetings"),
        ("services.served", "-served"),
        ("services.referred", "-referred"),
    ] {
        db.execute_raw(Statement::from_string(
            db.get_database_backend(),
            sql(rule, suffix),
        ))
        .await
        .expect("copy an indicator");
    }
    let (after, more) = count().await;
    assert_eq!(more, indicators + 6);
    assert_eq!(
        after, before,
        "{before} statements for {indicators} indicators, {after} for {more}"
    );
}

engine_tests!(
    a_project_overview_answers_planned_done_by_when_and_where,
    entered_values_and_illustrative_targets_read_back,
    derived_indicators_read_as_their_own_statistics_at_a_constant_cost,
);

/// A programme without any attendance reads zero participants, not an
/// internal error (the per-event summaries summed over no event are zeros).
async fn an_overview_of_a_programme_without_attendance_reads(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let slugs = rows_without_events(&app).await;
    assert!(
        !slugs.is_empty(),
        "the demo has programmes without attendance"
    );
    for slug in slugs {
        let resp = app
            .graphql(
                "query($s: String!) { projectOverview(slug: $s) { participants { value protection } } }",
                json!({ "s": slug }),
            )
            .await;
        assert!(resp.get("errors").is_none(), "{slug}: {resp}");
    }
}

async fn rows_without_events(app: &TestApp) -> Vec<String> {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.db.conn;
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        "SELECT slug FROM projects p WHERE p.is_public \
         AND NOT EXISTS (SELECT 1 FROM events e JOIN attendance at ON at.event_id = e.id \
                         WHERE e.project_id = p.id) ORDER BY slug",
    ))
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get_by_index::<String>(0).unwrap())
    .collect()
}

engine_tests!(an_overview_of_a_programme_without_attendance_reads);
