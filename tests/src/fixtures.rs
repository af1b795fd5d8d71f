//! Rows written straight into the database through sea-orm, bypassing the
//! API, and global IDs as the API encodes them.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entities::codes::*;
use entities::*;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};

// Only the columns a test cares about are set; the others keep their
// database defaults (NULL, or e.g. `illustrative = false`).

/// Inserts a project (no participants or areas) and returns its id.
pub async fn project(db: &DatabaseConnection, slug: &str, title: &str, is_public: bool) -> i32 {
    project::ActiveModel {
        slug: Set(slug.into()),
        title_az: Set(format!("{title} (az)")),
        title_en: Set(title.into()),
        status: Set(ProjectStatus::Implementation),
        sensitivity: Set(Sensitivity::Ordinary),
        is_public: Set(is_public),
        search_key: Set(api::search::search_key([title, slug])),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert project")
    .id
}

/// Adds an organisation to a project in a role.
pub async fn participant(
    db: &DatabaseConnection,
    project_id: i32,
    organisation_id: i32,
    role: ParticipantRole,
) {
    project_participant::ActiveModel {
        project_id: Set(project_id),
        organisation_id: Set(organisation_id),
        role: Set(role),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert participant");
}

/// Links a project to an area it works in.
pub async fn project_area(db: &DatabaseConnection, project_id: i32, area_id: i32) {
    project_area::Entity::insert(project_area::ActiveModel {
        project_id: Set(project_id),
        area_id: Set(area_id),
    })
    .exec_without_returning(db)
    .await
    .expect("insert project area");
}

/// Inserts an operational community resource centre of a project and returns its id.
pub async fn centre(
    db: &DatabaseConnection,
    project_id: i32,
    name: &str,
    area_id: Option<i32>,
) -> i32 {
    centre::ActiveModel {
        project_id: Set(project_id),
        kind: Set(CentreKind::CommunityResourceCentre),
        name_az: Set(format!("{name} (az)")),
        name_en: Set(name.into()),
        area_id: Set(area_id),
        rooms: Set(Some(1)),
        status: Set(Some(CentreStatus::Operational)),
        sensitive_location: Set(false),
        search_key: Set(api::search::search_key([name])),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert centre")
    .id
}

/// Inserts a held training of a project (at a centre, if given) and returns its id.
pub async fn event(
    db: &DatabaseConnection,
    project_id: i32,
    centre_id: Option<i32>,
    title: &str,
) -> i32 {
    let id = event::ActiveModel {
        project_id: Set(project_id),
        centre_id: Set(centre_id),
        kind: Set(EventKind::Training),
        title_az: Set(format!("{title} (az)")),
        title_en: Set(title.into()),
        status: Set(EventStatus::Held),
        search_key: Set(api::search::search_key([title])),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert event")
    .id;
    summarise(db, id).await;
    id
}

/// Rewrites an event's per-event summary, as the API's writes do.
pub async fn summarise(db: &DatabaseConnection, event_id: i32) {
    api::stats::summary::refresh(
        db,
        &api::disclosure::Thresholds::default(),
        api::stats::summary::Scope::Events(&[event_id]),
    )
    .await
    .expect("refresh the event's summary");
}

/// Records attendance of an event in one cell.
pub async fn attendance(db: &DatabaseConnection, event_id: i32, sex: Sex, count: i32) {
    attendance::ActiveModel {
        event_id: Set(event_id),
        sex: Set(sex),
        age_band: Set(AgeBand::Unknown),
        disability: Set(Disability::Unknown),
        category: Set(BeneficiaryCategory::General),
        count: Set(count),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert attendance");
    summarise(db, event_id).await;
}

/// Inserts a completed road work of a project in an area and returns its id.
pub async fn work(db: &DatabaseConnection, project_id: i32, title: &str, area_id: i32) -> i32 {
    infrastructure_work::ActiveModel {
        project_id: Set(project_id),
        kind: Set(WorkKind::Road),
        title_az: Set(format!("{title} (az)")),
        title_en: Set(title.into()),
        area_id: Set(Some(area_id)),
        status: Set(WorkStatus::Completed),
        search_key: Set(api::search::search_key([title])),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert work")
    .id
}

/// Inserts a village under `parent_id` and returns its id.
pub async fn village(db: &DatabaseConnection, name: &str, parent_id: i32) -> i32 {
    area::ActiveModel {
        kind: Set(AreaKind::Village),
        name_az: Set(name.into()),
        name_en: Set(name.into()),
        parent_id: Set(Some(parent_id)),
        search_key: Set(api::search::search_key([name])),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert area")
    .id
}

/// Database id of a row from its global ID (`base64url("Type:id")`).
pub fn raw_id(global: &str) -> i32 {
    let decoded = base64url_decode(global);
    let (_, number) = decoded
        .split_once(':')
        .unwrap_or_else(|| panic!("{global:?} does not decode to Type:id"));
    number.parse().expect("numeric id")
}

/// Global ID of a row, as the API encodes it.
pub fn global_id(type_name: &str, id: i32) -> String {
    base64url_encode(format!("{type_name}:{id}").as_bytes())
}

/// Unpadded base64url (the API's encoding of IDs and cursors).
pub fn base64url_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes unpadded base64url into text; panics on anything else.
pub fn base64url_decode(text: &str) -> String {
    let bytes = URL_SAFE_NO_PAD
        .decode(text)
        .unwrap_or_else(|e| panic!("{text:?} is not base64url: {e}"));
    String::from_utf8(bytes).expect("UTF-8")
}
