//! Event mutations: create (with attendance), update (optionally replacing
//! the grid), cancel, replace or add to the attendance grid.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::NaiveDate;
use serde::Serialize;

use entities::codes::*;
use entities::event;

use super::errors::{Ids, arg_id};
use super::{load_visible, mutate, payload};
use crate::error::ApiResult;
use crate::graphql::ids::NodeType;
use crate::graphql::prelude::Event;
use crate::services::UserError;
use crate::services::attendance::{self, AttendanceCell};
use crate::services::events::{self, EventChanges, NewEvent};

/// One cell of an attendance grid.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct AttendanceCellInput {
    /// Sex (UNKNOWN when not recorded).
    pub sex: Sex,
    /// Age band (UNKNOWN when not recorded).
    pub age_band: AgeBand,
    /// Disability status (UNKNOWN when not recorded).
    pub disability: Disability,
    /// Beneficiary category (UNKNOWN when not recorded).
    pub category: BeneficiaryCategory,
    /// Participants in this cell, 0 to 100,000 (also after `addAttendance`
    /// adds to a stored cell); more is refused with VALUE_OUT_OF_RANGE.
    pub count: i32,
}

impl From<&AttendanceCellInput> for AttendanceCell {
    fn from(c: &AttendanceCellInput) -> Self {
        Self {
            sex: c.sex,
            age_band: c.age_band,
            disability: c.disability,
            category: c.category,
            count: c.count,
        }
    }
}

/// The service's cells of a grid.
pub fn to_cells(cells: &[AttendanceCellInput]) -> Vec<AttendanceCell> {
    cells.iter().map(AttendanceCell::from).collect()
}

/// A new event, optionally with its attendance.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct CreateEventInput {
    /// Project the event belongs to.
    pub project_id: ID,
    /// Centre it is held at, if one (must belong to the project).
    pub centre_id: Option<ID>,
    /// Kind of event.
    pub kind: EventKind,
    /// Title in Azerbaijani (may be left empty when the English one is given).
    #[graphql(default)]
    pub title_az: String,
    /// Title in English (may be left empty when the Azerbaijani one is given).
    #[graphql(default)]
    pub title_en: String,
    /// Topics in Azerbaijani.
    pub topics_az: Option<String>,
    /// Topics in English.
    pub topics_en: Option<String>,
    /// First day.
    pub start_date: Option<NaiveDate>,
    /// Last day (not before the first).
    pub end_date: Option<NaiveDate>,
    /// Audience in Azerbaijani.
    pub audience_az: Option<String>,
    /// Audience in English.
    pub audience_en: Option<String>,
    /// Most participants allowed, 1 to 1,000,000.
    pub capacity: Option<i32>,
    /// Planned or held (default HELD when attendance is given, else PLANNED).
    pub status: Option<EventStatus>,
    /// Areas it takes place in.
    pub area_ids: Option<Vec<ID>>,
    /// Attendance grid, written in the same transaction.
    pub attendance: Option<Vec<AttendanceCellInput>>,
}

impl CreateEventInput {
    /// The service input, with its IDs decoded.
    pub fn decode(&self) -> Result<NewEvent, Vec<UserError>> {
        let mut ids = Ids::default();
        let project_id = ids.one(NodeType::Project, &self.project_id, &["input", "projectId"]);
        let centre_id = ids.opt(
            NodeType::Centre,
            self.centre_id.as_ref(),
            &["input", "centreId"],
        );
        let area_ids = ids.list(
            NodeType::Area,
            self.area_ids.as_deref().unwrap_or_default(),
            &["input", "areaIds"],
        );
        ids.finish(NewEvent {
            project_id,
            centre_id,
            kind: self.kind,
            title_az: self.title_az.clone(),
            title_en: self.title_en.clone(),
            topics_az: self.topics_az.clone(),
            topics_en: self.topics_en.clone(),
            start_date: self.start_date,
            end_date: self.end_date,
            audience_az: self.audience_az.clone(),
            audience_en: self.audience_en.clone(),
            capacity: self.capacity,
            status: self.status,
            area_ids,
            attendance: to_cells(self.attendance.as_deref().unwrap_or_default()),
        })
    }
}

/// Changes to an event; omitted fields stay as they are.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct UpdateEventInput {
    /// The event.
    pub id: ID,
    /// The `version` the change is based on.
    pub version: i32,
    /// New kind.
    pub kind: Option<EventKind>,
    /// New Azerbaijani title ("" clears it while an English one remains).
    pub title_az: Option<String>,
    /// New English title ("" clears it while an Azerbaijani one remains).
    pub title_en: Option<String>,
    /// New Azerbaijani topics.
    pub topics_az: Option<String>,
    /// New English topics.
    pub topics_en: Option<String>,
    /// New first day.
    pub start_date: Option<NaiveDate>,
    /// New last day.
    pub end_date: Option<NaiveDate>,
    /// New capacity, 1 to 1,000,000.
    pub capacity: Option<i32>,
    /// New status (use `cancelEvent` to cancel).
    pub status: Option<EventStatus>,
    /// A new attendance grid replacing the old one in the same write (one
    /// version bump, as `recordAttendance`); omit to keep the grid.
    // Left out of the request hash when omitted, so retries of requests
    // stored before this field existed still match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendance: Option<Vec<AttendanceCellInput>>,
}

impl UpdateEventInput {
    /// The service input, with its ID decoded.
    pub fn decode(&self) -> Result<EventChanges, Vec<UserError>> {
        let mut ids = Ids::default();
        let id = ids.one(NodeType::Event, &self.id, &["input", "id"]);
        ids.finish(EventChanges {
            id,
            version: self.version,
            kind: self.kind,
            title_az: self.title_az.clone(),
            title_en: self.title_en.clone(),
            topics_az: self.topics_az.clone(),
            topics_en: self.topics_en.clone(),
            start_date: self.start_date,
            end_date: self.end_date,
            capacity: self.capacity,
            status: self.status,
            attendance: self.attendance.as_deref().map(to_cells),
        })
    }
}

payload!(/// Result of an event mutation.
    EventPayload, event: Event,
    |ctx, outcome| load_visible::<event::Entity, _>(ctx, &outcome, event::Column::ProjectId, Event).await?);

/// Writes to events and their attendance.
#[derive(Default)]
pub struct EventMutation;

#[Object]
impl EventMutation {
    /// Creates an event, with its attendance grid in the same transaction.
    async fn create_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "What to write; each field is described on the input type.")]
        input: CreateEventInput,
    ) -> ApiResult<EventPayload> {
        mutate(
            ctx,
            "createEvent",
            &idempotency_key,
            &input,
            || input.decode(),
            async |txn, actor, input| events::create(txn, actor, &input).await,
        )
        .await
    }

    /// Changes an event; fails with CONFLICT when `version` is stale.
    async fn update_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "What to write; each field is described on the input type.")]
        input: UpdateEventInput,
    ) -> ApiResult<EventPayload> {
        mutate(
            ctx,
            "updateEvent",
            &idempotency_key,
            &input,
            || input.decode(),
            async |txn, actor, input| events::update(txn, actor, &input).await,
        )
        .await
    }

    /// Cancels an event; fails with CONFLICT when `version` is stale.
    async fn cancel_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "The object's global ID, as its `id` field gives it.")] id: ID,
        #[graphql(
            desc = "The `version` the change is based on, as last read: a different current version is refused with CONFLICT and nothing is written (optimistic concurrency)."
        )]
        version: i32,
    ) -> ApiResult<EventPayload> {
        let request = serde_json::json!({ "id": id, "version": version });
        mutate(
            ctx,
            "cancelEvent",
            &idempotency_key,
            &request,
            || arg_id(NodeType::Event, &id, "id"),
            async |txn, actor, id| events::cancel(txn, actor, id, version).await,
        )
        .await
    }

    /// Replaces an event's attendance grid; fails with CONFLICT when `version` is stale.
    async fn record_attendance(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "Global ID of the event.")] event_id: ID,
        #[graphql(
            desc = "The `version` the change is based on, as last read: a different current version is refused with CONFLICT and nothing is written (optimistic concurrency)."
        )]
        version: i32,
        #[graphql(
            desc = "The whole grid: these cells replace every count recorded for the event (one per cell of sex x age band x disability x beneficiary category, only categories the project declares; every count is bounded)."
        )]
        cells: Vec<AttendanceCellInput>,
    ) -> ApiResult<EventPayload> {
        let request =
            serde_json::json!({ "eventId": event_id, "version": version, "cells": cells });
        mutate(
            ctx,
            "recordAttendance",
            &idempotency_key,
            &request,
            || arg_id(NodeType::Event, &event_id, "eventId"),
            async |txn, actor, id| {
                attendance::record_attendance(txn, actor, id, version, &to_cells(&cells)).await
            },
        )
        .await
    }

    /// Adds counts to an event's attendance. Safe for several people entering
    /// the same event at once: each addition counts exactly once.
    async fn add_attendance(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "Global ID of the event.")] event_id: ID,
        #[graphql(
            desc = "Cells to add to the counts already recorded (one per cell of sex x age band x disability x beneficiary category, only categories the project declares; every count is bounded)."
        )]
        cells: Vec<AttendanceCellInput>,
    ) -> ApiResult<EventPayload> {
        let request = serde_json::json!({ "eventId": event_id, "cells": cells });
        mutate(
            ctx,
            "addAttendance",
            &idempotency_key,
            &request,
            || arg_id(NodeType::Event, &event_id, "eventId"),
            async |txn, actor, id| {
                attendance::add_attendance(txn, actor, id, &to_cells(&cells)).await
            },
        )
        .await
    }
}
