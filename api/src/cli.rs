//! Helpers behind the `api user` and `api api-key` commands: they run the
//! same services as the admin mutations, in a write transaction, with the
//! command line as the (audited) actor.

use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};

use entities::codes::UserRole;
use entities::{organisation, project};

use crate::access::Viewer;
use crate::services::admin::{self, NewApiKey, NewUser};
use crate::services::{Actor, ServiceError, ServiceResult};

fn cli_actor() -> Actor {
    Actor {
        viewer: Viewer::Anonymous,
        request_id: Some("cli".into()),
        thresholds: Default::default(),
    }
}

/// Finds an organisation by numeric id, English name or acronym.
pub async fn organisation_id(db: &DatabaseConnection, needle: &str) -> anyhow::Result<i32> {
    let mut cond = Condition::any()
        .add(organisation::Column::NameEn.eq(needle))
        .add(organisation::Column::AcronymEn.eq(needle))
        .add(organisation::Column::AcronymAz.eq(needle));
    if let Ok(id) = needle.parse::<i32>() {
        cond = cond.add(organisation::Column::Id.eq(id));
    }
    let found = organisation::Entity::find().filter(cond).all(db).await?;
    match found.as_slice() {
        [one] => Ok(one.id),
        [] => anyhow::bail!("no organisation matches {needle:?}"),
        _ => anyhow::bail!("{needle:?} matches several organisations; use the numeric id"),
    }
}

/// Finds a project by slug.
pub async fn project_id(db: &DatabaseConnection, slug: &str) -> anyhow::Result<i32> {
    project::Entity::find()
        .filter(project::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(|p| p.id)
        .ok_or_else(|| anyhow::anyhow!("no project with slug {slug:?}"))
}

async fn in_transaction<F>(
    db: &DatabaseConnection,
    work: F,
) -> anyhow::Result<crate::services::Outcome>
where
    F: AsyncFnOnce(&sea_orm::DatabaseTransaction) -> ServiceResult<crate::services::Outcome>,
{
    let txn = crate::db::begin_write(db).await?;
    match work(&txn).await {
        Ok(outcome) => {
            txn.commit().await?;
            Ok(outcome)
        }
        Err(ServiceError::User(errors)) => {
            txn.rollback().await?;
            let text: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field.join("."), e.message))
                .collect();
            anyhow::bail!("{}", text.join("; "))
        }
        Err(ServiceError::Db(e)) => {
            txn.rollback().await?;
            Err(e.into())
        }
    }
}

/// Creates a user (no admin needed: this is how the first admin is made).
pub async fn create_user(
    db: &DatabaseConnection,
    email: String,
    display_name: String,
    password: String,
    role: UserRole,
    organisation_id: Option<i32>,
    project_ids: Vec<i32>,
) -> anyhow::Result<i32> {
    let input = NewUser {
        email,
        display_name,
        password,
        role,
        organisation_id,
        project_ids,
    };
    let actor = cli_actor();
    let outcome = in_transaction(db, async |txn| {
        admin::create_user(txn, &actor, &input, true).await
    })
    .await?;
    outcome
        .id
        .ok_or_else(|| anyhow::anyhow!("no user was created"))
}

/// Creates an API key and returns its plaintext (shown once).
pub async fn create_api_key(
    db: &DatabaseConnection,
    name: String,
    organisation_id: Option<i32>,
    rate_tier: String,
) -> anyhow::Result<String> {
    let input = NewApiKey {
        name,
        organisation_id,
        rate_tier: Some(rate_tier),
    };
    let actor = cli_actor();
    let outcome = in_transaction(db, async |txn| {
        admin::create_api_key(txn, &actor, &input, true).await
    })
    .await?;
    outcome
        .secret
        .ok_or_else(|| anyhow::anyhow!("no key was created"))
}

/// What `api import` was asked to do.
pub struct ImportOptions {
    /// The project's slug (spreadsheets).
    pub slug: Option<String>,
    /// The kind, when given.
    pub kind: Option<String>,
    /// Preview only.
    pub dry_run: bool,
    /// Email of the user to act as.
    pub as_user: Option<String>,
    /// Small-cell thresholds (the summaries a write refreshes use them).
    pub thresholds: crate::disclosure::Thresholds,
}

/// The user `api import` acts as: the one named, or the first active admin.
async fn import_actor(db: &DatabaseConnection, options: &ImportOptions) -> anyhow::Result<Actor> {
    use entities::user;
    use sea_orm::QueryOrder;
    let mut query = user::Entity::find().filter(user::Column::IsActive.eq(true));
    query = match &options.as_user {
        Some(email) => query.filter(user::Column::Email.eq(admin::normalise_email(email))),
        None => query
            .filter(user::Column::Role.eq(UserRole::Admin))
            .order_by_asc(user::Column::Id),
    };
    let Some(u) = query.one(db).await? else {
        anyhow::bail!(
            "no such active user: create an admin with `api user create --role admin`, or name one with --as"
        );
    };
    let context = crate::auth::load_user(db, u.id, u.token_version)
        .await
        .map_err(|_| anyhow::anyhow!("cannot load the user"))?
        .ok_or_else(|| anyhow::anyhow!("the user is not active"))?;
    Ok(Actor {
        viewer: Viewer::User(context),
        request_id: Some("cli".into()),
        thresholds: options.thresholds,
    })
}

/// An import error as one line for the terminal.
fn describe(e: crate::services::import::ImportError) -> anyhow::Error {
    use crate::services::import::ImportError;
    match e {
        ImportError::File(p) => anyhow::anyhow!("{}: {}", p.code, p.message),
        ImportError::User(errors) => anyhow::anyhow!(
            "{}",
            errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        ImportError::Db(e) => e.into(),
    }
}

/// `api import FILE.xml`: an IATI 2.03 activity file, previewed, printed
/// (every refused activity with its element), and stored unless it is a
/// dry run or an activity is refused. Answers true when activities are refused.
pub async fn import_iati(
    db: &DatabaseConnection,
    bytes: &[u8],
    options: &ImportOptions,
    publisher_prefix: Option<&str>,
) -> anyhow::Result<bool> {
    use crate::services::import::iati;
    let actor = import_actor(db, options).await?;
    let file = iati::prepare(bytes, publisher_prefix).map_err(describe)?;
    let no_progress = |_: usize, _: usize| {};
    let report = iati::preview(db, &actor, &file, &no_progress)
        .await
        .map_err(describe)?;
    let t = report.totals;
    println!(
        "{} IATI activities: {} to create, {} to update, {} unchanged, {} refused",
        report.rows.len(),
        t.created,
        t.updated,
        t.unchanged,
        t.refused
    );
    for row in &report.rows {
        println!("  line {} {}: {:?}", row.line, row.key, row.status);
        for e in &row.errors {
            println!("    {}: {} {}", e.column, e.code, e.message);
        }
    }
    if t.refused > 0 {
        println!("nothing stored: fix the refused activities and run again");
        return Ok(true);
    }
    if options.dry_run {
        println!("dry run: nothing stored");
        return Ok(false);
    }
    let key = format!("cli-iati-{}-{}", file.digest(), report.token);
    let outcome = iati::confirm(db, &actor, &file, &report.token, &key, &no_progress)
        .await
        .map_err(describe)?;
    if let Some(e) = outcome.errors.first() {
        anyhow::bail!("{}", e.message);
    }
    println!("stored");
    Ok(false)
}

/// `api import`: previews the file, prints every refused row, and stores it
/// unless it is a dry run or a row is refused. Answers true when rows are refused.
pub async fn import(
    db: &DatabaseConnection,
    bytes: &[u8],
    options: &ImportOptions,
) -> anyhow::Result<bool> {
    use crate::services::import::{self, Kind, RowStatus};
    let kind = match &options.kind {
        Some(k) => Some(Kind::from_code(k).ok_or_else(|| {
            anyhow::anyhow!("--kind is events, service_counts or indicator_values")
        })?),
        None => None,
    };
    let Some(slug) = &options.slug else {
        anyhow::bail!("a spreadsheet goes into one project: name it with --project SLUG");
    };
    let actor = import_actor(db, options).await?;
    let project_id = project_id(db, slug).await?;
    let started = std::time::Instant::now();
    let file = import::prepare(bytes, kind).map_err(describe)?;
    let bar = indicatif::ProgressBar::new(file.rows() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg:8} {bar:30} {human_pos}/{human_len} rows {per_sec}",
        )
        .expect("valid progress template"),
    );
    bar.set_message("checking");
    let progress = |done: usize, _total: usize| bar.set_position(done as u64);
    let report = import::preview(db, &actor, project_id, &file, &progress)
        .await
        .map_err(describe)?;
    bar.finish_and_clear();
    let t = report.totals;
    println!(
        "{} rows of {} in sheet {:?}: {} to create, {} to update, {} unchanged, {} refused",
        report.rows.len(),
        report.kind.code(),
        report.sheet,
        t.created,
        t.updated,
        t.unchanged,
        t.refused
    );
    for row in report
        .rows
        .iter()
        .filter(|r| r.status == RowStatus::Refused)
        .take(200)
    {
        for e in &row.errors {
            println!("  row {} {}: {} {}", row.line, e.column, e.code, e.message);
        }
    }
    if t.refused > 0 {
        println!("nothing stored: fix the refused rows and run again");
        return Ok(true);
    }
    if options.dry_run {
        println!("dry run: nothing stored");
        return Ok(false);
    }
    bar.reset();
    bar.set_message("storing");
    let key = format!("cli-import-{}-{}", file.digest(), report.token);
    let outcome = import::confirm(
        db,
        &actor,
        project_id,
        &file,
        &report.token,
        &key,
        &progress,
    )
    .await?;
    bar.finish_and_clear();
    if let Some(e) = outcome.errors.first() {
        anyhow::bail!("{}", e.message);
    }
    println!(
        "stored in {:.1} s ({} rows/s)",
        started.elapsed().as_secs_f64(),
        (report.rows.len() as f64 / started.elapsed().as_secs_f64()).round()
    );
    Ok(false)
}
