//! `api`: the command-line entry point. Parses the CLI, loads the
//! configuration and hands over to the library.

use anyhow::Context as _;
use api::command::{ApiKeyAction, Command, Dataset, UserAction};
use migration::MigratorTrait;

/// mimalloc instead of glibc's malloc: a page of 50 events with their
/// attendance cells spent a quarter of its CPU in malloc/free (issue 12).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = api::command::parse();
    init_tracing(&cli.settings);
    let config = api::Config::from_settings(cli.settings)?;

    match cli.command {
        Command::Serve { migrate } => {
            let database = api::prepare(&config, migrate).await?;
            let worker = if config.webhooks.worker {
                Some(api::webhooks::worker::Worker::spawn(
                    database.conn.clone(),
                    config.webhooks.clone(),
                )?)
            } else {
                None
            };
            // The mail worker runs beside the webhook worker (WEBHOOK_WORKER).
            let mailer = if config.webhooks.worker {
                Some(api::mail::worker::Worker::spawn(
                    database.conn.clone(),
                    config.mail.clone(),
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
            if let Some(mailer) = mailer {
                mailer.shutdown().await;
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
            let report = api::seed::seed_demo_with_keys(
                &database.conn,
                config.record_keys(),
                &|step, steps, name| {
                    bar.set_length(steps as u64);
                    bar.set_position(step as u64);
                    bar.set_message(name.to_string());
                },
            )
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
            let refused = if api::services::import::iati::looks_like_xml(&bytes) {
                api::cli::import_iati(
                    &database.conn,
                    &bytes,
                    &options,
                    config.iati.prefix.as_deref(),
                )
                .await?
            } else {
                api::cli::import(&database.conn, &bytes, &options).await?
            };
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
fn init_tracing(settings: &api::config::Settings) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(&settings.log_filter)
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if settings.log_format == api::config::LogFormat::Json {
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
