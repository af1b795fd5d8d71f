//! Runs the migrations on SQLite and PostgreSQL and checks that the schema they
//! build is the one the entities expect: every column with its type,
//! nullability and primary key, plus the constraints the API relies on.
//!
//! PostgreSQL: postgres://postgres@127.0.0.1:5432/postgres (or `PG_ADMIN_URL`).
//! A uniquely named database is created and dropped again. When PostgreSQL does
//! not answer, the test prints "SKIPPED" and passes, unless `CI=true`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use entities::codes::*;
use entities::{area, attendance, audit_entry, event, event_area, idempotency_key};
use entities::{organisation, project};
use migration::{Migrator, MigratorTrait};
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{ColumnType, StringLen};
use sea_orm::{
    ActiveValue::Set, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend,
    Iterable, PrimaryKeyToColumn, SqlErr, Statement,
};

const PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A name no other run uses at the same time.
fn unique_suffix() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_nanos();
    format!("{}_{nanos}", std::process::id())
}

/// Deletes the SQLite file and its companions, also when the test panics.
struct RemoveOnDrop(std::path::PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

#[tokio::test]
async fn migrations_on_sqlite() {
    let path = std::env::temp_dir().join(format!("migration_test_{}.db", unique_suffix()));
    let _cleanup = RemoveOnDrop(path.clone());
    let mut options = ConnectOptions::new(format!("sqlite://{}?mode=rwc", path.display()));
    options
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| o.foreign_keys(true));
    let db = Database::connect(options).await.expect("open SQLite file");

    let on: i32 = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA foreign_keys",
        ))
        .await
        .unwrap()
        .expect("PRAGMA foreign_keys row")
        .try_get_by_index(0)
        .unwrap();
    assert_eq!(on, 1, "SQLite must run with foreign keys on");

    exercise(&db).await;

    db.close().await.unwrap();
}

#[tokio::test]
async fn migrations_on_postgres() {
    let admin_url = std::env::var("PG_ADMIN_URL").unwrap_or_else(|_| PG_ADMIN_URL.to_owned());
    let mut options = ConnectOptions::new(admin_url.clone());
    options
        .sqlx_logging(false)
        .connect_timeout(std::time::Duration::from_secs(5));
    let admin = match Database::connect(options).await {
        Ok(admin) => admin,
        Err(err) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("PostgreSQL not reachable at {admin_url}: {err}");
            }
            // Straight to stderr: the test harness would swallow eprintln!.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: PostgreSQL not reachable at {admin_url}: {err}"
            );
            return;
        }
    };

    let name = format!("migration_test_{}", unique_suffix());
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create test database");

    // The database is dropped even when the checks fail.
    let url = match admin_url.rfind('/') {
        Some(slash) => format!("{}/{name}", &admin_url[..slash]),
        None => panic!("PG_ADMIN_URL has no database part: {admin_url}"),
    };
    let outcome = tokio::spawn(async move {
        let mut options = ConnectOptions::new(url);
        options.sqlx_logging(false);
        let db = Database::connect(options)
            .await
            .expect("connect test database");
        exercise(&db).await;
        db.close().await.unwrap();
    })
    .await;

    admin
        .execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .await
        .expect("drop test database");
    admin.close().await.unwrap();

    if let Err(err) = outcome {
        std::panic::resume_unwind(err.into_panic());
    }
}

/// Everything the test checks, on one freshly created database.
async fn exercise(db: &DatabaseConnection) {
    Migrator::up(db, None).await.expect("migrate up");
    assert!(
        Migrator::get_pending_migrations(db)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        Migrator::get_applied_migrations(db).await.unwrap().len(),
        Migrator::migrations().len()
    );

    let tables = check_every_entity(db).await;
    assert_eq!(
        tables,
        user_tables(db).await,
        "every table has an entity and every entity a table"
    );

    if db.get_database_backend() == DbBackend::Sqlite {
        check_sqlite_rowid_alias(db, "audit_log").await;
        check_sqlite_rowid_alias(db, "idempotency_keys").await;
    }

    insert_rows_and_check_constraints(db).await;

    Migrator::down(db, None).await.expect("migrate down");
    assert!(
        user_tables(db).await.is_empty(),
        "down leaves no table behind"
    );
    assert!(
        Migrator::get_applied_migrations(db)
            .await
            .unwrap()
            .is_empty()
    );

    Migrator::up(db, None).await.expect("migrate up again");
    check_every_entity(db).await;
}

/// Reads every entity and compares its columns with the database's.
/// Returns the table names.
async fn check_every_entity(db: &DatabaseConnection) -> BTreeSet<String> {
    use entities::*;

    let mut tables = BTreeSet::new();
    macro_rules! check {
        ($($module:ident),+ $(,)?) => {
            $(
                $module::Entity::find()
                    .all(db)
                    .await
                    .unwrap_or_else(|e| panic!("{}: {e}", stringify!($module)));
                tables.insert(check_columns::<$module::Entity>(db).await);
            )+
        };
    }
    check!(
        area,
        area_boundary,
        citation,
        indicator_target,
        organisation,
        source_document,
        project,
        project_participant,
        project_area,
        project_category,
        plan,
        goal,
        project_plan_link,
        indicator,
        indicator_value,
        centre,
        centre_area_served,
        centre_milestone,
        team,
        team_role,
        event,
        event_area,
        event_summary,
        attendance,
        attendance_rollup,
        infrastructure_work,
        work_status_change,
        service_count,
        user,
        user_project_scope,
        api_key,
        audit_entry,
        idempotency_key,
        report,
        change,
        webhook_subscription,
        webhook_delivery,
        webhook_attempt,
        reporting_obligation,
        report_receipt,
        validation_rule,
        rule_result,
        figure_comment,
        programme_update,
        programme_update_file,
        period_narrative,
        period_finance,
        mail_message,
    );
    assert_eq!(tables.len(), 48);
    tables
}

/// One column as the database describes it.
#[derive(Debug, PartialEq, Eq)]
struct DbColumn {
    /// `integer`, `varchar(40)`, … in the backend's own spelling.
    ty: String,
    nullable: bool,
    primary_key: bool,
}

/// Compares an entity's columns (name, type, NULL or NOT NULL, primary key)
/// with its table. Returns the table name.
async fn check_columns<E: EntityTrait>(db: &DatabaseConnection) -> String {
    let table = E::default().table_name().to_owned();
    let backend = db.get_database_backend();
    let primary: BTreeSet<String> = E::PrimaryKey::iter()
        .map(|pk| pk.into_column().as_str().to_owned())
        .collect();
    let expected: BTreeMap<String, DbColumn> = E::Column::iter()
        .map(|col| {
            let def = col.def();
            let column = DbColumn {
                ty: expected_type(backend, def.get_column_type())
                    .unwrap_or_else(|| panic!("{table}.{}: unexpected type", col.as_str())),
                nullable: def.is_null(),
                primary_key: primary.contains(col.as_str()),
            };
            (col.as_str().to_owned(), column)
        })
        .collect();
    let actual = db_columns(db, &table).await;
    assert_eq!(actual, expected, "columns of {table}");
    table
}

/// How the migrations spell an entity's column type on each backend.
fn expected_type(backend: DbBackend, ty: &ColumnType) -> Option<String> {
    let sqlite = backend == DbBackend::Sqlite;
    let name = match ty {
        ColumnType::Integer => "integer".to_owned(),
        ColumnType::BigInteger if sqlite => "integer".to_owned(),
        ColumnType::BigInteger => "bigint".to_owned(),
        ColumnType::String(StringLen::N(n)) if sqlite => format!("varchar({n})"),
        ColumnType::String(StringLen::N(n)) => format!("character varying({n})"),
        ColumnType::String(StringLen::None) if sqlite => "varchar".to_owned(),
        ColumnType::String(StringLen::None) => "character varying".to_owned(),
        ColumnType::Text => "text".to_owned(),
        ColumnType::Double if sqlite => "double".to_owned(),
        ColumnType::Double => "double precision".to_owned(),
        ColumnType::Boolean => "boolean".to_owned(),
        ColumnType::Date if sqlite => "date_text".to_owned(),
        ColumnType::Date => "date".to_owned(),
        ColumnType::TimestampWithTimeZone if sqlite => "timestamp_with_timezone_text".to_owned(),
        ColumnType::TimestampWithTimeZone => "timestamp with time zone".to_owned(),
        ColumnType::Json if sqlite => "json_text".to_owned(),
        ColumnType::Json => "json".to_owned(),
        ColumnType::Blob if sqlite => "blob".to_owned(),
        ColumnType::Blob => "bytea".to_owned(),
        _ => return None,
    };
    Some(name)
}

async fn db_columns(db: &DatabaseConnection, table: &str) -> BTreeMap<String, DbColumn> {
    let backend = db.get_database_backend();
    let mut columns = BTreeMap::new();
    if backend == DbBackend::Sqlite {
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                format!("PRAGMA table_info(\"{table}\")"),
            ))
            .await
            .unwrap();
        for row in rows {
            let name: String = row.try_get("", "name").unwrap();
            // SQLite reports some declared types upper-cased (`INTEGER`).
            let ty = row.try_get::<String>("", "type").unwrap().to_lowercase();
            let not_null: i32 = row.try_get("", "notnull").unwrap();
            let pk: i32 = row.try_get("", "pk").unwrap();
            let column = DbColumn {
                ty,
                nullable: not_null == 0,
                primary_key: pk > 0,
            };
            columns.insert(name, column);
        }
    } else {
        let primary: BTreeSet<String> = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                "SELECT a.attname::text AS name FROM pg_index i \
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
                 WHERE i.indrelid = to_regclass($1) AND i.indisprimary",
                [format!("public.\"{table}\"").into()],
            ))
            .await
            .unwrap()
            .into_iter()
            .map(|row| row.try_get::<String>("", "name").unwrap())
            .collect();
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                "SELECT column_name::text AS name, data_type::text AS ty, \
                 character_maximum_length::int4 AS len, is_nullable::text AS nullable \
                 FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name = $1",
                [table.into()],
            ))
            .await
            .unwrap();
        for row in rows {
            let name: String = row.try_get("", "name").unwrap();
            let ty: String = row.try_get("", "ty").unwrap();
            let len: Option<i32> = row.try_get("", "len").unwrap();
            let nullable: String = row.try_get("", "nullable").unwrap();
            let column = DbColumn {
                ty: match len {
                    Some(len) => format!("{ty}({len})"),
                    None => ty,
                },
                nullable: nullable == "YES",
                primary_key: primary.contains(&name),
            };
            columns.insert(name, column);
        }
    }
    assert!(!columns.is_empty(), "table {table} does not exist");
    columns
}

/// Tables other than the migration bookkeeping.
async fn user_tables(db: &DatabaseConnection) -> BTreeSet<String> {
    let backend = db.get_database_backend();
    let sql = if backend == DbBackend::Sqlite {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    } else {
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
    };
    db.query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.try_get::<String>("", "name").unwrap())
        .filter(|name| name != "seaql_migrations")
        .collect()
}

/// An i64 key on SQLite must be an `INTEGER PRIMARY KEY` (an alias of the
/// rowid) for AUTOINCREMENT to work.
async fn check_sqlite_rowid_alias(db: &DatabaseConnection, table: &str) {
    let sql: String = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
            [table.into()],
        ))
        .await
        .unwrap()
        .expect("table exists")
        .try_get("", "sql")
        .unwrap();
    assert!(
        sql.contains(r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT"#),
        "{table}: {sql}"
    );
}

/// Error text of both the message and the debug form, to look for a constraint name.
fn error_text(err: &DbErr) -> String {
    format!("{err} {err:?}")
}

async fn insert_rows_and_check_constraints(db: &DatabaseConnection) {
    let district = area::ActiveModel {
        code: Set(Some("AZ-FUZ".to_owned())),
        kind: Set(AreaKind::District),
        name_az: Set("Füzuli".to_owned()),
        name_en: Set("Fuzuli".to_owned()),
        lat: Set(Some(39.6)),
        lon: Set(Some(47.14)),
        search_key: Set("fuzuli fuzuli".to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert area");
    let city = area::ActiveModel {
        kind: Set(AreaKind::City),
        name_az: Set("Horadiz".to_owned()),
        name_en: Set("Horadiz".to_owned()),
        parent_id: Set(Some(district.id)),
        search_key: Set("horadiz horadiz".to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert area with parent");
    assert_eq!(city.parent_id, Some(district.id));
    assert_eq!(city.code, None);

    let duplicate_code = area::ActiveModel {
        code: Set(Some("AZ-FUZ".to_owned())),
        kind: Set(AreaKind::District),
        name_az: Set("x".to_owned()),
        name_en: Set("x".to_owned()),
        search_key: Set("x".to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect_err("areas.code is unique");
    assert!(matches!(
        duplicate_code.sql_err(),
        Some(SqlErr::UniqueConstraintViolation(_))
    ));

    let org = organisation::ActiveModel {
        acronym_en: Set(Some("UNDP".to_owned())),
        name_az: Set("BMT İnkişaf Proqramı".to_owned()),
        name_en: Set("United Nations Development Programme".to_owned()),
        kind: Set(OrganisationKind::UnAgency),
        search_key: Set("undp".to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert organisation");
    assert_eq!(org.version, 1, "version defaults to 1");

    let proj = project::ActiveModel {
        slug: Set("community-resource-centres".to_owned()),
        title_az: Set("İcma Resurs Mərkəzləri".to_owned()),
        title_en: Set("Community Resource Centres".to_owned()),
        status: Set(ProjectStatus::Implementation),
        planned_start: Set(Date::from_ymd_opt(2021, 1, 1)),
        budget_amount: Set(Some(5_000_000_000)),
        sensitivity: Set(Sensitivity::Ordinary),
        search_key: Set("icma resurs merkezleri community resource centres".to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert project");
    assert_eq!(proj.version, 1, "version defaults to 1");
    assert!(!proj.is_public, "is_public defaults to false");
    assert_eq!(proj.budget_amount, Some(5_000_000_000), "budget is 64-bit");

    let new_event = |capacity: Option<i32>| event::ActiveModel {
        project_id: Set(proj.id),
        kind: Set(EventKind::CommunityMeeting),
        title_az: Set("İcma görüşü".to_owned()),
        title_en: Set("Community meeting".to_owned()),
        start_date: Set(Date::from_ymd_opt(2021, 5, 14)),
        capacity: Set(capacity),
        status: Set(EventStatus::Held),
        search_key: Set("icma gorusu community meeting".to_owned()),
        ..Default::default()
    };
    let meeting = new_event(Some(10)).insert(db).await.expect("insert event");
    assert_eq!(meeting.version, 1);
    let err = new_event(Some(0))
        .insert(db)
        .await
        .expect_err("capacity 0 is rejected");
    assert!(
        error_text(&err).contains("ck_events_capacity_positive"),
        "{err}"
    );
    new_event(None)
        .insert(db)
        .await
        .expect("an unknown capacity passes the check");

    event_area::ActiveModel {
        event_id: Set(meeting.id),
        area_id: Set(city.id),
    }
    .insert(db)
    .await
    .expect("insert event area");

    let cell = |event_id: i32, sex: Sex, count: i32| attendance::ActiveModel {
        event_id: Set(event_id),
        sex: Set(sex),
        age_band: Set(AgeBand::Age25To59),
        disability: Set(Disability::WithoutDisability),
        category: Set(BeneficiaryCategory::WarAffected),
        count: Set(count),
        ..Default::default()
    };
    let row = cell(meeting.id, Sex::Female, 6)
        .insert(db)
        .await
        .expect("insert attendance");
    assert_eq!(row.count, 6);
    assert_eq!(row.age_band, AgeBand::Age25To59);

    let err = cell(meeting.id, Sex::Male, -1)
        .insert(db)
        .await
        .expect_err("a negative count is rejected");
    assert!(
        error_text(&err).contains("ck_attendance_count_non_negative"),
        "{err}"
    );

    let err = cell(meeting.id, Sex::Female, 3)
        .insert(db)
        .await
        .expect_err("a second row for the same cell is rejected");
    assert!(
        matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))),
        "{err}"
    );

    let err = cell(meeting.id + 1000, Sex::Male, 1)
        .insert(db)
        .await
        .expect_err("an unknown event is rejected");
    assert!(
        matches!(
            err.sql_err(),
            Some(SqlErr::ForeignKeyConstraintViolation(_))
        ),
        "{err}"
    );

    // Attendance and event areas belong to their event; the project is protected.
    let err = project::Entity::delete_by_id(proj.id)
        .exec(db)
        .await
        .expect_err("a project with events cannot be deleted");
    assert!(
        matches!(
            err.sql_err(),
            Some(SqlErr::ForeignKeyConstraintViolation(_))
        ),
        "{err}"
    );
    let extra = cell(meeting.id, Sex::Male, 4).insert(db).await.unwrap();
    event::Entity::delete_by_id(meeting.id)
        .exec(db)
        .await
        .expect("delete event");
    assert!(
        attendance::Entity::find_by_id(extra.id)
            .one(db)
            .await
            .unwrap()
            .is_none(),
        "attendance is deleted with its event"
    );
    assert!(event_area::Entity::find().all(db).await.unwrap().is_empty());

    // 64-bit keys, JSON and time stamps.
    let at = DateTimeUtc::from_timestamp(1_763_700_000, 0).unwrap();
    let entry = audit_entry::ActiveModel {
        action: Set("create".to_owned()),
        entity_type: Set("project".to_owned()),
        entity_id: Set(Some(proj.id.to_string())),
        after: Set(Some(Json::String("after".to_owned()))),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert audit entry");
    assert!(entry.id >= 1);
    assert_eq!(entry.created_at, at);
    assert_eq!(entry.after, Some(Json::String("after".to_owned())));

    let key = |k: &str| idempotency_key::ActiveModel {
        actor: Set("user:1".to_owned()),
        key: Set(k.to_owned()),
        request_hash: Set("abc".to_owned()),
        created_at: Set(at),
        ..Default::default()
    };
    let first = key("k1").insert(db).await.expect("insert idempotency key");
    let second = key("k2").insert(db).await.expect("insert idempotency key");
    assert!(second.id > first.id);
    let err = key("k1")
        .insert(db)
        .await
        .expect_err("(actor, key) is unique");
    assert!(
        matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))),
        "{err}"
    );
}
