//! Weighted logistic regression: L2-penalised (intercept free), fitted with L-BFGS.

mod algorithm;
mod hyperparams;

pub use hyperparams::{LogisticParams, LogisticValidParams};

use fairkit_core::{Classifier, Learner, LearnerError, WeightSupport};
use linfa::ParamGuard;
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

pub(crate) use algorithm::sigmoid;

/// A fitted logistic regression: `P(y = 1 | x) = sigmoid(x . coefficients + intercept)`.
///
/// Made by [`LogisticParams`] (the weighted regression of this crate), which minimises
/// `sum_i w_i log(1 + exp(-y_i z_i)) + alpha/2 |beta|^2` with `y_i` in {-1, +1} and label `true`
/// as the positive class, and also by [`LinfaLogistic`](crate::LinfaLogistic).
///
/// ```
/// use fairkit_core::{Classifier, Learner};
/// use fairkit_learners::Logistic;
/// use ndarray::array;
///
/// let x = array![[0.0], [1.0], [2.0], [3.0]];
/// let y = array![false, true, false, true];
/// let model = Logistic::params().fit(x.view(), y.view(), None).unwrap();
/// assert!(model.converged());
/// let p = model.score(x.view());
/// assert!(p[3] > p[0]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logistic {
    pub(crate) coefficients: Vec<f64>,
    pub(crate) intercept: f64,
    pub(crate) iterations: u64,
    pub(crate) converged: bool,
}

impl Logistic {
    /// The default parameters, to be adjusted with the builder methods.
    pub fn params() -> LogisticParams {
        LogisticParams::new()
    }

    /// A model from given coefficients and intercept.
    pub fn from_parts(coefficients: Vec<f64>, intercept: f64) -> Self {
        Self {
            coefficients,
            intercept,
            iterations: 0,
            converged: true,
        }
    }

    /// The coefficients, one per feature.
    pub fn coefficients(&self) -> &[f64] {
        &self.coefficients
    }

    /// The intercept (0 when none was fitted).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// L-BFGS iterations used.
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// Whether the solver met its tolerance before the iteration limit.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// The linear predictor `x . coefficients + intercept` (log-odds of label `true`).
    ///
    /// # Panics
    /// If `x` does not have [`n_features`](Classifier::n_features) columns.
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        x.dot(&ArrayView1::from(&self.coefficients[..])) + self.intercept
    }

    /// Probabilities of label `true`.
    pub fn predict_probabilities(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        self.decision_function(x).mapv(sigmoid)
    }
}

impl Classifier for Logistic {
    fn n_features(&self) -> usize {
        self.coefficients.len()
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
        self.decision_function(x).mapv(|z| z > 0.0)
    }

    fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        self.predict_probabilities(x)
    }
}

impl Learner for LogisticParams {
    type Model = Logistic;

    fn name(&self) -> String {
        "logistic".into()
    }

    fn weight_support(&self) -> WeightSupport {
        WeightSupport::Honoured
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<Logistic, LearnerError> {
        self.fit_warm(x, y, weights, None)
    }

    /// Starts L-BFGS from `warm`'s coefficients and intercept when it has as many features as
    /// `x` (from zero otherwise).
    fn fit_warm(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
        warm: Option<&Logistic>,
    ) -> Result<Logistic, LearnerError> {
        self.check_ref()
            .and_then(|params| algorithm::fit(params, x, y, weights, warm))
            .map_err(|e| LearnerError::new(self.name(), e))
    }
}
