//! Intervals of the window's metrics with `confidence` (docs/gate-and-monitor.md#monitor-confidence):
//! the monitor alerts only when the whole interval is beyond the threshold.
//!
//! The window holds counts, so the intervals are analytic and need no seed: each group's rate
//! is a binomial proportion `x / n`. A between-groups difference is the largest of the
//! pairwise differences; each pairwise difference gets the Agresti–Caffo interval (add one
//! success and one failure to each group, then a Wald interval; Agresti & Caffo, *The American
//! Statistician* 54, 2000), at a Bonferroni level over all the metric's pairs (for equalized
//! odds, the TPR and the FPR pairs together), so the intervals hold together and the largest
//! one's bounds are the metric's: `max |d|` lies in `[max dist(0, I_d), max max |I_d|]`. The
//! ratio works the same on log rates; accuracy (one pooled proportion) gets the Wilson score
//! interval.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

/// The bounds of a metric's interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

/// A proportion's successes and trials.
pub(crate) type Proportion = (f64, f64);

/// The standard normal quantile at `p` in (0, 1).
fn normal_quantile(p: f64) -> f64 {
    Normal::standard().inverse_cdf(p)
}

/// The two-sided critical value at `confidence` shared by `k` intervals (Bonferroni).
fn critical(confidence: f64, k: usize) -> f64 {
    normal_quantile(1.0 - (1.0 - confidence) / (2.0 * k.max(1) as f64))
}

/// Agresti–Caffo: the adjusted rate and its variance.
fn adjusted((x, n): Proportion) -> (f64, f64) {
    let p = (x + 1.0) / (n + 2.0);
    (p, p * (1.0 - p) / (n + 2.0))
}

/// The pairwise statistics of each family: (estimate, standard error) of `stat(a, b)`.
fn pairs(
    families: &[&[Proportion]],
    stat: impl Fn(Proportion, Proportion) -> (f64, f64),
) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for family in families {
        for (i, &a) in family.iter().enumerate() {
            for &b in &family[i + 1..] {
                out.push(stat(a, b));
            }
        }
    }
    out
}

/// The interval of the largest `|d|` over the pairs, at `confidence` over them all; `None`
/// without a pair.
fn largest(pairs: &[(f64, f64)], confidence: f64) -> Option<Interval> {
    if pairs.is_empty() {
        return None;
    }
    let z = critical(confidence, pairs.len());
    let lower = pairs
        .iter()
        .map(|&(d, se)| (d.abs() - z * se).max(0.0))
        .fold(0.0, f64::max);
    let upper = pairs
        .iter()
        .map(|&(d, se)| d.abs() + z * se)
        .fold(0.0, f64::max);
    Some(Interval { lower, upper })
}

/// The interval of the largest difference of rates over the groups of each family (one family
/// for demographic parity, TPR and FPR for equalized odds), capped at `[0, 1]`.
pub(crate) fn difference(families: &[&[Proportion]], confidence: f64) -> Option<Interval> {
    let diffs = pairs(families, |a, b| {
        let ((pa, va), (pb, vb)) = (adjusted(a), adjusted(b));
        (pa - pb, (va + vb).sqrt())
    });
    largest(&diffs, confidence).map(|i| Interval {
        lower: i.lower.min(1.0),
        upper: i.upper.min(1.0),
    })
}

/// The interval of the smallest ratio of rates (`min / max`), from the log rates' differences
/// (delta method on the adjusted rates).
pub(crate) fn ratio(rates: &[Proportion], confidence: f64) -> Option<Interval> {
    let logs = pairs(&[rates], |a, b| {
        let ((pa, va), (pb, vb)) = (adjusted(a), adjusted(b));
        (pa.ln() - pb.ln(), (va / (pa * pa) + vb / (pb * pb)).sqrt())
    });
    largest(&logs, confidence).map(|i| Interval {
        lower: (-i.upper).exp(),
        upper: (-i.lower).exp(),
    })
}

/// The Wilson score interval of one proportion.
pub(crate) fn wilson((x, n): Proportion, confidence: f64) -> Option<Interval> {
    if n <= 0.0 {
        return None;
    }
    let z = critical(confidence, 1);
    let p = x / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Interval {
        lower: (centre - half).max(0.0),
        upper: (centre + half).min(1.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_groups_give_the_agresti_caffo_interval() {
        // 60/100 against 40/100: adjusted 61/102 and 41/102, z = 1.959964 at 95 % (one pair).
        let i = difference(&[&[(60.0, 100.0), (40.0, 100.0)]], 0.95).unwrap();
        let (pa, pb): (f64, f64) = (61.0 / 102.0, 41.0 / 102.0);
        let se = ((pa * (1.0 - pa) + pb * (1.0 - pb)) / 102.0).sqrt();
        let z = 1.959_963_984_540_054;
        assert!((i.lower - (pa - pb - z * se)).abs() < 1e-12, "{i:?}");
        assert!((i.upper - (pa - pb + z * se)).abs() < 1e-12, "{i:?}");
    }

    #[test]
    fn three_groups_share_a_bonferroni_level() {
        let groups = [(50.0, 100.0), (40.0, 100.0), (45.0, 100.0)];
        let one = difference(&[&groups[..2]], 0.95).unwrap();
        let three = difference(&[&groups], 0.95).unwrap();
        // Three pairs: z(1 - 0.05/6) = 2.394; the widest pair is the same, its bounds wider.
        let (pa, pb): (f64, f64) = (51.0 / 102.0, 41.0 / 102.0);
        let se = ((pa * (1.0 - pa) + pb * (1.0 - pb)) / 102.0).sqrt();
        let z3 = normal_quantile(1.0 - 0.05 / 6.0);
        assert!((z3 - 2.393_980).abs() < 1e-5);
        assert!((three.upper - (pa - pb + z3 * se)).abs() < 1e-12);
        assert!(three.upper > one.upper && three.lower <= one.lower);
        assert_eq!(three.lower, 0.0);
    }

    #[test]
    fn wilson_matches_its_textbook_value() {
        // 81 of 263 at 95 %: Wilson [0.2553, 0.3662] (Newcombe, Statistics in Medicine 17, 1998).
        let i = wilson((81.0, 263.0), 0.95).unwrap();
        let (p, n, z) = (81.0 / 263.0, 263.0, 1.959_963_984_540_054);
        let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
        assert!((i.lower + i.upper - 2.0 * centre).abs() < 1e-12);
        assert!(
            (i.lower - 0.2553).abs() < 5e-4 && (i.upper - 0.3662).abs() < 5e-4,
            "{i:?}"
        );
        assert!(wilson((0.0, 0.0), 0.95).is_none());
    }

    #[test]
    fn the_ratio_interval_holds_the_observed_ratio() {
        let rates = [(30.0, 100.0), (50.0, 100.0)];
        let i = ratio(&rates, 0.95).unwrap();
        let observed = (31.0 / 102.0) / (51.0 / 102.0);
        assert!(
            i.lower < observed && observed < i.upper && i.upper <= 1.0,
            "{i:?}"
        );
    }
}
