//! Adversarial debiasing (docs/inprocessing.md#adversarial-debiasing): an in-processing
//! method that trains its own network (the estimator is not used), drawing its initial
//! weights, shuffles and dropout masks from the run's seed.

use fairkit_core::{FairDataset, Predictor};
use fairkit_inprocessing::{AdversarialDebiasing, AdversaryTarget};
use fairkit_learners::Estimator;
use serde::{Deserialize, Serialize};

use super::{Fitted, FittedMethod, Method, MethodDetails};
use crate::Result;

fn default_weight() -> f64 {
    0.1
}
fn default_epochs() -> usize {
    50
}
fn default_batch() -> usize {
    128
}
fn default_hidden() -> usize {
    200
}
fn default_debias() -> bool {
    true
}

/// Adversarial debiasing's parameters, AIF360's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdversarialSpec {
    /// How far each classifier step moves away from the adversary's gradient.
    #[serde(default = "default_weight")]
    pub adversary_loss_weight: f64,
    /// Passes over the training rows.
    #[serde(default = "default_epochs")]
    pub num_epochs: usize,
    /// Rows per mini-batch.
    #[serde(default = "default_batch")]
    pub batch_size: usize,
    /// Width of the hidden ReLU layer.
    #[serde(default = "default_hidden")]
    pub hidden_units: usize,
    /// Train against the adversary (`false`: the plain network).
    #[serde(default = "default_debias")]
    pub debias: bool,
    /// The disparity the adversary targets: `equalized-odds` (AIF360's) or
    /// `demographic-parity`.
    #[serde(default)]
    pub target: AdversaryTarget,
}

impl Default for AdversarialSpec {
    fn default() -> Self {
        Self {
            adversary_loss_weight: default_weight(),
            num_epochs: default_epochs(),
            batch_size: default_batch(),
            hidden_units: default_hidden(),
            debias: default_debias(),
            target: AdversaryTarget::default(),
        }
    }
}

impl Method for AdversarialSpec {
    fn family(&self) -> &'static str {
        "adversarial"
    }

    fn own_learner(&self) -> Option<&'static str> {
        Some("its own network and adversary")
    }

    /// `adversarial`, `adversarial-dp` for the demographic-parity adversary,
    /// `adversarial-plain` without debiasing.
    fn name(&self) -> String {
        match (self.debias, self.target) {
            (false, _) => "adversarial-plain".into(),
            (true, AdversaryTarget::EqualizedOdds) => self.family().into(),
            (true, AdversaryTarget::DemographicParity) => "adversarial-dp".into(),
        }
    }

    fn fit(&self, estimator: &Estimator, train: &FairDataset) -> Result<FittedMethod> {
        self.fit_seeded(estimator, train, 0)
    }

    fn fit_seeded(&self, _: &Estimator, train: &FairDataset, seed: u64) -> Result<FittedMethod> {
        let model = AdversarialDebiasing::params()
            .adversary_loss_weight(self.adversary_loss_weight)
            .num_epochs(self.num_epochs)
            .batch_size(self.batch_size)
            .hidden_units(self.hidden_units)
            .debias(self.debias)
            .target(self.target)
            .seed(seed)
            .fit(train)?;
        Ok(FittedMethod::Adversarial { model })
    }

    fn is_fit(&self, fitted: &FittedMethod) -> bool {
        matches!(fitted, FittedMethod::Adversarial { .. })
    }
}

impl Fitted for AdversarialDebiasing {
    fn predictor(&self) -> &dyn Predictor {
        self
    }

    fn reader(&self) -> &'static str {
        "adversarial network"
    }

    fn details(&self) -> MethodDetails {
        let mut rules = vec![format!(
            "{} mini-batch steps (seed {}); last epoch's classifier loss {:.4}",
            self.steps(),
            self.seed(),
            self.classifier_loss()
        )];
        if let Some(loss) = self.adversary_loss() {
            rules.push(format!("last epoch's adversary loss {loss:.4}"));
        }
        MethodDetails {
            rules,
            ..MethodDetails::default()
        }
    }
}
