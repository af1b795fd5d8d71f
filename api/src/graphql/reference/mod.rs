//! Reference data: organisations, areas and source documents, and
//! `node(id:)` over every type.

mod query;
mod types;

pub use query::*;
pub use types::*;
