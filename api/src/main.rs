//! `api`: the command-line entry point. Parses the CLI, loads the
//! configuration and hands over to the library.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use migration::MigratorTrait;

/// mimalloc instead of glibc's malloc: a page of 50 events with their
/// attendance cells spent a quarter of its CPU in malloc/free (issue 12).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The programme progress hub API.
///
/// With no DATABASE_URL it runs on an embedded SQLite file
/// (data/progress-hub.db), migrated and loaded with the demo data on first
/// start. With DATABASE_URL=postgres://… or sqlite://… it uses that database.
#[derive(Parser)]
#[command(name = "api", version = api::build_info::long_version(), about, long_about)]
struct Cli {
    /// Database URL (postgres://… or sqlite://PATH); overrides DATABASE_URL.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the GraphQL API (POST /graphql, GET /graphql, GET /schema.graphql, GET /health).
    Serve {
        /// Address to bind, e.g. 0.0.0.0:8080 (env API_BIND; default 127.0.0.1:8080).
        #[arg(long, env = "API_BIND")]
        bind: Option<SocketAddr>,
        /// Port to bind on the configured address (env PORT); overrides the port of --bind.
        #[arg(long, env = "PORT")]
        port: Option<u16>,
        /// Apply pending migrations before serving (always done on the embedded default database).
        #[arg(long)]
        migrate: bool,
    },
    /// Apply all pending migrations and exit.
    Migrate {
        /// Only list applied and pending migrations.
        #[arg(long)]
        status: bool,
    },
    /// Load a dataset: the demo data (idempotent: rows already present are
    /// left alone) or synthetic data at scale (on a fresh database only).
    Seed {
        #[command(subcommand)]
        dataset: Dataset,
    },
    /// Manage user accounts (e.g. create the first admin).
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Manage read-only API keys for dashboards.
    ApiKey {
        #[command(subcommand)]
        action: ApiKeyAction,
    },
    /// Write a consistent copy of the SQLite database to PATH while the
    /// server keeps running (VACUUM INTO). Restore by stopping the server and
    /// putting the copy in place of the database file (or pointing
    /// DATABASE_URL=sqlite://PATH at it). For PostgreSQL use pg_dump and
    /// pg_restore (README "Backups").
    Backup {
        /// The new file to write; an existing file is never overwritten.
        path: PathBuf,
    },
    /// Import a spreadsheet (XLSX, ODS or CSV, from a template of
    /// /manage or /import/{slug}/template) into a project: a dry run that
    /// names every row's outcome, then, unless --dry-run or a row is
    /// refused, the same rows stored in one transaction. Importing the same
    /// file again leaves its rows unchanged. Exits 2 when rows are refused.
    Import {
        /// The file.
        file: PathBuf,
        /// Slug of the project to import into.
        #[arg(long)]
        project: String,
        /// events, service_counts or indicator_values (default: found from the header).
        #[arg(long)]
        kind: Option<String>,
        /// Only preview: print what would happen, store nothing.
        #[arg(long)]
        dry_run: bool,
        /// Email of the user the import is audited as (a manager of the
        /// project or an admin; default: the first active admin).
        #[arg(long = "as")]
        as_user: Option<String>,
    },
    /// Print the GraphQL schema (SDL), or write it to a file.
    Schema {
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create a user. The password is asked for at a prompt (or read from
    /// standard input with --password-stdin); it is never taken as an argument.
    Create {
        /// Email used to log in.
        #[arg(long)]
        email: String,
        /// Name shown in the audit trail.
        #[arg(long)]
        name: String,
        /// Role: admin, manager, donor or viewer.
        #[arg(long, value_parser = parse_role)]
        role: entities::codes::UserRole,
        /// Organisation (English name, acronym or numeric id).
        #[arg(long)]
        organisation: Option<String>,
        /// For managers: slug of a project they may edit (repeatable).
        #[arg(long = "project")]
        projects: Vec<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum ApiKeyAction {
    /// Create a read-only API key and print it once.
    Create {
        /// Who the key is for (the dashboard's name).
        #[arg(long)]
        name: String,
        /// Organisation of the client (English name, acronym or numeric id).
        #[arg(long)]
        organisation: Option<String>,
        /// Rate tier: standard or high.
        #[arg(long, default_value = "standard")]
        rate_tier: String,
    },
}

fn parse_role(raw: &str) -> Result<entities::codes::UserRole, String> {
    entities::codes::UserRole::from_code(&raw.to_ascii_lowercase())
        .ok_or_else(|| "use admin, manager, donor or viewer".to_string())
}

#[derive(Subcommand)]
enum Dataset {
    /// The demo dataset from the seed texts: Red Crescent network, UNDP early
    /// recovery project, trafficking victim assistance, unified coordination
    /// centres, child hotline.
    Demo,
    /// Synthetic data at scale for benchmarks, over the demo's places and
    /// organisations: at --scale 1.0, 50 projects, 400 centres, 50,000
    /// events, 1,000,000 attendance cells and 200,000 service counts.
    /// Migrates first; refuses a database that holds any other data.
    Synthetic {
        /// Multiplies every size (0.02 gives 1,000 events and 20,000 cells).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Seed of the random draws: the same seed gives the same data.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing();
    let mut config = api::Config::from_env()?;
    if let Some(url) = cli.database_url.clone().filter(|u| !u.trim().is_empty()) {
        config.database_url = url;
        config.embedded_default = false;
    }

    match cli.command {
        Command::Serve {
            bind,
            port,
            migrate,
        } => {
            if let Some(bind) = bind {
                config.bind = bind;
            }
            if let Some(port) = port {
                config.bind.set_port(port);
            }
            let database = api::prepare(&config, migrate).await?;
            let worker = if config.webhooks.worker {
                Some(api::webhooks::worker::Worker::spawn(
                    database.conn.clone(),
                    config.webhooks.clone(),
                )?)
            } else {
                None
            };
            let router = api::http::try_build_router(database, &config)?;
            let listener = tokio::net::TcpListener::bind(config.bind)
                .await
                .with_context(|| format!("cannot bind {}", config.bind))?;
            let addr = listener.local_addr()?;
            tracing::info!(%addr, database = %redact(&config.database_url), "serving GraphQL at http://{addr}/graphql");
            println!("listening on http://{addr}/graphql");
            let limits = api::http::server::ConnectionLimits::from(&config);
            api::serve_with(listener, router, limits, shutdown_signal()).await?;
            // Messages in flight finish; nothing claimed is left half-recorded.
            if let Some(worker) = worker {
                worker.shutdown().await;
            }
        }
        Command::Migrate { status } => {
            let database = api::db::connect(&config.database_url, 1).await?;
            if status {
                for m in migration::Migrator::get_applied_migrations(&database.conn).await? {
                    println!("applied  {}", m.name());
                }
                for m in migration::Migrator::get_pending_migrations(&database.conn).await? {
                    println!("pending  {}", m.name());
                }
            } else {
                let pending = migration::Migrator::get_pending_migrations(&database.conn)
                    .await?
                    .len();
                api::db::migrate(&database.conn).await?;
                println!(
                    "applied {pending} migration(s) to {}",
                    redact(&config.database_url)
                );
            }
        }
        Command::Seed {
            dataset: Dataset::Demo,
        } => {
            let database = api::db::connect(&config.database_url, 1).await?;
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                    .expect("valid progress template"),
            );
            let report = api::seed::seed_demo(&database.conn, &|step, steps, name| {
                bar.set_length(steps as u64);
                bar.set_position(step as u64);
                bar.set_message(name.to_string());
            })
            .await?;
            bar.finish_and_clear();
            println!(
                "demo dataset: {} row(s) inserted, {} already present",
                report.inserted, report.existing
            );
        }
        Command::Seed {
            dataset: Dataset::Synthetic { scale, seed },
        } => {
            let database = api::db::connect(&config.database_url, 1).await?;
            api::db::migrate(&database.conn).await?;
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:30} {human_pos}/{human_len} rows {per_sec} {elapsed} {msg}",
                )
                .expect("valid progress template"),
            );
            let options = api::seed::SyntheticOptions { scale, seed };
            let report =
                api::seed::seed_synthetic(&database.conn, options, &|table, done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                    bar.set_message(table.to_string());
                })
                .await?;
            bar.finish_and_clear();
            for (table, rows) in &report.tables {
                println!("{table:>22} {rows:>9}");
            }
            let secs = report.load.as_secs_f64();
            println!(
                "synthetic dataset (scale {scale}, seed {seed}): {} rows in {secs:.1} s ({:.0} rows/s){}; ANALYZE {:.1} s",
                report.rows,
                report.rows as f64 / secs.max(1e-9),
                if report.loaded_reference {
                    ", reference data loaded"
                } else {
                    ""
                },
                report.analyze.as_secs_f64()
            );
        }
        Command::User {
            action:
                UserAction::Create {
                    email,
                    name,
                    role,
                    organisation,
                    projects,
                    password_stdin,
                },
        } => {
            let database = api::db::connect(&config.database_url, 1).await?;
            api::db::migrate(&database.conn).await?;
            let password = read_password(password_stdin)?;
            let organisation_id = match organisation {
                Some(o) => Some(api::cli::organisation_id(&database.conn, &o).await?),
                None => None,
            };
            let mut project_ids = Vec::new();
            for slug in &projects {
                project_ids.push(api::cli::project_id(&database.conn, slug).await?);
            }
            let id = api::cli::create_user(
                &database.conn,
                email.clone(),
                name,
                password,
                role,
                organisation_id,
                project_ids,
            )
            .await?;
            println!("created {} user {email} (id {id})", role.code());
        }
        Command::ApiKey {
            action:
                ApiKeyAction::Create {
                    name,
                    organisation,
                    rate_tier,
                },
        } => {
            let database = api::db::connect(&config.database_url, 1).await?;
            api::db::migrate(&database.conn).await?;
            let organisation_id = match organisation {
                Some(o) => Some(api::cli::organisation_id(&database.conn, &o).await?),
                None => None,
            };
            let key =
                api::cli::create_api_key(&database.conn, name, organisation_id, rate_tier).await?;
            println!("{key}");
            eprintln!("This key is shown once. Send it as `Authorization: ApiKey <key>`.");
        }
        Command::Backup { path } => {
            // Never back up (and so create) an empty database by a mistyped URL.
            if let Some(file) = api::db::sqlite_file_path(&config.database_url) {
                anyhow::ensure!(
                    file.exists(),
                    "no database at {}: nothing to back up",
                    file.display()
                );
            }
            let database = api::db::connect(&config.database_url, 1).await?;
            let bytes = api::db::backup(&database.conn, &path).await?;
            println!(
                "backed up {} to {} ({bytes} bytes)",
                redact(&config.database_url),
                path.display()
            );
        }
        Command::Import {
            file,
            project,
            kind,
            dry_run,
            as_user,
        } => {
            let database = api::db::connect(&config.database_url, 1).await?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let options = api::cli::ImportOptions {
                slug: project,
                kind,
                dry_run,
                as_user,
                thresholds: config.thresholds,
            };
            let refused = api::cli::import(&database.conn, &bytes, &options).await?;
            if refused {
                std::process::exit(2);
            }
        }
        Command::Schema { output } => {
            let sdl = api::sdl();
            match output {
                Some(path) => std::fs::write(&path, sdl)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{sdl}"),
            }
        }
    }
    Ok(())
}

/// Reads a new password from a prompt (twice) or from standard input.
fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("Password: ")?;
    let second = rpassword::prompt_password("Repeat password: ")?;
    anyhow::ensure!(first == second, "the two passwords differ");
    Ok(first)
}

/// Logs to stderr; `RUST_LOG` filters, `LOG_FORMAT=json` switches to JSON lines.
fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json")) {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// A database URL without its password, for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            let user = creds.split(':').next().unwrap_or_default();
            format!("{}://{user}:***@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
