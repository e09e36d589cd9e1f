//! GerryFair: rich-subgroup fairness by fictitious play (Kearns, Neel, Roth and Wu 2018), as
//! AIF360's `GerryFairClassifier`: docs/inprocessing.md#gerryfair.

use std::sync::Arc;

use fairkit_core::{Error, FairDataset, GroupSchema, Groups};
use linfa::ParamGuard;
use ndarray::{Array1, Array2, ArrayView2, Axis, concatenate};
use serde::{Deserialize, Serialize};

use crate::error::{check_at_least, check_finite};
use crate::lstsq::{LeastSquares, LinearFunction};
use crate::{InprocessingError, Result};

/// Which error rate the subgroups must equalize.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FairnessDef {
    /// False-positive rate: audited over the label-0 rows (AIF360's `'FP'`, the default).
    FalsePositive,
    /// False-negative rate: audited over the label-1 rows (AIF360's `'FN'`).
    FalseNegative,
}

/// Validated parameters of [`GerryFair`].
#[derive(Debug, Clone, PartialEq)]
pub struct GerryFairValidParams {
    c: f64,
    gamma: f64,
    max_iters: usize,
    fairness: FairnessDef,
    early_termination: bool,
    aif360_quirks: bool,
    protected_features: Vec<usize>,
}

/// Parameters of [`GerryFair`], checked when fitting (linfa's [`ParamGuard`] idiom). Defaults
/// are AIF360's.
///
/// | name | default | meaning | range |
/// |---|---|---|---|
/// | `c` | 10 | bound on the L1 norm of the auditor's dual variables (cost step size) | `> 0` |
/// | `gamma` | 0.01 | fairness tolerance: subgroups with γ-unfairness below it are not penalized | `≥ 0` |
/// | `max_iters` | 10 | horizon of the fictitious play (AIF360 runs `max_iters − 1` rounds) | `≥ 2` |
/// | `fairness` | FP | [`FairnessDef`] | |
/// | `early_termination` | true | stop once the violation is below `gamma` and stalls (after 5 rounds) | |
/// | `aif360_quirks` | true | reproduce AIF360's cost update and auditor (see the docs) | |
/// | `protected_features` | none | feature columns (0-based) that join the group indicators in the auditor's space | `<` feature count |
#[derive(Debug, Clone, PartialEq)]
pub struct GerryFairParams(GerryFairValidParams);

impl Default for GerryFairParams {
    fn default() -> Self {
        Self(GerryFairValidParams {
            c: 10.0,
            gamma: 0.01,
            max_iters: 10,
            fairness: FairnessDef::FalsePositive,
            early_termination: true,
            aif360_quirks: true,
            protected_features: Vec::new(),
        })
    }
}

impl GerryFairParams {
    /// Sets `C`.
    pub fn c(mut self, c: f64) -> Self {
        self.0.c = c;
        self
    }

    /// Sets `gamma`.
    pub fn gamma(mut self, gamma: f64) -> Self {
        self.0.gamma = gamma;
        self
    }

    /// Sets the horizon `max_iters`.
    pub fn max_iters(mut self, n: usize) -> Self {
        self.0.max_iters = n;
        self
    }

    /// Sets the audited error rate.
    pub fn fairness(mut self, f: FairnessDef) -> Self {
        self.0.fairness = f;
        self
    }

    /// Sets early termination.
    pub fn early_termination(mut self, on: bool) -> Self {
        self.0.early_termination = on;
        self
    }

    /// `true` (default) reproduces AIF360 0.6.1 exactly, including the two departures from
    /// the paper documented at docs/inprocessing.md#gerryfair; `false` follows the paper.
    pub fn aif360_quirks(mut self, on: bool) -> Self {
        self.0.aif360_quirks = on;
        self
    }

    /// Feature columns (0-based) that the auditor searches over besides the groups (AIF360's
    /// protected attributes beyond the sensitive one, e.g. age; they stay features too).
    pub fn protected_features(mut self, columns: Vec<usize>) -> Self {
        self.0.protected_features = columns;
        self
    }

    /// Checks the parameters and fits (see [`GerryFairValidParams::fit`]).
    ///
    /// # Errors
    /// A parameter out of range, or anything the fit refuses.
    pub fn fit(self, data: &FairDataset) -> Result<GerryFair> {
        self.check()?.fit(data)
    }
}

impl ParamGuard for GerryFairParams {
    type Checked = GerryFairValidParams;
    type Error = InprocessingError;

    fn check_ref(&self) -> Result<&Self::Checked> {
        let p = &self.0;
        if !(p.c.is_finite() && p.c > 0.0) {
            return Err(Error::invalid("C", p.c, "must be a positive number").into());
        }
        check_at_least("gamma", p.gamma, 0.0)?;
        if p.max_iters < 2 {
            return Err(Error::invalid("max-iters", p.max_iters, "must be at least 2").into());
        }
        Ok(p)
    }

    fn check(self) -> Result<Self::Checked> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// One cost-sensitive classifier of the learner: two least-squares regressions predict the cost
/// of labelling a row 0 (`b0`) and 1 (`b1`); the row gets the cheaper label, 1 iff
/// `b1(x) < b0(x)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostClassifier {
    /// Cost of predicting 0.
    pub b0: LinearFunction,
    /// Cost of predicting 1.
    pub b1: LinearFunction,
}

impl CostClassifier {
    /// 1 where `b1 < b0`, per row of `x`.
    pub fn predict(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        let c0 = self.b0.values(x);
        let c1 = self.b1.values(x);
        c0.iter()
            .zip(&c1)
            .map(|(a, b)| f64::from(u8::from(b < a)))
            .collect()
    }
}

/// The most unfair subgroup the auditor found.
///
/// Membership is a linear threshold over the protected columns: a row is in the subgroup iff
/// `b1(x') < b0(x')` (AIF360 fits `b0` to zeros, so it is `b1(x') < 0`). Rates are over the
/// audited rows (label 0 for false positives, label 1 for false negatives).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subgroup {
    /// The membership rule over the protected columns.
    pub rule: CostClassifier,
    /// The audited rate over all audited rows (mean prediction over label-0 rows for FP;
    /// mean of `1 − prediction` over label-1 rows for FN).
    pub baseline: f64,
    /// Audited rows in the subgroup divided by all rows.
    pub size: f64,
    /// `|subgroup rate − baseline|`.
    pub disparity: f64,
    /// `disparity × size`: the γ-unfairness the auditor maximizes.
    pub weighted_disparity: f64,
    /// +1 when the subgroup's rate is above the baseline, −1 below.
    pub direction: i8,
    /// The rate AIF360 reports as the group's: with `aif360_quirks` the rate of the *other*
    /// direction's candidate (as AIF360 0.6.1 does), otherwise the subgroup's own rate.
    pub group_rate: f64,
}

impl Subgroup {
    /// Whether each row of the protected columns `x` is in the subgroup.
    pub fn contains(&self, x: ArrayView2<'_, f64>) -> Vec<bool> {
        self.rule.predict(x).into_iter().map(|v| v == 1.0).collect()
    }
}

/// The auditor: finds the subgroup, a linear threshold over the protected columns, with the
/// largest weighted disparity of the audited error rate.
#[derive(Debug, Clone)]
pub struct Auditor {
    fairness: FairnessDef,
    quirks: bool,
    n: usize,
    /// Labels as given.
    labels: Vec<bool>,
    /// Rows audited: label 0 for FP, label 1 for FN.
    audited: Vec<usize>,
    audited_x: Array2<f64>,
    ls: LeastSquares,
}

impl Auditor {
    /// An auditor over `protected` (one row per data row) and the true `labels`.
    ///
    /// # Errors
    /// Lengths that differ, non-finite protected values, no protected column, or no audited
    /// row (no label-0 row for FP, no label-1 row for FN).
    pub fn new(
        protected: ArrayView2<'_, f64>,
        labels: &[bool],
        fairness: FairnessDef,
        aif360_quirks: bool,
    ) -> Result<Self> {
        Error::check_len("protected rows", labels.len(), protected.nrows())?;
        check_finite("protected columns", protected)?;
        if protected.ncols() == 0 {
            return Err(
                Error::invalid("protected columns", 0, "at least one column is needed").into(),
            );
        }
        let audited_label = fairness == FairnessDef::FalseNegative;
        let audited: Vec<usize> = (0..labels.len())
            .filter(|&i| labels[i] == audited_label)
            .collect();
        if audited.is_empty() {
            return Err(Error::invalid(
                "labels",
                format!("no row with label {}", u8::from(audited_label)),
                "the audited error rate needs rows of that label",
            )
            .into());
        }
        let audited_x = protected.select(Axis(0), &audited);
        let ls = LeastSquares::new(audited_x.view())?;
        Ok(Self {
            fairness,
            quirks: aif360_quirks,
            n: labels.len(),
            labels: labels.to_vec(),
            audited,
            audited_x,
            ls,
        })
    }

    /// The audited error rate of `predictions` (probabilities of label 1, one per row).
    fn audited_values(&self, predictions: &[f64]) -> Vec<f64> {
        self.audited
            .iter()
            .map(|&i| match self.fairness {
                FairnessDef::FalsePositive => predictions[i],
                FairnessDef::FalseNegative => 1.0 - predictions[i],
            })
            .collect()
    }

    /// The most unfair subgroup for `predictions` (probabilities of label 1 or hard 0/1).
    ///
    /// # Errors
    /// A prediction count that differs from the rows, or a non-finite prediction.
    pub fn audit(&self, predictions: &[f64]) -> Result<Subgroup> {
        Error::check_len("predictions", self.n, predictions.len())?;
        if let Some(row) = predictions.iter().position(|p| !p.is_finite()) {
            return Err(Error::NonFinite {
                what: "predictions".into(),
                row,
                value: predictions[row].to_string(),
            }
            .into());
        }
        Ok(self.group(&self.audited_values(predictions)).0)
    }

    /// The subgroup for the audited values `v`, with its membership over the audited rows.
    fn group(&self, v: &[f64]) -> (Subgroup, Vec<f64>) {
        let n = self.n as f64;
        let m = v.len() as f64;
        let baseline = v.iter().sum::<f64>() / m;
        let zero = self.ls.fit(&vec![0.0; v.len()]);
        let candidate = |sign: f64| {
            let cost: Vec<f64> = v
                .iter()
                .map(|&a| -1.0 / n * sign * (baseline - a))
                .collect();
            let rule = CostClassifier {
                b0: zero.clone(),
                b1: self.ls.fit(&cost),
            };
            let members = rule.predict(self.audited_x.view());
            (rule, members)
        };
        let mean_where = |members: &[f64], want: f64| {
            let (s, k) = v
                .iter()
                .zip(members)
                .filter(|&(_, &g)| g == want)
                .fold((0.0, 0usize), |(s, k), (a, _)| (s + a, k + 1));
            s / k as f64
        };
        // Subgroups whose rate is above the baseline, then below it.
        let (rule_up, up) = candidate(1.0);
        let (rule_down, down) = candidate(-1.0);
        let count = |g: &[f64]| g.iter().sum::<f64>();
        let rate_up = if count(&up) == 0.0 {
            0.0
        } else {
            mean_where(&up, 1.0)
        };
        let rate_down = if count(&down) == 0.0 {
            0.0
        } else if self.quirks {
            // AIF360 averages over the complement of the *upward* subgroup here.
            mean_where(&up, 0.0)
        } else {
            mean_where(&down, 1.0)
        };
        let size_up = count(&up) / n;
        let size_down = count(&down) / n;
        let disp_up = (rate_up - baseline).abs();
        let disp_down = (rate_down - baseline).abs();
        let (w_up, w_down) = (disp_up * size_up, disp_down * size_down);
        if w_down > w_up {
            let group_rate = if self.quirks { rate_up } else { rate_down };
            let g = Subgroup {
                rule: rule_down,
                baseline,
                size: size_down,
                disparity: disp_down,
                weighted_disparity: w_down,
                direction: -1,
                group_rate,
            };
            (g, down)
        } else {
            let group_rate = if self.quirks { rate_down } else { rate_up };
            let g = Subgroup {
                rule: rule_up,
                baseline,
                size: size_up,
                disparity: disp_up,
                weighted_disparity: w_up,
                direction: 1,
                group_rate,
            };
            (g, up)
        }
    }
}

/// The most unfair subgroup of `predictions` (probabilities of label 1, or hard 0/1 labels) on
/// data with true `labels` and `protected` columns: [`Auditor::new`] then [`Auditor::audit`].
///
/// # Errors
/// As those two.
pub fn audit(
    protected: ArrayView2<'_, f64>,
    labels: &[bool],
    predictions: &[f64],
    fairness: FairnessDef,
    aif360_quirks: bool,
) -> Result<Subgroup> {
    Auditor::new(protected, labels, fairness, aif360_quirks)?.audit(predictions)
}

/// The auditor's space: how a row's protected columns are built from its group and features
/// (docs/inprocessing.md#gerryfair). One 0/1 indicator per group of the schema but the first
/// (with two groups, the indicator of the second in sorted order), then the chosen feature
/// columns. Any other coding of the groups spans the same affine functions, so the fit does not
/// depend on which group is left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProtectedColumns {
    schema: Arc<GroupSchema>,
    features: Vec<usize>,
}

impl ProtectedColumns {
    /// The columns for groups of `schema` and the given feature columns.
    pub fn new(schema: Arc<GroupSchema>, features: Vec<usize>) -> Self {
        Self { schema, features }
    }

    /// Number of protected columns.
    pub fn n_columns(&self) -> usize {
        self.schema.n_groups().saturating_sub(1) + self.features.len()
    }

    /// The feature columns among them.
    pub fn features(&self) -> &[usize] {
        &self.features
    }

    /// The group schema whose indicators lead.
    pub fn schema(&self) -> &GroupSchema {
        &self.schema
    }

    /// The protected columns of rows `x` (all features) in `groups`.
    ///
    /// # Errors
    /// A feature column beyond `x`, a row count that differs, other sensitive columns, or a
    /// group the schema does not have.
    pub fn build(
        &self,
        x: ArrayView2<'_, f64>,
        groups: &Groups,
    ) -> fairkit_core::Result<Array2<f64>> {
        if let Some(&c) = self.features.iter().find(|&&c| c >= x.ncols()) {
            return Err(Error::invalid(
                "protected-features",
                c,
                &format!("the data has {} feature column(s)", x.ncols()),
            ));
        }
        Error::check_len("group values", x.nrows(), groups.len())?;
        let codes = groups.codes_in(&self.schema)?;
        let k = self.schema.n_groups().saturating_sub(1);
        Ok(Array2::from_shape_fn(
            (x.nrows(), self.n_columns()),
            |(i, j)| {
                if j < k {
                    f64::from(u8::from(codes[i] as usize == j + 1))
                } else {
                    x[[i, self.features[j - k]]]
                }
            },
        ))
    }
}

/// A fitted GerryFair model: the uniform mixture of the learner's classifiers.
///
/// Each classifier sees the features with the protected columns appended (as AIF360 does);
/// the mixture's probability of label 1 is the share of classifiers predicting 1. The model is
/// randomized: [`expected_positive`](Self::expected_positive) gives that probability and
/// [`predict`](Self::predict) AIF360's hard labels (share ≥ 1/2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GerryFair {
    n_features: usize,
    protected: ProtectedColumns,
    fairness: FairnessDef,
    classifiers: Vec<CostClassifier>,
    errors: Vec<f64>,
    fairness_violations: Vec<f64>,
    train_subgroup: Subgroup,
}

impl GerryFairValidParams {
    /// Runs the fictitious play on `data`; the auditor searches over the
    /// [`ProtectedColumns`] of its groups and `protected_features`. Sample weights are refused.
    ///
    /// # Errors
    /// Weighted data, no rows, a single label class or group, a protected feature column
    /// beyond the data, non-finite values, or a linear-algebra failure.
    pub fn fit(&self, data: &FairDataset) -> Result<GerryFair> {
        if data.weights().is_some() {
            return Err(InprocessingError::WeightsUnsupported {
                method: "gerryfair",
            });
        }
        data.require_both_classes()?;
        data.groups().require_two_groups()?;
        let columns = ProtectedColumns::new(
            data.groups().schema_arc().clone(),
            self.protected_features.clone(),
        );
        let protected = columns.build(data.features(), data.groups())?;
        let protected = protected.view();
        let y = data.labels();
        let auditor = Auditor::new(protected, y, self.fairness, self.aif360_quirks)?;
        // Row-major, so that every classifier's values run along contiguous rows.
        let features = concatenate![Axis(1), data.features(), protected]
            .as_standard_layout()
            .into_owned();
        let learner = LeastSquares::new(features.view())?;
        let n = y.len();
        let nf = n as f64;
        let yf: Vec<f64> = y.iter().map(|&b| f64::from(u8::from(b))).collect();
        let (mut c0, mut c1): (Vec<f64>, Vec<f64>) = match self.fairness {
            FairnessDef::FalsePositive => (
                vec![0.0; n],
                yf.iter().map(|&v| -1.0 / nf * (2.0 * v - 1.0)).collect(),
            ),
            FairnessDef::FalseNegative => (
                yf.iter().map(|&v| 1.0 / nf * (2.0 * v - 1.0)).collect(),
                vec![0.0; n],
            ),
        };
        let mut predictions = vec![0.0; n];
        let mut classifiers = Vec::new();
        let mut errors: Vec<f64> = Vec::new();
        let mut violations: Vec<f64> = Vec::new();
        let mut t = 1usize;
        while t < self.max_iters {
            let h = CostClassifier {
                b0: learner.fit(&c0),
                b1: learner.fit(&c1),
            };
            let tf = t as f64;
            let new = h.predict(features.view());
            for (p, q) in predictions.iter_mut().zip(&new) {
                *p = (tf - 1.0) / tf * *p + 1.0 / tf * q;
            }
            let error = predictions
                .iter()
                .zip(&yf)
                .map(|(p, y)| (p - y).abs())
                .sum::<f64>()
                / nf;
            classifiers.push(h);
            let (group, members) = auditor.group(&auditor.audited_values(&predictions));
            self.update_costs(&auditor, &mut c0, &mut c1, &group, &members, tf);
            errors.push(error);
            violations.push(group.weighted_disparity);
            t += 1;
            let k = errors.len();
            if self.early_termination
                && k >= 5
                && (errors[k - 1] == errors[k - 2] || violations[k - 1] == violations[k - 2])
                && violations[k - 1] < self.gamma
            {
                break;
            }
        }
        let soft = mixture(&classifiers, features.view());
        let train_subgroup = auditor.audit(&soft.to_vec())?;
        Ok(GerryFair {
            n_features: data.n_features(),
            protected: columns,
            fairness: self.fairness,
            classifiers,
            errors,
            fairness_violations: violations,
            train_subgroup,
        })
    }

    /// The auditor's best response: move the costs of the audited rows by the subgroup's
    /// weighted disparity (docs/inprocessing.md#gerryfair).
    fn update_costs(
        &self,
        auditor: &Auditor,
        c0: &mut [f64],
        c1: &mut [f64],
        group: &Subgroup,
        members: &[f64],
        t: f64,
    ) {
        let n = auditor.n as f64;
        let m = members.len() as f64;
        let weight = members.iter().sum::<f64>() / m;
        let audited_label = self.fairness == FairnessDef::FalseNegative;
        let costs = match self.fairness {
            FairnessDef::FalsePositive => c1,
            FairnessDef::FalseNegative => c0,
        };
        let mut k = 0usize;
        for (i, cost) in costs.iter_mut().enumerate() {
            if auditor.labels[i] == audited_label {
                // AIF360 resets its index into the subgroup membership on every row, so every
                // audited row gets the first audited row's change.
                let member = if self.aif360_quirks {
                    members[0]
                } else {
                    members[k]
                };
                let mut step =
                    1.0 / n * f64::from(group.direction) * self.c * (1.0 / t) * (weight - member);
                if group.weighted_disparity.abs() < self.gamma {
                    step = 0.0;
                }
                *cost = (*cost - 1.0 / n) * ((t - 1.0) / t) + step + 1.0 / n;
                k += 1;
            } else {
                *cost = -1.0 / n;
            }
        }
    }
}

/// The share of `classifiers` predicting 1 on each row, summed in classifier order as AIF360
/// does (each prediction divided by the count first).
fn mixture(classifiers: &[CostClassifier], features: ArrayView2<'_, f64>) -> Array1<f64> {
    // Count, then divide once: adding 1/k k times can exceed 1 (9 × 1/9 = 1 + 2⁻⁵²).
    let k = classifiers.len() as f64;
    let mut out = Array1::<f64>::zeros(features.nrows());
    for h in classifiers {
        for (o, p) in out.iter_mut().zip(h.predict(features)) {
            *o += p;
        }
    }
    out / k
}

impl GerryFair {
    /// Default parameters (AIF360's).
    pub fn params() -> GerryFairParams {
        GerryFairParams::default()
    }

    /// Number of feature columns (without the protected columns).
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The auditor's space (build it for other rows to [`audit`] predictions there).
    pub fn protected(&self) -> &ProtectedColumns {
        &self.protected
    }

    /// The audited error rate.
    pub fn fairness(&self) -> FairnessDef {
        self.fairness
    }

    /// The learner's classifiers, one per round.
    pub fn classifiers(&self) -> &[CostClassifier] {
        &self.classifiers
    }

    /// Training error of the mixture after each round (AIF360's `errors`).
    pub fn errors(&self) -> &[f64] {
        &self.errors
    }

    /// The auditor's weighted disparity after each round (AIF360's `fairness_violations`).
    pub fn fairness_violations(&self) -> &[f64] {
        &self.fairness_violations
    }

    /// The most unfair subgroup of the fitted mixture's probabilities on the training data.
    pub fn train_subgroup(&self) -> &Subgroup {
        &self.train_subgroup
    }

    /// Checks that a model read back from a file (a saved model) is consistent, so that
    /// predicting with it cannot panic: at least one classifier, each regression with one
    /// finite coefficient per feature and protected column, protected features in range.
    ///
    /// # Errors
    /// [`Error::Inconsistent`] naming what does not fit.
    pub fn validate(&self) -> fairkit_core::Result<()> {
        let what = "gerryfair model";
        if self.classifiers.is_empty() {
            return Err(Error::inconsistent(what, "no classifiers"));
        }
        if let Some(&c) = self
            .protected
            .features
            .iter()
            .find(|&&c| c >= self.n_features)
        {
            return Err(Error::inconsistent(
                what,
                format!(
                    "protected feature column {c} of {} features",
                    self.n_features
                ),
            ));
        }
        let width = self.n_features + self.protected.n_columns();
        for f in self.classifiers.iter().flat_map(|h| [&h.b0, &h.b1]) {
            if f.coef.len() != width {
                return Err(Error::inconsistent(
                    what,
                    format!("{} coefficients for {width} columns", f.coef.len()),
                ));
            }
            if !f.intercept.is_finite() || f.coef.iter().any(|v| !v.is_finite()) {
                return Err(Error::inconsistent(what, "a coefficient is not finite"));
            }
        }
        Ok(())
    }

    /// Probability of label 1 (the share of classifiers predicting 1) for each row of `x` in
    /// `groups`.
    ///
    /// # Errors
    /// A feature count or row count that differs, non-finite features, other sensitive
    /// columns, or a group the training data did not have.
    pub fn expected_positive(
        &self,
        x: ArrayView2<'_, f64>,
        groups: &Groups,
    ) -> fairkit_core::Result<Array1<f64>> {
        if x.ncols() != self.n_features {
            return Err(Error::FeatureMismatch {
                expected: self.n_features,
                got: x.ncols(),
            });
        }
        check_finite("features", x)?;
        let protected = self.protected.build(x, groups)?;
        Ok(mixture(
            &self.classifiers,
            concatenate![Axis(1), x, protected]
                .as_standard_layout()
                .view(),
        ))
    }

    /// AIF360's hard labels: 1 where at least half the classifiers predict 1.
    ///
    /// # Errors
    /// As [`expected_positive`](Self::expected_positive).
    pub fn predict(
        &self,
        x: ArrayView2<'_, f64>,
        groups: &Groups,
    ) -> fairkit_core::Result<Vec<bool>> {
        Ok(self
            .expected_positive(x, groups)?
            .iter()
            .map(|&p| p >= 0.5)
            .collect())
    }
}
