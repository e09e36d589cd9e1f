//! Gaussian naive Bayes with sample weights (scikit-learn's `GaussianNB`).
//!
//! linfa-bayes' `GaussianNb` is not used: it never reads `DatasetBase::weights` (class counts
//! are row counts, means and variances unweighted), so it cannot be refitted by a reduction.

use fairkit_core::{Classifier, Error as CoreError, Learner, LearnerError, WeightSupport};
use linfa::ParamGuard;
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::input::check_fit;
use crate::logistic::sigmoid;
use crate::{LearnersError, Result};

/// Checked parameters of the Gaussian [`NaiveBayes`].
///
/// | name | default | purpose | range |
/// |---|---|---|---|
/// | `var_smoothing` | 1e-9 | share of the largest feature variance added to every variance (scikit-learn's `var_smoothing`) | `>= 0` |
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NaiveBayesValidParams {
    pub(crate) var_smoothing: f64,
}

impl Default for NaiveBayesValidParams {
    fn default() -> Self {
        Self {
            var_smoothing: 1e-9,
        }
    }
}

impl NaiveBayesValidParams {
    /// The variance smoothing.
    pub fn var_smoothing(&self) -> f64 {
        self.var_smoothing
    }
}

/// Unchecked parameters of the Gaussian [`NaiveBayes`]: a consuming builder.
///
/// ```
/// use fairkit_learners::NaiveBayes;
/// use linfa::ParamGuard;
///
/// assert_eq!(NaiveBayes::params().check().unwrap().var_smoothing(), 1e-9);
/// assert!(NaiveBayes::params().var_smoothing(-1.0).check().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NaiveBayesParams(pub(crate) NaiveBayesValidParams);

impl NaiveBayesParams {
    /// The defaults (see [`NaiveBayesValidParams`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the variance smoothing.
    pub fn var_smoothing(mut self, var_smoothing: f64) -> Self {
        self.0.var_smoothing = var_smoothing;
        self
    }
}

impl ParamGuard for NaiveBayesParams {
    type Checked = NaiveBayesValidParams;
    type Error = LearnersError;

    fn check_ref(&self) -> Result<&NaiveBayesValidParams> {
        let v = self.0.var_smoothing;
        if !(v.is_finite() && v >= 0.0) {
            return Err(CoreError::invalid("var_smoothing", v, "must be finite and >= 0").into());
        }
        Ok(&self.0)
    }

    fn check(self) -> Result<NaiveBayesValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// A fitted Gaussian naive Bayes model. Index 0 of each pair is label `false`, 1 label `true`.
///
/// Fitting, as scikit-learn's `GaussianNB` with `sample_weight`: each class's prior is its
/// share of the total weight, each feature's mean and variance within a class are weighted
/// (the variance divided by the class weight, not by `n − 1`), and every variance is increased
/// by `epsilon = var_smoothing × (largest variance of a feature over all rows)`. That largest
/// variance is weighted too, so that integer weights act exactly as duplicated rows
/// (scikit-learn takes it unweighted: with weights the two differ by about `1e-9` of a
/// variance, without weights not at all). When every feature is constant (where scikit-learn
/// divides by zero) `epsilon = var_smoothing`. Rows of zero weight contribute nothing, exactly
/// as if absent.
///
/// [`score`](Classifier::score) is the posterior probability of label `true` (scikit-learn's
/// `predict_proba`), [`predict`](Classifier::predict) the label of the larger joint
/// log-likelihood (ties to `false`).
///
/// ```
/// use fairkit_core::{Classifier, Learner};
/// use fairkit_learners::NaiveBayes;
/// use ndarray::array;
///
/// let x = array![[-2.0], [-1.0], [-1.5], [1.0], [2.0], [1.5]];
/// let y = array![false, false, false, true, true, true];
/// let nb = NaiveBayes::params().fit(x.view(), y.view(), None).unwrap();
/// assert_eq!(nb.predict(x.view()), y);
/// assert_eq!(nb.means()[1], vec![1.5]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NaiveBayes {
    /// Prior of each class.
    class_prior: [f64; 2],
    /// Mean of each feature in each class.
    theta: [Vec<f64>; 2],
    /// Variance of each feature in each class, `epsilon` included.
    var: [Vec<f64>; 2],
    /// The variance added for stability.
    epsilon: f64,
}

impl NaiveBayes {
    /// The default parameters, to be adjusted with the builder methods.
    pub fn params() -> NaiveBayesParams {
        NaiveBayesParams::new()
    }

    /// The class priors (`false`, `true`).
    pub fn priors(&self) -> [f64; 2] {
        self.class_prior
    }

    /// The per-class feature means.
    pub fn means(&self) -> &[Vec<f64>; 2] {
        &self.theta
    }

    /// The per-class feature variances (smoothing included).
    pub fn variances(&self) -> &[Vec<f64>; 2] {
        &self.var
    }

    /// The variance added to every feature.
    pub fn epsilon(&self) -> f64 {
        self.epsilon
    }

    /// Checks a deserialized model: priors in `(0, 1)`, finite means, positive finite
    /// variances, one of each per feature in both classes.
    ///
    /// # Errors
    /// [`fairkit_core::Error::Inconsistent`].
    pub fn validate(&self) -> Result<()> {
        let bad =
            |reason: String| LearnersError::from(CoreError::inconsistent("naive Bayes", reason));
        let d = self.theta[0].len();
        if self.theta[1].len() != d || self.var.iter().any(|v| v.len() != d) {
            return Err(bad("its classes have different numbers of features".into()));
        }
        if let Some(p) = self.class_prior.iter().find(|p| !(**p > 0.0 && **p < 1.0)) {
            return Err(bad(format!("a class prior is {p}")));
        }
        if let Some(m) = self.theta.iter().flatten().find(|m| !m.is_finite()) {
            return Err(bad(format!("a mean is {m}")));
        }
        if let Some(v) = self
            .var
            .iter()
            .flatten()
            .find(|v| !(v.is_finite() && **v > 0.0))
        {
            return Err(bad(format!("a variance is {v}")));
        }
        Ok(())
    }

    /// The joint log-likelihood of each row under label `true` minus that under `false`.
    ///
    /// # Panics
    /// If `x` does not have [`n_features`](Classifier::n_features) columns.
    pub fn log_odds(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        assert_eq!(x.ncols(), self.theta[0].len(), "one column per feature");
        let constant: [f64; 2] = std::array::from_fn(|c| {
            self.class_prior[c].ln()
                - 0.5
                    * self.var[c]
                        .iter()
                        .map(|v| (2.0 * std::f64::consts::PI * v).ln())
                        .sum::<f64>()
        });
        x.rows()
            .into_iter()
            .map(|row| {
                let [negative, positive]: [f64; 2] = std::array::from_fn(|c| {
                    let quadratic: f64 = row
                        .iter()
                        .zip(&self.theta[c])
                        .zip(&self.var[c])
                        .map(|((x, m), v)| (x - m) * (x - m) / v)
                        .sum();
                    constant[c] - 0.5 * quadratic
                });
                positive - negative
            })
            .collect()
    }
}

impl Classifier for NaiveBayes {
    fn n_features(&self) -> usize {
        self.theta[0].len()
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
        self.log_odds(x).mapv(|z| z > 0.0)
    }

    fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        self.log_odds(x).mapv(sigmoid)
    }
}

/// Weighted means and (biased) variances of the columns of `x` over the rows where
/// `in_class` holds, with the rows' total weight.
fn moments(
    x: ArrayView2<'_, f64>,
    w: &[f64],
    in_class: impl Fn(usize) -> bool,
) -> (Vec<f64>, Vec<f64>, f64) {
    let d = x.ncols();
    let mut total = 0.0;
    let mut mean = vec![0.0; d];
    for (i, row) in x.rows().into_iter().enumerate() {
        if in_class(i) && w[i] > 0.0 {
            total += w[i];
            for (m, v) in mean.iter_mut().zip(row) {
                *m += w[i] * v;
            }
        }
    }
    mean.iter_mut().for_each(|m| *m /= total);
    let mut var = vec![0.0; d];
    for (i, row) in x.rows().into_iter().enumerate() {
        if in_class(i) && w[i] > 0.0 {
            for ((s, v), m) in var.iter_mut().zip(row).zip(&mean) {
                *s += w[i] * (v - m) * (v - m);
            }
        }
    }
    var.iter_mut().for_each(|s| *s /= total);
    (mean, var, total)
}

fn fit(
    params: &NaiveBayesValidParams,
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
) -> Result<NaiveBayes> {
    check_fit(x, y, weights)?;
    let w = weights.map_or_else(|| vec![1.0; x.nrows()], |w| w.to_vec());
    let (_, all_var, _) = moments(x, &w, |_| true);
    let largest = all_var.iter().copied().fold(0.0, f64::max);
    let epsilon = params.var_smoothing * if largest > 0.0 { largest } else { 1.0 };
    let [(theta0, var0, w0), (theta1, var1, w1)] =
        [false, true].map(|label| moments(x, &w, |i| y[i] == label));
    let smooth = |v: Vec<f64>| v.into_iter().map(|s| s + epsilon).collect::<Vec<f64>>();
    let (var0, var1) = (smooth(var0), smooth(var1));
    if var0.iter().chain(&var1).any(|&v| v <= 0.0) {
        return Err(CoreError::invalid(
            "var_smoothing",
            params.var_smoothing,
            "must be positive: a feature is constant within a class",
        )
        .into());
    }
    Ok(NaiveBayes {
        class_prior: [w0 / (w0 + w1), w1 / (w0 + w1)],
        theta: [theta0, theta1],
        var: [var0, var1],
        epsilon,
    })
}

impl Learner for NaiveBayesParams {
    type Model = NaiveBayes;

    fn name(&self) -> String {
        "naive-bayes".into()
    }

    fn weight_support(&self) -> WeightSupport {
        WeightSupport::Honoured
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<NaiveBayes, LearnerError> {
        self.check_ref()
            .and_then(|params| fit(params, x, y, weights))
            .map_err(|e| LearnerError::new(self.name(), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    #[test]
    fn autotraits() {
        fn has<T: Send + Sync + Unpin + Sized>() {}
        has::<NaiveBayes>();
        has::<NaiveBayesParams>();
    }

    #[test]
    fn a_hand_checked_model() {
        // class false: 0, 2 (mean 1, variance 1); class true: 4, 6 (mean 5, variance 1);
        // all rows: variance 5, so epsilon = 5e-9
        let x = array![[0.0], [2.0], [4.0], [6.0]];
        let y = array![false, false, true, true];
        let nb = NaiveBayes::params().fit(x.view(), y.view(), None).unwrap();
        assert_eq!(nb.priors(), [0.5, 0.5]);
        assert_eq!(nb.means(), &[vec![1.0], vec![5.0]]);
        assert_eq!(nb.epsilon(), 5e-9);
        assert_eq!(nb.variances(), &[vec![1.0 + 5e-9], vec![1.0 + 5e-9]]);
        // halfway the log-odds are zero: label false; the posterior is the logistic of
        // (x - 3) * 4 / (2 var)
        let probe = array![[3.0], [3.5]];
        assert_eq!(nb.predict(probe.view()).to_vec(), vec![false, true]);
        let p = nb.score(probe.view());
        assert_abs_diff_eq!(p[0], 0.5, epsilon = 1e-12);
        let z: f64 = 0.5 * 4.0 / (1.0 + 5e-9);
        assert_abs_diff_eq!(p[1], 1.0 / (1.0 + (-z).exp()), epsilon = 1e-12);
    }

    #[test]
    fn weights_weigh_means_variances_and_priors() {
        let x = array![[0.0], [2.0], [4.0], [6.0]];
        let y = array![false, false, true, true];
        let w = array![3.0, 1.0, 1.0, 1.0];
        let nb = NaiveBayes::params()
            .fit(x.view(), y.view(), Some(w.view()))
            .unwrap();
        assert_eq!(nb.priors(), [4.0 / 6.0, 2.0 / 6.0]);
        // class false: weighted mean 0.5, variance (3 * 0.25 + 2.25) / 4 = 0.75
        assert_eq!(nb.means()[0], vec![0.5]);
        assert_abs_diff_eq!(nb.variances()[0][0], 0.75, epsilon = 1e-8);
    }

    #[test]
    fn validate_refuses_broken_models() {
        let x = array![[0.0, 1.0], [2.0, 0.0], [4.0, 1.0], [6.0, 3.0]];
        let y = array![false, false, true, true];
        let nb = NaiveBayes::params().fit(x.view(), y.view(), None).unwrap();
        nb.validate().unwrap();
        let json = serde_json::to_value(&nb).unwrap();
        for (pointer, value, needle) in [
            ("/var/1/0", serde_json::json!(0.0), "a variance is 0"),
            (
                "/class_prior/0",
                serde_json::json!(1.5),
                "a class prior is 1.5",
            ),
            (
                "/theta/1",
                serde_json::json!([1.0]),
                "different numbers of features",
            ),
        ] {
            let mut broken = json.clone();
            *broken.pointer_mut(pointer).unwrap() = value;
            let b: NaiveBayes = serde_json::from_value(broken).unwrap();
            let err = b.validate().unwrap_err().to_string();
            assert!(err.contains(needle), "{pointer}: {err}");
        }
    }

    #[test]
    fn constant_features_need_smoothing() {
        let x = array![[1.0], [1.0], [1.0], [1.0]];
        let y = array![false, true, false, true];
        let nb = NaiveBayes::params().fit(x.view(), y.view(), None).unwrap();
        assert_eq!(nb.epsilon(), 1e-9);
        assert_eq!(nb.score(x.view()).to_vec(), vec![0.5; 4]);
        let err = NaiveBayes::params()
            .var_smoothing(0.0)
            .fit(x.view(), y.view(), None)
            .unwrap_err();
        assert!(err.message.contains("var_smoothing"), "{err}");
        let err = NaiveBayes::params()
            .var_smoothing(f64::NAN)
            .fit(x.view(), y.view(), None)
            .unwrap_err();
        assert!(err.message.contains("var_smoothing"), "{err}");
    }
}
