//! Labels of statistics rows, published per-row figures, and the table builders.

use crate::graphql::prelude::*;
use crate::stats::aggregate::{self, Cache, Kind, StatsQuery as Question};
use crate::stats::facilities::{self, Facility, FacilityQuery};
use crate::stats::{Access, Dimension, labels};

/// Source documents by id, in id order. Through the loader: the sources of
/// every indicator on a page are one batch.
pub(crate) async fn sources(ctx: &Context<'_>, ids: &[i32]) -> ApiResult<Vec<SourceDocument>> {
    let mut found: Vec<source_document::Model> =
        each(ctx, ids.iter().copied().map(SourceById).collect())
            .await?
            .into_values()
            .collect();
    found.sort_by_key(|s| s.id);
    Ok(found.into_iter().map(SourceDocument).collect())
}

/// The caller's access for statistics (read once per request).
pub(crate) async fn access(ctx: &Context<'_>) -> ApiResult<Access> {
    let viewer = &scope(ctx).viewer;
    let load = || {
        Access::load(db(ctx), viewer.project_scope(), |p| {
            viewer.sees_raw_figures(p)
        })
    };
    match ctx.data_opt::<Cache>() {
        Some(cache) => Ok(cache
            .access
            .get_or_try_init(load)
            .await
            .map_err(AppError::from)?
            .clone()),
        None => Ok(load().await?),
    }
}

/// A project's service counts as published: the same rule as `serviceStats`,
/// with illustrative breakdowns shown as the reported figure.
pub(crate) async fn published_service_counts(
    ctx: &Context<'_>,
    project_id: i32,
    rows: Vec<service_count::Model>,
) -> ApiResult<Vec<(service_count::Model, Figure)>> {
    let access = access(ctx).await?;
    let sensitive = access.sensitive.contains(&project_id);
    Ok(aggregate::reported_service_counts(
        &access,
        scope(ctx).thresholds,
        project_id,
        sensitive,
        rows,
    ))
}

/// An event's attendance cells and total as published: the same rule as
/// `participantStats`.
pub(crate) async fn published_attendance(
    ctx: &Context<'_>,
    event: &event::Model,
    rows: &[attendance::Model],
) -> ApiResult<(Vec<Figure>, Figure)> {
    let access = access(ctx).await?;
    let sensitive = access.sensitive.contains(&event.project_id);
    Ok(aggregate::published_attendance(
        &access,
        scope(ctx).thresholds,
        event.project_id,
        sensitive,
        event.source_document_id.is_some(),
        rows,
    ))
}

/// Names and codes of entity dimension values, loaded in one query per table.
#[derive(Default)]
pub struct Names {
    projects: HashMap<i32, project::Model>,
    organisations: HashMap<i32, organisation::Model>,
    centres: HashMap<i32, centre::Model>,
    areas: HashMap<i32, area::Model>,
    events: HashMap<i32, event::Model>,
}

impl Names {
    /// Loads the rows named by `keys` (dimension, raw id text).
    pub async fn load(
        db: &DatabaseConnection,
        keys: &[(Dimension, Option<String>)],
    ) -> ApiResult<Self> {
        let mut wanted: HashMap<Dimension, BTreeSet<i32>> = HashMap::new();
        for (d, v) in keys {
            let d = *d;
            if let Some(id) = v.as_deref().and_then(|v| v.parse::<i32>().ok())
                && d.is_entity()
            {
                wanted.entry(d).or_default().insert(id);
            }
        }
        let ids = |d: Dimension| {
            wanted
                .get(&d)
                .map(|s| s.iter().copied().collect::<Vec<_>>())
        };
        let mut names = Self::default();
        if let Some(ids) = ids(Dimension::Project) {
            names.projects = by_id(
                project::Entity::find()
                    .filter(project::Column::Id.is_in(ids))
                    .all(db)
                    .await?,
                |m| m.id,
            );
        }
        if let Some(ids) = ids(Dimension::Organisation) {
            names.organisations = by_id(
                organisation::Entity::find()
                    .filter(organisation::Column::Id.is_in(ids))
                    .all(db)
                    .await?,
                |m| m.id,
            );
        }
        if let Some(ids) = ids(Dimension::Centre) {
            names.centres = by_id(
                centre::Entity::find()
                    .filter(centre::Column::Id.is_in(ids))
                    .all(db)
                    .await?,
                |m| m.id,
            );
        }
        if let Some(ids) = ids(Dimension::District) {
            names.areas = by_id(
                area::Entity::find()
                    .filter(area::Column::Id.is_in(ids))
                    .all(db)
                    .await?,
                |m| m.id,
            );
        }
        if let Some(ids) = ids(Dimension::Event) {
            names.events = by_id(
                event::Entity::find()
                    .filter(event::Column::Id.is_in(ids))
                    .all(db)
                    .await?,
                |m| m.id,
            );
        }
        Ok(names)
    }

    /// Code, global ID and name of a dimension value.
    pub fn describe(
        &self,
        d: Dimension,
        value: &Option<String>,
        lang: Lang,
    ) -> (Option<String>, Option<ID>, String) {
        let az = lang == Lang::Az;
        let Some(v) = value else {
            return (None, None, labels::unknown(az).to_string());
        };
        let id: Option<i32> = v.parse().ok();
        let pick = |a: &str, e: &str| if az { a.to_string() } else { e.to_string() };
        let entity = |kind: NodeType| id.map(|i| encode(kind, i));
        match d {
            Dimension::Project => match id.and_then(|i| self.projects.get(&i)) {
                Some(p) => (
                    Some(p.slug.clone()),
                    entity(NodeType::Project),
                    pick(&p.title_az, &p.title_en),
                ),
                None => (Some(v.clone()), entity(NodeType::Project), v.clone()),
            },
            Dimension::Organisation => match id.and_then(|i| self.organisations.get(&i)) {
                Some(o) => {
                    let code = o
                        .iati_ref
                        .clone()
                        .or_else(|| o.acronym_en.clone())
                        .unwrap_or_else(|| encode(NodeType::Organisation, o.id).to_string());
                    (
                        Some(code),
                        entity(NodeType::Organisation),
                        pick(&o.name_az, &o.name_en),
                    )
                }
                None => (Some(v.clone()), entity(NodeType::Organisation), v.clone()),
            },
            Dimension::Centre => {
                let gid = entity(NodeType::Centre);
                match id.and_then(|i| self.centres.get(&i)) {
                    Some(c) => (
                        gid.as_ref().map(|g| g.to_string()),
                        gid,
                        pick(&c.name_az, &c.name_en),
                    ),
                    None => (Some(v.clone()), gid, v.clone()),
                }
            }
            Dimension::District => {
                let gid = entity(NodeType::Area);
                match id.and_then(|i| self.areas.get(&i)) {
                    Some(a) => (
                        a.code
                            .clone()
                            .or_else(|| gid.as_ref().map(|g| g.to_string())),
                        gid,
                        pick(&a.name_az, &a.name_en),
                    ),
                    None => (Some(v.clone()), gid, v.clone()),
                }
            }
            Dimension::Event => {
                let gid = entity(NodeType::Event);
                match id.and_then(|i| self.events.get(&i)) {
                    Some(e) => (
                        gid.as_ref().map(|g| g.to_string()),
                        gid,
                        // An event's title may be given in one language only.
                        match pick(&e.title_az, &e.title_en) {
                            t if t.trim().is_empty() => pick(&e.title_en, &e.title_az),
                            t => t,
                        },
                    ),
                    None => (Some(v.clone()), gid, v.clone()),
                }
            }
            Dimension::Month | Dimension::Quarter | Dimension::Year => {
                (Some(v.clone()), None, v.clone())
            }
            other => {
                let list = match other {
                    Dimension::EventKind => "event_kind",
                    Dimension::Sex => "sex",
                    Dimension::AgeBand => "age_band",
                    Dimension::Disability => "disability",
                    Dimension::Category => "category",
                    Dimension::SupportType => "support_type",
                    Dimension::Channel => "channel",
                    Dimension::Stage => "stage",
                    _ => "unit",
                };
                (Some(v.clone()), None, labels::label(list, v, az))
            }
        }
    }
}

pub(crate) fn by_id<M>(rows: Vec<M>, id: fn(&M) -> i32) -> HashMap<i32, M> {
    rows.into_iter().map(|m| (id(&m), m)).collect()
}

pub(crate) fn total_of(t: &aggregate::StatsTotal) -> StatsTotal {
    StatsTotal {
        unit: t.unit,
        value: t.figure.value,
        suppressed: t.figure.suppressed,
        disclosure: t.figure.into(),
        illustrative: t.illustrative,
    }
}

pub(crate) async fn stats_table(
    ctx: &Context<'_>,
    kind: Kind,
    filter: Option<StatsFilter>,
    group_by: Option<Vec<StatsDimension>>,
    lang: Option<Lang>,
) -> ApiResult<StatsTable> {
    let (select, area) = filter.unwrap_or_default().to_selection()?;
    // Each dimension once, in the order first given: `[SEX, SEX]` groups by
    // sex (as facility counts already did), so the echo matches every row.
    let mut dims: Vec<Dimension> = Vec::new();
    for d in group_by.unwrap_or_default() {
        let d = d.into();
        if !dims.contains(&d) {
            dims.push(d);
        }
    }
    let group_by = dims;
    let question = Question {
        kind,
        group_by: group_by.clone(),
        select,
        area,
    };
    let access = access(ctx).await?;
    let table = aggregate::aggregate(db(ctx), &access, &question).await?;
    let keys: Vec<(Dimension, Option<String>)> = table
        .rows
        .iter()
        .flat_map(|r| r.keys.iter().cloned())
        .collect();
    let names = Names::load(db(ctx), &keys).await?;
    let lang = resolve(ctx, lang);
    Ok(StatsTable {
        group_by: group_by.iter().map(|d| (*d).into()).collect(),
        rows: table
            .rows
            .iter()
            .map(|r| StatsRow {
                dimensions: r
                    .keys
                    .iter()
                    .map(|(d, v)| {
                        let (code, id, name) = names.describe(*d, v, lang);
                        DimensionValue {
                            dimension: (*d).into(),
                            code,
                            id,
                            name,
                        }
                    })
                    .collect(),
                value: r.figure.value,
                suppressed: r.figure.suppressed,
                disclosure: r.figure.into(),
                unit: r.unit,
                illustrative: r.illustrative,
            })
            .collect(),
        totals: table.totals.iter().map(total_of).collect(),
        suppression_applied: table.suppression_applied,
    })
}

pub(crate) async fn facility_counts(
    ctx: &Context<'_>,
    what: Facility,
    mut query: FacilityQuery,
    lang: Option<Lang>,
) -> ApiResult<Vec<FacilityCount>> {
    let access = access(ctx).await?;
    query.hide_sensitive_locations = scope(ctx).viewer.hides_sensitive_locations();
    let rows = facilities::count(db(ctx), &access, what, &query).await?;
    let lang = resolve(ctx, lang);
    let az = lang == Lang::Az;
    let keys: Vec<(Dimension, Option<String>)> = rows
        .iter()
        .flat_map(|r| {
            r.keys.iter().filter_map(|(d, v)| match d {
                facilities::FacilityDimension::Project => Some((Dimension::Project, v.clone())),
                facilities::FacilityDimension::District => Some((Dimension::District, v.clone())),
                _ => None,
            })
        })
        .collect();
    let names = Names::load(db(ctx), &keys).await?;
    let (kind_list, status_list, unit) = match what {
        Facility::Centres => ("centre_kind", "centre_status", CountUnit::Centres),
        Facility::Works => ("work_kind", "work_status", CountUnit::Works),
    };
    Ok(rows
        .into_iter()
        .map(|r| FacilityCount {
            dimensions: r
                .keys
                .iter()
                .map(|(d, v)| {
                    let (dimension, (code, id, name)) = match d {
                        facilities::FacilityDimension::Project => (
                            FacilityDimension::Project,
                            names.describe(Dimension::Project, v, lang),
                        ),
                        facilities::FacilityDimension::District => (
                            FacilityDimension::District,
                            names.describe(Dimension::District, v, lang),
                        ),
                        facilities::FacilityDimension::Kind => {
                            (FacilityDimension::Kind, describe_code(kind_list, v, az))
                        }
                        facilities::FacilityDimension::Status => {
                            (FacilityDimension::Status, describe_code(status_list, v, az))
                        }
                    };
                    FacilityDimensionValue {
                        dimension,
                        code,
                        id,
                        name,
                    }
                })
                .collect(),
            count: r.count,
            unit,
        })
        .collect())
}

pub(crate) fn describe_code(
    list: &str,
    v: &Option<String>,
    az: bool,
) -> (Option<String>, Option<ID>, String) {
    match v {
        Some(code) => (Some(code.clone()), None, labels::label(list, code, az)),
        None => (None, None, labels::unknown(az).to_string()),
    }
}

pub(crate) fn opt_id(kind: NodeType, id: &Option<ID>) -> ApiResult<Option<i32>> {
    id.as_ref().map(|i| decode_as(kind, i)).transpose()
}
