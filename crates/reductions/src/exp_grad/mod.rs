//! ExponentiatedGradient (docs/reductions.md#exponentiated-gradient): a randomized classifier, a
//! mixture of base-learner models, that minimises the error subject to a fairness constraint.

mod algorithm;
mod constants;
mod hyperparams;
mod lagrangian;

pub use hyperparams::{ExponentiatedGradientParams, ExponentiatedGradientValidParams, WarmStart};

use fairkit_core::{Classifier, Error, Groups, Learner, Predictor, Result, rng};
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::Moment;
use crate::hypothesis::{Hypothesis, TrainedGroups, check_hypotheses};

/// A fitted ExponentiatedGradient: a mixture of the hypotheses found, with the fitting history.
///
/// Predictions are the mixture's expected positive probability
/// ([`expected`](Self::expected), [`predict_proba`](Self::predict_proba)) or labels sampled
/// from it with an explicit seed ([`predict`](Self::predict)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExponentiatedGradient<M> {
    predictors: Vec<Hypothesis<M>>,
    weights: Vec<f64>,
    training_errors: Vec<f64>,
    training_gammas: Vec<Vec<f64>>,
    hypothesis_lambdas: Vec<Vec<f64>>,
    best_gap: f64,
    best_iter: usize,
    last_iter: usize,
    n_oracle_calls: usize,
    n_constant_fallbacks: usize,
    oracle_seconds: Vec<f64>,
    lambda_history: Vec<Vec<f64>>,
    lp_lambda_history: Vec<(usize, Vec<f64>)>,
    gaps: Vec<f64>,
    nu: f64,
    constraint_labels: Vec<String>,
    bound: Vec<f64>,
    n_features: usize,
    groups: TrainedGroups,
}

impl<M> ExponentiatedGradient<M> {
    /// The parameters, with the defaults of
    /// docs/reductions.md#exponentiated-gradient-parameters, for a base learner and a constraint.
    ///
    /// ```no_run
    /// # fn demo<L: fairkit_core::Learner>(learner: L, data: &fairkit_core::FairDataset)
    /// #     -> Result<(), fairkit_reductions::ReductionsError> {
    /// use fairkit_reductions::{ExponentiatedGradient, FitReduction, UtilityParity};
    ///
    /// let model = ExponentiatedGradient::params(learner, UtilityParity::demographic_parity())
    ///     .eps(0.01)
    ///     .fit(data)?;
    /// let p = model.expected(data.features())?;
    /// let labels = model.predict(data.features(), 42)?;
    /// # Ok(()) }
    /// ```
    pub fn params<L, C>(learner: L, constraints: C) -> ExponentiatedGradientParams<L, C>
    where
        L: Learner<Model = M>,
        C: Moment,
    {
        ExponentiatedGradientParams::new(learner, constraints)
    }

    /// Every hypothesis found, in the order found (fairlearn's `predictors_`).
    pub fn predictors(&self) -> &[Hypothesis<M>] {
        &self.predictors
    }

    /// The mixture weights, one per predictor: non-negative, summing to 1 (`weights_`).
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The training error of each predictor.
    pub fn training_errors(&self) -> &[f64] {
        &self.training_errors
    }

    /// The constraint values `γ` of each predictor on the training data.
    pub fn training_gammas(&self) -> &[Vec<f64>] {
        &self.training_gammas
    }

    /// The mixture's expected training error, `Σ_h Q_h err_h`.
    pub fn expected_training_error(&self) -> f64 {
        self.weights
            .iter()
            .zip(&self.training_errors)
            .map(|(w, e)| w * e)
            .sum()
    }

    /// The mixture's expected constraint values on the training data, `Σ_h Q_h γ_h`.
    pub fn expected_training_gamma(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.bound.len()];
        for (w, g) in self.weights.iter().zip(&self.training_gammas) {
            for (o, v) in out.iter_mut().zip(g) {
                *o += w * v;
            }
        }
        out
    }

    /// The multipliers at which each predictor was found (`lambda_vecs_`).
    pub fn hypothesis_lambdas(&self) -> &[Vec<f64>] {
        &self.hypothesis_lambdas
    }

    /// The duality gap of the chosen mixture (`best_gap_`).
    pub fn best_gap(&self) -> f64 {
        self.best_gap
    }

    /// The iteration whose mixture was chosen (`best_iter_`).
    pub fn best_iteration(&self) -> usize {
        self.best_iter
    }

    /// The last iteration run (`last_iter_`); iterations run = `last_iteration() + 1`.
    pub fn last_iteration(&self) -> usize {
        self.last_iter
    }

    /// The gap of the mixture kept at each iteration.
    pub fn gaps(&self) -> &[f64] {
        &self.gaps
    }

    /// Best-response calls, constant fallbacks included (`n_oracle_calls_`).
    pub fn n_oracle_calls(&self) -> usize {
        self.n_oracle_calls
    }

    /// Best-response calls answered by a constant because the relabelled data had one class
    /// (`n_oracle_calls_dummy_returned_`).
    pub fn n_constant_fallbacks(&self) -> usize {
        self.n_constant_fallbacks
    }

    /// Seconds spent in each base-learner fit (`oracle_execution_times_`).
    pub fn oracle_seconds(&self) -> &[f64] {
        &self.oracle_seconds
    }

    /// The multipliers `λ_t` of every iteration (`lambda_vecs_EG_`).
    pub fn lambda_history(&self) -> &[Vec<f64>] {
        &self.lambda_history
    }

    /// The LP's dual multipliers, by iteration (`lambda_vecs_LP_`).
    pub fn lp_lambda_history(&self) -> &[(usize, Vec<f64>)] {
        &self.lp_lambda_history
    }

    /// The convergence threshold used (given or computed).
    pub fn nu(&self) -> f64 {
        self.nu
    }

    /// The constraint labels, in the order of every `γ` and `λ` vector.
    pub fn constraint_labels(&self) -> &[String] {
        &self.constraint_labels
    }

    /// The constraint bounds `c`.
    pub fn bound(&self) -> &[f64] {
        &self.bound
    }

    /// The sensitive groups of the training data.
    pub fn trained_groups(&self) -> &TrainedGroups {
        &self.groups
    }

    /// Errors when `groups` holds a group unseen in training (see [`TrainedGroups::check`]).
    ///
    /// # Errors
    /// [`fairkit_core::Error::UnseenGroup`].
    pub fn check_groups(&self, groups: &Groups) -> Result<()> {
        self.groups.check(groups)
    }
}

impl<M: Classifier> ExponentiatedGradient<M> {
    /// Number of features it was fitted on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Checks that a deserialized mixture is consistent, so that predicting cannot panic: one
    /// finite non-negative weight per predictor, and every learned predictor fitted on
    /// [`n_features`](Self::n_features) features. The predictors' own models are for the
    /// caller to check.
    ///
    /// # Errors
    /// [`fairkit_core::Error::Inconsistent`] naming what does not fit.
    pub fn validate(&self) -> Result<()> {
        let what = "exponentiated gradient mixture";
        if self.weights.len() != self.predictors.len()
            || !self.weights.iter().all(|w| w.is_finite() && *w >= 0.0)
        {
            return Err(Error::inconsistent(
                what,
                format!(
                    "{} predictors need as many finite non-negative weights, got {:?}",
                    self.predictors.len(),
                    self.weights
                ),
            ));
        }
        check_hypotheses(what, &self.predictors, self.n_features)
    }

    /// The expected positive probability `p(x) = Σ_h Q_h·h(x)`, clamped to `[0, 1]`.
    /// Predictors with zero weight are not evaluated.
    ///
    /// # Errors
    /// A feature count other than the training one.
    pub fn expected(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        Error::check_features(self.n_features, x.ncols())?;
        let mut p = Array1::zeros(x.nrows());
        for (h, &w) in self.predictors.iter().zip(&self.weights) {
            if w > 0.0 {
                for (pi, yi) in p.iter_mut().zip(h.predict_f64(x)) {
                    *pi += w * yi;
                }
            }
        }
        p.mapv_inplace(|v: f64| v.clamp(0.0, 1.0));
        Ok(p)
    }

    /// `[1 − p, p]` per row: a public `predict_proba` (fairlearn's private `_pmf_predict`).
    ///
    /// # Errors
    /// As [`expected`](Self::expected).
    pub fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let p = self.expected(x)?;
        Ok(Array2::from_shape_fn((p.len(), 2), |(i, j)| {
            if j == 0 { 1.0 - p[i] } else { p[i] }
        }))
    }

    /// Labels sampled from the mixture: `1[p_i ≥ u_i]` with `u_i ~ U[0, 1)` drawn in row
    /// order from `seed` ([`fairkit_core::rng::sample_labels`]). The same seed gives the same
    /// labels on any machine and thread count.
    ///
    /// # Errors
    /// As [`expected`](Self::expected).
    pub fn predict(&self, x: ArrayView2<'_, f64>, seed: u64) -> Result<Array1<bool>> {
        let p = self.expected(x)?.to_vec();
        Ok(Array1::from(rng::sample_labels(&p, seed)))
    }
}

/// A randomized predictor: the mixture's expected positive probability, after refusing groups
/// unseen in training; models are checked as well as the mixture.
impl<M: Classifier + Predictor> Predictor for ExponentiatedGradient<M> {
    fn n_features(&self) -> usize {
        self.n_features
    }

    fn is_randomized(&self) -> bool {
        true
    }

    fn check_groups(&self, groups: &Groups) -> Result<()> {
        self.groups.check(groups)
    }

    fn expected(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> Result<Vec<f64>> {
        self.groups.check(groups)?;
        Ok(ExponentiatedGradient::expected(self, x)?.to_vec())
    }

    fn validate(&self) -> Result<()> {
        ExponentiatedGradient::validate(self)?;
        self.predictors
            .iter()
            .filter_map(Hypothesis::model)
            .try_for_each(Predictor::validate)
    }
}
