//! [`FittedMethod`], the serde shape of a fit in saved models, and [`Fitted`], what every fit
//! offers: a [`Predictor`] and the method's own numbers.

use fairkit_core::{Error, Groups, Predictor, rng};
use fairkit_inprocessing::{AdversarialDebiasing, PrejudiceRemover};
use fairkit_learners::Model;
use fairkit_postprocessing::{
    CalibratedEqOdds, EqOdds, RejectOption, ScoreThresholder, ThresholdedModel,
};
use fairkit_preprocessing::{CorrelationRemover, DisparateImpactRemover, Lfr, RepairedModel};
use fairkit_reductions::{ExponentiatedGradient, GridSearch};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use super::remover::correlation_remover_shape;
use super::two_group::TwoGroupFit;
use super::{CellFactor, GerryFairFit, Massaged, MethodSpec, Reweighed, SubgroupReport};
use crate::Result;

/// What a fit offers the harness.
///
/// Implemented by the type held by every [`FittedMethod`] variant; the variant's
/// [`Method`](super::Method) makes it.
pub trait Fitted {
    /// The fit as a predictor of the encoded features and groups.
    fn predictor(&self) -> &dyn Predictor;

    /// What reads the encoded features, as messages name it (e.g. `"model"`,
    /// `"disparate-impact remover"`).
    fn reader(&self) -> &'static str;

    /// The method's own numbers (iterations, rules, weights); none by default.
    fn details(&self) -> MethodDetails {
        MethodDetails::default()
    }
}

/// A fitted method: everything needed to predict new rows (serializable into model files,
/// tagged by `method`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "kebab-case")]
pub enum FittedMethod {
    /// A single estimator fit (the baseline).
    Baseline {
        /// The model.
        model: Model,
    },
    /// A model fitted with Kamiran-Calders weights.
    Reweighing(Reweighed),
    /// The repair (`repair`), then a model fitted on repaired features (`model`).
    DiRemover(RepairedModel<DisparateImpactRemover, Model>),
    /// The correlation filter (`remover`), then a model fitted on filtered features
    /// (`model`).
    #[serde(with = "correlation_remover_shape")]
    CorrelationRemover(RepairedModel<CorrelationRemover, Model>),
    /// A randomized mixture of models.
    Expgrad {
        /// The mixture.
        model: ExponentiatedGradient<Model>,
    },
    /// The selected model of a grid.
    Gridsearch {
        /// The grid's models and the selection.
        model: GridSearch<Model>,
    },
    /// Per-group randomized thresholds (`thresholder`) on a model's scores (`base`).
    Threshold(ThresholdedModel<Model>),
    /// Per-group randomized thresholds (`thresholder`) on a score column of the data
    /// (`column`, the only feature of the encoded rows).
    ScoreThreshold(ScoreThresholder),
    /// Reject option classification on a model's scores or a score column.
    RejectOption(TwoGroupFit<RejectOption>),
    /// Equalized-odds flip probabilities on a model's scores or a score column.
    EqOdds(TwoGroupFit<EqOdds>),
    /// Calibrated equalized odds' mixing rates on a model's scores or a score column.
    CalibratedEqOdds(TwoGroupFit<CalibratedEqOdds>),
    /// The prejudice remover's logistic weights per group.
    PrejudiceRemover {
        /// The model.
        model: PrejudiceRemover,
    },
    /// GerryFair's mixture and the names of its auditor's columns.
    Gerryfair(GerryFairFit),
    /// An adversarially debiased network.
    Adversarial {
        /// The network.
        model: AdversarialDebiasing,
    },
    /// The massaged training rows and the estimator fitted on their labels.
    Massaging(Massaged),
    /// A fair representation predicting with its own prototypes' label weights.
    Lfr {
        /// The prototypes and label weights.
        model: Lfr,
    },
    /// A fair representation (`repair`) and the estimator fitted on it (`model`).
    LfrEstimator(RepairedModel<Lfr, Model>),
}

/// What a fitted method reports besides its metrics: iterations, thresholds, weights.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MethodDetails {
    /// Exponentiated gradient: iterations run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iterations: Option<usize>,
    /// Reductions: base-learner fits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oracle_calls: Option<usize>,
    /// Exponentiated gradient: the duality gap of the returned mixture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub best_gap: Option<f64>,
    /// Reductions: models in the mixture with non-zero weight (exponentiated gradient) or in
    /// the grid (grid search).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predictors: Option<usize>,
    /// Grid search: the selected grid point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub best_index: Option<usize>,
    /// Threshold optimizer and the two-group post-processors: human-readable rules (one per
    /// group, or the region the method acts on).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// Reweighing: the factor of every (group, label) cell.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub weights: Vec<CellFactor>,
    /// Prejudice remover: the objective at the fitted weights on the training rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loss: Option<f64>,
    /// Prejudice remover and LFR: whether L-BFGS met its tolerance (not the iteration cap,
    /// nor a line search that could not improve).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converged: Option<bool>,
    /// GerryFair: the most unfair subgroup its auditor finds on the training rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subgroup: Option<SubgroupReport>,
}

impl FittedMethod {
    /// The variant's fit: the one place that matches on the variants.
    pub fn fitted(&self) -> &dyn Fitted {
        match self {
            FittedMethod::Baseline { model } => model,
            FittedMethod::Reweighing(f) => f,
            FittedMethod::DiRemover(f) => f,
            FittedMethod::CorrelationRemover(f) => f,
            FittedMethod::Expgrad { model } => model,
            FittedMethod::Gridsearch { model } => model,
            FittedMethod::Threshold(f) => f,
            FittedMethod::ScoreThreshold(f) => f,
            FittedMethod::RejectOption(f) => f,
            FittedMethod::EqOdds(f) => f,
            FittedMethod::CalibratedEqOdds(f) => f,
            FittedMethod::PrejudiceRemover { model } => model,
            FittedMethod::Gerryfair(f) => f,
            FittedMethod::Adversarial { model } => model,
            FittedMethod::Massaging(f) => f,
            FittedMethod::Lfr { model } => model,
            FittedMethod::LfrEstimator(f) => f,
        }
    }

    /// The fit as a predictor.
    pub fn predictor(&self) -> &dyn Predictor {
        self.fitted().predictor()
    }

    /// Whether this is the fit of `spec`'s method (a thresholder of a score column for a spec
    /// with that [score column](MethodSpec::score_column)).
    pub fn is_fit_of(&self, spec: &MethodSpec) -> bool {
        spec.method().is_fit(self)
    }

    /// Checks that a deserialized fit is consistent, so that predicting rows of `n_features`
    /// encoded features cannot panic: the predictor reads that many features, and every part
    /// of it is valid (see [`Predictor::validate`]).
    ///
    /// # Errors
    /// [`Error::Inconsistent`] naming what does not fit.
    pub fn validate(&self, n_features: usize) -> Result<()> {
        let fitted = self.fitted();
        let got = fitted.predictor().n_features();
        if got != n_features {
            return Err(Error::inconsistent(
                fitted.reader(),
                format!("it reads {got} features, the encoding gives {n_features}"),
            )
            .into());
        }
        Ok(fitted.predictor().validate()?)
    }

    /// Whether predictions are randomized.
    pub fn is_randomized(&self) -> bool {
        self.predictor().is_randomized()
    }

    /// The expected probability that each row is predicted positive: the mixture's or the
    /// thresholds' probability for randomized methods, the hard prediction (0 or 1) otherwise.
    ///
    /// # Errors
    /// A row count other than the groups', a feature count other than the fitted one, or a
    /// group unseen in training where the method depends on groups.
    pub fn expected(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> Result<Vec<f64>> {
        Error::check_len("sensitive groups", x.nrows(), groups.len())?;
        Ok(self.predictor().expected(x, groups)?)
    }

    /// A score per row that increases with the positive class: the model's probability for
    /// single-model methods (on repaired or filtered features where the method transforms
    /// them), the expected positive probability for randomized methods.
    ///
    /// # Errors
    /// As [`expected`](Self::expected).
    pub fn score(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> Result<Vec<f64>> {
        Error::check_len("sensitive groups", x.nrows(), groups.len())?;
        let predictor = self.predictor();
        Ok(match predictor.score(x, groups)? {
            Some(score) => score,
            None => predictor.expected(x, groups)?,
        })
    }

    /// The method's own numbers (iterations, rules, weights).
    pub fn details(&self) -> MethodDetails {
        self.fitted().details()
    }

    /// Predicted labels: sampled from [`expected`](Self::expected) with `seed` for randomized
    /// methods (`ŷ = 1[p ≥ u]`, `u` uniform from the seed's stream), the hard predictions
    /// otherwise. The same seed gives the same labels.
    ///
    /// # Errors
    /// As [`expected`](Self::expected).
    pub fn predict(&self, x: ArrayView2<'_, f64>, groups: &Groups, seed: u64) -> Result<Vec<bool>> {
        Ok(self.labels(&self.expected(x, groups)?, seed))
    }

    /// Labels from expected probabilities: sampled for randomized methods, thresholded at
    /// 0.5 (the probabilities are 0 or 1) otherwise.
    pub fn labels(&self, expected: &[f64], seed: u64) -> Vec<bool> {
        if self.is_randomized() {
            rng::sample_labels(expected, seed)
        } else {
            expected.iter().map(|&v| v >= 0.5).collect()
        }
    }
}
