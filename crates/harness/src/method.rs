//! Every mitigation method behind one interface: fit on training data, predict test data.
//!
//! A [`MethodSpec`] names a method and its parameters (serializable, so experiment files and
//! saved models record it). [`MethodSpec::fit`] fits it with a base [`Estimator`] and returns a
//! [`FittedMethod`], which predicts the expected positive probability of every row (0 or 1 for
//! deterministic methods) and labels sampled from a seed.

use std::fmt;
use std::str::FromStr;
use std::time::Instant;

use fairkit_core::{Classifier, Error, FairDataset, Groups, Learner, rng};
use fairkit_data::DatasetSpec;
use fairkit_learners::{Estimator, Model};
use fairkit_postprocessing::{InterpolatedThresholder, Objective, ThresholdOptimizerParams};
use fairkit_preprocessing::{
    CorrelationRemover, DisparateImpactRemover, FeatureTransform, Reweighing,
    require_weight_support,
};
use fairkit_reductions::{Bound, ExponentiatedGradient, GridSearch, UtilityParity};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::repair::FittedRepair;
use crate::{HarnessError, Result};

/// The parity constraint of a reduction (exponentiated gradient or grid search).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReductionConstraint {
    /// Equal selection rates.
    DemographicParity,
    /// Equal true and false positive rates.
    EqualizedOdds,
    /// Equal true positive rates (equal opportunity).
    TruePositiveRateParity,
    /// Equal false positive rates.
    FalsePositiveRateParity,
    /// Equal error rates.
    ErrorRateParity,
}

impl ReductionConstraint {
    /// Every constraint.
    pub const ALL: [ReductionConstraint; 5] = [
        ReductionConstraint::DemographicParity,
        ReductionConstraint::EqualizedOdds,
        ReductionConstraint::TruePositiveRateParity,
        ReductionConstraint::FalsePositiveRateParity,
        ReductionConstraint::ErrorRateParity,
    ];

    /// The snake_case name, e.g. `demographic_parity`.
    pub fn name(self) -> &'static str {
        match self {
            ReductionConstraint::DemographicParity => "demographic_parity",
            ReductionConstraint::EqualizedOdds => "equalized_odds",
            ReductionConstraint::TruePositiveRateParity => "true_positive_rate_parity",
            ReductionConstraint::FalsePositiveRateParity => "false_positive_rate_parity",
            ReductionConstraint::ErrorRateParity => "error_rate_parity",
        }
    }

    /// The short suffix of preset names, e.g. `dp`.
    pub fn short(self) -> &'static str {
        match self {
            ReductionConstraint::DemographicParity => "dp",
            ReductionConstraint::EqualizedOdds => "eo",
            ReductionConstraint::TruePositiveRateParity => "tpr",
            ReductionConstraint::FalsePositiveRateParity => "fpr",
            ReductionConstraint::ErrorRateParity => "erp",
        }
    }

    fn moment(self, bound: Bound) -> UtilityParity {
        let m = match self {
            ReductionConstraint::DemographicParity => UtilityParity::demographic_parity(),
            ReductionConstraint::EqualizedOdds => UtilityParity::equalized_odds(),
            ReductionConstraint::TruePositiveRateParity => {
                UtilityParity::true_positive_rate_parity()
            }
            ReductionConstraint::FalsePositiveRateParity => {
                UtilityParity::false_positive_rate_parity()
            }
            ReductionConstraint::ErrorRateParity => UtilityParity::error_rate_parity(),
        };
        m.with_bound(bound)
    }
}

impl FromStr for ReductionConstraint {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        ReductionConstraint::ALL
            .into_iter()
            .find(|c| c.name() == s || c.short() == s)
            .ok_or_else(|| {
                Error::unknown("constraint", s, &ReductionConstraint::ALL.map(|c| c.name()))
            })
    }
}

fn one() -> f64 {
    1.0
}
fn default_eps() -> f64 {
    0.01
}
fn default_max_iter() -> usize {
    50
}
fn default_eta0() -> f64 {
    2.0
}
fn default_grid_size() -> usize {
    10
}
fn default_grid_limit() -> f64 {
    2.0
}
fn default_constraint_weight() -> f64 {
    0.5
}
fn default_threshold_grid() -> usize {
    1000
}
fn default_objective() -> Objective {
    Objective::Accuracy
}

/// A method and its parameters. Defaults are fairlearn's and AIF360's
/// (docs/reductions.md#exponentiated-gradient-parameters,
/// docs/reductions.md#grid-search-parameters, docs/threshold-optimizer.md#parameters,
/// docs/preprocessing.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "kebab-case", deny_unknown_fields)]
pub enum MethodSpec {
    /// The base estimator alone.
    Baseline,
    /// Kamiran-Calders reweighing, then the estimator fitted with the weights.
    Reweighing,
    /// The disparate-impact remover on the features, then the estimator.
    DiRemover {
        /// Repair level in `[0, 1]`.
        #[serde(default = "one")]
        repair_level: f64,
        /// AIF360's Freedman-Diaconis binning of the group codes instead of exact groups.
        #[serde(default)]
        aif360_binning: bool,
    },
    /// The correlation remover on the features, then the estimator.
    CorrelationRemover {
        /// Share of the filtered features in `[0, 1]`.
        #[serde(default = "one")]
        alpha: f64,
    },
    /// Exponentiated gradient (a randomized mixture of estimator fits).
    Expgrad {
        /// The constraint.
        constraint: ReductionConstraint,
        /// Its bound.
        #[serde(default)]
        bound: Bound,
        /// `B = 1/eps`, the cap on the multipliers.
        #[serde(default = "default_eps")]
        eps: f64,
        /// Maximum iterations.
        #[serde(default = "default_max_iter")]
        max_iter: usize,
        /// Convergence threshold; `None` computes it from the data.
        #[serde(default)]
        nu: Option<f64>,
        /// Initial learning rate multiplier.
        #[serde(default = "default_eta0")]
        eta0: f64,
    },
    /// Grid search over Lagrange multipliers (one deterministic estimator fit selected).
    Gridsearch {
        /// The constraint.
        constraint: ReductionConstraint,
        /// Its bound (used for the reported violation).
        #[serde(default)]
        bound: Bound,
        /// Number of grid points.
        #[serde(default = "default_grid_size")]
        grid_size: usize,
        /// Largest multiplier.
        #[serde(default = "default_grid_limit")]
        grid_limit: f64,
        /// Weight of the violation against the error in the selection.
        #[serde(default = "default_constraint_weight")]
        constraint_weight: f64,
    },
    /// The threshold optimizer over the estimator's scores (or over a score column of the
    /// data), fitted on the training data.
    Threshold {
        /// The constraint.
        constraint: fairkit_postprocessing::Constraint,
        /// What is maximized.
        #[serde(default = "default_objective")]
        objective: Objective,
        /// Grid intervals of the constraint axis.
        #[serde(default = "default_threshold_grid")]
        grid_size: usize,
        /// Also consider "score below threshold gives 1" rules.
        #[serde(default)]
        flip: bool,
        /// Relaxed mode: the groups' constraint values may differ by this much.
        #[serde(default)]
        tol: Option<f64>,
        /// Threshold a numeric column of the data (e.g. an existing model's scores) instead of
        /// fitting the estimator: no estimator is fitted, and the column is the only input
        /// (see [`MethodSpec::data_spec`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        score: Option<String>,
    },
}

/// The preset names accepted by [`MethodSpec::from_str`] and `--methods`.
pub const PRESETS: [&str; 13] = [
    "baseline",
    "reweighing",
    "di-remover",
    "correlation-remover",
    "expgrad-dp",
    "expgrad-eo",
    "expgrad-tpr",
    "expgrad-fpr",
    "expgrad-erp",
    "gridsearch-dp",
    "gridsearch-eo",
    "threshold-dp",
    "threshold-eo",
];

impl MethodSpec {
    /// Exponentiated gradient with fairlearn's defaults.
    pub fn expgrad(constraint: ReductionConstraint) -> Self {
        MethodSpec::Expgrad {
            constraint,
            bound: Bound::default(),
            eps: default_eps(),
            max_iter: default_max_iter(),
            nu: None,
            eta0: default_eta0(),
        }
    }

    /// Grid search with fairlearn's defaults.
    pub fn gridsearch(constraint: ReductionConstraint) -> Self {
        MethodSpec::Gridsearch {
            constraint,
            bound: Bound::default(),
            grid_size: default_grid_size(),
            grid_limit: default_grid_limit(),
            constraint_weight: default_constraint_weight(),
        }
    }

    /// The threshold optimizer with fairlearn's defaults.
    pub fn threshold(constraint: fairkit_postprocessing::Constraint) -> Self {
        MethodSpec::Threshold {
            constraint,
            objective: default_objective(),
            grid_size: default_threshold_grid(),
            flip: false,
            tol: None,
            score: None,
        }
    }

    /// The score column the method thresholds instead of fitting an estimator, if any.
    pub fn score_column(&self) -> Option<&str> {
        match self {
            MethodSpec::Threshold { score, .. } => score.as_deref(),
            _ => None,
        }
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
                "the score column is the threshold optimizer's only input: feature and \
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

    /// Whether the fitted method predicts at random (its expected and sampled predictions
    /// differ).
    pub fn is_randomized(&self) -> bool {
        matches!(
            self,
            MethodSpec::Expgrad { .. } | MethodSpec::Threshold { .. }
        )
    }

    /// Whether the method refits the estimator with sample weights it computes.
    pub fn needs_weights(&self) -> bool {
        matches!(
            self,
            MethodSpec::Reweighing | MethodSpec::Expgrad { .. } | MethodSpec::Gridsearch { .. }
        )
    }

    /// The method's family name, e.g. `expgrad`.
    pub fn family(&self) -> &'static str {
        match self {
            MethodSpec::Baseline => "baseline",
            MethodSpec::Reweighing => "reweighing",
            MethodSpec::DiRemover { .. } => "di-remover",
            MethodSpec::CorrelationRemover { .. } => "correlation-remover",
            MethodSpec::Expgrad { .. } => "expgrad",
            MethodSpec::Gridsearch { .. } => "gridsearch",
            MethodSpec::Threshold { .. } => "threshold",
        }
    }

    /// A short name: the preset name when the parameters are a preset's, else the family with
    /// its constraint.
    pub fn name(&self) -> String {
        // Where the scores come from is not part of the name.
        let mut unscored = self.clone();
        if let MethodSpec::Threshold { score, .. } = &mut unscored {
            *score = None;
        }
        if let Some(p) = PRESETS
            .iter()
            .find(|p| p.parse::<MethodSpec>().as_ref() == Ok(&unscored))
        {
            return p.to_string();
        }
        match self {
            MethodSpec::Expgrad { constraint, .. } | MethodSpec::Gridsearch { constraint, .. } => {
                format!("{}-{}", self.family(), constraint.short())
            }
            MethodSpec::Threshold { constraint, .. } => {
                format!("threshold-{}", constraint.name())
            }
            _ => self.family().to_string(),
        }
    }

    /// Fits the method on `train` with `estimator` as the base learner. `seed` drives every
    /// random draw of the fit (none of the current methods draws at fit time; it is recorded
    /// for those that will).
    ///
    /// A method with a [score column](Self::score_column) fits no estimator: `train` must hold
    /// that column as its only feature (encoded with [`data_spec`](Self::data_spec)).
    ///
    /// # Errors
    /// Invalid parameters, an estimator that ignores weights for a method that needs them,
    /// and every fit error of the method.
    pub fn fit(&self, estimator: &Estimator, train: &FairDataset) -> Result<FittedMethod> {
        if self.needs_weights() {
            require_weight_support(estimator, self.family()).map_err(HarnessError::method)?;
        }
        let x = train.features();
        let fit_base = |data: &FairDataset| -> Result<Model> {
            data.require_both_classes()?;
            Ok(estimator.fit(data.features(), data.labels_view(), data.weights_view())?)
        };
        Ok(match self {
            MethodSpec::Baseline => FittedMethod::Baseline {
                model: fit_base(train)?,
            },
            MethodSpec::Reweighing => {
                let reweighing = Reweighing::fit(train).map_err(HarnessError::method)?;
                let weighted = reweighing.transform(train).map_err(HarnessError::method)?;
                let schema = train.groups().schema();
                let factors = train
                    .groups()
                    .present()
                    .into_iter()
                    .flat_map(|g| {
                        [false, true].map(|label| CellFactor {
                            group: schema.label(g),
                            label,
                            factor: reweighing.factor(g, label),
                        })
                    })
                    .collect();
                FittedMethod::Reweighing {
                    model: fit_base(&weighted)?,
                    factors,
                }
            }
            MethodSpec::DiRemover { .. } | MethodSpec::CorrelationRemover { .. } => {
                let repair = FittedRepair::fit(self, train)?;
                let model = fit_base(&repair.transform(train)?)?;
                match repair {
                    FittedRepair::DiRemover(repair) => FittedMethod::DiRemover { repair, model },
                    FittedRepair::CorrelationRemover(remover) => {
                        FittedMethod::CorrelationRemover { remover, model }
                    }
                }
            }
            MethodSpec::Expgrad {
                constraint,
                bound,
                eps,
                max_iter,
                nu,
                eta0,
            } => FittedMethod::Expgrad {
                model: ExponentiatedGradient::params(estimator.clone(), constraint.moment(*bound))
                    .eps(*eps)
                    .max_iter(*max_iter)
                    .nu(*nu)
                    .eta0(*eta0)
                    .fit(train)
                    .map_err(HarnessError::method)?,
            },
            MethodSpec::Gridsearch {
                constraint,
                bound,
                grid_size,
                grid_limit,
                constraint_weight,
            } => FittedMethod::Gridsearch {
                model: GridSearch::params(estimator.clone(), constraint.moment(*bound))
                    .grid_size(*grid_size)
                    .grid_limit(*grid_limit)
                    .constraint_weight(*constraint_weight)
                    .fit(train)
                    .map_err(HarnessError::method)?,
            },
            MethodSpec::Threshold {
                constraint,
                objective,
                grid_size,
                flip,
                tol,
                score,
            } => {
                let mut params = ThresholdOptimizerParams::new()
                    .constraint(*constraint)
                    .objective(*objective)
                    .grid_size(*grid_size)
                    .flip(*flip);
                if let Some(tol) = tol {
                    params = params.tol(*tol);
                }
                let fit_on = |scores: &[f64]| {
                    params
                        .fit_scores(scores, train.labels(), train.groups(), train.weights())
                        .map_err(HarnessError::method)
                };
                match score {
                    Some(column) => {
                        if train.feature_names() != [column.as_str()] {
                            return Err(Error::invalid(
                                "score",
                                column,
                                &format!(
                                    "must be a numeric column and the only input of the \
                                     threshold optimizer (the data encodes: {})",
                                    train.feature_names().join(", ")
                                ),
                            )
                            .into());
                        }
                        FittedMethod::ScoreThreshold {
                            column: column.clone(),
                            thresholder: fit_on(&score_column(x)?)?,
                        }
                    }
                    None => {
                        let base = fit_base(train)?;
                        let scores = base.score(x);
                        let thresholder = fit_on(scores.as_slice().expect("contiguous scores"))?;
                        FittedMethod::Threshold { base, thresholder }
                    }
                }
            }
        })
    }
}

impl FromStr for MethodSpec {
    type Err = Error;

    /// Parses a preset name (see [`PRESETS`]).
    fn from_str(s: &str) -> Result<Self, Error> {
        use fairkit_postprocessing::Constraint as Tc;
        Ok(match s {
            "baseline" => MethodSpec::Baseline,
            "reweighing" => MethodSpec::Reweighing,
            "di-remover" => MethodSpec::DiRemover {
                repair_level: 1.0,
                aif360_binning: false,
            },
            "correlation-remover" => MethodSpec::CorrelationRemover { alpha: 1.0 },
            "threshold-dp" => MethodSpec::threshold(Tc::DemographicParity),
            "threshold-eo" => MethodSpec::threshold(Tc::EqualizedOdds),
            _ => {
                let parsed = s.split_once('-').and_then(|(family, c)| {
                    let c = c.parse::<ReductionConstraint>().ok()?;
                    match family {
                        "expgrad" => Some(MethodSpec::expgrad(c)),
                        "gridsearch" => Some(MethodSpec::gridsearch(c)),
                        _ => None,
                    }
                });
                parsed.ok_or_else(|| Error::unknown("method", s, &PRESETS))?
            }
        })
    }
}

impl fmt::Display for MethodSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// A fitted method: everything needed to predict new rows (serializable into model files).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "kebab-case")]
pub enum FittedMethod {
    /// A single estimator fit (the baseline, or after reweighing).
    Baseline {
        /// The model.
        model: Model,
    },
    /// A model fitted with Kamiran-Calders weights.
    Reweighing {
        /// The model.
        model: Model,
        /// The weight of every (group, label) cell of the training data.
        factors: Vec<CellFactor>,
    },
    /// The repair, then a model fitted on repaired features.
    DiRemover {
        /// The fitted repair, applied to new rows first.
        repair: DisparateImpactRemover,
        /// The model.
        model: Model,
    },
    /// The correlation filter, then a model fitted on filtered features.
    CorrelationRemover {
        /// The fitted filter, applied to new rows first.
        remover: CorrelationRemover,
        /// The model.
        model: Model,
    },
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
    /// Per-group randomized thresholds on a model's scores.
    Threshold {
        /// The scoring model.
        base: Model,
        /// The thresholds.
        thresholder: InterpolatedThresholder,
    },
    /// Per-group randomized thresholds on a score column of the data (the only feature of the
    /// encoded rows).
    ScoreThreshold {
        /// The score column's name.
        column: String,
        /// The thresholds.
        thresholder: InterpolatedThresholder,
    },
}

/// One reweighing factor `P(group) P(label) / P(group, label)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellFactor {
    /// The group label.
    pub group: String,
    /// The label (`true` = 1).
    pub label: bool,
    /// The factor; `None` for an empty cell.
    pub factor: Option<f64>,
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
    /// Threshold optimizer: one human-readable rule per group.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// Reweighing: the factor of every (group, label) cell.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub weights: Vec<CellFactor>,
}

fn as_probability(labels: ndarray::Array1<bool>) -> Vec<f64> {
    labels.iter().map(|&l| f64::from(u8::from(l))).collect()
}

/// The scores of rows encoded with a score column as their only feature.
fn score_column(x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
    if x.ncols() != 1 {
        return Err(Error::FeatureMismatch {
            expected: 1,
            got: x.ncols(),
        }
        .into());
    }
    Ok(x.column(0).to_vec())
}

impl FittedMethod {
    /// Whether this is the fit of `spec`'s method family (a thresholder of a score column
    /// for a spec with that [score column](MethodSpec::score_column)).
    pub fn is_fit_of(&self, spec: &MethodSpec) -> bool {
        match (spec, self) {
            (
                MethodSpec::Threshold { score: Some(c), .. },
                FittedMethod::ScoreThreshold { column, .. },
            ) => c == column,
            (MethodSpec::Threshold { score: None, .. }, FittedMethod::Threshold { .. })
            | (MethodSpec::Baseline, FittedMethod::Baseline { .. })
            | (MethodSpec::Reweighing, FittedMethod::Reweighing { .. })
            | (MethodSpec::DiRemover { .. }, FittedMethod::DiRemover { .. })
            | (MethodSpec::CorrelationRemover { .. }, FittedMethod::CorrelationRemover { .. })
            | (MethodSpec::Expgrad { .. }, FittedMethod::Expgrad { .. })
            | (MethodSpec::Gridsearch { .. }, FittedMethod::Gridsearch { .. }) => true,
            _ => false,
        }
    }

    /// Checks that a deserialized fit is consistent, so that predicting rows of `n_features`
    /// encoded features cannot panic: every part valid on its own (see the `validate` methods
    /// of the learners', pre-processing, reduction and post-processing types) and every part
    /// reading the width it is given.
    ///
    /// # Errors
    /// [`Error::Inconsistent`] or the part's own error, naming what does not fit.
    pub fn validate(&self, n_features: usize) -> Result<()> {
        let width = |what: &str, got: usize| {
            if got == n_features {
                Ok(())
            } else {
                Err(Error::inconsistent(
                    what,
                    format!("it reads {got} features, the encoding gives {n_features}"),
                ))
            }
        };
        let model = |m: &Model| -> Result<()> {
            m.validate().map_err(HarnessError::method)?;
            Ok(width("model", m.n_features())?)
        };
        let hypotheses = |h: &[fairkit_reductions::Hypothesis<Model>]| {
            h.iter()
                .filter_map(fairkit_reductions::Hypothesis::model)
                .try_for_each(model)
        };
        match self {
            FittedMethod::Baseline { model: m } | FittedMethod::Reweighing { model: m, .. } => {
                model(m)
            }
            FittedMethod::DiRemover { repair, model: m } => {
                repair.validate().map_err(HarnessError::method)?;
                width("disparate-impact remover", repair.n_features())?;
                model(m)
            }
            FittedMethod::CorrelationRemover { remover, model: m } => {
                remover.validate().map_err(HarnessError::method)?;
                width("correlation remover", remover.n_features())?;
                model(m)
            }
            FittedMethod::Expgrad { model: mix } => {
                mix.validate().map_err(HarnessError::method)?;
                width("exponentiated gradient mixture", mix.n_features())?;
                hypotheses(mix.predictors())
            }
            FittedMethod::Gridsearch { model: grid } => {
                grid.validate().map_err(HarnessError::method)?;
                width("grid search", grid.n_features())?;
                hypotheses(grid.predictors())
            }
            FittedMethod::Threshold { base, thresholder } => {
                model(base)?;
                thresholder.validate().map_err(HarnessError::method)
            }
            FittedMethod::ScoreThreshold { thresholder, .. } => {
                width("score thresholder", 1)?;
                thresholder.validate().map_err(HarnessError::method)
            }
        }
    }

    /// Whether predictions are randomized.
    pub fn is_randomized(&self) -> bool {
        matches!(
            self,
            FittedMethod::Expgrad { .. }
                | FittedMethod::Threshold { .. }
                | FittedMethod::ScoreThreshold { .. }
        )
    }

    /// The expected probability that each row is predicted positive: the mixture's or the
    /// thresholds' probability for randomized methods, the hard prediction (0 or 1) otherwise.
    ///
    /// # Errors
    /// A feature count other than the fitted one, or a group unseen in training where the
    /// method depends on groups.
    pub fn expected(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> Result<Vec<f64>> {
        Error::check_len("sensitive groups", x.nrows(), groups.len())?;
        let check = |m: &Model| {
            if m.n_features() == x.ncols() {
                Ok(())
            } else {
                Err(Error::FeatureMismatch {
                    expected: m.n_features(),
                    got: x.ncols(),
                })
            }
        };
        Ok(match self {
            FittedMethod::Baseline { model } | FittedMethod::Reweighing { model, .. } => {
                check(model)?;
                as_probability(model.predict(x))
            }
            FittedMethod::DiRemover { repair, model } => {
                let x = repair
                    .transform_features(x, groups)
                    .map_err(HarnessError::method)?;
                check(model)?;
                as_probability(model.predict(x.view()))
            }
            FittedMethod::CorrelationRemover { remover, model } => {
                let x = remover
                    .transform_features(x, groups)
                    .map_err(HarnessError::method)?;
                check(model)?;
                as_probability(model.predict(x.view()))
            }
            FittedMethod::Expgrad { model } => {
                model.check_groups(groups).map_err(HarnessError::method)?;
                model.expected(x).map_err(HarnessError::method)?.to_vec()
            }
            FittedMethod::Gridsearch { model } => {
                model.check_groups(groups).map_err(HarnessError::method)?;
                as_probability(model.predict(x).map_err(HarnessError::method)?)
            }
            FittedMethod::Threshold { base, thresholder } => {
                check(base)?;
                let scores = base.score(x);
                thresholder
                    .probability(scores.as_slice().expect("contiguous scores"), groups)
                    .map_err(HarnessError::method)?
            }
            FittedMethod::ScoreThreshold { thresholder, .. } => thresholder
                .probability(&score_column(x)?, groups)
                .map_err(HarnessError::method)?,
        })
    }

    /// A score per row that increases with the positive class: the model's probability for
    /// single-model methods (on repaired or filtered features where the method transforms
    /// them), the expected positive probability for randomized methods.
    ///
    /// # Errors
    /// As [`expected`](Self::expected).
    pub fn score(&self, x: ArrayView2<'_, f64>, groups: &Groups) -> Result<Vec<f64>> {
        Ok(match self {
            FittedMethod::Baseline { model } | FittedMethod::Reweighing { model, .. } => {
                self.expected(x, groups)?;
                model.score(x).to_vec()
            }
            FittedMethod::DiRemover { repair, model } => {
                let x = repair
                    .transform_features(x, groups)
                    .map_err(HarnessError::method)?;
                model.score(x.view()).to_vec()
            }
            FittedMethod::CorrelationRemover { remover, model } => {
                let x = remover
                    .transform_features(x, groups)
                    .map_err(HarnessError::method)?;
                model.score(x.view()).to_vec()
            }
            FittedMethod::Gridsearch { model } => {
                model.check_groups(groups).map_err(HarnessError::method)?;
                model.score(x).map_err(HarnessError::method)?.to_vec()
            }
            FittedMethod::Expgrad { .. }
            | FittedMethod::Threshold { .. }
            | FittedMethod::ScoreThreshold { .. } => self.expected(x, groups)?,
        })
    }

    /// The method's own numbers (iterations, rules, weights).
    pub fn details(&self) -> MethodDetails {
        match self {
            FittedMethod::Reweighing { factors, .. } => MethodDetails {
                weights: factors.clone(),
                ..MethodDetails::default()
            },
            FittedMethod::Expgrad { model } => MethodDetails {
                iterations: Some(model.last_iteration() + 1),
                oracle_calls: Some(model.n_oracle_calls()),
                best_gap: Some(model.best_gap()),
                predictors: Some(model.weights().iter().filter(|&&w| w > 0.0).count()),
                ..MethodDetails::default()
            },
            FittedMethod::Gridsearch { model } => MethodDetails {
                oracle_calls: Some(model.predictors().len() - model.n_constant_fallbacks()),
                predictors: Some(model.predictors().len()),
                best_index: Some(model.best_index()),
                ..MethodDetails::default()
            },
            FittedMethod::Threshold { thresholder, .. }
            | FittedMethod::ScoreThreshold { thresholder, .. } => MethodDetails {
                rules: thresholder.describe(),
                ..MethodDetails::default()
            },
            _ => MethodDetails::default(),
        }
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

/// One fit and its test predictions.
#[derive(Debug, Clone)]
pub struct MethodRun {
    /// The fitted method.
    pub fitted: FittedMethod,
    /// Wall-clock seconds of the fit.
    pub fit_seconds: f64,
    /// Expected positive probability of every test row.
    pub expected: Vec<f64>,
    /// Predicted test labels (sampled with the run's seed for randomized methods).
    pub predicted: Vec<bool>,
}

/// When a method could not predict the test rows: the first group with test rows but no
/// training rows, as [`Error::GroupNotInTraining`] (groups compared by their values).
fn missing_group(
    spec: &MethodSpec,
    train: &FairDataset,
    test: &FairDataset,
) -> Option<HarnessError> {
    let trained: Vec<Vec<&str>> = train
        .groups()
        .present()
        .into_iter()
        .map(|c| train.groups().schema().values(c))
        .collect();
    let schema = test.groups().schema();
    let code = test
        .groups()
        .present()
        .into_iter()
        .find(|&c| !trained.contains(&schema.values(c)))?;
    Some(HarnessError::Input(Error::GroupNotInTraining {
        group: schema.describe(code),
        values: schema
            .values(code)
            .into_iter()
            .map(str::to_string)
            .collect(),
        test_rows: test.groups().codes().iter().filter(|&&c| c == code).count(),
        method: spec.name(),
        location: String::new(),
    }))
}

/// Fits `spec` on `train` and predicts `test` (labels sampled with `seed`).
///
/// # Errors
/// As [`MethodSpec::fit`] and [`FittedMethod::expected`]; a failed prediction of a group that
/// has test rows but no training rows is [`Error::GroupNotInTraining`].
pub fn run(
    spec: &MethodSpec,
    estimator: &Estimator,
    train: &FairDataset,
    test: &FairDataset,
    seed: u64,
) -> Result<MethodRun> {
    let start = Instant::now();
    let fitted = spec.fit(estimator, train)?;
    let fit_seconds = start.elapsed().as_secs_f64();
    let expected = fitted
        .expected(test.features(), test.groups())
        .map_err(|e| missing_group(spec, train, test).unwrap_or(e))?;
    let predicted = fitted.labels(&expected, seed);
    Ok(MethodRun {
        fitted,
        fit_seconds,
        expected,
        predicted,
    })
}
