//! Dated updates from the field and period narratives in the API (issue
//! 23): the `Project.updates` and `Project.narratives` fields and their
//! mutations. The writes are in `services::updates`; the files are served
//! by `http::export::files`.

use async_graphql::{Context, ID, InputObject, Object};
use base64::Engine;
use chrono::NaiveDate;
use serde::Serialize;

use entities::codes::UserRole;
use entities::{period_finance, period_narrative, programme_update};

use crate::error::ApiResult;
use crate::graphql::common::{Money, many, money, text, text_lang};
use crate::graphql::ids::{NodeType, encode};
use crate::graphql::lang::Lang;
use crate::graphql::loaders::{FileMeta, FilesByUpdate};
use crate::graphql::mutation::errors::arg_id;
use crate::graphql::mutation::{load_visible, mutate, payload};
use crate::graphql::prelude::scope;
use crate::services::updates::{self, FinanceFields, NarrativeFields, UpdateFields, files};
use crate::services::{UserError, UserErrorCode};

/// A dated update a programme's manager posted: what happened, in a few
/// lines, with photos (resized, without location metadata) or documents.
#[derive(Clone)]
pub struct ProgrammeUpdate(pub programme_update::Model);

/// A dated update a programme's manager posted: what happened, in a few
/// lines, with photos (resized, without location metadata) or documents.
#[Object]
impl ProgrammeUpdate {
    /// Opaque global ID.
    async fn id(&self) -> ID {
        encode(NodeType::ProgrammeUpdate, self.0.id)
    }
    /// The day the update speaks of.
    async fn posted_on(&self) -> NaiveDate {
        self.0.posted_on
    }
    /// The text in the language asked for, or in the other while the asked one is not written yet.
    async fn text(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> String {
        text(ctx, lang, &self.0.text_az, &self.0.text_en)
    }
    /// The language `text` answers in (the site marks a text in the other language).
    async fn text_language(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> Lang {
        text_lang(ctx, lang, &self.0.text_az, &self.0.text_en)
    }
    /// The text in Azerbaijani as stored (empty while not written); for editing.
    async fn text_az(&self) -> &str {
        &self.0.text_az
    }
    /// The text in English as stored (empty while not written); for editing.
    async fn text_en(&self) -> &str {
        &self.0.text_en
    }
    /// Photos and documents, in their order.
    /// Bounded: at most 4 files per update.
    async fn attachments(&self, ctx: &Context<'_>) -> ApiResult<Vec<UpdateAttachment>> {
        Ok(many(ctx, FilesByUpdate(self.0.id))
            .await?
            .into_iter()
            .map(UpdateAttachment)
            .collect())
    }
    /// When it was posted.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// When it was archived (administrators see archived updates; null otherwise).
    async fn archived_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.archived_at
    }
    /// Row version for `editProgrammeUpdate` and `archiveProgrammeUpdate`.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A photo or document of an update.
pub struct UpdateAttachment(pub FileMeta);

/// What an attachment is.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    /// A photo (JPEG or PNG), shown inline.
    Photo,
    /// A document (PDF), offered as a download.
    Document,
}

/// A photo or document of an update.
#[Object]
impl UpdateAttachment {
    /// Photo or document.
    async fn kind(&self) -> AttachmentKind {
        if self.0.kind == "photo" {
            AttachmentKind::Photo
        } else {
            AttachmentKind::Document
        }
    }
    /// Media type of the stored file (`image/jpeg`, `image/png`, `application/pdf`).
    async fn media_type(&self) -> &str {
        &self.0.media_type
    }
    /// The file's name (made safe when stored).
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }
    /// Width of a photo, in pixels.
    async fn width(&self) -> Option<i32> {
        self.0.width
    }
    /// Height of a photo, in pixels.
    async fn height(&self) -> Option<i32> {
        self.0.height
    }
    /// Stored size in bytes.
    async fn byte_size(&self) -> i32 {
        self.0.byte_size
    }
    /// Path of the file under the API's origin (`/files/updates/ID/NAME`);
    /// served to everyone for public programmes.
    async fn path(&self) -> String {
        files_path(self.0.id, &self.0.file_name)
    }
}

/// The path an update's file is served at.
pub fn files_path(id: i32, name: &str) -> String {
    format!("/files/updates/{id}/{name}")
}

/// What a programme's manager wrote about one reporting period.
pub struct PeriodNarrative(pub period_narrative::Model);

/// What a programme's manager wrote about one reporting period, shown in the donor report.
#[Object]
impl PeriodNarrative {
    /// Opaque global ID.
    async fn id(&self) -> ID {
        encode(NodeType::PeriodNarrative, self.0.id)
    }
    /// First day of the period.
    async fn period_start(&self) -> NaiveDate {
        self.0.period_start
    }
    /// Last day of the period.
    async fn period_end(&self) -> NaiveDate {
        self.0.period_end
    }
    /// The text in the language asked for, or in the other while the asked one is not written yet.
    async fn text(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> String {
        text(ctx, lang, &self.0.text_az, &self.0.text_en)
    }
    /// The language `text` answers in.
    async fn text_language(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> Lang {
        text_lang(ctx, lang, &self.0.text_az, &self.0.text_en)
    }
    /// The text in Azerbaijani as stored; for editing.
    async fn text_az(&self) -> &str {
        &self.0.text_az
    }
    /// The text in English as stored; for editing.
    async fn text_en(&self) -> &str {
        &self.0.text_en
    }
    /// When it was last written.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
    /// Row version for `setPeriodNarrative`.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A programme's money in one period: its budget and, where reported, what was spent.
pub struct PeriodFinance(pub period_finance::Model);

/// A programme's money in one period: its budget and, where reported, what was spent.
#[Object]
impl PeriodFinance {
    /// First day of the period.
    async fn period_start(&self) -> NaiveDate {
        self.0.period_start
    }
    /// Last day of the period.
    async fn period_end(&self) -> NaiveDate {
        self.0.period_end
    }
    /// Budget of the period (null when not given).
    async fn budget(&self) -> Option<Money> {
        money(self.0.budget_amount, &Some(self.0.currency.clone()))
    }
    /// Spent in the period (null when not reported).
    async fn spent(&self) -> Option<Money> {
        money(self.0.spent_amount, &Some(self.0.currency.clone()))
    }
    /// When it was last written.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
    /// Row version for `setPeriodFinance`.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A period's money.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct PeriodFinanceInput {
    /// The programme.
    pub project_id: ID,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// Budget of the period in whole currency units (at least one of budget and spending).
    pub budget_amount: Option<i64>,
    /// Spent in the period in whole currency units, where reported.
    pub spent_amount: Option<i64>,
    /// ISO 4217 code, e.g. AZN, USD, EUR.
    pub currency: String,
}

/// A file sent with an update.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct AttachmentInput {
    /// The file's name on the sender's device (made safe when stored; its extension is ignored).
    pub file_name: String,
    /// The file's bytes, base64. Photos (JPEG, PNG, WebP) are resized to at
    /// most 1,600 pixels a side and re-encoded without metadata; PDFs are
    /// kept. At most 4 MB each; the type is read from the content.
    pub content_base64: String,
}

/// A new update.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct ProgrammeUpdateInput {
    /// The programme.
    pub project_id: ID,
    /// The day the update speaks of (not in the future).
    pub posted_on: NaiveDate,
    /// Text in Azerbaijani (one of the two may be written later), at most 4,000 characters.
    #[graphql(default)]
    pub text_az: String,
    /// Text in English.
    #[graphql(default)]
    pub text_en: String,
    /// Photos and documents, at most 4.
    #[graphql(default)]
    pub attachments: Vec<AttachmentInput>,
}

/// An update's new text and day (its files stay as they are).
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct ProgrammeUpdateEditInput {
    /// The day the update speaks of.
    pub posted_on: NaiveDate,
    /// Text in Azerbaijani.
    #[graphql(default)]
    pub text_az: String,
    /// Text in English.
    #[graphql(default)]
    pub text_en: String,
}

/// A period's narrative.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct PeriodNarrativeInput {
    /// The programme.
    pub project_id: ID,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// Text in Azerbaijani (one of the two may be written later).
    #[graphql(default)]
    pub text_az: String,
    /// Text in English.
    #[graphql(default)]
    pub text_en: String,
}

payload!(/// Result of posting, editing or archiving an update.
ProgrammeUpdatePayload, update: ProgrammeUpdate,
|ctx, outcome| load_visible::<programme_update::Entity, _>(ctx, &outcome, programme_update::Column::ProjectId, ProgrammeUpdate).await?);
payload!(/// Result of writing a period's money.
PeriodFinancePayload, finance: PeriodFinance,
|ctx, outcome| load_visible::<period_finance::Entity, _>(ctx, &outcome, period_finance::Column::ProjectId, PeriodFinance).await?);
payload!(/// Result of writing a period narrative.
PeriodNarrativePayload, narrative: PeriodNarrative,
|ctx, outcome| load_visible::<period_narrative::Entity, _>(ctx, &outcome, period_narrative::Column::ProjectId, PeriodNarrative).await?);

/// Decodes and prepares the files of an update (on a blocking thread:
/// decoding and resizing a photo takes CPU), naming each refusal's field.
async fn prepare_files(list: &[AttachmentInput]) -> Result<Vec<files::Prepared>, Vec<UserError>> {
    if list.len() > files::MAX_FILES {
        return Err(vec![UserError::new(
            &["input", "attachments"],
            UserErrorCode::Invalid,
            format!("at most {} files on one update", files::MAX_FILES),
        )]);
    }
    let mut decoded = Vec::new();
    let mut errors = Vec::new();
    for (i, a) in list.iter().enumerate() {
        let index = i.to_string();
        let field = ["input", "attachments", index.as_str(), "contentBase64"];
        // Base64 of the largest file, with room for padding and line breaks.
        if a.content_base64.len() > files::MAX_FILE_BYTES / 3 * 4 + 1024 {
            errors.push(UserError::new(
                &field,
                UserErrorCode::Invalid,
                format!(
                    "a file is at most {} MB",
                    files::MAX_FILE_BYTES / (1024 * 1024)
                ),
            ));
            continue;
        }
        let cleaned: String = a
            .content_base64
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        match base64::engine::general_purpose::STANDARD.decode(cleaned.as_bytes()) {
            Ok(bytes) => decoded.push((i, a.file_name.clone(), bytes)),
            Err(_) => errors.push(UserError::new(
                &field,
                UserErrorCode::Invalid,
                "the content is not base64",
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let results = tokio::task::spawn_blocking(move || {
        decoded
            .into_iter()
            .map(|(i, name, bytes)| (i, files::prepare(&name, &bytes)))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|_| {
        vec![UserError::new(
            &["input", "attachments"],
            UserErrorCode::Invalid,
            "the files could not be processed",
        )]
    })?;
    let mut prepared = Vec::new();
    for (i, result) in results {
        match result {
            Ok(p) => prepared.push(p),
            Err(refusal) => {
                let index = i.to_string();
                errors.push(UserError::new(
                    &["input", "attachments", index.as_str(), "contentBase64"],
                    UserErrorCode::Invalid,
                    refusal.message(),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(prepared)
    } else {
        Err(errors)
    }
}

/// Dated updates and period narratives.
#[derive(Default)]
pub struct UpdateMutation;

#[Object]
impl UpdateMutation {
    /// Posts a dated update to a programme (its managers and
    /// administrators), with up to 4 photos or PDF documents. Photos are
    /// resized and stored without EXIF/GPS metadata; every file's type is
    /// read from its content.
    async fn post_programme_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The update.")] input: ProgrammeUpdateInput,
    ) -> ApiResult<ProgrammeUpdatePayload> {
        // Photos are decoded only for callers who may post at all: an
        // anonymous caller or a donor spends no CPU on them.
        let may_post = scope(ctx)
            .viewer
            .user()
            .is_some_and(|u| matches!(u.role, UserRole::Admin | UserRole::Manager));
        let prepared = if may_post {
            prepare_files(&input.attachments).await
        } else {
            Ok(Vec::new())
        };
        mutate(
            ctx,
            "postProgrammeUpdate",
            &idempotency_key,
            &input,
            || {
                let project = arg_id(NodeType::Project, &input.project_id, "projectId")
                    .map_err(|e| prefixed(e, "input"))?;
                Ok((project, prepared?))
            },
            async |txn, actor, (project, prepared)| {
                let fields = UpdateFields {
                    posted_on: input.posted_on,
                    text_az: input.text_az.clone(),
                    text_en: input.text_en.clone(),
                };
                updates::post_update(txn, actor, project, &fields, prepared).await
            },
        )
        .await
    }

    /// Changes an update's text or day, e.g. to add the second language
    /// (by whoever may post to its programme). CONFLICT when `version` is stale.
    async fn edit_programme_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The update.")] id: ID,
        #[graphql(desc = "The update's `version` the change is based on.")] version: i32,
        #[graphql(desc = "The new text and day.")] input: ProgrammeUpdateEditInput,
    ) -> ApiResult<ProgrammeUpdatePayload> {
        let request = serde_json::json!({ "id": id, "version": version, "input": input });
        mutate(
            ctx,
            "editProgrammeUpdate",
            &idempotency_key,
            &request,
            || arg_id(NodeType::ProgrammeUpdate, &id, "id"),
            async |txn, actor, id| {
                let fields = UpdateFields {
                    posted_on: input.posted_on,
                    text_az: input.text_az.clone(),
                    text_en: input.text_en.clone(),
                };
                updates::edit_update(txn, actor, id, version, &fields).await
            },
        )
        .await
    }

    /// Archives an update posted by mistake (gone from the programme page
    /// and feeds, kept for the audit trail), or restores it.
    async fn archive_programme_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The update.")] id: ID,
        #[graphql(desc = "The update's `version` the change is based on.")] version: i32,
        #[graphql(desc = "True to restore an archived update (default false: archive).")]
        restore: Option<bool>,
    ) -> ApiResult<ProgrammeUpdatePayload> {
        let restore = restore.unwrap_or(false);
        let request = serde_json::json!({ "id": id, "version": version, "restore": restore });
        mutate(
            ctx,
            "archiveProgrammeUpdate",
            &idempotency_key,
            &request,
            || arg_id(NodeType::ProgrammeUpdate, &id, "id"),
            async |txn, actor, id| updates::archive_update(txn, actor, id, version, restore).await,
        )
        .await
    }

    /// Writes the narrative of a programme's reporting period (its managers
    /// and administrators), shown in the donor report. Leave `version` out
    /// for the period's first narrative; give the stored one to change it
    /// (CONFLICT when stale).
    async fn set_period_narrative(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The stored narrative's `version`; null to write the period's first.")]
        version: Option<i32>,
        #[graphql(desc = "The narrative.")] input: PeriodNarrativeInput,
    ) -> ApiResult<PeriodNarrativePayload> {
        let request = serde_json::json!({ "version": version, "input": input });
        mutate(
            ctx,
            "setPeriodNarrative",
            &idempotency_key,
            &request,
            || {
                arg_id(NodeType::Project, &input.project_id, "projectId")
                    .map_err(|e| prefixed(e, "input"))
            },
            async |txn, actor, project| {
                let fields = NarrativeFields {
                    period_start: input.period_start,
                    period_end: input.period_end,
                    text_az: input.text_az.clone(),
                    text_en: input.text_en.clone(),
                };
                updates::set_narrative(txn, actor, project, version, &fields).await
            },
        )
        .await
    }
}

/// A programme's money per period.
#[derive(Default)]
pub struct FinanceMutation;

#[Object]
impl FinanceMutation {
    /// Writes a programme's budget and, where reported, spending of a period
    /// (its managers and administrators), shown beside progress. Leave
    /// `version` out for the period's first; give the stored one to change
    /// it (CONFLICT when stale).
    async fn set_period_finance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The stored row's `version`; null to write the period's first.")]
        version: Option<i32>,
        #[graphql(desc = "The period's money.")] input: PeriodFinanceInput,
    ) -> ApiResult<PeriodFinancePayload> {
        let request = serde_json::json!({ "version": version, "input": input });
        mutate(
            ctx,
            "setPeriodFinance",
            &idempotency_key,
            &request,
            || {
                arg_id(NodeType::Project, &input.project_id, "projectId")
                    .map_err(|e| prefixed(e, "input"))
            },
            async |txn, actor, project| {
                let fields = FinanceFields {
                    period_start: input.period_start,
                    period_end: input.period_end,
                    budget_amount: input.budget_amount,
                    spent_amount: input.spent_amount,
                    currency: input.currency.clone(),
                };
                updates::set_finance(txn, actor, project, version, &fields).await
            },
        )
        .await
    }
}

/// Puts user errors of an argument under `prefix` (e.g. `input`).
fn prefixed(errors: Vec<UserError>, prefix: &str) -> Vec<UserError> {
    errors
        .into_iter()
        .map(|mut e| {
            e.field.insert(0, prefix.to_string());
            e
        })
        .collect()
}
