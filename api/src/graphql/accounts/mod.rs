//! The accounts domain: users, organisations' admin, API keys, period
//! reports and the audit trail.

pub mod inputs;
