//! Projects: the programme itself, its participants, plans and goals, its
//! indicators and service counts, and the root fields that list projects.

mod figures;
mod query;
mod types;

pub use figures::*;
pub use query::*;
pub use types::*;
