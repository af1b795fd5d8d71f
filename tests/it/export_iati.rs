//! IATI 2.03 activity XML: well-formed, the elements the standard requires
//! present and in the schema's order, results with targets and actuals, and
//! nothing suppressed or illustrative in it; every file valid against the
//! IATI 2.03 schema and codelists (pyIATI's, checked with lxml by
//! `tests/tools/iati_validate.py`), or not served, with its reason.

use std::path::Path;
use std::process::Command;

use quick_xml::Reader;
use quick_xml::events::Event;
use tests::{Engine, TestApp, engine_tests, tool_or_skip};

/// The publisher the tests configure: an identifier of no real organisation.
pub const TEST_PUBLISHER: &str = "XM-EXAMPLE-0001";

async fn spawn_publishing(engine: Engine) -> Option<TestApp> {
    TestApp::spawn_seeded_with(engine, |c| c.iati.prefix = Some(TEST_PUBLISHER.into())).await
}

/// Children of `iati-activity` in the order of the IATI 2.03 schema.
const ACTIVITY_ORDER: &[&str] = &[
    "iati-identifier",
    "reporting-org",
    "title",
    "description",
    "participating-org",
    "other-identifier",
    "activity-status",
    "activity-date",
    "contact-info",
    "activity-scope",
    "recipient-country",
    "recipient-region",
    "location",
    "sector",
    "tag",
    "country-budget-items",
    "humanitarian-scope",
    "policy-marker",
    "collaboration-type",
    "default-flow-type",
    "default-finance-type",
    "default-aid-type",
    "default-tied-status",
    "budget",
    "planned-disbursement",
    "capital-spend",
    "transaction",
    "document-link",
    "related-activity",
    "legacy-data",
    "conditions",
    "result",
    "crs-add",
    "fss",
];
/// Required children of `iati-activity` (minOccurs 1 in the schema).
const REQUIRED: &[&str] = &[
    "iati-identifier",
    "reporting-org",
    "title",
    "participating-org",
    "activity-status",
    "activity-date",
];

/// A parsed element: name, attributes, text and children.
#[derive(Debug, Default, Clone)]
struct El {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<El>,
}

impl El {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    fn all(&self, name: &str) -> Vec<&El> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
    fn first(&self, name: &str) -> &El {
        self.all(name)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("<{}> has no <{name}>", self.name))
    }
    fn walk<'a>(&'a self, out: &mut Vec<&'a El>) {
        out.push(self);
        self.children.iter().for_each(|c| c.walk(out));
    }
}

/// Parses the document; panics if it is not well-formed.
fn parse(xml: &str) -> El {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<El> = vec![El::default()];
    let element = |e: &quick_xml::events::BytesStart<'_>| El {
        name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
        attrs: e
            .attributes()
            .map(|a| {
                let a = a.expect("well-formed attribute");
                (
                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .to_string(),
                )
            })
            .collect(),
        ..Default::default()
    };
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(element(&e)),
            Event::Empty(e) => {
                let el = element(&e);
                stack.last_mut().unwrap().children.push(el);
            }
            Event::End(_) => {
                let el = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(el);
            }
            Event::Text(t) => stack
                .last_mut()
                .unwrap()
                .text
                .push_str(&t.decode().unwrap()),
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut root = stack.pop().unwrap();
    assert_eq!(root.children.len(), 1, "one root element");
    root.children.pop().unwrap()
}

fn check_activity(a: &El) {
    let names: Vec<&str> = a.children.iter().map(|c| c.name.as_str()).collect();
    let positions: Vec<usize> = names
        .iter()
        .map(|n| {
            ACTIVITY_ORDER
                .iter()
                .position(|o| o == n)
                .unwrap_or_else(|| panic!("<{n}> is not an iati-activity child"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] <= w[1]),
        "children out of the schema's order: {names:?}"
    );
    for r in REQUIRED {
        assert!(names.contains(r), "missing <{r}>: {names:?}");
    }
    for once in [
        "iati-identifier",
        "reporting-org",
        "title",
        "activity-status",
    ] {
        assert_eq!(a.all(once).len(), 1, "<{once}> once");
    }
    assert!(a.attr("last-updated-datetime").is_some());
    let id = a.first("iati-identifier").text.trim();
    let reporting = a.first("reporting-org");
    let prefix = reporting.attr("ref").expect("reporting-org@ref");
    assert!(
        id.starts_with(&format!("{prefix}-")),
        "{id} starts with the reporting org {prefix}"
    );
    assert!(["0", "1"].contains(&reporting.attr("secondary-reporter").unwrap()));
    assert!(reporting.attr("type").is_some());
    assert!(!reporting.first("narrative").text.is_empty());
    assert!(!a.first("title").first("narrative").text.is_empty());
    for p in a.all("participating-org") {
        assert!(["1", "2", "3", "4"].contains(&p.attr("role").unwrap()));
    }
    let status = a.first("activity-status").attr("code").unwrap();
    assert!(("1"..="6").contains(&status));
    for d in a.all("activity-date") {
        assert!(["1", "2", "3", "4"].contains(&d.attr("type").unwrap()));
        chrono::NaiveDate::parse_from_str(d.attr("iso-date").unwrap(), "%Y-%m-%d").unwrap();
    }
    assert!(
        a.all("activity-date")
            .iter()
            .any(|d| ["1", "2"].contains(&d.attr("type").unwrap())),
        "a start date"
    );
    for r in a.all("result") {
        assert!(r.attr("type").is_some());
        let order: Vec<&str> = r.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(order.first(), Some(&"title"), "{order:?}");
        for i in r.all("indicator") {
            assert!(i.attr("measure").is_some());
            assert_eq!(i.children[0].name, "title");
            for p in i.all("period") {
                let kids: Vec<&str> = p.children.iter().map(|c| c.name.as_str()).collect();
                assert_eq!(&kids[..2], &["period-start", "period-end"], "{kids:?}");
                let targets_before_actuals = kids
                    .iter()
                    .skip(2)
                    .map(|k| match *k {
                        "target" => 0,
                        "actual" => 1,
                        other => panic!("unexpected <{other}> in a period"),
                    })
                    .collect::<Vec<_>>();
                assert!(targets_before_actuals.windows(2).all(|w| w[0] <= w[1]));
            }
        }
    }
}

async fn iati_activities_download_in_the_standards_order(engine: Engine) {
    let Some(app) = spawn_publishing(engine).await else {
        return;
    };
    let resp = app
        .client
        .get(format!("{}/export/iati.xml", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/xml; charset=utf-8"
    );
    let xml = resp.text().await.unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    let root = parse(&xml);
    assert_eq!(root.name, "iati-activities");
    assert_eq!(root.attr("version"), Some("2.03"));
    assert!(root.attr("generated-datetime").is_some());
    let activities = root.all("iati-activity");
    assert!(activities.len() >= 3, "{} activities", activities.len());
    for a in &activities {
        check_activity(a);
    }
    // The UNDP project: reported by UNDP, with its results.
    let undp = activities
        .iter()
        .find(|a| {
            a.first("iati-identifier")
                .text
                .contains("undp-early-recovery")
        })
        .expect("the UNDP project");
    assert_eq!(
        undp.first("iati-identifier").text.trim(),
        "XM-EXAMPLE-0001-undp-early-recovery-fuzuli-agjabadi-tartar",
        "under the publisher's own prefix, never UNDP's"
    );
    let reporting = undp.first("reporting-org");
    assert_eq!(reporting.attr("ref"), Some(TEST_PUBLISHER));
    assert_eq!(
        reporting.attr("secondary-reporter"),
        Some("1"),
        "the hub publishes for UNDP"
    );
    assert_eq!(undp.first("recipient-country").attr("code"), Some("AZ"));
    assert!(undp.all("location").len() >= 3);
    let trained = undp
        .all("result")
        .into_iter()
        .find(|r| r.first("title").first("narrative").text == "People trained")
        .expect("people trained");
    let period = trained.first("indicator").first("period");
    assert_eq!(
        period.first("period-start").attr("iso-date"),
        Some("2021-01-01")
    );
    assert_eq!(
        period.first("period-end").attr("iso-date"),
        Some("2021-12-31")
    );
    let actuals = period.all("actual");
    assert_eq!(
        actuals.len(),
        1,
        "the illustrative split by sex is not exported"
    );
    assert_eq!(actuals[0].attr("value"), Some("23"));
    // No small count of a sensitive population anywhere: the trafficking
    // project has no known date and is left out, with a comment.
    assert!(xml.contains("mlsp-trafficking-victim-assistance: left out, no date is known"));
    // Counts of centres and works protect no one and are published as
    // reported; every other actual is 0 or at least the threshold.
    for result in root
        .all("iati-activity")
        .into_iter()
        .flat_map(|a| a.all("result"))
    {
        let title = &result.first("title").first("narrative").text;
        if title.contains("Centres operational") || title.contains("works completed") {
            continue;
        }
        let mut all = Vec::new();
        result.walk(&mut all);
        for el in all.into_iter().filter(|el| el.name == "actual") {
            let v: i64 = el.attr("value").unwrap().parse().unwrap();
            assert!(v == 0 || v >= 5, "small value {v} exported in {title}");
        }
    }

    // One project, by slug; unknown ones are not found.
    let one = app
        .client
        .get(format!(
            "{}/export/iati/azqac-unified-reporting-mingachevir.xml",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(one.status(), 200);
    let root = parse(&one.text().await.unwrap());
    let activities = root.all("iati-activity");
    assert_eq!(activities.len(), 1);
    check_activity(activities[0]);
    assert_eq!(
        activities[0].first("activity-date").attr("iso-date"),
        Some("2016-06-27"),
        "the earliest dated fact: the Mingəçevir meeting"
    );
    let missing = app
        .client
        .get(format!("{}/export/iati/no-such-project.xml", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

/// An element as JSON for a snapshot: `@`-prefixed attributes, its text
/// when it has any, and its children in document order.
fn as_json(el: &El) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    map.insert("element".into(), el.name.clone().into());
    for (k, v) in &el.attrs {
        map.insert(format!("@{k}"), v.clone().into());
    }
    let text = el.text.trim();
    if !text.is_empty() {
        map.insert("text".into(), text.into());
    }
    if !el.children.is_empty() {
        map.insert(
            "children".into(),
            el.children.iter().map(as_json).collect::<Vec<_>>().into(),
        );
    }
    map.into()
}

/// `area-3` → `area-[id]`.
fn redact_numbered(text: &str) -> String {
    let mut out = text.to_string();
    for prefix in ["area-"] {
        if let Some(start) = out.find(prefix).map(|i| i + prefix.len()) {
            let digits = out[start..].bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                out.replace_range(start..start + digits, "[id]");
            }
        }
    }
    out
}

async fn the_iati_file_matches_its_snapshot(engine: Engine) {
    let Some(app) = spawn_publishing(engine).await else {
        return;
    };
    let resp = app.get("/export/iati.xml").await;
    assert_eq!(resp.status(), 200);
    let root = parse(&resp.text().await.unwrap());
    assert!(
        !root.all("iati-activity").is_empty(),
        "activities in the file"
    );
    // Both engines must write the same file: one snapshot for both.
    let mut settings = crate::support::snapshot_settings();
    for attr in ["@generated-datetime", "@last-updated-datetime"] {
        settings.add_redaction(format!(".**[\"{attr}\"]").as_str(), "[timestamp]");
    }
    // Location references carry database ids (`area-<id>`).
    for key in ["@ref", "text"] {
        settings.add_dynamic_redaction(format!(".**[\"{key}\"]").as_str(), |value, _| match value
            .as_str()
        {
            Some(text) => insta::internals::Content::from(redact_numbered(text)),
            None => value,
        });
    }
    settings.bind(|| insta::assert_json_snapshot!("iati_activities", as_json(&root)));
}

/// Runs the IATI 2.03 schema and codelist check on `files`; `None` when
/// lxml or pyIATI is missing outside CI.
fn iati_problems(files: &[std::path::PathBuf]) -> Option<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/iati_validate.py");
    if !tool_or_skip(
        "python3",
        &[script.to_str().unwrap(), "--check"],
        "pip install lxml && pip install --no-deps pyIATI",
    ) {
        return None;
    }
    let out = Command::new("python3")
        .arg(&script)
        .args(files)
        .output()
        .expect("run iati_validate.py");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    Some(if out.status.success() {
        String::new()
    } else {
        text
    })
}

/// The slugs of every public programme, from the public CSV.
async fn public_slugs(app: &TestApp) -> Vec<String> {
    let csv = app.get("/export/projects.csv").await.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "slug")
        .expect("a slug column");
    reader
        .records()
        .map(|r| r.unwrap()[column].to_string())
        .collect()
}

async fn every_public_programme_is_in_a_valid_iati_file_or_left_out_with_its_reason(
    engine: Engine,
) {
    let Some(app) = spawn_publishing(engine).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let all = app.get("/export/iati.xml").await;
    assert_eq!(all.status(), 200);
    let all = all.text().await.unwrap();
    let mut files = vec![dir.path().join("iati.xml")];
    std::fs::write(&files[0], &all).unwrap();
    let slugs = public_slugs(&app).await;
    assert!(slugs.len() >= 5, "{slugs:?}");
    let (mut published, mut left_out) = (0, 0);
    for slug in &slugs {
        let resp = app.get(&format!("/export/iati/{slug}.xml")).await;
        let status = resp.status();
        let body = resp.text().await.unwrap();
        if status == 200 {
            published += 1;
            assert!(all.contains(&format!("{TEST_PUBLISHER}-{slug}</iati-identifier>")));
            let file = dir.path().join(format!("{slug}.xml"));
            std::fs::write(&file, &body).unwrap();
            files.push(file);
        } else {
            // Never an invalid 200: a 404 that says why, and the same reason
            // in the file of every programme.
            left_out += 1;
            assert_eq!(status, 404, "{slug}: {body}");
            let reason = body
                .split_once(" is left out of the IATI files: ")
                .unwrap_or_else(|| panic!("{slug}: no reason in {body:?}"))
                .1;
            assert!(!reason.is_empty());
            assert!(
                all.contains(&format!("<!-- {slug}: left out, {reason} -->")),
                "{slug}'s reason is not in the file of every programme"
            );
        }
    }
    assert_eq!(published + left_out, slugs.len());
    assert!(published >= 3, "{published} published");
    if let Some(problems) = iati_problems(&files) {
        assert!(
            problems.is_empty(),
            "IATI 2.03 schema or codelists:\n{problems}"
        );
    }
}

async fn the_iati_files_carry_the_datas_own_time_budgets_and_targets(engine: Engine) {
    let Some(app) = spawn_publishing(engine).await else {
        return;
    };
    let first = parse(&app.get("/export/iati.xml").await.text().await.unwrap());
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let second = parse(&app.get("/export/iati.xml").await.text().await.unwrap());
    assert_ne!(
        first.attr("generated-datetime"),
        second.attr("generated-datetime")
    );
    let updated = |root: &El| -> Vec<String> {
        root.all("iati-activity")
            .iter()
            .map(|a| a.attr("last-updated-datetime").unwrap().to_string())
            .collect()
    };
    // The time of the data, not of the request.
    assert_eq!(updated(&first), updated(&second));
    for t in updated(&first) {
        assert!(
            t.as_str() <= first.attr("generated-datetime").unwrap(),
            "{t}"
        );
    }
    // Every indicator with a target published carries it in a period.
    let mut targets = 0;
    let mut budgets = 0;
    for a in first.all("iati-activity") {
        budgets += a.all("budget").len();
        for b in a.all("budget") {
            let value = b.first("value");
            assert!(value.attr("currency").is_some() && value.attr("value-date").is_some());
            assert!(value.text.trim().parse::<i64>().unwrap() >= 0);
        }
        for r in a.all("result") {
            for i in r.all("indicator") {
                targets += i
                    .all("period")
                    .iter()
                    .filter(|p| !p.all("target").is_empty())
                    .count();
            }
        }
    }
    assert!(targets >= 1, "targets are published");
    eprintln!("{budgets} budget(s), {targets} target(s)");
}

async fn without_a_publisher_nothing_is_published_under_another_organisations_prefix(
    engine: Engine,
) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let all = app.get("/export/iati.xml").await;
    assert_eq!(all.status(), 404, "no invalid empty file");
    let text = all.text().await.unwrap();
    assert!(text.contains("IATI_PUBLISHER_PREFIX"), "{text}");
    assert!(!text.contains("XM-DAC-41114"), "{text}");
    let one = app
        .get("/export/iati/undp-early-recovery-fuzuli-agjabadi-tartar.xml")
        .await;
    assert_eq!(one.status(), 404);
    assert!(one.text().await.unwrap().contains("IATI_PUBLISHER_PREFIX"));
}

async fn a_publisher_that_runs_the_programme_reports_it_first_hand(engine: Engine) {
    // UNDP deploying the hub itself: its own projects are first-hand.
    let Some(app) =
        TestApp::spawn_seeded_with(engine, |c| c.iati.prefix = Some("XM-DAC-41114".into())).await
    else {
        return;
    };
    let root = parse(&app.get("/export/iati.xml").await.text().await.unwrap());
    let mut first_hand = 0;
    for a in root.all("iati-activity") {
        let reporting = a.first("reporting-org");
        assert_eq!(reporting.attr("ref"), Some("XM-DAC-41114"));
        let runs_it = a
            .all("participating-org")
            .iter()
            .any(|p| p.attr("ref") == Some("XM-DAC-41114") && p.attr("role") != Some("1"));
        let expected = if runs_it { "0" } else { "1" };
        assert_eq!(reporting.attr("secondary-reporter"), Some(expected));
        if runs_it {
            first_hand += 1;
            assert_eq!(
                reporting.first("narrative").text,
                "United Nations Development Programme"
            );
        }
    }
    assert!(first_hand >= 1);
}

engine_tests!(
    iati_activities_download_in_the_standards_order,
    the_iati_file_matches_its_snapshot,
    every_public_programme_is_in_a_valid_iati_file_or_left_out_with_its_reason,
    the_iati_files_carry_the_datas_own_time_budgets_and_targets,
    without_a_publisher_nothing_is_published_under_another_organisations_prefix,
    a_publisher_that_runs_the_programme_reports_it_first_hand,
);
