//! Every mitigation method behind one interface: fit on training data, predict test data.
//!
//! * [`MethodSpec`] (`spec.rs`) names a method and its parameters; it is the serde shape of
//!   the `methods` of experiment files and of the `method` of saved models. Each variant holds
//!   a type implementing [`Method`], which fits it.
//! * [`FittedMethod`] (`fitted.rs`) is a fit, the serde shape of the `fitted` part of saved
//!   models. Each variant holds a type implementing [`Fitted`]: a
//!   [`fairkit_core::Predictor`] (expected positive probability of every row, 0 or 1 for
//!   deterministic methods; labels sampled from a seed) and the method's own numbers.
//! * One file per family holds its parameters, its fit and what its fit reports: `baseline.rs`,
//!   `reweighing.rs`, `remover.rs` (disparate-impact and correlation removers), `reduction.rs`
//!   (exponentiated gradient, grid search), `threshold.rs` (threshold optimizer),
//!   `two_group.rs` (AIF360's reject option, equalized odds and calibrated equalized odds: a
//!   post-processor of scores needs only its parameters there, the fit is shared),
//!   `inprocess.rs` (prejudice remover and GerryFair, which fit their own learner),
//!   `adversarial.rs` (adversarial debiasing, its own network and adversary), `preprocess.rs`
//!   (massaging and learning fair representations, which change the labels or learn a
//!   representation). The presets
//!   (`expgrad-dp`, ...) are in `presets.rs`.
//!
//! Adding a method touches: its family file (a spec type implementing [`Method`], and a fitted
//! type implementing [`Fitted`], usually a [`fairkit_core::Predictor`] of a library crate),
//! one variant of [`MethodSpec`] and one line of [`MethodSpec::method`], one variant of
//! [`FittedMethod`] and one line of its delegation, and a preset name if it has one.

mod adversarial;
mod baseline;
mod fitted;
mod inprocess;
mod knob;
mod preprocess;
mod presets;
mod reduction;
mod remover;
mod reweighing;
mod spec;
#[cfg(test)]
mod tests;
mod threshold;
mod two_group;

use std::time::Instant;

use fairkit_core::{Error, FairDataset};
use fairkit_learners::Estimator;

pub use adversarial::AdversarialSpec;
pub use fitted::{Fitted, FittedMethod, MethodDetails};
pub use inprocess::{Fairness, GerryFairFit, GerryFairSpec, PrejudiceRemoverSpec, SubgroupReport};
pub use knob::{
    ADVERSARY_GRID, AZ_GRID, BOUND_GRID, ETA_GRID, GAMMA_GRID, Knob, KnobGrid, LEVEL_GRID,
    REJECT_GRID,
};
pub use preprocess::{LfrSpec, Massaged, MassagingSpec, RankerColumn};
pub use presets::PRESETS;
pub use reduction::{ExpgradSpec, GridsearchSpec, ReductionConstraint};
pub use remover::{CorrelationRemoverSpec, DiRemoverSpec, FitRepair};
pub use reweighing::{CellFactor, Reweighed};
pub use spec::{Method, MethodSpec};
pub use threshold::ThresholdSpec;
pub use two_group::{CalibratedEqOddsSpec, EqOddsSpec, RejectOptionSpec, TwoGroupFit};

use crate::{HarnessError, Result};

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
    /// The predictor's own score of every test row (a model's probability of label 1), for
    /// methods that have one ([`fairkit_core::Predictor::score`]).
    pub score: Option<Vec<f64>>,
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

/// Fits `spec` on `train` (a method that draws at random when fitting draws from `seed`) and
/// predicts `test` (labels sampled with `seed`).
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
    let fitted = spec.fit_seeded(estimator, train, seed)?;
    let fit_seconds = start.elapsed().as_secs_f64();
    let expected = fitted
        .expected(test.features(), test.groups())
        .map_err(|e| missing_group(spec, train, test).unwrap_or(e))?;
    let predicted = fitted.labels(&expected, seed);
    let score = fitted
        .predictor()
        .score(test.features(), test.groups())
        .map_err(|e| missing_group(spec, train, test).unwrap_or(HarnessError::from(e)))?;
    Ok(MethodRun {
        fitted,
        fit_seconds,
        expected,
        predicted,
        score,
    })
}
