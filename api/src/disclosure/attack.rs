//! The attacker the tests run against every surface (unit tests over
//! generated cubes, integration tests over the demo data through the real
//! API): it collects published figures about rows it does not know,
//! intersects what each figure says about them, and reports what is left of
//! each target row's possible values.
//!
//! Each figure is an [`Observation`]: the set of unknown rows it sums (the
//! attacker knows which rows a grouping and a filter select), their known
//! part and the figure. A [`Design`] says what a figure of that design
//! allows for the sum of its unknown rows, from the bounds the design
//! publishes (for rounding: each row within its base; for per-set noise:
//! the noise range). The attacker propagates interval bounds over every
//! constraint to a fixed point, then tests each candidate value of a target
//! by fixing it and propagating again ("shaving"): a value that contradicts
//! the published figures is dropped. This is weaker than an integer program
//! but sound (it never drops a value the figures allow), and strong enough
//! to break per-set noise (the tests show it does).

use super::{Figure, Protection, Thresholds};

/// One published figure, as the attacker sees it.
#[derive(Debug, Clone)]
pub struct Observation {
    /// The unknown rows it sums (indices of the attacker's variables).
    pub rows: Vec<usize>,
    /// The part of it the attacker knows (known rows summed; for rows the
    /// rule protects but the attacker knows, such as a manager's own rows
    /// read anonymously, their rounded values).
    pub known: i64,
    /// True when rows the rule protects but the attacker knows count
    /// someone: a withheld figure is then explained without the others.
    pub explained: bool,
    /// The figure as published.
    pub figure: Figure,
}

/// A protection design, as far as it publishes its bounds.
#[derive(Debug, Clone, Copy)]
pub enum Design {
    /// This crate's rule: unknown rows rounded to their base
    /// ([`super::rounded`]), each within `base - 1` of its count.
    Rounding,
    /// The cell key method with a fresh bounded noise per set of rows (the
    /// rule before issue 25): a perturbed figure is within `threshold / 2`
    /// of its unknown part, never below the threshold.
    NoisePerSet(Thresholds),
}

impl Design {
    /// What `obs` allows for the sum of its unknown rows; `bases[i]` is the
    /// base (threshold) of row `i`'s class, which readers know.
    pub fn bounds(&self, obs: &Observation, bases: &[i64]) -> (i64, i64) {
        let slack: i64 = obs.rows.iter().map(|&i| (bases[i] - 1).max(0)).sum();
        let threshold = obs.rows.iter().map(|&i| bases[i]).max().unwrap_or(0);
        match (self, obs.figure.protection, obs.figure.value) {
            (_, Protection::Exact, _) => (0, 0),
            (Design::Rounding, Protection::Withheld, _) => {
                (i64::from(!obs.explained), slack.max(1))
            }
            (Design::Rounding, Protection::Perturbed, Some(v)) => {
                let r = v - obs.known;
                ((r - slack).max(0), r + slack)
            }
            (Design::NoisePerSet(_), Protection::Withheld, _) => {
                (i64::from(!obs.explained), (threshold - 1).max(1))
            }
            (Design::NoisePerSet(_), Protection::Perturbed, Some(v)) => {
                let d = threshold / 2;
                let u = v - obs.known;
                ((u - d).max(threshold), u + d)
            }
            (_, _, None) => (0, i64::MAX / 4),
        }
    }

    /// What a target row's own figure (one observation of that row alone)
    /// concedes: the values the rule promises stay possible.
    pub fn concedes(&self, own: &Observation, bases: &[i64]) -> (i64, i64) {
        let (lo, hi) = self.bounds(own, bases);
        (lo.max(1), hi)
    }
}

/// Interval bounds on unknown rows, narrowed by observations.
#[derive(Debug, Clone)]
pub struct Attacker {
    lo: Vec<i64>,
    hi: Vec<i64>,
    constraints: Vec<(Vec<usize>, i64, i64)>,
}

impl Attacker {
    /// `n` unknown rows, each between 0 and `max` before anything is read.
    pub fn new(n: usize, max: i64) -> Self {
        Self {
            lo: vec![0; n],
            hi: vec![max; n],
            constraints: Vec::new(),
        }
    }

    /// Adds what a figure says: the sum of `rows` lies in `[lo, hi]`.
    pub fn observe(&mut self, rows: Vec<usize>, lo: i64, hi: i64) {
        if !rows.is_empty() {
            self.constraints.push((rows, lo, hi));
        }
    }

    /// Adds every observation under `design`.
    pub fn observe_all(&mut self, design: Design, observations: &[Observation], bases: &[i64]) {
        for o in observations {
            let (lo, hi) = design.bounds(o, bases);
            self.observe(o.rows.clone(), lo, hi);
        }
    }

    /// Narrows the bounds to a fixed point; false when the constraints
    /// contradict each other.
    fn propagate(&self, lo: &mut [i64], hi: &mut [i64]) -> bool {
        for _ in 0..200 {
            let mut changed = false;
            for (rows, clo, chi) in &self.constraints {
                let sum_lo: i64 = rows.iter().map(|&i| lo[i]).sum();
                let sum_hi: i64 = rows.iter().map(|&i| hi[i]).sum();
                if sum_lo > *chi || sum_hi < *clo {
                    return false;
                }
                for &i in rows {
                    let others_lo = sum_lo - lo[i];
                    let others_hi = sum_hi - hi[i];
                    let new_lo = lo[i].max(clo - others_hi);
                    let new_hi = hi[i].min(chi - others_lo);
                    if new_lo > new_hi {
                        return false;
                    }
                    if new_lo != lo[i] || new_hi != hi[i] {
                        lo[i] = new_lo;
                        hi[i] = new_hi;
                        changed = true;
                    }
                }
            }
            if !changed {
                return true;
            }
        }
        true
    }

    /// The values of row `target` that the observations leave possible
    /// (at most `limit` values are tested; wider ranges are returned whole).
    pub fn candidates(&self, target: usize, limit: i64) -> Vec<i64> {
        let (mut lo, mut hi) = (self.lo.clone(), self.hi.clone());
        if !self.propagate(&mut lo, &mut hi) {
            return Vec::new();
        }
        let (a, b) = (lo[target], hi[target]);
        if b - a >= limit {
            return (a..=b.min(a + limit)).collect();
        }
        (a..=b)
            .filter(|&v| {
                let (mut l, mut h) = (lo.clone(), hi.clone());
                l[target] = v;
                h[target] = v;
                self.propagate(&mut l, &mut h)
            })
            .collect()
    }

    /// True when the observations leave every value of `[lo, hi]` possible
    /// for `target`.
    pub fn keeps(&self, target: usize, lo: i64, hi: i64) -> bool {
        let left = self.candidates(target, (hi - lo).max(0) + 64);
        (lo..=hi).all(|v| left.contains(&v))
    }
}
