//! The solvers of the weighted logistic regression (Newton-Cholesky and L-BFGS), and its linfa
//! traits.

use std::cell::RefCell;

use argmin::core::{CostFunction, Executor, Gradient, State, TerminationReason};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use linfa::dataset::{AsSingleTargets, DatasetBase};
use linfa::traits::{Fit, PredictInplace};
use linfa_linalg::cholesky::SolveCInplace;
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Axis, Data, Ix2, s};
use sprs::{CsMat, CsVecView};

use super::{Logistic, LogisticValidParams, Solver};
use crate::input::{check_fit, kept_rows};
use crate::{Error, Result};

/// L-BFGS history length (scipy's and linfa-logistic's `m = 10`).
const LBFGS_MEMORY: usize = 10;

/// Armijo's sufficient-decrease constant of the Newton line search.
const ARMIJO: f64 = 1e-4;

/// Relative cost change below which the line search compares gradients instead of costs.
const FLAT: f64 = 1e-13;

/// The Newton line search gives up below this step length.
const MIN_STEP: f64 = 1e-10;

/// `log(1 + exp(t))` without overflow.
pub(crate) fn softplus(t: f64) -> f64 {
    t.max(0.0) + (-t.abs()).exp().ln_1p()
}

/// `1 / (1 + exp(-t))` without overflow.
pub(crate) fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

/// `(softplus(-m), sigmoid(-m))` of a margin `m` with one exponential.
fn loss_and_slope(margin: f64) -> (f64, f64) {
    let e = (-margin.abs()).exp();
    let loss = (-margin).max(0.0) + e.ln_1p();
    let slope = if margin >= 0.0 {
        e / (1.0 + e)
    } else {
        1.0 / (1.0 + e)
    };
    (loss, slope)
}

/// A point with its cost and gradient.
type Evaluation = (Array1<f64>, f64, Array1<f64>);

/// The weight-averaged objective `(sum_i w_i log(1 + exp(-y_i z_i)) + alpha/2 |beta|^2) / sum_i w_i`
/// (same minimiser as the summed one, gradients of order one), over parameters
/// `[beta, intercept]`.
///
/// The rows are held as compressed sparse rows: one-hot encoded data is mostly zeros (Adult's
/// 106 columns hold 14 non-zeros per row), and a pass over the non-zeros is all that any
/// evaluation needs.
struct Objective {
    /// The features, compressed sparse rows.
    x: CsMat<f64>,
    /// Labels as -1 / +1.
    sign: Array1<f64>,
    /// Weights divided by their sum.
    weight: Array1<f64>,
    /// `alpha` divided by the weight sum.
    alpha: f64,
    fit_intercept: bool,
    /// The last point and its cost and gradient: the L-BFGS line search asks for both at each
    /// point, and one pass over the rows computes both.
    cache: RefCell<Option<Evaluation>>,
}

impl Objective {
    fn n_features(&self) -> usize {
        self.x.cols()
    }

    /// Calls `f(row, its non-zeros, margin y_i z_i, weight)` for every row at `theta`.
    fn for_each_row(
        &self,
        theta: &Array1<f64>,
        mut f: impl FnMut(usize, CsVecView<'_, f64>, f64, f64),
    ) {
        let p = self.n_features();
        let intercept = if self.fit_intercept { theta[p] } else { 0.0 };
        for (i, row) in self.x.outer_iterator().enumerate() {
            let z: f64 = row.iter().map(|(j, &v)| v * theta[j]).sum::<f64>() + intercept;
            f(i, row, self.sign[i] * z, self.weight[i]);
        }
    }

    /// The penalty `alpha/2 |beta|^2`.
    fn penalty(&self, theta: &Array1<f64>) -> f64 {
        let beta = theta.slice(s![..self.n_features()]);
        0.5 * self.alpha * beta.dot(&beta)
    }

    /// The cost alone.
    fn cost_at(&self, theta: &Array1<f64>) -> f64 {
        let mut loss = 0.0;
        self.for_each_row(theta, |_, _, margin, w| loss += w * softplus(-margin));
        loss + self.penalty(theta)
    }

    /// Cost and gradient at `theta`, and the Hessian when asked, in one pass over the rows.
    fn evaluate_full(
        &self,
        theta: &Array1<f64>,
        mut hessian: Option<&mut Array2<f64>>,
    ) -> (f64, Array1<f64>) {
        let p = self.n_features();
        let mut loss = 0.0;
        let mut grad = Array1::zeros(theta.len());
        if let Some(h) = hessian.as_deref_mut() {
            h.fill(0.0);
        }
        self.for_each_row(theta, |i, row, margin, w| {
            let (l, slope) = loss_and_slope(margin);
            loss += w * l;
            // d/dz of w log(1 + exp(-y z)) = -w y sigmoid(-y z); d2/dz2 = w s (1 - s)
            let residual = -w * self.sign[i] * slope;
            for (j, &v) in row.iter() {
                grad[j] += residual * v;
            }
            if self.fit_intercept {
                grad[p] += residual;
            }
            if let Some(h) = hessian.as_deref_mut() {
                let curvature = w * slope * (1.0 - slope);
                // upper triangle only; mirrored below
                for (a, &va) in row.iter() {
                    let scaled = curvature * va;
                    for (b, &vb) in row.iter().filter(|&(b, _)| b >= a) {
                        h[[a, b]] += scaled * vb;
                    }
                    if self.fit_intercept {
                        h[[a, p]] += scaled;
                    }
                }
                if self.fit_intercept {
                    h[[p, p]] += curvature;
                }
            }
        });
        grad.slice_mut(s![..p])
            .scaled_add(self.alpha, &theta.slice(s![..p]));
        if let Some(h) = hessian {
            for a in 0..h.nrows() {
                if a < p {
                    h[[a, a]] += self.alpha;
                }
                for b in 0..a {
                    h[[a, b]] = h[[b, a]];
                }
            }
        }
        (loss + self.penalty(theta), grad)
    }

    /// Cost and gradient, cached for the L-BFGS line search.
    fn evaluate(&self, theta: &Array1<f64>) -> (f64, Array1<f64>) {
        if let Some((point, cost, grad)) = &*self.cache.borrow()
            && point == theta
        {
            return (*cost, grad.clone());
        }
        let (cost, grad) = self.evaluate_full(theta, None);
        *self.cache.borrow_mut() = Some((theta.clone(), cost, grad.clone()));
        (cost, grad)
    }
}

impl CostFunction for Objective {
    type Param = Array1<f64>;
    type Output = f64;

    fn cost(&self, theta: &Array1<f64>) -> std::result::Result<f64, argmin::core::Error> {
        Ok(self.evaluate(theta).0)
    }
}

impl Gradient for Objective {
    type Param = Array1<f64>;
    type Gradient = Array1<f64>;

    fn gradient(
        &self,
        theta: &Array1<f64>,
    ) -> std::result::Result<Array1<f64>, argmin::core::Error> {
        Ok(self.evaluate(theta).1)
    }
}

/// Fits the weighted logistic regression (inputs are checked here).
pub(crate) fn fit(
    params: &LogisticValidParams,
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
    warm: Option<&Logistic>,
) -> Result<Logistic> {
    check_fit(x, y, weights)?;
    // Rows of zero weight are dropped, so that they are exactly as if absent.
    if let Some(rows) = kept_rows(x.nrows(), weights) {
        let x = x.select(Axis(0), &rows);
        let y = y.select(Axis(0), &rows);
        let w = weights.map(|w| w.select(Axis(0), &rows));
        return solve(
            params,
            x.view(),
            y.view(),
            w.as_ref().map(|w| w.view()),
            warm,
        );
    }
    solve(params, x, y, weights, warm)
}

/// Where a solver ended.
struct Solution {
    theta: Array1<f64>,
    iterations: u64,
    converged: bool,
}

fn solve(
    params: &LogisticValidParams,
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
    warm: Option<&Logistic>,
) -> Result<Logistic> {
    let n = x.nrows();
    let p = x.ncols();
    let weight = match weights {
        Some(w) => w.to_owned(),
        None => Array1::ones(n),
    };
    let total = weight.sum();
    let problem = Objective {
        x: CsMat::csr_from_dense(x, 0.0),
        sign: y.mapv(|label| if label { 1.0 } else { -1.0 }),
        weight: weight / total,
        alpha: params.alpha / total,
        fit_intercept: params.fit_intercept,
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
    let solution = match params.solver {
        Solver::NewtonCholesky => newton_cholesky(params, &problem, init),
        Solver::Lbfgs => lbfgs(params, problem, init)?,
    };
    let theta = solution.theta;
    Ok(Logistic {
        coefficients: theta.iter().take(p).copied().collect(),
        intercept: if params.fit_intercept { theta[p] } else { 0.0 },
        iterations: solution.iterations,
        converged: solution.converged,
    })
}

/// Newton's method with the exact Hessian, solved by Cholesky, and a backtracking (Armijo) line
/// search; scikit-learn's `newton-cholesky`. The objective is convex, so each Newton direction
/// descends; an indefinite Hessian (only possible without a penalty, e.g. with collinear
/// one-hot columns and `alpha = 0`) gets a growing ridge until it factors.
fn newton_cholesky(
    params: &LogisticValidParams,
    problem: &Objective,
    init: Array1<f64>,
) -> Solution {
    let k = init.len();
    let mut theta = init;
    let mut hessian = Array2::zeros((k, k));
    let (mut cost, mut grad) = problem.evaluate_full(&theta, Some(&mut hessian));
    let mut iterations = 0;
    while iterations < params.max_iterations {
        if grad.dot(&grad).sqrt() <= params.gradient_tolerance {
            return Solution {
                theta,
                iterations,
                converged: true,
            };
        }
        let direction = newton_direction(&hessian, &grad);
        let slope = grad.dot(&direction);
        let mut step = 1.0;
        let accepted = loop {
            let candidate = &theta + &(step * &direction);
            let candidate_cost = problem.cost_at(&candidate);
            if candidate_cost <= cost + ARMIJO * step * slope {
                break Some((candidate, false));
            }
            if (candidate_cost - cost).abs() <= FLAT * cost.abs().max(1.0) {
                // The decrease is below the cost's rounding: let the gradient judge.
                break Some((candidate, true));
            }
            step *= 0.5;
            if step < MIN_STEP {
                break None;
            }
        };
        iterations += 1;
        let Some((next, flat)) = accepted else { break };
        let (next_cost, next_grad) = problem.evaluate_full(&next, Some(&mut hessian));
        if flat && next_grad.dot(&next_grad) >= grad.dot(&grad) {
            // no progress is representable any more: the point is as good as it gets
            break;
        }
        (theta, cost, grad) = (next, next_cost, next_grad);
    }
    let converged = grad.dot(&grad).sqrt() <= params.gradient_tolerance;
    Solution {
        theta,
        iterations,
        converged,
    }
}

/// Solves `H d = -g`, adding a ridge to `H` when it does not factor (steepest descent if even
/// that fails).
fn newton_direction(hessian: &Array2<f64>, grad: &Array1<f64>) -> Array1<f64> {
    let scale = hessian
        .diag()
        .iter()
        .fold(0.0_f64, |m, &v| m.max(v.abs()))
        .max(1e-300);
    let mut ridge = 0.0;
    for _ in 0..12 {
        let mut h = hessian.clone();
        h.diag_mut().mapv_inplace(|v| v + ridge);
        let rhs = grad.mapv(|g| -g).insert_axis(Axis(1));
        if let Ok(d) = h.solvec_into(rhs) {
            let d = d.remove_axis(Axis(1));
            if d.iter().all(|v| v.is_finite()) {
                return d;
            }
        }
        ridge = if ridge == 0.0 {
            1e-10 * scale
        } else {
            ridge * 100.0
        };
    }
    grad.mapv(|g| -g)
}

/// L-BFGS with a More-Thuente line search, through argmin.
fn lbfgs(params: &LogisticValidParams, problem: Objective, init: Array1<f64>) -> Result<Solution> {
    let solver_error = |e: argmin::core::Error| Error::Solver {
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
    let theta = state.get_best_param().ok_or_else(|| Error::Solver {
        message: "no parameters were evaluated".into(),
    })?;
    Ok(Solution {
        theta: theta.clone(),
        iterations: state.get_iter(),
        converged: !matches!(
            state.get_termination_reason(),
            Some(TerminationReason::MaxItersReached)
        ),
    })
}

impl<D, T> Fit<ArrayBase<D, Ix2>, T, Error> for LogisticValidParams
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
