//! The prejudice remover (Kamishima, Akaho, Asoh and Sakuma 2012), as AIF360's
//! `PrejudiceRemover`: docs/inprocessing.md#prejudice-remover.

use std::cell::RefCell;
use std::sync::Arc;

use argmin::core::{CostFunction, Executor, Gradient, State, TerminationReason};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use fairkit_core::{Error, FairDataset, GroupSchema, Groups};
use linfa::ParamGuard;
use ndarray::{Array1, Array2, ArrayView2, Axis, s};
use serde::{Deserialize, Serialize};

use crate::error::check_at_least;
use crate::{InprocessingError, Result};

/// Kamishima's clip of the linear score: `|w · x| ≤ ln((1 − 1e-10) / 1e-10)`, so that
/// probabilities stay inside `[1e-10, 1 − 1e-10]` and every logarithm is finite.
pub const SCORE_CLIP: f64 = 23.025850929840455;

/// L-BFGS history length.
const LBFGS_MEMORY: usize = 10;

/// Validated parameters of the [`PrejudiceRemover`].
#[derive(Debug, Clone, PartialEq)]
pub struct PrejudiceRemoverValidParams {
    eta: f64,
    c: f64,
    max_iterations: u64,
    gradient_tolerance: f64,
    cost_tolerance: f64,
}

/// Parameters of the [`PrejudiceRemover`], checked when fitting (linfa's [`ParamGuard`] idiom).
///
/// | name | default | meaning | range |
/// |---|---|---|---|
/// | `eta` | 1.0 | weight of the prejudice index (AIF360's `eta`) | `≥ 0` |
/// | `c` | 1.0 | weight of the L2 penalty `C/2 · ‖w‖²` (fixed to 1 in AIF360) | `≥ 0` |
/// | `max_iterations` | 2000 | L-BFGS iterations, for the start and for the regularized fit each | `≥ 1` |
/// | `gradient_tolerance` | 1e-6 | stop when the L2 norm of the mean loss's gradient is below this | `> 0` |
/// | `cost_tolerance` | 1e-9 | stop when the mean loss (loss / total weight) changes by less than this in an iteration (about scipy L-BFGS-B's default relative test) | `≥ 0` |
#[derive(Debug, Clone, PartialEq)]
pub struct PrejudiceRemoverParams(PrejudiceRemoverValidParams);

impl Default for PrejudiceRemoverParams {
    fn default() -> Self {
        Self(PrejudiceRemoverValidParams {
            eta: 1.0,
            c: 1.0,
            max_iterations: 2000,
            gradient_tolerance: 1e-6,
            cost_tolerance: 1e-9,
        })
    }
}

impl PrejudiceRemoverParams {
    /// Sets `eta`, the weight of the prejudice index (0 gives one plain L2 logistic regression
    /// per group).
    pub fn eta(mut self, eta: f64) -> Self {
        self.0.eta = eta;
        self
    }

    /// Sets `c`, the weight of the L2 penalty.
    pub fn c(mut self, c: f64) -> Self {
        self.0.c = c;
        self
    }

    /// Sets the L-BFGS iteration cap.
    pub fn max_iterations(mut self, n: u64) -> Self {
        self.0.max_iterations = n;
        self
    }

    /// Sets the gradient-norm stopping tolerance.
    pub fn gradient_tolerance(mut self, tol: f64) -> Self {
        self.0.gradient_tolerance = tol;
        self
    }

    /// Sets the mean-loss change below which the optimizer stops.
    pub fn cost_tolerance(mut self, tol: f64) -> Self {
        self.0.cost_tolerance = tol;
        self
    }

    /// Checks the parameters and fits (see [`PrejudiceRemoverValidParams::fit`]).
    ///
    /// # Errors
    /// A parameter out of range, or anything the fit refuses.
    pub fn fit(self, data: &FairDataset) -> Result<PrejudiceRemover> {
        self.check()?.fit(data)
    }
}

impl ParamGuard for PrejudiceRemoverParams {
    type Checked = PrejudiceRemoverValidParams;
    type Error = InprocessingError;

    fn check_ref(&self) -> Result<&Self::Checked> {
        check_at_least("eta", self.0.eta, 0.0)?;
        check_at_least("C", self.0.c, 0.0)?;
        if self.0.max_iterations == 0 {
            return Err(Error::invalid("max-iterations", 0, "must be at least 1").into());
        }
        let tol = self.0.gradient_tolerance;
        if !(tol.is_finite() && tol > 0.0) {
            return Err(
                Error::invalid("gradient-tolerance", tol, "must be a positive number").into(),
            );
        }
        check_at_least("cost-tolerance", self.0.cost_tolerance, 0.0)?;
        Ok(&self.0)
    }

    fn check(self) -> Result<Self::Checked> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// The rows of one group: features with a trailing 1 (the intercept), labels, weights.
struct GroupRows {
    x: Array2<f64>,
    y: Array1<f64>,
    w: Array1<f64>,
}

/// A point, the loss there and its gradient.
type Evaluation = (Array1<f64>, f64, Array1<f64>);

/// Kamishima's objective over all groups (docs/inprocessing.md#prejudice-remover):
/// `−Σ wᵢ log-likelihoodᵢ + η · Σ wᵢ PIᵢ + C/2 · ‖W‖²`, with
/// `PIᵢ = pᵢ (ln q_g − ln r) + (1 − pᵢ)(ln(1 − q_g) − ln(1 − r))`, `q_g` the weighted mean of
/// `p` in the row's group and `r` the overall one.
pub(crate) struct Objective<'a> {
    groups: &'a [GroupRows],
    eta: f64,
    c: f64,
    /// Number of parameters per group (features + intercept).
    width: usize,
    /// The optimizer sees the loss times this (1 / total weight), so that its gradient
    /// tolerance is relative to the data's size.
    scale: f64,
    /// The last point evaluated, its loss and gradient: argmin asks for the cost and the
    /// gradient of the same point separately.
    cache: RefCell<Option<Evaluation>>,
}

impl Objective<'_> {
    fn probabilities(&self, theta: &Array1<f64>) -> Vec<Array1<f64>> {
        self.groups
            .iter()
            .enumerate()
            .map(|(g, rows)| {
                let w = theta.slice(s![g * self.width..(g + 1) * self.width]);
                rows.x
                    .dot(&w)
                    .mapv(|z| 1.0 / (1.0 + (-z.clamp(-SCORE_CLIP, SCORE_CLIP)).exp()))
            })
            .collect()
    }

    /// [`evaluate`](Self::evaluate) through the one-point cache.
    fn cached(&self, theta: &Array1<f64>) -> (f64, Array1<f64>) {
        if let Some((at, loss, grad)) = self.cache.borrow().as_ref()
            && at == theta
        {
            return (*loss, grad.clone());
        }
        let (loss, grad) = self.evaluate(theta);
        *self.cache.borrow_mut() = Some((theta.clone(), loss, grad.clone()));
        (loss, grad)
    }

    /// Loss and its exact gradient at `theta` (group-major, each block features then
    /// intercept).
    pub(crate) fn evaluate(&self, theta: &Array1<f64>) -> (f64, Array1<f64>) {
        let p = self.probabilities(theta);
        let mass: Vec<f64> = self.groups.iter().map(|r| r.w.sum()).collect();
        let positive: Vec<f64> = self
            .groups
            .iter()
            .zip(&p)
            .map(|(r, p)| r.w.dot(p))
            .collect();
        let r = positive.iter().sum::<f64>() / mass.iter().sum::<f64>();
        let (log_r, log_1r) = (r.ln(), (1.0 - r).ln());
        let mut loss = 0.5 * self.c * theta.dot(theta);
        let mut grad = theta * self.c;
        for (g, (rows, p)) in self.groups.iter().zip(&p).enumerate() {
            if mass[g] <= 0.0 {
                continue;
            }
            let q = positive[g] / mass[g];
            let a = q.ln() - log_r;
            let b = (1.0 - q).ln() - log_1r;
            let mut block = vec![0.0; self.width];
            // Rows as slices (`fit` builds the matrix row-major), so the update below vectorizes.
            let flat = rows.x.as_slice().unwrap_or(&[]);
            for (i, xi) in flat.chunks_exact(self.width).enumerate() {
                let (pi, yi, wi) = (p[i], rows.y[i], rows.w[i]);
                let ll = if yi > 0.5 { pi.ln() } else { (1.0 - pi).ln() };
                let pi_term = pi * a + (1.0 - pi) * b;
                loss += wi * (self.eta * pi_term - ll);
                // The terms through q_g and r cancel (their weighted sums are zero), so only
                // the direct derivative of each row remains.
                let r = wi * ((pi - yi) + self.eta * pi * (1.0 - pi) * (a - b));
                // One pass over the rows (cache-friendly), not one per column.
                for (g, &x) in block.iter_mut().zip(xi) {
                    *g += r * x;
                }
            }
            let mut out = grad.slice_mut(s![g * self.width..(g + 1) * self.width]);
            for (o, b) in out.iter_mut().zip(&block) {
                *o += b;
            }
        }
        (loss, grad)
    }
}

impl CostFunction for Objective<'_> {
    type Param = Array1<f64>;
    type Output = f64;

    fn cost(&self, theta: &Array1<f64>) -> std::result::Result<f64, argmin::core::Error> {
        Ok(self.cached(theta).0 * self.scale)
    }
}

impl Gradient for Objective<'_> {
    type Param = Array1<f64>;
    type Gradient = Array1<f64>;

    fn gradient(
        &self,
        theta: &Array1<f64>,
    ) -> std::result::Result<Array1<f64>, argmin::core::Error> {
        Ok(self.cached(theta).1 * self.scale)
    }
}

/// Minimizes `objective` from `init` with L-BFGS; returns the parameters, the iterations and
/// whether it stopped before the cap.
fn minimize(
    objective: Objective<'_>,
    init: Array1<f64>,
    params: &PrejudiceRemoverValidParams,
) -> Result<(Array1<f64>, u64, bool)> {
    let numerical = |e: argmin::core::Error| InprocessingError::Numerical {
        method: "prejudice-remover",
        message: e.to_string(),
    };
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), LBFGS_MEMORY)
        .with_tolerance_grad(params.gradient_tolerance)
        .map_err(numerical)?
        .with_tolerance_cost(params.cost_tolerance)
        .map_err(numerical)?;
    let result = Executor::new(objective, solver)
        .configure(|state| state.param(init).max_iters(params.max_iterations))
        .run()
        .map_err(numerical)?;
    let state = result.state();
    let theta = state
        .get_best_param()
        .cloned()
        .ok_or_else(|| InprocessingError::Numerical {
            method: "prejudice-remover",
            message: "no parameters were evaluated".into(),
        })?;
    let converged = !matches!(
        state.get_termination_reason(),
        Some(TerminationReason::MaxItersReached)
    );
    Ok((theta, state.get_iter(), converged))
}

impl PrejudiceRemoverValidParams {
    /// `eta`.
    pub fn eta(&self) -> f64 {
        self.eta
    }

    /// `C`.
    pub fn c(&self) -> f64 {
        self.c
    }

    /// Fits one logistic weight vector (with intercept) per group of `data`.
    ///
    /// The start is AIF360's: one L2 logistic regression per group (the objective at
    /// `eta = 0`, solved to convergence); from there L-BFGS minimizes the full objective with
    /// its exact gradient. Sample weights are honoured: each row's terms, and the group and
    /// overall means `q_g` and `r`, are weighted.
    ///
    /// # Errors
    /// No rows, a single label class, fewer than two groups with rows, all weights zero, or an
    /// optimizer failure.
    pub fn fit(&self, data: &FairDataset) -> Result<PrejudiceRemover> {
        let groups = data.groups();
        groups.require_two_groups()?;
        data.require_both_classes()?;
        let x = data.features();
        let d = x.ncols();
        let width = d + 1;
        let n_groups = groups.n_groups();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_groups];
        for (i, &c) in groups.codes().iter().enumerate() {
            members[c as usize].push(i);
        }
        let weights = data.weights();
        let rows: Vec<GroupRows> = members
            .iter()
            .map(|idx| {
                let mut gx = Array2::<f64>::ones((idx.len(), width));
                gx.slice_mut(s![.., ..d]).assign(&x.select(Axis(0), idx));
                GroupRows {
                    x: gx,
                    y: idx
                        .iter()
                        .map(|&i| f64::from(u8::from(data.labels()[i])))
                        .collect(),
                    w: idx.iter().map(|&i| weights.map_or(1.0, |w| w[i])).collect(),
                }
            })
            .collect();
        let total: f64 = rows.iter().map(|r| r.w.sum()).sum();
        if total <= 0.0 {
            return Err(Error::invalid(
                "sample weights",
                "all zero",
                "the total weight must be positive",
            )
            .into());
        }
        let objective = |eta| Objective {
            groups: &rows,
            eta,
            c: self.c,
            width,
            scale: 1.0 / total,
            cache: RefCell::new(None),
        };
        let (init, start_iterations, _) =
            minimize(objective(0.0), Array1::zeros(n_groups * width), self)?;
        let (theta, iterations, converged) = minimize(objective(self.eta), init, self)?;
        let objective = objective(self.eta);
        let (loss, grad) = objective.evaluate(&theta);
        let coefficients =
            Array2::from_shape_vec((n_groups, width), theta.to_vec()).map_err(|e| {
                InprocessingError::Numerical {
                    method: "prejudice-remover",
                    message: e.to_string(),
                }
            })?;
        Ok(PrejudiceRemover {
            schema: Arc::clone(groups.schema_arc()),
            coefficients,
            eta: self.eta,
            c: self.c,
            loss,
            gradient_norm: grad.dot(&grad).sqrt(),
            iterations: start_iterations + iterations,
            converged,
        })
    }
}

/// A fitted prejudice remover: one logistic model per group.
///
/// The probability of label 1 for a row of group `g` is `σ(w_g · x + b_g)` (the score clipped
/// to ±[`SCORE_CLIP`]); the predicted label is 1 where it exceeds one half. The group selects
/// the weight vector, so predicting needs the rows' groups. Deterministic (not randomized).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrejudiceRemover {
    schema: Arc<GroupSchema>,
    /// Row `g` = group code `g`: feature weights, then the intercept.
    coefficients: Array2<f64>,
    eta: f64,
    c: f64,
    loss: f64,
    gradient_norm: f64,
    iterations: u64,
    converged: bool,
}

impl PrejudiceRemover {
    /// Default parameters (AIF360's: `eta = 1`, `C = 1`).
    pub fn params() -> PrejudiceRemoverParams {
        PrejudiceRemoverParams::default()
    }

    /// Number of feature columns.
    pub fn n_features(&self) -> usize {
        self.coefficients.ncols() - 1
    }

    /// The weights of group `code`: feature weights then the intercept (`None` for an unknown
    /// code).
    pub fn coefficients(&self, code: u32) -> Option<Vec<f64>> {
        ((code as usize) < self.coefficients.nrows())
            .then(|| self.coefficients.row(code as usize).to_vec())
    }

    /// The group schema of the training data.
    pub fn schema(&self) -> &GroupSchema {
        &self.schema
    }

    /// The objective at the fitted weights (on the training data).
    pub fn loss(&self) -> f64 {
        self.loss
    }

    /// The L2 norm of the objective's gradient at the fitted weights.
    pub fn gradient_norm(&self) -> f64 {
        self.gradient_norm
    }

    /// L-BFGS iterations, start and regularized fit together.
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// Whether the regularized fit met the gradient tolerance before the iteration cap.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// `eta` of the fit.
    pub fn eta(&self) -> f64 {
        self.eta
    }

    /// Checks that a model read back from a file (a saved model) is consistent, so that
    /// predicting with it cannot panic: one row of finite weights per group of its schema.
    ///
    /// # Errors
    /// [`Error::Inconsistent`] naming what does not fit.
    pub fn validate(&self) -> fairkit_core::Result<()> {
        let what = "prejudice-remover model";
        if self.coefficients.ncols() == 0 {
            return Err(Error::inconsistent(what, "no intercept column"));
        }
        if self.coefficients.nrows() != self.schema.n_groups() {
            return Err(Error::inconsistent(
                what,
                format!(
                    "{} weight rows for {} groups",
                    self.coefficients.nrows(),
                    self.schema.n_groups()
                ),
            ));
        }
        if self.coefficients.iter().any(|v| !v.is_finite()) {
            return Err(Error::inconsistent(what, "a weight is not finite"));
        }
        Ok(())
    }

    /// Probability of label 1 for each row of `x` whose group (in `groups`) selects the weights.
    ///
    /// # Errors
    /// A feature count or row count that differs, other sensitive columns, or a group that the
    /// training data did not have.
    pub fn predict_proba(
        &self,
        x: ArrayView2<'_, f64>,
        groups: &Groups,
    ) -> fairkit_core::Result<Array1<f64>> {
        if x.ncols() != self.n_features() {
            return Err(Error::FeatureMismatch {
                expected: self.n_features(),
                got: x.ncols(),
            });
        }
        Error::check_len("group values", x.nrows(), groups.len())?;
        let codes = groups.codes_in(&self.schema)?;
        let d = self.n_features();
        Ok(x.rows()
            .into_iter()
            .zip(codes)
            .map(|(row, code)| {
                let w = self.coefficients.row(code as usize);
                let z = row.dot(&w.slice(s![..d])) + w[d];
                1.0 / (1.0 + (-z.clamp(-SCORE_CLIP, SCORE_CLIP)).exp())
            })
            .collect())
    }

    /// Predicted labels: probability of label 1 above one half.
    ///
    /// # Errors
    /// As [`predict_proba`](Self::predict_proba).
    pub fn predict(
        &self,
        x: ArrayView2<'_, f64>,
        groups: &Groups,
    ) -> fairkit_core::Result<Vec<bool>> {
        Ok(self
            .predict_proba(x, groups)?
            .iter()
            .map(|&p| p > 0.5)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small objective with three groups, weights and both labels.
    fn small_rows() -> Vec<GroupRows> {
        let mk = |x: Vec<[f64; 2]>, y: Vec<f64>, w: Vec<f64>| GroupRows {
            x: Array2::from_shape_fn((x.len(), 3), |(i, j)| if j < 2 { x[i][j] } else { 1.0 }),
            y: Array1::from(y),
            w: Array1::from(w),
        };
        vec![
            mk(
                vec![[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [2.0, 2.0]],
                vec![1.0, 0.0, 1.0, 1.0],
                vec![1.0, 2.0, 0.5, 1.0],
            ),
            mk(
                vec![[-1.0, 0.3], [0.1, -0.4], [1.2, 1.1]],
                vec![0.0, 0.0, 1.0],
                vec![1.0, 1.0, 3.0],
            ),
            mk(
                vec![[0.7, 0.7], [-0.2, 1.9]],
                vec![1.0, 0.0],
                vec![0.2, 1.0],
            ),
        ]
    }

    fn small(rows: &[GroupRows], eta: f64) -> Objective<'_> {
        Objective {
            groups: rows,
            eta,
            c: 0.7,
            width: 3,
            scale: 1.0,
            cache: RefCell::new(None),
        }
    }

    #[test]
    fn gradient_matches_central_differences() {
        for eta in [0.0, 1.0, 25.0, 100.0] {
            let rows = small_rows();
            let obj = small(&rows, eta);
            let theta = Array1::from_iter((0..9).map(|k| 0.3 * ((k as f64) * 1.7).sin()));
            let (_, g) = obj.evaluate(&theta);
            let h = 1e-6;
            for k in 0..9 {
                let mut up = theta.clone();
                up[k] += h;
                let mut dn = theta.clone();
                dn[k] -= h;
                let fd = (obj.evaluate(&up).0 - obj.evaluate(&dn).0) / (2.0 * h);
                let scale = fd.abs().max(1.0);
                assert!(
                    (fd - g[k]).abs() / scale < 1e-7,
                    "eta {eta}, k {k}: {fd} vs {}",
                    g[k]
                );
            }
        }
    }

    #[test]
    fn prejudice_index_is_zero_when_groups_agree() {
        // With all weights zero every p is 1/2, so q_g = r and the index vanishes: the loss is
        // the log-likelihood alone, Σ wᵢ ln 2.
        let rows = small_rows();
        let obj = small(&rows, 50.0);
        let (loss, _) = obj.evaluate(&Array1::zeros(9));
        let total_w: f64 = obj.groups.iter().map(|g| g.w.sum()).sum();
        assert!((loss - total_w * std::f64::consts::LN_2).abs() < 1e-12);
    }
}
