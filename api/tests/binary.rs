//! The `api` binary's own checks. Having an integration test here also makes
//! `cargo test --workspace` build `target/debug/api`, which the crash test in
//! `tests/` starts and kills.

use std::process::Command;

fn api() -> Command {
    Command::new(env!("CARGO_BIN_EXE_api"))
}

#[test]
fn every_command_explains_itself() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["seed", "demo", "--help"],
        &["schema", "--help"],
        &["user", "create", "--help"],
        &["api-key", "create", "--help"],
    ] {
        let out = api().args(args).output().expect("run api");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage:"), "{args:?} prints usage: {text}");
    }
}

#[test]
fn production_refuses_to_start_without_a_strong_secret() {
    for secret in [
        None,
        Some("short"),
        Some("changeme-changeme-changeme-changeme"),
    ] {
        let mut cmd = api();
        cmd.args(["serve", "--port", "0"])
            .env("APP_ENV", "production")
            .env("DATABASE_URL", "sqlite::memory:");
        match secret {
            Some(s) => cmd.env("JWT_SECRET", s),
            None => cmd.env_remove("JWT_SECRET"),
        };
        let out = cmd.output().expect("run api");
        assert!(!out.status.success(), "started with secret {secret:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("JWT_SECRET"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn schema_command_prints_the_committed_schema() {
    let out = api().arg("schema").output().expect("run api");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), api::sdl());
}
