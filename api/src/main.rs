//! `api`: the command-line entry point. Parses the CLI, loads the
//! configuration and hands over to the library.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use migration::MigratorTrait;

/// The programme progress hub API.
///
/// With no DATABASE_URL it runs on an embedded SQLite file
/// (data/progress-hub.db), migrated and loaded with the demo data on first
/// start. With DATABASE_URL=postgres://… or sqlite://… it uses that database.
#[derive(Parser)]
#[command(name = "api", version, about, long_about)]
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
    /// Load a dataset. Idempotent: rows already present are left alone.
    Seed {
        #[command(subcommand)]
        dataset: Dataset,
    },
    /// Print the GraphQL schema (SDL), or write it to a file.
    Schema {
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum Dataset {
    /// The demo dataset from the seed texts: Red Crescent network, UNDP early
    /// recovery project, trafficking victim assistance, unified coordination
    /// centres, child hotline.
    Demo,
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
            let router = api::build_router(database, &config);
            let listener = tokio::net::TcpListener::bind(config.bind)
                .await
                .with_context(|| format!("cannot bind {}", config.bind))?;
            let addr = listener.local_addr()?;
            tracing::info!(%addr, database = %redact(&config.database_url), "serving GraphQL at http://{addr}/graphql");
            println!("listening on http://{addr}/graphql");
            api::serve(listener, router, shutdown_signal()).await?;
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
