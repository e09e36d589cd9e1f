use fairkit_core::Error as CoreError;
use linfa::ParamGuard;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Checked parameters of the weighted [`Logistic`](super::Logistic) regression.
///
/// | name | default | purpose | range |
/// |---|---|---|---|
/// | `alpha` | 1.0 | L2 strength on the coefficients (scikit-learn's `C = 1/alpha`); the intercept is not penalised | `>= 0` |
/// | `fit_intercept` | true | fit an intercept | |
/// | `max_iterations` | 1000 | L-BFGS iteration limit (scikit-learn's `max_iter`) | `>= 1` |
/// | `gradient_tolerance` | 1e-4 | stop when the L2 norm of the gradient of the weight-averaged objective falls below it (scikit-learn stops when the largest entry does, `tol = 1e-4`) | `> 0` |
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogisticValidParams {
    pub(crate) alpha: f64,
    pub(crate) fit_intercept: bool,
    pub(crate) max_iterations: u64,
    pub(crate) gradient_tolerance: f64,
}

impl Default for LogisticValidParams {
    fn default() -> Self {
        Self {
            alpha: 1.0,
            fit_intercept: true,
            max_iterations: 1000,
            gradient_tolerance: 1e-4,
        }
    }
}

impl LogisticValidParams {
    /// L2 strength on the coefficients.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Whether an intercept is fitted.
    pub fn fit_intercept(&self) -> bool {
        self.fit_intercept
    }

    /// The L-BFGS iteration limit.
    pub fn max_iterations(&self) -> u64 {
        self.max_iterations
    }

    /// The gradient-norm stopping tolerance (on the weight-averaged objective).
    pub fn gradient_tolerance(&self) -> f64 {
        self.gradient_tolerance
    }
}

/// Unchecked parameters of the weighted [`Logistic`](super::Logistic) regression: a consuming
/// builder, validated by [`ParamGuard::check`] (or implicitly by `fit`).
///
/// ```
/// use fairkit_learners::Logistic;
/// use linfa::ParamGuard;
///
/// let params = Logistic::params().alpha(0.5).max_iterations(200).check().unwrap();
/// assert_eq!(params.alpha(), 0.5);
/// assert!(Logistic::params().alpha(-1.0).check().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LogisticParams(pub(crate) LogisticValidParams);

impl LogisticParams {
    /// The defaults (see [`LogisticValidParams`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the L2 strength (`C = 1/alpha`).
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.0.alpha = alpha;
        self
    }

    /// Fits an intercept or not.
    pub fn fit_intercept(mut self, fit_intercept: bool) -> Self {
        self.0.fit_intercept = fit_intercept;
        self
    }

    /// Sets the iteration limit.
    pub fn max_iterations(mut self, max_iterations: u64) -> Self {
        self.0.max_iterations = max_iterations;
        self
    }

    /// Sets the gradient-norm tolerance.
    pub fn gradient_tolerance(mut self, gradient_tolerance: f64) -> Self {
        self.0.gradient_tolerance = gradient_tolerance;
        self
    }
}

impl ParamGuard for LogisticParams {
    type Checked = LogisticValidParams;
    type Error = Error;

    fn check_ref(&self) -> Result<&LogisticValidParams> {
        let p = &self.0;
        if !(p.alpha.is_finite() && p.alpha >= 0.0) {
            return Err(CoreError::invalid("alpha", p.alpha, "must be finite and >= 0").into());
        }
        if p.max_iterations == 0 {
            return Err(CoreError::invalid("max_iterations", 0, "must be at least 1").into());
        }
        if !(p.gradient_tolerance.is_finite() && p.gradient_tolerance > 0.0) {
            return Err(CoreError::invalid(
                "gradient_tolerance",
                p.gradient_tolerance,
                "must be finite and > 0",
            )
            .into());
        }
        Ok(p)
    }

    fn check(self) -> Result<LogisticValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}
