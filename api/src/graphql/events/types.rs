//! Output types of this domain.

use crate::graphql::prelude::*;

// ------------------------------------------------------------------ events

/// A training, course, seminar, community meeting or awareness event.
#[derive(Clone)]
pub struct Event(pub event::Model);

/// Fields an event list can be sorted on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventOrderField {
    /// Start date (unknown first).
    StartDate,
    /// Title in the request's language.
    Title,
    /// Kind code.
    Kind,
}

/// A training, course, seminar, community meeting or awareness event.
#[Object]
impl Event {
    /// Version for optimistic concurrency: send it back with a change; a stale one gets CONFLICT.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(NodeType::Event, self.0.id)
    }
    /// Kind of event.
    async fn kind(&self) -> EventKind {
        self.0.kind
    }
    /// Title in the language asked for; when it was given only in the other
    /// language, that one (see `titleLang`), never a blank.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> String {
        text_or_other(ctx, lang, &self.0.title_az, &self.0.title_en)
    }
    /// The language `title` is written in for `lang`: the other language when
    /// the title was not given in this one (show it marked, e.g. "(in English)").
    async fn title_lang(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> Lang {
        given_lang(ctx, lang, &self.0.title_az, &self.0.title_en).0
    }
    /// Topics covered.
    async fn topics(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> Option<String> {
        opt_text(ctx, lang, &self.0.topics_az, &self.0.topics_en)
    }
    /// First day; null when the source gives no date.
    async fn start_date(&self) -> Option<NaiveDate> {
        self.0.start_date
    }
    /// Last day; null when the source gives no date.
    async fn end_date(&self) -> Option<NaiveDate> {
        self.0.end_date
    }
    /// Who it was for.
    async fn audience(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> Option<String> {
        opt_text(ctx, lang, &self.0.audience_az, &self.0.audience_en)
    }
    /// Most participants allowed per session (e.g. 10 for the 2021 community meetings).
    async fn capacity(&self) -> Option<i32> {
        self.0.capacity
    }
    /// Planned, held or cancelled.
    async fn status(&self) -> EventStatus {
        self.0.status
    }
    /// The project.
    async fn project(&self, ctx: &Context<'_>) -> ApiResult<Option<Project>> {
        Ok(one(ctx, ProjectById(self.0.project_id)).await?.map(Project))
    }
    /// Centre it was held at, if one.
    async fn centre(&self, ctx: &Context<'_>) -> ApiResult<Option<Centre>> {
        Ok(opt(ctx, self.0.centre_id.map(CentreById))
            .await?
            .map(Centre))
    }
    /// Areas it took place in.
    /// Bounded: the few areas one event took place in.
    async fn areas(&self, ctx: &Context<'_>) -> ApiResult<Vec<Area>> {
        Ok(many(ctx, AreasOfEvent(self.0.id))
            .await?
            .into_iter()
            .map(Area)
            .collect())
    }
    /// Attendance as published: cells by sex × age band × disability × category
    /// and their total. Null when no attendance was recorded.
    async fn attendance(&self, ctx: &Context<'_>) -> ApiResult<Option<Attendance>> {
        let rows = many(ctx, AttendanceByEvent(self.0.id)).await?;
        if rows.is_empty() {
            return Ok(None);
        }
        // Published through the same suppression as `participantStats`, so no
        // cell can be recovered by comparing the two.
        let (cells, total) =
            crate::graphql::stats::published_attendance(ctx, &self.0, &rows).await?;
        Ok(Some(Attendance {
            cells: rows
                .into_iter()
                .zip(cells)
                .map(|(r, f)| AttendanceCell {
                    sex: r.sex,
                    age_band: r.age_band,
                    disability: r.disability,
                    category: r.category,
                    count: f.value,
                    suppressed: f.suppressed,
                    disclosure: f.into(),
                })
                .collect(),
            total: total.into(),
        }))
    }
    /// The text the event is reported in.
    async fn source(&self, ctx: &Context<'_>) -> ApiResult<Option<SourceDocument>> {
        Ok(opt(ctx, self.0.source_document_id.map(SourceById))
            .await?
            .map(SourceDocument))
    }
}

/// An event's attendance, as published.
#[derive(SimpleObject, Clone)]
pub struct Attendance {
    /// Counts per cell of sex × age band × disability × category.
    /// Bounded: one per combination of sex, age band, disability and category (at most a few dozen).
    pub cells: Vec<AttendanceCell>,
    /// Sum of the cells.
    pub total: Count,
}

/// Participants in one cell of sex × age band × disability × category.
#[derive(SimpleObject, Clone)]
#[graphql(serial)]
pub struct AttendanceCell {
    /// Sex (UNKNOWN when not recorded).
    pub sex: Sex,
    /// Age band (UNKNOWN when not recorded).
    pub age_band: AgeBand,
    /// Disability status (UNKNOWN when not recorded).
    pub disability: Disability,
    /// Beneficiary category (UNKNOWN when not recorded).
    pub category: BeneficiaryCategory,
    /// Participants; null when suppressed.
    pub count: Option<i64>,
    /// True when the count was withheld by small-cell suppression.
    pub suppressed: bool,
    /// How it was protected and its class.
    #[graphql(flatten)]
    pub disclosure: Disclosure,
}
