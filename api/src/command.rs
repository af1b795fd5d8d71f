//! The command line of `api`: its subcommands and every setting (each a
//! flag of every subcommand and an environment variable, declared once in
//! [`Settings`]). In the library so tests can read the declarations.

use std::path::PathBuf;

use clap::{CommandFactory as _, FromArgMatches as _, Parser, Subcommand};

use crate::config::Settings;

/// The programme progress hub API.
///
/// With no DATABASE_URL it runs on an embedded SQLite file
/// (data/progress-hub.db), migrated and loaded with the demo data on first
/// start. With DATABASE_URL=postgres://… or sqlite://… it uses that database.
#[derive(Parser)]
#[command(name = "api", version = crate::build_info::long_version(), about, long_about)]
pub struct Cli {
    /// Every setting (flag or environment variable).
    #[command(flatten)]
    pub settings: Settings,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the GraphQL API (POST /graphql, GET /graphql, GET /schema.graphql, GET /health).
    Serve {
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
    /// /manage or /import/{slug}/template) into a project, or an IATI 2.03
    /// activity file (XML: projects matched by iati-identifier, created or
    /// updated; administrators only): a dry run that names every row's (or
    /// activity's) outcome, then, unless --dry-run or a row is refused, the
    /// same rows stored in one transaction. Importing the same file again
    /// leaves its rows unchanged. Exits 2 when rows are refused.
    Import {
        /// The file.
        file: PathBuf,
        /// Slug of the project to import a spreadsheet into (not used for
        /// an IATI file, whose activities name their projects).
        #[arg(long)]
        project: Option<String>,
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
pub enum UserAction {
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
pub enum ApiKeyAction {
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
pub enum Dataset {
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

/// The whole command line, ready to parse: settings accepted after any
/// subcommand, blank variables counted as unset, values named by their
/// variable in errors and help.
pub fn command() -> clap::Command {
    crate::config::with_env_names(Cli::command())
        .mut_args(|a| if a.is_positional() { a } else { a.global(true) })
}

/// Parses the process's arguments and environment (exits with clap's
/// message and usage on an error, or after `--help`).
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}
