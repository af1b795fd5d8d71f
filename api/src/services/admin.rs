//! Administration: users, organisations and API keys (admins only), and login.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
};

use entities::codes::{OrganisationKind, UserRole};
use entities::{api_key, organisation, user, user_project_scope};

use super::*;
use crate::auth::{api_keys, password};
use crate::search::search_key;

/// Refuses callers who are not admins (FORBIDDEN).
pub fn require_admin(actor: &Actor) -> ServiceResult<()> {
    if actor.viewer.is_admin() {
        Ok(())
    } else {
        Err(UserError::new(&[], UserErrorCode::Forbidden, "only an admin can do this").into())
    }
}

/// Normalises an email for storage and lookup.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A new user account (no `Debug`: it holds a password).
#[derive(Clone)]
pub struct NewUser {
    /// Email, used to log in (case-insensitive).
    pub email: String,
    /// Name shown in the audit trail.
    pub display_name: String,
    /// Initial password (at least 12 characters). Never logged or stored in clear.
    pub password: String,
    /// Role.
    pub role: UserRole,
    /// Organisation the user belongs to.
    pub organisation_id: Option<i32>,
    /// For managers: the projects they may edit.
    pub project_ids: Vec<i32>,
}

/// Creates a user account; `bootstrap` skips the admin check (CLI use).
pub async fn create_user<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: &NewUser,
    bootstrap: bool,
) -> ServiceResult<Outcome> {
    if !bootstrap {
        require_admin(actor)?;
    }
    let email = normalise_email(&input.email);
    let mut errors = Vec::new();
    if !email.contains('@') || email.len() < 3 || email.len() > 254 {
        errors.push(UserError::new(
            &["input", "email"],
            UserErrorCode::Invalid,
            "give a valid email address",
        ));
    }
    if input.display_name.trim().is_empty() {
        errors.push(UserError::new(
            &["input", "displayName"],
            UserErrorCode::Required,
            "give a display name",
        ));
    }
    if let Some(problem) = password::policy_problem(&input.password) {
        errors.push(UserError::new(
            &["input", "password"],
            UserErrorCode::WeakPassword,
            problem,
        ));
    }
    let organisation_id = input.organisation_id;
    if let Some(org) = organisation_id
        && organisation::Entity::find_by_id(org)
            .one(db)
            .await?
            .is_none()
    {
        errors.push(UserError::new(
            &["input", "organisationId"],
            UserErrorCode::NotFound,
            "no such organisation",
        ));
    }
    let projects = &input.project_ids;
    if !projects.is_empty() && input.role != UserRole::Manager {
        errors.push(UserError::new(
            &["input", "projectIds"],
            UserErrorCode::Invalid,
            "only managers have project scopes",
        ));
    }
    if user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(db)
        .await?
        .is_some()
    {
        errors.push(UserError::new(
            &["input", "email"],
            UserErrorCode::EmailTaken,
            "another user has this email",
        ));
    }
    check(errors)?;
    let hash = password::hash(input.password.clone())
        .await
        .map_err(|e| ServiceError::Db(DbErr::Custom(e.to_string())))?;
    let created = user::ActiveModel {
        id: NotSet,
        email: Set(email),
        display_name: Set(input.display_name.trim().to_string()),
        password_hash: Set(hash),
        role: Set(input.role),
        organisation_id: Set(organisation_id),
        is_active: Set(true),
        created_at: Set(Utc::now()),
        version: Set(1),
        token_version: Set(0),
        language: Set("en".into()),
        mail_notifications: Set(entities::codes::MailNotifications::Each),
    }
    .insert(db)
    .await?;
    set_scopes(db, created.id, projects).await?;
    let after = serde_json::json!({ "id": created.id, "email": created.email, "role": created.role, "organisationId": created.organisation_id, "projects": projects });
    audit(
        db,
        actor,
        "user.create",
        "user",
        Some(created.id),
        None,
        Some(after),
    )
    .await?;
    Ok(Outcome::changed(created.id))
}

async fn set_scopes<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    projects: &[i32],
) -> ServiceResult<()> {
    user_project_scope::Entity::delete_many()
        .filter(user_project_scope::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    for &project_id in projects {
        user_project_scope::Entity::insert(user_project_scope::ActiveModel {
            user_id: Set(user_id),
            project_id: Set(project_id),
        })
        .exec_without_returning(db)
        .await
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => ServiceError::from(UserError::new(
                &["input", "projectIds"],
                UserErrorCode::NotFound,
                "no such project",
            )),
            Some(SqlErr::UniqueConstraintViolation(_)) => ServiceError::from(UserError::new(
                &["input", "projectIds"],
                UserErrorCode::DuplicateCell,
                "a project is listed twice",
            )),
            _ => ServiceError::Db(e),
        })?;
    }
    Ok(())
}

/// Changes to a user; `None` fields stay as they are (no `Debug`: it may hold a password).
#[derive(Clone)]
pub struct UserChanges {
    /// The user.
    pub id: i32,
    /// The `version` the change is based on.
    pub version: i32,
    /// New display name.
    pub display_name: Option<String>,
    /// New role.
    pub role: Option<UserRole>,
    /// Activate or deactivate (deactivated users cannot log in; their tokens stop working).
    pub active: Option<bool>,
    /// New project scope (managers).
    pub project_ids: Option<Vec<i32>>,
    /// New password.
    pub password: Option<String>,
}

/// Updates a user if `version` is current (admins only).
pub async fn update_user<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: &UserChanges,
) -> ServiceResult<Outcome> {
    require_admin(actor)?;
    let id = input.id;
    let Some(before) = user::Entity::find_by_id(id).one(db).await? else {
        return Err(
            UserError::new(&["input", "id"], UserErrorCode::NotFound, "no such user").into(),
        );
    };
    if before.version != input.version {
        return Err(conflict(&["input", "version"], "user"));
    }
    if let Some(p) = input.password.as_deref().and_then(password::policy_problem) {
        return Err(UserError::new(&["input", "password"], UserErrorCode::WeakPassword, p).into());
    }
    let hash = match &input.password {
        Some(p) => Some(
            password::hash(p.clone())
                .await
                .map_err(|e| ServiceError::Db(DbErr::Custom(e.to_string())))?,
        ),
        None => None,
    };
    let mut change = user::ActiveModel {
        version: Set(before.version + 1),
        ..Default::default()
    };
    if let Some(name) = &input.display_name {
        change.display_name = Set(name.trim().to_string());
    }
    if let Some(role) = input.role {
        change.role = Set(role);
    }
    if let Some(active) = input.active {
        change.is_active = Set(active);
    }
    // Tokens issued before a new password, a deactivation or a new role
    // stop working: the usual reason to change a password is that it leaked.
    let revokes = hash.is_some()
        || input.active.is_some_and(|a| a != before.is_active)
        || input.role.is_some_and(|r| r != before.role);
    if let Some(hash) = hash {
        change.password_hash = Set(hash);
    }
    if revokes {
        change.token_version = Set(before.token_version + 1);
    }
    if !compare_and_set::<user::Entity, _>(
        db,
        change,
        (user::Column::Id, id),
        (user::Column::Version, input.version),
    )
    .await?
    {
        return Err(conflict(&["input", "version"], "user"));
    }
    if let Some(projects) = &input.project_ids {
        set_scopes(db, id, projects).await?;
    }
    let after = user::Entity::find_by_id(id).one(db).await?;
    let public = |u: &user::Model| serde_json::json!({ "email": u.email, "role": u.role, "active": u.is_active, "displayName": u.display_name });
    audit(
        db,
        actor,
        "user.update",
        "user",
        Some(id),
        Some(public(&before)),
        after.as_ref().map(public),
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// An organisation's fields, to create or replace.
#[derive(Debug, Clone)]
pub struct OrganisationFields {
    /// Name in Azerbaijani.
    pub name_az: String,
    /// Name in English.
    pub name_en: String,
    /// Acronym in Azerbaijani.
    pub acronym_az: Option<String>,
    /// Acronym in English.
    pub acronym_en: Option<String>,
    /// Kind.
    pub kind: OrganisationKind,
    /// IATI organisation identifier.
    pub iati_ref: Option<String>,
    /// Parent organisation (used when creating).
    pub parent_id: Option<i32>,
}

impl OrganisationFields {
    /// The folded search key over the names and acronyms.
    fn search_key(&self) -> String {
        let names = [
            Some(self.name_az.as_str()),
            Some(self.name_en.as_str()),
            self.acronym_az.as_deref(),
            self.acronym_en.as_deref(),
        ];
        search_key(names.into_iter().flatten())
    }
}

/// Creates an organisation (admins only).
pub async fn create_organisation<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: &OrganisationFields,
) -> ServiceResult<Outcome> {
    require_admin(actor)?;
    let mut errors = Vec::new();
    if input.name_az.trim().is_empty() {
        errors.push(UserError::new(
            &["input", "nameAz"],
            UserErrorCode::Required,
            "give the Azerbaijani name",
        ));
    }
    if input.name_en.trim().is_empty() {
        errors.push(UserError::new(
            &["input", "nameEn"],
            UserErrorCode::Required,
            "give the English name",
        ));
    }
    check(errors)?;
    let parent_id = input.parent_id;
    let created = organisation::ActiveModel {
        id: NotSet,
        acronym_az: Set(input.acronym_az.clone()),
        acronym_en: Set(input.acronym_en.clone()),
        name_az: Set(input.name_az.trim().to_string()),
        name_en: Set(input.name_en.trim().to_string()),
        kind: Set(input.kind),
        iati_ref: Set(input.iati_ref.clone()),
        parent_id: Set(parent_id),
        search_key: Set(input.search_key()),
        version: Set(1),
    }
    .insert(db)
    .await
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => ServiceError::from(UserError::new(
            &["input", "parentId"],
            UserErrorCode::NotFound,
            "no such parent organisation",
        )),
        _ => ServiceError::Db(e),
    })?;
    audit(
        db,
        actor,
        "organisation.create",
        "organisation",
        Some(created.id),
        None,
        snapshot(&created),
    )
    .await?;
    Ok(Outcome::changed(created.id))
}

/// Updates an organisation's names, kind and identifier if `version` is current (admins only).
pub async fn update_organisation<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    input: &OrganisationFields,
) -> ServiceResult<Outcome> {
    require_admin(actor)?;
    let Some(before) = organisation::Entity::find_by_id(id).one(db).await? else {
        return Err(
            UserError::new(&["id"], UserErrorCode::NotFound, "no such organisation").into(),
        );
    };
    if before.version != version {
        return Err(conflict(&["version"], "organisation"));
    }
    if !compare_and_set::<organisation::Entity, _>(
        db,
        organisation::ActiveModel {
            name_az: Set(input.name_az.trim().to_string()),
            name_en: Set(input.name_en.trim().to_string()),
            acronym_az: Set(input.acronym_az.clone()),
            acronym_en: Set(input.acronym_en.clone()),
            kind: Set(input.kind),
            iati_ref: Set(input.iati_ref.clone()),
            search_key: Set(input.search_key()),
            version: Set(version + 1),
            ..Default::default()
        },
        (organisation::Column::Id, id),
        (organisation::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "organisation"));
    }
    let after = organisation::Entity::find_by_id(id).one(db).await?;
    audit(
        db,
        actor,
        "organisation.update",
        "organisation",
        Some(id),
        snapshot(&before),
        snapshot(&after),
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// A new API key for a dashboard.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    /// Who the key is for (e.g. the dashboard's name).
    pub name: String,
    /// Organisation of the client.
    pub organisation_id: Option<i32>,
    /// Rate tier (`standard` or `high`).
    pub rate_tier: Option<String>,
}

/// Creates a read-only API key; the plaintext is returned once in `secret`.
pub async fn create_api_key<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: &NewApiKey,
    bootstrap: bool,
) -> ServiceResult<Outcome> {
    if !bootstrap {
        require_admin(actor)?;
    }
    if input.name.trim().is_empty() {
        return Err(UserError::new(
            &["input", "name"],
            UserErrorCode::Required,
            "name the key's client",
        )
        .into());
    }
    let tier = input.rate_tier.clone().unwrap_or_else(|| "standard".into());
    if !matches!(tier.as_str(), "standard" | "high") {
        return Err(UserError::new(
            &["input", "rateTier"],
            UserErrorCode::Invalid,
            "rate tier is standard or high",
        )
        .into());
    }
    let organisation_id = input.organisation_id;
    let key = api_keys::generate();
    let created = api_key::ActiveModel {
        id: NotSet,
        name: Set(input.name.trim().to_string()),
        prefix: Set(key.prefix.clone()),
        key_hash: Set(key.hash),
        organisation_id: Set(organisation_id),
        rate_tier: Set(tier),
        created_by: Set(actor.user_id()),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => ServiceError::from(UserError::new(
            &["input", "organisationId"],
            UserErrorCode::NotFound,
            "no such organisation",
        )),
        _ => ServiceError::Db(e),
    })?;
    let after = serde_json::json!({ "id": created.id, "name": created.name, "prefix": created.prefix, "rateTier": created.rate_tier });
    audit(
        db,
        actor,
        "api_key.create",
        "api_key",
        Some(created.id),
        None,
        Some(after),
    )
    .await?;
    Ok(Outcome {
        id: Some(created.id),
        secret: Some(key.plaintext),
        ..Outcome::default()
    })
}

/// Revokes an API key (admins only).
pub async fn revoke_api_key<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
) -> ServiceResult<Outcome> {
    require_admin(actor)?;
    let Some(before) = api_key::Entity::find_by_id(id).one(db).await? else {
        return Err(UserError::new(&["id"], UserErrorCode::NotFound, "no such API key").into());
    };
    if before.revoked_at.is_none() {
        api_key::ActiveModel {
            id: Set(id),
            revoked_at: Set(Some(Utc::now())),
            ..Default::default()
        }
        .update(db)
        .await?;
        audit(db, actor, "api_key.revoke", "api_key", Some(id), None, None).await?;
    }
    Ok(Outcome::changed(id))
}
