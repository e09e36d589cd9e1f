//! Fitting: per-group curves, then the strict, relaxed or equalized-odds solve
//! (docs/threshold-optimizer.md#strict-constraints,
//! docs/threshold-optimizer.md#relaxed-constraints, docs/threshold-optimizer.md#equalized-odds).

use std::collections::VecDeque;

use fairkit_core::{Classifier, Error, FairDataset, Groups};
use linfa::ParamGuard;

use crate::error::{PostprocessingError, Result};
use crate::hyperparams::ThresholdOptimizerValidParams;
use crate::options::{Constraint, Measure, UnseenGroupPolicy};
use crate::thresholder::{
    ConstantMix, FittedGroup, GroupRule, InterpolatedThresholder, check_scores, model_scores,
};
use crate::tradeoff::{Counts, Curve, Row, grid, totals};

/// Parameters that fit the threshold optimizer: on a score per row, or on a fitted
/// classifier's scores on a dataset.
///
/// Implemented by [`ThresholdOptimizerValidParams`] and, through linfa's [`ParamGuard`], by
/// the unchecked [`ThresholdOptimizerParams`](crate::ThresholdOptimizerParams), which check
/// themselves first.
pub trait FitThresholds {
    /// Fits the per-group rules on a score per row (any model's scores, or a score column),
    /// binary labels, groups and optional sample weights.
    ///
    /// With weights, every count of docs/threshold-optimizer.md#trade-off-points becomes a
    /// weighted sum and the group shares are weight shares. This is an extension: Fairlearn
    /// passes `sample_weight` only to the estimator and searches thresholds unweighted; pass
    /// `None` to reproduce it.
    ///
    /// Fit on training or validation rows, and evaluate on separate test rows: rules fitted on
    /// the test set have seen its labels, so their test metrics are optimistic.
    ///
    /// # Errors
    /// Invalid parameters, lengths that differ, no rows, a NaN or infinite score, an invalid
    /// weight, fewer than two groups with rows, a group with a single label class
    /// ([`PostprocessingError::DegenerateLabels`]), or a group whose scores are all equal
    /// ([`PostprocessingError::ConstantScores`]).
    fn fit_scores(
        &self,
        scores: &[f64],
        labels: &[bool],
        groups: &Groups,
        weights: Option<&[f64]>,
    ) -> Result<InterpolatedThresholder>;

    /// Fits on the scores of a fitted classifier on `data` (with `data`'s sample weights, if
    /// any; see [`fit_scores`](Self::fit_scores)).
    ///
    /// Use training or validation data here and keep the test set for evaluation with
    /// [`InterpolatedThresholder::probability_on`]. Fitting on the test set, as some reference
    /// material does, leaks the test labels into the thresholds and overstates test accuracy
    /// and fairness.
    ///
    /// # Errors
    /// As [`fit_scores`](Self::fit_scores), and a model fitted on another feature count.
    fn fit<C: Classifier + ?Sized>(
        &self,
        model: &C,
        data: &FairDataset,
    ) -> Result<InterpolatedThresholder> {
        let scores = model_scores(model, data.features())?;
        self.fit_scores(&scores, data.labels(), data.groups(), data.weights())
    }
}

impl<P> FitThresholds for P
where
    P: ParamGuard<Checked = ThresholdOptimizerValidParams>,
    PostprocessingError: From<P::Error>,
{
    fn fit_scores(
        &self,
        scores: &[f64],
        labels: &[bool],
        groups: &Groups,
        weights: Option<&[f64]>,
    ) -> Result<InterpolatedThresholder> {
        self.check_ref()?
            .fit_scores(scores, labels, groups, weights)
    }
}

/// One group of the fitting data and its curve.
struct GroupCurve {
    code: u32,
    /// Row count (weighted: total weight).
    size: f64,
    positives: f64,
    negatives: f64,
    curve: Curve,
}

/// What a solve chose: one grid index per group, plus the reported values.
struct Solution {
    indices: Vec<usize>,
    x_best: Option<f64>,
    y_best: f64,
    objective_value: f64,
    /// For equalized odds: `(x*, y*)`, used to mix each group with the constant predictor.
    equalized_odds: Option<(f64, f64)>,
}

impl FitThresholds for ThresholdOptimizerValidParams {
    fn fit_scores(
        &self,
        scores: &[f64],
        labels: &[bool],
        groups: &Groups,
        weights: Option<&[f64]>,
    ) -> Result<InterpolatedThresholder> {
        let n = scores.len();
        Error::check_len("labels", n, labels.len())?;
        Error::check_len("sensitive groups", n, groups.len())?;
        if n == 0 {
            return Err(Error::Empty {
                what: "fitting data".into(),
            }
            .into());
        }
        check_scores(scores)?;
        if let Some(w) = weights {
            Error::check_len("sample weights", n, w.len())?;
            Error::check_weights(w)?;
        }
        groups.require_two_groups()?;

        let (x_rate, y_rate) = match self.constraint.rate() {
            Some(x) => (x, self.objective.rate()),
            None => (Measure::FalsePositiveRate, Measure::TruePositiveRate),
        };
        let grid = grid(self.grid_size);
        // Rows bucketed by group (a counting sort by code), each bucket by descending score.
        let counts = groups.counts();
        let mut offsets = Vec::with_capacity(counts.len() + 1);
        offsets.push(0usize);
        for c in &counts {
            offsets.push(offsets[offsets.len() - 1] + c);
        }
        let mut cursor = offsets.clone();
        let mut rows = vec![
            Row {
                score: 0.0,
                positive: false,
                weight: 0.0
            };
            n
        ];
        for (i, &code) in groups.codes().iter().enumerate() {
            let slot = &mut cursor[code as usize];
            rows[*slot] = Row {
                score: scores[i],
                positive: labels[i],
                weight: weights.map_or(1.0, |w| w[i]),
            };
            *slot += 1;
        }
        let mut curves = Vec::new();
        for (code, count) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            let code = code as u32;
            let group_rows = &mut rows[offsets[code as usize]..offsets[code as usize] + count];
            sort_descending(group_rows);
            let describe = || groups.schema().describe(code);
            let (positives, negatives) = totals(group_rows);
            if positives == 0.0 || negatives == 0.0 {
                return Err(PostprocessingError::DegenerateLabels {
                    group: describe(),
                    positives,
                    negatives,
                });
            }
            let (first, last) = (group_rows[0].score, group_rows[count - 1].score);
            if first == last {
                return Err(PostprocessingError::ConstantScores {
                    group: describe(),
                    rows: *count,
                    score: first,
                });
            }
            let size = if weights.is_some() {
                positives + negatives
            } else {
                *count as f64
            };
            curves.push(GroupCurve {
                code,
                size,
                positives,
                negatives,
                curve: Curve::new(group_rows, self.flip, x_rate, y_rate, &grid),
            });
        }
        let total: f64 = if weights.is_some() {
            curves.iter().map(|g| g.size).sum()
        } else {
            n as f64
        };
        let shares: Vec<f64> = curves.iter().map(|g| g.size / total).collect();

        let solution = match (self.constraint, self.tol) {
            (Constraint::EqualizedOdds, _) => self.solve_equalized_odds(&curves, &grid),
            (_, Some(tol)) if tol > 0.0 => solve_relaxed(&curves, &shares, &grid, tol),
            _ => solve_strict(&curves, &shares, &grid),
        };

        let fitted = curves
            .iter()
            .zip(&solution.indices)
            .map(|(g, &k)| {
                let mut rule = g.curve.rule(k);
                if let Some((x, y)) = solution.equalized_odds {
                    rule.ignore = Some(constant_mix(g.curve.y(k), x, y, false));
                }
                FittedGroup {
                    code: g.code,
                    group: groups.schema().describe(g.code),
                    x: grid[k],
                    rule,
                }
            })
            .collect();

        let overall = (self.unseen_groups == UnseenGroupPolicy::Overall).then(|| {
            sort_descending(&mut rows);
            let curve = Curve::new(&rows, self.flip, x_rate, y_rate, &grid);
            let k = match solution.x_best {
                Some(_) => solution.indices[0],
                // Relaxed: the share-weighted mean of the groups' grid indices.
                None => {
                    let mean: f64 = shares
                        .iter()
                        .zip(&solution.indices)
                        .map(|(s, &k)| s * k as f64)
                        .sum();
                    (mean.round() as usize).min(self.grid_size)
                }
            };
            let mut rule: GroupRule = curve.rule(k);
            if let Some((x, y)) = solution.equalized_odds {
                rule.ignore = Some(constant_mix(curve.y(k), x, y, true));
            }
            rule
        });

        Ok(InterpolatedThresholder {
            params: self.clone(),
            schema: groups.schema().clone(),
            groups: fitted,
            overall,
            x_best: solution.x_best,
            y_best: solution.y_best,
            objective_value: solution.objective_value,
        })
    }
}

impl ThresholdOptimizerValidParams {
    /// docs/threshold-optimizer.md#equalized-odds: the highest true positive rate every group
    /// reaches at each false positive rate, the objective on the implied overall counts rounded to
    /// 15 decimals, the first maximiser.
    fn solve_equalized_odds(&self, curves: &[GroupCurve], grid: &[f64]) -> Solution {
        let p: f64 = curves.iter().map(|g| g.positives).sum();
        let n: f64 = curves.iter().map(|g| g.negatives).sum();
        let rate = self.objective.rate();
        let (mut best_k, mut best, mut best_y) = (0, f64::NEG_INFINITY, 0.0);
        for (k, &x) in grid.iter().enumerate() {
            let y_min = curves
                .iter()
                .map(|g| g.curve.y(k))
                .fold(f64::INFINITY, f64::min);
            let counts = Counts {
                fp: n * x,
                tn: n * (1.0 - x),
                tp: p * y_min,
                fn_: p * (1.0 - y_min),
            };
            let value = round15(counts.rate(rate));
            if value > best {
                (best_k, best, best_y) = (k, value, y_min);
            }
        }
        let x = grid[best_k];
        let counts = Counts {
            fp: n * x,
            tn: n * (1.0 - x),
            tp: p * best_y,
            fn_: p * (1.0 - best_y),
        };
        Solution {
            indices: vec![best_k; curves.len()],
            x_best: Some(x),
            y_best: best_y,
            objective_value: counts.rate(rate),
            equalized_odds: Some((x, best_y)),
        }
    }
}

/// Sorts rows by descending score, comparing integer keys that order like `f64::total_cmp`.
fn sort_descending(rows: &mut [Row]) {
    rows.sort_unstable_by_key(|r| {
        let bits = r.score.to_bits();
        let ascending = if bits >> 63 == 1 {
            !bits
        } else {
            bits | 1 << 63
        };
        std::cmp::Reverse(ascending)
    });
}

/// numpy's `around(v, 15)`: scale, round half to even, unscale.
fn round15(v: f64) -> f64 {
    (v * 1e15).round_ties_even() / 1e15
}

/// The mixing that moves a group from `(x, y_group)` on its ROC hull down to `(x, y)`
/// (docs/threshold-optimizer.md#equalized-odds). `clamp` keeps the probability in `[0, 1]` for the
/// pooled fallback rule, which may not reach `y` exactly.
fn constant_mix(y_group: f64, x: f64, y: f64, clamp: bool) -> ConstantMix {
    let p = if y_group == x {
        0.0
    } else {
        (y_group - y) / (y_group - x)
    };
    ConstantMix {
        p_ignore: if clamp { p.clamp(0.0, 1.0) } else { p },
        prediction_constant: x,
    }
}

/// docs/threshold-optimizer.md#strict-constraints: the size-weighted objective at each grid point,
/// summed over groups in code order; the first maximiser.
fn solve_strict(curves: &[GroupCurve], shares: &[f64], grid: &[f64]) -> Solution {
    let (mut best_k, mut best) = (0, f64::NEG_INFINITY);
    for k in 0..grid.len() {
        let total = curves
            .iter()
            .zip(shares)
            .map(|(g, s)| s * g.curve.y(k))
            .fold(0.0, |acc, v| acc + v);
        if total > best {
            (best_k, best) = (k, total);
        }
    }
    Solution {
        indices: vec![best_k; curves.len()],
        x_best: Some(grid[best_k]),
        y_best: best,
        objective_value: best,
        equalized_odds: None,
    }
}

/// docs/threshold-optimizer.md#relaxed-constraints: a window over the grid of width `tol`, with one
/// monotonic deque of grid indices per group (descending weighted `y`, the latest index winning
/// ties). Each window's candidate is every group's best index; a candidate replaces the best one
/// when its objective is larger, or equal with a spread of `x` no larger.
fn solve_relaxed(curves: &[GroupCurve], shares: &[f64], grid: &[f64], tol: f64) -> Solution {
    let weighted: Vec<Vec<f64>> = curves
        .iter()
        .zip(shares)
        .map(|(g, &s)| g.curve.mixes.iter().map(|m| m.y * s).collect())
        .collect();
    let mut deques: Vec<VecDeque<usize>> = vec![VecDeque::new(); curves.len()];
    let (mut best, mut best_objective, mut best_violation) =
        (vec![0; curves.len()], f64::NEG_INFINITY, f64::INFINITY);
    let mut start = 0;
    let mut current = vec![0; curves.len()];
    for end in 0..grid.len() {
        for (dq, y) in deques.iter_mut().zip(&weighted) {
            while dq.back().is_some_and(|&b| y[b] <= y[end]) {
                dq.pop_back();
            }
            dq.push_back(end);
        }
        while grid[end] - grid[start] > tol {
            for dq in &mut deques {
                if dq.front() == Some(&start) {
                    dq.pop_front();
                }
            }
            start += 1;
        }
        let mut objective = 0.0;
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for ((slot, dq), y) in current.iter_mut().zip(&deques).zip(&weighted) {
            // The deque holds at least `end`, which is always inside the window.
            let k = dq.front().copied().unwrap_or(end);
            *slot = k;
            objective += y[k];
            lo = lo.min(grid[k]);
            hi = hi.max(grid[k]);
        }
        let violation = hi - lo;
        if objective > best_objective
            || (objective == best_objective && violation <= best_violation)
        {
            best.clone_from(&current);
            best_objective = objective;
            best_violation = violation;
        }
    }
    Solution {
        indices: best,
        x_best: None,
        y_best: best_objective,
        objective_value: best_objective,
        equalized_odds: None,
    }
}
