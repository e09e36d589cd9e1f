//! The Newton-Cholesky solver of the weighted linear models: the logistic regression
//! (scikit-learn's `newton-cholesky`) and the linear SVM (the squared hinge loss of
//! scikit-learn's `LinearSVC`, with its generalized Hessian as in liblinear's primal solver).
//! The exact Hessian, a Cholesky solve per step and a backtracking line search. It converges
//! quadratically (the squared hinge loss is piecewise quadratic: once the rows inside the margin
//! settle, a full step lands on the optimum), so a few steps reach the optimum to f64 precision
//! where L-BFGS stops early along flat directions (the intercept against a full one-hot block). Each
//! pass reads the mostly non-zero columns as a dense block and only the non-zero entries of the
//! others ([`SparseRows`]), a small fraction of a one-hot encoded matrix; one Hessian costs about
//! `n · k²/2` for `k` stored values per row, so the solver suits many rows and up to a few
//! hundred features. Internally the parameters are ordered intercept, dense block, sparse
//! columns, which keeps most Hessian updates contiguous. Passes over the rows run in parallel
//! (rayon) over fixed blocks of rows, summed in order: the same model on any number of threads.

use std::borrow::Cow;
use std::f64::consts::LN_2;

use fairkit_core::Error as CoreError;
use linfa_linalg::cholesky::SolveCInplace;
use ndarray::{Array2, ArrayView1, ArrayView2};
use rayon::prelude::*;

use crate::input::check_targets;
use crate::kernel::{self, LANES};
use crate::{LearnersError, Result};

/// The loss of a row with label sign `y` and decision value `z`, as a function of the margin
/// `m = y z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Loss {
    /// `log(1 + exp(−m))`.
    Logistic,
    /// `max(0, 1 − m)²`.
    SquaredHinge,
}

impl Loss {
    /// A row's weighted loss `w loss(sign z)`, its derivative in `z` (the residual) and its
    /// second derivative in `z` (the curvature), for label sign `sign` and weight `w`.
    #[inline(always)]
    fn row(self, sign: f64, w: f64, z: f64) -> (f64, f64, f64) {
        let margin = sign * z;
        match self {
            // docs/learners.md#the-logistic-kernel
            Loss::Logistic => kernel::logistic(sign, w, z),
            Loss::SquaredHinge => {
                // w max(0, 1 - margin)^2; its second derivative where the row is inside the
                // margin (the generalized Hessian)
                let slack = (1.0 - margin).max(0.0);
                let curvature = if slack > 0.0 { 2.0 * w } else { 0.0 };
                (w * slack * slack, -2.0 * w * sign * slack, curvature)
            }
        }
    }

    /// The loss at `m = 0` (every parameter zero).
    fn at_zero(self) -> f64 {
        match self {
            Loss::Logistic => LN_2,
            Loss::SquaredHinge => 1.0,
        }
    }
}

/// The problem the solver minimises: `Σ_i ω_i loss(y_i z_i) + alpha/2 · |θ|²` with
/// `ω_i = w_i / Σ w`, `z_i = x_i · β + b`, and `θ` the coefficients (and the intercept too when
/// `penalize_intercept`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Problem {
    pub loss: Loss,
    /// L2 strength on the summed (not averaged) loss.
    pub alpha: f64,
    pub fit_intercept: bool,
    pub penalize_intercept: bool,
    pub max_iterations: u64,
    /// Stop when the gradient norm of the averaged objective falls below this, or below
    /// `relative_tolerance` times its norm at zero.
    pub gradient_tolerance: f64,
    pub relative_tolerance: f64,
}

/// What the solver found.
#[derive(Debug, Clone)]
pub(crate) struct Solution {
    pub coefficients: Vec<f64>,
    pub intercept: f64,
    pub iterations: u64,
    pub converged: bool,
}

/// Relative cost change below which the line search judges a step by the gradient instead.
const FLAT: f64 = 1e-13;

/// Sufficient decrease of the Armijo line search.
const ARMIJO: f64 = 1e-4;
/// Step halvings before the line search gives up.
const MAX_HALVINGS: usize = 40;
/// Rows per parallel task. Fixed, so that the sums, and so the models, are the same on any
/// number of threads.
pub(crate) const CHUNK: usize = 4096;

/// The rows of a feature matrix, checked finite, split into a dense block (the columns that are
/// non-zero in at least half the rows) and the non-zero entries of the other columns,
/// remembering which matrix they came from (so that a cached copy is only used for the same
/// features).
#[derive(Debug)]
pub(crate) struct SparseRows {
    n_rows: usize,
    n_features: usize,
    /// Address and strides of the source matrix.
    origin: (usize, [isize; 2]),
    /// The columns stored densely, increasing.
    dense_columns: Vec<usize>,
    /// Row-major `n_rows × dense_columns.len()` values of those columns.
    dense: Vec<f64>,
    /// The other columns, increasing; the sparse entries index into this list.
    sparse_columns: Vec<usize>,
    /// The largest absolute value of each column (bounds the rounding of gradient sums).
    max_abs: Vec<f64>,
    /// Row `i`'s sparse entries are `index[start[i]..start[i + 1]]`, `value[..]` likewise.
    start: Vec<usize>,
    index: Vec<u32>,
    value: Vec<f64>,
}

impl SparseRows {
    /// The rows of `x`.
    ///
    /// # Errors
    /// A non-finite value, or more than `u32::MAX` features.
    pub fn new(x: ArrayView2<'_, f64>) -> std::result::Result<Self, CoreError> {
        let (n_rows, n_features) = x.dim();
        if u32::try_from(n_features).is_err() {
            return Err(CoreError::invalid(
                "features",
                n_features,
                "at most 2^32 - 1 columns",
            ));
        }
        let mut nonzero = vec![0_usize; n_features];
        let mut max_abs = vec![0.0_f64; n_features];
        for (row, values) in x.rows().into_iter().enumerate() {
            if let Some(v) = values.iter().find(|v| !v.is_finite()) {
                return Err(CoreError::NonFinite {
                    what: "features".into(),
                    row,
                    value: v.to_string(),
                });
            }
            for ((count, largest), &v) in nonzero.iter_mut().zip(&mut max_abs).zip(values) {
                *count += usize::from(v != 0.0);
                *largest = largest.max(v.abs());
            }
        }
        let (dense_columns, sparse_columns): (Vec<usize>, Vec<usize>) =
            (0..n_features).partition(|&j| 2 * nonzero[j] >= n_rows);
        let n_sparse: usize = sparse_columns.iter().map(|&j| nonzero[j]).sum();
        let mut dense = Vec::with_capacity(n_rows * dense_columns.len());
        let mut start = Vec::with_capacity(n_rows + 1);
        let (mut index, mut value) = (Vec::with_capacity(n_sparse), Vec::with_capacity(n_sparse));
        start.push(0);
        for values in x.rows() {
            dense.extend(dense_columns.iter().map(|&j| values[j]));
            for (s, &j) in sparse_columns.iter().enumerate() {
                if values[j] != 0.0 {
                    index.push(s as u32);
                    value.push(values[j]);
                }
            }
            start.push(index.len());
        }
        let strides = x.strides();
        Ok(Self {
            n_rows,
            n_features,
            origin: (x.as_ptr() as usize, [strides[0], strides[1]]),
            dense_columns,
            dense,
            sparse_columns,
            max_abs,
            start,
            index,
            value,
        })
    }

    /// The number of features (columns).
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Whether these are the rows of `x`: same memory, shape and strides.
    pub fn is_of(&self, x: ArrayView2<'_, f64>) -> bool {
        let strides = x.strides();
        self.n_rows == x.nrows()
            && self.n_features == x.ncols()
            && self.origin == (x.as_ptr() as usize, [strides[0], strides[1]])
    }

    /// Whether `x · coefficients + intercept > 0` for every row (the labels of a linear
    /// model), rows in parallel blocks (each value computed alone: the same on any number of
    /// threads).
    ///
    /// # Panics
    /// If there is not one coefficient per feature.
    pub fn positive(&self, coefficients: &[f64], intercept: f64) -> Vec<bool> {
        assert_eq!(
            coefficients.len(),
            self.n_features,
            "one coefficient per feature"
        );
        let dense: Vec<f64> = self
            .dense_columns
            .iter()
            .map(|&j| coefficients[j])
            .collect();
        let sparse: Vec<f64> = self
            .sparse_columns
            .iter()
            .map(|&j| coefficients[j])
            .collect();
        let mut out = vec![false; self.n_rows];
        out.par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(k, block)| {
                for (o, i) in block.iter_mut().zip(k * CHUNK..) {
                    let (index, value) = self.sparse_row(i);
                    let z = intercept
                        + dot(self.dense_row(i), &dense)
                        + sparse_dot(index, value, &sparse);
                    *o = z > 0.0;
                }
            });
        out
    }

    fn dense_row(&self, i: usize) -> &[f64] {
        let width = self.dense_columns.len();
        &self.dense[i * width..(i + 1) * width]
    }

    fn sparse_row(&self, i: usize) -> (&[u32], &[f64]) {
        let range = self.start[i]..self.start[i + 1];
        (&self.index[range.clone()], &self.value[range])
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `Σ theta[index_k] · value_k`.
fn sparse_dot(index: &[u32], value: &[f64], theta: &[f64]) -> f64 {
    index
        .iter()
        .zip(value)
        .map(|(&s, &v)| theta[s as usize] * v)
        .sum()
}

/// The weight-averaged objective of a [`Problem`] over the rows of positive weight, with
/// parameters in the internal order `[intercept (if fitted), dense block, sparse columns]`.
struct Objective<'a> {
    rows: &'a SparseRows,
    /// The labels, one per row.
    y: Cow<'a, [bool]>,
    /// The weights, one per row (all 1 when absent).
    weights: Option<Cow<'a, [f64]>>,
    /// The weight total.
    total: f64,
    /// The rows of positive weight, increasing; `None` when every row has a positive weight.
    active: Option<Vec<usize>>,
    /// How many rows have a positive weight.
    n_active: usize,
    /// `alpha` divided by the weight total.
    alpha: f64,
    fit_intercept: bool,
    /// The first penalised internal parameter (0 when the intercept is penalised).
    penalty_start: usize,
    loss: Loss,
}

impl<'a> Objective<'a> {
    /// The objective of `problem` on `rows` (labels and weights already checked): the rows of
    /// positive weight, weights and `alpha` divided by the weight total.
    fn new<'y: 'a, 'w: 'a>(
        problem: &Problem,
        rows: &'a SparseRows,
        y: ArrayView1<'y, bool>,
        weights: Option<ArrayView1<'w, f64>>,
    ) -> Self {
        let y = y
            .to_slice()
            .map_or_else(|| Cow::Owned(y.to_vec()), Cow::Borrowed);
        let weights = weights.map(|w| {
            w.to_slice()
                .map_or_else(|| Cow::Owned(w.to_vec()), Cow::Borrowed)
        });
        let (total, active) = match &weights {
            None => (std::iter::repeat_n(1.0, rows.n_rows).sum(), None),
            Some(w) => {
                let total: f64 = w.iter().sum();
                let active = w
                    .iter()
                    .any(|&v| v <= 0.0)
                    .then(|| (0..w.len()).filter(|&i| w[i] > 0.0).collect::<Vec<_>>());
                (total, active)
            }
        };
        let n_active = active.as_ref().map_or(rows.n_rows, Vec::len);
        let fit_intercept = problem.fit_intercept;
        Objective {
            rows,
            y,
            weights,
            total,
            active,
            n_active,
            alpha: problem.alpha / total,
            fit_intercept,
            penalty_start: usize::from(fit_intercept && !problem.penalize_intercept),
            loss: problem.loss,
        }
    }
}

/// One block of at most [`CHUNK`] consecutive rows of positive weight: what a parallel task of
/// a pass reads.
#[derive(Clone, Copy)]
struct Chunk<'o> {
    rows: ChunkRows<'o>,
    y: &'o [bool],
    weights: Option<&'o [f64]>,
    total: f64,
}

#[derive(Clone, Copy)]
enum ChunkRows<'o> {
    /// Rows `start..start + len`.
    Range { start: usize, len: usize },
    /// These rows.
    List(&'o [usize]),
}

impl Chunk<'_> {
    fn len(&self) -> usize {
        match self.rows {
            ChunkRows::Range { len, .. } => len,
            ChunkRows::List(rows) => rows.len(),
        }
    }

    /// The `k`-th row of the chunk: its index, label sign and weight divided by the total.
    #[inline(always)]
    fn at(&self, k: usize) -> (usize, f64, f64) {
        let i = match self.rows {
            ChunkRows::Range { start, .. } => start + k,
            ChunkRows::List(rows) => rows[k],
        };
        let sign = if self.y[i] { 1.0 } else { -1.0 };
        (i, sign, self.weights.map_or(1.0, |w| w[i]) / self.total)
    }
}

impl Objective<'_> {
    /// The rows of positive weight in blocks of [`CHUNK`], in order, as parallel tasks.
    fn chunks(&self) -> impl IndexedParallelIterator<Item = Chunk<'_>> {
        (0..self.n_active.div_ceil(CHUNK))
            .into_par_iter()
            .map(|k| self.chunk(k))
    }

    /// The `k`-th block of [`chunks`](Self::chunks).
    fn chunk(&self, k: usize) -> Chunk<'_> {
        let start = k * CHUNK;
        let len = CHUNK.min(self.n_active - start);
        Chunk {
            rows: match &self.active {
                None => ChunkRows::Range { start, len },
                Some(rows) => ChunkRows::List(&rows[start..start + len]),
            },
            y: &self.y,
            weights: self.weights.as_deref(),
            total: self.total,
        }
    }

    /// Where the dense block starts (after the intercept, if fitted).
    fn offset(&self) -> usize {
        usize::from(self.fit_intercept)
    }

    /// Where the sparse columns start.
    fn sparse_start(&self) -> usize {
        self.offset() + self.rows.dense_columns.len()
    }

    fn dim(&self) -> usize {
        self.sparse_start() + self.rows.sparse_columns.len()
    }

    /// The internal parameters of `coefficients` and `intercept`.
    fn internal(&self, coefficients: &[f64], intercept: f64) -> Vec<f64> {
        let intercept = self.fit_intercept.then_some(intercept);
        let columns = self.rows.dense_columns.iter();
        let columns = columns.chain(&self.rows.sparse_columns);
        intercept
            .into_iter()
            .chain(columns.map(|&j| coefficients[j]))
            .collect()
    }

    /// The coefficients and intercept of internal parameters `theta`.
    fn coefficients_of(&self, theta: &[f64]) -> (Vec<f64>, f64) {
        let mut coefficients = vec![0.0; self.rows.n_features];
        let columns = self.rows.dense_columns.iter();
        let columns = columns.chain(&self.rows.sparse_columns);
        for (&j, &t) in columns.zip(&theta[self.offset()..]) {
            coefficients[j] = t;
        }
        let intercept = if self.fit_intercept { theta[0] } else { 0.0 };
        (coefficients, intercept)
    }

    /// Cost and gradient at `theta`, and the curvature `w σ(z) σ(−z)` of each active row for
    /// [`hessian`](Self::hessian).
    fn evaluate(&self, theta: &[f64], grad: &mut [f64], curvature: &mut [f64]) -> f64 {
        if let Some(cost) = self.evaluate_fused(theta, grad, None) {
            return cost;
        }
        self.evaluate_rows(theta, grad, curvature)
    }

    /// Cost, gradient and Hessian at `theta` for Newton: in one fused pass over the rows when
    /// [`evaluate_fused`](Self::evaluate_fused) applies (then returns `true`), otherwise the
    /// cost and gradient with the rows' curvatures, from which [`hessian`](Self::hessian)
    /// makes the Hessian later (returns `false`).
    fn evaluate_newton(
        &self,
        theta: &[f64],
        grad: &mut [f64],
        curvature: &mut [f64],
        hess: &mut Array2<f64>,
    ) -> (f64, bool) {
        match self.evaluate_fused(theta, grad, Some(hess)) {
            Some(cost) => (cost, true),
            None => (self.evaluate_rows(theta, grad, curvature), false),
        }
    }

    /// Whether [`evaluate_fused`](Self::evaluate_fused) applies: no sparse columns, and the
    /// intercept and dense columns number 1 to [`FUSED_WIDTH`].
    fn fuses(&self) -> bool {
        self.rows.sparse_columns.is_empty()
            && !self.rows.dense_columns.is_empty()
            && self.sparse_start() <= FUSED_WIDTH
    }

    /// The fused pass of docs/learners.md#newton-cholesky-at-scale for rows without sparse
    /// columns and at most [`FUSED_WIDTH`] parameters: cost, gradient and (when `hess` is
    /// given) Hessian in one pass, with the per-row sums of each block held in fixed-size
    /// arrays. Every sum adds the same terms in the same order as
    /// [`evaluate_rows`](Self::evaluate_rows) and [`hessian`](Self::hessian), so the results
    /// are the same bits. `None` when it does not apply.
    fn evaluate_fused(
        &self,
        theta: &[f64],
        grad: &mut [f64],
        hess: Option<&mut Array2<f64>>,
    ) -> Option<f64> {
        if !self.fuses() {
            return None;
        }
        macro_rules! dispatch {
            ($($m:literal)*) => {
                match (self.sparse_start(), self.fit_intercept) {
                    $(
                        ($m, true) => self.fused::<$m, 1>(theta, grad, hess),
                        ($m, false) => self.fused::<$m, 0>(theta, grad, hess),
                    )*
                    _ => return None,
                }
            };
        }
        Some(dispatch!(1 2 3 4 5 6 7 8))
    }

    /// [`evaluate_fused`](Self::evaluate_fused) for `M` parameters of which `O` (0 or 1) is the
    /// intercept.
    fn fused<const M: usize, const O: usize>(
        &self,
        theta: &[f64],
        grad: &mut [f64],
        hess: Option<&mut Array2<f64>>,
    ) -> f64 {
        let with_hessian = hess.is_some();
        let partials: Vec<FusedPartial<M>> = self
            .chunks()
            .map(|chunk| {
                if with_hessian {
                    self.fused_chunk_dispatch::<M, O, true>(theta, chunk)
                } else {
                    self.fused_chunk_dispatch::<M, O, false>(theta, chunk)
                }
            })
            .collect();
        grad.fill(0.0);
        let mut loss = 0.0;
        for partial in &partials {
            loss += partial.loss;
            grad.iter_mut()
                .zip(&partial.grad)
                .for_each(|(g, c)| *g += c);
        }
        let mut penalty = 0.0;
        for j in self.penalty_start..theta.len() {
            penalty += theta[j] * theta[j];
            grad[j] += self.alpha * theta[j];
        }
        if let Some(hess) = hess {
            hess.fill(0.0);
            for partial in &partials {
                for a in 0..M {
                    for b in 0..=a {
                        hess[[a, b]] += partial.hess[a][b];
                    }
                }
            }
            for j in self.penalty_start..M {
                hess[[j, j]] += self.alpha;
            }
        }
        loss + 0.5 * self.alpha * penalty
    }

    /// [`fused_chunk`](Self::fused_chunk), with 4-wide vectors where the CPU has AVX2.
    #[inline(always)]
    fn fused_chunk_dispatch<const M: usize, const O: usize, const H: bool>(
        &self,
        theta: &[f64],
        chunk: Chunk<'_>,
    ) -> FusedPartial<M> {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked on the line above.
            return unsafe { self.fused_chunk_avx2::<M, O, H>(theta, chunk) };
        }
        self.fused_chunk::<M, O, H>(theta, chunk)
    }

    /// [`fused_chunk`](Self::fused_chunk) compiled with 4-wide vectors
    /// (docs/learners.md#four-wide-vectors): the same operations in the same order (AVX2
    /// without fused multiply-add), so the same bits as without.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn fused_chunk_avx2<const M: usize, const O: usize, const H: bool>(
        &self,
        theta: &[f64],
        chunk: Chunk<'_>,
    ) -> FusedPartial<M> {
        self.fused_chunk::<M, O, H>(theta, chunk)
    }

    /// One chunk of [`fused`](Self::fused): its loss, gradient and (when `H`) its Hessian, of
    /// which the lower triangle is read.
    #[inline(always)]
    fn fused_chunk<const M: usize, const O: usize, const H: bool>(
        &self,
        theta: &[f64],
        chunk: Chunk<'_>,
    ) -> FusedPartial<M> {
        let intercept = if O == 1 { theta[0] } else { 0.0 };
        let coefficients = &theta[O..M];
        let mut out = FusedPartial {
            loss: 0.0,
            grad: [0.0; M],
            hess: [[0.0; M]; M],
        };
        // Rows LANES at once: their decision values, then the logistic kernel on arrays (the
        // same bits as row by row, docs/learners.md#the-logistic-kernel), then the sums row by
        // row in order.
        let logistic = self.loss == Loss::Logistic;
        let len = chunk.len();
        let full = len - len % LANES;
        for first in (0..full).step_by(LANES) {
            let mut z = [0.0; LANES];
            let (mut sign, mut w, mut index) = ([0.0; LANES], [0.0; LANES], [0; LANES]);
            for l in 0..LANES {
                let (i, s, wi) = chunk.at(first + l);
                z[l] = intercept + self.row_dot::<M, O>(i, coefficients);
                (sign[l], w[l], index[l]) = (s, wi, i);
            }
            let (loss, residual, c) = if logistic {
                kernel::logistic_rows(&sign, &w, &z)
            } else {
                let mut out = ([0.0; LANES], [0.0; LANES], [0.0; LANES]);
                for l in 0..LANES {
                    (out.0[l], out.1[l], out.2[l]) = self.loss.row(sign[l], w[l], z[l]);
                }
                out
            };
            for l in 0..LANES {
                self.fused_add::<M, O, H>(&mut out, index[l], loss[l], residual[l], c[l]);
            }
        }
        for k in full..len {
            let (i, sign, w) = chunk.at(k);
            let z = intercept + self.row_dot::<M, O>(i, coefficients);
            let (row_loss, residual, c) = self.loss.row(sign, w, z);
            self.fused_add::<M, O, H>(&mut out, i, row_loss, residual, c);
        }
        out
    }

    /// `x_i · coefficients` over the dense block of `M − O` columns, in column order.
    #[inline(always)]
    fn row_dot<const M: usize, const O: usize>(&self, i: usize, coefficients: &[f64]) -> f64 {
        let width = M - O;
        let dense = &self.rows.dense[i * width..(i + 1) * width];
        let mut z = dense[0] * coefficients[0];
        for j in 1..width {
            z += dense[j] * coefficients[j];
        }
        z
    }

    /// Adds row `i`'s loss, gradient and (when `H`) Hessian terms to a chunk's sums.
    #[inline(always)]
    fn fused_add<const M: usize, const O: usize, const H: bool>(
        &self,
        out: &mut FusedPartial<M>,
        i: usize,
        row_loss: f64,
        residual: f64,
        c: f64,
    ) {
        let width = M - O;
        // [1 (the intercept, if fitted), dense values] of the row
        let mut head = [1.0; M];
        head[O..].copy_from_slice(&self.rows.dense[i * width..(i + 1) * width]);
        out.loss += row_loss;
        if O == 1 {
            out.grad[0] += residual;
        }
        for (g, &x) in out.grad[O..].iter_mut().zip(&head[O..]) {
            *g += residual * x;
        }
        if H {
            // Whole rows of the square (contiguous, so they vectorize); the lower triangle gets
            // the same terms in the same order as the separate passes, the rest is not read.
            for (row, &x) in out.hess.iter_mut().zip(&head) {
                let ca = c * x;
                for (h, &e) in row.iter_mut().zip(&head) {
                    *h += ca * e;
                }
            }
        }
    }

    /// Along `step` (internal order), over the active rows: `D = max_i |δ_i|` and
    /// `S = Σ_i ω_i |x̃_i| δ_i²`, with `δ_i = x̃_i · step` the change of row `i`'s decision
    /// value and `x̃_i` the row with its intercept entry.
    fn margin_changes(&self, step: &[f64]) -> (f64, f64) {
        let (o, m) = (self.offset(), self.sparse_start());
        let intercept = if self.fit_intercept { step[0] } else { 0.0 };
        let one = if self.fit_intercept { 1.0 } else { 0.0 };
        let partials: Vec<(f64, f64)> = self
            .chunks()
            .map(|chunk| {
                (0..chunk.len()).map(|k| chunk.at(k)).fold(
                    (0.0_f64, 0.0),
                    |(largest, sum), (i, _, w)| {
                        let (index, value) = self.rows.sparse_row(i);
                        let dense = self.rows.dense_row(i);
                        let delta = intercept
                            + dot(dense, &step[o..m])
                            + sparse_dot(index, value, &step[m..]);
                        let length = (one + dot(dense, dense) + dot(value, value)).sqrt();
                        (largest.max(delta.abs()), sum + w * length * delta * delta)
                    },
                )
            })
            .collect();
        partials
            .into_iter()
            .fold((0.0, 0.0), |(d, s), (pd, ps)| (d.max(pd), s + ps))
    }

    /// Whether the full Newton `step` from `theta` is certain to be accepted by the line search
    /// and to end the solve (gradient norm at most `tolerance` there), judged without
    /// evaluating the objective at the new point (docs/learners.md#the-last-newton-step). Only
    /// for the logistic loss. `grad`, `hess` (lower triangle, penalty included) and `cost` are
    /// those at `theta`; `slope = grad · step`.
    #[allow(clippy::too_many_arguments)]
    fn certainly_final(
        &self,
        theta: &[f64],
        grad: &[f64],
        hess: &Array2<f64>,
        step: &[f64],
        slope: f64,
        cost: f64,
        tolerance: f64,
    ) -> bool {
        // Only near the end, where the bound can hold (its pass costs a fifth of an
        // evaluation): a guess that never changes the outcome, only whether it is tried.
        if self.loss != Loss::Logistic
            || slope.is_nan()
            || slope >= 0.0
            || norm(grad) > TRY_FINAL * tolerance
        {
            return false;
        }
        let d = step.len();
        let h = |a: usize, b: usize| if b <= a { hess[[a, b]] } else { hess[[b, a]] };
        // The residual of the linear solve, g + H s, and the curvature along the step, s'Hs.
        let residual: Vec<f64> = (0..d)
            .map(|a| grad[a] + (0..d).map(|b| h(a, b) * step[b]).sum::<f64>())
            .collect();
        let along: f64 = (0..d)
            .map(|a| step[a] * (0..d).map(|b| h(a, b) * step[b]).sum::<f64>())
            .sum();
        // Rounding of the sums the line search and the stopping test would compute.
        let n_chunks = self.n_active.div_ceil(CHUNK) as f64;
        let rounding = (CHUNK as f64 + n_chunks + d as f64) * f64::EPSILON;
        let column_scale = (1.0
            + self.rows.max_abs.iter().map(|v| v * v).sum::<f64>()
            + self.alpha * self.alpha * theta.iter().map(|t| (t.abs() + 1.0).powi(2)).sum::<f64>())
        .sqrt();
        // The largest change of a decision value, with the rounding of its dot products.
        let (largest, spread) = self.margin_changes(step);
        let dot_rounding = 2.0 * (d as f64 + 1.0) * f64::EPSILON * column_scale * norm(step);
        let big_d = largest * (1.0 + 1e-12) + dot_rounding + 1e-300;
        let spread =
            spread * (1.0 + 1e-9) + 3.0 * dot_rounding * column_scale * (big_d + dot_rounding);
        if big_d.is_nan() || big_d >= 1.0 {
            return false;
        }
        // int_0^1 (1 - t) e^{tD} dt
        let kappa2 = (big_d.exp_m1() - big_d) / (big_d * big_d);
        let gradient_margin = 4.0 * rounding * column_scale;
        let cost_margin = 1e-10 * cost.abs().max(1.0);
        let decrease_bound = slope + along.max(0.0) * kappa2;
        // |∫ (H(θ + t s) − H(θ)) s dt| <= Σ ω_i c_i |x̃_i| |δ_i| κ1(|δ_i|) with c_i <= 1/4 and
        // κ1(δ) <= δ e^δ / 2
        let gradient_bound = norm(&residual) + 0.125 * big_d.exp() * spread;
        decrease_bound <= ARMIJO * slope - cost_margin
            && gradient_bound <= tolerance - gradient_margin
    }

    /// The general pass of [`evaluate`](Self::evaluate): any rows, the curvatures written for
    /// [`hessian`](Self::hessian).
    fn evaluate_rows(&self, theta: &[f64], grad: &mut [f64], curvature: &mut [f64]) -> f64 {
        let partials: Vec<(f64, Vec<f64>)> = self
            .chunks()
            .zip(curvature.par_chunks_mut(CHUNK))
            .map(|(chunk, curvature)| self.evaluate_chunk_dispatch(theta, chunk, curvature))
            .collect();
        grad.fill(0.0);
        let mut loss = 0.0;
        for (chunk_loss, chunk_grad) in partials {
            loss += chunk_loss;
            grad.iter_mut().zip(chunk_grad).for_each(|(g, c)| *g += c);
        }
        let mut penalty = 0.0;
        for j in self.penalty_start..theta.len() {
            penalty += theta[j] * theta[j];
            grad[j] += self.alpha * theta[j];
        }
        loss + 0.5 * self.alpha * penalty
    }

    /// [`evaluate_chunk`](Self::evaluate_chunk), with 4-wide vectors where the CPU has AVX2.
    fn evaluate_chunk_dispatch(
        &self,
        theta: &[f64],
        chunk: Chunk<'_>,
        curvature: &mut [f64],
    ) -> (f64, Vec<f64>) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked on the line above.
            return unsafe { self.evaluate_chunk_avx2(theta, chunk, curvature) };
        }
        self.evaluate_chunk(theta, chunk, curvature)
    }

    /// [`evaluate_chunk`](Self::evaluate_chunk) with 4-wide vectors: the same bits (see
    /// [`fused_chunk_avx2`](Self::fused_chunk_avx2)).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn evaluate_chunk_avx2(
        &self,
        theta: &[f64],
        chunk: Chunk<'_>,
        curvature: &mut [f64],
    ) -> (f64, Vec<f64>) {
        self.evaluate_chunk(theta, chunk, curvature)
    }

    /// The unpenalised loss and gradient of the rows of `chunk`, writing their curvatures.
    #[inline(always)]
    fn evaluate_chunk(
        &self,
        theta: &[f64],
        chunk: Chunk<'_>,
        curvature: &mut [f64],
    ) -> (f64, Vec<f64>) {
        let (o, m) = (self.offset(), self.sparse_start());
        let intercept = if self.fit_intercept { theta[0] } else { 0.0 };
        let mut grad = vec![0.0; theta.len()];
        let mut loss = 0.0;
        let z_of = |i: usize| {
            let dense = self.rows.dense_row(i);
            let (index, value) = self.rows.sparse_row(i);
            intercept + dot(dense, &theta[o..m]) + sparse_dot(index, value, &theta[m..])
        };
        // The row's terms, added in row order.
        let mut add = |i: usize, row_loss: f64, residual: f64| {
            loss += row_loss;
            if residual == 0.0 {
                return;
            }
            if self.fit_intercept {
                grad[0] += residual;
            }
            for (g, &x) in grad[o..m].iter_mut().zip(self.rows.dense_row(i)) {
                *g += residual * x;
            }
            let (index, value) = self.rows.sparse_row(i);
            for (&s, &v) in index.iter().zip(value) {
                grad[m + s as usize] += residual * v;
            }
        };
        // The logistic kernel takes LANES rows at once (the same bits as one by one,
        // docs/learners.md#the-logistic-kernel).
        let len = chunk.len();
        let done = if self.loss == Loss::Logistic {
            len - len % LANES
        } else {
            0
        };
        for (first, c) in (0..done)
            .step_by(LANES)
            .zip(curvature.chunks_exact_mut(LANES))
        {
            let (mut z, mut sign, mut w, mut index) =
                ([0.0; LANES], [0.0; LANES], [0.0; LANES], [0; LANES]);
            for l in 0..LANES {
                let (i, s, wi) = chunk.at(first + l);
                (z[l], sign[l], w[l], index[l]) = (z_of(i), s, wi, i);
            }
            let (row_loss, residual, curvature) = kernel::logistic_rows(&sign, &w, &z);
            c.copy_from_slice(&curvature);
            for l in 0..LANES {
                add(index[l], row_loss[l], residual[l]);
            }
        }
        for (k, c) in (done..len).zip(&mut curvature[done..]) {
            let (i, sign, w) = chunk.at(k);
            let (row_loss, residual, curvature) = self.loss.row(sign, w, z_of(i));
            *c = curvature;
            add(i, row_loss, residual);
        }
        (loss, grad)
    }

    /// The Hessian (lower triangle, row-major, internal order) from the rows' curvatures.
    fn hessian(&self, curvature: &[f64], hess: &mut Array2<f64>) {
        let d = self.dim();
        let partials: Vec<Vec<f64>> = self
            .chunks()
            .zip(curvature.par_chunks(CHUNK))
            .map(|(chunk, curvature)| self.hessian_chunk_dispatch(chunk, curvature))
            .collect();
        hess.fill(0.0);
        let h = hess
            .as_slice_mut()
            .expect("the Hessian is a standard-layout matrix");
        for partial in partials {
            h.iter_mut().zip(partial).for_each(|(a, b)| *a += b);
        }
        for j in self.penalty_start..d {
            h[j * d + j] += self.alpha;
        }
    }

    /// [`hessian_chunk`](Self::hessian_chunk), with 4-wide vectors where the CPU has AVX2.
    fn hessian_chunk_dispatch(&self, chunk: Chunk<'_>, curvature: &[f64]) -> Vec<f64> {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked on the line above.
            return unsafe { self.hessian_chunk_avx2(chunk, curvature) };
        }
        self.hessian_chunk(chunk, curvature)
    }

    /// [`hessian_chunk`](Self::hessian_chunk) with 4-wide vectors: the same bits (see
    /// [`fused_chunk_avx2`](Self::fused_chunk_avx2)).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn hessian_chunk_avx2(&self, chunk: Chunk<'_>, curvature: &[f64]) -> Vec<f64> {
        self.hessian_chunk(chunk, curvature)
    }

    /// The unpenalised Hessian (lower triangle, row-major, internal order) of the rows of
    /// `chunk`: the dense block (with the intercept) and its products with the sparse entries
    /// are contiguous updates; only products of two sparse entries are scattered.
    #[inline(always)]
    fn hessian_chunk(&self, chunk: Chunk<'_>, curvature: &[f64]) -> Vec<f64> {
        let (o, m, d) = (self.offset(), self.sparse_start(), self.dim());
        let mut h = vec![0.0; d * d];
        // [1 (the intercept), dense values] of the current row
        let mut head = vec![1.0; m];
        for (k, &c) in curvature.iter().enumerate().take(chunk.len()) {
            let (i, _, _) = chunk.at(k);
            if c == 0.0 {
                continue;
            }
            head[o..].copy_from_slice(self.rows.dense_row(i));
            for a in 0..m {
                let ca = c * head[a];
                for (hv, &e) in h[a * d..=a * d + a].iter_mut().zip(&head) {
                    *hv += ca * e;
                }
            }
            let (index, value) = self.rows.sparse_row(i);
            for (k, (&s, &v)) in index.iter().zip(value).enumerate() {
                let r = (m + s as usize) * d;
                let cv = c * v;
                for (hv, &e) in h[r..r + m].iter_mut().zip(&head) {
                    *hv += cv * e;
                }
                let sparse_part = &mut h[r + m..];
                for (&l, &u) in index[..=k].iter().zip(&value[..=k]) {
                    sparse_part[l as usize] += cv * u;
                }
            }
        }
        h
    }
}

/// The certified last step is tried when the gradient norm is at most this many tolerances.
const TRY_FINAL: f64 = 30.0;

/// The most parameters (intercept and dense columns) the fused pass handles.
const FUSED_WIDTH: usize = 8;

/// One chunk's share of [`Objective::fused`].
struct FusedPartial<const M: usize> {
    loss: f64,
    grad: [f64; M],
    /// The Hessian, of which the lower triangle (`hess[a][b]`, `b <= a`) is read.
    hess: [[f64; M]; M],
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
/// made), then runs Newton from `warm` (coefficients and intercept; from zero when absent or of
/// another width).
/// The objective of a [`Problem`] for another solver (L-BFGS): its value and gradient over
/// the same sparse rows and chunks as Newton's, with parameters in the coefficients' own order
/// `[coefficients.., intercept (if fitted)]`.
pub(crate) struct SmoothObjective<'a> {
    objective: Objective<'a>,
}

impl<'a> SmoothObjective<'a> {
    /// The objective of `problem` on `rows` with labels `y` and optional `weights` (rows of
    /// zero weight count as absent).
    ///
    /// # Errors
    /// Labels or weights that do not fit the rows.
    pub fn new<'y: 'a, 'w: 'a>(
        problem: &Problem,
        rows: &'a SparseRows,
        y: ArrayView1<'y, bool>,
        weights: Option<ArrayView1<'w, f64>>,
    ) -> Result<Self> {
        check_targets(rows.n_rows, y, weights)?;
        Ok(Self {
            objective: Objective::new(problem, rows, y, weights),
        })
    }

    /// Cost and gradient at `theta` (`[coefficients.., intercept (if fitted)]`).
    pub fn evaluate(&self, theta: &[f64]) -> (f64, Vec<f64>) {
        let o = &self.objective;
        let p = o.rows.n_features;
        let intercept = if o.fit_intercept { theta[p] } else { 0.0 };
        let internal = o.internal(&theta[..p], intercept);
        let mut grad = vec![0.0; internal.len()];
        let mut curvature = vec![0.0; if o.fuses() { 0 } else { o.n_active }];
        let cost = o.evaluate(&internal, &mut grad, &mut curvature);
        let (mut out, intercept_grad) = o.coefficients_of(&grad);
        if o.fit_intercept {
            out.push(intercept_grad);
        }
        (cost, out)
    }
}

pub(crate) fn fit(
    problem: &Problem,
    rows: &SparseRows,
    y: ArrayView1<'_, bool>,
    weights: Option<ArrayView1<'_, f64>>,
    warm: Option<(&[f64], f64)>,
) -> Result<Solution> {
    check_targets(rows.n_rows, y, weights)?;
    let objective = Objective::new(problem, rows, y, weights);
    let d = objective.dim();
    let mut theta = match warm.filter(|(c, _)| c.len() == rows.n_features) {
        Some((coefficients, intercept)) => objective.internal(coefficients, intercept),
        None => vec![0.0; d],
    };
    let n_active = objective.n_active;
    // The fused pass makes the Hessian itself: no curvatures to keep.
    let n_curvatures = if objective.fuses() { 0 } else { n_active };
    let (mut grad, mut curvature) = (vec![0.0; d], vec![0.0; n_curvatures]);
    let (mut next_grad, mut next_curvature) = (grad.clone(), curvature.clone());
    let (mut hess, mut next_hess) = (Array2::zeros((d, d)), Array2::zeros((d, d)));
    let (mut cost, mut hess_ready) =
        objective.evaluate_newton(&theta, &mut grad, &mut curvature, &mut hess);
    // A warm start worse than zero (the weights sum to one, no penalty there) is far from this
    // problem's optimum, where Newton's first steps are short: start from zero instead.
    if cost > objective.loss.at_zero() {
        theta.fill(0.0);
        (cost, hess_ready) =
            objective.evaluate_newton(&theta, &mut grad, &mut curvature, &mut hess);
    }
    let tolerance = if problem.relative_tolerance > 0.0 {
        let mut at_zero = vec![0.0; d];
        let mut scratch = vec![0.0; n_active];
        objective.evaluate(&vec![0.0; d], &mut at_zero, &mut scratch);
        problem
            .gradient_tolerance
            .max(problem.relative_tolerance * norm(&at_zero))
    } else {
        problem.gradient_tolerance
    };
    let mut iterations = 0;
    let converged = loop {
        if norm(&grad) <= tolerance {
            break true;
        }
        if iterations == problem.max_iterations {
            break false;
        }
        if !hess_ready {
            objective.hessian(&curvature, &mut hess);
        }
        let step = newton_step(&hess, &grad).ok_or_else(|| LearnersError::Solver {
            solver: "Newton-Cholesky",
            message: "the Newton system could not be solved".into(),
        })?;
        let slope: f64 = grad.iter().zip(&step).map(|(g, s)| g * s).sum();
        // The last step, when it is certain to be accepted and to converge, is taken without
        // evaluating the objective at its end: the same model, one pass over the rows fewer.
        if objective.certainly_final(&theta, &grad, &hess, &step, slope, cost, tolerance) {
            let t = 1.0;
            theta = theta.iter().zip(&step).map(|(a, s)| a + t * s).collect();
            iterations += 1;
            break true;
        }
        let mut t = 1.0;
        let mut accepted = None;
        for _ in 0..MAX_HALVINGS {
            let candidate: Vec<f64> = theta.iter().zip(&step).map(|(a, s)| a + t * s).collect();
            let (c, next_ready) = objective.evaluate_newton(
                &candidate,
                &mut next_grad,
                &mut next_curvature,
                &mut next_hess,
            );
            // Near the optimum the decrease falls below the cost's rounding: there a smaller
            // gradient is the evidence of progress.
            let flat = (c - cost).abs() <= FLAT * cost.abs().max(1.0);
            if c <= cost + ARMIJO * t * slope || (flat && norm(&next_grad) < norm(&grad)) {
                accepted = Some((candidate, c, next_ready));
                break;
            }
            t *= 0.5;
        }
        // No decrease within f64 precision: the point is as good as the objective can tell.
        let Some((candidate, c, next_ready)) = accepted else {
            break false;
        };
        iterations += 1;
        theta = candidate;
        cost = c;
        hess_ready = next_ready;
        std::mem::swap(&mut grad, &mut next_grad);
        std::mem::swap(&mut curvature, &mut next_curvature);
        std::mem::swap(&mut hess, &mut next_hess);
    };
    let (coefficients, intercept) = objective.coefficients_of(&theta);
    Ok(Solution {
        coefficients,
        intercept,
        iterations,
        converged,
    })
}
