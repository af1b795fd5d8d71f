//! IATI 2.03 activity XML for public projects.
//!
//! Elements follow the order of the `iati-activity` sequence in the IATI
//! 2.03 schema: `iati-identifier`, `reporting-org`, `title`, `description`,
//! `participating-org`, `activity-status`, `activity-date`,
//! `recipient-country`, `location`, `sector`, `result`. Results carry the
//! indicators with their baselines, targets and actuals per dated period,
//! disaggregated by sex where the figures allow; suppressed and illustrative
//! values are left out.
//!
//! Who reports: the deployment's publisher, whose IATI organisation
//! identifier is configured (`IATI_PUBLISHER_PREFIX`, README "IATI"). It is
//! the `reporting-org` of every activity, with `secondary-reporter="1"`
//! unless it is itself the accountable, extending or implementing
//! organisation of the programme. Identifiers are the programme's registered
//! IATI identifier, else `<publisher prefix>-<slug>`: never made up under
//! another organisation's prefix.
//!
//! What the data does not give is not invented:
//! - an organisation without an IATI organisation identifier is named
//!   without a `ref`;
//! - `activity-date` needs a start: the project's own dates where known,
//!   else the earliest dated fact recorded for it (type 2, with a narrative
//!   saying so);
//! - `last-updated-datetime` is the latest change of the programme's rows in
//!   the audit trail (the project, its events, centres and works, and the
//!   data loads), left out when the trail has none;
//! - a budget is written when the amount, its currency and both ends of its
//!   period (the programme's start and end) are known;
//! - an indicator's baseline carries its own date's year, else the
//!   programme's start year (said in a comment); a target with no dated
//!   actual stands in a period from the programme's start to its end (or
//!   the target's date);
//! - the recipient country is the country of the project's areas, else
//!   Azerbaijan (every seed programme is in Azerbaijan);
//! - the sector is DAC 16010 (social protection) for every programme.
//!
//! A public programme that cannot be published validly (no identifier
//! because no publisher is configured, no date at all) is left out: the
//! file names it with its reason in a comment, and its own URL answers
//! `404` with the reason.

use std::collections::HashMap;
use std::io;

use chrono::{DateTime, NaiveDate, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};

use entities::codes::*;
use entities::*;

use super::ExportError;
use crate::config::IatiPublisher;
use crate::disclosure::Thresholds;
use crate::stats::Access;
use crate::stats::progress::{self, Progress};

/// The default recipient country when a project names no area.
pub const DEFAULT_COUNTRY: &str = "AZ";

fn status_code(s: ProjectStatus) -> &'static str {
    match s {
        ProjectStatus::Pipeline => "1",
        ProjectStatus::Implementation => "2",
        ProjectStatus::Finalisation => "3",
        ProjectStatus::Closed => "4",
        ProjectStatus::Cancelled => "5",
        ProjectStatus::Suspended => "6",
    }
}

fn role_code(r: ParticipantRole) -> Option<&'static str> {
    match r {
        ParticipantRole::Funding => Some("1"),
        ParticipantRole::Accountable => Some("2"),
        ParticipantRole::Extending => Some("3"),
        ParticipantRole::Implementing => Some("4"),
        ParticipantRole::Partner => None,
    }
}

/// IATI OrganisationType.
fn org_type(k: OrganisationKind) -> &'static str {
    match k {
        OrganisationKind::Government => "10",
        OrganisationKind::Ngo => "22",
        OrganisationKind::RedCrossRedCrescent => "21",
        OrganisationKind::UnAgency | OrganisationKind::InternationalOrganisation => "40",
        OrganisationKind::Donor => "90",
    }
}

/// The `reporting-org` of every activity: the configured publisher, with
/// its own record's names and type when it is one of the organisations.
struct Reporting {
    reference: String,
    name_en: String,
    name_az: Option<String>,
    kind: &'static str,
}

/// A public programme left out of the IATI files, and why.
#[derive(Debug, Clone)]
pub struct LeftOut {
    /// The programme's slug.
    pub slug: String,
    /// Why it cannot be published validly.
    pub reason: String,
}

/// Everything one activity needs.
struct Activity {
    identifier: String,
    secondary: bool,
    last_updated: Option<DateTime<Utc>>,
    project: project::Model,
    participants: Vec<(ParticipantRole, organisation::Model)>,
    /// The latest dated fact, which closes a target's period when the
    /// programme has no end date.
    latest_fact: Option<NaiveDate>,
    areas: Vec<area::Model>,
    country: String,
    start: Option<(NaiveDate, &'static str, bool)>,
    progress: Vec<Progress>,
}

/// The earliest (`MIN`) or latest (`MAX`) date of a fact recorded for the project.
async fn fact_date(
    db: &DatabaseConnection,
    project_id: i32,
    which: &str,
) -> Result<Option<NaiveDate>, ExportError> {
    let backend = db.get_database_backend();
    let p = match backend {
        sea_orm::DatabaseBackend::Postgres => "$1",
        _ => "?",
    };
    let sql = format!(
        "SELECT {which}(d) FROM (SELECT start_date AS d FROM events WHERE project_id = {p} \
         UNION ALL SELECT period_start FROM service_counts WHERE project_id = {p} \
         UNION ALL SELECT opened_on FROM centres WHERE project_id = {p} \
         UNION ALL SELECT completed_on FROM infrastructure_works WHERE project_id = {p}) AS facts"
    );
    let values: Vec<sea_orm::Value> = match backend {
        sea_orm::DatabaseBackend::Postgres => vec![project_id.into()],
        _ => vec![project_id.into(); 4],
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
        .map_err(ExportError::from_db)?;
    Ok(row.and_then(|r| r.try_get_by_index::<Option<NaiveDate>>(0).ok().flatten()))
}

/// The latest change of the programme's rows in the audit trail: the
/// project itself, its events, centres and works, and the data loads
/// (`dataset`), which insert rows without a trail of their own.
async fn last_updated(
    db: &DatabaseConnection,
    project_id: i32,
) -> Result<Option<DateTime<Utc>>, ExportError> {
    use sea_orm::sea_query::Expr;
    // `project_id` is an integer of ours: written into the text, which reads
    // the same on both engines.
    let owned = |table: &str, kind: &str| {
        Expr::cust(format!(
            "(entity_type = '{kind}' AND entity_id IN \
             (SELECT CAST(id AS TEXT) FROM {table} WHERE project_id = {project_id}))"
        ))
    };
    let latest: Option<Option<DateTime<Utc>>> = audit_entry::Entity::find()
        .select_only()
        .column_as(audit_entry::Column::CreatedAt.max(), "latest")
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(audit_entry::Column::EntityType.eq("project"))
                        .add(audit_entry::Column::EntityId.eq(project_id.to_string())),
                )
                .add(audit_entry::Column::EntityType.eq("dataset"))
                .add(owned("events", "event"))
                .add(owned("centres", "centre"))
                .add(owned("infrastructure_works", "infrastructure_work")),
        )
        .into_tuple()
        .one(db)
        .await
        .map_err(ExportError::from_db)?;
    Ok(latest.flatten())
}

async fn load(
    db: &DatabaseConnection,
    thresholds: Thresholds,
    publisher: &IatiPublisher,
    slug: Option<&str>,
) -> Result<(Option<Reporting>, Vec<Activity>, Vec<LeftOut>), ExportError> {
    let access = Access::public(db).await.map_err(ExportError::from_db)?;
    let mut find = project::Entity::find()
        .filter(project::Column::IsPublic.eq(true))
        .order_by_asc(project::Column::Id);
    if let Some(slug) = slug {
        find = find.filter(project::Column::Slug.eq(slug));
    }
    let projects = find.all(db).await.map_err(ExportError::from_db)?;
    if slug.is_some() && projects.is_empty() {
        return Err(ExportError::Text(
            axum::http::StatusCode::NOT_FOUND,
            "no public project with that slug".into(),
        ));
    }
    let ids: Vec<i32> = projects.iter().map(|p| p.id).collect();
    let participants = project_participant::Entity::find()
        .filter(project_participant::Column::ProjectId.is_in(ids.clone()))
        .order_by_asc(project_participant::Column::Id)
        .all(db)
        .await
        .map_err(ExportError::from_db)?;
    let orgs: HashMap<i32, organisation::Model> = organisation::Entity::find()
        .all(db)
        .await
        .map_err(ExportError::from_db)?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let all_areas: HashMap<i32, area::Model> = area::Entity::find()
        .all(db)
        .await
        .map_err(ExportError::from_db)?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let links = project_area::Entity::find()
        .filter(project_area::Column::ProjectId.is_in(ids))
        .all(db)
        .await
        .map_err(ExportError::from_db)?;
    let reporting = publisher.prefix.as_ref().map(|prefix| {
        match orgs
            .values()
            .find(|o| o.iati_ref.as_deref() == Some(prefix))
        {
            Some(o) => Reporting {
                reference: prefix.clone(),
                name_en: o.name_en.clone(),
                name_az: Some(o.name_az.clone()),
                kind: org_type(o.kind),
            },
            // OrganisationType 90: other.
            None => Reporting {
                reference: prefix.clone(),
                name_en: publisher.name.clone(),
                name_az: None,
                kind: "90",
            },
        }
    });
    let mut activities = Vec::new();
    let mut skipped = Vec::new();
    for p in projects {
        let identifier = match (&p.iati_identifier, &publisher.prefix) {
            (Some(registered), _) => registered.clone(),
            (None, Some(prefix)) => format!("{prefix}-{}", p.slug),
            (None, None) => {
                skipped.push(LeftOut {
                    slug: p.slug.clone(),
                    reason: "it has no registered IATI identifier, and no publisher is \
                             configured to give it one under its own prefix \
                             (IATI_PUBLISHER_PREFIX)"
                        .into(),
                });
                continue;
            }
        };
        if reporting.is_none() {
            skipped.push(LeftOut {
                slug: p.slug.clone(),
                reason: "no publisher is configured (IATI_PUBLISHER_PREFIX): the hub reports \
                         under its own IATI organisation identifier, never another's"
                    .into(),
            });
            continue;
        }
        let start = match (p.actual_start, p.planned_start) {
            (Some(d), _) => Some((d, "2", false)),
            (None, Some(d)) => Some((d, "1", false)),
            (None, None) => fact_date(db, p.id, "MIN").await?.map(|d| (d, "2", true)),
        };
        if start.is_none() {
            skipped.push(LeftOut {
                slug: p.slug.clone(),
                reason: "no date is known for it: neither its own start nor any dated \
                         activity (IATI needs a start date)"
                    .into(),
            });
            continue;
        }
        let mut areas: Vec<area::Model> = links
            .iter()
            .filter(|l| l.project_id == p.id)
            .filter_map(|l| all_areas.get(&l.area_id).cloned())
            .collect();
        areas.sort_by_key(|a| a.id);
        let country = areas
            .iter()
            .find_map(|a| {
                let mut at = a;
                while let Some(parent) = at.parent_id.and_then(|id| all_areas.get(&id)) {
                    at = parent;
                }
                (at.kind == AreaKind::Country)
                    .then(|| at.code.clone())
                    .flatten()
            })
            .unwrap_or_else(|| DEFAULT_COUNTRY.to_string());
        let progress =
            progress::project_progress(db, &access, thresholds, p.id, progress::Detail::BySex)
                .await
                .map_err(|e| ExportError::internal(format!("{e:?}")))?;
        let participants: Vec<(ParticipantRole, organisation::Model)> = participants
            .iter()
            .filter(|pp| pp.project_id == p.id)
            .filter_map(|pp| orgs.get(&pp.organisation_id).map(|o| (pp.role, o.clone())))
            .collect();
        // The publisher reports first-hand only on programmes it runs.
        let secondary = !participants.iter().any(|(role, o)| {
            role_code(*role).is_some_and(|c| c != "1")
                && o.iati_ref.is_some()
                && o.iati_ref == publisher.prefix
        });
        activities.push(Activity {
            identifier,
            secondary,
            last_updated: last_updated(db, p.id).await?,
            latest_fact: fact_date(db, p.id, "MAX").await?,
            participants,
            project: p,
            areas,
            country,
            start,
            progress,
        });
    }
    Ok((reporting, activities, skipped))
}

fn narratives<W: io::Write>(w: &mut Writer<W>, en: &str, az: Option<&str>) -> io::Result<()> {
    w.create_element("narrative")
        .write_text_content(BytesText::new(en))?;
    if let Some(az) = az {
        w.create_element("narrative")
            .with_attribute(("xml:lang", "az"))
            .write_text_content(BytesText::new(az))?;
    }
    Ok(())
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `period-start` and `period-end` of a budget or an indicator period.
fn period_bounds<W: io::Write>(
    w: &mut Writer<W>,
    from: NaiveDate,
    to: NaiveDate,
) -> io::Result<()> {
    w.create_element("period-start")
        .with_attribute(("iso-date", date(from).as_str()))
        .write_empty()?;
    w.create_element("period-end")
        .with_attribute(("iso-date", date(to).as_str()))
        .write_empty()?;
    Ok(())
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A `participating-org` or `reporting-org` element's `ref`, when known.
fn with_ref<'a, W: io::Write>(
    el: quick_xml::writer::ElementWriter<'a, W>,
    o: &organisation::Model,
) -> quick_xml::writer::ElementWriter<'a, W> {
    match o.iati_ref.as_deref() {
        Some(r) => el.with_attribute(("ref", r)),
        None => el,
    }
}

fn write_activity<W: io::Write>(
    w: &mut Writer<W>,
    a: &Activity,
    reporting: &Reporting,
) -> io::Result<()> {
    let p = &a.project;
    let identifier = &a.identifier;
    let updated = a.last_updated.map(timestamp);
    let mut activity = w.create_element("iati-activity");
    if let Some(updated) = &updated {
        activity = activity.with_attribute(("last-updated-datetime", updated.as_str()));
    }
    activity = activity.with_attribute(("xml:lang", "en"));
    if let Some(currency) = &p.budget_currency {
        activity = activity.with_attribute(("default-currency", currency.as_str()));
    }
    activity.write_inner_content(|w| {
        w.create_element("iati-identifier")
            .write_text_content(BytesText::new(identifier))?;
        w.create_element("reporting-org")
            .with_attribute(("ref", reporting.reference.as_str()))
            .with_attribute(("type", reporting.kind))
            .with_attribute(("secondary-reporter", if a.secondary { "1" } else { "0" }))
            .write_inner_content(|w| {
                narratives(w, &reporting.name_en, reporting.name_az.as_deref())
            })?;
        w.create_element("title")
            .write_inner_content(|w| narratives(w, &p.title_en, Some(&p.title_az)))?;
        if let Some(summary) = &p.summary_en {
            w.create_element("description")
                .with_attribute(("type", "1"))
                .write_inner_content(|w| narratives(w, summary, p.summary_az.as_deref()))?;
        }
        let mut roles_written = 0;
        for (role, o) in &a.participants {
            let Some(code) = role_code(*role) else {
                continue;
            };
            roles_written += 1;
            with_ref(w.create_element("participating-org"), o)
                .with_attribute(("role", code))
                .with_attribute(("type", org_type(o.kind)))
                .write_inner_content(|w| narratives(w, &o.name_en, Some(&o.name_az)))?;
        }
        if roles_written == 0 {
            // Nobody's role is known: the publisher answers for the record.
            w.create_element("participating-org")
                .with_attribute(("ref", reporting.reference.as_str()))
                .with_attribute(("role", "2"))
                .with_attribute(("type", reporting.kind))
                .write_inner_content(|w| {
                    narratives(w, &reporting.name_en, reporting.name_az.as_deref())
                })?;
        }
        w.create_element("activity-status")
            .with_attribute(("code", status_code(p.status)))
            .write_empty()?;
        if let Some((d, kind, from_facts)) = a.start {
            let el = w
                .create_element("activity-date")
                .with_attribute(("iso-date", date(d).as_str()))
                .with_attribute(("type", kind));
            if from_facts {
                el.write_inner_content(|w| {
                    narratives(
                        w,
                        "Earliest dated activity recorded for the project; its own start date is not published.",
                        None,
                    )
                })?;
            } else {
                el.write_empty()?;
            }
        }
        for (d, kind) in [(p.planned_end, "3"), (p.actual_end, "4")] {
            if let Some(d) = d {
                w.create_element("activity-date")
                    .with_attribute(("iso-date", date(d).as_str()))
                    .with_attribute(("type", kind))
                    .write_empty()?;
            }
        }
        if p.planned_start.is_some() && p.actual_start.is_some() {
            // Both starts are known: the planned one too.
            if let Some(d) = p.planned_start {
                w.create_element("activity-date")
                    .with_attribute(("iso-date", date(d).as_str()))
                    .with_attribute(("type", "1"))
                    .write_empty()?;
            }
        }
        w.create_element("recipient-country")
            .with_attribute(("code", a.country.as_str()))
            .with_attribute(("percentage", "100"))
            .write_empty()?;
        for area in &a.areas {
            let reference = area.code.clone().unwrap_or_else(|| format!("area-{}", area.id));
            w.create_element("location")
                .with_attribute(("ref", reference.as_str()))
                .write_inner_content(|w| {
                    w.create_element("name")
                        .write_inner_content(|w| narratives(w, &area.name_en, Some(&area.name_az)))?;
                    if let (Some(lat), Some(lon)) = (area.lat, area.lon) {
                        w.create_element("point")
                            .with_attribute(("srsName", "http://www.opengis.net/def/crs/EPSG/0/4326"))
                            .write_inner_content(|w| {
                                w.create_element("pos")
                                    .write_text_content(BytesText::new(&format!("{lat} {lon}")))?;
                                Ok(())
                            })?;
                    }
                    w.create_element("exactness")
                        .with_attribute(("code", "2"))
                        .write_empty()?;
                    w.create_element("location-class")
                        .with_attribute(("code", "1"))
                        .write_empty()?;
                    Ok(())
                })?;
        }
        w.create_element("sector")
            .with_attribute(("vocabulary", "1"))
            .with_attribute(("code", "16010"))
            .with_attribute(("percentage", "100"))
            .write_inner_content(|w| narratives(w, "Social protection", Some("Sosial müdafiə")))?;
        let start = a.start.map(|(d, _, _)| d);
        let end = p.actual_end.or(p.planned_end);
        if let (Some(amount), Some(currency), Some(from), Some(to)) =
            (p.budget_amount, &p.budget_currency, start, end)
            && from <= to
            && amount >= 0
        {
            // BudgetType 1 (original), BudgetStatus 1 (indicative).
            w.create_element("budget")
                .with_attribute(("type", "1"))
                .with_attribute(("status", "1"))
                .write_inner_content(|w| {
                    period_bounds(w, from, to)?;
                    w.create_element("value")
                        .with_attribute(("currency", currency.as_str()))
                        .with_attribute(("value-date", date(from).as_str()))
                        .write_text_content(BytesText::new(&amount.to_string()))?;
                    Ok(())
                })?;
        }
        for pr in &a.progress {
            write_result(w, pr, start, end, a.latest_fact)?;
        }
        Ok(())
    })?;
    Ok(())
}

fn write_result<W: io::Write>(
    w: &mut Writer<W>,
    pr: &Progress,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    latest_fact: Option<NaiveDate>,
) -> io::Result<()> {
    let ind = &pr.indicator;
    let dated: Vec<_> = pr
        .periods
        .iter()
        .filter(|p| p.start.is_some() && p.end.is_some())
        .collect();
    let target = ind.target.filter(|_| !ind.illustrative);
    // A target with no dated actual stands in the programme's own period:
    // from its start to the target's date, its end, the date the actual is
    // current as of (with that actual), or else its latest recorded fact
    // (said in a comment).
    let known_end = ind.target_date.or(end).or(pr.as_of);
    let target_period = match (target, dated.is_empty(), start, known_end.or(latest_fact)) {
        (Some(t), true, Some(from), Some(to)) if from <= to => Some((from, to, t)),
        _ => None,
    };
    let overall_actual = pr
        .actual
        .as_ref()
        .and_then(|f| f.value)
        .filter(|_| !pr.illustrative);
    if target.is_none() && dated.is_empty() {
        // Nothing an IATI reader could use: no target, no dated actual.
        return Ok(());
    }
    w.create_element("result")
        .with_attribute(("type", "1"))
        .with_attribute(("aggregation-status", "0"))
        .write_inner_content(|w| {
            w.create_element("title")
                .write_inner_content(|w| narratives(w, &ind.title_en, Some(&ind.title_az)))?;
            w.create_element("indicator")
                .with_attribute(("measure", "1"))
                .with_attribute(("ascending", "1"))
                .write_inner_content(|w| {
                    w.create_element("title").write_inner_content(|w| {
                        narratives(w, &ind.title_en, Some(&ind.title_az))
                    })?;
                    if let Some(b) = ind.baseline.filter(|_| !ind.illustrative) {
                        match (ind.baseline_date, start) {
                            (Some(d), _) => {
                                w.create_element("baseline")
                                    .with_attribute(("year", d.format("%Y").to_string().as_str()))
                                    .with_attribute(("iso-date", date(d).as_str()))
                                    .with_attribute(("value", b.to_string().as_str()))
                                    .write_empty()?;
                            }
                            (None, Some(d)) => {
                                w.create_element("baseline")
                                    .with_attribute(("year", d.format("%Y").to_string().as_str()))
                                    .with_attribute(("value", b.to_string().as_str()))
                                    .write_inner_content(|w| {
                                        w.create_element("comment").write_inner_content(|w| {
                                            narratives(
                                                w,
                                                "Baseline at the programme's start; its own date is not recorded.",
                                                None,
                                            )
                                        })?;
                                        Ok(())
                                    })?;
                            }
                            (None, None) => {}
                        }
                    }
                    if let Some((from, to, t)) = target_period {
                        w.create_element("period").write_inner_content(|w| {
                            period_bounds(w, from, to)?;
                            let el = w
                                .create_element("target")
                                .with_attribute(("value", t.to_string().as_str()));
                            if known_end.is_some() {
                                el.write_empty()?;
                            } else {
                                el.write_inner_content(|w| {
                                    w.create_element("comment").write_inner_content(|w| {
                                        narratives(
                                            w,
                                            "Target for the whole programme; no end date is recorded, so the period runs to its latest recorded activity.",
                                            None,
                                        )
                                    })?;
                                    Ok(())
                                })?;
                            }
                            if let Some(v) = overall_actual {
                                w.create_element("actual")
                                    .with_attribute(("value", v.to_string().as_str()))
                                    .write_empty()?;
                            }
                            Ok(())
                        })?;
                    }
                    for (i, period) in dated.iter().enumerate() {
                        let last = i + 1 == dated.len();
                        w.create_element("period").write_inner_content(|w| {
                            period_bounds(
                                w,
                                period.start.expect("dated"),
                                period.end.expect("dated"),
                            )?;
                            // The overall target stands beside the latest period.
                            if last && let Some(t) = target {
                                w.create_element("target")
                                    .with_attribute(("value", t.to_string().as_str()))
                                    .write_empty()?;
                            }
                            if let Some(v) = period.figure.value
                                && !period.illustrative
                            {
                                w.create_element("actual")
                                    .with_attribute(("value", v.to_string().as_str()))
                                    .write_empty()?;
                            }
                            for d in &period.disaggregations {
                                if let Some(v) = d.figure.value
                                    && !d.illustrative
                                {
                                    w.create_element("actual")
                                        .with_attribute(("value", v.to_string().as_str()))
                                        .write_inner_content(|w| {
                                            w.create_element("dimension")
                                                .with_attribute(("name", d.dimension.as_str()))
                                                .with_attribute(("value", d.value.as_str()))
                                                .write_empty()?;
                                            Ok(())
                                        })?;
                                }
                            }
                            Ok(())
                        })?;
                    }
                    Ok(())
                })?;
            Ok(())
        })?;
    Ok(())
}

/// The `iati-activities` document for every public project, or for one.
///
/// One project that cannot be published validly is not found (`404`),
/// with the reason; in the file of every project, each one left out is
/// named with its reason in a comment (and when none can be published, that
/// file is not found either, with every reason).
pub async fn activities(
    db: &DatabaseConnection,
    thresholds: Thresholds,
    publisher: &IatiPublisher,
    slug: Option<&str>,
) -> Result<Vec<u8>, ExportError> {
    let (reporting, activities, skipped) = load(db, thresholds, publisher, slug).await?;
    if let (Some(slug), Some(left)) = (slug, skipped.first()) {
        return Err(ExportError::not_found(format!(
            "{slug} is left out of the IATI files: {}",
            left.reason
        )));
    }
    // The schema asks for at least one activity: a file with none would be
    // invalid, so say why there is none instead.
    if activities.is_empty() || reporting.is_none() {
        let mut text = String::from("no public programme can be published in IATI here");
        for s in &skipped {
            text.push_str(&format!("\n{}: left out, {}", s.slug, s.reason));
        }
        return Err(ExportError::not_found(text));
    }
    let now = timestamp(Utc::now());
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(ExportError::internal)?;
    w.create_element("iati-activities")
        .with_attribute(("version", "2.03"))
        .with_attribute(("generated-datetime", now.as_str()))
        .write_inner_content(|w| {
            for s in &skipped {
                // `--` may not appear in a comment.
                let text = format!(" {}: left out, {} ", s.slug, s.reason).replace("--", "- -");
                w.write_event(Event::Comment(BytesText::from_escaped(text)))?;
            }
            if let Some(reporting) = &reporting {
                for a in &activities {
                    write_activity(w, a, reporting)?;
                }
            }
            Ok(())
        })
        .map_err(ExportError::internal)?;
    Ok(w.into_inner())
}
