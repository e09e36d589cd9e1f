//! Fixed constants of fairlearn's ExponentiatedGradient (docs/reductions.md#fixed-constants).

/// `nu = ACCURACY_MUL · sd(|h₀(x) − y|) / √n` when `nu` is not given.
pub(crate) const ACCURACY_MUL: f64 = 0.5;
/// The first iteration after which the step size may shrink.
pub(crate) const REGRET_CHECK_START_T: usize = 5;
/// Regret checks happen when `t ≥ last_check · 1.6`.
pub(crate) const REGRET_CHECK_INCREASE_T: f64 = 1.6;
/// The step size shrinks when the best gap did not fall below `0.8 ×` the last one.
pub(crate) const SHRINK_REGRET: f64 = 0.8;
/// The factor of a step-size shrink.
pub(crate) const SHRINK_ETA: f64 = 0.8;
/// The loop never stops before this iteration.
pub(crate) const MIN_ITER: usize = 5;
/// Tolerance of the comparisons of Lagrangian values and gaps.
pub(crate) const PRECISION: f64 = 1e-8;
/// Multiples of `λ̂` at which the gap search looks for a better response.
pub(crate) const GAP_MULTIPLIERS: [f64; 4] = [1.0, 2.0, 5.0, 10.0];
