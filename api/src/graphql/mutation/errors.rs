//! The GraphQL face of the services' domain errors, and the decoding of the
//! global IDs in mutation inputs into the integers the services take.

use async_graphql::{Enum, ID, SimpleObject};

use crate::graphql::ids::{NodeType, decode_as};
use crate::services;

/// Machine-readable reason of a user error.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "UserErrorCode", remote = "crate::services::UserErrorCode")]
pub enum UserErrorCode {
    /// A value is malformed or out of range.
    Invalid,
    /// A required value is missing or empty.
    Required,
    /// The object does not exist or is not visible to the caller.
    NotFound,
    /// The caller may not do this.
    Forbidden,
    /// The object changed since the caller read it (stale `version`).
    Conflict,
    /// Attendance would exceed the event's capacity.
    CapacityExceeded,
    /// A count is negative.
    NegativeCount,
    /// A date lies outside the project's dates.
    OutOfProjectRange,
    /// The same attendance or count cell appears twice.
    DuplicateCell,
    /// The period has an approved report; an admin must reopen it first.
    PeriodLocked,
    /// The idempotency key was used before with a different request.
    IdempotencyKeyReused,
    /// Wrong email or password.
    InvalidCredentials,
    /// Too many attempts; wait a minute.
    TooManyAttempts,
    /// The password does not meet the policy.
    WeakPassword,
    /// Another user has this email.
    EmailTaken,
    /// The workflow does not allow this step from the current state.
    InvalidTransition,
    /// The caller must log in.
    Unauthenticated,
    /// The project does not declare this beneficiary category, or records
    /// its people as less sensitive than the project is.
    CategoryNotDeclared,
    /// A count is above its documented upper bound: 100,000 participants per
    /// attendance cell, 1,000,000 for a capacity, 10,000,000 per service count.
    ValueOutOfRange,
    /// Another record already has this unique value (a project's slug, an indicator's code, an area's name under its parent).
    AlreadyExists,
    /// The value is still used by stored records (a category the project's records count, a record others refer to).
    InUse,
    /// The entry breaks a validation rule of importance ERROR (the rule's message says which).
    RuleBroken,
    /// The entry breaks a validation rule of importance WARNING: send it again with a `confirmReason`.
    WarningNotConfirmed,
}

/// A problem with the input, returned in the payload (not as a GraphQL error).
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    /// Path to the input field at fault, e.g. `["input", "attendance", "2", "count"]`.
    pub field: Vec<String>,
    /// Machine-readable reason.
    pub code: UserErrorCode,
    /// Human-readable explanation.
    pub message: String,
}

impl From<services::UserError> for UserError {
    fn from(e: services::UserError) -> Self {
        Self {
            field: e.field,
            code: e.code.into(),
            message: e.message,
        }
    }
}

/// Maps a service's errors to the payload's `userErrors`.
pub fn user_errors(errors: Vec<services::UserError>) -> Vec<UserError> {
    errors.into_iter().map(UserError::from).collect()
}

/// Decodes the global IDs of one input, collecting an INVALID user error
/// (at the field's path) for each that does not decode, so the caller gets
/// all of them at once.
#[derive(Default)]
pub struct Ids {
    errors: Vec<services::UserError>,
}

impl Ids {
    /// The id of `raw`, or 0 with an error recorded at `field`.
    pub fn one(&mut self, kind: NodeType, raw: &ID, field: &[&str]) -> i32 {
        match decode_as(kind, raw) {
            Ok(id) => id,
            Err(e) => {
                self.errors.push(services::UserError::new(
                    field,
                    services::UserErrorCode::Invalid,
                    e.message(),
                ));
                0
            }
        }
    }

    /// The id of an optional ID.
    pub fn opt(&mut self, kind: NodeType, raw: Option<&ID>, field: &[&str]) -> Option<i32> {
        raw.map(|raw| self.one(kind, raw, field))
    }

    /// The ids of a list; an error's path ends with the item's index.
    pub fn list(&mut self, kind: NodeType, raws: &[ID], field: &[&str]) -> Vec<i32> {
        raws.iter()
            .enumerate()
            .map(|(i, raw)| {
                let index = i.to_string();
                let mut path = field.to_vec();
                path.push(&index);
                self.one(kind, raw, &path)
            })
            .collect()
    }

    /// `value` when every ID decoded, else the errors.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<services::UserError>> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

/// Decodes an ID given as a mutation argument (e.g. `id`, `eventId`).
pub fn arg_id(kind: NodeType, raw: &ID, field: &str) -> Result<i32, Vec<services::UserError>> {
    let mut ids = Ids::default();
    let id = ids.one(kind, raw, &[field]);
    ids.finish(id)
}
