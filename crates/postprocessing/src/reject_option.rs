//! Reject option classification (Kamiran, Karim and Zhang 2012), as AIF360's
//! `RejectOptionClassification`: docs/postprocessing-aif360.md#reject-option.

use fairkit_core::{Groups, limits};
use linfa::ParamGuard;
use serde::{Deserialize, Serialize};

use crate::two_group_error::{PostprocessingMethodError, Result};
use crate::two_groups::{
    Confusion, Disparity, FitTwoGroups, GroupPair, check_inputs, check_scores, require_both_labels,
};

/// Checked parameters of reject option classification; fit with
/// [`FitTwoGroups::fit_scores`].
///
/// | name | default (AIF360) | purpose |
/// |---|---|---|
/// | `low_class_thresh` | 0.01 | smallest classification threshold of the grid |
/// | `high_class_thresh` | 0.99 | largest classification threshold of the grid |
/// | `num_class_thresh` | 100 | thresholds in the grid (`numpy.linspace`) |
/// | `num_roc_margin` | 50 | margins per threshold, from 0 to `min(t, 1 − t)` |
/// | `metric` | [`Disparity::StatisticalParityDifference`] | the disparity bounded on the fitting rows |
/// | `metric_lb`, `metric_ub` | −0.05, 0.05 | the bounds on it |
/// | `privileged` | `None`: the group with the higher base rate | the privileged group's label |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectOptionValidParams {
    low_class_thresh: f64,
    high_class_thresh: f64,
    num_class_thresh: usize,
    num_roc_margin: usize,
    metric: Disparity,
    metric_lb: f64,
    metric_ub: f64,
    privileged: Option<String>,
}

impl Default for RejectOptionValidParams {
    fn default() -> Self {
        Self {
            low_class_thresh: 0.01,
            high_class_thresh: 0.99,
            num_class_thresh: 100,
            num_roc_margin: 50,
            metric: Disparity::StatisticalParityDifference,
            metric_lb: -0.05,
            metric_ub: 0.05,
            privileged: None,
        }
    }
}

/// Unchecked parameters of reject option classification (linfa's builder idiom); checked by
/// [`ParamGuard::check`] or by [`FitTwoGroups::fit_scores`].
///
/// ```
/// use fairkit_core::Groups;
/// use fairkit_postprocessing::{FitTwoGroups, Disparity, RejectOptionParams};
///
/// let scores = [0.9, 0.7, 0.45, 0.2, 0.8, 0.55, 0.4, 0.1];
/// let labels = [true, true, false, false, true, true, false, false];
/// let groups = Groups::from_labels("g", &["a", "a", "a", "a", "b", "b", "b", "b"])?;
/// let fitted = RejectOptionParams::new()
///     .metric(Disparity::EqualOpportunityDifference)
///     .privileged("a")
///     .fit_scores(&scores, &labels, &groups, None)?;
/// assert!(fitted.bound_met());
/// let p = fitted.probability(&scores, &groups)?;
/// assert!(p.iter().all(|&v| v == 0.0 || v == 1.0)); // deterministic
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RejectOptionParams(RejectOptionValidParams);

impl RejectOptionParams {
    /// AIF360's defaults (see [`RejectOptionValidParams`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the smallest classification threshold of the grid.
    pub fn low_class_thresh(mut self, v: f64) -> Self {
        self.0.low_class_thresh = v;
        self
    }

    /// Sets the largest classification threshold of the grid.
    pub fn high_class_thresh(mut self, v: f64) -> Self {
        self.0.high_class_thresh = v;
        self
    }

    /// Sets the number of classification thresholds.
    pub fn num_class_thresh(mut self, v: usize) -> Self {
        self.0.num_class_thresh = v;
        self
    }

    /// Sets the number of margins tried per threshold.
    pub fn num_roc_margin(mut self, v: usize) -> Self {
        self.0.num_roc_margin = v;
        self
    }

    /// Sets the bounded disparity.
    pub fn metric(mut self, metric: Disparity) -> Self {
        self.0.metric = metric;
        self
    }

    /// Sets the lower bound on the disparity.
    pub fn metric_lb(mut self, v: f64) -> Self {
        self.0.metric_lb = v;
        self
    }

    /// Sets the upper bound on the disparity.
    pub fn metric_ub(mut self, v: f64) -> Self {
        self.0.metric_ub = v;
        self
    }

    /// Names the privileged group (its label); by default the group with the higher base rate.
    pub fn privileged(mut self, label: impl Into<String>) -> Self {
        self.0.privileged = Some(label.into());
        self
    }
}

fn invalid(name: &'static str, value: impl ToString, reason: &str) -> PostprocessingMethodError {
    PostprocessingMethodError::InvalidParameter {
        name,
        value: value.to_string(),
        reason: reason.to_string(),
    }
}

impl ParamGuard for RejectOptionParams {
    type Checked = RejectOptionValidParams;
    type Error = PostprocessingMethodError;

    fn check_ref(&self) -> Result<&RejectOptionValidParams> {
        let p = &self.0;
        let unit = |v: f64| (0.0..=1.0).contains(&v);
        if !unit(p.low_class_thresh) {
            return Err(invalid(
                "low_class_thresh",
                p.low_class_thresh,
                "must be in [0, 1]",
            ));
        }
        if !unit(p.high_class_thresh) || p.high_class_thresh < p.low_class_thresh {
            return Err(invalid(
                "high_class_thresh",
                p.high_class_thresh,
                "must be in [low_class_thresh, 1]",
            ));
        }
        if p.num_class_thresh == 0 {
            return Err(invalid("num_class_thresh", 0, "must be at least 1"));
        }
        if p.num_roc_margin == 0 {
            return Err(invalid("num_roc_margin", 0, "must be at least 1"));
        }
        let pairs = (p.num_class_thresh as u64).saturating_mul(p.num_roc_margin as u64);
        if pairs > limits::GRID_POINTS.max {
            return Err(invalid(
                "num_class_thresh",
                p.num_class_thresh,
                &format!(
                    "num_class_thresh × num_roc_margin = {pairs} exceeds {}",
                    limits::GRID_POINTS.describe()
                ),
            ));
        }
        if !p.metric_lb.is_finite() {
            return Err(invalid("metric_lb", p.metric_lb, "must be finite"));
        }
        if !p.metric_ub.is_finite() || p.metric_ub < p.metric_lb {
            return Err(invalid(
                "metric_ub",
                p.metric_ub,
                "must be finite and >= metric_lb",
            ));
        }
        Ok(p)
    }

    fn check(self) -> Result<RejectOptionValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// `numpy.linspace(start, stop, num)` operation for operation: `i·step + start` with
/// `step = (stop − start)/(num − 1)`, the last point exactly `stop`.
pub(crate) fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    if num == 1 {
        return vec![start];
    }
    let div = (num - 1) as f64;
    let delta = stop - start;
    let step = delta / div;
    (0..num)
        .map(|i| {
            if i == num - 1 {
                stop
            } else if step == 0.0 {
                (i as f64 / div) * delta + start
            } else {
                i as f64 * step + start
            }
        })
        .collect()
}

/// One group's rows sorted by score, with cumulative label weights: counts of the rows above
/// any cut in `O(log n)`.
struct SortedGroup {
    scores: Vec<f64>,
    /// `pos[k]`, `neg[k]`: label-1 / label-0 weight of the first `k` rows (ascending score).
    pos: Vec<f64>,
    neg: Vec<f64>,
}

impl SortedGroup {
    fn new(rows: Vec<(f64, bool, f64)>) -> Self {
        let mut rows = rows;
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (mut pos, mut neg) = (vec![0.0], vec![0.0]);
        for &(_, y, w) in &rows {
            let (p, n) = (pos[pos.len() - 1], neg[neg.len() - 1]);
            pos.push(if y { p + w } else { p });
            neg.push(if y { n } else { n + w });
        }
        Self {
            scores: rows.iter().map(|r| r.0).collect(),
            pos,
            neg,
        }
    }

    /// Counts when every row with score `> cut` is predicted 1.
    fn counts_above(&self, cut: f64) -> Confusion {
        let k = self.scores.partition_point(|&s| s <= cut);
        let n = self.scores.len();
        let (pos_all, neg_all) = (self.pos[n], self.neg[n]);
        let tp = pos_all - self.pos[k];
        let fp = neg_all - self.neg[k];
        Confusion {
            tp,
            fp,
            tn: neg_all - fp,
            fn_: pos_all - tp,
        }
    }
}

/// The label reject option classification gives a row (AIF360's `predict`, literally): 1 iff
/// `s > t`, except in the critical region `t − m < s ≤ t + m`, where privileged rows get 0 and
/// unprivileged rows 1. Equivalently: privileged rows get 1 iff `s > t + m`, unprivileged rows
/// iff `s > t − m` (the fit counts with these two cuts).
fn reject_option_label(score: f64, privileged: bool, t: f64, m: f64) -> bool {
    let critical = score <= t + m && score > t - m;
    if critical { !privileged } else { score > t }
}

impl RejectOptionValidParams {
    /// The bounded disparity.
    pub fn metric(&self) -> Disparity {
        self.metric
    }

    /// The classification thresholds of the grid.
    pub fn thresholds(&self) -> Vec<f64> {
        linspace(
            self.low_class_thresh,
            self.high_class_thresh,
            self.num_class_thresh,
        )
    }

    /// The margins tried with threshold `t`: `linspace(0, min(t, 1 − t), num_roc_margin)`
    /// (`t` itself when `t ≤ 0.5`, as AIF360 writes it).
    pub fn margins(&self, t: f64) -> Vec<f64> {
        let high = if t <= 0.5 { t } else { 1.0 - t };
        linspace(0.0, high, self.num_roc_margin)
    }
}

impl FitTwoGroups for RejectOptionValidParams {
    type Fitted = RejectOption;

    /// Searches the grid of thresholds `t` (outer) and margins `m` (inner) on the fitting rows
    /// for the pair of highest balanced accuracy `½(TPR + TNR)` whose disparity lies within
    /// `[metric_lb, metric_ub]`; among equal balanced accuracies the first pair in grid order
    /// wins (AIF360's rule). When no pair meets the bound, the pair closest to it is taken
    /// (AIF360 would take the most negative disparity) and [`RejectOption::bound_met`] is
    /// `false`. Sample weights weight every count, as AIF360's instance weights do.
    ///
    /// # Errors
    /// Lengths that differ, no rows, a score that is not finite, invalid weights, a number of
    /// groups other than two, an unknown privileged group, a group lacking a label class.
    fn fit_scores(
        &self,
        scores: &[f64],
        labels: &[bool],
        groups: &Groups,
        weights: Option<&[f64]>,
    ) -> Result<RejectOption> {
        check_inputs(scores, labels, groups, weights, false)?;
        let pair = GroupPair::resolve(groups, labels, weights, self.privileged.as_deref())?;
        let sides = pair.sides(groups)?;
        let mut rows: [Vec<(f64, bool, f64)>; 2] = [vec![], vec![]];
        for i in 0..scores.len() {
            let w = weights.map_or(1.0, |w| w[i]);
            rows[usize::from(sides[i])].push((scores[i], labels[i], w));
        }
        let [unpriv, priv_] = rows.map(SortedGroup::new);
        require_both_labels(
            &pair,
            &[
                unpriv.counts_above(f64::INFINITY),
                priv_.counts_above(f64::INFINITY),
            ],
        )?;

        // (balanced accuracy, disparity, threshold index, margin index, t, m)
        let mut best: Option<(f64, f64, usize, usize, f64, f64)> = None;
        let mut closest: Option<(f64, f64, f64, usize, usize, f64, f64)> = None;
        for (i, t) in self.thresholds().into_iter().enumerate() {
            for (j, m) in self.margins(t).into_iter().enumerate() {
                let counts = [unpriv.counts_above(t - m), priv_.counts_above(t + m)];
                let all = counts[0].add(&counts[1]);
                let balanced = 0.5 * (all.tpr() + all.tnr());
                let metric = self.metric.value(&counts);
                if metric >= self.metric_lb && metric <= self.metric_ub {
                    if best.is_none_or(|b| balanced > b.0) {
                        best = Some((balanced, metric, i, j, t, m));
                    }
                } else {
                    let miss = if metric < self.metric_lb {
                        self.metric_lb - metric
                    } else {
                        metric - self.metric_ub
                    };
                    // NaN disparities (never here: both groups have both labels) never win.
                    if closest.is_none_or(|c| miss < c.0) {
                        closest = Some((miss, balanced, metric, i, j, t, m));
                    }
                }
            }
        }
        let (balanced, metric, i, j, t, m, bound_met) = match (best, closest) {
            (Some((b, d, i, j, t, m)), _) => (b, d, i, j, t, m, true),
            (None, Some((_, b, d, i, j, t, m))) => (b, d, i, j, t, m, false),
            (None, None) => unreachable!("the grid has at least one pair"),
        };
        Ok(RejectOption {
            groups: pair,
            metric: self.metric,
            metric_bounds: [self.metric_lb, self.metric_ub],
            classification_threshold: t,
            roc_margin: m,
            grid_index: [i, j],
            train_balanced_accuracy: balanced,
            train_metric: metric,
            bound_met,
        })
    }
}

/// A fitted reject option classifier: one threshold and one margin
/// (docs/postprocessing-aif360.md#reject-option). Deterministic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectOption {
    groups: GroupPair,
    metric: Disparity,
    metric_bounds: [f64; 2],
    classification_threshold: f64,
    roc_margin: f64,
    grid_index: [usize; 2],
    train_balanced_accuracy: f64,
    train_metric: f64,
    bound_met: bool,
}

impl RejectOption {
    /// The privileged and unprivileged group.
    pub fn groups(&self) -> &GroupPair {
        &self.groups
    }

    /// The chosen classification threshold `t`.
    pub fn classification_threshold(&self) -> f64 {
        self.classification_threshold
    }

    /// The chosen margin `m` of the critical region `t − m < s ≤ t + m`.
    pub fn roc_margin(&self) -> f64 {
        self.roc_margin
    }

    /// `[i, j]`: the threshold is the `i`-th of the grid and the margin the `j`-th of its
    /// margins (0-based).
    pub fn grid_index(&self) -> [usize; 2] {
        self.grid_index
    }

    /// The balanced accuracy on the fitting rows at the choice.
    pub fn train_balanced_accuracy(&self) -> f64 {
        self.train_balanced_accuracy
    }

    /// The bounded disparity on the fitting rows at the choice.
    pub fn train_metric(&self) -> f64 {
        self.train_metric
    }

    /// The bounded disparity.
    pub fn metric(&self) -> Disparity {
        self.metric
    }

    /// Whether some grid pair met the bound on the fitting rows.
    pub fn bound_met(&self) -> bool {
        self.bound_met
    }

    /// The predicted label of every row.
    ///
    /// # Errors
    /// Lengths that differ, a score that is not finite, a group other than the two fitted.
    pub fn predict(&self, scores: &[f64], groups: &Groups) -> Result<Vec<bool>> {
        fairkit_core::Error::check_len("groups", scores.len(), groups.len())?;
        check_scores(scores, false)?;
        let sides = self.groups.sides(groups)?;
        Ok(scores
            .iter()
            .zip(&sides)
            .map(|(&s, &p)| {
                reject_option_label(s, p, self.classification_threshold, self.roc_margin)
            })
            .collect())
    }

    /// The probability of label 1 of every row: 0 or 1, the method is deterministic.
    ///
    /// # Errors
    /// As [`predict`](Self::predict).
    pub fn probability(&self, scores: &[f64], groups: &Groups) -> Result<Vec<f64>> {
        Ok(self
            .predict(scores, groups)?
            .into_iter()
            .map(|b| if b { 1.0 } else { 0.0 })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linspace_matches_numpy() {
        // numpy.linspace(0.01, 0.99, 100)[1] and [43], printed with repr.
        let t = linspace(0.01, 0.99, 100);
        assert_eq!(t[0], 0.01);
        assert_eq!(t[1], 0.0198989898989899);
        assert_eq!(t[43], 0.43565656565656563);
        assert_eq!(t[99], 0.99);
        assert_eq!(linspace(0.0, 0.3, 1), vec![0.0]);
        assert_eq!(linspace(0.5, 0.5, 3), vec![0.5, 0.5, 0.5]);
    }

    #[test]
    fn the_two_cuts_equal_the_literal_rule() {
        let (t, m) = (0.43565656565656563, 0.053345701917130485);
        for k in 0..=2000 {
            let s = k as f64 / 2000.0;
            for &s in &[s, t + m, t - m, t, f64::from_bits((t + m).to_bits() + 1)] {
                assert_eq!(reject_option_label(s, true, t, m), s > t + m, "{s}");
                assert_eq!(reject_option_label(s, false, t, m), s > t - m, "{s}");
            }
        }
    }
}
