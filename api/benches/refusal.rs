//! CPU per refused hostile document: `cargo bench -p api --bench refusal`.
//!
//! For each family of hostile document it runs the server's pre-validation
//! ([`api::graphql::limits::check`], what the handler does before the schema
//! sees a request) and prints the thread's CPU time per document (median and
//! worst of the runs), read from `/proc/thread-self/schedstat` (nanoseconds).
//! Twice: with the default limits, and with the lexical caps raised to 1 MB
//! and a million tokens, so the parse and the memoised walk do the refusing.
//! Then the request body as `POST /graphql` reads it before any document:
//! bad JSON, batches over `API_MAX_BATCH`, a batch of hostile documents
//! (decoded, then each checked), and the standard introspection query with
//! introspection allowed (accepted at its flat price) and switched off.
//! Last, for comparison, async-graphql alone (the schema's own parse,
//! recursion check and validation, as before this guard) on the fragment
//! bomb at a few sizes.

use std::time::Duration;

use api::config::Limits;
use api::graphql::cost::SchemaInfo;
use api::graphql::limits;
use async_graphql::Variables;
use serde_json::{Value, json};

fn thread_cpu() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let ns = text
        .split_whitespace()
        .next()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    Duration::from_nanos(ns)
}

fn fragment_bomb(levels: usize) -> String {
    let mut doc =
        format!("query Bomb {{ ...F{levels} }}\nfragment F0 on QueryRoot {{ __typename }}\n");
    for i in 1..=levels {
        doc.push_str(&format!(
            "fragment F{i} on QueryRoot {{ ...F{p} ...F{p} }}\n",
            p = i - 1
        ));
    }
    doc
}

fn aliases(n: usize, field: &str) -> String {
    let f: Vec<String> = (0..n).map(|i| format!("a{i}: {field}")).collect();
    format!("{{ {} }}", f.join(" "))
}

fn families() -> Vec<(&'static str, String, Value)> {
    let mut nested_filter = json!({ "search": "a" });
    for _ in 0..2000 {
        nested_filter = json!({ "and": [nested_filter] });
    }
    let literal_filter = format!(
        "{{ projects(filter: {}{}) {{ totalCount }} }}",
        "{ and: [".repeat(4000),
        "{ search: \"a\" }] }".repeat(4000)
    );
    let or: Vec<Value> = (0..1000)
        .map(|i| json!({ "search": format!("x{i}") }))
        .collect();
    vec![
        (
            "fragment bomb, 24 levels (1 KB)",
            fragment_bomb(24),
            json!({}),
        ),
        ("fragment bomb, 31 levels", fragment_bomb(31), json!({})),
        ("fragment bomb, 2000 levels", fragment_bomb(2000), json!({})),
        (
            "deep selection, 500 levels",
            format!(
                "{}__typename{}",
                "{ areas { edges { node { ".repeat(500),
                " } } } }".repeat(500)
            ),
            json!({}),
        ),
        (
            "3000 aliased __typename",
            aliases(3000, "__typename"),
            json!({}),
        ),
        (
            "100,000 aliased __typename (1 MB)",
            aliases(100_000, "__typename"),
            json!({}),
        ),
        (
            "15,000 @skip on one field (234 KB)",
            format!("{{ __typename {} }}", "@skip(if: false) ".repeat(15_000)),
            json!({}),
        ),
        (
            "300 aliased statistics fields",
            aliases(
                300,
                "participantStats(groupBy: [SEX, AGE_BAND]) { rows { value } }",
            ),
            json!({}),
        ),
        (
            "200 KB nested and/or filter (literal)",
            literal_filter,
            json!({}),
        ),
        (
            "nested and/or filter, 2000 deep (variables)",
            "query($f: ProjectFilter) { projects(filter: $f) { totalCount } }".into(),
            json!({ "f": nested_filter }),
        ),
        (
            "1000-branch or filter (variables)",
            "query($f: ProjectFilter) { projects(filter: $f) { totalCount } }".into(),
            json!({ "f": { "or": or } }),
        ),
        (
            "NUL in a slug (variables)",
            "query($s: String!) { project(slug: $s) { slug } }".into(),
            json!({ "s": "a\u{0}b" }),
        ),
        (
            "100 aliased logins",
            format!(
                "mutation {{ {} }}",
                (0..100)
                    .map(|i| format!("l{i}: login(email: \"a{i}@x\", password: \"p\") {{ token }}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            json!({}),
        ),
    ]
}

/// Runs `f` until at least `min_runs` runs and 0.5 s of CPU have passed
/// (the kernel's CPU clock moves in ticks of a few ms, so one run alone is
/// not measurable) and prints the mean CPU per run.
fn measure(name: &str, min_runs: usize, mut f: impl FnMut() -> String) {
    let start = thread_cpu();
    let mut runs = 0usize;
    let mut outcome = String::new();
    while runs < min_runs || thread_cpu().saturating_sub(start) < Duration::from_millis(500) {
        outcome = f();
        runs += 1;
    }
    let per_run = thread_cpu().saturating_sub(start).as_secs_f64() * 1000.0 / runs as f64;
    println!("{name:<52} {per_run:>9.3} ms CPU/doc ({runs:>6} runs)  -> {outcome}");
}

fn run_guard(title: &str, limits: &Limits, schema: &SchemaInfo) {
    println!("\n== {title}");
    for (name, doc, vars) in families() {
        let vars = Variables::from_json(vars);
        measure(
            &format!("{name} [{} B]", doc.len()),
            5,
            || match limits::check(&doc, &vars, limits, schema) {
                Ok(c) => format!("accepted, cost {}", c.analysis.cost),
                Err(r) => format!("{} ({})", r.code, r.limit),
            },
        );
    }
}

/// Bodies of `POST /graphql` and how the handler reads them: decoded
/// ([`api::http::graphql::decode_body`]), then each document checked.
fn run_bodies(limits: &Limits, schema: &SchemaInfo) {
    println!("\n== the POST body (JSON, batch), then each document, default limits");
    let bomb = fragment_bomb(24);
    let batch = |n: usize, doc: &str| Value::Array(vec![json!({ "query": doc }); n]).to_string();
    let bodies = [
        (
            "bad JSON: a 200 KB body cut short",
            format!("{{\"query\": \"{}", "a".repeat(200_000)),
        ),
        ("bad JSON: 100,000 nested arrays", "[".repeat(100_000)),
        (
            "bad JSON: a control character in a string",
            "{\"query\": \"{ __typename \u{1} }\"}".to_string(),
        ),
        (
            "batch of 12,000 operations (240 KB)",
            batch(12_000, "{ a }"),
        ),
        ("batch of 10 fragment bombs (24 levels)", batch(10, &bomb)),
        (
            "batch of 10 × 3000 aliased __typename",
            batch(10, &aliases(3000, "__typename")),
        ),
    ];
    let none = Variables::default();
    for (name, body) in bodies {
        measure(
            &format!("{name} [{} B]", body.len()),
            5,
            || match api::http::graphql::decode_body(body.as_bytes(), limits.max_batch) {
                Err(r) => r.code.to_string(),
                Ok(decoded) => {
                    let outcomes: Vec<String> = decoded
                        .queries()
                        .map(
                            |q| match limits::check(q.unwrap_or(""), &none, limits, schema) {
                                Ok(c) => format!("accepted, cost {}", c.analysis.cost),
                                Err(r) => r.code.to_string(),
                            },
                        )
                        .collect();
                    format!("{} operations: {}", decoded.operations(), outcomes[0])
                }
            },
        );
    }
    let introspection = limits::STANDARD_INTROSPECTION_QUERY;
    let closed = Limits {
        introspection: false,
        ..limits.clone()
    };
    for (name, limits) in [
        ("standard introspection, allowed", limits),
        ("standard introspection, API_INTROSPECTION=false", &closed),
    ] {
        measure(
            &format!("{name} [{} B]", introspection.len()),
            5,
            || match limits::check(introspection, &none, limits, schema) {
                Ok(c) => format!("accepted, cost {}", c.analysis.cost),
                Err(r) => format!("{} ({})", r.code, r.limit),
            },
        );
    }
}

fn main() {
    // The raised-caps run parses documents nested thousands deep: the parser
    // recurses once per level, so give it a large stack (the server never
    // parses those: `API_MAX_NESTING` is at most 256).
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(bench)
        .expect("bench thread")
        .join()
        .expect("bench");
}

fn bench() {
    let sdl = api::sdl();
    let schema = SchemaInfo::from_sdl(&sdl);
    let defaults = Limits::default();
    run_guard("the guard, default limits", &defaults, &schema);
    run_bodies(&defaults, &schema);
    let raised = Limits {
        max_document_bytes: 1 << 20,
        max_tokens: 1_000_000,
        max_nesting: 1_000_000,
        ..Limits::default()
    };
    run_guard(
        "the guard, lexical caps raised to 1 MB / 1M tokens (parse + walk refuse)",
        &raised,
        &schema,
    );

    println!(
        "\n== async-graphql alone, configured as before the guard (depth 12, complexity 5000, recursion 32)"
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let before = async_graphql::Schema::build(
        api::graphql::QueryRoot::default(),
        api::graphql::mutation::MutationRoot::default(),
        async_graphql::EmptySubscription,
    )
    .limit_depth(12)
    .limit_complexity(5000)
    .limit_recursive_depth(32)
    .finish();
    for levels in [14, 16, 18, 20] {
        // A leaf with a complexity, so the complexity rule refuses it in the end.
        let doc = fragment_bomb(levels).replace(
            "fragment F0 on QueryRoot { __typename }",
            "fragment F0 on QueryRoot { sourceDocuments { id } }",
        );
        measure(
            &format!("fragment bomb, {levels} levels [{} B]", doc.len()),
            1,
            || {
                let resp = rt.block_on(before.execute(doc.as_str()));
                resp.errors
                    .first()
                    .map(|e| e.message.chars().take(60).collect())
                    .unwrap_or_else(|| "accepted".into())
            },
        );
    }
    println!("(each level doubles the work: the issue measured more than a second at 24 levels)");
}
