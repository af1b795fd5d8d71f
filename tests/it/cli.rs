//! The `api` command line: help, schema, and migrate + seed on a SQLite file.
//!
//! The binary is not built by `cargo test -p tests` (it belongs to another
//! package): these tests use `target/debug/api` and skip with a message when
//! it is missing or older than the sources (`cargo build -p api` first).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

fn binary() -> PathBuf {
    std::env::var_os("CARGO_BIN_EXE_api")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/debug/api"))
        })
}

/// Newest modification time of the files under `dir`.
fn newest(dir: &Path) -> Option<SystemTime> {
    let mut latest = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let time = if path.is_dir() {
            newest(&path)
        } else {
            entry.metadata().and_then(|m| m.modified()).ok()
        };
        latest = latest.max(time);
    }
    latest
}

/// The binary, or `None` (with a message) when it is missing or stale.
fn api_binary() -> Option<PathBuf> {
    let bin = binary();
    let Ok(meta) = std::fs::metadata(&bin) else {
        eprintln!(
            "SKIPPED: {} not found; run `cargo build -p api` first",
            bin.display()
        );
        return None;
    };
    let built = meta.modified().ok()?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sources = ["api/src", "api/Cargo.toml", "entities/src", "migration/src"]
        .iter()
        .filter_map(|p| {
            let p = root.join(p);
            if p.is_dir() {
                newest(&p)
            } else {
                std::fs::metadata(p).and_then(|m| m.modified()).ok()
            }
        })
        .max();
    if sources.is_some_and(|s| s > built) {
        eprintln!(
            "SKIPPED: {} is older than the sources; run `cargo build -p api` first",
            bin.display()
        );
        return None;
    }
    Some(bin)
}

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
    let Some(bin) = api_binary() else { return };
    let help = stdout(&run(&bin, &["--help"]));
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
        let text = stdout(&run(&bin, args));
        assert!(
            text.contains(expect),
            "api {args:?} lacks {expect}:\n{text}"
        );
    }
    let bad = Command::new(&bin).arg("no-such-command").output().unwrap();
    assert!(!bad.status.success(), "an unknown command fails");
}

#[test]
fn api_schema_prints_the_same_sdl_as_the_code() {
    let Some(bin) = api_binary() else { return };
    let printed = stdout(&run(&bin, &["schema"]));
    assert!(
        printed == api::sdl(),
        "`api schema` differs from api::sdl()"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schema.graphql");
    run(&bin, &["schema", "--output", file.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&file).unwrap() == api::sdl());
}

#[test]
fn api_migrate_and_seed_demo_twice_on_sqlite_inserts_nothing_the_second_time() {
    let Some(bin) = api_binary() else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}",
        dir.path().join("nested/dir/hub.db").display()
    );

    let migrated = stdout(&run(&bin, &["--database-url", &url, "migrate"]));
    assert!(migrated.starts_with("applied "), "{migrated}");
    assert!(
        !migrated.starts_with("applied 0 "),
        "a fresh file needs migrations: {migrated}"
    );
    let status = stdout(&run(&bin, &["--database-url", &url, "migrate", "--status"]));
    assert!(status.contains("applied"), "{status}");
    assert!(!status.contains("pending"), "{status}");
    let again = stdout(&run(&bin, &["--database-url", &url, "migrate"]));
    assert!(again.starts_with("applied 0 "), "{again}");

    let first = stdout(&run(&bin, &["--database-url", &url, "seed", "demo"]));
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
    let second = stdout(&run(&bin, &["--database-url", &url, "seed", "demo"]));
    assert_eq!(inserted(&second), 0, "{second}");
    assert!(second.contains("already present"), "{second}");
    // DATABASE_URL in the environment works as well as the flag.
    let out = Command::new(&bin)
        .args(["seed", "demo"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(inserted(&stdout(&out)), 0);
}
