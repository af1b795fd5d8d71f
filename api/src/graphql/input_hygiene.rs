//! Input hygiene: the one place where every input value of a request (the
//! arguments written in the document and the variables sent beside it) is
//! checked before any resolver, and so before the database, sees it.
//!
//! - Text may not hold NUL or other control characters (tab, line feed and
//!   carriage return excepted): PostgreSQL refuses NUL outright, and none of
//!   them belongs in a slug, an e-mail, a cursor, a title or a key.
//! - `search` text is at most `API_MAX_SEARCH_CHARS` characters (SQLite
//!   gives up on very long `LIKE` patterns), other text at most
//!   `API_MAX_TEXT_CHARS`.
//! - `and`/`or` filters hold at most `API_MAX_FILTER_BRANCHES` branches in
//!   all and nest at most `API_MAX_FILTER_NESTING` deep (SQLite fails near a
//!   thousand `OR` terms).
//! - A list holds at most `API_MAX_LIST_ITEMS` items; a request at most
//!   `API_MAX_INPUT_VALUES` values.
//!
//! - A file's bytes (`contentBase64`) and a boundary file's text (`geojson`)
//!   are bounded by the body limit and the resolver's file size check instead
//!   of the text limit (larger boundary files go to `POST /boundaries/{kind}`).
//!
//! Every refusal is `BAD_USER_INPUT` with the limit in its message.

use async_graphql::Variables;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql_value::{ConstValue, Name, Value};

use super::limits::{Limits, Refusal};

/// The first character of `text` that may not appear in input text.
pub fn forbidden_char(text: &str) -> Option<char> {
    text.chars().find(|c| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    })
}

/// The input field that carries a file's bytes as base64 (an update's
/// photos): exempt from the text length limit, bounded by the body limit and
/// by `services::updates::files::MAX_FILE_BYTES`.
pub const FILE_CONTENT_KEY: &str = "contentBase64";

/// The argument that carries a boundary file's GeoJSON text
/// (`uploadAreaBoundaries`): exempt from the text length limit, bounded by the
/// body limit and by `services::setup::places::BOUNDARY_FILE_MAX`.
pub const GEOJSON_KEY: &str = "geojson";

struct Walk<'l> {
    limits: &'l Limits,
    values: usize,
    branches: usize,
    /// The argument or input field each variable is used as (`search`, …).
    var_keys: std::collections::HashMap<Name, String>,
}

fn bad(limit: &'static str, message: String) -> Refusal {
    Refusal::new("BAD_USER_INPUT", limit, message)
}

impl Walk<'_> {
    fn text(&self, text: &str, key: Option<&str>, place: &str) -> Result<(), Refusal> {
        if let Some(c) = forbidden_char(text) {
            return Err(bad(
                "text",
                format!(
                    "{place} holds the control character U+{:04X}; text may not contain NUL or control characters",
                    c as u32
                ),
            ));
        }
        let (max, limit) = if key == Some("search") {
            (self.limits.max_search_chars, "search_chars")
        } else if key == Some(FILE_CONTENT_KEY) || key == Some(GEOJSON_KEY) {
            // A file's bytes (base64): bounded by the request body limit and
            // by the file size the resolver checks before decoding.
            return Ok(());
        } else {
            (self.limits.max_text_chars, "text_chars")
        };
        // Characters, counted only as far as the limit.
        if text.len() > max && text.chars().nth(max).is_some() {
            return Err(bad(
                limit,
                format!("{place} is longer than {max} characters"),
            ));
        }
        Ok(())
    }

    fn count(&mut self) -> Result<(), Refusal> {
        self.values += 1;
        if self.values > self.limits.max_input_values {
            return Err(bad(
                "input_values",
                format!(
                    "the request carries more than {} input values",
                    self.limits.max_input_values
                ),
            ));
        }
        Ok(())
    }

    fn list(
        &mut self,
        len: usize,
        key: Option<&str>,
        nesting: usize,
        place: &str,
    ) -> Result<usize, Refusal> {
        if len > self.limits.max_list_items {
            return Err(bad(
                "list_items",
                format!(
                    "{place} is a list of {len} items; at most {} are accepted",
                    self.limits.max_list_items
                ),
            ));
        }
        if matches!(key, Some("and" | "or")) {
            self.branches += len;
            if self.branches > self.limits.max_filter_branches {
                return Err(bad(
                    "filter_branches",
                    format!(
                        "the filters have more than {} and/or branches in all",
                        self.limits.max_filter_branches
                    ),
                ));
            }
            if nesting + 1 > self.limits.max_filter_nesting {
                return Err(bad(
                    "filter_nesting",
                    format!(
                        "and/or filters nest more than {} deep",
                        self.limits.max_filter_nesting
                    ),
                ));
            }
            return Ok(nesting + 1);
        }
        Ok(nesting)
    }

    fn value(
        &mut self,
        v: &Value,
        key: Option<&str>,
        nesting: usize,
        place: &str,
    ) -> Result<(), Refusal> {
        self.count()?;
        match v {
            Value::String(s) => self.text(s, key, place),
            Value::List(items) => {
                let nesting = self.list(items.len(), key, nesting, place)?;
                items
                    .iter()
                    .try_for_each(|i| self.value(i, key, nesting, place))
            }
            Value::Object(map) => map
                .iter()
                .try_for_each(|(k, i)| self.value(i, Some(k.as_str()), nesting, place)),
            Value::Variable(name) => {
                if let Some(key) = key {
                    self.var_keys
                        .entry(name.clone())
                        .or_insert_with(|| key.to_string());
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn const_value(
        &mut self,
        v: &ConstValue,
        key: Option<&str>,
        nesting: usize,
        place: &str,
    ) -> Result<(), Refusal> {
        self.count()?;
        match v {
            ConstValue::String(s) => self.text(s, key, place),
            ConstValue::List(items) => {
                let nesting = self.list(items.len(), key, nesting, place)?;
                items
                    .iter()
                    .try_for_each(|i| self.const_value(i, key, nesting, place))
            }
            ConstValue::Object(map) => map
                .iter()
                .try_for_each(|(k, i)| self.const_value(i, Some(k.as_str()), nesting, place)),
            _ => Ok(()),
        }
    }

    fn set(&mut self, set: &SelectionSet) -> Result<(), Refusal> {
        for item in &set.items {
            for d in item.node.directives() {
                for (name, value) in &d.node.arguments {
                    self.value(
                        &value.node,
                        Some(name.node.as_str()),
                        0,
                        "a directive argument",
                    )?;
                }
            }
            match &item.node {
                Selection::Field(f) => {
                    for (name, value) in &f.node.arguments {
                        let place = format!("argument `{}` of `{}`", name.node, f.node.name.node);
                        self.value(&value.node, Some(name.node.as_str()), 0, &place)?;
                    }
                    self.set(&f.node.selection_set.node)?;
                }
                Selection::InlineFragment(i) => self.set(&i.node.selection_set.node)?,
                // Fragment bodies are walked once, below.
                Selection::FragmentSpread(_) => {}
            }
        }
        Ok(())
    }
}

/// Checks every input value of a request: literals in the document (each
/// fragment once) and the variables.
pub fn check(
    doc: &ExecutableDocument,
    variables: &Variables,
    limits: &Limits,
) -> Result<(), Refusal> {
    let mut walk = Walk {
        limits,
        values: 0,
        branches: 0,
        var_keys: Default::default(),
    };
    for (_, op) in doc.operations.iter() {
        for var in &op.node.variable_definitions {
            if let Some(default) = var.node.default_value() {
                let place = format!("the default of ${}", var.node.name.node);
                walk.const_value(default, Some(var.node.name.node.as_str()), 0, &place)?;
            }
        }
        walk.set(&op.node.selection_set.node)?;
    }
    for fragment in doc.fragments.values() {
        walk.set(&fragment.node.selection_set.node)?;
    }
    for (name, value) in variables.iter() {
        let place = format!("variable ${name}");
        let key = walk.var_keys.get(name).cloned();
        walk.const_value(value, key.as_deref(), 0, &place)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(query: &str, variables: serde_json::Value) -> Result<(), Refusal> {
        let doc = async_graphql::parser::parse_query(query).unwrap();
        check(&doc, &Variables::from_json(variables), &Limits::default())
    }

    #[test]
    fn nul_and_control_characters_are_refused_wherever_they_come() {
        let r = run(
            "query($s: String!) { project(slug: $s) { slug } }",
            serde_json::json!({ "s": "a\u{0}b" }),
        );
        assert_eq!(r.unwrap_err().limit, "text");
        let r = run(
            "{ project(slug: \"a\\u0000b\") { slug } }",
            serde_json::json!({}),
        );
        assert_eq!(r.unwrap_err().code, "BAD_USER_INPUT");
        let r = run(
            "{ x(input: { title: \"a\\u0007\" }) }",
            serde_json::json!({}),
        );
        assert!(r.is_err());
        assert!(
            run(
                "{ x(input: { title: \"line\\nnext\\ttab\" }) }",
                serde_json::json!({})
            )
            .is_ok()
        );
    }

    #[test]
    fn filters_search_and_lists_have_limits() {
        let or: Vec<serde_json::Value> = (0..1000)
            .map(|i| serde_json::json!({ "search": format!("x{i}") }))
            .collect();
        let r = run(
            "query($f: ProjectFilter) { projects(filter: $f) { totalCount } }",
            serde_json::json!({ "f": { "or": or } }),
        );
        assert_eq!(r.unwrap_err().limit, "list_items");
        let r = run(
            "{ projects(filter: { or: [{ or: [{ or: [{ or: [{ or: [{ search: \"a\" }] }] }] }] }] }) { totalCount } }",
            serde_json::json!({}),
        );
        assert_eq!(r.unwrap_err().limit, "filter_nesting");
        let long = "a".repeat(201);
        let r = run(
            "query($s: String) { projects(filter: { search: $s }) { totalCount } }",
            serde_json::json!({ "s": long }),
        );
        assert_eq!(
            r.unwrap_err().limit,
            "search_chars",
            "a variable used as `search` is search text"
        );
        let r = run(
            "query($f: ProjectFilter) { projects(filter: $f) { totalCount } }",
            serde_json::json!({ "f": { "search": long } }),
        );
        assert_eq!(r.unwrap_err().limit, "search_chars");
    }
}
