//! IATI 2.03 activity XML: well-formed, the elements the standard requires
//! present and in the schema's order, results with targets and actuals, and
//! nothing suppressed or illustrative in it.

use quick_xml::Reader;
use quick_xml::events::Event;
use tests::{Engine, TestApp, engine_tests};

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
                    a.unescape_value().unwrap().to_string(),
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
        id.starts_with(prefix),
        "{id} starts with the reporting org {prefix}"
    );
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
    let Some(app) = TestApp::spawn_seeded(engine).await else {
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
        "XM-DAC-41114-undp-early-recovery-fuzuli-agjabadi-tartar"
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
    assert!(xml.contains("mlsp-trafficking-victim-assistance: left out"));
    let mut all = Vec::new();
    root.walk(&mut all);
    for el in all {
        if el.name == "actual" || el.name == "target" {
            let v: i64 = el.attr("value").unwrap().parse().unwrap();
            assert!(v == 0 || v >= 5, "small value {v} exported");
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

/// `XX-HUB-12-slug` → `XX-HUB-[id]-slug`, `area-3` → `area-[id]`.
fn redact_numbered(text: &str) -> String {
    let mut out = text.to_string();
    for prefix in ["XX-HUB-", "area-"] {
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
    let Some(app) = TestApp::spawn_seeded(engine).await else {
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
    // Provisional identifiers carry database ids (`XX-HUB-<id>`, `area-<id>`).
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

engine_tests!(
    iati_activities_download_in_the_standards_order,
    the_iati_file_matches_its_snapshot,
);
