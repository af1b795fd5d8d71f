//! The demo dataset: every fact of the five seed texts (`shared/seeds/`), with
//! the original Azerbaijani names and English beside them. Where a text gives
//! no date or figure the value stays null; nothing here is invented.

use chrono::NaiveDate;
use entities::codes::*;
use entities::*;
use sea_orm::{ColumnTrait, ConnectionTrait, NotSet, Set, TransactionTrait};

use super::{Seeder, all, eq_opt};
use crate::search::search_key;

/// Slug of the project whose presence marks the demo dataset as loaded.
pub(crate) const ANCHOR_SLUG: &str = "undp-early-recovery-fuzuli-agjabadi-tartar";

fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, day)
}

fn s(text: &str) -> Option<String> {
    Some(text.to_string())
}

/// The seed texts, by file name.
struct Sources {
    azqac: i32,
    undp: i32,
    trafficking: i32,
    coordination: i32,
    hotline: i32,
}

/// Areas by name.
struct Areas {
    fuzuli: i32,
    horadiz: i32,
    agcabadi: i32,
    tartar: i32,
    barda: i32,
    agdam: i32,
    mingachevir: i32,
    ganja: i32,
    baku: i32,
    qazaxlilar: i32,
    ahmadalilar: i32,
}

/// Organisations by acronym.
struct Orgs {
    azqac: i32,
    icrc: i32,
    undp: i32,
    amfa: i32,
    ministry: i32,
    osce_baku: i32,
    dost: i32,
    unicef: i32,
    sspf: i32,
    commission: i32,
}

const STEPS: usize = 8;

pub(super) async fn load<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    progress: &(dyn Fn(usize, usize, &str) + Send + Sync),
) -> anyhow::Result<()> {
    progress(1, STEPS, "source documents");
    let src = sources(sd).await?;
    progress(2, STEPS, "areas");
    let ar = areas(sd).await?;
    progress(3, STEPS, "organisations");
    let og = organisations(sd).await?;
    progress(4, STEPS, "Red Crescent regional network");
    red_crescent(sd, &src, &ar, &og).await?;
    progress(5, STEPS, "UNDP early recovery project");
    undp(sd, &src, &ar, &og).await?;
    progress(6, STEPS, "trafficking victim assistance");
    trafficking(sd, &src, &ar, &og).await?;
    progress(7, STEPS, "unified coordination centres");
    coordination(sd, &src, &og).await?;
    progress(8, STEPS, "child hotline");
    child_hotline(sd, &src, &og).await?;
    Ok(())
}

async fn sources<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
) -> anyhow::Result<Sources> {
    async fn doc<C: ConnectionTrait + TransactionTrait>(
        sd: &mut Seeder<'_, C>,
        reference: &str,
        title_az: &str,
        title_en: &str,
        publisher: Option<&str>,
        published_on: Option<NaiveDate>,
    ) -> anyhow::Result<i32> {
        sd.ensure(
            all([source_document::Column::Reference.eq(reference)]),
            source_document::ActiveModel {
                id: NotSet,
                title_az: Set(title_az.into()),
                title_en: Set(title_en.into()),
                publisher: Set(publisher.map(String::from)),
                published_on: Set(published_on),
                language: Set("az".into()),
                reference: Set(s(reference)),
                url: Set(None),
            },
            |m| m.id,
        )
        .await
    }
    Ok(Sources {
        azqac: doc(
            sd,
            "seeds/000_dd7f39c67b70e2d3.txt",
            "AzQAC Mingəçevir RM rayon bölmə sədrlərinin görüşü (27-28 iyun 2016)",
            "AzQAC Mingəçevir Regional Centre meeting of district branch chairs (27–28 June 2016)",
            None,
            None,
        )
        .await?,
        undp: doc(
            sd,
            "seeds/001_ad9cfdc0815de308.txt",
            "“Azərbaycanın Füzuli-Horadiz, Ağcabədi və Tərtər rayonlarında əhalinin həssas qruplarının erkən bərpa və icma dayanıqlılığının təmin edilməsi” layihəsi",
            "The project “Ensuring early recovery and community resilience of vulnerable groups in the Füzuli-Horadiz, Ağcabədi and Tərtər districts of Azerbaijan”",
            None,
            None,
        )
        .await?,
        trafficking: doc(
            sd,
            "seeds/002_ab33c476e90e931f.txt",
            "ƏƏSMN-də ATƏT-in Bakı Layihə əlaqələndiricisi ilə görüş",
            "Ministry of Labour and Social Protection meets the OSCE Project Co-ordinator in Baku",
            Some("QAZİLER.AZ"),
            None,
        )
        .await?,
        coordination: doc(
            sd,
            "seeds/003_818e4abcce9ca604.txt",
            "Vahid əlaqələndirmə mərkəzləri üzrə komissiyanın icası olub",
            "The commission on the unified coordination centres has met",
            Some("Azərbaycan"),
            None,
        )
        .await?,
        hotline: doc(
            sd,
            "seeds/004_b08be83b33e9fe75.txt",
            "Nazirlik uşaqlar üçün Qaynar xətt yaradır",
            "The ministry is setting up a hotline for children",
            Some("Azvision.az"),
            d(2019, 4, 18),
        )
        .await?,
    })
}

#[allow(clippy::too_many_arguments)]
async fn area<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    code: Option<&str>,
    kind: AreaKind,
    name_az: &str,
    name_en: &str,
    parent_id: Option<i32>,
    centroid: Option<(f64, f64)>,
    aliases: &[&str],
) -> anyhow::Result<i32> {
    let key = match code {
        Some(c) => all([area::Column::Code.eq(c)]),
        None => all([
            area::Column::NameEn.eq(name_en),
            area::Column::Kind.eq(kind),
        ]),
    };
    let mut names = vec![name_az, name_en];
    names.extend_from_slice(aliases);
    sd.ensure(
        key,
        area::ActiveModel {
            id: NotSet,
            code: Set(code.map(String::from)),
            kind: Set(kind),
            name_az: Set(name_az.into()),
            name_en: Set(name_en.into()),
            parent_id: Set(parent_id),
            lat: Set(centroid.map(|c| c.0)),
            lon: Set(centroid.map(|c| c.1)),
            search_key: Set(search_key(names)),
        },
        |m| m.id,
    )
    .await
}

async fn areas<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
) -> anyhow::Result<Areas> {
    use AreaKind::*;
    let az = area(
        sd,
        Some("AZ"),
        Country,
        "Azərbaycan",
        "Azerbaijan",
        None,
        Some((40.14, 47.58)),
        &[],
    )
    .await?;
    let fuzuli = area(
        sd,
        Some("AZ-FUZ"),
        District,
        "Füzuli",
        "Fuzuli",
        Some(az),
        Some((39.60, 47.14)),
        &["Fizuli"],
    )
    .await?;
    let horadiz = area(
        sd,
        None,
        City,
        "Horadiz",
        "Horadiz",
        Some(fuzuli),
        Some((39.45, 47.34)),
        &[],
    )
    .await?;
    let agcabadi = area(
        sd,
        Some("AZ-AGC"),
        District,
        "Ağcabədi",
        "Aghjabadi",
        Some(az),
        Some((40.05, 47.46)),
        &["Agjabadi"],
    )
    .await?;
    let tartar = area(
        sd,
        Some("AZ-TAR"),
        District,
        "Tərtər",
        "Tartar",
        Some(az),
        Some((40.35, 46.93)),
        &["Terter"],
    )
    .await?;
    let barda = area(
        sd,
        Some("AZ-BAR"),
        District,
        "Bərdə",
        "Barda",
        Some(az),
        Some((40.37, 47.13)),
        &["Berde"],
    )
    .await?;
    let agdam = area(
        sd,
        Some("AZ-AGM"),
        District,
        "Ağdam",
        "Aghdam",
        Some(az),
        Some((39.99, 46.93)),
        &["Agdam"],
    )
    .await?;
    let mingachevir = area(
        sd,
        Some("AZ-MI"),
        City,
        "Mingəçevir",
        "Mingachevir",
        Some(az),
        Some((40.77, 47.05)),
        &["Mingechevir"],
    )
    .await?;
    let ganja = area(
        sd,
        Some("AZ-GA"),
        City,
        "Gəncə",
        "Ganja",
        Some(az),
        Some((40.68, 46.36)),
        &["Gence"],
    )
    .await?;
    let baku = area(
        sd,
        Some("AZ-BA"),
        City,
        "Bakı",
        "Baku",
        Some(az),
        Some((40.41, 49.87)),
        &[],
    )
    .await?;
    // The text names the villages but not their district: they hang off the country.
    let qazaxlilar = area(
        sd,
        None,
        Village,
        "Qazaxlılar",
        "Gazakhlilar",
        Some(az),
        None,
        &["Qazakhlilar"],
    )
    .await?;
    // Spelled "Əhmadalılar" in the source text; both spellings are searchable.
    let ahmadalilar = area(
        sd,
        None,
        Village,
        "Əhmədalılar",
        "Ahmadalilar",
        Some(az),
        None,
        &["Əhmadalılar"],
    )
    .await?;
    Ok(Areas {
        fuzuli,
        horadiz,
        agcabadi,
        tartar,
        barda,
        agdam,
        mingachevir,
        ganja,
        baku,
        qazaxlilar,
        ahmadalilar,
    })
}

#[allow(clippy::too_many_arguments)]
async fn org<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    acronym_az: Option<&str>,
    acronym_en: Option<&str>,
    name_az: &str,
    name_en: &str,
    kind: OrganisationKind,
    iati_ref: Option<&str>,
    parent_id: Option<i32>,
) -> anyhow::Result<i32> {
    let mut names = vec![name_az, name_en];
    names.extend(acronym_az);
    names.extend(acronym_en);
    sd.ensure(
        all([organisation::Column::NameEn.eq(name_en)]),
        organisation::ActiveModel {
            id: NotSet,
            acronym_az: Set(acronym_az.map(String::from)),
            acronym_en: Set(acronym_en.map(String::from)),
            name_az: Set(name_az.into()),
            name_en: Set(name_en.into()),
            kind: Set(kind),
            iati_ref: Set(iati_ref.map(String::from)),
            parent_id: Set(parent_id),
            search_key: Set(search_key(names)),
            version: Set(1),
        },
        |m| m.id,
    )
    .await
}

async fn organisations<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
) -> anyhow::Result<Orgs> {
    use OrganisationKind::*;
    let azqac = org(
        sd,
        Some("AzQAC"),
        Some("AzRCS"),
        "Azərbaycan Qızıl Aypara Cəmiyyəti",
        "Azerbaijan Red Crescent Society",
        RedCrossRedCrescent,
        None,
        None,
    )
    .await?;
    let icrc = org(
        sd,
        Some("BQXK"),
        Some("ICRC"),
        "Beynəlxalq Qırmızı Xaç Komitəsi",
        "International Committee of the Red Cross",
        RedCrossRedCrescent,
        None,
        None,
    )
    .await?;
    let undp = org(
        sd,
        Some("BMTİP"),
        Some("UNDP"),
        "BMT-nin İnkişaf Proqramı",
        "United Nations Development Programme",
        UnAgency,
        Some("XM-DAC-41114"),
        None,
    )
    .await?;
    let amfa = org(
        sd,
        None,
        Some("AMFA"),
        "Azərbaycan Mikromaliyyə Assosiasiyası",
        "Azerbaijan Micro-finance Association",
        Ngo,
        None,
        None,
    )
    .await?;
    let ministry = org(
        sd,
        Some("ƏƏSMN"),
        Some("MLSPP"),
        "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi",
        "Ministry of Labour and Social Protection of Population",
        Government,
        None,
        None,
    )
    .await?;
    let osce = org(
        sd,
        Some("ATƏT"),
        Some("OSCE"),
        "Avropada Təhlükəsizlik və Əməkdaşlıq Təşkilatı",
        "Organization for Security and Co-operation in Europe",
        InternationalOrganisation,
        None,
        None,
    )
    .await?;
    let osce_baku = org(
        sd,
        None,
        None,
        "ATƏT-in Bakı Layihə Əlaqələndiricisi",
        "OSCE Project Co-ordinator in Baku",
        InternationalOrganisation,
        None,
        Some(osce),
    )
    .await?;
    let dost = org(
        sd,
        None,
        None,
        "DOST Agentliyi",
        "DOST Agency",
        Government,
        None,
        None,
    )
    .await?;
    let unicef = org(
        sd,
        Some("UNİCEF"),
        Some("UNICEF"),
        "BMT-nin Uşaq Fondu",
        "United Nations Children's Fund",
        UnAgency,
        Some("XM-DAC-41122"),
        None,
    )
    .await?;
    let sspf = org(
        sd,
        None,
        None,
        "Dövlət Sosial Müdafiə Fondu",
        "State Social Protection Fund",
        Government,
        None,
        Some(ministry),
    )
    .await?;
    let commission = org(
        sd,
        None,
        None,
        "Vahid əlaqələndirmə mərkəzləri üzrə Əlaqələndirmə komissiyası",
        "Coordination Commission on the unified coordination centres",
        Government,
        None,
        None,
    )
    .await?;
    Ok(Orgs {
        azqac,
        icrc,
        undp,
        amfa,
        ministry,
        osce_baku,
        dost,
        unicef,
        sspf,
        commission,
    })
}

/// A text in Azerbaijani and English.
type Bilingual<'a> = (&'a str, &'a str);

/// A project as the seed texts describe it.
struct ProjectSpec<'a> {
    slug: &'a str,
    title_az: &'a str,
    title_en: &'a str,
    summary_az: &'a str,
    summary_en: &'a str,
    status: ProjectStatus,
    actual_start: Option<NaiveDate>,
    sensitivity: Sensitivity,
    source: i32,
    participants: &'a [(i32, ParticipantRole, Option<Bilingual<'a>>)],
    areas: &'a [i32],
}

async fn project<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    p: ProjectSpec<'_>,
) -> anyhow::Result<i32> {
    let id = sd
        .ensure(
            all([project::Column::Slug.eq(p.slug)]),
            project::ActiveModel {
                id: NotSet,
                slug: Set(p.slug.into()),
                iati_identifier: Set(None),
                title_az: Set(p.title_az.into()),
                title_en: Set(p.title_en.into()),
                summary_az: Set(s(p.summary_az)),
                summary_en: Set(s(p.summary_en)),
                status: Set(p.status),
                planned_start: Set(None),
                planned_end: Set(None),
                actual_start: Set(p.actual_start),
                actual_end: Set(None),
                budget_amount: Set(None),
                budget_currency: Set(None),
                sensitivity: Set(p.sensitivity),
                is_public: Set(true),
                parent_id: Set(None),
                source_document_id: Set(Some(p.source)),
                search_key: Set(search_key([p.title_az, p.title_en, p.slug])),
                version: Set(1),
            },
            |m| m.id,
        )
        .await?;
    for (org, role, note) in p.participants {
        sd.ensure(
            all([
                project_participant::Column::ProjectId.eq(id),
                project_participant::Column::OrganisationId.eq(*org),
                project_participant::Column::Role.eq(*role),
            ]),
            project_participant::ActiveModel {
                id: NotSet,
                project_id: Set(id),
                organisation_id: Set(*org),
                role: Set(*role),
                note_az: Set(note.map(|n| n.0.to_string())),
                note_en: Set(note.map(|n| n.1.to_string())),
            },
            |m| m.id,
        )
        .await?;
    }
    for area in p.areas {
        sd.link(
            all([
                project_area::Column::ProjectId.eq(id),
                project_area::Column::AreaId.eq(*area),
            ]),
            project_area::ActiveModel {
                project_id: Set(id),
                area_id: Set(*area),
            },
        )
        .await?;
    }
    Ok(id)
}

/// A centre as the seed texts describe it.
struct CentreSpec<'a> {
    project: i32,
    operator: Option<i32>,
    kind: CentreKind,
    name_az: &'a str,
    name_en: &'a str,
    area: Option<i32>,
    host_building: Option<(&'a str, &'a str)>,
    rooms: Option<i32>,
    status: Option<CentreStatus>,
    opened_on: Option<NaiveDate>,
    sensitive_location: bool,
    equipment: Option<(&'a str, &'a str)>,
    note: Option<(&'a str, &'a str)>,
    source: i32,
    serves: &'a [i32],
    milestones: &'a [CentreStatus],
}

async fn centre<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    c: CentreSpec<'_>,
) -> anyhow::Result<i32> {
    let id = sd
        .ensure(
            all([
                centre::Column::ProjectId.eq(c.project),
                centre::Column::NameEn.eq(c.name_en),
            ]),
            centre::ActiveModel {
                id: NotSet,
                project_id: Set(c.project),
                operator_organisation_id: Set(c.operator),
                kind: Set(c.kind),
                name_az: Set(c.name_az.into()),
                name_en: Set(c.name_en.into()),
                area_id: Set(c.area),
                host_building_az: Set(c.host_building.map(|h| h.0.into())),
                host_building_en: Set(c.host_building.map(|h| h.1.into())),
                rooms: Set(c.rooms),
                status: Set(c.status),
                opened_on: Set(c.opened_on),
                sensitive_location: Set(c.sensitive_location),
                equipment_az: Set(c.equipment.map(|e| e.0.into())),
                equipment_en: Set(c.equipment.map(|e| e.1.into())),
                note_az: Set(c.note.map(|n| n.0.into())),
                note_en: Set(c.note.map(|n| n.1.into())),
                source_document_id: Set(Some(c.source)),
                search_key: Set(search_key([c.name_az, c.name_en])),
                version: Set(1),
            },
            |m| m.id,
        )
        .await?;
    for area in c.serves {
        sd.link(
            all([
                centre_area_served::Column::CentreId.eq(id),
                centre_area_served::Column::AreaId.eq(*area),
            ]),
            centre_area_served::ActiveModel {
                centre_id: Set(id),
                area_id: Set(*area),
            },
        )
        .await?;
    }
    for status in c.milestones {
        sd.ensure(
            all([
                centre_milestone::Column::CentreId.eq(id),
                centre_milestone::Column::Status.eq(*status),
            ]),
            centre_milestone::ActiveModel {
                id: NotSet,
                centre_id: Set(id),
                status: Set(*status),
                reached_on: Set(None),
                note_az: Set(None),
                note_en: Set(None),
                source_document_id: Set(Some(c.source)),
            },
            |m| m.id,
        )
        .await?;
    }
    Ok(id)
}

/// An event as the seed texts describe it.
struct EventSpec<'a> {
    project: i32,
    centre: Option<i32>,
    kind: EventKind,
    title_az: &'a str,
    title_en: &'a str,
    topics: Option<(&'a str, &'a str)>,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    audience: Option<(&'a str, &'a str)>,
    capacity: Option<i32>,
    status: EventStatus,
    source: i32,
    areas: &'a [i32],
    /// Attendance cells: sex, age band, disability, category, count.
    attendance: &'a [(Sex, AgeBand, Disability, BeneficiaryCategory, i32)],
    /// True when the cells are an illustrative breakdown of a reported total:
    /// they replace any unbroken (non-illustrative) row of the event.
    illustrative: bool,
}

async fn event<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    e: EventSpec<'_>,
) -> anyhow::Result<i32> {
    let id = sd
        .ensure(
            all([
                event::Column::ProjectId.eq(e.project),
                event::Column::TitleEn.eq(e.title_en),
            ]),
            event::ActiveModel {
                id: NotSet,
                project_id: Set(e.project),
                centre_id: Set(e.centre),
                kind: Set(e.kind),
                title_az: Set(e.title_az.into()),
                title_en: Set(e.title_en.into()),
                topics_az: Set(e.topics.map(|t| t.0.into())),
                topics_en: Set(e.topics.map(|t| t.1.into())),
                start_date: Set(e.start),
                end_date: Set(e.end),
                audience_az: Set(e.audience.map(|a| a.0.into())),
                audience_en: Set(e.audience.map(|a| a.1.into())),
                capacity: Set(e.capacity),
                status: Set(e.status),
                source_document_id: Set(Some(e.source)),
                search_key: Set(search_key([e.title_az, e.title_en])),
                version: Set(1),
            },
            |m| m.id,
        )
        .await?;
    for area in e.areas {
        sd.link(
            all([
                event_area::Column::EventId.eq(id),
                event_area::Column::AreaId.eq(*area),
            ]),
            event_area::ActiveModel {
                event_id: Set(id),
                area_id: Set(*area),
            },
        )
        .await?;
    }
    for (sex, age, disability, category, count) in e.attendance {
        sd.ensure(
            all([
                attendance::Column::EventId.eq(id),
                attendance::Column::Sex.eq(*sex),
                attendance::Column::AgeBand.eq(*age),
                attendance::Column::Disability.eq(*disability),
                attendance::Column::Category.eq(*category),
            ]),
            attendance::ActiveModel {
                id: NotSet,
                event_id: Set(id),
                sex: Set(*sex),
                age_band: Set(*age),
                disability: Set(*disability),
                category: Set(*category),
                count: Set(*count),
                illustrative: Set(e.illustrative),
            },
            |m| m.id,
        )
        .await?;
    }
    if e.illustrative {
        // The breakdown replaces the reported total's single row (loaded by an
        // earlier version of the dataset), so the total is not counted twice.
        use sea_orm::{EntityTrait, QueryFilter};
        attendance::Entity::delete_many()
            .filter(attendance::Column::EventId.eq(id))
            .filter(attendance::Column::Illustrative.eq(false))
            .exec(sd.db)
            .await?;
    }
    Ok(id)
}

async fn work<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    project: i32,
    kind: WorkKind,
    title: (&str, &str),
    area: i32,
    source: i32,
) -> anyhow::Result<i32> {
    let id = sd
        .ensure(
            all([
                infrastructure_work::Column::ProjectId.eq(project),
                infrastructure_work::Column::TitleEn.eq(title.1),
            ]),
            infrastructure_work::ActiveModel {
                id: NotSet,
                project_id: Set(project),
                kind: Set(kind),
                title_az: Set(title.0.into()),
                title_en: Set(title.1.into()),
                area_id: Set(Some(area)),
                quantity: Set(None),
                unit: Set(None),
                status: Set(WorkStatus::Completed),
                progress_percent: Set(Some(100)),
                completed_on: Set(None),
                budget_amount: Set(None),
                budget_currency: Set(None),
                beneficiaries: Set(None),
                source_document_id: Set(Some(source)),
                search_key: Set(search_key([title.0, title.1])),
                version: Set(1),
            },
            |m| m.id,
        )
        .await?;
    sd.ensure(
        all([
            work_status_change::Column::WorkId.eq(id),
            work_status_change::Column::Status.eq(WorkStatus::Completed),
        ]),
        work_status_change::ActiveModel {
            id: NotSet,
            work_id: Set(id),
            status: Set(WorkStatus::Completed),
            changed_on: Set(None),
            progress_percent: Set(Some(100)),
            note_az: Set(s(
                "Mənbədə tamamlanmış kimi qeyd olunub; tarix göstərilməyib",
            )),
            note_en: Set(s("Reported as completed in the source; no date given")),
            source_document_id: Set(Some(source)),
            recorded_at: Set(chrono::DateTime::UNIX_EPOCH),
        },
        |m| m.id,
    )
    .await?;
    Ok(id)
}

/// A service count as the seed texts give it.
struct CountSpec<'a> {
    project: i32,
    centre: Option<i32>,
    period: (Option<NaiveDate>, Option<NaiveDate>),
    period_label: Option<(&'a str, &'a str)>,
    support_type: Option<SupportType>,
    channel: Option<Channel>,
    stage: ServiceStage,
    unit: CountUnit,
    category: Option<BeneficiaryCategory>,
    /// Sex and age band of the cell; `None` when not broken down.
    sex: Option<Sex>,
    age_band: Option<AgeBand>,
    value: i64,
    sensitivity: Sensitivity,
    source: i32,
    /// True for a cell of an illustrative breakdown (not given by the source).
    illustrative: bool,
}

async fn service_count<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    c: CountSpec<'_>,
) -> anyhow::Result<i32> {
    use service_count::Column as Col;
    sd.ensure(
        all([
            Col::ProjectId.eq(c.project),
            eq_opt(Col::CentreId, c.centre),
            eq_opt(Col::SupportType, c.support_type),
            eq_opt(Col::Channel, c.channel),
            Col::Stage.eq(c.stage),
            Col::Unit.eq(c.unit),
            eq_opt(Col::PeriodStart, c.period.0),
            eq_opt(Col::Sex, c.sex),
            eq_opt(Col::AgeBand, c.age_band),
        ]),
        service_count::ActiveModel {
            id: NotSet,
            project_id: Set(c.project),
            centre_id: Set(c.centre),
            period_start: Set(c.period.0),
            period_end: Set(c.period.1),
            period_label_az: Set(c.period_label.map(|l| l.0.into())),
            period_label_en: Set(c.period_label.map(|l| l.1.into())),
            support_type: Set(c.support_type),
            channel: Set(c.channel),
            stage: Set(c.stage),
            unit: Set(c.unit),
            sex: Set(c.sex),
            age_band: Set(c.age_band),
            disability: Set(None),
            category: Set(c.category),
            value: Set(c.value),
            sensitivity: Set(c.sensitivity),
            source_document_id: Set(Some(c.source)),
            version: Set(1),
            illustrative: Set(c.illustrative),
        },
        |m| m.id,
    )
    .await
}

/// An indicator with, where the text states them, its target and values.
struct IndicatorSpec<'a> {
    project: i32,
    code: &'a str,
    title_az: &'a str,
    title_en: &'a str,
    unit: CountUnit,
    counting_rule: CountingRule,
    aggregation: Aggregation,
    target: Option<i64>,
    /// True when the target is illustrative (the source states none).
    illustrative_target: bool,
    derived_from: Option<&'a str>,
    source: i32,
    /// Values: dimension and its value (both None for the whole), value.
    values: &'a [(Option<&'a str>, Option<&'a str>, i64)],
}

async fn indicator<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    i: IndicatorSpec<'_>,
) -> anyhow::Result<i32> {
    let id = sd
        .ensure(
            all([
                indicator::Column::ProjectId.eq(i.project),
                indicator::Column::Code.eq(i.code),
            ]),
            indicator::ActiveModel {
                id: NotSet,
                project_id: Set(i.project),
                code: Set(i.code.into()),
                title_az: Set(i.title_az.into()),
                title_en: Set(i.title_en.into()),
                unit: Set(i.unit),
                counting_rule: Set(i.counting_rule),
                aggregation: Set(i.aggregation),
                baseline: Set(None),
                baseline_date: Set(None),
                target: Set(i.target),
                target_date: Set(None),
                sensitivity: Set(Sensitivity::Ordinary),
                derived_from: Set(i.derived_from.map(String::from)),
                source_document_id: Set(Some(i.source)),
                version: Set(1),
                illustrative: Set(i.illustrative_target),
            },
            |m| m.id,
        )
        .await?;
    for (dimension, dimension_value, value) in i.values {
        use indicator_value::Column as Col;
        sd.ensure(
            all([
                Col::IndicatorId.eq(id),
                eq_opt(Col::Dimension, *dimension),
                eq_opt(Col::DimensionValue, *dimension_value),
            ]),
            indicator_value::ActiveModel {
                id: NotSet,
                indicator_id: Set(id),
                period_start: Set(None),
                period_end: Set(None),
                dimension: Set(dimension.map(String::from)),
                dimension_value: Set(dimension_value.map(String::from)),
                value: Set(*value),
                as_of: Set(None),
                note_az: Set(None),
                note_en: Set(None),
                source_document_id: Set(Some(i.source)),
                version: Set(1),
                illustrative: Set(false),
            },
            |m| m.id,
        )
        .await?;
    }
    Ok(id)
}

/// Plan with its numbered goals; `goals` gives (number, title, description) where known.
#[allow(clippy::type_complexity)]
async fn plan<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    organisation: Option<i32>,
    title: (&str, &str),
    years: (i32, i32),
    goal_count: Option<i32>,
    goals: &[(i32, Option<(&str, &str)>)],
    source: i32,
) -> anyhow::Result<(i32, Vec<i32>)> {
    let id = sd
        .ensure(
            all([plan::Column::TitleEn.eq(title.1)]),
            plan::ActiveModel {
                id: NotSet,
                organisation_id: Set(organisation),
                title_az: Set(title.0.into()),
                title_en: Set(title.1.into()),
                start_year: Set(Some(years.0)),
                end_year: Set(Some(years.1)),
                goal_count: Set(goal_count),
                source_document_id: Set(Some(source)),
            },
            |m| m.id,
        )
        .await?;
    let mut goal_ids = Vec::new();
    for (number, description) in goals {
        goal_ids.push(
            sd.ensure(
                all([
                    goal::Column::PlanId.eq(id),
                    goal::Column::Number.eq(*number),
                ]),
                goal::ActiveModel {
                    id: NotSet,
                    plan_id: Set(id),
                    number: Set(*number),
                    title_az: Set(None),
                    title_en: Set(None),
                    description_az: Set(description.map(|d| d.0.into())),
                    description_en: Set(description.map(|d| d.1.into())),
                },
                |m| m.id,
            )
            .await?,
        );
    }
    Ok((id, goal_ids))
}

async fn plan_link<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    project: i32,
    plan: i32,
    goal: Option<i32>,
) -> anyhow::Result<i32> {
    use project_plan_link::Column as Col;
    sd.ensure(
        all([
            Col::ProjectId.eq(project),
            Col::PlanId.eq(plan),
            eq_opt(Col::GoalId, goal),
        ]),
        project_plan_link::ActiveModel {
            id: NotSet,
            project_id: Set(project),
            plan_id: Set(plan),
            goal_id: Set(goal),
        },
        |m| m.id,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn team<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    project: i32,
    organisation: i32,
    kind: TeamKind,
    name: (&str, &str),
    status: TeamStatus,
    functions: Option<(&str, &str)>,
    roles: &[(&str, &str, Option<i32>)],
    source: i32,
) -> anyhow::Result<i32> {
    let id = sd
        .ensure(
            all([
                team::Column::ProjectId.eq(project),
                team::Column::NameEn.eq(name.1),
            ]),
            team::ActiveModel {
                id: NotSet,
                project_id: Set(project),
                organisation_id: Set(Some(organisation)),
                kind: Set(kind),
                name_az: Set(name.0.into()),
                name_en: Set(name.1.into()),
                area_id: Set(None),
                status: Set(status),
                functions_az: Set(functions.map(|f| f.0.into())),
                functions_en: Set(functions.map(|f| f.1.into())),
                source_document_id: Set(Some(source)),
                version: Set(1),
            },
            |m| m.id,
        )
        .await?;
    for (role_az, role_en, count) in roles {
        sd.ensure(
            all([
                team_role::Column::TeamId.eq(id),
                team_role::Column::RoleEn.eq(*role_en),
            ]),
            team_role::ActiveModel {
                id: NotSet,
                team_id: Set(id),
                role_az: Set((*role_az).into()),
                role_en: Set((*role_en).into()),
                count: Set(*count),
            },
            |m| m.id,
        )
        .await?;
    }
    Ok(id)
}

async fn red_crescent<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    src: &Sources,
    ar: &Areas,
    og: &Orgs,
) -> anyhow::Result<()> {
    let source = src.azqac;
    let project = project(
        sd,
        ProjectSpec {
            slug: "azqac-unified-reporting-mingachevir",
            title_az: "AzQAC Mingəçevir Regional Mərkəzi və rayon bölmələri: Vahid hesabat sistemi",
            title_en: "AzQAC Mingəçevir Regional Centre and district branches: unified reporting system",
            summary_az: "Mingəçevir RM-nə daxil olan rayon bölmələri üçün hazırlanmış yeni “Vahid hesabat sistemi”: hesabat blankı üç hissədən ibarətdir — müraciətlər, yardım alanlar və keçirilən tədbirlər. Görüşdə “Strateji İnkişaf Planı” (2016-2020) və “Təhlükəsiz Giriş” konsepsiyası təqdim edildi; Migrasiya İnformasiya Mərkəzləri, “İnsan Alverinə Qarşı Mübarizə” seminarları və Mobil Könüllü Dəstələrin yaradılması müzakirə olundu.",
            summary_en: "The new “Unified reporting system” for the Mingəçevir Regional Centre and its district branches: the report form has three parts — appeals received, aid recipients and events held. The meeting presented the Strategic Development Plan 2016–2020 and the “Safe Access” concept, and discussed Migration Information Centres, anti-human-trafficking seminars and creating Mobile Volunteer Teams.",
            status: ProjectStatus::Implementation,
            actual_start: None,
            sensitivity: Sensitivity::Ordinary,
            source,
            participants: &[
                (og.azqac, ParticipantRole::Accountable, None),
                (og.azqac, ParticipantRole::Implementing, None),
                (
                    og.icrc,
                    ParticipantRole::Partner,
                    Some((
                        "BQXK-nin Regional Əməkdaşlıq üzrə nümayəndəsi görüşdə iştirak etmişdir",
                        "The ICRC regional cooperation delegate took part in the meeting",
                    )),
                ),
            ],
            areas: &[ar.mingachevir],
        },
    )
    .await?;
    let (plan_id, goals) = plan(
        sd,
        Some(og.azqac),
        ("Strateji İnkişaf Planı (2016-2020)", "Strategic Development Plan 2016–2020"),
        (2016, 2020),
        Some(5),
        &[
            (1, None),
            (
                2,
                Some((
                    "Mobil könüllü dəstələrin ilk öncə regional səviyyədə, sonra təbii fəlakətlərə daha meyilli rayonlarda yaradılması və təlimatlandırılması",
                    "Creating and training mobile volunteer teams, first at regional level, then in the districts most prone to natural disasters",
                )),
            ),
            (3, None),
            (4, None),
            (5, None),
        ],
        source,
    )
    .await?;
    plan_link(sd, project, plan_id, None).await?;
    plan_link(sd, project, plan_id, Some(goals[1])).await?;
    centre(
        sd,
        CentreSpec {
            project,
            operator: Some(og.azqac),
            kind: CentreKind::RegionalCentre,
            name_az: "AzQAC Mingəçevir Regional Mərkəzi",
            name_en: "AzQAC Mingəçevir Regional Centre",
            area: Some(ar.mingachevir),
            host_building: None,
            rooms: None,
            status: Some(CentreStatus::Operational),
            opened_on: None,
            sensitive_location: false,
            equipment: None,
            note: Some((
                "Rayon bölmələri Regional Mərkəzə daxildir; onların sayı mənbədə göstərilməyib",
                "District branches belong to the Regional Centre; the text does not give their number",
            )),
            source,
            serves: &[],
            milestones: &[],
        },
    )
    .await?;
    team(
        sd,
        project,
        og.azqac,
        TeamKind::MobileVolunteerTeam,
        ("Mobil Könüllü Dəstələr", "Mobile Volunteer Teams"),
        TeamStatus::Planned,
        Some((
            "fövqəladə hallar zamanı çevik səfərbərlik, qiymətləndirmə, humanitar yardımın paylanması, ilk yardım, axtarış xidməti",
            "rapid mobilisation in emergencies, assessment, distribution of humanitarian aid, first aid, tracing",
        )),
        &[],
        source,
    )
    .await?;
    event(
        sd,
        EventSpec {
            project,
            centre: None,
            kind: EventKind::Meeting,
            title_az: "Mingəçevir RM rayon bölmə sədrlərinin görüşü",
            title_en: "Meeting of the Mingəçevir Regional Centre's district branch chairs",
            topics: Some((
                "Strateji İnkişaf Planı (2016-2020); Vahid hesabat sistemi; Təhlükəsiz Giriş konsepsiyası; Migrasiya İnformasiya Mərkəzləri; İnsan Alverinə Qarşı Mübarizə seminarları; Mobil Könüllü Dəstələrin yaradılması",
                "Strategic Development Plan 2016–2020; unified reporting system; Safe Access concept; Migration Information Centres; anti-human-trafficking seminars; creating Mobile Volunteer Teams",
            )),
            start: d(2016, 6, 27),
            end: d(2016, 6, 28),
            audience: Some((
                "rayon bölmə sədrləri, Baş Gərargahın İcraçı Katibi və müavinləri, BQXK nümayəndələri",
                "district branch chairs, the headquarters' Executive Secretary and deputies, ICRC delegates",
            )),
            capacity: None,
            status: EventStatus::Held,
            source,
            areas: &[ar.mingachevir],
            illustrative: false,
            attendance: &[],
        },
    )
    .await?;
    event(
        sd,
        EventSpec {
            project,
            centre: None,
            kind: EventKind::Seminar,
            title_az: "“İnsan Alverinə Qarşı Mübarizə” seminarları",
            title_en: "“Combating Human Trafficking” seminars",
            topics: Some((
                "insan alverinə qarşı mübarizə",
                "combating human trafficking",
            )),
            start: None,
            end: None,
            audience: None,
            capacity: None,
            status: EventStatus::Held,
            source,
            areas: &[],
            illustrative: false,
            attendance: &[],
        },
    )
    .await?;
    for (code, az, en, unit) in [
        (
            "appeals-received",
            "Müraciətlər",
            "Appeals received",
            CountUnit::Appeals,
        ),
        (
            "aid-recipients",
            "Yardım alanlar",
            "Aid recipients",
            CountUnit::Persons,
        ),
        (
            "events-held",
            "Keçirilən tədbirlər",
            "Events held",
            CountUnit::Events,
        ),
    ] {
        indicator(
            sd,
            IndicatorSpec {
                project,
                code,
                title_az: az,
                title_en: en,
                unit,
                counting_rule: CountingRule::Total,
                aggregation: Aggregation::Sum,
                target: None,
                illustrative_target: false,
                derived_from: None,
                source,
                values: &[],
            },
        )
        .await?;
    }
    // Strategic Development Plan 2016–2020, goal 2: mobile volunteer teams,
    // first at regional level. The text gives no number: the target of one
    // regional team is ILLUSTRATIVE (flagged).
    indicator(
        sd,
        IndicatorSpec {
            project,
            code: "mobile-volunteer-teams",
            title_az: "Yaradılmış Mobil Könüllü Dəstələr (Strateji İnkişaf Planı, 2-ci məqsəd)",
            title_en: "Mobile Volunteer Teams formed (Strategic Development Plan, goal 2)",
            unit: CountUnit::Teams,
            counting_rule: CountingRule::Total,
            aggregation: Aggregation::Latest,
            target: Some(1),
            illustrative_target: true,
            derived_from: Some("teams.active"),
            source,
            values: &[],
        },
    )
    .await?;
    indicator(
        sd,
        IndicatorSpec {
            project,
            code: "events-held-recorded",
            title_az: "Keçirilmiş tədbirlər (qeydə alınmış)",
            title_en: "Events held (as recorded)",
            unit: CountUnit::Events,
            counting_rule: CountingRule::Total,
            aggregation: Aggregation::Sum,
            target: None,
            illustrative_target: false,
            derived_from: Some("events.held"),
            source,
            values: &[],
        },
    )
    .await?;
    Ok(())
}

async fn undp<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    src: &Sources,
    ar: &Areas,
    og: &Orgs,
) -> anyhow::Result<()> {
    use AgeBand::Unknown as AnyAge;
    use Disability::Unknown as AnyDisability;
    let source = src.undp;
    let project = project(
        sd,
        ProjectSpec {
            slug: ANCHOR_SLUG,
            title_az: "Azərbaycanın Füzuli-Horadiz, Ağcabədi və Tərtər rayonlarında əhalinin həssas qruplarının erkən bərpa və icma dayanıqlılığının təmin edilməsi",
            title_en: "Ensuring early recovery and community resilience of vulnerable groups in the Füzuli-Horadiz, Ağcabədi and Tərtər districts of Azerbaijan",
            summary_az: "BMTİP-in Azərbaycan nümayəndəliyi müharibədən zərər çəkmiş Füzuli, Ağcabədi və Tərtər rayonlarında üç İcma Resurs Mərkəzi (İRM) yaradır. İRM-lərin dizaynı BMTİP-in 2011-ci ildən bəri həyata keçirdiyi və hazırda 10 bölgədə fəaliyyət göstərən Qadın Resurs Mərkəzləri modelinə əsaslanır. Diqqət qadınlar, uşaqlar və əlilliyi olan şəxslərə yönəldilir.",
            summary_en: "UNDP Azerbaijan sets up three Community Resource Centres (CRCs) in the war-affected Füzuli, Ağcabədi and Tərtər districts. The centres are modelled on the Women Resource Centres UNDP has run since 2011, now active in 10 regions. The focus is on women, children and persons with disabilities.",
            status: ProjectStatus::Implementation,
            actual_start: None,
            sensitivity: Sensitivity::Ordinary,
            source,
            participants: &[
                (og.undp, ParticipantRole::Accountable, None),
                (og.undp, ParticipantRole::Implementing, None),
                (
                    og.amfa,
                    ParticipantRole::Implementing,
                    Some((
                        "Müharibədən zərər çəkmiş ailələrə dərhal dəstək üçün seçilmişdir",
                        "Selected to give immediate support to war-affected families",
                    )),
                ),
            ],
            areas: &[ar.fuzuli, ar.horadiz, ar.agcabadi, ar.tartar],
        },
    )
    .await?;
    let equipment = Some((
        "mebel, İT avadanlığı, ofis ləvazimatları, daimi internet xətti",
        "furniture, IT equipment, office supplies, a permanent internet line",
    ));
    let milestones = &[
        CentreStatus::RoomsAllocated,
        CentreStatus::Equipped,
        CentreStatus::Staffed,
        CentreStatus::Operational,
    ];
    let youth_centre = Some(("Gənclər Mərkəzi", "Youth Centre"));
    centre(
        sd,
        CentreSpec {
            project,
            operator: Some(og.undp),
            kind: CentreKind::CommunityResourceCentre,
            name_az: "Füzuli İcma Resurs Mərkəzi",
            name_en: "Füzuli Community Resource Centre",
            area: Some(ar.fuzuli),
            host_building: youth_centre,
            rooms: Some(2),
            status: Some(CentreStatus::Operational),
            opened_on: None,
            sensitive_location: false,
            equipment,
            note: Some((
                "Mərhələli yanaşmada ilk tam istifadəyə verilən səyyar İRM",
                "The first mobile CRC to be made fully operational in the phased approach",
            )),
            source,
            serves: &[],
            milestones,
        },
    )
    .await?;
    centre(
        sd,
        CentreSpec {
            project,
            operator: Some(og.undp),
            kind: CentreKind::CommunityResourceCentre,
            name_az: "Tərtər İcma Resurs Mərkəzi",
            name_en: "Tərtər Community Resource Centre",
            area: Some(ar.tartar),
            host_building: youth_centre,
            rooms: Some(1),
            status: Some(CentreStatus::Operational),
            opened_on: None,
            sensitive_location: false,
            equipment,
            note: None,
            source,
            serves: &[ar.barda, ar.agdam, ar.agcabadi],
            milestones,
        },
    )
    .await?;
    centre(
        sd,
        CentreSpec {
            project,
            operator: Some(og.undp),
            kind: CentreKind::CommunityResourceCentre,
            name_az: "Ağcabədi İcma Resurs Mərkəzi",
            name_en: "Ağcabədi Community Resource Centre",
            area: Some(ar.agcabadi),
            host_building: Some(("Statistika İdarəsinin binası", "Statistics Office building")),
            rooms: Some(2),
            status: Some(CentreStatus::Operational),
            opened_on: None,
            sensitive_location: false,
            equipment,
            note: None,
            source,
            serves: &[],
            milestones,
        },
    )
    .await?;
    team(
        sd,
        project,
        og.undp,
        TeamKind::MobileTeam,
        ("Səyyar dəstə", "Mobile team"),
        TeamStatus::Active,
        None,
        &[
            (
                "Səyyar dəstə koordinatoru",
                "Mobile-team coordinator",
                Some(1),
            ),
            ("Psixoloqlar", "Psychologists", None),
            ("Hüquqşünas", "Lawyer", Some(1)),
            ("Biznes məsləhətçiləri", "Business consultants", None),
        ],
        source,
    )
    .await?;
    let three_districts = [ar.fuzuli, ar.tartar, ar.agcabadi];
    event(
        sd,
        EventSpec {
            project,
            centre: None,
            kind: EventKind::CommunityMeeting,
            title_az: "Əsas ehtiyacların müəyyənləşdirilməsi və prioritetləşdirilməsi üçün icma iclasları",
            title_en: "Community meetings to identify and rank the main needs",
            topics: Some(("əsas ehtiyacların müəyyənləşdirilməsi və prioritetləşdirilməsi", "identifying and ranking the main needs")),
            start: d(2021, 1, 1),
            end: d(2021, 2, 28),
            audience: Some((
                "yerli icra hakimiyyəti orqanlarının nümayəndələri, bələdiyyələr, mərkəzlərin koordinatorları",
                "representatives of local executive authorities, municipalities, centre coordinators",
            )),
            // Pandemic rule: no more than 10 participants per meeting.
            capacity: Some(10),
            status: EventStatus::Held,
            source,
            areas: &[],
            illustrative: false,
            attendance: &[],
        },
    )
    .await?;
    event(
        sd,
        EventSpec {
            project,
            centre: None,
            kind: EventKind::Training,
            title_az: "İcra hakimiyyəti əməkdaşları üçün liderlik və idarəetmə bacarıqları təlimləri",
            title_en: "Leadership and management skills trainings for executive-authority staff",
            topics: Some((
                "liderlik, kommunikasiya bacarıqları, problemlərin həlli yolu, stresin idarə olunması, komanda işi",
                "leadership, communication skills, problem solving, stress management, teamwork",
            )),
            start: d(2021, 8, 1),
            end: d(2021, 9, 30),
            audience: Some(("hər 3 rayonun İcra Hakimiyyəti Aparatının əməkdaşları", "staff of the executive authorities of the three districts")),
            capacity: None,
            status: EventStatus::Held,
            source,
            areas: &three_districts,
            // The text gives 23 attendees and no breakdown: the split by sex is
            // illustrative (flagged), and still adds up to the reported 23.
            illustrative: true,
            attendance: &[
                (Sex::Female, AnyAge, AnyDisability, BeneficiaryCategory::ExecutiveAuthorityStaff, 15),
                (Sex::Male, AnyAge, AnyDisability, BeneficiaryCategory::ExecutiveAuthorityStaff, 8),
            ],
        },
    )
    .await?;
    event(
        sd,
        EventSpec {
            project,
            centre: None,
            kind: EventKind::Training,
            title_az: "“Effektiv ünsiyyət bacarıqları” təlimləri",
            title_en: "“Effective communication skills” trainings",
            topics: Some(("effektiv ünsiyyət bacarıqları", "effective communication skills")),
            start: None,
            end: None,
            audience: Some((
                "yerli icra hakimiyyəti, kənd icra nümayəndələri və bələdiyyə üzvləri",
                "local executive authorities, village executive representatives and municipality members",
            )),
            capacity: None,
            status: EventStatus::Held,
            source,
            areas: &three_districts,
            illustrative: false,
            attendance: &[],
        },
    )
    .await?;
    event(
        sd,
        EventSpec {
            project,
            centre: None,
            kind: EventKind::Training,
            title_az: "İRM koordinatorları üçün təlimlər",
            title_en: "Trainings for the CRC coordinators",
            topics: Some((
                "mərkəzin idarəolunması, icmalarda işin təşkili, araşdırma və təhlil bacarıqları",
                "centre management, community work, research and analysis skills",
            )),
            start: None,
            end: None,
            audience: Some((
                "hər 3 İRM-in koordinatoru",
                "the coordinator of each of the 3 CRCs",
            )),
            capacity: None,
            status: EventStatus::Held,
            source,
            areas: &three_districts,
            // One coordinator appointed for each of the three centres, each trained.
            illustrative: false,
            attendance: &[(
                Sex::Unknown,
                AnyAge,
                AnyDisability,
                BeneficiaryCategory::CentreStaff,
                3,
            )],
        },
    )
    .await?;
    event(
        sd,
        EventSpec {
            project,
            centre: None,
            kind: EventKind::VocationalCourse,
            title_az: "İnnovativ peşə kursları: qrafik dizayn, veb proqramlaşdırma, kontent menecer",
            title_en: "Innovative vocational courses: graphic design, web programming, content manager",
            topics: Some(("qrafik dizayn, veb proqramlaşdırma, kontent menecer", "graphic design, web programming, content manager")),
            start: None,
            end: None,
            audience: Some(("qadınlar", "women")),
            capacity: None,
            status: EventStatus::Held,
            source,
            areas: &three_districts,
            illustrative: false,
            attendance: &[(Sex::Female, AnyAge, AnyDisability, BeneficiaryCategory::Unknown, 9)],
        },
    )
    .await?;
    work(
        sd,
        project,
        WorkKind::Irrigation,
        (
            "Horadiz şəhərində kənd təsərrüfatı üçün suvarma su xəttinin çəkilməsi",
            "Irrigation water line for agriculture in Horadiz",
        ),
        ar.horadiz,
        source,
    )
    .await?;
    work(
        sd,
        project,
        WorkKind::Road,
        (
            "Qazaxlılar kəndində yol örtüyünün çınqılla örtülməsi",
            "Gravel road surfacing in Qazaxlılar village",
        ),
        ar.qazaxlilar,
        source,
    )
    .await?;
    work(
        sd,
        project,
        WorkKind::Road,
        (
            "Əhmədalılar kəndində yol örtüyünün çınqılla örtülməsi",
            "Gravel road surfacing in Əhmədalılar village",
        ),
        ar.ahmadalilar,
        source,
    )
    .await?;
    for (support_type, value) in [
        (SupportType::Business, 275),
        (SupportType::Legal, 559),
        (SupportType::Psychological, 370),
    ] {
        service_count(
            sd,
            CountSpec {
                project,
                centre: None,
                period: (d(2021, 1, 1), d(2021, 12, 31)),
                period_label: Some(("2021-ci il", "2021")),
                support_type: Some(support_type),
                channel: None,
                stage: ServiceStage::Received,
                unit: CountUnit::Persons,
                category: None,
                value,
                sensitivity: Sensitivity::Ordinary,
                source,
                sex: None,
                age_band: None,
                illustrative: false,
            },
        )
        .await?;
    }
    indicator(
        sd,
        IndicatorSpec {
            project,
            code: "crc-operational",
            title_az: "Fəaliyyət göstərən İcma Resurs Mərkəzləri",
            title_en: "Community Resource Centres operational",
            unit: CountUnit::Centres,
            counting_rule: CountingRule::Total,
            aggregation: Aggregation::Latest,
            target: Some(3),
            illustrative_target: false,
            derived_from: Some("centres.operational"),
            source,
            values: &[],
        },
    )
    .await?;
    indicator(
        sd,
        IndicatorSpec {
            project,
            code: "works-completed",
            title_az: "Tamamlanmış infrastruktur layihələri",
            title_en: "Infrastructure works completed",
            unit: CountUnit::Works,
            counting_rule: CountingRule::Total,
            aggregation: Aggregation::Latest,
            target: Some(3),
            illustrative_target: false,
            derived_from: Some("works.completed"),
            source,
            values: &[],
        },
    )
    .await?;
    // Actuals derived from the recorded facts; the texts state no targets for these.
    for (code, title_az, title_en, unit, rule) in [
        (
            "people-trained",
            "Təlimlərdə iştirak edənlər",
            "People trained",
            CountUnit::Persons,
            "attendance.training",
        ),
        (
            "women-vocational-courses",
            "Peşə kurslarında iştirak edən qadınlar",
            "Women in vocational courses",
            CountUnit::Persons,
            "attendance.vocational_course",
        ),
        (
            "applications-received",
            "İcma Resurs Mərkəzlərinə müraciətlər",
            "Applications received at the Community Resource Centres",
            CountUnit::Persons,
            "services.received",
        ),
    ] {
        indicator(
            sd,
            IndicatorSpec {
                project,
                code,
                title_az,
                title_en,
                unit,
                counting_rule: CountingRule::Total,
                aggregation: Aggregation::Sum,
                target: None,
                illustrative_target: false,
                derived_from: Some(rule),
                source,
                values: &[],
            },
        )
        .await?;
    }
    Ok(())
}

async fn trafficking<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    src: &Sources,
    ar: &Areas,
    og: &Orgs,
) -> anyhow::Result<()> {
    let source = src.trafficking;
    let project = project(
        sd,
        ProjectSpec {
            slug: "mlsp-trafficking-victim-assistance",
            title_az: "İnsan alveri qurbanlarının və risk qrupundakı şəxslərin sosial müdafiəsi və reabilitasiyası",
            title_en: "Social protection and rehabilitation of victims of human trafficking and people at risk",
            summary_az: "ƏƏSMN-in tabeliyindəki İnsan Alveri Qurbanlarına Yardım Mərkəzi insan alveri qurbanlarına və risk qrupundakı şəxslərə maddi, tibbi, hüquqi və psixoloji yardım göstərir; məşğulluq, peşə reabilitasiyası və sığınacaqla təminat tədbirləri görülür. ATƏT maarifləndirmə tədbirlərini, gənclərlə təlimləri və Gəncədə Regional Reabilitasiya-Reinteqrasiya Mərkəzinin yaradılmasını dəstəkləyir.",
            summary_en: "The ministry's Assistance Centre for Victims of Human Trafficking gives material, medical, legal and psychological help to trafficking victims and people at risk, and arranges employment, vocational rehabilitation and shelter. The OSCE supports awareness events, trainings with young people and a Regional Rehabilitation-Reintegration Centre in Gəncə.",
            status: ProjectStatus::Implementation,
            actual_start: None,
            sensitivity: Sensitivity::Sensitive,
            source,
            participants: &[
                (og.ministry, ParticipantRole::Accountable, None),
                (og.ministry, ParticipantRole::Implementing, None),
                (
                    og.osce_baku,
                    ParticipantRole::Partner,
                    Some((
                        "Maarifləndirmə tədbirlərinə və Gəncədəki Regional Reabilitasiya-Reinteqrasiya Mərkəzinin yaradılmasına dəstək",
                        "Supports awareness events and the creation of the Regional Rehabilitation-Reintegration Centre in Gəncə",
                    )),
                ),
            ],
            areas: &[ar.ganja],
        },
    )
    .await?;
    let (nap, _) = plan(
        sd,
        None,
        (
            "Azərbaycanda insan alverinə qarşı mübarizəyə dair 2014-2018-ci illər üçün Milli Fəaliyyət Planı",
            "National Action Plan on combating human trafficking in Azerbaijan, 2014–2018",
        ),
        (2014, 2018),
        None,
        &[],
        source,
    )
    .await?;
    plan_link(sd, project, nap, None).await?;
    let assistance_centre = centre(
        sd,
        CentreSpec {
            project,
            operator: Some(og.ministry),
            kind: CentreKind::VictimAssistanceCentre,
            name_az: "İnsan Alveri Qurbanlarına Yardım Mərkəzi",
            name_en: "Assistance Centre for Victims of Human Trafficking",
            area: None,
            host_building: None,
            rooms: None,
            status: Some(CentreStatus::Operational),
            opened_on: None,
            sensitive_location: true,
            equipment: None,
            note: Some((
                "Xidmətlər: maddi, tibbi, hüquqi, psixoloji yardım; məşğulluq, peşə reabilitasiyası, sığınacaq",
                "Services: material, medical, legal and psychological help; employment, vocational rehabilitation, shelter",
            )),
            source,
            serves: &[],
            milestones: &[],
        },
    )
    .await?;
    centre(
        sd,
        CentreSpec {
            project,
            operator: Some(og.ministry),
            kind: CentreKind::RehabilitationReintegrationCentre,
            name_az: "Gəncə Regional Reabilitasiya-Reinteqrasiya Mərkəzi",
            name_en: "Gəncə Regional Rehabilitation-Reintegration Centre",
            area: Some(ar.ganja),
            host_building: None,
            rooms: None,
            // The text speaks of its creation with OSCE support, not of its stage.
            status: None,
            opened_on: None,
            sensitive_location: true,
            equipment: None,
            note: Some((
                "İnsan alveri və potensial insan alveri qurbanları üçün; ATƏT-in dəstəyi ilə yaradılır",
                "For victims and potential victims of human trafficking; created with OSCE support",
            )),
            source,
            serves: &[],
            milestones: &[],
        },
    )
    .await?;
    // The text reports 130 people and no breakdown. The sex × age cells below
    // are ILLUSTRATIVE (flagged in the data and the API): they exercise
    // disaggregation and small-cell suppression of a sensitive population, and
    // add up to the reported 130, replacing its single row.
    for (sex, age_band, value) in [
        (Sex::Female, AgeBand::Age0To17, 12),
        (Sex::Female, AgeBand::Age18To24, 51),
        (Sex::Female, AgeBand::Age25To59, 58),
        (Sex::Male, AgeBand::Age0To17, 2),
        (Sex::Male, AgeBand::Age18To24, 4),
        (Sex::Male, AgeBand::Age25To59, 3),
    ] {
        service_count(
            sd,
            CountSpec {
                project,
                centre: Some(assistance_centre),
                period: (None, None),
                period_label: Some((
                    "Ötən il və cari ilin birinci rübü",
                    "Last year and the first quarter of this year",
                )),
                support_type: None,
                channel: None,
                stage: ServiceStage::Served,
                unit: CountUnit::Persons,
                category: Some(BeneficiaryCategory::TraffickingVictim),
                sex: Some(sex),
                age_band: Some(age_band),
                value,
                sensitivity: Sensitivity::Sensitive,
                source,
                illustrative: true,
            },
        )
        .await?;
    }
    {
        use sea_orm::{EntityTrait, QueryFilter};
        service_count::Entity::delete_many()
            .filter(service_count::Column::ProjectId.eq(project))
            .filter(service_count::Column::CentreId.eq(assistance_centre))
            .filter(service_count::Column::Sex.is_null())
            .filter(service_count::Column::Illustrative.eq(false))
            .exec(sd.db)
            .await?;
    }
    event(
        sd,
        EventSpec {
            project,
            centre: None,
            kind: EventKind::Meeting,
            title_az: "ƏƏSMN-də ATƏT-in Bakı Layihə əlaqələndiricisi ilə tanışlıq görüşü",
            title_en: "Introductory meeting with the OSCE Project Co-ordinator in Baku at the ministry",
            topics: Some((
                "insan alveri qurbanlarının sosial müdafiəsi və reabilitasiyası; Milli Fəaliyyət Planı 2014-2018",
                "social protection and rehabilitation of trafficking victims; National Action Plan 2014–2018",
            )),
            start: None,
            end: None,
            audience: None,
            capacity: None,
            status: EventStatus::Held,
            source,
            areas: &[ar.baku],
            illustrative: false,
            attendance: &[],
        },
    )
    .await?;
    event(
        sd,
        EventSpec {
            project,
            centre: None,
            kind: EventKind::AwarenessEvent,
            title_az: "İnsan alveri barədə maarifləndirmə tədbirləri",
            title_en: "Awareness events on human trafficking",
            topics: Some((
                "insan alveri barədə məlumatlılığın artırılması",
                "raising awareness of human trafficking",
            )),
            start: None,
            end: None,
            audience: None,
            capacity: None,
            status: EventStatus::Held,
            source,
            areas: &[],
            illustrative: false,
            attendance: &[],
        },
    )
    .await?;
    event(
        sd,
        EventSpec {
            project,
            centre: None,
            kind: EventKind::Training,
            title_az: "Gənclərin iştirakı ilə insan alverinə qarşı mübarizə mövzusunda silsilə təlimlər",
            title_en: "Series of anti-trafficking trainings with young people",
            topics: Some(("insan alverinə qarşı mübarizə", "combating human trafficking")),
            start: None,
            end: None,
            audience: Some(("gənclər", "young people")),
            capacity: None,
            status: EventStatus::Held,
            source,
            areas: &[],
            illustrative: false,
            attendance: &[],
        },
    )
    .await?;
    Ok(())
}

async fn coordination<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    src: &Sources,
    og: &Orgs,
) -> anyhow::Result<()> {
    let source = src.coordination;
    let project = project(
        sd,
        ProjectSpec {
            slug: "unified-coordination-centres",
            title_az: "Şəhid ailələri, müharibədə xəsarət almış hərbi qulluqçular və müharibə əlilləri üçün vahid əlaqələndirmə mərkəzləri",
            title_en: "Unified coordination centres for families of martyrs, servicemen wounded in the war and war-disabled people",
            summary_az: "Dövlət başçısının 2021-ci il 25 iyun tarixli Fərmanı ilə yaradılıb. Əmək və əhalinin sosial müdafiəsi nazirinin sədrlik etdiyi Əlaqələndirmə komissiyasında 26 istiqamətdə xidmət göstərən 19 dövlət orqanı (6 mərkəzi, 13 yerli icra hakimiyyəti orqanı) təmsil olunur. Mərkəzlər avqustun 23-dən DOST mərkəzlərində fəaliyyət göstərir; əməkdaşlar DOST Agentliyində təlimlərə cəlb olunub. Regionlarda da mərkəzlər qurulur.",
            summary_en: "Set up by the presidential decree of 25 June 2021. The Coordination Commission, chaired by the Minister of Labour and Social Protection, brings together 19 state bodies (6 central and 13 local executive bodies) providing services in 26 directions. The centres have worked inside DOST centres since 23 August 2021; their staff were trained by the DOST Agency. Regional centres are being set up.",
            status: ProjectStatus::Implementation,
            actual_start: d(2021, 8, 23),
            sensitivity: Sensitivity::Sensitive,
            source,
            participants: &[
                (og.ministry, ParticipantRole::Accountable, None),
                (
                    og.dost,
                    ParticipantRole::Implementing,
                    Some(("Mərkəzlər DOST mərkəzlərində fəaliyyət göstərir; əməkdaşları təlimləndirib", "The centres work inside DOST centres; trained their staff")),
                ),
                (og.commission, ParticipantRole::Partner, Some(("Qurumların fəaliyyətini əlaqələndirir", "Coordinates the state bodies' work"))),
            ],
            areas: &[],
        },
    )
    .await?;
    let centres_id = centre(
        sd,
        CentreSpec {
            project,
            operator: Some(og.ministry),
            kind: CentreKind::DostCoordinationCentre,
            name_az: "DOST mərkəzlərində vahid əlaqələndirmə mərkəzləri",
            name_en: "Unified coordination centres in the DOST centres",
            area: None,
            host_building: Some(("DOST mərkəzləri", "DOST centres")),
            rooms: None,
            status: Some(CentreStatus::Operational),
            opened_on: d(2021, 8, 23),
            sensitive_location: false,
            equipment: None,
            note: None,
            source,
            serves: &[],
            milestones: &[CentreStatus::Staffed, CentreStatus::Operational],
        },
    )
    .await?;
    let call_centre = centre(
        sd,
        CentreSpec {
            project,
            operator: None,
            kind: CentreKind::Hotline,
            name_az: "“142” Çağrı mərkəzi",
            name_en: "“142” call centre",
            area: None,
            host_building: None,
            rooms: None,
            status: Some(CentreStatus::Operational),
            opened_on: None,
            sensitive_location: false,
            equipment: None,
            note: None,
            source,
            serves: &[],
            milestones: &[],
        },
    )
    .await?;
    centre(
        sd,
        CentreSpec {
            project,
            operator: Some(og.ministry),
            kind: CentreKind::RegionalCentre,
            name_az: "Regionlarda vahid əlaqələndirmə mərkəzləri",
            name_en: "Regional unified coordination centres",
            area: None,
            host_building: None,
            rooms: None,
            status: Some(CentreStatus::Planned),
            opened_on: None,
            sensitive_location: false,
            equipment: None,
            note: Some(("Qurulma işləri aparılır", "Being set up")),
            source,
            serves: &[],
            milestones: &[],
        },
    )
    .await?;
    let period_label = Some((
        "23 avqust 2021-dən indiyədək",
        "Since 23 August 2021, to the date of the report",
    ));
    service_count(
        sd,
        CountSpec {
            project,
            centre: Some(centres_id),
            period: (d(2021, 8, 23), None),
            period_label,
            support_type: None,
            channel: None,
            stage: ServiceStage::Received,
            unit: CountUnit::Persons,
            category: None,
            value: 1461,
            sensitivity: Sensitivity::Sensitive,
            source,
            sex: None,
            age_band: None,
            illustrative: false,
        },
    )
    .await?;
    service_count(
        sd,
        CountSpec {
            project,
            centre: Some(call_centre),
            period: (d(2021, 8, 23), None),
            period_label,
            support_type: None,
            channel: Some(Channel::CallCentre142),
            stage: ServiceStage::Received,
            unit: CountUnit::Appeals,
            category: None,
            value: 155,
            sensitivity: Sensitivity::Sensitive,
            source,
            sex: None,
            age_band: None,
            illustrative: false,
        },
    )
    .await?;
    indicator(
        sd,
        IndicatorSpec {
            project,
            code: "state-bodies",
            title_az: "Vahid əlaqələndirmə mərkəzlərində təmsil olunan dövlət orqanları",
            title_en: "State bodies represented in the unified coordination centres",
            unit: CountUnit::Organisations,
            counting_rule: CountingRule::Unique,
            aggregation: Aggregation::Latest,
            target: None,
            illustrative_target: false,
            derived_from: None,
            source,
            values: &[
                (None, None, 19),
                (Some("level"), Some("central"), 6),
                (Some("level"), Some("local"), 13),
            ],
        },
    )
    .await?;
    indicator(
        sd,
        IndicatorSpec {
            project,
            code: "service-directions",
            title_az: "Xidmət istiqamətləri",
            title_en: "Service directions",
            unit: CountUnit::ServiceAreas,
            counting_rule: CountingRule::Unique,
            aggregation: Aggregation::Latest,
            target: None,
            illustrative_target: false,
            derived_from: None,
            source,
            values: &[(None, None, 26)],
        },
    )
    .await?;
    event(
        sd,
        EventSpec {
            project,
            centre: None,
            kind: EventKind::Meeting,
            title_az: "Əlaqələndirmə komissiyasının iclası",
            title_en: "Meeting of the Coordination Commission",
            topics: Some((
                "vahid əlaqələndirmə mərkəzlərinin yaradılması; müraciətlərin qəbulu və operativ həlli; regional mərkəzlər",
                "setting up the unified coordination centres; receiving and resolving appeals; regional centres",
            )),
            start: None,
            end: None,
            audience: None,
            capacity: None,
            status: EventStatus::Held,
            source,
            areas: &[],
            illustrative: false,
            attendance: &[],
        },
    )
    .await?;
    event(
        sd,
        EventSpec {
            project,
            centre: None,
            kind: EventKind::Training,
            title_az: "Dövlət qurumlarının əməkdaşları üçün DOST Agentliyində təlimlər",
            title_en: "Trainings at the DOST Agency for staff of the state bodies",
            topics: None,
            start: None,
            end: None,
            audience: Some((
                "vahid əlaqələndirmə mərkəzlərində təmsil olunan dövlət qurumlarının əməkdaşları",
                "staff of the state bodies represented in the centres",
            )),
            capacity: None,
            status: EventStatus::Held,
            source,
            areas: &[],
            illustrative: false,
            attendance: &[],
        },
    )
    .await?;
    Ok(())
}

async fn child_hotline<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    src: &Sources,
    og: &Orgs,
) -> anyhow::Result<()> {
    let source = src.hotline;
    let project = project(
        sd,
        ProjectSpec {
            slug: "mlsp-child-hotline",
            title_az: "Uşaqlar üçün Qaynar xətt",
            title_en: "Hotline for children",
            summary_az: "ƏƏSMN məişət zəminində zorakılığa və mənəvi-psixoloji təzyiqə məruz qalan uşaqlar üçün ayrıca Qaynar xətt yaratmağı nəzərdə tutur. UNİCEF Qaynar xəttin iş mexanizmlərinin formalaşmasına və qabaqcıl təcrübə üzrə təlimlərə dəstək verəcək. Yaradılmaqda olan DOST mərkəzlərində sosial işçilər proaktiv sosial xidmətlər göstərəcək.",
            summary_en: "The ministry plans a separate hotline for children facing domestic violence and psychological pressure. UNICEF will support its working mechanisms and trainings on good practice. Social workers in the DOST centres being set up will offer proactive social services.",
            status: ProjectStatus::Pipeline,
            actual_start: None,
            sensitivity: Sensitivity::Sensitive,
            source,
            participants: &[
                (og.ministry, ParticipantRole::Accountable, None),
                (
                    og.unicef,
                    ParticipantRole::Partner,
                    Some(("Qaynar xəttin iş mexanizmlərinə və təlimlərə dəstək", "Supports the hotline's working mechanisms and trainings")),
                ),
                (og.sspf, ParticipantRole::Implementing, Some(("Sosial Sığınacaq və Reabilitasiya Müəssisəsini idarə edir", "Runs the Social Shelter and Rehabilitation Institution"))),
            ],
            areas: &[],
        },
    )
    .await?;
    centre(
        sd,
        CentreSpec {
            project,
            operator: Some(og.ministry),
            kind: CentreKind::Hotline,
            name_az: "Uşaqlar üçün Qaynar xətt",
            name_en: "Hotline for children",
            area: None,
            host_building: None,
            rooms: None,
            status: Some(CentreStatus::Planned),
            opened_on: None,
            sensitive_location: false,
            equipment: None,
            note: None,
            source,
            serves: &[],
            milestones: &[],
        },
    )
    .await?;
    centre(
        sd,
        CentreSpec {
            project,
            operator: Some(og.sspf),
            kind: CentreKind::SocialShelter,
            name_az: "Baxımsız, kimsəsiz və sosial təhlükəli vəziyyətdə olan yetkinlik yaşına çatmayanlar üçün Sosial Sığınacaq və Reabilitasiya Müəssisəsi",
            name_en: "Social Shelter and Rehabilitation Institution for neglected, homeless and at-risk minors",
            area: None,
            host_building: None,
            rooms: None,
            status: Some(CentreStatus::Operational),
            opened_on: None,
            sensitive_location: true,
            equipment: None,
            note: None,
            source,
            serves: &[],
            milestones: &[],
        },
    )
    .await?;
    event(
        sd,
        EventSpec {
            project,
            centre: None,
            kind: EventKind::Meeting,
            title_az: "Nazir müavini Anar Kərimovun UNİCEF nümayəndələri ilə görüşü",
            title_en: "Deputy minister Anar Kərimov meets UNICEF representatives",
            topics: Some((
                "uşaqlar üçün Qaynar xəttin yaradılması; uşaqlara qarşı zorakılığın qarşısının alınması",
                "setting up a hotline for children; preventing violence against children",
            )),
            start: None,
            end: None,
            audience: None,
            capacity: None,
            status: EventStatus::Held,
            source,
            areas: &[],
            illustrative: false,
            attendance: &[],
        },
    )
    .await?;
    event(
        sd,
        EventSpec {
            project,
            centre: None,
            kind: EventKind::Training,
            title_az: "Qaynar xətt üçün qabaqcıl təcrübə üzrə təlimlər",
            title_en: "Trainings on good practice for the hotline",
            topics: Some(("mütərəqqi praktikalar", "good practice")),
            start: None,
            end: None,
            audience: None,
            capacity: None,
            status: EventStatus::Planned,
            source,
            areas: &[],
            illustrative: false,
            attendance: &[],
        },
    )
    .await?;
    Ok(())
}
