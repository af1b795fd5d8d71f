//! Flame graphs of the API under load (`bench run --flamegraphs DIR`):
//! `perf record` with DWARF call graphs on the server process while one
//! workload is measured, folded by `inferno-collapse-perf` and drawn by
//! `inferno-flamegraph` (`cargo install inferno`). Nothing is downloaded:
//! both tools must be on the machine, else the run notes why none was drawn.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A `perf record` attached to a process; [`Recording::finish`] draws the graph.
pub struct Recording {
    child: Child,
    data: PathBuf,
    svg: PathBuf,
    title: String,
}

/// Where a tool is: on `PATH`, or where `cargo install` puts it.
fn tool(name: &str) -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    on_path.or_else(|| {
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
        Some(home.join("bin").join(name)).filter(|p| p.is_file())
    })
}

/// What is missing to draw flame graphs, if anything.
pub fn missing() -> Option<String> {
    let absent: Vec<&str> = ["perf", "inferno-collapse-perf", "inferno-flamegraph"]
        .into_iter()
        .filter(|t| tool(t).is_none())
        .collect();
    (!absent.is_empty()).then(|| {
        format!(
            "flame graphs need {} (`apt-get install linux-perf`, `cargo install inferno`)",
            absent.join(", ")
        )
    })
}

impl Recording {
    /// Starts recording `pid` for the graph `dir/<name>.svg`.
    pub fn start(pid: u32, dir: &Path, name: &str, title: &str) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let data = std::env::temp_dir().join(format!("bench-{name}-{}.perf", std::process::id()));
        let child = Command::new(tool("perf").unwrap_or_else(|| "perf".into()))
            .args(["record", "-F", "499", "--call-graph", "dwarf,16384", "-p"])
            .arg(pid.to_string())
            .arg("-o")
            .arg(&data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        // perf attaches within a moment; the warm-up covers the rest.
        std::thread::sleep(std::time::Duration::from_millis(300));
        Ok(Self {
            child,
            data,
            svg: dir.join(format!("{name}.svg")),
            title: title.to_string(),
        })
    }

    /// Stops recording and writes the SVG; returns its path.
    pub fn finish(mut self) -> anyhow::Result<PathBuf> {
        // perf writes its file on SIGINT.
        Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()?;
        self.child.wait()?;
        let script = Command::new(tool("perf").unwrap_or_else(|| "perf".into()))
            .args(["script", "-i"])
            .arg(&self.data)
            .stderr(Stdio::null())
            .output()?;
        let folded = pipe(tool("inferno-collapse-perf"), &[], &script.stdout)?;
        let svg = pipe(
            tool("inferno-flamegraph"),
            &["--title", &self.title],
            &folded,
        )?;
        std::fs::write(&self.svg, svg)?;
        let _ = std::fs::remove_file(&self.data);
        Ok(self.svg)
    }
}

/// Runs `program args` with `input` on stdin; its stdout.
fn pipe(program: Option<PathBuf>, args: &[&str], input: &[u8]) -> anyhow::Result<Vec<u8>> {
    use std::io::Write as _;
    let program = program.ok_or_else(|| anyhow::anyhow!("{}", missing().unwrap_or_default()))?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output()?;
    writer.join().expect("writer")?;
    anyhow::ensure!(out.status.success(), "{} failed", args.join(" "));
    Ok(out.stdout)
}
