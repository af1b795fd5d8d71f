//! Reading cell text the way people write it in Azerbaijan and in English:
//! numbers (`1.204`, `1 204`, `1.100,50`, `1,100.50`), dates (`21.11.2026`,
//! `2026-11-21`), months (`11.2026`, `noyabr 2026`) and code values by their
//! Azerbaijani or English names (`Qadın`, `Female`, `female`). A text that
//! could mean two different numbers or dates is refused, never guessed.

use chrono::NaiveDate;

use crate::search::{fold, search_key};

/// Why a cell could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellProblem {
    /// Not a number, date or known name at all.
    Invalid(String),
    /// Could be read two ways (e.g. `1.204` as a decimal quantity).
    Ambiguous(String),
    /// A number beyond what the column holds.
    OutOfRange(String),
}

impl CellProblem {
    /// The explanation shown beside the row.
    pub fn message(&self) -> &str {
        match self {
            Self::Invalid(m) | Self::Ambiguous(m) | Self::OutOfRange(m) => m,
        }
    }
}

/// A number split at its decimal mark: digits before, digits after.
#[derive(Debug, PartialEq, Eq)]
struct Digits {
    negative: bool,
    whole: String,
    fraction: String,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'')
}

/// True when `groups` are thousands groups: the first of 1–3 digits (not a
/// lone 0), the rest of exactly 3.
fn grouped(groups: &[&str]) -> bool {
    let Some((first, rest)) = groups.split_first() else {
        return false;
    };
    !first.is_empty()
        && first.len() <= 3
        && !(first.len() == 1 && *first == "0" && !rest.is_empty())
        && rest.iter().all(|g| g.len() == 3)
}

/// Splits a number written with `.`/`,` marks and space grouping. `integer`
/// says the column holds whole numbers: a single mark followed by exactly
/// three digits is then a thousands mark (`1.204` and `1,204` are both 1204);
/// in a decimal column that reading is ambiguous and refused.
fn digits(text: &str, integer: bool) -> Result<Digits, CellProblem> {
    let t = text.trim();
    let invalid = || CellProblem::Invalid(format!("{t:?} is not a number"));
    let (negative, body) = match t.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',' || is_space(c))
        || !body.starts_with(|c: char| c.is_ascii_digit())
    {
        return Err(invalid());
    }
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    let spaced = body.contains(is_space);
    // Split off the decimal part, if the text has one.
    let (whole, fraction): (String, String) = match (dots, commas) {
        (0, 0) => (body.to_string(), String::new()),
        (d, c) if d > 0 && c > 0 => {
            // Both marks: the last one is the decimal mark, used once.
            let last = body.rfind(['.', ',']).expect("has a mark");
            let mark = body[last..].chars().next().expect("mark");
            if body.matches(mark).count() != 1 {
                return Err(invalid());
            }
            let group_mark = if mark == '.' { ',' } else { '.' };
            let head = &body[..last];
            if spaced || !grouped(&head.split(group_mark).collect::<Vec<_>>()) {
                return Err(CellProblem::Invalid(format!(
                    "{t:?}: the thousands groups are not of three digits"
                )));
            }
            (head.replace(group_mark, ""), body[last + 1..].to_string())
        }
        (d, c) => {
            let mark = if d > 0 { '.' } else { ',' };
            let parts: Vec<&str> = body.split(mark).collect();
            let count = d + c;
            if count > 1 {
                // Used several times: only a thousands mark can repeat.
                if spaced || !grouped(&parts) {
                    return Err(invalid());
                }
                (parts.concat(), String::new())
            } else {
                let (head, tail) = (parts[0], parts[1]);
                let head_ok =
                    !head.contains(is_space) || grouped(&head.split(is_space).collect::<Vec<_>>());
                if !head_ok || tail.is_empty() || tail.contains(is_space) {
                    return Err(invalid());
                }
                let thousands_shape =
                    tail.len() == 3 && grouped(&[head, tail]) && !head.contains(is_space);
                if thousands_shape && integer {
                    (format!("{head}{tail}"), String::new())
                } else if thousands_shape {
                    return Err(CellProblem::Ambiguous(format!(
                        "{t:?} could be {head}{tail} or {head}.{tail}: write {head}{tail}, or the decimal with both marks (e.g. {head}{tail},0 or 0{mark}{tail} is unambiguous only with a leading 0)"
                    )));
                } else {
                    (head.to_string(), tail.to_string())
                }
            }
        }
    };
    let groups: Vec<&str> = whole.split(is_space).collect();
    if groups.len() > 1 && !grouped(&groups) {
        return Err(CellProblem::Invalid(format!(
            "{t:?}: the thousands groups are not of three digits"
        )));
    }
    Ok(Digits {
        negative,
        whole: groups.concat(),
        fraction,
    })
}

/// Reads a whole number (a count). Decimal parts other than zeros are refused.
pub fn parse_integer(text: &str) -> Result<i64, CellProblem> {
    let d = digits(text, true)?;
    if d.fraction.chars().any(|c| c != '0') {
        return Err(CellProblem::Invalid(format!(
            "{:?} is not a whole number",
            text.trim()
        )));
    }
    let magnitude: i64 = d
        .whole
        .parse()
        .map_err(|_| CellProblem::OutOfRange(format!("{:?} is too large", text.trim())))?;
    Ok(if d.negative { -magnitude } else { magnitude })
}

/// Reads a decimal number (a quantity or budget).
pub fn parse_decimal(text: &str) -> Result<f64, CellProblem> {
    let d = digits(text, false)?;
    if d.whole.len() + d.fraction.len() > 15 {
        return Err(CellProblem::OutOfRange(format!(
            "{:?} has more digits than can be stored exactly",
            text.trim()
        )));
    }
    let v: f64 = format!(
        "{}.{}",
        d.whole,
        if d.fraction.is_empty() {
            "0"
        } else {
            &d.fraction
        }
    )
    .parse()
    .map_err(|_| CellProblem::Invalid(format!("{:?} is not a number", text.trim())))?;
    Ok(if d.negative { -v } else { v })
}

const MONTHS: [(&str, &str); 12] = [
    ("yanvar", "january"),
    ("fevral", "february"),
    ("mart", "march"),
    ("aprel", "april"),
    ("may", "may"),
    ("iyun", "june"),
    ("iyul", "july"),
    ("avqust", "august"),
    ("sentyabr", "september"),
    ("oktyabr", "october"),
    ("noyabr", "november"),
    ("dekabr", "december"),
];

fn month_number(name: &str) -> Option<u32> {
    let f = fold(name);
    MONTHS
        .iter()
        .position(|(az, en)| {
            f == *az || f == *en || (f.len() >= 3 && en.starts_with(&f) && f != "ma" && f != "ju")
        })
        .map(|i| i as u32 + 1)
}

fn ymd(y: &str, m: &str, d: &str, text: &str) -> Result<NaiveDate, CellProblem> {
    let parse = |s: &str| s.parse::<u32>().ok();
    if y.len() != 4 {
        return Err(CellProblem::Ambiguous(format!(
            "{text:?}: write the year with four digits"
        )));
    }
    match (parse(y), parse(m), parse(d)) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d)
            .ok_or_else(|| CellProblem::Invalid(format!("{text:?} is not a day of the calendar"))),
        _ => Err(CellProblem::Invalid(format!("{text:?} is not a date"))),
    }
}

/// Reads a date: `21.11.2026`, `21-11-2026`, `2026-11-21`, `21/11/2026`
/// (with `/` only when the day is above 12, since `11/12/2026` means
/// different days in different countries), `21 noyabr 2026`, `21 November 2026`.
pub fn parse_date(text: &str) -> Result<NaiveDate, CellProblem> {
    let t = text.trim();
    // A spreadsheet date cell arrives as ISO date (time part dropped).
    let t = t.split_once('T').map_or(t, |(d, _)| d);
    let t = t
        .split_once(' ')
        .filter(|(_, rest)| rest.contains(':'))
        .map_or(t, |(d, _)| d);
    let parts: Vec<&str> = t
        .split(['.', '-', '/', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() != 3 {
        return Err(CellProblem::Invalid(format!(
            "{t:?} is not a date: write it as 21.11.2026 or 2026-11-21"
        )));
    }
    if let Some(m) = month_number(parts[1]) {
        return ymd(parts[2], &m.to_string(), parts[0], t);
    }
    if parts[0].len() == 4 {
        return ymd(parts[0], parts[1], parts[2], t);
    }
    if t.contains('/') {
        let a: u32 = parts[0].parse().unwrap_or(0);
        let b: u32 = parts[1].parse().unwrap_or(0);
        return match (a > 12, b > 12) {
            (true, false) => ymd(parts[2], parts[1], parts[0], t),
            (false, true) => ymd(parts[2], parts[0], parts[1], t),
            _ if a == b => ymd(parts[2], parts[1], parts[0], t),
            _ => Err(CellProblem::Ambiguous(format!(
                "{t:?} could be {a}/{b} or {b}/{a}: write the day with dots, e.g. {a:02}.{b:02}.{}",
                parts[2]
            ))),
        };
    }
    ymd(parts[2], parts[1], parts[0], t)
}

/// Reads a month: `11.2026`, `2026-11`, `noyabr 2026`, `November 2026`, or a
/// date (its month). Answers the month's first and last day.
pub fn parse_month(text: &str) -> Result<(NaiveDate, NaiveDate), CellProblem> {
    let t = text.trim();
    let parts: Vec<&str> = t
        .split(['.', '-', '/', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    let (year, month) = match parts.as_slice() {
        [a, b] if a.len() == 4 => (a.parse::<i32>().ok(), b.parse::<u32>().ok()),
        [a, b] if b.len() == 4 => (
            b.parse::<i32>().ok(),
            month_number(a).or_else(|| a.parse::<u32>().ok()),
        ),
        _ => {
            let d = parse_date(t).map_err(|_| {
                CellProblem::Invalid(format!("{t:?} is not a month: write it as 11.2026"))
            })?;
            (
                Some(chrono::Datelike::year(&d)),
                Some(chrono::Datelike::month(&d)),
            )
        }
    };
    let first = year
        .zip(month)
        .and_then(|(y, m)| NaiveDate::from_ymd_opt(y, m, 1))
        .ok_or_else(|| CellProblem::Invalid(format!("{t:?} is not a month")))?;
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .ok_or_else(|| CellProblem::OutOfRange(format!("{t:?} is too far")))?;
    Ok((first, last))
}

/// True when `text` names this value: its code (`with_disability`, `60+`),
/// or its Azerbaijani or English name in any case, with or without
/// diacritics, ə typed as e — folded the way search folds names.
pub fn names_value(text: &str, code: &str, az: &str, en: &str) -> bool {
    let wanted = fold(text);
    if wanted.is_empty() {
        return false;
    }
    code == text.trim()
        || fold(code) == wanted
        || search_key([az, en]).contains(&format!("|{wanted}|"))
}

/// Finds the code of list `list` (as in `stats::labels`) named by `text`.
pub fn parse_code<T: Copy>(
    list: &str,
    text: &str,
    all: &[T],
    code: fn(T) -> &'static str,
) -> Result<T, CellProblem> {
    // A sheet repeats a few labels thousands of times: each (list, text)
    // is matched against the labels once per thread and remembered (a
    // code list's values and labels never change while the server runs).
    type Memo = std::collections::HashMap<(&'static str, usize, String, String), Option<usize>>;
    thread_local! {
        static FOUND: std::cell::RefCell<Memo> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    let memo = (
        std::any::type_name::<T>(),
        all.len(),
        list.to_string(),
        text.to_string(),
    );
    let found = FOUND.with(|m| m.borrow().get(&memo).copied());
    let found = match found {
        Some(found) => found,
        None => {
            let found = all.iter().position(|v| {
                let c = code(*v);
                names_value(
                    text,
                    c,
                    &crate::stats::labels::label(list, c, true),
                    &crate::stats::labels::label(list, c, false),
                )
            });
            FOUND.with(|m| {
                let mut m = m.borrow_mut();
                if m.len() >= 4_096 {
                    m.clear();
                }
                m.insert(memo, found);
            });
            found
        }
    };
    found.and_then(|i| all.get(i).copied()).ok_or_else(|| {
        let known: Vec<String> = all
            .iter()
            .map(|v| crate::stats::labels::label(list, code(*v), true))
            .collect();
        CellProblem::Invalid(format!(
            "{:?} is not a known value; use one of: {}",
            text.trim(),
            known.join(", ")
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use entities::codes::{AgeBand, Disability, Sex};

    fn ambiguous<T: std::fmt::Debug>(r: Result<T, CellProblem>) -> bool {
        matches!(r, Err(CellProblem::Ambiguous(_)))
    }

    #[test]
    fn whole_numbers_in_azerbaijani_and_english_writing() {
        for (text, want) in [
            ("1204", 1204),
            ("1.204", 1204),
            ("1,204", 1204),
            ("1 204", 1204),
            ("1\u{a0}204", 1204),
            ("1.204.000", 1_204_000),
            ("1,204,000", 1_204_000),
            ("12 345 678", 12_345_678),
            ("1.100,00", 1100),
            ("1,100.00", 1100),
            (" 7 ", 7),
            ("-3", -3),
            ("0", 0),
        ] {
            assert_eq!(parse_integer(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn malformed_whole_numbers_are_refused() {
        for text in [
            "",
            "abc",
            "1.5",
            "12,75",
            "1.20.4",
            "1 20",
            "1.2345",
            "1,100.50",
            "1..2",
            "=1+1",
            "1.204,5.6",
            "0,204",
            "99999999999999999999",
        ] {
            assert!(parse_integer(text).is_err(), "{text} accepted");
        }
        assert!(matches!(
            parse_integer("99999999999999999999"),
            Err(CellProblem::OutOfRange(_))
        ));
    }

    #[test]
    fn decimals_in_both_writings_and_ambiguous_ones_refused() {
        for (text, want) in [
            ("1.100,50", 1100.5),
            ("1,100.50", 1100.5),
            ("1 100,50", 1100.5),
            ("12,5", 12.5),
            ("12.5", 12.5),
            ("0.204", 0.204),
            ("0,204", 0.204),
            ("1.204.000", 1_204_000.0),
            ("3", 3.0),
        ] {
            assert_eq!(parse_decimal(text), Ok(want), "{text}");
        }
        // 1204 in Azerbaijani writing, 1.204 in English: refused, never guessed.
        assert!(ambiguous(parse_decimal("1.204")));
        assert!(ambiguous(parse_decimal("1,204")));
        assert!(parse_decimal("1.100.50").is_err());
    }

    #[test]
    fn dates_as_written_in_azerbaijan_and_iso() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        for text in [
            "21.11.2026",
            "2026-11-21",
            "21-11-2026",
            "21/11/2026",
            "11/21/2026",
            "21 noyabr 2026",
            "21 November 2026",
            "2026-11-21T00:00:00",
        ] {
            assert_eq!(parse_date(text), Ok(d), "{text}");
        }
        assert!(ambiguous(parse_date("11/12/2026")));
        assert!(ambiguous(parse_date("21.11.26")));
        assert!(parse_date("31.02.2026").is_err());
        assert!(parse_date("tomorrow").is_err());
    }

    #[test]
    fn months_in_several_writings() {
        let want = (
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        );
        for text in [
            "11.2026",
            "2026-11",
            "noyabr 2026",
            "November 2026",
            "21.11.2026",
        ] {
            assert_eq!(parse_month(text), Ok(want), "{text}");
        }
        assert_eq!(
            parse_month("02.2028").unwrap().1,
            NaiveDate::from_ymd_opt(2028, 2, 29).unwrap()
        );
        assert!(parse_month("13.2026").is_err());
    }

    #[test]
    fn codes_by_their_azerbaijani_or_english_names() {
        for text in ["Qadın", "qadin", "QADIN", "Female", "female", " FEMALE "] {
            assert_eq!(
                parse_code("sex", text, Sex::ALL, Sex::code),
                Ok(Sex::Female),
                "{text}"
            );
        }
        assert_eq!(
            parse_code(
                "disability",
                "Elilliyi olan",
                Disability::ALL,
                Disability::code
            ),
            Ok(Disability::WithDisability)
        );
        assert_eq!(
            parse_code("age_band", "60+", AgeBand::ALL, AgeBand::code),
            Ok(AgeBand::Age60Plus)
        );
        assert!(parse_code("sex", "woman?", Sex::ALL, Sex::code).is_err());
    }
}
