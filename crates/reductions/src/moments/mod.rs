//! Moments: the constraints and the objective of the reductions (docs/reductions.md#moments).
//!
//! A moment comes in two states. The unloaded value ([`UtilityParity`], [`ErrorRate`]) holds
//! only parameters and can be reused for any number of fits. [`Moment::load`] binds it to a
//! dataset and returns a new, immutable loaded value ([`LoadedUtilityParity`],
//! [`LoadedErrorRate`]) that does the arithmetic. Fairlearn's "data can be loaded only once"
//! flag is therefore unnecessary: a loaded moment cannot be loaded again because it has no
//! `load`.
//!
//! # Sample weights
//!
//! Fairlearn ignores user sample weights in the reductions. fairkit multiplies them into every
//! probability. With user weights `w_i` and `n` rows, let `ω_i = n·w_i / Σ_k w_k` (the weights
//! rescaled to mean 1). Every count of the unweighted formulas becomes a sum of `ω`:
//!
//! * `P(e) = Σ_{e_i=e} ω_i / n` and `P(e,a) = Σ_{e_i=e, a_i=a} ω_i / n`,
//! * `E[p | e, a] = Σ_{e_i=e, a_i=a} ω_i p_i / Σ_{e_i=e, a_i=a} ω_i` (so `γ = −Uᵀ(ω∘p)/n`),
//! * `err(h) = Σ_i ω_i (c_FN·y_i·(1−h_i) + c_FP·(1−y_i)·h_i) / n`,
//! * signed weights are multiplied by `ω_i`: `sw_i = ω_i·d_i·(Uλ)_i` and
//!   `obj_sw_i = ω_i·(−c_FP + (c_FP + c_FN)·y_i)`.
//!
//! The Lagrangian is then the weighted error plus `λ·γ` of the weighted rates, and its best
//! response is still `1[s > 0]`. With unit weights `ω_i = 1` exactly, so every sum equals the
//! unweighted count bit for bit and the results are fairlearn's. Rescaling the weights by a
//! constant changes nothing.

mod error_rate;
mod utility_parity;

pub use error_rate::{ErrorRate, LoadedErrorRate};
pub use utility_parity::{
    Bound, ConstraintId, Event, EventKey, LoadedUtilityParity, Projection, Sign, Utility,
    UtilityParity,
};

use fairkit_core::FairDataset;

use crate::Result;

/// A fairness constraint before it sees data: parameters only (docs/reductions.md#moments).
pub trait Moment: Clone + std::fmt::Debug + Send + Sync {
    /// The constraint bound to a dataset.
    type Loaded: LoadedMoment;

    /// A short name for reports, e.g. `"demographic_parity"`.
    fn name(&self) -> String;

    /// Checks the parameters and binds them to `data` (features are not read; labels, groups
    /// and weights are).
    ///
    /// # Errors
    /// Invalid parameters, or data the constraint cannot be evaluated on.
    fn load(&self, data: &FairDataset) -> Result<Self::Loaded>;
}

/// A constraint bound to a dataset: `m` linear constraints `γ(h) ≤ c` on the training rows.
///
/// Predictions are given as one value per training row in `[0, 1]` (a hard prediction as 0/1,
/// or a mixture's expected prediction); every function is linear in them.
pub trait LoadedMoment: Send + Sync {
    /// Number of training rows.
    fn n_rows(&self) -> usize;

    /// Number of constraints `m`.
    fn n_constraints(&self) -> usize;

    /// One readable label per constraint, in index order, e.g. `"+,all,F"`.
    fn constraint_labels(&self) -> Vec<String>;

    /// The constraint values `γ(h)` (length `m`).
    fn gamma(&self, predictions: &[f64]) -> Vec<f64>;

    /// The bounds `c` (length `m`).
    fn bound(&self) -> &[f64];

    /// Multipliers that give the same or a higher Lagrangian for every classifier
    /// (docs/reductions.md#projecting-the-multipliers).
    fn project_lambda(&self, lambda: &[f64]) -> Vec<f64>;

    /// The per-row costs of predicting 1 under multipliers `λ` (docs/reductions.md#signed-weights),
    /// length `n`.
    fn signed_weights(&self, lambda: &[f64]) -> Vec<f64>;

    /// GridSearch's lower-dimensional parameterisation (docs/reductions.md#grid-basis).
    fn grid_basis(&self) -> GridBasis;
}

/// The grid basis of a moment: column `k` of the grid sets `λ[pos[k]]` to its positive part
/// and `λ[neg[k]]` to its negative part (docs/reductions.md#grid-basis,
/// docs/reductions.md#grid-generation).
#[derive(Debug, Clone, PartialEq)]
pub struct GridBasis {
    /// Per basis column, the constraint that a positive coefficient sets.
    pub pos: Vec<usize>,
    /// Per basis column, the constraint that a negative coefficient sets, if any.
    pub neg: Vec<Option<usize>>,
    /// Whether the objective lies in the span of the constraints (`true` for loss moments,
    /// `false` for parity moments). GridSearch then forces the L1 norm of each point.
    pub objective_in_span: bool,
}

impl GridBasis {
    /// Number of basis columns `d`.
    pub fn dim(&self) -> usize {
        self.pos.len()
    }

    /// Per basis column, whether negative coefficients are allowed.
    pub fn neg_allowed(&self) -> Vec<bool> {
        self.neg.iter().map(Option::is_some).collect()
    }
}

/// The sample weights rescaled to mean 1 (`ω` of the module docs), or `None` without weights.
///
/// # Errors
/// Weights that sum to zero.
pub(crate) fn normalized_weights(data: &FairDataset) -> Result<Option<Vec<f64>>> {
    let Some(w) = data.weights() else {
        return Ok(None);
    };
    let total: f64 = w.iter().sum();
    if total <= 0.0 {
        return Err(fairkit_core::Error::invalid(
            "sample weights",
            total,
            "their sum must be positive",
        )
        .into());
    }
    let n = w.len() as f64;
    Ok(Some(w.iter().map(|&v| v * n / total).collect()))
}

/// `ω_i`, 1 without weights.
#[inline]
pub(crate) fn weight_at(weights: Option<&[f64]>, i: usize) -> f64 {
    weights.map_or(1.0, |w| w[i])
}
