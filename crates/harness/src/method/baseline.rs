//! The base estimator alone, and the one way every method fits it.

use fairkit_core::{FairDataset, Learner, Predictor};
use fairkit_learners::{Estimator, Model};

use super::{Fitted, FittedMethod, Method};
use crate::Result;

/// The baseline's parameters (it has none).
pub(crate) struct BaselineSpec;

impl Method for BaselineSpec {
    fn family(&self) -> &'static str {
        "baseline"
    }

    fn fit(&self, estimator: &Estimator, train: &FairDataset) -> Result<FittedMethod> {
        Ok(FittedMethod::Baseline {
            model: fit_estimator(estimator, train)?,
        })
    }

    fn is_fit(&self, fitted: &FittedMethod) -> bool {
        matches!(fitted, FittedMethod::Baseline { .. })
    }
}

impl Fitted for Model {
    fn predictor(&self) -> &dyn Predictor {
        self
    }

    fn reader(&self) -> &'static str {
        "model"
    }
}

/// Fits the estimator on `data` with its weights, if any.
///
/// # Errors
/// Labels of one class, and the estimator's fit error.
pub(crate) fn fit_estimator(estimator: &Estimator, data: &FairDataset) -> Result<Model> {
    data.require_both_classes()?;
    Ok(estimator.fit(data.features(), data.labels_view(), data.weights_view())?)
}
