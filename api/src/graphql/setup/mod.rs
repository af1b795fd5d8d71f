//! Programme set-up in the API (issue 20): projects, indicators with targets
//! and entered values, centres, works, teams, areas and boundaries, sources
//! and citations. The writes are in `services::setup`.

pub mod inputs;
pub mod mutation;
pub mod query;
pub mod types;

pub use types::{Citation, IndicatorTarget, citations_of, targets_of};
