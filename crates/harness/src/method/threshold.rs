//! The threshold optimizer: per-group randomized thresholds on the estimator's scores, or on a
//! score column of the data.

use fairkit_core::{Error, FairDataset, Predictor};
use fairkit_learners::{Estimator, Model};
use fairkit_postprocessing::{
    Constraint, FitThresholds, Objective, ScoreThresholder, ThresholdOptimizerParams,
    ThresholdedModel,
};
use serde::{Deserialize, Serialize};

use super::baseline::fit_estimator;
use super::{Fitted, FittedMethod, Method, MethodDetails};
use crate::Result;

fn default_grid_size() -> usize {
    1000
}
fn default_objective() -> Objective {
    Objective::Accuracy
}

/// The threshold optimizer's parameters (docs/threshold-optimizer.md#parameters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdSpec {
    /// The constraint.
    pub constraint: Constraint,
    /// What is maximized.
    #[serde(default = "default_objective")]
    pub objective: Objective,
    /// Grid intervals of the constraint axis.
    #[serde(default = "default_grid_size")]
    pub grid_size: usize,
    /// Also consider "score below threshold gives 1" rules.
    #[serde(default)]
    pub flip: bool,
    /// Relaxed mode: the groups' constraint values may differ by this much.
    #[serde(default)]
    pub tol: Option<f64>,
    /// Threshold a numeric column of the data (e.g. an existing model's scores) instead of
    /// fitting the estimator: no estimator is fitted, and the column is the only input (see
    /// [`MethodSpec::data_spec`](super::MethodSpec::data_spec)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
}

impl ThresholdSpec {
    /// Fairlearn's defaults for `constraint`.
    pub fn new(constraint: Constraint) -> Self {
        Self {
            constraint,
            objective: default_objective(),
            grid_size: default_grid_size(),
            flip: false,
            tol: None,
            score: None,
        }
    }

    fn params(&self) -> ThresholdOptimizerParams {
        let params = ThresholdOptimizerParams::new()
            .constraint(self.constraint)
            .objective(self.objective)
            .grid_size(self.grid_size)
            .flip(self.flip);
        match self.tol {
            Some(tol) => params.tol(tol),
            None => params,
        }
    }
}

impl Method for ThresholdSpec {
    fn family(&self) -> &'static str {
        "threshold"
    }

    /// `threshold-dp` and `threshold-eo` for the presets' parameters, else
    /// `threshold-{constraint}`.
    fn name(&self) -> String {
        let preset = ThresholdSpec {
            score: self.score.clone(),
            ..ThresholdSpec::new(self.constraint)
        };
        match self.constraint {
            Constraint::DemographicParity if *self == preset => "threshold-dp".into(),
            Constraint::EqualizedOdds if *self == preset => "threshold-eo".into(),
            c => format!("threshold-{}", c.name()),
        }
    }

    fn is_randomized(&self) -> bool {
        true
    }

    fn score_column(&self) -> Option<&str> {
        self.score.as_deref()
    }

    fn fit(&self, estimator: &Estimator, train: &FairDataset) -> Result<FittedMethod> {
        let params = self.params();
        Ok(match &self.score {
            Some(column) => {
                if train.feature_names() != [column.as_str()] {
                    return Err(Error::invalid(
                        "score",
                        column,
                        &format!(
                            "must be a numeric column and the only input of the threshold \
                             optimizer (the data encodes: {})",
                            train.feature_names().join(", ")
                        ),
                    )
                    .into());
                }
                let scores = train.features().column(0).to_vec();
                let thresholder =
                    params.fit_scores(&scores, train.labels(), train.groups(), train.weights())?;
                FittedMethod::ScoreThreshold(ScoreThresholder::new(column.clone(), thresholder))
            }
            None => {
                let base = fit_estimator(estimator, train)?;
                let thresholder = params.fit(&base, train)?;
                FittedMethod::Threshold(ThresholdedModel::new(base, thresholder))
            }
        })
    }

    fn is_fit(&self, fitted: &FittedMethod) -> bool {
        match (&self.score, fitted) {
            (Some(column), FittedMethod::ScoreThreshold(f)) => f.column() == column,
            (None, FittedMethod::Threshold(_)) => true,
            _ => false,
        }
    }
}

impl Fitted for ThresholdedModel<Model> {
    fn predictor(&self) -> &dyn Predictor {
        self
    }

    fn reader(&self) -> &'static str {
        "model"
    }

    fn details(&self) -> MethodDetails {
        MethodDetails {
            rules: self.thresholder().describe(),
            ..MethodDetails::default()
        }
    }
}

impl Fitted for ScoreThresholder {
    fn predictor(&self) -> &dyn Predictor {
        self
    }

    fn reader(&self) -> &'static str {
        "score thresholder"
    }

    fn details(&self) -> MethodDetails {
        MethodDetails {
            rules: self.thresholder().describe(),
            ..MethodDetails::default()
        }
    }
}
