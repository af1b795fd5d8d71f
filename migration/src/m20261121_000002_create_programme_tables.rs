//! Programmes: `projects`, `project_participants`, `project_areas`, `plans`,
//! `goals`, `project_plan_links`, `indicators`, `indicator_values`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{
    code, create_table_with_indexes, drop_tables, fk, index, non_negative, unique, version_col,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables of earlier migrations that these refer to.
#[derive(DeriveIden, Clone, Copy)]
enum Areas {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Organisations {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum SourceDocuments {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Projects {
    Table,
    Id,
    Slug,
    IatiIdentifier,
    TitleAz,
    TitleEn,
    SummaryAz,
    SummaryEn,
    Status,
    PlannedStart,
    PlannedEnd,
    ActualStart,
    ActualEnd,
    BudgetAmount,
    BudgetCurrency,
    Sensitivity,
    IsPublic,
    ParentId,
    SourceDocumentId,
    SearchKey,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProjectParticipants {
    Table,
    Id,
    ProjectId,
    OrganisationId,
    Role,
    NoteAz,
    NoteEn,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProjectAreas {
    Table,
    ProjectId,
    AreaId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Plans {
    Table,
    Id,
    OrganisationId,
    TitleAz,
    TitleEn,
    StartYear,
    EndYear,
    GoalCount,
    SourceDocumentId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Goals {
    Table,
    Id,
    PlanId,
    Number,
    TitleAz,
    TitleEn,
    DescriptionAz,
    DescriptionEn,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProjectPlanLinks {
    Table,
    Id,
    ProjectId,
    PlanId,
    GoalId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Indicators {
    Table,
    Id,
    ProjectId,
    Code,
    TitleAz,
    TitleEn,
    Unit,
    CountingRule,
    Aggregation,
    Baseline,
    BaselineDate,
    Target,
    TargetDate,
    Sensitivity,
    DerivedFrom,
    SourceDocumentId,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum IndicatorValues {
    Table,
    Id,
    IndicatorId,
    PeriodStart,
    PeriodEnd,
    Dimension,
    DimensionValue,
    Value,
    AsOf,
    NoteAz,
    NoteEn,
    SourceDocumentId,
    Version,
}

// `&SchemaManager<'_>` would be early-bound through async_trait and no longer
// match the trait, so the hidden lifetime stays as the trait declares it.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, NoAction, SetNull};

        create_table_with_indexes(
            manager,
            Table::create()
                .table(Projects::Table)
                .col(pk_auto(Projects::Id))
                .col(string(Projects::Slug))
                .col(string_null(Projects::IatiIdentifier))
                .col(string(Projects::TitleAz))
                .col(string(Projects::TitleEn))
                .col(text_null(Projects::SummaryAz))
                .col(text_null(Projects::SummaryEn))
                .col(code(Projects::Status))
                .col(date_null(Projects::PlannedStart))
                .col(date_null(Projects::PlannedEnd))
                .col(date_null(Projects::ActualStart))
                .col(date_null(Projects::ActualEnd))
                .col(big_integer_null(Projects::BudgetAmount))
                .col(string_null(Projects::BudgetCurrency))
                .col(code(Projects::Sensitivity))
                .col(boolean(Projects::IsPublic).default(false))
                .col(integer_null(Projects::ParentId))
                .col(integer_null(Projects::SourceDocumentId))
                .col(string(Projects::SearchKey))
                .col(version_col("projects", Projects::Version))
                .foreign_key(&mut fk(
                    Projects::Table,
                    Projects::ParentId,
                    Projects::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    Projects::Table,
                    Projects::SourceDocumentId,
                    SourceDocuments::Table,
                    SetNull,
                ))
                .take(),
            vec![
                unique(Projects::Table, &[Projects::Slug]),
                index(Projects::Table, &[Projects::ParentId]),
                index(Projects::Table, &[Projects::SearchKey]),
            ],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(ProjectParticipants::Table)
                .col(pk_auto(ProjectParticipants::Id))
                .col(integer(ProjectParticipants::ProjectId))
                .col(integer(ProjectParticipants::OrganisationId))
                .col(code(ProjectParticipants::Role))
                .col(string_null(ProjectParticipants::NoteAz))
                .col(string_null(ProjectParticipants::NoteEn))
                .foreign_key(&mut fk(
                    ProjectParticipants::Table,
                    ProjectParticipants::ProjectId,
                    Projects::Table,
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ProjectParticipants::Table,
                    ProjectParticipants::OrganisationId,
                    Organisations::Table,
                    NoAction,
                ))
                .take(),
            vec![
                // Also serves lookups by project_id (its leading column).
                unique(
                    ProjectParticipants::Table,
                    &[
                        ProjectParticipants::ProjectId,
                        ProjectParticipants::OrganisationId,
                        ProjectParticipants::Role,
                    ],
                ),
                index(
                    ProjectParticipants::Table,
                    &[ProjectParticipants::OrganisationId],
                ),
            ],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(ProjectAreas::Table)
                .col(integer(ProjectAreas::ProjectId))
                .col(integer(ProjectAreas::AreaId))
                .primary_key(
                    Index::create()
                        .col(ProjectAreas::ProjectId)
                        .col(ProjectAreas::AreaId),
                )
                .foreign_key(&mut fk(
                    ProjectAreas::Table,
                    ProjectAreas::ProjectId,
                    Projects::Table,
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ProjectAreas::Table,
                    ProjectAreas::AreaId,
                    Areas::Table,
                    NoAction,
                ))
                .take(),
            vec![index(ProjectAreas::Table, &[ProjectAreas::AreaId])],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(Plans::Table)
                .col(pk_auto(Plans::Id))
                .col(integer_null(Plans::OrganisationId))
                .col(string(Plans::TitleAz))
                .col(string(Plans::TitleEn))
                .col(integer_null(Plans::StartYear))
                .col(integer_null(Plans::EndYear))
                .col(integer_null(Plans::GoalCount))
                .col(integer_null(Plans::SourceDocumentId))
                .foreign_key(&mut fk(
                    Plans::Table,
                    Plans::OrganisationId,
                    Organisations::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    Plans::Table,
                    Plans::SourceDocumentId,
                    SourceDocuments::Table,
                    SetNull,
                ))
                .take(),
            vec![index(Plans::Table, &[Plans::OrganisationId])],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(Goals::Table)
                .col(pk_auto(Goals::Id))
                .col(integer(Goals::PlanId))
                .col(integer(Goals::Number))
                .col(string_null(Goals::TitleAz))
                .col(string_null(Goals::TitleEn))
                .col(text_null(Goals::DescriptionAz))
                .col(text_null(Goals::DescriptionEn))
                .foreign_key(&mut fk(Goals::Table, Goals::PlanId, Plans::Table, Cascade))
                .take(),
            vec![index(Goals::Table, &[Goals::PlanId])],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(ProjectPlanLinks::Table)
                .col(pk_auto(ProjectPlanLinks::Id))
                .col(integer(ProjectPlanLinks::ProjectId))
                .col(integer(ProjectPlanLinks::PlanId))
                .col(integer_null(ProjectPlanLinks::GoalId))
                .foreign_key(&mut fk(
                    ProjectPlanLinks::Table,
                    ProjectPlanLinks::ProjectId,
                    Projects::Table,
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ProjectPlanLinks::Table,
                    ProjectPlanLinks::PlanId,
                    Plans::Table,
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ProjectPlanLinks::Table,
                    ProjectPlanLinks::GoalId,
                    Goals::Table,
                    Cascade,
                ))
                .take(),
            vec![
                // Not unique: goal_id is nullable and NULLs never collide.
                index(
                    ProjectPlanLinks::Table,
                    &[
                        ProjectPlanLinks::ProjectId,
                        ProjectPlanLinks::PlanId,
                        ProjectPlanLinks::GoalId,
                    ],
                ),
                index(ProjectPlanLinks::Table, &[ProjectPlanLinks::PlanId]),
                index(ProjectPlanLinks::Table, &[ProjectPlanLinks::GoalId]),
            ],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(Indicators::Table)
                .col(pk_auto(Indicators::Id))
                .col(integer(Indicators::ProjectId))
                .col(string(Indicators::Code))
                .col(string(Indicators::TitleAz))
                .col(string(Indicators::TitleEn))
                .col(code(Indicators::Unit))
                .col(code(Indicators::CountingRule))
                .col(code(Indicators::Aggregation))
                .col(big_integer_null(Indicators::Baseline))
                .col(date_null(Indicators::BaselineDate))
                .col(big_integer_null(Indicators::Target))
                .col(date_null(Indicators::TargetDate))
                .col(code(Indicators::Sensitivity))
                .col(string_null(Indicators::DerivedFrom))
                .col(integer_null(Indicators::SourceDocumentId))
                .col(version_col("indicators", Indicators::Version))
                .foreign_key(&mut fk(
                    Indicators::Table,
                    Indicators::ProjectId,
                    Projects::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    Indicators::Table,
                    Indicators::SourceDocumentId,
                    SourceDocuments::Table,
                    SetNull,
                ))
                .take(),
            // Also serves lookups by project_id (its leading column).
            vec![unique(
                Indicators::Table,
                &[Indicators::ProjectId, Indicators::Code],
            )],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(IndicatorValues::Table)
                .col(pk_auto(IndicatorValues::Id))
                .col(integer(IndicatorValues::IndicatorId))
                .col(date_null(IndicatorValues::PeriodStart))
                .col(date_null(IndicatorValues::PeriodEnd))
                .col(string_null(IndicatorValues::Dimension))
                .col(string_null(IndicatorValues::DimensionValue))
                .col(non_negative(
                    big_integer(IndicatorValues::Value),
                    "indicator_values",
                    IndicatorValues::Value,
                ))
                .col(date_null(IndicatorValues::AsOf))
                .col(string_null(IndicatorValues::NoteAz))
                .col(string_null(IndicatorValues::NoteEn))
                .col(integer_null(IndicatorValues::SourceDocumentId))
                .col(version_col("indicator_values", IndicatorValues::Version))
                .foreign_key(&mut fk(
                    IndicatorValues::Table,
                    IndicatorValues::IndicatorId,
                    Indicators::Table,
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    IndicatorValues::Table,
                    IndicatorValues::SourceDocumentId,
                    SourceDocuments::Table,
                    SetNull,
                ))
                .take(),
            vec![index(
                IndicatorValues::Table,
                &[IndicatorValues::IndicatorId],
            )],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                IndicatorValues::Table.into_iden(),
                Indicators::Table.into_iden(),
                ProjectPlanLinks::Table.into_iden(),
                Goals::Table.into_iden(),
                Plans::Table.into_iden(),
                ProjectAreas::Table.into_iden(),
                ProjectParticipants::Table.into_iden(),
                Projects::Table.into_iden(),
            ],
        )
        .await
    }
}
