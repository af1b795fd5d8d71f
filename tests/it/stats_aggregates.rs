//! Aggregates in SQL: service and participant statistics grouped by
//! dimensions, with names in the language asked, units never added together,
//! and the seed facts readable as totals.

use serde_json::{Value, json};
use tests::{Engine, TestApp, engine_tests};

const UNDP: &str = "undp-early-recovery-fuzuli-agjabadi-tartar";

async fn project_id(app: &TestApp, slug: &str) -> String {
    let data = app
        .data(
            "query($s: String!) { project(slug: $s) { id } }",
            json!({ "s": slug }),
        )
        .await;
    data["project"]["id"].as_str().unwrap().to_string()
}

fn rows(table: &Value) -> Vec<Value> {
    table["rows"].as_array().unwrap().clone()
}

async fn undp_2021_applications_by_support_type_are_275_559_370(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let undp = project_id(&app, UNDP).await;
    let data = app
        .data(
            "query($p: ID!) { serviceStats(groupBy: [SUPPORT_TYPE], filter: { year: 2021, project: $p }, lang: AZ) {
                groupBy rows { dimensions { dimension code name } value suppressed unit illustrative }
                totals { unit value suppressed } suppressionApplied } }",
            json!({ "p": undp }),
        )
        .await;
    let t = &data["serviceStats"];
    let got: Vec<(String, i64, String)> = rows(t)
        .iter()
        .map(|r| {
            assert_eq!(r["suppressed"], false);
            assert_eq!(r["illustrative"], false);
            (
                r["dimensions"][0]["code"].as_str().unwrap().to_string(),
                r["value"].as_i64().unwrap(),
                r["dimensions"][0]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("business".into(), 275, "Biznes dəstəyi".into()),
            ("legal".into(), 559, "Hüquqi yardım".into()),
            ("psychological".into(), 370, "Psixoloji dəstək".into()),
        ]
    );
    assert_eq!(
        t["totals"],
        json!([{ "unit": "PERSONS", "value": 1204, "suppressed": false }])
    );
    assert_eq!(t["suppressionApplied"], true);
    assert!(rows(t).iter().all(|r| r["unit"] == "PERSONS"));
}

async fn persons_and_appeals_are_never_added_together(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let coordination = project_id(&app, "unified-coordination-centres").await;
    // No groupBy at all: still one row per unit.
    let data = app
        .data(
            "query($p: ID!) { serviceStats(filter: { project: $p }) { rows { value unit } totals { unit value } } }",
            json!({ "p": coordination }),
        )
        .await;
    let mut got: Vec<(String, i64)> = rows(&data["serviceStats"])
        .iter()
        .map(|r| {
            (
                r["unit"].as_str().unwrap().into(),
                r["value"].as_i64().unwrap(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, vec![("APPEALS".into(), 155), ("PERSONS".into(), 1461)]);
    assert_eq!(data["serviceStats"]["totals"].as_array().unwrap().len(), 2);
}

async fn the_reported_130_reads_back_as_a_total(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let trafficking = project_id(&app, "mlsp-trafficking-victim-assistance").await;
    let data = app
        .data(
            "query($p: ID!) { serviceStats(filter: { project: $p }) { rows { value suppressed illustrative } }
              byCategory: serviceStats(groupBy: [CATEGORY, STAGE], filter: { project: $p }) {
                rows { dimensions { code } value illustrative } } }",
            json!({ "p": trafficking }),
        )
        .await;
    assert_eq!(
        data["serviceStats"]["rows"],
        json!([{ "value": 130, "suppressed": false, "illustrative": false }]),
        "the total of an illustrative breakdown is the reported figure"
    );
    let by = rows(&data["byCategory"]);
    assert_eq!(by.len(), 1);
    assert_eq!(by[0]["value"], 130);
    assert_eq!(by[0]["dimensions"][0]["code"], "trafficking_victim");
    assert_eq!(by[0]["dimensions"][1]["code"], "served");
}

async fn participants_group_by_district_kind_sex_and_time(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let undp = project_id(&app, UNDP).await;
    let data = app
        .data(
            "query($p: ID!) {
               byKind: participantStats(groupBy: [EVENT_KIND], filter: { project: $p }) {
                 rows { dimensions { code name } value suppressed } totals { value suppressed } }
               byTime: participantStats(groupBy: [YEAR, QUARTER, MONTH], filter: { project: $p, eventKind: TRAINING }) {
                 rows { dimensions { dimension code } value suppressed } }
               byDistrict: participantStats(groupBy: [DISTRICT, PROJECT, ORGANISATION], filter: { project: $p }, lang: EN) {
                 rows { dimensions { dimension code id name } value suppressed } }
               bySex: participantStats(groupBy: [SEX], filter: { project: $p, year: 2021 }) {
                 rows { dimensions { code } value suppressed illustrative } }
             }",
            json!({ "p": undp }),
        )
        .await;
    // 23 trainees (Aug–Sep 2021) + 3 coordinators (suppressed) + 9 women in vocational courses.
    let kinds = rows(&data["byKind"]);
    let vocational = kinds
        .iter()
        .find(|r| r["dimensions"][0]["code"] == "vocational_course")
        .unwrap();
    assert_eq!(vocational["value"], 9);
    assert_eq!(vocational["dimensions"][0]["name"], "Vocational course");
    // The leadership trainings span August and September: a quarter, not a month.
    let time = rows(&data["byTime"]);
    let dated: Vec<&Value> = time
        .iter()
        .filter(|r| r["dimensions"][0]["code"] == "2021")
        .collect();
    assert_eq!(dated.len(), 1, "{time:#?}");
    assert_eq!(dated[0]["dimensions"][1]["code"], "2021-Q3");
    assert_eq!(dated[0]["dimensions"][2]["code"], Value::Null);
    assert_eq!(dated[0]["value"], 23);
    // The events of this project took place in three districts at once: no single district.
    let district = rows(&data["byDistrict"]);
    assert!(!district.is_empty());
    for r in &district {
        assert_eq!(r["dimensions"][0]["code"], Value::Null);
        assert_eq!(r["dimensions"][1]["code"], UNDP);
        assert_eq!(r["dimensions"][2]["code"], "XM-DAC-41114");
        assert_eq!(
            r["dimensions"][2]["name"],
            "United Nations Development Programme"
        );
    }
    // 2021 by sex: the illustrative split of the 23 trainees.
    let sex = rows(&data["bySex"]);
    let female = sex
        .iter()
        .find(|r| r["dimensions"][0]["code"] == "female")
        .unwrap();
    assert_eq!(female["value"], 15);
    assert_eq!(female["illustrative"], true);
}

async fn statistics_reject_dimensions_that_do_not_apply(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let resp = app
        .graphql(
            "{ participantStats(groupBy: [SUPPORT_TYPE]) { rows { value } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        resp["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{resp}"
    );
    let resp = app
        .graphql(
            "{ serviceStats(filter: { month: \"2021-13\" }) { rows { value } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        resp["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{resp}"
    );
}

async fn centres_and_works_count_by_status_and_area_including_sub_areas(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let fuzuli = app
        .data(
            "{ areas(filter: { code: \"AZ-FUZ\" }) { edges { node { id } } } }",
            json!({}),
        )
        .await["areas"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let undp = project_id(&app, UNDP).await;
    let data = app
        .data(
            "query($a: ID!, $p: ID!) {
               worksInFuzuli: workStats(filter: { area: $a }, groupBy: [STATUS, KIND]) {
                 dimensions { dimension code name } count unit }
               works: workStats(filter: { project: $p }, groupBy: [STATUS]) { dimensions { code } count }
               centres: centreStats(filter: { project: $p }, groupBy: [STATUS, DISTRICT], lang: AZ) {
                 dimensions { dimension code name } count unit }
             }",
            json!({ "a": fuzuli, "p": undp }),
        )
        .await;
    // Horadiz lies in Füzuli: its irrigation line counts for Füzuli.
    let fuzuli_works = data["worksInFuzuli"].as_array().unwrap();
    assert_eq!(fuzuli_works.len(), 1, "{fuzuli_works:#?}");
    assert_eq!(fuzuli_works[0]["count"], 1);
    assert_eq!(fuzuli_works[0]["unit"], "WORKS");
    assert_eq!(fuzuli_works[0]["dimensions"][1]["code"], "irrigation");
    assert_eq!(
        data["works"],
        json!([{ "dimensions": [{ "code": "completed" }], "count": 3 }])
    );
    let centres = data["centres"].as_array().unwrap();
    assert_eq!(
        centres.len(),
        3,
        "one operational centre in each district: {centres:#?}"
    );
    let mut districts: Vec<&str> = centres
        .iter()
        .map(|c| c["dimensions"][1]["name"].as_str().unwrap())
        .collect();
    districts.sort();
    assert_eq!(districts, vec!["Ağcabədi", "Füzuli", "Tərtər"]);
    assert!(
        centres
            .iter()
            .all(|c| c["count"] == 1 && c["dimensions"][0]["code"] == "operational")
    );
}

/// Totals do not depend on the grouping: for every grouping of either
/// kind, as an anonymous reader (suppression and noise) and on the demo's
/// illustrative breakdowns, they equal the totals of no grouping at all
/// (the server sums the groups where it can instead of asking again).
async fn totals_are_the_same_whatever_the_grouping(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let totals = |field: &str, group: &str| {
        let group = if group.is_empty() {
            String::new()
        } else {
            format!("(groupBy: [{group}])")
        };
        format!(
            "{{ {field}{group} {{ totals {{ unit value suppressed protection }} rows {{ value }} }} }}"
        )
    };
    for (field, groupings) in [
        (
            "participantStats",
            &[
                "DISTRICT, MONTH",
                "SEX",
                "EVENT_KIND, YEAR",
                "AGE_BAND, DISABILITY",
                "PROJECT",
                "EVENT",
                "CATEGORY",
                "QUARTER, SEX",
            ][..],
        ),
        (
            "serviceStats",
            &[
                "SUPPORT_TYPE",
                "SEX",
                "STAGE, YEAR",
                "AGE_BAND",
                "DISTRICT",
                "UNIT",
                "CHANNEL, MONTH",
                "PROJECT, DISABILITY",
            ][..],
        ),
    ] {
        let none = app.data(&totals(field, ""), json!({})).await;
        let expected = &none[field]["totals"];
        assert!(!expected.as_array().unwrap().is_empty(), "{none}");
        for group in groupings {
            let data = app.data(&totals(field, group), json!({})).await;
            assert!(!data[field]["rows"].as_array().unwrap().is_empty());
            assert_eq!(&data[field]["totals"], expected, "{field} by {group}");
        }
    }
}

engine_tests!(
    totals_are_the_same_whatever_the_grouping,
    undp_2021_applications_by_support_type_are_275_559_370,
    persons_and_appeals_are_never_added_together,
    the_reported_130_reads_back_as_a_total,
    participants_group_by_district_kind_sex_and_time,
    statistics_reject_dimensions_that_do_not_apply,
    centres_and_works_count_by_status_and_area_including_sub_areas,
);
