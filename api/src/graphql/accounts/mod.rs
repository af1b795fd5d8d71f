//! The accounts domain: log-in, users, organisations' administration, API
//! keys, period reports and the audit trail. Reads run through
//! `services::accounts`, writes through `services::admin`.

pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod types;

pub use query::AccountQuery;
