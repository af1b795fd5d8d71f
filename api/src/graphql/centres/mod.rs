//! Centres: community resource, coordination and victim-assistance centres,
//! shelters and hotlines, their milestones and teams.

mod query;
mod types;

pub use query::*;
pub use types::*;
