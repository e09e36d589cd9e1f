//! The correlation remover (fairlearn's `CorrelationRemover`).

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use fairkit_core::{FairDataset, GroupSchema, Groups};
use linfa::ParamGuard;
use ndarray::{Array2, ArrayView2, Axis};

use crate::error::check_unit;
use crate::groups::{resolve_rows, unseen};
use crate::{FeatureTransform, FitFeatureTransform, PreprocessingError, Result};

/// Validated parameters of the [`CorrelationRemover`].
#[derive(Debug, Clone, PartialEq)]
pub struct CorrelationRemoverValidParams {
    alpha: f64,
}

/// Parameters of the [`CorrelationRemover`], checked when fitting (linfa's [`ParamGuard`]
/// idiom).
///
/// | name | default | meaning | range |
/// |---|---|---|---|
/// | `alpha` | 1.0 | share of the filtered features in the output (fairlearn's `alpha`) | `[0, 1]` |
#[derive(Debug, Clone, PartialEq)]
pub struct CorrelationRemoverParams(CorrelationRemoverValidParams);

impl Default for CorrelationRemoverParams {
    fn default() -> Self {
        Self(CorrelationRemoverValidParams { alpha: 1.0 })
    }
}

impl CorrelationRemoverParams {
    /// Sets `alpha`: 0 returns the features unchanged, 1 removes all their linear correlation
    /// with the group indicators.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.0.alpha = alpha;
        self
    }
}

impl ParamGuard for CorrelationRemoverParams {
    type Checked = CorrelationRemoverValidParams;
    type Error = PreprocessingError;

    fn check_ref(&self) -> Result<&Self::Checked> {
        check_unit("alpha", self.0.alpha)?;
        Ok(&self.0)
    }

    fn check(self) -> Result<Self::Checked> {
        self.check_ref()?;
        Ok(self.0)
    }
}

impl CorrelationRemoverValidParams {
    /// `alpha`.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
}

impl FitFeatureTransform for CorrelationRemoverValidParams {
    type Object = CorrelationRemover;

    /// Fits the projection on training data: the share of each group and the least-squares
    /// coefficients of every feature on the centred group indicators.
    ///
    /// Sample weights are ignored, as in fairlearn.
    ///
    /// # Errors
    /// No rows, or a single group with rows (and, through the unchecked parameters, `alpha`
    /// outside `[0, 1]` or NaN).
    fn fit(&self, data: &FairDataset) -> Result<CorrelationRemover> {
        let groups = data.groups();
        groups.require_two_groups()?;
        let x = data.features();
        let n = x.nrows() as f64;
        let counts = groups.counts();
        // Work relative to the first row: a constant feature then has exactly zero
        // coefficients, and cancellation is smaller.
        let origin = x.row(0).to_owned();
        let mut sums = Array2::<f64>::zeros((groups.n_groups(), x.ncols()));
        for (row, &c) in x.rows().into_iter().zip(groups.codes()) {
            let mut s = sums.row_mut(c as usize);
            s += &row;
            s -= &origin;
        }
        let overall = sums.sum_axis(Axis(0)) / n;
        let mut coefficients = sums;
        for (mut row, &count) in coefficients.rows_mut().into_iter().zip(&counts) {
            if count > 0 {
                row /= count as f64;
                row -= &overall;
            }
        }
        Ok(CorrelationRemover {
            alpha: self.alpha,
            schema: Arc::clone(groups.schema_arc()),
            shares: counts.iter().map(|&c| c as f64 / n).collect(),
            coefficients,
        })
    }
}

/// A fitted correlation remover.
///
/// fairlearn's `CorrelationRemover` regresses every non-sensitive feature `z` on the centred
/// sensitive columns `S − s̄` by least squares (no intercept), and returns
/// `α · (z − (S − s̄) β) + (1 − α) · z`. In fairkit the sensitive attribute is not a feature
/// column, so `S` is the **one-hot encoding of the group codes** (one indicator column per group
/// with rows at fit time) and every feature column is filtered.
///
/// The indicators sum to one, so the centred columns span the vectors that are constant within
/// groups and sum to zero. The least-squares fit is then the group mean minus the overall mean,
/// and the filtered value of row `i` in group `g` is `z_i − (mean_g(z) − mean(z))`: after a full
/// filter (`α = 1`) every group has the same mean of every feature, i.e. no linear correlation
/// with the group indicators. The coefficients stored are `β_g = mean_g(z) − mean(z)`; they are
/// one of the least-squares solutions (fairlearn's `lstsq` returns the minimum-norm one, which
/// differs by a constant per feature that the centred indicators cancel), so the transformed
/// values are the same. Sample weights are ignored, as in fairlearn.
///
/// Relation to fairlearn's usage: passing `X = [features | one-hot group columns]` with
/// `sensitive_feature_ids` = the one-hot columns gives fairkit's output (fairlearn drops the
/// sensitive columns). With two groups a single 0/1 group column gives the same result, since
/// it spans the same centred space. If a user's features also contain sensitive columns,
/// fairkit filters them like any feature rather than dropping them.
///
/// `transform` applies the stored means to new data: row `i` of group `g` becomes
/// `x_i − α·β_g`.
///
/// ```
/// use fairkit_core::{FairDataset, Groups};
/// use fairkit_preprocessing::{CorrelationRemover, FitFeatureTransform};
/// use ndarray::array;
///
/// let g = Groups::from_labels("g", &["a", "a", "b", "b"])?;
/// let data = FairDataset::new(array![[1.0], [3.0], [5.0], [7.0]], vec![true, false, true, false], g)?;
/// let out = CorrelationRemover::params().fit_transform(&data)?;
/// // Group means 2 and 6, overall mean 4: each group is shifted onto the overall mean.
/// assert_eq!(out.features().column(0).to_vec(), [3.0, 5.0, 3.0, 5.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorrelationRemover {
    alpha: f64,
    schema: Arc<GroupSchema>,
    /// The mean of each group's indicator at fit time (its share of the rows), by code.
    shares: Vec<f64>,
    /// `β`: one row per group code, one column per feature.
    coefficients: Array2<f64>,
}

impl CorrelationRemover {
    /// Parameters with the default `alpha = 1`.
    pub fn params() -> CorrelationRemoverParams {
        CorrelationRemoverParams::default()
    }

    /// `alpha`.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The share of the fitting rows in each group (the mean `s̄` of its indicator), by code.
    pub fn shares(&self) -> &[f64] {
        &self.shares
    }

    /// The coefficients `β`: row `g` holds `mean_g(x_j) − mean(x_j)` for every feature `j`
    /// (zeros for a group without rows at fit time).
    pub fn coefficients(&self) -> ArrayView2<'_, f64> {
        self.coefficients.view()
    }
}

impl FeatureTransform for CorrelationRemover {
    fn n_features(&self) -> usize {
        self.coefficients.ncols()
    }

    fn name(&self) -> &'static str {
        "correlation remover"
    }

    /// Checks that a deserialized filter is consistent, so that
    /// [`transform_features`](FeatureTransform::transform_features) cannot panic: `alpha` in
    /// `[0, 1]`, one share in `[0, 1]` and one row of finite coefficients per group of the
    /// schema.
    ///
    /// # Errors
    /// [`fairkit_core::Error::Inconsistent`] naming what does not fit.
    fn validate(&self) -> fairkit_core::Result<()> {
        check_unit("alpha", self.alpha)?;
        let n = self.schema.n_groups();
        let reason = if self.shares.len() != n || self.coefficients.nrows() != n {
            format!(
                "{} shares and {} coefficient rows for {n} groups",
                self.shares.len(),
                self.coefficients.nrows()
            )
        } else if !self.shares.iter().all(|s| (0.0..=1.0).contains(s)) {
            "a group share is outside [0, 1]".into()
        } else if !self.coefficients.iter().all(|c| c.is_finite()) {
            "a coefficient is not finite".into()
        } else {
            return Ok(());
        };
        Err(fairkit_core::Error::inconsistent(
            "correlation remover",
            reason,
        ))
    }

    /// Filters a feature matrix whose rows belong to `groups`: row `i` of group `g` becomes
    /// `x_i − α·β_g`.
    fn transform_features(
        &self,
        x: ArrayView2<'_, f64>,
        groups: &Groups,
    ) -> fairkit_core::Result<Array2<f64>> {
        let codes = resolve_rows(&self.schema, self.n_features(), x, groups)?;
        let mut out = x.to_owned();
        for (mut row, &c) in out.rows_mut().into_iter().zip(&codes) {
            if self.shares[c as usize] == 0.0 {
                return Err(unseen(&self.schema, c));
            }
            row.scaled_add(-self.alpha, &self.coefficients.row(c as usize));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fairkit_core::Groups;
    use ndarray::array;

    #[test]
    fn validate_accepts_a_fit_and_refuses_inconsistent_tables() {
        let g = Groups::from_labels("g", &["a", "a", "b", "b"]).unwrap();
        let x = array![[1.0, 2.0], [3.0, 1.0], [5.0, 0.0], [7.0, 4.0]];
        let data = FairDataset::new(x, vec![true, false, true, false], g).unwrap();
        let fitted = CorrelationRemover::params().fit(&data).unwrap();
        fitted.validate().unwrap();
        let refused = |edit: fn(&mut CorrelationRemover), needle: &str| {
            let mut r = fitted.clone();
            edit(&mut r);
            let err = r.validate().unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        };
        refused(
            |r| r.shares.truncate(1),
            "1 shares and 2 coefficient rows for 2 groups",
        );
        refused(
            |r| r.coefficients = Array2::zeros((3, 2)),
            "2 shares and 3 coefficient rows",
        );
        refused(|r| r.shares[0] = 1.5, "share is outside [0, 1]");
        refused(|r| r.coefficients[[1, 1]] = f64::INFINITY, "not finite");
        refused(|r| r.alpha = -0.1, "alpha");
    }
}
