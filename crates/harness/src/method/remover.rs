//! The feature repairs (disparate-impact remover, correlation remover), then the estimator
//! fitted on the repaired features.

use fairkit_core::{FairDataset, Predictor};
use fairkit_learners::{Estimator, Model};
use fairkit_preprocessing::{
    CorrelationRemover, DisparateImpactRemover, FeatureTransform, FitFeatureTransform,
    RepairedModel, Strata,
};
use serde::{Deserialize, Serialize};

use super::baseline::fit_estimator;
use super::{Fitted, FittedMethod, Method};
use crate::Result;

/// A method that is a feature repair on its own (`fairkit transform`).
pub trait FitRepair {
    /// Fits the repair on `train`.
    ///
    /// # Errors
    /// Invalid parameters and every fit error of the repair.
    fn fit_repair(&self, train: &FairDataset) -> Result<Box<dyn FeatureTransform + Send + Sync>>;
}

/// The disparate-impact remover's parameters (docs/preprocessing.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiRemoverSpec {
    /// Repair level in `[0, 1]` (default 1).
    pub repair_level: f64,
    /// AIF360's Freedman-Diaconis binning of the group codes instead of exact groups.
    pub aif360_binning: bool,
}

impl Default for DiRemoverSpec {
    fn default() -> Self {
        Self {
            repair_level: 1.0,
            aif360_binning: false,
        }
    }
}

impl DiRemoverSpec {
    /// Fits the repair on `train`.
    ///
    /// # Errors
    /// A repair level outside `[0, 1]`, and every fit error of the remover.
    pub fn fit_remover(&self, train: &FairDataset) -> Result<DisparateImpactRemover> {
        let strata = if self.aif360_binning {
            Strata::Aif360Binning
        } else {
            Strata::Groups
        };
        Ok(DisparateImpactRemover::params()
            .repair_level(self.repair_level)
            .strata(strata)
            .fit(train)?)
    }
}

impl Method for DiRemoverSpec {
    fn family(&self) -> &'static str {
        "di-remover"
    }

    fn repair(&self) -> Option<&dyn FitRepair> {
        Some(self)
    }

    fn fit(&self, estimator: &Estimator, train: &FairDataset) -> Result<FittedMethod> {
        let repair = self.fit_remover(train)?;
        let model = fit_estimator(estimator, &repair.transform(train)?)?;
        Ok(FittedMethod::DiRemover(RepairedModel::new(repair, model)))
    }

    fn is_fit(&self, fitted: &FittedMethod) -> bool {
        matches!(fitted, FittedMethod::DiRemover(_))
    }
}

impl FitRepair for DiRemoverSpec {
    fn fit_repair(&self, train: &FairDataset) -> Result<Box<dyn FeatureTransform + Send + Sync>> {
        Ok(Box::new(self.fit_remover(train)?))
    }
}

impl Fitted for RepairedModel<DisparateImpactRemover, Model> {
    fn predictor(&self) -> &dyn Predictor {
        self
    }

    fn reader(&self) -> &'static str {
        "disparate-impact remover"
    }
}

/// The correlation remover's parameters (docs/preprocessing.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CorrelationRemoverSpec {
    /// Share of the filtered features in `[0, 1]` (default 1).
    pub alpha: f64,
}

impl Default for CorrelationRemoverSpec {
    fn default() -> Self {
        Self { alpha: 1.0 }
    }
}

impl CorrelationRemoverSpec {
    /// Fits the filter on `train`.
    ///
    /// # Errors
    /// An `alpha` outside `[0, 1]`, and every fit error of the remover.
    pub fn fit_remover(&self, train: &FairDataset) -> Result<CorrelationRemover> {
        Ok(CorrelationRemover::params().alpha(self.alpha).fit(train)?)
    }
}

impl Method for CorrelationRemoverSpec {
    fn family(&self) -> &'static str {
        "correlation-remover"
    }

    fn repair(&self) -> Option<&dyn FitRepair> {
        Some(self)
    }

    fn fit(&self, estimator: &Estimator, train: &FairDataset) -> Result<FittedMethod> {
        let remover = self.fit_remover(train)?;
        let model = fit_estimator(estimator, &remover.transform(train)?)?;
        Ok(FittedMethod::CorrelationRemover(RepairedModel::new(
            remover, model,
        )))
    }

    fn is_fit(&self, fitted: &FittedMethod) -> bool {
        matches!(fitted, FittedMethod::CorrelationRemover(_))
    }
}

impl FitRepair for CorrelationRemoverSpec {
    fn fit_repair(&self, train: &FairDataset) -> Result<Box<dyn FeatureTransform + Send + Sync>> {
        Ok(Box::new(self.fit_remover(train)?))
    }
}

impl Fitted for RepairedModel<CorrelationRemover, Model> {
    fn predictor(&self) -> &dyn Predictor {
        self
    }

    fn reader(&self) -> &'static str {
        "correlation remover"
    }
}

/// The saved form of a correlation remover's fit, `{"remover": ..., "model": ...}` (model
/// format 1 named the repair `remover` for this method only).
pub(super) mod correlation_remover_shape {
    use fairkit_learners::Model;
    use fairkit_preprocessing::{CorrelationRemover, RepairedModel};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize)]
    struct Borrowed<'a> {
        remover: &'a CorrelationRemover,
        model: &'a Model,
    }

    #[derive(Deserialize)]
    struct Owned {
        remover: CorrelationRemover,
        model: Model,
    }

    pub fn serialize<S: Serializer>(
        fit: &RepairedModel<CorrelationRemover, Model>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        Borrowed {
            remover: fit.repair(),
            model: fit.model(),
        }
        .serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<RepairedModel<CorrelationRemover, Model>, D::Error> {
        let Owned { remover, model } = Owned::deserialize(deserializer)?;
        Ok(RepairedModel::new(remover, model))
    }
}
