//! [`MethodSpec`], the serde shape of a method and its parameters, and [`Method`], what every
//! method's parameters do.

use std::fmt;

use fairkit_core::{Error, FairDataset, require_weight_support};
use fairkit_data::DatasetSpec;
use fairkit_learners::Estimator;
use serde::{Deserialize, Serialize};

use super::baseline::BaselineSpec;
use super::reweighing::ReweighingSpec;
use super::{
    AdversarialSpec, CalibratedEqOddsSpec, CorrelationRemoverSpec, DiRemoverSpec, EqOddsSpec,
    ExpgradSpec, FitRepair, FittedMethod, GerryFairSpec, GridsearchSpec, LfrSpec, MassagingSpec,
    PrejudiceRemoverSpec, RejectOptionSpec, ThresholdSpec,
};
use crate::Result;

/// A method's parameters: what fits it, and what it says about itself.
///
/// Implemented by the parameters of every [`MethodSpec`] variant; [`MethodSpec::method`] is the
/// one place that matches on the variants.
pub trait Method {
    /// The family name, e.g. `expgrad` (the `method` tag of experiment files and saved models).
    fn family(&self) -> &'static str;

    /// A short name: the preset name when the parameters are a preset's, else the family with
    /// its constraint (see [`MethodSpec::name`]). The default is the family.
    fn name(&self) -> String {
        self.family().to_string()
    }

    /// Whether the fitted method predicts at random (its expected and sampled predictions
    /// differ).
    fn is_randomized(&self) -> bool {
        false
    }

    /// Whether the method refits the estimator with sample weights it computes (an estimator
    /// that ignores weights is refused before fitting).
    fn needs_weights(&self) -> bool {
        false
    }

    /// The score column the method thresholds instead of fitting an estimator, if any.
    fn score_column(&self) -> Option<&str> {
        None
    }

    /// The learner the method fits instead of the run's estimator, if it has its own (the
    /// estimator is then not used).
    fn own_learner(&self) -> Option<&'static str> {
        None
    }

    /// The method as a feature repair on its own (`fairkit transform`), if it is one.
    fn repair(&self) -> Option<&dyn FitRepair> {
        None
    }

    /// Fits the method on `train` with `estimator` as the base learner (see
    /// [`MethodSpec::fit`], which refuses an estimator that ignores weights first).
    ///
    /// # Errors
    /// Invalid parameters and every fit error of the method.
    fn fit(&self, estimator: &Estimator, train: &FairDataset) -> Result<FittedMethod>;

    /// [`fit`](Self::fit) for a run with `seed`: methods that draw at random while fitting
    /// (adversarial debiasing) draw from it; the others ignore it.
    ///
    /// # Errors
    /// As [`fit`](Self::fit).
    fn fit_seeded(
        &self,
        estimator: &Estimator,
        train: &FairDataset,
        seed: u64,
    ) -> Result<FittedMethod> {
        let _ = seed;
        self.fit(estimator, train)
    }

    /// Whether `fitted` is a fit of this method (a saved model's `fitted` part must be one of
    /// its `method`).
    fn is_fit(&self, fitted: &FittedMethod) -> bool;
}

/// A method and its parameters. Defaults are fairlearn's and AIF360's
/// (docs/reductions.md#exponentiated-gradient-parameters,
/// docs/reductions.md#grid-search-parameters, docs/threshold-optimizer.md#parameters,
/// docs/preprocessing.md, docs/postprocessing-aif360.md#two-groups).
///
/// Serialized with the family in the field `method` and the parameters beside it:
/// `{"method": "expgrad", "constraint": "demographic_parity", "eps": 0.01, ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "kebab-case", deny_unknown_fields)]
pub enum MethodSpec {
    /// The base estimator alone.
    Baseline,
    /// Kamiran-Calders reweighing, then the estimator fitted with the weights.
    Reweighing,
    /// The disparate-impact remover on the features, then the estimator.
    DiRemover(DiRemoverSpec),
    /// The correlation remover on the features, then the estimator.
    CorrelationRemover(CorrelationRemoverSpec),
    /// Exponentiated gradient (a randomized mixture of estimator fits).
    Expgrad(ExpgradSpec),
    /// Grid search over Lagrange multipliers (one deterministic estimator fit selected).
    Gridsearch(GridsearchSpec),
    /// The threshold optimizer over the estimator's scores (or over a score column of the
    /// data), fitted on the training data.
    Threshold(ThresholdSpec),
    /// Reject option classification (AIF360) on the estimator's scores or a score column.
    RejectOption(RejectOptionSpec),
    /// Equalized-odds post-processing by a linear program (AIF360), randomized.
    EqOdds(EqOddsSpec),
    /// Calibrated equalized odds (AIF360), randomized.
    CalibratedEqOdds(CalibratedEqOddsSpec),
    /// The prejudice remover (Kamishima et al.): its own logistic regression per group.
    PrejudiceRemover(PrejudiceRemoverSpec),
    /// GerryFair (Kearns et al.): rich-subgroup fictitious play, randomized.
    Gerryfair(GerryFairSpec),
    /// Adversarial debiasing (AIF360): its own network, trained with the run's seed.
    Adversarial(AdversarialSpec),
    /// Massaging (Kamiran and Calders): the estimator's scores rank the training rows, the
    /// least certain are relabelled until the groups' base rates agree, and the estimator is
    /// refitted on the new labels.
    Massaging(MassagingSpec),
    /// Learning fair representations (Zemel et al., AIF360's `LFR`): its own prototypes
    /// predict, or the estimator fitted on the representation; initialized from the run's
    /// seed.
    Lfr(LfrSpec),
}

impl MethodSpec {
    /// The variant's parameters, which fit and describe the method.
    pub fn method(&self) -> &dyn Method {
        match self {
            MethodSpec::Baseline => &BaselineSpec,
            MethodSpec::Reweighing => &ReweighingSpec,
            MethodSpec::DiRemover(m) => m,
            MethodSpec::CorrelationRemover(m) => m,
            MethodSpec::Expgrad(m) => m,
            MethodSpec::Gridsearch(m) => m,
            MethodSpec::Threshold(m) => m,
            MethodSpec::RejectOption(m) => m,
            MethodSpec::EqOdds(m) => m,
            MethodSpec::CalibratedEqOdds(m) => m,
            MethodSpec::PrejudiceRemover(m) => m,
            MethodSpec::Gerryfair(m) => m,
            MethodSpec::Adversarial(m) => m,
            MethodSpec::Massaging(m) => m,
            MethodSpec::Lfr(m) => m,
        }
    }

    /// The method's family name, e.g. `expgrad`.
    pub fn family(&self) -> &'static str {
        self.method().family()
    }

    /// A short name: the preset name when the parameters are a preset's, else the family with
    /// its constraint (where the scores come from is not part of the name).
    pub fn name(&self) -> String {
        self.method().name()
    }

    /// Whether the fitted method predicts at random (its expected and sampled predictions
    /// differ).
    pub fn is_randomized(&self) -> bool {
        self.method().is_randomized()
    }

    /// Whether the method refits the estimator with sample weights it computes.
    pub fn needs_weights(&self) -> bool {
        self.method().needs_weights()
    }

    /// The score column the method thresholds instead of fitting an estimator, if any.
    pub fn score_column(&self) -> Option<&str> {
        self.method().score_column()
    }

    /// The learner the method fits instead of the estimator, if it has its own.
    pub fn own_learner(&self) -> Option<&'static str> {
        self.method().own_learner()
    }

    /// How the data must be encoded for this method: `spec` itself, except for a method that
    /// reads a score column, whose only input is that column, raw (numeric, not standardized,
    /// and not a feature of any estimator).
    ///
    /// # Errors
    /// A score column with explicit feature or categorical columns in `spec`.
    pub fn data_spec(&self, spec: &DatasetSpec) -> Result<DatasetSpec> {
        let Some(column) = self.score_column() else {
            return Ok(spec.clone());
        };
        if spec.features.is_some() || !spec.categorical.is_empty() {
            return Err(Error::invalid(
                "score",
                column,
                "the score column is the method's only input: feature and \
                 categorical columns do not apply",
            )
            .into());
        }
        let role = if column == spec.label {
            Some("the label")
        } else if spec.sensitive.iter().any(|s| s == column) {
            Some("a sensitive")
        } else if spec.weights.as_deref() == Some(column) {
            Some("the weights")
        } else {
            None
        };
        if let Some(role) = role {
            return Err(Error::invalid(
                "score",
                column,
                &format!("is {role} column, not a score column"),
            )
            .into());
        }
        Ok(DatasetSpec {
            features: Some(vec![column.to_string()]),
            categorical: Vec::new(),
            standardize: false,
            ..spec.clone()
        })
    }

    /// Fits the method on `train` with `estimator` as the base learner; a method that draws
    /// at random when fitting (adversarial debiasing) draws with seed 0 (see
    /// [`fit_seeded`](Self::fit_seeded)).
    ///
    /// A method with a [score column](Self::score_column) fits no estimator: `train` must hold
    /// that column as its only feature (encoded with [`data_spec`](Self::data_spec)).
    ///
    /// # Errors
    /// Invalid parameters, an estimator that ignores weights for a method that needs them,
    /// and every fit error of the method.
    pub fn fit(&self, estimator: &Estimator, train: &FairDataset) -> Result<FittedMethod> {
        self.fit_seeded(estimator, train, 0)
    }

    /// [`fit`](Self::fit) for a run with `seed`, which a method that draws at random when
    /// fitting draws from.
    ///
    /// # Errors
    /// As [`fit`](Self::fit).
    pub fn fit_seeded(
        &self,
        estimator: &Estimator,
        train: &FairDataset,
        seed: u64,
    ) -> Result<FittedMethod> {
        let method = self.method();
        if method.needs_weights() {
            require_weight_support(estimator, method.family())?;
        }
        method.fit_seeded(estimator, train, seed)
    }
}

impl fmt::Display for MethodSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}
