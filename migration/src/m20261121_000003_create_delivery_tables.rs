//! Delivery: `centres`, `centre_areas_served`, `centre_milestones`, `teams`,
//! `team_roles`, `events`, `event_areas`, `attendance`, `infrastructure_works`,
//! `work_status_history`, `service_counts`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{
    code, code_null, create_table_with_indexes, drop_tables, fk, index, non_negative, percent,
    unique, version_col,
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
}

#[derive(DeriveIden, Clone, Copy)]
enum Centres {
    Table,
    Id,
    ProjectId,
    OperatorOrganisationId,
    Kind,
    NameAz,
    NameEn,
    AreaId,
    HostBuildingAz,
    HostBuildingEn,
    Rooms,
    Status,
    OpenedOn,
    SensitiveLocation,
    EquipmentAz,
    EquipmentEn,
    NoteAz,
    NoteEn,
    SourceDocumentId,
    SearchKey,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum CentreAreasServed {
    Table,
    CentreId,
    AreaId,
}

#[derive(DeriveIden, Clone, Copy)]
enum CentreMilestones {
    Table,
    Id,
    CentreId,
    Status,
    ReachedOn,
    NoteAz,
    NoteEn,
    SourceDocumentId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Teams {
    Table,
    Id,
    ProjectId,
    OrganisationId,
    Kind,
    NameAz,
    NameEn,
    AreaId,
    Status,
    FunctionsAz,
    FunctionsEn,
    SourceDocumentId,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum TeamRoles {
    Table,
    Id,
    TeamId,
    RoleAz,
    RoleEn,
    Count,
}

#[derive(DeriveIden, Clone, Copy)]
enum Events {
    Table,
    Id,
    ProjectId,
    CentreId,
    Kind,
    TitleAz,
    TitleEn,
    TopicsAz,
    TopicsEn,
    StartDate,
    EndDate,
    AudienceAz,
    AudienceEn,
    Capacity,
    Status,
    SourceDocumentId,
    SearchKey,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum EventAreas {
    Table,
    EventId,
    AreaId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Attendance {
    Table,
    Id,
    EventId,
    Sex,
    AgeBand,
    Disability,
    Category,
    Count,
}

#[derive(DeriveIden, Clone, Copy)]
enum InfrastructureWorks {
    Table,
    Id,
    ProjectId,
    Kind,
    TitleAz,
    TitleEn,
    AreaId,
    Quantity,
    Unit,
    Status,
    ProgressPercent,
    CompletedOn,
    BudgetAmount,
    BudgetCurrency,
    Beneficiaries,
    SourceDocumentId,
    SearchKey,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum WorkStatusHistory {
    Table,
    Id,
    WorkId,
    Status,
    ChangedOn,
    ProgressPercent,
    NoteAz,
    NoteEn,
    SourceDocumentId,
    RecordedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceCounts {
    Table,
    Id,
    ProjectId,
    CentreId,
    PeriodStart,
    PeriodEnd,
    PeriodLabelAz,
    PeriodLabelEn,
    SupportType,
    Channel,
    Stage,
    Unit,
    Sex,
    AgeBand,
    Disability,
    Category,
    Value,
    Sensitivity,
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
                .table(Centres::Table)
                .col(pk_auto(Centres::Id))
                .col(integer(Centres::ProjectId))
                .col(integer_null(Centres::OperatorOrganisationId))
                .col(code(Centres::Kind))
                .col(string(Centres::NameAz))
                .col(string(Centres::NameEn))
                .col(integer_null(Centres::AreaId))
                .col(string_null(Centres::HostBuildingAz))
                .col(string_null(Centres::HostBuildingEn))
                .col(non_negative(
                    integer_null(Centres::Rooms),
                    "centres",
                    Centres::Rooms,
                ))
                .col(code_null(Centres::Status))
                .col(date_null(Centres::OpenedOn))
                .col(boolean(Centres::SensitiveLocation).default(false))
                .col(string_null(Centres::EquipmentAz))
                .col(string_null(Centres::EquipmentEn))
                .col(text_null(Centres::NoteAz))
                .col(text_null(Centres::NoteEn))
                .col(integer_null(Centres::SourceDocumentId))
                .col(string(Centres::SearchKey))
                .col(version_col("centres", Centres::Version))
                .foreign_key(&mut fk(
                    Centres::Table,
                    Centres::ProjectId,
                    Projects::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    Centres::Table,
                    Centres::OperatorOrganisationId,
                    Organisations::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    Centres::Table,
                    Centres::AreaId,
                    Areas::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    Centres::Table,
                    Centres::SourceDocumentId,
                    SourceDocuments::Table,
                    SetNull,
                ))
                .take(),
            vec![
                index(Centres::Table, &[Centres::ProjectId]),
                index(Centres::Table, &[Centres::OperatorOrganisationId]),
                index(Centres::Table, &[Centres::AreaId]),
                index(Centres::Table, &[Centres::SearchKey]),
            ],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(CentreAreasServed::Table)
                .col(integer(CentreAreasServed::CentreId))
                .col(integer(CentreAreasServed::AreaId))
                .primary_key(
                    Index::create()
                        .col(CentreAreasServed::CentreId)
                        .col(CentreAreasServed::AreaId),
                )
                .foreign_key(&mut fk(
                    CentreAreasServed::Table,
                    CentreAreasServed::CentreId,
                    Centres::Table,
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    CentreAreasServed::Table,
                    CentreAreasServed::AreaId,
                    Areas::Table,
                    NoAction,
                ))
                .take(),
            vec![index(
                CentreAreasServed::Table,
                &[CentreAreasServed::AreaId],
            )],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(CentreMilestones::Table)
                .col(pk_auto(CentreMilestones::Id))
                .col(integer(CentreMilestones::CentreId))
                .col(code(CentreMilestones::Status))
                .col(date_null(CentreMilestones::ReachedOn))
                .col(string_null(CentreMilestones::NoteAz))
                .col(string_null(CentreMilestones::NoteEn))
                .col(integer_null(CentreMilestones::SourceDocumentId))
                .foreign_key(&mut fk(
                    CentreMilestones::Table,
                    CentreMilestones::CentreId,
                    Centres::Table,
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    CentreMilestones::Table,
                    CentreMilestones::SourceDocumentId,
                    SourceDocuments::Table,
                    SetNull,
                ))
                .take(),
            vec![index(
                CentreMilestones::Table,
                &[CentreMilestones::CentreId],
            )],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(Teams::Table)
                .col(pk_auto(Teams::Id))
                .col(integer(Teams::ProjectId))
                .col(integer_null(Teams::OrganisationId))
                .col(code(Teams::Kind))
                .col(string(Teams::NameAz))
                .col(string(Teams::NameEn))
                .col(integer_null(Teams::AreaId))
                .col(code(Teams::Status))
                .col(string_null(Teams::FunctionsAz))
                .col(string_null(Teams::FunctionsEn))
                .col(integer_null(Teams::SourceDocumentId))
                .col(version_col("teams", Teams::Version))
                .foreign_key(&mut fk(
                    Teams::Table,
                    Teams::ProjectId,
                    Projects::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    Teams::Table,
                    Teams::OrganisationId,
                    Organisations::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(Teams::Table, Teams::AreaId, Areas::Table, NoAction))
                .foreign_key(&mut fk(
                    Teams::Table,
                    Teams::SourceDocumentId,
                    SourceDocuments::Table,
                    SetNull,
                ))
                .take(),
            vec![
                index(Teams::Table, &[Teams::ProjectId]),
                index(Teams::Table, &[Teams::OrganisationId]),
                index(Teams::Table, &[Teams::AreaId]),
            ],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(TeamRoles::Table)
                .col(pk_auto(TeamRoles::Id))
                .col(integer(TeamRoles::TeamId))
                .col(string(TeamRoles::RoleAz))
                .col(string(TeamRoles::RoleEn))
                .col(non_negative(
                    integer_null(TeamRoles::Count),
                    "team_roles",
                    TeamRoles::Count,
                ))
                .foreign_key(&mut fk(
                    TeamRoles::Table,
                    TeamRoles::TeamId,
                    Teams::Table,
                    Cascade,
                ))
                .take(),
            vec![index(TeamRoles::Table, &[TeamRoles::TeamId])],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(Events::Table)
                .col(pk_auto(Events::Id))
                .col(integer(Events::ProjectId))
                .col(integer_null(Events::CentreId))
                .col(code(Events::Kind))
                .col(string(Events::TitleAz))
                .col(string(Events::TitleEn))
                .col(string_null(Events::TopicsAz))
                .col(string_null(Events::TopicsEn))
                .col(date_null(Events::StartDate))
                .col(date_null(Events::EndDate))
                .col(string_null(Events::AudienceAz))
                .col(string_null(Events::AudienceEn))
                // A NULL capacity passes the check (unknown capacity).
                .col(
                    integer_null(Events::Capacity)
                        .check((
                            "ck_events_capacity_positive",
                            Expr::col(Events::Capacity).gt(0),
                        ))
                        .take(),
                )
                .col(code(Events::Status))
                .col(integer_null(Events::SourceDocumentId))
                .col(string(Events::SearchKey))
                .col(version_col("events", Events::Version))
                .foreign_key(&mut fk(
                    Events::Table,
                    Events::ProjectId,
                    Projects::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    Events::Table,
                    Events::CentreId,
                    Centres::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    Events::Table,
                    Events::SourceDocumentId,
                    SourceDocuments::Table,
                    SetNull,
                ))
                .take(),
            vec![
                index(Events::Table, &[Events::ProjectId]),
                index(Events::Table, &[Events::CentreId]),
                index(Events::Table, &[Events::SearchKey]),
            ],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(EventAreas::Table)
                .col(integer(EventAreas::EventId))
                .col(integer(EventAreas::AreaId))
                .primary_key(
                    Index::create()
                        .col(EventAreas::EventId)
                        .col(EventAreas::AreaId),
                )
                .foreign_key(&mut fk(
                    EventAreas::Table,
                    EventAreas::EventId,
                    Events::Table,
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    EventAreas::Table,
                    EventAreas::AreaId,
                    Areas::Table,
                    NoAction,
                ))
                .take(),
            vec![index(EventAreas::Table, &[EventAreas::AreaId])],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(Attendance::Table)
                .col(pk_auto(Attendance::Id))
                .col(integer(Attendance::EventId))
                .col(code(Attendance::Sex))
                .col(code(Attendance::AgeBand))
                .col(code(Attendance::Disability))
                .col(code(Attendance::Category))
                .col(non_negative(
                    integer(Attendance::Count),
                    "attendance",
                    Attendance::Count,
                ))
                .foreign_key(&mut fk(
                    Attendance::Table,
                    Attendance::EventId,
                    Events::Table,
                    Cascade,
                ))
                .take(),
            // One row per cell; also serves lookups by event_id (its leading column).
            vec![unique(
                Attendance::Table,
                &[
                    Attendance::EventId,
                    Attendance::Sex,
                    Attendance::AgeBand,
                    Attendance::Disability,
                    Attendance::Category,
                ],
            )],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(InfrastructureWorks::Table)
                .col(pk_auto(InfrastructureWorks::Id))
                .col(integer(InfrastructureWorks::ProjectId))
                .col(code(InfrastructureWorks::Kind))
                .col(string(InfrastructureWorks::TitleAz))
                .col(string(InfrastructureWorks::TitleEn))
                .col(integer_null(InfrastructureWorks::AreaId))
                .col(double_null(InfrastructureWorks::Quantity))
                .col(string_null(InfrastructureWorks::Unit))
                .col(code(InfrastructureWorks::Status))
                .col(percent(
                    integer_null(InfrastructureWorks::ProgressPercent),
                    "infrastructure_works",
                    InfrastructureWorks::ProgressPercent,
                ))
                .col(date_null(InfrastructureWorks::CompletedOn))
                .col(big_integer_null(InfrastructureWorks::BudgetAmount))
                .col(string_null(InfrastructureWorks::BudgetCurrency))
                .col(non_negative(
                    integer_null(InfrastructureWorks::Beneficiaries),
                    "infrastructure_works",
                    InfrastructureWorks::Beneficiaries,
                ))
                .col(integer_null(InfrastructureWorks::SourceDocumentId))
                .col(string(InfrastructureWorks::SearchKey))
                .col(version_col(
                    "infrastructure_works",
                    InfrastructureWorks::Version,
                ))
                .foreign_key(&mut fk(
                    InfrastructureWorks::Table,
                    InfrastructureWorks::ProjectId,
                    Projects::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    InfrastructureWorks::Table,
                    InfrastructureWorks::AreaId,
                    Areas::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    InfrastructureWorks::Table,
                    InfrastructureWorks::SourceDocumentId,
                    SourceDocuments::Table,
                    SetNull,
                ))
                .take(),
            vec![
                index(
                    InfrastructureWorks::Table,
                    &[InfrastructureWorks::ProjectId],
                ),
                index(InfrastructureWorks::Table, &[InfrastructureWorks::AreaId]),
                index(
                    InfrastructureWorks::Table,
                    &[InfrastructureWorks::SearchKey],
                ),
            ],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(WorkStatusHistory::Table)
                .col(pk_auto(WorkStatusHistory::Id))
                .col(integer(WorkStatusHistory::WorkId))
                .col(code(WorkStatusHistory::Status))
                .col(date_null(WorkStatusHistory::ChangedOn))
                .col(percent(
                    integer_null(WorkStatusHistory::ProgressPercent),
                    "work_status_history",
                    WorkStatusHistory::ProgressPercent,
                ))
                .col(string_null(WorkStatusHistory::NoteAz))
                .col(string_null(WorkStatusHistory::NoteEn))
                .col(integer_null(WorkStatusHistory::SourceDocumentId))
                .col(timestamp_with_time_zone(WorkStatusHistory::RecordedAt))
                .foreign_key(&mut fk(
                    WorkStatusHistory::Table,
                    WorkStatusHistory::WorkId,
                    InfrastructureWorks::Table,
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    WorkStatusHistory::Table,
                    WorkStatusHistory::SourceDocumentId,
                    SourceDocuments::Table,
                    SetNull,
                ))
                .take(),
            vec![index(
                WorkStatusHistory::Table,
                &[WorkStatusHistory::WorkId],
            )],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(ServiceCounts::Table)
                .col(pk_auto(ServiceCounts::Id))
                .col(integer(ServiceCounts::ProjectId))
                .col(integer_null(ServiceCounts::CentreId))
                .col(date_null(ServiceCounts::PeriodStart))
                .col(date_null(ServiceCounts::PeriodEnd))
                .col(string_null(ServiceCounts::PeriodLabelAz))
                .col(string_null(ServiceCounts::PeriodLabelEn))
                .col(code_null(ServiceCounts::SupportType))
                .col(code_null(ServiceCounts::Channel))
                .col(code(ServiceCounts::Stage))
                .col(code(ServiceCounts::Unit))
                .col(code_null(ServiceCounts::Sex))
                .col(code_null(ServiceCounts::AgeBand))
                .col(code_null(ServiceCounts::Disability))
                .col(code_null(ServiceCounts::Category))
                .col(non_negative(
                    big_integer(ServiceCounts::Value),
                    "service_counts",
                    ServiceCounts::Value,
                ))
                .col(code(ServiceCounts::Sensitivity))
                .col(integer_null(ServiceCounts::SourceDocumentId))
                .col(version_col("service_counts", ServiceCounts::Version))
                .foreign_key(&mut fk(
                    ServiceCounts::Table,
                    ServiceCounts::ProjectId,
                    Projects::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    ServiceCounts::Table,
                    ServiceCounts::CentreId,
                    Centres::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    ServiceCounts::Table,
                    ServiceCounts::SourceDocumentId,
                    SourceDocuments::Table,
                    SetNull,
                ))
                .take(),
            vec![
                index(ServiceCounts::Table, &[ServiceCounts::ProjectId]),
                index(ServiceCounts::Table, &[ServiceCounts::CentreId]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                ServiceCounts::Table.into_iden(),
                WorkStatusHistory::Table.into_iden(),
                InfrastructureWorks::Table.into_iden(),
                Attendance::Table.into_iden(),
                EventAreas::Table.into_iden(),
                Events::Table.into_iden(),
                TeamRoles::Table.into_iden(),
                Teams::Table.into_iden(),
                CentreMilestones::Table.into_iden(),
                CentreAreasServed::Table.into_iden(),
                Centres::Table.into_iden(),
            ],
        )
        .await
    }
}
