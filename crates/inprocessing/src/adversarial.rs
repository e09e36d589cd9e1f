//! Adversarial debiasing (Zhang, Lemoine and Mitchell 2018), as AIF360's
//! `AdversarialDebiasing`: docs/inprocessing.md#adversarial-debiasing.
//!
//! A one-hidden-layer ReLU network (dropout while training) predicts the label; a small
//! logistic adversary predicts the group from the network's logit. Each mini-batch moves the
//! classifier against its own loss's gradient with the component along the adversary's
//! gradient projected out, and further away from the adversary by `adversary_loss_weight`
//! times its gradient; the adversary then takes its own Adam step. Every gradient is derived by
//! hand (checked against central differences in the tests below) and every draw (initial
//! weights, shuffles, dropout masks) comes from `fairkit_core::rng` with the fit's seed, on one
//! thread, so a seed gives the same bytes everywhere.

use std::ops::Range;

use fairkit_core::rng::{self, FairRng};
use fairkit_core::{Error, FairDataset, Groups, limits};
use linfa::ParamGuard;
use ndarray::{Array1, Array2, ArrayView2};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::error::{check_at_least, check_finite};
use crate::{InprocessingError, Result};

/// Probability of keeping a hidden unit while training (AIF360's `keep_prob` 0.8).
pub const KEEP_PROBABILITY: f64 = 0.8;
/// Adam's learning rate at the first step (AIF360's `starter_learning_rate`).
pub const LEARNING_RATE: f64 = 0.001;
/// The learning rate is multiplied by [`DECAY_RATE`] every `DECAY_STEPS` mini-batches.
pub const DECAY_STEPS: u64 = 1000;
/// See [`DECAY_STEPS`] (TensorFlow's `exponential_decay` with `staircase=True`).
pub const DECAY_RATE: f64 = 0.96;
/// Adam's first-moment decay (TensorFlow's default).
const BETA1: f64 = 0.9;
/// Adam's second-moment decay (TensorFlow's default).
const BETA2: f64 = 0.999;
/// Adam's epsilon (TensorFlow 1's default).
const ADAM_EPSILON: f64 = 1e-8;
/// Added to a gradient's norm before dividing by it (AIF360 adds float32's smallest normal).
const NORM_GUARD: f64 = f32::MIN_POSITIVE as f64;

/// The most epochs a fit accepts.
pub const EPOCHS: limits::Limit = limits::Limit {
    max: 100_000,
    unit: "epochs",
    why: "each epoch is a pass over every training row",
};

/// Which disparity the adversary can see, hence which one the classifier is pushed to remove
/// (serialized and parsed as `equalized-odds` and `demographic-parity`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdversaryTarget {
    /// The adversary reads `[s, s·y, s·(1 − y)]`, `s = σ((1 + |c|)·logit)` and `y` the true
    /// label: it can tell the groups apart within each label class, so the classifier is pushed
    /// towards equalized odds. This is AIF360's adversary (and the default).
    #[default]
    EqualizedOdds,
    /// The adversary reads `s` alone: the classifier is pushed towards demographic parity
    /// (the paper's adversary for that criterion).
    DemographicParity,
}

impl std::str::FromStr for AdversaryTarget {
    type Err = Error;

    /// `equalized-odds` (or `eo`) and `demographic-parity` (or `dp`); underscores for hyphens
    /// too.
    fn from_str(s: &str) -> std::result::Result<Self, Error> {
        match s.replace('_', "-").as_str() {
            "equalized-odds" | "eo" => Ok(AdversaryTarget::EqualizedOdds),
            "demographic-parity" | "dp" => Ok(AdversaryTarget::DemographicParity),
            _ => Err(Error::unknown(
                "adversary-target",
                s,
                &["equalized-odds", "demographic-parity"],
            )),
        }
    }
}

impl AdversaryTarget {
    /// Number of adversary inputs.
    fn width(self) -> usize {
        match self {
            AdversaryTarget::EqualizedOdds => 3,
            AdversaryTarget::DemographicParity => 1,
        }
    }

    /// The adversary's inputs for `s` and label `y`, and their derivatives in `s`.
    fn inputs(self, s: f64, y: f64) -> ([f64; 3], [f64; 3]) {
        match self {
            AdversaryTarget::EqualizedOdds => ([s, s * y, s * (1.0 - y)], [1.0, y, 1.0 - y]),
            AdversaryTarget::DemographicParity => ([s, 0.0, 0.0], [1.0, 0.0, 0.0]),
        }
    }
}

/// Validated parameters of [`AdversarialDebiasing`].
#[derive(Debug, Clone, PartialEq)]
pub struct AdversarialDebiasingValidParams {
    adversary_loss_weight: f64,
    num_epochs: usize,
    batch_size: usize,
    hidden_units: usize,
    debias: bool,
    target: AdversaryTarget,
    seed: u64,
}

/// Parameters of [`AdversarialDebiasing`], checked when fitting (linfa's [`ParamGuard`] idiom).
/// Defaults are AIF360's.
///
/// | name | default | meaning | range |
/// |---|---|---|---|
/// | `adversary_loss_weight` | 0.1 | how far each step moves away from the adversary's gradient | `≥ 0` |
/// | `num_epochs` | 50 | passes over the training rows | `≥ 1` |
/// | `batch_size` | 128 | rows per mini-batch (a last partial batch is skipped, as AIF360) | `1..=rows` |
/// | `hidden_units` | 200 | width of the hidden ReLU layer | `≥ 1` |
/// | `debias` | true | train against the adversary; `false` trains the plain network | |
/// | `target` | equalized odds | [`AdversaryTarget`] | |
/// | `seed` | 0 | seed of the initial weights, the shuffles and the dropout masks | |
#[derive(Debug, Clone, PartialEq)]
pub struct AdversarialDebiasingParams(AdversarialDebiasingValidParams);

impl Default for AdversarialDebiasingParams {
    fn default() -> Self {
        Self(AdversarialDebiasingValidParams {
            adversary_loss_weight: 0.1,
            num_epochs: 50,
            batch_size: 128,
            hidden_units: 200,
            debias: true,
            target: AdversaryTarget::EqualizedOdds,
            seed: 0,
        })
    }
}

impl AdversarialDebiasingParams {
    /// Sets the weight of the adversary's gradient in the classifier's update.
    pub fn adversary_loss_weight(mut self, w: f64) -> Self {
        self.0.adversary_loss_weight = w;
        self
    }

    /// Sets the number of passes over the training rows.
    pub fn num_epochs(mut self, n: usize) -> Self {
        self.0.num_epochs = n;
        self
    }

    /// Sets the mini-batch size.
    pub fn batch_size(mut self, n: usize) -> Self {
        self.0.batch_size = n;
        self
    }

    /// Sets the width of the hidden layer.
    pub fn hidden_units(mut self, n: usize) -> Self {
        self.0.hidden_units = n;
        self
    }

    /// Trains against the adversary (`true`) or trains the plain network (`false`).
    pub fn debias(mut self, debias: bool) -> Self {
        self.0.debias = debias;
        self
    }

    /// Sets which disparity the adversary targets.
    pub fn target(mut self, target: AdversaryTarget) -> Self {
        self.0.target = target;
        self
    }

    /// Sets the seed of every random draw of the fit.
    pub fn seed(mut self, seed: u64) -> Self {
        self.0.seed = seed;
        self
    }

    /// Checks the parameters and fits (see [`AdversarialDebiasingValidParams::fit`]).
    ///
    /// # Errors
    /// A parameter out of range, or anything the fit refuses.
    pub fn fit(self, data: &FairDataset) -> Result<AdversarialDebiasing> {
        self.check()?.fit(data)
    }
}

impl ParamGuard for AdversarialDebiasingParams {
    type Checked = AdversarialDebiasingValidParams;
    type Error = InprocessingError;

    fn check_ref(&self) -> Result<&Self::Checked> {
        check_at_least("adversary-loss-weight", self.0.adversary_loss_weight, 0.0)?;
        for (name, value) in [
            ("num-epochs", self.0.num_epochs),
            ("batch-size", self.0.batch_size),
            ("hidden-units", self.0.hidden_units),
        ] {
            if value == 0 {
                return Err(Error::invalid(name, 0, "must be at least 1").into());
            }
        }
        EPOCHS.check_usize("num-epochs", self.0.num_epochs)?;
        Ok(&self.0)
    }

    fn check(self) -> Result<Self::Checked> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// Feature rows with their zero entries left out: the prepared files are mostly one-hot
/// columns, and the network's first layer only needs the non-zero entries.
struct SparseRows {
    start: Vec<usize>,
    column: Vec<usize>,
    value: Vec<f64>,
}

impl SparseRows {
    fn new(x: ArrayView2<'_, f64>) -> Self {
        let mut rows = SparseRows {
            start: vec![0],
            column: Vec::new(),
            value: Vec::new(),
        };
        for row in x.rows() {
            for (j, &v) in row.iter().enumerate() {
                if v != 0.0 {
                    rows.column.push(j);
                    rows.value.push(v);
                }
            }
            rows.start.push(rows.column.len());
        }
        rows
    }

    /// Rows `ids`, in that order, copied together: a mini-batch's rows are scattered over the
    /// data, and reading them in one pass of independent loads up front keeps the passes from
    /// waiting on each row in turn.
    fn select(&self, ids: &[usize]) -> SparseRows {
        let ranges: Vec<Range<usize>> = ids
            .iter()
            .map(|&i| self.start[i]..self.start[i + 1])
            .collect();
        let total = ranges.iter().map(|r| r.len()).sum();
        let mut rows = SparseRows {
            start: Vec::with_capacity(ids.len() + 1),
            column: Vec::with_capacity(total),
            value: Vec::with_capacity(total),
        };
        rows.start.push(0);
        for r in ranges {
            rows.column.extend_from_slice(&self.column[r.clone()]);
            rows.value.extend_from_slice(&self.value[r]);
            rows.start.push(rows.column.len());
        }
        rows
    }

    /// Row `i`'s columns and values.
    #[inline(always)]
    fn row(&self, i: usize) -> (&[usize], &[f64]) {
        let r = self.start[i]..self.start[i + 1];
        (&self.column[r.clone()], &self.value[r])
    }
}

/// Where each variable of the classifier sits in its flat parameter vector:
/// `W1` (features × hidden, row-major), `b1`, `W2` (hidden), `b2`.
#[derive(Debug, Clone, Copy)]
struct Layout {
    d: usize,
    h: usize,
}

impl Layout {
    fn w1(self) -> Range<usize> {
        0..self.d * self.h
    }
    fn b1(self) -> Range<usize> {
        self.d * self.h..(self.d + 1) * self.h
    }
    fn w2(self) -> Range<usize> {
        (self.d + 1) * self.h..(self.d + 2) * self.h
    }
    fn b2(self) -> usize {
        (self.d + 2) * self.h
    }
    fn len(self) -> usize {
        (self.d + 2) * self.h + 1
    }
    /// The four variables, each projected on its own as AIF360 does.
    fn variables(self) -> [Range<usize>; 4] {
        [self.w1(), self.b1(), self.w2(), self.b2()..self.b2() + 1]
    }
}

/// The adversary's flat parameters: `c`, the input weights (one per input), the intercept.
fn adversary_len(target: AdversaryTarget) -> usize {
    target.width() + 2
}

/// One mini-batch: row ids, their labels and adversary targets (0/1), and the dropout
/// multipliers (`hidden` per row: 0 or `1 / keep`).
struct Batch<'a> {
    rows: &'a SparseRows,
    ids: &'a [usize],
    y: &'a [f64],
    g: &'a [f64],
    mask: &'a [f64],
}

/// The losses of one mini-batch and their gradients.
struct Evaluation {
    /// Mean cross-entropy of the classifier.
    classifier_loss: f64,
    /// Mean cross-entropy of the adversary (0 without one).
    adversary_loss: f64,
    /// Gradient of the classifier loss in the classifier's parameters.
    classifier_grad: Vec<f64>,
    /// Gradient of the adversary loss in the classifier's parameters (empty without one).
    adversary_grad_classifier: Vec<f64>,
    /// Gradient of the adversary loss in the adversary's parameters (empty without one).
    adversary_grad: Vec<f64>,
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Cross-entropy of logit `z` against target `t` ∈ {0, 1}, computed stably
/// (TensorFlow's `sigmoid_cross_entropy_with_logits`).
fn cross_entropy(z: f64, t: f64) -> f64 {
    z.max(0.0) - z * t + (-z.abs()).exp().ln_1p()
}

/// One row's hidden layer, for the backward pass.
struct Units<'a> {
    z: &'a [f64],
    mask: &'a [f64],
    hidden: &'a [f64],
    w2: &'a [f64],
}

impl Units<'_> {
    /// Back from the logit's derivative `delta` through the output layer, the dropout and the
    /// ReLU: adds to the gradient's `w2` and `b1` and writes `∂/∂z` to `dz`. One pass over the
    /// units with no index checks, so that it vectorizes.
    #[inline(always)]
    fn backward(&self, layout: Layout, delta: f64, grad: &mut [f64], dz: &mut [f64]) {
        let (head, gw2) = grad[..layout.w2().end].split_at_mut(layout.w2().start);
        let gb1 = &mut head[layout.b1()];
        for (((((g2, gb), d), (&zu, &m)), &hu), &w) in gw2
            .iter_mut()
            .zip(gb1.iter_mut())
            .zip(dz.iter_mut())
            .zip(self.z.iter().zip(self.mask))
            .zip(self.hidden)
            .zip(self.w2)
        {
            let open = if zu > 0.0 { m } else { 0.0 };
            *g2 += delta * hu;
            *d = delta * w * open;
            *gb += *d;
        }
    }
}

/// `out[u] = init[u] + Σᵢ xᵢ · m[rᵢ·h + u]` for the `h` units, the terms added in the order of
/// `i`: the first layer's forward pass (`m = W1`, `r` a row's columns) and its gradient
/// (`m` the batch's `∂z` rows, `r` the rows holding a feature). The units go in blocks whose
/// partial sums stay in registers, so each output is stored once and the additions of a
/// block are independent; every unit's sum is the plain loop's, so the bytes do not depend on
/// the block sizes.
#[inline(always)]
fn combine(h: usize, init: &[f64], r: &[usize], x: &[f64], m: &[f64], out: &mut [f64]) {
    let mut u0 = 0;
    while u0 + 32 <= h {
        combine_block::<32>(u0, h, init, r, x, m, out);
        u0 += 32;
    }
    while u0 + 4 <= h {
        combine_block::<4>(u0, h, init, r, x, m, out);
        u0 += 4;
    }
    while u0 < h {
        combine_block::<1>(u0, h, init, r, x, m, out);
        u0 += 1;
    }
}

/// [`combine`] for the units `u0..u0 + B`.
#[inline(always)]
fn combine_block<const B: usize>(
    u0: usize,
    h: usize,
    init: &[f64],
    r: &[usize],
    x: &[f64],
    m: &[f64],
    out: &mut [f64],
) {
    let mut acc = [0.0; B];
    for (a, i) in acc.iter_mut().zip(&init[u0..u0 + B]) {
        *a = *i;
    }
    for (&ri, &xi) in r.iter().zip(x) {
        let row = &m[ri * h + u0..ri * h + u0 + B];
        for (a, w) in acc.iter_mut().zip(row) {
            *a += xi * w;
        }
    }
    for (o, a) in out[u0..u0 + B].iter_mut().zip(acc) {
        *o = a;
    }
}

/// Losses and gradients of one mini-batch (docs/inprocessing.md#adversarial-debiasing).
fn evaluate(
    layout: Layout,
    cls: &[f64],
    adversary: Option<(&[f64], AdversaryTarget)>,
    batch: &Batch<'_>,
) -> Evaluation {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked on the line above.
        return unsafe { evaluate_avx2(layout, cls, adversary, batch) };
    }
    evaluate_body(layout, cls, adversary, batch)
}

/// [`evaluate`] compiled with 4-wide vectors (docs/inprocessing.md#speed): the same operations
/// in the same order (AVX2 without fused multiply-add), so the same bytes as without.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn evaluate_avx2(
    layout: Layout,
    cls: &[f64],
    adversary: Option<(&[f64], AdversaryTarget)>,
    batch: &Batch<'_>,
) -> Evaluation {
    evaluate_body(layout, cls, adversary, batch)
}

#[inline(always)]
fn evaluate_body(
    layout: Layout,
    cls: &[f64],
    adversary: Option<(&[f64], AdversaryTarget)>,
    batch: &Batch<'_>,
) -> Evaluation {
    let h = layout.h;
    let b = batch.ids.len() as f64;
    let (w1, b1, w2, b2) = (
        &cls[layout.w1()],
        &cls[layout.b1()],
        &cls[layout.w2()],
        cls[layout.b2()],
    );
    let with_adv = adversary.is_some();
    let mut grad_c = vec![0.0; layout.len()];
    let mut grad_ac = if with_adv {
        vec![0.0; layout.len()]
    } else {
        Vec::new()
    };
    let mut grad_a = adversary.map_or(Vec::new(), |(_, t)| vec![0.0; adversary_len(t)]);
    let (mut loss_c, mut loss_a) = (0.0, 0.0);
    let n_rows = batch.ids.len();
    let mut z = vec![0.0; h];
    let mut hidden = vec![0.0; h];
    // Each row's ∂z (classifier's and adversary's), for the first layer's gradient at the end.
    let mut dz_c = vec![0.0; n_rows * h];
    let mut dz_a = vec![0.0; if with_adv { n_rows * h } else { 0 }];
    let rows = batch.rows.select(batch.ids);
    for k in 0..n_rows {
        let mask = &batch.mask[k * h..(k + 1) * h];
        let (columns, values) = rows.row(k);
        combine(h, b1, columns, values, w1, &mut z);
        for ((hu, zu), m) in hidden.iter_mut().zip(&z).zip(mask) {
            *hu = zu.max(0.0) * m;
        }
        // In unit order, as one sum.
        let logit = hidden.iter().zip(w2).fold(b2, |l, (hu, w)| l + hu * w);
        let (y, g) = (batch.y[k], batch.g[k]);
        loss_c += cross_entropy(logit, y);
        let delta_c = (sigmoid(logit) - y) / b;
        let mut delta_a = 0.0;
        if let Some((adv, target)) = adversary {
            let c = adv[0];
            let m = target.width();
            let scale = 1.0 + c.abs();
            let s = sigmoid(scale * logit);
            let (f, df) = target.inputs(s, y);
            let mut u = adv[m + 1];
            for q in 0..m {
                u += f[q] * adv[1 + q];
            }
            loss_a += cross_entropy(u, g);
            let e = (sigmoid(u) - g) / b;
            let mut dl_ds = 0.0;
            for q in 0..m {
                grad_a[1 + q] += e * f[q];
                dl_ds += e * adv[1 + q] * df[q];
            }
            grad_a[m + 1] += e;
            let ds = s * (1.0 - s);
            grad_a[0] += dl_ds * ds * logit * c.signum() * f64::from(u8::from(c != 0.0));
            delta_a = dl_ds * ds * scale;
        }
        // Back through the output layer, the dropout and the ReLU to the first layer.
        grad_c[layout.b2()] += delta_c;
        if with_adv {
            grad_ac[layout.b2()] += delta_a;
        }
        let units = Units {
            z: &z,
            mask,
            hidden: &hidden,
            w2,
        };
        let r = k * h..(k + 1) * h;
        units.backward(layout, delta_c, &mut grad_c, &mut dz_c[r.clone()]);
        if with_adv {
            units.backward(layout, delta_a, &mut grad_ac, &mut dz_a[r]);
        }
    }
    // The first layer's gradient, feature by feature: row j of `Xᵀ ∂z` sums, in batch order,
    // the ∂z rows of the batch rows that hold feature j (the batch's entries by column).
    let mut start = vec![0; layout.d + 1];
    for &j in &rows.column {
        start[j + 1] += 1;
    }
    for j in 0..layout.d {
        start[j + 1] += start[j];
    }
    let mut fill = start.clone();
    let (mut holder, mut value) = (vec![0; rows.column.len()], vec![0.0; rows.column.len()]);
    for k in 0..n_rows {
        let (columns, values) = rows.row(k);
        for (&j, &x) in columns.iter().zip(values) {
            holder[fill[j]] = k;
            value[fill[j]] = x;
            fill[j] += 1;
        }
    }
    let zeros = vec![0.0; h];
    for j in 0..layout.d {
        let (e, out) = (start[j]..start[j + 1], j * h..(j + 1) * h);
        if e.is_empty() {
            continue;
        }
        combine(
            h,
            &zeros,
            &holder[e.clone()],
            &value[e.clone()],
            &dz_c,
            &mut grad_c[out.clone()],
        );
        if with_adv {
            combine(
                h,
                &zeros,
                &holder[e.clone()],
                &value[e],
                &dz_a,
                &mut grad_ac[out],
            );
        }
    }
    Evaluation {
        classifier_loss: loss_c / b,
        adversary_loss: loss_a / b,
        classifier_grad: grad_c,
        adversary_grad_classifier: grad_ac,
        adversary_grad: grad_a,
    }
}

/// The classifier's update direction (AIF360's): per variable, the classifier gradient minus
/// its projection on the adversary gradient's direction, minus `alpha` times the adversary
/// gradient.
fn debiased_direction(layout: Layout, gc: &mut [f64], ga: &[f64], alpha: f64) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked on the line above.
        return unsafe { debiased_direction_avx2(layout, gc, ga, alpha) };
    }
    debiased_direction_body(layout, gc, ga, alpha);
}

/// [`debiased_direction`] with 4-wide vectors: the same bytes (see [`evaluate_avx2`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn debiased_direction_avx2(layout: Layout, gc: &mut [f64], ga: &[f64], alpha: f64) {
    debiased_direction_body(layout, gc, ga, alpha);
}

/// The dot products are sums in four interleaved partial sums (lanes `k mod 4`), added up as
/// `(s0 + s1) + (s2 + s3)`, so that they vectorize with the same bytes on every build.
#[inline(always)]
fn debiased_direction_body(layout: Layout, gc: &mut [f64], ga: &[f64], alpha: f64) {
    for r in layout.variables() {
        let (gc, ga) = (&mut gc[r.clone()], &ga[r]);
        let norm = dot4(ga, ga).sqrt() + NORM_GUARD;
        // gc − (gc·ga / norm) · ga / norm − alpha · ga, with one coefficient per variable.
        let coefficient = dot4(gc, ga) / norm / norm + alpha;
        for (c, a) in gc.iter_mut().zip(ga) {
            *c -= coefficient * a;
        }
    }
}

/// `a · b` in four interleaved partial sums (see [`debiased_direction_body`]).
#[inline(always)]
fn dot4(a: &[f64], b: &[f64]) -> f64 {
    let mut s = [0.0; 4];
    let (ac, bc) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ar, br) = (ac.remainder(), bc.remainder());
    for (x, y) in ac.zip(bc) {
        for q in 0..4 {
            s[q] += x[q] * y[q];
        }
    }
    for (q, (x, y)) in ar.iter().zip(br).enumerate() {
        s[q] += x * y;
    }
    (s[0] + s[1]) + (s[2] + s[3])
}

/// Adam as TensorFlow 1 applies it.
struct Adam {
    m: Vec<f64>,
    v: Vec<f64>,
    t: i32,
}

impl Adam {
    fn new(n: usize) -> Self {
        Adam {
            m: vec![0.0; n],
            v: vec![0.0; n],
            t: 0,
        }
    }

    fn step(&mut self, theta: &mut [f64], grad: &[f64], lr: f64) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked on the line above.
            return unsafe { self.step_avx2(theta, grad, lr) };
        }
        self.step_body(theta, grad, lr);
    }

    /// [`Adam::step`] with 4-wide vectors: the same bytes (see [`evaluate_avx2`]).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn step_avx2(&mut self, theta: &mut [f64], grad: &[f64], lr: f64) {
        self.step_body(theta, grad, lr);
    }

    #[inline(always)]
    fn step_body(&mut self, theta: &mut [f64], grad: &[f64], lr: f64) {
        self.t += 1;
        let lr_t = lr * (1.0 - BETA2.powi(self.t)).sqrt() / (1.0 - BETA1.powi(self.t));
        for (((p, g), m), v) in theta.iter_mut().zip(grad).zip(&mut self.m).zip(&mut self.v) {
            *m = BETA1 * *m + (1.0 - BETA1) * g;
            *v = BETA2 * *v + (1.0 - BETA2) * g * g;
            *p -= lr_t * *m / (v.sqrt() + ADAM_EPSILON);
        }
    }
}

/// A unit is kept when its 16-bit lane is below this: `round(0.8 · 2¹⁶)`, so a unit is kept
/// with probability 52 429 / 65 536 = 0.800 003.
const KEEP_LANE: u16 = 52_429;

/// Fills `mask` with dropout multipliers (0 or `1 / keep`): one 16-bit little-endian lane of the
/// stream's bytes per unit, kept below [`KEEP_LANE`] (docs/inprocessing.md#speed).
fn dropout_mask(rng: &mut FairRng, lanes: &mut [u8], mask: &mut [f64]) {
    rng.fill_bytes(lanes);
    for (v, lane) in mask.iter_mut().zip(lanes.chunks_exact(2)) {
        *v = if u16::from_le_bytes([lane[0], lane[1]]) < KEEP_LANE {
            1.0 / KEEP_PROBABILITY
        } else {
            0.0
        };
    }
}

/// Glorot-uniform draws: `n` values in `±√(6 / (fan_in + fan_out))`.
fn glorot(rng: &mut FairRng, n: usize, fan_in: usize, fan_out: usize) -> Vec<f64> {
    let limit = (6.0 / (fan_in + fan_out) as f64).sqrt();
    (0..n)
        .map(|_| (2.0 * rng::uniform(rng) - 1.0) * limit)
        .collect()
}

/// Learning rate at (0-based) mini-batch `step`.
fn learning_rate(step: u64) -> f64 {
    LEARNING_RATE * DECAY_RATE.powi(i32::try_from(step / DECAY_STEPS).unwrap_or(i32::MAX))
}

impl AdversarialDebiasingValidParams {
    /// `adversary_loss_weight`.
    pub fn adversary_loss_weight(&self) -> f64 {
        self.adversary_loss_weight
    }

    /// `num_epochs`.
    pub fn num_epochs(&self) -> usize {
        self.num_epochs
    }

    /// `batch_size`.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// `hidden_units`.
    pub fn hidden_units(&self) -> usize {
        self.hidden_units
    }

    /// `debias`.
    pub fn debias(&self) -> bool {
        self.debias
    }

    /// The adversary's target.
    pub fn target(&self) -> AdversaryTarget {
        self.target
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Trains the classifier (and, with `debias`, the adversary) on `data`.
    ///
    /// The adversary predicts the group: `data` must have exactly two groups with rows (the
    /// one with the larger group code is the adversary's class 1). The group is not a feature
    /// of the classifier, so predicting does not need it. Sample weights are refused (AIF360
    /// reads none).
    ///
    /// # Errors
    /// Sample weights, no rows, a single label class, fewer or more than two groups with rows,
    /// a batch larger than the data, or non-finite feature values.
    pub fn fit(&self, data: &FairDataset) -> Result<AdversarialDebiasing> {
        if data.weights().is_some() {
            return Err(InprocessingError::WeightsUnsupported {
                method: "adversarial",
            });
        }
        let groups = data.groups();
        groups.require_two_groups()?;
        data.require_both_classes()?;
        let present = groups.present();
        if present.len() != 2 {
            return Err(Error::invalid(
                "sensitive",
                format!("{} groups", present.len()),
                "adversarial debiasing needs exactly two groups (its adversary is a logistic model)",
            )
            .into());
        }
        let x = data.features();
        check_finite("features", x)?;
        let n = data.n_rows();
        if self.batch_size > n {
            return Err(Error::invalid(
                "batch-size",
                self.batch_size,
                &format!("must be at most the number of training rows ({n})"),
            )
            .into());
        }
        let layout = Layout {
            d: x.ncols(),
            h: self.hidden_units,
        };
        // The parameters, two gradients and Adam's two moments, and a batch's dropout mask,
        // its random lanes and its two blocks of ∂z (counted as four rows of a batch).
        let per_unit = (layout.d as u64 + 3)
            .saturating_mul(5)
            .saturating_add((self.batch_size as u64).saturating_mul(4))
            .saturating_mul(8);
        limits::check_memory("hidden-units", self.hidden_units as u64, per_unit, None)?;
        let rows = SparseRows::new(x);
        let y: Vec<f64> = data
            .labels()
            .iter()
            .map(|&l| f64::from(u8::from(l)))
            .collect();
        let one = present[0].max(present[1]);
        let g: Vec<f64> = groups
            .codes()
            .iter()
            .map(|&c| f64::from(u8::from(c == one)))
            .collect();

        // Independent streams, so that one kind of draw never shifts another.
        let mut init = rng::stream(self.seed, 0);
        let mut shuffles = rng::stream(self.seed, 1);
        let mut dropout = rng::stream(self.seed, 2);
        let (d, h) = (layout.d, layout.h);
        let mut cls = vec![0.0; layout.len()];
        cls[layout.w1()].copy_from_slice(&glorot(&mut init, d * h, d, h));
        cls[layout.w2()].copy_from_slice(&glorot(&mut init, h, h, 1));
        let m = self.target.width();
        let mut adv = vec![0.0; adversary_len(self.target)];
        adv[0] = 1.0;
        adv[1..=m].copy_from_slice(&glorot(&mut init, m, m, 1));

        let mut adam_c = Adam::new(layout.len());
        let mut adam_a = Adam::new(adv.len());
        let bs = self.batch_size;
        let mut mask = vec![0.0; bs * h];
        let mut lanes = vec![0u8; 2 * bs * h];
        let (mut by, mut bg) = (vec![0.0; bs], vec![0.0; bs]);
        let mut step = 0u64;
        let (mut last_c, mut last_a) = (0.0, 0.0);
        for _ in 0..self.num_epochs {
            let order = rng::permutation(&mut shuffles, n);
            let batches = n / bs;
            let (mut sum_c, mut sum_a) = (0.0, 0.0);
            for ids in order.chunks_exact(bs) {
                for (k, &i) in ids.iter().enumerate() {
                    by[k] = y[i];
                    bg[k] = g[i];
                }
                dropout_mask(&mut dropout, &mut lanes, &mut mask);
                let batch = Batch {
                    rows: &rows,
                    ids,
                    y: &by,
                    g: &bg,
                    mask: &mask,
                };
                let lr = learning_rate(step);
                let adversary = self.debias.then_some((adv.as_slice(), self.target));
                let mut ev = evaluate(layout, &cls, adversary, &batch);
                if self.debias {
                    debiased_direction(
                        layout,
                        &mut ev.classifier_grad,
                        &ev.adversary_grad_classifier,
                        self.adversary_loss_weight,
                    );
                }
                adam_c.step(&mut cls, &ev.classifier_grad, lr);
                if self.debias {
                    adam_a.step(&mut adv, &ev.adversary_grad, lr);
                }
                sum_c += ev.classifier_loss;
                sum_a += ev.adversary_loss;
                step += 1;
            }
            last_c = sum_c / batches as f64;
            last_a = sum_a / batches as f64;
        }
        if cls.iter().chain(&adv).any(|v| !v.is_finite()) {
            return Err(InprocessingError::Numerical {
                method: "adversarial",
                message: "the network's weights diverged (not finite)".into(),
            });
        }
        let w1 = Array2::from_shape_vec((d, h), cls[layout.w1()].to_vec()).map_err(|e| {
            InprocessingError::Numerical {
                method: "adversarial",
                message: e.to_string(),
            }
        })?;
        Ok(AdversarialDebiasing {
            w1,
            b1: Array1::from(cls[layout.b1()].to_vec()),
            w2: Array1::from(cls[layout.w2()].to_vec()),
            b2: cls[layout.b2()],
            adversary: self.debias.then(|| Adversary {
                c: adv[0],
                weights: adv[1..=m].to_vec(),
                intercept: adv[m + 1],
            }),
            target: self.target,
            adversary_loss_weight: self.adversary_loss_weight,
            seed: self.seed,
            steps: step,
            classifier_loss: last_c,
            adversary_loss: self.debias.then_some(last_a),
        })
    }
}

/// The adversary at the end of training: `σ(weights · inputs + intercept)` with the inputs of
/// the [`AdversaryTarget`] and `s = σ((1 + |c|)·logit)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adversary {
    /// The sharpness parameter `c`.
    pub c: f64,
    /// One weight per input.
    pub weights: Vec<f64>,
    /// The intercept.
    pub intercept: f64,
}

/// A fitted adversarially debiased classifier: `P(label 1) = σ(W2 · relu(W1ᵀ x + b1) + b2)`
/// (no dropout when predicting), label 1 where it exceeds one half. Deterministic given the
/// seed of the fit; predictions read the features only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdversarialDebiasing {
    /// Features × hidden units.
    w1: Array2<f64>,
    b1: Array1<f64>,
    w2: Array1<f64>,
    b2: f64,
    adversary: Option<Adversary>,
    target: AdversaryTarget,
    adversary_loss_weight: f64,
    seed: u64,
    steps: u64,
    classifier_loss: f64,
    adversary_loss: Option<f64>,
}

impl AdversarialDebiasing {
    /// Default parameters (AIF360's).
    pub fn params() -> AdversarialDebiasingParams {
        AdversarialDebiasingParams::default()
    }

    /// Number of feature columns.
    pub fn n_features(&self) -> usize {
        self.w1.nrows()
    }

    /// Width of the hidden layer.
    pub fn hidden_units(&self) -> usize {
        self.w1.ncols()
    }

    /// The adversary (`None` when trained without debiasing).
    pub fn adversary(&self) -> Option<&Adversary> {
        self.adversary.as_ref()
    }

    /// The adversary's target.
    pub fn target(&self) -> AdversaryTarget {
        self.target
    }

    /// The seed of the fit.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Mini-batch steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Mean classifier cross-entropy over the last epoch's mini-batches (with dropout).
    pub fn classifier_loss(&self) -> f64 {
        self.classifier_loss
    }

    /// Mean adversary cross-entropy over the last epoch's mini-batches (`None` without
    /// debiasing).
    pub fn adversary_loss(&self) -> Option<f64> {
        self.adversary_loss
    }

    /// Checks that a model read back from a file is consistent, so that predicting with it
    /// cannot panic: matching shapes and finite weights.
    ///
    /// # Errors
    /// [`Error::Inconsistent`] naming what does not fit.
    pub fn validate(&self) -> fairkit_core::Result<()> {
        let what = "adversarial model";
        let h = self.w1.ncols();
        if h == 0 || self.b1.len() != h || self.w2.len() != h {
            return Err(Error::inconsistent(
                what,
                format!(
                    "hidden layer sizes differ ({}, {}, {})",
                    h,
                    self.b1.len(),
                    self.w2.len()
                ),
            ));
        }
        let finite = self
            .w1
            .iter()
            .chain(&self.b1)
            .chain(&self.w2)
            .chain(std::iter::once(&self.b2))
            .all(|v| v.is_finite());
        if !finite {
            return Err(Error::inconsistent(what, "a weight is not finite"));
        }
        if let Some(a) = &self.adversary
            && a.weights.len() != self.target.width()
        {
            return Err(Error::inconsistent(
                what,
                format!(
                    "{} adversary weights for {} inputs",
                    a.weights.len(),
                    self.target.width()
                ),
            ));
        }
        Ok(())
    }

    /// The classifier's logit for each row of `x`.
    ///
    /// # Errors
    /// A feature count other than the fitted one.
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> fairkit_core::Result<Array1<f64>> {
        Error::check_features(self.n_features(), x.ncols())?;
        let h = self.hidden_units();
        let mut z = vec![0.0; h];
        Ok(x.rows()
            .into_iter()
            .map(|row| {
                z.copy_from_slice(self.b1.as_slice().unwrap_or(&[]));
                for (j, &v) in row.iter().enumerate() {
                    if v != 0.0 {
                        for (zu, w) in z.iter_mut().zip(self.w1.row(j)) {
                            *zu += v * w;
                        }
                    }
                }
                self.b2
                    + z.iter()
                        .zip(&self.w2)
                        .map(|(z, w)| z.max(0.0) * w)
                        .sum::<f64>()
            })
            .collect())
    }

    /// Probability of label 1 for each row of `x`.
    ///
    /// # Errors
    /// A feature count other than the fitted one.
    pub fn predict_proba(&self, x: ArrayView2<'_, f64>) -> fairkit_core::Result<Array1<f64>> {
        Ok(self.decision_function(x)?.mapv(sigmoid))
    }

    /// Predicted labels: probability of label 1 above one half.
    ///
    /// # Errors
    /// A feature count other than the fitted one.
    pub fn predict(&self, x: ArrayView2<'_, f64>) -> fairkit_core::Result<Vec<bool>> {
        Ok(self.predict_proba(x)?.iter().map(|&p| p > 0.5).collect())
    }

    /// Predicted labels, checking that the rows' groups are as many as the rows (the groups
    /// are not read otherwise).
    ///
    /// # Errors
    /// As [`predict`](Self::predict), or a row count that differs from the groups'.
    pub fn predict_rows(
        &self,
        x: ArrayView2<'_, f64>,
        groups: &Groups,
    ) -> fairkit_core::Result<Vec<bool>> {
        Error::check_len("group values", x.nrows(), groups.len())?;
        self.predict(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A batch of 5 rows over 3 features (one zero entry), `h` hidden units (37 runs every
    /// block size of the first layer's sums: 32, 4 and 1), dropout on two.
    fn setup(h: usize) -> (SparseRows, Vec<f64>, Vec<f64>, Vec<f64>, Layout) {
        let x = ndarray::array![
            [0.5, -1.0, 0.0],
            [1.5, 0.2, 1.0],
            [-0.3, 0.8, 1.0],
            [2.0, 2.0, 0.0],
            [-1.0, 0.3, -0.7]
        ];
        let layout = Layout { d: 3, h };
        let mut mask = vec![1.25; 5 * h];
        mask[2] = 0.0;
        mask[9] = 0.0;
        (
            SparseRows::new(x.view()),
            vec![1.0, 0.0, 1.0, 1.0, 0.0],
            vec![0.0, 1.0, 1.0, 0.0, 1.0],
            mask,
            layout,
        )
    }

    fn point(n: usize, phase: f64) -> Vec<f64> {
        (0..n)
            .map(|k| 0.6 * ((k as f64) * 1.7 + phase).sin())
            .collect()
    }

    #[test]
    fn gradients_match_central_differences() {
        for h in [4, 37] {
            check_gradients(h);
        }
    }

    fn check_gradients(h: usize) {
        let (rows, y, g, mask, layout) = setup(h);
        let ids = [0, 1, 2, 3, 4];
        let batch = Batch {
            rows: &rows,
            ids: &ids,
            y: &y,
            g: &g,
            mask: &mask,
        };
        for target in [
            AdversaryTarget::EqualizedOdds,
            AdversaryTarget::DemographicParity,
        ] {
            for c in [0.7, -0.4] {
                let cls = point(layout.len(), 0.3);
                let mut adv = point(adversary_len(target), 1.1);
                adv[0] = c;
                let ev = evaluate(layout, &cls, Some((&adv, target)), &batch);
                let h = 1e-6;
                let close = |fd: f64, an: f64, what: &str| {
                    assert!(
                        (fd - an).abs() <= 1e-7 * fd.abs().max(1.0),
                        "{target:?} c {c} {what}: finite difference {fd} vs {an}"
                    );
                };
                for k in 0..layout.len() {
                    let (mut up, mut dn) = (cls.clone(), cls.clone());
                    up[k] += h;
                    dn[k] -= h;
                    let eu = evaluate(layout, &up, Some((&adv, target)), &batch);
                    let ed = evaluate(layout, &dn, Some((&adv, target)), &batch);
                    close(
                        (eu.classifier_loss - ed.classifier_loss) / (2.0 * h),
                        ev.classifier_grad[k],
                        &format!("classifier loss, parameter {k}"),
                    );
                    close(
                        (eu.adversary_loss - ed.adversary_loss) / (2.0 * h),
                        ev.adversary_grad_classifier[k],
                        &format!("adversary loss, classifier parameter {k}"),
                    );
                }
                for k in 0..adv.len() {
                    let (mut up, mut dn) = (adv.clone(), adv.clone());
                    up[k] += h;
                    dn[k] -= h;
                    let eu = evaluate(layout, &cls, Some((&up, target)), &batch);
                    let ed = evaluate(layout, &cls, Some((&dn, target)), &batch);
                    close(
                        (eu.adversary_loss - ed.adversary_loss) / (2.0 * h),
                        ev.adversary_grad[k],
                        &format!("adversary loss, adversary parameter {k}"),
                    );
                }
            }
        }
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    fn the_avx2_passes_give_the_same_bytes() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        let (rows, y, g, mask, layout) = setup(37);
        let ids = [4, 0, 3, 1, 2];
        let batch = Batch {
            rows: &rows,
            ids: &ids,
            y: &y,
            g: &g,
            mask: &mask,
        };
        let cls = point(layout.len(), 0.3);
        let adv = point(adversary_len(AdversaryTarget::EqualizedOdds), 1.1);
        let adversary = Some((adv.as_slice(), AdversaryTarget::EqualizedOdds));
        let plain = evaluate_body(layout, &cls, adversary, &batch);
        // SAFETY: the CPU has AVX2, checked above.
        let fast = unsafe { evaluate_avx2(layout, &cls, adversary, &batch) };
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&plain.classifier_grad), bits(&fast.classifier_grad));
        assert_eq!(
            bits(&plain.adversary_grad_classifier),
            bits(&fast.adversary_grad_classifier)
        );
        assert_eq!(bits(&plain.adversary_grad), bits(&fast.adversary_grad));
        assert_eq!(
            plain.classifier_loss.to_bits(),
            fast.classifier_loss.to_bits()
        );
        let (mut dp, mut df) = (plain.classifier_grad.clone(), plain.classifier_grad.clone());
        debiased_direction_body(layout, &mut dp, &plain.adversary_grad_classifier, 0.1);
        // SAFETY: as above.
        unsafe { debiased_direction_avx2(layout, &mut df, &plain.adversary_grad_classifier, 0.1) };
        assert_eq!(bits(&dp), bits(&df));
        let (mut a, mut b) = (Adam::new(cls.len()), Adam::new(cls.len()));
        let (mut pa, mut pb) = (cls.clone(), cls.clone());
        for _ in 0..3 {
            a.step_body(&mut pa, &plain.classifier_grad, 0.01);
            // SAFETY: as above.
            unsafe { b.step_avx2(&mut pb, &plain.classifier_grad, 0.01) };
        }
        assert_eq!(bits(&pa), bits(&pb));
    }

    #[test]
    fn dropout_reads_one_16_bit_lane_a_unit_and_keeps_about_four_in_five() {
        let n = 40_000;
        let (mut lanes, mut mask) = (vec![0u8; 2 * n], vec![0.0; n]);
        dropout_mask(&mut rng::stream(7, 2), &mut lanes, &mut mask);
        // The same stream's bytes, read by hand: unit k keeps iff bytes 2k, 2k + 1 (little
        // endian) are below 52 429.
        let mut bytes = vec![0u8; 2 * n];
        rng::stream(7, 2).fill_bytes(&mut bytes);
        for (k, &m) in mask.iter().enumerate() {
            let lane = u16::from(bytes[2 * k]) | (u16::from(bytes[2 * k + 1]) << 8);
            let want = if lane < 52_429 { 1.25 } else { 0.0 };
            assert_eq!(m, want, "unit {k}");
        }
        let kept = mask.iter().filter(|&&m| m > 0.0).count() as f64 / n as f64;
        // Binomial standard deviation √(0.8 · 0.2 / 40 000) = 0.002: five of them.
        assert!((kept - 0.8).abs() < 0.01, "{kept}");
    }

    #[test]
    fn the_debiased_direction_is_orthogonal_to_the_adversary_up_to_its_own_term() {
        // With alpha = 0 the direction has no component along the adversary's gradient; with
        // alpha > 0 its component along it is exactly -alpha * |ga|.
        let layout = Layout { d: 2, h: 3 };
        let gc0 = point(layout.len(), 0.2);
        let ga = point(layout.len(), 2.5);
        for alpha in [0.0, 0.1, 2.0] {
            let mut gc = gc0.clone();
            debiased_direction(layout, &mut gc, &ga, alpha);
            for r in layout.variables() {
                let norm = ga[r.clone()].iter().map(|v| v * v).sum::<f64>().sqrt();
                let along: f64 = gc[r.clone()]
                    .iter()
                    .zip(&ga[r.clone()])
                    .map(|(c, a)| c * a)
                    .sum::<f64>()
                    / norm;
                assert!(
                    (along + alpha * norm).abs() < 1e-12,
                    "alpha {alpha}, {r:?}: {along}"
                );
            }
        }
    }

    #[test]
    fn adam_first_step_moves_each_parameter_by_the_learning_rate() {
        // At t = 1 TensorFlow 1's Adam moves by lr · g / (|g| + eps / √(1 − β₂)): its epsilon
        // is added to the uncorrected √v.
        let mut adam = Adam::new(3);
        let mut theta = vec![1.0, -2.0, 0.5];
        adam.step(&mut theta, &[0.3, -4.0, 0.0], 0.01);
        let eps = 1e-8 / 0.001f64.sqrt();
        let want = [
            1.0 - 0.01 * 0.3 / (0.3 + eps),
            -2.0 + 0.01 * 4.0 / (4.0 + eps),
            0.5,
        ];
        for (t, w) in theta.iter().zip(want) {
            assert!((t - w).abs() < 1e-15, "{t} vs {w}");
        }
    }

    #[test]
    fn learning_rate_decays_in_stairs() {
        assert_eq!(learning_rate(0), 0.001);
        assert_eq!(learning_rate(999), 0.001);
        assert_eq!(learning_rate(1000), 0.001 * 0.96);
        assert_eq!(learning_rate(2500), 0.001 * 0.96 * 0.96);
    }
}
