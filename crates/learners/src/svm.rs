//! Linear support vector machine with scikit-learn's `LinearSVC` objective (squared hinge loss,
//! L2 penalty, penalised intercept), solved exactly by Newton-Cholesky.

use fairkit_core::WeightSupport;
use fairkit_core::{Classifier, Error as CoreError, FeatureCache, Learner, LearnerError};
use linfa::ParamGuard;
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::logistic::CachedRows;
use crate::newton::{self, SparseRows};
use crate::{LearnersError, Result};

/// Checked parameters of the linear [`Svm`].
///
/// | name | default | purpose | range |
/// |---|---|---|---|
/// | `c` | 1.0 | inverse regularisation strength (scikit-learn's `C`) | `> 0` |
/// | `fit_intercept` | true | fit an intercept, penalised like a coefficient (scikit-learn's `intercept_scaling = 1`) | |
/// | `max_iterations` | 1000 | Newton iterations (scikit-learn's `max_iter`) | `>= 1` |
/// | `tolerance` | 1e-10 | stop when the gradient norm falls below this share of its norm at zero | `> 0` |
///
/// The objective is scikit-learn's `LinearSVC` (`loss="squared_hinge"`, `penalty="l2"`):
/// `½ (|β|² + b²) + C Σ_i w_i max(0, 1 − y_i (x_i · β + b))²` with `y_i` in {−1, +1}; sample
/// weights scale each row's `C` as liblinear does. The solver is Newton's method with the
/// generalized Hessian (liblinear's primal solver uses a trust-region Newton method on the same
/// objective); it runs to the optimum rather than stopping at liblinear's `tol = 1e-4`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SvmValidParams {
    pub(crate) c: f64,
    pub(crate) fit_intercept: bool,
    pub(crate) max_iterations: u64,
    pub(crate) tolerance: f64,
}

impl Default for SvmValidParams {
    fn default() -> Self {
        Self {
            c: 1.0,
            fit_intercept: true,
            max_iterations: 1000,
            tolerance: 1e-10,
        }
    }
}

impl SvmValidParams {
    /// The inverse regularisation strength.
    pub fn c(&self) -> f64 {
        self.c
    }

    /// Whether an intercept is fitted.
    pub fn fit_intercept(&self) -> bool {
        self.fit_intercept
    }

    /// The iteration limit.
    pub fn max_iterations(&self) -> u64 {
        self.max_iterations
    }

    /// The relative gradient tolerance.
    pub fn tolerance(&self) -> f64 {
        self.tolerance
    }

    fn problem(&self) -> newton::Problem {
        newton::Problem {
            loss: newton::Loss::SquaredHinge,
            alpha: 1.0 / self.c,
            fit_intercept: self.fit_intercept,
            penalize_intercept: true,
            max_iterations: self.max_iterations,
            gradient_tolerance: 0.0,
            relative_tolerance: self.tolerance,
        }
    }
}

/// Unchecked parameters of the linear [`Svm`]: a consuming builder.
///
/// ```
/// use fairkit_learners::Svm;
/// use linfa::ParamGuard;
///
/// let params = Svm::params().c(0.5).check().unwrap();
/// assert_eq!(params.c(), 0.5);
/// assert!(Svm::params().c(0.0).check().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SvmParams(pub(crate) SvmValidParams);

impl SvmParams {
    /// The defaults (see [`SvmValidParams`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `C`.
    pub fn c(mut self, c: f64) -> Self {
        self.0.c = c;
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

    /// Sets the relative gradient tolerance.
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.0.tolerance = tolerance;
        self
    }
}

impl ParamGuard for SvmParams {
    type Checked = SvmValidParams;
    type Error = LearnersError;

    fn check_ref(&self) -> Result<&SvmValidParams> {
        let p = &self.0;
        if !(p.c.is_finite() && p.c > 0.0) {
            return Err(CoreError::invalid("c", p.c, "must be finite and > 0").into());
        }
        if p.max_iterations == 0 {
            return Err(CoreError::invalid("max_iterations", 0, "must be at least 1").into());
        }
        if !(p.tolerance.is_finite() && p.tolerance > 0.0) {
            return Err(
                CoreError::invalid("tolerance", p.tolerance, "must be finite and > 0").into(),
            );
        }
        Ok(p)
    }

    fn check(self) -> Result<SvmValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// A fitted linear SVM: the decision function `x · coefficients + intercept`.
/// [`predict`](Classifier::predict) is `decision > 0` (as scikit-learn's `LinearSVC.predict`);
/// [`score`](Classifier::score) is the decision value itself, not a probability: the threshold
/// optimizer ranks rows by it, and the `score` column of `--predictions` holds it.
///
/// ```
/// use fairkit_core::{Classifier, Learner};
/// use fairkit_learners::Svm;
/// use ndarray::array;
///
/// let x = array![[-2.0], [-1.0], [1.0], [2.0]];
/// let y = array![false, false, true, true];
/// let svm = Svm::params().fit(x.view(), y.view(), None).unwrap();
/// assert!(svm.converged());
/// assert_eq!(svm.predict(x.view()), y);
/// assert!(svm.score(x.view())[3] > 1.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Svm {
    coefficients: Vec<f64>,
    intercept: f64,
    iterations: u64,
    converged: bool,
}

impl Svm {
    /// The default parameters, to be adjusted with the builder methods.
    pub fn params() -> SvmParams {
        SvmParams::new()
    }

    /// The coefficients, one per feature.
    pub fn coefficients(&self) -> &[f64] {
        &self.coefficients
    }

    /// The intercept (0 when none was fitted).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// Newton iterations used.
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// Whether the solver met its tolerance before the iteration limit.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Checks that the coefficients and intercept are finite.
    ///
    /// # Errors
    /// [`fairkit_core::Error::Inconsistent`].
    pub fn validate(&self) -> Result<()> {
        if let Some(c) = self
            .coefficients
            .iter()
            .chain([&self.intercept])
            .find(|c| !c.is_finite())
        {
            return Err(
                CoreError::inconsistent("linear SVM", format!("a coefficient is {c}")).into(),
            );
        }
        Ok(())
    }

    /// The decision function `x · coefficients + intercept`.
    ///
    /// # Panics
    /// If `x` does not have [`n_features`](Classifier::n_features) columns.
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        x.dot(&ArrayView1::from(&self.coefficients[..])) + self.intercept
    }
}

impl Classifier for Svm {
    fn n_features(&self) -> usize {
        self.coefficients.len()
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
        self.decision_function(x).mapv(|z| z > 0.0)
    }

    fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        self.decision_function(x)
    }
}

fn fit(
    params: &SvmValidParams,
    rows: &SparseRows,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
    warm: Option<&Svm>,
) -> Result<Svm> {
    let warm = warm.map(|m| (&m.coefficients[..], m.intercept));
    let s = newton::fit(&params.problem(), rows, y, weights, warm)?;
    Ok(Svm {
        coefficients: s.coefficients,
        intercept: s.intercept,
        iterations: s.iterations,
        converged: s.converged,
    })
}

impl Learner for SvmParams {
    type Model = Svm;

    fn name(&self) -> String {
        "svm".into()
    }

    fn weight_support(&self) -> WeightSupport {
        WeightSupport::Honoured
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<Svm, LearnerError> {
        self.fit_warm(x, y, weights, None)
    }

    /// Starts Newton from `warm`'s coefficients and intercept when it has as many features as
    /// `x`.
    fn fit_warm(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
        warm: Option<&Svm>,
    ) -> Result<Svm, LearnerError> {
        self.check_ref()
            .and_then(|params| fit(params, &SparseRows::new(x)?, y, weights, warm))
            .map_err(|e| LearnerError::new(self.name(), e))
    }

    /// Keeps the checked sparse rows of `x` in `cache` (as the logistic regression does).
    fn fit_cached(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
        warm: Option<&Svm>,
        cache: &FeatureCache,
    ) -> Result<Svm, LearnerError> {
        match cache.get_or_init::<CachedRows>(|| SparseRows::new(x)) {
            Some(Ok(rows)) if rows.is_of(x) => self
                .check_ref()
                .and_then(|params| fit(params, rows, y, weights, warm))
                .map_err(|e| LearnerError::new(self.name(), e)),
            _ => self.fit_warm(x, y, weights, warm),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::logistic_data;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    #[test]
    fn autotraits() {
        fn has<T: Send + Sync + Unpin + Sized>() {}
        has::<Svm>();
        has::<SvmParams>();
    }

    #[test]
    fn the_optimum_of_a_hand_checked_problem() {
        // x = -1, 1 with labels -1, +1: by symmetry b = 0, and ½β² + 2 (1 - β)² is least at
        // β = 0.8; with C = 2, ½β² + 4 (1 - β)² at β = 8/9
        let x = array![[-1.0], [1.0]];
        let y = array![false, true];
        let svm = Svm::params().fit(x.view(), y.view(), None).unwrap();
        assert!(svm.converged());
        assert_abs_diff_eq!(svm.coefficients()[0], 0.8, epsilon = 1e-12);
        assert_abs_diff_eq!(svm.intercept(), 0.0, epsilon = 1e-12);
        let svm = Svm::params().c(2.0).fit(x.view(), y.view(), None).unwrap();
        assert_abs_diff_eq!(svm.coefficients()[0], 8.0 / 9.0, epsilon = 1e-12);
        // the intercept is penalised like a coefficient (scikit-learn's intercept_scaling = 1):
        // with a zero feature, three positives and a negative, ½b² + 3 (1 - b)² + (1 + b)² is
        // least at b = 4/9 (without the penalty at 1/2)
        let x = array![[0.0], [0.0], [0.0], [0.0]];
        let y = array![true, true, true, false];
        let svm = Svm::params().fit(x.view(), y.view(), None).unwrap();
        assert_eq!(svm.coefficients(), [0.0]);
        assert_abs_diff_eq!(svm.intercept(), 4.0 / 9.0, epsilon = 1e-12);
    }

    #[test]
    fn warm_starts_and_cached_rows_reach_the_same_model() {
        let (x, y) = logistic_data(61, 400, 4);
        let w = Array1::from_iter((0..400).map(|i| 0.5 + (i % 3) as f64));
        let cold = Svm::params()
            .fit(x.view(), y.view(), Some(w.view()))
            .unwrap();
        let first = Svm::params().fit(x.view(), y.view(), None).unwrap();
        let warm = Svm::params()
            .fit_warm(x.view(), y.view(), Some(w.view()), Some(&first))
            .unwrap();
        assert!(warm.iterations() <= cold.iterations());
        for (a, b) in warm.coefficients().iter().zip(cold.coefficients()) {
            assert_abs_diff_eq!(a, b, epsilon = 1e-9);
        }
        let cache = FeatureCache::new();
        let cached = Svm::params()
            .fit_cached(x.view(), y.view(), Some(w.view()), None, &cache)
            .unwrap();
        assert_eq!(cached, cold);
        assert_eq!(cached.score(x.view()), cold.decision_function(x.view()));
    }

    #[test]
    fn bad_input_and_params_are_errors() {
        let x = array![[0.0], [1.0], [2.0]];
        for (params, needle) in [
            (Svm::params().c(-1.0), "c"),
            (Svm::params().tolerance(0.0), "tolerance"),
            (Svm::params().max_iterations(0), "max_iterations"),
        ] {
            let err = params
                .fit(x.view(), array![true, false, true].view(), None)
                .unwrap_err();
            assert!(err.message.contains(needle), "{err}");
        }
        let err = Svm::params()
            .fit(x.view(), array![true, true, true].view(), None)
            .unwrap_err();
        assert!(err.message.contains("single class"), "{err}");
        let bad = Svm {
            coefficients: vec![f64::NAN],
            intercept: 0.0,
            iterations: 0,
            converged: true,
        };
        assert!(bad.validate().is_err());
    }
}
