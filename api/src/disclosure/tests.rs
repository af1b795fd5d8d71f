//! The rule's guarantees, checked exhaustively on small cases and by
//! property tests over generated cubes.

use super::*;
use proptest::prelude::*;
use std::collections::HashMap;

const T: Thresholds = Thresholds {
    ordinary: 5,
    sensitive: 10,
};

fn row(value: i64, key: i64, class: Sensitivity, known: bool) -> Row {
    Row {
        value,
        key,
        class,
        known,
    }
}

#[test]
fn known_rows_are_published_exactly_and_small_unknown_parts_withheld() {
    use Sensitivity::*;
    let f = Parts::of([row(3, 7, Public, true), row(20, 9, Ordinary, true)]).publish(&T);
    assert_eq!(f, Figure::exact(23, Ordinary));
    let f = Parts::of([row(3, 7, Ordinary, false), row(40, 9, Ordinary, true)]).publish(&T);
    assert_eq!(f, Figure::withheld(Ordinary), "the unknown 3 is small");
    let f = Parts::of([row(9, 1, Sensitive, false)]).publish(&T);
    assert_eq!(f, Figure::withheld(Sensitive));
    let f = Parts::of([row(9, 1, Ordinary, false)]).publish(&T);
    assert_eq!(f.protection, Protection::Perturbed);
    let f = Parts::of([row(0, 1, Sensitive, false)]).publish(&T);
    assert_eq!(f, Figure::exact(0, Public), "zero is not disclosive");
}

#[test]
fn the_noise_stays_within_half_the_threshold_and_never_below_it() {
    use Sensitivity::*;
    for class in [Ordinary, Sensitive] {
        let t = T.of(class);
        let d = T.noise(class);
        assert!(2 * d + 1 >= t, "the noise spans the threshold");
        for value in t..t + 40 {
            let mut seen = std::collections::BTreeSet::new();
            for key in 0..400 {
                let f = Parts::of([row(value, key * 7919, class, false)]).publish(&T);
                let v = f.value.unwrap();
                assert!(v >= t, "{value} published as {v}");
                assert!((v - value).abs() <= d, "{value} published as {v}");
                seen.insert(v - value);
            }
            let low = (-d).max(t - value);
            assert_eq!(seen.len() as i64, d - low + 1, "every noise value is used");
        }
    }
}

#[test]
fn large_counts_are_unbiased_over_keys() {
    let mut sum = 0;
    for key in 0..10_000 {
        sum += Parts::of([row(1000, key, Sensitivity::Ordinary, false)])
            .publish(&T)
            .value
            .unwrap()
            - 1000;
    }
    assert!(sum.abs() < 400, "mean noise {}", sum as f64 / 10_000.0);
}

#[test]
fn small_tables_as_reported_never_leave_one_hidden_cell_beside_a_visible_total() {
    for a in 0..12 {
        for b in 0..12 {
            for c in 0..12 {
                let cells = [a, b, c];
                let (published, total) =
                    protect_table(&cells, a + b + c, Sensitivity::Ordinary, &T, false);
                let hidden = published.iter().filter(|c| c.suppressed).count();
                assert!(!(total.value.is_some() && hidden == 1), "{cells:?}");
                for (fig, &raw) in published.iter().zip(&cells) {
                    if let Some(v) = fig.value {
                        assert_eq!(v, raw);
                        assert!(!is_small(v, 5));
                    }
                }
            }
        }
    }
    let (cells, total) = protect_table(&[3, 20], 23, Sensitivity::Ordinary, &T, true);
    assert_eq!(cells[0], Figure::exact(3, Sensitivity::Ordinary));
    assert_eq!(total.value, Some(23));
}

// ── Property tests over generated cubes ────────────────────────────────────

/// One generated row: three dimension values, a project, the count, its
/// record key, its class, and whether it is a figure as reported.
type GenRow = ([u8; 3], u8, i64, i64, Sensitivity, bool);

/// A generated cube: rows with three dimensions of small arity and a project.
#[derive(Debug, Clone)]
struct Cube {
    rows: Vec<GenRow>,
}

fn cube() -> impl Strategy<Value = Cube> {
    prop::collection::vec(
        (
            [0u8..3, 0u8..2, 0u8..3],
            0u8..2,
            prop_oneof![3 => 0i64..12, 1 => 12i64..80],
            0i64..KEY_MODULUS,
            prop_oneof![
                1 => Just(Sensitivity::Public),
                3 => Just(Sensitivity::Ordinary),
                2 => Just(Sensitivity::Sensitive)
            ],
            any::<bool>(),
        ),
        1..14,
    )
    .prop_map(|rows| Cube { rows })
}

/// Every box aggregate (each dimension: all, or one value; each project or
/// both), as the set of rows it adds up.
fn boxes(cube: &Cube) -> Vec<Vec<usize>> {
    let mut sets: Vec<Vec<usize>> = Vec::new();
    let choice = |n: u8| std::iter::once(None).chain((0..n).map(Some));
    for a in choice(3) {
        for b in choice(2) {
            for c in choice(3) {
                for p in choice(2) {
                    let set: Vec<usize> = (0..cube.rows.len())
                        .filter(|&i| {
                            let (d, proj, ..) = cube.rows[i];
                            [a, b, c]
                                .iter()
                                .zip(d)
                                .all(|(want, have)| want.is_none_or(|w| w == have))
                                && p.is_none_or(|p| p == proj)
                        })
                        .collect();
                    if !set.is_empty() && !sets.contains(&set) {
                        sets.push(set);
                    }
                }
            }
        }
    }
    sets
}

/// The rows as a viewer who sees project `raw` unprotected (if any) knows them.
fn viewer_rows(cube: &Cube, raw: Option<u8>) -> Vec<Row> {
    cube.rows
        .iter()
        .map(|&(_, proj, value, key, class, reported)| Row {
            value,
            key,
            class,
            known: Row::is_known(value, class, raw == Some(proj), reported, &T),
        })
        .collect()
}

/// Is `target` in the span of `rows` (Gaussian elimination)?
fn in_span(rows: &[Vec<f64>], target: &[f64]) -> bool {
    let mut basis: Vec<Vec<f64>> = Vec::new();
    let mut pivots: Vec<usize> = Vec::new();
    let reduce = |v: &mut Vec<f64>, basis: &[Vec<f64>], pivots: &[usize]| {
        for (b, &p) in basis.iter().zip(pivots) {
            let f = v[p];
            if f.abs() > 1e-9 {
                v.iter_mut().zip(b).for_each(|(x, y)| *x -= f * y);
            }
        }
    };
    for r in rows {
        let mut v = r.clone();
        reduce(&mut v, &basis, &pivots);
        if let Some(p) = v.iter().position(|x| x.abs() > 1e-9) {
            let f = v[p];
            v.iter_mut().for_each(|x| *x /= f);
            for b in basis.iter_mut() {
                let g = b[p];
                if g.abs() > 1e-9 {
                    b.iter_mut().zip(&v).for_each(|(x, y)| *x -= g * y);
                }
            }
            basis.push(v);
            pivots.push(p);
        }
    }
    let mut t = target.to_vec();
    reduce(&mut t, &basis, &pivots);
    t.iter().all(|x| x.abs() < 1e-6)
}

fn publish(rows: &[Row], set: &[usize]) -> Figure {
    Parts::of(set.iter().map(|&i| rows[i])).publish(&T)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Everything a viewer class reads (every box aggregate, perturbed ones as
    /// equations with a noise unknown of their own, known rows as given)
    /// never determines a row the viewer does not know.
    #[test]
    fn no_unknown_row_is_determined_by_what_a_viewer_reads(cube in cube(), raw in prop::option::of(0u8..2)) {
        let rows = viewer_rows(&cube, raw);
        let sets = boxes(&cube);
        let n = rows.len();
        let perturbed: Vec<usize> = (0..sets.len())
            .filter(|&s| publish(&rows, &sets[s]).protection == Protection::Perturbed)
            .collect();
        let width = n + perturbed.len();
        let mut equations: Vec<Vec<f64>> = Vec::new();
        for (s, set) in sets.iter().enumerate() {
            let mut e = vec![0.0; width];
            set.iter().for_each(|&i| e[i] = 1.0);
            match publish(&rows, set).protection {
                Protection::Withheld => continue,
                Protection::Exact => {}
                Protection::Perturbed => {
                    let k = perturbed.iter().position(|&p| p == s).unwrap();
                    e[n + k] = 1.0;
                }
            }
            equations.push(e);
        }
        for (i, r) in rows.iter().enumerate() {
            if r.known || r.value == 0 {
                let mut e = vec![0.0; width];
                e[i] = 1.0;
                equations.push(e);
            }
        }
        for (i, r) in rows.iter().enumerate() {
            if !r.known && r.value > 0 {
                let mut target = vec![0.0; width];
                target[i] = 1.0;
                prop_assert!(!in_span(&equations, &target), "row {i} of {cube:?} is determined");
            }
        }
    }

    /// Published figures: never a small count, within the noise bound,
    /// withheld exactly when the unknown part is small, the same for the
    /// same rows in any order.
    #[test]
    fn published_figures_keep_their_bounds_and_read_the_same(cube in cube(), raw in prop::option::of(0u8..2)) {
        let rows = viewer_rows(&cube, raw);
        for set in boxes(&cube) {
            let parts = Parts::of(set.iter().map(|&i| rows[i]));
            let f = parts.publish(&T);
            let reversed = Parts::of(set.iter().rev().map(|&i| rows[i])).publish(&T);
            prop_assert_eq!(f, reversed);
            let class = parts.unknown_class.unwrap_or(Sensitivity::Public);
            let t = T.of(class);
            match f.protection {
                Protection::Exact => prop_assert_eq!(parts.unknown, 0),
                Protection::Withheld => prop_assert!(is_small(parts.unknown, t)),
                Protection::Perturbed => {
                    let v = f.value.unwrap();
                    prop_assert!((v - parts.total).abs() <= T.noise(class));
                    prop_assert!(v - (parts.total - parts.unknown) >= t);
                }
            }
        }
    }

    /// Parts merged from any split of a set of rows are the parts of the
    /// set: a figure rolled up from finer groups publishes as the one group.
    #[test]
    fn merged_parts_are_the_parts_of_the_union(cube in cube(), raw in prop::option::of(0u8..2), split in 0usize..14) {
        let rows = viewer_rows(&cube, raw);
        for set in boxes(&cube) {
            let at = split.min(set.len());
            let mut merged = Parts::of(set[..at].iter().map(|&i| rows[i]));
            merged.merge(&Parts::of(set[at..].iter().map(|&i| rows[i])));
            let whole = Parts::of(set.iter().map(|&i| rows[i]));
            prop_assert_eq!(merged, whole);
            prop_assert_eq!(merged.publish(&T), whole.publish(&T));
        }
    }

    /// A difference of two published figures that isolates one unknown row
    /// always involves at least one perturbed or withheld figure.
    #[test]
    fn no_difference_of_exact_figures_isolates_an_unknown_row(cube in cube(), raw in prop::option::of(0u8..2)) {
        let rows = viewer_rows(&cube, raw);
        let sets = boxes(&cube);
        let published: HashMap<&Vec<usize>, Figure> =
            sets.iter().map(|s| (s, publish(&rows, s))).collect();
        for a in &sets {
            for b in &sets {
                if a.len() >= b.len() || !a.iter().all(|i| b.contains(i)) {
                    continue;
                }
                let unknown: Vec<usize> = b
                    .iter()
                    .filter(|i| !a.contains(i))
                    .filter(|&&i| !rows[i].known && rows[i].value > 0)
                    .copied()
                    .collect();
                if unknown.len() == 1 {
                    prop_assert!(
                        published[a].protection != Protection::Exact
                            || published[b].protection != Protection::Exact,
                        "{a:?} and {b:?} isolate row {}", unknown[0]
                    );
                }
            }
        }
    }
}
