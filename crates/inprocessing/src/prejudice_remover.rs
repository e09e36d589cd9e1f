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
use crate::fmin_cg::{CgProblem, CgStatus, fmin_cg};
use crate::{InprocessingError, Result};

/// Kamishima's clip of the linear score: `|w · x| ≤ ln((1 − 1e-10) / 1e-10)`, so that
/// probabilities stay inside `[1e-10, 1 − 1e-10]` and every logarithm is finite.
pub const SCORE_CLIP: f64 = 23.025850929840455;

/// L-BFGS history length.
const LBFGS_MEMORY: usize = 10;

/// AIF360's conjugate-gradient iterations (Kamishima's `maxiter`).
pub const AIF360_CG_ITERATIONS: u64 = 100;

/// scipy `fmin_cg`'s default `gtol` (largest absolute gradient entry), which AIF360 keeps.
const AIF360_CG_GTOL: f64 = 1e-5;

/// Validated parameters of the [`PrejudiceRemover`].
#[derive(Debug, Clone, PartialEq)]
pub struct PrejudiceRemoverValidParams {
    eta: f64,
    c: f64,
    max_iterations: u64,
    gradient_tolerance: f64,
    cost_tolerance: f64,
    aif360_compat: bool,
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
/// | `aif360_compat` | false | reproduce AIF360 0.6.1 instead of converging: from the same start, scipy's `fmin_cg` (100 iterations) following Kamishima's gradient as written, which is wrong for `eta > 0` (docs/inprocessing.md#prejudice-remover); refuses sample weights | |
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
            aif360_compat: false,
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

    /// Reproduce AIF360 0.6.1's result instead of the optimum of the objective: after the same
    /// start, scipy's nonlinear conjugate gradient for [`AIF360_CG_ITERATIONS`] iterations
    /// following Kamishima's analytic gradient as written (wrong when `eta > 0`). Off by default.
    pub fn aif360_compat(mut self, on: bool) -> Self {
        self.0.aif360_compat = on;
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

impl Objective<'_> {
    /// Kamishima's `LRwPRType4.grad_loss` as written (unweighted; AIF360 0.6.1 optimizes with
    /// it): for group `g` with `n_g` rows among `n`, `dpᵢ = pᵢ(1 − pᵢ) xᵢ`, `S_g = Σ_{i∈g} dpᵢ`,
    /// `dq_g = S_g / n_g`, `dr = Σ_g S_g / n`,
    /// `∇_g = −Σ_{i∈g} (yᵢ − pᵢ) xᵢ + η [f1_g S_g + F2_g dq_g − F3_g dr] + C w_g`, with
    /// `f1_g = (ln q_g − ln r) − (ln(1 − q_g) − ln(1 − r))`,
    /// `F2_g = Σ_{i∈g} (pᵢ − q_g) / (q_g (1 − q_g))` and `F3_g = Σ_{i∈g} (pᵢ − r) / (r (1 − r))`.
    /// The `dr` term is not the derivative of the loss (`dr` sums every group's rows, whichever
    /// group's weights move), so for `η > 0` this is not the loss's gradient
    /// (docs/inprocessing.md#prejudice-remover).
    pub(crate) fn kamishima_gradient(&self, theta: &Array1<f64>) -> Array1<f64> {
        let p = self.probabilities(theta);
        let counts: Vec<f64> = self.groups.iter().map(|r| r.y.len() as f64).collect();
        let n: f64 = counts.iter().sum();
        let r = p.iter().map(|p| p.sum()).sum::<f64>() / n;
        let mut s = Vec::with_capacity(self.groups.len());
        let mut like = Vec::with_capacity(self.groups.len());
        for (rows, p) in self.groups.iter().zip(&p) {
            let dp = p.mapv(|v| v * (1.0 - v));
            s.push(rows.x.t().dot(&dp));
            like.push(rows.x.t().dot(&(&rows.y - p)));
        }
        let mut dr = Array1::<f64>::zeros(self.width);
        for sg in &s {
            dr += sg;
        }
        dr /= n;
        let mut grad = theta * self.c;
        for (g, p) in p.iter().enumerate() {
            if counts[g] == 0.0 {
                continue;
            }
            let q = p.sum() / counts[g];
            let f1 = (q.ln() - r.ln()) - ((1.0 - q).ln() - (1.0 - r).ln());
            let f2: f64 = p.iter().map(|&v| (v - q) / (q * (1.0 - q))).sum();
            let f3: f64 = p.iter().map(|&v| (v - r) / (r * (1.0 - r))).sum();
            let dq = &s[g] / counts[g];
            let f = &s[g] * f1 + &dq * f2 - &dr * f3;
            let mut out = grad.slice_mut(s![g * self.width..(g + 1) * self.width]);
            // Kamishima's order: (−L + η f) + C w.
            let block = (&f * self.eta - &like[g]) + &out;
            out.assign(&block);
        }
        grad
    }
}

/// The objective as AIF360 optimizes it: Kamishima's loss (unscaled) and Kamishima's gradient.
struct Kamishima<'a, 'b>(&'a Objective<'b>);

impl CgProblem for Kamishima<'_, '_> {
    fn loss(&self, x: &Array1<f64>) -> f64 {
        self.0.evaluate(x).0
    }

    fn grad(&self, x: &Array1<f64>) -> Array1<f64> {
        self.0.kamishima_gradient(x)
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

    /// Whether the fit reproduces AIF360 0.6.1 (see [`PrejudiceRemoverParams::aif360_compat`]).
    pub fn aif360_compat(&self) -> bool {
        self.aif360_compat
    }

    /// Fits one logistic weight vector (with intercept) per group of `data`.
    ///
    /// The start is AIF360's: one L2 logistic regression per group (the objective at
    /// `eta = 0`, solved to convergence). By default L-BFGS then minimizes the full objective
    /// with its exact gradient. With `aif360_compat`, scipy's `fmin_cg` follows Kamishima's
    /// gradient instead, as AIF360 0.6.1 does (docs/inprocessing.md#prejudice-remover). Sample
    /// weights are honoured by default (each row's terms, and the group and overall means `q_g`
    /// and `r`, are weighted) and refused with `aif360_compat`.
    ///
    /// # Errors
    /// No rows, a single label class, fewer than two groups with rows, all weights zero,
    /// weights with `aif360_compat`, or an optimizer failure.
    pub fn fit(&self, data: &FairDataset) -> Result<PrejudiceRemover> {
        self.fit_inner(data, None)
    }

    /// As [`fit`](Self::fit), from the given weights instead of the per-group logistic
    /// regressions: one row per group code, the feature weights then the intercept (e.g. AIF360's
    /// own start, to compare the optimizers alone).
    ///
    /// # Errors
    /// As [`fit`](Self::fit), and a start whose shape is not groups × (features + 1) or that
    /// holds a value that is not finite.
    pub fn fit_from(
        &self,
        data: &FairDataset,
        start: ArrayView2<'_, f64>,
    ) -> Result<PrejudiceRemover> {
        let want = (data.groups().n_groups(), data.features().ncols() + 1);
        if start.dim() != want {
            return Err(Error::invalid(
                "start",
                format!("{} x {}", start.nrows(), start.ncols()),
                &format!(
                    "must be {} x {} (groups x features + intercept)",
                    want.0, want.1
                ),
            )
            .into());
        }
        if start.iter().any(|v| !v.is_finite()) {
            return Err(
                Error::invalid("start", "not finite", "every weight must be finite").into(),
            );
        }
        self.fit_inner(data, Some(start.iter().copied().collect()))
    }

    fn fit_inner(
        &self,
        data: &FairDataset,
        start: Option<Array1<f64>>,
    ) -> Result<PrejudiceRemover> {
        let groups = data.groups();
        groups.require_two_groups()?;
        data.require_both_classes()?;
        if self.aif360_compat && data.weights().is_some() {
            return Err(InprocessingError::WeightsUnsupported {
                method: "prejudice-remover with aif360-compat",
            });
        }
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
        let objective = |eta, scale| Objective {
            groups: &rows,
            eta,
            c: self.c,
            width,
            scale,
            cache: RefCell::new(None),
        };
        let (init, start_iterations) = match start {
            Some(init) => (init, 0),
            None => {
                let (init, it, _) = minimize(
                    objective(0.0, 1.0 / total),
                    Array1::zeros(n_groups * width),
                    self,
                )?;
                (init, it)
            }
        };
        let (theta, iterations, converged) = if self.aif360_compat {
            // AIF360 hands scipy the unscaled loss.
            let full = objective(self.eta, 1.0);
            let run = fmin_cg(
                &Kamishima(&full),
                init,
                AIF360_CG_GTOL,
                AIF360_CG_ITERATIONS,
            );
            if run.status == CgStatus::NotFinite {
                return Err(InprocessingError::Numerical {
                    method: "prejudice-remover",
                    message: "the conjugate-gradient run reached a value that is not a number"
                        .into(),
                });
            }
            (run.x, run.iterations, run.status == CgStatus::Converged)
        } else {
            minimize(objective(self.eta, 1.0 / total), init, self)?
        };
        let objective = objective(self.eta, 1.0 / total);
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
            aif360_compat: self.aif360_compat,
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
    /// Fitted in the AIF360-compatible mode (absent from saved models of the default mode).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    aif360_compat: bool,
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

    /// Optimizer iterations, start (L-BFGS) and regularized fit (L-BFGS, or conjugate gradient
    /// with `aif360_compat`) together.
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// Whether the regularized fit met its gradient tolerance (with `aif360_compat`: scipy's
    /// `gtol`, largest entry of Kamishima's gradient at most 1e-5) before stopping; AIF360's runs
    /// on COMPAS and Adult all stop earlier, when the line search fails.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Whether the model was fitted in the AIF360-compatible mode.
    pub fn aif360_compat(&self) -> bool {
        self.aif360_compat
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

    /// tests/data/aif360/pr_compat.json (scripts/pr_compat_reference.py).
    fn compat_reference() -> serde_json::Value {
        serde_json::from_str(include_str!("../../../tests/data/aif360/pr_compat.json")).unwrap()
    }

    fn floats(v: &serde_json::Value) -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    }

    /// Kamishima's rows (features with the trailing 1 already, labels, integer groups) as
    /// unit-weight groups.
    fn kamishima_rows(case: &serde_json::Value) -> Vec<GroupRows> {
        let x: Vec<Vec<f64>> = case["X"].as_array().unwrap().iter().map(floats).collect();
        let y = floats(&case["y"]);
        let s = floats(&case["s"]);
        (0..2)
            .map(|g| {
                let idx: Vec<usize> = (0..y.len()).filter(|&i| s[i] as usize == g).collect();
                GroupRows {
                    x: Array2::from_shape_fn((idx.len(), 3), |(i, j)| x[idx[i]][j]),
                    y: idx.iter().map(|&i| y[i]).collect(),
                    w: Array1::ones(idx.len()),
                }
            })
            .collect()
    }

    fn kamishima(rows: &[GroupRows], eta: f64) -> Objective<'_> {
        Objective {
            groups: rows,
            eta,
            c: 1.0,
            width: 3,
            scale: 1.0,
            cache: RefCell::new(None),
        }
    }

    #[test]
    fn kamishima_gradient_and_loss_match_aif360s_code() {
        // Values from AIF360's own LRwPRType4.loss / grad_loss on a 12-row case; the sums run
        // in a different order, so agreement is to rounding (relative 1e-12).
        let doc = compat_reference();
        let case = &doc["gradient"];
        let rows = kamishima_rows(case);
        let mut largest_gap = 0.0_f64;
        for c in case["cases"].as_array().unwrap() {
            let obj = kamishima(&rows, c["eta"].as_f64().unwrap());
            let theta = Array1::from(floats(&c["coef"]));
            let want = floats(&c["grad"]);
            let got = obj.kamishima_gradient(&theta);
            let scale = want.iter().fold(1.0_f64, |m, v| m.max(v.abs()));
            for (g, w) in got.iter().zip(&want) {
                assert!((g - w).abs() <= 1e-12 * scale, "{c}: {got} vs {want:?}");
                largest_gap = largest_gap.max((g - w).abs());
            }
            let loss = c["loss"].as_f64().unwrap();
            assert!((obj.evaluate(&theta).0 - loss).abs() <= 1e-12 * loss.abs());
            // At eta = 0 Kamishima's gradient is the true one; above it is not.
            let exact = obj.evaluate(&theta).1;
            let off = (&exact - &got).iter().fold(0.0_f64, |m, v| m.max(v.abs()));
            if c["eta"].as_f64().unwrap() == 0.0 {
                assert!(off <= 1e-12 * scale, "eta 0: {off}");
            }
        }
        println!("Kamishima gradient: largest gap to AIF360's code {largest_gap:e}");
        // The wrong term is visible: at eta 25 and a non-zero point the two gradients differ.
        let obj = kamishima(&rows, 25.0);
        let theta = Array1::from(vec![0.5, -0.3, 0.2, -0.4, 0.9, 0.1]);
        let off = (&obj.evaluate(&theta).1 - &obj.kamishima_gradient(&theta))
            .iter()
            .fold(0.0_f64, |m, v| m.max(v.abs()));
        assert!(
            off > 0.1,
            "Kamishima's gradient equals the exact one: {off}"
        );
    }

    #[test]
    fn fmin_cg_follows_scipy_on_a_small_case() {
        // scipy 1.17 fmin_cg (maxiter 100) with Kamishima's loss and gradient on a 40-row case:
        // eta 0 converges (the gradient is right), eta 5 and 25 end in a failed line search
        // after falling back to line_search_wolfe2 once, as AIF360's runs do.
        let doc = compat_reference();
        let case = &doc["fmin_cg_small"];
        let rows = kamishima_rows(case);
        let start = Array1::from(floats(&case["start"]));
        for run in case["runs"].as_array().unwrap() {
            let eta = run["eta"].as_f64().unwrap();
            let obj = kamishima(&rows, eta);
            let out = fmin_cg(&Kamishima(&obj), start.clone(), AIF360_CG_GTOL, 100);
            let want = floats(&run["x"]);
            let gap = out
                .x
                .iter()
                .zip(&want)
                .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs()));
            let fval = obj.evaluate(&out.x).0;
            println!(
                "eta {eta}: {} iterations, {:?}, loss {fval} (scipy {}), largest coefficient gap {gap:e}",
                out.iterations, out.status, run["loss"]
            );
            assert!(gap <= 1e-8, "eta {eta}: {} vs {want:?}", out.x);
            let loss = run["loss"].as_f64().unwrap();
            assert!((fval - loss).abs() <= 1e-10 * loss.abs());
            let status = match run["warnflag"].as_u64().unwrap() {
                0 => CgStatus::Converged,
                1 => CgStatus::MaxIterations,
                2 => CgStatus::LineSearchFailed,
                _ => CgStatus::NotFinite,
            };
            assert_eq!(out.status, status, "eta {eta}");
        }
    }
}
