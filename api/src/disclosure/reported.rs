//! Tables of figures as reported (an indicator's entered values per period
//! and disaggregation), which carry no record keys: the classic rule for
//! one-dimensional tables. A small cell is withheld, and a single withheld
//! cell beside a published total gets a complement (the smallest other
//! cell, else the total). Every reported table on every surface goes through
//! [`protect_period`] and [`protect_periods`].

use entities::codes::Sensitivity;

use super::{Figure, Thresholds, is_small};

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
            vec![Figure::withheld_below(class, threshold); cells.len()],
            Figure::withheld_below(class, threshold),
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
        .map(|(&c, &h)| match (h, is_small(c, threshold)) {
            (false, _) => shown(c),
            (true, true) => Figure::withheld_below(class, threshold),
            // A complement: withheld so that the small cell cannot be
            // worked out, with no bound (it may be large).
            (true, false) => Figure::withheld(class),
        })
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
        Figure::withheld_below(class, thresholds.of(class))
    }
}

/// One period of an indicator as reported: the whole value (`None` when only
/// its disaggregations were entered: then the first dimension's sum stands
/// for it) and, per dimension, its cells. Returns the whole value, its
/// figure and the cells' figures (same shape as `dims`).
pub fn protect_period(
    whole: Option<i64>,
    dims: &[Vec<i64>],
    class: Sensitivity,
    thresholds: &Thresholds,
    raw: bool,
) -> (i64, Figure, Vec<Vec<Figure>>) {
    let whole_value = whole.unwrap_or_else(|| dims.first().map_or(0, |cells| cells.iter().sum()));
    let mut whole_figure = protect_single(whole_value, class, thresholds, raw);
    let mut out = Vec::with_capacity(dims.len());
    for cells in dims {
        let (figures, total) = protect_table(cells, whole_value, class, thresholds, raw);
        if total.suppressed {
            whole_figure = Figure::withheld(class);
        }
        out.push(figures);
    }
    (whole_value, whole_figure, out)
}

/// An indicator's periods summed (`SUM` aggregation): the periods are the
/// cells of a table whose total is published, so a single withheld period
/// gets a complement. `published` are the periods' own figures (a period
/// already withheld stays withheld); returns their figures after the
/// complement and the total's figure.
pub fn protect_periods(
    values: &[i64],
    published: &[Figure],
    class: Sensitivity,
    thresholds: &Thresholds,
    raw: bool,
) -> (Vec<Figure>, Figure) {
    let total: i64 = values.iter().fold(0i64, |a, v| a.saturating_add(*v));
    let mut periods = published.to_vec();
    if raw {
        return (periods, Figure::exact(total, class));
    }
    if is_small(total, thresholds.of(class)) {
        let t = thresholds.of(class);
        return (
            vec![Figure::withheld_below(class, t); periods.len()],
            Figure::withheld_below(class, t),
        );
    }
    let (cells, _) = protect_table(values, total, class, thresholds, false);
    for (p, c) in periods.iter_mut().zip(&cells) {
        if c.suppressed {
            *p = Figure::withheld(class);
        }
    }
    if periods.iter().filter(|p| p.suppressed).count() == 1 {
        let other = periods
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.suppressed)
            .min_by_key(|(i, _)| (values[*i], *i))
            .map(|(i, _)| i);
        match other {
            Some(i) => periods[i] = Figure::withheld(class),
            None => return (periods, Figure::withheld(class)),
        }
    }
    (periods, Figure::exact(total, class))
}
