//! What build this process is: the package version and, when the build was
//! given one, the git commit (`GIT_COMMIT` at compile time, as the
//! Dockerfile passes it; nothing is looked up over the network). Shown by
//! `api --version`, `GET /health` and the `build_info` metric.

/// The package version (`Cargo.toml`, workspace `version`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The git commit the binary was built from, or `unknown` when the build
/// was not told (`GIT_COMMIT=$(git rev-parse --short HEAD) cargo build`).
pub fn commit() -> &'static str {
    match option_env!("GIT_COMMIT") {
        // Only a plain token: it goes into a metric label and a header-like line.
        Some(c)
            if !c.is_empty()
                && c.len() <= 64
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.') =>
        {
            c
        }
        _ => "unknown",
    }
}

/// `0.1.0 (commit abc1234)`: the text of `api --version`.
pub fn long_version() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| format!("{VERSION} (commit {})", commit()))
}
