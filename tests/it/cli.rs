//! The `api` command line: help, schema, and migrate + seed on a SQLite file.
//!
//! The binary belongs to another package; [`api_binary`] builds it when it
//! is missing or stale, so these tests never pass without running it.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::api_binary;

fn run(bin: &Path, args: &[&str]) -> Output {
    let out = Command::new(bin)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run the api binary");
    assert!(
        out.status.success(),
        "api {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

#[test]
fn api_help_lists_every_command_and_each_command_explains_itself() {
    let bin = api_binary();
    let help = stdout(&run(bin, &["--help"]));
    for command in ["serve", "migrate", "seed", "schema"] {
        assert!(
            help.contains(command),
            "--help does not list {command}:\n{help}"
        );
    }
    assert!(help.contains("DATABASE_URL"), "{help}");
    for (args, expect) in [
        (&["serve", "--help"][..], "--port"),
        (&["serve", "--help"][..], "--bind"),
        (&["migrate", "--help"][..], "--status"),
        (&["seed", "--help"][..], "demo"),
        (&["seed", "demo", "--help"][..], "demo"),
        (&["schema", "--help"][..], "--output"),
    ] {
        let text = stdout(&run(bin, args));
        assert!(
            text.contains(expect),
            "api {args:?} lacks {expect}:\n{text}"
        );
    }
    let bad = Command::new(bin).arg("no-such-command").output().unwrap();
    assert!(!bad.status.success(), "an unknown command fails");
}

#[test]
fn api_schema_prints_the_same_sdl_as_the_code() {
    let bin = api_binary();
    let printed = stdout(&run(bin, &["schema"]));
    assert!(
        printed == api::sdl(),
        "`api schema` differs from api::sdl()"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schema.graphql");
    run(bin, &["schema", "--output", file.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&file).unwrap() == api::sdl());
}

#[test]
fn api_migrate_and_seed_demo_twice_on_sqlite_inserts_nothing_the_second_time() {
    let bin = api_binary();
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}",
        dir.path().join("nested/dir/hub.db").display()
    );

    let migrated = stdout(&run(bin, &["--database-url", &url, "migrate"]));
    assert!(migrated.starts_with("applied "), "{migrated}");
    assert!(
        !migrated.starts_with("applied 0 "),
        "a fresh file needs migrations: {migrated}"
    );
    let status = stdout(&run(bin, &["--database-url", &url, "migrate", "--status"]));
    assert!(status.contains("applied"), "{status}");
    assert!(!status.contains("pending"), "{status}");
    let again = stdout(&run(bin, &["--database-url", &url, "migrate"]));
    assert!(again.starts_with("applied 0 "), "{again}");

    let first = stdout(&run(bin, &["--database-url", &url, "seed", "demo"]));
    let inserted = |text: &str| -> u64 {
        let after = text
            .split("demo dataset: ")
            .nth(1)
            .unwrap_or_else(|| panic!("unexpected seed output: {text}"));
        after
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count in: {text}"))
    };
    assert!(inserted(&first) > 100, "{first}");
    let second = stdout(&run(bin, &["--database-url", &url, "seed", "demo"]));
    assert_eq!(inserted(&second), 0, "{second}");
    assert!(second.contains("already present"), "{second}");
    // DATABASE_URL in the environment works as well as the flag.
    let out = Command::new(bin)
        .args(["seed", "demo"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(inserted(&stdout(&out)), 0);
}
