//! Events (trainings, courses, meetings) and their attendance.

mod query;
mod types;

pub use query::*;
pub use types::*;
