//! Fairlearn's reductions approach to in-processing mitigation (Agarwal et al. 2018), generic
//! over any [`fairkit_core::Learner`] that honours sample weights.
//!
//! A fairness constraint becomes a Lagrangian game. Each round the base learner is refit on
//! relabelled, reweighted training data (a cost-sensitive best response); the result is a
//! randomized mixture of the models found that meets the constraint at the best error.
//!
//! * [`moments`]: the constraints ([`UtilityParity`]: demographic parity, equalized odds,
//!   true/false positive rate parity, error rate parity, each with a [`Bound`]) and the
//!   objective ([`ErrorRate`]). Intersectional groups come from the dataset's
//!   [`fairkit_core::Groups`]; user sample weights enter every probability (module docs).
//! * [`ExponentiatedGradient`] (docs/reductions.md#exponentiated-gradient): a mixture with its
//!   expected positive probability and labels sampled from an explicit seed.
//! * [`GridSearch`] (docs/reductions.md#grid-search): one model per grid point, fitted in parallel,
//!   and the best trade-off between error and violation.
//!
//! ```
//! use fairkit_core::{FairDataset, Groups};
//! use fairkit_reductions::{LoadedMoment, Moment, UtilityParity};
//! use ndarray::Array2;
//!
//! // O7 (docs/test-oracles.md#o7): demographic parity of the O1 predictions.
//! let g: Vec<&str> = [["a"; 6], ["b"; 6]].concat();
//! let y = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0].map(|v| v == 1).to_vec();
//! let data = FairDataset::new(Array2::zeros((12, 1)), y, Groups::from_labels("g", &g)?)?;
//! let dp = UtilityParity::demographic_parity().load(&data)?;
//! let h = [1., 1., 0., 1., 0., 0., 1., 0., 0., 0., 0., 0.];
//! let gamma = dp.gamma(&h);
//! assert!((gamma[0] - 1.0 / 6.0).abs() < 1e-12);
//! assert_eq!(dp.constraint_labels()[0], "+,all,a");
//! # Ok::<(), fairkit_reductions::ReductionsError>(())
//! ```
//!
//! Parameters follow linfa's idiom: `X::params(learner, constraint)` is an unchecked builder,
//! [`ParamGuard::check`] gives the checked `XValidParams`, and [`FitReduction::fit`] fits
//! either (the unchecked ones check themselves first).
//!
//! The mitigators never name a concrete learner; learners that ignore weights are refused
//! with [`fairkit_core::Error::IgnoresWeights`].
#![deny(missing_docs)]

mod error;
pub mod exp_grad;
mod fit;
pub mod grid_search;
mod hypothesis;
pub mod moments;

pub use error::{ReductionsError, Result};
pub use exp_grad::{
    ExponentiatedGradient, ExponentiatedGradientParams, ExponentiatedGradientValidParams, WarmStart,
};
pub use fit::FitReduction;
pub use grid_search::{
    GridSearch, GridSearchParams, GridSearchValidParams, GridWarning, SelectionRule,
};
pub use hypothesis::{Hypothesis, TrainedGroups};
pub use linfa::ParamGuard;
pub use moments::{
    Bound, ConstraintId, ErrorRate, Event, EventKey, GridBasis, LoadedErrorRate, LoadedMoment,
    LoadedUtilityParity, Moment, Projection, Sign, Utility, UtilityParity,
};
