//! The read layer below GraphQL: SQL that more than one surface needs
//! (lists, filters, statistics, exports), written once. Nothing here knows
//! GraphQL; inputs are plain ids.

pub mod changes;
pub mod completeness;
pub mod places;
