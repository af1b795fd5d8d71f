//! Progress against targets: derived and entered actuals, SUM and LATEST,
//! percent of target, as-of dates and sources, and a project overview in one
//! query.

use serde_json::{Value, json};
use tests::{Engine, TestApp, engine_tests};

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

engine_tests!(
    a_project_overview_answers_planned_done_by_when_and_where,
    entered_values_and_illustrative_targets_read_back,
);
