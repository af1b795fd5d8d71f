//! Loading data: the demo dataset drawn from the seed texts, and a synthetic
//! dataset at scale for benchmarks ([`synthetic`]).
//!
//! Every demo record is looked up by its natural key before it is written, so
//! seeding twice changes nothing, and a newer dataset only adds what is new.
//! The whole load runs in one transaction: it lands completely or not at all.
//!
//! What a programme is (organisations, sources, projects with their
//! organisations, areas, plans and categories, plans and goals, centres,
//! teams, infrastructure works, indicators) is created through the same
//! set-up services as /manage uses (`services::setup`, `services::admin`),
//! as the [`Actor::seed`] actor, so the demo proves the set-up path: its
//! checks, defaults and derived columns (search keys, goal counts, version
//! 1). The load is audited once, as `seed.demo` (see
//! `services::audit_in_project` for why not per record).
//!
//! Left as rows, for reasons named where they are written: the reference
//! geography (countries, regions, districts and cities come with the
//! reference data; the services add only settlements and villages); the
//! facts (events with attendance, service counts, a work's earlier stages,
//! centre milestones, indicator values), whose record keys, fixed recording
//! instants and "illustrative" marks the seed decides itself; and the rows
//! a reload restores under a record that is already there.

mod activity;
mod check;
mod demo;
mod format;
mod resolve;
pub mod synthetic;
#[cfg(test)]
mod tests;
mod write;

use sea_orm::sea_query::{IntoCondition, SimpleExpr};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, TransactionTrait,
};

pub use synthetic::{SyntheticOptions, SyntheticReport, seed_synthetic};

use crate::services::{Actor, Outcome, ServiceError, ServiceResult};

/// What a seed run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Rows inserted.
    pub inserted: usize,
    /// Rows found already present and left alone.
    pub existing: usize,
}

/// Loads the demo dataset. `progress` is called with the name of each step
/// and the number of steps, for a progress bar. Record keys are made under
/// a random secret ([`seed_demo_with_keys`] takes the configured one,
/// `DISCLOSURE_KEY_SECRET`).
pub async fn seed_demo(
    db: &sea_orm::DatabaseConnection,
    progress: &(dyn Fn(usize, usize, &str) + Send + Sync),
) -> anyhow::Result<SeedReport> {
    seed_demo_with_keys(db, crate::disclosure::keys::RecordKeys::random(), progress).await
}

/// [`seed_demo`] with the record keys given.
pub async fn seed_demo_with_keys(
    db: &sea_orm::DatabaseConnection,
    keys: crate::disclosure::keys::RecordKeys,
    progress: &(dyn Fn(usize, usize, &str) + Send + Sync),
) -> anyhow::Result<SeedReport> {
    let txn = crate::db::begin_write(db).await?;
    let mut seeder = Seeder {
        db: &txn,
        report: SeedReport::default(),
        keys,
        actor: Actor::seed("demo"),
    };
    demo::load(&mut seeder, progress).await?;
    declare_categories(&txn).await?;
    let report = seeder.report;
    // The per-event summaries of the loaded events (`api serve` rewrites
    // them if it runs with other thresholds).
    crate::stats::summary::sync(&txn, &crate::disclosure::Thresholds::default()).await?;
    if report.inserted > 0 {
        // The data version (`crate::data_version`) moves with the seed too.
        use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, Set};
        entities::audit_entry::ActiveModel {
            id: NotSet,
            actor_user_id: Set(None),
            actor_api_key_id: Set(None),
            action: Set("seed.demo".to_string()),
            entity_type: Set("dataset".to_string()),
            entity_id: Set(None),
            before: Set(None),
            after: Set(Some(serde_json::json!({ "inserted": report.inserted }))),
            request_id: Set(None),
            created_at: Set(chrono::Utc::now()),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(report)
}

/// A demo account: e-mail, display name, password, role and, for managers,
/// the organisation (acronym) and project (slug) they work on.
pub struct DemoAccount {
    /// Log-in e-mail.
    pub email: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Password (printed in the README: these accounts exist only on the
    /// embedded demo database).
    pub password: &'static str,
    /// Role.
    pub role: entities::codes::UserRole,
    /// Organisation acronym and project slug of a manager.
    pub scope: Option<(&'static str, &'static str)>,
}

/// The demo accounts named in the README: made on the first start of the
/// embedded demo database only (never with `DATABASE_URL`, never in
/// production), so a newcomer can try data entry at once.
pub const DEMO_ACCOUNTS: [DemoAccount; 3] = [
    DemoAccount {
        email: "admin@example.org",
        name: "Demo administrator",
        password: "demo-admin-2026",
        role: entities::codes::UserRole::Admin,
        scope: None,
    },
    DemoAccount {
        email: "manager@example.org",
        name: "Demo manager (UNDP)",
        password: "demo-manager-2026",
        role: entities::codes::UserRole::Manager,
        scope: Some(("UNDP", demo::ANCHOR_SLUG)),
    },
    DemoAccount {
        email: "manager2@example.org",
        name: "Demo manager (Red Crescent)",
        password: "demo-manager-2026",
        role: entities::codes::UserRole::Manager,
        scope: Some(("AzQAC", "azqac-unified-reporting-mingachevir")),
    },
];

/// Creates [`DEMO_ACCOUNTS`] through the same service as `api user create`.
pub async fn create_demo_accounts(db: &sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    for account in DEMO_ACCOUNTS {
        let (organisation, projects) = match account.scope {
            Some((org, slug)) => (
                Some(crate::cli::organisation_id(db, org).await?),
                vec![crate::cli::project_id(db, slug).await?],
            ),
            None => (None, Vec::new()),
        };
        crate::cli::create_user(
            db,
            account.email.into(),
            account.name.into(),
            account.password.into(),
            account.role,
            organisation,
            projects,
        )
        .await?;
        tracing::info!(email = account.email, role = ?account.role, "demo account created (see the README)");
    }
    Ok(())
}

/// True when the demo dataset's anchor project is present.
pub async fn demo_is_loaded(db: &sea_orm::DatabaseConnection) -> anyhow::Result<bool> {
    use entities::project;
    Ok(project::Entity::find()
        .filter(project::Column::Slug.eq(demo::ANCHOR_SLUG))
        .one(db)
        .await?
        .is_some())
}

/// Inserts rows unless a row with the same natural key exists.
pub(crate) struct Seeder<'a, C: ConnectionTrait + TransactionTrait> {
    db: &'a C,
    report: SeedReport,
    /// Record keys of the loaded counts (`disclosure::keys`).
    keys: crate::disclosure::keys::RecordKeys,
    /// Who the set-up services see ([`Actor::seed`]).
    actor: Actor,
}

impl<C: ConnectionTrait + TransactionTrait> Seeder<'_, C> {
    /// Returns the id of the row matching `key`, inserting `row` first if none does.
    pub(crate) async fn ensure<E, A>(
        &mut self,
        key: Condition,
        row: A,
        id_of: fn(&E::Model) -> i32,
    ) -> anyhow::Result<i32>
    where
        E: EntityTrait,
        A: ActiveModelTrait<Entity = E> + ActiveModelBehavior + Send,
        E::Model: IntoActiveModel<A>,
    {
        if let Some(found) = E::find().filter(key).one(self.db).await? {
            self.report.existing += 1;
            return Ok(id_of(&found));
        }
        let inserted = row.insert(self.db).await?;
        self.report.inserted += 1;
        Ok(id_of(&inserted))
    }

    /// Returns the id of the record matching `key` (and false), or creates
    /// it through a set-up service (and true). `rows` is how many rows the
    /// service writes, for the report; a refusal of the service fails the
    /// load with its messages, naming `what`.
    pub(crate) async fn ensure_via<E>(
        &mut self,
        key: Condition,
        id_of: fn(&E::Model) -> i32,
        what: &str,
        rows: usize,
        create: impl AsyncFnOnce(&C, &Actor) -> ServiceResult<Outcome>,
    ) -> anyhow::Result<(i32, bool)>
    where
        E: EntityTrait,
    {
        if let Some(found) = E::find().filter(key).one(self.db).await? {
            self.report.existing += 1;
            return Ok((id_of(&found), false));
        }
        let outcome = match create(self.db, &self.actor).await {
            Ok(outcome) => outcome,
            Err(ServiceError::User(errors)) => {
                let problems: Vec<String> = errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field.join("."), e.message))
                    .collect();
                anyhow::bail!("the demo's {what} was refused: {}", problems.join("; "))
            }
            Err(ServiceError::Db(err)) => return Err(err.into()),
        };
        let Some(id) = outcome.id else {
            anyhow::bail!("the service creating the demo's {what} answered no id");
        };
        self.report.inserted += rows;
        Ok((id, true))
    }

    /// Inserts a link row (composite primary key) unless it exists.
    pub(crate) async fn link<E, A>(&mut self, key: Condition, row: A) -> anyhow::Result<()>
    where
        E: EntityTrait,
        A: ActiveModelTrait<Entity = E> + ActiveModelBehavior + Send,
    {
        if E::find().filter(key).one(self.db).await?.is_some() {
            self.report.existing += 1;
            return Ok(());
        }
        E::insert(row).exec_without_returning(self.db).await?;
        self.report.inserted += 1;
        Ok(())
    }
}

pub(crate) use crate::db::filter::eq_opt;

/// Builds an `AND` of conditions.
pub(crate) fn all<I: IntoIterator<Item = SimpleExpr>>(parts: I) -> Condition {
    parts
        .into_iter()
        .fold(Condition::all(), |acc, part| acc.add(part.into_condition()))
}

/// Declares, for every project, the beneficiary categories its loaded data
/// records (and `unknown`), as a programme's set-up would: the datasets
/// describe what each programme serves by what it records.
pub(crate) async fn declare_categories(db: &impl ConnectionTrait) -> Result<(), sea_orm::DbErr> {
    db.execute_unprepared(
        "INSERT INTO project_categories (project_id, category) \
         SELECT x.project_id, x.category FROM ( \
           SELECT id AS project_id, 'unknown' AS category FROM projects \
           UNION SELECT e.project_id, at.category FROM attendance at JOIN events e ON e.id = at.event_id \
           UNION SELECT project_id, category FROM service_counts WHERE category IS NOT NULL) x \
         WHERE NOT EXISTS (SELECT 1 FROM project_categories pc \
                           WHERE pc.project_id = x.project_id AND pc.category = x.category)",
    )
    .await?;
    Ok(())
}
