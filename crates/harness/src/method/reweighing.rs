//! Kamiran-Calders reweighing, then the estimator fitted with the weights.

use fairkit_core::{FairDataset, Predictor};
use fairkit_learners::{Estimator, Model};
use fairkit_preprocessing::Reweighing;
use serde::{Deserialize, Serialize};

use super::baseline::fit_estimator;
use super::{Fitted, FittedMethod, Method, MethodDetails};
use crate::Result;

/// Reweighing's parameters (it has none).
pub(crate) struct ReweighingSpec;

impl Method for ReweighingSpec {
    fn family(&self) -> &'static str {
        "reweighing"
    }

    fn needs_weights(&self) -> bool {
        true
    }

    fn fit(&self, estimator: &Estimator, train: &FairDataset) -> Result<FittedMethod> {
        let reweighing = Reweighing::fit(train)?;
        let weighted = reweighing.transform(train)?;
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
        Ok(FittedMethod::Reweighing(Reweighed {
            model: fit_estimator(estimator, &weighted)?,
            factors,
        }))
    }

    fn is_fit(&self, fitted: &FittedMethod) -> bool {
        matches!(fitted, FittedMethod::Reweighing(_))
    }
}

/// A model fitted with Kamiran-Calders weights; it predicts new rows like any model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reweighed {
    /// The model.
    pub model: Model,
    /// The weight of every (group, label) cell of the training data.
    pub factors: Vec<CellFactor>,
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

impl Fitted for Reweighed {
    fn predictor(&self) -> &dyn Predictor {
        &self.model
    }

    fn reader(&self) -> &'static str {
        "model"
    }

    fn details(&self) -> MethodDetails {
        MethodDetails {
            weights: self.factors.clone(),
            ..MethodDetails::default()
        }
    }
}
