//! sea-orm entities of the programme progress hub: one module per table.
//! Output types of the API live in `api`; nothing here is exposed directly.

pub mod api_key;
pub mod area;
pub mod area_boundary;
pub mod attendance;
pub mod audit_entry;
pub mod centre;
pub mod centre_area_served;
pub mod centre_milestone;
pub mod change;
pub mod citation;
pub mod codes;
pub mod event;
pub mod event_area;
pub mod event_summary;
pub mod goal;
pub mod idempotency_key;
pub mod indicator;
pub mod indicator_target;
pub mod indicator_value;
pub mod infrastructure_work;
pub mod organisation;
pub mod period_finance;
pub mod period_narrative;
pub mod plan;
pub mod programme_update;
pub mod programme_update_file;
pub mod project;
pub mod project_area;
pub mod project_category;
pub mod project_participant;
pub mod project_plan_link;
pub mod report;
pub mod service_count;
pub mod source_document;
pub mod team;
pub mod team_role;
pub mod user;
pub mod user_project_scope;
pub mod webhook_attempt;
pub mod webhook_delivery;
pub mod webhook_subscription;
pub mod work_status_change;

pub use sea_orm;
