//! AIF360's two-group conventions (docs/metrics.md#aif360-two-group-metrics, oracle O3): a
//! privileged and an unprivileged group, each given as conditions on the sensitive columns, and
//! signed `unprivileged − privileged` metrics computed with AIF360's classic zero-division rules
//! (TPR, FPR, TNR, FNR are NaN with a zero denominator; PPV and NPV are 0; ratios divide plainly,
//! so `x / 0` is `+∞` and `0 / 0` NaN). Rows in neither group are ignored.
//!
//! ```
//! use fairkit_core::Groups;
//! use fairkit_metrics::aif360::{GroupSpec, TwoGroupMetrics};
//!
//! // O3 (docs/test-oracles.md#o3): O1 with privileged = a, unprivileged = b.
//! let g = Groups::from_labels("g", &["a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b"])?;
//! let y = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0].map(|v| v == 1);
//! let p = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0].map(|v| v == 1);
//! let m = TwoGroupMetrics::compute(
//!     &y, &p, &g, None,
//!     &GroupSpec::single("g", "a"),
//!     &GroupSpec::single("g", "b"),
//! )?;
//! assert_eq!(m.disparate_impact, 1.0 / 3.0);
//! assert!((m.average_odds_difference + 0.25).abs() < 1e-15);
//! # Ok::<(), fairkit_metrics::MetricsError>(())
//! ```

use fairkit_core::{Error, GroupSchema, Groups};
use serde::Serialize;

use crate::disparity::RuleStatus;
use crate::error::{Result, invalid};
use crate::ser::nan_as_null;
use crate::{Confusion, ConfusionTable, Metric, ZeroDivision};

/// A group specification: a row belongs to it when it matches **any** condition, and matches a
/// condition when **all** of its `(column, value)` pairs hold (AIF360's list of dicts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSpec(pub Vec<Vec<(String, String)>>);

impl GroupSpec {
    /// One condition on one column, e.g. `sex = F`.
    pub fn single(column: &str, value: &str) -> Self {
        GroupSpec(vec![vec![(column.to_string(), value.to_string())]])
    }

    /// Whether each group code of `schema` matches.
    ///
    /// # Errors
    /// A column that is not a sensitive column, or an empty specification.
    pub fn matches(&self, schema: &GroupSchema) -> Result<Vec<bool>> {
        if self.0.is_empty() {
            return Err(invalid(
                "group specification",
                "(empty)",
                "needs a condition",
            ));
        }
        let mut conditions = Vec::new();
        for cond in &self.0 {
            let mut resolved = Vec::new();
            for (col, val) in cond {
                let j = schema
                    .columns()
                    .iter()
                    .position(|c| c == col)
                    .ok_or_else(|| {
                        invalid("group specification", col, "is not a sensitive column")
                    })?;
                resolved.push((j, val.as_str()));
            }
            conditions.push(resolved);
        }
        Ok((0..schema.n_groups() as u32)
            .map(|code| {
                let values = schema.values(code);
                conditions
                    .iter()
                    .any(|c| c.iter().all(|&(j, v)| values[j] == v))
            })
            .collect())
    }
}

/// AIF360's classic metrics for one privileged / unprivileged pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TwoGroupMetrics {
    /// Counts of the privileged rows.
    #[serde(skip)]
    pub privileged: Confusion,
    /// Counts of the unprivileged rows.
    #[serde(skip)]
    pub unprivileged: Confusion,
    /// `SR_u / SR_p` (signed, not folded).
    #[serde(serialize_with = "nan_as_null")]
    pub disparate_impact: f64,
    /// `SR_u − SR_p` (AIF360's `mean_difference`).
    #[serde(serialize_with = "nan_as_null")]
    pub statistical_parity_difference: f64,
    /// `TPR_u − TPR_p`.
    #[serde(serialize_with = "nan_as_null")]
    pub equal_opportunity_difference: f64,
    /// `½[(FPR_u − FPR_p) + (TPR_u − TPR_p)]`.
    #[serde(serialize_with = "nan_as_null")]
    pub average_odds_difference: f64,
    /// `½[|FPR_u − FPR_p| + |TPR_u − TPR_p|]`.
    #[serde(serialize_with = "nan_as_null")]
    pub average_abs_odds_difference: f64,
    /// `max(|FPR_u − FPR_p|, |TPR_u − TPR_p|)`.
    #[serde(serialize_with = "nan_as_null")]
    pub equalized_odds_difference: f64,
    /// `ERR_u − ERR_p`.
    #[serde(serialize_with = "nan_as_null")]
    pub error_rate_difference: f64,
    /// `ERR_u / ERR_p`.
    #[serde(serialize_with = "nan_as_null")]
    pub error_rate_ratio: f64,
    /// `FPR_u / FPR_p`.
    #[serde(serialize_with = "nan_as_null")]
    pub false_positive_rate_ratio: f64,
    /// `FNR_u / FNR_p`.
    #[serde(serialize_with = "nan_as_null")]
    pub false_negative_rate_ratio: f64,
    /// `PPV_u − PPV_p`.
    #[serde(serialize_with = "nan_as_null")]
    pub positive_predictive_value_difference: f64,
    /// `½[(PPV_u − PPV_p) + (FOR_u − FOR_p)]` with `FOR = FN / (FN + TN)` (0 when undefined).
    #[serde(serialize_with = "nan_as_null")]
    pub average_predictive_value_difference: f64,
    /// PPV of the privileged group (0 without predicted positives).
    #[serde(serialize_with = "nan_as_null")]
    pub privileged_positive_predictive_value: f64,
    /// PPV of the unprivileged group.
    #[serde(serialize_with = "nan_as_null")]
    pub unprivileged_positive_predictive_value: f64,
    /// NPV of the privileged group (0 without predicted negatives).
    #[serde(serialize_with = "nan_as_null")]
    pub privileged_negative_predictive_value: f64,
    /// NPV of the unprivileged group.
    #[serde(serialize_with = "nan_as_null")]
    pub unprivileged_negative_predictive_value: f64,
    /// On the labels alone: `base_u / base_p`.
    #[serde(serialize_with = "nan_as_null")]
    pub label_disparate_impact: f64,
    /// On the labels alone: `base_u − base_p`.
    #[serde(serialize_with = "nan_as_null")]
    pub label_statistical_parity_difference: f64,
}

fn rate(c: &Confusion, m: Metric) -> f64 {
    c.rate_with(m, ZeroDivision::NaN)
}

fn ratio_or_zero(num: f64, den: f64) -> f64 {
    if den == 0.0 { 0.0 } else { num / den }
}

impl TwoGroupMetrics {
    /// Computes the metrics.
    ///
    /// # Errors
    /// Inputs of different lengths, invalid weights, a specification naming an unknown column,
    /// overlapping specifications, or a specification that matches no row.
    pub fn compute(
        y_true: &[bool],
        y_pred: &[bool],
        groups: &Groups,
        weights: Option<&[f64]>,
        privileged: &GroupSpec,
        unprivileged: &GroupSpec,
    ) -> Result<Self> {
        let schema = groups.schema();
        let (is_p, is_u) = (privileged.matches(schema)?, unprivileged.matches(schema)?);
        if let Some(code) = (0..is_p.len()).find(|&k| is_p[k] && is_u[k]) {
            return Err(invalid(
                "group specification",
                schema.describe(code as u32),
                "is both privileged and unprivileged",
            ));
        }
        let table =
            ConfusionTable::accumulate(y_true, y_pred, groups.codes(), groups.n_groups(), weights)?;
        let sum = |mask: &[bool]| {
            let mut c = Confusion::default();
            (0..mask.len())
                .filter(|&k| mask[k])
                .for_each(|k| c.add(&table.group(k)));
            c
        };
        let (p, u) = (sum(&is_p), sum(&is_u));
        for (c, name) in [(&p, "privileged"), (&u, "unprivileged")] {
            if c.rows == 0 {
                return Err(Error::EmptyGroup {
                    group: name.into(),
                    context: " (no row matches its specification)".into(),
                }
                .into());
            }
        }
        use Metric::*;
        let d = |m: Metric| rate(&u, m) - rate(&p, m);
        let r = |m: Metric| rate(&u, m) / rate(&p, m);
        let (dfpr, dtpr) = (d(FalsePositiveRate), d(TruePositiveRate));
        let ppv = |c: &Confusion| ratio_or_zero(c.tp, c.tp + c.fp);
        let npv = |c: &Confusion| ratio_or_zero(c.tn, c.tn + c.fn_);
        let false_omission = |c: &Confusion| ratio_or_zero(c.fn_, c.fn_ + c.tn);
        Ok(Self {
            disparate_impact: r(SelectionRate),
            statistical_parity_difference: d(SelectionRate),
            equal_opportunity_difference: dtpr,
            average_odds_difference: 0.5 * (dfpr + dtpr),
            average_abs_odds_difference: 0.5 * (dfpr.abs() + dtpr.abs()),
            equalized_odds_difference: dfpr.abs().max(dtpr.abs()),
            error_rate_difference: d(ErrorRate),
            error_rate_ratio: r(ErrorRate),
            false_positive_rate_ratio: r(FalsePositiveRate),
            false_negative_rate_ratio: r(FalseNegativeRate),
            positive_predictive_value_difference: ppv(&u) - ppv(&p),
            average_predictive_value_difference: 0.5
                * ((ppv(&u) - ppv(&p)) + (false_omission(&u) - false_omission(&p))),
            privileged_positive_predictive_value: ppv(&p),
            unprivileged_positive_predictive_value: ppv(&u),
            privileged_negative_predictive_value: npv(&p),
            unprivileged_negative_predictive_value: npv(&u),
            label_disparate_impact: r(BaseRate),
            label_statistical_parity_difference: d(BaseRate),
            privileged: p,
            unprivileged: u,
        })
    }

    /// The four-fifths rule on AIF360's disparate impact (docs/metrics.md#four-fifths-rule): on
    /// `min(DI, 1/DI)`, or on `DI` itself when `directional`. Inconclusive when DI is NaN or either
    /// group has fewer than `min_group_size` rows.
    pub fn four_fifths(
        &self,
        threshold: f64,
        directional: bool,
        min_group_size: u64,
    ) -> RuleStatus {
        let di = self.disparate_impact;
        let v = if directional { di } else { di.min(1.0 / di) };
        if v.is_nan()
            || self.privileged.rows < min_group_size
            || self.unprivileged.rows < min_group_size
        {
            RuleStatus::Inconclusive
        } else if v < threshold {
            RuleStatus::Fail
        } else {
            RuleStatus::Pass
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testutil::o1;

    #[test]
    fn o3() {
        let (y, p, g) = o1();
        let m = TwoGroupMetrics::compute(
            &y,
            &p,
            &g,
            None,
            &GroupSpec::single("g", "a"),
            &GroupSpec::single("g", "b"),
        )
        .unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert_eq!(m.disparate_impact, 1.0 / 3.0);
        assert!(close(m.statistical_parity_difference, -1.0 / 3.0));
        assert!(close(m.average_odds_difference, -0.25));
        assert!(close(m.average_abs_odds_difference, 0.25));
        assert!(close(m.equal_opportunity_difference, -1.0 / 6.0));
        assert_eq!(m.equalized_odds_difference, 1.0 / 3.0);
        assert!(close(m.error_rate_difference, -1.0 / 6.0));
        assert_eq!(m.false_positive_rate_ratio, 0.0);
        assert_eq!(m.privileged_positive_predictive_value, 2.0 / 3.0);
        assert_eq!(m.unprivileged_positive_predictive_value, 1.0);
        assert_eq!(m.privileged_negative_predictive_value, 2.0 / 3.0);
        assert_eq!(m.unprivileged_negative_predictive_value, 0.8);
        assert_eq!(m.label_disparate_impact, 2.0 / 3.0);
        assert!(close(m.label_statistical_parity_difference, -1.0 / 6.0));
        // fairlearn's ratio is min(DI, 1/DI) and its difference |SPD|.
        assert_eq!(m.four_fifths(0.8, false, 6), RuleStatus::Fail);
        assert_eq!(m.four_fifths(0.8, false, 30), RuleStatus::Inconclusive);
    }

    #[test]
    fn zero_denominators_follow_the_classic_api() {
        // E1: b has no positives: TPR_b is NaN, so TPR-based differences are NaN.
        let g = Groups::from_labels("g", &["a", "a", "a", "b", "b", "b"]).unwrap();
        let y = [1, 0, 1, 0, 0, 0].map(|v| v == 1);
        let p = [1, 0, 0, 1, 0, 0].map(|v| v == 1);
        let (a, b) = (GroupSpec::single("g", "a"), GroupSpec::single("g", "b"));
        let m = TwoGroupMetrics::compute(&y, &p, &g, None, &a, &b).unwrap();
        assert!(m.equal_opportunity_difference.is_nan());
        // SR_p = 1/3 > 0 = SR_u ... and the reverse gives +inf.
        let p2 = [0, 0, 0, 1, 0, 0].map(|v| v == 1);
        let m = TwoGroupMetrics::compute(&y, &p2, &g, None, &a, &b).unwrap();
        assert_eq!(m.disparate_impact, f64::INFINITY);
        assert_eq!(m.four_fifths(0.8, false, 1), RuleStatus::Fail);
        assert_eq!(m.four_fifths(0.8, true, 1), RuleStatus::Pass);
    }

    #[test]
    fn bad_specifications() {
        let (y, p, g) = o1();
        let a = GroupSpec::single("g", "a");
        assert!(TwoGroupMetrics::compute(&y, &p, &g, None, &a, &a).is_err());
        let unknown = GroupSpec::single("race", "x");
        assert!(TwoGroupMetrics::compute(&y, &p, &g, None, &a, &unknown).is_err());
        let nobody = GroupSpec::single("g", "z");
        assert!(TwoGroupMetrics::compute(&y, &p, &g, None, &a, &nobody).is_err());
    }
}
