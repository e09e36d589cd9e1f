//! Learning fair representations (Zemel et al. 2013, as AIF360's `LFR`),
//! docs/preprocessing.md#learning-fair-representations: `k` prototypes, a soft assignment of
//! every row to them, and an objective that trades reconstruction, prediction and the groups'
//! assignment gap, minimized by L-BFGS with the analytic gradient.

use std::cell::RefCell;

use argmin::core::{CostFunction, Executor, Gradient, State, TerminationReason};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use fairkit_core::{
    Classifier, Error, FairDataset, Groups, Predictor, classifier_expected, classifier_score, rng,
};
use linfa::ParamGuard;
use ndarray::{Array1, Array2, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::groups::two_groups;
use crate::{FeatureTransform, FitFeatureTransform, PreprocessingError, Result};

/// L-BFGS history length (scipy's `m = 10`, which AIF360's `fmin_l_bfgs_b` uses).
const LBFGS_MEMORY: usize = 10;

/// Rows per task of the parallel passes. Fixed, so that partial sums are added in the same
/// order whatever the thread count (same seed, same bytes).
const CHUNK: usize = 2048;

/// The clip of the predicted probability (numpy's `finfo(float).eps`, as AIF360).
const EPS: f64 = f64::EPSILON;

/// Validated parameters of [`Lfr`].
#[derive(Debug, Clone, PartialEq)]
pub struct LfrValidParams {
    k: usize,
    ax: f64,
    ay: f64,
    az: f64,
    max_iterations: u64,
    gradient_tolerance: f64,
    cost_tolerance: f64,
    threshold: f64,
    seed: u64,
    initial: Option<Vec<f64>>,
}

/// Parameters of [`Lfr`], checked when fitting (linfa's [`ParamGuard`] idiom).
///
/// | name | default | meaning | range |
/// |---|---|---|---|
/// | `k` | 5 | number of prototypes | ≥ 1 |
/// | `ax` | 0.01 | weight of the reconstruction error `L_x` | ≥ 0, finite |
/// | `ay` | 1.0 | weight of the prediction log-loss `L_y` | ≥ 0, finite |
/// | `az` | 50.0 | weight of the groups' prototype-assignment gap `L_z` | ≥ 0, finite |
/// | `max_iterations` | 5000 | L-BFGS iterations at most (AIF360's `maxiter`) | ≥ 1 |
/// | `gradient_tolerance` | 1e-5 | stop when the gradient's norm falls below (scipy's `pgtol`) | > 0 |
/// | `cost_tolerance` | 2.2e-9 | stop when an iteration changes the objective by less (scipy's `factr · eps`) | > 0 |
/// | `threshold` | 0.5 | a row is predicted 1 when its `ŷ` exceeds it | `[0, 1]` |
/// | `seed` | 0 | seed of the uniform initialization | any |
/// | `initial` | drawn from `seed` | the starting point, in AIF360's layout | see [`initial`](Self::initial) |
///
/// The defaults are AIF360's, except that AIF360 also stops after 5000 objective evaluations
/// (`maxfun`) of a finite-difference gradient, which on wide data ends the search after a few
/// steps; with the analytic gradient the search runs to its tolerances.
#[derive(Debug, Clone, PartialEq)]
pub struct LfrParams(LfrValidParams);

impl Default for LfrParams {
    fn default() -> Self {
        Self(LfrValidParams {
            k: 5,
            ax: 0.01,
            ay: 1.0,
            az: 50.0,
            max_iterations: 5000,
            gradient_tolerance: 1e-5,
            cost_tolerance: 2.2e-9,
            threshold: 0.5,
            seed: 0,
            initial: None,
        })
    }
}

impl LfrParams {
    /// Sets the number of prototypes.
    pub fn k(mut self, k: usize) -> Self {
        self.0.k = k;
        self
    }

    /// Sets the weight of the reconstruction error.
    pub fn ax(mut self, ax: f64) -> Self {
        self.0.ax = ax;
        self
    }

    /// Sets the weight of the prediction log-loss.
    pub fn ay(mut self, ay: f64) -> Self {
        self.0.ay = ay;
        self
    }

    /// Sets the weight of the groups' assignment gap (the fairness term).
    pub fn az(mut self, az: f64) -> Self {
        self.0.az = az;
        self
    }

    /// Sets the largest number of L-BFGS iterations.
    pub fn max_iterations(mut self, n: u64) -> Self {
        self.0.max_iterations = n;
        self
    }

    /// Sets the gradient-norm tolerance.
    pub fn gradient_tolerance(mut self, tolerance: f64) -> Self {
        self.0.gradient_tolerance = tolerance;
        self
    }

    /// Sets the objective-change tolerance.
    pub fn cost_tolerance(mut self, tolerance: f64) -> Self {
        self.0.cost_tolerance = tolerance;
        self
    }

    /// Sets the classification threshold on `ŷ`.
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.0.threshold = threshold;
        self
    }

    /// Sets the seed of the initialization: `k` label weights then the `k × d` prototypes
    /// (row by row), each uniform in `[0, 1)`, drawn in that order from
    /// [`fairkit_core::rng::seeded`].
    pub fn seed(mut self, seed: u64) -> Self {
        self.0.seed = seed;
        self
    }

    /// Sets the starting point instead of drawing it: `k` label weights in `[0, 1]`, then the
    /// prototypes row by row (`k · d` values), the layout of AIF360's parameter vector. Its
    /// length is checked against the data at fit time.
    pub fn initial(mut self, parameters: Vec<f64>) -> Self {
        self.0.initial = Some(parameters);
        self
    }
}

impl ParamGuard for LfrParams {
    type Checked = LfrValidParams;
    type Error = PreprocessingError;

    fn check_ref(&self) -> Result<&Self::Checked> {
        let p = &self.0;
        if p.k == 0 {
            return Err(Error::invalid("k", p.k, "must be at least 1").into());
        }
        for (name, v) in [("ax", p.ax), ("ay", p.ay), ("az", p.az)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(Error::invalid(name, v, "must be finite and at least 0").into());
            }
        }
        if p.max_iterations == 0 {
            return Err(Error::invalid("max-iterations", 0, "must be at least 1").into());
        }
        for (name, v) in [
            ("gradient-tolerance", p.gradient_tolerance),
            ("cost-tolerance", p.cost_tolerance),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::invalid(name, v, "must be finite and positive").into());
            }
        }
        crate::error::check_unit("threshold", p.threshold)?;
        if let Some(init) = &p.initial {
            if let Some(v) = init.iter().find(|v| !v.is_finite()) {
                return Err(Error::invalid("initial", v, "values must be finite").into());
            }
            if let Some(v) = init.iter().take(p.k).find(|v| !(0.0..=1.0).contains(*v)) {
                return Err(
                    Error::invalid("initial", v, "the k label weights must be in [0, 1]").into(),
                );
            }
        }
        Ok(&self.0)
    }

    fn check(self) -> Result<Self::Checked> {
        self.check_ref()?;
        Ok(self.0)
    }
}

impl LfrValidParams {
    /// The number of prototypes.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The weights `(Ax, Ay, Az)` of the three terms.
    pub fn weights(&self) -> (f64, f64, f64) {
        (self.ax, self.ay, self.az)
    }

    /// The seed of the initialization.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The classification threshold.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// The starting point in AIF360's layout for data with `d` features: the given one, or
    /// `k + k·d` uniform draws from the seed.
    fn start(&self, d: usize) -> Result<Vec<f64>> {
        let len = self.k + self.k * d;
        match &self.initial {
            Some(init) if init.len() == len => Ok(init.clone()),
            Some(init) => Err(Error::invalid(
                "initial",
                format!("{} values", init.len()),
                &format!("needs k + k·features = {len} values"),
            )
            .into()),
            None => {
                let mut r = rng::seeded(self.seed);
                Ok((0..len).map(|_| rng::uniform(&mut r)).collect())
            }
        }
    }
}

/// `1 / (1 + exp(-t))` without overflow.
fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

/// The three terms of the objective and their weighted sum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LfrLoss {
    /// `Ax · L_x + Ay · L_y + Az · L_z`.
    pub total: f64,
    /// Reconstruction error: per group, the (weighted) mean over rows and features of
    /// `(x̂ − x)²`, summed over the two groups.
    pub reconstruction: f64,
    /// Log-loss of `ŷ` against the labels, (weighted) mean over rows.
    pub prediction: f64,
    /// Mean over prototypes of the absolute gap between the groups' mean assignments.
    pub fairness: f64,
}

/// The training rows as the objective reads them.
struct Problem<'a> {
    x: ArrayView2<'a, f64>,
    /// The non-zero entries of each row, `(column, value)` in column order (Adult's rows are
    /// mostly one-hot).
    rows: Vec<Vec<(usize, f64)>>,
    /// `‖x‖²` of each row.
    norm_sq: Vec<f64>,
    y: &'a [bool],
    /// Group of each row: 0 or 1.
    group: Vec<u8>,
    /// Row weight (1 without sample weights).
    weight: Vec<f64>,
    /// Weight sum of each group.
    group_weight: [f64; 2],
    k: usize,
    ax: f64,
    ay: f64,
    az: f64,
}

/// A point with its objective and gradient.
type Evaluation = (Array1<f64>, f64, Array1<f64>);

/// The problem handed to argmin: the objective and the last point with its loss and gradient
/// (the line search asks for both at each point, and one evaluation gives both).
struct Cached<'a> {
    problem: Problem<'a>,
    last: RefCell<Option<Evaluation>>,
}

impl Cached<'_> {
    fn evaluate(&self, theta: &Array1<f64>) -> (f64, Array1<f64>) {
        if let Some((point, cost, grad)) = &*self.last.borrow()
            && point == theta
        {
            return (*cost, grad.clone());
        }
        let (cost, grad) = self.problem.evaluate(theta);
        *self.last.borrow_mut() = Some((theta.clone(), cost, grad.clone()));
        (cost, grad)
    }
}

/// The model at given prototypes and label weights.
struct RowModel<'a> {
    w: &'a [f64],
    v: ArrayView2<'a, f64>,
}

/// The model's quantities on a block of rows.
struct Block {
    /// `ŷ`, clipped to `[eps, 1 − eps]`.
    yhat: Vec<f64>,
    /// The representation `x̂ = Σ_j m_j v_j` (rows × features).
    xhat: Array2<f64>,
}

/// One row's distances to the prototypes from `‖x‖²`, `x·v_j` and `‖v_j‖²`
/// (`‖x‖² − 2 x·v_j + ‖v_j‖²`, clipped at 0), its assignments `m` (the softmax of the negative
/// distances) and its `ŷ` clipped to `[eps, 1 − eps]`, with whether it was clipped.
fn assign_row(
    x_sq: f64,
    xv: &[f64],
    v_sq: &[f64],
    w: &[f64],
    dist: &mut [f64],
    m: &mut [f64],
) -> (f64, bool) {
    let mut min = f64::INFINITY;
    for ((dj, s), vj) in dist.iter_mut().zip(xv).zip(v_sq) {
        *dj = (x_sq - 2.0 * s + vj).max(0.0).sqrt();
        min = min.min(*dj);
    }
    let mut sum = 0.0;
    for (mj, dj) in m.iter_mut().zip(dist.iter()) {
        *mj = (min - dj).exp();
        sum += *mj;
    }
    let mut y = 0.0;
    for (mj, wj) in m.iter_mut().zip(w) {
        *mj /= sum;
        y += *mj * wj;
    }
    let c = y.clamp(EPS, 1.0 - EPS);
    (c, c != y)
}

impl RowModel<'_> {
    /// Assignments, `ŷ` and `x̂` of the rows of `x`, by matrix products: the squared distance
    /// is `‖x‖² − 2 x·v + ‖v‖²` (clipped at 0).
    fn block(&self, x: ArrayView2<'_, f64>) -> Block {
        let k = self.w.len();
        let v_sq: Vec<f64> = self.v.outer_iter().map(|p| p.dot(&p)).collect();
        let xv = x.dot(&self.v.t());
        let mut m = Array2::zeros(xv.dim());
        let mut dist = vec![0.0; k];
        let mut yhat = Vec::with_capacity(x.nrows());
        for ((row, xv), mut mi) in x.outer_iter().zip(xv.outer_iter()).zip(m.outer_iter_mut()) {
            let xv = xv.as_slice().unwrap_or(&[]);
            let mi = mi.as_slice_mut().unwrap_or(&mut []);
            yhat.push(assign_row(row.dot(&row), xv, &v_sq, self.w, &mut dist, mi).0);
        }
        let xhat = m.dot(&self.v);
        Block { yhat, xhat }
    }
}

/// The model's quantities on one chunk of rows, from the pass that computes the objective; the
/// gradient's pass reads them again.
struct Assigned {
    /// `x · v_j` (rows × k).
    xv: Vec<f64>,
    /// Distances to the prototypes (rows × k).
    dist: Vec<f64>,
    /// Soft assignments (rows × k).
    m: Vec<f64>,
    /// `ŷ`, clipped to `[eps, 1 − eps]`.
    yhat: Vec<f64>,
    /// Whether `ŷ` was clipped.
    clipped: Vec<bool>,
    /// Weighted squared reconstruction error per group.
    sq: [f64; 2],
    /// Weighted log-loss.
    log_loss: f64,
    /// Weighted assignment sums per group, `k` each.
    assign: [Vec<f64>; 2],
}

/// The prototypes as the sparse passes read them.
struct Prototypes {
    /// `v` transposed (features × k): the `k` values of a column are adjacent.
    vt: Vec<f64>,
    /// The Gram matrix `v vᵀ` (k × k).
    gram: Vec<f64>,
    /// Its diagonal, `‖v_j‖²`.
    v_sq: Vec<f64>,
}

impl Prototypes {
    fn new(v: ArrayView2<'_, f64>) -> Self {
        let (k, d) = v.dim();
        let mut vt = vec![0.0; d * k];
        for ((j, c), &value) in v.indexed_iter() {
            vt[c * k + j] = value;
        }
        let mut gram = vec![0.0; k * k];
        for a in 0..k {
            for b in 0..=a {
                let dot = v.row(a).dot(&v.row(b));
                gram[a * k + b] = dot;
                gram[b * k + a] = dot;
            }
        }
        let v_sq = (0..k).map(|j| gram[j * k + j]).collect();
        Prototypes { vt, gram, v_sq }
    }
}

/// `Σ_l G_jl m_l` for each `j` (`G` the Gram matrix): `x̂ · v_j`.
fn gram_times(gram: &[f64], m: &[f64], out: &mut [f64]) {
    let k = m.len();
    for (j, o) in out.iter_mut().enumerate() {
        *o = gram[j * k..(j + 1) * k]
            .iter()
            .zip(m)
            .map(|(g, m)| g * m)
            .sum();
    }
}

/// Gradient sums of one chunk of rows.
struct Backward {
    /// `∂L/∂w`.
    gw: Vec<f64>,
    /// `Σ_i c_i m_i m_iᵀ` (k × k), `c_i` the row's reconstruction scale: with `v` it gives the
    /// `x̂` part of the direct term `Σ_i m_i (∂L/∂x̂_i)ᵀ`.
    mm: Vec<f64>,
    /// `Σ_i (s_ij − c_i m_ij) x_i` (features × k), `s` the softmax term: the rows' part.
    xs: Vec<f64>,
    /// `Σ_i s_ij` (k): the prototypes' own part of the softmax term.
    s_sum: Vec<f64>,
}

impl Problem<'_> {
    fn n_params(&self) -> usize {
        self.k + self.k * self.x.ncols()
    }

    /// Splits `θ = [logit w, prototypes]` into `w` and the prototypes.
    fn unpack(&self, theta: &Array1<f64>) -> (Vec<f64>, Array2<f64>) {
        let d = self.x.ncols();
        let w = theta.iter().take(self.k).map(|&t| sigmoid(t)).collect();
        let v = Array2::from_shape_vec((self.k, d), theta.iter().skip(self.k).copied().collect())
            .unwrap_or_else(|_| Array2::zeros((self.k, d)));
        (w, v)
    }

    /// Chunks of row indices, fixed whatever the thread count.
    fn chunks(&self) -> Vec<std::ops::Range<usize>> {
        let n = self.x.nrows();
        (0..n.div_ceil(CHUNK))
            .map(|c| c * CHUNK..((c + 1) * CHUNK).min(n))
            .collect()
    }

    /// Assignments, `ŷ` and the objective's sums over each chunk of rows, from the non-zero
    /// entries: `‖x − v_j‖² = ‖x‖² − 2 x·v_j + ‖v_j‖²` (clipped at 0) and
    /// `‖x̂ − x‖² = mᵀ G m − 2 Σ_j m_j x·v_j + ‖x‖²` with `G = v vᵀ` (docs/preprocessing.md#speed).
    fn assign(&self, w: &[f64], p: &Prototypes) -> Vec<Assigned> {
        let k = self.k;
        self.chunks()
            .into_par_iter()
            .map(|rows| {
                let n = rows.len();
                let mut a = Assigned {
                    xv: vec![0.0; n * k],
                    dist: vec![0.0; n * k],
                    m: vec![0.0; n * k],
                    yhat: Vec::with_capacity(n),
                    clipped: Vec::with_capacity(n),
                    sq: [0.0; 2],
                    log_loss: 0.0,
                    assign: [vec![0.0; k], vec![0.0; k]],
                };
                let mut mg = vec![0.0; k];
                for (r, i) in rows.enumerate() {
                    let span = r * k..(r + 1) * k;
                    let xv = &mut a.xv[span.clone()];
                    for &(c, x) in &self.rows[i] {
                        for (s, v) in xv.iter_mut().zip(&p.vt[c * k..(c + 1) * k]) {
                            *s += x * v;
                        }
                    }
                    let x_sq = self.norm_sq[i];
                    let m = &mut a.m[span.clone()];
                    let (c, clipped) = assign_row(x_sq, xv, &p.v_sq, w, &mut a.dist[span], m);
                    a.yhat.push(c);
                    a.clipped.push(clipped);
                    gram_times(&p.gram, m, &mut mg);
                    let (xhat_sq, cross) = m
                        .iter()
                        .zip(&mg)
                        .zip(xv.iter())
                        .fold((0.0, 0.0), |(q, x), ((mj, gj), s)| {
                            (q + mj * gj, x + mj * s)
                        });
                    let sq = (xhat_sq - 2.0 * cross + x_sq).max(0.0);
                    let (g, wi) = (usize::from(self.group[i]), self.weight[i]);
                    a.sq[g] += wi * sq;
                    let p = if self.y[i] { c } else { 1.0 - c };
                    a.log_loss -= wi * p.ln();
                    for (s, mj) in a.assign[g].iter_mut().zip(m.iter()) {
                        *s += wi * mj;
                    }
                }
                a
            })
            .collect()
    }

    /// The objective's terms from the chunks' sums, with the groups' mean assignments.
    fn loss(&self, parts: &[Assigned]) -> (LfrLoss, [Vec<f64>; 2]) {
        let (k, d) = (self.k, self.x.ncols());
        let mut sq = [0.0; 2];
        let mut log_loss = 0.0;
        let mut assign = [vec![0.0; k], vec![0.0; k]];
        for f in parts {
            for g in 0..2 {
                sq[g] += f.sq[g];
                for (a, b) in assign[g].iter_mut().zip(&f.assign[g]) {
                    *a += b;
                }
            }
            log_loss += f.log_loss;
        }
        for (means, total) in assign.iter_mut().zip(self.group_weight) {
            means.iter_mut().for_each(|a| *a /= total);
        }
        let reconstruction = (0..2)
            .map(|g| sq[g] / (self.group_weight[g] * d as f64))
            .sum::<f64>();
        let prediction = log_loss / (self.group_weight[0] + self.group_weight[1]);
        let fairness = assign[0]
            .iter()
            .zip(&assign[1])
            .map(|(a, b)| (a - b).abs())
            .sum::<f64>()
            / k as f64;
        let total = self.ax * reconstruction + self.ay * prediction + self.az * fairness;
        let loss = LfrLoss {
            total,
            reconstruction,
            prediction,
            fairness,
        };
        (loss, assign)
    }

    /// The objective's terms at label weights `w` and prototypes `v`, with the groups' mean
    /// assignments.
    fn forward(&self, model: &RowModel<'_>) -> (LfrLoss, [Vec<f64>; 2]) {
        self.loss(&self.assign(model.w, &Prototypes::new(model.v)))
    }

    /// The objective and its gradient with respect to `θ = [logit w, prototypes]`.
    fn evaluate(&self, theta: &Array1<f64>) -> (f64, Array1<f64>) {
        let (w, v) = self.unpack(theta);
        let (grad_w, grad_v, loss) = self.gradient_parts(&w, v.view());
        let mut grad = Array1::zeros(self.n_params());
        for k in 0..self.k {
            grad[k] = grad_w[k] * w[k] * (1.0 - w[k]);
        }
        for (g, dv) in grad.iter_mut().skip(self.k).zip(grad_v.iter()) {
            *g = *dv;
        }
        (loss.total, grad)
    }

    /// The loss and its gradient with respect to the label weights `w` and the prototypes.
    ///
    /// With `c_i` the row's reconstruction scale, `∂L/∂x̂_i = c_i (x̂_i − x_i)`, so
    /// `∂L/∂m_ij = c_i (Σ_l G_jl m_il − x_i·v_j)` plus the prediction and fairness terms, and
    /// the direct term of `v_j`, `Σ_i m_ij c_i (x̂_i − x_i)`, is `Σ_l (Σ_i c_i m_ij m_il) v_l`
    /// minus a sum over the rows' non-zero entries.
    fn gradient_parts<'v>(
        &self,
        w: &'v [f64],
        v: ArrayView2<'v, f64>,
    ) -> (Vec<f64>, Array2<f64>, LfrLoss) {
        let (k, d) = (self.k, self.x.ncols());
        let p = Prototypes::new(v);
        let parts = self.assign(w, &p);
        let (loss, assign) = self.loss(&parts);
        let total_weight = self.group_weight[0] + self.group_weight[1];
        // ∂(Az · L_z)/∂m_ik for a row of weight 1 in group g: ±Az · sign(gap_k) / (k · W_g).
        let sign: Vec<f64> = (0..k)
            .map(|j| {
                let gap = assign[0][j] - assign[1][j];
                if gap > 0.0 {
                    1.0
                } else if gap < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            })
            .collect();
        let fair = [
            self.az / (k as f64 * self.group_weight[0]),
            -self.az / (k as f64 * self.group_weight[1]),
        ];
        let recon = [
            2.0 * self.ax / (self.group_weight[0] * d as f64),
            2.0 * self.ax / (self.group_weight[1] * d as f64),
        ];
        let sums: Vec<Backward> = self
            .chunks()
            .into_par_iter()
            .zip(parts.par_iter())
            .map(|(rows, a)| {
                let mut b = Backward {
                    gw: vec![0.0; k],
                    mm: vec![0.0; k * k],
                    xs: vec![0.0; d * k],
                    s_sum: vec![0.0; k],
                };
                let (mut mg, mut dm, mut t) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
                for (r, i) in rows.enumerate() {
                    let span = r * k..(r + 1) * k;
                    let (m, xv, dist) = (&a.m[span.clone()], &a.xv[span.clone()], &a.dist[span]);
                    let (g, wi) = (usize::from(self.group[i]), self.weight[i]);
                    let ci = wi * recon[g];
                    // ∂L/∂ŷ (prediction); zero where ŷ was clipped.
                    let yhat = a.yhat[r];
                    let q = if a.clipped[r] {
                        0.0
                    } else if self.y[i] {
                        -self.ay * wi / (total_weight * yhat)
                    } else {
                        self.ay * wi / (total_weight * (1.0 - yhat))
                    };
                    // ∂L/∂m: through x̂, then the prediction and fairness terms.
                    gram_times(&p.gram, m, &mut mg);
                    for j in 0..k {
                        dm[j] = ci * (mg[j] - xv[j]) + (q * w[j] + wi * fair[g] * sign[j]);
                        b.gw[j] += q * m[j];
                    }
                    // Softmax of a_j = −dist_j: ∂L/∂a_j = m_j (dm_j − Σ_l m_l dm_l), and
                    // ∂a_j/∂v_j = (x − v_j) / dist_j.
                    let mean: f64 = m.iter().zip(&dm).map(|(a, b)| a * b).sum();
                    for j in 0..k {
                        let da = m[j] * (dm[j] - mean);
                        let s = if dist[j] > 0.0 && da != 0.0 {
                            da / dist[j]
                        } else {
                            0.0
                        };
                        b.s_sum[j] += s;
                        t[j] = s - ci * m[j];
                        for l in 0..k {
                            b.mm[j * k + l] += ci * m[j] * m[l];
                        }
                    }
                    for &(c, x) in &self.rows[i] {
                        for (s, tj) in b.xs[c * k..(c + 1) * k].iter_mut().zip(&t) {
                            *s += x * tj;
                        }
                    }
                }
                b
            })
            .collect();
        let mut grad_w = vec![0.0; k];
        let mut mm = vec![0.0; k * k];
        let mut xs = vec![0.0; d * k];
        let mut s_sum = vec![0.0; k];
        for b in &sums {
            for (acc, part) in [
                (&mut grad_w, &b.gw),
                (&mut mm, &b.mm),
                (&mut xs, &b.xs),
                (&mut s_sum, &b.s_sum),
            ] {
                for (a, x) in acc.iter_mut().zip(part) {
                    *a += x;
                }
            }
        }
        // ∂L/∂v_j = Σ_l mm_jl v_l + xs_·j − s_sum_j v_j.
        let grad_v = Array2::from_shape_fn((k, d), |(j, c)| {
            let direct: f64 = (0..k).map(|l| mm[j * k + l] * v[[l, c]]).sum();
            direct + xs[c * k + j] - s_sum[j] * v[[j, c]]
        });
        (grad_w, grad_v, loss)
    }
}

impl CostFunction for Cached<'_> {
    type Param = Array1<f64>;
    type Output = f64;

    fn cost(&self, theta: &Array1<f64>) -> std::result::Result<f64, argmin::core::Error> {
        Ok(self.evaluate(theta).0)
    }
}

impl Gradient for Cached<'_> {
    type Param = Array1<f64>;
    type Gradient = Array1<f64>;

    fn gradient(
        &self,
        theta: &Array1<f64>,
    ) -> std::result::Result<Array1<f64>, argmin::core::Error> {
        Ok(self.evaluate(theta).1)
    }
}

impl<'a> Problem<'a> {
    fn new(params: &LfrValidParams, data: &'a FairDataset) -> Result<Self> {
        let [first, _] = two_groups(data.groups(), "lfr")?;
        let group: Vec<u8> = data
            .groups()
            .codes()
            .iter()
            .map(|&c| u8::from(c != first))
            .collect();
        let weight = match data.weights() {
            Some(w) => w.to_vec(),
            None => vec![1.0; data.n_rows()],
        };
        let mut group_weight = [0.0; 2];
        for (&g, &w) in group.iter().zip(&weight) {
            group_weight[usize::from(g)] += w;
        }
        if group_weight.iter().any(|&w| w <= 0.0) {
            return Err(Error::invalid(
                "sample weights",
                "zero for a whole group",
                "each group needs a positive total weight",
            )
            .into());
        }
        let rows: Vec<Vec<(usize, f64)>> = data
            .features()
            .rows()
            .into_iter()
            .map(|row| {
                row.indexed_iter()
                    .filter(|e| *e.1 != 0.0)
                    .map(|(c, &x)| (c, x))
                    .collect()
            })
            .collect();
        let norm_sq = rows
            .iter()
            .map(|row| row.iter().map(|(_, x)| x * x).sum())
            .collect();
        Ok(Self {
            x: data.features(),
            rows,
            norm_sq,
            y: data.labels(),
            group,
            weight,
            group_weight,
            k: params.k,
            ax: params.ax,
            ay: params.ay,
            az: params.az,
        })
    }
}

/// The logit of a label weight, kept finite for weights at the bounds.
fn logit(w: f64) -> f64 {
    let w = w.clamp(1e-12, 1.0 - 1e-12);
    (w / (1.0 - w)).ln()
}

impl FitFeatureTransform for LfrValidParams {
    type Object = Lfr;

    /// Fits the prototypes and label weights on training data with two groups
    /// (docs/preprocessing.md#learning-fair-representations).
    ///
    /// Minimizes `Ax · L_x + Ay · L_y + Az · L_z` with argmin's L-BFGS (memory 10, Moré–Thuente
    /// line search) and the analytic gradient. The label weights must stay in `[0, 1]`
    /// (AIF360's bounds), so the search runs over their logits; the prototypes are free.
    /// Sample weights are honoured: every mean of the objective becomes a weighted mean.
    ///
    /// # Errors
    /// Groups with rows other than two ([`PreprocessingError::NotTwoGroups`]), a group whose
    /// weights are all zero, a starting point of the wrong length, and an objective that is
    /// not finite ([`PreprocessingError::Optimizer`]).
    fn fit(&self, data: &FairDataset) -> Result<Lfr> {
        let problem = Problem::new(self, data)?;
        let d = data.n_features();
        let start = self.start(d)?;
        let init: Array1<f64> = start
            .iter()
            .enumerate()
            .map(|(i, &p)| if i < self.k { logit(p) } else { p })
            .collect();
        let initial_loss = problem.evaluate(&init).0;
        let problem = Cached {
            problem,
            last: RefCell::new(None),
        };
        let optimizer_error = |message: String| PreprocessingError::Optimizer {
            method: "lfr".into(),
            message,
        };
        if !initial_loss.is_finite() {
            return Err(optimizer_error(format!(
                "the objective at the start is {initial_loss}"
            )));
        }
        let solver = LBFGS::new(MoreThuenteLineSearch::new(), LBFGS_MEMORY)
            .with_tolerance_grad(self.gradient_tolerance)
            .and_then(|s| s.with_tolerance_cost(self.cost_tolerance))
            .map_err(|e| optimizer_error(e.to_string()))?;
        let result = Executor::new(problem, solver)
            .configure(|state| state.param(init).max_iters(self.max_iterations))
            .run()
            .map_err(|e| optimizer_error(e.to_string()))?;
        let state = result.state();
        let theta = state
            .get_best_param()
            .ok_or_else(|| optimizer_error("no parameters were evaluated".into()))?;
        // argmin 0.11 ends the run when its line search fails (as scipy's L-BFGS-B, which
        // AIF360 runs, keeps its last point) but does not hand the problem back: rebuild it.
        let rebuilt;
        let problem = match result.problem.problem.as_ref() {
            Some(cached) => &cached.problem,
            None => {
                rebuilt = Problem::new(self, data)?;
                &rebuilt
            }
        };
        let (w, prototypes) = problem.unpack(theta);
        let (loss, _) = problem.forward(&RowModel {
            w: &w,
            v: prototypes.view(),
        });
        Ok(Lfr {
            w,
            prototypes,
            threshold: self.threshold,
            loss,
            iterations: state.get_iter(),
            converged: !matches!(
                state.get_termination_reason(),
                Some(TerminationReason::MaxItersReached | TerminationReason::SolverExit(_))
            ),
            termination: state
                .get_termination_reason()
                .map_or_else(|| "none".to_string(), |r| r.text().to_string()),
        })
    }
}

/// A fitted fair representation (docs/preprocessing.md#learning-fair-representations).
///
/// Every row `x` is assigned to the `k` prototypes `v_j` by the softmax of the negative
/// Euclidean distances, `m_j(x) ∝ exp(−‖x − v_j‖)`. Its representation is
/// `x̂ = Σ_j m_j v_j` ([`FeatureTransform`]) and its predicted probability of label 1 is
/// `ŷ = Σ_j m_j w_j` ([`Classifier`]: label 1 when `ŷ > threshold`). Neither needs the row's
/// group, so new data is transformed without it; the groups only enter the fit.
///
/// ```
/// use fairkit_core::{Classifier, FairDataset, Groups};
/// use fairkit_preprocessing::{FitFeatureTransform, Lfr};
/// use ndarray::array;
///
/// let g = Groups::from_labels("g", &["a", "a", "a", "b", "b", "b"])?;
/// let x = array![[0.0, 1.0], [0.2, 0.9], [1.0, 0.1], [0.1, 1.0], [0.9, 0.0], [1.0, 0.2]];
/// let data = FairDataset::new(x, vec![true, true, false, true, false, false], g)?;
/// let lfr = Lfr::params().k(2).seed(7).fit(&data)?;
/// assert_eq!(lfr.prototypes().dim(), (2, 2));
/// assert!(lfr.label_weights().iter().all(|w| (0.0..=1.0).contains(w)));
/// let p = lfr.probabilities(data.features())?;
/// assert_eq!(lfr.predict(data.features()), p.mapv(|v| v > 0.5));
/// // With Az = 50 the two groups end up using the prototypes alike.
/// assert!(lfr.loss().fairness < 1e-3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lfr {
    w: Vec<f64>,
    prototypes: Array2<f64>,
    threshold: f64,
    loss: LfrLoss,
    iterations: u64,
    converged: bool,
    termination: String,
}

impl Lfr {
    /// The default parameters (AIF360's).
    pub fn params() -> LfrParams {
        LfrParams::default()
    }

    /// The prototypes' label weights `w`, each in `[0, 1]`.
    pub fn label_weights(&self) -> &[f64] {
        &self.w
    }

    /// The prototypes, one per row.
    pub fn prototypes(&self) -> ArrayView2<'_, f64> {
        self.prototypes.view()
    }

    /// The classification threshold on `ŷ`.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// The objective and its terms on the training data at the result.
    pub fn loss(&self) -> LfrLoss {
        self.loss
    }

    /// The L-BFGS iterations the fit took.
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// Whether the fit stopped on a tolerance (not on the iteration limit, nor on a line
    /// search that could not improve the objective).
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Why the optimizer stopped, in argmin's words.
    pub fn termination(&self) -> &str {
        &self.termination
    }

    fn model(&self) -> RowModel<'_> {
        RowModel {
            w: &self.w,
            v: self.prototypes.view(),
        }
    }

    /// The objective, its terms and its gradient at label weights `w` and `prototypes` on
    /// `data`, for checking the analytic gradient: the gradient is with respect to `w`
    /// (`k` values) then the prototypes row by row (AIF360's parameter layout).
    ///
    /// # Errors
    /// As [`FitFeatureTransform::fit`], and a `w` or `prototypes` whose shape does not match
    /// `params.k()` and the data's features.
    pub fn objective(
        params: &LfrValidParams,
        data: &FairDataset,
        w: &[f64],
        prototypes: ArrayView2<'_, f64>,
    ) -> Result<(LfrLoss, Vec<f64>)> {
        let problem = Problem::new(params, data)?;
        if w.len() != params.k || prototypes.dim() != (params.k, data.n_features()) {
            return Err(Error::invalid(
                "initial",
                format!("{} weights, {:?} prototypes", w.len(), prototypes.dim()),
                "shapes must be k and k × features",
            )
            .into());
        }
        let (gw, gv, loss) = problem.gradient_parts(w, prototypes.reborrow());
        let mut grad = gw;
        grad.extend(gv.iter());
        Ok((loss, grad))
    }

    fn check_width(&self, x: ArrayView2<'_, f64>) -> Result<()> {
        if x.ncols() == self.prototypes.ncols() {
            Ok(())
        } else {
            Err(Error::FeatureMismatch {
                expected: self.prototypes.ncols(),
                got: x.ncols(),
            }
            .into())
        }
    }

    /// `ŷ` of every row (the probability of label 1, clipped to `[eps, 1 − eps]` as AIF360).
    ///
    /// # Errors
    /// A feature count that differs from the fit.
    pub fn probabilities(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.check_width(x)?;
        Ok(Array1::from(self.model().block(x).yhat))
    }

    /// The representation `x̂` of every row.
    ///
    /// # Errors
    /// A feature count that differs from the fit.
    pub fn representation(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        self.check_width(x)?;
        Ok(self.model().block(x).xhat)
    }
}

impl FeatureTransform for Lfr {
    fn n_features(&self) -> usize {
        self.prototypes.ncols()
    }

    fn name(&self) -> &'static str {
        "lfr"
    }

    /// Checks that a model read back from a file is consistent: at least one prototype, one
    /// label weight in `[0, 1]` per prototype, finite prototypes and a threshold in `[0, 1]`.
    fn validate(&self) -> fairkit_core::Result<()> {
        let reason = if self.w.is_empty() {
            "it has no prototype".to_string()
        } else if self.w.len() != self.prototypes.nrows() {
            format!(
                "{} label weights for {} prototypes",
                self.w.len(),
                self.prototypes.nrows()
            )
        } else if let Some(w) = self.w.iter().find(|w| !(0.0..=1.0).contains(*w)) {
            format!("a label weight is {w}, outside [0, 1]")
        } else if self.prototypes.iter().any(|v| !v.is_finite()) {
            "a prototype has a value that is not finite".to_string()
        } else if !(0.0..=1.0).contains(&self.threshold) {
            format!("the threshold is {}, outside [0, 1]", self.threshold)
        } else {
            return Ok(());
        };
        Err(Error::inconsistent("lfr", reason))
    }

    /// The representation `x̂` ([`Lfr::representation`]); the groups are only checked for
    /// length, since the transform does not use them.
    fn transform_features(
        &self,
        x: ArrayView2<'_, f64>,
        groups: &Groups,
    ) -> fairkit_core::Result<Array2<f64>> {
        Error::check_len("sensitive groups", x.nrows(), groups.len())?;
        Error::check_features(self.prototypes.ncols(), x.ncols())?;
        Ok(self.model().block(x).xhat)
    }
}

impl Classifier for Lfr {
    fn n_features(&self) -> usize {
        self.prototypes.ncols()
    }

    /// Label 1 where `ŷ > threshold`.
    ///
    /// # Panics
    /// If `x` does not have the fitted number of features.
    fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
        Classifier::score(self, x).mapv(|p| p > self.threshold)
    }

    /// `ŷ`, the probability of label 1.
    ///
    /// # Panics
    /// If `x` does not have the fitted number of features.
    fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        assert_eq!(
            x.ncols(),
            self.prototypes.ncols(),
            "feature count of the fit"
        );
        Array1::from(self.model().block(x).yhat)
    }
}

/// LFR as a predictor of its own: deterministic labels `ŷ > threshold`, score `ŷ`; the groups
/// are not read (only their count is checked).
impl Predictor for Lfr {
    fn n_features(&self) -> usize {
        self.prototypes.ncols()
    }

    fn expected(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> fairkit_core::Result<Vec<f64>> {
        Error::check_len("sensitive groups", x.nrows(), groups.len())?;
        classifier_expected(self, x)
    }

    fn score(
        &self,
        x: ArrayView2<'_, f64>,
        groups: &Groups,
    ) -> fairkit_core::Result<Option<Vec<f64>>> {
        Error::check_len("sensitive groups", x.nrows(), groups.len())?;
        classifier_score(self, x)
    }

    fn validate(&self) -> fairkit_core::Result<()> {
        FeatureTransform::validate(self)
    }
}
