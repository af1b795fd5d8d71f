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
//! empty cells with `suppressed` = `true`; statistics rows say how each value
//! was protected (`protection`: exact, perturbed, withheld) and its `class`.

use std::collections::HashMap;

use async_graphql::{Request, Variables};
use serde_json::{Map, Value, json};

use super::{ExportError, Meter};
use crate::access::Viewer;
use crate::config::Limits;
use crate::graphql::lang::Lang;
use crate::graphql::limits;
use crate::http::AppState;

use super::csv_specs::Param::*;
use super::csv_specs::*;

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

/// Runs a query as an anonymous reader, paid for from the caller's budget
/// at its GraphQL price; GraphQL errors become 400s.
async fn run(
    state: &AppState,
    meter: &mut Meter<'_>,
    query: &str,
    variables: Value,
    lang: Lang,
) -> Result<Value, ExportError> {
    // The filters come from the URL: the same checks as GraphQL requests
    // (input hygiene: no NUL or control characters, search length, and/or
    // size) before anything reaches the database, and the same price. The
    // per-request maximum is for documents sent by clients, not for these.
    let variables = Variables::from_json(variables);
    let limits = Limits {
        max_cost: u64::MAX,
        ..state.guard.limits.clone()
    };
    let checked = limits::check(query, &variables, &limits, &state.guard.schema_info)
        .map_err(|r| ExportError::bad(r.message))?;
    meter.pay(checked.analysis.cost).await?;
    let mut request = Request::new(query).variables(variables);
    request.set_parsed_query(checked.document);
    let conn = crate::graphql::connection_for(&state.db, false, &Viewer::default());
    let request = crate::graphql::request_data(
        request,
        &conn,
        Viewer::default(),
        lang,
        state.thresholds,
        state.batch_delay,
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

/// A cell as it is safe to open in a spreadsheet (OWASP CSV injection): text
/// starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be read
/// as a formula, so it gets a leading `'` (shown by spreadsheets as text, and
/// easy to strip). Numbers, negative ones included, are left as they are.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    let number = cell.parse::<f64>().is_ok()
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    if risky && !number {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
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
        writer
            .write_record(row.iter().map(|cell| neutralise(cell).into_owned()))
            .map_err(ExportError::internal)?;
    }
    writer.into_inner().map_err(ExportError::internal)
}

/// What an export was asked for: its filters and how to write it.
#[derive(Clone, Copy)]
struct Ask<'p> {
    params: &'p HashMap<String, String>,
    lang: Lang,
    /// A UTF-8 byte-order mark first.
    bom: bool,
    /// An HXL hashtag row under the header.
    hxl: bool,
}

impl<'p> Ask<'p> {
    /// The filters, language, byte-order mark and HXL row.
    fn parts(self) -> (&'p HashMap<String, String>, Lang, bool, bool) {
        (self.params, self.lang, self.bom, self.hxl)
    }
}

/// Most rows one export pages through.
const MAX_ROWS: usize = 50_000;

/// Writes the export `name` for the query parameters.
pub(crate) async fn export(
    state: &AppState,
    meter: &mut Meter<'_>,
    name: &str,
    params: &HashMap<String, String>,
) -> Result<Vec<u8>, ExportError> {
    let ask = Ask {
        params,
        lang: lang_of(params)?,
        bom: flag(params, "bom"),
        hxl: flag(params, "hxl"),
    };
    if let Some(spec) = LISTS.iter().find(|s| s.name == name) {
        return export_list(state, meter, spec, ask).await;
    }
    match name {
        "participant-stats" => export_stats(state, meter, "participantStats", ask).await,
        "service-stats" => export_stats(state, meter, "serviceStats", ask).await,
        "centre-stats" => {
            export_facilities(state, meter, "centreStats", "CentreStatsFilter", ask).await
        }
        "work-stats" => export_facilities(state, meter, "workStats", "WorkStatsFilter", ask).await,
        _ => Err(ExportError::not_found(format!(
            "no export {name:?}; there are {}, participant-stats, service-stats, centre-stats, work-stats (.csv) and iati.xml",
            LISTS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
        ))),
    }
}

async fn export_list(
    state: &AppState,
    meter: &mut Meter<'_>,
    spec: &ListSpec,
    ask: Ask<'_>,
) -> Result<Vec<u8>, ExportError> {
    let (params, lang, bom, hxl) = ask.parts();
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
            meter,
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
    meter: &mut Meter<'_>,
    field: &str,
    ask: Ask<'_>,
) -> Result<Vec<u8>, ExportError> {
    let (params, lang, bom, hxl) = ask.parts();
    let filter = filter_from(params, STATS_PARAMS, &["groupBy"])?;
    let dims = group_by(params);
    let query = format!(
        "query($filter: StatsFilter, $groupBy: [StatsDimension!], $lang: Lang) {{ t: {field}(filter: $filter, groupBy: $groupBy, lang: $lang) {{ \
         rows {{ dimensions {{ dimension code name }} value suppressed protection class unit illustrative }} }} }}"
    );
    let data = run(
        state,
        meter,
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
        ("protection", "#meta+protection".to_string()),
        ("class", "#meta+sensitivity".to_string()),
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
            row.push(text_of(&r["protection"]).to_ascii_lowercase());
            row.push(text_of(&r["class"]).to_ascii_lowercase());
            row.push(text_of(&r["illustrative"]));
            row
        })
        .collect();
    write_csv(&headers, hxl.then_some(&tags[..]), &rows, bom)
}

async fn export_facilities(
    state: &AppState,
    meter: &mut Meter<'_>,
    field: &str,
    filter_type: &str,
    ask: Ask<'_>,
) -> Result<Vec<u8>, ExportError> {
    let (params, lang, bom, hxl) = ask.parts();
    let filter = filter_from(params, FACILITY_PARAMS, &["groupBy"])?;
    let dims = group_by(params);
    let query = format!(
        "query($filter: {filter_type}, $groupBy: [FacilityDimension!], $lang: Lang) {{ t: {field}(filter: $filter, groupBy: $groupBy, lang: $lang) {{ \
         dimensions {{ dimension code name }} count unit }} }}"
    );
    let data = run(
        state,
        meter,
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

#[cfg(test)]
mod neutralise_tests {
    use super::neutralise;

    #[test]
    fn formula_cells_are_neutralised_and_numbers_are_not() {
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        assert_eq!(neutralise("+1+2"), "'+1+2");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-cmd"), "'-cmd");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("-5"), "-5");
        assert_eq!(neutralise("-0.25"), "-0.25");
        assert_eq!(neutralise("Füzuli"), "Füzuli");
        assert_eq!(neutralise("-inf"), "'-inf");
    }
}
