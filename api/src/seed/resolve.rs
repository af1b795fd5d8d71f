//! The pure pass between the data files and the database: parses each file
//! and turns every reference between rows (area codes or names, organisation
//! acronyms or names, source references, plan titles, centre names, project
//! slugs) into the position of the row it names, checking on the way that
//! paired texts come in both languages, that illustrative breakdowns add up
//! to the reported figure and that no natural key is given twice. Nothing
//! here touches the database, so a broken file fails before a write begins,
//! with an error naming the file and the key.

use super::check::{Cx, DataError, Names, parse};
use super::format::*;
use crate::services::bounds;

/// The parsed files with every reference resolved to a position.
#[derive(Debug)]
pub(super) struct Dataset {
    pub reference: ReferenceFile,
    /// Parent position of each area (always an earlier one).
    pub area_parents: Vec<Option<usize>>,
    /// Parent position of each organisation (always an earlier one).
    pub organisation_parents: Vec<Option<usize>>,
    pub programmes: Vec<Programme>,
}

/// One programme file and the positions its references resolved to.
#[derive(Debug)]
pub(super) struct Programme {
    /// Progress label of the programme's step.
    pub step: String,
    pub file: ProgrammeFile,
    pub project: ProjectRefs,
    pub plans: Vec<PlanRefs>,
    pub centres: Vec<CentreRefs>,
    pub teams: Vec<Placed>,
    pub events: Vec<EventRefs>,
    pub works: Vec<WorkRefs>,
    pub counts: Vec<CountRefs>,
    /// Source of each indicator.
    pub indicators: Vec<usize>,
}

#[derive(Debug)]
pub(super) struct ProjectRefs {
    pub source: usize,
    /// Position of the parent among the programmes loaded before.
    pub parent: Option<usize>,
    pub areas: Vec<usize>,
    /// Organisation of each participant.
    pub participants: Vec<usize>,
    /// Plan (position over all files) and goal (position in the plan).
    pub plan_links: Vec<(usize, Option<usize>)>,
}

#[derive(Debug)]
pub(super) struct PlanRefs {
    pub organisation: Option<usize>,
    pub source: usize,
}

#[derive(Debug)]
pub(super) struct CentreRefs {
    pub operator: Option<usize>,
    pub area: Option<usize>,
    pub source: usize,
    pub serves: Vec<usize>,
}

/// A row with an organisation, an area and a source (teams).
#[derive(Debug)]
pub(super) struct Placed {
    pub organisation: Option<usize>,
    pub area: Option<usize>,
    pub source: usize,
}

#[derive(Debug)]
pub(super) struct EventRefs {
    /// Centre position in the same file.
    pub centre: Option<usize>,
    pub source: usize,
    pub areas: Vec<usize>,
}

#[derive(Debug)]
pub(super) struct WorkRefs {
    pub area: Option<usize>,
    pub source: usize,
    /// Source of each status change.
    pub changes: Vec<usize>,
}

#[derive(Debug)]
pub(super) struct CountRefs {
    /// Centre position in the same file.
    pub centre: Option<usize>,
    pub source: usize,
}

/// Parses and resolves the dataset: `reference` is (file name, text) of the
/// shared rows, each programme is (file name, progress label, text), loaded
/// in the order given.
pub(super) fn resolve(
    reference: (&str, &str),
    programmes: &[(&str, &str, &str)],
) -> Result<Dataset, DataError> {
    let cx = Cx { file: reference.0 };
    let refs: ReferenceFile = parse(reference.0, reference.1)?;
    let sources = Names::new("source document", &refs.source, |s| {
        vec![s.reference.as_str()]
    });
    let areas = Names::new("area", &refs.area, |a| {
        let mut names = vec![a.name_az.as_str(), a.name_en.as_str()];
        names.extend(a.code.as_deref());
        names
    });
    let organisations = Names::new("organisation", &refs.organisation, |o| {
        let mut names = vec![o.name_az.as_str(), o.name_en.as_str()];
        names.extend(o.acronym_az.as_deref());
        names.extend(o.acronym_en.as_deref());
        names
    });
    cx.unique(
        "source",
        refs.source.iter().map(|s| format!("`{}`", s.reference)),
    )?;
    cx.unique(
        "area",
        refs.area.iter().map(|a| match &a.code {
            Some(code) => format!("`{code}`"),
            None => format!("`{}` ({})", a.name_en, a.kind.0.code()),
        }),
    )?;
    cx.unique(
        "organisation",
        refs.organisation.iter().map(|o| format!("`{}`", o.name_en)),
    )?;

    let mut area_parents = Vec::new();
    for (i, a) in refs.area.iter().enumerate() {
        let at = format!("area `{}`", a.name_en);
        if a.lat.is_some() != a.lon.is_some() {
            return Err(cx.invalid(&at, "lat and lon must be given together"));
        }
        let parent = areas.find_opt(&cx, &format!("{at}, parent"), a.parent.as_deref())?;
        if parent.is_some_and(|p| p >= i) {
            return Err(cx.invalid(&at, "its parent must come before it"));
        }
        area_parents.push(parent);
    }
    let mut organisation_parents = Vec::new();
    for (i, o) in refs.organisation.iter().enumerate() {
        let at = format!("organisation `{}`", o.name_en);
        let parent = organisations.find_opt(&cx, &format!("{at}, parent"), o.parent.as_deref())?;
        if parent.is_some_and(|p| p >= i) {
            return Err(cx.invalid(&at, "its parent must come before it"));
        }
        organisation_parents.push(parent);
    }

    let shared = Shared {
        sources: &sources,
        areas: &areas,
        organisations: &organisations,
    };
    let mut loaded: Vec<Programme> = Vec::new();
    for (file, step, text) in programmes {
        let programme = resolve_programme(&shared, &loaded, file, step, parse(file, text)?)?;
        loaded.push(programme);
    }
    let cx = Cx {
        file: "(all files)",
    };
    cx.unique(
        "project",
        loaded.iter().map(|p| format!("`{}`", p.file.project.slug)),
    )?;
    cx.unique(
        "plan",
        loaded
            .iter()
            .flat_map(|p| p.file.plan.iter().map(|pl| format!("`{}`", pl.title_en))),
    )?;
    Ok(Dataset {
        reference: refs,
        area_parents,
        organisation_parents,
        programmes: loaded,
    })
}

/// Lookups into `reference.toml`.
struct Shared<'a> {
    sources: &'a Names<'a>,
    areas: &'a Names<'a>,
    organisations: &'a Names<'a>,
}

fn resolve_programme(
    shared: &Shared<'_>,
    before: &[Programme],
    file_name: &str,
    step: &str,
    file: ProgrammeFile,
) -> Result<Programme, DataError> {
    let cx = Cx { file: file_name };
    let Shared {
        sources,
        areas,
        organisations,
    } = shared;
    let default_source = sources.find(&cx, "source", &file.source)?;
    let source = |at: &str, own: &Option<String>| match own {
        Some(s) => sources.find(&cx, &format!("{at}, source"), s),
        None => Ok(default_source),
    };

    let p = &file.project;
    let at = format!("project `{}`", p.slug);
    cx.pair(&at, "summary", &p.summary_az, &p.summary_en)?;
    cx.bounded(&at, "budget_amount", p.budget_amount, bounds::BUDGET)?;
    let projects = Names::new("project", before, |b| vec![b.file.project.slug.as_str()]);
    // Plans of the earlier files, then this file's.
    let mut plan_rows: Vec<&PlanRow> = before.iter().flat_map(|b| &b.file.plan).collect();
    plan_rows.extend(&file.plan);
    let plans = Names::new("plan", &plan_rows, |pl| {
        vec![pl.title_az.as_str(), pl.title_en.as_str()]
    });
    let mut participants = Vec::new();
    for part in &p.participant {
        let at = format!("{at}, participant `{}`", part.organisation);
        cx.pair(&at, "note", &part.note_az, &part.note_en)?;
        participants.push(organisations.find(&cx, &at, &part.organisation)?);
    }
    let mut plan_links = Vec::new();
    for link in &p.plan_link {
        let at = format!("{at}, plan_link");
        let plan = plans.find(&cx, &at, &link.plan)?;
        let goal = match link.goal {
            None => None,
            Some(n) => Some(
                plan_rows[plan]
                    .goal
                    .iter()
                    .position(|g| g.number == n)
                    .ok_or_else(|| DataError::Unknown {
                        file: file_name.into(),
                        at: format!("{at} `{}`", link.plan),
                        kind: "goal",
                        key: n.to_string(),
                    })?,
            ),
        };
        plan_links.push((plan, goal));
    }
    let project = ProjectRefs {
        source: source(&at, &p.source)?,
        parent: projects.find_opt(&cx, &format!("{at}, parent"), p.parent.as_deref())?,
        areas: areas.find_all(&cx, &format!("{at}, areas"), &p.areas)?,
        participants,
        plan_links,
    };

    let mut plans_out = Vec::new();
    for pl in &file.plan {
        let at = format!("plan `{}`", pl.title_en);
        cx.unique(
            &format!("{at}, goal"),
            pl.goal.iter().map(|g| g.number.to_string()),
        )?;
        cx.bounded(
            &at,
            "goal_count",
            pl.goal_count.map(i64::from),
            bounds::SMALL_COUNT,
        )?;
        for g in &pl.goal {
            let at = format!("{at}, goal {}", g.number);
            cx.pair(&at, "title", &g.title_az, &g.title_en)?;
            cx.pair(&at, "description", &g.description_az, &g.description_en)?;
        }
        plans_out.push(PlanRefs {
            organisation: organisations.find_opt(
                &cx,
                &format!("{at}, organisation"),
                pl.organisation.as_deref(),
            )?,
            source: source(&at, &pl.source)?,
        });
    }

    // The writer finds a centre by either name: each must be unique.
    cx.unique(
        "centre",
        file.centre
            .iter()
            .flat_map(|c| [format!("`{}`", c.name_en), format!("`{}`", c.name_az)]),
    )?;
    let centres = Names::new("centre", &file.centre, |c| {
        vec![c.name_az.as_str(), c.name_en.as_str()]
    });
    let mut centres_out = Vec::new();
    for c in &file.centre {
        let at = format!("centre `{}`", c.name_en);
        cx.pair(
            &at,
            "host_building",
            &c.host_building_az,
            &c.host_building_en,
        )?;
        cx.pair(&at, "equipment", &c.equipment_az, &c.equipment_en)?;
        cx.bounded(&at, "rooms", c.rooms.map(i64::from), bounds::SMALL_COUNT)?;
        cx.pair(&at, "note", &c.note_az, &c.note_en)?;
        cx.unique(
            &format!("{at}, milestone"),
            c.milestones.iter().map(|m| m.0.code().to_string()),
        )?;
        centres_out.push(CentreRefs {
            operator: organisations.find_opt(
                &cx,
                &format!("{at}, operator"),
                c.operator.as_deref(),
            )?,
            area: areas.find_opt(&cx, &format!("{at}, area"), c.area.as_deref())?,
            source: source(&at, &c.source)?,
            serves: areas.find_all(&cx, &format!("{at}, serves"), &c.serves)?,
        });
    }

    cx.unique("team", file.team.iter().map(|t| format!("`{}`", t.name_en)))?;
    let mut teams = Vec::new();
    for t in &file.team {
        let at = format!("team `{}`", t.name_en);
        cx.pair(&at, "functions", &t.functions_az, &t.functions_en)?;
        for r in &t.role {
            cx.bounded(
                &at,
                "role count",
                r.count.map(i64::from),
                bounds::SMALL_COUNT,
            )?;
        }
        cx.unique(
            &format!("{at}, role"),
            t.role.iter().map(|r| format!("`{}`", r.role_en)),
        )?;
        teams.push(Placed {
            organisation: organisations.find_opt(
                &cx,
                &format!("{at}, organisation"),
                t.organisation.as_deref(),
            )?,
            area: areas.find_opt(&cx, &format!("{at}, area"), t.area.as_deref())?,
            source: source(&at, &t.source)?,
        });
    }

    cx.unique(
        "event",
        file.event.iter().map(|e| format!("`{}`", e.title_en)),
    )?;
    let mut events = Vec::new();
    for e in &file.event {
        let at = format!("event `{}`", e.title_en);
        cx.pair(&at, "topics", &e.topics_az, &e.topics_en)?;
        cx.pair(&at, "audience", &e.audience_az, &e.audience_en)?;
        cx.bounded(
            &at,
            "capacity",
            e.capacity.map(i64::from),
            bounds::EVENT_CAPACITY,
        )?;
        for c in &e.attendance {
            cx.bounded(
                &at,
                "attendance count",
                Some(i64::from(c.count)),
                bounds::ATTENDANCE_CELL,
            )?;
        }
        let sum: i64 = e.attendance.iter().map(|c| i64::from(c.count)).sum();
        match e.attendance_reported {
            Some(reported) if i64::from(reported) != sum => {
                return Err(cx.invalid(
                    &at,
                    format!("the attendance cells add up to {sum}, the text reports {reported}"),
                ));
            }
            None if e.attendance_illustrative => {
                return Err(cx.invalid(
                    &at,
                    "an illustrative breakdown needs the attendance_reported it breaks down",
                ));
            }
            _ => {}
        }
        cx.unique(
            &format!("{at}, attendance cell"),
            e.attendance.iter().map(|c| {
                format!(
                    "{}/{}/{}/{}",
                    c.sex.0.code(),
                    c.age_band.0.code(),
                    c.disability.0.code(),
                    c.category.0.code()
                )
            }),
        )?;
        events.push(EventRefs {
            centre: centres.find_opt(&cx, &format!("{at}, centre"), e.centre.as_deref())?,
            source: source(&at, &e.source)?,
            areas: areas.find_all(&cx, &format!("{at}, areas"), &e.areas)?,
        });
    }

    cx.unique(
        "work",
        file.work.iter().map(|w| format!("`{}`", w.title_en)),
    )?;
    let mut works = Vec::new();
    for w in &file.work {
        let at = format!("work `{}`", w.title_en);
        cx.unique(
            &format!("{at}, status_change"),
            w.status_change
                .iter()
                .map(|s| s.status.0.code().to_string()),
        )?;
        cx.bounded(&at, "budget_amount", w.budget_amount, bounds::BUDGET)?;
        cx.bounded(
            &at,
            "beneficiaries",
            w.beneficiaries.map(i64::from),
            bounds::WORK_BENEFICIARIES,
        )?;
        if let Some(q) = w.quantity
            && (q < 0.0 || bounds::WORK_QUANTITY.check_f64(q, &[]).is_some())
        {
            return Err(cx.invalid(
                &at,
                format!("quantity {q}: {}", bounds::WORK_QUANTITY.message()),
            ));
        }
        let mut changes = Vec::new();
        for ch in &w.status_change {
            let at = format!("{at}, status_change `{}`", ch.status.0.code());
            cx.pair(&at, "note", &ch.note_az, &ch.note_en)?;
            changes.push(source(&at, &ch.source)?);
        }
        works.push(WorkRefs {
            area: areas.find_opt(&cx, &format!("{at}, area"), w.area.as_deref())?,
            source: source(&at, &w.source)?,
            changes,
        });
    }

    let mut counts = Vec::new();
    for (i, c) in file.service_count.iter().enumerate() {
        let at = format!("service_count {} (value {})", i + 1, c.value);
        cx.pair(&at, "period_label", &c.period_label_az, &c.period_label_en)?;
        cx.bounded(&at, "value", Some(c.value), bounds::SERVICE_COUNT)?;
        for b in &c.breakdown {
            cx.bounded(&at, "breakdown value", Some(b.value), bounds::SERVICE_COUNT)?;
        }
        if !c.breakdown.is_empty() {
            let sum: i64 = c.breakdown.iter().map(|b| b.value).sum();
            if sum != c.value {
                return Err(cx.invalid(
                    &at,
                    format!("the breakdown adds up to {sum}, not {}", c.value),
                ));
            }
            if c.sex.is_some() || c.age_band.is_some() || c.disability.is_some() {
                return Err(cx.invalid(
                    &at,
                    "sex, age_band and disability belong to the breakdown cells",
                ));
            }
        }
        counts.push(CountRefs {
            centre: centres.find_opt(&cx, &format!("{at}, centre"), c.centre.as_deref())?,
            source: source(&at, &c.source)?,
        });
    }

    cx.unique(
        "indicator",
        file.indicator.iter().map(|i| format!("`{}`", i.code)),
    )?;
    let mut indicators = Vec::new();
    for ind in &file.indicator {
        let at = format!("indicator `{}`", ind.code);
        cx.bounded(&at, "baseline", ind.baseline, bounds::INDICATOR_VALUE)?;
        cx.bounded(&at, "target", ind.target, bounds::INDICATOR_VALUE)?;
        for v in &ind.values {
            cx.bounded(&at, "value", Some(v.value), bounds::INDICATOR_VALUE)?;
            cx.pair(&at, "note", &v.note_az, &v.note_en)?;
            if v.dimension.is_some() != v.dimension_value.is_some() {
                return Err(cx.invalid(&at, "dimension and dimension_value must be given together"));
            }
        }
        indicators.push(source(&at, &ind.source)?);
    }

    Ok(Programme {
        step: step.to_string(),
        file,
        project,
        plans: plans_out,
        centres: centres_out,
        teams,
        events,
        works,
        counts,
        indicators,
    })
}
