//! Report mutations: submit a period report; return, approve or reopen it (admins).

use async_graphql::{ID, InputObject};
use chrono::NaiveDate;
use serde::Serialize;

use super::errors::Ids;
use crate::graphql::ids::NodeType;
use crate::services::UserError;
use crate::services::reports::ReportPeriod;

/// A project's report for a period, to submit for approval.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct SubmitReportInput {
    /// The project.
    pub project_id: ID,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
}

impl SubmitReportInput {
    /// The service input, with its ID decoded.
    pub fn decode(&self) -> Result<ReportPeriod, Vec<UserError>> {
        let mut ids = Ids::default();
        let project_id = ids.one(NodeType::Project, &self.project_id, &["input", "projectId"]);
        ids.finish(ReportPeriod {
            project_id,
            period_start: self.period_start,
            period_end: self.period_end,
        })
    }
}
