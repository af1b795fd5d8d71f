//! Protection of small counts as an attacker sees it: every grouping of the
//! service figures, filtered and unfiltered, plus the read API's per-project
//! service counts, are collected as linear equations over the recorded
//! counts. Exact figures are equations as they are; a perturbed figure is an
//! equation with an unknown noise of its own (the same for the same records,
//! which the test checks). No withheld or perturbed record may be determined.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use tests::{Engine, TestApp, engine_tests};

const TRAFFICKING: &str = "mlsp-trafficking-victim-assistance";

/// One recorded service count: its dimension codes and value.
#[derive(Debug, Clone)]
struct Cell {
    dims: HashMap<&'static str, Option<String>>,
    value: i64,
}

async fn recorded_cells(app: &TestApp) -> Vec<Cell> {
    let db = &app.db.conn;
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT p.slug, sc.sex, sc.age_band, sc.category, sc.stage, sc.unit, sc.support_type, sc.value \
             FROM service_counts sc JOIN projects p ON p.id = sc.project_id WHERE p.is_public ORDER BY sc.id",
        ))
        .await
        .unwrap();
    // With no recorded cells every equation is trivially safe.
    assert!(!rows.is_empty(), "the demo dataset records service counts");
    rows.into_iter()
        .map(|r| {
            let get = |i: usize| r.try_get_by_index::<Option<String>>(i).unwrap();
            let mut dims = HashMap::new();
            dims.insert("PROJECT", get(0));
            dims.insert("SEX", get(1));
            dims.insert("AGE_BAND", get(2));
            dims.insert("CATEGORY", get(3));
            dims.insert("STAGE", get(4));
            dims.insert("UNIT", get(5));
            dims.insert("SUPPORT_TYPE", get(6));
            Cell {
                dims,
                value: r.try_get_by_index::<i64>(7).unwrap(),
            }
        })
        .collect()
}

/// Minimal Gaussian elimination: is `target` in the span of `rows`?
fn in_span(rows: &[Vec<f64>], target: &[f64]) -> bool {
    let mut basis: Vec<(usize, Vec<f64>)> = Vec::new();
    let reduce = |basis: &[(usize, Vec<f64>)], v: &mut Vec<f64>| {
        for (p, b) in basis {
            let f = v[*p];
            if f.abs() > 1e-9 {
                for (x, y) in v.iter_mut().zip(b) {
                    *x -= f * y;
                }
            }
        }
    };
    for r in rows {
        let mut v = r.clone();
        reduce(&basis, &mut v);
        if let Some(p) = (0..v.len()).find(|&i| v[i].abs() > 1e-9) {
            let s = v[p];
            v.iter_mut().for_each(|x| *x /= s);
            for (_, b) in basis.iter_mut() {
                let f = b[p];
                if f.abs() > 1e-9 {
                    for (x, y) in b.iter_mut().zip(&v) {
                        *x -= f * y;
                    }
                }
            }
            basis.push((p, v));
        }
    }
    let mut t = target.to_vec();
    reduce(&basis, &mut t);
    t.iter().all(|x| x.abs() < 1e-6)
}

fn subsets<'a>(dims: &[&'a str]) -> Vec<Vec<&'a str>> {
    (0..(1usize << dims.len()))
        .map(|mask| {
            dims.iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, d)| *d)
                .collect()
        })
        .collect()
}

async fn an_anonymous_grouping_by_sex_of_the_trafficking_figures_is_suppressed(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let p = app
        .data(
            "query($s: String!) { project(slug: $s) { id } }",
            json!({ "s": TRAFFICKING }),
        )
        .await["project"]["id"]
        .clone();
    let data = app
        .data(
            "query($p: ID!) { serviceStats(groupBy: [SEX], filter: { project: $p }) {
                rows { dimensions { code } value suppressed illustrative protection class }
                totals { value suppressed protection } } }",
            json!({ "p": p }),
        )
        .await;
    let rows = data["serviceStats"]["rows"].as_array().unwrap();
    let male = rows
        .iter()
        .find(|r| r["dimensions"][0]["code"] == "male")
        .unwrap();
    assert_eq!(
        male["value"],
        Value::Null,
        "9 men is below the sensitive threshold of 10"
    );
    assert_eq!(male["suppressed"], true);
    let female = rows
        .iter()
        .find(|r| r["dimensions"][0]["code"] == "female")
        .unwrap();
    // With the reported total 130 published, an exact 121 women would give
    // away the 9 men: the women's figure carries the noise of a sensitive
    // count (at most 5 either way) instead.
    assert_eq!(female["suppressed"], false);
    assert_eq!(female["protection"], "PERTURBED");
    assert_eq!(female["class"], "SENSITIVE");
    let women = female["value"].as_i64().unwrap();
    assert!(
        (116..=126).contains(&women),
        "121 women published as {women}"
    );
    assert!(rows.iter().all(|r| r["illustrative"] == true));
    assert_eq!(
        data["serviceStats"]["totals"],
        json!([{ "value": 130, "suppressed": false, "protection": "EXACT" }]),
        "the reported figure that the breakdown adds up to"
    );
}

async fn no_withheld_figure_can_be_recomputed_from_any_grouping(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let cells = recorded_cells(&app).await;
    let n = cells.len();
    let project = app
        .data(
            "query($s: String!) { project(slug: $s) { id } }",
            json!({ "s": TRAFFICKING }),
        )
        .await["project"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // (members, published value or None, perturbed)
    let mut equations: Vec<(Vec<usize>, Option<i64>, bool)> = Vec::new();
    let dims = [
        "PROJECT",
        "SEX",
        "AGE_BAND",
        "CATEGORY",
        "STAGE",
        "SUPPORT_TYPE",
    ];
    let mut queries = 0;
    for by in subsets(&dims) {
        for filtered in [false, true] {
            let group = format!("[{}]", by.join(", "));
            let filter = if filtered {
                format!("{{ project: \"{project}\" }}")
            } else {
                "{}".into()
            };
            let q = format!(
                "{{ serviceStats(groupBy: {group}, filter: {filter}) {{
                    rows {{ dimensions {{ dimension code }} value suppressed unit protection }}
                    totals {{ unit value suppressed protection }} }} }}"
            );
            let data = app.data(&q, json!({})).await;
            queries += 1;
            let t = &data["serviceStats"];
            let matches = |cell: &Cell, dims_of: &[(String, Option<String>)], unit: &str| {
                (!filtered || cell.dims["PROJECT"].as_deref() == Some(TRAFFICKING))
                    && cell.dims["UNIT"].as_deref() == Some(&unit.to_ascii_lowercase())
                    && dims_of.iter().all(|(d, v)| &cell.dims[d.as_str()] == v)
            };
            for row in t["rows"].as_array().unwrap() {
                let dims_of: Vec<(String, Option<String>)> = row["dimensions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| {
                        (
                            d["dimension"].as_str().unwrap().to_string(),
                            d["code"].as_str().map(String::from),
                        )
                    })
                    .collect();
                let unit = row["unit"].as_str().unwrap();
                let members: Vec<usize> = (0..n)
                    .filter(|&i| matches(&cells[i], &dims_of, unit))
                    .collect();
                equations.push(equation(&cells, members, row));
            }
            for total in t["totals"].as_array().unwrap() {
                let unit = total["unit"].as_str().unwrap();
                let members: Vec<usize> =
                    (0..n).filter(|&i| matches(&cells[i], &[], unit)).collect();
                equations.push(equation(&cells, members, total));
            }
        }
    }
    // The read API's per-project service counts, as reported.
    let data = app
        .data(
            "{ projects(first: 10) { edges { node { slug serviceCounts {
                value suppressed unit stage category supportType protection } } } } }",
            json!({}),
        )
        .await;
    for edge in data["projects"]["edges"].as_array().unwrap() {
        let slug = edge["node"]["slug"].as_str().unwrap();
        for c in edge["node"]["serviceCounts"].as_array().unwrap() {
            let code = |k: &str| c[k].as_str().map(|s| s.to_ascii_lowercase());
            let members: Vec<usize> = (0..n)
                .filter(|&i| {
                    let d = &cells[i].dims;
                    d["PROJECT"].as_deref() == Some(slug)
                        && d["UNIT"] == code("unit")
                        && d["STAGE"] == code("stage")
                        && d["CATEGORY"] == code("category")
                        && d["SUPPORT_TYPE"] == code("supportType")
                })
                .collect();
            equations.push(equation(&cells, members, c));
        }
    }

    // The same records read the same wherever they are published.
    let mut seen: HashMap<&Vec<usize>, Option<i64>> = HashMap::new();
    for (members, value, _) in &equations {
        let before = seen.entry(members).or_insert(*value);
        assert_eq!(before, value, "cells {members:?} read differently");
    }
    // One noise unknown per distinct perturbed set of records.
    let noisy: Vec<&Vec<usize>> = {
        let mut v: Vec<&Vec<usize>> = equations
            .iter()
            .filter(|(_, _, p)| *p)
            .map(|(m, _, _)| m)
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let width = n + noisy.len();
    let vector = |m: &[usize], perturbed: bool| {
        let mut v = vec![0.0; width];
        m.iter().for_each(|&i| v[i] = 1.0);
        if perturbed {
            let k = noisy.iter().position(|x| x.as_slice() == m).unwrap();
            v[n + k] = 1.0;
        }
        v
    };
    let published: Vec<Vec<f64>> = equations
        .iter()
        .filter(|(_, v, _)| v.is_some())
        .map(|(m, _, p)| vector(m, *p))
        .collect();
    assert!(
        !published.is_empty() && !noisy.is_empty(),
        "the demo data publishes exact and perturbed figures"
    );
    let withheld: Vec<&(Vec<usize>, Option<i64>, bool)> =
        equations.iter().filter(|(_, v, _)| v.is_none()).collect();
    assert!(
        !withheld.is_empty(),
        "the trafficking breakdown must withhold something"
    );
    for (members, _, _) in &withheld {
        let truth: i64 = members.iter().map(|&i| cells[i].value).sum();
        assert!(
            !in_span(&published, &vector(members, false)),
            "a withheld figure ({truth}, cells {members:?}) can be recomputed from {queries} queries"
        );
    }
    // And every small figure that was published would be a leak.
    for (members, value, _) in &equations {
        if let Some(v) = value {
            let sensitive = members.iter().any(|&i| {
                cells[i].dims["PROJECT"].as_deref()
                    != Some("undp-early-recovery-fuzuli-agjabadi-tartar")
            });
            let threshold = if sensitive { 10 } else { 5 };
            assert!(!(*v > 0 && *v < threshold), "published small figure {v}");
        }
    }
}

/// A published figure as an equation: exact ones are true sums, perturbed
/// ones are within the largest noise (5) of the truth.
fn equation(
    cells: &[Cell],
    members: Vec<usize>,
    figure: &Value,
) -> (Vec<usize>, Option<i64>, bool) {
    let value = figure["value"].as_i64();
    let truth: i64 = members.iter().map(|&i| cells[i].value).sum();
    let perturbed = match figure["protection"].as_str() {
        Some("EXACT") => {
            assert_eq!(value, Some(truth), "exact figures are true sums: {figure}");
            false
        }
        Some("PERTURBED") => {
            let v = value.unwrap();
            assert!((v - truth).abs() <= 5, "{truth} perturbed to {v}: {figure}");
            true
        }
        Some("WITHHELD") => {
            assert_eq!(value, None);
            false
        }
        other => panic!("no protection: {other:?} in {figure}"),
    };
    (members, value, perturbed)
}

/// The attack from issue 10: a manager sees their own project's cells raw;
/// if a cross-project figure were protected as if they did not, subtracting
/// their own cells would recover another organisation's withheld count. Their
/// own cells count as known, so the figure that would isolate the other
/// organisation's 8 is withheld for them, while the public (who know neither)
/// read it with noise.
async fn a_managers_own_raw_cells_count_as_known(engine: Engine) {
    use entities::codes::Sex;
    use tests::accounts::{as_user, create_user, login, spawn};
    use tests::fixtures;
    let Some(app) = spawn(engine).await else {
        return;
    };
    let db = &app.db.conn;
    let a = fixtures::project(db, "viewer-knowledge-a", "Own programme", true).await;
    let b = fixtures::project(db, "viewer-knowledge-b", "Other programme", true).await;
    let ea = fixtures::event(db, a, None, "Own training").await;
    let eb = fixtures::event(db, b, None, "Other session").await;
    fixtures::attendance(db, ea, Sex::Female, 4).await;
    fixtures::attendance(db, ea, Sex::Male, 30).await;
    fixtures::attendance(db, eb, Sex::Female, 8).await;
    fixtures::attendance(db, eb, Sex::Male, 40).await;
    for sql in [
        format!("UPDATE projects SET sensitivity = 'sensitive' WHERE id = {b}"),
        format!("UPDATE events SET start_date = '2030-05-10' WHERE id IN ({ea}, {eb})"),
    ] {
        db.execute_unprepared(&sql).await.unwrap();
    }
    fixtures::summarise(db, ea).await;
    fixtures::summarise(db, eb).await;
    create_user(
        &app,
        "own@undp.example",
        "manager",
        Some("UNDP"),
        &["viewer-knowledge-a"],
    )
    .await;
    let token = login(&app, "own@undp.example").await;
    let q = r#"{ participantStats(groupBy: [SEX], filter: { month: "2030-05" }) {
        rows { dimensions { code } value suppressed protection } } }"#;
    let female = |resp: &Value| -> Value {
        resp["data"]["participantStats"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["dimensions"][0]["code"] == "female")
            .cloned()
            .unwrap_or_else(|| panic!("{resp}"))
    };
    // 4 own + 8 other: for the manager the unknown part is the other's 8.
    let mine = female(&as_user(&app, &token, q, json!({})).await);
    assert_eq!(mine["protection"], "WITHHELD", "{mine}");
    assert_eq!(mine["value"], Value::Null);
    // For the public the 12 is unknown as a whole: published, with noise,
    // never below the sensitive threshold.
    let public = female(&app.graphql(q, json!({})).await);
    assert_eq!(public["protection"], "PERTURBED", "{public}");
    let v = public["value"].as_i64().unwrap();
    assert!((10..=17).contains(&v), "12 published as {v}");
    // The manager's own cells are exact.
    let own = as_user(
        &app,
        &token,
        r#"{ participantStats(groupBy: [PROJECT, SEX], filter: { month: "2030-05" }) {
            rows { dimensions { code } value protection } } }"#,
        json!({}),
    )
    .await;
    let rows = own["data"]["participantStats"]["rows"]
        .as_array()
        .unwrap()
        .clone();
    let exact: Vec<i64> = rows
        .iter()
        .filter(|r| r["protection"] == "EXACT")
        .map(|r| r["value"].as_i64().unwrap())
        .collect();
    assert_eq!(exact.len(), 2, "{own}");
    assert!(exact.contains(&4) && exact.contains(&30), "{own}");
    assert!(
        rows.iter().any(|r| r["protection"] == "WITHHELD"),
        "the other's 8: {own}"
    );
}

engine_tests!(
    a_managers_own_raw_cells_count_as_known,
    an_anonymous_grouping_by_sex_of_the_trafficking_figures_is_suppressed,
    no_withheld_figure_can_be_recomputed_from_any_grouping,
);
