//! Inputs of the account mutations (users, organisations, API keys), and
//! their conversion to the admin service's inputs.

use async_graphql::{ID, InputObject};
use serde::Serialize;

use entities::codes::{OrganisationKind, UserRole};

use crate::graphql::ids::NodeType;
use crate::graphql::mutation::errors::Ids;
use crate::services::UserError;
use crate::services::admin::{NewApiKey, NewUser, OrganisationFields, UserChanges};

/// A new user account.
#[derive(InputObject, Clone, Serialize)]
pub struct CreateUserInput {
    /// Email, used to log in (case-insensitive).
    pub email: String,
    /// Name shown in the audit trail.
    pub display_name: String,
    /// Initial password (at least 12 characters). Never logged or stored in clear.
    // Left out of the serialised input: the mutation adds a keyed digest of it
    // to the idempotency hash instead (`JwtKeys::secret_digest`).
    #[serde(skip_serializing)]
    pub password: String,
    /// Role.
    pub role: UserRole,
    /// Organisation the user belongs to.
    pub organisation_id: Option<ID>,
    /// For managers: the projects they may edit.
    pub project_ids: Option<Vec<ID>>,
}

impl CreateUserInput {
    /// The service input, with its IDs decoded.
    pub fn decode(&self) -> Result<NewUser, Vec<UserError>> {
        let mut ids = Ids::default();
        let organisation_id = ids.opt(
            NodeType::Organisation,
            self.organisation_id.as_ref(),
            &["input", "organisationId"],
        );
        let project_ids = ids.list(
            NodeType::Project,
            self.project_ids.as_deref().unwrap_or_default(),
            &["input", "projectIds"],
        );
        ids.finish(NewUser {
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            password: self.password.clone(),
            role: self.role,
            organisation_id,
            project_ids,
        })
    }
}

/// Changes to a user; omitted fields stay as they are.
#[derive(InputObject, Clone, Serialize)]
pub struct UpdateUserInput {
    /// The user.
    pub id: ID,
    /// The `version` the change is based on.
    pub version: i32,
    /// New display name.
    pub display_name: Option<String>,
    /// New role.
    pub role: Option<UserRole>,
    /// Activate or deactivate (deactivated users cannot log in; their tokens stop working).
    pub active: Option<bool>,
    /// New project scope (managers).
    pub project_ids: Option<Vec<ID>>,
    /// New password.
    // Hashed as a keyed digest by the mutation, never serialised in clear.
    #[serde(skip_serializing)]
    pub password: Option<String>,
}

impl UpdateUserInput {
    /// The service input, with its IDs decoded.
    pub fn decode(&self) -> Result<UserChanges, Vec<UserError>> {
        let mut ids = Ids::default();
        let id = ids.one(NodeType::User, &self.id, &["input", "id"]);
        let project_ids = self
            .project_ids
            .as_deref()
            .map(|raw| ids.list(NodeType::Project, raw, &["input", "projectIds"]));
        ids.finish(UserChanges {
            id,
            version: self.version,
            display_name: self.display_name.clone(),
            role: self.role,
            active: self.active,
            project_ids,
            password: self.password.clone(),
        })
    }
}

/// A new organisation.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct OrganisationInput {
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
    /// Parent organisation.
    pub parent_id: Option<ID>,
}

impl OrganisationInput {
    /// The service input. `with_parent` is false for updates, which keep the
    /// parent (and so never looked at `parentId`).
    pub fn decode(&self, with_parent: bool) -> Result<OrganisationFields, Vec<UserError>> {
        let mut ids = Ids::default();
        let parent_id = if with_parent {
            ids.opt(
                NodeType::Organisation,
                self.parent_id.as_ref(),
                &["input", "parentId"],
            )
        } else {
            None
        };
        ids.finish(OrganisationFields {
            name_az: self.name_az.clone(),
            name_en: self.name_en.clone(),
            acronym_az: self.acronym_az.clone(),
            acronym_en: self.acronym_en.clone(),
            kind: self.kind,
            iati_ref: self.iati_ref.clone(),
            parent_id,
        })
    }
}

/// A new API key for a dashboard.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct CreateApiKeyInput {
    /// Who the key is for (e.g. the dashboard's name).
    pub name: String,
    /// Organisation of the client.
    pub organisation_id: Option<ID>,
    /// Rate tier (`standard` or `high`).
    pub rate_tier: Option<String>,
}

impl CreateApiKeyInput {
    /// The service input, with its ID decoded.
    pub fn decode(&self) -> Result<NewApiKey, Vec<UserError>> {
        let mut ids = Ids::default();
        let organisation_id = ids.opt(
            NodeType::Organisation,
            self.organisation_id.as_ref(),
            &["input", "organisationId"],
        );
        ids.finish(NewApiKey {
            name: self.name.clone(),
            organisation_id,
            rate_tier: self.rate_tier.clone(),
        })
    }
}

/// A person's own notification settings; omitted fields stay as they are.
#[derive(InputObject, Clone, Serialize)]
pub struct NotificationSettingsInput {
    /// The `version` of the caller's user record the change is based on
    /// (`me { version }`).
    pub version: i32,
    /// The language of the mail the caller gets.
    pub language: Option<crate::graphql::prelude::Lang>,
    /// A mail for each event, one weekly digest, or none.
    pub mail_notifications: Option<entities::codes::MailNotifications>,
}

impl NotificationSettingsInput {
    /// The service input.
    pub fn decode(
        &self,
    ) -> Result<(i32, crate::services::mail::SettingsChange), Vec<crate::services::UserError>> {
        use crate::graphql::prelude::Lang;
        Ok((
            self.version,
            crate::services::mail::SettingsChange {
                language: self.language.map(|l| {
                    match l {
                        Lang::Az => "az",
                        Lang::En => "en",
                    }
                    .to_string()
                }),
                mail_notifications: self.mail_notifications,
            },
        ))
    }
}
