//! The Newton-Cholesky solver of the weighted logistic regression (scikit-learn's
//! `newton-cholesky`): the exact Hessian, a Cholesky solve per step and a backtracking line
//! search. It converges quadratically, so a few steps reach the optimum to f64 precision where
//! L-BFGS stops early along flat directions (the intercept against a full one-hot block). Each
//! pass reads only the non-zero entries of the rows ([`SparseRows`]), a small fraction of a
//! one-hot encoded matrix; one Hessian costs about `n · k²/2` for `k` non-zeros per row, so the
//! solver suits many rows and up to a few hundred features. Passes over the rows run in parallel
//! (rayon) over fixed blocks of rows, summed in order: the same model on any number of threads.

use std::f64::consts::LN_2;

use fairkit_core::Error as CoreError;
use linfa_linalg::cholesky::SolveCInplace;
use ndarray::{Array2, ArrayView1, ArrayView2};
use rayon::prelude::*;

use super::{Logistic, LogisticValidParams};
use crate::input::check_targets;
use crate::{Error, Result};

/// Sufficient decrease of the Armijo line search.
const ARMIJO: f64 = 1e-4;
/// Step halvings before the line search gives up.
const MAX_HALVINGS: usize = 40;
/// Rows per parallel task. Fixed, so that the sums, and so the models, are the same on any
/// number of threads.
pub(crate) const CHUNK: usize = 4096;

/// The non-zero entries of each row of a feature matrix, checked finite, remembering which
/// matrix they came from (so that a cached copy is only used for the same features).
#[derive(Debug)]
pub(crate) struct SparseRows {
    n_rows: usize,
    n_features: usize,
    /// Address and strides of the source matrix.
    origin: (usize, [isize; 2]),
    /// Row `i` is `index[start[i]..start[i + 1]]`, `value[..]` likewise.
    start: Vec<usize>,
    index: Vec<u32>,
    value: Vec<f64>,
}

impl SparseRows {
    /// The non-zero entries of `x`.
    ///
    /// # Errors
    /// A non-finite value, or more than `u32::MAX` features.
    pub fn new(x: ArrayView2<'_, f64>) -> std::result::Result<Self, CoreError> {
        let n_features = x.ncols();
        if u32::try_from(n_features).is_err() {
            return Err(CoreError::invalid(
                "features",
                n_features,
                "at most 2^32 - 1 columns",
            ));
        }
        let mut start = Vec::with_capacity(x.nrows() + 1);
        start.push(0);
        let (mut index, mut value) = (Vec::new(), Vec::new());
        for (row, values) in x.rows().into_iter().enumerate() {
            for (j, &v) in values.iter().enumerate() {
                if !v.is_finite() {
                    return Err(CoreError::NonFinite {
                        what: "features".into(),
                        row,
                        value: v.to_string(),
                    });
                }
                if v != 0.0 {
                    index.push(j as u32);
                    value.push(v);
                }
            }
            start.push(index.len());
        }
        let strides = x.strides();
        Ok(Self {
            n_rows: x.nrows(),
            n_features,
            origin: (x.as_ptr() as usize, [strides[0], strides[1]]),
            start,
            index,
            value,
        })
    }

    /// Whether these are the rows of `x`: same memory, shape and strides.
    pub fn is_of(&self, x: ArrayView2<'_, f64>) -> bool {
        let strides = x.strides();
        self.n_rows == x.nrows()
            && self.n_features == x.ncols()
            && self.origin == (x.as_ptr() as usize, [strides[0], strides[1]])
    }

    /// `x · coefficients + intercept` for every row, from the non-zero entries.
    ///
    /// # Panics
    /// If `coefficients` is shorter than the number of features.
    pub fn decision_function(&self, coefficients: &[f64], intercept: f64) -> Vec<f64> {
        assert_eq!(
            coefficients.len(),
            self.n_features,
            "one coefficient per feature"
        );
        (0..self.n_rows)
            .map(|i| {
                let (index, value) = self.row(i);
                intercept
                    + index
                        .iter()
                        .zip(value)
                        .map(|(&j, &v)| coefficients[j as usize] * v)
                        .sum::<f64>()
            })
            .collect()
    }

    fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let range = self.start[i]..self.start[i + 1];
        (&self.index[range.clone()], &self.value[range])
    }
}

/// The weight-averaged objective of [`super::algorithm`] over the rows of positive weight,
/// with parameters `[beta, intercept]`.
struct Objective<'a> {
    rows: &'a SparseRows,
    /// `(row, label sign, weight / total)` of the rows of positive weight.
    active: Vec<(usize, f64, f64)>,
    /// `alpha` divided by the weight total.
    alpha: f64,
    fit_intercept: bool,
}

impl Objective<'_> {
    fn dim(&self) -> usize {
        self.rows.n_features + usize::from(self.fit_intercept)
    }

    /// Cost and gradient at `theta`, and the curvature `w σ(z) σ(−z)` of each active row for
    /// [`hessian`](Self::hessian).
    fn evaluate(&self, theta: &[f64], grad: &mut [f64], curvature: &mut [f64]) -> f64 {
        let partials: Vec<(f64, Vec<f64>)> = self
            .active
            .par_chunks(CHUNK)
            .zip(curvature.par_chunks_mut(CHUNK))
            .map(|(active, curvature)| self.evaluate_chunk(theta, active, curvature))
            .collect();
        grad.fill(0.0);
        let mut loss = 0.0;
        for (chunk_loss, chunk_grad) in partials {
            loss += chunk_loss;
            grad.iter_mut().zip(chunk_grad).for_each(|(g, c)| *g += c);
        }
        let mut penalty = 0.0;
        for j in 0..self.rows.n_features {
            penalty += theta[j] * theta[j];
            grad[j] += self.alpha * theta[j];
        }
        loss + 0.5 * self.alpha * penalty
    }

    /// The unpenalised loss and gradient of the rows `active`, writing their curvatures.
    fn evaluate_chunk(
        &self,
        theta: &[f64],
        active: &[(usize, f64, f64)],
        curvature: &mut [f64],
    ) -> (f64, Vec<f64>) {
        let p = self.rows.n_features;
        let intercept = if self.fit_intercept { theta[p] } else { 0.0 };
        let mut grad = vec![0.0; theta.len()];
        let mut loss = 0.0;
        for (&(i, sign, w), c) in active.iter().zip(curvature) {
            let (index, value) = self.rows.row(i);
            let z = intercept
                + index
                    .iter()
                    .zip(value)
                    .map(|(&j, &v)| theta[j as usize] * v)
                    .sum::<f64>();
            let margin = sign * z;
            let e = (-margin.abs()).exp();
            // w log(1 + exp(-margin)), its derivative in z and its second derivative
            // (ln(1 + e) rather than ln_1p(e), faster: the absolute error of 1e-16 per row is
            // far below the decreases the line search compares)
            loss += w * ((-margin).max(0.0) + (1.0 + e).ln());
            let sigmoid_neg = if margin >= 0.0 {
                e / (1.0 + e)
            } else {
                1.0 / (1.0 + e)
            };
            let residual = -w * sign * sigmoid_neg;
            *c = w * e / ((1.0 + e) * (1.0 + e));
            for (&j, &v) in index.iter().zip(value) {
                grad[j as usize] += residual * v;
            }
            if self.fit_intercept {
                grad[p] += residual;
            }
        }
        (loss, grad)
    }

    /// The Hessian (lower triangle, row-major) from the rows' curvatures.
    fn hessian(&self, curvature: &[f64], hess: &mut Array2<f64>) {
        let d = self.dim();
        let partials: Vec<Vec<f64>> = self
            .active
            .par_chunks(CHUNK)
            .zip(curvature.par_chunks(CHUNK))
            .map(|(active, curvature)| self.hessian_chunk(active, curvature))
            .collect();
        hess.fill(0.0);
        let h = hess
            .as_slice_mut()
            .expect("the Hessian is a standard-layout matrix");
        for partial in partials {
            h.iter_mut().zip(partial).for_each(|(a, b)| *a += b);
        }
        for j in 0..self.rows.n_features {
            h[j * d + j] += self.alpha;
        }
    }

    /// The unpenalised Hessian (lower triangle, row-major) of the rows `active`.
    fn hessian_chunk(&self, active: &[(usize, f64, f64)], curvature: &[f64]) -> Vec<f64> {
        let p = self.rows.n_features;
        let d = self.dim();
        let mut h = vec![0.0; d * d];
        for (&(i, _, _), &c) in active.iter().zip(curvature) {
            let (index, value) = self.rows.row(i);
            for (k, (&j, &v)) in index.iter().zip(value).enumerate() {
                let j = j as usize;
                let cv = c * v;
                let hrow = &mut h[j * d..];
                for (&l, &u) in index[..=k].iter().zip(&value[..=k]) {
                    hrow[l as usize] += cv * u;
                }
                if self.fit_intercept {
                    h[p * d + j] += cv;
                }
            }
            if self.fit_intercept {
                h[p * d + p] += c;
            }
        }
        h
    }
}

/// The Newton step `-H⁻¹ g` by Cholesky (only the lower triangle of `hess` is read), adding a
/// growing ridge when `hess` is not numerically positive definite (separable data without
/// penalty, saturated probabilities).
fn newton_step(hess: &Array2<f64>, grad: &[f64]) -> Option<Vec<f64>> {
    let d = grad.len();
    let scale = (0..d).map(|j| hess[[j, j]].abs()).fold(1e-300, f64::max);
    let mut ridge = 0.0;
    for _ in 0..12 {
        let mut factor = hess.clone();
        for j in 0..d {
            factor[[j, j]] += ridge;
        }
        let mut rhs = Array2::from_shape_fn((d, 1), |(j, _)| -grad[j]);
        if factor.solvec_inplace(&mut rhs).is_ok() && rhs.iter().all(|v| v.is_finite()) {
            return Some(rhs.into_iter().collect());
        }
        ridge = if ridge == 0.0 {
            1e-12 * scale
        } else {
            ridge * 100.0
        };
    }
    None
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|g| g * g).sum::<f64>().sqrt()
}

/// Fits on cached rows: checks labels and weights (the features were checked when `rows` was
/// made), then runs Newton from `warm` (from zero when absent or of another width).
pub(crate) fn fit(
    params: &LogisticValidParams,
    rows: &SparseRows,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
    warm: Option<&Logistic>,
) -> Result<Logistic> {
    check_targets(rows.n_rows, y, weights)?;
    let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
    let total: f64 = (0..rows.n_rows).map(weight).sum();
    let active = (0..rows.n_rows)
        .filter(|&i| weight(i) > 0.0)
        .map(|i| (i, if y[i] { 1.0 } else { -1.0 }, weight(i) / total))
        .collect();
    let problem = Objective {
        rows,
        active,
        alpha: params.alpha / total,
        fit_intercept: params.fit_intercept,
    };
    let p = rows.n_features;
    let d = problem.dim();
    let mut theta = vec![0.0; d];
    if let Some(model) = warm.filter(|m| m.coefficients.len() == p) {
        theta[..p].copy_from_slice(&model.coefficients);
        if params.fit_intercept {
            theta[p] = model.intercept;
        }
    }
    let n_active = problem.active.len();
    let (mut grad, mut curvature) = (vec![0.0; d], vec![0.0; n_active]);
    let (mut next_grad, mut next_curvature) = (grad.clone(), curvature.clone());
    let mut hess = Array2::zeros((d, d));
    let mut cost = problem.evaluate(&theta, &mut grad, &mut curvature);
    // A warm start worse than zero (cost ln 2: the weights sum to one, no penalty) is far from
    // this problem's optimum, where Newton's first steps are short: start from zero instead.
    if cost > LN_2 {
        theta.fill(0.0);
        cost = problem.evaluate(&theta, &mut grad, &mut curvature);
    }
    let mut iterations = 0;
    let converged = loop {
        if norm(&grad) <= params.gradient_tolerance {
            break true;
        }
        if iterations == params.max_iterations {
            break false;
        }
        problem.hessian(&curvature, &mut hess);
        let step = newton_step(&hess, &grad).ok_or_else(|| Error::Solver {
            solver: "Newton-Cholesky",
            message: "the Newton system could not be solved".into(),
        })?;
        let slope: f64 = grad.iter().zip(&step).map(|(g, s)| g * s).sum();
        let mut t = 1.0;
        let mut accepted = None;
        for _ in 0..MAX_HALVINGS {
            let candidate: Vec<f64> = theta.iter().zip(&step).map(|(a, s)| a + t * s).collect();
            let c = problem.evaluate(&candidate, &mut next_grad, &mut next_curvature);
            if c <= cost + ARMIJO * t * slope {
                accepted = Some((candidate, c));
                break;
            }
            t *= 0.5;
        }
        // No decrease within f64 precision: the point is as good as the objective can tell.
        let Some((candidate, c)) = accepted else {
            break false;
        };
        iterations += 1;
        theta = candidate;
        cost = c;
        std::mem::swap(&mut grad, &mut next_grad);
        std::mem::swap(&mut curvature, &mut next_curvature);
    };
    Ok(Logistic {
        coefficients: theta[..p].to_vec(),
        intercept: if params.fit_intercept { theta[p] } else { 0.0 },
        iterations,
        converged,
    })
}
