//! Protection of small counts: the one rule every public surface goes through.
//!
//! The design, its guarantee, its threat model and its cost are in
//! `docs/disclosure.md`. In short, every published count is a sum of stored
//! rows (attendance cells, service counts), and each row is, for the viewer,
//! either *known* or not:
//!
//! - known rows are those whose figure protects no one (class
//!   [`Sensitivity::Public`]: officials and staff trained, state bodies), the
//!   rows of projects whose raw figures the viewer sees (a manager's own), and
//!   figures as reported in a public source document that are not small;
//! - every other row is *unknown*, and is published only through its
//!   **rounded value**: its count rounded to a multiple of its class's
//!   threshold `B` (5 ordinary, 10 sensitive), up or down by a draw that is a
//!   fixed function of the row's secret record key, unbiased
//!   ([`rounded`]).
//!
//! A published count is its known part plus the rounded values of its unknown
//! rows ([`Parts::publish`]): exact when there is no unknown row, withheld when
//! people are counted and every one of them sits in an unknown row rounded to
//! zero, perturbed otherwise.
//!
//! The noise is decided once per row, not once per published figure: every
//! figure a viewer can read, under any grouping, filter, surface or request,
//! is a function of the known rows and of the rounded values alone. So asking
//! more questions teaches nothing beyond the rounded value of each row, and a
//! row's rounded value `r` leaves its count anywhere in `(r - B, r + B)` (in
//! `[1, B - 1]` for `r = 0`): the guarantee of `docs/disclosure.md`. A
//! manager's own rows are known to them and never change another row's
//! rounded value, so their writes give them no fresh look at anyone else.
//!
//! The SQL form of the same rule (for the statistics, which group in the
//! database) is [`sql`]; record keys are made by [`keys`]; tables of figures
//! as reported (indicator values, which carry no record keys) are protected
//! by [`reported`]; [`attack`] is the attacker the tests run against every
//! surface.

pub mod attack;
pub mod keys;
pub mod reported;
pub mod sql;

use entities::codes::{BeneficiaryCategory, Sensitivity};

pub use reported::{protect_single, protect_table};

/// Thresholds per sensitivity class (configurable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Smallest publishable count for ordinary populations (default 5).
    pub ordinary: i64,
    /// Smallest publishable count for sensitive populations (default 10).
    pub sensitive: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            ordinary: 5,
            sensitive: 10,
        }
    }
}

impl Thresholds {
    /// The threshold of a sensitivity class (0 for public counts: never withheld).
    pub fn of(&self, sensitivity: Sensitivity) -> i64 {
        match sensitivity {
            Sensitivity::Public => 0,
            Sensitivity::Ordinary => self.ordinary,
            Sensitivity::Sensitive => self.sensitive,
        }
    }

    /// The rounding base of an unknown row of this class: its threshold.
    pub fn base(&self, sensitivity: Sensitivity) -> i64 {
        self.of(sensitivity)
    }
}

/// How a published count was protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protection {
    /// Published as recorded.
    Exact,
    /// Published with the rounding of its unknown rows (each within the
    /// threshold of its true count).
    Perturbed,
    /// Withheld (null).
    Withheld,
}

/// A published count: the value, or null when withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figure {
    /// The count, or `None` when withheld.
    pub value: Option<i64>,
    /// True when the count was withheld.
    pub suppressed: bool,
    /// How it was protected.
    pub protection: Protection,
    /// The most protected class among the people counted.
    pub class: Sensitivity,
    /// For a withheld count: it hides fewer than this many people (every
    /// record it counts lies below its threshold). `None` when no such bound
    /// is published (a complement withheld so that another cell cannot be
    /// worked out may be large).
    pub below: Option<i64>,
}

impl Figure {
    /// A figure published as recorded.
    pub fn exact(value: i64, class: Sensitivity) -> Self {
        Self {
            value: Some(value),
            suppressed: false,
            protection: Protection::Exact,
            class,
            below: None,
        }
    }

    /// A withheld figure, with no bound published.
    pub fn withheld(class: Sensitivity) -> Self {
        Self {
            value: None,
            suppressed: true,
            protection: Protection::Withheld,
            class,
            below: None,
        }
    }

    /// A withheld figure that hides fewer than `below` people.
    pub fn withheld_below(class: Sensitivity, below: i64) -> Self {
        Self {
            below: Some(below),
            ..Self::withheld(class)
        }
    }

    fn perturbed(value: i64, class: Sensitivity) -> Self {
        Self {
            value: Some(value),
            suppressed: false,
            protection: Protection::Perturbed,
            class,
            below: None,
        }
    }
}

/// True when a count must be withheld on its own (zero is not disclosive).
pub fn is_small(value: i64, threshold: i64) -> bool {
    value > 0 && value < threshold
}

/// Record keys lie in `1..KEY_MODULUS`; a key `k` stands for the uniform
/// draw `k / KEY_MODULUS` in `[0, 1)`.
pub const KEY_MODULUS: i64 = 1 << 31;

/// The largest figure ever published: every integer up to it is exact in a
/// JSON number read by JavaScript (2^53 - 1). A sum beyond it is withheld.
pub const MAX_PUBLISHED: i64 = (1 << 53) - 1;

/// Categories of people counted in an official capacity (staff of executive
/// authorities and centres, municipality members, village representatives):
/// their counts protect no one ([`Sensitivity::Public`]).
pub const OFFICIAL_CATEGORIES: [BeneficiaryCategory; 4] = [
    BeneficiaryCategory::ExecutiveAuthorityStaff,
    BeneficiaryCategory::MunicipalityMember,
    BeneficiaryCategory::VillageRepresentative,
    BeneficiaryCategory::CentreStaff,
];

/// The class of a stored row: public for people counted in an official
/// capacity or a count marked public, sensitive when the row or its project
/// is, else ordinary. [`sql::class`] is the same rule in SQL.
pub fn row_class(
    category: Option<BeneficiaryCategory>,
    own: Option<Sensitivity>,
    project_sensitive: bool,
) -> Sensitivity {
    if own == Some(Sensitivity::Public)
        || category.is_some_and(|c| OFFICIAL_CATEGORIES.contains(&c))
    {
        Sensitivity::Public
    } else if own == Some(Sensitivity::Sensitive) || project_sensitive {
        Sensitivity::Sensitive
    } else {
        Sensitivity::Ordinary
    }
}

/// The rounded value of an unknown row: `value` rounded to a multiple of
/// `base`, up with probability `(value mod base) / base` over keys (so the
/// rounding is unbiased), decided by the row's key alone. [`sql::rounded`]
/// is the same function in SQL; a test checks that both agree.
pub fn rounded(value: i64, key: i64, base: i64) -> i64 {
    if base <= 1 {
        return value;
    }
    let rest = value.rem_euclid(base);
    let floor = value - rest;
    // The key is a draw u = key / 2^31 in [0, 1): round up when u < rest / base.
    if key.rem_euclid(KEY_MODULUS) * base < rest * KEY_MODULUS {
        floor.saturating_add(base)
    } else {
        floor
    }
}

/// A count being published: its value, its unknown part and the sum of the
/// unknown part's rounded values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Parts {
    /// The whole count.
    pub total: i64,
    /// The part of it the viewer does not know.
    pub unknown: i64,
    /// The rounded values of the unknown rows, summed.
    pub rounded: i64,
    /// How far the unknown rows may lie from their rounded values, summed:
    /// `base - 1` per unknown row counting someone.
    pub slack: i64,
    /// Most protected class among the rows counting someone (value > 0).
    pub class: Option<Sensitivity>,
    /// Most protected class among the unknown rows counting someone.
    pub unknown_class: Option<Sensitivity>,
}

/// One stored row as the viewer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// The count.
    pub value: i64,
    /// Its class.
    pub class: Sensitivity,
    /// True when the viewer knows it: see [`Row::is_known`].
    pub known: bool,
    /// Its rounded value ([`rounded`] at its class's base).
    pub rounded: i64,
    /// How far its count may lie from its rounded value: its base - 1.
    pub slack: i64,
}

impl Row {
    /// A row as the viewer sees it: its count, record key and class; `raw`
    /// when the viewer sees its project's raw figures, `as_reported` when it
    /// is a figure as reported in a public source.
    pub fn new(
        value: i64,
        key: i64,
        class: Sensitivity,
        raw: bool,
        as_reported: bool,
        thresholds: &Thresholds,
    ) -> Self {
        let base = thresholds.base(class);
        Self {
            value,
            class,
            known: Self::is_known(value, class, raw, as_reported, thresholds),
            rounded: rounded(value, key, base),
            slack: (base - 1).max(0),
        }
    }

    /// A row is known to a viewer when it protects no one, when the viewer
    /// sees its project's raw figures, or when it is a figure as reported in a
    /// public source that is not small.
    pub fn is_known(
        value: i64,
        class: Sensitivity,
        raw: bool,
        as_reported: bool,
        thresholds: &Thresholds,
    ) -> bool {
        class == Sensitivity::Public
            || raw
            || (as_reported && !is_small(value, thresholds.of(class)))
    }
}

impl Parts {
    /// Adds a row.
    pub fn add(&mut self, row: Row) {
        self.total = self.total.saturating_add(row.value);
        if row.value > 0 {
            self.class = self.class.max(Some(row.class));
            if !row.known {
                self.unknown = self.unknown.saturating_add(row.value);
                self.rounded = self.rounded.saturating_add(row.rounded);
                self.slack = self.slack.saturating_add(row.slack);
                self.unknown_class = self.unknown_class.max(Some(row.class));
            }
        }
    }

    /// Adds the parts of other rows (disjoint from these): the same as
    /// adding each of their rows, so a figure rolled up from finer groups
    /// publishes exactly as the one grouping would. Sums saturate: a figure
    /// that large is withheld, never wrapped ([`MAX_PUBLISHED`]).
    pub fn merge(&mut self, other: &Parts) {
        self.total = self.total.saturating_add(other.total);
        self.unknown = self.unknown.saturating_add(other.unknown);
        self.rounded = self.rounded.saturating_add(other.rounded);
        self.slack = self.slack.saturating_add(other.slack);
        self.class = self.class.max(other.class);
        self.unknown_class = self.unknown_class.max(other.unknown_class);
    }

    /// The sum of several rows.
    pub fn of(rows: impl IntoIterator<Item = Row>) -> Self {
        let mut parts = Self::default();
        rows.into_iter().for_each(|r| parts.add(r));
        parts
    }

    /// Publishes the count (see the module documentation): the known part
    /// plus the rounded values of the unknown rows.
    pub fn publish(&self) -> Figure {
        let class = self.class.unwrap_or(Sensitivity::Public);
        let beyond = |v: i64| !(0..=MAX_PUBLISHED).contains(&v);
        if self.unknown_class.is_none() || self.unknown <= 0 {
            if beyond(self.total) {
                return Figure::withheld(class);
            }
            return Figure::exact(self.total, class);
        }
        let value = self
            .total
            .saturating_sub(self.unknown)
            .saturating_add(self.rounded);
        if beyond(value) {
            return Figure::withheld(class);
        }
        if value == 0 {
            // People are counted, each in a row rounded to zero: each below
            // its threshold, so fewer than their slack summed, plus one.
            // Never a false zero.
            return Figure::withheld_below(class, self.slack.saturating_add(1));
        }
        Figure::perturbed(value, class)
    }
}

#[cfg(test)]
mod tests;
