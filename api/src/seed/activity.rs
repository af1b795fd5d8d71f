//! Writes what a programme recorded about its work — events with their
//! attendance, infrastructure works with their status history, service
//! counts and indicators — once the project, its centres and the reference
//! rows have ids.
//!
//! Indicators are created by the set-up service; the facts stay rows the
//! seed writes itself, because it decides what the services decide for a
//! person at /manage: attendance and service counts carry record keys made
//! under the seed's secret from the seed's own natural keys and an
//! "illustrative" mark for made-up breakdowns; works carry the dated status
//! history the texts give, recorded at a fixed instant so a reload writes
//! the same rows; events name the categories the load declares only at its
//! end. A work itself is created by the service, which writes the entry of
//! its current status (undated, with the text's note); other stages the
//! texts name are rows.

use entities::*;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set, TransactionTrait,
};

use super::format::day;
use super::resolve::Programme;
use super::{Seeder, all, eq_opt};
use crate::search::search_key;

/// Ids the activity rows point at.
pub(super) struct Context<'a> {
    pub project: i32,
    /// Centre ids of the programme, by position in its file.
    pub centres: &'a [i32],
    pub areas: &'a [i32],
    pub sources: &'a [i32],
}

impl Context<'_> {
    fn source(&self, at: usize) -> Option<i32> {
        Some(self.sources[at])
    }

    fn centre(&self, at: Option<usize>) -> Option<i32> {
        at.map(|i| self.centres[i])
    }

    pub(super) async fn events<C: ConnectionTrait + TransactionTrait>(
        &self,
        sd: &mut Seeder<'_, C>,
        prog: &Programme,
    ) -> anyhow::Result<()> {
        let project = self.project;
        for (e, refs) in prog.file.event.iter().zip(&prog.events) {
            let id = sd
                .ensure(
                    all([
                        event::Column::ProjectId.eq(project),
                        event::Column::TitleEn.eq(&e.title_en),
                    ]),
                    event::ActiveModel {
                        id: NotSet,
                        project_id: Set(project),
                        centre_id: Set(self.centre(refs.centre)),
                        kind: Set(e.kind.0),
                        title_az: Set(e.title_az.clone()),
                        title_en: Set(e.title_en.clone()),
                        topics_az: Set(e.topics_az.clone()),
                        topics_en: Set(e.topics_en.clone()),
                        start_date: Set(day(e.start)),
                        end_date: Set(day(e.end)),
                        audience_az: Set(e.audience_az.clone()),
                        audience_en: Set(e.audience_en.clone()),
                        capacity: Set(e.capacity),
                        status: Set(e.status.0),
                        source_document_id: Set(self.source(refs.source)),
                        search_key: Set(search_key([e.title_az.as_str(), &e.title_en])),
                        version: Set(1),
                    },
                    |m| m.id,
                )
                .await?;
            for area in &refs.areas {
                let area = self.areas[*area];
                sd.link(
                    all([
                        event_area::Column::EventId.eq(id),
                        event_area::Column::AreaId.eq(area),
                    ]),
                    event_area::ActiveModel {
                        event_id: Set(id),
                        area_id: Set(area),
                    },
                )
                .await?;
            }
            for cell in &e.attendance {
                use attendance::Column as Col;
                sd.ensure(
                    all([
                        Col::EventId.eq(id),
                        Col::Sex.eq(cell.sex.0),
                        Col::AgeBand.eq(cell.age_band.0),
                        Col::Disability.eq(cell.disability.0),
                        Col::Category.eq(cell.category.0),
                    ]),
                    attendance::ActiveModel {
                        id: NotSet,
                        event_id: Set(id),
                        sex: Set(cell.sex.0),
                        age_band: Set(cell.age_band.0),
                        disability: Set(cell.disability.0),
                        category: Set(cell.category.0),
                        count: Set(cell.count),
                        illustrative: Set(e.attendance_illustrative),
                        cell_key: Set(sd.keys.key(&format!(
                            "attendance|{id}|{}|{}|{}|{}",
                            cell.sex.0.code(),
                            cell.age_band.0.code(),
                            cell.disability.0.code(),
                            cell.category.0.code()
                        ))),
                        // Decided by `summary::sync` at the end of the load.
                        ..Default::default()
                    },
                    |m| m.id,
                )
                .await?;
            }
            if e.attendance_illustrative {
                // The breakdown replaces the reported total's single row (loaded by an
                // earlier version of the dataset), so the total is not counted twice.
                attendance::Entity::delete_many()
                    .filter(attendance::Column::EventId.eq(id))
                    .filter(attendance::Column::Illustrative.eq(false))
                    .exec(sd.db)
                    .await?;
            }
        }
        Ok(())
    }

    pub(super) async fn works<C: ConnectionTrait + TransactionTrait>(
        &self,
        sd: &mut Seeder<'_, C>,
        prog: &Programme,
    ) -> anyhow::Result<()> {
        let project = self.project;
        for (w, refs) in prog.file.work.iter().zip(&prog.works) {
            // The service writes the history's entry for the current status
            // (the texts give it undated, with a note); any other stage the
            // texts name is a fact written below.
            let current = w.status_change.iter().find(|c| c.status.0 == w.status.0);
            let fields = crate::services::setup::places::WorkFields {
                kind: w.kind.0,
                title_az: w.title_az.clone(),
                title_en: w.title_en.clone(),
                area_id: refs.area.map(|a| self.areas[a]),
                quantity: w.quantity,
                unit: w.unit.clone(),
                status: w.status.0,
                progress_percent: w.progress_percent,
                completed_on: day(w.completed_on),
                budget_amount: w.budget_amount,
                budget_currency: w.budget_currency.clone(),
                beneficiaries: w.beneficiaries,
                source_document_id: self.source(refs.source),
                first_status: current.map(|c| crate::services::setup::places::FirstStatus {
                    changed_on: day(c.changed_on),
                    note_az: c.note_az.clone(),
                    note_en: c.note_en.clone(),
                }),
            };
            let (id, created) = sd
                .ensure_via::<infrastructure_work::Entity>(
                    all([
                        infrastructure_work::Column::ProjectId.eq(project),
                        infrastructure_work::Column::TitleEn.eq(&w.title_en),
                    ]),
                    |m| m.id,
                    "infrastructure work",
                    1 + usize::from(current.is_some()),
                    async |db, actor| {
                        crate::services::setup::places::create_work(db, actor, project, &fields)
                            .await
                    },
                )
                .await?;
            for (change, source) in w.status_change.iter().zip(&refs.changes) {
                if created && current.is_some_and(|c| std::ptr::eq(c, change)) {
                    continue;
                }
                sd.ensure(
                    all([
                        work_status_change::Column::WorkId.eq(id),
                        work_status_change::Column::Status.eq(change.status.0),
                    ]),
                    work_status_change::ActiveModel {
                        id: NotSet,
                        work_id: Set(id),
                        status: Set(change.status.0),
                        changed_on: Set(day(change.changed_on)),
                        progress_percent: Set(change.progress_percent),
                        note_az: Set(change.note_az.clone()),
                        note_en: Set(change.note_en.clone()),
                        source_document_id: Set(self.source(*source)),
                        // The texts give no date: the change is recorded at a
                        // fixed instant so reloading writes the same row.
                        recorded_at: Set(chrono::DateTime::UNIX_EPOCH),
                    },
                    |m| m.id,
                )
                .await?;
            }
        }
        Ok(())
    }

    pub(super) async fn counts<C: ConnectionTrait + TransactionTrait>(
        &self,
        sd: &mut Seeder<'_, C>,
        prog: &Programme,
    ) -> anyhow::Result<()> {
        use service_count::Column as Col;
        let project = self.project;
        for (c, refs) in prog.file.service_count.iter().zip(&prog.counts) {
            let centre = self.centre(refs.centre);
            // One row for the reported figure, or the cells of its
            // illustrative breakdown instead.
            let cells: Vec<_> = if c.breakdown.is_empty() {
                vec![(c.sex, c.age_band, c.disability, c.value, false)]
            } else {
                c.breakdown
                    .iter()
                    .map(|b| (b.sex, b.age_band, b.disability, b.value, true))
                    .collect()
            };
            for (sex, age_band, disability, value, illustrative) in cells {
                let (sex, age_band) = (sex.map(|s| s.0), age_band.map(|a| a.0));
                sd.ensure(
                    all([
                        Col::ProjectId.eq(project),
                        eq_opt(Col::CentreId, centre),
                        eq_opt(Col::SupportType, c.support_type.map(|s| s.0)),
                        eq_opt(Col::Channel, c.channel.map(|s| s.0)),
                        Col::Stage.eq(c.stage.0),
                        Col::Unit.eq(c.unit.0),
                        eq_opt(Col::PeriodStart, day(c.period_start)),
                        eq_opt(Col::Sex, sex),
                        eq_opt(Col::AgeBand, age_band),
                    ]),
                    service_count::ActiveModel {
                        id: NotSet,
                        project_id: Set(project),
                        centre_id: Set(centre),
                        period_start: Set(day(c.period_start)),
                        period_end: Set(day(c.period_end)),
                        period_label_az: Set(c.period_label_az.clone()),
                        period_label_en: Set(c.period_label_en.clone()),
                        support_type: Set(c.support_type.map(|s| s.0)),
                        channel: Set(c.channel.map(|s| s.0)),
                        stage: Set(c.stage.0),
                        unit: Set(c.unit.0),
                        sex: Set(sex),
                        age_band: Set(age_band),
                        disability: Set(disability.map(|d| d.0)),
                        category: Set(c.category.map(|s| s.0)),
                        value: Set(value),
                        sensitivity: Set(c.sensitivity.0),
                        source_document_id: Set(self.source(refs.source)),
                        version: Set(1),
                        illustrative: Set(illustrative),
                        // What makes the row this row, never its value.
                        cell_key: Set(sd.keys.key(&format!(
                            "service_count|{project}|{centre:?}|{:?}|{:?}|{:?}|{:?}|{}|{}|{sex:?}|{age_band:?}|{:?}|{:?}",
                            c.period_start,
                            c.period_end,
                            c.support_type.map(|s| s.0.code()),
                            c.channel.map(|s| s.0.code()),
                            c.stage.0.code(),
                            c.unit.0.code(),
                            disability.map(|d| d.0.code()),
                            c.category.map(|s| s.0.code())
                        ))),
                        // Decided by `summary::sync` at the end of the load.
                        ..Default::default()
                    },
                    |m| m.id,
                )
                .await?;
            }
            if !c.breakdown.is_empty() {
                // The breakdown replaces the reported figure's single row
                // (loaded by an earlier version of the dataset), so the figure
                // is not counted twice.
                service_count::Entity::delete_many()
                    .filter(Col::ProjectId.eq(project))
                    .filter(eq_opt(Col::CentreId, centre))
                    .filter(eq_opt(Col::SupportType, c.support_type.map(|s| s.0)))
                    .filter(eq_opt(Col::Channel, c.channel.map(|s| s.0)))
                    .filter(Col::Stage.eq(c.stage.0))
                    .filter(Col::Unit.eq(c.unit.0))
                    .filter(eq_opt(Col::PeriodStart, day(c.period_start)))
                    .filter(Col::Sex.is_null())
                    .filter(Col::Illustrative.eq(false))
                    .exec(sd.db)
                    .await?;
            }
        }
        Ok(())
    }

    pub(super) async fn indicators<C: ConnectionTrait + TransactionTrait>(
        &self,
        sd: &mut Seeder<'_, C>,
        prog: &Programme,
    ) -> anyhow::Result<()> {
        let project = self.project;
        for (i, source) in prog.file.indicator.iter().zip(&prog.indicators) {
            let source = self.source(*source);
            let fields = crate::services::setup::indicators::IndicatorFields {
                code: i.code.clone(),
                title_az: i.title_az.clone(),
                title_en: i.title_en.clone(),
                unit: i.unit.0,
                counting_rule: i.counting_rule.0,
                aggregation: i.aggregation.0,
                baseline: i.baseline,
                baseline_date: day(i.baseline_date),
                target: i.target,
                target_date: day(i.target_date),
                sensitivity: Some(i.sensitivity.0),
                derived_from: i.derived_from.clone(),
                source_document_id: source,
                illustrative: i.illustrative,
            };
            let (id, _) = sd
                .ensure_via::<indicator::Entity>(
                    all([
                        indicator::Column::ProjectId.eq(project),
                        indicator::Column::Code.eq(&i.code),
                    ]),
                    |m| m.id,
                    "indicator",
                    1,
                    async |db, actor| {
                        crate::services::setup::indicators::create_indicator(
                            db, actor, project, &fields,
                        )
                        .await
                    },
                )
                .await?;
            // Its values are facts, written as rows (see the module's doc).
            for v in &i.values {
                use indicator_value::Column as Col;
                sd.ensure(
                    all([
                        Col::IndicatorId.eq(id),
                        eq_opt(Col::Dimension, v.dimension.clone()),
                        eq_opt(Col::DimensionValue, v.dimension_value.clone()),
                    ]),
                    indicator_value::ActiveModel {
                        id: NotSet,
                        indicator_id: Set(id),
                        period_start: Set(day(v.period_start)),
                        period_end: Set(day(v.period_end)),
                        dimension: Set(v.dimension.clone()),
                        dimension_value: Set(v.dimension_value.clone()),
                        value: Set(v.value),
                        as_of: Set(day(v.as_of)),
                        note_az: Set(v.note_az.clone()),
                        note_en: Set(v.note_en.clone()),
                        source_document_id: Set(source),
                        version: Set(1),
                        illustrative: Set(false),
                    },
                    |m| m.id,
                )
                .await?;
            }
        }
        Ok(())
    }
}
