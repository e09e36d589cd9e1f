//! The L-BFGS solver of the weighted logistic regression, and its linfa traits.

use std::cell::RefCell;

use argmin::core::{CostFunction, Executor, Gradient, State, TerminationReason};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use linfa::dataset::{AsSingleTargets, DatasetBase};
use linfa::traits::{Fit, PredictInplace};
use ndarray::{Array1, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};

use super::{Logistic, LogisticSolver, LogisticValidParams};
use crate::input::check_fit;
use crate::newton::{self, SparseRows};
use crate::{LearnersError, Result};

/// L-BFGS history length (scipy's and linfa-logistic's `m = 10`).
const LBFGS_MEMORY: usize = 10;

/// `1 / (1 + exp(-t))` without overflow.
pub(crate) fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

/// A point with its cost and gradient.
type Evaluation = (Array1<f64>, f64, Array1<f64>);

/// The L-BFGS objective: Newton's own (the same sparse rows and chunked sums,
/// [`newton::SmoothObjective`]), with the last evaluation cached because argmin asks for the
/// cost and the gradient of a point separately.
struct Objective<'a> {
    smooth: newton::SmoothObjective<'a>,
    cache: RefCell<Option<Evaluation>>,
}

impl Objective<'_> {
    fn evaluate(&self, theta: &Array1<f64>) -> (f64, Array1<f64>) {
        if let Some((point, cost, grad)) = &*self.cache.borrow()
            && point == theta
        {
            return (*cost, grad.clone());
        }
        let (cost, grad) = self
            .smooth
            .evaluate(theta.as_slice().expect("a contiguous vector"));
        let grad = Array1::from(grad);
        *self.cache.borrow_mut() = Some((theta.clone(), cost, grad.clone()));
        (cost, grad)
    }
}

impl CostFunction for Objective<'_> {
    type Param = Array1<f64>;
    type Output = f64;

    fn cost(&self, theta: &Array1<f64>) -> std::result::Result<f64, argmin::core::Error> {
        Ok(self.evaluate(theta).0)
    }
}

impl Gradient for Objective<'_> {
    type Param = Array1<f64>;
    type Gradient = Array1<f64>;

    fn gradient(
        &self,
        theta: &Array1<f64>,
    ) -> std::result::Result<Array1<f64>, argmin::core::Error> {
        Ok(self.evaluate(theta).1)
    }
}

/// Fits by Newton-Cholesky on sparse rows (labels and weights are checked here).
/// The weighted logistic problem of `params`, as both solvers minimize it.
fn newton_problem(params: &LogisticValidParams) -> newton::Problem {
    newton::Problem {
        loss: newton::Loss::Logistic,
        alpha: params.alpha,
        fit_intercept: params.fit_intercept,
        penalize_intercept: false,
        max_iterations: params.max_iterations,
        gradient_tolerance: params.gradient_tolerance,
        relative_tolerance: 0.0,
    }
}

pub(crate) fn fit_newton(
    params: &LogisticValidParams,
    rows: &SparseRows,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
    warm: Option<&Logistic>,
) -> Result<Logistic> {
    let warm = warm.map(|m| (&m.coefficients[..], m.intercept));
    let s = newton::fit(&newton_problem(params), rows, y, weights, warm)?;
    Ok(Logistic {
        coefficients: s.coefficients,
        intercept: s.intercept,
        iterations: s.iterations,
        converged: s.converged,
    })
}

/// Fits the weighted logistic regression (inputs are checked here).
pub(crate) fn fit(
    params: &LogisticValidParams,
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
    warm: Option<&Logistic>,
) -> Result<Logistic> {
    if params.solver == LogisticSolver::NewtonCholesky {
        return fit_newton(params, &SparseRows::new(x)?, y, weights, warm);
    }
    check_fit(x, y, weights)?;
    solve(params, &SparseRows::new(x)?, y, weights, warm)
}

/// L-BFGS on the rows of positive weight (the others count as absent), from `warm` when it has
/// the same features.
fn solve(
    params: &LogisticValidParams,
    rows: &SparseRows,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
    warm: Option<&Logistic>,
) -> Result<Logistic> {
    let p = rows.n_features();
    let smooth = newton::SmoothObjective::new(&newton_problem(params), rows, y, weights)?;
    let problem = Objective {
        smooth,
        cache: RefCell::new(None),
    };
    let n_params = p + usize::from(params.fit_intercept);
    let init = match warm {
        Some(model) if model.coefficients.len() == p => {
            let mut init: Vec<f64> = model.coefficients.clone();
            if params.fit_intercept {
                init.push(model.intercept);
            }
            Array1::from(init)
        }
        _ => Array1::zeros(n_params),
    };
    let solver_error = |e: argmin::core::Error| LearnersError::Solver {
        solver: "L-BFGS",
        message: e.to_string(),
    };
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), LBFGS_MEMORY)
        .with_tolerance_grad(params.gradient_tolerance)
        .map_err(solver_error)?;
    let result = Executor::new(problem, solver)
        .configure(|state| state.param(init).max_iters(params.max_iterations))
        .run()
        .map_err(solver_error)?;
    let state = result.state();
    let theta = state
        .get_best_param()
        .ok_or_else(|| LearnersError::Solver {
            solver: "L-BFGS",
            message: "no parameters were evaluated".into(),
        })?;
    let converged = !matches!(
        state.get_termination_reason(),
        Some(TerminationReason::MaxItersReached)
    );
    Ok(Logistic {
        coefficients: theta.iter().take(p).copied().collect(),
        intercept: if params.fit_intercept { theta[p] } else { 0.0 },
        iterations: state.get_iter(),
        converged,
    })
}

impl<D, T> Fit<ArrayBase<D, Ix2>, T, LearnersError> for LogisticValidParams
where
    D: Data<Elem = f64>,
    T: AsSingleTargets<Elem = bool>,
{
    type Object = Logistic;

    /// Fits on a linfa dataset, honouring its sample weights (`DatasetBase::weights`).
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<Logistic> {
        let y = dataset.as_single_targets();
        let weights: Option<Array1<f64>> = dataset
            .weights()
            .map(|w| w.iter().map(|&wi| f64::from(wi)).collect());
        fit(
            self,
            dataset.records().view(),
            y.view(),
            weights.as_ref().map(|w| w.view()),
            None,
        )
    }
}

impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<bool>> for Logistic {
    /// Predicts label `true` where the probability of the positive class exceeds one half.
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<bool>) {
        assert_eq!(x.nrows(), y.len(), "one target per row");
        y.assign(&self.decision_function(x.view()).mapv(|z| z > 0.0));
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<bool> {
        Array1::from_elem(x.nrows(), false)
    }
}
