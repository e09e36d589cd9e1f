//! The measured statistics of each check, on the data and on bootstrap resamples.
//!
//! Everything is computed from [`ConfusionTable`]s; the resampling (SPEC 1.3.4: `n` rows drawn
//! with replacement from the whole data, not stratified, resample `b` from
//! `rng::stream(seed, b)`) is written over the same tables so that the metrics crate's
//! bootstrap can take its place.

use fairkit_core::rng;
use fairkit_metrics::{Confusion, ConfusionTable, Metric};

use crate::CheckKind;

/// Smallest and largest of the defined values, or `None` when there is none.
fn extremes(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| !v.is_nan())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// A rate of every group that has rows, in code order.
fn rates(groups: &[Confusion], metric: Metric) -> impl Iterator<Item = f64> + '_ {
    groups
        .iter()
        .filter(|c| c.rows > 0)
        .map(move |c| c.rate(metric))
}

/// Between-groups difference (max − min) of a rate; NaN when no group defines it.
fn difference(groups: &[Confusion], metric: Metric) -> f64 {
    extremes(rates(groups, metric)).map_or(f64::NAN, |(lo, hi)| hi - lo)
}

/// The value of a check's statistic on per-group counts (NaN when undefined).
pub(crate) fn statistic(kind: CheckKind, groups: &[Confusion]) -> f64 {
    match kind {
        CheckKind::Accuracy => {
            let mut all = Confusion::default();
            groups.iter().for_each(|c| all.add(c));
            all.rate(Metric::Accuracy)
        }
        CheckKind::GroupAccuracy => {
            extremes(rates(groups, Metric::Accuracy)).map_or(f64::NAN, |(lo, _)| lo)
        }
        CheckKind::DemographicParityDifference => difference(groups, Metric::SelectionRate),
        CheckKind::EqualizedOddsDifference => {
            let (t, f) = (
                difference(groups, Metric::TruePositiveRate),
                difference(groups, Metric::FalsePositiveRate),
            );
            if t.is_nan() || f.is_nan() {
                f64::NAN
            } else {
                t.max(f)
            }
        }
        CheckKind::FourFifths => match extremes(rates(groups, Metric::SelectionRate)) {
            Some((lo, hi)) if hi > 0.0 => lo / hi,
            _ => f64::NAN,
        },
    }
}

/// Quantile `q` of ascending values with linear interpolation (numpy's default).
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let v = (n - 1) as f64 * q;
    let i = (v.floor() as usize).min(n - 1);
    let j = (i + 1).min(n - 1);
    sorted[i] + (sorted[j] - sorted[i]) * (v - v.floor())
}

/// Rows to resample (validated: equal lengths, codes below `n_groups`).
pub(crate) struct Rows<'a> {
    pub y: &'a [bool],
    pub p: &'a [bool],
    pub g: &'a [u32],
    pub w: Option<&'a [f64]>,
    pub n_groups: usize,
}

impl Rows<'_> {
    /// Resample `b` of `seed`: `n` rows drawn with replacement.
    fn resample(&self, seed: u64, b: u64) -> ConfusionTable {
        let n = self.y.len();
        let mut r = rng::stream(seed, b);
        let mut table = ConfusionTable::new(self.n_groups, self.w.is_some());
        for _ in 0..n {
            let i = rng::index(&mut r, n);
            let w = self.w.map_or(1.0, |w| w[i]);
            table.push(self.y[i], self.p[i], self.g[i], w);
        }
        table
    }

    /// For each check, the central `confidence` interval of its statistic over `n_boot`
    /// resamples (NaN resample values ignored; `None` when all are NaN).
    pub(crate) fn intervals(
        &self,
        kinds: &[CheckKind],
        confidence: f64,
        n_boot: usize,
        seed: u64,
    ) -> Vec<Option<(f64, f64)>> {
        let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(n_boot); kinds.len()];
        for b in 0..n_boot as u64 {
            let groups = self.resample(seed, b).groups();
            for (k, v) in kinds.iter().zip(&mut values) {
                v.push(statistic(*k, &groups));
            }
        }
        let tail = (1.0 - confidence) / 2.0;
        values
            .into_iter()
            .map(|mut v| {
                v.retain(|x| !x.is_nan());
                v.sort_by(f64::total_cmp);
                (!v.is_empty()).then(|| (quantile(&v, tail), quantile(&v, 1.0 - tail)))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 4.0, 8.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 8.0);
        assert!((quantile(&v, 0.9) - 6.8).abs() < 1e-12);
        assert!(quantile(&[], 0.5).is_nan());
    }

    #[test]
    fn resamples_repeat_with_the_seed_and_keep_the_row_count() {
        let y = [true, false, true, false, true];
        let p = [true, true, false, false, true];
        let g = [0, 0, 1, 1, 1];
        let rows = Rows {
            y: &y,
            p: &p,
            g: &g,
            w: None,
            n_groups: 2,
        };
        assert_eq!(rows.resample(3, 7), rows.resample(3, 7));
        assert_ne!(rows.resample(3, 7), rows.resample(3, 8));
        assert_eq!(rows.resample(3, 7).overall().rows, 5);
    }
}
