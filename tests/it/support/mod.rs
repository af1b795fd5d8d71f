//! Helpers of this binary only: the `api` executable (built on demand, never
//! skipped) for the tests that run it as a process, and the redactions that
//! keep ids and timestamps out of snapshots.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The `api` binary, built once per test process and fresh for the sources.
///
/// `cargo build --workspace --bin api` is what `cargo test --workspace`
/// already builds (same features, same target directory, `CARGO_TARGET_DIR`
/// honoured), so it is normally a no-op; under `cargo test -p tests` or
/// nextest it builds the binary instead of letting a test pass unchecked.
/// Panics when it cannot be built.
pub fn api_binary() -> &'static Path {
    static BINARY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
            let mut build = escargot::CargoBuild::new()
                .manifest_path(manifest)
                .arg("--workspace")
                .bin("api")
                .current_release();
            // Cargo gives a test process the variables of its package
            // (CARGO_PKG_NAME=tests, CARGO_MANIFEST_DIR, …). Build scripts
            // such as ring's watch them, so a nested build that sees them
            // rebuilds ring and all above it, and the next `cargo test`
            // rebuilds them back.
            for (key, _) in std::env::vars_os() {
                let key = key.to_string_lossy();
                if PACKAGE_VARS.iter().any(|p| key.starts_with(p)) {
                    build = build.env_remove(key.as_ref());
                }
            }
            // Run straight from the shell, with no CARGO_TARGET_DIR, cargo
            // would build a second tree under ./target: build beside this
            // test binary (…/<target>/debug/deps/it-…) instead.
            if std::env::var_os("CARGO_TARGET_DIR").is_none()
                && let Some(target) = own_target_dir()
            {
                build = build.target_dir(target);
            }
            build
                .run()
                .map(|built| built.path().to_path_buf())
                .map_err(|e| e.to_string())
        })
        .as_deref()
        .unwrap_or_else(|e| panic!("cannot build the api binary (`cargo build --bin api`): {e}"))
}

/// The target directory this test binary was built in, when its path has
/// the usual `<target>/<profile>/deps/<binary>` shape.
fn own_target_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let deps = exe.parent()?;
    (deps.file_name()? == "deps").then(|| deps.parent()?.parent().map(Path::to_path_buf))?
}

/// Prefixes of the variables cargo sets for the package under test.
const PACKAGE_VARS: &[&str] = &[
    "CARGO_PKG_",
    "CARGO_MANIFEST_",
    "CARGO_CRATE_",
    "CARGO_BIN_",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_TARGET_TMPDIR",
    "OUT_DIR",
];

/// A command for the `api` binary whose logs show only with `TEST_LOG`
/// (then at `RUST_LOG`, on the test's stderr); otherwise at `warn`, dropped.
pub fn api_command() -> Command {
    let mut command = Command::new(api_binary());
    if tests::test_log_enabled() {
        command.stderr(Stdio::inherit());
        if std::env::var_os("RUST_LOG").is_none() {
            command.env("RUST_LOG", "info,sqlx=warn,sea_orm=warn");
        }
    } else {
        command.env("RUST_LOG", "warn").stderr(Stdio::null());
    }
    command
}

/// A TCP port free on 127.0.0.1 at the time of asking.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind 127.0.0.1:0")
        .local_addr()
        .expect("local address")
        .port()
}

/// Waits until `GET {base}/health` answers 2xx (10 s at most).
pub async fn wait_healthy(client: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if let Ok(r) = client.get(format!("{base}/health")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("server at {base} did not become healthy");
}

/// Snapshot settings for API output: database ids, global IDs, cursors and
/// timestamps differ between engines and runs, so they are redacted
/// wherever they appear; everything else must match the committed snapshot.
/// Both engines compare against the same snapshot file.
pub fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    for key in ["id", "cursor", "startCursor", "endCursor"] {
        settings.add_redaction(format!(".**.{key}").as_str(), "[id]");
    }
    for key in ["createdAt", "updatedAt", "generatedAt", "expiresAt"] {
        settings.add_redaction(format!(".**.{key}").as_str(), "[timestamp]");
    }
    settings
}

/// A fresh database of `engine`, migrated and loaded with the demo data by
/// the `api` binary (`api migrate`, `api seed demo`), for tests that run
/// the binary against it.
pub async fn prepared_database(engine: tests::Engine) -> Option<tests::TestDatabase> {
    let database = tests::TestDatabase::create(engine).await?;
    for args in [&["migrate"][..], &["seed", "demo"][..]] {
        let status = api_command()
            .args(args)
            .env("DATABASE_URL", &database.url)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "api {args:?}");
    }
    Some(database)
}

/// Creates `m@undp.example`, a manager of the demo's UNDP project, and
/// `a@hub.example`, an administrator, both with the test password.
pub async fn create_manager_and_admin(db: &sea_orm::DatabaseConnection) {
    use entities::codes::UserRole;
    let project = api::cli::project_id(db, tests::accounts::UNDP)
        .await
        .unwrap();
    for (email, role, projects) in [
        ("m@undp.example", UserRole::Manager, vec![project]),
        ("a@hub.example", UserRole::Admin, vec![]),
    ] {
        api::cli::create_user(
            db,
            email.into(),
            "T".into(),
            tests::accounts::PASSWORD.into(),
            role,
            None,
            projects,
        )
        .await
        .unwrap();
    }
}

/// Polls `check` every 100 ms until it holds; fails after 40 seconds.
pub async fn wait_for<F: AsyncFn() -> bool>(what: &str, check: F) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(40);
    while !check().await {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
