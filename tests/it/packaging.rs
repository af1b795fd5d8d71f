//! What an operator deploys with: the container recipe, the compose file,
//! the systemd unit, the licence files and the third-party notices.
//!
//! `docker-compose config` (Debian's `docker-compose`) checks the compose
//! file without a daemon; no image can be built on these machines, so the
//! Dockerfile is checked for running the README's own build steps.

use std::path::{Path, PathBuf};
use std::process::Command;

use tests::tool_or_skip;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn compose_config(env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new("docker-compose");
    cmd.current_dir(repo().join("deploy"))
        .args(["-f", "compose.yaml", "config"]);
    for key in [
        "POSTGRES_PASSWORD",
        "JWT_SECRET",
        "METRICS_TOKEN",
        "IATI_PUBLISHER_PREFIX",
    ] {
        cmd.env_remove(key);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run docker-compose")
}

#[test]
fn the_compose_file_is_valid_and_refuses_to_render_without_its_secrets() {
    if !tool_or_skip(
        "docker-compose",
        &["version"],
        "apt-get install docker-compose",
    ) {
        return;
    }
    let out = compose_config(&[
        ("POSTGRES_PASSWORD", "a-long-database-password"),
        (
            "JWT_SECRET",
            "0123456789abcdef0123456789abcdef0123456789abcdef",
        ),
        ("METRICS_TOKEN", "metrics-token-0123456789"),
        ("IATI_PUBLISHER_PREFIX", "XM-EXAMPLE"),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "docker-compose config failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for service in ["api:", "postgres:", "redis:"] {
        assert!(text.contains(service), "no {service} service:\n{text}");
    }
    for expect in [
        "APP_ENV: production",
        "DATABASE_URL: postgres://hub:a-long-database-password@postgres:5432/progress_hub",
        "REDIS_URL: redis://redis:6379",
        "IATI_PUBLISHER_PREFIX: XM-EXAMPLE",
        "serve",
        "--migrate",
    ] {
        assert!(text.contains(expect), "compose lacks {expect:?}:\n{text}");
    }
    // Without the secrets it refuses, naming what is missing.
    let out = compose_config(&[]);
    assert!(!out.status.success(), "compose renders without secrets");
    assert!(String::from_utf8_lossy(&out.stderr).contains("POSTGRES_PASSWORD"));
}

/// The commands of the Dockerfile's `RUN` lines that build the project.
fn dockerfile_build_steps() -> Vec<String> {
    read("Dockerfile")
        .lines()
        .filter_map(|l| l.trim().strip_prefix("RUN "))
        .filter(|c| c.contains("npm ") || c.contains("cargo "))
        .map(|c| c.trim().to_string())
        .collect()
}

#[test]
fn the_dockerfile_runs_the_readmes_build_steps_in_three_stages() {
    let steps = dockerfile_build_steps();
    assert_eq!(
        steps,
        [
            "npm --prefix web ci --no-audit --no-fund",
            "npm --prefix web run build",
            "cargo build --release --locked -p api",
        ]
    );
    let readme = read("README.md");
    for step in &steps {
        assert!(
            readme.contains(step.as_str()),
            "the README's Deploy section does not give the step {step:?}"
        );
    }
    let dockerfile = read("Dockerfile");
    assert_eq!(
        dockerfile
            .lines()
            .filter(|l| l.starts_with("FROM "))
            .count(),
        3
    );
    // The final image runs as a user, not root, and serves the site.
    assert!(dockerfile.contains("\nUSER hub\n"));
    assert!(dockerfile.contains("WEB_DIR=/usr/share/progress-hub/web"));
    // Every file the image copies exists.
    for line in dockerfile
        .lines()
        .filter(|l| l.starts_with("COPY ") && !l.contains("--from"))
    {
        let parts: Vec<&str> = line.split_whitespace().collect();
        for source in &parts[1..parts.len() - 1] {
            assert!(repo().join(source).exists(), "COPY of a missing {source}");
        }
    }
}

#[test]
fn the_systemd_unit_runs_the_api_unprivileged_with_its_settings_from_a_file() {
    let unit = read("deploy/progress-hub.service");
    for expect in [
        "[Unit]",
        "[Service]",
        "[Install]",
        "ExecStart=/usr/local/bin/api serve --migrate",
        "EnvironmentFile=/etc/progress-hub/env",
        "DynamicUser=yes",
        "NoNewPrivileges=yes",
        "Restart=on-failure",
    ] {
        assert!(unit.contains(expect), "the unit lacks {expect:?}");
    }
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        let out = Command::new("systemd-analyze")
            .args(["verify", "--man=no"])
            .arg(repo().join("deploy/progress-hub.service"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Only the binary's absence on this machine may be reported.
        for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                line.contains("/usr/local/bin/api") || line.contains("Command"),
                "systemd-analyze: {stderr}"
            );
        }
    }
}

#[test]
fn the_licence_files_match_the_licence_cargo_declares() {
    let cargo = read("Cargo.toml");
    assert!(cargo.contains("license = \"MIT OR Apache-2.0\""));
    assert!(read("LICENSE-MIT").contains("Permission is hereby granted, free of charge"));
    let apache = read("LICENSE-APACHE");
    assert!(apache.contains("Apache License") && apache.contains("Version 2.0, January 2004"));
    let changelog = read("CHANGELOG.md");
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        changelog.contains(&format!("## [{version}]")),
        "CHANGELOG.md has no entry for {version}"
    );
}

/// The notices file, made from `cargo metadata` (every crate of Cargo.lock
/// built for Linux) and `web/package-lock.json` (every npm package of the site).
fn third_party_notices() -> String {
    let out = Command::new(env!("CARGO"))
        .current_dir(repo())
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--offline",
            "--filter-platform",
            "x86_64-unknown-linux-gnu",
        ])
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let members: Vec<&str> = meta["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let resolved: std::collections::HashSet<&str> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    let mut crates: Vec<(String, String, String, String)> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            let id = p["id"].as_str().unwrap_or_default();
            !members.contains(&id) && resolved.contains(id)
        })
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap_or_default().to_string();
            let licence = p["license"]
                .as_str()
                .map(str::to_string)
                .or_else(|| p["license_file"].as_str().map(|f| format!("see {f}")))
                .unwrap_or_else(|| "not declared".into());
            (s("name"), s("version"), licence, s("repository"))
        })
        .collect();
    crates.sort();
    let lock: serde_json::Value =
        serde_json::from_str(&read("web/package-lock.json")).expect("package-lock.json");
    let mut npm: Vec<(String, String, String)> = lock["packages"]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(path, p)| {
            let name = path.rsplit_once("node_modules/").map(|(_, n)| n)?;
            Some((
                name.to_string(),
                p["version"].as_str().unwrap_or_default().to_string(),
                p["license"].as_str().unwrap_or("not declared").to_string(),
            ))
        })
        .collect();
    npm.sort();
    npm.dedup();
    let mut text = String::from(
        "# Third-party notices\n\n\
         The programme progress hub is licensed under MIT OR Apache-2.0 (`LICENSE-MIT`,\n\
         `LICENSE-APACHE`). It is built from the packages below, each under its own\n\
         licence as its authors declare it; their licence texts ship in their sources.\n\n\
         Generated from `cargo metadata` (every crate of `Cargo.lock` built for Linux)\n\
         and `web/package-lock.json` (every npm package of the site). A test fails when\n\
         this file is out of date; regenerate it with\n\
         `UPDATE_NOTICES=1 cargo test -p tests --test it packaging::third_party`.\n\n",
    );
    text.push_str(&format!(
        "## Rust crates ({})\n\n| crate | version | licence | source |\n| --- | --- | --- | --- |\n",
        crates.len()
    ));
    for (name, version, licence, repo) in &crates {
        text.push_str(&format!("| {name} | {version} | {licence} | {repo} |\n"));
    }
    text.push_str(&format!(
        "\n## npm packages of the site ({})\n\n| package | version | licence |\n| --- | --- | --- |\n",
        npm.len()
    ));
    for (name, version, licence) in &npm {
        text.push_str(&format!("| {name} | {version} | {licence} |\n"));
    }
    text
}

#[test]
fn third_party_notices_list_every_dependency_of_the_lock_files() {
    let expected = third_party_notices();
    let file = repo().join("THIRD-PARTY-NOTICES.md");
    if std::env::var_os("UPDATE_NOTICES").is_some() {
        std::fs::write(&file, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        committed == expected,
        "THIRD-PARTY-NOTICES.md is out of date with Cargo.lock or web/package-lock.json: \
         regenerate it with `UPDATE_NOTICES=1 cargo test -p tests --test it packaging::third_party`"
    );
    assert!(expected.contains("| tokio |"), "the crates are listed");
    assert!(
        expected.contains("| svelte |"),
        "the npm packages are listed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_version_and_metrics_say_which_build_runs_and_how_the_process_fares() {
    let Some(app) = tests::TestApp::spawn(tests::Engine::Sqlite).await else {
        return;
    };
    let health: serde_json::Value = app.get("/health").await.json().await.unwrap();
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert!(health["commit"].is_string());
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(&format!(
            "build_info{{version=\"{}\",commit=",
            env!("CARGO_PKG_VERSION")
        )),
        "{metrics}"
    );
    let value = |name: &str| -> f64 {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} in /metrics"))
            .parse()
            .unwrap()
    };
    assert!(value("process_resident_memory_bytes") > 1_000_000.0);
    assert!(value("process_virtual_memory_bytes") >= value("process_resident_memory_bytes"));
    assert!(value("process_open_fds") >= 3.0);
    assert!(value("process_max_fds") >= value("process_open_fds"));
    assert!(value("process_cpu_seconds_total") > 0.0);
    assert!(value("process_threads") >= 1.0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let started = value("process_start_time_seconds");
    assert!(
        started <= now + 1.0 && started > now - 24.0 * 3600.0,
        "{started}"
    );
    for name in [
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "build_info",
    ] {
        assert!(
            metrics.contains(&format!("# TYPE {name} ")),
            "{name} has a TYPE"
        );
    }
}

#[test]
fn api_version_names_the_package_version() {
    let out = Command::new(crate::support::api_binary())
        .arg("--version")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(&format!("api {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
}

#[test]
fn the_request_log_gives_latency_as_a_number_of_milliseconds() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let port = crate::support::free_port();
    let mut child = Command::new(crate::support::api_binary())
        .args(["serve", "--migrate", "--port", &port.to_string()])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("hub.db").display()),
        )
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info,sqlx=warn,sea_orm=warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start api serve");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let base = format!("http://127.0.0.1:{port}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let client = reqwest::Client::new();
        crate::support::wait_healthy(&client, &base).await;
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut found = None;
    while std::time::Instant::now() < deadline {
        let Ok(line) = rx.recv_timeout(std::time::Duration::from_millis(200)) else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if json["fields"]["message"] == "finished processing request" {
            found = Some(json);
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let line = found.expect("a request log line");
    assert!(
        line["fields"]["latency_ms"].is_f64(),
        "latency_ms is a number: {line}"
    );
    assert_eq!(line["fields"]["status"], 200);
}

/// The environment variables of every setting, from the command line's own
/// declarations (clap's `env`), root and subcommands alike.
fn declared_variables() -> Vec<String> {
    fn walk(command: &clap::Command, out: &mut Vec<String>) {
        for arg in command.get_arguments() {
            if let Some(name) = arg.get_env() {
                out.push(name.to_string_lossy().into_owned());
            }
        }
        for sub in command.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&api::command::command(), &mut out);
    out.sort();
    out.dedup();
    out
}

#[test]
fn env_sample_lists_exactly_the_declared_settings() {
    let read = declared_variables();
    let sample = read_file_lines(".env.sample");
    let mut listed: Vec<String> = sample
        .iter()
        .filter_map(|l| l.strip_prefix('#').map(str::trim_start))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.to_string()))
        .filter(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
        .collect();
    listed.sort();
    listed.dedup();
    let missing: Vec<&String> = read.iter().filter(|v| !listed.contains(v)).collect();
    let stale: Vec<&String> = listed.iter().filter(|v| !read.contains(v)).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        ".env.sample lacks {missing:?} and lists {stale:?}, which no setting declares"
    );
    assert!(read.len() > 60, "{} variables found: {read:?}", read.len());
    // The README's configuration table names every one too.
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for v in &read {
        assert!(
            readme.contains(v.as_str())
                || (v.starts_with("API_MAX_") && readme.contains("API_MAX_*"))
                || (v.starts_with("RATE_LIMIT_") && readme.contains("RATE_LIMIT_*")),
            "the README does not name {v}"
        );
    }
}

/// Settings are declared once, in `config::Settings`: no other code reads
/// the environment (a variable read elsewhere would be missing from `--help`
/// and from the check above).
#[test]
fn no_code_reads_the_environment_outside_the_declared_settings() {
    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    rust_files(&repo().join("api/src"), &mut files);
    let readers: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with("config.rs"))
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.contains("env::var") || text.contains("EnvFilter::try_from_default_env")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        readers.is_empty(),
        "these read the environment: {readers:?}"
    );
}

/// Every setting has a description and names its value by its variable, so
/// `api --help` documents it; an invalid value is refused with its name.
#[test]
fn every_setting_is_described_in_help_and_a_bad_value_names_its_variable() {
    let command = api::command::command();
    for arg in command.get_arguments() {
        if let Some(env) = arg.get_env() {
            assert!(
                arg.get_help()
                    .is_some_and(|h| !h.to_string().trim().is_empty()),
                "{env:?} has no description"
            );
        }
    }
    let help = command.clone().render_long_help().to_string();
    for v in declared_variables() {
        assert!(help.contains(&v), "api --help does not list {v}");
    }
    let err = api::command::command()
        .try_get_matches_from(["api", "--max-depth", "deep", "schema"])
        .unwrap_err()
        .to_string();
    assert!(err.contains("API_MAX_DEPTH"), "{err}");
    let out = Command::new(crate::support::api_binary())
        .args(["schema"])
        .env("API_MAX_DEPTH", "deep")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("'--max-depth <API_MAX_DEPTH>'"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A blank variable counts as unset (compose files write `NAME=`), and a
    // cross-setting rule names both variables.
    let out = Command::new(crate::support::api_binary())
        .args(["migrate", "--status"])
        .env("API_MAX_DEPTH", " ")
        .env("SUPPRESS_ORDINARY", "7")
        .env("SUPPRESS_SENSITIVE", "6")
        .env("DATABASE_URL", "sqlite::memory:")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("SUPPRESS_SENSITIVE at least SUPPRESS_ORDINARY"),
        "{stderr}"
    );
}

fn read_file_lines(path: &str) -> Vec<String> {
    read(path).lines().map(str::to_string).collect()
}
