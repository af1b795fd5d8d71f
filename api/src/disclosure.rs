//! Small-cell suppression: the one rule every public surface goes through.
//!
//! A count below the threshold of its sensitivity class is withheld (null,
//! `suppressed: true`). In a one-dimensional table of cells with a visible
//! total, a single withheld cell could be recovered by subtracting the visible
//! cells from the total, so a second cell (the smallest other) is withheld
//! too; a total made of one cell is withheld with it.
//!
//! [`lattice`] extends this to every grouping of a statistics cube at once, so
//! that no withheld value can be recovered by differencing across groupings.

pub mod lattice;

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
    /// The threshold of a sensitivity class.
    pub fn of(&self, sensitivity: Sensitivity) -> i64 {
        match sensitivity {
            Sensitivity::Ordinary => self.ordinary,
            Sensitivity::Sensitive => self.sensitive,
        }
    }
}

/// A published count: the value, or null when withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figure {
    /// The count, or `None` when suppressed.
    pub value: Option<i64>,
    /// True when the count was withheld.
    pub suppressed: bool,
}

impl Figure {
    /// A figure shown as it is.
    pub fn shown(value: i64) -> Self {
        Self {
            value: Some(value),
            suppressed: false,
        }
    }

    /// A withheld figure.
    pub fn withheld() -> Self {
        Self {
            value: None,
            suppressed: true,
        }
    }
}

/// True when a count must be withheld on its own (zero is not disclosive).
pub fn is_small(value: i64, threshold: i64) -> bool {
    value > 0 && value < threshold
}

/// Protects a one-dimensional table: `cells` add up to `total`.
///
/// Returns the published cells (same order) and the published total. With
/// `raw` (the viewer may see raw figures) everything is shown.
pub fn protect_table(
    cells: &[i64],
    total: i64,
    threshold: i64,
    raw: bool,
) -> (Vec<Figure>, Figure) {
    if raw {
        return (
            cells.iter().copied().map(Figure::shown).collect(),
            Figure::shown(total),
        );
    }
    if is_small(total, threshold) {
        return (vec![Figure::withheld(); cells.len()], Figure::withheld());
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
        .map(|(&c, &h)| {
            if h {
                Figure::withheld()
            } else {
                Figure::shown(c)
            }
        })
        .collect();
    let total = if total_hidden {
        Figure::withheld()
    } else {
        Figure::shown(total)
    };
    (published, total)
}

/// Protects a single count with no breakdown beside it.
pub fn protect_single(value: i64, threshold: i64, raw: bool) -> Figure {
    if raw || !is_small(value, threshold) {
        Figure::shown(value)
    } else {
        Figure::withheld()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tries to recover every withheld cell from the published table.
    fn recoverable(cells: &[Figure], total: Figure) -> bool {
        let hidden = cells.iter().filter(|c| c.suppressed).count();
        total.value.is_some() && hidden == 1
    }

    #[test]
    fn small_cells_are_withheld_with_a_complement() {
        let (cells, total) = protect_table(&[3, 20, 40], 63, 5, false);
        assert_eq!(cells[0], Figure::withheld());
        assert_eq!(
            cells[1],
            Figure::withheld(),
            "smallest other cell is the complement"
        );
        assert_eq!(cells[2], Figure::shown(40));
        assert_eq!(total, Figure::shown(63));
        assert!(!recoverable(&cells, total));
    }

    #[test]
    fn a_single_small_cell_hides_its_total() {
        let (cells, total) = protect_table(&[3], 3, 5, false);
        assert_eq!(cells, vec![Figure::withheld()]);
        assert_eq!(total, Figure::withheld());
        let (cells, total) = protect_table(&[23], 23, 5, false);
        assert_eq!((cells[0], total), (Figure::shown(23), Figure::shown(23)));
    }

    #[test]
    fn sensitive_threshold_is_stricter_and_raw_viewers_see_all() {
        let t = Thresholds::default();
        assert_eq!(
            protect_single(9, t.of(Sensitivity::Sensitive), false),
            Figure::withheld()
        );
        assert_eq!(
            protect_single(9, t.of(Sensitivity::Ordinary), false),
            Figure::shown(9)
        );
        assert_eq!(
            protect_single(0, t.of(Sensitivity::Sensitive), false),
            Figure::shown(0)
        );
        let (cells, total) = protect_table(&[3, 20], 23, 5, true);
        assert_eq!(cells, vec![Figure::shown(3), Figure::shown(20)]);
        assert_eq!(total, Figure::shown(23));
    }

    #[test]
    fn no_table_leaves_exactly_one_hidden_cell_beside_a_visible_total() {
        // Exhaustive over small tables: the published table never lets a reader
        // recover a withheld cell by subtraction.
        for a in 0..12 {
            for b in 0..12 {
                for c in 0..12 {
                    let cells = [a, b, c];
                    let (published, total) = protect_table(&cells, a + b + c, 5, false);
                    assert!(
                        !recoverable(&published, total),
                        "{cells:?} -> {published:?} {total:?}"
                    );
                    for (fig, &raw) in published.iter().zip(&cells) {
                        if let Some(v) = fig.value {
                            assert_eq!(v, raw);
                            assert!(!is_small(v, 5));
                        }
                    }
                }
            }
        }
    }
}
