//! Opaque global IDs for `node(id:)`: base64url of `Type:number`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::AppError;

/// Kinds of object reachable through `node(id:)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeType {
    /// A project.
    Project,
    /// A centre.
    Centre,
    /// An event.
    Event,
    /// An infrastructure work.
    InfrastructureWork,
    /// An organisation.
    Organisation,
    /// An area.
    Area,
    /// A source document.
    SourceDocument,
    /// An indicator.
    Indicator,
    /// A team.
    Team,
    /// A plan.
    Plan,
    /// A period report.
    Report,
    /// A user account.
    User,
    /// An API key.
    ApiKey,
    /// A reporting obligation.
    ReportingObligation,
    /// A validation rule.
    ValidationRule,
    /// A dated update of a programme.
    ProgrammeUpdate,
    /// A period narrative.
    PeriodNarrative,
}

impl NodeType {
    const ALL: [NodeType; 17] = [
        NodeType::Project,
        NodeType::Centre,
        NodeType::Event,
        NodeType::InfrastructureWork,
        NodeType::Organisation,
        NodeType::Area,
        NodeType::SourceDocument,
        NodeType::Indicator,
        NodeType::Team,
        NodeType::Plan,
        NodeType::Report,
        NodeType::User,
        NodeType::ApiKey,
        NodeType::ReportingObligation,
        NodeType::ValidationRule,
        NodeType::ProgrammeUpdate,
        NodeType::PeriodNarrative,
    ];

    /// The GraphQL type name.
    pub fn name(self) -> &'static str {
        match self {
            NodeType::Project => "Project",
            NodeType::Centre => "Centre",
            NodeType::Event => "Event",
            NodeType::InfrastructureWork => "InfrastructureWork",
            NodeType::Organisation => "Organisation",
            NodeType::Area => "Area",
            NodeType::SourceDocument => "SourceDocument",
            NodeType::Indicator => "Indicator",
            NodeType::Team => "Team",
            NodeType::Plan => "Plan",
            NodeType::Report => "Report",
            NodeType::User => "User",
            NodeType::ApiKey => "ApiKey",
            NodeType::ReportingObligation => "ReportingObligation",
            NodeType::ValidationRule => "ValidationRule",
            NodeType::ProgrammeUpdate => "ProgrammeUpdate",
            NodeType::PeriodNarrative => "PeriodNarrative",
        }
    }
}

/// Encodes a global ID.
pub fn encode(kind: NodeType, id: i32) -> async_graphql::ID {
    async_graphql::ID(crate::services::changes::global_id(kind.name(), id))
}

/// Decodes any global ID into its type and database id.
pub fn decode(raw: &str) -> Result<(NodeType, i32), AppError> {
    let invalid = || AppError::bad_input(format!("{raw:?} is not a valid ID"));
    let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (name, number) = text.split_once(':').ok_or_else(invalid)?;
    let kind = NodeType::ALL
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(invalid)?;
    let id = number.parse::<i32>().map_err(|_| invalid())?;
    Ok((kind, id))
}

/// Decodes a global ID that must be of the given type (used by filters).
pub fn decode_as(expected: NodeType, raw: &str) -> Result<i32, AppError> {
    match decode(raw)? {
        (kind, id) if kind == expected => Ok(id),
        (kind, _) => Err(AppError::bad_input(format!(
            "ID {raw:?} is a {}, expected a {}",
            kind.name(),
            expected.name()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let id = encode(NodeType::Centre, 42);
        assert_eq!(decode(&id).unwrap(), (NodeType::Centre, 42));
        assert_eq!(decode_as(NodeType::Centre, &id).unwrap(), 42);
        assert!(decode_as(NodeType::Project, &id).is_err());
        assert!(decode("not base64!").is_err());
        assert!(decode(&URL_SAFE_NO_PAD.encode("Secret:1")).is_err());
        assert!(decode(&URL_SAFE_NO_PAD.encode("Project:x")).is_err());
    }
}
