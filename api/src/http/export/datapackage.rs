//! `GET /export/datapackage.json`: a Frictionless Data Package describing
//! every CSV download beside it, with a Table Schema per file: each
//! column's type, its unit where it has one, its HXL hashtag (`hxl`), and
//! the protection columns (`suppressed`, `protection`, `class`) with their
//! values. Paths are relative, so the package resolves against
//! `/export/`: `projects.csv` is `/export/projects.csv`. The statistics
//! resources describe the files as downloaded without `groupBy` (one total
//! row); each `groupBy=DIM` adds a `<dim>_code` and a `<dim>` column in
//! front, as their descriptions say.

use serde_json::{Value, json};

use super::csv_specs::LISTS;

/// The Table Schema type and unit of a column, by its header.
fn kind_of(header: &str) -> (&'static str, Option<&'static str>) {
    match header {
        "planned_start" | "planned_end" | "actual_start" | "actual_end" | "start_date"
        | "end_date" | "opened_on" | "completed_on" => ("date", None),
        "budget" => ("integer", Some("whole units of the currency in `currency`")),
        "rooms" => ("integer", Some("rooms")),
        "capacity" | "participants" | "beneficiaries" => ("integer", Some("persons")),
        "progress_percent" => ("integer", Some("percent")),
        "quantity" => ("number", Some("the unit in `unit`")),
        "lat" | "lon" => ("number", Some("decimal degrees (WGS 84)")),
        "value" | "count" => ("integer", Some("the unit in `unit`")),
        "sensitive_location" | "participants_suppressed" | "suppressed" | "illustrative" => {
            ("boolean", None)
        }
        _ => ("string", None),
    }
}

fn field(header: &str, hxl: &str, description: Option<&str>) -> Value {
    let (kind, unit) = kind_of(header);
    let mut f = json!({ "name": header, "type": kind, "hxl": hxl });
    if let Some(unit) = unit {
        f["unit"] = unit.into();
    }
    if kind == "boolean" {
        f["trueValues"] = json!(["true"]);
        f["falseValues"] = json!(["false"]);
    }
    let protection = match header {
        "participants_suppressed" | "suppressed" => Some(
            "Protection: true when the figure is withheld (too small to publish; the value is empty).",
        ),
        "protection" => Some(
            "Protection of the figure: exact (published as counted), perturbed (cell key noise added) or withheld.",
        ),
        "class" => Some(
            "Sensitivity class of the counted population, which sets the threshold: public, ordinary or sensitive.",
        ),
        "illustrative" => {
            Some("True when the figure rests on illustrative values (not stated by the sources).")
        }
        _ => None,
    };
    if let Some(d) = description.or(protection) {
        f["description"] = d.into();
    }
    match header {
        "protection" => f["constraints"] = json!({ "enum": ["exact", "perturbed", "withheld"] }),
        "class" => f["constraints"] = json!({ "enum": ["public", "ordinary", "sensitive"] }),
        _ => {}
    }
    f
}

fn resource(name: &str, title: &str, description: &str, fields: Vec<Value>) -> Value {
    json!({
        "name": name,
        "title": title,
        "description": description,
        "path": format!("{name}.csv"),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": { "fields": fields, "missingValues": [""] },
    })
}

/// The Data Package of every CSV download.
pub fn package() -> Value {
    let mut resources: Vec<Value> = LISTS
        .iter()
        .map(|spec| {
            resource(
                spec.name,
                &format!("{} visible to anonymous readers", spec.name),
                &format!(
                    "GET /export/{}.csv: every row of the public `{}` list, with its filters as \
                     query parameters (README \"Statistics and exports\"), `lang=az|en`, `hxl=1` \
                     (an HXL hashtag row under the header: each field's `hxl`) and `bom=1`.",
                    spec.name, spec.field
                ),
                spec.columns
                    .iter()
                    .map(|c| field(c.header, c.hxl, None))
                    .collect(),
            )
        })
        .collect();
    for (name, field_name, people) in [
        ("participant-stats", "participantStats", true),
        ("service-stats", "serviceStats", false),
    ] {
        let value_tag = if people { "#reached+num" } else { "#value+num" };
        resources.push(resource(
            name,
            &format!("{field_name} as a table"),
            &format!(
                "GET /export/{name}.csv: the protected sums of `{field_name}` (small counts \
                 withheld or perturbed by the cell key method: docs/disclosure.md). Without \
                 `groupBy` one total row; `groupBy=DIM,…` (StatsDimension values) adds a \
                 `<dim>_code` and a `<dim>` column per dimension in front of these."
            ),
            vec![
                field(
                    "unit",
                    "#meta+unit",
                    Some("What is counted: persons, appeals, …"),
                ),
                field(
                    "value",
                    value_tag,
                    Some("The published figure; empty when withheld."),
                ),
                field("suppressed", "#meta+suppressed", None),
                field("protection", "#meta+protection", None),
                field("class", "#meta+sensitivity", None),
                field("illustrative", "#meta+illustrative", None),
            ],
        ));
    }
    for (name, field_name) in [("centre-stats", "centreStats"), ("work-stats", "workStats")] {
        resources.push(resource(
            name,
            &format!("{field_name} as a table"),
            &format!(
                "GET /export/{name}.csv: counts of {} (published as reported: they protect \
                 no one). Without `groupBy` one total row; `groupBy=DIM,…` adds a `<dim>_code` \
                 and a `<dim>` column per dimension in front of these.",
                if name == "centre-stats" {
                    "centres"
                } else {
                    "infrastructure works"
                }
            ),
            vec![
                field("unit", "#meta+unit", Some("What is counted.")),
                field("count", "#output+num", Some("How many.")),
            ],
        ));
    }
    json!({
        "profile": "tabular-data-package",
        "name": "programme-progress-hub",
        "title": "Programme progress hub: public downloads",
        "description": "Every CSV this hub publishes, as an anonymous reader sees it: public \
                        programmes only, every figure through the same small-cell protection \
                        as the API. Fields carry their HXL hashtag (`hxl`) and, for counts, \
                        their unit (`unit`).",
        "homepage": "/",
        "version": crate::build_info::VERSION,
        "resources": resources,
    })
}
