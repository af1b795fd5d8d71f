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
//! What the data does not give is not invented:
//! - a project without a registered IATI identifier gets a provisional one,
//!   `<reporting-org ref>-<slug>`; an organisation without an IATI
//!   organisation identifier gets `XX-HUB-<id>` (XX: no registration agency);
//! - `activity-date` needs a start: the project's own dates where known,
//!   else the earliest dated fact recorded for it (type 2, with a narrative
//!   saying so); a project with no date at all is left out of the file, with
//!   an XML comment naming it;
//! - the recipient country is the country of the project's areas, else
//!   Azerbaijan (every seed programme is in Azerbaijan);
//! - the sector is DAC 16010 (social protection) for every programme.

use std::collections::HashMap;
use std::io;

use chrono::NaiveDate;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Statement,
};

use entities::codes::*;
use entities::*;

use super::ExportError;
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

fn org_ref(o: &organisation::Model) -> String {
    o.iati_ref
        .clone()
        .unwrap_or_else(|| format!("XX-HUB-{}", o.id))
}

/// Everything one activity needs.
struct Activity {
    project: project::Model,
    participants: Vec<(ParticipantRole, organisation::Model)>,
    areas: Vec<area::Model>,
    country: String,
    start: Option<(NaiveDate, &'static str, bool)>,
    progress: Vec<Progress>,
}

async fn earliest_fact(
    db: &DatabaseConnection,
    project_id: i32,
) -> Result<Option<NaiveDate>, ExportError> {
    let backend = db.get_database_backend();
    let p = match backend {
        sea_orm::DatabaseBackend::Postgres => "$1",
        _ => "?",
    };
    let sql = format!(
        "SELECT MIN(d) FROM (SELECT start_date AS d FROM events WHERE project_id = {p} \
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

async fn load(
    db: &DatabaseConnection,
    thresholds: Thresholds,
    slug: Option<&str>,
) -> Result<(Vec<Activity>, Vec<String>), ExportError> {
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
    let mut activities = Vec::new();
    let mut skipped = Vec::new();
    for p in projects {
        let start = match (p.actual_start, p.planned_start) {
            (Some(d), _) => Some((d, "2", false)),
            (None, Some(d)) => Some((d, "1", false)),
            (None, None) => earliest_fact(db, p.id).await?.map(|d| (d, "2", true)),
        };
        if start.is_none() {
            skipped.push(p.slug.clone());
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
        activities.push(Activity {
            participants: participants
                .iter()
                .filter(|pp| pp.project_id == p.id)
                .filter_map(|pp| orgs.get(&pp.organisation_id).map(|o| (pp.role, o.clone())))
                .collect(),
            project: p,
            areas,
            country,
            start,
            progress,
        });
    }
    Ok((activities, skipped))
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

fn write_activity<W: io::Write>(w: &mut Writer<W>, a: &Activity, now: &str) -> io::Result<()> {
    let p = &a.project;
    let reporting = a
        .participants
        .iter()
        .find(|(r, _)| *r == ParticipantRole::Accountable)
        .or_else(|| a.participants.first())
        .map(|(_, o)| o);
    let prefix = reporting.map(org_ref).unwrap_or_else(|| "XX-HUB".into());
    let identifier = p
        .iati_identifier
        .clone()
        .unwrap_or_else(|| format!("{prefix}-{}", p.slug));
    let mut activity = w
        .create_element("iati-activity")
        .with_attribute(("last-updated-datetime", now))
        .with_attribute(("xml:lang", "en"));
    if let Some(currency) = &p.budget_currency {
        activity = activity.with_attribute(("default-currency", currency.as_str()));
    }
    activity.write_inner_content(|w| {
        w.create_element("iati-identifier")
            .write_text_content(BytesText::new(&identifier))?;
        if let Some(o) = reporting {
            w.create_element("reporting-org")
                .with_attribute(("ref", org_ref(o).as_str()))
                .with_attribute(("type", org_type(o.kind)))
                .write_inner_content(|w| narratives(w, &o.name_en, Some(&o.name_az)))?;
        }
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
            w.create_element("participating-org")
                .with_attribute(("ref", org_ref(o).as_str()))
                .with_attribute(("role", code))
                .with_attribute(("type", org_type(o.kind)))
                .write_inner_content(|w| narratives(w, &o.name_en, Some(&o.name_az)))?;
        }
        if roles_written == 0
            && let Some(o) = reporting
        {
            w.create_element("participating-org")
                .with_attribute(("ref", org_ref(o).as_str()))
                .with_attribute(("role", "2"))
                .with_attribute(("type", org_type(o.kind)))
                .write_inner_content(|w| narratives(w, &o.name_en, Some(&o.name_az)))?;
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
        for pr in &a.progress {
            write_result(w, pr)?;
        }
        Ok(())
    })?;
    Ok(())
}

fn write_result<W: io::Write>(w: &mut Writer<W>, pr: &Progress) -> io::Result<()> {
    let ind = &pr.indicator;
    let dated: Vec<_> = pr
        .periods
        .iter()
        .filter(|p| p.start.is_some() && p.end.is_some())
        .collect();
    if ind.target.is_none() && dated.is_empty() {
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
                    if let (Some(b), Some(d)) = (ind.baseline, ind.baseline_date) {
                        w.create_element("baseline")
                            .with_attribute(("year", d.format("%Y").to_string().as_str()))
                            .with_attribute(("iso-date", date(d).as_str()))
                            .with_attribute(("value", b.to_string().as_str()))
                            .write_empty()?;
                    }
                    for (i, period) in dated.iter().enumerate() {
                        let last = i + 1 == dated.len();
                        w.create_element("period").write_inner_content(|w| {
                            w.create_element("period-start")
                                .with_attribute((
                                    "iso-date",
                                    date(period.start.expect("dated")).as_str(),
                                ))
                                .write_empty()?;
                            w.create_element("period-end")
                                .with_attribute((
                                    "iso-date",
                                    date(period.end.expect("dated")).as_str(),
                                ))
                                .write_empty()?;
                            // The overall target stands beside the latest period.
                            if last
                                && !ind.illustrative
                                && let Some(t) = ind.target
                            {
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
pub async fn activities(
    db: &DatabaseConnection,
    thresholds: Thresholds,
    slug: Option<&str>,
) -> Result<Vec<u8>, ExportError> {
    let (activities, skipped) = load(db, thresholds, slug).await?;
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(ExportError::internal)?;
    w.create_element("iati-activities")
        .with_attribute(("version", "2.03"))
        .with_attribute(("generated-datetime", now.as_str()))
        .write_inner_content(|w| {
            for s in &skipped {
                w.write_event(Event::Comment(BytesText::from_escaped(format!(
                    " {s}: left out, no date is known for it "
                ))))?;
            }
            for a in &activities {
                write_activity(w, a, &now)?;
            }
            Ok(())
        })
        .map_err(ExportError::internal)?;
    Ok(w.into_inner())
}
