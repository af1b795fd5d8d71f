//! GraphQL face of the statistics: aggregates grouped by any dimensions,
//! facility counts, indicator progress and a project overview. Resolvers
//! check access and shape output; the work is in [`crate::stats`].

mod inputs;
pub(crate) mod names;
mod progress;
mod query;

pub use inputs::*;
pub use names::*;
pub use progress::*;
pub use query::*;
