//! Programme set-up (issue 20): the writes that create and edit what a
//! programme is made of, so a deployment takes a new programme without a
//! seed file: projects with their organisations, areas, plans and
//! categories; indicators with targets and entered values; centres, works
//! and teams; areas and their boundaries; source documents and citations.
//!
//! Who may do what, in one place ([`may_edit_setup`], [`require_admin`]):
//! administrators create projects and assign managers; a manager edits the
//! set-up of their own projects but not their sensitivity or public flag;
//! donors, viewers and API keys only read. Records are archived, not
//! deleted: an archived one is gone from public surfaces and kept for the
//! audit trail; only a record nothing refers to may be deleted ([`delete`]).

pub mod delete;
pub mod indicators;
pub mod places;
pub mod projects;
pub mod sources;

use chrono::NaiveDate;

use super::{ServiceError, UserError, UserErrorCode};

pub use super::admin::require_admin;

/// Longest title or name, in characters.
pub const TITLE_MAX: usize = 300;
/// Longest summary, note or description, in characters.
pub const TEXT_MAX: usize = 20_000;

/// The earliest and latest dates a programme's records may carry: far dates
/// are typos and would break period arithmetic downstream.
pub const DATE_MIN: (i32, u32, u32) = (1990, 1, 1);
/// See [`DATE_MIN`].
pub const DATE_MAX: (i32, u32, u32) = (2100, 12, 31);

/// A text in both languages where one may be filled later: at least one
/// must be given; the reading side shows the other with a marker.
pub fn bilingual(
    az: &str,
    en: &str,
    field_az: &[&str],
    field_en: &[&str],
    max: usize,
    errors: &mut Vec<UserError>,
) -> (String, String) {
    let (az, en) = (az.trim().to_string(), en.trim().to_string());
    if az.is_empty() && en.is_empty() {
        errors.push(UserError::new(
            field_az,
            UserErrorCode::Required,
            "give the text in Azerbaijani or English (the other may follow later)",
        ));
    }
    for (text, field) in [(&az, field_az), (&en, field_en)] {
        if text.chars().count() > max {
            errors.push(UserError::new(
                field,
                UserErrorCode::Invalid,
                format!("at most {max} characters"),
            ));
        }
    }
    (az, en)
}

/// An optional text, trimmed (empty becomes `None`), at most `max` characters.
pub fn optional_text(
    text: Option<&str>,
    field: &[&str],
    max: usize,
    errors: &mut Vec<UserError>,
) -> Option<String> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    if text.chars().count() > max {
        errors.push(UserError::new(
            field,
            UserErrorCode::Invalid,
            format!("at most {max} characters"),
        ));
    }
    Some(text.to_string())
}

/// Refuses a date outside [`DATE_MIN`] – [`DATE_MAX`].
pub fn check_date(date: Option<NaiveDate>, field: &[&str], errors: &mut Vec<UserError>) {
    let (Some(min), Some(max)) = (
        NaiveDate::from_ymd_opt(DATE_MIN.0, DATE_MIN.1, DATE_MIN.2),
        NaiveDate::from_ymd_opt(DATE_MAX.0, DATE_MAX.1, DATE_MAX.2),
    ) else {
        return;
    };
    if let Some(d) = date
        && (d < min || d > max)
    {
        errors.push(UserError::new(
            field,
            UserErrorCode::ValueOutOfRange,
            format!("dates run from {min} to {max}"),
        ));
    }
}

/// Refuses an end before its start.
pub fn check_order(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    field: &[&str],
    errors: &mut Vec<UserError>,
) {
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errors.push(UserError::new(
            field,
            UserErrorCode::Invalid,
            format!("the end ({e}) is before the start ({s})"),
        ));
    }
}

/// A budget: amount within [`super::bounds::BUDGET`] and an ISO 4217
/// currency code (three capital letters) whenever an amount is given.
pub fn check_budget(
    amount: Option<i64>,
    currency: Option<&str>,
    fields: (&[&str], &[&str]),
    errors: &mut Vec<UserError>,
) -> Option<String> {
    if let Some(a) = amount {
        if a < 0 {
            errors.push(UserError::new(
                fields.0,
                UserErrorCode::NegativeCount,
                "a budget is not negative",
            ));
        }
        errors.extend(super::bounds::BUDGET.check(a, fields.0));
    }
    let currency = currency.map(|c| c.trim().to_ascii_uppercase());
    match &currency {
        Some(c) if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) => {
            errors.push(UserError::new(
                fields.1,
                UserErrorCode::Invalid,
                "give the currency as its ISO 4217 code, e.g. AZN, USD, EUR",
            ));
        }
        None if amount.is_some() => errors.push(UserError::new(
            fields.1,
            UserErrorCode::Required,
            "give the budget's currency",
        )),
        _ => {}
    }
    currency.filter(|c| !c.is_empty())
}

/// A non-negative count within `bound`.
pub fn check_count(
    value: Option<i64>,
    bound: super::bounds::Bound,
    field: &[&str],
    errors: &mut Vec<UserError>,
) {
    if let Some(v) = value {
        if v < 0 {
            errors.push(UserError::new(
                field,
                UserErrorCode::NegativeCount,
                "a count is not negative",
            ));
        }
        errors.extend(bound.check(v, field));
    }
}

/// An http(s) link of at most 2,000 characters.
pub fn check_url(url: Option<&str>, field: &[&str], errors: &mut Vec<UserError>) -> Option<String> {
    let url = url.map(str::trim).filter(|u| !u.is_empty())?;
    let ok = url.len() <= 2000
        && (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if !ok {
        errors.push(UserError::new(
            field,
            UserErrorCode::Invalid,
            "give an http:// or https:// link without spaces, at most 2,000 characters",
        ));
    }
    Some(url.to_string())
}

/// The refusal to archive an archived record or restore a live one
/// (`INVALID_TRANSITION` on `id`), if that is what was asked.
pub fn archive_problem(archived: bool, restore: bool, what: &str) -> Option<ServiceError> {
    (archived != restore).then(|| {
        UserError::new(
            &["id"],
            UserErrorCode::InvalidTransition,
            if restore {
                format!("the {what} is not archived")
            } else {
                format!("the {what} is already archived")
            },
        )
        .into()
    })
}

/// The path of an item in a list input: `["input", list, index, name]`.
pub fn item_path<'a>(list: &'a str, index: &'a str, name: &'a str) -> [&'a str; 4] {
    ["input", list, index, name]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_language_is_enough_and_none_is_refused() {
        let mut errors = Vec::new();
        let (az, en) = bilingual("Təlim", " ", &["az"], &["en"], 10, &mut errors);
        assert!(errors.is_empty());
        assert_eq!((az.as_str(), en.as_str()), ("Təlim", ""));
        bilingual("", "", &["az"], &["en"], 10, &mut errors);
        assert_eq!(errors[0].code, UserErrorCode::Required);
    }

    #[test]
    fn far_dates_and_odd_currencies_are_refused() {
        let mut errors = Vec::new();
        check_date(NaiveDate::from_ymd_opt(9999, 1, 1), &["d"], &mut errors);
        check_budget(Some(5), Some("manat"), (&["a"], &["c"]), &mut errors);
        check_budget(Some(5), None, (&["a"], &["c"]), &mut errors);
        assert_eq!(errors.len(), 3);
        assert_eq!(errors[0].code, UserErrorCode::ValueOutOfRange);
        let mut ok = Vec::new();
        assert_eq!(
            check_budget(Some(1_000), Some("azn"), (&["a"], &["c"]), &mut ok).as_deref(),
            Some("AZN")
        );
        assert!(ok.is_empty());
    }
}
