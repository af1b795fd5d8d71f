//! Protection of small counts as an attacker sees it, through the real API
//! on the demo data: every grouping of the service figures (filtered by
//! project and not), every grouping and filter of each event's attendance
//! down to single cells, the per-row fields (`Event.attendance`,
//! `Project.serviceCounts`) and a CSV download are collected as constraints
//! over the recorded rows the anonymous reader does not know, and
//! `api::disclosure::attack` intersects them. No row may be narrowed below
//! what its own figure concedes (issue 25), and the same rows must read the
//! same wherever they are published.

use std::collections::HashMap;

use api::disclosure::attack::{Attacker, Design, Observation};
use api::disclosure::{Figure, Protection, Row, Thresholds, row_class};
use entities::codes::{BeneficiaryCategory, Sensitivity};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use tests::fixtures::global_id;
use tests::{Engine, TestApp, engine_tests};

const TRAFFICKING: &str = "mlsp-trafficking-victim-assistance";
const UNDP: &str = "undp-early-recovery-fuzuli-agjabadi-tartar";

/// One recorded row of either table: its dimension codes and what the rule
/// needs to know of it.
#[derive(Debug, Clone)]
struct Cell {
    dims: HashMap<&'static str, Option<String>>,
    value: i64,
    class: Sensitivity,
    /// Known to an anonymous reader row by row.
    known: bool,
    illustrative: bool,
    /// A service count that is a figure as reported (with a source).
    sourced: bool,
}

fn text(r: &sea_orm::QueryResult, i: usize) -> Option<String> {
    r.try_get_by_index::<Option<String>>(i).unwrap()
}

fn int(r: &sea_orm::QueryResult, i: usize) -> i64 {
    r.try_get_by_index::<i64>(i)
        .or_else(|_| r.try_get_by_index::<i32>(i).map(i64::from))
        .unwrap()
}

fn category(code: &Option<String>) -> Option<BeneficiaryCategory> {
    code.as_deref()
        .and_then(|c| serde_json::from_value(json!(c)).ok())
}

async fn rows_of(app: &TestApp, sql: &str) -> Vec<sea_orm::QueryResult> {
    let db = &app.db.conn;
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
}

/// The service counts of public projects.
async fn service_cells(app: &TestApp) -> Vec<Cell> {
    let t = Thresholds::default();
    let rows = rows_of(
        app,
        "SELECT p.slug, sc.sex, sc.age_band, sc.category, sc.stage, sc.unit, sc.support_type, \
         sc.disability, sc.sensitivity, p.sensitivity, \
         CASE WHEN sc.illustrative THEN 1 ELSE 0 END, \
         CASE WHEN sc.source_document_id IS NULL THEN 0 ELSE 1 END, sc.value \
         FROM service_counts sc JOIN projects p ON p.id = sc.project_id WHERE p.is_public ORDER BY sc.id",
    )
    .await;
    assert!(!rows.is_empty(), "the demo dataset records service counts");
    rows.iter()
        .map(|r| {
            let mut dims = HashMap::new();
            for (i, d) in [
                "PROJECT",
                "SEX",
                "AGE_BAND",
                "CATEGORY",
                "STAGE",
                "UNIT",
                "SUPPORT_TYPE",
                "DISABILITY",
            ]
            .iter()
            .enumerate()
            {
                dims.insert(*d, text(r, i));
            }
            let own: Sensitivity = serde_json::from_value(json!(text(r, 8))).unwrap();
            let project_sensitive = text(r, 9).as_deref() == Some("sensitive");
            let class = row_class(category(&dims["CATEGORY"]), Some(own), project_sensitive);
            let (illustrative, sourced, value) = (int(r, 10) == 1, int(r, 11) == 1, int(r, 12));
            Cell {
                known: Row::is_known(value, class, false, sourced && !illustrative, &t),
                dims,
                value,
                class,
                illustrative,
                sourced,
            }
        })
        .collect()
}

/// The attendance cells of public projects' events that are not cancelled,
/// with their events' database ids.
async fn attendance_cells(app: &TestApp) -> Vec<Cell> {
    let t = Thresholds::default();
    let rows = rows_of(
        app,
        "SELECT e.id, at.sex, at.age_band, at.disability, at.category, p.sensitivity, \
         CASE WHEN at.illustrative THEN 1 ELSE 0 END, \
         CASE WHEN e.source_document_id IS NULL THEN 0 ELSE 1 END, at.count \
         FROM attendance at JOIN events e ON e.id = at.event_id JOIN projects p ON p.id = e.project_id \
         WHERE p.is_public AND e.status <> 'cancelled' ORDER BY at.id",
    )
    .await;
    assert!(!rows.is_empty(), "the demo dataset records attendance");
    rows.iter()
        .map(|r| {
            let mut dims = HashMap::new();
            dims.insert("EVENT", Some(int(r, 0).to_string()));
            for (i, d) in ["SEX", "AGE_BAND", "DISABILITY", "CATEGORY"]
                .iter()
                .enumerate()
            {
                dims.insert(*d, text(r, i + 1));
            }
            let class = row_class(
                category(&dims["CATEGORY"]),
                None,
                text(r, 5).as_deref() == Some("sensitive"),
            );
            let (illustrative, sourced, value) = (int(r, 6) == 1, int(r, 7) == 1, int(r, 8));
            Cell {
                known: Row::is_known(value, class, false, sourced && !illustrative, &t),
                dims,
                value,
                class,
                illustrative,
                sourced,
            }
        })
        .collect()
}

/// The GraphQL enum value of a dimension code ("18-24" is AGE_18_TO_24).
fn enum_name(code: &str) -> String {
    match code.split_once('-') {
        Some((a, b)) => format!("AGE_{a}_TO_{b}"),
        None if code.ends_with('+') => format!("AGE_{}_PLUS", code.trim_end_matches('+')),
        None => code.to_ascii_uppercase(),
    }
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

fn figure(v: &Value) -> Figure {
    let protection = match v["protection"].as_str() {
        Some("EXACT") => Protection::Exact,
        Some("PERTURBED") => Protection::Perturbed,
        Some("WITHHELD") => Protection::Withheld,
        other => panic!("no protection: {other:?} in {v}"),
    };
    let value = v["value"].as_i64().or_else(|| v["count"].as_i64());
    Figure {
        value,
        suppressed: value.is_none(),
        protection,
        class: Sensitivity::Ordinary,
        below: v["withheldBelow"].as_i64(),
    }
}

/// What an anonymous reader collected: figures over sets of rows.
#[derive(Default)]
struct Collected {
    /// (rows, figure, the query kept whole reports)
    figures: Vec<(Vec<usize>, Figure, bool)>,
    /// Where each figure was read (for messages).
    sources: Vec<String>,
    /// The query being read.
    at: String,
    requests: usize,
}

impl Collected {
    fn add(&mut self, rows: Vec<usize>, v: &Value, whole_reports: bool) {
        self.figures.push((rows, figure(v), whole_reports));
        self.sources.push(format!("{} → {v}", self.at));
    }
}

/// The service figures of every grouping of seven dimensions, unfiltered
/// and filtered to the trafficking project, plus `Project.serviceCounts`.
async fn collect_services(app: &TestApp, cells: &[Cell], out: &mut Collected) {
    let project = app
        .data(
            "query($s: String!) { project(slug: $s) { id } }",
            json!({ "s": TRAFFICKING }),
        )
        .await["project"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let dims = [
        "PROJECT",
        "SEX",
        "AGE_BAND",
        "CATEGORY",
        "STAGE",
        "SUPPORT_TYPE",
        "DISABILITY",
    ];
    for by in subsets(&dims) {
        for filtered in [false, true] {
            let filter = if filtered {
                format!("{{ project: \"{project}\" }}")
            } else {
                "{}".into()
            };
            let q = format!(
                "{{ serviceStats(groupBy: [{}], filter: {filter}) {{
                    rows {{ dimensions {{ dimension code }} value protection withheldBelow unit }}
                    totals {{ unit value protection withheldBelow }} }} }}",
                by.join(", ")
            );
            let data = app.data(&q, json!({})).await;
            out.requests += 1;
            out.at = q.clone();
            let whole = !by
                .iter()
                .any(|d| ["SEX", "AGE_BAND", "DISABILITY"].contains(d));
            let t = &data["serviceStats"];
            let select = |dims_of: &[(String, Option<String>)], unit: &str| -> Vec<usize> {
                (0..cells.len())
                    .filter(|&i| {
                        let c = &cells[i];
                        (!filtered || c.dims["PROJECT"].as_deref() == Some(TRAFFICKING))
                            && c.dims["UNIT"].as_deref() == Some(&unit.to_ascii_lowercase())
                            && dims_of.iter().all(|(d, v)| &c.dims[d.as_str()] == v)
                    })
                    .collect()
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
                let set = select(&dims_of, row["unit"].as_str().unwrap());
                out.add(set, row, whole);
            }
            for total in t["totals"].as_array().unwrap() {
                // Totals count illustrative reports whole.
                out.add(select(&[], total["unit"].as_str().unwrap()), total, true);
            }
        }
    }
    let data = app
        .data(
            "{ projects(first: 10) { edges { node { slug serviceCounts {
                value unit stage category supportType sex ageBand protection withheldBelow } } } } }",
            json!({}),
        )
        .await;
    out.requests += 1;
    out.at = format!("request {}", out.requests);
    for edge in data["projects"]["edges"].as_array().unwrap() {
        let slug = edge["node"]["slug"].as_str().unwrap();
        for c in edge["node"]["serviceCounts"].as_array().unwrap() {
            let code = |k: &str| c[k].as_str().map(|s| s.to_ascii_lowercase());
            let report: Vec<usize> = (0..cells.len())
                .filter(|&i| {
                    let d = &cells[i].dims;
                    d["PROJECT"].as_deref() == Some(slug)
                        && d["UNIT"] == code("unit")
                        && d["STAGE"] == code("stage")
                        && d["CATEGORY"] == code("category")
                        && d["SUPPORT_TYPE"] == code("supportType")
                })
                .collect();
            // A row of its own, or an illustrative report read whole.
            let own: Vec<usize> = report
                .iter()
                .copied()
                .filter(|&i| {
                    let d = &cells[i].dims;
                    d["SEX"].as_deref().map(enum_name) == c["sex"].as_str().map(String::from)
                        && d["AGE_BAND"].as_deref().map(enum_name)
                            == c["ageBand"].as_str().map(String::from)
                })
                .collect();
            out.add(if own.is_empty() { report } else { own }, c, true);
        }
    }
}

/// Each event's attendance grouped by every subset of its cell dimensions
/// and filtered to it, a single-value filter on each dimension, and its
/// `attendance` field.
async fn collect_attendance(app: &TestApp, cells: &[Cell], out: &mut Collected) {
    let mut events: Vec<String> = cells
        .iter()
        .filter_map(|c| c.dims["EVENT"].clone())
        .collect();
    events.sort();
    events.dedup();
    let dims = ["SEX", "AGE_BAND", "DISABILITY", "CATEGORY"];
    for event in &events {
        let id = global_id("Event", event.parse().unwrap());
        let of_event: Vec<usize> = (0..cells.len())
            .filter(|&i| cells[i].dims["EVENT"].as_deref() == Some(event.as_str()))
            .collect();
        for by in subsets(&dims) {
            let q = format!(
                "query($e: ID!) {{ participantStats(groupBy: [{}], filter: {{ event: $e }}) {{
                    rows {{ dimensions {{ dimension code }} value protection withheldBelow }}
                    totals {{ value protection withheldBelow }} }} }}",
                by.join(", ")
            );
            let data = app.data(&q, json!({ "e": id })).await;
            out.requests += 1;
            out.at = format!("request {}", out.requests);
            let t = &data["participantStats"];
            for row in t["rows"].as_array().unwrap() {
                let set: Vec<usize> = of_event
                    .iter()
                    .copied()
                    .filter(|&i| {
                        row["dimensions"].as_array().unwrap().iter().all(|d| {
                            cells[i].dims[d["dimension"].as_str().unwrap()].as_deref()
                                == d["code"].as_str()
                        })
                    })
                    .collect();
                out.add(set, row, false);
            }
            for total in t["totals"].as_array().unwrap() {
                out.add(of_event.clone(), total, false);
            }
        }
        // A single-value filter on one dimension, grouped by another.
        for (f, g) in [
            ("sex", "AGE_BAND"),
            ("ageBand", "SEX"),
            ("disability", "CATEGORY"),
        ] {
            let key = match f {
                "sex" => "SEX",
                "ageBand" => "AGE_BAND",
                _ => "DISABILITY",
            };
            let mut values: Vec<String> = of_event
                .iter()
                .filter_map(|&i| cells[i].dims[key].clone())
                .collect();
            values.sort();
            values.dedup();
            for v in values {
                let q = format!(
                    "query($e: ID!) {{ participantStats(groupBy: [{g}], filter: {{ event: $e, {f}: {} }}) {{
                        rows {{ dimensions {{ dimension code }} value protection withheldBelow }} }} }}",
                    enum_name(&v)
                );
                let data = app.data(&q, json!({ "e": id })).await;
                out.requests += 1;
                out.at = format!("request {}", out.requests);
                for row in data["participantStats"]["rows"].as_array().unwrap() {
                    let d = &row["dimensions"][0];
                    let set: Vec<usize> = of_event
                        .iter()
                        .copied()
                        .filter(|&i| {
                            cells[i].dims[key].as_deref() == Some(v.as_str())
                                && cells[i].dims[d["dimension"].as_str().unwrap()].as_deref()
                                    == d["code"].as_str()
                        })
                        .collect();
                    out.add(set, row, false);
                }
            }
        }
        let data = app
            .data(
                "query($e: ID!) { node(id: $e) { ... on Event { attendance {
                    cells { sex ageBand disability category count protection withheldBelow }
                    total { value protection withheldBelow } } } } }",
                json!({ "e": id }),
            )
            .await;
        out.requests += 1;
        out.at = format!("request {}", out.requests);
        let attendance = &data["node"]["attendance"];
        for c in attendance["cells"].as_array().unwrap() {
            let set: Vec<usize> = of_event
                .iter()
                .copied()
                .filter(|&i| {
                    let d = &cells[i].dims;
                    [
                        ("SEX", "sex"),
                        ("AGE_BAND", "ageBand"),
                        ("DISABILITY", "disability"),
                        ("CATEGORY", "category"),
                    ]
                    .iter()
                    .all(|(dim, field)| {
                        d[dim].as_deref().map(enum_name).as_deref() == c[field].as_str()
                    })
                })
                .collect();
            assert_eq!(set.len(), 1, "one attendance cell per grid row: {c}");
            out.add(set, c, false);
        }
        out.add(of_event.clone(), &attendance["total"], false);
    }
}

/// Runs the attacker over what was collected: returns the rows narrowed
/// below their concession (with the reason) and how many targets it tried.
fn attack(cells: &[Cell], collected: &Collected) -> (Vec<String>, usize) {
    let t = Thresholds::default();
    // Illustrative services whose report is published whole are known in
    // whole-report figures; their reports' totals are public (the texts).
    let report_of = |i: usize| -> Vec<Option<String>> {
        ["PROJECT", "CATEGORY", "STAGE", "UNIT", "SUPPORT_TYPE"]
            .iter()
            .map(|d| cells[i].dims.get(d).cloned().flatten())
            .collect()
    };
    let mut reports: HashMap<Vec<Option<String>>, i64> = HashMap::new();
    for (i, c) in cells.iter().enumerate() {
        if c.illustrative && c.sourced && c.dims.contains_key("PROJECT") {
            *reports.entry(report_of(i)).or_default() += c.value;
        }
    }
    let whole_known = |i: usize| {
        let c = &cells[i];
        c.illustrative
            && c.sourced
            && c.dims.contains_key("PROJECT")
            && reports[&report_of(i)] >= t.of(c.class)
    };
    let unknown: Vec<usize> = (0..cells.len()).filter(|&i| !cells[i].known).collect();
    let vars: HashMap<usize, usize> = unknown.iter().enumerate().map(|(v, &i)| (i, v)).collect();
    let bases: Vec<i64> = unknown.iter().map(|&i| t.base(cells[i].class)).collect();
    let mut observations = Vec::new();
    for (set, fig, whole) in &collected.figures {
        let known_here = |i: usize| cells[i].known || (*whole && whole_known(i));
        observations.push(Observation {
            rows: set
                .iter()
                .filter(|&&i| !known_here(i))
                .map(|i| vars[i])
                .collect(),
            known: set
                .iter()
                .filter(|&&i| known_here(i))
                .map(|&i| cells[i].value)
                .sum(),
            explained: false,
            figure: *fig,
        });
    }
    let mut attacker = Attacker::new(unknown.len(), 100_000);
    attacker.observe_all(Design::Rounding, &observations, &bases);
    let mut narrowed = Vec::new();
    let mut tried = 0;
    for (v, &i) in unknown.iter().enumerate() {
        if cells[i].value == 0 || cells[i].illustrative {
            continue;
        }
        tried += 1;
        let own = observations.iter().find(|o| o.rows == vec![v]);
        match own {
            Some(o) => {
                let (lo, hi) = Design::Rounding.concedes(o, &bases);
                assert!(
                    (lo..=hi).contains(&cells[i].value),
                    "row {i} ({:?}) = {} outside its own figure's range {lo}..={hi}",
                    cells[i].dims,
                    cells[i].value
                );
                if !attacker.keeps(v, lo, hi) {
                    narrowed.push(format!(
                        "row {i} {:?} = {}: {:?} of {lo}..={hi}",
                        cells[i].dims,
                        cells[i].value,
                        attacker.candidates(v, 200)
                    ));
                }
            }
            None => {
                let left = attacker.candidates(v, 200);
                if (left.len() as i64) < bases[v] {
                    narrowed.push(format!("row {i} {:?}: {left:?}", cells[i].dims));
                }
            }
        }
    }
    (narrowed, tried)
}

/// The same rows read the same on every surface and in every grouping.
fn one_reading_per_set_of_rows(cells: &[Cell], collected: &Collected) {
    // (rows, read whole) → (value, where it was first read)
    type Reading = (Option<i64>, usize);
    let mut seen: HashMap<(&Vec<usize>, bool), Reading> = HashMap::new();
    for (n, (set, fig, whole)) in collected.figures.iter().enumerate() {
        // Figures that count an illustrative report whole read the reported
        // total; a breakdown of it reads its cells: two readings of made-up
        // splits of a public figure (docs/disclosure.md).
        let touches_report = set.iter().any(|&i| cells[i].illustrative);
        let before = seen
            .entry((set, touches_report && *whole))
            .or_insert((fig.value, n));
        assert_eq!(
            before.0, fig.value,
            "rows {set:?} read differently: {} and {}",
            collected.sources[before.1], collected.sources[n]
        );
    }
}

const SET_COUNTS: &str = r#"mutation($input: ServiceCountsInput!, $key: String!) {
    setServiceCounts(input: $input, idempotencyKey: $key) { userErrors { field code message } } }"#;

/// A small pseudo-random count in `1..=max`, fixed by `seed`.
fn small(seed: usize, max: i64) -> i64 {
    1 + ((seed as i64).wrapping_mul(7919).wrapping_add(13) % max)
}

/// Records entered by managers, as a programme would: three trainings of
/// the early-recovery project with grids of small cells, and a month of
/// small service counts in it and in the trafficking project (sensitive).
/// None of them is a figure as reported, so every one is unknown to the
/// public: the targets of the attack.
async fn enter_small_records(app: &TestApp) {
    use tests::accounts::{as_user, create_user, login, project_id};
    create_user(app, "grid@undp.example", "manager", Some("UNDP"), &[UNDP]).await;
    create_user(
        app,
        "counts@mlsp.example",
        "manager",
        Some("ƏƏSMN"),
        &[TRAFFICKING],
    )
    .await;
    let undp_token = login(app, "grid@undp.example").await;
    let mlsp_token = login(app, "counts@mlsp.example").await;
    let undp = project_id(app, Some(&undp_token), UNDP).await;
    let mlsp = project_id(app, Some(&mlsp_token), TRAFFICKING).await;
    let create = r#"mutation($k: String!, $input: CreateEventInput!) {
        createEvent(idempotencyKey: $k, input: $input) { userErrors { field code message } } }"#;
    let mut seed = 0;
    for (n, day) in ["2021-08-10", "2021-09-14", "2021-10-05"]
        .iter()
        .enumerate()
    {
        let mut cells = Vec::new();
        for sex in ["FEMALE", "MALE"] {
            for age in ["AGE_18_TO_24", "AGE_25_TO_59"] {
                for disability in ["WITH_DISABILITY", "WITHOUT_DISABILITY"] {
                    for category in ["WAR_AFFECTED", "YOUTH"] {
                        seed += 1;
                        cells.push(
                            json!({ "sex": sex, "ageBand": age, "disability": disability,
                                           "category": category, "count": small(seed, 8) }),
                        );
                    }
                }
            }
        }
        let input = json!({ "projectId": undp, "kind": "TRAINING", "titleAz": format!("Təlim {n}"),
            "titleEn": format!("Training {n}"), "startDate": day, "endDate": day, "attendance": cells });
        let r = as_user(
            app,
            &undp_token,
            create,
            json!({ "k": format!("grid-{n}"), "input": input }),
        )
        .await;
        assert_eq!(r["data"]["createEvent"]["userErrors"], json!([]), "{r}");
    }
    // The demo's validation rules (served ≤ received, …) are not what this
    // test is about: its random cells may serve more people than applied.
    <entities::validation_rule::Entity as sea_orm::EntityTrait>::update_many()
        .col_expr(
            entities::validation_rule::Column::ArchivedAt,
            sea_orm::sea_query::Expr::value(Some(chrono::Utc::now())),
        )
        .exec(&app.db.conn)
        .await
        .unwrap();
    for (token, project, support, category, (from, to), max) in [
        (
            &undp_token,
            &undp,
            ["PSYCHOLOGICAL", "LEGAL"],
            "WAR_AFFECTED",
            ("2021-08-01".to_string(), "2021-08-31".to_string()),
            9,
        ),
        (
            &mlsp_token,
            &mlsp,
            ["LEGAL", "MEDICAL"],
            "TRAFFICKING_VICTIM",
            ("2021-08-01".to_string(), "2021-08-31".to_string()),
            12,
        ),
    ] {
        let mut counts = Vec::new();
        for support_type in support {
            for stage in ["RECEIVED", "SERVED"] {
                for sex in ["FEMALE", "MALE"] {
                    seed += 1;
                    counts.push(
                        json!({ "supportType": support_type, "stage": stage, "unit": "PERSONS",
                        "sex": sex, "category": category, "value": small(seed, max) }),
                    );
                }
            }
        }
        let input =
            json!({ "projectId": project, "periodStart": from, "periodEnd": to, "counts": counts });
        let r = as_user(
            app,
            token,
            SET_COUNTS,
            json!({ "input": input, "key": format!("counts-{category}") }),
        )
        .await;
        assert_eq!(
            r["data"]["setServiceCounts"]["userErrors"],
            json!([]),
            "{r}"
        );
    }
}

async fn an_anonymous_reader_learns_nothing_from_every_grouping_filter_and_surface(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded_with(engine, |c| c.rate.enabled = false).await else {
        return;
    };
    enter_small_records(&app).await;
    let services = service_cells(&app).await;
    let attendance = attendance_cells(&app).await;
    let mut collected = Collected::default();
    collect_services(&app, &services, &mut collected).await;
    let mut att = Collected::default();
    collect_attendance(&app, &attendance, &mut att).await;
    for (cells, c) in [(&services, &collected), (&attendance, &att)] {
        one_reading_per_set_of_rows(cells, c);
        let (narrowed, tried) = attack(cells, c);
        eprintln!(
            "attacked {tried} unknown rows with {} figures from {} requests: {} narrowed",
            c.figures.len(),
            c.requests,
            narrowed.len()
        );
        assert!(
            tried >= 12,
            "the entered records give small unknown rows to attack"
        );
        assert!(
            narrowed.is_empty(),
            "{} of {tried} rows narrowed from {} figures: {narrowed:#?}",
            narrowed.len(),
            c.figures.len()
        );
        // "Fewer than N" is true of every withheld figure that says it.
        for (set, fig, _) in &c.figures {
            if let Some(below) = fig.below {
                let unknown: i64 = set
                    .iter()
                    .filter(|&&i| !cells[i].known)
                    .map(|&i| cells[i].value)
                    .sum();
                assert!(
                    unknown < below,
                    "withheld {unknown} said to be fewer than {below}"
                );
            }
        }
        // No published figure is a small count of unknown people.
        for (set, fig, _) in &c.figures {
            if let (Some(v), Protection::Perturbed) = (fig.value, fig.protection) {
                let known: i64 = set
                    .iter()
                    .filter(|&&i| cells[i].known)
                    .map(|&i| cells[i].value)
                    .sum();
                let part = v - known;
                let base = set
                    .iter()
                    .filter(|&&i| !cells[i].known)
                    .map(|&i| Thresholds::default().base(cells[i].class))
                    .max()
                    .unwrap_or(1);
                assert!(
                    part == 0 || part >= base.min(5),
                    "published a small unknown part {part}"
                );
            }
        }
    }
    assert!(collected.requests + att.requests > 200);
}

async fn an_anonymous_grouping_by_sex_of_the_trafficking_figures_is_protected(engine: Engine) {
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
    let by = |sex: &str| {
        rows.iter()
            .find(|r| r["dimensions"][0]["code"] == sex)
            .unwrap()
    };
    // 9 men: rounded to 0 (withheld) or 10, never published as 9.
    let male = by("male");
    match male["protection"].as_str() {
        Some("WITHHELD") => assert_eq!(male["value"], Value::Null),
        Some("PERTURBED") => assert_eq!(male["value"], 10),
        other => panic!("9 men published as {other:?}: {male}"),
    }
    // 121 women, in cells by age band each rounded to a multiple of 10.
    let female = by("female");
    assert_eq!(female["protection"], "PERTURBED");
    assert_eq!(female["class"], "SENSITIVE");
    let women = female["value"].as_i64().unwrap();
    assert_eq!(women % 10, 0, "{women}");
    assert!(
        (100..=140).contains(&women),
        "121 women published as {women}"
    );
    assert!(rows.iter().all(|r| r["illustrative"] == true));
    assert_eq!(
        data["serviceStats"]["totals"],
        json!([{ "value": 130, "suppressed": false, "protection": "EXACT" }]),
        "the reported figure that the breakdown adds up to"
    );
}

/// A manager sees their own project's cells raw and reads the others'
/// through their rounding: their own cells count as known, and the figure
/// beside them is theirs plus the others' rounded values.
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
    // 4 own + 8 other: the manager reads their 4 plus the other's 8 rounded
    // to a multiple of the sensitive threshold (0 or 10).
    let mine = female(&as_user(&app, &token, q, json!({})).await);
    assert_eq!(mine["protection"], "PERTURBED", "{mine}");
    let v = mine["value"].as_i64().unwrap();
    assert!([4, 14].contains(&v), "4 own + 8 other read as {v}");
    // For the public both are unknown: 4 rounded to 0 or 5, 8 to 0 or 10.
    let public = female(&app.graphql(q, json!({})).await);
    let expected_public = [0, 5, 10, 15];
    match public["value"].as_i64() {
        Some(v) => assert!(expected_public.contains(&v), "12 published as {v}"),
        None => assert_eq!(public["protection"], "WITHHELD"),
    }
    // The manager's own cells are exact; the other's 8 is rounded.
    let own = as_user(
        &app,
        &token,
        r#"{ participantStats(groupBy: [PROJECT, SEX], filter: { month: "2030-05" }) {
            rows { dimensions { code } value protection withheldBelow } } }"#,
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
        rows.iter()
            .filter(|r| r["protection"] != "EXACT")
            .all(|r| r["value"].is_null() || r["value"].as_i64().unwrap() % 10 == 0),
        "the other's 8 and 40 are rounded: {own}"
    );
}

/// A manager's writes never redraw the protection of another
/// organisation's rows: whatever they record in their own project, the
/// part of a shared figure that is not theirs reads the same; and they
/// cannot record a category or a sensitivity their project does not declare.
async fn a_managers_own_writes_never_redraw_another_organisations_figures(engine: Engine) {
    use tests::accounts::{as_user, create_user, login};
    let Some(app) = TestApp::spawn_seeded_with(engine, |c| c.rate.enabled = false).await else {
        return;
    };
    create_user(
        &app,
        "writer@undp.example",
        "manager",
        Some("UNDP"),
        &[UNDP],
    )
    .await;
    let token = login(&app, "writer@undp.example").await;
    let undp = app
        .data(
            "query($s: String!) { project(slug: $s) { id } }",
            json!({ "s": UNDP }),
        )
        .await["project"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let set = SET_COUNTS;
    let counts = |category: &str, value: i64, version: Option<i64>| {
        json!({
            "projectId": undp,
            "periodStart": "2021-08-01", "periodEnd": "2021-08-31",
            "counts": [{ "supportType": "PSYCHOLOGICAL", "stage": "RECEIVED", "unit": "PERSONS",
                         "category": category, "value": value, "version": version }]
        })
    };
    // Refused: a category the early-recovery project does not serve.
    let before = app
        .data("{ serviceStats { totals { value } } }", json!({}))
        .await;
    let refused = as_user(
        &app,
        &token,
        set,
        json!({ "input": counts("TRAFFICKING_VICTIM", 3, None), "key": "w-refused-1" }),
    )
    .await;
    let errors = &refused["data"]["setServiceCounts"]["userErrors"];
    assert_eq!(errors[0]["code"], "CATEGORY_NOT_DECLARED", "{refused}");
    assert_eq!(
        errors[0]["field"],
        json!(["input", "counts", "0", "category"])
    );
    let mut lower = counts("GENERAL", 3, None);
    lower["sensitivity"] = json!("PUBLIC");
    let refused = as_user(
        &app,
        &token,
        set,
        json!({ "input": lower, "key": "w-refused-2" }),
    )
    .await;
    assert_eq!(
        refused["data"]["setServiceCounts"]["userErrors"][0]["code"], "CATEGORY_NOT_DECLARED",
        "{refused}"
    );
    let after = app
        .data("{ serviceStats { totals { value } } }", json!({}))
        .await;
    assert_eq!(before, after, "nothing was stored");

    // Writes in a declared category, read back anonymously after each one:
    // the whole figure minus the manager's own part stays the same.
    let declared = app
        .data(
            "query($s: String!) { project(slug: $s) { beneficiaryCategories } }",
            json!({ "s": UNDP }),
        )
        .await["project"]["beneficiaryCategories"]
        .as_array()
        .unwrap()
        .clone();
    let category = declared
        .iter()
        .filter_map(|c| c.as_str())
        .find(|c| *c != "UNKNOWN")
        .unwrap_or("UNKNOWN")
        .to_string();
    let whole = r#"{ serviceStats(groupBy: [STAGE]) { rows { dimensions { code } value protection withheldBelow unit } } }"#;
    let own = r#"query($p: ID!) { serviceStats(groupBy: [STAGE], filter: { project: $p }) {
        rows { dimensions { code } value protection withheldBelow unit } } }"#;
    let received = |data: &Value| -> i64 {
        data["serviceStats"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["dimensions"][0]["code"] == "received" && r["unit"] == "PERSONS")
            .map(|r| r["value"].as_i64().unwrap_or(0))
            .sum()
    };
    let mut others = Vec::new();
    let mut version = None;
    for (n, value) in [1, 4, 7, 2, 9, 13].into_iter().enumerate() {
        let resp = as_user(
            &app,
            &token,
            set,
            json!({ "input": counts(&category, value, version), "key": format!("w-{n}") }),
        )
        .await;
        assert_eq!(
            resp["data"]["setServiceCounts"]["userErrors"],
            json!([]),
            "{resp}"
        );
        version = Some(version.unwrap_or(0) + 1);
        let all = received(&app.data(whole, json!({})).await);
        let mine = received(&app.data(own, json!({ "p": undp })).await);
        others.push(all - mine);
    }
    assert!(
        others.windows(2).all(|w| w[0] == w[1]),
        "the others' part of the figure moved with the manager's writes: {others:?}"
    );
}

engine_tests!(
    a_managers_own_raw_cells_count_as_known,
    a_managers_own_writes_never_redraw_another_organisations_figures,
    an_anonymous_grouping_by_sex_of_the_trafficking_figures_is_protected,
    an_anonymous_reader_learns_nothing_from_every_grouping_filter_and_surface,
);
