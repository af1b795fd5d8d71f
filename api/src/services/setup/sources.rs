//! Source documents (title, publisher, date, language, link, optionally the
//! text) and citations: a record cites a source with the passage that
//! states its fact, and the site shows that passage beside the figure.
//!
//! A source may be added by an administrator or a manager (sources are
//! shared: a manager cites the news text that reports their training); a
//! citation is written by whoever may edit the cited record. When the
//! source keeps its text, a cited passage must occur in it (compared with
//! whitespace folded), so a quote cannot be made up.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
};
use serde::Serialize;

use entities::codes::UserRole;
use entities::{centre, citation, indicator, infrastructure_work, source_document};

use super::super::*;
use super::{TITLE_MAX, bilingual, check_date, check_url, optional_text};

/// Longest kept source text, in bytes.
pub const BODY_MAX: usize = 1024 * 1024;
/// Longest quoted passage, in characters.
pub const PASSAGE_MAX: usize = 4_000;

/// A source document's fields.
#[derive(Debug, Clone, Serialize)]
pub struct SourceFields {
    /// Title in Azerbaijani.
    pub title_az: String,
    /// Title in English.
    pub title_en: String,
    /// Publisher (e.g. the news agency).
    pub publisher: Option<String>,
    /// Day it was published.
    pub published_on: Option<chrono::NaiveDate>,
    /// Language of the text (`az`, `en`, `ru`…).
    pub language: String,
    /// Link to the published text.
    pub url: Option<String>,
    /// The text itself, when it is kept.
    pub body: Option<String>,
    /// A dataset's own key for the source (the demo seeder finds its
    /// sources by it, so reloading adds none twice); never changed by an edit.
    pub reference: Option<String>,
}

/// What kind of record a citation is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Cited {
    /// A project.
    Project,
    /// An indicator.
    Indicator,
    /// A centre.
    Centre,
    /// An infrastructure work.
    Work,
}

impl Cited {
    /// The code stored in `citations.entity_type`.
    pub fn code(self) -> &'static str {
        match self {
            Cited::Project => "project",
            Cited::Indicator => "indicator",
            Cited::Centre => "centre",
            Cited::Work => "work",
        }
    }
}

fn may_add_sources(actor: &Actor) -> ServiceResult<()> {
    match actor.viewer.user().map(|u| u.role) {
        Some(UserRole::Admin | UserRole::Manager) => Ok(()),
        _ => Err(UserError::new(
            &[],
            UserErrorCode::Forbidden,
            "only administrators and managers add sources",
        )
        .into()),
    }
}

fn validate(
    input: &SourceFields,
    errors: &mut Vec<UserError>,
) -> (String, String, Option<String>, Option<String>, String) {
    let (az, en) = bilingual(
        &input.title_az,
        &input.title_en,
        &["input", "titleAz"],
        &["input", "titleEn"],
        TITLE_MAX,
        errors,
    );
    let publisher = optional_text(
        input.publisher.as_deref(),
        &["input", "publisher"],
        TITLE_MAX,
        errors,
    );
    check_date(input.published_on, &["input", "publishedOn"], errors);
    let url = check_url(input.url.as_deref(), &["input", "url"], errors);
    let language = input.language.trim().to_ascii_lowercase();
    if !(2..=8).contains(&language.len())
        || !language
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-')
    {
        errors.push(UserError::new(
            &["input", "language"],
            UserErrorCode::Invalid,
            "give the language as its code, e.g. az or en",
        ));
    }
    if input.body.as_ref().is_some_and(|b| b.len() > BODY_MAX) {
        errors.push(UserError::new(
            &["input", "body"],
            UserErrorCode::Invalid,
            "a kept text is at most 1 MB",
        ));
    }
    (az, en, publisher, url, language)
}

/// Adds a source document (administrators and managers).
pub async fn create_source<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: &SourceFields,
) -> ServiceResult<Outcome> {
    may_add_sources(actor)?;
    let mut errors = Vec::new();
    let (az, en, publisher, url, language) = validate(input, &mut errors);
    check(errors)?;
    let created = source_document::ActiveModel {
        id: NotSet,
        title_az: Set(az),
        title_en: Set(en),
        publisher: Set(publisher),
        published_on: Set(input.published_on),
        language: Set(language),
        reference: Set(input.reference.clone()),
        url: Set(url),
        version: Set(1),
        body: Set(input.body.clone().filter(|b| !b.trim().is_empty())),
    }
    .insert(db)
    .await?;
    audit(
        db,
        actor,
        "source.create",
        "source_document",
        Some(created.id),
        None,
        snapshot(&created),
    )
    .await?;
    Ok(Outcome::changed(created.id))
}

/// Changes a source document (administrators and managers); CONFLICT on a
/// stale `version`. Its text may not drop a passage a citation quotes.
pub async fn update_source<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    input: &SourceFields,
) -> ServiceResult<Outcome> {
    may_add_sources(actor)?;
    let Some(before) = source_document::Entity::find_by_id(id).one(db).await? else {
        return Err(
            UserError::new(&["id"], UserErrorCode::NotFound, "no such source document").into(),
        );
    };
    let mut errors = Vec::new();
    let (az, en, publisher, url, language) = validate(input, &mut errors);
    let body = input.body.clone().filter(|b| !b.trim().is_empty());
    if let Some(text) = &body {
        let cited = citation::Entity::find()
            .filter(citation::Column::SourceDocumentId.eq(id))
            .all(db)
            .await?;
        if cited.iter().any(|c| !contains_passage(text, &c.passage)) {
            errors.push(UserError::new(
                &["input", "body"],
                UserErrorCode::InUse,
                "the new text drops a passage that a citation quotes",
            ));
        }
    }
    check(errors)?;
    if !compare_and_set::<source_document::Entity, _>(
        db,
        source_document::ActiveModel {
            title_az: Set(az),
            title_en: Set(en),
            publisher: Set(publisher),
            published_on: Set(input.published_on),
            language: Set(language),
            url: Set(url),
            body: Set(body),
            version: Set(version + 1),
            ..Default::default()
        },
        (source_document::Column::Id, id),
        (source_document::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "source document"));
    }
    let after = source_document::Entity::find_by_id(id).one(db).await?;
    audit(
        db,
        actor,
        "source.update",
        "source_document",
        Some(id),
        snapshot(&before),
        snapshot(&after),
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// Whitespace folded to single spaces, for comparing a passage with a text.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True when `passage` occurs in `text` (whitespace folded).
pub fn contains_passage(text: &str, passage: &str) -> bool {
    squash(text).contains(&squash(passage))
}

/// The project a cited record belongs to, if the record exists.
async fn project_of<C: ConnectionTrait>(
    db: &C,
    kind: Cited,
    id: i32,
) -> Result<Option<i32>, DbErr> {
    Ok(match kind {
        Cited::Project => entities::project::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|p| p.id),
        Cited::Indicator => indicator::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|i| i.project_id),
        Cited::Centre => centre::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|c| c.project_id),
        Cited::Work => infrastructure_work::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|w| w.project_id),
    })
}

/// Cites a source for a record, with the passage that states the fact (by
/// whoever may edit the record). Citing the same source again replaces the passage.
pub async fn cite<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    kind: Cited,
    entity_id: i32,
    source_id: i32,
    passage: &str,
    lang: Option<&str>,
) -> ServiceResult<Outcome> {
    let Some(project_id) = project_of(db, kind, entity_id).await? else {
        return Err(UserError::new(
            &["input", "entityId"],
            UserErrorCode::NotFound,
            "no such record",
        )
        .into());
    };
    editable_project(db, &actor.viewer, project_id, &["input", "entityId"]).await?;
    let Some(source) = source_document::Entity::find_by_id(source_id)
        .one(db)
        .await?
    else {
        return Err(UserError::new(
            &["input", "sourceDocumentId"],
            UserErrorCode::NotFound,
            "no such source document",
        )
        .into());
    };
    let passage = passage.trim();
    let mut errors = Vec::new();
    if passage.is_empty() {
        errors.push(UserError::new(
            &["input", "passage"],
            UserErrorCode::Required,
            "quote the passage that states the fact",
        ));
    } else if passage.chars().count() > PASSAGE_MAX {
        errors.push(UserError::new(
            &["input", "passage"],
            UserErrorCode::Invalid,
            format!("quote at most {PASSAGE_MAX} characters"),
        ));
    } else if let Some(body) = &source.body
        && !contains_passage(body, passage)
    {
        errors.push(UserError::new(
            &["input", "passage"],
            UserErrorCode::Invalid,
            "the source's text does not contain this passage: quote it exactly",
        ));
    }
    let lang = lang
        .map(|l| l.trim().to_ascii_lowercase())
        .unwrap_or_else(|| source.language.clone());
    if !(2..=8).contains(&lang.len()) {
        errors.push(UserError::new(
            &["input", "lang"],
            UserErrorCode::Invalid,
            "give the passage's language as its code, e.g. az",
        ));
    }
    check(errors)?;
    let existing = citation::Entity::find()
        .filter(citation::Column::EntityType.eq(kind.code()))
        .filter(citation::Column::EntityId.eq(entity_id))
        .filter(citation::Column::SourceDocumentId.eq(source_id))
        .one(db)
        .await?;
    if let Some(old) = &existing {
        citation::Entity::delete_by_id(old.id).exec(db).await?;
    }
    let created = citation::ActiveModel {
        id: NotSet,
        source_document_id: Set(source_id),
        entity_type: Set(kind.code().to_string()),
        entity_id: Set(entity_id),
        passage: Set(passage.to_string()),
        lang: Set(lang),
    }
    .insert(db)
    .await?;
    audit_in_project(
        db,
        actor,
        "citation.set",
        ("citation", Some(created.id)),
        Some(project_id),
        snapshot(&existing),
        snapshot(&created),
    )
    .await?;
    Ok(Outcome {
        detail: Some(serde_json::json!({ "kind": kind.code() })),
        ..Outcome::changed(entity_id)
    })
}

/// Removes a record's citation of a source (by whoever may edit the record).
pub async fn remove_citation<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    kind: Cited,
    entity_id: i32,
    source_id: i32,
) -> ServiceResult<Outcome> {
    let Some(project_id) = project_of(db, kind, entity_id).await? else {
        return Err(
            UserError::new(&["entityId"], UserErrorCode::NotFound, "no such record").into(),
        );
    };
    editable_project(db, &actor.viewer, project_id, &["entityId"]).await?;
    let Some(c) = citation::Entity::find()
        .filter(citation::Column::EntityType.eq(kind.code()))
        .filter(citation::Column::EntityId.eq(entity_id))
        .filter(citation::Column::SourceDocumentId.eq(source_id))
        .one(db)
        .await?
    else {
        return Err(UserError::new(
            &["sourceDocumentId"],
            UserErrorCode::NotFound,
            "the record does not cite this source",
        )
        .into());
    };
    citation::Entity::delete_by_id(c.id).exec(db).await?;
    audit_in_project(
        db,
        actor,
        "citation.remove",
        ("citation", Some(c.id)),
        Some(project_id),
        snapshot(&c),
        None,
    )
    .await?;
    Ok(Outcome {
        detail: Some(serde_json::json!({ "kind": kind.code() })),
        ..Outcome::changed(entity_id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passage_matches_across_line_breaks_but_not_when_altered() {
        let text = "Füzuli, Ağcabədi və Tərtər\nrayonlarında üç İcma Resurs Mərkəzi yaradılıb.";
        assert!(contains_passage(
            text,
            "Tərtər rayonlarında üç İcma Resurs Mərkəzi"
        ));
        assert!(!contains_passage(text, "dörd İcma Resurs Mərkəzi"));
    }
}
