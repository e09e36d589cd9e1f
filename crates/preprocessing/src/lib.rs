//! Pre-processing mitigations: change the training data, not the learner.
//!
//! * [`Reweighing`] (Kamiran and Calders): a weight per (group, label) cell,
//!   `P(group) P(label) / P(group, label)`, that makes group and label independent under the
//!   weights. It feeds any learner that honours sample weights
//!   ([`Reweighing::fit_learner`], [`require_weight_support`]).
//! * [`DisparateImpactRemover`] (Feldman et al., AIF360): per-feature, per-group quantile
//!   repair with a `repair_level`, fitted once and applied to new data with `transform`.
//! * [`CorrelationRemover`] (fairlearn): removes the linear correlation of every feature with
//!   the group indicators, mixed with the original by `alpha`.
//! * [`Massaging`] (Kamiran and Calders): relabels the training rows a ranker is least sure
//!   about, promoting unprivileged negatives and demoting privileged positives, until the two
//!   groups' base rates agree; any learner is then fitted on the new labels.
//! * [`Lfr`] (Zemel et al., AIF360's `LFR`): learns `k` prototypes whose soft assignment encodes
//!   the features, predicts the label and hides the group; `transform` gives the representation
//!   and the model also classifies on its own.
//!
//! A fitted repair and the model fitted on its output predict new rows as one
//! [`fairkit_core::Predictor`] ([`RepairedModel`]).
//!
//! Groups are the codes of [`fairkit_core::Groups`], so several sensitive columns give
//! intersectional groups. Fitted transforms match new data's groups by value, and refuse a
//! group that had no rows at fit time. The crate never depends on a concrete learner.
//!
//! ```
//! use fairkit_core::{FairDataset, Groups};
//! use fairkit_preprocessing::{
//!     CorrelationRemover, DisparateImpactRemover, FeatureTransform, FitFeatureTransform, Reweighing,
//! };
//! use ndarray::array;
//!
//! let g = Groups::from_labels("g", &["a", "a", "a", "b", "b", "b"])?;
//! let x = array![[1.0], [2.0], [3.0], [4.0], [5.0], [6.0]];
//! let data = FairDataset::new(x, vec![true, true, false, true, false, false], g)?;
//!
//! let weighted = Reweighing::fit_transform(&data)?;
//! assert_eq!(weighted.weights().unwrap()[0], 0.75);
//!
//! let repaired = DisparateImpactRemover::params().fit(&data)?.transform(&data)?;
//! assert_eq!(repaired.features().column(0).to_vec(), [1., 2., 3., 1., 2., 3.]);
//!
//! let filtered = CorrelationRemover::params().alpha(0.5).fit_transform(&data)?;
//! assert_eq!(filtered.features()[[0, 0]], 1.75);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod correlation_remover;
mod di_remover;
mod error;
mod groups;
mod lfr;
mod massaging;
mod repaired;
mod reweighing;
mod transform;

pub use correlation_remover::{
    CorrelationRemover, CorrelationRemoverParams, CorrelationRemoverValidParams,
};
pub use di_remover::{
    DisparateImpactRemover, DisparateImpactRemoverParams, DisparateImpactRemoverValidParams, Strata,
};
pub use error::{PreprocessingError, Result};
pub use fairkit_core::require_weight_support;
pub use lfr::{Lfr, LfrParams, LfrValidParams};
pub use linfa::ParamGuard;
pub use massaging::{Massaging, MassagingParams, MassagingValidParams};
pub use repaired::RepairedModel;
pub use reweighing::Reweighing;
pub use transform::{FeatureTransform, FitFeatureTransform};
