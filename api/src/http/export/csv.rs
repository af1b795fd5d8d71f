//! CSV exports. Each export runs the GraphQL query a reader would run (as an
//! anonymous reader), page by page, and writes one row per object or per
//! statistics row, so filters, scopes and suppression are exactly the API's.
//!
//! Query parameters are the GraphQL filter fields, by name:
//!
//! | export | parameters |
//! | --- | --- |
//! | `projects` | `search`, `status`*, `sensitivity`, `organisation`, `role`, `area` |
//! | `centres` | `search`, `project`, `organisation`, `role`, `kind`*, `status`*, `area` |
//! | `events` | `search`, `project`, `organisation`, `role`, `centre`, `kind`*, `status`*, `area` |
//! | `infrastructure-works` | `search`, `project`, `organisation`, `role`, `kind`*, `status`*, `area` |
//! | `organisations` | `search`, `kind`*, `project`, `role` |
//! | `areas` | `search`, `kind`*, `code`, `parent`, `within` |
//! | `participant-stats`, `service-stats` | `groupBy`*, `project`, `organisation`, `centre`, `district`, `event`, `area`, `eventKind`, `sex`, `ageBand`, `disability`, `category`, `supportType`, `channel`, `stage`, `unit`, `year`, `quarter`, `month` |
//! | `centre-stats`, `work-stats` | `groupBy`*, `project`, `area`, `kind`*, `status`* |
//!
//! `*`: a comma-separated list. IDs are the API's global IDs; code values are
//! written as in GraphQL or in lower case (`TRAINING`, `training`). Every
//! export also takes `lang=az|en`, `bom=1` and `hxl=1`. Withheld figures are
//! empty cells with `suppressed` = `true`.

use std::collections::HashMap;

use async_graphql::{Request, Variables};
use serde_json::{Map, Value, json};

use super::ExportError;
use crate::access::Viewer;
use crate::graphql::lang::Lang;
use crate::http::AppState;

/// How a query parameter becomes a filter field.
#[derive(Clone, Copy)]
enum Param {
    /// Text or global ID, as given.
    Text,
    /// An integer.
    Int,
    /// One code value.
    Code,
    /// Comma-separated code values.
    Codes,
}

/// A column: header, where its value is in a node, HXL hashtag.
struct Column {
    header: &'static str,
    path: &'static str,
    hxl: &'static str,
}

const fn col(header: &'static str, path: &'static str, hxl: &'static str) -> Column {
    Column { header, path, hxl }
}

/// A root list and how it is written.
struct ListSpec {
    name: &'static str,
    field: &'static str,
    filter_type: &'static str,
    params: &'static [(&'static str, Param)],
    selection: &'static str,
    columns: &'static [Column],
}

use Param::*;

const OWNED: &[(&str, Param)] = &[
    ("search", Text),
    ("project", Text),
    ("organisation", Text),
    ("role", Code),
    ("kind", Codes),
    ("status", Codes),
    ("area", Text),
];

const LISTS: &[ListSpec] = &[
    ListSpec {
        name: "projects",
        field: "projects",
        filter_type: "ProjectFilter",
        params: &[
            ("search", Text),
            ("status", Codes),
            ("sensitivity", Code),
            ("organisation", Text),
            ("role", Code),
            ("area", Text),
        ],
        selection: "id slug iatiIdentifier title(lang: $lang) status sensitivity plannedStart plannedEnd \
                    actualStart actualEnd budget { amount currency } \
                    participants { role organisation { name(lang: $lang) } } areas { name(lang: $lang) } \
                    source { reference }",
        columns: &[
            col("id", "id", "#activity+id"),
            col("slug", "slug", "#activity+code"),
            col("iati_identifier", "iatiIdentifier", "#activity+code+iati"),
            col("title", "title", "#activity+name"),
            col("status", "status", "#status"),
            col("sensitivity", "sensitivity", "#meta+sensitivity"),
            col("planned_start", "plannedStart", "#date+start+planned"),
            col("planned_end", "plannedEnd", "#date+end+planned"),
            col("actual_start", "actualStart", "#date+start"),
            col("actual_end", "actualEnd", "#date+end"),
            col("budget", "budget.amount", "#value+budget"),
            col("currency", "budget.currency", "#currency"),
            col(
                "organisations",
                "participants[].organisation.name",
                "#org+name",
            ),
            col("roles", "participants[].role", "#org+role"),
            col("areas", "areas[].name", "#adm2+name"),
            col("source", "source.reference", "#meta+source"),
        ],
    },
    ListSpec {
        name: "centres",
        field: "centres",
        filter_type: "CentreFilter",
        params: OWNED,
        selection: "id name(lang: $lang) kind status openedOn rooms hostBuilding(lang: $lang) \
                    sensitiveLocation area { code name(lang: $lang) } operator { name(lang: $lang) } \
                    project { slug title(lang: $lang) } source { reference }",
        columns: &[
            col("id", "id", "#loc+id"),
            col("name", "name", "#loc+name"),
            col("kind", "kind", "#loc+type"),
            col("status", "status", "#status"),
            col("opened_on", "openedOn", "#date+opened"),
            col("rooms", "rooms", "#capacity+rooms"),
            col("host_building", "hostBuilding", "#loc+building"),
            col("sensitive_location", "sensitiveLocation", "#meta+sensitive"),
            col("area_code", "area.code", "#adm2+code"),
            col("area", "area.name", "#adm2+name"),
            col("operator", "operator.name", "#org+name"),
            col("project", "project.slug", "#activity+code"),
            col("project_title", "project.title", "#activity+name"),
            col("source", "source.reference", "#meta+source"),
        ],
    },
    ListSpec {
        name: "events",
        field: "events",
        filter_type: "EventFilter",
        params: &[
            ("search", Text),
            ("project", Text),
            ("organisation", Text),
            ("role", Code),
            ("centre", Text),
            ("kind", Codes),
            ("status", Codes),
            ("area", Text),
        ],
        selection: "id title(lang: $lang) kind status startDate endDate capacity \
                    areas { name(lang: $lang) } centre { name(lang: $lang) } \
                    project { slug title(lang: $lang) } attendance { total { value suppressed } } \
                    source { reference }",
        columns: &[
            col("id", "id", "#event+id"),
            col("title", "title", "#event+name"),
            col("kind", "kind", "#event+type"),
            col("status", "status", "#status"),
            col("start_date", "startDate", "#date+start"),
            col("end_date", "endDate", "#date+end"),
            col("capacity", "capacity", "#capacity"),
            col("areas", "areas[].name", "#adm2+name"),
            col("centre", "centre.name", "#loc+name"),
            col("project", "project.slug", "#activity+code"),
            col("project_title", "project.title", "#activity+name"),
            col("participants", "attendance.total.value", "#reached"),
            col(
                "participants_suppressed",
                "attendance.total.suppressed",
                "#meta+suppressed",
            ),
            col("source", "source.reference", "#meta+source"),
        ],
    },
    ListSpec {
        name: "infrastructure-works",
        field: "infrastructureWorks",
        filter_type: "InfrastructureWorkFilter",
        params: OWNED,
        selection: "id title(lang: $lang) kind status progressPercent completedOn quantity unit \
                    beneficiaries area { code name(lang: $lang) } project { slug title(lang: $lang) } \
                    source { reference }",
        columns: &[
            col("id", "id", "#output+id"),
            col("title", "title", "#output+name"),
            col("kind", "kind", "#output+type"),
            col("status", "status", "#status"),
            col(
                "progress_percent",
                "progressPercent",
                "#indicator+progress+pct",
            ),
            col("completed_on", "completedOn", "#date+completed"),
            col("quantity", "quantity", "#output+num"),
            col("unit", "unit", "#output+unit"),
            col("beneficiaries", "beneficiaries", "#targeted"),
            col("area_code", "area.code", "#loc+code"),
            col("area", "area.name", "#loc+name"),
            col("project", "project.slug", "#activity+code"),
            col("project_title", "project.title", "#activity+name"),
            col("source", "source.reference", "#meta+source"),
        ],
    },
    ListSpec {
        name: "organisations",
        field: "organisations",
        filter_type: "OrganisationFilter",
        params: &[
            ("search", Text),
            ("kind", Codes),
            ("project", Text),
            ("role", Code),
        ],
        selection: "id name(lang: $lang) acronym(lang: $lang) kind iatiRef parent { name(lang: $lang) }",
        columns: &[
            col("id", "id", "#org+id"),
            col("name", "name", "#org+name"),
            col("acronym", "acronym", "#org+acronym"),
            col("kind", "kind", "#org+type"),
            col("iati_ref", "iatiRef", "#org+code"),
            col("parent", "parent.name", "#org+name+parent"),
        ],
    },
    ListSpec {
        name: "areas",
        field: "areas",
        filter_type: "AreaFilter",
        params: &[
            ("search", Text),
            ("kind", Codes),
            ("code", Text),
            ("parent", Text),
            ("within", Text),
        ],
        selection: "id code name(lang: $lang) kind lat lon parent { code name(lang: $lang) }",
        columns: &[
            col("id", "id", "#loc+id"),
            col("code", "code", "#loc+code"),
            col("name", "name", "#loc+name"),
            col("kind", "kind", "#loc+type"),
            col("lat", "lat", "#geo+lat"),
            col("lon", "lon", "#geo+lon"),
            col("parent_code", "parent.code", "#loc+code+parent"),
            col("parent", "parent.name", "#loc+name+parent"),
        ],
    },
];

const STATS_PARAMS: &[(&str, Param)] = &[
    ("project", Text),
    ("organisation", Text),
    ("centre", Text),
    ("district", Text),
    ("event", Text),
    ("area", Text),
    ("eventKind", Code),
    ("sex", Code),
    ("ageBand", Code),
    ("disability", Code),
    ("category", Code),
    ("supportType", Code),
    ("channel", Code),
    ("stage", Code),
    ("unit", Code),
    ("year", Int),
    ("quarter", Text),
    ("month", Text),
];

const FACILITY_PARAMS: &[(&str, Param)] = &[
    ("project", Text),
    ("area", Text),
    ("kind", Codes),
    ("status", Codes),
];

/// HXL hashtags of a statistics dimension's code and name columns.
fn dimension_hxl(dimension: &str) -> (&'static str, &'static str) {
    match dimension {
        "PROJECT" => ("#activity+code", "#activity+name"),
        "ORGANISATION" => ("#org+code", "#org+name"),
        "CENTRE" => ("#loc+code", "#loc+name"),
        "DISTRICT" => ("#adm2+code", "#adm2+name"),
        "EVENT" => ("#event+code", "#event+name"),
        "EVENT_KIND" => ("#event+type+code", "#event+type+name"),
        "SEX" => ("#meta+sex+code", "#meta+sex+name"),
        "AGE_BAND" => ("#meta+age+code", "#meta+age+name"),
        "DISABILITY" => ("#meta+disability+code", "#meta+disability+name"),
        "CATEGORY" => ("#beneficiary+type+code", "#beneficiary+type+name"),
        "MONTH" => ("#date+month", "#date+month+name"),
        "QUARTER" => ("#date+quarter", "#date+quarter+name"),
        "YEAR" => ("#date+year", "#date+year+name"),
        "SUPPORT_TYPE" => ("#sector+code", "#sector+name"),
        "CHANNEL" => ("#meta+channel+code", "#meta+channel+name"),
        "STAGE" => ("#meta+stage+code", "#meta+stage+name"),
        "UNIT" => ("#meta+unit+code", "#meta+unit+name"),
        "KIND" => ("#output+type+code", "#output+type+name"),
        "STATUS" => ("#status+code", "#status+name"),
        _ => ("#meta+code", "#meta+name"),
    }
}

fn code_value(raw: &str) -> String {
    raw.trim().replace('-', "_").to_ascii_uppercase()
}

/// Builds the filter variable from the query parameters, refusing unknown ones.
fn filter_from(
    params: &HashMap<String, String>,
    allowed: &[(&str, Param)],
    extra: &[&str],
) -> Result<Value, ExportError> {
    let mut filter = Map::new();
    for (key, raw) in params {
        if ["lang", "bom", "hxl"].contains(&key.as_str()) || extra.contains(&key.as_str()) {
            continue;
        }
        let Some((_, kind)) = allowed.iter().find(|(name, _)| name == key) else {
            let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            return Err(ExportError::bad(format!(
                "unknown parameter {key:?}; this export takes {}, lang, bom, hxl",
                names.join(", ")
            )));
        };
        let value = match kind {
            Text => json!(raw.trim()),
            Int => json!(
                raw.trim()
                    .parse::<i64>()
                    .map_err(|_| ExportError::bad(format!("{key} must be a whole number")))?
            ),
            Code => json!(code_value(raw)),
            Codes => Value::Array(
                raw.split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| json!(code_value(s)))
                    .collect(),
            ),
        };
        filter.insert(key.clone(), value);
    }
    Ok(Value::Object(filter))
}

fn flag(params: &HashMap<String, String>, name: &str) -> bool {
    params
        .get(name)
        .is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes"))
}

fn lang_of(params: &HashMap<String, String>) -> Result<Lang, ExportError> {
    match params.get("lang").map(|l| l.trim().to_ascii_lowercase()) {
        None => Ok(Lang::En),
        Some(l) if l == "en" => Ok(Lang::En),
        Some(l) if l == "az" => Ok(Lang::Az),
        Some(other) => Err(ExportError::bad(format!(
            "lang must be az or en, not {other:?}"
        ))),
    }
}

/// Runs a query as an anonymous reader; GraphQL errors become 400s.
async fn run(
    state: &AppState,
    query: &str,
    variables: Value,
    lang: Lang,
) -> Result<Value, ExportError> {
    let request = Request::new(query).variables(Variables::from_json(variables));
    let request = crate::graphql::request_data(
        request,
        &state.db.conn,
        Viewer::default(),
        lang,
        state.thresholds,
        None,
    );
    let response = state.schema.execute(request).await;
    if !response.errors.is_empty() {
        // The request's own mistakes are a 400; a fault of ours is not.
        let code_of = |e: &async_graphql::ServerError| {
            e.extensions
                .as_ref()
                .and_then(|x| x.get("code"))
                .map(|v| v.to_string().trim_matches('"').to_string())
        };
        for e in &response.errors {
            match code_of(e).as_deref() {
                Some("SERVICE_UNAVAILABLE") => return Err(ExportError::unavailable()),
                Some("INTERNAL") => return Err(ExportError::internal(&e.message)),
                _ => {}
            }
        }
        let messages: Vec<String> = response.errors.iter().map(|e| e.message.clone()).collect();
        return Err(ExportError::bad(messages.join("; ")));
    }
    response.data.into_json().map_err(ExportError::internal)
}

/// The text of a value at `path` ("a.b", "list[].name" joined with "; ").
fn extract(node: &Value, path: &str) -> String {
    fn walk(v: &Value, parts: &[&str]) -> Vec<Value> {
        let Some((first, rest)) = parts.split_first() else {
            return vec![v.clone()];
        };
        if let Some(list) = first.strip_suffix("[]") {
            v[list]
                .as_array()
                .map(|items| items.iter().flat_map(|i| walk(i, rest)).collect())
                .unwrap_or_default()
        } else {
            walk(&v[*first], rest)
        }
    }
    let parts: Vec<&str> = path.split('.').collect();
    walk(node, &parts)
        .iter()
        .map(text_of)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

fn text_of(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Writes header, optional HXL row and rows; with `bom` a byte-order mark first.
fn write_csv(
    headers: &[String],
    hxl: Option<&[String]>,
    rows: &[Vec<String>],
    bom: bool,
) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice("\u{FEFF}".as_bytes());
    }
    let mut writer = ::csv::Writer::from_writer(out);
    writer
        .write_record(headers)
        .map_err(ExportError::internal)?;
    if let Some(tags) = hxl {
        writer.write_record(tags).map_err(ExportError::internal)?;
    }
    for row in rows {
        writer.write_record(row).map_err(ExportError::internal)?;
    }
    writer.into_inner().map_err(ExportError::internal)
}

/// Most rows one export pages through.
const MAX_ROWS: usize = 50_000;

/// Writes the export `name` for the query parameters.
pub async fn export(
    state: &AppState,
    name: &str,
    params: &HashMap<String, String>,
) -> Result<Vec<u8>, ExportError> {
    let lang = lang_of(params)?;
    let bom = flag(params, "bom");
    let hxl = flag(params, "hxl");
    if let Some(spec) = LISTS.iter().find(|s| s.name == name) {
        return export_list(state, spec, params, lang, bom, hxl).await;
    }
    match name {
        "participant-stats" => {
            export_stats(state, "participantStats", params, lang, bom, hxl).await
        }
        "service-stats" => export_stats(state, "serviceStats", params, lang, bom, hxl).await,
        "centre-stats" => {
            export_facilities(
                state,
                "centreStats",
                "CentreStatsFilter",
                params,
                lang,
                bom,
                hxl,
            )
            .await
        }
        "work-stats" => {
            export_facilities(
                state,
                "workStats",
                "WorkStatsFilter",
                params,
                lang,
                bom,
                hxl,
            )
            .await
        }
        _ => Err(ExportError(
            axum::http::StatusCode::NOT_FOUND,
            format!(
                "no export {name:?}; there are {}, participant-stats, service-stats, centre-stats, work-stats (.csv) and iati.xml",
                LISTS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

async fn export_list(
    state: &AppState,
    spec: &ListSpec,
    params: &HashMap<String, String>,
    lang: Lang,
    bom: bool,
    hxl: bool,
) -> Result<Vec<u8>, ExportError> {
    let filter = filter_from(params, spec.params, &[])?;
    let query = format!(
        "query($filter: {}, $after: String, $lang: Lang) {{ list: {}(filter: $filter, first: 100, after: $after) {{ \
         pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {} }} }} }} }}",
        spec.filter_type, spec.field, spec.selection
    );
    let mut rows = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let data = run(
            state,
            &query,
            json!({ "filter": filter, "after": after, "lang": if lang == Lang::Az { "AZ" } else { "EN" } }),
            lang,
        )
        .await?;
        let list = &data["list"];
        for edge in list["edges"].as_array().cloned().unwrap_or_default() {
            let node = &edge["node"];
            rows.push(spec.columns.iter().map(|c| extract(node, c.path)).collect());
        }
        if list["pageInfo"]["hasNextPage"] != true || rows.len() >= MAX_ROWS {
            break;
        }
        after = list["pageInfo"]["endCursor"].as_str().map(String::from);
    }
    let headers: Vec<String> = spec.columns.iter().map(|c| c.header.to_string()).collect();
    let tags: Vec<String> = spec.columns.iter().map(|c| c.hxl.to_string()).collect();
    write_csv(&headers, hxl.then_some(&tags[..]), &rows, bom)
}

/// The `groupBy` dimensions, each once, in the order first given (as the
/// GraphQL fields group them), so the header matches every row.
fn group_by(params: &HashMap<String, String>) -> Vec<String> {
    let mut dims: Vec<String> = Vec::new();
    for dim in params
        .get("groupBy")
        .map(|g| {
            g.split(',')
                .filter(|s| !s.trim().is_empty())
                .map(code_value)
        })
        .into_iter()
        .flatten()
    {
        if !dims.contains(&dim) {
            dims.push(dim);
        }
    }
    dims
}

async fn export_stats(
    state: &AppState,
    field: &str,
    params: &HashMap<String, String>,
    lang: Lang,
    bom: bool,
    hxl: bool,
) -> Result<Vec<u8>, ExportError> {
    let filter = filter_from(params, STATS_PARAMS, &["groupBy"])?;
    let dims = group_by(params);
    let query = format!(
        "query($filter: StatsFilter, $groupBy: [StatsDimension!], $lang: Lang) {{ t: {field}(filter: $filter, groupBy: $groupBy, lang: $lang) {{ \
         rows {{ dimensions {{ dimension code name }} value suppressed unit illustrative }} }} }}"
    );
    let data = run(
        state,
        &query,
        json!({ "filter": filter, "groupBy": dims, "lang": if lang == Lang::Az { "AZ" } else { "EN" } }),
        lang,
    )
    .await?;
    let mut headers = Vec::new();
    let mut tags = Vec::new();
    for d in &dims {
        let (code_tag, name_tag) = dimension_hxl(d);
        headers.push(format!("{}_code", d.to_ascii_lowercase()));
        headers.push(d.to_ascii_lowercase());
        tags.push(code_tag.to_string());
        tags.push(name_tag.to_string());
    }
    // #reached for people reached, with +f / +m when the figures are of one sex.
    let base = if field == "participantStats" {
        "#reached"
    } else {
        "#value"
    };
    let sex = match params.get("sex").map(|s| code_value(s)).as_deref() {
        Some("FEMALE") => "+f",
        Some("MALE") => "+m",
        _ => "",
    };
    for (h, t) in [
        ("unit", "#meta+unit".to_string()),
        ("value", format!("{base}{sex}+num")),
        ("suppressed", "#meta+suppressed".to_string()),
        ("illustrative", "#meta+illustrative".to_string()),
    ] {
        headers.push(h.to_string());
        tags.push(t);
    }
    let rows: Vec<Vec<String>> = data["t"]["rows"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let mut row = Vec::new();
            for d in r["dimensions"].as_array().cloned().unwrap_or_default() {
                row.push(text_of(&d["code"]));
                row.push(text_of(&d["name"]));
            }
            row.push(text_of(&r["unit"]).to_ascii_lowercase());
            row.push(text_of(&r["value"]));
            row.push(text_of(&r["suppressed"]));
            row.push(text_of(&r["illustrative"]));
            row
        })
        .collect();
    write_csv(&headers, hxl.then_some(&tags[..]), &rows, bom)
}

async fn export_facilities(
    state: &AppState,
    field: &str,
    filter_type: &str,
    params: &HashMap<String, String>,
    lang: Lang,
    bom: bool,
    hxl: bool,
) -> Result<Vec<u8>, ExportError> {
    let filter = filter_from(params, FACILITY_PARAMS, &["groupBy"])?;
    let dims = group_by(params);
    let query = format!(
        "query($filter: {filter_type}, $groupBy: [FacilityDimension!], $lang: Lang) {{ t: {field}(filter: $filter, groupBy: $groupBy, lang: $lang) {{ \
         dimensions {{ dimension code name }} count unit }} }}"
    );
    let data = run(
        state,
        &query,
        json!({ "filter": filter, "groupBy": dims, "lang": if lang == Lang::Az { "AZ" } else { "EN" } }),
        lang,
    )
    .await?;
    let mut headers = Vec::new();
    let mut tags = Vec::new();
    for d in &dims {
        let (code_tag, name_tag) = dimension_hxl(d);
        headers.push(format!("{}_code", d.to_ascii_lowercase()));
        headers.push(d.to_ascii_lowercase());
        tags.push(code_tag.to_string());
        tags.push(name_tag.to_string());
    }
    headers.extend(["unit".to_string(), "count".to_string()]);
    tags.extend(["#meta+unit".to_string(), "#output+num".to_string()]);
    let rows: Vec<Vec<String>> = data["t"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let mut row = Vec::new();
            for d in r["dimensions"].as_array().cloned().unwrap_or_default() {
                row.push(text_of(&d["code"]));
                row.push(text_of(&d["name"]));
            }
            row.push(text_of(&r["unit"]).to_ascii_lowercase());
            row.push(text_of(&r["count"]));
            row
        })
        .collect();
    write_csv(&headers, hxl.then_some(&tags[..]), &rows, bom)
}
