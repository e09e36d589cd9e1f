//! Weighted logistic regression: L2-penalised (intercept free), fitted with L-BFGS or
//! Newton-Cholesky ([`LogisticSolver`]).

mod algorithm;
mod hyperparams;

pub use hyperparams::{LogisticParams, LogisticSolver, LogisticValidParams};

use fairkit_core::{Classifier, FeatureCache, LearnerError};
use linfa::ParamGuard;
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

pub(crate) use algorithm::sigmoid;

use crate::newton::SparseRows;

/// What the logistic regression keeps in a [`FeatureCache`]: the checked sparse rows of the
/// features, or why they could not be made.
pub(crate) type CachedRows = std::result::Result<SparseRows, fairkit_core::Error>;

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

    /// Checks that the coefficients and intercept are finite (see [`Model::validate`]).
    ///
    /// # Errors
    /// [`fairkit_core::Error::Inconsistent`].
    ///
    /// [`Model::validate`]: crate::Model::validate
    pub fn validate(&self) -> crate::Result<()> {
        if let Some(c) = self
            .coefficients
            .iter()
            .chain([&self.intercept])
            .find(|c| !c.is_finite())
        {
            return Err(fairkit_core::Error::inconsistent(
                "logistic regression",
                format!("a coefficient is {c}"),
            )
            .into());
        }
        Ok(())
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

fairkit_core::learner! {
    LogisticParams => Logistic, "logistic", Honoured;

    fn fit(&self, x, y, weights) {
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

    /// With [`LogisticSolver::NewtonCholesky`], keeps the checked sparse rows of `x` in `cache`
    /// (made by the first fit), so later fits on the same features skip the conversion. L-BFGS
    /// ignores the cache.
    fn fit_cached(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
        warm: Option<&Logistic>,
        cache: &FeatureCache,
    ) -> Result<Logistic, LearnerError> {
        self.check_ref()
            .and_then(|params| {
                if params.solver == LogisticSolver::NewtonCholesky
                    && let Some(Ok(rows)) = cache.get_or_init::<CachedRows>(|| SparseRows::new(x))
                    && rows.is_of(x)
                {
                    return algorithm::fit_newton(params, rows, y, weights, warm);
                }
                algorithm::fit(params, x, y, weights, warm)
            })
            .map_err(|e| LearnerError::new(self.name(), e))
    }

    /// From the sparse rows in `cache` when it holds those of `x` (see
    /// [`fit_cached`](Self::fit_cached)), else [`Classifier::predict`].
    fn predict_cached(
        &self,
        model: &Logistic,
        x: ArrayView2<'_, f64>,
        cache: &FeatureCache,
    ) -> Array1<bool> {
        match cache.get::<CachedRows>() {
            Some(Ok(rows)) if rows.is_of(x) => {
                Array1::from(rows.positive(&model.coefficients, model.intercept))
            }
            _ => model.predict(x),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::logistic_data;
    use approx::assert_abs_diff_eq;
    use fairkit_core::Learner;
    use linfa::DatasetBase;
    use ndarray::{Array1, Array2, Axis, array};

    fn tight() -> LogisticParams {
        Logistic::params().gradient_tolerance(1e-10)
    }

    #[test]
    fn autotraits() {
        fn has<T: Send + Sync + Unpin + Sized>() {}
        has::<Logistic>();
        has::<LogisticParams>();
        has::<LogisticValidParams>();
    }

    #[test]
    fn stable_sigmoid() {
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(sigmoid(1000.0), 1.0);
        assert_abs_diff_eq!(sigmoid(0.3) + sigmoid(-0.3), 1.0, epsilon = 1e-15);
    }

    #[test]
    fn gradient_vanishes_at_the_optimum_of_a_hand_checked_problem() {
        // x = [-1, 1], y = [false, true], alpha = 1, intercept 0 by symmetry:
        // 2 * (-sigmoid(-b)) + b = 0  =>  b = 2 sigmoid(-b), b = 0.7388...
        let x = array![[-1.0], [1.0]];
        let y = array![false, true];
        let m = tight().fit(x.view(), y.view(), None).unwrap();
        let b = m.coefficients()[0];
        // 1e-7: the solver also stops when the cost stops changing in f64
        assert_abs_diff_eq!(b, 2.0 * sigmoid(-b), epsilon = 1e-7);
        assert_abs_diff_eq!(m.intercept(), 0.0, epsilon = 1e-7);
    }

    #[test]
    fn integer_weights_give_the_coefficients_of_duplicated_rows() {
        let (x, y) = logistic_data(3, 80, 3);
        let counts: Vec<usize> = (0..80).map(|i| 1 + i % 3).collect();
        let w = Array1::from_iter(counts.iter().map(|&c| c as f64));
        let rows: Vec<usize> = (0..80)
            .flat_map(|i| std::iter::repeat_n(i, counts[i]))
            .collect();
        let a = Logistic::params()
            .fit(x.view(), y.view(), Some(w.view()))
            .unwrap();
        let b = Logistic::params()
            .fit(
                x.select(Axis(0), &rows).view(),
                y.select(Axis(0), &rows).view(),
                None,
            )
            .unwrap();
        for (p, q) in a.coefficients().iter().zip(b.coefficients()) {
            assert_abs_diff_eq!(p, q, epsilon = 1e-6);
        }
        assert_abs_diff_eq!(a.intercept(), b.intercept(), epsilon = 1e-6);
    }

    #[test]
    fn zero_weights_are_dropped_rows_exactly() {
        crate::testutil::assert_zero_weights_drop_rows(&Logistic::params(), (4, 60, 2), 4);
    }

    #[test]
    fn matches_linfa_logistic_without_weights() {
        let (x, y) = logistic_data(5, 200, 3);
        let ours = tight().fit(x.view(), y.view(), None).unwrap();
        let theirs = crate::LinfaLogistic {
            gradient_tolerance: 1e-8,
            ..Default::default()
        }
        .fit(x.view(), y.view(), None)
        .unwrap();
        for (p, q) in ours.coefficients().iter().zip(theirs.coefficients()) {
            assert_abs_diff_eq!(p, q, epsilon = 1e-5);
        }
        assert_abs_diff_eq!(ours.intercept(), theirs.intercept(), epsilon = 1e-5);
    }

    #[test]
    fn warm_start_reaches_the_same_model_in_fewer_iterations() {
        let (x, y) = logistic_data(6, 300, 4);
        let w = Array1::from_iter((0..300).map(|i| 1.0 + (i % 5) as f64 * 0.1));
        let first = tight().fit(x.view(), y.view(), None).unwrap();
        let cold = tight().fit(x.view(), y.view(), Some(w.view())).unwrap();
        let warm = tight()
            .fit_warm(x.view(), y.view(), Some(w.view()), Some(&first))
            .unwrap();
        assert!(warm.iterations() < cold.iterations());
        for (p, q) in warm.coefficients().iter().zip(cold.coefficients()) {
            assert_abs_diff_eq!(p, q, epsilon = 1e-7);
        }
    }

    #[test]
    fn linfa_fit_reads_dataset_weights() {
        let (x, y) = logistic_data(8, 100, 2);
        let w: Vec<f32> = (0..100).map(|i| if y[i] { 3.0 } else { 0.5 }).collect();
        let w64 = Array1::from_iter(w.iter().map(|&v| f64::from(v)));
        let dataset = DatasetBase::new(x.clone(), y.clone()).with_weights(Array1::from(w));
        let params = Logistic::params().check().unwrap();
        let via_linfa = linfa::traits::Fit::fit(&params, &dataset).unwrap();
        let via_learner = Logistic::params()
            .fit(x.view(), y.view(), Some(w64.view()))
            .unwrap();
        assert_eq!(via_linfa, via_learner);
        let unweighted =
            linfa::traits::Fit::fit(&params, &DatasetBase::new(x.clone(), y.clone())).unwrap();
        assert_ne!(via_linfa.coefficients(), unweighted.coefficients());
        let predicted: Array1<bool> = linfa::traits::Predict::predict(&via_linfa, &x);
        assert_eq!(predicted, Classifier::predict(&via_linfa, x.view()));
    }

    #[test]
    fn bad_input_gives_clear_errors() {
        let x = array![[0.0], [1.0], [2.0]];
        let err = Logistic::params()
            .fit(x.view(), array![true, true, true].view(), None)
            .unwrap_err();
        assert_eq!(err.learner, "logistic");
        assert!(err.message.contains("single class"), "{err}");
        // one class among the rows of positive weight
        let err = Logistic::params()
            .fit(
                x.view(),
                array![true, false, true].view(),
                Some(array![1.0, 0.0, 1.0].view()),
            )
            .unwrap_err();
        assert!(err.message.contains("single class"), "{err}");
        let err = Logistic::params()
            .fit(x.view(), array![true, false].view(), None)
            .unwrap_err();
        assert!(err.message.contains("length mismatch"), "{err}");
        let nan = array![[0.0], [f64::NAN], [2.0]];
        let err = Logistic::params()
            .fit(nan.view(), array![true, false, true].view(), None)
            .unwrap_err();
        assert!(err.message.contains("non-finite"), "{err}");
        let err = Logistic::params()
            .fit(
                x.view(),
                array![true, false, true].view(),
                Some(array![1.0, -1.0, 1.0].view()),
            )
            .unwrap_err();
        assert!(err.message.contains("negative"), "{err}");
        let err = Logistic::params()
            .alpha(f64::NAN)
            .fit(x.view(), array![true, false, true].view(), None)
            .unwrap_err();
        assert!(err.message.contains("alpha"), "{err}");
    }

    fn newton() -> LogisticParams {
        Logistic::params().solver(LogisticSolver::NewtonCholesky)
    }

    #[test]
    fn newton_reaches_the_optimum_of_a_hand_checked_problem() {
        let x = array![[-1.0], [1.0]];
        let y = array![false, true];
        let m = newton()
            .gradient_tolerance(1e-12)
            .fit(x.view(), y.view(), None)
            .unwrap();
        let b = m.coefficients()[0];
        assert!(m.converged());
        assert_abs_diff_eq!(b, 2.0 * sigmoid(-b), epsilon = 1e-12);
        assert_abs_diff_eq!(m.intercept(), 0.0, epsilon = 1e-12);
    }

    #[test]
    fn newton_and_lbfgs_find_the_same_model() {
        // sparse features (a one-hot block, collinear with the intercept but for the penalty),
        // weights, no intercept; no penalty on the dense features alone
        let (dense, y) = logistic_data(10, 400, 3);
        let x = Array2::from_shape_fn((400, 6), |(i, j)| match j {
            0..3 => dense[[i, j]],
            _ => f64::from(u8::from(i % 3 == j - 3)),
        });
        let w = Array1::from_iter((0..400).map(|i| [0.0, 0.5, 1.0, 2.5][i % 4]));
        for (params, x) in [
            (Logistic::params(), x.view()),
            (Logistic::params().fit_intercept(false), x.view()),
            (Logistic::params().alpha(0.0), dense.view()),
        ] {
            let fit = |p: LogisticParams| {
                p.gradient_tolerance(1e-10)
                    .fit(x.view(), y.view(), Some(w.view()))
                    .unwrap()
            };
            let a = fit(params.solver(LogisticSolver::NewtonCholesky));
            let b = fit(params);
            assert!(a.converged() && a.iterations() < 20, "{}", a.iterations());
            for (p, q) in a.coefficients().iter().zip(b.coefficients()) {
                assert_abs_diff_eq!(p, q, epsilon = 1e-6);
            }
            assert_abs_diff_eq!(a.intercept(), b.intercept(), epsilon = 1e-6);
        }
    }

    #[test]
    fn newton_restarts_from_zero_after_a_warm_start_worse_than_zero() {
        let (x, y) = logistic_data(11, 200, 3);
        let cold = newton().fit(x.view(), y.view(), None).unwrap();
        let far = Logistic::from_parts(vec![40.0, 40.0, -40.0], 25.0);
        let warm = newton()
            .fit_warm(x.view(), y.view(), None, Some(&far))
            .unwrap();
        assert_eq!(warm, cold);
        let near = newton()
            .fit_warm(x.view(), y.view(), None, Some(&cold))
            .unwrap();
        assert_eq!(near.iterations(), 0);
        assert_eq!(near.coefficients(), cold.coefficients());
    }

    #[test]
    fn cached_rows_give_the_same_models_and_labels() {
        let (x, y) = logistic_data(12, 150, 3);
        let (other, _) = logistic_data(13, 150, 3);
        let cache = FeatureCache::new();
        for weights in [
            None,
            Some(Array1::from_iter((0..150).map(|i| (i % 3) as f64))),
        ] {
            let w = weights.as_ref().map(|w| w.view());
            for params in [newton(), Logistic::params()] {
                let cached = params.fit_cached(x.view(), y.view(), w, None, &cache);
                let direct = params.fit(x.view(), y.view(), w);
                assert_eq!(cached.unwrap(), direct.unwrap());
            }
        }
        assert!(cache.get::<CachedRows>().is_some());
        let model = newton().fit(x.view(), y.view(), None).unwrap();
        let sparse = newton().predict_cached(&model, x.view(), &cache);
        assert_eq!(sparse, model.predict(x.view()));
        // the cache holds the rows of `x`: other features are fitted and predicted directly
        let cached = newton().fit_cached(other.view(), y.view(), None, None, &cache);
        assert_eq!(
            cached.unwrap(),
            newton().fit(other.view(), y.view(), None).unwrap()
        );
        let labels = newton().predict_cached(&model, other.view(), &cache);
        assert_eq!(labels, model.predict(other.view()));
    }

    #[test]
    fn newton_models_are_identical_on_any_number_of_threads() {
        // more rows than one parallel block
        let (x, y) = logistic_data(14, 3 * crate::newton::CHUNK + 17, 4);
        let w = Array1::from_iter((0..x.nrows()).map(|i| (i % 4) as f64 * 0.7));
        let fit = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| newton().fit(x.view(), y.view(), Some(w.view())).unwrap())
        };
        let one = fit(1);
        assert!(one.converged());
        assert_eq!(one, fit(2));
        assert_eq!(one, fit(3));
    }

    #[test]
    fn newton_refuses_bad_input_like_lbfgs() {
        let x = array![[0.0], [1.0], [2.0]];
        let nan = array![[0.0], [f64::NAN], [2.0]];
        let cache = FeatureCache::new();
        let err = newton()
            .fit_cached(
                nan.view(),
                array![true, false, true].view(),
                None,
                None,
                &cache,
            )
            .unwrap_err();
        assert!(err.message.contains("non-finite"), "{err}");
        let err = newton()
            .fit(x.view(), array![true, true, true].view(), None)
            .unwrap_err();
        assert!(err.message.contains("single class"), "{err}");
        let err = newton()
            .fit(x.view(), array![true, false].view(), None)
            .unwrap_err();
        assert!(err.message.contains("length mismatch"), "{err}");
        let m = newton()
            .max_iterations(1)
            .gradient_tolerance(1e-12)
            .fit(x.view(), array![true, false, true].view(), None)
            .unwrap();
        assert!(!m.converged());
        assert_eq!(m.iterations(), 1);
    }

    #[test]
    fn iteration_limit_is_reported() {
        let (x, y) = logistic_data(9, 100, 3);
        let m = tight()
            .max_iterations(2)
            .fit(x.view(), y.view(), None)
            .unwrap();
        assert!(!m.converged());
        assert_eq!(m.iterations(), 2);
    }
}
