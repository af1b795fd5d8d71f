//! Reporting obligations, completeness, validation rules and review
//! comments (issue 22).
//!
//! - `reporting_obligations`: which unit of a project (the project itself, one
//!   centre, or every live centre) owes which figures, how often, and how
//!   many days after a period ends they are due.
//! - `report_receipts`: one row per unit, figures and period that arrived,
//!   with the first and the last time it was written. The write services
//!   insert it in the write's own transaction, so an import through them
//!   counts too; completeness and timeliness are computed from these rows.
//!   `unit_key` is the centre's id, or 0 for the project as a whole (a unique
//!   index cannot treat NULLs as equal on both engines).
//! - `validation_rules`: a rule's kind, importance, parameters (JSON, the one
//!   definition the browser and the server both evaluate) and its message in
//!   both languages.
//! - `rule_results`: the rules an entry broke when it was last written, with
//!   the manager's reason for a confirmed warning; replaced on every write.
//! - `figure_comments`: a reviewer's comment on one figure of a report.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{code, create_table_with_indexes, drop_tables, fk, index, unique, version_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ReportingObligations {
    Table,
    Id,
    ProjectId,
    UnitKind,
    CentreId,
    Figures,
    Frequency,
    DueDays,
    StartsOn,
    EndsOn,
    CreatedAt,
    Version,
    ArchivedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReportReceipts {
    Table,
    Id,
    ProjectId,
    UnitKey,
    Figures,
    PeriodStart,
    PeriodEnd,
    FirstReceivedAt,
    LastReceivedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ValidationRules {
    Table,
    Id,
    ProjectId,
    IndicatorId,
    Kind,
    Severity,
    Definition,
    MessageAz,
    MessageEn,
    CreatedAt,
    Version,
    ArchivedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum RuleResults {
    Table,
    Id,
    ProjectId,
    UnitKey,
    Figures,
    PeriodStart,
    PeriodEnd,
    RuleId,
    Severity,
    Detail,
    Reason,
    EvaluatedAt,
    EvaluatedBy,
}

#[derive(DeriveIden, Clone, Copy)]
enum FigureComments {
    Table,
    Id,
    ReportId,
    Figure,
    Body,
    AuthorId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Projects {
    Table,
}
#[derive(DeriveIden, Clone, Copy)]
enum Centres {
    Table,
}
#[derive(DeriveIden, Clone, Copy)]
enum Indicators {
    Table,
}
#[derive(DeriveIden, Clone, Copy)]
enum Reports {
    Table,
}

// `&SchemaManager<'_>` would be early-bound through async_trait (see the first migration).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ReportingObligations as O;
        create_table_with_indexes(
            manager,
            Table::create()
                .table(O::Table)
                .col(pk_auto(O::Id))
                .col(integer(O::ProjectId))
                .col(code(O::UnitKind))
                .col(integer_null(O::CentreId))
                .col(code(O::Figures))
                .col(code(O::Frequency))
                .col(integer(O::DueDays))
                .col(date(O::StartsOn))
                .col(date_null(O::EndsOn))
                .col(timestamp_with_time_zone(O::CreatedAt))
                .col(version_col("reporting_obligations", O::Version))
                .col(timestamp_with_time_zone_null(O::ArchivedAt))
                .foreign_key(&mut fk(
                    O::Table,
                    O::ProjectId,
                    Projects::Table,
                    ForeignKeyAction::NoAction,
                ))
                .foreign_key(&mut fk(
                    O::Table,
                    O::CentreId,
                    Centres::Table,
                    ForeignKeyAction::NoAction,
                ))
                .take(),
            vec![index(O::Table, &[O::ProjectId])],
        )
        .await?;
        use ReportReceipts as R;
        create_table_with_indexes(
            manager,
            Table::create()
                .table(R::Table)
                .col(pk_auto(R::Id))
                .col(integer(R::ProjectId))
                .col(integer(R::UnitKey))
                .col(code(R::Figures))
                .col(date(R::PeriodStart))
                .col(date(R::PeriodEnd))
                .col(timestamp_with_time_zone(R::FirstReceivedAt))
                .col(timestamp_with_time_zone(R::LastReceivedAt))
                .foreign_key(&mut fk(
                    R::Table,
                    R::ProjectId,
                    Projects::Table,
                    ForeignKeyAction::NoAction,
                ))
                .take(),
            vec![unique(
                R::Table,
                &[
                    R::ProjectId,
                    R::UnitKey,
                    R::Figures,
                    R::PeriodStart,
                    R::PeriodEnd,
                ],
            )],
        )
        .await?;
        use ValidationRules as V;
        create_table_with_indexes(
            manager,
            Table::create()
                .table(V::Table)
                .col(pk_auto(V::Id))
                .col(integer(V::ProjectId))
                .col(integer_null(V::IndicatorId))
                .col(code(V::Kind))
                .col(code(V::Severity))
                .col(json(V::Definition))
                .col(string(V::MessageAz))
                .col(string(V::MessageEn))
                .col(timestamp_with_time_zone(V::CreatedAt))
                .col(version_col("validation_rules", V::Version))
                .col(timestamp_with_time_zone_null(V::ArchivedAt))
                .foreign_key(&mut fk(
                    V::Table,
                    V::ProjectId,
                    Projects::Table,
                    ForeignKeyAction::NoAction,
                ))
                .foreign_key(&mut fk(
                    V::Table,
                    V::IndicatorId,
                    Indicators::Table,
                    ForeignKeyAction::NoAction,
                ))
                .take(),
            vec![index(V::Table, &[V::ProjectId])],
        )
        .await?;
        use RuleResults as X;
        create_table_with_indexes(
            manager,
            Table::create()
                .table(X::Table)
                .col(pk_auto(X::Id))
                .col(integer(X::ProjectId))
                .col(integer(X::UnitKey))
                .col(code(X::Figures))
                .col(date(X::PeriodStart))
                .col(date(X::PeriodEnd))
                .col(integer(X::RuleId))
                .col(code(X::Severity))
                .col(json(X::Detail))
                .col(string_null(X::Reason))
                .col(timestamp_with_time_zone(X::EvaluatedAt))
                .col(integer_null(X::EvaluatedBy))
                .foreign_key(&mut fk(
                    X::Table,
                    X::RuleId,
                    ValidationRules::Table,
                    ForeignKeyAction::NoAction,
                ))
                .take(),
            vec![index(
                X::Table,
                &[X::ProjectId, X::UnitKey, X::Figures, X::PeriodStart],
            )],
        )
        .await?;
        use FigureComments as F;
        create_table_with_indexes(
            manager,
            Table::create()
                .table(F::Table)
                .col(pk_auto(F::Id))
                .col(integer(F::ReportId))
                .col(string(F::Figure))
                .col(text(F::Body))
                .col(integer_null(F::AuthorId))
                .col(timestamp_with_time_zone(F::CreatedAt))
                .foreign_key(&mut fk(
                    F::Table,
                    F::ReportId,
                    Reports::Table,
                    ForeignKeyAction::NoAction,
                ))
                .take(),
            vec![index(F::Table, &[F::ReportId])],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                FigureComments::Table.into_iden(),
                RuleResults::Table.into_iden(),
                ValidationRules::Table.into_iden(),
                ReportReceipts::Table.into_iden(),
                ReportingObligations::Table.into_iden(),
            ],
        )
        .await
    }
}
