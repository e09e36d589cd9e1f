//! Post-processing mitigation: Fairlearn's `ThresholdOptimizer` (Hardt, Price and Srebro 2016).
//!
//! When a model cannot be retrained, its scores can still be thresholded per group. For each
//! sensitive group, every threshold on the score gives one trade-off point (the constraint rate,
//! e.g. the selection rate, against the objective, e.g. accuracy); the upper convex hull of
//! those points is reachable by randomizing between two adjacent thresholds. The optimizer picks
//! the constraint value where the groups together do best, so that every group reaches the same
//! rate in expectation ([`Constraint`]), or rates within `tol` of each other.
//!
//! The numbers follow Fairlearn 0.15 operation for operation (docs/threshold-optimizer.md):
//! trade-off points from exact counts, Andrew's monotone chain with its drop rule, the grid of
//! `numpy.linspace`, the left-segment convention, the 15-decimal rounding of the equalized-odds
//! objective. Differences, all deliberate:
//!
//! * a group without training rows is an error at prediction time, naming the group, unless an
//!   [`UnseenGroupPolicy`] says otherwise (Fairlearn silently predicts 0);
//! * a group whose scores are all equal is an error ([`PostprocessingError::ConstantScores`]);
//! * sample weights, when given, weight the counts (Fairlearn ignores them in the search);
//! * sampled predictions take an explicit seed; [`InterpolatedThresholder::probability`] gives
//!   the deterministic expectation;
//! * fewer than two groups is an error: there is nothing to equalize.
//!
//! **Fit on training or validation data, evaluate on test data.** The thresholds are chosen
//! with the labels of the fitting rows; fitting them on the test set (as the reference
//! material did) leaks the test labels into the model and makes its test accuracy and
//! disparity look better than they will be on new data.
//!
//! The crate also holds AIF360's three two-group post-processors
//! (docs/postprocessing-aif360.md#two-groups), fitted on scores, labels and a privileged /
//! unprivileged pair of groups: [`RejectOptionParams`] (Kamiran, Karim and Zhang 2012,
//! deterministic), [`EqOddsParams`] (Hardt, Price and Srebro 2016 as AIF360 solves it: a linear
//! program over flip probabilities, randomized) and [`CalibratedEqOddsParams`] (Pleiss et al.
//! 2017, randomized). Their parameters follow linfa's [`ParamGuard`] idiom.
//!
//! The crate never names a learner: scores come from any [`fairkit_core::Classifier`]
//! ([`FitThresholds::fit`]) or from a score column ([`FitThresholds::fit_scores`]). Parameters
//! follow linfa's idiom: [`ThresholdOptimizerParams`] is checked ([`ParamGuard`]) into
//! [`ThresholdOptimizerValidParams`], and either fits. The fitted thresholds predict as a
//! [`fairkit_core::Predictor`] behind a model ([`ThresholdedModel`]) or on a score column
//! ([`ScoreThresholder`]).
//!
//! ```
//! use fairkit_core::Groups;
//! use fairkit_postprocessing::{Constraint, FitThresholds, ThresholdOptimizerParams};
//!
//! // O10 (docs/test-oracles.md#o10): score, label and group of eight rows.
//! let scores = [0.9, 0.8, 0.3, 0.2, 0.7, 0.6, 0.4, 0.1];
//! let labels = [true, true, false, false, true, false, true, false];
//! let groups = Groups::from_labels("g", &["a", "a", "a", "a", "b", "b", "b", "b"])?;
//!
//! let fitted = ThresholdOptimizerParams::new()
//!     .constraint(Constraint::DemographicParity)
//!     .fit_scores(&scores, &labels, &groups, None)?;
//! assert_eq!(fitted.x_best(), Some(0.5));
//! assert_eq!(fitted.probability(&scores, &groups)?, [1.0, 1.0, 0.0, 0.0, 1.0, 0.5, 0.5, 0.0]);
//! assert_eq!(
//!     fitted.describe()[1],
//!     "g=b: score > 0.650 -> 1; 0.250 < score <= 0.650 -> 1 with p = 0.500; else 0"
//! );
//! let sampled = fitted.predict(&scores, &groups, 42)?; // same seed, same labels
//! assert_eq!(sampled, fitted.predict(&scores, &groups, 42)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod algorithm;
mod calibrated_eq_odds;
mod eq_odds;
mod error;
mod hyperparams;
mod options;
mod predictor;
mod reject_option;
mod thresholder;
mod tradeoff;
mod two_group_error;
mod two_groups;

pub use algorithm::FitThresholds;
pub use calibrated_eq_odds::{
    CalibratedEqOdds, CalibratedEqOddsParams, CalibratedEqOddsValidParams, CostConstraint,
};
pub use eq_odds::{EqOdds, EqOddsParams, EqOddsValidParams, FlipRates};
pub use error::{PostprocessingError, Result, ThresholdOptimizerParamsError};
pub use hyperparams::{ThresholdOptimizerParams, ThresholdOptimizerValidParams};
pub use linfa::ParamGuard;
pub use options::{Constraint, MAX_GRID_SIZE, Objective, UnseenGroupPolicy};
pub use predictor::{ScorePostprocessor, ScoreThresholder, ThresholdedModel};
pub use reject_option::{RejectOption, RejectOptionParams, RejectOptionValidParams};
pub use thresholder::{
    ConstantMix, FittedGroup, GroupRule, InterpolatedThresholder, Operator, ThresholdOperation,
};
pub use two_group_error::PostprocessingMethodError;
pub use two_groups::{Disparity, FitTwoGroups, GroupPair};
