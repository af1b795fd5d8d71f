//! Validation rules and outlier scores: pure functions, no database.
//!
//! One definition of a rule (its JSON, [`Check`]) is evaluated here on the
//! server and by `web/src/lib/rules/evaluate.ts` in the browser, offline.
//! Both read the same fixture (`api/src/rules/fixtures.json`: rules, entries,
//! and the verdict each rule must give) in their tests, so the two cannot
//! drift apart without one of the two test suites failing.
//!
//! An entry's figures come from its cells ([`figures_of`]): for each stage
//! and unit (`SERVED_PERSONS`, `RECEIVED_APPEALS` …) the sum of the cells
//! without a personal breakdown, or, when every cell of that figure is
//! broken down, the sum of all of them; its breakdowns are the personal
//! dimensions any of its cells carry.

pub mod outliers;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// How two figures compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Op {
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
    /// Equal.
    Eq,
    /// Greater than or equal.
    Ge,
    /// Greater than.
    Gt,
}

impl Op {
    fn holds(self, l: i64, r: i64) -> bool {
        match self {
            Op::Lt => l < r,
            Op::Le => l <= r,
            Op::Eq => l == r,
            Op::Ge => l >= r,
            Op::Gt => l > r,
        }
    }
}

/// A personal dimension a figure may be broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Dimension {
    /// Sex.
    Sex,
    /// Age band.
    AgeBand,
    /// Disability.
    Disability,
    /// Beneficiary category.
    Category,
}

fn six() -> usize {
    6
}
fn three() -> usize {
    3
}

/// A rule's definition: what the browser and the server both evaluate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum Check {
    /// `min ≤ figure ≤ max` (either bound may be left out).
    Range {
        /// The figure checked.
        figure: String,
        /// Smallest allowed value.
        #[serde(default)]
        min: Option<i64>,
        /// Largest allowed value.
        #[serde(default)]
        max: Option<i64>,
    },
    /// `left op right`, e.g. served ≤ received.
    Compare {
        /// The figure on the left.
        left: String,
        /// The comparison.
        op: Op,
        /// The figure on the right.
        right: String,
    },
    /// `figure ≤ factor × median` of the unit's last `periods` periods, once
    /// at least `minPeriods` of them are known.
    MedianMultiple {
        /// The figure checked.
        figure: String,
        /// N in "at most N times the median".
        factor: f64,
        /// How many past periods the median is taken over.
        #[serde(default = "six")]
        periods: usize,
        /// Fewer known past periods than this: the rule is skipped.
        #[serde(default = "three")]
        min_periods: usize,
    },
    /// The figure is given broken down by `dimension`.
    RequiredBreakdown {
        /// The figure checked.
        figure: String,
        /// The dimension it must be broken down by.
        dimension: Dimension,
    },
}

/// Largest factor a median rule may use, and most past periods.
pub const FACTOR_MAX: f64 = 1000.0;
/// See [`FACTOR_MAX`].
pub const PERIODS_MAX: usize = 24;

fn valid_figure(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 60
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

impl Check {
    /// Problems with a definition (empty when it can be stored), as
    /// (field, message) pairs.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut figure = |field: &'static str, name: &str| {
            if !valid_figure(name) {
                out.push((
                    field,
                    "name a figure in capitals, e.g. SERVED_PERSONS (at most 60 characters)"
                        .to_string(),
                ));
            }
        };
        match self {
            Check::Range {
                figure: f,
                min,
                max,
            } => {
                figure("figure", f);
                if min.is_none() && max.is_none() {
                    out.push(("min", "give a minimum, a maximum or both".into()));
                }
                if let (Some(a), Some(b)) = (min, max)
                    && a > b
                {
                    out.push(("max", "the maximum is below the minimum".into()));
                }
                for v in [min, max].into_iter().flatten() {
                    if v.unsigned_abs() > crate::services::bounds::SERVICE_COUNT.max as u64 {
                        out.push(("max", "a bound is beyond the largest count".into()));
                    }
                }
            }
            Check::Compare { left, right, .. } => {
                figure("left", left);
                figure("right", right);
            }
            Check::MedianMultiple {
                figure: f,
                factor,
                periods,
                min_periods,
            } => {
                figure("figure", f);
                if !(factor.is_finite() && *factor > 0.0 && *factor <= FACTOR_MAX) {
                    out.push((
                        "factor",
                        format!("the factor lies above 0, at most {FACTOR_MAX}"),
                    ));
                }
                if *periods == 0 || *periods > PERIODS_MAX {
                    out.push(("periods", format!("from 1 to {PERIODS_MAX} past periods")));
                }
                if *min_periods == 0 || min_periods > periods {
                    out.push((
                        "minPeriods",
                        "at least 1, and no more than the periods".into(),
                    ));
                }
            }
            Check::RequiredBreakdown { figure: f, .. } => figure("figure", f),
        }
        out
    }

    /// The figures the rule reads (for the browser to know what to collect).
    pub fn figures(&self) -> Vec<&str> {
        match self {
            Check::Range { figure, .. }
            | Check::MedianMultiple { figure, .. }
            | Check::RequiredBreakdown { figure, .. } => vec![figure],
            Check::Compare { left, right, .. } => vec![left, right],
        }
    }
}

/// One cell of an entry, as the rules see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    /// Stage (`RECEIVED`, `SERVED`, `REFERRED`).
    pub stage: String,
    /// Unit (`PERSONS`, `APPEALS`).
    pub unit: String,
    /// Sex, when broken down.
    #[serde(default)]
    pub sex: Option<String>,
    /// Age band, when broken down.
    #[serde(default)]
    pub age_band: Option<String>,
    /// Disability, when broken down.
    #[serde(default)]
    pub disability: Option<String>,
    /// Category, when broken down.
    #[serde(default)]
    pub category: Option<String>,
    /// The count.
    pub value: i64,
}

/// What the rules read from an entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Figure → value.
    pub figures: BTreeMap<String, i64>,
    /// Figure → the dimensions its cells are broken down by.
    pub breakdowns: BTreeMap<String, BTreeSet<Dimension>>,
    /// Figure → its values in past periods, oldest first.
    pub history: BTreeMap<String, Vec<i64>>,
}

/// The figure a cell counts toward.
pub fn figure_name(stage: &str, unit: &str) -> String {
    format!(
        "{}_{}",
        stage.to_ascii_uppercase(),
        unit.to_ascii_uppercase()
    )
}

/// An entry's figures and breakdowns from its cells (see the module doc).
pub fn figures_of(cells: &[Cell]) -> Entry {
    let mut whole: BTreeMap<String, i64> = BTreeMap::new();
    let mut all: BTreeMap<String, i64> = BTreeMap::new();
    let mut breakdowns: BTreeMap<String, BTreeSet<Dimension>> = BTreeMap::new();
    for c in cells {
        let name = figure_name(&c.stage, &c.unit);
        let dims: Vec<Dimension> = [
            (c.sex.is_some(), Dimension::Sex),
            (c.age_band.is_some(), Dimension::AgeBand),
            (c.disability.is_some(), Dimension::Disability),
            (c.category.is_some(), Dimension::Category),
        ]
        .into_iter()
        .filter_map(|(on, d)| on.then_some(d))
        .collect();
        *all.entry(name.clone()).or_default() += c.value;
        let set = breakdowns.entry(name.clone()).or_default();
        if dims.is_empty() {
            *whole.entry(name).or_default() += c.value;
        } else {
            set.extend(dims);
        }
    }
    let figures = all
        .into_iter()
        .map(|(k, v)| {
            let value = whole.get(&k).copied().unwrap_or(v);
            (k, value)
        })
        .collect();
    Entry {
        figures,
        breakdowns,
        history: BTreeMap::new(),
    }
}

/// What a rule concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// The entry satisfies the rule.
    Pass,
    /// The entry breaks the rule.
    Fail,
    /// The rule could not be evaluated (a figure it reads is not in the entry, or too little history).
    Skip,
}

/// A rule's verdict with the values it compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Pass, fail or skip.
    pub status: Status,
    /// The values compared (`value`, `left`, `right`, `median`, `limit`).
    pub values: BTreeMap<String, f64>,
}

/// The median of `values` (the mean of the two middle ones for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Evaluates one rule on an entry.
pub fn evaluate(check: &Check, entry: &Entry) -> Verdict {
    let mut values = BTreeMap::new();
    let fig = |name: &str| entry.figures.get(name).copied();
    let status = match check {
        Check::Range { figure, min, max } => match fig(figure) {
            None => Status::Skip,
            Some(v) => {
                values.insert("value".into(), v as f64);
                if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) {
                    Status::Fail
                } else {
                    Status::Pass
                }
            }
        },
        Check::Compare { left, op, right } => match (fig(left), fig(right)) {
            (Some(l), Some(r)) => {
                values.insert("left".into(), l as f64);
                values.insert("right".into(), r as f64);
                if op.holds(l, r) {
                    Status::Pass
                } else {
                    Status::Fail
                }
            }
            _ => Status::Skip,
        },
        Check::MedianMultiple {
            figure,
            factor,
            periods,
            min_periods,
        } => {
            let past = entry.history.get(figure).map(Vec::as_slice).unwrap_or(&[]);
            let recent: Vec<f64> = past
                .iter()
                .skip(past.len().saturating_sub(*periods))
                .map(|v| *v as f64)
                .collect();
            match (fig(figure), median(&recent)) {
                (Some(v), Some(m)) if recent.len() >= *min_periods => {
                    let limit = factor * m;
                    values.insert("value".into(), v as f64);
                    values.insert("median".into(), m);
                    values.insert("limit".into(), limit);
                    if (v as f64) > limit {
                        Status::Fail
                    } else {
                        Status::Pass
                    }
                }
                _ => Status::Skip,
            }
        }
        Check::RequiredBreakdown { figure, dimension } => match fig(figure) {
            None => Status::Skip,
            Some(v) => {
                values.insert("value".into(), v as f64);
                if entry
                    .breakdowns
                    .get(figure)
                    .is_some_and(|d| d.contains(dimension))
                {
                    Status::Pass
                } else {
                    Status::Fail
                }
            }
        },
    };
    Verdict { status, values }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Fixture {
        cases: Vec<Case>,
    }

    #[derive(Deserialize)]
    struct Case {
        name: String,
        rule: Check,
        cells: Vec<Cell>,
        #[serde(default)]
        history: BTreeMap<String, Vec<i64>>,
        expect: Verdict,
    }

    /// The same file the browser's evaluator is tested with
    /// (`web/src/lib/rules/evaluate.test.ts`).
    #[test]
    fn every_fixture_case_gives_the_verdict_the_browser_gives() {
        let fixture: Fixture =
            serde_json::from_str(include_str!("fixtures.json")).expect("fixture parses");
        assert!(fixture.cases.len() >= 15);
        for case in fixture.cases {
            let mut entry = figures_of(&case.cells);
            entry.history = case.history;
            let got = evaluate(&case.rule, &entry);
            assert_eq!(got, case.expect, "case {}", case.name);
        }
    }

    #[test]
    fn a_definition_with_a_bad_factor_or_figure_is_refused() {
        let bad = Check::MedianMultiple {
            figure: "served".into(),
            factor: f64::INFINITY,
            periods: 0,
            min_periods: 3,
        };
        let fields: Vec<_> = bad.problems().into_iter().map(|p| p.0).collect();
        assert_eq!(fields, vec!["figure", "factor", "periods", "minPeriods"]);
        let json = serde_json::json!({"kind": "RANGE", "figure": "SERVED_PERSONS", "max": 10});
        let ok: Check = serde_json::from_value(json).unwrap();
        assert!(ok.problems().is_empty());
    }
}
