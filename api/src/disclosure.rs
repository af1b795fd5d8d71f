//! Protection of small counts: the one rule every public surface goes through.
//!
//! The design, its guarantees and its limits are in `docs/disclosure.md`. In
//! short, every published count is a sum of stored rows (attendance cells,
//! service counts), and each row is, for the viewer, either *known* or not:
//!
//! - known rows are those whose figure protects no one (class
//!   [`Sensitivity::Public`]: officials and staff trained, state bodies), the
//!   rows of projects whose raw figures the viewer sees (a manager's own), and
//!   figures as reported in a public source document that are not small;
//! - the rest is the *unknown part* `U` of the count.
//!
//! A count is then published as follows ([`Parts::publish`]):
//!
//! - `U = 0`: the count is published exactly (it is a sum of known figures);
//! - `0 < U < threshold` of the unknown part's class: withheld;
//! - otherwise the count plus a noise `n` drawn by the *cell key method*
//!   (Australian Bureau of Statistics, ONS): every row carries a secret random
//!   key, the key of a count is the sum of its rows' keys modulo 2^31, and `n`
//!   is a function of that key and `U`, uniform in `[-D, D]` with
//!   `D = threshold / 2` (2 for ordinary, 5 for sensitive), never below the
//!   threshold: `n >= threshold - U`.
//!
//! So the same set of rows reads the same wherever it is published (a
//! statistics row, an event's total, a CSV cell, an indicator), repeated
//! requests answer the same, no published figure is ever below its threshold,
//! and any difference of published figures that isolates a withheld row
//! carries the noise of at least one count, `2D + 1 >= threshold` values wide.
//! The work is O(1) per published count, computed in the same SQL `GROUP BY`
//! that computes the count: nothing is cached and nothing grows with the data.
//!
//! One-dimensional tables of figures as reported (an indicator's periods and
//! disaggregations, which carry no record keys) keep the classic rule of
//! [`protect_table`]: a small cell is withheld with a complement.

use entities::codes::Sensitivity;

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

    /// Largest noise added to a perturbed count of this class: half the
    /// threshold, so that the noise alone spans at least the threshold.
    pub fn noise(&self, sensitivity: Sensitivity) -> i64 {
        self.of(sensitivity) / 2
    }
}

/// How a published count was protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protection {
    /// Published as recorded.
    Exact,
    /// Published with the noise of the cell key method (within ± half the threshold).
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
}

impl Figure {
    /// A figure published as recorded.
    pub fn exact(value: i64, class: Sensitivity) -> Self {
        Self {
            value: Some(value),
            suppressed: false,
            protection: Protection::Exact,
            class,
        }
    }

    /// A withheld figure.
    pub fn withheld(class: Sensitivity) -> Self {
        Self {
            value: None,
            suppressed: true,
            protection: Protection::Withheld,
            class,
        }
    }

    fn perturbed(value: i64, class: Sensitivity) -> Self {
        Self {
            value: Some(value),
            suppressed: false,
            protection: Protection::Perturbed,
            class,
        }
    }
}

/// True when a count must be withheld on its own (zero is not disclosive).
pub fn is_small(value: i64, threshold: i64) -> bool {
    value > 0 && value < threshold
}

/// Record keys are summed modulo this.
pub const KEY_MODULUS: i64 = 1 << 31;

/// A count being published: its value, its unknown part and the cell key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Parts {
    /// The whole count.
    pub total: i64,
    /// The part of it the viewer does not know.
    pub unknown: i64,
    /// Sum of the rows' record keys modulo [`KEY_MODULUS`].
    pub key: i64,
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
    /// Its record key.
    pub key: i64,
    /// Its class.
    pub class: Sensitivity,
    /// True when the viewer knows it: see [`Row::is_known`].
    pub known: bool,
}

impl Row {
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
        self.total += row.value;
        self.key = (self.key + row.key.rem_euclid(KEY_MODULUS)) % KEY_MODULUS;
        if row.value > 0 {
            self.class = self.class.max(Some(row.class));
            if !row.known {
                self.unknown += row.value;
                self.unknown_class = self.unknown_class.max(Some(row.class));
            }
        }
    }

    /// Adds the parts of other rows (disjoint from these): the same as
    /// adding each of their rows, so a figure rolled up from finer groups
    /// publishes exactly as the one grouping would.
    pub fn merge(&mut self, other: &Parts) {
        self.total += other.total;
        self.unknown += other.unknown;
        self.key = (self.key + other.key).rem_euclid(KEY_MODULUS);
        self.class = self.class.max(other.class);
        self.unknown_class = self.unknown_class.max(other.unknown_class);
    }

    /// The sum of several rows.
    pub fn of(rows: impl IntoIterator<Item = Row>) -> Self {
        let mut parts = Self::default();
        rows.into_iter().for_each(|r| parts.add(r));
        parts
    }

    /// Publishes the count (see the module documentation).
    pub fn publish(&self, thresholds: &Thresholds) -> Figure {
        let class = self.class.unwrap_or(Sensitivity::Public);
        let Some(unknown_class) = self.unknown_class.filter(|_| self.unknown > 0) else {
            return Figure::exact(self.total, class);
        };
        let threshold = thresholds.of(unknown_class);
        if is_small(self.unknown, threshold) {
            return Figure::withheld(class);
        }
        let d = thresholds.noise(unknown_class);
        let low = (-d).max(threshold - self.unknown);
        let n = low + noise_draw(self.key, self.unknown, d - low + 1);
        Figure::perturbed(self.total + n, class)
    }
}

/// A draw in `0..width`, uniform over keys, fixed for a (key, value) pair.
fn noise_draw(key: i64, value: i64, width: i64) -> i64 {
    // splitmix64 of the key and the value: a published count's noise changes
    // with either, and is the same wherever the same rows are counted.
    let mut z = (key as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((value as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z % width.max(1) as u64) as i64
}

/// Protects a one-dimensional table of figures as reported: `cells` add up
/// to `total`.
///
/// Returns the published cells (same order) and the published total. With
/// `raw` (the viewer may see raw figures) everything is shown.
pub fn protect_table(
    cells: &[i64],
    total: i64,
    class: Sensitivity,
    thresholds: &Thresholds,
    raw: bool,
) -> (Vec<Figure>, Figure) {
    let threshold = thresholds.of(class);
    let shown = |v: i64| Figure::exact(v, class);
    if raw {
        return (cells.iter().copied().map(shown).collect(), shown(total));
    }
    if is_small(total, threshold) {
        return (
            vec![Figure::withheld(class); cells.len()],
            Figure::withheld(class),
        );
    }
    let mut hidden: Vec<bool> = cells.iter().map(|&c| is_small(c, threshold)).collect();
    let hidden_count = hidden.iter().filter(|h| **h).count();
    let mut total_hidden = false;
    if hidden_count == 1 {
        // One withheld cell next to a visible total: withhold the smallest other
        // cell too, or the total when there is no other cell.
        let complement = cells
            .iter()
            .enumerate()
            .filter(|(i, _)| !hidden[*i])
            .min_by_key(|(i, c)| (**c, *i))
            .map(|(i, _)| i);
        match complement {
            Some(i) => hidden[i] = true,
            None => total_hidden = true,
        }
    }
    let published = cells
        .iter()
        .zip(&hidden)
        .map(
            |(&c, &h)| {
                if h { Figure::withheld(class) } else { shown(c) }
            },
        )
        .collect();
    let total = if total_hidden {
        Figure::withheld(class)
    } else {
        shown(total)
    };
    (published, total)
}

/// Protects a single count as reported, with no breakdown beside it.
pub fn protect_single(
    value: i64,
    class: Sensitivity,
    thresholds: &Thresholds,
    raw: bool,
) -> Figure {
    if raw || !is_small(value, thresholds.of(class)) {
        Figure::exact(value, class)
    } else {
        Figure::withheld(class)
    }
}

#[cfg(test)]
mod tests;
