//! Infrastructure works and their dated status history.

mod query;
mod types;

pub use query::*;
pub use types::*;
