//! Small-cell suppression that holds across every grouping of the same data.
//!
//! A statistics query may group the same finest cells (a "cube") by any subset
//! of its dimensions. Protecting each grouping on its own is not enough: a
//! reader can subtract cells of one grouping from cells or totals of another
//! (by sex, by sex and age band, the grand total) and recover a withheld value.
//! So suppression is decided once for the whole lattice of groupings of one
//! cube, and every grouping reads its published figures from that decision.
//!
//! - Every distinct aggregate of the cube is a *node*: a set of finest cells,
//!   whatever grouping produced it (groupings that produce the same sets are
//!   merged).
//! - Primary suppression: a node whose value is below the threshold of its
//!   sensitivity (and above zero) is withheld.
//! - Complementary suppression, checked exactly: the published nodes are linear
//!   equations over the finest cells. A withheld node is *recoverable* when its
//!   value is a linear combination of published values (its indicator vector
//!   lies in the row space of the published nodes). While any withheld node is
//!   recoverable, the smallest published node that overlaps it (preferring
//!   cells inside it) is withheld too. This subsumes the margin rule "no line
//!   of a table has exactly one withheld cell" and also catches combinations
//!   of several lines.
//! - When the lattice is too large to check exactly within the budget, a
//!   conservative rule applies instead: the small finest cells are withheld
//!   and so is every aggregate that contains one, so published figures are
//!   sums of published finest cells only and reveal nothing withheld.
//!
//! Known limit: protection is per cube. Queries whose filters define a
//! different set of rows (a sub-area, another date range) are protected on
//! their own; dimension filters (project, year, sex, …) select cells of the
//! same cube and stay consistent.

use std::collections::HashMap;

use super::Figure;

/// Key values of one finest cell, one per dimension (`None`: unknown / not broken down).
pub type Keys = Vec<Option<String>>;

/// A finest cell of a cube: its dimension values, value and threshold.
#[derive(Debug, Clone)]
pub struct CubeCell {
    /// One value per dimension of the cube.
    pub keys: Keys,
    /// The count.
    pub value: i64,
    /// Smallest publishable value for this cell's sensitivity.
    pub threshold: i64,
}

/// Most (distinct groupings × finest cells) checked exactly before the
/// conservative rule takes over.
pub const DEFAULT_BUDGET: usize = 400_000;

/// Most complements tried for one recoverable node.
const MAX_TRIALS: usize = 256;

/// Most aggregates checked exactly; past it the conservative rule applies.
const MAX_NODES: usize = 3000;

/// How a cube was protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Nothing withheld (the viewer sees raw figures).
    Raw,
    /// Every grouping checked; withheld values are not linear combinations of published ones.
    Exact,
    /// Too large to check exactly: every aggregate containing a small cell is withheld.
    Conservative,
}

#[derive(Debug, Clone)]
struct Node {
    members: Vec<u32>,
    value: i64,
    threshold: i64,
}

/// The suppression decision for a whole cube.
#[derive(Debug, Clone)]
pub struct Protected {
    cells: Vec<CubeCell>,
    nodes: Vec<Node>,
    index: HashMap<Vec<u32>, usize>,
    hidden: Vec<bool>,
    /// Nodes to withhold as complements only when nothing else will do.
    kept: Vec<bool>,
    mode: Mode,
}

/// A group of a grouping: its key values (one per grouped dimension), the
/// finest cells in it, and its published figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Values of the grouped dimensions, in the order asked.
    pub keys: Keys,
    /// Indices of the finest cells in the group.
    pub members: Vec<u32>,
    /// The raw sum (never send this to a reader without checking `figure`).
    pub raw: i64,
    /// The published figure.
    pub figure: Figure,
}

impl Protected {
    /// Protects `cells`, grouped by any subset of their `dims` dimensions that
    /// includes all of `mandatory` (e.g. the unit: counts of different units
    /// are never added, so those aggregates are never published). Groups of
    /// the `keep` groupings (figures as reported, e.g. an event's total) are
    /// chosen as complements only when no other aggregate will do. With `raw`
    /// nothing is withheld.
    pub fn new(
        cells: Vec<CubeCell>,
        dims: usize,
        mandatory: &[usize],
        keep: &[Vec<usize>],
        raw: bool,
        budget: usize,
    ) -> Self {
        let mut lattice = Self {
            cells,
            nodes: Vec::new(),
            index: HashMap::new(),
            hidden: Vec::new(),
            kept: Vec::new(),
            mode: Mode::Raw,
        };
        if raw {
            return lattice;
        }
        match enumerate_partitions(&lattice.cells, dims, mandatory, budget) {
            Some(partitions) if partitions.iter().map(Vec::len).sum::<usize>() <= MAX_NODES => {
                let mut groupings: Vec<Vec<usize>> = Vec::new();
                for partition in partitions {
                    groupings.push(
                        partition
                            .into_iter()
                            .map(|members| lattice.node_of(members))
                            .collect(),
                    );
                }
                // The finest cells themselves (a grouping by every dimension).
                for i in 0..lattice.cells.len() {
                    lattice.node_of(vec![i as u32]);
                }
                lattice.hidden = lattice
                    .nodes
                    .iter()
                    .map(|n| super::is_small(n.value, n.threshold))
                    .collect();
                lattice.kept = vec![false; lattice.nodes.len()];
                for grouping in keep {
                    let mut dims_of: Vec<usize> = grouping.clone();
                    dims_of.extend_from_slice(mandatory);
                    let n = lattice.cells.len();
                    let labels = refine_all(&lattice.cells, &vec![0; n], &dims_of);
                    for mut members in groups_of(&labels) {
                        members.sort_unstable();
                        if let Some(&id) = lattice.index.get(&members) {
                            lattice.kept[id] = true;
                        }
                    }
                }
                lattice.mode = Mode::Exact;
                let lines = lattice.lines(&groupings);
                lattice.apply_margin_rule(&lines);
                lattice.complete_exactly();
            }
            _ => lattice.mode = Mode::Conservative,
        }
        lattice
    }

    /// Every aggregate with its value and state, for debugging.
    pub fn debug_dump(&self) -> String {
        let mut out = String::new();
        for (i, c) in self.cells.iter().enumerate() {
            out.push_str(&format!("cell {i}: {:?} = {}\n", c.keys, c.value));
        }
        for (id, n) in self.nodes.iter().enumerate() {
            out.push_str(&format!(
                "node {id} {:?} = {} hidden={} kept={}\n",
                n.members,
                n.value,
                self.hidden.get(id).copied().unwrap_or(false),
                self.kept.get(id).copied().unwrap_or(false)
            ));
        }
        out
    }

    /// How the cube was protected.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The finest cells.
    pub fn cells(&self) -> &[CubeCell] {
        &self.cells
    }

    fn node_of(&mut self, mut members: Vec<u32>) -> usize {
        members.sort_unstable();
        if let Some(&id) = self.index.get(&members) {
            return id;
        }
        let value = members.iter().map(|&m| self.cells[m as usize].value).sum();
        let threshold = members
            .iter()
            .map(|&m| self.cells[m as usize].threshold)
            .max()
            .unwrap_or(0);
        let id = self.nodes.len();
        self.nodes.push(Node {
            members: members.clone(),
            value,
            threshold,
        });
        self.index.insert(members, id);
        id
    }

    /// The published figure of the aggregate made of these finest cells.
    pub fn figure(&self, members: &[u32]) -> Figure {
        let raw: i64 = members.iter().map(|&m| self.cells[m as usize].value).sum();
        match self.mode {
            Mode::Raw => Figure::shown(raw),
            Mode::Conservative => {
                let any_small = members.iter().any(|&m| {
                    let c = &self.cells[m as usize];
                    super::is_small(c.value, c.threshold)
                });
                if any_small {
                    Figure::withheld()
                } else {
                    Figure::shown(raw)
                }
            }
            Mode::Exact => {
                let mut sorted = members.to_vec();
                sorted.sort_unstable();
                match self.index.get(&sorted) {
                    Some(&id) if !self.hidden[id] => Figure::shown(raw),
                    // Withheld, or an aggregate outside the lattice: never published.
                    _ => Figure::withheld(),
                }
            }
        }
    }

    /// Groups the cells matching `select` (dimension, value) by `by`, in key order.
    pub fn group(&self, by: &[usize], select: &[(usize, Option<String>)]) -> Vec<Group> {
        let mut groups: Vec<(Keys, Vec<u32>)> = Vec::new();
        let mut at: HashMap<Keys, usize> = HashMap::new();
        for (i, cell) in self.cells.iter().enumerate() {
            if !select.iter().all(|(d, v)| &cell.keys[*d] == v) {
                continue;
            }
            let keys: Keys = by.iter().map(|&d| cell.keys[d].clone()).collect();
            let slot = *at.entry(keys.clone()).or_insert_with(|| {
                groups.push((keys, Vec::new()));
                groups.len() - 1
            });
            groups[slot].1.push(i as u32);
        }
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        groups
            .into_iter()
            .map(|(keys, members)| {
                let raw = members.iter().map(|&m| self.cells[m as usize].value).sum();
                let figure = self.figure(&members);
                Group {
                    keys,
                    members,
                    raw,
                    figure,
                }
            })
            .collect()
    }

    /// Every "line" of the lattice: an aggregate and the aggregates of a finer
    /// grouping that add up to it.
    fn lines(&self, groupings: &[Vec<usize>]) -> Vec<(usize, Vec<usize>)> {
        let n = self.cells.len();
        let owner: Vec<Vec<usize>> = groupings
            .iter()
            .map(|g| {
                let mut of = vec![0usize; n];
                for &node in g {
                    for &m in &self.nodes[node].members {
                        of[m as usize] = node;
                    }
                }
                of
            })
            .collect();
        let mut lines = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (ci, child) in groupings.iter().enumerate() {
            for (pi, parent) in groupings.iter().enumerate() {
                if ci == pi || child.len() <= parent.len() {
                    continue;
                }
                // The child grouping refines the parent: each child group lies in one parent group.
                let refines = child.iter().all(|&c| {
                    let ms = &self.nodes[c].members;
                    ms.iter()
                        .all(|&m| owner[pi][m as usize] == owner[pi][ms[0] as usize])
                });
                if !refines {
                    continue;
                }
                let mut by_parent: HashMap<usize, Vec<usize>> = HashMap::new();
                for &c in child {
                    let p = owner[pi][self.nodes[c].members[0] as usize];
                    by_parent.entry(p).or_default().push(c);
                }
                for (p, mut children) in by_parent {
                    if children.len() < 2 {
                        continue;
                    }
                    children.sort_unstable();
                    if seen.insert((p, children.clone())) {
                        lines.push((p, children));
                    }
                }
            }
        }
        lines
    }

    /// The margin rule, until stable: a line with exactly one withheld
    /// aggregate gets a second one. Of its published members, the one chosen
    /// leaves the fewest other lines with exactly one withheld aggregate
    /// (figures as reported last, then smaller values first).
    fn apply_margin_rule(&mut self, lines: &[(usize, Vec<usize>)]) {
        let mut through: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        for (l, (parent, children)) in lines.iter().enumerate() {
            through[*parent].push(l);
            for &c in children {
                through[c].push(l);
            }
        }
        let members = |l: usize| {
            let (p, cs) = &lines[l];
            std::iter::once(*p).chain(cs.iter().copied())
        };
        let mut count: Vec<usize> = (0..lines.len())
            .map(|l| members(l).filter(|&m| self.hidden[m]).count())
            .collect();
        loop {
            let Some(l) = (0..lines.len()).find(|&l| count[l] == 1) else {
                return;
            };
            let best = members(l).filter(|&m| !self.hidden[m]).min_by_key(|&m| {
                let violations = through[m]
                    .iter()
                    .filter(|&&other| other != l && count[other] == 0)
                    .count();
                let n = &self.nodes[m];
                (self.kept[m], violations, n.value == 0, n.value, m)
            });
            let Some(m) = best else {
                // A line of one aggregate: nothing to add (cannot happen).
                count[l] = 0;
                continue;
            };
            self.hidden[m] = true;
            for &other in &through[m] {
                count[other] += 1;
            }
        }
    }

    /// Withholds published nodes until no withheld node is recoverable, one
    /// complement at a time.
    fn complete_exactly(&mut self) {
        let mut recoverable = self.recoverable_nodes();
        while let Some(&h) = recoverable.first() {
            match self.complement_for(h) {
                Some((c, after)) => {
                    self.hidden[c] = true;
                    recoverable = after;
                }
                None => {
                    // Nothing left to withhold beside it: withhold everything.
                    self.hidden.iter_mut().for_each(|h| *h = true);
                    return;
                }
            }
        }
    }

    /// The published node to withhold for `h`, with the recoverable nodes
    /// left after withholding it. Candidates are the published nodes of one
    /// combination that recovers `h` (withholding any of them breaks it).
    /// Aggregates come before figures as reported; then the candidate that
    /// leaves `h` unrecoverable, then the fewest nodes recoverable, then the
    /// smallest value.
    fn complement_for(&mut self, h: usize) -> Option<(usize, Vec<usize>)> {
        let (ids, vectors) = self.published_equations();
        let space = RowSpace::new(vectors);
        let columns = self.unknowns();
        let target = self.vector(&self.nodes[h], &columns);
        let mut candidates: Vec<usize> = match space.express(&target) {
            Some(coefficients) => coefficients
                .iter()
                .enumerate()
                .filter(|(_, c)| c.abs() > 1e-6)
                .map(|(k, _)| ids[k])
                .collect(),
            None => Vec::new(),
        };
        if candidates.is_empty() {
            // All its cells are published: withhold one of them.
            let inside = &self.nodes[h].members;
            candidates = (0..self.nodes.len())
                .filter(|&id| !self.hidden[id] && id != h)
                .filter(|&id| {
                    self.nodes[id]
                        .members
                        .iter()
                        .all(|m| inside.binary_search(m).is_ok())
                })
                .collect();
        }
        candidates.sort_by_key(|&id| (self.kept[id], self.nodes[id].value, id));
        type Score = (bool, bool, usize, i64, usize);
        let mut best: Option<(Score, usize, Vec<usize>)> = None;
        for &c in candidates.iter().take(MAX_TRIALS) {
            self.hidden[c] = true;
            let after = self.recoverable_nodes();
            self.hidden[c] = false;
            let score = (
                self.kept[c],
                after.contains(&h),
                after.len(),
                self.nodes[c].value,
                c,
            );
            if best.as_ref().is_none_or(|(b, _, _)| score < *b) {
                best = Some((score, c, after));
            }
        }
        best.map(|(_, c, after)| (c, after))
    }

    /// Withheld nodes whose value follows linearly from the published ones.
    fn recoverable_nodes(&self) -> Vec<usize> {
        let (_, equations) = self.published_equations();
        let basis = RowSpace::new(equations);
        self.hidden_vectors()
            .into_iter()
            .filter(|(_, v)| basis.contains(v))
            .map(|(id, _)| id)
            .collect()
    }

    /// Unknowns are the withheld finest cells; returns their column numbers.
    fn unknowns(&self) -> HashMap<u32, usize> {
        let mut columns = HashMap::new();
        for (i, _) in self.cells.iter().enumerate() {
            let id = self.index[&vec![i as u32]];
            if self.hidden[id] {
                let next = columns.len();
                columns.insert(i as u32, next);
            }
        }
        columns
    }

    fn vector(&self, node: &Node, columns: &HashMap<u32, usize>) -> Vec<f64> {
        let mut v = vec![0.0; columns.len()];
        for m in &node.members {
            if let Some(&c) = columns.get(m) {
                v[c] = 1.0;
            }
        }
        v
    }

    /// The published nodes that involve withheld cells, with their vectors.
    fn published_equations(&self) -> (Vec<usize>, Vec<Vec<f64>>) {
        let columns = self.unknowns();
        self.nodes
            .iter()
            .enumerate()
            .filter(|(id, _)| !self.hidden[*id])
            .map(|(id, n)| (id, self.vector(n, &columns)))
            .filter(|(_, v)| v.iter().any(|x| *x != 0.0))
            .unzip()
    }

    fn hidden_vectors(&self) -> Vec<(usize, Vec<f64>)> {
        let columns = self.unknowns();
        self.nodes
            .iter()
            .enumerate()
            .filter(|(id, _)| self.hidden[*id])
            .map(|(id, n)| (id, self.vector(n, &columns)))
            .collect()
    }
}

/// Every distinct partition of the cells by a subset of the dimensions that
/// contains `mandatory`, as lists of member lists. `None` when over budget.
fn enumerate_partitions(
    cells: &[CubeCell],
    dims: usize,
    mandatory: &[usize],
    budget: usize,
) -> Option<Vec<Vec<Vec<u32>>>> {
    let n = cells.len();
    let base: Vec<u32> = refine_all(cells, &vec![0; n], mandatory);
    let optional: Vec<usize> = (0..dims).filter(|d| !mandatory.contains(d)).collect();
    let mut seen: HashMap<Vec<u32>, ()> = HashMap::new();
    let mut out = Vec::new();
    let mut work = 0usize;
    // Depth-first over subsets; a dimension that does not split the current
    // partition is determined by the dimensions already chosen, so every
    // superset with it repeats a partition reached without it: skip the branch.
    let mut stack: Vec<(Vec<u32>, usize)> = vec![(base, 0)];
    while let Some((labels, next)) = stack.pop() {
        work += n.max(1);
        if work > budget {
            return None;
        }
        if seen.insert(labels.clone(), ()).is_none() {
            out.push(groups_of(&labels));
        }
        for (offset, &d) in optional.iter().enumerate().skip(next) {
            let refined = refine(cells, &labels, d);
            if refined != labels {
                stack.push((refined, offset + 1));
            }
        }
    }
    Some(out)
}

/// Canonical labels (numbered by first appearance) after splitting by `dims`.
fn refine_all(cells: &[CubeCell], labels: &[u32], dims: &[usize]) -> Vec<u32> {
    let mut labels = canonical(labels);
    for &d in dims {
        labels = refine(cells, &labels, d);
    }
    labels
}

fn refine(cells: &[CubeCell], labels: &[u32], dim: usize) -> Vec<u32> {
    let mut names: HashMap<(u32, &Option<String>), u32> = HashMap::new();
    labels
        .iter()
        .zip(cells)
        .map(|(&l, c)| {
            let next = names.len() as u32;
            *names.entry((l, &c.keys[dim])).or_insert(next)
        })
        .collect()
}

fn canonical(labels: &[u32]) -> Vec<u32> {
    let mut names: HashMap<u32, u32> = HashMap::new();
    labels
        .iter()
        .map(|&l| {
            let next = names.len() as u32;
            *names.entry(l).or_insert(next)
        })
        .collect()
}

fn groups_of(labels: &[u32]) -> Vec<Vec<u32>> {
    let count = labels.iter().map(|&l| l as usize + 1).max().unwrap_or(0);
    let mut groups = vec![Vec::new(); count];
    for (i, &l) in labels.iter().enumerate() {
        groups[l as usize].push(i as u32);
    }
    groups
}

/// The row space of a set of vectors, in reduced row echelon form, to test
/// whether a vector is a linear combination of them and find one.
#[derive(Debug, Clone)]
pub struct RowSpace {
    /// (pivot column, reduced row, its combination of the input vectors).
    rows: Vec<(usize, Vec<f64>, Vec<f64>)>,
    inputs: usize,
}

const EPS: f64 = 1e-9;

impl RowSpace {
    /// Reduces the given vectors (all of the same length).
    pub fn new(vectors: Vec<Vec<f64>>) -> Self {
        let inputs = vectors.len();
        let mut rows: Vec<(usize, Vec<f64>, Vec<f64>)> = Vec::new();
        for (k, mut v) in vectors.into_iter().enumerate() {
            let mut c = vec![0.0; inputs];
            c[k] = 1.0;
            Self::reduce(&rows, &mut v, &mut c);
            if let Some(pivot) = Self::pivot_of(&v) {
                let scale = v[pivot];
                v.iter_mut().for_each(|x| *x /= scale);
                c.iter_mut().for_each(|x| *x /= scale);
                for (_, row, coeffs) in rows.iter_mut() {
                    let factor = row[pivot];
                    if factor.abs() > EPS {
                        for (r, x) in row.iter_mut().zip(&v) {
                            *r -= factor * x;
                        }
                        for (r, x) in coeffs.iter_mut().zip(&c) {
                            *r -= factor * x;
                        }
                    }
                }
                rows.push((pivot, v, c));
            }
        }
        Self { rows, inputs }
    }

    fn pivot_of(v: &[f64]) -> Option<usize> {
        // Largest entry as pivot for numerical stability.
        v.iter()
            .enumerate()
            .filter(|(_, x)| x.abs() > EPS)
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
            .map(|(i, _)| i)
    }

    fn reduce(rows: &[(usize, Vec<f64>, Vec<f64>)], v: &mut [f64], c: &mut [f64]) {
        for (pivot, row, coeffs) in rows {
            let factor = v[*pivot];
            if factor.abs() > EPS {
                for (x, r) in v.iter_mut().zip(row) {
                    *x -= factor * r;
                }
                for (x, r) in c.iter_mut().zip(coeffs) {
                    *x -= factor * r;
                }
            }
        }
    }

    /// Coefficients over the input vectors that give `v`, when `v` is a
    /// linear combination of them.
    pub fn express(&self, v: &[f64]) -> Option<Vec<f64>> {
        let mut v = v.to_vec();
        let mut c = vec![0.0; self.inputs];
        Self::reduce(&self.rows, &mut v, &mut c);
        // v − Σ factorᵢ·rowᵢ = 0, and c accumulated −Σ factorᵢ·combinationᵢ.
        v.iter()
            .all(|x| x.abs() <= 1e-6)
            .then(|| c.into_iter().map(|x| -x).collect())
    }

    /// True when `v` is a linear combination of the vectors.
    pub fn contains(&self, v: &[f64]) -> bool {
        self.express(v).is_some()
    }

    /// Dimension of the space.
    pub fn rank(&self) -> usize {
        self.rows.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(keys: &[&str], value: i64, threshold: i64) -> CubeCell {
        CubeCell {
            keys: keys.iter().map(|k| Some(k.to_string())).collect(),
            value,
            threshold,
        }
    }

    /// Every grouping of a two-dimensional cube; checks that no withheld
    /// group is a linear combination of the published groups, over all of them.
    fn assert_nothing_recoverable(p: &Protected, dims: usize) {
        let mut published: Vec<Vec<u32>> = Vec::new();
        let mut withheld: Vec<(Vec<u32>, i64)> = Vec::new();
        for mask in 0..(1usize << dims) {
            let by: Vec<usize> = (0..dims).filter(|d| mask & (1 << d) != 0).collect();
            for g in p.group(&by, &[]) {
                match g.figure.value {
                    Some(v) => {
                        assert_eq!(v, g.raw);
                        published.push(g.members);
                    }
                    None => withheld.push((g.members, g.raw)),
                }
            }
        }
        let n = p.cells().len();
        let vec_of = |m: &[u32]| {
            let mut v = vec![0.0; n];
            m.iter().for_each(|&i| v[i as usize] = 1.0);
            v
        };
        let space = RowSpace::new(published.iter().map(|m| vec_of(m)).collect());
        for (members, raw) in withheld {
            assert!(
                !space.contains(&vec_of(&members)),
                "withheld group {members:?} (value {raw}) is recoverable"
            );
        }
    }

    #[test]
    fn sex_by_age_hides_the_small_row_and_its_complements() {
        // 121 women and 9 men (threshold 10): every grouping of this cube. The
        // total is the reported figure (kept unless nothing else will do).
        let cells = vec![
            cell(&["f", "0-17"], 12, 10),
            cell(&["f", "18-24"], 51, 10),
            cell(&["f", "25-59"], 58, 10),
            cell(&["m", "0-17"], 2, 10),
            cell(&["m", "18-24"], 4, 10),
            cell(&["m", "25-59"], 3, 10),
        ];
        let p = Protected::new(cells, 2, &[], &[vec![]], false, DEFAULT_BUDGET);
        assert_eq!(p.mode(), Mode::Exact);
        let total = p.group(&[], &[]);
        assert_eq!(total[0].figure, Figure::shown(130));
        let by_sex = p.group(&[0], &[]);
        assert!(by_sex.iter().all(|g| g.figure.suppressed), "{by_sex:?}");
        assert_nothing_recoverable(&p, 2);
    }

    #[test]
    fn exhaustive_small_two_by_two_cubes_leak_nothing() {
        for a in [0, 1, 3, 6, 20] {
            for b in [0, 2, 7, 30] {
                for c in [0, 4, 12] {
                    for d in [1, 5, 40] {
                        let cells = vec![
                            cell(&["x", "p"], a, 5),
                            cell(&["x", "q"], b, 5),
                            cell(&["y", "p"], c, 5),
                            cell(&["y", "q"], d, 5),
                        ];
                        let p = Protected::new(cells, 2, &[], &[], false, DEFAULT_BUDGET);
                        assert_nothing_recoverable(&p, 2);
                        for g in p.group(&[0, 1], &[]) {
                            if let Some(v) = g.figure.value {
                                assert!(!crate::disclosure::is_small(v, 5));
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn three_dimensions_and_a_mandatory_unit() {
        let mut cells = Vec::new();
        let values = [3, 14, 22, 8, 1, 40, 17, 6, 9, 11, 2, 25];
        let mut i = 0;
        for unit in ["persons", "appeals"] {
            for sex in ["f", "m"] {
                for age in ["a", "b", "c"] {
                    cells.push(cell(&[unit, sex, age], values[i], 5));
                    i += 1;
                }
            }
        }
        let p = Protected::new(cells, 3, &[0], &[], false, DEFAULT_BUDGET);
        // Only groupings with the unit are ever published; check those.
        let mut published = Vec::new();
        let mut withheld = Vec::new();
        for mask in 0..4usize {
            let mut by = vec![0];
            by.extend((1..3).filter(|d| mask & (1 << (d - 1)) != 0));
            for g in p.group(&by, &[]) {
                if g.figure.suppressed {
                    withheld.push(g.members);
                } else {
                    published.push(g.members);
                }
            }
        }
        let n = p.cells().len();
        let vec_of = |m: &[u32]| {
            let mut v = vec![0.0; n];
            m.iter().for_each(|&i| v[i as usize] = 1.0);
            v
        };
        let space = RowSpace::new(published.iter().map(|m| vec_of(m)).collect());
        assert!(!withheld.is_empty());
        for m in withheld {
            assert!(!space.contains(&vec_of(&m)), "{m:?} recoverable");
        }
    }

    #[test]
    fn over_budget_falls_back_to_withholding_every_aggregate_with_a_small_cell() {
        let cells = vec![cell(&["f"], 3, 5), cell(&["m"], 40, 5)];
        let p = Protected::new(cells, 1, &[], &[], false, 1);
        assert_eq!(p.mode(), Mode::Conservative);
        assert!(p.group(&[], &[])[0].figure.suppressed);
        let by_sex = p.group(&[0], &[]);
        assert!(by_sex[0].figure.suppressed);
        assert_eq!(by_sex[1].figure, Figure::shown(40));
    }

    #[test]
    fn raw_viewers_see_everything() {
        let cells = vec![cell(&["f"], 3, 5), cell(&["m"], 40, 5)];
        let p = Protected::new(cells, 1, &[], &[], true, DEFAULT_BUDGET);
        assert_eq!(p.group(&[], &[])[0].figure, Figure::shown(43));
        assert_eq!(p.group(&[0], &[])[0].figure, Figure::shown(3));
    }

    #[test]
    fn selection_reads_cells_of_the_same_lattice() {
        let cells = vec![
            cell(&["p1", "f"], 40, 5),
            cell(&["p1", "m"], 2, 5),
            cell(&["p2", "f"], 30, 5),
        ];
        let p = Protected::new(cells, 2, &[], &[vec![0]], false, DEFAULT_BUDGET);
        let selected = p.group(&[1], &[(0, Some("p1".into()))]);
        assert!(selected.iter().all(|g| g.figure.suppressed), "{selected:?}");
        assert_nothing_recoverable(&p, 2);
    }
}
