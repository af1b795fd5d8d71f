//! Templates to download, per project and kind, in Azerbaijani or English:
//! an XLSX whose data sheet has the kind's header and drop-down lists (the
//! project's centres, its declared beneficiary categories, its entered
//! indicators, the code lists by name) kept on a hidden `lists` sheet, or a
//! CSV with the header only (UTF-8 with a BOM, so spreadsheets open it right).

use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use entities::codes::*;
use entities::{centre, indicator};

use super::Kind;
use super::plan::columns;
use crate::stats::labels::label;

/// What a project's template offers in its drop-downs.
#[derive(Debug, Clone, Default)]
pub struct Lists {
    /// Centre names (in the template's language).
    pub centres: Vec<String>,
    /// Categories the project declares (it may record only these).
    pub categories: Vec<BeneficiaryCategory>,
    /// Codes of the entered (not derived, not archived) indicators.
    pub indicators: Vec<String>,
}

/// Loads the lists of a project.
pub async fn lists<C: ConnectionTrait>(db: &C, project_id: i32, az: bool) -> Result<Lists, DbErr> {
    let centres = centre::Entity::find()
        .filter(centre::Column::ProjectId.eq(project_id))
        .filter(centre::Column::ArchivedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|c| {
            if az && !c.name_az.is_empty() || c.name_en.is_empty() {
                c.name_az
            } else {
                c.name_en
            }
        })
        .collect();
    let mut categories: Vec<BeneficiaryCategory> =
        crate::services::declared_categories(db, project_id)
            .await?
            .into_iter()
            .collect();
    categories.sort();
    categories.push(BeneficiaryCategory::Unknown);
    let indicators = indicator::Entity::find()
        .filter(indicator::Column::ProjectId.eq(project_id))
        .filter(indicator::Column::ArchivedAt.is_null())
        .filter(indicator::Column::DerivedFrom.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.code)
        .collect();
    Ok(Lists {
        centres,
        categories,
        indicators,
    })
}

fn names<T: Copy>(list: &str, all: &[T], code: fn(T) -> &'static str, az: bool) -> Vec<String> {
    all.iter().map(|v| label(list, code(*v), az)).collect()
}

fn values(list: &str, lists: &Lists, az: bool) -> Vec<String> {
    match list {
        "centre" => lists.centres.clone(),
        "indicator" => lists.indicators.clone(),
        "category" => lists
            .categories
            .iter()
            .map(|c| label("category", c.code(), az))
            .collect(),
        "sex" => names(list, Sex::ALL, Sex::code, az),
        "age_band" => names(list, AgeBand::ALL, AgeBand::code, az),
        "disability" => names(list, Disability::ALL, Disability::code, az),
        "event_kind" => names(list, EventKind::ALL, EventKind::code, az),
        "support_type" => names(list, SupportType::ALL, SupportType::code, az),
        "channel" => names(list, Channel::ALL, Channel::code, az),
        "stage" => names(list, ServiceStage::ALL, ServiceStage::code, az),
        "unit" => [CountUnit::Persons, CountUnit::Appeals]
            .iter()
            .map(|u| label("unit", u.code(), az))
            .collect(),
        "dimension" => if az {
            ["Cins", "Yaş qrupu", "Əlillik", "Kateqoriya"]
        } else {
            ["Sex", "Age band", "Disability", "Category"]
        }
        .iter()
        .map(|s| s.to_string())
        .collect(),
        _ => Vec::new(),
    }
}

/// The header row of a kind in a language.
pub fn header(kind: Kind, az: bool) -> Vec<&'static str> {
    columns(kind)
        .iter()
        .map(|c| if az { c.az } else { c.en })
        .collect()
}

/// Rows the drop-downs cover.
const ROWS: u32 = 50_000;

fn column_letter(i: u16) -> String {
    let mut n = i as u32 + 1;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

/// The XLSX template of a kind for a project.
pub fn xlsx(kind: Kind, az: bool, lists: &Lists) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let cols = columns(kind);
    {
        let data = wb.add_worksheet();
        data.set_name(if az { "Məlumatlar" } else { "Data" })?;
        for (i, c) in cols.iter().enumerate() {
            let i = i as u16;
            data.write_string_with_format(0, i, if az { c.az } else { c.en }, &bold)?;
            data.set_column_width(i, 18)?;
        }
        data.set_freeze_panes(1, 0)?;
    }
    let mut list_col = 0u16;
    let mut validations = Vec::new();
    {
        let sheet = wb.add_worksheet();
        sheet.set_name("lists")?;
        for (i, c) in cols.iter().enumerate() {
            let Some(list) = c.list else { continue };
            let vals = values(list, lists, az);
            if vals.is_empty() {
                continue;
            }
            sheet.write_string(0, list_col, c.key)?;
            for (r, v) in vals.iter().enumerate() {
                sheet.write_string(r as u32 + 1, list_col, v)?;
            }
            let letter = column_letter(list_col);
            let formula = format!("=lists!${letter}$2:${letter}${}", vals.len() + 1);
            validations.push((i as u16, formula));
            list_col += 1;
        }
        sheet.set_hidden(true);
    }
    let data = wb.worksheet_from_index(0)?;
    for (col, formula) in validations {
        let dv = DataValidation::new()
            .allow_list_formula(Formula::new(formula))
            .set_error_message(if az {
                "Siyahıdan seçin"
            } else {
                "Choose from the list"
            })?;
        data.add_data_validation(1, col, ROWS, col, &dv)?;
    }
    data.set_active(true);
    wb.save_to_buffer()
}

/// The CSV template of a kind: its header, UTF-8 with a BOM.
pub fn csv(kind: Kind, az: bool) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(header(kind, az));
    out.extend(w.into_inner().unwrap_or_default());
    out
}
