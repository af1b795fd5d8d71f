//! `api seed synthetic --scale N`: a large, realistic dataset for benchmarks
//! and for checking the protection of statistics at scale.
//!
//! At scale 1.0 it writes 50 projects, 400 centres, 50,000 events, 1,000,000
//! attendance cells and 200,000 service counts (see [`plan`] for how they are
//! drawn), over the demo dataset's real places and organisations (loaded
//! first when the database has none). It refuses to run on a database that
//! holds anything else: it is for a fresh, migrated database only.
//!
//! Rows go in with multi-row `INSERT`s of only the columns the data needs
//! (defaults fill the rest, so columns added later with a default need no
//! change here), all in one transaction: the load lands completely or not at
//! all. Afterwards the tables are analysed (PostgreSQL here runs without
//! autovacuum, so a bulk load leaves the planner blind until then).

mod plan;

use std::time::{Duration, Instant};

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, Statement, Value,
};

use entities::codes::{Aggregation, AreaKind, CountingRule, OrganisationKind};
pub use plan::Sizes;
use plan::{Org, Place, Plan};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct SyntheticOptions {
    /// Multiplies every size of the default dataset (1.0: a million cells).
    pub scale: f64,
    /// Seed of every random draw: one seed, one dataset.
    pub seed: u64,
}

impl Default for SyntheticOptions {
    fn default() -> Self {
        Self {
            scale: 1.0,
            seed: 2026,
        }
    }
}

/// What a synthetic load did.
#[derive(Debug, Clone, Default)]
pub struct SyntheticReport {
    /// Rows written per table, in load order.
    pub tables: Vec<(&'static str, u64)>,
    /// All rows written.
    pub rows: u64,
    /// True when the reference data (places, organisations, sources) was loaded too.
    pub loaded_reference: bool,
    /// Time to draw and write the rows and commit.
    pub load: Duration,
    /// Time of the `ANALYZE` afterwards.
    pub analyze: Duration,
}

/// Progress callback: current table, rows written so far, rows in all.
pub type LoadProgress<'a> = &'a (dyn Fn(&str, u64, u64) + Send + Sync);

/// Tables that may hold rows before a synthetic load: the migration log and
/// the reference data the dataset is placed in (exactly the demo's).
const REFERENCE_TABLES: [&str; 3] = ["source_documents", "areas", "organisations"];
const ALWAYS_ALLOWED: [&str; 2] = ["seaql_migrations", "sqlite_sequence"];

/// Generates and loads the synthetic dataset (see the module documentation).
pub async fn seed_synthetic(
    db: &DatabaseConnection,
    options: SyntheticOptions,
    progress: LoadProgress<'_>,
) -> anyhow::Result<SyntheticReport> {
    anyhow::ensure!(
        options.scale.is_finite() && options.scale > 0.0 && options.scale <= 20.0,
        "--scale must be above 0 and at most 20 (got {})",
        options.scale
    );
    let pending = <migration::Migrator as migration::MigratorTrait>::get_pending_migrations(db)
        .await?
        .len();
    anyhow::ensure!(
        pending == 0,
        "the database has {pending} pending migration(s): run `api migrate` first"
    );
    let need_reference = check_fresh(db).await?;

    let started = Instant::now();
    let txn = crate::db::begin_write(db).await?;
    if need_reference {
        let mut data = super::demo::dataset()?;
        data.programmes.clear();
        let mut seeder = super::Seeder {
            db: &txn,
            report: super::SeedReport::default(),
            keys: crate::disclosure::keys::RecordKeys::random(),
            actor: crate::services::Actor::seed("synthetic"),
        };
        super::write::write(&mut seeder, &data, &|_, _, _| {}).await?;
    }
    let (places, orgs) = reference(&txn).await?;
    let sizes = Sizes::at(options.scale);
    let mut plan = Plan::draw(sizes, options.seed, &places, &orgs)?;
    plan.fill_capacities();

    let mut load = Loader::new(txn.get_database_backend(), expected_rows(&plan), progress);
    write_plan(&txn, &mut load, &plan).await?;
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        // Ids were given explicitly: move the sequences past them.
        for table in ["projects", "centres", "events"] {
            txn.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            ))
            .await?;
        }
    }
    super::declare_categories(&txn).await?;
    // The per-event summaries, in one statement over the loaded cells
    // (`api serve` rewrites them if it runs with other thresholds).
    crate::stats::summary::sync(&txn, &crate::disclosure::Thresholds::default()).await?;
    txn.commit().await?;
    let load_time = started.elapsed();

    let started = Instant::now();
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            // VACUUM also sets the visibility map, so index-only scans work
            // as they would under autovacuum.
            let mut tables: Vec<&str> = load.tables.iter().map(|(t, _)| *t).collect();
            tables.push("event_summaries");
            db.execute_unprepared(&format!("VACUUM (ANALYZE) {}", tables.join(", ")))
                .await?;
        }
        _ => {
            db.execute_unprepared("ANALYZE").await?;
            db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await?;
        }
    }
    Ok(SyntheticReport {
        rows: load.done,
        tables: load.tables,
        loaded_reference: need_reference,
        load: load_time,
        analyze: started.elapsed(),
    })
}

/// Checks that the database holds nothing but the migrated schema and,
/// optionally, exactly the demo reference data. Returns true when the
/// reference data is missing and has to be loaded.
async fn check_fresh(db: &DatabaseConnection) -> anyhow::Result<bool> {
    let backend = db.get_database_backend();
    let list = match backend {
        DatabaseBackend::Postgres => {
            "SELECT tablename::text FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1",
    };
    let tables: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, list))
        .await?
        .iter()
        .map(|r| r.try_get_by_index::<String>(0))
        .collect::<Result<_, _>>()?;
    let mut reference_rows = 0;
    for table in &tables {
        if ALWAYS_ALLOWED.contains(&table.as_str()) {
            continue;
        }
        let rows = count(db, table).await?;
        if REFERENCE_TABLES.contains(&table.as_str()) {
            reference_rows += rows;
        } else if rows > 0 {
            anyhow::bail!(
                "refusing to load synthetic data: table `{table}` holds {rows} row(s). \
                 `api seed synthetic` runs only on a freshly migrated database \
                 (with nothing but the demo reference data in it)"
            );
        }
    }
    if reference_rows == 0 {
        return Ok(true);
    }
    // Reference rows are allowed only when they are the demo's, unchanged.
    let data = super::demo::dataset()?;
    let expected = [
        ("source_documents", data.reference.source.len() as u64),
        ("areas", data.reference.area.len() as u64),
        ("organisations", data.reference.organisation.len() as u64),
    ];
    for (table, want) in expected {
        let rows = count(db, table).await?;
        anyhow::ensure!(
            rows == want,
            "refusing to load synthetic data: `{table}` holds {rows} row(s), not the {want} of \
             the demo reference data; use a freshly migrated database"
        );
    }
    let codes: Vec<Option<String>> = entities::area::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.code)
        .collect();
    for area in &data.reference.area {
        if area.code.is_some() && !codes.contains(&area.code) {
            anyhow::bail!(
                "refusing to load synthetic data: the areas are not the demo reference data \
                 (no area {:?}); use a freshly migrated database",
                area.code
            );
        }
    }
    Ok(false)
}

async fn count(db: &impl ConnectionTrait, table: &str) -> anyhow::Result<u64> {
    let backend = db.get_database_backend();
    let sql = format!("SELECT COUNT(*) FROM \"{}\"", table.replace('"', "\"\""));
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| anyhow::anyhow!("COUNT(*) returned no row"))?;
    Ok(row.try_get_by_index::<i64>(0)? as u64)
}

/// Places (every area below the country; villages and settlements weigh
/// less) and organisations (funders: UN agencies, donors, international
/// organisations and governments).
async fn reference(db: &impl ConnectionTrait) -> anyhow::Result<(Vec<Place>, Vec<Org>)> {
    let mut areas = entities::area::Entity::find().all(db).await?;
    areas.sort_by_key(|a| a.id);
    let places = areas
        .into_iter()
        .filter(|a| !matches!(a.kind, AreaKind::Country | AreaKind::EconomicRegion))
        .map(|a| Place {
            size: match a.kind {
                AreaKind::Village | AreaKind::Settlement => 0.3,
                _ => 1.0,
            },
            id: a.id,
            name_az: a.name_az,
            name_en: a.name_en,
        })
        .collect();
    let mut orgs = entities::organisation::Entity::find().all(db).await?;
    orgs.sort_by_key(|o| o.id);
    let orgs = orgs
        .into_iter()
        .map(|o| Org {
            id: o.id,
            funder: matches!(
                o.kind,
                OrganisationKind::UnAgency
                    | OrganisationKind::Donor
                    | OrganisationKind::InternationalOrganisation
                    | OrganisationKind::Government
            ),
        })
        .collect();
    Ok((places, orgs))
}

fn expected_rows(plan: &Plan) -> u64 {
    let p = &plan.projects;
    let c = &plan.centres;
    let sum = |n: usize| n as u64;
    sum(p.len())
        + sum(p.iter().map(|p| p.participants.len()).sum())
        + sum(p.iter().map(|p| p.areas.len()).sum())
        + sum(c.len())
        + sum(c.iter().map(|c| c.serves.len()).sum())
        + sum(plan.events.len())
        + sum(plan.events.iter().filter(|e| e.area_id.is_some()).count())
        + sum(plan.sizes.attendance)
        + sum(plan.sizes.service_counts)
        + sum(plan.indicators.len())
}

/// Writes the plan table by table through [`Loader`].
async fn write_plan(
    txn: &impl ConnectionTrait,
    load: &mut Loader<'_>,
    plan: &Plan,
) -> anyhow::Result<()> {
    use crate::search::search_key;
    let s = |t: &str| Value::from(t.to_string());

    let mut b = load.table(
        "projects",
        &[
            "id",
            "slug",
            "title_az",
            "title_en",
            "status",
            "planned_start",
            "planned_end",
            "actual_start",
            "budget_amount",
            "budget_currency",
            "sensitivity",
            "is_public",
            "search_key",
        ],
    );
    for p in &plan.projects {
        let row = vec![
            p.id.into(),
            s(&p.slug),
            s(&p.title_az),
            s(&p.title_en),
            s(p.status.code()),
            p.start.into(),
            p.end.into(),
            p.start.into(),
            p.budget.into(),
            s("USD"),
            s(p.sensitivity.code()),
            p.is_public.into(),
            s(&search_key([
                p.title_az.as_str(),
                p.title_en.as_str(),
                p.slug.as_str(),
            ])),
        ];
        b.push(txn, load, row).await?;
    }
    b.finish(txn, load).await?;

    let mut b = load.table(
        "project_participants",
        &["project_id", "organisation_id", "role"],
    );
    for p in &plan.projects {
        for (org, role) in &p.participants {
            b.push(txn, load, vec![p.id.into(), (*org).into(), s(role.code())])
                .await?;
        }
    }
    b.finish(txn, load).await?;

    let mut b = load.table("project_areas", &["project_id", "area_id"]);
    for p in &plan.projects {
        for area in &p.areas {
            b.push(txn, load, vec![p.id.into(), (*area).into()]).await?;
        }
    }
    b.finish(txn, load).await?;

    let mut b = load.table(
        "centres",
        &[
            "id",
            "project_id",
            "operator_organisation_id",
            "kind",
            "name_az",
            "name_en",
            "area_id",
            "rooms",
            "status",
            "opened_on",
            "sensitive_location",
            "search_key",
        ],
    );
    for c in &plan.centres {
        let row = vec![
            c.id.into(),
            plan.projects[c.project].id.into(),
            c.operator.into(),
            s(c.kind.code()),
            s(&c.name_az),
            s(&c.name_en),
            c.area_id.into(),
            c.rooms.into(),
            s(c.status.code()),
            c.opened_on.into(),
            c.sensitive_location.into(),
            s(&search_key([c.name_az.as_str(), c.name_en.as_str()])),
        ];
        b.push(txn, load, row).await?;
    }
    b.finish(txn, load).await?;

    let mut b = load.table("centre_areas_served", &["centre_id", "area_id"]);
    for c in &plan.centres {
        for area in &c.serves {
            b.push(txn, load, vec![c.id.into(), (*area).into()]).await?;
        }
    }
    b.finish(txn, load).await?;

    let mut b = load.table(
        "events",
        &[
            "id",
            "project_id",
            "centre_id",
            "kind",
            "title_az",
            "title_en",
            "start_date",
            "end_date",
            "capacity",
            "status",
            "search_key",
        ],
    );
    for e in &plan.events {
        let row = vec![
            e.id.into(),
            plan.projects[e.project].id.into(),
            e.centre.map(|c| plan.centres[c].id).into(),
            s(e.kind.code()),
            s(&e.title_az),
            s(&e.title_en),
            e.start.into(),
            e.end.into(),
            e.capacity.into(),
            s(e.status.code()),
            s(&search_key([e.title_az.as_str(), e.title_en.as_str()])),
        ];
        b.push(txn, load, row).await?;
    }
    b.finish(txn, load).await?;

    let mut b = load.table("event_areas", &["event_id", "area_id"]);
    for e in &plan.events {
        if let Some(area) = e.area_id {
            b.push(txn, load, vec![e.id.into(), area.into()]).await?;
        }
    }
    b.finish(txn, load).await?;

    let mut b = load.table(
        "attendance",
        &[
            "event_id",
            "sex",
            "age_band",
            "disability",
            "category",
            "count",
        ],
    );
    for c in plan.attendance() {
        let row = vec![
            c.event_id.into(),
            s(c.sex.code()),
            s(c.age_band.code()),
            s(c.disability.code()),
            s(c.category.code()),
            c.count.into(),
        ];
        b.push(txn, load, row).await?;
    }
    b.finish(txn, load).await?;

    let mut b = load.table(
        "service_counts",
        &[
            "project_id",
            "centre_id",
            "period_start",
            "period_end",
            "period_label_az",
            "period_label_en",
            "support_type",
            "channel",
            "stage",
            "unit",
            "sex",
            "value",
            "sensitivity",
        ],
    );
    for r in plan.service_counts() {
        let (label_az, label_en) = plan::month_labels(r.period_start);
        let row = vec![
            r.project_id.into(),
            r.centre_id.into(),
            r.period_start.into(),
            r.period_end.into(),
            label_az.into(),
            label_en.into(),
            s(r.support_type.code()),
            s(r.channel.code()),
            s(r.stage.code()),
            s(r.unit.code()),
            r.sex.map(|x| x.code().to_string()).into(),
            r.value.into(),
            s(r.sensitivity.code()),
        ];
        b.push(txn, load, row).await?;
    }
    b.finish(txn, load).await?;

    let mut b = load.table(
        "indicators",
        &[
            "project_id",
            "code",
            "title_az",
            "title_en",
            "unit",
            "counting_rule",
            "aggregation",
            "target",
            "sensitivity",
            "derived_from",
        ],
    );
    for i in &plan.indicators {
        let row = vec![
            i.project_id.into(),
            s(i.code),
            s(i.title_az),
            s(i.title_en),
            s(i.unit.code()),
            s(CountingRule::Total.code()),
            s(Aggregation::Sum.code()),
            i.target.into(),
            s(i.sensitivity.code()),
            s(i.derived_from),
        ];
        b.push(txn, load, row).await?;
    }
    b.finish(txn, load).await?;
    Ok(())
}

/// Rows written so far, for the progress callback and the report.
struct Loader<'a> {
    backend: DatabaseBackend,
    done: u64,
    total: u64,
    tables: Vec<(&'static str, u64)>,
    progress: LoadProgress<'a>,
}

impl<'a> Loader<'a> {
    fn new(backend: DatabaseBackend, total: u64, progress: LoadProgress<'a>) -> Self {
        Self {
            backend,
            done: 0,
            total,
            tables: Vec::new(),
            progress,
        }
    }

    fn table(&mut self, table: &'static str, columns: &'static [&'static str]) -> Batch {
        self.tables.push((table, 0));
        (self.progress)(table, self.done, self.total);
        Batch::new(self.backend, table, columns)
    }

    fn wrote(&mut self, rows: usize) {
        self.done += rows as u64;
        if let Some(last) = self.tables.last_mut() {
            last.1 += rows as u64;
        }
        let table = self.tables.last().map_or("", |t| t.0);
        (self.progress)(table, self.done, self.total);
    }
}

/// Bound parameters per statement: below SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_PARAMS: usize = 30_000;
/// Rows per `INSERT`: larger batches gained nothing measurable.
const MAX_ROWS: usize = 1_000;

/// One table's multi-row `INSERT`s.
struct Batch {
    backend: DatabaseBackend,
    table: &'static str,
    columns: &'static [&'static str],
    max_rows: usize,
    values: Vec<Value>,
    /// SQL of a full batch, made once.
    full: Option<String>,
}

impl Batch {
    fn new(
        backend: DatabaseBackend,
        table: &'static str,
        columns: &'static [&'static str],
    ) -> Self {
        let max_rows = (MAX_PARAMS / columns.len()).clamp(1, MAX_ROWS);
        Self {
            backend,
            table,
            columns,
            max_rows,
            values: Vec::with_capacity(max_rows * columns.len()),
            full: None,
        }
    }

    async fn push(
        &mut self,
        db: &impl ConnectionTrait,
        load: &mut Loader<'_>,
        row: Vec<Value>,
    ) -> anyhow::Result<()> {
        debug_assert_eq!(row.len(), self.columns.len(), "{}", self.table);
        self.values.extend(row);
        if self.values.len() >= self.max_rows * self.columns.len() {
            self.flush(db, load).await?;
        }
        Ok(())
    }

    async fn finish(
        &mut self,
        db: &impl ConnectionTrait,
        load: &mut Loader<'_>,
    ) -> anyhow::Result<()> {
        if !self.values.is_empty() {
            self.flush(db, load).await?;
        }
        Ok(())
    }

    async fn flush(
        &mut self,
        db: &impl ConnectionTrait,
        load: &mut Loader<'_>,
    ) -> anyhow::Result<()> {
        let rows = self.values.len() / self.columns.len();
        let sql = if rows == self.max_rows {
            if self.full.is_none() {
                self.full = Some(self.sql(rows));
            }
            self.full.clone().unwrap_or_default()
        } else {
            self.sql(rows)
        };
        let values = std::mem::replace(
            &mut self.values,
            Vec::with_capacity(self.max_rows * self.columns.len()),
        );
        db.execute_raw(Statement::from_sql_and_values(self.backend, sql, values))
            .await
            .map_err(|e| anyhow::anyhow!("inserting into {}: {e}", self.table))?;
        load.wrote(rows);
        Ok(())
    }

    /// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)…` for `rows` rows.
    fn sql(&self, rows: usize) -> String {
        let width = self.columns.len();
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ",
            self.table,
            self.columns.join(", ")
        );
        let mut n = 0;
        for r in 0..rows {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..width {
                if c > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                match self.backend {
                    DatabaseBackend::Postgres => {
                        sql.push('$');
                        sql.push_str(&n.to_string());
                    }
                    _ => sql.push('?'),
                }
            }
            sql.push(')');
        }
        sql
    }
}
