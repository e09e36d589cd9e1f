//! The reductions: exponentiated gradient and grid search, each a series of estimator fits.

use std::str::FromStr;

use fairkit_core::{Error, FairDataset, Predictor};
use fairkit_learners::{Estimator, Model};
use fairkit_reductions::{Bound, ExponentiatedGradient, FitReduction, GridSearch, UtilityParity};
use serde::{Deserialize, Serialize};

use super::{Fitted, FittedMethod, Method, MethodDetails};
use crate::Result;

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

    /// The parity moment of this constraint with `bound`.
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

/// Exponentiated gradient's parameters (docs/reductions.md#exponentiated-gradient-parameters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpgradSpec {
    /// The constraint.
    pub constraint: ReductionConstraint,
    /// Its bound.
    #[serde(default)]
    pub bound: Bound,
    /// `B = 1/eps`, the cap on the multipliers.
    #[serde(default = "default_eps")]
    pub eps: f64,
    /// Maximum iterations.
    #[serde(default = "default_max_iter")]
    pub max_iter: usize,
    /// Convergence threshold; `None` computes it from the data.
    #[serde(default)]
    pub nu: Option<f64>,
    /// Initial learning rate multiplier.
    #[serde(default = "default_eta0")]
    pub eta0: f64,
}

impl ExpgradSpec {
    /// Fairlearn's defaults for `constraint`.
    pub fn new(constraint: ReductionConstraint) -> Self {
        Self {
            constraint,
            bound: Bound::default(),
            eps: default_eps(),
            max_iter: default_max_iter(),
            nu: None,
            eta0: default_eta0(),
        }
    }
}

impl Method for ExpgradSpec {
    fn family(&self) -> &'static str {
        "expgrad"
    }

    fn name(&self) -> String {
        format!("expgrad-{}", self.constraint.short())
    }

    fn is_randomized(&self) -> bool {
        true
    }

    fn needs_weights(&self) -> bool {
        true
    }

    fn fit(&self, estimator: &Estimator, train: &FairDataset) -> Result<FittedMethod> {
        let model =
            ExponentiatedGradient::params(estimator.clone(), self.constraint.moment(self.bound))
                .eps(self.eps)
                .max_iter(self.max_iter)
                .nu(self.nu)
                .eta0(self.eta0)
                .fit(train)?;
        Ok(FittedMethod::Expgrad { model })
    }

    fn is_fit(&self, fitted: &FittedMethod) -> bool {
        matches!(fitted, FittedMethod::Expgrad { .. })
    }
}

impl Fitted for ExponentiatedGradient<Model> {
    fn predictor(&self) -> &dyn Predictor {
        self
    }

    fn reader(&self) -> &'static str {
        "exponentiated gradient mixture"
    }

    fn details(&self) -> MethodDetails {
        MethodDetails {
            iterations: Some(self.last_iteration() + 1),
            oracle_calls: Some(self.n_oracle_calls()),
            best_gap: Some(self.best_gap()),
            predictors: Some(self.weights().iter().filter(|&&w| w > 0.0).count()),
            ..MethodDetails::default()
        }
    }
}

/// Grid search's parameters (docs/reductions.md#grid-search-parameters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridsearchSpec {
    /// The constraint.
    pub constraint: ReductionConstraint,
    /// Its bound (used for the reported violation).
    #[serde(default)]
    pub bound: Bound,
    /// Number of grid points.
    #[serde(default = "default_grid_size")]
    pub grid_size: usize,
    /// Largest multiplier.
    #[serde(default = "default_grid_limit")]
    pub grid_limit: f64,
    /// Weight of the violation against the error in the selection.
    #[serde(default = "default_constraint_weight")]
    pub constraint_weight: f64,
}

impl GridsearchSpec {
    /// Fairlearn's defaults for `constraint`.
    pub fn new(constraint: ReductionConstraint) -> Self {
        Self {
            constraint,
            bound: Bound::default(),
            grid_size: default_grid_size(),
            grid_limit: default_grid_limit(),
            constraint_weight: default_constraint_weight(),
        }
    }
}

impl Method for GridsearchSpec {
    fn family(&self) -> &'static str {
        "gridsearch"
    }

    fn name(&self) -> String {
        format!("gridsearch-{}", self.constraint.short())
    }

    fn needs_weights(&self) -> bool {
        true
    }

    fn fit(&self, estimator: &Estimator, train: &FairDataset) -> Result<FittedMethod> {
        let model = GridSearch::params(estimator.clone(), self.constraint.moment(self.bound))
            .grid_size(self.grid_size)
            .grid_limit(self.grid_limit)
            .constraint_weight(self.constraint_weight)
            .fit(train)?;
        Ok(FittedMethod::Gridsearch { model })
    }

    fn is_fit(&self, fitted: &FittedMethod) -> bool {
        matches!(fitted, FittedMethod::Gridsearch { .. })
    }
}

impl Fitted for GridSearch<Model> {
    fn predictor(&self) -> &dyn Predictor {
        self
    }

    fn reader(&self) -> &'static str {
        "grid search"
    }

    fn details(&self) -> MethodDetails {
        MethodDetails {
            oracle_calls: Some(self.predictors().len() - self.n_constant_fallbacks()),
            predictors: Some(self.predictors().len()),
            best_index: Some(self.best_index()),
            ..MethodDetails::default()
        }
    }
}
