//! Shared vocabulary of the fairkit workspace.
//!
//! Every other fairkit crate speaks in these types:
//!
//! * [`GroupSchema`] and [`Groups`]: which sensitive group each row belongs to. With several
//!   sensitive columns the group is the tuple of their values (the intersection), and the schema
//!   enumerates the full Cartesian product so that empty intersections are reported, not dropped.
//! * [`FairDataset`]: features (f64), binary labels, groups and optional sample weights, kept
//!   aligned through subsetting, shuffles and seeded train/test splits.
//! * [`Learner`] and [`Classifier`]: the object-safe-enough traits that mitigation crates are
//!   generic over. Mitigation crates never name a concrete learner.
//! * [`Predictor`]: what every fitted method offers, a learner's model or a mitigation: the
//!   expected positive probability of rows given their features and groups, randomized or
//!   not, its score where it has one, and a consistency check of a saved fit.
//! * [`Error`]: the common error for invalid input, shared by all library crates.
//! * [`rng`]: the one way fairkit makes random generators, always from an explicit seed.
//! * [`limits`]: the documented maximum of every count a user gives, and memory plans.
//! * [`suggest`]: "did you mean ...?" for mistyped names.
//!
//! ```
//! use fairkit_core::{FairDataset, Groups};
//! use ndarray::array;
//!
//! let groups = Groups::from_labels("sex", &["F", "M", "F", "M"]).unwrap();
//! let data = FairDataset::new(
//!     array![[1.0], [2.0], [3.0], [4.0]],
//!     vec![true, false, true, false],
//!     groups,
//! )
//! .unwrap();
//! assert_eq!(data.groups().schema().label(0), "F");
//! assert_eq!(data.n_rows(), 4);
//! ```
#![deny(missing_docs)]

mod dataset;
mod error;
mod group;
mod learner;
pub mod limits;
pub mod moments;
mod predictor;
pub mod rng;
pub mod suggest;
pub mod text;

pub use dataset::{FairDataset, Split};
pub use error::{Error, Result};
pub use group::{GroupSchema, Groups, sort_levels};
pub use learner::{
    Classifier, FeatureCache, Learner, LearnerError, WeightSupport, require_weight_support,
};
pub use predictor::{Predictor, classifier_expected, classifier_score};

/// What the exported macros name; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use ndarray::{ArrayView1, ArrayView2};
}
