//! Outliers over a unit's own history: the modified z-score of Iglewicz and
//! Hoaglin, `M = 0.6745 (x − median) / MAD`, robust to the outliers it looks
//! for. A figure is flagged when `|M| > 3.5` and at least [`MIN_HISTORY`]
//! past values are known. When half or more of the past values are equal
//! (MAD = 0) the mean absolute deviation stands in (`M = (x − median) /
//! (1.253314 · MeanAD)`); when that is 0 too, every past value was the same
//! and any other value is flagged. Shown to managers and reviewers, never on
//! public pages.

use super::median;

/// Fewer past values than this: no score.
pub const MIN_HISTORY: usize = 4;
/// Scores beyond this are flagged.
pub const THRESHOLD: f64 = 3.5;

/// The modified z-score of `x` against `history`; `None` with too little history.
pub fn modified_z(history: &[i64], x: i64) -> Option<f64> {
    if history.len() < MIN_HISTORY {
        return None;
    }
    let h: Vec<f64> = history.iter().map(|v| *v as f64).collect();
    let med = median(&h)?;
    let dev: Vec<f64> = h.iter().map(|v| (v - med).abs()).collect();
    let mad = median(&dev)?;
    let diff = x as f64 - med;
    if mad > 0.0 {
        return Some(0.6745 * diff / mad);
    }
    let mean_ad = dev.iter().sum::<f64>() / dev.len() as f64;
    if mean_ad > 0.0 {
        return Some(diff / (1.253314 * mean_ad));
    }
    Some(if diff == 0.0 {
        0.0
    } else {
        f64::INFINITY.copysign(diff)
    })
}

/// Whether a score is flagged.
pub fn flagged(score: f64) -> bool {
    score.abs() > THRESHOLD
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nine_hundred_where_the_median_is_forty_is_flagged_and_forty_five_is_not() {
        let history = [38, 41, 40, 44, 39, 42];
        let z = modified_z(&history, 900).unwrap();
        assert!(flagged(z), "{z}");
        let z = modified_z(&history, 45).unwrap();
        assert!(!flagged(z), "{z}");
    }

    #[test]
    fn too_little_history_gives_no_score_and_a_flat_history_flags_any_change() {
        assert_eq!(modified_z(&[1, 2, 3], 100), None);
        assert!(flagged(modified_z(&[5, 5, 5, 5], 6).unwrap()));
        assert_eq!(modified_z(&[5, 5, 5, 5], 5), Some(0.0));
        // MAD 0 but not all equal: mean absolute deviation stands in.
        let z = modified_z(&[5, 5, 5, 5, 9], 5).unwrap();
        assert!(!flagged(z));
    }
}
