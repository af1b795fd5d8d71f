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

/// The README's start command runs `api serve` with no `DATABASE_URL` (the
/// embedded demo): it publishes IATI under the demo's own publisher
/// identifier, so the demo's IATI export works; a deployment with its own
/// database publishes nothing until it configures its own prefix.
#[test]
fn the_embedded_demo_publishes_iati_under_its_own_demo_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let port = crate::support::free_port();
    let mut child = Command::new(api_binary())
        .args(["serve", "--port", &port.to_string()])
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("IATI_PUBLISHER_PREFIX")
        .env_remove("IATI_PUBLISHER_NAME")
        .env("RUST_LOG", "warn")
        .env("WEBHOOK_WORKER", "off")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start api serve");
    let base = format!("http://127.0.0.1:{port}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (status, body) = rt.block_on(async {
        let client = reqwest::Client::new();
        crate::support::wait_healthy(&client, &base).await;
        let r = client
            .get(format!("{base}/export/iati.xml"))
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    });
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, 200, "{body}");
    let prefix = api::config::IatiPublisher::DEMO_PREFIX;
    assert!(
        body.contains(&format!("<reporting-org ref=\"{prefix}\"")),
        "{body}"
    );
    // Every public demo programme is in the file or left out with its reason.
    assert_eq!(
        body.matches("<iati-activity ").count() + body.matches(": left out, ").count(),
        5,
        "{body}"
    );
    assert!(body.matches("<iati-activity ").count() >= 3, "{body}");

    // With a database of its own, no prefix is made up.
    let settings = api::config::Settings {
        database_url: Some("sqlite::memory:".into()),
        iati_publisher_prefix: None,
        ..demo_settings()
    };
    assert_eq!(
        api::Config::from_settings(settings).unwrap().iati.prefix,
        None
    );
    // A configured prefix wins over the demo's, even on the embedded demo.
    let settings = api::config::Settings {
        database_url: None,
        iati_publisher_prefix: Some("XM-OWN-1".into()),
        ..demo_settings()
    };
    assert_eq!(
        api::Config::from_settings(settings).unwrap().iati.prefix,
        Some("XM-OWN-1".into())
    );
}

/// The settings of a bare `api schema`, whatever this process's environment.
fn demo_settings() -> api::config::Settings {
    use clap::FromArgMatches as _;
    let matches = api::command::command()
        .try_get_matches_from(["api", "schema"])
        .unwrap();
    let mut settings = api::command::Cli::from_arg_matches(&matches)
        .unwrap()
        .settings;
    settings.database_url = None;
    settings
}
