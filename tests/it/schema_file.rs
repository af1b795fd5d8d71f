//! The committed `api/schema.graphql` must match the schema the code builds.
//! Regenerate it with `cargo run -p api -- schema -o api/schema.graphql`.

#[test]
fn committed_schema_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../api/schema.graphql");
    let committed = std::fs::read_to_string(path).expect("api/schema.graphql exists");
    let current = api::sdl();
    assert!(
        committed == current,
        "api/schema.graphql is out of date: run `cargo run -p api -- schema -o api/schema.graphql` and commit it"
    );
}

#[test]
fn every_type_and_field_is_described() {
    // Descriptions come from doc comments; a missing one shows up as a
    // definition line with no description block before it.
    let sdl = api::sdl();
    let lines: Vec<&str> = sdl.lines().collect();
    let mut missing = Vec::new();
    let mut in_block = false;
    let mut in_schema = false;
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("schema {") {
            in_schema = true;
        }
        if in_schema {
            in_schema = line.trim() != "}";
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with("\"\"\"") {
            // Toggle on block boundaries ("""text""" on one line opens and closes).
            let one_line = trimmed.len() > 3 && trimmed.ends_with("\"\"\"");
            if !one_line {
                in_block = !in_block;
            }
            continue;
        }
        // `): Type` closes a field's described argument list (arguments are
        // checked by `every_argument_and_input_field_is_described`).
        if in_block
            || trimmed.is_empty()
            || trimmed == "}"
            || trimmed.starts_with("directive")
            || trimmed.starts_with(')')
        {
            continue;
        }
        let is_definition = [
            "type ",
            "enum ",
            "input ",
            "interface ",
            "scalar ",
            "union ",
        ]
        .iter()
        .any(|k| trimmed.starts_with(k));
        let is_member = line.starts_with('\t') || line.starts_with("  ");
        if !(is_definition || is_member) {
            continue;
        }
        let previous = lines[..i]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim())
            .unwrap_or("");
        if !previous.ends_with("\"\"\"") {
            missing.push(trimmed.to_string());
        }
    }
    // Built-in scalars carry no description of ours.
    missing.retain(|m| {
        !matches!(
            m.as_str(),
            "scalar NaiveDate"
                | "scalar ID"
                | "scalar Int"
                | "scalar String"
                | "scalar Boolean"
                | "scalar Float"
        )
    });
    assert!(
        missing.is_empty(),
        "undocumented schema items: {missing:#?}"
    );
}

/// Every argument of every field (queries, mutations, object fields) and
/// every input field carries a description, as introspection shows it to
/// GraphiQL, codegen and every other client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_argument_and_input_field_is_described() {
    let Some(app) = tests::TestApp::spawn(tests::Engine::Sqlite).await else {
        return;
    };
    let data = app
        .data(
            "{ __schema { types { name kind
                 fields { name args { name description } }
                 inputFields { name description } } } }",
            serde_json::json!({}),
        )
        .await;
    let mut missing = Vec::new();
    let mut arguments = 0;
    for t in data["__schema"]["types"].as_array().unwrap() {
        let ty = t["name"].as_str().unwrap();
        if ty.starts_with("__") {
            continue;
        }
        for f in t["fields"].as_array().into_iter().flatten() {
            for a in f["args"].as_array().into_iter().flatten() {
                arguments += 1;
                if a["description"]
                    .as_str()
                    .is_none_or(|d| d.trim().is_empty())
                {
                    missing.push(format!("{ty}.{}({})", f["name"], a["name"]));
                }
            }
        }
        for i in t["inputFields"].as_array().into_iter().flatten() {
            if i["description"]
                .as_str()
                .is_none_or(|d| d.trim().is_empty())
            {
                missing.push(format!("input {ty}.{}", i["name"]));
            }
        }
    }
    assert!(arguments >= 145, "{arguments} arguments");
    assert!(
        missing.is_empty(),
        "{} argument(s) or input field(s) without a description (add `#[graphql(desc = \"…\")]`):\n{}",
        missing.len(),
        missing.join("\n")
    );
}
