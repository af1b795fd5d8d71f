//! Spreadsheet import at scale: `cargo bench -p api --bench import`.
//!
//! On a fresh SQLite database with the demo data, it writes two 50,000-row
//! XLSX files for the UNDP project (monthly service counts: 3 centres × 12
//! months × type × channel × stage × sex × age band; events: 5,000 events
//! of 10 attendance cells each), then runs what `api import` and
//! `POST /import/{slug}` run: read and check the file, the dry run, the
//! confirmation (one transaction), and a second dry run of the same file
//! (every row unchanged). It prints the seconds and rows per second of each
//! step and the process's peak resident memory (`VmHWM`), which includes the
//! whole server library, the database pool and SQLite's cache.
//!
//! As a yardstick measured in the same process, it also times a plain bulk
//! insert of the same 50,000 service counts (multi-row INSERTs of 500 in
//! one transaction, rolled back: no checks, no audit, no protection
//! refresh) and prints each service-count step's time as a multiple of it.

use std::time::Instant;

use api::access::Viewer;
use api::services::Actor;
use api::services::import::{self, Kind};
use entities::codes::*;

fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

const ROWS: usize = 50_000;

fn counts_file() -> Vec<u8> {
    let centres = [
        "Füzuli İcma Resurs Mərkəzi",
        "Tərtər İcma Resurs Mərkəzi",
        "Ağcabədi İcma Resurs Mərkəzi",
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (i, h) in import::template::header(Kind::ServiceCounts, true)
        .iter()
        .enumerate()
    {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    let mut row = 1u32;
    'all: for centre in centres {
        for month in 1..=12 {
            for support in SupportType::ALL {
                for channel in Channel::ALL {
                    for stage in ServiceStage::ALL {
                        for sex in Sex::ALL {
                            for age in AgeBand::ALL {
                                let cells = [
                                    centre.to_string(),
                                    format!("{month:02}.2024"),
                                    support.code().to_string(),
                                    channel.code().to_string(),
                                    stage.code().to_string(),
                                    "persons".to_string(),
                                    sex.code().to_string(),
                                    age.code().to_string(),
                                ];
                                for (i, c) in cells.iter().enumerate() {
                                    ws.write_string(row, i as u16, c).unwrap();
                                }
                                ws.write_number(row, 10, f64::from(row % 97)).unwrap();
                                row += 1;
                                if row as usize > ROWS {
                                    break 'all;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn events_file() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (i, h) in import::template::header(Kind::Events, false)
        .iter()
        .enumerate()
    {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    let cats = ["youth", "general"];
    let mut row = 1u32;
    for e in 0..ROWS / 10 {
        let day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
            + chrono::Days::new((e % 360) as u64);
        for c in 0..10 {
            let sex = ["female", "male"][c % 2];
            let age = ["18-24", "25-59", "60+", "0-17", "unknown"][c / 2];
            let cells = [
                format!("Təlim {e}"),
                format!("Training {e}"),
                "training".into(),
                day.format("%d.%m.%Y").to_string(),
                String::new(),
                String::new(),
                String::new(),
                sex.into(),
                age.into(),
                "without_disability".into(),
                cats[e % 2].into(),
            ];
            for (i, v) in cells.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(row, i as u16, v).unwrap();
                }
            }
            ws.write_number(row, 11, (1 + (e + c) % 9) as f64).unwrap();
            row += 1;
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The counts file's cells as plain rows, inserted in one transaction
/// (rolled back): the seconds it took.
async fn reference_insert(db: &sea_orm::DatabaseConnection, project: i32) -> anyhow::Result<f64> {
    use entities::service_count;
    use sea_orm::{EntityTrait, NotSet, Set, TransactionTrait};
    let centres: Vec<i32> = {
        use sea_orm::{ColumnTrait, QueryFilter};
        entities::centre::Entity::find()
            .filter(entities::centre::Column::ProjectId.eq(project))
            .all(db)
            .await?
            .into_iter()
            .map(|c| c.id)
            .take(3)
            .collect()
    };
    let mut rows = Vec::with_capacity(ROWS);
    'all: for centre in &centres {
        for month in 1..=12u32 {
            let start = chrono::NaiveDate::from_ymd_opt(2024, month, 1).unwrap();
            let end = start + chrono::Months::new(1) - chrono::Days::new(1);
            for support in SupportType::ALL {
                for channel in Channel::ALL {
                    for stage in ServiceStage::ALL {
                        for sex in Sex::ALL {
                            for age in AgeBand::ALL {
                                rows.push(service_count::ActiveModel {
                                    id: NotSet,
                                    project_id: Set(project),
                                    centre_id: Set(Some(*centre)),
                                    period_start: Set(Some(start)),
                                    period_end: Set(Some(end)),
                                    period_label_az: Set(None),
                                    period_label_en: Set(None),
                                    support_type: Set(Some(*support)),
                                    channel: Set(Some(*channel)),
                                    stage: Set(*stage),
                                    unit: Set(CountUnit::Persons),
                                    sex: Set(Some(*sex)),
                                    age_band: Set(Some(*age)),
                                    disability: Set(None),
                                    category: Set(None),
                                    value: Set(i64::from(rows.len() as u32 % 97)),
                                    sensitivity: Set(Sensitivity::Ordinary),
                                    source_document_id: Set(None),
                                    version: Set(1),
                                    ..Default::default()
                                });
                                if rows.len() >= ROWS {
                                    break 'all;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    let t = Instant::now();
    let txn = db.begin().await?;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(500).collect();
        service_count::Entity::insert_many(chunk).exec(&txn).await?;
    }
    let secs = t.elapsed().as_secs_f64();
    txn.rollback().await?;
    Ok(secs)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let db = api::db::connect(&url, 4).await?;
    api::db::migrate(&db.conn).await?;
    api::seed::seed_demo(&db.conn, &|_, _, _| {}).await?;
    let admin = api::cli::create_user(
        &db.conn,
        "bench@example.org".into(),
        "Bench".into(),
        "a long enough bench password".into(),
        UserRole::Admin,
        None,
        Vec::new(),
    )
    .await?;
    let user = api::auth::load_user(&db.conn, admin, 0)
        .await
        .map_err(|_| anyhow::anyhow!("load user"))?
        .ok_or_else(|| anyhow::anyhow!("no user"))?;
    let actor = Actor {
        viewer: Viewer::User(user),
        request_id: Some("bench".into()),
        thresholds: Default::default(),
    };
    let project =
        api::cli::project_id(&db.conn, "undp-early-recovery-fuzuli-agjabadi-tartar").await?;
    println!(
        "import of {ROWS} rows (XLSX, SQLite, one process), debug={}",
        cfg!(debug_assertions)
    );
    println!(
        "{:<16} {:>10} {:>10} {:>12} {:>10}",
        "kind", "step", "seconds", "rows/s", "peak MiB"
    );
    let reference = reference_insert(&db.conn, project).await?;
    println!(
        "{:<16} {:>10} {:>10.2} {:>12.0} {:>10.1}",
        "reference",
        "insert",
        reference,
        ROWS as f64 / reference,
        peak_mib()
    );
    for (kind, bytes) in [
        (Kind::ServiceCounts, counts_file()),
        (Kind::Events, events_file()),
    ] {
        let line = |step: &str, secs: f64| {
            println!(
                "{:<16} {:>10} {:>10.2} {:>12.0} {:>10.1}   {:.1}x the reference insert",
                kind.code(),
                step,
                secs,
                ROWS as f64 / secs,
                peak_mib(),
                secs / reference
            );
        };
        let t = Instant::now();
        let file = import::prepare(&bytes, Some(kind)).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        line("read", t.elapsed().as_secs_f64());
        let t = Instant::now();
        let report = import::preview(&db.conn, &actor, project, &file, &|_, _| {})
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        line("dry run", t.elapsed().as_secs_f64());
        assert_eq!(
            report.totals.created,
            ROWS,
            "{:?}",
            report.rows.iter().find(|r| !r.errors.is_empty())
        );
        let t = Instant::now();
        let outcome = import::confirm(
            &db.conn,
            &actor,
            project,
            &file,
            &report.token,
            kind.code(),
            &|_, _| {},
        )
        .await?;
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        line("confirm", t.elapsed().as_secs_f64());
        let t = Instant::now();
        let again = import::preview(&db.conn, &actor, project, &file, &|_, _| {})
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        assert_eq!(again.totals.unchanged, ROWS);
        line("re-run", t.elapsed().as_secs_f64());
    }
    Ok(())
}
