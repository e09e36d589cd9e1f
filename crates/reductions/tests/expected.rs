//! The expected metrics of a randomized classifier's probabilities, which the reference tests
//! compare with Fairlearn's and the exponentiated-gradient bench reports (it includes this file).

use fairkit_core::FairDataset;
use fairkit_metrics::{ConfusionTable, Metric};

/// Expected metrics of probabilities `p`: confusion counts with `p` as a fractional prediction.
pub struct Expected {
    pub accuracy: f64,
    pub dp_difference: f64,
    pub tpr_difference: f64,
    pub eo_difference: f64,
}

/// The [`Expected`] metrics of `p` on `data`: each row counts `p` as predicted positive and
/// `1 − p` as negative.
pub fn expected_metrics(data: &FairDataset, p: &[f64]) -> Expected {
    let groups = data.groups();
    let mut table = ConfusionTable::new(groups.n_groups(), true);
    for ((&y, &pi), &g) in data.labels().iter().zip(p).zip(groups.codes()) {
        table.push(y, true, g, pi);
        table.push(y, false, g, 1.0 - pi);
    }
    let overall = table.overall();
    let spread = |metric| {
        let rates: Vec<f64> = groups
            .present()
            .iter()
            .map(|&g| table.group(g as usize).rate(metric))
            .collect();
        let max = rates.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let min = rates.iter().copied().fold(f64::INFINITY, f64::min);
        max - min
    };
    let tpr = spread(Metric::TruePositiveRate);
    Expected {
        accuracy: (overall.tp + overall.tn) / overall.total(),
        dp_difference: spread(Metric::SelectionRate),
        tpr_difference: tpr,
        eo_difference: tpr.max(spread(Metric::FalsePositiveRate)),
    }
}
