//! The synthetic dataset as a plan, drawn without a database: projects,
//! their organisations and places, centres, events and indicators in memory,
//! and the two large tables (attendance cells, service counts) as streams
//! drawn on demand, so a million cells never sit in memory at once.
//!
//! Every draw comes from a generator seeded from `--seed` and the name of
//! what it draws, so one seed gives one dataset, and a change to how one
//! table is drawn leaves the others as they were.
//!
//! The shapes aimed at (checked by the tests): places Zipf-like (a few
//! districts hold most centres and events), months seasonal (spring and
//! autumn busy, August and January quiet), about a quarter of the counts
//! below 5, a fifth of the projects sensitive (trafficking victims,
//! children), a tenth not public.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use entities::codes::{
    AgeBand, BeneficiaryCategory, CentreKind, CentreStatus, Channel, CountUnit, Disability,
    EventKind, EventStatus, ParticipantRole, ProjectStatus, Sensitivity, ServiceStage, Sex,
    SupportType,
};

/// How many rows of each kind the dataset has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    /// Projects.
    pub projects: usize,
    /// Centres.
    pub centres: usize,
    /// Events.
    pub events: usize,
    /// Attendance cells.
    pub attendance: usize,
    /// Service counts.
    pub service_counts: usize,
}

impl Sizes {
    /// At scale 1.0: 50 projects, 400 centres, 50,000 events, 1,000,000
    /// attendance cells, 200,000 service counts; other scales multiply each
    /// (at least 4 projects, so every kind of project occurs, and a centre
    /// per project).
    pub fn at(scale: f64) -> Self {
        let n = |base: f64, min: usize| ((base * scale).round() as usize).max(min);
        let projects = n(50.0, 4);
        let centres = n(400.0, projects);
        let events = n(50_000.0, centres);
        Self {
            projects,
            centres,
            events,
            attendance: n(1_000_000.0, events),
            service_counts: n(200_000.0, centres),
        }
    }
}

/// A place rows can be put in: an area of the reference data below the country.
#[derive(Debug, Clone)]
pub struct Place {
    /// Area id.
    pub id: i32,
    /// Name in Azerbaijani.
    pub name_az: String,
    /// Name in English.
    pub name_en: String,
    /// Relative weight of a village or settlement against a district or city.
    pub size: f64,
}

/// An organisation of the reference data.
#[derive(Debug, Clone, Copy)]
pub struct Org {
    /// Organisation id.
    pub id: i32,
    /// True for bodies that fund (UN agencies, donors, international organisations, government).
    pub funder: bool,
}

/// What a project is about; decides its centres, categories and support types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Early recovery of war-affected communities.
    Recovery,
    /// Vocational training and employment.
    Employment,
    /// Social protection services (DOST-like).
    SocialProtection,
    /// Victims of trafficking (sensitive).
    Trafficking,
    /// Children at risk (sensitive).
    Children,
}

impl Theme {
    fn sensitive(self) -> bool {
        matches!(self, Self::Trafficking | Self::Children)
    }

    fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::Recovery => ("icmaların erkən bərpası", "early recovery of communities"),
            Self::Employment => (
                "peşə hazırlığı və məşğulluq",
                "vocational training and employment",
            ),
            Self::SocialProtection => ("sosial müdafiə xidmətləri", "social protection services"),
            Self::Trafficking => (
                "insan alveri qurbanlarına yardım",
                "assistance to trafficking victims",
            ),
            Self::Children => ("risk altında olan uşaqlar", "children at risk"),
        }
    }

    fn centre_kinds(self) -> &'static [CentreKind] {
        use CentreKind::*;
        match self {
            Self::Recovery => &[CommunityResourceCentre, DistrictBranch],
            Self::Employment => &[CommunityResourceCentre, MigrationInformationCentre],
            Self::SocialProtection => &[DostCoordinationCentre, RegionalCentre, DistrictBranch],
            Self::Trafficking => &[VictimAssistanceCentre, SocialShelter, Hotline],
            Self::Children => &[RehabilitationReintegrationCentre, SocialShelter, Hotline],
        }
    }

    fn categories(self) -> &'static [BeneficiaryCategory] {
        use BeneficiaryCategory::*;
        match self {
            Self::Recovery => &[
                WarAffected,
                MunicipalityMember,
                VillageRepresentative,
                General,
            ],
            Self::Employment => &[Youth, WarVeteran, MartyrFamily, General],
            Self::SocialProtection => &[General, MartyrFamily, WarVeteran, ExecutiveAuthorityStaff],
            Self::Trafficking => &[TraffickingVictim, CentreStaff],
            Self::Children => &[ChildAtRisk, CentreStaff],
        }
    }

    fn age_bands(self) -> &'static [AgeBand] {
        use AgeBand::*;
        match self {
            Self::Children => &[Age0To17],
            Self::Employment => &[Age18To24, Age25To59],
            _ => &[Age18To24, Age25To59, Age60Plus],
        }
    }

    fn support_types(self) -> &'static [SupportType] {
        use SupportType::*;
        match self {
            Self::Recovery => &[Business, Material, Legal, Psychological],
            Self::Employment => &[Employment, VocationalRehabilitation, Business],
            Self::SocialProtection => {
                &[SocialProtection, MedicalSocialExpertise, Medical, Material]
            }
            Self::Trafficking => &[Shelter, Legal, Psychological, Medical],
            Self::Children => &[Psychological, Shelter, Legal, Other],
        }
    }

    fn channels(self) -> &'static [Channel] {
        use Channel::*;
        match self {
            Self::SocialProtection => &[WalkIn, CallCentre142, Referral],
            Self::Trafficking | Self::Children => &[Hotline, Referral, MobileTeam],
            _ => &[WalkIn, MobileTeam],
        }
    }
}

/// A project with its organisations and places.
#[derive(Debug, Clone)]
pub struct Project {
    /// Id it is written with.
    pub id: i32,
    /// Unique slug, `synthetic-NNN`.
    pub slug: String,
    /// Title in Azerbaijani.
    pub title_az: String,
    /// Title in English.
    pub title_en: String,
    /// What it is about.
    pub theme: Theme,
    /// Sensitivity class.
    pub sensitivity: Sensitivity,
    /// Shown to anonymous readers.
    pub is_public: bool,
    /// Status.
    pub status: ProjectStatus,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Budget in US dollars.
    pub budget: i64,
    /// (organisation id, role), distinct.
    pub participants: Vec<(i32, ParticipantRole)>,
    /// Area ids it works in (where its centres are).
    pub areas: Vec<i32>,
    /// Relative size (share of centres and events).
    weight: f64,
}

/// A centre.
#[derive(Debug, Clone)]
pub struct Centre {
    /// Id it is written with.
    pub id: i32,
    /// Index of its project in [`Plan::projects`].
    pub project: usize,
    /// Kind.
    pub kind: CentreKind,
    /// Name in Azerbaijani.
    pub name_az: String,
    /// Name in English.
    pub name_en: String,
    /// Area id.
    pub area_id: i32,
    /// Rooms.
    pub rooms: i32,
    /// Status.
    pub status: CentreStatus,
    /// Opening day.
    pub opened_on: NaiveDate,
    /// A shelter's address is never published.
    pub sensitive_location: bool,
    /// Operating organisation.
    pub operator: i32,
    /// Areas served besides its own.
    pub serves: Vec<i32>,
    weight: f64,
}

/// An event; its attendance cells are drawn by [`Plan::attendance`].
#[derive(Debug, Clone)]
pub struct Event {
    /// Id it is written with.
    pub id: i32,
    /// Index of its project.
    pub project: usize,
    /// Index of its centre, or `None` for an event placed by its area only.
    pub centre: Option<usize>,
    /// The event's own area (events without a centre).
    pub area_id: Option<i32>,
    /// Kind.
    pub kind: EventKind,
    /// Title in Azerbaijani.
    pub title_az: String,
    /// Title in English.
    pub title_en: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Status (cancelled events have no attendance).
    pub status: EventStatus,
    /// Number of attendance cells.
    pub cells: usize,
    /// Capacity (at least the attendance), or unknown.
    pub capacity: Option<i32>,
}

/// One attendance cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    /// Event id.
    pub event_id: i32,
    /// Sex.
    pub sex: Sex,
    /// Age band.
    pub age_band: AgeBand,
    /// Disability.
    pub disability: Disability,
    /// Beneficiary category.
    pub category: BeneficiaryCategory,
    /// Participants.
    pub count: i32,
}

/// One monthly service count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCount {
    /// Project id.
    pub project_id: i32,
    /// Centre id.
    pub centre_id: i32,
    /// First day of the month.
    pub period_start: NaiveDate,
    /// Last day of the month.
    pub period_end: NaiveDate,
    /// Support type.
    pub support_type: SupportType,
    /// Channel.
    pub channel: Channel,
    /// Stage.
    pub stage: ServiceStage,
    /// Unit (persons or appeals).
    pub unit: CountUnit,
    /// Sex, when broken down.
    pub sex: Option<Sex>,
    /// Value.
    pub value: i64,
    /// Sensitivity of the project.
    pub sensitivity: Sensitivity,
}

/// An indicator derived from the recorded facts.
#[derive(Debug, Clone)]
pub struct Indicator {
    /// Project id.
    pub project_id: i32,
    /// Code, unique in the project.
    pub code: &'static str,
    /// Title in Azerbaijani.
    pub title_az: &'static str,
    /// Title in English.
    pub title_en: &'static str,
    /// Unit.
    pub unit: CountUnit,
    /// Derivation rule (see `stats::progress`).
    pub derived_from: &'static str,
    /// Target.
    pub target: i64,
    /// Sensitivity.
    pub sensitivity: Sensitivity,
}

/// The whole dataset but its two large tables.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Sizes drawn for.
    pub sizes: Sizes,
    /// Projects, ids 1…
    pub projects: Vec<Project>,
    /// Centres, ids 1…
    pub centres: Vec<Centre>,
    /// Events, ids 1…
    pub events: Vec<Event>,
    /// Indicators.
    pub indicators: Vec<Indicator>,
    seed: u64,
}

/// The last day the data reaches (the data ends before "today" of the demo).
fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, 31).expect("valid date")
}

/// Relative weight of each month, January first: busy in spring and autumn,
/// quiet in January, in summer and around the new year.
pub const SEASON: [f64; 12] = [0.5, 0.8, 1.2, 1.4, 1.3, 1.0, 0.6, 0.4, 1.1, 1.4, 1.3, 0.6];

const MONTHS_AZ: [&str; 12] = [
    "yanvar", "fevral", "mart", "aprel", "may", "iyun", "iyul", "avqust", "sentyabr", "oktyabr",
    "noyabr", "dekabr",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Month labels of a service-count period: `mart 2021`, `March 2021`.
pub fn month_labels(start: NaiveDate) -> (String, String) {
    let m = start.month0() as usize;
    (
        format!("{} {}", MONTHS_AZ[m], start.year()),
        format!("{} {}", MONTHS_EN[m], start.year()),
    )
}

/// A generator for one named part of the dataset.
fn rng_for(seed: u64, part: &str) -> StdRng {
    // FNV-1a of the name, mixed with the seed: stable across runs and builds.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in part.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    StdRng::seed_from_u64(seed ^ h)
}

/// Zipf weights 1/rank^s for `n` items in a random order.
fn zipf_weights(rng: &mut StdRng, n: usize, s: f64) -> Vec<f64> {
    let mut ranks: Vec<usize> = (1..=n).collect();
    ranks.shuffle(rng);
    ranks
        .into_iter()
        .map(|r| 1.0 / (r as f64).powf(s))
        .collect()
}

/// A count as entered: about a quarter below 5 (a few zeros), the rest a
/// long tail from 5 upwards (median near 14, a few in the hundreds).
pub fn draw_count(rng: &mut StdRng) -> i64 {
    let u: f64 = rng.random();
    if u < 0.01 {
        0
    } else if u < 0.25 {
        rng.random_range(1..=4)
    } else {
        let tail: f64 = rng.random::<f64>().max(1e-9);
        (5.0 + 13.0 * (-tail.ln()).powf(1.3)).min(400.0) as i64
    }
}

/// `n` items shared out in proportion to `weights`, each getting at least
/// `min` (largest remainders; the total is exact).
fn share_out(n: usize, weights: &[f64], min: usize) -> Vec<usize> {
    let base = min * weights.len();
    let rest = n.saturating_sub(base) as f64;
    let total: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| rest * w / total).collect();
    let mut out: Vec<usize> = exact.iter().map(|x| min + x.floor() as usize).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let fa = exact[a] - exact[a].floor();
        let fb = exact[b] - exact[b].floor();
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    let mut missing = n.saturating_sub(out.iter().sum());
    for i in order.iter().cycle() {
        if missing == 0 {
            break;
        }
        out[*i] += 1;
        missing -= 1;
    }
    out
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn month_end(start: NaiveDate) -> NaiveDate {
    let (y, m) = if start.month() == 12 {
        (start.year() + 1, 1)
    } else {
        (start.year(), start.month() + 1)
    };
    day(y, m, 1).pred_opt().expect("valid date")
}

/// A month of `[start, end]`, weighted by [`SEASON`].
fn seasonal_month(rng: &mut StdRng, start: NaiveDate, end: NaiveDate) -> NaiveDate {
    let mut months = Vec::new();
    let mut m = day(start.year(), start.month(), 1);
    while m <= end {
        months.push(m);
        m = month_end(m).succ_opt().expect("valid date");
    }
    let weights: Vec<f64> = months.iter().map(|m| SEASON[m.month0() as usize]).collect();
    let pick = WeightedIndex::new(&weights).expect("months with weights");
    months[pick.sample(rng)]
}

impl Plan {
    /// Draws the plan for `sizes` over the reference places and organisations.
    pub fn draw(sizes: Sizes, seed: u64, places: &[Place], orgs: &[Org]) -> anyhow::Result<Self> {
        anyhow::ensure!(
            !places.is_empty(),
            "the reference data has no districts or cities"
        );
        anyhow::ensure!(!orgs.is_empty(), "the reference data has no organisations");
        let projects = draw_projects(sizes, seed, places, orgs);
        let centres = draw_centres(sizes, seed, &projects, places);
        let events = draw_events(sizes, seed, &projects, &centres);
        let indicators = draw_indicators(seed, &projects);
        Ok(Self {
            sizes,
            projects,
            centres,
            events,
            indicators,
            seed,
        })
    }

    /// The attendance cells, event by event (exactly `sizes.attendance`).
    pub fn attendance(&self) -> impl Iterator<Item = Cell> + '_ {
        let mut rng = rng_for(self.seed, "attendance");
        self.events.iter().flat_map(move |e| {
            let theme = self.projects[e.project].theme;
            let grid = grid_of(&mut rng, theme, e.id);
            let picked = rand::seq::index::sample(&mut rng, grid.len(), e.cells);
            let mut cells: Vec<Cell> = picked
                .into_iter()
                .map(|i| Cell {
                    count: draw_count(&mut rng) as i32,
                    ..grid[i]
                })
                .collect();
            cells.sort_by_key(|c| (c.sex, c.age_band, c.disability, c.category));
            cells
        })
    }

    /// Total attendance of each event, drawn the same way as [`Self::attendance`]:
    /// the capacity of an event must hold it. Computed before the events are written.
    fn totals(&self) -> Vec<i64> {
        let mut totals = vec![0i64; self.events.len()];
        let first = self.events.first().map_or(0, |e| e.id);
        for c in self.attendance() {
            totals[(c.event_id - first) as usize] += i64::from(c.count);
        }
        totals
    }

    /// Sets each event's capacity from its attendance (a fifth unknown).
    pub fn fill_capacities(&mut self) {
        let totals = self.totals();
        let mut rng = rng_for(self.seed, "capacity");
        for (e, total) in self.events.iter_mut().zip(totals) {
            let unknown = rng.random_bool(0.2);
            e.capacity = (!unknown && total > 0).then(|| {
                let spare = rng.random_range(0..=total / 4 + 2);
                i32::try_from(total + spare).unwrap_or(i32::MAX)
            });
        }
    }

    /// The service counts, centre by centre (exactly `sizes.service_counts`).
    pub fn service_counts(&self) -> impl Iterator<Item = ServiceCount> + '_ {
        let mut rng = rng_for(self.seed, "service_counts");
        let weights: Vec<f64> = self.centres.iter().map(|c| c.weight).collect();
        let per_centre = share_out(self.sizes.service_counts, &weights, 1);
        self.centres
            .iter()
            .zip(per_centre)
            .flat_map(move |(c, n)| centre_counts(&mut rng, &self.projects[c.project], c, n))
    }
}

fn draw_projects(sizes: Sizes, seed: u64, places: &[Place], orgs: &[Org]) -> Vec<Project> {
    let mut rng = rng_for(seed, "projects");
    let place_weights: Vec<f64> = zipf_weights(&mut rng, places.len(), 1.1)
        .into_iter()
        .zip(places)
        .map(|(w, p)| w * p.size)
        .collect();
    let place_pick = WeightedIndex::new(&place_weights).expect("place weights");
    let funders: Vec<&Org> = orgs.iter().filter(|o| o.funder).collect();
    let funders = if funders.is_empty() {
        orgs.iter().collect()
    } else {
        funders
    };
    let weights = zipf_weights(&mut rng, sizes.projects, 0.8);
    (0..sizes.projects)
        .map(|i| {
            // Every fifth project is sensitive; every tenth (offset 3) not public.
            let theme = match i % 5 {
                1 if (i / 5) % 2 == 0 => Theme::Trafficking,
                1 => Theme::Children,
                0 => Theme::Recovery,
                2 => Theme::Employment,
                3 => Theme::SocialProtection,
                _ => Theme::Recovery,
            };
            let n = i + 1;
            let (topic_az, topic_en) = theme.names();
            let start = day(rng.random_range(2019..=2023), rng.random_range(1..=12), 1);
            let end = day(start.year() + rng.random_range(2..=5), start.month(), 1)
                .pred_opt()
                .expect("valid date");
            let status = if end < last_day() {
                ProjectStatus::Closed
            } else {
                ProjectStatus::Implementation
            };
            let accountable = orgs[rng.random_range(0..orgs.len())].id;
            let funder = funders[rng.random_range(0..funders.len())].id;
            let implementing = orgs[rng.random_range(0..orgs.len())].id;
            let mut participants = vec![
                (accountable, ParticipantRole::Accountable),
                (funder, ParticipantRole::Funding),
                (implementing, ParticipantRole::Implementing),
            ];
            if rng.random_bool(0.3) {
                let partner = orgs[rng.random_range(0..orgs.len())].id;
                participants.push((partner, ParticipantRole::Partner));
            }
            let mut seen = HashSet::new();
            participants.retain(|p| seen.insert(*p));
            let wanted = rng.random_range(1..=4).min(places.len());
            let mut areas = Vec::new();
            while areas.len() < wanted {
                let a = places[place_pick.sample(&mut rng)].id;
                if !areas.contains(&a) {
                    areas.push(a);
                }
            }
            Project {
                id: n as i32,
                slug: format!("synthetic-{n:03}"),
                title_az: format!("Sintetik proqram {n}: {topic_az}"),
                title_en: format!("Synthetic programme {n}: {topic_en}"),
                theme,
                sensitivity: if theme.sensitive() {
                    Sensitivity::Sensitive
                } else {
                    Sensitivity::Ordinary
                },
                is_public: i % 10 != 3,
                status,
                start,
                end,
                budget: rng.random_range(100..=5_000) * 1_000,
                participants,
                areas,
                weight: weights[i],
            }
        })
        .collect()
}

fn centre_label(kind: CentreKind) -> (&'static str, &'static str) {
    use CentreKind::*;
    match kind {
        CommunityResourceCentre => ("İcma Resurs Mərkəzi", "Community Resource Centre"),
        DostCoordinationCentre => ("Vahid əlaqələndirmə mərkəzi", "Unified coordination centre"),
        MigrationInformationCentre => ("Miqrasiya Məlumat Mərkəzi", "Migration Information Centre"),
        VictimAssistanceCentre => ("Yardım Mərkəzi", "Assistance Centre"),
        RehabilitationReintegrationCentre => ("Reabilitasiya mərkəzi", "Rehabilitation centre"),
        SocialShelter => ("Sosial sığınacaq", "Social shelter"),
        Hotline => ("Qaynar xətt", "Hotline"),
        RegionalCentre => ("Regional Mərkəz", "Regional Centre"),
        DistrictBranch => ("Rayon bölməsi", "District branch"),
    }
}

fn draw_centres(sizes: Sizes, seed: u64, projects: &[Project], places: &[Place]) -> Vec<Centre> {
    let mut rng = rng_for(seed, "centres");
    let weights: Vec<f64> = projects.iter().map(|p| p.weight).collect();
    let per_project = share_out(sizes.centres, &weights, 1);
    let name = |id: i32| places.iter().find(|p| p.id == id).expect("a drawn place");
    let mut centres = Vec::with_capacity(sizes.centres);
    for (pi, (p, n)) in projects.iter().zip(per_project).enumerate() {
        for _ in 0..n {
            let id = centres.len() as i32 + 1;
            let kinds = p.theme.centre_kinds();
            let kind = kinds[rng.random_range(0..kinds.len())];
            let area_id = p.areas[rng.random_range(0..p.areas.len())];
            let place = name(area_id);
            let (label_az, label_en) = centre_label(kind);
            let status = match rng.random_range(0..20) {
                0 => CentreStatus::Equipped,
                1 => CentreStatus::Staffed,
                2 => CentreStatus::Closed,
                _ => CentreStatus::Operational,
            };
            let operator = p
                .participants
                .iter()
                .find(|(_, r)| *r == ParticipantRole::Implementing)
                .map_or(p.participants[0].0, |(o, _)| *o);
            let serves: Vec<i32> = p
                .areas
                .iter()
                .copied()
                .filter(|a| *a != area_id && rng.random_bool(0.3))
                .collect();
            let opened_on = p.start + chrono::Days::new(rng.random_range(0..180));
            centres.push(Centre {
                id,
                project: pi,
                kind,
                name_az: format!("{} №{id} ({})", label_az, place.name_az),
                name_en: format!("{} No. {id} ({})", label_en, place.name_en),
                area_id,
                rooms: rng.random_range(1..=12),
                status,
                opened_on,
                sensitive_location: kind == CentreKind::SocialShelter,
                operator,
                serves,
                weight: p.weight / n as f64 * rng.random_range(0.3..1.7),
            });
        }
    }
    centres
}

const EVENT_KINDS: [(EventKind, f64, &str, &str); 6] = [
    (EventKind::Training, 35.0, "Təlim", "Training"),
    (EventKind::Seminar, 20.0, "Seminar", "Seminar"),
    (
        EventKind::CommunityMeeting,
        15.0,
        "İcma görüşü",
        "Community meeting",
    ),
    (
        EventKind::AwarenessEvent,
        15.0,
        "Maarifləndirmə tədbiri",
        "Awareness event",
    ),
    (
        EventKind::VocationalCourse,
        10.0,
        "Peşə kursu",
        "Vocational course",
    ),
    (EventKind::Meeting, 5.0, "İşçi görüşü", "Working meeting"),
];

const TOPICS: [(&str, &str); 8] = [
    ("liderlik", "leadership"),
    ("kiçik biznes", "small business"),
    ("hüquqi maarifləndirmə", "legal awareness"),
    ("psixoloji dəstək", "psychological support"),
    ("rəqəmsal bacarıqlar", "digital skills"),
    ("ilk tibbi yardım", "first aid"),
    ("icma planlaşdırması", "community planning"),
    ("uşaq hüquqları", "children's rights"),
];

fn draw_events(sizes: Sizes, seed: u64, projects: &[Project], centres: &[Centre]) -> Vec<Event> {
    let mut rng = rng_for(seed, "events");
    let centre_pick = WeightedIndex::new(centres.iter().map(|c| c.weight)).expect("centre weights");
    let kind_pick = WeightedIndex::new(EVENT_KINDS.iter().map(|k| k.1)).expect("kind weights");
    let mut events: Vec<Event> = (0..sizes.events)
        .map(|i| {
            let ci = centre_pick.sample(&mut rng);
            let c = &centres[ci];
            let p = &projects[c.project];
            // One event in twelve is placed by its area only (no centre).
            let (centre, area_id) = if rng.random_range(0..12) == 0 {
                (None, Some(p.areas[rng.random_range(0..p.areas.len())]))
            } else {
                (Some(ci), None)
            };
            let (kind, _, kind_az, kind_en) = EVENT_KINDS[kind_pick.sample(&mut rng)];
            let (topic_az, topic_en) = TOPICS[rng.random_range(0..TOPICS.len())];
            let month = seasonal_month(&mut rng, p.start, p.end.min(last_day()));
            let start = month + chrono::Days::new(rng.random_range(0..28));
            let days = if rng.random_bool(0.7) {
                0
            } else {
                rng.random_range(1..=4)
            };
            let n = i + 1;
            Event {
                id: n as i32,
                project: c.project,
                centre,
                area_id,
                kind,
                title_az: format!("{kind_az}: {topic_az} ({n})"),
                title_en: format!("{kind_en}: {topic_en} ({n})"),
                start,
                end: start + chrono::Days::new(days),
                status: if rng.random_range(0..50) == 0 {
                    EventStatus::Cancelled
                } else {
                    EventStatus::Held
                },
                cells: 0,
                capacity: None,
            }
        })
        .collect();
    // Cells per held event: exponential around the mean (many small grids,
    // a few large ones), capped by the grid, then evened out to the total.
    let held: Vec<usize> = (0..events.len())
        .filter(|&i| events[i].status == EventStatus::Held)
        .collect();
    let held = if held.is_empty() {
        events.iter_mut().for_each(|e| e.status = EventStatus::Held);
        (0..events.len()).collect()
    } else {
        held
    };
    let mean = sizes.attendance as f64 / held.len() as f64;
    let caps: Vec<usize> = held
        .iter()
        .map(|&i| grid_size(projects[events[i].project].theme))
        .collect();
    let mut counts: Vec<usize> = caps
        .iter()
        .map(|&cap| {
            let u: f64 = rng.random::<f64>().max(1e-9);
            ((mean * -u.ln()).round() as usize).clamp(1, cap)
        })
        .collect();
    let mut sum: usize = counts.iter().sum();
    let capacity: usize = caps.iter().sum();
    assert!(
        sizes.attendance <= capacity,
        "{} cells do not fit in {} events",
        sizes.attendance,
        held.len()
    );
    while sum != sizes.attendance {
        let k = rng.random_range(0..counts.len());
        if sum < sizes.attendance && counts[k] < caps[k] {
            counts[k] += 1;
            sum += 1;
        } else if sum > sizes.attendance && counts[k] > 1 {
            counts[k] -= 1;
            sum -= 1;
        }
    }
    for (&i, n) in held.iter().zip(counts) {
        events[i].cells = n;
    }
    events
}

/// The most cells a grid of `theme` can have (see [`grid_of`]).
fn grid_size(theme: Theme) -> usize {
    2 * theme.age_bands().len() * 2 * theme.categories().len()
}

/// The cells an event of `theme` may fill: female/male (an event in ten
/// records sex as unknown instead of male) × the theme's age bands × with or
/// without disability × the theme's categories.
fn grid_of(rng: &mut StdRng, theme: Theme, event_id: i32) -> Vec<Cell> {
    let second = if rng.random_range(0..10) == 0 {
        Sex::Unknown
    } else {
        Sex::Male
    };
    let mut grid = Vec::with_capacity(grid_size(theme));
    for sex in [Sex::Female, second] {
        for &age_band in theme.age_bands() {
            for disability in [Disability::WithoutDisability, Disability::WithDisability] {
                for &category in theme.categories() {
                    grid.push(Cell {
                        event_id,
                        sex,
                        age_band,
                        disability,
                        category,
                        count: 0,
                    });
                }
            }
        }
    }
    grid
}

fn centre_counts(rng: &mut StdRng, p: &Project, c: &Centre, n: usize) -> Vec<ServiceCount> {
    let end = p.end.min(last_day());
    let begin = c.opened_on.min(end);
    let months = (end.year() - begin.year()) as usize * 12 + end.month() as usize
        - begin.month() as usize
        + 1;
    let stages = [
        ServiceStage::Received,
        ServiceStage::Served,
        ServiceStage::Referred,
    ];
    let sexes = [Some(Sex::Female), Some(Sex::Male), None];
    let units = [CountUnit::Persons, CountUnit::Appeals];
    let (mut types, mut channels) = (p.theme.support_types(), p.theme.channels());
    let space = |t: usize, ch: usize| months * t * ch * stages.len() * sexes.len() * units.len();
    if space(types.len(), channels.len()) < 2 * n {
        types = SupportType::ALL;
        channels = Channel::ALL;
    }
    let mut seen = HashSet::with_capacity(n);
    let mut rows = Vec::with_capacity(n);
    let wanted = n.min(space(types.len(), channels.len()));
    while rows.len() < wanted {
        let period_start = seasonal_month(rng, begin, end);
        let key = (
            period_start,
            types[rng.random_range(0..types.len())],
            channels[rng.random_range(0..channels.len())],
            stages[rng.random_range(0..stages.len())],
            units[usize::from(rng.random_bool(0.25))],
            sexes[rng.random_range(0..sexes.len())],
        );
        if !seen.insert(key) {
            continue;
        }
        let (period_start, support_type, channel, stage, unit, sex) = key;
        rows.push(ServiceCount {
            project_id: p.id,
            centre_id: c.id,
            period_start,
            period_end: month_end(period_start),
            support_type,
            channel,
            stage,
            unit,
            sex,
            value: draw_count(rng),
            sensitivity: p.sensitivity,
        });
    }
    rows.sort_by_key(|r| {
        (
            r.period_start,
            r.support_type,
            r.channel,
            r.stage,
            r.unit,
            r.sex,
        )
    });
    rows
}

fn draw_indicators(seed: u64, projects: &[Project]) -> Vec<Indicator> {
    let mut rng = rng_for(seed, "indicators");
    projects
        .iter()
        .flat_map(|p| {
            let s = p.sensitivity;
            [
                Indicator {
                    project_id: p.id,
                    code: "people-trained",
                    title_az: "Təlimlərdə iştirak edənlər",
                    title_en: "People trained",
                    unit: CountUnit::Persons,
                    derived_from: "attendance.training",
                    target: rng.random_range(50..=500) * 100,
                    sensitivity: s,
                },
                Indicator {
                    project_id: p.id,
                    code: "events-held",
                    title_az: "Keçirilmiş tədbirlər",
                    title_en: "Events held",
                    unit: CountUnit::Events,
                    derived_from: "events.held",
                    target: rng.random_range(10..=200) * 10,
                    sensitivity: Sensitivity::Ordinary,
                },
                Indicator {
                    project_id: p.id,
                    code: "requests-received",
                    title_az: "Qəbul edilmiş müraciətlər",
                    title_en: "Requests received",
                    unit: CountUnit::Persons,
                    derived_from: "services.received",
                    target: rng.random_range(50..=500) * 100,
                    sensitivity: s,
                },
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Vec<Place> {
        (1..=10)
            .map(|i| Place {
                id: i,
                name_az: format!("Yer {i}"),
                name_en: format!("Place {i}"),
                size: if i > 8 { 0.3 } else { 1.0 },
            })
            .collect()
    }

    fn orgs() -> Vec<Org> {
        (1..=6)
            .map(|i| Org {
                id: i,
                funder: i % 2 == 0,
            })
            .collect()
    }

    fn plan(scale: f64, seed: u64) -> Plan {
        let mut plan = Plan::draw(Sizes::at(scale), seed, &places(), &orgs()).expect("plan");
        plan.fill_capacities();
        plan
    }

    #[test]
    fn the_default_scale_has_the_sizes_of_the_issue() {
        assert_eq!(
            Sizes::at(1.0),
            Sizes {
                projects: 50,
                centres: 400,
                events: 50_000,
                attendance: 1_000_000,
                service_counts: 200_000,
            }
        );
        assert_eq!(Sizes::at(0.02).events, 1_000);
        assert_eq!(Sizes::at(0.0001).projects, 4);
    }

    #[test]
    fn a_plan_has_exactly_the_rows_asked_for_and_one_seed_gives_one_plan() {
        let a = plan(0.02, 7);
        let sizes = a.sizes;
        assert_eq!(a.projects.len(), sizes.projects);
        assert_eq!(a.centres.len(), sizes.centres);
        assert_eq!(a.events.len(), sizes.events);
        let cells: Vec<Cell> = a.attendance().collect();
        assert_eq!(cells.len(), sizes.attendance);
        let counts: Vec<ServiceCount> = a.service_counts().collect();
        assert_eq!(counts.len(), sizes.service_counts);

        let b = plan(0.02, 7);
        assert_eq!(cells, b.attendance().collect::<Vec<_>>());
        assert_eq!(counts, b.service_counts().collect::<Vec<_>>());
        let c = plan(0.02, 8);
        assert_ne!(cells, c.attendance().collect::<Vec<_>>());
    }

    #[test]
    fn cells_are_unique_per_event_and_fit_the_capacity() {
        let p = plan(0.01, 1);
        let mut seen = HashSet::new();
        let mut totals = vec![0i64; p.events.len()];
        for c in p.attendance() {
            assert!(seen.insert((c.event_id, c.sex, c.age_band, c.disability, c.category)));
            totals[(c.event_id - 1) as usize] += i64::from(c.count);
        }
        for (e, total) in p.events.iter().zip(totals) {
            if let Some(cap) = e.capacity {
                assert!(i64::from(cap) >= total, "event {} over capacity", e.id);
            }
            if e.status == EventStatus::Cancelled {
                assert_eq!(total, 0);
            }
        }
        let mut keys = HashSet::new();
        for s in p.service_counts() {
            assert!(keys.insert((
                s.centre_id,
                s.period_start,
                s.support_type,
                s.channel,
                s.stage,
                s.unit,
                s.sex
            )));
        }
    }

    #[test]
    fn about_a_quarter_of_the_cells_are_below_five() {
        let p = plan(0.02, 3);
        let cells: Vec<Cell> = p.attendance().collect();
        let small = cells.iter().filter(|c| c.count < 5).count() as f64 / cells.len() as f64;
        assert!((0.22..0.30).contains(&small), "share below 5: {small}");
        let counts: Vec<ServiceCount> = p.service_counts().collect();
        let small = counts.iter().filter(|c| c.value < 5).count() as f64 / counts.len() as f64;
        assert!((0.22..0.30).contains(&small), "share below 5: {small}");
    }

    #[test]
    fn places_are_skewed_and_months_seasonal() {
        let p = plan(0.05, 11);
        let mut per_area = std::collections::HashMap::<i32, usize>::new();
        let mut per_month = [0usize; 12];
        for e in &p.events {
            let area = e
                .area_id
                .unwrap_or_else(|| p.centres[e.centre.unwrap()].area_id);
            *per_area.entry(area).or_default() += 1;
            per_month[e.start.month0() as usize] += 1;
        }
        let mut shares: Vec<usize> = per_area.values().copied().collect();
        shares.sort_unstable_by(|a, b| b.cmp(a));
        let top_two = (shares[0] + shares.get(1).copied().unwrap_or(0)) as f64;
        assert!(top_two / p.events.len() as f64 > 0.35, "{shares:?}");
        assert!(
            per_month[3] > 2 * per_month[7],
            "April vs August: {per_month:?}"
        );
        let sensitive = p
            .projects
            .iter()
            .filter(|p| p.sensitivity == Sensitivity::Sensitive)
            .count();
        let hidden = p.projects.iter().filter(|p| !p.is_public).count();
        assert!(
            sensitive >= 1 && hidden >= 1,
            "{sensitive} sensitive, {hidden} hidden"
        );
    }

    #[test]
    fn shares_add_up_exactly() {
        assert_eq!(share_out(10, &[1.0, 1.0, 1.0], 1), vec![4, 3, 3]);
        assert_eq!(share_out(400, &[5.0, 1.0], 1).iter().sum::<usize>(), 400);
    }
}
